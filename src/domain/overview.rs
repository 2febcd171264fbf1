//! Where the patient stands now: the course, the dose picture, adherence, the response, the
//! latest values. Computed once from `Facts` and shared by `status`, reminders and the screens.

use chrono::{DateTime, Duration, FixedOffset, NaiveTime};
use serde::Serialize;

use super::clock::Clock;
use super::course::{Course, course};
use super::dosing::{Dosing, SlotStatus, adherence, dosing, slot_states};
use super::drugs::Drug;
use super::entry::{Analyte, LabResult};
use super::facts::Facts;
use super::regimen::Regimen;
use super::response::{Assessment, PlateletBand, assess_regimen, disease_phase, platelet_band};
use super::settings::Thresholds;

/// The last drug level and how it relates to the dose before it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trough {
    pub at: DateTime<FixedOffset>,
    /// ng/mL.
    pub value: f64,
    pub hours_since_dose: Option<f64>,
    /// Drawn 10–14 h after the previous dose (`None`: no dose time known).
    pub valid: Option<bool>,
    /// The hours come from the last dose logged before the draw (the level gave no time).
    pub timing_from_log: bool,
    /// Against the target and alarm lines for troughs only; `NotATrough` or `TimingUnknown`
    /// otherwise (never judged against trough lines).
    pub band: TroughBand,
    pub target_low: f64,
    pub target_high: f64,
    /// The target comes from the regimen (set by the care team) rather than the settings.
    pub target_from_regimen: bool,
    /// The care team set the target (in the plan or the settings file).
    pub target_by_team: bool,
    /// The trough window (hours after the dose) the level was judged against.
    pub window: (f64, f64),
    /// The lines the level is judged against: the target, the contact and the urgent line.
    pub lines: [f64; 4],
}

#[derive(Clone, Debug, Serialize)]
pub struct Overview {
    pub now: DateTime<FixedOffset>,
    pub regimen: Option<Regimen>,
    pub course: Option<Course>,
    pub dosing: Option<Dosing>,
    /// Planned slots from 24 h ago to 24 h ahead, with their state.
    pub slots: Vec<SlotStatus>,
    pub adherence_7d: Option<f64>,
    pub adherence_30d: Option<f64>,
    pub response: Option<Assessment>,
    pub latest_platelets: Option<(DateTime<FixedOffset>, f64)>,
    pub platelet_band: Option<PlateletBand>,
    /// The lines the platelet band is judged against.
    pub platelet_lines: [f64; 4],
    pub trough: Option<Trough>,
    /// The last level judged as a trough, when a later level is not one (drawn at another
    /// time, or its timing unknown): the alerts still judge it — a level that is not judged
    /// does not clear the judgement of the one before (session 7: a toxic trough's urgent
    /// alert vanished when a C2 or an untimed level was logged after it).
    pub last_trough: Option<Trough>,
    pub disease_phase: Option<&'static str>,
}

/// The target range: the regimen's (care team) or the settings'.
/// The target band in force, and whether the plan gives it; [`target_by_team`] says whether
/// the care team set it (in the plan or the settings).
pub fn trough_target(r: Option<&Regimen>, t: &Thresholds) -> (f64, f64, bool) {
    match r.and_then(|r| r.target_low.zip(r.target_high)) {
        Some((lo, hi)) => (lo, hi, true),
        None => (t.trough_low, t.trough_high, false),
    }
}

/// The trough target in force was set by the care team: in the plan, or in the settings.
pub fn target_by_team(r: Option<&Regimen>, t: &Thresholds) -> bool {
    trough_target(r, t).2 || t.by_team(&["trough.target_low", "trough.target_high"])
}

crate::domain::codes::code_enum!(
    /// Where a drug level stands against the target and the alarm limits (clinical.md B);
    /// a level that is not a trough, or whose timing is unknown, is never judged.
    TroughBand, "trough_band", {
        BelowTarget => "below_target", [],
        InTarget => "in_target", [],
        AboveTarget => "above_target", [],
        /// Above `trough.contact_team_above` (400 ng/mL).
        ContactTeam => "contact_team", [],
        /// Above `trough.urgent_above` (700 ng/mL).
        Toxic => "toxic", [],
        /// Drawn outside the trough window after the previous dose.
        NotATrough => "not_a_trough", [],
        /// No dose time known: neither given nor logged before the draw.
        TimingUnknown => "timing_unknown", [],
    }
);

