//! The real binary in a pseudo-terminal on a new diary: the first-run setup is shown before
//! Today, `Esc` skips it, and the next start goes straight to Today.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Diary, NOW};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

fn wait_for(buf: &Arc<Mutex<Vec<u8>>>, needle: &str, timeout: Duration) -> bool {
    let t0 = Instant::now();
    while t0.elapsed() < timeout {
        if String::from_utf8_lossy(&buf.lock().unwrap()).contains(needle) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Start the screen, send `keys` once `first` shows, quit with `q`; everything printed.
fn session(d: &Diary, first: &str, keys: &[&str], after: Option<&str>) -> String {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(assert_cmd::cargo::cargo_bin("itp-diary"));
    cmd.arg("--db");
    cmd.arg(&d.db);
    cmd.env("ITP_DIARY_NOW", NOW);
    cmd.env("ITP_DIARY_CONFIG", d.db.with_file_name("config.toml"));
    cmd.env("LANG", "en_US.UTF-8");
    cmd.env("TERM", "xterm-256color");
    cmd.env("TZ", "Asia/Shanghai");
    let mut child = pty.slave.spawn_command(cmd).expect("spawn");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("reader");
    let mut writer = pty.master.take_writer().expect("writer");
    let out = Arc::new(Mutex::new(Vec::new()));
    let sink = out.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = reader.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    assert!(wait_for(&out, first, Duration::from_secs(10)), "{first}");
    for k in keys {
        writer.write_all(k.as_bytes()).unwrap();
        writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(300));
    }
    if let Some(a) = after {
        assert!(wait_for(&out, a, Duration::from_secs(10)), "{a}");
    }
    writer.write_all(b"q").unwrap();
    writer.flush().unwrap();
    let t0 = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(t0.elapsed() < Duration::from_secs(10), "did not quit");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
    String::from_utf8_lossy(&out.lock().unwrap()).to_string()
}

#[test]
fn new_diary_shows_setup_once_and_esc_skips_it() {
    let d = Diary::new();
    session(&d, "Welcome", &["\x1b"], Some("Setup skipped"));
    let second = session(&d, "Today", &[], None);
    assert!(!second.contains("Welcome"), "setup shown again");
}
