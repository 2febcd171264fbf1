//! `V` on Today: the questions for the next clinic visit (the report prints them). `a` adds
//! one, `d` or `Enter` marks the selected one answered, `Esc` closes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::present::sanitize::visible;
use crate::store::StoreError;
use crate::tui::action::Action;
use crate::tui::app::{App, Modal};
use crate::tui::dialogs::form::{Defaults, Form};
use crate::tui::dialogs::setup::{edit_fields, form, text};

/// The open questions (id, text), the selection, and the line being typed when adding.
#[derive(Clone, Debug, PartialEq)]
pub struct Questions {
    pub items: Vec<(i64, String)>,
    pub selected: usize,
    pub adding: Option<Form>,
    pub error: Option<String>,
}

impl App {
    fn open_questions_list(&self) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(self
            .ctx
            .store
            .questions(false)?
            .into_iter()
            .map(|q| (q.id, q.text))
            .collect())
    }

    /// Show the questions for the next visit.
    pub(crate) fn open_questions(&mut self) {
        match self.open_questions_list() {
            Ok(items) => {
                self.modal = Some(Modal::Questions(Box::new(Questions {
                    items,
                    selected: 0,
                    adding: None,
                    error: None,
                })))
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// The keys of the questions overlay; `false` when it is not open.
    pub(crate) fn questions_key(&mut self, a: Action) -> bool {
        if !matches!(self.modal, Some(Modal::Questions(_))) {
            return false;
        }
        let Some(Modal::Questions(mut q)) = self.modal.take() else {
            return false;
        };
        let open = match q.adding.take() {
            Some(f) => self.adding_key(&mut q, f, a),
            None => self.list_key(&mut q, a),
        };
        if open {
            self.modal = Some(Modal::Questions(q));
        }
        true
    }

    /// Typing a new question. Returns whether the overlay stays open.
    fn adding_key(&mut self, q: &mut Questions, mut f: Form, a: Action) -> bool {
        match a {
            Action::FormSave => {
                let typed = f.get("question").trim().to_string();
                let problem = crate::app::entry_input::free_text_error("question", &typed, false);
                let refused = match problem {
                    _ if typed.is_empty() => Some(self.ctx.i18n.t("questions.empty").to_string()),
                    None => None,
                    Some(e) => Some(self.ctx.i18n.validation(&e)),
                };
                if let Some(msg) = refused {
                    q.error = Some(msg);
                    q.adding = Some(f);
                    return true;
                }
                match self.ctx.store.add_question(&typed, self.ctx.clock.now()) {
                    Ok(_) => {
                        q.error = None;
                        q.items = self.open_questions_list().unwrap_or_default();
                        q.selected = q.items.len().saturating_sub(1);
                    }
                    Err(e) => {
                        q.error = Some(e.to_string());
                        q.adding = Some(f);
                    }
                }
            }
            Action::FormCancel => q.error = None,
            Action::Quit => return false,
            other => {
                edit_fields(&mut f, other, &self.ctx.i18n, &Defaults::default());
                q.adding = Some(f);
            }
        }
        true
    }

    /// Moving in the list, adding, answering. Returns whether the overlay stays open.
    fn list_key(&mut self, q: &mut Questions, a: Action) -> bool {
        let n = q.items.len();
        match a {
            Action::Up | Action::FormPrev if n > 0 => q.selected = (q.selected + n - 1) % n,
            Action::Down | Action::FormNext if n > 0 => q.selected = (q.selected + 1) % n,
            Action::FormChar('a') | Action::FormChar('n') => {
                q.adding = Some(form(vec![text("question", "")]));
            }
            Action::FormChar('d') | Action::FormSave if n > 0 => {
                let id = q.items[q.selected].0;
                match self.ctx.store.answer_question(id, self.ctx.clock.now()) {
                    Ok(()) => {
                        q.items = self.open_questions_list().unwrap_or_default();
                        q.selected = q.selected.min(q.items.len().saturating_sub(1));
                    }
                    Err(e) => q.error = Some(e.to_string()),
                }
            }
            Action::FormCancel | Action::Quit => return false,
            _ => {}
        }
        true
    }
}

pub fn render(f: &mut Frame, area: Rect, app: &App, q: &Questions) {
    let (i, th) = (&app.ctx.i18n, &app.ctx.theme);
    let mut lines = Vec::new();
    if q.items.is_empty() {
        lines.push(Line::from(Span::styled(i.t("questions.none"), th.dim())));
    }
    for (n, (_, t)) in q.items.iter().enumerate() {
        let style = if n == q.selected && q.adding.is_none() {
            th.selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::from(Span::styled(
            format!("{}. {}", n + 1, visible(t)),
            style,
        )));
    }
    lines.push(Line::from(""));
    if let Some(form) = &q.adding {
        let field = &form.fields[0];
        let (before, under, after) = super::line_edit::split(&field.value, field.cursor);
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", i.t("questions.new")), th.label()),
            Span::raw(visible(&before).into_owned()),
            Span::styled(visible(&under).into_owned(), th.selected()),
            Span::raw(visible(&after).into_owned()),
        ]));
    }
    if let Some(e) = &q.error {
        lines.push(Line::from(Span::styled(e.clone(), th.urgent())));
    }
    let keys = if q.adding.is_some() {
        "questions.keys_adding"
    } else {
        "questions.keys"
    };
    lines.push(Line::from(Span::styled(i.t(keys), th.dim())));
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = crate::tui::dialogs::overlays::centered(area, 76, h);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(i.t("questions.title"), th.title())),
        ),
        r,
    );
}
