//! Drawing pieces shared by screens: the trend charts' content, wrapping to columns.

pub mod charts;
pub mod hints;
pub mod plot;
pub mod spark;
pub mod wrap;
