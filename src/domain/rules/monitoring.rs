//! What is due: the monitoring schedule of clinical.md C (and B for the trough) as a table —
//! one row per item with its baseline need, its interval in weeks 0–12 of treatment and after,
//! and the extra checks a dose increase, a taper step, a brand switch or an interacting drug
//! asks for — plus the baseline checklist (3.1), the relapse watch after stopping (1.2) and
//! the course's decision points.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};

use super::{Out, RuleId as R, date};
use crate::domain::clock::Clock;
use crate::domain::course::{Course, Phase};
use crate::domain::drugs::{Drug, formulation_key, interactions_of};
use crate::domain::entry::{Analyte, EventKind};
use crate::domain::facts::Facts;
use crate::domain::overview::{Overview, morning};
use crate::domain::regimen::{Regimen, StepKind};
use crate::domain::settings::{Setting, Thresholds};
use crate::domain::units::fmt_num;

/// Why an extra check is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Start,
    DoseIncrease,
    Taper,
    BrandSwitch,
    InteractingDrug,
}

/// What an item measures: every group must have a value (a group is "any of").
#[derive(Clone, Copy, Debug)]
pub enum What {
    Labs(&'static [&'static [Analyte]]),
    Platelets,
    BloodPressure,
    Weight,
}

/// One row of the schedule.
#[derive(Debug)]
pub struct Item {
    pub due: R,
    pub overdue: R,
    pub what: What,
    /// Which regimens need it.
    pub for_drug: fn(Drug) -> bool,
    /// Interval in weeks 0–12 of treatment (`None`: the `after` interval throughout).
    pub intensive: Option<Setting>,
    pub after: Setting,
    /// Extra checks: the trigger and the setting giving the delay in days.
    pub extra: &'static [(Trigger, Setting)],
}

fn csa(d: Drug) -> bool {
    d == Drug::Cyclosporine
}
fn any(_: Drug) -> bool {
    true
}
fn csa_or_fostamatinib(d: Drug) -> bool {
    matches!(d, Drug::Cyclosporine | Drug::Fostamatinib)
}
fn csa_or_eltrombopag(d: Drug) -> bool {
    matches!(
        d,
        Drug::Cyclosporine | Drug::Eltrombopag | Drug::Fostamatinib
    )
}

use Setting as S;
use Trigger as T;

const LEVEL_TRIGGERS: &[(Trigger, Setting)] = &[
    (T::Start, S::trough_after_change_min_days),
    (T::DoseIncrease, S::trough_after_change_min_days),
    (T::Taper, S::trough_after_change_min_days),
    (T::BrandSwitch, S::trough_after_change_min_days),
    (T::InteractingDrug, S::trough_after_change_min_days),
];
const SAFETY_TRIGGERS: &[(Trigger, Setting)] = &[
    (T::DoseIncrease, S::extra_after_change_days),
    (T::InteractingDrug, S::extra_after_change_days),
];

/// The monitoring schedule (clinical.md B, C).
#[rustfmt::skip]
pub const SCHEDULE: &[Item] = &[
    Item { due: R::TroughDue, overdue: R::TroughOverdue, what: What::Labs(&[&[Analyte::CsaTrough]]), for_drug: csa, intensive: Some(S::interval_induction_days), after: S::interval_stable_days, extra: LEVEL_TRIGGERS },
    Item { due: R::CbcDue, overdue: R::CbcOverdue, what: What::Platelets, for_drug: any, intensive: Some(S::interval_induction_days), after: S::interval_stable_days, extra: &[(T::Taper, S::count_after_taper_days)] },
    Item { due: R::KidneyDue, overdue: R::KidneyOverdue, what: What::Labs(&[&[Analyte::Creatinine], &[Analyte::Bun, Analyte::Urea]]), for_drug: csa, intensive: Some(S::interval_induction_days), after: S::interval_stable_days, extra: SAFETY_TRIGGERS },
    Item { due: R::LiverDue, overdue: R::LiverOverdue, what: What::Labs(&[&[Analyte::Alt, Analyte::Ast, Analyte::Bilirubin]]), for_drug: csa_or_eltrombopag, intensive: Some(S::interval_induction_days), after: S::interval_stable_days, extra: &[] },
    Item { due: R::ElectrolytesDue, overdue: R::ElectrolytesOverdue, what: What::Labs(&[&[Analyte::Potassium], &[Analyte::Magnesium], &[Analyte::UricAcid]]), for_drug: csa, intensive: Some(S::interval_induction_days), after: S::interval_stable_days, extra: SAFETY_TRIGGERS },
    Item { due: R::BpDue, overdue: R::BpOverdue, what: What::BloodPressure, for_drug: csa_or_fostamatinib, intensive: Some(S::interval_induction_days), after: S::interval_stable_days, extra: &[] },
    Item { due: R::LipidsDue, overdue: R::LipidsOverdue, what: What::Labs(&[&[Analyte::Cholesterol, Analyte::Triglycerides]]), for_drug: csa, intensive: None, after: S::interval_lipids_days, extra: &[] },
    Item { due: R::WeightDue, overdue: R::WeightOverdue, what: What::Weight, for_drug: any, intensive: None, after: S::interval_weight_days, extra: &[] },
];

