//! `itp-diary note`: the questions for the next clinic visit.

use std::io::Write;

use clap::Args;

use super::{CliError, CliResult, Ctx, io_error};

#[derive(Debug, Args)]
pub struct NoteArgs {
    /// A question for the next clinic visit (printed in the report).
    #[arg(long, value_name = "TEXT")]
    pub for_visit: Option<String>,
    /// List the open questions.
    #[arg(long)]
    pub list: bool,
    /// Mark a question answered.
    #[arg(long, value_name = "ID")]
    pub done: Option<i64>,
}

pub fn note(ctx: &Ctx, a: NoteArgs, out: &mut impl Write) -> CliResult {
    let i = &ctx.i18n;
    if let Some(t) = &a.for_visit {
        // A question is one line (printed as a list item), held to the free-text rule.
        let t = t.trim().to_string();
        if t.is_empty() {
            return Err(CliError::Invalid(
                i.tf("error.missing", &[("field", &i.field("question"))]),
            ));
        }
        if let Some(e) = crate::app::entry_input::free_text_error("question", &t, false) {
            return Err(ctx.invalid(&e));
        }
        let mut store = ctx.open_store()?;
        let id = store
            .add_question(&t, ctx.clock.now())
            .map_err(|e| ctx.store_error(e))?;
        return writeln!(out, "{}", i.tf("note.saved", &[("id", &id.to_string())]))
            .map_err(io_error);
    }
    if let Some(id) = a.done {
        let mut store = ctx.open_store()?;
        store
            .answer_question(id, ctx.clock.now())
            .map_err(|e| ctx.store_error(e))?;
        return writeln!(out, "{}", i.tf("note.done", &[("id", &id.to_string())]))
            .map_err(io_error);
    }
    let qs = if ctx.paths.db.exists() {
        ctx.open_store()?
            .questions(false)
            .map_err(|e| ctx.store_error(e))?
    } else {
        Vec::new()
    };
    if qs.is_empty() {
        return writeln!(out, "{}", i.t("note.none")).map_err(io_error);
    }
    for q in qs {
        writeln!(
            out,
            "{:>4}  {}  {}",
            q.id,
            q.created_at.format("%Y-%m-%d"),
            // One visible line (a question from an older diary may hold a line break).
            crate::present::sanitize::visible_line(&q.text)
        )
        .map_err(io_error)?;
    }
    Ok(())
}
