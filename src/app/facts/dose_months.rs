//! The doses of a long trend window, added up from pieces (`domain::trend::doses`): the head
//! before its first whole calendar month, each whole month, and the tail. A month that is
//! settled — its matching context lies inside the window and in the past — is kept in the store
//! and read back as one row while its key still matches; any write to its doses or its plan
//! removes it (triggers of migration 6), and what was read while another process wrote is not
//! kept. What is kept is only ever a copy of what the entries give: the pieces add up to the
//! figures of the whole window (tests/trend_months.rs).

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, FixedOffset, Months, NaiveDate, NaiveTime, Utc};

use crate::domain::clock::Clock;
use crate::domain::drugs::Drug;
use crate::domain::regimen::Regimen;
use crate::domain::settings::Thresholds;
use crate::domain::trend::doses::{CONTEXT_DAYS, DosePiece, DoseSummary, piece};
use crate::store::{DoseMonth, Result, Store};

type Span = (DateTime<FixedOffset>, DateTime<FixedOffset>);

/// What every piece of one window shares.
struct Ctx<'a> {
    store: &'a Store,
    r: Option<&'a Regimen>,
    drug: Drug,
    window: Span,
    clock: &'a Clock,
    t: &'a Thresholds,
    /// How far around a piece the matching looks: the usual three days, or more than the
    /// longest interval of a plan dosed every few days (its late doses answer from far).
    context: Duration,
}

/// The window's dose figures, matched to plan `r` (the course's drug; without a plan, the
/// days of ciclosporin doses and no share).
pub fn summary(
    store: &Store,
    r: Option<&Regimen>,
    window: Span,
    clock: &Clock,
    t: &Thresholds,
) -> Result<DoseSummary> {
    let read_at = store.data_version()?;
    let every = r.map_or(1, |r| {
        r.steps.iter().map(|s| s.every_days).max().unwrap_or(1)
    });
    let c = Ctx {
        store,
        r,
        drug: r.map_or(Drug::Cyclosporine, |r| r.drug),
        window,
        clock,
        t,
        context: Duration::days(CONTEXT_DAYS.max(i64::from(every) + 1)),
    };
    // Only months of plans dosed at least every other day are kept: the triggers watch
    // CONTEXT_DAYS around each dose.
    let keep = c.context == Duration::days(CONTEXT_DAYS);
    let regimen = r.map_or(0, |r| r.id);
    let months = whole_months(window, clock);
    let mut sum = DoseSummary::default();
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        sum.add(c.live(window)?);
        return Ok(sum.finish());
    };
    if window.0 < first.1.0 {
        sum.add(c.live((window.0, first.1.0))?);
    }
    let kept: HashMap<NaiveDate, DoseMonth> = store
        .dose_months(c.drug, regimen, first.0, last.0)?
        .into_iter()
        .map(|m| (m.month, m))
        .collect();
    let mut made = Vec::new();
    for &(month, span) in &months {
        if !keep || !c.settled(span) {
            sum.add(c.live(span)?);
            continue;
        }
        let key = key(month, span, clock, t);
        match kept.get(&month).filter(|m| m.key == key) {
            Some(m) => sum.add(m.piece.clone()),
            None => {
                let piece = c.live(span)?;
                sum.add(piece.clone());
                made.push(DoseMonth { month, key, piece });
            }
        }
    }
    if last.1.1 < window.1 {
        sum.add(c.live((last.1.1, window.1))?);
    }
    // Only a copy: a diary that cannot keep it (busy, read-only, written meanwhile by another
    // process) is read the long way next time.
    let _ = store.keep_dose_months(c.drug, regimen, &made, read_at);
    Ok(sum.finish())
}

