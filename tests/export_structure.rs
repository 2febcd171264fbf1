//! Exports on demo diaries, continued: the structure of the FHIR bundle (resources, codes,
//! references) and of the iCalendar file (recurrence against the regimen).

mod common;

use common::Diary;
use serde_json::Value;

fn export(d: &Diary, format: &str, extra: &[&str]) -> String {
    let mut args = vec!["export", "--format", format];
    args.extend_from_slice(extra);
    d.ok(&args)
}

fn resources(bundle: &Value) -> Vec<&Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .collect()
}

#[test]
fn fhir_bundle_is_valid_r4() {
    let d = Diary::new();
    common::every_kind(&d);
    d.ok(&[
        "profile",
        "--diagnosed",
        "2025-01-10",
        "--birth-year",
        "1986",
        "--sex",
        "female",
    ]);
    d.ok(&[
        "regimen",
        "start",
        "csa",
        "--dose",
        "150,150",
        "--formulation",
        "Neoral",
        "--start",
        "2026-03-01",
    ]);
    let b: Value = serde_json::from_str(&export(&d, "fhir", &[])).unwrap();
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    let dt = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s).is_ok()
            || chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
            || (s.len() == 4 && s.parse::<u32>().is_ok())
    };
    assert!(dt(b["timestamp"].as_str().unwrap()));
    let urls: Vec<&str> = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    for u in &urls {
        let id = u.strip_prefix("urn:uuid:").expect("urn:uuid");
        assert_eq!(id.len(), 36);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'));
    }
    let mut seen = urls.clone();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), urls.len(), "fullUrls are unique");
    let rs = resources(&b);
    let of = |t: &str| {
        rs.iter()
            .filter(|r| r["resourceType"] == t)
            .copied()
            .collect::<Vec<_>>()
    };
    let patient = of("Patient");
    assert_eq!(patient.len(), 1);
    assert_eq!(patient[0]["gender"], "female");
    assert_eq!(patient[0]["birthDate"], "1986");
    assert!(
        patient[0].get("name").is_none(),
        "no identifying data unless the profile has it"
    );
    let cond = of("Condition");
    assert_eq!(
        cond[0]["code"]["coding"][0]["system"],
        "http://hl7.org/fhir/sid/icd-10"
    );
    assert_eq!(cond[0]["code"]["coding"][0]["code"], "D69.3");
    assert_eq!(cond[0]["onsetDateTime"], "2025-01-10");
    // Every reference resolves inside the bundle.
    for r in &rs {
        if let Some(s) = r.get("subject") {
            assert!(urls.contains(&s["reference"].as_str().unwrap()), "{s}");
        }
    }
    let loinc = |r: &Value| r["code"]["coding"][0]["code"].as_str().map(str::to_string);
    let obs = of("Observation");
    for o in &obs {
        assert_eq!(o["status"], "final");
        assert!(dt(o["effectiveDateTime"].as_str().unwrap()));
        assert!(o["code"].is_object());
        assert!(
            o["category"][0]["coding"][0]["system"]
                == "http://terminology.hl7.org/CodeSystem/observation-category"
        );
        if let Some(q) = o.get("valueQuantity") {
            assert!(q["value"].is_number(), "{q}");
            assert_eq!(q["system"], "http://unitsofmeasure.org");
            assert!(q["code"].is_string());
        }
        if o["code"].get("coding").is_some() {
            assert_eq!(o["code"]["coding"][0]["system"], "http://loinc.org");
        }
    }
    let by_code = |c: &str| {
        obs.iter()
            .filter(|o| loinc(o).as_deref() == Some(c))
            .copied()
            .collect::<Vec<_>>()
    };
    let plt = by_code("777-3");
    assert_eq!(plt[0]["valueQuantity"]["value"], 45.0);
    assert_eq!(plt[0]["valueQuantity"]["code"], "10*9/L");
    let tr = by_code("53828-0");
    assert_eq!(tr[0]["valueQuantity"]["code"], "ng/mL");
    assert_eq!(tr[0]["valueQuantity"]["value"], 120.26);
    assert!(tr[0]["referenceRange"][0]["low"]["value"].is_number());
    // Creatinine: the code matches the unit as reported.
    let mass = by_code("2160-0");
    assert_eq!(mass[0]["valueQuantity"]["value"], 1.2);
    assert_eq!(mass[0]["valueQuantity"]["code"], "mg/dL");
    let molar = by_code("14682-9");
    assert_eq!(molar[0]["valueQuantity"]["value"], 90.0);
    assert_eq!(molar[0]["valueQuantity"]["code"], "umol/L");
    let bp = by_code("85354-9");
    let comps = bp[0]["component"].as_array().unwrap();
    assert_eq!(comps[0]["code"]["coding"][0]["code"], "8480-6");
    assert_eq!(comps[0]["valueQuantity"]["code"], "mm[Hg]");
    assert_eq!(comps[1]["code"]["coding"][0]["code"], "8462-4");
    let wt = by_code("29463-7");
    assert_eq!(wt[0]["valueQuantity"]["code"], "kg");
    // Bleeding and side effects: text-only codes (valid CodeableConcepts); the
    // medication-start event is a MedicationStatement (tests/fhir_meaning.rs).
    assert_eq!(
        obs.iter()
            .filter(|o| o["code"].get("coding").is_none())
            .count(),
        2
    );
    let ms = of("MedicationStatement");
    assert_eq!(ms[0]["status"], "active");
    // The brand is a Medication resource; its ingredient carries the drug's codes.
    let med = of("Medication");
    assert_eq!(
        ms[0]["medicationReference"]["reference"],
        format!("urn:uuid:{}", med[0]["id"].as_str().unwrap())
    );
    let codes: Vec<(&str, &str)> = med[0]["ingredient"][0]["itemCodeableConcept"]["coding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["system"].as_str().unwrap(), c["code"].as_str().unwrap()))
        .collect();
    assert!(codes.contains(&("http://www.whocc.no/atc", "L04AD01")));
    assert!(codes.contains(&("http://www.nlm.nih.gov/research/umls/rxnorm", "3008")));
    let ma = of("MedicationAdministration");
    assert_eq!(ma.len(), 1);
    assert_eq!(ma[0]["status"], "completed");
    assert_eq!(ma[0]["dosage"]["dose"]["value"], 150.0);
    assert_eq!(ma[0]["dosage"]["dose"]["code"], "mg");
    assert!(dt(ma[0]["effectiveDateTime"].as_str().unwrap()));
}

