//! Opening a diary safely: look at an existing file read-only before anything can change it,
//! open read-only when the file or its folder cannot be written, mark diaries with
//! `PRAGMA application_id`, count commits, and notice a diary that lost its newest changes.
//!
//! The "seal" is a small file beside the diary (`<diary>-seal`, two numbers: the commit count
//! and the highest entry id ever given) rewritten after each write. It is read only to compare:
//! a diary whose own commit count is lower than the seal's lost changes that had been confirmed
//! (a damaged write-ahead log: SQLite stops replaying at the first bad frame and says nothing),
//! or was replaced by an older copy behind the program's back. Either way ids are never given
//! twice: the id counter is raised to the seal's highest id.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction};

use super::{LATEST_VERSION, Result, Store, StoreError};

/// What opening a diary found and could live with (said to the user).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The diary holds `lost` fewer commits than were confirmed (its write-ahead log was
    /// damaged, or it was replaced by an older copy): ids up to `max_id` were given; the diary
    /// now ends at `now_max`. New entries get ids above `max_id`.
    LostChanges {
        lost: i64,
        max_id: i64,
        now_max: i64,
    },
}

/// `PRAGMA application_id` of every itp-diary diary: "ITPD".
pub const APPLICATION_ID: i64 = 0x4954_5044;

/// Tables every itp-diary diary since version 1 has (how a diary written before the
/// application id was set is told apart from another program's database).
const OUR_TABLES: [&str; 7] = [
    "entries",
    "entry_revisions",
    "regimens",
    "regimen_steps",
    "profile",
    "visit_questions",
    "meta",
];

fn unusable(path: &Path, reason: impl Into<String>) -> StoreError {
    StoreError::Unusable {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

/// Why SQLite could not open `path`, in words: a dangling link, a missing folder, a folder.
pub(super) fn cannot_open_reason(path: &Path) -> String {
    if let Ok(target) = std::fs::read_link(path)
        && std::fs::metadata(path).is_err()
    {
        return format!(
            "it is a symbolic link to {}, which does not exist — create that file's folder or give the real path with --db",
            target.display()
        );
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        return format!(
            "the folder {} does not exist — create it or give another path",
            dir.display()
        );
    }
    if path.is_dir() {
        return "it is a folder, not a diary file — give the path of a file".into();
    }
    "the file cannot be opened (check that it and its folder exist and can be read)".into()
}

/// Whether the file can be opened for writing (permissions, read-only mounts, immutable).
fn file_writable(path: &Path) -> bool {
    std::fs::OpenOptions::new().write(true).open(path).is_ok()
}

/// Whether a file can be created in the folder (SQLite needs its -wal and -shm there).
fn dir_writable(path: &Path) -> bool {
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    tempfile::Builder::new()
        .prefix(".itp-diary-probe")
        .tempfile_in(dir)
        .is_ok()
}

/// A `file:` URI for `path` (bytes outside the unreserved set percent-encoded).
fn uri(path: &Path, query: &str) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::from("file:");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push('?');
    out.push_str(query);
    out
}

/// Open `path` for reading only. When the folder cannot be written (read-only media), SQLite
/// cannot make its shared-memory file: the file is then opened as immutable (nobody else can
/// write to it there either).
pub(crate) fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if dir_writable(path) {
        Connection::open_with_flags(path, flags)
    } else {
        Connection::open_with_flags(uri(path, "immutable=1"), flags | OpenFlags::SQLITE_OPEN_URI)
    }
}

/// The connection the store works on.
pub(super) fn connect(path: &Path, read_only: bool) -> Result<Connection> {
    if read_only {
        return Ok(open_read_only(path)?);
    }
    Ok(Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

/// Look at the file at `path` before opening it for writing. Returns whether it must be opened
/// read-only. Refuses, untouched: a dangling link, a device, pipe or folder, a file that is not
/// SQLite, a damaged one, a newer diary, and another program's database.
pub(super) fn inspect(path: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(unusable(path, e.to_string())),
        Ok(m) if m.file_type().is_symlink() && std::fs::metadata(path).is_err() => {
            return Err(unusable(path, cannot_open_reason(path)));
        }
        Ok(_) => {}
    }
    let meta = std::fs::metadata(path).map_err(|e| unusable(path, e.to_string()))?;
    if !meta.is_file() {
        return Err(unusable(
            path,
            "it is not a regular file (a folder, device or pipe) — give the path of a diary file",
        ));
    }
    let read_only = !file_writable(path) || !dir_writable(path);
    if meta.len() == 0 {
        return Ok(read_only);
    }
    if header_says_ours(path) {
        return Ok(read_only);
    }
    let look = || -> Result<i64> {
        let c = open_read_only(path).map_err(|_| StoreError::NotADatabase {
            path: path.display().to_string(),
        })?;
        check_contents(&c, path)
    };
    match look() {
        Ok(_) => Ok(read_only),
        Err(
            e @ (StoreError::NotADatabase { .. }
            | StoreError::Damaged { .. }
            | StoreError::TooNew { .. }),
        ) => Err(e),
        // A write was interrupted (a hot rollback journal beside the file): a reader cannot
        // look before it is rolled back. Roll it back (what any SQLite program does first),
        // then look again.
        Err(_) if !read_only && journal_of(path).exists() => {
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?.query_row(
                "SELECT count(*) FROM sqlite_master",
                [],
                |_| Ok(()),
            )?;
            look().map(|_| read_only)
        }
        Err(e) => Err(e),
    }
}

/// The file's header (first 100 bytes) names an itp-diary diary of a version this program
/// knows: the fast path of [`inspect`] (no connection needed). Anything else — another
/// program's file, an older diary, a header not yet written back from the WAL — is looked at
/// through a read-only connection.
fn header_says_ours(path: &Path) -> bool {
    use std::io::Read;
    let mut h = [0u8; 100];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut h));
    if read.is_err() || &h[..16] != b"SQLite format 3\0" {
        return false;
    }
    let be = |at: usize| i64::from(i32::from_be_bytes([h[at], h[at + 1], h[at + 2], h[at + 3]]));
    let (version, app) = (be(60), be(68));
    app == APPLICATION_ID && (1..=LATEST_VERSION).contains(&version)
}

