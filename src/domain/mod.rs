//! Pure domain: entries, units, validation, rules. No SQL, no terminal, no system clock.

pub mod clock;
pub mod codes;
pub mod drugs;
pub mod regimen;
pub mod settings;
pub mod entry;
pub mod units;
pub mod validate;
pub mod when;
