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

/// Every file of a catalogue read into one table.
fn quick_all(sources: &[&str]) -> HashMap<String, String> {
    let mut out = HashMap::with_capacity(900);
    for s in sources {
        out.extend(quick_flatten(s));
    }
    out
}

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
    strings: HashMap<String, String>,
    fallback: HashMap<String, String>,
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

/// A fast reader for the catalogues' simple shape (`[section]` lines and `key = "text"` lines
/// with basic escapes), about ten times quicker than a general TOML parser: every command
/// starts by loading a catalogue. A test checks it reads exactly what [`flatten`] reads.
pub fn quick_flatten(source: &str) -> HashMap<String, String> {
    let mut out = HashMap::with_capacity(700);
    let mut section = String::new();
    for line in source.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_string();
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim();
        let Some(body) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
            continue;
        };
        let mut text = String::with_capacity(body.len());
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some(other) => text.push(other),
                    None => {}
                }
            } else {
                text.push(c);
            }
        }
        let key = if section.is_empty() {
            k.trim().to_string()
        } else {
            format!("{section}.{}", k.trim())
        };
        out.insert(key, text);
    }
    out
}

impl I18n {
    pub fn new(lang: Lang) -> I18n {
        // The catalogues are embedded and checked by tests (see `quick_flatten`).
        let en = quick_all(EN_SOURCES);
        let strings = match lang {
            Lang::En => HashMap::new(),
            Lang::Zh => quick_all(ZH_SOURCES),
        };
        I18n {
            lang,
            strings,
            fallback: en,
        }
    }

    /// The text of `key` (English when the language lacks it; `?` when both do — a test
    /// checks that every key the program builds exists).
    pub fn t(&self, key: &str) -> &str {
        self.strings
            .get(key)
            .or_else(|| self.fallback.get(key))
            .map(String::as_str)
            .unwrap_or("?")
    }

