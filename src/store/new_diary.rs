//! A new diary built under a temporary name beside its destination and moved into place only
//! when it is complete: a failed or killed import never leaves a half-made diary that blocks
//! the next attempt (outside review, session 6). The temporary files carry the process id
//! (`NAME.sqlite.partial-PID`, with its `-wal`, `-shm`, `-seal` beside it), so the next start
//! sweeps what a killed process left ([`super::atomic::sweep_stale`]).

use std::path::{Path, PathBuf};

use super::{Result, Store, StoreError};

/// The files SQLite and the store keep beside a diary.
const SIDECARS: [&str; 5] = ["", "-wal", "-shm", "-journal", "-seal"];

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut name = p.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    p.with_file_name(name)
}

/// A diary being made for `dest`.
pub struct NewDiary {
    temp: PathBuf,
    dest: PathBuf,
}

impl NewDiary {
    /// Open a new, empty diary under the temporary name (refused when `dest` exists).
    pub fn begin(dest: &Path) -> Result<(NewDiary, Store)> {
        if dest.exists() {
            return Err(StoreError::Unusable {
                path: dest.display().to_string(),
                reason: "it already exists".into(),
            });
        }
        let temp = with_suffix(dest, &format!(".partial-{}", std::process::id()));
        let d = NewDiary {
            temp,
            dest: dest.to_path_buf(),
        };
        d.remove_temp();
        let store = Store::open(&d.temp)?;
        Ok((d, store))
    }

    /// Close the diary and move it into place; refused (and the temporary files removed) if
    /// `dest` appeared meanwhile.
    pub fn finish(self, store: Store) -> Result<PathBuf> {
        drop(store);
        if self.dest.exists() {
            self.remove_temp();
            return Err(StoreError::Unusable {
                path: self.dest.display().to_string(),
                reason: "it appeared while the diary was made; nothing was written there".into(),
            });
        }
        // The sidecars first, the diary itself last: until it is there, nothing is.
        for s in SIDECARS.iter().rev() {
            let from = with_suffix(&self.temp, s);
            if from.exists() {
                std::fs::rename(&from, with_suffix(&self.dest, s)).map_err(|e| {
                    StoreError::Create {
                        path: self.dest.display().to_string(),
                        source: e,
                    }
                })?;
            }
        }
        Ok(self.dest.clone())
    }

    /// The settings file of the new diary's patient (`NAME.toml` beside `NAME.sqlite`).
    pub fn settings_path(&self) -> PathBuf {
        self.dest.with_extension("toml")
    }

    /// Close the diary and remove its temporary files (the import failed).
    pub fn abandon(self, store: Store) {
        drop(store);
        self.remove_temp();
    }

    fn remove_temp(&self) {
        for s in SIDECARS {
            let _ = std::fs::remove_file(with_suffix(&self.temp, s));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_diary_is_in_place_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("anna.sqlite");
        let (d, store) = NewDiary::begin(&dest).unwrap();
        let back = d.finish(store).unwrap();
        assert_eq!(back, dest);
        assert!(Store::open(&dest).is_ok());
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(names.iter().all(|n| !n.contains("partial")), "{names:?}");
    }

    #[test]
    fn an_abandoned_diary_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("ben.sqlite");
        let (d, store) = NewDiary::begin(&dest).unwrap();
        d.abandon(store);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
