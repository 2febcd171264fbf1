//! The traps of one-word dose logging on the command line (`take` / `skip`), each at its own
//! clock (`ITP_DIARY_NOW`): a missed slot minutes after another dose, two missed slots at
//! night, a slot hours before its window. The answers are checked in the diary.

mod common;

use common::Diary;
use serde_json::Value;

/// Cyclosporine 75 + 75 mg at 08:00 and 20:00 since March 1st.
fn planned() -> Diary {
    let d = Diary::new();
    d.start_plan("75,75", "2026-03-01");
    d
}

fn at(d: &Diary, now: &str, args: &[&str]) -> std::process::Output {
    let now = format!("2026-03-10T{now}:00+08:00");
    d.cmd()
        .env("ITP_DIARY_NOW", now)
        .args(args)
        .output()
        .expect("run")
}

fn ok(d: &Diary, now: &str, args: &[&str]) -> String {
    let out = at(d, now, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn refused(d: &Diary, now: &str, args: &[&str]) -> String {
    let before = d.content();
    let out = at(d, now, args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?} at {now} should be refused"
    );
    assert_eq!(d.content(), before, "a refusal writes nothing");
    String::from_utf8(out.stderr).expect("utf-8")
}

/// (slot answered, status, logged at) of every dose.
fn doses(d: &Diary) -> Vec<(String, String, String)> {
    let v = d.json(&["list", "dose", "--format", "json"]);
    let s = |e: &Value, k: &str| e[k].as_str().unwrap_or("none").to_string();
    let mut out: Vec<_> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|e| (s(e, "scheduled_for"), s(e, "status"), s(e, "at")))
        .collect();
    out.sort();
    out
}

#[test]
fn a_missed_slot_minutes_after_another_dose_needs_late() {
    let d = planned();
    // 19:55: the morning was missed and the evening is due: asked which; the evening.
    let err = refused(&d, "19:55", &["take"]);
    assert!(
        err.contains("take 08:00") && err.contains("take 20:00"),
        "{err}"
    );
    ok(&d, "19:55", &["take", "20:00"]);
    // One more `take` would be a second full dose 5 minutes later: refused, naming --late.
    for args in [&["take"][..], &["take", "08:00"][..]] {
        let err = refused(&d, "20:00", args);
        assert!(
            err.contains("--late") && err.contains("2026-03-10 19:55") && err.contains("5 min"),
            "{err}"
        );
        assert!(err.contains("care team"), "{err}");
    }
    // A skip of the missed slot takes nothing: no confirmation.
    let out = ok(&d, "20:00", &["skip"]);
    assert!(out.contains("Skipped the 2026-03-10 08:00"), "{out}");
    assert_eq!(doses(&d).len(), 2);
}

#[test]
fn late_confirms_the_missed_dose() {
    let d = planned();
    ok(&d, "19:55", &["take", "20:00"]);
    let out = ok(&d, "20:00", &["take", "--late"]);
    assert!(out.contains("2026-03-10 08:00"), "{out}");
    let ds = doses(&d);
    assert_eq!(ds.len(), 2);
    assert_eq!(ds[0].0, "2026-03-10T08:00:00+08:00");
}

#[test]
fn two_missed_slots_at_night_are_the_patients_call() {
    let d = planned();
    let err = refused(&d, "23:50", &["take"]);
    assert!(
        err.contains("2026-03-10 08:00 (missed)") && err.contains("2026-03-10 20:00 (missed)"),
        "{err}"
    );
    assert!(err.contains("itp-diary take 08:00"), "{err}");
    ok(&d, "23:50", &["take", "20:00"]);
    assert_eq!(doses(&d)[0].0, "2026-03-10T20:00:00+08:00");
}

#[test]
fn take_answers_a_slot_only_within_its_window() {
    let d = planned();
    ok(&d, "08:05", &["take"]);
    let err = refused(&d, "12:00", &["take"]);
    assert!(
        err.contains("No dose is due now") && err.contains("next is 2026-03-10 20:00"),
        "{err}"
    );
    // Within 3 h of the slot: answered.
    let out = ok(&d, "17:30", &["take"]);
    assert!(out.contains("2026-03-10 20:00"), "{out}");
}

#[test]
fn a_named_slot_early_is_the_patients_decision() {
    let d = planned();
    ok(&d, "08:05", &["take"]);
    // At 12:00 the 20:00 dose would follow the morning one by 4 h: asked for first.
    let err = refused(&d, "12:00", &["take", "20:00"]);
    assert!(err.contains("--late"), "{err}");
    // Six hours after it, naming the slot is the patient's decision.
    let out = ok(&d, "14:05", &["take", "20:00"]);
    assert!(out.contains("2026-03-10 20:00"), "{out}");
    assert!(out.contains("before its time (early)"), "{out}");
    // With today answered, the next slot is tomorrow's: named, no `take 08:00` offered.
    let err = refused(&d, "14:10", &["take"]);
    assert!(err.contains("next is 2026-03-11 08:00."), "{err}");
    assert!(!err.contains("take 08:00"), "{err}");
    assert_eq!(doses(&d).len(), 2);
}
