//! A time chart drawn cell by cell, so every glyph has one meaning and every label sits where
//! its value is: measured values as markers (●, ◇, ○), lines joining them (braille) only
//! within the gap limit, the plan as a heavy step line (━), reference lines (┄) labelled on the
//! y axis, events (▼) along the top, round y ticks, and x ticks at week / month / quarter /
//! year boundaries. Colour repeats what the glyph already says, so NO_COLOR loses nothing.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::widgets::Widget;
use ratatui::widgets::canvas::{Canvas, Line as CLine};

use crate::domain::trend::{Pt, downsample};
use crate::domain::units::fmt_num;

/// The glyphs, one meaning each on every screen.
pub const VALUE: char = '●';
pub const VALUE2: char = '◇';
pub const NOT_TROUGH: char = '○';
pub const EVENT: char = '▼';
pub const REF: char = '┄';
pub const PLAN: char = '━';
pub const PLAN_STEP: char = '┃';
pub const CURSOR: char = '│';
/// Braille cells standing for "joined measurements" in a legend.
pub const JOINED: &str = "⠒⠒";

/// A horizontal reference line (band edge, target, alert threshold), labelled on the y axis.
#[derive(Clone, Debug)]
pub struct RefLine {
    pub y: f64,
    pub label: String,
    pub style: Style,
}

/// Measured values drawn as one glyph each.
#[derive(Clone, Debug)]
pub struct Marks {
    pub points: Vec<Pt>,
    pub glyph: char,
    pub style: Style,
}

/// What one chart draws. x is days from the window's start.
#[derive(Clone, Debug, Default)]
pub struct Plot {
    pub days: f64,
    pub from: Option<DateTime<FixedOffset>>,
    pub y: (f64, f64),
    /// Gap-split segments joined by braille lines.
    pub joined: Vec<(Vec<Pt>, Style)>,
    /// A step line (the plan), drawn with heavy box lines.
    pub plan: Option<(Vec<Pt>, Style)>,
    pub refs: Vec<RefLine>,
    pub marks: Vec<Marks>,
    pub events: Vec<f64>,
    pub event_style: Style,
    pub cursor: Option<f64>,
    pub x_labels: bool,
    pub axis_style: Style,
    /// Width of the y-axis gutter; 0 = `GUTTER`.
    pub gutter: u16,
}

/// Width of the y-axis gutter (labels and the axis line).
pub const GUTTER: u16 = 8;

/// A y label in `w` columns, never a cut number (session 7: 2000 read "200", "20/30/50" read
/// "20/30/5"): lines sharing a row keep the ones that fit whole, a thousand or more is written
/// "2k", "1.5k", and what still does not fit is left out (the axis mark stays).
pub fn fit_label(text: &str, w: usize) -> Option<String> {
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    if width(text) <= w {
        return Some(text.to_string());
    }
    let short = |part: &str| -> Option<String> {
        if width(part) <= w {
            return Some(part.to_string());
        }
        let v: f64 = part.parse().ok()?;
        let k = format!("{}k", fmt_num(v / 1000.0, 1));
        (v.abs() >= 1000.0 && width(&k) <= w).then_some(k)
    };
    let mut out = String::new();
    for part in text.split('/') {
        let part = short(part)?;
        let joined = if out.is_empty() {
            part
        } else {
            format!("{out}/{part}")
        };
        if width(&joined) > w {
            break;
        }
        out = joined;
    }
    (!out.is_empty()).then_some(out)
}

/// Round tick values (1, 2, 2.5, 5 × 10ⁿ) covering [lo, hi]: at least three, at most six.
/// Returns the ticks and the widened bounds.
pub fn nice_ticks(lo: f64, hi: f64) -> (Vec<f64>, (f64, f64)) {
    let (lo, hi) = if hi - lo < 1e-9 {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    };
    let raw = (hi - lo) / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0, 20.0] {
        let step = m * mag;
        let a = (lo / step).floor() * step;
        let b = (hi / step).ceil() * step;
        let n = ((b - a) / step).round() as usize + 1;
        if (3..=6).contains(&n) {
            let ticks = (0..n).map(|k| a + k as f64 * step).collect();
            return (ticks, (a, b));
        }
    }
    (vec![lo, (lo + hi) / 2.0, hi], (lo, hi))
}

