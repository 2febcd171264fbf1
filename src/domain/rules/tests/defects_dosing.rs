//! Defects of issue 11 about doses and adherence (10, 11, 14, 22, 23).

use chrono::{FixedOffset, TimeZone};

use super::{B, day, has, rules};
use crate::domain::clock::Clock;
use crate::domain::dosing::SlotState;
use crate::domain::overview::overview;
use crate::domain::settings::Thresholds;

/// Defect 11: nothing logged is unknown (`None`), not 0 mg/kg/day; planned stays known.
#[test]
fn defect_11_taken_is_unknown_when_nothing_logged() {
    let b = B::new().csa(150.0).weight(-1.0, 60.0);
    let o = overview(&b.0, &Clock::Fixed(day(10.5)), &Thresholds::default());
    let d = o.dosing.unwrap();
    assert_eq!((d.taken_daily, d.taken_mg_per_kg), (None, None));
    assert_eq!(d.planned_mg_per_kg, Some(5.0));
    let i = crate::present::i18n::I18n::new(crate::present::i18n::Lang::En);
    let row = crate::present::describe::dose_row(&d, &i);
    assert_eq!(row, "plan 300 = 5/kg · taken —");
}

/// Defect 14: doses on time in UTC+8 stay on time when the diary is read in UTC.
#[test]
fn defect_14_other_time_zone_keeps_adherence() {
    let mut b = B::new().csa(150.0);
    for d in 0..10 {
        b = b
            .dose(d as f64 + 8.05 / 24.0, 150.0)
            .dose(d as f64 + 20.05 / 24.0, 150.0);
    }
    let t = Thresholds::default();
    let shanghai = overview(&b.0, &Clock::Fixed(day(9.9)), &t);
    let utc = FixedOffset::east_opt(0).unwrap();
    let in_utc = Clock::Fixed(utc.from_utc_datetime(&day(9.9).naive_utc()).fixed_offset());
    let o = overview(&b.0, &in_utc, &t);
    assert_eq!(shanghai.adherence_7d, Some(100.0));
    assert_eq!(o.adherence_7d, Some(100.0), "{:?}", o.slots);
}

/// Defect 22: a dose a few minutes past the window is late, not "not logged".
#[test]
fn defect_22_just_past_the_window_is_late() {
    // 08:00 slot, ±3 h window: 11:05 is late.
    let b = B::new().csa(150.0).dose(3.0 + 11.08 / 24.0, 150.0);
    let clock = Clock::Fixed(day(3.0 + 12.0 / 24.0));
    let o = overview(&b.0, &clock, &Thresholds::default());
    let s = o
        .slots
        .iter()
        .find(|s| s.at == day(3.0 + 8.0 / 24.0))
        .unwrap();
    assert_eq!(s.state, SlotState::Late);
    let r = b.at(3.0 + 12.0 / 24.0);
    let morning = ("time", "08:00".to_string());
    assert!(
        !r.iter()
            .any(|x| x.rule.code() == "dose_not_logged" && x.args.contains(&morning)),
        "{:?}",
        rules(&r)
    );
}

/// Defect 23: a plan recorded today at 14:30 does not mark this morning missed; adherence
/// with nothing measurable is unknown.
#[test]
fn defect_23_plan_started_this_afternoon() {
    let mut b = B::new().csa(150.0);
    b.0.regimens[0].planned_at = Some(day(14.5 / 24.0));
    let now = 14.6 / 24.0;
    let r = b.at(now);
    assert!(!has(&r, "dose_not_logged"), "{:?}", rules(&r));
    let o = overview(&b.0, &Clock::Fixed(day(now)), &Thresholds::default());
    assert_eq!(o.adherence_7d, None);
    assert!(o.slots.iter().all(|s| s.at > day(now)), "{:?}", o.slots);
}

/// Outside review, session 5: last night's missed 20:00 said "No dose logged for 20:00" in the
/// afternoon, read as tonight's dose still to come; a slot of another day names its date.
#[test]
fn a_missed_slot_of_another_day_names_its_date() {
    let b = B::new()
        .csa(150.0)
        .dose(2.0 + 8.0 / 24.0, 150.0)
        .dose(3.0 + 8.0 / 24.0, 150.0);
    let r = b.at(3.0 + 14.5 / 24.0);
    let times: Vec<String> = r
        .iter()
        .filter(|x| x.rule.code() == "dose_not_logged")
        .filter_map(|x| x.args.iter().find(|a| a.0 == "time").map(|a| a.1.clone()))
        .collect();
    let evening = day(2.0 + 20.0 / 24.0).format("%Y-%m-%d 20:00").to_string();
    assert_eq!(times, [evening], "{:?}", rules(&r));
}
