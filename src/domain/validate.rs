//! Validation of what a patient types, with the bounds of clinical.md F. A value outside the
//! hard bounds is refused (nothing is written); a value in the soft zone is kept with a
//! warning. Bounds are in the canonical unit, so 30 mg/dL of creatinine is checked as
//! 2652 µmol/L. Fields that clinical.md F does not list carry engineering bounds (marked L5).

use chrono::{DateTime, FixedOffset};

use super::drugs::{Drug, Route};
use super::entry::*;
use super::units::{Quantity, UnitDef, UnitError, fmt_num, to_canonical};

mod records;
pub use records::{NOTE_MAX_CHARS, bleeding, clean, event, note, side_effect};

/// A refused input: it names the field, the value and what is accepted.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ValidationError {
    #[error("{field}: '{input}' is not a number")]
    NotANumber { field: &'static str, input: String },
    /// A count that must be whole and not negative (a bleed's number of spots, a duration).
    #[error("{field}: '{input}' is not a whole number of 0 or more")]
    NotWhole { field: &'static str, input: String },
    #[error("{field}: {value} {unit} is outside the accepted range {min}–{max} {unit}")]
    OutOfRange {
        field: &'static str,
        value: String,
        unit: &'static str,
        min: String,
        max: String,
    },
    #[error("{field}: {err}")]
    Unit { field: &'static str, err: UnitError },
    #[error("{field}: '{input}' is not accepted (accepted: {accepted})")]
    NotAccepted {
        field: &'static str,
        input: String,
        accepted: String,
    },
    #[error("{field}: a value is required")]
    Missing { field: &'static str },
    #[error("blood pressure: systolic {systolic} must be higher than diastolic {diastolic}")]
    BpOrder { systolic: u16, diastolic: u16 },
    #[error("{field}: {reason}")]
    Other { field: &'static str, reason: String },
    #[error("{field}: {problem:?}")]
    Text {
        field: &'static str,
        problem: TextProblem,
    },
}

/// A character free text may not hold: a control character other than newline and tab, or a
/// text-direction override or isolate (what reaches a terminal later must not act on it).
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
        // The direction marks (LRM, RLM, ALM) reorder what follows them too.
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
        // Invisible characters that can hide text in a name: zero-width space, word joiner,
        // a byte-order mark inside text, interlinear annotations, tag characters.
        || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
        || ('\u{E0000}'..='\u{E007F}').contains(&c)
}

/// Why free text `v` is refused, if it is: more than `max` characters, an unsafe character
/// ([`is_unsafe_char`]), or (unless `multi_line`) a line break or tab.
pub fn text_problem(v: &str, max: usize, multi_line: bool) -> Option<TextProblem> {
    let chars = v.chars().count();
    if chars > max {
        return Some(TextProblem::TooLong { chars, max });
    }
    if let Some((i, ch)) = v.chars().enumerate().find(|(_, c)| is_unsafe_char(*c)) {
        return Some(TextProblem::Unsafe { ch, at: i + 1 });
    }
    // The line and paragraph separators break a line as much as a newline does.
    let breaks = ['\n', '\t', '\u{2028}', '\u{2029}'];
    (!multi_line && v.contains(breaks)).then_some(TextProblem::LineBreak)
}

/// Why free text is refused (typed or imported).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextProblem {
    /// Longer than the most accepted.
    TooLong { chars: usize, max: usize },
    /// A control or text-direction character (`at`: its position, from 1).
    Unsafe { ch: char, at: usize },
    /// A line break or tab in a one-line field.
    LineBreak,
}

/// A saved-but-questionable value.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    pub field: &'static str,
    pub kind: WarningKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum WarningKind {
    /// Below the soft limit (canonical unit).
    Low {
        value: f64,
        limit: f64,
        unit: &'static str,
    },
    /// Above the soft limit.
    High {
        value: f64,
        limit: f64,
        unit: &'static str,
    },
    /// A platelet count ≥ 1000 ×10⁹/L was probably typed per µL (clinical.md 4.4).
    ProbablyPerMicrolitre { value: f64 },
    /// Weight changed by more than 10 % since the last weight (clinical.md F).
    WeightChange { from: f64, to: f64, percent: f64 },
    /// Above a multiple of the lab's upper limit (ALT/AST ≥ 3× ULN, clinical.md F).
    AboveUln { value: f64, uln: f64, times: f64 },
}

/// Validated data plus its warnings.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked<T> {
    pub value: T,
    pub warnings: Vec<Warning>,
}

/// Hard and soft bounds of one field, in its canonical unit.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    pub min: f64,
    pub max: f64,
    pub soft_low: Option<f64>,
    pub soft_high: Option<f64>,
}

