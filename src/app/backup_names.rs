//! The names the backups of one diary get in the backups folder, read back exactly: several
//! diaries may share a folder ("mum", "mummy", "mum-2"), and one diary's advice or rotation
//! must never take another's copy for its own.
//!
//! A diary whose file stem is STEM gets (see `backup.rs` and `cli/transfer.rs`):
//! - `STEM-auto-YYYY-MM-DD.sqlite` — the daily automatic backup;
//! - `STEM-YYYYMMDDTHHMMSS.sqlite` — a manual `itp-diary backup`;
//! - `STEM-before-restore-YYYYMMDDTHHMMSS.sqlite` — the copy kept before a restore;
//!
//! the last two with `-N` (2 ≤ N < 1000) before `.sqlite` when a copy of that name existed
//! (`backup_unique`). A migration's copy lies beside the diary, not in the backups folder
//! (`STEM.vN-before-migration-….sqlite`), and is not one of these.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};

/// One of this diary's backups, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackupKind {
    /// The automatic backup of that day.
    Auto(NaiveDate),
    /// A manual backup made at that time.
    Manual(NaiveDateTime),
    /// The copy kept before a restore at that time.
    BeforeRestore(NaiveDateTime),
}

/// What the file `name` is among the backups of the diary with stem `stem`; `None` when it is
/// not one of them (another diary's, a lock, a status, a temporary file …).
pub fn own_backup(stem: &str, name: &str) -> Option<BackupKind> {
    let rest = name.strip_prefix(stem)?.strip_prefix('-')?;
    let rest = rest.strip_suffix(".sqlite")?;
    if let Some(day) = rest.strip_prefix("auto-") {
        return auto_date(day).map(BackupKind::Auto);
    }
    if let Some(stamp) = rest.strip_prefix("before-restore-") {
        return unique_stamp(stamp).map(BackupKind::BeforeRestore);
    }
    unique_stamp(rest).map(BackupKind::Manual)
}

/// The date of `STEM-auto-YYYY-MM-DD.sqlite` when `name` is one of this diary's automatic
/// backups.
pub fn auto_day(stem: &str, name: &str) -> Option<NaiveDate> {
    match own_backup(stem, name)? {
        BackupKind::Auto(d) => Some(d),
        _ => None,
    }
}

/// Whether `path` is one of the backups of the diary `db` in the folder `dir`: exactly in that
/// folder (not below, not elsewhere), named like one of its backups, a regular file (not a
/// link to somewhere else).
pub fn is_own_backup_path(dir: &Path, db: &Path, path: &Path) -> bool {
    let stem = super::backup::diary_stem(db);
    let named = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| own_backup(&stem, n).is_some());
    let in_dir = path.parent().is_some_and(|p| same_dir(p, dir));
    let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file());
    named && in_dir && regular
}

