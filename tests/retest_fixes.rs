//! Found by a second adversarial pass over the take guard and the plan change: a due dose
//! right after a late one, and a plan change whose amounts do not match its dose times.

mod common;

use common::Diary;

fn at(d: &Diary, when: &str, args: &[&str]) -> std::process::Output {
    d.cmd()
        .env("ITP_DIARY_NOW", when)
        .args(args)
        .output()
        .unwrap()
}

fn plan(d: &Diary) {
    d.start_plan("75,75", "2026-03-01");
}

#[test]
fn the_due_dose_right_after_a_late_one_needs_late() {
    let d = Diary::new();
    plan(&d);
    // The missed 08:00 dose, taken late at 19:55 (no dose for hours: allowed).
    let late = at(&d, "2026-03-10T19:55:00+08:00", &["take", "08:00"]);
    assert!(
        late.status.success(),
        "{}",
        String::from_utf8_lossy(&late.stderr)
    );
    // A minute later the 20:00 dose would be a second 75 mg: asked for, not recorded.
    let soon = at(&d, "2026-03-10T19:56:00+08:00", &["take"]);
    assert_eq!(soon.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&soon.stderr).contains("--late"));
    let doses = |d: &Diary| {
        d.ok(&["list", "dose", "--format", "json"])
            .matches("\"taken\"")
            .count()
    };
    assert_eq!(doses(&d), 1);
    let ok = at(&d, "2026-03-10T19:56:00+08:00", &["take", "--late"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(doses(&d), 2);
}

#[test]
fn a_change_whose_amounts_do_not_match_the_dose_times_is_refused() {
    let d = Diary::new();
    plan(&d);
    let before = d.ok(&["regimen", "show", "--json"]);
    for dose in ["75", "50,50,50"] {
        let out = d
            .cmd()
            .args(["regimen", "change", "--dose", dose])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{dose}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("dose time(s) (08:00,20:00)"), "{err}");
    }
    assert_eq!(
        d.ok(&["regimen", "show", "--json"]),
        before,
        "nothing written"
    );
    // With the times given, another number of doses is a plan change like any other.
    d.ok(&[
        "regimen",
        "change",
        "--dose",
        "50,50,50",
        "--times",
        "07:00,13:00,19:00",
    ]);
}

#[test]
fn skip_suggests_skip_and_names_each_open_time_once() {
    let d = Diary::new();
    plan(&d);
    let out = at(&d, "2026-03-10T23:50:00+08:00", &["skip"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("itp-diary skip 08:00"), "{err}");
    assert!(!err.contains("itp-diary take"), "{err}");
    assert!(err.contains("other open times: 20:00"), "{err}");
}
