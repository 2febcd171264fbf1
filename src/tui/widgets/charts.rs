//! The trend charts' content: which measured series each chart draws, its reference lines
//! (bands, targets, alert thresholds, labelled on the y axis), its own y range, its legend and
//! what the cursor reads. Drawing is `plot::Plot`.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::settings::Thresholds;
use crate::domain::trend::{GAP_BP, GAP_LABS, GAP_PLATELETS, Pt, TrendData, split_gaps};
use crate::domain::units::fmt_num;
use crate::present::i18n::I18n;
use crate::tui::theme::Theme;
use crate::tui::widgets::plot::{
    EVENT, JOINED, Marks, NOT_TROUGH, PLAN, Plot, REF, RefLine, VALUE, VALUE2, nice_ticks,
};

/// The charts, in the order `c` cycles through them. The first three and one safety chart
/// (creatinine by default) are shown together on a large terminal.
pub const CHARTS: [&str; 8] = [
    "platelets",
    "dose",
    "level",
    "creatinine",
    "bp",
    "liver",
    "potassium",
    "magnesium",
];

/// The safety chart shown under the first three when none is chosen.
pub const DEFAULT_SAFETY: usize = 3;

/// One measured series of a chart: its name (catalogue key), points and unit.
pub(crate) struct Measured<'a> {
    pub(crate) key: &'static str,
    pub(crate) points: &'a [Pt],
    pub(crate) unit: &'static str,
    pub(crate) glyph: char,
    /// Days beyond which neighbours are not joined; `None` = never joined.
    pub(crate) gap: Option<f64>,
}

/// The measured series of a chart (what the cursor stops at and reads).
pub(crate) fn measured<'a>(name: &str, d: &'a TrendData) -> Vec<Measured<'a>> {
    let m = |key, points: &'a [Pt], unit, glyph, gap| Measured {
        key,
        points,
        unit,
        glyph,
        gap,
    };
    match name {
        "platelets" => vec![m(
            "chart.s_platelets",
            &d.platelets,
            "×10⁹/L",
            VALUE,
            Some(GAP_PLATELETS),
        )],
        "dose" => vec![m("chart.s_taken", &d.dose_taken, "mg/d", VALUE, None)],
        "level" => vec![
            m("chart.s_trough", &d.troughs, "ng/mL", VALUE, Some(GAP_LABS)),
            m(
                "chart.s_not_trough",
                &d.non_troughs,
                "ng/mL",
                NOT_TROUGH,
                None,
            ),
        ],
        "creatinine" => vec![m(
            "chart.s_creatinine",
            &d.creatinine_pct,
            "%",
            VALUE,
            Some(GAP_LABS),
        )],
        "bp" => vec![
            m("chart.s_systolic", &d.systolic, "mmHg", VALUE, Some(GAP_BP)),
            m(
                "chart.s_diastolic",
                &d.diastolic,
                "mmHg",
                VALUE2,
                Some(GAP_BP),
            ),
        ],
        "liver" => vec![
            m("chart.s_alt", &d.alt, "U/L", VALUE, Some(GAP_LABS)),
            m("chart.s_ast", &d.ast, "U/L", VALUE2, Some(GAP_LABS)),
        ],
        "potassium" => vec![m(
            "chart.s_potassium",
            &d.potassium,
            "mmol/L",
            VALUE,
            Some(GAP_LABS),
        )],
        _ => vec![m(
            "chart.s_magnesium",
            &d.magnesium,
            "mmol/L",
            VALUE,
            Some(GAP_LABS),
        )],
    }
}

/// Where the cursor can stop on a chart: the times of its measurements, sorted.
pub fn stops(name: &str, d: &TrendData) -> Vec<f64> {
    let mut xs: Vec<f64> = measured(name, d)
        .iter()
        .flat_map(|m| m.points.iter().map(|p| p.0))
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    xs
}

/// One chart ready to draw: title, plot, legend (glyph, words, style).
pub(crate) struct ChartView {
    pub(crate) title: String,
    pub(crate) plot: Plot,
    pub(crate) legend: Vec<(String, String, Style)>,
}

/// The style of a chart's first and second series. Not the colours of alerts (yellow, red),
/// so that a coloured value never reads as a threshold.
pub(crate) fn series_style(theme: &Theme, second: bool) -> Style {
    if !theme.color {
        return Style::new().add_modifier(Modifier::BOLD);
    }
    let c = if second {
        Color::LightMagenta
    } else {
        Color::LightCyan
    };
    Style::new().fg(c).add_modifier(Modifier::BOLD)
}

/// The style of the lines joining a series' values (thinner than its markers).
fn joined_style(theme: &Theme, second: bool) -> Style {
    if !theme.color {
        return Style::new();
    }
    Style::new().fg(if second { Color::Magenta } else { Color::Cyan })
}

fn rl(y: f64, label: String, style: Style) -> RefLine {
    RefLine { y, label, style }
}

