//! The one way an entry is saved, edited, deleted or undeleted, for the command line and the
//! terminal alike: validation through [`entry_input::build`], the previous weight (for the
//! > 10 % warning) looked up here once, one transaction in the store, a typed answer.
//!
//! Edits and deletes take the entry *as read* (`&Entry`), not a bare id, so a row version can
//! be checked against the one the patient saw.

use crate::app::entry_input::{self, Built, InputError, RawEntry};
use crate::domain::clock::Clock;
use crate::domain::entry::{Entry, EntryData, Kind};
use crate::domain::settings::Thresholds;
use crate::domain::validate::Warning;
use crate::store::{EntryFilter, Store, StoreError};

/// What the patient typed for one entry: the fields, the time (`None` or empty = now) and the
/// note.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub raw: RawEntry,
    pub at: Option<String>,
    pub note: Option<String>,
}

/// A stored entry and what the patient should know about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    pub id: i64,
    pub uid: String,
    /// The entry as stored.
    pub entry: Entry,
    /// Soft warnings (unusual values, a weight far from the previous one): saved anyway.
    pub warnings: Vec<Warning>,
    /// An edit of an existing entry (not a new one).
    pub edited: bool,
}

/// Why nothing was saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The input was refused (field, value, what is accepted).
    #[error("input refused: {0:?}")]
    Input(InputError),
    /// The store refused or failed (not found, busy, disk full …).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A taken dose for a slot that already has a logged dose (issue 11 defect 10): nothing
    /// saved unless the patient said it is an extra dose. Holds the slot's planned time.
    #[error("the {0} slot already has a logged dose")]
    SlotAnswered(chrono::DateTime<chrono::FixedOffset>),
    /// A taken dose less than half a dosing interval from another taken dose of the drug
    /// (logged at `last`): nothing saved unless the patient confirmed both were taken.
    #[error("another dose was taken at {last}, soon before or after {at}")]
    SoonAfter {
        at: chrono::DateTime<chrono::FixedOffset>,
        last: chrono::DateTime<chrono::FixedOffset>,
    },
}

/// How a new entry is saved: the thresholds the slot matching reads, and whether a second
/// taken dose for an already answered slot is meant (`--extra`, or the screen's explicit
/// confirmation). Every new entry goes through this, from the command line and the screen.
#[derive(Clone, Copy, Debug)]
pub struct Policy<'a> {
    pub thresholds: &'a Thresholds,
    pub extra: bool,
    /// A taken dose close to another taken one (less than half a dosing interval apart) is
    /// meant: `log dose --late`, the form saved a second time, or the one-key flow, which
    /// asked already (`domain::take::pick`).
    pub soon: bool,
}

impl From<InputError> for SaveError {
    fn from(e: InputError) -> Self {
        SaveError::Input(e)
    }
}

/// The newest live weight (kg) at or before `at`, other than the entry `except` (the one
/// being edited): what a new or changed weight is compared with.
pub fn previous_weight(
    store: &Store,
    at: chrono::DateTime<chrono::FixedOffset>,
    except: Option<i64>,
) -> Result<Option<f64>, StoreError> {
    let rows = store.entries(&EntryFilter {
        kind: Some(Kind::Weight),
        // `to` is exclusive and times are stored to the second: at or before `at`.
        to: Some(at.with_timezone(&chrono::Utc) + chrono::Duration::seconds(1)),
        limit: Some(2),
        ..Default::default()
    })?;
    Ok(rows
        .into_iter()
        .filter(|e| Some(e.id) != except)
        .find_map(|e| match e.data {
            EntryData::Weight(w) => Some(w.kg),
            _ => None,
        }))
}

/// Validate a draft. With a store, a weight is compared with the previous one (a store that
/// cannot be read gives no comparison, never a refusal); `editing` is the entry being changed.
pub fn check(
    store: Option<&Store>,
    draft: &Draft,
    clock: &Clock,
    editing: Option<&Entry>,
) -> Result<Built, InputError> {
    let built = entry_input::build(
        &draft.raw,
        draft.at.as_deref(),
        draft.note.clone(),
        clock,
        || None,
    )?;
    // A time before the birth year in the profile (when one is known) is refused.
    if let Some(store) = store {
        let year = store.profile().ok().and_then(|p| p.birth_year);
        crate::domain::when::not_before_birth(built.entry.at, year, clock)
            .map_err(|err| InputError::When { field: "at", err })?;
    }
    let (Some(store), EntryData::Weight(_)) = (store, &built.entry.data) else {
        return Ok(built);
    };
    let previous = previous_weight(store, built.entry.at, editing.map(|e| e.id))
        .ok()
        .flatten();
    entry_input::build(
        &draft.raw,
        draft.at.as_deref(),
        draft.note.clone(),
        clock,
        || previous,
    )
}

