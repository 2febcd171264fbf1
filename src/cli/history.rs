//! `itp-diary history ID`: every kept version of an entry (from `entry_revisions`), oldest
//! first, then the entry as it is now.

use std::io::Write;

use super::{CliResult, Ctx, io_error};
use crate::domain::entry::Entry;
use crate::present::describe;
use crate::present::i18n::I18n;

fn summary(e: &Entry, i: &I18n) -> String {
    let mut s = format!(
        "{} {} {}",
        e.at.format("%Y-%m-%d %H:%M"),
        describe::what(&e.data, i),
        describe::value(&e.data, i)
    );
    if let Some(n) = &e.note {
        s.push_str(&format!(" — {}", n.replace('\n', " ")));
    }
    if e.deleted {
        s.push_str(&format!(" {}", i.t("cli.deleted_mark")));
    }
    s
}

pub fn run(ctx: &Ctx, id: i64, out: &mut impl Write) -> CliResult {
    let i = &ctx.i18n;
    if !ctx.paths.db.exists() {
        return Err(super::CliError::Invalid(
            i.tf("error.not_found", &[("id", &id.to_string())]),
        ));
    }
    let store = ctx.open_store()?;
    let versions = store.entry_history(id).map_err(|e| ctx.store_error(e))?;
    let now = store.entry(id).map_err(|e| ctx.store_error(e))?;
    let idt = id.to_string();
    writeln!(out, "{}", i.tf("safety.history_title", &[("id", &idt)])).map_err(io_error)?;
    if versions.is_empty() {
        writeln!(out, "{}", i.tf("safety.history_none", &[("id", &idt)])).map_err(io_error)?;
    }
    for (r, before) in &versions {
        // Shown in the patient's current UTC offset.
        let offset = *ctx.clock.now().offset();
        let when = chrono::DateTime::parse_from_rfc3339(&r.changed_at)
            .map(|t| {
                t.with_timezone(&offset)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|_| r.changed_at.clone());
        let action = i.t(&format!("safety.action_{}", r.action)).to_string();
        writeln!(
            out,
            "{}",
            i.tf(
                "safety.history_row",
                &[
                    ("when", &when),
                    ("action", &action),
                    ("what", &summary(before, i))
                ]
            )
        )
        .map_err(io_error)?;
    }
    writeln!(
        out,
        "{} {}",
        i.t("safety.history_current"),
        summary(&now, i)
    )
    .map_err(io_error)
}
