//! Issue 12 item 11, in a real pseudo-terminal: text pasted with bracketed paste into an open
//! form goes into the focused field only. "45⏎w" neither saves the form (the Enter) nor opens
//! the weight form (the `w`): the field reads "45w", nothing is written.

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

fn send(w: &mut Box<dyn Write + Send>, bytes: &[u8]) {
    w.write_all(bytes).unwrap();
    w.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
}

#[test]
fn a_bracketed_paste_goes_into_the_focused_field_only() {
    let d = Diary::new();
    d.ok(&["log", "weight", "60"]); // create the diary
    let before = d.content();
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
    assert!(
        wait_for(&out, "\x1b[?2004h", Duration::from_secs(10)),
        "bracketed paste switched on"
    );
    send(&mut writer, b"p");
    assert!(
        wait_for(&out, "Platelets", Duration::from_secs(10)),
        "the platelet form is open"
    );
    let mark = out.lock().unwrap().len();
    send(&mut writer, b"\x1b[200~45\rw\x1b[201~");
    let t0 = Instant::now();
    let after_paste = loop {
        let text = String::from_utf8_lossy(&out.lock().unwrap()[mark..]).to_string();
        if text.contains("45w") || t0.elapsed() > Duration::from_secs(10) {
            break text;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        after_paste.contains("45w"),
        "the pasted text is in the field: {after_paste:?}"
    );
    assert!(
        !after_paste.contains("Saved"),
        "the pasted Enter did not save"
    );
    assert!(
        !after_paste.contains("Weight"),
        "the pasted w did not open the weight form: {after_paste:?}"
    );
    // Leave: Esc asks to discard the typed form, y discards, q quits.
    send(&mut writer, b"\x1b");
    send(&mut writer, b"y");
    send(&mut writer, b"q");
    let t0 = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if t0.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("did not quit");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
    assert_eq!(d.content(), before, "nothing was saved");
}
