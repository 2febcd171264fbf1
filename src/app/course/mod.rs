//! The patient's profile, the start of a treatment plan and its changes: validated and written
//! here, so the command line (`profile`, `regimen start`, `regimen change`) and the screen
//! (the first-run setup, `R` on Today) share one path. Errors are typed; their words come from the catalogues and name fields, never
//! command-line flags.

use chrono::{Datelike, NaiveDate};

use crate::app::plan_checks::{self, Face, PlanError};
use crate::domain::clock::Clock;
use crate::domain::drugs::{Drug, Route};
use crate::domain::regimen::{Profile, Regimen, Slot, Step, StepKind, parse_slots, parse_target};
use crate::domain::units::{Quantity, fmt_num};
use crate::domain::validate::{ValidationError, clean};
use crate::domain::when::{WhenError, parse_date};
use crate::present::i18n::I18n;
use crate::store::{NewRegimen, NewStep, Store, StoreError};

mod change;

pub use change::{
    ChangeInput, CheckedChange, change_day, change_regimen, change_step, check_change, target,
    undo_change,
};

/// Why a profile or a regimen was refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum CourseError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown drug {0}")]
    UnknownDrug(String),
    #[error("invalid value: {0:?}")]
    Invalid(ValidationError),
    /// A date field (its code) that could not be read.
    #[error("{0}: {1:?}")]
    Date(&'static str, WhenError),
    #[error("cyclosporine needs a formulation")]
    FormulationRequired,
    #[error("induction weeks {0}")]
    InductionWeeks(u32),
    #[error("every days {0}")]
    EveryDays(u32),
    #[error("a regimen of this drug is already active")]
    AlreadyActive,
    #[error("diagnosis date {0} in the future")]
    DiagnosedFuture(NaiveDate),
    #[error("birth year {0}")]
    BirthYear(String),
    #[error("sex {0}")]
    Sex(String),
    #[error("height {0}")]
    Height(f64),
    /// No regimen is in force on the day a change or stop would apply.
    #[error("no active regimen")]
    NoneActive,
    /// More than one regimen is active and none is cyclosporine: say which.
    #[error("more than one regimen is active")]
    Which,
    /// The change would apply before the regimen started.
    #[error("before the regimen's start {0}")]
    BeforeStart(NaiveDate),
    /// The change changes nothing.
    #[error("nothing changes")]
    NoChange,
    /// The kind chosen contradicts the amounts: a taper that does not lower the daily amount,
    /// or an increase that does not raise it.
    #[error("{kind:?}: {old} -> {new}")]
    KindMismatch { kind: StepKind, old: f64, new: f64 },
    /// Another window or command changed the plan since it was read: nothing was written.
    #[error("the plan was changed elsewhere")]
    PlanChanged,
    /// A change of plan refused by `app::plan_checks` (or to be confirmed).
    #[error("{0:?}")]
    Plan(PlanError),
}

impl CourseError {
    /// One line for the patient (store errors are worded by the caller, which knows the paths).
    pub fn message(&self, i: &I18n) -> String {
        let bad = |field: &str, input: &str, accepted: &str| {
            i.tf(
                "setup.error_value",
                &[
                    ("field", &label(i, field)),
                    ("input", input),
                    ("accepted", accepted),
                ],
            )
        };
        match self {
            CourseError::Store(e) => e.to_string(),
            CourseError::UnknownDrug(s) => i.tf(
                "error.unknown_drug",
                &[("input", s), ("accepted", &Drug::accepted())],
            ),
            CourseError::Invalid(e) => i.validation(e),
            CourseError::Date(field, e) => i.when_error(field, e),
            CourseError::FormulationRequired => i.t("setup.formulation_required").to_string(),
            CourseError::InductionWeeks(w) => bad("induction_weeks", &w.to_string(), "1–52"),
            CourseError::EveryDays(d) => bad("every_days", &d.to_string(), "1–28"),
            CourseError::AlreadyActive => i.t("regimen.already_active").to_string(),
            CourseError::DiagnosedFuture(d) => {
                i.tf("setup.error_future", &[("date", &d.to_string())])
            }
            CourseError::BirthYear(y) => bad("birth_year", y, i.t("setup.accepted_birth_year")),
            CourseError::Sex(s) => bad("sex", s, i.t("setup.accepted_sex")),
            CourseError::Height(h) => bad("height_cm", &h.to_string(), "30–250"),
            CourseError::NoneActive => i.t("plan_change.none_active").to_string(),
            CourseError::Which => i.t("plan_change.which").to_string(),
            CourseError::BeforeStart(d) => {
                i.tf("regimen.before_start", &[("start", &d.to_string())])
            }
            CourseError::NoChange => i.t("plan_change.no_change").to_string(),
            CourseError::KindMismatch { kind, old, new } => i.tf(
                "plan_change.kind_mismatch",
                &[
                    ("kind", i.t(&kind.label_key())),
                    ("old", &fmt_num(*old, 3)),
                    ("new", &fmt_num(*new, 3)),
                ],
            ),
            CourseError::PlanChanged => i.t("plan_change.changed_elsewhere").to_string(),
            CourseError::Plan(e) => e.message(i, Face::Screen),
        }
    }
}

