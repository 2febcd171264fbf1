//! The doses of a long trend window, added up from pieces (`domain::trend::doses`): the head
//! before its first whole calendar month, each whole month, and the tail. A month that is
//! settled — its matching context lies inside the window and in the past — is kept in the store
//! and read back as one row while its key still matches; any write to its doses or its plan
//! removes it (triggers of migration 6). What is kept is only ever a copy of what the entries
//! give: the pieces add up to the figures of the whole window (tests/trend_months.rs).

use std::collections::HashMap;

use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate, NaiveTime, Utc};

use crate::domain::clock::Clock;
use crate::domain::drugs::Drug;
use crate::domain::regimen::Regimen;
use crate::domain::settings::Thresholds;
use crate::domain::trend::doses::{DosePiece, DoseSummary, context_after, context_before, piece};
use crate::store::{DoseMonth, Result, Store};

type Span = (DateTime<FixedOffset>, DateTime<FixedOffset>);

/// The window's dose figures, matched to plan `r` (the course's drug; without a plan, the
/// days of ciclosporin doses and no share).
pub fn summary(
    store: &Store,
    r: Option<&Regimen>,
    window: Span,
    clock: &Clock,
    t: &Thresholds,
) -> Result<DoseSummary> {
    let drug = r.map_or(Drug::Cyclosporine, |r| r.drug);
    let regimen = r.map_or(0, |r| r.id);
    let months = whole_months(window, clock);
    let mut sum = DoseSummary::default();
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        sum.add(live(store, r, drug, window, window, clock, t)?);
        return Ok(sum);
    };
    if window.0 < first.1.0 {
        sum.add(live(
            store,
            r,
            drug,
            (window.0, first.1.0),
            window,
            clock,
            t,
        )?);
    }
    let kept: HashMap<NaiveDate, DoseMonth> = store
        .dose_months(drug, regimen, first.0, last.0)?
        .into_iter()
        .map(|m| (m.month, m))
        .collect();
    let mut made = Vec::new();
    for &(month, span) in &months {
        let key = key(span, t);
        if !settled(span, window, clock) {
            sum.add(live(store, r, drug, span, window, clock, t)?);
            continue;
        }
        match kept.get(&month).filter(|m| m.key == key) {
            Some(m) => sum.add(m.piece.clone()),
            None => {
                let p = live(store, r, drug, span, window, clock, t)?;
                sum.add(p.clone());
                made.push(DoseMonth {
                    month,
                    key,
                    piece: p,
                });
            }
        }
    }
    if last.1.1 < window.1 {
        sum.add(live(
            store,
            r,
            drug,
            (last.1.1, window.1),
            window,
            clock,
            t,
        )?);
    }
    // Only a copy: a diary that cannot keep it (busy, read-only) is read the long way next time.
    let _ = store.keep_dose_months(drug, regimen, &made);
    Ok(sum)
}

/// A month can be kept when its whole matching context lies inside the window and before now:
/// its figures then depend on its doses and plan only, not on the window or the time.
fn settled(span: Span, window: Span, clock: &Clock) -> bool {
    context_before(span.0) >= window.0 && context_after(span.1) <= window.1.min(clock.now())
}

/// What a kept month's figures depend on besides its doses and plan (which the triggers
/// watch): the slot window, when a dose counts as late, and the month's UTC offsets (the time
/// zone its slots were placed in).
fn key(span: Span, t: &Thresholds) -> String {
    format!(
        "w{}:l{}:{}:{}",
        t.slot_window_hours,
        t.late_after_minutes,
        span.0.offset().local_minus_utc(),
        span.1.offset().local_minus_utc()
    )
}

/// The piece `span`, from the entries: the doses and planned slots of its context, clipped to
/// the window and, for slots, to now.
fn live(
    store: &Store,
    r: Option<&Regimen>,
    drug: Drug,
    span: Span,
    window: Span,
    clock: &Clock,
    t: &Thresholds,
) -> Result<DosePiece> {
    let from = context_before(span.0).max(window.0);
    let to = context_after(span.1).min(window.1);
    let marks = store.dose_marks(drug, from.with_timezone(&Utc), to.with_timezone(&Utc))?;
    let now = clock.now();
    let planned = r.map_or_else(Vec::new, |r| r.planned_between(from, to.min(now), clock));
    Ok(piece(&marks, &planned, span, now, t))
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
