//! A taken dose logged from the dose form or `log dose` less than half a dosing interval from
//! another taken dose of the drug (two doses hours apart, or one dose logged twice) is refused
//! until the patient confirms both were taken, as `take` asks for a missed slot: `--late` on
//! the command line, saving a second time on the screen. Nothing is written before that.

mod common;

use chrono::DateTime;
use common::Diary;
use common::app::{app_with, key};
use itp_diary::domain::clock::Clock;
use itp_diary::domain::entry::{EntryData, Kind};
use itp_diary::present::i18n::Lang;
use itp_diary::store::{EntryFilter, Store};
use itp_diary::tui::{self, Modal};
use ratatui::crossterm::event::KeyCode;

/// Ciclosporin 50 mg three times a day (06:00, 14:00, 22:00: every 8 h, so 4 h is the least
/// gap between two doses that needs no word), one dose taken at 08:30 today.
fn diary() -> Diary {
    let d = Diary::new();
    d.start_plan_at("50,50,50", "06:00,14:00,22:00", "2026-03-01");
    d.ok(&[
        "log",
        "dose",
        "cyclosporine",
        "50",
        "--at",
        "2026-03-10 08:30",
    ]);
    d
}

fn doses(d: &Diary) -> Vec<String> {
    let store = Store::open(&d.db).expect("store");
    store
        .entries(&EntryFilter {
            kind: Some(Kind::Dose),
            ..Default::default()
        })
        .expect("entries")
        .iter()
        .map(|e| e.at.format("%H:%M").to_string())
        .collect()
}

#[test]
fn log_dose_close_to_another_needs_late() {
    let d = diary();
    // 11:30 answers the 14:00 slot (not answered yet) but lies 3 h after the 08:30 dose.
    let args = [
        "log",
        "dose",
        "cyclosporine",
        "50",
        "--at",
        "2026-03-10 11:30",
    ];
    let out = d.cmd().args(args).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("2026-03-10 08:30") && err.contains("3 h") && err.contains("--late"),
        "{err}"
    );
    assert_eq!(doses(&d), ["08:30"], "nothing written");
    // Before the other dose too, and without an amount (the plan's is taken).
    let out = d
        .cmd()
        .args(["log", "dose", "cyclosporine", "--at", "2026-03-10 06:00"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "2.5 h before 08:30");
    assert_eq!(doses(&d), ["08:30"]);
    // Confirmed: both were taken.
    let mut late = args.to_vec();
    late.push("--late");
    d.ok(&late);
    assert_eq!(doses(&d), ["11:30", "08:30"]);
    // A missed dose takes nothing: no question.
    d.ok(&[
        "log",
        "dose",
        "cyclosporine",
        "50",
        "--missed",
        "--at",
        "2026-03-10 09:00",
    ]);
}

#[test]
fn log_dose_far_enough_from_another_is_saved_at_once() {
    let d = diary();
    // 14:30, 6 h after 08:30: the 14:00 dose, no question.
    d.ok(&["log", "dose", "cyclosporine", "50"]);
    assert_eq!(doses(&d), ["14:30", "08:30"]);
}

#[test]
fn the_dose_form_asks_by_refusing_once_then_saves_on_the_second_save() {
    let d = diary();
    let at = DateTime::parse_from_rfc3339("2026-03-10T11:30:00+08:00").expect("time");
    for lang in [Lang::En, Lang::Zh] {
        let store = Store::open(&d.db).expect("store");
        let mut app = app_with(store, Clock::Fixed(at), lang, false);
        key(&mut app, KeyCode::Char('d'));
        assert!(matches!(app.modal(), Some(Modal::Form(_))), "the dose form");
        key(&mut app, KeyCode::Enter);
        let shown = tui::snapshot(&mut app, 100, 30).expect("screen");
        let said = match lang {
            Lang::En => "save again",
            _ => "请再次保存",
        };
        assert!(
            shown.contains("08:30") && shown.contains(said),
            "{lang:?}:\n{shown}"
        );
        assert!(matches!(app.modal(), Some(Modal::Form(_))), "still open");
        assert_eq!(doses(&d).len(), 1, "nothing written");
        if lang == Lang::Zh {
            // The second save: both were taken.
            key(&mut app, KeyCode::Enter);
            assert!(app.modal().is_none(), "saved");
            let all = doses(&d);
            assert_eq!(all, ["11:30", "08:30"]);
            let store = Store::open(&d.db).expect("store");
            let e = store.latest(Kind::Dose, None).expect("read").expect("one");
            assert!(matches!(e.data, EntryData::Dose(ref x) if x.amount.is_some()));
        }
    }
}

