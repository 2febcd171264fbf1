//! Entries: add, read, edit (keeping the previous version), delete and undelete (marks).

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::{Result, Store, StoreError};
use crate::domain::entry::{Entry, EntryData, Kind, NewEntry, Source};

/// Which entries to read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntryFilter {
    pub kind: Option<Kind>,
    /// Analyte, drug, site, effect or event code.
    pub subject: Option<String>,
    /// Inclusive.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub to: Option<DateTime<Utc>>,
    pub include_deleted: bool,
    pub limit: Option<usize>,
    pub order: Order,
    /// Keyset paging: only entries strictly past this `(time, id)` in `order` (the last row
    /// of the previous page), so a page costs the same at the top and deep in the history.
    pub after: Option<(DateTime<Utc>, i64)>,
    /// A text search (History's `/`).
    pub text: Option<TextMatch>,
    /// The entries' own local dates (the date each shows, in the UTC offset it was logged
    /// in), inclusive: what `list --from/--to` and the exports select by.
    pub local_dates: (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>),
}

/// A text search over entries: `words` is matched (SQL `LIKE`, ASCII case-insensitive) in the
/// note, the subject code and the value; `codes` are kind or subject codes whose translated
/// names matched (so "血小板" finds platelet counts).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextMatch {
    pub words: String,
    pub codes: Vec<String>,
}

fn like_pattern(s: &str) -> String {
    let mut p = String::from("%");
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    #[default]
    NewestFirst,
    OldestFirst,
}

const COLUMNS: &str = "id, uid, kind, at, note, details, deleted_at, source, revision";

/// UTC instants are stored as `YYYY-MM-DDTHH:MM:SSZ` so that text order is time order.
pub(crate) fn utc_text(t: &DateTime<impl chrono::TimeZone>) -> String {
    t.with_timezone(&Utc)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn payload_json(data: &EntryData) -> Result<String> {
    Ok(match data {
        EntryData::Platelets(x) => serde_json::to_string(x),
        EntryData::Dose(x) => serde_json::to_string(x),
        EntryData::Lab(x) => serde_json::to_string(x),
        EntryData::Weight(x) => serde_json::to_string(x),
        EntryData::BloodPressure(x) => serde_json::to_string(x),
        EntryData::Bleeding(x) => serde_json::to_string(x),
        EntryData::SideEffect(x) => serde_json::to_string(x),
        EntryData::Event(x) => serde_json::to_string(x),
    }?)
}

fn parse_payload(kind: Kind, json: &str) -> Result<EntryData> {
    Ok(match kind {
        Kind::Platelets => EntryData::Platelets(serde_json::from_str(json)?),
        Kind::Dose => EntryData::Dose(serde_json::from_str(json)?),
        Kind::Lab => EntryData::Lab(serde_json::from_str(json)?),
        Kind::Weight => EntryData::Weight(serde_json::from_str(json)?),
        Kind::BloodPressure => EntryData::BloodPressure(serde_json::from_str(json)?),
        Kind::Bleeding => EntryData::Bleeding(serde_json::from_str(json)?),
        Kind::SideEffect => EntryData::SideEffect(serde_json::from_str(json)?),
        Kind::Event => EntryData::Event(serde_json::from_str(json)?),
    })
}

pub(super) struct RawRow {
    pub(super) id: i64,
    pub(super) uid: String,
    pub(super) kind: String,
    pub(super) at: String,
    pub(super) note: Option<String>,
    pub(super) details: String,
    pub(super) deleted_at: Option<String>,
    pub(super) source: String,
    pub(super) revision: i64,
}

fn raw(row: &Row) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        id: row.get(0)?,
        uid: row.get(1)?,
        kind: row.get(2)?,
        at: row.get(3)?,
        note: row.get(4)?,
        details: row.get(5)?,
        deleted_at: row.get(6)?,
        source: row.get(7)?,
        revision: row.get(8)?,
    })
}

/// The entry of `uid`, deleted or not, read on `conn` (a merge reads inside its
/// transaction).
pub(super) fn entry_by_uid(conn: &rusqlite::Connection, uid: &str) -> Result<Option<Entry>> {
    let r = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM entries WHERE uid = ?1"))?
        .query_row([uid], raw)
        .optional()?;
    r.map(to_entry).transpose()
}

