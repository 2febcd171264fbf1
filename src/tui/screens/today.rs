//! Today: the latest platelet count and its band, the response, the phase, today's doses,
//! the dose per kg, the last trough, a platelet sparkline and the reminders.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::domain::dosing::SlotState;
use crate::domain::units::fmt_num;
use crate::present::describe::{pad, reminder_message, severity_mark};
use crate::tui::app::App;

fn row<'a>(label: &str, width: usize, value: Vec<Span<'a>>, app: &App) -> Line<'a> {
    let mut spans = vec![Span::styled(pad(label, width), app.theme.label())];
    spans.extend(value);
    Line::from(spans)
}

pub fn render(f: &mut Frame, area: Rect, app: &App) {
    let i = &app.i18n;
    let th = &app.theme;
    let Some(o) = &app.overview else {
        f.render_widget(Paragraph::new(i.t("tui.loading")), area);
        return;
    };
    let [top, bottom] = Layout::vertical([Constraint::Length(11), Constraint::Min(3)]).areas(area);
    let [info, spark] =
        Layout::horizontal([Constraint::Min(50), Constraint::Length(24)]).areas(top);
    let wide = info.width >= 70;
    let labels = [
        "today.platelets",
        "today.response",
        "today.phase",
        "today.dose",
        "today.trough",
        "today.adherence",
        "today.doses",
    ];
    let w = labels
        .iter()
        .map(|k| unicode_width::UnicodeWidthStr::width(i.t(k)))
        .max()
        .unwrap_or(10)
        + 2;
    let dash = || Span::raw("—");
    let mut lines = Vec::new();
    // Platelets with band (word + colour) and age.
    lines.push(row(
        i.t("today.platelets"),
        w,
        match (o.latest_platelets, o.platelet_band) {
            (Some((at, v)), Some(band)) => vec![
                Span::styled(format!("{} ×10⁹/L", fmt_num(v, 1)), th.band(band)),
                Span::raw("  "),
                Span::styled(format!("[{}]", i.t(&format!("band.{band}"))), th.band(band)),
                Span::styled(
                    format!(
                        "  {}",
                        crate::present::ago::days_ago(at.date_naive(), o.now.date_naive(), i)
                    ),
                    th.dim(),
                ),
            ],
            _ => vec![dash()],
        },
        app,
    ));
    lines.push(row(
        i.t("today.response"),
        w,
        match &o.response {
            Some(a) => {
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
            None => vec![dash()],
        },
        app,
    ));
    lines.push(row(
        i.t("today.phase"),
        w,
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
        },
        app,
    ));
    lines.push(row(
        i.t("today.dose"),
        w,
        match &o.dosing {
            Some(d) => {
                let mgkg = d.taken_mg_per_kg.or(d.planned_mg_per_kg);
                let style = match mgkg {
                    Some(v) if v > app.settings.thresholds.mg_per_kg_strong => th.urgent(),
                    Some(v) if v > app.settings.thresholds.mg_per_kg_warn => th.warn(),
                    _ => ratatui::style::Style::new(),
                };
                vec![
                    Span::raw(format!(
                        "{} mg/d",
                        d.planned_daily
                            .map(|x| fmt_num(x, 0))
                            .unwrap_or_else(|| "—".into())
                    )),
                    Span::raw("  "),
                    Span::styled(
                        format!(
                            "{} mg/kg/d",
                            mgkg.map(|x| fmt_num(x, 2)).unwrap_or_else(|| "—".into())
                        ),
                        style,
                    ),
                    Span::styled(
                        d.weight_kg
                            .map(|k| format!("  ({} kg)", fmt_num(k, 1)))
                            .unwrap_or_default(),
                        th.dim(),
                    ),
                ]
            }
            None => vec![dash()],
        },
        app,
    ));
    lines.push(row(
        i.t("today.trough"),
        w,
        match &o.trough {
            Some(t) => {
                // Judged only when it is a true trough; otherwise "timing unknown" or
                // "not a trough", uncoloured.
                let style = if t.valid == Some(true) {
                    th.trough(t.band)
                } else {
                    th.dim()
                };
                vec![
                    Span::styled(format!("{} ng/mL", fmt_num(t.value, 0)), style),
                    Span::raw("  "),
                    Span::styled(
                        format!(
                            "[{}]",
                            crate::present::level::level_word(t.valid, t.band, i)
                        ),
                        style,
                    ),
                    Span::styled(
                        format!(
                            "  {}",
                            t.hours_since_dose
                                .map(|h| i.tf("today.hours", &[("hours", &fmt_num(h, 1))]))
                                .unwrap_or_else(|| i.t("overview.hours_unknown").to_string())
                        ),
                        th.dim(),
                    ),
                ]
            }
            None => vec![dash()],
        },
        app,
    ));
    let pct = |x: Option<f64>| {
        x.map(|v| format!("{}%", fmt_num(v, 0)))
            .unwrap_or_else(|| "—".into())
    };
    lines.push(row(
        i.t("today.adherence"),
        w,
        vec![Span::raw(i.tf(
            "today.adherence_value",
            &[("d7", &pct(o.adherence_7d)), ("d30", &pct(o.adherence_30d))],
        ))],
        app,
    ));
    let today: Vec<Span> = o
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
    lines.push(row(
        i.t("today.doses"),
        w,
        if today.is_empty() {
            vec![dash()]
        } else {
            today
        },
        app,
    ));
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
        info,
    );
    crate::tui::widgets::spark::render(
        f,
        spark,
        &app.spark,
        o.latest_platelets,
        &app.settings.thresholds,
        th,
        i,
        i.t("today.spark"),
    );
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
    // On a tall terminal the latest entries fill the space the reminders leave.
    let needed = items.len() as u16 + 4;
    let (due_area, recent_area) = if bottom.height >= needed + 6 && !app.recent.is_empty() {
        let [a, b] =
            Layout::vertical([Constraint::Length(needed), Constraint::Min(4)]).areas(bottom);
        (a, Some(b))
    } else {
        (bottom, None)
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
}
