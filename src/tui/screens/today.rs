//! Today: the latest platelet count and its band, the response, the phase, today's doses,
//! the dose per kg, the last trough, a platelet sparkline and the reminders.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Sparkline, Wrap};

use crate::domain::dosing::SlotState;
use crate::domain::overview::Overview;
use crate::domain::units::fmt_num;
use crate::present::describe::{pad, reminder_message, severity_mark};
use crate::tui::app::App;

/// Days the sparkline spans (the platelet counts loaded by `App::refresh`).
pub const SPARK_DAYS: i64 = 84;

type Spans<'a> = Vec<Span<'a>>;

fn row<'a>(label: &str, width: usize, value: Vec<Span<'a>>, app: &App) -> Line<'a> {
    let mut spans = vec![Span::styled(pad(label, width), app.theme.label())];
    spans.extend(value);
    Line::from(spans)
}

fn dash<'a>() -> Spans<'a> {
    vec![Span::raw("—")]
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let Some(o) = &app.overview else {
        f.render_widget(Paragraph::new(app.i18n.t("tui.loading")), area);
        return;
    };
    let [top, bottom] = Layout::vertical([Constraint::Length(11), Constraint::Min(3)]).areas(area);
    let [info, spark] =
        Layout::horizontal([Constraint::Min(50), Constraint::Length(24)]).areas(top);
    render_info(f, info, app, o);
    render_spark(f, spark, app);
    render_due_and_recent(f, bottom, app);
}

/// The labelled lines: platelets, response, phase, dose, trough, adherence, today's doses.
fn render_info(f: &mut Frame, area: Rect, app: &App, o: &Overview) {
    let (i, th) = (&app.i18n, &app.theme);
    let values: [(&str, Spans); 7] = [
        ("today.platelets", platelets(app, o)),
        ("today.response", response(app, o)),
        ("today.phase", phase(app, o)),
        ("today.dose", dose(app, o)),
        ("today.trough", trough(app, o)),
        ("today.adherence", adherence(app, o)),
        ("today.doses", doses(app, o, area.width >= 70)),
    ];
    let w = values
        .iter()
        .map(|(k, _)| unicode_width::UnicodeWidthStr::width(i.t(k)))
        .max()
        .unwrap_or(10)
        + 2;
    let mut lines: Vec<Line> = values
        .into_iter()
        .map(|(k, v)| row(i.t(k), w, v, app))
        .collect();
    if let Some(c) = o.course.as_ref().and_then(|c| c.checkpoint) {
        lines.push(Line::from(Span::styled(
            i.tf(
                "overview.checkpoint",
                &[("week", &c.week.to_string()), ("date", &c.date.to_string())],
            ),
            th.focus(),
        )));
    }
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(i.t("tab.today"), th.title())),
        ),
        area,
    );
}

/// The latest count with its band (word and colour) and age.
fn platelets<'a>(app: &App, o: &Overview) -> Spans<'a> {
    let (i, th) = (&app.i18n, &app.theme);
    let (Some((at, v)), Some(band)) = (o.latest_platelets, o.platelet_band) else {
        return dash();
    };
    let days = (o.now.date_naive() - at.date_naive())
        .num_days()
        .to_string();
    vec![
        Span::styled(format!("{} ×10⁹/L", fmt_num(v, 1)), th.band(band)),
        Span::raw("  "),
        Span::styled(format!("[{}]", i.t(&band.label_key())), th.band(band)),
        Span::styled(
            format!("  {}", i.tf("today.days_ago", &[("days", &days)])),
            th.dim(),
        ),
    ]
}

fn response<'a>(app: &App, o: &Overview) -> Spans<'a> {
    let (i, th) = (&app.i18n, &app.theme);
    let Some(a) = &o.response else {
        return dash();
    };
    let mut v = vec![Span::raw(
        i.t(&format!("response.{}", a.status.code())).to_string(),
    )];
    if let Some(b) = a.baseline {
        v.push(Span::styled(
            format!("  {}", i.tf("today.baseline", &[("value", &fmt_num(b, 0))])),
            th.dim(),
        ));
    }
    v
}

fn phase<'a>(app: &App, o: &Overview) -> Spans<'a> {
    let i = &app.i18n;
    match &o.course {
        Some(c) => vec![Span::raw(i.tf(
            "today.phase_value",
            &[
                ("phase", i.t(&format!("phase.{}", c.phase.code()))),
                ("week", &c.week.to_string()),
                ("day", &c.day.to_string()),
            ],
        ))],
        None => vec![Span::raw(i.t("phase.no_regimen").to_string())],
    }
}

/// mg/day planned, mg/kg/day (coloured above the settings' limits) and the weight used.
fn dose<'a>(app: &App, o: &Overview) -> Spans<'a> {
    let th = &app.theme;
    let Some(d) = &o.dosing else {
        return dash();
    };
    let mgkg = d.taken_mg_per_kg.or(d.planned_mg_per_kg);
    let style = match mgkg {
        Some(v) if v > app.settings.thresholds.mg_per_kg_strong => th.urgent(),
        Some(v) if v > app.settings.thresholds.mg_per_kg_warn => th.warn(),
        _ => ratatui::style::Style::new(),
    };
    let or_dash = |x: Option<f64>, digits| x.map(|x| fmt_num(x, digits)).unwrap_or("—".into());
    vec![
        Span::raw(format!("{} mg/d", or_dash(d.planned_daily, 0))),
        Span::raw("  "),
        Span::styled(format!("{} mg/kg/d", or_dash(mgkg, 2)), style),
        Span::styled(
            d.weight_kg
                .map(|k| format!("  ({} kg)", fmt_num(k, 1)))
                .unwrap_or_default(),
            th.dim(),
        ),
    ]
}

