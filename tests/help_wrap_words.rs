//! The help overlay's descriptions wrap without splitting a Latin word, number or key name
//! (`Ctrl-W`, `Esc`, `12`) and never start a line with closing punctuation — also a run of it
//! (`）；`), which the Chinese help showed at 123–126 columns.

mod common;

use common::app::{app_on, demo_store, key};
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::tui::{self, keymap::help_rows, widgets::wrap::wrap};
use ratatui::crossterm::event::KeyCode;

fn word(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-/()·".contains(c)
}

fn closing(c: char) -> bool {
    "，。、；：！？）》」』】〕…”’".contains(c)
}

#[test]
fn every_help_description_keeps_words_whole_at_every_width() {
    for lang in [Lang::En, Lang::Zh] {
        let i = I18n::new(lang);
        for (_, keys, help) in help_rows() {
            let text = i.t(help);
            for width in 8..60 {
                let lines = wrap(text, width);
                for pair in lines.windows(2) {
                    let (Some(a), Some(b)) = (pair[0].chars().last(), pair[1].chars().next())
                    else {
                        continue;
                    };
                    assert!(!closing(b), "{lang:?} {keys} at {width}: {pair:?}");
                    // Two word characters either side of a break that were one word in
                    // the text: allowed only for a word longer than the line.
                    let tail: String = pair[0].chars().rev().take_while(|c| word(*c)).collect();
                    let tail: String = tail.chars().rev().collect();
                    let head: String = pair[1].chars().take_while(|c| word(*c)).collect();
                    if word(a) && word(b) && text.contains(&format!("{tail}{head}")) {
                        assert!(
                            tail.chars().count() + head.chars().count() > width,
                            "{lang:?} {keys} at {width}: {pair:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn chinese_help_at_124_columns() {
    let mut app = app_on(demo_store(), Lang::Zh, false);
    key(&mut app, KeyCode::Char('?'));
    let text = tui::snapshot(&mut app, 124, 40).unwrap();
    for line in text.lines() {
        let inner = line.trim_start_matches(['│', ' ']);
        assert!(!inner.starts_with('）'), "{line}");
    }
    insta::assert_snapshot!("help_zh_124x40", text);
}
