//! `itp-diary take [SLOT]` and `itp-diary skip [SLOT]`: answer a planned slot in one word.
//! Without SLOT, the oldest unanswered slot of today, else the next one. The dose is the
//! plan's (drug, amount, formulation) and names its slot, so adherence counts it exactly.
//! Also the slot lookup `log dose` uses when no amount is given.

use std::io::Write;

use chrono::{DateTime, FixedOffset, NaiveTime};
use clap::Args;

use super::{CliError, CliResult, Ctx, io_error};
use crate::app::entry_input::{RawEntry, build};
use crate::app::facts::load_facts;
use crate::domain::dosing::SlotState;
use crate::domain::entry::DoseStatus;
use crate::domain::take::{Confirmed, Pick, PickError, pick};
use crate::domain::units::fmt_num;
use crate::present::ago;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct TakeArgs {
    /// The slot of today to answer, as its time (08:00). Default: the oldest unanswered slot
    /// of today, else the next one.
    #[arg(value_name = "SLOT")]
    pub slot: Option<String>,
    /// Record a second dose for a slot that is already answered.
    #[arg(long)]
    pub extra: bool,
    /// Confirm a missed slot's dose taken now, soon after another dose (refused without it).
    #[arg(long)]
    pub late: bool,
    /// A free-text note.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

/// "2026-03-10 08:00".
fn stamp(at: DateTime<FixedOffset>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

fn hm(at: DateTime<FixedOffset>) -> String {
    at.format("%H:%M").to_string()
}

/// Two or more slots of today open: name them all (the missed-and-due pair as before).
fn ambiguous(ctx: &Ctx, open: &[(DateTime<FixedOffset>, SlotState)], cmd: &str) -> String {
    let i = &ctx.i18n;
    if let [(missed, SlotState::Missed), (due, s)] = open
        && *s != SlotState::Missed
    {
        return i.tf(
            "take.ambiguous",
            &[
                ("missed", &stamp(*missed)),
                ("due", &stamp(*due)),
                ("t1", &hm(*missed)),
                ("t2", &hm(*due)),
                ("cmd", cmd),
            ],
        );
    }
    let slots: Vec<String> = open
        .iter()
        .map(|(at, s)| format!("{} ({})", stamp(*at), i.t(&format!("status.{}", s.code()))))
        .collect();
    let times: Vec<String> = open.iter().map(|(at, _)| hm(*at)).collect();
    i.tf(
        "take_guard.ambiguous",
        &[
            ("slots", &slots.join(", ")),
            ("t1", times.first().map_or("", |s| s.as_str())),
            // The others (the first is named already).
            ("times", &times.get(1..).unwrap_or_default().join(", ")),
            ("cmd", cmd),
        ],
    )
}

/// A refusal to choose a slot, in words; `cmd` (`take` or `skip`) is the command it suggests.
pub fn pick_error(ctx: &Ctx, e: &PickError, cmd: &str) -> CliError {
    let i = &ctx.i18n;
    CliError::Invalid(match e {
        PickError::NoRegimen => i.t("take.no_regimen").to_string(),
        PickError::NoSlot => i.t("take.no_slot").to_string(),
        PickError::NotASlot { wanted, times } => i.tf(
            "take.not_a_slot",
            &[
                ("wanted", &wanted.format("%H:%M").to_string()),
                (
                    "times",
                    &times
                        .iter()
                        .map(|t| t.format("%H:%M").to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ],
        ),
        PickError::Ambiguous { open } => ambiguous(ctx, open, cmd),
        // `take HH:MM` names a slot of today only: a later day's slot is just named.
        PickError::NotDue { next } if next.date_naive() != ctx.clock.now().date_naive() => {
            i.tf("take_guard.not_due_later", &[("slot", &stamp(*next))])
        }
        PickError::NotDue { next } => i.tf(
            "take_guard.not_due",
            &[("slot", &stamp(*next)), ("time", &hm(*next)), ("cmd", cmd)],
        ),
        PickError::SoonAfter { slot, last, now } => i.tf(
            "take_guard.soon_after",
            &[
                ("slot", &stamp(*slot)),
                ("time", &hm(*slot)),
                ("last", &stamp(*last)),
                ("ago", &ago::gap((*now - *last).num_minutes(), i)),
            ],
        ),
        PickError::Answered {
            at,
            state: SlotState::Skipped,
            by,
        } => i.tf(
            "take.skipped_already",
            &[
                ("slot", &stamp(*at)),
                ("by", &by.map(stamp).unwrap_or_else(|| "—".into())),
            ],
        ),
        PickError::Answered { at, state, by } => i.tf(
            "take.answered_already",
            &[
                ("slot", &stamp(*at)),
                ("state", i.t(&format!("status.{}", state.code()))),
                ("by", &by.map(stamp).unwrap_or_else(|| "—".into())),
            ],
        ),
    })
}

/// The dose that answers `p`, as typed fields (so it passes the same validation as `log`).
pub fn raw_dose(p: &Pick, status: DoseStatus) -> RawEntry {
    RawEntry::Dose {
        drug: p.drug.code().to_string(),
        amount: Some(fmt_num(p.amount, 3)),
        unit: Some(p.unit.clone()),
        mg_per_ml: None,
        route: None,
        formulation: p.formulation.clone(),
        status,
        scheduled: Some(p.at.to_rfc3339()),
    }
}

pub fn run(ctx: &Ctx, args: TakeArgs, status: DoseStatus, out: &mut impl Write) -> CliResult {
    let i = &ctx.i18n;
    let wanted = args
        .slot
        .as_deref()
        .map(|s| {
            NaiveTime::parse_from_str(s.trim(), "%H:%M")
                .map_err(|_| CliError::Invalid(i.tf("take.bad_slot", &[("input", s)])))
        })
        .transpose()?;
    // Nothing to answer in a diary that does not exist: never create the file for a refusal.
    if !ctx.paths.db.exists() {
        return Err(pick_error(ctx, &PickError::NoRegimen, "take"));
    }
    let mut store: Store = ctx.open_store()?;
    let t = &ctx.settings.thresholds;
    let facts = load_facts(&store, &ctx.clock, t).map_err(|e| ctx.store_error(e))?;
    // A skip of a missed slot needs no confirmation: no dose is taken.
    let ok = Confirmed {
        extra: args.extra,
        late: args.late || status == DoseStatus::Skipped,
    };
    let cmd = if status == DoseStatus::Skipped {
        "skip"
    } else {
        "take"
    };
    let p = pick(&facts, &ctx.clock, t, wanted, ok).map_err(|e| pick_error(ctx, &e, cmd))?;
    // The one save path (the same checks and warnings as `log` and the screen).
    let built = build(&raw_dose(&p, status), None, args.note, &ctx.clock, || None)
        .map_err(|e| CliError::Invalid(i.input_error(&e)))?;
    let policy = crate::app::entries::Policy {
        thresholds: t,
        extra: args.extra,
        soon: true,
    };
    let saved = crate::app::entries::insert(&mut store, built, &ctx.clock, policy)
        .map_err(|e| ctx.save_error(e))?;
    ctx.warn(&saved.warnings);
    let (entry, at) = (&saved.entry, saved.entry.at);
    let key = match (status, p.extra) {
        (DoseStatus::Taken, true) if p.after_skip() => "take.after_skip",
        (_, true) => "take.extra",
        (DoseStatus::Skipped, _) => "take.skipped",
        _ => "take.taken",
    };
    let late = at - p.at > chrono::Duration::minutes(t.late_after_minutes as i64);
    let mut line = i.tf(key, &[("slot", &stamp(p.at))]);
    let window = chrono::Duration::minutes((t.slot_window_hours * 60.0) as i64);
    let hours = |d: chrono::Duration| fmt_num(d.num_minutes().abs() as f64 / 60.0, 1);
    if late && status == DoseStatus::Taken {
        line.push_str(&i.tf("take.late", &[("hours", &hours(at - p.at))]));
    } else if p.at - at > window && status == DoseStatus::Taken {
        // A slot named hours ahead is the patient's decision; the line says it was early.
        line.push_str(&i.tf("take_guard.early", &[("hours", &hours(p.at - at))]));
    }
    writeln!(
        out,
        "{}\n{line}",
        crate::present::describe::saved(entry, false, &ctx.clock, i)
    )
    .map_err(io_error)
}

/// `log dose DRUG` without an amount: take the planned amount of the slot the dose answers
/// (the `--scheduled` one, else the nearest planned slot within the window) and name that
/// slot. Refuses when no slot is near or the slot is already answered. Returns the line that
/// says where the amount came from; `None` when there is nothing to fill.
pub fn fill_from_plan(ctx: &Ctx, cmd: &mut super::log::LogCommand) -> CliResult<Option<String>> {
    use crate::domain::drugs::Drug;
    use crate::domain::take::{extra_slot_for, slot_for};
    use crate::domain::when::{parse_any, parse_when};
    let super::log::LogCommand::Dose {
        drug,
        amount,
        unit,
        formulation,
        missed: false,
        skipped: false,
        scheduled,
        common,
        extra,
        ..
    } = cmd
    else {
        return Ok(None);
    };
    if amount.as_deref().is_some_and(|a| !a.trim().is_empty()) {
        return Ok(None);
    }
    // Unparsable fields are left to the validation, which names them.
    let Some(d) = Drug::parse(drug) else {
        return Ok(None);
    };
    let at = match common
        .at
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => match parse_when(s, &ctx.clock) {
            Ok(at) => at,
            Err(_) => return Ok(None),
        },
        None => ctx.clock.now(),
    };
    let sched = match scheduled
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => match parse_any(s, &ctx.clock) {
            Ok(x) => Some(x),
            Err(_) => return Ok(None),
        },
        None => None,
    };
    let t = &ctx.settings.thresholds;
    let no_amount = || {
        CliError::Invalid(ctx.i18n.tf(
            "take.no_amount",
            &[
                ("hours", &fmt_num(t.slot_window_hours, 1)),
                ("at", &stamp(at)),
            ],
        ))
    };
    // Without a plan for this drug there is nothing to take the amount from: the validation
    // then asks for it.
    if !ctx.paths.db.exists() {
        return Ok(None);
    }
    let store = ctx.open_store()?;
    let facts = load_facts(&store, &ctx.clock, t).map_err(|e| ctx.store_error(e))?;
    if !facts.regimens.iter().any(|r| r.drug == d) {
        return Ok(None);
    }
    // An extra dose (`--extra`) takes the amount of its slot even when the slot is answered.
    let near = if *extra { extra_slot_for } else { slot_for };
    let p = match near(&facts, &ctx.clock, t, d, at, sched) {
        None => return Err(no_amount()),
        Some(Err(e)) => return Err(pick_error(ctx, &e, "take")),
        Some(Ok(p)) => p,
    };
    *amount = Some(fmt_num(p.amount, 3));
    *unit = Some(p.unit.clone());
    *scheduled = Some(p.at.to_rfc3339());
    if formulation.is_none() {
        formulation.clone_from(&p.formulation);
    }
    Ok(Some(ctx.i18n.tf(
        "take.from_plan",
        &[
            ("amount", &fmt_num(p.amount, 3)),
            ("unit", &p.unit),
            ("slot", &stamp(p.at)),
        ],
    )))
}
