//! Pure functions from domain data to files: CSV, JSON backup, HTML and Markdown reports,
//! FHIR R4 bundle, iCalendar. Each writes to `impl Write`.

pub mod chart;
pub mod doc;
pub mod fhir;
pub mod fhir_med;
pub mod fhir_obs;
pub mod fhir_typed;
pub mod flat;
pub mod html;
pub mod ics;
pub mod json;
pub mod md;
pub mod pdf;
pub mod report;
pub mod svg;
