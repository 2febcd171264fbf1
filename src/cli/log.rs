//! `itp-diary log …`: one subcommand per entry kind, all through the domain's validation.

use std::io::Write;

use clap::{Args, Subcommand};

use super::{CliError, CliResult, Ctx, io_error};
use crate::app::entry_input::{RawEntry, build};
use crate::domain::entry::{DoseStatus, EntryData, Kind, NewEntry};

#[derive(Debug, Args)]
pub struct Common {
    /// When: 2026-03-01 08:00, 2026-03-01, 08:00 (today), "today 08:00", "yesterday 20:00",
    /// RFC 3339 (default: now).
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
    /// A free-text note.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Print one JSON object (id, uid, the entry written, warnings) instead of text.
    #[arg(long)]
    pub json: bool,
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

impl LogCommand {
    /// The typed fields and the common options.
    pub fn raw(&self) -> (RawEntry, &Common) {
        match self {
            LogCommand::Platelets {
                value,
                unit,
                lab,
                common,
            } => (
                RawEntry::Platelets {
                    value: value.clone(),
                    unit: unit.clone(),
                    lab: lab.clone(),
                },
                common,
            ),
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
                common,
            } => (
                RawEntry::Dose {
                    drug: drug.clone(),
                    amount: amount.clone(),
                    unit: unit.clone(),
                    mg_per_ml: mg_per_ml.clone(),
                    route: route.clone(),
                    formulation: formulation.clone(),
                    status: if *missed {
                        DoseStatus::Missed
                    } else if *skipped {
                        DoseStatus::Skipped
                    } else {
                        DoseStatus::Taken
                    },
                    scheduled: scheduled.clone(),
                },
                common,
            ),
            LogCommand::Lab {
                analyte,
                value,
                unit,
                lab,
                method,
                reference,
                last_dose,
                common,
            } => (
                RawEntry::Lab {
                    analyte: analyte.clone(),
                    value: value.clone(),
                    unit: unit.clone(),
                    lab: lab.clone(),
                    method: method.clone(),
                    reference: reference.clone(),
                    last_dose: last_dose.clone(),
                },
                common,
            ),
            LogCommand::Weight {
                value,
                unit,
                common,
            } => (
                RawEntry::Weight {
                    value: value.clone(),
                    unit: unit.clone(),
                },
                common,
            ),
            LogCommand::Bp {
                value,
                pulse,
                common,
            } => (
                RawEntry::Bp {
                    value: value.clone(),
                    pulse: pulse.clone(),
                },
                common,
            ),
            LogCommand::Bleeding {
                site,
                count,
                size_cm,
                minutes,
                care,
                common,
            } => (
                RawEntry::Bleeding {
                    site: site.clone(),
                    count: count.map(|c| c.to_string()),
                    size_cm: size_cm.clone(),
                    minutes: minutes.map(|m| m.to_string()),
                    care: *care,
                },
                common,
            ),
            LogCommand::SideEffect {
                effect,
                severity,
                common,
            } => (
                RawEntry::SideEffect {
                    effect: effect.clone(),
                    severity: severity.map(|s| s.to_string()),
                },
                common,
            ),
            LogCommand::Event {
                event,
                medication,
                common,
            } => (
                RawEntry::Event {
                    event: event.clone(),
                    medication: medication.clone(),
                },
                common,
            ),
        }
    }
}

pub fn run(ctx: &Ctx, cmd: LogCommand, out: &mut impl Write) -> CliResult {
    // Only an existing diary is opened before validation (to read the last weight): bad input
    // never creates the diary file.
    let needs_weight = matches!(cmd, LogCommand::Weight { .. });
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
    let (raw, common) = cmd.raw();
    let (checked, note, at) = build(
        &raw,
        common.at.as_deref(),
        common.note.clone(),
        &ctx.clock,
        previous,
    )
    .map_err(|e| CliError::Invalid(ctx.i18n.input_error(&e)))?;
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
    if common.json {
        return super::written_json(ctx, &entry, "logged", &checked.warnings, out);
    }
    ctx.warn(&checked.warnings);
    writeln!(
        out,
        "{}",
        crate::present::describe::saved(&entry, false, &ctx.i18n)
    )
    .map_err(io_error)
}
