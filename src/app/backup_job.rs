//! The daily automatic backup as a job: made by the command itself (`ITP_DIARY_BACKUP=wait`)
//! or, by default, by a short detached child process (`itp-diary backup-auto-child`) so the
//! command the user typed is never delayed by the copy.
//!
//! Both run [`run`], the one implementation around [`super::backup::auto_backup`] (temporary
//! name, renamed only after the copy passed the check `restore` makes, never from a damaged
//! diary, rotation).
//!
//! - **One at a time.** A job holds `STEM-auto.lock` in the backups folder: an owner-only file
//!   that is locked (`File::try_lock`, an OS lock released when the process ends, however it
//!   ends) *before* it gets its name (`persist_noclobber`, i.e. create-new). A lock file is
//!   stale, and replaced, when nobody holds its OS lock (its process is gone: killed, crashed)
//!   or when it is older than [`STALE_AFTER`] (a hung job, or a file system without locks). A
//!   detached job that finds a live lock leaves quietly; a waiting one waits for it. The lock
//!   only saves work: the copy itself never needs it to be safe (a finished copy is never
//!   replaced, a half one never carries the final name).
//! - **Reported later.** A detached job has no terminal: a failure or a damaged diary is
//!   written to `STEM-auto-status.json` (owner-only, atomically; beside the diary when the
//!   backups folder cannot be written) and said by every later command until a backup succeeds,
//!   which removes it.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::ExchangeError;
use super::backup::{
    AutoBackup, auto_backup, auto_backup_path, backups_dir, create_private_dir, diary_stem,
};
use super::config::ENV_BACKUP;
use crate::domain::clock::Clock;
use crate::store::Store;

/// A lock file older than this is replaced even when held: a backup of a 100-year diary takes
/// seconds, so its holder hangs.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// How the daily backup is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// By a detached child process (the default).
    Detached,
    /// By the command itself before it exits (`ITP_DIARY_BACKUP=wait`).
    Wait,
}

impl Mode {
    /// `ITP_DIARY_BACKUP`: `wait`, else (unset or any other value) detached.
    pub fn from_env() -> Mode {
        Mode::from_env_value(std::env::var(ENV_BACKUP).ok().as_deref())
    }

    fn from_env_value(v: Option<&str>) -> Mode {
        match v {
            Some(v) if v.trim().eq_ignore_ascii_case("wait") => Mode::Wait,
            _ => Mode::Detached,
        }
    }
}

/// What a backup job did.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Nothing to do: today's copy exists, another job is making it, the diary is gone or
    /// read-only.
    Skipped,
    Made(PathBuf),
    /// The diary failed its check: no copy, no backup removed.
    Damaged {
        detail: String,
        newest_good: Option<PathBuf>,
    },
    /// Today's copy failed its check though the diary passes it: nothing kept, nothing removed.
    CopyDamaged(String),
    /// The backups folder's path is taken by a file: no backup can be made.
    BackupsNotAFolder,
    Failed(String),
}

