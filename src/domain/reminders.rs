//! Reminders and alerts (clinical.md B, C, D, E): what is due, overdue or alarming now, most
//! urgent first. Every rule has a stable snake_case id (listed in the README) and names the
//! setting its threshold comes from, so a screen can say "app default (source)" or "set by
//! your care team". The diary never proposes a dose: messages say what crossed which line and
//! to tell the care team.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use serde::Serialize;

use super::clock::Clock;
use super::dosing::SlotState;
use super::drugs::{Drug, InteractionEffect, interactions_of};
use super::entry::{Analyte, EventKind};
use super::facts::Facts;
use super::overview::{Overview, TroughBand, is_csa, morning};
use super::regimen::{Regimen, StepKind};
use super::settings::Thresholds;
use super::units::fmt_num;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Urgent,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Urgent => "urgent",
        }
    }
}

/// One reminder or alert. The message is `rule.<rule>` in the catalogues, filled with `args`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reminder {
    pub rule: &'static str,
    pub severity: Severity,
    pub due: Option<DateTime<FixedOffset>>,
    pub args: Vec<(&'static str, String)>,
    /// The setting whose value triggered it (for "app default" vs "set by your care team").
    pub setting: Option<&'static str>,
    /// Where the rule comes from.
    pub source: &'static str,
}

/// Days a formulation or brand change keeps its "check the level" reminder (clinical.md A).
pub const FORMULATION_CHANGE_LOOKBACK_DAYS: i64 = 14;

/// Every rule id, for the README and the catalogue test.
pub const RULES: &[&str] = &[
    "dose_due",
    "dose_soon",
    "dose_not_logged",
    "trough_due",
    "trough_overdue",
    "cbc_due",
    "cbc_overdue",
    "kidney_due",
    "kidney_overdue",
    "liver_due",
    "liver_overdue",
    "electrolytes_due",
    "electrolytes_overdue",
    "bp_due",
    "bp_overdue",
    "lipids_due",
    "lipids_overdue",
    "weight_due",
    "weight_overdue",
    "baseline_checklist",
    "checkpoint",
    "creatinine_rise",
    "creatinine_rise_urgent",
    "bp_high",
    "bp_urgent",
    "trough_above_target",
    "trough_contact_team",
    "trough_toxic",
    "trough_below_target",
    "not_a_trough",
    "potassium_high",
    "magnesium_low",
    "liver_3x_uln",
    "lab_above_range",
    "platelets_below_20",
    "platelets_below_30",
    "interaction",
    "dose_above_label",
    "dose_above_range",
    "weight_stale",
    "weight_changed",
    "formulation_changed",
];

mod monitoring;

struct Out(Vec<Reminder>);

impl Out {
    fn push(
        &mut self,
        rule: &'static str,
        severity: Severity,
        due: Option<DateTime<FixedOffset>>,
        args: Vec<(&'static str, String)>,
        setting: Option<&'static str>,
        source: &'static str,
    ) {
        self.0.push(Reminder {
            rule,
            severity,
            due,
            args,
            setting,
            source,
        });
    }
}

fn n(x: f64) -> String {
    fmt_num(x, 1)
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Everything due, overdue or alarming at `clock.now()`, most urgent first.
pub fn reminders(f: &Facts, o: &Overview, clock: &Clock, t: &Thresholds) -> Vec<Reminder> {
    let mut out = Out(Vec::new());
    doses(o, &mut out);
    if let (Some(r), Some(c)) = (&o.regimen, &o.course) {
        monitoring::monitoring(f, o, r, c.phase, clock, t, &mut out);
        if let Some(cp) = c.checkpoint {
            out.push(
                "checkpoint",
                Severity::Info,
                clock.localize(cp.date.and_time(morning(Some(r), cp.date))),
                vec![("week", cp.week.to_string()), ("date", date(cp.date))],
                Some("course.early_check_week"),
                "clinical.md 1.2, A: week-4 early look and week-12 decision (L3/L5)",
            );
        }
    }
    alerts(f, o, clock, t, &mut out);
    let mut v = out.0;
    v.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.due.is_none().cmp(&b.due.is_none()))
            .then(a.due.cmp(&b.due))
            .then(a.rule.cmp(b.rule))
    });
    v
}

