//! The rule engine lives in [`super::rules`]; this name is kept for the callers that import
//! `domain::reminders`.

pub use super::rules::*;
