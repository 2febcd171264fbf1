//! The full backup: every entry (deleted ones marked), regimens with their history, the
//! profile, the settings file and the visit questions, with a format version. Parsing reports
//! the position of the first problem.

use std::io::{self, Write};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::entry::{Entry, EntryData, Source};
use crate::domain::regimen::{Profile, Regimen};

pub const FORMAT: &str = "itp-diary-backup";
/// 2: exact delete times and the kept versions of entries (`entry_revisions`).
pub const VERSION: u32 = 2;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryDoc {
    pub uid: String,
    pub at: DateTime<FixedOffset>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub deleted: bool,
    /// When it was deleted (UTC, as stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
    /// Where it came from (typed, import, demo); absent means typed.
    #[serde(default)]
    pub source: Source,
    pub data: EntryData,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionDoc {
    pub uid: String,
    pub text: String,
    pub created_at: DateTime<FixedOffset>,
    #[serde(default)]
    pub answered_at: Option<DateTime<FixedOffset>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    pub format: String,
    pub version: u32,
    pub exported_at: DateTime<FixedOffset>,
    /// The diary's patient id (FHIR Patient and Condition ids derive from it).
    #[serde(default)]
    pub patient_uid: Option<String>,
    /// Whose diary this is: the profile's name, else the `--patient` name the diary was
    /// chosen by (informative: an import does not write it into the profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_name: Option<String>,
    #[serde(default)]
    pub profile: Profile,
    /// The settings file's text, when there is one.
    #[serde(default)]
    pub settings: Option<String>,
    #[serde(default)]
    pub regimens: Vec<Regimen>,
    #[serde(default)]
    pub entries: Vec<EntryDoc>,
    #[serde(default)]
    pub visit_questions: Vec<QuestionDoc>,
    /// Every kept previous version of the entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry_revisions: Vec<RevisionDoc>,
}

/// One kept previous version of an entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionDoc {
    pub entry_uid: String,
    /// edit, delete, undelete or import.
    pub action: String,
    /// The entry before the change.
    pub previous: serde_json::Map<String, serde_json::Value>,
    pub changed_at: DateTime<chrono::Utc>,
}

impl EntryDoc {
    pub fn from_entry(e: &Entry) -> EntryDoc {
        EntryDoc {
            uid: e.uid.clone(),
            at: e.at,
            note: e.note.clone(),
            deleted: e.deleted,
            deleted_at: None,
            source: e.source,
            data: e.data.clone(),
        }
    }
}

pub fn write(w: &mut impl Write, b: &Backup) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, b).map_err(|e| match e.io_error_kind() {
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::other(e),
    })?;
    writeln!(w)
}

/// Free text longer than this is refused (clinical.md: notes are bounded, L5).
pub const MAX_TEXT: usize = 4000;

