//! The app state and `update`: keys become actions, actions do the I/O (store, rules) and
//! load what the screens show. Rendering never touches the store.

use chrono::Duration;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::app::config::{Paths, Settings};
use crate::app::facts;
use crate::app::session::Session;
use crate::domain::clock::Clock;
use crate::domain::dosing::SlotState;
use crate::domain::entry::{DoseStatus, Entry, Kind};
use crate::domain::overview::Overview;
use crate::domain::reminders::Reminder;
use crate::present::i18n::I18n;
use crate::present::status::StatusView;
use crate::store::{EntryFilter, Store};
use crate::tui::action::Action;
use crate::tui::dialogs::export::{ExportForm, Job};
use crate::tui::dialogs::form::{Defaults, Form};
use crate::tui::keymap::{Context, lookup};
use crate::tui::screens::trends::TrendsState;
use crate::tui::theme::Theme;

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
/// Rows moved by PageUp / PageDown (lists and the help).
const PAGE: u16 = 10;
/// How far the help scrolls (it is shorter than this at 80×24).
const HELP_SCROLL_MAX: u16 = 200;
/// Latest entries loaded for Today on tall terminals.
const RECENT_ENTRIES: usize = 30;

/// The history's kind filter after `f`: all kinds, then each kind in turn.
fn next_filter(f: Option<Kind>) -> Option<Kind> {
    let all = Kind::ALL;
    match f {
        None => Some(all[0]),
        Some(k) => all
            .iter()
            .position(|x| *x == k)
            .and_then(|p| all.get(p + 1))
            .copied(),
    }
}

pub struct App {
    pub store: Store,
    pub clock: Clock,
    pub i18n: I18n,
    pub settings: Settings,
    pub theme: Theme,
    pub tab: Tab,
    pub modal: Option<Modal>,
    pub confirm: Option<Confirm>,
    pub message: Option<(String, MessageKind)>,
    pub running: bool,
    pub overview: Option<Overview>,
    /// What Today shows, derived from the overview in `refresh` (the same view as `status`).
    pub status: Option<StatusView>,
    pub reminders: Vec<Reminder>,
    /// The next date of every monitoring item not due yet (loaded when Reminders is shown).
    pub upcoming: Vec<crate::tui::screens::upcoming::Upcoming>,
    /// Platelet counts of the last 12 weeks as (days into the 12 weeks, count), oldest first;
    /// the count before the window (if any) at day 0, so the line starts filled.
    pub(crate) spark: Vec<(f64, f64)>,
    pub history: History,
    /// The latest entries, for Today on tall terminals.
    pub(crate) recent: Vec<Entry>,
    pub reminder_selected: usize,
    pub trends: TrendsState,
    /// What `u` takes back: deletes and one-key doses of this session, newest last.
    pub(crate) undo: Vec<crate::tui::dialogs::slots::Undo>,
    /// The terminal's size, set by the event loop before each frame (mouse clicks are mapped
    /// through the same layout the frame is drawn with).
    pub(crate) size: ratatui::layout::Rect,
    /// A running export.
    pub job: Option<Job>,
    /// How far the help is scrolled.
    pub(crate) help_scroll: u16,
    /// The named patient whose diary this is (shown in the top bar).
    pub patient: Option<String>,
    /// Where exports go by default.
    pub export_dir: std::path::PathBuf,
    /// The database, the settings file (for the JSON backup) and the data folder, resolved by
    /// the caller exactly as the command line resolves them.
    pub paths: Paths,
    /// What `t` would answer now (issue 13: Today names it before the press).
    pub(crate) next_dose: Option<crate::tui::dialogs::slots::Next>,
}

