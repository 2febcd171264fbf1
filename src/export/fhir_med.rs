//! The medication side of the FHIR bundle: one MedicationStatement per regimen step (closed,
//! inclusive periods; one dosage per dose time with its own amount), a Medication resource
//! per formulation/brand, a MedicationAdministration per logged dose, and events as the
//! resources a clinic reads (MedicationStatement, MedicationAdministration, Procedure,
//! Immunization, Encounter).

use std::io::{self, Write};

use chrono::{Duration, NaiveDate};
use serde_json::{Map, Value, json};

use super::fhir::{
    ATC, Bundle, RXNORM, SNOMED, coding, derived_uuid, medication, quantity, ts, uuid,
};
use crate::domain::drugs::{Drug, Route};
use crate::domain::entry::{Dose, DoseStatus, Entry, Event, EventKind};
use crate::domain::regimen::{Regimen, Step};

/// A step of a regimen as it was in force: first and last day (inclusive; `None` = open).
#[derive(Clone, Debug, PartialEq)]
pub struct StepPeriod<'r> {
    pub index: usize,
    pub step: &'r Step,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    /// The formulation in force (a step without one keeps the previous one).
    pub formulation: Option<&'r str>,
}

/// The periods in which each step was in force. A step replaced on its first day, or starting
/// after the regimen stopped, was never in force and is left out. FHIR periods are inclusive,
/// so a regimen stopped on the 15th (its first day without doses) ends on the 14th.
pub fn step_periods(r: &Regimen) -> Vec<StepPeriod<'_>> {
    let mut out = Vec::new();
    let mut formulation: Option<&str> = None;
    for (k, s) in r.steps.iter().enumerate() {
        if let Some(f) = s.formulation.as_deref().filter(|f| !f.trim().is_empty()) {
            formulation = Some(f);
        }
        let start = s.effective_from.max(r.start);
        let next = r.steps.get(k + 1).map(|n| n.effective_from);
        let end_excl = match (next, r.stop) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if end_excl.is_some_and(|x| x <= start) {
            continue;
        }
        out.push(StepPeriod {
            index: k,
            step: s,
            start,
            end: end_excl.map(|x| x - Duration::days(1)),
            formulation,
        });
    }
    out
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// SNOMED CT code and display of a route.
fn route_snomed(r: Route) -> (&'static str, &'static str) {
    match r {
        Route::Oral => ("26643006", "Oral route"),
        Route::Iv => ("47625008", "Intravenous route"),
        Route::Sc => ("34206005", "Subcutaneous route"),
    }
}

fn route(r: Route) -> Value {
    let (code, display) = route_snomed(r);
    json!({ "coding": [coding(SNOMED, code, display)], "text": r.code() })
}

fn amount(value: f64, unit: &str) -> Value {
    if unit == "U" {
        quantity(value, "U", "[iU]")
    } else {
        quantity(value, "mg", "mg")
    }
}

/// RxNorm brand codes of clinical.md 7.2.
fn brand_rxnorm(drug: Drug, formulation: &str) -> Option<(&'static str, &'static str)> {
    let f = formulation.to_lowercase();
    match drug {
        Drug::Cyclosporine if f.contains("neoral") => Some(("202817", "Neoral")),
        Drug::Cyclosporine if f.contains("sandimmun") => Some(("202816", "Sandimmune")),
        Drug::Cyclosporine if f.contains("gengraf") => Some(("261530", "Gengraf")),
        _ => None,
    }
}

/// A Medication: the product as the patient takes it (brand / formulation as text, the
/// brand's RxNorm code where known) with the drug as its ingredient.
pub fn medication_resource(drug: Drug, label: &str, formulation: &str) -> Map<String, Value> {
    let mut codings = Vec::new();
    if let Some(a) = drug.atc() {
        codings.push(coding(ATC, a, label));
    }
    if let Some((code, display)) = brand_rxnorm(drug, formulation) {
        codings.push(coding(RXNORM, code, display));
    }
    let mut code = Map::new();
    if !codings.is_empty() {
        code.insert("coding".into(), json!(codings));
    }
    code.insert("text".into(), json!(format!("{formulation} ({label})")));
    let mut m = Map::new();
    m.insert("resourceType".into(), json!("Medication"));
    m.insert("code".into(), Value::Object(code));
    m.insert(
        "ingredient".into(),
        json!([{ "itemCodeableConcept": medication(drug, label), "isActive": true }]),
    );
    m
}

