//! Light reads for long histories: values straight from the columns (no payload decoded), for
//! the response history of a long course and the charts of a long window.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Utc};

use super::entries::utc_text;
use super::{Result, Store, StoreError};
use crate::domain::drugs::Drug;
use crate::domain::entry::{Analyte, DoseStatus, Kind};
use crate::domain::trend::{DoseMark, Level};

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
            Dense::Lab(_) => ("value", covered, "kind = 'lab' AND subject = ?3"),
            Dense::Systolic => (
                "value",
                covered,
                "kind = 'bp' AND subject IS NULL AND ?3 IS NOT NULL",
            ),
            // The diastolic value is read from its own index (migration 6), not from the rows.
            Dense::Diastolic => (
                "details ->> '$.diastolic'",
                "entries INDEXED BY entries_live_diastolic",
                "kind = 'bp' AND ?3 IS NOT NULL",
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
        self.plain_values(Kind::Platelets, from, to, None)
    }

    /// Weights (kg) in `[from, to)`, oldest first, after the newest one before `from` (the
    /// weight in force when the window opens).
    pub fn weights(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<FixedOffset>, f64)>> {
        let mut out = self.plain_values(Kind::Weight, None, from, Some(1))?;
        out.extend(self.plain_values(Kind::Weight, Some(from), to, None)?);
        Ok(out)
    }

    /// The stored canonical values of the live entries of a kind without a subject (counts,
    /// weights) in `[from, to)`, oldest first; with `newest`, only that many of the newest.
    fn plain_values(
        &self,
        kind: Kind,
        from: Option<DateTime<Utc>>,
        to: DateTime<Utc>,
        newest: Option<u32>,
    ) -> Result<Vec<(DateTime<FixedOffset>, f64)>> {
        let sql = "SELECT id, at, value FROM entries INDEXED BY entries_live_series
             WHERE kind = ?1 AND subject IS NULL AND deleted_at IS NULL
               AND at_utc >= ?2 AND at_utc < ?3";
        let mut stmt = self.conn.prepare_cached(&match newest {
            Some(n) => format!("{sql} ORDER BY at_utc DESC, id DESC LIMIT {n}"),
            None => format!("{sql} ORDER BY at_utc, id"),
        })?;
        let from = from.map_or_else(String::new, |f| utc_text(&f));
        let rows = stmt.query_map([kind.code(), &from, &utc_text(&to)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<f64>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, v) = row?;
            let v = v.ok_or_else(|| StoreError::Corrupt(format!("entry {id}: no value")))?;
            out.push((time(id, &at)?, v));
        }
        if newest.is_some() {
            out.reverse();
        }
        Ok(out)
    }

    /// The lowest and the highest point of each of `columns` equal slices of `[from, to)`
    /// (both, once each, in time order; of equal values the earliest): a chart of the window
    /// draws the same extremes as from every point. The rows are read from an index in one
    /// pass, with no sort; only the kept points' local times are parsed.
    pub fn column_extremes(
        &self,
        series: Dense,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        columns: usize,
    ) -> Result<Vec<(DateTime<FixedOffset>, f64)>> {
        let (value, table, filter) = series.select();
        let sql = format!(
            "SELECT id, at_utc, at, {value} AS v FROM {table}
             WHERE {filter} AND deleted_at IS NULL AND at_utc >= ?1 AND at_utc < ?2
               AND v IS NOT NULL"
        );
        let subject = match series {
            Dense::Lab(a) => a.code(),
            _ => "",
        };
        let mut slices = Slices::new(from, to, columns);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params![utc_text(&from), utc_text(&to), subject])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let utc = r.get_ref(1)?;
            let secs = utc
                .as_str()
                .ok()
                .and_then(|u| utc_seconds(u).or_else(|| Some(time(id, u).ok()?.timestamp())))
                .ok_or_else(|| StoreError::Corrupt(format!("entry {id}: time {utc:?}")))?;
            let v: f64 = r.get(3)?;
            slices.add(Point { secs, id, v }, || r.get::<_, String>(2))?;
        }
        let mut kept = slices.points();
        kept.sort_by_key(|(p, _)| (p.secs, p.id));
        kept.into_iter()
            .map(|(p, at)| Ok((time(p.id, &at)?, p.v)))
            .collect()
    }

    /// The drug levels of `analyte` in `[from, to)`, oldest first: value and the previous
    /// dose the result names, from the index of lab values (migration 7), no table row read;
    /// for a level that names none, the last dose of its drug logged as taken before the draw.
    pub fn levels(
        &self,
        analyte: Analyte,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Level>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, value, details ->> '$.last_dose_at' AS own,
                    CASE WHEN details ->> '$.last_dose_at' IS NULL THEN
                      (SELECT d.at FROM entries d INDEXED BY entries_by_kind
                        WHERE d.kind = 'dose' AND d.subject = ?4 AND d.deleted_at IS NULL
                          AND d.at_utc <= l.at_utc AND d.details ->> '$.status' = ?5
                        ORDER BY d.at_utc DESC, d.id DESC LIMIT 1)
                    END
             FROM entries l INDEXED BY entries_live_levels
             WHERE kind = 'lab' AND subject = ?1 AND deleted_at IS NULL
               AND at_utc >= ?2 AND at_utc < ?3
             ORDER BY at_utc, id",
        )?;
        let drug = Drug::Cyclosporine.code();
        let taken = DoseStatus::Taken.code();
        let args = [
            analyte.code(),
            &utc_text(&from),
            &utc_text(&to),
            drug,
            taken,
        ];
        let rows = stmt.query_map(args, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<f64>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, value, own, logged) = row?;
            let when = |t: Option<String>| t.as_deref().map(|t| time(id, t)).transpose();
            out.push(Level {
                at: time(id, &at)?,
                value: value.ok_or_else(|| StoreError::Corrupt(format!("entry {id}: no value")))?,
                last_dose_at: when(own)?,
                logged_dose_at: when(logged)?,
            });
        }
        Ok(out)
    }

    /// For every CsA trough level (deleted ones too) that names no previous dose, by entry id,
    /// the last ciclosporin dose logged as taken at or before its draw: what every view times
    /// it from, read once for an export that streams the entries.
    pub fn logged_level_doses(&self) -> Result<HashMap<i64, DateTime<FixedOffset>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, (SELECT d.at FROM entries d INDEXED BY entries_by_kind
                          WHERE d.kind = 'dose' AND d.subject = ?2 AND d.deleted_at IS NULL
                            AND d.at_utc <= l.at_utc AND d.details ->> '$.status' = ?3
                          ORDER BY d.at_utc DESC, d.id DESC LIMIT 1) AS dose
             FROM entries l INDEXED BY entries_by_kind
             WHERE kind = 'lab' AND subject = ?1 AND details ->> '$.last_dose_at' IS NULL
               AND dose IS NOT NULL",
        )?;
        let args = [
            Analyte::CsaTrough.code(),
            Drug::Cyclosporine.code(),
            DoseStatus::Taken.code(),
        ];
        let rows = stmt.query_map(args, |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = HashMap::new();
        for row in rows {
            let (id, at) = row?;
            out.insert(id, time(id, &at)?);
        }
        Ok(out)
    }

    /// The time of the newest live entry of `kind` (and `subject`) before `to`, read from the
    /// series index alone (the schedule's "last done" beyond the facts' look-back).
    pub fn last_before(
        &self,
        kind: Kind,
        subject: Option<&str>,
        to: DateTime<Utc>,
    ) -> Result<Option<DateTime<FixedOffset>>> {
        use rusqlite::OptionalExtension;
        let row = self
            .conn
            .prepare_cached(
                "SELECT id, at FROM entries INDEXED BY entries_live_series
                 WHERE kind = ?1 AND subject IS ?2 AND deleted_at IS NULL AND at_utc < ?3
                 ORDER BY at_utc DESC LIMIT 1",
            )?
            .query_row(
                rusqlite::params![kind.code(), subject, utc_text(&to)],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?;
        row.map(|(id, at)| time(id, &at)).transpose()
    }

    /// The time of the last dose of `drug` logged as taken at or before `at` (what a drug
    /// level that names no previous dose is timed from).
    pub fn last_taken_dose(
        &self,
        drug: Drug,
        at: DateTime<Utc>,
    ) -> Result<Option<DateTime<FixedOffset>>> {
        use rusqlite::OptionalExtension;
        let row = self
            .conn
            .prepare_cached(
                "SELECT id, at FROM entries INDEXED BY entries_by_kind
                 WHERE kind = 'dose' AND subject = ?1 AND deleted_at IS NULL
                   AND at_utc <= ?2 AND details ->> '$.status' = ?3
                 ORDER BY at_utc DESC, id DESC LIMIT 1",
            )?
            .query_row(
                [drug.code(), &utc_text(&at), DoseStatus::Taken.code()],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?;
        row.map(|(id, at)| time(id, &at)).transpose()
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

/// A stored UTC time (`YYYY-MM-DDTHH:MM:SSZ`, see `utc_text`) as seconds since 1970, without
/// the cost of a general parser: the long charts read tens of thousands of them.
fn utc_seconds(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let time = chrono::NaiveTime::from_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?;
    Some(date.and_time(time).and_utc().timestamp())
}

/// One value of a series: its time, entry and value.
#[derive(Clone, Copy)]
struct Point {
    secs: i64,
    id: i64,
    v: f64,
}

impl Point {
    fn earlier(&self, o: &Point) -> bool {
        (self.secs, self.id) < (o.secs, o.id)
    }
}

/// The lowest and highest point of each column, with the local time of each (read only when a
/// point is kept). The column of a point is computed as the chart's thinning does
/// (`trend::downsample` over days since `from`), so both agree at the columns' edges.
struct Slices {
    from: i64,
    width: f64,
    columns: usize,
    lo: Vec<Option<(Point, String)>>,
    hi: Vec<Option<(Point, String)>>,
}

impl Slices {
    fn new(from: DateTime<Utc>, to: DateTime<Utc>, columns: usize) -> Slices {
        let columns = columns.max(1);
        let days = (to - from).num_seconds() as f64 / 86_400.0;
        Slices {
            from: from.timestamp(),
            width: days / columns as f64,
            columns,
            lo: vec![None; columns],
            hi: vec![None; columns],
        }
    }

    fn add(&mut self, p: Point, at: impl Fn() -> rusqlite::Result<String>) -> rusqlite::Result<()> {
        let x = (p.secs - self.from) as f64 / 86_400.0;
        let c = ((x / self.width).floor().max(0.0) as usize).min(self.columns - 1);
        let lower = |q: &Point| p.v < q.v || (p.v == q.v && p.earlier(q));
        let higher = |q: &Point| p.v > q.v || (p.v == q.v && p.earlier(q));
        if self.lo[c].as_ref().is_none_or(|(q, _)| lower(q)) {
            self.lo[c] = Some((p, at()?));
        }
        if self.hi[c].as_ref().is_none_or(|(q, _)| higher(q)) {
            self.hi[c] = Some((p, at()?));
        }
        Ok(())
    }

    /// Every kept point once (a column's lowest may also be its highest).
    fn points(self) -> Vec<(Point, String)> {
        let mut out = Vec::new();
        for (lo, hi) in self.lo.into_iter().zip(self.hi) {
            match (lo, hi) {
                (Some(l), Some(h)) if l.0.id == h.0.id => out.push(l),
                (l, h) => out.extend(l.into_iter().chain(h)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_utc_times_read_as_seconds() {
        for s in [
            "1926-01-01T00:00:00Z",
            "2026-03-10T06:30:59Z",
            "2000-02-29T23:59:59Z",
        ] {
            let want = DateTime::parse_from_rfc3339(s).expect("time").timestamp();
            assert_eq!(utc_seconds(s), Some(want), "{s}");
        }
        for bad in [
            "",
            "2026-03-10T06:30:00+08:00",
            "2026-02-30T00:00:00Z",
            "2026-03-10 06:30:00Z",
            "2026-03-10T24:00:00Z",
            "2026-0a-10T06:30:00Z",
            "20260-3-10T06:30:00Z",
        ] {
            assert_eq!(utc_seconds(bad), None, "{bad}");
        }
    }
}
