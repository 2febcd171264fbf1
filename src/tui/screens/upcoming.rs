//! Reminders' "Upcoming" section: the next due date of every monitoring item of the schedule
//! (`domain::rules::SCHEDULE`), however far ahead — from the same engine run with a long
//! look-ahead, as the calendar export does — for the items not already due above.

use chrono::{Duration, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::facts;
use crate::domain::rules::{Reminder, RuleId, SCHEDULE};
use crate::domain::units::fmt_num;
use crate::present::i18n::I18n;
use crate::tui::app::App;

/// How far ahead the section looks (ten years: every item has a next date).
const AHEAD_DAYS: f64 = 3650.0;

/// One upcoming item, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct Upcoming {
    pub rule: RuleId,
    pub date: NaiveDate,
    pub every_days: f64,
    /// The week of treatment until which the shorter interval holds, when the date is in it.
    pub until_week: Option<u32>,
}

/// The schedule row a reminder comes from.
fn schedule_row(r: RuleId) -> Option<&'static crate::domain::rules::MonitoringItem> {
    SCHEDULE.iter().find(|i| i.due == r || i.overdue == r)
}

impl App {
    /// Load the upcoming monitoring dates (when Reminders is shown).
    pub(crate) fn load_upcoming(&mut self) {
        let t = &self.ctx.settings.thresholds;
        let rs = match facts::assess_within(&self.ctx.store, &self.ctx.clock, t, AHEAD_DAYS) {
            Ok((_, _, rs)) => rs,
            Err(e) => return self.error(e.to_string()),
        };
        let start = self
            .view
            .overview
            .as_ref()
            .and_then(|o| o.regimen.as_ref())
            .map(|r| r.start);
        let shown: Vec<RuleId> = self.view.reminders.iter().map(|r| r.rule).collect();
        let mut v: Vec<Upcoming> = rs
            .iter()
            .filter_map(|r| upcoming(r, start, t, &shown))
            .collect();
        v.sort_by_key(|u| u.date);
        self.reminders_state_mut().upcoming = v;
    }
}

/// `r` as an upcoming item: a monitoring item with a date, not already among the due items.
fn upcoming(
    r: &Reminder,
    start: Option<NaiveDate>,
    t: &crate::domain::settings::Thresholds,
    shown: &[RuleId],
) -> Option<Upcoming> {
    let row = schedule_row(r.rule)?;
    if shown.iter().any(|s| *s == row.due || *s == row.overdue) {
        return None;
    }
    let arg = |k: &str| {
        r.args
            .iter()
            .find(|(a, _)| *a == k)
            .map(|(_, v)| v.as_str())
    };
    let date = arg("date").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())?;
    let every_days = arg("every")
        .and_then(|e| e.parse::<f64>().ok())
        .unwrap_or_else(|| row.after.value(t));
    let weeks = t.intensive_weeks as u32;
    let until_week = match (row.intensive, start) {
        (Some(_), Some(s)) if date < s + Duration::weeks(i64::from(weeks)) => Some(weeks),
        _ => None,
    };
    Some(Upcoming {
        rule: row.due,
        date,
        every_days,
        until_week,
    })
}

/// "blood count — next 2026-12-10 (every 2 weeks until week 12)".
pub fn line(u: &Upcoming, i: &I18n) -> String {
    let d = u.every_days.round() as i64;
    let every = if d >= 7 && d % 7 == 0 {
        i.tf("flow.every_weeks", &[("n", &(d / 7).to_string())])
    } else {
        i.tf("flow.every_days", &[("n", &fmt_num(u.every_days, 0))])
    };
    let every = match u.until_week {
        Some(w) => i.tf(
            "flow.until_week",
            &[("every", &every), ("week", &w.to_string())],
        ),
        None => every,
    };
    i.tf(
        "flow.upcoming_line",
        &[
            ("item", i.t(&format!("upcoming.{}", u.rule.code()))),
            ("date", &u.date.format("%Y-%m-%d").to_string()),
            ("every", &every),
        ],
    )
}

/// Rows the section needs at `width` (0 when empty).
pub fn height(app: &App, upcoming: &[Upcoming], width: u16) -> u16 {
    if upcoming.is_empty() {
        return 0;
    }
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = upcoming
        .iter()
        .map(|u| {
            crate::tui::widgets::wrap::wrap(&line(u, &app.ctx.i18n), inner)
                .len()
                .max(1)
        })
        .sum();
    u16::try_from(rows + 2).unwrap_or(u16::MAX)
}

pub fn render(f: &mut Frame, area: Rect, app: &App, upcoming: &[Upcoming]) {
    let i = &app.ctx.i18n;
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let lines: Vec<Line> = upcoming
        .iter()
        .flat_map(|u| crate::tui::widgets::wrap::wrap(&line(u, i), inner))
        .map(Line::from)
        .collect();
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default().borders(Borders::ALL).title(Span::styled(
                i.t("flow.upcoming_title").to_string(),
                app.ctx.theme.title(),
            )),
        ),
        area,
    );
}
