//! Regimens and their steps; the profile; visit questions.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{OptionalExtension, params};

use super::entries::utc_text;
use super::{Result, Store, StoreError};
use crate::domain::drugs::{Drug, Route};
use crate::domain::regimen::{Profile, Regimen, Slot, Step, StepKind};

/// A regimen about to be stored.
#[derive(Clone, Debug)]
pub struct NewRegimen {
    pub drug: Drug,
    pub route: Route,
    pub start: NaiveDate,
    pub target_low: Option<f64>,
    pub target_high: Option<f64>,
    pub induction_weeks: Option<u32>,
    pub note: Option<String>,
    pub first: NewStep,
}

/// A step about to be stored.
#[derive(Clone, Debug)]
pub struct NewStep {
    pub effective_from: NaiveDate,
    pub kind: StepKind,
    pub slots: Vec<Slot>,
    pub unit: String,
    pub every_days: u32,
    pub formulation: Option<String>,
    pub note: Option<String>,
}

fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| StoreError::Corrupt(format!("date '{s}': {e}")))
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn insert_step(
    tx: &rusqlite::Transaction,
    regimen_id: i64,
    s: &NewStep,
    now: &str,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO regimen_steps (regimen_id, effective_from, kind, slots, unit, every_days,
                                    formulation, note, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            regimen_id,
            day(s.effective_from),
            s.kind.code(),
            serde_json::to_string(&s.slots)?,
            s.unit,
            s.every_days,
            s.formulation,
            s.note,
            now
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

impl Store {
    /// Start a regimen with its first step (one transaction).
    pub fn add_regimen(&mut self, r: &NewRegimen, now: DateTime<FixedOffset>) -> Result<i64> {
        let now = utc_text(&now);
        self.write(|tx| {
            tx.execute(
                "INSERT INTO regimens (drug, route, start_date, target_low, target_high,
                                       induction_weeks, note, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    r.drug.code(),
                    r.route.code(),
                    day(r.start),
                    r.target_low,
                    r.target_high,
                    r.induction_weeks,
                    r.note,
                    now
                ],
            )?;
            let id = tx.last_insert_rowid();
            insert_step(tx, id, &r.first, &now)?;
            Ok(id)
        })
    }

    /// Record a change of plan (the past is kept).
    pub fn add_step(
        &mut self,
        regimen_id: i64,
        s: &NewStep,
        now: DateTime<FixedOffset>,
    ) -> Result<()> {
        let now = utc_text(&now);
        self.write(|tx| insert_step(tx, regimen_id, s, &now).map(drop))
    }

    /// Record a change of plan only if the regimen's newest step is still `read` (the version
    /// the caller's change was checked against); returns the new step's id, or `None` and
    /// nothing written otherwise.
    pub fn add_step_after(
        &mut self,
        regimen_id: i64,
        read: i64,
        s: &NewStep,
        now: DateTime<FixedOffset>,
    ) -> Result<Option<i64>> {
        let now = utc_text(&now);
        self.write(|tx| {
            let newest: Option<i64> = tx.query_row(
                "SELECT MAX(id) FROM regimen_steps WHERE regimen_id = ?1",
                params![regimen_id],
                |row| row.get(0),
            )?;
            if newest.unwrap_or_default() != read {
                return Ok(None);
            }
            insert_step(tx, regimen_id, s, &now).map(Some)
        })
    }

    /// Take back a change of plan: remove step `step_id` only if it is still the regimen's
    /// newest step and not its first (one transaction); `false` and nothing written otherwise.
    pub fn remove_step_if_newest(&mut self, regimen_id: i64, step_id: i64) -> Result<bool> {
        self.write(|tx| {
            let (newest, count): (Option<i64>, i64) = tx.query_row(
                "SELECT MAX(id), COUNT(*) FROM regimen_steps WHERE regimen_id = ?1",
                params![regimen_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            if newest != Some(step_id) || count < 2 {
                return Ok(false);
            }
            let n = tx.execute(
                "DELETE FROM regimen_steps WHERE id = ?1 AND regimen_id = ?2",
                params![step_id, regimen_id],
            )?;
            Ok(n == 1)
        })
    }

    /// Set (or clear) the day a regimen stops.
    pub fn stop_regimen(&mut self, regimen_id: i64, on: Option<NaiveDate>) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE regimens SET stop_date = ?2 WHERE id = ?1",
                params![regimen_id, on.map(day)],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(regimen_id));
            }
            Ok(())
        })
    }

    /// Every regimen with its steps, oldest first.
    pub fn regimens(&self) -> Result<Vec<Regimen>> {
        regimens_on(&self.conn)
    }
    pub fn profile(&self) -> Result<Profile> {
        Ok(self
            .conn
            .query_row(
                "SELECT name, diagnosed_on, birth_year, sex, height_cm FROM profile WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<i32>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<f64>>(4)?,
                    ))
                },
            )
            .optional()?
            .map(|(name, diagnosed, birth_year, sex, height_cm)| {
                Ok::<_, StoreError>(Profile {
                    name,
                    diagnosed_on: diagnosed.as_deref().map(date).transpose()?,
                    birth_year,
                    sex,
                    height_cm,
                })
            })
            .transpose()?
            .unwrap_or_default())
    }

    pub fn set_profile(&mut self, p: &Profile, now: DateTime<FixedOffset>) -> Result<()> {
        let now = utc_text(&now);
        self.write(|tx| {
            tx.execute(
                "INSERT INTO profile (id, name, diagnosed_on, birth_year, sex, height_cm, updated_at)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name,
                    diagnosed_on = excluded.diagnosed_on, birth_year = excluded.birth_year,
                    sex = excluded.sex, height_cm = excluded.height_cm,
                    updated_at = excluded.updated_at",
                params![p.name, p.diagnosed_on.map(day), p.birth_year, p.sex, p.height_cm, now],
            )?;
            Ok(())
        })
    }
}

