//! Every threshold and interval the rules use, with its default and where that default comes
//! from (clinical.md "Defaults for the app", sections A–F). The care team may change any of
//! them in the settings file; the diary then shows "set by your care team" beside the value.

use super::rules::Ref;

/// One setting's description: its key in the settings file, default, accepted range, unit and
/// the references its default rests on (typed; translated by `present`).
#[derive(Debug)]
pub struct Spec {
    /// `section.name` in the TOML file.
    pub key: &'static str,
    pub setting: Setting,
    pub default: f64,
    pub min: f64,
    pub max: f64,
    /// Whole numbers only (days, weeks, counts).
    pub integer: bool,
    pub unit: &'static str,
    /// Where the default comes from.
    pub refs: &'static [Ref],
    pub get: fn(&Thresholds) -> f64,
    pub set: fn(&mut Thresholds, f64),
}

macro_rules! thresholds {
    ($($field:ident = $key:literal : $default:expr, [$min:expr, $max:expr], $int:expr, $unit:literal, [$($r:ident),*];)*) => {
        /// The resolved thresholds (defaults overlaid with the settings file).
        #[derive(Clone, Debug, PartialEq)]
        pub struct Thresholds {
            $(pub $field: f64,)*
            /// The keys the settings file set (the care team's), whatever their value.
            pub set_by_team: std::collections::BTreeSet<&'static str>,
        }

        impl Default for Thresholds {
            fn default() -> Self {
                Thresholds { $($field: $default,)* set_by_team: Default::default() }
            }
        }

        /// A setting, typed: a rule names the setting it reads with one of these, so a
        /// misspelt or removed setting does not compile.
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Setting { $($field,)* }

        /// Every setting, in the order of the settings file.
        pub const SPECS: &[Spec] = &[$(Spec {
            key: $key, setting: Setting::$field, default: $default, min: $min, max: $max,
            integer: $int, unit: $unit, refs: &[$(Ref::$r),*],
            get: |t: &Thresholds| t.$field,
            set: |t: &mut Thresholds, v: f64| t.$field = v,
        },)*];
    };
}

impl Setting {
    /// The setting's description (`SPECS` is in declaration order).
    pub fn spec(self) -> &'static Spec {
        &SPECS[self as usize]
    }

    pub fn key(self) -> &'static str {
        self.spec().key
    }

    pub fn value(self, t: &Thresholds) -> f64 {
        (self.spec().get)(t)
    }
}

