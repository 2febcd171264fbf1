//! The clock is passed in, never read inside a rule: tests fix it, the binary reads the system
//! clock (or `ITP_DIARY_NOW`, used by end-to-end tests and demos).

use chrono::{DateTime, FixedOffset, Local, LocalResult, NaiveDate, NaiveDateTime, TimeZone};

/// Where "now" and the local UTC offset come from.
#[derive(Clone, Debug)]
pub enum Clock {
    /// The system clock and the system time zone (`TZ` is honoured).
    System,
    /// A fixed instant; local times are read with its UTC offset.
    Fixed(DateTime<FixedOffset>),
}

impl Clock {
    pub fn now(&self) -> DateTime<FixedOffset> {
        match self {
            Clock::System => Local::now().fixed_offset(),
            Clock::Fixed(t) => *t,
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// Attach the local UTC offset to a wall-clock time. In a DST gap the time does not exist
    /// and `None` is returned; in a DST overlap the earlier instant is chosen.
    pub fn localize(&self, naive: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
        match self {
            Clock::System => match Local.from_local_datetime(&naive) {
                LocalResult::Single(t) => Some(t.fixed_offset()),
                LocalResult::Ambiguous(a, _) => Some(a.fixed_offset()),
                LocalResult::None => None,
            },
            Clock::Fixed(t) => t.offset().from_local_datetime(&naive).single(),
        }
    }
}