pub(super) fn to_entry(r: RawRow) -> Result<Entry> {
    let kind = Kind::from_code(&r.kind)
        .ok_or_else(|| StoreError::Corrupt(format!("entry {}: unknown kind '{}'", r.id, r.kind)))?;
    let at = DateTime::parse_from_rfc3339(&r.at)
        .map_err(|e| StoreError::Corrupt(format!("entry {}: time '{}': {e}", r.id, r.at)))?;
    let data = parse_payload(kind, &r.details)
        .map_err(|e| StoreError::Corrupt(format!("entry {}: {e}", r.id)))?;
    Ok(Entry {
        id: r.id,
        uid: r.uid,
        at,
        note: r.note,
        data,
        deleted: r.deleted_at.is_some(),
        source: Source::from_code(&r.source).unwrap_or_default(),
        revision: r.revision,
    })
}

/// The stored columns of an entry's content: kind, at, at_utc, subject, value, unit,
/// entered_value, entered_unit, note, details (in that order), shared by insert and update so
/// the copies of the payload can never drift apart.
fn content(e: &NewEntry) -> Result<[rusqlite::types::Value; 10]> {
    use rusqlite::types::Value as V;
    let text = |s: Option<&str>| s.map_or(V::Null, |s| V::Text(s.to_string()));
    let num = |v: Option<f64>| v.map_or(V::Null, V::Real);
    let (value, unit) = e.data.value().unzip();
    let entered = e.data.entered();
    Ok([
        V::Text(e.data.kind().code().to_string()),
        V::Text(e.at.to_rfc3339_opts(SecondsFormat::Secs, false)),
        V::Text(utc_text(&e.at)),
        text(e.data.subject()),
        num(value),
        text(unit),
        num(entered.map(|x| x.value)),
        text(entered.map(|x| x.unit.as_str())),
        text(e.note.as_deref()),
        V::Text(payload_json(&e.data)?),
    ])
}

/// Insert one entry inside an open transaction; `uid` is generated when `None`.
pub(crate) fn insert(
    tx: &Transaction,
    e: &NewEntry,
    uid: Option<&str>,
    source: Source,
    now: &DateTime<FixedOffset>,
) -> Result<i64> {
    let c = content(e)?;
    let now = utc_text(now);
    // Cached: an import or the demo inserts thousands of rows with one prepared statement.
    tx.prepare_cached(
        "INSERT INTO entries (kind, at, at_utc, subject, value, unit, entered_value,
                              entered_unit, note, details, uid, created_at, updated_at, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
                 coalesce(?11, lower(hex(randomblob(16)))), ?12, ?12, ?13)",
    )?
    .execute(rusqlite::params_from_iter(c.into_iter().chain([
        uid.map_or(rusqlite::types::Value::Null, |u| {
            rusqlite::types::Value::Text(u.to_string())
        }),
        rusqlite::types::Value::Text(now),
        rusqlite::types::Value::Text(source.code().to_string()),
    ])))?;
    Ok(tx.last_insert_rowid())
}

fn row_json(tx: &Transaction, id: i64) -> Result<String> {
    tx.query_row(
        "SELECT json_object('uid', uid, 'kind', kind, 'at', at, 'note', note,
                            'details', json(details), 'deleted_at', deleted_at,
                            'updated_at', updated_at)
         FROM entries WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(StoreError::NotFound(id))
}

fn revise(tx: &Transaction, id: i64, action: &str, now: &str) -> Result<()> {
    let previous = row_json(tx, id)?;
    tx.execute(
        "INSERT INTO entry_revisions (entry_id, action, previous, changed_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![id, action, previous, now],
    )?;
    Ok(())
}

