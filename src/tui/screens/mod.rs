//! One module per screen; each draws from the app's view model and its own state, handles its
//! own keys, and never runs SQL while drawing.
//!
//! The screen shown is a [`Screen`]: one variant per tab, holding that screen's state. The
//! others wait in [`Parked`] as they were left, so History keeps its page, filter and search
//! while the patient looks at Trends, and Trends its window.

pub mod history;
pub mod history_search;
pub mod reminders;
pub mod today;
pub mod trends;
pub mod upcoming;

use crate::tui::action::Action;
use crate::tui::app::{App, Tab};
use history::History;
use reminders::RemindersState;
use today::TodayView;
use trends::TrendsState;

/// The screen shown and its own state.
// One value per app, moved only on a tab switch: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Screen {
    Today(TodayView),
    History(History),
    Reminders(RemindersState),
    Trends(TrendsState),
}

impl Screen {
    pub fn tab(&self) -> Tab {
        match self {
            Screen::Today(_) => Tab::Today,
            Screen::History(_) => Tab::History,
            Screen::Reminders(_) => Tab::Reminders,
            Screen::Trends(_) => Tab::Trends,
        }
    }
}

/// The states of the screens not shown (the shown one's slot holds an empty placeholder).
#[derive(Default)]
pub struct Parked {
    today: TodayView,
    history: History,
    reminders: RemindersState,
    trends: TrendsState,
}

impl Parked {
    fn take(&mut self, t: Tab) -> Screen {
        use std::mem::take;
        match t {
            Tab::Today => Screen::Today(take(&mut self.today)),
            Tab::History => Screen::History(take(&mut self.history)),
            Tab::Reminders => Screen::Reminders(take(&mut self.reminders)),
            Tab::Trends => Screen::Trends(take(&mut self.trends)),
        }
    }

    fn put(&mut self, s: Screen) {
        match s {
            Screen::Today(v) => self.today = v,
            Screen::History(h) => self.history = h,
            Screen::Reminders(r) => self.reminders = r,
            Screen::Trends(t) => self.trends = t,
        }
    }
}

/// Rows moved by PageUp / PageDown (lists and the help).
pub const PAGE: u16 = 10;

/// The selection in a list of `len` rows after a movement key.
pub(crate) fn step(selected: usize, len: usize, a: Action) -> usize {
    let page = usize::from(PAGE);
    let last = len.saturating_sub(1);
    match a {
        Action::Up => selected.saturating_sub(1),
        Action::Down => (selected + 1).min(last),
        Action::PageUp => selected.saturating_sub(page),
        Action::PageDown => (selected + page).min(last),
        Action::Home => 0,
        _ => last,
    }
}

/// Each screen's state wherever it is (shown or parked).
impl App {
    /// Show tab `t`: the screen shown is parked, `t`'s state comes back as it was left.
    pub(crate) fn show(&mut self, t: Tab) {
        if self.screen.tab() != t {
            let next = self.parked.take(t);
            let left = std::mem::replace(&mut self.screen, next);
            self.parked.put(left);
        }
    }

    /// The screen shown.
    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    /// Today's platelet line and latest entries.
    pub fn today(&self) -> &TodayView {
        match &self.screen {
            Screen::Today(v) => v,
            _ => &self.parked.today,
        }
    }

    pub(crate) fn today_mut(&mut self) -> &mut TodayView {
        match &mut self.screen {
            Screen::Today(v) => v,
            _ => &mut self.parked.today,
        }
    }

    /// History's list, filter and selection (kept while another screen is shown).
    pub fn history(&self) -> &History {
        match &self.screen {
            Screen::History(h) => h,
            _ => &self.parked.history,
        }
    }

    pub(crate) fn history_mut(&mut self) -> &mut History {
        match &mut self.screen {
            Screen::History(h) => h,
            _ => &mut self.parked.history,
        }
    }

    pub(crate) fn reminders_state(&self) -> &RemindersState {
        match &self.screen {
            Screen::Reminders(r) => r,
            _ => &self.parked.reminders,
        }
    }

    pub(crate) fn reminders_state_mut(&mut self) -> &mut RemindersState {
        match &mut self.screen {
            Screen::Reminders(r) => r,
            _ => &mut self.parked.reminders,
        }
    }

    /// The trends window, chart, cursor and the data loaded for them.
    pub fn trends(&self) -> &TrendsState {
        match &self.screen {
            Screen::Trends(t) => t,
            _ => &self.parked.trends,
        }
    }

    pub(crate) fn trends_mut(&mut self) -> &mut TrendsState {
        match &mut self.screen {
            Screen::Trends(t) => t,
            _ => &mut self.parked.trends,
        }
    }
}
