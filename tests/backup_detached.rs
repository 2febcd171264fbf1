//! Issue 17: the daily automatic backup never delays the command the user typed. By default a
//! detached child process makes it (`backup-auto-child`); one job per diary at a time (a lock
//! file in the backups folder); what went wrong is said by the next commands until a backup
//! succeeds. `ITP_DIARY_BACKUP=wait` (the other tests) keeps it inside the command.
//!
//! No timed asserts: a detached result is waited for (polled, up to 30 s), then checked.

// Unix-only: file modes, and the damage helper of the safety tests.
#![cfg(unix)]

mod common;
mod safety_util;

use std::fs::File;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Diary, NOW};
use safety_util::{damage_table, stderr_of};

const TODAY: &str = "diary-auto-2026-03-10.sqlite";

/// The binary in its default mode: the backup detached.
fn detached(d: &Diary) -> assert_cmd::Command {
    let mut c = d.cmd();
    c.env_remove("ITP_DIARY_BACKUP");
    c
}

fn run(c: &mut assert_cmd::Command, args: &[&str]) -> std::process::Output {
    let out = c.args(args).output().expect("run");
    assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
    out
}

fn data(d: &Diary) -> PathBuf {
    d.db.parent().unwrap().to_path_buf()
}

fn backups(d: &Diary) -> PathBuf {
    data(d).join("backups")
}

