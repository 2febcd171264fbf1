//! Issue 17 from the outside: `demo --years` up to 100, `snapshot --window`, the streamed
//! `list --format json` (same text as before: a pretty JSON array), the daily backup.

mod common;
use common::Diary;

#[test]
fn demo_years_accepts_up_to_100_and_names_the_range() {
    let d = Diary::new();
    let out = d
        .cmd()
        .args(["demo", "--years", "101"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--years: 101") && err.contains("1–100"),
        "{err}"
    );
    assert!(!d.db.exists(), "nothing written");
}

#[test]
fn snapshot_draws_the_chosen_trends_window_and_list_json_streams() {
    let d = Diary::new();
    d.ok(&["demo", "--years", "1"]);
    for (w, label) in [("1m", "1 month"), ("1y", "1 year"), ("all", "all")] {
        let s = d.ok(&[
            "snapshot", "--screen", "trends", "--window", w, "--size", "120x40",
        ]);
        assert!(s.contains(label), "{w}: {s}");
    }
    // The streamed JSON is one array of every live entry, newest first, pretty-printed.
    let text = d.ok(&["list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let rows = v.as_array().expect("array");
    let count = d.ok(&["list", "--format", "csv"]).lines().count() - 1;
    assert_eq!(rows.len(), count);
    assert!(text.starts_with("[\n  {"), "{}", &text[..20]);
    // Empty: still an array.
    let e = Diary::new();
    e.ok(&["log", "platelets", "45"]);
    assert_eq!(e.ok(&["list", "bp", "--format", "json"]).trim(), "[]");
}

#[cfg(unix)]
#[test]
fn the_daily_backup_is_a_sound_private_copy() {
    use std::os::unix::fs::PermissionsExt;
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    let dir = d.db.parent().expect("dir").join("backups");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("backups")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let mode = std::fs::metadata(&files[0])
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let copy = itp_diary::store::Store::open(&files[0]).expect("opens");
    assert_eq!(copy.integrity_check().expect("check"), "ok");
    assert_eq!(copy.count_entries(true).expect("count"), 1);
}
