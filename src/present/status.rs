//! Where the patient stands, as the faces show it: one [`StatusView`] built from the
//! [`Overview`] feeds `itp-diary status` ([`status_lines`]) and the Today screen, so the two
//! derive the same things (today's doses, days since the count, which mg/kg/day, who set the
//! target) once, with the same words.

use crate::domain::overview::fmt_hours;
use chrono::NaiveDate;

use crate::domain::dosing::SlotState;
use crate::domain::overview::{Overview, TroughBand};
use crate::domain::response::PlateletBand;
use crate::domain::units::{fmt_beside, fmt_num};
use crate::present::i18n::I18n;

const DASH: &str = "—";

pub struct PlateletsView {
    pub value: f64,
    pub band: PlateletBand,
    pub band_label: String,
    pub date: NaiveDate,
    pub days_ago: i64,
    /// "today", "yesterday", "3 days ago" in the catalogue's words.
    pub ago: String,
    /// The count as shown: beside the band lines, on its side of them (29.99, not 30).
    pub shown: String,
}

pub struct ResponseView {
    pub label: String,
    pub baseline: Option<f64>,
    pub time_to_response_days: Option<i64>,
}

pub struct CourseView {
    pub phase_label: String,
    pub week: i64,
    pub day: i64,
    pub induction_weeks: i64,
    /// The next checkpoint: (week, date).
    pub checkpoint: Option<(i64, NaiveDate)>,
    /// The drug's label, the current step as text, its formulation, the date it took effect.
    pub drug_label: String,
    pub plan: String,
    pub formulation: Option<String>,
    pub start: NaiveDate,
    /// The first day without doses, when the plan was stopped (session 7: `status` printed
    /// "since …" for a stopped plan, as if it were in force).
    pub stop: Option<NaiveDate>,
}

pub struct DoseView {
    pub planned_daily: Option<f64>,
    pub planned_mg_per_kg: Option<f64>,
    pub taken_daily: Option<f64>,
    pub taken_mg_per_kg: Option<f64>,
    /// What the dose per kg is judged on: taken when known, else planned.
    pub mg_per_kg: Option<f64>,
    pub weight_kg: Option<f64>,
    pub weight_date: Option<NaiveDate>,
}

pub struct TroughView {
    pub value: f64,
    pub band: TroughBand,
    pub band_label: String,
    pub hours_since_dose: Option<f64>,
    /// The hours come from the last dose logged before the draw.
    pub timing_from_log: bool,
    /// Drawn outside the trough window (unknown timing is not "invalid").
    pub not_a_trough: bool,
    /// The trough window (hours) the level was judged against.
    pub window: (f64, f64),
    /// The level as shown: beside the target and alarm lines, on its side of them.
    pub shown: String,
    pub target_low: f64,
    pub target_high: f64,
    /// "set by your care team" or "app default".
    pub set_by: String,
    pub date: NaiveDate,
}

pub struct SlotView {
    pub time: String,
    pub amount: f64,
    pub state: SlotState,
    pub state_label: String,
    /// "50 mg (plan 125)": the dose taken for it, when that differs from the plan.
    pub differs: Option<String>,
}

/// Everything `status` and Today show, derived once.
pub struct StatusView {
    pub course: Option<CourseView>,
    pub dose: Option<DoseView>,
    pub adherence_7d: String,
    pub adherence_30d: String,
    /// Today's planned doses, in order.
    pub today: Vec<SlotView>,
    pub platelets: Option<PlateletsView>,
    pub response: Option<ResponseView>,
    pub trough: Option<TroughView>,
    /// The last level judged as a trough, when the last level is not one (the alerts judge
    /// it; `status` named only the later, unjudged level, session 7 re-test).
    pub judged_trough: Option<TroughView>,
    pub disease_phase: Option<String>,
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{}%", fmt_num(v, 0)))
        .unwrap_or_else(|| DASH.to_string())
}

