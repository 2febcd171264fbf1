//! The keymap is data: keys → actions per context. The help overlay is generated from the same
//! table, so it can never drift from what the keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::entry::Kind;
use crate::tui::action::Action;
use crate::tui::app::Tab;
use crate::tui::dialogs::line_edit::Edit;

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Global,
    Today,
    History,
    Reminders,
    Trends,
    Form,
    Confirm,
}

impl Context {
    pub fn label_key(self) -> &'static str {
        match self {
            Context::Global => "keys.ctx_global",
            Context::Today => "keys.ctx_today",
            Context::History => "keys.ctx_history",
            Context::Reminders => "keys.ctx_reminders",
            Context::Trends => "keys.ctx_trends",
            Context::Form => "keys.ctx_form",
            Context::Confirm => "keys.ctx_confirm",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key(pub KeyCode, pub KeyModifiers);

const fn k(c: char) -> Key {
    Key(KeyCode::Char(c), KeyModifiers::NONE)
}
const fn code(c: KeyCode) -> Key {
    Key(c, KeyModifiers::NONE)
}
const fn ctrl(c: char) -> Key {
    Key(KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub action: Action,
    /// Translation key of the help text.
    pub help: &'static str,
}

const fn b(context: Context, keys: &'static [Key], action: Action, help: &'static str) -> Binding {
    Binding {
        context,
        keys,
        action,
        help,
    }
}

use Context::*;

/// Every binding. Earlier rows win when a key is bound twice in the contexts searched.
pub const BINDINGS: &[Binding] = &[
    // Forms: typing goes into the field; these keys act on the form.
    b(
        Form,
        &[code(KeyCode::Enter), ctrl('s')],
        Action::FormSave,
        "keys.save",
    ),
    b(
        Form,
        &[code(KeyCode::Esc)],
        Action::FormCancel,
        "keys.cancel",
    ),
    b(
        Form,
        &[code(KeyCode::Tab), code(KeyCode::Down)],
        Action::FormNext,
        "keys.next_field",
    ),
    b(
        Form,
        &[
            Key(KeyCode::BackTab, KeyModifiers::SHIFT),
            code(KeyCode::BackTab),
            code(KeyCode::Up),
        ],
        Action::FormPrev,
        "keys.prev_field",
    ),
    b(
        Form,
        &[code(KeyCode::Left)],
        Action::FormLeft,
        "keys.choice_prev",
    ),
    b(
        Form,
        &[code(KeyCode::Right)],
        Action::FormRight,
        "keys.choice_next",
    ),
    b(
        Form,
        &[code(KeyCode::Backspace)],
        Action::FormBackspace,
        "keys.backspace",
    ),
    b(
        Form,
        &[code(KeyCode::Delete)],
        Action::FormLine(Edit::Delete),
        "editor.key_delete",
    ),
    b(
        Form,
        &[ctrl('w')],
        Action::FormLine(Edit::DeleteWord),
        "editor.key_delete_word",
    ),
    b(
        Form,
        &[code(KeyCode::Home), ctrl('a')],
        Action::FormLine(Edit::Home),
        "editor.key_home",
    ),
    b(
        Form,
        &[code(KeyCode::End), ctrl('e')],
        Action::FormLine(Edit::End),
        "editor.key_end",
    ),
    b(
        Confirm,
        &[k('y'), code(KeyCode::Enter)],
        Action::Yes,
        "keys.yes",
    ),
    b(
        Confirm,
        &[k('n'), code(KeyCode::Esc)],
        Action::No,
        "keys.no",
    ),
    // Today
    b(Today, &[k('t')], Action::TakeDose, "keys.take"),
    b(Today, &[k('s')], Action::SkipDose, "keys.skip"),
    b(Today, &[k('O')], Action::EditProfile, "setup.key_profile"),
    b(Today, &[k('V')], Action::Questions, "questions.key"),
    b(Today, &[k('R')], Action::ChangePlan, "plan_change.key"),
    // History
    b(
        History,
        &[k('e'), code(KeyCode::Enter)],
        Action::Edit,
        "keys.edit",
    ),
    b(
        History,
        &[k('D'), code(KeyCode::Delete)],
        Action::Delete,
        "keys.delete",
    ),
    b(History, &[k('f')], Action::CycleFilter, "keys.filter"),
    b(
        History,
        &[k('h')],
        Action::EntryHistory,
        "safety.key_entry_history",
    ),
    b(History, &[k('R')], Action::CycleRange, "keys.range"),
    b(History, &[k('/')], Action::Search, "search.key"),
    // Reminders
    b(
        Reminders,
        &[code(KeyCode::Enter)],
        Action::Activate,
        "keys.activate",
    ),
    // Trends
    b(Trends, &[k('+'), k('=')], Action::Zoom(1), "keys.zoom_in"),
    b(Trends, &[k('-')], Action::Zoom(-1), "keys.zoom_out"),
    b(Trends, &[k('[')], Action::Pan(-1), "keys.pan_back"),
    b(Trends, &[k(']')], Action::Pan(1), "keys.pan_forward"),
    b(Trends, &[k('c')], Action::NextChart, "keys.next_chart"),
    b(
        Trends,
        &[k(','), code(KeyCode::Left)],
        Action::Cursor(-1),
        "keys.cursor_back",
    ),
    b(
        Trends,
        &[k('.'), code(KeyCode::Right)],
        Action::Cursor(1),
        "keys.cursor_forward",
    ),
    // Everywhere outside forms
    b(
        Global,
        &[k('p')],
        Action::New(Kind::Platelets),
        "keys.log_platelets",
    ),
    b(Global, &[k('d')], Action::New(Kind::Dose), "keys.log_dose"),
    b(Global, &[k('b')], Action::New(Kind::Lab), "keys.log_lab"),
    b(
        Global,
        &[k('w')],
        Action::New(Kind::Weight),
        "keys.log_weight",
    ),
    b(
        Global,
        &[k('v')],
        Action::New(Kind::BloodPressure),
        "keys.log_bp",
    ),
    b(
        Global,
        &[k('x')],
        Action::New(Kind::Bleeding),
        "keys.log_bleeding",
    ),
    b(Global, &[k('n')], Action::NewAny, "keys.log_any"),
    b(Global, &[k('u')], Action::Undo, "keys.undo"),
    b(Global, &[k('E')], Action::Export, "keys.export"),
    b(
        Global,
        &[k('j'), code(KeyCode::Down)],
        Action::Down,
        "keys.down",
    ),
    b(Global, &[k('k'), code(KeyCode::Up)], Action::Up, "keys.up"),
    b(
        Global,
        &[code(KeyCode::PageDown), ctrl('d')],
        Action::PageDown,
        "keys.page_down",
    ),
    b(
        Global,
        &[code(KeyCode::PageUp), ctrl('u')],
        Action::PageUp,
        "keys.page_up",
    ),
    b(
        Global,
        &[k('g'), code(KeyCode::Home)],
        Action::Home,
        "keys.home",
    ),
    b(
        Global,
        &[k('G'), code(KeyCode::End)],
        Action::End,
        "keys.end",
    ),
    b(
        Global,
        &[code(KeyCode::Tab), k('l'), code(KeyCode::Right)],
        Action::NextTab,
        "keys.next_tab",
    ),
    b(
        Global,
        &[
            Key(KeyCode::BackTab, KeyModifiers::SHIFT),
            code(KeyCode::BackTab),
            k('h'),
            code(KeyCode::Left),
        ],
        Action::PrevTab,
        "keys.prev_tab",
    ),
    b(
        Global,
        &[k('1')],
        Action::GoTab(Tab::Today),
        "keys.tab_today",
    ),
    b(
        Global,
        &[k('2')],
        Action::GoTab(Tab::History),
        "keys.tab_history",
    ),
    b(
        Global,
        &[k('3')],
        Action::GoTab(Tab::Reminders),
        "keys.tab_reminders",
    ),
    b(
        Global,
        &[k('4')],
        Action::GoTab(Tab::Trends),
        "keys.tab_trends",
    ),
    b(Global, &[k('r')], Action::Refresh, "keys.refresh"),
    b(Global, &[k('P')], Action::Patients, "patients.key_switch"),
    b(Global, &[k('?')], Action::Help, "keys.help"),
    b(Global, &[k('q'), ctrl('c')], Action::Quit, "keys.quit"),
];

fn matches(key: &Key, ev: &KeyEvent) -> bool {
    let mods = ev.modifiers - KeyModifiers::SHIFT;
    match (key.0, ev.code) {
        // Shift is part of the character for letters and symbols.
        (KeyCode::Char(a), KeyCode::Char(c)) => a == c && (key.1 - KeyModifiers::SHIFT) == mods,
        (a, c) => a == c && key.1 == ev.modifiers,
    }
}

/// The action of `ev` in the given contexts (searched in order).
pub fn lookup(contexts: &[Context], ev: &KeyEvent) -> Option<Action> {
    contexts.iter().find_map(|ctx| {
        BINDINGS
            .iter()
            .filter(|b| b.context == *ctx)
            .find(|b| b.keys.iter().any(|k| matches(k, ev)))
            .map(|b| b.action)
    })
}

/// How a key is written in the help.
pub fn key_name(k: &Key) -> String {
    let base = match k.0 {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Delete => "Del".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        other => format!("{other:?}"),
    };
    if k.1.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{}", base.to_uppercase())
    } else {
        base
    }
}

/// The help rows: (context, keys, help key), in keymap order, duplicates of a key name merged.
pub fn help_rows() -> Vec<(Context, String, &'static str)> {
    BINDINGS
        .iter()
        .map(|b| {
            let mut names: Vec<String> = b.keys.iter().map(key_name).collect();
            names.dedup();
            (b.context, names.join(" / "), b.help)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn lookup_by_context() {
        let t = ev(KeyCode::Char('t'), KeyModifiers::NONE);
        assert_eq!(lookup(&[Today, Global], &t), Some(Action::TakeDose));
        assert_eq!(lookup(&[History, Global], &t), None);
        let g = ev(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&[Global], &g), Some(Action::End));
        let c = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&[Global], &c), Some(Action::Quit));
        let enter = ev(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(lookup(&[Form], &enter), Some(Action::FormSave));
        assert_eq!(lookup(&[History, Global], &enter), Some(Action::Edit));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b2 in &BINDINGS[i + 1..] {
                if a.context == b2.context {
                    for k in a.keys {
                        assert!(!b2.keys.contains(k), "{k:?} twice in {:?}", a.context);
                    }
                }
            }
        }
    }
}
