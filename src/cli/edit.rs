//! `itp-diary edit ID …`: the stored entry is turned back into the `log` command that would
//! have made it, the given options replace its parts, and the result goes through exactly the
//! same validation as a new entry. The previous version is kept by the store.

use std::io::Write;

use clap::Args;

use super::log::code;
use super::{CliError, CliResult, Ctx};
use crate::app::entries::{self, Draft};
use crate::app::entry_input::{RawEntry, raw_from_entry, reference_text};
use crate::domain::entry::{DoseStatus, Entry, EntryData};

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The entry's id (see `list`).
    pub id: i64,
    /// Print one JSON object (id, uid, the entry written, warnings) instead of text.
    #[arg(long)]
    pub json: bool,
    /// New time.
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
    /// New note ("" removes it).
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// New value (platelets, dose amount, lab value, weight; SYS/DIA for blood pressure).
    #[arg(long)]
    pub value: Option<String>,
    /// New unit of the value.
    #[arg(long)]
    pub unit: Option<String>,
    /// New laboratory (platelets, lab).
    #[arg(long, value_name = "NAME")]
    pub lab: Option<String>,
    /// New time of the previous dose (drug levels).
    #[arg(long, value_name = "WHEN")]
    pub last_dose: Option<String>,
    /// New pulse (blood pressure).
    #[arg(long)]
    pub pulse: Option<String>,
    /// New dose status: taken, missed or skipped.
    #[arg(long)]
    pub status: Option<String>,
    /// New formulation or brand (dose).
    #[arg(long, value_name = "NAME")]
    pub formulation: Option<String>,
    /// Both doses were taken: keep a taken dose that the change puts less than half a dosing
    /// interval from another taken dose (refused without it).
    #[arg(long)]
    pub late: bool,
}

/// The entry's typed form with `a`'s replacements applied.
fn replaced(ctx: &Ctx, e: &Entry, a: &EditArgs) -> CliResult<RawEntry> {
    let not_for = |field: &str| {
        CliError::Invalid(ctx.i18n.tf(
            "error.edit_field",
            &[
                ("field", &format!("--{field}")),
                ("kind", ctx.i18n.t(&e.data.kind().label_key())),
            ],
        ))
    };
    let set = |slot: &mut Option<String>, v: &Option<String>| {
        if let Some(v) = v {
            *slot = Some(v.clone());
        }
    };
    let mut raw = raw_from_entry(e);
    let mut used: Vec<&str> = Vec::new();
    match &mut raw {
        RawEntry::Platelets { value, unit, lab } => {
            if let Some(v) = &a.value {
                *value = v.clone();
            }
            set(unit, &a.unit);
            set(lab, &a.lab);
            used.extend(["value", "unit", "lab"]);
        }
        RawEntry::Dose {
            amount,
            unit,
            mg_per_ml,
            formulation,
            status,
            ..
        } => {
            set(amount, &a.value);
            if let Some(u) = &a.unit {
                *unit = Some(u.clone());
                if !u.trim().eq_ignore_ascii_case("ml") {
                    *mg_per_ml = None;
                }
            }
            set(formulation, &a.formulation);
            if let Some(s) = &a.status {
                *status = code(ctx, "status", s, DoseStatus::parse, DoseStatus::accepted)?;
            }
            used.extend(["value", "unit", "status", "formulation"]);
        }
        RawEntry::Lab {
            value,
            unit,
            lab,
            last_dose,
            reference,
            ..
        } => {
            if let Some(v) = &a.value {
                *value = v.clone();
            }
            if let (Some(u), EntryData::Lab(l)) = (&a.unit, &e.data) {
                // The lab's range follows the value into the new unit.
                *reference = reference_text(l, u);
            }
            set(unit, &a.unit);
            set(lab, &a.lab);
            set(last_dose, &a.last_dose);
            used.extend(["value", "unit", "lab", "last-dose"]);
        }
        RawEntry::Weight { value, unit } => {
            if let Some(v) = &a.value {
                *value = v.clone();
            }
            set(unit, &a.unit);
            used.extend(["value", "unit"]);
        }
        RawEntry::Bp { value, pulse } => {
            if let Some(v) = &a.value {
                *value = v.clone();
            }
            set(pulse, &a.pulse);
            used.extend(["value", "pulse"]);
        }
        RawEntry::Bleeding { .. } | RawEntry::SideEffect { .. } | RawEntry::Event { .. } => {}
    }
    for (name, given) in [
        ("value", a.value.is_some()),
        ("unit", a.unit.is_some()),
        ("lab", a.lab.is_some()),
        ("last-dose", a.last_dose.is_some()),
        ("pulse", a.pulse.is_some()),
        ("status", a.status.is_some()),
        ("formulation", a.formulation.is_some()),
    ] {
        if given && !used.contains(&name) {
            return Err(not_for(name));
        }
    }
    Ok(raw)
}

pub fn run(ctx: &Ctx, a: EditArgs, out: &mut impl Write) -> CliResult {
    let nothing = a.at.is_none()
        && a.note.is_none()
        && a.value.is_none()
        && a.unit.is_none()
        && a.lab.is_none()
        && a.last_dose.is_none()
        && a.pulse.is_none()
        && a.status.is_none()
        && a.formulation.is_none();
    if nothing {
        return Err(CliError::Invalid(
            ctx.i18n.t("error.edit_nothing").to_string(),
        ));
    }
    if !ctx.paths.db.exists() {
        return Err(CliError::Invalid(
            ctx.i18n.tf("error.not_found", &[("id", &a.id.to_string())]),
        ));
    }
    let mut store = ctx.open_store()?;
    let e = store.entry(a.id).map_err(|e| ctx.store_error(e))?;
    let draft = Draft {
        raw: replaced(ctx, &e, &a)?,
        at: Some(a.at.clone().unwrap_or_else(|| e.at.to_rfc3339())),
        note: a.note.clone().or_else(|| e.note.clone()),
    };
    let saved =
        entries::edit(&mut store, &e, &draft, &ctx.clock, a.late).map_err(|e| ctx.save_error(e))?;
    if a.json {
        return super::written_json(ctx, &saved.entry, "edited", &saved.warnings, out);
    }
    ctx.saved(&saved, out)
}