/// Refuse a connection's database unless it is a readable diary of a known version.
pub(crate) fn check_contents(c: &Connection, path: &Path) -> Result<i64> {
    let p = || path.display().to_string();
    let names: Vec<String> = match c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
    {
        Ok(n) => n,
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseCorrupt) => {
            return Err(StoreError::Damaged {
                path: p(),
                detail: "database disk image is malformed".into(),
            });
        }
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
            return Err(StoreError::NotADatabase { path: p() });
        }
        Err(e) => return Err(e.into()),
    };
    let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let app: i64 = c.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if version > LATEST_VERSION {
        return Err(StoreError::TooNew {
            path: p(),
            found: version,
            supported: LATEST_VERSION,
        });
    }
    let ours = OUR_TABLES.iter().all(|t| names.iter().any(|n| n == t));
    let older_diary = (1..LATEST_VERSION).contains(&version) && ours;
    if !names.is_empty() && app != APPLICATION_ID && !older_diary {
        return Err(StoreError::NotADatabase { path: p() });
    }
    Ok(version)
}

/// Count one more commit in `meta` (inside the write's transaction).
pub(super) fn count_commit(tx: &Transaction) -> Result<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('commits', '1')
         ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        [],
    )?;
    Ok(())
}

fn journal_of(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push("-journal");
    db.with_file_name(name)
}

fn seal_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push("-seal");
    db.with_file_name(name)
}

impl Store {
    /// (commits, highest entry id ever given) as the diary itself records them.
    fn counters(&self) -> Result<(i64, i64)> {
        let commits: i64 = self
            .conn
            .query_row(
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'commits'",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        let max_id: i64 = self
            .conn
            .query_row(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'entries'), 0),
                            coalesce((SELECT max(id) FROM entries), 0))",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        Ok((commits, max_id))
    }

    /// Rewrite the seal beside the diary (best effort: a missing or torn seal only means
    /// nothing can be compared next time).
    pub(crate) fn write_seal(&self) {
        let Some(p) = &self.path else { return };
        if let Ok((commits, max_id)) = self.counters() {
            let text = format!("{commits} {max_id}\n");
            let seal = seal_path(p);
            if std::fs::read_to_string(&seal).is_ok_and(|t| t == text) {
                return;
            }
            let _ = crate::store::atomic::replace_quick(&seal, text.as_bytes());
        }
    }

    /// Compare the diary with its seal: fewer commits than were confirmed means lost changes.
    /// The id counter is raised so no id is given twice, and a notice says what happened.
    pub(super) fn check_seal(&mut self) -> Result<()> {
        let Some(p) = self.path.clone() else {
            return Ok(());
        };
        let Some((commits, max_id)) = std::fs::read_to_string(seal_path(&p)).ok().and_then(|t| {
            let mut it = t.split_whitespace().map(|x| x.parse::<i64>().ok());
            Some((it.next()??, it.next()??))
        }) else {
            self.write_seal();
            return Ok(());
        };
        let (now_commits, now_max) = self.counters()?;
        if commits > now_commits {
            self.notices.push(Notice::LostChanges {
                lost: commits - now_commits,
                max_id,
                now_max,
            });
            self.raise_id_counter(max_id)?;
        }
        self.write_seal();
        Ok(())
    }

    /// Make sure the next entry id is above `max_id` (AUTOINCREMENT's counter).
    pub(crate) fn raise_id_counter(&mut self, max_id: i64) -> Result<()> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'entries'",
            [max_id],
        )?;
        if n == 0 {
            tx.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('entries', ?1)",
                [max_id],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// `PRAGMA quick_check`: `None` when sound, else SQLite's first complaint.
    pub fn quick_check(&self) -> Result<Option<String>> {
        quick_check_on(&self.conn)
    }
}

/// `PRAGMA quick_check` of the diary at `path` on a connection of its own (so it can run in
/// another thread beside a copy): `None` when it passes.
pub fn quick_check_at(path: &Path) -> Result<Option<String>> {
    quick_check_on(&open_read_only(path)?)
}

fn quick_check_on(c: &Connection) -> Result<Option<String>> {
    let r: std::result::Result<String, _> = c.query_row("PRAGMA quick_check", [], |r| r.get(0));
    match r {
        Ok(s) if s == "ok" => Ok(None),
        Ok(s) => Ok(Some(s)),
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseCorrupt) => {
            Ok(Some("database disk image is malformed".into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// `PRAGMA quick_check` of a file, read-only: `None` when it is a sound diary.
pub fn quick_check_file(path: &Path) -> Option<String> {
    let c = match open_read_only(path) {
        Ok(c) => c,
        Err(e) => return Some(e.to_string()),
    };
    match c.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0)) {
        Ok(s) if s == "ok" => None,
        Ok(s) => Some(s),
        Err(e) => Some(e.to_string()),
    }
}
