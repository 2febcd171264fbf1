//! Issue 17 (memory): a clinic report of a long period reads the doses of the course's drug
//! added up per month instead of as entries (a century is 72,000 of them). The report it gives
//! is the one built from every entry: same summary, counts, trend, tables and charts.

use chrono::{DateTime, Duration, FixedOffset};
use itp_diary::app::facts::{
    LONG_WINDOW_DAYS, assess, dose_summary, first_entry_time, load_report_window, load_window,
};
use itp_diary::domain::clock::Clock;
use itp_diary::domain::settings::Thresholds;
use itp_diary::export::report::{self, Report, SummedDoses};
use itp_diary::export::{doc, html, md};
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::Store;

const END: &str = "2026-03-10T14:30:00+08:00";

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("time")
}

/// The report's Markdown head and its full HTML (every table, the charts).
fn rendered(r: &Report, i: &I18n) -> (String, String) {
    let mut m = Vec::new();
    md::write_head(&mut m, r, i).expect("md");
    let mut h = Vec::new();
    html::write(&mut h, &doc::compose(r, i, true)).expect("html");
    (
        String::from_utf8(m).expect("utf-8"),
        String::from_utf8(h).expect("utf-8"),
    )
}

fn both(store: &Store, from: DateTime<FixedOffset>, clock: &Clock, t: &Thresholds) {
    let to = clock.now() + Duration::seconds(1);
    assert!(to - from > Duration::days(LONG_WINDOW_DAYS));
    let (_, o, alerts) = assess(store, clock, t).expect("assess");
    let every = load_window(store, from, to, clock, t).expect("facts");
    let full = report::build(
        &every,
        None,
        o.clone(),
        alerts.clone(),
        vec![],
        from,
        to,
        clock,
        t,
    );
    let f = load_report_window(store, from, to, clock, t).expect("facts");
    let course = f.primary(to.date_naive()).expect("a course");
    assert!(
        f.entries.len() * 3 < every.entries.len(),
        "the doses are not read: {} of {} entries",
        f.entries.len(),
        every.entries.len()
    );
    let sum = dose_summary(store, Some(course), (from, to), clock, t).expect("doses");
    let summed = SummedDoses {
        drug: course.drug,
        trend: &sum,
        slots: sum.slots,
        entries: store
            .dose_count(course.drug, from.to_utc(), to.to_utc())
            .expect("count"),
    };
    let long = report::build(&f, Some(summed), o, alerts, vec![], from, to, clock, t);
    assert_eq!(long.entries, full.entries);
    assert_eq!(long.trend, full.trend);
    let (d, e) = (&long.doses, &full.doses);
    assert_eq!(
        (d.taken, d.late, d.missed, d.skipped, d.pct),
        (e.taken, e.late, e.missed, e.skipped, e.pct)
    );
    for lang in [Lang::En, Lang::Zh] {
        let i = I18n::new(lang);
        assert_eq!(rendered(&long, &i), rendered(&full, &i), "{lang:?}");
    }
}

#[test]
fn a_long_report_from_summed_doses_is_the_report_of_every_entry() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = Clock::Fixed(at(END));
    itp_diary::app::demo::generate_days(&mut store, 3 * 365, 29, &clock).expect("demo");
    let t = Thresholds::default();
    let first = first_entry_time(&store).expect("first").expect("an entry");
    // Twice: the months are made, then read back.
    both(&store, first, &clock, &t);
    assert!(store.kept_dose_months().expect("kept") > 24);
    both(&store, first, &clock, &t);
    both(&store, clock.now() - Duration::days(500), &clock, &t);
}

#[test]
fn a_long_reports_charts_are_thinned_to_the_paper_not_one_mark_per_day() {
    use itp_diary::export::chart::{self, Shape};
    let mut store = Store::open_in_memory().expect("store");
    let clock = Clock::Fixed(at(END));
    itp_diary::app::demo::generate_days(&mut store, 4 * 365, 31, &clock).expect("demo");
    let t = Thresholds::default();
    let from = first_entry_time(&store).expect("first").expect("an entry");
    let to = clock.now();
    let (_, o, alerts) = assess(&store, &clock, &t).expect("assess");
    let f = load_window(&store, from, to, &clock, &t).expect("facts");
    let r = report::build(&f, None, o, alerts, vec![], from, to, &clock, &t);
    let days = r.trend.dose_taken.len();
    assert!(days > 1200, "{days} days with a dose");
    let scene = chart::build(&r, &I18n::new(Lang::En));
    // The taken-dose marks (yellow): at most the lowest and highest per point of the plot's
    // width (each day's own mark before).
    let taken: Vec<(f64, f64)> = scene
        .shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Dot { at, color, .. } if *color == (241, 196, 15) => Some(*at),
            _ => None,
        })
        .collect();
    let plot = chart::WIDTH - chart::LEFT - chart::RIGHT;
    assert!(
        !taken.is_empty() && taken.len() as f64 <= 2.0 * plot,
        "{} marks",
        taken.len()
    );
}
