//! The terminal face (ratatui + crossterm). Only this module draws. The loop is synchronous:
//! draw, wait for a key (or the refresh timer), update.

mod access;
mod action;
pub mod app;
pub mod dialogs;
pub mod keymap;
mod paste;
pub mod screens;
mod shared;
pub mod theme;
mod view;
mod watch;
pub mod widgets;

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyEventKind,
};
use ratatui::crossterm::execute;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs, Wrap};

pub use action::Action;
pub use app::{App, Modal, Tab};
pub use screens::Screen;

/// The smallest terminal the screens are laid out for.
pub const MIN_W: u16 = 80;
pub const MIN_H: u16 = 24;

/// Reload from the database this often (the reminders move with the clock).
pub const REFRESH: Duration = Duration::from_secs(30);

/// How often the window asks SQLite whether another process changed the diary
/// (`PRAGMA data_version`, a read of a counter: no disk access when nothing changed).
pub const CHANGE_POLL: Duration = Duration::from_secs(1);

/// The frame's rows: the tabs, the screen, the message line, the key hints.
pub fn frame_layout(area: Rect, message_rows: u16) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(10),
        Constraint::Length(message_rows.clamp(1, 3)),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// How many rows the message line needs at `width` (up to 3: a saved entry's warning was cut
/// at the screen's edge, "… platelets 1500 ×10⁹/L is", session 7).
pub fn message_rows(app: &App, width: u16) -> u16 {
    app.message.as_ref().map_or(1, |(text, _)| {
        let rows = crate::tui::widgets::wrap::wrap(text, usize::from(width).max(1)).len();
        u16::try_from(rows).unwrap_or(3).clamp(1, 3)
    })
}

/// Each tab's title as shown on the top row.
fn tab_titles(i: &crate::present::i18n::I18n) -> Vec<String> {
    Tab::ALL
        .iter()
        .enumerate()
        .map(|(n, t)| format!("{} {}", n + 1, i.t(t.label_key())))
        .collect()
}

/// Where each tab's title is on the top row (columns from, to), for mouse clicks: the same
/// arithmetic as ratatui's `Tabs` (one space of padding each side, a one-column divider).
pub fn tab_columns(i: &crate::present::i18n::I18n) -> Vec<(u16, u16, Tab)> {
    let mut x = 1;
    Tab::ALL
        .iter()
        .zip(tab_titles(i))
        .map(|(t, title)| {
            let w = unicode_width::UnicodeWidthStr::width(title.as_str()) as u16;
            let hit = (x, x + w, *t);
            x += w + 3;
            hit
        })
        .collect()
}

