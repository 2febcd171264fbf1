//! The traps of one-key dose logging on Today (`t` / `s`), key-driven and checked in the
//! diary: a missed slot minutes after another dose asks first, two missed slots at night ask
//! which, a slot hours before its window is not answered. Fixed clocks.

mod common;

use chrono::{DateTime, FixedOffset, NaiveDate};
use common::app::{ch, key};
use itp_diary::domain::clock::Clock;
use itp_diary::domain::dosing::SlotState;
use itp_diary::domain::entry::{DoseStatus, EntryData};
use itp_diary::present::i18n::Lang;
use itp_diary::store::{EntryFilter, Store};
use itp_diary::tui::dialogs::slots::Next;
use itp_diary::tui::{self, App, Modal};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-03-10T{s}:00+08:00")).unwrap()
}

/// Cyclosporine (Neoral) 75 mg at 08:00 and 20:00 since March 1st, seen at `now` (HH:MM).
fn app_at(now: &str, lang: Lang) -> App {
    let mut store = Store::open_in_memory().unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let r = common::plan::csa(start, &[(8, 75.0), (20, 75.0)], 1);
    let recorded = DateTime::parse_from_rfc3339("2026-03-01T07:00:00+08:00").unwrap();
    store.add_regimen(&r, recorded).unwrap();
    common::app::app_with(store, Clock::Fixed(at(now)), lang, false)
}

/// (slot answered, status) of every dose in the diary, oldest slot first.
fn doses(app: &App) -> Vec<(DateTime<FixedOffset>, DoseStatus)> {
    let mut v: Vec<_> = app
        .store()
        .entries(&EntryFilter::default())
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.data {
            EntryData::Dose(d) => Some((d.scheduled_for.expect("names its slot"), d.status)),
            _ => None,
        })
        .collect();
    v.sort_by_key(|d| d.0);
    v
}

fn screen(app: &mut App) -> String {
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| tui::render(f, app)).unwrap();
    let buf = t.backend().buffer().clone();
    tui::buffer_text(&buf, buf.area)
}

/// At 20:00 the evening dose is answered; the missed morning one is then not one key away.
fn evening_answered() -> App {
    let mut app = app_at("20:00", Lang::En);
    ch(&mut app, 't');
    assert!(matches!(app.modal(), Some(Modal::Slot(_))), "t asks which");
    key(&mut app, KeyCode::Enter);
    assert_eq!(doses(&app), [(at("20:00"), DoseStatus::Taken)]);
    app
}

#[test]
fn a_missed_slot_right_after_another_dose_asks_before_it_is_taken() {
    let mut app = evening_answered();
    assert!(matches!(app.next_dose(), Some(Next::Confirm { .. })));
    let text = screen(&mut app);
    assert!(
        text.contains("t take 08:00 dose, late — asks first"),
        "{text}"
    );
    ch(&mut app, 't');
    let Some(Modal::Slot(c)) = app.modal() else {
        panic!("t asks to confirm: {:?}", app.modal())
    };
    assert_eq!(c.soon_after, Some(at("20:00")));
    let text = screen(&mut app);
    assert!(
        text.contains("Is this really the 2026-03-10 08:00 dose"),
        "{text}"
    );
    assert!(text.contains("care team"), "{text}");
    assert_eq!(doses(&app).len(), 1, "nothing written while asking");
    // Esc: nothing written.
    key(&mut app, KeyCode::Esc);
    assert!(app.modal().is_none());
    assert_eq!(doses(&app).len(), 1);
    // Confirmed: the late dose is recorded for the morning slot.
    ch(&mut app, 't');
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        doses(&app),
        [
            (at("08:00"), DoseStatus::Taken),
            (at("20:00"), DoseStatus::Taken)
        ]
    );
}

#[test]
fn a_missed_slot_is_skipped_without_the_question() {
    let mut app = evening_answered();
    ch(&mut app, 's');
    assert!(app.modal().is_none());
    assert_eq!(doses(&app)[0], (at("08:00"), DoseStatus::Skipped));
}

#[test]
fn two_missed_slots_at_night_ask_which() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = app_at("23:50", lang);
        let want = vec![
            (at("08:00"), SlotState::Missed),
            (at("20:00"), SlotState::Missed),
        ];
        assert_eq!(app.next_dose(), Some(&Next::Ask(want)));
        if lang == Lang::En {
            let text = screen(&mut app);
            assert!(text.contains("t asks which: 08:00, 20:00"), "{text}");
        }
        ch(&mut app, 't');
        let Some(Modal::Slot(c)) = app.modal() else {
            panic!("t asks which: {:?}", app.modal())
        };
        assert_eq!(c.slots, [at("08:00"), at("20:00")]);
        assert!(doses(&app).is_empty(), "nothing written while asking");
        ch(&mut app, '1');
        key(&mut app, KeyCode::Enter);
        assert_eq!(doses(&app), [(at("08:00"), DoseStatus::Taken)]);
    }
}

#[test]
fn t_waits_for_the_window_of_the_next_slot() {
    let mut app = app_at("12:00", Lang::En);
    // The morning slot is missed (no dose since): answered late, no question.
    ch(&mut app, 't');
    assert_eq!(doses(&app), [(at("08:00"), DoseStatus::Taken)]);
    assert_eq!(app.next_dose(), Some(&Next::NotYet(at("20:00"))));
    let text = screen(&mut app);
    assert!(text.contains("t nothing due now (next 20:00)"), "{text}");
    ch(&mut app, 't');
    assert_eq!(
        doses(&app).len(),
        1,
        "the 20:00 dose is not answered 8 h early"
    );
    let said = app
        .message()
        .as_ref()
        .map(|m| m.0.clone())
        .unwrap_or_default();
    assert!(said.contains("next is 2026-03-10 20:00"), "{said}");
}

/// The key line offers `s` only when it has a slot to skip: not when the next slot is hours
/// away, and then `s` writes nothing.
#[test]
fn s_is_offered_only_when_a_slot_is_open() {
    let mut app = app_at("12:00", Lang::En);
    assert!(matches!(app.next_dose(), Some(Next::Answer(_))));
    assert!(
        screen(&mut app).contains("s skip"),
        "the missed 08:00 can be skipped"
    );
    ch(&mut app, 't');
    assert_eq!(app.next_dose(), Some(&Next::NotYet(at("20:00"))));
    let text = screen(&mut app);
    assert!(!text.contains("s skip"), "{text}");
    ch(&mut app, 's');
    assert_eq!(doses(&app), [(at("08:00"), DoseStatus::Taken)]);
    // A missed slot right after another dose: `s` skips it without the question.
    let mut app = evening_answered();
    assert!(matches!(app.next_dose(), Some(Next::Confirm { .. })));
    assert!(screen(&mut app).contains("s skip"));
    let mut app = app_at("12:00", Lang::Zh);
    ch(&mut app, 't');
    let text = screen(&mut app);
    assert!(!text.contains("s 跳过"), "{text}");
}
