//! Reminders: every item from the engine with its reason and source; Enter logs what it asks.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::present::describe::{reminder_message, severity_mark};
use crate::tui::app::App;

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let i = &app.i18n;
    let th = &app.theme;
    let mut lines: Vec<Line> = Vec::new();
    if app.reminders.is_empty() {
        lines.push(Line::from(Span::styled(i.t("today.nothing_due"), th.ok())));
    }
    for (n, r) in app.reminders.iter().enumerate() {
        let sel = n == app.reminder_selected;
        let mark = Span::styled(
            format!("{} ", severity_mark(r.severity, i)),
            th.severity(r.severity),
        );
        let msg = if sel {
            Span::styled(reminder_message(r, i), th.selected())
        } else {
            Span::raw(reminder_message(r, i))
        };
        lines.push(Line::from(vec![mark, msg]));
        let origin = match r.setting {
            Some(k) if app.settings.is_set_by_team(k.key()) => {
                i.t("settings.set_by_team").to_string()
            }
            Some(_) => i.t("settings.default_short").to_string(),
            None => String::new(),
        };
        let due = r
            .due
            .map(|d| format!("{}  ", d.format("%Y-%m-%d %H:%M")))
            .unwrap_or_default();
        lines.push(Line::from(Span::styled(
            format!(
                "    {due}{}{}",
                crate::present::describe::refs_text(r.refs(), i),
                if origin.is_empty() {
                    String::new()
                } else {
                    format!(" ({origin})")
                }
            ),
            th.dim(),
        )));
    }
    // Keep the selection in view: two lines per item.
    let visible = area.height.saturating_sub(2) as usize;
    let want = app.reminder_selected * 2 + 2;
    let scroll = want.saturating_sub(visible) as u16;
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(Span::styled(i.t("reminders.title"), th.title())),
            ),
        area,
    );
}
