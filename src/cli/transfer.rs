//! `itp-diary export | import | backup | restore`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{CliError, CliResult, Ctx, io_error};
use crate::app::ExchangeError;
use crate::app::export::{Format, Period};
use crate::domain::when::parse_date;
use crate::present::i18n::I18n;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    /// The clinic report as an A4 PDF.
    Pdf,
    Html,
    Md,
    Csv,
    Json,
    Fhir,
    Ics,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// From this date (inclusive; default: the first entry).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// To this date (inclusive; default: now).
    #[arg(long, value_name = "DATE", conflicts_with = "since_last_visit")]
    pub to: Option<String>,
    /// From the last logged clinic visit to now.
    #[arg(long)]
    pub since_last_visit: bool,
    /// Reports: add the appendix (labs by date, dose changes, events, troughs).
    #[arg(long)]
    pub full: bool,
    /// Write to this file (created readable by you only) instead of standard output; `-` is
    /// standard output.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Include deleted entries (CSV: `deleted` = true; FHIR: status `entered-in-error`).
    #[arg(long)]
    pub deleted: bool,
    /// CSV: start with a byte-order mark so Excel reads UTF-8 (default on with --lang zh).
    #[arg(long, conflicts_with = "no_bom")]
    pub bom: bool,
    /// CSV: no byte-order mark.
    #[arg(long)]
    pub no_bom: bool,
    /// Replace the output file if it exists (never the diary, a backup, a device or a pipe).
    #[arg(long, requires = "output")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A JSON backup (itp-diary export --format json) or a CSV of lab results; `-` reads
    /// standard input.
    pub file: PathBuf,
    /// For CSV: import the valid rows even if some are refused.
    #[arg(long)]
    pub skip_invalid: bool,
    /// A backup of another patient goes into a new diary beside this one.
    #[arg(long, conflicts_with = "merge_anyway")]
    pub as_new_patient: bool,
    /// Merge a backup of another patient into this diary (they are the same person).
    #[arg(long)]
    pub merge_anyway: bool,
    /// Keep this computer's settings instead of restoring the backup's.
    #[arg(long)]
    pub keep_settings: bool,
    /// Where an entry, plan or question is in this diary with other content than in the
    /// backup (edited, deleted or changed on one copy), keep this diary's and add the rest;
    /// without it such an import is refused, naming them.
    #[arg(long)]
    pub keep_mine: bool,
    /// Print one JSON object (what was imported, refused rows, the settings outcome) instead
    /// of text.
    #[arg(long)]
    pub json: bool,
}

fn err(ctx: &Ctx, e: ExchangeError) -> CliError {
    match e {
        ExchangeError::Store(s) => ctx.store_error(s),
        ExchangeError::Invalid(m) => CliError::Invalid(m),
        ExchangeError::Io(e) => io_error(e),
    }
}

/// Whether an export may write `p` (see [`check_target`]): the refusal, translated.
pub(super) fn writable_target(ctx: &Ctx, p: &Path, force: bool) -> CliResult {
    use crate::store::atomic::{Refusal, check_target};
    let path = p.display().to_string();
    let key = match check_target(p, &ctx.paths.db, force) {
        Ok(()) => {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
            return match dir {
                Some(d) if !d.is_dir() => Err(CliError::Invalid(ctx.i18n.tf(
                    "safety.no_folder",
                    &[("dir", &d.display().to_string()), ("path", &path)],
                ))),
                _ => Ok(()),
            };
        }
        Err(Refusal::Exists) => "safety.export_exists",
        Err(Refusal::Diary) => "safety.export_diary",
        Err(Refusal::Database) => "safety.export_database",
        Err(Refusal::NotRegular) => "safety.export_not_regular",
    };
    Err(CliError::Invalid(ctx.i18n.tf(key, &[("path", &path)])))
}

/// Write to a file atomically (owner-only, temporary file removed on any error), or to stdout.
fn deliver(
    ctx: &Ctx,
    path: Option<&PathBuf>,
    out: &mut impl Write,
    f: impl FnOnce(&mut dyn Write) -> Result<usize, ExchangeError>,
) -> CliResult<usize> {
    match path {
        None => f(out).map_err(|e| err(ctx, e)),
        Some(p) => crate::store::atomic::write_with(p, |w| f(w)).map_err(|e| match e {
            ExchangeError::Io(io) => CliError::Failed(format!(
                "cannot write {}: {io}; nothing was written",
                p.display()
            )),
            other => err(ctx, other),
        }),
    }
}

