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

/// Refuse a backup of another patient into a diary that has content, unless `merge_anyway`.
/// Returns the patient id this diary takes on (when it has none yet).
/// Refuse a backup that would give a drug two plans at once: one of its plans (not already
/// here by uid) whose days meet those of a plan of the same drug here or earlier in the backup
/// (`regimen start` refuses the same). Which plan the doses answer would otherwise be a guess.
fn no_second_plan(
    store: &Store,
    theirs: &[crate::domain::regimen::Regimen],
    i: &I18n,
) -> Result<()> {
    let here = store.regimens()?;
    let mut plans: Vec<&crate::domain::regimen::Regimen> = here.iter().collect();
    for r in theirs {
        if here.iter().any(|h| h.uid == r.uid) {
            continue;
        }
        if let Some(o) = plans.iter().find(|o| o.overlaps(r)) {
            return Err(ExchangeError::Invalid(i.tf(
                "exchange.plan_overlap",
                &[
                    ("drug", i.t(&r.drug.label_key())),
                    ("theirs", &r.start.to_string()),
                    ("ours", &o.start.to_string()),
                ],
            )));
        }
        plans.push(r);
    }
    Ok(())
}

fn same_patient(
    store: &mut Store,
    b: &json::Backup,
    opts: &JsonOptions,
    i: &I18n,
) -> Result<Option<String>> {
    let ours_uid = store.meta("patient_uid")?;
    let has_content = store.count_entries(true)? > 0 || !store.regimens()?.is_empty();
    let ours = store.profile()?;
    let norm = |s: &Option<String>| {
        s.as_deref()
            .map(|x| x.trim().to_lowercase())
            .filter(|x| !x.is_empty())
    };
    let other_uid = match (&ours_uid, &b.patient_uid) {
        (Some(a), Some(t)) => !a.eq_ignore_ascii_case(t),
        _ => false,
    };
    let other_name =
        matches!((norm(&ours.name), norm(&b.profile.name)), (Some(a), Some(t)) if a != t);
    // Where the ids cannot be compared (this diary never took one: no JSON or FHIR export
    // yet; or the backup carries none), a backup that shares no entry or plan with it is not
    // taken to be its own.
    // A backup without a patient id (hand-made, or an old version) is no proof either.
    let same_uid =
        matches!((&ours_uid, &b.patient_uid), (Some(a), Some(t)) if a.eq_ignore_ascii_case(t));
    let brings = !b.entries.is_empty() || !b.regimens.is_empty();
    let unmatched = !same_uid
        && !other_uid
        && brings
        && has_content
        && !other_name
        && !opts.merge_anyway
        && !store.holds_any_uid(
            b.entries
                .iter()
                .map(|e| e.uid.as_str())
                .chain(b.regimens.iter().map(|r| r.uid.as_str())),
        )?;
    if unmatched {
        let theirs = match (&b.profile.name, &b.patient_uid) {
            (Some(n), _) => n.clone(),
            (None, Some(u)) => i.tf("exchange.patient_id", &[("id", &u[..u.len().min(8)])]),
            (None, None) => i.t("exchange.patient_unnamed").to_string(),
        };
        return Err(ExchangeError::Invalid(
            i.tf("exchange.unmatched_patient", &[("theirs", &theirs)]),
        ));
    }
    if has_content && (other_uid || other_name) && !opts.merge_anyway {
        let who = |name: &Option<String>, uid: &Option<String>| match (name, uid) {
            (Some(n), Some(u)) => format!("{n} ({})", &u[..u.len().min(8)]),
            (Some(n), None) => n.clone(),
            (None, Some(u)) => i.tf("exchange.patient_id", &[("id", &u[..u.len().min(8)])]),
            (None, None) => i.t("exchange.patient_unnamed").to_string(),
        };
        return Err(ExchangeError::Invalid(i.tf(
            "exchange.other_patient",
            &[
                ("theirs", &who(&b.profile.name, &b.patient_uid)),
                ("ours", &who(&ours.name, &ours_uid)),
            ],
        )));
    }
    Ok(match (&ours_uid, &b.patient_uid) {
        (None, Some(t)) if !other_name => Some(t.clone()),
        (Some(_), Some(t)) if !has_content => Some(t.clone()),
        _ => None,
    })
}

