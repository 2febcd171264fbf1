//! `itp-diary log …`: one subcommand per entry kind, all through the domain's validation.

use std::io::Write;

use clap::{Args, Subcommand};

use super::{CliError, CliResult, Ctx, io_error};
use crate::domain::drugs::{Drug, Route};
use crate::domain::entry::*;
use crate::domain::validate::{self, Checked, DoseInput, LabExtras, parse_number};
use crate::domain::when::parse_when;

#[derive(Debug, Args)]
pub struct Common {
    /// When: 2026-03-01 08:00, 2026-03-01, 08:00 (today), "today 08:00", "yesterday 20:00",
    /// RFC 3339 (default: now).
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
    /// A free-text note.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// A platelet count (default unit ×10⁹/L; also 10^3/uL, K/uL, /uL, 万/uL).
    #[command(allow_negative_numbers = true)]
    Platelets {
        /// The count as printed on the lab sheet.
        value: String,
        /// Unit as printed (e.g. 10^9/L, /uL, 万/uL).
        #[arg(long)]
        unit: Option<String>,
        /// The laboratory.
        #[arg(long, value_name = "NAME")]
        lab: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// A dose taken (or --missed / --skipped).
    #[command(allow_negative_numbers = true)]
    Dose {
        /// Drug: cyclosporine (csa, ciclosporin, 环孢素), prednisone, eltrombopag …
        drug: String,
        /// Amount (default unit mg; µg, g, mL with --mg-per-ml, U for rhTPO).
        amount: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        /// Strength of an oral solution, for doses in mL (Neoral solution: 100).
        #[arg(long, value_name = "MG")]
        mg_per_ml: Option<String>,
        /// oral, iv or sc (default: the drug's usual route).
        #[arg(long)]
        route: Option<String>,
        /// Formulation or brand (e.g. Neoral, Sandimmun, 新山地明).
        #[arg(long, value_name = "NAME")]
        formulation: Option<String>,
        /// The dose was missed.
        #[arg(long, conflicts_with = "skipped")]
        missed: bool,
        /// The dose was skipped on purpose (e.g. on advice).
        #[arg(long)]
        skipped: bool,
        /// The scheduled time this dose answers.
        #[arg(long, value_name = "WHEN")]
        scheduled: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// A lab result: csa-trough, csa-c2, creatinine, egfr, bun, urea, alt, ast, bilirubin,
    /// potassium, magnesium, uric-acid, cholesterol, triglycerides, haemoglobin, wbc, glucose.
    #[command(allow_negative_numbers = true)]
    Lab {
        /// The test.
        analyte: String,
        /// The value as printed.
        value: String,
        /// Unit as printed (required where labs differ, e.g. creatinine umol/L or mg/dL).
        #[arg(long)]
        unit: Option<String>,
        /// The laboratory.
        #[arg(long, value_name = "NAME")]
        lab: Option<String>,
        /// Assay method (e.g. immunoassay, LC-MS/MS).
        #[arg(long)]
        method: Option<String>,
        /// The lab's reference range in the same unit, e.g. 41-111.
        #[arg(long = "ref", value_name = "LOW-HIGH")]
        reference: Option<String>,
        /// For drug levels: when the previous dose was taken.
        #[arg(long, value_name = "WHEN")]
        last_dose: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Body weight (default kg; also lb, 斤).
    #[command(allow_negative_numbers = true)]
    Weight {
        value: String,
        #[arg(long)]
        unit: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Blood pressure as SYSTOLIC/DIASTOLIC in mmHg, e.g. 128/82.
    #[command(allow_negative_numbers = true)]
    Bp {
        value: String,
        /// Pulse, beats per minute.
        #[arg(long)]
        pulse: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Bleeding: petechiae, bruises, gums, nose, eyes, menstrual, urine, stool, other.
    Bleeding {
        #[arg(long)]
        site: String,
        /// How many (spots, bruises, episodes).
        #[arg(long)]
        count: Option<u32>,
        /// How large, cm (largest bruise).
        #[arg(long, value_name = "CM")]
        size_cm: Option<String>,
        /// How long, minutes.
        #[arg(long)]
        minutes: Option<u32>,
        /// It needed medical care.
        #[arg(long)]
        care: bool,
        #[command(flatten)]
        common: Common,
    },
    /// A side effect: tremor, gum-swelling, hair-growth, swelling, nausea, headache, numbness, other.
    SideEffect {
        effect: String,
        /// 1 mild, 2 moderate, 3 severe.
        #[arg(long)]
        severity: Option<u8>,
        #[command(flatten)]
        common: Common,
    },
    /// An event: ivig, steroid-pulse, transfusion, infection, vaccination, medication-start,
    /// medication-stop, grapefruit, procedure, clinic-visit, other.
    Event {
        event: String,
        /// The medication (for medication-start / medication-stop).
        #[arg(long, value_name = "NAME")]
        medication: Option<String>,
        #[command(flatten)]
        common: Common,
    },
}

/// Parse a vocabulary code or refuse with the accepted list.
pub fn code<T>(
    ctx: &Ctx,
    field: &str,
    input: &str,
    parse: fn(&str) -> Option<T>,
    accepted: fn() -> String,
) -> CliResult<T> {
    parse(input).ok_or_else(|| {
        CliError::Invalid(ctx.i18n.tf(
            "error.unknown_code",
            &[
                ("field", &ctx.i18n.field(field)),
                ("input", input),
                ("accepted", &accepted()),
            ],
        ))
    })
}

fn number(ctx: &Ctx, field: &'static str, s: &str) -> CliResult<f64> {
    parse_number(field, s).map_err(|e| ctx.invalid(&e))
}

/// Parse `LOW-HIGH` (either side may be empty: `-5.0`, `3.5-`).
pub fn reference(ctx: &Ctx, s: &str) -> CliResult<(Option<f64>, Option<f64>)> {
    let (lo, hi) = s.split_once('-').ok_or_else(|| {
        CliError::Invalid(ctx.i18n.tf(
            "error.not_accepted",
            &[
                ("field", &ctx.i18n.field("reference_range")),
                ("input", s),
                ("accepted", "LOW-HIGH, e.g. 41-111"),
            ],
        ))
    })?;
    let side = |x: &str, f: &'static str| -> CliResult<Option<f64>> {
        if x.trim().is_empty() {
            Ok(None)
        } else {
            number(ctx, f, x).map(Some)
        }
    };
    Ok((side(lo, "reference_low")?, side(hi, "reference_high")?))
}

/// Build the validated entry data of a `log` command (no I/O except reading the last weight).
pub fn build(
    ctx: &Ctx,
    cmd: &LogCommand,
    previous_weight: impl FnOnce() -> Option<f64>,
) -> CliResult<(
    Checked<EntryData>,
    Option<String>,
    chrono::DateTime<chrono::FixedOffset>,
)> {
    let common = match cmd {
        LogCommand::Platelets { common, .. }
        | LogCommand::Dose { common, .. }
        | LogCommand::Lab { common, .. }
        | LogCommand::Weight { common, .. }
        | LogCommand::Bp { common, .. }
        | LogCommand::Bleeding { common, .. }
        | LogCommand::SideEffect { common, .. }
        | LogCommand::Event { common, .. } => common,
    };
    let at = match &common.at {
        Some(s) => parse_when(s, &ctx.clock).map_err(|e| ctx.when("at", &e))?,
        None => ctx.clock.now(),
    };
    let note = validate::note(common.note.clone()).map_err(|e| ctx.invalid(&e))?;
    let v =
        |r: Result<Checked<EntryData>, validate::ValidationError>| r.map_err(|e| ctx.invalid(&e));
    let checked = match cmd {
        LogCommand::Platelets {
            value, unit, lab, ..
        } => v(validate::platelets(
            number(ctx, "platelets", value)?,
            unit.as_deref(),
            lab.clone(),
        ))?,
        LogCommand::Dose {
            drug,
            amount,
            unit,
            mg_per_ml,
            route,
            formulation,
            missed,
            skipped,
            scheduled,
            ..
        } => {
            let drug = Drug::parse(drug).ok_or_else(|| {
                CliError::Invalid(ctx.i18n.tf(
                    "error.unknown_drug",
                    &[("input", drug), ("accepted", &Drug::accepted())],
                ))
            })?;
            let route = route
                .as_deref()
                .map(|r| code(ctx, "route", r, Route::parse, Route::accepted))
                .transpose()?;
            let status = if *missed {
                DoseStatus::Missed
            } else if *skipped {
                DoseStatus::Skipped
            } else {
                DoseStatus::Taken
            };
            let scheduled_for = scheduled
                .as_deref()
                .map(|s| {
                    crate::domain::when::parse_any(s, &ctx.clock)
                        .map_err(|e| ctx.when("scheduled", &e))
                })
                .transpose()?;
            v(validate::dose(DoseInput {
                drug,
                amount: amount
                    .as_deref()
                    .map(|a| number(ctx, "dose", a))
                    .transpose()?,
                unit: unit.clone(),
                mg_per_ml: mg_per_ml
                    .as_deref()
                    .map(|m| number(ctx, "mg_per_ml", m))
                    .transpose()?,
                route,
                formulation: formulation.clone(),
                status,
                scheduled_for,
            }))?
        }
        LogCommand::Lab {
            analyte,
            value,
            unit,
            lab,
            method,
            reference: refr,
            last_dose,
            ..
        } => {
            let a = Analyte::parse(analyte).ok_or_else(|| {
                CliError::Invalid(ctx.i18n.tf(
                    "error.unknown_analyte",
                    &[
                        ("input", analyte),
                        ("accepted", &Analyte::accepted().replace('_', "-")),
                    ],
                ))
            })?;
            let (ref_low, ref_high) = match refr {
                Some(r) => reference(ctx, r)?,
                None => (None, None),
            };
            let last_dose_at = last_dose
                .as_deref()
                .map(|s| parse_when(s, &ctx.clock).map_err(|e| ctx.when("last_dose", &e)))
                .transpose()?;
            v(validate::lab(
                a,
                number(ctx, a.field(), value)?,
                unit.as_deref(),
                LabExtras {
                    lab: lab.clone(),
                    method: method.clone(),
                    ref_low,
                    ref_high,
                    last_dose_at,
                },
                at,
            ))?
        }
        LogCommand::Weight { value, unit, .. } => v(validate::weight(
            number(ctx, "weight", value)?,
            unit.as_deref(),
            previous_weight(),
        ))?,
        LogCommand::Bp { value, pulse, .. } => {
            v(validate::blood_pressure(value, pulse.as_deref()))?
        }
        LogCommand::Bleeding {
            site,
            count,
            size_cm,
            minutes,
            care,
            ..
        } => {
            let site = code(
                ctx,
                "site",
                site,
                BleedingSite::parse,
                BleedingSite::accepted,
            )?;
            let size = size_cm
                .as_deref()
                .map(|s| number(ctx, "size_cm", s))
                .transpose()?;
            v(validate::bleeding(site, *count, size, *minutes, *care))?
        }
        LogCommand::SideEffect {
            effect, severity, ..
        } => {
            let e = code(
                ctx,
                "effect",
                effect,
                SideEffectKind::parse,
                SideEffectKind::accepted,
            )?;
            v(validate::side_effect(e, *severity))?
        }
        LogCommand::Event {
            event, medication, ..
        } => {
            let e = code(ctx, "event", event, EventKind::parse, EventKind::accepted)?;
            v(validate::event(e, medication.clone()))?
        }
    };
    Ok((checked, note, at))
}

pub fn run(ctx: &Ctx, cmd: LogCommand, out: &mut impl Write) -> CliResult {
    // Validate everything that needs no database first: bad input never opens (or creates)
    // the diary file.
    let needs_weight = matches!(cmd, LogCommand::Weight { .. });
    // Only an existing diary is opened before validation (to read the last weight).
    let mut store = if needs_weight && ctx.paths.db.exists() {
        Some(ctx.open_store()?)
    } else {
        None
    };
    let previous = || {
        store
            .as_ref()
            .and_then(|s| s.latest(Kind::Weight, None).ok().flatten())
            .and_then(|e| match e.data {
                EntryData::Weight(w) => Some(w.kg),
                _ => None,
            })
    };
    let (checked, note, at) = build(ctx, &cmd, previous)?;
    let mut store = match store.take() {
        Some(s) => s,
        None => ctx.open_store()?,
    };
    let entry = store
        .add_entry(
            &NewEntry {
                at,
                note,
                data: checked.value,
            },
            ctx.clock.now(),
        )
        .map_err(|e| ctx.store_error(e))?;
    ctx.warn(&checked.warnings);
    writeln!(
        out,
        "{}",
        ctx.i18n.tf(
            "cli.saved",
            &[
                ("id", &entry.id.to_string()),
                ("summary", &crate::text::summary(&entry, &ctx.i18n))
            ]
        )
    )
    .map_err(io_error)?;
    Ok(())
}
