//! Units patients meet on real lab sheets, and exact conversion to one canonical unit per
//! quantity. Conversion factors and their sources: clinical.md 2.5 (CsA), 3.3 (labs), 4.1
//! (platelets). The canonical unit is the SI unit printed on Chinese lab sheets
//! (glossary-zh.md), so the numbers a patient reads match what the diary shows.
//!
//! Unit spelling is forgiving (`10^9/L`, `x10^9/L`, `×10⁹/L`, `umol/L`, `µmol/L`, `μmol/L`, case
//! and spaces ignored), but a spelling is never guessed: anything not in a quantity's table is an
//! error listing the accepted units.

use std::fmt;

/// A measurable quantity with its own table of units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantity {
    /// Platelets and white cells: cells per volume.
    CellCount,
    /// Cyclosporine blood level.
    CsaLevel,
    Creatinine,
    Egfr,
    /// Blood urea nitrogen (BUN) and urea share mmol/L; their mg/dL differ.
    Bun,
    Urea,
    /// ALT, AST.
    Enzyme,
    Bilirubin,
    Potassium,
    Magnesium,
    UricAcid,
    Cholesterol,
    Triglycerides,
    Glucose,
    Haemoglobin,
    Weight,
    Pressure,
    /// Dose amounts of drugs dosed by mass (canonical mg).
    DoseMass,
    /// Dose amounts of drugs dosed in units (rhTPO; canonical U).
    DoseUnits,
}

/// One accepted unit of a quantity.
#[derive(Debug, PartialEq)]
pub struct UnitDef {
    /// How the diary writes this unit.
    pub display: &'static str,
    /// UCUM code (for FHIR exports).
    pub ucum: &'static str,
    /// Multiply a value in this unit by `factor` to get the canonical unit.
    pub factor: f64,
    /// Accepted spellings, already normalised by [`normalize_unit`].
    pub aliases: &'static [&'static str],
}

macro_rules! unit {
    ($display:expr, $ucum:expr, $factor:expr, [$($alias:expr),* $(,)?]) => {
        UnitDef { display: $display, ucum: $ucum, factor: $factor, aliases: &[$($alias),*] }
    };
}

// Platelets/WBC: ×10⁹/L = ×10³/µL = K/µL (identical); /µL ÷ 1000; 万/µL (10⁴/µL) × 10;
// lakh/µL (10⁵/µL, Indian reports) × 100 (clinical.md 4.1).
const CELL_UNITS: &[UnitDef] = &[
    unit!("×10⁹/L", "10*9/L", 1.0, ["109/l", "10e9/l", "giga/l"]),
    unit!(
        "×10³/µL",
        "10*3/uL",
        1.0,
        [
            "103/ul",
            "10e3/ul",
            "k/ul",
            "thousand/ul",
            "103/mm3",
            "k/mm3"
        ]
    ),
    unit!(
        "/µL",
        "/uL",
        0.001,
        ["/ul", "cells/ul", "/mm3", "cells/mm3", "per ul", "perul"]
    ),
    unit!(
        "万/µL",
        "10*4/uL",
        10.0,
        ["万/ul", "104/ul", "10e4/ul", "万/mm3"]
    ),
    unit!(
        "lakh/µL",
        "10*5/uL",
        100.0,
        [
            "lakh/ul",
            "lakhs/ul",
            "lakh/mm3",
            "lakhs/mm3",
            "lakh/cumm",
            "lakhs/cumm",
            "105/ul"
        ]
    ),
];

// CsA: ng/mL ≡ µg/L; nmol/L × 1.2026 (molar mass 1202.61 g/mol, clinical.md 2.5).
const CSA_UNITS: &[UnitDef] = &[
    unit!("ng/mL", "ng/mL", 1.0, ["ng/ml"]),
    unit!("µg/L", "ug/L", 1.0, ["ug/l", "mcg/l"]),
    unit!("nmol/L", "nmol/L", 1.2026, ["nmol/l"]),
];

// Creatinine: mg/dL × 88.4 = µmol/L (clinical.md 3.3).
const CREATININE_UNITS: &[UnitDef] = &[
    unit!("µmol/L", "umol/L", 1.0, ["umol/l", "mcmol/l"]),
    unit!("mg/dL", "mg/dL", 88.4, ["mg/dl", "mg%"]),
];

