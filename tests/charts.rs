//! The trend charts read as information: markers for measurements, labelled bands, one glyph
//! per meaning (so NO_COLOR tells data from bands), `c` that always changes the screen, a
//! cursor that reads a measurement with its own date and time, own scales for small ranges.
//! Fixed clock (2026-03-10 14:30 +08:00), demo data, fixed sizes.

mod common;

use common::app::{app_on, clock, demo_store};
use itp_diary::app::entry_input::{RawEntry, build};
use itp_diary::domain::entry::{EntryData, Kind};
use itp_diary::present::i18n::Lang;
use itp_diary::store::{EntryFilter, Store};
use itp_diary::tui::{self, Action, App, Tab};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

fn demo(lang: Lang, color: bool) -> App {
    let mut app = app_on(demo_store(), lang, color);
    app.update(Action::GoTab(Tab::Trends));
    app
}

fn frame(app: &mut App, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| tui::render(f, app)).unwrap();
    t.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    tui::buffer_text(buf, buf.area)
}

/// The row whose y-axis label is `label` (right-aligned before the axis).
fn row_labelled(buf: &Buffer, label: &str) -> u16 {
    let t = text(buf);
    t.lines()
        .position(|l| l.trim_start().starts_with(&format!("{label}┤")))
        .unwrap_or_else(|| panic!("no axis label {label}:\n{t}")) as u16
}

/// The foreground of the plot cells of a row holding `glyph` (the first such cell).
fn fg_of(buf: &Buffer, row: u16, glyph: &str) -> Color {
    (0..buf.area.width)
        .map(|x| &buf[(x, row)])
        .find(|c| c.symbol() == glyph)
        .unwrap_or_else(|| panic!("no {glyph} on row {row}"))
        .fg
}

#[test]
fn colour_repeats_the_glyphs_and_no_color_loses_nothing() {
    for lang in [Lang::En, Lang::Zh] {
        for (w, h) in [(80, 24), (120, 40)] {
            let colour = frame(&mut demo(lang, true), w, h);
            let plain = frame(&mut demo(lang, false), w, h);
            assert_eq!(text(&colour), text(&plain), "{lang:?} {w}x{h}");
            let name = format!("trends_colour_{}_{w}x{h}", lang.code()).to_lowercase();
            insta::assert_snapshot!(name, text(&colour));
            // Colour carries the same meaning as the glyph: bands, targets, values, events.
            let r100 = row_labelled(&colour, "100");
            assert_eq!(fg_of(&colour, r100, "┄"), Color::Green, "CR line 100");
            let r20 = row_labelled(&colour, "20/30");
            assert_eq!(
                fg_of(&colour, r20, "┄"),
                Color::Red,
                "20: high bleeding risk"
            );
            let dot = (0..h)
                .find(|&y| (0..w).any(|x| colour[(x, y)].symbol() == "●"))
                .unwrap();
            assert_eq!(fg_of(&colour, dot, "●"), Color::LightCyan);
            let ev = (0..h)
                .find(|&y| (8..w).any(|x| colour[(x, y)].symbol() == "▼"))
                .unwrap();
            assert_eq!(fg_of(&colour, ev, "▼"), Color::Yellow);
            // NO_COLOR: the same cells, no colour at all.
            assert_eq!(fg_of(&plain, r100, "┄"), Color::Reset);
            assert_eq!(fg_of(&plain, dot, "●"), Color::Reset);
        }
    }
}

#[test]
fn creatinine_with_its_alert_lines_is_a_default_panel() {
    let buf = frame(&mut demo(Lang::En, true), 120, 40);
    let t = text(&buf);
    assert!(t.contains("Creatinine, % from baseline"), "{t}");
    assert_eq!(fg_of(&buf, row_labelled(&buf, "+25%"), "┄"), Color::Yellow);
    assert_eq!(fg_of(&buf, row_labelled(&buf, "+50%"), "┄"), Color::Red);
    // Platelet bands and the trough target are labelled on their y axes.
    for label in ["20/30", "50", "100", "200"] {
        row_labelled(&buf, label);
    }
}

