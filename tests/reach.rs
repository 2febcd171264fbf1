//! End-to-end tests of issue 16: desktop notifications (against a private session bus with a
//! notification server written here with zbus), the timer install, `remind --exit-code`.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command as StdCommand, Stdio};
use std::sync::{Arc, Mutex};

use common::Diary;

/// A diary with two urgent alerts open at the fixed "now".
fn urgent_diary() -> Diary {
    let d = Diary::new();
    d.ok(&["log", "bp", "185/125"]);
    d.ok(&["log", "platelets", "8"]);
    d
}

#[test]
fn remind_without_a_notification_service_prints_the_items_and_exits_0() {
    let d = urgent_diary();
    let out = d
        .cmd()
        .args(["remind", "--notify"])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/itp-diary-test-bus",
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("No desktop notification service"),
        "{stderr}"
    );
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout.lines().all(|l| l.starts_with("[!!]")), "{stdout}");
}

#[test]
fn remind_exit_code_is_1_only_when_something_urgent_is_open() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "150"]);
    d.cmd().args(["remind", "--exit-code"]).assert().code(0);
    let d = urgent_diary();
    let out = d.cmd().args(["remind", "--exit-code"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("[!!]"));
    assert!(out.stderr.is_empty(), "{out:?}");
}

#[test]
fn quiet_hours_are_a_setting_with_a_clear_error() {
    let d = Diary::new();
    let cfg = d.db.with_file_name("config.toml");
    std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
    std::fs::write(&cfg, "[notify]\nquiet_hours = \"late\"\n").unwrap();
    let out = d.cmd().args(["remind"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("notify.quiet_hours") && err.contains("22:30-07:00"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn notify_install_shows_writes_and_uninstall_removes_only_its_files() {
    let d = Diary::new();
    let xdg = d.dir.path().join("xdg");
    let units = xdg.join("systemd").join("user");
    let run = |args: &[&str]| {
        let out = d
            .cmd()
            .args(args)
            .env("XDG_CONFIG_HOME", &xdg)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let shown = run(&["notify", "install", "--every", "30m"]);
    let timer = std::fs::read_to_string(units.join("itp-diary-remind.timer")).unwrap();
    let service = std::fs::read_to_string(units.join("itp-diary-remind.service")).unwrap();
    assert!(
        shown.contains(&timer) && shown.contains(&service),
        "shown before written"
    );
    assert!(timer.contains("Persistent=true") && timer.contains("OnCalendar=*-*-* *:00/30:00"));
    assert!(service.contains("\"remind\" \"--notify\""));
    assert!(service.contains(&d.db.display().to_string()));
    assert!(shown.contains("systemctl --user enable --now itp-diary-remind.timer"));
    assert!(shown.contains("*/30 * * * *"), "cron alternative: {shown}");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(units.join("itp-diary-remind.timer"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Bad interval: a clear refusal, nothing changed.
    let out = d
        .cmd()
        .args(["notify", "install", "--every", "15s"])
        .env("XDG_CONFIG_HOME", &xdg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'15s'"));
    // A unit of the user's own beside ours is left alone.
    std::fs::write(units.join("mine.timer"), "[Timer]\n").unwrap();
    let removed = run(&["notify", "uninstall"]);
    assert!(removed.contains("systemctl --user disable --now itp-diary-remind.timer"));
    assert!(!units.join("itp-diary-remind.timer").exists());
    assert!(!units.join("itp-diary-remind.service").exists());
    assert!(units.join("mine.timer").exists());
    assert!(run(&["notify", "uninstall"]).contains("Nothing to remove"));
}

// ---- a private session bus with a notification server ------------------------------------

type Seen = Arc<Mutex<Vec<(String, String, u8)>>>;

struct Server {
    seen: Seen,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        hints: HashMap<String, zbus::OwnedVariant>,
        _expire_timeout: i32,
    ) -> u32 {
        let urgency = hints
            .get("urgency")
            .and_then(|v| u8::try_from(v).ok())
            .unwrap_or(1);
        let mut seen = self.seen.lock().unwrap();
        seen.push((summary, body, urgency));
        seen.len() as u32
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        ("test".into(), "itp-diary".into(), "1".into(), "1.2".into())
    }

    fn close_notification(&self, _id: u32) {}
}

/// `dbus-daemon --session` on a private address; killed on drop.
struct Bus(Child);

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_bus() -> Option<(Bus, String)> {
    let mut child = StdCommand::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take()?)
        .read_line(&mut line)
        .ok()?;
    let addr = line.trim().to_string();
    (!addr.is_empty()).then_some((Bus(child), addr))
}

/// Serve `org.freedesktop.Notifications` on `addr` from a thread that stays in `block_on`
/// (zbus's runtime drives connections only there). Returns once the name is owned.
fn serve(addr: String, seen: Seen) {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        zbus::block_on(async move {
            let built = async {
                zbus::connection::Builder::address(addr.as_str())
                    .name("org.freedesktop.Notifications")
                    .serve_at("/org/freedesktop/Notifications", Server { seen })
                    .build()
                    .await
            }
            .await;
            match built {
                Ok(conn) => {
                    let _ = ready_tx.send(Ok(()));
                    std::future::pending::<()>().await;
                    drop(conn);
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                }
            }
        })
    });
    ready_rx
        .recv()
        .expect("server thread")
        .expect("notification server on the private bus");
}

#[test]
fn notifications_reach_a_session_bus_once_each_urgent_as_critical() {
    let Some((_bus, addr)) = start_bus() else {
        // Visible even with captured output: the harness captures only the print macros.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED notifications_reach_a_session_bus_once_each_urgent_as_critical: no dbus-daemon"
        );
        return;
    };
    let seen: Seen = Arc::default();
    serve(addr.clone(), seen.clone());
    let d = urgent_diary();
    let run = || {
        let out = d
            .cmd()
            .args(["remind", "--notify"])
            .env("DBUS_SESSION_BUS_ADDRESS", &addr)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let first = run();
    assert_eq!(
        first.lines().filter(|l| l.starts_with("Notified:")).count(),
        2,
        "{first}"
    );
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(
            seen.iter()
                .all(|(s, _, u)| s == "ITP diary: URGENT" && *u == 2),
            "{seen:?}"
        );
        assert!(
            seen.iter().any(|(_, b, _)| b.contains("185/125")),
            "{seen:?}"
        );
    }
    // Again: nothing new, nothing sent.
    assert_eq!(run(), "");
    assert_eq!(seen.lock().unwrap().len(), 2);
}

// ---- several patients ---------------------------------------------------------------------

/// The binary with its data and config folders inside `root` (no --db).
fn in_home(root: &std::path::Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("itp-diary").unwrap();
    c.env("XDG_DATA_HOME", root.join("data"))
        .env("XDG_CONFIG_HOME", root.join("config"))
        .env("HOME", root)
        .env("ITP_DIARY_NOW", common::NOW)
        .env("ITP_DIARY_BACKUP", "wait")
        .env("TZ", "Asia/Shanghai")
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("ITP_DIARY_DB")
        .env_remove("ITP_DIARY_CONFIG")
        .env_remove("ITP_DIARY_PATIENT");
    c
}

#[test]
fn each_patient_has_a_diary_settings_and_backups_of_their_own() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data").join("itp-diary");
    in_home(home.path())
        .args(["log", "weight", "60"])
        .assert()
        .success();
    in_home(home.path())
        .args(["--patient", "小明", "log", "platelets", "40"])
        .assert()
        .success();
    in_home(home.path())
        .env("ITP_DIARY_PATIENT", "anna")
        .args(["log", "platelets", "90", "--at", "2026-03-01 09:00"])
        .assert()
        .success();
    assert!(data.join("itp-diary.sqlite").exists());
    assert!(data.join("小明.sqlite").exists() && data.join("anna.sqlite").exists());
    assert!(
        data.join("anna").join("backups").is_dir(),
        "backups per patient"
    );
    assert!(
        data.join("backups").is_dir(),
        "the default diary's backups stay where they were"
    );
    // The default diary does not see a patient's entries.
    let list = in_home(home.path())
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&list.stdout).contains("platelets"));
    // Settings beside the patient's diary apply to that patient only.
    std::fs::write(
        data.join("anna.toml"),
        "[notify]\nquiet_hours = \"nonsense\"\n",
    )
    .unwrap();
    in_home(home.path())
        .args(["--patient", "anna", "status"])
        .assert()
        .code(2);
    in_home(home.path())
        .args(["--patient", "小明", "status"])
        .assert()
        .success();
    std::fs::remove_file(data.join("anna.toml")).unwrap();

    let out = in_home(home.path()).args(["patients"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        "(default diary)  latest: 2026-03-10  entries: 1\n\
         anna  latest: 2026-03-01  entries: 1\n\
         小明  latest: 2026-03-10  entries: 1\n"
    );
    let out = in_home(home.path())
        .args(["patients", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["patients"][1]["name"], "anna");
    assert_eq!(v["patients"][1]["latest"], "2026-03-01T09:00:00+08:00");
    assert_eq!(v["patients"][0]["name"], serde_json::Value::Null);
}

#[test]
fn patient_names_that_are_paths_are_refused_before_anything_is_written() {
    let home = tempfile::tempdir().unwrap();
    for bad in ["../escape", "a/b", "a\\b", ".hidden", "CON", "x.sqlite"] {
        let out = in_home(home.path())
            .args(["--patient", bad, "log", "platelets", "50"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--patient") && err.contains(bad),
            "{bad}: {err}"
        );
    }
    let out = in_home(home.path())
        .args(["--patient", "anna", "--db"])
        .arg(home.path().join("x.sqlite"))
        .args(["log", "platelets", "50"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!home.path().join("data").exists(), "nothing written");
    assert!(!home.path().join("x.sqlite").exists(), "nothing written");
}

// ---- the shell's manners ------------------------------------------------------------------

#[test]
fn help_shows_env_vars_and_groups_global_options() {
    let out = in_home(std::path::Path::new("/nonexistent"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    // Undo the wrapping of long lines.
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    let global = help.find("Global options:").expect(&help);
    for (flag, env) in [
        ("--db", "ITP_DIARY_DB"),
        ("--config", "ITP_DIARY_CONFIG"),
        ("--patient", "ITP_DIARY_PATIENT"),
    ] {
        let at = help.find(&format!("{flag} <")).expect(flag);
        assert!(at > global, "{flag} under Global options");
        assert!(help[at..].contains(&format!("[env: {env}")), "{env}");
    }
    // A command's own options come apart from the global ones.
    let out = in_home(std::path::Path::new("/nonexistent"))
        .args(["remind", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let global = help.find("Global options:").expect(&help);
    assert!(help.find("--exit-code").unwrap() < global, "{help}");
}

#[test]
fn completions_parse_in_their_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = in_home(std::path::Path::new("/nonexistent"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("itp-diary") && text.contains("remind"),
            "{shell}"
        );
    }
    let out = in_home(std::path::Path::new("/nonexistent"))
        .args(["completions", "bash"])
        .output()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("itp-diary.bash");
    std::fs::write(&file, &out.stdout).unwrap();
    match StdCommand::new("bash").arg("-n").arg(&file).status() {
        Ok(status) => assert!(status.success(), "bash -n rejects the completion script"),
        Err(_) => {
            let _ = writeln!(std::io::stderr(), "SKIPPED bash -n: no bash");
        }
    }
    // And it completes: the subcommands are offered after `itp-diary `.
    let script = format!(
        "source '{}'; COMP_WORDS=(itp-diary re); COMP_CWORD=1; COMP_LINE='itp-diary re'; COMP_POINT=12; _itp__diary itp-diary re itp-diary; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display()
    );
    if let Ok(out) = StdCommand::new("bash").arg("-c").arg(&script).output() {
        let words = String::from_utf8_lossy(&out.stdout);
        assert!(words.lines().any(|w| w == "remind"), "{words}");
    }
}

#[test]
fn man_page_renders() {
    let out = in_home(std::path::Path::new("/nonexistent"))
        .arg("man")
        .output()
        .unwrap();
    assert!(out.status.success());
    let roff = String::from_utf8(out.stdout).unwrap();
    assert!(roff.starts_with(".ie") || roff.contains(".TH"), "roff");
    assert!(roff.contains("itp\\-diary") && roff.contains("ITP_DIARY_PATIENT"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("itp-diary.1");
    std::fs::write(&file, &roff).unwrap();
    match StdCommand::new("man")
        .arg("-l")
        .arg(&file)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
    {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains("NAME") && text.contains("itp-diary"),
                "{text}"
            );
        }
        _ => {
            let _ = writeln!(std::io::stderr(), "SKIPPED man -l: no working man");
        }
    }
}

#[test]
fn typed_input_is_echoed_as_typed_never_expanded() {
    let d = Diary::new();
    let out = d
        .cmd()
        .args(["log", "side-effect", "tremor{accepted}"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tremor{accepted}"), "{err}");
}

#[test]
fn json_of_commands_that_write() {
    let d = Diary::new();
    let v = d.json(&["log", "platelets", "45", "--json"]);
    assert_eq!(v["id"], 1);
    assert_eq!(v["action"], "logged");
    assert_eq!(v["uid"].as_str().map(str::len), Some(32));
    assert!(
        v["entry"].is_object() && v["warnings"].as_array().is_some(),
        "{v}"
    );
    let v = d.json(&["log", "platelets", "1", "--json"]);
    assert_eq!(v["warnings"][0]["field"], "platelets", "{v}");
    assert!(
        v["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("below 5"),
        "{v}"
    );
    let v = d.json(&["edit", "1", "--value", "50", "--json"]);
    assert_eq!(
        (v["id"].as_i64(), v["action"].as_str()),
        (Some(1), Some("edited"))
    );
    let v = d.json(&["delete", "1", "--json"]);
    assert_eq!(v["action"], "deleted");
    let v = d.json(&["undelete", "1", "--json"]);
    assert_eq!(v["action"], "undeleted");
    let v = d.json(&["config", "show", "--json"]);
    assert_eq!(v["notify"]["quiet_hours"], "22:30-07:00");
    assert!(v["settings"].as_array().is_some_and(|a| !a.is_empty()));
}

#[test]
fn store_errors_are_translated() {
    let d = Diary::new();
    std::fs::create_dir_all(d.db.parent().unwrap()).unwrap();
    std::fs::write(
        &d.db,
        b"this is not a database, just text long enough to be read",
    )
    .unwrap();
    let out = d.cmd().args(["--lang", "zh", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("不是 itp-diary 数据库"), "{err}");
    let out = d.cmd().args(["list"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not an itp-diary database"), "{err}");
}

#[test]
fn a_command_line_option_beats_the_other_ones_environment_variable() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data").join("itp-diary");
    let other = home.path().join("other.sqlite");
    // --patient on the command line, ITP_DIARY_DB in the environment: the patient's diary.
    in_home(home.path())
        .env("ITP_DIARY_DB", &other)
        .args(["--patient", "anna", "log", "platelets", "50"])
        .assert()
        .success();
    assert!(data.join("anna.sqlite").exists() && !other.exists());
    // --db on the command line, ITP_DIARY_PATIENT in the environment: the named file.
    in_home(home.path())
        .env("ITP_DIARY_PATIENT", "ben")
        .arg("--db")
        .arg(&other)
        .args(["log", "platelets", "50"])
        .assert()
        .success();
    assert!(other.exists() && !data.join("ben.sqlite").exists());
    // Both in the environment: refused, nothing written.
    let out = in_home(home.path())
        .env("ITP_DIARY_PATIENT", "ben")
        .env("ITP_DIARY_DB", home.path().join("third.sqlite"))
        .args(["log", "platelets", "50"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!home.path().join("third.sqlite").exists());
}