const EGFR_UNITS: &[UnitDef] = &[unit!(
    "mL/min/1.73m²",
    "mL/min/{1.73_m2}",
    1.0,
    ["ml/min/1.73m2", "ml/min/1.73m²", "ml/min", "ml/min/1.73"]
)];

// BUN: mg/dL × 0.357 = mmol/L (clinical.md 3.3).
const BUN_UNITS: &[UnitDef] = &[
    unit!("mmol/L", "mmol/L", 1.0, ["mmol/l"]),
    unit!("mg/dL", "mg/dL", 0.357, ["mg/dl"]),
];

// Urea: mmol/L as BUN; urea mg/dL = BUN mg/dL × 2.14, so urea mg/dL × 0.357 / 2.14 = mmol/L
// (molar mass of urea 60.06 g/mol: 10 / 60.06 = 0.1665).
const UREA_UNITS: &[UnitDef] = &[
    unit!("mmol/L", "mmol/L", 1.0, ["mmol/l"]),
    unit!("mg/dL", "mg/dL", 10.0 / 60.06, ["mg/dl"]),
];

const ENZYME_UNITS: &[UnitDef] = &[unit!("U/L", "U/L", 1.0, ["u/l", "iu/l", "ui/l"])];

// Total bilirubin: mg/dL × 17.1 = µmol/L (clinical.md 3.3).
const BILIRUBIN_UNITS: &[UnitDef] = &[
    unit!("µmol/L", "umol/L", 1.0, ["umol/l", "mcmol/l"]),
    unit!("mg/dL", "mg/dL", 17.1, ["mg/dl"]),
];

// Potassium: mmol/L = mEq/L.
const POTASSIUM_UNITS: &[UnitDef] = &[
    unit!("mmol/L", "mmol/L", 1.0, ["mmol/l"]),
    unit!("mEq/L", "meq/L", 1.0, ["meq/l"]),
];

// Magnesium: mg/dL × 0.411; mEq/L × 0.5 (clinical.md 3.3).
const MAGNESIUM_UNITS: &[UnitDef] = &[
    unit!("mmol/L", "mmol/L", 1.0, ["mmol/l"]),
    unit!("mg/dL", "mg/dL", 0.411, ["mg/dl"]),
    unit!("mEq/L", "meq/L", 0.5, ["meq/l"]),
];

// Uric acid: mg/dL × 59.48 = µmol/L (clinical.md 3.3).
const URIC_ACID_UNITS: &[UnitDef] = &[
    unit!("µmol/L", "umol/L", 1.0, ["umol/l", "mcmol/l"]),
    unit!("mg/dL", "mg/dL", 59.48, ["mg/dl"]),
];

// Total cholesterol: mg/dL × 0.02586 = mmol/L (clinical.md 3.3).
const CHOLESTEROL_UNITS: &[UnitDef] = &[
    unit!("mmol/L", "mmol/L", 1.0, ["mmol/l"]),
    unit!("mg/dL", "mg/dL", 0.02586, ["mg/dl"]),
];

// Triglycerides: mg/dL × 0.01129 = mmol/L (clinical.md 3.3).
const TRIGLYCERIDE_UNITS: &[UnitDef] = &[
    unit!("mmol/L", "mmol/L", 1.0, ["mmol/l"]),
    unit!("mg/dL", "mg/dL", 0.01129, ["mg/dl"]),
];

// Glucose: mg/dL ÷ 18.016 = mmol/L (molar mass 180.16 g/mol).
const GLUCOSE_UNITS: &[UnitDef] = &[
    unit!("mmol/L", "mmol/L", 1.0, ["mmol/l"]),
    unit!("mg/dL", "mg/dL", 1.0 / 18.016, ["mg/dl"]),
];

// Haemoglobin: g/dL × 10 = g/L (clinical.md 3.3).
const HAEMOGLOBIN_UNITS: &[UnitDef] = &[
    unit!("g/L", "g/L", 1.0, ["g/l"]),
    unit!("g/dL", "g/dL", 10.0, ["g/dl", "g%"]),
];

