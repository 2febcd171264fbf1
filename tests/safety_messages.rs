//! Issue 12, data safety — misleading messages and bounds (items 16–20).

// Unix-only: these tests use file modes, `chattr`, symlinks and signals.
#![cfg(unix)]

mod common;
mod safety_util;

use common::Diary;
use safety_util::*;

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
