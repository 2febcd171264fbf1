//! Issue 12, data safety — data loss (items 1–5): nothing overwritten, no lost updates,
//! full backups, unique safety copies, per-diary automatic backups. Each test fails on the code
//! before the fix.

// Unix-only: these tests use file modes, `chattr`, symlinks and signals.
#![cfg(unix)]

mod common;
mod safety_util;

use std::process::Command as StdCommand;

use common::{Diary, cmd_on};
use itp_diary::store::{Store, StoreError};
use safety_util::*;

// 1. Export never overwrites without --force; never the diary, its -wal/-shm, a backup, a
//    device or a FIFO.
/// The terminal diary on the diary at `path`, at the fixed "now", in English.
fn screen_on(path: &std::path::Path) -> itp_diary::tui::App {
    itp_diary::tui::App::new(
        itp_diary::app::session::Session {
            store: Store::open(path).unwrap(),
            clock: itp_diary::domain::clock::Clock::Fixed(now()),
            i18n: itp_diary::present::i18n::I18n::new(itp_diary::present::i18n::Lang::En),
            settings: itp_diary::app::config::Settings::default(),
            paths: itp_diary::app::config::Paths::beside(path),
        },
        itp_diary::tui::theme::Theme { color: false },
    )
}

#[test]
fn item01_export_refuses_to_overwrite() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    let before = d.content();
    let diary_bytes = std::fs::read(&d.db).unwrap();
    for target in [
        d.db.clone(),
        d.db.with_file_name("diary.sqlite-wal"),
        d.db.with_file_name("diary.sqlite-shm"),
    ] {
        for force in [false, true] {
            let mut c = d.cmd();
            c.args(["export", "--format", "csv", "-o"]).arg(&target);
            if force {
                c.arg("--force");
            }
            let out = c.output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(2),
                "{target:?}: {}",
                stderr_of(&out)
            );
            assert!(
                stderr_of(&out).contains("your diary"),
                "{}",
                stderr_of(&out)
            );
        }
    }
    assert_eq!(std::fs::read(&d.db).unwrap().len(), diary_bytes.len());
    assert_eq!(d.content(), before, "the diary is intact");

    // An existing file: refused, untouched; replaced with --force.
    let other = d.dir.path().join("report.csv");
    std::fs::write(&other, "keep me").unwrap();
    let out = d
        .cmd()
        .args(["export", "--format", "csv", "-o"])
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--force"), "{}", stderr_of(&out));
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "keep me");
    d.cmd()
        .args(["export", "--format", "csv", "--force", "-o"])
        .arg(&other)
        .assert()
        .success();
    assert!(std::fs::read_to_string(&other).unwrap().starts_with("id,"));

    // A backup (an SQLite file) is never replaced, even with --force.
    let backup = d.dir.path().join("copy.sqlite");
    d.ok(&["backup", backup.to_str().unwrap()]);
    let b = std::fs::read(&backup).unwrap();
    let out = d
        .cmd()
        .args(["export", "--format", "json", "--force", "-o"])
        .arg(&backup)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert_eq!(std::fs::read(&backup).unwrap(), b);

    // A FIFO or a device is never written into.
    let fifo = d.dir.path().join("pipe");
    if StdCommand::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        let out = d
            .cmd()
            .args(["export", "--format", "csv", "--force", "-o"])
            .arg(&fifo)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
        assert!(stderr_of(&out).contains("not a regular file"));
    }
    let out = d
        .cmd()
        .args(["export", "--format", "csv", "--force", "-o", "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    // Nothing left behind by any refusal.
    assert!(
        files_in(d.dir.path()).iter().all(|n| !n.contains("tmp")),
        "{:?}",
        files_in(d.dir.path())
    );
}

// 2a. A write stating an old version is refused; nothing is written.
#[test]
fn item02_a_stale_update_or_delete_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let mut a = Store::open(&path).unwrap();
    let mut b = Store::open(&path).unwrap();
    let e = a.add_entry(&platelets(45.0, "first"), now()).unwrap();
    let read_by_a = a.entry(e.id).unwrap();
    let read_by_b = b.entry(e.id).unwrap();
    b.update_entry(&read_by_b, &platelets(50.0, "b"), now())
        .unwrap();
    let err = a
        .update_entry(&read_by_a, &platelets(60.0, "a"), now())
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Changed(id) if id == e.id),
        "{err}"
    );
    assert!(err.to_string().contains("changed elsewhere"));
    let err = a.delete_entry(&read_by_a, now()).unwrap_err();
    assert!(matches!(err, StoreError::Changed(_)));
    let stored = a.entry(e.id).unwrap();
    assert_eq!(stored.note.as_deref(), Some("b"));
    assert!(!stored.deleted);
}

