//! Hostile input: every parser is fed arbitrary text (proptest). None panics, and every refusal
//! says what it refused.

use chrono::DateTime;
use itp_diary::app::config::parse_settings;
use itp_diary::app::import::{import_csv, import_json};
use itp_diary::domain::clock::Clock;
use itp_diary::domain::entry::Analyte;
use itp_diary::domain::units::Quantity;
use itp_diary::domain::validate::{blood_pressure, parse_number, platelets};
use itp_diary::domain::when::{parse_date, parse_when};
use itp_diary::present::i18n::{I18n, Lang};
use itp_diary::store::Store;
use proptest::prelude::*;

fn clock() -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339("2026-03-10T14:30:00+08:00").unwrap())
}

const QUANTITIES: [Quantity; 8] = [
    Quantity::CellCount,
    Quantity::CsaLevel,
    Quantity::Creatinine,
    Quantity::Bun,
    Quantity::Magnesium,
    Quantity::Weight,
    Quantity::DoseMass,
    Quantity::DoseUnits,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn numbers(s in "\\PC{0,20}|[-+0-9.,eE ]{0,12}") {
        match parse_number("platelets", &s) {
            Ok(v) => prop_assert!(v.is_finite()),
            Err(e) => prop_assert!(e.to_string().starts_with("platelets: ")),
        }
    }

    #[test]
    fn units(s in "\\PC{0,16}|(x|×)?10[\\^*]?[0-9⁹³]{0,2}/(L|uL|µL|l)|[a-zA-Zµμ/%0-9.²]{0,12}") {
        for q in QUANTITIES {
            if let Err(e) = q.unit(Some(&s)) {
                prop_assert!(e.to_string().contains("accepted"), "{e}");
            }
        }
    }

    #[test]
    fn values_with_units(v in -1e12f64..1e12, u in "\\PC{0,10}") {
        if let Err(e) = platelets(v, Some(&u), None) {
            prop_assert!(e.to_string().starts_with("platelets: "));
        }
    }

    #[test]
    fn times(s in "\\PC{0,30}|(today|yesterday|now|昨天)? ?[0-9]{0,4}-?[0-9]{0,2}-?[0-9]{0,2}[ T]?[0-9]{0,2}:?[0-9]{0,2}") {
        let c = clock();
        match parse_when(&s, &c) {
            Ok(t) => prop_assert!(t <= c.now() + chrono::Duration::days(1)),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        let _ = parse_date(&s, &c);
    }

    #[test]
    fn blood_pressure_pairs(s in "\\PC{0,12}|[0-9]{0,4}/[0-9]{0,4}", p in proptest::option::of("\\PC{0,6}")) {
        if let Err(e) = blood_pressure(&s, p.as_deref()) {
            let m = e.to_string();
            prop_assert!(["bp", "systolic", "diastolic", "pulse", "blood pressure"].iter().any(|f| m.contains(f)), "{m}");
        }
    }

    #[test]
    fn codes(s in "\\PC{0,20}") {
        let _ = Analyte::parse(&s);
        let _ = itp_diary::domain::drugs::Drug::parse(&s);
        let _ = itp_diary::domain::drugs::interactions_of(&s);
    }

    #[test]
    fn settings_files(s in "\\PC{0,80}|(\\[(trough|course|alerts|x)\\]\n)?[a-z_]{1,12} = (-?[0-9.]{1,6}|\"[a-z]{0,5}\"|true)\n") {
        if let Err(e) = parse_settings(&s) {
            prop_assert!(!e.is_empty());
        }
    }

    #[test]
    fn json_imports(s in "\\PC{0,200}") {
        let mut store = Store::open_in_memory().unwrap();
        if let Err(e) = import_json(&mut store, &s, &clock()) {
            prop_assert!(!e.to_string().is_empty());
            prop_assert_eq!(store.count_entries(true).unwrap(), 0);
        }
    }

    #[test]
    fn csv_imports(rows in proptest::collection::vec("\\PC{0,12},[a-z_-]{0,10},[-0-9.,]{0,6},\\PC{0,8}", 0..6)) {
        let text = format!("time,analyte,value,unit\n{}", rows.join("\n"));
        let mut store = Store::open_in_memory().unwrap();
        let i = I18n::new(Lang::En);
        match import_csv(&mut store, &text, &clock(), false, &i) {
            Ok(r) => {
                for (line, why) in &r.refused {
                    prop_assert!(*line >= 2 && !why.is_empty());
                }
                if !r.refused.is_empty() {
                    prop_assert_eq!(store.count_entries(true).unwrap(), 0, "nothing written when a row is refused");
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

/// Structured damage to a real backup: every single-field corruption is refused or accepted
/// whole, never half-written, never a panic.
#[test]
fn corrupted_backups() {
    let mut src = Store::open_in_memory().unwrap();
    itp_diary::app::demo::generate_days(&mut src, 30, 3, &clock()).unwrap();
    let mut text = Vec::new();
    itp_diary::app::export::export(
        &mut src,
        itp_diary::app::export::Format::Json,
        &Default::default(),
        &clock(),
        &Default::default(),
        &I18n::new(Lang::En),
        std::path::Path::new("/nonexistent"),
        &mut text,
        &mut |_, _| {},
    )
    .unwrap();
    let text = String::from_utf8(text).unwrap();
    let mut rng = 0x1234_5678u64;
    for _ in 0..300 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let pos = (rng as usize) % text.len();
        let pos = (0..=pos)
            .rev()
            .find(|p| text.is_char_boundary(*p))
            .unwrap_or(0);
        let junk = [
            "", "9", "\"", "}", "null", "-1", "xx", "1e999", "[", "\u{fffd}",
        ][(rng >> 20) as usize % 10];
        let cut = (pos + 1 + (rng >> 40) as usize % 8).min(text.len());
        let cut = (cut..=text.len())
            .find(|p| text.is_char_boundary(*p))
            .unwrap_or(text.len());
        let damaged = format!("{}{}{}", &text[..pos], junk, &text[cut..]);
        let mut dst = Store::open_in_memory().unwrap();
        match import_json(&mut dst, &damaged, &clock()) {
            Ok(r) => assert_eq!(dst.count_entries(true).unwrap() as usize, r.entries_added),
            Err(e) => {
                assert!(!e.to_string().is_empty());
                assert_eq!(dst.count_entries(true).unwrap(), 0);
            }
        }
    }
}
