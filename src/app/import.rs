//! Importing: the JSON backup (all or nothing, merged by uid) and lab results from CSV.

use chrono::{DateTime, Duration, FixedOffset, Utc};

use crate::app::entry_input::{InputError, RawEntry, build, raw_from_entry};
use crate::domain::clock::Clock;
use crate::domain::entry::{Entry, EntryData, Kind, NewEntry};
use crate::export::json;
use crate::present::i18n::I18n;
use crate::store::{EntryFilter, Merge, MergeReport, Store};

use super::{ExchangeError, Result};

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
            revision: 0,
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
    imported_texts(&b)?;
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
            deleted_at,
            revisions: &revisions,
        },
        clock.now(),
    )?)
}

/// The free text of a backup besides entries (questions, regimens, profile): bounded and text
/// only, like typed text — a crafted backup cannot smuggle in 10 MB names or escapes.
fn imported_texts(b: &json::Backup) -> Result<()> {
    use crate::present::sanitize::{MAX_TEXT, check_free_text};
    let mut texts: Vec<(String, &str)> = Vec::new();
    for (n, q) in b.visit_questions.iter().enumerate() {
        texts.push((format!("visit_questions[{n}].text"), &q.text));
    }
    for (n, r) in b.regimens.iter().enumerate() {
        if let Some(t) = &r.note {
            texts.push((format!("regimens[{n}].note"), t));
        }
        for (k, s) in r.steps.iter().enumerate() {
            for (name, v) in [("formulation", &s.formulation), ("note", &s.note)] {
                if let Some(t) = v {
                    texts.push((format!("regimens[{n}].steps[{k}].{name}"), t));
                }
            }
            texts.push((format!("regimens[{n}].steps[{k}].unit"), &s.unit));
        }
    }
    for (name, v) in [
        ("profile.name", &b.profile.name),
        ("profile.sex", &b.profile.sex),
    ] {
        if let Some(t) = v {
            texts.push((name.to_string(), t));
        }
    }
    for (field, t) in texts {
        match check_free_text(t, MAX_TEXT) {
            Ok(()) => {}
            Err(Some((n, max))) => {
                return Err(ExchangeError::Invalid(format!(
                    "{field}: {n} characters; at most {max} are accepted"
                )));
            }
            Err(None) => {
                return Err(ExchangeError::Invalid(format!(
                    "{field}: contains control or text-direction characters"
                )));
            }
        }
    }
    Ok(())
}

fn describe(e: &InputError) -> String {
    I18n::new(crate::present::i18n::Lang::En).input_error(e)
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
