//! `notify install|uninstall`: run `itp-diary remind --notify` every few minutes while the
//! diary is closed. A systemd user timer + service on Linux and the BSDs (written, after being
//! shown); the cron line, a launchd agent (macOS) or a `schtasks` command (Windows) printed.
//!
//! Every platform's text is built on every platform, so the tests here cover them all.

use std::path::{Path, PathBuf};

/// The first line of every file written here: uninstall removes only files that carry it.
pub const MARKER: &str =
    "# Written by `itp-diary notify install`; removed by `itp-diary notify uninstall`.";

/// The scheduler a platform has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// Linux and the BSDs: a systemd user timer (and the cron line for systems without it).
    Systemd,
    /// macOS: a launchd agent.
    Launchd,
    /// Windows: the task scheduler.
    Windows,
}

impl Platform {
    pub fn current() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else if cfg!(target_os = "macos") {
            Platform::Launchd
        } else {
            Platform::Systemd
        }
    }
}

/// How often: whole minutes, 1 minute to 24 hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Every {
    pub minutes: u32,
}

impl Every {
    /// `15m`, `15min`, `1h`, `90` (minutes). `None` when not understood or out of range.
    pub fn parse(s: &str) -> Option<Every> {
        let s = s.trim().to_ascii_lowercase();
        let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let n: u32 = digits.trim().parse().ok()?;
        let minutes = match &s[digits.len()..] {
            "" | "m" | "min" | "mins" | "minutes" => n,
            "h" | "hour" | "hours" => n.checked_mul(60)?,
            _ => return None,
        };
        (1..=24 * 60)
            .contains(&minutes)
            .then_some(Every { minutes })
    }

    /// systemd `OnCalendar=`: every N minutes of each hour, or every N hours.
    fn on_calendar(self) -> String {
        let m = self.minutes;
        if m < 60 {
            format!("*-*-* *:00/{m}:00")
        } else {
            format!("*-*-* 00/{}:00:00", (m / 60).max(1))
        }
    }

    fn cron(self) -> String {
        let m = self.minutes;
        if m < 60 {
            format!("*/{m} * * * *")
        } else {
            format!("0 */{} * * *", (m / 60).max(1))
        }
    }
}

/// The command to run: the program and its arguments.
#[derive(Clone, Debug)]
pub struct Job {
    pub exe: PathBuf,
    pub args: Vec<String>,
    /// `itp-diary-remind`, or `itp-diary-remind-NAME` for a patient's diary.
    pub name: String,
}

