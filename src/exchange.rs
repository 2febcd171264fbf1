//! App services for moving data in and out: exports for the clinic, the JSON backup and its
//! import (all or nothing), lab results from CSV, file backups and restore. Formats are pure
//! functions in `export`; this module loads what they need and talks to the store.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Utc};

use crate::config::Settings;
use crate::domain::clock::Clock;
use crate::domain::entry::{Entry, EntryData, Kind, NewEntry};
use crate::export::{fhir, flat, html, ics, json, md, report};
use crate::i18n::I18n;
use crate::input::{InputError, RawEntry, build, raw_from_entry};
use crate::service;
use crate::store::{EntryFilter, Merge, MergeReport, Order, Store, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Html,
    Md,
    Csv,
    Json,
    Fhir,
    Ics,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Html,
        Format::Md,
        Format::Csv,
        Format::Json,
        Format::Fhir,
        Format::Ics,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Md => "md",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Fhir => "fhir",
            Format::Ics => "ics",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Fhir => "fhir.json",
            other => other.code(),
        }
    }
}

/// Which part of the history.
#[derive(Clone, Debug, Default)]
pub struct Period {
    pub from: Option<NaiveDate>,
    /// Inclusive.
    pub to: Option<NaiveDate>,
    pub since_last_visit: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    /// Refused input: the position and the reason of the first problem.
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T> = std::result::Result<T, ExchangeError>;

fn midnight(clock: &Clock, d: NaiveDate) -> DateTime<FixedOffset> {
    clock
        .localize(d.and_time(NaiveTime::MIN))
        .or_else(|| {
            clock.localize(d.and_time(NaiveTime::from_hms_opt(1, 0, 0).unwrap_or(NaiveTime::MIN)))
        })
        .unwrap_or_else(|| clock.now())
}

/// Resolve a period to `[from, to)`.
pub fn resolve(
    store: &Store,
    p: &Period,
    clock: &Clock,
) -> Result<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
    let now = clock.now();
    let to = match p.to {
        Some(d) => midnight(clock, d + Duration::days(1)),
        None => now + Duration::seconds(1),
    };
    let from = if p.since_last_visit {
        service::last_visit(store)?.ok_or_else(|| ExchangeError::Invalid("--since-last-visit: no clinic visit is logged (log one with: itp-diary log event clinic-visit)".into()))?
    } else {
        match p.from {
            Some(d) => midnight(clock, d),
            None => service::first_entry_time(store)?
                .unwrap_or(now - Duration::days(1))
                .min(to - Duration::days(1)),
        }
    };
    if from >= to {
        return Err(ExchangeError::Invalid(format!(
            "--from {} is not before --to {}",
            from.format("%Y-%m-%d"),
            to.format("%Y-%m-%d")
        )));
    }
    Ok((from, to))
}

fn entries_between(
    store: &Store,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    deleted: bool,
) -> Result<Vec<Entry>> {
    Ok(store.entries(&EntryFilter {
        from: Some(from.with_timezone(&Utc)),
        to: Some(to.with_timezone(&Utc)),
        include_deleted: deleted,
        order: Order::OldestFirst,
        ..Default::default()
    })?)
}

