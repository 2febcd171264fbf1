//! The real binary in a pseudo-terminal on a new diary: the first-run setup is shown before
//! Today, `Esc` skips it, and the next start goes straight to Today.

mod common;

use common::Diary;
use common::screen::Screen;

/// Start the screen, send `keys` once `first` shows, quit with `q`; everything printed.
fn session(d: &Diary, first: &str, keys: &[&str], after: Option<&str>) -> String {
    let mut s = Screen::start(d);
    assert!(s.wait_for(first), "{first}");
    for k in keys {
        s.send(k.as_bytes());
    }
    if let Some(a) = after {
        assert!(s.wait_for(a), "{a}");
    }
    s.send(b"q");
    let out = s.since(0);
    assert!(s.exit_success());
    out
}

#[test]
fn new_diary_shows_setup_once_and_esc_skips_it() {
    let d = Diary::new();
    session(&d, "Welcome", &["\x1b"], Some("Setup skipped"));
    let second = session(&d, "Today", &[], None);
    assert!(!second.contains("Welcome"), "setup shown again");
}
