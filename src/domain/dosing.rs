//! Dosing arithmetic (mg/day, mg/kg/day from the plan and from the doses actually taken) and
//! adherence (each planned slot taken, late, missed, skipped or still due).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use serde::Serialize;

use super::clock::Clock;
use super::entry::{Dose, DoseStatus};
use super::regimen::{PlannedDose, Regimen};
use super::settings::Thresholds;

/// What a slot became.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotState {
    Taken,
    Late,
    Missed,
    Skipped,
    /// The slot time has passed but the window is open.
    Due,
    /// Later.
    Upcoming,
}

impl SlotState {
    pub fn code(self) -> &'static str {
        match self {
            SlotState::Taken => "taken",
            SlotState::Late => "late",
            SlotState::Missed => "missed",
            SlotState::Skipped => "skipped",
            SlotState::Due => "due",
            SlotState::Upcoming => "upcoming",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SlotStatus {
    pub at: DateTime<FixedOffset>,
    pub amount: f64,
    pub state: SlotState,
    /// When the answering dose was logged (taken, late, missed or skipped explicitly).
    pub dose_at: Option<DateTime<FixedOffset>>,
    /// `true` when "missed" was inferred (no dose logged) rather than logged.
    pub inferred: bool,
    /// The amount of the dose that answered it, in mg (a taken dose may differ from the plan:
    /// Today showed the planned 125 mg beside a dose of 50, session 7).
    pub dose_mg: Option<f64>,
}

/// Where a plan's dose times fall: each day in the UTC offset of the doses logged on it (the
/// last of them), the other days in the viewer's zone. "Slots are read in the UTC offset the
/// doses are logged in" (README): a diary read on a computer set to another zone, and a
/// traveller's days at home and abroad, place 08:00 where the patient took it (session 7: the
/// clinic report read a Shanghai patient's doses as all missed in New York).
#[derive(Clone, Debug)]
pub struct SlotClock<'a> {
    base: &'a Clock,
    days: std::collections::BTreeMap<NaiveDate, FixedOffset>,
}

impl<'a> SlotClock<'a> {
    /// The slots of the days the doses logged at `times` (any order) fall on, in their offset.
    pub fn new(base: &'a Clock, times: impl IntoIterator<Item = DateTime<FixedOffset>>) -> Self {
        let mut times: Vec<_> = times.into_iter().collect();
        times.sort();
        let days = times
            .into_iter()
            .map(|at| (at.date_naive(), *at.offset()))
            .collect();
        SlotClock { base, days }
    }

    /// The slots of the doses `doses` (a drug's, as the matching reads them).
    pub fn of<D>(base: &'a Clock, doses: &[(DateTime<FixedOffset>, D)]) -> Self {
        Self::new(base, doses.iter().map(|(at, _)| *at))
    }

    /// Every day in the viewer's zone (no dose logged).
    pub fn viewer(base: &'a Clock) -> Self {
        Self::new(base, [])
    }

