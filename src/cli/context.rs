//! What every command gets (`Ctx`): the resolved paths, the clock, the language and the
//! settings; opening the diary, and turning store errors and warnings into words.

use std::io::Write;

use super::{AUTO_BACKUPS, CliError, CliResult, io_error};
use crate::app::config::{ENV_BUSY_TIMEOUT_MS, Paths, Settings};
use crate::app::entries::{SaveError, Saved};
use crate::domain::clock::Clock;
use crate::domain::validate::{ValidationError, Warning};
use crate::domain::when::WhenError;
use crate::present::i18n::I18n;
use crate::store::{Store, StoreError};

/// What every command gets: the resolved paths, the clock, the language.
pub struct Ctx {
    pub paths: Paths,
    pub clock: Clock,
    pub i18n: I18n,
    pub settings: Settings,
    /// The diary was opened by this command.
    pub opened: std::cell::Cell<bool>,
}

impl Ctx {
    /// Open the diary (and remember that it was opened, for the daily backup). What the
    /// opening found (lost changes) and, at the first opening, what a detached backup after an
    /// earlier command recorded are said on standard error; stale temporary files of this
    /// diary are swept.
    pub fn open_store(&self) -> CliResult<Store> {
        let mut store = Store::open(&self.paths.db).map_err(|e| self.store_error(e))?;
        if let Some(ms) = std::env::var(ENV_BUSY_TIMEOUT_MS)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            store
                .set_busy_timeout(std::time::Duration::from_millis(ms))
                .map_err(|e| self.store_error(e))?;
        }
        let first = !self.opened.replace(true);
        for n in store.notices() {
            let _ = writeln!(
                std::io::stderr(),
                "{}: {}",
                self.i18n.t("warning.prefix"),
                notice_text(&self.i18n, n)
            );
        }
        if first {
            self.earlier_backup_problem();
        }
        if !store.is_read_only() {
            crate::store::atomic::sweep_stale(&self.paths.data_dir);
            crate::store::atomic::sweep_stale(&crate::app::backup::backups_dir(
                &self.paths.data_dir,
            ));
        }
        Ok(store)
    }

    /// After a command that used the diary succeeded: once a day, the automatic backup (the
    /// newest 7 of this diary are kept in the backups folder), by a detached child process so
    /// the command returns at once (`ITP_DIARY_BACKUP=wait`: made here, before exit). Never
    /// after a refusal, so a refused command leaves every file as it was; never from a damaged
    /// diary. A failed backup is a warning that says the entry itself is saved (a detached
    /// one's, on the next command: [`Ctx::earlier_backup_problem`]). `wait`: made here whatever
    /// the environment says (a command run by a timer).
    pub(super) fn daily_backup(&self, wait: bool) {
        use crate::app::backup::auto_backup_path;
        use crate::app::backup_job::{self, Mode, Problem};
        let (db, data_dir) = (&self.paths.db, &self.paths.data_dir);
        if !self.opened.get() || auto_backup_path(data_dir, db, &self.clock).exists() {
            return;
        }
        if !wait
            && Mode::from_env() == Mode::Detached
            && backup_job::spawn(db, data_dir, self.clock.now()).is_ok()
        {
            return;
        }
        // Waited for (or no child process could be started: made now).
        let outcome = backup_job::run(db, data_dir, &self.clock, AUTO_BACKUPS, true);
        if let Some(p) = Problem::of(outcome) {
            let _ = writeln!(
                std::io::stderr(),
                "{}: {}",
                self.i18n.t("warning.prefix"),
                self.backup_problem(&p)
            );
        }
    }

    /// What a detached backup after an earlier command recorded (a failure, a damaged diary),
    /// said on standard error until a backup succeeds.
    fn earlier_backup_problem(&self) {
        let Some(s) = crate::app::backup_job::recorded(&self.paths.data_dir, &self.paths.db) else {
            return;
        };
        let when = s.recorded_at.format("%Y-%m-%d %H:%M").to_string();
        let _ = writeln!(
            std::io::stderr(),
            "{}: {}",
            self.i18n.t("warning.prefix"),
            self.i18n.tf(
                "safety.auto_backup_earlier",
                &[
                    ("when", &when),
                    ("message", &self.backup_problem(&s.problem))
                ]
            )
        );
    }

    /// A failed or refused daily backup in words, as one visible line: its reason and details
    /// may come from a file on disk (the status file) or from SQLite, and carry line breaks or
    /// escape sequences.
    fn backup_problem(&self, p: &crate::app::backup_job::Problem) -> String {
        crate::present::sanitize::visible_line(&self.backup_problem_raw(p))
    }

    fn backup_problem_raw(&self, p: &crate::app::backup_job::Problem) -> String {
        use crate::app::backup_job::Problem;
        let backups = crate::app::backup::backups_dir(&self.paths.data_dir);
        match p {
            Problem::Failed { reason } => self.i18n.tf("backup.auto_failed", &[("reason", reason)]),
            Problem::Damaged {
                detail,
                newest_good,
            } => {
                // Named only when it is one of this diary's own backups in its backups folder:
                // the status file is read from disk and could name anything.
                let own = newest_good.as_deref().filter(|p| {
                    crate::app::backup_names::is_own_backup_path(&backups, &self.paths.db, p)
                });
                self.i18n.tf(
                    "safety.diary_damaged",
                    &[
                        ("path", &self.paths.db.display().to_string()),
                        ("detail", detail),
                        ("newest", &self.newest_good_text(own)),
                    ],
                )
            }
            // Said as a failed backup: everything entered is saved.
            Problem::CopyDamaged { detail } => self.i18n.tf(
                "backup.auto_failed",
                &[(
                    "reason",
                    &self.i18n.tf(
                        "safety.backup_copy_damaged",
                        &[("detail", detail), ("dir", &backups.display().to_string())],
                    ),
                )],
            ),
            Problem::BackupsNotAFolder => self.i18n.tf(
                "backup.auto_failed",
                &[(
                    "reason",
                    &self.i18n.tf(
                        "safety.backups_not_a_folder",
                        &[("path", &backups.display().to_string())],
                    ),
                )],
            ),
        }
    }

    /// "the newest good backup is …", or that none was found.
    fn newest_good_text(&self, newest: Option<&std::path::Path>) -> String {
        match newest {
            Some(p) => self
                .i18n
                .tf("safety.newest_good", &[("path", &p.display().to_string())]),
            None => self.i18n.t("safety.no_good_backup").to_string(),
        }
    }

    pub fn store_error(&self, e: StoreError) -> CliError {
        match e {
            StoreError::NotFound(id) => {
                CliError::Invalid(self.i18n.tf("error.not_found", &[("id", &id.to_string())]))
            }
            StoreError::Deleted(id) => CliError::Invalid(
                self.i18n
                    .tf("safety.deleted_elsewhere", &[("id", &id.to_string())]),
            ),
            StoreError::Changed(id) => CliError::Failed(
                self.i18n
                    .tf("safety.changed_elsewhere", &[("id", &id.to_string())]),
            ),
            e @ StoreError::Damaged { .. } => {
                // Name the backup to restore; SQLite's findings as one visible line.
                let newest =
                    crate::app::backup::newest_good_backup(&self.paths.data_dir, &self.paths.db);
                let text = format!("{e}; {}", self.newest_good_text(newest.as_deref()));
                CliError::Failed(crate::present::sanitize::visible_line(&text))
            }
            // SQLite's details (a corrupt record, a failed migration) may carry line breaks.
            other => CliError::Failed(crate::present::sanitize::visible_line(
                &self.store_message(&other),
            )),
        }
    }

    /// A store error in the patient's language (the English text is the error's own).
    pub fn store_message(&self, e: &StoreError) -> String {
        let i = &self.i18n;
        match e {
            StoreError::TooNew {
                path,
                found,
                supported,
            } => i.tf(
                "store_error.too_new",
                &[
                    ("path", path),
                    ("found", &found.to_string()),
                    ("supported", &supported.to_string()),
                ],
            ),
            StoreError::NotADatabase { path } => {
                i.tf("store_error.not_a_database", &[("path", path)])
            }
            StoreError::ReadOnly { path } => i.tf("store_error.read_only", &[("path", path)]),
            StoreError::Locked(secs) => i.tf("store_error.locked", &[("secs", &secs.to_string())]),
            StoreError::Full => i.t("store_error.full").to_string(),
            StoreError::Create { path, source } => i.tf(
                "store_error.create",
                &[("path", path), ("reason", &source.to_string())],
            ),
            StoreError::Corrupt(what) => i.tf("store_error.corrupt", &[("reason", what)]),
            StoreError::Migration(why) => i.tf("store_error.migration", &[("reason", why)]),
            other => other.to_string(),
        }
    }

    pub fn save_error(&self, e: SaveError) -> CliError {
        match e {
            SaveError::Input(e) => CliError::Invalid(self.i18n.input_error(&e)),
            SaveError::Store(e) => self.store_error(e),
            SaveError::SlotAnswered(slot) => CliError::Invalid(self.i18n.tf(
                "rules_text.slot_answered",
                &[("time", &slot.format("%Y-%m-%d %H:%M").to_string())],
            )),
            SaveError::SoonAfter { at, last } => {
                CliError::Invalid(crate::present::describe::dose_soon_after(
                    &self.i18n,
                    at,
                    last,
                    "rules_text.dose_soon_after",
                ))
            }
        }
    }

    /// A saved entry: its warnings on stderr, "Saved #id …" on `out`.
    pub fn saved(&self, s: &Saved, out: &mut impl Write) -> CliResult {
        self.warn(&s.warnings);
        writeln!(
            out,
            "{}",
            crate::present::describe::saved(&s.entry, s.edited, &self.clock, &self.i18n)
        )
        .map_err(io_error)
    }

    pub fn invalid(&self, e: &ValidationError) -> CliError {
        CliError::Invalid(self.i18n.validation(e))
    }

    pub fn when(&self, field: &str, e: &WhenError) -> CliError {
        CliError::Invalid(self.i18n.when_error(field, e))
    }

    pub fn warn(&self, warnings: &[Warning]) {
        let mut err = std::io::stderr().lock();
        for w in warnings {
            let _ = writeln!(
                err,
                "{}: {}",
                self.i18n.t("warning.prefix"),
                self.i18n.warning(w)
            );
        }
    }
}

/// A store notice in the user's language. Lost changes say exactly what is known: when the
/// highest id ever given is still in the diary no entry is missing (the lost changes were
/// edits, deletions, plan or settings changes); otherwise the entries after the diary's end,
/// up to the highest id given, may be lost.
pub(super) fn notice_text(i: &I18n, n: &crate::store::Notice) -> String {
    match n {
        crate::store::Notice::LostChanges {
            lost,
            max_id,
            now_max,
        } => {
            let lost = lost.to_string();
            let now = now_max.to_string();
            if max_id <= now_max {
                return i.tf(
                    "lost_changes.none_missing",
                    &[("lost", &lost), ("now_max", &now)],
                );
            }
            i.tf(
                "safety.lost_changes",
                &[
                    ("lost", &lost),
                    ("max_id", &max_id.to_string()),
                    ("now_max", &now),
                ],
            )
        }
    }
}
