//! itp-diary: a terminal diary for people living with immune thrombocytopenia (ITP).
//!
//! Layers, in order: [`domain`] (pure: entries, units, rules) ← [`store`] (SQLite only),
//! [`present`] (words, en + zh) and [`export`] (pure writers) ← [`app`] (services) ←
//! [`cli`] and [`tui`] (the two faces).

pub mod domain;
pub mod export;
pub mod present;
pub mod store;

pub mod app;

pub mod cli;
pub mod tui;