const fn b(min: f64, max: f64, soft_low: Option<f64>, soft_high: Option<f64>) -> Bounds {
    Bounds {
        min,
        max,
        soft_low,
        soft_high,
    }
}

/// clinical.md F, platelets ×10⁹/L: reject outside 0–2000; warn < 5 or > 1000.
pub const PLATELET_BOUNDS: Bounds = b(0.0, 2000.0, Some(5.0), Some(1000.0));
/// clinical.md F, weight kg: reject outside 2–350.
pub const WEIGHT_BOUNDS: Bounds = b(2.0, 350.0, None, None);
/// clinical.md F, systolic / diastolic mmHg.
pub const SYSTOLIC_BOUNDS: Bounds = b(50.0, 300.0, None, None);
pub const DIASTOLIC_BOUNDS: Bounds = b(20.0, 200.0, None, None);
/// Pulse (L5).
pub const PULSE_BOUNDS: Bounds = b(20.0, 250.0, None, None);
/// One dose in mg (L5: IVIG 1 g/kg for 150 kg is 150 000 mg).
pub const DOSE_MG_BOUNDS: Bounds = b(0.001, 200_000.0, None, None);
/// One dose in units (L5: rhTPO 300 U/kg for 150 kg is 45 000 U).
pub const DOSE_U_BOUNDS: Bounds = b(1.0, 100_000.0, None, None);
/// Concentration of an oral solution, mg/mL (Neoral solution is 100 mg/mL).
pub const MG_PER_ML_BOUNDS: Bounds = b(0.01, 1000.0, None, None);

impl Analyte {
    /// clinical.md F where listed; otherwise L5 (eGFR, urea, lipids, glucose, C2).
    pub fn bounds(self) -> Bounds {
        match self {
            Analyte::CsaTrough => b(0.0, 3000.0, None, Some(700.0)),
            Analyte::CsaC2 => b(0.0, 5000.0, None, None),
            // 10–2000 µmol/L (0.1–23 mg/dL); "> 2× baseline" is an alert (D), not a bound.
            Analyte::Creatinine => b(10.0, 2000.0, None, None),
            Analyte::Egfr => b(1.0, 200.0, Some(30.0), None),
            // BUN 1–250 mg/dL = 0.357–89.25 mmol/L; urea mmol/L is the same number.
            Analyte::Bun | Analyte::Urea => b(0.357, 89.25, None, None),
            Analyte::Alt | Analyte::Ast => b(1.0, 10_000.0, None, None),
            Analyte::Bilirubin => b(1.0, 800.0, None, None),
            Analyte::Potassium => b(1.5, 9.0, Some(3.0), Some(6.0)),
            Analyte::Magnesium => b(0.1, 3.0, Some(0.5), None),
            Analyte::UricAcid => b(30.0, 1500.0, None, None),
            Analyte::Cholesterol => b(0.5, 30.0, None, None),
            Analyte::Triglycerides => b(0.1, 60.0, None, None),
            Analyte::Haemoglobin => b(20.0, 250.0, Some(80.0), None),
            Analyte::Wbc => b(0.0, 300.0, Some(2.0), Some(30.0)),
            Analyte::Glucose => b(0.5, 50.0, Some(3.0), Some(20.0)),
        }
    }

    /// The field name used in messages.
    pub fn field(self) -> &'static str {
        self.code()
    }
}