pub fn export(ctx: &Ctx, a: ExportArgs, out: &mut impl Write) -> CliResult {
    let format = match a.format {
        FormatArg::Pdf => Format::Pdf,
        FormatArg::Html => Format::Html,
        FormatArg::Md => Format::Md,
        FormatArg::Csv => Format::Csv,
        FormatArg::Json => Format::Json,
        FormatArg::Fhir => Format::Fhir,
        FormatArg::Ics => Format::Ics,
    };
    let day = |field: &str, s: &Option<String>| {
        s.as_deref()
            .map(|s| parse_date(s, &ctx.clock).map_err(|e| ctx.when(field, &e)))
            .transpose()
    };
    let period = Period {
        from: day("from", &a.from)?,
        to: day("to", &a.to)?,
        since_last_visit: a.since_last_visit,
        include_deleted: a.deleted,
        full: a.full,
        patient: ctx.paths.patient.clone(),
    };
    let bom = format == Format::Csv
        && !a.no_bom
        && (a.bom || ctx.i18n.lang == crate::present::i18n::Lang::Zh);
    let output = a.output.filter(|p| p.as_os_str() != "-");
    if !ctx.paths.db.exists() {
        return Err(CliError::Invalid(ctx.i18n.t("export.no_diary").to_string()));
    }
    if let Some(p) = &output {
        writable_target(ctx, p, a.force)?;
    }
    let mut store = ctx.open_store()?;
    let i = &ctx.i18n;
    let n = deliver(ctx, output.as_ref(), out, |w| {
        if bom {
            w.write_all("\u{feff}".as_bytes())?;
        }
        crate::app::export::export(
            &mut store,
            format,
            &period,
            &ctx.clock,
            &ctx.settings,
            i,
            &ctx.paths.config,
            w,
            &mut |_, _| {},
        )
    })?;
    if let Some(p) = &output {
        eprintln!(
            "{}",
            ctx.i18n.tf(
                "export.written",
                &[
                    ("path", &p.display().to_string()),
                    ("n", &n.to_string()),
                    ("format", format.code())
                ]
            )
        );
    }
    Ok(())
}

/// The bytes of `file`, or of standard input for `-`.
fn read_input(ctx: &Ctx, file: &std::path::Path) -> CliResult<Vec<u8>> {
    if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf).map_err(|e| {
            CliError::Invalid(
                ctx.i18n
                    .tf("exchange.stdin_read", &[("reason", &e.to_string())]),
            )
        })?;
        return Ok(buf);
    }
    std::fs::read(file).map_err(|e| CliError::Invalid(format!("{}: {e}", file.display())))
}

pub fn import(ctx: &Ctx, a: ImportArgs, out: &mut impl Write) -> CliResult {
    let i: &I18n = &ctx.i18n;
    let bytes = read_input(ctx, &a.file)?;
    let shown = a.file.display().to_string();
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    // A diary file is restored, not imported (it was refused as "not UTF-8 … GBK").
    if bytes.starts_with(b"SQLite format 3\0") {
        return Err(CliError::Invalid(
            i.tf("exchange.is_database", &[("path", &shown)]),
        ));
    }
    let looks_json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let is_json = a
        .file
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
        || looks_json;
    let refused = |m: String| {
        CliError::Invalid(format!(
            "{shown}: {}",
            i.tf("import.nothing_written", &[("reason", &m)])
        ))
    };
    if is_json {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| CliError::Invalid(i.tf("exchange.not_utf8", &[("path", &shown)])))?;
        let store = if a.as_new_patient {
            None
        } else {
            Some(ctx.open_store()?)
        };
        return import_backup(ctx, &a, text, store, out).map_err(|e| match e {
            ExchangeError::Invalid(m) => refused(m),
            other => err(ctx, other),
        });
    }
    let text = crate::app::lab_sheet::decode(bytes)
        .ok_or_else(|| CliError::Invalid(i.tf("exchange.not_utf8", &[("path", &shown)])))?;
    let mut store = ctx.open_store()?;
    let r = crate::app::import::import_csv(&mut store, &text, &ctx.clock, a.skip_invalid, i)
        .map_err(|e| match e {
            ExchangeError::Invalid(m) => refused(m),
            other => err(ctx, other),
        })?;
    if a.json {
        let v = serde_json::json!({
            "imported": "lab_results",
            "file": shown,
            "written": r.written,
            "entries_added": r.imported,
            "entries_present": r.already_present,
            "refused": r.refused.iter().map(|(line, why)| serde_json::json!({ "line": line, "reason": why })).collect::<Vec<_>>(),
        });
        writeln!(out, "{v}").map_err(io_error)?;
    }
    for (line, why) in r.refused.iter().filter(|_| !a.json) {
        eprintln!(
            "{}",
            i.tf(
                "import.refused_row",
                &[("line", &line.to_string()), ("reason", why)]
            )
        );
    }
    if !r.written {
        return Err(CliError::Invalid(
            i.tf("import.csv_refused", &[("n", &r.refused.len().to_string())]),
        ));
    }
    if a.json {
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        i.tf(
            "import.csv_done",
            &[
                ("imported", &r.imported.to_string()),
                ("present", &r.already_present.to_string()),
                ("refused", &r.refused.len().to_string())
            ]
        )
    )
    .map_err(io_error)
}

