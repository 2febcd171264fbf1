//! The lost-changes warning says exactly what is known: no entry missing when no id after the
//! diary's end was ever given (the lost changes were edits, deletions, plan or settings
//! changes), otherwise the entries after the diary's end may be lost. Never "ids up to #N …
//! ends at #N" (self-contradictory).

#![cfg(unix)]

mod common;

use common::Diary;

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Checkpoint the diary and keep its bytes; `later` runs; then the older copy comes back
/// (what a lost write-ahead log leaves). Returns the warning the next command prints.
fn lose_changes(d: &Diary, later: &[&[&str]], lang: &str) -> String {
    rusqlite::Connection::open(&d.db)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let older = std::fs::read(&d.db).unwrap();
    for args in later {
        d.ok(args);
    }
    for s in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(d.db.with_file_name(format!("diary.sqlite{s}")));
    }
    std::fs::write(&d.db, older).unwrap();
    let out = d.cmd().env("LANG", lang).args(["list"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    stderr_of(&out)
}

#[test]
fn lost_edits_only_say_no_entry_is_missing() {
    for (lang, says, never) in [
        ("en_US.UTF-8", "no entry is missing", "may be lost"),
        ("zh_CN.UTF-8", "没有缺少记录", "可能已丢失"),
    ] {
        let d = Diary::new();
        d.ok(&["log", "platelets", "45"]);
        d.ok(&["log", "platelets", "46"]); // #2, the newest id ever given
        let err = lose_changes(
            &d,
            &[&["edit", "2", "--value", "60"], &["delete", "1"]],
            lang,
        );
        assert!(err.contains(says), "{lang}: {err}");
        assert!(err.contains("#2"), "{lang}: {err}");
        assert!(!err.contains(never), "{lang}: {err}");
        assert!(!err.contains("#3"), "{lang}: no id after #2 exists: {err}");
    }
}

#[test]
fn lost_entries_name_the_ids_that_may_be_missing() {
    for (lang, says) in [
        ("en_US.UTF-8", "entries after #2 (up to #4) may be lost"),
        ("zh_CN.UTF-8", "#2 之后（到 #4 为止）的记录可能已丢失"),
    ] {
        let d = Diary::new();
        d.ok(&["log", "platelets", "45"]);
        d.ok(&["log", "platelets", "46"]);
        let err = lose_changes(
            &d,
            &[&["log", "platelets", "47"], &["log", "platelets", "48"]],
            lang,
        );
        assert!(err.contains(says), "{lang}: {err}");
        assert!(!err.contains("no entry is missing"), "{lang}: {err}");
    }
}

/// The screen covers what was printed on the terminal: its message line says changes were
/// lost (the full warning is on the terminal after quitting).
#[test]
fn the_screen_says_changes_were_lost() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    rusqlite::Connection::open(&d.db)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let older = std::fs::read(&d.db).unwrap();
    d.ok(&["log", "platelets", "46"]);
    for s in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(d.db.with_file_name(format!("diary.sqlite{s}")));
    }
    std::fs::write(&d.db, older).unwrap();
    let mut s = common::screen::Screen::start(&d);
    assert!(s.wait_for("Today"), "first frame");
    assert!(s.wait_for("1 recent change was lost"), "{}", s.since(0));
    s.send(b"q");
    assert!(s.wait_exit(), "quit with success");
}
