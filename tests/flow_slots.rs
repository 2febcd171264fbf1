//! Doses that know their slot, in the terminal: Enter on "No dose logged for 08:00" opens a
//! dose form that answers that slot; `t` names and answers the slot `take` picks and `u` takes
//! it back; a missed slot and a due one make `t` ask which; Reminders lists the next date of
//! every monitoring item. Key-driven, checked in the diary. Fixed clocks.

mod common;

use chrono::{DateTime, NaiveDate};
use common::app::{ch, key};
use itp_diary::domain::clock::Clock;
use itp_diary::domain::entry::{DoseStatus, Entry, EntryData, Kind};
use itp_diary::domain::rules::RuleId;
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::{EntryFilter, Store};
use itp_diary::tui::{self, App, Modal};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

const AFTERNOON: &str = "2026-03-10T14:30:00+08:00";
const EVENING: &str = "2026-03-10T19:30:00+08:00";

fn at(s: &str) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

/// Cyclosporine (Neoral) 150 mg at 08:00 and 125 mg at 20:00 since March 1st.
fn planned() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    store
        .add_regimen(
            &common::plan::csa(start, &[(8, 150.0), (20, 125.0)], 1),
            at("2026-03-01T07:00:00+08:00"),
        )
        .unwrap();
    store
}

fn app_at(store: Store, now: &str, lang: Lang) -> App {
    common::app::app_with(store, Clock::Fixed(at(now)), lang, false)
}

/// Every entry the diary shows (deleted ones left out).
fn rows(app: &App) -> Vec<Entry> {
    app.store().entries(&EntryFilter::default()).unwrap()
}

fn doses(
    app: &App,
) -> Vec<(
    DateTime<chrono::FixedOffset>,
    f64,
    DoseStatus,
    Option<String>,
)> {
    rows(app)
        .into_iter()
        .filter_map(|e| match e.data {
            EntryData::Dose(d) => Some((
                d.scheduled_for.expect("every dose here names its slot"),
                d.amount.map(|a| a.value).unwrap_or_default(),
                d.status,
                d.formulation,
            )),
            _ => None,
        })
        .collect()
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| tui::render(f, app)).unwrap();
    let buf = t.backend().buffer().clone();
    tui::buffer_text(&buf, buf.area)
}

fn message(app: &App) -> String {
    app.message()
        .as_ref()
        .map(|m| m.0.clone())
        .unwrap_or_default()
}

#[test]
fn enter_on_a_missed_dose_reminder_opens_a_form_that_answers_that_slot() {
    let mut app = app_at(planned(), AFTERNOON, Lang::En);
    ch(&mut app, '3');
    let n = app
        .reminders()
        .iter()
        .position(|r| {
            r.rule == RuleId::DoseNotLogged && r.due == Some(at("2026-03-10T08:00:00+08:00"))
        })
        .expect("the 08:00 dose is reminded");
    for _ in 0..n {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    let Some(Modal::Form(f)) = app.modal() else {
        panic!("Enter opens a form: {:?}", app.modal())
    };
    assert_eq!(f.kind, Kind::Dose);
    // The 08:00 window has closed: the time is now, to be changed to when it was taken
    // (session 7; it was the slot's time, which logged a late dose as on time).
    assert_eq!(f.get("at"), AFTERNOON);
    assert_eq!(f.get("value"), "150");
    assert_eq!(f.get("drug"), "cyclosporine");
    assert_eq!(f.get("formulation"), "Neoral");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none(), "saved: {}", message(&app));
    assert_eq!(
        doses(&app),
        vec![(
            at("2026-03-10T08:00:00+08:00"),
            150.0,
            DoseStatus::Taken,
            Some("Neoral".into())
        )],
        "it answers the 08:00 slot"
    );
    let e = &rows(&app)[0];
    assert_eq!(e.at, at(AFTERNOON));
    // The slot is answered: no reminder about it any more.
    assert!(
        !app.reminders()
            .iter()
            .any(|r| r.due == Some(at("2026-03-10T08:00:00+08:00")))
    );
}

#[test]
fn t_names_the_slot_it_answers_and_u_leaves_the_diary_unchanged() {
    let mut app = app_at(planned(), AFTERNOON, Lang::En);
    let before = rows(&app);
    ch(&mut app, 't');
    assert_eq!(
        doses(&app),
        vec![(
            at("2026-03-10T08:00:00+08:00"),
            150.0,
            DoseStatus::Taken,
            Some("Neoral".into())
        )]
    );
    let said = message(&app);
    assert!(said.contains("2026-03-10 08:00"), "{said}");
    assert!(said.contains("u undoes"), "{said}");
    ch(&mut app, 'u');
    assert_eq!(rows(&app), before, "{}", message(&app));
    // Nothing left to undo afterwards; a second `t` answers the same slot again.
    ch(&mut app, 'u');
    assert_eq!(rows(&app), before);
    ch(&mut app, 't');
    assert_eq!(doses(&app).len(), 1);
    assert_eq!(doses(&app)[0].0, at("2026-03-10T08:00:00+08:00"));
}

