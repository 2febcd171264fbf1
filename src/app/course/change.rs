//! A change of plan (a taper step, an increase, maintenance, new times or brand): checked
//! against the plan in force and written after the step the caller read, for `regimen change`
//! and `R` on Today alike.

use super::*;

/// A change of plan as typed; `None` keeps what the plan in force has.
#[derive(Clone, Debug, Default)]
pub struct ChangeInput {
    /// Which regimen, when more than one is active (default cyclosporine).
    pub drug: Option<String>,
    /// New amounts per dose time, comma-separated.
    pub dose: Option<String>,
    /// New dose times, comma-separated.
    pub times: Option<String>,
    /// The day it takes effect (default today).
    pub from: Option<String>,
    pub formulation: Option<String>,
    /// The kind the patient named; `None` infers it from the daily amounts.
    pub kind: Option<StepKind>,
    pub note: Option<String>,
    /// The newest step of the regimen as the caller read it: a plan changed since then is
    /// refused ([`CourseError::PlanChanged`]). `None` checks nothing (the command line reads
    /// and writes at once).
    pub read: Option<i64>,
    /// The patient saw the second look ([`PlanError::Confirm`]) and saves it as typed.
    pub confirmed: bool,
    /// The label maximum in mg/(kg·d) (the setting; `None`: its default).
    pub label_max: Option<f64>,
}

/// A checked change: the regimen it applies to, the step in force that day and the new one.
#[derive(Clone, Debug)]
pub struct CheckedChange {
    pub regimen: Regimen,
    pub current: Step,
    pub step: NewStep,
    /// The stored step's id, once written.
    pub id: Option<i64>,
}

impl CheckedChange {
    /// The newest step of the regimen (the version a later save states).
    pub fn newest(&self) -> Option<i64> {
        self.regimen.steps.iter().map(|s| s.id).max()
    }
}

/// The regimen a change or stop applies to on `on`: the only active one, else the
/// cyclosporine one.
pub fn target<'a>(all: &'a [Regimen], drug: Option<&str>, on: NaiveDate) -> Result<&'a Regimen> {
    let want = drug
        .map(|s| Drug::parse(s).ok_or_else(|| CourseError::UnknownDrug(s.to_string())))
        .transpose()?;
    let active: Vec<&Regimen> = all
        .iter()
        .filter(|r| r.stop.is_none_or(|s| s > on) && want.is_none_or(|w| r.drug == w))
        .collect();
    match active.as_slice() {
        [one] => Ok(one),
        [] => Err(CourseError::NoneActive),
        many => many
            .iter()
            .rev()
            .find(|r| r.drug == Drug::Cyclosporine)
            .copied()
            .ok_or(CourseError::Which),
    }
}

/// The new slots: typed amounts and times, else the current ones (same number of doses
/// keeps the times).
fn changed_slots(r: &Regimen, current: &Step, a: &ChangeInput) -> Result<Vec<Slot>> {
    let times = |s: &Step| -> String {
        let t: Vec<String> = s
            .slots
            .iter()
            .map(|x| x.time.format("%H:%M").to_string())
            .collect();
        t.join(",")
    };
    let dose = clean(a.dose.clone()).map(|d| plan_checks::ascii_list(&d));
    let new_times = clean(a.times.clone()).map(|t| plan_checks::ascii_list(&t));
    if dose.is_none() && new_times.is_none() {
        return Ok(current.slots.clone());
    }
    let plan_times = times(current);
    let amounts = dose.clone().unwrap_or_else(|| {
        let a: Vec<String> = current.slots.iter().map(|s| s.amount.to_string()).collect();
        a.join(",")
    });
    let values = plan_checks::amounts(r.drug, &amounts).map_err(CourseError::Plan)?;
    let new_times = match new_times {
        Some(t) => Some(t),
        // The plan's times stay: a different number of amounts is refused below (never a
        // dose time dropped or invented).
        None => Some(plan_times.clone()),
    };
    if let Some(t) = &new_times {
        let split = |s: &str| {
            s.split(',')
                .map(|x| x.trim().to_string())
                .collect::<Vec<_>>()
        };
        let kept = split(t) == split(&plan_times);
        plan_checks::times(t, values.len(), kept).map_err(CourseError::Plan)?;
    }
    parse_slots(r.drug, &amounts, new_times.as_deref()).map_err(CourseError::Invalid)
}

