//! History: a table of entries, newest first, filterable by kind. The store is read a page at
//! a time (keyset on `(at_utc, id)`): only a window of [`WINDOW`] rows around the selection is
//! held, the total comes from a SQL count, and the list is read again only when the diary
//! changed (`PRAGMA data_version` and this connection's own changes), so a 100-year diary
//! opens and scrolls like a new one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Utc};

use crate::app::facts;
use crate::domain::clock::Clock;
use crate::domain::drugs::Drug;
use crate::domain::entry::{Analyte, Entry, EntryData, Kind};
use crate::domain::overview::{TroughBand, trough_target};
use crate::domain::ranges::HistoryRange;
use crate::domain::response::PlateletBand;
use crate::present::describe::{truncate, value, what};
use crate::present::level::{Tone, judge};
use crate::store::{DataVersion, EntryFilter, Order, Result, Store};
use crate::tui::action::Action;
use crate::tui::app::{App, Confirm, Modal};
use crate::tui::dialogs::form::Form;
use crate::tui::screens::{Screen, step};

/// Rows read per page.
pub const PAGE: usize = 100;
/// Rows held at most (the visible ones plus a margin on each side).
pub const WINDOW: usize = 3 * PAGE;

/// The history list: a window of the filtered entries (newest first) and the selection.
#[derive(Clone, Debug, Default)]
pub struct History {
    pub filter: Option<Kind>,
    /// The date range (`R` cycles).
    pub range: HistoryRange,
    /// The selected row: its position among all matching entries (0 = newest).
    pub selected: usize,
    /// How many entries match (SQL count).
    pub total: usize,
    /// Position of `rows[0]` among all matching entries.
    pub base: usize,
    /// The loaded window, newest first.
    pub rows: Vec<Entry>,
    /// Read again before showing (filter or range changed).
    pub stale: bool,
    /// The diary's version when `rows` were read.
    seen: Option<DataVersion>,
    query: EntryFilter,
    /// The text search applied (`/`), run by the store.
    pub search: Option<crate::store::TextMatch>,
    /// The search line while it is typed.
    pub typing: Option<super::history_search::SearchLine>,
    /// For each loaded drug level that names no previous dose (by entry id), the last dose
    /// logged as taken before its draw: the row is judged as Today and the rules judge it.
    logged: HashMap<i64, Option<DateTime<FixedOffset>>>,
}

fn key(e: &Entry) -> (chrono::DateTime<Utc>, i64) {
    (e.at.with_timezone(&Utc), e.id)
}

impl History {
    /// The selected entry, when loaded.
    pub fn current(&self) -> Option<&Entry> {
        self.selected
            .checked_sub(self.base)
            .and_then(|i| self.rows.get(i))
    }

    /// Back to the newest row, read again before showing (the filter, range or search changed).
    pub(crate) fn restart(&mut self) {
        self.selected = 0;
        self.stale = true;
    }

    /// Read the list again if the diary changed since it was read (or the filter or range
    /// did); otherwise nothing is read.
    pub fn refresh(&mut self, store: &Store, clock: &Clock) -> Result<()> {
        let version = store.data_version()?;
        let restart = self.stale || self.seen.is_none();
        if !restart && self.seen == Some(version) {
            return Ok(());
        }
        self.stale = false;
        self.logged.clear();
        self.query = self.filter_at(store, clock)?;
        self.total = store.count_matching(&self.query)?;
        self.selected = self.selected.min(self.total.saturating_sub(1));
        // Keep the window where it was: read again from its first row on.
        let anchor = self
            .rows
            .first()
            .filter(|_| self.base > 0 && !restart)
            .map(key);
        self.rows.clear();
        match anchor {
            // Inclusive of the anchor itself: "past (time, id + 1)".
            Some((at, id)) => {
                let from = Some((at, id.saturating_add(1)));
                self.rows = store.entries(&self.page_query(Order::NewestFirst, from, WINDOW))?;
            }
            None => {
                self.base = 0;
                self.rows = store.entries(&self.page_query(Order::NewestFirst, None, WINDOW))?;
            }
        }
        self.seen = Some(version);
        self.show(store, 0)
    }

    fn filter_at(&self, store: &Store, clock: &Clock) -> Result<EntryFilter> {
        let last_visit = match self.range {
            HistoryRange::SinceVisit => facts::last_visit(store, clock.now())?,
            _ => None,
        };
        let from = self.range.start(clock.now(), last_visit);
        Ok(EntryFilter {
            kind: self.filter,
            from: from.map(|t| t.with_timezone(&Utc)),
            text: self.search.clone(),
            ..Default::default()
        })
    }

    fn page_query(
        &self,
        order: Order,
        after: Option<(chrono::DateTime<Utc>, i64)>,
        n: usize,
    ) -> EntryFilter {
        EntryFilter {
            order,
            after,
            limit: Some(n),
            ..self.query.clone()
        }
    }

