//! File backups of the diary: manual, daily automatic (rotated per diary), and restore.
//!
//! Every copy is written under a temporary name and renamed only when complete, never over
//! another file (a second copy in the same second gets `-2`, `-3` …). The daily backup is made
//! only from a diary that passes `PRAGMA quick_check`: a damaged diary never pushes a good
//! backup out of the rotation.

use std::path::{Path, PathBuf};

use crate::domain::clock::Clock;
use crate::store::{Store, quick_check_file};

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

/// This diary's automatic backups, oldest first.
fn autos_of(dir: &Path, db: &Path) -> Vec<PathBuf> {
    let prefix = format!("{}-auto-", diary_stem(db));
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.strip_prefix(&prefix).is_some_and(|d| {
                            d.len() == "YYYY-MM-DD.sqlite".len() && d.ends_with(".sqlite")
                        })
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// What the daily backup did.
#[derive(Debug, PartialEq)]
pub enum AutoBackup {
    /// Today's copy exists already.
    Exists,
    Made(PathBuf),
    /// The diary failed `PRAGMA quick_check`: no copy was made and no backup was removed.
    /// The newest backup of this diary that passes the check, if any.
    Damaged {
        detail: String,
        newest_good: Option<PathBuf>,
    },
}

/// The daily automatic backup of `db`: `STEM-auto-YYYY-MM-DD.sqlite` in the backups folder
/// unless today's exists, keeping this diary's newest `keep`. A diary that fails
/// `PRAGMA quick_check` is not copied.
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
    // The check and the copy run side by side (two connections, two threads); the copy is
    // given its name only when the diary passed the check.
    let tmp = crate::store::atomic::temp_path_for(&dest)?;
    std::fs::remove_file(&tmp)?;
    let (checked, copied) = std::thread::scope(|s| {
        let check = store
            .path()
            .map(|p| s.spawn(move || crate::store::quick_check_at(p)));
        let copied = store.backup_to(&tmp);
        let checked = match check {
            Some(h) => h
                .join()
                .unwrap_or_else(|_| Err(crate::store::StoreError::Corrupt("check".into()))),
            None => store.quick_check(),
        };
        (checked, copied)
    });
    if let Some(detail) = checked? {
        // `tmp` is removed when dropped: a damaged diary leaves no copy behind.
        return Ok(AutoBackup::Damaged {
            detail,
            newest_good: newest_good_backup(data_dir, &db),
        });
    }
    copied?;
    tmp.persist_noclobber(&dest).map_err(|e| e.error)?;
    let mut autos = autos_of(&dir, &db);
    while autos.len() > keep.max(1) {
        let old = autos.remove(0);
        let _ = std::fs::remove_file(old);
    }
    Ok(AutoBackup::Made(dest))
}

/// The newest copy of the diary `db` in the backups folder that passes `PRAGMA quick_check`.
pub fn newest_good_backup(data_dir: &Path, db: &Path) -> Option<PathBuf> {
    let stem = diary_stem(db);
    let mut all: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(backups_dir(data_dir))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".sqlite") && n.contains(&stem))
        })
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    all.sort();
    all.into_iter()
        .rev()
        .map(|(_, p)| p)
        .find(|p| quick_check_file(p).is_none())
}

pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        return Ok(());
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
