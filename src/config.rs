//! Where the diary's files live, and the settings file.
//!
//! Layering: command-line flag > environment variable > platform default (`directories`).

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

/// Environment variable naming the database file.
pub const ENV_DB: &str = "ITP_DIARY_DB";
/// Environment variable naming the settings file.
pub const ENV_CONFIG: &str = "ITP_DIARY_CONFIG";
/// Environment variable fixing "now" (RFC 3339) — for end-to-end tests and demonstrations.
pub const ENV_NOW: &str = "ITP_DIARY_NOW";

/// The resolved locations.
#[derive(Clone, Debug, PartialEq)]
pub struct Paths {
    pub db: PathBuf,
    pub config: PathBuf,
    /// Folder for automatic backups (beside the database).
    pub data_dir: PathBuf,
}

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "itp-diary")
}

impl Paths {
    /// Resolve from flags and the environment.
    pub fn resolve(db_flag: Option<&Path>, config_flag: Option<&Path>) -> anyhow::Result<Paths> {
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
        })
    }
}
