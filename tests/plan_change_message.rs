//! The plan-change dialog's message follows the fields: a "Check before saving…" second look
//! shown for one input is gone once the fields are edited so the reason no longer applies; an
//! error that still applies to the edited input stays, recomputed for it.

mod common;

use common::app::{ctrl, key, typ};

use chrono::DateTime;
use itp_diary::app::config::{Paths, Settings};
use itp_diary::app::session::Session;
use itp_diary::domain::clock::Clock;
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::Store;
use itp_diary::tui::theme::Theme;
use itp_diary::tui::{self, App, Modal};
use ratatui::crossterm::event::KeyCode;

/// The demo diary at 14:30 (CsA 75 mg twice daily).
fn demo_app(lang: Lang) -> App {
    let clock = Clock::Fixed(DateTime::parse_from_rfc3339(common::NOW).unwrap());
    let mut store = Store::open_in_memory().unwrap();
    itp_diary::app::demo::generate(&mut store, 2, 1, &clock).unwrap();
    App::new(
        Session {
            store,
            clock,
            i18n: I18n::new(lang),
            settings: Settings::default(),
            paths: Paths::beside(&std::env::temp_dir().join("itp-diary-no-such-folder/d.sqlite")),
        },
        Theme { color: false },
    )
}

fn dialog_error(app: &App) -> Option<String> {
    match &app.modal() {
        Some(Modal::PlanChange(p)) => p.form.error.clone(),
        other => panic!("the dialog is open: {other:?}"),
    }
}

fn clear(app: &mut App) {
    for _ in 0..30 {
        key(app, KeyCode::Backspace);
    }
}

/// `R`, then the first amount made "75, 300" (more than double 150 mg a day), Enter.
fn second_look(lang: Lang) -> App {
    let mut app = demo_app(lang);
    typ(&mut app, "R");
    ctrl(&mut app, 'w');
    typ(&mut app, "300");
    key(&mut app, KeyCode::Enter);
    let e = dialog_error(&app).expect("a second look");
    assert!(
        e.contains("more than doubles") || e.contains("增加一倍以上"),
        "{e}"
    );
    app
}

#[test]
fn the_second_look_is_gone_once_the_dose_is_back_to_normal() {
    let mut app = second_look(Lang::En);
    ctrl(&mut app, 'w');
    typ(&mut app, "100");
    assert_eq!(dialog_error(&app), None, "75 + 100 mg needs no second look");
    let screen = tui::snapshot(&mut app, 80, 24).unwrap();
    assert!(!screen.contains("Check before saving"), "{screen}");
    insta::assert_snapshot!("plan_change_after_edit_en_80x24", screen);
    // Enter now saves at once (nothing left to check).
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none());
}

#[test]
fn a_new_reason_is_never_shown_as_the_old_one() {
    let mut app = second_look(Lang::En);
    // Still more than double, by other amounts: the old message does not stay as if it were
    // the check of this input, and one Enter is not the patient's word for it.
    ctrl(&mut app, 'w');
    typ(&mut app, "400");
    assert_eq!(dialog_error(&app), None);
    key(&mut app, KeyCode::Enter);
    let e = dialog_error(&app).expect("asked again for the new amounts");
    assert!(e.contains("more than doubles") && e.contains("475"), "{e}");
}

#[test]
fn an_error_that_still_applies_is_recomputed_one_that_does_not_is_cleared() {
    let mut app = demo_app(Lang::En);
    typ(&mut app, "R");
    key(&mut app, KeyCode::Tab); // times
    clear(&mut app);
    typ(&mut app, "08:00, 25:00");
    key(&mut app, KeyCode::Enter);
    let e = dialog_error(&app).expect("a bad time");
    assert!(e.contains("25:00"), "{e}");
    // The note changes; the times are still wrong: still said.
    for _ in 0..4 {
        key(&mut app, KeyCode::Tab);
    }
    typ(&mut app, "x");
    assert!(
        dialog_error(&app).is_some_and(|e| e.contains("25:00")),
        "{:?}",
        dialog_error(&app)
    );
    // The time fixed (the evening dose an hour later): nothing to say.
    for _ in 0..2 {
        key(&mut app, KeyCode::Tab);
    }
    clear(&mut app);
    typ(&mut app, "08:00, 21:00");
    assert_eq!(dialog_error(&app), None);
}

#[test]
fn chinese_second_look_is_gone_once_the_dose_is_back_to_normal() {
    let mut app = second_look(Lang::Zh);
    ctrl(&mut app, 'w');
    typ(&mut app, "100");
    assert_eq!(dialog_error(&app), None);
    let screen = tui::snapshot(&mut app, 80, 24).unwrap();
    insta::assert_snapshot!("plan_change_after_edit_zh_80x24", screen);
}
