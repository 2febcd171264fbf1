//! A paste (bracketed paste: the terminal marks pasted text) is text for the focused field
//! only: it never runs keys. Pasting "45⏎w" types "45w"'s printable part into the field; a
//! pasted `t` outside a form does nothing.

use crate::tui::action::Action;
use crate::tui::app::{App, Modal};

/// The longest paste taken (characters); the rest is dropped.
pub const MAX_PASTE: usize = 4000;

impl App {
    pub fn on_paste(&mut self, text: &str) {
        if self.too_small() {
            return;
        }
        if self.confirm.is_some() || !matches!(self.modal, Some(Modal::Form(_) | Modal::Export(_)))
        {
            return;
        }
        // Control characters (Enter, Tab, Escape, …) are not keys here: dropped.
        let chars: Vec<char> = text
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_PASTE)
            .collect();
        for c in chars {
            self.edit_form(Action::FormChar(c));
        }
    }
}
