//! Importing: the JSON backup (all or nothing, merged by uid) and lab results from CSV.

use chrono::{DateTime, Duration, FixedOffset, Utc};

use crate::app::entry_input::{InputError, RawEntry, build, raw_from_entry};
use crate::domain::clock::Clock;
use crate::domain::entry::{Entry, EntryData, Kind, NewEntry};
use crate::domain::validate::DOSE_MG_BOUNDS;
use crate::export::json;
use crate::present::i18n::I18n;
use crate::store::{EntryFilter, Merge, MergeReport, Store};

use super::{ExchangeError, Result, lab_sheet};

mod checks;
use checks::{imported_plans, imported_texts, no_second_plan, same_patient};

/// How a JSON backup is taken in.
#[derive(Clone, Debug, Default)]
pub struct JsonOptions {
    /// Merge a backup of another patient into this diary (the patient is the same person).
    pub merge_anyway: bool,
    /// Keep this computer's settings instead of the backup's.
    pub keep_settings: bool,
    /// Where an entry, plan or question is here with other content, keep this diary's and
    /// add the rest (otherwise the import is refused, naming them).
    pub keep_mine: bool,
}

/// What became of the settings in a backup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingsOutcome {
    /// The backup's settings replaced the local ones (which were kept beside them).
    Restored,
    /// The backup's settings are the local ones already.
    Same,
    /// `--keep-settings`: the local ones stay.
    KeptLocal,
    /// The backup has none.
    NoneInBackup,
}

/// What a JSON import did.
#[derive(Clone, Debug)]
pub struct JsonReport {
    pub merge: MergeReport,
    pub settings: SettingsOutcome,
    /// The settings text to write (when `settings` is `Restored`); see [`restore_settings`].
    pub settings_text: Option<String>,
}

/// Import a JSON backup: everything is checked first (the first problem is reported with its
/// position) and then merged in one transaction; entries already present (same uid) are left
/// alone, so importing the same file twice changes nothing.
pub fn import_json(store: &mut Store, text: &str, clock: &Clock) -> Result<MergeReport> {
    let i = I18n::new(crate::present::i18n::Lang::En);
    let opts = JsonOptions {
        merge_anyway: false,
        keep_settings: true,
        keep_mine: false,
    };
    Ok(import_backup(store, text, clock, &opts, None, &i)?.merge)
}

/// Import a JSON backup (see [`import_json`]): a backup of another patient is refused unless
/// `merge_anyway`; the backup's patient id is taken on by a diary that has none (so FHIR ids
/// survive backup → import); `current_settings` is the local settings file's text, compared
/// with the backup's.
pub fn import_backup(
    store: &mut Store,
    text: &str,
    clock: &Clock,
    opts: &JsonOptions,
    current_settings: Option<&str>,
    i: &I18n,
) -> Result<JsonReport> {
    let b = json::parse(text).map_err(ExchangeError::Invalid)?;
    imported_plans(&b, clock)?;
    let born = store.profile()?.birth_year.or(b.profile.birth_year);
    let entries = checked_entries(&b, clock, born)?;
    for (n, r) in b.regimens.iter().enumerate() {
        if r.steps.is_empty()
            || r.steps.iter().any(|s| {
                s.slots.is_empty()
                    || s.slots
                        .iter()
                        .any(|x| !(x.amount > 0.0 && x.amount <= DOSE_MG_BOUNDS.max))
            })
        {
            return Err(ExchangeError::Invalid(format!(
                "regimens[{n}] (uid {}): a step without valid doses",
                r.uid
            )));
        }
    }
    imported_texts(&b)?;
    let adopt = same_patient(store, &b, opts, i)?;
    no_second_plan(store, &b.regimens, i)?;
    let (settings, settings_text) = match (&b.settings, opts.keep_settings) {
        (None, _) => (SettingsOutcome::NoneInBackup, None),
        (Some(_), true) => (SettingsOutcome::KeptLocal, None),
        (Some(t), false) if Some(t.as_str()) == current_settings => (SettingsOutcome::Same, None),
        (Some(t), false) => {
            crate::app::config::parse_settings(t)
                .map_err(|e| ExchangeError::Invalid(format!("settings: {e}")))?;
            (SettingsOutcome::Restored, Some(t.clone()))
        }
    };
    let questions: Vec<_> = b
        .visit_questions
        .iter()
        .map(|q| (q.uid.clone(), q.text.clone(), q.created_at, q.answered_at))
        .collect();
    let deleted_at = b
        .entries
        .iter()
        .filter_map(|e| Some((e.uid.clone(), e.deleted_at.clone()?)))
        .collect();
    let revisions: Vec<crate::store::RevisionRow> = b
        .entry_revisions
        .iter()
        .map(|r| crate::store::RevisionRow {
            entry_id: 0,
            entry_uid: r.entry_uid.clone(),
            action: r.action.clone(),
            previous: serde_json::Value::Object(r.previous.clone()).to_string(),
            changed_at: r
                .changed_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
        .collect();
    let merge = store
        .merge(
            &Merge {
                entries,
                regimens: &b.regimens,
                profile: &b.profile,
                questions: &questions,
                patient_uid: adopt.as_deref(),
                deleted_at,
                revisions: &revisions,
                keep_mine: opts.keep_mine,
            },
            clock.now(),
        )
        .map_err(|e| match e {
            crate::store::StoreError::Differing(d) => {
                ExchangeError::Invalid(crate::present::describe::differing(&d, i))
            }
            e => e.into(),
        })?;
    Ok(JsonReport {
        merge,
        settings,
        settings_text,
    })
}

/// Write restored settings to `path` (mode 0600, through a temporary file); the previous file,
/// when there is one, is kept as `<path>.before-import`, or `…before-import-2`, `-3` … when
/// that name is taken: a second restore never overwrites the copy of the first (outside
/// review, session 6).
pub fn restore_settings(path: &std::path::Path, text: &str) -> Result<Option<std::path::PathBuf>> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::app::backup::create_private_dir(dir)?;
    }
    let kept = if path.exists() {
        Some(keep_copy(path)?)
    } else {
        None
    };
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let mut f = crate::app::platform::private_file_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(kept)
}