// 2b. Ids are never given twice, and after a restore a stale row (same id, another entry) is
//     not rewritten.
#[test]
fn item02_ids_are_never_reused_and_restore_does_not_redirect_edits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let copy = dir.path().join("copy.sqlite");
    let mut s = Store::open(&path).unwrap();
    s.add_entry(&platelets(40.0, "one"), now()).unwrap();
    s.backup_to(&copy).unwrap();
    let two = s.add_entry(&platelets(41.0, "two"), now()).unwrap();
    let mut window = Store::open(&path).unwrap();
    let stale = window.entry(two.id).unwrap();
    s.replace_from(&copy).unwrap();
    // The restored diary has only "one"; the next entry must not get #2 again.
    let three = s.add_entry(&platelets(42.0, "three"), now()).unwrap();
    assert!(three.id > two.id, "id {} given again", three.id);
    // The window still holds #2 ("two"): its edit is refused, nothing is rewritten.
    let err = window
        .update_entry(&stale, &platelets(99.0, "stale"), now())
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound(_) | StoreError::Changed(_)),
        "{err}"
    );
    assert_eq!(s.count_entries(true).unwrap(), 2);
}

// 2c. The TUI: a form opened before an outside edit is refused on Enter with the message, and
//     shows what is stored now.
#[test]
fn item02_tui_form_opened_before_an_outside_edit_is_refused_and_reloaded() {
    use itp_diary::tui::{Action, Modal, Tab};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let mut other = Store::open(&path).unwrap();
    let e = other.add_entry(&platelets(45.0, "typed"), now()).unwrap();
    let mut app = screen_on(&path);
    app.update(Action::GoTab(Tab::History));
    app.update(Action::Edit);
    assert!(matches!(app.modal(), Some(Modal::Form(_))));
    // Another process edits the entry while the form is open.
    let read = other.entry(e.id).unwrap();
    other
        .update_entry(&read, &platelets(80.0, "from the command line"), now())
        .unwrap();
    app.update(Action::FormSave);
    let Some(Modal::Form(f)) = app.modal() else {
        panic!("the form stays open");
    };
    assert!(
        f.error
            .as_deref()
            .unwrap_or("")
            .contains("changed elsewhere"),
        "{:?}",
        f.error
    );
    assert_eq!(
        other.entry(e.id).unwrap().note.as_deref(),
        Some("from the command line"),
        "the outside edit is kept"
    );
    // Saving again (the reloaded version) works.
    app.update(Action::FormSave);
    assert!(app.modal().is_none(), "{:?}", app.message());
}

// 2d. Two processes editing one entry 40 times each: every update is applied or refused with
//     the message; none is silently lost (each stored transition changes one field only).
#[test]
fn item02_two_processes_edit_one_entry_40_times_each() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45", "--note", "start"]);
    let id = d.json(&["list", "--format", "json"])[0]["id"]
        .as_i64()
        .unwrap();
    let run = |who: &'static str| {
        let db = d.db.clone();
        std::thread::spawn(move || {
            let (mut applied, mut refused) = (0, 0);
            for n in 0..40 {
                let mut c = cmd_on(&db);
                c.args(["edit", &id.to_string()]);
                if who == "value" {
                    c.args(["--value", &(100 + n).to_string()]);
                } else {
                    c.args(["--note", &format!("note {n}")]);
                }
                let out = c.output().unwrap();
                let err = String::from_utf8_lossy(&out.stderr);
                if out.status.success() {
                    applied += 1;
                } else {
                    assert!(err.contains("changed elsewhere"), "{who}: {err}");
                    refused += 1;
                }
            }
            (applied, refused)
        })
    };
    let (a, b) = (run("value"), run("note"));
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    assert_eq!(a.0 + a.1 + b.0 + b.1, 80);
    let c = rusqlite::Connection::open(&d.db).unwrap();
    let mut states: Vec<(String, Option<String>)> = c
        .prepare("SELECT json_extract(previous, '$.details'), json_extract(previous, '$.note') FROM entry_revisions WHERE entry_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    states.push(
        c.query_row(
            "SELECT details, note FROM entries WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap(),
    );
    assert_eq!(
        states.len() - 1,
        a.0 + b.0,
        "every applied edit is one version"
    );
    for w in states.windows(2) {
        let changed = usize::from(w[0].0 != w[1].0) + usize::from(w[0].1 != w[1].1);
        assert_eq!(
            changed, 1,
            "an edit undid another: {:?} -> {:?}",
            w[0], w[1]
        );
    }
    eprintln!(
        "concurrency: value edits {} applied / {} refused; note edits {} applied / {} refused",
        a.0, a.1, b.0, b.1
    );
}

