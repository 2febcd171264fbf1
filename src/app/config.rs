//! Where the diary's files live, and the settings file.
//!
//! Layering: command-line flag > environment variable > platform default (`directories`).

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

/// Environment variable naming the database file.
pub const ENV_DB: &str = "ITP_DIARY_DB";
/// Environment variable naming the settings file.
pub const ENV_CONFIG: &str = "ITP_DIARY_CONFIG";
/// Environment variable choosing a patient's diary (`<data dir>/NAME.sqlite`).
pub const ENV_PATIENT: &str = "ITP_DIARY_PATIENT";
/// Environment variable fixing "now" (RFC 3339) — for end-to-end tests and demonstrations.
pub const ENV_NOW: &str = "ITP_DIARY_NOW";
/// Environment variable shortening the wait for a diary locked by another program
/// (milliseconds; default 10 s) — for tests and scripts that must not hang.
pub const ENV_BUSY_TIMEOUT_MS: &str = "ITP_DIARY_BUSY_TIMEOUT_MS";
/// Environment variable choosing how the daily automatic backup is made: `wait` = by the
/// command itself before it exits; unset or any other value = by a detached child process
/// (the command returns at once).
pub const ENV_BACKUP: &str = "ITP_DIARY_BACKUP";

/// The resolved locations.
#[derive(Clone, Debug, PartialEq)]
pub struct Paths {
    pub db: PathBuf,
    pub config: PathBuf,
    /// Folder for automatic backups (beside the database; a patient's own folder
    /// `<data dir>/NAME/` for a named patient, so backups never mix).
    pub data_dir: PathBuf,
    /// The named patient, when `--patient` / `ITP_DIARY_PATIENT` chose one.
    pub patient: Option<String>,
}

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "itp-diary")
}

impl Paths {
    /// The paths of a diary at `db`: the settings file and the data folder beside it (for
    /// tests and tools that name the database directly).
    pub fn beside(db: &Path) -> Paths {
        Paths {
            db: db.to_path_buf(),
            config: db.with_file_name("config.toml"),
            data_dir: db
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
            patient: None,
        }
    }

    /// Resolve from flags and the environment. A named patient (already validated with
    /// [`crate::app::patients::check_name`]) has `<data dir>/NAME.sqlite`, the settings file
    /// `<data dir>/NAME.toml` beside it and the backups in `<data dir>/NAME/backups`, unless
    /// `--db` / `--config` name files.
    pub fn resolve(
        db_flag: Option<&Path>,
        config_flag: Option<&Path>,
        patient: Option<&str>,
    ) -> anyhow::Result<Paths> {
        if let Some(name) = patient {
            return Self::for_patient(name, config_flag);
        }
        let dirs = project_dirs();
        let env_path = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let db = match db_flag.map(Path::to_path_buf).or_else(|| env_path(ENV_DB)) {
            Some(p) => p,
            None => dirs
                .as_ref()
                .map(|d| d.data_dir().join("itp-diary.sqlite"))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "no home folder found: give the database with --db PATH or {ENV_DB}"
                    )
                })?,
        };
        let config = match config_flag
            .map(Path::to_path_buf)
            .or_else(|| env_path(ENV_CONFIG))
        {
            Some(p) => p,
            None => dirs
                .as_ref()
                .map(|d| d.config_dir().join("config.toml"))
                .unwrap_or_else(|| db.with_file_name("config.toml")),
        };
        let data_dir = db
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Ok(Paths {
            db,
            config,
            data_dir,
            patient: None,
        })
    }

    fn for_patient(name: &str, config_flag: Option<&Path>) -> anyhow::Result<Paths> {
        let root = default_data_dir().ok_or_else(|| {
            anyhow::anyhow!("no home folder found: give the database with --db PATH or {ENV_DB}")
        })?;
        let config = config_flag
            .map(Path::to_path_buf)
            .or_else(|| {
                std::env::var_os(ENV_CONFIG)
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .unwrap_or_else(|| root.join(format!("{name}.toml")));
        crate::app::patients::check_new_name(&root, name)?;
        Ok(Paths {
            db: root.join(format!("{name}.sqlite")),
            config,
            data_dir: root.join(name),
            patient: Some(name.to_string()),
        })
    }
}

/// The platform's data folder for the diary (where the default diary and patients' diaries live).
pub fn default_data_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().to_path_buf())
}

use std::collections::BTreeSet;

use crate::domain::settings::{SPECS, Thresholds};
use crate::present::i18n::Lang;

