//! Platelet response by the IWG 2009 definitions (clinical.md 4.2, E): complete response (CR)
//! ≥ 100 ×10⁹/L; response (R) ≥ 30 and ≥ 2× baseline; CR/R confirmed by two counts ≥ 7 days
//! apart, no response (NR) and loss of response by two counts ≥ 1 day apart; any logged
//! bleeding downgrades ("and no bleeding"). Baseline = the last count before the first dose.
//! Counts inside a rescue-therapy window (IVIG, anti-D, steroid pulse, transfusion) are used
//! neither as baseline nor for the response (clinical.md 4.2).
//!
//! "Two counts ≥ N days apart" is read as a run of consecutive counts that all meet the
//! criterion and whose first and last are ≥ N days apart: a count in between that fails
//! breaks the run. The status is a state machine over time, so its history can be charted.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use serde::Serialize;

use super::entry::EventKind;
use super::settings::Thresholds;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    CompleteResponse,
    Response,
    NoResponse,
    /// Below the CR line (from CR) on two counts ≥ 1 day apart, still meeting R.
    LossOfCompleteResponse,
    LossOfResponse,
    NotAssessable,
}

impl Response {
    pub fn code(self) -> &'static str {
        match self {
            Response::CompleteResponse => "complete_response",
            Response::Response => "response",
            Response::NoResponse => "no_response",
            Response::LossOfCompleteResponse => "loss_of_complete_response",
            Response::LossOfResponse => "loss_of_response",
            Response::NotAssessable => "not_assessable",
        }
    }

    pub fn is_response(self) -> bool {
        matches!(self, Response::CompleteResponse | Response::Response)
    }

    pub fn is_loss(self) -> bool {
        matches!(
            self,
            Response::LossOfCompleteResponse | Response::LossOfResponse
        )
    }
}

/// A rescue treatment and the window in which counts say nothing about the treatment being
/// evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Rescue {
    pub kind: EventKind,
    pub at: DateTime<FixedOffset>,
    pub until: DateTime<FixedOffset>,
}

impl Rescue {
    pub fn covers(&self, at: DateTime<FixedOffset>) -> bool {
        self.at <= at && at < self.until
    }
}

/// The assessment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessment {
    pub status: Response,
    pub baseline: Option<f64>,
    pub baseline_at: Option<DateTime<FixedOffset>>,
    /// First count of the first confirmed response run.
    pub responded_at: Option<DateTime<FixedOffset>>,
    pub time_to_response_days: Option<i64>,
    /// Logged bleeding changed the status (and counts have not changed it since).
    pub downgraded_by_bleeding: bool,
    /// The bleed that did.
    pub bleed_at: Option<DateTime<FixedOffset>>,
    /// The latest count lies in this rescue window: the status is "not assessable".
    pub rescue: Option<Rescue>,
    /// Corticosteroids taken around the response (named beside it: IWG counts steroid
    /// dependence as non-response).
    pub concurrent_steroids: Vec<super::drugs::Drug>,
    /// The status after each count or bleed, for charts: (time, status).
    pub history: Vec<(DateTime<FixedOffset>, Response)>,
    /// Which definition produced the category.
    pub definition: &'static str,
}

enum Event {
    Count(f64),
    Bleed,
    Rescue,
}

/// What the assessment reads.
pub struct Inputs<'a> {
    /// The start day of the treatment being evaluated.
    pub start: NaiveDate,
    /// Its first dose, when known: a count earlier that day is still a baseline.
    pub first_dose: Option<DateTime<FixedOffset>>,
    /// Every platelet count, oldest first.
    pub counts: &'a [(DateTime<FixedOffset>, f64)],
    /// Times of logged bleeding.
    pub bleeds: &'a [DateTime<FixedOffset>],
    pub rescues: &'a [Rescue],
}

/// The run state while walking the counts.
#[derive(Default)]
struct Runs {
    cr: Option<DateTime<FixedOffset>>,
    r: Option<DateTime<FixedOffset>>,
    fail: Option<DateTime<FixedOffset>>,
    fail_n: u32,
    below_cr: Option<DateTime<FixedOffset>>,
    below_cr_n: u32,
}

impl Runs {
    fn reset(&mut self) {
        *self = Runs::default();
    }
}

