//! What differs between operating systems, in one place: creating owner-only files.
//!
//! Unix gets mode 0600. Elsewhere (Windows) a new file inherits the ACL of its folder, which in
//! the user's profile (where the data folder is) grants the user, SYSTEM and Administrators
//! only; there is no mode to set.
//!
//! How the non-unix branch is checked here: it lives in `mod other`, compiled under
//! `cfg(any(not(unix), test))`, so on Linux `cargo clippy --all-targets` and `cargo test`
//! compile, lint and run it too (test `other_branch_creates_a_writable_file`), while a release
//! build for unix leaves it out. A grep test (`tests/portability.rs`) checks that no
//! `std::os::unix` or `libc` use stands outside a `cfg(unix)` item anywhere in the tree.

use std::fs::OpenOptions;

/// Options that create a new file readable and writable by its owner only (0600 on unix).
pub fn private_file_options() -> OpenOptions {
    #[cfg(unix)]
    {
        unix::private_file_options()
    }
    #[cfg(not(unix))]
    {
        other::private_file_options()
    }
}

/// The permission bits of a file other users may write (group or others), e.g. `0o666`:
/// a settings file anyone can change changes the alerts' thresholds. `None` when only its
/// owner can (or elsewhere than unix, where the profile folder's ACL decides).
pub fn others_may_write(path: &std::path::Path) -> Option<u32> {
    #[cfg(unix)]
    {
        unix::others_may_write(path)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(unix)]
mod unix {
    use std::fs::OpenOptions;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

    pub fn private_file_options() -> OpenOptions {
        let mut o = OpenOptions::new();
        o.mode(0o600);
        o
    }

    pub fn others_may_write(path: &std::path::Path) -> Option<u32> {
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o022 != 0).then_some(mode)
    }
}

#[cfg(any(not(unix), test))]
mod other {
    use std::fs::OpenOptions;

    /// The folder's inherited ACL decides (owner-only in the user's profile).
    pub fn private_file_options() -> OpenOptions {
        OpenOptions::new()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    #[test]
    fn other_branch_creates_a_writable_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x");
        let mut f = super::other::private_file_options()
            .write(true)
            .create_new(true)
            .open(&p)
            .unwrap();
        f.write_all(b"ok").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"ok");
    }

    #[cfg(unix)]
    #[test]
    fn unix_branch_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x");
        super::private_file_options()
            .write(true)
            .create_new(true)
            .open(&p)
            .unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
