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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn clock(day: &str) -> Clock {
        Clock::Fixed(
            chrono::DateTime::parse_from_rfc3339(&format!("{day}T09:00:00+08:00")).unwrap(),
        )
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn touch(p: &Path, age_secs: u64) {
        std::fs::write(p, b"not a diary").unwrap();
        set_age(p, age_secs);
    }

    fn set_age(p: &Path, age_secs: u64) {
        let t = SystemTime::now() - Duration::from_secs(age_secs);
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(t)
            .unwrap();
    }

    /// An index whose stored keys no longer match its definition: `PRAGMA quick_check` passes,
    /// `PRAGMA integrity_check` (what `restore` checks) fails ("row 1 missing from index").
    fn damage_an_index(db: &Path) {
        let c = rusqlite::Connection::open(db).unwrap();
        c.execute_batch(
            "CREATE INDEX test_damage ON entries(note);
             PRAGMA writable_schema = ON;
             UPDATE sqlite_master SET sql = 'CREATE INDEX test_damage ON entries(kind)'
              WHERE name = 'test_damage';",
        )
        .unwrap();
    }

    fn store_with_an_entry(db: &Path) -> Store {
        let store = Store::open(db).unwrap();
        let c = rusqlite::Connection::open(db).unwrap();
        c.execute(
            "INSERT INTO entries (kind, at, at_utc, value, unit, details, created_at, updated_at)
             VALUES ('platelets', '2026-03-01T09:00:00+08:00', '2026-03-01T01:00:00Z',
                     50, '10^9/L', '{}', '2026-03-01T01:00:00Z', '2026-03-01T01:00:00Z')",
            [],
        )
        .unwrap();
        store
    }

    #[test]
    fn rotation_keeps_the_copy_made_and_every_future_dated_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("d.sqlite");
        let backups = backups_dir(dir.path());
        std::fs::create_dir(&backups).unwrap();
        let mut want_kept = vec![];
        for day in 1..=9 {
            let name = format!("d-auto-2026-03-0{day}.sqlite");
            touch(&backups.join(&name), 0);
            if day >= 4 {
                want_kept.push(name);
            }
        }
        for day in 1..=7 {
            let name = format!("d-auto-2027-01-0{day}.sqlite");
            touch(&backups.join(&name), 0);
            want_kept.push(name);
        }
        // Other diaries' and other kinds of backups are never this rotation's.
        for name in [
            "d-2-auto-2026-01-01.sqlite",
            "dd-auto-2026-01-01.sqlite",
            "d-20260101T000000.sqlite",
            "d-before-restore-20260101T000000.sqlite",
        ] {
            touch(&backups.join(name), 0);
            want_kept.push(name.into());
        }
        let made = backups.join("d-auto-2026-03-10.sqlite");
        touch(&made, 0);
        want_kept.push("d-auto-2026-03-10.sqlite".into());
        want_kept.sort();
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        rotate(&backups, &db, &made, today, 7);
        assert_eq!(names(&backups), want_kept);
        // Keeping one: the copy made and the future-dated ones only.
        rotate(&backups, &db, &made, today, 1);
        let left: Vec<String> = names(&backups)
            .into_iter()
            .filter(|n| n.starts_with("d-auto-"))
            .collect();
        let mut want: Vec<String> = (1..=7)
            .map(|d| format!("d-auto-2027-01-0{d}.sqlite"))
            .collect();
        want.insert(0, "d-auto-2026-03-10.sqlite".into());
        assert_eq!(left, want);
    }

    #[test]
    fn seven_future_dated_copies_never_push_todays_out() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("d.sqlite");
        let store = store_with_an_entry(&db);
        let backups = backups_dir(dir.path());
        std::fs::create_dir(&backups).unwrap();
        for day in 1..=7 {
            touch(&backups.join(format!("d-auto-2027-01-0{day}.sqlite")), 0);
        }
        for day in 10..=20 {
            let made = auto_backup(&store, dir.path(), &clock(&format!("2026-03-{day}")), 7);
            let want = backups.join(format!("d-auto-2026-03-{day}.sqlite"));
            assert_eq!(made.unwrap(), AutoBackup::Made(want.clone()));
            assert!(want.is_file(), "{}", want.display());
        }
        let autos = names(&backups);
        assert_eq!(autos.len(), 14, "{autos:?}");
        assert_eq!(autos[0], "d-auto-2026-03-14.sqlite");
    }

    #[test]
    fn a_diary_failing_only_the_full_check_is_not_copied_and_nothing_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("d.sqlite");
        let store = store_with_an_entry(&db);
        for day in 3..=5 {
            let r = auto_backup(&store, dir.path(), &clock(&format!("2026-03-0{day}")), 7);
            assert!(matches!(r, Ok(AutoBackup::Made(_))), "{r:?}");
        }
        let backups = backups_dir(dir.path());
        let good = names(&backups);
        damage_an_index(&db);
        assert_eq!(
            crate::store::quick_check_file(&db),
            None,
            "quick_check misses it"
        );
        for day in 6..=20 {
            let r = auto_backup(&store, dir.path(), &clock(&format!("2026-03-{day:02}")), 2);
            match r {
                Ok(AutoBackup::Damaged {
                    detail,
                    newest_good,
                }) => {
                    assert!(detail.contains("missing from index"), "{detail}");
                    assert_eq!(newest_good, Some(backups.join("d-auto-2026-03-05.sqlite")));
                }
                other => panic!("{other:?}"),
            }
        }
        // Nothing added (no temporary file either), nothing removed, each restorable.
        assert_eq!(names(&backups), good);
        for n in &good {
            Store::check_file(&backups.join(n)).unwrap();
        }
    }

    #[test]
    fn the_newest_good_backup_is_this_diarys_own() {
        let dir = tempfile::tempdir().unwrap();
        let backups = backups_dir(dir.path());
        std::fs::create_dir(&backups).unwrap();
        let mum = dir.path().join("mum.sqlite");
        let source = store_with_an_entry(&dir.path().join("source.sqlite"));
        let copy = |name: &str, age: u64| {
            let p = backups.join(name);
            source.backup_to(&p).unwrap();
            set_age(&p, age);
            p
        };
        assert_eq!(newest_good_backup(dir.path(), &mum), None);
        // Other diaries' good copies, all newer than mum's.
        copy("mummy-auto-2026-03-10.sqlite", 10);
        copy("mum-2-auto-2026-03-10.sqlite", 10);
        copy("mum-2-20260310T143000.sqlite", 10);
        assert_eq!(newest_good_backup(dir.path(), &mum), None);
        let auto = copy("mum-auto-2026-03-08.sqlite", 300);
        assert_eq!(newest_good_backup(dir.path(), &mum), Some(auto.clone()));
        let manual = copy("mum-20260309T080000-2.sqlite", 200);
        assert_eq!(newest_good_backup(dir.path(), &mum), Some(manual));
        let before = copy("mum-before-restore-20260309T090000.sqlite", 100);
        assert_eq!(newest_good_backup(dir.path(), &mum), Some(before.clone()));
        // A newer own copy that fails the check is passed over.
        touch(&backups.join("mum-auto-2026-03-10.sqlite"), 1);
        assert_eq!(newest_good_backup(dir.path(), &mum), Some(before.clone()));
        let c = backups.join("mum-auto-2026-03-09.sqlite");
        source.backup_to(&c).unwrap();
        damage_an_index(&c);
        set_age(&c, 2);
        assert_eq!(newest_good_backup(dir.path(), &mum), Some(before));
        drop(auto);
    }

    #[test]
    fn a_file_in_place_of_the_backups_folder_is_said_plainly() {
        let dir = tempfile::tempdir().unwrap();
        let backups = backups_dir(dir.path());
        std::fs::write(&backups, b"").unwrap();
        let e = create_private_dir(&backups).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::NotADirectory);
        assert!(e.to_string().contains("is a file, not a folder"), "{e}");
    }
}