// Each default cites its row of clinical.md ("Defaults for the app", A–F) in a comment, so a
// reviewer can trace every number; users see the typed references only.
thresholds! {
    // A. Regimen and course
    // clinical.md A: induction 12 weeks (8–12) [SRC-CN, HAEM-LTR]
    induction_weeks = "course.induction_weeks": 12.0, [1.0, 52.0], true, "weeks", [ItpSeries];
    // clinical.md A: checkpoint week 4 (L3/L5)
    early_check_week = "course.early_check_week": 4.0, [1.0, 52.0], true, "weeks", [ItpSeries, AppDefault];
    // clinical.md A: continuation to month 6 [HAEM-LTR]
    continuation_weeks = "course.continuation_until_week": 26.0, [1.0, 520.0], true, "weeks", [ItpSeries];
    // L5: taper steps every 4 weeks (clinical.md A) + 2 weeks without a new step
    maintenance_after_days = "course.maintenance_after_taper_days": 42.0, [1.0, 365.0], true, "days", [AppDefault];
    // clinical.md A: maintenance 2–3 months, then the clinician decides [SRC-CN, EMILIA2002]
    maintenance_review_weeks = "course.maintenance_review_after_weeks": 10.0, [1.0, 520.0], true, "weeks", [ItpSeries];
    // L5
    checkpoint_window_days = "course.checkpoint_window_days": 7.0, [0.0, 30.0], true, "days", [AppDefault];
    // clinical.md A/D: label maximum for autoimmune use [LABEL]
    mg_per_kg_warn = "dose.mg_per_kg_day_warning": 4.0, [0.5, 20.0], false, "mg/kg/day", [UsLabel];
    // clinical.md A/D: above the source article's 4–6 range [SRC-CN]
    mg_per_kg_strong = "dose.mg_per_kg_day_strong_warning": 6.0, [0.5, 20.0], false, "mg/kg/day", [ItpSeries];
    // clinical.md A: re-weigh monthly (L5)
    weight_max_age_days = "dose.weight_max_age_days": 30.0, [1.0, 365.0], true, "days", [AppDefault];
    // clinical.md F: weight change > 10%
    weight_change_pct = "dose.weight_change_percent": 10.0, [1.0, 50.0], false, "%", [AppDefault];
    // L5: a dose within ±3 h answers its slot
    slot_window_hours = "dose.slot_window_hours": 3.0, [0.5, 12.0], false, "h", [AppDefault];
    // L5
    late_after_minutes = "dose.late_after_minutes": 60.0, [0.0, 720.0], true, "min", [AppDefault];
    // B. Trough — clinical.md B: 100–200 placeholder [CN-TDM; ICR2010 unconfirmed]
    trough_low = "trough.target_low": 100.0, [0.0, 3000.0], false, "ng/mL", [ItpSeries];
    trough_high = "trough.target_high": 200.0, [0.0, 3000.0], false, "ng/mL", [ItpSeries];
    // clinical.md B: > 400 [HAEM-LTR]
    trough_contact = "trough.contact_team_above": 400.0, [0.0, 3000.0], false, "ng/mL", [ItpSeries];
    // clinical.md B: toxic > 700 [LAB-ARUP]
    trough_urgent = "trough.urgent_above": 700.0, [0.0, 3000.0], false, "ng/mL", [LabPractice];
    // clinical.md B: valid trough 10–14 h after the previous dose (L4/L5)
    trough_min_hours = "trough.valid_min_hours": 10.0, [0.0, 48.0], false, "h", [LabPractice];
    trough_max_hours = "trough.valid_max_hours": 14.0, [0.0, 48.0], false, "h", [LabPractice];
    // clinical.md B: day 5–7 after start or any change [LAB-UCSF]
    trough_after_change_min_days = "trough.after_change_min_days": 5.0, [0.0, 60.0], true, "days", [LabPractice];
    trough_after_change_max_days = "trough.after_change_max_days": 7.0, [0.0, 60.0], true, "days", [LabPractice];
    // C. Monitoring intervals — clinical.md C: every 2 weeks for the first 3 months [LABEL]
    interval_induction_days = "monitoring.every_days_until_week12": 14.0, [1.0, 180.0], true, "days", [UsLabel];
    // clinical.md C: monthly when stable [LABEL]
    interval_stable_days = "monitoring.every_days_after_week12": 30.0, [1.0, 365.0], true, "days", [UsLabel];
    // clinical.md C: "weeks 0–12" of treatment (not the induction length)
    intensive_weeks = "monitoring.intensive_weeks": 12.0, [1.0, 52.0], true, "weeks", [UsLabel];
    // clinical.md C: extra creatinine / K set 1–2 weeks after a dose increase or interacting drug (L4)
    extra_after_change_days = "monitoring.extra_after_increase_days": 7.0, [1.0, 60.0], true, "days", [AppDefault];
    // clinical.md 1.2: after a taper step, platelets again ~2 weeks later (L4/L5)
    count_after_taper_days = "monitoring.count_after_taper_days": 14.0, [1.0, 60.0], true, "days", [AppDefault];
    // clinical.md C: lipids every 6 months [OXF-TABLE]
    interval_lipids_days = "monitoring.lipids_every_days": 182.0, [1.0, 730.0], true, "days", [LabPractice];
    // clinical.md C: weight monthly (L5)
    interval_weight_days = "monitoring.weight_every_days": 30.0, [1.0, 365.0], true, "days", [AppDefault];
    // clinical.md C: weekly for 4 weeks if baseline platelets < 30 (L5)
    cbc_weekly_below = "monitoring.cbc_weekly_if_baseline_below": 30.0, [0.0, 2000.0], false, "×10⁹/L", [AppDefault];
    // L5
    due_soon_days = "monitoring.remind_days_ahead": 2.0, [0.0, 30.0], true, "days", [AppDefault];
    overdue_after_days = "monitoring.overdue_after_days": 3.0, [0.0, 60.0], true, "days", [AppDefault];
    // L5: pre-treatment values up to 90 days before the start count as baseline
    baseline_days = "monitoring.baseline_window_days": 90.0, [1.0, 365.0], true, "days", [AppDefault];
    // D. Alerts — clinical.md D: ≥ 25% above baseline [LABEL]; 30% in RA label
    creatinine_rise_pct = "alerts.creatinine_rise_percent": 25.0, [1.0, 200.0], false, "%", [UsLabel];
    // clinical.md D: ≥ 50% above baseline [LABEL, PSOR1990]
    creatinine_urgent_pct = "alerts.creatinine_rise_urgent_percent": 50.0, [1.0, 300.0], false, "%", [UsLabel];
    // clinical.md 3.3: store the lab's own range; L5 default when the lab gives none
    creatinine_uln = "alerts.creatinine_upper_limit": 110.0, [40.0, 300.0], false, "µmol/L", [LabRange, AppDefault];
    // clinical.md D: > 140/90 on 2 readings [LABEL]
    bp_systolic = "alerts.bp_systolic_above": 140.0, [80.0, 250.0], true, "mmHg", [UsLabel];
    bp_diastolic = "alerts.bp_diastolic_above": 90.0, [40.0, 150.0], true, "mmHg", [UsLabel];
    // L5: the two readings of "two separate readings" lie within this many days
    bp_pair_days = "alerts.bp_readings_within_days": 14.0, [1.0, 90.0], true, "days", [AppDefault];
    // clinical.md D: ≥ 180/110 same-day advice (L5)
    bp_urgent_systolic = "alerts.bp_urgent_systolic": 180.0, [100.0, 300.0], true, "mmHg", [AppDefault];
    bp_urgent_diastolic = "alerts.bp_urgent_diastolic": 110.0, [60.0, 200.0], true, "mmHg", [AppDefault];
    // clinical.md D: lab upper limit, default 5.0 [LABEL]
    potassium_high = "alerts.potassium_above": 5.0, [3.0, 9.0], false, "mmol/L", [LabRange, UsLabel];
    // clinical.md D: ≥ 6.0 urgent (L5)
    potassium_urgent = "alerts.potassium_urgent_at_least": 6.0, [4.0, 9.0], false, "mmol/L", [AppDefault];
    // clinical.md D: lab lower limit, default 0.70 [LAB-NUH]
    magnesium_low = "alerts.magnesium_below": 0.70, [0.1, 3.0], false, "mmol/L", [LabRange];
    // L5: used when the lab gives no upper limit
    liver_uln = "alerts.alt_ast_upper_limit": 40.0, [5.0, 500.0], false, "U/L", [AppDefault];
    // clinical.md D/F: ≥ 3× ULN [ELTROM-MONO]
    liver_multiple = "alerts.alt_ast_times_upper_limit": 3.0, [1.0, 20.0], false, "×", [TpoLabel];
    // clinical.md E: < 20 high bleeding risk [ASH2019]
    platelets_urgent = "alerts.platelets_below_urgent": 20.0, [0.0, 200.0], false, "×10⁹/L", [Ash2019];
    // clinical.md E: < 30 below treatment threshold [ASH2019]
    platelets_low = "alerts.platelets_below": 30.0, [0.0, 200.0], false, "×10⁹/L", [Ash2019];
    // clinical.md E / 4.3: on a TPO-RA, 200–400 reduce-dose zone; > 400 contact team [AVA, ROMI]
    tpo_notice_above = "alerts.tpo_platelets_notice_above": 200.0, [50.0, 2000.0], false, "×10⁹/L", [TpoLabel];
    tpo_contact_above = "alerts.tpo_platelets_contact_above": 400.0, [50.0, 2000.0], false, "×10⁹/L", [TpoLabel];
    // L5
    interaction_days = "alerts.interaction_recent_days": 14.0, [1.0, 365.0], true, "days", [AppDefault];
    // E. Response (IWG 2009) — clinical.md 4.2 / E
    cr_platelets = "response.complete_at_least": 100.0, [1.0, 1000.0], false, "×10⁹/L", [Iwg2009];
    r_platelets = "response.response_at_least": 30.0, [1.0, 1000.0], false, "×10⁹/L", [Iwg2009];
    r_fold = "response.fold_over_baseline": 2.0, [1.0, 10.0], false, "×", [Iwg2009];
    confirm_response_days = "response.confirm_response_days": 7.0, [0.0, 60.0], true, "days", [Iwg2009];
    confirm_failure_days = "response.confirm_no_response_days": 1.0, [0.0, 60.0], true, "days", [Iwg2009];
    // clinical.md 4.2: rescue windows (L5): IVIG / anti-D 28 d, steroid pulse 14 d, transfusion 7 d
    rescue_ivig_days = "response.rescue_ivig_days": 28.0, [0.0, 180.0], true, "days", [Iwg2009, AppDefault];
    rescue_steroid_days = "response.rescue_steroid_pulse_days": 14.0, [0.0, 180.0], true, "days", [Iwg2009, AppDefault];
    rescue_transfusion_days = "response.rescue_transfusion_days": 7.0, [0.0, 180.0], true, "days", [Iwg2009, AppDefault];
}

