//! `itp-diary edit ID …`: the stored entry is turned back into the `log` command that would
//! have made it, the given options replace its parts, and the result goes through exactly the
//! same validation as a new entry. The previous version is kept by the store.

use std::io::Write;

use clap::Args;

use super::log::{Common, LogCommand, build};
use super::{CliError, CliResult, Ctx, io_error};
use crate::domain::entry::{Entry, EntryData, NewEntry};

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The entry's id (see `list`).
    pub id: i64,
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
}

fn num(x: f64) -> String {
    format!("{x}")
}

fn ts(t: chrono::DateTime<chrono::FixedOffset>) -> String {
    t.to_rfc3339()
}

/// The `log` command equivalent to `e`, with `a`'s replacements applied.
fn as_command(ctx: &Ctx, e: &Entry, a: &EditArgs) -> CliResult<LogCommand> {
    let common = Common {
        at: Some(a.at.clone().unwrap_or_else(|| ts(e.at))),
        note: a.note.clone().or_else(|| e.note.clone()),
    };
    let not_for = |field: &str| {
        CliError::Invalid(ctx.i18n.tf(
            "error.edit_field",
            &[
                ("field", &format!("--{field}")),
                ("kind", ctx.i18n.t(&e.data.kind().label_key())),
            ],
        ))
    };
    let kind_allows = |allowed: &[&str]| -> CliResult<()> {
        for (name, given) in [
            ("value", a.value.is_some()),
            ("unit", a.unit.is_some()),
            ("lab", a.lab.is_some()),
            ("last-dose", a.last_dose.is_some()),
            ("pulse", a.pulse.is_some()),
            ("status", a.status.is_some()),
            ("formulation", a.formulation.is_some()),
        ] {
            if given && !allowed.contains(&name) {
                return Err(not_for(name));
            }
        }
        Ok(())
    };
    Ok(match &e.data {
        EntryData::Platelets(p) => {
            kind_allows(&["value", "unit", "lab"])?;
            LogCommand::Platelets {
                value: a.value.clone().unwrap_or_else(|| num(p.entered.value)),
                unit: Some(a.unit.clone().unwrap_or_else(|| p.entered.unit.clone())),
                lab: a.lab.clone().or_else(|| p.lab.clone()),
                common,
            }
        }
        EntryData::Dose(d) => {
            kind_allows(&["value", "unit", "status", "formulation"])?;
            let (missed, skipped) = match a.status.as_deref() {
                None => (
                    d.status == crate::domain::entry::DoseStatus::Missed,
                    d.status == crate::domain::entry::DoseStatus::Skipped,
                ),
                Some(s) => {
                    let st = super::log::code(
                        ctx,
                        "status",
                        s,
                        crate::domain::entry::DoseStatus::parse,
                        crate::domain::entry::DoseStatus::accepted,
                    )?;
                    (
                        st == crate::domain::entry::DoseStatus::Missed,
                        st == crate::domain::entry::DoseStatus::Skipped,
                    )
                }
            };
            LogCommand::Dose {
                drug: d.drug.code().to_string(),
                amount: a
                    .value
                    .clone()
                    .or_else(|| d.amount.as_ref().map(|x| num(x.entered.value))),
                unit: a
                    .unit
                    .clone()
                    .or_else(|| d.amount.as_ref().map(|x| x.entered.unit.clone())),
                mg_per_ml: d
                    .amount
                    .as_ref()
                    .and_then(|x| x.mg_per_ml)
                    .filter(|_| {
                        a.unit
                            .as_deref()
                            .is_none_or(|u| u.eq_ignore_ascii_case("ml"))
                    })
                    .map(num),
                route: Some(d.route.code().to_string()),
                formulation: a.formulation.clone().or_else(|| d.formulation.clone()),
                missed,
                skipped,
                scheduled: d.scheduled_for.map(ts),
                common,
            }
        }
        EntryData::Lab(l) => {
            kind_allows(&["value", "unit", "lab", "last-dose"])?;
            let unit = a.unit.clone().unwrap_or_else(|| l.entered.unit.clone());
            // The reference range is stored canonical; give it back in the unit used.
            let factor = l
                .analyte
                .quantity()
                .unit(Some(&unit))
                .map(|u| u.factor)
                .unwrap_or(1.0);
            let side = |x: Option<f64>| x.map(|v| num(v / factor)).unwrap_or_default();
            let reference = (l.reference.low.is_some() || l.reference.high.is_some())
                .then(|| format!("{}-{}", side(l.reference.low), side(l.reference.high)));
            LogCommand::Lab {
                analyte: l.analyte.code().to_string(),
                value: a.value.clone().unwrap_or_else(|| num(l.entered.value)),
                unit: Some(unit),
                lab: a.lab.clone().or_else(|| l.lab.clone()),
                method: l.method.clone(),
                reference,
                last_dose: a.last_dose.clone().or_else(|| l.last_dose_at.map(ts)),
                common,
            }
        }
        EntryData::Weight(w) => {
            kind_allows(&["value", "unit"])?;
            LogCommand::Weight {
                value: a.value.clone().unwrap_or_else(|| num(w.entered.value)),
                unit: Some(a.unit.clone().unwrap_or_else(|| w.entered.unit.clone())),
                common,
            }
        }
        EntryData::BloodPressure(b) => {
            kind_allows(&["value", "pulse"])?;
            LogCommand::Bp {
                value: a
                    .value
                    .clone()
                    .unwrap_or_else(|| format!("{}/{}", b.systolic, b.diastolic)),
                pulse: a.pulse.clone().or_else(|| b.pulse.map(|p| p.to_string())),
                common,
            }
        }
        EntryData::Bleeding(b) => {
            kind_allows(&[])?;
            LogCommand::Bleeding {
                site: b.site.code().to_string(),
                count: b.count,
                size_cm: b.size_cm.map(num),
                minutes: b.minutes,
                care: b.care_needed,
                common,
            }
        }
        EntryData::SideEffect(s) => {
            kind_allows(&[])?;
            LogCommand::SideEffect {
                effect: s.effect.code().to_string(),
                severity: s.severity,
                common,
            }
        }
        EntryData::Event(ev) => {
            kind_allows(&[])?;
            LogCommand::Event {
                event: ev.event.code().to_string(),
                medication: ev.medication.clone(),
                common,
            }
        }
    })
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
    let cmd = as_command(ctx, &e, &a)?;
    let (checked, note, at) = build(ctx, &cmd, || None)?;
    let updated = store
        .update_entry(
            a.id,
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
            "cli.updated",
            &[
                ("id", &updated.id.to_string()),
                ("summary", &crate::text::summary(&updated, &ctx.i18n))
            ]
        )
    )
    .map_err(io_error)
}
