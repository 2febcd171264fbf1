//! The trends panel: platelets, dose, drug level and safety on one shared time axis, with a
//! window (1 month … all, or since the last clinic visit), pan, zoom and a cursor. Data is
//! loaded and downsampled in `load`; drawing only reads it.

use chrono::{DateTime, Duration, FixedOffset};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::facts;
use crate::domain::clock::Clock;
use crate::domain::settings::Thresholds;
use crate::domain::trend::{TrendData, downsample};
use crate::domain::units::fmt_num;
use crate::present::i18n::I18n;
use crate::store::{Result, Store};
use crate::tui::theme::Theme;
pub use crate::tui::widgets::charts::CHARTS;
use crate::tui::widgets::charts::{ChartView, DEFAULT_SAFETY, readout, spec, stops};

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

/// Trends' keys: zoom and pan (the window's data is read again), the chart, the cursor.
impl crate::tui::app::App {
    pub(crate) fn trends_action(&mut self, a: crate::tui::action::Action) {
        use crate::tui::action::Action;
        let t = self.trends_mut();
        match a {
            Action::Zoom(d) => t.zoom(d),
            Action::Pan(d) => t.pan(d),
            Action::NextChart => return t.next_chart(),
            Action::Cursor(d) => return t.move_cursor(i64::from(d)),
            _ => return,
        }
        self.load_screen();
    }
}

/// Resolution of the pre-thinned series (columns across the window).
pub(crate) const PRE_COLUMNS: usize = 500;

#[derive(Clone, Debug, Default)]
pub struct TrendsState {
    pub window: Window,
    /// Half-windows panned back from now.
    pub pan: i64,
    /// The chosen chart (index into CHARTS): shown alone on small terminals; on large ones
    /// highlighted, and shown under the first three when it is a safety chart.
    pub chart: usize,
    /// Cursor position: the time of a measurement of the chosen chart (days from the
    /// window's start).
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
        self.cursor = None;
    }

    /// Jump `d` measurements of the chosen chart forwards (or back); the first move lands on
    /// the latest one.
    pub fn move_cursor(&mut self, d: i64) {
        let xs = stops(CHARTS[self.chart % CHARTS.len()], &self.data);
        let Some(last) = xs.len().checked_sub(1) else {
            self.cursor = None;
            return;
        };
        let at = match self.cursor {
            None => last as i64,
            Some(c) => {
                let i = xs.partition_point(|x| *x < c - 1e-9) as i64;
                let on = xs.get(i as usize).is_some_and(|x| (x - c).abs() < 1e-9);
                match (on, d < 0) {
                    (true, _) | (false, false) => i + d - i64::from(!on && d > 0),
                    (false, true) => i + d,
                }
            }
        };
        self.cursor = Some(xs[at.clamp(0, last as i64) as usize]);
    }

    /// The chart shown under the first three on a large terminal.
    pub fn safety(&self) -> usize {
        if self.chart >= DEFAULT_SAFETY {
            self.chart
        } else {
            DEFAULT_SAFETY
        }
    }

    /// Load the window's data.
    pub fn load(&mut self, store: &Store, clock: &Clock, t: &Thresholds) -> Result<()> {
        // A measurement logged this minute belongs in the window.
        let now = clock.now() + Duration::seconds(1);
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
        let mut d = facts::trend_data(store, from, to, clock, t, PRE_COLUMNS)?;
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

/// "chart 4/8 — creatinine (c)".
fn indicator(k: usize, i: &I18n) -> String {
    i.tf(
        "chart.indicator",
        &[
            ("n", &(k + 1).to_string()),
            ("total", &CHARTS.len().to_string()),
            ("name", i.t(&format!("chart.name_{}", CHARTS[k]))),
        ],
    )
}

/// One chart: a title row (highlighted and with its number when chosen), then the plot.
fn draw_chart(
    f: &mut Frame,
    area: Rect,
    mut c: ChartView,
    chosen: Option<usize>,
    st: &TrendsState,
    theme: &Theme,
    i: &I18n,
) {
    if area.height < 4 {
        return;
    }
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let mut spans = vec![Span::styled(c.title.clone(), theme.title())];
    if let Some(k) = chosen {
        spans[0].style = spans[0].style.add_modifier(Modifier::REVERSED);
        spans.push(Span::raw("  "));
        spans.push(Span::styled(indicator(k, i), theme.label()));
        c.plot.cursor = st.cursor;
    }
    f.render_widget(Paragraph::new(Line::from(spans)), title);
    f.render_widget(&c.plot, body);
}

/// The legend as `glyph words` pairs, each glyph once (a glyph means one thing per screen).
fn legend_spans(views: &[&ChartView]) -> Vec<Span<'static>> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (g, words, style) in views.iter().flat_map(|v| v.legend.iter()) {
        if seen.contains(g) {
            continue;
        }
        seen.push(g.clone());
        out.push(Span::styled(g.clone(), *style));
        out.push(Span::raw(format!(" {words}  ")));
    }
    out
}