/// One MedicationStatement per step in force: the current one `active`, earlier ones
/// `completed`, future ones `intended`.
pub fn regimen<W: Write>(b: &mut Bundle<'_, '_, W>, r: &Regimen) -> io::Result<()> {
    let today = b.ctx.now.date_naive();
    let label = (b.ctx.labels)(r.drug.code());
    for p in step_periods(r) {
        let status = if p.start > today {
            "intended"
        } else if p.end.is_some_and(|e| e < today) {
            "completed"
        } else {
            "active"
        };
        let mut m = Map::new();
        m.insert("resourceType".into(), json!("MedicationStatement"));
        m.insert(
            "identifier".into(),
            json!([{ "system": "urn:ietf:rfc:3986", "value": format!("urn:uuid:{}", uuid(&r.uid)) }]),
        );
        m.insert("status".into(), json!(status));
        match p.formulation {
            Some(f) => {
                let reference = b.medication_ref(r.drug, f)?;
                m.insert("medicationReference".into(), reference);
            }
            None => {
                m.insert(
                    "medicationCodeableConcept".into(),
                    medication(r.drug, &label),
                );
            }
        }
        m.insert("subject".into(), b.subject());
        let mut period = Map::new();
        period.insert("start".into(), json!(date(p.start)));
        if let Some(e) = p.end {
            period.insert("end".into(), json!(date(e)));
        }
        m.insert("effectivePeriod".into(), Value::Object(period.clone()));
        let mut notes = vec![
            json!({ "text": format!("Plan step {} ({}): {}", p.index + 1, p.step.kind.code(), p.step.describe()) }),
        ];
        if let Some(n) = p.step.note.as_ref().or(r.note.as_ref()) {
            notes.push(json!({ "text": n }));
        }
        m.insert("note".into(), json!(notes));
        m.insert("dosage".into(), json!(dosages(p.step, r.route, &period)));
        let id = derived_uuid(&format!("regimen:{}:step:{}", r.uid, p.index));
        b.add(&id, m)?;
    }
    Ok(())
}

/// One dosage per dose time, each with its own amount (50, 50, 50, 25 is four dosages, not
/// 50 × 4). All share `sequence` 1: they apply together.
fn dosages(s: &Step, r: Route, period: &Map<String, Value>) -> Vec<Value> {
    s.slots
        .iter()
        .map(|slot| {
            let time = slot.time.format("%H:%M:%S").to_string();
            let every = if s.every_days == 1 {
                String::new()
            } else {
                format!(" every {} days", s.every_days)
            };
            json!({
                "sequence": 1,
                "text": format!("{} {} at {}{every}", crate::domain::units::fmt_num(slot.amount, 2), s.unit, slot.time.format("%H:%M")),
                "timing": { "repeat": {
                    "boundsPeriod": period,
                    "frequency": 1, "period": s.every_days.max(1), "periodUnit": "d",
                    "timeOfDay": [time],
                }},
                "route": route(r),
                "doseAndRate": [{ "doseQuantity": amount(slot.amount, &s.unit) }],
            })
        })
        .collect()
}

