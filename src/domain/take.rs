//! Which planned slot a dose answers: `take` / `skip` answer the oldest unanswered slot of
//! today (else the next one), and a dose logged without an amount takes the planned amount of
//! the slot it answers. Pure: reads `Facts` and a clock.

use chrono::{DateTime, Duration, FixedOffset, NaiveTime};

use super::clock::Clock;
use super::dosing::{SlotState, SlotStatus, slot_states};
use super::drugs::Drug;
use super::facts::Facts;
use super::regimen::Regimen;
use super::settings::Thresholds;

/// A planned slot chosen for an answer, with what the plan says about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Pick {
    pub drug: Drug,
    pub at: DateTime<FixedOffset>,
    pub amount: f64,
    /// `mg` or `U`.
    pub unit: String,
    pub formulation: Option<String>,
    /// The slot's state before this answer.
    pub state: SlotState,
    /// Another dose already answers this slot (only with `extra`).
    pub extra: bool,
}

/// Why no slot could be chosen.
#[derive(Clone, Debug, PartialEq)]
pub enum PickError {
    /// No active plan today or later.
    NoRegimen,
    /// The plan has no slot left today or tomorrow.
    NoSlot,
    /// No slot of today at that time; the times today has.
    NotASlot {
        wanted: NaiveTime,
        times: Vec<NaiveTime>,
    },
    /// A slot of today passed its window unanswered while the next one is due now: which one
    /// a dose answers is the patient's call, not a guess.
    Ambiguous {
        missed: DateTime<FixedOffset>,
        due: DateTime<FixedOffset>,
    },
    /// The slot is already answered (by a dose logged at `by`, as `state`).
    Answered {
        at: DateTime<FixedOffset>,
        state: SlotState,
        by: Option<DateTime<FixedOffset>>,
    },
}

/// The plan's slots from today's midnight to the end of tomorrow, matched to the doses.
fn slots<'a>(
    f: &'a Facts,
    clock: &Clock,
    t: &Thresholds,
) -> Option<(&'a Regimen, Vec<SlotStatus>)> {
    let now = clock.now();
    let today = now.date_naive();
    let r = f.primary(today)?;
    let from = clock.localize(today.and_time(NaiveTime::MIN))?;
    let to = from + Duration::days(2);
    // Doses from the day before count too: a late dose at 00:30 may answer yesterday's 23:00.
    let planned = r.planned_between(from - Duration::days(1), to, clock);
    let doses: Vec<_> = f.doses(r.drug).collect();
    let states = slot_states(&planned, &doses, now, t)
        .into_iter()
        .filter(|s| s.at >= from)
        .collect();
    Some((r, states))
}

fn pick_of(r: &Regimen, s: &SlotStatus, extra: bool) -> Pick {
    let step = r.step_on(s.at.date_naive());
    Pick {
        drug: r.drug,
        at: s.at,
        amount: s.amount,
        unit: step.map(|x| x.unit.clone()).unwrap_or_else(|| "mg".into()),
        formulation: step.and_then(|x| x.formulation.clone()),
        state: s.state,
        extra,
    }
}

/// The slot `take` / `skip` answers: the slot of today at `wanted`, or (without it) the
/// oldest unanswered slot of today, else the next one. A slot that is already answered is
/// refused unless `extra`.
pub fn pick(
    f: &Facts,
    clock: &Clock,
    t: &Thresholds,
    wanted: Option<NaiveTime>,
    extra: bool,
) -> Result<Pick, PickError> {
    let (r, states) = slots(f, clock, t).ok_or(PickError::NoRegimen)?;
    let today = clock.now().date_naive();
    let Some(w) = wanted else {
        let mut open = states.iter().filter(|s| s.dose_at.is_none());
        let first = open.next().ok_or(PickError::NoSlot)?;
        let now = clock.now();
        let window = Duration::minutes((t.slot_window_hours * 60.0) as i64);
        let due_now = open.find(|s| s.at.date_naive() == today && (s.at - now).abs() <= window);
        return match due_now {
            Some(d) if first.at + window < now => Err(PickError::Ambiguous {
                missed: first.at,
                due: d.at,
            }),
            _ => Ok(pick_of(r, first, false)),
        };
    };
    let todays = || states.iter().filter(|s| s.at.date_naive() == today);
    let s = todays()
        .find(|s| s.at.time() == w)
        .ok_or_else(|| PickError::NotASlot {
            wanted: w,
            times: todays().map(|s| s.at.time()).collect(),
        })?;
    match s.dose_at {
        Some(by) if !extra => Err(PickError::Answered {
            at: s.at,
            state: s.state,
            by: Some(by),
        }),
        by => Ok(pick_of(r, s, by.is_some())),
    }
}

