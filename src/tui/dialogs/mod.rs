//! What opens over a screen: log and edit forms, the export dialog, help, confirmations.

pub mod editing;
pub mod export;
pub mod form;
pub mod line_edit;
pub mod overlays;
pub mod patients;
pub mod prefill;
pub mod questions;
pub mod regimen;
pub mod revisions;
pub mod setup;
pub mod slots;
