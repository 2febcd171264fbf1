//! Trend series on one time axis: x = days since the window's start (f64), y in the canonical
//! unit. Series are split at gaps (no line across a period without data), downsampled per
//! terminal column (keeping each column's minimum and maximum), and summarised: time in range
//! by linear interpolation between measurements (the Rosendaal method INR tools use), median,
//! lowest, variability.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::clock::Clock;
use super::drugs::Drug;
use super::entry::DoseStatus;
use super::facts::Facts;
use super::regimen::Regimen;
use super::response::Response;
use super::settings::Thresholds;

pub mod doses;
mod parts;

pub type Pt = (f64, f64);

/// Split points (sorted by x) wherever two neighbours are more than `max_gap` apart.
pub fn split_gaps(points: &[Pt], max_gap: f64) -> Vec<Vec<Pt>> {
    let mut out: Vec<Vec<Pt>> = Vec::new();
    for &p in points {
        match out.last_mut() {
            Some(seg) if seg.last().is_some_and(|l| p.0 - l.0 <= max_gap) => seg.push(p),
            _ => out.push(vec![p]),
        }
    }
    out
}

/// Keep at most the minimum and the maximum of each of `columns` equal slices of [x0, x1]
/// (in x order), so that a chart of any length draws the same number of points and no peak or
/// trough is lost.
pub fn downsample(points: &[Pt], x0: f64, x1: f64, columns: usize) -> Vec<Pt> {
    if columns == 0 || x1 <= x0 || points.len() <= 2 * columns {
        return points.to_vec();
    }
    let width = (x1 - x0) / columns as f64;
    let mut out = Vec::with_capacity(2 * columns);
    let mut i = 0;
    while i < points.len() {
        let col = ((points[i].0 - x0) / width).floor();
        let mut lo = points[i];
        let mut hi = points[i];
        let mut j = i + 1;
        while j < points.len() && ((points[j].0 - x0) / width).floor() == col {
            if points[j].1 < lo.1 {
                lo = points[j];
            }
            if points[j].1 > hi.1 {
                hi = points[j];
            }
            j += 1;
        }
        if lo.0 <= hi.0 {
            out.push(lo);
            if hi != lo {
                out.push(hi);
            }
        } else {
            out.push(hi);
            out.push(lo);
        }
        i = j;
    }
    out
}

/// Fraction (0–100 %) of the time between the first and last point spent in [lo, hi],
/// interpolating linearly between consecutive points. Segments longer than `max_gap` are left
/// out (not counted either way). `None` with fewer than two points.
pub fn time_in_range(points: &[Pt], lo: f64, hi: f64, max_gap: f64) -> Option<f64> {
    let mut inside = 0.0;
    let mut total = 0.0;
    for w in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let dx = x1 - x0;
        if dx <= 0.0 || dx > max_gap {
            continue;
        }
        total += dx;
        inside += dx * fraction_in(y0, y1, lo, hi);
    }
    (total > 0.0).then(|| inside / total * 100.0)
}

/// The share of a straight segment from y0 to y1 that lies within [lo, hi].
fn fraction_in(y0: f64, y1: f64, lo: f64, hi: f64) -> f64 {
    if (y1 - y0).abs() < f64::EPSILON {
        return if y0 >= lo && y0 <= hi { 1.0 } else { 0.0 };
    }
    let (a, b) = if y0 < y1 { (y0, y1) } else { (y1, y0) };
    let top = b.min(hi);
    let bottom = a.max(lo);
    ((top - bottom) / (b - a)).clamp(0.0, 1.0)
}

/// % change from a baseline.
pub fn pct_from_baseline(v: f64, base: f64) -> f64 {
    (v - base) / base * 100.0
}

pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Coefficient of variation (%), sample standard deviation ÷ mean.
pub fn cv(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean > 0.0).then(|| var.sqrt() / mean * 100.0)
}