/// The slot a dose of `drug` logged at `at` answers: the named one (`scheduled`), else the
/// nearest slot within the window. `None` without a plan for that drug or a slot near `at`.
/// An answered slot is returned as `Answered` so the caller can refuse a silent second dose.
pub fn slot_for(
    f: &Facts,
    clock: &Clock,
    t: &Thresholds,
    drug: Drug,
    at: DateTime<FixedOffset>,
    scheduled: Option<DateTime<FixedOffset>>,
) -> Option<Result<Pick, PickError>> {
    let r = f
        .regimens
        .iter()
        .rev()
        .find(|r| r.drug == drug && r.is_active_on(at.date_naive()))?;
    let window = Duration::minutes((t.slot_window_hours * 60.0) as i64);
    let around = scheduled.unwrap_or(at);
    let planned = r.planned_between(
        around - Duration::days(1),
        around + Duration::days(1),
        clock,
    );
    let doses: Vec<_> = f.doses(drug).collect();
    let states = slot_states(&planned, &doses, clock.now(), t);
    let s = match scheduled {
        Some(s) => states.iter().find(|x| x.at == s)?,
        None => states
            .iter()
            .filter(|x| (x.at - at).abs() <= window)
            .min_by_key(|x| (x.dose_at.is_some(), (x.at - at).abs()))?,
    };
    Some(match s.dose_at {
        Some(by) => Err(PickError::Answered {
            at: s.at,
            state: s.state,
            by: Some(by),
        }),
        None => Ok(pick_of(r, s, false)),
    })
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table-driven rows spelled out inline
mod tests {
    use super::*;
    use crate::domain::drugs::Route;
    use crate::domain::entry::{Amount, Dose, DoseStatus, Entered, Entry, EntryData};
    use crate::domain::regimen::{Slot, Step, StepKind};
    use chrono::NaiveDate;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn facts(doses: &[(&str, Option<&str>)]) -> Facts {
        let slot = |h: u32| Slot {
            time: NaiveTime::from_hms_opt(h, 0, 0).unwrap(),
            amount: 150.0,
        };
        let step = Step {
            id: 1,
            effective_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            kind: StepKind::Start,
            slots: vec![slot(8), slot(20)],
            unit: "mg".into(),
            every_days: 1,
            formulation: Some("Neoral".into()),
            note: None,
        };
        let r = Regimen {
            id: 1,
            uid: "r1".into(),
            drug: Drug::Cyclosporine,
            route: Route::Oral,
            start: step.effective_from,
            stop: None,
            target_low: None,
            target_high: None,
            induction_weeks: None,
            note: None,
            planned_at: None,
            steps: vec![step],
        };
        let entries = doses
            .iter()
            .enumerate()
            .map(|(i, (at, sched))| Entry {
                revision: 0,
                id: i as i64 + 1,
                uid: format!("u{i}"),
                at: t(at),
                note: None,
                deleted: false,
                source: Default::default(),
                data: EntryData::Dose(Dose {
                    drug: Drug::Cyclosporine,
                    amount: Some(Amount {
                        value: 150.0,
                        unit: "mg".into(),
                        entered: Entered {
                            value: 150.0,
                            unit: "mg".into(),
                        },
                        mg_per_ml: None,
                    }),
                    route: Route::Oral,
                    formulation: None,
                    status: DoseStatus::Taken,
                    scheduled_for: sched.map(t),
                }),
            })
            .collect();
        Facts {
            profile: Default::default(),
            regimens: vec![r],
            entries,
            ..Default::default()
        }
    }

    const NOW: &str = "2026-03-10T14:30:00+08:00";

    #[test]
    fn take_picks_the_oldest_unanswered_slot_of_today_else_the_next() {
        let clock = Clock::Fixed(t(NOW));
        let th = Thresholds::default();
        let h = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").unwrap();
        // (doses logged, wanted slot, extra, expected slot or error)
        let cases: Vec<(
            Vec<(&str, Option<&str>)>,
            Option<&str>,
            bool,
            Result<&str, &str>,
        )> = vec![
            (vec![], None, false, Ok("2026-03-10T08:00:00+08:00")),
            (
                vec![("2026-03-10T08:05:00+08:00", None)],
                None,
                false,
                Ok("2026-03-10T20:00:00+08:00"),
            ),
            (
                vec![
                    ("2026-03-10T08:05:00+08:00", None),
                    (
                        "2026-03-10T14:00:00+08:00",
                        Some("2026-03-10T20:00:00+08:00"),
                    ),
                ],
                None,
                false,
                Ok("2026-03-11T08:00:00+08:00"),
            ),
            (
                vec![],
                Some("20:00"),
                false,
                Ok("2026-03-10T20:00:00+08:00"),
            ),
            (
                vec![("2026-03-10T08:05:00+08:00", None)],
                Some("08:00"),
                false,
                Err("answered"),
            ),
            (
                vec![("2026-03-10T08:05:00+08:00", None)],
                Some("08:00"),
                true,
                Ok("2026-03-10T08:00:00+08:00"),
            ),
            (vec![], Some("09:00"), false, Err("not_a_slot")),
        ];
        // At 19:00 with the morning slot still open, the evening slot is due: ask.
        let late = Clock::Fixed(t("2026-03-10T19:00:00+08:00"));
        assert!(matches!(
            pick(&facts(&[]), &late, &th, None, false),
            Err(PickError::Ambiguous { .. })
        ));
        assert_eq!(
            pick(&facts(&[]), &late, &th, Some(h("20:00")), false)
                .unwrap()
                .at,
            t("2026-03-10T20:00:00+08:00")
        );
        for (doses, wanted, extra, want) in cases {
            let got = pick(&facts(&doses), &clock, &th, wanted.map(h), extra);
            match (got, want) {
                (Ok(p), Ok(at)) => {
                    assert_eq!(p.at, t(at), "{doses:?} {wanted:?}");
                    assert_eq!(p.amount, 150.0);
                    assert_eq!(p.extra, extra);
                }
                (Err(PickError::Answered { .. }), Err("answered")) => {}
                (Err(PickError::NotASlot { times, .. }), Err("not_a_slot")) => {
                    assert_eq!(times, vec![h("08:00"), h("20:00")])
                }
                (got, want) => panic!("{doses:?} {wanted:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn a_dose_without_amount_answers_the_nearest_open_slot() {
        let clock = Clock::Fixed(t(NOW));
        let th = Thresholds::default();
        let f = facts(&[]);
        let p = slot_for(
            &f,
            &clock,
            &th,
            Drug::Cyclosporine,
            t("2026-03-10T08:40:00+08:00"),
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(p.at, t("2026-03-10T08:00:00+08:00"));
        // Far from every slot: no slot.
        assert!(
            slot_for(
                &f,
                &clock,
                &th,
                Drug::Cyclosporine,
                t("2026-03-10T14:00:00+08:00"),
                None
            )
            .is_none()
        );
        // Already answered: refused.
        let f = facts(&[("2026-03-10T08:05:00+08:00", None)]);
        assert!(matches!(
            slot_for(
                &f,
                &clock,
                &th,
                Drug::Cyclosporine,
                t("2026-03-10T08:40:00+08:00"),
                None
            ),
            Some(Err(PickError::Answered { .. }))
        ));
    }
}
