//! Words: the catalogues (English and Simplified Chinese) and the descriptions of entries
//! shared by the command line and the terminal UI, so the two faces never drift apart.

pub mod ago;
pub mod describe;
pub mod i18n;
pub mod level;
pub mod revisions;
pub mod rule_table;
pub mod sanitize;
pub mod status;
