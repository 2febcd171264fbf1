//! Issue 13, the daily flow: the plan changed on the screen (`R` on Today) through the same
//! service as `itp-diary regimen change`, and `t` naming the slot it will answer before the
//! press. Key-driven, checked in the database; snapshots at fixed sizes, clock and data.

mod common;

use common::app::{ctrl, key, typ};

use chrono::{DateTime, NaiveDate};
use itp_diary::app::config::{Paths, Settings};
use itp_diary::app::course::{self, RegimenInput};
use itp_diary::app::session::Session;
use itp_diary::domain::clock::Clock;
use itp_diary::domain::entry::{EntryData, Kind};
use itp_diary::domain::regimen::{Regimen, StepKind};
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::Store;
use itp_diary::tui::dialogs::slots::Next;
use itp_diary::tui::theme::Theme;
use itp_diary::tui::{self, App, Modal};
use ratatui::crossterm::event::KeyCode;

fn clock_at(at: &str) -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339(at).unwrap())
}

fn unused() -> Paths {
    Paths::beside(&std::env::temp_dir().join("itp-diary-no-such-folder/diary.sqlite"))
}

fn app_on(store: Store, clock: Clock, lang: Lang) -> App {
    App::new(
        Session {
            store,
            clock,
            i18n: I18n::new(lang),
            settings: Settings::default(),
            paths: unused(),
        },
        Theme { color: false },
    )
}

/// The demo diary at 14:30 (morning dose logged, the 20:00 one open; CsA 75 mg twice daily).
fn demo_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    itp_diary::app::demo::generate(&mut store, 2, 1, &clock_at(common::NOW)).unwrap();
    store
}

fn demo_app(lang: Lang) -> App {
    app_on(demo_store(), clock_at(common::NOW), lang)
}

fn regimens(app: &App) -> Vec<Regimen> {
    app.store().regimens().unwrap()
}

fn dialog_error(app: &App) -> Option<String> {
    match &app.modal() {
        Some(Modal::PlanChange(p)) => p.form.error.clone(),
        _ => None,
    }
}

// ---- the plan changed on the screen ----

#[test]
fn r_then_a_new_evening_amount_and_enter_records_a_step_and_keeps_the_old_ones() {
    let mut app = demo_app(Lang::En);
    let before = regimens(&app);
    let old_steps = before[0].steps.clone();
    // R, Ctrl-W (the evening amount), 5, 0, Enter: five keys.
    typ(&mut app, "R");
    assert!(matches!(app.modal(), Some(Modal::PlanChange(_))));
    ctrl(&mut app, 'w');
    typ(&mut app, "50");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none(), "{:?}", dialog_error(&app));
    let after = regimens(&app);
    let steps = &after[0].steps;
    assert_eq!(steps.len(), old_steps.len() + 1);
    assert_eq!(
        &steps[..old_steps.len()],
        old_steps.as_slice(),
        "the past is kept"
    );
    let new = steps.last().unwrap();
    let amounts: Vec<f64> = new.slots.iter().map(|s| s.amount).collect();
    assert_eq!(amounts, [75.0, 50.0]);
    assert_eq!(new.kind, StepKind::Taper);
    assert_eq!(
        new.effective_from,
        NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
    );
    assert_eq!(new.formulation.as_deref(), Some("Neoral"));
    let (text, _) = app.message().cloned().unwrap();
    assert!(
        text.contains("2026-03-10") && text.contains("75 + 50 mg"),
        "{text}"
    );
}

/// The counts in the README: a new brand (5 keys + the name), a change from another day
/// (10 keys + the date).
#[test]
fn a_new_brand_and_a_change_from_another_day() {
    let mut app = demo_app(Lang::En);
    typ(&mut app, "R");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    ctrl(&mut app, 'w');
    typ(&mut app, "Sandimmun");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none(), "{:?}", dialog_error(&app));
    let new = regimens(&app)[0].steps.last().unwrap().clone();
    assert_eq!(new.kind, StepKind::Formulation);
    assert_eq!(new.formulation.as_deref(), Some("Sandimmun"));

    typ(&mut app, "R");
    ctrl(&mut app, 'w');
    typ(&mut app, "50");
    for _ in 0..4 {
        key(&mut app, KeyCode::Tab);
    }
    ctrl(&mut app, 'w');
    typ(&mut app, "2026-03-14");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none(), "{:?}", dialog_error(&app));
    let steps = regimens(&app)[0].steps.clone();
    let new = steps.last().unwrap();
    assert_eq!(
        new.effective_from,
        NaiveDate::from_ymd_opt(2026, 3, 14).unwrap()
    );
    assert_eq!(new.kind, StepKind::Taper);
    assert_eq!(new.formulation.as_deref(), Some("Sandimmun"));
}

