//! Table-driven tests of the validation bounds (clinical.md F).
use super::*;

fn t(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

#[test]
fn platelet_bounds_table() {
    // (value, unit, ok, warnings)
    let cases: &[(f64, Option<&str>, bool, usize)] = &[
        (0.0, None, true, 1),
        (4.9, None, true, 1),
        (5.0, None, true, 0),
        (45.0, None, true, 0),
        (1000.0, None, true, 1),
        (2000.0, None, true, 1),
        (2000.1, None, false, 0),
        (-1.0, None, false, 0),
        (45000.0, Some("/uL"), true, 0),
        (45000.0, None, false, 0),
        (201.0, Some("万/µL"), false, 0),
    ];
    for &(v, unit, ok, nwarn) in cases {
        let r = platelets(v, unit, None);
        assert_eq!(r.is_ok(), ok, "{v} {unit:?}: {r:?}");
        if let Ok(c) = r {
            assert_eq!(c.warnings.len(), nwarn, "{v} {unit:?}: {:?}", c.warnings);
        }
    }
    let w = platelets(1500.0, None, None).unwrap().warnings;
    assert!(matches!(
        w[0].kind,
        WarningKind::ProbablyPerMicrolitre { .. }
    ));
}

#[test]
fn out_of_range_message_names_field_value_and_range() {
    let e = platelets(2500.0, None, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "platelets: 2500 ×10⁹/L is outside the accepted range 0–2000 ×10⁹/L"
    );
    let at = t("2026-03-01T08:00:00+08:00");
    let e = lab(
        Analyte::Creatinine,
        30.0,
        Some("mg/dL"),
        LabExtras::default(),
        at,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "creatinine: 2652 µmol/L is outside the accepted range 10–2000 µmol/L"
    );
}

#[test]
fn lab_bounds_table() {
    let at = t("2026-03-01T08:00:00+08:00");
    // (analyte, value, unit, accepted, warnings)
    let cases: &[(Analyte, f64, Option<&str>, bool, usize)] = &[
        (Analyte::CsaTrough, 180.0, None, true, 0),
        (Analyte::CsaTrough, 701.0, None, true, 1),
        (Analyte::CsaTrough, 3001.0, None, false, 0),
        (Analyte::CsaTrough, 2400.0, Some("nmol/L"), true, 1),
        // 3000 nmol/L = 3607.8 ng/mL: over the 3000 ng/mL bound.
        (Analyte::CsaTrough, 3000.0, Some("nmol/l"), false, 0),
        (Analyte::Creatinine, 88.0, None, false, 0),
        (Analyte::Creatinine, 88.0, Some("umol/L"), true, 0),
        (Analyte::Creatinine, 9.9, Some("umol/L"), false, 0),
        (Analyte::Creatinine, 0.1, Some("mg/dL"), false, 0),
        (Analyte::Creatinine, 0.12, Some("mg/dL"), true, 0),
        (Analyte::Bun, 1.0, Some("mg/dL"), true, 0),
        (Analyte::Bun, 0.9, Some("mg/dL"), false, 0),
        (Analyte::Bun, 250.0, Some("mg/dL"), true, 0),
        (Analyte::Potassium, 2.9, None, true, 1),
        (Analyte::Potassium, 6.1, None, true, 1),
        (Analyte::Potassium, 9.1, None, false, 0),
        (Analyte::Magnesium, 0.4, Some("mmol/L"), true, 1),
        (Analyte::Magnesium, 0.09, Some("mmol/L"), false, 0),
        (Analyte::Haemoglobin, 13.5, Some("g/dL"), true, 0),
        (Analyte::Haemoglobin, 13.5, None, false, 0),
        (Analyte::Haemoglobin, 75.0, None, true, 1),
        (Analyte::Wbc, 1.5, None, true, 1),
        (Analyte::Wbc, 301.0, None, false, 0),
        (Analyte::Alt, 0.5, None, false, 0),
        (Analyte::Bilirubin, 801.0, Some("umol/L"), false, 0),
        (Analyte::UricAcid, 29.0, Some("umol/L"), false, 0),
    ];
    for &(a, v, u, ok, nwarn) in cases {
        let r = lab(a, v, u, LabExtras::default(), at);
        assert_eq!(r.is_ok(), ok, "{a:?} {v} {u:?}: {r:?}");
        if let Ok(c) = r {
            assert_eq!(c.warnings.len(), nwarn, "{a:?} {v} {u:?}");
        }
    }
}

#[test]
fn alt_three_times_uln_warns() {
    let at = t("2026-03-01T08:00:00+08:00");
    let extras = LabExtras {
        ref_high: Some(40.0),
        ..Default::default()
    };
    let c = lab(Analyte::Alt, 120.0, None, extras.clone(), at).unwrap();
    assert!(matches!(c.warnings[0].kind, WarningKind::AboveUln { .. }));
    let c = lab(Analyte::Alt, 119.0, None, extras, at).unwrap();
    assert!(c.warnings.is_empty());
}

#[test]
fn drug_level_last_dose() {
    let at = t("2026-03-01T08:00:00+08:00");
    let extras = LabExtras {
        last_dose_at: Some(t("2026-03-01T09:00:00+08:00")),
        ..Default::default()
    };
    assert!(lab(Analyte::CsaTrough, 150.0, None, extras.clone(), at).is_err());
    let ok = LabExtras {
        last_dose_at: Some(t("2026-02-28T20:00:00+08:00")),
        ..Default::default()
    };
    assert!(lab(Analyte::CsaTrough, 150.0, None, ok.clone(), at).is_ok());
    assert!(lab(Analyte::Potassium, 4.0, None, ok, at).is_err());
}

#[test]
fn weight_change_warning() {
    assert!(weight(62.5, None, Some(60.0)).unwrap().warnings.is_empty());
    // exactly 10% is not "more than 10%"
    assert!(weight(66.0, None, Some(60.0)).unwrap().warnings.is_empty());
    assert_eq!(weight(66.1, None, Some(60.0)).unwrap().warnings.len(), 1);
    assert_eq!(weight(53.9, None, Some(60.0)).unwrap().warnings.len(), 1);
    assert!(weight(1.9, None, None).is_err());
    assert!(weight(351.0, None, None).is_err());
    let lb = weight(138.0, Some("lb"), None).unwrap();
    let EntryData::Weight(w) = lb.value else {
        panic!()
    };
    assert!((w.kg - 62.596).abs() < 0.001);
}

#[test]
fn blood_pressure_table() {
    let cases: &[(&str, Option<&str>, bool)] = &[
        ("128/82", None, true),
        (" 128 / 82 ", Some("70"), true),
        ("128-82", None, false),
        ("82/128", None, false),
        ("120/120", None, false),
        ("301/90", None, false),
        ("49/30", None, false),
        ("120/19", None, false),
        ("120.5/80", None, false),
        ("abc/80", None, false),
        ("128/82", Some("19"), false),
        ("128/82", Some("70.5"), false),
    ];
    for &(bp, pulse, ok) in cases {
        assert_eq!(blood_pressure(bp, pulse).is_ok(), ok, "{bp} {pulse:?}");
    }
}

#[test]
fn numbers() {
    assert_eq!(parse_number("v", " 45 ").unwrap(), 45.0);
    assert_eq!(parse_number("v", "4.5").unwrap(), 4.5);
    for bad in [
        "4,5", "45,000", "", "abc", "NaN", "inf", "1e400", "4.5.6", "1e3",
    ] {
        assert!(parse_number("v", bad).is_err(), "{bad}");
    }
}

#[test]
fn doses() {
    let base = DoseInput {
        drug: Drug::Cyclosporine,
        amount: Some(150.0),
        unit: None,
        mg_per_ml: None,
        route: None,
        formulation: Some("Neoral".into()),
        status: DoseStatus::Taken,
        scheduled_for: None,
    };
    let c = dose(base.clone()).unwrap();
    let EntryData::Dose(d) = c.value else {
        panic!()
    };
    assert_eq!(d.amount.unwrap().value, 150.0);
    assert_eq!(d.route, Route::Oral);

    let ml = dose(DoseInput {
        amount: Some(1.5),
        unit: Some("mL".into()),
        mg_per_ml: Some(100.0),
        ..base.clone()
    })
    .unwrap();
    let EntryData::Dose(d) = ml.value else {
        panic!()
    };
    assert_eq!(d.amount.as_ref().unwrap().value, 150.0);
    assert_eq!(d.amount.unwrap().entered.unit, "mL");

    assert!(
        dose(DoseInput {
            unit: Some("mL".into()),
            ..base.clone()
        })
        .is_err()
    );
    assert!(
        dose(DoseInput {
            unit: Some("U".into()),
            ..base.clone()
        })
        .is_err()
    );
    assert!(
        dose(DoseInput {
            amount: Some(0.0),
            ..base.clone()
        })
        .is_err()
    );
    assert!(
        dose(DoseInput {
            amount: None,
            ..base.clone()
        })
        .is_err()
    );
    assert!(
        dose(DoseInput {
            amount: None,
            status: DoseStatus::Missed,
            ..base.clone()
        })
        .is_ok()
    );
    let tpo = dose(DoseInput {
        drug: Drug::Rhtpo,
        amount: Some(15000.0),
        unit: Some("U".into()),
        formulation: None,
        ..base
    })
    .unwrap();
    let EntryData::Dose(d) = tpo.value else {
        panic!()
    };
    assert_eq!(d.amount.unwrap().unit, "U");
    assert_eq!(d.route, Route::Sc);
}

#[test]
fn events_and_notes() {
    assert!(event(EventKind::MedicationStart, None).is_err());
    assert!(event(EventKind::MedicationStart, Some(" fluconazole ".into())).is_ok());
    assert!(event(EventKind::Ivig, None).is_ok());
    assert!(side_effect(SideEffectKind::Tremor, Some(4)).is_err());
    assert!(bleeding(BleedingSite::Nose, None, None, Some(20_000), false).is_err());
    assert!(note(Some("a\u{7}b".into())).is_err());
    assert_eq!(note(Some("  ".into())).unwrap(), None);
    assert_eq!(
        note(Some("line\nline".into())).unwrap().as_deref(),
        Some("line\nline")
    );
}

/// Full-width digits as a Chinese input method types them (session 7: "４５" and "１２８／８２"
/// were refused by the entry forms); a full-width comma stays refused (a decimal comma is not
/// guessed).
#[test]
fn full_width_digits_read_as_ascii() {
    assert_eq!(parse_number("value", "４５").unwrap(), 45.0);
    assert_eq!(parse_number("value", "７．５").unwrap(), 7.5);
    assert_eq!(parse_number("value", "－３").unwrap(), -3.0);
    assert!(parse_number("value", "４，５").is_err());
    let bp = blood_pressure("１２８／８２", None).unwrap();
    assert!(
        matches!(bp.value, EntryData::BloodPressure(b) if b.systolic == 128 && b.diastolic == 82)
    );
}