    /// Whether a key exists.
    pub fn has(&self, key: &str) -> bool {
        self.strings.contains_key(key) || self.fallback.contains_key(key)
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
                    s.push_str(self.t("error.platelets_hint"));
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
                    "error.unit_required",
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
                "warning.per_microlitre",
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
                    ("percent", &fmt_num(*percent, 0)),
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
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(s: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut rest = s;
        while let Some(i) = rest.find('{') {
            if let Some(j) = rest[i..].find('}') {
                // `{n:entry|entries}` is the placeholder `n` (plural forms are per language).
                let inner = &rest[i + 1..i + j];
                out.insert(inner.split(':').next().unwrap_or(inner).to_string());
                rest = &rest[i + j..];
            } else {
                break;
            }
        }
        out
    }

    /// All files of a catalogue, refusing a key defined in two files.
    fn flatten_all(sources: &[&str]) -> HashMap<String, String> {
        let mut out = HashMap::new();
        for s in sources {
            for (k, v) in flatten(s).unwrap() {
                assert!(out.insert(k.clone(), v).is_none(), "{k} is defined twice");
            }
        }
        out
    }

    #[test]
    fn catalogues_have_the_same_keys_and_placeholders() {
        let en = flatten_all(EN_SOURCES);
        let zh = flatten_all(ZH_SOURCES);
        let ek: BTreeSet<_> = en.keys().collect();
        let zk: BTreeSet<_> = zh.keys().collect();
        assert_eq!(
            ek.difference(&zk).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "keys missing in zh-CN"
        );
        assert_eq!(
            zk.difference(&ek).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "keys missing in en"
        );
        for (k, v) in &en {
            assert_eq!(placeholders(v), placeholders(&zh[k]), "placeholders of {k}");
        }
    }

    #[test]
    fn every_code_has_a_label() {
        use crate::domain::drugs::{Drug, Route};
        use crate::domain::entry::*;
        let i = I18n::new(Lang::Zh);
        let mut keys: Vec<String> = Vec::new();
        keys.extend(Drug::ALL.iter().map(|v| v.label_key()));
        keys.extend(Route::ALL.iter().map(|v| v.label_key()));
        keys.extend(Kind::ALL.iter().map(|v| v.label_key()));
        keys.extend(Analyte::ALL.iter().map(|v| format!("field.{}", v.code())));
        keys.extend(BleedingSite::ALL.iter().map(|v| v.label_key()));
        keys.extend(SideEffectKind::ALL.iter().map(|v| v.label_key()));
        keys.extend(EventKind::ALL.iter().map(|v| v.label_key()));
        keys.extend(DoseStatus::ALL.iter().map(|v| v.label_key()));
        keys.extend(
            crate::domain::regimen::StepKind::ALL
                .iter()
                .map(|v| v.label_key()),
        );
        keys.extend(
            crate::domain::response::PlateletBand::ALL
                .iter()
                .map(|v| v.label_key()),
        );
        keys.extend(
            crate::domain::overview::TroughBand::ALL
                .iter()
                .map(|v| v.label_key()),
        );
        keys.extend(
            crate::domain::ranges::HistoryRange::ALL
                .iter()
                .map(|v| v.label_key()),
        );
        let rules = crate::domain::rules::rule_codes();
        let refs: Vec<&str> = crate::domain::rules::Ref::ALL
            .iter()
            .map(|r| r.code())
            .collect();
        let ddi: Vec<&str> = crate::domain::interactions::INTERACTIONS
            .iter()
            .map(|x| x.id)
            .collect();
        let dynamic: &[(&str, &[&str])] = &[
            ("rule", &rules),
            ("ref", &refs),
            ("ddi", &ddi),
            ("dose_basis", &["planned", "taken"]),
            (
                "phase",
                &[
                    "no_regimen",
                    "baseline",
                    "induction",
                    "continuation",
                    "taper",
                    "maintenance",
                    "stopped",
                ],
            ),
            (
                "response",
                &[
                    "complete_response",
                    "response",
                    "no_response",
                    "loss_of_response",
                    "loss_of_complete_response",
                    "not_assessable",
                ],
            ),
            (
                "effect_dir",
                &[
                    "raises_level",
                    "lowers_level",
                    "nephrotoxic",
                    "hyperkalaemia",
                    "raised_by_csa",
                ],
            ),
            (
                "baseline_item",
                &[
                    "creatinine_x2",
                    "bp_x2",
                    "bun",
                    "cbc",
                    "potassium",
                    "magnesium",
                    "uric_acid",
                    "lipids",
                    "liver",
                    "weight",
                ],
            ),
            (
                "disease_phase",
                &["newly_diagnosed", "persistent", "chronic"],
            ),
            (
                "status",
                &["taken", "late", "missed", "skipped", "due", "upcoming"],
            ),
            ("severity", &["info", "warning", "urgent"]),
        ];
        for (prefix, codes) in dynamic {
            keys.extend(codes.iter().map(|c| format!("{prefix}.{c}")));
        }
        for k in keys {
            assert!(i.strings.contains_key(&k), "no zh label for {k}");
        }
    }

    #[test]
    fn the_quick_reader_reads_what_toml_reads() {
        for s in EN_SOURCES.iter().chain(ZH_SOURCES) {
            assert_eq!(quick_flatten(s), flatten(s).unwrap());
        }
    }

    #[test]
    fn language_from_strings() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en_GB.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("C.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("fr_FR"), None);
    }

    #[test]
    fn placeholders_are_filled_in_one_pass_with_plural_forms() {
        assert_eq!(
            fill(
                "'{input}' is not a side effect (accepted: {accepted})",
                &[("input", "tremor{accepted}"), ("accepted", "tremor, rash"),]
            ),
            "'tremor{accepted}' is not a side effect (accepted: tremor, rash)"
        );
        let f = "{n} {n:day|days} ago";
        assert_eq!(fill(f, &[("n", "1")]), "1 day ago");
        assert_eq!(fill(f, &[("n", "0")]), "0 days ago");
        assert_eq!(fill(f, &[("n", "2")]), "2 days ago");
        assert_eq!(fill("{x} and {", &[]), "{x} and {");
        assert_eq!(fill("{{a}", &[("a", "1")]), "{1");
        let i = I18n::new(Lang::En);
        assert_eq!(
            i.tf(
                "import.csv_done",
                &[("imported", "1"), ("present", "0"), ("refused", "0")]
            ),
            "Imported 1 result (0 already present, 0 refused)"
        );
    }

    #[test]
    fn language_from_the_system_when_the_environment_has_none() {
        let none = |_: &str| None;
        assert_eq!(Lang::pick(none, || Some("zh-CN".into())), Some(Lang::Zh));
        assert_eq!(Lang::pick(none, || None), None);
        let lang = |k: &str| (k == "LANG").then(|| "en_US.UTF-8".to_string());
        assert_eq!(Lang::pick(lang, || Some("zh-CN".into())), Some(Lang::En));
        let empty = |_: &str| Some(String::new());
        assert_eq!(
            Lang::pick(empty, || Some("zh-Hans-CN".into())),
            Some(Lang::Zh)
        );
    }

    #[test]
    fn messages_are_filled() {
        let i = I18n::new(Lang::Zh);
        let e = ValidationError::OutOfRange {
            field: "platelets",
            value: "2500".into(),
            unit: "×10⁹/L",
            min: "0".into(),
            max: "2000".into(),
        };
        let s = i.validation(&e);
        assert!(
            s.contains("血小板") && s.contains("2500") && s.contains("0–2000"),
            "{s}"
        );
    }
}
