//! The command-line face: clap definitions and dispatch. Commands never enter raw mode.

mod context;
mod course;
mod edit;
mod history;
mod list;
mod log;
mod notify;
mod questions;
mod screen;
mod settings;
mod shell;
mod status;
mod take;
mod transfer;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::config::{
    ENV_CONFIG, ENV_DB, ENV_NOW, ENV_PATIENT, Paths, Settings, load_settings,
};
use crate::app::entries::{self};
use crate::domain::clock::Clock;
use crate::domain::validate::Warning;
use crate::present::i18n::{I18n, Lang};
pub use context::Ctx;

/// A terminal diary for immune thrombocytopenia (ITP) and cyclosporine treatment.
///
/// Without a command it opens the diary in the terminal.
#[derive(Debug, Parser)]
#[command(name = "itp-diary", version, about, long_about = None)]
pub struct Cli {
    /// The diary database (default: itp-diary.sqlite in the data folder).
    #[arg(long, global = true, value_name = "PATH", env = ENV_DB, help_heading = GLOBAL)]
    pub db: Option<PathBuf>,
    /// The settings file (default: config.toml in the config folder; NAME.toml beside a
    /// patient's diary).
    #[arg(long, global = true, value_name = "PATH", env = ENV_CONFIG, help_heading = GLOBAL)]
    pub config: Option<PathBuf>,
    /// Language of messages: en or zh (default: the settings file, else LC_ALL / LANG, else
    /// the system's language).
    #[arg(long, global = true, value_name = "LANG", help_heading = GLOBAL)]
    pub lang: Option<String>,
    /// A patient's own diary, NAME.sqlite in the data folder (see `patients`); the default
    /// diary when not given.
    #[arg(long, global = true, value_name = "NAME", env = ENV_PATIENT, help_heading = GLOBAL)]
    pub patient: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Which of `db` and `patient` came from the command line rather than the environment
    /// (set by [`parse`]).
    #[arg(skip)]
    pub given: Given,
}

/// Options given on the command line (not from an environment variable).
#[derive(Clone, Copy, Debug, Default)]
pub struct Given {
    pub db: bool,
    pub patient: bool,
    pub config: bool,
}

/// Parse the arguments, remembering which options the command line gave.
pub fn parse() -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches, parser::ValueSource};
    let m = Cli::command().try_get_matches()?;
    let mut cli = Cli::from_arg_matches(&m)?;
    let on_line = |id: &str| m.value_source(id) == Some(ValueSource::CommandLine);
    cli.given = Given {
        db: on_line("db"),
        patient: on_line("patient"),
        config: on_line("config"),
    };
    Ok(cli)
}

/// A settings file named with `--config` on the command line that does not exist (a typo
/// silently put the app's defaults in place of the care team's thresholds, session 7); not
/// the file the diary would use anyway (the reminder timers name it), nor for `config`
/// commands, which make or show it.
fn named_settings_missing(cli: &Cli, paths: &Paths, patient: Option<&str>) -> Option<String> {
    if !cli.given.config || matches!(cli.command, Some(Command::Config(_))) {
        return None;
    }
    let usual = Paths::resolve(cli.db.as_deref(), None, patient).ok()?;
    (usual.config != paths.config && !paths.config.exists())
        .then(|| paths.config.display().to_string())
}

