//! The treatment course and its phases (clinical.md 1.2): baseline → induction (with the
//! week-4 and week-12 checkpoints) → continuation → taper → maintenance → stopped. Recorded
//! steps win over the calendar: a taper recorded in week 8 makes the phase "taper".

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::regimen::{Regimen, StepKind};
use super::settings::Thresholds;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    NoRegimen,
    Baseline,
    Induction,
    Continuation,
    Taper,
    Maintenance,
    Stopped,
}

impl Phase {
    pub fn code(self) -> &'static str {
        match self {
            Phase::NoRegimen => "no_regimen",
            Phase::Baseline => "baseline",
            Phase::Induction => "induction",
            Phase::Continuation => "continuation",
            Phase::Taper => "taper",
            Phase::Maintenance => "maintenance",
            Phase::Stopped => "stopped",
        }
    }
}

/// A checkpoint near today.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Checkpoint {
    /// 4 (early look) or the induction length (response decision).
    pub week: i64,
    pub date: NaiveDate,
    /// Days from today to the checkpoint (negative: passed).
    pub in_days: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Course {
    pub phase: Phase,
    /// Days since the start (0 = the start day; negative before it).
    pub day: i64,
    /// Treatment week, 1-based (week 1 = days 0–6).
    pub week: i64,
    pub induction_weeks: i64,
    pub induction_end: NaiveDate,
    pub checkpoint: Option<Checkpoint>,
}

/// The latest taper or maintenance step in force on `today` (the step that sets the phase;
/// a later taper ends a maintenance, a later maintenance step ends a taper).
fn last_phase_step(r: &Regimen, today: NaiveDate) -> Option<&crate::domain::regimen::Step> {
    r.changes()
        .filter(|s| matches!(s.kind, StepKind::Taper | StepKind::Maintenance))
        .filter(|s| s.effective_from <= today)
        .max_by_key(|s| s.effective_from)
}

/// When the maintenance in force on `today` began, if the course is on maintenance: the
/// first maintenance step of the run not broken by a later taper (a repeated maintenance step
/// does not restart it), or the last taper's date plus the settling period.
pub fn maintenance_since(r: &Regimen, today: NaiveDate, t: &Thresholds) -> Option<NaiveDate> {
    let last = last_phase_step(r, today)?;
    if last.kind == StepKind::Taper {
        let settled = last.effective_from + Duration::days(t.maintenance_after_days as i64);
        return (today >= settled).then_some(settled);
    }
    let mut steps: Vec<_> = r
        .changes()
        .filter(|s| matches!(s.kind, StepKind::Taper | StepKind::Maintenance))
        .filter(|s| s.effective_from <= today)
        .collect();
    steps.sort_by_key(|s| s.effective_from);
    steps
        .iter()
        .rev()
        .take_while(|s| s.kind == StepKind::Maintenance)
        .last()
        .map(|s| s.effective_from)
}

/// The course of `r` on `today`.
pub fn course(r: &Regimen, today: NaiveDate, t: &Thresholds) -> Course {
    let induction_weeks = r
        .induction_weeks
        .map(i64::from)
        .unwrap_or(t.induction_weeks as i64);
    let day = (today - r.start).num_days();
    let induction_end = r.start + Duration::weeks(induction_weeks);
    let phase = if r.stop.is_some_and(|s| s <= today) {
        Phase::Stopped
    } else if today < r.start {
        Phase::Baseline
    } else {
        if maintenance_since(r, today, t).is_some() {
            Phase::Maintenance
        } else if last_phase_step(r, today).is_some() {
            // The latest taper or maintenance step is a taper, not yet settled.
            Phase::Taper
        } else if today < induction_end {
            Phase::Induction
        } else {
            Phase::Continuation
        }
    };
    let checkpoint = matches!(phase, Phase::Induction | Phase::Continuation)
        .then(|| {
            [t.early_check_week as i64, induction_weeks]
                .into_iter()
                .map(|w| {
                    let date = r.start + Duration::weeks(w);
                    Checkpoint {
                        week: w,
                        date,
                        in_days: (date - today).num_days(),
                    }
                })
                .find(|c| c.in_days.abs() <= t.checkpoint_window_days as i64)
        })
        .flatten();
    Course {
        phase,
        day,
        week: if day >= 0 { day / 7 + 1 } else { 0 },
        induction_weeks,
        induction_end,
        checkpoint,
    }
}