/// Assess the response to a treatment.
pub fn assess(i: &Inputs, t: &Thresholds) -> Assessment {
    let before = |at: &DateTime<FixedOffset>| match i.first_dose {
        Some(d) if d.date_naive() == i.start => *at < d,
        _ => at.date_naive() < i.start,
    };
    let rescued = |at: &DateTime<FixedOffset>| i.rescues.iter().any(|r| r.covers(*at));
    let base = i
        .counts
        .iter()
        .rev()
        .find(|(at, _)| before(at) && !rescued(at))
        .copied();
    let baseline = base.map(|b| b.1);
    let mut events: Vec<(DateTime<FixedOffset>, Event)> = i
        .counts
        .iter()
        .filter(|(at, _)| !before(at) && !rescued(at))
        .map(|&(at, v)| (at, Event::Count(v)))
        .chain(
            i.bleeds
                .iter()
                .filter(|at| !before(at))
                .map(|&at| (at, Event::Bleed)),
        )
        .chain(
            i.rescues
                .iter()
                .filter(|r| !before(&r.at))
                .map(|r| (r.at, Event::Rescue)),
        )
        .collect();
    events.sort_by_key(|(at, _)| *at);
    let mut a = walk(events, baseline, t);
    a.baseline = baseline;
    a.baseline_at = base.map(|b| b.0);
    a.time_to_response_days = a
        .responded_at
        .map(|r| (r.date_naive() - i.start).num_days());
    // The latest count (or now) in a rescue window: nothing can be said.
    // Of the windows covering it, the one that ends last (a pulse over four days is
    // not assessable until 14 days after its last dose).
    if let Some(last) = i.counts.iter().map(|c| c.0).filter(|at| !before(at)).max()
        && let Some(r) = i
            .rescues
            .iter()
            .filter(|r| r.covers(last))
            .max_by_key(|r| r.until)
    {
        a.status = Response::NotAssessable;
        a.rescue = Some(*r);
    }
    a
}

/// The IWG state machine over counts, bleeds and rescues.
fn walk(
    events: Vec<(DateTime<FixedOffset>, Event)>,
    baseline: Option<f64>,
    t: &Thresholds,
) -> Assessment {
    let meets_cr = |v: f64| v >= t.cr_platelets;
    let meets_r =
        |v: f64| meets_cr(v) || (v >= t.r_platelets && baseline.is_some_and(|b| v >= t.r_fold * b));
    let fails = |v: f64| match baseline {
        Some(b) => v < t.r_platelets || v < t.r_fold * b,
        // Without a baseline only "< 30" can be judged a failure.
        None => v < t.r_platelets,
    };
    let confirm_r = Duration::days(t.confirm_response_days as i64);
    let confirm_f = Duration::days(t.confirm_failure_days as i64);
    let mut status = Response::NotAssessable;
    let mut ever = false;
    let mut responded_at = None;
    let mut downgraded = false;
    let mut bleed_at = None;
    let mut run = Runs::default();
    let mut history = Vec::new();
    for (at, ev) in events {
        match ev {
            Event::Rescue => run.reset(),
            Event::Bleed => {
                if status.is_response() {
                    downgraded = true;
                    bleed_at = Some(at);
                }
                status = if ever {
                    Response::LossOfResponse
                } else {
                    Response::NoResponse
                };
                run.reset();
            }
            Event::Count(v) => {
                let before = status;
                run.cr = if meets_cr(v) {
                    run.cr.or(Some(at))
                } else {
                    None
                };
                run.r = if meets_r(v) { run.r.or(Some(at)) } else { None };
                if fails(v) {
                    run.fail = run.fail.or(Some(at));
                    run.fail_n += 1;
                } else {
                    (run.fail, run.fail_n) = (None, 0);
                }
                if meets_cr(v) {
                    (run.below_cr, run.below_cr_n) = (None, 0);
                } else {
                    run.below_cr = run.below_cr.or(Some(at));
                    run.below_cr_n += 1;
                }
                // A response's counts are calendar days apart (clinical.md 4.2: "at least 7
                // days apart"): a count at 08:59 a week after one at 09:00 confirms. A failure
                // still needs a full day between its counts (two draws either side of
                // midnight are not two occasions).
                let apart = |s: DateTime<FixedOffset>| at.date_naive() - s.date_naive();
                let confirmed = |s: Option<DateTime<FixedOffset>>, n: u32| {
                    n >= 2 && s.is_some_and(|s| at - s >= confirm_f)
                };
                if let Some(s) = run.cr.filter(|s| apart(*s) >= confirm_r) {
                    status = Response::CompleteResponse;
                    if !ever {
                        responded_at = Some(run.r.unwrap_or(s));
                    }
                    ever = true;
                } else if confirmed(run.fail, run.fail_n) {
                    status = if ever {
                        Response::LossOfResponse
                    } else {
                        Response::NoResponse
                    };
                } else if matches!(
                    status,
                    Response::CompleteResponse | Response::LossOfCompleteResponse
                ) {
                    // From CR only a confirmed drop below the CR line (or a failure) counts.
                    if confirmed(run.below_cr, run.below_cr_n) {
                        status = Response::LossOfCompleteResponse;
                    }
                } else if let Some(s) = run.r.filter(|s| apart(*s) >= confirm_r) {
                    status = Response::Response;
                    if !ever {
                        responded_at = Some(s);
                    }
                    ever = true;
                }
                // The counts changed the status: a bleed no longer explains it.
                if status != before {
                    (downgraded, bleed_at) = (false, None);
                }
            }
        }
        history.push((at, status));
    }
    Assessment {
        status,
        baseline: None,
        baseline_at: None,
        responded_at,
        time_to_response_days: None,
        downgraded_by_bleeding: downgraded,
        bleed_at,
        rescue: None,
        concurrent_steroids: Vec::new(),
        history,
        definition: "IWG 2009 (Rodeghiero et al., Blood 2009)",
    }
}