// Findings of the outside review of the guard (each failed before its fix).

fn plan(d: &Diary, dose: &str, times: &str) {
    d.start_plan_at(dose, times, "2026-03-01");
}

/// `take` at `now`, which must answer without a question.
fn take_at(d: &Diary, now: &str) {
    let out = d
        .cmd()
        .env("ITP_DIARY_NOW", now)
        .arg("take")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "take at {now}: {err}");
}

fn code(d: &Diary, args: &[&str]) -> Option<i32> {
    d.cmd().args(args).output().expect("run").status.code()
}

#[test]
fn the_first_dose_of_a_taper_is_not_soon_after_the_last_of_the_plan_before_in_either_order() {
    for first_new in [false, true] {
        let d = Diary::new();
        plan(&d, "75,75", "08:00,20:00");
        d.ok(&[
            "regimen",
            "change",
            "--dose",
            "75",
            "--times",
            "08:00",
            "--from",
            "2026-03-10",
            "--taper",
        ]);
        let old = ["log", "dose", "csa", "75", "--at", "2026-03-09 20:30"];
        let new = ["log", "dose", "csa", "75", "--at", "2026-03-10 08:00"];
        let (a, b) = if first_new { (new, old) } else { (old, new) };
        d.ok(&a);
        // 11.5 h apart: more than half of the 12 h the plan before had between doses.
        assert_eq!(code(&d, &b), Some(0), "first the new dose: {first_new}");
    }
    // The day before a plan starts is compared too, whichever dose is logged first.
    for first_before in [false, true] {
        let d = Diary::new();
        plan(&d, "75,75", "08:00,20:00");
        let before = ["log", "dose", "csa", "75", "--at", "2026-02-28 22:00"];
        let after = ["log", "dose", "csa", "75", "--at", "2026-03-01 00:30"];
        let (a, b) = if first_before {
            (before, after)
        } else {
            (after, before)
        };
        d.ok(&a);
        assert_eq!(code(&d, &b), Some(2), "2.5 h apart: {first_before}");
    }
}

#[test]
fn unevenly_spaced_dose_times_allow_half_their_shortest_interval() {
    let d = Diary::new();
    plan(&d, "50,50,50", "08:00,12:00,18:00");
    d.ok(&["log", "dose", "csa", "50", "--at", "2026-03-10 08:00"]);
    // The lunch dose a quarter of an hour early: 3 h 45 after breakfast, more than 2 h.
    d.ok(&["log", "dose", "csa", "50", "--at", "2026-03-10 11:45"]);
    assert_eq!(doses(&d).len(), 2);
    // A second dose 90 minutes after lunch is still asked about.
    let late = ["log", "dose", "csa", "50", "--at", "2026-03-10 13:15"];
    assert_eq!(code(&d, &late), Some(2));
    // `take` reads the same gap: the 12:00 dose of an 08:00/12:00 plan is not "soon".
    let d = Diary::new();
    plan(&d, "50,50", "08:00,12:00");
    d.ok(&["log", "dose", "csa", "50", "--at", "2026-03-10 08:00"]);
    take_at(&d, "2026-03-10T12:00:00+08:00");
}

