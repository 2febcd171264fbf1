//! Commands that use the terminal face: opening the diary, `snapshot`, `demo`.

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};

use super::{CliError, CliResult, Ctx, io_error};
use crate::app::config::Paths;
use crate::app::session::Session;
use crate::domain::clock::Clock;
use crate::store::Store;
use crate::tui::theme::Theme;
use crate::tui::{App, Tab};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Screen {
    Today,
    History,
    Reminders,
    Trends,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[arg(long, value_enum, default_value = "today")]
    pub screen: Screen,
    /// Terminal size, WIDTHxHEIGHT.
    #[arg(long, default_value = "100x30", value_name = "WxH")]
    pub size: String,
    /// The trends window to draw (with `--screen trends`).
    #[arg(long, value_enum)]
    pub window: Option<TrendWindow>,
}

/// `snapshot --window`: the trends windows by their short names.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TrendWindow {
    #[value(name = "1m")]
    M1,
    #[value(name = "3m")]
    M3,
    #[value(name = "6m")]
    M6,
    #[value(name = "1y")]
    Y1,
    All,
    Visit,
}

impl TrendWindow {
    fn window(self) -> crate::tui::screens::trends::Window {
        use crate::tui::screens::trends::Window;
        match self {
            TrendWindow::M1 => Window::Month1,
            TrendWindow::M3 => Window::Month3,
            TrendWindow::M6 => Window::Month6,
            TrendWindow::Y1 => Window::Year1,
            TrendWindow::All => Window::All,
            TrendWindow::Visit => Window::SinceVisit,
        }
    }
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Years of history.
    #[arg(long, default_value_t = 2)]
    pub years: u32,
    /// Seed of the invented data (the same seed gives the same diary).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

fn terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// The terminal app on `store`, with the command line's settings file and folders.
fn app(ctx: &Ctx, store: Store, clock: Clock, paths: Paths) -> App {
    App::new(
        Session {
            store,
            clock,
            i18n: ctx.i18n.clone(),
            settings: ctx.settings.clone(),
            paths,
        },
        Theme::from_env(),
    )
}

/// `itp-diary` with no command: the diary in the terminal (never without one).
pub fn open(ctx: &Ctx) -> CliResult {
    if !terminal() {
        return Err(CliError::Invalid(ctx.i18n.t("tui.no_terminal").to_string()));
    }
    let store = ctx.open_store()?;
    // What opening found was printed on the terminal, which the screen now covers: its
    // message line says so until a key is pressed.
    let notice = store.notices().first().map(|n| notice_line(ctx, n));
    let mut app = app(ctx, store, ctx.clock.clone(), ctx.paths.clone());
    app.offer_setup();
    if let Some(text) = notice {
        app.error(text);
    }
    run_screen(app).map_err(|e| CliError::Failed(e.to_string()))
}

/// A store notice in one short line for the screen's message line.
fn notice_line(ctx: &Ctx, n: &crate::store::Notice) -> String {
    match n {
        crate::store::Notice::LostChanges { lost, .. } => ctx
            .i18n
            .tf("lost_changes.screen", &[("lost", &lost.to_string())]),
    }
}

pub fn snapshot(ctx: &Ctx, a: SnapshotArgs, out: &mut impl Write) -> CliResult {
    let (w, h) = a
        .size
        .split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.parse::<u16>().ok()?, h.parse::<u16>().ok()?)))
        .filter(|(w, h)| (20..=500).contains(w) && (5..=300).contains(h))
        .ok_or_else(|| {
            CliError::Invalid(format!(
                "--size: '{}' (accepted: WIDTHxHEIGHT, e.g. 100x30, 20–500 × 5–300)",
                a.size
            ))
        })?;
    let store = if ctx.paths.db.exists() {
        ctx.open_store()?
    } else {
        Store::open_in_memory().map_err(|e| ctx.store_error(e))?
    };
    let mut app = app(ctx, store, ctx.clock.clone(), ctx.paths.clone());
    app.set_theme(Theme { color: false });
    let tab = match a.screen {
        Screen::Today => Tab::Today,
        Screen::History => Tab::History,
        Screen::Reminders => Tab::Reminders,
        Screen::Trends => Tab::Trends,
    };
    if let Some(w) = a.window {
        app.set_trend_window(w.window());
    }
    app.update(crate::tui::Action::GoTab(tab));
    let text = crate::tui::snapshot(&mut app, w, h).map_err(|e| CliError::Failed(e.to_string()))?;
    out.write_all(text.as_bytes()).map_err(io_error)
}

/// The screen, with the diary marked open on it while it runs (a fresh `demo` never replaces
/// a diary a screen has open).
fn run_screen(app: App) -> anyhow::Result<()> {
    // Best effort: a folder that refuses the mark file does not keep the diary closed.
    let _open = crate::app::open_mark::hold(&app.paths().db);
    crate::tui::run(app)
}

/// The demo diary: `--db` when given, else `itp-diary-demo.sqlite` beside the real diary.
pub fn demo(ctx: &Ctx, db_given: bool, a: DemoArgs, out: &mut impl Write) -> CliResult {
    if !(1..=100).contains(&a.years) {
        return Err(CliError::Invalid(format!(
            "--years: {} (accepted: 1–100)",
            a.years
        )));
    }
    let path = if db_given {
        ctx.paths.db.clone()
    } else {
        ctx.paths.data_dir.join("itp-diary-demo.sqlite")
    };
    if !db_given {
        // A fresh demo each time, but never under a screen that has it open.
        if crate::app::open_mark::in_use(&path).unwrap_or(false) {
            return Err(CliError::Invalid(
                ctx.i18n
                    .tf("flow.demo_open", &[("path", &path.display().to_string())]),
            ));
        }
        // The real diary is never touched.
        for suffix in ["", "-wal", "-shm"] {
            let p = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if p.exists() {
                std::fs::remove_file(&p).map_err(|e| {
                    CliError::Failed(format!("cannot replace {}: {e}", p.display()))
                })?;
            }
        }
    }
    let mut store = Store::open(&path).map_err(|e| ctx.store_error(e))?;
    if store.count_entries(true).map_err(|e| ctx.store_error(e))? > 0
        || !store.regimens().map_err(|e| ctx.store_error(e))?.is_empty()
    {
        return Err(CliError::Invalid(
            ctx.i18n
                .tf("demo.not_empty", &[("path", &path.display().to_string())]),
        ));
    }
    let summary = crate::app::demo::generate(&mut store, a.years, a.seed, &ctx.clock)
        .map_err(|e| ctx.store_error(e))?;
    if terminal() {
        // The demo's own database; the settings file and folders stay the command line's.
        let paths = Paths {
            db: path.clone(),
            ..ctx.paths.clone()
        };
        return run_screen(app(ctx, store, ctx.clock.clone(), paths))
            .map_err(|e| CliError::Failed(e.to_string()));
    }
    writeln!(
        out,
        "{}",
        ctx.i18n.tf(
            "demo.created",
            &[
                ("path", &path.display().to_string()),
                ("n", &summary.entries.to_string()),
                ("start", &summary.start.to_string())
            ]
        )
    )
    .map_err(io_error)
}
