//! itp-diary: a terminal diary for people living with immune thrombocytopenia (ITP).
//!
//! Layers: [`domain`] (pure rules) ← [`store`] (SQLite) ← [`cli`] / `tui` faces;
//! [`export`] is pure functions over domain types.

pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod exchange;
pub mod export;
pub mod i18n;
pub mod input;
pub mod service;
pub mod store;
pub mod text;
pub mod tui;
