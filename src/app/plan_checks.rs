//! The checks a change of plan passes before it is written, beyond the amounts' bounds: the
//! day it takes effect (never before a later step, so it would be in force), the typed
//! amounts and times (full-width digits and the Chinese comma read as ASCII; a count that
//! differs from the plan blamed on the field that differs), the note's length (the same limit
//! as every note, nothing cut), and a second look before a dose above the label maximum or a
//! daily amount that more than doubles. Also the take-back of a change (`u` on the screen).
//! Both faces call these through `app::course`; the words come from the catalogues.

use chrono::{Duration, NaiveDate, Utc};

use crate::domain::clock::Clock;
use crate::domain::drugs::Drug;
use crate::domain::entry::{EntryData, Kind};
use crate::domain::regimen::{Regimen, Step};
use crate::domain::settings::Thresholds;
use crate::domain::units::{Quantity, fmt_num};
use crate::domain::validate::{DOSE_MG_BOUNDS, DOSE_U_BOUNDS, parse_number};
use crate::present::i18n::I18n;
use crate::store::{EntryFilter, Order, Store, StoreError};

/// Why a change of plan was refused (nothing written), or needs a second look.
#[derive(Clone, Debug, PartialEq)]
pub enum PlanError {
    /// "takes effect on" is not a date.
    NotADate(String),
    /// The day is before the regimen started.
    BeforeStart { from: NaiveDate, start: NaiveDate },
    /// A later step exists: this one would never be in force.
    BeforeLaterStep { from: NaiveDate, later: NaiveDate },
    /// An amount that is not a number (as typed).
    Amount(String),
    /// An amount outside the accepted bounds (as typed).
    AmountRange {
        input: String,
        unit: &'static str,
        min: f64,
        max: f64,
    },
    /// Not 1 to 4 amounts.
    AmountCount(String),
    /// The amounts' count differs from the plan's dose times (the times were left as they are).
    DoseCount { amounts: usize, times: Vec<String> },
    /// The times' count differs from the amounts'.
    TimesCount { times: usize, amounts: usize },
    /// Times separated by spaces (or a count that does not fit because of them).
    TimesSeparator(String),
    /// A time that is not HH:MM.
    Time(String),
    /// A dose to look at twice: saved only when confirmed.
    Confirm(Vec<Reason>),
}

/// Why a new plan needs a second look.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    AboveLabel {
        per_kg: f64,
        limit: f64,
    },
    /// A first plan above the top of the usual range (a typed 300 + 300 mg at 50 kg).
    AboveRange {
        per_kg: f64,
        limit: f64,
    },
    Doubles {
        old: f64,
        new: f64,
        unit: String,
    },
}

/// Which face confirms: the screen (Enter again) or the command line (`--confirm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    Screen,
    Cli,
}

impl PlanError {
    /// One line for the patient; `face` words the confirmation.
    pub fn message(&self, i: &I18n, face: Face) -> String {
        let k = |key: &str, args: &[(&str, &str)]| i.tf(&format!("plan_change.{key}"), args);
        match self {
            PlanError::NotADate(s) => k("not_a_date", &[("input", s)]),
            PlanError::BeforeStart { from, start } => k(
                "before_start",
                &[("date", &from.to_string()), ("start", &start.to_string())],
            ),
            PlanError::BeforeLaterStep { from, later } => k(
                "before_later_step",
                &[("date", &from.to_string()), ("later", &later.to_string())],
            ),
            PlanError::Amount(s) => k("bad_amount", &[("input", s)]),
            PlanError::AmountRange {
                input,
                unit,
                min,
                max,
            } => k(
                "amount_range",
                &[
                    ("input", input),
                    ("unit", unit),
                    ("min", &fmt_num(*min, 3)),
                    ("max", &fmt_num(*max, 3)),
                ],
            ),
            PlanError::AmountCount(s) => k("amount_count", &[("input", s)]),
            PlanError::DoseCount { amounts, times } => k(
                "dose_count",
                &[
                    ("amounts", &amounts.to_string()),
                    ("times", &times.len().to_string()),
                    ("list", &times.join(",")),
                ],
            ),
            PlanError::TimesCount { times, amounts } => k(
                "times_count",
                &[
                    ("times", &times.to_string()),
                    ("amounts", &amounts.to_string()),
                ],
            ),
            PlanError::TimesSeparator(s) => k("times_separator", &[("input", s)]),
            PlanError::Time(s) => k("bad_time", &[("input", s)]),
            PlanError::Confirm(reasons) => {
                let sep = i.t("plan_change.reason_sep");
                let text: Vec<String> = reasons.iter().map(|r| r.message(i)).collect();
                let key = match face {
                    Face::Screen => "confirm_screen",
                    Face::Cli => "confirm_cli",
                };
                k(key, &[("reason", &text.join(sep))])
            }
        }
    }
}

