//! The trends panel: platelets, dose, drug level and safety on one shared time axis, with a
//! window (1 month … all, or since the last clinic visit), pan, zoom and a cursor. Data is
//! loaded and downsampled in `load`; drawing only reads it.

use chrono::{DateTime, Duration, FixedOffset};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, Paragraph, Wrap};

use crate::app::facts;
use crate::domain::clock::Clock;
use crate::domain::settings::Thresholds;
use crate::domain::trend::{self, Pt, TrendData, downsample};
use crate::domain::units::fmt_num;
use crate::present::i18n::I18n;
use crate::store::{Result, Store};
use crate::tui::theme::Theme;
use crate::tui::widgets::charts::{ChartSpec, line, spec};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Window {
    Month1,
    #[default]
    Month3,
    Month6,
    Year1,
    All,
    SinceVisit,
}

impl Window {
    const ORDER: [Window; 6] = [
        Window::Month1,
        Window::Month3,
        Window::Month6,
        Window::Year1,
        Window::All,
        Window::SinceVisit,
    ];

    pub fn label_key(self) -> &'static str {
        match self {
            Window::Month1 => "trends.w1m",
            Window::Month3 => "trends.w3m",
            Window::Month6 => "trends.w6m",
            Window::Year1 => "trends.w1y",
            Window::All => "trends.wall",
            Window::SinceVisit => "trends.wvisit",
        }
    }

    fn days(self) -> Option<i64> {
        match self {
            Window::Month1 => Some(30),
            Window::Month3 => Some(91),
            Window::Month6 => Some(182),
            Window::Year1 => Some(365),
            Window::All | Window::SinceVisit => None,
        }
    }
}

/// Resolution of the pre-thinned series (columns across the window).
pub(crate) const PRE_COLUMNS: usize = 500;

/// The charts, in the order `c` cycles through them.
pub const CHARTS: [&str; 7] = [
    "platelets",
    "dose",
    "level",
    "creatinine",
    "bp",
    "liver",
    "electrolytes",
];

#[derive(Clone, Debug, Default)]
pub struct TrendsState {
    pub window: Window,
    /// Half-windows panned back from now.
    pub pan: i64,
    /// The chart shown alone on small terminals (index into CHARTS); on large ones, the
    /// safety chart shown under the first three.
    pub chart: usize,
    /// Cursor position (days from the window start).
    pub cursor: Option<f64>,
    pub data: TrendData,
    pub from: Option<DateTime<FixedOffset>>,
    pub to: Option<DateTime<FixedOffset>>,
}

impl TrendsState {
    pub fn zoom(&mut self, d: i8) {
        let i = Window::ORDER
            .iter()
            .position(|w| *w == self.window)
            .unwrap_or(1) as i64;
        let j = (i - i64::from(d)).clamp(0, Window::ORDER.len() as i64 - 1);
        self.window = Window::ORDER[j as usize];
        self.pan = 0;
        self.cursor = None;
    }

    pub fn pan(&mut self, d: i8) {
        if self.window.days().is_some() {
            self.pan = (self.pan - i64::from(d)).max(0);
        }
    }

    pub fn next_chart(&mut self) {
        self.chart = (self.chart + 1) % CHARTS.len();
    }

    pub fn move_cursor(&mut self, d: i64) {
        let days = self.data.days.max(1.0);
        let step = (days / 60.0).max(1.0);
        let c = self.cursor.unwrap_or(days) + d as f64 * step;
        self.cursor = Some(c.clamp(0.0, days));
    }

    /// Load the window's data.
    pub fn load(&mut self, store: &Store, clock: &Clock, t: &Thresholds) -> Result<()> {
        let now = clock.now();
        let (from, to) = match self.window.days() {
            Some(days) => {
                let to = now - Duration::days(days / 2 * self.pan);
                (to - Duration::days(days), to)
            }
            None => {
                let first = match self.window {
                    Window::SinceVisit => facts::last_visit(store, now)?,
                    _ => facts::first_entry_time(store)?,
                };
                (
                    first
                        .unwrap_or(now - Duration::days(91))
                        .min(now - Duration::days(1)),
                    now,
                )
            }
        };
        let facts = facts::load_window(store, from, to, clock, t)?;
        let mut d = trend::build(&facts, from, to, clock, t);
        // Pre-thin long series to 500 columns (min and max kept): any frame then draws at most
        // a thousand points per series, whatever the length of the history.
        let days = d.days;
        for s in [
            &mut d.platelets,
            &mut d.dose_taken,
            &mut d.mg_per_kg_taken,
            &mut d.troughs,
            &mut d.non_troughs,
            &mut d.creatinine_pct,
            &mut d.systolic,
            &mut d.diastolic,
            &mut d.alt,
            &mut d.ast,
            &mut d.potassium,
            &mut d.magnesium,
        ] {
            *s = downsample(s, 0.0, days, PRE_COLUMNS);
        }
        self.data = d;
        self.from = Some(from);
        self.to = Some(to);
        Ok(())
    }
}