/// Tick marks of the x axis: (x in days, label) at the coarsest boundaries that still give
/// two or more ticks, thinned so that labels of `width` columns never touch.
pub fn date_ticks(from: DateTime<FixedOffset>, days: f64, cols: u16) -> Vec<(f64, String)> {
    let off = *from.offset();
    let x_of = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|n| n.and_local_timezone(off).single())
            .map(|t| (t - from).num_seconds() as f64 / 86_400.0)
    };
    let start = from.date_naive();
    let end = start + Duration::days(days.ceil() as i64 + 1);
    type Next = fn(NaiveDate) -> NaiveDate;
    let week: Next = |d| d + Duration::days(7);
    let month: Next = |d| d.checked_add_months(chrono::Months::new(1)).unwrap_or(d);
    let quarter: Next = |d| d.checked_add_months(chrono::Months::new(3)).unwrap_or(d);
    let year: Next = |d| d.with_year(d.year() + 1).unwrap_or(d);
    let first_monday =
        start + Duration::days((7 - i64::from(start.weekday().num_days_from_monday())) % 7);
    let first_of_month = |s: NaiveDate, every: u32| {
        let mut d = NaiveDate::from_ymd_opt(s.year(), s.month(), 1).unwrap_or(s);
        while d < s || !(d.month() - 1).is_multiple_of(every) {
            d = month(d);
        }
        d
    };
    let first_year = NaiveDate::from_ymd_opt(start.year() + 1, 1, 1).unwrap_or(start);
    let plans: [(NaiveDate, Next, &str); 4] = [
        (first_monday, week, "%m-%d"),
        (first_of_month(start, 1), month, "%Y-%m"),
        (first_of_month(start, 3), quarter, "%Y-%m"),
        (first_year, year, "%Y"),
    ];
    let per_col = days / f64::from(cols.max(1));
    let spaced = |ticks: &[(f64, String)]| {
        let width = ticks.first().map(|t| t.1.len() as f64 + 2.0).unwrap_or(0.0);
        ticks.len() >= 2
            && ticks
                .windows(2)
                .all(|w| (w[1].0 - w[0].0) / per_col >= width)
    };
    let mut years = Vec::new();
    // Roughly how many days apart, and how wide, each plan's ticks are: a plan that cannot fit
    // on average is not even built (a twenty-year window would format a thousand weeks).
    let sizes = [(7.0, 5.0), (30.4, 7.0), (91.3, 7.0), (365.25, 4.0)];
    for ((first, next, fmt), (apart, width)) in plans.into_iter().zip(sizes) {
        if apart / per_col < width + 2.0 && fmt != "%Y" {
            continue;
        }
        let mut out = Vec::new();
        let mut d = first;
        while d < end {
            if let Some(x) = x_of(d).filter(|x| *x >= 0.0 && *x <= days) {
                out.push((x, d.format(fmt).to_string()));
            }
            let n = next(d);
            if n <= d {
                break;
            }
            d = n;
        }
        if spaced(&out) {
            return out;
        }
        years = out;
    }
    // Decades of history: every 2nd, 5th, 10th … year.
    for stride in [2, 5, 10, 20, 50] {
        let some: Vec<(f64, String)> = years
            .iter()
            .filter(|t| t.1.parse::<i32>().is_ok_and(|y| y % stride == 0))
            .cloned()
            .collect();
        if spaced(&some) {
            return some;
        }
    }
    Vec::new()
}

/// Cell column of x and row of y in a plot area, matching the canvas' braille grid.
struct Grid {
    area: Rect,
    x: (f64, f64),
    y: (f64, f64),
}

impl Grid {
    fn col(&self, x: f64) -> Option<u16> {
        let w = f64::from(self.area.width) * 2.0 - 1.0;
        let f = (x - self.x.0) / (self.x.1 - self.x.0);
        (0.0..=1.0)
            .contains(&f)
            .then(|| self.area.x + ((f * w) as u16 / 2).min(self.area.width - 1))
    }
    fn row(&self, y: f64) -> Option<u16> {
        let h = f64::from(self.area.height) * 4.0 - 1.0;
        let f = (self.y.1 - y) / (self.y.1 - self.y.0);
        (-1e-9..=1.0 + 1e-9)
            .contains(&f)
            .then(|| self.area.y + ((f.clamp(0.0, 1.0) * h) as u16 / 4).min(self.area.height - 1))
    }
}

fn put(buf: &mut Buffer, x: u16, y: u16, s: &str, style: Style) {
    buf.set_string(x, y, s, style);
}

fn fg(s: Style) -> Color {
    s.fg.unwrap_or(Color::Reset)
}

impl Plot {
    fn gutter(&self) -> u16 {
        if self.gutter == 0 {
            GUTTER
        } else {
            self.gutter
        }
    }

