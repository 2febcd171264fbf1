//! Table-driven tests of every rule, with a fixed clock, written from clinical.md.
// The tables spell out their row types inline; naming each would hide the table.
#![allow(clippy::type_complexity)]

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime};

use super::*;
use crate::domain::drugs::{Drug, Route};
use crate::domain::entry::*;
use crate::domain::overview::overview;
use crate::domain::regimen::{Regimen, StepKind};
use crate::domain::regimen::{Slot, Step};
use crate::domain::validate::{self, DoseInput, LabExtras};

/// Day 0 of the course, 2026-01-05 (a Monday), UTC+8.
pub(super) fn day(d: f64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-01-05T00:00:00+08:00").unwrap()
        + Duration::minutes((d * 24.0 * 60.0) as i64)
}

pub(super) fn date(d: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + Duration::days(d)
}

pub(super) fn step(from: i64, kind: StepKind, mg: f64) -> Step {
    Step {
        id: 0,
        effective_from: date(from),
        kind,
        slots: vec![
            Slot {
                time: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                amount: mg,
            },
            Slot {
                time: NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
                amount: mg,
            },
        ],
        unit: "mg".into(),
        every_days: 1,
        formulation: Some("Neoral".into()),
        note: None,
    }
}

pub(super) struct B(pub(super) Facts);

impl B {
    pub(super) fn new() -> B {
        B(Facts::default())
    }
    /// A CsA regimen of `mg` twice daily from day 0.
    pub(super) fn csa(mut self, mg: f64) -> B {
        self.0.regimens.push(Regimen {
            id: 1,
            uid: "r".into(),
            drug: Drug::Cyclosporine,
            route: Route::Oral,
            start: date(0),
            stop: None,
            target_low: None,
            target_high: None,
            induction_weeks: None,
            note: None,
            steps: vec![step(0, StepKind::Start, mg)],
            planned_at: None,
        });
        self
    }
    pub(super) fn step(mut self, from: i64, kind: StepKind, mg: f64) -> B {
        self.0.regimens[0].steps.push(step(from, kind, mg));
        self
    }
    pub(super) fn add(mut self, at: f64, data: EntryData) -> B {
        self.0.entries.push(Entry {
            revision: 0,
            id: self.0.entries.len() as i64 + 1,
            uid: String::new(),
            at: day(at),
            note: None,
            data,
            deleted: false,
            source: Default::default(),
        });
        self.0.entries.sort_by_key(|e| e.at);
        self
    }
    pub(super) fn plt(self, at: f64, v: f64) -> B {
        self.add(at, validate::platelets(v, None, None).unwrap().value)
    }
    pub(super) fn lab(self, at: f64, a: Analyte, v: f64, hi: Option<f64>) -> B {
        let unit = a.quantity().canonical().display;
        let extras = LabExtras {
            ref_high: hi,
            ..Default::default()
        };
        self.add(
            at,
            validate::lab(a, v, Some(unit), extras, day(at))
                .unwrap()
                .value,
        )
    }
    pub(super) fn trough(self, at: f64, v: f64, hours_after_dose: Option<f64>) -> B {
        let extras = LabExtras {
            last_dose_at: hours_after_dose.map(|h| day(at) - Duration::minutes((h * 60.0) as i64)),
            ..Default::default()
        };
        self.add(
            at,
            validate::lab(Analyte::CsaTrough, v, None, extras, day(at))
                .unwrap()
                .value,
        )
    }
    pub(super) fn bp(self, at: f64, s: &str) -> B {
        self.add(at, validate::blood_pressure(s, None).unwrap().value)
    }
    pub(super) fn weight(self, at: f64, kg: f64) -> B {
        self.add(at, validate::weight(kg, None, None).unwrap().value)
    }
    pub(super) fn dose(self, at: f64, mg: f64) -> B {
        let d = validate::dose(DoseInput {
            drug: Drug::Cyclosporine,
            amount: Some(mg),
            unit: None,
            mg_per_ml: None,
            route: None,
            formulation: Some("Neoral".into()),
            status: DoseStatus::Taken,
            scheduled_for: None,
        })
        .unwrap();
        self.add(at, d.value)
    }
    pub(super) fn med(self, at: f64, name: &str) -> B {
        self.add(
            at,
            validate::event(EventKind::MedicationStart, Some(name.into()))
                .unwrap()
                .value,
        )
    }
    /// The reminders at `now` (days since the start).
    pub(super) fn at(&self, now: f64) -> Vec<Reminder> {
        let clock = Clock::Fixed(day(now));
        let t = Thresholds::default();
        let o = overview(&self.0, &clock, &t);
        reminders(&self.0, &o, &clock, &t)
    }
}

