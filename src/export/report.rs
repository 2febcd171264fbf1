//! The clinic report's content, computed once and written as HTML or Markdown.

use chrono::{DateTime, FixedOffset};

use crate::domain::clock::Clock;
use crate::domain::dosing::{SlotState, slot_states};
use crate::domain::entry::{Analyte, Bleeding, Entry, EntryData, Event, SideEffect};
use crate::domain::facts::Facts;
use crate::domain::overview::{Overview, TroughBand, trough_band, trough_target, trough_timing};
use crate::domain::regimen::Profile;
use crate::domain::reminders::{Reminder, creatinine_baseline};
use crate::domain::settings::Thresholds;
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
    pub band: TroughBand,
}

#[derive(Clone, Debug, Default)]
pub struct DoseCounts {
    pub taken: usize,
    pub late: usize,
    pub missed: usize,
    pub skipped: usize,
    pub pct: Option<f64>,
}

/// A blood-pressure reading: (when, systolic, diastolic, pulse, above the limit).
pub type BpRow = (DateTime<FixedOffset>, u16, u16, Option<u16>, bool);

pub struct Report {
    pub generated: DateTime<FixedOffset>,
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
    pub profile: Profile,
    pub overview: Overview,
    pub platelets: Vec<(DateTime<FixedOffset>, f64)>,
    /// Counts below this are flagged (`alerts.platelets_below`, the treatment line).
    pub platelets_low: f64,
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

/// Build the report of `[from, to)` from the facts of that window (see
/// `service::load_window`), the overview and alerts at `to`, and the open questions.
#[allow(clippy::too_many_arguments)]
pub fn build(
    f: &Facts,
    overview: Overview,
    alerts: Vec<Reminder>,
    questions: Vec<String>,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    clock: &Clock,
    t: &Thresholds,
) -> Report {
    let inside = |at: &DateTime<FixedOffset>| *at >= from && *at < to;
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
    for e in &in_period {
        match &e.data {
            EntryData::Lab(l) if l.analyte == Analyte::CsaTrough => {
                let (hours, valid) = trough_timing(e.at, l, t);
                troughs.push(TroughRow {
                    at: e.at,
                    value: l.value,
                    hours,
                    valid,
                    band: trough_band(l.value, lo, hi, t),
                });
            }
            EntryData::Lab(l) if KIDNEY_LIVER.contains(&l.analyte) => {
                let pct = (l.analyte == Analyte::Creatinine)
                    .then_some(base)
                    .flatten()
                    .filter(|b| *b > 0.0)
                    .map(|b| trend::pct_from_baseline(l.value, b));
                let high = l.reference.high.is_some_and(|h| l.value > h)
                    || pct.is_some_and(|p| p >= t.creatinine_rise_pct)
                    || (l.analyte == Analyte::Potassium
                        && l.reference.high.is_none()
                        && l.value > t.potassium_high);
                let low = l.reference.low.is_some_and(|lo| l.value < lo)
                    || (l.analyte == Analyte::Magnesium
                        && l.reference.low.is_none()
                        && l.value < t.magnesium_low);
                labs.push(LabRow {
                    at: e.at,
                    analyte: l.analyte,
                    value: l.value,
                    unit: l.analyte.quantity().canonical().display,
                    pct_from_baseline: pct,
                    flag: if high {
                        Some("↑")
                    } else if low {
                        Some("↓")
                    } else {
                        None
                    },
                });
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
    let mut doses = DoseCounts::default();
    if let Some(r) = &r {
        let ds: Vec<_> = f.doses(r.drug).collect();
        let planned = r.planned_between(from, to.min(clock.now()), clock);
        for s in slot_states(&planned, &ds, clock.now(), t) {
            match s.state {
                SlotState::Taken => doses.taken += 1,
                SlotState::Late => doses.late += 1,
                SlotState::Missed => doses.missed += 1,
                SlotState::Skipped => doses.skipped += 1,
                _ => {}
            }
        }
        let counted = doses.taken + doses.late + doses.missed;
        doses.pct =
            (counted > 0).then(|| (doses.taken + doses.late) as f64 * 100.0 / counted as f64);
    }
    Report {
        generated: clock.now(),
        from,
        to,
        profile: f.profile.clone(),
        platelets: f.platelets().filter(|(at, _)| inside(at)).collect(),
        platelets_low: t.platelets_low,
        weights: f.weights().filter(|(at, _)| inside(at)).collect(),
        trend: trend::build(f, from, to, clock, t),
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
        entries: in_period.len(),
    }
}
