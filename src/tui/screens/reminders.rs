//! Reminders: every item from the engine with its reason and source; Enter logs what it asks.
//!
//! Each item is wrapped to the list's width before drawing (Chinese characters take two
//! columns), so a `List` knows its height: the selection stays in view in both languages and
//! no line reaches the border.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState};
use unicode_width::UnicodeWidthStr;

use crate::domain::reminders::Reminder;
use crate::present::describe::{reminder_message, severity_mark};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::screens::step;
use crate::tui::screens::upcoming::Upcoming;
use crate::tui::widgets::wrap::wrap;

/// Columns before the source line of an item.
const SOURCE_INDENT: usize = 4;

/// Reminders' own state: the selected item and the "Upcoming" section (loaded when shown).
#[derive(Clone, Debug, Default)]
pub struct RemindersState {
    /// The selected row of the due items (the app's `View::reminders`).
    pub selected: usize,
    pub upcoming: Vec<Upcoming>,
}

/// Reminders' keys: move through the items, Enter logs what the selected one asks for.
impl App {
    pub(crate) fn reminders_action(&mut self, a: Action) {
        match a {
            Action::Activate => self.activate_reminder(),
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End => {
                let len = self.view.reminders.len();
                if len > 0 {
                    let r = self.reminders_state_mut();
                    r.selected = step(r.selected, len, a);
                }
            }
            _ => {}
        }
    }
}

/// `text` wrapped to `width`, the first line after `first` (styled `lead`), the others indented
/// by as many columns.
fn wrapped<'a>(
    first: String,
    lead: Style,
    text: &str,
    style: Style,
    width: usize,
) -> Vec<Line<'a>> {
    let indent = first.width();
    wrap(text, width.saturating_sub(indent))
        .into_iter()
        .enumerate()
        .map(|(n, l)| {
            let head = if n == 0 {
                Span::styled(first.clone(), lead)
            } else {
                Span::raw(" ".repeat(indent))
            };
            Line::from(vec![head, Span::styled(l, style)])
        })
        .collect()
}

/// One reminder as list lines: the mark and the message, then when and where it comes from.
fn item<'a>(app: &App, r: &Reminder, selected: bool, width: usize) -> ListItem<'a> {
    let (i, th) = (&app.ctx.i18n, &app.ctx.theme);
    let msg_style = if selected {
        th.selected()
    } else {
        Style::new()
    };
    let mut lines = wrapped(
        format!("{} ", severity_mark(r.severity, i)),
        th.severity(r.severity),
        &reminder_message(r, i),
        msg_style,
        width,
    );
    let origin = match r.setting {
        Some(k) if app.ctx.settings.is_set_by_team(k.key()) => {
            format!(" ({})", i.t("settings.set_by_team"))
        }
        Some(_) => format!(" ({})", i.t("settings.default_short")),
        None => String::new(),
    };
    let due = r
        .due
        .map(|d| format!("{}  ", d.format("%Y-%m-%d %H:%M")))
        .unwrap_or_default();
    lines.extend(wrapped(
        " ".repeat(SOURCE_INDENT),
        th.dim(),
        &format!(
            "{due}{}{origin}",
            crate::present::describe::refs_text(r.refs(), i)
        ),
        th.dim(),
        width,
    ));
    ListItem::new(lines)
}

pub fn render(f: &mut Frame, area: Rect, app: &App, state: &RemindersState) {
    // The due items first; the upcoming dates below them, as much as fits.
    let below = crate::tui::screens::upcoming::height(app, &state.upcoming, area.width)
        .min(area.height / 2);
    let [area, rest] = ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Min(3),
        ratatui::layout::Constraint::Length(below),
    ])
    .areas(area);
    if below > 0 {
        crate::tui::screens::upcoming::render(f, rest, app, &state.upcoming);
    }
    let i = &app.ctx.i18n;
    let th = &app.ctx.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(i.t("reminders.title"), th.title()));
    let width = usize::from(block.inner(area).width);
    let items: Vec<ListItem> = if app.view.reminders.is_empty() {
        vec![ListItem::new(Line::from(Span::styled(
            i.t("today.nothing_due"),
            th.ok(),
        )))]
    } else {
        app.view
            .reminders
            .iter()
            .enumerate()
            .map(|(n, r)| item(app, r, n == state.selected, width))
            .collect()
    };
    // A fresh state each frame: the list scrolls just far enough to show the selected item
    // whole, from its measured height; drawing writes nothing back into the app.
    let mut state = ListState::default()
        .with_selected((!app.view.reminders.is_empty()).then_some(state.selected));
    f.render_stateful_widget(List::new(items).block(block), area, &mut state);
}
