//! Findings of the session-7 review of the diary in the terminal, each with the test that
//! failed before its fix. Fixed clock (2026-03-10 14:30 +08:00).

mod common;

use common::app::{app_on, ch, demo_store};
use itp_diary::present::i18n::Lang;
use itp_diary::tui;

/// Behind the "please enlarge the window" page every key still acted: `2 D y` deleted the
/// first History entry and `t` answered a dose, unseen.
#[test]
fn keys_do_nothing_behind_the_enlarge_page_but_quit() {
    let mut app = app_on(demo_store(), Lang::En, false);
    ch(&mut app, '2');
    let before = tui::snapshot(&mut app, 120, 40).expect("frame");
    let small = tui::snapshot(&mut app, 40, 12).expect("frame");
    assert!(small.contains("enlarge"), "{small}");
    for c in ['1', 't', '2', 'D', 'y', 'e'] {
        ch(&mut app, c);
    }
    let after = tui::snapshot(&mut app, 120, 40).expect("frame");
    assert_eq!(before, after, "a key acted behind the enlarge page");
    assert!(!after.contains("Deleted"), "{after}");
    let _ = tui::snapshot(&mut app, 40, 12).expect("frame");
    ch(&mut app, 'q');
    assert!(!app.is_running(), "q still quits");
}
