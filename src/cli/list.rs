//! `itp-diary list`: entries newest first as a table, JSON or CSV.

use std::io::Write;

use chrono::{NaiveTime, Utc};
use clap::{Args, ValueEnum};

use super::log::code;
use super::{CliError, CliResult, Ctx, io_error};
use crate::domain::entry::{Entry, Kind};
use crate::domain::when::parse_date;
use crate::export::flat;
use crate::present::describe::{pad, truncate};
use crate::store::EntryFilter;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this kind: platelets, dose, lab, weight, bp, bleeding, side-effect, event.
    pub kind: Option<String>,
    /// Only this analyte, drug, site, effect or event (e.g. creatinine, cyclosporine).
    #[arg(long)]
    pub subject: Option<String>,
    /// From this date (inclusive): YYYY-MM-DD, today, yesterday.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// To this date (inclusive).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Include deleted entries (marked).
    #[arg(long)]
    pub deleted: bool,
    /// At most this many entries.
    #[arg(long)]
    pub limit: Option<usize>,
}

/// Resolve the arguments into a store filter.
pub fn filter(ctx: &Ctx, a: &ListArgs) -> CliResult<EntryFilter> {
    let kind = a
        .kind
        .as_deref()
        .map(|k| code(ctx, "kind", k, Kind::parse, Kind::accepted))
        .transpose()?;
    let day = |field: &str, s: &str| parse_date(s, &ctx.clock).map_err(|e| ctx.when(field, &e));
    let from = a.from.as_deref().map(|s| day("from", s)).transpose()?;
    let to = a.to.as_deref().map(|s| day("to", s)).transpose()?;
    // Entries are chosen by the local date they show (as the exports choose them); the UTC
    // window, a day wider each side (UTC offsets reach ±14 h), only narrows the index scan.
    let midnight = |d: chrono::NaiveDate, days: i64| -> Option<chrono::DateTime<Utc>> {
        let d = d + chrono::Duration::days(days);
        ctx.clock
            .localize(d.and_time(NaiveTime::MIN))
            .map(|t| t.with_timezone(&Utc))
    };
    Ok(EntryFilter {
        kind,
        subject: a.subject.as_deref().map(crate::domain::codes::fold),
        from: from.and_then(|d| midnight(d, -1)),
        to: to.and_then(|d| midnight(d, 2)),
        local_dates: (from, to),
        include_deleted: a.deleted,
        limit: a.limit,
        ..Default::default()
    })
}

pub fn run(ctx: &Ctx, args: ListArgs, out: &mut impl Write) -> CliResult {
    let f = filter(ctx, &args)?;
    // Listing never creates a diary: a missing file has no entries.
    let store = if ctx.paths.db.exists() {
        Some(ctx.open_store()?)
    } else {
        None
    };
    if let Format::Json = args.format {
        return json(ctx, store.as_ref(), &f, out);
    }
    let entries = match &store {
        Some(s) => s.entries(&f).map_err(|e| ctx.store_error(e))?,
        None => Vec::new(),
    };
    match args.format {
        Format::Csv => flat::write_csv(&mut *out, &entries).map_err(|e| match e.into_kind() {
            csv::ErrorKind::Io(io) => io_error(io),
            other => CliError::Failed(format!("{other:?}")),
        }),
        Format::Table | Format::Json => table(ctx, &entries, out),
    }
}

/// The JSON array, one record serialised at a time straight to `out` (memory stays flat
/// however long the history): the same text as pretty-printing the whole array.
fn json(
    ctx: &Ctx,
    store: Option<&crate::store::Store>,
    f: &crate::store::EntryFilter,
    out: &mut impl Write,
) -> CliResult {
    use serde::ser::{SerializeSeq, Serializer};
    let mut ser = serde_json::Serializer::pretty(&mut *out);
    let failed = |e: serde_json::Error| match e.io_error_kind() {
        Some(_) => io_error(std::io::Error::from(e)),
        None => CliError::Failed(e.to_string()),
    };
    let mut seq = ser.serialize_seq(None).map_err(failed)?;
    let mut write_error = None;
    if let Some(store) = store {
        let read = store.each_entry(f, |e| {
            seq.serialize_element(&flat::record(&e)).map_err(|w| {
                write_error = Some(w);
                crate::store::StoreError::Corrupt(String::new())
            })
        });
        if let Some(w) = write_error {
            return Err(failed(w));
        }
        read.map_err(|e| ctx.store_error(e))?;
    }
    seq.end().map_err(failed)?;
    writeln!(out).map_err(io_error)
}

fn table(ctx: &Ctx, entries: &[Entry], out: &mut impl Write) -> CliResult {
    let i = &ctx.i18n;
    if entries.is_empty() {
        return writeln!(out, "{}", i.t("cli.no_entries")).map_err(io_error);
    }
    let rows: Vec<[String; 6]> = entries
        .iter()
        .map(|e| {
            let mut what = crate::present::describe::what(&e.data, i);
            if e.deleted {
                what = format!("{what} {}", i.t("cli.deleted_mark"));
            }
            [
                e.id.to_string(),
                crate::present::describe::shown_time(&ctx.clock, &e.at),
                i.t(&e.data.kind().label_key()).to_string(),
                what,
                crate::present::describe::value(&e.data, i),
                truncate(&e.note.clone().unwrap_or_default().replace('\n', " "), 40),
            ]
        })
        .collect();
    let header = [
        i.t("cli.col_id"),
        i.t("cli.col_time"),
        i.t("cli.col_kind"),
        i.t("cli.col_what"),
        i.t("cli.col_value"),
        i.t("cli.col_note"),
    ];
    let width = |c: usize| {
        rows.iter()
            .map(|r| unicode_width::UnicodeWidthStr::width(r[c].as_str()))
            .chain(std::iter::once(unicode_width::UnicodeWidthStr::width(
                header[c],
            )))
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..6).map(width).collect();
    let line = |cells: [&str; 6]| {
        let mut s = String::new();
        for (c, cell) in cells.iter().enumerate() {
            if c == 5 {
                s.push_str(cell);
            } else {
                s.push_str(&pad(cell, widths[c]));
                s.push_str("  ");
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(header)).map_err(io_error)?;
    for r in &rows {
        writeln!(out, "{}", line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]])).map_err(io_error)?;
    }
    Ok(())
}
