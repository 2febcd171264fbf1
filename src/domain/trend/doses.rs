//! The dose part of a long trend window, in pieces: what one stretch of time adds to the
//! taken-mg-per-day line and to the share of planned doses taken. A settled calendar month is
//! one piece the store keeps (see `app::facts::long_window`), so a century of doses is read as
//! 1,200 rows instead of 72,000 entries; the pieces add up to the figures of the whole window.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};

use super::DoseMark;
use crate::domain::dosing::{SlotState, slot_states};
use crate::domain::entry::DoseStatus;
use crate::domain::regimen::PlannedDose;
use crate::domain::settings::Thresholds;

/// How far around a piece the slot matching looks: slots this long before it are matched
/// first (they may answer with doses near its start), doses this long after it may answer its
/// last slots (late doses). Longer than any dosing interval the plans allow.
pub const CONTEXT_DAYS: i64 = 3;

/// How the planned slots of a stretch of time were answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlotCounts {
    pub taken: u32,
    pub late: u32,
    pub missed: u32,
    pub skipped: u32,
}

impl SlotCounts {
    /// Count one slot by how it was answered (open slots are not counted).
    pub fn count(&mut self, state: SlotState) {
        match state {
            SlotState::Taken => self.taken += 1,
            SlotState::Late => self.late += 1,
            SlotState::Missed => self.missed += 1,
            SlotState::Skipped => self.skipped += 1,
            SlotState::Due | SlotState::Upcoming => {}
        }
    }

    fn add(&mut self, o: SlotCounts) {
        self.taken += o.taken;
        self.late += o.late;
        self.missed += o.missed;
        self.skipped += o.skipped;
    }

    /// The share (%) of the slots taken (on time or late) among those taken, late or missed
    /// (skipped and open slots are left out); `None` when none counts.
    pub fn taken_pct(&self) -> Option<f64> {
        let ok = self.taken + self.late;
        let counted = ok + self.missed;
        (counted > 0).then(|| f64::from(ok) * 100.0 / f64::from(counted))
    }
}

/// What a stretch of time adds to a window's dose figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DosePiece {
    pub slots: SlotCounts,
    /// Taken mg per local day (the dose's own date), for the taken doses in the stretch.
    pub days: Vec<(NaiveDate, f64)>,
}

/// The piece `[span.0, span.1)`: `planned` are the plan's slots from the piece's context on
/// (in time order), `marks` the logged doses around it (in time order). Only slots and doses
/// inside the span are counted; the others are there so that the matching inside it is the
/// one the whole window makes.
pub fn piece(
    marks: &[DoseMark],
    planned: &[PlannedDose],
    span: (DateTime<FixedOffset>, DateTime<FixedOffset>),
    now: DateTime<FixedOffset>,
    t: &Thresholds,
) -> DosePiece {
    let inside = |at: &DateTime<FixedOffset>| *at >= span.0 && *at < span.1;
    let mut p = DosePiece::default();
    if !planned.is_empty() {
        let pairs: Vec<_> = marks.iter().map(|m| (m.at, m)).collect();
        for s in slot_states(planned, &pairs, now, t)
            .iter()
            .filter(|s| inside(&s.at))
        {
            p.slots.count(s.state);
        }
    }
    let mut per_day: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for m in marks.iter().filter(|m| inside(&m.at)) {
        if let (DoseStatus::Taken, Some(mg)) = (m.status, m.mg) {
            *per_day.entry(m.at.date_naive()).or_default() += mg;
        }
    }
    p.days = per_day.into_iter().collect();
    p
}

/// The pieces of a window added up, in time order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DoseSummary {
    pub slots: SlotCounts,
    pub days: Vec<(NaiveDate, f64)>,
}

impl DoseSummary {
    /// Add the next piece (pieces come in time order); [`DoseSummary::finish`] once all are in.
    pub fn add(&mut self, p: DosePiece) {
        self.slots.add(p.slots);
        self.days.extend(p.days);
    }

