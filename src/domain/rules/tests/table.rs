//! The rule table itself: one row per id, typed settings that exist, messages that fill every
//! placeholder in both languages, references users can read, and the README generated from it.

use super::super::*;
use crate::domain::settings::SPECS;
use crate::present::describe::{refs_text, reminder_message};
use crate::present::i18n::{I18n, Lang};

/// Words no user may see: internal document names and evidence levels.
const INTERNAL: &[&str] = &[
    "clinical.md",
    "L1",
    "L2",
    "L3",
    "L4",
    "L5",
    "[LABEL",
    "HAEM-LTR",
    "SRC-CN",
    "LAB-",
];

fn clean(text: &str) -> bool {
    !INTERNAL.iter().any(|w| text.contains(w))
}

#[test]
fn one_row_per_rule_in_declaration_order() {
    assert_eq!(TABLE.len(), RuleId::ALL.len());
    for (i, id) in RuleId::ALL.iter().enumerate() {
        assert_eq!(TABLE[i].id, *id, "row {i}");
        assert_eq!(id.rule().id, *id);
    }
}

#[test]
fn settings_are_in_the_settings_table() {
    for r in TABLE {
        if let Some(s) = r.setting {
            let spec = SPECS.iter().find(|x| x.key == s.key());
            assert!(spec.is_some(), "{}: {}", r.id.code(), s.key());
            assert_eq!(s.spec().setting, s);
        }
        assert!(!r.refs.is_empty(), "{} has no reference", r.id.code());
    }
}

#[test]
fn supersedes_is_acyclic_and_within_severity() {
    for r in TABLE {
        for h in r.supersedes {
            assert!(
                !h.rule().supersedes.contains(&r.id),
                "{} ↔ {}",
                r.id.code(),
                h.code()
            );
            assert!(
                h.rule().severity <= r.severity,
                "{} hides a more severe {}",
                r.id.code(),
                h.code()
            );
        }
    }
    assert!(RuleId::BpUrgent.rule().supersedes.contains(&RuleId::BpHigh));
}

/// Every message, in both languages, with every declared argument: no `{` is left, every
/// placeholder of the catalogue is declared, and no internal name shows.
#[test]
fn every_message_renders_in_both_languages() {
    for lang in [Lang::En, Lang::Zh] {
        let i = I18n::new(lang);
        for r in TABLE {
            let args = r
                .args
                .iter()
                .map(|a| {
                    let v = match *a {
                        "drug" => "cyclosporine",
                        "analyte" => "alt",
                        "effect" => "raises_level",
                        "missing" => "creatinine_x2,bun",
                        "name" => "grapefruit",
                        "status" => "loss_of_response",
                        "basis" => "planned",
                        "event" => "ivig",
                        _ => "7",
                    };
                    (*a, v.to_string())
                })
                .collect();
            let item = Reminder {
                rule: r.id,
                severity: r.severity,
                due: None,
                args,
                setting: r.setting,
            };
            let m = reminder_message(&item, &i);
            assert!(
                !m.contains('{') && !m.contains('}'),
                "{lang:?} {}: {m}",
                r.id.code()
            );
            assert!(
                !m.contains('?') || m.len() > 3,
                "{lang:?} {}: missing key",
                r.id.code()
            );
            assert!(clean(&m), "{lang:?} {}: {m}", r.id.code());
            let refs = refs_text(r.refs, &i);
            assert!(
                clean(&refs) && !refs.contains('?'),
                "{lang:?} {}: {refs}",
                r.id.code()
            );
        }
    }
}

/// Messages take their numbers from the settings, not from the text.
#[test]
fn no_hard_coded_thresholds_in_messages() {
    for lang in [Lang::En, Lang::Zh] {
        let i = I18n::new(lang);
        for r in TABLE {
            let text = i.t(&r.id.label_key());
            for n in ["400", "700", "10–14", "50%", "25%", "140", "180", "5–7"] {
                assert!(!text.contains(n), "{lang:?} {}: {text}", r.id.code());
            }
        }
    }
}

#[test]
fn settings_file_and_config_show_name_no_internal_document() {
    let text = crate::app::config::default_settings_text();
    assert!(clean(&text), "{text}");
    for lang in [Lang::En, Lang::Zh] {
        let i = I18n::new(lang);
        for s in SPECS {
            let refs = refs_text(s.refs, &i);
            assert!(clean(&refs) && !refs.is_empty(), "{}", s.key);
        }
    }
}

/// The README's rule table is the generated one (`cargo test` prints the text to paste).
#[test]
fn readme_rule_table_is_generated() {
    let readme = include_str!("../../../../README.md");
    let i = I18n::new(Lang::En);
    let want = crate::present::rule_table::splice(readme, &i).expect("README has the rule markers");
    if want != readme {
        let out = std::env::temp_dir().join("itp-diary-README.md");
        let _ = std::fs::write(&out, &want);
        panic!(
            "README rule table is out of date; regenerated copy at {}",
            out.display()
        );
    }
}
