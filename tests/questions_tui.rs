//! Issue 13: the questions for the next visit are editable in the terminal diary (`V` on
//! Today): added, listed, marked answered; an empty one is refused and nothing is written.

use chrono::DateTime;
use itp_diary::app::config::{Paths, Settings};
use itp_diary::app::session::Session;
use itp_diary::domain::clock::Clock;
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::Store;
use itp_diary::tui::theme::Theme;
use itp_diary::tui::{App, Modal};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn app(lang: Lang) -> App {
    let clock = Clock::Fixed(DateTime::parse_from_rfc3339("2026-03-10T14:30:00+08:00").unwrap());
    App::new(
        Session {
            store: Store::open_in_memory().unwrap(),
            clock,
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

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

#[test]
fn v_adds_lists_and_answers_visit_questions() {
    let mut app = app(Lang::Zh);
    key(&mut app, KeyCode::Char('V'));
    assert!(matches!(app.modal(), Some(Modal::Questions(_))));
    key(&mut app, KeyCode::Char('a'));
    typed(&mut app, "能减量吗？");
    key(&mut app, KeyCode::Enter);
    let open = app.store().questions(false).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].text, "能减量吗？");
    let t = itp_diary::tui::snapshot(&mut app, 80, 24).unwrap();
    assert!(t.contains("1. 能减量吗？"), "{t}");
    // Marked answered: no longer open, still kept.
    key(&mut app, KeyCode::Char('d'));
    assert!(app.store().questions(false).unwrap().is_empty());
    assert_eq!(app.store().questions(true).unwrap().len(), 1);
    key(&mut app, KeyCode::Esc);
    assert!(app.modal().is_none());
}

#[test]
fn an_empty_question_is_refused_and_nothing_written() {
    let mut app = app(Lang::En);
    key(&mut app, KeyCode::Char('V'));
    key(&mut app, KeyCode::Char('a'));
    typed(&mut app, "   ");
    key(&mut app, KeyCode::Enter);
    assert!(app.store().questions(true).unwrap().is_empty());
    let Some(Modal::Questions(q)) = app.modal() else {
        panic!("closed")
    };
    assert!(q.adding.is_some(), "the line stays open");
    assert!(q.error.as_deref().unwrap_or("").contains("empty"));
}
