//! The observation side of the FHIR bundle: platelets, lab results (drug levels with their
//! timing), weight, blood pressure and patient-reported entries, each serialised from typed
//! structs (`fhir_typed`) straight to the writer.

use std::io::{self, Write};

use serde::Serialize;

use super::fhir::{Bundle, CSA_GENERIC, Context, LOINC, lab_code, ts, uuid};
use super::fhir_typed::{
    Category, Coding, Component, Components, Concept, LabFields, Measured, Observation, Performer,
    Quantity, Range, Reference, Text, ValueString, emit,
};
use crate::domain::entry::{Analyte, BloodPressure, Entry, LabResult};

const OBS_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

fn loinc<'a>(code: &'a str, display: &'a str) -> Coding<'a> {
    Coding {
        system: LOINC,
        code,
        display,
    }
}

impl<W: Write> Bundle<'_, '_, W> {
    /// An Observation of `e` with its kind's own `fields`; `notes` come before the entry's.
    fn observe<F: Serialize>(
        &mut self,
        e: &Entry,
        amended: bool,
        category: &str,
        code: Concept<'_>,
        fields: F,
        notes: &[&str],
    ) -> io::Result<()> {
        let id = uuid(&e.uid);
        let display = match category {
            "laboratory" => "Laboratory",
            "vital-signs" => "Vital Signs",
            _ => "Survey",
        };
        let note: Vec<Text> = notes
            .iter()
            .copied()
            .chain(e.note.as_deref())
            .map(|text| Text { text })
            .collect();
        let o = Observation {
            resource_type: "Observation",
            status: self.status(if amended { "amended" } else { "final" }),
            category: [Category {
                coding: [Coding {
                    system: OBS_CATEGORY,
                    code: category,
                    display,
                }],
            }],
            code,
            subject: Reference {
                reference: &self.subject_ref,
            },
            effective_date_time: ts(&e.at),
            fields,
            note: &note,
            id: &id,
        };
        emit(&mut self.w, &mut self.first, &id, &o)
    }

    pub(crate) fn platelets(
        &mut self,
        e: &Entry,
        count: f64,
        lab: Option<&str>,
        amended: bool,
    ) -> io::Result<()> {
        let coding = [loinc(
            "777-3",
            "Platelets [#/volume] in Blood by Automated count",
        )];
        let code = Concept {
            coding: &coding,
            text: Some("Platelets"),
        };
        let f = Measured {
            value_quantity: Quantity::new(count, "10*9/L", "10*9/L"),
            performer: lab.map(Performer::of),
        };
        self.observe(e, amended, "laboratory", code, f, &[])
    }

    pub(crate) fn weight(&mut self, e: &Entry, kg: f64, amended: bool) -> io::Result<()> {
        let coding = [loinc("29463-7", "Body weight")];
        let code = Concept {
            coding: &coding,
            text: Some("Body weight"),
        };
        let f = Measured {
            value_quantity: Quantity::new(kg, "kg", "kg"),
            performer: None,
        };
        self.observe(e, amended, "vital-signs", code, f, &[])
    }

    pub(crate) fn blood_pressure(
        &mut self,
        e: &Entry,
        bp: &BloodPressure,
        amended: bool,
    ) -> io::Result<()> {
        let codes = [
            [loinc("8480-6", "Systolic blood pressure")],
            [loinc("8462-4", "Diastolic blood pressure")],
            [loinc("8867-4", "Heart rate")],
        ];
        let part = |k: usize, value: f64, unit: &'static str, ucum: &'static str| Component {
            code: Concept {
                coding: &codes[k],
                text: None,
            },
            value_quantity: Quantity::new(value, unit, ucum),
        };
        let mut component = vec![
            part(0, f64::from(bp.systolic), "mmHg", "mm[Hg]"),
            part(1, f64::from(bp.diastolic), "mmHg", "mm[Hg]"),
        ];
        if let Some(p) = bp.pulse {
            component.push(part(2, f64::from(p), "/min", "/min"));
        }
        let coding = [loinc(
            "85354-9",
            "Blood pressure panel with all children optional",
        )];
        let code = Concept {
            coding: &coding,
            text: Some("Blood pressure"),
        };
        let f = Components {
            component: &component,
        };
        self.observe(e, amended, "vital-signs", code, f, &[])
    }

