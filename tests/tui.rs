//! The terminal face without a terminal: screens rendered into a TestBackend (insta
//! snapshots, committed) and state transitions driven by key events, checked in the database.
//! Fixed clock, fixed demo data, fixed sizes and languages.

use chrono::DateTime;
use itp_diary::app::config::{Paths, Settings};
use itp_diary::app::session::Session;
use itp_diary::domain::clock::Clock;
use itp_diary::domain::entry::{EntryData, Kind};
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::{EntryFilter, Store};
use itp_diary::tui::theme::Theme;
use itp_diary::tui::{self, Action, App, Modal, Tab};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const NOW: &str = "2026-03-10T14:30:00+08:00";

fn clock() -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339(NOW).unwrap())
}

/// Paths that are never written (the diaries of these tests live in memory).
fn unused() -> Paths {
    Paths::beside(&std::env::temp_dir().join("itp-diary-no-such-folder/diary.sqlite"))
}

fn demo_app(lang: Lang) -> App {
    let mut store = Store::open_in_memory().unwrap();
    itp_diary::app::demo::generate(&mut store, 2, 1, &clock()).unwrap();
    App::new(
        Session {
            store,
            clock: clock(),
            i18n: I18n::new(lang),
            settings: Settings::default(),
            paths: unused(),
        },
        Theme { color: false },
    )
}

fn empty_app() -> App {
    App::new(
        Session {
            store: Store::open_in_memory().unwrap(),
            clock: clock(),
            i18n: I18n::new(Lang::En),
            settings: Settings::default(),
            paths: unused(),
        },
        Theme { color: false },
    )
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        let m = if c.is_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        app.on_key(KeyEvent::new(KeyCode::Char(c), m));
    }
}

fn count(app: &App, kind: Kind) -> usize {
    app.store()
        .entries(&EntryFilter {
            kind: Some(kind),
            ..Default::default()
        })
        .unwrap()
        .len()
}

#[test]
fn screens_snapshots() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = demo_app(lang);
        for tab in Tab::ALL {
            app.update(Action::GoTab(tab));
            for (w, h) in [(80, 24), (120, 40)] {
                let text = tui::snapshot(&mut app, w, h).unwrap();
                let name = format!("{:?}_{}_{w}x{h}", tab, lang.code()).to_lowercase();
                insta::assert_snapshot!(name, text);
            }
        }
    }
}

#[test]
fn overlay_and_edge_snapshots() {
    let mut app = demo_app(Lang::En);
    app.update(Action::Help);
    insta::assert_snapshot!("help_en_120x40", tui::snapshot(&mut app, 120, 40).unwrap());
    // At 80×24 the help scrolls with ↓ and closes with any other key.
    for _ in 0..15 {
        key(&mut app, KeyCode::Down);
    }
    insta::assert_snapshot!(
        "help_en_80x24_scrolled",
        tui::snapshot(&mut app, 80, 24).unwrap()
    );
    key(&mut app, KeyCode::Char('z'));
    assert!(app.modal().is_none());
    app.update(Action::Help);
    app.update(Action::Help);
    app.update(Action::New(Kind::Lab));
    insta::assert_snapshot!(
        "form_lab_en_80x24",
        tui::snapshot(&mut app, 80, 24).unwrap()
    );
    let mut zh = demo_app(Lang::Zh);
    zh.update(Action::New(Kind::Dose));
    insta::assert_snapshot!(
        "form_dose_zh_80x24",
        tui::snapshot(&mut zh, 80, 24).unwrap()
    );
    insta::assert_snapshot!("too_small_60x20", tui::snapshot(&mut app, 60, 20).unwrap());

    // Empty and one-point histories.
    let mut empty = empty_app();
    insta::assert_snapshot!(
        "today_empty_80x24",
        tui::snapshot(&mut empty, 80, 24).unwrap()
    );
    empty.update(Action::GoTab(Tab::Trends));
    insta::assert_snapshot!(
        "trends_empty_80x24",
        tui::snapshot(&mut empty, 80, 24).unwrap()
    );
    typ(&mut empty, "p45");
    key(&mut empty, KeyCode::Enter);
    empty.update(Action::GoTab(Tab::Trends));
    insta::assert_snapshot!(
        "trends_one_point_80x24",
        tui::snapshot(&mut empty, 80, 24).unwrap()
    );
    insta::assert_snapshot!(
        "trends_one_point_120x40",
        tui::snapshot(&mut empty, 120, 40).unwrap()
    );
}

