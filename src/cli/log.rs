//! `itp-diary log …`: one subcommand per entry kind, all through the domain's validation.

use std::io::Write;

use clap::{Args, Subcommand};

use super::{CliError, CliResult, Ctx};
use crate::app::entries::{self, Draft};
use crate::app::entry_input::RawEntry;
use crate::domain::entry::DoseStatus;

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
        /// An extra dose: log it even though its dose time already has a dose logged.
        #[arg(long)]
        extra: bool,
        /// Both doses were taken: log it even though another dose was taken less than half a
        /// dosing interval before or after it (refused without it).
        #[arg(long)]
        late: bool,
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
    /// An event: ivig, anti-d, steroid-pulse, transfusion, infection, vaccination,
    /// medication-start, medication-stop, grapefruit, procedure, clinic-visit, other.
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
        (self.raw_entry(), self.common())
    }

    fn common(&self) -> &Common {
        match self {
            LogCommand::Platelets { common, .. }
            | LogCommand::Dose { common, .. }
            | LogCommand::Lab { common, .. }
            | LogCommand::Weight { common, .. }
            | LogCommand::Bp { common, .. }
            | LogCommand::Bleeding { common, .. }
            | LogCommand::SideEffect { common, .. }
            | LogCommand::Event { common, .. } => common,
        }
    }

    /// The typed fields.
    fn raw_entry(&self) -> RawEntry {
        match self {
            LogCommand::Platelets {
                value, unit, lab, ..
            } => RawEntry::Platelets {
                value: value.clone(),
                unit: unit.clone(),
                lab: lab.clone(),
            },
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
            } => RawEntry::Dose {
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
            LogCommand::Lab {
                analyte,
                value,
                unit,
                lab,
                method,
                reference,
                last_dose,
                ..
            } => RawEntry::Lab {
                analyte: analyte.clone(),
                value: value.clone(),
                unit: unit.clone(),
                lab: lab.clone(),
                method: method.clone(),
                reference: reference.clone(),
                last_dose: last_dose.clone(),
            },
            LogCommand::Weight { value, unit, .. } => RawEntry::Weight {
                value: value.clone(),
                unit: unit.clone(),
            },
            LogCommand::Bp { value, pulse, .. } => RawEntry::Bp {
                value: value.clone(),
                pulse: pulse.clone(),
            },
            LogCommand::Bleeding {
                site,
                count,
                size_cm,
                minutes,
                care,
                ..
            } => RawEntry::Bleeding {
                site: site.clone(),
                count: count.map(|c| c.to_string()),
                size_cm: size_cm.clone(),
                minutes: minutes.map(|m| m.to_string()),
                care: *care,
            },
            LogCommand::SideEffect {
                effect, severity, ..
            } => RawEntry::SideEffect {
                effect: effect.clone(),
                severity: severity.map(|s| s.to_string()),
            },
            LogCommand::Event {
                event, medication, ..
            } => RawEntry::Event {
                event: event.clone(),
                medication: medication.clone(),
            },
        }
    }
}

pub fn run(ctx: &Ctx, mut cmd: LogCommand, out: &mut impl Write) -> CliResult {
    // A dose without an amount takes the planned amount of the slot it answers.
    let from_plan = super::take::fill_from_plan(ctx, &mut cmd)?;
    // Only an existing diary is opened before validation (to read the last weight): bad input
    // never creates the diary file.
    let extra = matches!(cmd, LogCommand::Dose { extra: true, .. });
    let soon = matches!(cmd, LogCommand::Dose { late: true, .. });
    let existing = if ctx.paths.db.exists() {
        Some(ctx.open_store()?)
    } else {
        None
    };
    let (raw, common) = cmd.raw();
    let draft = Draft {
        raw,
        at: common.at.clone(),
        note: common.note.clone(),
    };
    let built = entries::check(existing.as_ref(), &draft, &ctx.clock, None)
        .map_err(|e| CliError::Invalid(ctx.i18n.input_error(&e)))?;
    let mut store = match existing {
        Some(s) => s,
        None => ctx.open_store()?,
    };
    let policy = entries::Policy {
        thresholds: &ctx.settings.thresholds,
        extra,
        soon,
    };
    let saved =
        entries::insert(&mut store, built, &ctx.clock, policy).map_err(|e| ctx.save_error(e))?;
    if common.json {
        return super::written_json(ctx, &saved.entry, "logged", &saved.warnings, out);
    }
    ctx.saved(&saved, out)?;
    match from_plan {
        Some(line) => writeln!(out, "{line}").map_err(super::io_error),
        None => Ok(()),
    }
}
