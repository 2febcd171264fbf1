//! The one way the diary writes a file: into a temporary file beside the destination
//! (owner-only), flushed to disk, then renamed over the destination. A failure or an early
//! return removes the temporary file; a killed process leaves a temporary named after this
//! process, swept by the next start ([`sweep_stale`]). Plus the rules for which destinations an
//! export may replace ([`check_target`]).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The marker in every temporary file's name: `.NAME.itp-tmp-PID-XXXXXX`.
pub const TMP_MARK: &str = ".itp-tmp-";

fn parent_of(dest: &Path) -> PathBuf {
    match dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    }
}

/// A temporary file for `dest`, in its folder, readable by its owner only.
fn temp_for(dest: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = parent_of(dest);
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("the folder {} does not exist", dir.display()),
        ));
    }
    let name = dest.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!(".{name}{TMP_MARK}{}-", std::process::id());
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o600));
    }
    b.tempfile_in(dir)
}

/// Write `dest` atomically with what `f` writes: all of it or, on any error, nothing (the
/// destination keeps its old content and no temporary file is left).
pub fn write_with<T, E: From<io::Error>>(
    dest: &Path,
    f: impl FnOnce(&mut BufWriter<&File>) -> Result<T, E>,
) -> Result<T, E> {
    let tmp = temp_for(dest)?;
    let out = {
        let mut w = BufWriter::new(tmp.as_file());
        let out = f(&mut w)?;
        w.flush()?;
        out
    };
    tmp.as_file().sync_all()?;
    tmp.persist(dest).map_err(|e| e.error)?;
    Ok(out)
}

/// [`write_with`] for plain I/O.
pub fn write_file(dest: &Path, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    write_with(dest, |w| f(w))
}

/// Replace `dest` with `bytes` atomically but without waiting for the disk (for bookkeeping
/// whose loss in a power cut is harmless: the seal). Never leaves a temporary file on error.
pub fn replace_quick(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = temp_for(dest)?;
    tmp.write_all(bytes)?;
    tmp.persist(dest).map_err(|e| e.error)?;
    Ok(())
}

/// A temporary path beside `dest` for a writer that needs a path (SQLite's backup), named
/// like the others so a killed process's leftover is swept. The file is removed on drop.
pub fn temp_path_for(dest: &Path) -> io::Result<tempfile::TempPath> {
    Ok(temp_for(dest)?.into_temp_path())
}

/// Why a destination may not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It exists and `--force` was not given.
    Exists,
    /// A device, pipe, socket or folder.
    NotRegular,
    /// The diary itself, its -wal, -shm or seal.
    Diary,
    /// An SQLite database (a diary or a backup of one).
    Database,
}

/// The path with its folder resolved (the file itself need not exist).
fn resolved(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let dir = parent_of(p).canonicalize().unwrap_or_else(|_| parent_of(p));
    dir.join(p.file_name().unwrap_or_default())
}

/// Whether the file starts with SQLite's header.
fn is_sqlite(p: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    File::open(p)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|_| &head == b"SQLite format 3\0")
}

/// May an export write `dest`? Never over the open diary (or its -wal, -shm, seal), never
/// into a device, pipe or folder, never over an SQLite database (a backup); over any other
/// existing file only with `force`.
pub fn check_target(dest: &Path, diary: &Path, force: bool) -> Result<(), Refusal> {
    let d = resolved(dest);
    let db = resolved(diary);
    let name = db
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    for suffix in ["", "-wal", "-shm", "-journal", "-seal"] {
        if d == db.with_file_name(format!("{name}{suffix}")) {
            return Err(Refusal::Diary);
        }
    }
    match std::fs::metadata(dest) {
        Err(_) => Ok(()),
        Ok(m) if !m.is_file() => Err(Refusal::NotRegular),
        Ok(_) if is_sqlite(dest) => Err(Refusal::Database),
        Ok(_) if !force => Err(Refusal::Exists),
        Ok(_) => Ok(()),
    }
}

/// Remove temporary files left in `dir` by processes that are gone (killed, or a full disk
/// before cleanup): `.NAME.itp-tmp-PID-…` and `NAME.partial-PID`/`NAME.tmp-PID` of earlier
/// versions. Returns how many were removed. A process still running keeps its files.
pub fn sweep_stale(dir: &Path) -> usize {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(pid) = temp_pid(&name) else { continue };
        if pid == std::process::id() || alive(pid, &e.path()) {
            continue;
        }
        if e.file_type().is_ok_and(|t| t.is_file()) && std::fs::remove_file(e.path()).is_ok() {
            n += 1;
        }
    }
    n
}

/// The process id in a temporary file's name.
fn temp_pid(name: &str) -> Option<u32> {
    let digits = |s: &str| -> Option<u32> {
        let d: String = s.chars().take_while(char::is_ascii_digit).collect();
        d.parse().ok()
    };
    if let Some(k) = name.find(TMP_MARK) {
        return digits(&name[k + TMP_MARK.len()..]);
    }
    for mark in [".partial-", ".tmp-"] {
        if let Some(k) = name.rfind(mark) {
            let rest = &name[k + mark.len()..];
            // A diary being made keeps SQLite's files and its seal beside it.
            let rest = ["-wal", "-shm", "-journal", "-seal"]
                .iter()
                .find_map(|s| rest.strip_suffix(s))
                .unwrap_or(rest);
            if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()) {
                return digits(rest);
            }
        }
    }
    None
}

/// Whether process `pid` still runs. Where it cannot be told (no /proc), a file younger than a
/// day counts as in use.
fn alive(pid: u32, file: &Path) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    std::fs::metadata(file)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age < std::time::Duration::from_secs(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_carry_the_pid() {
        assert_eq!(temp_pid(".a.csv.itp-tmp-123-abcd"), Some(123));
        assert_eq!(temp_pid("x.tmp-77"), Some(77));
        assert_eq!(temp_pid("d.partial-9"), Some(9));
        assert_eq!(temp_pid("anna.sqlite.partial-12-wal"), Some(12));
        assert_eq!(temp_pid("anna.sqlite.partial-12-seal"), Some(12));
        assert_eq!(temp_pid("anna.sqlite.partial-x-wal"), None);
        assert_eq!(temp_pid("notes.tmp-old"), None);
        assert_eq!(temp_pid("itp-diary.sqlite"), None);
    }

    #[test]
    fn a_failed_write_leaves_nothing_and_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        std::fs::write(&p, "old").unwrap();
        let r: io::Result<()> = write_with(&p, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
