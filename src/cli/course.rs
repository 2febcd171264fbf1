//! `itp-diary regimen …` and `itp-diary profile`.

use std::io::Write;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::log::code;
use super::{CliError, CliResult, Ctx, io_error};
use crate::app::course::{self, ChangeInput, CourseError, ProfileInput, RegimenInput};
use crate::app::plan_checks::Face;
use crate::domain::drugs::Route;
use crate::domain::regimen::{Profile, Regimen, StepKind};
use crate::domain::when::parse_date;

#[derive(Debug, Subcommand)]
pub enum RegimenCommand {
    /// Start a treatment plan, e.g. `regimen start cyclosporine --dose 150,150 --times 08:00,20:00
    /// --formulation Neoral`.
    Start {
        /// The drug (cyclosporine, csa, 环孢素, eltrombopag, romiplostim …).
        drug: String,
        /// Amount per dose time in mg (U for rhTPO), comma-separated: 150,150 or 150,100.
        #[arg(long)]
        dose: String,
        /// Dose times, HH:MM, comma-separated (default 08:00,20:00 for two doses).
        #[arg(long)]
        times: Option<String>,
        /// First day (default today; a future date starts the baseline phase).
        #[arg(long, value_name = "DATE")]
        start: Option<String>,
        /// Formulation or brand (required for cyclosporine: Neoral and Sandimmun differ).
        #[arg(long, value_name = "NAME")]
        formulation: Option<String>,
        /// Drug-level target set by the care team, ng/mL, e.g. 100-200.
        #[arg(long, value_name = "LOW-HIGH")]
        trough_target: Option<String>,
        /// Induction length in weeks (default: the setting, 12).
        #[arg(long, value_name = "WEEKS")]
        induction_weeks: Option<u32>,
        /// Days between dosing days (7 for weekly romiplostim).
        #[arg(long, default_value_t = 1, value_name = "DAYS")]
        every_days: u32,
        /// oral, iv or sc (default: the drug's usual route).
        #[arg(long)]
        route: Option<String>,
        /// A note kept with the plan (who decided it, why)
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// Save a plan above the label maximum in mg/(kg·d) as typed (refused without it).
        #[arg(long)]
        confirm: bool,
    },
    /// Record a change of plan (a taper step, an increase, a new formulation); the past is kept.
    Change {
        /// New amounts per dose time (default: unchanged).
        #[arg(long)]
        dose: Option<String>,
        /// New dose times.
        #[arg(long)]
        times: Option<String>,
        /// From this day (default today).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// New formulation or brand.
        #[arg(long, value_name = "NAME")]
        formulation: Option<String>,
        /// Which regimen, when more than one is active (default cyclosporine).
        #[arg(long)]
        drug: Option<String>,
        /// Mark it a taper step (default: inferred from the daily total).
        #[arg(long, conflicts_with_all = ["increase", "maintenance"])]
        taper: bool,
        /// Mark it an increase.
        #[arg(long, conflicts_with = "maintenance")]
        increase: bool,
        /// Mark the start of maintenance (the dose may stay the same).
        #[arg(long)]
        maintenance: bool,
        /// A note kept with the plan (who decided it, why)
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// Save a plan above the label maximum in mg/(kg·d), or one whose daily amount more
        /// than doubles, as typed (refused without it).
        #[arg(long)]
        confirm: bool,
    },
    /// Stop a regimen: DATE is the first day without doses (default today).
    Stop {
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
        #[arg(long)]
        drug: Option<String>,
    },
    /// Print the plans in force and their history.
    Show {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// Date of the ITP diagnosis (gives newly diagnosed / persistent / chronic).
    #[arg(long, value_name = "DATE")]
    pub diagnosed: Option<String>,
    #[arg(long, value_name = "YEAR")]
    pub birth_year: Option<i32>,
    /// female, male or other.
    #[arg(long)]
    pub sex: Option<String>,
    /// Shown on clinic reports; leave empty to keep reports anonymous.
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long, value_name = "CM")]
    pub height_cm: Option<f64>,
}