impl Thresholds {
    /// The spec of a key.
    pub fn spec(key: &str) -> Option<&'static Spec> {
        SPECS.iter().find(|s| s.key == key)
    }

    /// Any of `keys` was set by the care team (in the settings file): one answer for every
    /// view's "set by your care team" / "app default" (session 7: Today said "app default"
    /// for a target the settings file set, Trends "care-team target" for the default, and the
    /// report compared the values with the defaults).
    pub fn by_team(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| self.set_by_team.contains(k))
    }

    /// Cross-field rules (a low bound under its high bound …); `Err(reason)` names the keys.
    pub fn check(&self) -> Result<(), String> {
        let pairs: &[(&str, f64, &str, f64)] = &[
            (
                "trough.target_low",
                self.trough_low,
                "trough.target_high",
                self.trough_high,
            ),
            (
                "trough.target_high",
                self.trough_high,
                "trough.contact_team_above",
                self.trough_contact,
            ),
            (
                "trough.contact_team_above",
                self.trough_contact,
                "trough.urgent_above",
                self.trough_urgent,
            ),
            (
                "trough.valid_min_hours",
                self.trough_min_hours,
                "trough.valid_max_hours",
                self.trough_max_hours,
            ),
            (
                "trough.after_change_min_days",
                self.trough_after_change_min_days,
                "trough.after_change_max_days",
                self.trough_after_change_max_days,
            ),
            (
                "dose.mg_per_kg_day_warning",
                self.mg_per_kg_warn,
                "dose.mg_per_kg_day_strong_warning",
                self.mg_per_kg_strong,
            ),
            (
                "alerts.creatinine_rise_percent",
                self.creatinine_rise_pct,
                "alerts.creatinine_rise_urgent_percent",
                self.creatinine_urgent_pct,
            ),
            (
                "alerts.platelets_below_urgent",
                self.platelets_urgent,
                "alerts.platelets_below",
                self.platelets_low,
            ),
            (
                "response.response_at_least",
                self.r_platelets,
                "response.complete_at_least",
                self.cr_platelets,
            ),
            (
                "alerts.potassium_above",
                self.potassium_high,
                "alerts.potassium_urgent_at_least",
                self.potassium_urgent,
            ),
            (
                "alerts.tpo_platelets_notice_above",
                self.tpo_notice_above,
                "alerts.tpo_platelets_contact_above",
                self.tpo_contact_above,
            ),
            (
                "course.induction_weeks",
                self.induction_weeks,
                "course.continuation_until_week",
                self.continuation_weeks,
            ),
            // Session 7: an urgent line below the warning line (or an early check after
            // induction) was accepted while every other pair was refused.
            (
                "alerts.bp_systolic_above",
                self.bp_systolic,
                "alerts.bp_urgent_systolic",
                self.bp_urgent_systolic,
            ),
            (
                "alerts.bp_diastolic_above",
                self.bp_diastolic,
                "alerts.bp_urgent_diastolic",
                self.bp_urgent_diastolic,
            ),
            (
                "course.early_check_week",
                self.early_check_week,
                "course.induction_weeks",
                self.induction_weeks,
            ),
        ];
        for (a, va, b, vb) in pairs {
            if va > vb {
                return Err(format!("{a} ({va}) must not be above {b} ({vb})"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_inside_their_ranges_and_consistent() {
        let t = Thresholds::default();
        for s in SPECS {
            let v = (s.get)(&t);
            assert_eq!(v, s.default, "{}", s.key);
            assert!(
                s.min <= v && v <= s.max,
                "{} default {v} outside {}..{}",
                s.key,
                s.min,
                s.max
            );
            assert!(!s.integer || v.fract() == 0.0, "{}", s.key);
            assert!(!s.refs.is_empty());
            assert_eq!(s.setting.key(), s.key);
        }
        t.check().unwrap();
        for (key, v) in [
            ("bp_urgent_diastolic", 80.0),
            ("bp_urgent_systolic", 130.0),
            ("early_check_week", 20.0),
        ] {
            let mut bad = t.clone();
            match key {
                "bp_urgent_diastolic" => bad.bp_urgent_diastolic = v,
                "bp_urgent_systolic" => bad.bp_urgent_systolic = v,
                _ => bad.early_check_week = v,
            }
            let err = bad.check().expect_err(key);
            assert!(
                err.contains(key.split('_').next_back().unwrap_or(key)),
                "{err}"
            );
        }
        let keys: std::collections::HashSet<_> = SPECS.iter().map(|s| s.key).collect();
        assert_eq!(keys.len(), SPECS.len(), "duplicate keys");
    }

    #[test]
    fn setters_write_their_own_field() {
        for s in SPECS {
            let mut t = Thresholds::default();
            (s.set)(&mut t, s.max);
            assert_eq!((s.get)(&t), s.max, "{}", s.key);
            let changed = SPECS.iter().filter(|o| (o.get)(&t) != o.default).count();
            assert!(changed <= 1, "{} changed other fields", s.key);
        }
    }
}
