//! Issue 17, second round: the rules read a bounded slice of the diary. A 100-year diary and
//! the same diary cut to its last two years give the same `remind --json` and `status --json`
//! when the course started within those two years (nothing older is read or can matter).

mod common;
use common::{Diary, NOW};

/// The copy of `d` holding only entries of the last two years before `NOW` (2024-03-10).
fn truncated_copy(d: &Diary) -> Diary {
    let t = Diary::new();
    std::fs::create_dir_all(t.db.parent().expect("dir")).expect("mkdir");
    let c = rusqlite::Connection::open(&d.db).expect("open");
    c.execute("VACUUM INTO ?1", [t.db.to_str().expect("utf-8 path")])
        .expect("copy");
    let c = rusqlite::Connection::open(&t.db).expect("open copy");
    let gone = c
        .execute(
            "DELETE FROM entries WHERE at_utc < '2024-03-10T06:30:00Z'",
            [],
        )
        .expect("truncate");
    assert!(gone > 50_000, "the old years were removed: {gone}");
    t
}

#[test]
fn a_century_and_its_last_two_years_give_the_same_reminders_and_status() {
    assert!(NOW.starts_with("2026-03-10"));
    let d = Diary::new();
    d.ok(&["demo", "--years", "100"]);
    // A new course within the last two years (baseline window included).
    d.ok(&["regimen", "stop", "--on", "2025-02-01"]);
    d.start_plan("100,100", "2025-03-01");
    let t = truncated_copy(&d);
    for args in [["remind", "--json"], ["status", "--json"]] {
        let (full, cut) = (d.ok(&args), t.ok(&args));
        assert!(full.len() > 20, "{args:?}: {full}");
        assert_eq!(full, cut, "{args:?}");
    }
}