/// The heading under which `--help` lists the options every command takes.
const GLOBAL: &str = "Global options";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Record something: a platelet count, a dose, a lab result, weight, blood pressure …
    #[command(subcommand)]
    Log(log::LogCommand),
    /// Take the planned dose now: the oldest unanswered slot of today, else the next one
    /// (or the slot at SLOT, e.g. 20:00). Prints which slot it answered.
    Take(take::TakeArgs),
    /// Skip a planned dose on purpose (same slot choice as `take`).
    Skip(take::TakeArgs),
    /// List entries, newest first.
    List(list::ListArgs),
    /// Change an entry (the previous version is kept).
    Edit(edit::EditArgs),
    /// Delete an entry (a mark: undo with `undelete`).
    Delete {
        /// The entry's id (see `list`).
        id: i64,
        /// Print one JSON object (id, uid, the entry, warnings) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Undo a delete.
    Undelete {
        /// The entry's id.
        id: i64,
        /// Print one JSON object (id, uid, the entry, warnings) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Every earlier version of an entry (edits, deletes, undeletes), oldest first.
    History {
        /// The entry's id (see `list`).
        id: i64,
    },
    /// Print where the database and the settings file are.
    Paths,
    /// Where you stand: phase, dose, adherence, platelets, response, drug level.
    Status(status::StatusArgs),
    /// What is due, overdue or alarming now (quiet when nothing is): for a shell profile or cron.
    Remind(status::RemindArgs),
    /// The treatment plan: start, change (taper or increase), stop, show.
    #[command(subcommand)]
    Regimen(course::RegimenCommand),
    /// The patient profile: diagnosis date, birth year, sex.
    Profile(course::ProfileArgs),
    /// The settings file: every threshold and interval, with its source.
    #[command(subcommand)]
    Config(settings::ConfigCommand),
    /// Render one screen to stdout as plain text and exit (for sharing, the README, tests).
    Snapshot(screen::SnapshotArgs),
    /// Create a separate demo diary with a realistic, seeded course, and open it.
    Demo(screen::DemoArgs),
    /// Export for the clinic (html, md), spreadsheets (csv), a full backup (json), FHIR, or a
    /// calendar of reminders (ics).
    Export(transfer::ExportArgs),
    /// Import a JSON backup (merged, without duplicates) or lab results from CSV.
    Import(transfer::ImportArgs),
    /// Copy the diary, consistently, while it may be open (default: the backups folder).
    Backup {
        #[arg(value_name = "PATH")]
        path: Option<PathBuf>,
    },
    /// Replace the diary with a backup file (the current diary is kept in the backups folder).
    Restore {
        #[arg(value_name = "PATH")]
        path: PathBuf,
    },
    /// Questions for the next clinic visit.
    Note(questions::NoteArgs),
    /// Reminders when the diary is closed: install or remove a timer running `remind --notify`.
    #[command(subcommand)]
    Notify(notify::NotifyCommand),
    /// The diaries in the data folder (the default one and each patient's), with the date of
    /// the latest entry.
    Patients(shell::PatientsArgs),
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    Completions(shell::CompletionsArgs),
    /// Print the manual page (roff), e.g. `itp-diary man > ~/.local/share/man/man1/itp-diary.1`.
    Man,
}

/// Automatic daily backups kept.
pub const AUTO_BACKUPS: usize = 7;

/// A command's failure, with the exit code it maps to.
#[derive(Debug)]
pub enum CliError {
    /// Bad input: exit code 2, nothing written. The message is already translated.
    Invalid(String),
    /// Anything else: exit code 1, with what to do.
    Failed(String),
    /// Exit code 1 without a message: what it concerns was printed already (`remind
    /// --exit-code` while something urgent is open).
    Quiet,
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Invalid(_) => ExitCode::from(2),
            // A closed pipe (`| head`): the reader has what it wanted.
            CliError::Failed(m) if m.is_empty() => ExitCode::SUCCESS,
            CliError::Failed(_) | CliError::Quiet => ExitCode::from(1),
        }
    }

    pub fn message(&self) -> &str {
        match self {
            CliError::Invalid(m) | CliError::Failed(m) => m,
            CliError::Quiet => "",
        }
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;

/// Whether a command prints a machine format (kept raw) rather than text for a person.
fn machine_output(c: &Option<Command>) -> bool {
    match c {
        Some(Command::Export(_)) => true,
        Some(Command::List(a)) => !matches!(a.format, list::Format::Table),
        Some(Command::Status(a)) => a.json,
        Some(Command::Remind(a)) => a.json,
        Some(Command::Regimen(course::RegimenCommand::Show { json })) => *json,
        _ => false,
    }
}

/// The clock: `ITP_DIARY_NOW` (RFC 3339) when set, else the system clock.
pub fn clock_from_env() -> Result<Clock, CliError> {
    match std::env::var(ENV_NOW) {
        Ok(s) if !s.is_empty() => chrono::DateTime::parse_from_rfc3339(&s)
            .map(Clock::Fixed)
            .map_err(|_| {
                CliError::Invalid(format!(
                    "{ENV_NOW}: '{s}' is not an RFC 3339 time (e.g. 2026-03-01T08:00:00+08:00)"
                ))
            }),
        _ => Ok(Clock::System),
    }
}

/// Parse the arguments and run. Usage errors exit through clap (code 2; `--help` exits 0).
pub fn main() -> ExitCode {
    if let Some(code) = backup_child() {
        return code;
    }
    let cli = match parse() {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.message().is_empty() {
                let msg = crate::present::sanitize::visible(e.message());
                let _ = writeln!(std::io::stderr(), "itp-diary: {msg}");
            }
            e.exit_code()
        }
    }
}

