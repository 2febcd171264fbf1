//! Drawing pieces shared by screens: the trend charts' content.

pub mod charts;
pub mod plot;
pub mod spark;