    fn draw_refs(&self, g: &Grid, buf: &mut Buffer, labels: &mut Vec<(u16, String, Style)>) {
        for r in &self.refs {
            let Some(row) = g.row(r.y) else { continue };
            // Two lines on one row share it; the first (the more severe) keeps its colour.
            match labels.iter_mut().find(|l| l.0 == row) {
                Some(l) => l.1 = format!("{}/{}", l.1, r.label),
                None => {
                    labels.push((row, r.label.clone(), r.style));
                    for x in g.area.left()..g.area.right() {
                        put(buf, x, row, &REF.to_string(), r.style);
                    }
                }
            }
        }
    }

    fn draw_plan(&self, g: &Grid, buf: &mut Buffer) {
        let Some((pts, style)) = &self.plan else {
            return;
        };
        for (k, p) in pts.iter().enumerate() {
            let end = pts.get(k + 1).map(|n| n.0).unwrap_or(self.days);
            let (Some(a), Some(b), Some(row)) = (g.col(p.0), g.col(end), g.row(p.1)) else {
                continue;
            };
            for x in a..=b.max(a) {
                put(buf, x, row, &PLAN.to_string(), *style);
            }
            if let Some(next) = pts.get(k + 1).and_then(|n| g.row(n.1)) {
                let (lo, hi) = (row.min(next), row.max(next));
                for y in lo + 1..hi {
                    put(buf, b, y, &PLAN_STEP.to_string(), *style);
                }
            }
        }
    }

    fn draw_lines(&self, area: Rect, buf: &mut Buffer) {
        let segs: Vec<(Vec<Pt>, Color)> = self
            .joined
            .iter()
            .filter(|(p, _)| p.len() > 1)
            // Two braille dots per cell: more points than that draw nothing more.
            .map(|(p, s)| {
                (
                    downsample(p, 0.0, self.days, usize::from(area.width) * 2),
                    fg(*s),
                )
            })
            .collect();
        if segs.is_empty() {
            return;
        }
        Canvas::default()
            .marker(Marker::Braille)
            .x_bounds([0.0, self.days])
            .y_bounds([self.y.0, self.y.1])
            .paint(|ctx| {
                for (pts, color) in &segs {
                    for w in pts.windows(2) {
                        ctx.draw(&CLine::new(w[0].0, w[0].1, w[1].0, w[1].1, *color));
                    }
                }
            })
            .render(area, buf);
    }

    fn draw_y_axis(&self, g: &Grid, buf: &mut Buffer, mut labels: Vec<(u16, String, Style)>) {
        let (ticks, _) = nice_ticks(self.y.0, self.y.1);
        let taken: Vec<u16> = labels.iter().map(|l| l.0).collect();
        for t in ticks {
            if let Some(row) = g.row(t).filter(|r| !taken.contains(r)) {
                labels.push((row, fmt_num(t, 2), self.axis_style));
            }
        }
        let axis_x = g.area.x - 1;
        for y in g.area.top()..g.area.bottom() {
            put(buf, axis_x, y, "│", self.axis_style);
        }
        let gutter = self.gutter();
        let w = usize::from(gutter - 1);
        for (row, text, style) in labels {
            if let Some(text) = fit_label(&text, w) {
                put(buf, axis_x + 1 - gutter, row, &format!("{text:>w$}"), style);
            }
            put(buf, axis_x, row, "┤", self.axis_style);
        }
    }

    fn draw_x_axis(&self, g: &Grid, buf: &mut Buffer, row: u16, label_row: Option<u16>) {
        let axis_x = g.area.x - 1;
        put(buf, axis_x, row, "└", self.axis_style);
        for x in g.area.left()..g.area.right() {
            put(buf, x, row, "─", self.axis_style);
        }
        let Some(from) = self.from else { return };
        let mut free_from = g.area.x;
        for (x, label) in date_ticks(from, self.days, g.area.width) {
            let Some(col) = g.col(x) else { continue };
            put(buf, col, row, "┬", self.axis_style);
            if let Some(lr) = label_row {
                let w = label.len() as u16;
                let start = col.saturating_sub(w / 2).max(g.area.x);
                if start >= free_from && start + w <= g.area.right() {
                    put(buf, start, lr, &label, self.axis_style);
                    free_from = start + w + 1;
                }
            }
        }
    }

