//! A treatment plan: per-slot doses at fixed times, changed by recorded steps (never
//! overwritten), and the patient profile.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::codes::code_enum;
use super::drugs::{Drug, Route};
use super::units::{Quantity, fmt_num};
use super::validate::{DOSE_MG_BOUNDS, DOSE_U_BOUNDS, ValidationError, parse_number};

code_enum!(
    /// Why a step was recorded.
    StepKind, "step", {
    Start => "start", [],
    Change => "change", [],
    Taper => "taper", ["decrease", "减量"],
    Increase => "increase", ["加量"],
    Formulation => "formulation", ["brand", "switch"],
    Maintenance => "maintenance", ["维持"],
});

/// One dose time of the day and its amount (mg, or U for rhTPO).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    pub time: NaiveTime,
    pub amount: f64,
}

/// A dated version of the plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub id: i64,
    pub effective_from: NaiveDate,
    pub kind: StepKind,
    pub slots: Vec<Slot>,
    /// `mg` or `U`.
    pub unit: String,
    /// 1 = daily; 7 = weekly (romiplostim), counted from `effective_from`.
    pub every_days: u32,
    pub formulation: Option<String>,
    pub note: Option<String>,
}

impl Step {
    /// Total amount per dosing day.
    pub fn amount_per_dose_day(&self) -> f64 {
        self.slots.iter().map(|s| s.amount).sum()
    }

    /// Average amount per calendar day.
    pub fn daily_amount(&self) -> f64 {
        self.amount_per_dose_day() / f64::from(self.every_days.max(1))
    }

    /// `150 + 150 mg` or `150 mg weekly`.
    pub fn describe(&self) -> String {
        let amounts: Vec<String> = self.slots.iter().map(|s| fmt_num(s.amount, 2)).collect();
        let times: Vec<String> = self
            .slots
            .iter()
            .map(|s| s.time.format("%H:%M").to_string())
            .collect();
        format!(
            "{} {} @ {}{}",
            amounts.join(" + "),
            self.unit,
            times.join(", "),
            if self.every_days == 1 {
                String::new()
            } else {
                format!(" / {} d", self.every_days)
            }
        )
    }
}

/// A plan for one drug.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Regimen {
    pub id: i64,
    pub uid: String,
    pub drug: Drug,
    pub route: Route,
    pub start: NaiveDate,
    /// The first day without doses.
    pub stop: Option<NaiveDate>,
    /// Drug-level target set by the care team (ng/mL).
    pub target_low: Option<f64>,
    pub target_high: Option<f64>,
    /// Induction length set for this course (weeks); `None` = the setting.
    pub induction_weeks: Option<u32>,
    pub note: Option<String>,
    /// Ordered by `effective_from`, then id. The first is the start.
    pub steps: Vec<Step>,
    /// When the plan was recorded: slots of the start day before it are not counted (not in
    /// exports; `None` for plans built in memory).
    #[serde(skip)]
    pub planned_at: Option<DateTime<FixedOffset>>,
}

/// A dose the plan expects.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedDose {
    pub at: DateTime<FixedOffset>,
    pub amount: f64,
}

impl Regimen {
    /// The same plan as `other` in everything a patient or a clinic reads (drug, route, days,
    /// target, induction, note, and every step), whatever the ids and record times.
    pub fn same_plan(&self, other: &Regimen) -> bool {
        let step = |a: &Step, b: &Step| {
            a.effective_from == b.effective_from
                && a.kind == b.kind
                && a.slots == b.slots
                && a.unit == b.unit
                && a.every_days == b.every_days
                && a.formulation == b.formulation
                && a.note == b.note
        };
        self.drug == other.drug
            && self.route == other.route
            && self.start == other.start
            && self.stop == other.stop
            && self.target_low == other.target_low
            && self.target_high == other.target_high
            && self.induction_weeks == other.induction_weeks
            && self.note == other.note
            && self.steps.len() == other.steps.len()
            && self.steps.iter().zip(&other.steps).all(|(a, b)| step(a, b))
    }

