//! What a patient types, as text, turned into validated entries. The command line and the
//! terminal forms both fill a [`RawEntry`] and call [`build`], so they accept and refuse
//! exactly the same things with the same messages.

use chrono::{DateTime, FixedOffset};

use crate::domain::clock::Clock;
use crate::domain::drugs::{Drug, Route};
use crate::domain::entry::*;
use crate::domain::units::fmt_num;
use crate::domain::validate::{
    self, Checked, DoseInput, LabExtras, ValidationError, Warning, parse_number,
};
use crate::domain::when::{WhenError, parse_any, parse_when};

/// The fields of one entry, as typed.
#[derive(Clone, Debug, PartialEq)]
pub enum RawEntry {
    Platelets {
        value: String,
        unit: Option<String>,
        lab: Option<String>,
    },
    Dose {
        drug: String,
        amount: Option<String>,
        unit: Option<String>,
        mg_per_ml: Option<String>,
        route: Option<String>,
        formulation: Option<String>,
        status: DoseStatus,
        scheduled: Option<String>,
    },
    Lab {
        analyte: String,
        value: String,
        unit: Option<String>,
        lab: Option<String>,
        method: Option<String>,
        reference: Option<String>,
        last_dose: Option<String>,
    },
    Weight {
        value: String,
        unit: Option<String>,
    },
    Bp {
        value: String,
        pulse: Option<String>,
    },
    Bleeding {
        site: String,
        count: Option<String>,
        size_cm: Option<String>,
        minutes: Option<String>,
        care: bool,
    },
    SideEffect {
        effect: String,
        severity: Option<String>,
    },
    Event {
        event: String,
        medication: Option<String>,
    },
}

/// Why typed input was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum InputError {
    Invalid(ValidationError),
    When {
        field: &'static str,
        err: WhenError,
    },
    /// A code that is not in its vocabulary.
    Code {
        field: &'static str,
        input: String,
        accepted: String,
    },
}

impl From<ValidationError> for InputError {
    fn from(e: ValidationError) -> Self {
        InputError::Invalid(e)
    }
}

/// A validated entry, ready to store, with its soft warnings (unusual but possible values,
/// a weight far from the previous one).
#[derive(Clone, Debug, PartialEq)]
pub struct Built {
    pub entry: NewEntry,
    pub warnings: Vec<Warning>,
}

fn code<T>(
    field: &'static str,
    input: &str,
    parse: fn(&str) -> Option<T>,
    accepted: fn() -> String,
) -> Result<T, InputError> {
    parse(input).ok_or_else(|| InputError::Code {
        field,
        input: input.trim().to_string(),
        accepted: accepted().replace('_', "-"),
    })
}

fn opt_number(field: &'static str, s: &Option<String>) -> Result<Option<f64>, InputError> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(parse_number(field, s)?)),
        None => Ok(None),
    }
}

fn whole(field: &'static str, s: &Option<String>) -> Result<Option<u32>, InputError> {
    match opt_number(field, s)? {
        // "2.5" or "-3" spots: not "not a number" (session 7), but what is accepted.
        Some(v) if v.fract() != 0.0 || !(0.0..=u32::MAX as f64).contains(&v) => {
            Err(InputError::Invalid(ValidationError::NotWhole {
                field,
                input: fmt_num(v, 3),
            }))
        }
        Some(v) => Ok(Some(v as u32)),
        None => Ok(None),
    }
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// An optional time field: absent or empty is `None`, else parsed by `parse`.
fn opt_when(
    field: &'static str,
    s: &Option<String>,
    clock: &Clock,
    parse: fn(&str, &Clock) -> Result<DateTime<FixedOffset>, WhenError>,
) -> Result<Option<DateTime<FixedOffset>>, InputError> {
    nonempty(s)
        .map(|s| parse(s, clock).map_err(|err| InputError::When { field, err }))
        .transpose()
}

/// Parse `LOW-HIGH` (either side may be empty).
pub fn reference(s: &str) -> Result<(Option<f64>, Option<f64>), InputError> {
    let (lo, hi) = s.split_once('-').ok_or_else(|| {
        InputError::Invalid(ValidationError::NotAccepted {
            field: "reference_range",
            input: s.to_string(),
            accepted: "LOW-HIGH, e.g. 41-111".into(),
        })
    })?;
    let side = |x: &str, f: &'static str| -> Result<Option<f64>, InputError> {
        if x.trim().is_empty() {
            Ok(None)
        } else {
            Ok(Some(parse_number(f, x)?))
        }
    };
    Ok((side(lo, "reference_low")?, side(hi, "reference_high")?))
}

