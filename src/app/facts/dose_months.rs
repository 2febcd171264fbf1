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

fn utc(t: DateTime<FixedOffset>) -> DateTime<Utc> {
    t.with_timezone(&Utc)
}

/// The doses logged far from a piece (outside its context) that name one of its slots.
#[derive(Default)]
struct Far {
    /// The first and last time of those the window holds.
    span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Some lie outside the window.
    left_out: bool,
}

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
    let zone = zone_of(clock);
    let mut sum = DoseSummary::default();
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        sum.add(c.live(window)?.0);
        return Ok(sum.finish());
    };
    if window.0 < first.1.0 {
        sum.add(c.live((window.0, first.1.0))?.0);
    }
    let kept: HashMap<NaiveDate, DoseMonth> = store
        .dose_months(c.drug, regimen, first.0, last.0)?
        .into_iter()
        .map(|m| (m.month, m))
        .collect();
    let mut made = Vec::new();
    for &(month, span) in &months {
        if !keep || !c.settled(span) {
            sum.add(c.live(span)?.0);
            continue;
        }
        let Some(key) = zone.as_deref().map(|z| month_key(span, z, t)) else {
            sum.add(c.live(span)?.0);
            continue;
        };
        let serves = |m: &&DoseMonth| {
            m.key == key
                && m.far
                    .is_none_or(|(a, b)| a >= utc(window.0) && b < utc(window.1))
        };
        match kept.get(&month).filter(serves) {
            Some(m) => sum.add(m.piece.clone()),
            None => {
                let (piece, far) = c.live(span)?;
                sum.add(piece.clone());
                // A month some of whose far doses lie outside the window is this window's only.
                if !far.left_out {
                    made.push(DoseMonth {
                        month,
                        key,
                        piece,
                        far: far.span,
                    });
                }
            }
        }
    }
    if last.1.1 < window.1 {
        sum.add(c.live((last.1.1, window.1))?.0);
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
    /// name a slot of the context (and what the window left out of those).
    fn live(&self, span: Span) -> Result<(DosePiece, Far)> {
        let from = (span.0 - self.context).max(self.window.0);
        let to = (span.1 + self.context).min(self.window.1);
        let mut marks = self.store.dose_marks(self.drug, utc(from), utc(to))?;
        let (w0, w1) = self.window;
        let mut far = Far::default();
        for m in self.store.doses_naming(self.drug, utc(from), utc(to))? {
            if m.at >= from && m.at < to {
                continue;
            }
            if m.at < w0 || m.at >= w1 {
                far.left_out = true;
                continue;
            }
            let at = utc(m.at);
            far.span = Some(far.span.map_or((at, at), |(a, b)| (a.min(at), b.max(at))));
            marks.push(m);
        }
        marks.sort_by_key(|m| (m.at, m.id));
        let now = self.clock.now();
        // Each day's slots in the offset of its doses (all of the context's are here).
        let slots = crate::domain::dosing::SlotClock::new(self.clock, marks.iter().map(|m| m.at));
        let planned = self
            .r
            .map_or_else(Vec::new, |r| r.planned_between(from, to.min(now), &slots));
        Ok((piece(&marks, &planned, span, now, self.t), far))
    }
}

/// The version of the slot matching kept months were made with. 2 (session 7): each day's
/// slots in the offset of its doses; a missed or skipped dose logged after its slot's window
/// answers that slot.
const MATCHING: &str = "m2";

/// What a kept month's figures depend on besides its doses and plan (which the triggers
/// watch): the slot window, when a dose counts as late, and the time zone its slots were
/// placed in, by name (two zones with the same offsets change their clocks on other days and
/// hours) and by the month's UTC offsets (a zone whose rules were updated). The zone is named
/// by [`zone_of`], once per window; without a name nothing is kept.
fn month_key(span: Span, zone: &str, t: &Thresholds) -> String {
    // MATCHING names the slot-matching rules: a month kept by an older version is made again.
    format!(
        "{MATCHING}:w{}:l{}:{zone}:{}:{}",
        t.slot_window_hours,
        t.late_after_minutes,
        span.0.offset().local_minus_utc(),
        span.1.offset().local_minus_utc()
    )
}

/// The name of the zone the clock places slots in: a fixed clock's offset, else the system's
/// zone; `None` when the system's zone has no name.
fn zone_of(clock: &Clock) -> Option<String> {
    match clock {
        Clock::Fixed(at) => Some(format!("fixed{}", at.offset().local_minus_utc())),
        Clock::System => zone_name(),
    }
}

/// The system time zone's name: `TZ` when set (the clock honours it), else the platform's.
fn zone_name() -> Option<String> {
    match std::env::var("TZ") {
        Ok(tz) if !tz.is_empty() => Some(format!("TZ={tz}")),
        _ => iana_time_zone::get_timezone()
            .ok()
            .filter(|z| !z.is_empty())
            .map(|z| format!("zone={z}")),
    }
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
    let Some(mut start) = day_start(month, clock) else {
        return out;
    };
    loop {
        let Some(next) = month.checked_add_months(Months::new(1)) else {
            return out;
        };
        // Each month's end is the next one's start: every local midnight is placed once.
        let Some(end) = day_start(next, clock) else {
            return out;
        };
        if end > window.1 {
            return out;
        }
        if start >= window.0 {
            out.push((month, (start, end)));
        }
        (month, start) = (next, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_with_the_same_offsets_have_other_keys() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).expect("time");
        // Athens, Jerusalem and Chisinau all go from +2 to +3 in March 2024, on other days or
        // at other hours: a month kept under one is not read under another.
        let span = (
            at("2024-03-01T00:00:00+02:00"),
            at("2024-04-01T00:00:00+03:00"),
        );
        let t = Thresholds::default();
        let keys: Vec<String> = [
            "TZ=Europe/Athens",
            "TZ=Asia/Jerusalem",
            "TZ=Europe/Chisinau",
        ]
        .iter()
        .map(|z| month_key(span, z, &t))
        .collect();
        assert_ne!(keys[0], keys[1]);
        assert_ne!(keys[0], keys[2]);
        assert_ne!(keys[1], keys[2]);
        assert_eq!(keys[0], month_key(span, "TZ=Europe/Athens", &t));
    }
}
