//! What the FHIR bundle *says*, read the way a clinic system reads it: the active
//! MedicationStatement's dosages, one per time, each with its amount; closed, inclusive
//! periods; brands as Medication resources; drug levels with their timing; events as the
//! resources a clinic reads; ids that survive a backup → import.

mod common;

use common::Diary;
use serde_json::Value;

fn bundle(d: &Diary) -> Value {
    serde_json::from_str(&d.ok(&["export", "--format", "fhir"])).expect("bundle")
}

fn of<'b>(b: &'b Value, t: &str) -> Vec<&'b Value> {
    b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == t)
        .collect()
}

/// A clinic system's reading of "the current dose": the active MedicationStatements; per
/// dosage, the dose × the times a day; summed. Returns (mg/day, doses a day).
fn current_daily_dose(b: &Value) -> (f64, usize) {
    let active: Vec<_> = of(b, "MedicationStatement")
        .into_iter()
        .filter(|m| m["status"] == "active")
        .collect();
    assert_eq!(active.len(), 1, "one active statement: {active:#?}");
    let mut total = 0.0;
    let mut times = 0;
    for d in active[0]["dosage"].as_array().unwrap() {
        let r = &d["timing"]["repeat"];
        let per_day = r["frequency"].as_f64().unwrap() / r["period"].as_f64().unwrap();
        total += d["doseAndRate"][0]["doseQuantity"]["value"]
            .as_f64()
            .unwrap()
            * per_day;
        times += r["timeOfDay"].as_array().map_or(1, Vec::len);
    }
    (total, times)
}

#[test]
fn clinic_reads_the_current_step_of_a_five_step_taper() {
    let d = Diary::new();
    d.ok(&[
        "regimen",
        "start",
        "csa",
        "--dose",
        "150,150",
        "--formulation",
        "Neoral",
        "--start",
        "2026-01-01",
    ]);
    for (dose, from) in [
        ("125,125", "2026-01-20"),
        ("100,100", "2026-02-05"),
        ("75,75", "2026-02-25"),
        ("50,50", "2026-03-20"),
    ] {
        d.ok(&[
            "regimen", "change", "--dose", dose, "--from", from, "--taper",
        ]);
    }
    let b = bundle(&d);
    let (mg, times) = current_daily_dose(&b);
    assert_eq!((mg, times), (150.0, 2), "75 mg BID");
    let ms = of(&b, "MedicationStatement");
    let active = ms.iter().find(|m| m["status"] == "active").unwrap();
    for dose in active["dosage"].as_array().unwrap() {
        assert_eq!(dose["doseAndRate"][0]["doseQuantity"]["value"], 75.0);
    }
    assert_eq!(active["effectivePeriod"]["start"], "2026-02-25");
    assert_eq!(active["effectivePeriod"]["end"], "2026-03-19");
    let statuses: Vec<&str> = ms.iter().map(|m| m["status"].as_str().unwrap()).collect();
    assert_eq!(
        statuses,
        ["completed", "completed", "completed", "active", "intended"]
    );
    // Earlier steps are closed: the day before the next step (periods are inclusive).
    assert_eq!(ms[0]["effectivePeriod"]["end"], "2026-01-19");
    // The brand is a Medication every step refers to.
    let meds = of(&b, "Medication");
    assert_eq!(meds.len(), 1);
    assert!(meds[0]["code"]["text"].as_str().unwrap().contains("Neoral"));
    let reference = format!("urn:uuid:{}", meds[0]["id"].as_str().unwrap());
    assert!(
        ms.iter()
            .all(|m| m["medicationReference"]["reference"] == reference)
    );
}