fn same_dir(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// `YYYY-MM-DD`, exactly (zero-padded, a real date).
fn auto_date(s: &str) -> Option<NaiveDate> {
    let shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    shape
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
}

/// `YYYYMMDDTHHMMSS`, optionally followed by `-N` (2 ≤ N < 1000, no leading zero).
fn unique_stamp(s: &str) -> Option<NaiveDateTime> {
    let (stamp, n) = match s.split_once('-') {
        Some((stamp, n)) => (stamp, Some(n)),
        None => (s, None),
    };
    let shape = stamp.len() == 15
        && stamp.bytes().enumerate().all(|(i, b)| {
            if i == 8 {
                b == b'T'
            } else {
                b.is_ascii_digit()
            }
        });
    let n_ok = n.is_none_or(|n| {
        !n.is_empty()
            && n.len() <= 3
            && !n.starts_with('0')
            && n.bytes().all(|b| b.is_ascii_digit())
            && n != "1"
    });
    (shape && n_ok)
        .then(|| NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S").ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> BackupKind {
        BackupKind::Auto(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y%m%dT%H%M%S").unwrap()
    }

    #[test]
    fn only_this_diarys_own_names_are_its_backups() {
        use BackupKind::*;
        let table: &[(&str, &str, Option<BackupKind>)] = &[
            ("mum", "mum-auto-2026-03-10.sqlite", Some(day("2026-03-10"))),
            (
                "mum",
                "mum-20260310T143000.sqlite",
                Some(Manual(at("20260310T143000"))),
            ),
            (
                "mum",
                "mum-20260310T143000-2.sqlite",
                Some(Manual(at("20260310T143000"))),
            ),
            (
                "mum",
                "mum-20260310T143000-999.sqlite",
                Some(Manual(at("20260310T143000"))),
            ),
            (
                "mum",
                "mum-before-restore-20260310T143000.sqlite",
                Some(BeforeRestore(at("20260310T143000"))),
            ),
            (
                "mum",
                "mum-before-restore-20260310T143000-3.sqlite",
                Some(BeforeRestore(at("20260310T143000"))),
            ),
            // Other diaries sharing the folder: "mummy", "mum-2", "mum-auto".
            ("mum", "mummy-auto-2026-03-10.sqlite", None),
            ("mum", "mummy-20260310T143000.sqlite", None),
            ("mum", "mum-2-auto-2026-03-10.sqlite", None),
            ("mum", "mum-2-20260310T143000.sqlite", None),
            ("mum", "mum-2-before-restore-20260310T143000.sqlite", None),
            ("mum", "mum-auto-auto-2026-03-10.sqlite", None),
            (
                "mum-2",
                "mum-2-auto-2026-03-10.sqlite",
                Some(day("2026-03-10")),
            ),
            ("mum-2", "mum-auto-2026-03-10.sqlite", None),
            // Not backups, or not well-formed.
            ("mum", "mum-auto-status.json", None),
            ("mum", "mum-auto.lock", None),
            ("mum", ".mum-auto-2026-03-10.sqlite.itp-tmp-1-x", None),
            ("mum", "mum-auto-2026-3-10.sqlite", None),
            ("mum", "mum-auto-2026-02-30.sqlite", None),
            ("mum", "mum-auto-2026-03-10.sqlite.bak", None),
            ("mum", "mum-auto-2026-03-10-2.sqlite", None),
            ("mum", "mum-20260310T143000-1.sqlite", None),
            ("mum", "mum-20260310T143000-02.sqlite", None),
            ("mum", "mum-20260310T143000-1000.sqlite", None),
            ("mum", "mum-20260310T143000-.sqlite", None),
            ("mum", "mum-20260310T250000.sqlite", None),
            ("mum", "mum.sqlite", None),
            (
                "mum",
                "mum.v5-before-migration-20260310T063000Z.sqlite",
                None,
            ),
        ];
        for (stem, name, want) in table {
            assert_eq!(own_backup(stem, name), *want, "{stem} / {name}");
        }
    }

    #[test]
    fn a_path_counts_only_inside_the_backups_folder_as_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let backups = dir.path().join("backups");
        std::fs::create_dir(&backups).unwrap();
        let db = dir.path().join("mum.sqlite");
        let good = backups.join("mum-auto-2026-03-10.sqlite");
        std::fs::write(&good, b"x").unwrap();
        assert!(is_own_backup_path(&backups, &db, &good));
        // Missing, elsewhere, another diary's, a link.
        assert!(!is_own_backup_path(
            &backups,
            &db,
            &backups.join("mum-auto-2026-03-09.sqlite")
        ));
        let outside = dir.path().join("mum-auto-2026-03-10.sqlite");
        std::fs::write(&outside, b"x").unwrap();
        assert!(!is_own_backup_path(&backups, &db, &outside));
        let other = backups.join("mummy-auto-2026-03-10.sqlite");
        std::fs::write(&other, b"x").unwrap();
        assert!(!is_own_backup_path(&backups, &db, &other));
        #[cfg(unix)]
        {
            let link = backups.join("mum-auto-2026-03-08.sqlite");
            std::os::unix::fs::symlink(&outside, &link).unwrap();
            assert!(!is_own_backup_path(&backups, &db, &link));
        }
        // Through another spelling of the same folder.
        let dotted = dir
            .path()
            .join(".")
            .join("backups")
            .join("mum-auto-2026-03-10.sqlite");
        assert!(is_own_backup_path(&backups, &db, &dotted));
    }
}
