//! Several patients: one diary per patient, `<data dir>/NAME.sqlite`, chosen with `--patient
//! NAME` or `ITP_DIARY_PATIENT`; the default diary `itp-diary.sqlite` stays as it was.
//!
//! Settings: a file beside each diary (`NAME.toml`), not a `[patient.NAME]` table in one shared
//! file: a care team's targets belong to one patient, a mistake in one child's file must not
//! stop the other's diary (the settings file is validated strictly), and a diary can be handed
//! over with its settings by copying two files.

use std::path::Path;

use chrono::{DateTime, FixedOffset};

use crate::store::{EntryFilter, Store, StoreError};

/// The default diary's file name in the data folder.
pub const DEFAULT_DB: &str = "itp-diary.sqlite";
/// The demo diary's file name in the data folder.
pub const DEMO_DB: &str = "itp-diary-demo.sqlite";

/// Why a patient name is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("a patient name must not be empty")]
    Empty,
    #[error("'{0}' is too long (at most 64 characters)")]
    TooLong(String),
    #[error(
        "'{0}' cannot name a diary file (accepted: letters in any script, digits, space, - and _; not starting with '-'; no . / \\ : or other path characters)"
    )]
    Invalid(String),
    /// Another patient's diary has the same name but for case or width: on Windows and macOS
    /// the two are one file, and on Linux a typo opened an empty diary.
    #[error(
        "'{0}' differs from the patient '{1}' only in upper/lower case or character width: give --patient {1}, or a name that differs in more"
    )]
    SameAs(String, String),
}

/// Names Windows reserves whatever the extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Check a patient name: a plain file name on every OS (Chinese names are fine).
pub fn check_name(name: &str) -> Result<&str, NameError> {
    if name.trim().is_empty() {
        return Err(NameError::Empty);
    }
    if name.chars().count() > 64 {
        return Err(NameError::TooLong(name.to_string()));
    }
    let bad_char =
        |c: char| !(c.is_alphanumeric() || c == ' ' || c == '-' || c == '_') || c.is_control();
    let lower = name.to_lowercase();
    if name.chars().any(bad_char)
        || name.starts_with(['.', '-', ' '])
        || name.ends_with(['.', ' '])
        || RESERVED.contains(&lower.split('.').next().unwrap_or(""))
        || lower == "itp-diary"
        || lower == "itp-diary-demo"
        // The default diary's backup folder (session 7: its backups mixed with a patient's).
        || lower == "backups"
    {
        return Err(NameError::Invalid(name.to_string()));
    }
    Ok(name)
}

/// The name folded as Windows and macOS compare file names, roughly: lower case, full-width
/// letters and digits as ASCII.
fn folded(name: &str) -> String {
    name.chars()
        .map(crate::domain::validate::ascii_of)
        .flat_map(char::to_lowercase)
        .collect()
}

/// A new patient's name (no `NAME.sqlite` yet) that only case or width tells from an existing
/// patient's is refused, naming that patient.
pub fn check_new_name(data_dir: &Path, name: &str) -> Result<(), NameError> {
    if data_dir.join(format!("{name}.sqlite")).exists() {
        return Ok(());
    }
    let want = folded(name);
    let Ok(read) = std::fs::read_dir(data_dir) else {
        return Ok(());
    };
    for e in read.flatten() {
        let file = e.file_name();
        let Some(stem) = file.to_str().and_then(|f| f.strip_suffix(".sqlite")) else {
            continue;
        };
        if stem != name && folded(stem) == want && check_name(stem).is_ok() {
            return Err(NameError::SameAs(name.to_string(), stem.to_string()));
        }
    }
    Ok(())
}

/// One diary in the data folder.
#[derive(Clone, Debug, PartialEq)]
pub struct PatientDiary {
    /// `None` for the default diary.
    pub name: Option<String>,
    /// The time of the newest entry (deleted ones not counted).
    pub latest: Option<DateTime<FixedOffset>>,
    pub entries: i64,
}

/// Every diary in `data_dir`: the default one first, then the patients by name. Demo diaries,
/// backups and pre-migration copies are not patients.
pub fn list(data_dir: &Path) -> Result<Vec<PatientDiary>, StoreError> {
    let mut names: Vec<Option<String>> = Vec::new();
    let read = match std::fs::read_dir(data_dir) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(StoreError::Create {
                path: data_dir.display().to_string(),
                source,
            });
        }
    };
    for entry in read.flatten() {
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        if file == DEFAULT_DB {
            names.push(None);
        } else if let Some(stem) = file.strip_suffix(".sqlite")
            && check_name(stem).is_ok()
        {
            names.push(Some(stem.to_string()));
        }
    }
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let file = match &name {
                Some(n) => format!("{n}.sqlite"),
                None => DEFAULT_DB.to_string(),
            };
            let store = Store::open(&data_dir.join(file))?;
            let latest = store
                .entries(&EntryFilter {
                    limit: Some(1),
                    ..Default::default()
                })?
                .pop()
                .map(|e| e.at);
            let entries = store.count_entries(false)?;
            Ok(PatientDiary {
                name,
                latest,
                entries,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_file_names() {
        for ok in ["anna", "小明", "Ben Li", "child_2", "a-b"] {
            assert_eq!(check_name(ok), Ok(ok), "{ok}");
        }
        for bad in [
            "",
            " ",
            "../x",
            "a/b",
            "a\\b",
            "c:x",
            ".hidden",
            "-flag",
            "CON",
            "nul.txt",
            "tab\there",
            "itp-diary",
            "name.",
            "a*b",
            "v1.2",
            "backups",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert!(matches!(
            check_name(&"x".repeat(65)),
            Err(NameError::TooLong(_))
        ));
    }
}
