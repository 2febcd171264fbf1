//! Diary entries: the eight kinds a patient logs, each with its time, note and the value both
//! as entered and in the canonical unit.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::codes::code_enum;
use super::drugs::{Drug, Route};
use super::units::Quantity;

code_enum!(
    /// The kind of an entry, as stored in the `entries.kind` column.
    Kind, "kind", {
    Platelets => "platelets", ["plt", "platelet", "血小板"],
    Dose => "dose", ["doses", "剂量", "服药"],
    Lab => "lab", ["labs", "化验"],
    Weight => "weight", ["wt", "体重"],
    BloodPressure => "bp", ["blood_pressure", "blood pressure", "血压"],
    Bleeding => "bleeding", ["bleed", "出血"],
    SideEffect => "side_effect", ["side effect", "side_effects", "副作用"],
    Event => "event", ["events", "事件"],
});

code_enum!(
    /// Lab analytes (issue 2; clinical.md 3.3, 7.1).
    Analyte, "analyte", {
    CsaTrough => "csa_trough", ["c0", "trough", "csa", "csa_c0", "cyclosporine_trough", "谷浓度"],
    CsaC2 => "csa_c2", ["c2", "csa_2h", "cyclosporine_c2"],
    Creatinine => "creatinine", ["cr", "crea", "scr", "肌酐"],
    Egfr => "egfr", ["gfr", "肾小球滤过率"],
    Bun => "bun", ["urea_nitrogen", "尿素氮"],
    Urea => "urea", ["尿素"],
    Alt => "alt", ["sgpt", "gpt", "谷丙转氨酶", "丙氨酸氨基转移酶"],
    Ast => "ast", ["sgot", "got", "谷草转氨酶", "天门冬氨酸氨基转移酶"],
    Bilirubin => "bilirubin", ["tbil", "total_bilirubin", "bili", "总胆红素"],
    Potassium => "potassium", ["k", "血钾"],
    Magnesium => "magnesium", ["mg", "血镁"],
    UricAcid => "uric_acid", ["ua", "urate", "尿酸"],
    Cholesterol => "cholesterol", ["tc", "total_cholesterol", "chol", "总胆固醇"],
    Triglycerides => "triglycerides", ["tg", "trig", "甘油三酯"],
    Haemoglobin => "haemoglobin", ["hb", "hgb", "hemoglobin", "血红蛋白"],
    Wbc => "wbc", ["white_cells", "leukocytes", "白细胞"],
    Glucose => "glucose", ["glu", "blood_sugar", "血糖"],
});

impl Analyte {
    pub fn quantity(self) -> Quantity {
        match self {
            Analyte::CsaTrough | Analyte::CsaC2 => Quantity::CsaLevel,
            Analyte::Creatinine => Quantity::Creatinine,
            Analyte::Egfr => Quantity::Egfr,
            Analyte::Bun => Quantity::Bun,
            Analyte::Urea => Quantity::Urea,
            Analyte::Alt | Analyte::Ast => Quantity::Enzyme,
            Analyte::Bilirubin => Quantity::Bilirubin,
            Analyte::Potassium => Quantity::Potassium,
            Analyte::Magnesium => Quantity::Magnesium,
            Analyte::UricAcid => Quantity::UricAcid,
            Analyte::Cholesterol => Quantity::Cholesterol,
            Analyte::Triglycerides => Quantity::Triglycerides,
            Analyte::Haemoglobin => Quantity::Haemoglobin,
            Analyte::Wbc => Quantity::CellCount,
            Analyte::Glucose => Quantity::Glucose,
        }
    }

    /// Drug levels carry the time of the previous dose.
    pub fn is_drug_level(self) -> bool {
        matches!(self, Analyte::CsaTrough | Analyte::CsaC2)
    }
}

code_enum!(
    /// Bleeding sites (issue 2; clinical.md 5, ITP-BAT domains).
    BleedingSite, "site", {
    Petechiae => "petechiae", ["skin", "spots", "出血点", "瘀点"],
    Bruises => "bruises", ["bruise", "bruising", "ecchymoses", "瘀斑"],
    Gums => "gums", ["gum", "mouth", "oral", "gums_mouth", "牙龈", "牙龈出血"],
    Nose => "nose", ["nosebleed", "epistaxis", "鼻出血", "鼻子"],
    Eyes => "eyes", ["eye", "conjunctival", "结膜出血", "眼"],
    Menstrual => "menstrual", ["period", "menorrhagia", "月经", "月经量过多"],
    Urine => "urine", ["haematuria", "hematuria", "血尿"],
    Stool => "stool", ["gi", "stool_gi", "melaena", "melena", "便血", "黑便"],
    Other => "other", ["其他"],
});