/// The `WHERE` conditions (after `1 = 1`) and their arguments for a filter, shared by the
/// queries that read entries and the ones that count them.
pub(crate) fn conditions(f: &EntryFilter) -> (String, Vec<Box<dyn rusqlite::ToSql>>) {
    let mut sql = String::new();
    let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
    if !f.include_deleted {
        sql.push_str(" AND deleted_at IS NULL");
    }
    if let Some(k) = f.kind {
        args.push(Box::new(k.code()));
        sql.push_str(&format!(" AND kind = ?{}", args.len()));
    }
    if let Some(s) = &f.subject {
        args.push(Box::new(s.clone()));
        sql.push_str(&format!(" AND subject = ?{}", args.len()));
    }
    if let Some(t) = f.from {
        args.push(Box::new(utc_text(&t)));
        sql.push_str(&format!(" AND at_utc >= ?{}", args.len()));
    }
    if let Some(t) = f.to {
        args.push(Box::new(utc_text(&t)));
        sql.push_str(&format!(" AND at_utc < ?{}", args.len()));
    }
    // The local date is the first ten characters of the stored RFC 3339 local time.
    if let Some(d) = f.local_dates.0 {
        args.push(Box::new(d.format("%Y-%m-%d").to_string()));
        sql.push_str(&format!(" AND substr(at, 1, 10) >= ?{}", args.len()));
    }
    if let Some(d) = f.local_dates.1 {
        args.push(Box::new(d.format("%Y-%m-%d").to_string()));
        sql.push_str(&format!(" AND substr(at, 1, 10) <= ?{}", args.len()));
    }
    if let Some(m) = &f.text {
        args.push(Box::new(like_pattern(m.words.trim())));
        let w = args.len();
        let mut any = format!(
            " AND (note LIKE ?{w} ESCAPE '\\' OR subject LIKE ?{w} ESCAPE '\\' \
             OR CAST(value AS TEXT) LIKE ?{w} ESCAPE '\\'"
        );
        for c in &m.codes {
            args.push(Box::new(c.clone()));
            let n = args.len();
            any.push_str(&format!(" OR kind = ?{n} OR subject = ?{n}"));
        }
        any.push(')');
        sql.push_str(&any);
    }
    if let Some((t, id)) = f.after {
        args.push(Box::new(utc_text(&t)));
        args.push(Box::new(id));
        let (t, id) = (args.len() - 1, args.len());
        // The first half is a range on the time index; the second breaks ties by id.
        sql.push_str(&match f.order {
            Order::NewestFirst => format!(" AND at_utc <= ?{t} AND (at_utc < ?{t} OR id < ?{id})"),
            Order::OldestFirst => format!(" AND at_utc >= ?{t} AND (at_utc > ?{t} OR id > ?{id})"),
        });
    }
    (sql, args)
}

