//! When two taken doses of a drug are too close to pass without the patient's word: half the
//! shortest interval between the planned doses around them. `take` asks before answering a
//! missed slot that close to another dose; `log dose`, the dose form and edits ask before
//! saving one (`app::entries`).

use chrono::{DateTime, Duration, FixedOffset, NaiveTime};

use crate::domain::clock::Clock;
use crate::domain::drugs::Drug;
use crate::domain::entry::DoseStatus;
use crate::domain::facts::Facts;
use crate::domain::regimen::Regimen;

/// The share of the interval between planned doses within which a second taken dose of the
/// same drug needs the patient's explicit word: half, so a forgotten 08:00 dose is never
/// logged minutes after the 20:00 one by one key press. The diary never recommends a dose; it
/// asks and points to the team.
const LATE_DOSE_GAP_SHARE: f64 = 0.5;

/// [`LATE_DOSE_GAP_SHARE`] of an interval between planned doses, to the minute.
fn gap_of(interval: Duration) -> Duration {
    Duration::minutes((interval.num_minutes() as f64 * LATE_DOSE_GAP_SHARE) as i64)
}

/// Half the shortest interval between two planned doses of `r`'s step on `day` (its slot
/// times around the clock, and from the last back to the first a dosing period later): two
/// taken doses closer than this need the patient's word. Twice a day at 08:00 and 20:00 gives
/// 6 h; at 08:00 and 12:00, 2 h (the lunch dose is not "soon" after breakfast).
fn safe_gap(r: &Regimen, day: chrono::NaiveDate) -> Option<Duration> {
    let step = r.step_on(day)?;
    let period = Duration::days(i64::from(step.every_days.max(1)));
    let mut times: Vec<NaiveTime> = step.slots.iter().map(|s| s.time).collect();
    times.sort();
    let shortest = match (times.first(), times.last()) {
        (Some(first), Some(last)) => times
            .windows(2)
            .map(|w| w[1] - w[0])
            .chain([period - (*last - *first)])
            .filter(|d| *d > Duration::zero())
            .min()
            .unwrap_or(period),
        _ => period,
    };
    Some(gap_of(shortest))
}

/// The widest gap any plan of `drug` asks for (see [`safe_gap`]): how far around a dose to
/// look.
pub fn widest_dose_gap(f: &Facts, drug: Drug) -> Option<Duration> {
    f.regimens
        .iter()
        .filter(|r| r.drug == drug)
        .flat_map(|r| r.steps.iter().filter_map(|s| safe_gap(r, s.effective_from)))
        .max()
}

/// Half the shortest interval between two planned doses of `drug` around the doses `a` and
/// `b` (every plan of the drug, from a dosing period before the earlier to one after the
/// later), at most [`widest_dose_gap`]: two taken doses closer than this need the patient's
/// word. The planned doses themselves decide, so the answer does not depend on which dose was
/// logged first, and the day a plan changes is read as planned: a once-daily dose moved from
/// 20:00 to 08:00 gives 12 h between the last evening and the first morning dose (6 h), a
/// taper from twice a day to once likewise. `None` with fewer than two planned doses there.
fn pair_gap(
    f: &Facts,
    drug: Drug,
    (a, b): (DateTime<FixedOffset>, DateTime<FixedOffset>),
    clock: &Clock,
) -> Option<Duration> {
    let plans = || f.regimens.iter().filter(move |r| r.drug == drug);
    let every = plans()
        .flat_map(|r| r.steps.iter().map(|s| s.every_days.max(1)))
        .max()?;
    let reach = Duration::days(i64::from(every) + 1);
    let (lo, hi) = (a.min(b), a.max(b));
    let logged = f.doses(drug).map(|(at, _)| at).chain([a, b]);
    let slots = crate::domain::dosing::SlotClock::new(clock, logged);
    let mut planned: Vec<DateTime<FixedOffset>> = plans()
        .flat_map(|r| r.planned_between(lo - reach, hi + reach, &slots))
        .map(|p| p.at)
        .collect();
    planned.sort();
    planned.dedup();
    let shortest = planned
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|d| *d > Duration::zero())
        .min()?;
    Some(gap_of(shortest).min(widest_dose_gap(f, drug)?))
}

/// The taken doses of `drug` closer to `at` than their [`pair_gap`].
pub(super) fn close_doses<'a>(
    f: &'a Facts,
    drug: Drug,
    at: DateTime<FixedOffset>,
    clock: &'a Clock,
) -> impl Iterator<Item = DateTime<FixedOffset>> + 'a {
    f.doses(drug)
        .filter(|(_, x)| x.status == DoseStatus::Taken)
        .map(|(d, _)| d)
        .filter(move |d| pair_gap(f, drug, (*d, at), clock).is_some_and(|g| (*d - at).abs() < g))
}

/// The taken dose of `drug` nearest to `at`, when the two lie closer than their
/// [`pair_gap`]: a dose logged from the form or `log dose` that close to another (two doses
/// hours apart, or the same dose logged twice) needs the patient's word, as `take` asks for a
/// missed slot. `None` without a plan for `drug` around them.
pub fn dose_close_to(
    f: &Facts,
    drug: Drug,
    at: DateTime<FixedOffset>,
    clock: &Clock,
) -> Option<DateTime<FixedOffset>> {
    close_doses(f, drug, at, clock).min_by_key(|d| (*d - at).abs())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{NOW, facts, t};
    use super::*;

    #[test]
    fn a_dose_close_to_another_taken_dose_is_found_before_and_after() {
        // Two slots a day: half the interval is 6 h.
        let f = facts(&[
            ("2026-03-10T08:05:00+08:00", None),
            ("2026-03-09T20:00:00+08:00", None),
        ]);
        let cs = Drug::Cyclosporine;
        let clock = Clock::Fixed(t(NOW));
        // (dose time, nearest taken dose within 6 h)
        let cases: Vec<(&str, Option<&str>)> = vec![
            (
                "2026-03-10T08:05:00+08:00",
                Some("2026-03-10T08:05:00+08:00"),
            ),
            (
                "2026-03-10T13:00:00+08:00",
                Some("2026-03-10T08:05:00+08:00"),
            ),
            ("2026-03-10T14:05:00+08:00", None),
            (
                "2026-03-10T14:04:00+08:00",
                Some("2026-03-10T08:05:00+08:00"),
            ),
            (
                "2026-03-10T03:00:00+08:00",
                Some("2026-03-10T08:05:00+08:00"),
            ),
            (
                "2026-03-10T01:00:00+08:00",
                Some("2026-03-09T20:00:00+08:00"),
            ),
            ("2026-03-10T20:00:00+08:00", None),
        ];
        for (at, want) in cases {
            assert_eq!(dose_close_to(&f, cs, t(at), &clock), want.map(t), "{at}");
        }
        // Another drug, or no plan that day: nothing to compare with.
        let other = t("2026-03-10T09:00:00+08:00");
        assert_eq!(dose_close_to(&f, Drug::Eltrombopag, other, &clock), None);
        assert_eq!(
            dose_close_to(&f, cs, t("2025-12-31T08:00:00+08:00"), &clock),
            None
        );
    }
}
