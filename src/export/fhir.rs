//! A FHIR R4 Bundle (type `collection`, JSON): the Patient (no identifying data unless the
//! profile has it), the ITP Condition (ICD-10 D69.3, SNOMED CT 2897005), Observations with
//! LOINC codes and UCUM units (clinical.md 7.1), a MedicationStatement per regimen and a
//! MedicationAdministration per logged dose, coded with ATC (and RxNorm where known, 7.2).

use std::io::{self, Write};

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde_json::{Map, Value, json};

use crate::domain::entry::*;
use crate::domain::regimen::{Profile, Regimen};
use crate::domain::units::{Quantity, round_sig};

pub const LOINC: &str = "http://loinc.org";
pub const UCUM: &str = "http://unitsofmeasure.org";
pub const ATC: &str = "http://www.whocc.no/atc";
pub const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
pub const ICD10: &str = "http://hl7.org/fhir/sid/icd-10";
pub const SNOMED: &str = "http://snomed.info/sct";
const OBS_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// A 32-hex uid as a UUID.
pub fn uuid(uid: &str) -> String {
    let h: String = uid
        .chars()
        .filter(char::is_ascii_hexdigit)
        .chain(std::iter::repeat('0'))
        .take(32)
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn ts(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({ "system": system, "code": code, "display": display })
}

fn quantity(value: f64, unit: &str, ucum: &str) -> Value {
    json!({ "value": round_sig(value, 6), "unit": unit, "system": UCUM, "code": ucum })
}

/// LOINC code, display, value, unit spelling and UCUM code for a lab result: the mass or molar
/// code that matches the unit as reported (clinical.md 7.1); the value is given in that unit.
pub fn lab_code(l: &LabResult) -> (&'static str, &'static str, f64, &'static str, &'static str) {
    let mass = l.entered.unit == "mg/dL";
    let canon = l.analyte.quantity().canonical();
    let entered_unit = l.analyte.quantity().by_display(&l.entered.unit);
    let (mass_value, mass_unit, mass_ucum) = match entered_unit {
        Some(u) => (l.entered.value, u.display, u.ucum),
        None => (l.value, canon.display, canon.ucum),
    };
    let molar = |code, display| (code, display, l.value, canon.display, canon.ucum);
    let massive = |code, display| (code, display, mass_value, mass_unit, mass_ucum);
    match l.analyte {
        Analyte::CsaTrough => (
            "53828-0",
            "cycloSPORINE [Mass/volume] in Blood --trough",
            l.value,
            "ng/mL",
            "ng/mL",
        ),
        Analyte::CsaC2 => (
            "32997-9",
            "cycloSPORINE [Mass/volume] in Blood --2 hours post dose",
            l.value,
            "ng/mL",
            "ng/mL",
        ),
        Analyte::Creatinine if mass => {
            massive("2160-0", "Creatinine [Mass/volume] in Serum or Plasma")
        }
        Analyte::Creatinine => molar("14682-9", "Creatinine [Moles/volume] in Serum or Plasma"),
        Analyte::Egfr => molar(
            "98979-8",
            "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI 2021)",
        ),
        Analyte::Bun if mass => massive("3094-0", "Urea nitrogen [Mass/volume] in Serum or Plasma"),
        Analyte::Bun => molar("14937-7", "Urea nitrogen [Moles/volume] in Serum or Plasma"),
        Analyte::Urea if mass => massive("3091-6", "Urea [Mass/volume] in Serum or Plasma"),
        Analyte::Urea => molar("22664-7", "Urea [Moles/volume] in Serum or Plasma"),
        Analyte::Alt => molar(
            "1742-6",
            "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
        ),
        Analyte::Ast => molar(
            "1920-8",
            "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
        ),
        Analyte::Bilirubin if mass => {
            massive("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma")
        }
        Analyte::Bilirubin => molar(
            "14631-6",
            "Bilirubin.total [Moles/volume] in Serum or Plasma",
        ),
        Analyte::Potassium => molar("2823-3", "Potassium [Moles/volume] in Serum or Plasma"),
        Analyte::Magnesium if mass => {
            massive("19123-9", "Magnesium [Mass/volume] in Serum or Plasma")
        }
        Analyte::Magnesium => molar("2601-3", "Magnesium [Moles/volume] in Serum or Plasma"),
        Analyte::UricAcid if mass => massive("3084-1", "Urate [Mass/volume] in Serum or Plasma"),
        Analyte::UricAcid => molar("14933-6", "Urate [Moles/volume] in Serum or Plasma"),
        Analyte::Cholesterol if mass => {
            massive("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma")
        }
        Analyte::Cholesterol => molar("14647-2", "Cholesterol [Moles/volume] in Serum or Plasma"),
        Analyte::Triglycerides if mass => {
            massive("2571-8", "Triglyceride [Mass/volume] in Serum or Plasma")
        }
        Analyte::Triglycerides => {
            molar("14927-8", "Triglyceride [Moles/volume] in Serum or Plasma")
        }
        Analyte::Haemoglobin => molar("718-7", "Hemoglobin [Mass/volume] in Blood"),
        Analyte::Wbc => molar(
            "6690-2",
            "Leukocytes [#/volume] in Blood by Automated count",
        ),
        Analyte::Glucose if mass => massive("2345-7", "Glucose [Mass/volume] in Serum or Plasma"),
        Analyte::Glucose => molar("14749-6", "Glucose [Moles/volume] in Serum or Plasma"),
    }
}

fn medication(d: crate::domain::drugs::Drug, label: &str) -> Value {
    let mut codings = Vec::new();
    if let Some(a) = d.atc() {
        codings.push(coding(ATC, a, label));
    }
    if let Some(r) = d.rxnorm() {
        codings.push(coding(RXNORM, r, label));
    }
    if codings.is_empty() {
        json!({ "text": label })
    } else {
        json!({ "coding": codings, "text": label })
    }
}

/// Writes the bundle's entries one at a time (a 20-year diary never sits in memory whole).
struct B<'w, W: Write> {
    w: &'w mut W,
    first: bool,
    patient: String,
    error: Option<io::Error>,
}

