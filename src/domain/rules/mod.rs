//! The clinical engine (clinical.md B, C, D, E): what is due, overdue or alarming at one
//! moment, most urgent first. Every rule is a row of [`TABLE`] — its typed id, class,
//! severity, the setting it reads, what Enter opens, the references it rests on and the rules
//! it supersedes — and a small check function. The diary never proposes a dose: messages say
//! what crossed which line and to tell the care team.
//!
//! Rules read [`Facts`] cut at `now` ([`Facts::as_of`]): nothing logged after the moment being
//! assessed can change what is shown for it.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use super::clock::Clock;
use super::entry::{Analyte, Kind};
use super::facts::Facts;
use super::overview::Overview;
use super::settings::{Setting, Thresholds};
use super::units::fmt_num;

mod alerts;
mod medication;
mod monitoring;
mod table;

pub use alerts::creatinine_baseline;
pub use monitoring::{Item as MonitoringItem, SCHEDULE};
pub use table::{RuleId, TABLE};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Urgent,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Urgent => "urgent",
        }
    }
}

/// What kind of item a rule produces: something to do (due / overdue), an alert about a value,
/// or information.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Due,
    Overdue,
    Alert,
    Info,
}

impl Class {
    pub fn code(self) -> &'static str {
        match self {
            Class::Due => "due",
            Class::Overdue => "overdue",
            Class::Alert => "alert",
            Class::Info => "info",
        }
    }

    /// Items that belong in a calendar (something to do on a date).
    pub fn is_task(self) -> bool {
        matches!(self, Class::Due | Class::Overdue)
    }
}

/// What a rule rests on. Users read the translated label (`ref.<code>`), never an internal
/// document name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ref {
    /// US cyclosporine (modified: Neoral/Gengraf) label.
    UsLabel,
    /// Drug labels of the thrombopoietin-receptor agonists (eltrombopag, avatrombopag,
    /// romiplostim).
    TpoLabel,
    /// IWG 2009 standard definitions (Rodeghiero et al.).
    Iwg2009,
    /// ASH 2019 ITP guideline.
    Ash2019,
    /// Chinese adult ITP guideline 2020.
    Cn2020,
    /// The lab's own reference range printed with the result.
    LabRange,
    /// Published ITP case series on cyclosporine.
    ItpSeries,
    /// Laboratory practice (test catalogues).
    LabPractice,
    /// Published review of cyclosporine interactions.
    InteractionReview,
    /// A default of this app, with no clinical source: the care team should set it.
    AppDefault,
}

impl Ref {
    pub const ALL: &'static [Ref] = &[
        Ref::UsLabel,
        Ref::TpoLabel,
        Ref::Iwg2009,
        Ref::Ash2019,
        Ref::Cn2020,
        Ref::LabRange,
        Ref::ItpSeries,
        Ref::LabPractice,
        Ref::InteractionReview,
        Ref::AppDefault,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Ref::UsLabel => "us_label",
            Ref::TpoLabel => "tpo_label",
            Ref::Iwg2009 => "iwg_2009",
            Ref::Ash2019 => "ash_2019",
            Ref::Cn2020 => "cn_2020",
            Ref::LabRange => "lab_range",
            Ref::ItpSeries => "itp_series",
            Ref::LabPractice => "lab_practice",
            Ref::InteractionReview => "interaction_review",
            Ref::AppDefault => "app_default",
        }
    }
}

/// What Enter on an item opens: the form for a kind (and analyte), or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enter {
    Log(Kind, Option<Analyte>),
    Nothing,
}

/// One row of the rule table.
#[derive(Debug)]
pub struct Rule {
    pub id: RuleId,
    pub class: Class,
    pub severity: Severity,
    /// The setting whose value the rule compares with (or counts by).
    pub setting: Option<Setting>,
    pub enter: Enter,
    pub refs: &'static [Ref],
    /// Rules hidden while this one fires (bp_urgent hides bp_high).
    pub supersedes: &'static [RuleId],
    /// The message's placeholders, each filled by the check.
    pub args: &'static [&'static str],
}

impl RuleId {
    /// The rule's row.
    pub fn rule(self) -> &'static Rule {
        // TABLE has one row per id in declaration order (a test checks).
        &TABLE[self as usize]
    }
}

