//! `itp-diary config path|show|init`.

use std::io::Write;

use clap::Subcommand;

use super::{CliError, CliResult, Ctx, io_error};
use crate::app::config::default_settings_text;
use crate::domain::settings::SPECS;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the settings file's path.
    Path,
    /// Print every setting in effect, with its unit and whether it is the app default (and its
    /// source) or set by the care team.
    Show {
        /// Machine-readable output: one object with the path, every setting and warnings.
        #[arg(long)]
        json: bool,
    },
    /// Write a settings file with every setting commented out at its default.
    Init {
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: ConfigCommand, out: &mut impl Write) -> CliResult {
    let i = &ctx.i18n;
    match cmd {
        ConfigCommand::Path => writeln!(out, "{}", ctx.paths.config.display()).map_err(io_error),
        ConfigCommand::Show { json: true } => show_json(ctx, out),
        ConfigCommand::Show { json: false } => {
            for s in SPECS {
                let v = (s.get)(&ctx.settings.thresholds);
                let origin = if ctx.settings.is_set_by_team(s.key) {
                    i.t("settings.set_by_team").to_string()
                } else {
                    let refs = crate::present::describe::refs_text(s.refs, i);
                    i.tf("settings.app_default", &[("source", &refs)])
                };
                writeln!(out, "{} = {} {}  ({origin})", s.key, v, s.unit).map_err(io_error)?;
            }
            let q = ctx.settings.quiet_hours.label();
            writeln!(out, "notify.quiet_hours = {q}").map_err(io_error)?;
            plan_target_note(ctx, out)
        }
        ConfigCommand::Init { force } => {
            let path = &ctx.paths.config;
            if path.exists() && !force {
                return Err(CliError::Invalid(
                    i.tf("settings.exists", &[("path", &path.display().to_string())]),
                ));
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                // Owner-only, like the diary's folder.
                crate::app::backup::create_private_dir(dir).map_err(|e| {
                    CliError::Failed(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            // Atomic and owner-only (0600): a crash never leaves half a settings file.
            crate::store::atomic::write_file(path, |w| {
                w.write_all(default_settings_text().as_bytes())
            })
            .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))?;
            writeln!(
                out,
                "{}",
                i.tf("settings.written", &[("path", &path.display().to_string())])
            )
            .map_err(io_error)
        }
    }
}

/// `config show --json`.
/// A plan with its own trough target (`regimen start --trough-target`) is judged against it,
/// not against `trough.target_low/high` (session 7: `config show` listed the settings' target
/// as in effect while the plan's was used).
fn plan_target_note(ctx: &Ctx, out: &mut impl Write) -> CliResult {
    if !ctx.paths.db.exists() {
        return Ok(());
    }
    let store = ctx.open_store()?;
    let today = ctx.clock.today();
    let plans = store.regimens().map_err(|e| ctx.store_error(e))?;
    let own = plans
        .iter()
        .filter(|r| r.is_active_on(today))
        .find_map(|r| r.target_low.zip(r.target_high).map(|t| (r, t)));
    if let Some((r, (lo, hi))) = own {
        let i = &ctx.i18n;
        let line = i.tf(
            "settings.plan_target",
            &[
                ("drug", i.t(&r.drug.label_key())),
                ("low", &crate::domain::units::fmt_num(lo, 0)),
                ("high", &crate::domain::units::fmt_num(hi, 0)),
            ],
        );
        writeln!(out, "{line}").map_err(io_error)?;
    }
    Ok(())
}

fn show_json(ctx: &Ctx, out: &mut impl Write) -> CliResult {
    let settings: Vec<serde_json::Value> = SPECS
        .iter()
        .map(|s| {
            serde_json::json!({
                "key": s.key,
                "value": (s.get)(&ctx.settings.thresholds),
                "unit": s.unit,
                "set_by": if ctx.settings.is_set_by_team(s.key) { "care_team" } else { "app_default" },
                "refs": s.refs.iter().map(|r| r.code()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let v = serde_json::json!({
        "path": ctx.paths.config.display().to_string(),
        "settings": settings,
        "notify": { "quiet_hours": ctx.settings.quiet_hours.label() },
        "language": ctx.settings.language.map(|l| l.code()),
        "warnings": [],
    });
    serde_json::to_writer_pretty(&mut *out, &v).map_err(|e| CliError::Failed(e.to_string()))?;
    writeln!(out).map_err(io_error)
}