code_enum!(
    /// Side effects of CsA a patient notices (issue 2; clinical.md ASH-EDU list).
    SideEffectKind, "effect", {
    Tremor => "tremor", ["shaking", "手抖", "震颤"],
    GumSwelling => "gum_swelling", ["gum_hyperplasia", "牙龈增生"],
    HairGrowth => "hair_growth", ["hirsutism", "hair", "多毛"],
    Swelling => "swelling", ["oedema", "edema", "水肿"],
    Nausea => "nausea", ["恶心"],
    Headache => "headache", ["头痛"],
    Numbness => "numbness", ["tingling", "paraesthesia", "手脚麻木", "麻木"],
    Other => "other", ["其他"],
});

code_enum!(
    /// Events worth a marker on the timeline (issue 2).
    EventKind, "event", {
    Ivig => "ivig", ["丙种球蛋白", "丙球"],
    /// Anti-D immunoglobulin (a rescue treatment like IVIG: clinical.md 4.2).
    AntiD => "anti_d", ["anti-d", "antid", "win_rho", "抗d", "抗d免疫球蛋白", "抗-d免疫球蛋白"],
    SteroidPulse => "steroid_pulse", ["steroids", "pulse", "激素冲击"],
    Transfusion => "transfusion", ["platelet_transfusion", "输血", "输注血小板"],
    Infection => "infection", ["fever", "感染"],
    Vaccination => "vaccination", ["vaccine", "疫苗", "接种"],
    MedicationStart => "medication_start", ["new_medication", "new_med", "med_start", "start_medication", "新药"],
    MedicationStop => "medication_stop", ["stopped_medication", "med_stop", "stop_medication", "停药"],
    Grapefruit => "grapefruit", ["西柚", "葡萄柚"],
    Procedure => "procedure", ["surgery", "dental", "手术"],
    ClinicVisit => "clinic_visit", ["visit", "clinic", "门诊", "复诊", "门诊复诊"],
    Other => "other", ["其他"],
});

code_enum!(
    /// Where an entry came from.
    Source, "source", {
    Typed => "typed", [],
    Import => "import", [],
    Demo => "demo", [],
});

// The enum comes from a macro that cannot mark a default variant.
#[allow(clippy::derivable_impls)]
impl Default for Source {
    fn default() -> Self {
        Source::Typed
    }
}

code_enum!(
    /// What happened to a dose.
    DoseStatus, "status", {
    Taken => "taken", ["已服"],
    Missed => "missed", ["漏服"],
    Skipped => "skipped", ["跳过"],
});

/// A value as the patient typed it: the number and the unit (in the diary's spelling).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entered {
    pub value: f64,
    pub unit: String,
}

/// A lab's own reference range, in the canonical unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RefRange {
    pub low: Option<f64>,
    pub high: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Platelets {
    /// ×10⁹/L.
    pub count: f64,
    pub entered: Entered,
    pub lab: Option<String>,
}

