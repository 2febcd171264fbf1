//! The report's charts as a list of shapes on one dated time axis: platelets with their
//! bands and rescue treatments, the daily dose, the drug level against its target, creatinine
//! from baseline and blood pressure. `svg` writes the shapes for the HTML report, `pdf` draws
//! them as vectors, so both show the same picture. Labels are spread so they never overlap.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};

use super::report::Report;

mod panels;
use crate::domain::trend::{Pt, downsample, split_gaps};
use crate::present::i18n::I18n;
use panels::{PanelFn, creatinine, dose, level, platelets, pressure};

pub type Rgb = (u8, u8, u8);

pub const INK: Rgb = (34, 34, 34);
pub const GREY: Rgb = (150, 150, 150);
pub const GRID: Rgb = (225, 225, 225);
const PLT: Rgb = (192, 57, 43);
const DOSE: Rgb = (44, 111, 187);
const TAKEN: Rgb = (241, 196, 15);
const TROUGH: Rgb = (30, 132, 73);
const OTHER: Rgb = (230, 126, 34);
const TARGET: Rgb = (213, 245, 227);
const RESCUE: Rgb = (142, 68, 173);
const CREA: Rgb = (120, 66, 18);
const DIA: Rgb = (52, 73, 94);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Line {
        a: Pt,
        b: Pt,
        color: Rgb,
        width: f64,
        dash: bool,
    },
    Poly {
        pts: Vec<Pt>,
        color: Rgb,
        width: f64,
    },
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        fill: Option<Rgb>,
        stroke: Option<Rgb>,
    },
    Dot {
        at: Pt,
        r: f64,
        color: Rgb,
        square: bool,
    },
    /// A downward triangle (an event marker).
    Mark { at: Pt, size: f64, color: Rgb },
    Text {
        at: Pt,
        size: f64,
        text: String,
        color: Rgb,
        anchor: Anchor,
        bold: bool,
    },
}

/// A picture in points (1/72 in), y downwards.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub w: f64,
    pub h: f64,
    pub shapes: Vec<Shape>,
}

pub const WIDTH: f64 = 515.0;
pub const LEFT: f64 = 44.0;
pub const RIGHT: f64 = 8.0;
const PANEL: f64 = 96.0;
const TEXT: f64 = 7.0;

/// The width a text takes at `size`, estimated (CJK glyphs are square, Latin about half).
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| {
            if c as u32 >= 0x2E80 {
                size
            } else {
                size * 0.58
            }
        })
        .sum()
}

/// Move labels (wanted y, sorted or not) apart so that neighbours are at least `gap` apart,
/// staying within `[top, bottom]` when there is room. Returns the new y in the input order.
pub fn spread(wanted: &[f64], gap: f64, top: f64, bottom: f64) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..wanted.len()).collect();
    idx.sort_by(|a, b| wanted[*a].total_cmp(&wanted[*b]));
    let mut y: Vec<f64> = idx.iter().map(|i| wanted[*i].max(top)).collect();
    for k in 1..y.len() {
        y[k] = y[k].max(y[k - 1] + gap);
    }
    if let Some(last) = y.last_mut()
        && *last > bottom
    {
        *last = bottom.max(top + gap * (wanted.len() as f64 - 1.0));
        for k in (0..y.len().saturating_sub(1)).rev() {
            y[k] = y[k].min(y[k + 1] - gap);
        }
    }
    let mut out = vec![0.0; wanted.len()];
    for (k, i) in idx.into_iter().enumerate() {
        out[i] = y[k];
    }
    out
}

struct Axis {
    days: f64,
}

impl Axis {
    fn x(&self, day: f64) -> f64 {
        LEFT + day.clamp(0.0, self.days) / self.days.max(1.0) * (WIDTH - LEFT - RIGHT)
    }
}

struct Panel {
    top: f64,
    y0: f64,
    y1: f64,
}

impl Panel {
    fn y(&self, v: f64) -> f64 {
        let f = ((v - self.y0) / (self.y1 - self.y0).max(1e-9)).clamp(0.0, 1.0);
        self.top + PANEL - f * PANEL
    }
}

fn text(s: &mut Scene, at: Pt, t: String, color: Rgb, anchor: Anchor) {
    s.shapes.push(Shape::Text {
        at,
        size: TEXT,
        text: t,
        color,
        anchor,
        bold: false,
    });
}