/// [`Store::regimens`] on a connection (a merge reads them inside its transaction).
pub(super) fn regimens_on(conn: &rusqlite::Connection) -> Result<Vec<Regimen>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.uid, r.drug, r.route, r.start_date, r.stop_date, r.target_low,
                r.target_high, r.induction_weeks, r.note, r.created_at
         FROM regimens r WHERE r.deleted_at IS NULL ORDER BY r.start_date, r.id",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, Option<String>>(5)?,
            row.get::<_, Option<f64>>(6)?,
            row.get::<_, Option<f64>>(7)?,
            row.get::<_, Option<u32>>(8)?,
            row.get::<_, Option<String>>(9)?,
            row.get::<_, Option<String>>(10)?,
        ))
    })?;
    let mut out = Vec::new();
    for r in rows {
        let (id, uid, drug, route, start, stop, lo, hi, weeks, note, created) = r?;
        out.push(Regimen {
            id,
            uid,
            drug: Drug::from_code(&drug)
                .ok_or_else(|| StoreError::Corrupt(format!("drug '{drug}'")))?,
            route: Route::from_code(&route)
                .ok_or_else(|| StoreError::Corrupt(format!("route '{route}'")))?,
            start: date(&start)?,
            stop: stop.as_deref().map(date).transpose()?,
            target_low: lo,
            target_high: hi,
            induction_weeks: weeks,
            note,
            steps: steps_on(conn, id)?,
            // When the plan was recorded (slots of the start day before it are not due).
            planned_at: created
                .as_deref()
                .and_then(|c| DateTime::parse_from_rfc3339(c).ok()),
        });
    }
    Ok(out)
}

fn steps_on(conn: &rusqlite::Connection, regimen_id: i64) -> Result<Vec<Step>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, effective_from, kind, slots, unit, every_days, formulation, note
         FROM regimen_steps WHERE regimen_id = ?1 ORDER BY effective_from, id",
    )?;
    let rows = stmt.query_map([regimen_id], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, u32>(5)?,
            row.get::<_, Option<String>>(6)?,
            row.get::<_, Option<String>>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for r in rows {
        let (id, from, kind, slots, unit, every_days, formulation, note) = r?;
        out.push(Step {
            id,
            effective_from: date(&from)?,
            kind: StepKind::from_code(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("step kind '{kind}'")))?,
            slots: serde_json::from_str(&slots)?,
            unit,
            every_days,
            formulation,
            note,
        });
    }
    Ok(out)
}
