//! One table-driven test per defect of issue 11 (numbers as in the issue). Each failed on the
//! engine before the rebuild (see the report for how).

use chrono::Duration;

use super::{B, day, has, rules};
use crate::domain::clock::Clock;
use crate::domain::drugs::Drug;
use crate::domain::entry::*;
use crate::domain::overview::overview;
use crate::domain::regimen::StepKind;
use crate::domain::response::Response;
use crate::domain::settings::Thresholds;

impl B {
    fn bleed(self, at: f64, care: bool) -> B {
        self.add(
            at,
            EntryData::Bleeding(Bleeding {
                site: BleedingSite::Nose,
                count: None,
                size_cm: None,
                minutes: Some(5),
                care_needed: care,
            }),
        )
    }
    fn event(self, at: f64, kind: EventKind) -> B {
        self.add(
            at,
            EntryData::Event(Event {
                event: kind,
                medication: None,
            }),
        )
    }
    fn dose_as(self, at: f64, formulation: &str) -> B {
        let mut b = self.dose(at, 150.0);
        if let Some(EntryData::Dose(d)) =
            b.0.entries
                .iter_mut()
                .rev()
                .find(|e| e.at == day(at))
                .map(|e| &mut e.data)
        {
            d.formulation = Some(formulation.into());
        }
        b
    }
    fn formulation_of_step(mut self, i: usize, f: &str) -> B {
        self.0.regimens[0].steps[i].formulation = Some(f.into());
        self
    }
    fn response(&self, now: f64) -> crate::domain::response::Assessment {
        let clock = Clock::Fixed(day(now));
        overview(&self.0, &clock, &Thresholds::default())
            .response
            .expect("regimen")
    }
}

/// Defect 1: creatinine far above the lab's ULN without a baseline; > ULN is an alert with or
/// without a baseline; a missing baseline is a visible notice.
#[test]
fn defect_01_creatinine_above_uln_without_baseline() {
    let cases: &[(&[(f64, f64)], f64, Option<f64>, &[&str], &[&str])] = &[
        // no baseline, 250 with the lab's ULN 111
        (
            &[],
            250.0,
            Some(111.0),
            &["creatinine_above_uln", "creatinine_no_baseline"],
            &["creatinine_rise"],
        ),
        // no baseline, no lab range: the setting (110)
        (
            &[],
            130.0,
            None,
            &["creatinine_above_uln", "creatinine_no_baseline"],
            &[],
        ),
        (
            &[],
            100.0,
            None,
            &["creatinine_no_baseline"],
            &["creatinine_above_uln"],
        ),
        // with a baseline of 80: 250 is > 2× → urgent, which hides the plain ULN alert
        (
            &[(-10.0, 80.0), (-3.0, 80.0)],
            250.0,
            Some(111.0),
            &["creatinine_rise_urgent"],
            &["creatinine_above_uln", "creatinine_no_baseline"],
        ),
        // with a baseline: within range and no rise, nothing
        (
            &[(-10.0, 80.0), (-3.0, 80.0)],
            85.0,
            Some(111.0),
            &[],
            &[
                "creatinine_above_uln",
                "creatinine_no_baseline",
                "creatinine_rise",
            ],
        ),
    ];
    for (pre, v, uln, yes, no) in cases {
        let mut b = B::new().csa(150.0);
        for (at, x) in *pre {
            b = b.lab(*at, Analyte::Creatinine, *x, None);
        }
        let r = b.lab(20.0, Analyte::Creatinine, *v, *uln).at(20.5);
        for y in *yes {
            assert!(has(&r, y), "{v} {uln:?}: expected {y} in {:?}", rules(&r));
        }
        for n in *no {
            assert!(
                !has(&r, n),
                "{v} {uln:?}: unexpected {n} in {:?}",
                rules(&r)
            );
        }
    }
}

