//! Today: the latest platelet count and its band, the response, the phase, today's doses,
//! the dose per kg, the last trough, a platelet sparkline and the reminders.

use crate::domain::overview::fmt_hours;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use chrono::{DateTime, Duration, FixedOffset};

use crate::domain::dosing::SlotState;
use crate::domain::entry::{DoseStatus, Entry};
use crate::domain::facts::Facts;
use crate::domain::units::fmt_num;
use crate::present::describe::{pad, reminder_message, severity_mark};
use crate::present::status::StatusView;
use crate::store::{EntryFilter, Store};
use crate::tui::action::Action;
use crate::tui::app::App;

/// Days the sparkline spans (the platelet counts loaded by `App::refresh`).
pub const SPARK_DAYS: i64 = 84;
/// Latest entries loaded for Today on tall terminals.
const RECENT_ENTRIES: usize = 30;

/// Today's own view model (beside the app's `View`), built in `App::refresh`.
#[derive(Clone, Debug, Default)]
pub struct TodayView {
    /// Platelet counts of the last 12 weeks as (days into the 12 weeks, count), oldest first;
    /// the count before the window (if any) at day 0, so the line starts filled.
    pub spark: Vec<(f64, f64)>,
    /// The latest entries, for tall terminals.
    pub recent: Vec<Entry>,
}

/// The sparkline's points as of `now` (see [`TodayView::spark`]).
pub fn spark(facts: &Facts, now: DateTime<FixedOffset>) -> Vec<(f64, f64)> {
    let since = now - Duration::days(SPARK_DAYS);
    let days = |at: DateTime<FixedOffset>| (at - since).num_minutes() as f64 / 1440.0;
    let before = facts
        .platelets()
        .rfind(|(at, _)| *at < since)
        .map(|(_, v)| (0.0, v));
    before
        .into_iter()
        .chain(
            facts
                .platelets()
                .filter(|(at, _)| *at >= since)
                .map(|(at, v)| (days(at), v)),
        )
        .collect()
}

/// The latest entries, newest first.
pub fn recent(store: &Store) -> crate::store::Result<Vec<Entry>> {
    store.entries(&EntryFilter {
        limit: Some(RECENT_ENTRIES),
        ..Default::default()
    })
}

/// Today's keys: the one-key dose, the profile, the questions for the next visit.
impl App {
    pub(crate) fn today_action(&mut self, a: Action) {
        match a {
            Action::TakeDose => self.dose_now(DoseStatus::Taken),
            Action::SkipDose => self.dose_now(DoseStatus::Skipped),
            Action::EditProfile => self.edit_profile(),
            Action::Questions => self.open_questions(),
            Action::ChangePlan => self.change_or_start_plan(),
            _ => {}
        }
    }
}

type Spans<'a> = Vec<Span<'a>>;

fn row<'a>(label: &str, width: usize, value: Vec<Span<'a>>, app: &App) -> Line<'a> {
    let mut spans = vec![Span::styled(pad(label, width), app.ctx.theme.label())];
    spans.extend(value);
    Line::from(spans)
}

fn dash<'a>() -> Spans<'a> {
    vec![Span::raw("—")]
}

pub fn render(f: &mut Frame, area: Rect, app: &App, t: &TodayView) {
    let Some(v) = &app.view.status else {
        f.render_widget(Paragraph::new(app.ctx.i18n.t("tui.loading")), area);
        return;
    };
    let [top, bottom] = Layout::vertical([Constraint::Length(11), Constraint::Min(3)]).areas(area);
    let [info, spark] =
        Layout::horizontal([Constraint::Min(50), Constraint::Length(24)]).areas(top);
    render_info(f, info, app, v);
    render_spark(f, spark, app, t);
    render_due_and_recent(f, bottom, app, t);
}

