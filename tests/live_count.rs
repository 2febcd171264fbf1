//! Issue 17 (daily paths): History's count of the whole diary comes from a count the
//! triggers of migration 5 keep. It stays equal to the live entries through additions,
//! delete marks, undeletes and a reopened diary.

use chrono::DateTime;
use itp_diary::domain::clock::Clock;
use itp_diary::store::{EntryFilter, Store};

fn counted(s: &Store) -> usize {
    s.count_matching(&EntryFilter::default()).expect("count")
}

fn live(s: &Store) -> usize {
    usize::try_from(s.count_entries(false).expect("live")).expect("non-negative")
}

#[test]
fn the_kept_count_follows_every_change() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("d.sqlite");
    let now = DateTime::parse_from_rfc3339("2026-03-10T14:30:00+08:00").expect("time");
    let mut s = Store::open(&path).expect("open");
    assert_eq!(counted(&s), 0);
    itp_diary::app::demo::generate_days(&mut s, 60, 5, &Clock::Fixed(now)).expect("demo");
    assert!(live(&s) > 100);
    assert_eq!(counted(&s), live(&s));
    let some = s
        .entries(&EntryFilter {
            limit: Some(3),
            ..Default::default()
        })
        .expect("entries");
    for e in &some {
        s.delete_entry(e, now).expect("delete");
    }
    assert_eq!(counted(&s), live(&s));
    // A second delete mark of a deleted entry changes nothing.
    let gone = s.entry(some[0].id).expect("entry");
    assert!(s.delete_entry(&gone, now).is_err() || counted(&s) == live(&s));
    s.undelete_entry(&s.entry(some[1].id).expect("entry"), now)
        .expect("undelete");
    assert_eq!(counted(&s), live(&s));
    drop(s);
    let s = Store::open(&path).expect("reopen");
    assert_eq!(counted(&s), live(&s));
    // A filtered count is still counted in SQL.
    let doses = EntryFilter {
        kind: Some(itp_diary::domain::entry::Kind::Dose),
        ..Default::default()
    };
    assert!(s.count_matching(&doses).expect("count") < live(&s));
}