#[test]
fn extra_does_not_waive_the_question_without_an_answered_slot() {
    let d = Diary::new();
    plan(&d, "75,75", "08:00,20:00");
    d.ok(&["log", "dose", "csa", "75", "--at", "2026-03-10 12:00"]);
    // 12:05 is no slot's second dose: --extra is not "both were taken".
    let again = [
        "log",
        "dose",
        "csa",
        "75",
        "--at",
        "2026-03-10 12:05",
        "--extra",
    ];
    assert_eq!(code(&d, &again), Some(2));
    assert_eq!(doses(&d).len(), 1);
    // A second dose for an answered slot, called extra, is saved as before.
    let d = Diary::new();
    plan(&d, "75,75", "08:00,20:00");
    d.ok(&["log", "dose", "csa", "75", "--at", "2026-03-10 08:00"]);
    d.ok(&[
        "log",
        "dose",
        "csa",
        "75",
        "--at",
        "2026-03-10 08:10",
        "--extra",
    ]);
    assert_eq!(doses(&d).len(), 2);
}

#[test]
fn an_edit_that_makes_a_taken_dose_close_to_another_is_asked_about() {
    let d = Diary::new();
    plan(&d, "75,75", "08:00,20:00");
    d.ok(&["log", "dose", "csa", "75", "--at", "2026-03-10 08:00"]);
    d.ok(&[
        "log",
        "dose",
        "csa",
        "75",
        "--missed",
        "--at",
        "2026-03-10 12:00",
    ]);
    d.ok(&["log", "dose", "csa", "75", "--at", "2026-03-09 20:00"]);
    let before = d.content();
    // Missed → taken, 4 h after the 08:00 dose.
    assert_eq!(code(&d, &["edit", "2", "--status", "taken"]), Some(2));
    // Moved to 1 h 30 after it.
    assert_eq!(
        code(&d, &["edit", "3", "--at", "2026-03-10 09:30"]),
        Some(2)
    );
    assert_eq!(d.content(), before, "nothing written");
    // A note on a dose already close to another is no new closeness.
    d.ok(&["edit", "2", "--status", "taken", "--late"]);
    d.ok(&["edit", "2", "--note", "with lunch"]);
}

#[test]
fn the_message_names_the_other_dose_in_the_patients_current_offset() {
    let d = Diary::new();
    plan(&d, "75,75", "08:00,20:00");
    d.ok(&["log", "dose", "csa", "75", "--at", "2026-03-10 08:00"]);
    let out = d
        .cmd()
        .env("TZ", "America/New_York")
        .env("ITP_DIARY_NOW", "2026-03-10T01:00:00-04:00")
        .args(["log", "dose", "csa", "75"])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    // 08:00 in China is 20:00 the evening before in New York, 5 h earlier.
    assert!(
        err.contains("2026-03-09 20:00") && err.contains("5 h"),
        "{err}"
    );
}

/// 150 mg once a day at 20:00, moved to 08:00 from March 10th; the last evening dose taken
/// at 20:30 on the 9th.
fn moved_to_the_morning() -> Diary {
    let d = Diary::new();
    plan(&d, "150", "20:00");
    d.ok(&[
        "regimen",
        "change",
        "--times",
        "08:00",
        "--from",
        "2026-03-10",
    ]);
    d.ok(&["log", "dose", "csa", "150", "--at", "2026-03-09 20:30"]);
    d
}

#[test]
fn a_once_daily_dose_moved_from_evening_to_morning_is_not_soon_after_the_last_evening_one() {
    let d = moved_to_the_morning();
    // 11.5 h after the last evening dose: the planned interval that day is 12 h (6 h gap).
    d.ok(&["log", "dose", "csa", "150", "--at", "2026-03-10 08:00"]);
    assert_eq!(doses(&d).len(), 2);
    // `take` reads the same gap.
    let d = moved_to_the_morning();
    take_at(&d, "2026-03-10T08:05:00+08:00");
    // A second dose five hours after the morning one is still asked about.
    let again = ["log", "dose", "csa", "150", "--at", "2026-03-10 13:05"];
    assert_eq!(code(&d, &again), Some(2));
}
