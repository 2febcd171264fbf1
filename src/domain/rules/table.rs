//! The rule table: one row per rule, with everything the rest of the program derives from it
//! (the README table, the catalogue check, the Enter targets, the calendar and report filters).

use super::{Class, Enter, Ref, Rule, Severity};
use crate::domain::codes::code_enum;
use crate::domain::entry::{Analyte, Kind};
use crate::domain::settings::Setting as S;

code_enum!(
    /// A rule's stable id (the `rule` of `remind --json`, the catalogue key `rule.<id>`).
    RuleId, "rule", {
    DoseDue => "dose_due", [],
    DoseSoon => "dose_soon", [],
    DoseNotLogged => "dose_not_logged", [],
    TroughDue => "trough_due", [],
    TroughOverdue => "trough_overdue", [],
    CbcDue => "cbc_due", [],
    CbcOverdue => "cbc_overdue", [],
    KidneyDue => "kidney_due", [],
    KidneyOverdue => "kidney_overdue", [],
    LiverDue => "liver_due", [],
    LiverOverdue => "liver_overdue", [],
    ElectrolytesDue => "electrolytes_due", [],
    ElectrolytesOverdue => "electrolytes_overdue", [],
    BpDue => "bp_due", [],
    BpOverdue => "bp_overdue", [],
    LipidsDue => "lipids_due", [],
    LipidsOverdue => "lipids_overdue", [],
    WeightDue => "weight_due", [],
    WeightOverdue => "weight_overdue", [],
    BaselineChecklist => "baseline_checklist", [],
    Checkpoint => "checkpoint", [],
    ContinuationReview => "continuation_review", [],
    MaintenanceReview => "maintenance_review", [],
    CreatinineAboveUln => "creatinine_above_uln", [],
    CreatinineRise => "creatinine_rise", [],
    CreatinineRiseUrgent => "creatinine_rise_urgent", [],
    CreatinineNoBaseline => "creatinine_no_baseline", [],
    BpHigh => "bp_high", [],
    BpUrgent => "bp_urgent", [],
    TroughAboveTarget => "trough_above_target", [],
    TroughContactTeam => "trough_contact_team", [],
    TroughToxic => "trough_toxic", [],
    TroughBelowTarget => "trough_below_target", [],
    NotATrough => "not_a_trough", [],
    LevelTimingUnknown => "level_timing_unknown", [],
    PotassiumHigh => "potassium_high", [],
    PotassiumUrgent => "potassium_urgent", [],
    MagnesiumLow => "magnesium_low", [],
    Liver3xUln => "liver_3x_uln", [],
    LabAboveRange => "lab_above_range", [],
    /// ALT/AST above the diary's upper limit when the lab gave none.
    LiverAboveDefault => "liver_above_default", [],
    PlateletsBelow20 => "platelets_below_20", [],
    PlateletsBelow30 => "platelets_below_30", [],
    PlateletsTpoZone => "platelets_tpo_zone", [],
    PlateletsTpoHigh => "platelets_tpo_high", [],
    LossOfResponse => "loss_of_response", [],
    /// A response the counts still show, lost by a logged bleed (IWG 2009).
    LossAfterBleeding => "loss_after_bleeding", [],
    RescueTherapy => "rescue_therapy", [],
    Interaction => "interaction", [],
    DoseAboveLabel => "dose_above_label", [],
    DoseAboveRange => "dose_above_range", [],
    WeightStale => "weight_stale", [],
    WeightChanged => "weight_changed", [],
    FormulationChanged => "formulation_changed", [],
});

use Class::{Alert, Due, Info as Note, Overdue};
use Enter::{Log, Nothing};
use RuleId as R;
use Severity::{Info, Urgent, Warning};

const LAB: Kind = Kind::Lab;
const fn lab(a: Analyte) -> Enter {
    Log(LAB, Some(a))
}
const fn log(k: Kind) -> Enter {
    Log(k, None)
}

/// Shorthand for a row.
#[allow(clippy::too_many_arguments)]
const fn row(
    id: RuleId,
    class: Class,
    severity: Severity,
    setting: Option<S>,
    enter: Enter,
    refs: &'static [Ref],
    supersedes: &'static [RuleId],
    args: &'static [&'static str],
) -> Rule {
    Rule {
        id,
        class,
        severity,
        setting,
        enter,
        refs,
        supersedes,
        args,
    }
}

const DOSE_ARGS: &[&str] = &["drug", "time", "amount", "unit"];
const DATE: &[&str] = &["date"];
const DATE_EVERY: &[&str] = &["date", "every"];

