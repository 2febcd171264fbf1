//! What `App::update` does with entries: form typing, choosing, validating as typed, saving (a
//! new entry or an edit; the form stays filled when the store refuses), the one-key dose,
//! delete and undo, and the form a reminder asks for. Every write goes through `app::entries`.

use crate::app::entries::{self, SaveError, Saved};
use crate::tui::action::Action;
use crate::tui::app::{App, Modal};
use crate::tui::dialogs::form::Form;
use crate::tui::dialogs::slots::Undo;

/// Editing and saving forms: what `App::update` does with the form actions.
impl App {
    pub(crate) fn edit_form(&mut self, a: Action) {
        if let Some(Modal::Export(f)) = &mut self.modal {
            match a {
                Action::FormNext => f.focus = (f.focus + 1) % 4,
                Action::FormPrev => f.focus = (f.focus + 3) % 4,
                Action::FormLeft => f.cycle(false, &self.ctx.export_dir, &self.ctx.clock),
                Action::FormRight => f.cycle(true, &self.ctx.export_dir, &self.ctx.clock),
                Action::FormBackspace if f.focus == 3 => {
                    f.path.pop();
                }
                Action::FormChar(c) if f.focus == 3 => f.path.push(c),
                _ => {}
            }
            return;
        }
        let d = self.defaults();
        if let Some(Modal::Setup(s)) = &mut self.modal {
            super::setup::edit_fields(&mut s.form, a, &self.ctx.i18n, &d);
            return;
        }
        let Some(Modal::Form(f)) = &mut self.modal else {
            return;
        };
        match a {
            Action::FormNext => f.next(),
            Action::FormPrev => f.prev(),
            Action::FormLeft => f.cycle(false, &self.ctx.i18n, &d),
            Action::FormRight => f.cycle(true, &self.ctx.i18n, &d),
            Action::FormBackspace => f.backspace(),
            Action::FormChar(c) => f.type_char(c),
            Action::FormLine(e) => f.edit_line(e),
            _ => {}
        }
        f.follow_draw_time(&self.ctx.clock);
        f.extra_confirmed = false;
        f.soon_confirmed = false;
        self.validate_form();
    }

    /// Validate the form as typed; the message shows once something was typed.
    fn validate_form(&mut self) {
        let Some(Modal::Form(f)) = &mut self.modal else {
            return;
        };
        let draft = f.draft();
        let r = entries::check(None, &draft, &self.ctx.clock, None);
        let i = &self.ctx.i18n;
        f.show_result(
            r.as_ref()
                .map(|b| b.warnings.iter().map(|w| i.warning(w)).collect()),
            i,
        );
    }