impl TroughBand {
    /// Judged against the trough target and alarm lines (a real trough).
    pub fn is_judged(self) -> bool {
        !matches!(self, TroughBand::NotATrough | TroughBand::TimingUnknown)
    }
}

/// The band of a drug level of timing `valid` (see [`LevelTiming`]): a trough against the
/// target and the alarm lines; any other level is never judged (not a trough, or timing
/// unknown), wherever its value lies.
pub fn judged_band(
    v: f64,
    (lo, hi): (f64, f64),
    valid: Option<bool>,
    t: &Thresholds,
) -> TroughBand {
    match valid {
        Some(true) => trough_band(v, lo, hi, t),
        Some(false) => TroughBand::NotATrough,
        None => TroughBand::TimingUnknown,
    }
}

pub fn trough_band(v: f64, lo: f64, hi: f64, t: &Thresholds) -> TroughBand {
    if v > t.trough_urgent {
        TroughBand::Toxic
    } else if v > t.trough_contact {
        TroughBand::ContactTeam
    } else if v > hi {
        TroughBand::AboveTarget
    } else if v < lo {
        TroughBand::BelowTarget
    } else {
        TroughBand::InTarget
    }
}

/// Hours after the dose as shown beside the trough window `(min, max)`: 14.02 reads "14.02",
/// not "14", next to "not 10–14 h".
pub fn fmt_hours(h: f64, (min, max): (f64, f64)) -> String {
    crate::domain::units::fmt_beside(h, &[min, max], 1)
}

/// Hours between the previous dose at `last_dose` and a draw at `at`, and whether that makes
/// a trough (see [`LevelTiming`] for where the dose time comes from).
pub fn timing_after(
    at: DateTime<FixedOffset>,
    last_dose: Option<DateTime<FixedOffset>>,
    t: &Thresholds,
) -> (Option<f64>, Option<bool>) {
    // Seconds count: 14 h 0 min 59 s is past a 14 h window.
    let hours = last_dose.map(|d| (at - d).num_seconds() as f64 / 3600.0);
    let valid = hours.map(|h| h >= t.trough_min_hours && h <= t.trough_max_hours);
    (hours, valid)
}

/// How a drug level relates to the dose before it: the hours, whether that makes a trough,
/// and whether the dose time comes from the dose log (the level named none). One reading for
/// Today, the rules, the trends, History and the report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LevelTiming {
    pub hours: Option<f64>,
    pub valid: Option<bool>,
    pub from_log: bool,
}

impl LevelTiming {
    /// A level drawn at `at`, naming the previous dose `own`, after the dose `logged` last
    /// logged as taken before it.
    pub fn of(
        at: DateTime<FixedOffset>,
        own: Option<DateTime<FixedOffset>>,
        logged: Option<DateTime<FixedOffset>>,
        t: &Thresholds,
    ) -> LevelTiming {
        let from_log = own.is_none() && logged.is_some();
        let (hours, valid) = timing_after(at, own.or(logged), t);
        LevelTiming {
            hours,
            valid,
            from_log,
        }
    }

    /// A level among the facts (see [`previous_dose`]).
    pub fn in_facts(
        f: &Facts,
        at: DateTime<FixedOffset>,
        l: &LabResult,
        t: &Thresholds,
    ) -> LevelTiming {
        // The result's own time first; else the last dose logged as taken before the draw.
        let logged = l
            .last_dose_at
            .is_none()
            .then(|| f.last_taken_csa(at))
            .flatten();
        LevelTiming::of(at, l.last_dose_at, logged, t)
    }
}

/// The last drug level, its timing and band (defects 6, 16); and when it is not judged as a
/// trough, the last level that is.
fn last_levels(
    f: &Facts,
    regimen: Option<&Regimen>,
    t: &Thresholds,
) -> (Option<Trough>, Option<Trough>) {
    let mut levels = f.labs(Analyte::CsaTrough).rev();
    let Some((at, l)) = levels.next() else {
        return (None, None);
    };
    let last = level(f, regimen, t, at, l);
    if last.valid == Some(true) {
        return (Some(last), None);
    }
    let judged = levels
        .map(|(at, l)| level(f, regimen, t, at, l))
        .find(|x| x.valid == Some(true));
    (Some(last), judged)
}

