//! The date ranges the history can show.

use chrono::{DateTime, Duration, FixedOffset};

crate::domain::codes::code_enum!(
    /// Which entries the history shows by date (cycled with `R`).
    #[derive(Default)]
    HistoryRange, "history_range", {
        #[default]
        All => "all", [],
        Days30 => "30_days", [],
        Days90 => "90_days", [],
        Months12 => "12_months", [],
        /// Since the last clinic visit (an event), all dates when there was none.
        SinceVisit => "since_visit", [],
    }
);

impl HistoryRange {
    /// The next range in the cycle.
    pub fn next(self) -> HistoryRange {
        let i = Self::ALL.iter().position(|r| *r == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// Where the range starts (inclusive), `None` for all dates. `last_visit` is only used by
    /// [`HistoryRange::SinceVisit`].
    pub fn start(
        self,
        now: DateTime<FixedOffset>,
        last_visit: Option<DateTime<FixedOffset>>,
    ) -> Option<DateTime<FixedOffset>> {
        match self {
            HistoryRange::All => None,
            HistoryRange::Days30 => Some(now - Duration::days(30)),
            HistoryRange::Days90 => Some(now - Duration::days(90)),
            HistoryRange::Months12 => Some(now - Duration::days(365)),
            HistoryRange::SinceVisit => last_visit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cycle_visits_every_range_and_comes_back() {
        let mut r = HistoryRange::default();
        let mut seen = vec![r];
        for _ in 1..HistoryRange::ALL.len() {
            r = r.next();
            seen.push(r);
        }
        assert_eq!(seen, HistoryRange::ALL);
        assert_eq!(r.next(), HistoryRange::All);
    }
}
