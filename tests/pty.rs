//! The real binary in a pseudo-terminal: open the diary, log a platelet count with the keys,
//! quit; the entry is in the database and the terminal was restored (alternate screen left,
//! cursor shown, mouse reporting off).

mod common;

use std::time::Duration;

use common::screen::Screen;
use common::{Diary, NOW};

#[test]
fn log_a_platelet_count_through_the_keys() {
    let d = Diary::new();
    d.ok(&["log", "weight", "60"]); // create the diary
    let mut s = Screen::start(&d);
    assert!(s.wait_for("Today"), "first frame");
    for keys in ["p", "45", "\r"] {
        s.send(keys.as_bytes());
    }
    assert!(s.wait_for("Saved #2"), "saved message");
    s.send(b"q");
    assert!(s.wait_exit(), "quit with success");
    std::thread::sleep(Duration::from_millis(200));
    let text = s.since(0);
    let tail = &text[text.rfind("Saved #2").unwrap_or(0)..];
    assert!(tail.contains("\x1b[?1049l"), "left the alternate screen");
    assert!(tail.contains("\x1b[?25h"), "cursor shown again");
    assert!(
        tail.contains("\x1b[?1000l") || tail.contains("\x1b[?1006l"),
        "mouse reporting off"
    );
    let list = d.json(&["list", "platelets", "--format", "json"]);
    assert_eq!(list[0]["value"], 45.0);
}

#[test]
fn without_a_terminal_the_diary_screen_is_not_started() {
    let d = Diary::new();
    let out = d.cmd().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a terminal"));
    // demo without a terminal only creates the diary and prints its path; without --db it
    // never touches the real diary ($ITP_DIARY_DB here)
    let out = assert_cmd::Command::cargo_bin("itp-diary")
        .unwrap()
        .env("ITP_DIARY_DB", &d.db)
        .env("ITP_DIARY_NOW", NOW)
        .env("ITP_DIARY_BACKUP", "wait")
        .env("LANG", "C")
        .args(["demo", "--years", "1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("itp-diary-demo.sqlite"), "{text}");
    assert!(!d.db.exists(), "the real diary is untouched");
    assert!(d.db.with_file_name("itp-diary-demo.sqlite").exists());
    // --db names the diary to fill; a diary with entries is refused
    d.ok(&["log", "weight", "60"]);
    let out = d.cmd().args(["demo"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds entries"));
}

/// Ended from outside (`kill`, a closed terminal window): the terminal was left in raw mode,
/// in the alternate screen, with the cursor hidden and mouse reporting on.
#[cfg(unix)]
#[test]
fn a_killed_diary_restores_the_terminal() {
    for signal in ["-TERM", "-HUP", "-INT"] {
        let d = Diary::new();
        d.ok(&["log", "weight", "60"]);
        let mut s = Screen::start(&d);
        assert!(s.wait_for("Today"), "first frame");
        let mark = s.mark();
        let kill = std::process::Command::new("kill")
            .args([signal, &s.pid().to_string()])
            .status()
            .expect("kill");
        assert!(kill.success());
        assert!(!s.wait_exit(), "{signal}: ends as killed, not as a quit");
        std::thread::sleep(Duration::from_millis(200));
        let tail = s.since(mark);
        assert!(
            tail.contains("\x1b[?1049l"),
            "{signal}: left the alternate screen"
        );
        assert!(tail.contains("\x1b[?25h"), "{signal}: cursor shown again");
        assert!(
            tail.contains("\x1b[?1000l") || tail.contains("\x1b[?1006l"),
            "{signal}: mouse reporting off"
        );
    }
}
