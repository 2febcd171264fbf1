//! The kept dose figures of settled months (migration 6): a copy the program makes from the
//! entries and the triggers remove whenever a dose or a plan it was made from changes.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::params;
use rusqlite::types::ValueRef;

use super::{Result, Store};
use crate::domain::drugs::Drug;
use crate::domain::trend::doses::{DosePiece, SlotCounts};

/// One kept month: its first day, the key it was made under and its figures.
#[derive(Clone, Debug, PartialEq)]
pub struct DoseMonth {
    pub month: NaiveDate,
    pub key: String,
    pub piece: DosePiece,
    /// The first and last time of the doses logged far from the month that answer its slots
    /// (they name them): a window that leaves one out gives other figures.
    pub far: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

const PAIR: usize = 12;

/// More planned slots than a month can hold (31 days × 24 slots): a count above it is not read.
const MAX_SLOTS: u32 = 31 * 24;

fn encode(days: &[(NaiveDate, f64)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(days.len() * PAIR);
    for (day, mg) in days {
        out.extend_from_slice(&day.num_days_from_ce().to_le_bytes());
        out.extend_from_slice(&mg.to_le_bytes());
    }
    out
}

/// The most mg a day can add up to in a kept month (100 g: far above any dose).
const MAX_DAY_MG: f64 = 100_000.0;

/// `None` for a blob that is not a list of (day, mg) pairs of the month `month` (a dose's own
/// date may be a day or two outside it, in another UTC offset): the month is made again.
fn decode(blob: &[u8], month: NaiveDate) -> Option<Vec<(NaiveDate, f64)>> {
    if !blob.len().is_multiple_of(PAIR) {
        return None;
    }
    let first = month - Duration::days(2);
    let last = month + Duration::days(i64::from(month.num_days_in_month()) + 2);
    blob.chunks_exact(PAIR)
        .map(|c| {
            let day = i32::from_le_bytes(c[..4].try_into().ok()?);
            let mg = f64::from_le_bytes(c[4..].try_into().ok()?);
            let day =
                NaiveDate::from_num_days_from_ce_opt(day).filter(|d| *d >= first && *d < last)?;
            (mg > 0.0 && mg <= MAX_DAY_MG).then_some((day, mg))
        })
        .collect()
}

/// A kept row as written, or `None` when any part of it cannot be (a hand edit, a damaged
/// page): text that is not UTF-8, counts out of range, days outside the month.
fn read_row(r: &rusqlite::Row) -> rusqlite::Result<Option<DoseMonth>> {
    let text = |i: usize| -> rusqlite::Result<Option<String>> {
        Ok(match r.get_ref(i)? {
            ValueRef::Text(t) => std::str::from_utf8(t).ok().map(str::to_string),
            _ => None,
        })
    };
    let count = |i: usize| -> rusqlite::Result<Option<u32>> {
        Ok(match r.get_ref(i)? {
            ValueRef::Integer(n) => u32::try_from(n).ok().filter(|n| *n <= MAX_SLOTS),
            _ => None,
        })
    };
    let time = |i: usize| -> rusqlite::Result<Option<Option<DateTime<Utc>>>> {
        Ok(match r.get_ref(i)? {
            ValueRef::Null => Some(None),
            ValueRef::Text(t) => std::str::from_utf8(t)
                .ok()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| Some(t.to_utc())),
            _ => None,
        })
    };
    let month =
        text(0)?.and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok());
    let (Some(month), Some(key)) = (month, text(1)?) else {
        return Ok(None);
    };
    let (Some(taken), Some(late), Some(missed), Some(skipped)) =
        (count(2)?, count(3)?, count(4)?, count(5)?)
    else {
        return Ok(None);
    };
    if taken + late + missed + skipped > MAX_SLOTS {
        return Ok(None);
    }
    let days = match r.get_ref(6)? {
        ValueRef::Blob(b) => decode(b, month),
        _ => None,
    };
    let far = match (time(7)?, time(8)?) {
        (Some(None), Some(None)) => Some(None),
        (Some(Some(a)), Some(Some(b))) if a <= b => Some(Some((a, b))),
        _ => None,
    };
    let (Some(days), Some(far)) = (days, far) else {
        return Ok(None);
    };
    let slots = SlotCounts {
        taken,
        late,
        missed,
        skipped,
    };
    Ok(Some(DoseMonth {
        month,
        key,
        piece: DosePiece { slots, days },
        far,
    }))
}

