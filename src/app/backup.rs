//! File backups of the diary: manual, daily automatic (rotated per diary), and restore.
//!
//! Every copy is written under a temporary name and renamed only when complete, never over
//! another file (a second copy in the same second gets `-2`, `-3` …). The daily backup keeps
//! only a copy that passes the check `restore` makes (`PRAGMA integrity_check`): a damaged
//! diary is never copied and never pushes a good backup out of the rotation.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::backup_names::{auto_day, own_backup};
use crate::domain::clock::Clock;
use crate::store::{Store, StoreError};

use super::{ExchangeError, Result};

/// The backups folder beside the diary.
pub fn backups_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// The diary's file name without its extension ("itp-diary" for itp-diary.sqlite): the prefix
/// of its backups, so diaries sharing a folder keep their own.
pub fn diary_stem(db: &Path) -> String {
    db.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "diary".into())
}

/// A consistent copy of the diary (SQLite's backup API), written under a temporary name and
/// renamed, so a half-written backup never carries the final name; an existing `dest` is never
/// replaced (refused).
pub fn backup_to(store: &Store, dest: &Path) -> Result<()> {
    // Removed on any error (a full disk leaves nothing behind).
    let tmp = crate::store::atomic::temp_path_for(dest)?;
    std::fs::remove_file(&tmp)?;
    store.backup_to(&tmp)?;
    tmp.persist_noclobber(dest).map_err(|e| e.error)?;
    Ok(())
}

/// A copy under `dir/NAME.sqlite`, or `NAME-2.sqlite`, `NAME-3.sqlite` … when taken: copies
/// never overwrite each other. Returns the path written.
pub fn backup_unique(store: &Store, dir: &Path, name: &str) -> Result<PathBuf> {
    create_private_dir(dir)?;
    for n in 1..1000 {
        let dest = if n == 1 {
            dir.join(format!("{name}.sqlite"))
        } else {
            dir.join(format!("{name}-{n}.sqlite"))
        };
        if dest.exists() {
            continue;
        }
        match backup_to(store, &dest) {
            Err(ExchangeError::Io(e)) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            other => return other.map(|()| dest),
        }
    }
    Err(ExchangeError::Invalid(format!(
        "{}: too many copies named {name}",
        dir.display()
    )))
}

/// The path of today's automatic backup of the diary `db`.
pub fn auto_backup_path(data_dir: &Path, db: &Path, clock: &Clock) -> PathBuf {
    backups_dir(data_dir).join(format!(
        "{}-auto-{}.sqlite",
        diary_stem(db),
        clock.today().format("%Y-%m-%d")
    ))
}