// 3. The full JSON backup holds every row (ahead-timed, deleted with deleted_at, revisions) and
//    an import restores them exactly.
#[test]
fn item03_full_backup_holds_every_row_and_restores_exactly() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45", "--note", "now"]);
    d.ok(&[
        "log",
        "platelets",
        "50",
        "--at",
        "2026-03-11T02:00:00+08:00",
    ]);
    d.ok(&["log", "platelets", "55"]);
    let list = d.json(&["list", "--format", "json"]);
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    d.ok(&["edit", &ids[2].to_string(), "--value", "47"]);
    d.ok(&["delete", &ids[0].to_string()]);
    let b = d.dir.path().join("b.json");
    let out = d
        .cmd()
        .args(["export", "--format", "json", "-o"])
        .arg(&b)
        .output()
        .unwrap();
    assert!(
        stderr_of(&out).contains("(3 entries"),
        "{}",
        stderr_of(&out)
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&b).unwrap()).unwrap();
    assert_eq!(doc["entries"].as_array().unwrap().len(), 3);
    let deleted: Vec<_> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["deleted"] == true)
        .collect();
    assert_eq!(deleted.len(), 1);
    assert!(deleted[0]["deleted_at"].is_string());
    assert_eq!(doc["entry_revisions"].as_array().unwrap().len(), 2);
    // Into an empty diary: the same rows, the same delete time, the same history.
    let e = Diary::new();
    e.ok(&["import", b.to_str().unwrap()]);
    let without_ids = |d: &Diary| {
        let mut v: Vec<serde_json::Value> = d
            .json(&["list", "--deleted", "--format", "json"])
            .as_array()
            .unwrap()
            .clone();
        for e in &mut v {
            e.as_object_mut().unwrap().remove("id");
        }
        v.sort_by_key(|e| e["uid"].to_string());
        v
    };
    assert_eq!(without_ids(&e), without_ids(&d));
    let b2 = e.dir.path().join("b2.json");
    e.cmd()
        .args(["export", "--format", "json", "-o"])
        .arg(&b2)
        .assert()
        .success();
    let doc2: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&b2).unwrap()).unwrap();
    assert_eq!(doc2["entries"], doc["entries"]);
    assert_eq!(doc2["entry_revisions"], doc["entry_revisions"]);
    // The CSV without --to holds the entry timed ahead too.
    let csv = d.ok(&["export", "--format", "csv"]);
    assert_eq!(csv.lines().count(), 1 + 2, "{csv}");
}

// 4. Two restores in one second keep two safety copies.
#[test]
fn item04_safety_copies_never_overwrite_each_other() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    let copy = d.dir.path().join("copy.sqlite");
    d.ok(&["backup", copy.to_str().unwrap()]);
    d.ok(&["log", "platelets", "60"]);
    d.ok(&["restore", copy.to_str().unwrap()]);
    d.ok(&["log", "platelets", "70"]);
    d.ok(&["restore", copy.to_str().unwrap()]);
    let backups = d.db.parent().unwrap().join("backups");
    let kept: Vec<String> = files_in(&backups)
        .into_iter()
        .filter(|n| n.contains("before-restore"))
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    // Same for manual backups in one second.
    d.ok(&["backup"]);
    d.ok(&["backup"]);
    let manual = files_in(&backups)
        .into_iter()
        .filter(|n| n.starts_with("diary-2026"))
        .count();
    assert_eq!(manual, 2);
}

// 5. Automatic backups are named by the diary: a second diary in the folder gets its own.
#[test]
fn item05_automatic_backups_are_per_diary() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    let second = d.db.with_file_name("mother.sqlite");
    cmd_on(&second)
        .args(["log", "platelets", "120"])
        .assert()
        .success();
    let backups = files_in(&d.db.parent().unwrap().join("backups"));
    assert!(
        backups.contains(&"diary-auto-2026-03-10.sqlite".to_string()),
        "{backups:?}"
    );
    assert!(
        backups.contains(&"mother-auto-2026-03-10.sqlite".to_string()),
        "{backups:?}"
    );
}

// 2e. The window notices a change made by another process (PRAGMA data_version) and reloads.
#[test]
fn item02_the_window_reloads_after_an_outside_change() {
    use itp_diary::tui::{Action, Tab};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let mut other = Store::open(&path).unwrap();
    other.add_entry(&platelets(45.0, "one"), now()).unwrap();
    let mut app = screen_on(&path);
    app.update(Action::GoTab(Tab::History));
    let mut seen = app.store().data_version().ok();
    assert!(!app.reload_if_changed(&mut seen), "nothing changed yet");
    assert_eq!(app.history().rows.len(), 1);
    other.add_entry(&platelets(46.0, "two"), now()).unwrap();
    assert!(app.reload_if_changed(&mut seen));
    assert_eq!(app.history().rows.len(), 2);
}

// 2f. The TUI: deleting a row that changed elsewhere since the screen showed it is refused.
#[test]
fn item02_tui_delete_of_a_row_changed_elsewhere_is_refused() {
    use itp_diary::tui::{Action, Tab};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let mut other = Store::open(&path).unwrap();
    let e = other.add_entry(&platelets(45.0, "typed"), now()).unwrap();
    let mut app = screen_on(&path);
    app.update(Action::GoTab(Tab::History));
    let read = other.entry(e.id).unwrap();
    other
        .update_entry(&read, &platelets(80.0, "changed"), now())
        .unwrap();
    app.update(Action::Delete);
    app.update(Action::Yes);
    let msg = app.message().cloned().map(|m| m.0).unwrap_or_default();
    assert!(msg.contains("changed elsewhere"), "{msg}");
    assert!(!other.entry(e.id).unwrap().deleted);
}