/// What the step is: the kind named (checked against the amounts), else inferred.
fn step_kind(
    named: Option<StepKind>,
    current: &Step,
    slots: &[Slot],
    formulation: Option<&String>,
) -> Result<StepKind> {
    let new: f64 = slots.iter().map(|s| s.amount).sum();
    let old = current.amount_per_dose_day();
    let changed = slots != current.slots.as_slice()
        || formulation.is_some_and(|f| Some(f) != current.formulation.as_ref());
    let kind = match named {
        Some(StepKind::Taper) if new >= old => Err(CourseError::KindMismatch {
            kind: StepKind::Taper,
            old,
            new,
        }),
        Some(StepKind::Increase) if new <= old => Err(CourseError::KindMismatch {
            kind: StepKind::Increase,
            old,
            new,
        }),
        Some(StepKind::Maintenance) => Ok(StepKind::Maintenance),
        // A plan starts once; a later step that calls itself a start is a change.
        Some(StepKind::Start) if changed => Ok(StepKind::Change),
        Some(k @ (StepKind::Taper | StepKind::Increase)) => Ok(k),
        _ if !changed => Err(CourseError::NoChange),
        Some(k) => Ok(k),
        None if new < old => Ok(StepKind::Taper),
        None if new > old => Ok(StepKind::Increase),
        None if formulation.is_some_and(|f| Some(f) != current.formulation.as_ref()) => {
            Ok(StepKind::Formulation)
        }
        None => Ok(StepKind::Change),
    }?;
    Ok(kind)
}

/// The day a change takes effect, as typed (default today).
pub fn change_day(clock: &Clock, a: &ChangeInput) -> Result<NaiveDate> {
    match clean(a.from.clone()) {
        Some(s) => parse_date(&s, clock).map_err(|_| CourseError::Plan(PlanError::NotADate(s))),
        None => Ok(clock.today()),
    }
}

/// The new step of `r` from `from`, checked against the step in force that day (pure: the
/// screen shows the new dose with it while the patient types).
pub fn change_step(r: &Regimen, from: NaiveDate, a: &ChangeInput) -> Result<(Step, NewStep)> {
    plan_checks::day(r, from).map_err(CourseError::Plan)?;
    // The one free-text rule of typed entries, plans and imports (length, characters).
    super::typed_text("formulation", a.formulation.as_deref(), false)?;
    super::typed_text("note", a.note.as_deref(), true)?;
    let current = r.step_on(from).ok_or(CourseError::NoneActive)?;
    let slots = changed_slots(r, current, a)?;
    let formulation = clean(a.formulation.clone());
    let kind = step_kind(a.kind, current, &slots, formulation.as_ref())?;
    let step = NewStep {
        effective_from: from,
        kind,
        slots,
        unit: current.unit.clone(),
        every_days: current.every_days,
        formulation: formulation.or_else(|| current.formulation.clone()),
        note: clean(a.note.clone()),
    };
    Ok((current.clone(), step))
}

/// Validate a change of plan against the diary without writing it.
pub fn check_change(store: &Store, clock: &Clock, a: &ChangeInput) -> Result<CheckedChange> {
    let from = change_day(clock, a)?;
    let all = store.regimens()?;
    let r = target(&all, a.drug.as_deref(), from)?;
    let (current, step) = change_step(r, from, a)?;
    if !a.confirmed {
        let daily =
            step.slots.iter().map(|s| s.amount).sum::<f64>() / f64::from(step.every_days.max(1));
        let weight = plan_checks::latest_weight(store, clock)?;
        let reasons =
            plan_checks::reasons(r.drug, &current, daily, &step.unit, weight, a.label_max);
        if !reasons.is_empty() {
            return Err(CourseError::Plan(PlanError::Confirm(reasons)));
        }
    }
    Ok(CheckedChange {
        regimen: r.clone(),
        current,
        step,
        id: None,
    })
}