pub(super) fn rules(v: &[Reminder]) -> Vec<&'static str> {
    v.iter().map(|r| r.rule.code()).collect()
}

pub(super) fn has(v: &[Reminder], rule: &str) -> bool {
    v.iter().any(|r| r.rule.code() == rule)
}

/// Baseline creatinine = mean(80, 80) = 80. Rise of exactly 25% → 100.
mod cutoff;
mod defects;
mod defects_dosing;
mod table;

#[test]
fn creatinine_rise_edges() {
    let base = || {
        B::new()
            .csa(150.0)
            .lab(-10.0, Analyte::Creatinine, 78.0, None)
            .lab(-3.0, Analyte::Creatinine, 82.0, None)
    };
    let cases = [
        (99.9, None),
        (100.0, Some("creatinine_rise")),
        (119.9, Some("creatinine_rise")),
        (120.0, Some("creatinine_rise_urgent")),
    ];
    for (v, expected) in cases {
        let r = base().lab(20.0, Analyte::Creatinine, v, None).at(20.5);
        let got = rules(&r)
            .into_iter()
            .find(|x| x.starts_with("creatinine_rise"));
        assert_eq!(got, expected, "creatinine {v}");
    }
    // Without pre-treatment values there is no baseline and no alert.
    let r = B::new()
        .csa(150.0)
        .lab(20.0, Analyte::Creatinine, 200.0, None)
        .at(20.5);
    assert!(!has(&r, "creatinine_rise_urgent"));
}

#[test]
fn blood_pressure_rules() {
    let cases: &[(&[(f64, &str)], &[&str], &[&str])] = &[
        (
            &[(10.0, "145/85"), (11.0, "142/80")],
            &["bp_high"],
            &["bp_urgent"],
        ),
        (&[(10.0, "130/95"), (11.0, "128/92")], &["bp_high"], &[]),
        // exactly 140/90 is not above
        (&[(10.0, "140/90"), (11.0, "140/90")], &[], &["bp_high"]),
        // two high readings the same day are one occasion
        (
            &[(10.0, "120/80"), (11.2, "150/95"), (11.3, "150/95")],
            &[],
            &["bp_high"],
        ),
        (&[(10.0, "150/95"), (11.0, "125/80")], &[], &["bp_high"]),
        (&[(11.0, "180/100")], &["bp_urgent"], &["bp_high"]),
        (&[(11.0, "170/110")], &["bp_urgent"], &[]),
    ];
    for (readings, yes, no) in cases {
        let mut b = B::new().csa(150.0);
        for (at, v) in *readings {
            b = b.bp(*at, v);
        }
        let r = b.at(11.5);
        for y in *yes {
            assert!(has(&r, y), "{readings:?}: expected {y} in {:?}", rules(&r));
        }
        for n in *no {
            assert!(!has(&r, n), "{readings:?}: unexpected {n}");
        }
    }
}