fn doses(o: &Overview, out: &mut Out) {
    let Some(r) = &o.regimen else { return };
    let drug = r.drug.code().to_string();
    for s in &o.slots {
        let args = || {
            vec![
                ("drug", drug.clone()),
                ("time", s.at.format("%H:%M").to_string()),
                ("amount", fmt_num(s.amount, 2)),
                (
                    "unit",
                    r.steps.last().map(|x| x.unit.clone()).unwrap_or_default(),
                ),
            ]
        };
        match s.state {
            SlotState::Due => out.push(
                "dose_due",
                Severity::Warning,
                Some(s.at),
                args(),
                Some("dose.slot_window_hours"),
                "regimen",
            ),
            SlotState::Upcoming if s.at - o.now <= Duration::hours(1) => out.push(
                "dose_soon",
                Severity::Info,
                Some(s.at),
                args(),
                None,
                "regimen",
            ),
            SlotState::Missed if s.inferred => out.push(
                "dose_not_logged",
                Severity::Warning,
                Some(s.at),
                args(),
                Some("dose.slot_window_hours"),
                "regimen",
            ),
            _ => {}
        }
    }
}

/// Creatinine baseline: mean of the last two pre-treatment values (clinical.md D).
pub fn creatinine_baseline(f: &Facts, r: &Regimen, t: &Thresholds) -> Option<f64> {
    let from = r.start - Duration::days(t.baseline_days as i64);
    let pre: Vec<f64> = f
        .labs(Analyte::Creatinine)
        .filter(|(at, _)| at.date_naive() < r.start && at.date_naive() >= from)
        .map(|(_, l)| l.value)
        .collect();
    let last_two = &pre[pre.len().saturating_sub(2)..];
    (!last_two.is_empty()).then(|| last_two.iter().sum::<f64>() / last_two.len() as f64)
}

