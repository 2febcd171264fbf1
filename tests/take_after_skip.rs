//! A dose taken after all for a slot the patient had skipped (`take 08:00 --extra` after
//! `skip`) is that slot's first dose, taken late — not a second dose. So the guard of a missed
//! slot applies: minutes after another taken dose it needs `--late` (the screen's question),
//! and the words say "recorded as skipped", not "second dose". A second dose for a slot that
//! has a taken one stays `--extra` alone. The decision is `domain::take::pick`, which the
//! command line and the screen share.

mod common;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use common::Diary;
use itp_diary::app::config::{Paths, Settings};
use itp_diary::app::facts::load_facts;
use itp_diary::app::session::Session;
use itp_diary::domain::clock::Clock;
use itp_diary::domain::entry::{DoseStatus, EntryData};
use itp_diary::domain::take::{Confirmed, PickError, pick};
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::{EntryFilter, Store};
use itp_diary::tui::dialogs::slots::{Next, next_answer};
use itp_diary::tui::theme::Theme;
use itp_diary::tui::{App, Modal};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn run(d: &Diary, now: &str, lang: &str, args: &[&str]) -> (bool, String, String) {
    let out = d
        .cmd()
        .env("ITP_DIARY_NOW", format!("2026-03-10T{now}:00+08:00"))
        .env("LANG", lang)
        .args(args)
        .output()
        .expect("run");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Plan 75 + 75 mg at 08:00 and 20:00; the evening dose taken at 19:55, the missed morning
/// one skipped at 20:00.
fn evening_taken_morning_skipped() -> Diary {
    let d = Diary::new();
    d.start_plan("75,75", "2026-03-01");
    for (now, args) in [("19:55", &["take", "20:00"][..]), ("20:00", &["skip"][..])] {
        let (ok, _, err) = run(&d, now, "en_US.UTF-8", args);
        assert!(ok, "{args:?}: {err}");
    }
    d
}

#[test]
fn cli_extra_dose_for_a_skipped_slot_minutes_after_another_needs_late() {
    let d = evening_taken_morning_skipped();
    let before = d.content();
    // Without --extra: the slot is named as skipped, not as "a second dose".
    let (ok, _, err) = run(&d, "20:05", "en_US.UTF-8", &["take", "08:00"]);
    assert!(!ok);
    assert!(err.contains("recorded as skipped"), "{err}");
    assert!(
        err.contains("--extra") && !err.contains("second dose"),
        "{err}"
    );
    // --extra alone: 10 minutes after the 19:55 dose, asked exactly like a missed slot.
    let (ok, _, err) = run(&d, "20:05", "en_US.UTF-8", &["take", "08:00", "--extra"]);
    assert!(
        !ok,
        "an extra dose 10 min after another needs --late: {err}"
    );
    assert!(
        err.contains("--late") && err.contains("2026-03-10 19:55") && err.contains("10 min"),
        "{err}"
    );
    assert_eq!(d.content(), before, "a refusal writes nothing");
    // Chinese says the same.
    let (ok, _, err) = run(&d, "20:05", "zh_CN.UTF-8", &["take", "08:00"]);
    assert!(!ok && err.contains("已记录为跳过"), "{err}");
    let (ok, _, err) = run(&d, "20:05", "zh_CN.UTF-8", &["take", "08:00", "--extra"]);
    assert!(!ok && err.contains("--late"), "{err}");
    // Confirmed: recorded, said as taken after all (and late).
    let (ok, out, err) = run(
        &d,
        "20:05",
        "en_US.UTF-8",
        &["take", "08:00", "--extra", "--late"],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Taken after all: the 2026-03-10 08:00 dose"),
        "{out}"
    );
    assert!(out.contains("(late)"), "{out}");
}

#[test]
fn cli_extra_dose_for_a_skipped_slot_long_after_any_other_needs_no_late() {
    let d = Diary::new();
    d.start_plan("75,75", "2026-03-01");
    let (ok, _, err) = run(&d, "08:10", "en_US.UTF-8", &["skip"]);
    assert!(ok, "{err}");
    let (ok, out, err) = run(&d, "10:00", "en_US.UTF-8", &["take", "08:00", "--extra"]);
    assert!(ok, "no other dose near: {err}");
    assert!(out.contains("Taken after all"), "{out}");
}

#[test]
fn cli_second_dose_for_a_taken_slot_stays_extra_alone() {
    let d = Diary::new();
    d.start_plan("75,75", "2026-03-01");
    let (ok, _, err) = run(&d, "08:05", "en_US.UTF-8", &["take"]);
    assert!(ok, "{err}");
    let (ok, out, err) = run(&d, "08:30", "en_US.UTF-8", &["take", "08:00", "--extra"]);
    assert!(ok, "--extra is the patient's word for a second dose: {err}");
    assert!(
        out.contains("Extra dose for the 2026-03-10 08:00 slot"),
        "{out}"
    );
}

fn at(hm: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-03-10T{hm}:00+08:00")).unwrap()
}

/// The screen at `now` on a diary with the same plan.
fn app_at(now: &str) -> App {
    let mut store = Store::open_in_memory().unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let r = common::plan::csa(start, &[(8, 75.0), (20, 75.0)], 1);
    store.add_regimen(&r, at("07:00")).unwrap();
    App::new(
        Session {
            store,
            clock: Clock::Fixed(at(now)),
            i18n: I18n::new(Lang::En),
            settings: Settings::default(),
            paths: Paths::beside(&std::env::temp_dir().join("itp-diary-none/d.sqlite")),
        },
        Theme { color: false },
    )
}

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn doses(app: &App) -> usize {
    app.store()
        .entries(&EntryFilter::default())
        .unwrap()
        .iter()
        .filter(|e| matches!(e.data, EntryData::Dose(_)))
        .count()
}

#[test]
fn screen_and_command_line_share_the_decision() {
    let mut app = app_at("20:00");
    // t asks which (morning missed, evening due): Enter takes the evening one; s skips the
    // missed morning one.
    press(&mut app, KeyCode::Char('t'));
    assert!(matches!(app.modal(), Some(Modal::Slot(_))));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(doses(&app), 2);
    let th = Settings::default().thresholds;
    let clock = Clock::Fixed(at("20:05"));
    let facts = load_facts(app.store(), &clock, &th).unwrap();
    let morning = Some(NaiveTime::from_hms_opt(8, 0, 0).unwrap());
    // The decision the command line's `take 08:00 --extra` makes: asked first.
    let extra = Confirmed {
        extra: true,
        late: false,
    };
    match pick(&facts, &clock, &th, morning, extra) {
        Err(PickError::SoonAfter { last, slot, .. }) => {
            assert_eq!((last, slot), (at("20:00"), at("08:00")));
        }
        other => panic!("an extra dose for the skipped slot must ask first: {other:?}"),
    }
    let both = Confirmed {
        extra: true,
        late: true,
    };
    let p = pick(&facts, &clock, &th, morning, both).unwrap();
    assert!(p.after_skip(), "{p:?}");
    // The screen's `t` never answers the skipped slot without a word: nothing is open.
    assert_eq!(
        next_answer(&facts, &clock, &th, None, false),
        Next::NothingDue
    );
    press(&mut app, KeyCode::Char('t'));
    assert_eq!(doses(&app), 2, "t after the skip writes nothing");
    assert!(
        app.store()
            .entries(&EntryFilter::default())
            .unwrap()
            .iter()
            .any(|e| matches!(&e.data, EntryData::Dose(d) if d.status == DoseStatus::Skipped))
    );
}

/// `log dose csa --extra` without an amount, at an answered slot: the refusal said "add
/// --extra" even with it. The extra dose takes its slot's planned amount.
#[test]
fn cli_log_dose_extra_without_amount_takes_the_planned_amount() {
    let d = Diary::new();
    d.start_plan("75,75", "2026-03-01");
    let (ok, _, err) = run(&d, "08:05", "en_US.UTF-8", &["take"]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&d, "08:30", "en_US.UTF-8", &["log", "dose", "csa"]);
    assert!(!ok && err.contains("add --extra"), "{err}");
    let (ok, out, err) = run(
        &d,
        "08:30",
        "en_US.UTF-8",
        &["log", "dose", "csa", "--extra"],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Amount taken from the plan: 75 mg for the 2026-03-10 08:00 dose"),
        "{out}"
    );
}