impl App {
    /// The app on an open diary; `session` comes from the caller's path resolution.
    pub fn new(session: Session, theme: Theme) -> App {
        let Session {
            store,
            clock,
            i18n,
            settings,
            paths,
        } = session;
        let mut app = App {
            store,
            clock,
            i18n: i18n.for_screen(),
            settings,
            paths,
            theme,
            tab: Tab::Today,
            modal: None,
            confirm: None,
            message: None,
            running: true,
            overview: None,
            status: None,
            reminders: Vec::new(),
            upcoming: Vec::new(),
            spark: Vec::new(),
            history: History::default(),
            recent: Vec::new(),
            reminder_selected: 0,
            trends: TrendsState::default(),
            undo: Vec::new(),
            size: ratatui::layout::Rect::default(),
            job: None,
            help_scroll: 0,
            patient: None,
            export_dir: std::path::PathBuf::from("."),
            next_dose: None,
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
        let t = self.settings.thresholds.clone();
        match facts::assess(&self.store, &self.clock, &t) {
            Ok((facts, o, r)) => {
                let since = o.now - Duration::days(crate::tui::screens::today::SPARK_DAYS);
                let days = |at: chrono::DateTime<chrono::FixedOffset>| {
                    (at - since).num_minutes() as f64 / 1440.0
                };
                let before = facts
                    .platelets()
                    .rfind(|(at, _)| *at < since)
                    .map(|(_, v)| (0.0, v));
                self.spark = before
                    .into_iter()
                    .chain(
                        facts
                            .platelets()
                            .filter(|(at, _)| *at >= since)
                            .map(|(at, v)| (days(at), v)),
                    )
                    .collect();
                self.status = Some(StatusView::new(&o, &self.i18n));
                self.overview = Some(o);
                self.reminders = r;
                let next = crate::tui::dialogs::slots::next_answer(&facts, &self.clock, &t, None);
                self.next_dose = Some(next);
            }
            Err(e) => {
                self.next_dose = None;
                self.error(e.to_string())
            }
        }
        self.reminder_selected = self
            .reminder_selected
            .min(self.reminders.len().saturating_sub(1));
        match self.store.entries(&EntryFilter {
            limit: Some(RECENT_ENTRIES),
            ..Default::default()
        }) {
            Ok(r) => self.recent = r,
            Err(e) => self.error(e.to_string()),
        }
        // The history and the trends are loaded when shown (a 20-year diary opens fast); the
        // history is read again only if the diary changed.
        match self.tab {
            Tab::History => self.load_history(),
            Tab::Trends => self.load_trends(),
            Tab::Reminders => self.load_upcoming(),
            Tab::Today => {}
        }
    }

    fn load_history(&mut self) {
        if let Err(e) = self.history.refresh(&self.store, &self.clock) {
            self.error(e.to_string());
        }
    }

    pub fn load_trends(&mut self) {
        if let Err(e) = self
            .trends
            .load(&self.store, &self.clock, &self.settings.thresholds)
        {
            self.error(e.to_string());
        }
    }

    /// The defaults a new form starts with: the regimen's drug, next amount and formulation.
    pub(crate) fn defaults(&self) -> Defaults {
        let o = self.overview.as_ref();
        let r = o.and_then(|o| o.regimen.as_ref());
        let step = r.and_then(|r| r.step_on(self.clock.today()));
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
        }
    }

    /// Key → action → update.
    pub fn on_key(&mut self, key: KeyEvent) {
        if let Some(a) = self.action_for(&key) {
            self.update(a);
        }
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
            None if self.history.typing.is_some() && self.tab == Tab::History => {
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
            None => lookup(&[self.tab.context(), Context::Global], key),
        }
    }

    pub fn on_mouse(&mut self, m: MouseEvent) {
        if self.modal.is_some() || self.confirm.is_some() {
            return;
        }
        if let MouseEventKind::Down(MouseButton::Left) = m.kind {
            let [_, body, _, _] = crate::tui::frame_layout(self.size);
            let top = body.y + crate::tui::screens::history::ROWS_ABOVE;
            if m.row == 0
                && let Some(&(_, _, tab)) = crate::tui::tab_columns(&self.i18n)
                    .iter()
                    .find(|(a, b, _)| m.column >= *a && m.column < *b)
            {
                self.update(Action::GoTab(tab));
            } else if self.tab == Tab::History && m.row >= top && m.row + 1 < body.bottom() {
                let first =
                    crate::tui::screens::history::first_visible(self.history.selected, body.height);
                let i = first + usize::from(m.row - top);
                if i < self.history.total {
                    self.history.selected = i;
                }
            }
        }
    }