/// `--lang`, else the settings file, else the environment.
fn lang_of(cli: &Cli, settings: &Settings) -> CliResult<Lang> {
    match &cli.lang {
        Some(l) => Lang::parse(l).ok_or_else(|| {
            CliError::Invalid(format!(
                "--lang: '{l}' is not a language (accepted: en, zh)"
            ))
        }),
        None => Ok(settings
            .language
            .or_else(Lang::from_env)
            .unwrap_or_default()),
    }
}

/// The patient, checked: a plain file name, and not together with `--db`. An option on the
/// command line beats the other's environment variable.
fn patient_of(cli: &Cli) -> CliResult<Option<&str>> {
    let Some(name) = cli.patient.as_deref().filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    if cli.given.db && !cli.given.patient {
        return Ok(None);
    }
    let name = crate::app::patients::check_name(name)
        .map_err(|e| CliError::Invalid(format!("--patient ({ENV_PATIENT}): {e}")))?;
    if cli.db.is_some() && cli.given.db == cli.given.patient {
        return Err(CliError::Invalid(format!(
            "--patient ({ENV_PATIENT}) and --db ({ENV_DB}) both name a diary: give one"
        )));
    }
    Ok(Some(name))
}

pub fn run(cli: Cli) -> CliResult {
    // Printed without a diary, settings or language.
    match &cli.command {
        Some(Command::Completions(a)) => return shell::completions(a),
        Some(Command::Man) => return shell::man(),
        _ => {}
    }
    let patient = patient_of(&cli)?.map(str::to_string);
    let paths = Paths::resolve(cli.db.as_deref(), cli.config.as_deref(), patient.as_deref())
        .map_err(|e| CliError::Failed(e.to_string()))?;
    // `config path` and `config init` must work even when the file is broken.
    let lenient = matches!(
        cli.command,
        Some(Command::Config(
            settings::ConfigCommand::Path | settings::ConfigCommand::Init { .. }
        ))
    );
    let settings = match load_settings(&paths.config) {
        Ok(s) => s,
        Err(_) if lenient => Settings::default(),
        Err(e) => return Err(CliError::Invalid(e.to_string())),
    };
    let lang = lang_of(&cli, &settings)?;
    let named_missing = named_settings_missing(&cli, &paths, patient.as_deref());
    let ctx = Ctx {
        paths,
        clock: clock_from_env()?,
        i18n: I18n::new(lang),
        settings,
        opened: std::cell::Cell::new(false),
    };
    if let Some(mode) = crate::app::platform::others_may_write(&ctx.paths.config) {
        let path = ctx.paths.config.display().to_string();
        let text = ctx.i18n.tf(
            "warning.settings_writable",
            &[("path", &path), ("mode", &format!("{mode:o}"))],
        );
        let _ = writeln!(
            std::io::stderr(),
            "{}: {}",
            ctx.i18n.t("warning.prefix"),
            crate::present::sanitize::visible_line(&text)
        );
    }
    if let Some(path) = named_missing {
        let text = ctx.i18n.tf("warning.settings_missing", &[("path", &path)]);
        let _ = writeln!(
            std::io::stderr(),
            "{}: {}",
            ctx.i18n.t("warning.prefix"),
            crate::present::sanitize::visible_line(&text)
        );
    }
    // Buffered: a 20-year CSV is one write per block, not one per line.
    let buffered = std::io::BufWriter::new(std::io::stdout().lock());
    // Text for a person goes through the one sanitiser (escape sequences and bidi overrides
    // made visible); machine formats keep raw values (JSON escapes controls itself, CSV is
    // neutralised by its writer).
    let mut out: Box<dyn Write> = if machine_output(&cli.command) {
        Box::new(buffered)
    } else {
        Box::new(crate::present::sanitize::Visible::new(buffered))
    };
    // Run by a timer (`notify install`): nobody waits for it, and a service manager may stop
    // what it leaves running (systemd stops a oneshot unit's processes when it ends).
    let unattended = matches!(&cli.command, Some(Command::Remind(a)) if a.notify);
    let result = match cli.command {
        None => screen::open(&ctx),
        Some(Command::Snapshot(args)) => screen::snapshot(&ctx, args, &mut out),
        Some(Command::Demo(args)) => screen::demo(&ctx, cli.given.db, args, &mut out),
        Some(Command::Export(args)) => transfer::export(&ctx, args, &mut out),
        Some(Command::Import(args)) => transfer::import(&ctx, args, &mut out),
        Some(Command::Backup { path }) => transfer::backup(&ctx, path, &mut out),
        Some(Command::Restore { path }) => transfer::restore(&ctx, path, &mut out),
        Some(Command::Note(args)) => questions::note(&ctx, args, &mut out),
        Some(Command::Paths) => {
            let i = &ctx.i18n;
            writeln!(out, "{}: {}", i.t("cli.db_path"), ctx.paths.db.display())
                .and_then(|_| {
                    writeln!(
                        out,
                        "{}: {}",
                        i.t("cli.config_path"),
                        ctx.paths.config.display()
                    )
                })
                .and_then(|_| {
                    writeln!(
                        out,
                        "{}: {}",
                        i.t("cli.data_dir"),
                        ctx.paths.data_dir.display()
                    )
                })
                .map_err(io_error)
        }
        Some(Command::Log(cmd)) => log::run(&ctx, cmd, &mut out),
        Some(Command::Take(args)) => take::run(
            &ctx,
            args,
            crate::domain::entry::DoseStatus::Taken,
            &mut out,
        ),
        Some(Command::Skip(args)) => take::run(
            &ctx,
            args,
            crate::domain::entry::DoseStatus::Skipped,
            &mut out,
        ),
        Some(Command::Status(args)) => status::status(&ctx, args, &mut out),
        Some(Command::Remind(args)) => status::remind(&ctx, args, &mut out),
        Some(Command::Notify(cmd)) => notify::run(&ctx, patient.as_deref(), cmd, &mut out),
        Some(Command::Patients(args)) => shell::patients(&ctx, args, &mut out),
        Some(Command::Completions(_) | Command::Man) => Ok(()),
        Some(Command::Regimen(cmd)) => course::regimen(&ctx, cmd, &mut out),
        Some(Command::Profile(args)) => course::profile(&ctx, args, &mut out),
        Some(Command::Config(cmd)) => settings::run(&ctx, cmd, &mut out),
        Some(Command::List(args)) => list::run(&ctx, args, &mut out),
        Some(Command::Edit(args)) => edit::run(&ctx, args, &mut out),
        Some(Command::History { id }) => history::run(&ctx, id, &mut out),
        Some(Command::Delete { id, json }) => mark_deleted(&ctx, id, true, json, &mut out),
        Some(Command::Undelete { id, json }) => mark_deleted(&ctx, id, false, json, &mut out),
    };
    finish(&ctx, result, out, unattended)
}

