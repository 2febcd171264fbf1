//! The clinic report's content, computed once and written as HTML or Markdown.

use crate::domain::overview::TroughBand;
use chrono::{DateTime, FixedOffset};

use crate::domain::clock::Clock;
use crate::domain::dosing::slot_states;
use crate::domain::entry::{Analyte, Bleeding, Entry, EntryData, Event, LabResult, SideEffect};
use crate::domain::facts::Facts;
use crate::domain::overview::{LevelTiming, Overview, judged_band, trough_band, trough_target};
use crate::domain::regimen::{Profile, Step};
use crate::domain::reminders::{Reminder, creatinine_baseline};
use crate::domain::settings::Thresholds;
use crate::domain::trend::doses::{DoseSummary, SlotCounts};
use crate::domain::trend::{self, TrendData};

/// A lab value in the kidney/liver table.
#[derive(Clone, Debug)]
pub struct LabRow {
    pub at: DateTime<FixedOffset>,
    pub analyte: Analyte,
    pub value: f64,
    pub unit: &'static str,
    pub pct_from_baseline: Option<f64>,
    /// "↑" above the lab's range (or ≥ the alert threshold), "↓" below.
    pub flag: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub struct TroughRow {
    pub at: DateTime<FixedOffset>,
    pub value: f64,
    pub hours: Option<f64>,
    pub valid: Option<bool>,
    /// The hours come from the last dose logged before the draw (the result named none).
    pub from_log: bool,
    pub band: crate::domain::overview::TroughBand,
}

#[derive(Clone, Debug, Default)]
pub struct DoseCounts {
    pub taken: usize,
    pub late: usize,
    pub missed: usize,
    pub skipped: usize,
    pub pct: Option<f64>,
}

/// A blood-pressure reading: time, systolic, diastolic, pulse, above the limit.
pub type BpRow = (DateTime<FixedOffset>, u16, u16, Option<u16>, bool);

pub struct Report {
    pub generated: DateTime<FixedOffset>,
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
    pub profile: Profile,
    pub overview: Overview,
    pub platelets: Vec<(DateTime<FixedOffset>, f64)>,
    pub troughs: Vec<TroughRow>,
    pub labs: Vec<LabRow>,
    pub creatinine_baseline: Option<f64>,
    pub bp: Vec<BpRow>,
    pub weights: Vec<(DateTime<FixedOffset>, f64)>,
    pub doses: DoseCounts,
    pub bleeding: Vec<(DateTime<FixedOffset>, Bleeding, Option<String>)>,
    pub side_effects: Vec<(DateTime<FixedOffset>, SideEffect, Option<String>)>,
    pub events: Vec<(DateTime<FixedOffset>, Event, Option<String>)>,
    pub alerts: Vec<Reminder>,
    pub questions: Vec<String>,
    pub trend: TrendData,
    /// Number of entries in the period.
    pub entries: usize,
    /// Page 1: the latest value of each followed test at the end of the period.
    pub latest: Vec<Latest>,
    /// Every lab result of the period (for the appendix's one-row-per-date table).
    pub all_labs: Vec<(DateTime<FixedOffset>, Analyte, f64, Flag)>,
    /// Regimen steps that took effect in the period: (date, drug, step).
    pub dose_changes: Vec<(chrono::NaiveDate, crate::domain::drugs::Drug, Step)>,
    /// The thresholds the report draws, and whether the care team set them.
    pub limits: Limits,
    /// The trough window (hours after the dose) levels are judged against.
    pub trough_window: (f64, f64),
    /// The lines platelet counts are judged against.
    pub platelet_lines: [f64; 4],
    /// The lines drug levels are judged against (target, contact, urgent).
    pub trough_lines: [f64; 4],
}

/// How a value stands against its band.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    Normal,
    High,
    Low,
    /// The value's context is unknown (a drug level without dose timing): not judged.
    Unknown,
}

/// What a latest value measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    Platelets,
    Lab(Analyte),
    Bp,
}

