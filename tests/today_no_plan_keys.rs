//! Without a plan, Today's key line offers only what the keys do: `t` says "(no plan)", `s`
//! (which has no planned dose to skip) is not offered, and `R` says it starts a plan (it opens
//! the plan page of the setup). English and Chinese, 80 and 120 columns.

mod common;

use common::app::{app_on, key};
use itp_diary::present::i18n::Lang;
use itp_diary::store::Store;
use itp_diary::tui::{self, Modal};
use ratatui::crossterm::event::KeyCode;

fn key_line(lang: Lang, w: u16) -> String {
    let mut app = app_on(Store::open_in_memory().unwrap(), lang, false);
    let screen = tui::snapshot(&mut app, w, 24).unwrap();
    screen
        .lines()
        .last()
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

#[test]
fn no_plan_no_skip_key() {
    let mut lines = String::new();
    for lang in [Lang::En, Lang::Zh] {
        for w in [80, 120] {
            let line = key_line(lang, w);
            assert!(
                !line.contains("s skip") && !line.contains("s 跳过"),
                "{line}"
            );
            lines.push_str(&format!("{w}: {line}\n"));
        }
    }
    insta::assert_snapshot!("today_no_plan_keys", lines);
}

#[test]
fn no_plan_s_does_nothing_and_r_starts_a_plan() {
    let mut app = app_on(Store::open_in_memory().unwrap(), Lang::En, false);
    tui::snapshot(&mut app, 80, 24).unwrap();
    key(&mut app, KeyCode::Char('s'));
    assert!(app.modal().is_none());
    key(&mut app, KeyCode::Char('R'));
    assert!(
        matches!(app.modal(), Some(Modal::Setup(_))),
        "R opens the plan page: {:?}",
        app.modal()
    );
}
