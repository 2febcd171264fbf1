//! Doses that know their slot, on the screen: `t` / `s` answer the slot `domain::take` picks
//! (and ask which when a missed slot and a due one are both open), the status line names the
//! slot, and `u` takes the answer back (a delete through `app::entries`, like any other). Enter
//! on a dose reminder opens a dose form prefilled with that slot's time, amount, drug and
//! formulation that answers it.

use chrono::{DateTime, FixedOffset};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::entries::{self, Draft, SaveError};
use crate::app::entry_input::RawEntry;
use crate::app::facts::load_facts;
use crate::domain::clock::Clock;
use crate::domain::entry::{DoseStatus, Kind};
use crate::domain::facts::Facts;
use crate::domain::rules::RuleId;
use crate::domain::settings::Thresholds;
use crate::domain::take::{Pick, PickError, pick, slot_for};
use crate::domain::units::fmt_num;
use crate::tui::action::Action;
use crate::tui::app::{App, Modal};
use crate::tui::dialogs::form::{Defaults, Form};
use crate::tui::dialogs::prefill::stamp;

/// What `u` takes back, newest last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Undo {
    /// An entry deleted in this session: `u` restores it.
    Deleted(i64),
    /// A dose logged with `t` / `s`: `u` deletes it again.
    Answered(i64),
    /// A change of plan (`R`): `u` removes its step while it is still the plan's newest.
    PlanStep {
        regimen: i64,
        step: i64,
        from: chrono::NaiveDate,
    },
}

/// The question "which slot does this dose answer?" when one was missed and another is due.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotChoice {
    pub status: DoseStatus,
    /// The missed slot first, then the due one.
    pub slots: [DateTime<FixedOffset>; 2],
    pub selected: usize,
}

/// Whether a rule asks for a dose of a planned slot.
fn is_dose_rule(r: RuleId) -> bool {
    matches!(
        r,
        RuleId::DoseDue | RuleId::DoseSoon | RuleId::DoseNotLogged
    )
}

/// Whether `p` is of today or already within its window.
fn is_near(p: &Pick, clock: &Clock, t: &Thresholds) -> bool {
    let now = clock.now();
    let window = chrono::Duration::minutes((t.slot_window_hours * 60.0) as i64);
    p.at.date_naive() == now.date_naive() || p.at - now <= window
}

/// What `t` / `s` do now: the one decision the keys and the Today hint share.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// Answer this slot.
    Answer(Pick),
    /// A slot was missed and another is due: ask which.
    Ask {
        missed: DateTime<FixedOffset>,
        due: DateTime<FixedOffset>,
    },
    /// No slot of today is open (or the next is a later day, outside its window).
    NothingDue,
    NoRegimen,
    /// The slot asked for is already answered.
    Answered(DateTime<FixedOffset>),
}

/// The slot `t` / `s` answer: `slot` when the patient chose one, else what `domain::take`
/// picks. One key never logs tomorrow's dose as taken today: a slot of a later day only when
/// it is already within its window (a 00:00 slot at 23:30).
pub fn next_answer(
    facts: &Facts,
    clock: &Clock,
    t: &Thresholds,
    slot: Option<DateTime<FixedOffset>>,
) -> Next {
    match pick(facts, clock, t, slot.map(|s| s.time()), false) {
        Ok(p) if !is_near(&p, clock, t) => Next::NothingDue,
        Ok(p) => Next::Answer(p),
        Err(PickError::Ambiguous { missed, due }) => Next::Ask { missed, due },
        Err(PickError::NoRegimen) => Next::NoRegimen,
        // (A slot chosen in the question that vanished meanwhile is simply not open.)
        Err(PickError::NoSlot | PickError::NotASlot { .. }) => Next::NothingDue,
        Err(PickError::Answered { at, .. }) => Next::Answered(at),
    }
}

