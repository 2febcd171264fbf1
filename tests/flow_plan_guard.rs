//! Issue 13, the plan-change dialog as a tester tried it: `u` after a change takes the change
//! back (never an earlier dose), a dose above the label maximum or more than doubled needs a
//! second Enter (`--confirm` on the command line), a change before a later step is refused, the
//! note is checked (never cut), and the errors name the dialog's own fields, in both languages.

mod common;

use common::app::{ctrl, key, typ};

use chrono::DateTime;
use itp_diary::app::config::{Paths, Settings};
use itp_diary::app::course;
use itp_diary::app::session::Session;
use itp_diary::domain::clock::Clock;
use itp_diary::domain::entry::Kind;
use itp_diary::domain::regimen::Regimen;
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::Store;
use itp_diary::tui::theme::Theme;
use itp_diary::tui::{self, App, Modal};
use ratatui::crossterm::event::KeyCode;

fn clock_at(at: &str) -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339(at).unwrap())
}

/// The demo diary at 14:30 (CsA 75 mg twice daily, the 20:00 dose open).
fn demo_app(lang: Lang) -> App {
    demo_app_at(lang, common::NOW)
}

/// The same diary, looked at `at` (a later hour of the same day).
fn demo_app_at(lang: Lang, at: &str) -> App {
    let mut store = Store::open_in_memory().unwrap();
    itp_diary::app::demo::generate(&mut store, 2, 1, &clock_at(common::NOW)).unwrap();
    App::new(
        Session {
            store,
            clock: clock_at(at),
            i18n: I18n::new(lang),
            settings: Settings::default(),
            paths: Paths::beside(&std::env::temp_dir().join("itp-diary-no-such-folder/d.sqlite")),
        },
        Theme { color: false },
    )
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

/// Tab to field `n` (0 amounts, 1 times, 2 brand, 3 kind, 4 takes effect on, 5 note) and
/// clear it.
fn field(app: &mut App, n: usize) {
    for _ in 0..n {
        key(app, KeyCode::Tab);
    }
    for _ in 0..30 {
        key(app, KeyCode::Backspace);
    }
}

fn dose_count(app: &App) -> usize {
    app.store()
        .latest(Kind::Dose, None)
        .unwrap()
        .map_or(0, |d| d.id as usize)
}

// ---- 1. u after a plan change ----

#[test]
fn u_after_a_plan_change_takes_back_the_change_not_the_earlier_dose() {
    // 17:30: the 20:00 dose is within its window, so `t` answers it.
    let mut app = demo_app_at(Lang::En, "2026-03-10T17:30:00+08:00");
    let before_t = dose_count(&app);
    typ(&mut app, "t");
    let dose = dose_count(&app);
    assert_ne!(dose, before_t, "t logged the 20:00 dose");
    let before = regimens(&app);
    typ(&mut app, "R");
    ctrl(&mut app, 'w');
    typ(&mut app, "50");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none(), "{:?}", dialog_error(&app));
    assert_eq!(regimens(&app)[0].steps.len(), before[0].steps.len() + 1);
    typ(&mut app, "u");
    assert_eq!(regimens(&app), before, "the change is taken back");
    assert_eq!(dose_count(&app), dose, "the dose is still logged");
    let (text, _) = app.message().cloned().unwrap();
    assert!(text.contains("plan change from 2026-03-10"), "{text}");
    // The next u reaches the dose, as before.
    typ(&mut app, "u");
    assert_ne!(dose_count(&app), dose);
}

#[test]
fn u_refuses_when_the_plan_changed_again_since() {
    let mut app = demo_app(Lang::En);
    typ(&mut app, "R");
    ctrl(&mut app, 'w');
    typ(&mut app, "50");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none(), "{:?}", dialog_error(&app));
    let input = course::ChangeInput {
        dose: Some("60,50".into()),
        ..Default::default()
    };
    course::change_regimen(app.store_mut(), &clock_at(common::NOW), &input).unwrap();
    let after = regimens(&app);
    typ(&mut app, "u");
    assert_eq!(regimens(&app), after, "nothing removed");
    let (text, _) = app.message().cloned().unwrap();
    assert!(text.contains("not taken back"), "{text}");
}

