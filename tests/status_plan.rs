//! `status` after plan changes (found trying the plan-change dialog as a patient): the plan
//! line dates the dose in force, a taper during maintenance ends the maintenance, a repeated
//! maintenance step does not restart its review clock, and a missing baseline is said in words.

mod common;

use common::Diary;

fn demo() -> Diary {
    let d = Diary::new();
    d.ok(&["demo", "--years", "1"]);
    d
}

#[test]
fn the_plan_line_dates_the_step_in_force_and_a_missing_baseline_is_said() {
    let d = demo();
    let out = d.ok(&["status"]);
    // The demo's last step (maintenance, 75 + 75 mg) took effect on 2025-12-15; the course
    // began on 2025-03-24.
    assert!(out.contains("[Neoral] since 2025-12-15"), "{out}");
    assert!(!out.contains("baseline — ×10⁹/L"), "{out}");
    assert!(out.contains("no baseline count"), "{out}");
}

#[test]
fn a_taper_during_maintenance_ends_the_maintenance() {
    let d = demo();
    assert!(d.ok(&["status"]).contains("Phase: maintenance"));
    d.ok(&["regimen", "change", "--dose", "75,50", "--taper"]);
    let out = d.ok(&["status"]);
    assert!(out.contains("Phase: taper"), "{out}");
    assert!(out.contains("since 2026-03-10"), "{out}");
    let remind = d.ok(&["remind"]);
    assert!(!remind.contains("On maintenance since"), "{remind}");
}

#[test]
fn a_repeated_maintenance_step_keeps_the_review_date() {
    let d = demo();
    let before = d.ok(&["remind"]);
    d.ok(&["regimen", "change", "--maintenance"]);
    let after = d.ok(&["remind"]);
    let line = |s: &str| {
        s.lines()
            .find(|l| l.contains("maintenance since") || l.contains("On maintenance"))
            .map(str::to_string)
    };
    assert_eq!(line(&before), line(&after), "{before}\n---\n{after}");
    assert!(
        line(&after).is_some_and(|l| l.contains("2025-12-15")),
        "{after}"
    );
}

#[test]
fn a_time_where_a_date_is_asked_for_is_refused_as_not_a_date() {
    let d = demo();
    let out = d
        .cmd()
        .args(["regimen", "change", "--dose", "75,50", "--from", "08:00"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'08:00' is not a date"), "{err}");
    assert!(!err.contains("is not a time"), "{err}");
}