/// A latest value with its date and its change since the value before.
#[derive(Clone, Debug)]
pub struct Latest {
    pub item: Item,
    pub at: DateTime<FixedOffset>,
    pub value: f64,
    /// Diastolic, for blood pressure.
    pub value2: Option<f64>,
    /// Change from the previous value (same unit), or % from baseline for creatinine.
    pub change: Option<f64>,
    pub flag: Flag,
    /// Drug levels: hours after the previous dose and whether that makes a true trough.
    pub hours: Option<f64>,
    pub valid: Option<bool>,
    /// Drug levels: the hours come from the dose log (the result named no dose time).
    pub from_log: bool,
    /// The lines the value is flagged against (it is shown on its side of them).
    pub lines: Vec<f64>,
}

/// The thresholds printed on the report, each with whether the care team set it.
#[derive(Clone, Debug)]
pub struct Limits {
    pub target: (f64, f64, bool),
    pub bp: (f64, f64, bool),
    pub creatinine: (f64, f64, bool),
    pub platelets_low: (f64, bool),
}

fn limits(r: Option<&crate::domain::regimen::Regimen>, t: &Thresholds) -> Limits {
    let (lo, hi, _) = trough_target(r, t);
    Limits {
        target: (lo, hi, crate::domain::overview::target_by_team(r, t)),
        bp: (
            t.bp_systolic,
            t.bp_diastolic,
            t.by_team(&["alerts.bp_systolic_above", "alerts.bp_diastolic_above"]),
        ),
        creatinine: (
            t.creatinine_rise_pct,
            t.creatinine_urgent_pct,
            t.by_team(&[
                "alerts.creatinine_rise_percent",
                "alerts.creatinine_rise_urgent_percent",
            ]),
        ),
        platelets_low: (t.platelets_low, t.by_team(&["alerts.platelets_below"])),
    }
}

/// The flag of a lab value against the lab's own range, else the diary's thresholds.
/// The lines [`lab_flag`] reads for a value of `l`'s analyte.
fn lab_lines(l: &LabResult, t: &Thresholds) -> Vec<f64> {
    let mut v: Vec<f64> = [l.reference.low, l.reference.high]
        .into_iter()
        .flatten()
        .collect();
    if l.reference.high.is_none() {
        match l.analyte {
            Analyte::Potassium => v.push(t.potassium_high),
            Analyte::Alt | Analyte::Ast => v.push(t.liver_uln),
            Analyte::Creatinine => v.push(t.creatinine_uln),
            _ => {}
        }
    }
    if l.analyte == Analyte::Potassium {
        v.push(t.potassium_urgent);
    }
    if l.analyte == Analyte::Magnesium && l.reference.low.is_none() {
        v.push(t.magnesium_low);
    }
    v
}

fn lab_flag(l: &LabResult, pct: Option<f64>, t: &Thresholds) -> Flag {
    let high = l.reference.high.is_some_and(|h| l.value > h)
        || pct.is_some_and(|p| p >= t.creatinine_rise_pct)
        || (l.reference.high.is_none()
            && match l.analyte {
                Analyte::Potassium => l.value > t.potassium_high,
                Analyte::Alt | Analyte::Ast => l.value > t.liver_uln,
                // As the alert reads it (re-test, session 6: "115 … in range" beside
                // "above the upper limit 110").
                Analyte::Creatinine => l.value > t.creatinine_uln,
                _ => false,
            });
    let low = l.reference.low.is_some_and(|lo| l.value < lo)
        || (l.analyte == Analyte::Magnesium
            && l.reference.low.is_none()
            && l.value < t.magnesium_low);
    if high {
        Flag::High
    } else if low {
        Flag::Low
    } else {
        Flag::Normal
    }
}

const FOLLOWED: [Analyte; 8] = [
    Analyte::CsaTrough,
    Analyte::Creatinine,
    Analyte::Egfr,
    Analyte::Alt,
    Analyte::Ast,
    Analyte::Potassium,
    Analyte::Magnesium,
    Analyte::UricAcid,
];

