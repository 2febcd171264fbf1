//! Parsing of the times a patient types: `WHEN` on the command line and in forms.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};

use super::clock::Clock;

/// Why a time was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WhenError {
    #[error(
        "'{0}' is not a time (accepted: RFC 3339, YYYY-MM-DD HH:MM, YYYY-MM-DD, HH:MM, today HH:MM, yesterday HH:MM, now)"
    )]
    Unparsable(String),
    /// A day was asked for (a plan's start, a report's period): a time is not one.
    #[error("'{0}' is not a date (accepted: YYYY-MM-DD, today, yesterday)")]
    NotADate(String),
    #[error("'{0}' does not exist in the local time zone (daylight-saving change)")]
    Nonexistent(String),
    #[error("'{input}' is more than a day in the future (now is {now})")]
    Future { input: String, now: String },
    /// Before the birth year in the profile (issue 12 item 19).
    #[error("'{input}' is before the birth year {year} (accepted: {year}-01-01 to {now})")]
    BeforeBirth {
        input: String,
        year: i32,
        now: String,
    },
}

/// A time before the patient was born (the profile's birth year, when known) is refused.
pub fn not_before_birth(
    at: DateTime<FixedOffset>,
    birth_year: Option<i32>,
    clock: &Clock,
) -> Result<(), WhenError> {
    use chrono::Datelike;
    match birth_year {
        Some(year) if at.year() < year => Err(WhenError::BeforeBirth {
            input: at.format("%Y-%m-%d %H:%M").to_string(),
            year,
            now: clock.now().format("%Y-%m-%d").to_string(),
        }),
        _ => Ok(()),
    }
}

/// Parse a time the way patients write it. Accepted: RFC 3339 (`2026-03-01T08:00:00+08:00`),
/// `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DDTHH:MM`, `YYYY-MM-DD` (midnight), `HH:MM` (today),
/// `today HH:MM`, `yesterday HH:MM`, `now`, `today`, `yesterday`. Chinese `今天` and `昨天`
/// work like `today` and `yesterday`. Times more than a day ahead of the clock are refused.
pub fn parse_when(input: &str, clock: &Clock) -> Result<DateTime<FixedOffset>, WhenError> {
    let t = parse_any(input, clock)?;
    let now = clock.now();
    if t > now + Duration::days(1) {
        return Err(WhenError::Future {
            input: input.trim().to_string(),
            now: now.format("%Y-%m-%d %H:%M").to_string(),
        });
    }
    Ok(t)
}

/// Parse a time without the "not in the future" rule (for planned times, e.g. `remind --at`).
pub fn parse_any(input: &str, clock: &Clock) -> Result<DateTime<FixedOffset>, WhenError> {
    let s = input.trim();
    let bad = || WhenError::Unparsable(s.to_string());
    if s.is_empty() {
        return Err(bad());
    }
    if let Some(t) = with_offset(s) {
        return Ok(t);
    }
    let lower = s.to_lowercase();
    if lower == "now" || s == "现在" {
        return Ok(clock.now());
    }
    let today = clock.today();
    let (day, rest) = if let Some(r) = strip_word(&lower, &["today", "今天"]) {
        (Some(today), r)
    } else if let Some(r) = strip_word(&lower, &["yesterday", "昨天"]) {
        (today.pred_opt(), r)
    } else {
        (None, lower.as_str())
    };
    let naive = if let Some(day) = day {
        let time = if rest.is_empty() {
            NaiveTime::MIN
        } else {
            parse_time(rest).ok_or_else(bad)?
        };
        day.and_time(time)
    } else if let Some(time) = parse_time(rest) {
        today.and_time(time)
    } else if let Ok(d) = NaiveDate::parse_from_str(rest, "%Y-%m-%d") {
        d.and_time(NaiveTime::MIN)
    } else {
        parse_date_time(rest).ok_or_else(bad)?
    };
    clock
        .localize(naive)
        .ok_or_else(|| WhenError::Nonexistent(s.to_string()))
}

/// Parse a calendar date (`YYYY-MM-DD`, `today`, `yesterday`).
pub fn parse_date(input: &str, clock: &Clock) -> Result<NaiveDate, WhenError> {
    let s = input.trim();
    match s.to_lowercase().as_str() {
        "today" | "今天" => return Ok(clock.today()),
        "yesterday" | "昨天" => {
            return clock
                .today()
                .pred_opt()
                .ok_or(WhenError::NotADate(s.to_string()));
        }
        _ => {}
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d);
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.date_naive())
        .map_err(|_| WhenError::NotADate(s.to_string()))
}

