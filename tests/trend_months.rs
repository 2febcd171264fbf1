//! Issue 17 (Trends "all"): a long window's doses are added up from calendar months, and a
//! settled month's figures are kept in the store. What is kept must never differ from what the
//! entries give: after every kind of write that can change a month — a dose added, changed,
//! marked deleted or brought back, a plan changed, another slot window — the long window still
//! shows exactly the taken share and the taken-mg-per-day line of the window built from every
//! entry.

mod common;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime};
use itp_diary::app::facts::{first_entry_time, load_window, trend_data};
use itp_diary::domain::clock::Clock;
use itp_diary::domain::entry::{DoseStatus, EntryData, Kind, NewEntry};
use itp_diary::domain::settings::Thresholds;
use itp_diary::domain::trend::{self, TrendData};
use itp_diary::store::{EntryFilter, NewStep, Order, Store};

const END: &str = "2026-03-10T14:30:00+08:00";
const COLUMNS: usize = 500;

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("time")
}

struct Case {
    store: Store,
    clock: Clock,
    t: Thresholds,
}

impl Case {
    fn new(years: i64, seed: u64) -> Case {
        let mut store = Store::open_in_memory().expect("store");
        let clock = Clock::Fixed(at(END));
        itp_diary::app::demo::generate_days(&mut store, years * 365, seed, &clock).expect("demo");
        Case {
            store,
            clock,
            t: Thresholds::default(),
        }
    }

    fn window(&self) -> (DateTime<FixedOffset>, DateTime<FixedOffset>) {
        let from = first_entry_time(&self.store)
            .expect("first")
            .expect("entry");
        (from, self.clock.now() + Duration::seconds(1))
    }

    /// The long window (months kept and read back) and the same window from every entry.
    fn both(&self, from: DateTime<FixedOffset>) -> (TrendData, TrendData) {
        let to = self.window().1;
        let (s, c, t) = (&self.store, &self.clock, &self.t);
        let long = trend_data(s, from, to, c, t, COLUMNS).expect("long");
        let full = trend::build(
            &load_window(s, from, to, c, t).expect("facts"),
            from,
            to,
            c,
            t,
        );
        (long, full)
    }

    /// The long window equals the window from every entry, in the dose figures.
    fn check(&self, what: &str) {
        let from = self.window().0;
        let (long, full) = self.both(from);
        assert!(full.summary.doses_taken_pct.is_some(), "{what}: a share");
        assert_eq!(
            long.summary.doses_taken_pct, full.summary.doses_taken_pct,
            "{what}: taken share"
        );
        assert_eq!(long.dose_taken, full.dose_taken, "{what}: taken mg per day");
        assert_eq!(long.summary, full.summary, "{what}: figures");
    }

    fn doses_on(&self, day: &str) -> Vec<itp_diary::domain::entry::Entry> {
        let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("day");
        let from = self
            .clock
            .localize(d.and_time(NaiveTime::MIN))
            .expect("from");
        self.store
            .entries(&EntryFilter {
                kind: Some(Kind::Dose),
                from: Some(from.to_utc()),
                to: Some((from + Duration::days(1)).to_utc()),
                order: Order::OldestFirst,
                ..Default::default()
            })
            .expect("doses")
    }

    /// The slots taken, late, missed and skipped from the kept months equal those of every
    /// entry (what the clinic report counts).
    fn check_slots(&self, what: &str) {
        let (from, to) = self.window();
        self.check_slots_in(from, to, what);
    }

    fn check_slots_in(&self, from: DateTime<FixedOffset>, to: DateTime<FixedOffset>, what: &str) {
        let (s, c, t) = (&self.store, &self.clock, &self.t);
        let f = load_window(s, from, to, c, t).expect("facts");
        let r = f.primary(to.date_naive()).expect("a plan");
        let sum = itp_diary::app::facts::dose_summary(s, Some(r), (from, to), c, t).expect("sum");
        let pairs: Vec<_> = f.doses(r.drug).collect();
        let slots = itp_diary::domain::dosing::SlotClock::of(c, &pairs);
        let planned = r.planned_between(from, to.min(c.now()), &slots);
        let mut want = itp_diary::domain::trend::doses::SlotCounts::default();
        for st in itp_diary::domain::dosing::slot_states(&planned, &pairs, c.now(), t) {
            use itp_diary::domain::dosing::SlotState as S;
            match st.state {
                S::Taken => want.taken += 1,
                S::Late => want.late += 1,
                S::Missed => want.missed += 1,
                S::Skipped => want.skipped += 1,
                S::Due | S::Upcoming => {}
            }
        }
        assert!(want.taken > 0, "{what}: {want:?}");
        assert_eq!(sum.slots, want, "{what}");
    }

