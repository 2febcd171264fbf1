//! The JSON backup written as it is read: entries go from the store to the writer one by one
//! (memory flat in the number of entries), with the same text as the `json::Backup` document
//! (same fields, order and pretty layout; `json::parse` reads it back).

use std::cell::RefCell;
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::ser::{Error as _, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use super::{ExchangeError, Result};
use crate::domain::clock::Clock;
use crate::domain::entry::Entry;
use crate::export::json;
use crate::store::{EntryFilter, Order, Store, StoreError};

/// Which entries: every row (a full backup: deleted ones and those timed ahead too), or the
/// rows of a store window (deleted ones too) that `keep` accepts, read as they are written.
pub enum Rows<'k> {
    All,
    Window {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        keep: &'k dyn Fn(&Entry) -> bool,
    },
}

/// Write the backup; returns the number of entries written.
pub fn write(
    w: &mut impl Write,
    store: &mut Store,
    clock: &Clock,
    config_path: &Path,
    rows: Rows<'_>,
    patient_name: Option<String>,
) -> Result<usize> {
    let patient_uid = Some(store.patient_uid()?);
    let store: &Store = store;
    let revisions = revisions(store)?;
    let wanted: HashSet<String> = revisions.iter().map(|r| r.entry_uid.clone()).collect();
    let out = Out {
        exported_at: clock.now(),
        patient_uid,
        patient_name,
        profile: store.profile()?,
        settings: std::fs::read_to_string(config_path).ok(),
        regimens: store.regimens()?,
        questions: store
            .questions(true)?
            .into_iter()
            .map(|q| json::QuestionDoc {
                uid: q.uid,
                text: q.text,
                created_at: q.created_at,
                answered_at: q.answered_at,
            })
            .collect(),
        revisions,
        entries: Entries {
            store,
            rows: RefCell::new(Some(rows)),
            wanted,
            seen: RefCell::new(HashSet::new()),
            count: RefCell::new(0),
            failed: RefCell::new(None),
        },
    };
    let written = serde_json::to_writer_pretty(&mut *w, &out);
    if let Some(e) = out.entries.failed.take() {
        return Err(ExchangeError::Store(e));
    }
    written.map_err(|e| match e.io_error_kind() {
        Some(kind) => ExchangeError::Io(std::io::Error::new(kind, e)),
        None => ExchangeError::Io(std::io::Error::other(e)),
    })?;
    writeln!(w)?;
    Ok(out.entries.count.take())
}

/// Every kept previous version (few: one per edit or delete).
fn revisions(store: &Store) -> Result<Vec<json::RevisionDoc>> {
    let mut out = Vec::new();
    for r in store.revisions(None)? {
        let bad = |e: &dyn std::fmt::Display| {
            ExchangeError::Invalid(format!("entry #{}: {e}", r.entry_id))
        };
        out.push(json::RevisionDoc {
            previous: serde_json::from_str(&r.previous).map_err(|e| bad(&e))?,
            changed_at: DateTime::parse_from_rfc3339(&r.changed_at)
                .map_err(|e| bad(&e))?
                .with_timezone(&Utc),
            entry_uid: r.entry_uid,
            action: r.action,
        });
    }
    Ok(out)
}

struct Out<'a> {
    exported_at: chrono::DateTime<chrono::FixedOffset>,
    patient_uid: Option<String>,
    /// The patient the backup was chosen by (left out when unknown), as `json::Backup`.
    patient_name: Option<String>,
    profile: crate::domain::regimen::Profile,
    settings: Option<String>,
    regimens: Vec<crate::domain::regimen::Regimen>,
    questions: Vec<json::QuestionDoc>,
    revisions: Vec<json::RevisionDoc>,
    entries: Entries<'a, 'a>,
}

/// Same fields and order as `json::Backup`; the kept versions only of entries written.
impl Serialize for Out<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Backup", 11)?;
        m.serialize_field("format", json::FORMAT)?;
        m.serialize_field("version", &json::VERSION)?;
        m.serialize_field("exported_at", &self.exported_at)?;
        m.serialize_field("patient_uid", &self.patient_uid)?;
        match &self.patient_name {
            Some(n) => m.serialize_field("patient_name", n)?,
            None => m.skip_field("patient_name")?,
        }
        m.serialize_field("profile", &self.profile)?;
        m.serialize_field("settings", &self.settings)?;
        m.serialize_field("regimens", &self.regimens)?;
        m.serialize_field("entries", &self.entries)?;
        m.serialize_field("visit_questions", &self.questions)?;
        let seen = self.entries.seen.borrow();
        let revs: Vec<&json::RevisionDoc> = self
            .revisions
            .iter()
            .filter(|r| seen.contains(&r.entry_uid))
            .collect();
        if revs.is_empty() {
            m.skip_field("entry_revisions")?;
        } else {
            m.serialize_field("entry_revisions", &revs)?;
        }
        m.end()
    }
}

/// The entries array, read from the store while it is written.
struct Entries<'a, 'k> {
    store: &'a Store,
    rows: RefCell<Option<Rows<'k>>>,
    /// Uids with kept versions; those written are noted in `seen`.
    wanted: HashSet<String>,
    seen: RefCell<HashSet<String>>,
    count: RefCell<usize>,
    failed: RefCell<Option<StoreError>>,
}

impl Entries<'_, '_> {
    fn doc(&self, e: &Entry) -> std::result::Result<json::EntryDoc, StoreError> {
        let mut d = json::EntryDoc::from_entry(e);
        if e.deleted {
            d.deleted_at = self.store.deleted_at(e.id)?;
        }
        if self.wanted.contains(&e.uid) {
            self.seen.borrow_mut().insert(e.uid.clone());
        }
        *self.count.borrow_mut() += 1;
        Ok(d)
    }
}

impl Serialize for Entries<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        let stop = |e: StoreError| {
            let m = e.to_string();
            *self.failed.borrow_mut() = Some(e);
            S::Error::custom(m)
        };
        let (f, keep) = match self.rows.borrow_mut().take() {
            None => return seq.end(),
            Some(Rows::All) => (
                EntryFilter {
                    include_deleted: true,
                    order: Order::OldestFirst,
                    ..Default::default()
                },
                None,
            ),
            Some(Rows::Window { from, to, keep }) => (
                EntryFilter {
                    from: Some(from),
                    to: Some(to),
                    include_deleted: true,
                    order: Order::OldestFirst,
                    ..Default::default()
                },
                Some(keep),
            ),
        };
        let mut failed = None;
        self.store
            .each_entry(&f, |e| {
                if failed.is_some() || keep.is_some_and(|k| !k(&e)) {
                    return Ok(());
                }
                let d = self.doc(&e)?;
                if let Err(err) = seq.serialize_element(&d) {
                    failed = Some(err);
                }
                Ok(())
            })
            .map_err(stop)?;
        if let Some(e) = failed {
            return Err(e);
        }
        seq.end()
    }
}
