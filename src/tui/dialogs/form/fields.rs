//! The fields of each kind's form: codes, labels, choices and defaults.

use super::*;

pub(super) fn opts<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: impl Fn(T) -> String,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), label(*v)))
        .collect()
}

/// The units a form offers for `q`. A quantity labs report in more than one unit with no
/// default (creatinine, BUN, magnesium …) starts on "—": saved so, the form asks for the unit,
/// as the command line does (session 7: the form saved BUN 15 as mmol/L with one Enter).
pub(super) fn units(q: Quantity) -> Vec<(String, String)> {
    let ask = q
        .default_unit()
        .is_none()
        .then(|| (String::new(), "—".to_string()));
    ask.into_iter()
        .chain(
            q.units()
                .iter()
                .filter(|u| u.factor.is_finite() || u.display == "mL")
                .map(|u| (u.display.to_string(), u.display.to_string())),
        )
        .collect()
}

pub(super) fn fields_for(kind: Kind, i: &I18n, d: &Defaults) -> Vec<Field> {
    let at = Field::text("at", "");
    let note = Field::text("note", "");
    let mut v = match kind {
        Kind::Platelets => vec![
            Field::text("value", ""),
            Field::choice("unit", units(Quantity::CellCount), "×10⁹/L"),
            Field::text("lab", ""),
        ],
        Kind::Dose => {
            let drug = d.drug.unwrap_or(Drug::Cyclosporine);
            let unit = if drug.dose_quantity() == Quantity::DoseUnits {
                "U"
            } else {
                "mg"
            };
            let mut u = units(Quantity::DoseMass);
            u.extend(units(Quantity::DoseUnits));
            vec![
                Field::choice(
                    "drug",
                    opts(Drug::ALL, Drug::code, |x| i.t(&x.label_key()).to_string()),
                    drug.code(),
                ),
                Field::text(
                    "value",
                    d.amount.map(|a| format!("{a}")).unwrap_or_default(),
                ),
                Field::choice("unit", u, unit),
                Field::text("mg_per_ml", ""),
                Field::choice(
                    "status",
                    opts(DoseStatus::ALL, DoseStatus::code, |x| {
                        i.t(&x.label_key()).to_string()
                    }),
                    "taken",
                ),
                Field::text("formulation", d.formulation.clone().unwrap_or_default()),
            ]
        }
        Kind::Lab => vec![
            Field::choice(
                "analyte",
                opts(Analyte::ALL, Analyte::code, |x| i.field(x.code())),
                "creatinine",
            ),
            Field::text("value", ""),
            Field::choice("unit", units(Quantity::Creatinine), ""),
            Field::text("reference_range", ""),
            Field::text("last_dose", ""),
            Field::text("lab", ""),
        ],
        Kind::Weight => vec![
            Field::text("value", ""),
            Field::choice("unit", units(Quantity::Weight), "kg"),
        ],
        Kind::BloodPressure => vec![Field::text("value", ""), Field::text("pulse", "")],
        Kind::Bleeding => vec![
            Field::choice(
                "site",
                opts(BleedingSite::ALL, BleedingSite::code, |x| {
                    i.t(&x.label_key()).to_string()
                }),
                "petechiae",
            ),
            Field::text("count", ""),
            Field::text("size_cm", ""),
            Field::text("minutes", ""),
            Field::choice(
                "care",
                vec![
                    ("no".into(), i.t("form.no").into()),
                    ("yes".into(), i.t("form.yes").into()),
                ],
                "no",
            ),
        ],
        Kind::SideEffect => vec![
            Field::choice(
                "effect",
                opts(SideEffectKind::ALL, SideEffectKind::code, |x| {
                    i.t(&x.label_key()).to_string()
                }),
                "tremor",
            ),
            Field::choice(
                "severity",
                ["", "1", "2", "3"]
                    .iter()
                    .map(|s| {
                        (
                            s.to_string(),
                            if s.is_empty() {
                                "—".to_string()
                            } else {
                                s.to_string()
                            },
                        )
                    })
                    .collect(),
                "",
            ),
        ],
        Kind::Event => vec![
            Field::choice(
                "event",
                opts(EventKind::ALL, EventKind::code, |x| {
                    i.t(&x.label_key()).to_string()
                }),
                "ivig",
            ),
            Field::text("medication", ""),
        ],
    };
    v.push(at);
    v.push(note);
    v
}