fn days(x: f64) -> Duration {
    Duration::days(x as i64)
}

/// The dates of the changes that trigger extra checks, since the start.
fn anchors(f: &Facts, r: &Regimen, today: NaiveDate) -> Vec<(Trigger, NaiveDate)> {
    let mut v = vec![(T::Start, r.start)];
    for w in r.steps.windows(2).filter(|w| w[1].effective_from <= today) {
        let (a, b) = (&w[0], &w[1]);
        let when = b.effective_from;
        let key = |s: &Option<String>| s.as_deref().map(formulation_key);
        if b.kind == StepKind::Formulation || key(&a.formulation) != key(&b.formulation) {
            v.push((T::BrandSwitch, when));
        }
        if b.kind == StepKind::Increase || b.daily_amount() > a.daily_amount() {
            v.push((T::DoseIncrease, when));
        } else if b.kind == StepKind::Taper || b.daily_amount() < a.daily_amount() {
            v.push((T::Taper, when));
        }
    }
    let interacting = |m: &str| !interactions_of(m).is_empty();
    v.extend(
        f.events()
            .filter(|(at, e)| {
                matches!(
                    e.event,
                    EventKind::MedicationStart | EventKind::MedicationStop
                ) && at.date_naive() >= r.start
                    && e.medication.as_deref().is_some_and(interacting)
            })
            .map(|(at, _)| (T::InteractingDrug, at.date_naive())),
    );
    v
}

/// The last day the item was complete: every group measured (on or after `since`); the
/// group measured longest ago bounds it.
fn last_done(f: &Facts, what: What, since: Option<NaiveDate>, t: &Thresholds) -> Option<NaiveDate> {
    let last = |v: Vec<DateTime<FixedOffset>>| {
        v.into_iter()
            .map(|x| x.date_naive())
            .filter(|d| since.is_none_or(|s| *d >= s))
            .max()
    };
    // Before the facts' look-back: when it was last done, however long ago.
    let before = |a: Option<Analyte>| {
        f.done_before
            .iter()
            .filter(move |(x, _)| *x == a)
            .map(|(_, at)| *at)
    };
    match what {
        What::Platelets => last(f.platelets().map(|x| x.0).collect()),
        What::BloodPressure => last(f.bp().map(|x| x.0).chain(before(None)).collect()),
        What::Weight => last(f.weights().map(|x| x.0).collect()),
        What::Labs(groups) => groups
            .iter()
            .map(|g| {
                last(
                    g.iter()
                        .flat_map(|a| {
                            f.labs(*a)
                                .filter(|(at, l)| counts_as_done(f, *a, *at, l, t))
                                .map(|x| x.0)
                                .chain(before(Some(*a)))
                        })
                        .collect(),
                )
            })
            .collect::<Option<Vec<NaiveDate>>>()
            .and_then(|v| v.into_iter().min()),
    }
}

/// A result that answers its test's reminder: any, except a drug level known not to be a
/// trough (drawn outside the trough window after its dose) — it does not answer "trough due"
/// (session 7: a level 2 h after the dose cleared the reminder). A level of unknown timing
/// answers it: it may be a trough, and its own notice asks for the dose time.
fn counts_as_done(
    f: &Facts,
    a: Analyte,
    at: DateTime<FixedOffset>,
    l: &crate::domain::entry::LabResult,
    t: &Thresholds,
) -> bool {
    a != Analyte::CsaTrough
        || crate::domain::overview::LevelTiming::in_facts(f, at, l, t).valid != Some(false)
}

