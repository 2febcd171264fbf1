//! What is due: the monitoring a CsA course needs (clinical.md C), the trough schedule (B) and
//! the baseline checklist before the start (3.1).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};

use super::{Out, Severity, date};
use crate::domain::clock::Clock;
use crate::domain::course::Phase;
use crate::domain::drugs::{Drug, InteractionEffect, interactions_of};
use crate::domain::entry::{Analyte, EventKind};
use crate::domain::facts::Facts;
use crate::domain::overview::{Overview, morning};
use crate::domain::regimen::Regimen;
use crate::domain::settings::Thresholds;

/// Monitoring items (clinical.md C) and the trough schedule (B).
#[allow(clippy::too_many_arguments)]
pub(super) fn monitoring(
    f: &Facts,
    o: &Overview,
    r: &Regimen,
    phase: Phase,
    clock: &Clock,
    t: &Thresholds,
    out: &mut Out,
) {
    let today = o.now.date_naive();
    let induction_end = o
        .course
        .as_ref()
        .map(|c| c.induction_end)
        .unwrap_or(r.start);
    let days = |x: f64| Duration::days(x as i64);
    if phase == Phase::Baseline || (today - r.start).num_days() < BASELINE_CHECKLIST_DAYS {
        baseline_checklist(f, r, clock, t, out);
    }
    if phase == Phase::Baseline {
        return;
    }
    let start_at = clock.localize(r.start.and_time(chrono::NaiveTime::MIN));
    let since_start = |at: &DateTime<FixedOffset>| start_at.is_none_or(|s| *at >= s);
    let interval = |last: NaiveDate| {
        if last < induction_end {
            days(t.interval_induction_days)
        } else {
            days(t.interval_stable_days)
        }
    };
    let mut item = |rule_due: &'static str,
                    rule_overdue: &'static str,
                    due: NaiveDate,
                    args: Vec<(&'static str, String)>,
                    setting: &'static str,
                    source: &'static str| {
        if due > today + days(t.due_soon_days) {
            return;
        }
        let overdue = today > due + days(t.overdue_after_days);
        let mut args = args;
        args.push(("date", date(due)));
        out.push(
            if overdue { rule_overdue } else { rule_due },
            if overdue {
                Severity::Warning
            } else {
                Severity::Info
            },
            clock.localize(due.and_time(morning(Some(r), due))),
            args,
            Some(setting),
            source,
        );
    };
    let last_date =
        |dates: Vec<DateTime<FixedOffset>>| dates.into_iter().max().map(|d| d.date_naive());
    let periodic = |last: Option<NaiveDate>| match last {
        Some(l) => l + interval(l),
        None => r.start + days(t.interval_induction_days),
    };

    if phase == Phase::Stopped {
        // Relapse watch after stopping: platelets weekly × 4, then monthly × 3 (clinical.md 1.2, L5).
        let Some(stop) = r.stop else { return };
        let last = last_date(
            f.platelets()
                .map(|p| p.0)
                .filter(|at| at.date_naive() >= stop)
                .collect(),
        );
        let watch_end = stop + Duration::weeks(4) + Duration::days(90);
        let due = match last {
            Some(l) if l < stop + Duration::weeks(4) => l + Duration::weeks(1),
            Some(l) => l + days(t.interval_stable_days),
            None => stop + Duration::weeks(1),
        };
        if due <= watch_end {
            item(
                "cbc_due",
                "cbc_overdue",
                due,
                vec![],
                "monitoring.every_days_after_week12",
                "clinical.md 1.2: relapse watch after stopping (L5)",
            );
        }
        return;
    }

    // Drug level (clinical.md B) — for cyclosporine.
    if r.drug == Drug::Cyclosporine {
        let troughs: Vec<DateTime<FixedOffset>> = f
            .labs(Analyte::CsaTrough)
            .map(|(at, _)| at)
            .filter(since_start)
            .collect();
        let last = last_date(troughs.clone());
        let periodic_due = match last {
            Some(l) => l + interval(l),
            None => r.start + days(t.trough_after_change_min_days),
        };
        // Anchors: every change of plan or formulation, and an interacting drug started or
        // stopped; each needs a level 5–7 days later.
        let mut anchors: Vec<NaiveDate> = r
            .changes()
            .filter(|s| s.effective_from <= today)
            .map(|s| s.effective_from)
            .collect();
        anchors.extend(
            f.events()
                .filter(|(at, e)| {
                    matches!(
                        e.event,
                        EventKind::MedicationStart | EventKind::MedicationStop
                    ) && at.date_naive() >= r.start
                        && e.medication.as_deref().is_some_and(|m| {
                            interactions_of(m).iter().any(|(_, eff)| {
                                matches!(
                                    eff,
                                    InteractionEffect::RaisesLevel | InteractionEffect::LowersLevel
                                )
                            })
                        })
                })
                .map(|(at, _)| at.date_naive()),
        );
        let anchor_due = anchors
            .into_iter()
            .filter(|a| {
                let ready = *a + days(t.trough_after_change_min_days);
                !troughs.iter().any(|tr| tr.date_naive() >= ready)
            })
            .map(|a| a + days(t.trough_after_change_min_days))
            .min();
        let due = anchor_due.map_or(periodic_due, |a| a.min(periodic_due));
        item(
            "trough_due",
            "trough_overdue",
            due,
            vec![],
            "trough.after_change_min_days",
            "clinical.md B: day 5–7 after start or change, every 2 weeks to week 12, then monthly [LAB-UCSF, HAEM-LTR]",
        );
    }

    // Blood count: weekly for 4 weeks when the baseline was < 30 (clinical.md C, L5).
    let counts: Vec<_> = f.platelets().map(|p| p.0).filter(since_start).collect();
    let weekly = o
        .response
        .as_ref()
        .and_then(|a| a.baseline)
        .is_some_and(|b| b < t.cbc_weekly_below);
    let last = last_date(counts);
    let cbc_due = match last {
        Some(l) if weekly && l < r.start + Duration::weeks(4) => l + Duration::weeks(1),
        None if weekly => r.start + Duration::weeks(1),
        other => periodic(other),
    };
    item(
        "cbc_due",
        "cbc_overdue",
        cbc_due,
        vec![],
        "monitoring.every_days_until_week12",
        "clinical.md C: CBC every 2 weeks to week 12, then monthly [LABEL, HAEM-LTR]",
    );

    let lab_dates = |analytes: &[Analyte]| -> Vec<DateTime<FixedOffset>> {
        analytes
            .iter()
            .flat_map(|a| f.labs(*a).map(|(at, _)| at))
            .filter(since_start)
            .collect()
    };
    item(
        "kidney_due",
        "kidney_overdue",
        periodic(last_date(lab_dates(&[Analyte::Creatinine]))),
        vec![],
        "monitoring.every_days_until_week12",
        "clinical.md C: creatinine and BUN every 2 weeks for 3 months, then monthly [LABEL]",
    );
    item(
        "liver_due",
        "liver_overdue",
        periodic(last_date(lab_dates(&[
            Analyte::Alt,
            Analyte::Ast,
            Analyte::Bilirubin,
        ]))),
        vec![],
        "monitoring.every_days_until_week12",
        "clinical.md C: ALT, AST, bilirubin every 2 weeks, then monthly [HAEM-LTR]",
    );
    // Electrolytes: due when the oldest of K, Mg and uric acid is due.
    let electro: Vec<Option<NaiveDate>> =
        [Analyte::Potassium, Analyte::Magnesium, Analyte::UricAcid]
            .iter()
            .map(|a| last_date(lab_dates(&[*a])))
            .collect();
    let oldest = if electro.iter().any(Option::is_none) {
        None
    } else {
        electro.into_iter().flatten().min()
    };
    item(
        "electrolytes_due",
        "electrolytes_overdue",
        periodic(oldest),
        vec![],
        "monitoring.every_days_until_week12",
        "clinical.md C: potassium, magnesium, uric acid every 2 weeks, then monthly [LABEL, recalled]",
    );
    item(
        "bp_due",
        "bp_overdue",
        periodic(last_date(f.bp().map(|b| b.0).filter(since_start).collect())),
        vec![],
        "monitoring.every_days_until_week12",
        "clinical.md C: blood pressure every 2 weeks for 3 months, then monthly [LABEL]",
    );
    let lipids = last_date(
        [Analyte::Cholesterol, Analyte::Triglycerides]
            .iter()
            .flat_map(|a| f.labs(*a).map(|(at, _)| at))
            .collect(),
    );
    item(
        "lipids_due",
        "lipids_overdue",
        lipids.map_or(r.start, |l| l + days(t.interval_lipids_days)),
        vec![],
        "monitoring.lipids_every_days",
        "clinical.md C: lipids at baseline, then every 6 months [OXF-TABLE]",
    );
    let weight = last_date(f.weights().map(|w| w.0).collect());
    item(
        "weight_due",
        "weight_overdue",
        weight.map_or(r.start, |l| l + days(t.interval_weight_days)),
        vec![],
        "monitoring.weight_every_days",
        "clinical.md C: weight monthly (L5)",
    );
}