/// The response to regimen `r`, from the facts: every count, every logged bleed (IWG "and no
/// bleeding"), the rescue windows and the first dose.
pub fn assess_regimen(
    f: &super::facts::Facts,
    r: &super::regimen::Regimen,
    t: &Thresholds,
) -> Assessment {
    let counts: Vec<_> = f.platelets().collect();
    let bleeds: Vec<_> = f.bleeding().map(|(at, _)| at).collect();
    let rescues = f.rescues(t);
    let mut a = assess(
        &Inputs {
            start: r.start,
            first_dose: f.first_dose(r),
            counts: &counts,
            bleeds: &bleeds,
            rescues: &rescues,
        },
        t,
    );
    if let Some(at) = a.responded_at {
        a.concurrent_steroids = steroids_around(f, at, t);
    }
    a
}

/// Corticosteroids on a regimen on the day of `at`, or taken in the rescue-steroid window
/// before it (clinical.md 4.2).
fn steroids_around(
    f: &super::facts::Facts,
    at: DateTime<FixedOffset>,
    t: &Thresholds,
) -> Vec<super::drugs::Drug> {
    use super::drugs::Drug;
    let since = at - Duration::days(t.rescue_steroid_days as i64);
    [
        Drug::Prednisone,
        Drug::Prednisolone,
        Drug::Dexamethasone,
        Drug::Methylprednisolone,
    ]
    .into_iter()
    .filter(|d| {
        f.regimens
            .iter()
            .any(|r| r.drug == *d && r.is_active_on(at.date_naive()))
            || f.doses(*d).any(|(x, _)| x >= since && x <= at)
            || reported_on(f, *d, at)
    })
    .collect()
}

/// A medication reported started (an event naming `d`) on or before `at` and not reported
/// stopped between then and `at` (outside review, session 6: a prednisone course logged as
/// "medication started" was not named beside the response).
fn reported_on(f: &super::facts::Facts, d: super::drugs::Drug, at: DateTime<FixedOffset>) -> bool {
    use super::entry::EventKind;
    let names = |e: &super::entry::Event| {
        e.medication.as_deref().and_then(super::drugs::Drug::parse) == Some(d)
    };
    let started = f
        .events()
        .filter(|(x, e)| *x <= at && e.event == EventKind::MedicationStart && names(e))
        .map(|(x, _)| x)
        .next_back();
    started.is_some_and(|s| {
        !f.events()
            .any(|(x, e)| x >= s && x <= at && e.event == EventKind::MedicationStop && names(e))
    })
}