// ---- 2. a second look at a high dose ----

#[test]
fn a_dose_above_the_label_maximum_needs_a_second_enter() {
    let mut app = demo_app(Lang::En);
    let before = regimens(&app);
    typ(&mut app, "R");
    field(&mut app, 0);
    typ(&mut app, "99999");
    field(&mut app, 1);
    typ(&mut app, "08:00");
    key(&mut app, KeyCode::Enter);
    let e = dialog_error(&app).expect("a second look first");
    assert!(
        e.contains("above the warning line of 4 mg/(kg·d)") && e.contains("Enter again"),
        "{e}"
    );
    assert_eq!(regimens(&app), before, "nothing written on the first Enter");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none(), "{:?}", dialog_error(&app));
    let amounts: Vec<f64> = regimens(&app)[0]
        .steps
        .last()
        .unwrap()
        .slots
        .iter()
        .map(|s| s.amount)
        .collect();
    assert_eq!(amounts, [99999.0]);
}

#[test]
fn typing_after_the_second_look_asks_again() {
    let mut app = demo_app(Lang::En);
    let before = regimens(&app);
    typ(&mut app, "R");
    ctrl(&mut app, 'w');
    typ(&mut app, "300"); // 75 + 300: more than double 150
    key(&mut app, KeyCode::Enter);
    let e = dialog_error(&app).expect("a second look");
    assert!(e.contains("more than doubles"), "{e}");
    typ(&mut app, "0");
    key(&mut app, KeyCode::Enter);
    assert!(dialog_error(&app).is_some_and(|e| e.contains("Enter again")));
    assert_eq!(regimens(&app), before);
}

#[test]
fn cli_refuses_a_doubled_dose_without_confirm() {
    let d = common::Diary::new();
    std::fs::create_dir_all(d.db.parent().unwrap()).unwrap();
    {
        let mut store = Store::open(&d.db).unwrap();
        itp_diary::app::demo::generate(&mut store, 2, 1, &clock_at(common::NOW)).unwrap();
    }
    let before = d.ok(&["regimen", "show", "--json"]);
    let out = d
        .cmd()
        .args(["regimen", "change", "--dose", "99999,75"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("--confirm") && e.contains("label maximum"),
        "{e}"
    );
    assert_eq!(d.ok(&["regimen", "show", "--json"]), before);
    d.ok(&["regimen", "change", "--dose", "99999,75", "--confirm"]);
    assert_ne!(d.ok(&["regimen", "show", "--json"]), before);
}

// ---- 3. a change before a later step ----

#[test]
fn a_change_before_a_later_step_is_refused_on_both_faces() {
    let mut app = demo_app(Lang::En);
    let input = course::ChangeInput {
        dose: Some("60,60".into()),
        from: Some("2026-03-15".into()),
        ..Default::default()
    };
    course::change_regimen(app.store_mut(), &clock_at(common::NOW), &input).unwrap();
    let before = regimens(&app);
    typ(&mut app, "R");
    ctrl(&mut app, 'w');
    typ(&mut app, "50");
    field(&mut app, 4);
    typ(&mut app, "2026-03-12");
    key(&mut app, KeyCode::Enter);
    let e = dialog_error(&app).expect("refused");
    assert!(e.contains("2026-03-15") && e.contains("on or after"), "{e}");
    assert_eq!(regimens(&app), before);
    let cli = course::ChangeInput {
        dose: Some("50,50".into()),
        from: Some("2026-03-12".into()),
        ..Default::default()
    };
    assert!(course::change_regimen(app.store_mut(), &clock_at(common::NOW), &cli).is_err());
    assert_eq!(regimens(&app), before);
}

// ---- 4. the note ----

#[test]
fn a_long_note_is_kept_whole_or_refused_never_cut() {
    let mut app = demo_app(Lang::En);
    typ(&mut app, "R");
    ctrl(&mut app, 'w');
    typ(&mut app, "50");
    field(&mut app, 5);
    let note = "x".repeat(300);
    typ(&mut app, &note);
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none(), "{:?}", dialog_error(&app));
    let step = regimens(&app)[0].steps.last().unwrap().clone();
    assert_eq!(step.note.as_deref(), Some(note.as_str()));

    let input = course::ChangeInput {
        dose: Some("40,40".into()),
        note: Some("y".repeat(4001)),
        ..Default::default()
    };
    let e = course::change_regimen(app.store_mut(), &clock_at(common::NOW), &input).unwrap_err();
    let m = e.message(&I18n::new(Lang::En));
    assert!(m.contains("4001") && m.contains("4000"), "{m}");
}

