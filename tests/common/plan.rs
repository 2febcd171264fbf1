//! A ciclosporin plan built in-process, for the tests that write the store directly.

use chrono::{NaiveDate, NaiveTime};
use itp_diary::domain::drugs::{Drug, Route};
use itp_diary::domain::regimen::{Slot, StepKind};
use itp_diary::store::{NewRegimen, NewStep};

/// Ciclosporin (Neoral, oral) from `start`: `(hour, mg)` per dose time, every `every_days` days.
pub fn csa(start: NaiveDate, slots: &[(u32, f64)], every_days: u32) -> NewRegimen {
    NewRegimen {
        drug: Drug::Cyclosporine,
        route: Route::Oral,
        start,
        target_low: None,
        target_high: None,
        induction_weeks: None,
        note: None,
        first: NewStep {
            effective_from: start,
            kind: StepKind::Start,
            slots: slots
                .iter()
                .map(|&(h, amount)| Slot {
                    time: NaiveTime::from_hms_opt(h, 0, 0).expect("hour"),
                    amount,
                })
                .collect(),
            unit: "mg".into(),
            every_days,
            formulation: Some("Neoral".into()),
            note: None,
        },
    }
}
