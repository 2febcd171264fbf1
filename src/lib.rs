//! itp-diary: a terminal diary for people living with immune thrombocytopenia (ITP).
//!
//! Layers: [`domain`] (pure rules) ← [`store`] (SQLite) ← [`cli`] / `tui` faces.

pub mod domain;
