//! Several programs using a new diary at the same moment (the screen opened while the reminder
//! timer runs, two terminals on a fresh install) all succeed: one creates and migrates it, the
//! others wait for it instead of failing with "migration failed: table entries already exists",
//! "not an itp-diary database" or "busy" (found by the bench, session 5).

mod common;

use common::{Diary, NOW};
use std::process::{Command, Stdio};

#[test]
fn six_programs_creating_one_diary_at_once_all_save() {
    for round in 0..6 {
        let d = Diary::new();
        let children: Vec<_> = (0..6)
            .map(|i| {
                Command::new(assert_cmd::cargo::cargo_bin("itp-diary"))
                    .arg("--db")
                    .arg(&d.db)
                    .args(["log", "platelets", &format!("{}", 100 + i)])
                    .env("ITP_DIARY_NOW", NOW)
                    .env("ITP_DIARY_BACKUP", "wait")
                    .env("ITP_DIARY_CONFIG", d.db.with_file_name("config.toml"))
                    .env("TZ", "Asia/Shanghai")
                    .env("LANG", "en_US.UTF-8")
                    .env_remove("ITP_DIARY_DB")
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().expect("wait");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "round {round}: {err}");
        }
        let all = d.json(&["list", "--format", "json"]);
        assert_eq!(all.as_array().map(Vec::len), Some(6), "round {round}");
    }
}
