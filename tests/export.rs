//! Exports and imports on demo diaries: round trips, refusals that write nothing, and the
//! structure of every format (CSV columns, FHIR resources and codes, iCalendar recurrence,
//! well-formed HTML with the figures of the period).

mod common;

use std::collections::BTreeMap;

use common::Diary;
use serde_json::Value;

fn demo(years: &str) -> Diary {
    let d = Diary::new();
    d.ok(&["demo", "--years", years]);
    d
}

fn export(d: &Diary, format: &str, extra: &[&str]) -> String {
    let mut args = vec!["export", "--format", format];
    args.extend_from_slice(extra);
    d.ok(&args)
}

/// Entries by uid: (at, kind, the whole record except the id).
fn by_uid(d: &Diary) -> BTreeMap<String, Value> {
    let all = d.json(&["list", "--deleted", "--format", "json"]);
    all.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e.as_object_mut().unwrap().remove("id");
            (e["uid"].as_str().unwrap().to_string(), e)
        })
        .collect()
}

#[test]
fn json_round_trip_is_identical_and_idempotent() {
    let src = demo("2");
    src.ok(&["log", "platelets", "45", "--note", "中文备注, \"quoted\""]);
    src.ok(&["delete", "1"]);
    src.ok(&["note", "--for-visit", "能减量吗？"]);
    src.ok(&["profile", "--diagnosed", "2023-02-18"]);
    let backup = export(&src, "json", &[]);
    let path = src.dir.path().join("backup.json");
    std::fs::write(&path, &backup).unwrap();

    let dst = Diary::new();
    dst.ok(&["log", "weight", "60"]); // an existing diary: merge
    // It shares nothing with the backup and has no patient id yet: the same person is said.
    let out = dst.ok(&["import", path.to_str().unwrap(), "--merge-anyway"]);
    assert!(out.contains("0 already present"), "{out}");
    let a = by_uid(&src);
    let mut b = by_uid(&dst);
    assert_eq!(b.len(), a.len() + 1);
    b.retain(|k, _| a.contains_key(k));
    assert_eq!(a, b, "identical entries, deleted ones still deleted");
    // Regimens, questions and profile came along.
    let rs: Value = serde_json::from_str(&dst.ok(&["regimen", "show", "--json"])).unwrap();
    let rs0: Value = serde_json::from_str(&src.ok(&["regimen", "show", "--json"])).unwrap();
    assert_eq!(
        rs[0]["steps"].as_array().unwrap().len(),
        rs0[0]["steps"].as_array().unwrap().len()
    );
    assert!(dst.ok(&["note", "--list"]).contains("能减量吗？"));
    assert!(dst.ok(&["profile"]).contains("2023-02-18"));
    // Twice: nothing changes.
    let before = dst.content();
    let out = dst.ok(&["import", path.to_str().unwrap()]);
    assert!(out.starts_with("Imported 0 entries"), "{out}");
    assert_eq!(dst.content(), before);
}