/// The detached daily backup, `itp-diary backup-auto-child --db DB --data-dir DIR --now TIME`
/// (started by a command, never by a person): read before clap, so it is in no help text,
/// completion script or manual page. It prints nothing; a failure is recorded for the next
/// command.
fn backup_child() -> Option<ExitCode> {
    use crate::app::backup_job::{CHILD_COMMAND, child};
    let mut args = std::env::args_os().skip(1);
    if args.next()? != CHILD_COMMAND {
        return None;
    }
    let (mut db, mut data_dir, mut now) = (None, None, None);
    while let (Some(k), Some(v)) = (args.next(), args.next()) {
        match k.to_str() {
            Some("--db") => db = Some(PathBuf::from(v)),
            Some("--data-dir") => data_dir = Some(PathBuf::from(v)),
            Some("--now") => {
                now = v
                    .to_str()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            }
            _ => return Some(ExitCode::from(2)),
        }
    }
    let (Some(db), Some(data_dir), Some(now)) = (db, data_dir, now) else {
        return Some(ExitCode::from(2));
    };
    child(&db, &data_dir, &Clock::Fixed(now), AUTO_BACKUPS);
    Some(ExitCode::SUCCESS)
}

/// Flush the output; after success, the daily backup (made before exit when `wait`).
fn finish(ctx: &Ctx, result: CliResult, mut out: impl Write, wait: bool) -> CliResult {
    let flushed = out.flush().map_err(io_error);
    drop(out);
    let result = result.and(flushed);
    if result.is_ok() {
        ctx.daily_backup(wait);
    }
    result
}

