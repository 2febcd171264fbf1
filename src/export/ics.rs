//! An iCalendar file (RFC 5545): the dose schedule as recurring events (one per dose time and
//! plan step, ending when the next step starts or the regimen stops) and the upcoming
//! monitoring dates as all-day events, so that reminders reach a phone's calendar.
//! Dose times are floating local times ("08:00 wherever you are"), as a dose schedule is.

use std::io::{self, Write};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};

use crate::domain::regimen::Regimen;
use crate::domain::reminders::Reminder;
use crate::domain::units::fmt_num;

/// Escape TEXT values (RFC 5545 3.3.11).
fn text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if len + n > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += n;
    }
    out.push_str("\r\n");
    out
}

/// Write the calendar. `labels(code)` translates drug and rule codes; `messages` are the
/// reminders' texts in the chosen language.
pub fn write(
    w: &mut impl Write,
    regimens: &[Regimen],
    reminders: &[(Reminder, String)],
    now: DateTime<FixedOffset>,
    labels: &dyn Fn(&str) -> String,
    title: &str,
) -> io::Result<()> {
    let stamp = now.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    let mut line = |s: String| out.push_str(&fold(&s));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//itp-diary//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line(format!("X-WR-CALNAME:{}", text(title)));
    let today = now.date_naive();
    for r in regimens {
        for (k, step) in r.steps.iter().enumerate() {
            // The step lasts until the next one starts, or until the regimen stops.
            let next: Option<NaiveDate> = r.steps.get(k + 1).map(|s| s.effective_from);
            let end = match (next, r.stop) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if end.is_some_and(|e| e <= step.effective_from) {
                continue;
            }
            for (n, slot) in step.slots.iter().enumerate() {
                let start = step.effective_from.and_time(slot.time);
                line("BEGIN:VEVENT".into());
                line(format!("UID:dose-{}-{}-{n}@itp-diary", r.uid, step.id));
                line(format!("DTSTAMP:{stamp}"));
                line(format!("DTSTART:{}", start.format("%Y%m%dT%H%M%S")));
                line("DURATION:PT15M".into());
                let mut rule = format!("RRULE:FREQ=DAILY;INTERVAL={}", step.every_days.max(1));
                if let Some(e) = end {
                    // UNTIL is inclusive: the last dose day is the day before the end.
                    let last = (e - Duration::days(1)).and_time(slot.time);
                    rule.push_str(&format!(";UNTIL={}", last.format("%Y%m%dT%H%M%S")));
                }
                line(rule);
                line(format!(
                    "SUMMARY:{}",
                    text(&format!(
                        "{} {} {}",
                        labels(r.drug.code()),
                        fmt_num(slot.amount, 2),
                        step.unit
                    ))
                ));
                if let Some(f) = &step.formulation {
                    line(format!("DESCRIPTION:{}", text(f)));
                }
                line("CATEGORIES:MEDICATION".into());
                line("BEGIN:VALARM".into());
                line("ACTION:DISPLAY".into());
                line("TRIGGER:PT0M".into());
                line(format!("DESCRIPTION:{}", text(&labels(r.drug.code()))));
                line("END:VALARM".into());
                line("END:VEVENT".into());
            }
        }
    }
    for (r, message) in reminders {
        let Some(due) = r.due else { continue };
        let day = due.date_naive().max(today);
        line("BEGIN:VEVENT".into());
        line(format!(
            "UID:{}-{}@itp-diary",
            r.rule.code(),
            day.format("%Y%m%d")
        ));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("DTSTART;VALUE=DATE:{}", day.format("%Y%m%d")));
        line(format!(
            "DTEND;VALUE=DATE:{}",
            (day + Duration::days(1)).format("%Y%m%d")
        ));
        line(format!("SUMMARY:{}", text(message)));
        line(format!("DESCRIPTION:{}", text(message)));
        line("CATEGORIES:MONITORING".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    w.write_all(out.as_bytes())
}
