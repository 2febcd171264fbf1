//! One module per screen; each draws from the app's state and never runs SQL.

pub mod history;
pub mod history_search;
pub mod reminders;
pub mod today;
pub mod trends;
pub mod upcoming;
