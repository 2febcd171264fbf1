//! Helpers shared by the data-safety tests (issue 12).
#![cfg(unix)]
#![allow(dead_code)]

use std::path::Path;
use std::process::Command as StdCommand;

use chrono::DateTime;
use itp_diary::domain::entry::NewEntry;
use itp_diary::domain::validate;

use crate::common::NOW;

pub fn now() -> chrono::DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(NOW).unwrap()
}

pub fn platelets(n: f64, note: &str) -> NewEntry {
    NewEntry {
        at: now(),
        note: Some(note.into()),
        data: validate::platelets(n, None, None).unwrap().value,
    }
}

pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

pub fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Overwrite one page of `table` with garbage (the file stays an SQLite file; the table's
/// b-tree is damaged): what a failing disk does.
pub fn damage_table(db: &Path, table: &str) {
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

fn chattr(flag: &str, p: &Path) -> bool {
    StdCommand::new("chattr")
        .arg(flag)
        .arg(p)
        .status()
        .is_ok_and(|s| s.success())
}

/// Make `p` read-only even for root (`chattr +i`), or by permissions; false when impossible.
pub fn read_only(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    if chattr("+i", p) {
        return true;
    }
    let mode = if p.is_dir() { 0o500 } else { 0o400 };
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).is_ok()
        && std::fs::OpenOptions::new().write(true).open(p).is_err()
}

pub fn writable_again(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    chattr("-i", p);
    let mode = if p.is_dir() { 0o700 } else { 0o600 };
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
}