fn latest_values(
    f: &Facts,
    to: DateTime<FixedOffset>,
    base: Option<f64>,
    (lo, hi): (f64, f64),
    t: &Thresholds,
) -> Vec<Latest> {
    let mut out = Vec::new();
    // By the date each value shows, as the period holds it (the facts reach a day past it).
    let last_day = (to - chrono::Duration::seconds(1)).date_naive();
    let before = |at: &DateTime<FixedOffset>| at.date_naive() <= last_day;
    let mut plt = f.platelets().filter(|(at, _)| before(at)).rev();
    if let Some((at, v)) = plt.next() {
        let flag = if v < t.platelets_low {
            Flag::Low
        } else {
            Flag::Normal
        };
        let change = plt.next().map(|(_, p)| v - p);
        out.push(Latest {
            item: Item::Platelets,
            at,
            value: v,
            value2: None,
            change,
            flag,
            hours: None,
            valid: None,
            from_log: false,
            lines: crate::domain::response::platelet_lines(t).to_vec(),
        });
    }
    for a in FOLLOWED {
        let mut it = f.labs(a).filter(|(at, _)| before(at)).rev();
        let Some((at, l)) = it.next() else { continue };
        let mut timing = LevelTiming::of(at, None, None, t);
        let (change, flag) = match a {
            Analyte::CsaTrough => {
                timing = LevelTiming::in_facts(f, at, l, t);
                let valid = timing.valid;
                let flag = match (valid, trough_band(l.value, lo, hi, t)) {
                    (Some(true), TroughBand::InTarget) => Flag::Normal,
                    (Some(true), TroughBand::BelowTarget) => Flag::Low,
                    (Some(true), _) => Flag::High,
                    _ => Flag::Unknown,
                };
                (it.next().map(|(_, p)| l.value - p.value), flag)
            }
            Analyte::Creatinine => {
                let pct = base
                    .filter(|b| *b > 0.0)
                    .map(|b| trend::pct_from_baseline(l.value, b));
                (pct, lab_flag(l, pct, t))
            }
            _ => (
                it.next().map(|(_, p)| l.value - p.value),
                lab_flag(l, None, t),
            ),
        };
        out.push(Latest {
            item: Item::Lab(a),
            at,
            value: l.value,
            value2: None,
            change,
            flag,
            hours: timing.hours,
            valid: timing.valid,
            from_log: timing.from_log,
            lines: match a {
                Analyte::CsaTrough => vec![lo, hi, t.trough_contact, t.trough_urgent],
                _ => lab_lines(l, t),
            },
        });
    }
    let mut bps = f.bp().filter(|(at, _)| before(at)).rev();
    if let Some((at, b)) = bps.next() {
        let high = f64::from(b.systolic) > t.bp_systolic || f64::from(b.diastolic) > t.bp_diastolic;
        let change = bps
            .next()
            .map(|(_, p)| f64::from(b.systolic) - f64::from(p.systolic));
        out.push(Latest {
            item: Item::Bp,
            at,
            value: f64::from(b.systolic),
            value2: Some(f64::from(b.diastolic)),
            change,
            flag: if high { Flag::High } else { Flag::Normal },
            hours: None,
            valid: None,
            from_log: false,
            lines: vec![t.bp_systolic],
        });
    }
    out
}

impl Report {
    /// The last instant of the period (its end is exclusive), for display.
    pub fn last(&self) -> DateTime<FixedOffset> {
        self.to - chrono::Duration::seconds(1)
    }
}

const KIDNEY_LIVER: [Analyte; 9] = [
    Analyte::Creatinine,
    Analyte::Egfr,
    Analyte::Bun,
    Analyte::Urea,
    Analyte::Alt,
    Analyte::Ast,
    Analyte::Bilirubin,
    Analyte::Potassium,
    Analyte::Magnesium,
];

/// A long period's doses of the course's drug, added up instead of read as entries (see
/// `app::facts::load_report_window`): for the trend, for the slot counts (`slots`, matched
/// to the overview's plan) and the number of dose entries.
pub struct SummedDoses<'a> {
    /// The course's drug: its doses in the facts (the first ones) are counted in `entries`.
    pub drug: crate::domain::drugs::Drug,
    pub trend: &'a DoseSummary,
    pub slots: SlotCounts,
    pub entries: usize,
}

