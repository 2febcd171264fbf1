//! The real binary on temp diaries: every kind logs, lists and round-trips; every kind of bad
//! input exits 2 with a one-line message and leaves the diary unchanged.

mod common;

use common::{Diary, cmd_on};
use predicates::prelude::*;

#[test]
fn logs_every_kind_and_lists_it_as_json() {
    let d = Diary::new();
    d.ok(&[
        "log",
        "platelets",
        "4.5",
        "--unit",
        "万/uL",
        "--at",
        "2026-03-09 08:00",
        "--lab",
        "PUMCH",
    ]);
    d.ok(&[
        "log",
        "dose",
        "csa",
        "150",
        "--formulation",
        "Neoral",
        "--at",
        "08:00",
    ]);
    d.ok(&[
        "log",
        "dose",
        "环孢素",
        "--missed",
        "--at",
        "yesterday 20:00",
    ]);
    d.ok(&[
        "log",
        "lab",
        "creatinine",
        "1.1",
        "--unit",
        "mg/dL",
        "--ref",
        "0.5-1.2",
        "--at",
        "07:30",
    ]);
    d.ok(&[
        "log",
        "lab",
        "csa-trough",
        "100",
        "--unit",
        "nmol/L",
        "--last-dose",
        "yesterday 20:00",
        "--at",
        "07:45",
    ]);
    d.ok(&["log", "weight", "138", "--unit", "lb"]);
    d.ok(&["log", "bp", "128/82", "--pulse", "70"]);
    d.ok(&[
        "log",
        "bleeding",
        "--site",
        "gums",
        "--minutes",
        "10",
        "--care",
    ]);
    d.ok(&["log", "side-effect", "tremor", "--severity", "2"]);
    d.ok(&["log", "event", "ivig", "--note", "1 g/kg"]);

    let all = d.json(&["list", "--format", "json"]);
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 10);
    // Newest first; the platelet count from yesterday 08:00 is the oldest.
    let last = &all[9];
    assert_eq!(last["kind"], "platelets");
    assert_eq!(last["value"], 45.0);
    assert_eq!(last["unit"], "×10⁹/L");
    assert_eq!(last["entered_value"], 4.5);
    assert_eq!(last["entered_unit"], "万/µL");
    assert_eq!(last["lab"], "PUMCH");
    assert_eq!(last["at"], "2026-03-09T08:00:00+08:00");

    let by = |kind: &str, subject: Option<&str>| {
        all.iter()
            .find(|e| e["kind"] == kind && subject.is_none_or(|s| e["subject"] == s))
            .unwrap_or_else(|| panic!("no {kind}"))
            .clone()
    };
    let cr = by("lab", Some("creatinine"));
    assert_eq!(cr["value"], 97.24);
    assert_eq!(cr["unit"], "µmol/L");
    assert_eq!(cr["reference_high"], 106.08);
    let trough = by("lab", Some("csa_trough"));
    assert_eq!(trough["value"], 120.26);
    assert_eq!(trough["hours_since_dose"], 11.75);
    let w = by("weight", None);
    assert!((w["value"].as_f64().unwrap() - 62.596).abs() < 0.001);
    assert_eq!(w["entered_unit"], "lb");
    let bp = by("bp", None);
    assert_eq!(
        (
            bp["systolic"].as_u64(),
            bp["diastolic"].as_u64(),
            bp["pulse"].as_u64()
        ),
        (Some(128), Some(82), Some(70))
    );
    let dose = all
        .iter()
        .find(|e| e["kind"] == "dose" && e["status"] == "taken")
        .unwrap();
    assert_eq!(dose["drug"], "cyclosporine");
    assert_eq!(dose["value"], 150.0);
    assert_eq!(dose["unit"], "mg");
    assert_eq!(dose["formulation"], "Neoral");
    assert_eq!(dose["route"], "oral");
    let bleed = by("bleeding", None);
    assert_eq!(
        (
            bleed["site"].as_str(),
            bleed["minutes"].as_u64(),
            bleed["care_needed"].as_bool()
        ),
        (Some("gums"), Some(10), Some(true))
    );
    assert_eq!(by("side_effect", None)["severity"], 2);
    assert_eq!(by("event", None)["note"], "1 g/kg");

    // Filters.
    assert_eq!(
        d.json(&["list", "lab", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        d.json(&["list", "--from", "2026-03-10", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        8
    );
    assert_eq!(
        d.json(&["list", "--to", "2026-03-09", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        d.json(&["list", "lab", "--subject", "csa-trough", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn soft_warnings_save_and_print() {
    let d = Diary::new();
    d.cmd()
        .args(["log", "platelets", "1500"])
        .assert()
        .success()
        .stderr(predicate::str::contains("per µL"));
    d.cmd()
        .args(["log", "lab", "potassium", "6.2"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: potassium 6.2 mmol/L is above 6",
        ));
    d.ok(&["log", "weight", "60"]);
    d.cmd()
        .args(["log", "weight", "67"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "weight changed from 60 kg to 67 kg",
        ));
    assert_eq!(
        d.json(&["list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

/// One row per kind of bad input: exit 2, a one-line message naming the problem, and the
/// diary exactly as it was.
#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45", "--at", "2026-03-01 08:00"]);
    d.ok(&["log", "weight", "60"]);
    let before = d.content();
    let cases: &[(&[&str], &str)] = &[
        (
            &["log", "platelets", "2500"],
            "outside the accepted range 0–2000",
        ),
        (&["log", "platelets", "-3"], "outside the accepted range"),
        (&["log", "platelets", "45000"], "--unit /uL"),
        (&["log", "platelets", "abc"], "'abc' is not a number"),
        (&["log", "platelets", "4,5"], "'4,5' is not a number"),
        (
            &["log", "platelets", "45", "--unit", "g/L"],
            "unknown unit 'g/L'",
        ),
        (
            &["log", "platelets", "45", "--at", "2026-03-12 08:00"],
            "more than a day in the future",
        ),
        (
            &["log", "platelets", "45", "--at", "last tuesday"],
            "is not a time",
        ),
        (
            &["log", "platelets", "45", "--note", "bell\u{7}"],
            "character 5 is U+0007, a control or text-direction character",
        ),
        (&["log", "dose", "aspirin", "100"], "unknown drug 'aspirin'"),
        (&["log", "dose", "csa"], "dose: a value is required"),
        (&["log", "dose", "csa", "0"], "outside the accepted range"),
        (&["log", "dose", "csa", "1.5", "--unit", "mL"], "mg/mL"),
        (
            &["log", "dose", "csa", "150", "--unit", "U"],
            "unknown unit 'U'",
        ),
        (
            &["log", "dose", "csa", "150", "--route", "nasal"],
            "'nasal' is not known",
        ),
        (
            &["log", "lab", "creatinine", "88"],
            "give the unit with --unit",
        ),
        (
            &["log", "lab", "creatinine", "88", "--unit", "mmol/L"],
            "accepted: µmol/L, mg/dL",
        ),
        (
            &["log", "lab", "creatinine", "30", "--unit", "mg/dL"],
            "2652 µmol/L is outside",
        ),
        (&["log", "lab", "sodium", "140"], "unknown test 'sodium'"),
        (
            &["log", "lab", "csa-trough", "3100"],
            "outside the accepted range 0–3000",
        ),
        (
            &["log", "lab", "csa-trough", "180", "--last-dose", "15:00"],
            "after the blood draw",
        ),
        (
            &[
                "log",
                "lab",
                "potassium",
                "4",
                "--last-dose",
                "yesterday 20:00",
            ],
            "only drug levels",
        ),
        (&["log", "lab", "alt", "40", "--ref", "40"], "LOW-HIGH"),
        (
            &["log", "lab", "alt", "40", "--ref", "50-10"],
            "is above high",
        ),
        (
            &["log", "weight", "400"],
            "outside the accepted range 2–350",
        ),
        (
            &["log", "weight", "60", "--unit", "st"],
            "unknown unit 'st'",
        ),
        (&["log", "bp", "128-82"], "SYSTOLIC/DIASTOLIC"),
        (&["log", "bp", "82/128"], "must be higher than diastolic"),
        (&["log", "bp", "350/90"], "systolic: 350 mmHg is outside"),
        (&["log", "bp", "120/80", "--pulse", "300"], "pulse: 300"),
        (
            &["log", "bleeding", "--site", "knee"],
            "'knee' is not known",
        ),
        (
            &["log", "bleeding", "--site", "nose", "--minutes", "20000"],
            "minutes: 20000",
        ),
        (&["log", "side-effect", "itching"], "'itching' is not known"),
        (
            &["log", "side-effect", "tremor", "--severity", "5"],
            "severity: 5",
        ),
        (&["log", "event", "party"], "'party' is not known"),
        (
            &["log", "event", "medication-start"],
            "medication: a value is required",
        ),
        (&["edit", "999", "--value", "50"], "no entry with id 999"),
        (
            &["edit", "1", "--value", "5000"],
            "outside the accepted range",
        ),
        (&["edit", "1", "--pulse", "60"], "--pulse does not apply"),
        (&["edit", "1"], "nothing to change"),
        (&["delete", "999"], "no entry with id 999"),
        (&["undelete", "999"], "no entry with id 999"),
        (&["list", "--from", "March"], "is not a date"),
        (&["list", "cats"], "'cats' is not known"),
        (&["--lang", "fr", "list"], "not a language"),
    ];
    for (args, expected) in cases {
        let out = d.cmd().args(*args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{args:?}: expected '{expected}' in: {stderr}"
        );
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "{args:?}: one line: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
        assert_eq!(d.content(), before, "{args:?} changed the diary");
    }
}

#[test]
fn bad_input_does_not_create_a_diary() {
    let d = Diary::new();
    d.cmd().args(["log", "platelets", "9999"]).assert().code(2);
    d.cmd().args(["log", "weight", "abc"]).assert().code(2);
    d.cmd()
        .args(["list"])
        .assert()
        .success()
        .stdout("No entries.\n");
    assert!(!d.db.exists());
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let d = Diary::new();
    d.cmd().args(["log"]).assert().code(2);
    d.cmd().args(["log", "platelets"]).assert().code(2);
    d.cmd().args(["frobnicate"]).assert().code(2);
    d.cmd().args(["delete", "x"]).assert().code(2);
    for cmd in [
        vec!["--help"],
        vec!["log", "--help"],
        vec!["log", "platelets", "--help"],
        vec!["log", "dose", "--help"],
        vec!["log", "lab", "--help"],
        vec!["log", "weight", "--help"],
        vec!["log", "bp", "--help"],
        vec!["log", "bleeding", "--help"],
        vec!["log", "side-effect", "--help"],
        vec!["log", "event", "--help"],
        vec!["list", "--help"],
        vec!["edit", "--help"],
        vec!["delete", "--help"],
        vec!["undelete", "--help"],
        vec!["paths", "--help"],
    ] {
        d.cmd()
            .args(&cmd)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage"));
    }
}

#[test]
fn edit_delete_undelete() {
    let d = Diary::new();
    d.ok(&[
        "log",
        "lab",
        "creatinine",
        "88",
        "--unit",
        "umol/L",
        "--ref",
        "41-111",
        "--at",
        "08:00",
    ]);
    d.ok(&[
        "edit", "1", "--value", "1.2", "--unit", "mg/dL", "--note", "re-typed",
    ]);
    let e = &d.json(&["list", "--format", "json"])[0];
    assert_eq!(e["value"], 106.08);
    assert_eq!(e["entered_unit"], "mg/dL");
    assert_eq!(e["note"], "re-typed");
    // The lab's range was kept (stored canonically, re-read in the new unit).
    assert!((e["reference_high"].as_f64().unwrap() - 111.0).abs() < 1e-6);
    assert_eq!(e["at"], "2026-03-10T08:00:00+08:00");

    d.ok(&["delete", "1"]);
    assert_eq!(
        d.json(&["list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let all = d.json(&["list", "--deleted", "--format", "json"]);
    assert_eq!(all[0]["deleted"], true);
    d.ok(&["undelete", "1"]);
    assert_eq!(d.json(&["list", "--format", "json"])[0]["deleted"], false);
}

#[test]
fn chinese_messages() {
    let d = Diary::new();
    d.cmd()
        .args(["--lang", "zh", "log", "platelets", "45"])
        .assert()
        .success()
        .stdout(predicate::str::contains("已保存 #1"));
    d.cmd()
        .env("LANG", "zh_CN.UTF-8")
        .args(["log", "lab", "creatinine", "88"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("肌酐（Cr）：请用 --unit 注明单位"));
    let table = d.ok(&["--lang", "zh", "list"]);
    assert!(table.contains("血小板计数（PLT）"), "{table}");
}

#[test]
fn csv_lists_every_column() {
    let d = Diary::new();
    d.ok(&["log", "bp", "120/80"]);
    d.ok(&["log", "bleeding", "--site", "nose", "--minutes", "0"]);
    let text = d.ok(&["list", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        itp_diary::export::flat::COLUMNS
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let col = |row: &csv::StringRecord, name: &str| {
        row[headers.iter().position(|h| h == name).unwrap()].to_string()
    };
    // Zero stays zero, absent stays empty.
    assert_eq!(col(&rows[0], "minutes"), "0");
    assert_eq!(col(&rows[0], "count"), "");
    assert_eq!(col(&rows[1], "systolic"), "120");
}

#[cfg(unix)]
#[test]
fn database_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    let mode = std::fs::metadata(&d.db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "file mode {mode:o}");
    let dir_mode = std::fs::metadata(d.db.parent().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700, "folder mode {dir_mode:o}");
}

#[test]
fn paths_follow_flag_then_environment() {
    let d = Diary::new();
    let out = d.ok(&["paths"]);
    assert!(
        out.contains(&format!("database: {}", d.db.display())),
        "{out}"
    );
    let mut c = assert_cmd::Command::cargo_bin("itp-diary").unwrap();
    c.env("ITP_DIARY_DB", "/tmp/elsewhere/x.sqlite")
        .env("ITP_DIARY_CONFIG", "/tmp/elsewhere/c.toml")
        .env("LANG", "C")
        .arg("paths")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "database: /tmp/elsewhere/x.sqlite",
        ))
        .stdout(predicate::str::contains("config: /tmp/elsewhere/c.toml"));
}

/// Two processes logging 200 entries each into the same file at the same time: all 400 arrive.
#[test]
fn two_writers_at_once_lose_nothing() {
    let d = Diary::new();
    d.ok(&["log", "weight", "60"]); // create the file first
    let db = d.db.clone();
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let db = db.clone();
            std::thread::spawn(move || {
                for i in 0..200 {
                    let out = cmd_on(&db)
                        .args([
                            "log",
                            "platelets",
                            &format!("{}", 10 + i),
                            "--note",
                            &format!("w{w}-{i}"),
                        ])
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let all = d.json(&["list", "platelets", "--format", "json"]);
    let notes: std::collections::HashSet<_> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["note"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(notes.len(), 400);
}
