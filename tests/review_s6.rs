//! Findings of the session-6 outside reviews (a clinician's scenarios and an attack on data
//! safety and export meaning), each with the test that failed before its fix.

mod common;

use common::{Diary, cmd_on};

fn at(d: &Diary, now: &str, args: &[&str]) -> String {
    let out = cmd_on(&d.db)
        .env("ITP_DIARY_NOW", now)
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The calendar lists every next monitoring date by widening the reminders' horizon; that
/// horizon also decided whether a level drawn just before a dose change satisfies the check
/// after it, so the calendar dropped the trough due 5 days after a taper step (2026-02-27)
/// and gave the routine date 14 days after the last level (2026-03-06).
#[test]
fn the_calendar_gives_the_trough_after_a_dose_change_that_remind_gives() {
    let d = Diary::new();
    let now = "2026-03-01T12:00:00+08:00";
    at(
        &d,
        now,
        &["log", "weight", "60", "--at", "2026-01-25 08:00"],
    );
    at(
        &d,
        now,
        &["log", "platelets", "40", "--at", "2026-01-30 08:00"],
    );
    d.start_plan("100,100", "2026-02-01");
    let change = [
        "regimen",
        "change",
        "--dose",
        "75,75",
        "--from",
        "2026-02-22",
        "--taper",
    ];
    at(&d, now, &change);
    let level = [
        "log",
        "lab",
        "csa-trough",
        "150",
        "--at",
        "2026-02-20 07:30",
        "--last-dose",
        "2026-02-19 20:00",
    ];
    at(&d, now, &level);
    let remind = at(&d, now, &["remind"]);
    assert!(
        remind.contains("trough level (C0) due 2026-02-27"),
        "{remind}"
    );
    let ics = at(&d, now, &["export", "--format", "ics"]);
    let trough: Vec<&str> = ics
        .lines()
        .filter(|l| l.starts_with("SUMMARY:") && l.contains("trough"))
        .collect();
    assert_eq!(trough.len(), 1, "{ics}");
    assert!(trough[0].contains("due 2026-02-27"), "{ics}");
}
