//! Schema migrations from `assets/migrations/`, embedded at build time. Before an existing
//! diary is migrated, it is copied beside itself with SQLite's backup API; a diary written by a
//! newer version is refused untouched.

use rusqlite_migration::{M, Migrations};

use super::{Result, Store, StoreError};

const STEPS: &[M<'static>] = &[
    M::up(include_str!("../../assets/migrations/0001_init.sql")),
    M::up(include_str!(
        "../../assets/migrations/0002_source_and_kind_index.sql"
    )),
    M::up(include_str!(
        "../../assets/migrations/0003_row_versions.sql"
    )),
    M::up(include_str!(
        "../../assets/migrations/0004_announcements.sql"
    )),
    M::up(include_str!(
        "../../assets/migrations/0005_live_indexes.sql"
    )),
    M::up(include_str!(
        "../../assets/migrations/0006_long_windows.sql"
    )),
    M::up(include_str!("../../assets/migrations/0007_level_index.sql")),
];

/// Every migration, in order.
pub const MIGRATIONS: Migrations<'static> = Migrations::from_slice(STEPS);

/// The schema version this program writes.
pub const LATEST_VERSION: i64 = STEPS.len() as i64;

impl Store {
    /// Refuse, untouched, a diary from a newer version or another program's database.
    pub(super) fn precheck(&self) -> Result<()> {
        // The version and the tables from one snapshot: another program creating the diary
        // at this moment must not be caught between its tables and its version.
        let (found, has_tables): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT user_version FROM pragma_user_version),
                    (SELECT count(*) FROM sqlite_master WHERE type = 'table')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let path = self
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        if found > LATEST_VERSION {
            return Err(StoreError::TooNew {
                path,
                found,
                supported: LATEST_VERSION,
            });
        }
        if found == 0 && has_tables > 0 {
            // Some other SQLite database: never migrate it into a diary.
            return Err(StoreError::NotADatabase { path });
        }
        Ok(())
    }

    /// Run the migrations still to run. Two programs opening a new (or older) diary at once
    /// both start migrating it; the one that loses finds the other's tables (its own attempt
    /// was rolled back, nothing half-done) and waits for the version the winner writes, within
    /// the busy timeout.
    fn run_migrations(&mut self) -> Result<()> {
        let deadline = std::time::Instant::now() + self.busy;
        loop {
            let failed = match MIGRATIONS.to_latest(&mut self.conn) {
                Ok(()) => return Ok(()),
                // SQLite's reason, not the whole migration script it was running.
                Err(rusqlite_migration::Error::RusqliteError { err, .. }) => {
                    StoreError::Migration(err.to_string())
                }
                Err(e) => StoreError::Migration(e.to_string()),
            };
            if self.schema_version()? == LATEST_VERSION {
                return Ok(());
            }
            if std::time::Instant::now() >= deadline {
                return Err(failed);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    pub(crate) fn migrate(&mut self, fresh: bool) -> Result<()> {
        let found = self.schema_version()?;
        if found == LATEST_VERSION {
            return Ok(());
        }
        if !fresh
            && found > 0
            && let Some(p) = &self.path
        {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
            let backup = p.with_extension(format!("v{found}-before-migration-{stamp}.sqlite"));
            // Written under a temporary name and renamed only when complete: a killed
            // migration never leaves an empty copy under the final name.
            let tmp = super::atomic::temp_path_for(&backup).map_err(|e| StoreError::Create {
                path: backup.display().to_string(),
                source: e,
            })?;
            let _ = std::fs::remove_file(&tmp);
            self.backup_to(&tmp)?;
            tmp.persist(&backup).map_err(|e| StoreError::Create {
                path: backup.display().to_string(),
                source: e.error,
            })?;
        }
        // Rebuilding a table (migration 3) must not trip foreign keys midway; they are checked
        // again at the end.
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let migrated = self.run_migrations();
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        migrated?;
        let broken: i64 =
            self.conn
                .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })?;
        if broken > 0 {
            return Err(StoreError::Migration(format!(
                "{broken} rows refer to missing rows"
            )));
        }
        Ok(())
    }
}