/// Refuse a write aimed at a row that moved since `read` was read: another revision, or
/// another entry under the same id (a restored diary).
fn check_version(tx: &Transaction, read: &Entry) -> Result<()> {
    let now: Option<(String, i64)> = tx
        .query_row(
            "SELECT uid, revision FROM entries WHERE id = ?1",
            [read.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match now {
        None => Err(StoreError::NotFound(read.id)),
        Some((uid, rev)) if uid == read.uid && rev == read.revision => Ok(()),
        Some(_) => Err(StoreError::Changed(read.id)),
    }
}

impl Store {
    /// Add one entry (one transaction).
    pub fn add_entry(&mut self, e: &NewEntry, now: DateTime<FixedOffset>) -> Result<Entry> {
        let id = self.write(|tx| insert(tx, e, None, Source::Typed, &now))?;
        self.entry(id)
    }

    /// Add many entries in one transaction: all or none.
    pub fn add_entries(
        &mut self,
        es: &[NewEntry],
        source: Source,
        now: DateTime<FixedOffset>,
    ) -> Result<usize> {
        self.write(|tx| {
            for e in es {
                insert(tx, e, None, source, &now)?;
            }
            Ok(es.len())
        })
    }

    /// One entry by id, deleted or not.
    pub fn entry(&self, id: i64) -> Result<Entry> {
        let r = self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM entries WHERE id = ?1"),
                [id],
                raw,
            )
            .optional()?
            .ok_or(StoreError::NotFound(id))?;
        to_entry(r)
    }

    /// Entries matching `f`, newest first unless asked otherwise.
    pub fn entries(&self, f: &EntryFilter) -> Result<Vec<Entry>> {
        let mut out = Vec::new();
        self.each_entry(f, |e| {
            out.push(e);
            Ok(())
        })?;
        Ok(out)
    }

    /// Stream the entries matching `f` to `each`, one at a time (exports of long histories
    /// never hold them all).
    pub fn each_entry(
        &self,
        f: &EntryFilter,
        mut each: impl FnMut(Entry) -> Result<()>,
    ) -> Result<usize> {
        let (conditions, args) = conditions(f);
        let mut sql = format!("SELECT {COLUMNS} FROM entries WHERE 1 = 1{conditions}");
        sql.push_str(match f.order {
            Order::NewestFirst => " ORDER BY at_utc DESC, id DESC",
            Order::OldestFirst => " ORDER BY at_utc ASC, id ASC",
        });
        if let Some(n) = f.limit {
            sql.push_str(&format!(" LIMIT {n}"));
        }
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), raw)?;
        let mut n = 0;
        for r in rows {
            each(to_entry(r?)?)?;
            n += 1;
        }
        Ok(n)
    }

    /// The newest live entry of a kind (and subject).
    pub fn latest(&self, kind: Kind, subject: Option<&str>) -> Result<Option<Entry>> {
        Ok(self
            .entries(&EntryFilter {
                kind: Some(kind),
                subject: subject.map(str::to_string),
                limit: Some(1),
                ..Default::default()
            })?
            .pop())
    }

    /// Replace an entry's content; the previous version is kept in `entry_revisions`.
    /// `read` is the entry as the caller read it: when the row moved since (another window or
    /// process changed, deleted or replaced it), nothing is written and the answer is
    /// [`StoreError::Changed`].
    pub fn update_entry(
        &mut self,
        read: &Entry,
        e: &NewEntry,
        now: DateTime<FixedOffset>,
    ) -> Result<Entry> {
        let id = read.id;
        self.write(|tx| {
            check_version(tx, read)?;
            let deleted: Option<String> =
                tx.query_row("SELECT deleted_at FROM entries WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
            if deleted.is_some() {
                return Err(StoreError::Deleted(id));
            }
            let now = utc_text(&now);
            revise(tx, id, "edit", &now)?;
            let c = content(e)?;
            tx.execute(
                "UPDATE entries SET kind = ?1, at = ?2, at_utc = ?3, subject = ?4, value = ?5,
                        unit = ?6, entered_value = ?7, entered_unit = ?8, note = ?9,
                        details = ?10, updated_at = ?11, revision = revision + 1
                 WHERE id = ?12",
                rusqlite::params_from_iter(c.into_iter().chain([
                    rusqlite::types::Value::Text(now),
                    rusqlite::types::Value::Integer(id),
                ])),
            )?;
            Ok(())
        })?;
        self.entry(id)
    }

    /// Mark an entry deleted (undoable), as read by the caller (see [`Store::update_entry`]).
    /// Deleting a deleted entry changes nothing.
    pub fn delete_entry(&mut self, read: &Entry, now: DateTime<FixedOffset>) -> Result<()> {
        self.set_deleted(read, true, now)
    }

    /// Undo a delete, as read by the caller.
    pub fn undelete_entry(&mut self, read: &Entry, now: DateTime<FixedOffset>) -> Result<()> {
        self.set_deleted(read, false, now)
    }

    fn set_deleted(
        &mut self,
        read: &Entry,
        deleted: bool,
        now: DateTime<FixedOffset>,
    ) -> Result<()> {
        let id = read.id;
        self.write(|tx| {
            let now = utc_text(&now);
            let currently: Option<Option<String>> = tx
                .query_row("SELECT deleted_at FROM entries WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(currently) = currently else {
                return Err(StoreError::NotFound(id));
            };
            if currently.is_some() == deleted {
                return Ok(());
            }
            check_version(tx, read)?;
            revise(tx, id, if deleted { "delete" } else { "undelete" }, &now)?;
            tx.execute(
                "UPDATE entries SET deleted_at = ?2, updated_at = ?3, revision = revision + 1
                 WHERE id = ?1",
                params![id, deleted.then_some(now.as_str()), now],
            )?;
            Ok(())
        })
    }

    /// The most recently deleted entry still marked deleted (for "undo").
    pub fn last_deleted(&self) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM entries WHERE deleted_at IS NOT NULL
                 ORDER BY deleted_at DESC, id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// How many entries (live, or all).
    pub fn count_entries(&self, include_deleted: bool) -> Result<i64> {
        let sql = if include_deleted {
            "SELECT count(*) FROM entries"
        } else {
            "SELECT count(*) FROM entries WHERE deleted_at IS NULL"
        };
        Ok(self.conn.query_row(sql, [], |r| r.get(0))?)
    }

    /// Whether any of `uids` names an entry or a plan of this diary (a backup of it shares
    /// them; another patient's shares none).
    pub fn holds_any_uid<'a>(&self, uids: impl IntoIterator<Item = &'a str>) -> Result<bool> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM entries WHERE uid = ?1)
                 OR EXISTS (SELECT 1 FROM regimens WHERE uid = ?1)",
        )?;
        for uid in uids {
            if stmt.query_row([uid], |r| r.get::<_, bool>(0))? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The number of stored revisions of an entry.
    pub fn revision_count(&self, id: i64) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM entry_revisions WHERE entry_id = ?1",
            [id],
            |r| r.get(0),
        )?)
    }
}