    /// A dose time of the plan on its day.
    pub fn localize(&self, naive: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
        match self.days.get(&naive.date()) {
            Some(offset) => offset.from_local_datetime(&naive).single(),
            None => self.base.localize(naive),
        }
    }
}

/// What the slot matching reads of a logged dose (a decoded [`Dose`], or a lighter record of
/// a long history).
pub trait DoseView {
    fn status(&self) -> DoseStatus;
    fn scheduled_for(&self) -> Option<DateTime<FixedOffset>>;
    /// The amount, when it is in mg.
    fn mg(&self) -> Option<f64>;
}

impl DoseView for &Dose {
    fn status(&self) -> DoseStatus {
        self.status
    }
    fn scheduled_for(&self) -> Option<DateTime<FixedOffset>> {
        self.scheduled_for
    }
    fn mg(&self) -> Option<f64> {
        self.amount
            .as_ref()
            .filter(|a| a.unit == "mg")
            .map(|a| a.value)
    }
}

/// Match logged doses to planned slots. A dose answers a slot when it names the slot
/// (`scheduled_for`) or was logged within ±`slot_window_hours` of it; the closest wins and
/// each dose answers at most one slot.
pub fn slot_states<D: DoseView>(
    planned: &[PlannedDose],
    doses: &[(DateTime<FixedOffset>, D)],
    now: DateTime<FixedOffset>,
    t: &Thresholds,
) -> Vec<SlotStatus> {
    let window = Duration::minutes((t.slot_window_hours * 60.0) as i64);
    let late = Duration::minutes(t.late_after_minutes as i64);
    let mut used = vec![false; doses.len()];
    // Doses that name their slot, by slot; the others sorted by time for a range search.
    let mut named: std::collections::HashMap<DateTime<FixedOffset>, Vec<usize>> =
        Default::default();
    let mut free: Vec<usize> = Vec::new();
    for (i, (_, d)) in doses.iter().enumerate() {
        match d.scheduled_for() {
            Some(s) => named.entry(s).or_default().push(i),
            None => free.push(i),
        }
    }
    free.sort_by_key(|&i| doses[i].0);
    let mut states: Vec<SlotStatus> = planned
        .iter()
        .map(|p| {
            let exact = named
                .get(&p.at)
                .and_then(|v| v.iter().copied().find(|&i| !used[i]));
            let near = || {
                let lo = free.partition_point(|&i| doses[i].0 < p.at - window);
                free[lo..]
                    .iter()
                    .copied()
                    .take_while(|&i| doses[i].0 <= p.at + window)
                    .filter(|&i| !used[i])
                    .min_by_key(|&i| (doses[i].0 - p.at).abs())
            };
            match exact.or_else(near) {
                Some(i) => {
                    used[i] = true;
                    let (at, d) = &doses[i];
                    let state = match d.status() {
                        DoseStatus::Missed => SlotState::Missed,
                        DoseStatus::Skipped => SlotState::Skipped,
                        DoseStatus::Taken if *at - p.at > late => SlotState::Late,
                        DoseStatus::Taken => SlotState::Taken,
                    };
                    SlotStatus {
                        at: p.at,
                        amount: p.amount,
                        state,
                        dose_at: Some(*at),
                        inferred: false,
                        dose_mg: d.mg(),
                    }
                }
                None => {
                    let state = if now < p.at {
                        SlotState::Upcoming
                    } else if now < p.at + window {
                        SlotState::Due
                    } else {
                        SlotState::Missed
                    };
                    SlotStatus {
                        at: p.at,
                        amount: p.amount,
                        state,
                        dose_at: None,
                        inferred: state == SlotState::Missed,
                        dose_mg: None,
                    }
                }
            }
        })
        .collect();
    late_doses(&mut states, planned, doses, &free, &mut used, window);
    states
}

/// A dose taken after its slot's window closed, but before the next slot's window opens,
/// answers the slot as late rather than leaving it "not logged" (defect 22); a dose logged as
/// missed or skipped then answers it as such (session 7: "missed" logged at 23:32 for the 20:00
/// dose answered nothing, and "no dose logged for 20:00" stayed).
fn late_doses<D: DoseView>(
    states: &mut [SlotStatus],
    planned: &[PlannedDose],
    doses: &[(DateTime<FixedOffset>, D)],
    free: &[usize],
    used: &mut [bool],
    window: Duration,
) {
    for i in 0..states.len() {
        if !(states[i].state == SlotState::Missed && states[i].inferred) {
            continue;
        }
        let slot = planned[i].at;
        let until = planned
            .get(i + 1)
            .map_or(slot + Duration::hours(12), |n| n.at)
            - window;
        // `free` is in time order: start at the first dose after the slot's window.
        let lo = free.partition_point(|&j| doses[j].0 <= slot + window);
        let found = free[lo..]
            .iter()
            .copied()
            .take_while(|&j| doses[j].0 < until)
            .find(|&j| !used[j]);
        if let Some(j) = found {
            used[j] = true;
            states[i].state = match doses[j].1.status() {
                DoseStatus::Taken => SlotState::Late,
                DoseStatus::Missed => SlotState::Missed,
                DoseStatus::Skipped => SlotState::Skipped,
            };
            states[i].dose_at = Some(doses[j].0);
            states[i].inferred = false;
            states[i].dose_mg = doses[j].1.mg();
        }
    }
}

/// The planned slot a new taken dose at `at` would answer, when that slot is already answered
/// by a logged dose: a second dose for one slot is refused unless the patient says it is an
/// extra dose (defect 10: it would double "taken" and raise a false mg/kg/day alarm).
pub fn slot_already_answered(
    planned: &[PlannedDose],
    doses: &[(DateTime<FixedOffset>, &Dose)],
    at: DateTime<FixedOffset>,
    scheduled_for: Option<DateTime<FixedOffset>>,
    t: &Thresholds,
) -> Option<DateTime<FixedOffset>> {
    let window = Duration::minutes((t.slot_window_hours * 60.0) as i64);
    let slot = match scheduled_for {
        Some(s) => planned.iter().find(|p| p.at == s)?,
        None => planned
            .iter()
            .filter(|p| (p.at - at).abs() <= window)
            .min_by_key(|p| (p.at - at).abs())?,
    };
    let states = slot_states(planned, doses, at.max(slot.at + window), t);
    states
        .iter()
        .find(|s| s.at == slot.at && s.dose_at.is_some())
        .map(|s| s.at)
}

/// Adherence % = (taken + late) / (taken + late + missed) over slots in `[from, to)`. Skipped
/// doses (on purpose) and slots still open are left out; `None` when no slot counts.
pub fn adherence(
    states: &[SlotStatus],
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
) -> Option<f64> {
    let (mut ok, mut total) = (0u32, 0u32);
    for s in states.iter().filter(|s| s.at >= from && s.at < to) {
        match s.state {
            SlotState::Taken | SlotState::Late => {
                ok += 1;
                total += 1;
            }
            SlotState::Missed => total += 1,
            _ => {}
        }
    }
    (total > 0).then(|| f64::from(ok) * 100.0 / f64::from(total))
}

/// The dose picture of a regimen now.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Dosing {
    /// mg per day from the plan in force today.
    pub planned_daily: Option<f64>,
    /// mg per day actually taken, averaged over the last 7 full days on the regimen.
    pub taken_daily: Option<f64>,
    pub weight_kg: Option<f64>,
    pub weight_at: Option<DateTime<FixedOffset>>,
    pub planned_mg_per_kg: Option<f64>,
    pub taken_mg_per_kg: Option<f64>,
    /// Days since the weight used.
    pub weight_age_days: Option<i64>,
    /// % change between the weight used when the current dose was set and the latest.
    pub weight_change_pct: Option<f64>,
}