    /// The form's entry was changed elsewhere; nothing was written. What the patient typed
    /// stays in the form, the message shows what is stored now, and the form now states that
    /// version: Enter saves the typed one over it, Esc keeps the stored one (session 7: the
    /// form was reloaded, the typing lost and the message hidden). A form with nothing typed
    /// shows the stored version.
    fn changed_elsewhere(&mut self, id: i64) {
        let i = &self.ctx.i18n;
        let n = id.to_string();
        match self.ctx.store.entry(id) {
            Ok(now) if !now.deleted => {
                let stored = crate::present::describe::summary(&now, &self.ctx.clock, i);
                let msg = i.tf(
                    "safety.changed_elsewhere_kept",
                    &[("id", &n), ("stored", &stored)],
                );
                if let Some(Modal::Form(f)) = &mut self.modal {
                    if !f.dirty {
                        // Nothing typed: the form shows what is stored now.
                        **f = crate::tui::dialogs::form::Form::edit(&now, i);
                        f.error = Some(i.tf("safety.changed_elsewhere", &[("id", &n)]));
                    } else {
                        f.error = Some(msg);
                        f.original = Some(crate::app::entry_input::raw_from_entry(&now));
                        f.read = Some(now);
                    }
                    f.attempted = true;
                }
            }
            Ok(_) => {
                let msg = i.tf("safety.deleted_elsewhere", &[("id", &n)]);
                self.modal = None;
                self.error(msg);
            }
            Err(_) => {
                let msg = i.tf("safety.changed_elsewhere", &[("id", &n)]);
                self.modal = None;
                self.error(msg);
            }
        }
        self.refresh();
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
            Some(read) => entries::edit(
                &mut self.ctx.store,
                read,
                &draft,
                &self.ctx.clock,
                f.soon_confirmed,
            ),
            None => {
                let policy = entries::Policy {
                    thresholds: &self.ctx.settings.thresholds,
                    extra: f.extra_confirmed,
                    soon: f.soon_confirmed,
                };
                entries::save(&mut self.ctx.store, &draft, &self.ctx.clock, policy)
            }
        };
        match result {
            Ok(saved) => {
                let text = self.saved_text(&saved);
                self.modal = None;
                self.refresh();
                self.info(text);
            }
            Err(SaveError::Input(e)) => f.error = Some(self.ctx.i18n.input_error(&e)),
            Err(SaveError::SlotAnswered(slot)) => {
                // Told once; saving again unchanged is the explicit "this is an extra dose".
                f.error = Some(slot_answered(
                    &self.ctx.i18n,
                    slot,
                    "rules_text.slot_answered_form",
                ));
                f.extra_confirmed = true;
            }
            Err(SaveError::SoonAfter { at, last }) => {
                // Told once; saving again unchanged says both doses were taken.
                f.error = Some(crate::present::describe::dose_soon_after(
                    &self.ctx.i18n,
                    at,
                    last,
                    "rules_text.dose_soon_after_form",
                ));
                f.soon_confirmed = true;
            }
            Err(SaveError::Store(crate::store::StoreError::Changed(id))) => {
                self.changed_elsewhere(id)
            }
            Err(SaveError::Store(crate::store::StoreError::Deleted(id))) => {
                self.modal = None;
                let msg = self
                    .ctx
                    .i18n
                    .tf("safety.deleted_elsewhere", &[("id", &id.to_string())]);
                self.error(msg);
                self.refresh();
            }
            Err(SaveError::Store(e)) => {
                // The form stays filled so the patient can retry.
                f.error = Some(
                    self.ctx
                        .i18n
                        .tf("tui.save_failed", &[("reason", &e.to_string())]),
                );
            }
        }
    }

    /// "Saved #id …", with the warnings after a dash.
    pub(crate) fn saved_text(&self, saved: &Saved) -> String {
        let text = crate::present::describe::saved(
            &saved.entry,
            saved.edited,
            &self.ctx.clock,
            &self.ctx.i18n,
        );
        let warn: Vec<String> = saved
            .warnings
            .iter()
            .map(|w| self.ctx.i18n.warning(w))
            .collect();
        if warn.is_empty() {
            text
        } else {
            format!("{text} — {}", warn.join("; "))
        }
    }

    /// Delete the entry as the history shows it (undoable).
    pub(crate) fn delete(&mut self, id: i64) {
        let read = match self.history().rows.iter().find(|e| e.id == id) {
            Some(e) => Ok(e.clone()),
            None => self.ctx.store.entry(id),
        };
        match read.and_then(|e| entries::delete(&mut self.ctx.store, &e, &self.ctx.clock)) {
            Ok(()) => {
                self.undo.push(Undo::Deleted(id));
                self.refresh();
                self.info(self.ctx.i18n.tf("tui.deleted", &[("id", &id.to_string())]));
            }
            Err(crate::store::StoreError::Changed(id)) => {
                self.refresh();
                self.error(
                    self.ctx
                        .i18n
                        .tf("safety.changed_elsewhere", &[("id", &id.to_string())]),
                );
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Undo the last delete or one-key dose of this session.
    pub(crate) fn undo_last(&mut self) {
        let id = match self.undo.pop() {
            None => {
                self.info(self.ctx.i18n.t("tui.nothing_to_undo").to_string());
                return;
            }
            Some(Undo::Answered(id)) => return self.undo_answer(id),
            Some(Undo::PlanStep {
                regimen,
                step,
                from,
            }) => return self.undo_plan_step(regimen, step, from),
            Some(Undo::Deleted(id)) => id,
        };
        let result = self
            .ctx
            .store
            .entry(id)
            .and_then(|read| entries::undelete(&mut self.ctx.store, &read, &self.ctx.clock));
        match result {
            Ok(()) => {
                self.refresh();
                self.info(
                    self.ctx
                        .i18n
                        .tf("cli.undeleted", &[("id", &id.to_string())]),
                );
            }
            Err(e) => {
                self.undo.push(Undo::Deleted(id));
                self.error(e.to_string());
            }
        }
    }

    /// Enter on a reminder: open the form that records what it asks for.
    pub(crate) fn activate_reminder(&mut self) {
        if self.activate_dose_reminder() {
            return;
        }
        let Some(r) = self.view.reminders.get(self.reminders_state().selected) else {
            return;
        };
        // What Enter opens is a column of the rule table.
        let (kind, analyte) = match r.rule.rule().enter {
            crate::domain::rules::Enter::Log(k, a) => (k, a.map(|a| a.code())),
            crate::domain::rules::Enter::Nothing => {
                self.info(self.ctx.i18n.t("tui.nothing_to_log").to_string());
                return;
            }
        };
        let d = self.defaults();
        let mut f = Form::new(kind, &self.ctx.i18n, &d);
        if let Some(a) = analyte {
            f.set("analyte", a);
            f.focus_on("value");
        }
        self.modal = Some(Modal::Form(Box::new(f)));
    }
}

/// The command line's refusal (`key`: the screen's way out instead of `--extra`).
pub(crate) fn slot_answered(
    i: &crate::present::i18n::I18n,
    slot: chrono::DateTime<chrono::FixedOffset>,
    key: &str,
) -> String {
    i.tf(key, &[("time", &slot.format("%Y-%m-%d %H:%M").to_string())])
}
