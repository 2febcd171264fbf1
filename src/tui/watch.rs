//! Changes made outside this window (a command, another window, a restore) are noticed with
//! `PRAGMA data_version` on the poll tick and the screens reload. An open form is left alone:
//! its save states the version it read and is refused if the entry moved.

use crate::tui::app::App;

impl App {
    /// Reload when the diary changed since `seen` (updated). Returns whether it reloaded.
    pub fn reload_if_changed(&mut self, seen: &mut Option<crate::store::DataVersion>) -> bool {
        let now = self.ctx.store.data_version().ok();
        if now == *seen || self.modal.is_some() || self.confirm.is_some() {
            return false;
        }
        *seen = now;
        self.refresh();
        true
    }
}
