//! Pure domain: entries, units, validation, rules. No SQL, no terminal, no system clock.

pub mod announce;
pub mod clock;
pub mod codes;
pub mod course;
pub mod dosing;
pub mod drugs;
pub mod entry;
pub mod facts;
pub mod interactions;
pub mod overview;
pub mod ranges;
pub mod regimen;
pub mod reminders;
pub mod response;
pub mod rules;
pub mod settings;
pub mod take;
pub mod trend;
pub mod units;
pub mod validate;
pub mod when;