/// Disease phase from the diagnosis date (IWG, clinical.md 4.2): newly diagnosed < 3 months,
/// persistent 3–12 months, chronic > 12 months.
pub fn disease_phase(diagnosed: NaiveDate, today: NaiveDate) -> &'static str {
    use chrono::Months;
    if today < diagnosed + Months::new(3) {
        "newly_diagnosed"
    } else if today <= diagnosed + Months::new(12) {
        "persistent"
    } else {
        "chronic"
    }
}

/// ×10⁹/L: the usual target of ITP treatment (TPO-RAs, fostamatinib) and the count for minor
/// surgery (clinical.md E, the ≥ 50 row).
pub const PLATELETS_USUAL_TARGET: f64 = 50.0;

crate::domain::codes::code_enum!(
    /// Where a platelet count stands for the patient (clinical.md E / 4.3). The codes are the
    /// historical ones (stored in `status --format json`); the limits are the settings'.
    PlateletBand, "band", {
        /// Below `alerts.platelets_below_urgent` (20): high bleeding risk.
        HighRisk => "high_risk", [],
        /// Below `alerts.platelets_below` (30): below the treatment line.
        BelowTreatment => "below_30", [],
        /// From the treatment line up to the usual target (50).
        BelowTarget => "from_30", [],
        /// From the usual target up to the complete-response count (100).
        Target => "from_50", [],
        /// At or above `response.complete_at_least` (100).
        CompleteRange => "from_100", [],
    }
);

/// Platelet band for patients (clinical.md E / 4.3).
/// The lines [`platelet_band`] judges a count against, low to high (a count shown beside
/// them keeps its side: 29.99 is not "30").
pub fn platelet_lines(t: &Thresholds) -> [f64; 4] {
    [
        t.platelets_urgent,
        t.platelets_low,
        PLATELETS_USUAL_TARGET,
        t.cr_platelets,
    ]
}

pub fn platelet_band(v: f64, t: &Thresholds) -> PlateletBand {
    if v < t.platelets_urgent {
        PlateletBand::HighRisk
    } else if v < t.platelets_low {
        PlateletBand::BelowTreatment
    } else if v < PLATELETS_USUAL_TARGET {
        PlateletBand::BelowTarget
    } else if v < t.cr_platelets {
        PlateletBand::Target
    } else {
        PlateletBand::CompleteRange
    }
}