#[test]
fn s_then_u_takes_back_a_skip() {
    let mut app = app_at(planned(), AFTERNOON, Lang::En);
    let before = rows(&app);
    ch(&mut app, 's');
    assert_eq!(doses(&app)[0].2, DoseStatus::Skipped);
    ch(&mut app, 'u');
    assert_eq!(rows(&app), before);
}

#[test]
fn t_asks_which_slot_when_one_was_missed_and_the_next_is_due() {
    for (choice, want) in [
        (None, "2026-03-10T20:00:00+08:00"),
        (Some('1'), "2026-03-10T08:00:00+08:00"),
    ] {
        let mut app = app_at(planned(), EVENING, Lang::En);
        ch(&mut app, 't');
        let Some(Modal::Slot(c)) = app.modal() else {
            panic!("t asks: {:?}", app.modal())
        };
        assert_eq!(
            c.slots,
            [
                at("2026-03-10T08:00:00+08:00"),
                at("2026-03-10T20:00:00+08:00")
            ]
        );
        let text = screen(&mut app, 80, 24);
        assert!(text.contains("Which dose is this?"), "{text}");
        assert!(text.contains("2026-03-10 08:00 (missed)"), "{text}");
        assert!(rows(&app).is_empty(), "nothing written while asking");
        if let Some(c) = choice {
            ch(&mut app, c);
        }
        key(&mut app, KeyCode::Enter);
        assert!(app.modal().is_none());
        let d = doses(&app);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0, at(want));
    }
    // Esc asks nothing more and writes nothing.
    let mut app = app_at(planned(), EVENING, Lang::En);
    ch(&mut app, 't');
    key(&mut app, KeyCode::Esc);
    assert!(app.modal().is_none());
    assert!(rows(&app).is_empty());
}

#[test]
fn reminders_list_the_next_date_of_every_monitoring_item() {
    let mut app = app_at(planned(), AFTERNOON, Lang::En);
    ch(&mut app, '3');
    let due: Vec<RuleId> = app.reminders().iter().map(|r| r.rule).collect();
    assert!(!app.upcoming().is_empty());
    for u in app.upcoming() {
        assert!(
            !due.contains(&u.rule),
            "{:?} is both due and upcoming",
            u.rule
        );
        assert!(u.date > NaiveDate::from_ymd_opt(2026, 3, 12).unwrap());
    }
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("Upcoming"), "{text}");
    assert!(
        text.contains("blood count — next 2026-03-15 (every 2 weeks until week 12)"),
        "{text}"
    );
}

/// Every catalogue text the screen shows for typed input (errors and warnings) is free of
/// command-line flags; the command line keeps naming them.
#[test]
fn screen_messages_never_mention_command_line_flags() {
    use itp_diary::app::entry_input::{RawEntry, build};
    let platelets = |v: &str, u: Option<&str>| RawEntry::Platelets {
        value: v.into(),
        unit: u.map(str::to_string),
        lab: None,
    };
    for lang in [Lang::En, Lang::Zh] {
        let mut app = app_at(planned(), AFTERNOON, lang);
        let clock = app.clock().clone();
        let cli = I18n::new(lang);
        // A count out of range (refused, with the per-µL hint), a lab value without its unit
        // (refused), a count that looks typed per µL (a warning).
        let creatinine = RawEntry::Lab {
            analyte: "creatinine".into(),
            value: "87".into(),
            unit: None,
            lab: None,
            method: None,
            reference: None,
            last_dose: None,
        };
        for raw in [platelets("150000", None), creatinine] {
            let Err(e) = build(&raw, None, None, &clock, || None) else {
                panic!("{raw:?} is refused")
            };
            let said = app.i18n().input_error(&e);
            assert!(!said.contains("--"), "{said}");
            assert!(
                cli.input_error(&e).contains("--unit"),
                "{}",
                cli.input_error(&e)
            );
        }
        let b = build(&platelets("1500", None), None, None, &clock, || None)
            .expect("saved as entered, with a warning");
        assert!(!b.warnings.is_empty());
        for w in &b.warnings {
            assert!(
                !app.i18n().warning(w).contains("--"),
                "{}",
                app.i18n().warning(w)
            );
            assert!(cli.warning(w).contains("--unit"));
        }
        // The screen the patient sees after typing a bare count.
        ch(&mut app, 'p');
        for c in "150000".chars() {
            ch(&mut app, c);
        }
        key(&mut app, KeyCode::Enter);
        let text = screen(&mut app, 120, 40);
        assert!(!text.contains("--"), "{text}");
    }
}
