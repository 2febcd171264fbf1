//! What a key (or a click) asks the app to do. Keys resolve to actions through the keymap;
//! `App::update` carries them out.

use crate::domain::entry::Kind;

use crate::tui::app::Tab;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    /// `P`: open another patient's diary.
    Patients,
    /// `O`: edit the profile.
    EditProfile,
    /// `V`: the questions for the next visit.
    Questions,
    /// `R` on Today: change the treatment plan.
    ChangePlan,
    NextTab,
    PrevTab,
    GoTab(Tab),
    Refresh,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    /// Open the log form of a kind.
    New(Kind),
    /// Open the "new entry" form with a kind chooser.
    NewAny,
    /// Mark the next due dose taken now.
    TakeDose,
    /// Mark the next due dose skipped.
    SkipDose,
    Edit,
    /// Show (or close) the selected entry's edit history.
    EntryHistory,
    Delete,
    Undo,
    CycleFilter,
    /// Cycle the history's date range.
    CycleRange,
    /// Search History (`/`).
    Search,
    /// Open the Export dialog.
    Export,
    /// Enter on a list row (a reminder: log what it asks for).
    Activate,
    // Trends
    Zoom(i8),
    /// Move the trends cursor.
    Cursor(i8),
    Pan(i8),
    NextChart,
    // Forms
    FormNext,
    FormPrev,
    FormLeft,
    FormRight,
    FormSave,
    FormCancel,
    FormBackspace,
    FormChar(char),
    /// A cursor move or deletion in the focused text field.
    FormLine(crate::tui::dialogs::line_edit::Edit),
    // Confirmation
    Yes,
    No,
}
