//! The daily flow in the terminal: a drug level's form knows the last dose, History judges
//! levels only when they are true troughs, times in forms read YYYY-MM-DD HH:MM, a delete
//! names its entry, "today" instead of "0 d ago". Fixed clock (2026-03-10 14:30 +08:00).

mod common;

use common::app::{app_on, clock, demo_store};
use itp_diary::app::entry_input::{RawEntry, build};
use itp_diary::domain::entry::{EntryData, Kind, NewEntry};
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::{EntryFilter, Store};
use itp_diary::tui::dialogs::form::Form;
use itp_diary::tui::{self, Action, App, Modal, Tab};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

fn add(store: &mut Store, raw: RawEntry, at: &str) -> i64 {
    let b = build(&raw, Some(at), None, &clock(), || None).unwrap();
    store.add_entry(&b.entry, clock().now()).unwrap().id
}

fn level(value: &str, last_dose: Option<&str>) -> RawEntry {
    RawEntry::Lab {
        analyte: "csa_trough".into(),
        value: value.into(),
        unit: Some("ng/mL".into()),
        lab: None,
        method: None,
        reference: None,
        last_dose: last_dose.map(str::to_string),
    }
}

fn frame(app: &mut App, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| tui::render(f, app)).unwrap();
    t.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    tui::buffer_text(buf, buf.area)
}

fn form(app: &mut App) -> &mut Form {
    match app.modal_mut() {
        Some(Modal::Form(f)) => f,
        other => panic!("no form: {other:?}"),
    }
}

#[test]
fn a_level_form_takes_the_last_dose_from_the_dose_log_and_says_so() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = app_on(demo_store(), lang, false);
        app.update(Action::New(Kind::Lab));
        form(&mut app).set("analyte", "csa_trough");
        let last = form(&mut app).get("last_dose");
        assert_eq!(last, "2026-03-10 07:59", "the demo's morning dose");
        let t = tui::snapshot(&mut app, 80, 24).unwrap();
        let name = format!("form_level_{}_80x24", lang.code()).to_lowercase();
        insta::assert_snapshot!(name, t);
        let (want, format) = match lang {
            Lang::En => (
                "6.5 h after the 07:59 dose of 03-10 (from the dose log)",
                "e.g. 2026-03-09 20:00",
            ),
            _ => (
                "03-10 07:59 那次服药后 6.5 小时（取自服药记录）",
                "如 2026-03-09 20:00",
            ),
        };
        assert!(t.contains(want) && t.contains(format), "{t}");
        // Another test drops it again (it would be refused for creatinine).
        form(&mut app).set("analyte", "creatinine");
        assert_eq!(form(&mut app).get("last_dose"), "");
    }
}

#[test]
fn saving_a_prefilled_level_stores_the_dose_time() {
    let mut app = app_on(demo_store(), Lang::En, false);
    app.update(Action::New(Kind::Lab));
    form(&mut app).set("analyte", "csa_trough");
    form(&mut app).set("value", "150");
    app.update(Action::FormSave);
    assert!(app.modal().is_none(), "saved: {:?}", app.message());
    let e = app
        .store()
        .latest(Kind::Lab, Some("csa_trough"))
        .unwrap()
        .unwrap();
    let EntryData::Lab(l) = e.data else {
        unreachable!()
    };
    assert_eq!(l.value, 150.0);
    assert_eq!(
        l.last_dose_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
        Some("2026-03-10 07:59".to_string())
    );
}

#[test]
fn a_level_of_unknown_timing_is_never_in_target() {
    let mut store = demo_store();
    add(&mut store, level("150", None), "2026-03-10 09:00");
    let mut app = app_on(store, Lang::En, false);
    let t = tui::snapshot(&mut app, 80, 24).unwrap();
    // Without a dose time the hours come from the last dose logged before the draw (08:00
    // in the demo): 1 h after it is not a trough, so it is not judged either.
    assert!(t.contains("150 ng/mL  [not a trough]"), "{t}");
    assert!(!t.contains("[in target]"), "{t}");
    // And a form with nothing in "last dose" says what that means: timed from the dose log
    // as every view times it (session 7; it said "will not be judged").
    app.update(Action::New(Kind::Lab));
    form(&mut app).set("analyte", "csa_trough");
    form(&mut app).set("last_dose", "");
    let t = tui::snapshot(&mut app, 80, 24).unwrap();
    assert!(t.contains("timed from the last dose logged"), "{t}");
}