impl<W: Write> B<'_, W> {
    fn add(&mut self, id: String, mut resource: Map<String, Value>) {
        if self.error.is_some() {
            return;
        }
        resource.insert("id".into(), json!(id));
        let entry = json!({ "fullUrl": format!("urn:uuid:{id}"), "resource": resource });
        let sep = if self.first { "\n    " } else { ",\n    " };
        self.first = false;
        let r = self
            .w
            .write_all(sep.as_bytes())
            .and_then(|_| serde_json::to_writer(&mut *self.w, &entry).map_err(io::Error::other));
        if let Err(e) = r {
            self.error = Some(e);
        }
    }

    fn subject(&self) -> Value {
        json!({ "reference": format!("urn:uuid:{}", self.patient) })
    }

    fn observation(&mut self, e: &Entry, category: &str, code: Value, fields: Map<String, Value>) {
        let mut o = Map::new();
        o.insert("resourceType".into(), json!("Observation"));
        o.insert("status".into(), json!("final"));
        o.insert(
            "category".into(),
            json!([{ "coding": [coding(OBS_CATEGORY, category, match category {
                "laboratory" => "Laboratory",
                "vital-signs" => "Vital Signs",
                _ => "Survey",
            })] }]),
        );
        o.insert("code".into(), code);
        o.insert("subject".into(), self.subject());
        o.insert("effectiveDateTime".into(), json!(ts(&e.at)));
        if let Some(n) = &e.note {
            o.insert("note".into(), json!([{ "text": n }]));
        }
        o.extend(fields);
        self.add(uuid(&e.uid), o);
    }
}

