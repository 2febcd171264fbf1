//! History: a table of entries, newest first, filterable by kind; only the visible rows are
//! built, so thousands of rows scroll as fast as ten.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use crate::present::describe::{truncate, value, what};
use crate::tui::app::App;

/// Draw, and return (screen row of the first data row, index of the first visible row).
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

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let i = &app.i18n;
    let h = &app.history;
    let filter = h
        .filter
        .map(|k| i.t(&k.label_key()).to_string())
        .unwrap_or_else(|| i.t("history.all").to_string());
    let range = i.t(&h.range.label_key());
    let title = i.tf(
        "history.title",
        &[
            ("filter", &filter),
            ("range", range),
            ("n", &h.rows.len().to_string()),
        ],
    );
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let offset = first_visible(h.selected, area.height);
    let rows: Vec<Row> = h
        .rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(n, e)| {
            let mut w = what(&e.data, i);
            if e.deleted {
                w = format!("{w} {}", i.t("cli.deleted_mark"));
            }
            let style = if n == h.selected {
                app.theme.selected()
            } else {
                ratatui::style::Style::new()
            };
            Row::new(vec![
                Cell::from(e.id.to_string()),
                Cell::from(e.at.format("%Y-%m-%d %H:%M").to_string()),
                Cell::from(truncate(&w, 22)),
                Cell::from(truncate(&value(&e.data, i), 30)),
                Cell::from(truncate(
                    &e.note.clone().unwrap_or_default().replace('\n', " "),
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
    .style(app.theme.label());
    let table = Table::new(
        rows,
        [
            Constraint::Length(6),
            Constraint::Length(16),
            Constraint::Length(22),
            Constraint::Length(30),
            Constraint::Min(8),
        ],
    )
    .header(header)
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(title, app.theme.title())),
    );
    f.render_widget(table, area);
}
