//! Issue 13 (second part): the forms' line editor, the help at 80×24 and 120×40 in both
//! languages with every description whole, and `/` in History (a store search that pages).
//! Fixed clock (2026-03-10 14:30 +08:00), diaries in memory.

use chrono::DateTime;
use itp_diary::app::config::{Paths, Settings};
use itp_diary::app::entry_input::{RawEntry, build};
use itp_diary::app::session::Session;
use itp_diary::domain::clock::Clock;
use itp_diary::domain::entry::{EntryData, Kind};
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::Store;
use itp_diary::tui::keymap::help_rows;
use itp_diary::tui::theme::Theme;
use itp_diary::tui::{self, App, Modal, Tab};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Modifier;

const NOW: &str = "2026-03-10T14:30:00+08:00";

fn clock() -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339(NOW).unwrap())
}

fn app_with(store: Store, lang: Lang) -> App {
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

fn demo_app(lang: Lang) -> App {
    let mut store = Store::open_in_memory().unwrap();
    itp_diary::app::demo::generate(&mut store, 2, 1, &clock()).unwrap();
    app_with(store, lang)
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn ctrl(app: &mut App, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

fn frame(app: &mut App, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| tui::render(f, app)).unwrap();
    t.backend().buffer().clone()
}

fn field(app: &App, code: &str) -> String {
    match app.modal() {
        Some(Modal::Form(f)) => f.get(code),
        other => panic!("no form: {other:?}"),
    }
}

fn note(app: &mut App, text: &str, at: &str) {
    let raw = RawEntry::Weight {
        value: "60".into(),
        unit: Some("kg".into()),
    };
    let b = build(&raw, Some(at), Some(text.to_string()), &clock(), || None).unwrap();
    app.store_mut().add_entry(&b.entry, clock().now()).unwrap();
}

#[test]
fn form_edits_in_the_middle_home_end_and_ctrl_w() {
    let mut app = demo_app(Lang::En);
    typ(&mut app, "p45");
    key(&mut app, KeyCode::Home);
    typ(&mut app, "1");
    assert_eq!(
        field(&app, "value"),
        "145",
        "Home then a digit inserts at the start"
    );
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Delete);
    assert_eq!(
        field(&app, "value"),
        "14",
        "Delete takes the character under the cursor"
    );
    key(&mut app, KeyCode::End);
    ctrl(&mut app, 'w');
    assert_eq!(
        field(&app, "value"),
        "",
        "Ctrl-W deletes the word before the cursor"
    );
    typ(&mut app, "52");
    key(&mut app, KeyCode::Left);
    typ(&mut app, "0");
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none(), "saved");
    let latest = app.store().latest(Kind::Platelets, None).unwrap().unwrap();
    assert!(matches!(latest.data, EntryData::Platelets(ref p) if p.count == 52.0));
}

#[test]
fn an_empty_field_is_an_error_on_save_not_while_typing() {
    let mut app = demo_app(Lang::En);
    typ(&mut app, "p4");
    key(&mut app, KeyCode::Backspace);
    let shown = tui::buffer_text(
        &frame(&mut app, 80, 24),
        ratatui::layout::Rect::new(0, 0, 80, 24),
    );
    assert!(
        !shown.contains("platelets:"),
        "no error while typing:\n{shown}"
    );
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.modal(), Some(Modal::Form(_))), "not saved");
    let shown = tui::buffer_text(
        &frame(&mut app, 80, 24),
        ratatui::layout::Rect::new(0, 0, 80, 24),
    );
    assert!(shown.contains("platelets:"), "the error on save:\n{shown}");
    // A value that is wrong (not only empty) is still said while typing.
    typ(&mut app, "abc");
    let shown = tui::buffer_text(
        &frame(&mut app, 80, 24),
        ratatui::layout::Rect::new(0, 0, 80, 24),
    );
    assert!(shown.contains("'abc' is not a number"), "{shown}");
}

#[test]
fn chinese_text_is_edited_by_character_and_the_cursor_sits_on_its_columns() {
    let mut app = demo_app(Lang::Zh);
    typ(&mut app, "p");
    if let Some(Modal::Form(f)) = app.modal_mut() {
        f.focus_on("note");
    }
    typ(&mut app, "早饭后服药");
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    ctrl(&mut app, 'w');
    assert_eq!(
        field(&app, "note"),
        "服药",
        "Ctrl-W takes the whole word before the cursor"
    );
    typ(&mut app, "饭后");
    assert_eq!(field(&app, "note"), "饭后服药");
    let buf = frame(&mut app, 80, 24);
    // The cursor cell is the reversed one: on 服, two columns after 饭后 (two columns each).
    let row = (0..24u16)
        .find(|y| (0..80u16).any(|x| buf[(x, *y)].symbol() == "饭"))
        .expect("the note row") as usize;
    let cur = buf
        .content()
        .iter()
        .enumerate()
        .skip(row * 80)
        .take(80)
        .find(|(_, c)| c.modifier.contains(Modifier::REVERSED))
        .map(|(n, c)| (n, c.symbol().to_string()))
        .expect("a cursor cell");
    assert_eq!(cur.1, "服");
    let (x, y) = ((cur.0 % 80) as u16, (cur.0 / 80) as u16);
    assert_eq!(buf[(x - 4, y)].symbol(), "饭");
    assert_eq!(buf[(x - 2, y)].symbol(), "后");
    assert_eq!(buf[(x + 2, y)].symbol(), "药");
    insta::assert_snapshot!(
        "form_zh_80x24_chinese_note_cursor",
        tui::snapshot(&mut app, 80, 24).unwrap()
    );
}

