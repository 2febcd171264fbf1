//! What `App::update` does with entries: form typing, choosing, validating as typed, saving (a
//! new entry or an edit; the form stays filled when the store refuses), the one-key dose,
//! delete and undo, and the form a reminder asks for. Every write goes through `app::entries`.

use crate::app::entries::{self, Draft, SaveError, Saved};
use crate::app::entry_input::RawEntry;
use crate::domain::dosing::SlotState;
use crate::domain::entry::DoseStatus;
use crate::tui::action::Action;
use crate::tui::app::{App, Modal};
use crate::tui::dialogs::form::Form;

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
            Action::FormLine(e) => f.edit_line(e),
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
        // An edit states the version it read when the form opened: a row that moved since
        // is refused, never overwritten.
        let result = match &f.read {
            Some(read) => entries::edit(&mut self.store, read, &draft, &self.clock),
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
            Err(SaveError::Store(crate::store::StoreError::Changed(id))) => {
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

    /// Log the next due (or next upcoming) dose of today as taken or skipped, now.
    pub(crate) fn dose_now(&mut self, status: DoseStatus) {
        let Some(o) = &self.overview else { return };
        let (Some(r), now) = (o.regimen.as_ref(), self.clock.now()) else {
            self.info(self.i18n.t("regimen.none_active").to_string());
            return;
        };
        let slot = o
            .slots
            .iter()
            .find(|s| s.state == SlotState::Due)
            .or_else(|| {
                o.slots.iter().find(|s| {
                    s.state == SlotState::Upcoming && s.at.date_naive() == now.date_naive()
                })
            });
        let Some(slot) = slot else {
            self.info(self.i18n.t("tui.no_dose_due").to_string());
            return;
        };
        let step = r.step_on(slot.at.date_naive());
        let raw = RawEntry::Dose {
            drug: r.drug.code().to_string(),
            amount: Some(format!("{}", slot.amount)),
            unit: step.map(|s| s.unit.clone()),
            mg_per_ml: None,
            route: Some(r.route.code().to_string()),
            formulation: step.and_then(|s| s.formulation.clone()),
            status,
            scheduled: Some(slot.at.to_rfc3339()),
        };
        let draft = Draft {
            raw,
            at: None,
            note: None,
        };
        match entries::save(&mut self.store, &draft, &self.clock) {
            Ok(saved) => {
                let text = self.saved_text(&saved);
                self.refresh();
                self.info(text);
            }
            Err(SaveError::Input(e)) => self.error(self.i18n.input_error(&e)),
            Err(SaveError::Store(e)) => self.error(
                self.i18n
                    .tf("tui.save_failed", &[("reason", &e.to_string())]),
            ),
        }
    }

    /// Delete the entry as the history shows it (undoable).
    pub(crate) fn delete(&mut self, id: i64) {
        let read = match self.history.rows.iter().find(|e| e.id == id) {
            Some(e) => Ok(e.clone()),
            None => self.store.entry(id),
        };
        match read.and_then(|e| entries::delete(&mut self.store, &e, &self.clock)) {
            Ok(()) => {
                self.undo.push(id);
                self.refresh();
                self.info(self.i18n.tf("tui.deleted", &[("id", &id.to_string())]));
            }
            Err(crate::store::StoreError::Changed(id)) => {
                self.refresh();
                self.error(
                    self.i18n
                        .tf("safety.changed_elsewhere", &[("id", &id.to_string())]),
                );
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Undo the last delete of this session.
    pub(crate) fn undo_delete(&mut self) {
        let Some(id) = self.undo.pop() else {
            self.info(self.i18n.t("tui.nothing_to_undo").to_string());
            return;
        };
        let result = self
            .store
            .entry(id)
            .and_then(|read| entries::undelete(&mut self.store, &read, &self.clock));
        match result {
            Ok(()) => {
                self.refresh();
                self.info(self.i18n.tf("cli.undeleted", &[("id", &id.to_string())]));
            }
            Err(e) => {
                self.undo.push(id);
                self.error(e.to_string());
            }
        }
    }

    /// Enter on a reminder: open the form that records what it asks for.
    pub(crate) fn activate_reminder(&mut self) {
        let Some(r) = self.reminders.get(self.reminder_selected) else {
            return;
        };
        // What Enter opens is a column of the rule table.
        let (kind, analyte) = match r.rule.rule().enter {
            crate::domain::rules::Enter::Log(k, a) => (k, a.map(|a| a.code())),
            crate::domain::rules::Enter::Nothing => {
                self.info(self.i18n.t("tui.nothing_to_log").to_string());
                return;
            }
        };
        let d = self.defaults();
        let mut f = Form::new(kind, &self.i18n, &d);
        if let Some(a) = analyte {
            f.set("analyte", a);
            f.focus_on("value");
        }
        self.modal = Some(Modal::Form(Box::new(f)));
    }
}
