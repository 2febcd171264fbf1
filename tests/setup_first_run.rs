//! The first-run setup (issue 13): an empty diary opening on the screen asks for the profile,
//! the plan and the target; it writes through the shared services, `Esc` skips it for good,
//! and a diary with entries never shows it. Fixed clock (2026-03-10 14:30 +08:00).

use chrono::{DateTime, NaiveDate, NaiveTime};
use itp_diary::app::config::Settings;
use itp_diary::app::entry_input::{RawEntry, build};
use itp_diary::domain::clock::Clock;
use itp_diary::domain::drugs::Drug;
use itp_diary::domain::entry::EntryData;
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::{EntryFilter, Store};
use itp_diary::tui::theme::Theme;
use itp_diary::tui::{self, App, Modal};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const NOW: &str = "2026-03-10T14:30:00+08:00";

fn clock() -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339(NOW).unwrap())
}

fn app_on(store: Store, lang: Lang) -> App {
    let mut app = App::new(
        itp_diary::app::session::Session {
            store,
            clock: clock(),
            i18n: I18n::new(lang),
            settings: Settings::default(),
            paths: itp_diary::app::config::Paths::beside(
                &std::env::temp_dir().join("itp-diary-none/d.sqlite"),
            ),
        },
        Theme { color: false },
    );
    app.offer_setup();
    app
}

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn typing(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn page(app: &App) -> Option<usize> {
    match app.modal() {
        Some(Modal::Setup(s)) => Some(s.page),
        _ => None,
    }
}

#[test]
fn setup_filled_by_keys_writes_profile_regimen_and_weight() {
    let mut app = app_on(Store::open_in_memory().unwrap(), Lang::En);
    assert_eq!(page(&app), Some(0));
    // Page 1: birth year, sex (→ female), diagnosis date, weight.
    typing(&mut app, "1990");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Tab);
    typing(&mut app, "2025-06-01");
    press(&mut app, KeyCode::Tab);
    typing(&mut app, "62.5");
    press(&mut app, KeyCode::Enter);
    assert_eq!(page(&app), Some(1), "{:?}", app.modal());
    // Page 2: cyclosporine (default), brand, doses; times and start keep their defaults.
    press(&mut app, KeyCode::Tab);
    typing(&mut app, "Neoral");
    press(&mut app, KeyCode::Tab);
    typing(&mut app, "150,100");
    press(&mut app, KeyCode::Enter);
    assert_eq!(page(&app), Some(2), "{:?}", app.modal());
    // Page 3: the care team's target.
    typing(&mut app, "100-200");
    press(&mut app, KeyCode::Enter);
    assert_eq!(page(&app), None, "{:?}", app.modal());

    let p = app.store().profile().unwrap();
    assert_eq!(p.birth_year, Some(1990));
    assert_eq!(p.sex.as_deref(), Some("female"));
    assert_eq!(p.diagnosed_on, NaiveDate::from_ymd_opt(2025, 6, 1));
    let regimens = app.store().regimens().unwrap();
    assert_eq!(regimens.len(), 1);
    let r = &regimens[0];
    assert_eq!(r.drug, Drug::Cyclosporine);
    assert_eq!(r.start, NaiveDate::from_ymd_opt(2026, 3, 10).unwrap());
    assert_eq!((r.target_low, r.target_high), (Some(100.0), Some(200.0)));
    let step = &r.steps[0];
    assert_eq!(step.formulation.as_deref(), Some("Neoral"));
    let slots: Vec<(NaiveTime, f64)> = step.slots.iter().map(|s| (s.time, s.amount)).collect();
    assert_eq!(
        slots,
        [
            (NaiveTime::from_hms_opt(8, 0, 0).unwrap(), 150.0),
            (NaiveTime::from_hms_opt(20, 0, 0).unwrap(), 100.0)
        ]
    );
    let all = app.store().entries(&EntryFilter::default()).unwrap();
    assert_eq!(all.len(), 1);
    assert!(
        matches!(&all[0].data, EntryData::Weight(w) if w.kg == 62.5),
        "{all:?}"
    );
    assert_eq!(
        app.store().meta("setup_done").unwrap().as_deref(),
        Some("done")
    );
}