/// The daily backup of `db`, unless today's exists: under the job lock (`wait`: wait for
/// another job rather than leave), keeping the newest `keep`. A success removes a recorded
/// failure.
pub fn run(db: &Path, data_dir: &Path, clock: &Clock, keep: usize, wait: bool) -> Outcome {
    let dest = auto_backup_path(data_dir, db, clock);
    if !db.is_file() || dest.exists() {
        return Outcome::Skipped;
    }
    let store = match Store::open(db) {
        Ok(s) if s.is_read_only() => return Outcome::Skipped,
        Ok(s) => s,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let dir = backups_dir(data_dir);
    if dir.exists() && !dir.is_dir() {
        return Outcome::BackupsNotAFolder;
    }
    let _lock = match create_private_dir(&dir).and_then(|()| JobLock::acquire(&dir, db, wait)) {
        Ok(Some(l)) => l,
        Ok(None) => return Outcome::Skipped,
        Err(e) => return Outcome::Failed(ExchangeError::Io(e).to_string()),
    };
    let outcome = match auto_backup(&store, data_dir, clock, keep) {
        Ok(AutoBackup::Made(p)) => Outcome::Made(p),
        Ok(AutoBackup::Exists) => Outcome::Skipped,
        Ok(AutoBackup::Damaged {
            detail,
            newest_good,
        }) => Outcome::Damaged {
            detail,
            newest_good,
        },
        Ok(AutoBackup::CopyDamaged { detail }) => Outcome::CopyDamaged(detail),
        // Another job (past a stale lock) named its copy first.
        Err(ExchangeError::Io(e))
            if e.kind() == std::io::ErrorKind::AlreadyExists && dest.exists() =>
        {
            Outcome::Skipped
        }
        Err(e) => Outcome::Failed(e.to_string()),
    };
    if dest.exists() {
        clear_status(data_dir, db);
    }
    outcome
}

/// Start the detached job for `db` and return at once (the child is not waited for). Its
/// standard streams are null and it runs in its own process group, so Ctrl-C or closing the
/// terminal of this command does not stop it.
pub fn spawn(db: &Path, data_dir: &Path, now: DateTime<FixedOffset>) -> std::io::Result<()> {
    use std::process::{Command, Stdio};
    let mut c = Command::new(std::env::current_exe()?);
    c.arg(CHILD_COMMAND)
        .arg("--db")
        .arg(db)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--now")
        .arg(now.to_rfc3339())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    detach(&mut c);
    c.spawn().map(drop)
}

/// The hidden subcommand the detached job runs (first argument; read before the others).
pub const CHILD_COMMAND: &str = "backup-auto-child";

#[cfg(unix)]
fn detach(c: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    c.process_group(0);
}

#[cfg(windows)]
fn detach(c: &mut std::process::Command) {
    use std::os::windows::process::CommandExt;
    const DETACHED_PROCESS: u32 = 0x0000_0008;
    const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    c.creation_flags(DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP | CREATE_NO_WINDOW);
}

#[cfg(not(any(unix, windows)))]
fn detach(_: &mut std::process::Command) {}

/// The detached job: [`run`], its failure recorded for the next command.
pub fn child(db: &Path, data_dir: &Path, clock: &Clock, keep: usize) {
    let outcome = run(db, data_dir, clock, keep, false);
    if let Some(problem) = Problem::of(outcome) {
        let _ = record(
            data_dir,
            db,
            &Status {
                recorded_at: clock.now(),
                problem,
            },
        );
    }
}

/// What went wrong with a detached backup.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    Failed {
        reason: String,
    },
    Damaged {
        detail: String,
        newest_good: Option<PathBuf>,
    },
    /// Today's copy failed its check though the diary passes it.
    CopyDamaged {
        detail: String,
    },
    /// The backups folder's path is taken by a file.
    BackupsNotAFolder,
}

impl Problem {
    /// What went wrong, if something did.
    pub fn of(o: Outcome) -> Option<Problem> {
        match o {
            Outcome::Failed(reason) => Some(Problem::Failed { reason }),
            Outcome::Damaged {
                detail,
                newest_good,
            } => Some(Problem::Damaged {
                detail,
                newest_good,
            }),
            Outcome::CopyDamaged(detail) => Some(Problem::CopyDamaged { detail }),
            Outcome::BackupsNotAFolder => Some(Problem::BackupsNotAFolder),
            Outcome::Skipped | Outcome::Made(_) => None,
        }
    }
}

/// A recorded failure of a detached backup.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Status {
    pub recorded_at: DateTime<FixedOffset>,
    #[serde(flatten)]
    pub problem: Problem,
}

fn status_name(db: &Path) -> String {
    format!("{}-auto-status.json", diary_stem(db))
}

/// Where a status may be: the backups folder, else (it could not be written) the data folder.
fn status_paths(data_dir: &Path, db: &Path) -> [PathBuf; 2] {
    let name = status_name(db);
    [backups_dir(data_dir).join(&name), data_dir.join(name)]
}

/// Write the status (atomically, owner-only) where it can be written.
pub fn record(data_dir: &Path, db: &Path, s: &Status) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(s).map_err(std::io::Error::other)?;
    let [in_backups, beside] = status_paths(data_dir, db);
    let write = |p: &Path| crate::store::atomic::write_file(p, |w| w.write_all(&bytes));
    match write(&in_backups) {
        Ok(()) => {
            let _ = std::fs::remove_file(beside);
            Ok(())
        }
        Err(_) => write(&beside),
    }
}

/// The recorded failure of an earlier detached backup, if any (an unreadable record is none).
pub fn recorded(data_dir: &Path, db: &Path) -> Option<Status> {
    status_paths(data_dir, db)
        .iter()
        .find_map(|p| serde_json::from_slice(&std::fs::read(p).ok()?).ok())
}

/// Forget recorded failures (after a successful backup).
pub fn clear_status(data_dir: &Path, db: &Path) {
    for p in status_paths(data_dir, db) {
        let _ = std::fs::remove_file(p);
    }
}

/// The lock file of `db`'s backup job, in the backups folder.
fn lock_name(db: &Path) -> String {
    format!("{}-auto.lock", diary_stem(db))
}

/// A held job lock: the file is removed when dropped, then its OS lock released.
pub struct JobLock {
    path: PathBuf,
    _file: File,
}