/// The last drug level with its band and the hours since the dose before it.
fn trough<'a>(app: &App, o: &Overview) -> Spans<'a> {
    let (i, th) = (&app.i18n, &app.theme);
    let Some(t) = &o.trough else {
        return dash();
    };
    let hours = t
        .hours_since_dose
        .map(|h| i.tf("today.hours", &[("hours", &fmt_num(h, 1))]))
        .unwrap_or_else(|| i.t("overview.hours_unknown").to_string());
    vec![
        Span::styled(format!("{} ng/mL", fmt_num(t.value, 0)), th.trough(t.band)),
        Span::raw("  "),
        Span::styled(format!("[{}]", i.t(&t.band.label_key())), th.trough(t.band)),
        Span::styled(format!("  {hours}"), th.dim()),
    ]
}

fn adherence<'a>(app: &App, o: &Overview) -> Spans<'a> {
    let pct = |x: Option<f64>| {
        x.map(|v| format!("{}%", fmt_num(v, 0)))
            .unwrap_or_else(|| "—".into())
    };
    vec![Span::raw(app.i18n.tf(
        "today.adherence_value",
        &[("d7", &pct(o.adherence_7d)), ("d30", &pct(o.adherence_30d))],
    ))]
}

/// Today's planned doses with their state (the amount too when the box is wide).
fn doses<'a>(app: &App, o: &Overview, wide: bool) -> Spans<'a> {
    let (i, th) = (&app.i18n, &app.theme);
    let today: Spans = o
        .slots
        .iter()
        .filter(|s| s.at.date_naive() == o.now.date_naive())
        .flat_map(|s| {
            let style = match s.state {
                SlotState::Taken => th.ok(),
                SlotState::Late => th.warn(),
                SlotState::Missed => th.urgent(),
                SlotState::Due => th.focus(),
                _ => th.label(),
            };
            [
                Span::raw(if wide {
                    format!("{} {} mg ", s.at.format("%H:%M"), fmt_num(s.amount, 0))
                } else {
                    format!("{} ", s.at.format("%H:%M"))
                }),
                Span::styled(
                    format!("[{}]", i.t(&format!("status.{}", s.state.code()))),
                    style,
                ),
                Span::raw("  "),
            ]
        })
        .collect();
    if today.is_empty() { dash() } else { today }
}

/// One bar per column, each the latest count at or before its time (a step line).
fn render_spark(f: &mut Frame, area: Rect, app: &App) {
    let cols = usize::from(area.width.saturating_sub(2)).max(1);
    let data: Vec<u64> = (0..cols)
        .map(|c| {
            let x = (c as f64 + 1.0) * SPARK_DAYS as f64 / cols as f64;
            app.spark
                .iter()
                .rev()
                .find(|(d, _)| *d <= x)
                .map(|(_, v)| v.round().max(0.0) as u64)
                .unwrap_or(0)
        })
        .collect();
    f.render_widget(
        Sparkline::default()
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(app.i18n.t("today.spark")),
            )
            .data(&data)
            .style(app.theme.focus()),
        area,
    );
}

/// The reminders; on a tall terminal the latest entries fill the space they leave.
fn render_due_and_recent(f: &mut Frame, area: Rect, app: &App) {
    let (i, th) = (&app.i18n, &app.theme);
    let items: Vec<Line> = if app.reminders.is_empty() {
        vec![Line::from(Span::styled(i.t("today.nothing_due"), th.ok()))]
    } else {
        app.reminders
            .iter()
            .map(|r| {
                Line::from(vec![
                    Span::styled(
                        format!("{} ", severity_mark(r.severity, i)),
                        th.severity(r.severity),
                    ),
                    Span::raw(reminder_message(r, i)),
                ])
            })
            .collect()
    };
    let needed = items.len() as u16 + 4;
    let (due_area, recent_area) = if area.height >= needed + 6 && !app.recent.is_empty() {
        let [a, b] = Layout::vertical([Constraint::Length(needed), Constraint::Min(4)]).areas(area);
        (a, Some(b))
    } else {
        (area, None)
    };
    f.render_widget(
        Paragraph::new(items).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(i.t("today.due"), th.title())),
        ),
        due_area,
    );
    if let Some(area) = recent_area {
        render_recent(f, area, app);
    }
}

fn render_recent(f: &mut Frame, area: Rect, app: &App) {
    let (i, th) = (&app.i18n, &app.theme);
    let lines: Vec<Line> = app
        .recent
        .iter()
        .take(usize::from(area.height.saturating_sub(2)))
        .map(|e| {
            Line::from(vec![
                Span::styled(format!("{}  ", e.at.format("%m-%d %H:%M")), th.dim()),
                Span::raw(crate::present::describe::summary_short(e, i)),
            ])
        })
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(i.t("today.recent"), th.title())),
        ),
        area,
    );
}
