//! The real binary in a pseudo-terminal: open the diary, log a platelet count with the keys,
//! quit; the entry is in the database and the terminal was restored (alternate screen left,
//! cursor shown, mouse reporting off).

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

#[test]
fn log_a_platelet_count_through_the_keys() {
    let d = Diary::new();
    d.ok(&["log", "weight", "60"]); // create the diary
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
    assert!(
        wait_for(&out, "Today", Duration::from_secs(10)),
        "first frame"
    );
    for keys in ["p", "45", "\r"] {
        writer.write_all(keys.as_bytes()).unwrap();
        writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        wait_for(&out, "Saved #2", Duration::from_secs(10)),
        "saved message"
    );
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
    std::thread::sleep(Duration::from_millis(200));
    let text = String::from_utf8_lossy(&out.lock().unwrap()).to_string();
    let tail = &text[text.rfind("Saved #2").unwrap_or(0)..];
    assert!(tail.contains("\x1b[?1049l"), "left the alternate screen");
    assert!(tail.contains("\x1b[?25h"), "cursor shown again");
    assert!(
        tail.contains("\x1b[?1000l") || tail.contains("\x1b[?1006l"),
        "mouse reporting off"
    );
    let list = d.json(&["list", "platelets", "--format", "json"]);
    assert_eq!(list[0]["value"], 45.0);
}

#[test]
fn without_a_terminal_the_diary_screen_is_not_started() {
    let d = Diary::new();
    let out = d.cmd().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a terminal"));
    // demo without a terminal only creates the diary and prints its path; without --db it
    // never touches the real diary ($ITP_DIARY_DB here)
    let out = assert_cmd::Command::cargo_bin("itp-diary")
        .unwrap()
        .env("ITP_DIARY_DB", &d.db)
        .env("ITP_DIARY_NOW", NOW)
        .env("LANG", "C")
        .args(["demo", "--years", "1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("itp-diary-demo.sqlite"), "{text}");
    assert!(!d.db.exists(), "the real diary is untouched");
    assert!(d.db.with_file_name("itp-diary-demo.sqlite").exists());
    // --db names the diary to fill; a diary with entries is refused
    d.ok(&["log", "weight", "60"]);
    let out = d.cmd().args(["demo"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds entries"));
}
