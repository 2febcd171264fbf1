//! What `App::update` does with the form actions: typing, choosing, validating as typed,
//! saving (a new entry or an edit), keeping the form filled when the store refuses.

use crate::app::entries::{self, SaveError, Saved};

use crate::tui::action::Action;
use crate::tui::app::{App, Modal};

/// Editing and saving forms: what `App::update` does with the form actions.
impl App {
    pub(crate) fn edit_form(&mut self, a: Action) {
        if let Some(Modal::Export(f)) = &mut self.modal {
            match a {
                Action::FormNext => f.focus = (f.focus + 1) % 4,
                Action::FormPrev => f.focus = (f.focus + 3) % 4,
                Action::FormLeft => f.cycle(false, &self.export_dir, &self.clock),
                Action::FormRight => f.cycle(true, &self.export_dir, &self.clock),
                Action::FormBackspace if f.focus == 3 => {
                    f.path.pop();
                }
                Action::FormChar(c) if f.focus == 3 => f.path.push(c),
                _ => {}
            }
            return;
        }
        let d = self.defaults();
        let Some(Modal::Form(f)) = &mut self.modal else {
            return;
        };
        match a {
            Action::FormNext => f.next(),
            Action::FormPrev => f.prev(),
            Action::FormLeft => f.cycle(false, &self.i18n, &d),
            Action::FormRight => f.cycle(true, &self.i18n, &d),
            Action::FormBackspace => f.backspace(),
            Action::FormChar(c) => f.type_char(c),
            _ => {}
        }
        self.validate_form();
    }

    /// Validate the form as typed; the message shows once something was typed.
    fn validate_form(&mut self) {
        let Some(Modal::Form(f)) = &mut self.modal else {
            return;
        };
        let draft = f.draft();
        let r = entries::check(None, &draft, &self.clock, None);
        let i = &self.i18n;
        f.show_result(
            r.as_ref()
                .map(|b| b.warnings.iter().map(|w| i.warning(w)).collect()),
            i,
        );
    }

    pub(crate) fn save_form(&mut self) {
        let Some(Modal::Form(f)) = &mut self.modal else {
            return;
        };
        f.attempted = true;
        let draft = f.draft();
        let result = match f.editing {
            Some(id) => self
                .store
                .entry(id)
                .map_err(SaveError::from)
                .and_then(|read| entries::edit(&mut self.store, &read, &draft, &self.clock)),
            None => entries::save(&mut self.store, &draft, &self.clock),
        };
        match result {
            Ok(saved) => {
                let text = self.saved_text(&saved);
                self.modal = None;
                self.refresh();
                self.info(text);
            }
            Err(SaveError::Input(e)) => f.error = Some(self.i18n.input_error(&e)),
            Err(SaveError::Store(e)) => {
                // The form stays filled so the patient can retry.
                f.error = Some(
                    self.i18n
                        .tf("tui.save_failed", &[("reason", &e.to_string())]),
                );
            }
        }
    }

    /// "Saved #id …", with the warnings after a dash.
    pub(crate) fn saved_text(&self, saved: &Saved) -> String {
        let text = crate::present::describe::saved(&saved.entry, saved.edited, &self.i18n);
        let warn: Vec<String> = saved
            .warnings
            .iter()
            .map(|w| self.i18n.warning(w))
            .collect();
        if warn.is_empty() {
            text
        } else {
            format!("{text} — {}", warn.join("; "))
        }
    }
}
