//! Findings of the session-7 review of the diary in the terminal, each with the test that
//! failed before its fix. Fixed clock (2026-03-10 14:30 +08:00).

mod common;

use common::app::{app_on, ch, demo_store, key, typ};
use itp_diary::present::i18n::Lang;
use itp_diary::tui;
use ratatui::crossterm::event::KeyCode;

/// Behind the "please enlarge the window" page every key still acted: `2 D y` deleted the
/// first History entry and `t` answered a dose, unseen.
#[test]
fn keys_do_nothing_behind_the_enlarge_page_but_quit() {
    let mut app = app_on(demo_store(), Lang::En, false);
    ch(&mut app, '2');
    let before = tui::snapshot(&mut app, 120, 40).expect("frame");
    let small = tui::snapshot(&mut app, 40, 12).expect("frame");
    assert!(small.contains("enlarge"), "{small}");
    for c in ['1', 't', '2', 'D', 'y', 'e'] {
        ch(&mut app, c);
    }
    let after = tui::snapshot(&mut app, 120, 40).expect("frame");
    assert_eq!(before, after, "a key acted behind the enlarge page");
    assert!(!after.contains("Deleted"), "{after}");
    let _ = tui::snapshot(&mut app, 40, 12).expect("frame");
    ch(&mut app, 'q');
    assert!(!app.is_running(), "q still quits");
}

fn screen_on(path: &std::path::Path) -> itp_diary::tui::App {
    itp_diary::tui::App::new(
        itp_diary::app::session::Session {
            store: itp_diary::store::Store::open(path).expect("open"),
            clock: common::app::clock(),
            i18n: itp_diary::present::i18n::I18n::new(Lang::En),
            settings: itp_diary::app::config::Settings::default(),
            paths: itp_diary::app::config::Paths::beside(path),
        },
        itp_diary::tui::theme::Theme { color: false },
    )
}

fn count(value: &str) -> itp_diary::domain::entry::NewEntry {
    use itp_diary::app::entry_input::{RawEntry, build};
    let raw = RawEntry::Platelets {
        value: value.into(),
        unit: None,
        lab: None,
    };
    build(
        &raw,
        Some("2026-03-10 09:00"),
        None,
        &common::app::clock(),
        || None,
    )
    .expect("build")
    .entry
}

/// An entry deleted in another window while its form was open: the first Enter reloaded the
/// (deleted) entry into the form, the second said "Updated #21" and wrote the value into a
/// deleted entry, which no view shows. The command line's `edit` of a deleted entry did the
/// same.
#[test]
fn an_entry_deleted_elsewhere_is_not_edited() {
    use itp_diary::tui::{Action, Modal, Tab};
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("d.sqlite");
    let mut other = itp_diary::store::Store::open(&path).expect("open");
    let now = common::app::clock().now();
    let e = other.add_entry(&count("45"), now).expect("add");
    let mut app = screen_on(&path);
    app.update(Action::GoTab(Tab::History));
    app.update(Action::Edit);
    assert!(matches!(app.modal(), Some(Modal::Form(_))));
    let read = other.entry(e.id).expect("entry");
    other.delete_entry(&read, now).expect("delete");
    app.update(Action::FormSave);
    app.update(Action::FormSave);
    let stored = other.entry(e.id).expect("entry");
    assert_eq!(
        stored.revision,
        read.revision + 1,
        "nothing written after the delete"
    );
    let shown = tui::snapshot(&mut app, 100, 30).expect("frame");
    assert!(shown.contains("deleted"), "{shown}");
    assert!(!shown.contains("Updated"), "{shown}");
}

/// A form whose entry was changed elsewhere: Enter reloaded it, and what the patient typed
/// was gone, with the message hidden.
#[test]
fn an_edit_refused_as_stale_keeps_what_was_typed_and_says_so() {
    use itp_diary::tui::{Action, Modal, Tab};
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("d.sqlite");
    let mut other = itp_diary::store::Store::open(&path).expect("open");
    let now = common::app::clock().now();
    let e = other.add_entry(&count("45"), now).expect("add");
    let mut app = screen_on(&path);
    app.update(Action::GoTab(Tab::History));
    app.update(Action::Edit);
    assert!(matches!(app.modal(), Some(Modal::Form(_))));
    // Typed as a patient does: the value field has the focus.
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    typ(&mut app, "66");
    let read = other.entry(e.id).expect("entry");
    other
        .update_entry(&read, &count("80"), now)
        .expect("update");
    app.update(Action::FormSave);
    let shown = tui::snapshot(&mut app, 100, 30).expect("frame");
    assert!(shown.contains("changed elsewhere"), "{shown}");
    assert!(shown.contains("66"), "what was typed is kept: {shown}");
    assert!(shown.contains("80"), "what is stored now is shown: {shown}");
    // Enter now saves what was typed over the version it was shown.
    app.update(Action::FormSave);
    assert!(app.modal().is_none(), "{:?}", app.message());
    let stored = other.entry(e.id).expect("entry");
    assert_eq!(stored.data.value().map(|v| v.0), Some(66.0));
}