/// The text of one column of cells (x in `from..to`), row by row, whitespace removed.
fn column_text(buf: &Buffer, from: u16, to: u16) -> String {
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in from..to {
            s.push_str(buf[(x, y)].symbol());
        }
    }
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '│')
        .collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn help_shows_every_key_with_its_whole_description() {
    for lang in [Lang::En, Lang::Zh] {
        let i = I18n::new(lang);
        // One column at 80 wide; two at 120 (a tall screen shows it all at once).
        for (w, cols) in [
            (80u16, vec![(1u16, 79u16)]),
            (120, vec![(1, 60), (60, 119)]),
        ] {
            let mut app = demo_app(lang);
            key(&mut app, KeyCode::Char('?'));
            let buf = frame(&mut app, w, 200);
            let text: Vec<String> = cols
                .iter()
                .map(|(a, b)| column_text(&buf, *a, *b))
                .collect();
            for (_, keys, help) in help_rows() {
                let d = squeeze(i.t(help));
                assert!(
                    text.iter().any(|t| t.contains(&d)),
                    "{lang:?} {w}: '{}' for {keys} is cut",
                    i.t(help)
                );
            }
        }
    }
}

#[test]
fn help_snapshots_and_scrolling_to_the_end_at_80x24() {
    for (lang, name) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
        let mut app = demo_app(lang);
        key(&mut app, KeyCode::Char('?'));
        insta::assert_snapshot!(
            format!("help_{name}_120x40_whole"),
            tui::snapshot(&mut app, 120, 40).unwrap()
        );
        insta::assert_snapshot!(
            format!("help_{name}_80x24_top"),
            tui::snapshot(&mut app, 80, 24).unwrap()
        );
        for _ in 0..20 {
            key(&mut app, KeyCode::PageDown);
        }
        let end = tui::snapshot(&mut app, 80, 24).unwrap();
        let last = I18n::new(lang).t("keys.no").to_string();
        assert!(end.contains(&last), "the last key is reachable:\n{end}");
        insta::assert_snapshot!(format!("help_{name}_80x24_end"), end);
    }
}

#[test]
fn slash_searches_history_through_the_store_and_pages() {
    let mut app = app_with(Store::open_in_memory().unwrap(), Lang::En);
    for n in 0..250 {
        let text = if n % 2 == 0 {
            "after breakfast"
        } else {
            "evening"
        };
        let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(n);
        note(&mut app, text, &format!("{day}T08:00:00+08:00"));
    }
    note(&mut app, "50% more", "2026-03-01T08:00:00+08:00");
    app.update(itp_diary::tui::Action::GoTab(Tab::History));
    app.refresh();
    assert_eq!(app.history().total, 251);
    typ(&mut app, "/breakfast");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.history().total, 125, "only the matching entries");
    // Keyset paging over the matches: the end of the list is a match too.
    key(&mut app, KeyCode::End);
    assert_eq!(app.history().selected, 124);
    let last = app.history().current().expect("loaded");
    assert_eq!(last.note.as_deref(), Some("after breakfast"));
    assert_eq!(last.at.date_naive().to_string(), "2025-01-01");
    // `%` is a character, not a wildcard.
    typ(&mut app, "/");
    ctrl(&mut app, 'w');
    typ(&mut app, "%");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.history().total, 1);
    // Esc in the search line shows everything again.
    typ(&mut app, "/");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.history().total, 251);
    assert!(app.history().search.is_none());
}

#[test]
fn a_search_in_chinese_finds_kinds_by_their_chinese_name() {
    let mut app = demo_app(Lang::Zh);
    app.update(itp_diary::tui::Action::GoTab(Tab::History));
    let all = app.history().total;
    typ(&mut app, "/体重");
    key(&mut app, KeyCode::Enter);
    let n = app.history().total;
    assert!(n > 0 && n < all, "{n} of {all}");
    assert!(
        app.history()
            .rows
            .iter()
            .all(|e| e.data.kind() == Kind::Weight)
    );
    insta::assert_snapshot!(
        "history_zh_80x24_search",
        tui::snapshot(&mut app, 80, 24).unwrap()
    );
}

/// When the whole help fits, scrolling keys leave it where it is (the top stays visible).
#[test]
fn help_that_fits_does_not_scroll() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = demo_app(lang);
        key(&mut app, KeyCode::Char('?'));
        let before = tui::snapshot(&mut app, 120, 40).unwrap();
        key(&mut app, KeyCode::PageDown);
        key(&mut app, KeyCode::Down);
        assert_eq!(
            tui::snapshot(&mut app, 120, 40).unwrap(),
            before,
            "{lang:?}"
        );
    }
}

/// At 120×40 the whole help is on the screen at once, in both languages (no scrolling).
#[test]
fn help_fits_120x40_without_scrolling() {
    for lang in [Lang::En, Lang::Zh] {
        let i = I18n::new(lang);
        let mut app = demo_app(lang);
        key(&mut app, KeyCode::Char('?'));
        let buf = frame(&mut app, 120, 40);
        let text: Vec<String> = [(1u16, 60u16), (60, 119)]
            .iter()
            .map(|(a, b)| column_text(&buf, *a, *b))
            .collect();
        for (_, keys, help) in help_rows() {
            let d = squeeze(i.t(help));
            assert!(
                text.iter().any(|t| t.contains(&d)),
                "{lang:?}: '{}' for {keys} is not on the 120×40 screen",
                i.t(help)
            );
        }
    }
}