/// Validate typed fields. `at`: the entry's time as typed (`None` or empty = now);
/// `previous_weight`: the last weight on record, for the > 10 % warning.
/// No entry is dated before this year (a typo such as 0226 for 2026, or an import's garbage).
pub const MIN_YEAR: i32 = 1900;

/// Every free-text field typed or imported: at most 4000 characters, and text only (no control
/// characters but newline and tab in notes, no bidi overrides): what reaches a terminal later
/// must not act on it.
fn free_texts(raw: &RawEntry, note: Option<&str>) -> Result<(), InputError> {
    let mut fields: Vec<(&'static str, Option<&String>)> = Vec::new();
    match raw {
        RawEntry::Platelets { lab, .. } => fields.push(("lab", lab.as_ref())),
        RawEntry::Dose { formulation, .. } => fields.push(("formulation", formulation.as_ref())),
        RawEntry::Lab { lab, method, .. } => {
            fields.push(("lab", lab.as_ref()));
            fields.push(("method", method.as_ref()));
        }
        RawEntry::Event { medication, .. } => fields.push(("medication", medication.as_ref())),
        _ => {}
    }
    let note = note.map(str::to_string);
    fields.push(("note", note.as_ref()));
    for (field, value) in fields {
        if let Some(e) = value.and_then(|v| free_text_error(field, v, field == "note")) {
            return Err(InputError::Invalid(e));
        }
    }
    Ok(())
}

/// Why a typed free-text field is refused, if it is: longer than
/// [`crate::present::sanitize::MAX_TEXT`], control or text-direction characters, or (unless
/// `multi_line`) a line break or tab. The rule an import holds the same fields to, so that a
/// backup of the diary always imports.
pub(crate) fn free_text_error(
    field: &'static str,
    v: &str,
    multi_line: bool,
) -> Option<ValidationError> {
    let problem =
        crate::domain::validate::text_problem(v, crate::present::sanitize::MAX_TEXT, multi_line)?;
    Some(ValidationError::Text { field, problem })
}

/// When the entry happened: the typed time, else now; never before [`MIN_YEAR`].
fn entry_time(
    at: Option<&str>,
    clock: &Clock,
) -> Result<chrono::DateTime<chrono::FixedOffset>, InputError> {
    let at = match at.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_when(s, clock).map_err(|err| InputError::When { field: "at", err })?,
        None => clock.now(),
    };
    if chrono::Datelike::year(&at) < MIN_YEAR {
        return Err(InputError::Invalid(ValidationError::Other {
            field: "at",
            reason: format!(
                "{} is before {MIN_YEAR}; a diary entry needs its real date",
                at.format("%Y-%m-%d")
            ),
        }));
    }
    Ok(at)
}

pub fn build(
    raw: &RawEntry,
    at: Option<&str>,
    note: Option<String>,
    clock: &Clock,
    previous_weight: impl FnOnce() -> Option<f64>,
) -> Result<Built, InputError> {
    let at = entry_time(at, clock)?;
    let note = validate::note(note)?;
    free_texts(raw, note.as_deref())?;
    let checked = match raw {
        RawEntry::Platelets { value, unit, lab } => validate::platelets(
            parse_number("platelets", value)?,
            nonempty(unit),
            lab.clone(),
        )?,
        RawEntry::Dose {
            drug,
            amount,
            unit,
            mg_per_ml,
            route,
            formulation,
            status,
            scheduled,
        } => {
            let drug = code("drug", drug, Drug::parse, Drug::accepted)?;
            let route = nonempty(route)
                .map(|r| code("route", r, Route::parse, Route::accepted))
                .transpose()?;
            let scheduled_for = opt_when("scheduled", scheduled, clock, parse_any)?;
            validate::dose(DoseInput {
                drug,
                amount: opt_number("dose", amount)?,
                unit: nonempty(unit).map(str::to_string),
                mg_per_ml: opt_number("mg_per_ml", mg_per_ml)?,
                route,
                formulation: formulation.clone(),
                status: *status,
                scheduled_for,
            })?
        }
        RawEntry::Lab {
            analyte,
            value,
            unit,
            lab,
            method,
            reference: refr,
            last_dose,
        } => {
            let a = code("analyte", analyte, Analyte::parse, Analyte::accepted)?;
            let (ref_low, ref_high) = nonempty(refr).map_or(Ok((None, None)), reference)?;
            let last_dose_at = opt_when("last_dose", last_dose, clock, parse_when)?;
            validate::lab(
                a,
                parse_number(a.field(), value)?,
                nonempty(unit),
                LabExtras {
                    lab: lab.clone(),
                    method: method.clone(),
                    ref_low,
                    ref_high,
                    last_dose_at,
                },
                at,
            )?
        }
        RawEntry::Weight { value, unit } => validate::weight(
            parse_number("weight", value)?,
            nonempty(unit),
            previous_weight(),
        )?,
        RawEntry::Bp { value, pulse } => validate::blood_pressure(value, nonempty(pulse))?,
        RawEntry::Bleeding {
            site,
            count,
            size_cm,
            minutes,
            care,
        } => {
            let site = code("site", site, BleedingSite::parse, BleedingSite::accepted)?;
            validate::bleeding(
                site,
                whole("count", count)?,
                opt_number("size_cm", size_cm)?,
                whole("minutes", minutes)?,
                *care,
            )?
        }
        RawEntry::SideEffect { effect, severity } => {
            let e = code(
                "effect",
                effect,
                SideEffectKind::parse,
                SideEffectKind::accepted,
            )?;
            let sev = whole("severity", severity)?.map(|s| s.min(255) as u8);
            validate::side_effect(e, sev)?
        }
        RawEntry::Event { event, medication } => {
            let e = code("event", event, EventKind::parse, EventKind::accepted)?;
            validate::event(e, medication.clone())?
        }
    };
    let Checked { value, warnings } = checked;
    Ok(Built {
        entry: NewEntry {
            at,
            note,
            data: value,
        },
        warnings,
    })
}