#[test]
fn clinic_reads_unequal_amounts_as_one_dosage_per_time() {
    let d = Diary::new();
    d.ok(&[
        "regimen",
        "start",
        "csa",
        "--dose",
        "50,50,50,25",
        "--times",
        "06:00,12:00,18:00,23:00",
        "--formulation",
        "Sandimmun",
        "--start",
        "2026-03-01",
    ]);
    let b = bundle(&d);
    assert_eq!(
        current_daily_dose(&b),
        (175.0, 4),
        "175 mg/day in four doses"
    );
    let ms = of(&b, "MedicationStatement");
    let dosage = ms[0]["dosage"].as_array().unwrap();
    let by_time: Vec<(&str, f64)> = dosage
        .iter()
        .map(|x| {
            (
                x["timing"]["repeat"]["timeOfDay"][0].as_str().unwrap(),
                x["doseAndRate"][0]["doseQuantity"]["value"]
                    .as_f64()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_time,
        [
            ("06:00:00", 50.0),
            ("12:00:00", 50.0),
            ("18:00:00", 50.0),
            ("23:00:00", 25.0)
        ]
    );
}

#[test]
fn a_stopped_regimen_ends_on_the_last_day_taken_and_a_brand_change_shows() {
    let d = Diary::new();
    d.ok(&[
        "regimen",
        "start",
        "csa",
        "--dose",
        "100,100",
        "--formulation",
        "Neoral",
        "--start",
        "2026-01-01",
    ]);
    d.ok(&[
        "regimen",
        "change",
        "--formulation",
        "Sandimmun",
        "--from",
        "2026-02-01",
    ]);
    d.ok(&["regimen", "stop", "--on", "2026-03-05"]);
    let b = bundle(&d);
    let ms = of(&b, "MedicationStatement");
    assert_eq!(ms.len(), 2);
    assert!(ms.iter().all(|m| m["status"] == "completed"));
    assert_eq!(ms[1]["effectivePeriod"]["end"], "2026-03-04");
    assert_eq!(of(&b, "Medication").len(), 2, "Neoral and Sandimmun");
    assert_ne!(
        ms[0]["medicationReference"]["reference"],
        ms[1]["medicationReference"]["reference"]
    );
}

#[test]
fn drug_levels_keep_their_timing_lab_and_range() {
    let d = Diary::new();
    let lab = |v: &str, last: &str, at: &str| {
        d.ok(&[
            "log",
            "lab",
            "csa-trough",
            v,
            "--unit",
            "ng/mL",
            "--last-dose",
            last,
            "--lab",
            "协和医院检验科",
            "--ref",
            "100-200",
            "--at",
            at,
        ]);
    };
    lab("180", "2026-03-09 20:00", "2026-03-10 08:00"); // 12 h: a trough
    lab("420", "2026-03-09 08:00", "2026-03-09 17:00"); // 9 h: not a trough
    d.ok(&[
        "log",
        "lab",
        "csa-trough",
        "150",
        "--unit",
        "ng/mL",
        "--at",
        "2026-03-08 08:00",
    ]);
    let b = bundle(&d);
    let obs = of(&b, "Observation");
    let code = |o: &Value| o["code"]["coding"][0]["code"].as_str().unwrap().to_string();
    let v = |o: &Value| o["valueQuantity"]["value"].as_f64().unwrap();
    let find = |x: f64| *obs.iter().find(|o| v(o) == x).unwrap();
    assert_eq!(code(find(180.0)), "53828-0");
    let late = find(420.0);
    assert_eq!(code(late), "3520-4", "9 h after the dose is not a trough");
    assert_eq!(late["component"][0]["valueQuantity"]["value"], 9.0);
    assert_eq!(late["component"][0]["valueQuantity"]["code"], "h");
    assert!(
        late["note"][0]["text"]
            .as_str()
            .unwrap()
            .contains("not a trough")
    );
    assert_eq!(
        code(find(150.0)),
        "3520-4",
        "timing unknown: not judged a trough"
    );
    let t = find(180.0);
    assert_eq!(t["performer"][0]["display"], "协和医院检验科");
    assert_eq!(t["performer"][0]["type"], "Organization");
    assert_eq!(t["referenceRange"][0]["low"]["value"], 100.0);
    assert_eq!(t["referenceRange"][0]["high"]["value"], 200.0);
}

#[test]
fn events_are_the_resources_a_clinic_reads_and_edits_are_amended() {
    let d = Diary::new();
    let ev = |args: &[&str]| {
        let mut a = vec!["log", "event"];
        a.extend_from_slice(args);
        d.ok(&a)
    };
    ev(&["ivig", "--at", "2026-03-01 09:00"]);
    ev(&["steroid-pulse", "--at", "2026-03-02 09:00"]);
    ev(&["transfusion", "--at", "2026-03-03 09:00"]);
    ev(&[
        "vaccination",
        "--medication",
        "influenza",
        "--at",
        "2026-03-04 09:00",
    ]);
    ev(&["clinic-visit", "--at", "2026-03-05 09:00"]);
    ev(&[
        "medication-start",
        "--medication",
        "fluconazole",
        "--at",
        "2026-03-06 09:00",
    ]);
    ev(&[
        "medication-stop",
        "--medication",
        "fluconazole",
        "--at",
        "2026-03-07 09:00",
    ]);
    d.ok(&["log", "platelets", "30", "--at", "2026-03-08 09:00"]);
    d.ok(&["log", "platelets", "31", "--at", "2026-03-08 10:00"]);
    let listed = d.json(&["list", "--format", "json"]);
    let id_of = |count: f64| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "platelets" && e["value"].as_f64() == Some(count))
            .map(|e| e["id"].to_string())
            .unwrap()
    };
    d.ok(&["edit", &id_of(30.0), "--value", "32"]);
    d.ok(&["delete", &id_of(31.0)]);
    let b = bundle(&d);
    assert_eq!(
        of(&b, "MedicationAdministration").len(),
        2,
        "IVIG, steroid pulse"
    );
    assert_eq!(of(&b, "Procedure").len(), 1, "transfusion");
    assert_eq!(
        of(&b, "Immunization")[0]["vaccineCode"]["text"],
        "influenza"
    );
    assert_eq!(of(&b, "Encounter")[0]["class"]["code"], "AMB");
    let ms: Vec<&str> = of(&b, "MedicationStatement")
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    // The start has a later stop: it is over, and says when.
    assert_eq!(ms, ["completed", "stopped"]);
    let started = of(&b, "MedicationStatement")[0];
    assert_eq!(
        started["effectivePeriod"]["end"],
        "2026-03-07T09:00:00+08:00"
    );
    let obs = of(&b, "Observation");
    assert_eq!(obs.len(), 1, "the deleted count is left out");
    assert_eq!(obs[0]["status"], "amended");
    assert_eq!(obs[0]["valueQuantity"]["value"], 32.0);
}
