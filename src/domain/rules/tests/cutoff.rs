//! Facts as of a moment: assessing a generated diary at `t` gives exactly what assessing a copy
//! with everything after `t` removed gives (entries, weights, visits, interactions).

use proptest::prelude::*;

use super::{B, day};
use crate::domain::clock::Clock;
use crate::domain::entry::*;
use crate::domain::overview::overview;
use crate::domain::regimen::StepKind;
use crate::domain::settings::Thresholds;

/// One generated entry: (what, day, value).
fn entry() -> impl Strategy<Value = (u8, f64, f64)> {
    (0u8..12, -30.0f64..200.0, 0.0f64..1.0)
}

fn build(entries: &[(u8, f64, f64)], steps: &[(i64, u8)]) -> B {
    let mut b = B::new().csa(150.0);
    for (d, k) in steps {
        let kind = [StepKind::Taper, StepKind::Increase, StepKind::Formulation][*k as usize % 3];
        b = b.step(*d, kind, 100.0 + f64::from(*k) * 25.0);
    }
    for (k, at, x) in entries {
        let (at, x) = (*at, *x);
        b = match k {
            0 => b.plt(at, 5.0 + x * 300.0),
            1 => b.lab(
                at,
                Analyte::Creatinine,
                50.0 + x * 200.0,
                (x > 0.5).then_some(111.0),
            ),
            2 => b.lab(at, Analyte::Potassium, 3.0 + x * 4.0, None),
            3 => b.trough(at, 50.0 + x * 900.0, (x > 0.3).then_some(x * 20.0)),
            4 => b.bp(at, if x > 0.5 { "150/95" } else { "120/80" }),
            5 => b.weight(at, 45.0 + x * 40.0),
            6 => b.dose(at, 150.0),
            7 => b.med(at, if x > 0.5 { "fluconazole" } else { "Advil" }),
            8 => b.add(
                at,
                EntryData::Event(Event {
                    event: EventKind::Ivig,
                    medication: None,
                }),
            ),
            9 => b.add(
                at,
                EntryData::Event(Event {
                    event: EventKind::ClinicVisit,
                    medication: None,
                }),
            ),
            10 => b.lab(at, Analyte::Bun, 2.0 + x * 10.0, None),
            _ => b.lab(at, Analyte::Magnesium, 0.4 + x, None),
        };
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn assessing_at_t_ignores_everything_after_t(
        entries in proptest::collection::vec(entry(), 0..40),
        steps in proptest::collection::vec((1i64..150, 0u8..3), 0..3),
        t in -10.0f64..200.0,
    ) {
        let mut steps = steps;
        steps.sort();
        steps.dedup_by_key(|s| s.0);
        let full = build(&entries, &steps);
        let mut cut = build(&entries, &steps);
        cut.0.entries.retain(|e| e.at <= day(t));
        let th = Thresholds::default();
        let clock = Clock::Fixed(day(t));
        let (a, b) = (full.at(t), cut.at(t));
        prop_assert_eq!(a, b);
        let (oa, ob) = (overview(&full.0, &clock, &th), overview(&cut.0, &clock, &th));
        prop_assert_eq!(format!("{oa:?}"), format!("{ob:?}"));
        // Never "−N days ago": the latest count is not after now.
        if let Some((at, _)) = oa.latest_platelets {
            prop_assert!(at <= day(t));
        }
    }
}