#[test]
fn every_press_of_c_changes_the_screen_and_names_the_chart() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = demo(Lang::En, false);
        let names = [
            "platelets",
            "dose",
            "drug level",
            "creatinine",
            "blood pressure",
            "liver",
            "potassium",
            "magnesium",
        ];
        let mut seen = vec![tui::snapshot(&mut app, w, h).unwrap()];
        for k in 1..=names.len() {
            app.update(Action::NextChart);
            let t = tui::snapshot(&mut app, w, h).unwrap();
            let n = k % names.len();
            let want = format!("chart {}/8 — {}", n + 1, names[n]);
            assert!(t.contains(&want), "{w}x{h} press {k}: {want}\n{t}");
            assert_ne!(
                &t,
                seen.last().unwrap(),
                "{w}x{h}: press {k} changed nothing"
            );
            seen.push(t);
        }
        assert_eq!(
            seen[0],
            seen[names.len()],
            "c comes back to the first chart"
        );
    }
}

#[test]
fn the_cursor_jumps_between_measurements_and_reads_their_own_time() {
    let mut app = demo(Lang::En, false);
    let mut counts: Vec<_> = app
        .store()
        .entries(&EntryFilter {
            kind: Some(Kind::Platelets),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .filter(|e| e.at > clock().now() - chrono::Duration::days(91))
        .collect();
    counts.sort_by_key(|e| e.at);
    assert!(counts.len() >= 2);
    for (k, e) in counts.iter().rev().enumerate().take(3) {
        app.update(Action::Cursor(-1));
        let t = tui::snapshot(&mut app, 80, 24).unwrap();
        let EntryData::Platelets(p) = &e.data else {
            unreachable!()
        };
        let want = format!(
            "Cursor {}: platelets {} ×10⁹/L",
            e.at.format("%Y-%m-%d %H:%M"),
            itp_diary::domain::units::fmt_num(p.count, 2)
        );
        assert!(t.contains(&want), "jump {k}: {want}\n{t}");
    }
    // Forward again, and past the end it stays on the latest.
    for _ in 0..10 {
        app.update(Action::Cursor(1));
    }
    let t = tui::snapshot(&mut app, 80, 24).unwrap();
    let last = counts.last().unwrap();
    assert!(
        t.contains(&format!("Cursor {}", last.at.format("%Y-%m-%d %H:%M"))),
        "{t}"
    );
}

fn add(store: &mut Store, raw: RawEntry, at: &str) {
    let b = build(&raw, Some(at), None, &clock(), || None).unwrap();
    store.add_entry(&b.entry, clock().now()).unwrap();
}

#[test]
fn one_count_is_one_marker_not_a_line() {
    let mut store = Store::open_in_memory().unwrap();
    add(
        &mut store,
        RawEntry::Platelets {
            value: "45".into(),
            unit: None,
            lab: None,
        },
        "2026-02-12 09:00",
    );
    let mut app = app_on(store, Lang::En, false);
    app.update(Action::GoTab(Tab::Trends));
    let t = tui::snapshot(&mut app, 80, 24).unwrap();
    let plot: Vec<&str> = t.lines().skip(2).take(15).collect();
    let dots: usize = plot.iter().map(|l| l.matches('●').count()).sum();
    assert_eq!(dots, 1, "{t}");
    assert!(
        !plot
            .iter()
            .any(|l| l.chars().any(|c| ('\u{2801}'..='\u{28FF}').contains(&c))),
        "no line from a single count:\n{t}"
    );
}

#[test]
fn magnesium_is_drawn_on_its_own_scale() {
    let mut store = Store::open_in_memory().unwrap();
    for (v, at) in [
        ("0.74", "2026-01-10 09:00"),
        ("0.82", "2026-02-10 09:00"),
        ("0.91", "2026-03-02 09:00"),
    ] {
        add(
            &mut store,
            RawEntry::Lab {
                analyte: "magnesium".into(),
                value: v.into(),
                unit: Some("mmol/L".into()),
                lab: None,
                method: None,
                reference: None,
                last_dose: None,
            },
            at,
        );
    }
    // A count too, so that the trends are not empty.
    add(
        &mut store,
        RawEntry::Platelets {
            value: "80".into(),
            unit: None,
            lab: None,
        },
        "2026-03-01 09:00",
    );
    let mut app = app_on(store, Lang::En, false);
    app.update(Action::GoTab(Tab::Trends));
    for _ in 0..7 {
        app.update(Action::NextChart);
    }
    let t = tui::snapshot(&mut app, 80, 24).unwrap();
    assert!(t.contains("chart 8/8 — magnesium"), "{t}");
    let labels: Vec<f64> = t
        .lines()
        .filter_map(|l| l.split_once('┤'))
        .filter_map(|(a, _)| a.trim().parse::<f64>().ok())
        .collect();
    assert!(labels.len() >= 3, "three labelled ticks: {labels:?}\n{t}");
    assert!(
        labels.iter().all(|v| (0.5..=1.1).contains(v)),
        "own range, not from 0: {labels:?}\n{t}"
    );
    assert!(
        labels.contains(&0.7),
        "the 0.70 limit is labelled: {labels:?}"
    );
    assert_eq!(
        t.matches('●').count(),
        4,
        "three values and the legend:\n{t}"
    );
}

#[test]
fn todays_sparkline_shows_a_fall_from_126_to_45_as_a_drop() {
    for lang in [Lang::En, Lang::Zh] {
        for (w, h) in [(80u16, 24u16), (120, 40)] {
            let mut shots = Vec::new();
            for color in [true, false] {
                let mut store = Store::open_in_memory().unwrap();
                itp_diary::app::demo::generate(&mut store, 2, 1, &clock()).unwrap();
                add(
                    &mut store,
                    RawEntry::Platelets {
                        value: "45".into(),
                        unit: None,
                        lab: None,
                    },
                    "2026-03-10 09:00",
                );
                let mut app = app_on(store, lang, color);
                app.update(Action::GoTab(Tab::Today));
                shots.push(frame(&mut app, w, h));
            }
            let (colour, plain) = (&shots[0], &shots[1]);
            assert_eq!(text(colour), text(plain), "NO_COLOR shows the same");
            let name = format!("today_spark_{}_{w}x{h}", lang.code()).to_lowercase();
            insta::assert_snapshot!(name, text(colour));
            // The markers of the sparkline box (the right-hand 24 columns, rows 2..11).
            let left = w - 24;
            let dots: Vec<(u16, u16)> = (2..11)
                .flat_map(|y| (left..w).map(move |x| (x, y)))
                .filter(|&(x, y)| colour[(x, y)].symbol() == "●")
                .collect();
            let newest = *dots.iter().max_by_key(|d| d.0).unwrap();
            let highest = *dots.iter().min_by_key(|d| d.1).unwrap();
            assert!(
                newest.1 >= highest.1 + 4,
                "126 → 45 falls at least four rows: {dots:?}\n{}",
                text(colour)
            );
            assert_eq!(colour[newest].fg, Color::LightCyan);
            assert_eq!(plain[newest].fg, Color::Reset);
            let t = text(colour);
            let label = if lang == Lang::En {
                "● 45 latest, 03-10"
            } else {
                "● 45 最近，03-10"
            };
            assert!(t.contains(label), "{t}");
            // The 50 and 100 bands are labelled on its axis.
            let box_text: String = t
                .lines()
                .skip(2)
                .take(9)
                .map(|l| {
                    l.chars()
                        .rev()
                        .take(23)
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect::<String>()
                        + "\n"
                })
                .collect();
            assert!(
                box_text.contains(" 50┤") && box_text.contains("100┤"),
                "{box_text}"
            );
        }
    }
}