impl Reason {
    fn message(&self, i: &I18n) -> String {
        match self {
            Reason::AboveLabel { per_kg, limit } => i.tf(
                "plan_change.above_label",
                &[
                    ("value", &fmt_num(*per_kg, 2)),
                    ("limit", &fmt_num(*limit, 2)),
                ],
            ),
            Reason::AboveRange { per_kg, limit } => i.tf(
                "plan_change.above_range",
                &[
                    ("value", &fmt_num(*per_kg, 2)),
                    ("limit", &fmt_num(*limit, 2)),
                ],
            ),
            Reason::Doubles { old, new, unit } => i.tf(
                "plan_change.doubles",
                &[
                    ("old", &fmt_num(*old, 3)),
                    ("new", &fmt_num(*new, 3)),
                    ("unit", unit),
                ],
            ),
        }
    }
}

/// Full-width digits, the full-width colon, full stop and the Chinese commas read as ASCII
/// (they stand for the same numbers and separators; an IME types them by default).
pub fn ascii_list(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '、' => ',',
            '—' | '–' => '-',
            c => crate::domain::validate::ascii_of(c),
        })
        .collect()
}

/// The typed amounts, checked (the message shows each value as typed).
pub fn amounts(drug: Drug, text: &str) -> Result<Vec<f64>, PlanError> {
    let items: Vec<&str> = text.split(',').map(str::trim).collect();
    if items.len() > 4 || items.iter().any(|a| a.is_empty()) {
        return Err(PlanError::AmountCount(text.to_string()));
    }
    let (bounds, unit) = match drug.dose_quantity() {
        Quantity::DoseUnits => (DOSE_U_BOUNDS, "U"),
        _ => (DOSE_MG_BOUNDS, "mg"),
    };
    let mut out = Vec::new();
    for a in items {
        let v = parse_number("dose", a).map_err(|_| PlanError::Amount(a.to_string()))?;
        if v < bounds.min || v > bounds.max {
            return Err(PlanError::AmountRange {
                input: a.to_string(),
                unit,
                min: bounds.min,
                max: bounds.max,
            });
        }
        out.push(v);
    }
    Ok(out)
}

/// The typed times, checked against the number of amounts. `kept` is true when the times are
/// the plan's own (then a different count is the amounts' doing).
pub fn times(text: &str, amounts: usize, kept: bool) -> Result<(), PlanError> {
    let items: Vec<&str> = text.split(',').map(str::trim).collect();
    if items.iter().any(|t| t.contains(char::is_whitespace)) {
        return Err(PlanError::TimesSeparator(text.to_string()));
    }
    if items.len() != amounts {
        return Err(if kept {
            PlanError::DoseCount {
                amounts,
                times: items.iter().map(|s| s.to_string()).collect(),
            }
        } else {
            PlanError::TimesCount {
                times: items.len(),
                amounts,
            }
        });
    }
    match items
        .iter()
        .find(|t| chrono::NaiveTime::parse_from_str(t, "%H:%M").is_err())
    {
        Some(t) => Err(PlanError::Time(t.to_string())),
        None => Ok(()),
    }
}

