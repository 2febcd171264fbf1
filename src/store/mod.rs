//! The only code that talks to SQLite. Operations are in domain terms.
//!
//! Pragmas: WAL (readers never block the writer; a crash leaves the last committed state),
//! `foreign_keys=ON`, a 10 s busy timeout with every write in a `BEGIN IMMEDIATE` transaction
//! (two processes writing at once both succeed: the second waits instead of failing on a lock
//! upgrade), and `synchronous=FULL`: each confirmed entry is on disk before the command says so,
//! at a cost of one fsync per entry, which a diary written a few times a day never notices.

mod announcements;
pub mod atomic;
mod dose_months;
mod entries;
mod history;
mod merge;
mod migrations;
pub mod new_diary;
mod paging;
mod regimens;
mod safety;
mod series;

use std::fs::{DirBuilder, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, TransactionBehavior};

pub use dose_months::DoseMonth;
pub use entries::{EntryFilter, Order, TextMatch};
pub use history::RevisionRow;
pub use merge::{Differing, Merge, MergeReport};
pub use migrations::{LATEST_VERSION, MIGRATIONS};
pub use paging::DataVersion;
pub use regimens::{NewRegimen, NewStep};
pub use safety::{APPLICATION_ID, Notice, quick_check_at, quick_check_file};
pub use series::Dense;

/// What went wrong with the diary file, in words a patient can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no entry with id {0}")]
    NotFound(i64),
    /// The row moved since the caller read it: nothing was written.
    #[error(
        "entry #{0} was changed elsewhere — reloaded; nothing was written, check it and try again"
    )]
    Changed(i64),
    /// The entry is deleted (undoable): an edit would change what no view shows.
    #[error(
        "entry #{0} is deleted; nothing was written — restore it first with: itp-diary undelete {0}"
    )]
    Deleted(i64),
    #[error(
        "{path} is damaged ({detail}); nothing was written — restore the newest good backup with: itp-diary restore FILE"
    )]
    Damaged { path: String, detail: String },
    #[error("{path} could not be opened: {reason}; nothing was written")]
    Unusable { path: String, reason: String },
    #[error(
        "the diary {path} was written by a newer itp-diary (schema version {found}; this program knows up to {supported}); it was left untouched — update itp-diary"
    )]
    TooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error("{path} is not an itp-diary database (or it is damaged); it was left untouched")]
    NotADatabase { path: String },
    #[error(
        "the diary {path} is read-only (check the file's and its folder's permissions); nothing was written"
    )]
    ReadOnly { path: String },
    #[error(
        "the diary is busy: another program held it locked for more than {0} seconds; nothing was written — try again"
    )]
    Locked(u64),
    #[error("the disk is full; nothing was written — free some space and try again")]
    Full,
    #[error("cannot create {path}: {source}")]
    Create {
        path: String,
        source: std::io::Error,
    },
    #[error("a stored record could not be read ({0}); the diary may have been edited by hand")]
    Corrupt(String),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// A backup merge met items here with other content (see `Merge::keep_mine`).
    #[error("{} items of the backup are here with other content; nothing was imported", .0.len())]
    Differing(Vec<merge::Differing>),
    #[error("migration failed: {0}; the diary was left as it was (a backup is beside it)")]
    Migration(String),
}

/// Busy timeout, seconds (the default; see [`Store::set_busy_timeout`]).
pub const BUSY_TIMEOUT_SECS: u64 = 10;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::Locked(BUSY_TIMEOUT_SECS)
            }
            Some(ErrorCode::DiskFull) => StoreError::Full,
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly {
                path: String::new(),
            },
            Some(ErrorCode::NotADatabase) => StoreError::NotADatabase {
                path: String::new(),
            },
            _ => StoreError::Sqlite(e),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An open diary.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// Opened read-only (the file or its folder is not writable): reading works, writes are
    /// refused as read-only.
    read_only: bool,
    /// What the last open found wrong but could live with (e.g. lost last changes).
    notices: Vec<Notice>,
    /// How long a write waits for another program's lock (see [`Store::set_busy_timeout`]).
    busy: Duration,
}

