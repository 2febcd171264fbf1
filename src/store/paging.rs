//! Reading a long history a page at a time: counts in SQL, keyset pages (see
//! [`EntryFilter::after`]) and the change marker that tells a screen whether to reload.

use super::entries::conditions;
use super::{EntryFilter, Result, Store};

/// Changes the diary has seen: another connection's commits (`PRAGMA data_version`) and this
/// connection's own row changes. Equal values mean nothing changed in between.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataVersion {
    others: i64,
    own: u64,
}

impl DataVersion {
    /// The part that counts other connections' commits.
    pub(super) fn others(&self) -> i64 {
        self.others
    }
}

impl Store {
    /// How many entries match `f` (its `limit`, `order` and `after` are ignored).
    pub fn count_matching(&self, f: &EntryFilter) -> Result<usize> {
        let plain = EntryFilter {
            after: None,
            ..f.clone()
        };
        // Every live entry (whatever the limit and order): the count the triggers keep.
        let whole = EntryFilter {
            limit: None,
            order: Default::default(),
            ..plain.clone()
        };
        if whole == EntryFilter::default()
            && let Some(n) = self.live_entries()?
        {
            return Ok(n);
        }
        let (conditions, args) = conditions(&plain);
        let sql = format!("SELECT count(*) FROM entries WHERE 1 = 1{conditions}");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let n: i64 = stmt.query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The number of live entries as the triggers keep it (migration 5), when recorded.
    fn live_entries(&self) -> Result<Option<usize>> {
        use rusqlite::OptionalExtension;
        let n: Option<i64> = self
            .conn
            .query_row(
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'live_entries'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(n.and_then(|n| usize::try_from(n).ok()))
    }

    /// The current [`DataVersion`]: cheap (no table is read).
    pub fn data_version(&self) -> Result<DataVersion> {
        let others: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok(DataVersion {
            others,
            own: self.conn.total_changes(),
        })
    }
}