impl App {
    /// What `t` would answer now, as Today names it (`None` until the diary was read).
    pub fn next_dose(&self) -> Option<&Next> {
        self.view.next_dose.as_ref()
    }

    /// `t` / `s`: answer the slot `domain::take` picks, now; ask when two are open.
    pub(crate) fn dose_now(&mut self, status: DoseStatus) {
        self.answer_slot(status, None);
    }

    fn answer_slot(&mut self, status: DoseStatus, slot: Option<DateTime<FixedOffset>>) {
        let t = self.ctx.settings.thresholds.clone();
        let facts = match load_facts(&self.ctx.store, &self.ctx.clock, &t) {
            Ok(f) => f,
            Err(e) => return self.error(e.to_string()),
        };
        match next_answer(&facts, &self.ctx.clock, &t, slot) {
            Next::Answer(p) => self.save_answer(&p, status),
            Next::Ask { missed, due } => {
                self.modal = Some(Modal::Slot(SlotChoice {
                    status,
                    slots: [missed, due],
                    selected: 1,
                }));
            }
            Next::NoRegimen => self.info(self.ctx.i18n.t("flow.no_regimen").to_string()),
            Next::NothingDue => self.info(self.ctx.i18n.t("tui.no_dose_due").to_string()),
            Next::Answered(at) => self.error(
                self.ctx
                    .i18n
                    .tf("flow.answered_already", &[("slot", &stamp(at))]),
            ),
        }
    }

    fn save_answer(&mut self, p: &Pick, status: DoseStatus) {
        let draft = Draft {
            raw: RawEntry::Dose {
                drug: p.drug.code().to_string(),
                amount: Some(fmt_num(p.amount, 3)),
                unit: Some(p.unit.clone()),
                mg_per_ml: None,
                route: None,
                formulation: p.formulation.clone(),
                status,
                scheduled: Some(p.at.to_rfc3339()),
            },
            at: None,
            note: None,
        };
        // The key answers one slot: a slot answered meanwhile (another window, the command
        // line) is refused, never doubled.
        let policy = entries::Policy {
            thresholds: &self.ctx.settings.thresholds,
            extra: false,
        };
        match entries::save(&mut self.ctx.store, &draft, &self.ctx.clock, policy) {
            Ok(saved) => {
                let key = match status {
                    DoseStatus::Skipped => "flow.skipped_slot",
                    _ => "flow.took_slot",
                };
                let mut text = self.ctx.i18n.tf(
                    key,
                    &[
                        ("slot", &stamp(p.at)),
                        ("amount", &fmt_num(p.amount, 3)),
                        ("unit", &p.unit),
                    ],
                );
                let warn: Vec<String> = saved
                    .warnings
                    .iter()
                    .map(|w| self.ctx.i18n.warning(w))
                    .collect();
                if !warn.is_empty() {
                    text = format!("{text} — {}", warn.join("; "));
                }
                self.undo.push(Undo::Answered(saved.entry.id));
                self.refresh();
                self.info(text);
            }
            Err(SaveError::Input(e)) => self.error(self.ctx.i18n.input_error(&e)),
            Err(SaveError::SlotAnswered(slot)) => {
                self.error(crate::tui::dialogs::editing::slot_answered(
                    &self.ctx.i18n,
                    slot,
                    "rules_text.slot_answered_key",
                ))
            }
            Err(SaveError::Store(e)) => self.error(
                self.ctx
                    .i18n
                    .tf("tui.save_failed", &[("reason", &e.to_string())]),
            ),
        }
    }

    /// The keys of the slot question: move between the two slots, Enter answers, Esc leaves.
    /// `false` when no question is open.
    pub(crate) fn slot_choice_key(&mut self, a: Action) -> bool {
        let Some(Modal::Slot(c)) = &mut self.modal else {
            return false;
        };
        match a {
            Action::FormNext
            | Action::FormPrev
            | Action::FormLeft
            | Action::FormRight
            | Action::Up
            | Action::Down => c.selected = 1 - c.selected,
            Action::FormChar('1') => c.selected = 0,
            Action::FormChar('2') => c.selected = 1,
            Action::FormSave => {
                let (status, slot) = (c.status, c.slots[c.selected]);
                self.modal = None;
                self.answer_slot(status, Some(slot));
            }
            Action::FormCancel | Action::Quit => self.modal = None,
            _ => {}
        }
        true
    }