    pub(crate) fn lab(&mut self, e: &Entry, l: &LabResult, amended: bool) -> io::Result<()> {
        let (code, display, value, unit, ucum) = lab_code(l);
        let factor = l
            .analyte
            .quantity()
            .by_display(unit)
            .map(|u| u.factor)
            .unwrap_or(1.0);
        let range = Range {
            low: l
                .reference
                .low
                .map(|lo| Quantity::new(lo / factor, unit, ucum)),
            high: l
                .reference
                .high
                .map(|hi| Quantity::new(hi / factor, unit, ucum)),
        };
        let has_range = range.low.is_some() || range.high.is_some();
        let level = l
            .analyte
            .is_drug_level()
            .then(|| level_context(e, l, self.ctx));
        let (code, display) = match &level {
            Some(c) if !c.as_labelled => CSA_GENERIC,
            _ => (code, display),
        };
        let hours_code = Concept {
            coding: &[],
            text: Some("Hours since the previous dose"),
        };
        let f = LabFields {
            value_quantity: Quantity::new(value, unit, ucum),
            reference_range: has_range.then_some([range]),
            method: l.method.as_deref().map(|text| Text { text }),
            performer: l.lab.as_deref().map(Performer::of),
            component: level.as_ref().and_then(|c| c.hours).map(|h| {
                [Component {
                    code: hours_code,
                    value_quantity: Quantity::new(h, "h", "h"),
                }]
            }),
        };
        let text = (self.ctx.labels)(l.analyte.code());
        let coding = [loinc(code, display)];
        let code = Concept {
            coding: &coding,
            text: Some(&text),
        };
        let notes: Vec<&str> = level.iter().map(|c| c.note.as_str()).collect();
        self.observe(e, amended, "laboratory", code, f, &notes)
    }

    /// Bleeding, side effects and other events: patient-reported, without a standard code.
    pub(crate) fn reported(&mut self, e: &Entry, amended: bool) -> io::Result<()> {
        let what = e.data.subject().unwrap_or_default();
        let text = format!("{}: {}", e.data.kind().code(), (self.ctx.labels)(what));
        let value_string = crate::export::flat::record(e)
            .into_iter()
            .filter(|(k, v)| {
                !v.is_null()
                    && !["id", "uid", "at", "kind", "deleted", "note"].contains(&k.as_str())
            })
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let code = Concept {
            coding: &[],
            text: Some(&text),
        };
        let f = ValueString { value_string };
        self.observe(e, amended, "survey", code, f, &[])
    }
}

/// How a drug level was drawn: whether its labelled timing (trough / C2) holds, the hours
/// since the previous dose (rounded to 0.1 h), and a note a clinician reads.
struct LevelContext {
    as_labelled: bool,
    hours: Option<f64>,
    note: String,
}

fn level_context(e: &Entry, l: &LabResult, ctx: &Context) -> LevelContext {
    // The result's own time of the previous dose, else the last dose logged as taken.
    let logged = match l.analyte {
        Analyte::CsaTrough if l.last_dose_at.is_none() => ctx.logged_doses.get(&e.id).copied(),
        _ => None,
    };
    let last_dose = l.last_dose_at.or(logged);
    let hours = last_dose.map(|d| (e.at - d).num_seconds() as f64 / 3600.0);
    let (what, lo, hi) = match l.analyte {
        Analyte::CsaC2 => ("a C2 (2 h post-dose) level", 1.75, 2.25),
        _ => ("a trough", ctx.trough_hours.0, ctx.trough_hours.1),
    };
    let (Some(h), Some(dose)) = (hours, last_dose) else {
        return LevelContext {
            as_labelled: false,
            hours: None,
            note: format!(
                "Time of the previous dose not recorded: not known whether this is {what}."
            ),
        };
    };
    let ok = (lo..=hi).contains(&h);
    let source = match logged {
        Some(_) => "the previous dose logged in the diary (the result names none)",
        None => "the previous dose",
    };
    let dose = ts(&dose);
    // Hours beside the window keep their side of it (14.02 is not "14.0").
    let shown = crate::domain::units::fmt_beside(h, &[lo, hi], 1);
    let note = if ok {
        format!("Drawn {shown} h after {source} ({dose}): {what}.")
    } else {
        format!(
            "Drawn {shown} h after {source} ({dose}): not {what} ({lo}–{hi} h); coded as a level of unspecified timing."
        )
    };
    LevelContext {
        as_labelled: ok,
        hours: Some(shown.parse().unwrap_or((h * 100.0).round() / 100.0)),
        note,
    }
}
