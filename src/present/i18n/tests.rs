//! The catalogues' tests: same keys and placeholders in both languages, every code labelled,
//! the compiled tables equal to what a TOML parser reads.

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
        assert!(lookup(i.strings, &k).is_some(), "no zh label for {k}");
    }
}

#[test]
fn the_compiled_tables_are_what_toml_reads() {
    for (table, sources) in [(compiled::EN, EN_SOURCES), (compiled::ZH, ZH_SOURCES)] {
        let read: HashMap<String, String> = table
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(read, flatten_all(sources));
        // Sorted as the binary search needs.
        assert!(table.windows(2).all(|w| w[0].0 < w[1].0));
    }
    // Keys resolve through the tables.
    let i = I18n::new(Lang::En);
    assert!(!i.t("app.name").is_empty() && i.t("app.name") != "?");
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