/// Build the report of `[from, to)` from the facts of that window (see
/// `app::facts::load_window`, or `load_report_window` with `summed`), the overview and alerts
/// at `to`, and the open questions.
#[allow(clippy::too_many_arguments)]
pub fn build(
    f: &Facts,
    summed: Option<SummedDoses>,
    overview: Overview,
    alerts: Vec<Reminder>,
    questions: Vec<String>,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    clock: &Clock,
    t: &Thresholds,
) -> Report {
    // The period holds the entries by the date each shows (in the offset it was logged in),
    // as the results table, `list` and the other exports choose them; the facts are read a
    // day wider on each side for it.
    let (first_day, last_day) = (
        from.date_naive(),
        (to - chrono::Duration::seconds(1)).date_naive(),
    );
    let inside = |at: &DateTime<FixedOffset>| {
        let d = at.date_naive();
        d >= first_day && d <= last_day
    };
    let in_period: Vec<&Entry> = f.entries.iter().filter(|e| inside(&e.at)).collect();
    let r = overview.regimen.clone();
    let (lo, hi, _) = trough_target(r.as_ref(), t);
    let base = r.as_ref().and_then(|r| creatinine_baseline(f, r, t));
    let mut labs = Vec::new();
    let mut troughs = Vec::new();
    let mut bp = Vec::new();
    let mut bleeding = Vec::new();
    let mut side_effects = Vec::new();
    let mut events = Vec::new();
    let mut all_labs = Vec::new();
    for e in &in_period {
        if let EntryData::Lab(l) = &e.data {
            let pct = (l.analyte == Analyte::Creatinine)
                .then_some(base)
                .flatten()
                .filter(|b| *b > 0.0)
                .map(|b| trend::pct_from_baseline(l.value, b));
            all_labs.push((e.at, l.analyte, l.value, lab_flag(l, pct, t)));
        }
        match &e.data {
            EntryData::Lab(l) if l.analyte == Analyte::CsaTrough => {
                let timing = LevelTiming::in_facts(f, e.at, l, t);
                troughs.push(TroughRow {
                    at: e.at,
                    value: l.value,
                    hours: timing.hours,
                    valid: timing.valid,
                    from_log: timing.from_log,
                    band: judged_band(l.value, (lo, hi), timing.valid, t),
                });
            }
            EntryData::Lab(l) if KIDNEY_LIVER.contains(&l.analyte) => {
                labs.push(lab_row(e.at, l, base, t));
            }
            EntryData::BloodPressure(b) => bp.push((
                e.at,
                b.systolic,
                b.diastolic,
                b.pulse,
                f64::from(b.systolic) > t.bp_systolic || f64::from(b.diastolic) > t.bp_diastolic,
            )),
            EntryData::Bleeding(b) => bleeding.push((e.at, b.clone(), e.note.clone())),
            EntryData::SideEffect(s) => side_effects.push((e.at, s.clone(), e.note.clone())),
            EntryData::Event(ev) => events.push((e.at, ev.clone(), e.note.clone())),
            _ => {}
        }
    }
    let doses = match &summed {
        Some(s) => counts_of(r.as_ref().map(|_| s.slots)),
        None => dose_counts(f, r.as_ref(), from, to, clock, t),
    };
    let dose_changes = dose_changes(f, from, to);
    let platelets: Vec<(DateTime<FixedOffset>, f64)> =
        f.platelets().filter(|(at, _)| inside(at)).collect();
    let mut trend = match &summed {
        Some(s) => trend::build_summed(f, s.trend, from, to, clock, t),
        None => trend::build(f, from, to, clock, t),
    };
    // The median and the lowest count of the counts the period holds (the time at or above
    // a line stays a reading of the period's hours).
    let values: Vec<f64> = platelets.iter().map(|p| p.1).collect();
    trend.summary.median_platelets = trend::median(&values);
    trend.summary.lowest_platelets = values.iter().copied().reduce(f64::min);
    let bleeding = worst_first_bleeding(bleeding);
    let side_effects = worst_first_effects(side_effects);
    Report {
        latest: latest_values(f, to, base, (lo, hi), t),
        all_labs,
        dose_changes,
        limits: limits(r.as_ref(), t),
        trough_window: (t.trough_min_hours, t.trough_max_hours),
        platelet_lines: crate::domain::response::platelet_lines(t),
        trough_lines: [lo, hi, t.trough_contact, t.trough_urgent],
        generated: clock.now(),
        from,
        to,
        profile: f.profile.clone(),
        platelets,
        weights: f.weights().filter(|(at, _)| inside(at)).collect(),
        trend,
        overview,
        troughs,
        labs,
        creatinine_baseline: base,
        bp,
        doses,
        bleeding,
        side_effects,
        events,
        alerts,
        questions,
        entries: match summed {
            Some(s) => {
                let summed =
                    |e: &&&Entry| matches!(&e.data, EntryData::Dose(d) if d.drug == s.drug);
                in_period.iter().filter(|e| !summed(e)).count() + s.entries
            }
            None => in_period.len(),
        },
    }
}

