//! `itp-diary status` and `itp-diary remind`.

use std::io::Write;

use clap::Args;
use serde_json::{Value, json};

use super::{CliError, CliResult, Ctx, io_error};
use crate::app::facts;
use crate::domain::clock::Clock;
use crate::domain::overview::Overview;
use crate::domain::reminders::Reminder;
use crate::domain::when::parse_any;
use crate::present::describe;
use crate::present::status::{StatusView, status_lines};

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RemindArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// Evaluate at another time (default now).
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
    /// Send each new or escalated item as a desktop notification (once per item; quiet hours
    /// hold all but urgent ones). Without a notification service, print the items.
    #[arg(long, conflicts_with = "json")]
    pub notify: bool,
    /// Exit with code 1 when anything urgent is open (for a shell prompt).
    #[arg(long)]
    pub exit_code: bool,
}

fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The `status --json` object.
pub fn status_json(o: &Overview) -> Value {
    let regimen = o.regimen.as_ref().map(|r| {
        let step = r.step_on(o.now.date_naive()).or(r.steps.first());
        json!({
            "drug": r.drug.code(),
            "start": r.start.to_string(),
            "stop": r.stop.map(|d| d.to_string()),
            "formulation": step.and_then(|s| s.formulation.clone()),
            "doses": step.map(|s| {
                s.slots
                    .iter()
                    .map(|x| json!({
                        "time": x.time.format("%H:%M").to_string(),
                        "amount": x.amount,
                    }))
                    .collect::<Vec<_>>()
            }),
            "unit": step.map(|s| s.unit.clone()),
            "steps": r.steps.len(),
        })
    });
    let d = o.dosing.as_ref();
    let resp = o.response.as_ref();
    json!({
        "now": o.now.to_rfc3339(),
        "phase": o.course.as_ref().map_or("no_regimen", |c| c.phase.code()),
        "day": o.course.as_ref().map(|c| c.day),
        "week": o.course.as_ref().map(|c| c.week),
        "induction_weeks": o.course.as_ref().map(|c| c.induction_weeks),
        "checkpoint_week": o.course.as_ref().and_then(|c| c.checkpoint).map(|c| c.week),
        "regimen": regimen,
        "daily_mg_planned": d.and_then(|d| d.planned_daily).map(r1),
        "daily_mg_taken": d.and_then(|d| d.taken_daily).map(r1),
        "weight_kg": d.and_then(|d| d.weight_kg),
        "weight_at": d.and_then(|d| d.weight_at).map(|t| t.to_rfc3339()),
        "mg_per_kg_day": d.and_then(|d| d.taken_mg_per_kg.or(d.planned_mg_per_kg)).map(r2),
        "mg_per_kg_day_planned": d.and_then(|d| d.planned_mg_per_kg).map(r2),
        "mg_per_kg_day_taken": d.and_then(|d| d.taken_mg_per_kg).map(r2),
        "adherence_7d": o.adherence_7d.map(r1),
        "adherence_30d": o.adherence_30d.map(r1),
        "today": o
            .slots
            .iter()
            .map(|s| json!({
                "at": s.at.to_rfc3339(),
                "amount": s.amount,
                "state": s.state.code(),
                "dose_mg": s.dose_mg,
            }))
            .collect::<Vec<_>>(),
        "latest_platelets": o.latest_platelets.map(|(at, v)| json!({
            "value": v, "at": at.to_rfc3339(), "band": o.platelet_band,
            "days_ago": (o.now.date_naive() - at.date_naive()).num_days(),
        })),
        "baseline_platelets": resp.and_then(|a| a.baseline),
        "response": resp.map_or("not_assessable", |a| a.status.code()),
        "response_definition": resp.map(|a| a.definition),
        "response_concurrent_steroids": resp.map(|a| a.concurrent_steroids.iter().map(|d| d.code()).collect::<Vec<_>>()),
        "response_rescue": resp.and_then(|a| a.rescue).map(|r| json!({
            "event": r.kind.code(), "at": r.at.to_rfc3339(), "until": r.until.to_rfc3339(),
        })),
        "time_to_response_days": resp.and_then(|a| a.time_to_response_days),
        "response_downgraded_by_bleeding": resp.map(|a| a.downgraded_by_bleeding),
        "last_trough": o.trough.as_ref().map(|t| json!({
            "value": t.value, "at": t.at.to_rfc3339(),
            // Two decimals: 14.02 h is not a trough, and "14.0" would say it is.
            "hours_since_dose": t.hours_since_dose.map(|h| (h * 100.0).round() / 100.0),
            "valid_trough": t.valid, "band": t.band,
            "timing_from_dose_log": t.timing_from_log,
            "target_low": t.target_low, "target_high": t.target_high,
            "target_set_by": if t.target_by_team { "care_team" } else { "app_default" },
        })),
        // When the last level is not judged: the last one that is, which the alerts judge.
        "last_judged_trough": o.last_trough.as_ref().map(|t| json!({
            "value": t.value, "at": t.at.to_rfc3339(),
            "hours_since_dose": t.hours_since_dose.map(|h| (h * 100.0).round() / 100.0),
            "band": t.band,
        })),
        "disease_phase": o.disease_phase,
    })
}