/// Draw one frame. Drawing reads the app and writes nothing back: what the mouse needs
/// (where the tabs and the history rows are) is recomputed from the same layout functions.
pub fn render(f: &mut Frame, app: &App) {
    let area = f.area();
    let i = &app.ctx.i18n;
    if area.width < MIN_W || area.height < MIN_H {
        let text = i.tf(
            "tui.too_small",
            &[
                ("w", &area.width.to_string()),
                ("h", &area.height.to_string()),
                ("min_w", &MIN_W.to_string()),
                ("min_h", &MIN_H.to_string()),
            ],
        );
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let [top, body, msg, keys] = frame_layout(area, message_rows(app, area.width));
    let titles = tab_titles(i);
    let tab = app.screen.tab();
    let selected = Tab::ALL.iter().position(|t| *t == tab).unwrap_or(0);
    let mut now = app.ctx.clock.now().format("%Y-%m-%d %H:%M").to_string();
    if let Some(p) = &app.ctx.paths.patient {
        now = format!("{} · {now}", crate::present::sanitize::visible(p));
    }
    let now_w = unicode_width::UnicodeWidthStr::width(now.as_str()) as u16;
    let [tabs_area, clock_area] =
        Layout::horizontal([Constraint::Min(40), Constraint::Length(now_w + 1)]).areas(top);
    f.render_widget(
        Tabs::new(titles)
            .select(selected)
            .highlight_style(app.ctx.theme.selected())
            .divider("|"),
        tabs_area,
    );
    f.render_widget(
        Paragraph::new(Span::styled(now, app.ctx.theme.dim())),
        clock_area,
    );
    match &app.screen {
        Screen::Today(v) => screens::today::render(f, body, app, v),
        Screen::History(h) => screens::history::render(f, body, app, h),
        Screen::Reminders(r) => screens::reminders::render(f, body, app, r),
        Screen::Trends(t) => screens::trends::render(
            f,
            body,
            t,
            &app.ctx.settings.thresholds,
            &app.ctx.theme,
            &app.ctx.i18n,
        ),
    }
    let i = &app.ctx.i18n;
    if let Some((text, kind)) = &app.message {
        let style = if *kind == app::MessageKind::Error {
            app.ctx.theme.error()
        } else {
            app.ctx.theme.ok()
        };
        f.render_widget(
            Paragraph::new(Line::from(Span::styled(text.clone(), style))).wrap(Wrap { trim: true }),
            msg,
        );
    }
    let hint = match tab {
        // The setup takes every key: its own keys, not the screen's.
        _ if matches!(&app.modal, Some(Modal::Setup(s)) if s.plan_only) => "setup.keys_plan",
        _ if matches!(app.modal, Some(Modal::Setup(_))) => "setup.keys",
        Tab::Today => "hint.today",
        Tab::History => "hint.history",
        Tab::Reminders => "hint.reminders",
        Tab::Trends => "hint.trends",
    };
    let key_line = match app.tab() {
        // A dialog over the screen shows its own keys: the screen's would mislead (`t` does
        // not take a dose while a form is open).
        _ if app
            .modal
            .as_ref()
            .is_some_and(|m| !matches!(m, Modal::Setup(_))) =>
        {
            Line::default()
        }
        // `t` names the slot it answers (issue 13).
        Tab::Today if hint == "hint.today" => widgets::hints::today(app, keys.width),
        _ => Line::from(Span::styled(i.t(hint), app.ctx.theme.dim())),
    };
    f.render_widget(Paragraph::new(key_line), keys);
    match &app.modal {
        // The help takes the whole terminal: at 120×40 every key fits without scrolling.
        Some(Modal::Help) => crate::tui::dialogs::overlays::help(f, f.area(), app),
        Some(Modal::Form(form)) => crate::tui::dialogs::overlays::form(f, body, app, form),
        Some(Modal::Export(form)) => crate::tui::dialogs::overlays::export(f, body, app, form),
        Some(Modal::Slot(c)) => crate::tui::dialogs::slots::render(f, body, app, c),
        Some(Modal::Patients(c)) => crate::tui::dialogs::patients::render(f, body, app, c),
        Some(Modal::Questions(q)) => crate::tui::dialogs::questions::render(f, body, app, q),
        Some(Modal::Revisions(lines)) => {
            crate::tui::dialogs::revisions::render(f, body, app, lines)
        }
        Some(Modal::Setup(s)) => crate::tui::dialogs::setup::render(f, body, app, s),
        Some(Modal::PlanChange(p)) => crate::tui::dialogs::regimen::render(f, body, app, p),
        None => {}
    }
    if let Some(c) = app.confirm {
        crate::tui::dialogs::overlays::confirm(f, body, app, c);
    }
}

/// Run the diary in the terminal until the user quits. The terminal is restored on quit, on
/// error and on panic (ratatui's panic hook).
pub fn run(mut app: App) -> anyhow::Result<()> {
    let mut terminal = ratatui::init();
    // ratatui's hook leaves raw mode and the alternate screen on a panic; mouse reporting is
    // ours to switch off first.
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        ratatui_hook(info);
    }));
    // Bracketed paste: pasted text arrives as one Paste event, never as keys.
    let _ = execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste);
    let signals = signals::Signals::register();
    let result = event_loop(&mut terminal, &mut app, &signals);
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    ratatui::restore();
    let _ = std::panic::take_hook();
    // The terminal shows its cursor again when dropped.
    drop(terminal);
    // Killed (SIGTERM, SIGHUP, SIGINT): the terminal is restored; now end as the signal would.
    signals.finish();
    result
}

