//! The full backup: every entry (deleted ones marked), regimens with their history, the
//! profile, the settings file and the visit questions, with a format version. Parsing reports
//! the position of the first problem.

use std::io::{self, Write};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

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
    serde_json::to_writer_pretty(&mut *w, b).map_err(io::Error::other)?;
    writeln!(w)
}

/// Parse a backup; the error names the line and column (or the field) of the first problem.
pub fn parse(text: &str) -> Result<Backup, String> {
    let b: Backup = serde_json::from_str(text).map_err(|e| {
        if e.line() > 0 {
            format!("line {}, column {}: {e}", e.line(), e.column())
        } else {
            e.to_string()
        }
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
    for (n, e) in b.entries.iter().enumerate() {
        if e.uid.len() != 32 || !e.uid.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "entries[{n}].uid: '{}' is not 32 hexadecimal digits",
                e.uid
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