#[test]
fn trough_rules() {
    // (value, hours since dose, expected rules, unexpected)
    let cases: &[(f64, Option<f64>, &[&str], &[&str])] = &[
        (
            150.0,
            Some(12.0),
            &[],
            &["not_a_trough", "trough_above_target", "trough_below_target"],
        ),
        (150.0, Some(9.0), &["not_a_trough"], &[]),
        (150.0, Some(10.0), &[], &["not_a_trough"]),
        (150.0, Some(14.0), &[], &["not_a_trough"]),
        (150.0, Some(14.5), &["not_a_trough"], &[]),
        (150.0, None, &[], &["not_a_trough"]),
        (
            250.0,
            Some(12.0),
            &["trough_above_target"],
            &["trough_contact_team"],
        ),
        (
            450.0,
            Some(12.0),
            &["trough_contact_team"],
            &["trough_above_target"],
        ),
        (
            750.0,
            Some(12.0),
            &["trough_toxic"],
            &["trough_contact_team"],
        ),
        (80.0, Some(12.0), &["trough_below_target"], &[]),
    ];
    for (v, h, yes, no) in cases {
        let r = B::new().csa(150.0).trough(6.33, *v, *h).at(6.5);
        for y in *yes {
            assert!(has(&r, y), "{v} {h:?}: expected {y} in {:?}", rules(&r));
        }
        for n in *no {
            assert!(!has(&r, n), "{v} {h:?}: unexpected {n}");
        }
    }
    let toxic = B::new().csa(150.0).trough(6.33, 750.0, Some(12.0)).at(6.5);
    assert_eq!(toxic[0].severity, Severity::Urgent, "most urgent first");
}

#[test]
fn regimen_target_overrides_the_setting() {
    let mut b = B::new().csa(150.0).trough(6.33, 250.0, Some(12.0));
    b.0.regimens[0].target_low = Some(200.0);
    b.0.regimens[0].target_high = Some(400.0);
    let r = b.at(6.5);
    assert!(!has(&r, "trough_above_target"));
}

#[test]
fn lab_rules() {
    let cases: &[(Analyte, f64, Option<f64>, Option<&str>)] = &[
        (Analyte::Potassium, 5.1, None, Some("potassium_high")),
        (Analyte::Potassium, 5.0, None, None),
        (Analyte::Potassium, 5.1, Some(5.5), None),
        (Analyte::Magnesium, 0.69, None, Some("magnesium_low")),
        (Analyte::Magnesium, 0.70, None, None),
        (Analyte::Alt, 120.0, Some(40.0), Some("liver_3x_uln")),
        (Analyte::Alt, 119.0, Some(40.0), Some("lab_above_range")),
        (Analyte::Ast, 120.0, None, Some("liver_3x_uln")),
        (Analyte::Ast, 119.0, None, None),
        (
            Analyte::UricAcid,
            500.0,
            Some(420.0),
            Some("lab_above_range"),
        ),
    ];
    for (a, v, hi, expected) in cases {
        let r = B::new().lab(1.0, *a, *v, *hi).at(1.5);
        let got = rules(&r).into_iter().find(|x| {
            [
                "potassium_high",
                "magnesium_low",
                "liver_3x_uln",
                "lab_above_range",
            ]
            .contains(x)
        });
        assert_eq!(got, *expected, "{a:?} {v} {hi:?}");
    }
}

#[test]
fn platelet_alerts_use_the_latest_count() {
    let cases = [
        (19.9, Some("platelets_below_20")),
        (20.0, Some("platelets_below_30")),
        (29.9, Some("platelets_below_30")),
        (30.0, None),
    ];
    for (v, expected) in cases {
        let r = B::new().plt(0.0, 100.0).plt(1.0, v).at(1.5);
        let got = rules(&r).into_iter().find(|x| x.starts_with("platelets"));
        assert_eq!(got, expected, "{v}");
    }
    let r = B::new().plt(0.0, 10.0).plt(1.0, 60.0).at(1.5);
    assert!(!has(&r, "platelets_below_20"));
}

#[test]
fn interactions_while_on_cyclosporine() {
    let r = B::new().csa(150.0).med(10.0, "fluconazole").at(20.0);
    let i = r
        .iter()
        .find(|x| x.rule.code() == "interaction")
        .expect("interaction");
    assert!(i.args.contains(&("effect", "raises_level".into())));
    let r = B::new().csa(150.0).med(10.0, "St John's wort").at(20.0);
    assert!(
        r.iter()
            .any(|x| x.args.contains(&("effect", "lowers_level".into())))
    );
    // older than 14 days
    assert!(!has(
        &B::new().csa(150.0).med(10.0, "fluconazole").at(24.5),
        "interaction"
    ));
    // not on cyclosporine
    assert!(!has(
        &B::new().med(10.0, "fluconazole").at(11.0),
        "interaction"
    ));
    assert!(!has(
        &B::new().csa(150.0).med(10.0, "paracetamol").at(11.0),
        "interaction"
    ));
    // an interacting drug asks for an extra trough 5 days later
    let r = B::new()
        .csa(150.0)
        .trough(6.33, 150.0, Some(12.0))
        .med(10.0, "clarithromycin")
        .at(15.5);
    assert!(has(&r, "trough_due"), "{:?}", rules(&r));
}

