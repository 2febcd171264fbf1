//! `R` on Today with no plan in force opens the setup's plan pages (after a skipped first-run
//! setup this is the screen's only way to a plan), and `t` with no plan says so.

mod common;

use common::app::{key, typ};

use common::app::{app_on, clock};
use itp_diary::present::i18n::Lang;
use itp_diary::store::Store;
use itp_diary::tui::{App, Modal};
use ratatui::crossterm::event::KeyCode;

fn empty_app(lang: Lang) -> App {
    let _ = clock();
    app_on(Store::open_in_memory().unwrap(), lang, false)
}

#[test]
fn r_with_no_plan_starts_one_through_the_setup_pages() {
    let mut app = empty_app(Lang::En);
    key(&mut app, KeyCode::Char('R'));
    assert!(
        matches!(app.modal(), Some(Modal::Setup(s)) if s.plan_only && s.page == 1),
        "R opens the plan page of the setup"
    );
    key(&mut app, KeyCode::Tab); // formulation
    typ(&mut app, "Neoral");
    key(&mut app, KeyCode::Tab); // dose
    typ(&mut app, "150,150");
    key(&mut app, KeyCode::Enter); // → the trough target page
    key(&mut app, KeyCode::Enter); // no target typed: finish
    assert!(app.modal().is_none(), "{:?}", app.message());
    let all = app.store().regimens().unwrap();
    assert_eq!(all.len(), 1);
    let amounts: Vec<f64> = all[0].steps[0].slots.iter().map(|s| s.amount).collect();
    assert_eq!(amounts, [150.0, 150.0]);
}

#[test]
fn esc_leaves_the_plan_pages_without_writing() {
    let mut app = empty_app(Lang::Zh);
    key(&mut app, KeyCode::Char('R'));
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    typ(&mut app, "150,150");
    key(&mut app, KeyCode::Esc);
    if app.confirm().is_some() {
        key(&mut app, KeyCode::Char('y'));
    }
    assert!(app.modal().is_none());
    assert!(app.store().regimens().unwrap().is_empty());
    // Leaving it is not "skipping the setup": nothing is noted about the diary.
    assert_eq!(
        app.store()
            .meta(itp_diary::tui::dialogs::setup::DONE_META)
            .unwrap(),
        None
    );
}

#[test]
fn enter_with_nothing_typed_saves_nothing_and_says_so() {
    let mut app = empty_app(Lang::En);
    key(&mut app, KeyCode::Char('R'));
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none());
    let (text, _) = app.message().cloned().unwrap();
    assert!(text.contains("nothing was saved"), "{text}");
    assert!(app.store().regimens().unwrap().is_empty());
}

#[test]
fn full_width_amounts_start_a_plan_too() {
    let mut app = empty_app(Lang::Zh);
    key(&mut app, KeyCode::Char('R'));
    key(&mut app, KeyCode::Tab);
    typ(&mut app, "Neoral");
    key(&mut app, KeyCode::Tab);
    typ(&mut app, "７５，５０");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let all = app.store().regimens().unwrap();
    assert_eq!(all.len(), 1, "{:?}", app.message());
    let amounts: Vec<f64> = all[0].steps[0].slots.iter().map(|s| s.amount).collect();
    assert_eq!(amounts, [75.0, 50.0]);
}

#[test]
fn t_with_no_plan_names_the_key_that_starts_one() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = empty_app(lang);
        key(&mut app, KeyCode::Char('t'));
        let (text, _) = app.message().cloned().unwrap();
        assert!(text.contains('R'), "{text}");
        assert!(
            !text.contains("itp-diary"),
            "no command line in the screen: {text}"
        );
    }
}

#[test]
fn plan_pages_snapshot() {
    for (lang, name) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
        let mut app = empty_app(lang);
        key(&mut app, KeyCode::Char('R'));
        insta::assert_snapshot!(
            format!("start_plan_{name}_80x24"),
            itp_diary::tui::snapshot(&mut app, 80, 24).unwrap()
        );
    }
}
