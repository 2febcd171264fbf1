//! Leftovers of issue 12 (data safety): the terminal UI shows diary text with bidi controls
//! and control characters made visible; dates before the birth year are refused; `h` in
//! History shows an entry's edit history. Fixed clock (2026-03-10 14:30 +08:00).

mod common;

use chrono::DateTime;
use itp_diary::app::config::Settings;
use itp_diary::app::entry_input::{RawEntry, build};
use itp_diary::domain::clock::Clock;
use itp_diary::domain::entry::EntryData;
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::Store;
use itp_diary::tui::theme::Theme;
use itp_diary::tui::{self, App, Tab};

const NOW: &str = "2026-03-10T14:30:00+08:00";

fn clock() -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339(NOW).unwrap())
}

fn app_on(store: Store, lang: Lang) -> App {
    App::new(
        itp_diary::app::session::Session {
            store,
            clock: clock(),
            i18n: I18n::new(lang),
            settings: Settings::default(),
            paths: itp_diary::app::config::Paths::beside(
                &std::env::temp_dir().join("itp-diary-none/d.sqlite"),
            ),
        },
        Theme { color: false },
    )
}

fn add(store: &mut Store, raw: RawEntry, at: &str) -> i64 {
    let b = build(&raw, Some(at), None, &clock(), || None).unwrap();
    store.add_entry(&b.entry, clock().now()).unwrap().id
}

/// An entry as an old diary or another program may hold it: input validation refuses such
/// text, so it is put in the row directly.
fn add_hostile(store: &mut Store) -> i64 {
    let raw = RawEntry::Event {
        event: "medication_start".into(),
        medication: Some("ibuprofen".into()),
    };
    let mut b = build(&raw, Some("2026-03-09 08:00"), None, &clock(), || None).unwrap();
    b.entry.note = Some(HOSTILE.into());
    if let EntryData::Event(e) = &mut b.entry.data {
        e.medication = Some(HOSTILE.into());
    }
    store.add_entry(&b.entry, clock().now()).unwrap().id
}

/// Every unsafe character of `present::sanitize` in one string.
const HOSTILE: &str = "A\u{202E}evil\u{2066}x\u{2069}\u{1b}]0;pwn\u{7}B";

#[test]
fn the_screen_shows_hostile_diary_text_made_visible() {
    let mut store = Store::open_in_memory().unwrap();
    add_hostile(&mut store);
    let mut app = app_on(store, Lang::En);
    let mut all = String::new();
    for tab in [Tab::Today, Tab::History] {
        app.tab = tab;
        app.refresh();
        all.push_str(&tui::snapshot(&mut app, 160, 50).unwrap());
    }
    // Each unsafe character is shown the way `present::sanitize` shows it, nothing obeyed.
    let shown = "A<U+202E>evil<U+2066>x<U+2069>␛]0;pwn␇B";
    assert!(
        !all.chars().any(itp_diary::present::sanitize::is_unsafe),
        "{all}"
    );
    assert!(
        all.contains(shown),
        "Today and History show it made visible:\n{all}"
    );
    // History's note column (truncated to its width) and the entry's medication.
    let history = all.split("1 Today").last().unwrap_or_default().to_string();
    assert!(history.matches("A<U+202E>evil").count() >= 2, "{history}");
    // The edit form shows the stored text made visible too.
    app.on_key(ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Char('e'),
        ratatui::crossterm::event::KeyModifiers::NONE,
    ));
    assert!(app.modal.is_some(), "edit form open");
    let form = tui::snapshot(&mut app, 160, 50).unwrap();
    assert!(!form.chars().any(itp_diary::present::sanitize::is_unsafe));
    assert!(form.contains("A<U+202E>evil"), "{form}");
}
