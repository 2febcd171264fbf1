//! The daily flow from the command line: `take` / `skip` answer a planned slot, `log dose`
//! without an amount takes the plan's amount. The real binary, a fixed clock
//! (2026-03-10 14:30 +08:00), the answers checked in the diary.

mod common;

use common::{Diary, NOW};
use serde_json::Value;

/// A diary with cyclosporine 150 + 125 mg at 08:00 and 20:00 since March 1st.
fn planned() -> Diary {
    let d = Diary::new();
    d.start_plan("150,125", "2026-03-01");
    d
}

fn doses(d: &Diary) -> Vec<Value> {
    let v = d.json(&["list", "dose", "--format", "json"]);
    v.as_array().expect("array").clone()
}

fn fails(d: &Diary, args: &[&str]) -> String {
    let out = d.cmd().args(args).output().expect("run");
    assert_eq!(out.status.code(), Some(2), "{args:?} should be refused");
    String::from_utf8(out.stderr).expect("utf-8")
}

#[test]
fn take_answers_the_oldest_open_slot_of_today_then_the_next() {
    let d = planned();
    let out = d.ok(&["take"]);
    assert!(out.contains("2026-03-10 08:00"), "{out}");
    assert!(out.contains("late"), "08:00 taken at 14:30 is late: {out}");
    // The evening slot is 5.5 h away: `take` alone no longer answers it early (changed on
    // purpose); naming it still does.
    let err = fails(&d, &["take"]);
    assert!(
        err.contains("No dose is due now") && err.contains("2026-03-10 20:00"),
        "{err}"
    );
    // Named, but a minute after the late morning dose: asked for first (changed on purpose:
    // two doses minutes apart are never one command), then confirmed with --late.
    let err = fails(&d, &["take", "20:00"]);
    assert!(err.contains("--late"), "{err}");
    let out = d.ok(&["take", "20:00", "--late"]);
    assert!(out.contains("2026-03-10 20:00"), "{out}");
    let err = fails(&d, &["take"]);
    assert!(err.contains("2026-03-11 08:00"), "{err}");
    let ds = doses(&d);
    assert_eq!(ds.len(), 2);
    let mut answered: Vec<(String, f64)> = ds
        .iter()
        .map(|e| {
            (
                e["scheduled_for"].as_str().unwrap_or("none").to_string(),
                e["value"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect();
    answered.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        answered,
        vec![
            ("2026-03-10T08:00:00+08:00".to_string(), 150.0),
            ("2026-03-10T20:00:00+08:00".to_string(), 125.0),
        ]
    );
    assert!(ds.iter().all(|e| e["at"] == NOW && e["status"] == "taken"));
}

#[test]
fn take_a_named_slot_and_refuse_a_second_dose_without_extra() {
    let d = planned();
    let out = d.ok(&["take", "20:00"]);
    assert!(out.contains("2026-03-10 20:00"), "{out}");
    let before = d.content();
    let err = fails(&d, &["take", "20:00"]);
    assert!(
        err.contains("already answered") && err.contains("--extra"),
        "{err}"
    );
    assert_eq!(d.content(), before, "a refusal writes nothing");
    let out = d.ok(&["take", "20:00", "--extra"]);
    assert!(out.contains("Extra dose"), "{out}");
    assert_eq!(doses(&d).len(), 2);
    let err = fails(&d, &["take", "09:00"]);
    assert!(err.contains("08:00, 20:00"), "names today's times: {err}");
    let err = fails(&d, &["take", "noon"]);
    assert!(err.contains("noon") && err.contains("08:00"), "{err}");
}

#[test]
fn skip_records_a_skipped_dose_for_the_slot() {
    let d = planned();
    let out = d.ok(&["skip"]);
    assert!(out.contains("Skipped the 2026-03-10 08:00"), "{out}");
    let ds = doses(&d);
    assert_eq!(ds[0]["status"], "skipped");
    assert_eq!(ds[0]["scheduled_for"], "2026-03-10T08:00:00+08:00");
    // The next `take` points to the evening slot (not yet due), not the skipped morning.
    assert!(fails(&d, &["take"]).contains("next is 2026-03-10 20:00"));
    assert!(d.ok(&["take", "20:00"]).contains("2026-03-10 20:00"));
}

#[test]
fn take_without_a_plan_is_refused_and_names_the_command() {
    let d = Diary::new();
    let err = fails(&d, &["take"]);
    assert!(err.contains("regimen start"), "{err}");
    assert!(!d.db.exists(), "a refusal creates no diary");
}

#[test]
fn log_dose_without_amount_takes_the_planned_amount_of_its_slot() {
    let d = planned();
    let out = d.ok(&["log", "dose", "csa", "--at", "2026-03-10 20:20"]);
    assert!(
        out.contains("125 mg") && out.contains("2026-03-10 20:00"),
        "{out}"
    );
    let ds = doses(&d);
    assert_eq!(ds[0]["value"], 125.0);
    assert_eq!(ds[0]["scheduled_for"], "2026-03-10T20:00:00+08:00");
    // The same slot again: refused, nothing written.
    let err = fails(&d, &["log", "dose", "csa", "--at", "2026-03-10 20:30"]);
    assert!(err.contains("already logged"), "{err}");
    // Far from every slot: asks for the amount.
    let err = fails(&d, &["log", "dose", "csa", "--at", "2026-03-10 14:00"]);
    assert!(err.contains("no amount given"), "{err}");
    assert_eq!(doses(&d).len(), 1);
}

#[test]
fn take_speaks_chinese() {
    let d = planned();
    let out = d
        .cmd()
        .args(["--lang", "zh", "take"])
        .output()
        .expect("run");
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("已记录 2026-03-10 08:00"), "{s}");
}

#[test]
fn status_never_calls_a_level_of_unknown_timing_in_target() {
    let d = planned();
    d.ok(&[
        "log",
        "lab",
        "csa-trough",
        "150",
        "--unit",
        "ng/mL",
        "--at",
        "2026-03-10 08:00",
    ]);
    let s = d.ok(&["status"]);
    assert!(s.contains("timing unknown"), "{s}");
    assert!(!s.contains("in target"), "{s}");
    d.ok(&[
        "log",
        "lab",
        "csa-trough",
        "150",
        "--unit",
        "ng/mL",
        "--at",
        "2026-03-10 08:05",
        "--last-dose",
        "2026-03-09 20:00",
    ]);
    let s = d.ok(&["status"]);
    assert!(s.contains("in target"), "a true trough is judged: {s}");
}

#[test]
fn take_asks_which_when_a_missed_slot_and_a_due_one_are_both_open() {
    let d = planned();
    let before = d.content();
    let out = d
        .cmd()
        .env("ITP_DIARY_NOW", "2026-03-10T19:10:00+08:00")
        .arg("take")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("take 08:00") && err.contains("take 20:00"),
        "{err}"
    );
    assert_eq!(d.content(), before, "nothing written");
    let out = d
        .cmd()
        .env("ITP_DIARY_NOW", "2026-03-10T19:10:00+08:00")
        .args(["take", "20:00"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("2026-03-10 20:00")
    );
}