/// How much of a drug: canonical mg (or U for rhTPO).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    pub value: f64,
    /// `mg` or `U`.
    pub unit: String,
    pub entered: Entered,
    /// For doses entered in mL of a solution.
    pub mg_per_ml: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dose {
    pub drug: Drug,
    /// Absent for a missed or skipped dose logged without an amount.
    pub amount: Option<Amount>,
    pub route: Route,
    pub formulation: Option<String>,
    pub status: DoseStatus,
    /// The scheduled time this dose answers, when there is one.
    pub scheduled_for: Option<DateTime<FixedOffset>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabResult {
    pub analyte: Analyte,
    /// In the analyte's canonical unit.
    pub value: f64,
    pub entered: Entered,
    pub lab: Option<String>,
    /// Assay method (immunoassay, LC-MS/MS …), clinical.md 2.2.
    pub method: Option<String>,
    pub reference: RefRange,
    /// For drug levels: when the previous dose was taken.
    pub last_dose_at: Option<DateTime<FixedOffset>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Weight {
    pub kg: f64,
    pub entered: Entered,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BloodPressure {
    pub systolic: u16,
    pub diastolic: u16,
    pub pulse: Option<u16>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bleeding {
    pub site: BleedingSite,
    /// How many (spots, bruises, episodes).
    pub count: Option<u32>,
    /// How large, in cm (largest bruise).
    pub size_cm: Option<f64>,
    /// How long, in minutes.
    pub minutes: Option<u32>,
    /// Whether it needed medical care (IWG: bleeding downgrades a response).
    pub care_needed: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SideEffect {
    pub effect: SideEffectKind,
    /// 1 mild, 2 moderate, 3 severe.
    pub severity: Option<u8>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub event: EventKind,
    /// The medication, for medication start/stop (checked against the interaction list).
    pub medication: Option<String>,
}

/// What an entry records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryData {
    Platelets(Platelets),
    Dose(Dose),
    Lab(LabResult),
    Weight(Weight),
    #[serde(rename = "bp")]
    BloodPressure(BloodPressure),
    Bleeding(Bleeding),
    SideEffect(SideEffect),
    Event(Event),
}

impl EntryData {
    pub fn kind(&self) -> Kind {
        match self {
            EntryData::Platelets(_) => Kind::Platelets,
            EntryData::Dose(_) => Kind::Dose,
            EntryData::Lab(_) => Kind::Lab,
            EntryData::Weight(_) => Kind::Weight,
            EntryData::BloodPressure(_) => Kind::BloodPressure,
            EntryData::Bleeding(_) => Kind::Bleeding,
            EntryData::SideEffect(_) => Kind::SideEffect,
            EntryData::Event(_) => Kind::Event,
        }
    }

    /// The code of what was measured or happened: analyte, drug, site, effect or event.
    pub fn subject(&self) -> Option<&'static str> {
        match self {
            EntryData::Platelets(_) | EntryData::Weight(_) | EntryData::BloodPressure(_) => None,
            EntryData::Dose(d) => Some(d.drug.code()),
            EntryData::Lab(l) => Some(l.analyte.code()),
            EntryData::Bleeding(b) => Some(b.site.code()),
            EntryData::SideEffect(s) => Some(s.effect.code()),
            EntryData::Event(e) => Some(e.event.code()),
        }
    }

    /// The main value in its canonical unit, with the unit's spelling.
    pub fn value(&self) -> Option<(f64, &str)> {
        match self {
            EntryData::Platelets(p) => Some((p.count, Quantity::CellCount.canonical().display)),
            EntryData::Dose(d) => d.amount.as_ref().map(|a| (a.value, a.unit.as_str())),
            EntryData::Lab(l) => Some((l.value, l.analyte.quantity().canonical().display)),
            EntryData::Weight(w) => Some((w.kg, "kg")),
            EntryData::BloodPressure(b) => Some((f64::from(b.systolic), "mmHg")),
            EntryData::Bleeding(b) => b.minutes.map(|m| (f64::from(m), "min")),
            EntryData::SideEffect(_) | EntryData::Event(_) => None,
        }
    }

    /// The value as typed.
    pub fn entered(&self) -> Option<&Entered> {
        match self {
            EntryData::Platelets(p) => Some(&p.entered),
            EntryData::Dose(d) => d.amount.as_ref().map(|a| &a.entered),
            EntryData::Lab(l) => Some(&l.entered),
            EntryData::Weight(w) => Some(&w.entered),
            _ => None,
        }
    }
}

/// A stored entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    /// Stable across copies of the diary: imports merge on it.
    pub uid: String,
    /// Local wall-clock time with its UTC offset.
    pub at: DateTime<FixedOffset>,
    pub note: Option<String>,
    #[serde(flatten)]
    pub data: EntryData,
    pub deleted: bool,
    /// Typed, imported or demo.
    #[serde(default)]
    pub source: Source,
    /// The row's version as read (the store refuses a write stated against an older one).
    #[serde(skip)]
    pub revision: i64,
}

/// An entry about to be stored (validated).
#[derive(Clone, Debug, PartialEq)]
pub struct NewEntry {
    pub at: DateTime<FixedOffset>,
    pub note: Option<String>,
    pub data: EntryData,
}