#[test]
fn esc_writes_nothing_and_asks_before_dropping_typed_text() {
    let mut app = demo_app(Lang::En);
    let before = regimens(&app);
    // Nothing typed: Esc just closes.
    typ(&mut app, "R");
    key(&mut app, KeyCode::Esc);
    assert!(app.modal().is_none() && app.confirm().is_none());
    // Typed: Esc asks, n keeps the dialog, Esc y leaves.
    typ(&mut app, "R");
    ctrl(&mut app, 'w');
    typ(&mut app, "50");
    key(&mut app, KeyCode::Esc);
    assert!(app.confirm().is_some());
    typ(&mut app, "n");
    assert!(matches!(app.modal(), Some(Modal::PlanChange(_))));
    key(&mut app, KeyCode::Esc);
    typ(&mut app, "y");
    assert!(app.modal().is_none());
    assert_eq!(regimens(&app), before);
}

#[test]
fn refused_input_keeps_the_dialog_and_writes_nothing() {
    let mut app = demo_app(Lang::En);
    let before = regimens(&app);
    typ(&mut app, "R");
    ctrl(&mut app, 'w');
    typ(&mut app, "abc");
    key(&mut app, KeyCode::Enter);
    let e = dialog_error(&app).expect("an error in the dialog");
    assert!(e.contains("abc"), "{e}");
    assert_eq!(regimens(&app), before);
    // A taper that raises the dose is refused, naming the kind and the amounts.
    ctrl(&mut app, 'w');
    typ(&mut app, "100");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Right); // taper
    key(&mut app, KeyCode::Enter);
    let e = dialog_error(&app).expect("a kind that does not fit");
    assert!(
        e.contains("taper") && e.contains("150") && e.contains("175"),
        "{e}"
    );
    assert_eq!(regimens(&app), before);
    // Nothing changed at all: refused.
    let mut app = demo_app(Lang::En);
    let before = regimens(&app);
    typ(&mut app, "R");
    key(&mut app, KeyCode::Enter);
    let e = dialog_error(&app).expect("nothing changes");
    assert!(e.starts_with("Nothing changes"), "{e}");
    assert!(
        !e.contains("--"),
        "no command-line flags on the screen: {e}"
    );
    assert_eq!(regimens(&app), before);
}

/// A plan changed elsewhere after the dialog opened is refused: nothing written.
#[test]
fn a_plan_changed_elsewhere_meanwhile_is_refused() {
    let mut app = demo_app(Lang::En);
    typ(&mut app, "R");
    ctrl(&mut app, 'w');
    typ(&mut app, "50");
    let input = course::ChangeInput {
        dose: Some("60,60".into()),
        ..Default::default()
    };
    course::change_regimen(app.store_mut(), &clock_at(common::NOW), &input).unwrap();
    let before = regimens(&app);
    key(&mut app, KeyCode::Enter);
    let e = dialog_error(&app).expect("refused");
    assert!(e.contains("changed elsewhere"), "{e}");
    assert_eq!(regimens(&app), before);
}

/// The same change through the command line and through the screen: the same steps, and the
/// same refusal for the same bad amount.
#[test]
fn cli_and_screen_record_the_same_step_and_refuse_alike() {
    let d = common::Diary::new();
    std::fs::create_dir_all(d.db.parent().unwrap()).unwrap();
    {
        let mut store = Store::open(&d.db).unwrap();
        itp_diary::app::demo::generate(&mut store, 2, 1, &clock_at(common::NOW)).unwrap();
    }
    d.ok(&["regimen", "change", "--dose", "75,50", "--note", "clinic"]);
    let cli = Store::open(&d.db).unwrap().regimens().unwrap();

    let mut app = demo_app(Lang::En);
    typ(&mut app, "R");
    ctrl(&mut app, 'w');
    typ(&mut app, "50");
    for _ in 0..5 {
        key(&mut app, KeyCode::Tab);
    }
    typ(&mut app, "clinic");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none(), "{:?}", dialog_error(&app));
    let tui = regimens(&app);
    let json = |r: &[Regimen]| serde_json::to_value(&r[0].steps).unwrap();
    assert_eq!(json(&cli), json(&tui));

    let out = d
        .cmd()
        .args(["regimen", "change", "--dose", "75,abc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let cli_err = String::from_utf8_lossy(&out.stderr).to_string();
    typ(&mut app, "R");
    ctrl(&mut app, 'w');
    typ(&mut app, "abc");
    key(&mut app, KeyCode::Enter);
    let tui_err = dialog_error(&app).unwrap();
    assert!(cli_err.contains(&tui_err), "CLI: {cli_err}\nTUI: {tui_err}");

    // The command line now refuses a "taper" that raises the daily amount, as the screen does
    // (it used to record it).
    let before = d.ok(&["regimen", "show", "--json"]);
    let out = d
        .cmd()
        .args(["regimen", "change", "--dose", "100,100", "--taper"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("taper") && e.contains("125") && e.contains("200"),
        "{e}"
    );
    assert_eq!(d.ok(&["regimen", "show", "--json"]), before);
}

#[test]
fn plan_change_snapshots() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = demo_app(lang);
        typ(&mut app, "R");
        ctrl(&mut app, 'w');
        typ(&mut app, "50");
        let text = tui::snapshot(&mut app, 80, 24).unwrap();
        insta::assert_snapshot!(format!("plan_change_{}_80x24", lang_code(lang)), text);
    }
}

fn lang_code(l: Lang) -> &'static str {
    match l {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}

