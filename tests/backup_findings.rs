//! An outside tester's findings on the daily automatic backup, end to end with the real binary
//! (`ITP_DIARY_BACKUP=wait`: the backup is made inside the command).
//!
//! 1. A diary that passes `PRAGMA quick_check` but fails `PRAGMA integrity_check` was copied
//!    every day without a warning, and rotation deleted the good backups.
//! 2. The restore advice named another diary's backup ("mum" took "mummy-…").
//! 3. Future-dated automatic backups made every new copy vanish at once.
//! 4. The status file: line breaks passed through, any path was shown as the newest good
//!    backup; a file in place of the backups folder gave a temporary file's OS error.

// Unix-only: the damage helper of the safety tests.
#![cfg(unix)]

mod common;
mod safety_util;

use std::path::{Path, PathBuf};

use common::{Diary, cmd_on};
use itp_diary::store::Store;
use safety_util::{damage_table, files_in, stderr_of};

fn backups_of(db: &Path) -> PathBuf {
    db.parent().unwrap().join("backups")
}

/// Run `list` on `db` at 09:00 of `day` (2026-03-DD); it must succeed; its stderr.
fn list_on(db: &Path, day: u32) -> String {
    let out = cmd_on(db)
        .env("ITP_DIARY_NOW", format!("2026-03-{day:02}T09:00:00+08:00"))
        .args(["list", "--limit", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    stderr_of(&out)
}

fn log_on(db: &Path, day: u32) {
    let out = cmd_on(db)
        .env("ITP_DIARY_NOW", format!("2026-03-{day:02}T09:00:00+08:00"))
        .args(["log", "platelets", "45"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
}

/// An index whose stored keys no longer match its definition: the diary opens and reads, and
/// `PRAGMA quick_check` passes, but `PRAGMA integrity_check` — what `restore` checks — fails
/// ("row 1 missing from index …"), like the tester's damaged page.
fn damage_an_index(db: &Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch(
        "PRAGMA wal_checkpoint(TRUNCATE);
         CREATE INDEX test_damage ON entries(note);
         PRAGMA writable_schema = ON;
         UPDATE sqlite_master SET sql = 'CREATE INDEX test_damage ON entries(kind)'
          WHERE name = 'test_damage';",
    )
    .unwrap();
    drop(c);
    let c = rusqlite::Connection::open(db).unwrap();
    let quick: String = c.query_row("PRAGMA quick_check", [], |r| r.get(0)).unwrap();
    let full: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(quick, "ok");
    assert!(full.contains("missing from index"), "{full}");
}

// 1. Damage that only `integrity_check` finds: no copy is made, no good backup is removed, and
//    every command says so, naming the newest good backup.
#[test]
fn finding1_a_diary_failing_the_full_check_is_never_copied_and_the_good_backups_stay() {
    let d = Diary::new();
    for day in 3..=5 {
        log_on(&d.db, day);
    }
    let backups = backups_of(&d.db);
    let good = files_in(&backups);
    assert_eq!(
        good,
        [
            "diary-auto-2026-03-03.sqlite",
            "diary-auto-2026-03-04.sqlite",
            "diary-auto-2026-03-05.sqlite"
        ]
    );
    damage_an_index(&d.db);
    for day in 6..=12 {
        let err = list_on(&d.db, day);
        assert!(err.contains("failed its check"), "{day}: {err}");
        assert!(err.contains("missing from index"), "{day}: {err}");
        assert!(
            err.contains("the newest good backup is")
                && err.contains("diary-auto-2026-03-05.sqlite"),
            "{day}: {err}"
        );
    }
    assert_eq!(files_in(&backups), good);
    for name in &good {
        Store::check_file(&backups.join(name)).unwrap();
    }
}

// 1. The same in the default (detached) mode: the child records it, the next command says it.
#[test]
fn finding1_a_detached_backup_of_a_damaged_diary_is_refused_and_said() {
    let d = Diary::new();
    log_on(&d.db, 9);
    damage_an_index(&d.db);
    let backups = backups_of(&d.db);
    let status = backups.join("diary-auto-status.json");
    let out = cmd_on(&d.db)
        .env_remove("ITP_DIARY_BACKUP")
        .args(["list", "--limit", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let start = std::time::Instant::now();
    while !status.is_file() && start.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let err = list_on(&d.db, 10);
    assert!(
        err.contains("did not succeed") && err.contains("failed its check"),
        "{err}"
    );
    assert!(err.contains("diary-auto-2026-03-09.sqlite"), "{err}");
    let autos: Vec<String> = files_in(&backups)
        .into_iter()
        .filter(|n| n.ends_with(".sqlite"))
        .collect();
    assert_eq!(autos, ["diary-auto-2026-03-09.sqlite"]);
}

/// Three diaries in one folder: "mum", "mummy" and "mum-2"; the others' copies are newer.
fn three_diaries() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mum = data.join("mum.sqlite");
    log_on(&mum, 9);
    for other in ["mummy", "mum-2"] {
        let db = data.join(format!("{other}.sqlite"));
        log_on(&db, 10);
        let out = cmd_on(&db).arg("backup").output().unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
    }
    // The others' copies are certainly the newest files.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    for name in files_in(&backups_of(&mum)) {
        if !name.starts_with("mum-auto-") {
            std::fs::File::options()
                .write(true)
                .open(backups_of(&mum).join(name))
                .unwrap()
                .set_modified(later)
                .unwrap();
        }
    }
    (dir, mum)
}

// 2. The advice after a damaged diary names only this diary's own backup, never the newer one
//    of "mummy" or "mum-2" sharing the folder.
#[test]
fn finding2_the_restore_advice_names_only_this_diarys_own_backup() {
    let (_dir, mum) = three_diaries();
    let names = files_in(&backups_of(&mum));
    assert!(
        names.iter().any(|n| n.starts_with("mummy-2026")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("mum-2-2026")),
        "{names:?}"
    );
    damage_table(&mum, "visit_questions");
    let err = list_on(&mum, 11);
    assert!(err.contains("failed its check"), "{err}");
    assert!(
        err.contains("the newest good backup is") && err.contains("mum-auto-2026-03-09.sqlite"),
        "{err}"
    );
    assert!(!err.contains("mummy") && !err.contains("mum-2"), "{err}");
}

// 2. Without a backup of its own, none is named (not another diary's).
#[test]
fn finding2_without_its_own_backup_no_other_diarys_is_named() {
    let (_dir, mum) = three_diaries();
    std::fs::remove_file(backups_of(&mum).join("mum-auto-2026-03-09.sqlite")).unwrap();
    damage_table(&mum, "visit_questions");
    let err = list_on(&mum, 11);
    assert!(
        err.contains("no good backup of this diary was found"),
        "{err}"
    );
    assert!(!err.contains("mummy") && !err.contains("mum-2"), "{err}");
}

// 3. Seven future-dated automatic backups (a clock that ran ahead): today's copy stays, and
//    the next days' too; the future-dated ones are never removed.
#[test]
fn finding3_future_dated_backups_never_make_a_new_copy_vanish() {
    let d = Diary::new();
    log_on(&d.db, 1);
    let backups = backups_of(&d.db);
    std::fs::remove_file(backups.join("diary-auto-2026-03-01.sqlite")).unwrap();
    let future: Vec<String> = (1..=7)
        .map(|n| format!("diary-auto-2027-01-0{n}.sqlite"))
        .collect();
    for name in &future {
        std::fs::write(backups.join(name), b"from a clock that ran ahead").unwrap();
    }
    for day in 10..=20 {
        list_on(&d.db, day);
        let today = backups.join(format!("diary-auto-2026-03-{day}.sqlite"));
        assert!(today.is_file(), "{}", today.display());
        Store::check_file(&today).unwrap();
    }
    let mut want: Vec<String> = (14..=20)
        .map(|day| format!("diary-auto-2026-03-{day}.sqlite"))
        .collect();
    want.extend(future);
    assert_eq!(files_in(&backups), want);
}

fn write_status(db: &Path, json: &str) {
    std::fs::write(backups_of(db).join("diary-auto-status.json"), json).unwrap();
}

// 4a. Text read from the status file is one visible line: a line break in it cannot print a
//     line of its own.
#[test]
fn finding4a_a_recorded_reason_is_printed_on_one_line() {
    let d = Diary::new();
    log_on(&d.db, 10);
    for json in [
        r#"{"recorded_at":"2026-03-10T14:30:00+08:00","kind":"failed","reason":"disk\r\nfake: all your data is lost"}"#,
        r#"{"recorded_at":"2026-03-10T14:30:00+08:00","kind":"damaged","detail":"x\nfake: all your data is lost\u2028fake: too","newest_good":null}"#,
    ] {
        write_status(&d.db, json);
        let err = list_on(&d.db, 10);
        assert!(err.contains("⏎fake: all your data is lost"), "{err}");
        for line in err.lines() {
            assert!(
                line.starts_with("warning: "),
                "a line of its own: {line:?} in {err}"
            );
        }
        assert!(!err.contains('\r') && !err.contains('\u{2028}'), "{err:?}");
    }
}

// 4b. A recorded "newest good backup" is shown only when it is one of this diary's own backups
//     in its backups folder.
#[test]
fn finding4b_a_recorded_path_is_shown_only_when_it_is_this_diarys_backup() {
    let (_dir, mum) = three_diaries();
    let backups = backups_of(&mum);
    let own = backups.join("mum-auto-2026-03-09.sqlite");
    let others = [
        PathBuf::from("/etc/passwd"),
        backups.join("mummy-auto-2026-03-10.sqlite"),
        backups.join("mum-2-auto-2026-03-10.sqlite"),
        mum.parent().unwrap().join("mum-auto-2026-03-09.sqlite"),
        backups.join("mum-auto-2026-03-08.sqlite"),
    ];
    std::fs::copy(&own, &others[3]).unwrap();
    let status = |p: &Path| {
        serde_json::json!({
            "recorded_at": "2026-03-10T14:30:00+08:00",
            "kind": "damaged",
            "detail": "x",
            "newest_good": p,
        })
        .to_string()
    };
    for p in &others {
        std::fs::write(backups.join("mum-auto-status.json"), status(p)).unwrap();
        let err = list_on(&mum, 10);
        assert!(
            err.contains("no good backup of this diary was found"),
            "{err}"
        );
        assert!(!err.contains(&p.display().to_string()), "{err}");
    }
    std::fs::write(backups.join("mum-auto-status.json"), status(&own)).unwrap();
    let err = list_on(&mum, 10);
    assert!(
        err.contains(&format!("the newest good backup is {}", own.display())),
        "{err}"
    );
}

// 4c. A file where the backups folder belongs is said plainly (English and Chinese), never as
//     the OS error of a temporary file.
#[test]
fn finding4c_a_file_in_place_of_the_backups_folder_is_said_plainly() {
    let d = Diary::new();
    log_on(&d.db, 9);
    let backups = backups_of(&d.db);
    std::fs::remove_dir_all(&backups).unwrap();
    std::fs::write(&backups, b"").unwrap();
    let err = list_on(&d.db, 10);
    assert!(
        err.contains(&format!("{} is a file, not a folder", backups.display())),
        "{err}"
    );
    assert!(
        !err.contains("itp-tmp") && !err.contains("Not a directory"),
        "{err}"
    );
    let out = cmd_on(&d.db)
        .env("LANG", "zh_CN.UTF-8")
        .args(["list", "--limit", "1"])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(err.contains("是一个文件，而不是文件夹"), "{err}");
    assert!(!err.contains("itp-tmp"), "{err}");
}

// 4a. SQLite's findings (several lines for a damaged page) are printed as one line too: here a
//     refused restore of a damaged copy.
#[test]
fn finding4a_sqlite_details_are_printed_on_one_line() {
    let d = Diary::new();
    log_on(&d.db, 10);
    let copy = d.db.with_file_name("copy.sqlite");
    std::fs::copy(
        backups_of(&d.db).join("diary-auto-2026-03-10.sqlite"),
        &copy,
    )
    .unwrap();
    damage_table(&copy, "entries");
    let out = cmd_on(&d.db).arg("restore").arg(&copy).output().unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(err.contains("damaged") && err.contains('⏎'), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

// 1. A copy that fails its check although the diary passes (a bad write; recorded by a detached
//    job) is said as a failed backup, not as a damaged diary: restoring would lose entries.
#[test]
fn finding1_a_bad_copy_of_a_sound_diary_is_not_called_a_damaged_diary() {
    let d = Diary::new();
    log_on(&d.db, 10);
    write_status(
        &d.db,
        r#"{"recorded_at":"2026-03-10T14:30:00+08:00","kind":"copy_damaged","detail":"row 1 missing from index"}"#,
    );
    let err = list_on(&d.db, 10);
    assert!(
        err.contains("everything you entered is saved")
            && err.contains("today's copy failed its check (row 1 missing from index) although the diary passes it"),
        "{err}"
    );
    assert!(!err.contains("restore"), "{err}");
}
