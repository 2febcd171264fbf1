//! Helpers shared by the end-to-end tests: a temp diary and the real binary with a fixed clock.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// "Now" for every end-to-end test (a Tuesday, in UTC+8 like many of the diary's users).
pub const NOW: &str = "2026-03-10T14:30:00+08:00";

pub struct Diary {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Diary {
    pub fn new() -> Diary {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("data").join("diary.sqlite");
        Diary { dir, db }
    }

    /// The binary on this diary, English, fixed clock.
    pub fn cmd(&self) -> Command {
        cmd_on(&self.db)
    }

    /// Run with arguments; panic unless it succeeds; return stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("run");
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// Every entry (deleted included) as JSON text: the diary's observable content.
    pub fn content(&self) -> String {
        if !self.db.exists() {
            return "<no file>".into();
        }
        self.ok(&["list", "--deleted", "--format", "json"])
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).expect("json")
    }
}

pub fn cmd_on(db: &Path) -> Command {
    let mut c = Command::cargo_bin("itp-diary").expect("binary");
    c.arg("--db")
        .arg(db)
        .env("ITP_DIARY_NOW", NOW)
        .env("ITP_DIARY_CONFIG", db.with_file_name("config.toml"))
        .env("TZ", "Asia/Shanghai")
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("ITP_DIARY_DB");
    c
}