/// Parse a number as typed. A comma is refused: `4,5` and `45,000` mean different things in
/// different countries and the diary never guesses.
/// Full-width digits and signs as a Chinese input method types them (４５, １２８／８２, ７．５)
/// read as ASCII (session 7: the entry forms refused "４５" while the plan dialog took
/// "７５，７５"). A full-width comma is left as it is: a decimal comma is refused, not guessed.
pub fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '，' => c,
            '−' => '-',
            c => ascii_of(c),
        })
        .collect()
}

/// A full-width form (U+FF01–U+FF5E: ４, Ａ, ／, ：…) as its ASCII character, and the
/// ideographic space as a space; any other character as it is. The one fold of what a Chinese
/// input method types, under numbers, plan lists and patient names.
pub fn ascii_of(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    }
}

pub fn parse_number(field: &'static str, input: &str) -> Result<f64, ValidationError> {
    let folded = half_width(input);
    let s = folded.trim();
    let bad = || ValidationError::NotANumber {
        field,
        input: s.to_string(),
    };
    if s.contains(',') || s.is_empty() {
        return Err(bad());
    }
    let ok = s
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+');
    if !ok {
        return Err(bad());
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(bad()),
    }
}

fn check(
    field: &'static str,
    value: f64,
    unit: &'static str,
    bounds: Bounds,
    warnings: &mut Vec<Warning>,
) -> Result<(), ValidationError> {
    // A relative tolerance keeps exact boundary conversions (1 mg/dL BUN = 0.357) inside.
    let eps = 1e-9 * bounds.max.abs().max(1.0);
    if !value.is_finite() || value < bounds.min - eps || value > bounds.max + eps {
        return Err(ValidationError::OutOfRange {
            field,
            value: fmt_num(value, 3),
            unit,
            min: fmt_num(bounds.min, 3),
            max: fmt_num(bounds.max, 3),
        });
    }
    if let Some(limit) = bounds.soft_low
        && value < limit
    {
        warnings.push(Warning {
            field,
            kind: WarningKind::Low { value, limit, unit },
        });
    }
    if let Some(limit) = bounds.soft_high
        && value > limit
    {
        warnings.push(Warning {
            field,
            kind: WarningKind::High { value, limit, unit },
        });
    }
    Ok(())
}

fn resolve_unit(
    field: &'static str,
    q: Quantity,
    unit: Option<&str>,
) -> Result<&'static UnitDef, ValidationError> {
    q.unit(unit)
        .map_err(|err| ValidationError::Unit { field, err })
}

fn entered(value: f64, unit: &UnitDef) -> Entered {
    Entered {
        value,
        unit: unit.display.to_string(),
    }
}

/// A platelet count.
pub fn platelets(
    value: f64,
    unit: Option<&str>,
    lab: Option<String>,
) -> Result<Checked<EntryData>, ValidationError> {
    let field = "platelets";
    let u = resolve_unit(field, Quantity::CellCount, unit)?;
    let count = to_canonical(value, u);
    let mut warnings = Vec::new();
    check(
        field,
        count,
        Quantity::CellCount.canonical().display,
        PLATELET_BOUNDS,
        &mut warnings,
    )?;
    if count >= 1000.0 && u.factor == 1.0 {
        // Replace the generic "high" with the specific hint.
        warnings.retain(|w| !matches!(w.kind, WarningKind::High { .. }));
        warnings.push(Warning {
            field,
            kind: WarningKind::ProbablyPerMicrolitre { value: count },
        });
    }
    Ok(Checked {
        value: EntryData::Platelets(Platelets {
            count,
            entered: entered(value, u),
            lab: clean(lab),
        }),
        warnings,
    })
}

/// What a lab result carries besides its value.
#[derive(Clone, Debug, Default)]
pub struct LabExtras {
    pub lab: Option<String>,
    pub method: Option<String>,
    /// The lab's reference range, in the same unit as the value.
    pub ref_low: Option<f64>,
    pub ref_high: Option<f64>,
    pub last_dose_at: Option<DateTime<FixedOffset>>,
}

