//! The five panels of the report's charts (see `chart`).

use super::{
    Axis, CREA, DIA, DOSE, GREY, Key, LEFT, OTHER, PLT, Panel, RESCUE, RIGHT, Scene, Shape, TAKEN,
    TARGET, TROUGH, WIDTH, empty_note, frame, header, series, thin, top_of,
};
use crate::domain::trend::{GAP_BP, GAP_LABS, GAP_PLATELETS, Pt, TrendData};
use crate::domain::units::fmt_num;
use crate::export::report::Report;
use crate::present::i18n::I18n;

pub(super) type PanelFn = fn(&mut Scene, &Report, &TrendData, &Axis, f64, &[f64], &I18n) -> f64;

pub(super) fn platelets(
    s: &mut Scene,
    r: &Report,
    d: &TrendData,
    a: &Axis,
    top: f64,
    grid: &[f64],
    i: &I18n,
) -> f64 {
    let title = format!("{} (×10⁹/L)", i.t("field.platelets"));
    let keys = [
        (Key::Dot(PLT), i.t("clinic.legend_count").to_string()),
        (Key::Mark(RESCUE), i.t("clinic.legend_rescue").to_string()),
        (Key::Mark(PLT), i.t("clinic.legend_bleed").to_string()),
    ];
    let top = header(s, top, &title, &keys);
    // The lines the counts are judged against, as the care team set them (session 7: the
    // chart drew 20/30/50/100 whatever the settings).
    let mut lines = r.platelet_lines.to_vec();
    lines.sort_by(f64::total_cmp);
    lines.dedup();
    let highest = lines.last().copied().unwrap_or(100.0);
    let p = Panel {
        top,
        y0: 0.0,
        y1: top_of(
            d.platelets.iter().map(|q| q.1),
            (highest * 1.2).max(120.0),
            1.1,
        ),
    };
    let bands: Vec<_> = lines.iter().map(|b| (*b, fmt_num(*b, 1), true)).collect();
    frame(s, &p, grid, &bands);
    if d.platelets.is_empty() {
        empty_note(s, &p, i);
    }
    series(s, a, &p, &d.platelets, GAP_PLATELETS, PLT, true);
    for m in &d.markers {
        let color = match m.code.as_str() {
            "ivig" | "steroid_pulse" | "transfusion" => RESCUE,
            "bleeding" => PLT,
            _ => continue,
        };
        s.shapes.push(Shape::Mark {
            at: (a.x(m.x), p.top + 1.0),
            size: 6.0,
            color,
        });
    }
    p.top
}

pub(super) fn dose(
    s: &mut Scene,
    _r: &Report,
    d: &TrendData,
    a: &Axis,
    top: f64,
    grid: &[f64],
    i: &I18n,
) -> f64 {
    let keys = [
        (Key::Line(DOSE), i.t("clinic.legend_planned").to_string()),
        (Key::Dot(TAKEN), i.t("clinic.legend_taken").to_string()),
    ];
    let top = header(
        s,
        top,
        &format!("{} (mg/d)", i.t("clinic.daily_dose")),
        &keys,
    );
    let max = top_of(
        d.dose_planned.iter().chain(&d.dose_taken).map(|q| q.1),
        10.0,
        1.0,
    );
    let p = Panel {
        top,
        y0: 0.0,
        y1: max * 1.15,
    };
    frame(
        s,
        &p,
        grid,
        &[(0.0, "0".into(), false), (max, fmt_num(max, 0), true)],
    );
    if d.dose_planned.is_empty() && d.dose_taken.is_empty() {
        empty_note(s, &p, i);
    }
    let pts: Vec<Pt> = d
        .dose_planned
        .iter()
        .map(|q| (a.x(q.0), p.y(q.1)))
        .collect();
    if pts.len() > 1 {
        s.shapes.push(Shape::Poly {
            pts,
            color: DOSE,
            width: 1.4,
        });
    }
    for q in &thin(&d.dose_taken, a) {
        s.shapes.push(Shape::Dot {
            at: (a.x(q.0), p.y(q.1)),
            r: 1.4,
            color: TAKEN,
            square: false,
        });
    }
    p.top
}