/// Trends' dose chart placed each day's taken mg at "the window's start + days + 12 h": a
/// window opened a month back from 23:34 put today's doses on tomorrow ("Cursor 2026-03-11
/// 11:34: taken that day"); and the cursor read a count at 07:30 as 07:29.
#[test]
fn the_dose_chart_puts_each_day_on_its_day_and_the_cursor_reads_whole_minutes() {
    use itp_diary::domain::clock::Clock;
    let late = chrono::DateTime::parse_from_rfc3339("2026-03-10T23:34:27.700+08:00").expect("time");
    let mut app = common::app::app_with(demo_store(), Clock::Fixed(late), Lang::En, false);
    ch(&mut app, '4');
    ch(&mut app, 'c');
    ch(&mut app, ',');
    let shown = tui::snapshot(&mut app, 120, 40).expect("frame");
    let line = cursor_line(&shown);
    assert!(line.contains("2026-03-10 12:00"), "{line}");
    // The platelet chart's latest count, logged at a whole minute.
    for _ in 0..7 {
        ch(&mut app, 'c');
    }
    ch(&mut app, ',');
    let shown = tui::snapshot(&mut app, 120, 40).expect("frame");
    let line = cursor_line(&shown);
    assert!(line.contains("2026-02-12 07:30: platelets"), "{line}");
}

/// Reminders → Enter on a dose whose window has closed prefilled the slot's own time (08:00 at
/// 14:30): saved unchanged, a late dose was logged as on time, and the next trough would be
/// timed from it and judged. The time is now, and the form says so.
#[test]
fn a_late_dose_from_the_reminders_is_not_logged_at_its_slot_time() {
    use itp_diary::tui::{Action, Modal, Tab};
    let d = common::Diary::new();
    d.ok(&["log", "weight", "60", "--at", "2026-02-28 08:00"]);
    d.start_plan("100,100", "2026-03-01");
    let mut app = screen_on(&d.db);
    app.update(Action::GoTab(Tab::Reminders));
    let mut found = None;
    for k in 0..20 {
        app.update(Action::Home);
        for _ in 0..k {
            app.update(Action::Down);
        }
        app.update(Action::Activate);
        if let Some(Modal::Form(f)) = app.modal()
            && f.kind == itp_diary::domain::entry::Kind::Dose
        {
            found = Some((f.get("at"), f.warnings.clone()));
            break;
        }
        app.update(Action::FormCancel);
    }
    let (at, warnings) = found.expect("a dose reminder");
    assert!(at.starts_with("2026-03-10T14:30"), "{at} {warnings:?}");
    assert!(
        warnings.iter().any(|w| w.contains("the time is now")),
        "{warnings:?}"
    );
}

/// The lab form chose a unit the command line refuses to guess: BUN 15 was saved as mmol/L
/// (creatinine as µmol/L) with one Enter, while `log lab bun 15` asks for `--unit`.
#[test]
fn the_lab_form_asks_for_a_unit_the_labs_report_in_more_than_one() {
    use itp_diary::domain::entry::Kind;
    use itp_diary::tui::{Action, Modal};
    let mut app = app_on(
        itp_diary::store::Store::open_in_memory().expect("store"),
        Lang::En,
        false,
    );
    app.update(Action::New(Kind::Lab));
    match app.modal_mut() {
        Some(Modal::Form(f)) => {
            f.set("analyte", "bun");
            f.set("value", "15");
        }
        other => panic!("{other:?}"),
    }
    app.update(Action::FormSave);
    let Some(Modal::Form(f)) = app.modal() else {
        panic!("nothing saved: the form stays open")
    };
    let e = f.error.clone().unwrap_or_default();
    assert!(e.contains("choose the unit"), "{e}");
    match app.modal_mut() {
        Some(Modal::Form(f)) => f.set("unit", "mg/dL"),
        other => panic!("{other:?}"),
    }
    app.update(Action::FormSave);
    assert!(app.modal().is_none(), "saved with the unit chosen");
}

/// The cursor rounded a time to the nearest minute: a count at 23:59:40 read as the next
/// day's 00:00. It reads the measurement's own minute.
#[test]
fn the_cursor_reads_a_measurements_own_minute() {
    let mut store = itp_diary::store::Store::open_in_memory().expect("store");
    let mut e = count("45");
    e.at = chrono::DateTime::parse_from_rfc3339("2026-03-08T23:59:40+08:00").expect("time");
    store
        .add_entry(&e, common::app::clock().now())
        .expect("add");
    let mut app = app_on(store, Lang::En, false);
    ch(&mut app, '4');
    ch(&mut app, ',');
    let shown = tui::snapshot(&mut app, 120, 40).expect("frame");
    let line = cursor_line(&shown);
    assert!(line.contains("Cursor 2026-03-08 23:59"), "{line}");
}