/// Write the bundle. `patient_uid`: a stable id of this diary's patient.
pub fn write(
    w: &mut impl Write,
    patient_uid: &str,
    profile: &Profile,
    regimens: &[Regimen],
    entries: &[Entry],
    now: DateTime<FixedOffset>,
    labels: &dyn Fn(&str) -> String,
) -> io::Result<()> {
    write!(
        w,
        "{{\n  \"resourceType\": \"Bundle\",\n  \"type\": \"collection\",\n  \"timestamp\": \"{}\",\n  \"entry\": [",
        ts(&now)
    )?;
    let mut b = B {
        w,
        first: true,
        patient: uuid(patient_uid),
        error: None,
    };
    // Patient: only what the profile holds.
    let mut p = Map::new();
    p.insert("resourceType".into(), json!("Patient"));
    if let Some(n) = &profile.name {
        p.insert("name".into(), json!([{ "text": n }]));
    }
    if let Some(s) = &profile.sex {
        p.insert("gender".into(), json!(s));
    }
    if let Some(y) = profile.birth_year {
        p.insert("birthDate".into(), json!(format!("{y:04}")));
    }
    let pid = b.patient.clone();
    b.add(pid.clone(), p);
    // Condition: ITP.
    let mut c = Map::new();
    c.insert("resourceType".into(), json!("Condition"));
    c.insert("clinicalStatus".into(), json!({ "coding": [coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active")] }));
    c.insert("verificationStatus".into(), json!({ "coding": [coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed")] }));
    c.insert(
        "code".into(),
        json!({ "coding": [coding(ICD10, "D69.3", "Immune thrombocytopenic purpura"), coding(SNOMED, "2897005", "Immune thrombocytopenia (disorder)")], "text": "Immune thrombocytopenia (ITP)" }),
    );
    c.insert("subject".into(), b.subject());
    if let Some(d) = profile.diagnosed_on {
        c.insert(
            "onsetDateTime".into(),
            json!(d.format("%Y-%m-%d").to_string()),
        );
    }
    let hex: String = pid.replace('-', "");
    b.add(uuid(&format!("{}c0de", &hex[..28])), c);
    // A MedicationStatement per regimen.
    for r in regimens {
        let label = labels(r.drug.code());
        let mut m = Map::new();
        m.insert("resourceType".into(), json!("MedicationStatement"));
        let active = r.stop.is_none_or(|s| s > now.date_naive());
        m.insert(
            "status".into(),
            json!(if active { "active" } else { "completed" }),
        );
        m.insert(
            "medicationCodeableConcept".into(),
            medication(r.drug, &label),
        );
        m.insert("subject".into(), b.subject());
        let mut period = Map::new();
        period.insert(
            "start".into(),
            json!(r.start.format("%Y-%m-%d").to_string()),
        );
        if let Some(s) = r.stop {
            period.insert("end".into(), json!(s.format("%Y-%m-%d").to_string()));
        }
        m.insert("effectivePeriod".into(), Value::Object(period));
        let dosage: Vec<Value> = r
            .steps
            .iter()
            .map(|s| {
                json!({
                    "text": format!("{} {} {}", s.effective_from, s.kind.code(), s.describe()),
                    "timing": { "repeat": {
                        "boundsPeriod": { "start": s.effective_from.format("%Y-%m-%d").to_string() },
                        "frequency": s.slots.len(), "period": s.every_days, "periodUnit": "d",
                        "timeOfDay": s.slots.iter().map(|x| x.time.format("%H:%M:%S").to_string()).collect::<Vec<_>>(),
                    }},
                    "doseAndRate": [{ "doseQuantity": if s.unit == "U" { quantity(s.slots.first().map(|x| x.amount).unwrap_or(0.0), "U", "[iU]") } else { quantity(s.slots.first().map(|x| x.amount).unwrap_or(0.0), "mg", "mg") } }],
                })
            })
            .collect();
        m.insert("dosage".into(), json!(dosage));
        b.add(uuid(&r.uid), m);
    }
    for e in entries.iter().filter(|e| !e.deleted) {
        match &e.data {
            EntryData::Platelets(pl) => {
                let mut f = Map::new();
                f.insert(
                    "valueQuantity".into(),
                    quantity(pl.count, "10*9/L", "10*9/L"),
                );
                b.observation(e, "laboratory", json!({ "coding": [coding(LOINC, "777-3", "Platelets [#/volume] in Blood by Automated count")], "text": "Platelets" }), f);
            }
            EntryData::Lab(l) => {
                let (code, display, value, unit, ucum) = lab_code(l);
                let mut f = Map::new();
                f.insert("valueQuantity".into(), quantity(value, unit, ucum));
                let factor = l
                    .analyte
                    .quantity()
                    .by_display(unit)
                    .map(|u| u.factor)
                    .unwrap_or(1.0);
                let mut range = Map::new();
                if let Some(lo) = l.reference.low {
                    range.insert("low".into(), quantity(lo / factor, unit, ucum));
                }
                if let Some(hi) = l.reference.high {
                    range.insert("high".into(), quantity(hi / factor, unit, ucum));
                }
                if !range.is_empty() {
                    f.insert("referenceRange".into(), json!([Value::Object(range)]));
                }
                if let Some(m) = &l.method {
                    f.insert("method".into(), json!({ "text": m }));
                }
                b.observation(e, "laboratory", json!({ "coding": [coding(LOINC, code, display)], "text": labels(l.analyte.code()) }), f);
            }
            EntryData::Weight(wt) => {
                let mut f = Map::new();
                f.insert("valueQuantity".into(), quantity(wt.kg, "kg", "kg"));
                b.observation(e, "vital-signs", json!({ "coding": [coding(LOINC, "29463-7", "Body weight")], "text": "Body weight" }), f);
            }
            EntryData::BloodPressure(bp) => {
                let mut f = Map::new();
                let mut comps = vec![
                    json!({ "code": { "coding": [coding(LOINC, "8480-6", "Systolic blood pressure")] }, "valueQuantity": quantity(f64::from(bp.systolic), "mmHg", "mm[Hg]") }),
                    json!({ "code": { "coding": [coding(LOINC, "8462-4", "Diastolic blood pressure")] }, "valueQuantity": quantity(f64::from(bp.diastolic), "mmHg", "mm[Hg]") }),
                ];
                if let Some(p) = bp.pulse {
                    comps.push(json!({ "code": { "coding": [coding(LOINC, "8867-4", "Heart rate")] }, "valueQuantity": quantity(f64::from(p), "/min", "/min") }));
                }
                f.insert("component".into(), json!(comps));
                b.observation(e, "vital-signs", json!({ "coding": [coding(LOINC, "85354-9", "Blood pressure panel with all children optional")], "text": "Blood pressure" }), f);
            }
            EntryData::Dose(d) => {
                let label = labels(d.drug.code());
                let mut m = Map::new();
                m.insert("resourceType".into(), json!("MedicationAdministration"));
                m.insert(
                    "status".into(),
                    json!(if d.status == DoseStatus::Taken {
                        "completed"
                    } else {
                        "not-done"
                    }),
                );
                if d.status != DoseStatus::Taken {
                    m.insert("statusReason".into(), json!([{ "text": d.status.code() }]));
                }
                m.insert(
                    "medicationCodeableConcept".into(),
                    medication(d.drug, &label),
                );
                m.insert("subject".into(), b.subject());
                m.insert("effectiveDateTime".into(), json!(ts(&e.at)));
                if let Some(a) = &d.amount {
                    let (unit, ucum) = if a.unit == "U" {
                        ("U", "[iU]")
                    } else {
                        ("mg", "mg")
                    };
                    m.insert(
                        "dosage".into(),
                        json!({ "route": { "text": d.route.code() }, "dose": quantity(a.value, unit, ucum) }),
                    );
                }
                let mut notes = Vec::new();
                if let Some(f) = &d.formulation {
                    notes.push(json!({ "text": format!("formulation: {f}") }));
                }
                if let Some(n) = &e.note {
                    notes.push(json!({ "text": n }));
                }
                if !notes.is_empty() {
                    m.insert("note".into(), json!(notes));
                }
                b.add(uuid(&e.uid), m);
            }
            EntryData::Bleeding(_) | EntryData::SideEffect(_) | EntryData::Event(_) => {
                // Patient-reported observations without a standard code: text only.
                let what = e.data.subject().unwrap_or_default();
                let text = format!("{}: {}", e.data.kind().code(), labels(what));
                let mut f = Map::new();
                f.insert(
                    "valueString".into(),
                    json!(
                        crate::export::flat::record(e)
                            .into_iter()
                            .filter(|(k, v)| !v.is_null()
                                && !["id", "uid", "at", "kind", "deleted", "note"]
                                    .contains(&k.as_str()))
                            .map(|(k, v)| format!(
                                "{k}={}",
                                v.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| v.to_string())
                            ))
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                );
                b.observation(e, "survey", json!({ "text": text }), f);
            }
        }
    }
    if let Some(e) = b.error {
        return Err(e);
    }
    writeln!(b.w, "\n  ]\n}}")
}

/// UCUM codes used, for tests: every quantity unit of the diary has one.
pub fn ucum_of(q: Quantity) -> &'static str {
    q.canonical().ucum
}