/// The settings in effect: embedded defaults overlaid with the settings file.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub thresholds: Thresholds,
    /// Keys the settings file sets (shown as "set by your care team").
    pub from_file: BTreeSet<&'static str>,
    pub language: Option<Lang>,
    /// `[notify] quiet_hours`: when `remind --notify` holds all but urgent items.
    pub quiet_hours: crate::domain::announce::QuietHours,
}

impl Settings {
    pub fn is_set_by_team(&self, key: &str) -> bool {
        self.from_file.contains(key)
    }
}

/// A settings file that cannot be used: the file, the key and what is accepted.
#[derive(Debug, thiserror::Error)]
#[error("settings file {path}: {reason}")]
pub struct ConfigError {
    pub path: String,
    pub reason: String,
}

/// The largest settings file read (bytes).
pub const MAX_SETTINGS_BYTES: u64 = 256 * 1024;

/// Load the settings file; a missing file means the defaults.
pub fn load_settings(path: &Path) -> Result<Settings, ConfigError> {
    let err = |reason: String| ConfigError {
        path: path.display().to_string(),
        reason,
    };
    // A settings file is a few kilobytes: a huge one is refused before it is read or parsed
    // (a 36 MB file took 13 s and 934 MB of memory to refuse).
    if let Ok(m) = std::fs::metadata(path)
        && m.len() > MAX_SETTINGS_BYTES
    {
        return Err(err(format!(
            "{} bytes is too large for a settings file (at most {MAX_SETTINGS_BYTES}); nothing was read",
            m.len()
        )));
    }
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
        Err(e) => return Err(err(format!("cannot be read: {e}"))),
    };
    parse_settings(&text).map_err(err)
}

/// Parse settings text (TOML). Unknown keys, wrong types and out-of-range values are errors.
pub fn parse_settings(text: &str) -> Result<Settings, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let msg = e.message().to_string();
        match e.span() {
            Some(span) => {
                let start = span.start.min(text.len());
                let line = text[..start].matches('\n').count() + 1;
                // The line itself, so "duplicate key" names the key (session 7).
                let shown = text.lines().nth(line - 1).unwrap_or("").trim();
                let shown: String = shown.chars().take(60).collect();
                format!("line {line} ({shown}): {msg}")
            }
            None => msg,
        }
    })?;
    let mut s = Settings::default();
    // `[notify]` is read apart from the thresholds, and accepted too (session 7: the list of
    // accepted sections left it out).
    let sections: BTreeSet<&str> = SPECS
        .iter()
        .filter_map(|sp| sp.key.split_once('.').map(|(a, _)| a))
        .chain(["notify"])
        .collect();
    for (name, value) in &table {
        if name == "language" {
            let v = value
                .as_str()
                .ok_or_else(|| "language: expected a string, \"en\" or \"zh\"".to_string())?;
            s.language =
                Some(Lang::parse(v).ok_or_else(|| {
                    format!("language: '{v}' is not accepted (accepted: en, zh)")
                })?);
            continue;
        }
        if name == "notify" {
            s.quiet_hours = parse_notify(value)?;
            continue;
        }
        let Some(section) = value.as_table() else {
            return Err(format!(
                "unknown key '{name}' (accepted: language, and the sections {})",
                sections.iter().copied().collect::<Vec<_>>().join(", ")
            ));
        };
        if !sections.contains(name.as_str()) {
            return Err(format!(
                "unknown section [{name}] (accepted: {})",
                sections.iter().copied().collect::<Vec<_>>().join(", ")
            ));
        }
        for (k, v) in section {
            let key = format!("{name}.{k}");
            let spec = Thresholds::spec(&key).ok_or_else(|| {
                let known: Vec<&str> = SPECS
                    .iter()
                    .filter(|sp| sp.key.starts_with(&format!("{name}.")))
                    .map(|sp| &sp.key[name.len() + 1..])
                    .collect();
                format!(
                    "unknown key '{key}' (accepted in [{name}]: {})",
                    known.join(", ")
                )
            })?;
            let n = match v {
                toml::Value::Integer(i) => *i as f64,
                toml::Value::Float(f) => *f,
                other => {
                    return Err(format!(
                        "{key} = {other}: expected a number ({}–{} {})",
                        spec.min, spec.max, spec.unit
                    ));
                }
            };
            if !(spec.min..=spec.max).contains(&n) || (spec.integer && n.fract() != 0.0) {
                // 1e308 as 1e308, not as 309 digits.
                let n = if n.abs() >= 1e9 {
                    format!("{n:e}")
                } else {
                    n.to_string()
                };
                return Err(format!(
                    "{key} = {n} is not accepted ({}{}–{} {})",
                    if spec.integer { "a whole number " } else { "" },
                    spec.min,
                    spec.max,
                    spec.unit
                ));
            }
            (spec.set)(&mut s.thresholds, n);
            s.from_file.insert(spec.key);
            s.thresholds.set_by_team.insert(spec.key);
        }
    }
    s.thresholds.check()?;
    Ok(s)
}