/// A saved entry's warning was cut at the screen's edge ("Saved #189: platelets 1500 ×10⁹/L
/// @ … — platelets 1500 ×10⁹/L is"): the message line now takes up to three rows.
#[test]
fn a_long_saved_message_is_not_cut() {
    use itp_diary::domain::entry::Kind;
    use itp_diary::tui::{Action, Modal};
    let mut app = app_on(
        itp_diary::store::Store::open_in_memory().expect("store"),
        Lang::En,
        false,
    );
    app.update(Action::New(Kind::Platelets));
    match app.modal_mut() {
        Some(Modal::Form(f)) => f.set("value", "1500"),
        other => panic!("{other:?}"),
    }
    app.update(Action::FormSave);
    assert!(app.modal().is_none(), "saved");
    let shown = tui::snapshot(&mut app, 80, 24).expect("frame");
    let flat = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("typed per µL?"), "{shown}");
}

/// A drug level's "last dose" stayed the dose log's latest when the draw was typed before it
/// ("-0.2 h after", "the last dose is after the blood draw"), and an empty field said "will not
/// be judged" while the level was then timed from the dose log.
#[test]
fn a_levels_last_dose_follows_the_draw_time() {
    use itp_diary::domain::entry::Kind;
    use itp_diary::tui::{Action, Modal};
    let mut app = app_on(demo_store(), Lang::En, false);
    app.update(Action::New(Kind::Lab));
    match app.modal_mut() {
        Some(Modal::Form(f)) => {
            f.set("analyte", "csa_trough");
            assert_eq!(
                f.get("last_dose"),
                "2026-03-10 07:59",
                "the demo's morning dose"
            );
            f.focus_on("at");
        }
        other => panic!("{other:?}"),
    }
    typ(&mut app, "2026-03-10 07:45");
    let Some(Modal::Form(f)) = app.modal() else {
        panic!("form")
    };
    let last = f.get("last_dose");
    assert!(last.starts_with("2026-03-09 "), "{last}");
    let shown = tui::snapshot(&mut app, 100, 30).expect("frame");
    assert!(!shown.contains("after the blood draw"), "{shown}");
    // Emptied, the field says the level is timed from the dose log.
    match app.modal_mut() {
        Some(Modal::Form(f)) => f.set("last_dose", ""),
        other => panic!("{other:?}"),
    }
    let shown = tui::snapshot(&mut app, 100, 30).expect("frame");
    assert!(shown.contains("timed from the last dose logged"), "{shown}");
}

/// History's search on the English screen found nothing for 血小板 or 肌酐 (the Chinese
/// screen found both): the names of either language are searched.
#[test]
fn the_search_finds_names_in_either_language() {
    use itp_diary::present::i18n::{I18n, Lang as L};
    use itp_diary::tui::screens::history_search::text_match;
    for lang in [L::En, L::Zh] {
        let i = I18n::new(lang);
        for (words, code) in [
            ("血小板", "platelets"),
            ("肌酐", "creatinine"),
            ("platelets", "platelets"),
        ] {
            let m = text_match(words, &i).expect("a search");
            assert!(
                m.codes.iter().any(|c| c == code),
                "{lang:?} {words}: {:?}",
                m.codes
            );
        }
    }
}

/// The Trends line that reads the cursor.
fn cursor_line(shown: &str) -> &str {
    shown
        .lines()
        .find(|l| l.contains("Cursor"))
        .unwrap_or_else(|| panic!("{shown}"))
}

/// A bleed's count of "2.5" (or "-3") was refused as "not a number (use digits and a decimal
/// point, e.g. 4.5)": it says a whole number of 0 or more is accepted.
#[test]
fn a_count_is_refused_as_not_whole() {
    use itp_diary::domain::entry::Kind;
    use itp_diary::tui::{Action, Modal};
    for bad in ["2.5", "-3"] {
        let mut app = app_on(
            itp_diary::store::Store::open_in_memory().expect("store"),
            Lang::En,
            false,
        );
        app.update(Action::New(Kind::Bleeding));
        match app.modal_mut() {
            Some(Modal::Form(f)) => f.set("count", bad),
            other => panic!("{other:?}"),
        }
        app.update(Action::FormSave);
        let Some(Modal::Form(f)) = app.modal() else {
            panic!("{bad}: saved")
        };
        let e = f.error.clone().unwrap_or_default();
        assert!(e.contains("a whole number, 0 or more"), "{bad}: {e}");
    }
}
