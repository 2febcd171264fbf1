//! Issue 17 (daily paths): a long trend window is drawn from plain counts, the store's
//! per-column extremes of the dense series, taken mg per day and dose marks. It shows the
//! same figures and, once thinned to the chart's columns, the same lines as the window built
//! from every entry.

use chrono::{DateTime, Duration, FixedOffset};
use itp_diary::app::facts::{first_entry_time, load_window, trend_data};
use itp_diary::domain::clock::Clock;
use itp_diary::domain::settings::Thresholds;
use itp_diary::domain::trend::{self, Pt, downsample};
use itp_diary::store::Store;

const END: &str = "2026-03-10T14:30:00+08:00";
const COLUMNS: usize = 500;

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("time")
}

/// Each chart column's lowest and highest value (what a thinned line shows).
fn extremes(p: &[Pt], days: f64) -> Vec<(i64, f64, f64)> {
    let width = days / COLUMNS as f64;
    let mut out: Vec<(i64, f64, f64)> = Vec::new();
    for &(x, y) in p {
        let c = (x / width).floor() as i64;
        match out.last_mut() {
            Some(l) if l.0 == c => {
                l.1 = l.1.min(y);
                l.2 = l.2.max(y);
            }
            _ => out.push((c, y, y)),
        }
    }
    out
}

#[test]
fn a_long_window_shows_the_same_figures_and_lines_as_every_entry() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = Clock::Fixed(at(END));
    itp_diary::app::demo::generate_days(&mut store, 4 * 365, 11, &clock).expect("demo");
    let t = Thresholds::default();
    let now = clock.now() + Duration::seconds(1);
    let first = first_entry_time(&store).expect("first").expect("an entry");
    for from in [first, now - Duration::days(800)] {
        let full = trend::build(
            &load_window(&store, from, now, &clock, &t).expect("facts"),
            from,
            now,
            &clock,
            &t,
        );
        let long = trend_data(&store, from, now, &clock, &t, COLUMNS).expect("long");
        assert_eq!(long.summary, full.summary);
        assert_eq!(long.platelets, full.platelets);
        assert_eq!(long.response, full.response);
        assert_eq!(long.baseline, full.baseline);
        assert_eq!(long.dose_planned, full.dose_planned);
        assert_eq!(long.mg_per_kg, full.mg_per_kg);
        assert_eq!(long.dose_taken, full.dose_taken);
        assert_eq!(long.troughs, full.troughs);
        assert_eq!(long.non_troughs, full.non_troughs);
        assert_eq!(long.markers, full.markers);
        assert_eq!(long.creatinine_baseline, full.creatinine_baseline);
        assert_eq!(long.liver_uln, full.liver_uln);
        assert!(!full.alt.is_empty() && !full.systolic.is_empty());
        assert!(!full.troughs.is_empty() && !full.non_troughs.is_empty());
        for (name, a, b) in [
            ("creatinine", &long.creatinine_pct, &full.creatinine_pct),
            ("systolic", &long.systolic, &full.systolic),
            ("diastolic", &long.diastolic, &full.diastolic),
            ("alt", &long.alt, &full.alt),
            ("ast", &long.ast, &full.ast),
            ("potassium", &long.potassium, &full.potassium),
            ("magnesium", &long.magnesium, &full.magnesium),
        ] {
            let thin = downsample(b, 0.0, full.days, COLUMNS);
            assert_eq!(extremes(a, full.days), extremes(&thin, full.days), "{name}");
            assert!(a.len() <= 2 * COLUMNS, "{name}: {}", a.len());
        }
    }
}

