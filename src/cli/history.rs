//! `itp-diary history ID`: every kept version of an entry (from `entry_revisions`), oldest
//! first, then the entry as it is now.

use std::io::Write;

use super::{CliResult, Ctx, io_error};

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
    // Shown in the patient's current UTC offset.
    let offset = *ctx.clock.now().offset();
    for line in crate::present::revisions::lines(id, &versions, &now, offset, i) {
        writeln!(out, "{line}").map_err(io_error)?;
    }
    Ok(())
}