/// Parse a backup strictly; the error names the JSON path of the first problem
/// (`entries[412].data.value`). A UTF-8 byte-order mark is accepted.
pub fn parse(text: &str) -> Result<Backup, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        if e.line() > 0 {
            format!("line {}, column {}: {e}", e.line(), e.column())
        } else {
            e.to_string()
        }
    })?;
    let b: Backup = serde_path_to_error::deserialize(&doc).map_err(|e| {
        let path = e.path().to_string();
        data_error(&doc, &path).unwrap_or_else(|| format!("{path}: {}", e.inner()))
    })?;
    if b.format != FORMAT {
        return Err(format!(
            "format: '{}' is not an itp-diary backup (expected '{FORMAT}')",
            b.format
        ));
    }
    if b.version == 0 || b.version > VERSION {
        return Err(format!(
            "version: {} is not supported (this program reads version {VERSION}); update itp-diary",
            b.version
        ));
    }
    // Fields the program does not know, at any depth, are refused (not silently dropped).
    let typed = serde_json::to_value(&b).map_err(|e| e.to_string())?;
    if let Some(p) = unknown_field(&doc, &typed, String::new()) {
        return Err(format!(
            "{p}: unknown field (this program does not know it)"
        ));
    }
    if let Some(p) = long_text(&doc, String::new()) {
        return Err(format!(
            "{p}: longer than {MAX_TEXT} characters (at most {MAX_TEXT} are accepted)"
        ));
    }
    let hex32 = |u: &str| u.len() == 32 && u.chars().all(|c| c.is_ascii_hexdigit());
    if let Some(u) = b.patient_uid.as_deref().filter(|u| !hex32(u)) {
        return Err(format!("patient_uid: '{u}' is not 32 hexadecimal digits"));
    }
    let mut seen = std::collections::HashMap::new();
    for (n, e) in b.entries.iter().enumerate() {
        if !hex32(&e.uid) {
            return Err(format!(
                "entries[{n}].uid: '{}' is not 32 hexadecimal digits",
                e.uid
            ));
        }
        if let Some(m) = seen.insert(e.uid.to_lowercase(), n) {
            return Err(format!(
                "entries[{n}].uid: '{}' is also the uid of entries[{m}]; each entry needs its own",
                e.uid
            ));
        }
    }
    let mut seen = std::collections::HashMap::new();
    for (n, r) in b.regimens.iter().enumerate() {
        if let Some(m) = seen.insert(r.uid.to_lowercase(), n) {
            return Err(format!(
                "regimens[{n}].uid: '{}' is also the uid of regimens[{m}]",
                r.uid
            ));
        }
    }
    let mut seen = std::collections::HashMap::new();
    for (n, q) in b.visit_questions.iter().enumerate() {
        if let Some(m) = seen.insert(q.uid.to_lowercase(), n) {
            return Err(format!(
                "visit_questions[{n}].uid: '{}' is also the uid of visit_questions[{m}]",
                q.uid
            ));
        }
    }
    for (n, e) in b.entries.iter().enumerate() {
        if let Some(t) = &e.deleted_at
            && DateTime::parse_from_rfc3339(t).is_err()
        {
            return Err(format!(
                "entries[{n}].deleted_at: '{t}' is not an RFC 3339 time"
            ));
        }
    }
    let uids: std::collections::HashSet<&str> = b.entries.iter().map(|e| e.uid.as_str()).collect();
    for (n, r) in b.entry_revisions.iter().enumerate() {
        if !["edit", "delete", "undelete", "import"].contains(&r.action.as_str()) {
            return Err(format!(
                "entry_revisions[{n}].action: '{}' is not accepted (accepted: edit, delete, undelete, import)",
                r.action
            ));
        }
        if !uids.contains(r.entry_uid.as_str()) {
            return Err(format!(
                "entry_revisions[{n}].entry_uid: '{}' is not an entry of this backup",
                r.entry_uid
            ));
        }
    }
    Ok(b)
}

/// The path of the first object key in `doc` that the typed reading does not have.
fn unknown_field(doc: &Value, typed: &Value, path: String) -> Option<String> {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match (doc, typed) {
        (Value::Object(d), Value::Object(t)) => d.iter().find_map(|(k, v)| match t.get(k) {
            None => Some(join(k)),
            Some(tv) => unknown_field(v, tv, join(k)),
        }),
        (Value::Array(d), Value::Array(t)) => d
            .iter()
            .zip(t)
            .enumerate()
            .find_map(|(i, (dv, tv))| unknown_field(dv, tv, format!("{path}[{i}]"))),
        _ => None,
    }
}

/// The path of the first string longer than [`MAX_TEXT`] (the settings file's text aside).
fn long_text(doc: &Value, path: String) -> Option<String> {
    match doc {
        Value::String(s) if s.chars().count() > MAX_TEXT && path != "settings" => Some(path),
        Value::Object(o) => o.iter().find_map(|(k, v)| {
            long_text(
                v,
                if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                },
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, v)| long_text(v, format!("{path}[{i}]"))),
        _ => None,
    }
}

/// An entry's `data` is read through its `kind` tag, which hides the field at fault: read
/// it again as its kind's own record to name the field (`entries[3].data.count`).
fn data_error(doc: &Value, path: &str) -> Option<String> {
    use crate::domain::entry as e;
    fn field<T: serde::de::DeserializeOwned>(v: &Value, path: &str) -> Option<String> {
        let mut v = v.clone();
        v.as_object_mut()?.remove("kind");
        serde_path_to_error::deserialize::<_, T>(&v)
            .err()
            .map(|err| format!("{path}.{}: {}", err.path(), err.inner()))
    }
    let n: usize = path
        .strip_prefix("entries[")?
        .strip_suffix("].data")?
        .parse()
        .ok()?;
    let data = &doc["entries"][n]["data"];
    match data.get("kind").and_then(Value::as_str)? {
        "platelets" => field::<e::Platelets>(data, path),
        "dose" => field::<e::Dose>(data, path),
        "lab" => field::<e::LabResult>(data, path),
        "weight" => field::<e::Weight>(data, path),
        "bp" => field::<e::BloodPressure>(data, path),
        "bleeding" => field::<e::Bleeding>(data, path),
        "side_effect" => field::<e::SideEffect>(data, path),
        "event" => field::<e::Event>(data, path),
        other => Some(format!(
            "{path}.kind: '{other}' is not a kind of entry (accepted: platelets, dose, lab, weight, bp, bleeding, side_effect, event)"
        )),
    }
}