#[test]
fn a_short_window_on_a_long_course_matches_every_entry() {
    use itp_diary::domain::facts::Facts;
    use itp_diary::store::{EntryFilter, Order};
    let mut store = Store::open_in_memory().expect("store");
    let clock = Clock::Fixed(at(END));
    itp_diary::app::demo::generate_days(&mut store, 4 * 365, 13, &clock).expect("demo");
    let t = Thresholds::default();
    let all = Facts {
        profile: store.profile().expect("profile"),
        regimens: store.regimens().expect("regimens"),
        entries: store
            .entries(&EntryFilter {
                order: Order::OldestFirst,
                ..Default::default()
            })
            .expect("entries"),
        ..Default::default()
    };
    let now = clock.now() + Duration::seconds(1);
    for days in [30, 91, 365] {
        let from = now - Duration::days(days);
        let window = load_window(&store, from, now, &clock, &t).expect("facts");
        // The course's earlier counts come as plain values, not entries.
        assert!(!window.earlier_counts.is_empty(), "{days}");
        assert_eq!(
            trend::build(&window, from, now, &clock, &t),
            trend::build(&all, from, now, &clock, &t),
            "{days} days"
        );
    }
}

/// The store's per-column extremes against the chart's own thinning of every point, where the
/// two could part: readings exactly on a column's edge and a second either side, equal values
/// (the earliest is kept), two readings at one instant, and other UTC offsets.
#[test]
fn column_extremes_equal_the_thinning_of_every_point_at_edges_and_ties() {
    use chrono::{FixedOffset, Utc};
    use itp_diary::domain::entry::{BloodPressure, EntryData, NewEntry};
    use itp_diary::store::Dense;
    let mut store = Store::open_in_memory().expect("store");
    let from = at("2020-01-01T00:00:00+00:00");
    let columns = 10;
    let to = from + Duration::days(50 * columns as i64);
    let offsets = [8 * 3600, -5 * 3600, 0, 5 * 3600 + 1800];
    let mut n = 0u16;
    for k in 0..=columns as i64 {
        for shift in [-1, 0, 1, 0, 3600] {
            n += 1;
            let t = from + Duration::days(50 * k) + Duration::seconds(shift);
            let zone = FixedOffset::east_opt(offsets[usize::from(n) % 4]).expect("offset");
            let e = NewEntry {
                at: t.with_timezone(&zone),
                note: None,
                // Few values: many ties, within a column and across its edges.
                data: EntryData::BloodPressure(BloodPressure {
                    systolic: 100 + (n * 7) % 3,
                    diastolic: 60 + (n * 5) % 4,
                    pulse: None,
                }),
            };
            store.add_entry(&e, to).expect("add");
        }
    }
    let all = store.entries(&Default::default()).expect("entries");
    let days = (to - from).num_seconds() as f64 / 86_400.0;
    let x = |t: DateTime<FixedOffset>| (t - from).num_seconds() as f64 / 86_400.0;
    for (series, pick) in [
        (
            Dense::Systolic,
            (|b: &BloodPressure| b.systolic) as fn(&BloodPressure) -> u16,
        ),
        (Dense::Diastolic, |b: &BloodPressure| b.diastolic),
    ] {
        let mut every: Vec<(DateTime<FixedOffset>, i64, f64)> = all
            .iter()
            .filter(|e| e.at >= from && e.at < to)
            .filter_map(|e| match &e.data {
                EntryData::BloodPressure(b) => Some((e.at, e.id, f64::from(pick(b)))),
                _ => None,
            })
            .collect();
        every.sort_by_key(|p| (p.0, p.1));
        let points: Vec<Pt> = every.iter().map(|p| (x(p.0), p.2)).collect();
        assert!(points.len() > 2 * columns, "thinning applies");
        let mut want = downsample(&points, 0.0, days, columns);
        let got = store
            .column_extremes(
                series,
                from.with_timezone(&Utc),
                to.with_timezone(&Utc),
                columns,
            )
            .expect("extremes");
        let mut got: Vec<Pt> = got.iter().map(|(t, v)| (x(*t), *v)).collect();
        // Two readings at one instant may come in either order.
        for v in [&mut want, &mut got] {
            v.sort_by(|a, b| a.partial_cmp(b).expect("numbers"));
        }
        assert_eq!(got, want, "{series:?}");
    }
}