impl Job {
    /// The name as a systemd unit name (`systemd-escape`: every byte but ASCII letters,
    /// digits, `:`, `_`, `.` and `-` as `\xNN`): "Mary Ann" and 小明 made unit files systemd
    /// refused, so that patient's reminders never ran (session 7).
    pub fn systemd_name(&self) -> String {
        let mut out = String::new();
        for (k, b) in self.name.bytes().enumerate() {
            let keep = b.is_ascii_alphanumeric() || b":_-".contains(&b) || (b == b'.' && k > 0);
            if keep {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
        out
    }
}

/// One file to write.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitFile {
    pub path: PathBuf,
    pub text: String,
}

/// What install does on this platform.
#[derive(Clone, Debug, PartialEq)]
pub struct Install {
    /// Files written (systemd), shown first.
    pub files: Vec<UnitFile>,
    /// Text printed for the patient to use (the cron line, the plist, the schtasks command)
    /// and the command that turns the timer on.
    pub instructions: Vec<String>,
}

/// systemd quoting: double quotes, `\` and `"` escaped, `%` doubled.
fn systemd_quote(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('%', "%%");
    format!("\"{escaped}\"")
}

/// POSIX shell quoting for the cron line.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A word for a command the patient copies: as it is when the shell reads it so, else quoted.
fn sh_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-/:@%+=,".contains(&b));
    if plain { s.to_string() } else { sh_quote(s) }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn argv(job: &Job) -> Vec<String> {
    let mut v = vec![job.exe.display().to_string()];
    v.extend(job.args.iter().cloned());
    v
}

/// The systemd service and timer for `job` in `unit_dir`.
pub fn systemd_units(job: &Job, every: Every, unit_dir: &Path) -> Vec<UnitFile> {
    let exec: Vec<String> = argv(job).iter().map(|a| systemd_quote(a)).collect();
    let service = format!(
        "{MARKER}\n[Unit]\nDescription=itp-diary: desktop notifications of due and overdue items\n\n\
         [Service]\nType=oneshot\nExecStart={}\n",
        exec.join(" ")
    );
    let timer = format!(
        "{MARKER}\n[Unit]\nDescription=itp-diary: check reminders every {} minutes\n\n\
         [Timer]\nOnCalendar={}\nPersistent=true\n\n\
         [Install]\nWantedBy=timers.target\n",
        every.minutes,
        every.on_calendar(),
    );
    // The timer starts the service of its own name (no `Unit=`: a name with `\xNN` escapes
    // is not read back as written there).
    let name = job.systemd_name();
    vec![
        UnitFile {
            path: unit_dir.join(format!("{name}.service")),
            text: service,
        },
        UnitFile {
            path: unit_dir.join(format!("{name}.timer")),
            text: timer,
        },
    ]
}

/// The crontab line.
pub fn cron_line(job: &Job, every: Every) -> String {
    let cmd: Vec<String> = argv(job).iter().map(|a| sh_quote(a)).collect();
    format!("{} {}", every.cron(), cmd.join(" "))
}

/// The launchd agent (save in `~/Library/LaunchAgents/<label>.plist`).
pub fn launchd_plist(job: &Job, every: Every) -> String {
    let args: String = argv(job)
        .iter()
        .map(|a| format!("    <string>{}</string>\n", xml_escape(a)))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <plist version=\"1.0\">\n<dict>\n  <key>Label</key>\n  <string>org.{}</string>\n\
         \x20 <key>ProgramArguments</key>\n  <array>\n{args}  </array>\n\
         \x20 <key>StartInterval</key>\n  <integer>{}</integer>\n\
         \x20 <key>RunAtLoad</key>\n  <true/>\n</dict>\n</plist>\n",
        job.name,
        every.minutes * 60
    )
}

/// The `schtasks` command (Windows quoting: the whole command in double quotes, inner quotes
/// as `\"`).
pub fn schtasks(job: &Job, every: Every) -> String {
    let cmd: Vec<String> = argv(job)
        .iter()
        .map(|a| format!("\\\"{}\\\"", a.replace('"', "")))
        .collect();
    let (sc, mo) = if every.minutes < 60 {
        ("MINUTE", every.minutes)
    } else {
        ("HOURLY", (every.minutes / 60).max(1))
    };
    format!(
        "schtasks /Create /F /TN {} /SC {sc} /MO {mo} /TR \"{}\"",
        task_name(job),
        cmd.join(" ")
    )
}

/// The task's name for `schtasks /TN`, quoted (a patient's name may hold spaces; a `\` would
/// name a folder).
fn task_name(job: &Job) -> String {
    format!("\"{}\"", job.name.replace(['"', '\\'], "_"))
}

/// The plan for `platform`. `unit_dir` is where systemd user units live.
pub fn install_plan(platform: Platform, job: &Job, every: Every, unit_dir: &Path) -> Install {
    match platform {
        Platform::Systemd => Install {
            files: systemd_units(job, every, unit_dir),
            instructions: vec![
                format!(
                    "systemctl --user daemon-reload && systemctl --user enable --now {}",
                    sh_word(&format!("{}.timer", job.systemd_name()))
                ),
                cron_line(job, every),
            ],
        },
        Platform::Launchd => Install {
            files: Vec::new(),
            instructions: vec![
                launchd_plist(job, every),
                format!(
                    "launchctl load ~/Library/LaunchAgents/{}",
                    sh_word(&format!("org.{}.plist", job.name))
                ),
            ],
        },
        Platform::Windows => Install {
            files: Vec::new(),
            instructions: vec![schtasks(job, every)],
        },
    }
}

