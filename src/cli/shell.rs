//! The shell's manners: `completions`, `man`, and `patients` (the diaries in the data folder).

use std::io::Write;

use clap::{Args, CommandFactory, ValueEnum};
use serde_json::json;

use super::{Cli, CliError, CliResult, Ctx, io_error};
use crate::app::patients;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct PatientsArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

pub fn completions(a: &CompletionsArgs) -> CliResult {
    use clap_complete::Shell as S;
    let shell = match a.shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
        Shell::Elvish => S::Elvish,
    };
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut Cli::command(), "itp-diary", &mut out);
    out.flush().map_err(io_error)
}

pub fn man() -> CliResult {
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(io_error)?;
    out.flush().map_err(io_error)
}

pub fn patients(ctx: &Ctx, a: PatientsArgs, out: &mut impl Write) -> CliResult {
    let root = crate::app::config::default_data_dir()
        .ok_or_else(|| CliError::Failed("no home folder found".into()))?;
    let list = patients::list(&root).map_err(|e| ctx.store_error(e))?;
    let i = &ctx.i18n;
    if a.json {
        let v: Vec<_> = list
            .iter()
            .map(|p| {
                let file = match &p.name {
                    Some(n) => format!("{n}.sqlite"),
                    None => patients::DEFAULT_DB.to_string(),
                };
                json!({
                    "name": p.name,
                    "db": root.join(file).display().to_string(),
                    "latest": p.latest.map(|t| t.to_rfc3339()),
                    "entries": p.entries,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &json!({ "patients": v, "warnings": [] }))
            .map_err(|e| CliError::Failed(e.to_string()))?;
        return writeln!(out).map_err(io_error);
    }
    if list.is_empty() {
        return writeln!(out, "{}", i.t("patients.none")).map_err(io_error);
    }
    for p in &list {
        let name = p
            .name
            .clone()
            .unwrap_or_else(|| i.t("patients.default").to_string());
        let latest = p.latest.map_or_else(
            || i.t("patients.no_entries").to_string(),
            |t| t.format("%Y-%m-%d").to_string(),
        );
        let line = i.tf(
            "patients.line",
            &[
                ("name", &name),
                ("latest", &latest),
                ("count", &p.entries.to_string()),
            ],
        );
        writeln!(out, "{line}").map_err(io_error)?;
    }
    Ok(())
}