fn month_text(m: NaiveDate) -> String {
    m.format("%Y-%m").to_string()
}

impl Store {
    /// The kept months of `drug` matched to plan `regimen` (0: none) from `from` to `to`
    /// (first days of months, both included), oldest first. Rows that cannot be read are left
    /// out (they are made again).
    pub fn dose_months(
        &self,
        drug: Drug,
        regimen: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DoseMonth>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT month, key, taken, late, missed, skipped, days, far_from, far_to
             FROM dose_months
             WHERE drug = ?1 AND regimen = ?2 AND month >= ?3 AND month <= ?4
             ORDER BY month",
        )?;
        let rows = stmt.query_map(
            params![drug.code(), regimen, month_text(from), month_text(to)],
            read_row,
        )?;
        let mut out = Vec::new();
        for row in rows {
            // A row that cannot be read as written is left out: the month is made again.
            out.extend(row?);
        }
        Ok(out)
    }

    /// Keep `months` (replacing what was kept for them), in one transaction, when no other
    /// connection wrote to the diary since `read_at` (the version the months were read at):
    /// a dose written meanwhile may belong to them. Returns whether they were kept; nothing
    /// is kept in a diary opened read-only.
    pub fn keep_dose_months(
        &self,
        drug: Drug,
        regimen: i64,
        months: &[DoseMonth],
        read_at: super::DataVersion,
    ) -> Result<bool> {
        if self.read_only || months.is_empty() {
            return Ok(false);
        }
        // Another program writing: the months are made again next time rather than waited for.
        self.with_short_wait(std::time::Duration::from_millis(50), || {
            self.keep_months(drug, regimen, months, read_at)
        })?
    }

    fn keep_months(
        &self,
        drug: Drug,
        regimen: i64,
        months: &[DoseMonth],
        read_at: super::DataVersion,
    ) -> Result<bool> {
        // The write lock first: no other connection commits between the check and the rows.
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        if self.data_version()?.others() != read_at.others() {
            return Ok(false);
        }
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO dose_months
                    (drug, regimen, month, key, taken, late, missed, skipped, days, far_from,
                     far_to)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for m in months {
                stmt.execute(params![
                    drug.code(),
                    regimen,
                    month_text(m.month),
                    m.key,
                    m.piece.slots.taken,
                    m.piece.slots.late,
                    m.piece.slots.missed,
                    m.piece.slots.skipped,
                    encode(&m.piece.days),
                    m.far.map(|f| f.0.to_rfc3339()),
                    m.far.map(|f| f.1.to_rfc3339()),
                ])?;
            }
        }
        tx.commit()?;
        Ok(true)
    }

    /// The number of live dose entries of `drug` in `[from, to)`.
    pub fn dose_count(
        &self,
        drug: Drug,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
    ) -> Result<usize> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM entries INDEXED BY entries_live_series
             WHERE kind = 'dose' AND subject = ?1 AND deleted_at IS NULL
               AND at_utc >= ?2 AND at_utc < ?3",
            )?
            .query_row(
                params![
                    drug.code(),
                    super::entries::utc_text(&from),
                    super::entries::utc_text(&to)
                ],
                |r| r.get::<_, i64>(0),
            )? as usize)
    }

    /// How many months are kept (tests and the benchmark look).
    pub fn kept_dose_months(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM dose_months", [], |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_a_bad_blob_is_not_read() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let feb = d("2026-02-01");
        let days = vec![(d("2026-01-31"), 150.0), (d("2026-02-28"), 37.5)];
        assert_eq!(decode(&encode(&days), feb), Some(days));
        assert_eq!(decode(&[1, 2, 3], feb), None);
        assert_eq!(decode(&encode(&[(feb, f64::NAN)]), feb), None);
        assert_eq!(
            decode(&encode(&[(feb, 1e6)]), feb),
            None,
            "more than a day can hold"
        );
        assert_eq!(decode(&encode(&[(feb, -5.0)]), feb), None);
        assert_eq!(
            decode(&encode(&[(d("1950-05-15"), 75.0)]), feb),
            None,
            "another month"
        );
        assert_eq!(decode(&[], feb), Some(vec![]));
    }
}
