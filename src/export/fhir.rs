//! A FHIR R4 Bundle (type `collection`, JSON): the Patient (no identifying data unless the
//! profile has it), the ITP Condition (ICD-10 D69.3, SNOMED CT 2897005), Observations with
//! LOINC codes and UCUM units (clinical.md 7.1), drug levels with their timing, and (in
//! `fhir_med`) a MedicationStatement per regimen step, Medication resources for brands,
//! MedicationAdministrations for doses and the resources a clinic reads for events.

use std::collections::HashSet;
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

pub(crate) fn ts(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

pub(crate) fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({ "system": system, "code": code, "display": display })
}

pub(crate) fn quantity(value: f64, unit: &str, ucum: &str) -> Value {
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

pub fn medication(d: crate::domain::drugs::Drug, label: &str) -> Value {
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

/// A stable UUID derived from a name (two 64-bit FNV-1a hashes; version nibble 8, RFC 9562
/// "custom"): the same regimen step or medication gets the same id in every export.
pub fn derived_uuid(name: &str) -> String {
    let fnv = |seed: u64| {
        name.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let (a, b) = (fnv(0xcbf2_9ce4_8422_2325), fnv(0x6c62_272e_07bb_0142));
    let hex = format!("{a:016x}{b:016x}");
    let mut h: Vec<char> = hex.chars().collect();
    h[12] = '8';
    h[16] = ['8', '9', 'a', 'b'][usize::from(h[16].to_digit(16).unwrap_or(0) as u8 & 3)];
    uuid(&h.into_iter().collect::<String>())
}

/// What the bundle is written from (besides the entries, which are streamed).
pub struct Context<'a> {
    /// A stable id of this diary's patient.
    pub patient_uid: &'a str,
    pub profile: &'a Profile,
    pub regimens: &'a [Regimen],
    pub now: DateTime<FixedOffset>,
    pub labels: &'a dyn Fn(&str) -> String,
    /// A drug level is a trough when drawn this many hours after the previous dose
    /// (clinical.md B: 10–14 h).
    pub trough_hours: (f64, f64),
    /// Medications reported stopped (name as typed, when): a started medication with a later
    /// stop is `completed`, not `active`.
    pub stops: &'a [(String, DateTime<FixedOffset>)],
}

/// Writes the bundle's entries one at a time, each serialised straight to the writer (a
/// 20-year diary never sits in memory whole).
pub struct Bundle<'w, 'a, W: Write> {
    w: &'w mut W,
    first: bool,
    patient: String,
    pub(crate) ctx: &'a Context<'a>,
    /// Medication resources already written (one per drug and formulation).
    medications: HashSet<String>,
    /// The entry being written was deleted.
    in_error: bool,
}

impl<'w, 'a, W: Write> Bundle<'w, 'a, W> {
    /// Write the opening, the Patient, the Condition and the regimens.
    pub fn start(w: &'w mut W, ctx: &'a Context<'a>) -> io::Result<Self> {
        write!(
            w,
            "{{\n  \"resourceType\": \"Bundle\",\n  \"type\": \"collection\",\n  \"timestamp\": \"{}\",\n  \"entry\": [",
            ts(&ctx.now)
        )?;
        let mut b = Bundle {
            w,
            first: true,
            patient: uuid(ctx.patient_uid),
            ctx,
            medications: HashSet::new(),
            in_error: false,
        };
        b.patient_and_condition()?;
        for r in ctx.regimens {
            super::fhir_med::regimen(&mut b, r)?;
        }
        Ok(b)
    }

    /// Write one entry. `amended`: the entry was edited. A deleted entry (only in a full
    /// export: callers leave them out otherwise) is written `entered-in-error`.
    pub fn entry(&mut self, e: &Entry, amended: bool) -> io::Result<()> {
        self.in_error = e.deleted;
        let r = self.entry_resource(e, amended);
        self.in_error = false;
        r
    }

    fn entry_resource(&mut self, e: &Entry, amended: bool) -> io::Result<()> {
        match &e.data {
            EntryData::Platelets(pl) => {
                let mut f = Map::new();
                f.insert(
                    "valueQuantity".into(),
                    quantity(pl.count, "10*9/L", "10*9/L"),
                );
                if let Some(lab) = &pl.lab {
                    f.insert("performer".into(), performer(lab));
                }
                let code = json!({ "coding": [coding(LOINC, "777-3", "Platelets [#/volume] in Blood by Automated count")], "text": "Platelets" });
                self.observation(e, amended, "laboratory", code, f)
            }
            EntryData::Lab(l) => self.lab(e, l, amended),
            EntryData::Weight(wt) => {
                let mut f = Map::new();
                f.insert("valueQuantity".into(), quantity(wt.kg, "kg", "kg"));
                let code = json!({ "coding": [coding(LOINC, "29463-7", "Body weight")], "text": "Body weight" });
                self.observation(e, amended, "vital-signs", code, f)
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
                let code = json!({ "coding": [coding(LOINC, "85354-9", "Blood pressure panel with all children optional")], "text": "Blood pressure" });
                self.observation(e, amended, "vital-signs", code, f)
            }
            EntryData::Dose(d) => super::fhir_med::dose(self, e, d),
            EntryData::Event(ev) => super::fhir_med::event(self, e, ev, amended),
            EntryData::Bleeding(_) | EntryData::SideEffect(_) => self.reported(e, amended),
        }
    }

    /// Close the bundle.
    pub fn finish(self) -> io::Result<()> {
        writeln!(self.w, "\n  ]\n}}")
    }

    pub(crate) fn add(&mut self, id: &str, mut resource: Map<String, Value>) -> io::Result<()> {
        resource.insert("id".into(), json!(id));
        if self.in_error
            && resource.contains_key("status")
            && resource.get("resourceType") != Some(&json!("Medication"))
        {
            resource.insert("status".into(), json!("entered-in-error"));
        }
        let sep = if self.first { "\n    " } else { ",\n    " };
        self.first = false;
        self.w.write_all(sep.as_bytes())?;
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct BundleEntry<'r> {
            full_url: String,
            resource: &'r Map<String, Value>,
        }
        let entry = BundleEntry {
            full_url: format!("urn:uuid:{id}"),
            resource: &resource,
        };
        serde_json::to_writer(&mut *self.w, &entry).map_err(|e| match e.io_error_kind() {
            // A closed pipe stays a closed pipe (the command ends quietly).
            Some(kind) => io::Error::new(kind, e),
            None => io::Error::other(e),
        })
    }

    pub(crate) fn subject(&self) -> Value {
        json!({ "reference": format!("urn:uuid:{}", self.patient) })
    }

    /// A Medication resource for a drug and formulation (brand), written once; its reference.
    pub(crate) fn medication_ref(
        &mut self,
        drug: crate::domain::drugs::Drug,
        formulation: &str,
    ) -> io::Result<Value> {
        let id = derived_uuid(&format!(
            "medication:{}:{}",
            drug.code(),
            formulation.trim().to_lowercase()
        ));
        if self.medications.insert(id.clone()) {
            let label = (self.ctx.labels)(drug.code());
            let m = super::fhir_med::medication_resource(drug, &label, formulation);
            self.add(&id, m)?;
        }
        Ok(json!({ "reference": format!("urn:uuid:{id}"), "display": formulation }))
    }

    fn patient_and_condition(&mut self) -> io::Result<()> {
        let profile = self.ctx.profile;
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
        let pid = self.patient.clone();
        self.add(&pid, p)?;
        let mut c = Map::new();
        c.insert("resourceType".into(), json!("Condition"));
        c.insert("clinicalStatus".into(), json!({ "coding": [coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active")] }));
        c.insert("verificationStatus".into(), json!({ "coding": [coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed")] }));
        c.insert(
            "code".into(),
            json!({ "coding": [coding(ICD10, "D69.3", "Immune thrombocytopenic purpura"), coding(SNOMED, "2897005", "Immune thrombocytopenia (disorder)")], "text": "Immune thrombocytopenia (ITP)" }),
        );
        c.insert("subject".into(), self.subject());
        if let Some(d) = profile.diagnosed_on {
            c.insert(
                "onsetDateTime".into(),
                json!(d.format("%Y-%m-%d").to_string()),
            );
        }
        self.add(&condition_id(&pid), c)
    }

    pub(crate) fn observation(
        &mut self,
        e: &Entry,
        amended: bool,
        category: &str,
        code: Value,
        fields: Map<String, Value>,
    ) -> io::Result<()> {
        let mut o = Map::new();
        o.insert("resourceType".into(), json!("Observation"));
        o.insert(
            "status".into(),
            json!(if amended { "amended" } else { "final" }),
        );
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
        let mut notes: Vec<Value> = Vec::new();
        if let Some(Value::Array(extra)) = fields.get("note") {
            notes.extend(extra.iter().cloned());
        }
        if let Some(n) = &e.note {
            notes.push(json!({ "text": n }));
        }
        o.extend(fields);
        o.remove("note");
        if !notes.is_empty() {
            o.insert("note".into(), json!(notes));
        }
        self.add(&uuid(&e.uid), o)
    }

    fn lab(&mut self, e: &Entry, l: &LabResult, amended: bool) -> io::Result<()> {
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
        if let Some(lab) = &l.lab {
            f.insert("performer".into(), performer(lab));
        }
        let (code, display) = if l.analyte.is_drug_level() {
            let ctx = level_context(e, l, self.ctx.trough_hours);
            if let Some(c) = ctx.component {
                f.insert("component".into(), json!([c]));
            }
            f.insert("note".into(), json!([{ "text": ctx.note }]));
            if ctx.as_labelled {
                (code, display)
            } else {
                (CSA_GENERIC.0, CSA_GENERIC.1)
            }
        } else {
            (code, display)
        };
        let text = (self.ctx.labels)(l.analyte.code());
        let code = json!({ "coding": [coding(LOINC, code, display)], "text": text });
        self.observation(e, amended, "laboratory", code, f)
    }

    /// Bleeding, side effects and other events: patient-reported, without a standard code.
    pub(crate) fn reported(&mut self, e: &Entry, amended: bool) -> io::Result<()> {
        let what = e.data.subject().unwrap_or_default();
        let text = format!("{}: {}", e.data.kind().code(), (self.ctx.labels)(what));
        let mut f = Map::new();
        f.insert(
            "valueString".into(),
            json!(
                crate::export::flat::record(e)
                    .into_iter()
                    .filter(|(k, v)| !v.is_null()
                        && !["id", "uid", "at", "kind", "deleted", "note"].contains(&k.as_str()))
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
        self.observation(e, amended, "survey", json!({ "text": text }), f)
    }
}

/// The Condition's id, derived from the patient's (stable as long as the patient's is).
pub fn condition_id(patient: &str) -> String {
    let hex: String = patient.replace('-', "");
    uuid(&format!("{}c0de", &hex[..hex.len().min(28)]))
}

fn performer(lab: &str) -> Value {
    json!([{ "type": "Organization", "display": lab }])
}

/// LOINC for a ciclosporin level of unspecified timing (clinical.md 7.1).
pub const CSA_GENERIC: (&str, &str) = ("3520-4", "cycloSPORINE [Mass/volume] in Blood");

/// How a drug level was drawn: whether its labelled timing (trough / C2) holds, the hours
/// since the previous dose as a component, and a note a clinician reads.
struct LevelContext {
    as_labelled: bool,
    component: Option<Value>,
    note: String,
}

fn level_context(e: &Entry, l: &LabResult, trough: (f64, f64)) -> LevelContext {
    let hours = l
        .last_dose_at
        .map(|d| (e.at - d).num_minutes() as f64 / 60.0);
    let (what, lo, hi) = match l.analyte {
        Analyte::CsaC2 => ("a C2 (2 h post-dose) level", 1.75, 2.25),
        _ => ("a trough", trough.0, trough.1),
    };
    let Some(h) = hours else {
        return LevelContext {
            as_labelled: false,
            component: None,
            note: format!(
                "Time of the previous dose not recorded: not known whether this is {what}."
            ),
        };
    };
    let ok = (lo..=hi).contains(&h);
    let component = json!({
        "code": { "text": "Hours since the previous dose" },
        "valueQuantity": quantity((h * 10.0).round() / 10.0, "h", "h"),
    });
    let dose = l.last_dose_at.map(|d| ts(&d)).unwrap_or_default();
    let note = if ok {
        format!("Drawn {h:.1} h after the previous dose ({dose}): {what}.")
    } else {
        format!(
            "Drawn {h:.1} h after the previous dose ({dose}): not {what} ({lo}–{hi} h); coded as a level of unspecified timing."
        )
    };
    LevelContext {
        as_labelled: ok,
        component: Some(component),
        note,
    }
}

/// Write a whole bundle from entries in memory (tests, small exports).
pub fn write(w: &mut impl Write, ctx: &Context, entries: &[Entry]) -> io::Result<()> {
    let mut b = Bundle::start(w, ctx)?;
    for e in entries {
        b.entry(e, false)?;
    }
    b.finish()
}

/// UCUM codes used, for tests: every quantity unit of the diary has one.
pub fn ucum_of(q: Quantity) -> &'static str {
    q.canonical().ucum
}