// Weight: the pound is defined as exactly 0.45359237 kg.
const WEIGHT_UNITS: &[UnitDef] = &[
    unit!("kg", "kg", 1.0, ["kg", "kgs", "公斤", "千克"]),
    unit!(
        "lb",
        "[lb_av]",
        0.453_592_37,
        ["lb", "lbs", "pound", "pounds"]
    ),
    unit!("斤", "{jin}", 0.5, ["斤"]),
];

const PRESSURE_UNITS: &[UnitDef] = &[unit!("mmHg", "mm[Hg]", 1.0, ["mmhg"])];

const DOSE_MASS_UNITS: &[UnitDef] = &[
    unit!("mg", "mg", 1.0, ["mg"]),
    unit!("µg", "ug", 0.001, ["ug", "mcg"]),
    unit!("g", "g", 1000.0, ["g"]),
    // mL of a solution: the factor is the concentration, supplied separately.
    unit!("mL", "mL", f64::NAN, ["ml"]),
];

const DOSE_UNITS_UNITS: &[UnitDef] = &[unit!(
    "U",
    "[iU]",
    1.0,
    ["u", "iu", "units", "unit", "单位"]
)];

impl Quantity {
    /// The accepted units; the first is canonical.
    pub fn units(self) -> &'static [UnitDef] {
        match self {
            Quantity::CellCount => CELL_UNITS,
            Quantity::CsaLevel => CSA_UNITS,
            Quantity::Creatinine => CREATININE_UNITS,
            Quantity::Egfr => EGFR_UNITS,
            Quantity::Bun => BUN_UNITS,
            Quantity::Urea => UREA_UNITS,
            Quantity::Enzyme => ENZYME_UNITS,
            Quantity::Bilirubin => BILIRUBIN_UNITS,
            Quantity::Potassium => POTASSIUM_UNITS,
            Quantity::Magnesium => MAGNESIUM_UNITS,
            Quantity::UricAcid => URIC_ACID_UNITS,
            Quantity::Cholesterol => CHOLESTEROL_UNITS,
            Quantity::Triglycerides => TRIGLYCERIDE_UNITS,
            Quantity::Glucose => GLUCOSE_UNITS,
            Quantity::Haemoglobin => HAEMOGLOBIN_UNITS,
            Quantity::Weight => WEIGHT_UNITS,
            Quantity::Pressure => PRESSURE_UNITS,
            Quantity::DoseMass => DOSE_MASS_UNITS,
            Quantity::DoseUnits => DOSE_UNITS_UNITS,
        }
    }

    pub fn canonical(self) -> &'static UnitDef {
        &self.units()[0]
    }

    /// The unit assumed when none is given. `None` where lab sheets commonly use two unit
    /// systems with overlapping plausible values (creatinine, BUN, bilirubin …): there the unit
    /// must be given, because the diary never guesses.
    pub fn default_unit(self) -> Option<&'static UnitDef> {
        match self {
            Quantity::CellCount
            | Quantity::CsaLevel
            | Quantity::Egfr
            | Quantity::Enzyme
            | Quantity::Potassium
            | Quantity::Haemoglobin
            | Quantity::Weight
            | Quantity::Pressure
            | Quantity::DoseMass
            | Quantity::DoseUnits => Some(self.canonical()),
            Quantity::Creatinine
            | Quantity::Bun
            | Quantity::Urea
            | Quantity::Bilirubin
            | Quantity::Magnesium
            | Quantity::UricAcid
            | Quantity::Cholesterol
            | Quantity::Triglycerides
            | Quantity::Glucose => None,
        }
    }

    /// Resolve a typed unit (or the default when `None`).
    pub fn unit(self, input: Option<&str>) -> Result<&'static UnitDef, UnitError> {
        let Some(raw) = input.map(str::trim).filter(|s| !s.is_empty()) else {
            return self.default_unit().ok_or(UnitError::Required {
                accepted: self.accepted(),
            });
        };
        let norm = normalize_unit(raw);
        self.units()
            .iter()
            .find(|u| normalize_unit(u.display) == norm || u.aliases.contains(&norm.as_str()))
            .ok_or_else(|| UnitError::Unknown {
                unit: raw.to_string(),
                accepted: self.accepted(),
            })
    }

    /// Find a unit by its display spelling (as stored).
    pub fn by_display(self, display: &str) -> Option<&'static UnitDef> {
        self.units().iter().find(|u| u.display == display)
    }

    /// The accepted units as the diary writes them, e.g. `µmol/L, mg/dL`.
    pub fn accepted(self) -> String {
        self.units()
            .iter()
            .map(|u| u.display)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Why a unit was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum UnitError {
    Unknown { unit: String, accepted: String },
    Required { accepted: String },
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitError::Unknown { unit, accepted } => {
                write!(f, "unknown unit '{unit}' (accepted: {accepted})")
            }
            UnitError::Required { accepted } => {
                write!(f, "a unit is required (accepted: {accepted})")
            }
        }
    }
}