/// A logged dose: a MedicationAdministration (its brand as a Medication when given), written
/// from typed structs (no `Value` tree: doses are most of a long diary's entries).
pub fn dose<W: Write>(b: &mut Bundle<'_, '_, W>, e: &Entry, d: &Dose) -> io::Result<()> {
    use super::fhir_typed as t;
    let taken = d.status == DoseStatus::Taken;
    let formulation = d.formulation.as_deref().filter(|f| !f.trim().is_empty());
    let medication_id = match formulation {
        Some(f) => Some(b.medication_id(d.drug, f)?),
        None => None,
    };
    let label = (b.ctx.labels)(d.drug.code());
    let codings = drug_codings(d.drug, &label);
    let id = uuid(&e.uid);
    let (route_code, route_display) = route_snomed(d.route);
    let route_coding = [t::Coding {
        system: SNOMED,
        code: route_code,
        display: route_display,
    }];
    let m = t::MedicationAdministration {
        resource_type: "MedicationAdministration",
        status: b.status(if taken { "completed" } else { "not-done" }),
        status_reason: (!taken).then(|| {
            [t::Text {
                text: d.status.code(),
            }]
        }),
        medication_reference: medication_id
            .zip(formulation)
            .map(|(id, f)| t::MedicationRef {
                reference: format!("urn:uuid:{id}"),
                display: f,
            }),
        medication_codeable_concept: formulation.is_none().then(|| t::Concept {
            coding: &codings,
            text: Some(&label),
        }),
        subject: t::Reference {
            reference: &b.subject_ref,
        },
        effective_date_time: ts(&e.at),
        dosage: d.amount.as_ref().map(|a| t::Dosage {
            route: t::Concept {
                coding: &route_coding,
                text: Some(d.route.code()),
            },
            dose: if a.unit == "U" {
                t::Quantity::new(a.value, "U", "[iU]")
            } else {
                t::Quantity::new(a.value, "mg", "mg")
            },
        }),
        note: e.note.as_deref().map(|text| [t::Text { text }]),
        id: &id,
    };
    t::emit(&mut b.w, &mut b.first, &id, &m)
}

/// A drug's ATC and RxNorm codings (either may be missing).
fn drug_codings<'a>(d: Drug, label: &'a str) -> Vec<super::fhir_typed::Coding<'a>> {
    let c = |system, code| super::fhir_typed::Coding {
        system,
        code,
        display: label,
    };
    d.atc()
        .map(|a| c(ATC, a))
        .into_iter()
        .chain(d.rxnorm().map(|r| c(RXNORM, r)))
        .collect()
}

/// The medication an event names: coded when it is a known drug, else its text.
fn named_medication<W: Write>(b: &Bundle<'_, '_, W>, ev: &Event, fallback: &str) -> Value {
    match ev
        .medication
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(m) => match Drug::parse(m) {
            Some(d) => {
                let mut v = medication(d, &(b.ctx.labels)(d.code()));
                v["text"] = json!(m);
                v
            }
            None => json!({ "text": m }),
        },
        None => json!({ "text": fallback }),
    }
}

