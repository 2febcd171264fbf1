//! The app state and `update`: keys become actions, actions do the I/O (store, rules) and
//! load what the screens show. Rendering never touches the store.

use chrono::Duration;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::app::config::Settings;
use crate::app::entry_input::{RawEntry, build};
use crate::app::facts;
use crate::domain::clock::Clock;
use crate::domain::dosing::SlotState;
use crate::domain::entry::{DoseStatus, Entry, Kind, NewEntry};
use crate::domain::overview::Overview;
use crate::domain::reminders::Reminder;
use crate::present::i18n::I18n;
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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageKind {
    Info,
    Error,
}

/// The history list: the filtered entries (newest first) and the selection.
#[derive(Clone, Debug, Default)]
pub struct History {
    pub filter: Option<Kind>,
    pub rows: Vec<Entry>,
    pub selected: usize,
    /// Reload before showing.
    pub stale: bool,
    /// Index into [`HISTORY_RANGES`].
    pub range: usize,
}

/// The date ranges the history cycles through (`R`).
pub const HISTORY_RANGES: [&str; 5] = ["all", "30_days", "90_days", "12_months", "since_visit"];

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
    pub reminders: Vec<Reminder>,
    /// Platelet counts of the last 12 weeks as (days into the 12 weeks, count), oldest first;
    /// the count before the window (if any) at day 0, so the line starts filled.
    pub spark: Vec<(f64, f64)>,
    pub history: History,
    /// The latest entries, for Today on tall terminals.
    pub recent: Vec<Entry>,
    pub reminder_selected: usize,
    pub trends: TrendsState,
    /// Ids deleted in this session, for undo.
    pub undo: Vec<i64>,
    /// The layout's tab positions (x ranges) from the last frame, for mouse clicks.
    pub tab_hits: Vec<(u16, u16, Tab)>,
    /// Screen rows of the history table's first row and visible rows, for mouse clicks.
    pub history_hit: Option<(u16, usize)>,
    /// A running export.
    pub job: Option<Job>,
    /// How far the help is scrolled.
    pub help_scroll: u16,
    /// The named patient whose diary this is (shown in the top bar).
    pub patient: Option<String>,
    /// Where exports go by default, and the settings file (for the JSON backup).
    pub export_dir: std::path::PathBuf,
    pub config_path: std::path::PathBuf,
}