/// Canonicalise a unit spelling: case, spaces, micro signs, multiplication signs, carets,
/// superscripts. `x10^9/L`, `×10⁹/L`, `10*9/L` and `10^9/l` all become `109/l`.
pub fn normalize_unit(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.trim().chars() {
        match c {
            ' ' | '\t' | '^' | '*' | '·' => {}
            'µ' | 'μ' => out.push('u'),
            '×' => out.push('x'),
            '⁰' => out.push('0'),
            '¹' => out.push('1'),
            '²' => out.push('2'),
            '³' => out.push('3'),
            '⁴' => out.push('4'),
            '⁵' => out.push('5'),
            '⁶' => out.push('6'),
            '⁷' => out.push('7'),
            '⁸' => out.push('8'),
            '⁹' => out.push('9'),
            '／' => out.push('/'),
            'Ｌ' | 'ｌ' => out.push('l'),
            c => out.extend(c.to_lowercase()),
        }
    }
    // A leading multiplication sign is decoration: "x10^9/L" ≡ "10^9/L".
    if let Some(rest) = out.strip_prefix('x')
        && rest.starts_with("10")
    {
        out = rest.to_string();
    }
    out
}

/// Convert a value in `unit` to the canonical unit, rounding away binary noise (to 9
/// significant digits) so that 100 nmol/L is stored as 120.26, not 120.25999999999999.
pub fn to_canonical(value: f64, unit: &UnitDef) -> f64 {
    round_sig(value * unit.factor, 9)
}

/// Round to `digits` significant digits.
pub fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits - 1 - magnitude);
    (x * scale).round() / scale
}

/// Format a number for people: no trailing zeros, at most `max_decimals` decimals.
/// `x` with up to `decimals` decimals, or as many more (up to 4) as it takes for the number
/// shown to stand on the same side of every line in `lines` as `x` does: 5.99 beside a line
/// at 6 reads "5.99", not "6" (outside review, session 6: "Potassium 6 mmol/L is above 5"
/// for 5.99, "drawn 10 h after the dose, outside 10–14 h" for 9.98 h).
pub fn fmt_beside(x: f64, lines: &[f64], decimals: usize) -> String {
    for d in decimals..=4 {
        let s = fmt_num(x, d);
        let shown: f64 = s.parse().unwrap_or(x);
        if lines
            .iter()
            .all(|l| shown.partial_cmp(l) == x.partial_cmp(l))
        {
            return s;
        }
    }
    fmt_num(x, 4)
}

/// A share in percent, never rounded onto 0 or 100 unless it is (99.96 % of the days at or
/// above 30 is not "100 %" beside a count below 30).
pub fn fmt_pct(x: f64) -> String {
    fmt_beside(x, &[0.0, 100.0], 0)
}

