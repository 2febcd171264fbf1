//! `h` in History: the selected entry's edit history over the screen, the same lines as
//! `itp-diary history ID` (`present::revisions`). Any key closes it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::tui::app::{App, Modal};

impl App {
    /// Open the selected entry's edit history, or close it when it is open.
    pub(crate) fn toggle_revisions(&mut self) {
        if matches!(self.modal, Some(Modal::Revisions(_))) {
            self.modal = None;
            return;
        }
        let Some(id) = self.history().current().map(|e| e.id) else {
            return;
        };
        let read = self
            .ctx
            .store
            .entry_history(id)
            .and_then(|v| Ok((v, self.ctx.store.entry(id)?)));
        match read {
            Ok((versions, now)) => {
                let offset = *self.ctx.clock.now().offset();
                let lines =
                    crate::present::revisions::lines(id, &versions, &now, offset, &self.ctx.i18n);
                self.modal = Some(Modal::Revisions(lines));
            }
            Err(e) => self.error(self.ctx.i18n.tf(
                "safety.entry_history_failed",
                &[("id", &id.to_string()), ("reason", &e.to_string())],
            )),
        }
    }
}

/// The overlay: the title line as the box title, the versions wrapped inside.
pub fn render(f: &mut Frame, area: Rect, app: &App, lines: &[String]) {
    // Over the screen's border column too: a wide (Chinese) character left half-covered
    // under the box's edge would hide the edge.
    let r = crate::tui::dialogs::overlays::centered(
        area,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    f.render_widget(Clear, r);
    let (title, rest) = lines
        .split_first()
        .map_or(("", &[][..]), |(t, r)| (t.as_str(), r));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title.to_string(), app.ctx.theme.title()));
    let text: Vec<Line> = rest.iter().map(|l| Line::from(l.clone())).collect();
    f.render_widget(
        Paragraph::new(text).block(block).wrap(Wrap { trim: false }),
        r,
    );
}