/// One drug level, its timing and band.
fn level(
    f: &Facts,
    regimen: Option<&Regimen>,
    t: &Thresholds,
    at: DateTime<FixedOffset>,
    l: &LabResult,
) -> Trough {
    let (lo, hi, from_regimen) = trough_target(regimen, t);
    let timing = LevelTiming::in_facts(f, at, l, t);
    let (hours, valid) = (timing.hours, timing.valid);
    Trough {
        at,
        value: l.value,
        hours_since_dose: hours,
        valid,
        timing_from_log: timing.from_log,
        band: judged_band(l.value, (lo, hi), valid, t),
        target_low: lo,
        target_high: hi,
        target_from_regimen: from_regimen,
        target_by_team: target_by_team(regimen, t),
        window: (t.trough_min_hours, t.trough_max_hours),
        lines: [lo, hi, t.trough_contact, t.trough_urgent],
    }
}

/// Where the patient stands at the clock's now, from the diary as it stood then.
pub fn overview(f: &Facts, clock: &Clock, t: &Thresholds) -> Overview {
    let now = clock.now();
    let cut = f.as_of(now);
    let f = &cut;
    let today = now.date_naive();
    let regimen = f.primary(today).cloned();
    let course = regimen.as_ref().map(|r| course(r, today, t));
    let weights: Vec<_> = f.weights().collect();
    let (dosing, slots, adherence_7d, adherence_30d) = match &regimen {
        Some(r) => {
            let doses: Vec<_> = f.doses(r.drug).collect();
            let viewer = clock;
            let clock = &plan_clock(&doses, clock);
            let dosing = dosing(r, &doses, &weights, clock);
            let from = now - Duration::days(30);
            let slots = crate::domain::dosing::SlotClock::of(viewer, &doses);
            let planned = r.planned_between(from, now + Duration::days(1), &slots);
            let states = slot_states(&planned, &doses, now, t);
            let a7 = adherence(&states, now - Duration::days(7), now);
            let a30 = adherence(&states, from, now);
            let recent: Vec<SlotStatus> = states
                .into_iter()
                .filter(|s| s.at >= now - Duration::days(1))
                .collect();
            (Some(dosing), recent, a7, a30)
        }
        None => (None, Vec::new(), None, None),
    };
    let counts: Vec<_> = f.platelets().collect();
    let response = regimen.as_ref().map(|r| assess_regimen(f, r, t));
    let latest_platelets = counts.last().copied();
    let (trough, last_trough) = last_levels(f, regimen.as_ref(), t);
    Overview {
        now,
        course,
        dosing,
        slots,
        adherence_7d,
        adherence_30d,
        response,
        platelet_band: latest_platelets.map(|(_, v)| platelet_band(v, t)),
        platelet_lines: super::response::platelet_lines(t),
        latest_platelets,
        trough,
        last_trough,
        disease_phase: f.profile.diagnosed_on.map(|d| disease_phase(d, today)),
        regimen,
    }
}

/// The clock dose slots are read with: the UTC offset the patient logs doses in (the latest
/// dose's), so reading the diary in another time zone does not move "08:00" (defect 14).
fn plan_clock(
    doses: &[(DateTime<FixedOffset>, &crate::domain::entry::Dose)],
    clock: &Clock,
) -> Clock {
    match doses.last() {
        Some((at, _)) if *at.offset() != *clock.now().offset() => {
            Clock::Fixed(clock.now().with_timezone(at.offset()))
        }
        _ => clock.clone(),
    }
}

/// The local time of day used for "due" instants: the first dose slot, else 08:00.
pub fn morning(r: Option<&Regimen>, today: chrono::NaiveDate) -> NaiveTime {
    r.and_then(|r| r.step_on(today).or(r.steps.first()))
        .and_then(|s| s.slots.first())
        .map(|s| s.time)
        .unwrap_or(NaiveTime::from_hms_opt(8, 0, 0).unwrap_or(NaiveTime::MIN))
}

/// Whether a drug's level matters for CsA interactions.
pub fn is_csa(r: Option<&Regimen>) -> bool {
    r.is_some_and(|r| r.drug == Drug::Cyclosporine)
}