#[test]
fn logging_a_platelet_count_from_today_takes_four_keys() {
    let mut app = demo_app(Lang::En);
    let before = count(&app, Kind::Platelets);
    typ(&mut app, "p45");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none(), "form closed");
    assert_eq!(count(&app, Kind::Platelets), before + 1);
    let latest = app.store().latest(Kind::Platelets, None).unwrap().unwrap();
    assert!(matches!(latest.data, EntryData::Platelets(ref p) if p.count == 45.0));
    assert_eq!(latest.at, clock().now());
    let (msg, _) = app.message().cloned().unwrap();
    assert!(msg.starts_with("Saved #"), "{msg}");
    // Today shows it at once.
    assert_eq!(app.overview().unwrap().latest_platelets.unwrap().1, 45.0);
}

#[test]
fn a_rejected_value_keeps_the_form_filled_and_writes_nothing() {
    let mut app = demo_app(Lang::En);
    let before = count(&app, Kind::Platelets);
    typ(&mut app, "p9999");
    key(&mut app, KeyCode::Enter);
    let Some(Modal::Form(f)) = app.modal() else {
        panic!("form closed")
    };
    assert_eq!(f.get("value"), "9999");
    assert!(
        f.error
            .as_deref()
            .unwrap()
            .contains("outside the accepted range 0–2000"),
        "{:?}",
        f.error
    );
    assert_eq!(count(&app, Kind::Platelets), before);
    // Fix it and save.
    for _ in 0..4 {
        key(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "99");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none());
    assert_eq!(count(&app, Kind::Platelets), before + 1);
}

#[test]
fn escape_asks_before_discarding_typed_text() {
    let mut app = demo_app(Lang::En);
    typ(&mut app, "p4");
    key(&mut app, KeyCode::Esc);
    assert!(app.confirm().is_some());
    typ(&mut app, "n");
    assert!(matches!(app.modal(), Some(Modal::Form(_))), "kept");
    // q in a form is text, not quit.
    typ(&mut app, "q");
    assert!(app.is_running());
    key(&mut app, KeyCode::Esc);
    typ(&mut app, "y");
    assert!(app.modal().is_none());
    // An untouched form closes without asking.
    typ(&mut app, "w");
    key(&mut app, KeyCode::Esc);
    assert!(app.modal().is_none() && app.confirm().is_none());
    typ(&mut app, "q");
    assert!(!app.is_running());
}

#[test]
fn take_the_next_dose() {
    // 14:30: the morning dose was logged by the demo and 20:00 is 5.5 h away (window 3 h):
    // `t` waits instead of answering it early (changed on purpose).
    let mut app = demo_app(Lang::En);
    let before = count(&app, Kind::Dose);
    typ(&mut app, "t");
    assert_eq!(count(&app, Kind::Dose), before);
    // 17:30, the same diary: within the window, `t` answers 20:00.
    let mut store = Store::open_in_memory().unwrap();
    itp_diary::app::demo::generate(&mut store, 2, 1, &clock()).unwrap();
    let evening = DateTime::parse_from_rfc3339("2026-03-10T17:30:00+08:00").unwrap();
    let mut app = App::new(
        Session {
            store,
            clock: Clock::Fixed(evening),
            i18n: I18n::new(Lang::En),
            settings: Settings::default(),
            paths: unused(),
        },
        Theme { color: false },
    );
    typ(&mut app, "t");
    assert_eq!(count(&app, Kind::Dose), before + 1);
    let d = app.store().latest(Kind::Dose, None).unwrap().unwrap();
    let EntryData::Dose(dose) = d.data else {
        panic!()
    };
    // The morning dose was logged by the demo, so the next is 20:00 today.
    assert_eq!(
        dose.scheduled_for.unwrap().to_rfc3339(),
        "2026-03-10T20:00:00+08:00"
    );
    assert_eq!(dose.amount.unwrap().value, 75.0);
    assert_eq!(dose.formulation.as_deref(), Some("Neoral"));
    let slots = &app.overview().unwrap().slots;
    assert!(
        slots
            .iter()
            .any(|s| s.at.to_rfc3339() == "2026-03-10T20:00:00+08:00" && s.state.code() == "taken")
    );
    // Nothing more today.
    typ(&mut app, "t");
    assert_eq!(count(&app, Kind::Dose), before + 1);
}