/// Defect 2: a brand switch together with a dose change warns; a brand alias does not.
#[test]
fn defect_02_formulation_switch_with_dose_change() {
    // (step kind, step formulation, logged dose formulation, expected)
    let cases: &[(Option<(StepKind, &str)>, Option<&str>, bool)] = &[
        (Some((StepKind::Taper, "Sandimmune")), None, true),
        (Some((StepKind::Increase, "Sandimmune")), None, true),
        (Some((StepKind::Formulation, "Sandimmune")), None, true),
        (Some((StepKind::Taper, "新山地明")), None, false),
        (Some((StepKind::Taper, "neoral")), None, false),
        (None, Some("新山地明"), false),
        (None, Some("NEORAL"), false),
        (None, Some("山地明"), true),
    ];
    for (step, logged, expected) in cases {
        let mut b = B::new().csa(150.0);
        if let Some((kind, f)) = step {
            b = b.step(20, *kind, 125.0).formulation_of_step(1, f);
        }
        if let Some(f) = logged {
            b = b.dose_as(21.0 + 8.0 / 24.0, f);
        }
        let r = b.at(22.5);
        assert_eq!(
            has(&r, "formulation_changed"),
            *expected,
            "{step:?} {logged:?}: {:?}",
            rules(&r)
        );
    }
}

/// Defect 3: counts lifted by rescue therapy are neither a CsA response nor the baseline.
#[test]
fn defect_03_rescue_therapy_counts() {
    // IVIG on day 10 lifts counts to 150: not a CR; status not assessable with the rescue.
    let b = B::new()
        .csa(150.0)
        .plt(-3.0, 15.0)
        .event(10.0, EventKind::Ivig)
        .plt(14.0, 150.0)
        .plt(21.0, 160.0);
    let a = b.response(21.5);
    assert_eq!(a.status, Response::NotAssessable);
    assert_eq!(a.rescue.map(|r| r.kind), Some(EventKind::Ivig));
    assert!(has(&b.at(21.5), "rescue_therapy"));
    // After the window (28 days) counts count again: 40 and 45 ≥ 2× 15 → R.
    let a = b
        .clone_facts()
        .plt(45.0, 40.0)
        .plt(52.0, 45.0)
        .response(52.5);
    assert_eq!(a.status, Response::Response);
    // A transfusion 3 days before the start: that count is not the baseline.
    let a = B::new()
        .csa(150.0)
        .plt(-10.0, 12.0)
        .event(-4.0, EventKind::Transfusion)
        .plt(-3.0, 60.0)
        .response(1.0);
    assert_eq!(a.baseline, Some(12.0));
    // A steroid pulse logged as methylprednisolone doses counts too.
    let mut b = B::new().csa(150.0).plt(-3.0, 15.0);
    b = b.add(
        10.0,
        EntryData::Dose(Dose {
            drug: Drug::Methylprednisolone,
            amount: None,
            route: crate::domain::drugs::Route::Iv,
            formulation: None,
            status: DoseStatus::Taken,
            scheduled_for: None,
        }),
    );
    let a = b.plt(12.0, 120.0).plt(19.0, 130.0).response(19.5);
    assert_eq!(a.status, Response::NotAssessable);
}

impl B {
    fn clone_facts(&self) -> B {
        B(self.0.clone())
    }
}

/// clinical.md 4.2: corticosteroids around a response are named beside it.
#[test]
fn concurrent_steroids_are_named() {
    let mut b = B::new()
        .csa(150.0)
        .plt(-3.0, 15.0)
        .plt(10.0, 40.0)
        .plt(17.0, 45.0);
    assert!(b.response(17.5).concurrent_steroids.is_empty());
    b.0.regimens.push(crate::domain::regimen::Regimen {
        drug: Drug::Prednisone,
        id: 2,
        ..b.0.regimens[0].clone()
    });
    assert_eq!(b.response(17.5).concurrent_steroids, vec![Drug::Prednisone]);
}

/// Defect 4: loss of CR is reported.
#[test]
fn defect_04_loss_of_complete_response() {
    let cases: &[(&[(f64, f64)], Response)] = &[
        (
            &[(10.0, 120.0), (17.0, 110.0), (20.0, 80.0), (21.0, 75.0)],
            Response::LossOfCompleteResponse,
        ),
        (
            &[(10.0, 120.0), (17.0, 110.0), (20.0, 80.0)],
            Response::CompleteResponse,
        ),
        (
            &[(10.0, 120.0), (17.0, 110.0), (20.0, 20.0), (21.0, 18.0)],
            Response::LossOfResponse,
        ),
    ];
    for (counts, want) in cases {
        let mut b = B::new().csa(150.0).plt(-3.0, 15.0);
        for (at, v) in *counts {
            b = b.plt(*at, *v);
        }
        let last = counts.last().unwrap().0 + 0.5;
        assert_eq!(b.response(last).status, *want, "{counts:?}");
        assert_eq!(has(&b.at(last), "loss_of_response"), want.is_loss());
    }
}

