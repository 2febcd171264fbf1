//! Paging a long history (issue 17): keyset pages over `(at_utc, id)` give exactly the rows a
//! full read gives, at every boundary and among equal timestamps; counts come from SQL; the
//! History window selects the same entry as a full list would; it reloads when the diary
//! changes (here or in another process) and only then.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use itp_diary::domain::clock::Clock;
use itp_diary::domain::entry::{Entry, Kind, NewEntry};
use itp_diary::domain::validate;
use itp_diary::store::{EntryFilter, Order, Store};
use itp_diary::tui::screens::history::{History, PAGE, WINDOW};

fn t0() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-03-10T14:30:00+08:00").expect("time")
}

/// `n` platelet counts; groups of three share one timestamp (and one in five is a weight).
fn fill(store: &mut Store, n: usize) {
    let entries: Vec<NewEntry> = (0..n)
        .map(|i| NewEntry {
            at: t0() - Duration::hours((i / 3) as i64),
            note: None,
            data: if i % 5 == 0 {
                validate::weight(60.0 + (i % 7) as f64, None, None)
                    .expect("valid")
                    .value
            } else {
                validate::platelets((i % 400) as f64 + 1.0, None, None)
                    .expect("valid")
                    .value
            },
        })
        .collect();
    store
        .add_entries(&entries, Default::default(), t0())
        .expect("add");
}

fn key(e: &Entry) -> (DateTime<Utc>, i64) {
    (e.at.with_timezone(&Utc), e.id)
}

fn ids(v: &[Entry]) -> Vec<i64> {
    v.iter().map(|e| e.id).collect()
}

#[test]
fn keyset_pages_equal_the_full_read_in_both_orders() {
    let mut s = Store::open_in_memory().expect("store");
    fill(&mut s, 61);
    for kind in [None, Some(Kind::Platelets), Some(Kind::Weight)] {
        for order in [Order::NewestFirst, Order::OldestFirst] {
            let all = EntryFilter {
                kind,
                order,
                ..Default::default()
            };
            let full = s.entries(&all).expect("read");
            assert_eq!(s.count_matching(&all).expect("count"), full.len());
            // Page sizes that end exactly inside and exactly at the end of a group of equal times.
            for size in [1, 2, 3, 4, 7, full.len(), full.len() + 1] {
                let mut paged = Vec::new();
                let mut after = None;
                loop {
                    let page = s
                        .entries(&EntryFilter {
                            after,
                            limit: Some(size),
                            ..all.clone()
                        })
                        .expect("page");
                    if page.is_empty() {
                        break;
                    }
                    after = page.last().map(key);
                    paged.extend(page);
                }
                assert_eq!(ids(&paged), ids(&full), "{kind:?} {order:?} size {size}");
            }
        }
    }
}

#[test]
fn history_window_selects_what_a_full_list_selects() {
    let mut s = Store::open_in_memory().expect("store");
    let n = WINDOW * 2 + 17;
    fill(&mut s, n);
    let full = s.entries(&EntryFilter::default()).expect("read");
    let clock = Clock::Fixed(t0());
    let mut h = History::default();
    h.refresh(&s, &clock).expect("load");
    assert_eq!(h.total, n);
    assert!(h.rows.len() <= WINDOW, "{}", h.rows.len());
    // Down one by one, then End, then up in pages, then Home.
    for i in (0..n).step_by(7).chain([n - 1]) {
        h.select(&s, i, PAGE).expect("select");
        assert_eq!(h.current().map(|e| e.id), Some(full[i].id), "row {i}");
        assert!(h.rows.len() <= WINDOW.max(3 * PAGE), "{}", h.rows.len());
    }
    h.select(&s, n + 50, PAGE).expect("past the end");
    assert_eq!(h.current().map(|e| e.id), full.last().map(|e| e.id));
    for i in (0..n).rev().step_by(10) {
        h.select(&s, i, PAGE).expect("select");
        assert_eq!(h.current().map(|e| e.id), Some(full[i].id), "row {i}");
    }
    h.select(&s, 0, PAGE).expect("home");
    assert_eq!(h.current().map(|e| e.id), Some(full[0].id));
    // Filtered by kind: the count and rows are the kind's.
    h.filter = Some(Kind::Weight);
    h.stale = true;
    h.refresh(&s, &clock).expect("filter");
    let weights = s
        .entries(&EntryFilter {
            kind: Some(Kind::Weight),
            ..Default::default()
        })
        .expect("read");
    assert_eq!(h.total, weights.len());
    assert_eq!(h.current().map(|e| e.id), weights.first().map(|e| e.id));
}

#[test]
fn history_reloads_only_when_the_diary_changed() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("d.sqlite");
    let mut s = Store::open(&path).expect("open");
    fill(&mut s, 10);
    let clock = Clock::Fixed(t0());
    let mut h = History::default();
    h.refresh(&s, &clock).expect("load");
    assert_eq!(h.total, 10);
    // Unchanged: nothing is read (the marker row stays).
    h.rows[0].note = Some("marker".into());
    h.refresh(&s, &clock).expect("again");
    assert_eq!(h.rows[0].note.as_deref(), Some("marker"));
    // Another process adds an entry: read again.
    let mut other = Store::open(&path).expect("other");
    fill(&mut other, 1);
    h.refresh(&s, &clock).expect("changed elsewhere");
    assert_eq!(h.total, 11);
    assert_eq!(h.rows[0].note, None);
    // This connection deletes one: read again.
    let id = h.rows[0].id;
    let read = s.entry(id).expect("read");
    s.delete_entry(&read, t0()).expect("delete");
    h.refresh(&s, &clock).expect("changed here");
    assert_eq!(h.total, 10);
    assert_ne!(h.rows[0].id, id);
}
