//! Issue 16: `P` in the terminal diary opens another patient's diary in the same folder, with
//! that patient's own settings file; a settings file that cannot be read leaves the current
//! diary open.

use chrono::DateTime;
use itp_diary::app::config::{Paths, Settings};
use itp_diary::app::session::Session;
use itp_diary::domain::clock::Clock;
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::{EntryFilter, Store};
use itp_diary::tui::theme::Theme;
use itp_diary::tui::{App, Modal};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const NOW: &str = "2026-03-10T14:30:00+08:00";

fn clock() -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339(NOW).unwrap())
}

fn paths(dir: &std::path::Path, name: &str) -> Paths {
    Paths {
        db: dir.join(format!("{name}.sqlite")),
        config: dir.join(format!("{name}.toml")),
        data_dir: dir.join(name),
        patient: Some(name.to_string()),
    }
}

/// A diary holding `n` platelet counts.
fn diary(dir: &std::path::Path, name: &str, n: usize) {
    let mut s = Store::open(&dir.join(format!("{name}.sqlite"))).unwrap();
    let raw = itp_diary::app::entry_input::RawEntry::Platelets {
        value: "45".into(),
        unit: None,
        lab: None,
    };
    for _ in 0..n {
        let b = itp_diary::app::entry_input::build(&raw, None, None, &clock(), || None).unwrap();
        s.add_entry(&b.entry, clock().now()).unwrap();
    }
}

fn app_for(dir: &std::path::Path, name: &str) -> App {
    let p = paths(dir, name);
    App::new(
        Session {
            store: Store::open(&p.db).unwrap(),
            clock: clock(),
            i18n: I18n::new(Lang::En),
            settings: Settings::default(),
            paths: p,
        },
        Theme { color: false },
    )
}

fn key(app: &mut App, c: KeyCode) {
    app.on_key(KeyEvent::new(c, KeyModifiers::NONE));
}

fn entries(app: &App) -> usize {
    app.store().entries(&EntryFilter::default()).unwrap().len()
}

#[test]
fn capital_p_opens_the_other_patients_diary_with_its_own_settings() {
    let dir = tempfile::tempdir().unwrap();
    diary(dir.path(), "alice", 1);
    diary(dir.path(), "bob", 3);
    let mut app = app_for(dir.path(), "alice");
    assert_eq!(entries(&app), 1);
    key(&mut app, KeyCode::Char('P'));
    let Some(Modal::Patients(c)) = app.modal() else {
        panic!("no chooser: {:?}", app.message())
    };
    assert_eq!(c.names, vec![Some("alice".into()), Some("bob".into())]);
    assert_eq!(c.selected, 0, "the open diary is selected first");
    let t = itp_diary::tui::snapshot(&mut app, 80, 24).unwrap();
    assert!(t.contains("Whose diary?") && t.contains("alice ●"), "{t}");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none());
    assert_eq!(app.patient(), Some("bob"));
    assert_eq!(app.paths().db, dir.path().join("bob.sqlite"));
    assert_eq!(app.paths().config, dir.path().join("bob.toml"));
    assert_eq!(entries(&app), 3, "bob's entries are shown");
    let t = itp_diary::tui::snapshot(&mut app, 80, 24).unwrap();
    assert!(t.contains("bob ·"), "the title names the patient: {t}");
}

#[test]
fn an_unreadable_settings_file_keeps_the_current_diary() {
    let dir = tempfile::tempdir().unwrap();
    diary(dir.path(), "alice", 1);
    diary(dir.path(), "bob", 3);
    std::fs::write(dir.path().join("bob.toml"), "this is = = not toml").unwrap();
    let mut app = app_for(dir.path(), "alice");
    key(&mut app, KeyCode::Char('P'));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.patient(), Some("alice"));
    assert_eq!(entries(&app), 1);
    let (msg, _) = app.message().cloned().expect("a message");
    assert!(msg.contains("bob.toml"), "{msg}");
}

#[test]
fn with_one_diary_p_says_there_is_no_other() {
    let dir = tempfile::tempdir().unwrap();
    diary(dir.path(), "alice", 1);
    let mut app = app_for(dir.path(), "alice");
    key(&mut app, KeyCode::Char('P'));
    assert!(app.modal().is_none());
    let (msg, _) = app.message().cloned().expect("a message");
    assert!(msg.contains("no other patient"), "{msg}");
}