/// Defect 5: any logged bleeding downgrades CR/R, not only bleeding that needed care.
#[test]
fn defect_05_any_bleeding_downgrades() {
    for care in [false, true] {
        let b = B::new()
            .csa(150.0)
            .plt(-3.0, 15.0)
            .plt(10.0, 120.0)
            .plt(17.0, 110.0)
            .bleed(20.0, care);
        let a = b.response(20.5);
        assert_eq!(a.status, Response::LossOfResponse, "care {care}");
        assert!(a.downgraded_by_bleeding);
    }
}

/// Defect 6: a level drawn 2 h after a dose is not judged against the trough lines.
#[test]
fn defect_06_non_trough_not_judged() {
    let cases: &[(f64, f64, &[&str], &[&str])] = &[
        (
            900.0,
            2.0,
            &["not_a_trough"],
            &["trough_toxic", "trough_contact_team", "trough_above_target"],
        ),
        (500.0, 2.0, &["not_a_trough"], &["trough_contact_team"]),
        (900.0, 12.0, &["trough_toxic"], &["not_a_trough"]),
    ];
    for (v, h, yes, no) in cases {
        let r = B::new().csa(150.0).trough(6.33, *v, Some(*h)).at(6.5);
        for y in *yes {
            assert!(has(&r, y), "{v} {h}: {:?}", rules(&r));
        }
        for n in *no {
            assert!(!has(&r, n), "{v} {h}: {:?}", rules(&r));
        }
    }
    let clock = Clock::Fixed(day(6.5));
    let b = B::new().csa(150.0).trough(6.33, 900.0, Some(2.0));
    let o = overview(&b.0, &clock, &Thresholds::default());
    assert_eq!(
        o.trough.unwrap().band,
        crate::domain::overview::TroughBand::NotATrough
    );
}

/// Defect 7: monthly monitoring starts after week 12 of treatment, not at the end of a shorter
/// induction.
#[test]
fn defect_07_monitoring_monthly_after_week_12() {
    let mut b = B::new()
        .csa(150.0)
        .lab(60.0, Analyte::Creatinine, 80.0, None)
        .lab(60.0, Analyte::Bun, 5.0, None);
    b.0.regimens[0].induction_weeks = Some(8);
    // Day 60 is week 9: still every 14 days → due day 74.
    let r = b.at(73.0);
    assert!(has(&r, "kidney_due"), "{:?}", rules(&r));
}

/// Defect 8: an extra creatinine/K/trough set 1–2 weeks after a dose increase; blood count
/// ~2 weeks after a taper step.
#[test]
fn defect_08_extra_checks_after_changes() {
    // Everything measured on day 100 (monthly phase: next on day 130).
    let base = || {
        B::new()
            .csa(150.0)
            .plt(100.0, 80.0)
            .lab(100.0, Analyte::Creatinine, 80.0, None)
            .lab(100.0, Analyte::Bun, 5.0, None)
            .lab(100.0, Analyte::Potassium, 4.0, None)
            .lab(100.0, Analyte::Magnesium, 0.8, None)
            .lab(100.0, Analyte::UricAcid, 300.0, None)
            .trough(100.33, 150.0, Some(12.0))
    };
    let r = base().step(102, StepKind::Increase, 175.0).at(108.0);
    for rule in ["kidney_due", "electrolytes_due", "trough_due"] {
        assert!(has(&r, rule), "increase: {rule} in {:?}", rules(&r));
    }
    let r = base().step(102, StepKind::Taper, 125.0).at(115.0);
    assert!(has(&r, "cbc_due"), "taper: {:?}", rules(&r));
    assert!(
        !has(&r, "kidney_due"),
        "taper asks no kidney set: {:?}",
        rules(&r)
    );
}

