//! History: a table of entries, newest first, filterable by kind; only the visible rows are
//! built, so thousands of rows scroll as fast as ten.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use crate::domain::entry::Entry;
use crate::domain::overview::trough_target;
use crate::present::describe::{truncate, value, what};
use crate::present::level::{Tone, judge};
use crate::tui::app::App;

/// The value with its mark (↓ ↑, trough / not a trough / timing unknown, hours after the
/// dose), coloured when it is out of range.
fn value_cell(e: &Entry, target: (f64, f64), app: &App) -> Cell<'static> {
    let i = &app.i18n;
    let th = &app.theme;
    let j = judge(e, target, &app.settings.thresholds, i);
    let text = if j.mark.is_empty() {
        value(&e.data, i)
    } else {
        format!("{} {}", value(&e.data, i), j.mark.trim_end())
    };
    let style = match j.tone {
        Tone::Band(b @ ("high_risk" | "below_30" | "from_30")) => th.band(b),
        Tone::Trough(b) if b != "in_target" => th.trough(b),
        Tone::Out => th.warn(),
        Tone::Unjudged => th.dim(),
        _ => ratatui::style::Style::new(),
    };
    Cell::from(Span::styled(truncate(&text, 40), style))
}

/// Draw, and return (screen row of the first data row, index of the first visible row).
pub fn render(f: &mut Frame, area: Rect, app: &App) -> (u16, usize) {
    let i = &app.i18n;
    let h = &app.history;
    let filter = h
        .filter
        .map(|k| i.t(&k.label_key()).to_string())
        .unwrap_or_else(|| i.t("history.all").to_string());
    let range = i.t(&format!(
        "history.range_{}",
        crate::tui::app::HISTORY_RANGES[h.range % crate::tui::app::HISTORY_RANGES.len()]
    ));
    let title = i.tf(
        "history.title",
        &[
            ("filter", &filter),
            ("range", range),
            ("n", &h.rows.len().to_string()),
        ],
    );
    let regimen = app.overview.as_ref().and_then(|o| o.regimen.as_ref());
    let (lo, hi, _) = trough_target(regimen, &app.settings.thresholds);
    let target = (lo, hi);
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let offset = if h.selected >= visible {
        h.selected + 1 - visible
    } else {
        0
    };
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
                value_cell(e, target, app),
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
            Constraint::Length(40),
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
    (area.y + 2, offset)
}
