//! The view model: what the screens show of the diary as of one moment, built in
//! `App::refresh` (never while drawing). Today and `itp-diary status` share the same
//! [`StatusView`]; History judges levels against the overview's regimen; Today and Reminders
//! list the same due items.

use crate::app::facts;
use crate::domain::overview::Overview;
use crate::domain::reminders::Reminder;
use crate::present::status::StatusView;
use crate::store::Result;
use crate::tui::shared::Shared;

#[derive(Default)]
pub struct View {
    pub overview: Option<Overview>,
    /// What Today shows, derived from the overview (the same view as `status`).
    pub status: Option<StatusView>,
    /// The due items, most urgent first.
    pub reminders: Vec<Reminder>,
    /// What `t` would answer now (Today names it before the press).
    pub next_dose: Option<crate::tui::dialogs::slots::Next>,
}

impl View {
    /// Assess the diary now: the view, and Today's platelet line (see
    /// [`crate::tui::screens::today::spark`]).
    pub fn load(ctx: &Shared) -> Result<(View, Vec<(f64, f64)>)> {
        let (facts, o, reminders) =
            facts::assess(&ctx.store, &ctx.clock, &ctx.settings.thresholds)?;
        let spark = crate::tui::screens::today::spark(&facts, o.now);
        let t = &ctx.settings.thresholds;
        let next = crate::tui::dialogs::slots::next_answer(&facts, &ctx.clock, t, None, false);
        let view = View {
            next_dose: Some(next),
            status: Some(StatusView::new(&o, &ctx.i18n)),
            overview: Some(o),
            reminders,
        };
        Ok((view, spark))
    }
}