fn strip_word<'a>(s: &'a str, words: &[&str]) -> Option<&'a str> {
    words
        .iter()
        .find_map(|w| s.strip_prefix(w))
        .filter(|rest| rest.is_empty() || rest.starts_with(' '))
        .map(str::trim)
}

/// A time that names its UTC offset: RFC 3339, or ISO 8601 without the seconds or with a
/// space for the `T` ("2026-03-01T08:00+09:00", "2026-03-01 08:00Z").
fn with_offset(s: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    let s = match s.strip_suffix(['Z', 'z']) {
        Some(rest) => format!("{rest}+00:00"),
        None => s.to_string(),
    };
    [
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M%:z",
        "%Y-%m-%d %H:%M:%S%:z",
    ]
    .iter()
    .find_map(|f| DateTime::parse_from_str(&s, f).ok())
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .ok()
}

fn parse_date_time(s: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dt%H:%M",
        "%Y-%m-%dt%H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> Clock {
        Clock::Fixed(DateTime::parse_from_rfc3339("2026-03-10T14:30:00+08:00").unwrap())
    }

    #[test]
    fn accepted_forms() {
        let c = clock();
        let cases = [
            ("2026-03-01T08:00:00+08:00", "2026-03-01T08:00:00+08:00"),
            ("2026-03-01T08:00:00Z", "2026-03-01T08:00:00+00:00"),
            ("2026-03-01 08:00", "2026-03-01T08:00:00+08:00"),
            ("2026-03-01 08:00:30", "2026-03-01T08:00:30+08:00"),
            ("2026-03-01T08:00", "2026-03-01T08:00:00+08:00"),
            ("2026-03-01", "2026-03-01T00:00:00+08:00"),
            ("08:15", "2026-03-10T08:15:00+08:00"),
            ("today 08:00", "2026-03-10T08:00:00+08:00"),
            ("Today 08:00", "2026-03-10T08:00:00+08:00"),
            ("yesterday 20:00", "2026-03-09T20:00:00+08:00"),
            ("昨天 20:00", "2026-03-09T20:00:00+08:00"),
            ("today", "2026-03-10T00:00:00+08:00"),
            ("now", "2026-03-10T14:30:00+08:00"),
            ("  2026-03-11 14:00 ", "2026-03-11T14:00:00+08:00"),
            // ISO 8601 with an offset but without seconds, or with a space (session 7).
            ("2026-03-01T08:00+09:00", "2026-03-01T08:00:00+09:00"),
            ("2026-03-01 08:00+09:00", "2026-03-01T08:00:00+09:00"),
            ("2026-03-01 08:00:30-05:00", "2026-03-01T08:00:30-05:00"),
            ("2026-03-01T08:00Z", "2026-03-01T08:00:00+00:00"),
        ];
        for (input, expected) in cases {
            let got = parse_when(input, &c).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(got.to_rfc3339(), expected, "{input}");
        }
    }

    #[test]
    fn refused_forms() {
        let c = clock();
        for input in [
            "",
            "tomorrow",
            "25:00",
            "2026-02-30",
            "2026-13-01 08:00",
            "03/01/2026",
            "yesterday 8pm",
            "todayx",
            "08:00 today",
        ] {
            assert!(
                matches!(parse_when(input, &c), Err(WhenError::Unparsable(_))),
                "{input} accepted"
            );
        }
    }

    #[test]
    fn future_limit_is_one_day() {
        let c = clock();
        assert!(parse_when("2026-03-11 14:30", &c).is_ok());
        assert!(matches!(
            parse_when("2026-03-11 14:31", &c),
            Err(WhenError::Future { .. })
        ));
        assert!(parse_any("2026-04-01", &c).is_ok());
    }

    #[test]
    fn dates() {
        let c = clock();
        assert_eq!(
            parse_date("yesterday", &c).unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()
        );
        assert_eq!(
            parse_date("2026-01-05", &c).unwrap(),
            NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
        );
        assert!(parse_date("5 Jan", &c).is_err());
    }
}