#[test]
fn mg_per_kg_day_and_weight() {
    // 150 + 150 = 300 mg/day; 75 kg → 4.0 (not above); 73 kg → 4.11; 49 kg → 6.12
    let cases = [
        (75.0, None),
        (73.0, Some("dose_above_label")),
        (50.0, Some("dose_above_label")),
        (49.0, Some("dose_above_range")),
    ];
    for (kg, expected) in cases {
        let r = B::new().csa(150.0).weight(-1.0, kg).at(3.5);
        let got = rules(&r).into_iter().find(|x| x.starts_with("dose_above"));
        assert_eq!(got, expected, "{kg} kg");
    }
    // Weight older than 30 days.
    let r = B::new().csa(100.0).weight(-1.0, 60.0).at(29.5);
    assert!(!has(&r, "weight_stale"));
    let r = B::new().csa(100.0).weight(-1.0, 60.0).at(31.5);
    assert!(has(&r, "weight_stale"));
    // Weight changed by more than 10% since the dose was set: 60 → 66.6 (+11%) yes, 66 (+10%) no.
    let r = B::new()
        .csa(100.0)
        .weight(-1.0, 60.0)
        .weight(20.0, 66.6)
        .at(20.5);
    assert!(has(&r, "weight_changed"));
    let r = B::new()
        .csa(100.0)
        .weight(-1.0, 60.0)
        .weight(20.0, 66.0)
        .at(20.5);
    assert!(!has(&r, "weight_changed"));
    // After a taper step the reference weight is the one at the step.
    let r = B::new()
        .csa(100.0)
        .weight(-1.0, 60.0)
        .weight(30.0, 67.0)
        .step(31, StepKind::Taper, 75.0)
        .at(40.5);
    assert!(!has(&r, "weight_changed"));
}

#[test]
fn taken_doses_drive_mg_per_kg() {
    let mut b = B::new().csa(100.0).weight(-1.0, 50.0);
    for d in 0..10 {
        b = b
            .dose(d as f64 + 8.0 / 24.0, 150.0)
            .dose(d as f64 + 20.0 / 24.0, 150.0);
    }
    b = b.dose(10.0 + 8.0 / 24.0, 150.0);
    let clock = Clock::Fixed(day(10.5));
    let o = overview(&b.0, &clock, &Thresholds::default());
    let d = o.dosing.unwrap();
    assert_eq!(d.planned_daily, Some(200.0));
    assert_eq!(d.taken_daily, Some(300.0));
    assert_eq!(d.planned_mg_per_kg, Some(4.0));
    assert_eq!(d.taken_mg_per_kg, Some(6.0));
    assert_eq!(o.adherence_7d, Some(100.0));
}

#[test]
fn trough_schedule() {
    let b = || B::new().csa(150.0);
    // First level: due day 5 (shown 2 days ahead), overdue after day 5 + 3.
    assert!(!has(&b().at(2.5), "trough_due"));
    assert!(has(&b().at(3.5), "trough_due"));
    assert!(has(&b().at(8.5), "trough_due"));
    assert!(has(&b().at(8.9), "trough_due"));
    assert!(has(&b().at(9.5), "trough_overdue"));
    // Drawn on day 6: next in 14 days (day 20) during induction.
    let t6 = || b().trough(6.33, 150.0, Some(12.0));
    assert!(!has(&t6().at(17.5), "trough_due"));
    assert!(has(&t6().at(18.5), "trough_due"));
    // A taper on day 10 asks for a level from day 15.
    let r = t6().step(10, StepKind::Taper, 125.0).at(13.5);
    assert!(has(&r, "trough_due"));
    let due = r.iter().find(|x| x.rule.code() == "trough_due").unwrap();
    assert!(due.args.contains(&("date", "2026-01-20".into())));
    // After week 12 the interval is monthly.
    let late = B::new().csa(150.0).trough(90.33, 150.0, Some(12.0));
    assert!(!has(&late.at(115.5), "trough_due"));
    assert!(has(&late.at(118.5), "trough_due"));
}