/// A reminder as JSON: typed ids (`rule`, `class`, `severity`, `setting`, `refs`), the due
/// time, the translated message and references, and who set the line it crossed.
pub fn reminder_json(ctx: &Ctx, r: &Reminder) -> Value {
    json!({
        "rule": r.rule.code(),
        "class": r.class().code(),
        "severity": r.severity.code(),
        "due": r.due.map(|t| t.to_rfc3339()),
        // The setting the rule reads; `set_by` says whether this item's line came from it.
        "setting": r.rule.rule().setting.map(|s| s.key()),
        "refs": r.refs().iter().map(|x| x.code()).collect::<Vec<_>>(),
        "message": describe::reminder_message(r, &ctx.i18n),
        "sources": describe::refs_text(r.refs(), &ctx.i18n),
        "set_by": match r.setting {
            Some(k) if ctx.settings.is_set_by_team(k.key()) => "care_team",
            Some(_) => "app_default",
            None => "lab_or_plan",
        },
    })
}

pub fn status(ctx: &Ctx, a: StatusArgs, out: &mut impl Write) -> CliResult {
    let (o, reminders) = evaluate(ctx, &ctx.clock)?;
    if a.json {
        let mut v = status_json(&o);
        v["alerts"] = reminders
            .iter()
            .filter(|r| r.severity != crate::domain::reminders::Severity::Info)
            .map(|r| reminder_json(ctx, r))
            .collect();
        serde_json::to_writer_pretty(&mut *out, &v).map_err(|e| CliError::Failed(e.to_string()))?;
        return writeln!(out).map_err(io_error);
    }
    let view = StatusView::new(&o, &ctx.i18n);
    for line in status_lines(&view, &ctx.i18n) {
        writeln!(out, "{line}").map_err(io_error)?;
    }
    if o.regimen.is_none() {
        // Name what sets one, on the command line and on the screen.
        writeln!(out, "{}", ctx.i18n.t("flow.status_set_regimen")).map_err(io_error)?;
    }
    Ok(())
}

fn evaluate(ctx: &Ctx, clock: &Clock) -> CliResult<(Overview, Vec<Reminder>)> {
    if !ctx.paths.db.exists() {
        let f = crate::domain::facts::Facts::default();
        let t = &ctx.settings.thresholds;
        let o = crate::domain::overview::overview(&f, clock, t);
        return Ok((o, Vec::new()));
    }
    let store = ctx.open_store()?;
    let (_, o, r) =
        facts::assess(&store, clock, &ctx.settings.thresholds).map_err(|e| ctx.store_error(e))?;
    Ok((o, r))
}

pub fn remind(ctx: &Ctx, a: RemindArgs, out: &mut impl Write) -> CliResult {
    let clock = match &a.at {
        Some(s) => Clock::Fixed(parse_any(s, &ctx.clock).map_err(|e| ctx.when("at", &e))?),
        None => ctx.clock.clone(),
    };
    let (_, reminders) = evaluate(ctx, &clock)?;
    let urgent = reminders
        .iter()
        .any(|r| r.severity == crate::domain::reminders::Severity::Urgent);
    print_reminders(ctx, &a, &clock, &reminders, out)?;
    if a.exit_code && urgent {
        // Silent: the items were printed (or notified) above.
        return Err(CliError::Quiet);
    }
    Ok(())
}

fn print_reminders(
    ctx: &Ctx,
    a: &RemindArgs,
    clock: &Clock,
    reminders: &[Reminder],
    out: &mut impl Write,
) -> CliResult {
    if a.notify {
        return super::notify::remind(ctx, clock, reminders, out);
    }
    if a.json {
        // An empty array when nothing is due: still valid JSON for scripts.
        let v: Vec<Value> = reminders.iter().map(|r| reminder_json(ctx, r)).collect();
        serde_json::to_writer_pretty(&mut *out, &v).map_err(|e| CliError::Failed(e.to_string()))?;
        return writeln!(out).map_err(io_error);
    }
    for r in reminders {
        writeln!(
            out,
            "{} {}",
            describe::severity_mark(r.severity, &ctx.i18n),
            describe::reminder_message(r, &ctx.i18n)
        )
        .map_err(io_error)?;
    }
    Ok(())
}