fn summary_lines(st: &TrendsState, i: &I18n) -> Vec<Line<'static>> {
    let s = &st.data.summary;
    let pct = |v: Option<f64>| {
        v.map(|x| format!("{}%", crate::domain::units::fmt_pct(x)))
            .unwrap_or_else(|| "—".into())
    };
    let num = |v: Option<f64>| v.map(|x| fmt_num(x, 0)).unwrap_or_else(|| "—".into());
    vec![
        Line::from(i.tf("trends.window", &[("window", i.t(st.window.label_key()))])),
        Line::from(crate::present::status::days_at_least(s, 0, i)),
        Line::from(crate::present::status::days_at_least(s, 1, i)),
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
    ]
}

/// What the cursor reads on the chosen chart, or how to move it.
fn cursor_line(st: &TrendsState, theme: &Theme, i: &I18n) -> Line<'static> {
    let name = CHARTS[st.chart % CHARTS.len()];
    match st.cursor.and_then(|x| readout(name, &st.data, x, i)) {
        Some(text) => Line::from(Span::styled(text, theme.focus())),
        None => Line::from(Span::styled(
            i.t("chart.cursor_hint").to_string(),
            theme.dim(),
        )),
    }
}

/// The events of the window, newest first, labelled (the chart marks them with ▼).
fn event_lines(st: &TrendsState, theme: &Theme, i: &I18n) -> Vec<Line<'static>> {
    let d = &st.data;
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
    if marks.is_empty() {
        return Vec::new();
    }
    let mut out = vec![
        Line::from(""),
        Line::from(Span::styled(
            format!(
                "{} {}",
                crate::tui::widgets::plot::EVENT,
                i.t("trends.events")
            ),
            theme.title(),
        )),
    ];
    out.extend(marks.into_iter().map(Line::from));
    out
}

/// Draw the panel: one chart at a time below 110×34, four stacked charts above.
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
        && d.non_troughs.is_empty()
        && d.systolic.is_empty()
        && d.creatinine_pct.is_empty()
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
    let chosen = st.chart % CHARTS.len();
    let large = area.width >= 110 && area.height >= 34;
    if large {
        let [charts, side] = Layout::horizontal([Constraint::Min(60), Constraint::Length(36)])
            .spacing(1)
            .areas(area);
        let shown = [0, 1, 2, st.safety()];
        let rows = Layout::vertical([Constraint::Ratio(1, 4); 4]).split(charts);
        let mut views = Vec::new();
        for (k, r) in shown.iter().zip(rows.iter()) {
            let mut v = spec(CHARTS[*k], d, t, theme, i);
            v.plot.x_labels = *k == shown[3];
            let legend = ChartView {
                title: String::new(),
                plot: Default::default(),
                legend: std::mem::take(&mut v.legend),
            };
            draw_chart(f, *r, v, (*k == chosen).then_some(chosen), st, theme, i);
            views.push(legend);
        }
        let mut lines = summary_lines(st, i);
        lines.push(Line::from(""));
        lines.push(cursor_line(st, theme, i));
        lines.extend(event_lines(st, theme, i));
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(i.t("chart.legend"), theme.title())));
        let refs: Vec<&ChartView> = views.iter().collect();
        let spans = legend_spans(&refs);
        for pair in spans.chunks(2) {
            lines.push(Line::from(pair.to_vec()));
        }
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), side);
    } else {
        let [chart, legend, sum] = Layout::vertical([
            Constraint::Min(6),
            Constraint::Length(1),
            Constraint::Length(3),
        ])
        .areas(area);
        let mut v = spec(CHARTS[chosen], d, t, theme, i);
        v.plot.x_labels = true;
        let spans = legend_spans(&[&v]);
        draw_chart(f, chart, v, Some(chosen), st, theme, i);
        f.render_widget(Paragraph::new(Line::from(spans)), legend);
        let s = summary_lines(st, i);
        let text: Vec<Line> = vec![
            Line::from(format!("{}  {}  {}", s[0], s[1], s[2])),
            Line::from(format!("{}  {}  {}", s[3], s[4], s[5])),
            cursor_line(st, theme, i),
        ];
        f.render_widget(Paragraph::new(text), sum);
    }
}
