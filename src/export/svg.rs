//! The report's chart as inline SVG: platelets with their bands, the planned dose as a step
//! line and the drug levels against their target, stacked on one time axis. No scripts.

use std::fmt::Write;

use crate::domain::trend::{GAP_PLATELETS, Pt, TrendData, split_gaps};
use crate::domain::units::fmt_num;
use crate::present::i18n::I18n;

const W: f64 = 720.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const PANEL: f64 = 120.0;
const GAP: f64 = 28.0;

struct Panel {
    top: f64,
    y0: f64,
    y1: f64,
}

impl Panel {
    fn y(&self, v: f64) -> f64 {
        self.top + PANEL - (v - self.y0) / (self.y1 - self.y0).max(1e-9) * PANEL
    }
}

fn x(d: &TrendData, days: f64) -> f64 {
    LEFT + days / d.days.max(1.0) * (W - LEFT - RIGHT)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn polyline(out: &mut String, d: &TrendData, p: &Panel, pts: &[Pt], class: &str) {
    if pts.len() < 2 {
        for q in pts {
            let _ = write!(
                out,
                r#"<circle class="{class}" cx="{:.1}" cy="{:.1}" r="2.5"/>"#,
                x(d, q.0),
                p.y(q.1)
            );
        }
        return;
    }
    let coords: Vec<String> = pts
        .iter()
        .map(|q| format!("{:.1},{:.1}", x(d, q.0), p.y(q.1)))
        .collect();
    let _ = write!(
        out,
        r#"<polyline class="{class}" points="{}"/>"#,
        coords.join(" ")
    );
}

fn hline(out: &mut String, p: &Panel, v: f64, class: &str, label: &str) {
    let y = p.y(v);
    let _ = write!(
        out,
        r#"<line class="{class}" x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
        W - RIGHT,
        LEFT - 4.0,
        y + 3.0,
        esc(label)
    );
}

fn frame(out: &mut String, p: &Panel, title: &str, unit: &str) {
    let _ = write!(
        out,
        r#"<rect class="frame" x="{LEFT}" y="{:.1}" width="{:.1}" height="{PANEL}"/><text class="title" x="{LEFT}" y="{:.1}">{} ({})</text>"#,
        p.top,
        W - LEFT - RIGHT,
        p.top - 6.0,
        esc(title),
        esc(unit)
    );
}

/// The chart, or an empty string when there is nothing to draw.
pub fn chart(d: &TrendData, i: &I18n, from_label: &str, to_label: &str) -> String {
    if d.platelets.is_empty() && d.dose_planned.is_empty() && d.troughs.is_empty() {
        return String::new();
    }
    let h = 3.0 * PANEL + 3.0 * GAP + 24.0;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" aria-label="{}">"#,
        esc(i.t("report.chart"))
    );
    // Platelets with bands.
    let ptop = d.platelets.iter().map(|p| p.1).fold(120.0, f64::max) * 1.1;
    let p = Panel {
        top: GAP,
        y0: 0.0,
        y1: ptop,
    };
    frame(&mut out, &p, i.t("field.platelets"), "×10⁹/L");
    for band in [20.0, 30.0, 50.0, 100.0] {
        hline(&mut out, &p, band, "band", &fmt_num(band, 0));
    }
    if let Some(b) = d.baseline {
        hline(
            &mut out,
            &p,
            b,
            "baseline",
            &format!("{} {}", i.t("report.baseline"), fmt_num(b, 0)),
        );
    }
    for seg in split_gaps(&d.platelets, GAP_PLATELETS) {
        polyline(&mut out, d, &p, &seg, "plt");
    }
    for m in d.markers.iter().filter(|m| !m.code.starts_with("step_")) {
        let _ = write!(
            out,
            r#"<text class="marker" x="{:.1}" y="{:.1}" text-anchor="middle">▼</text>"#,
            x(d, m.x),
            p.top + 10.0
        );
    }
    // Planned dose, step line.
    let dtop = d.dose_planned.iter().map(|p| p.1).fold(50.0, f64::max) * 1.2;
    let q = Panel {
        top: 2.0 * GAP + PANEL,
        y0: 0.0,
        y1: dtop,
    };
    frame(&mut out, &q, i.t("report.dose_mg_day"), "mg/d");
    hline(&mut out, &q, 0.0, "axis", "0");
    hline(&mut out, &q, dtop / 1.2, "axis", &fmt_num(dtop / 1.2, 0));
    polyline(&mut out, d, &q, &d.dose_planned, "dose");
    // Drug level against the target.
    let ttop = d
        .troughs
        .iter()
        .chain(&d.non_troughs)
        .map(|p| p.1)
        .fold(d.target.1 * 1.3, f64::max);
    let r = Panel {
        top: 3.0 * GAP + 2.0 * PANEL,
        y0: 0.0,
        y1: ttop,
    };
    frame(&mut out, &r, i.t("field.csa_trough"), "ng/mL");
    let _ = write!(
        out,
        r#"<rect class="target" x="{LEFT}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
        r.y(d.target.1),
        W - LEFT - RIGHT,
        r.y(d.target.0) - r.y(d.target.1)
    );
    hline(&mut out, &r, d.target.0, "band", &fmt_num(d.target.0, 0));
    hline(&mut out, &r, d.target.1, "band", &fmt_num(d.target.1, 0));
    for t in &d.troughs {
        let _ = write!(
            out,
            r#"<circle class="trough" cx="{:.1}" cy="{:.1}" r="3"/>"#,
            x(d, t.0),
            r.y(t.1)
        );
    }
    for t in &d.non_troughs {
        let _ = write!(
            out,
            r#"<rect class="nontrough" x="{:.1}" y="{:.1}" width="6" height="6"/>"#,
            x(d, t.0) - 3.0,
            r.y(t.1) - 3.0
        );
    }
    let _ = write!(
        out,
        r#"<text class="tick" x="{LEFT}" y="{:.1}">{}</text><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text></svg>"#,
        h - 4.0,
        esc(from_label),
        W - RIGHT,
        h - 4.0,
        esc(to_label)
    );
    out
}
