//! The stored history of entries (`entry_revisions`) and the exact delete marks: read for
//! `itp-diary history ID` and for the full backup, written back by an import.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Result, Store};

/// One kept previous version of an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionRow {
    pub entry_id: i64,
    pub entry_uid: String,
    /// edit, delete, undelete or import.
    pub action: String,
    /// The row before the change, as JSON (uid, kind, at, note, details, deleted_at,
    /// updated_at).
    pub previous: String,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub changed_at: String,
}

impl Store {
    /// The kept versions of one entry (all entries when `None`), oldest first.
    pub fn revisions(&self, entry: Option<i64>) -> Result<Vec<RevisionRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.entry_id, e.uid, r.action, r.previous, r.changed_at
             FROM entry_revisions r JOIN entries e ON e.id = r.entry_id
             WHERE ?1 IS NULL OR r.entry_id = ?1 ORDER BY r.id",
        )?;
        let rows = stmt.query_map([entry], |r| {
            Ok(RevisionRow {
                entry_id: r.get(0)?,
                entry_uid: r.get(1)?,
                action: r.get(2)?,
                previous: r.get(3)?,
                changed_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// When an entry was deleted (UTC text), if it is.
    pub fn deleted_at(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT deleted_at FROM entries WHERE id = ?1", [id], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?
            .flatten())
    }
}

impl Store {
    /// An entry's kept versions, each as the entry it was (oldest first), with what replaced
    /// it: for `itp-diary history ID`.
    pub fn entry_history(
        &self,
        id: i64,
    ) -> Result<Vec<(RevisionRow, crate::domain::entry::Entry)>> {
        self.entry(id)?;
        let mut out = Vec::new();
        for r in self.revisions(Some(id))? {
            let v: serde_json::Value = serde_json::from_str(&r.previous)?;
            let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
            let raw = super::entries::RawRow {
                id,
                uid: text("uid").unwrap_or_default(),
                kind: text("kind").unwrap_or_default(),
                at: text("at").unwrap_or_default(),
                note: text("note"),
                details: v.get("details").map(|d| d.to_string()).unwrap_or_default(),
                deleted_at: text("deleted_at"),
                source: "typed".into(),
                revision: 0,
            };
            let e = super::entries::to_entry(raw)?;
            out.push((r, e));
        }
        Ok(out)
    }
}

/// Put back an imported entry's delete mark and kept versions exactly (inside the merge's
/// transaction; `id` is the entry just added).
pub(super) fn restore_history(
    tx: &Transaction,
    id: i64,
    deleted_at: Option<&str>,
    revisions: &[&RevisionRow],
) -> Result<()> {
    if let Some(at) = deleted_at {
        tx.execute(
            "UPDATE entries SET deleted_at = ?2 WHERE id = ?1",
            params![id, at],
        )?;
    }
    for r in revisions {
        tx.execute(
            "INSERT INTO entry_revisions (entry_id, action, previous, changed_at)
             VALUES (?1, ?2, json(?3), ?4)",
            params![id, r.action, r.previous, r.changed_at],
        )?;
    }
    Ok(())
}