    /// Another plan of the same drug whose days meet this one's (`stop` is the first day
    /// without doses; none = open-ended; a plan stopped on its first day has no days): the
    /// diary keeps one plan per drug at a time.
    pub fn overlaps(&self, o: &Regimen) -> bool {
        self.meets(o.drug, o.start, o.stop)
    }

    /// [`Regimen::overlaps`] with a plan of `drug` from `start` to `stop` not yet recorded.
    pub fn meets(&self, drug: Drug, start: NaiveDate, stop: Option<NaiveDate>) -> bool {
        let before = |a: NaiveDate, stop: Option<NaiveDate>| stop.is_none_or(|s| a < s);
        self.drug == drug
            && before(self.start, self.stop)
            && before(start, stop)
            && before(self.start, stop)
            && before(start, self.stop)
    }

    pub fn is_active_on(&self, d: NaiveDate) -> bool {
        self.start <= d && self.stop.is_none_or(|s| d < s)
    }

    /// The step in force on `d`.
    pub fn step_on(&self, d: NaiveDate) -> Option<&Step> {
        self.steps.iter().rev().find(|s| s.effective_from <= d)
    }

    /// Steps after the start (changes, tapers …).
    pub fn changes(&self) -> impl DoubleEndedIterator<Item = &Step> {
        self.steps.iter().skip(1)
    }

    /// The doses the plan expects in `[from, to)`.
    pub fn planned_between(
        &self,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
        clock: &crate::domain::dosing::SlotClock,
    ) -> Vec<PlannedDose> {
        let mut out = Vec::new();
        let mut day = from.date_naive() - Duration::days(1);
        let last = to.date_naive();
        while day <= last {
            if self.is_active_on(day)
                && let Some(step) = self.step_on(day)
            {
                let offset = (day - step.effective_from).num_days();
                if offset % i64::from(step.every_days.max(1)) == 0 {
                    for slot in &step.slots {
                        if let Some(at) = clock.localize(day.and_time(slot.time))
                            && at >= from
                            && at < to
                            && !(day == self.start
                                && self
                                    .planned_at
                                    .is_some_and(|p| p.date_naive() == day && at < p))
                        {
                            out.push(PlannedDose {
                                at,
                                amount: slot.amount,
                            });
                        }
                    }
                }
            }
            day += Duration::days(1);
        }
        out
    }
}

/// Parse a plan: `--dose 150,150 --times 08:00,20:00`. Without times, 1–3 slots get the usual
/// clock times (08:00; 08:00/20:00; 07:00/15:00/23:00).
pub fn parse_slots(
    drug: Drug,
    doses: &str,
    times: Option<&str>,
) -> Result<Vec<Slot>, ValidationError> {
    let amounts: Vec<&str> = doses.split(',').map(str::trim).collect();
    if amounts.is_empty() || amounts.len() > 4 || amounts.iter().any(|a| a.is_empty()) {
        return Err(ValidationError::NotAccepted {
            field: "dose",
            input: doses.to_string(),
            accepted: "1 to 4 amounts separated by commas, e.g. 150,150".into(),
        });
    }
    let (bounds, unit) = match drug.dose_quantity() {
        Quantity::DoseUnits => (DOSE_U_BOUNDS, "U"),
        _ => (DOSE_MG_BOUNDS, "mg"),
    };
    let mut values = Vec::new();
    for a in &amounts {
        let v = parse_number("dose", a)?;
        if v < bounds.min || v > bounds.max {
            return Err(ValidationError::OutOfRange {
                field: "dose",
                value: fmt_num(v, 3),
                unit,
                min: fmt_num(bounds.min, 3),
                max: fmt_num(bounds.max, 3),
            });
        }
        values.push(v);
    }
    let default_times: &[&str] = match values.len() {
        1 => &["08:00"],
        2 => &["08:00", "20:00"],
        3 => &["07:00", "15:00", "23:00"],
        _ => &[],
    };
    let times: Vec<String> = match times {
        Some(t) => t.split(',').map(|s| s.trim().to_string()).collect(),
        None if !default_times.is_empty() => default_times.iter().map(|s| s.to_string()).collect(),
        None => {
            return Err(ValidationError::Missing { field: "times" });
        }
    };
    if times.len() != values.len() {
        return Err(ValidationError::Other {
            field: "times",
            reason: format!(
                "{} times for {} doses; give one time per dose",
                times.len(),
                values.len()
            ),
        });
    }
    let mut slots = Vec::new();
    for (t, amount) in times.iter().zip(values) {
        let time =
            NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| ValidationError::NotAccepted {
                field: "times",
                input: t.clone(),
                accepted: "HH:MM, e.g. 08:00,20:00".into(),
            })?;
        if let Some(prev) = slots.last().map(|s: &Slot| s.time)
            && time <= prev
        {
            return Err(ValidationError::Other {
                field: "times",
                reason: format!(
                    "{t} is not after {}; list the times in order",
                    prev.format("%H:%M")
                ),
            });
        }
        slots.push(Slot { time, amount });
    }
    Ok(slots)
}