    /// Select row `i` (clamped) and read whatever pages it needs, keeping `visible` rows and a
    /// page of margin loaded around it.
    pub fn select(&mut self, store: &Store, i: usize, visible: usize) -> Result<()> {
        self.selected = i.min(self.total.saturating_sub(1));
        self.show(store, visible)
    }

    fn show(&mut self, store: &Store, visible: usize) -> Result<()> {
        let (want_lo, want_hi) = (
            self.selected.saturating_sub(visible + PAGE / 2),
            (self.selected + visible + PAGE / 2).min(self.total),
        );
        // A jump far from the window (Home, End): start again at that end.
        let empty = self.rows.is_empty() && self.base > 0;
        if empty || want_hi < self.base || want_lo > self.base + self.rows.len() + PAGE {
            if self.selected < self.total / 2 {
                self.base = 0;
                self.rows = store.entries(&self.page_query(Order::NewestFirst, None, WINDOW))?;
            } else {
                let mut r = store.entries(&self.page_query(Order::OldestFirst, None, WINDOW))?;
                r.reverse();
                self.base = self.total.saturating_sub(r.len());
                self.rows = r;
            }
        }
        while want_lo < self.base {
            let Some(first) = self.rows.first().map(key) else {
                break;
            };
            let mut more =
                store.entries(&self.page_query(Order::OldestFirst, Some(first), PAGE))?;
            if more.is_empty() {
                self.base = 0;
                break;
            }
            more.reverse();
            self.base = self.base.saturating_sub(more.len());
            more.append(&mut self.rows);
            self.rows = more;
            let keep = WINDOW.max(visible + 2 * PAGE);
            self.rows.truncate(keep);
        }
        while want_hi > self.base + self.rows.len() {
            let last = self.rows.last().map(key);
            let more = store.entries(&self.page_query(Order::NewestFirst, last, PAGE))?;
            if more.is_empty() {
                self.total = self.base + self.rows.len();
                break;
            }
            self.rows.extend(more);
            let keep = WINDOW.max(visible + 2 * PAGE);
            if self.rows.len() > keep {
                let drop = self.rows.len() - keep;
                self.rows.drain(..drop);
                self.base += drop;
            }
        }
        self.read_logged_doses(store)
    }

    /// [`History::logged`] for the loaded levels not yet looked up.
    fn read_logged_doses(&mut self, store: &Store) -> Result<()> {
        for e in &self.rows {
            let EntryData::Lab(l) = &e.data else { continue };
            if l.analyte == Analyte::CsaTrough
                && l.last_dose_at.is_none()
                && !self.logged.contains_key(&e.id)
            {
                let dose = store.last_taken_dose(Drug::Cyclosporine, e.at.with_timezone(&Utc))?;
                self.logged.insert(e.id, dose);
            }
        }
        Ok(())
    }

    /// The last dose logged as taken before the drug level `e`, when it names none.
    pub fn logged_dose(&self, e: &Entry) -> Option<DateTime<FixedOffset>> {
        self.logged.get(&e.id).copied().flatten()
    }
}

impl History {
    /// A click on screen row `row` of the list drawn in `body` selects that entry.
    pub(crate) fn click(&mut self, row: u16, body: Rect) {
        let top = body.y + ROWS_ABOVE;
        if row >= top && row + 1 < body.bottom() {
            let i = first_visible(self.selected, body.height) + usize::from(row - top);
            if i < self.total {
                self.selected = i;
            }
        }
    }
}

/// The history's kind filter after `f`: all kinds, then each kind in turn.
fn next_filter(f: Option<Kind>) -> Option<Kind> {
    let all = Kind::ALL;
    match f {
        None => Some(all[0]),
        Some(k) => all
            .iter()
            .position(|x| *x == k)
            .and_then(|p| all.get(p + 1))
            .copied(),
    }
}