/// A diary file for the backup's patient beside this one: named after the patient (or the
/// patient id).
fn new_patient_db(ctx: &Ctx, b: &crate::export::json::Backup) -> PathBuf {
    let slug: String = b
        .profile
        .name
        .as_deref()
        .or(b.patient_name.as_deref())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let slug = slug.trim_matches('-').to_string();
    // A name `--patient` accepts (not "CON", not too long), else the patient id.
    let usable = crate::app::patients::check_name(&slug).is_ok();
    let name = if slug.is_empty() || !usable {
        let u = b.patient_uid.as_deref().unwrap_or("new");
        format!("patient-{}", &u[..u.len().min(8)])
    } else {
        slug
    };
    let dir = ctx.paths.db.parent().map(PathBuf::from).unwrap_or_default();
    dir.join(format!("{name}.sqlite"))
}

fn import_backup(
    ctx: &Ctx,
    a: &ImportArgs,
    text: &str,
    store: Option<crate::store::Store>,
    out: &mut impl Write,
) -> Result<(), ExchangeError> {
    let i = &ctx.i18n;
    let opts = crate::app::import::JsonOptions {
        merge_anyway: a.merge_anyway,
        keep_settings: a.keep_settings,
        keep_mine: a.keep_mine,
    };
    // A new patient's diary is made under a temporary name and moved into place only when
    // the import succeeded: a refused or killed import leaves nothing that blocks a retry.
    let (mut store, making) = match store {
        Some(s) => (s, None),
        None => {
            let b = crate::export::json::parse(text).map_err(ExchangeError::Invalid)?;
            let path = new_patient_db(ctx, &b);
            if path.exists() {
                return Err(ExchangeError::Invalid(i.tf(
                    "exchange.new_patient_exists",
                    &[("path", &path.display().to_string())],
                )));
            }
            let (d, s) = crate::store::new_diary::NewDiary::begin(&path)?;
            (s, Some(d))
        }
    };
    // A new patient's settings go beside the new diary (NAME.toml, what `--patient NAME`
    // reads); this computer's settings file stays untouched.
    let config = match &making {
        Some(d) => d.settings_path(),
        None => ctx.paths.config.clone(),
    };
    let current = std::fs::read_to_string(&config).ok();
    let imported = crate::app::import::import_backup(
        &mut store,
        text,
        &ctx.clock,
        &opts,
        current.as_deref(),
        i,
    );
    use crate::app::import::SettingsOutcome;
    // The settings are written first: a new patient's diary is moved into place only when
    // everything else succeeded (a settings file that cannot be written undoes it).
    let settings = |r: &crate::app::import::JsonReport| match (r.settings, &r.settings_text) {
        (SettingsOutcome::Restored, Some(t)) => crate::app::import::restore_settings(&config, t),
        _ => Ok(None),
    };
    let (r, new_db, kept) = match (imported, making) {
        (Ok(r), Some(d)) => match settings(&r) {
            Ok(kept) => {
                let path = d.finish(store)?;
                (r, Some(path), kept)
            }
            Err(e) => {
                d.abandon(store);
                return Err(e);
            }
        },
        (Ok(r), None) => {
            let kept = settings(&r)?;
            (r, None, kept)
        }
        (Err(e), Some(d)) => {
            d.abandon(store);
            return Err(e);
        }
        (Err(e), None) => return Err(e),
    };
    if a.json {
        let m = &r.merge;
        let v = serde_json::json!({
            "imported": "backup",
            "file": a.file.display().to_string(),
            "entries_added": m.entries_added,
            "entries_present": m.entries_present,
            "regimens_added": m.regimens_added,
            "regimens_present": m.regimens_present,
            "questions_added": m.questions_added,
            "profile_fields_filled": m.profile_fields_filled,
            "kept_differing": m.differing.len(),
            "refused": [],
            "new_diary": new_db.as_ref().map(|p| p.display().to_string()),
            "settings": match r.settings {
                SettingsOutcome::Restored if r.settings_text.is_some() => "restored",
                SettingsOutcome::Restored | SettingsOutcome::NoneInBackup => "none_in_backup",
                SettingsOutcome::Same => "same",
                SettingsOutcome::KeptLocal => "kept_local",
            },
            "previous_settings_kept_at": kept.as_ref().map(|p| p.display().to_string()),
        });
        writeln!(out, "{v}")?;
        return Ok(());
    }
    let lines = backup_lines(i, &r, new_db.as_deref(), kept.as_deref());
    for l in lines {
        writeln!(out, "{l}")?;
    }
    Ok(())
}