impl Dosing {
    /// The higher of planned and taken mg/kg/day (what the warnings look at).
    pub fn max_mg_per_kg(&self) -> Option<f64> {
        match (self.planned_mg_per_kg, self.taken_mg_per_kg) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Compute the dosing picture. `weights` oldest first; `doses` of the regimen's drug.
pub fn dosing(
    r: &Regimen,
    doses: &[(DateTime<FixedOffset>, &Dose)],
    weights: &[(DateTime<FixedOffset>, f64)],
    clock: &Clock,
) -> Dosing {
    let now = clock.now();
    let today = now.date_naive();
    // Before the start, the planned starting dose (so a high start warns early).
    let plan_day = today.max(r.start);
    let step = r.step_on(plan_day).filter(|_| r.is_active_on(plan_day));
    let planned_daily = step
        .map(|s| s.daily_amount())
        .filter(|_| step.is_some_and(|s| s.unit == "mg"));
    // The last 7 full days, clipped to the days on the regimen.
    let window_start_day = (today - Duration::days(7)).max(r.start);
    let days = (today - window_start_day).num_days();
    let taken_daily = (days > 0 && r.stop.is_none_or(|s| s > today)).then(|| {
        let from = clock.localize(window_start_day.and_time(chrono::NaiveTime::MIN));
        let to = clock.localize(today.and_time(chrono::NaiveTime::MIN));
        let amounts: Vec<f64> = doses
            .iter()
            .filter(|(at, d)| {
                d.status == DoseStatus::Taken
                    && from.is_some_and(|f| *at >= f)
                    && to.is_some_and(|t| *at < t)
            })
            .filter_map(|(_, d)| {
                d.amount
                    .as_ref()
                    .filter(|a| a.unit == "mg")
                    .map(|a| a.value)
            })
            .collect();
        // Nothing logged is unknown, not zero (defect 11).
        (!amounts.is_empty()).then(|| amounts.iter().sum::<f64>() / days as f64)
    });
    let taken_daily = taken_daily.flatten();
    let latest = weights.last().copied();
    let per_kg = |mg: Option<f64>| match (mg, latest) {
        (Some(mg), Some((_, kg))) if kg > 0.0 => Some(mg / kg),
        _ => None,
    };
    let set_on = step.map(|s| s.effective_from);
    let weight_when_set = set_on.and_then(|d| {
        weights
            .iter()
            .rev()
            .find(|(at, _)| at.date_naive() <= d)
            .map(|w| w.1)
    });
    Dosing {
        planned_daily,
        taken_daily,
        weight_kg: latest.map(|w| w.1),
        weight_at: latest.map(|w| w.0),
        planned_mg_per_kg: per_kg(planned_daily),
        taken_mg_per_kg: per_kg(taken_daily),
        weight_age_days: latest.map(|w| (today - w.0.date_naive()).num_days()),
        weight_change_pct: match (weight_when_set, latest) {
            (Some(a), Some((_, b))) if a > 0.0 => Some((b - a) / a * 100.0),
            _ => None,
        },
    }
}

#[cfg(test)]
// Table-driven tests spell out their row types inline; naming each would hide the table.
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;
    use crate::domain::drugs::{Drug, Route};
    use crate::domain::entry::{Amount, Entered};

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn dose(status: DoseStatus, mg: f64, scheduled: Option<&str>) -> Dose {
        Dose {
            drug: Drug::Cyclosporine,
            amount: Some(Amount {
                value: mg,
                unit: "mg".into(),
                entered: Entered {
                    value: mg,
                    unit: "mg".into(),
                },
                mg_per_ml: None,
            }),
            route: Route::Oral,
            formulation: None,
            status,
            scheduled_for: scheduled.map(t),
        }
    }

    #[test]
    fn slot_matching_table() {
        let th = Thresholds::default();
        let plan = |s: &str| PlannedDose {
            at: t(s),
            amount: 150.0,
        };
        let now = t("2026-03-10T21:00:00+08:00");
        // (planned, dose time, dose, expected)
        let taken = dose(DoseStatus::Taken, 150.0, None);
        let missed = dose(DoseStatus::Missed, 150.0, None);
        let skipped = dose(DoseStatus::Skipped, 150.0, None);
        let named = dose(DoseStatus::Taken, 150.0, Some("2026-03-10T08:00:00+08:00"));
        let cases: Vec<(&str, Option<(&str, &Dose)>, SlotState)> = vec![
            (
                "2026-03-10T08:00:00+08:00",
                Some(("2026-03-10T08:20:00+08:00", &taken)),
                SlotState::Taken,
            ),
            (
                "2026-03-10T08:00:00+08:00",
                Some(("2026-03-10T07:00:00+08:00", &taken)),
                SlotState::Taken,
            ),
            (
                "2026-03-10T08:00:00+08:00",
                Some(("2026-03-10T09:00:00+08:00", &taken)),
                SlotState::Taken,
            ),
            (
                "2026-03-10T08:00:00+08:00",
                Some(("2026-03-10T09:01:00+08:00", &taken)),
                SlotState::Late,
            ),
            (
                "2026-03-10T08:00:00+08:00",
                Some(("2026-03-10T11:00:00+08:00", &taken)),
                SlotState::Late,
            ),
            // defect 22: a few minutes past the window is late, not "not logged" …
            (
                "2026-03-10T08:00:00+08:00",
                Some(("2026-03-10T11:01:00+08:00", &taken)),
                SlotState::Late,
            ),
            // … until the next slot's window opens (20:00 − 3 h)
            (
                "2026-03-10T08:00:00+08:00",
                Some(("2026-03-10T17:30:00+08:00", &taken)),
                SlotState::Missed,
            ),
            (
                "2026-03-10T08:00:00+08:00",
                Some(("2026-03-10T08:00:00+08:00", &missed)),
                SlotState::Missed,
            ),
            (
                "2026-03-10T08:00:00+08:00",
                Some(("2026-03-10T08:00:00+08:00", &skipped)),
                SlotState::Skipped,
            ),
            // a dose that names its slot answers it even when logged much later
            (
                "2026-03-10T08:00:00+08:00",
                Some(("2026-03-10T13:00:00+08:00", &named)),
                SlotState::Late,
            ),
            ("2026-03-10T20:00:00+08:00", None, SlotState::Due),
            ("2026-03-10T17:59:00+08:00", None, SlotState::Missed),
            ("2026-03-10T22:00:00+08:00", None, SlotState::Upcoming),
        ];
        for (slot, d, expected) in cases {
            let doses: Vec<(DateTime<FixedOffset>, &Dose)> =
                d.into_iter().map(|(at, d)| (t(at), d)).collect();
            let s = slot_states(&[plan(slot)], &doses, now, &th);
            assert_eq!(s[0].state, expected, "{slot} {d:?}");
        }
    }

    #[test]
    fn one_dose_answers_one_slot_and_adherence() {
        let th = Thresholds::default();
        let plan: Vec<PlannedDose> = [
            "2026-03-09T08:00:00+08:00",
            "2026-03-09T20:00:00+08:00",
            "2026-03-10T08:00:00+08:00",
            "2026-03-10T20:00:00+08:00",
        ]
        .iter()
        .map(|s| PlannedDose {
            at: t(s),
            amount: 150.0,
        })
        .collect();
        let taken = dose(DoseStatus::Taken, 150.0, None);
        let skipped = dose(DoseStatus::Skipped, 150.0, None);
        let doses = vec![
            (t("2026-03-09T08:05:00+08:00"), &taken),
            (t("2026-03-09T20:10:00+08:00"), &skipped),
            // nothing for 2026-03-10 08:00 → missed
        ];
        let now = t("2026-03-10T20:30:00+08:00");
        let s = slot_states(&plan, &doses, now, &th);
        let states: Vec<_> = s.iter().map(|x| x.state).collect();
        assert_eq!(
            states,
            vec![
                SlotState::Taken,
                SlotState::Skipped,
                SlotState::Missed,
                SlotState::Due
            ]
        );
        assert!(s[2].inferred);
        // 1 taken of 2 counted (skipped and due left out)
        assert_eq!(
            adherence(&s, t("2026-03-03T00:00:00+08:00"), now),
            Some(50.0)
        );
        assert_eq!(
            adherence(&s[3..], t("2026-03-03T00:00:00+08:00"), now),
            None
        );
    }
}