/// An event marker on the shared axis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Marker {
    pub x: f64,
    /// Event code (ivig, steroid_pulse, transfusion, infection, medication_start, …) or
    /// `bleeding` for a bleed that needed care, or a regimen step kind prefixed `step_`.
    pub code: String,
}

/// Figures for the window.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// The counts the two shares are measured against: the response and complete-response
    /// lines in force (30 and 100 by default).
    pub at_least: [f64; 2],
    pub days_at_least_30_pct: Option<f64>,
    pub days_at_least_100_pct: Option<f64>,
    pub median_platelets: Option<f64>,
    pub lowest_platelets: Option<f64>,
    pub doses_taken_pct: Option<f64>,
    pub trough_in_range_pct: Option<f64>,
    pub trough_cv_pct: Option<f64>,
    pub trough_count: usize,
}

/// Everything the trend charts draw, for one window.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TrendData {
    pub from: Option<DateTime<FixedOffset>>,
    pub days: f64,
    pub platelets: Vec<Pt>,
    pub baseline: Option<f64>,
    /// Response status from each count on: (x, status).
    pub response: Vec<(f64, Response)>,
    /// Planned mg/day as a step line.
    pub dose_planned: Vec<Pt>,
    /// Taken mg per day (one point per day with a dose).
    pub dose_taken: Vec<Pt>,
    /// mg/kg/day planned (step line), when a weight is known.
    pub mg_per_kg: Vec<Pt>,
    /// mg/kg/day taken, per day (the day's taken mg over the weight then).
    pub mg_per_kg_taken: Vec<Pt>,
    /// Troughs: levels drawn within the trough window after the previous dose they name.
    pub troughs: Vec<Pt>,
    /// Levels drawn at another time, or whose previous dose is unknown (never judged).
    pub non_troughs: Vec<Pt>,
    pub target: (f64, f64),
    /// The care team set the target (in the plan or the settings file).
    pub target_by_team: bool,
    pub creatinine_pct: Vec<Pt>,
    pub creatinine_baseline: Option<f64>,
    pub systolic: Vec<Pt>,
    pub diastolic: Vec<Pt>,
    pub alt: Vec<Pt>,
    pub ast: Vec<Pt>,
    pub liver_uln: f64,
    pub potassium: Vec<Pt>,
    pub magnesium: Vec<Pt>,
    pub markers: Vec<Marker>,
    pub summary: Summary,
}

/// Maximum gaps (days) before a line is broken (L5).
pub const GAP_PLATELETS: f64 = 60.0;
pub const GAP_LABS: f64 = 90.0;
pub const GAP_DOSES: f64 = 3.0;
pub const GAP_BP: f64 = 45.0;

/// What [`build`] and [`build_reduced`] share: the window's axis, the plan, and the data with
/// the platelet counts and the planned dose filled in.
fn begin<'f>(
    f: &'f Facts,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    clock: &Clock,
    t: &Thresholds,
) -> (parts::Axis, Option<&'f Regimen>, TrendData) {
    let w = parts::Axis::new(from, to);
    let r: Option<&Regimen> = f.primary(to.date_naive());
    let mut d = TrendData {
        from: Some(from),
        days: w.days,
        liver_uln: t.liver_uln,
        ..Default::default()
    };
    parts::platelets(&mut d, f, r, &w, t);
    if let Some(r) = r {
        parts::planned(&mut d, f, r, &w, clock);
    }
    (w, r, d)
}

/// Build the trend data of `[from, to)` from the facts (entries oldest first, covering the
/// window plus what precedes it that the baselines need).
pub fn build(
    f: &Facts,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    clock: &Clock,
    t: &Thresholds,
) -> TrendData {
    let (w, r, mut d) = begin(f, from, to, clock, t);
    let drug = r.map(|r| r.drug).unwrap_or(Drug::Cyclosporine);
    d.dose_taken = parts::taken_per_day(f, drug, &w);
    parts::levels_and_safety(&mut d, f, r, &w, t);
    parts::markers(&mut d, f, &w);
    d.summary = parts::summary(&d, t);
    d.summary.doses_taken_pct = r.and_then(|r| parts::taken_pct(f, r, &w, clock, t));
    d
}