    /// The days in order, each once: a day two pieces share (a dose logged in another UTC
    /// offset than the clock's falls on a date of the piece before or after) is summed, in
    /// the order the pieces came.
    pub fn finish(mut self) -> DoseSummary {
        self.days.sort_by_key(|d| d.0);
        let mut days: Vec<(NaiveDate, f64)> = Vec::with_capacity(self.days.len());
        for (day, mg) in self.days {
            match days.last_mut() {
                Some(last) if last.0 == day => last.1 += mg,
                _ => days.push((day, mg)),
            }
        }
        self.days = days;
        self
    }
}

/// The context before a piece that starts at `at`.
pub fn context_before(at: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    at - Duration::days(CONTEXT_DAYS)
}

/// The context after a piece that ends at `at`.
pub fn context_after(at: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    at + Duration::days(CONTEXT_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("time")
    }

    fn taken(s: &str, mg: f64) -> DoseMark {
        DoseMark {
            id: 0,
            at: at(s),
            status: DoseStatus::Taken,
            scheduled_for: None,
            mg: Some(mg),
        }
    }

    fn counts(taken: u32, late: u32, missed: u32, skipped: u32) -> SlotCounts {
        SlotCounts {
            taken,
            late,
            missed,
            skipped,
        }
    }

    fn slot(s: &str) -> PlannedDose {
        PlannedDose {
            at: at(s),
            amount: 75.0,
        }
    }

    #[test]
    fn a_piece_counts_only_its_own_slots_and_days() {
        let marks = [
            taken("2026-01-31T20:05:00+08:00", 75.0),
            taken("2026-02-01T08:10:00+08:00", 75.0),
            taken("2026-02-01T22:30:00+08:00", 50.0),
        ];
        let planned = [
            slot("2026-01-31T20:00:00+08:00"),
            slot("2026-02-01T08:00:00+08:00"),
            slot("2026-02-01T20:00:00+08:00"),
            slot("2026-02-02T08:00:00+08:00"),
        ];
        let now = at("2026-03-01T00:00:00+08:00");
        let t = Thresholds::default();
        let feb = (
            at("2026-02-01T00:00:00+08:00"),
            at("2026-02-02T00:00:00+08:00"),
        );
        let p = piece(&marks, &planned, feb, now, &t);
        assert_eq!(p.slots, counts(1, 1, 0, 0));
        assert_eq!(p.days, vec![(feb.0.date_naive(), 125.0)]);
        // Without a plan: the days, no share.
        let p = piece(&marks, &[], feb, now, &t);
        assert_eq!(p.slots, SlotCounts::default());
        assert_eq!(p.days.len(), 1);
    }

    #[test]
    fn pieces_add_up_and_a_shared_day_is_summed() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let mut s = DoseSummary::default();
        assert_eq!(s.slots.taken_pct(), None);
        s.add(DosePiece {
            slots: counts(2, 1, 1, 5),
            days: vec![(d("2026-01-30"), 150.0), (d("2026-01-31"), 75.0)],
        });
        s.add(DosePiece {
            slots: counts(1, 0, 0, 0),
            days: vec![(d("2026-01-31"), 75.0), (d("2026-02-01"), 150.0)],
        });
        // A piece whose doses in another offset fall on a date of an earlier piece.
        s.add(DosePiece {
            slots: counts(0, 0, 0, 0),
            days: vec![(d("2026-01-30"), 10.0)],
        });
        let s = s.finish();
        assert_eq!(s.slots, counts(3, 1, 1, 5));
        assert_eq!(s.slots.taken_pct(), Some(80.0));
        assert_eq!(
            s.days,
            vec![
                (d("2026-01-30"), 160.0),
                (d("2026-01-31"), 150.0),
                (d("2026-02-01"), 150.0)
            ]
        );
    }
}
