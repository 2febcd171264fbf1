//! User-facing text in English and Simplified Chinese, from `assets/locales/<lang>/<area>.toml` (embedded).
//! Keys are flat dotted names; `{name}` placeholders are filled by [`I18n::tf`]. A missing key
//! falls back to English, then to `?` (tests keep both files in step and check every key the code builds).

use std::collections::HashMap;

use crate::domain::units::fmt_num;
use crate::domain::validate::{ValidationError, Warning, WarningKind};
use crate::domain::when::WhenError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// `en`, `zh`, `zh-CN`, `zh_CN.UTF-8` …
    pub fn parse(s: &str) -> Option<Lang> {
        let l = s.trim().to_lowercase();
        if l.starts_with("zh") {
            Some(Lang::Zh)
        } else if l.starts_with("en") || l == "c" || l == "posix" || l.starts_with("c.") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// From the environment: `LC_ALL`, then `LC_MESSAGES`, then `LANG` (POSIX order); when
    /// none is set (Windows has none, nor has a macOS app), the system's language
    /// (`sys-locale`: the user's UI language on Windows, the preferred language on macOS).
    pub fn from_env() -> Option<Lang> {
        Lang::pick(|k| std::env::var(k).ok(), sys_locale::get_locale)
    }

    /// [`Lang::from_env`] with the environment and the system asked through functions.
    pub fn pick(
        env: impl Fn(&str) -> Option<String>,
        system: impl FnOnce() -> Option<String>,
    ) -> Option<Lang> {
        match ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| env(k))
            .find(|v| !v.is_empty())
        {
            Some(v) => Lang::parse(&v),
            None => system().and_then(|v| Lang::parse(&v)),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// The English catalogue, one file per area of the program (keys are unique across files).
pub const EN_SOURCES: &[&str] = &[
    include_str!("../../assets/locales/en/core.toml"),
    include_str!("../../assets/locales/en/house.toml"),
    include_str!("../../assets/locales/en/rules.toml"),
    include_str!("../../assets/locales/en/safety.toml"),
    include_str!("../../assets/locales/en/flow.toml"),
    include_str!("../../assets/locales/en/exchange.toml"),
    include_str!("../../assets/locales/en/report.toml"),
    include_str!("../../assets/locales/en/reach.toml"),
];
/// The Simplified Chinese catalogue, the same files.
pub const ZH_SOURCES: &[&str] = &[
    include_str!("../../assets/locales/zh-CN/core.toml"),
    include_str!("../../assets/locales/zh-CN/house.toml"),
    include_str!("../../assets/locales/zh-CN/rules.toml"),
    include_str!("../../assets/locales/zh-CN/safety.toml"),
    include_str!("../../assets/locales/zh-CN/flow.toml"),
    include_str!("../../assets/locales/zh-CN/exchange.toml"),
    include_str!("../../assets/locales/zh-CN/report.toml"),
    include_str!("../../assets/locales/zh-CN/reach.toml"),
];

/// Fill `{name}` and `{name:one|other}` in `template` from `args`, in one pass. Unknown
/// placeholders and lone braces are kept as written.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after
            .find(['}', '{'])
            .filter(|&c| after.as_bytes()[c] == b'}')
        else {
            out.push('{');
            rest = after;
            continue;
        };
        let inner = &after[..close];
        let (name, forms) = match inner.split_once(':') {
            Some((n, f)) => (n, Some(f)),
            None => (inner, None),
        };
        match (args.iter().find(|(k, _)| *k == name), forms) {
            (Some((_, v)), None) => out.push_str(v),
            (Some((_, v)), Some(forms)) => {
                let (one, other) = forms.split_once('|').unwrap_or((forms, forms));
                let is_one = v.trim().parse::<f64>().is_ok_and(|n| n == 1.0);
                out.push_str(if is_one { one } else { other });
            }
            (None, _) => {
                out.push('{');
                out.push_str(inner);
                out.push('}');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A loaded catalogue.
#[derive(Clone, Debug)]
pub struct I18n {
    pub lang: Lang,
    strings: &'static [(&'static str, &'static str)],
    fallback: &'static [(&'static str, &'static str)],
    /// Read on the screen, not the command line: hints name keys and fields, never flags.
    screen: bool,
}

/// Flatten a TOML catalogue into dotted keys.
pub fn flatten(source: &str) -> Result<HashMap<String, String>, String> {
    let table: toml::Table = source.parse().map_err(|e| format!("{e}"))?;
    let mut out = HashMap::new();
    fn walk(
        prefix: &str,
        t: &toml::Table,
        out: &mut HashMap<String, String>,
    ) -> Result<(), String> {
        for (k, v) in t {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::String(s) => {
                    out.insert(key, s.clone());
                }
                toml::Value::Table(t) => walk(&key, t, out)?,
                _ => return Err(format!("{key}: only strings and tables are allowed")),
            }
        }
        Ok(())
    }
    walk("", &table, &mut out)?;
    Ok(out)
}

/// The catalogues compiled by `build.rs`: `(key, text)` sorted by key.
mod compiled {
    include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));
}

/// The text of `key` in a compiled table.
fn lookup(table: &'static [(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| table[i].1)
}

impl I18n {
    pub fn new(lang: Lang) -> I18n {
        // Compiled in by build.rs: nothing is parsed at start-up.
        let strings = match lang {
            Lang::En => &[][..],
            Lang::Zh => compiled::ZH,
        };
        I18n {
            lang,
            strings,
            fallback: compiled::EN,
            screen: false,
        }
    }

    /// The same catalogue for the screen: hints that name command-line flags (`--unit`) say
    /// what to choose in the form instead.
    pub fn for_screen(mut self) -> I18n {
        self.screen = true;
        self
    }

    /// `cli`, or `screen` when the text is read on the screen.
    fn surface<'a>(&self, cli: &'a str, screen: &'a str) -> &'a str {
        if self.screen { screen } else { cli }
    }

    /// The text of `key` (English when the language lacks it; `?` when both do — a test
    /// checks that every key the program builds exists).
    pub fn t(&self, key: &str) -> &str {
        lookup(self.strings, key)
            .or_else(|| lookup(self.fallback, key))
            .unwrap_or("?")
    }

    /// Whether a key exists.
    pub fn has(&self, key: &str) -> bool {
        lookup(self.strings, key).is_some() || lookup(self.fallback, key).is_some()
    }

    /// The text of `key` with `{name}` placeholders filled, in one pass: a value is never
    /// searched for placeholders again (a note typed as `tremor{accepted}` stays as typed).
    /// `{name:one|other}` is a plural form chosen by the number `name` holds ("1 day",
    /// "2 days"); Chinese has none and writes `{name}` alone.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }

    /// The label of a field or code, e.g. `field.platelets`; the code itself when unknown.
    pub fn field(&self, code: &str) -> String {
        let key = format!("field.{code}");
        if self.has(&key) {
            self.t(&key).to_string()
        } else {
            code.to_string()
        }
    }

    /// A validation error as one line.
    pub fn validation(&self, e: &ValidationError) -> String {
        match e {
            ValidationError::NotANumber { field, input } => self.tf(
                "error.not_a_number",
                &[("field", &self.field(field)), ("input", input)],
            ),
            ValidationError::NotWhole { field, input } => self.tf(
                "error.not_whole",
                &[("field", &self.field(field)), ("input", input)],
            ),
            ValidationError::OutOfRange {
                field,
                value,
                unit,
                min,
                max,
            } => {
                let mut s = self.tf(
                    "error.out_of_range",
                    &[
                        ("field", &self.field(field)),
                        ("value", value),
                        ("unit", unit),
                        ("min", min),
                        ("max", max),
                    ],
                );
                if *field == "platelets" {
                    s.push_str(
                        self.t(self.surface("error.platelets_hint", "screen.platelets_hint")),
                    );
                }
                s
            }
            ValidationError::Unit { field, err } => match err {
                crate::domain::units::UnitError::Unknown { unit, accepted } => self.tf(
                    "error.unknown_unit",
                    &[
                        ("field", &self.field(field)),
                        ("unit", unit),
                        ("accepted", accepted),
                    ],
                ),
                crate::domain::units::UnitError::Required { accepted } => self.tf(
                    self.surface("error.unit_required", "screen.unit_required"),
                    &[("field", &self.field(field)), ("accepted", accepted)],
                ),
            },
            ValidationError::NotAccepted {
                field,
                input,
                accepted,
            } => self.tf(
                "error.not_accepted",
                &[
                    ("field", &self.field(field)),
                    ("input", input),
                    ("accepted", accepted),
                ],
            ),
            ValidationError::Missing { field } => {
                self.tf("error.missing", &[("field", &self.field(field))])
            }
            ValidationError::BpOrder {
                systolic,
                diastolic,
            } => self.tf(
                "error.bp_order",
                &[
                    ("systolic", &systolic.to_string()),
                    ("diastolic", &diastolic.to_string()),
                ],
            ),
            ValidationError::Other { field, reason } => {
                format!("{}: {reason}", self.field(field))
            }
            ValidationError::Text { field, problem } => {
                self.text_problem(&self.field(field), problem)
            }
        }
    }

    /// Why free text in `field` (already in words: a field's name or a backup's JSON path)
    /// is refused, with what is accepted.
    pub fn text_problem(
        &self,
        field: &str,
        problem: &crate::domain::validate::TextProblem,
    ) -> String {
        use crate::domain::validate::TextProblem;
        match *problem {
            TextProblem::TooLong { chars, max } => self.tf(
                "error.text_too_long",
                &[
                    ("field", field),
                    ("chars", &chars.to_string()),
                    ("max", &max.to_string()),
                ],
            ),
            TextProblem::Unsafe { ch, at } => self.tf(
                "error.text_unsafe",
                &[
                    ("field", field),
                    ("char", &format!("U+{:04X}", ch as u32)),
                    ("at", &at.to_string()),
                ],
            ),
            TextProblem::LineBreak => self.tf("error.text_line_break", &[("field", field)]),
        }
    }

    /// Any refusal of typed input as one line.
    pub fn input_error(&self, e: &crate::app::entry_input::InputError) -> String {
        use crate::app::entry_input::InputError;
        match e {
            InputError::Invalid(v) => self.validation(v),
            InputError::When { field, err } => self.when_error(field, err),
            InputError::Code {
                field,
                input,
                accepted,
            } => match *field {
                "drug" => self.tf(
                    "error.unknown_drug",
                    &[("input", input), ("accepted", accepted)],
                ),
                "analyte" => self.tf(
                    "error.unknown_analyte",
                    &[("input", input), ("accepted", accepted)],
                ),
                _ => self.tf(
                    "error.unknown_code",
                    &[
                        ("field", &self.field(field)),
                        ("input", input),
                        ("accepted", accepted),
                    ],
                ),
            },
        }
    }

    /// A time-parsing error as one line.
    pub fn when_error(&self, field: &str, e: &WhenError) -> String {
        let f = self.field(field);
        match e {
            WhenError::Unparsable(s) => {
                self.tf("error.when_unparsable", &[("field", &f), ("input", s)])
            }
            WhenError::NotADate(s) => {
                self.tf("error.when_not_a_date", &[("field", &f), ("input", s)])
            }
            WhenError::Nonexistent(s) => {
                self.tf("error.when_nonexistent", &[("field", &f), ("input", s)])
            }
            WhenError::BeforeBirth { input, year, now } => self.tf(
                "safety.when_before_birth",
                &[
                    ("field", &f),
                    ("input", input),
                    ("year", &year.to_string()),
                    ("now", now),
                ],
            ),
            WhenError::Future { input, now } => self.tf(
                "error.when_future",
                &[("field", &f), ("input", input), ("now", now)],
            ),
        }
    }

    /// A soft warning as one line.
    pub fn warning(&self, w: &Warning) -> String {
        let field = self.field(w.field);
        match &w.kind {
            WarningKind::Low { value, limit, unit } => self.tf(
                "warning.low",
                &[
                    ("field", &field),
                    ("value", &fmt_num(*value, 2)),
                    ("limit", &fmt_num(*limit, 2)),
                    ("unit", unit),
                ],
            ),
            WarningKind::High { value, limit, unit } => self.tf(
                "warning.high",
                &[
                    ("field", &field),
                    ("value", &fmt_num(*value, 2)),
                    ("limit", &fmt_num(*limit, 2)),
                    ("unit", unit),
                ],
            ),
            WarningKind::ProbablyPerMicrolitre { value } => self.tf(
                self.surface("warning.per_microlitre", "screen.per_microlitre"),
                &[
                    ("value", &fmt_num(*value, 1)),
                    ("guess", &fmt_num(value / 1000.0, 1)),
                ],
            ),
            WarningKind::WeightChange { from, to, percent } => self.tf(
                "warning.weight_change",
                &[
                    ("from", &fmt_num(*from, 1)),
                    ("to", &fmt_num(*to, 1)),
                    // Beside the ±10% line it is judged against (10.2, not 10).
                    (
                        "percent",
                        &crate::domain::units::fmt_beside(*percent, &[-10.0, 10.0], 0),
                    ),
                ],
            ),
            WarningKind::AboveUln { value, uln, times } => self.tf(
                "warning.above_uln",
                &[
                    ("field", &field),
                    ("value", &fmt_num(*value, 0)),
                    ("uln", &fmt_num(*uln, 0)),
                    ("times", &fmt_num(*times, 1)),
                ],
            ),
        }
    }
}

#[cfg(test)]
mod tests;