/// Date ticks: (day offset, label), thinned so that labels do not overlap.
pub fn ticks(from: DateTime<FixedOffset>, days: f64) -> Vec<(f64, String)> {
    let start = from.date_naive();
    let end = start + Duration::days(days.ceil() as i64);
    let (months, fmt) = match days {
        d if d <= 62.0 => (0, "%m-%d"),
        d if d <= 250.0 => (1, "%Y-%m"),
        d if d <= 1100.0 => (3, "%Y-%m"),
        d if d <= 3700.0 => (12, "%Y"),
        _ => (24, "%Y"),
    };
    let mut dates = Vec::new();
    if months == 0 {
        let mut d =
            start + Duration::days(i64::from(7 - start.weekday().num_days_from_monday()) % 7);
        while d <= end {
            dates.push(d);
            d += Duration::days(7);
        }
    } else {
        let mut m = start.year() * 12 + start.month0() as i32 + 1;
        while let Some(d) = NaiveDate::from_ymd_opt(m / 12, (m % 12) as u32 + 1, 1) {
            if d > end {
                break;
            }
            if (d.month0() as i32) % months.min(12) == 0 && (months < 24 || d.year() % 2 == 0) {
                dates.push(d);
            }
            m += 1;
        }
    }
    let axis = Axis { days };
    let mut out: Vec<(f64, String)> = Vec::new();
    let mut right_edge = f64::MIN;
    for d in dates {
        let day = (d - start).num_days() as f64
            - from
                .time()
                .signed_duration_since(chrono::NaiveTime::MIN)
                .num_minutes() as f64
                / 1440.0;
        let label = d.format(fmt).to_string();
        let half = text_width(&label, TEXT) / 2.0;
        let x = axis.x(day);
        if x - half > right_edge + 4.0 && x + half <= WIDTH {
            right_edge = x + half;
            out.push((day, label));
        }
    }
    out
}

/// A legend entry: a sample shape and its words.
enum Key {
    Line(Rgb),
    Dot(Rgb),
    Square(Rgb),
    Mark(Rgb),
    Band(Rgb),
}

/// The panel's title and legend; returns the panel's top (below them).
fn header(s: &mut Scene, top: f64, title: &str, keys: &[(Key, String)]) -> f64 {
    let title_w = text_width(title, 8.0);
    s.shapes.push(Shape::Text {
        at: (LEFT, top + 8.0),
        size: 8.0,
        text: title.into(),
        color: INK,
        anchor: Anchor::Start,
        bold: true,
    });
    let widths: Vec<f64> = keys
        .iter()
        .map(|(_, t)| 14.0 + text_width(t, TEXT) + 10.0)
        .collect();
    let total: f64 = widths.iter().sum();
    let (mut x, y) = if LEFT + title_w + 16.0 + total <= WIDTH - RIGHT {
        (WIDTH - RIGHT - total, top + 8.0)
    } else {
        (LEFT, top + 19.0)
    };
    for ((k, t), w) in keys.iter().zip(widths) {
        let c = (x + 5.0, y - 2.5);
        s.shapes.push(match k {
            Key::Line(col) => Shape::Line {
                a: (x, c.1),
                b: (x + 10.0, c.1),
                color: *col,
                width: 1.5,
                dash: false,
            },
            Key::Dot(col) => Shape::Dot {
                at: c,
                r: 2.2,
                color: *col,
                square: false,
            },
            Key::Square(col) => Shape::Dot {
                at: c,
                r: 2.2,
                color: *col,
                square: true,
            },
            Key::Mark(col) => Shape::Mark {
                at: (c.0, c.1 - 2.5),
                size: 5.0,
                color: *col,
            },
            Key::Band(col) => Shape::Rect {
                x,
                y: c.1 - 3.0,
                w: 10.0,
                h: 6.0,
                fill: Some(*col),
                stroke: Some(GREY),
            },
        });
        text(s, (x + 14.0, y), t.clone(), INK, Anchor::Start);
        x += w;
    }
    y + 5.0
}

/// The frame, the vertical date grid and the y labels (spread apart) of a panel.
fn frame(s: &mut Scene, p: &Panel, grid: &[f64], labels: &[(f64, String, bool)]) {
    for x in grid {
        s.shapes.push(Shape::Line {
            a: (*x, p.top),
            b: (*x, p.top + PANEL),
            color: GRID,
            width: 0.5,
            dash: false,
        });
    }
    for (v, _, dashed) in labels {
        let y = p.y(*v);
        s.shapes.push(Shape::Line {
            a: (LEFT, y),
            b: (WIDTH - RIGHT, y),
            color: GREY,
            width: 0.6,
            dash: *dashed,
        });
    }
    let wanted: Vec<f64> = labels.iter().map(|(v, _, _)| p.y(*v) + 2.5).collect();
    let ys = spread(&wanted, TEXT + 1.0, p.top + 3.0, p.top + PANEL + 3.0);
    for ((_, l, _), y) in labels.iter().zip(ys) {
        text(s, (LEFT - 3.0, y), l.clone(), INK, Anchor::End);
    }
    s.shapes.push(Shape::Rect {
        x: LEFT,
        y: p.top,
        w: WIDTH - LEFT - RIGHT,
        h: PANEL,
        fill: None,
        stroke: Some(GREY),
    });
}