/// Copy `path` to the first free name of `<path>.before-import`, `…-2`, `-3` … (claimed with
/// `create_new`, so two restores at once cannot take the same one), owner-only.
fn keep_copy(path: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write;
    let bytes = std::fs::read(path)?;
    for n in 1..10_000 {
        let ext = match n {
            1 => "toml.before-import".to_string(),
            n => format!("toml.before-import-{n}"),
        };
        let kept = path.with_extension(ext);
        match crate::app::platform::private_file_options()
            .write(true)
            .create_new(true)
            .open(&kept)
        {
            Ok(mut f) => {
                f.write_all(&bytes)?;
                f.sync_all()?;
                return Ok(kept);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(
        "no free name for a copy of the settings",
    ))
}

/// Each entry checked like a typed one; the stored value must be what its `entered` value
/// gives (a hand-edited file cannot smuggle in a wrong conversion).
fn checked_entries(
    b: &json::Backup,
    clock: &Clock,
    born: Option<i32>,
) -> Result<Vec<(String, NewEntry, bool, crate::domain::entry::Source)>> {
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
            revision: 0,
        };
        let raw = raw_from_entry(&as_entry);
        let built = build(
            &raw,
            Some(&e.at.to_rfc3339()),
            e.note.clone(),
            clock,
            || None,
        )
        .and_then(|b| {
            crate::domain::when::not_before_birth(b.entry.at, born, clock)
                .map(|()| b)
                .map_err(|err| InputError::When { field: "at", err })
        })
        .map_err(|err| {
            ExchangeError::Invalid(format!("entries[{n}] (uid {}): {}", e.uid, describe(&err)))
        })?;
        let entry = built.entry;
        if let (Some((given, _)), Some((computed, unit))) = (e.data.value(), entry.data.value())
            && (given - computed).abs() > 1e-6 * computed.abs().max(1e-3)
        {
            let entered = e.data.entered().map(|x| format!("{} {}", x.value, x.unit));
            return Err(ExchangeError::Invalid(format!(
                "entries[{n}].data.{}: {given} does not match the entered value {} (that is {computed} {unit}); fix one of them",
                value_field(&e.data),
                entered.unwrap_or_default(),
            )));
        }
        entries.push((e.uid.clone(), entry, e.deleted, e.source));
    }
    Ok(entries)
}

/// The field holding an entry's canonical value.
fn value_field(d: &EntryData) -> &'static str {
    match d {
        EntryData::Platelets(_) => "count",
        EntryData::Dose(_) => "amount.value",
        EntryData::Weight(_) => "kg",
        EntryData::Bleeding(_) => "minutes",
        EntryData::BloodPressure(_) => "systolic",
        _ => "value",
    }
}

fn describe(e: &InputError) -> String {
    I18n::new(crate::present::i18n::Lang::En).input_error(e)
}

/// The columns of a lab-results CSV (the first row must name them, in English or as Chinese
/// lab sheets do — see `lab_sheet::column`; order free).
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

