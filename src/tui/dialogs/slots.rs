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
use crate::domain::dosing::SlotState;
use crate::domain::entry::{DoseStatus, Kind};
use crate::domain::facts::Facts;
use crate::domain::rules::RuleId;
use crate::domain::settings::Thresholds;
use crate::domain::take::{Confirmed, Pick, PickError, pick, slot_for};
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

/// The question "which slot does this dose answer?" when two or more of today are open, or
/// "is this really that dose, so soon after the last?" for a missed slot (`soon_after`).
#[derive(Clone, Debug, PartialEq)]
pub struct SlotChoice {
    pub status: DoseStatus,
    /// The open slots, oldest first (one slot when confirming).
    pub slots: Vec<DateTime<FixedOffset>>,
    /// Their states, in the same order.
    pub states: Vec<SlotState>,
    pub selected: usize,
    /// When set: the taken dose logged this recently; Enter confirms the late dose.
    pub soon_after: Option<DateTime<FixedOffset>>,
}

/// Whether the open slots are the plain pair "one missed, the next due".
pub fn missed_then_due(states: &[SlotState]) -> bool {
    matches!(states, [SlotState::Missed, s] if *s != SlotState::Missed)
}

/// Whether a rule asks for a dose of a planned slot.
fn is_dose_rule(r: RuleId) -> bool {
    matches!(
        r,
        RuleId::DoseDue | RuleId::DoseSoon | RuleId::DoseNotLogged
    )
}

/// What `t` / `s` do now: the one decision the keys and the Today hint share.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// Answer this slot.
    Answer(Pick),
    /// A missed slot, and a dose was taken at `last`, less than half a dosing interval ago:
    /// `t` asks to confirm first (`s` skips without asking).
    Confirm {
        pick: Pick,
        last: DateTime<FixedOffset>,
    },
    /// Two or more slots of today are open (missed or due): ask which. Oldest first.
    Ask(Vec<(DateTime<FixedOffset>, SlotState)>),
    /// The next slot of today is not yet within its window.
    NotYet(DateTime<FixedOffset>),
    /// No slot of today is open (or the next is a later day, outside its window).
    NothingDue,
    NoRegimen,
    /// The slot asked for is already answered.
    Answered(DateTime<FixedOffset>),
}