/// Monitoring items (clinical.md C) and the trough schedule (B), listed when due within
/// `horizon` days (the reminders: `monitoring.remind_days_ahead`; the calendar: years).
#[allow(clippy::too_many_arguments)]
pub(super) fn monitoring(
    f: &Facts,
    o: &Overview,
    r: &Regimen,
    c: &Course,
    clock: &Clock,
    t: &Thresholds,
    horizon: f64,
    out: &mut Out,
) {
    let today = o.now.date_naive();
    if c.phase == Phase::Baseline || (today - r.start).num_days() < 14 {
        baseline_checklist(f, r, clock, t, out);
    }
    match c.phase {
        Phase::Baseline | Phase::NoRegimen => return,
        Phase::Stopped => return relapse_watch(f, r, today, clock, t, horizon, out),
        _ => {}
    }
    let intensive_end = r.start + Duration::weeks(t.intensive_weeks as i64);
    let anchors = anchors(f, r, today);
    let weekly_cbc = o
        .response
        .as_ref()
        .and_then(|a| a.baseline)
        .is_some_and(|b| b < t.cbc_weekly_below);
    for item in SCHEDULE.iter().filter(|i| (i.for_drug)(r.drug)) {
        let since = item.intensive.map(|_| r.start);
        let last = last_done(f, item.what, since, t);
        let every = |from: NaiveDate| match item.intensive {
            Some(s) if from < intensive_end => s.value(t),
            _ => item.after.value(t),
        };
        // Weekly blood counts in the first 4 weeks when the baseline is low (clinical.md C).
        let weekly = weekly_cbc
            && item.due == R::CbcDue
            && last.is_none_or(|l| l < r.start + Duration::weeks(4));
        let mut due = match last {
            Some(l) if weekly => l + Duration::weeks(1),
            Some(l) => l + days(every(l)),
            None if weekly => r.start + Duration::weeks(1),
            None if item.intensive.is_none() => r.start,
            None => r.start + days(every(r.start)),
        };
        for (trigger, delay) in item.extra {
            for (_, at) in anchors.iter().filter(|(k, _)| k == trigger) {
                let d = *at + days(delay.value(t));
                let ready = d - days(t.due_soon_days);
                if last.is_none_or(|x| x < ready) {
                    due = due.min(d);
                }
            }
        }
        let every_days = match weekly {
            true => fmt_num(7.0, 0),
            false => fmt_num(every(due.min(today)), 0),
        };
        push_item(item, due, every_days, o, r, clock, t, horizon, out);
    }
}

/// Add the due or overdue item for `due`, if it is near.
#[allow(clippy::too_many_arguments)]
fn push_item(
    item: &Item,
    due: NaiveDate,
    every: String,
    o: &Overview,
    r: &Regimen,
    clock: &Clock,
    t: &Thresholds,
    horizon: f64,
    out: &mut Out,
) {
    let today = o.now.date_naive();
    if due > today + days(horizon) {
        return;
    }
    let overdue = today > due + days(t.overdue_after_days);
    let at = clock.localize(due.and_time(morning(Some(r), due)));
    let args = vec![("date", date(due)), ("every", every)];
    out.push(if overdue { item.overdue } else { item.due }, at, args);
}

/// Relapse watch after stopping: platelets weekly × 4, then monthly × 3 (clinical.md 1.2, L5).
fn relapse_watch(
    f: &Facts,
    r: &Regimen,
    today: NaiveDate,
    clock: &Clock,
    t: &Thresholds,
    horizon: f64,
    out: &mut Out,
) {
    let Some(stop) = r.stop else { return };
    let last = f
        .platelets()
        .map(|p| p.0.date_naive())
        .filter(|d| *d >= stop)
        .max();
    let watch_end = stop + Duration::weeks(4) + Duration::days(90);
    let (due, every) = match last {
        Some(l) if l < stop + Duration::weeks(4) => (l + Duration::weeks(1), 7.0),
        Some(l) => (l + days(t.interval_stable_days), t.interval_stable_days),
        None => (stop + Duration::weeks(1), 7.0),
    };
    if due > watch_end || due > today + days(horizon) {
        return;
    }
    let overdue = today > due + days(t.overdue_after_days);
    let at = clock.localize(due.and_time(morning(Some(r), due)));
    let args = vec![("date", date(due)), ("every", fmt_num(every, 0))];
    out.push(if overdue { R::CbcOverdue } else { R::CbcDue }, at, args);
}

