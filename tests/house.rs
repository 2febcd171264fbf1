//! The house: one save path for both faces, and one path resolution.
//! - The same entry saved through the command line and through the terminal form gives the
//!   same row and the same warnings; an edit gets the weight-change warning in both faces.
//! - The terminal face reads the settings file the command line resolved (a JSON backup made
//!   from the screen carries it), never a `config.toml` from the current folder.

mod common;

use chrono::DateTime;
use common::{Diary, NOW};
use itp_diary::app::config::{Paths, Settings};
use itp_diary::app::session::Session;
use itp_diary::domain::clock::Clock;
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::Store;
use itp_diary::tui::app::MessageKind;
use itp_diary::tui::theme::Theme;
use itp_diary::tui::{Action, App, Modal};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn clock() -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339(NOW).unwrap())
}

fn app_on(db: &std::path::Path) -> App {
    App::new(
        Session {
            store: Store::open(db).unwrap(),
            clock: clock(),
            i18n: I18n::new(Lang::En),
            settings: Settings::default(),
            paths: Paths::beside(db),
        },
        Theme { color: false },
    )
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Every column of the newest entry except its id, uid and write times.
fn newest_row(db: &std::path::Path) -> Vec<(String, String)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT * FROM entries ORDER BY at_utc DESC, id DESC LIMIT 1")
        .unwrap();
    let names: Vec<String> = st.column_names().iter().map(|s| s.to_string()).collect();
    st.query_row([], |r| {
        Ok(names
            .iter()
            .enumerate()
            .filter(|(_, n)| !matches!(n.as_str(), "id" | "uid" | "created_at" | "updated_at"))
            .map(|(i, n)| {
                let v: rusqlite::types::Value = r.get(i).unwrap();
                (n.clone(), format!("{v:?}"))
            })
            .collect())
    })
    .unwrap()
}

/// The warnings a command printed on stderr, without the "warning: " prefix.
fn cli_warnings(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("warning: ").map(str::to_string))
        .collect()
}

/// What the screen says after a save must be what the command line said: its "Saved #id …"
/// line, then its warnings after a dash.
fn assert_same_message(app: &App, stdout: &[u8], warnings: &[String]) {
    let (text, kind) = app.message().cloned().expect("a message");
    assert_eq!(kind, MessageKind::Info, "{text}");
    let saved = String::from_utf8_lossy(stdout).trim().to_string();
    let expected = if warnings.is_empty() {
        saved
    } else {
        format!("{saved} — {}", warnings.join("; "))
    };
    assert_eq!(text, expected);
}

/// Fill the open form's fields (by code) and save it with Enter.
fn fill_and_save(app: &mut App, fields: &[(&str, &str)]) {
    let Some(Modal::Form(f)) = app.modal_mut() else {
        panic!("no form open")
    };
    for (code, value) in fields {
        f.set(code, value);
    }
    key(app, KeyCode::Enter);
    if let Some(Modal::Form(f)) = app.modal() {
        panic!("form still open: {:?}", f.error);
    }
}

