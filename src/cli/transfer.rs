//! `itp-diary export | import | backup | restore | note`.

use std::io::Write;
use std::path::PathBuf;

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
    /// Write to this file (created readable by you only) instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A JSON backup (itp-diary export --format json) or a CSV of lab results.
    pub file: PathBuf,
    /// For CSV: import the valid rows even if some are refused.
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Args)]
pub struct NoteArgs {
    /// A question for the next clinic visit (printed in the report).
    #[arg(long, value_name = "TEXT")]
    pub for_visit: Option<String>,
    /// List the open questions.
    #[arg(long)]
    pub list: bool,
    /// Mark a question answered.
    #[arg(long, value_name = "ID")]
    pub done: Option<i64>,
}

fn err(ctx: &Ctx, e: ExchangeError) -> CliError {
    match e {
        ExchangeError::Store(s) => ctx.store_error(s),
        ExchangeError::Invalid(m) => CliError::Invalid(m),
        ExchangeError::Io(e) => io_error(e),
    }
}

/// Write to a file atomically with mode 0600, or to stdout.
fn deliver(
    ctx: &Ctx,
    path: Option<&PathBuf>,
    out: &mut impl Write,
    f: impl FnOnce(&mut dyn Write) -> Result<usize, ExchangeError>,
) -> CliResult<usize> {
    match path {
        None => f(out).map_err(|e| err(ctx, e)),
        Some(p) => {
            use std::os::unix::fs::OpenOptionsExt;
            let tmp = p.with_extension(format!("tmp-{}", std::process::id()));
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)
                .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", tmp.display())))?;
            let mut w = std::io::BufWriter::new(file);
            let n = match f(&mut w) {
                Ok(n) => n,
                Err(e) => {
                    drop(w);
                    let _ = std::fs::remove_file(&tmp);
                    return Err(err(ctx, e));
                }
            };
            w.flush()
                .and_then(|_| w.get_ref().sync_all())
                .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", p.display())))?;
            std::fs::rename(&tmp, p)
                .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", p.display())))?;
            Ok(n)
        }
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
        full: a.full,
    };
    if !ctx.paths.db.exists() {
        return Err(CliError::Invalid(ctx.i18n.t("export.no_diary").to_string()));
    }
    let mut store = ctx.open_store()?;
    let i = &ctx.i18n;
    let n = deliver(ctx, a.output.as_ref(), out, |w| {
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
    if let Some(p) = &a.output {
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

pub fn import(ctx: &Ctx, a: ImportArgs, out: &mut impl Write) -> CliResult {
    let i: &I18n = &ctx.i18n;
    let text = std::fs::read_to_string(&a.file)
        .map_err(|e| CliError::Invalid(format!("{}: {e}", a.file.display())))?;
    let is_json = a
        .file
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('{');
    let mut store = ctx.open_store()?;
    if is_json {
        let r = crate::app::import::import_json(&mut store, &text, &ctx.clock).map_err(
            |e| match e {
                ExchangeError::Invalid(m) => CliError::Invalid(format!(
                    "{}: {m}; {}",
                    a.file.display(),
                    i.t("import.nothing_written")
                )),
                other => err(ctx, other),
            },
        )?;
        writeln!(
            out,
            "{}",
            i.tf(
                "import.json_done",
                &[
                    ("added", &r.entries_added.to_string()),
                    ("present", &r.entries_present.to_string()),
                    ("regimens", &r.regimens_added.to_string()),
                    ("questions", &r.questions_added.to_string()),
                ]
            )
        )
        .map_err(io_error)
    } else {
        let r = crate::app::import::import_csv(&mut store, &text, &ctx.clock, a.skip_invalid, i)
            .map_err(|e| match e {
                ExchangeError::Invalid(m) => CliError::Invalid(format!(
                    "{}: {m}; {}",
                    a.file.display(),
                    i.t("import.nothing_written")
                )),
                other => err(ctx, other),
            })?;
        for (line, why) in &r.refused {
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
}

pub fn backup(ctx: &Ctx, path: Option<PathBuf>, out: &mut impl Write) -> CliResult {
    if !ctx.paths.db.exists() {
        return Err(CliError::Invalid(ctx.i18n.t("export.no_diary").to_string()));
    }
    let store = ctx.open_store()?;
    let dest = match path {
        Some(p) => p,
        None => {
            let dir = crate::app::backup::backups_dir(&ctx.paths.data_dir);
            crate::app::backup::create_private_dir(&dir)
                .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", dir.display())))?;
            dir.join(format!(
                "itp-diary-{}.sqlite",
                ctx.clock.now().format("%Y%m%dT%H%M%S")
            ))
        }
    };
    if dest.exists() {
        return Err(CliError::Invalid(
            ctx.i18n
                .tf("backup.exists", &[("path", &dest.display().to_string())]),
        ));
    }
    crate::app::backup::backup_to(&store, &dest).map_err(|e| err(ctx, e))?;
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
            ExchangeError::Store(s) => {
                CliError::Invalid(format!("{}; {}", s, ctx.i18n.t("restore.untouched")))
            }
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

pub fn note(ctx: &Ctx, a: NoteArgs, out: &mut impl Write) -> CliResult {
    let i = &ctx.i18n;
    if let Some(t) = &a.for_visit {
        let t = crate::domain::validate::note(Some(t.clone())).map_err(|e| ctx.invalid(&e))?;
        let Some(t) = t else {
            return Err(CliError::Invalid(
                i.tf("error.missing", &[("field", &i.field("note"))]),
            ));
        };
        let mut store = ctx.open_store()?;
        let id = store
            .add_question(&t, ctx.clock.now())
            .map_err(|e| ctx.store_error(e))?;
        return writeln!(out, "{}", i.tf("note.saved", &[("id", &id.to_string())]))
            .map_err(io_error);
    }
    if let Some(id) = a.done {
        let mut store = ctx.open_store()?;
        store
            .answer_question(id, ctx.clock.now())
            .map_err(|e| ctx.store_error(e))?;
        return writeln!(out, "{}", i.tf("note.done", &[("id", &id.to_string())]))
            .map_err(io_error);
    }
    let qs = if ctx.paths.db.exists() {
        ctx.open_store()?
            .questions(false)
            .map_err(|e| ctx.store_error(e))?
    } else {
        Vec::new()
    };
    if qs.is_empty() {
        return writeln!(out, "{}", i.t("note.none")).map_err(io_error);
    }
    for q in qs {
        writeln!(
            out,
            "{:>4}  {}  {}",
            q.id,
            q.created_at.format("%Y-%m-%d"),
            q.text
        )
        .map_err(io_error)?;
    }
    Ok(())
}
