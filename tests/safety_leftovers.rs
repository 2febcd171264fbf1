//! Leftovers of issue 12 (data safety): the terminal UI shows diary text with bidi controls
//! and control characters made visible; dates before the birth year are refused; `h` in
//! History shows an entry's edit history. Fixed clock (2026-03-10 14:30 +08:00).

mod common;

use common::app::clock;

use itp_diary::app::entry_input::{RawEntry, build};
use itp_diary::domain::entry::EntryData;
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::Store;
use itp_diary::tui::{self, App, Tab};

/// The shared screen setup, without colour.
fn app_on(store: Store, lang: Lang) -> App {
    common::app::app_on(store, lang, false)
}

/// An entry as an old diary or another program may hold it: input validation refuses such
/// text, so it is put in the row directly.
fn add_hostile(store: &mut Store) -> i64 {
    let raw = RawEntry::Event {
        event: "medication_start".into(),
        medication: Some("ibuprofen".into()),
    };
    let mut b = build(&raw, Some("2026-03-09 08:00"), None, &clock(), || None).unwrap();
    b.entry.note = Some(HOSTILE.into());
    if let EntryData::Event(e) = &mut b.entry.data {
        e.medication = Some(HOSTILE.into());
    }
    store.add_entry(&b.entry, clock().now()).unwrap().id
}

/// Every unsafe character of `present::sanitize` in one string.
const HOSTILE: &str = "A\u{202E}evil\u{2066}x\u{2069}\u{1b}]0;pwn\u{7}B";

#[test]
fn the_screen_shows_hostile_diary_text_made_visible() {
    let mut store = Store::open_in_memory().unwrap();
    add_hostile(&mut store);
    let mut app = app_on(store, Lang::En);
    let mut all = String::new();
    for tab in [Tab::Today, Tab::History] {
        app.update(tui::Action::GoTab(tab));
        app.refresh();
        all.push_str(&tui::snapshot(&mut app, 160, 50).unwrap());
    }
    // Each unsafe character is shown the way `present::sanitize` shows it, nothing obeyed.
    let shown = "A<U+202E>evil<U+2066>x<U+2069>␛]0;pwn␇B";
    assert!(
        !all.chars().any(itp_diary::present::sanitize::is_unsafe),
        "{all}"
    );
    assert!(
        all.contains(shown),
        "Today and History show it made visible:\n{all}"
    );
    // History's note column (truncated to its width) and the entry's medication.
    let history = all.split("1 Today").last().unwrap_or_default().to_string();
    assert!(history.matches("A<U+202E>evil").count() >= 2, "{history}");
    // The edit form shows the stored text made visible too.
    app.on_key(ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Char('e'),
        ratatui::crossterm::event::KeyModifiers::NONE,
    ));
    assert!(app.modal().is_some(), "edit form open");
    let form = tui::snapshot(&mut app, 160, 50).unwrap();
    assert!(!form.chars().any(itp_diary::present::sanitize::is_unsafe));
    assert!(form.contains("A<U+202E>evil"), "{form}");
}

fn run(d: &common::Diary, args: &[&str]) -> (i32, String) {
    let out = d.cmd().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Item 19: with a birth year in the profile, an entry dated before it is refused (field,
/// value, accepted range) and nothing is written; without one, old dates stay accepted.
#[test]
fn log_refuses_a_date_before_the_birth_year() {
    let d = common::Diary::new();
    d.ok(&["log", "platelets", "45", "--at", "1979-06-01 08:00"]);
    d.ok(&["profile", "--birth-year", "1986"]);
    let before = d.content();
    let (code, err) = run(&d, &["log", "platelets", "45", "--at", "1985-12-31 08:00"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("'1985-12-31 08:00' is before the birth year in the profile (1986)")
            && err.contains("1986-01-01 to 2026-03-10"),
        "{err}"
    );
    assert_eq!(d.content(), before, "nothing written");
    d.ok(&["log", "platelets", "45", "--at", "1986-01-01 08:00"]);
}

/// Item 19 for imports: a backup entry or a CSV row before the birth year refuses the whole
/// import (nothing written), naming the entry, the time and the range.
#[test]
fn import_refuses_dates_before_the_birth_year() {
    let src = common::Diary::new();
    src.ok(&["log", "platelets", "45", "--at", "1979-06-01 08:00"]);
    let backup = src.ok(&["export", "--format", "json"]);
    let d = common::Diary::new();
    d.ok(&["profile", "--birth-year", "1986"]);
    let before = d.content();
    let path = d.dir.path().join("b.json");
    std::fs::write(&path, backup).unwrap();
    let (code, err) = run(&d, &["import", path.to_str().unwrap()]);
    assert_ne!(code, 0, "{err}");
    assert!(
        err.contains("entries[0]") && err.contains("before the birth year in the profile (1986)"),
        "{err}"
    );
    assert_eq!(d.content(), before, "nothing written");
    let csv = d.dir.path().join("labs.csv");
    std::fs::write(
        &csv,
        "time,analyte,value,unit\n2026-03-01 08:00,creatinine,80,umol/L\n1980-03-01 08:00,creatinine,80,umol/L\n",
    )
    .unwrap();
    let (code, err) = run(&d, &["import", csv.to_str().unwrap()]);
    assert_ne!(code, 0, "{err}");
    assert!(
        err.contains("'1980-03-01 08:00' is before the birth year"),
        "{err}"
    );
    assert_eq!(d.content(), before, "nothing written");
}

fn press(app: &mut App, c: char) {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
}

/// Item 20: `h` in History shows the selected entry's edit history (the same lines as
/// `itp-diary history ID`); any key closes it; the help lists `h`.
#[test]
fn h_in_history_shows_the_entry_edit_history() {
    use itp_diary::app::entries::{self, Draft};
    for lang in [Lang::En, Lang::Zh] {
        let mut store = Store::open_in_memory().unwrap();
        let c = clock();
        let t = itp_diary::domain::settings::Thresholds::default();
        let policy = entries::Policy {
            thresholds: &t,
            extra: false,
            soon: false,
        };
        let w = |v: &str| Draft {
            raw: RawEntry::Weight {
                value: v.into(),
                unit: None,
            },
            at: Some("2026-03-05 08:00".into()),
            note: None,
        };
        let a = entries::save(&mut store, &w("61"), &c, policy).unwrap();
        let b = entries::edit(&mut store, &a.entry, &w("62.5"), &c, false).unwrap();
        let versions = store.entry_history(b.id).unwrap();
        let now = store.entry(b.id).unwrap();
        let i = I18n::new(lang);
        let expected =
            itp_diary::present::revisions::lines(b.id, &versions, &now, *c.now().offset(), &i);
        let mut app = app_on(store, lang);
        app.update(tui::Action::GoTab(Tab::History));
        app.refresh();
        press(&mut app, 'h');
        let shot = tui::snapshot(&mut app, 80, 24).unwrap();
        for line in &expected {
            assert!(shot.contains(line.as_str()), "{line:?} missing:\n{shot}");
        }
        let name = match lang {
            Lang::En => "entry_history_en_80x24",
            _ => "entry_history_zh_80x24",
        };
        insta::assert_snapshot!(name, shot);
        press(&mut app, 'x');
        assert!(app.modal().is_none(), "any key closes it");
        assert_eq!(app.tab(), Tab::History, "h did not change the tab");
        press(&mut app, '?');
        let help = tui::snapshot(&mut app, 160, 50).unwrap();
        assert!(help.contains(i.t("safety.key_entry_history")), "{help}");
    }
}