/// The slot `t` / `s` answer: `slot` when the patient chose one, else what `domain::take`
/// picks (which never answers a slot hours before its window). `late` says a missed slot
/// soon after another dose is confirmed (or is a skip).
pub fn next_answer(
    facts: &Facts,
    clock: &Clock,
    t: &Thresholds,
    slot: Option<DateTime<FixedOffset>>,
    late: bool,
) -> Next {
    let wanted = slot.map(|s| s.time());
    let ok = Confirmed { extra: false, late };
    match pick(facts, clock, t, wanted, ok) {
        Ok(p) => Next::Answer(p),
        Err(PickError::SoonAfter { last, .. }) => {
            let ok = Confirmed {
                extra: false,
                late: true,
            };
            match pick(facts, clock, t, wanted, ok) {
                Ok(pick) => Next::Confirm { pick, last },
                Err(_) => Next::NothingDue,
            }
        }
        Err(PickError::Ambiguous { open }) => Next::Ask(open),
        Err(PickError::NotDue { next }) if next.date_naive() == clock.now().date_naive() => {
            Next::NotYet(next)
        }
        Err(PickError::NoRegimen) => Next::NoRegimen,
        // (A slot chosen in the question that vanished meanwhile is simply not open.)
        Err(PickError::NoSlot | PickError::NotASlot { .. } | PickError::NotDue { .. }) => {
            Next::NothingDue
        }
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
        self.answer_slot(status, None, false);
    }

    fn answer_slot(
        &mut self,
        status: DoseStatus,
        slot: Option<DateTime<FixedOffset>>,
        confirmed: bool,
    ) {
        let t = self.ctx.settings.thresholds.clone();
        let facts = match load_facts(&self.ctx.store, &self.ctx.clock, &t) {
            Ok(f) => f,
            Err(e) => return self.error(e.to_string()),
        };
        // A skip takes no dose: a missed slot is skipped without the question.
        let late = confirmed || status == DoseStatus::Skipped;
        match next_answer(&facts, &self.ctx.clock, &t, slot, late) {
            Next::Answer(p) => self.save_answer(&p, status),
            Next::Confirm { pick, last } => {
                self.modal = Some(Modal::Slot(SlotChoice {
                    status,
                    slots: vec![pick.at],
                    states: vec![pick.state],
                    selected: 0,
                    soon_after: Some(last),
                }));
            }
            Next::Ask(open) => {
                self.modal = Some(Modal::Slot(SlotChoice {
                    status,
                    selected: open.len().saturating_sub(1),
                    slots: open.iter().map(|o| o.0).collect(),
                    states: open.iter().map(|o| o.1).collect(),
                    soon_after: None,
                }));
            }
            Next::NotYet(next) => self.info(
                self.ctx
                    .i18n
                    .tf("take_guard.not_due_now", &[("slot", &stamp(next))]),
            ),
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
            soon: true,
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
            // (The key asked already, so the save does not; kept for completeness.)
            Err(SaveError::SoonAfter { at, last }) => {
                self.error(crate::present::describe::dose_soon_after(
                    &self.ctx.i18n,
                    at,
                    last,
                    "rules_text.dose_soon_after_form",
                ))
            }
            Err(SaveError::Store(e)) => self.error(
                self.ctx
                    .i18n
                    .tf("tui.save_failed", &[("reason", &e.to_string())]),
            ),
        }
    }

    /// The keys of the slot question: move between the slots, Enter answers (or confirms the
    /// late dose), Esc leaves. `false` when no question is open.
    pub(crate) fn slot_choice_key(&mut self, a: Action) -> bool {
        let Some(Modal::Slot(c)) = &mut self.modal else {
            return false;
        };
        let n = c.slots.len().max(1);
        match a {
            Action::FormNext | Action::FormRight | Action::Down => {
                c.selected = (c.selected + 1) % n
            }
            Action::FormPrev | Action::FormLeft | Action::Up => {
                c.selected = (c.selected + n - 1) % n
            }
            Action::FormChar(d) if d.to_digit(10).is_some_and(|d| (1..=n as u32).contains(&d)) => {
                c.selected = d.to_digit(10).map_or(0, |d| d as usize - 1)
            }
            Action::FormSave => {
                let (status, confirmed) = (c.status, c.soon_after.is_some());
                let Some(slot) = c.slots.get(c.selected).copied() else {
                    self.modal = None;
                    return true;
                };
                self.modal = None;
                self.answer_slot(status, Some(slot), confirmed);
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
            recent_doses: Vec::new(),
        };
        let mut f = Form::new(Kind::Dose, &self.ctx.i18n, &d);
        f.set("unit", &p.unit);
        // A slot whose window has closed is not prefilled with its own time: a late dose saved
        // at 20:00 would time tomorrow's trough from 20:00 and judge it (session 7). The time
        // is now, and the form says to change it to when the dose was taken; a later time
        // only leaves a level unjudged.
        let now = self.ctx.clock.now();
        let window = chrono::Duration::minutes((t.slot_window_hours * 60.0) as i64);
        if now >= p.at + window {
            let i = &self.ctx.i18n;
            f.set_time("at", &now.to_rfc3339());
            let slot = p.at.format("%Y-%m-%d %H:%M").to_string();
            f.warnings = vec![i.tf("take.time_is_now", &[("slot", &slot)])];
        } else {
            f.set_time("at", &p.at.to_rfc3339());
        }
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
    let (title, lines) = match c.soon_after {
        Some(last) => ("take_guard.confirm_title", confirm_lines(app, c, last)),
        None => ("flow.which_slot_title", choice_lines(app, c)),
    };
    // The confirmation's sentences wrap: room for one more line each.
    let extra = if c.soon_after.is_some() { 6 } else { 4 };
    let height = u16::try_from(lines.len())
        .unwrap_or(8)
        .saturating_add(extra);
    let r = crate::tui::dialogs::overlays::centered(area, 70, height);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(i.t(title), app.ctx.theme.warn())),
        ),
        r,
    );
}

/// "Is this really the 08:00 dose, taken now, 5 min after the one logged at 19:55?"
fn confirm_lines(app: &App, c: &SlotChoice, last: DateTime<FixedOffset>) -> Vec<Line<'static>> {
    let i = &app.ctx.i18n;
    let slot = c.slots.first().map(|s| stamp(*s)).unwrap_or_default();
    let ago = crate::present::ago::gap((app.ctx.clock.now() - last).num_minutes(), i);
    vec![
        Line::from(i.tf(
            "take_guard.confirm",
            &[("slot", &slot), ("ago", &ago), ("last", &stamp(last))],
        )),
        Line::from(i.t("take_guard.confirm_team").to_string()),
        Line::from(Span::styled(
            i.t("take_guard.confirm_keys").to_string(),
            app.ctx.theme.dim(),
        )),
    ]
}

/// "Which dose is this?" with the open slots, the selected one marked.
fn choice_lines(app: &App, c: &SlotChoice) -> Vec<Line<'static>> {
    let i = &app.ctx.i18n;
    let pair = missed_then_due(&c.states);
    let ask = if pair {
        "flow.which_slot"
    } else {
        "take_guard.which_slot_many"
    };
    let mut lines = vec![Line::from(i.t(ask).to_string())];
    for (n, (at, state)) in c.slots.iter().zip(&c.states).enumerate() {
        let key = match state {
            SlotState::Missed => "flow.slot_missed",
            _ => "flow.slot_due",
        };
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
    let keys = if c.slots.len() == 2 {
        i.t("flow.which_slot_keys").to_string()
    } else {
        let n = c.slots.len().to_string();
        i.tf("take_guard.which_slot_keys_many", &[("n", &n)])
    };
    lines.push(Line::from(Span::styled(keys, app.ctx.theme.dim())));
    lines
}
