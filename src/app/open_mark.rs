//! "This diary is open on a screen": while the terminal screen runs, it holds a shared lock on
//! `<diary>.open` beside the database (an owner-only file that stays, empty). A command that
//! would replace the whole file (a fresh `demo`) first tries the lock exclusively and refuses
//! while any screen holds it. The lock goes with the process, so a crash never leaves it held.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// The mark beside `db`.
pub fn mark_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".open");
    db.with_file_name(name)
}

fn open(db: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(mark_path(db))
}

/// Held while a screen has the diary open; dropping it releases the lock.
#[derive(Debug)]
pub struct OpenMark {
    _file: File,
}

/// Mark `db` as open on a screen (several screens may hold it at once).
pub fn hold(db: &Path) -> io::Result<OpenMark> {
    let file = open(db)?;
    file.lock_shared()?;
    Ok(OpenMark { _file: file })
}

/// Whether a screen has `db` open now. No mark file: nobody does.
pub fn in_use(db: &Path) -> io::Result<bool> {
    if !mark_path(db).exists() {
        return Ok(false);
    }
    let file = open(db)?;
    match file.try_lock() {
        Ok(()) => Ok(false),
        Err(TryLockError::WouldBlock) => Ok(true),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_mark_is_in_use_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("d.sqlite");
        assert!(!in_use(&db).unwrap());
        let m = hold(&db).unwrap();
        let again = hold(&db).unwrap();
        assert!(in_use(&db).unwrap());
        drop(m);
        assert!(in_use(&db).unwrap(), "another screen still holds it");
        drop(again);
        assert!(!in_use(&db).unwrap());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(mark_path(&db))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
