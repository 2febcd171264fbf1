//! The store on temp files: migrations, round trips of every kind, revisions, refusals.

use chrono::DateTime;
use itp_diary::domain::drugs::Drug;
use itp_diary::domain::entry::*;

use itp_diary::domain::validate::{self, DoseInput, LabExtras};
use itp_diary::store::{EntryFilter, LATEST_VERSION, MIGRATIONS, Order, Store, StoreError};

fn t(s: &str) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn samples() -> Vec<NewEntry> {
    let at = t("2026-03-10T08:00:00+08:00");
    let data = vec![
        validate::platelets(4.5, Some("万/uL"), Some("lab".into()))
            .unwrap()
            .value,
        validate::dose(DoseInput {
            drug: Drug::Cyclosporine,
            amount: Some(1.5),
            unit: Some("mL".into()),
            mg_per_ml: Some(100.0),
            route: None,
            formulation: Some("Neoral".into()),
            status: DoseStatus::Taken,
            scheduled_for: Some(t("2026-03-10T08:00:00+08:00")),
        })
        .unwrap()
        .value,
        validate::lab(
            Analyte::CsaTrough,
            150.0,
            None,
            LabExtras {
                lab: Some("Central".into()),
                method: Some("LC-MS/MS".into()),
                ref_low: Some(100.0),
                ref_high: Some(200.0),
                last_dose_at: Some(t("2026-03-09T20:00:00+08:00")),
            },
            at,
        )
        .unwrap()
        .value,
        validate::weight(62.5, None, None).unwrap().value,
        validate::blood_pressure("128/82", Some("70"))
            .unwrap()
            .value,
        validate::bleeding(BleedingSite::Bruises, Some(3), Some(2.5), None, false)
            .unwrap()
            .value,
        validate::side_effect(SideEffectKind::GumSwelling, Some(1))
            .unwrap()
            .value,
        validate::event(EventKind::MedicationStart, Some("fluconazole".into()))
            .unwrap()
            .value,
    ];
    data.into_iter()
        .enumerate()
        .map(|(i, data)| NewEntry {
            at: at + chrono::Duration::minutes(i as i64),
            note: Some(format!("note {i} 备注")),
            data,
        })
        .collect()
}

#[test]
fn migrations_are_valid() {
    MIGRATIONS.validate().unwrap();
}

#[test]
fn every_kind_round_trips_through_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let now = t("2026-03-10T09:00:00+08:00");
    let originals = samples();
    {
        let mut s = Store::open(&path).unwrap();
        for e in &originals {
            s.add_entry(e, now).unwrap();
        }
    }
    let s = Store::open(&path).unwrap();
    let back = s
        .entries(&EntryFilter {
            order: Order::OldestFirst,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(back.len(), originals.len());
    for (b, o) in back.iter().zip(&originals) {
        assert_eq!(b.at, o.at);
        assert_eq!(b.note, o.note);
        assert_eq!(b.data, o.data);
        assert!(!b.deleted);
        assert_eq!(b.uid.len(), 32);
    }
    assert_eq!(s.integrity_check().unwrap(), "ok");
    assert_eq!(s.schema_version().unwrap(), LATEST_VERSION);
}

#[test]
fn wal_and_foreign_keys_are_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let _s = Store::open(&path).unwrap();
    let c = rusqlite::Connection::open(&path).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn edits_keep_the_previous_version_and_deletes_are_marks() {
    let mut s = Store::open_in_memory().unwrap();
    let now = t("2026-03-10T09:00:00+08:00");
    let e = s.add_entry(&samples()[0], now).unwrap();
    let mut changed = samples()[0].clone();
    changed.data = validate::platelets(60.0, None, None).unwrap().value;
    // Updates and deletes state the version they read (store API since migration 3).
    let e = s.update_entry(&e, &changed, now).unwrap();
    assert_eq!(s.revision_count(e.id).unwrap(), 1);
    s.delete_entry(&e, now).unwrap();
    let e = s.entry(e.id).unwrap();
    s.delete_entry(&e, now).unwrap(); // idempotent
    assert_eq!(s.revision_count(e.id).unwrap(), 2);
    assert_eq!(s.count_entries(false).unwrap(), 0);
    assert_eq!(s.count_entries(true).unwrap(), 1);
    assert_eq!(s.last_deleted().unwrap(), Some(e.id));
    s.undelete_entry(&e, now).unwrap();
    assert_eq!(s.entry(e.id).unwrap().data, changed.data);
    assert!(matches!(s.entry(999), Err(StoreError::NotFound(999))));
    let mut ghost = e.clone();
    ghost.id = 999;
    assert!(matches!(
        s.delete_entry(&ghost, now),
        Err(StoreError::NotFound(999))
    ));
}

#[test]
fn a_batch_is_all_or_nothing() {
    let mut s = Store::open_in_memory().unwrap();
    let now = t("2026-03-10T09:00:00+08:00");
    s.add_entries(&samples(), Source::Typed, now).unwrap();
    assert_eq!(s.count_entries(true).unwrap(), 8);
}

#[test]
fn a_newer_diary_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("newer itp-diary"));
    assert!(std::fs::read(&path).unwrap() == before, "file changed");
}

#[test]
fn a_file_that_is_not_a_diary_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "this is not a database, it is a shopping list\n".repeat(100),
    )
    .unwrap();
    let before = std::fs::read(&text).unwrap();
    let err = Store::open(&text).err().expect("refused");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
    assert!(std::fs::read(&text).unwrap() == before, "file changed");

    // Another program's SQLite database is not migrated into a diary either.
    let other = dir.path().join("other.sqlite");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE recipes (name TEXT)")
        .unwrap();
    assert!(matches!(
        Store::open(&other),
        Err(StoreError::NotADatabase { .. })
    ));
}

#[cfg(unix)]
#[test]
fn backup_copy_is_consistent_and_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("d.sqlite")).unwrap();
    s.add_entries(&samples(), Source::Typed, t("2026-03-10T09:00:00+08:00"))
        .unwrap();
    let copy = dir.path().join("copy.sqlite");
    s.backup_to(&copy).unwrap();
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let c = Store::open(&copy).unwrap();
    assert_eq!(c.count_entries(true).unwrap(), 8);
}
