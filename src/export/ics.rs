//! An iCalendar file (RFC 5545): the dose schedule as recurring events (one per dose time and
//! plan step, ending when the next step starts or the regimen stops) and the upcoming
//! monitoring dates as all-day events, so that reminders reach a phone's calendar.
//! Dose times are in the patient's zone, given as a VTIMEZONE built from the zone's own
//! offsets (so a phone in another zone shows 20:00 as 20:00 where the patient lives). UIDs
//! are stable across re-exports: a calendar updates its events instead of doubling them.

use std::io::{self, Write};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::domain::regimen::Regimen;
use crate::domain::reminders::Reminder;
use crate::domain::units::fmt_num;

/// Escape TEXT values (RFC 5545 3.3.11); control and text-direction characters (from a diary
/// written before they were refused) are shown, not passed to the calendar.
fn text(s: &str) -> String {
    crate::present::sanitize::visible(s)
        .replace('\\', "\\\\")
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

/// The patient's time zone: a name and its UTC offset at any instant.
pub struct Zone<'a> {
    /// An IANA name (`Asia/Shanghai`) when known, else a made-up one (`UTC+08:00`).
    pub tzid: String,
    pub offset_at: &'a dyn Fn(DateTime<Utc>) -> FixedOffset,
}

impl Zone<'_> {
    fn utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        // The offset of the instant the wall-clock time names (two tries settle a change).
        let guess = Utc.from_utc_datetime(&local)
            - Duration::seconds(i64::from(
                (self.offset_at)(Utc.from_utc_datetime(&local)).local_minus_utc(),
            ));
        let off = (self.offset_at)(guess).local_minus_utc();
        Utc.from_utc_datetime(&local) - Duration::seconds(i64::from(off))
    }
}

fn offset_text(o: FixedOffset) -> String {
    let s = o.local_minus_utc();
    let sign = if s < 0 { '-' } else { '+' };
    let s = s.abs();
    format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
}