pub fn fmt_num(x: f64, max_decimals: usize) -> String {
    let s = format!("{x:.max_decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_beside_its_line_never_reads_as_crossing_it() {
        let cases: &[(f64, &[f64], usize, &str)] = &[
            (5.99, &[5.0, 6.0], 1, "5.99"),
            (6.0, &[5.0, 6.0], 1, "6"),
            (6.04, &[6.0], 1, "6.04"),
            (5.96, &[6.0], 1, "5.96"),
            (0.699, &[0.7], 2, "0.699"),
            (0.7, &[0.7], 2, "0.7"),
            (9.983, &[10.0, 14.0], 1, "9.98"),
            (14.0167, &[10.0, 14.0], 1, "14.02"),
            (49.99, &[25.0, 50.0], 0, "49.99"),
            (50.0, &[25.0, 50.0], 0, "50"),
            (10.2, &[10.0], 0, "10.2"),
            (120.0, &[110.0], 1, "120"),
            (110.00001, &[110.0], 1, "110"),
        ];
        for (x, lines, d, want) in cases {
            assert_eq!(fmt_beside(*x, lines, *d), *want, "{x} beside {lines:?}");
        }
    }

    /// Every accepted spelling, per quantity: (quantity, typed unit, value, canonical value).
    #[test]
    fn conversions_table() {
        let cases: &[(Quantity, &str, f64, f64)] = &[
            (Quantity::CellCount, "10^9/L", 45.0, 45.0),
            (Quantity::CellCount, "x10^9/L", 45.0, 45.0),
            (Quantity::CellCount, "×10⁹/L", 45.0, 45.0),
            (Quantity::CellCount, "X10^9/l", 45.0, 45.0),
            (Quantity::CellCount, "10*9/L", 45.0, 45.0),
            (Quantity::CellCount, "10E9/L", 45.0, 45.0),
            (Quantity::CellCount, "x10^3/uL", 45.0, 45.0),
            (Quantity::CellCount, "10³/µL", 45.0, 45.0),
            (Quantity::CellCount, "K/uL", 45.0, 45.0),
            (Quantity::CellCount, "K/µL", 45.0, 45.0),
            (Quantity::CellCount, "10^3/mm3", 45.0, 45.0),
            (Quantity::CellCount, "/uL", 45000.0, 45.0),
            (Quantity::CellCount, "/µL", 45000.0, 45.0),
            (Quantity::CellCount, "cells/μL", 45000.0, 45.0),
            (Quantity::CellCount, "/mm³", 45000.0, 45.0),
            (Quantity::CellCount, "万/µL", 4.5, 45.0),
            (Quantity::CellCount, "万/uL", 14.5, 145.0),
            (Quantity::CellCount, "10^4/uL", 4.5, 45.0),
            (Quantity::CellCount, "lakhs/cumm", 1.5, 150.0),
            (Quantity::CsaLevel, "ng/mL", 180.0, 180.0),
            (Quantity::CsaLevel, "ng/ml", 180.0, 180.0),
            (Quantity::CsaLevel, "ug/L", 180.0, 180.0),
            (Quantity::CsaLevel, "µg/L", 180.0, 180.0),
            (Quantity::CsaLevel, "mcg/L", 180.0, 180.0),
            (Quantity::CsaLevel, "nmol/L", 100.0, 120.26),
            (Quantity::CsaLevel, "nmol/l", 166.0, 199.6316),
            (Quantity::Creatinine, "umol/L", 88.0, 88.0),
            (Quantity::Creatinine, "µmol/L", 88.0, 88.0),
            (Quantity::Creatinine, "μmol/L", 88.0, 88.0),
            (Quantity::Creatinine, "mg/dL", 1.0, 88.4),
            (Quantity::Creatinine, "mg/dl", 1.2, 106.08),
            (Quantity::Egfr, "mL/min/1.73m2", 90.0, 90.0),
            (Quantity::Egfr, "ml/min/1.73m²", 90.0, 90.0),
            (Quantity::Bun, "mmol/L", 5.0, 5.0),
            (Quantity::Bun, "mg/dL", 14.0, 4.998),
            (Quantity::Urea, "mmol/L", 5.0, 5.0),
            (Quantity::Urea, "mg/dL", 60.06, 10.0),
            (Quantity::Enzyme, "U/L", 40.0, 40.0),
            (Quantity::Enzyme, "IU/L", 40.0, 40.0),
            (Quantity::Bilirubin, "umol/L", 17.1, 17.1),
            (Quantity::Bilirubin, "mg/dL", 1.0, 17.1),
            (Quantity::Potassium, "mmol/L", 4.2, 4.2),
            (Quantity::Potassium, "mEq/L", 4.2, 4.2),
            (Quantity::Magnesium, "mmol/L", 0.8, 0.8),
            (Quantity::Magnesium, "mg/dL", 2.0, 0.822),
            (Quantity::Magnesium, "mEq/L", 1.6, 0.8),
            (Quantity::UricAcid, "umol/L", 300.0, 300.0),
            (Quantity::UricAcid, "mg/dL", 5.0, 297.4),
            (Quantity::Cholesterol, "mmol/L", 5.0, 5.0),
            (Quantity::Cholesterol, "mg/dL", 200.0, 5.172),
            (Quantity::Triglycerides, "mmol/L", 1.5, 1.5),
            (Quantity::Triglycerides, "mg/dL", 150.0, 1.6935),
            (Quantity::Glucose, "mmol/L", 5.5, 5.5),
            (Quantity::Glucose, "mg/dL", 90.08, 5.0),
            (Quantity::Haemoglobin, "g/L", 135.0, 135.0),
            (Quantity::Haemoglobin, "g/dL", 13.5, 135.0),
            (Quantity::Weight, "kg", 62.5, 62.5),
            (Quantity::Weight, "KG", 62.5, 62.5),
            (Quantity::Weight, "lb", 100.0, 45.359237),
            (Quantity::Weight, "lbs", 100.0, 45.359237),
            (Quantity::Weight, "斤", 120.0, 60.0),
            (Quantity::Weight, "公斤", 60.0, 60.0),
            (Quantity::Pressure, "mmHg", 120.0, 120.0),
            (Quantity::DoseMass, "mg", 150.0, 150.0),
            (Quantity::DoseMass, "µg", 500.0, 0.5),
            (Quantity::DoseMass, "mcg", 500.0, 0.5),
            (Quantity::DoseMass, "g", 1.5, 1500.0),
            (Quantity::DoseUnits, "U", 15000.0, 15000.0),
            (Quantity::DoseUnits, "IU", 15000.0, 15000.0),
        ];
        for &(q, unit, value, expected) in cases {
            let u = q
                .unit(Some(unit))
                .unwrap_or_else(|e| panic!("{q:?} {unit}: {e}"));
            let got = to_canonical(value, u);
            assert!(
                (got - expected).abs() < 1e-9 * expected.abs().max(1.0),
                "{q:?}: {value} {unit} -> {got}, expected {expected}"
            );
        }
    }

    #[test]
    fn canonical_value_has_no_float_noise() {
        let u = Quantity::CsaLevel.unit(Some("nmol/L")).unwrap();
        assert_eq!(to_canonical(100.0, u), 120.26);
        let u = Quantity::Creatinine.unit(Some("mg/dL")).unwrap();
        assert_eq!(to_canonical(1.1, u), 97.24);
    }

    #[test]
    fn unknown_and_missing_units_list_the_accepted_ones() {
        let err = Quantity::Creatinine.unit(Some("mmol/L")).unwrap_err();
        assert_eq!(
            err,
            UnitError::Unknown {
                unit: "mmol/L".into(),
                accepted: "µmol/L, mg/dL".into()
            }
        );
        // Creatinine has two unit systems in common use: no default.
        assert_eq!(
            Quantity::Creatinine.unit(None).unwrap_err(),
            UnitError::Required {
                accepted: "µmol/L, mg/dL".into()
            }
        );
        // Ambiguous or foreign spellings are never guessed.
        for bad in ["g/l", "10^6/L", "mg", "/L", "umol", ""] {
            if bad.is_empty() {
                continue;
            }
            assert!(
                Quantity::CellCount.unit(Some(bad)).is_err(),
                "{bad} accepted for platelets"
            );
        }
        assert!(Quantity::CsaLevel.unit(Some("ng/dL")).is_err());
        assert!(Quantity::Weight.unit(Some("st")).is_err());
    }

    #[test]
    fn defaults() {
        assert_eq!(Quantity::CellCount.unit(None).unwrap().display, "×10⁹/L");
        assert_eq!(
            Quantity::CsaLevel.unit(Some("  ")).unwrap().display,
            "ng/mL"
        );
        assert_eq!(Quantity::Weight.unit(None).unwrap().display, "kg");
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize_unit("x10^9/L"), "109/l");
        assert_eq!(normalize_unit("×10⁹/L"), "109/l");
        assert_eq!(normalize_unit(" µmol / L "), "umol/l");
        assert_eq!(normalize_unit("μmol/L"), "umol/l");
    }

    #[test]
    fn formatting() {
        assert_eq!(fmt_num(45.0, 1), "45");
        assert_eq!(fmt_num(4.25, 2), "4.25");
        assert_eq!(fmt_num(120.26, 1), "120.3");
        assert_eq!(round_sig(0.1 + 0.2, 9), 0.3);
    }
}