    fn kept(&self) -> i64 {
        self.store.kept_dose_months().expect("kept")
    }
}

#[test]
fn kept_months_give_the_figures_of_every_entry_for_any_window() {
    for (years, seed) in [(3, 5), (6, 17)] {
        let c = Case::new(years, seed);
        assert_eq!(c.kept(), 0);
        c.check("first look");
        let kept = c.kept();
        assert!(kept >= years * 12 - 3, "{years} y: {kept} months kept");
        c.check("months read back");
        assert_eq!(c.kept(), kept, "nothing made again");
        // Windows that start inside months, at other times of day.
        let end = c.window().1;
        for days in [401, 800, 1000] {
            let from = end - Duration::days(days) - Duration::hours(5);
            let (long, full) = c.both(from);
            assert_eq!(long.summary, full.summary, "{years} y, {days} d");
            assert_eq!(long.dose_taken, full.dose_taken, "{years} y, {days} d");
        }
    }
}

#[test]
fn every_write_to_a_kept_month_is_seen() {
    let mut c = Case::new(3, 23);
    c.check("first look");
    let now = c.clock.now();
    let before = c.kept();

    // A taken dose of an old month becomes missed.
    let d = c.doses_on("2024-06-15").remove(0);
    let EntryData::Dose(mut dose) = d.data.clone() else {
        panic!("a dose")
    };
    assert_eq!(dose.status, DoseStatus::Taken);
    dose.status = DoseStatus::Missed;
    let changed = NewEntry {
        at: d.at,
        note: d.note.clone(),
        data: EntryData::Dose(dose.clone()),
    };
    let edited = c.store.update_entry(&d, &changed, now).expect("edit");
    assert!(
        c.kept() < before,
        "the month and its neighbours are dropped"
    );
    c.check("a dose changed");

    // Moved to another month (its old and new months both change).
    let moved = NewEntry {
        at: at("2023-11-30T23:00:00+08:00"),
        ..changed.clone()
    };
    let edited = c.store.update_entry(&edited, &moved, now).expect("move");
    c.check("a dose moved");

    // Marked deleted, then brought back.
    c.store.delete_entry(&edited, now).expect("delete");
    c.check("a dose deleted");
    let deleted = c.store.entry(edited.id).expect("read");
    c.store.undelete_entry(&deleted, now).expect("undelete");
    c.check("a dose brought back");

    // A dose added on the first day of a month (it answers a slot of the month before).
    let mut extra = dose.clone();
    extra.status = DoseStatus::Taken;
    let first_day = NewEntry {
        at: at("2024-09-01T00:30:00+08:00"),
        note: None,
        data: EntryData::Dose(extra),
    };
    c.store.add_entry(&first_day, now).expect("add");
    c.check("a dose added");

    // The plan changed from a day in the past.
    let r = c.store.regimens().expect("regimens").remove(0);
    let last = r.steps.last().expect("a step");
    let step = NewStep {
        effective_from: NaiveDate::from_ymd_opt(2024, 3, 1).expect("day"),
        kind: last.kind,
        slots: vec![itp_diary::domain::regimen::Slot {
            time: NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
            amount: 100.0,
        }],
        unit: "mg".into(),
        every_days: 1,
        formulation: None,
        note: None,
    };
    c.store.add_step(r.id, &step, now).expect("step");
    c.check("the plan changed");

    // Another slot window (a setting, not in the diary): the kept key no longer matches.
    c.check("kept again");
    c.t.slot_window_hours = 0.5;
    c.check("a narrower slot window");

    // When a dose counts as late (the report counts late doses apart).
    c.t.slot_window_hours = 3.0;
    c.check_slots("kept");
    c.check_slots("read back");
    c.t.late_after_minutes = 10.0;
    c.check_slots("late after 10 minutes");
}