/// The diary's column names of a header row, or why it is refused.
fn csv_columns(rdr: &mut csv::Reader<&[u8]>, i: &I18n) -> Result<Vec<&'static str>> {
    let raw: Vec<String> = rdr
        .headers()
        .map_err(|e| ExchangeError::Invalid(format!("line 1: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut cols = Vec::new();
    for h in &raw {
        let c = lab_sheet::column(h).ok_or_else(|| {
            ExchangeError::Invalid(format!(
                "line 1: unknown column '{h}' (accepted: {}, and optionally {}; or 检验日期, 项目, 结果, 单位, 参考范围)",
                CSV_REQUIRED.join(", "),
                CSV_OPTIONAL.join(", ")
            ))
        })?;
        cols.push(c);
    }
    for r in CSV_REQUIRED {
        if !cols.contains(&r) {
            let msg = if r == "unit" {
                i.t("exchange.csv_unit_column").to_string()
            } else {
                format!(
                    "line 1: the column '{r}' is missing (required: {})",
                    CSV_REQUIRED.join(", ")
                )
            };
            return Err(ExchangeError::Invalid(msg));
        }
    }
    Ok(cols)
}

/// One CSV row as typed input, or why it is refused.
fn csv_row(
    cols: &[&'static str],
    row: &csv::StringRecord,
    i: &I18n,
) -> std::result::Result<(RawEntry, String, Option<String>), String> {
    let col = |name: &str| -> Option<String> {
        cols.iter()
            .position(|h| *h == name)
            .and_then(|k| row.get(k))
            .map(str::to_string)
            .filter(|s| !s.is_empty())
    };
    let analyte = col("analyte").unwrap_or_default();
    let (value, flag) = lab_sheet::value(&col("value").unwrap_or_default())
        .map_err(|c| i.tf("exchange.csv_censored", &[("value", &c.0)]))?;
    let mut notes: Vec<String> = col("note").into_iter().collect();
    match flag {
        Some(lab_sheet::Flag::High) => notes.push(i.t("exchange.csv_flag_high").into()),
        Some(lab_sheet::Flag::Low) => notes.push(i.t("exchange.csv_flag_low").into()),
        None => {}
    }
    let unit = col("unit");
    let reference = col("reference").map(|r| lab_sheet::range(&r));
    let platelets = Kind::parse(&analyte) == Some(Kind::Platelets);
    if unit.is_none() {
        let example = if platelets {
            "10^9/L".to_string()
        } else {
            crate::domain::entry::Analyte::parse(&analyte)
                .map(|a| a.quantity().canonical().display.to_string())
                .unwrap_or_else(|| "µmol/L".into())
        };
        return Err(i.tf("exchange.csv_unit_missing", &[("example", &example)]));
    }
    let raw = if platelets {
        // The diary keeps no range for counts: the lab's is kept in the note.
        if let Some(r) = &reference {
            notes.push(i.tf("exchange.csv_platelet_reference", &[("range", r)]));
        }
        RawEntry::Platelets {
            value,
            unit,
            lab: col("lab"),
        }
    } else {
        RawEntry::Lab {
            analyte,
            value,
            unit,
            lab: col("lab"),
            method: None,
            reference,
            last_dose: col("last_dose").map(|t| lab_sheet::date(&t)),
        }
    };
    let time = col("time")
        .map(|t| lab_sheet::date(&t))
        .ok_or_else(|| i.tf("error.missing", &[("field", &i.field("at"))]))?;
    let note = (!notes.is_empty()).then(|| notes.join("; "));
    Ok((raw, time, note))
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
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // A sheet saved on Windows (Excel) ends its lines with CR LF: read as LF, so a line break
    // inside a quoted note is a line break (not a refused U+000D) and the line numbers of
    // refusals are the editor's (they were one too low, session 7 re-test).
    let text = &text.replace("\r\n", "\n");
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .delimiter(lab_sheet::separator(text))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let cols = csv_columns(&mut rdr, i)?;
    let mut rep = CsvReport::default();
    let mut good: Vec<NewEntry> = Vec::new();
    let born = store.profile()?.birth_year;
    for (k, row) in rdr.records().enumerate() {
        // The physical line the record starts on (a quoted cell may hold line breaks).
        let position = match &row {
            Ok(r) => r.position(),
            Err(e) => e.position(),
        };
        let line = position.map_or(k + 2, |p| p.line() as usize);
        let parsed = row
            .map_err(|e| e.to_string())
            .and_then(|row| csv_row(&cols, &row, i));
        let (raw, time, note) = match parsed {
            Ok(p) => p,
            Err(e) => {
                rep.refused.push((line, e));
                continue;
            }
        };
        let built = build(&raw, Some(&time), note, clock, || None).and_then(|b| {
            crate::domain::when::not_before_birth(b.entry.at, born, clock)
                .map(|()| b)
                .map_err(|err| InputError::When { field: "time", err })
        });
        match built {
            Ok(b) => {
                if is_present(store, &b.entry.data, b.entry.at)? {
                    rep.already_present += 1;
                } else {
                    good.push(b.entry);
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
