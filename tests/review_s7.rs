//! Findings of the session-7 reviews (the leftovers of session 6 and new outside runs), each
//! with the test that failed before its fix.

mod common;

use common::Diary;

/// A lab sheet whose note cell holds a line break: the refusal named the record's number
/// (line 3), not the line the user finds it on in an editor (line 4).
#[test]
fn a_refused_lab_row_is_named_by_its_physical_line() {
    let d = Diary::new();
    let sheet = d.dir.path().join("labs.csv");
    std::fs::write(
        &sheet,
        "date,analyte,value,unit,note\n\
         2026-03-01 08:00,creatinine,80,umol/L,\"fasting\nsecond line\"\n\
         2026-03-02 08:00,creatinine,abc,umol/L,\n",
    )
    .expect("write");
    let out = d
        .cmd()
        .args(["import", sheet.to_str().expect("utf-8")])
        .output()
        .expect("run");
    let err =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("line 4"), "{err}");
    assert!(!err.contains("line 3"), "{err}");
}

/// A backup whose own two plans of one drug overlap was refused with "this diary's plan" and
/// the advice to import it as a new patient, where it is refused again.
#[test]
fn a_backup_with_two_overlapping_plans_of_its_own_is_not_sent_to_a_new_diary() {
    let d = Diary::new();
    d.start_plan("100,100", "2026-02-01");
    let text = d.ok(&["export", "--format", "json", "-o", "-"]);
    let mut b: serde_json::Value = serde_json::from_str(&text).expect("json");
    let plans = b["regimens"].as_array_mut().expect("regimens");
    let mut second = plans[0].clone();
    second["uid"] = serde_json::json!("0f2c6d1e-0000-4000-8000-000000000001");
    second["start"] = serde_json::json!("2026-02-10");
    plans.push(second);
    let file = d.dir.path().join("two-plans.json");
    std::fs::write(&file, b.to_string()).expect("write");
    let other = Diary::new();
    let out = other
        .cmd()
        .args(["import", file.to_str().expect("utf-8"), "--as-new-patient"])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("two cyclosporine"), "{err}");
    assert!(!err.contains("--as-new-patient"), "{err}");
    assert_eq!(err.matches("othing was imported").count(), 1, "{err}");
    let zh = other
        .cmd()
        .args(["--lang", "zh", "import", file.to_str().expect("utf-8")])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&zh.stderr).to_string();
    assert!(!zh.status.success(), "{err}");
    assert_eq!(err.matches("未导入任何内容").count(), 1, "{err}");
    assert!(err.contains("；未导入任何内容"), "{err}");
}

/// An entry logged with another UTC offset (while travelling, or pasted): the "Saved" line
/// showed its wall time as if it were this computer's ("@ 2026-03-01 08:00"), where `list`
/// and the report add "(UTC+09:00)". ISO 8601 with an offset but no seconds was refused.
#[test]
fn the_saved_line_shows_a_foreign_offset() {
    let d = Diary::new();
    let abroad = d.ok(&["log", "platelets", "45", "--at", "2026-03-01T08:00+09:00"]);
    assert!(
        abroad.contains("@ 2026-03-01 08:00 (UTC+09:00)"),
        "{abroad}"
    );
    let home = d.ok(&["log", "platelets", "46", "--at", "2026-03-01 08:00"]);
    assert!(home.contains("@ 2026-03-01 08:00"), "{home}");
    assert!(!home.contains("UTC"), "{home}");
}