// Findings of the outside review of the kept months (each failed before its fix).

fn dose(at_: &str, mg: f64, named: Option<&str>) -> NewEntry {
    use itp_diary::domain::drugs::{Drug, Route};
    use itp_diary::domain::entry::{Amount, Dose, Entered};
    NewEntry {
        at: at(at_),
        note: None,
        data: EntryData::Dose(Dose {
            drug: Drug::Cyclosporine,
            amount: Some(Amount {
                value: mg,
                unit: "mg".into(),
                entered: Entered {
                    value: mg,
                    unit: "mg".into(),
                },
                mg_per_ml: None,
            }),
            route: Route::Oral,
            formulation: Some("Neoral".into()),
            status: DoseStatus::Taken,
            scheduled_for: named.map(at),
        }),
    }
}

#[test]
fn a_dose_naming_a_slot_far_from_it_is_matched_and_its_slots_month_made_again() {
    let mut c = Case::new(3, 37);
    c.check("first look");
    c.check_slots("first look");
    // Logged twelve days after the slot it names (an edit of the time keeps the slot).
    let far = dose(
        "2024-04-12T08:00:00+08:00",
        75.0,
        Some("2024-03-31T20:00:00+08:00"),
    );
    c.store.add_entry(&far, c.clock.now()).expect("add");
    c.check("a far dose");
    c.check_slots("a far dose");
}

#[test]
fn a_month_answered_from_outside_the_window_serves_only_windows_that_hold_the_dose() {
    let mut c = Case::new(3, 47);
    // Logged in September 2025, naming a slot of March 2024.
    let far = dose(
        "2025-09-10T08:00:00+08:00",
        75.0,
        Some("2024-03-31T20:00:00+08:00"),
    );
    c.store.add_entry(&far, c.clock.now()).expect("add");
    let part = (
        at("2023-04-01T00:00:00+08:00"),
        at("2025-07-01T00:00:00+08:00"),
    );
    let all = c.window();
    for (what, (from, to)) in [
        ("without the far dose", part),
        ("with it", all),
        ("without it again", part),
        ("with it again", all),
    ] {
        c.check_slots_in(from, to, what);
    }
}

#[test]
fn a_day_shared_by_two_months_in_other_offsets_is_one_day() {
    let mut c = Case::new(2, 41);
    c.check("first look");
    let now = c.clock.now();
    for d in [
        dose("2025-07-01T00:30:00+09:00", 600.0, None),
        dose("2025-06-30T20:00:00-05:00", 600.0, None),
    ] {
        c.store.add_entry(&d, now).expect("add");
    }
    c.check("doses in other offsets");
}

#[test]
fn a_plan_dosed_weekly_sees_a_late_dose_days_after_its_slot() {
    let clock = Clock::Fixed(at(END));
    let mut store = Store::open_in_memory().expect("store");
    let now = clock.now();
    let start = NaiveDate::from_ymd_opt(2024, 1, 5).expect("day");
    store
        .add_regimen(
            &common::plan::csa(start, &[(8, 150.0)], 7),
            at("2024-01-04T12:00:00+08:00"),
        )
        .expect("plan");
    let mut day = start;
    while day < NaiveDate::from_ymd_opt(2026, 3, 1).expect("day") {
        if day != NaiveDate::from_ymd_opt(2024, 5, 31).expect("day") {
            let when = format!("{day}T08:10:00+08:00");
            store
                .add_entry(&dose(&when, 150.0, None), now)
                .expect("dose");
        }
        day += Duration::days(7);
    }
    // The 31 May dose, taken five days late (before the next slot).
    store
        .add_entry(&dose("2024-06-05T08:00:00+08:00", 150.0, None), now)
        .expect("late");
    let c = Case {
        store,
        clock,
        t: Thresholds::default(),
    };
    c.check_slots("weekly");
    c.check_slots("weekly, read back");
}