#[cfg(test)]
// Table-driven tests spell out their row types inline; naming each would hide the table.
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;
    use crate::domain::drugs::{Drug, Route};
    use crate::domain::regimen::{Slot, Step};
    use chrono::NaiveTime;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn step(from: &str, kind: StepKind, mg: f64) -> Step {
        Step {
            id: 0,
            effective_from: d(from),
            kind,
            slots: vec![Slot {
                time: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                amount: mg,
            }],
            unit: "mg".into(),
            every_days: 1,
            formulation: None,
            note: None,
        }
    }

    pub(crate) fn regimen(steps: Vec<Step>, stop: Option<&str>) -> Regimen {
        Regimen {
            id: 1,
            uid: String::new(),
            drug: Drug::Cyclosporine,
            route: Route::Oral,
            start: steps[0].effective_from,
            stop: stop.map(d),
            target_low: None,
            target_high: None,
            induction_weeks: None,
            note: None,
            steps,
            planned_at: None,
        }
    }

    #[test]
    fn maintenance_begins_at_the_first_step_of_its_run() {
        let t = Thresholds::default();
        let start = || step("2026-01-05", StepKind::Start, 150.0);
        let m = |from| step(from, StepKind::Maintenance, 75.0);
        let taper = |from| step(from, StepKind::Taper, 100.0);
        // (steps, today, maintenance since)
        let cases = [
            // a repeated maintenance step does not restart the clock
            (
                vec![start(), m("2026-06-01"), m("2026-08-01")],
                "2026-08-02",
                Some("2026-06-01"),
            ),
            // a taper after maintenance ends it; a maintenance step after that starts anew
            (
                vec![start(), m("2026-06-01"), taper("2026-07-01")],
                "2026-07-02",
                None,
            ),
            (
                vec![
                    start(),
                    m("2026-06-01"),
                    taper("2026-07-01"),
                    m("2026-07-20"),
                ],
                "2026-07-21",
                Some("2026-07-20"),
            ),
            // a taper settles into maintenance after the settling period (42 days)
            (
                vec![start(), taper("2026-06-01")],
                "2026-07-13",
                Some("2026-07-13"),
            ),
            (vec![start(), taper("2026-06-01")], "2026-07-12", None),
            // a later step does not count before its date
            (
                vec![start(), m("2026-06-01"), taper("2026-09-01")],
                "2026-08-01",
                Some("2026-06-01"),
            ),
        ];
        for (steps, today, want) in cases {
            let r = regimen(steps, None);
            assert_eq!(maintenance_since(&r, d(today), &t), want.map(d), "{today}");
        }
    }

    #[test]
    fn phases_table() {
        let t = Thresholds::default();
        let start = || step("2026-01-05", StepKind::Start, 150.0);
        // (steps, stop, today, phase, day, week, checkpoint week)
        let cases: Vec<(Vec<Step>, Option<&str>, &str, Phase, i64, i64, Option<i64>)> = vec![
            (
                vec![start()],
                None,
                "2025-12-30",
                Phase::Baseline,
                -6,
                0,
                None,
            ),
            (
                vec![start()],
                None,
                "2026-01-05",
                Phase::Induction,
                0,
                1,
                None,
            ),
            (
                vec![start()],
                None,
                "2026-01-11",
                Phase::Induction,
                6,
                1,
                None,
            ),
            (
                vec![start()],
                None,
                "2026-01-12",
                Phase::Induction,
                7,
                2,
                None,
            ),
            // week-4 checkpoint on day 28, shown ±7 days
            (
                vec![start()],
                None,
                "2026-01-26",
                Phase::Induction,
                21,
                4,
                Some(4),
            ),
            (
                vec![start()],
                None,
                "2026-02-02",
                Phase::Induction,
                28,
                5,
                Some(4),
            ),
            (
                vec![start()],
                None,
                "2026-02-10",
                Phase::Induction,
                36,
                6,
                None,
            ),
            // day 83 is the last of 12 weeks; day 84 is continuation, week-12 checkpoint
            (
                vec![start()],
                None,
                "2026-03-29",
                Phase::Induction,
                83,
                12,
                Some(12),
            ),
            (
                vec![start()],
                None,
                "2026-03-30",
                Phase::Continuation,
                84,
                13,
                Some(12),
            ),
            (
                vec![start()],
                None,
                "2026-06-01",
                Phase::Continuation,
                147,
                22,
                None,
            ),
            // a taper recorded during induction wins over the calendar (overlap)
            (
                vec![start(), step("2026-02-20", StepKind::Taper, 125.0)],
                None,
                "2026-02-21",
                Phase::Taper,
                47,
                7,
                None,
            ),
            // a taper step in the future does not count yet
            (
                vec![start(), step("2026-06-01", StepKind::Taper, 125.0)],
                None,
                "2026-05-31",
                Phase::Continuation,
                146,
                21,
                None,
            ),
            // 41 days after the last taper: taper; 42: maintenance
            (
                vec![start(), step("2026-06-01", StepKind::Taper, 125.0)],
                None,
                "2026-07-12",
                Phase::Taper,
                188,
                27,
                None,
            ),
            (
                vec![start(), step("2026-06-01", StepKind::Taper, 125.0)],
                None,
                "2026-07-13",
                Phase::Maintenance,
                189,
                28,
                None,
            ),
            // an explicit maintenance step
            (
                vec![
                    start(),
                    step("2026-06-01", StepKind::Taper, 125.0),
                    step("2026-06-15", StepKind::Maintenance, 125.0),
                ],
                None,
                "2026-06-16",
                Phase::Maintenance,
                162,
                24,
                None,
            ),
            // a taper after maintenance ends the maintenance (issue 13 review)
            (
                vec![
                    start(),
                    step("2026-06-01", StepKind::Taper, 125.0),
                    step("2026-06-15", StepKind::Maintenance, 125.0),
                    step("2026-09-01", StepKind::Taper, 100.0),
                ],
                None,
                "2026-09-02",
                Phase::Taper,
                240,
                35,
                None,
            ),
            // an increase is not a taper
            (
                vec![start(), step("2026-04-10", StepKind::Increase, 175.0)],
                None,
                "2026-04-20",
                Phase::Continuation,
                105,
                16,
                None,
            ),
            // stopped
            (
                vec![start()],
                Some("2026-09-01"),
                "2026-09-01",
                Phase::Stopped,
                239,
                35,
                None,
            ),
            (
                vec![start()],
                Some("2026-09-01"),
                "2026-08-31",
                Phase::Continuation,
                238,
                35,
                None,
            ),
            // stopped during induction
            (
                vec![start()],
                Some("2026-01-20"),
                "2026-01-21",
                Phase::Stopped,
                16,
                3,
                None,
            ),
        ];
        for (steps, stop, today, phase, day, week, cp) in cases {
            let r = regimen(steps, stop);
            let c = course(&r, d(today), &t);
            assert_eq!(
                (c.phase, c.day, c.week, c.checkpoint.map(|c| c.week)),
                (phase, day, week, cp),
                "{today}"
            );
        }
    }

    #[test]
    fn induction_length_per_course() {
        let t = Thresholds::default();
        let mut r = regimen(vec![step("2026-01-05", StepKind::Start, 150.0)], None);
        r.induction_weeks = Some(8);
        assert_eq!(course(&r, d("2026-03-02"), &t).phase, Phase::Continuation);
        assert_eq!(course(&r, d("2026-03-01"), &t).phase, Phase::Induction);
    }
}