/// [`build`] for a window whose doses of the course's drug come added up (`doses`, see
/// [`doses::DoseSummary`]) instead of as entries in the facts (a clinic report of a long
/// period).
pub fn build_summed(
    f: &Facts,
    doses: &doses::DoseSummary,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    clock: &Clock,
    t: &Thresholds,
) -> TrendData {
    let (w, r, mut d) = begin(f, from, to, clock, t);
    d.dose_taken = parts::taken_per_day_summary(doses, &w);
    parts::levels_and_safety(&mut d, f, r, &w, t);
    parts::markers(&mut d, f, &w);
    d.summary = parts::summary(&d, t);
    d.summary.doses_taken_pct = r.and_then(|_| doses.slots.taken_pct());
    d
}

/// A logged dose as the slot matching reads it: its time, status and the slot it names.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DoseMark {
    /// The entry's id (a dose read twice is counted once).
    pub id: i64,
    pub at: DateTime<FixedOffset>,
    pub status: DoseStatus,
    pub scheduled_for: Option<DateTime<FixedOffset>>,
    /// The amount, when it is in mg.
    pub mg: Option<f64>,
}

impl super::dosing::DoseView for &DoseMark {
    fn status(&self) -> DoseStatus {
        self.status
    }
    fn scheduled_for(&self) -> Option<DateTime<FixedOffset>> {
        self.scheduled_for
    }
    fn mg(&self) -> Option<f64> {
        self.mg
    }
}

/// What a long window reads from the store already reduced instead of as entries: the doses
/// of the course's drug added up (taken mg per day, slots taken and counted), and the dense
/// value series as each chart column's lowest and highest point (time, value in the canonical
/// unit).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reduced {
    pub doses: doses::DoseSummary,
    pub creatinine: Vec<(DateTime<FixedOffset>, f64)>,
    pub alt: Vec<(DateTime<FixedOffset>, f64)>,
    pub ast: Vec<(DateTime<FixedOffset>, f64)>,
    pub potassium: Vec<(DateTime<FixedOffset>, f64)>,
    pub magnesium: Vec<(DateTime<FixedOffset>, f64)>,
    pub systolic: Vec<(DateTime<FixedOffset>, f64)>,
    pub diastolic: Vec<(DateTime<FixedOffset>, f64)>,
    /// The upper limit of the first ALT in the window that has one.
    pub alt_high: Option<f64>,
    /// Every CsA level in the window, oldest first.
    pub levels: Vec<Level>,
}

/// A drug level as the charts read it: when it was drawn, its value (canonical unit), the
/// previous dose the result names and, when it names none, the last ciclosporin dose logged
/// as taken before the draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Level {
    pub at: DateTime<FixedOffset>,
    pub value: f64,
    pub last_dose_at: Option<DateTime<FixedOffset>>,
    pub logged_dose_at: Option<DateTime<FixedOffset>>,
}

