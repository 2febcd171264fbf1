//! A CsA level whose previous dose is unknown (none named, no taken dose logged before it) is
//! shown but never judged: the trends and the clinic report leave it out of the time in range
//! and the variability, as they leave out a level drawn two hours after a dose (outside
//! review, session 5: it was counted as a trough).

mod common;

use common::Diary;

fn diary() -> Diary {
    let d = Diary::new();
    d.start_plan("75,75", "2026-02-01");
    for (value, at, last) in [
        ("150", "2026-03-05 07:45", "2026-03-04 20:00"),
        ("160", "2026-03-06 07:45", "2026-03-05 20:00"),
    ] {
        d.ok(&[
            "log",
            "lab",
            "csa-trough",
            value,
            "--at",
            at,
            "--last-dose",
            last,
        ]);
    }
    d
}

fn figures(d: &Diary) -> (String, String) {
    let screen = d.ok(&[
        "snapshot", "--screen", "trends", "--window", "1m", "--size", "160x50",
    ]);
    let report = d.ok(&["export", "--format", "md"]);
    (screen, report)
}

#[test]
fn a_level_without_its_previous_dose_is_not_counted_as_a_trough() {
    let d = diary();
    let (screen, report) = figures(&d);
    assert!(
        screen.contains("trough in range: 100% (2 levels)"),
        "{screen}"
    );
    // 600 ng/mL with no previous dose named: shown, not judged.
    d.ok(&[
        "log",
        "lab",
        "csa-trough",
        "600",
        "--at",
        "2026-03-06 10:00",
    ]);
    let (after, report_after) = figures(&d);
    assert!(
        after.contains("trough in range: 100% (2 levels)"),
        "{after}"
    );
    let cv = |s: &str| {
        s.lines()
            .find_map(|l| l.split("trough variability (CV): ").nth(1))
            .map(|r| r.split_whitespace().next().unwrap_or_default().to_string())
    };
    assert_eq!(cv(&after), cv(&screen), "{after}");
    let line = |s: &str, what: &str| {
        s.lines()
            .find(|l| l.contains(what))
            .unwrap_or_default()
            .to_string()
    };
    let level = line(&report_after, "trough in range");
    assert!(level.contains("100% (2 levels)"), "{report_after}");
    assert_eq!(level, line(&report, "trough in range"));
}

/// Today takes a level's missing previous-dose time from the dose log, and says so, as
/// `status` does (outside review, session 5: the screen gave "12 h after dose" unqualified).
#[test]
fn today_says_when_a_levels_timing_comes_from_the_dose_log() {
    let d = diary();
    d.ok(&["log", "dose", "csa", "75", "--at", "2026-03-09 20:00"]);
    d.ok(&[
        "log",
        "lab",
        "csa-trough",
        "150",
        "--at",
        "2026-03-10 08:00",
    ]);
    let today = d.ok(&["snapshot", "--screen", "today", "--size", "160x40"]);
    let line = today
        .lines()
        .find(|l| l.contains("150 ng/mL"))
        .unwrap_or_default();
    assert!(
        line.contains("12 h") && line.contains("from the last dose logged"),
        "{today}"
    );
}

/// The clinic report shows a few alerts and counts the rest: the most severe come first, and of
/// one severity the alerts about values before the overdue tests, so "contact your care team"
/// is never among the rest (outside review, session 5: it sat behind five overdue tests).
#[test]
fn the_report_shows_a_level_alert_before_overdue_tests() {
    let d = diary();
    d.ok(&["log", "dose", "csa", "75", "--at", "2026-03-09 20:00"]);
    d.ok(&[
        "log",
        "lab",
        "csa-trough",
        "450",
        "--at",
        "2026-03-10 08:00",
        "--last-dose",
        "2026-03-09 20:00",
    ]);
    let html = d.ok(&["export", "--format", "html"]);
    let alert = html
        .find("contact your care team")
        .expect("the level's alert");
    let more = html.find("more</span>").expect("a capped list");
    assert!(alert < more, "{html}");
    let md = d.ok(&["export", "--format", "md"]);
    let first = md
        .lines()
        .skip_while(|l| !l.starts_with("## Alerts"))
        .find(|l| l.starts_with("- "))
        .unwrap_or_default();
    assert!(first.contains("450"), "{md}");
}