#[test]
fn setup_refuses_bad_input_on_its_page_without_flags() {
    let mut app = app_on(Store::open_in_memory().unwrap(), Lang::En);
    typing(&mut app, "1850");
    press(&mut app, KeyCode::Enter);
    let Some(Modal::Setup(s)) = app.modal() else {
        panic!("setup closed on a bad birth year");
    };
    assert_eq!(s.page, 0);
    let e = s.form.error.clone().unwrap_or_default();
    assert!(e.contains("birth year") && e.contains("1850"), "{e}");
    assert!(!e.contains("--"), "{e}");
    assert_eq!(app.store().profile().unwrap().birth_year, None);
    // A cyclosporine plan without a brand goes back to the plan page, nothing written.
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    typing(&mut app, "150,150");
    press(&mut app, KeyCode::Enter);
    let Some(Modal::Setup(s)) = app.modal() else {
        panic!("setup closed on a plan without a brand");
    };
    assert_eq!(s.page, 1);
    let e = s.form.error.clone().unwrap_or_default();
    assert!(e.contains("formulation") && !e.contains("--"), "{e}");
    assert!(app.store().regimens().unwrap().is_empty());
}

#[test]
fn setup_refused_weight_writes_nothing_on_its_page() {
    let mut app = app_on(Store::open_in_memory().unwrap(), Lang::En);
    typing(&mut app, "1990");
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    typing(&mut app, "sixty");
    press(&mut app, KeyCode::Enter);
    assert_eq!(page(&app), Some(0));
    assert_eq!(app.store().profile().unwrap().birth_year, None);
    assert_eq!(app.store().count_entries(true).unwrap(), 0);
}

#[test]
fn setup_esc_skips_and_is_not_shown_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let mut app = app_on(Store::open(&db).unwrap(), Lang::En);
    assert_eq!(page(&app), Some(0));
    press(&mut app, KeyCode::Esc);
    assert_eq!(page(&app), None);
    drop(app);
    let again = app_on(Store::open(&db).unwrap(), Lang::En);
    assert_eq!(page(&again), None, "setup shown again after Esc");
}

#[test]
fn setup_never_shown_on_a_diary_with_entries() {
    let mut store = Store::open_in_memory().unwrap();
    let raw = RawEntry::Weight {
        value: "60".into(),
        unit: Some("kg".into()),
    };
    let b = build(&raw, None, None, &clock(), || None).unwrap();
    store.add_entry(&b.entry, clock().now()).unwrap();
    let app = app_on(store, Lang::En);
    assert_eq!(page(&app), None);
}

#[test]
fn setup_first_page_snapshots() {
    for (lang, name) in [(Lang::En, "setup_page1_en"), (Lang::Zh, "setup_page1_zh")] {
        let mut app = app_on(Store::open_in_memory().unwrap(), lang);
        let t = tui::snapshot(&mut app, 80, 24).unwrap();
        insta::assert_snapshot!(name, t);
    }
}

/// A first plan above the label maximum (300 + 300 mg at 50 kg: 12 mg/(kg·d)) was saved with
/// one Enter, while a change of plan asks for a second look; the command line took it without
/// `--confirm`. Now the plan page says why and Enter again saves it as typed.
#[test]
fn a_first_plan_above_the_label_maximum_asks_for_a_second_look() {
    let mut app = app_on(Store::open_in_memory().unwrap(), Lang::En);
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    typing(&mut app, "50");
    press(&mut app, KeyCode::Enter);
    assert_eq!(page(&app), Some(1), "{:?}", app.modal());
    press(&mut app, KeyCode::Tab);
    typing(&mut app, "Neoral");
    press(&mut app, KeyCode::Tab);
    typing(&mut app, "300,300");
    press(&mut app, KeyCode::Enter);
    let Some(Modal::Setup(s)) = app.modal() else {
        panic!("{:?}", app.modal())
    };
    assert_eq!(s.page, 1, "stays on the plan page");
    let told = s.form.error.clone().unwrap_or_default();
    assert!(
        told.contains("12 mg/(kg·d)") && told.contains("Enter again"),
        "{told}"
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(page(&app), Some(2), "{:?}", app.modal());
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.store().regimens().unwrap().len(), 1);
}

/// `Esc` on the target page (the last, optional one) lost the plan typed and checked on page
/// 2, and marked the setup done: the diary opened on Today with no plan.
#[test]
fn esc_on_the_target_page_keeps_the_plan() {
    let mut app = app_on(Store::open_in_memory().unwrap(), Lang::En);
    press(&mut app, KeyCode::Enter);
    assert_eq!(page(&app), Some(1), "{:?}", app.modal());
    press(&mut app, KeyCode::Tab);
    typing(&mut app, "Neoral");
    press(&mut app, KeyCode::Tab);
    typing(&mut app, "150,150");
    press(&mut app, KeyCode::Enter);
    assert_eq!(page(&app), Some(2), "{:?}", app.modal());
    press(&mut app, KeyCode::Esc);
    assert_eq!(page(&app), None, "{:?}", app.modal());
    let regimens = app.store().regimens().unwrap();
    assert_eq!(regimens.len(), 1, "the plan is kept");
    assert_eq!(regimens[0].target_low, None);
}
