//! Light reads for long histories: values straight from the columns (no payload decoded), for
//! the response history of a long course and the charts of a long window.

use chrono::{DateTime, FixedOffset, Utc};

use super::entries::utc_text;
use super::{Result, Store, StoreError};
use crate::domain::drugs::Drug;
use crate::domain::entry::{Analyte, DoseStatus, Kind};
use crate::domain::trend::DoseMark;

/// A value series the store can reduce per chart column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dense {
    /// A lab result of this analyte code (its canonical value).
    Lab(Analyte),
    Systolic,
    Diastolic,
}

impl Dense {
    /// The value, the table (with the index that holds the value, when one does) and the
    /// condition.
    fn select(self) -> (&'static str, &'static str, &'static str) {
        // The live-series index holds the value: those series never read a table row.
        let covered = "entries INDEXED BY entries_live_series";
        match self {
            Dense::Lab(_) => ("value", covered, "kind = 'lab' AND subject = ?4"),
            Dense::Systolic => (
                "value",
                covered,
                "kind = 'bp' AND subject IS NULL AND ?4 IS NOT NULL",
            ),
            // The diastolic value is read from its own index (migration 6), not from the rows.
            Dense::Diastolic => (
                "details ->> '$.diastolic'",
                "entries INDEXED BY entries_live_diastolic",
                "kind = 'bp' AND ?4 IS NOT NULL",
            ),
        }
    }
}

fn time(id: i64, at: &str) -> Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(at)
        .map_err(|e| StoreError::Corrupt(format!("entry {id}: time '{at}': {e}")))
}

impl Store {
    /// Platelet counts (×10⁹/L) in `[from, to)`, oldest first: the stored canonical value of
    /// each live count.
    pub fn platelet_counts(
        &self,
        from: Option<DateTime<Utc>>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<FixedOffset>, f64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, value FROM entries INDEXED BY entries_live_series
             WHERE kind = 'platelets' AND subject IS NULL AND deleted_at IS NULL
               AND at_utc >= ?1 AND at_utc < ?2
             ORDER BY at_utc, id",
        )?;
        let from = from.map_or_else(String::new, |f| utc_text(&f));
        let rows = stmt.query_map([from, utc_text(&to)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<f64>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, v) = row?;
            let v = v.ok_or_else(|| StoreError::Corrupt(format!("entry {id}: no count")))?;
            out.push((time(id, &at)?, v));
        }
        Ok(out)
    }

    /// The lowest and the highest point of each of `columns` equal slices of `[from, to)`
    /// (both, once each, in time order): a chart of the window draws the same extremes as
    /// from every point, from at most two rows per column.
    pub fn column_extremes(
        &self,
        series: Dense,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        columns: usize,
    ) -> Result<Vec<(DateTime<FixedOffset>, f64)>> {
        let (value, table, filter) = series.select();
        let width = (to - from).num_seconds().max(1) as f64 / 86_400.0 / columns.max(1) as f64;
        let sql = format!(
            "WITH p AS (SELECT id, at, at_utc, {value} AS v,
                    CAST((julianday(at_utc) - julianday(?1)) / ?3 AS INTEGER) AS col
                 FROM {table} WHERE {filter} AND deleted_at IS NULL
                   AND at_utc >= ?1 AND at_utc < ?2 AND v IS NOT NULL),
             lo AS (SELECT id, at, at_utc, min(v) AS v FROM p GROUP BY col),
             hi AS (SELECT id, at, at_utc, max(v) AS v FROM p GROUP BY col)
             SELECT id, at, v FROM (SELECT * FROM lo UNION SELECT * FROM hi)
             ORDER BY at_utc, id"
        );
        let subject = match series {
            Dense::Lab(a) => a.code(),
            _ => "",
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            rusqlite::params![utc_text(&from), utc_text(&to), width, subject],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, f64>(2)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, v) = row?;
            out.push((time(id, &at)?, v));
        }
        Ok(out)
    }

    /// The upper reference limit of the first lab result of `analyte` in `[from, to)` that
    /// has one.
    pub fn first_upper_limit(
        &self,
        analyte: Analyte,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Option<f64>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached(
                "SELECT details ->> '$.reference.high' AS h FROM entries
                 WHERE kind = ?1 AND subject = ?2 AND deleted_at IS NULL
                   AND at_utc >= ?3 AND at_utc < ?4 AND h IS NOT NULL
                 ORDER BY at_utc, id LIMIT 1",
            )?
            .query_row(
                rusqlite::params![
                    Kind::Lab.code(),
                    analyte.code(),
                    utc_text(&from),
                    utc_text(&to)
                ],
                |r| r.get::<_, f64>(0),
            )
            .optional()?)
    }

    /// The doses of `drug` in `[from, to)`, oldest first, as the slot matching reads them.
    pub fn dose_marks(
        &self,
        drug: Drug,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DoseMark>> {
        self.marks(
            "SELECT id, at, details ->> '$.status', details ->> '$.scheduled_for',
                    CASE WHEN unit = 'mg' THEN value END FROM entries
             WHERE kind = 'dose' AND subject = ?1 AND deleted_at IS NULL
               AND at_utc >= ?2 AND at_utc < ?3
             ORDER BY at_utc, id",
            [drug.code().to_string(), utc_text(&from), utc_text(&to)],
        )
    }

    /// The doses of `drug` that name a slot in `[from, to)` (wherever they were logged),
    /// from the index of named slots (migration 6).
    pub fn doses_naming(
        &self,
        drug: Drug,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DoseMark>> {
        // Stored slot times carry their own UTC offset: the text range is a day wider on both
        // sides than the window, and the times are compared exactly below.
        let day = |t: DateTime<Utc>| t.format("%Y-%m-%d").to_string();
        let lo = day(from - chrono::Duration::days(1));
        let hi = format!("{}~", day(to + chrono::Duration::days(1)));
        let marks = self.marks(
            "SELECT id, at, details ->> '$.status', details ->> '$.scheduled_for',
                    CASE WHEN unit = 'mg' THEN value END FROM entries
                    INDEXED BY entries_live_named
             WHERE kind = 'dose' AND subject = ?1 AND deleted_at IS NULL
               AND details ->> '$.scheduled_for' >= ?2 AND details ->> '$.scheduled_for' < ?3",
            [drug.code().to_string(), lo, hi],
        )?;
        Ok(marks
            .into_iter()
            .filter(|m| m.scheduled_for.is_some_and(|s| s >= from && s < to))
            .collect())
    }

    fn marks(&self, sql: &str, args: [String; 3]) -> Result<Vec<DoseMark>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(args, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<f64>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, status, planned, mg) = row?;
            let status = status
                .as_deref()
                .and_then(DoseStatus::from_code)
                .ok_or_else(|| StoreError::Corrupt(format!("entry {id}: dose status")))?;
            out.push(DoseMark {
                id,
                at: time(id, &at)?,
                status,
                scheduled_for: planned.as_deref().map(|p| time(id, p)).transpose()?,
                mg,
            });
        }
        Ok(out)
    }
}