impl Ctx<'_> {
    /// A month can be kept when its whole matching context lies inside the window and before
    /// now: its figures then depend on its doses and plan only, not on the window or the time.
    fn settled(&self, span: Span) -> bool {
        span.0 - self.context >= self.window.0
            && span.1 + self.context <= self.window.1.min(self.clock.now())
    }

    /// The piece `span`, from the entries: the doses and planned slots of its context, clipped
    /// to the window and, for slots, to now; with the doses logged elsewhere in the window that
    /// name a slot of the context.
    fn live(&self, span: Span) -> Result<DosePiece> {
        let from = (span.0 - self.context).max(self.window.0);
        let to = (span.1 + self.context).min(self.window.1);
        let utc = |t: DateTime<FixedOffset>| t.with_timezone(&Utc);
        let mut marks = self.store.dose_marks(self.drug, utc(from), utc(to))?;
        let (w0, w1) = self.window;
        marks.extend(
            self.store
                .doses_naming(self.drug, utc(from), utc(to))?
                .into_iter()
                .filter(|m| (m.at < from || m.at >= to) && m.at >= w0 && m.at < w1),
        );
        marks.sort_by_key(|m| (m.at, m.id));
        let now = self.clock.now();
        let planned = self.r.map_or_else(Vec::new, |r| {
            r.planned_between(from, to.min(now), self.clock)
        });
        Ok(piece(&marks, &planned, span, now, self.t))
    }
}

/// What a kept month's figures depend on besides its doses and plan (which the triggers
/// watch): the slot window, when a dose counts as late, and the time zone its slots were
/// placed in — the month's UTC offsets and, when they differ, the first day of the later one.
fn key(month: NaiveDate, span: Span, clock: &Clock, t: &Thresholds) -> String {
    let (a, b) = (
        span.0.offset().local_minus_utc(),
        span.1.offset().local_minus_utc(),
    );
    let change = if a == b {
        String::new()
    } else {
        let offset = |day| day_start(day, clock).map(|s| s.offset().local_minus_utc());
        format!(":d{}", change_day(month, b, offset))
    };
    format!(
        "w{}:l{}:{a}:{b}{change}",
        t.slot_window_hours, t.late_after_minutes
    )
}

/// The first day of `month` (days after its first) that starts at the UTC offset `end`, the
/// offset the month ends at; `offset` gives a day's offset at its start.
fn change_day(month: NaiveDate, end: i32, offset: impl Fn(NaiveDate) -> Option<i32>) -> u32 {
    let (mut lo, mut hi) = (0u32, month.num_days_in_month().into());
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if offset(month + Duration::days(mid.into())) == Some(end) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// The local midnight that starts `day` (01:00 where midnight falls in a clock change).
fn day_start(day: NaiveDate, clock: &Clock) -> Option<DateTime<FixedOffset>> {
    clock
        .localize(day.and_time(NaiveTime::MIN))
        .or_else(|| clock.localize(day.and_hms_opt(1, 0, 0)?))
}

/// The whole calendar months inside the window: (first day, [start, end)).
fn whole_months(window: Span, clock: &Clock) -> Vec<(NaiveDate, Span)> {
    let mut out = Vec::new();
    let Some(mut month) = window.0.date_naive().with_day(1) else {
        return out;
    };
    loop {
        let Some(next) = month.checked_add_months(Months::new(1)) else {
            return out;
        };
        let (Some(start), Some(end)) = (day_start(month, clock), day_start(next, clock)) else {
            return out;
        };
        if end > window.1 {
            return out;
        }
        if start >= window.0 {
            out.push((month, (start, end)));
        }
        month = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_that_change_their_clocks_on_other_days_have_other_keys() {
        let march = NaiveDate::from_ymd_opt(2024, 3, 1).expect("day");
        // Athens and Jerusalem both go from +2 to +3 in March 2024: on the 31st and the 29th.
        let zone = |change: u32| {
            move |d: NaiveDate| {
                Some(if d.day() >= change {
                    3 * 3600
                } else {
                    2 * 3600
                })
            }
        };
        assert_eq!(change_day(march, 3 * 3600, zone(31)), 30);
        assert_eq!(change_day(march, 3 * 3600, zone(29)), 28);
        assert_eq!(change_day(march, 3 * 3600, zone(2)), 1);
    }
}
