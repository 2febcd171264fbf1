//! Proof that the record survives: SIGKILL mid-write, many writers beside the open screen,
//! thousands of random command lines, an old schema, and storage faults.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Diary, NOW, cmd_on, integrity, notes};

/// A small deterministic generator for the random parts.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The bench program (an example, so `cargo install` installs only `itp-diary`): `cargo test`
/// builds it beside the test binaries; a run of this test file alone builds it here.
fn bench_example() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let examples = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target dir")
        .join("examples");
    let bin = examples.join(format!("itp-diary-bench{}", std::env::consts::EXE_SUFFIX));
    if !bin.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let ok = Command::new(cargo)
            .args(["build", "--example", "itp-diary-bench"])
            .status()
            .expect("cargo");
        assert!(ok.success(), "cargo build --example itp-diary-bench");
    }
    bin
}

#[test]
fn killed_writers_lose_nothing_they_confirmed() {
    let d = Diary::new();
    std::fs::create_dir_all(d.db.parent().unwrap()).unwrap();
    let bin = bench_example();
    let mut rng = Rng(0x5eed_1234);
    let mut confirmed_total = 0;
    for round in 0..25 {
        let mut child = Command::new(&bin)
            .args(["log-loop", d.db.to_str().unwrap(), &format!("r{round}")])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(30 + rng.below(200)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let confirmed: Vec<&str> = out.lines().filter_map(|l| l.strip_prefix("ok ")).collect();
        assert_eq!(integrity(&d.db), "ok", "round {round}");
        let stored = notes(&d.db);
        for c in &confirmed {
            assert!(
                stored.contains(*c),
                "round {round}: confirmed {c} is missing"
            );
        }
        confirmed_total += confirmed.len();
    }
    assert!(
        confirmed_total > 25,
        "the writers did write ({confirmed_total})"
    );
    // The diary still works.
    d.ok(&["log", "platelets", "45"]);
}

#[test]
fn the_open_screen_and_two_writers() {
    use itp_diary::app::config::{Paths, Settings};
    use itp_diary::app::session::Session;
    use itp_diary::domain::clock::Clock;
    use itp_diary::present::i18n::{I18n, Lang};
    use itp_diary::store::Store;
    use itp_diary::tui::app::MessageKind;
    use itp_diary::tui::{Action, App, Tab, theme::Theme};
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    let d = Diary::new();
    d.ok(&["log", "weight", "60"]);
    let clock = Clock::Fixed(chrono::DateTime::parse_from_rfc3339(NOW).unwrap());
    let mut app = App::new(
        Session {
            store: Store::open(&d.db).unwrap(),
            clock,
            i18n: I18n::new(Lang::En),
            settings: Settings::default(),
            paths: Paths::beside(&d.db),
        },
        Theme { color: false },
    );
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let db = d.db.clone();
            std::thread::spawn(move || {
                for i in 0..500 {
                    let out = cmd_on(&db)
                        .args([
                            "log",
                            "platelets",
                            &format!("{}", 20 + i % 100),
                            "--note",
                            &format!("w{w}-{i}"),
                        ])
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            })
        })
        .collect();
    // Meanwhile the patient uses the screen: refreshes, logs counts, looks at the history.
    let mut own = 0;
    while writers.iter().any(|w| !w.is_finished()) {
        app.refresh();
        for c in "p77".chars() {
            app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        own += 1;
        if let Some((m, kind)) = app.message() {
            assert_ne!(*kind, MessageKind::Error, "{m}");
            assert!(!m.contains("locked") && !m.contains("busy"), "{m}");
        }
        assert!(app.modal().is_none(), "saved");
        std::thread::sleep(Duration::from_millis(20));
    }
    for w in writers {
        w.join().unwrap();
    }
    app.refresh();
    app.update(Action::GoTab(Tab::History));
    // The history holds a window of rows and counts the rest in SQL (issue 17): filter to
    // the counts and read the total.
    app.update(Action::CycleFilter);
    assert_eq!(
        app.history().filter,
        Some(itp_diary::domain::entry::Kind::Platelets)
    );
    let plt = app.history().total;
    assert_eq!(
        plt,
        1000 + own,
        "every entry, from every writer, is on the screen"
    );
}

/// Tokens random command lines are made of.
const TOKENS: &[&str] = &[
    "log",
    "list",
    "edit",
    "delete",
    "undelete",
    "paths",
    "status",
    "remind",
    "regimen",
    "profile",
    "config",
    "snapshot",
    "export",
    "import",
    "backup",
    "restore",
    "note",
    "platelets",
    "dose",
    "lab",
    "weight",
    "bp",
    "bleeding",
    "side-effect",
    "event",
    "start",
    "change",
    "stop",
    "show",
    "path",
    "csa",
    "creatinine",
    "csa-trough",
    "potassium",
    "tremor",
    "ivig",
    "medication-start",
    "gums",
    "--at",
    "--unit",
    "--note",
    "--format",
    "--from",
    "--to",
    "--lab",
    "--ref",
    "--last-dose",
    "--pulse",
    "--site",
    "--minutes",
    "--count",
    "--severity",
    "--medication",
    "--dose",
    "--times",
    "--start",
    "--formulation",
    "--value",
    "--missed",
    "--skipped",
    "--json",
    "--since-last-visit",
    "--screen",
    "--size",
    "--lang",
    "--deleted",
    "--limit",
    "--subject",
    "--for-visit",
    "--list",
    "--done",
    "--on",
    "--diagnosed",
    "--birth-year",
    "--sex",
    "--skip-invalid",
    "--taper",
    "45",
    "0",
    "-1",
    "1e9",
    "4,5",
    "abc",
    "",
    " ",
    "NaN",
    "inf",
    "120/80",
    "80/120",
    "2026-03-01",
    "2026-02-30",
    "yesterday 20:00",
    "tomorrow",
    "08:00",
    "25:61",
    "99999999999999999999",
    "umol/L",
    "mg/dL",
    "万/µL",
    "/uL",
    "furlongs",
    "150,150",
    "08:00,20:00",
    "100-200",
    "200-100",
    "json",
    "csv",
    "html",
    "md",
    "fhir",
    "ics",
    "table",
    "today",
    "trends",
    "100x30",
    "10x10",
    "zh",
    "en",
    "fr",
    "1",
    "2",
    "3",
    "999",
    "💥",
    "环孢素",
    "'; DROP TABLE entries;--",
    "--",
    "-",
    "--help-me",
    "female",
    "x",
];

/// A fingerprint of everything stored (the backups folder aside).
fn fingerprint(path: &std::path::Path) -> String {
    let c = rusqlite::Connection::open(path).unwrap();
    let mut out = String::new();
    for table in [
        "entries",
        "entry_revisions",
        "regimens",
        "regimen_steps",
        "profile",
        "visit_questions",
        "meta",
    ] {
        let mut s = c
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
            .unwrap();
        let n = s.column_count();
        let rows = s
            .query_map([], |r| {
                Ok((0..n)
                    .map(|k| format!("{:?}", r.get_ref(k).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        for r in rows {
            out.push_str(&r.unwrap());
            out.push('\n');
        }
    }
    out
}

#[test]
fn random_command_lines_exit_0_or_2_and_rejections_change_nothing() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45"]);
    d.ok(&[
        "regimen",
        "start",
        "csa",
        "--dose",
        "150,150",
        "--formulation",
        "Neoral",
        "--start",
        "2026-03-01",
    ]);
    let work = tempfile::tempdir().unwrap();
    let mut rng = Rng(0xfeed_beef);
    let mut before = fingerprint(&d.db);
    let (mut zero, mut two) = (0, 0);
    // A few hundred by default; ITP_DIARY_FUZZ_CASES=1500 (or more) for a long run.
    let runs = std::env::var("ITP_DIARY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    for run in 0..runs {
        let n = 1 + rng.below(6) as usize;
        let args: Vec<&str> = (0..n)
            .map(|_| TOKENS[rng.below(TOKENS.len() as u64) as usize])
            .collect();
        let out = cmd_on(&d.db)
            .current_dir(work.path())
            .args(&args)
            .output()
            .unwrap();
        let code = out.status.code();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(code, Some(0) | Some(2)),
            "run {run} {args:?}: {code:?} {stderr}"
        );
        assert!(
            !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
            "run {run} {args:?}: {stderr}"
        );
        let after = fingerprint(&d.db);
        if code == Some(2) {
            two += 1;
            assert!(
                !stderr.trim().is_empty(),
                "run {run} {args:?}: a refusal says why"
            );
            assert_eq!(
                after, before,
                "run {run} {args:?} was refused but changed the diary"
            );
        } else {
            zero += 1;
        }
        before = after;
    }
    assert_eq!(integrity(&d.db), "ok");
    assert!(
        // About one line in a hundred is a valid command: some must have been accepted.
        two > runs / 2 && zero * 150 > runs,
        "{zero} accepted, {two} refused"
    );
}