fn course_view(o: &Overview, i: &I18n) -> Option<CourseView> {
    let (r, c) = (o.regimen.as_ref()?, o.course.as_ref()?);
    let step = r.step_on(o.now.date_naive()).or(r.steps.first());
    Some(CourseView {
        phase_label: i.t(&format!("phase.{}", c.phase.code())).to_string(),
        week: c.week,
        day: c.day,
        induction_weeks: c.induction_weeks,
        checkpoint: c.checkpoint.map(|cp| (cp.week, cp.date)),
        drug_label: i.t(&r.drug.label_key()).to_string(),
        plan: step.map(|s| s.describe()).unwrap_or_default(),
        formulation: step.and_then(|s| s.formulation.clone()),
        // The plan line says since when this dose is in force (a taper step's date), not
        // when the course began (the phase line counts from that).
        start: step.map_or(r.start, |s| s.effective_from),
        stop: r.stop,
    })
}

fn trough_view(t: Option<&crate::domain::overview::Trough>, i: &I18n) -> Option<TroughView> {
    let t = t?;
    Some(TroughView {
        value: t.value,
        band: t.band,
        band_label: i.t(&t.band.label_key()).to_string(),
        hours_since_dose: t.hours_since_dose,
        timing_from_log: t.timing_from_log,
        not_a_trough: t.valid == Some(false),
        window: t.window,
        shown: fmt_beside(t.value, &t.lines, 1),
        target_low: t.target_low,
        target_high: t.target_high,
        set_by: i
            .t(if t.target_by_team {
                "settings.set_by_team"
            } else {
                "settings.default_short"
            })
            .to_string(),
        date: t.at.date_naive(),
    })
}

impl StatusView {
    pub fn new(o: &Overview, i: &I18n) -> StatusView {
        let today = o.now.date_naive();
        StatusView {
            course: course_view(o, i),
            dose: o.dosing.as_ref().map(|d| DoseView {
                planned_daily: d.planned_daily,
                planned_mg_per_kg: d.planned_mg_per_kg,
                taken_daily: d.taken_daily,
                taken_mg_per_kg: d.taken_mg_per_kg,
                mg_per_kg: d.taken_mg_per_kg.or(d.planned_mg_per_kg),
                weight_kg: d.weight_kg,
                weight_date: d.weight_at.map(|t| t.date_naive()),
            }),
            adherence_7d: pct(o.adherence_7d),
            adherence_30d: pct(o.adherence_30d),
            today: o
                .slots
                .iter()
                .filter(|s| s.at.date_naive() == today)
                .map(|s| SlotView {
                    time: s.at.format("%H:%M").to_string(),
                    amount: s.amount,
                    state: s.state,
                    state_label: i.t(&format!("status.{}", s.state.code())).to_string(),
                    differs: s
                        .dose_mg
                        .filter(|mg| {
                            matches!(s.state, SlotState::Taken | SlotState::Late)
                                && (mg - s.amount).abs() > 1e-9
                        })
                        .map(|mg| {
                            i.tf(
                                "overview.dose_differs",
                                &[("mg", &fmt_num(mg, 3)), ("plan", &fmt_num(s.amount, 3))],
                            )
                        }),
                })
                .collect(),
            platelets: o
                .latest_platelets
                .zip(o.platelet_band)
                .map(|((at, v), band)| PlateletsView {
                    value: v,
                    shown: fmt_beside(v, &o.platelet_lines, 1),
                    band,
                    band_label: platelet_band_label(band, &o.platelet_lines, i),
                    date: at.date_naive(),
                    days_ago: (today - at.date_naive()).num_days(),
                    ago: super::ago::days_ago(at.date_naive(), today, i),
                }),
            response: o.response.as_ref().map(|a| ResponseView {
                label: response_label(a, i),
                baseline: a.baseline,
                time_to_response_days: a.time_to_response_days,
            }),
            trough: trough_view(o.trough.as_ref(), i),
            judged_trough: trough_view(o.last_trough.as_ref(), i),
            disease_phase: o
                .disease_phase
                .map(|p| i.t(&format!("disease_phase.{p}")).to_string()),
        }
    }
}