    fn draw_marks(&self, g: &Grid, buf: &mut Buffer) {
        let cursor_col = self.cursor.and_then(|c| g.col(c));
        if let Some(c) = cursor_col {
            for y in g.area.top()..g.area.bottom() {
                let cell = &mut buf[(c, y)];
                if cell.symbol() == " " {
                    cell.set_char(CURSOR).set_style(self.axis_style);
                }
            }
        }
        for x in &self.events {
            if let Some(c) = g.col(*x) {
                put(buf, c, g.area.y, &EVENT.to_string(), self.event_style);
            }
        }
        for m in &self.marks {
            // One glyph per cell: the lowest and highest value of each column are enough.
            let points = downsample(&m.points, 0.0, self.days, usize::from(g.area.width));
            for p in &points {
                let (Some(c), Some(r)) = (g.col(p.0), g.row(p.1)) else {
                    continue;
                };
                let style = if Some(c) == cursor_col {
                    m.style.add_modifier(Modifier::REVERSED)
                } else {
                    m.style
                };
                put(buf, c, r, &m.glyph.to_string(), style);
            }
        }
    }
}

impl Widget for &Plot {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let label_rows = u16::from(self.x_labels);
        let gutter = self.gutter();
        if area.width <= gutter + 4 || area.height < 3 + label_rows || self.days <= 0.0 {
            return;
        }
        let plot = Rect {
            x: area.x + gutter,
            y: area.y,
            width: area.width - gutter,
            height: area.height - 1 - label_rows,
        };
        let g = Grid {
            area: plot,
            x: (0.0, self.days),
            y: self.y,
        };
        let mut labels = Vec::new();
        self.draw_refs(&g, buf, &mut labels);
        self.draw_plan(&g, buf);
        self.draw_lines(plot, buf);
        self.draw_y_axis(&g, buf, labels);
        let axis_row = plot.bottom();
        self.draw_x_axis(&g, buf, axis_row, (label_rows > 0).then_some(axis_row + 1));
        self.draw_marks(&g, buf);
    }
}

#[cfg(test)]
mod tests {

    /// A y label is never a cut number (2000 read "200", "20/30/50" read "20/30/5").
    #[test]
    fn labels_fit_whole_or_not_at_all() {
        let cases = [
            ("150", 3, Some("150")),
            ("2000", 3, Some("2k")),
            ("1500", 3, None),
            ("1500", 4, Some("1500")),
            ("1500", 3, None),
            ("20/30", 3, Some("20")),
            ("20/30/50", 7, Some("20/30")),
            ("20/30/50", 8, Some("20/30/50")),
            ("12345", 3, None),
        ];
        for (text, w, want) in cases {
            assert_eq!(fit_label(text, w).as_deref(), want, "{text} in {w}");
        }
    }

    use super::*;

    #[test]
    fn ticks_are_round_and_at_least_three() {
        for (lo, hi) in [
            (0.0, 330.0),
            (0.6, 0.95),
            (-10.0, 55.0),
            (40.0, 160.0),
            (5.0, 5.0),
        ] {
            let (t, (a, b)) = nice_ticks(lo, hi);
            assert!(t.len() >= 3 && t.len() <= 6, "{lo}..{hi}: {t:?}");
            assert!(a <= lo && b >= hi, "{lo}..{hi}: {a}..{b}");
            let step = t[1] - t[0];
            let m = step / 10f64.powf(step.log10().floor());
            assert!(
                [1.0, 2.0, 2.5, 5.0].iter().any(|x| (x - m).abs() < 1e-6),
                "{step}"
            );
        }
        let (t, _) = nice_ticks(0.6, 0.95);
        assert!(t[0] >= 0.5, "a small range keeps its own scale: {t:?}");
    }

    #[test]
    fn date_ticks_fall_on_boundaries() {
        let from = DateTime::parse_from_rfc3339("2025-12-09T14:30:00+08:00").unwrap();
        let t = date_ticks(from, 91.0, 70);
        let labels: Vec<&str> = t.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(labels, vec!["2026-01", "2026-02", "2026-03"]);
        // 2026-01-01 00:00 is 22.4 days after 2025-12-09 14:30.
        assert!((t[0].0 - 22.395_833).abs() < 1e-3, "{}", t[0].0);
        let long = date_ticks(from, 365.0 * 20.0, 70);
        assert!(
            long.len() >= 2,
            "twenty years still get dated ticks: {long:?}"
        );
        assert!(long.iter().all(|t| t.1.len() == 4));
        let weeks = date_ticks(from, 30.0, 100);
        assert_eq!(weeks[0].1, "12-15", "the first Monday");
        assert!(weeks.len() >= 4);
    }
}
