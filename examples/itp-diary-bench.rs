//! Benchmarks (not timed tests): `cargo run --release --example itp-diary-bench -- <what>`.
//! Each figure is the median of repeated runs on a fixed demo diary and a fixed clock.
//!
//! - `trends`: load and draw the trends panel for a 1-month and a 20-year diary.
//! - `tui`: time to first frame and time per frame of each screen.
//! - `export`: every export format on a 20-year diary (see `itp-diary export`).
//! - `make DAYS PATH`: write a demo diary of DAYS days to PATH (for the shell benchmarks).

use std::time::{Duration, Instant};

use chrono::DateTime;
use itp_diary::app::config::{Paths, Settings};
use itp_diary::app::session::Session;
use itp_diary::domain::clock::Clock;
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::Store;
use itp_diary::tui::theme::Theme;
use itp_diary::tui::{self, Action, App, Tab};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const NOW: &str = "2026-03-10T14:30:00+08:00";

fn clock() -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339(NOW).expect("fixed time"))
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

fn time<T>(n: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        std::hint::black_box(f());
        v.push(t.elapsed());
    }
    median(v)
}

fn diary(dir: &std::path::Path, days: i64) -> (std::path::PathBuf, usize) {
    let path = dir.join(format!("demo-{days}.sqlite"));
    let mut store = Store::open(&path).expect("open");
    let s = itp_diary::app::demo::generate_days(&mut store, days, 1, &clock()).expect("demo");
    (path, s.entries)
}

fn app(path: &std::path::Path) -> App {
    App::new(
        Session {
            store: Store::open(path).expect("open"),
            clock: clock(),
            i18n: I18n::new(Lang::En),
            settings: Settings::default(),
            paths: Paths::beside(path),
        },
        Theme { color: true },
    )
}

fn frame(app: &mut App, term: &mut Terminal<TestBackend>) {
    term.draw(|f| tui::render(f, app)).expect("draw");
}

fn trends(dir: &std::path::Path) {
    println!("| diary | entries | window | load (ms) | frame 120×40 (ms) | frame 80×24 (ms) |");
    println!("|---|---|---|---|---|---|");
    for (label, days) in [("1 month", 30), ("20 years", 20 * 365)] {
        let (path, n) = diary(dir, days);
        let mut app = app(&path);
        app.update(Action::GoTab(Tab::Trends));
        // From the default 3 months: 0 stays, -3 widens to "all".
        let windows: &[(&str, i8)] = if days > 30 {
            &[("3 months", 0), ("all", -3)]
        } else {
            &[("3 months", 0)]
        };
        for (wlabel, zoom) in windows {
            app.update(Action::Zoom(*zoom));
            assert_eq!(
                app.trends().window.label_key(),
                if *zoom == 0 {
                    "trends.w3m"
                } else {
                    "trends.wall"
                }
            );
            let load = time(20, || app.load_screen());
            let mut big = Terminal::new(TestBackend::new(120, 40)).expect("term");
            let mut small = Terminal::new(TestBackend::new(80, 24)).expect("term");
            let f_big = time(200, || frame(&mut app, &mut big));
            let f_small = time(200, || frame(&mut app, &mut small));
            println!("| {label} | {n} | {wlabel} | {load:.2} | {f_big:.3} | {f_small:.3} |");
            if std::env::var_os("BENCH_CHARTS").is_some() {
                // `c` through every chart, back to the first.
                for c in 0..tui::screens::trends::CHARTS.len() {
                    let ms = time(100, || frame(&mut app, &mut small));
                    eprintln!("  chart {c}: {ms:.3} ms");
                    app.update(Action::NextChart);
                }
            }
        }
    }
}

fn screens(dir: &std::path::Path) {
    println!(
        "| diary | entries | first frame (ms) | Today | History | Reminders | Trends (ms/frame, 120×40) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (label, days) in [("1 month", 30), ("20 years", 20 * 365)] {
        let (path, n) = diary(dir, days);
        let first = time(10, || {
            let mut a = app(&path);
            let mut t = Terminal::new(TestBackend::new(120, 40)).expect("term");
            frame(&mut a, &mut t);
        });
        let mut a = app(&path);
        let mut t = Terminal::new(TestBackend::new(120, 40)).expect("term");
        let mut per = Vec::new();
        for tab in Tab::ALL {
            a.update(Action::GoTab(tab));
            per.push(time(200, || frame(&mut a, &mut t)));
        }
        println!(
            "| {label} | {n} | {first:.1} | {:.3} | {:.3} | {:.3} | {:.3} |",
            per[0], per[1], per[2], per[3]
        );
    }
}