#[test]
fn broken_backups_write_nothing() {
    let src = demo("1");
    let backup = export(&src, "json", &[]);
    let dst = Diary::new();
    dst.ok(&["log", "weight", "60"]);
    let before = dst.content();
    let v: Value = serde_json::from_str(&backup).unwrap();
    let mut wrong_type = v.clone();
    wrong_type["entries"][3]["at"] = Value::from(12);
    let mut bad_unit = v.clone();
    let n = bad_unit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["data"]["kind"] == "lab")
        .unwrap();
    bad_unit["entries"][n]["data"]["entered"]["unit"] = Value::from("furlongs");
    let mut out_of_range = v.clone();
    let p = out_of_range["entries"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["data"]["kind"] == "platelets")
        .unwrap();
    out_of_range["entries"][p]["data"]["entered"]["value"] = Value::from(99999);
    let mut unknown_field = v.clone();
    unknown_field["entries"][0]["colour"] = Value::from("red");
    let mut newer = v.clone();
    newer["version"] = Value::from(99);
    let cases: Vec<(String, String)> = vec![
        (backup[..backup.len() / 2].to_string(), "line".into()),
        // The JSON path of the problem (was "line 1, column …" before issue 14).
        (serde_json::to_string(&wrong_type).unwrap(), "entries[3].at".into()),
        (serde_json::to_string_pretty(&bad_unit).unwrap(), format!("entries[{n}]")),
        (serde_json::to_string_pretty(&out_of_range).unwrap(), format!("entries[{p}]")),
        (serde_json::to_string_pretty(&unknown_field).unwrap(), "colour".into()),
        (serde_json::to_string_pretty(&newer).unwrap(), "version: 99".into()),
        ("{\"format\": \"something else\", \"version\": 1, \"exported_at\": \"2026-03-10T14:30:00+08:00\"}".into(), "not an itp-diary backup".into()),
    ];
    for (k, (text, expected)) in cases.iter().enumerate() {
        let path = dst.dir.path().join(format!("bad{k}.json"));
        std::fs::write(&path, text).unwrap();
        let out = dst
            .cmd()
            .args(["import", path.to_str().unwrap()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "case {k}: {err}");
        assert!(
            err.contains(expected.as_str()) && err.contains("nothing was imported"),
            "case {k}: {err}"
        );
        assert_eq!(dst.content(), before, "case {k} changed the diary");
    }
}

#[test]
fn csv_has_every_field_of_every_kind() {
    let d = Diary::new();
    common::every_kind(&d);
    let text = export(&d, "csv", &[]);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        itp_diary::export::flat::COLUMNS
    );
    let rows: Vec<BTreeMap<String, String>> = r
        .records()
        .map(|row| {
            headers
                .iter()
                .zip(row.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 10);
    let find = |kind: &str, subject: &str| {
        rows.iter()
            .find(|r| r["kind"] == kind && r["subject"] == subject)
            .unwrap_or_else(|| panic!("{kind} {subject}"))
    };
    let p = find("platelets", "");
    assert_eq!(
        (
            p["value"].as_str(),
            p["unit"].as_str(),
            p["entered_value"].as_str(),
            p["entered_unit"].as_str(),
            p["lab"].as_str()
        ),
        ("45", "×10⁹/L", "4.5", "万/µL", "协和医院")
    );
    assert_eq!(p["at"], "2026-03-09T08:00:00+08:00");
    let dose = find("dose", "cyclosporine");
    assert_eq!(
        (
            dose["value"].as_str(),
            dose["unit"].as_str(),
            dose["entered_value"].as_str(),
            dose["entered_unit"].as_str()
        ),
        ("150", "mg", "1.5", "mL")
    );
    assert_eq!(
        (
            dose["mg_per_ml"].as_str(),
            dose["formulation"].as_str(),
            dose["status"].as_str(),
            dose["route"].as_str()
        ),
        ("100", "新山地明", "taken", "oral")
    );
    assert_eq!(dose["scheduled_for"], "2026-03-10T08:00:00+08:00");
    let t = find("lab", "csa_trough");
    assert_eq!(
        (
            t["value"].as_str(),
            t["entered_value"].as_str(),
            t["entered_unit"].as_str()
        ),
        ("120.26", "100", "nmol/L")
    );
    assert_eq!(
        (t["reference_low"].as_str(), t["reference_high"].as_str()),
        ("96.208", "192.416")
    );
    assert_eq!(
        (
            t["hours_since_dose"].as_str(),
            t["method"].as_str(),
            t["lab"].as_str()
        ),
        ("11.75", "LC-MS/MS", "L")
    );
    let crs: Vec<_> = rows
        .iter()
        .filter(|r| r["subject"] == "creatinine")
        .collect();
    assert_eq!(crs.len(), 2);
    assert!(
        crs.iter()
            .any(|r| r["value"] == "106.08" && r["entered_unit"] == "mg/dL")
    );
    let w = find("weight", "");
    assert_eq!(
        (w["value"].as_str(), w["entered_unit"].as_str()),
        ("62.5957471", "lb")
    );
    let bp = find("bp", "");
    assert_eq!(
        (
            bp["systolic"].as_str(),
            bp["diastolic"].as_str(),
            bp["pulse"].as_str(),
            bp["value"].as_str()
        ),
        ("128", "82", "70", "128")
    );
    let b = find("bleeding", "nose");
    // zero stays zero; absent stays empty
    assert_eq!(
        (
            b["minutes"].as_str(),
            b["size_cm"].as_str(),
            b["count"].as_str(),
            b["care_needed"].as_str()
        ),
        ("0", "0", "1", "true")
    );
    assert_eq!(b["systolic"], "");
    let s = find("side_effect", "tremor");
    assert_eq!(s["severity"], "2");
    let e = find("event", "medication_start");
    assert_eq!(
        (e["medication"].as_str(), e["note"].as_str()),
        ("氟康唑", "a, \"b\"\nc")
    );
    assert!(rows.iter().all(|r| r["deleted"] == "false"));
}

fn parse_html(html: &str) -> roxmltree::Document<'_> {
    let opt = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(html, opt).expect("well-formed")
}