impl Drop for JobLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl JobLock {
    /// Take the lock in `dir`; `None` when a live job holds it (`wait`: poll until it is
    /// released or stale).
    fn acquire(dir: &Path, db: &Path, wait: bool) -> std::io::Result<Option<JobLock>> {
        let path = dir.join(lock_name(db));
        loop {
            if let Some(l) = Self::create(&path)? {
                return Ok(Some(l));
            }
            match File::open(&path) {
                Ok(held) if !is_stale(&held) => {
                    if !wait {
                        return Ok(None);
                    }
                    drop(held);
                    std::thread::sleep(Duration::from_millis(50));
                }
                // Stale: replaced. Gone meanwhile: tried again.
                Ok(_) => remove_if_present(&path)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// A new lock file, locked before it is named; `None` when the name is taken.
    fn create(path: &Path) -> std::io::Result<Option<JobLock>> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let mut b = tempfile::Builder::new();
        let prefix = format!(
            ".{name}{}{}-",
            crate::store::atomic::TMP_MARK,
            std::process::id()
        );
        b.prefix(&prefix);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            b.permissions(std::fs::Permissions::from_mode(0o600));
        }
        let mut tmp = b.tempfile_in(dir)?;
        // A file system without locks: the age alone tells a stale lock (see `is_stale`).
        let _ = tmp.as_file().try_lock();
        let _ = writeln!(tmp, "{}", std::process::id());
        match tmp.persist_noclobber(path) {
            Ok(file) => Ok(Some(JobLock {
                path: path.to_path_buf(),
                _file: file,
            })),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
            Err(e) => Err(e.error),
        }
    }
}

/// Whether an existing lock file is left by a job that is gone (nobody holds its OS lock) or
/// hangs (older than [`STALE_AFTER`]).
fn is_stale(f: &File) -> bool {
    let old = f
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > STALE_AFTER);
    old || f.try_lock().is_ok()
}

fn remove_if_present(p: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn a_status_round_trips_and_is_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("diary.sqlite");
        assert_eq!(recorded(dir.path(), &db), None);
        std::fs::create_dir(backups_dir(dir.path())).unwrap();
        for problem in [
            Problem::Failed {
                reason: "disk full".into(),
            },
            Problem::Damaged {
                detail: "row 3 missing".into(),
                newest_good: Some(dir.path().join("backups/diary-auto-2026-03-09.sqlite")),
            },
            Problem::Damaged {
                detail: "x".into(),
                newest_good: None,
            },
        ] {
            let s = Status {
                recorded_at: at("2026-03-10T14:30:00+08:00"),
                problem,
            };
            record(dir.path(), &db, &s).unwrap();
            assert_eq!(recorded(dir.path(), &db), Some(s));
        }
        let file = backups_dir(dir.path()).join("diary-auto-status.json");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        clear_status(dir.path(), &db);
        assert!(!file.exists());
        assert_eq!(recorded(dir.path(), &db), None);
    }

    #[test]
    fn without_a_backups_folder_the_status_goes_beside_the_diary() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("diary.sqlite");
        // The backups "folder" is a file: nothing can be written in it.
        std::fs::write(backups_dir(dir.path()), b"").unwrap();
        let s = Status {
            recorded_at: at("2026-03-10T14:30:00+08:00"),
            problem: Problem::Failed {
                reason: "not a directory".into(),
            },
        };
        record(dir.path(), &db, &s).unwrap();
        assert!(dir.path().join("diary-auto-status.json").is_file());
        assert_eq!(recorded(dir.path(), &db), Some(s));
        clear_status(dir.path(), &db);
        assert_eq!(recorded(dir.path(), &db), None);
    }

    #[test]
    fn an_unreadable_status_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("diary.sqlite");
        std::fs::write(dir.path().join("diary-auto-status.json"), b"{ not json").unwrap();
        assert_eq!(recorded(dir.path(), &db), None);
    }

    #[test]
    fn the_lock_is_one_at_a_time_and_a_released_one_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("diary.sqlite");
        let a = JobLock::acquire(dir.path(), &db, false).unwrap();
        assert!(a.is_some());
        let lock = dir.path().join("diary-auto.lock");
        assert!(lock.is_file());
        // Held (an OS lock on the same file, as another process would see it).
        assert!(JobLock::acquire(dir.path(), &db, false).unwrap().is_none());
        drop(a);
        assert!(!lock.exists());
        // Left behind by a job that is gone: nobody holds it.
        std::fs::write(&lock, b"12345\n").unwrap();
        let b = JobLock::acquire(dir.path(), &db, false).unwrap();
        assert!(b.is_some());
        drop(b);
    }

    #[test]
    fn an_unknown_mode_is_the_default() {
        // Only the parse, not the environment (tests run in parallel).
        assert_eq!(Mode::from_env_value(Some("wait")), Mode::Wait);
        assert_eq!(Mode::from_env_value(Some(" WAIT ")), Mode::Wait);
        assert_eq!(Mode::from_env_value(Some("later")), Mode::Detached);
        assert_eq!(Mode::from_env_value(Some("")), Mode::Detached);
        assert_eq!(Mode::from_env_value(None), Mode::Detached);
    }
}