/// A field's name as the setup shows it (the common field names otherwise).
pub fn label(i: &I18n, code: &str) -> String {
    let key = format!("setup.f_{code}");
    if i.has(&key) {
        i.t(&key).to_string()
    } else {
        i.field(code)
    }
}

pub type Result<T> = std::result::Result<T, CourseError>;

/// Profile fields to change (`None` keeps the stored value).
#[derive(Clone, Debug, Default)]
pub struct ProfileInput {
    pub diagnosed: Option<String>,
    pub birth_year: Option<String>,
    pub sex: Option<String>,
    pub name: Option<String>,
    pub height_cm: Option<f64>,
}

impl ProfileInput {
    pub fn is_empty(&self) -> bool {
        self.diagnosed.is_none()
            && self.birth_year.is_none()
            && self.sex.is_none()
            && self.name.is_none()
            && self.height_cm.is_none()
    }
}

/// Validate the changes against the stored profile and write them in one transaction.
pub fn set_profile(store: &mut Store, clock: &Clock, a: &ProfileInput) -> Result<Profile> {
    let mut p: Profile = store.profile()?;
    if let Some(d) = &a.diagnosed {
        let d = parse_date(d, clock).map_err(|e| CourseError::Date("diagnosed", e))?;
        if d > clock.today() {
            return Err(CourseError::DiagnosedFuture(d));
        }
        p.diagnosed_on = Some(d);
    }
    if let Some(y) = &a.birth_year {
        let this_year = clock.today().year();
        match y.trim().parse::<i32>() {
            Ok(n) if (1900..=this_year).contains(&n) => p.birth_year = Some(n),
            _ => return Err(CourseError::BirthYear(y.trim().to_string())),
        }
    }
    if let Some(s) = &a.sex {
        let s = s.trim().to_lowercase();
        if !["female", "male", "other"].contains(&s.as_str()) {
            return Err(CourseError::Sex(s));
        }
        p.sex = Some(s);
    }
    if let Some(n) = &a.name {
        typed_text("name", Some(n), false)?;
        p.name = clean(Some(n.clone()));
    }
    if let Some(h) = a.height_cm {
        if !(30.0..=250.0).contains(&h) {
            return Err(CourseError::Height(h));
        }
        p.height_cm = Some(h);
    }
    store.set_profile(&p, clock.now())?;
    Ok(p)
}

/// A plan to start, as typed.
#[derive(Clone, Debug)]
pub struct RegimenInput {
    pub drug: String,
    /// Amounts per dose time, comma-separated.
    pub dose: String,
    pub times: Option<String>,
    /// First day (default today).
    pub start: Option<String>,
    pub formulation: Option<String>,
    /// `LOW-HIGH` in ng/mL, from the care team.
    pub trough_target: Option<String>,
    pub induction_weeks: Option<u32>,
    pub every_days: u32,
    pub route: Option<Route>,
    pub note: Option<String>,
    /// The patient looked twice at a dose above the label maximum (`--confirm`, Enter again).
    pub confirmed: bool,
    /// The top of the usual range in mg/(kg·d) (`dose.mg_per_kg_day_strong_warning`; `None`:
    /// its default): a first plan above it gets a second look.
    pub range_max: Option<f64>,
}