/// Days after the start during which the baseline checklist stays shown (clinical.md C).
pub const BASELINE_CHECKLIST_DAYS: i64 = 14;

/// Before the start: what the label asks for at baseline (clinical.md 3.1, 1.2).
fn baseline_checklist(f: &Facts, r: &Regimen, clock: &Clock, t: &Thresholds, out: &mut Out) {
    let from = r.start - Duration::days(t.baseline_days as i64);
    let in_window =
        |at: &DateTime<FixedOffset>| at.date_naive() >= from && at.date_naive() <= r.start;
    let distinct_days = |v: Vec<DateTime<FixedOffset>>| {
        let mut d: Vec<NaiveDate> = v
            .into_iter()
            .filter(in_window)
            .map(|x| x.date_naive())
            .collect();
        d.sort();
        d.dedup();
        d.len()
    };
    let lab = |a: Analyte| distinct_days(f.labs(a).map(|x| x.0).collect());
    let mut missing: Vec<&str> = Vec::new();
    if lab(Analyte::Creatinine) < 2 {
        missing.push("creatinine_x2");
    }
    if distinct_days(f.bp().map(|x| x.0).collect()) < 2 {
        missing.push("bp_x2");
    }
    if lab(Analyte::Bun) + lab(Analyte::Urea) == 0 {
        missing.push("bun");
    }
    if distinct_days(f.platelets().map(|x| x.0).collect()) == 0 {
        missing.push("cbc");
    }
    for (a, k) in [
        (Analyte::Potassium, "potassium"),
        (Analyte::Magnesium, "magnesium"),
        (Analyte::UricAcid, "uric_acid"),
    ] {
        if lab(a) == 0 {
            missing.push(k);
        }
    }
    if lab(Analyte::Cholesterol) + lab(Analyte::Triglycerides) == 0 {
        missing.push("lipids");
    }
    if lab(Analyte::Alt) + lab(Analyte::Ast) == 0 {
        missing.push("liver");
    }
    if distinct_days(f.weights().map(|x| x.0).collect()) == 0 {
        missing.push("weight");
    }
    if !missing.is_empty() {
        out.push(
            "baseline_checklist",
            Severity::Info,
            clock.localize(r.start.and_time(morning(Some(r), r.start))),
            vec![("missing", missing.join(","))],
            Some("monitoring.baseline_window_days"),
            "clinical.md 3.1: baseline BP ×2, creatinine ×2, BUN, CBC, K, Mg, uric acid, lipids [LABEL]",
        );
    }
}