/// A refused profile or regimen: store errors name the backup, the rest is the catalogue's
/// line (the command line may name its own flags where the screen names its fields).
fn course_error(ctx: &Ctx, e: CourseError) -> CliError {
    let flag = |key: &str| CliError::Invalid(ctx.i18n.t(key).to_string());
    match e {
        CourseError::Store(e) => ctx.store_error(e),
        CourseError::FormulationRequired => flag("regimen.formulation_required"),
        CourseError::NoneActive => flag("regimen.none_active"),
        CourseError::Which => flag("regimen.which"),
        CourseError::NoChange => flag("regimen.no_change"),
        CourseError::Plan(e) => CliError::Invalid(e.message(&ctx.i18n, Face::Cli)),
        e => CliError::Invalid(e.message(&ctx.i18n)),
    }
}

fn day(ctx: &Ctx, field: &str, s: Option<&str>) -> CliResult<NaiveDate> {
    match s {
        Some(s) => parse_date(s, &ctx.clock).map_err(|e| ctx.when(field, &e)),
        None => Ok(ctx.clock.today()),
    }
}

/// The regimens after a write, as `regimen show` prints them.
fn show_all(ctx: &Ctx, store: &crate::store::Store, out: &mut impl Write) -> CliResult {
    show(
        ctx,
        &store.regimens().map_err(|e| ctx.store_error(e))?,
        false,
        out,
    )
}

pub fn regimen(ctx: &Ctx, cmd: RegimenCommand, out: &mut impl Write) -> CliResult {
    match cmd {
        RegimenCommand::Start {
            drug,
            dose,
            times,
            start,
            formulation,
            trough_target,
            induction_weeks,
            every_days,
            route,
            note,
            confirm,
        } => {
            let route = route
                .as_deref()
                .map(|r| code(ctx, "route", r, Route::parse, Route::accepted))
                .transpose()?;
            let input = RegimenInput {
                drug,
                dose,
                times,
                start,
                formulation,
                trough_target,
                induction_weeks,
                every_days,
                route,
                note,
                confirmed: confirm,
                range_max: Some(ctx.settings.thresholds.mg_per_kg_strong),
            };
            let mut store = ctx.open_store()?;
            course::start_regimen(&mut store, &ctx.clock, &input)
                .map_err(|e| course_error(ctx, e))?;
            show_all(ctx, &store, out)
        }
        RegimenCommand::Change {
            dose,
            times,
            from,
            formulation,
            drug,
            taper,
            increase,
            maintenance,
            note,
            confirm,
        } => {
            let kind = [
                (taper, StepKind::Taper),
                (increase, StepKind::Increase),
                (maintenance, StepKind::Maintenance),
            ]
            .into_iter()
            .find_map(|(on, k)| on.then_some(k));
            let input = ChangeInput {
                drug,
                dose,
                times,
                from,
                formulation,
                kind,
                note,
                read: None,
                confirmed: confirm,
                label_max: Some(ctx.settings.thresholds.mg_per_kg_warn),
            };
            // A date that cannot be read is refused before the diary is opened.
            day(ctx, "from", input.from.as_deref())?;
            let mut store = ctx.open_store()?;
            course::change_regimen(&mut store, &ctx.clock, &input)
                .map_err(|e| course_error(ctx, e))?;
            show_all(ctx, &store, out)
        }
        RegimenCommand::Stop { on, drug } => stop(ctx, on, drug, out),
        RegimenCommand::Show { json } => {
            let all = if ctx.paths.db.exists() {
                ctx.open_store()?
                    .regimens()
                    .map_err(|e| ctx.store_error(e))?
            } else {
                Vec::new()
            };
            show(ctx, &all, json, out)
        }
    }
}

/// `regimen stop`: DATE is the first day without doses.
fn stop(ctx: &Ctx, on: Option<String>, drug: Option<String>, out: &mut impl Write) -> CliResult {
    let on = day(ctx, "on", on.as_deref())?;
    let mut store = ctx.open_store()?;
    let all = store.regimens().map_err(|e| ctx.store_error(e))?;
    let r = course::target(&all, drug.as_deref(), on).map_err(|e| course_error(ctx, e))?;
    if on < r.start {
        return Err(course_error(ctx, CourseError::BeforeStart(r.start)));
    }
    let id = r.id;
    store
        .stop_regimen(id, Some(on))
        .map_err(|e| ctx.store_error(e))?;
    show_all(ctx, &store, out)
}