    /// Carry out an action.
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
        if self.modal.is_none() && self.tab == Tab::History && self.search_key(a) {
            return;
        }
        match a {
            Action::Search => self.start_search(),
            Action::Patients => self.open_patients(),
            Action::EditProfile => self.edit_profile(),
            Action::Questions => self.open_questions(),
            Action::ChangePlan => self.open_plan_change(),
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
                self.info(self.i18n.t("tui.refreshed").to_string());
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End => self.move_selection(a),
            Action::New(kind) => {
                let d = self.defaults();
                self.modal = Some(Modal::Form(Box::new(Form::new(kind, &self.i18n, &d))));
            }
            Action::NewAny => {
                let d = self.defaults();
                self.modal = Some(Modal::Form(Box::new(Form::any(&self.i18n, &d))));
            }
            Action::TakeDose => self.dose_now(DoseStatus::Taken),
            Action::SkipDose => self.dose_now(DoseStatus::Skipped),
            Action::EntryHistory => self.toggle_revisions(),
            Action::Edit => {
                if let Some(e) = self.history.current() {
                    let f = Form::edit(e, &self.i18n);
                    self.modal = Some(Modal::Form(Box::new(f)));
                }
            }
            Action::Delete => {
                if let Some(e) = self.history.current() {
                    self.confirm = Some(Confirm::Delete(e.id));
                }
            }
            Action::Undo => self.undo_last(),
            Action::CycleFilter => {
                self.history.filter = next_filter(self.history.filter);
                self.history.selected = 0;
                self.history.stale = true;
                self.load_history();
            }
            Action::CycleRange => {
                self.history.range = self.history.range.next();
                self.history.selected = 0;
                self.history.stale = true;
                self.load_history();
            }
            Action::Activate => self.activate_reminder(),
            Action::Zoom(d) => {
                self.trends.zoom(d);
                self.load_trends();
            }
            Action::Pan(d) => {
                self.trends.pan(d);
                self.load_trends();
            }
            Action::NextChart => self.trends.next_chart(),
            Action::Cursor(d) => self.trends.move_cursor(i64::from(d)),
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
                let f = ExportForm::new(&self.export_dir, &self.clock, self.i18n.lang).for_patient(
                    self.patient.clone(),
                    &self.export_dir,
                    &self.clock,
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
        let i = Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
        let n = Tab::ALL.len();
        let j = if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        };
        self.go(Tab::ALL[j]);
    }

    fn go(&mut self, t: Tab) {
        self.tab = t;
        match t {
            Tab::Trends => self.load_trends(),
            Tab::History => self.load_history(),
            Tab::Reminders => self.load_upcoming(),
            Tab::Today => {}
        }
    }

    fn move_selection(&mut self, a: Action) {
        let (sel, len) = match self.tab {
            Tab::History => (&mut self.history.selected, self.history.total),
            Tab::Reminders => (&mut self.reminder_selected, self.reminders.len()),
            Tab::Today | Tab::Trends => return,
        };
        if len == 0 {
            return;
        }
        let page = usize::from(PAGE);
        *sel = match a {
            Action::Up => sel.saturating_sub(1),
            Action::Down => (*sel + 1).min(len - 1),
            Action::PageUp => sel.saturating_sub(page),
            Action::PageDown => (*sel + page).min(len - 1),
            Action::Home => 0,
            _ => len - 1,
        };
        if self.tab == Tab::History {
            let i = self.history.selected;
            let page = crate::tui::screens::history::PAGE;
            if let Err(e) = self.history.select(&self.store, i, page) {
                self.error(e.to_string());
            }
        }
    }
}