#[test]
fn a_kept_row_that_cannot_be_read_is_made_again() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("d.sqlite");
    let clock = Clock::Fixed(at(END));
    let mut store = Store::open(&path).expect("store");
    itp_diary::app::demo::generate_days(&mut store, 2 * 365, 43, &clock).expect("demo");
    let c = Case {
        store,
        clock,
        t: Thresholds::default(),
    };
    c.check_slots("first look");
    let raw = rusqlite::Connection::open(&path).expect("raw");
    for bad in [
        "UPDATE dose_months SET taken = 4294967296 WHERE month = '2024-09'",
        "UPDATE dose_months SET missed = 4294967295 WHERE month = '2024-10'",
        "UPDATE dose_months SET late = 'abc' WHERE month = '2024-11'",
        "UPDATE dose_months SET days = x'0102' WHERE month = '2024-12'",
        "UPDATE dose_months SET key = 5 WHERE month = '2025-01'",
        "UPDATE dose_months SET key = CAST(x'ff' AS TEXT) WHERE month = '2024-05'",
        "UPDATE dose_months SET days = CAST(x'ff' AS TEXT) WHERE month = '2024-06'",
        "UPDATE dose_months SET far_from = 'x', far_to = 'y' WHERE month = '2024-07'",
        "UPDATE dose_months SET taken = 700, missed = 700 WHERE month = '2024-08'",
    ] {
        assert_eq!(raw.execute(bad, []).expect(bad), 1, "{bad}");
        c.check(bad);
        c.check_slots(bad);
    }
    // Well-formed pairs that cannot belong to the month: another year's day, a day of 1 kg.
    use chrono::Datelike;
    for (day, mg) in [("1950-05-15", 75.0), ("2025-02-10", 1.0e6)] {
        let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("day");
        let mut pair = d.num_days_from_ce().to_le_bytes().to_vec();
        pair.extend_from_slice(&f64::to_le_bytes(mg));
        let sql = "UPDATE dose_months SET days = days || ?1 WHERE month = '2025-02'";
        assert_eq!(raw.execute(sql, [pair]).expect("pair"), 1);
        c.check(day);
        c.check_slots(day);
    }
}

#[test]
fn months_read_while_another_process_wrote_are_not_kept() {
    use itp_diary::store::DoseMonth;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("d.sqlite");
    let clock = Clock::Fixed(at(END));
    let a = Store::open(&path).expect("a");
    let mut b = Store::open(&path).expect("b");
    let month = DoseMonth {
        month: NaiveDate::from_ymd_opt(2024, 6, 1).expect("day"),
        key: "k".into(),
        piece: Default::default(),
        far: None,
    };
    let drug = itp_diary::domain::drugs::Drug::Cyclosporine;
    let read_at = a.data_version().expect("version");
    b.add_entry(&dose("2024-06-15T08:00:00+08:00", 75.0, None), clock.now())
        .expect("write");
    let kept = a.keep_dose_months(drug, 0, std::slice::from_ref(&month), read_at);
    assert!(!kept.expect("keep"), "read before the write: not kept");
    assert_eq!(a.kept_dose_months().expect("count"), 0);
    let read_at = a.data_version().expect("version");
    assert!(
        a.keep_dose_months(drug, 0, &[month], read_at)
            .expect("keep")
    );
    assert_eq!(a.kept_dose_months().expect("count"), 1);
}

#[test]
fn a_month_is_not_kept_while_another_program_holds_the_diary() {
    use itp_diary::store::DoseMonth;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("d.sqlite");
    let mut a = Store::open(&path).expect("a");
    // Long enough that waiting for the lock (as an entry's write does) would hang this test.
    a.set_busy_timeout(std::time::Duration::from_secs(3600))
        .expect("timeout");
    let holder = rusqlite::Connection::open(&path).expect("holder");
    holder.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let month = DoseMonth {
        month: NaiveDate::from_ymd_opt(2024, 6, 1).expect("day"),
        key: "k".into(),
        piece: Default::default(),
        far: None,
    };
    let drug = itp_diary::domain::drugs::Drug::Cyclosporine;
    let read_at = a.data_version().expect("version");
    let kept = a.keep_dose_months(drug, 0, std::slice::from_ref(&month), read_at);
    assert!(!matches!(kept, Ok(true)), "{kept:?}");
    holder.execute_batch("ROLLBACK").expect("unlock");
    assert_eq!(a.kept_dose_months().expect("count"), 0);
    assert!(
        a.keep_dose_months(drug, 0, &[month], read_at)
            .expect("keep")
    );
}
