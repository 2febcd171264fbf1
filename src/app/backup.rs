//! File backups of the diary: manual, daily automatic (rotated), and restore.

use std::path::{Path, PathBuf};

use crate::domain::clock::Clock;
use crate::store::Store;

use super::Result;

/// The backups folder beside the diary.
pub fn backups_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// A consistent copy of the diary (SQLite's backup API), written under a temporary name and
/// renamed, so a half-written backup never carries the final name.
pub fn backup_to(store: &Store, dest: &Path) -> Result<()> {
    let tmp = dest.with_extension(format!("partial-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    store.backup_to(&tmp)?;
    std::fs::rename(&tmp, dest)?;
    Ok(())
}

/// The path of today's automatic backup.
pub fn auto_backup_path(data_dir: &Path, clock: &Clock) -> PathBuf {
    backups_dir(data_dir).join(format!("auto-{}.sqlite", clock.today().format("%Y-%m-%d")))
}

/// The daily automatic backup: `auto-YYYY-MM-DD.sqlite` in the backups folder unless today's
/// exists, keeping the newest `keep`. Returns the path when one was made.
pub fn auto_backup(
    store: &Store,
    data_dir: &Path,
    clock: &Clock,
    keep: usize,
) -> Result<Option<PathBuf>> {
    let dest = auto_backup_path(data_dir, clock);
    if dest.exists() {
        return Ok(None);
    }
    let dir = backups_dir(data_dir);
    create_private_dir(&dir)?;
    backup_to(store, &dest)?;
    let mut autos: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("auto-") && n.ends_with(".sqlite"))
        })
        .collect();
    autos.sort();
    while autos.len() > keep {
        let old = autos.remove(0);
        let _ = std::fs::remove_file(old);
    }
    Ok(Some(dest))
}

pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.exists() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Replace the diary with a backup file: the file is checked first (a readable diary of a known
/// version), the current diary is copied to the backups folder, then replaced.
pub fn restore(store: &mut Store, src: &Path, data_dir: &Path, clock: &Clock) -> Result<PathBuf> {
    Store::check_file(src)?;
    let dir = backups_dir(data_dir);
    create_private_dir(&dir)?;
    let keep = dir.join(format!(
        "before-restore-{}.sqlite",
        clock.now().format("%Y%m%dT%H%M%S")
    ));
    backup_to(store, &keep)?;
    store.replace_from(src)?;
    Ok(keep)
}
