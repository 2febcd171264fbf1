//! What a form starts with and keeps: a drug level's last dose from the dose log (and the line
//! under the field that says how long before the draw it was and where it came from), times
//! shown as `YYYY-MM-DD HH:MM` with their exact instant kept, and on an edit what the form has
//! no field for (a dose's route and slot, a lab's method).

use chrono::{DateTime, Duration, FixedOffset};

use crate::app::entry_input::RawEntry;
use crate::domain::clock::Clock;
use crate::domain::drugs::Drug;
use crate::domain::entry::{Analyte, DoseStatus, EntryData, Kind};
use crate::domain::units::fmt_num;
use crate::domain::when::parse_when;
use crate::present::i18n::I18n;
use crate::store::{EntryFilter, Order};
use crate::tui::app::App;
use crate::tui::dialogs::form::Form;

/// The last dose on record, as a level form's prefill.
#[derive(Clone, Debug, PartialEq)]
pub struct LastDose {
    pub at: DateTime<FixedOffset>,
    /// The slot it answered, when known.
    pub slot: Option<DateTime<FixedOffset>>,
}

/// `2026-03-09 20:00`.
pub fn stamp(at: DateTime<FixedOffset>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

impl App {
    /// The last dose taken of the regimen's drug (cyclosporine without one), up to now.
    pub(crate) fn last_dose_default(&self) -> Option<LastDose> {
        self.recent_doses().into_iter().next()
    }

    /// The recent doses taken of the regimen's drug, newest first, up to now.
    pub(crate) fn recent_doses(&self) -> Vec<LastDose> {
        let drug = self
            .view
            .overview
            .as_ref()
            .and_then(|o| o.regimen.as_ref())
            .map(|r| r.drug)
            .unwrap_or(Drug::Cyclosporine);
        let now = self.ctx.clock.now();
        let doses = self
            .ctx
            .store
            .entries(&EntryFilter {
                kind: Some(Kind::Dose),
                subject: Some(drug.code().to_string()),
                to: Some((now + Duration::seconds(1)).to_utc()),
                limit: Some(20),
                order: Order::NewestFirst,
                ..Default::default()
            })
            .unwrap_or_default();
        doses
            .into_iter()
            .filter_map(|e| match e.data {
                EntryData::Dose(d) if d.status == DoseStatus::Taken => Some(LastDose {
                    at: e.at,
                    slot: d.scheduled_for,
                }),
                _ => None,
            })
            .collect()
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
    if form.kind != Kind::Lab
        || !Analyte::parse(&form.get("analyte")).is_some_and(Analyte::is_drug_level)
    {
        return None;
    }
    let typed = form.get("last_dose");
    if typed.trim().is_empty() {
        // Saved so, the level is timed from the dose log, as every view times it (session 7:
        // the line said "will not be judged", and Today then judged it from the log).
        let logged = form.dose_before(drawn_at(form, clock));
        return Some(Some(match logged {
            Some(p) => i.tf("prefill.empty_from_log", &[("date", &stamp(p.at))]),
            None => i.t("prefill.unknown").to_string(),
        }));
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

/// The draw time as typed (now when empty; `None` while it cannot be read).
fn drawn_at(form: &Form, clock: &Clock) -> Option<DateTime<FixedOffset>> {
    let text = form.get("at");
    if text.trim().is_empty() {
        Some(clock.now())
    } else {
        parse_when(&text, clock).ok()
    }
}

impl Form {
    /// The newest recent dose at or before `drawn`.
    fn dose_before(&self, drawn: Option<DateTime<FixedOffset>>) -> Option<&LastDose> {
        let drawn = drawn?;
        self.recent_doses.iter().find(|d| d.at <= drawn)
    }

    /// A drug level's last dose follows its draw time while it is the dose log's: a draw
    /// typed before the last dose takes the one before it (session 7: "-0.2 h after", "the
    /// last dose is after the blood draw").
    pub(crate) fn follow_draw_time(&mut self, clock: &Clock) {
        let level = Analyte::parse(&self.get("analyte")).is_some_and(Analyte::is_drug_level);
        let Some(current) = &self.prefill else { return };
        if !level || self.get("last_dose") != stamp(current.at) {
            return;
        }
        let Some(drawn) = drawn_at(self, clock) else {
            return;
        };
        let before = self.dose_before(Some(drawn)).cloned();
        if before.as_ref() != Some(current) {
            let text = before.as_ref().map(|p| stamp(p.at)).unwrap_or_default();
            self.set("last_dose", &text);
            if let Some(p) = before {
                self.prefill = Some(p);
            }
        }
    }

    /// A drug level gets the last dose from the dose log (while nothing else was typed
    /// there); another test loses it again.
    pub(crate) fn sync_last_dose(&mut self) {
        let Some(p) = &self.prefill else { return };
        let text = stamp(p.at);
        let level = Analyte::parse(&self.get("analyte")).is_some_and(Analyte::is_drug_level);
        let current = self.get("last_dose");
        if level && current.is_empty() {
            self.set("last_dose", &text);
        } else if !level && current == text {
            self.set("last_dose", "");
        }
    }

    /// Show a stored instant as `YYYY-MM-DD HH:MM`, keeping the exact instant (and its UTC
    /// offset) for as long as the text is not changed.
    pub(crate) fn set_time(&mut self, code: &str, rfc3339: &str) {
        let Ok(t) = DateTime::parse_from_rfc3339(rfc3339) else {
            self.set(code, rfc3339);
            return;
        };
        if let Some(f) = self.fields.iter_mut().find(|f| f.code == code) {
            f.value = stamp(t);
            f.exact = Some((f.value.clone(), rfc3339.to_string()));
        }
    }
}

/// What an edit keeps from the original entry that the form has no field for: a dose's route
/// and slot (same drug), a lab's assay method (same test).
pub fn keep_original(mut raw: RawEntry, original: Option<&RawEntry>) -> RawEntry {
    match (&mut raw, original) {
        (
            RawEntry::Dose {
                drug,
                route,
                scheduled,
                ..
            },
            Some(RawEntry::Dose {
                drug: d0,
                route: r0,
                scheduled: s0,
                ..
            }),
        ) if drug == d0 => {
            route.clone_from(r0);
            scheduled.clone_from(s0);
        }
        (
            RawEntry::Lab {
                analyte, method, ..
            },
            Some(RawEntry::Lab {
                analyte: a0,
                method: m0,
                ..
            }),
        ) if analyte == a0 => method.clone_from(m0),
        _ => {}
    }
    raw
}