/// Defect 9: a planned start above 4 / 6 mg/kg/day warns before the start day.
#[test]
fn defect_09_planned_start_dose_warns_before_start() {
    let cases = [
        (80.0, None),
        (60.0, Some("dose_above_label")),
        (45.0, Some("dose_above_range")),
    ];
    for (kg, want) in cases {
        let r = B::new().csa(150.0).weight(-5.0, kg).at(-3.0);
        let got = rules(&r).into_iter().find(|x| x.starts_with("dose_above"));
        assert_eq!(got, want, "{kg} kg");
    }
}

/// Defect 13: upper platelet alerts on a TPO-RA; no CsA kidney/BP/electrolyte reminders on a
/// non-CsA plan.
#[test]
fn defect_13_tpo_ra_and_non_csa_plans() {
    let tpo = |v: f64| {
        let mut b = B::new().csa(50.0).plt(20.0, v);
        b.0.regimens[0].drug = Drug::Eltrombopag;
        b.at(20.5)
    };
    assert!(has(&tpo(450.0), "platelets_tpo_high"));
    assert!(!has(&tpo(450.0), "platelets_tpo_zone"));
    assert!(has(&tpo(250.0), "platelets_tpo_zone"));
    assert!(!has(&tpo(150.0), "platelets_tpo_zone"));
    // On CsA: no upper alert.
    assert!(!has(
        &B::new().csa(150.0).plt(20.0, 450.0).at(20.5),
        "platelets_tpo_high"
    ));
    let mut b = B::new().csa(20.0);
    b.0.regimens[0].drug = Drug::Prednisone;
    let r = b.at(40.0);
    for rule in [
        "kidney_due",
        "kidney_overdue",
        "bp_due",
        "bp_overdue",
        "electrolytes_due",
        "electrolytes_overdue",
        "trough_due",
        "trough_overdue",
    ] {
        assert!(!has(&r, rule), "prednisone: {rule} in {:?}", rules(&r));
    }
}

/// Defect 15: potassium ≥ 6.0 is urgent; 5.1 a warning.
#[test]
fn defect_15_potassium_urgent() {
    let cases = [
        (5.1, Some("potassium_high")),
        (5.9, Some("potassium_high")),
        (6.0, Some("potassium_urgent")),
        (6.4, Some("potassium_urgent")),
        (5.0, None),
    ];
    for (v, want) in cases {
        let r = B::new().lab(1.0, Analyte::Potassium, v, None).at(1.5);
        let got = rules(&r).into_iter().find(|x| x.starts_with("potassium"));
        assert_eq!(got, want, "{v}");
    }
    let r = B::new().lab(1.0, Analyte::Potassium, 6.2, None).at(1.5);
    assert_eq!(r[0].severity, crate::domain::rules::Severity::Urgent);
}

/// Defect 16: without --last-dose the last logged dose gives the timing; without any dose the
/// timing is unknown and never "in target".
#[test]
fn defect_16_level_timing_from_dose_log() {
    let clock = Clock::Fixed(day(6.5));
    let t = Thresholds::default();
    // dose at day 5 20:00, level day 6 08:00 without --last-dose → 12 h, a trough
    let b =
        B::new()
            .csa(150.0)
            .dose(5.0 + 20.0 / 24.0, 150.0)
            .trough(6.0 + 8.0 / 24.0, 150.0, None);
    let tr = overview(&b.0, &clock, &t).trough.unwrap();
    assert_eq!(tr.hours_since_dose, Some(12.0));
    assert!(tr.timing_from_log);
    assert_eq!(tr.band, crate::domain::overview::TroughBand::InTarget);
    // no dose logged → unknown, not judged
    let b = B::new().csa(150.0).trough(6.0 + 8.0 / 24.0, 150.0, None);
    let tr = overview(&b.0, &clock, &t).trough.unwrap();
    assert_eq!(
        (tr.valid, tr.band),
        (None, crate::domain::overview::TroughBand::TimingUnknown)
    );
    let r = b.at(6.5);
    assert!(has(&r, "level_timing_unknown"));
    let b = B::new().csa(150.0).trough(6.0 + 8.0 / 24.0, 900.0, None);
    assert!(!has(&b.at(6.5), "trough_toxic"));
}

/// Defect 17: a trough alert ends with the course.
#[test]
fn defect_17_level_alerts_expire_with_the_course() {
    let mut b = B::new().csa(150.0).trough(30.33, 900.0, Some(12.0));
    assert!(has(&b.at(31.0), "trough_toxic"));
    b.0.regimens[0].stop = Some(super::date(40));
    assert!(!has(&b.at(120.0), "trough_toxic"));
}

