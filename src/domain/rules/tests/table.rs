//! The rule table itself: one row per id, typed settings that exist, messages that fill every
//! placeholder in both languages, references users can read, and the README generated from it.

use super::super::*;
use crate::domain::settings::SPECS;
use crate::present::describe::{refs_text, reminder_message};
use crate::present::i18n::{I18n, Lang};

/// Whether `text` shows what only the team's own documents use: a document file name
/// (`….md`), an evidence level (`L1`–`L5`) or a source tag (an upper-case code in brackets, or
/// two joined by a hyphen). What users read of a rule's grounds is the translated label of its
/// typed [`Ref`]; this guards the catalogues against a tag copied from the sources.
fn shows_internal(text: &str) -> bool {
    let tag = |w: &str| {
        let caps = |p: &str| p.len() >= 2 && p.chars().all(|c| c.is_ascii_uppercase());
        w.split_once('-').is_some_and(|(a, b)| caps(a) && caps(b))
    };
    text.split(|c: char| c.is_whitespace() || ",;:()（）、，。]".contains(c))
        .any(|w| {
            w.ends_with(".md")
                || (w.len() == 2
                    && w.starts_with('L')
                    && ('1'..='5').contains(&w.chars().nth(1).unwrap_or(' ')))
                || w.strip_prefix('[')
                    .is_some_and(|t| t.starts_with(|c: char| c.is_ascii_uppercase()))
                || tag(w)
        })
}

fn clean(text: &str) -> bool {
    !shows_internal(text)
}

#[test]
fn internal_shapes_are_recognised_and_plain_text_is_not() {
    for internal in [
        "see notes.md, part B",
        "level L3",
        "[ABC] label",
        "per XYZ-QR",
        "（L2）",
    ] {
        assert!(shows_internal(internal), "{internal}");
    }
    for plain in [
        "IWG 2009 standard definitions (Rodeghiero et al.)",
        "CsA trough 81 ng/mL is below the target 100–200",
        "2.4 mg/(kg·d), 10–14 h after the dose",
        "creatinine +25% from baseline; tell your care team",
        "环孢素谷浓度 81 ng/mL，低于目标 100–200",
    ] {
        assert!(!shows_internal(plain), "{plain}");
    }
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
