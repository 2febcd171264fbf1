//! The pieces of `trend::build`, one per group of charts, each reading the facts of the
//! window.

use chrono::{DateTime, Duration, FixedOffset, NaiveTime};

use super::{
    GAP_LABS, GAP_PLATELETS, Level, Marker, Pt, Reduced, Summary, TrendData, cv, median,
    pct_from_baseline, time_in_range,
};
use crate::domain::clock::Clock;
use crate::domain::dosing::{DoseView, SlotState, adherence, slot_states};
use crate::domain::drugs::Drug;
use crate::domain::entry::{Analyte, DoseStatus, EntryData, EventKind};
use crate::domain::facts::Facts;
use crate::domain::overview::{LevelTiming, trough_target};
use crate::domain::regimen::Regimen;
use crate::domain::response::assess_regimen;
use crate::domain::settings::Thresholds;

/// The window `[from, to)` and its x axis (days since `from`).
pub(super) struct Axis {
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
    pub days: f64,
}

impl Axis {
    pub fn new(from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> Axis {
        let mut a = Axis {
            from,
            to,
            days: 0.0,
        };
        a.days = a.x(to);
        a
    }

    pub fn x(&self, at: DateTime<FixedOffset>) -> f64 {
        // To the millisecond: a window opened at a fraction of a second put 07:30:00 at
        // 07:29:59.3 (the cursor read it back a minute early).
        (at - self.from).num_milliseconds() as f64 / 86_400_000.0
    }

    /// The x of a day's noon on the window's clock (a window opens at any time of day: a
    /// month back from 23:34 put each day's dose 11:34 into the next day, session 7).
    pub fn noon(&self, day: chrono::NaiveDate) -> f64 {
        let noon = day.and_time(NaiveTime::MIN) + Duration::hours(12);
        (noon - self.from.naive_local()).num_milliseconds() as f64 / 86_400_000.0
    }

    pub fn inside(&self, at: &DateTime<FixedOffset>) -> bool {
        *at >= self.from && *at < self.to
    }
}

/// Platelet counts in the window, the response baseline and the response over time.
pub(super) fn platelets(
    d: &mut TrendData,
    f: &Facts,
    r: Option<&Regimen>,
    w: &Axis,
    t: &Thresholds,
) {
    d.platelets = f
        .platelets()
        .filter(|(at, _)| w.inside(at))
        .map(|(at, v)| (w.x(at), v))
        .collect();
    if let Some(r) = r {
        let a = assess_regimen(f, r, t);
        d.baseline = a.baseline;
        d.response = a
            .history
            .iter()
            .filter(|(at, _)| w.inside(at))
            .map(|(at, s)| (w.x(*at), *s))
            .collect();
    }
}

/// The planned mg/day (and mg/kg/day, when a weight is known) as step lines, and the
/// regimen's steps as markers.
pub(super) fn planned(d: &mut TrendData, f: &Facts, r: &Regimen, w: &Axis, clock: &Clock) {
    let weights: Vec<_> = f.weights().collect();
    let midnight = |day: chrono::NaiveDate| clock.localize(day.and_time(NaiveTime::MIN));
    let mut day = w.from.date_naive();
    let mut last: Option<f64> = None;
    while day < w.to.date_naive() + Duration::days(1) {
        let mg = r
            .step_on(day)
            .filter(|_| r.is_active_on(day))
            .map(|s| s.daily_amount())
            .unwrap_or(0.0);
        // Only a change of the planned amount is drawn: a century of days is localised only
        // where it changes.
        if last != Some(mg) {
            let at = midnight(day).unwrap_or(w.from);
            let xx = w.x(at).max(0.0).min(w.days);
            if let Some(prev) = last {
                d.dose_planned.push((xx, prev));
            }
            d.dose_planned.push((xx, mg));
            let kg = weights
                .iter()
                .rev()
                .find(|(w, _)| *w <= at)
                .or(weights.first())
                .map(|w| w.1);
            if let Some(kg) = kg.filter(|k| *k > 0.0) {
                if let Some(&(_, prev)) = d.mg_per_kg.last() {
                    d.mg_per_kg.push((xx, prev));
                }
                d.mg_per_kg.push((xx, mg / kg));
            }
            last = Some(mg);
        }
        day += Duration::days(1);
    }
    if let Some(l) = last {
        d.dose_planned.push((w.days, l));
    }
    if let Some(&(_, v)) = d.mg_per_kg.last() {
        d.mg_per_kg.push((w.days, v));
    }
    for s in r.changes() {
        if let Some(at) = midnight(s.effective_from).filter(|at| w.inside(at)) {
            d.markers.push(Marker {
                x: w.x(at),
                code: format!("step_{}", s.kind.code()),
            });
        }
    }
}

/// Taken mg per local day of the window (x at the middle of the day).
pub(super) fn taken_per_day(f: &Facts, drug: Drug, w: &Axis) -> Vec<Pt> {
    let mut per_day: std::collections::BTreeMap<i64, f64> = Default::default();
    for (at, dose) in f.doses(drug).filter(|(at, _)| w.inside(at)) {
        if dose.status == DoseStatus::Taken
            && let Some(a) = dose.amount.as_ref().filter(|a| a.unit == "mg")
        {
            *per_day
                .entry((at.date_naive() - w.from.date_naive()).num_days())
                .or_default() += a.value;
        }
    }
    let day0 = w.from.date_naive();
    per_day
        .into_iter()
        .map(|(k, v)| (w.noon(day0 + Duration::days(k)), v))
        .collect()
}

/// [`taken_per_day`] from a long window's dose summary.
pub(super) fn taken_per_day_summary(s: &super::doses::DoseSummary, w: &Axis) -> Vec<Pt> {
    s.days.iter().map(|(day, mg)| (w.noon(*day), *mg)).collect()
}

/// Drug levels (troughs and the levels that were not true troughs), creatinine against its
/// baseline, blood pressure, liver and electrolytes.
pub(super) fn levels_and_safety(
    d: &mut TrendData,
    f: &Facts,
    r: Option<&Regimen>,
    w: &Axis,
    t: &Thresholds,
) {
    let levels = f.labs(Analyte::CsaTrough).map(|(at, l)| Level {
        at,
        value: l.value,
        last_dose_at: l.last_dose_at,
        logged_dose_at: l
            .last_dose_at
            .is_none()
            .then(|| f.last_taken_csa(at))
            .flatten(),
    });
    drug_levels(d, levels, r, w, t);
    safety(d, f, r, w, t);
}

/// Creatinine against its baseline, blood pressure, liver and electrolytes.
fn safety(d: &mut TrendData, f: &Facts, r: Option<&Regimen>, w: &Axis, t: &Thresholds) {
    d.creatinine_baseline = r.and_then(|r| crate::domain::reminders::creatinine_baseline(f, r, t));
    if let Some(base) = d.creatinine_baseline.filter(|b| *b > 0.0) {
        d.creatinine_pct = f
            .labs(Analyte::Creatinine)
            .filter(|(at, _)| w.inside(at))
            .map(|(at, l)| (w.x(at), pct_from_baseline(l.value, base)))
            .collect();
    }
    for (at, b) in f.bp().filter(|(at, _)| w.inside(at)) {
        d.systolic.push((w.x(at), f64::from(b.systolic)));
        d.diastolic.push((w.x(at), f64::from(b.diastolic)));
    }
    let lab = |a: Analyte| -> Vec<Pt> {
        f.labs(a)
            .filter(|(at, _)| w.inside(at))
            .map(|(at, l)| (w.x(at), l.value))
            .collect()
    };
    d.alt = lab(Analyte::Alt);
    d.ast = lab(Analyte::Ast);
    d.potassium = lab(Analyte::Potassium);
    d.magnesium = lab(Analyte::Magnesium);
    if let Some((_, l)) = f
        .labs(Analyte::Alt)
        .filter(|(at, _)| w.inside(at))
        .find(|(_, l)| l.reference.high.is_some())
    {
        d.liver_uln = l.reference.high.unwrap_or(t.liver_uln);
    }
}

/// Events and bleeds that needed care, as markers (with the steps already there), in x order.
pub(super) fn markers(d: &mut TrendData, f: &Facts, w: &Axis) {
    for e in f.entries.iter().filter(|e| w.inside(&e.at)) {
        match &e.data {
            EntryData::Event(ev)
                if matches!(
                    ev.event,
                    EventKind::Ivig
                        | EventKind::AntiD
                        | EventKind::SteroidPulse
                        | EventKind::Transfusion
                        | EventKind::Infection
                        | EventKind::MedicationStart
                        | EventKind::MedicationStop
                        | EventKind::ClinicVisit
                        | EventKind::Grapefruit
                ) =>
            {
                d.markers.push(Marker {
                    x: w.x(e.at),
                    code: ev.event.code().to_string(),
                })
            }
            EntryData::Bleeding(b) if b.care_needed => d.markers.push(Marker {
                x: w.x(e.at),
                code: "bleeding".into(),
            }),
            _ => {}
        }
    }
    d.markers.sort_by(|a, b| a.x.total_cmp(&b.x));
}

/// The window's figures from its series (the taken-dose share is added by the caller).
pub(super) fn summary(d: &TrendData, t: &Thresholds) -> Summary {
    let values: Vec<f64> = d.platelets.iter().map(|p| p.1).collect();
    let (lo, hi) = d.target;
    Summary {
        at_least: [t.r_platelets, t.cr_platelets],
        days_at_least_30_pct: time_in_range(
            &d.platelets,
            t.r_platelets,
            f64::INFINITY,
            GAP_PLATELETS,
        ),
        days_at_least_100_pct: time_in_range(
            &d.platelets,
            t.cr_platelets,
            f64::INFINITY,
            GAP_PLATELETS,
        ),
        median_platelets: median(&values),
        lowest_platelets: values.iter().copied().reduce(f64::min),
        doses_taken_pct: None,
        trough_in_range_pct: time_in_range(&d.troughs, lo, hi, GAP_LABS),
        trough_cv_pct: cv(&d.troughs.iter().map(|p| p.1).collect::<Vec<_>>()),
        trough_count: d.troughs.len(),
    }
}

/// The share of the window's planned doses (up to now) that were taken.
pub(super) fn taken_pct(
    f: &Facts,
    r: &Regimen,
    w: &Axis,
    clock: &Clock,
    t: &Thresholds,
) -> Option<f64> {
    let doses: Vec<_> = f.doses(r.drug).collect();
    share_taken(&doses, r, w, clock, t)
}

fn share_taken<D: DoseView>(
    doses: &[(DateTime<FixedOffset>, D)],
    r: &Regimen,
    w: &Axis,
    clock: &Clock,
    t: &Thresholds,
) -> Option<f64> {
    let slots = crate::domain::dosing::SlotClock::of(clock, doses);
    let planned = r.planned_between(w.from, w.to.min(clock.now()), &slots);
    let states = slot_states(&planned, doses, clock.now(), t);
    let counted = states.iter().any(|s| s.state != SlotState::Upcoming);
    counted.then(|| adherence(&states, w.from, w.to)).flatten()
}

/// The drug levels of the window against the target: troughs (drawn within the trough window
/// after the previous dose: the one the result names, else the last one logged as taken, as
/// Today and the rules read it), and the others — drawn at another time, or with no previous
/// dose known — which are shown but never judged: they are left out of the time in range and
/// the variability.
fn drug_levels(
    d: &mut TrendData,
    levels: impl Iterator<Item = Level>,
    r: Option<&Regimen>,
    w: &Axis,
    t: &Thresholds,
) {
    let (lo, hi, _) = trough_target(r, t);
    d.target = (lo, hi);
    d.target_by_team = crate::domain::overview::target_by_team(r, t);
    for l in levels.filter(|l| w.inside(&l.at)) {
        let timing = LevelTiming::of(l.at, l.last_dose_at, l.logged_dose_at, t);
        if timing.valid == Some(true) {
            d.troughs.push((w.x(l.at), l.value));
        } else {
            d.non_troughs.push((w.x(l.at), l.value));
        }
    }
}

/// [`levels_and_safety`] for a long window: the drug levels and the value series from the
/// store's light reads and reduction, the creatinine baseline from the facts.
pub(super) fn levels_reduced(
    d: &mut TrendData,
    f: &Facts,
    rd: &Reduced,
    r: Option<&Regimen>,
    w: &Axis,
    t: &Thresholds,
) {
    drug_levels(d, rd.levels.iter().copied(), r, w, t);
    safety(d, f, r, w, t);
    let pts = |v: &[(DateTime<FixedOffset>, f64)]| -> Vec<Pt> {
        v.iter()
            .filter(|(at, _)| w.inside(at))
            .map(|(at, y)| (w.x(*at), *y))
            .collect()
    };
    if let Some(base) = d.creatinine_baseline.filter(|b| *b > 0.0) {
        d.creatinine_pct = pts(&rd.creatinine)
            .into_iter()
            .map(|(x, v)| (x, pct_from_baseline(v, base)))
            .collect();
    }
    d.systolic = pts(&rd.systolic);
    d.diastolic = pts(&rd.diastolic);
    d.alt = pts(&rd.alt);
    d.ast = pts(&rd.ast);
    d.potassium = pts(&rd.potassium);
    d.magnesium = pts(&rd.magnesium);
    if let Some(h) = rd.alt_high {
        d.liver_uln = h;
    }
}
