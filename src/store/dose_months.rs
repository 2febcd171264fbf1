//! The kept dose figures of settled months (migration 6): a copy the program makes from the
//! entries and the triggers remove whenever a dose or a plan it was made from changes.

use chrono::NaiveDate;
use rusqlite::params;

use super::{Result, Store};
use crate::domain::drugs::Drug;
use crate::domain::trend::doses::{DosePiece, SlotCounts};

/// One kept month: its first day, the key it was made under and its figures.
#[derive(Clone, Debug, PartialEq)]
pub struct DoseMonth {
    pub month: NaiveDate,
    pub key: String,
    pub piece: DosePiece,
}

const PAIR: usize = 12;

/// More planned slots than a month can hold (31 days × 24 slots): a count above it is not read.
const MAX_SLOTS: u32 = 31 * 24;

fn encode(days: &[(NaiveDate, f64)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(days.len() * PAIR);
    for (day, mg) in days {
        out.extend_from_slice(&chrono::Datelike::num_days_from_ce(day).to_le_bytes());
        out.extend_from_slice(&mg.to_le_bytes());
    }
    out
}

/// `None` for a blob that is not a list of (day, mg) pairs: the month is made again.
fn decode(blob: &[u8]) -> Option<Vec<(NaiveDate, f64)>> {
    if !blob.len().is_multiple_of(PAIR) {
        return None;
    }
    blob.chunks_exact(PAIR)
        .map(|c| {
            let day = i32::from_le_bytes(c[..4].try_into().ok()?);
            let mg = f64::from_le_bytes(c[4..].try_into().ok()?);
            let day = NaiveDate::from_num_days_from_ce_opt(day)?;
            mg.is_finite().then_some((day, mg))
        })
        .collect()
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
            "SELECT month, key, taken, late, missed, skipped, days FROM dose_months
             WHERE drug = ?1 AND regimen = ?2 AND month >= ?3 AND month <= ?4
             ORDER BY month",
        )?;
        let rows = stmt.query_map(
            params![drug.code(), regimen, month_text(from), month_text(to)],
            |r| {
                let count = |i: usize| -> rusqlite::Result<Option<u32>> {
                    Ok(match r.get::<_, rusqlite::types::Value>(i)? {
                        rusqlite::types::Value::Integer(n) => {
                            u32::try_from(n).ok().filter(|n| *n <= MAX_SLOTS)
                        }
                        _ => None,
                    })
                };
                let slots = match (count(2)?, count(3)?, count(4)?, count(5)?) {
                    (Some(taken), Some(late), Some(missed), Some(skipped)) => Some(SlotCounts {
                        taken,
                        late,
                        missed,
                        skipped,
                    }),
                    _ => None,
                };
                Ok((
                    r.get::<_, rusqlite::types::Value>(0)?,
                    r.get::<_, rusqlite::types::Value>(1)?,
                    slots,
                    r.get::<_, rusqlite::types::Value>(6)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            use rusqlite::types::Value::{Blob, Text};
            // A row that cannot be read as written (a hand edit, a damaged page) is left out:
            // the month is made again from the entries.
            if let (Text(month), Text(key), Some(slots), Blob(days)) = row? {
                let month = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok();
                if let (Some(month), Some(days)) = (month, decode(&days)) {
                    out.push(DoseMonth {
                        month,
                        key,
                        piece: DosePiece { slots, days },
                    });
                }
            }
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
                    (drug, regimen, month, key, taken, late, missed, skipped, days)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
                    encode(&m.piece.days)
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
        let days = vec![(d("1926-01-31"), 150.0), (d("2026-02-01"), 37.5)];
        assert_eq!(decode(&encode(&days)), Some(days));
        assert_eq!(decode(&[1, 2, 3]), None);
        assert_eq!(decode(&encode(&[(d("2026-01-01"), f64::NAN)])), None);
        assert_eq!(decode(&[]), Some(vec![]));
    }
}