/// Validate a new plan against the diary without writing it (the setup checks its plan page
/// before asking for the target).
pub fn check_regimen(store: &Store, clock: &Clock, a: &RegimenInput) -> Result<NewRegimen> {
    let drug = Drug::parse(&a.drug).ok_or_else(|| CourseError::UnknownDrug(a.drug.clone()))?;
    // What a Chinese input method types (７５，５０ / 08：00 / 100－200) reads as ASCII, as in
    // a plan change.
    let dose = plan_checks::ascii_list(&a.dose);
    let times = a.times.as_deref().map(plan_checks::ascii_list);
    let slots = parse_slots(drug, &dose, times.as_deref()).map_err(CourseError::Invalid)?;
    let start = match a.start.as_deref() {
        Some(s) => parse_date(s, clock).map_err(|e| CourseError::Date("start", e))?,
        None => clock.today(),
    };
    typed_text("formulation", a.formulation.as_deref(), false)?;
    typed_text("note", a.note.as_deref(), true)?;
    let formulation = clean(a.formulation.clone());
    if drug == Drug::Cyclosporine && formulation.is_none() {
        return Err(CourseError::FormulationRequired);
    }
    let target = clean(a.trough_target.clone()).map(|t| plan_checks::ascii_list(&t));
    let (target_low, target_high) = match target.as_deref() {
        Some(t) => parse_target(t)
            .map(|(lo, hi)| (Some(lo), Some(hi)))
            .map_err(CourseError::Invalid)?,
        None => (None, None),
    };
    if let Some(w) = a
        .induction_weeks
        .filter(|w| !crate::domain::regimen::INDUCTION_WEEKS.contains(w))
    {
        return Err(CourseError::InductionWeeks(w));
    }
    if !crate::domain::regimen::EVERY_DAYS.contains(&a.every_days) {
        return Err(CourseError::EveryDays(a.every_days));
    }
    let route = a.route.unwrap_or(drug.default_route());
    let existing = store.regimens()?;
    // One plan per drug at a time (the rule an import keeps too).
    if existing.iter().any(|r| r.meets(drug, start, None)) {
        return Err(CourseError::AlreadyActive);
    }
    let unit = match drug.dose_quantity() {
        Quantity::DoseUnits => "U",
        _ => "mg",
    };
    // A first plan above the usual range gets a second look, as a change above the label
    // gets one (session 7: 300 + 300 mg at 50 kg, 12 mg/(kg·d), was saved with one Enter).
    // The usual 4–6 mg/(kg·d) of the course is not asked about: it is what it was made for.
    if !a.confirmed && drug == Drug::Cyclosporine && unit == "mg" {
        let daily = slots.iter().map(|s| s.amount).sum::<f64>() / f64::from(a.every_days.max(1));
        let limit = a
            .range_max
            .unwrap_or(crate::domain::settings::Thresholds::default().mg_per_kg_strong);
        if let Some(w) = plan_checks::latest_weight(store, clock)?.filter(|w| *w > 0.0)
            && daily / w > limit
        {
            let reason = plan_checks::Reason::AboveRange {
                per_kg: daily / w,
                limit,
            };
            return Err(CourseError::Plan(PlanError::Confirm(vec![reason])));
        }
    }
    Ok(NewRegimen {
        drug,
        route,
        start,
        target_low,
        target_high,
        induction_weeks: a.induction_weeks,
        note: clean(a.note.clone()),
        first: NewStep {
            effective_from: start,
            kind: StepKind::Start,
            slots,
            unit: unit.into(),
            every_days: a.every_days,
            formulation,
            note: None,
        },
    })
}

/// A free-text field typed for a plan or the profile, held to the rule typed entries and an
/// import hold it to (outside review, session 6: a formulation or name with an escape was
/// stored, and the diary's own backup was then refused on import).
pub(crate) fn typed_text(field: &'static str, v: Option<&str>, multi_line: bool) -> Result<()> {
    match v.and_then(|v| crate::app::entry_input::free_text_error(field, v, multi_line)) {
        Some(e) => Err(CourseError::Invalid(e)),
        None => Ok(()),
    }
}

/// Validate a new plan and store it in one transaction; returns the new regimen's id.
pub fn start_regimen(store: &mut Store, clock: &Clock, a: &RegimenInput) -> Result<i64> {
    let new = check_regimen(store, clock, a)?;
    let id = store.add_regimen(&new, clock.now())?;
    Ok(id)
}