/// Export `format` for `period` to `w`. Returns the number of entries written.
#[allow(clippy::too_many_arguments)]
pub fn export(
    store: &mut Store,
    format: Format,
    period: &Period,
    clock: &Clock,
    settings: &Settings,
    i: &I18n,
    config_path: &Path,
    mut w: &mut dyn Write,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<usize> {
    let t = &settings.thresholds;
    let (from, to) = resolve(store, period, clock)?;
    let labels = |code: &str| {
        if let Some(d) = crate::domain::drugs::Drug::parse(code) {
            i.t(&d.label_key()).to_string()
        } else {
            i.field(code)
        }
    };
    progress(0, 3);
    let n = match format {
        Format::Csv => {
            // Streamed: rows go out as they are read.
            let csv_err = |e: csv::Error| ExchangeError::Io(std::io::Error::other(e));
            let mut out = flat::CsvOut::new(&mut w).map_err(csv_err)?;
            let mut failed = None;
            let n = store.each_entry(
                &EntryFilter {
                    from: Some(from.with_timezone(&Utc)),
                    to: Some(to.with_timezone(&Utc)),
                    order: Order::OldestFirst,
                    ..Default::default()
                },
                |e| {
                    if failed.is_none()
                        && let Err(err) = out.write(&e)
                    {
                        failed = Some(err);
                    }
                    Ok(())
                },
            )?;
            if let Some(e) = failed {
                return Err(csv_err(e));
            }
            progress(1, 3);
            out.finish().map_err(csv_err)?;
            n
        }
        Format::Json => {
            let es = entries_between(store, from, to, true)?;
            progress(1, 3);
            let b = json::Backup {
                format: json::FORMAT.into(),
                version: json::VERSION,
                exported_at: clock.now(),
                profile: store.profile()?,
                settings: std::fs::read_to_string(config_path).ok(),
                regimens: store.regimens()?,
                entries: es.iter().map(json::EntryDoc::from_entry).collect(),
                visit_questions: store
                    .questions(true)?
                    .into_iter()
                    .map(|q| json::QuestionDoc {
                        uid: q.uid,
                        text: q.text,
                        created_at: q.created_at,
                        answered_at: q.answered_at,
                    })
                    .collect(),
            };
            json::write(&mut w, &b)?;
            es.len()
        }
        Format::Fhir => {
            let es = entries_between(store, from, to, false)?;
            let patient = store.patient_uid()?;
            progress(1, 3);
            fhir::write(
                &mut w,
                &patient,
                &store.profile()?,
                &store.regimens()?,
                &es,
                clock.now(),
                &labels,
            )?;
            es.len()
        }
        Format::Ics => {
            let (facts, o, rs) = service::assess(store, clock, t)?;
            let _ = (facts, o);
            progress(1, 3);
            let due: Vec<_> = rs
                .into_iter()
                .filter(|r| {
                    r.rule.ends_with("_due")
                        || r.rule.ends_with("_overdue")
                        || r.rule == "checkpoint"
                })
                .map(|r| {
                    let m = crate::text::reminder_message(&r, i);
                    (r, m)
                })
                .collect();
            ics::write(
                &mut w,
                &store.regimens()?,
                &due,
                clock.now(),
                &labels,
                i.t("app.name"),
            )?;
            due.len()
        }
        Format::Html | Format::Md => {
            let facts = service::load_window(store, from, to, clock, t)?;
            progress(1, 3);
            // Where the patient stands at the end of the period, from the recent history
            // (not only the period's entries), and the alerts of that moment.
            let at_end = Clock::Fixed(to.min(clock.now()));
            let (_, o, rs) = service::assess(store, &at_end, t)?;
            let alerts: Vec<_> = rs
                .into_iter()
                .filter(|r| {
                    r.severity != crate::domain::reminders::Severity::Info
                        || !r.rule.ends_with("_due")
                })
                .collect();
            let questions = store
                .questions(false)?
                .into_iter()
                .map(|q| q.text)
                .collect();
            let r = report::build(&facts, o, alerts, questions, from, to, clock, t);
            progress(2, 3);
            if format == Format::Html {
                html::write(&mut w, &r, i)?;
            } else {
                md::write(&mut w, &r, i)?;
            }
            r.entries
        }
    };
    progress(3, 3);
    Ok(n)
}

/// Import a JSON backup: everything is checked first (the first problem is reported with its
/// position) and then merged in one transaction; entries already present (same uid) are left
/// alone, so importing the same file twice changes nothing.
pub fn import_json(store: &mut Store, text: &str, clock: &Clock) -> Result<MergeReport> {
    let b = json::parse(text).map_err(ExchangeError::Invalid)?;
    let mut entries = Vec::with_capacity(b.entries.len());
    for (n, e) in b.entries.iter().enumerate() {
        let as_entry = Entry {
            id: 0,
            uid: e.uid.clone(),
            at: e.at,
            note: e.note.clone(),
            data: e.data.clone(),
            deleted: e.deleted,
            source: e.source,
        };
        let raw = raw_from_entry(&as_entry);
        // The same validation as typed entries; the canonical value is recomputed from what
        // was entered, so a hand-edited file cannot smuggle in a wrong conversion.
        let built = build(
            &raw,
            Some(&e.at.to_rfc3339()),
            e.note.clone(),
            clock,
            || None,
        )
        .map_err(|err| {
            ExchangeError::Invalid(format!("entries[{n}] (uid {}): {}", e.uid, describe(&err)))
        })?;
        let (checked, note, at) = built;
        entries.push((
            e.uid.clone(),
            NewEntry {
                at,
                note,
                data: checked.value,
            },
            e.deleted,
            e.source,
        ));
    }
    for (n, r) in b.regimens.iter().enumerate() {
        if r.steps.is_empty()
            || r.steps.iter().any(|s| {
                s.slots.is_empty()
                    || s.slots
                        .iter()
                        .any(|x| !(x.amount > 0.0 && x.amount <= 200_000.0))
            })
        {
            return Err(ExchangeError::Invalid(format!(
                "regimens[{n}] (uid {}): a step without valid doses",
                r.uid
            )));
        }
    }
    let questions: Vec<_> = b
        .visit_questions
        .iter()
        .map(|q| (q.uid.clone(), q.text.clone(), q.created_at, q.answered_at))
        .collect();
    Ok(store.merge(
        &Merge {
            entries,
            regimens: &b.regimens,
            profile: &b.profile,
            questions: &questions,
        },
        clock.now(),
    )?)
}

fn describe(e: &InputError) -> String {
    I18n::new(crate::i18n::Lang::En).input_error(e)
}

/// The columns of a lab-results CSV (the first row must name them; order free).
pub const CSV_REQUIRED: [&str; 4] = ["time", "analyte", "value", "unit"];
pub const CSV_OPTIONAL: [&str; 4] = ["lab", "reference", "last_dose", "note"];

/// What a CSV import did.
#[derive(Clone, Debug, Default)]
pub struct CsvReport {
    pub imported: usize,
    pub already_present: usize,
    /// (line number, reason)
    pub refused: Vec<(usize, String)>,
    pub written: bool,
}

/// Import lab results (and platelet counts) from CSV, validated like typed entries. With any
/// invalid row nothing is written unless `skip_invalid`.
pub fn import_csv(
    store: &mut Store,
    text: &str,
    clock: &Clock,
    skip_invalid: bool,
    i: &I18n,
) -> Result<CsvReport> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| ExchangeError::Invalid(format!("line 1: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    for h in &headers {
        if !CSV_REQUIRED.contains(&h.as_str()) && !CSV_OPTIONAL.contains(&h.as_str()) {
            return Err(ExchangeError::Invalid(format!(
                "line 1: unknown column '{h}' (accepted: {}, and optionally {})",
                CSV_REQUIRED.join(", "),
                CSV_OPTIONAL.join(", ")
            )));
        }
    }
    for r in CSV_REQUIRED {
        if !headers.iter().any(|h| h == r) {
            return Err(ExchangeError::Invalid(format!(
                "line 1: the column '{r}' is missing (required: {})",
                CSV_REQUIRED.join(", ")
            )));
        }
    }
    let col = |row: &csv::StringRecord, name: &str| -> Option<String> {
        headers
            .iter()
            .position(|h| h == name)
            .and_then(|k| row.get(k))
            .map(str::to_string)
            .filter(|s| !s.is_empty())
    };
    let mut rep = CsvReport::default();
    let mut good: Vec<NewEntry> = Vec::new();
    for (k, row) in rdr.records().enumerate() {
        let line = k + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                rep.refused.push((line, e.to_string()));
                continue;
            }
        };
        let analyte = col(&row, "analyte").unwrap_or_default();
        let value = col(&row, "value").unwrap_or_default();
        let raw = if Kind::parse(&analyte) == Some(Kind::Platelets) {
            RawEntry::Platelets {
                value,
                unit: col(&row, "unit"),
                lab: col(&row, "lab"),
            }
        } else {
            RawEntry::Lab {
                analyte,
                value,
                unit: col(&row, "unit"),
                lab: col(&row, "lab"),
                method: None,
                reference: col(&row, "reference"),
                last_dose: col(&row, "last_dose"),
            }
        };
        let Some(time) = col(&row, "time") else {
            rep.refused
                .push((line, i.tf("error.missing", &[("field", &i.field("at"))])));
            continue;
        };
        match build(&raw, Some(&time), col(&row, "note"), clock, || None) {
            Ok((c, note, at)) => {
                if is_present(store, &c.value, at)? {
                    rep.already_present += 1;
                } else {
                    good.push(NewEntry {
                        at,
                        note,
                        data: c.value,
                    });
                }
            }
            Err(e) => rep.refused.push((line, i.input_error(&e))),
        }
    }
    if rep.refused.is_empty() || skip_invalid {
        rep.imported = good.len();
        if !good.is_empty() {
            store.add_entries(&good, crate::domain::entry::Source::Import, clock.now())?;
        }
        rep.written = true;
    }
    Ok(rep)
}