/// History's keys.
impl App {
    pub(crate) fn history_action(&mut self, a: Action) {
        match a {
            Action::Search => self.start_search(),
            Action::EntryHistory => self.toggle_revisions(),
            Action::Edit => {
                if let Some(e) = self.history().current() {
                    let f = Form::edit(e, &self.ctx.i18n);
                    self.modal = Some(Modal::Form(Box::new(f)));
                }
            }
            Action::Delete => {
                if let Some(e) = self.history().current() {
                    self.confirm = Some(Confirm::Delete(e.id));
                }
            }
            Action::CycleFilter => {
                let h = self.history_mut();
                h.filter = next_filter(h.filter);
                h.restart();
                self.load_screen();
            }
            Action::CycleRange => {
                let h = self.history_mut();
                h.range = h.range.next();
                h.restart();
                self.load_screen();
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End => self.move_in_history(a),
            _ => {}
        }
    }

    fn move_in_history(&mut self, a: Action) {
        let Screen::History(h) = &mut self.screen else {
            return;
        };
        if h.total == 0 {
            return;
        }
        let i = step(h.selected, h.total, a);
        h.selected = i;
        if let Err(e) = h.select(&self.ctx.store, i, PAGE) {
            self.error(e.to_string());
        }
    }
}

/// The value with its mark (↓ ↑, trough / not a trough / timing unknown, hours after the
/// dose), coloured when it is out of range.
fn value_cell(e: &Entry, target: (f64, f64), app: &App) -> Cell<'static> {
    let i = &app.ctx.i18n;
    let th = &app.ctx.theme;
    let logged = match &app.screen {
        Screen::History(h) => h.logged_dose(e),
        _ => None,
    };
    let j = judge(e, target, logged, &app.ctx.settings.thresholds, i);
    let text = if j.mark.is_empty() {
        value(&e.data, i)
    } else {
        format!("{} {}", value(&e.data, i), j.mark.trim_end())
    };
    let style = match j.tone {
        Tone::Band(
            b @ (PlateletBand::HighRisk | PlateletBand::BelowTreatment | PlateletBand::BelowTarget),
        ) => th.band(b),
        Tone::Trough(b) if b != TroughBand::InTarget => th.trough(b),
        Tone::Out => th.warn(),
        Tone::Unjudged => th.dim(),
        _ => ratatui::style::Style::new(),
    };
    Cell::from(Span::styled(truncate(&text, 44), style))
}

/// Rows above the first entry: the border and the header.
pub const ROWS_ABOVE: u16 = 2;

/// The index of the first visible entry when `selected` must be in view in a box of `height`
/// rows (the same for drawing and for mouse clicks).
pub fn first_visible(selected: usize, height: u16) -> usize {
    let visible = usize::from(height.saturating_sub(3)).max(1);
    if selected >= visible {
        selected + 1 - visible
    } else {
        0
    }
}

pub fn render(f: &mut Frame, area: Rect, app: &App, h: &History) {
    let i = &app.ctx.i18n;
    let filter = h
        .filter
        .map(|k| i.t(&k.label_key()).to_string())
        .unwrap_or_else(|| i.t("history.all").to_string());
    let range = i.t(&h.range.label_key());
    let mut title = i.tf(
        "history.title",
        &[
            ("filter", &filter),
            ("range", range),
            ("n", &h.total.to_string()),
        ],
    );
    if let Some(line) = &h.typing {
        let (before, under, after) = crate::tui::dialogs::line_edit::split(&line.text, line.cursor);
        let shown = format!("{before}{}{after}", if under == " " { "▏" } else { &under });
        title.push_str(&i.tf("search.typing", &[("words", &shown)]));
    } else if let Some(m) = &h.search {
        title.push_str(&i.tf("search.active", &[("words", &m.words)]));
    }
    let regimen = app.view.overview.as_ref().and_then(|o| o.regimen.as_ref());
    let (lo, hi, _) = trough_target(regimen, &app.ctx.settings.thresholds);
    let target = (lo, hi);
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let offset = first_visible(h.selected, area.height);
    let rows: Vec<Row> = h
        .rows
        .iter()
        .enumerate()
        .map(|(n, e)| (n + h.base, e))
        .skip_while(|(n, _)| *n < offset)
        .take(visible)
        .map(|(n, e)| {
            let mut w = what(&e.data, i);
            if e.deleted {
                w = format!("{w} {}", i.t("cli.deleted_mark"));
            }
            let style = if n == h.selected {
                app.ctx.theme.selected()
            } else {
                ratatui::style::Style::new()
            };
            Row::new(vec![
                Cell::from(e.id.to_string()),
                Cell::from(e.at.format("%Y-%m-%d %H:%M").to_string()),
                Cell::from(truncate(&w, 22)),
                value_cell(e, target, app),
                Cell::from(truncate(
                    &crate::present::sanitize::visible(e.note.as_deref().unwrap_or(""))
                        .replace('\n', " "),
                    40,
                )),
            ])
            .style(style)
        })
        .collect();
    let header = Row::new(vec![
        Cell::from(i.t("cli.col_id")),
        Cell::from(i.t("cli.col_time")),
        Cell::from(i.t("cli.col_what")),
        Cell::from(i.t("cli.col_value")),
        Cell::from(i.t("cli.col_note")),
    ])
    .style(app.ctx.theme.label());
    let table = Table::new(
        rows,
        [
            Constraint::Length(6),
            Constraint::Length(16),
            Constraint::Length(22),
            Constraint::Length(40),
            Constraint::Min(8),
        ],
    )
    .header(header)
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(title, app.ctx.theme.title())),
    );
    f.render_widget(table, area);
}