/// Every rule, in the order of the README table.
#[rustfmt::skip]
pub const TABLE: &[Rule] = &[
    row(R::DoseDue, Due, Warning, Some(S::slot_window_hours), log(Kind::Dose), &[Ref::AppDefault], &[], DOSE_ARGS),
    row(R::DoseSoon, Due, Info, None, log(Kind::Dose), &[Ref::AppDefault], &[], DOSE_ARGS),
    row(R::DoseNotLogged, Overdue, Warning, Some(S::slot_window_hours), log(Kind::Dose), &[Ref::AppDefault], &[], DOSE_ARGS),
    row(R::TroughDue, Due, Info, Some(S::trough_after_change_min_days), lab(Analyte::CsaTrough), &[Ref::LabPractice, Ref::ItpSeries], &[], DATE),
    row(R::TroughOverdue, Overdue, Warning, Some(S::trough_after_change_min_days), lab(Analyte::CsaTrough), &[Ref::LabPractice, Ref::ItpSeries], &[], DATE),
    row(R::CbcDue, Due, Info, Some(S::interval_induction_days), log(Kind::Platelets), &[Ref::UsLabel, Ref::ItpSeries], &[], DATE_EVERY),
    row(R::CbcOverdue, Overdue, Warning, Some(S::interval_induction_days), log(Kind::Platelets), &[Ref::UsLabel, Ref::ItpSeries], &[], DATE_EVERY),
    row(R::KidneyDue, Due, Info, Some(S::interval_induction_days), lab(Analyte::Creatinine), &[Ref::UsLabel], &[], DATE_EVERY),
    row(R::KidneyOverdue, Overdue, Warning, Some(S::interval_induction_days), lab(Analyte::Creatinine), &[Ref::UsLabel], &[], DATE_EVERY),
    row(R::LiverDue, Due, Info, Some(S::interval_induction_days), lab(Analyte::Alt), &[Ref::ItpSeries, Ref::LabPractice], &[], DATE_EVERY),
    row(R::LiverOverdue, Overdue, Warning, Some(S::interval_induction_days), lab(Analyte::Alt), &[Ref::ItpSeries, Ref::LabPractice], &[], DATE_EVERY),
    row(R::ElectrolytesDue, Due, Info, Some(S::interval_induction_days), lab(Analyte::Potassium), &[Ref::UsLabel], &[], DATE_EVERY),
    row(R::ElectrolytesOverdue, Overdue, Warning, Some(S::interval_induction_days), lab(Analyte::Potassium), &[Ref::UsLabel], &[], DATE_EVERY),
    row(R::BpDue, Due, Info, Some(S::interval_induction_days), log(Kind::BloodPressure), &[Ref::UsLabel], &[], DATE_EVERY),
    row(R::BpOverdue, Overdue, Warning, Some(S::interval_induction_days), log(Kind::BloodPressure), &[Ref::UsLabel], &[], DATE_EVERY),
    row(R::LipidsDue, Due, Info, Some(S::interval_lipids_days), lab(Analyte::Cholesterol), &[Ref::UsLabel, Ref::LabPractice], &[], DATE),
    row(R::LipidsOverdue, Overdue, Warning, Some(S::interval_lipids_days), lab(Analyte::Cholesterol), &[Ref::UsLabel, Ref::LabPractice], &[], DATE),
    row(R::WeightDue, Due, Info, Some(S::interval_weight_days), log(Kind::Weight), &[Ref::AppDefault], &[], DATE),
    row(R::WeightOverdue, Overdue, Warning, Some(S::interval_weight_days), log(Kind::Weight), &[Ref::AppDefault], &[], DATE),
    row(R::BaselineChecklist, Due, Info, Some(S::baseline_days), Nothing, &[Ref::UsLabel], &[], &["missing"]),
    row(R::Checkpoint, Due, Info, Some(S::early_check_week), Nothing, &[Ref::ItpSeries, Ref::AppDefault], &[], &["week", "date"]),
    row(R::ContinuationReview, Due, Info, Some(S::continuation_weeks), Nothing, &[Ref::ItpSeries], &[], &["week", "date"]),
    row(R::MaintenanceReview, Due, Info, Some(S::maintenance_review_weeks), Nothing, &[Ref::ItpSeries], &[], &["weeks", "date"]),
    row(R::CreatinineAboveUln, Alert, Warning, Some(S::creatinine_uln), lab(Analyte::Creatinine), &[Ref::LabRange, Ref::UsLabel], &[], &["value", "limit"]),
    row(R::CreatinineRise, Alert, Warning, Some(S::creatinine_rise_pct), lab(Analyte::Creatinine), &[Ref::UsLabel], &[], &["value", "baseline", "percent", "limit"]),
    row(R::CreatinineRiseUrgent, Alert, Urgent, Some(S::creatinine_urgent_pct), lab(Analyte::Creatinine), &[Ref::UsLabel], &[R::CreatinineRise, R::CreatinineAboveUln], &["value", "baseline", "percent", "limit"]),
    row(R::CreatinineNoBaseline, Note, Info, Some(S::baseline_days), lab(Analyte::Creatinine), &[Ref::UsLabel], &[], &["days"]),
    row(R::BpHigh, Alert, Warning, Some(S::bp_systolic), log(Kind::BloodPressure), &[Ref::UsLabel], &[], &["value", "previous", "limit", "days"]),
    row(R::BpUrgent, Alert, Urgent, Some(S::bp_urgent_systolic), log(Kind::BloodPressure), &[Ref::AppDefault], &[R::BpHigh], &["value", "limit"]),
    row(R::TroughAboveTarget, Alert, Warning, Some(S::trough_high), Nothing, &[Ref::ItpSeries], &[], &["value", "low", "high"]),
    row(R::TroughContactTeam, Alert, Warning, Some(S::trough_contact), Nothing, &[Ref::ItpSeries], &[R::TroughAboveTarget], &["value", "limit"]),
    row(R::TroughToxic, Alert, Urgent, Some(S::trough_urgent), Nothing, &[Ref::LabPractice], &[R::TroughContactTeam, R::TroughAboveTarget], &["value", "limit"]),
    row(R::TroughBelowTarget, Note, Info, Some(S::trough_low), Nothing, &[Ref::ItpSeries], &[], &["value", "low", "high"]),
    row(R::NotATrough, Note, Info, Some(S::trough_min_hours), lab(Analyte::CsaTrough), &[Ref::LabPractice], &[], &["value", "hours", "min", "max"]),
    row(R::LevelTimingUnknown, Note, Info, Some(S::trough_min_hours), lab(Analyte::CsaTrough), &[Ref::LabPractice], &[], &["value", "min", "max"]),
    row(R::PotassiumHigh, Alert, Warning, Some(S::potassium_high), lab(Analyte::Potassium), &[Ref::LabRange, Ref::UsLabel], &[], &["value", "limit"]),
    row(R::PotassiumUrgent, Alert, Urgent, Some(S::potassium_urgent), lab(Analyte::Potassium), &[Ref::AppDefault, Ref::UsLabel], &[R::PotassiumHigh], &["value", "limit"]),
    row(R::MagnesiumLow, Note, Info, Some(S::magnesium_low), lab(Analyte::Magnesium), &[Ref::LabRange], &[], &["value", "limit"]),
    row(R::Liver3xUln, Alert, Warning, Some(S::liver_multiple), lab(Analyte::Alt), &[Ref::LabRange, Ref::TpoLabel], &[], &["analyte", "value", "uln", "times"]),
    row(R::LabAboveRange, Note, Info, None, Nothing, &[Ref::LabRange], &[], &["analyte", "value", "high"]),
    row(R::LiverAboveDefault, Note, Info, Some(S::liver_uln), Nothing, &[Ref::AppDefault], &[], &["analyte", "value", "high"]),
    row(R::PlateletsBelow20, Alert, Urgent, Some(S::platelets_urgent), log(Kind::Platelets), &[Ref::Ash2019], &[R::PlateletsBelow30], &["value", "limit"]),
    row(R::PlateletsBelow30, Alert, Warning, Some(S::platelets_low), log(Kind::Platelets), &[Ref::Ash2019], &[], &["value", "limit"]),
    row(R::PlateletsTpoZone, Note, Info, Some(S::tpo_notice_above), log(Kind::Platelets), &[Ref::TpoLabel], &[], &["value", "drug", "limit", "high"]),
    row(R::PlateletsTpoHigh, Alert, Warning, Some(S::tpo_contact_above), log(Kind::Platelets), &[Ref::TpoLabel], &[R::PlateletsTpoZone], &["value", "drug", "limit"]),
    row(R::LossOfResponse, Alert, Warning, Some(S::confirm_failure_days), log(Kind::Platelets), &[Ref::Iwg2009], &[], &["status"]),
    row(R::LossAfterBleeding, Alert, Warning, None, Nothing, &[Ref::Iwg2009], &[], &["status", "date"]),
    row(R::RescueTherapy, Note, Info, Some(S::rescue_ivig_days), Nothing, &[Ref::Iwg2009, Ref::AppDefault], &[], &["event", "date", "until"]),
    row(R::Interaction, Alert, Warning, Some(S::interaction_days), Nothing, &[Ref::InteractionReview], &[], &["name", "effect"]),
    row(R::DoseAboveLabel, Alert, Warning, Some(S::mg_per_kg_warn), Nothing, &[Ref::UsLabel], &[], &["value", "limit", "basis"]),
    row(R::DoseAboveRange, Alert, Urgent, Some(S::mg_per_kg_strong), Nothing, &[Ref::ItpSeries], &[R::DoseAboveLabel], &["value", "limit", "basis"]),
    row(R::WeightStale, Note, Info, Some(S::weight_max_age_days), log(Kind::Weight), &[Ref::AppDefault], &[], &["days"]),
    row(R::WeightChanged, Note, Info, Some(S::weight_change_pct), log(Kind::Weight), &[Ref::AppDefault], &[], &["percent"]),
    row(R::FormulationChanged, Alert, Warning, Some(S::trough_after_change_min_days), Nothing, &[Ref::UsLabel, Ref::LabPractice], &[], &["formulation", "previous", "min", "max"]),
];