/// This diary's automatic backups (`STEM-auto-YYYY-MM-DD.sqlite`, exactly: another diary's
/// never), with their dates, oldest first.
fn autos_of(dir: &Path, db: &Path) -> Vec<(NaiveDate, PathBuf)> {
    let stem = diary_stem(db);
    let mut v: Vec<(NaiveDate, PathBuf)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter_map(|p| {
                    let day = auto_day(&stem, p.file_name()?.to_str()?)?;
                    Some((day, p))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Keep this diary's newest `keep` automatic backups dated up to `today`: the older ones are
/// removed, oldest first. Never removed: the copy just `made`, today's, and any dated after
/// today (made while the clock ran ahead; they are not counted either, so they never push a
/// new copy out).
fn rotate(dir: &Path, db: &Path, made: &Path, today: NaiveDate, keep: usize) {
    let autos = autos_of(dir, db);
    let mut counted = autos.iter().filter(|(day, _)| *day <= today).count();
    for (day, p) in &autos {
        if counted <= keep.max(1) {
            break;
        }
        if *day < today && p != made {
            let _ = std::fs::remove_file(p);
            counted -= 1;
        }
    }
}

/// What the daily backup did.
#[derive(Debug, PartialEq)]
pub enum AutoBackup {
    /// Today's copy exists already.
    Exists,
    Made(PathBuf),
    /// The diary failed the check `restore` makes (`Store::check_file`): no copy was made and
    /// no backup was removed. The newest backup of this diary that passes it, if any.
    Damaged {
        detail: String,
        newest_good: Option<PathBuf>,
    },
    /// The copy failed the check although the diary passes it (the copy was damaged on its
    /// way to the disk): no copy was kept and no backup was removed.
    CopyDamaged {
        detail: String,
    },
}

/// What the check `restore` makes on a backup (`Store::check_file`: a readable diary of a
/// known version passing `PRAGMA integrity_check`) finds in the file at `path`: `None` when it
/// passes. Errors that say nothing about the file (I/O) are errors.
fn damage_in(path: &Path) -> Result<Option<String>> {
    match Store::check_file(path) {
        Ok(_) => Ok(None),
        Err(StoreError::Damaged { detail, .. }) => Ok(Some(detail)),
        Err(StoreError::NotADatabase { .. }) => Ok(Some(MALFORMED.into())),
        Err(e) => Err(e.into()),
    }
}

const MALFORMED: &str = "database disk image is malformed";

/// The same check on the open diary itself.
fn damage_in_diary(store: &Store) -> Result<Option<String>> {
    if let Some(p) = store.path() {
        return damage_in(p);
    }
    match store.integrity_check() {
        Ok(s) if s == "ok" => Ok(None),
        Ok(s) => Ok(Some(format!("integrity check: {s}"))),
        Err(StoreError::Sqlite(e))
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) =>
        {
            Ok(Some(MALFORMED.into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// The daily automatic backup of `db`: `STEM-auto-YYYY-MM-DD.sqlite` in the backups folder
/// unless today's exists, keeping this diary's newest `keep` (see [`rotate`]).
///
/// The copy (SQLite's backup API, under a temporary name) is given its name only when it
/// passes the check `restore` makes (`Store::check_file`, `PRAGMA integrity_check`): so every
/// automatic backup can be restored, and a damaged diary — whose copy carries the same damage,
/// page for page — is never copied and never pushes a good backup out. When the copy fails,
/// the diary itself is checked to tell a damaged diary from a copy damaged on its way to disk.
pub fn auto_backup(
    store: &Store,
    data_dir: &Path,
    clock: &Clock,
    keep: usize,
) -> Result<AutoBackup> {
    let db = store.path().map(Path::to_path_buf).unwrap_or_default();
    let dest = auto_backup_path(data_dir, &db, clock);
    if dest.exists() {
        return Ok(AutoBackup::Exists);
    }
    let dir = backups_dir(data_dir);
    create_private_dir(&dir)?;
    // Removed when dropped: a refused or failed copy leaves nothing behind.
    let tmp = crate::store::atomic::temp_path_for(&dest)?;
    std::fs::remove_file(&tmp)?;
    let damaged = |detail| AutoBackup::Damaged {
        detail,
        newest_good: newest_good_backup(data_dir, &db),
    };
    let copy_damage = match store.backup_to(&tmp) {
        Ok(()) => damage_in(&tmp)?,
        // A copy that could not be made: from a damaged diary, or the error itself.
        Err(e) => match damage_in_diary(store)? {
            Some(detail) => return Ok(damaged(detail)),
            None => return Err(e.into()),
        },
    };
    if let Some(copy_detail) = copy_damage {
        return Ok(match damage_in_diary(store)? {
            Some(detail) => damaged(detail),
            None => AutoBackup::CopyDamaged {
                detail: copy_detail,
            },
        });
    }
    tmp.persist_noclobber(&dest).map_err(|e| e.error)?;
    rotate(&dir, &db, &dest, clock.today(), keep);
    Ok(AutoBackup::Made(dest))
}

/// The newest of this diary's own backups (by name: automatic, manual, before a restore — never
/// another diary's sharing the folder) that passes the check `restore` makes, newest by
/// modification time first.
pub fn newest_good_backup(data_dir: &Path, db: &Path) -> Option<PathBuf> {
    let stem = diary_stem(db);
    let mut all: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(backups_dir(data_dir))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| own_backup(&stem, n).is_some())
        })
        .filter_map(|p| {
            let m = std::fs::symlink_metadata(&p).ok()?;
            m.file_type().is_file().then_some(())?;
            Some((m.modified().ok()?, p))
        })
        .collect();
    all.sort();
    all.into_iter()
        .rev()
        .map(|(_, p)| p)
        .find(|p| Store::check_file(p).is_ok())
}

/// Create the backups folder (owner-only) unless it exists; a file in its place is an error
/// that says so.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if dir.exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            format!("{} is a file, not a folder", dir.display()),
        ));
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Replace the diary with a backup file: the file is checked first (a readable diary of a known
/// version), the current diary is copied to the backups folder under a name no other copy
/// has, then replaced and checked again (`PRAGMA quick_check`).
pub fn restore(store: &mut Store, src: &Path, data_dir: &Path, clock: &Clock) -> Result<PathBuf> {
    Store::check_file(src)?;
    let dir = backups_dir(data_dir);
    let db = store.path().map(Path::to_path_buf).unwrap_or_default();
    let name = format!(
        "{}-before-restore-{}",
        diary_stem(&db),
        clock.now().format("%Y%m%dT%H%M%S")
    );
    let keep = backup_unique(store, &dir, &name)?;
    store.replace_from(src)?;
    if let Some(detail) = store.quick_check()? {
        return Err(ExchangeError::Invalid(format!(
            "{}: the restored diary failed its check ({detail}); your previous diary is kept in {}",
            src.display(),
            keep.display()
        )));
    }
    Ok(keep)
}