    /// `u` after `t` / `s`: delete that dose again (through the one delete path).
    pub(crate) fn undo_answer(&mut self, id: i64) {
        let result = self
            .ctx
            .store
            .entry(id)
            .and_then(|read| entries::delete(&mut self.ctx.store, &read, &self.ctx.clock));
        match result {
            Ok(()) => {
                self.refresh();
                self.info(
                    self.ctx
                        .i18n
                        .tf("flow.undone_answer", &[("id", &id.to_string())]),
                );
            }
            Err(e) => {
                self.refresh();
                self.error(e.to_string());
            }
        }
    }

    /// Enter on a dose reminder: a dose form with the slot's time, amount, drug and
    /// formulation that answers the slot. `false` when the reminder is not about a slot.
    pub(crate) fn activate_dose_reminder(&mut self) -> bool {
        let Some(r) = self.view.reminders.get(self.reminders_state().selected) else {
            return false;
        };
        let (true, Some(at)) = (is_dose_rule(r.rule), r.due) else {
            return false;
        };
        let t = self.ctx.settings.thresholds.clone();
        let Some(drug) = self
            .view
            .overview
            .as_ref()
            .and_then(|o| o.regimen.as_ref())
            .map(|r| (r.drug, r.route))
        else {
            return false;
        };
        let Ok(facts) = load_facts(&self.ctx.store, &self.ctx.clock, &t) else {
            return false;
        };
        let Some(Ok(p)) = slot_for(&facts, &self.ctx.clock, &t, drug.0, at, Some(at)) else {
            return false;
        };
        let d = Defaults {
            drug: Some(p.drug),
            amount: Some(p.amount),
            formulation: p.formulation.clone(),
            last_dose: None,
        };
        let mut f = Form::new(Kind::Dose, &self.ctx.i18n, &d);
        f.set("unit", &p.unit);
        f.set_time("at", &p.at.to_rfc3339());
        // What the form has no field for (the route and the slot) rides along as it does on
        // an edit; a different drug chosen in the form drops it.
        f.original = Some(RawEntry::Dose {
            drug: p.drug.code().to_string(),
            amount: None,
            unit: None,
            mg_per_ml: None,
            route: Some(drug.1.code().to_string()),
            formulation: None,
            status: DoseStatus::Taken,
            scheduled: Some(p.at.to_rfc3339()),
        });
        f.focus_on("value");
        self.modal = Some(Modal::Form(Box::new(f)));
        true
    }
}

/// The slot question over the screen.
pub fn render(f: &mut Frame, area: Rect, app: &App, c: &SlotChoice) {
    let i = &app.ctx.i18n;
    let mut lines = vec![Line::from(i.t("flow.which_slot").to_string())];
    for (n, (at, key)) in c
        .slots
        .iter()
        .zip(["flow.slot_missed", "flow.slot_due"])
        .enumerate()
    {
        let text = format!(
            "{} {}  {}",
            if n == c.selected { "▶" } else { " " },
            n + 1,
            i.tf(key, &[("slot", &stamp(*at))])
        );
        let style = if n == c.selected {
            app.ctx.theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    lines.push(Line::from(Span::styled(
        i.t("flow.which_slot_keys").to_string(),
        app.ctx.theme.dim(),
    )));
    let r = crate::tui::dialogs::overlays::centered(area, 70, 7);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default().borders(Borders::ALL).title(Span::styled(
                i.t("flow.which_slot_title"),
                app.ctx.theme.warn(),
            )),
        ),
        r,
    );
}