/// How to undo on platforms where nothing was written.
pub fn uninstall_instructions(platform: Platform, job: &Job) -> Vec<String> {
    match platform {
        Platform::Systemd => vec![format!(
            "systemctl --user disable --now {}",
            sh_word(&format!("{}.timer", job.systemd_name()))
        )],
        Platform::Launchd => {
            let plist = sh_word(&format!("org.{}.plist", job.name));
            vec![format!(
                "launchctl unload ~/Library/LaunchAgents/{plist} && rm ~/Library/LaunchAgents/{plist}"
            )]
        }
        Platform::Windows => vec![format!("schtasks /Delete /F /TN {}", task_name(job))],
    }
}

/// Where systemd user units live (`$XDG_CONFIG_HOME/systemd/user`).
pub fn systemd_user_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.config_dir().join("systemd").join("user"))
}

/// Why a unit file was not written or removed.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("{0} exists and was not written by itp-diary; it was left untouched")]
    NotOurs(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ScheduleError + '_ {
    move |source| ScheduleError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Whether `path` is a file this program wrote (or absent).
fn ours_or_absent(path: &Path) -> Result<bool, ScheduleError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t.starts_with(MARKER)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(io_err(path)(e)),
    }
}

/// Write the unit files (owner-only), refusing if any exists that this program did not write.
pub fn write_units(files: &[UnitFile]) -> Result<(), ScheduleError> {
    for f in files {
        if !ours_or_absent(&f.path)? {
            return Err(ScheduleError::NotOurs(f.path.display().to_string()));
        }
    }
    for f in files {
        if let Some(dir) = f.path.parent() {
            // Folders made here are owner-only (the unit names carry the patients' names).
            crate::app::backup::create_private_dir(dir).map_err(io_err(dir))?;
        }
        write_private(&f.path, &f.text).map_err(io_err(&f.path))?;
    }
    Ok(())
}