/// Y labels padded to one width so that stacked charts share the x axis exactly.
fn ylabels(lo: f64, hi: f64, unit: &str) -> Vec<Line<'static>> {
    // As wide as a date, the widest x label, so every chart's axis starts at the same column.
    let w = 10;
    let f = |v: f64| format!("{:>w$}", fmt_num(v, 1));
    vec![
        Line::from(f(lo)),
        Line::from(format!("{:>w$}", unit)),
        Line::from(f(hi)),
    ]
}

fn draw_chart(
    f: &mut Frame,
    area: Rect,
    c: ChartSpec,
    st: &TrendsState,
    theme: &Theme,
    x_labels: bool,
) {
    if area.height < 3 {
        return;
    }
    let days = st.data.days.max(1.0);
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    f.render_widget(
        Paragraph::new(Span::styled(c.title.clone(), theme.title())),
        title,
    );
    let columns = usize::from(body.width.saturating_sub(12)).max(10);
    let mut series = c.series;
    if let Some(x) = st.cursor {
        series.push(line(vec![(x, c.y.0), (x, c.y.1)], theme.label()));
    }
    // Downsample per column: twenty years draw as fast as a month.
    let data: Vec<Vec<Pt>> = series
        .iter()
        .map(|s| downsample(&s.points, 0.0, days, columns))
        .collect();
    let datasets: Vec<Dataset> = series
        .iter()
        .zip(&data)
        .filter(|(_, d)| !d.is_empty())
        .map(|(s, d)| {
            Dataset::default()
                .data(d)
                .style(s.style)
                .graph_type(s.kind)
                .marker(s.glyph)
        })
        .collect();
    let labels = if x_labels {
        date_labels(st)
    } else {
        vec![Line::from(""), Line::from("")]
    };
    let chart = Chart::new(datasets)
        .x_axis(
            Axis::default()
                .bounds([0.0, days])
                .labels(labels)
                .style(theme.dim()),
        )
        .y_axis(
            Axis::default()
                .bounds([c.y.0, c.y.1])
                .labels(ylabels(c.y.0, c.y.1, c.unit))
                .style(theme.dim()),
        )
        .hidden_legend_constraints((Constraint::Length(0), Constraint::Length(0)));
    f.render_widget(chart, body);
}

fn date_labels(st: &TrendsState) -> Vec<Line<'static>> {
    match (st.from, st.to) {
        (Some(a), Some(b)) => {
            let mid = a + (b - a) / 2;
            [a, mid, b]
                .iter()
                .map(|d| Line::from(d.format("%Y-%m-%d").to_string()))
                .collect()
        }
        _ => vec![],
    }
}

/// Nearest point to x within `within` days.
fn at_cursor(points: &[Pt], x: f64, within: f64) -> Option<f64> {
    points
        .iter()
        .filter(|p| (p.0 - x).abs() <= within)
        .min_by(|a, b| (a.0 - x).abs().total_cmp(&(b.0 - x).abs()))
        .map(|p| p.1)
}