/// The response in words with what qualifies it (clinical.md 4.2): the rescue treatment that
/// makes it not assessable, the corticosteroids taken around it, the bleed that lost it — as
/// the alerts say, so the status line never reads a plain "response (R)" or "not assessable
/// yet" beside them.
/// A platelet band in words with the counts that bound it, from the lines it was judged
/// against (the care team's settings): "<30 below treatment line", "30–49 below the usual
/// target" (session 7: the labels printed the default numbers whatever the settings).
pub fn platelet_band_label(band: PlateletBand, lines: &[f64; 4], i: &I18n) -> String {
    let k = PlateletBand::ALL
        .iter()
        .position(|b| *b == band)
        .unwrap_or(0);
    // A band starts at the highest line below it and ends at its own.
    let lo = lines[..k].iter().copied().reduce(f64::max);
    let hi = lines.get(k).copied();
    let num = |x: f64| fmt_num(x, 1);
    let range = match (lo, hi) {
        (Some(lo), Some(hi)) if lo.fract() == 0.0 && hi.fract() == 0.0 && hi - lo >= 2.0 => {
            format!("{}–{}", num(lo), num(hi - 1.0))
        }
        (Some(lo), Some(hi)) => format!("{}–<{}", num(lo), num(hi)),
        (None, Some(hi)) => format!("<{}", num(hi)),
        (Some(lo), None) => format!("≥{}", num(lo)),
        (None, None) => String::new(),
    };
    let below = hi.map(num).unwrap_or_default();
    i.tf(&band.label_key(), &[("range", &range), ("below", &below)])
}

/// A message naming the trough window as `{min}`–`{max}` (hours after the dose; the settings'
/// `trough.valid_min_hours`/`valid_max_hours`, 10–14 by default).
pub fn with_window(i: &I18n, key: &str, w: (f64, f64)) -> String {
    let (min, max) = (fmt_num(w.0, 1), fmt_num(w.1, 1));
    i.tf(key, &[("min", &min), ("max", &max)])
}

/// "days ≥ 30: 53 %" — the share of the window's days at or above the response line (`k`
/// 0) or the complete-response line (1), named with the line in force (session 7: the
/// labels said 30 and 100 while the shares were measured against the care team's lines).
pub fn days_at_least(s: &crate::domain::trend::Summary, k: usize, i: &I18n) -> String {
    let pct = if k == 0 {
        s.days_at_least_30_pct
    } else {
        s.days_at_least_100_pct
    };
    let pct = pct
        .map(|x| format!("{}%", crate::domain::units::fmt_pct(x)))
        .unwrap_or_else(|| "—".into());
    let line = fmt_num(s.at_least.get(k).copied().unwrap_or_default(), 1);
    i.tf("trends.days_at_least", &[("line", &line), ("pct", &pct)])
}

pub fn response_label(a: &crate::domain::response::Assessment, i: &I18n) -> String {
    use crate::domain::response::Response;
    let status = i.t(&format!("response.{}", a.status.code())).to_string();
    if let Some(r) = a.rescue.filter(|_| a.status == Response::NotAssessable) {
        return i.tf(
            "response.not_assessable_rescue",
            &[
                ("event", i.t(&r.kind.label_key())),
                ("date", &r.at.date_naive().to_string()),
                ("until", &r.until.date_naive().to_string()),
            ],
        );
    }
    if a.status.is_response() && !a.concurrent_steroids.is_empty() {
        let drugs: Vec<&str> = a
            .concurrent_steroids
            .iter()
            .map(|d| i.t(&d.label_key()))
            .collect();
        return i.tf(
            "response.with_steroids",
            &[
                ("status", &status),
                ("drugs", &drugs.join(i.t("text.list_sep"))),
            ],
        );
    }
    match a
        .bleed_at
        .filter(|_| a.downgraded_by_bleeding && a.status.is_loss())
    {
        Some(at) => i.tf(
            "response.after_bleeding",
            &[("status", &status), ("date", &at.date_naive().to_string())],
        ),
        None => status,
    }
}

fn opt(x: Option<f64>, digits: usize) -> String {
    x.map(|v| fmt_num(v, digits))
        .unwrap_or_else(|| DASH.to_string())
}