// ---- `t` names its slot before the press ----

/// A diary whose plan (150 mg at 08:00 and 20:00) started days ago, no dose logged, at `now`.
fn plan_app(now: &str, lang: Lang) -> App {
    let mut store = Store::open_in_memory().unwrap();
    let c = clock_at(now);
    let plan = RegimenInput {
        drug: "cyclosporine".into(),
        dose: "150,150".into(),
        times: Some("08:00,20:00".into()),
        start: Some("2026-03-01".into()),
        formulation: Some("Neoral".into()),
        trough_target: None,
        induction_weeks: None,
        every_days: 1,
        route: None,
        note: None,
        confirmed: true,
        range_max: None,
    };
    // Recorded at the start, so every slot since counts.
    course::start_regimen(&mut store, &clock_at("2026-03-01T07:00:00+08:00"), &plan).unwrap();
    app_on(store, c, lang)
}

#[test]
fn the_hinted_slot_is_the_one_t_answers() {
    // At 14:30 the evening slot is 5.5 h away (window 3 h): nothing is due yet, and t says so
    // instead of logging the 20:00 dose early (changed on purpose: it used to answer it).
    let mut app = demo_app(Lang::En);
    let before = app.store().latest(Kind::Dose, None).unwrap().map(|e| e.id);
    assert!(
        matches!(app.next_dose(), Some(Next::NotYet(_))),
        "{:?}",
        app.next_dose()
    );
    let line = tui::snapshot(&mut app, 80, 24).unwrap();
    assert!(line.contains("t nothing due now (next 20:00)"), "{line}");
    typ(&mut app, "t");
    let after = app.store().latest(Kind::Dose, None).unwrap().map(|e| e.id);
    assert_eq!(before, after, "nothing written");
    // Within the window before the slot, t answers it.
    let mut app = app_on(
        demo_store(),
        clock_at("2026-03-10T17:30:00+08:00"),
        Lang::En,
    );
    let Some(Next::Answer(p)) = app.next_dose().cloned() else {
        panic!("{:?}", app.next_dose())
    };
    let line = tui::snapshot(&mut app, 80, 24).unwrap();
    assert!(line.contains("t take 20:00 dose (CsA 75 mg)"), "{line}");
    typ(&mut app, "t");
    let d = app.store().latest(Kind::Dose, None).unwrap().unwrap();
    let EntryData::Dose(dose) = d.data else {
        panic!()
    };
    assert_eq!(dose.scheduled_for, Some(p.at));
    assert_eq!(dose.amount.unwrap().value, p.amount);
    // Answered: the line now says nothing is due.
    assert_eq!(app.next_dose(), Some(&Next::NothingDue));
    assert!(
        tui::snapshot(&mut app, 80, 24)
            .unwrap()
            .contains("t nothing due now")
    );
    // u takes it back: the hint names 20:00 again.
    typ(&mut app, "u");
    assert_eq!(app.next_dose(), Some(&Next::Answer(p)));
}

#[test]
fn with_a_missed_slot_the_hint_says_t_will_ask_and_it_does() {
    let mut app = plan_app("2026-03-10T20:10:00+08:00", Lang::En);
    let Some(Next::Ask(open)) = app.next_dose().cloned() else {
        panic!("{:?}", app.next_dose())
    };
    let [(missed, _), (due, _)] = open[..] else {
        panic!("{open:?}")
    };
    assert_eq!(missed.to_rfc3339(), "2026-03-10T08:00:00+08:00");
    assert_eq!(due.to_rfc3339(), "2026-03-10T20:00:00+08:00");
    typ(&mut app, "t");
    let Some(Modal::Slot(c)) = &app.modal() else {
        panic!("t asks which")
    };
    assert_eq!(c.slots, [missed, due]);
    // A slot missed with nothing else due: t answers it, late, and says so first.
    let mut app = plan_app("2026-03-10T14:30:00+08:00", Lang::En);
    let line = tui::snapshot(&mut app, 80, 24).unwrap();
    assert!(
        line.contains("t take 08:00 dose, late (CsA 150 mg)"),
        "{line}"
    );
    let Some(Next::Answer(p)) = app.next_dose().cloned() else {
        panic!()
    };
    typ(&mut app, "t");
    let d = app.store().latest(Kind::Dose, None).unwrap().unwrap();
    let EntryData::Dose(dose) = d.data else {
        panic!()
    };
    assert_eq!(dose.scheduled_for, Some(p.at));
}

#[test]
fn take_hint_snapshots() {
    for lang in [Lang::En, Lang::Zh] {
        for (w, h) in [(80, 24), (120, 40)] {
            let l = lang_code(lang);
            let mut app = demo_app(lang);
            let text = tui::snapshot(&mut app, w, h).unwrap();
            insta::assert_snapshot!(format!("take_hint_next_{l}_{w}x{h}"), text);
            let mut app = plan_app("2026-03-10T20:10:00+08:00", lang);
            let text = tui::snapshot(&mut app, w, h).unwrap();
            insta::assert_snapshot!(format!("take_hint_asks_{l}_{w}x{h}"), text);
        }
    }
}