impl App {
    pub fn new(store: Store, clock: Clock, i18n: I18n, settings: Settings, theme: Theme) -> App {
        let mut app = App {
            store,
            clock,
            i18n,
            settings,
            theme,
            tab: Tab::Today,
            modal: None,
            confirm: None,
            message: None,
            running: true,
            overview: None,
            reminders: Vec::new(),
            spark: Vec::new(),
            history: History::default(),
            recent: Vec::new(),
            reminder_selected: 0,
            trends: TrendsState::default(),
            undo: Vec::new(),
            tab_hits: Vec::new(),
            history_hit: None,
            job: None,
            help_scroll: 0,
            patient: None,
            export_dir: std::path::PathBuf::from("."),
            config_path: std::path::PathBuf::from("config.toml"),
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
                let since = o.now - Duration::weeks(12);
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
                self.overview = Some(o);
                self.reminders = r;
            }
            Err(e) => self.error(e.to_string()),
        }
        self.reminder_selected = self
            .reminder_selected
            .min(self.reminders.len().saturating_sub(1));
        match self.store.entries(&EntryFilter {
            limit: Some(30),
            ..Default::default()
        }) {
            Ok(r) => self.recent = r,
            Err(e) => self.error(e.to_string()),
        }
        // The history and the trends are loaded when shown (a 20-year diary opens fast).
        self.history.stale = true;
        match self.tab {
            Tab::History => self.load_history(),
            Tab::Trends => self.load_trends(),
            Tab::Today | Tab::Reminders => {}
        }
    }

    fn load_history(&mut self) {
        self.history.stale = false;
        let now = self.clock.now();
        let from = match HISTORY_RANGES[self.history.range % HISTORY_RANGES.len()] {
            "since_visit" => match facts::last_visit(&self.store) {
                Ok(v) => v,
                Err(e) => {
                    self.error(e.to_string());
                    None
                }
            },
            "30_days" => Some(now - Duration::days(30)),
            "90_days" => Some(now - Duration::days(90)),
            "12_months" => Some(now - Duration::days(365)),
            _ => None,
        };
        match self.store.entries(&EntryFilter {
            kind: self.history.filter,
            from: from.map(|t| t.with_timezone(&chrono::Utc)),
            ..Default::default()
        }) {
            Ok(rows) => {
                self.history.rows = rows;
                self.history.selected = self
                    .history
                    .selected
                    .min(self.history.rows.len().saturating_sub(1));
            }
            Err(e) => self.error(e.to_string()),
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
            Some(Modal::Form(_)) | Some(Modal::Export(_)) => {
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
            None => lookup(&[self.tab.context(), Context::Global], key),
        }
    }

    pub fn on_mouse(&mut self, m: MouseEvent) {
        if self.modal.is_some() || self.confirm.is_some() {
            return;
        }
        if let MouseEventKind::Down(MouseButton::Left) = m.kind {
            if m.row == 0
                && let Some(&(_, _, tab)) = self
                    .tab_hits
                    .iter()
                    .find(|(a, b, _)| m.column >= *a && m.column < *b)
            {
                self.update(Action::GoTab(tab));
            } else if self.tab == Tab::History
                && let Some((top, offset)) = self.history_hit
                && m.row >= top
            {
                let i = offset + usize::from(m.row - top);
                if i < self.history.rows.len() {
                    self.history.selected = i;
                }
            }
        }
    }

    /// Carry out an action.
    pub fn update(&mut self, a: Action) {
        if let Some(c) = self.confirm {
            self.confirm = None;
            if a == Action::Yes {
                match c {
                    Confirm::Delete(id) => self.delete(id),
                    Confirm::DiscardForm => self.modal = None,
                    Confirm::QuitWithForm => self.running = false,
                }
            }
            return;
        }
        match a {
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
                self.help_scroll = match a {
                    Action::Up => self.help_scroll.saturating_sub(1),
                    Action::Down => self.help_scroll.saturating_add(1).min(80),
                    Action::PageUp => self.help_scroll.saturating_sub(10),
                    _ => self.help_scroll.saturating_add(10).min(80),
                };
            }
            Action::Help => {
                self.help_scroll = 0;
                self.modal = if self.modal == Some(Modal::Help) {
                    None
                } else {
                    Some(Modal::Help)
                };
            }
            Action::NextTab | Action::PrevTab => {
                let i = Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
                let n = Tab::ALL.len();
                let j = if a == Action::NextTab {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.go(Tab::ALL[j]);
            }
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
            Action::Edit => {
                if let Some(e) = self.history.rows.get(self.history.selected) {
                    let f = Form::edit(e, &self.i18n);
                    self.modal = Some(Modal::Form(Box::new(f)));
                }
            }
            Action::Delete => {
                if let Some(e) = self.history.rows.get(self.history.selected) {
                    self.confirm = Some(Confirm::Delete(e.id));
                }
            }
            Action::Undo => match self.undo.pop() {
                Some(id) => match self.store.undelete_entry(id, self.clock.now()) {
                    Ok(()) => {
                        self.refresh();
                        self.info(self.i18n.tf("cli.undeleted", &[("id", &id.to_string())]));
                    }
                    Err(e) => {
                        self.undo.push(id);
                        self.error(e.to_string());
                    }
                },
                None => self.info(self.i18n.t("tui.nothing_to_undo").to_string()),
            },
            Action::CycleFilter => {
                let all = Kind::ALL;
                self.history.filter = match self.history.filter {
                    None => Some(all[0]),
                    Some(k) => all
                        .iter()
                        .position(|x| *x == k)
                        .and_then(|p| all.get(p + 1))
                        .copied(),
                };
                self.history.selected = 0;
                self.load_history();
            }
            Action::CycleRange => {
                self.history.range = (self.history.range + 1) % HISTORY_RANGES.len();
                self.history.selected = 0;
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
            | Action::FormChar(_) => self.edit_form(a),
            Action::FormSave if matches!(self.modal, Some(Modal::Export(_))) => self.start_export(),
            Action::FormSave => self.save_form(),
            Action::Export => {
                let f = ExportForm::new(&self.export_dir, &self.clock, self.i18n.lang);
                self.modal = Some(Modal::Export(Box::new(f)));
            }
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

    fn go(&mut self, t: Tab) {
        self.tab = t;
        match t {
            Tab::Trends => self.load_trends(),
            Tab::History if self.history.stale => self.load_history(),
            _ => {}
        }
    }

    fn move_selection(&mut self, a: Action) {
        let (sel, len) = match self.tab {
            Tab::History => (&mut self.history.selected, self.history.rows.len()),
            Tab::Reminders => (&mut self.reminder_selected, self.reminders.len()),
            Tab::Today | Tab::Trends => return,
        };
        if len == 0 {
            return;
        }
        let page = 10;
        *sel = match a {
            Action::Up => sel.saturating_sub(1),
            Action::Down => (*sel + 1).min(len - 1),
            Action::PageUp => sel.saturating_sub(page),
            Action::PageDown => (*sel + page).min(len - 1),
            Action::Home => 0,
            _ => len - 1,
        };
    }

    /// Log the next due (or next upcoming) dose of today as taken or skipped, now.
    fn dose_now(&mut self, status: DoseStatus) {
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
        match build(&raw, None, None, &self.clock, || None) {
            Ok((c, note, at)) => match self.store.add_entry(
                &NewEntry {
                    at,
                    note,
                    data: c.value,
                },
                now,
            ) {
                Ok(e) => {
                    self.refresh();
                    self.info(crate::present::describe::saved(&e, false, &self.i18n));
                }
                Err(e) => self.error(
                    self.i18n
                        .tf("tui.save_failed", &[("reason", &e.to_string())]),
                ),
            },
            Err(e) => self.error(self.i18n.input_error(&e)),
        }
    }

    fn delete(&mut self, id: i64) {
        match self.store.delete_entry(id, self.clock.now()) {
            Ok(()) => {
                self.undo.push(id);
                self.refresh();
                self.info(self.i18n.tf("tui.deleted", &[("id", &id.to_string())]));
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Enter on a reminder: open the form that records what it asks for.
    fn activate_reminder(&mut self) {
        let Some(r) = self.reminders.get(self.reminder_selected) else {
            return;
        };
        let (kind, analyte) = match r.rule {
            "trough_due" | "trough_overdue" | "not_a_trough" => (Kind::Lab, Some("csa_trough")),
            "kidney_due" | "kidney_overdue" | "creatinine_rise" | "creatinine_rise_urgent" => {
                (Kind::Lab, Some("creatinine"))
            }
            "liver_due" | "liver_overdue" => (Kind::Lab, Some("alt")),
            "electrolytes_due" | "electrolytes_overdue" => (Kind::Lab, Some("potassium")),
            "lipids_due" | "lipids_overdue" => (Kind::Lab, Some("cholesterol")),
            "cbc_due" | "cbc_overdue" => (Kind::Platelets, None),
            "bp_due" | "bp_overdue" | "bp_high" => (Kind::BloodPressure, None),
            "weight_due" | "weight_overdue" | "weight_stale" | "weight_changed" => {
                (Kind::Weight, None)
            }
            "dose_due" | "dose_not_logged" | "dose_soon" => (Kind::Dose, None),
            _ => {
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