/// An entry of the same kind, subject, time and value is already in the diary.
fn is_present(store: &Store, data: &EntryData, at: DateTime<FixedOffset>) -> Result<bool> {
    let same = store.entries(&EntryFilter {
        kind: Some(data.kind()),
        subject: data.subject().map(str::to_string),
        from: Some(at.with_timezone(&Utc)),
        to: Some((at + Duration::seconds(1)).with_timezone(&Utc)),
        ..Default::default()
    })?;
    Ok(same.iter().any(|e| e.data.value() == data.value()))
}

/// The backups folder beside the diary.
pub fn backups_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// A consistent copy of the diary (SQLite's backup API), written under a temporary name and
/// renamed, so a half-written backup never carries the final name.
pub fn backup_to(store: &Store, dest: &Path) -> Result<()> {
    let tmp = dest.with_extension(format!("partial-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    store.backup_to(&tmp)?;
    std::fs::rename(&tmp, dest)?;
    Ok(())
}

/// The path of today's automatic backup.
pub fn auto_backup_path(data_dir: &Path, clock: &Clock) -> PathBuf {
    backups_dir(data_dir).join(format!("auto-{}.sqlite", clock.today().format("%Y-%m-%d")))
}

/// The daily automatic backup: `auto-YYYY-MM-DD.sqlite` in the backups folder unless today's
/// exists, keeping the newest `keep`. Returns the path when one was made.
pub fn auto_backup(
    store: &Store,
    data_dir: &Path,
    clock: &Clock,
    keep: usize,
) -> Result<Option<PathBuf>> {
    let dest = auto_backup_path(data_dir, clock);
    if dest.exists() {
        return Ok(None);
    }
    let dir = backups_dir(data_dir);
    create_private_dir(&dir)?;
    backup_to(store, &dest)?;
    let mut autos: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("auto-") && n.ends_with(".sqlite"))
        })
        .collect();
    autos.sort();
    while autos.len() > keep {
        let old = autos.remove(0);
        let _ = std::fs::remove_file(old);
    }
    Ok(Some(dest))
}

pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.exists() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Replace the diary with a backup file: the file is checked first (a readable diary of a known
/// version), the current diary is copied to the backups folder, then replaced.
pub fn restore(store: &mut Store, src: &Path, data_dir: &Path, clock: &Clock) -> Result<PathBuf> {
    Store::check_file(src)?;
    let dir = backups_dir(data_dir);
    create_private_dir(&dir)?;
    let keep = dir.join(format!(
        "before-restore-{}.sqlite",
        clock.now().format("%Y%m%dT%H%M%S")
    ));
    backup_to(store, &keep)?;
    store.replace_from(src)?;
    Ok(keep)
}
