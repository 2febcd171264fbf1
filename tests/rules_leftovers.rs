//! Leftovers of issue 11 (clinical rules) in the terminal: a second dose for an answered slot
//! is refused by the one save path (CLI and TUI alike, `extra` to override), and the Chinese
//! screens use the glossary's mg/(kg·d). Fixed clock (2026-03-10 14:30 +08:00).

mod common;

use common::app::clock;

use itp_diary::app::entry_input::{RawEntry, build};
use itp_diary::present::i18n::Lang;
use itp_diary::store::Store;
use itp_diary::tui::app::MessageKind;
use itp_diary::tui::{self, App, Modal, Tab};

/// The shared screen setup, without colour.
fn app_on(store: Store, lang: Lang) -> App {
    common::app::app_on(store, lang, false)
}

fn demo_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    itp_diary::app::demo::generate(&mut store, 2, 1, &clock()).unwrap();
    store
}

/// Defect 24: no "mg/kg/d" on the Chinese Today and Trends screens; the glossary's form shows.
#[test]
fn chinese_today_and_trends_use_the_glossary_mg_per_kg_day() {
    let mut app = app_on(demo_store(), Lang::Zh);
    let mut all = String::new();
    for (w, h) in [(80, 24), (120, 40), (160, 50)] {
        app.update(tui::Action::GoTab(Tab::Today));
        app.refresh();
        all.push_str(&tui::snapshot(&mut app, w, h).unwrap());
        app.update(tui::Action::GoTab(Tab::Trends));
        app.refresh();
        all.push_str(&tui::snapshot(&mut app, w, h).unwrap());
    }
    assert!(!all.contains("mg/kg") && !all.contains("/kg "), "{all}");
    // The dose row itself (not only a reminder) names the unit the glossary's way.
    let rows: Vec<&str> = all.lines().filter(|l| l.contains("计划 150")).collect();
    assert!(!rows.is_empty(), "{all}");
    assert!(rows.iter().all(|l| l.contains("mg/(kg·d)")), "{rows:#?}");
}

/// Defect 24 in the report: the Markdown clinic report in Chinese has no "mg/kg/d".
#[test]
fn chinese_markdown_report_uses_the_glossary_mg_per_kg_day() {
    let d = common::Diary::new();
    d.ok(&["demo", "--years", "1"]);
    let md = d.dir.path().join("r.md");
    d.ok(&[
        "--lang",
        "zh",
        "export",
        "--format",
        "md",
        "-o",
        md.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(!text.contains("mg/kg"), "{text}");
    // The planned-dose line of the summary (it printed "mg/kg/d" before).
    assert!(text.contains("mg/(kg·d)（体重"), "{text}");
}

fn key(app: &mut App, c: char) {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
}

fn enter(app: &mut App) {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
}

fn dose_count(app: &App) -> usize {
    app.store()
        .entries(&itp_diary::store::EntryFilter {
            kind: Some(itp_diary::domain::entry::Kind::Dose),
            ..Default::default()
        })
        .unwrap()
        .len()
}

/// Today's slots as (time, state) — what the quick keys answer.
fn slots(app: &App) -> Vec<(String, String)> {
    app.overview()
        .as_ref()
        .unwrap()
        .slots
        .iter()
        .map(|s| (s.at.to_rfc3339(), format!("{:?}", s.state)))
        .collect()
}

/// Defect 10 in the dose form: a dose at 08:10 for the answered 08:00 slot is refused with
/// the command line's words (nothing saved); saving again unchanged records it as extra.
#[test]
fn the_dose_form_refuses_a_second_dose_for_an_answered_slot_until_confirmed() {
    let mut app = app_on(demo_store(), Lang::En);
    app.refresh();
    assert!(slots(&app).contains(&("2026-03-10T08:00:00+08:00".into(), "Taken".into())));
    let before = dose_count(&app);
    key(&mut app, 'd');
    let Some(Modal::Form(f)) = app.modal_mut() else {
        panic!("no dose form")
    };
    f.set("at", "2026-03-10 08:10");
    enter(&mut app);
    let Some(Modal::Form(f)) = app.modal() else {
        panic!("the form closed: the second dose was saved")
    };
    let err = f.error.clone().unwrap_or_default();
    assert!(
        err.contains("already logged for the 2026-03-10 08:00 dose time; nothing saved"),
        "{err}"
    );
    assert_eq!(dose_count(&app), before, "a refusal writes nothing");
    // The explicit confirmation: save again without changing anything.
    enter(&mut app);
    assert!(app.modal().is_none(), "saved as an extra dose");
    assert_eq!(dose_count(&app), before + 1);
}

/// Defect 10 on the quick key: the 20:00 slot was answered meanwhile (another terminal). `t`
/// reads the diary again before it picks a slot, so it never doubles the dose: it either
/// refuses with the save path's words or finds nothing due today; nothing is saved.
#[test]
fn the_take_key_refuses_a_slot_answered_meanwhile() {
    let mut app = app_on(demo_store(), Lang::Zh);
    app.refresh();
    let raw = RawEntry::Dose {
        drug: "csa".into(),
        amount: Some("125".into()),
        unit: Some("mg".into()),
        mg_per_ml: None,
        route: None,
        formulation: None,
        status: itp_diary::domain::entry::DoseStatus::Taken,
        scheduled: Some("2026-03-10T20:00:00+08:00".into()),
    };
    let b = build(&raw, None, None, &clock(), || None).unwrap();
    app.store_mut().add_entry(&b.entry, clock().now()).unwrap();
    let before = dose_count(&app);
    key(&mut app, 't');
    let (msg, kind) = app.message().cloned().expect("a message");
    let refused =
        kind == MessageKind::Error && msg.contains("2026-03-10 20:00 这次服药已有记录；未保存");
    let nothing_due = kind == MessageKind::Info && msg.contains("今天没有待服的药");
    assert!(refused || nothing_due, "{msg}");
    assert_eq!(dose_count(&app), before, "nothing saved");
}