/// `delete` / `undelete`: the entry is read, then marked, through the one save path.
fn mark_deleted(ctx: &Ctx, id: i64, deleted: bool, json: bool, out: &mut impl Write) -> CliResult {
    let mut store = ctx.open_store()?;
    let read = store.entry(id).map_err(|e| ctx.store_error(e))?;
    // Nothing to do (deleting a deleted entry, restoring a live one): said, not claimed done.
    if read.deleted == deleted && !json {
        let key = match deleted {
            true => "cli.already_deleted",
            false => "cli.not_deleted",
        };
        return writeln!(out, "{}", ctx.i18n.tf(key, &[("id", &id.to_string())])).map_err(io_error);
    }
    let (result, key, action) = if deleted {
        (
            entries::delete(&mut store, &read, &ctx.clock),
            "cli.deleted",
            "deleted",
        )
    } else {
        (
            entries::undelete(&mut store, &read, &ctx.clock),
            "cli.undeleted",
            "undeleted",
        )
    };
    result.map_err(|e| ctx.store_error(e))?;
    if json {
        let e = store.entry(id).map_err(|e| ctx.store_error(e))?;
        return written_json(ctx, &e, action, &[], out);
    }
    writeln!(out, "{}", ctx.i18n.tf(key, &[("id", &id.to_string())])).map_err(io_error)
}

/// `--json` of a command that wrote an entry: one object with the entry's id and uid, what
/// was done, the entry as written (the backup format's shape) and the warnings, translated.
pub fn written_json(
    ctx: &Ctx,
    entry: &crate::domain::entry::Entry,
    action: &str,
    warnings: &[Warning],
    out: &mut impl Write,
) -> CliResult {
    let warnings: Vec<serde_json::Value> = warnings
        .iter()
        .map(|w| serde_json::json!({ "field": w.field, "message": ctx.i18n.warning(w) }))
        .collect();
    let v = serde_json::json!({
        "id": entry.id,
        "uid": entry.uid,
        "action": action,
        "entry": crate::export::json::EntryDoc::from_entry(entry),
        "warnings": warnings,
    });
    serde_json::to_writer_pretty(&mut *out, &v).map_err(|e| CliError::Failed(e.to_string()))?;
    writeln!(out).map_err(io_error)
}

/// Output errors: a closed pipe (`| head`) is not a failure worth a message.
pub fn io_error(e: std::io::Error) -> CliError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        CliError::Failed(String::new())
    } else {
        CliError::Failed(format!("cannot write output: {e}"))
    }
}