/// A lab result.
pub fn lab(
    analyte: Analyte,
    value: f64,
    unit: Option<&str>,
    extras: LabExtras,
    drawn_at: DateTime<FixedOffset>,
) -> Result<Checked<EntryData>, ValidationError> {
    let field = analyte.field();
    let q = analyte.quantity();
    let u = resolve_unit(field, q, unit)?;
    let v = to_canonical(value, u);
    let mut warnings = Vec::new();
    check(
        field,
        v,
        q.canonical().display,
        analyte.bounds(),
        &mut warnings,
    )?;
    let reference = RefRange {
        low: extras.ref_low.map(|x| to_canonical(x, u)),
        high: extras.ref_high.map(|x| to_canonical(x, u)),
    };
    for (name, r) in [
        ("reference_low", reference.low),
        ("reference_high", reference.high),
    ] {
        if let Some(r) = r
            && (!r.is_finite() || r < 0.0)
        {
            return Err(ValidationError::OutOfRange {
                field: name,
                value: fmt_num(r, 3),
                unit: q.canonical().display,
                min: "0".into(),
                max: "∞".into(),
            });
        }
    }
    if let (Some(lo), Some(hi)) = (reference.low, reference.high)
        && lo > hi
    {
        return Err(ValidationError::Other {
            field: "reference_range",
            reason: format!("low {} is above high {}", fmt_num(lo, 3), fmt_num(hi, 3)),
        });
    }
    if matches!(analyte, Analyte::Alt | Analyte::Ast)
        && let Some(uln) = reference.high
        && uln > 0.0
        && v >= 3.0 * uln
    {
        warnings.push(Warning {
            field,
            kind: WarningKind::AboveUln {
                value: v,
                uln,
                times: v / uln,
            },
        });
    }
    if let Some(last) = extras.last_dose_at {
        if !analyte.is_drug_level() {
            return Err(ValidationError::Other {
                field: "last_dose",
                reason: "only drug levels (csa_trough, csa_c2) take the time of the last dose"
                    .into(),
            });
        }
        if last > drawn_at {
            return Err(ValidationError::Other {
                field: "last_dose",
                reason: format!(
                    "the last dose ({}) is after the blood draw ({})",
                    last.format("%Y-%m-%d %H:%M"),
                    drawn_at.format("%Y-%m-%d %H:%M")
                ),
            });
        }
    }
    Ok(Checked {
        value: EntryData::Lab(LabResult {
            analyte,
            value: v,
            entered: entered(value, u),
            lab: clean(extras.lab),
            method: clean(extras.method),
            reference,
            last_dose_at: extras.last_dose_at,
        }),
        warnings,
    })
}

/// A body weight; `previous_kg` is the last weight on record, for the > 10 % warning.
pub fn weight(
    value: f64,
    unit: Option<&str>,
    previous_kg: Option<f64>,
) -> Result<Checked<EntryData>, ValidationError> {
    let field = "weight";
    let u = resolve_unit(field, Quantity::Weight, unit)?;
    let kg = to_canonical(value, u);
    let mut warnings = Vec::new();
    check(field, kg, "kg", WEIGHT_BOUNDS, &mut warnings)?;
    if let Some(from) = previous_kg.filter(|p| *p > 0.0) {
        let percent = (kg - from) / from * 100.0;
        if percent.abs() > 10.0 {
            warnings.push(Warning {
                field,
                kind: WarningKind::WeightChange {
                    from,
                    to: kg,
                    percent,
                },
            });
        }
    }
    Ok(Checked {
        value: EntryData::Weight(Weight {
            kg,
            entered: entered(value, u),
        }),
        warnings,
    })
}

fn whole(field: &'static str, input: &str, bounds: Bounds) -> Result<u16, ValidationError> {
    let v = parse_number(field, input)?;
    if v.fract() != 0.0 {
        return Err(ValidationError::NotANumber {
            field,
            input: input.trim().to_string(),
        });
    }
    check(field, v, "mmHg", bounds, &mut Vec::new())?;
    Ok(v as u16)
}

