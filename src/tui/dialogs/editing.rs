//! What `App::update` does with the form actions: typing, choosing, validating as typed,
//! saving (a new entry or an edit), keeping the form filled when the store refuses.

use crate::app::entry_input::build;
use crate::domain::entry::{Kind, NewEntry};

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
        let clock = self.clock.clone();
        let Some(Modal::Form(f)) = &mut self.modal else {
            return;
        };
        let raw = f.raw();
        let note = Some(f.get("note"));
        let at = f.get("at");
        let r = build(&raw, Some(&at), note, &clock, || None);
        let i = &self.i18n;
        f.show_result(
            r.as_ref()
                .map(|(c, _, _)| c.warnings.iter().map(|w| i.warning(w)).collect()),
            i,
        );
    }

    fn previous_weight(&self) -> Option<f64> {
        self.store
            .latest(Kind::Weight, None)
            .ok()
            .flatten()
            .and_then(|e| match e.data {
                crate::domain::entry::EntryData::Weight(w) => Some(w.kg),
                _ => None,
            })
    }

    pub(crate) fn save_form(&mut self) {
        let prev = self.previous_weight();
        let clock = self.clock.clone();
        let Some(Modal::Form(f)) = &mut self.modal else {
            return;
        };
        f.attempted = true;
        let raw = f.raw();
        let built = build(
            &raw,
            Some(&f.get("at")),
            Some(f.get("note")),
            &clock,
            || prev,
        );
        let (checked, note, at) = match built {
            Ok(b) => b,
            Err(e) => {
                f.error = Some(self.i18n.input_error(&e));
                return;
            }
        };
        let entry = NewEntry {
            at,
            note,
            data: checked.value,
        };
        let now = clock.now();
        let result = match &f.read {
            Some(read) => self.store.update_entry(read, &entry, now),
            None => self.store.add_entry(&entry, now),
        };
        match result {
            Ok(saved) => {
                let warn: Vec<String> = checked
                    .warnings
                    .iter()
                    .map(|w| self.i18n.warning(w))
                    .collect();
                let mut text =
                    crate::present::describe::saved(&saved, f.editing.is_some(), &self.i18n);
                if !warn.is_empty() {
                    text = format!("{text} — {}", warn.join("; "));
                }
                self.modal = None;
                self.refresh();
                self.info(text);
            }
            Err(crate::store::StoreError::Changed(id)) => {
                // Changed elsewhere: reload the entry into the form (what is stored now) and
                // say so; nothing was written.
                let msg = self
                    .i18n
                    .tf("safety.changed_elsewhere", &[("id", &id.to_string())]);
                match self.store.entry(id) {
                    Ok(now) => {
                        let mut g = crate::tui::dialogs::form::Form::edit(&now, &self.i18n);
                        g.error = Some(msg);
                        self.modal = Some(Modal::Form(Box::new(g)));
                    }
                    Err(_) => {
                        self.modal = None;
                        self.error(msg);
                    }
                }
                self.refresh();
            }
            Err(e) => {
                // The form stays filled so the patient can retry.
                f.error = Some(
                    self.i18n
                        .tf("tui.save_failed", &[("reason", &e.to_string())]),
                );
            }
        }
    }
}