/// What a backup import did, in words.
fn backup_lines(
    i: &I18n,
    r: &crate::app::import::JsonReport,
    new_db: Option<&Path>,
    kept: Option<&Path>,
) -> Vec<String> {
    use crate::app::import::SettingsOutcome;
    let m = &r.merge;
    let mut lines = vec![i.tf(
        "import.json_done",
        &[
            ("added", &m.entries_added.to_string()),
            ("present", &m.entries_present.to_string()),
            ("regimens", &m.regimens_added.to_string()),
            ("questions", &m.questions_added.to_string()),
        ],
    )];
    if !m.differing.is_empty() {
        lines.push(i.tf(
            "exchange.kept_mine",
            &[("n", &m.differing.len().to_string())],
        ));
    }
    if let Some(p) = new_db {
        // `--patient NAME` reads NAME.toml beside the diary in the data folder; elsewhere the
        // settings file is named with `--config`.
        let name = p
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let in_data_dir =
            crate::app::config::default_data_dir().is_some_and(|d| p.parent() == Some(d.as_path()));
        let open = match in_data_dir && crate::app::patients::check_name(&name).is_ok() {
            true => format!("--patient {name}"),
            false => format!(
                "--db {} --config {}",
                p.display(),
                p.with_extension("toml").display()
            ),
        };
        lines.push(i.tf(
            "exchange.new_patient_done",
            &[("path", &p.display().to_string()), ("open", &open)],
        ));
    }
    lines.push(match (r.settings, &r.settings_text, kept) {
        (SettingsOutcome::Restored, Some(_), Some(kept)) => i.tf(
            "exchange.settings_restored",
            &[("kept", &kept.display().to_string())],
        ),
        (SettingsOutcome::Restored, Some(_), None) => i.t("exchange.settings_restored_new").into(),
        (SettingsOutcome::Same, _, _) => i.t("exchange.settings_same").into(),
        (SettingsOutcome::KeptLocal, _, _) => i.t("exchange.settings_kept").into(),
        _ => i.t("exchange.settings_none").into(),
    });
    lines
}

pub fn backup(ctx: &Ctx, path: Option<PathBuf>, out: &mut impl Write) -> CliResult {
    if !ctx.paths.db.exists() {
        return Err(CliError::Invalid(ctx.i18n.t("export.no_diary").to_string()));
    }
    let store = ctx.open_store()?;
    let dest = match path {
        Some(p) => {
            if p.exists() || p.is_symlink() {
                return Err(CliError::Invalid(
                    ctx.i18n
                        .tf("backup.exists", &[("path", &p.display().to_string())]),
                ));
            }
            crate::app::backup::backup_to(&store, &p).map_err(|e| err(ctx, e))?;
            p
        }
        None => {
            use crate::app::backup::{backup_unique, backups_dir, diary_stem};
            let name = format!(
                "{}-{}",
                diary_stem(&ctx.paths.db),
                ctx.clock.now().format("%Y%m%dT%H%M%S")
            );
            backup_unique(&store, &backups_dir(&ctx.paths.data_dir), &name)
                .map_err(|e| err(ctx, e))?
        }
    };
    writeln!(
        out,
        "{}",
        ctx.i18n
            .tf("backup.done", &[("path", &dest.display().to_string())])
    )
    .map_err(io_error)
}

pub fn restore(ctx: &Ctx, path: PathBuf, out: &mut impl Write) -> CliResult {
    let mut store = ctx.open_store()?;
    let kept = crate::app::backup::restore(&mut store, &path, &ctx.paths.data_dir, &ctx.clock)
        .map_err(|e| match e {
            // SQLite's findings may span lines: one visible line.
            ExchangeError::Store(s) => CliError::Invalid(crate::present::sanitize::visible_line(
                &ctx.i18n
                    .tf("restore.untouched", &[("reason", &s.to_string())]),
            )),
            other => err(ctx, other),
        })?;
    writeln!(
        out,
        "{}",
        ctx.i18n.tf(
            "restore.done",
            &[
                ("path", &path.display().to_string()),
                ("kept", &kept.display().to_string())
            ]
        )
    )
    .map_err(io_error)
}
