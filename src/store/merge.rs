//! Visit questions, merging a backup (one transaction, by uid), copying a file in, patient id.

use std::path::Path;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use rusqlite::{OptionalExtension, params};

use super::entries::{insert, utc_text};
use super::regimens::insert_step;
use super::{NewStep, Result, Store, StoreError};
use crate::domain::entry::{NewEntry, Source};
use crate::domain::regimen::{Profile, Question, Regimen};

/// A visit question from a backup: (uid, text, created at, answered at).
pub type QuestionRow = (
    String,
    String,
    DateTime<FixedOffset>,
    Option<DateTime<FixedOffset>>,
);

/// What a merge brings.
pub struct Merge<'a> {
    /// (uid, entry, deleted, source)
    pub entries: Vec<(String, NewEntry, bool, Source)>,
    pub regimens: &'a [Regimen],
    pub profile: &'a Profile,
    pub questions: &'a [QuestionRow],
    /// The patient id this diary takes on (an empty diary restored from a backup keeps the
    /// backup's, so FHIR Patient and Condition ids stay the same).
    pub patient_uid: Option<&'a str>,
    /// Exact delete times by entry uid (a full backup keeps them); a deleted entry without
    /// one is marked deleted now.
    pub deleted_at: std::collections::HashMap<String, String>,
    /// Kept versions of the entries (`entry_uid` names the entry); restored with the entries
    /// this merge adds.
    pub revisions: &'a [super::RevisionRow],
    /// Where an entry, plan or question is here with other content than in the backup, keep
    /// this diary's (counted in [`MergeReport::differing`]); otherwise the merge is refused
    /// whole ([`StoreError::Differing`]) — an edit, delete or plan change made on one copy is
    /// never silently dropped.
    pub keep_mine: bool,
}

/// An item of a backup that is here (same uid) with other content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Differing {
    Entry {
        id: i64,
        kind: crate::domain::entry::Kind,
        at: DateTime<FixedOffset>,
    },
    Regimen {
        drug: crate::domain::drugs::Drug,
        start: chrono::NaiveDate,
    },
    Question {
        text: String,
    },
}

/// What a merge did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub entries_added: usize,
    pub entries_present: usize,
    pub regimens_added: usize,
    pub regimens_present: usize,
    pub questions_added: usize,
    pub profile_fields_filled: usize,
    /// Items here with other content than in the backup, kept as they are (`keep_mine`).
    pub differing: Vec<Differing>,
}