#[test]
fn history_marks_out_of_range_values_and_the_timing_of_levels() {
    let mut store = Store::open_in_memory().unwrap();
    add(
        &mut store,
        level("99", Some("2026-03-09 20:00")),
        "2026-03-10 08:00",
    );
    add(
        &mut store,
        level("420", Some("2026-03-08 08:00")),
        "2026-03-08 10:00",
    );
    add(&mut store, level("150", None), "2026-03-07 08:00");
    add(
        &mut store,
        RawEntry::Platelets {
            value: "18".into(),
            unit: None,
            lab: None,
        },
        "2026-03-06 08:00",
    );
    for color in [true, false] {
        let mut app = app_on(store_copy(&store), Lang::En, color);
        app.update(Action::GoTab(Tab::History));
        let buf = frame(&mut app, 120, 40);
        let t = text(&buf);
        for want in [
            "99 ng/mL ↓ trough 12 h after dose",
            "420 ng/mL not a trough 2 h after dose",
            "150 ng/mL timing unknown",
            "18 ×10⁹/L ↓",
        ] {
            assert!(t.contains(want), "{want}:\n{t}");
        }
        let fg = |needle: &str| {
            let y = t.lines().position(|l| l.contains(needle)).unwrap() as u16;
            let line = t.lines().nth(y as usize).unwrap();
            let x = line[..line.find(needle).unwrap()].chars().count() as u16;
            buf[(x, y)].fg
        };
        if color {
            assert_eq!(fg("99 ng/mL"), Color::LightBlue, "below the target");
            assert_eq!(fg("18 ×10⁹/L"), Color::Red, "high bleeding risk");
            assert_eq!(fg("420 ng/mL"), Color::DarkGray, "not judged");
        } else {
            assert_eq!(fg("99 ng/mL"), Color::Reset);
        }
    }
}

/// The same diary content in a new in-memory store (an App owns its store).
fn store_copy(s: &Store) -> Store {
    let mut out = Store::open_in_memory().unwrap();
    let mut all = s.entries(&EntryFilter::default()).unwrap();
    all.reverse();
    for e in all {
        out.add_entry(
            &NewEntry {
                at: e.at,
                note: e.note,
                data: e.data,
            },
            clock().now(),
        )
        .unwrap();
    }
    out
}

#[test]
fn an_edit_form_shows_minutes_not_rfc3339_and_keeps_the_instant() {
    let mut store = Store::open_in_memory().unwrap();
    let id = add(
        &mut store,
        level("140", Some("2026-03-09T20:00:00+02:00")),
        "2026-03-10T09:30:15+02:00",
    );
    let e = store.entry(id).unwrap();
    let f = Form::edit(&e, &I18n::new(Lang::En));
    let shown = |code: &str| {
        f.fields
            .iter()
            .find(|x| x.code == code)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(shown("at"), "2026-03-10 09:30");
    assert_eq!(shown("last_dose"), "2026-03-09 20:00");
    // Saved unchanged, the exact instant (seconds and UTC offset) is what is read.
    assert_eq!(f.get("at"), "2026-03-10T09:30:15+02:00");
    let mut app = app_on(store, Lang::En, false);
    app.update(Action::GoTab(Tab::History));
    app.update(Action::Edit);
    let t = tui::snapshot(&mut app, 80, 24).unwrap();
    assert!(
        t.contains("2026-03-10 09:30") && !t.contains("T09:30"),
        "{t}"
    );
}

#[test]
fn delete_names_the_entry_and_today_is_today() {
    let mut store = Store::open_in_memory().unwrap();
    let id = add(
        &mut store,
        RawEntry::Platelets {
            value: "45".into(),
            unit: None,
            lab: None,
        },
        "2026-03-10 09:00",
    );
    let mut app = app_on(store, Lang::En, false);
    let t = tui::snapshot(&mut app, 80, 24).unwrap();
    assert!(
        t.contains("[30–49 below target]  today") && !t.contains("0 d ago"),
        "{t}"
    );
    app.update(Action::GoTab(Tab::History));
    app.update(Action::Delete);
    let t = tui::snapshot(&mut app, 80, 24).unwrap();
    let want = format!("Delete entry #{id}, platelets 45 ×10⁹/L @ 2026-03-10 09:00?");
    assert!(t.contains(&want), "{want}\n{t}");
}

#[test]
fn editing_a_dose_keeps_its_slot_and_route() {
    let mut store = Store::open_in_memory().unwrap();
    let id = add(
        &mut store,
        RawEntry::Dose {
            drug: "cyclosporine".into(),
            amount: Some("150".into()),
            unit: Some("mg".into()),
            mg_per_ml: None,
            route: Some("iv".into()),
            formulation: Some("Sandimmun".into()),
            status: itp_diary::domain::entry::DoseStatus::Taken,
            scheduled: Some("2026-03-10T08:00:00+08:00".into()),
        },
        "2026-03-10 08:20",
    );
    let mut app = app_on(store, Lang::En, false);
    app.update(Action::GoTab(Tab::History));
    app.update(Action::Edit);
    form(&mut app).set("value", "125");
    app.update(Action::FormSave);
    assert!(app.modal().is_none(), "{:?}", app.message());
    let e = app.store().entry(id).unwrap();
    let EntryData::Dose(d) = e.data else {
        unreachable!()
    };
    assert_eq!(d.amount.unwrap().value, 125.0);
    assert_eq!(
        d.scheduled_for.map(|t| t.to_rfc3339()),
        Some("2026-03-10T08:00:00+08:00".into()),
        "the slot it answers"
    );
    assert_eq!(d.route.code(), "iv");
}