/// [`build`] for a long window: the facts hold no dose of the course's drug (but its first
/// one), no drug level and no value series the store reduced; those come from `rd`. Counts,
/// weights, events and bleeds come from the facts as in [`build`].
pub fn build_reduced(
    f: &Facts,
    rd: &Reduced,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    clock: &Clock,
    t: &Thresholds,
) -> TrendData {
    let (w, r, mut d) = begin(f, from, to, clock, t);
    d.dose_taken = parts::taken_per_day_summary(&rd.doses, &w);
    parts::levels_reduced(&mut d, f, rd, r, &w, t);
    parts::markers(&mut d, f, &w);
    d.summary = parts::summary(&d, t);
    d.summary.doses_taken_pct = r.and_then(|_| rd.doses.slots.taken_pct());
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_split_lines() {
        let p = [
            (0.0, 1.0),
            (10.0, 2.0),
            (80.0, 3.0),
            (85.0, 4.0),
            (200.0, 5.0),
        ];
        let s = split_gaps(&p, 60.0);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0], vec![(0.0, 1.0), (10.0, 2.0)]);
        assert_eq!(s[1], vec![(80.0, 3.0), (85.0, 4.0)]);
        assert_eq!(s[2], vec![(200.0, 5.0)]);
        assert!(split_gaps(&[], 60.0).is_empty());
        // exactly the gap is not a gap
        assert_eq!(split_gaps(&[(0.0, 1.0), (60.0, 1.0)], 60.0).len(), 1);
    }

    #[test]
    fn downsampling_keeps_extremes() {
        // 1000 points over 100 days into 10 columns: every column keeps its min and max.
        let p: Vec<Pt> = (0..1000)
            .map(|i| (i as f64 / 10.0, ((i * 37) % 101) as f64))
            .collect();
        let d = downsample(&p, 0.0, 100.0, 10);
        assert!(d.len() <= 20, "{}", d.len());
        let global_min = p.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
        let global_max = p.iter().map(|x| x.1).fold(f64::NEG_INFINITY, f64::max);
        assert!(d.iter().any(|x| x.1 == global_min));
        assert!(d.iter().any(|x| x.1 == global_max));
        for c in 0..10 {
            let col: Vec<&Pt> = p
                .iter()
                .filter(|x| (x.0 / 10.0).floor() as usize == c)
                .collect();
            let mn = col.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
            let mx = col.iter().map(|x| x.1).fold(f64::NEG_INFINITY, f64::max);
            assert!(
                d.iter()
                    .any(|x| x.1 == mn && (x.0 / 10.0).floor() as usize == c)
            );
            assert!(
                d.iter()
                    .any(|x| x.1 == mx && (x.0 / 10.0).floor() as usize == c)
            );
        }
        // x order is kept
        assert!(d.windows(2).all(|w| w[0].0 <= w[1].0));
        // few points are returned as they are
        assert_eq!(downsample(&p[..5], 0.0, 100.0, 10), p[..5].to_vec());
    }

    #[test]
    fn interpolated_time_in_range() {
        // 20 → 40 over 10 days: ≥ 30 for the second half → 50 %.
        assert_eq!(
            time_in_range(&[(0.0, 20.0), (10.0, 40.0)], 30.0, f64::INFINITY, 60.0),
            Some(50.0)
        );
        // flat inside, flat outside
        assert_eq!(
            time_in_range(&[(0.0, 150.0), (10.0, 150.0)], 100.0, 200.0, 60.0),
            Some(100.0)
        );
        assert_eq!(
            time_in_range(&[(0.0, 50.0), (10.0, 50.0)], 100.0, 200.0, 60.0),
            Some(0.0)
        );
        // 50 → 250 crosses [100, 200]: half of the segment → 50 %; then 250 → 250: 0 → total 25 %.
        assert_eq!(
            time_in_range(
                &[(0.0, 50.0), (10.0, 250.0), (20.0, 250.0)],
                100.0,
                200.0,
                60.0
            ),
            Some(25.0)
        );
        // a gap longer than the limit is not counted
        assert_eq!(
            time_in_range(
                &[(0.0, 150.0), (100.0, 50.0), (110.0, 50.0)],
                100.0,
                200.0,
                60.0
            ),
            Some(0.0)
        );
        assert_eq!(time_in_range(&[(0.0, 150.0)], 100.0, 200.0, 60.0), None);
    }

    #[test]
    fn figures() {
        assert_eq!(pct_from_baseline(101.25, 81.0), 25.0);
        assert_eq!(pct_from_baseline(40.5, 81.0), -50.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        // 100, 200: mean 150, sd 70.71 → 47.1 %
        let c = cv(&[100.0, 200.0]).unwrap();
        assert!((c - 47.14).abs() < 0.01, "{c}");
        assert_eq!(cv(&[100.0]), None);
    }
}
