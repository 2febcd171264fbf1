//! Reliability of the diary file itself: an old schema upgrades with its data, a newer or
//! foreign file is refused untouched, a full disk, a lock held too long and read-only media
//! each give a clear message and lose nothing.

mod common;

use std::process::Command;

use common::{Diary, NOW, integrity, notes};

#[test]
fn a_version_1_diary_upgrades_with_its_data_and_a_backup() {
    let d = Diary::new();
    std::fs::create_dir_all(d.db.parent().unwrap()).unwrap();
    std::fs::copy("tests/fixtures/diary-v1.sqlite", &d.db).unwrap();
    let v1: i64 = rusqlite::Connection::open(&d.db)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v1, 1);
    let list = d.json(&["list", "--deleted", "--format", "json"]);
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/diary-v1.entries.json").unwrap(),
    )
    .unwrap();
    let mut got = list.clone();
    for e in got.as_array_mut().unwrap() {
        assert_eq!(e["source"], "typed");
        e.as_object_mut().unwrap().remove("source");
    }
    assert_eq!(got, expected, "every entry intact");
    let regimens: serde_json::Value =
        serde_json::from_str(&d.ok(&["regimen", "show", "--json"])).unwrap();
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/diary-v1.regimens.json").unwrap(),
    )
    .unwrap();
    assert_eq!(regimens, expected);
    assert!(d.ok(&["note", "--list"]).contains("能减量吗？"));
    let c = rusqlite::Connection::open(&d.db).unwrap();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, itp_diary::store::LATEST_VERSION);
    let revisions: i64 = c
        .query_row("SELECT count(*) FROM entry_revisions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(revisions, 2);
    // The backup beside it is the version-1 file.
    let dir = d.db.parent().unwrap();
    let backups: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("v1-before-migration"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let b = rusqlite::Connection::open(&backups[0]).unwrap();
    let bv: i64 = b
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let bn: i64 = b
        .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
        .unwrap();
    assert_eq!((bv, bn), (1, 9));
}

#[test]
fn a_newer_or_foreign_file_is_refused_untouched() {
    let d = Diary::new();
    std::fs::create_dir_all(d.db.parent().unwrap()).unwrap();
    rusqlite::Connection::open(&d.db)
        .unwrap()
        .execute_batch("CREATE TABLE entries (x); PRAGMA user_version = 99;")
        .unwrap();
    let before = std::fs::read(&d.db).unwrap();
    let out = d.cmd().args(["log", "platelets", "45"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("newer itp-diary") && err.contains("update itp-diary"),
        "{err}"
    );
    assert!(std::fs::read(&d.db).unwrap() == before);
    std::fs::write(&d.db, "shopping list\n".repeat(500)).unwrap();
    let out = d.cmd().args(["list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an itp-diary database"));
    assert_eq!(
        std::fs::read_to_string(&d.db).unwrap(),
        "shopping list\n".repeat(500)
    );
}

#[test]
fn a_full_disk_writes_nothing_and_keeps_everything() {
    use itp_diary::domain::entry::NewEntry;
    use itp_diary::store::{Store, StoreError};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let mut s = Store::open(&path).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    let e = |n: usize| NewEntry {
        at: now,
        note: Some(format!("n{n} {}", "x".repeat(500))),
        data: itp_diary::domain::validate::platelets(45.0, None, None)
            .unwrap()
            .value,
    };
    for n in 0..10 {
        s.add_entry(&e(n), now).unwrap();
    }
    let pages = s.page_count().unwrap();
    s.set_max_pages(pages).unwrap();
    let mut full = None;
    for n in 10..200 {
        if let Err(err) = s.add_entry(&e(n), now) {
            full = Some((n, err));
            break;
        }
    }
    let (n, err) = full.expect("the disk filled up");
    assert!(matches!(err, StoreError::Full), "{err}");
    assert!(
        err.to_string()
            .contains("disk is full; nothing was written")
    );
    // A batch that does not fit is not written in part.
    let batch: Vec<_> = (0..50).map(|k| e(1000 + k)).collect();
    assert!(
        s.add_entries(&batch, itp_diary::domain::entry::Source::Typed, now)
            .is_err()
    );
    drop(s);
    assert_eq!(integrity(&path), "ok");
    let stored = notes(&path);
    assert_eq!(
        stored.len(),
        n,
        "everything before the fault is there, nothing after"
    );
}

#[test]
fn a_lock_held_too_long_is_a_clear_message() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    let holder = rusqlite::Connection::open(&d.db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    // The binary waits 300 ms here instead of 10 s (the wait itself is SQLite's).
    let out = d
        .cmd()
        .env("ITP_DIARY_BUSY_TIMEOUT_MS", "300")
        .args(["log", "platelets", "50"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("busy") && err.contains("try again"), "{err}");
    holder.execute_batch("COMMIT").unwrap();
    drop(holder);
    let list = d.json(&["list", "--format", "json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
}

/// Make a file or folder read-only even for root (`chattr +i` on ext4), or by permissions when
/// not root. Returns false when neither works here.
#[cfg(unix)]
fn make_read_only(p: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false);
    if root {
        Command::new("chattr")
            .arg("+i")
            .arg(p)
            .status()
            .is_ok_and(|s| s.success())
    } else {
        let mode = if p.is_dir() { 0o500 } else { 0o400 };
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).is_ok()
    }
}

#[cfg(unix)]
fn make_writable(p: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = Command::new("chattr").arg("-i").arg(p).status();
    let mode = if p.is_dir() { 0o700 } else { 0o600 };
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
}

#[cfg(unix)]
#[test]
fn read_only_file_or_folder_is_a_clear_message() {
    for target in ["file", "folder"] {
        let d = Diary::new();
        d.ok(&["log", "platelets", "45"]);
        // Leave no WAL behind: the file alone holds the diary.
        rusqlite::Connection::open(&d.db)
            .unwrap()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        let p = if target == "file" {
            d.db.clone()
        } else {
            d.db.parent().unwrap().to_path_buf()
        };
        if !make_read_only(&p) {
            eprintln!("read-only {target}: cannot make it read-only on this machine; skipped");
            continue;
        }
        let out = d.cmd().args(["log", "platelets", "50"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        make_writable(&p);
        assert_eq!(out.status.code(), Some(1), "{target}: {err}");
        assert!(
            err.contains("read-only") || err.contains("cannot create"),
            "{target}: {err}"
        );
        assert!(!err.contains("panicked"));
        let list = d.json(&["list", "--format", "json"]);
        assert_eq!(
            list.as_array().unwrap().len(),
            1,
            "{target}: nothing lost, nothing half-written"
        );
        assert_eq!(integrity(&d.db), "ok");
    }
}