/// More points than the plot is wide thinned to each point of paper's lowest and highest: the
/// same picture (a century of daily doses is 36,500 points on 460 points of paper).
fn thin(pts: &[Pt], a: &Axis) -> Vec<Pt> {
    downsample(pts, 0.0, a.days.max(1.0), (WIDTH - LEFT - RIGHT) as usize)
}

/// A series as lines (broken at gaps longer than `gap` days) and, when asked or alone, dots;
/// thinned to the plot's width.
fn series(s: &mut Scene, a: &Axis, p: &Panel, pts: &[Pt], gap: f64, color: Rgb, dots: bool) {
    let thin = thin(pts, a);
    let pts = thin.as_slice();
    for seg in split_gaps(pts, gap) {
        if seg.len() > 1 {
            s.shapes.push(Shape::Poly {
                pts: seg.iter().map(|q| (a.x(q.0), p.y(q.1))).collect(),
                color,
                width: 1.2,
            });
        }
    }
    if dots || pts.len() < 2 {
        for q in pts {
            s.shapes.push(Shape::Dot {
                at: (a.x(q.0), p.y(q.1)),
                r: 1.8,
                color,
                square: false,
            });
        }
    }
}

fn empty_note(s: &mut Scene, p: &Panel, i: &I18n) {
    text(
        s,
        (LEFT + (WIDTH - LEFT - RIGHT) / 2.0, p.top + PANEL / 2.0),
        i.t("clinic.no_data").into(),
        GREY,
        Anchor::Middle,
    );
}

fn top_of(v: impl Iterator<Item = f64>, floor: f64, factor: f64) -> f64 {
    v.fold(floor, f64::max) * factor
}

/// The five charts of page 2.
pub fn build(r: &Report, i: &I18n) -> Scene {
    let d = &r.trend;
    let a = Axis {
        days: d.days.max(1.0),
    };
    let from = d.from.unwrap_or(r.from);
    let tick = ticks(from, a.days);
    let grid: Vec<f64> = tick.iter().map(|(day, _)| a.x(*day)).collect();
    let mut s = Scene {
        w: WIDTH,
        h: 0.0,
        shapes: Vec::new(),
    };
    let mut top = 0.0;
    let panels: [PanelFn; 5] = [platelets, dose, level, creatinine, pressure];
    for panel in panels {
        top = panel(&mut s, r, d, &a, top, &grid, i) + PANEL + 8.0;
    }
    for (day, label) in &tick {
        let x = a.x(*day);
        s.shapes.push(Shape::Line {
            a: (x, top - 8.0),
            b: (x, top - 5.0),
            color: INK,
            width: 0.6,
            dash: false,
        });
        text(&mut s, (x, top + 3.0), label.clone(), INK, Anchor::Middle);
    }
    s.h = top + 8.0;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_keeps_labels_apart_and_inside() {
        let y = spread(&[100.0, 97.0, 99.0, 20.0], 8.0, 0.0, 100.0);
        let mut s = y.clone();
        s.sort_by(f64::total_cmp);
        for w in s.windows(2) {
            assert!(w[1] - w[0] >= 8.0 - 1e-9, "{y:?}");
        }
        assert!(s.iter().all(|v| (0.0..=100.0).contains(v)), "{y:?}");
        assert_eq!(y[3], 20.0);
    }

    #[test]
    fn ticks_do_not_overlap() {
        let from = DateTime::parse_from_rfc3339("2006-01-01T00:00:00+08:00").unwrap();
        for days in [10.0, 45.0, 92.0, 200.0, 730.0, 7300.0] {
            let t = ticks(from, days);
            assert!(!t.is_empty(), "{days}");
            let a = Axis { days };
            for w in t.windows(2) {
                let gap = a.x(w[1].0) - a.x(w[0].0);
                assert!(
                    gap > (text_width(&w[0].1, TEXT) + text_width(&w[1].1, TEXT)) / 2.0,
                    "{days}: {t:?}"
                );
            }
        }
    }
}
