//! Issue 17 (daily paths): the rules read a bounded slice of a long diary (recent entries,
//! the course's counts as plain values, its bleeds and rescues). On a long generated diary
//! that slice gives the same overview and reminders as the whole diary, at several moments of
//! the course.

use chrono::{DateTime, Duration, FixedOffset};
use itp_diary::app::facts::{assess, load_facts};
use itp_diary::domain::clock::Clock;
use itp_diary::domain::facts::Facts;
use itp_diary::domain::overview::overview;
use itp_diary::domain::reminders::reminders;
use itp_diary::domain::settings::Thresholds;
use itp_diary::store::{EntryFilter, Order, Store};

const END: &str = "2026-03-10T14:30:00+08:00";

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("time")
}

/// Every live entry of the diary (what a loader without bounds would read).
fn everything(store: &Store) -> Facts {
    Facts {
        profile: store.profile().expect("profile"),
        regimens: store.regimens().expect("regimens"),
        entries: store
            .entries(&EntryFilter {
                order: Order::OldestFirst,
                ..Default::default()
            })
            .expect("entries"),
        ..Default::default()
    }
}

#[test]
fn bounded_facts_give_the_same_overview_and_reminders_as_the_whole_diary() {
    let mut store = Store::open_in_memory().expect("store");
    let end = Clock::Fixed(at(END));
    // Six years: the course (with its IVIG rescue in the first week and its bleeds) began
    // long before the 400-day look-back.
    itp_diary::app::demo::generate_days(&mut store, 6 * 365, 7, &end).expect("demo");
    let t = Thresholds::default();
    let all = everything(&store);
    for days_back in [0, 1, 45, 200, 399, 401, 800, 1500, 2100] {
        let clock = Clock::Fixed(at(END) - Duration::days(days_back));
        let (bounded, o, r) = assess(&store, &clock, &t).expect("assess");
        let full_o = overview(&all, &clock, &t);
        let full_r = reminders(&all, &full_o, &clock, &t);
        let (a, b) = (
            serde_json::to_value(&o).expect("json"),
            serde_json::to_value(&full_o).expect("json"),
        );
        for (k, v) in b.as_object().expect("object") {
            assert_eq!(&a[k], v, "overview.{k} {days_back} days before the end");
        }
        assert_eq!(a, b, "overview {days_back} days before the end");
        assert_eq!(r, full_r, "reminders {days_back} days before the end");
        // The bound holds: a long course's counts come as plain values, and no more than
        // the recent look-back of entries is decoded.
        if days_back < 1500 {
            assert!(!bounded.earlier_counts.is_empty(), "{days_back}");
            assert!(bounded.entries.len() < all.entries.len() / 3, "{days_back}");
        }
    }
}

#[test]
fn bounded_facts_still_read_nothing_after_now() {
    let mut store = Store::open_in_memory().expect("store");
    let end = Clock::Fixed(at(END));
    itp_diary::app::demo::generate_days(&mut store, 3 * 365, 3, &end).expect("demo");
    let t = Thresholds::default();
    let clock = Clock::Fixed(at(END) - Duration::days(500));
    let f = load_facts(&store, &clock, &t).expect("facts");
    let now = clock.now();
    assert!(f.entries.iter().all(|e| e.at <= now));
    assert!(f.platelets().all(|(x, _)| x <= now));
    // Oldest first, the earlier counts before every other one.
    let counts: Vec<_> = f.platelets().map(|c| c.0).collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]));
}