fn show(ctx: &Ctx, all: &[Regimen], json: bool, out: &mut impl Write) -> CliResult {
    if json {
        serde_json::to_writer_pretty(&mut *out, all)
            .map_err(|e| CliError::Failed(e.to_string()))?;
        return writeln!(out).map_err(io_error);
    }
    let i = &ctx.i18n;
    if all.is_empty() {
        return writeln!(out, "{}", i.t("regimen.none")).map_err(io_error);
    }
    let today = ctx.clock.today();
    for r in all {
        let state = match r.stop {
            Some(s) if s <= today => i.tf("regimen.stopped_on", &[("date", &s.to_string())]),
            Some(s) => i.tf("regimen.stops_on", &[("date", &s.to_string())]),
            None if r.start > today => i.tf("regimen.starts_on", &[("date", &r.start.to_string())]),
            None => i.t("regimen.active").to_string(),
        };
        writeln!(
            out,
            "{} ({}) — {state}",
            i.t(&r.drug.label_key()),
            i.t(&r.route.label_key())
        )
        .map_err(io_error)?;
        if let (Some(lo), Some(hi)) = (r.target_low, r.target_high) {
            writeln!(
                out,
                "  {}",
                i.tf(
                    "regimen.target",
                    &[("low", &lo.to_string()), ("high", &hi.to_string())]
                )
            )
            .map_err(io_error)?;
        }
        for s in &r.steps {
            // Padded by terminal columns: Chinese labels are two columns a character.
            writeln!(
                out,
                "  {}  {} {}{}",
                s.effective_from,
                crate::present::describe::pad(i.t(&s.kind.label_key()), 12),
                s.describe(),
                s.formulation
                    .as_deref()
                    .map(|f| format!("  [{f}]"))
                    .unwrap_or_default()
            )
            .map_err(io_error)?;
        }
    }
    Ok(())
}

pub fn profile(ctx: &Ctx, a: ProfileArgs, out: &mut impl Write) -> CliResult {
    let i = &ctx.i18n;
    let change = a.diagnosed.is_some()
        || a.birth_year.is_some()
        || a.sex.is_some()
        || a.name.is_some()
        || a.height_cm.is_some();
    let p = if change {
        let mut store = ctx.open_store()?;
        let input = ProfileInput {
            diagnosed: a.diagnosed,
            birth_year: a.birth_year.map(|y| y.to_string()),
            sex: a.sex,
            name: a.name,
            height_cm: a.height_cm,
        };
        course::set_profile(&mut store, &ctx.clock, &input).map_err(|e| course_error(ctx, e))?
    } else if ctx.paths.db.exists() {
        ctx.open_store()?
            .profile()
            .map_err(|e| ctx.store_error(e))?
    } else {
        Profile::default()
    };
    let dash = || "—".to_string();
    let lines = [
        (i.t("profile.name"), p.name.clone().unwrap_or_else(dash)),
        (
            i.t("profile.diagnosed"),
            p.diagnosed_on
                .map(|d| {
                    let phase = crate::domain::response::disease_phase(d, ctx.clock.today());
                    format!("{d} ({})", i.t(&format!("disease_phase.{phase}")))
                })
                .unwrap_or_else(dash),
        ),
        (
            i.t("profile.birth_year"),
            p.birth_year.map(|y| y.to_string()).unwrap_or_else(dash),
        ),
        (i.t("profile.sex"), p.sex.clone().unwrap_or_else(dash)),
        (
            i.t("profile.height"),
            p.height_cm.map(|h| format!("{h} cm")).unwrap_or_else(dash),
        ),
    ];
    for (k, v) in lines {
        writeln!(out, "{k}: {v}").map_err(io_error)?;
    }
    Ok(())
}
