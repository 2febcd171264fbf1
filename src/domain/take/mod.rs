//! Which planned slot a dose answers: `take` / `skip` answer the oldest unanswered slot of
//! today (else the next one), and a dose logged without an amount takes the planned amount of
//! the slot it answers. Pure: reads `Facts` and a clock.

use chrono::{DateTime, Duration, FixedOffset, NaiveTime};

mod gap;

pub use gap::{dose_close_to, widest_dose_gap};

use super::clock::Clock;
use super::dosing::{SlotClock, SlotState, SlotStatus, slot_states};
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

impl Pick {
    /// A taken dose for a slot the patient had answered with a skip: not a second dose, the
    /// slot's first one, taken after all (and late).
    pub fn after_skip(&self) -> bool {
        self.extra && self.state == SlotState::Skipped
    }
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
    /// Two or more slots of today are open now (missed or due): which one a dose answers is
    /// the patient's call, not a guess. Oldest first, with their states.
    Ambiguous {
        open: Vec<(DateTime<FixedOffset>, SlotState)>,
    },
    /// No slot is open now; the next one (`next`) is not yet within its window.
    NotDue { next: DateTime<FixedOffset> },
    /// The slot is a missed one and a dose of the same drug was taken at `last`, less than
    /// half a dosing interval before `now`: two doses close together need the patient's word.
    SoonAfter {
        slot: DateTime<FixedOffset>,
        last: DateTime<FixedOffset>,
        now: DateTime<FixedOffset>,
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
    let doses: Vec<_> = f.doses(r.drug).collect();
    let planned = r.planned_between(from - Duration::days(1), to, &SlotClock::of(clock, &doses));
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

/// What the patient has already confirmed for this answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Confirmed {
    /// A second dose for a slot that is already answered (`--extra`).
    pub extra: bool,
    /// A missed slot answered soon after another dose (`--late`, the question on the
    /// screen). A skip needs no confirmation: it passes `true`.
    pub late: bool,
}

fn window(t: &Thresholds) -> Duration {
    Duration::minutes((t.slot_window_hours * 60.0) as i64)
}

/// Without a slot named: the one slot of today that is open now (missed, due, or within its
/// window before its time); two or more are the patient's call; none is "not yet".
fn pick_next(
    r: &Regimen,
    states: &[SlotStatus],
    now: DateTime<FixedOffset>,
    t: &Thresholds,
) -> Result<Pick, PickError> {
    let window = window(t);
    let open: Vec<&SlotStatus> = states.iter().filter(|s| s.dose_at.is_none()).collect();
    let first = *open.first().ok_or(PickError::NoSlot)?;
    let now_open: Vec<&SlotStatus> = open
        .iter()
        .copied()
        .filter(|s| s.at.date_naive() == now.date_naive() && s.at - window <= now)
        .collect();
    match now_open.as_slice() {
        [] if first.at - window > now => Err(PickError::NotDue { next: first.at }),
        [] => Ok(pick_of(r, first, false)),
        [one] => Ok(pick_of(r, one, false)),
        many => Err(PickError::Ambiguous {
            open: many.iter().map(|s| (s.at, s.state)).collect(),
        }),
    }
}

/// The latest taken dose of the regimen's drug less than the safe gap before `now` (or after
/// it), when `p` is answered now: a missed slot right after the due one, or the due slot
/// right after a missed one was taken late — two doses minutes apart either way. An extra
/// dose for a slot that already has a taken dose was confirmed as such (`--extra`); one for a
/// slot answered by a skip is that slot's first dose, taken late, and is asked about exactly
/// like a missed slot.
fn soon_after(
    f: &Facts,
    r: &Regimen,
    p: &Pick,
    (now, clock): (DateTime<FixedOffset>, &Clock),
) -> Option<DateTime<FixedOffset>> {
    if p.extra && !p.after_skip() {
        return None;
    }
    gap::close_doses(f, r.drug, now, clock).max()
}

/// The slot `take` / `skip` answers: the slot of today at `wanted`, or (without it) the one
/// slot of today open now (see `pick_next`). A slot that is already answered is refused unless
/// `ok.extra`; a missed slot soon after another taken dose unless `ok.late`.
pub fn pick(
    f: &Facts,
    clock: &Clock,
    t: &Thresholds,
    wanted: Option<NaiveTime>,
    ok: Confirmed,
) -> Result<Pick, PickError> {
    let (r, states) = slots(f, clock, t).ok_or(PickError::NoRegimen)?;
    let now = clock.now();
    let p = match wanted {
        None => pick_next(r, &states, now, t)?,
        Some(w) => pick_at(r, &states, now, w, ok.extra)?,
    };
    match soon_after(f, r, &p, (now, clock)) {
        Some(last) if !ok.late => Err(PickError::SoonAfter {
            slot: p.at,
            last,
            now,
        }),
        _ => Ok(p),
    }
}

/// The slot of today at `w`.
fn pick_at(
    r: &Regimen,
    states: &[SlotStatus],
    now: DateTime<FixedOffset>,
    w: NaiveTime,
    extra: bool,
) -> Result<Pick, PickError> {
    let today = now.date_naive();
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
    slot_near(f, clock, t, (drug, at, scheduled), false)
}

/// [`slot_for`] for a dose the patient called extra (`log dose --extra`): an answered slot is
/// returned too (`Pick::extra`), so its planned amount can be taken.
pub fn extra_slot_for(
    f: &Facts,
    clock: &Clock,
    t: &Thresholds,
    drug: Drug,
    at: DateTime<FixedOffset>,
    scheduled: Option<DateTime<FixedOffset>>,
) -> Option<Result<Pick, PickError>> {
    slot_near(f, clock, t, (drug, at, scheduled), true)
}

fn slot_near(
    f: &Facts,
    clock: &Clock,
    t: &Thresholds,
    (drug, at, scheduled): (Drug, DateTime<FixedOffset>, Option<DateTime<FixedOffset>>),
    extra: bool,
) -> Option<Result<Pick, PickError>> {
    let r = f
        .regimens
        .iter()
        .rev()
        .find(|r| r.drug == drug && r.is_active_on(at.date_naive()))?;
    let window = Duration::minutes((t.slot_window_hours * 60.0) as i64);
    let around = scheduled.unwrap_or(at);
    let doses: Vec<_> = f.doses(drug).collect();
    // The dose being logged places its own day's slots too.
    let slots = SlotClock::new(clock, doses.iter().map(|(t, _)| *t).chain([at]));
    let planned = r.planned_between(
        around - Duration::days(1),
        around + Duration::days(1),
        &slots,
    );
    let states = slot_states(&planned, &doses, clock.now(), t);
    let s = match scheduled {
        Some(s) => states.iter().find(|x| x.at == s)?,
        None => states
            .iter()
            .filter(|x| (x.at - at).abs() <= window)
            .min_by_key(|x| (x.dose_at.is_some(), (x.at - at).abs()))?,
    };
    Some(match s.dose_at {
        Some(by) if !extra => Err(PickError::Answered {
            at: s.at,
            state: s.state,
            by: Some(by),
        }),
        by => Ok(pick_of(r, s, by.is_some())),
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

    pub(super) fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    /// Ciclosporin 150 mg at 08:00 and 20:00 from 2026-01-01, with these taken doses (time,
    /// the slot they name).
    pub(super) fn facts(doses: &[(&str, Option<&str>)]) -> Facts {
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

    pub(super) const NOW: &str = "2026-03-10T14:30:00+08:00";

    fn ok(extra: bool) -> Confirmed {
        Confirmed { extra, late: false }
    }

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
            // The evening slot is 5.5 h away (window 3 h): not yet (was: answered early).
            (
                vec![("2026-03-10T08:05:00+08:00", None)],
                None,
                false,
                Err("not_due 2026-03-10T20:00:00+08:00"),
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
                Err("not_due 2026-03-11T08:00:00+08:00"),
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
            pick(&facts(&[]), &late, &th, None, ok(false)),
            Err(PickError::Ambiguous { .. })
        ));
        assert_eq!(
            pick(&facts(&[]), &late, &th, Some(h("20:00")), ok(false))
                .unwrap()
                .at,
            t("2026-03-10T20:00:00+08:00")
        );
        for (doses, wanted, extra, want) in cases {
            let got = pick(&facts(&doses), &clock, &th, wanted.map(h), ok(extra));
            match (got, want) {
                (Ok(p), Ok(at)) => {
                    assert_eq!(p.at, t(at), "{doses:?} {wanted:?}");
                    assert_eq!(p.amount, 150.0);
                    assert_eq!(p.extra, extra);
                }
                (Err(PickError::Answered { .. }), Err("answered")) => {}
                (Err(PickError::NotDue { next }), Err(w)) if w.starts_with("not_due") => {
                    assert_eq!(next, t(&w[8..]))
                }
                (Err(PickError::NotASlot { times, .. }), Err("not_a_slot")) => {
                    assert_eq!(times, vec![h("08:00"), h("20:00")])
                }
                (got, want) => panic!("{doses:?} {wanted:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    /// The traps of one-key logging: a missed slot minutes after another dose, two missed
    /// slots at night, a slot hours before its window.
    #[test]
    fn take_guards_missed_slots_close_doses_and_early_slots() {
        let th = Thresholds::default();
        let h = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").unwrap();
        let d = |s: &str| format!("2026-03-10T{s}:00+08:00");
        let evening = [(
            "2026-03-10T19:55:00+08:00",
            Some("2026-03-10T20:00:00+08:00"),
        )];
        let morning = [("2026-03-10T08:05:00+08:00", None)];
        // (clock, doses, wanted slot, late confirmed, expected)
        let cases: Vec<(&str, &[(&str, Option<&str>)], Option<&str>, bool, &str)> = vec![
            ("19:56", &evening, None, false, "soon 08:00 19:55"),
            ("19:56", &evening, None, true, "ok 08:00"),
            ("19:56", &evening, Some("08:00"), false, "soon 08:00 19:55"),
            ("23:50", &evening, None, false, "soon 08:00 19:55"),
            // Half of 12 h after the evening dose: no question.
            ("02:00", &[], None, false, "not_due 08:00"),
            ("23:50", &[], None, false, "ask 08:00 missed 20:00 missed"),
            ("19:00", &[], None, false, "ask 08:00 missed 20:00 upcoming"),
            ("14:30", &[], None, false, "ok 08:00"),
            ("12:00", &morning, None, false, "not_due 20:00"),
            ("17:00", &morning, None, false, "ok 20:00"),
            // The 20:00 dose named at 12:00, four hours after the morning one: asked too.
            ("12:00", &morning, Some("20:00"), false, "soon 20:00 08:05"),
            ("14:30", &morning, Some("20:00"), false, "ok 20:00"),
            // The due dose a minute after the missed one was taken late (either order asks).
            (
                "19:56",
                &[(
                    "2026-03-10T19:55:00+08:00",
                    Some("2026-03-10T08:00:00+08:00"),
                )],
                None,
                false,
                "soon 20:00 19:55",
            ),
        ];
        for (now, doses, wanted, late, want) in cases {
            let clock = Clock::Fixed(t(&d(now)));
            let ok = Confirmed { extra: false, late };
            let got = match pick(&facts(doses), &clock, &th, wanted.map(h), ok) {
                Ok(p) => format!("ok {}", p.at.format("%H:%M")),
                Err(PickError::SoonAfter { slot, last, .. }) => {
                    format!("soon {} {}", slot.format("%H:%M"), last.format("%H:%M"))
                }
                Err(PickError::NotDue { next }) => format!("not_due {}", next.format("%H:%M")),
                Err(PickError::Ambiguous { open }) => {
                    let v: Vec<String> = open
                        .iter()
                        .map(|(at, s)| format!("{} {}", at.format("%H:%M"), s.code()))
                        .collect();
                    format!("ask {}", v.join(" "))
                }
                Err(e) => format!("{e:?}"),
            };
            assert_eq!(got, want, "at {now} with {doses:?}, slot {wanted:?}");
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