/// One item. The message is `rule.<rule>` in the catalogues, filled with `args`.
#[derive(Clone, Debug, PartialEq)]
pub struct Reminder {
    pub rule: RuleId,
    pub severity: Severity,
    pub due: Option<DateTime<FixedOffset>>,
    pub args: Vec<(&'static str, String)>,
    /// The setting whose value triggered it (`None` when the lab's own range or the regimen
    /// set the line): for "app default" vs "set by your care team".
    pub setting: Option<Setting>,
}

impl Reminder {
    pub fn class(&self) -> Class {
        self.rule.rule().class
    }

    pub fn refs(&self) -> &'static [Ref] {
        self.rule.rule().refs
    }
}

/// Every rule id, for the catalogue test.
pub fn rule_codes() -> Vec<&'static str> {
    RuleId::ALL.iter().map(|r| r.code()).collect()
}

pub(crate) struct Out(Vec<Reminder>);

impl Out {
    /// Add an item of `rule` with its table severity and setting.
    fn push(
        &mut self,
        rule: RuleId,
        due: Option<DateTime<FixedOffset>>,
        args: Vec<(&'static str, String)>,
    ) {
        let row = rule.rule();
        debug_assert!(
            row.args.iter().all(|a| args.iter().any(|(k, _)| k == a)),
            "{} needs {:?}, got {args:?}",
            rule.code(),
            row.args
        );
        self.0.push(Reminder {
            rule,
            severity: row.severity,
            due,
            args,
            setting: row.setting,
        });
    }

    /// Add an item whose line came from the lab or the regimen rather than the setting.
    fn push_no_setting(
        &mut self,
        rule: RuleId,
        due: Option<DateTime<FixedOffset>>,
        args: Vec<(&'static str, String)>,
    ) {
        self.push(rule, due, args);
        if let Some(last) = self.0.last_mut() {
            last.setting = None;
        }
    }
}

fn n(x: f64) -> String {
    fmt_num(x, 1)
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Everything due, overdue or alarming at `clock.now()`, most urgent first. `f` is cut at now
/// first, so a caller may pass more than it loaded for that moment.
pub fn reminders(f: &Facts, o: &Overview, clock: &Clock, t: &Thresholds) -> Vec<Reminder> {
    reminders_within(f, o, clock, t, t.due_soon_days)
}

/// [`reminders`] with monitoring items listed when due within `horizon` days rather than the
/// setting `monitoring.remind_days_ahead` (the calendar and the Upcoming list read every next
/// date). Only the listing changes: when a check after a dose change is satisfied still
/// reads the setting.
pub fn reminders_within(
    f: &Facts,
    o: &Overview,
    clock: &Clock,
    t: &Thresholds,
    horizon: f64,
) -> Vec<Reminder> {
    let cut = f.as_of(o.now);
    let f = &cut;
    let mut out = Out(Vec::new());
    medication::doses(o, &mut out);
    if let (Some(r), Some(c)) = (&o.regimen, &o.course) {
        monitoring::monitoring(f, o, r, c, clock, t, horizon, &mut out);
        monitoring::checkpoints(o, r, c, clock, t, &mut out);
    }
    alerts::kidney(f, o, t, &mut out);
    alerts::blood_pressure(f, o, t, &mut out);
    alerts::drug_level(f, o, t, &mut out);
    alerts::electrolytes(f, t, &mut out);
    alerts::liver(f, t, &mut out);
    alerts::platelets(f, o, t, &mut out);
    medication::interactions(f, o, t, &mut out);
    medication::dose_per_kg(o, t, &mut out);
    medication::formulation(f, o, clock, t, &mut out);
    let mut v = supersede(out.0);
    v.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.due.is_none().cmp(&b.due.is_none()))
            .then(a.due.cmp(&b.due))
            .then(a.rule.cmp(&b.rule))
    });
    v
}

/// Drop the items a firing rule supersedes.
fn supersede(v: Vec<Reminder>) -> Vec<Reminder> {
    let hidden: Vec<RuleId> = v
        .iter()
        .flat_map(|r| r.rule.rule().supersedes.iter().copied())
        .collect();
    v.into_iter()
        .filter(|r| !hidden.contains(&r.rule))
        .collect()
}

#[cfg(test)]
mod tests;
