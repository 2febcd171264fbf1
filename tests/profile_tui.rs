//! Issue 13: the profile is editable in the terminal diary after the first run (`O` on Today
//! opens the setup's first page filled with the stored profile); `Esc` leaves it unchanged.

use chrono::DateTime;
use itp_diary::app::config::{Paths, Settings};
use itp_diary::app::course::{ProfileInput, set_profile};
use itp_diary::app::session::Session;
use itp_diary::domain::clock::Clock;
use itp_diary::domain::entry::Kind;
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::{EntryFilter, Store};
use itp_diary::tui::theme::Theme;
use itp_diary::tui::{App, Modal};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn clock() -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339("2026-03-10T14:30:00+08:00").unwrap())
}

fn app(lang: Lang) -> App {
    let mut store = Store::open_in_memory().unwrap();
    let input = ProfileInput {
        birth_year: Some("1990".into()),
        diagnosed: Some("2025-06-01".into()),
        ..ProfileInput::default()
    };
    set_profile(&mut store, &clock(), &input).unwrap();
    App::new(
        Session {
            store,
            clock: clock(),
            i18n: I18n::new(lang),
            settings: Settings::default(),
            paths: Paths::beside(&std::env::temp_dir().join("itp-diary-none/d.sqlite")),
        },
        Theme { color: false },
    )
}

fn key(app: &mut App, c: KeyCode) {
    app.on_key(KeyEvent::new(c, KeyModifiers::NONE));
}

fn weights(app: &App) -> usize {
    app.store()
        .entries(&EntryFilter {
            kind: Some(Kind::Weight),
            ..Default::default()
        })
        .unwrap()
        .len()
}

#[test]
fn capital_o_edits_the_stored_profile() {
    let mut app = app(Lang::En);
    key(&mut app, KeyCode::Char('O'));
    let Some(Modal::Setup(s)) = app.modal() else {
        panic!("no profile page")
    };
    assert!(s.profile_only);
    assert_eq!(
        s.form.get("birth_year"),
        "1990",
        "filled with the stored profile"
    );
    let t = itp_diary::tui::snapshot(&mut app, 80, 24).unwrap();
    assert!(t.contains("Profile: about you"), "{t}");
    // The birth year is the first field: replace it.
    key(&mut app, KeyCode::End);
    for _ in 0..4 {
        key(&mut app, KeyCode::Backspace);
    }
    for c in "1985".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none(), "{:?}", app.message());
    let p = app.store().profile().unwrap();
    assert_eq!(p.birth_year, Some(1985));
    assert_eq!(
        p.diagnosed_on.map(|d| d.to_string()).as_deref(),
        Some("2025-06-01")
    );
    assert_eq!(weights(&app), 0, "no weight typed, none logged");
    assert_eq!(
        app.store().meta("setup_done").unwrap(),
        None,
        "the first-run flag untouched"
    );
}

#[test]
fn esc_leaves_the_profile_unchanged() {
    let mut app = app(Lang::Zh);
    key(&mut app, KeyCode::Char('O'));
    key(&mut app, KeyCode::Char('7'));
    key(&mut app, KeyCode::Esc);
    assert!(app.modal().is_none());
    assert_eq!(app.store().profile().unwrap().birth_year, Some(1990));
}