#[test]
fn monitoring_items_and_baseline_checklist() {
    let r = B::new().csa(150.0).at(-3.0);
    let b = r
        .iter()
        .find(|x| x.rule.code() == "baseline_checklist")
        .expect("checklist");
    assert!(b.args[0].1.contains("creatinine_x2") && b.args[0].1.contains("bp_x2"));
    assert!(!has(&r, "cbc_due"), "nothing periodic before the start");
    let full = B::new()
        .csa(150.0)
        .lab(-10.0, Analyte::Creatinine, 80.0, None)
        .lab(-3.0, Analyte::Creatinine, 80.0, None)
        .bp(-10.0, "120/80")
        .bp(-3.0, "120/80")
        .lab(-3.0, Analyte::Bun, 5.0, None)
        .plt(-3.0, 20.0)
        .lab(-3.0, Analyte::Potassium, 4.0, None)
        .lab(-3.0, Analyte::Magnesium, 0.8, None)
        .lab(-3.0, Analyte::UricAcid, 300.0, None)
        .lab(-3.0, Analyte::Cholesterol, 4.0, None)
        .lab(-3.0, Analyte::Alt, 20.0, None)
        .weight(-3.0, 60.0);
    assert!(!has(&full.at(-1.0), "baseline_checklist"));
    // Baseline platelets < 30: blood count weekly for the first 4 weeks.
    assert!(has(&full.at(5.5), "cbc_due"));
    let r = full.at(13.0);
    for rule in ["kidney_due", "liver_due", "electrolytes_due", "bp_due"] {
        assert!(has(&r, rule), "{rule} in {:?}", rules(&r));
    }
    let r = full.at(18.0);
    assert!(has(&r, "kidney_overdue"));
}

#[test]
fn dose_slots() {
    let b = B::new().csa(150.0);
    // Day 3, 09:00: the 08:00 dose is open.
    let r = b.at(3.0 + 9.0 / 24.0);
    assert!(has(&r, "dose_due"));
    let r = B::new()
        .csa(150.0)
        .dose(3.0 + 8.1 / 24.0, 150.0)
        .at(3.0 + 9.0 / 24.0);
    assert!(!has(&r, "dose_due"));
    // 19:30: the 20:00 dose is coming.
    let r = B::new()
        .csa(150.0)
        .dose(3.0 + 8.1 / 24.0, 150.0)
        .at(3.0 + 19.5 / 24.0);
    assert!(has(&r, "dose_soon"));
    // 12:00: the 08:00 dose was never logged.
    let r = B::new().csa(150.0).at(3.5);
    assert!(has(&r, "dose_not_logged"));
}

#[test]
fn checkpoints_and_formulation() {
    let r = B::new().csa(150.0).at(27.5);
    let c = r
        .iter()
        .find(|x| x.rule.code() == "checkpoint")
        .expect("checkpoint");
    assert!(c.args.contains(&("week", "4".into())));
    let mut b = B::new().csa(150.0).step(20, StepKind::Formulation, 150.0);
    b.0.regimens[0].steps[1].formulation = Some("Sandimmun".into());
    assert!(has(&b.at(22.5), "formulation_changed"));
    assert!(!has(&b.at(40.5), "formulation_changed"));
}

#[test]
fn every_rule_is_listed() {
    // Rules produced in these tests must all be in RULES (the README list).
    let r = B::new()
        .csa(150.0)
        .trough(6.33, 750.0, Some(9.0))
        .plt(6.0, 10.0)
        .at(6.5);
    for x in r {
        assert_eq!(
            x.rule.rule().id,
            x.rule,
            "{} has its own row",
            x.rule.code()
        );
    }
}