#[test]
fn the_same_weight_saved_by_both_faces_is_the_same_row_with_the_same_warnings() {
    let (cli, tui) = (Diary::new(), Diary::new());
    for d in [&cli, &tui] {
        d.ok(&["log", "weight", "60", "--at", "2026-03-01 08:00"]);
    }
    let out = cli
        .cmd()
        .args(["log", "weight", "70", "--at", "2026-03-05 08:00"])
        .args(["--note", "after the holidays"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let cli_warn = cli_warnings(&out.stderr);
    assert_eq!(cli_warn.len(), 1, "{cli_warn:?}");
    assert!(cli_warn[0].contains("weight changed"), "{cli_warn:?}");

    let mut app = app_on(&tui.db);
    typ(&mut app, "w70");
    fill_and_save(
        &mut app,
        &[("at", "2026-03-05 08:00"), ("note", "after the holidays")],
    );
    assert_same_message(&app, &out.stdout, &cli_warn);
    drop(app);
    assert_eq!(newest_row(&cli.db), newest_row(&tui.db));
}

#[test]
fn the_same_dose_saved_by_both_faces_is_the_same_row() {
    let (cli, tui) = (Diary::new(), Diary::new());
    let stdout = cli.ok(&[
        "log",
        "dose",
        "cyclosporine",
        "100",
        "--at",
        "2026-03-10 08:00",
        "--formulation",
        "Neoral",
    ]);
    let mut app = app_on(&tui.db);
    app.update(Action::New(itp_diary::domain::entry::Kind::Dose));
    fill_and_save(
        &mut app,
        &[
            ("drug", "cyclosporine"),
            ("value", "100"),
            ("at", "2026-03-10 08:00"),
            ("formulation", "Neoral"),
        ],
    );
    assert_same_message(&app, stdout.as_bytes(), &[]);
    drop(app);
    assert_eq!(newest_row(&cli.db), newest_row(&tui.db));
}

#[test]
fn an_edit_warns_about_a_weight_change_in_both_faces() {
    let (cli, tui) = (Diary::new(), Diary::new());
    for d in [&cli, &tui] {
        d.ok(&["log", "weight", "60", "--at", "2026-03-01 08:00"]);
        d.ok(&["log", "weight", "61", "--at", "2026-03-05 08:00"]);
    }
    // The command line: `edit` compares with the weight before the entry (60 kg).
    let out = cli
        .cmd()
        .args(["edit", "2", "--value", "70"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let cli_warn = cli_warnings(&out.stderr);
    assert_eq!(cli_warn.len(), 1, "{cli_warn:?}");
    assert!(cli_warn[0].contains("from 60 kg to 70 kg"), "{cli_warn:?}");

    // The screen: History, the newest entry, `e`, the new value, Enter.
    let mut app = app_on(&tui.db);
    app.update(Action::GoTab(itp_diary::tui::Tab::History));
    app.update(Action::Edit);
    fill_and_save(&mut app, &[("value", "70")]);
    assert_same_message(&app, &out.stdout, &cli_warn);
    drop(app);
    assert_eq!(newest_row(&cli.db), newest_row(&tui.db));
}

#[test]
fn a_json_backup_from_the_screen_carries_the_resolved_settings_file() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    let config = d.db.with_file_name("config.toml");
    std::fs::write(&config, "# care team\n").unwrap();
    let mut app = app_on(&d.db);
    assert_eq!(app.paths().config, config);
    app.set_export_dir(d.dir.path().join("exports"));
    app.update(Action::Export);
    while !matches!(app.modal(), Some(Modal::Export(f))
        if f.format() == itp_diary::app::export::Format::Json)
    {
        key(&mut app, KeyCode::Right);
    }
    key(&mut app, KeyCode::Enter);
    while app.job_running() {
        app.poll_job();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let (msg, _) = app.message().cloned().unwrap();
    assert!(msg.starts_with("Wrote"), "{msg}");
    let file = d
        .dir
        .path()
        .join("exports")
        .join("itp-diary-2026-03-10.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(json["settings"], "# care team\n", "{}", json["settings"]);
}

/// A diary with many reminders: the demo plus lab results above their lab's range.
fn crowded(lang: Lang) -> App {
    use itp_diary::app::entries::{Draft, save};
    use itp_diary::app::entry_input::RawEntry;
    let mut store = Store::open_in_memory().unwrap();
    itp_diary::app::demo::generate(&mut store, 2, 1, &clock()).unwrap();
    let labs = [
        ("alt", "88", "U/L", "0-40"),
        ("ast", "75", "U/L", "0-40"),
        ("bilirubin", "30", "umol/L", "3-21"),
        ("uric_acid", "520", "umol/L", "150-420"),
        ("glucose", "7.9", "mmol/L", "3.9-6.1"),
        ("cholesterol", "6.8", "mmol/L", "0-5.2"),
        ("triglycerides", "2.9", "mmol/L", "0-1.7"),
        ("magnesium", "0.55", "mmol/L", "0.7-1.1"),
    ];
    for (analyte, value, unit, range) in labs {
        let draft = Draft {
            raw: RawEntry::Lab {
                analyte: analyte.into(),
                value: value.into(),
                unit: Some(unit.into()),
                lab: Some("Peking Union Medical College Hospital, central laboratory".into()),
                method: None,
                reference: Some(range.into()),
                last_dose: None,
            },
            at: Some("2026-03-09 07:30".into()),
            note: None,
        };
        let t = itp_diary::domain::settings::Thresholds::default();
        let policy = itp_diary::app::entries::Policy {
            thresholds: &t,
            extra: false,
            soon: false,
        };
        save(&mut store, &draft, &clock(), policy).unwrap();
    }
    let mut app = App::new(
        Session {
            store,
            clock: clock(),
            i18n: I18n::new(lang),
            settings: Settings::default(),
            paths: Paths::beside(&std::env::temp_dir().join("itp-diary-none/d.sqlite")),
        },
        Theme { color: false },
    );
    app.update(Action::GoTab(itp_diary::tui::Tab::Reminders));
    app
}

#[test]
fn a_crowded_reminders_list_keeps_the_selection_in_view_and_inside_the_border() {
    use unicode_width::UnicodeWidthStr;
    for lang in [Lang::En, Lang::Zh] {
        let mut app = crowded(lang);
        let n = app.reminders().len();
        assert!(n >= 8, "{n} reminders");
        for (step, action) in [
            ("top", Action::Home),
            ("middle", Action::Down),
            ("end", Action::End),
        ] {
            if step == "middle" {
                for _ in 0..n / 2 {
                    app.update(Action::Down);
                }
            } else {
                app.update(action);
            }
            let text = itp_diary::tui::snapshot(&mut app, 80, 24).unwrap();
            insta::assert_snapshot!(format!("reminders_crowded_{}_{step}", lang.code()), text);
            // Every row of the list box is exactly as wide as the terminal and ends in the
            // border: nothing overwrites it.
            let body: Vec<&str> = text.lines().filter(|l| l.starts_with('│')).collect();
            // (The list and the "Upcoming" section below it.)
            assert!(body.len() >= 15, "{text}");
            for row in body {
                assert_eq!(row.width(), 80, "{row}");
                assert!(row.ends_with('│'), "{row}");
            }
            // The selected reminder's message (its first words) is on screen.
            let r = &app.reminders()[app.reminder_selected()];
            let msg = itp_diary::present::describe::reminder_message(r, app.i18n());
            let head: String = msg.chars().take(12).collect();
            assert!(text.contains(&head), "{step}: {head:?} not in\n{text}");
        }
    }
}

fn click(app: &mut App, column: u16, row: u16) {
    use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    app.on_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    });
}

#[test]
fn clicks_land_where_the_frame_drew_without_the_frame_writing_into_the_app() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = crowded(lang);
        app.update(Action::GoTab(itp_diary::tui::Tab::Today));
        let text = itp_diary::tui::snapshot(&mut app, 80, 24).unwrap();
        let top: Vec<char> = text.lines().next().unwrap().chars().collect();
        // The tab columns computed for the mouse are where the titles are drawn.
        for (from, _, tab) in itp_diary::tui::tab_columns(app.i18n()) {
            let drawn: String = {
                // Display columns to chars (Chinese characters are two columns wide).
                let (mut col, mut out) = (0u16, String::new());
                for c in &top {
                    if col >= from {
                        out.push(*c);
                    }
                    col += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0) as u16;
                }
                out
            };
            let title = app.i18n().t(tab.label_key()).to_string();
            assert!(drawn.contains(&title), "{tab:?} at {from}: {drawn}");
            click(&mut app, from, 0);
            assert_eq!(app.tab(), tab);
        }
        // A click on the fourth history row selects the fourth entry shown.
        app.update(Action::GoTab(itp_diary::tui::Tab::History));
        let text = itp_diary::tui::snapshot(&mut app, 80, 24).unwrap();
        click(&mut app, 10, 3 + 3);
        assert_eq!(app.history().selected, 3);
        let row = text.lines().nth(6).unwrap();
        let at = app.history().rows[3].at.format("%m-%d %H:%M").to_string();
        assert!(row.contains(&at), "{at} not in {row}");
    }
}

#[test]
fn status_and_today_show_the_same_view() {
    use itp_diary::present::status::StatusView;
    let d = Diary::new();
    d.ok(&["demo", "--years", "1"]);
    let status = d.ok(&["status"]);
    let mut app = app_on(&d.db);
    let today = itp_diary::tui::snapshot(&mut app, 120, 40).unwrap();
    let v: &StatusView = app.status().expect("a status view");
    let p = v.platelets.as_ref().expect("a platelet count");
    for text in [&status, &today] {
        assert!(text.contains(&p.band_label), "{text}");
        assert!(text.contains(&v.adherence_7d), "{text}");
        for s in &v.today {
            assert!(
                text.contains(&s.time) && text.contains(&s.state_label),
                "{text}"
            );
        }
    }
}