#[test]
fn html_report_is_well_formed_and_has_the_figures() {
    let d = demo("2");
    d.ok(&["note", "--for-visit", "Can we <lower> the dose & when?"]);
    let html = export(&d, "html", &["--from", "2025-09-01", "--to", "2026-03-10"]);
    let doc = parse_html(&html);
    let text: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap_or_default())
        .collect();
    assert!(text.contains("Can we <lower> the dose & when?"));
    assert!(text.contains("complete response (CR)"));
    assert!(text.contains("2025-09-01 — 2026-03-10"));
    assert!(doc.descendants().any(|n| n.has_tag_name("svg")));
    assert!(!html.contains("<script"), "no scripts");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no network"
    );
    assert!(html.contains("@media print") && html.contains("break-before: page"));
    // The last platelet count of the period is in the table.
    let list = d.json(&[
        "list",
        "platelets",
        "--to",
        "2026-03-09",
        "--format",
        "json",
        "--limit",
        "1",
    ]);
    let last = list[0]["value"].as_f64().unwrap();
    assert!(
        text.contains(&itp_diary::domain::units::fmt_num(last, 1)),
        "{last}"
    );
    // Chinese.
    let zh = d.ok(&["--lang", "zh", "export", "--format", "html"]);
    let doc = parse_html(&zh);
    assert!(
        doc.descendants()
            .any(|n| n.text().is_some_and(|t| t.contains("门诊复诊报告")))
    );
    // Markdown: the same summary.
    let md = export(&d, "md", &[]);
    assert!(md.starts_with("# ITP diary — clinic report"));
    assert!(md.contains("| time | ×10⁹/L |"));
}