/// Wait (at most 30 s) until `done` holds; whether it did.
fn eventually(done: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

/// Today's backup made, and no job running any more.
fn backup_done(d: &Diary) -> bool {
    backups(d).join(TODAY).is_file() && !backups(d).join("diary-auto.lock").exists()
}

fn status_file(d: &Diary) -> Option<PathBuf> {
    [
        backups(d).join("diary-auto-status.json"),
        data(d).join("diary-auto-status.json"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

fn platelets_in(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok", "{}", db.display());
    c.query_row(
        "SELECT count(*) FROM entries WHERE kind = 'platelets'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// The hidden job itself, run to its end (as a command starts it, but waited for).
fn child(d: &Diary) -> std::process::Output {
    let mut c = assert_cmd::Command::cargo_bin("itp-diary").unwrap();
    c.args(["backup-auto-child", "--db"])
        .arg(&d.db)
        .arg("--data-dir")
        .arg(data(d))
        .args(["--now", NOW])
        .output()
        .unwrap()
}

// (a) The command returns; the backup appears after it, complete, owner-only, checked.
#[test]
fn a_detached_backup_appears_complete_and_private() {
    let d = Diary::new();
    for n in ["45", "50", "55"] {
        // Yesterday's entries, yesterday's backup (made inside the command).
        run(
            d.cmd().env("ITP_DIARY_NOW", "2026-03-09T20:00:00+08:00"),
            &["log", "platelets", n, "--at", "2026-03-09 08:00"],
        );
    }
    let out = run(&mut detached(&d), &["log", "platelets", "60"]);
    assert!(stderr_of(&out).is_empty(), "{}", stderr_of(&out));
    assert!(eventually(|| backup_done(&d)), "no backup in 30 s");
    let copy = backups(&d).join(TODAY);
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(platelets_in(&copy), 4);
    // Nothing else left behind: no lock, no temporary file, no status.
    let mut names = safety_util::files_in(&backups(&d));
    names.sort();
    assert_eq!(names, ["diary-auto-2026-03-09.sqlite", TODAY]);
    assert_eq!(status_file(&d), None);
    // A later command of the day starts nothing and says nothing.
    let out = run(&mut detached(&d), &["list"]);
    assert!(stderr_of(&out).is_empty(), "{}", stderr_of(&out));
}

// (b) A failed detached backup is said by the next command (English and Chinese), with when it
//     happened, until a backup succeeds.
#[test]
fn a_failed_detached_backup_is_reported_until_one_succeeds() {
    let d = Diary::new();
    run(
        d.cmd().env("ITP_DIARY_NOW", "2026-03-09T20:00:00+08:00"),
        &["log", "platelets", "45"],
    );
    // The backups folder cannot be made: a file has its name.
    std::fs::remove_dir_all(backups(&d)).unwrap();
    std::fs::write(backups(&d), b"not a folder").unwrap();
    // Any value but `wait` is the default.
    run(
        d.cmd().env("ITP_DIARY_BACKUP", "later"),
        &["log", "platelets", "50"],
    );
    assert!(
        eventually(|| status_file(&d).is_some()),
        "no status in 30 s"
    );
    let status = status_file(&d).unwrap();
    let mode = std::fs::metadata(&status).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let err = stderr_of(&run(&mut d.cmd(), &["list"]));
    assert!(
        err.contains(
            "warning: the automatic backup started after an earlier command (2026-03-10 14:30) \
             did not succeed: everything you entered is saved; only the daily automatic backup \
             failed ("
        ),
        "{err}"
    );
    let err = stderr_of(&run(&mut d.cmd(), &["--lang", "zh", "status"]));
    assert!(
        err.contains("此前某条命令结束后启动的自动备份（2026-03-10 14:30）未成功"),
        "{err}"
    );
    // The folder is back: the next backup succeeds, and the warning stops.
    std::fs::remove_file(backups(&d)).unwrap();
    let err = stderr_of(&run(&mut detached(&d), &["list"]));
    assert!(
        err.contains("earlier command"),
        "said before its own work: {err}"
    );
    assert!(eventually(|| backup_done(&d) && status_file(&d).is_none()));
    let err = stderr_of(&run(&mut detached(&d), &["list"]));
    assert!(err.is_empty(), "{err}");
}

// (b) A damaged diary found by a detached backup is said by the next command, naming the
//     newest good backup; the good backups are kept.
#[test]
fn a_damaged_diary_found_by_a_detached_backup_is_reported() {
    let d = Diary::new();
    run(
        d.cmd().env("ITP_DIARY_NOW", "2026-03-09T20:00:00+08:00"),
        &["note", "--for-visit", "can we taper?"],
    );
    damage_table(&d.db, "visit_questions");
    run(&mut detached(&d), &["log", "platelets", "45"]);
    assert!(
        eventually(|| status_file(&d).is_some()),
        "no status in 30 s"
    );
    // Wait mode: this command's own backup finds the damage too, and says it directly.
    let err = stderr_of(&run(&mut d.cmd(), &["list"]));
    let recorded = err
        .split("warning: ")
        .find(|l| l.contains("started after an earlier command (2026-03-10 14:30)"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(recorded.contains("failed its check"), "{err}");
    assert!(
        recorded.contains("newest good backup is")
            && recorded.contains("diary-auto-2026-03-09.sqlite"),
        "{err}"
    );
    assert_eq!(
        safety_util::files_in(&backups(&d)),
        ["diary-auto-2026-03-09.sqlite", "diary-auto-status.json"]
    );
}

/// A lock file in the backups folder, held (locked) by this test as a running job would.
fn held_lock(d: &Diary) -> File {
    std::fs::create_dir_all(backups(d)).unwrap();
    let f = File::create(backups(d).join("diary-auto.lock")).unwrap();
    f.lock().unwrap();
    f
}

// (c) One job at a time: a running job's lock makes a second one leave; a command does not wait
//     for it.
#[test]
fn a_held_lock_starts_no_second_backup() {
    let d = Diary::new();
    run(
        d.cmd().env("ITP_DIARY_NOW", "2026-03-09T20:00:00+08:00"),
        &["log", "platelets", "45"],
    );
    let lock = held_lock(&d);
    let out = child(&d);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    assert!(!backups(&d).join(TODAY).exists());
    assert!(backups(&d).join("diary-auto.lock").is_file(), "kept");
    assert_eq!(status_file(&d), None, "busy is not a failure");
    // The command returns while the lock is held (it would wait for it in wait mode).
    run(&mut detached(&d), &["log", "platelets", "50"]);
    assert!(!backups(&d).join(TODAY).exists());
    drop(lock);
    // The job has finished: the next command's job makes the copy.
    run(&mut detached(&d), &["list"]);
    assert!(eventually(|| backup_done(&d)));
    assert_eq!(platelets_in(&backups(&d).join(TODAY)), 2);
}

// (c) A stale lock is replaced: one nobody holds (its job was killed), and one held for longer
//     than a job can take (a hung job).
#[test]
fn a_stale_lock_is_replaced() {
    for hung in [false, true] {
        let d = Diary::new();
        run(&mut d.cmd(), &["log", "platelets", "45"]);
        std::fs::remove_file(backups(&d).join(TODAY)).unwrap();
        let lock = held_lock(&d);
        if hung {
            let old = std::time::SystemTime::now() - Duration::from_secs(11 * 60);
            lock.set_modified(old).unwrap();
        } else {
            lock.unlock().unwrap();
        }
        let out = child(&d);
        assert!(out.status.success(), "{}", stderr_of(&out));
        assert!(backup_done(&d), "hung: {hung}");
        assert_eq!(platelets_in(&backups(&d).join(TODAY)), 1);
        assert_eq!(status_file(&d), None);
        drop(lock);
    }
}

// (d) Wait mode: the command makes the backup itself, and waits for a running job.
#[test]
fn wait_mode_makes_the_backup_before_exit() {
    let d = Diary::new();
    run(&mut d.cmd(), &["log", "platelets", "45"]);
    assert!(backup_done(&d));
    assert_eq!(platelets_in(&backups(&d).join(TODAY)), 1);
}

// A recorded status is a file on disk: what it says is shown, never acted on by the terminal.
#[test]
fn a_recorded_status_is_made_visible() {
    let d = Diary::new();
    run(&mut d.cmd(), &["log", "platelets", "45"]);
    std::fs::write(
        backups(&d).join("diary-auto-status.json"),
        r#"{"recorded_at":"2026-03-09T21:05:00+08:00","kind":"failed","reason":"disk \u001b]52;c;aGk=\u0007full"}"#,
    )
    .unwrap();
    let err = stderr_of(&run(&mut d.cmd(), &["list"]));
    assert!(
        err.contains("earlier command (2026-03-09 21:05)") && err.contains("disk ␛]52;c;aGk=␇full"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

// A command run by a timer (`remind --notify`, what `notify install` schedules) makes the
// backup before it exits: nobody waits for it, and systemd stops what a oneshot unit leaves
// running.
#[test]
fn the_timer_s_remind_makes_the_backup_before_exit() {
    let d = Diary::new();
    run(
        d.cmd().env("ITP_DIARY_NOW", "2026-03-09T20:00:00+08:00"),
        &["log", "platelets", "45"],
    );
    run(
        detached(&d).env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/itp-diary-test-bus",
        ),
        &["remind", "--notify"],
    );
    assert!(backup_done(&d));
    assert_eq!(platelets_in(&backups(&d).join(TODAY)), 1);
}