/// The day against the plan: on or after its start and its latest step.
pub fn day(r: &Regimen, from: NaiveDate) -> Result<(), PlanError> {
    if from < r.start {
        return Err(PlanError::BeforeStart {
            from,
            start: r.start,
        });
    }
    match r.steps.iter().map(|s| s.effective_from).max() {
        Some(later) if later > from => Err(PlanError::BeforeLaterStep { from, later }),
        _ => Ok(()),
    }
}

/// The newest weight logged up to now (kg).
pub fn latest_weight(store: &Store, clock: &Clock) -> Result<Option<f64>, StoreError> {
    let f = EntryFilter {
        kind: Some(Kind::Weight),
        to: Some((clock.now() + Duration::seconds(1)).with_timezone(&Utc)),
        limit: Some(1),
        order: Order::NewestFirst,
        ..Default::default()
    };
    Ok(store.entries(&f)?.into_iter().find_map(|e| match e.data {
        EntryData::Weight(w) if w.kg > 0.0 => Some(w.kg),
        _ => None,
    }))
}

/// What about the new plan deserves a second look: cyclosporine raised to above the label
/// maximum (mg/(kg·d), with the newest weight), or a daily amount more than doubled.
pub fn reasons(
    drug: Drug,
    current: &Step,
    new_daily: f64,
    unit: &str,
    weight: Option<f64>,
    limit: Option<f64>,
) -> Vec<Reason> {
    let mut out = Vec::new();
    let limit = limit.unwrap_or(Thresholds::default().mg_per_kg_warn);
    let old = current.daily_amount();
    // A step down that stays above the label was in force already (Today warns of it); the
    // second look is for a plan that rises above it.
    if drug == Drug::Cyclosporine
        && new_daily > old
        && unit == "mg"
        && let Some(w) = weight.filter(|w| *w > 0.0)
        && new_daily / w > limit
    {
        out.push(Reason::AboveLabel {
            per_kg: new_daily / w,
            limit,
        });
    }
    if old > 0.0 && new_daily > 2.0 * old {
        out.push(Reason::Doubles {
            old,
            new: new_daily,
            unit: unit.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::regimen::{Slot, StepKind};

    fn step(daily: f64) -> Step {
        Step {
            id: 1,
            effective_from: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            kind: StepKind::Start,
            slots: vec![Slot {
                time: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                amount: daily,
            }],
            unit: "mg".into(),
            every_days: 1,
            formulation: None,
            note: None,
        }
    }

    /// (drug, old daily, new daily, weight) and which second looks it asks for.
    #[test]
    fn second_look_reasons() {
        let csa = Drug::Cyclosporine;
        let rows: [(Drug, f64, f64, Option<f64>, &str); 7] = [
            (csa, 150.0, 200.0, Some(60.0), ""),
            (csa, 200.0, 300.0, Some(60.0), "label"),
            (csa, 300.0, 250.0, Some(60.0), ""), // a step down that stays above the label
            (csa, 150.0, 99999.0, Some(60.0), "label doubles"),
            (csa, 150.0, 99999.0, None, "doubles"),
            (csa, 150.0, 300.0, None, ""), // exactly double
            (Drug::Eltrombopag, 25.0, 300.0, Some(60.0), "doubles"),
        ];
        for (drug, old, new, w, want) in rows {
            let got: Vec<&str> = reasons(drug, &step(old), new, "mg", w, Some(4.0))
                .iter()
                .map(|r| match r {
                    Reason::AboveLabel { .. } => "label",
                    Reason::AboveRange { .. } => "range",
                    Reason::Doubles { .. } => "doubles",
                })
                .collect();
            assert_eq!(got.join(" "), want, "{drug:?} {old} -> {new}");
        }
    }

    #[test]
    fn full_width_input_reads_as_ascii() {
        assert_eq!(ascii_list("７５，５０"), "75,50");
        assert_eq!(ascii_list("０８：００，２０：００"), "08:00,20:00");
        assert_eq!(
            amounts(Drug::Cyclosporine, "0.0001"),
            Err(PlanError::AmountRange {
                input: "0.0001".into(),
                unit: "mg",
                min: 0.001,
                max: 200_000.0
            })
        );
    }
}
