//! The trend charts' content: which series each chart draws, in which style, with which
//! reference lines (bands, targets, alert thresholds) and y range.

use ratatui::style::Style;
use ratatui::symbols::Marker as Glyph;
use ratatui::widgets::GraphType;

use crate::domain::response::Response;
use crate::domain::settings::Thresholds;
use crate::domain::trend::{GAP_BP, GAP_DOSES, GAP_LABS, GAP_PLATELETS, Pt, TrendData, split_gaps};
use crate::domain::units::fmt_num;
use crate::present::i18n::I18n;
use crate::tui::screens::trends::PRE_COLUMNS;
use crate::tui::theme::Theme;

pub(crate) struct Series {
    pub(crate) points: Vec<Pt>,
    pub(crate) style: Style,
    pub(crate) kind: GraphType,
    pub(crate) glyph: Glyph,
}

/// One chart: its series, y bounds, unit and title.
pub(crate) struct ChartSpec {
    pub(crate) title: String,
    pub(crate) unit: &'static str,
    pub(crate) y: (f64, f64),
    pub(crate) series: Vec<Series>,
}

pub(crate) fn line(points: Vec<Pt>, style: Style) -> Series {
    Series {
        points,
        style,
        kind: GraphType::Line,
        glyph: Glyph::Braille,
    }
}

pub(crate) fn dots(points: Vec<Pt>, style: Style, glyph: Glyph) -> Series {
    Series {
        points,
        style,
        kind: GraphType::Scatter,
        glyph,
    }
}

pub(crate) fn hline(y: f64, days: f64, style: Style) -> Series {
    line(vec![(0.0, y), (days, y)], style)
}

/// Gap-split segments as lines; single points as dots.
pub(crate) fn gapped(points: &[Pt], gap: f64, style: Style, out: &mut Vec<Series>) {
    for seg in split_gaps(points, gap) {
        if seg.len() == 1 {
            out.push(dots(seg, style, Glyph::Dot));
        } else {
            out.push(line(seg, style));
        }
    }
}

pub(crate) fn max_y(points: &[&[Pt]], floor: f64) -> f64 {
    let m = points
        .iter()
        .flat_map(|p| p.iter().map(|x| x.1))
        .fold(floor, f64::max);
    (m * 1.1).ceil()
}

