//! The README's rule table, generated from [`TABLE`] (a test compares the README with it).

use super::i18n::I18n;
use crate::domain::rules::{Enter, TABLE};

/// Markers around the generated part of the README.
pub const BEGIN: &str =
    "<!-- rules:begin (generated from src/domain/rules/table.rs; do not edit) -->";
pub const END: &str = "<!-- rules:end -->";

/// The Markdown table: id, class, severity, setting, Enter opens, references, supersedes.
pub fn markdown(i: &I18n) -> String {
    let mut out = String::from(
        "| Rule | Class | Severity | Setting | Enter opens | References | Hides |\n|---|---|---|---|---|---|---|\n",
    );
    for r in TABLE {
        let enter = match r.enter {
            Enter::Log(k, Some(a)) => format!("{} ({})", k.code(), a.code()),
            Enter::Log(k, None) => k.code().to_string(),
            Enter::Nothing => "—".to_string(),
        };
        let hides: Vec<String> = r
            .supersedes
            .iter()
            .map(|h| format!("`{}`", h.code()))
            .collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            r.id.code(),
            r.class.code(),
            r.severity.code(),
            r.setting
                .map_or("—".to_string(), |s| format!("`{}`", s.key())),
            enter,
            crate::present::describe::refs_text(r.refs, i),
            if hides.is_empty() {
                "—".to_string()
            } else {
                hides.join(", ")
            },
        ));
    }
    out
}

/// The README with its rule table replaced by the generated one.
pub fn splice(readme: &str, i: &I18n) -> Option<String> {
    let (head, rest) = readme.split_once(BEGIN)?;
    let (_, tail) = rest.split_once(END)?;
    Some(format!("{head}{BEGIN}\n{}{END}{tail}", markdown(i)))
}