#[test]
fn since_last_visit_and_periods() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "30", "--at", "2026-02-01"]);
    d.ok(&["log", "event", "clinic-visit", "--at", "2026-02-15 09:00"]);
    d.ok(&["log", "platelets", "60", "--at", "2026-03-01"]);
    let csv = export(&d, "csv", &["--since-last-visit"]);
    assert_eq!(csv.lines().count(), 3, "{csv}"); // header, the visit, the count after it
    let csv = export(&d, "csv", &["--to", "2026-02-01"]);
    assert_eq!(csv.lines().count(), 2);
    let out = d
        .cmd()
        .args([
            "export",
            "--format",
            "csv",
            "--from",
            "2026-03-05",
            "--to",
            "2026-03-01",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let fresh = Diary::new();
    fresh.ok(&["log", "platelets", "30"]);
    let out = fresh
        .cmd()
        .args(["export", "--format", "csv", "--since-last-visit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no clinic visit"));
}

#[test]
fn lab_csv_import_is_all_or_nothing() {
    let d = Diary::new();
    d.ok(&["log", "weight", "60"]);
    let good = "time,analyte,value,unit,reference\n2026-03-01 08:00,creatinine,88,umol/L,41-111\n2026-03-01 08:00,ALT,35,U/L,\n2026-03-02 08:00,platelets,45,10^9/L,\n";
    let bad = "time,analyte,value,unit\n2026-03-01 08:00,creatinine,88,mmol/L\n2026-03-01 08:00,potassium,4.2,mmol/L\n2026-03-01 08:00,unobtainium,1,g\n";
    let p_bad = d.dir.path().join("bad.csv");
    std::fs::write(&p_bad, bad).unwrap();
    let before = d.content();
    let out = d
        .cmd()
        .args(["import", p_bad.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("line 2: creatinine: unknown unit 'mmol/L'"),
        "{err}"
    );
    assert!(
        err.contains("line 4: lab test: unknown test 'unobtainium'"),
        "{err}"
    );
    assert_eq!(d.content(), before);
    let out = d.ok(&["import", p_bad.to_str().unwrap(), "--skip-invalid"]);
    assert!(out.contains("Imported 1 result ("), "{out}");
    let p = d.dir.path().join("good.csv");
    std::fs::write(&p, good).unwrap();
    assert!(
        d.ok(&["import", p.to_str().unwrap()])
            .contains("Imported 3 results (0 already present")
    );
    assert!(
        d.ok(&["import", p.to_str().unwrap()])
            .contains("Imported 0 results (3 already present")
    );
    let headers = "when,analyte,value,unit\n";
    std::fs::write(&p, headers).unwrap();
    let out = d
        .cmd()
        .args(["import", p.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown column 'when'"));
}

#[cfg(unix)]
#[test]
fn backup_restore_and_daily_rotation() {
    use std::os::unix::fs::PermissionsExt;
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    let copy = d.dir.path().join("copy.sqlite");
    d.ok(&["backup", copy.to_str().unwrap()]);
    assert_eq!(
        std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777,
        0o600
    );
    d.ok(&["log", "platelets", "60"]);
    let out = d.ok(&["restore", copy.to_str().unwrap()]);
    assert!(out.contains("previous diary was kept"), "{out}");
    let list = d.json(&["list", "--format", "json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["value"], 45.0);
    // The kept copy has both counts.
    let backups = d.db.parent().unwrap().join("backups");
    let kept: Vec<_> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("before-restore"))
        .collect();
    assert_eq!(kept.len(), 1);
    let n: i64 = rusqlite::Connection::open(&kept[0])
        .unwrap()
        .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
    // A file that is not a diary is refused and nothing changes.
    let junk = d.dir.path().join("junk.sqlite");
    std::fs::write(&junk, b"not a database at all").unwrap();
    let before = d.content();
    let out = d
        .cmd()
        .args(["restore", junk.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("left as it was"));
    assert_eq!(d.content(), before);
    // One automatic backup per day, the newest 7 kept.
    for day in 1..=9 {
        d.cmd()
            .env("ITP_DIARY_NOW", format!("2026-04-{day:02}T09:00:00+08:00"))
            .args(["list"])
            .assert()
            .success();
    }
    let autos: Vec<String> = {
        let mut v: Vec<String> = std::fs::read_dir(&backups)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.contains("-auto-"))
            .collect();
        v.sort();
        v
    };
    // Named by the diary (issue 12: a second diary in the folder keeps its own).
    let stem = d.db.file_stem().unwrap().to_string_lossy().to_string();
    assert_eq!(autos.len(), 7, "{autos:?}");
    assert_eq!(
        autos.last().unwrap(),
        &format!("{stem}-auto-2026-04-09.sqlite")
    );
}