// ---- 5 and 6. errors name the dialog's fields, in both languages ----

/// Each typed value (field, text) and what the error must say, in English and Chinese.
#[test]
fn errors_name_the_dialog_fields() {
    let rows: [(usize, &str, &str, &str); 7] = [
        (
            4,
            "08:00",
            "takes effect on: '08:00' is not a date",
            "生效日期：“08:00”不是有效日期",
        ),
        (
            4,
            "2020-01-01",
            "takes effect on: 2020-01-01 is before the plan started",
            "生效日期：2020-01-01 早于方案开始日期",
        ),
        (
            0,
            "75",
            "amounts per time: 1 amount(s) typed, but the plan has 2 dose time(s)",
            "每次剂量：填写了 1 个剂量，但方案有 2 个服药时间",
        ),
        (
            1,
            "08:00 20:00",
            "separate the times with \",\"",
            "请用英文逗号“,”分隔",
        ),
        (0, "0.0001", "'0.0001' mg is outside", "“0.0001” mg 超出"),
        (
            1,
            "8点,20:00",
            "dose times: '8点' is not a time of day",
            "服药时间：“8点”不是有效时间",
        ),
        (
            0,
            "1,2,3,4,5",
            "give 1 to 4 amounts",
            "请填写 1 至 4 个剂量",
        ),
    ];
    for (n, typed, en, zh) in rows {
        for (lang, want) in [(Lang::En, en), (Lang::Zh, zh)] {
            let mut app = demo_app(lang);
            typ(&mut app, "R");
            field(&mut app, n);
            typ(&mut app, typed);
            key(&mut app, KeyCode::Enter);
            let e = dialog_error(&app).unwrap_or_default();
            assert!(e.contains(want), "{typed}: {e}");
            assert!(!e.contains("doses") && !e.contains("from:"), "{e}");
        }
    }
}

/// Full-width digits and the Chinese comma read as ASCII: the same plan as "75,50".
#[test]
fn full_width_digits_and_the_chinese_comma_are_read() {
    let mut app = demo_app(Lang::Zh);
    typ(&mut app, "R");
    field(&mut app, 0);
    typ(&mut app, "７５，５０");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal().is_none(), "{:?}", dialog_error(&app));
    let amounts: Vec<f64> = regimens(&app)[0]
        .steps
        .last()
        .unwrap()
        .slots
        .iter()
        .map(|s| s.amount)
        .collect();
    assert_eq!(amounts, [75.0, 50.0]);
}

#[test]
fn the_chinese_dialog_uses_one_daily_style() {
    let mut app = demo_app(Lang::Zh);
    typ(&mut app, "R");
    ctrl(&mut app, 'w');
    typ(&mut app, "50");
    let text = tui::snapshot(&mut app, 100, 30).unwrap();
    assert!(!text.contains("mg/日"), "{text}");
    assert!(
        text.contains("mg/d") && text.contains("mg/(kg·d)"),
        "{text}"
    );
}

// ---- 7. the save message at 80 columns ----

#[test]
fn the_save_message_fits_80_columns() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = demo_app(lang);
        typ(&mut app, "R");
        ctrl(&mut app, 'w');
        typ(&mut app, "50");
        key(&mut app, KeyCode::Enter);
        let (msg, _) = app.message().cloned().unwrap();
        let text = tui::snapshot(&mut app, 80, 24).unwrap();
        let tail: String = msg
            .chars()
            .rev()
            .take(6)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        assert!(text.contains(&tail), "{msg}\n{text}");
    }
}
