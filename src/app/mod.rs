//! Services both faces call: the facts of the diary as of a moment, turning typed text into
//! entries and saving them (one path for both faces), export / import / backup jobs, the demo
//! diary, the session a face works in, paths and the settings file.
//! No SQL here (that is `store`) and no drawing (that is `tui`).

pub mod backup;
pub mod backup_job;
pub mod backup_names;
pub mod config;
pub mod course;
pub mod demo;
pub mod entries;
pub mod entry_input;
pub mod export;
pub mod facts;
pub mod import;
pub mod json_backup;
pub mod lab_sheet;
pub mod notify;
pub mod open_mark;
pub mod patients;
pub mod plan_checks;
pub mod platform;
pub mod schedule;
pub mod session;

use crate::store::StoreError;

/// What a file job (export, import, backup, restore) can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    /// Refused input: the position and the reason of the first problem.
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T> = std::result::Result<T, ExchangeError>;