/// The labelled lines: platelets, response, phase, dose, trough, adherence, today's doses.
fn render_info(f: &mut Frame, area: Rect, app: &App, v: &StatusView) {
    let (i, th) = (&app.ctx.i18n, &app.ctx.theme);
    let values: [(&str, Spans); 7] = [
        ("today.platelets", platelets(app, v)),
        ("today.response", response(app, v)),
        ("today.phase", phase(app, v)),
        ("today.dose", dose(app, v, area.width >= 70)),
        ("today.trough", trough(app, v)),
        ("today.adherence", adherence(app, v)),
        ("today.doses", doses(app, v, area.width >= 70)),
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
    if let Some((week, date)) = v.course.as_ref().and_then(|c| c.checkpoint) {
        lines.push(Line::from(Span::styled(
            i.tf(
                "overview.checkpoint",
                &[("week", &week.to_string()), ("date", &date.to_string())],
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
fn platelets<'a>(app: &App, v: &StatusView) -> Spans<'a> {
    let th = &app.ctx.theme;
    let Some(p) = &v.platelets else {
        return dash();
    };
    vec![
        Span::styled(format!("{} ×10⁹/L", p.shown), th.band(p.band)),
        Span::raw("  "),
        Span::styled(format!("[{}]", p.band_label), th.band(p.band)),
        Span::styled(format!("  {}", p.ago), th.dim()),
    ]
}

fn response<'a>(app: &App, v: &StatusView) -> Spans<'a> {
    let (i, th) = (&app.ctx.i18n, &app.ctx.theme);
    let Some(r) = &v.response else {
        return dash();
    };
    let mut out = vec![Span::raw(r.label.clone())];
    if let Some(b) = r.baseline {
        out.push(Span::styled(
            format!("  {}", i.tf("today.baseline", &[("value", &fmt_num(b, 0))])),
            th.dim(),
        ));
    }
    out
}

fn phase<'a>(app: &App, v: &StatusView) -> Spans<'a> {
    let i = &app.ctx.i18n;
    match &v.course {
        Some(c) => vec![Span::raw(i.tf(
            "today.phase_value",
            &[
                ("phase", &c.phase_label),
                ("week", &c.week.to_string()),
                ("day", &c.day.to_string()),
            ],
        ))],
        None => vec![Span::raw(i.t("phase.no_regimen").to_string())],
    }
}

/// mg/day planned, mg/kg/day (coloured above the settings' limits) and the weight used.
/// The dose row; the weight it was computed with when the box is wide enough.
fn dose<'a>(app: &App, v: &StatusView, wide: bool) -> Spans<'a> {
    let th = &app.ctx.theme;
    let Some(d) = &v.dose else {
        return dash();
    };
    let style = match d.mg_per_kg {
        Some(x) if x > app.ctx.settings.thresholds.mg_per_kg_strong => th.urgent(),
        Some(x) if x > app.ctx.settings.thresholds.mg_per_kg_warn => th.warn(),
        _ => ratatui::style::Style::new(),
    };
    // Planned and taken, each in mg/d and mg/(kg·d); "—" where unknown (nothing logged is
    // not zero).
    let or_dash = |x: Option<f64>, digits| x.map(|x| fmt_num(x, digits)).unwrap_or("—".into());
    let key = match d.taken_daily {
        Some(_) => "dose_row.value",
        None => "dose_row.value_no_taken",
    };
    let text = app.ctx.i18n.tf(
        key,
        &[
            ("planned", &or_dash(d.planned_daily, 0)),
            ("planned_kg", &or_dash(d.planned_mg_per_kg, 2)),
            ("taken", &or_dash(d.taken_daily, 0)),
            ("taken_kg", &or_dash(d.taken_mg_per_kg, 2)),
        ],
    );
    vec![
        Span::styled(text, style),
        Span::styled(
            d.weight_kg
                .filter(|_| wide)
                .map(|k| format!("  ({} kg)", fmt_num(k, 1)))
                .unwrap_or_default(),
            th.dim(),
        ),
    ]
}

/// The last drug level with its band and the hours since the dose before it.
fn trough<'a>(app: &App, v: &StatusView) -> Spans<'a> {
    let (i, th) = (&app.ctx.i18n, &app.ctx.theme);
    let Some(t) = &v.trough else {
        return dash();
    };
    let hours = t
        .hours_since_dose
        .map(|h| i.tf("today.hours", &[("hours", &fmt_hours(h, t.window))]))
        // A time taken from the dose log, not from the result, says so (as `status` does).
        .map(|h| match t.timing_from_log {
            true => format!("{h} ({})", i.t("rules_text.timing_from_log")),
            false => h,
        })
        .unwrap_or_else(|| i.t("overview.hours_unknown").to_string());
    vec![
        Span::styled(format!("{} ng/mL", t.shown), th.trough(t.band)),
        Span::raw("  "),
        Span::styled(format!("[{}]", t.band_label), th.trough(t.band)),
        Span::styled(format!("  {hours}"), th.dim()),
    ]
}

fn adherence<'a>(app: &App, v: &StatusView) -> Spans<'a> {
    vec![Span::raw(app.ctx.i18n.tf(
        "today.adherence_value",
        &[("d7", &v.adherence_7d), ("d30", &v.adherence_30d)],
    ))]
}

/// Today's planned doses with their state (the amount too when the box is wide).
fn doses<'a>(app: &App, v: &StatusView, wide: bool) -> Spans<'a> {
    let th = &app.ctx.theme;
    if v.today.is_empty() {
        return dash();
    }
    v.today
        .iter()
        .flat_map(|s| {
            let style = match s.state {
                SlotState::Taken => th.ok(),
                SlotState::Late => th.warn(),
                SlotState::Missed => th.urgent(),
                SlotState::Due => th.focus(),
                _ => th.label(),
            };
            [
                Span::raw(match (&s.differs, wide) {
                    (Some(d), _) => format!("{} {d} ", s.time),
                    (None, true) => format!("{} {} mg ", s.time, fmt_num(s.amount, 0)),
                    (None, false) => format!("{} ", s.time),
                }),
                Span::styled(format!("[{}]", s.state_label), style),
                Span::raw("  "),
            ]
        })
        .collect()
}

/// One bar per column, each the latest count at or before its time (a step line).
fn render_spark(f: &mut Frame, area: Rect, app: &App, t: &TodayView) {
    crate::tui::widgets::spark::render(
        f,
        area,
        &t.spark,
        app.view.overview.as_ref().and_then(|o| o.latest_platelets),
        &app.ctx.settings.thresholds,
        &app.ctx.theme,
        &app.ctx.i18n,
        app.ctx.i18n.t("today.spark"),
    );
}

/// The reminders; on a tall terminal the latest entries fill the space they leave.
fn render_due_and_recent(f: &mut Frame, area: Rect, app: &App, t: &TodayView) {
    let (i, th) = (&app.ctx.i18n, &app.ctx.theme);
    let items: Vec<Line> = if app.view.reminders.is_empty() {
        vec![Line::from(Span::styled(i.t("today.nothing_due"), th.ok()))]
    } else {
        app.view
            .reminders
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
    let (due_area, recent_area) = if area.height >= needed + 6 && !t.recent.is_empty() {
        let [a, b] = Layout::vertical([Constraint::Length(needed), Constraint::Min(4)]).areas(area);
        (a, Some(b))
    } else {
        (area, None)
    };
    let items = fit_items(items, due_area, i, th);
    f.render_widget(
        Paragraph::new(items).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(i.t("today.due"), th.title())),
        ),
        due_area,
    );
    if let Some(area) = recent_area {
        render_recent(f, area, app, &t.recent);
    }
}

/// The items that fit the box whole, and when some do not, a last line saying how many more
/// the Reminders tab lists (session 7: at 80×24 five of ten items, alerts among them, were
/// left out without a word).
fn fit_items<'a>(
    items: Vec<Line<'a>>,
    area: Rect,
    i: &crate::present::i18n::I18n,
    th: &crate::tui::theme::Theme,
) -> Vec<Line<'a>> {
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let rows = usize::from(area.height.saturating_sub(2));
    let height = |l: &Line| {
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        crate::tui::widgets::wrap::wrap(&text, width).len().max(1)
    };
    let total: usize = items.iter().map(height).sum();
    if total <= rows {
        return items;
    }
    let mut used = 1; // the "more" line
    let mut kept = Vec::new();
    for l in &items {
        let h = height(l);
        if used + h > rows {
            break;
        }
        used += h;
        kept.push(l.clone());
    }
    let more = items.len() - kept.len();
    kept.push(Line::from(Span::styled(
        i.tf("today.more", &[("n", &more.to_string())]),
        th.warn(),
    )));
    kept
}

fn render_recent(f: &mut Frame, area: Rect, app: &App, recent: &[Entry]) {
    let (i, th) = (&app.ctx.i18n, &app.ctx.theme);
    let lines: Vec<Line> = recent
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
