//! The terminal app in-process on a store, at the fixed "now", default settings and a settings
//! file nobody writes (the setup for the screen tests).

use chrono::DateTime;
use itp_diary::app::config::{Paths, Settings};
use itp_diary::app::session::Session;
use itp_diary::domain::clock::Clock;
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::Store;
use itp_diary::tui::App;
use itp_diary::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::NOW;

/// The fixed clock at [`NOW`].
pub fn clock() -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339(NOW).expect("NOW"))
}

/// The app on `store` in `lang`, with or without colour.
pub fn app_on(store: Store, lang: Lang, color: bool) -> App {
    app_with(store, clock(), lang, color)
}

/// The app on `store` at another clock.
pub fn app_with(store: Store, clock: Clock, lang: Lang, color: bool) -> App {
    App::new(
        Session {
            store,
            clock,
            i18n: I18n::new(lang),
            settings: Settings::default(),
            paths: Paths::beside(&std::env::temp_dir().join("itp-diary-none/d.sqlite")),
        },
        Theme { color },
    )
}

/// A two-year demo diary in memory (seed 1).
pub fn demo_store() -> Store {
    let mut store = Store::open_in_memory().expect("store");
    itp_diary::app::demo::generate(&mut store, 2, 1, &clock()).expect("demo");
    store
}

/// One key press without modifiers.
pub fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// One character key without modifiers.
pub fn ch(app: &mut App, c: char) {
    key(app, KeyCode::Char(c));
}

/// Ctrl and a letter (Ctrl-W deletes a word).
pub fn ctrl(app: &mut App, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

/// Type `s` key by key (upper case with Shift).
pub fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        let m = if c.is_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        app.on_key(KeyEvent::new(KeyCode::Char(c), m));
    }
}