fn num(x: f64) -> String {
    format!("{x}")
}

/// The typed form of a stored entry (for editing): the value and unit as entered, the lab's
/// range back in that unit.
pub fn raw_from_entry(e: &Entry) -> RawEntry {
    match &e.data {
        EntryData::Platelets(p) => RawEntry::Platelets {
            value: num(p.entered.value),
            unit: Some(p.entered.unit.clone()),
            lab: p.lab.clone(),
        },
        EntryData::Dose(d) => RawEntry::Dose {
            drug: d.drug.code().to_string(),
            amount: d.amount.as_ref().map(|a| num(a.entered.value)),
            unit: d.amount.as_ref().map(|a| a.entered.unit.clone()),
            mg_per_ml: d.amount.as_ref().and_then(|a| a.mg_per_ml).map(num),
            route: Some(d.route.code().to_string()),
            formulation: d.formulation.clone(),
            status: d.status,
            scheduled: d.scheduled_for.map(|t| t.to_rfc3339()),
        },
        EntryData::Lab(l) => RawEntry::Lab {
            analyte: l.analyte.code().to_string(),
            value: num(l.entered.value),
            unit: Some(l.entered.unit.clone()),
            lab: l.lab.clone(),
            method: l.method.clone(),
            reference: reference_text(l, &l.entered.unit),
            last_dose: l.last_dose_at.map(|t| t.to_rfc3339()),
        },
        EntryData::Weight(w) => RawEntry::Weight {
            value: num(w.entered.value),
            unit: Some(w.entered.unit.clone()),
        },
        EntryData::BloodPressure(b) => RawEntry::Bp {
            value: format!("{}/{}", b.systolic, b.diastolic),
            pulse: b.pulse.map(|p| p.to_string()),
        },
        EntryData::Bleeding(b) => RawEntry::Bleeding {
            site: b.site.code().to_string(),
            count: b.count.map(|c| c.to_string()),
            size_cm: b.size_cm.map(num),
            minutes: b.minutes.map(|m| m.to_string()),
            care: b.care_needed,
        },
        EntryData::SideEffect(s) => RawEntry::SideEffect {
            effect: s.effect.code().to_string(),
            severity: s.severity.map(|v| v.to_string()),
        },
        EntryData::Event(ev) => RawEntry::Event {
            event: ev.event.code().to_string(),
            medication: ev.medication.clone(),
        },
    }
}

/// A lab's reference range (stored canonically) as `LOW-HIGH` in `unit`.
pub fn reference_text(l: &LabResult, unit: &str) -> Option<String> {
    let factor = l
        .analyte
        .quantity()
        .unit(Some(unit))
        .map(|u| u.factor)
        .unwrap_or(1.0);
    let side = |x: Option<f64>| {
        x.map(|v| num(crate::domain::units::round_sig(v / factor, 9)))
            .unwrap_or_default()
    };
    (l.reference.low.is_some() || l.reference.high.is_some())
        .then(|| format!("{}-{}", side(l.reference.low), side(l.reference.high)))
}

impl RawEntry {
    pub fn kind(&self) -> Kind {
        match self {
            RawEntry::Platelets { .. } => Kind::Platelets,
            RawEntry::Dose { .. } => Kind::Dose,
            RawEntry::Lab { .. } => Kind::Lab,
            RawEntry::Weight { .. } => Kind::Weight,
            RawEntry::Bp { .. } => Kind::BloodPressure,
            RawEntry::Bleeding { .. } => Kind::Bleeding,
            RawEntry::SideEffect { .. } => Kind::SideEffect,
            RawEntry::Event { .. } => Kind::Event,
        }
    }
}