/// `[notify]`: `quiet_hours = "22:30-07:00"` (or `"off"`).
fn parse_notify(value: &toml::Value) -> Result<crate::domain::announce::QuietHours, String> {
    use crate::domain::announce::QuietHours;
    let table = value
        .as_table()
        .ok_or_else(|| "notify: expected a section [notify]".to_string())?;
    let mut quiet = QuietHours::default();
    for (k, v) in table {
        if k != "quiet_hours" {
            return Err(format!(
                "unknown key 'notify.{k}' (accepted in [notify]: quiet_hours)"
            ));
        }
        let text = v.as_str().unwrap_or_default();
        quiet = QuietHours::parse(text).ok_or_else(|| {
            format!("notify.quiet_hours = {v} is not accepted (\"HH:MM-HH:MM\", e.g. \"22:30-07:00\", or \"off\")")
        })?;
    }
    Ok(quiet)
}

/// The text of a new settings file: every setting commented out at its default, with its unit
/// and source, so that uncommenting a line is how the care team sets it.
pub fn default_settings_text() -> String {
    let mut out = String::from(
        "# itp-diary settings. Every threshold below is the app default (commented out).\n\
         # Uncomment and change a line to set it for this patient: the diary then shows\n\
         # \"set by your care team\" beside it.\n\n\
         # language = \"en\"   # or \"zh\"\n",
    );
    out.push_str(
        "\n# Desktop notifications (`remind --notify`): only urgent items during quiet hours.\n\
         # [notify]\n\
         # quiet_hours = \"22:30-07:00\"   # or \"off\"\n",
    );
    let mut section = "";
    for s in SPECS {
        let (sec, name) = s.key.split_once('.').unwrap_or(("", s.key));
        if sec != section {
            out.push_str(&format!("\n[{sec}]\n"));
            section = sec;
        }
        out.push_str(&format!(
            "# {name} = {}   # {} ({}–{}); {}\n",
            s.default,
            s.unit,
            s.min,
            s.max,
            crate::present::describe::refs_text(
                s.refs,
                &crate::present::i18n::I18n::new(crate::present::i18n::Lang::En)
            )
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_file_parses_to_defaults() {
        let s = parse_settings(&default_settings_text()).unwrap();
        assert_eq!(s.thresholds, Thresholds::default());
        assert!(s.from_file.is_empty());
    }

    #[test]
    fn values_and_errors() {
        let s =
            parse_settings("language = \"zh\"\n[trough]\ntarget_low = 150\ntarget_high = 250.5\n")
                .unwrap();
        assert_eq!(s.thresholds.trough_low, 150.0);
        assert_eq!(s.thresholds.trough_high, 250.5);
        assert!(s.is_set_by_team("trough.target_low"));
        assert_eq!(s.language, Some(Lang::Zh));
        assert_eq!(
            s.quiet_hours,
            crate::domain::announce::QuietHours::default()
        );
        let s = parse_settings("[notify]\nquiet_hours = \"off\"\n").unwrap();
        assert_eq!(s.quiet_hours, crate::domain::announce::QuietHours::OFF);
        let cases = [
            (
                "[trough]\ntarget_lo = 1\n",
                "unknown key 'trough.target_lo'",
            ),
            ("[troughs]\nx = 1\n", "unknown section [troughs]"),
            ("colour = 1\n", "unknown key 'colour'"),
            ("[trough]\ntarget_low = \"a\"\n", "expected a number"),
            (
                "[trough]\ntarget_low = 5000\n",
                "trough.target_low = 5000 is not accepted (0–3000 ng/mL)",
            ),
            ("[course]\ninduction_weeks = 8.5\n", "a whole number"),
            ("[trough]\ntarget_low = 300\n", "must not be above"),
            ("language = \"fr\"\n", "'fr' is not accepted"),
            ("[trough\n", "line 1"),
            ("[notify]\nquiet_hours = \"23-7\"\n", "notify.quiet_hours"),
            ("[notify]\nquiet = \"off\"\n", "unknown key 'notify.quiet'"),
        ];
        for (text, expected) in cases {
            let e = parse_settings(text).unwrap_err();
            assert!(e.contains(expected), "{text:?}: {e}");
        }
    }
}
