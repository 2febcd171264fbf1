//! Issue 10: the app holds the screen shown as a `Screen` enum of per-screen states; the other
//! screens wait as they were left (History keeps its filter and selection while the patient
//! looks at Trends, Trends its window), and a screen's keys act on that screen only.

mod common;

use common::app::{app_on, demo_store};
use itp_diary::domain::entry::Kind;
use itp_diary::present::i18n::Lang;
use itp_diary::tui::{self, Action, Screen, Tab};

#[test]
fn history_and_trends_keep_their_state_across_tab_switches() {
    let mut app = app_on(demo_store(), Lang::En, false);
    assert!(matches!(app.screen(), Screen::Today(_)));
    app.update(Action::GoTab(Tab::History));
    app.update(Action::CycleFilter);
    for _ in 0..3 {
        app.update(Action::Down);
    }
    let total = app.history().total;
    let chosen = app.history().current().map(|e| e.id);
    app.update(Action::GoTab(Tab::Trends));
    assert!(matches!(app.screen(), Screen::Trends(_)));
    app.update(Action::Zoom(-1));
    let window = app.trends().window;
    // History, parked, is still readable and unchanged.
    assert_eq!(app.history().filter, Some(Kind::Platelets));
    app.update(Action::GoTab(Tab::History));
    assert!(matches!(app.screen(), Screen::History(_)));
    assert_eq!(app.history().filter, Some(Kind::Platelets));
    assert_eq!(app.history().selected, 3);
    assert_eq!(app.history().total, total);
    assert_eq!(app.history().current().map(|e| e.id), chosen);
    let shot = tui::snapshot(&mut app, 100, 30).unwrap();
    assert!(shot.contains("1 Today"), "{shot}");
    app.update(Action::NextTab);
    app.update(Action::NextTab);
    assert_eq!(app.tab(), Tab::Trends);
    assert_eq!(app.trends().window, window);
}

#[test]
fn a_screens_actions_act_only_on_the_screen_shown() {
    let mut app = app_on(demo_store(), Lang::En, false);
    let window = app.trends().window;
    // Trends' zoom and History's filter, sent while Today is shown, change nothing.
    app.update(Action::Zoom(-1));
    app.update(Action::CycleFilter);
    assert_eq!(app.trends().window, window);
    assert_eq!(app.history().filter, None);
    assert_eq!(app.tab(), Tab::Today);
    // Movement on Reminders moves Reminders' selection, not History's.
    app.update(Action::GoTab(Tab::Reminders));
    let n = app.reminders().len();
    app.update(Action::End);
    assert_eq!(app.reminder_selected(), n.saturating_sub(1));
    assert_eq!(app.history().selected, 0);
}
