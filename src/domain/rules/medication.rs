//! Rules about the medicine itself: dose slots, interactions, mg/kg/day and the weight behind
//! it, and a change of brand or formulation (clinical.md A, D, 6.2).

use chrono::{DateTime, Duration, FixedOffset, NaiveTime};

use super::{Out, RuleId as R, n};
use crate::domain::clock::Clock;
use crate::domain::dosing::SlotState;
use crate::domain::drugs::{Drug, formulation_key, interactions_of};
use crate::domain::entry::EventKind;
use crate::domain::facts::Facts;
use crate::domain::overview::{Overview, is_csa, morning};
use crate::domain::regimen::Regimen;
use crate::domain::settings::Thresholds;
use crate::domain::units::fmt_num;

/// Dose slots: due now, coming within the hour, or passed without a log.
pub(super) fn doses(o: &Overview, out: &mut Out) {
    let Some(r) = &o.regimen else { return };
    for s in &o.slots {
        // A slot of another day (last night's 20:00, seen in the morning) says its date: read
        // as today's, it would send the patient to a dose that is still to come.
        let time = if s.at.date_naive() == o.now.date_naive() {
            "%H:%M"
        } else {
            "%Y-%m-%d %H:%M"
        };
        let args = vec![
            ("drug", r.drug.code().to_string()),
            ("time", s.at.format(time).to_string()),
            ("amount", fmt_num(s.amount, 2)),
            (
                "unit",
                r.steps.last().map(|x| x.unit.clone()).unwrap_or_default(),
            ),
        ];
        match s.state {
            SlotState::Due => out.push(R::DoseDue, Some(s.at), args),
            SlotState::Upcoming if s.at - o.now <= Duration::hours(1) => {
                out.push(R::DoseSoon, Some(s.at), args)
            }
            SlotState::Missed if s.inferred => out.push(R::DoseNotLogged, Some(s.at), args),
            _ => {}
        }
    }
}

/// The CsA regimen in force now.
fn active_csa(o: &Overview) -> Option<&Regimen> {
    o.regimen
        .as_ref()
        .filter(|r| is_csa(Some(r)) && r.is_active_on(o.now.date_naive()))
}

/// Interactions (clinical.md 6.2): recent foods and medications while on cyclosporine.
pub(super) fn interactions(f: &Facts, o: &Overview, t: &Thresholds, out: &mut Out) {
    if active_csa(o).is_none() {
        return;
    }
    let since = o.now - Duration::days(t.interaction_days as i64);
    let mut names: Vec<(DateTime<FixedOffset>, String)> = f
        .events()
        .filter(|(at, _)| *at >= since)
        .filter_map(|(at, e)| match e.event {
            EventKind::Grapefruit => Some((at, "grapefruit".to_string())),
            EventKind::MedicationStart => e.medication.clone().map(|m| (at, m)),
            _ => None,
        })
        .collect();
    for d in [Drug::Danazol, Drug::Methylprednisolone] {
        if let Some((at, _)) = f.doses(d).rfind(|(at, _)| *at >= since) {
            names.push((at, d.code().to_string()));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for (at, name) in names {
        for (id, effect) in interactions_of(&name) {
            if seen.insert((id, effect as u8)) {
                let args = vec![("name", id.to_string()), ("effect", effect.code().into())];
                out.push(R::Interaction, Some(at), args);
            }
        }
    }
}

/// mg/kg/day against the label maximum and the source range (clinical.md A, D; defect 9:
/// also for a planned start before its first day), and the weight behind it.
pub(super) fn dose_per_kg(o: &Overview, t: &Thresholds, out: &mut Out) {
    let Some(r) = o.regimen.as_ref().filter(|r| is_csa(Some(r))) else {
        return;
    };
    if r.stop.is_some_and(|s| s <= o.now.date_naive()) {
        return;
    }
    let Some(d) = &o.dosing else { return };
    let started = r.start <= o.now.date_naive();
    let (planned, taken) = (d.planned_mg_per_kg, d.taken_mg_per_kg.filter(|_| started));
    let (value, basis) = match (planned, taken) {
        (Some(p), Some(x)) if x > p => (x, "taken"),
        (Some(p), _) => (p, "planned"),
        (None, Some(x)) => (x, "taken"),
        (None, None) => (0.0, ""),
    };
    let args = |limit: f64| {
        vec![
            ("value", fmt_num(value, 2)),
            ("limit", n(limit)),
            ("basis", basis.to_string()),
        ]
    };
    if value > t.mg_per_kg_strong {
        out.push(R::DoseAboveRange, None, args(t.mg_per_kg_strong));
    } else if value > t.mg_per_kg_warn {
        out.push(R::DoseAboveLabel, None, args(t.mg_per_kg_warn));
    }
    if let Some(age) = d
        .weight_age_days
        .filter(|a| *a > t.weight_max_age_days as i64)
    {
        out.push(R::WeightStale, None, vec![("days", age.to_string())]);
    }
    if let Some(p) = d
        .weight_change_pct
        .filter(|p| p.abs() > t.weight_change_pct)
    {
        out.push(R::WeightChanged, None, vec![("percent", fmt_num(p, 0))]);
    }
}

/// A change of brand or formulation (clinical.md A: Neoral ≠ Sandimmune; defect 2): a plan
/// step whose formulation differs from the step before, whatever else it changed, or a dose
/// logged under another formulation than the plan's. Brand aliases are the same product.
pub(super) fn formulation(f: &Facts, o: &Overview, clock: &Clock, t: &Thresholds, out: &mut Out) {
    let Some(r) = active_csa(o) else { return };
    let now = o.now;
    let since = now - Duration::days(t.interaction_days as i64);
    let key = |s: &Option<String>| s.as_deref().map(formulation_key);
    let args = |new: &str, old: &str| {
        vec![
            ("formulation", new.to_string()),
            ("previous", old.to_string()),
            ("min", fmt_num(t.trough_after_change_min_days, 0)),
            ("max", fmt_num(t.trough_after_change_max_days, 0)),
        ]
    };
    let step_change = r.steps.windows(2).rev().find_map(|w| {
        let at = clock.localize(w[1].effective_from.and_time(NaiveTime::MIN))?;
        let changed = key(&w[0].formulation).zip(key(&w[1].formulation));
        (at >= since && at <= now && changed.is_some_and(|(a, b)| a != b)).then_some(&w[1..])
    });
    if let Some([s, ..]) = step_change {
        let prev = r
            .steps
            .iter()
            .rev()
            .find(|p| p.effective_from < s.effective_from)
            .and_then(|p| p.formulation.clone())
            .unwrap_or_default();
        let due = clock.localize(
            s.effective_from
                .and_time(morning(Some(r), s.effective_from)),
        );
        let new = s.formulation.clone().unwrap_or_default();
        return out.push(R::FormulationChanged, due, args(&new, &prev));
    }
    let logged = f
        .doses(r.drug)
        .filter(|(at, _)| *at >= since)
        .find_map(|(at, d)| {
            let planned = r.step_on(at.date_naive())?.formulation.clone();
            let (a, b) = key(&d.formulation).zip(key(&planned))?;
            (a != b).then(|| {
                (
                    at,
                    d.formulation.clone().unwrap_or_default(),
                    planned.unwrap_or_default(),
                )
            })
        });
    if let Some((at, new, old)) = logged {
        out.push(R::FormulationChanged, Some(at), args(&new, &old));
    }
}