/// A row of the kidney/liver table: flagged against the lab's range, else the thresholds;
/// creatinine with its change from the baseline.
fn lab_row(at: DateTime<FixedOffset>, l: &LabResult, base: Option<f64>, t: &Thresholds) -> LabRow {
    let pct = (l.analyte == Analyte::Creatinine)
        .then_some(base)
        .flatten()
        .filter(|b| *b > 0.0)
        .map(|b| trend::pct_from_baseline(l.value, b));
    // The one flag rule of the report (session 7: this table had its own copy, which missed
    // creatinine and ALT/AST above the upper limits the alerts use).
    LabRow {
        at,
        analyte: l.analyte,
        value: l.value,
        unit: l.analyte.quantity().canonical().display,
        pct_from_baseline: pct,
        flag: match lab_flag(l, pct, t) {
            Flag::High => Some("↑"),
            Flag::Low => Some("↓"),
            Flag::Normal | Flag::Unknown => None,
        },
    }
}

/// Taken, late, missed and skipped doses of the period's planned slots, and adherence.
fn dose_counts(
    f: &Facts,
    r: Option<&crate::domain::regimen::Regimen>,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    clock: &Clock,
    t: &Thresholds,
) -> DoseCounts {
    counts_of(r.map(|r| {
        let ds: Vec<_> = f.doses(r.drug).collect();
        let slots = crate::domain::dosing::SlotClock::of(clock, &ds);
        let planned = r.planned_between(from, to.min(clock.now()), &slots);
        let mut c = SlotCounts::default();
        for s in slot_states(&planned, &ds, clock.now(), t) {
            c.count(s.state);
        }
        c
    }))
}

/// The report's dose counts (none without a plan).
fn counts_of(c: Option<SlotCounts>) -> DoseCounts {
    c.map_or_else(DoseCounts::default, |c| DoseCounts {
        taken: c.taken as usize,
        late: c.late as usize,
        missed: c.missed as usize,
        skipped: c.skipped as usize,
        pct: c.taken_pct(),
    })
}

/// Regimen steps that took effect in the period.
fn dose_changes(
    f: &Facts,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
) -> Vec<(chrono::NaiveDate, crate::domain::drugs::Drug, Step)> {
    f.regimens
        .iter()
        .flat_map(|r| {
            r.steps
                .iter()
                .map(move |s| (s.effective_from, r.drug, s.clone()))
        })
        .filter(|(d, _, _)| {
            *d >= from.date_naive() && *d <= (to - chrono::Duration::seconds(1)).date_naive()
        })
        .collect()
}

type Dated<T> = Vec<(DateTime<FixedOffset>, T, Option<String>)>;

/// Bleeding that needed care first, then the largest, then the newest.
fn worst_first_bleeding(mut v: Dated<Bleeding>) -> Dated<Bleeding> {
    v.sort_by_key(|x| std::cmp::Reverse((x.1.care_needed, x.1.count.unwrap_or(0), x.0)));
    v
}

/// Severe first, then the newest.
fn worst_first_effects(mut v: Dated<SideEffect>) -> Dated<SideEffect> {
    v.sort_by_key(|x| std::cmp::Reverse((x.1.severity.unwrap_or(0), x.0)));
    v
}