/// The week-4 / week-12 checkpoints, month 6 of continuation, and the end of maintenance
/// (clinical.md 1.2, A; defect 20): prompts to talk with the care team, never a decision.
pub(super) fn checkpoints(
    o: &Overview,
    r: &Regimen,
    c: &Course,
    clock: &Clock,
    t: &Thresholds,
    out: &mut Out,
) {
    let today = o.now.date_naive();
    let at = |d: NaiveDate| clock.localize(d.and_time(morning(Some(r), d)));
    if let Some(cp) = c.checkpoint {
        let args = vec![("week", cp.week.to_string()), ("date", date(cp.date))];
        out.push(R::Checkpoint, at(cp.date), args);
    }
    let window = days(t.checkpoint_window_days);
    if c.phase == Phase::Continuation {
        let week = t.continuation_weeks as i64;
        let d = r.start + Duration::weeks(week);
        if (d - today).abs() <= window {
            out.push(
                R::ContinuationReview,
                at(d),
                vec![("week", week.to_string()), ("date", date(d))],
            );
        }
    }
    if c.phase == Phase::Maintenance
        && let Some(since) = crate::domain::course::maintenance_since(r, today, t)
    {
        let d = since + Duration::weeks(t.maintenance_review_weeks as i64);
        if today + window >= d {
            let weeks = fmt_num(t.maintenance_review_weeks, 0);
            out.push(
                R::MaintenanceReview,
                at(d),
                vec![("weeks", weeks), ("date", date(since))],
            );
        }
    }
}

/// Before the start: what the label asks for at baseline (clinical.md 3.1, 1.2).
fn baseline_checklist(f: &Facts, r: &Regimen, clock: &Clock, t: &Thresholds, out: &mut Out) {
    let from = r.start - Duration::days(t.baseline_days as i64);
    let in_window = |at: &DateTime<FixedOffset>| {
        at.date_naive() >= from && super::alerts::pre_treatment(f, r, *at)
    };
    let distinct_days = |v: Vec<DateTime<FixedOffset>>| {
        let mut d: Vec<NaiveDate> = v
            .into_iter()
            .filter(in_window)
            .map(|x| x.date_naive())
            .collect();
        d.sort();
        d.dedup();
        d.len()
    };
    let lab = |a: Analyte| distinct_days(f.labs(a).map(|x| x.0).collect());
    let csa = r.drug == Drug::Cyclosporine;
    let checks: [(bool, &str); 10] = [
        (csa && lab(Analyte::Creatinine) < 2, "creatinine_x2"),
        (
            csa && distinct_days(f.bp().map(|x| x.0).collect()) < 2,
            "bp_x2",
        ),
        (csa && lab(Analyte::Bun) + lab(Analyte::Urea) == 0, "bun"),
        (
            distinct_days(f.platelets().map(|x| x.0).collect()) == 0,
            "cbc",
        ),
        (csa && lab(Analyte::Potassium) == 0, "potassium"),
        (csa && lab(Analyte::Magnesium) == 0, "magnesium"),
        (csa && lab(Analyte::UricAcid) == 0, "uric_acid"),
        (
            csa && lab(Analyte::Cholesterol) + lab(Analyte::Triglycerides) == 0,
            "lipids",
        ),
        (csa && lab(Analyte::Alt) + lab(Analyte::Ast) == 0, "liver"),
        (
            distinct_days(f.weights().map(|x| x.0).collect()) == 0,
            "weight",
        ),
    ];
    let missing: Vec<&str> = checks.iter().filter(|c| c.0).map(|c| c.1).collect();
    if !missing.is_empty() {
        out.push(
            R::BaselineChecklist,
            clock.localize(r.start.and_time(morning(Some(r), r.start))),
            vec![("missing", missing.join(","))],
        );
    }
}
