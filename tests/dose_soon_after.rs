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
    d.ok(&[
        "regimen",
        "start",
        "cyclosporine",
        "--dose",
        "50,50,50",
        "--times",
        "06:00,14:00,22:00",
        "--start",
        "2026-03-01",
        "--formulation",
        "Neoral",
    ]);
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