impl Store {
    /// Open (or create) the diary at `path`: the folder is created with mode 0700 and the file
    /// with mode 0600; an existing file is inspected read-only first (another program's
    /// database, a newer version or a damaged file is refused untouched); a file or folder
    /// that is not writable is opened read-only; an older schema is backed up beside the file,
    /// then migrated.
    pub fn open(path: &Path) -> Result<Store> {
        let read_only = safety::inspect(path)?;
        let created = if read_only {
            false
        } else {
            ensure_private_file(path)?
        };
        let conn = safety::connect(path, read_only).map_err(|e| with_path(e, path))?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
            read_only,
            notices: Vec::new(),
            busy: Duration::from_secs(BUSY_TIMEOUT_SECS),
        };
        store.configure().map_err(|e| with_path(e, path))?;
        if read_only {
            if store.schema_version()? != LATEST_VERSION {
                return Err(StoreError::ReadOnly {
                    path: path.display().to_string(),
                });
            }
        } else {
            store.migrate(created).map_err(|e| with_path(e, path))?;
            store.check_seal().map_err(|e| with_path(e, path))?;
        }
        Ok(store)
    }

    /// A throwaway diary in memory (tests).
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            path: None,
            read_only: false,
            notices: Vec::new(),
            busy: Duration::from_secs(BUSY_TIMEOUT_SECS),
        };
        store.configure()?;
        store.migrate(true)?;
        Ok(store)
    }

    /// Opened read-only: reading commands work, writes are refused.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// What opening the diary found (e.g. changes lost by a damaged write-ahead log).
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// How long a write waits for a lock held by another program before it fails with
    /// [`StoreError::Locked`] (default [`BUSY_TIMEOUT_SECS`]).
    pub fn set_busy_timeout(&mut self, wait: Duration) -> Result<()> {
        self.conn.busy_timeout(wait)?;
        self.busy = wait;
        Ok(())
    }

    /// Run `f` waiting at most `wait` for another program's lock (a write that may be left
    /// out, such as a kept copy, never holds a screen up for the full timeout).
    pub(crate) fn with_short_wait<T>(&self, wait: Duration, f: impl FnOnce() -> T) -> Result<T> {
        self.conn.busy_timeout(wait)?;
        let out = f();
        self.conn.busy_timeout(self.busy)?;
        Ok(out)
    }

    /// [`Store::configure_once`], again while the file is locked by another program that is
    /// opening or creating it at the same moment (switching to WAL and the first reads can be
    /// refused at once rather than waited for), within the busy timeout.
    fn configure(&self) -> Result<()> {
        let deadline = std::time::Instant::now() + self.busy;
        loop {
            match self.configure_once() {
                Err(StoreError::Locked(_)) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                done => return done,
            }
        }
    }

    fn configure_once(&self) -> Result<()> {
        let c = &self.conn;
        c.busy_timeout(Duration::from_secs(BUSY_TIMEOUT_SECS))?;
        // Reading the schema first turns "file is not a database" into a clean error before
        // any pragma could write to the file.
        c.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
        // Refuse a newer or foreign database before any pragma changes its header.
        self.precheck()?;
        if self.path.is_some() && !self.read_only {
            let mode: String =
                c.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Sqlite(rusqlite::Error::InvalidQuery));
            }
        }
        c.pragma_update(None, "foreign_keys", "ON")?;
        c.pragma_update(None, "synchronous", "FULL")?;
        Ok(())
    }

    /// Run `f` inside a `BEGIN IMMEDIATE` transaction: all or nothing.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction) -> Result<T>,
    ) -> Result<T> {
        let path = self.path.clone();
        let fix = |e: StoreError| match &path {
            Some(p) => with_path(e, p),
            None => e,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| fix(e.into()))?;
        let out = f(&tx).map_err(fix)?;
        safety::count_commit(&tx).map_err(fix)?;
        tx.commit().map_err(|e| fix(e.into()))?;
        self.write_seal();
        Ok(out)
    }

    /// A consistent copy of the open diary, made with SQLite's backup API (safe while other
    /// processes write). The copy is created with mode 0600 and is one self-contained file
    /// (rollback journal, no -wal beside it), so it can be read from read-only media.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        ensure_private_file(dest)?;
        let mut dst = Connection::open(dest)?;
        // The copy is a new file under a temporary name (the caller renames it when done): no
        // journal and no fsync per page while copying, one fsync of the whole file at the end.
        dst.pragma_update(None, "journal_mode", "OFF")?;
        dst.pragma_update(None, "synchronous", "OFF")?;
        copy_all(&self.conn, &mut dst)?;
        // A backup is one self-contained file: no write-ahead log beside it.
        let _: String =
            dst.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
        drop(dst);
        std::fs::File::open(dest)
            .and_then(|f| f.sync_all())
            .map_err(|source| StoreError::Create {
                path: dest.display().to_string(),
                source,
            })
    }

    /// `PRAGMA integrity_check` — `ok` when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// The schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Cap the file at `pages` pages (`PRAGMA max_page_count`): how tests simulate a full
    /// disk. Returns the cap in force.
    pub fn set_max_pages(&self, pages: i64) -> Result<i64> {
        Ok(self
            .conn
            .pragma_update_and_check(None, "max_page_count", pages, |r| r.get(0))?)
    }

    /// The file's size in pages.
    pub fn page_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?)
    }

    /// Read a bookkeeping value.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )?;
            Ok(())
        })
    }
}

/// Copy every page of `src` into `dst` in one step, without pauses: the copy holds a read
/// snapshot for a few milliseconds (WAL: writers are never blocked), where 256-page steps with
/// 5 ms sleeps made the first command of a day wait for the backup. Busy or locked only while
/// another connection holds a write lock: wait for it as every other access does.
fn copy_all(src: &Connection, dst: &mut Connection) -> Result<()> {
    use rusqlite::backup::{Backup, StepResult};
    let backup = Backup::new(src, dst)?;
    let deadline = std::time::Instant::now() + Duration::from_secs(BUSY_TIMEOUT_SECS);
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5))
            }
            _ => return Err(StoreError::Locked(BUSY_TIMEOUT_SECS)),
        }
    }
}

/// Create the folder (0700) and the file (0600) if they do not exist. Returns whether the file
/// was created now.
pub(crate) fn ensure_private_file(path: &Path) -> Result<bool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        let mut b = DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(dir).map_err(|source| StoreError::Create {
            path: dir.display().to_string(),
            source,
        })?;
    }
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    match o.open(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(source) => Err(StoreError::Create {
            path: path.display().to_string(),
            source,
        }),
    }
}

pub(crate) fn with_path(e: StoreError, path: &Path) -> StoreError {
    let p = path.display().to_string();
    match e {
        StoreError::NotADatabase { .. } => StoreError::NotADatabase { path: p },
        StoreError::ReadOnly { .. } => StoreError::ReadOnly { path: p },
        StoreError::Sqlite(ref inner)
            if inner.sqlite_error_code() == Some(ErrorCode::DatabaseCorrupt) =>
        {
            StoreError::Damaged {
                path: p,
                detail: "database disk image is malformed".into(),
            }
        }
        StoreError::Sqlite(ref inner)
            if inner.sqlite_error_code() == Some(ErrorCode::CannotOpen) =>
        {
            StoreError::Unusable {
                reason: safety::cannot_open_reason(path),
                path: p,
            }
        }
        other => other,
    }
}