/// The VTIMEZONE of `zone` between two days: a STANDARD component for the first offset and
/// one component per change found (days scanned at noon UTC, the instant found to the
/// second).
fn vtimezone(zone: &Zone, from: NaiveDate, to: NaiveDate, line: &mut dyn FnMut(String)) {
    let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(12, 0, 0).unwrap_or_default());
    let first = (zone.offset_at)(at(from));
    let standard = {
        let mut min = first;
        let mut d = from;
        while d <= to {
            let o = (zone.offset_at)(at(d));
            if o.local_minus_utc() < min.local_minus_utc() {
                min = o;
            }
            d += Duration::days(7);
        }
        min
    };
    line("BEGIN:VTIMEZONE".into());
    line(format!("TZID:{}", text(&zone.tzid)));
    let mut component = |start: DateTime<Utc>, before: FixedOffset, after: FixedOffset| {
        let kind = if after.local_minus_utc() > standard.local_minus_utc() {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        let local = start.with_timezone(&before).naive_local();
        line(format!("BEGIN:{kind}"));
        line(format!("DTSTART:{}", local.format("%Y%m%dT%H%M%S")));
        line(format!("TZOFFSETFROM:{}", offset_text(before)));
        line(format!("TZOFFSETTO:{}", offset_text(after)));
        line(format!("END:{kind}"));
    };
    component(at(from), first, first);
    let mut prev = first;
    let mut d = from;
    while d < to {
        let next = (zone.offset_at)(at(d + Duration::days(1)));
        if next != prev {
            // Bisect the day for the instant of the change.
            let (mut lo, mut hi) = (at(d), at(d + Duration::days(1)));
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if (zone.offset_at)(mid) == prev {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            component(hi, prev, next);
            prev = next;
        }
        d += Duration::days(1);
    }
    line("END:VTIMEZONE".into());
}

/// A monitoring rule's stable name: `kidney_due` and `kidney_overdue` are one event.
fn monitoring_key(rule: &str) -> &str {
    rule.strip_suffix("_overdue")
        .or_else(|| rule.strip_suffix("_due"))
        .unwrap_or(rule)
}

/// Write the calendar. `labels(code)` translates drug and rule codes; `reminders` are the
/// next due date of every monitoring item with its text in the chosen language; the
/// calendar's title and the patient id (in the monitoring UIDs) come as one pair.
pub fn write(
    w: &mut impl Write,
    regimens: &[Regimen],
    reminders: &[(Reminder, String)],
    now: DateTime<FixedOffset>,
    zone: &Zone,
    labels: &dyn Fn(&str) -> String,
    (title, patient): (&str, &str),
) -> io::Result<()> {
    let stamp = now.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ").to_string();
    // Revisions of the same UID: later exports win.
    let sequence = (now.timestamp() - 1_767_225_600).max(0) / 60;
    let mut out = String::new();
    let mut line = |s: String| out.push_str(&fold(&s));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//itp-diary//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line(format!("X-WR-CALNAME:{}", text(title)));
    line(format!("X-WR-TIMEZONE:{}", text(&zone.tzid)));
    let today = now.date_naive();
    let first = regimens
        .iter()
        .map(|r| r.start)
        .min()
        .unwrap_or(today)
        .min(today);
    vtimezone(
        zone,
        first - Duration::days(1),
        today + Duration::days(800),
        &mut line,
    );
    let tzid = text(&zone.tzid);
    for r in regimens {
        for (k, step) in r.steps.iter().enumerate() {
            // The step lasts until the next one starts, or until the regimen stops.
            let next: Option<NaiveDate> = r.steps.get(k + 1).map(|s| s.effective_from);
            let end = match (next, r.stop) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let from = step.effective_from.max(r.start);
            if end.is_some_and(|e| e <= from) {
                continue;
            }
            for (n, slot) in step.slots.iter().enumerate() {
                let start = from.and_time(slot.time);
                line("BEGIN:VEVENT".into());
                // The regimen and the step's place in it: the same in every export.
                line(format!("UID:dose-{}-{k}-{n}@itp-diary", r.uid));
                line(format!("DTSTAMP:{stamp}"));
                line(format!("SEQUENCE:{sequence}"));
                line(format!(
                    "DTSTART;TZID={tzid}:{}",
                    start.format("%Y%m%dT%H%M%S")
                ));
                line("DURATION:PT15M".into());
                let mut rule = format!("RRULE:FREQ=DAILY;INTERVAL={}", step.every_days.max(1));
                if let Some(e) = end {
                    // UNTIL is inclusive and in UTC (DTSTART has a TZID): the last dose day
                    // is the day before the end.
                    let last = zone.utc((e - Duration::days(1)).and_time(slot.time));
                    rule.push_str(&format!(";UNTIL={}", last.format("%Y%m%dT%H%M%SZ")));
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
    let mut seen = std::collections::HashSet::new();
    for (r, message) in reminders {
        let Some(due) = r.due else { continue };
        let key = monitoring_key(r.rule.code());
        if !seen.insert(key) {
            continue;
        }
        let day = due.date_naive().max(today);
        line("BEGIN:VEVENT".into());
        // The patient's id: two patients' calendars in one family calendar stay apart.
        line(format!("UID:monitoring-{key}-{patient}@itp-diary"));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("SEQUENCE:{sequence}"));
        line(format!("DTSTART;VALUE=DATE:{}", day.format("%Y%m%d")));
        line(format!(
            "DTEND;VALUE=DATE:{}",
            (day + Duration::days(1)).format("%Y%m%d")
        ));
        line(format!("SUMMARY:{}", text(message)));
        line(format!("DESCRIPTION:{}", text(message)));
        line("CATEGORIES:MONITORING".into());
        line("TRANSP:TRANSPARENT".into());
        // The day before at 09:00: time to plan the blood draw (before the morning dose).
        line("BEGIN:VALARM".into());
        line("ACTION:DISPLAY".into());
        line("TRIGGER:-PT15H".into());
        line(format!("DESCRIPTION:{}", text(message)));
        line("END:VALARM".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    w.write_all(out.as_bytes())
}
