//! A FHIR R4 Bundle (type `collection`, JSON): the Patient (no identifying data unless the
//! profile has it), the ITP Condition (ICD-10 D69.3, SNOMED CT 2897005), Observations with
//! LOINC codes and UCUM units (clinical.md 7.1), drug levels with their timing, and (in
//! `fhir_med`) a MedicationStatement per regimen step, Medication resources for brands,
//! MedicationAdministrations for doses and the resources a clinic reads for events.

use std::collections::{HashMap, HashSet};
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

/// A 32-hex uid as a UUID.
pub fn uuid(uid: &str) -> String {
    // The stored form (32 hex digits) directly; anything else through the general path.
    if uid.len() == 32 && uid.bytes().all(|b| b.is_ascii_hexdigit()) {
        let mut s = String::with_capacity(36);
        for (k, part) in [(0, 8), (8, 12), (12, 16), (16, 20), (20, 32)]
            .iter()
            .enumerate()
        {
            if k > 0 {
                s.push('-');
            }
            s.push_str(&uid[part.0..part.1]);
        }
        return s;
    }
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
    /// For each CsA trough level that names no previous dose (by entry id), the last dose
    /// logged as taken before its draw: the level is timed from it, as in every other view.
    pub logged_doses: &'a HashMap<i64, DateTime<FixedOffset>>,
    /// Medications reported stopped (name as typed, when): a started medication with a later
    /// stop is `completed`, not `active`.
    pub stops: &'a [(String, DateTime<FixedOffset>)],
}

/// Writes the bundle's entries one at a time, each serialised straight to the writer (a
/// 20-year diary never sits in memory whole).
pub struct Bundle<'w, 'a, W: Write> {
    pub(crate) w: &'w mut W,
    pub(crate) first: bool,
    patient: String,
    /// `urn:uuid:<patient>`: every resource's subject.
    pub(crate) subject_ref: String,
    pub(crate) ctx: &'a Context<'a>,
    /// Medication resources already written (one per drug and formulation).
    medications: HashSet<String>,
    /// The Medication id of each drug and formulation as spelled (ids are derived once).
    medication_ids: HashMap<crate::domain::drugs::Drug, HashMap<String, String>>,
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
        let patient = uuid(ctx.patient_uid);
        let mut b = Bundle {
            w,
            first: true,
            subject_ref: format!("urn:uuid:{patient}"),
            patient,
            ctx,
            medications: HashSet::new(),
            medication_ids: HashMap::new(),
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
            EntryData::Platelets(pl) => self.platelets(e, pl.count, pl.lab.as_deref(), amended),
            EntryData::Lab(l) => self.lab(e, l, amended),
            EntryData::Weight(wt) => self.weight(e, wt.kg, amended),
            EntryData::BloodPressure(bp) => self.blood_pressure(e, bp, amended),
            EntryData::Dose(d) => super::fhir_med::dose(self, e, d),
            EntryData::Event(ev) => super::fhir_med::event(self, e, ev, amended),
            EntryData::Bleeding(_) | EntryData::SideEffect(_) => self.reported(e, amended),
        }
    }

    /// A resource's status: `entered-in-error` while a deleted entry is written.
    pub(crate) fn status<'s>(&self, status: &'s str) -> &'s str {
        if self.in_error {
            "entered-in-error"
        } else {
            status
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
        super::fhir_typed::emit(&mut self.w, &mut self.first, id, &resource)
    }

    pub(crate) fn subject(&self) -> Value {
        json!({ "reference": self.subject_ref })
    }

    /// A Medication resource for a drug and formulation (brand), written once; its reference.
    pub(crate) fn medication_ref(
        &mut self,
        drug: crate::domain::drugs::Drug,
        formulation: &str,
    ) -> io::Result<Value> {
        let id = self.medication_id(drug, formulation)?;
        Ok(json!({ "reference": format!("urn:uuid:{id}"), "display": formulation }))
    }

    /// The id of the Medication resource for a drug and formulation, written the first time.
    pub(crate) fn medication_id(
        &mut self,
        drug: crate::domain::drugs::Drug,
        formulation: &str,
    ) -> io::Result<String> {
        if let Some(id) = self
            .medication_ids
            .get(&drug)
            .and_then(|m| m.get(formulation))
        {
            return Ok(id.clone());
        }
        let id = derived_uuid(&format!(
            "medication:{}:{}",
            drug.code(),
            formulation.trim().to_lowercase()
        ));
        if !self.medications.contains(&id) {
            self.medications.insert(id.clone());
            let label = (self.ctx.labels)(drug.code());
            let m = super::fhir_med::medication_resource(drug, &label, formulation);
            self.add(&id, m)?;
        }
        self.medication_ids
            .entry(drug)
            .or_default()
            .insert(formulation.to_string(), id.clone());
        Ok(id)
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
}

/// The Condition's id, derived from the patient's (stable as long as the patient's is).
pub fn condition_id(patient: &str) -> String {
    let hex: String = patient.replace('-', "");
    uuid(&format!("{}c0de", &hex[..hex.len().min(28)]))
}

/// LOINC for a ciclosporin level of unspecified timing (clinical.md 7.1).
pub const CSA_GENERIC: (&str, &str) = ("3520-4", "cycloSPORINE [Mass/volume] in Blood");

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