/// Defect 18: "two separate readings" = different days within the window, both systolic or
/// both diastolic above the line.
#[test]
fn defect_18_bp_two_readings() {
    let cases: &[(&[(f64, &str)], bool)] = &[
        (&[(10.0, "145/85"), (11.0, "142/80")], true),
        // 20 minutes apart across midnight
        (&[(10.99, "150/95"), (11.005, "150/95")], true),
        // 11 months apart
        (&[(10.0, "150/95"), (340.0, "150/95")], false),
        // one systolic-high, the other diastolic-high
        (&[(10.0, "150/80"), (11.0, "130/95")], false),
        (&[(10.0, "130/95"), (11.0, "128/92")], true),
    ];
    for (readings, want) in cases {
        let mut b = B::new().csa(150.0);
        for (at, v) in *readings {
            b = b.bp(*at, v);
        }
        let last = readings.last().unwrap().0 + 0.01;
        assert_eq!(has(&b.at(last), "bp_high"), *want, "{readings:?}");
    }
}

/// Defect 19: a count on the start day before the first dose is a valid baseline.
#[test]
fn defect_19_start_day_count_is_baseline() {
    let b = B::new()
        .csa(150.0)
        .plt(0.25, 15.0)
        .dose(8.0 / 24.0 + 0.001, 150.0)
        .plt(10.0, 40.0)
        .plt(17.0, 45.0);
    let a = b.response(17.5);
    assert_eq!(a.baseline, Some(15.0));
    assert_eq!(a.status, Response::Response);
}

/// Defect 20: prompts at month 6 of continuation and after maintenance.
#[test]
fn defect_20_continuation_and_maintenance_prompts() {
    let b = B::new().csa(150.0);
    assert!(has(&b.at(26.0 * 7.0), "continuation_review"));
    assert!(!has(&b.at(20.0 * 7.0), "continuation_review"));
    let m = B::new().csa(150.0).step(100, StepKind::Maintenance, 100.0);
    assert!(!has(&m.at(120.0), "maintenance_review"));
    assert!(has(&m.at(100.0 + 70.0), "maintenance_review"));
}

/// Defect 21: kidney tests need BUN/urea as well as creatinine.
#[test]
fn defect_21_kidney_needs_bun_too() {
    let only_cr = B::new()
        .csa(150.0)
        .lab(12.0, Analyte::Creatinine, 80.0, None);
    assert!(has(&only_cr.at(15.0), "kidney_due") || has(&only_cr.at(15.0), "kidney_overdue"));
    let both = B::new()
        .csa(150.0)
        .lab(12.0, Analyte::Creatinine, 80.0, None)
        .lab(12.0, Analyte::Urea, 5.0, None);
    let r = both.at(15.0);
    assert!(
        !has(&r, "kidney_due") && !has(&r, "kidney_overdue"),
        "{:?}",
        rules(&r)
    );
}

/// Defect 24 (rules part): interaction messages name the drug in Chinese.
#[test]
fn defect_24_interaction_names_in_chinese() {
    use crate::present::describe::reminder_message;
    use crate::present::i18n::{I18n, Lang};
    let zh = I18n::new(Lang::Zh);
    for (name, want) in [
        ("grapefruit juice", "西柚"),
        ("Advil", "布洛芬"),
        ("St John's wort", "贯叶连翘"),
    ] {
        let r = B::new().csa(150.0).med(10.0, name).at(11.0);
        let i = r
            .iter()
            .find(|x| x.rule.code() == "interaction")
            .expect(name);
        let m = reminder_message(i, &zh);
        assert!(m.contains(want), "{name}: {m}");
    }
    let r = B::new()
        .csa(150.0)
        .add(
            10.0,
            EntryData::Dose(Dose {
                drug: Drug::Methylprednisolone,
                amount: None,
                route: crate::domain::drugs::Route::Iv,
                formulation: None,
                status: DoseStatus::Taken,
                scheduled_for: None,
            }),
        )
        .at(11.0);
    let i = r
        .iter()
        .find(|x| x.rule.code() == "interaction")
        .expect("mp");
    assert!(reminder_message(i, &zh).contains("甲泼尼龙"));
    let _ = Duration::zero();
}