/// Parse a target range `100-200` (ng/mL).
pub fn parse_target(s: &str) -> Result<(f64, f64), ValidationError> {
    let bad = || ValidationError::NotAccepted {
        field: "trough_target",
        input: s.to_string(),
        accepted: "LOW-HIGH in ng/mL, e.g. 100-200".into(),
    };
    let (lo, hi) = s.split_once('-').ok_or_else(bad)?;
    let lo = parse_number("trough_target", lo)?;
    let hi = parse_number("trough_target", hi)?;
    if !target_ok(lo, hi) {
        return Err(bad());
    }
    Ok((lo, hi))
}

/// A trough target the diary accepts: 0–3000 ng/mL, low below high.
pub fn target_ok(lo: f64, hi: f64) -> bool {
    (0.0..=3000.0).contains(&lo) && (0.0..=3000.0).contains(&hi) && lo < hi
}

/// Days between dosing days a plan may have (1: every day).
pub const EVERY_DAYS: std::ops::RangeInclusive<u32> = 1..=28;

/// Weeks of induction a plan may name.
pub const INDUCTION_WEEKS: std::ops::RangeInclusive<u32> = 1..=52;

/// The patient; every field optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub name: Option<String>,
    pub diagnosed_on: Option<NaiveDate>,
    pub birth_year: Option<i32>,
    pub sex: Option<String>,
    pub height_cm: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots() {
        let s = parse_slots(Drug::Cyclosporine, "150,100", Some("08:00,20:00")).unwrap();
        assert_eq!(s[1].amount, 100.0);
        assert_eq!(
            parse_slots(Drug::Cyclosporine, "100,100,100", None)
                .unwrap()
                .len(),
            3
        );
        for (d, t) in [
            ("150", Some("08:00,20:00")),
            ("150,abc", None),
            ("150,,150", None),
            ("0,150", None),
            ("150,150", Some("20:00,08:00")),
            ("150,150", Some("8am,8pm")),
            ("1,1,1,1,1", None),
            ("1,1,1,1", None),
        ] {
            assert!(parse_slots(Drug::Cyclosporine, d, t).is_err(), "{d} {t:?}");
        }
        assert!(parse_target("100-200").is_ok());
        assert!(parse_target("200-100").is_err());
    }

    #[test]
    fn plans_of_one_drug_overlap_when_their_days_meet() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let plan = |drug, start: &str, stop: Option<&str>| Regimen {
            id: 0,
            uid: String::new(),
            drug,
            route: Route::Oral,
            start: d(start),
            stop: stop.map(d),
            target_low: None,
            target_high: None,
            induction_weeks: None,
            note: None,
            steps: Vec::new(),
            planned_at: None,
        };
        let cs = Drug::Cyclosporine;
        // (a, b, overlap); `stop` is the first day without doses.
        let cases = [
            (
                plan(cs, "2026-01-01", None),
                plan(cs, "2026-03-01", None),
                true,
            ),
            (
                plan(cs, "2026-01-01", Some("2026-03-01")),
                plan(cs, "2026-03-01", None),
                false,
            ),
            (
                plan(cs, "2026-01-01", Some("2026-03-02")),
                plan(cs, "2026-03-01", None),
                true,
            ),
            (
                plan(cs, "2026-03-01", Some("2026-03-01")),
                plan(cs, "2026-01-01", None),
                false,
            ),
            (
                plan(cs, "2026-01-01", None),
                plan(Drug::Eltrombopag, "2026-01-01", None),
                false,
            ),
        ];
        for (a, b, want) in cases {
            assert_eq!(a.overlaps(&b), want, "{a:?} / {b:?}");
            assert_eq!(b.overlaps(&a), want, "symmetric");
        }
    }

    #[test]
    fn planned_doses_follow_steps() {
        let viewer = crate::domain::clock::Clock::Fixed(
            DateTime::parse_from_rfc3339("2026-03-10T12:00:00+08:00").unwrap(),
        );
        let clock = crate::domain::dosing::SlotClock::viewer(&viewer);
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let step = |from: &str, a: f64| Step {
            id: 0,
            effective_from: d(from),
            kind: StepKind::Start,
            slots: vec![
                Slot {
                    time: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                    amount: a,
                },
                Slot {
                    time: NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
                    amount: a,
                },
            ],
            unit: "mg".into(),
            every_days: 1,
            formulation: None,
            note: None,
        };
        let r = Regimen {
            id: 1,
            uid: String::new(),
            drug: Drug::Cyclosporine,
            route: Route::Oral,
            start: d("2026-03-01"),
            stop: Some(d("2026-03-05")),
            target_low: None,
            target_high: None,
            induction_weeks: None,
            note: None,
            steps: vec![step("2026-03-01", 150.0), step("2026-03-03", 125.0)],
            planned_at: None,
        };
        let from = DateTime::parse_from_rfc3339("2026-02-28T00:00:00+08:00").unwrap();
        let to = DateTime::parse_from_rfc3339("2026-03-10T00:00:00+08:00").unwrap();
        let p = r.planned_between(from, to, &clock);
        // 4 days (1st–4th) × 2 slots; stop on the 5th.
        assert_eq!(p.len(), 8);
        assert_eq!(p[0].amount, 150.0);
        assert_eq!(p[4].amount, 125.0);
        assert_eq!(r.step_on(d("2026-03-04")).unwrap().daily_amount(), 250.0);
        // Recorded on its start day at 14:00: that day's 08:00 is not counted, its 20:00 is.
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        let today = Regimen {
            planned_at: Some(at("2026-03-01T14:00:00+08:00")),
            ..r.clone()
        };
        let p = today.planned_between(from, to, &clock);
        assert_eq!(p.len(), 7);
        assert_eq!(p[0].at, at("2026-03-01T20:00:00+08:00"));
        // Recorded later with an earlier start (the patient says when it began): every slot of
        // the start day is counted.
        let later = Regimen {
            planned_at: Some(at("2026-03-20T09:00:00+08:00")),
            ..r.clone()
        };
        let p = later.planned_between(from, to, &clock);
        assert_eq!(p.len(), 8);
        assert_eq!(p[0].at, at("2026-03-01T08:00:00+08:00"));
    }
}

/// A question the patient wants to ask at the next clinic visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: i64,
    pub uid: String,
    pub text: String,
    pub created_at: DateTime<FixedOffset>,
    pub answered_at: Option<DateTime<FixedOffset>>,
}