/// Remove the unit files this program wrote; returns those removed.
pub fn remove_units(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ScheduleError> {
    let mut removed = Vec::new();
    for p in paths {
        if !p.exists() {
            continue;
        }
        if !ours_or_absent(p)? {
            return Err(ScheduleError::NotOurs(p.display().to_string()));
        }
        std::fs::remove_file(p).map_err(io_err(p))?;
        removed.push(p.clone());
    }
    Ok(removed)
}

/// Write `text` to `path` through a temporary file beside it (mode 0600 on unix), renamed
/// over the target: a reader never sees half a unit file.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("itp-diary-tmp");
    let mut f = crate::app::platform::private_file_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        Job {
            exe: PathBuf::from("/opt/my apps/itp-diary"),
            args: vec![
                "--db".into(),
                "/home/a/100%.sqlite".into(),
                "remind".into(),
                "--notify".into(),
            ],
            name: "itp-diary-remind".into(),
        }
    }

    #[test]
    fn intervals() {
        assert_eq!(Every::parse("15m"), Some(Every { minutes: 15 }));
        assert_eq!(Every::parse("2h"), Some(Every { minutes: 120 }));
        assert_eq!(Every::parse("30"), Some(Every { minutes: 30 }));
        for bad in ["0m", "25h", "15s", "", "m", "-5m"] {
            assert_eq!(Every::parse(bad), None, "{bad}");
        }
        assert_eq!(Every { minutes: 15 }.on_calendar(), "*-*-* *:00/15:00");
        assert_eq!(Every { minutes: 120 }.cron(), "0 */2 * * *");
    }

    #[test]
    fn systemd_timer_is_persistent_and_quoted() {
        let files = systemd_units(&job(), Every { minutes: 15 }, Path::new("/u"));
        assert_eq!(files[0].path, Path::new("/u/itp-diary-remind.service"));
        assert!(files[0].text.starts_with(MARKER));
        assert!(files[0].text.contains(
            "ExecStart=\"/opt/my apps/itp-diary\" \"--db\" \"/home/a/100%%.sqlite\" \"remind\" \"--notify\""
        ), "{}", files[0].text);
        assert!(files[1].text.contains("Persistent=true"));
        assert!(files[1].text.contains("OnCalendar=*-*-* *:00/15:00"));
    }

    #[test]
    fn every_platform_has_its_text() {
        let e = Every { minutes: 15 };
        assert_eq!(
            cron_line(&job(), e),
            "*/15 * * * * '/opt/my apps/itp-diary' '--db' '/home/a/100%.sqlite' 'remind' '--notify'"
        );
        let plist = launchd_plist(&job(), e);
        assert!(
            plist.contains("<integer>900</integer>")
                && plist.contains("<string>/opt/my apps/itp-diary</string>")
        );
        assert!(roxmltree_free_check(&plist));
        let w = install_plan(Platform::Windows, &job(), e, Path::new("/u"));
        assert!(w.files.is_empty());
        assert!(
            w.instructions[0]
                .starts_with("schtasks /Create /F /TN \"itp-diary-remind\" /SC MINUTE /MO 15 /TR")
        );
        assert!(uninstall_instructions(Platform::Windows, &job())[0].contains("/Delete"));
    }

    /// A patient's name with a space or Chinese characters made unit files systemd refuses
    /// ("Invalid argument") and an unquoted `systemctl` line; the names are escaped as
    /// `systemd-escape` does, and the commands quote them.
    #[test]
    fn a_patients_unit_names_are_valid_systemd_names() {
        let named = |n: &str| Job {
            name: format!("itp-diary-remind-{n}"),
            ..job()
        };
        assert_eq!(
            named("Mary Ann").systemd_name(),
            "itp-diary-remind-Mary\\x20Ann"
        );
        assert_eq!(
            named("小明").systemd_name(),
            "itp-diary-remind-\\xe5\\xb0\\x8f\\xe6\\x98\\x8e"
        );
        assert_eq!(named("a.b_c:d").systemd_name(), "itp-diary-remind-a.b_c:d");
        let plan = install_plan(
            Platform::Systemd,
            &named("Mary Ann"),
            Every::parse("15m").unwrap(),
            Path::new("/u"),
        );
        assert_eq!(
            plan.files[1].path,
            Path::new("/u/itp-diary-remind-Mary\\x20Ann.timer")
        );
        assert!(
            !plan.files[1].text.contains("Unit="),
            "{}",
            plan.files[1].text
        );
        assert!(
            plan.instructions[0].ends_with("enable --now 'itp-diary-remind-Mary\\x20Ann.timer'"),
            "{}",
            plan.instructions[0]
        );
        let w = install_plan(
            Platform::Windows,
            &named("Mary Ann"),
            Every::parse("15m").unwrap(),
            Path::new("/u"),
        );
        assert!(
            w.instructions[0].contains("/TN \"itp-diary-remind-Mary Ann\""),
            "{}",
            w.instructions[0]
        );
    }

    /// Balanced tags, without an XML crate in the library.
    fn roxmltree_free_check(xml: &str) -> bool {
        ["plist", "dict", "array"].iter().all(|t| {
            xml.matches(&format!("<{t}")).count() == xml.matches(&format!("</{t}>")).count()
        })
    }

    #[test]
    fn foreign_files_are_never_overwritten_or_removed() {
        let d = tempfile::tempdir().unwrap();
        let files = systemd_units(&job(), Every { minutes: 15 }, d.path());
        std::fs::write(&files[1].path, "[Timer]\n# mine\n").unwrap();
        assert!(matches!(
            write_units(&files),
            Err(ScheduleError::NotOurs(_))
        ));
        assert!(!files[0].path.exists());
        assert!(matches!(
            remove_units(&[files[1].path.clone()]),
            Err(ScheduleError::NotOurs(_))
        ));
        std::fs::remove_file(&files[1].path).unwrap();
        write_units(&files).unwrap();
        write_units(&files).unwrap(); // again: ours, replaced
        let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
        assert_eq!(remove_units(&paths).unwrap().len(), 2);
        assert!(!files[0].path.exists() && !files[1].path.exists());
    }

    /// The folders made for the unit files are owner-only (they were 0755, so the per-patient
    /// unit names could be listed by other users: outside review, session 6).
    #[cfg(unix)]
    #[test]
    fn unit_folders_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let home = d.path().join("config");
        let files = systemd_units(&job(), Every { minutes: 15 }, &home);
        write_units(&files).unwrap();
        let mut dir = files[0].path.parent().unwrap().to_path_buf();
        while dir != d.path() {
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", dir.display());
            dir.pop();
        }
    }
}
