//! Typed pieces of the FHIR bundle, serialised straight to the writer: the Observations and
//! MedicationAdministrations that make up nearly every resource of a long diary, without a
//! `serde_json::Value` tree per resource. The fields are declared in the order the bundle
//! has always written them (the bytes do not change: `tests/export_bytes.rs`).

use std::io::{self, Write};

use serde::Serialize;

use super::fhir::UCUM;
use crate::domain::units::round_sig;

#[derive(Clone, Copy, Serialize)]
pub struct Coding<'a> {
    pub system: &'a str,
    pub code: &'a str,
    pub display: &'a str,
}

/// A UCUM quantity, its value rounded to 6 significant digits.
#[derive(Serialize)]
pub struct Quantity<'a> {
    value: f64,
    unit: &'a str,
    system: &'static str,
    code: &'a str,
}

impl<'a> Quantity<'a> {
    pub fn new(value: f64, unit: &'a str, ucum: &'a str) -> Self {
        Quantity {
            value: round_sig(value, 6),
            unit,
            system: UCUM,
            code: ucum,
        }
    }
}

/// `{"text": …}`: a note, a reason, a method.
#[derive(Serialize)]
pub struct Text<'a> {
    pub text: &'a str,
}

/// A CodeableConcept: codings (left out when none) and a text (left out when none).
#[derive(Serialize)]
pub struct Concept<'a> {
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub coding: &'a [Coding<'a>],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
}

#[derive(Serialize)]
pub struct Reference<'a> {
    pub reference: &'a str,
}

/// A reference to a Medication resource with the formulation as its display.
#[derive(Serialize)]
pub struct MedicationRef<'a> {
    pub reference: String,
    pub display: &'a str,
}

#[derive(Serialize)]
pub struct Performer<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub display: &'a str,
}

impl<'a> Performer<'a> {
    pub fn of(lab: &'a str) -> [Performer<'a>; 1] {
        [Performer {
            kind: "Organization",
            display: lab,
        }]
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Component<'a> {
    pub code: Concept<'a>,
    pub value_quantity: Quantity<'a>,
}

#[derive(Serialize)]
pub struct Range<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<Quantity<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<Quantity<'a>>,
}

#[derive(Serialize)]
pub struct Category<'a> {
    pub coding: [Coding<'a>; 1],
}

/// An Observation: the common fields, then the kind's own (`fields`), the notes and the id.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation<'a, F: Serialize> {
    pub resource_type: &'static str,
    pub status: &'a str,
    pub category: [Category<'a>; 1],
    pub code: Concept<'a>,
    pub subject: Reference<'a>,
    pub effective_date_time: String,
    #[serde(flatten)]
    pub fields: F,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub note: &'a [Text<'a>],
    pub id: &'a str,
}

/// Platelets and weight: a value, and the lab that counted it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Measured<'a> {
    pub value_quantity: Quantity<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performer: Option<[Performer<'a>; 1]>,
}

/// Blood pressure: its components.
#[derive(Serialize)]
pub struct Components<'a> {
    pub component: &'a [Component<'a>],
}

/// A lab result's own fields.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabFields<'a> {
    pub value_quantity: Quantity<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_range: Option<[Range<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performer: Option<[Performer<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<[Component<'a>; 1]>,
}

/// A patient-reported observation's value.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueString {
    pub value_string: String,
}

#[derive(Serialize)]
pub struct Dosage<'a> {
    pub route: Concept<'a>,
    pub dose: Quantity<'a>,
}

/// A logged dose.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MedicationAdministration<'a> {
    pub resource_type: &'static str,
    pub status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<[Text<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medication_reference: Option<MedicationRef<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medication_codeable_concept: Option<Concept<'a>>,
    pub subject: Reference<'a>,
    pub effective_date_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dosage: Option<Dosage<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<[Text<'a>; 1]>,
    pub id: &'a str,
}

/// Write one bundle entry `{"fullUrl": "urn:uuid:<id>", "resource": …}` (the resource carries
/// its id), after the separator from the entry before.
pub fn emit<W: Write, T: Serialize>(
    w: &mut W,
    first: &mut bool,
    id: &str,
    resource: &T,
) -> io::Result<()> {
    let sep = if *first { "\n    " } else { ",\n    " };
    *first = false;
    w.write_all(sep.as_bytes())?;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct BundleEntry<'r, T> {
        full_url: Urn<'r>,
        resource: &'r T,
    }
    let entry = BundleEntry {
        full_url: Urn(id),
        resource,
    };
    serde_json::to_writer(&mut *w, &entry).map_err(|e| match e.io_error_kind() {
        // A closed pipe stays a closed pipe (the command ends quietly).
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::other(e),
    })
}

/// `urn:uuid:<id>` as a JSON string, without building it.
struct Urn<'a>(&'a str);

impl Serialize for Urn<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("urn:uuid:{}", self.0))
    }
}
