//! `/` in History: a text search run by the store (SQL `LIKE` on the note, subject code and
//! value, plus the kinds and subjects whose names in the current language contain the words),
//! so keyset paging keeps working on the matching rows only.

use crate::domain::drugs::Drug;
use crate::domain::entry::{Analyte, BleedingSite, EventKind, Kind, SideEffectKind};
use crate::present::i18n::I18n;
use crate::store::TextMatch;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::dialogs::line_edit::{self, Edit};
use crate::tui::screens::Screen;

/// The search line while it is typed: the text and the editor's cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchLine {
    pub text: String,
    pub cursor: Option<usize>,
}

fn hit(label: &str, words: &str) -> bool {
    label.to_lowercase().contains(&words.to_lowercase())
}

fn codes_of<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: impl Fn(T) -> String,
    words: &str,
    out: &mut Vec<String>,
) {
    for v in all {
        if hit(&label(*v), words) || hit(code(*v), words) {
            out.push(code(*v).to_string());
        }
    }
}

/// The store's search for `words`: the words themselves and the codes whose names in either
/// language contain them (session 7: the English screen found no entry for 血小板 or 肌酐,
/// and the README says the search works in either language). `None` for blank words.
pub fn text_match(words: &str, i: &I18n) -> Option<TextMatch> {
    let words = words.trim();
    if words.is_empty() {
        return None;
    }
    let other = match i.lang {
        crate::present::i18n::Lang::En => crate::present::i18n::Lang::Zh,
        crate::present::i18n::Lang::Zh => crate::present::i18n::Lang::En,
    };
    let mut codes = Vec::new();
    for i in [i, &I18n::new(other)] {
        names_in(i, words, &mut codes);
    }
    codes.sort();
    codes.dedup();
    Some(TextMatch {
        words: words.to_string(),
        codes,
    })
}

/// The codes whose names in `i`'s language contain `words`.
fn names_in(i: &I18n, words: &str, codes: &mut Vec<String>) {
    let label = |key: String| i.t(&key).to_string();
    codes_of(
        Kind::ALL,
        Kind::code,
        |k| label(k.label_key()),
        words,
        codes,
    );
    codes_of(
        Drug::ALL,
        Drug::code,
        |k| label(k.label_key()),
        words,
        codes,
    );
    codes_of(
        Analyte::ALL,
        Analyte::code,
        |k| i.field(k.code()),
        words,
        codes,
    );
    codes_of(
        BleedingSite::ALL,
        BleedingSite::code,
        |k| label(k.label_key()),
        words,
        codes,
    );
    codes_of(
        SideEffectKind::ALL,
        SideEffectKind::code,
        |k| label(k.label_key()),
        words,
        codes,
    );
    codes_of(
        EventKind::ALL,
        EventKind::code,
        |k| label(k.label_key()),
        words,
        codes,
    );
}

impl App {
    /// Start typing a search (keeping the current words).
    pub(crate) fn start_search(&mut self) {
        let text = self
            .history()
            .search
            .as_ref()
            .map(|m| m.words.clone())
            .unwrap_or_default();
        self.history_mut().typing = Some(SearchLine { text, cursor: None });
    }

    /// A key while History's search line is open; `false` when it is not open.
    pub(crate) fn search_key(&mut self, a: Action) -> bool {
        let Screen::History(h) = &mut self.screen else {
            return false;
        };
        let Some(line) = h.typing.as_mut() else {
            return false;
        };
        let edit = match a {
            Action::FormChar(c) => Some(Edit::Insert(c)),
            Action::FormBackspace => Some(Edit::Backspace),
            Action::FormLeft => Some(Edit::Left),
            Action::FormRight => Some(Edit::Right),
            Action::FormLine(e) => Some(e),
            _ => None,
        };
        if let Some(e) = edit {
            line_edit::apply(&mut line.text, &mut line.cursor, e);
            return true;
        }
        match a {
            Action::FormSave => {
                let words = line.text.clone();
                h.typing = None;
                h.search = text_match(&words, &self.ctx.i18n);
                h.restart();
                self.refresh();
            }
            Action::FormCancel => {
                // Esc leaves the search: every entry again.
                h.typing = None;
                h.search = None;
                h.restart();
                self.refresh();
            }
            Action::Quit => self.running = false,
            _ => {}
        }
        true
    }
}