/// The signals that end the diary from outside (`kill`, a closed terminal window): the loop
/// stops at the next wake-up and the terminal is restored (session 7: `kill` left it in raw
/// mode, the alternate screen and mouse reporting on). SIGKILL cannot be caught; on Windows a
/// closed console ends the process without a signal the diary could catch.
mod signals {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Signals(Arc<AtomicUsize>);

    impl Signals {
        #[cfg(unix)]
        pub fn register() -> Signals {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let got = Arc::new(AtomicUsize::new(0));
            for sig in [SIGTERM, SIGHUP, SIGINT] {
                // Not registered (never seen): the default action stays, as before.
                let _ = signal_hook::flag::register_usize(sig, Arc::clone(&got), sig as usize);
            }
            Signals(got)
        }

        #[cfg(not(unix))]
        pub fn register() -> Signals {
            Signals(Arc::new(AtomicUsize::new(0)))
        }

        /// A signal arrived.
        pub fn arrived(&self) -> bool {
            self.0.load(Ordering::Relaxed) != 0
        }

        /// After the terminal is restored: end with the signal's own status (128 + n).
        pub fn finish(&self) {
            #[cfg(unix)]
            if let Ok(sig) = i32::try_from(self.0.load(Ordering::Relaxed))
                && sig != 0
            {
                let _ = signal_hook::low_level::emulate_default_handler(sig);
            }
        }
    }
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    signals: &signals::Signals,
) -> anyhow::Result<()> {
    let mut last = Instant::now();
    let mut seen = app.ctx.store.data_version().ok();
    while app.running && !signals.arrived() {
        let size = terminal.size()?;
        app.size = Rect::new(0, 0, size.width, size.height);
        terminal.draw(|f| render(f, app))?;
        // While an export runs, wake often to show its progress.
        let timeout = if app.job.is_some() {
            Duration::from_millis(100)
        } else {
            REFRESH.saturating_sub(last.elapsed()).min(CHANGE_POLL)
        };
        if event::poll(timeout)? {
            match event::read()? {
                Event::Key(k) if k.kind == KeyEventKind::Press => app.on_key(k),
                Event::Mouse(m) => app.on_mouse(m),
                Event::Paste(text) => app.on_paste(&text),
                _ => {}
            }
        } else if app.job.is_none() {
            // Another window or command changed the diary: show it now (an open form keeps
            // what the patient typed; its save is checked against the version it read).
            if app.reload_if_changed(&mut seen) {
                last = Instant::now();
            } else if last.elapsed() >= REFRESH && app.modal.is_none() {
                app.refresh();
                last = Instant::now();
            }
        }
        app.poll_job();
    }
    Ok(())
}

/// Render one frame into a buffer of `w`×`h` and return it as plain text (trailing spaces
/// trimmed). Wide (Chinese) characters take two cells and are written once.
pub fn snapshot(app: &mut App, w: u16, h: u16) -> anyhow::Result<String> {
    app.size = Rect::new(0, 0, w, h);
    let mut t = Terminal::new(TestBackend::new(w, h))?;
    t.draw(|f| render(f, app))?;
    Ok(buffer_text(t.backend().buffer(), Rect::new(0, 0, w, h)))
}

pub fn buffer_text(buf: &ratatui::buffer::Buffer, area: Rect) -> String {
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut skip = 0;
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let s = buf[(x, y)].symbol();
            line.push_str(s);
            skip = unicode_width::UnicodeWidthStr::width(s).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