pub(crate) fn spec(
    name: &str,
    d: &TrendData,
    t: &Thresholds,
    theme: &Theme,
    i: &I18n,
) -> ChartSpec {
    let days = d.days.max(1.0);
    let dim = theme.dim();
    let mut s = Vec::new();
    match name {
        "platelets" => {
            let top = max_y(&[&d.platelets], 120.0);
            for band in [
                t.platelets_urgent,
                t.platelets_low,
                crate::domain::response::PLATELETS_USUAL_TARGET,
                t.cr_platelets,
            ] {
                s.push(hline(band, days, dim));
            }
            if let Some(b) = d.baseline {
                s.push(hline(b, days, theme.label()));
            }
            // The response status as a strip along the top edge.
            let mut spans: Vec<(f64, Response)> = d.response.clone();
            spans.push((
                days,
                spans.last().map(|x| x.1).unwrap_or(Response::NotAssessable),
            ));
            // One dotted series per status (a few datasets, not one per period: each dataset
            // is a canvas layer and costs a full-width pass).
            let step = days / PRE_COLUMNS as f64;
            let mut strips: Vec<(Response, Vec<Pt>)> = Vec::new();
            for w in spans.windows(2) {
                if w[0].1 == Response::NotAssessable {
                    continue;
                }
                let pts = match strips.iter_mut().find(|(r, _)| *r == w[0].1) {
                    Some((_, p)) => p,
                    None => {
                        strips.push((w[0].1, Vec::new()));
                        &mut strips.last_mut().expect("just pushed").1
                    }
                };
                let mut x = w[0].0;
                while x <= w[1].0 {
                    pts.push((x, top));
                    x += step;
                }
            }
            for (r, mut pts) in strips {
                pts.sort_by(|a, b| a.0.total_cmp(&b.0));
                let style = match r {
                    Response::CompleteResponse => theme.ok(),
                    Response::Response => theme.title(),
                    Response::NoResponse => theme.urgent(),
                    _ => theme.warn(),
                };
                s.push(dots(pts, style, Glyph::Braille));
            }
            gapped(&d.platelets, GAP_PLATELETS, theme.focus(), &mut s);
            let marks: Vec<Pt> = d
                .markers
                .iter()
                .filter(|m| !m.code.starts_with("step_"))
                .map(|m| (m.x, top * 0.95))
                .collect();
            s.push(dots(marks, theme.warn(), Glyph::Block));
            ChartSpec {
                title: i.t("trends.platelets").into(),
                unit: "×10⁹/L",
                y: (0.0, top),
                series: s,
            }
        }
        "dose" => {
            let top = max_y(&[&d.dose_planned, &d.dose_taken], 50.0);
            s.push(line(d.dose_planned.clone(), theme.title()));
            s.push(dots(d.dose_taken.clone(), theme.ok(), Glyph::Dot));
            let steps: Vec<Pt> = d
                .markers
                .iter()
                .filter(|m| m.code.starts_with("step_"))
                .map(|m| (m.x, top * 0.95))
                .collect();
            s.push(dots(steps, theme.warn(), Glyph::Block));
            let _ = GAP_DOSES;
            let kg = d
                .mg_per_kg
                .last()
                .map(|p| format!(" = {} mg/kg/d", fmt_num(p.1, 2)))
                .unwrap_or_default();
            ChartSpec {
                title: format!("{}{kg}", i.t("trends.dose")),
                unit: "mg/d",
                y: (0.0, top),
                series: s,
            }
        }
        "dose_kg" => {
            let top = max_y(
                &[&d.mg_per_kg, &d.mg_per_kg_taken],
                t.mg_per_kg_strong + 1.0,
            );
            s.push(hline(t.mg_per_kg_warn, days, theme.warn()));
            s.push(hline(t.mg_per_kg_strong, days, theme.urgent()));
            s.push(line(d.mg_per_kg.clone(), theme.title()));
            s.push(dots(d.mg_per_kg_taken.clone(), theme.ok(), Glyph::Dot));
            ChartSpec {
                title: i.t("trends.dose_kg").into(),
                unit: "mg/kg/d",
                y: (0.0, top),
                series: s,
            }
        }
        "level" => {
            let top = max_y(&[&d.troughs, &d.non_troughs], d.target.1 * 1.2);
            s.push(hline(d.target.0, days, dim));
            s.push(hline(d.target.1, days, dim));
            gapped(&d.troughs, GAP_LABS, theme.focus(), &mut s);
            s.push(dots(d.troughs.clone(), theme.focus(), Glyph::Block));
            s.push(dots(d.non_troughs.clone(), theme.warn(), Glyph::Dot));
            ChartSpec {
                title: i.t("trends.level").into(),
                unit: "ng/mL",
                y: (0.0, top),
                series: s,
            }
        }
        "creatinine" => {
            let lo = d
                .creatinine_pct
                .iter()
                .map(|p| p.1)
                .fold(-10.0, f64::min)
                .floor();
            let top = max_y(&[&d.creatinine_pct], t.creatinine_urgent_pct + 5.0);
            s.push(hline(0.0, days, dim));
            s.push(hline(t.creatinine_rise_pct, days, theme.warn()));
            s.push(hline(t.creatinine_urgent_pct, days, theme.urgent()));
            gapped(&d.creatinine_pct, GAP_LABS, theme.focus(), &mut s);
            ChartSpec {
                title: i.t("trends.creatinine").into(),
                unit: "%",
                y: (lo, top),
                series: s,
            }
        }
        "bp" => {
            let top = max_y(&[&d.systolic], 160.0);
            s.push(hline(t.bp_systolic, days, theme.warn()));
            s.push(hline(t.bp_diastolic, days, theme.warn()));
            gapped(&d.systolic, GAP_BP, theme.focus(), &mut s);
            gapped(&d.diastolic, GAP_BP, theme.title(), &mut s);
            ChartSpec {
                title: i.t("trends.bp").into(),
                unit: "mmHg",
                y: (40.0, top),
                series: s,
            }
        }
        "liver" => {
            let top = max_y(&[&d.alt, &d.ast], d.liver_uln * 1.5);
            s.push(hline(d.liver_uln, days, theme.warn()));
            gapped(&d.alt, GAP_LABS, theme.focus(), &mut s);
            gapped(&d.ast, GAP_LABS, theme.title(), &mut s);
            ChartSpec {
                title: i.t("trends.liver").into(),
                unit: "U/L",
                y: (0.0, top),
                series: s,
            }
        }
        _ => {
            let top = max_y(&[&d.potassium, &d.magnesium], t.potassium_high + 0.5);
            s.push(hline(t.potassium_high, days, theme.warn()));
            s.push(hline(t.magnesium_low, days, theme.warn()));
            gapped(&d.potassium, GAP_LABS, theme.focus(), &mut s);
            gapped(&d.magnesium, GAP_LABS, theme.title(), &mut s);
            ChartSpec {
                title: i.t("trends.electrolytes").into(),
                unit: "mmol/L",
                y: (0.0, top),
                series: s,
            }
        }
    }
}