fn course_lines(v: &StatusView, c: &CourseView, i: &I18n, lines: &mut Vec<String>) {
    lines.push(i.tf(
        "overview.phase",
        &[
            ("phase", &c.phase_label),
            ("week", &c.week.to_string()),
            ("day", &c.day.to_string()),
            ("weeks", &c.induction_weeks.to_string()),
        ],
    ));
    if let Some((week, date)) = c.checkpoint {
        lines.push(i.tf(
            "overview.checkpoint",
            &[("week", &week.to_string()), ("date", &date.to_string())],
        ));
    }
    let stop = c.stop.map(|d| d.to_string()).unwrap_or_default();
    lines.push(i.tf(
        if c.stop.is_some() {
            "overview.regimen_stopped"
        } else {
            "overview.regimen"
        },
        &[
            ("drug", &c.drug_label),
            ("plan", &c.plan),
            ("formulation", c.formulation.as_deref().unwrap_or(DASH)),
            ("start", &c.start.to_string()),
            ("stop", &stop),
        ],
    ));
    if let Some(d) = &v.dose {
        let weight_at = d
            .weight_date
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| DASH.to_string());
        lines.push(i.tf(
            "overview.dose",
            &[
                ("planned", &opt(d.planned_daily, 1)),
                ("planned_kg", &opt(d.planned_mg_per_kg, 2)),
                ("taken", &opt(d.taken_daily, 1)),
                ("taken_kg", &opt(d.taken_mg_per_kg, 2)),
                ("weight", &opt(d.weight_kg, 1)),
                ("weight_at", &weight_at),
            ],
        ));
    }
    lines.push(i.tf(
        "overview.adherence",
        &[("d7", &v.adherence_7d), ("d30", &v.adherence_30d)],
    ));
    if !v.today.is_empty() {
        let slots: Vec<String> = v
            .today
            .iter()
            .map(|s| match &s.differs {
                Some(d) => format!("{} {} {d}", s.time, s.state_label),
                None => format!("{} {}", s.time, s.state_label),
            })
            .collect();
        lines.push(i.tf("overview.today", &[("slots", &slots.join(", "))]));
    }
}

fn trough_lines(t: &TroughView, i: &I18n, lines: &mut Vec<String>) {
    let hours = t
        .hours_since_dose
        .map(|h| {
            i.tf(
                "overview.hours_after",
                &[("hours", &fmt_hours(h, t.window))],
            )
        })
        .map(|h| {
            if t.timing_from_log {
                format!("{h} ({})", i.t("rules_text.timing_from_log"))
            } else {
                h
            }
        })
        .unwrap_or_else(|| i.t("overview.hours_unknown").to_string());
    lines.push(i.tf(
        "overview.trough",
        &[
            ("value", &t.shown),
            ("band", &t.band_label),
            ("low", &fmt_num(t.target_low, 0)),
            ("high", &fmt_num(t.target_high, 0)),
            ("set_by", &t.set_by),
            ("date", &t.date.format("%Y-%m-%d").to_string()),
            ("hours", &hours),
        ],
    ));
    if t.not_a_trough {
        lines.push(i.t("overview.not_a_trough").to_string());
    }
}

/// `status` as lines of text.
pub fn status_lines(v: &StatusView, i: &I18n) -> Vec<String> {
    let mut lines = Vec::new();
    match &v.course {
        Some(c) => course_lines(v, c, i, &mut lines),
        None => lines.push(i.t("overview.no_regimen").to_string()),
    }
    match &v.platelets {
        Some(p) => lines.push(i.tf(
            "overview.platelets",
            &[
                ("value", &p.shown),
                ("band", &p.band_label),
                ("date", &p.date.format("%Y-%m-%d").to_string()),
                ("ago", &p.ago),
            ],
        )),
        None => lines.push(i.t("overview.no_platelets").to_string()),
    }
    if let Some(r) = &v.response {
        let ttr = r
            .time_to_response_days
            .map(|d| i.tf("overview.time_to_response", &[("days", &d.to_string())]))
            .unwrap_or_default();
        lines.push(match r.baseline {
            Some(b) => i.tf(
                "overview.response",
                &[
                    ("response", &r.label),
                    ("baseline", &fmt_num(b, 1)),
                    ("ttr", &ttr),
                ],
            ),
            None => i.tf(
                "overview.response_no_baseline",
                &[("response", &r.label), ("ttr", &ttr)],
            ),
        });
    }
    if let Some(t) = &v.trough {
        trough_lines(t, i, &mut lines);
    }
    if let Some(t) = &v.judged_trough {
        lines.push(i.tf(
            "overview.judged_trough",
            &[
                ("value", &t.shown),
                ("band", &t.band_label),
                ("date", &t.date.format("%Y-%m-%d").to_string()),
            ],
        ));
    }
    if let Some(p) = &v.disease_phase {
        lines.push(i.tf("overview.disease_phase", &[("phase", p)]));
    }
    lines
}