#[cfg(test)]
// Table-driven tests spell out their row types inline; naming each would hide the table.
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    fn at(day: i64) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-01-05T08:00:00+08:00").unwrap() + Duration::days(day)
    }

    fn start() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
    }

    fn inputs<'a>(
        counts: &'a [(DateTime<FixedOffset>, f64)],
        bleeds: &'a [DateTime<FixedOffset>],
    ) -> Inputs<'a> {
        Inputs {
            start: start(),
            first_dose: None,
            counts,
            bleeds,
            rescues: &[],
        }
    }

    /// (name, counts as (day, value) with day < 0 before the start, care bleeds, expected).
    #[test]
    fn iwg_table() {
        let t = Thresholds::default();
        use Response::{CompleteResponse, LossOfResponse, NoResponse, NotAssessable};
        let r = Response::Response;
        let cases: &[(&str, &[(i64, f64)], &[i64], super::Response)] = &[
            ("no counts after start", &[(-3, 15.0)], &[], NotAssessable),
            ("one count", &[(-3, 15.0), (10, 120.0)], &[], NotAssessable),
            (
                "CR 7 days apart",
                &[(-3, 15.0), (10, 120.0), (17, 110.0)],
                &[],
                CompleteResponse,
            ),
            (
                "CR only 6 days apart",
                &[(-3, 15.0), (10, 120.0), (16, 110.0)],
                &[],
                NotAssessable,
            ),
            (
                "CR broken by a low count",
                &[(-3, 15.0), (10, 120.0), (13, 80.0), (17, 110.0)],
                &[],
                r,
            ),
            (
                "R: ≥30 and ≥2×",
                &[(-3, 15.0), (10, 40.0), (17, 45.0)],
                &[],
                r,
            ),
            (
                "R 6 days apart",
                &[(-3, 15.0), (10, 40.0), (16, 45.0)],
                &[],
                NotAssessable,
            ),
            (
                "two-fold rise that stays under 30",
                &[(-3, 10.0), (10, 25.0), (17, 28.0)],
                &[],
                NoResponse,
            ),
            (
                "≥30 but under two-fold",
                &[(-3, 20.0), (10, 35.0), (17, 38.0)],
                &[],
                NoResponse,
            ),
            (
                "exactly two-fold and 30",
                &[(-3, 15.0), (10, 30.0), (17, 30.0)],
                &[],
                r,
            ),
            (
                "NR needs 2 counts ≥1 day apart",
                &[(-3, 15.0), (10, 12.0)],
                &[],
                NotAssessable,
            ),
            (
                "NR same day twice",
                &[(-3, 15.0), (10, 12.0), (10, 13.0)],
                &[],
                NotAssessable,
            ),
            ("NR", &[(-3, 15.0), (10, 12.0), (11, 13.0)], &[], NoResponse),
            (
                "loss after R",
                &[(-3, 15.0), (10, 40.0), (17, 45.0), (30, 20.0), (31, 18.0)],
                &[],
                LossOfResponse,
            ),
            (
                "one low count after R is not loss",
                &[(-3, 15.0), (10, 40.0), (17, 45.0), (30, 20.0)],
                &[],
                r,
            ),
            (
                "CR without baseline",
                &[(10, 120.0), (17, 110.0)],
                &[],
                CompleteResponse,
            ),
            (
                "R not assessable without baseline",
                &[(10, 40.0), (17, 45.0)],
                &[],
                NotAssessable,
            ),
            (
                "bleeding downgrades CR",
                &[(-3, 15.0), (10, 120.0), (17, 110.0)],
                &[20],
                LossOfResponse,
            ),
            (
                "bleeding before any response",
                &[(-3, 15.0), (10, 40.0)],
                &[12],
                NoResponse,
            ),
            (
                "re-confirmed after bleeding",
                &[
                    (-3, 15.0),
                    (10, 120.0),
                    (17, 110.0),
                    (21, 115.0),
                    (28, 120.0),
                ],
                &[20],
                CompleteResponse,
            ),
            (
                "bleeding before the start is ignored",
                &[(-3, 15.0), (10, 120.0), (17, 110.0)],
                &[-5],
                CompleteResponse,
            ),
        ];
        for (name, counts, bleeds, expected) in cases {
            let counts: Vec<_> = counts.iter().map(|&(d, v)| (at(d), v)).collect();
            let bleeds: Vec<_> = bleeds.iter().map(|&d| at(d)).collect();
            let a = assess(&inputs(&counts, &bleeds), &t);
            assert_eq!(a.status, *expected, "{name}");
        }
    }

    #[test]
    fn baseline_and_time_to_response() {
        let t = Thresholds::default();
        let counts = vec![
            (at(-30), 8.0),
            (at(-2), 12.0),
            (at(20), 50.0),
            (at(27), 130.0),
            (at(34), 140.0),
        ];
        let a = assess(&inputs(&counts, &[]), &t);
        assert_eq!(a.baseline, Some(12.0));
        assert_eq!(a.status, Response::CompleteResponse);
        // R confirmed on day 27 from the run starting day 20: response achieved on day 20.
        assert_eq!(a.time_to_response_days, Some(20));
        assert_eq!(a.history.len(), 3);
        assert_eq!(a.history[0].1, Response::NotAssessable);
        assert_eq!(a.history[1].1, Response::Response);
    }

    #[test]
    fn phases_and_bands() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            disease_phase(d("2026-01-10"), d("2026-04-09")),
            "newly_diagnosed"
        );
        assert_eq!(
            disease_phase(d("2026-01-10"), d("2026-04-10")),
            "persistent"
        );
        assert_eq!(
            disease_phase(d("2026-01-10"), d("2027-01-10")),
            "persistent"
        );
        assert_eq!(disease_phase(d("2026-01-10"), d("2027-01-11")), "chronic");
        let t = Thresholds::default();
        assert_eq!(platelet_band(19.9, &t).code(), "high_risk");
        assert_eq!(platelet_band(20.0, &t).code(), "below_30");
        assert_eq!(platelet_band(30.0, &t).code(), "from_30");
        assert_eq!(platelet_band(50.0, &t).code(), "from_50");
        assert_eq!(platelet_band(100.0, &t).code(), "from_100");
    }
}
