//! Pure functions from domain data to files: CSV, JSON, and (later) HTML, FHIR, iCalendar.

pub mod flat;