/// Blood pressure typed as `128/82` (systolic/diastolic, mmHg), with an optional pulse.
pub fn blood_pressure(
    text: &str,
    pulse: Option<&str>,
) -> Result<Checked<EntryData>, ValidationError> {
    let text = &half_width(text);
    let (s, d) = text
        .split_once('/')
        .ok_or_else(|| ValidationError::NotAccepted {
            field: "bp",
            input: text.trim().to_string(),
            accepted: "SYSTOLIC/DIASTOLIC in mmHg, e.g. 128/82".into(),
        })?;
    let systolic = whole("systolic", s, SYSTOLIC_BOUNDS)?;
    let diastolic = whole("diastolic", d, DIASTOLIC_BOUNDS)?;
    if systolic <= diastolic {
        return Err(ValidationError::BpOrder {
            systolic,
            diastolic,
        });
    }
    let pulse = match pulse {
        Some(p) => {
            let v = parse_number("pulse", p)?;
            check("pulse", v, "/min", PULSE_BOUNDS, &mut Vec::new())?;
            if v.fract() != 0.0 {
                return Err(ValidationError::NotANumber {
                    field: "pulse",
                    input: p.trim().to_string(),
                });
            }
            Some(v as u16)
        }
        None => None,
    };
    Ok(Checked {
        value: EntryData::BloodPressure(BloodPressure {
            systolic,
            diastolic,
            pulse,
        }),
        warnings: Vec::new(),
    })
}

/// What a dose is made of, as typed.
#[derive(Clone, Debug)]
pub struct DoseInput {
    pub drug: Drug,
    pub amount: Option<f64>,
    pub unit: Option<String>,
    pub mg_per_ml: Option<f64>,
    pub route: Option<Route>,
    pub formulation: Option<String>,
    pub status: DoseStatus,
    pub scheduled_for: Option<DateTime<FixedOffset>>,
}

/// A dose taken, missed or skipped.
pub fn dose(input: DoseInput) -> Result<Checked<EntryData>, ValidationError> {
    let field = "dose";
    let q = input.drug.dose_quantity();
    let amount = match input.amount {
        None if input.status == DoseStatus::Taken => {
            return Err(ValidationError::Missing { field });
        }
        None => None,
        Some(value) => {
            let u = resolve_unit(field, q, input.unit.as_deref())?;
            let (canonical, mg_per_ml) = if u.display == "mL" {
                let conc = input.mg_per_ml.ok_or_else(|| ValidationError::Other {
                    field: "mg_per_ml",
                    reason: "a dose in mL needs the solution's strength in mg/mL (e.g. 100 for Neoral oral solution)".into(),
                })?;
                check(
                    "mg_per_ml",
                    conc,
                    "mg/mL",
                    MG_PER_ML_BOUNDS,
                    &mut Vec::new(),
                )?;
                (super::units::round_sig(value * conc, 9), Some(conc))
            } else {
                if input.mg_per_ml.is_some() {
                    return Err(ValidationError::Other {
                        field: "mg_per_ml",
                        reason: "a strength in mg/mL only applies to a dose given in mL".into(),
                    });
                }
                (to_canonical(value, u), None)
            };
            let (bounds, unit) = match q {
                Quantity::DoseUnits => (DOSE_U_BOUNDS, "U"),
                _ => (DOSE_MG_BOUNDS, "mg"),
            };
            check(field, canonical, unit, bounds, &mut Vec::new())?;
            Some(Amount {
                value: canonical,
                unit: unit.to_string(),
                entered: entered(value, u),
                mg_per_ml,
            })
        }
    };
    Ok(Checked {
        value: EntryData::Dose(Dose {
            drug: input.drug,
            amount,
            route: input.route.unwrap_or(input.drug.default_route()),
            formulation: clean(input.formulation),
            status: input.status,
            scheduled_for: input.scheduled_for,
        }),
        warnings: Vec::new(),
    })
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
