//! The only code that talks to SQLite. Operations are in domain terms.
//!
//! Pragmas: WAL (readers never block the writer; a crash leaves the last committed state),
//! `foreign_keys=ON`, a 10 s busy timeout with every write in a `BEGIN IMMEDIATE` transaction
//! (two processes writing at once both succeed: the second waits instead of failing on a lock
//! upgrade), and `synchronous=FULL`: each confirmed entry is on disk before the command says so,
//! at a cost of one fsync per entry, which a diary written a few times a day never notices.

mod announcements;
mod entries;
mod merge;
mod migrations;
mod regimens;

use std::fs::{DirBuilder, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

pub use entries::{EntryFilter, Order};
pub use merge::{Merge, MergeReport};
pub use migrations::{LATEST_VERSION, MIGRATIONS};
pub use regimens::{NewRegimen, NewStep};

/// What went wrong with the diary file, in words a patient can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no entry with id {0}")]
    NotFound(i64),
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
    #[error("migration failed: {0}; the diary was left as it was (a backup is beside it)")]
    Migration(String),
}

/// Busy timeout, seconds.
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
}

impl Store {
    /// Open (or create) the diary at `path`: the folder is created with mode 0700 and the file
    /// with mode 0600; an older schema is backed up beside the file, then migrated.
    pub fn open(path: &Path) -> Result<Store> {
        let created = ensure_private_file(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| with_path(e.into(), path))?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.configure().map_err(|e| with_path(e, path))?;
        store.migrate(created).map_err(|e| with_path(e, path))?;
        Ok(store)
    }

    /// A throwaway diary in memory (tests).
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            path: None,
        };
        store.configure()?;
        store.migrate(true)?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn configure(&self) -> Result<()> {
        let c = &self.conn;
        c.busy_timeout(Duration::from_secs(BUSY_TIMEOUT_SECS))?;
        // Reading the schema first turns "file is not a database" into a clean error before
        // any pragma could write to the file.
        c.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
        // Refuse a newer or foreign database before any pragma changes its header.
        self.precheck()?;
        if self.path.is_some() {
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
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// A consistent copy of the open diary, made with SQLite's backup API (safe while other
    /// processes write). The copy is created with mode 0600.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        ensure_private_file(dest)?;
        let mut dst = Connection::open(dest)?;
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut dst)?;
        backup.run_to_completion(256, Duration::from_millis(5), None)?;
        Ok(())
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

/// Create the folder (0700) and the file (0600) if they do not exist. Returns whether the file
/// was created now.
fn ensure_private_file(path: &Path) -> Result<bool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|source| StoreError::Create {
                path: dir.display().to_string(),
                source,
            })?;
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(source) => Err(StoreError::Create {
            path: path.display().to_string(),
            source,
        }),
    }
}

fn with_path(e: StoreError, path: &Path) -> StoreError {
    let p = path.display().to_string();
    match e {
        StoreError::NotADatabase { .. } => StoreError::NotADatabase { path: p },
        StoreError::ReadOnly { .. } => StoreError::ReadOnly { path: p },
        StoreError::Sqlite(ref inner)
            if inner.sqlite_error_code() == Some(ErrorCode::CannotOpen) =>
        {
            StoreError::ReadOnly { path: p }
        }
        other => other,
    }
}