fn exists(tx: &rusqlite::Transaction, table: &str, uid: &str) -> Result<bool> {
    Ok(tx
        .query_row(
            &format!("SELECT 1 FROM {table} WHERE uid = ?1"),
            [uid],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// A question's text and answer time by uid (deleted ones too: a backup's question deleted
/// here stays deleted).
fn question_by_uid(
    tx: &rusqlite::Transaction,
    uid: &str,
) -> Result<Option<(String, Option<String>)>> {
    Ok(tx
        .query_row(
            "SELECT text, answered_at FROM visit_questions WHERE uid = ?1",
            [uid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

impl Store {
    pub fn add_question(&mut self, text: &str, now: DateTime<FixedOffset>) -> Result<i64> {
        let now = now.to_rfc3339_opts(SecondsFormat::Secs, false);
        self.write(|tx| {
            tx.execute(
                "INSERT INTO visit_questions (text, created_at) VALUES (?1, ?2)",
                params![text, now],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    pub fn answer_question(&mut self, id: i64, now: DateTime<FixedOffset>) -> Result<()> {
        let now = now.to_rfc3339_opts(SecondsFormat::Secs, false);
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE visit_questions SET answered_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
                params![id, now],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(id));
            }
            Ok(())
        })
    }

    /// Questions, oldest first; answered ones only when asked for.
    pub fn questions(&self, include_answered: bool) -> Result<Vec<Question>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, uid, text, created_at, answered_at FROM visit_questions
             WHERE deleted_at IS NULL AND (?1 OR answered_at IS NULL) ORDER BY created_at, id",
        )?;
        let rows = stmt.query_map([include_answered], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let t = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map_err(|e| StoreError::Corrupt(format!("question time '{s}': {e}")))
        };
        rows.map(|r| {
            let (id, uid, text, created, answered) = r?;
            Ok(Question {
                id,
                uid,
                text,
                created_at: t(&created)?,
                answered_at: answered.as_deref().map(t).transpose()?,
            })
        })
        .collect()
    }

    /// A stable id for this diary's patient (for FHIR), created on first use.
    pub fn patient_uid(&mut self) -> Result<String> {
        if let Some(u) = self.meta("patient_uid")? {
            return Ok(u);
        }
        let u: String = self
            .conn
            .query_row("SELECT lower(hex(randomblob(16)))", [], |r| r.get(0))?;
        self.set_meta("patient_uid", &u)?;
        Ok(u)
    }

    /// The ids of entries that were edited after they were first saved (FHIR `amended`).
    pub fn edited_entry_ids(&self) -> Result<std::collections::HashSet<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT entry_id FROM entry_revisions WHERE action = 'edit'",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Merge a backup in one transaction: entries, regimens and questions whose uid is already
    /// here are left as they are (importing twice changes nothing); empty profile fields are
    /// filled.
    pub fn merge(&mut self, m: &Merge, now: DateTime<FixedOffset>) -> Result<MergeReport> {
        let now_text = utc_text(&now);
        self.write(|tx| {
            let mut rep = MergeReport::default();
            if let Some(u) = m.patient_uid {
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('patient_uid', ?1)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [u],
                )?;
            }
            let local_plans = super::regimens::regimens_on(tx)?;
            for (uid, e, deleted, source) in &m.entries {
                if let Some(here) = super::entries::entry_by_uid(tx, uid)? {
                    rep.entries_present += 1;
                    let same = here.data == e.data
                        && here.at == e.at
                        && here.at.offset() == e.at.offset()
                        && here.note == e.note
                        && here.deleted == *deleted;
                    if !same {
                        rep.differing.push(Differing::Entry {
                            id: here.id,
                            kind: here.data.kind(),
                            at: here.at,
                        });
                    }
                    continue;
                }
                let id = insert(tx, e, Some(uid), *source, &now)?;
                let exact = m.deleted_at.get(uid).map(String::as_str);
                let mark = deleted.then_some(exact.unwrap_or(&now_text));
                let kept: Vec<_> = m.revisions.iter().filter(|r| &r.entry_uid == uid).collect();
                super::history::restore_history(tx, id, mark, &kept)?;
                rep.entries_added += 1;
            }
            for r in m.regimens {
                if exists(tx, "regimens", &r.uid)? {
                    rep.regimens_present += 1;
                    let here = local_plans.iter().find(|h| h.uid == r.uid);
                    if here.is_none_or(|h| !h.same_plan(r)) {
                        rep.differing.push(Differing::Regimen {
                            drug: r.drug,
                            start: r.start,
                        });
                    }
                    continue;
                }
                tx.execute(
                    "INSERT INTO regimens (uid, drug, route, start_date, stop_date, target_low,
                         target_high, induction_weeks, note, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        r.uid,
                        r.drug.code(),
                        r.route.code(),
                        r.start.format("%Y-%m-%d").to_string(),
                        r.stop.map(|d| d.format("%Y-%m-%d").to_string()),
                        r.target_low,
                        r.target_high,
                        r.induction_weeks,
                        r.note,
                        now_text
                    ],
                )?;
                let id = tx.last_insert_rowid();
                for s in &r.steps {
                    insert_step(
                        tx,
                        id,
                        &NewStep {
                            effective_from: s.effective_from,
                            kind: s.kind,
                            slots: s.slots.clone(),
                            unit: s.unit.clone(),
                            every_days: s.every_days,
                            formulation: s.formulation.clone(),
                            note: s.note.clone(),
                        },
                        &now_text,
                    )?;
                }
                rep.regimens_added += 1;
            }
            for (uid, text, created, answered) in m.questions {
                if let Some((here, when)) = question_by_uid(tx, uid)? {
                    let answered_here = when
                        .as_deref()
                        .and_then(|w| DateTime::parse_from_rfc3339(w).ok());
                    if &here != text || answered_here != *answered {
                        rep.differing.push(Differing::Question { text: here });
                    }
                    continue;
                }
                tx.execute(
                    "INSERT INTO visit_questions (uid, text, created_at, answered_at) VALUES (?1, ?2, ?3, ?4)",
                    params![uid, text, created.to_rfc3339(), answered.map(|a| a.to_rfc3339())],
                )?;
                rep.questions_added += 1;
            }
            let p = m.profile;
            let fields: [(&str, Option<rusqlite::types::Value>); 5] = [
                ("name", p.name.clone().map(Into::into)),
                ("diagnosed_on", p.diagnosed_on.map(|d| d.format("%Y-%m-%d").to_string().into())),
                ("birth_year", p.birth_year.map(|y| i64::from(y).into())),
                ("sex", p.sex.clone().map(Into::into)),
                ("height_cm", p.height_cm.map(Into::into)),
            ];
            tx.execute(
                "INSERT INTO profile (id, updated_at) VALUES (1, ?1) ON CONFLICT (id) DO NOTHING",
                [&now_text],
            )?;
            for (col, v) in fields {
                if let Some(v) = v {
                    rep.profile_fields_filled += tx.execute(
                        &format!("UPDATE profile SET {col} = ?1 WHERE id = 1 AND {col} IS NULL"),
                        [v],
                    )?;
                }
            }
            if !m.keep_mine && !rep.differing.is_empty() {
                // Nothing is written: the transaction is rolled back.
                return Err(StoreError::Differing(rep.differing));
            }
            Ok(rep)
        })
    }

    /// Replace this diary's content with the file at `src` (SQLite's backup API, so the copy
    /// is consistent and the open diary stays valid), then bring its schema up to date. Ids
    /// given before are never given again (the id counter keeps the highest), and other
    /// windows see the change (`PRAGMA data_version`).
    pub fn replace_from(&mut self, src: &Path) -> Result<()> {
        let high = self.highest_id()?;
        let source = super::safety::open_read_only(src)?;
        let page = |c: &rusqlite::Connection| -> Result<i64> {
            Ok(c.query_row("PRAGMA page_size", [], |r| r.get(0))?)
        };
        // SQLite cannot copy pages of another size into a diary in WAL mode: switch to a
        // rollback journal for the copy (needs no other window open on the diary).
        let other_size = page(&source)? != page(&self.conn)?;
        if other_size {
            let mode: String =
                self.conn
                    .pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("delete") {
                return Err(StoreError::Unusable {
                    path: src.display().to_string(),
                    reason: "it uses another page size, which can only be restored while no other itp-diary window has the diary open — close them and try again".into(),
                });
            }
        }
        let copied = (|| -> Result<()> {
            let backup = rusqlite::backup::Backup::new(&source, &mut self.conn)?;
            backup.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
            Ok(())
        })();
        if other_size {
            let _: String =
                self.conn
                    .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        }
        copied?;
        self.migrate(false)?;
        self.raise_id_counter(high)?;
        self.write_seal();
        Ok(())
    }

    /// The highest entry id ever given in this diary.
    fn highest_id(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'entries'), 0),
                        coalesce((SELECT max(id) FROM entries), 0))",
            [],
            |r| r.get(0),
        )?)
    }

    /// Check that a file is a readable, sound diary of a known schema version, untouched (it
    /// is opened read-only; on read-only media too).
    pub fn check_file(path: &Path) -> Result<i64> {
        let not_db = || StoreError::NotADatabase {
            path: path.display().to_string(),
        };
        let c = super::safety::open_read_only(path).map_err(|_| not_db())?;
        let v = super::safety::check_contents(&c, path)?;
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|_| not_db())?;
        if ok != "ok" {
            return Err(StoreError::Damaged {
                path: path.display().to_string(),
                detail: format!("integrity check: {ok}"),
            });
        }
        let has: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'entries'",
                [],
                |r| r.get(0),
            )
            .map_err(|_| not_db())?;
        if v == 0 || has == 0 {
            return Err(not_db());
        }
        Ok(v)
    }
}