fn summary_lines(st: &TrendsState, i: &I18n) -> Vec<Line<'static>> {
    let s = &st.data.summary;
    let pct = |v: Option<f64>| {
        v.map(|x| format!("{}%", fmt_num(x, 0)))
            .unwrap_or_else(|| "—".into())
    };
    let num = |v: Option<f64>| v.map(|x| fmt_num(x, 0)).unwrap_or_else(|| "—".into());
    let mut out = vec![
        Line::from(i.tf("trends.window", &[("window", i.t(st.window.label_key()))])),
        Line::from(i.tf("trends.time_30", &[("pct", &pct(s.days_at_least_30_pct))])),
        Line::from(i.tf("trends.time_100", &[("pct", &pct(s.days_at_least_100_pct))])),
        Line::from(i.tf(
            "trends.median_low",
            &[
                ("median", &num(s.median_platelets)),
                ("low", &num(s.lowest_platelets)),
            ],
        )),
        Line::from(i.tf("trends.doses_taken", &[("pct", &pct(s.doses_taken_pct))])),
        Line::from(i.tf(
            "trends.trough_tir",
            &[
                ("pct", &pct(s.trough_in_range_pct)),
                ("n", &s.trough_count.to_string()),
            ],
        )),
        Line::from(i.tf("trends.trough_cv", &[("pct", &pct(s.trough_cv_pct))])),
    ];
    if let (Some(x), Some(from)) = (st.cursor, st.from) {
        let d = &st.data;
        let date = from + Duration::minutes((x * 1440.0) as i64);
        let near = |p: &[Pt], w: f64| {
            at_cursor(p, x, w)
                .map(|v| fmt_num(v, 1))
                .unwrap_or_else(|| "—".into())
        };
        out.push(Line::from(i.tf(
            "trends.cursor",
            &[
                ("date", &date.format("%Y-%m-%d").to_string()),
                ("plt", &near(&d.platelets, 7.0)),
                ("mg", &near(&d.dose_planned, d.days)),
                ("level", &near(&d.troughs, 7.0)),
                ("cr", &near(&d.creatinine_pct, 14.0)),
            ],
        )));
    }
    out
}

/// Draw the panel: one chart at a time below 120×36, stacked charts above.
pub fn render(
    f: &mut Frame,
    area: Rect,
    st: &TrendsState,
    t: &Thresholds,
    theme: &Theme,
    i: &I18n,
) {
    let d = &st.data;
    if d.platelets.is_empty()
        && d.dose_planned.is_empty()
        && d.troughs.is_empty()
        && d.systolic.is_empty()
    {
        f.render_widget(
            Paragraph::new(vec![
                Line::from(i.tf("trends.window", &[("window", i.t(st.window.label_key()))])),
                Line::from(i.t("trends.empty")),
            ])
            .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let large = area.width >= 110 && area.height >= 34;
    if large {
        let [charts, side] =
            Layout::horizontal([Constraint::Min(60), Constraint::Length(36)]).areas(area);
        let safety = if st.chart >= 3 { st.chart } else { 4 };
        let names = [CHARTS[0], CHARTS[1], CHARTS[2], CHARTS[safety]];
        let rows = Layout::vertical([Constraint::Ratio(1, 4); 4]).split(charts);
        for (k, (name, r)) in names.iter().zip(rows.iter()).enumerate() {
            draw_chart(f, *r, spec(name, d, t, theme, i), st, theme, k == 3);
        }
        let mut lines = summary_lines(st, i);
        // The events of the window, labelled (the chart marks them with a block).
        let marks: Vec<String> = d
            .markers
            .iter()
            .rev()
            .take(8)
            .filter_map(|m| {
                let at = st.from? + Duration::minutes((m.x * 1440.0) as i64);
                let label = match m.code.strip_prefix("step_") {
                    Some(step) => i.t(&format!("step.{step}")).to_string(),
                    None if m.code == "bleeding" => i.t("trends.bleed_care").to_string(),
                    None => i.t(&format!("event.{}", m.code)).to_string(),
                };
                Some(format!("{} {label}", at.format("%Y-%m-%d")))
            })
            .collect();
        if !marks.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                i.t("trends.events"),
                theme.title(),
            )));
            lines.extend(marks.into_iter().map(Line::from));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(i.t("trends.legend"), theme.dim())));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), side);
    } else {
        let [chart, sum] =
            Layout::vertical([Constraint::Min(6), Constraint::Length(4)]).areas(area);
        draw_chart(
            f,
            chart,
            spec(CHARTS[st.chart], d, t, theme, i),
            st,
            theme,
            true,
        );
        let s = summary_lines(st, i);
        let text: Vec<Line> = vec![
            Line::from(format!("{}  {}", s[0], s[1])),
            Line::from(format!("{}  {}", s[2], s[3])),
            Line::from(format!("{}  {}", s[4], s[5])),
            s.get(7).cloned().unwrap_or_default(),
        ];
        f.render_widget(Paragraph::new(text), sum);
    }
}