/// Validate a change of plan and record it as a new step in one transaction; the steps
/// before it are kept. Refused when the plan changed since `a.read`.
pub fn change_regimen(store: &mut Store, clock: &Clock, a: &ChangeInput) -> Result<CheckedChange> {
    let mut c = check_change(store, clock, a)?;
    let read = a.read.or_else(|| c.newest()).unwrap_or_default();
    c.id = store.add_step_after(c.regimen.id, read, &c.step, clock.now())?;
    if c.id.is_none() {
        return Err(CourseError::PlanChanged);
    }
    Ok(c)
}

/// Take back a change of plan (`u` on the screen): its step is removed only while it is
/// still the plan's newest; `false` and nothing written when the plan changed since.
pub fn undo_change(store: &mut Store, regimen_id: i64, step_id: i64) -> Result<bool> {
    Ok(store.remove_step_if_newest(regimen_id, step_id)?)
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table-driven rows spelled out inline
mod tests {
    use super::*;
    use crate::domain::regimen::Slot;
    use chrono::NaiveTime;

    fn plan() -> Regimen {
        let slot = |h, amount| Slot {
            time: NaiveTime::from_hms_opt(h, 0, 0).unwrap(),
            amount,
        };
        let step = Step {
            id: 1,
            effective_from: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            kind: StepKind::Start,
            slots: vec![slot(8, 75.0), slot(20, 75.0)],
            unit: "mg".into(),
            every_days: 1,
            formulation: Some("Neoral".into()),
            note: None,
        };
        Regimen {
            id: 1,
            uid: "u".into(),
            drug: Drug::Cyclosporine,
            route: Route::Oral,
            start: step.effective_from,
            stop: None,
            target_low: None,
            target_high: None,
            induction_weeks: None,
            note: None,
            steps: vec![step],
            planned_at: None,
        }
    }

    /// Each typed change and what it is recorded as (or why it is refused).
    #[test]
    fn change_steps() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let s = |x: &str| Some(x.to_string());
        let rows: [(
            Option<String>,
            Option<String>,
            Option<String>,
            Option<StepKind>,
            u32,
            &str,
        ); 10] = [
            (s("75,50"), None, None, None, 10, "taper"),
            (s("100,75"), None, None, None, 10, "increase"),
            (None, None, s("Sandimmun"), None, 10, "formulation"),
            (None, s("07:00,19:00"), None, None, 10, "change"),
            (
                None,
                None,
                None,
                Some(StepKind::Maintenance),
                10,
                "maintenance",
            ),
            (None, None, s("Neoral"), None, 10, "no change"),
            (
                s("100,75"),
                None,
                None,
                Some(StepKind::Taper),
                10,
                "kind mismatch",
            ),
            (
                s("75,50"),
                None,
                None,
                Some(StepKind::Increase),
                10,
                "kind mismatch",
            ),
            (s("75,abc"), None, None, None, 10, "invalid"),
            (s("75,50"), None, None, None, 1, "taper"),
        ];
        for (dose, times, formulation, kind, d, want) in rows {
            let a = ChangeInput {
                dose,
                times,
                formulation,
                kind,
                ..Default::default()
            };
            let got = match change_step(&plan(), day(d), &a) {
                Ok((_, step)) => step.kind.code().to_string(),
                Err(CourseError::NoChange) => "no change".into(),
                Err(CourseError::KindMismatch { .. }) => "kind mismatch".into(),
                Err(CourseError::Invalid(_) | CourseError::Plan(_)) => "invalid".into(),
                Err(e) => format!("{e:?}"),
            };
            assert_eq!(got, want, "{a:?}");
        }
        let before = change_step(
            &plan(),
            day(1) - chrono::Duration::days(1),
            &ChangeInput {
                dose: s("75,50"),
                ..Default::default()
            },
        );
        assert!(matches!(
            before,
            Err(CourseError::Plan(PlanError::BeforeStart { .. }))
        ));
    }
}