#[test]
fn edit_delete_and_undo_in_history() {
    let mut app = demo_app(Lang::En);
    typ(&mut app, "p45");
    key(&mut app, KeyCode::Enter);
    typ(&mut app, "2");
    assert_eq!(app.tab(), Tab::History);
    // The new count is the newest row.
    let id = app.history().rows[0].id;
    typ(&mut app, "e");
    for _ in 0..2 {
        key(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "60");
    key(&mut app, KeyCode::Enter);
    let e = app.store().entry(id).unwrap();
    assert!(matches!(e.data, EntryData::Platelets(ref p) if p.count == 60.0));
    assert_eq!(app.store().revision_count(id).unwrap(), 1);
    // Delete (asks), then undo.
    typ(&mut app, "D");
    assert!(app.confirm().is_some());
    typ(&mut app, "y");
    assert!(app.store().entry(id).unwrap().deleted);
    assert_ne!(app.history().rows[0].id, id);
    typ(&mut app, "u");
    assert!(!app.store().entry(id).unwrap().deleted);
    assert_eq!(app.history().rows[0].id, id);
    // Filter by kind.
    typ(&mut app, "f");
    assert!(
        app.history()
            .rows
            .iter()
            .all(|e| e.data.kind() == Kind::Platelets)
    );
}

#[test]
fn reminders_open_the_form_they_ask_for() {
    let mut app = demo_app(Lang::En);
    typ(&mut app, "3");
    let n = app
        .reminders()
        .iter()
        .position(|r| r.rule.code().starts_with("weight"))
        .expect("weight reminder");
    for _ in 0..n {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    let Some(Modal::Form(f)) = app.modal() else {
        panic!("no form")
    };
    assert_eq!(f.kind, Kind::Weight);
}

#[test]
fn a_locked_database_is_a_message_and_the_entry_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let store = Store::open(&path).unwrap();
    let mut app = App::new(
        Session {
            store,
            clock: clock(),
            i18n: I18n::new(Lang::En),
            settings: Settings::default(),
            paths: Paths::beside(&path),
        },
        Theme { color: false },
    );
    // Another connection holds the write lock; the test does not wait the full 10 s.
    app.store_mut()
        .set_busy_timeout(std::time::Duration::from_millis(200))
        .unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    typ(&mut app, "p45");
    key(&mut app, KeyCode::Enter);
    let Some(Modal::Form(f)) = app.modal() else {
        panic!("form closed")
    };
    assert!(
        f.error.as_deref().unwrap().contains("Not saved"),
        "{:?}",
        f.error
    );
    assert_eq!(f.get("value"), "45");
    other.execute_batch("COMMIT").unwrap();
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none());
    assert_eq!(count(&app, Kind::Platelets), 1);
}

#[test]
fn colours_carry_the_band_and_no_color_keeps_the_words() {
    let mut store = Store::open_in_memory().unwrap();
    let e = itp_diary::domain::entry::NewEntry {
        at: clock().now(),
        note: None,
        data: itp_diary::domain::validate::platelets(12.0, None, None)
            .unwrap()
            .value,
    };
    store.add_entry(&e, clock().now()).unwrap();
    let mut app = App::new(
        Session {
            store,
            clock: clock(),
            i18n: I18n::new(Lang::En),
            settings: Settings::default(),
            paths: unused(),
        },
        Theme { color: true },
    );
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| tui::render(f, &app)).unwrap();
    let buf = t.backend().buffer().clone();
    let text = tui::buffer_text(&buf, buf.area);
    let row = text.lines().position(|l| l.contains("12 ×10⁹/L")).unwrap() as u16;
    let col = text
        .lines()
        .nth(row as usize)
        .unwrap()
        .chars()
        .position(|c| c == '1')
        .unwrap() as u16;
    assert_eq!(buf[(col, row)].fg, ratatui::style::Color::Red);
    assert!(text.contains("[<20 high bleeding risk]"));
    app.set_theme(Theme { color: false });
    let plain = tui::snapshot(&mut app, 80, 24).unwrap();
    assert!(plain.contains("[<20 high bleeding risk]"));
}

#[test]
fn export_from_the_screen_runs_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let mut store = Store::open(&path).unwrap();
    itp_diary::app::demo::generate(&mut store, 1, 1, &clock()).unwrap();
    let mut app = App::new(
        Session {
            store,
            clock: clock(),
            i18n: I18n::new(Lang::En),
            settings: Settings::default(),
            paths: Paths::beside(&path),
        },
        Theme { color: false },
    );
    app.set_export_dir(dir.path().join("exports"));
    typ(&mut app, "E");
    assert!(matches!(app.modal(), Some(Modal::Export(_))));
    if let Some(Modal::Export(f)) = app.modal() {
        assert_eq!(f.format(), itp_diary::app::export::Format::Pdf, "PDF first");
    }
    // Choose CSV (pdf → html → md → csv: the clinic report comes first) and export.
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Enter);
    assert!(app.job_running());
    let t0 = std::time::Instant::now();
    while app.job_running() && t0.elapsed().as_secs() < 20 {
        app.poll_job();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let (msg, _) = app.message().cloned().unwrap();
    assert!(msg.starts_with("Wrote"), "{msg}");
    let file = dir.path().join("exports").join("itp-diary-2026-03-10.csv");
    assert!(
        msg.contains(&file.display().to_string()),
        "absolute path: {msg}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("id,uid,kind,at,"));
    assert!(text.lines().count() > 500);
}
