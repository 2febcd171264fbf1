//! What the command line and the tests read of the app (its fields are the screens' own), and
//! the few things a caller sets after `App::new`.

use std::path::{Path, PathBuf};

use crate::app::config::{Paths, Settings};
use crate::domain::clock::Clock;
use crate::domain::overview::Overview;
use crate::domain::reminders::Reminder;
use crate::present::i18n::I18n;
use crate::present::status::StatusView;
use crate::store::Store;
use crate::tui::app::{App, Confirm, MessageKind, Modal, Tab};
use crate::tui::screens::trends::Window;
use crate::tui::screens::upcoming::Upcoming;
use crate::tui::theme::Theme;

impl App {
    pub fn store(&self) -> &Store {
        &self.ctx.store
    }

    /// The open diary, to write to it behind the screen's back (as another window would).
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.ctx.store
    }

    pub fn clock(&self) -> &Clock {
        &self.ctx.clock
    }

    pub fn i18n(&self) -> &I18n {
        &self.ctx.i18n
    }

    pub fn settings(&self) -> &Settings {
        &self.ctx.settings
    }

    pub fn theme(&self) -> &Theme {
        &self.ctx.theme
    }

    pub fn set_theme(&mut self, theme: Theme) {
        self.ctx.theme = theme;
    }

    /// The database, settings file and data folder of the diary shown.
    pub fn paths(&self) -> &Paths {
        &self.ctx.paths
    }

    /// The named patient whose diary this is (shown in the top bar).
    pub fn patient(&self) -> Option<&str> {
        self.ctx.paths.patient.as_deref()
    }

    /// Where exports go by default (`.` unless set).
    pub fn export_dir(&self) -> &Path {
        &self.ctx.export_dir
    }

    pub fn set_export_dir(&mut self, dir: PathBuf) {
        self.ctx.export_dir = dir;
    }

    /// The screen shown.
    pub fn tab(&self) -> Tab {
        self.screen.tab()
    }

    pub fn modal(&self) -> Option<&Modal> {
        self.modal.as_ref()
    }

    /// The open dialog, to fill a form's fields directly.
    pub fn modal_mut(&mut self) -> Option<&mut Modal> {
        self.modal.as_mut()
    }

    /// The question asked, when one is.
    pub fn confirm(&self) -> Option<Confirm> {
        self.confirm
    }

    /// The message line.
    pub fn message(&self) -> Option<&(String, MessageKind)> {
        self.message.as_ref()
    }

    /// `false` once the user quit.
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Whether an export runs.
    pub fn job_running(&self) -> bool {
        self.job.is_some()
    }

    pub fn overview(&self) -> Option<&Overview> {
        self.view.overview.as_ref()
    }

    /// What Today shows (the same view as `itp-diary status`).
    pub fn status(&self) -> Option<&StatusView> {
        self.view.status.as_ref()
    }

    /// The due items (Today and Reminders).
    pub fn reminders(&self) -> &[Reminder] {
        &self.view.reminders
    }

    /// The selected row of Reminders.
    pub fn reminder_selected(&self) -> usize {
        self.reminders_state().selected
    }

    /// Reminders' "Upcoming" section (loaded when Reminders is shown).
    pub fn upcoming(&self) -> &[Upcoming] {
        &self.reminders_state().upcoming
    }

    /// The trends window (read when Trends is shown next).
    pub fn set_trend_window(&mut self, w: Window) {
        self.trends_mut().window = w;
    }
}