/// An event as the resource a clinic reads; the others as patient-reported observations.
pub fn event<W: Write>(
    b: &mut Bundle<'_, '_, W>,
    e: &Entry,
    ev: &Event,
    amended: bool,
) -> io::Result<()> {
    let mut m = Map::new();
    let at = json!(ts(&e.at));
    match ev.event {
        EventKind::MedicationStart | EventKind::MedicationStop => {
            let started = ev.event == EventKind::MedicationStart;
            m.insert("resourceType".into(), json!("MedicationStatement"));
            m.insert(
                "status".into(),
                json!(if started { "active" } else { "stopped" }),
            );
            m.insert(
                "medicationCodeableConcept".into(),
                named_medication(b, ev, "medication (not named)"),
            );
            m.insert("subject".into(), b.subject());
            // A start with a later stop of the same medication is over.
            let name = ev.medication.as_deref().map(|n| n.trim().to_lowercase());
            let stop = name.as_ref().filter(|_| started).and_then(|n| {
                b.ctx
                    .stops
                    .iter()
                    .filter(|(s, t)| s.trim().to_lowercase() == *n && *t >= e.at)
                    .map(|(_, t)| *t)
                    .min()
            });
            let period = match (started, stop) {
                (true, Some(end)) => {
                    m.insert("status".into(), json!("completed"));
                    json!({ "start": at, "end": ts(&end) })
                }
                (true, None) => json!({ "start": at }),
                (false, _) => json!({ "end": at }),
            };
            m.insert("effectivePeriod".into(), period);
        }
        EventKind::Ivig | EventKind::AntiD | EventKind::SteroidPulse => {
            m.insert("resourceType".into(), json!("MedicationAdministration"));
            m.insert("status".into(), json!("completed"));
            let med = if ev.event == EventKind::Ivig {
                medication(Drug::Ivig, &(b.ctx.labels)(Drug::Ivig.code()))
            } else if ev.event == EventKind::AntiD {
                json!({ "coding": [coding(ATC, "J06BB01", "anti-D (rh) immunoglobulin")], "text": "anti-D immunoglobulin" })
            } else if ev.medication.is_some() {
                named_medication(b, ev, "")
            } else {
                json!({ "coding": [coding(ATC, "H02AB", "Glucocorticoids")], "text": "corticosteroid pulse" })
            };
            m.insert("medicationCodeableConcept".into(), med);
            m.insert("subject".into(), b.subject());
            m.insert("effectiveDateTime".into(), at);
        }
        EventKind::Transfusion | EventKind::Procedure => {
            m.insert("resourceType".into(), json!("Procedure"));
            m.insert("status".into(), json!("completed"));
            let text = if ev.event == EventKind::Transfusion {
                "transfusion"
            } else {
                "procedure"
            };
            m.insert("code".into(), json!({ "text": text }));
            m.insert("subject".into(), b.subject());
            m.insert("performedDateTime".into(), at);
        }
        EventKind::Vaccination => {
            m.insert("resourceType".into(), json!("Immunization"));
            m.insert("status".into(), json!("completed"));
            m.insert(
                "vaccineCode".into(),
                named_medication(b, ev, "vaccine (not named)"),
            );
            m.insert("patient".into(), b.subject());
            m.insert("occurrenceDateTime".into(), at);
            m.insert("primarySource".into(), json!(true));
        }
        EventKind::ClinicVisit => {
            m.insert("resourceType".into(), json!("Encounter"));
            m.insert("status".into(), json!("finished"));
            m.insert(
                "class".into(),
                coding(
                    "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "AMB",
                    "ambulatory",
                ),
            );
            m.insert("subject".into(), b.subject());
            m.insert("period".into(), json!({ "start": at }));
            // Encounter has no note in R4: the patient's note goes in the reason's text.
            if let Some(n) = &e.note {
                m.insert("reasonCode".into(), json!([{ "text": n }]));
            }
            return b.add(&uuid(&e.uid), m);
        }
        EventKind::Infection | EventKind::Grapefruit | EventKind::Other => {
            return b.reported(e, amended);
        }
    }
    if let Some(n) = &e.note {
        m.insert("note".into(), json!([{ "text": n }]));
    }
    b.add(&uuid(&e.uid), m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::regimen::{Slot, StepKind};
    use chrono::NaiveTime;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn step(from: &str, amount: f64, formulation: Option<&str>) -> Step {
        Step {
            id: 0,
            effective_from: d(from),
            kind: StepKind::Change,
            slots: vec![Slot {
                time: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                amount,
            }],
            unit: "mg".into(),
            every_days: 1,
            formulation: formulation.map(str::to_string),
            note: None,
        }
    }

    #[test]
    fn step_periods_are_closed_inclusive_and_skip_steps_never_in_force() {
        let r = Regimen {
            id: 1,
            uid: "ab".into(),
            drug: Drug::Cyclosporine,
            route: Route::Oral,
            start: d("2026-01-01"),
            stop: Some(d("2026-03-15")),
            target_low: None,
            target_high: None,
            induction_weeks: None,
            note: None,
            planned_at: None,
            steps: vec![
                step("2026-01-01", 150.0, Some("Neoral")),
                // Replaced the same day: never in force.
                step("2026-02-01", 140.0, None),
                step("2026-02-01", 125.0, None),
                step("2026-03-01", 100.0, Some("Sandimmun")),
                // After the stop: never in force.
                step("2026-03-20", 75.0, None),
            ],
        };
        let p = step_periods(&r);
        let got: Vec<(usize, NaiveDate, Option<NaiveDate>, Option<&str>)> = p
            .iter()
            .map(|x| (x.index, x.start, x.end, x.formulation))
            .collect();
        assert_eq!(
            got,
            [
                (0, d("2026-01-01"), Some(d("2026-01-31")), Some("Neoral")),
                (2, d("2026-02-01"), Some(d("2026-02-28")), Some("Neoral")),
                (3, d("2026-03-01"), Some(d("2026-03-14")), Some("Sandimmun")),
            ]
        );
    }
}
