//! The daily flow from the command line: `status` without a plan names what sets one; a fresh
//! `demo` never replaces a demo diary that a screen has open. The real binary, a fixed clock.

mod common;

use common::{Diary, NOW};

#[test]
fn status_without_a_regimen_names_the_command_that_sets_one() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    let out = d.ok(&["status"]);
    assert!(out.contains("itp-diary regimen start"), "{out}");
}

/// `demo` without `--db`: the demo diary beside the diary named by ITP_DIARY_DB.
fn demo_cmd(d: &Diary) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("itp-diary").expect("binary");
    c.env("ITP_DIARY_DB", &d.db)
        .env("ITP_DIARY_NOW", NOW)
        .env("ITP_DIARY_BACKUP", "wait")
        .env("ITP_DIARY_CONFIG", d.db.with_file_name("config.toml"))
        .env("TZ", "Asia/Shanghai")
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .args(["demo", "--years", "1"]);
    c
}

#[test]
fn demo_never_replaces_a_demo_diary_a_screen_has_open() {
    let d = Diary::new();
    std::fs::create_dir_all(d.db.parent().unwrap()).unwrap();
    demo_cmd(&d).assert().success();
    let demo = d.db.with_file_name("itp-diary-demo.sqlite");
    assert!(demo.exists());
    // A note added to the demo shows whether it was replaced.
    common::cmd_on(&demo)
        .args(["log", "platelets", "77"])
        .assert()
        .success();
    let mine = |path: &std::path::Path| {
        let list = common::cmd_on(path)
            .args(["list", "platelets", "--format", "json"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&list.stdout).contains("\"value\": 77.0")
    };
    assert!(mine(&demo));
    let before = std::fs::read(&demo).unwrap();
    // A screen has it open (the mark the screen holds while it runs).
    let open = itp_diary::app::open_mark::hold(&demo).unwrap();
    let out = demo_cmd(&d).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "refused");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("open on a diary screen"), "{err}");
    assert_eq!(std::fs::read(&demo).unwrap(), before, "untouched");
    // Closed: a fresh demo replaces it again (the count of 77 is gone).
    drop(open);
    demo_cmd(&d).assert().success();
    assert!(!mine(&demo));
}