fn alerts(f: &Facts, o: &Overview, clock: &Clock, t: &Thresholds, out: &mut Out) {
    let now = o.now;
    let r = o.regimen.as_ref();
    let csa_active = is_csa(r) && r.is_some_and(|r| r.is_active_on(now.date_naive()));

    // Kidney: creatinine vs baseline (clinical.md D).
    if let Some(r) = r
        && let Some(base) = creatinine_baseline(f, r, t)
        && let Some((at, l)) = f.labs(Analyte::Creatinine).next_back()
        && at.date_naive() >= r.start
        && base > 0.0
    {
        let pct = (l.value - base) / base * 100.0;
        // Compare in whole hundredths of a percent so that exactly 25% counts as 25%.
        let at_least = |limit: f64| (pct * 100.0).round() >= (limit * 100.0).round();
        let args = vec![
            ("value", n(l.value)),
            ("baseline", n(base)),
            ("percent", fmt_num(pct, 0)),
        ];
        if at_least(t.creatinine_urgent_pct) {
            out.push(
                "creatinine_rise_urgent",
                Severity::Urgent,
                Some(at),
                args,
                Some("alerts.creatinine_rise_urgent_percent"),
                "clinical.md D: ≥ 50% above baseline [LABEL]",
            );
        } else if at_least(t.creatinine_rise_pct) {
            out.push(
                "creatinine_rise",
                Severity::Warning,
                Some(at),
                args,
                Some("alerts.creatinine_rise_percent"),
                "clinical.md D: ≥ 25% above baseline — repeat within 2 weeks [LABEL]",
            );
        }
    }

    // Blood pressure (clinical.md D).
    let bps: Vec<_> = f.bp().collect();
    if let Some((at, b)) = bps.last() {
        if f64::from(b.systolic) >= t.bp_urgent_systolic
            || f64::from(b.diastolic) >= t.bp_urgent_diastolic
        {
            out.push(
                "bp_urgent",
                Severity::Urgent,
                Some(*at),
                vec![("value", format!("{}/{}", b.systolic, b.diastolic))],
                Some("alerts.bp_urgent_systolic"),
                "clinical.md D: ≥ 180/110 same-day advice (L5)",
            );
        } else {
            let high = |b: &super::entry::BloodPressure| {
                f64::from(b.systolic) > t.bp_systolic || f64::from(b.diastolic) > t.bp_diastolic
            };
            // The latest reading and the latest one from another day.
            let other = bps
                .iter()
                .rev()
                .find(|(x, _)| x.date_naive() != at.date_naive());
            if high(b)
                && let Some((_, b2)) = other
                && high(b2)
            {
                out.push(
                    "bp_high",
                    Severity::Warning,
                    Some(*at),
                    vec![
                        ("value", format!("{}/{}", b.systolic, b.diastolic)),
                        ("previous", format!("{}/{}", b2.systolic, b2.diastolic)),
                    ],
                    Some("alerts.bp_systolic_above"),
                    "clinical.md D: > 140/90 on 2 separate readings [LABEL]",
                );
            }
        }
    }

    // Drug level (clinical.md B).
    if let Some(tr) = &o.trough {
        let args = vec![
            ("value", n(tr.value)),
            ("low", n(tr.target_low)),
            ("high", n(tr.target_high)),
            (
                "limit",
                n(if tr.band == TroughBand::Toxic {
                    t.trough_urgent
                } else {
                    t.trough_contact
                }),
            ),
        ];
        match tr.band {
            TroughBand::Toxic => out.push(
                "trough_toxic",
                Severity::Urgent,
                Some(tr.at),
                args.clone(),
                Some("trough.urgent_above"),
                "clinical.md B: > 700 ng/mL toxic range [LAB-ARUP]",
            ),
            TroughBand::ContactTeam => out.push(
                "trough_contact_team",
                Severity::Warning,
                Some(tr.at),
                args.clone(),
                Some("trough.contact_team_above"),
                "clinical.md B: > 400 ng/mL [HAEM-LTR]",
            ),
            TroughBand::AboveTarget => out.push(
                "trough_above_target",
                Severity::Warning,
                Some(tr.at),
                args.clone(),
                if tr.target_from_regimen {
                    None
                } else {
                    Some("trough.target_high")
                },
                "clinical.md B: above the target range",
            ),
            TroughBand::BelowTarget => out.push(
                "trough_below_target",
                Severity::Info,
                Some(tr.at),
                args.clone(),
                if tr.target_from_regimen {
                    None
                } else {
                    Some("trough.target_low")
                },
                "clinical.md B: below the target range (informational)",
            ),
            TroughBand::InTarget => {}
        }
        if tr.valid == Some(false)
            && let Some(h) = tr.hours_since_dose
        {
            out.push("not_a_trough", Severity::Info, Some(tr.at), vec![("hours", n(h)), ("min", n(t.trough_min_hours)), ("max", n(t.trough_max_hours))], Some("trough.valid_min_hours"), "clinical.md B: a trough is drawn 10–14 h after the previous dose [LAB-EXETER, LAB-MAYO]");
        }
    }

    // Electrolytes and liver (clinical.md D).
    if let Some((at, l)) = f.labs(Analyte::Potassium).next_back() {
        let limit = l.reference.high.unwrap_or(t.potassium_high);
        if l.value > limit {
            out.push(
                "potassium_high",
                Severity::Warning,
                Some(at),
                vec![("value", n(l.value)), ("limit", n(limit))],
                l.reference
                    .high
                    .is_none()
                    .then_some("alerts.potassium_above"),
                "clinical.md D: potassium above the lab's upper limit [LABEL]",
            );
        }
    }
    if let Some((at, l)) = f.labs(Analyte::Magnesium).next_back() {
        let limit = l.reference.low.unwrap_or(t.magnesium_low);
        if l.value < limit {
            out.push(
                "magnesium_low",
                Severity::Info,
                Some(at),
                vec![("value", fmt_num(l.value, 2)), ("limit", fmt_num(limit, 2))],
                l.reference
                    .low
                    .is_none()
                    .then_some("alerts.magnesium_below"),
                "clinical.md D: magnesium below the lab's lower limit [ASH-EDU]",
            );
        }
    }
    for a in [Analyte::Alt, Analyte::Ast] {
        if let Some((at, l)) = f.labs(a).next_back() {
            let uln = l.reference.high.unwrap_or(t.liver_uln);
            if uln > 0.0 && l.value >= t.liver_multiple * uln {
                out.push(
                    "liver_3x_uln",
                    Severity::Warning,
                    Some(at),
                    vec![
                        ("analyte", a.code().to_string()),
                        ("value", n(l.value)),
                        ("uln", n(uln)),
                        ("times", n(l.value / uln)),
                    ],
                    Some("alerts.alt_ast_times_upper_limit"),
                    "clinical.md D: ALT/AST ≥ 3× upper limit [ELTROM-MONO]",
                );
                continue;
            }
        }
    }
    for a in [
        Analyte::Alt,
        Analyte::Ast,
        Analyte::Bilirubin,
        Analyte::UricAcid,
        Analyte::Cholesterol,
        Analyte::Triglycerides,
    ] {
        if let Some((at, l)) = f.labs(a).next_back()
            && let Some(hi) = l.reference.high
            && l.value > hi
            && !(matches!(a, Analyte::Alt | Analyte::Ast) && l.value >= t.liver_multiple * hi)
        {
            out.push(
                "lab_above_range",
                Severity::Info,
                Some(at),
                vec![
                    ("analyte", a.code().to_string()),
                    ("value", n(l.value)),
                    ("high", n(hi)),
                ],
                None,
                "clinical.md D: above the lab's upper limit (informational)",
            );
        }
    }

    // Platelets (clinical.md E).
    if let Some((at, v)) = o.latest_platelets {
        if v < t.platelets_urgent {
            out.push(
                "platelets_below_20",
                Severity::Urgent,
                Some(at),
                vec![("value", n(v)), ("limit", n(t.platelets_urgent))],
                Some("alerts.platelets_below_urgent"),
                "clinical.md E: < 20 high bleeding risk [ASH2019]",
            );
        } else if v < t.platelets_low {
            out.push(
                "platelets_below_30",
                Severity::Warning,
                Some(at),
                vec![("value", n(v)), ("limit", n(t.platelets_low))],
                Some("alerts.platelets_below"),
                "clinical.md E: < 30 below treatment threshold [ASH2019]",
            );
        }
    }

    // Interactions (clinical.md 6.2): recent foods and medications, while on cyclosporine.
    if csa_active {
        let since = now - Duration::days(t.interaction_days as i64);
        let mut seen = std::collections::BTreeSet::new();
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
        for (at, name) in names {
            for (matched, effect) in interactions_of(&name) {
                if seen.insert((matched, effect as u8)) {
                    let effect = match effect {
                        InteractionEffect::RaisesLevel => "raises_level",
                        InteractionEffect::LowersLevel => "lowers_level",
                        InteractionEffect::Nephrotoxic => "nephrotoxic",
                        InteractionEffect::Hyperkalaemia => "hyperkalaemia",
                        InteractionEffect::RaisedByCsa => "raised_by_csa",
                    };
                    out.push(
                        "interaction",
                        Severity::Warning,
                        Some(at),
                        vec![("name", name.clone()), ("effect", effect.to_string())],
                        Some("alerts.interaction_recent_days"),
                        "clinical.md 6.2: CsA interactions [DDI-PMC, ARTHRITIS]",
                    );
                }
            }
        }
    }

    // Dose per kg and the weight behind it (clinical.md A, D).
    if let Some(d) = &o.dosing
        && csa_active
    {
        if let Some(mgkg) = d.max_mg_per_kg() {
            let args = |limit: f64| vec![("value", fmt_num(mgkg, 2)), ("limit", n(limit))];
            if mgkg > t.mg_per_kg_strong {
                out.push(
                    "dose_above_range",
                    Severity::Urgent,
                    None,
                    args(t.mg_per_kg_strong),
                    Some("dose.mg_per_kg_day_strong_warning"),
                    "clinical.md A/D: above the 4–6 mg/kg/day of the source article [SRC-CN]",
                );
            } else if mgkg > t.mg_per_kg_warn {
                out.push("dose_above_label", Severity::Warning, None, args(t.mg_per_kg_warn), Some("dose.mg_per_kg_day_warning"), "clinical.md A/D: above the label maximum for autoimmune use, 4 mg/kg/day [LABEL]");
            }
        }
        if let Some(age) = d
            .weight_age_days
            .filter(|a| *a > t.weight_max_age_days as i64)
        {
            out.push(
                "weight_stale",
                Severity::Info,
                None,
                vec![("days", age.to_string())],
                Some("dose.weight_max_age_days"),
                "clinical.md A: re-weigh monthly and at dose changes (L5)",
            );
        }
        if let Some(p) = d
            .weight_change_pct
            .filter(|p| p.abs() > t.weight_change_pct)
        {
            out.push(
                "weight_changed",
                Severity::Info,
                None,
                vec![("percent", fmt_num(p, 0))],
                Some("dose.weight_change_percent"),
                "clinical.md F: weight change > 10% (L5)",
            );
        }
    }

    // Formulation or brand change (clinical.md A: Neoral ≠ Sandimmune) in the last 14 days.
    if let Some(r) = r
        && csa_active
    {
        let since = now - Duration::days(FORMULATION_CHANGE_LOOKBACK_DAYS);
        let step_change = r.changes().rev().find(|s| {
            s.kind == StepKind::Formulation
                && clock
                    .localize(s.effective_from.and_time(chrono::NaiveTime::MIN))
                    .is_some_and(|at| at >= since && at <= now)
        });
        let planned = r
            .step_on(now.date_naive())
            .and_then(|s| s.formulation.clone());
        let dose_change =
            f.doses(r.drug)
                .filter(|(at, _)| *at >= since)
                .find_map(|(at, d)| match (&d.formulation, &planned) {
                    (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => Some((at, a.clone())),
                    _ => None,
                });
        if let Some(s) = step_change {
            out.push("formulation_changed", Severity::Warning, clock.localize(s.effective_from.and_time(morning(Some(r), s.effective_from))), vec![("formulation", s.formulation.clone().unwrap_or_default())], None, "clinical.md A: formulations are not interchangeable; extra trough 5–7 days later [LABEL-SANDIMMUNE]");
        } else if let Some((at, name)) = dose_change {
            out.push("formulation_changed", Severity::Warning, Some(at), vec![("formulation", name)], None, "clinical.md A: formulations are not interchangeable; extra trough 5–7 days later [LABEL-SANDIMMUNE]");
        }
    }
}

#[cfg(test)]
#[path = "reminders_tests.rs"]
mod tests;
