//! Issue 16: `import --json` prints one object: what was imported, what was refused, and what
//! became of the settings.

mod common;

use common::Diary;

#[test]
fn import_json_of_a_backup_reports_counts_and_the_settings_outcome() {
    let src = Diary::new();
    src.ok(&["log", "platelets", "45"]);
    src.ok(&["log", "weight", "60"]);
    let backup = src.dir.path().join("backup.json");
    src.ok(&["export", "--format", "json", "-o", backup.to_str().unwrap()]);

    let d = Diary::new();
    let v = d.json(&["import", backup.to_str().unwrap(), "--json"]);
    assert_eq!(v["imported"], "backup", "{v}");
    assert_eq!(v["entries_added"], 2, "{v}");
    assert_eq!(v["entries_present"], 0, "{v}");
    assert_eq!(v["refused"], serde_json::json!([]), "{v}");
    assert_eq!(v["settings"], "none_in_backup", "{v}");
    assert!(v["new_diary"].is_null(), "{v}");

    // The same again: nothing new, still one object on one line.
    let out = d.ok(&["import", backup.to_str().unwrap(), "--json"]);
    assert_eq!(out.trim().lines().count(), 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["entries_added"], 0, "{v}");
    assert_eq!(v["entries_present"], 2, "{v}");
}

#[test]
fn import_json_of_a_lab_sheet_lists_refused_rows() {
    let d = Diary::new();
    let sheet = "time,analyte,value,unit\n2026-03-01 08:00,creatinine,88,umol/L\n2026-03-01 08:00,unobtainium,1,g\n";
    let p = d.dir.path().join("labs.csv");
    std::fs::write(&p, sheet).unwrap();
    let out = d
        .cmd()
        .args(["import", p.to_str().unwrap(), "--skip-invalid", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    // The refusals are in the object, not also on stderr.
    assert!(!String::from_utf8_lossy(&out.stderr).contains("unobtainium"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["imported"], "lab_results", "{v}");
    assert_eq!(v["written"], true, "{v}");
    assert_eq!(v["entries_added"], 1, "{v}");
    assert_eq!(v["refused"][0]["line"], 3, "{v}");
    assert!(
        v["refused"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("unobtainium"),
        "{v}"
    );

    // Without --skip-invalid nothing is written: the object says so and the exit code is 2.
    let d2 = Diary::new();
    let out = d2
        .cmd()
        .args(["import", p.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["written"], false, "{v}");
    assert_eq!(v["entries_added"], 0, "{v}");
}
