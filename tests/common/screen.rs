//! The real binary on a diary in a pseudo-terminal: start it, wait for text, send keys, quit.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use super::{Diary, NOW};

pub struct Screen {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    out: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn MasterPty + Send>,
}

impl Screen {
    /// `itp-diary --db DIARY` at the fixed "now", 100×30, English.
    pub fn start(d: &Diary) -> Screen {
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
        cmd.env("ITP_DIARY_BACKUP", "wait");
        cmd.env("ITP_DIARY_CONFIG", d.db.with_file_name("config.toml"));
        cmd.env("LANG", "en_US.UTF-8");
        cmd.env("TERM", "xterm-256color");
        cmd.env("TZ", "Asia/Shanghai");
        let child = pty.slave.spawn_command(cmd).expect("spawn");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
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
        Screen {
            child,
            writer,
            out,
            _master: pty.master,
        }
    }

    /// Everything printed from byte `mark` on.
    pub fn since(&self, mark: usize) -> String {
        String::from_utf8_lossy(&self.out.lock().unwrap()[mark..]).to_string()
    }

    /// Bytes printed so far (a mark for [`Screen::since`]).
    pub fn mark(&self) -> usize {
        self.out.lock().unwrap().len()
    }

    /// Whether `needle` is printed (after `mark`) within 10 s.
    pub fn wait_for_since(&self, mark: usize, needle: &str) -> bool {
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(10) {
            if self.since(mark).contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    pub fn wait_for(&self, needle: &str) -> bool {
        self.wait_for_since(0, needle)
    }

    /// Type `bytes` and give the screen time to draw.
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(300));
    }

    /// Wait up to 10 s for the program to end (it is killed after that); its success.
    pub fn exit_success(mut self) -> bool {
        self.wait_exit()
    }

    /// The program's process id.
    #[allow(dead_code)]
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("a pid")
    }

    /// [`Screen::exit_success`] keeping the screen, to read what it printed last.
    pub fn wait_exit(&mut self) -> bool {
        let t0 = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.success();
            }
            if t0.elapsed() > Duration::from_secs(10) {
                let _ = self.child.kill();
                panic!("did not quit");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