fn exports(dir: &std::path::Path) {
    use itp_diary::app::export::{Format, Period, export};
    println!("| diary | entries | format | time (ms, median of 5) | size |");
    println!("|---|---|---|---|---|");
    for (label, days) in [("1 month", 30), ("20 years", 20 * 365)] {
        let (path, n) = diary(dir, days);
        let mut store = Store::open(&path).expect("open");
        let i = I18n::new(Lang::En);
        for f in Format::ALL {
            let mut size = 0;
            let ms = time(5, || {
                let mut out = Vec::with_capacity(1 << 20);
                export(
                    &mut store,
                    f,
                    &Period::default(),
                    &clock(),
                    &Settings::default(),
                    &i,
                    std::path::Path::new("/nonexistent"),
                    &mut out,
                    &mut |_, _| {},
                )
                .expect("export");
                size = out.len();
            });
            println!(
                "| {label} | {n} | {} | {ms:.1} | {:.1} MB |",
                f.code(),
                size as f64 / 1e6
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = tempfile_dir();
    match args.first().map(String::as_str) {
        Some("trends") => trends(&dir),
        Some("tui") => screens(&dir),
        Some("export") => exports(&dir),
        Some("log-loop") => {
            // Crash-safety helper: add entries forever, printing "ok N" after each commit.
            use std::io::Write;
            let path = std::path::PathBuf::from(
                args.get(1)
                    .cloned()
                    .unwrap_or_else(|| "diary.sqlite".into()),
            );
            let tag = args.get(2).cloned().unwrap_or_default();
            let mut store = Store::open(&path).expect("open");
            let mut out = std::io::stdout().lock();
            for n in 0u64.. {
                let e = itp_diary::domain::entry::NewEntry {
                    at: clock().now(),
                    note: Some(format!("{tag}-{n}")),
                    data: itp_diary::domain::validate::platelets((n % 500) as f64, None, None)
                        .expect("valid")
                        .value,
                };
                store.add_entry(&e, clock().now()).expect("add");
                let _ = writeln!(out, "ok {tag}-{n}");
                let _ = out.flush();
            }
        }
        Some("startup") => {
            // Where a short command's time goes (each median of 50).
            let path = std::path::PathBuf::from(
                args.get(1)
                    .cloned()
                    .unwrap_or_else(|| "diary.sqlite".into()),
            );
            println!("i18n en: {:.3} ms", time(50, || I18n::new(Lang::En)));
            println!("i18n zh: {:.3} ms", time(50, || I18n::new(Lang::Zh)));
            println!(
                "clap: {:.3} ms",
                time(50, || {
                    use clap::Parser;
                    itp_diary::cli::Cli::try_parse_from(["itp-diary", "remind"]).is_ok()
                })
            );
            println!(
                "open: {:.3} ms",
                time(50, || Store::open(&path).expect("open"))
            );
            let store = Store::open(&path).expect("open");
            let t = itp_diary::domain::settings::Thresholds::default();
            println!(
                "load facts: {:.3} ms",
                time(50, || itp_diary::app::facts::load_facts(
                    &store,
                    &clock(),
                    &t
                )
                .expect("load"))
            );
            let f = itp_diary::app::facts::load_facts(&store, &clock(), &t).expect("load");
            println!("  ({} entries loaded)", f.entries.len());
            println!(
                "rules: {:.3} ms",
                time(50, || {
                    let o = itp_diary::domain::overview::overview(&f, &clock(), &t);
                    itp_diary::domain::reminders::reminders(&f, &o, &clock(), &t)
                })
            );
            println!(
                "app first frame: {:.3} ms",
                time(10, || {
                    let mut a = app(&path);
                    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("term");
                    frame(&mut a, &mut term);
                })
            );
            println!("app new only: {:.3} ms", time(10, || app(&path)));
        }
        Some("make") => {
            let days: i64 = args.get(1).and_then(|d| d.parse().ok()).unwrap_or(30);
            let path = std::path::PathBuf::from(
                args.get(2).cloned().unwrap_or_else(|| "demo.sqlite".into()),
            );
            let mut store = Store::open(&path).expect("open");
            let s =
                itp_diary::app::demo::generate_days(&mut store, days, 1, &clock()).expect("demo");
            println!("{} entries → {}", s.entries, path.display());
        }
        _ => {
            eprintln!(
                "usage: itp-diary-bench trends | tui | export | make DAYS PATH | log-loop PATH TAG"
            );
            std::process::exit(2);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("itp-diary-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&d);
    d
}
