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
    let kind_of = |after: FixedOffset| {
        if after.local_minus_utc() > standard.local_minus_utc() {
            "DAYLIGHT"
        } else {
            "STANDARD"
        }
    };
    let mut component =
        |start: DateTime<Utc>, before: FixedOffset, after: FixedOffset, rrule: Option<String>| {
            let kind = kind_of(after);
            let local = start.with_timezone(&before).naive_local();
            line(format!("BEGIN:{kind}"));
            line(format!("DTSTART:{}", local.format("%Y%m%dT%H%M%S")));
            if let Some(r) = rrule {
                line(r);
            }
            line(format!("TZOFFSETFROM:{}", offset_text(before)));
            line(format!("TZOFFSETTO:{}", offset_text(after)));
            line(format!("END:{kind}"));
        };
    let mut changes: Vec<(DateTime<Utc>, FixedOffset, FixedOffset)> = Vec::new();
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
            changes.push((hi, prev, next));
            prev = next;
        }
        d += Duration::days(1);
    }
    component(at(from), first, first, None);
    // The last change of each kind repeats every year when the one a year before it fell on
    // the same weekday rule: it carries that RRULE, so dose series without an end keep the
    // right offset after the scanned years (outside review, session 6: Outlook showed 08:00
    // doses an hour off from 2029).
    for (k, (start, before, after)) in changes.iter().enumerate() {
        let later_same_kind = changes[k + 1..]
            .iter()
            .any(|c| kind_of(c.2) == kind_of(*after));
        let rrule = (!later_same_kind)
            .then(|| yearly_rule(&changes, k, kind_of))
            .flatten();
        component(*start, *before, *after, rrule);
    }
    line("END:VTIMEZONE".into());
}

/// The RRULE of change `k` (`FREQ=YEARLY;BYMONTH=…;BYDAY=…`) when the change of the same
/// kind a year before it follows the same rule: the same month, weekday, week of the month
/// (or last week) and local time.
fn yearly_rule(
    changes: &[(DateTime<Utc>, FixedOffset, FixedOffset)],
    k: usize,
    kind_of: impl Fn(FixedOffset) -> &'static str,
) -> Option<String> {
    use chrono::{Datelike, Timelike};
    let rule = |c: &(DateTime<Utc>, FixedOffset, FixedOffset)| {
        let local = c.0.with_timezone(&c.1).naive_local();
        let day = local.day();
        let days_in_month = local.date().num_days_in_month();
        let week: i32 = if day + 7 > u32::from(days_in_month) {
            -1
        } else {
            ((day - 1) / 7 + 1) as i32
        };
        (
            local.month(),
            week,
            local.weekday(),
            local.time().num_seconds_from_midnight(),
        )
    };
    let this = &changes[k];
    let year = this.0.year();
    let before = changes[..k]
        .iter()
        .rev()
        .find(|c| kind_of(c.2) == kind_of(this.2) && c.0.year() == year - 1)?;
    if rule(before) != rule(this) || before.1 != this.1 || before.2 != this.2 {
        return None;
    }
    let (month, week, weekday, _) = rule(this);
    let wd = match weekday {
        chrono::Weekday::Mon => "MO",
        chrono::Weekday::Tue => "TU",
        chrono::Weekday::Wed => "WE",
        chrono::Weekday::Thu => "TH",
        chrono::Weekday::Fri => "FR",
        chrono::Weekday::Sat => "SA",
        chrono::Weekday::Sun => "SU",
    };
    Some(format!(
        "RRULE:FREQ=YEARLY;BYMONTH={month};BYDAY={week}{wd}"
    ))
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    /// New York's rule since 2007: 02:00 on the second Sunday of March to 02:00 on the first
    /// Sunday of November.
    fn new_york(u: DateTime<Utc>) -> FixedOffset {
        let sunday = |y: i32, m: u32, nth: u32| {
            let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap();
            let shift = (7 + 6 - first.weekday().num_days_from_monday()) % 7;
            first + Duration::days(i64::from(shift + 7 * (nth - 1)))
        };
        let y = u.year();
        let start = Utc.from_utc_datetime(&sunday(y, 3, 2).and_hms_opt(7, 0, 0).unwrap());
        let end = Utc.from_utc_datetime(&sunday(y, 11, 1).and_hms_opt(6, 0, 0).unwrap());
        let h = if u >= start && u < end { -4 } else { -5 };
        FixedOffset::east_opt(h * 3600).unwrap()
    }

    #[test]
    fn the_last_changes_repeat_yearly_so_open_ended_doses_keep_their_offset() {
        let zone = Zone {
            tzid: "America/New_York".into(),
            offset_at: &new_york,
        };
        let mut lines = Vec::new();
        let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let to = NaiveDate::from_ymd_opt(2028, 12, 31).unwrap();
        vtimezone(&zone, from, to, &mut |l| lines.push(l));
        let rules: Vec<&String> = lines.iter().filter(|l| l.starts_with("RRULE")).collect();
        assert_eq!(
            rules,
            [
                "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
                "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"
            ],
            "{lines:#?}"
        );
        // The repeating ones are the last of their kind, starting 2028 at 02:00 local.
        let text = lines.join("\n");
        assert!(text.contains("DTSTART:20280312T020000\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"));
        assert!(text.contains("DTSTART:20281105T020000\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"));
    }

    #[test]
    fn a_zone_without_changes_has_no_rule() {
        let fixed = |_: DateTime<Utc>| FixedOffset::east_opt(8 * 3600).unwrap();
        let zone = Zone {
            tzid: "Asia/Shanghai".into(),
            offset_at: &fixed,
        };
        let mut lines = Vec::new();
        let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        vtimezone(&zone, from, from + Duration::days(800), &mut |l| {
            lines.push(l)
        });
        assert!(lines.iter().all(|l| !l.starts_with("RRULE")), "{lines:?}");
    }
}