/// Unfold an iCalendar text and check its lines.
fn ics_lines(text: &str) -> Vec<String> {
    assert!(text.ends_with("\r\n"));
    for raw in text.split("\r\n") {
        assert!(raw.len() <= 75, "line over 75 octets: {raw}");
        assert!(!raw.contains('\n'));
    }
    let mut out: Vec<String> = Vec::new();
    for raw in text.split("\r\n").filter(|l| !l.is_empty()) {
        match raw.strip_prefix(' ') {
            Some(cont) => out.last_mut().unwrap().push_str(cont),
            None => out.push(raw.to_string()),
        }
    }
    out
}

#[test]
fn ics_recurrence_matches_the_regimen() {
    let d = Diary::new();
    d.ok(&[
        "regimen",
        "start",
        "csa",
        "--dose",
        "150,100",
        "--times",
        "08:00,20:00",
        "--formulation",
        "Neoral",
        "--start",
        "2026-02-01",
    ]);
    d.ok(&[
        "regimen",
        "change",
        "--dose",
        "125,100",
        "--from",
        "2026-03-01",
    ]);
    let lines = ics_lines(&export(&d, "ics", &[]));
    assert_eq!(lines.first().unwrap(), "BEGIN:VCALENDAR");
    assert_eq!(lines.last().unwrap(), "END:VCALENDAR");
    let mut depth = 0i32;
    for l in &lines {
        if l.starts_with("BEGIN:") {
            depth += 1;
        } else if l.starts_with("END:") {
            depth -= 1;
        }
        assert!(depth >= 0);
    }
    assert_eq!(depth, 0);
    assert!(lines.contains(&"VERSION:2.0".to_string()));
    // Split into events.
    let mut events: Vec<Vec<String>> = Vec::new();
    let mut cur: Option<Vec<String>> = None;
    for l in &lines {
        match l.as_str() {
            "BEGIN:VEVENT" => cur = Some(Vec::new()),
            "END:VEVENT" => events.push(cur.take().unwrap()),
            _ => {
                if let Some(c) = cur.as_mut() {
                    c.push(l.clone());
                }
            }
        }
    }
    let prop = |e: &Vec<String>, k: &str| e.iter().find(|l| l.starts_with(k)).cloned();
    let doses: Vec<_> = events
        .iter()
        .filter(|e| prop(e, "CATEGORIES").as_deref() == Some("CATEGORIES:MEDICATION"))
        .collect();
    assert_eq!(doses.len(), 4, "2 steps × 2 dose times");
    let starts: Vec<String> = doses.iter().map(|e| prop(e, "DTSTART").unwrap()).collect();
    assert_eq!(
        starts,
        // In the patient's zone, defined by a VTIMEZONE (floating times before issue 14).
        [
            "DTSTART;TZID=Asia/Shanghai:20260201T080000",
            "DTSTART;TZID=Asia/Shanghai:20260201T200000",
            "DTSTART;TZID=Asia/Shanghai:20260301T080000",
            "DTSTART;TZID=Asia/Shanghai:20260301T200000"
        ]
    );
    assert_eq!(
        prop(doses[0], "RRULE").unwrap(),
        "RRULE:FREQ=DAILY;INTERVAL=1;UNTIL=20260228T000000Z"
    );
    assert_eq!(
        prop(doses[2], "RRULE").unwrap(),
        "RRULE:FREQ=DAILY;INTERVAL=1"
    );
    assert!(prop(doses[0], "SUMMARY").unwrap().contains("150 mg"));
    assert!(prop(doses[3], "SUMMARY").unwrap().contains("100 mg"));
    for e in &events {
        assert!(
            prop(e, "UID").is_some()
                && prop(e, "DTSTAMP").is_some()
                && prop(e, "DTSTART").is_some()
        );
    }
    // Monitoring dates are all-day events.
    let mon: Vec<_> = events
        .iter()
        .filter(|e| prop(e, "CATEGORIES").as_deref() == Some("CATEGORIES:MONITORING"))
        .collect();
    assert!(!mon.is_empty());
    assert!(prop(mon[0], "DTSTART;VALUE=DATE:").is_some());
}