pub(super) fn level(
    s: &mut Scene,
    r: &Report,
    d: &TrendData,
    a: &Axis,
    top: f64,
    grid: &[f64],
    i: &I18n,
) -> f64 {
    let (lo, hi, team) = r.limits.target;
    let source = i.t(if team {
        "clinic.set_by_team"
    } else {
        "clinic.default"
    });
    let keys = [
        (
            Key::Dot(TROUGH),
            crate::present::status::with_window(i, "clinic.legend_trough", r.trough_window),
        ),
        (
            Key::Square(OTHER),
            i.t("clinic.legend_not_trough").to_string(),
        ),
        (
            Key::Band(TARGET),
            format!(
                "{} {}–{} ({source})",
                i.t("clinic.target"),
                fmt_num(lo, 0),
                fmt_num(hi, 0)
            ),
        ),
    ];
    let top = header(
        s,
        top,
        &format!("{} (ng/mL)", i.t("clinic.csa_level")),
        &keys,
    );
    let max = top_of(
        d.troughs.iter().chain(&d.non_troughs).map(|q| q.1),
        hi * 1.25,
        1.1,
    );
    let p = Panel {
        top,
        y0: 0.0,
        y1: max,
    };
    s.shapes.push(Shape::Rect {
        x: LEFT,
        y: p.y(hi),
        w: WIDTH - LEFT - RIGHT,
        h: p.y(lo) - p.y(hi),
        fill: Some(TARGET),
        stroke: None,
    });
    frame(
        s,
        &p,
        grid,
        &[
            (0.0, "0".into(), false),
            (lo, fmt_num(lo, 0), true),
            (hi, fmt_num(hi, 0), true),
        ],
    );
    if d.troughs.is_empty() && d.non_troughs.is_empty() {
        empty_note(s, &p, i);
    }
    series(s, a, &p, &d.troughs, GAP_LABS, TROUGH, true);
    for q in &thin(&d.non_troughs, a) {
        s.shapes.push(Shape::Dot {
            at: (a.x(q.0), p.y(q.1)),
            r: 2.2,
            color: OTHER,
            square: true,
        });
    }
    p.top
}

pub(super) fn creatinine(
    s: &mut Scene,
    r: &Report,
    d: &TrendData,
    a: &Axis,
    top: f64,
    grid: &[f64],
    i: &I18n,
) -> f64 {
    let (rise, urgent, team) = r.limits.creatinine;
    let source = i.t(if team {
        "clinic.set_by_team"
    } else {
        "clinic.default"
    });
    let keys = [(
        Key::Dot(CREA),
        format!(
            "{} ({source}: +{}%, +{}%)",
            i.t("clinic.from_baseline"),
            fmt_num(rise, 0),
            fmt_num(urgent, 0)
        ),
    )];
    let top = header(s, top, &format!("{} (%)", i.t("field.creatinine")), &keys);
    let lo = d.creatinine_pct.iter().map(|q| q.1).fold(-20.0, f64::min);
    let hi = top_of(
        d.creatinine_pct.iter().map(|q| q.1 + 10.0),
        urgent + 10.0,
        1.0,
    );
    let p = Panel {
        top,
        y0: lo,
        y1: hi,
    };
    let pct = |v: f64| format!("{}{}%", if v > 0.0 { "+" } else { "" }, fmt_num(v, 0));
    frame(
        s,
        &p,
        grid,
        &[
            (0.0, pct(0.0), false),
            (rise, pct(rise), true),
            (urgent, pct(urgent), true),
        ],
    );
    if d.creatinine_pct.is_empty() {
        empty_note(s, &p, i);
    }
    series(s, a, &p, &d.creatinine_pct, GAP_LABS, CREA, true);
    p.top
}

pub(super) fn pressure(
    s: &mut Scene,
    r: &Report,
    d: &TrendData,
    a: &Axis,
    top: f64,
    grid: &[f64],
    i: &I18n,
) -> f64 {
    let (sys, dia, team) = r.limits.bp;
    let source = i.t(if team {
        "clinic.set_by_team"
    } else {
        "clinic.default"
    });
    let keys = [
        (Key::Line(PLT), i.t("field.systolic").to_string()),
        (Key::Line(DIA), i.t("field.diastolic").to_string()),
        (
            Key::Line(GREY),
            format!("{}/{} ({source})", fmt_num(sys, 0), fmt_num(dia, 0)),
        ),
    ];
    let top = header(s, top, &format!("{} (mmHg)", i.t("field.bp")), &keys);
    let lo = d.diastolic.iter().map(|q| q.1 - 10.0).fold(50.0, f64::min);
    let hi = top_of(d.systolic.iter().map(|q| q.1 + 10.0), sys + 30.0, 1.0);
    let p = Panel {
        top,
        y0: lo,
        y1: hi,
    };
    frame(
        s,
        &p,
        grid,
        &[(dia, fmt_num(dia, 0), true), (sys, fmt_num(sys, 0), true)],
    );
    if d.systolic.is_empty() {
        empty_note(s, &p, i);
    }
    series(s, a, &p, &d.systolic, GAP_BP, PLT, d.systolic.len() < 40);
    series(s, a, &p, &d.diastolic, GAP_BP, DIA, d.diastolic.len() < 40);
    p.top
}
