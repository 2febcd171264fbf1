//! Helpers shared by the end-to-end tests: a temp diary and the real binary with a fixed clock.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub mod app;
pub mod plan;
pub mod screen;

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

    /// Start ciclosporin `dose` (e.g. "75,75") at 08:00 and 20:00 from `start`, as Neoral.
    pub fn start_plan(&self, dose: &str, start: &str) {
        self.start_plan_at(dose, "08:00,20:00", start);
    }

    /// Start ciclosporin `dose` at `times` (e.g. "06:00,14:00,22:00") from `start`, as Neoral.
    pub fn start_plan_at(&self, dose: &str, times: &str, start: &str) {
        self.ok(&[
            "regimen",
            "start",
            "cyclosporine",
            "--dose",
            dose,
            "--times",
            times,
            "--start",
            start,
            "--formulation",
            "Neoral",
        ]);
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
        .env("ITP_DIARY_BACKUP", "wait")
        .env("ITP_DIARY_CONFIG", db.with_file_name("config.toml"))
        .env("TZ", "Asia/Shanghai")
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("ITP_DIARY_DB");
    c
}

pub fn every_kind(d: &Diary) {
    d.ok(&[
        "log",
        "platelets",
        "4.5",
        "--unit",
        "万/uL",
        "--lab",
        "协和医院",
        "--at",
        "2026-03-09 08:00",
    ]);
    d.ok(&[
        "log",
        "dose",
        "csa",
        "1.5",
        "--unit",
        "mL",
        "--mg-per-ml",
        "100",
        "--formulation",
        "新山地明",
        "--scheduled",
        "2026-03-10 08:00",
        "--at",
        "08:05",
    ]);
    d.ok(&[
        "log",
        "lab",
        "csa-trough",
        "100",
        "--unit",
        "nmol/L",
        "--last-dose",
        "yesterday 20:00",
        "--lab",
        "L",
        "--method",
        "LC-MS/MS",
        "--ref",
        "80-160",
        "--at",
        "07:45",
    ]);
    d.ok(&[
        "log",
        "lab",
        "creatinine",
        "1.2",
        "--unit",
        "mg/dL",
        "--at",
        "07:46",
    ]);
    d.ok(&[
        "log",
        "lab",
        "creatinine",
        "90",
        "--unit",
        "umol/L",
        "--at",
        "07:47",
    ]);
    d.ok(&["log", "weight", "138", "--unit", "lb", "--at", "07:00"]);
    d.ok(&["log", "bp", "128/82", "--pulse", "70", "--at", "07:10"]);
    d.ok(&[
        "log",
        "bleeding",
        "--site",
        "nose",
        "--minutes",
        "0",
        "--count",
        "1",
        "--size-cm",
        "0",
        "--care",
        "--at",
        "07:20",
    ]);
    d.ok(&[
        "log",
        "side-effect",
        "tremor",
        "--severity",
        "2",
        "--at",
        "07:30",
    ]);
    d.ok(&[
        "log",
        "event",
        "medication-start",
        "--medication",
        "氟康唑",
        "--note",
        "a, \"b\"\nc",
        "--at",
        "07:40",
    ]);
}

pub fn integrity(path: &std::path::Path) -> String {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

pub fn notes(path: &std::path::Path) -> std::collections::HashSet<String> {
    let c = rusqlite::Connection::open(path).unwrap();
    let mut s = c
        .prepare("SELECT note FROM entries WHERE note IS NOT NULL")
        .unwrap();
    s.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}
