//! `remind --notify` and `notify install|uninstall`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::{CliError, CliResult, Ctx, io_error};
use crate::app::notify::{self, Desktop};
use crate::app::schedule::{self, Every, Install, Job, Platform};
use crate::domain::clock::Clock;
use crate::domain::reminders::Reminder;
use crate::present::describe;

#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Check reminders every few minutes while the diary is closed: writes a systemd user
    /// timer (Linux), or prints the launchd agent (macOS) or the schtasks command (Windows).
    Install {
        /// How often: 15m, 30m, 1h … (1 minute to 24 hours).
        #[arg(long, value_name = "INTERVAL", default_value = "15m")]
        every: String,
    },
    /// Remove what `notify install` wrote.
    Uninstall,
}

/// `remind --notify`: announce what is new; without a notification service, print the open
/// items (exit 0: cron mails them, a terminal shows them).
pub fn remind(ctx: &Ctx, clock: &Clock, open: &[Reminder], out: &mut impl Write) -> CliResult {
    if open.is_empty() && !ctx.paths.db.exists() {
        return Ok(());
    }
    let i = &ctx.i18n;
    let mut store = ctx.open_store()?;
    let quiet = ctx.settings.quiet_hours;
    let done = notify::announce(&mut store, open, clock, quiet, &mut Desktop, i)
        .map_err(|e| ctx.store_error(e))?;
    for r in &done.sent {
        let message = describe::reminder_message(r, i);
        writeln!(out, "{}", i.tf("notify.sent", &[("message", &message)])).map_err(io_error)?;
    }
    for r in &done.held {
        let message = describe::reminder_message(r, i);
        let line = i.tf(
            "notify.held",
            &[("hours", &quiet.label()), ("message", &message)],
        );
        writeln!(out, "{line}").map_err(io_error)?;
    }
    if let Some(reason) = done.no_service {
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            i.tf("notify.no_service", &[("reason", &reason)])
        );
        for r in open {
            writeln!(
                out,
                "{} {}",
                describe::severity_mark(r.severity, i),
                describe::reminder_message(r, i)
            )
            .map_err(io_error)?;
        }
    }
    Ok(())
}

/// The job a timer runs: this program, on this diary and settings file, absolute paths.
fn job(ctx: &Ctx, patient: Option<&str>) -> CliResult<Job> {
    let exe = std::env::current_exe().map_err(|e| CliError::Failed(e.to_string()))?;
    let abs = |p: &Path| -> PathBuf { std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()) };
    let args = vec![
        "--db".into(),
        abs(&ctx.paths.db).display().to_string(),
        "--config".into(),
        abs(&ctx.paths.config).display().to_string(),
        "--lang".into(),
        ctx.i18n.lang.code().into(),
        "remind".into(),
        "--notify".into(),
    ];
    let name = match patient {
        Some(p) => format!("itp-diary-remind-{p}"),
        None => "itp-diary-remind".into(),
    };
    Ok(Job { exe, args, name })
}

fn unit_dir() -> CliResult<PathBuf> {
    schedule::systemd_user_dir()
        .ok_or_else(|| CliError::Failed("no home folder found for the systemd user units".into()))
}

pub fn run(
    ctx: &Ctx,
    patient: Option<&str>,
    cmd: NotifyCommand,
    out: &mut impl Write,
) -> CliResult {
    let platform = Platform::current();
    let job = job(ctx, patient)?;
    match cmd {
        NotifyCommand::Install { every } => {
            let every = Every::parse(&every).ok_or_else(|| {
                CliError::Invalid(ctx.i18n.tf("notify.every_invalid", &[("value", &every)]))
            })?;
            let dir = match platform {
                Platform::Systemd => unit_dir()?,
                _ => PathBuf::new(),
            };
            let plan = schedule::install_plan(platform, &job, every, &dir);
            install(ctx, platform, &job, &plan, out)
        }
        NotifyCommand::Uninstall => uninstall(ctx, platform, &job, out),
    }
}

fn install(
    ctx: &Ctx,
    platform: Platform,
    job: &Job,
    plan: &Install,
    out: &mut impl Write,
) -> CliResult {
    let i = &ctx.i18n;
    let w = |out: &mut dyn Write, s: &str| writeln!(out, "{s}").map_err(io_error);
    for f in &plan.files {
        w(
            out,
            &i.tf("notify.showing", &[("path", &f.path.display().to_string())]),
        )?;
        w(out, &f.text)?;
    }
    out.flush().map_err(io_error)?;
    schedule::write_units(&plan.files).map_err(|e| CliError::Failed(e.to_string()))?;
    let lines = &plan.instructions;
    match platform {
        Platform::Systemd => {
            w(out, i.t("notify.written"))?;
            w(out, &format!("  {}\n", lines[0]))?;
            w(out, i.t("notify.cron_alt"))?;
            w(out, &format!("  {}", lines[1]))
        }
        Platform::Launchd => {
            w(out, &i.tf("notify.launchd", &[("name", &job.name)]))?;
            w(out, &lines[0])?;
            w(out, &format!("  {}", lines[1]))
        }
        Platform::Windows => {
            w(out, i.t("notify.windows"))?;
            w(out, &format!("  {}", lines[0]))
        }
    }
}

fn uninstall(ctx: &Ctx, platform: Platform, job: &Job, out: &mut impl Write) -> CliResult {
    let i = &ctx.i18n;
    let undo = schedule::uninstall_instructions(platform, job);
    if platform != Platform::Systemd {
        writeln!(out, "{}\n  {}", i.t("notify.uninstall_manual"), undo[0]).map_err(io_error)?;
        return Ok(());
    }
    let dir = unit_dir()?;
    let name = job.systemd_name();
    let paths = [
        dir.join(format!("{name}.timer")),
        dir.join(format!("{name}.service")),
    ];
    writeln!(out, "{}\n  {}", i.t("notify.turn_off"), undo[0]).map_err(io_error)?;
    let removed = schedule::remove_units(&paths).map_err(|e| CliError::Failed(e.to_string()))?;
    if removed.is_empty() {
        writeln!(out, "{}", i.t("notify.nothing_removed")).map_err(io_error)?;
    }
    for p in removed {
        let line = i.tf("notify.removed", &[("path", &p.display().to_string())]);
        writeln!(out, "{line}").map_err(io_error)?;
    }
    Ok(())
}