/// The plans and the profile of a backup held to what typing them accepts (a hand-edited file
/// gave a raw database error for `every_days: 0`, and an inverted target was taken in).
fn imported_plans(b: &json::Backup, clock: &Clock) -> Result<()> {
    use crate::domain::regimen::{EVERY_DAYS, INDUCTION_WEEKS, target_ok};
    let bad = |path: String, what: String| Err(ExchangeError::Invalid(format!("{path}: {what}")));
    for (n, r) in b.regimens.iter().enumerate() {
        match (r.target_low, r.target_high) {
            (None, None) => {}
            (Some(lo), Some(hi)) if target_ok(lo, hi) => {}
            (lo, hi) => {
                let show = |v: Option<f64>| v.map_or("none".into(), |v| v.to_string());
                return bad(
                    format!("regimens[{n}].target_low/target_high"),
                    format!(
                        "{}–{} is not accepted (both or neither, low below high, 0–3000 ng/mL)",
                        show(lo),
                        show(hi)
                    ),
                );
            }
        }
        if let Some(w) = r.induction_weeks.filter(|w| !INDUCTION_WEEKS.contains(w)) {
            return bad(
                format!("regimens[{n}].induction_weeks"),
                format!("{w} is not accepted (1–52 weeks)"),
            );
        }
        if let Some(stop) = r.stop.filter(|s| *s < r.start) {
            return bad(
                format!("regimens[{n}].stop"),
                format!("{stop} is before the start {}", r.start),
            );
        }
        for (k, s) in r.steps.iter().enumerate() {
            if !EVERY_DAYS.contains(&s.every_days) {
                return bad(
                    format!("regimens[{n}].steps[{k}].every_days"),
                    format!("{} is not accepted (1–28 days)", s.every_days),
                );
            }
        }
    }
    let this_year = chrono::Datelike::year(&clock.today());
    if let Some(y) = b
        .profile
        .birth_year
        .filter(|y| !(1900..=this_year).contains(y))
    {
        return bad(
            "profile.birth_year".into(),
            format!("{y} is not accepted (1900–{this_year})"),
        );
    }
    if let Some(h) = b.profile.height_cm.filter(|h| !(30.0..=250.0).contains(h)) {
        return bad(
            "profile.height_cm".into(),
            format!("{h} is not accepted (30–250 cm)"),
        );
    }
    Ok(())
}

/// The free text of a backup besides entries (questions, regimens, profile): bounded and text
/// only, like typed text — a crafted backup cannot smuggle in 10 MB names or escapes.
fn imported_texts(b: &json::Backup) -> Result<()> {
    use crate::present::sanitize::MAX_TEXT;
    // (path, text, whether it may hold line breaks: notes only, as typed).
    let mut texts: Vec<(String, &str, bool)> = Vec::new();
    for (n, q) in b.visit_questions.iter().enumerate() {
        texts.push((format!("visit_questions[{n}].text"), &q.text, false));
    }
    for (n, r) in b.regimens.iter().enumerate() {
        if let Some(t) = &r.note {
            texts.push((format!("regimens[{n}].note"), t, true));
        }
        for (k, s) in r.steps.iter().enumerate() {
            for (name, v, multi) in [
                ("formulation", &s.formulation, false),
                ("note", &s.note, true),
            ] {
                if let Some(t) = v {
                    texts.push((format!("regimens[{n}].steps[{k}].{name}"), t, multi));
                }
            }
            texts.push((format!("regimens[{n}].steps[{k}].unit"), &s.unit, false));
        }
    }
    for (name, v) in [
        ("profile.name", &b.profile.name),
        ("profile.sex", &b.profile.sex),
    ] {
        if let Some(t) = v {
            texts.push((name.to_string(), t, false));
        }
    }
    for (field, t, multi) in texts {
        if let Some(p) = crate::domain::validate::text_problem(t, MAX_TEXT, multi) {
            let en = I18n::new(crate::present::i18n::Lang::En);
            return Err(ExchangeError::Invalid(en.text_problem(&field, &p)));
        }
    }
    Ok(())
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
        let line = k + 2;
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
