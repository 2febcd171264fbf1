//! What a drug level's form starts with: the last dose from the dose log, and the line under
//! the field that says how long before the draw it was and where it came from.

use chrono::Duration;

use crate::domain::clock::Clock;
use crate::domain::drugs::Drug;
use crate::domain::entry::{DoseStatus, EntryData, Kind};
use crate::domain::units::fmt_num;
use crate::domain::when::parse_when;
use crate::present::i18n::I18n;
use crate::store::{EntryFilter, Order};
use crate::tui::app::App;
use crate::tui::dialogs::form::{Form, LastDose, stamp};

impl App {
    /// The last dose taken of the regimen's drug (cyclosporine without one), up to now.
    pub(crate) fn last_dose_default(&self) -> Option<LastDose> {
        let drug = self
            .overview
            .as_ref()
            .and_then(|o| o.regimen.as_ref())
            .map(|r| r.drug)
            .unwrap_or(Drug::Cyclosporine);
        let now = self.clock.now();
        let doses = self
            .store
            .entries(&EntryFilter {
                kind: Some(Kind::Dose),
                subject: Some(drug.code().to_string()),
                to: Some((now + Duration::seconds(1)).to_utc()),
                limit: Some(20),
                order: Order::NewestFirst,
                ..Default::default()
            })
            .ok()?;
        doses.into_iter().find_map(|e| match e.data {
            EntryData::Dose(d) if d.status == DoseStatus::Taken => Some(LastDose {
                at: e.at,
                slot: d.scheduled_for,
            }),
            _ => None,
        })
    }
}

/// The lines under a drug level's "last dose": the hours between that dose and the draw and
/// where the time came from (the dose log or typed), then the accepted format. Empty for
/// other tests.
pub fn last_dose_hint(form: &Form, clock: &Clock, i: &I18n) -> Vec<String> {
    let format = i.t("prefill.format").to_string();
    match standing(form, clock, i) {
        Some(None) => vec![format],
        Some(Some(s)) => vec![s, format],
        None => Vec::new(),
    }
}

/// `None` for other tests; `Some(None)` when the times cannot be read (yet).
fn standing(form: &Form, clock: &Clock, i: &I18n) -> Option<Option<String>> {
    use crate::domain::entry::Analyte;
    if form.kind != Kind::Lab
        || !Analyte::parse(&form.get("analyte")).is_some_and(Analyte::is_drug_level)
    {
        return None;
    }
    let typed = form.get("last_dose");
    if typed.trim().is_empty() {
        return Some(Some(i.t("prefill.unknown").to_string()));
    }
    let Ok(last) = parse_when(&typed, clock) else {
        return Some(None);
    };
    let at_text = form.get("at");
    let drawn = if at_text.trim().is_empty() {
        Ok(clock.now())
    } else {
        parse_when(&at_text, clock)
    };
    let Ok(drawn) = drawn else {
        return Some(None);
    };
    let hours = fmt_num((drawn - last).num_minutes() as f64 / 60.0, 1);
    let from_log = form
        .prefill
        .as_ref()
        .filter(|p| stamp(p.at) == typed.trim());
    let text = match from_log {
        Some(p) => i.tf(
            "prefill.from_log",
            &[
                ("hours", &hours),
                ("dose", &p.slot.unwrap_or(p.at).format("%H:%M").to_string()),
                ("date", &p.at.format("%m-%d").to_string()),
            ],
        ),
        None => i.tf("prefill.typed", &[("hours", &hours)]),
    };
    Some(Some(text))
}
