//! The app state and `update`: keys become actions, actions do the I/O (store, rules) and
//! build what the screens show (the view model, each screen's state). Rendering reads the app
//! and never touches the store. A screen's own keys are handled in its module
//! (`screens::{today,history,reminders,trends}`), a dialog's in its own.

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::app::session::Session;
use crate::domain::dosing::SlotState;
use crate::tui::action::Action;
use crate::tui::dialogs::export::{ExportForm, Job};
use crate::tui::dialogs::form::{Defaults, Form};
use crate::tui::keymap::{Context, lookup};
use crate::tui::shared::Shared;
use crate::tui::theme::Theme;
use crate::tui::view::View;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Today,
    History,
    Reminders,
    Trends,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Today, Tab::History, Tab::Reminders, Tab::Trends];

    pub fn label_key(self) -> &'static str {
        match self {
            Tab::Today => "tab.today",
            Tab::History => "tab.history",
            Tab::Reminders => "tab.reminders",
            Tab::Trends => "tab.trends",
        }
    }

    fn context(self) -> Context {
        match self {
            Tab::Today => Context::Today,
            Tab::History => Context::History,
            Tab::Reminders => Context::Reminders,
            Tab::Trends => Context::Trends,
        }
    }
}

/// What a confirmation asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirm {
    Delete(i64),
    DiscardForm,
    QuitWithForm,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Modal {
    Help,
    Form(Box<Form>),
    Export(Box<ExportForm>),
    /// Which slot a dose answers (a missed one and a due one are open).
    Slot(crate::tui::dialogs::slots::SlotChoice),
    /// An entry's edit history (`h` in History): the lines `itp-diary history ID` prints.
    Revisions(Vec<String>),
    /// `P`: whose diary to open.
    Patients(crate::tui::dialogs::patients::PatientChoice),
    /// `V`: the questions for the next visit.
    Questions(Box<crate::tui::dialogs::questions::Questions>),
    /// The first-run setup of an empty diary (page and fields).
    Setup(Box<crate::tui::dialogs::setup::Setup>),
    /// `R`: a change of the treatment plan.
    PlanChange(Box<crate::tui::dialogs::regimen::PlanChange>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageKind {
    Info,
    Error,
}

pub use crate::tui::screens::history::History;
use crate::tui::screens::{PAGE, Parked, Screen};
/// How far the help scrolls (it is shorter than this at 80×24).
const HELP_SCROLL_MAX: u16 = 200;

/// The terminal app: the shared context, the view model, the screen shown (and the others as
/// they were left), and what is over it (a dialog, a question, the message line).
pub struct App {
    /// The open diary, clock, language, settings, colours and paths (the caller's `Session`).
    pub(in crate::tui) ctx: Shared,
    /// What the screens show of the diary, built in `refresh`.
    pub(in crate::tui) view: View,
    /// The screen shown, with its own state.
    pub(in crate::tui) screen: Screen,
    /// The other screens' states.
    pub(in crate::tui) parked: Parked,
    pub(in crate::tui) modal: Option<Modal>,
    pub(in crate::tui) confirm: Option<Confirm>,
    pub(in crate::tui) message: Option<(String, MessageKind)>,
    pub(in crate::tui) running: bool,
    /// What `u` takes back: deletes and one-key doses of this session, newest last.
    pub(in crate::tui) undo: Vec<crate::tui::dialogs::slots::Undo>,
    /// The terminal's size, set by the event loop before each frame (mouse clicks are mapped
    /// through the same layout the frame is drawn with).
    pub(in crate::tui) size: ratatui::layout::Rect,
    /// A running export.
    pub(in crate::tui) job: Option<Job>,
    /// How far the help is scrolled.
    pub(in crate::tui) help_scroll: u16,
}

impl App {
    /// The app on an open diary; `session` comes from the caller's path resolution.
    pub fn new(session: Session, theme: Theme) -> App {
        let mut app = App {
            ctx: Shared::new(session, theme),
            view: View::default(),
            screen: Screen::Today(Default::default()),
            parked: Parked::default(),
            modal: None,
            confirm: None,
            message: None,
            running: true,
            undo: Vec::new(),
            size: ratatui::layout::Rect::default(),
            job: None,
            help_scroll: 0,
        };
        app.refresh();
        app
    }

    pub(crate) fn error(&mut self, text: String) {
        self.message = Some((text, MessageKind::Error));
    }

    pub(crate) fn info(&mut self, text: String) {
        self.message = Some((text, MessageKind::Info));
    }

    /// Reload everything the screens show. A store error becomes a message.
    pub fn refresh(&mut self) {
        match View::load(&self.ctx) {
            Ok((view, spark)) => {
                self.view = view;
                self.today_mut().spark = spark;
            }
            Err(e) => {
                self.view.next_dose = None;
                self.error(e.to_string())
            }
        }
        let n = self.view.reminders.len();
        let r = self.reminders_state_mut();
        r.selected = r.selected.min(n.saturating_sub(1));
        match crate::tui::screens::today::recent(&self.ctx.store) {
            Ok(r) => self.today_mut().recent = r,
            Err(e) => self.error(e.to_string()),
        }
        self.load_screen();
    }

    /// Load what the screen shown reads beyond the view model. The history and the trends are
    /// loaded when shown (a 20-year diary opens fast); the history is read again only if the
    /// diary changed.
    pub fn load_screen(&mut self) {
        let ctx = &self.ctx;
        let result = match &mut self.screen {
            Screen::History(h) => h.refresh(&ctx.store, &ctx.clock),
            Screen::Trends(t) => t.load(&ctx.store, &ctx.clock, &ctx.settings.thresholds),
            Screen::Reminders(_) => return self.load_upcoming(),
            Screen::Today(_) => Ok(()),
        };
        if let Err(e) = result {
            self.error(e.to_string());
        }
    }

    /// The defaults a new form starts with: the regimen's drug, next amount and formulation.
    pub(crate) fn defaults(&self) -> Defaults {
        let o = self.view.overview.as_ref();
        let r = o.and_then(|o| o.regimen.as_ref());
        let step = r.and_then(|r| r.step_on(self.ctx.clock.today()));
        Defaults {
            drug: r.map(|r| r.drug),
            amount: o
                .and_then(|o| {
                    o.slots
                        .iter()
                        .find(|s| matches!(s.state, SlotState::Due | SlotState::Upcoming))
                })
                .map(|s| s.amount)
                .or_else(|| step.and_then(|s| s.slots.first()).map(|s| s.amount)),
            formulation: step.and_then(|s| s.formulation.clone()),
            last_dose: self.last_dose_default(),
            recent_doses: self.recent_doses(),
        }
    }

    /// Key → action → update.
    pub fn on_key(&mut self, key: KeyEvent) {
        let Some(a) = self.action_for(&key) else {
            return;
        };
        // Behind the "enlarge the window" page nothing but quitting acts: a key must never
        // change the diary unseen (session 7: a dose was answered, an entry deleted there).
        if self.too_small() && a != Action::Quit {
            return;
        }
        self.update(a);
    }

    /// The window is too small to draw the diary (the event loop has set a size and it is
    /// below the minimum; before the first frame nothing is known).
    pub(in crate::tui) fn too_small(&self) -> bool {
        self.size.area() > 0
            && (self.size.width < crate::tui::MIN_W || self.size.height < crate::tui::MIN_H)
    }

    fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        if self.confirm.is_some() {
            return lookup(&[Context::Confirm], key);
        }
        match &self.modal {
            // In the help, the movement keys scroll; any other key closes it.
            Some(Modal::Help) => match lookup(&[Context::Global], key) {
                Some(a @ (Action::Up | Action::Down | Action::PageUp | Action::PageDown)) => {
                    Some(a)
                }
                _ => Some(Action::Help),
            },
            // Any key closes the edit history.
            Some(Modal::Revisions(_)) => Some(Action::EntryHistory),
            Some(Modal::Form(_))
            | Some(Modal::Export(_))
            | Some(Modal::Slot(_))
            | Some(Modal::Patients(_))
            | Some(Modal::Questions(_))
            | Some(Modal::Setup(_))
            | Some(Modal::PlanChange(_)) => {
                if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
                    return Some(Action::Quit);
                }
                lookup(&[Context::Form], key).or(match key.code {
                    KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                        Some(Action::FormChar(c))
                    }
                    _ => None,
                })
            }
            None if matches!(&self.screen, Screen::History(h) if h.typing.is_some()) => {
                lookup(&[Context::Form], key).or(match key.code {
                    KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        Some(Action::Quit)
                    }
                    KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                        Some(Action::FormChar(c))
                    }
                    _ => None,
                })
            }
            None => lookup(&[self.screen.tab().context(), Context::Global], key),
        }
    }

    pub fn on_mouse(&mut self, m: MouseEvent) {
        if self.too_small() {
            return;
        }
        if self.modal.is_some() || self.confirm.is_some() {
            return;
        }
        if let MouseEventKind::Down(MouseButton::Left) = m.kind {
            if m.row == 0
                && let Some(&(_, _, tab)) = crate::tui::tab_columns(&self.ctx.i18n)
                    .iter()
                    .find(|(a, b, _)| m.column >= *a && m.column < *b)
            {
                self.update(Action::GoTab(tab));
            } else {
                let rows = crate::tui::message_rows(self, self.size.width);
                let [_, body, _, _] = crate::tui::frame_layout(self.size, rows);
                if let Screen::History(h) = &mut self.screen {
                    h.click(m.row, body);
                }
            }
        }
    }

    /// Carry out an action: a dialog's keys go to the dialog, a screen's to the screen shown.
    pub fn update(&mut self, a: Action) {
        if let Some(c) = self.confirm.take() {
            if a == Action::Yes {
                self.confirmed(c);
            }
            return;
        }
        if self.slot_choice_key(a)
            || self.patients_key(a)
            || self.questions_key(a)
            || self.plan_change_key(a)
        {
            return;
        }
        if self.modal.is_none() && self.search_key(a) {
            return;
        }
        match a {
            Action::Patients => self.open_patients(),
            Action::Quit => {
                if matches!(&self.modal, Some(Modal::Form(f)) if f.has_typed_text()) {
                    self.confirm = Some(Confirm::QuitWithForm);
                } else {
                    self.running = false;
                }
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown
                if self.modal == Some(Modal::Help) =>
            {
                self.scroll_help(a)
            }
            Action::Help => {
                self.help_scroll = 0;
                self.modal = if self.modal == Some(Modal::Help) {
                    None
                } else {
                    Some(Modal::Help)
                };
            }
            Action::NextTab | Action::PrevTab => self.cycle_tab(a == Action::NextTab),
            Action::GoTab(t) => self.go(t),
            Action::Refresh => {
                self.refresh();
                self.info(self.ctx.i18n.t("tui.refreshed").to_string());
            }
            Action::New(kind) => {
                let d = self.defaults();
                self.modal = Some(Modal::Form(Box::new(Form::new(kind, &self.ctx.i18n, &d))));
            }
            Action::NewAny => {
                let d = self.defaults();
                self.modal = Some(Modal::Form(Box::new(Form::any(&self.ctx.i18n, &d))));
            }
            Action::Undo => self.undo_last(),
            Action::FormNext
            | Action::FormPrev
            | Action::FormLeft
            | Action::FormRight
            | Action::FormBackspace
            | Action::FormChar(_)
            | Action::FormLine(_) => self.edit_form(a),
            Action::FormSave if matches!(self.modal, Some(Modal::Export(_))) => self.start_export(),
            Action::FormSave if matches!(self.modal, Some(Modal::Setup(_))) => self.setup_next(),
            Action::FormSave => self.save_form(),
            Action::Export => {
                let (dir, clock) = (&self.ctx.export_dir, &self.ctx.clock);
                let f = ExportForm::new(dir, clock, self.ctx.i18n.lang).for_patient(
                    self.ctx.paths.patient.clone(),
                    dir,
                    clock,
                );
                self.modal = Some(Modal::Export(Box::new(f)));
            }
            Action::FormCancel if matches!(self.modal, Some(Modal::Setup(_))) => self.skip_setup(),
            Action::FormCancel => {
                if matches!(&self.modal, Some(Modal::Form(f)) if f.has_typed_text()) {
                    self.confirm = Some(Confirm::DiscardForm);
                } else {
                    self.modal = None;
                }
            }
            Action::Yes | Action::No => {}
            // The screen's own keys.
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End
            | Action::TakeDose
            | Action::SkipDose
            | Action::EditProfile
            | Action::Questions
            | Action::ChangePlan
            | Action::Edit
            | Action::Delete
            | Action::EntryHistory
            | Action::CycleFilter
            | Action::CycleRange
            | Action::Search
            | Action::Activate
            | Action::Zoom(_)
            | Action::Pan(_)
            | Action::NextChart
            | Action::Cursor(_) => match self.screen.tab() {
                Tab::Today => self.today_action(a),
                Tab::History => self.history_action(a),
                Tab::Reminders => self.reminders_action(a),
                Tab::Trends => self.trends_action(a),
            },
        }
    }

    /// The answer "yes" to a question.
    fn confirmed(&mut self, c: Confirm) {
        match c {
            Confirm::Delete(id) => self.delete(id),
            Confirm::DiscardForm => self.modal = None,
            Confirm::QuitWithForm => self.running = false,
        }
    }

    fn scroll_help(&mut self, a: Action) {
        let s = self.help_scroll;
        self.help_scroll = match a {
            Action::Up => s.saturating_sub(1),
            Action::Down => s.saturating_add(1).min(HELP_SCROLL_MAX),
            Action::PageUp => s.saturating_sub(PAGE),
            _ => s.saturating_add(PAGE).min(HELP_SCROLL_MAX),
        };
    }

    fn cycle_tab(&mut self, forward: bool) {
        let tab = self.screen.tab();
        let i = Tab::ALL.iter().position(|t| *t == tab).unwrap_or(0);
        let n = Tab::ALL.len();
        let j = if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        };
        self.go(Tab::ALL[j]);
    }

    fn go(&mut self, t: Tab) {
        self.show(t);
        self.load_screen();
    }
}