/// The reference lines of a chart, and whether its y axis starts at zero.
fn refs(name: &str, d: &TrendData, t: &Thresholds, th: &Theme) -> (Vec<RefLine>, bool) {
    let n = |v: f64| fmt_num(v, 2);
    match name {
        "platelets" => (
            vec![
                rl(t.platelets_urgent, n(t.platelets_urgent), th.urgent()),
                rl(t.platelets_low, n(t.platelets_low), th.warn()),
                rl(50.0, n(50.0), th.dim()),
                rl(t.cr_platelets, n(t.cr_platelets), th.ok()),
            ],
            true,
        ),
        "dose" => (Vec::new(), true),
        "level" => (
            vec![
                rl(d.target.0, n(d.target.0), th.ok()),
                rl(d.target.1, n(d.target.1), th.ok()),
            ],
            true,
        ),
        "creatinine" => (
            vec![
                rl(0.0, "0%".into(), th.dim()),
                rl(
                    t.creatinine_rise_pct,
                    format!("+{}%", n(t.creatinine_rise_pct)),
                    th.warn(),
                ),
                rl(
                    t.creatinine_urgent_pct,
                    format!("+{}%", n(t.creatinine_urgent_pct)),
                    th.urgent(),
                ),
            ],
            false,
        ),
        "bp" => (
            vec![
                rl(t.bp_systolic, n(t.bp_systolic), th.warn()),
                rl(t.bp_diastolic, n(t.bp_diastolic), th.warn()),
            ],
            false,
        ),
        "liver" => (vec![rl(d.liver_uln, n(d.liver_uln), th.warn())], true),
        "potassium" => (
            vec![rl(t.potassium_high, n(t.potassium_high), th.warn())],
            false,
        ),
        _ => (
            vec![rl(t.magnesium_low, n(t.magnesium_low), th.warn())],
            false,
        ),
    }
}

/// y bounds covering the values and the reference lines, widened to round ticks; from zero
/// for counts and doses, the series' own range for the others (magnesium 0.6–1.0, not 0–6).
fn y_range(values: impl Iterator<Item = f64>, refs: &[RefLine], from_zero: bool) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values.chain(refs.iter().map(|r| r.y)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = (hi - lo).max(hi.abs() * 0.05) * 0.08;
    let lo = if from_zero && lo >= 0.0 {
        0.0
    } else {
        lo - pad
    };
    nice_ticks(lo, hi + pad).1
}

pub(crate) fn spec(name: &str, d: &TrendData, t: &Thresholds, th: &Theme, i: &I18n) -> ChartView {
    let (refs, from_zero) = refs(name, d, t, th);
    let series = measured(name, d);
    let mut plot = Plot {
        days: d.days.max(1.0),
        from: d.from,
        axis_style: th.dim(),
        event_style: th.warn(),
        ..Default::default()
    };
    let mut legend: Vec<(String, String, Style)> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    for (k, m) in series.iter().enumerate() {
        let second = k > 0;
        let style = if m.glyph == NOT_TROUGH {
            th.warn()
        } else {
            series_style(th, second)
        };
        values.extend(m.points.iter().map(|p| p.1));
        if let Some(gap) = m.gap {
            for seg in split_gaps(m.points, gap) {
                plot.joined.push((seg, joined_style(th, second)));
            }
        }
        plot.marks.push(Marks {
            points: m.points.to_vec(),
            glyph: m.glyph,
            style,
        });
        // One meaning per glyph on every chart: the series' names are in the titles.
        let key = match m.glyph {
            VALUE => "chart.value",
            VALUE2 => "chart.value2",
            _ => m.key,
        };
        if !m.points.is_empty() {
            legend.push((m.glyph.to_string(), i.t(key).to_string(), style));
        }
    }
    if series.iter().any(|m| m.gap.is_some() && m.points.len() > 1) {
        legend.push((
            JOINED.into(),
            i.t("chart.joined").into(),
            joined_style(th, false),
        ));
    }
    if name == "dose" && !d.dose_planned.is_empty() {
        values.extend(d.dose_planned.iter().map(|p| p.1));
        plot.plan = Some((d.dose_planned.clone(), th.title()));
        legend.insert(0, (PLAN.to_string(), i.t("chart.plan").into(), th.title()));
    }
    let events: Vec<f64> = d
        .markers
        .iter()
        .filter(|m| match name {
            "platelets" => !m.code.starts_with("step_"),
            "dose" => m.code.starts_with("step_"),
            _ => false,
        })
        .map(|m| m.x)
        .collect();
    if !events.is_empty() {
        let key = if name == "dose" {
            "chart.plan_change"
        } else {
            "chart.event"
        };
        legend.push((EVENT.to_string(), i.t(key).into(), th.warn()));
    }
    plot.events = events;
    if !refs.is_empty() {
        legend.push((REF.to_string(), i.t("chart.ref").into(), th.dim()));
    }
    plot.y = y_range(values.into_iter(), &refs, from_zero);
    plot.refs = refs;
    ChartView {
        title: match name {
            // Whose target the band is (session 7: "care-team target" for the app default).
            "level" if !d.target_by_team => i.t("chart.title_level_default").into(),
            _ => i.t(&format!("chart.title_{name}")).into(),
        },
        plot,
        legend,
    }
}

/// The cursor's reading on a chart: each series' value measured exactly at x, with the
/// measurement's own date and time.
pub fn readout(name: &str, d: &TrendData, x: f64, i: &I18n) -> Option<String> {
    let from = d.from?;
    let values: Vec<String> = measured(name, d)
        .iter()
        .filter_map(|m| {
            let p = m.points.iter().find(|p| (p.0 - x).abs() < 1e-9)?;
            Some(format!("{} {} {}", i.t(m.key), fmt_num(p.1, 2), m.unit))
        })
        .collect();
    if values.is_empty() {
        return None;
    }
    // The measurement's own minute (x holds its time to the millisecond): rounding up read a
    // count at 23:59:40 as the next day's 00:00 (session 7 re-test).
    let ms = (x * 86_400_000.0).round() as i64;
    let at = from + chrono::Duration::milliseconds(ms);
    Some(i.tf(
        "chart.cursor_at",
        &[
            ("date", &at.format("%Y-%m-%d %H:%M").to_string()),
            ("values", &values.join(", ")),
        ],
    ))
}