/// Store a validated draft as a new entry (one transaction). A taken dose for a slot that
/// already has one is refused ([`SaveError::SlotAnswered`]) unless `policy.extra`; one close
/// to another taken dose ([`SaveError::SoonAfter`]) unless `policy.soon`, or it is the extra
/// dose `policy.extra` confirmed for an answered slot.
pub fn insert(
    store: &mut Store,
    built: Built,
    clock: &Clock,
    policy: Policy,
) -> Result<Saved, SaveError> {
    if let EntryData::Dose(d) = &built.entry.data {
        let answered = crate::app::facts::second_dose_for_slot(
            store,
            clock,
            policy.thresholds,
            built.entry.at,
            d,
        )?;
        if let (Some(slot), false) = (answered, policy.extra) {
            return Err(SaveError::SlotAnswered(slot));
        }
        // `--extra` names a second dose for an answered slot; any other taken dose close to
        // another needs its own word.
        let extra_for_slot = policy.extra && answered.is_some();
        if !policy.soon && !extra_for_slot {
            soon_after(store, clock, built.entry.at, d, None)?;
        }
    }
    let entry = store.add_entry(&built.entry, clock.now())?;
    Ok(saved(entry, built.warnings, false))
}

/// Refuse a taken dose at `at` close to another taken dose of its drug (`except`: the entry
/// being changed).
fn soon_after(
    store: &Store,
    clock: &Clock,
    at: chrono::DateTime<chrono::FixedOffset>,
    d: &crate::domain::entry::Dose,
    except: Option<i64>,
) -> Result<(), SaveError> {
    match crate::app::facts::dose_close_to(store, clock, at, d, except)? {
        Some(last) => Err(SaveError::SoonAfter { at, last }),
        None => Ok(()),
    }
}

/// Validate and store a new entry.
pub fn save(
    store: &mut Store,
    draft: &Draft,
    clock: &Clock,
    policy: Policy,
) -> Result<Saved, SaveError> {
    let built = check(Some(store), draft, clock, None)?;
    insert(store, built, clock, policy)
}

/// Validate and store a changed entry; `read` is the entry as the patient saw it (the previous
/// version is kept by the store). An edit that makes a taken dose — a missed one marked taken,
/// or a dose moved or given another drug — close to another taken dose is refused
/// ([`SaveError::SoonAfter`]) unless `soon` says both were taken.
pub fn edit(
    store: &mut Store,
    read: &Entry,
    draft: &Draft,
    clock: &Clock,
    soon: bool,
) -> Result<Saved, SaveError> {
    let built = check(Some(store), draft, clock, Some(read))?;
    if let EntryData::Dose(d) = &built.entry.data {
        let was_taken_here = matches!(&read.data, EntryData::Dose(o)
            if o.status == d.status && o.drug == d.drug && read.at == built.entry.at);
        if !soon && !was_taken_here {
            soon_after(store, clock, built.entry.at, d, Some(read.id))?;
        }
    }
    let entry = store.update_entry(read, &built.entry, clock.now())?;
    Ok(saved(entry, built.warnings, true))
}

/// Mark an entry deleted (undoable).
pub fn delete(store: &mut Store, read: &Entry, clock: &Clock) -> Result<(), StoreError> {
    store.delete_entry(read, clock.now())
}

/// Undo a delete.
pub fn undelete(store: &mut Store, read: &Entry, clock: &Clock) -> Result<(), StoreError> {
    store.undelete_entry(read, clock.now())
}

fn saved(entry: Entry, warnings: Vec<Warning>, edited: bool) -> Saved {
    Saved {
        id: entry.id,
        uid: entry.uid.clone(),
        entry,
        warnings,
        edited,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> Clock {
        Clock::Fixed(chrono::DateTime::parse_from_rfc3339("2026-03-10T08:00:00+08:00").unwrap())
    }

    fn policy() -> Policy<'static> {
        static T: std::sync::LazyLock<Thresholds> = std::sync::LazyLock::new(Thresholds::default);
        Policy {
            thresholds: &T,
            extra: false,
            soon: false,
        }
    }

    fn weight(v: &str, at: &str) -> Draft {
        Draft {
            raw: RawEntry::Weight {
                value: v.into(),
                unit: None,
            },
            at: Some(at.into()),
            note: None,
        }
    }

    #[test]
    fn edit_warns_about_a_weight_change_against_the_entry_before_it() {
        let mut s = Store::open_in_memory().unwrap();
        let c = clock();
        save(&mut s, &weight("60", "2026-03-01 08:00"), &c, policy()).unwrap();
        let second = save(&mut s, &weight("61", "2026-03-05 08:00"), &c, policy()).unwrap();
        assert!(second.warnings.is_empty());
        // The edit compares with the weight before it (60), not with its own old value.
        let e = edit(
            &mut s,
            &second.entry,
            &weight("70", "2026-03-05 08:00"),
            &c,
            false,
        )
        .unwrap();
        assert!(e.edited);
        assert_eq!(e.warnings.len(), 1, "{:?}", e.warnings);
        let back = edit(
            &mut s,
            &e.entry,
            &weight("60.5", "2026-03-05 08:00"),
            &c,
            false,
        )
        .unwrap();
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    }

    #[test]
    fn delete_and_undelete_take_the_entry_as_read() {
        let mut s = Store::open_in_memory().unwrap();
        let c = clock();
        let a = save(&mut s, &weight("60", "2026-03-01 08:00"), &c, policy()).unwrap();
        delete(&mut s, &a.entry, &c).unwrap();
        assert!(s.entry(a.id).unwrap().deleted);
        // The row moved since `a.entry` was read: a stale read is refused, a fresh one applies.
        assert!(matches!(
            undelete(&mut s, &a.entry, &c),
            Err(StoreError::Changed(_))
        ));
        let read = s.entry(a.id).unwrap();
        undelete(&mut s, &read, &c).unwrap();
        assert!(!s.entry(a.id).unwrap().deleted);
    }
}
