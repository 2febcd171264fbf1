//! Which open reminders to announce as desktop notifications, and which to hold.
//!
//! An item is a rule at a due time (`rule@due`). It is announced once while it stays open, and
//! again only when its severity rises. Quiet hours hold every item that is not urgent; a held
//! item is not remembered, so it is announced when quiet hours end if it is still open. An item
//! that is no longer open is forgotten, so the same rule coming back later is news again.

use chrono::NaiveTime;

use super::reminders::{Reminder, Severity};

/// A daily window (`from` to `to`, may wrap past midnight) in which only urgent items are sent.
/// `from == to` means no quiet hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietHours {
    pub from: NaiveTime,
    pub to: NaiveTime,
}

impl Default for QuietHours {
    /// 22:30–07:00.
    fn default() -> Self {
        QuietHours {
            from: NaiveTime::from_hms_opt(22, 30, 0).unwrap_or_default(),
            to: NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default(),
        }
    }
}

impl QuietHours {
    /// No quiet hours at all.
    pub const OFF: QuietHours = QuietHours {
        from: NaiveTime::MIN,
        to: NaiveTime::MIN,
    };

    /// `22:30-07:00` (also with `–`), or `off`.
    pub fn parse(s: &str) -> Option<QuietHours> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") || s.eq_ignore_ascii_case("none") {
            return Some(QuietHours::OFF);
        }
        let (a, b) = s.split_once('-').or_else(|| s.split_once('–'))?;
        let t = |x: &str| NaiveTime::parse_from_str(x.trim(), "%H:%M").ok();
        Some(QuietHours {
            from: t(a)?,
            to: t(b)?,
        })
    }

    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.from == self.to {
            false
        } else if self.from < self.to {
            self.from <= t && t < self.to
        } else {
            t >= self.from || t < self.to
        }
    }

    /// `22:30-07:00`, or `off`.
    pub fn label(&self) -> String {
        if self.from == self.to {
            "off".into()
        } else {
            format!("{}-{}", self.from.format("%H:%M"), self.to.format("%H:%M"))
        }
    }
}

/// What was announced for an item, as remembered in the diary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announced {
    pub key: String,
    pub severity: Severity,
}

/// The identity of an item: its rule and its due time.
pub fn key(r: &Reminder) -> String {
    match r.due {
        Some(d) => format!("{}@{}", r.rule.code(), d.to_rfc3339()),
        None => r.rule.code().to_string(),
    }
}

/// The decision for one run.
#[derive(Debug, Default)]
pub struct Plan<'a> {
    /// New or escalated items to send now, most urgent first.
    pub send: Vec<&'a Reminder>,
    /// New or escalated non-urgent items held by quiet hours.
    pub held: Vec<&'a Reminder>,
    /// Every open item's key (what is remembered beyond these is forgotten).
    pub open: Vec<String>,
}

/// Decide what to send at local time `now` given what was announced before.
pub fn plan<'a>(
    open: &'a [Reminder],
    before: &[Announced],
    now: NaiveTime,
    quiet: QuietHours,
) -> Plan<'a> {
    let mut p = Plan::default();
    for r in open {
        let k = key(r);
        let news = match before.iter().find(|a| a.key == k) {
            None => true,
            Some(a) => r.severity > a.severity,
        };
        if !news || p.open.contains(&k) {
            p.open.push(k);
            continue;
        }
        if r.severity < Severity::Urgent && quiet.contains(now) {
            p.held.push(r);
        } else {
            p.send.push(r);
        }
        p.open.push(k);
    }
    p.send.sort_by_key(|r| std::cmp::Reverse(r.severity));
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn r(rule: &'static str, sev: Severity, due: Option<&str>) -> Reminder {
        Reminder {
            rule: crate::domain::rules::RuleId::from_code(rule).expect("a rule id"),
            severity: sev,
            due: due.map(|d| DateTime::parse_from_rfc3339(d).unwrap()),
            args: Vec::new(),
            setting: None,
        }
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn quiet_hours_wrap_midnight() {
        let q = QuietHours::default();
        for (h, m, quiet) in [
            (22, 29, false),
            (22, 30, true),
            (23, 59, true),
            (0, 0, true),
            (6, 59, true),
            (7, 0, false),
            (12, 0, false),
        ] {
            assert_eq!(q.contains(t(h, m)), quiet, "{h}:{m}");
        }
        assert!(!QuietHours::OFF.contains(t(23, 0)));
        let day = QuietHours::parse("13:00-14:00").unwrap();
        assert!(day.contains(t(13, 30)) && !day.contains(t(14, 0)));
        assert_eq!(QuietHours::parse("off"), Some(QuietHours::OFF));
        assert_eq!(
            QuietHours::parse("22:30–07:00"),
            Some(QuietHours::default())
        );
        assert_eq!(QuietHours::parse("25:00-07:00"), None);
        assert_eq!(QuietHours::default().label(), "22:30-07:00");
    }

    #[test]
    fn escalation_is_news_the_same_severity_is_not() {
        let open = [r(
            "dose_due",
            Severity::Urgent,
            Some("2026-03-10T08:00:00+08:00"),
        )];
        let before = [Announced {
            key: key(&open[0]),
            severity: Severity::Warning,
        }];
        assert_eq!(
            plan(&open, &before, t(12, 0), QuietHours::OFF).send.len(),
            1
        );
        let before = [Announced {
            key: key(&open[0]),
            severity: Severity::Urgent,
        }];
        let p = plan(&open, &before, t(12, 0), QuietHours::OFF);
        assert!(p.send.is_empty() && p.held.is_empty());
        assert_eq!(p.open, vec![key(&open[0])]);
    }

    #[test]
    fn a_new_due_time_is_a_new_item() {
        let a = r(
            "dose_due",
            Severity::Warning,
            Some("2026-03-10T08:00:00+08:00"),
        );
        let b = r(
            "dose_due",
            Severity::Warning,
            Some("2026-03-10T20:00:00+08:00"),
        );
        assert_ne!(key(&a), key(&b));
    }

    #[test]
    fn quiet_hours_hold_all_but_urgent() {
        let open = [
            r("cbc_due", Severity::Info, None),
            r("bp_high", Severity::Warning, None),
            r("bp_urgent", Severity::Urgent, None),
        ];
        let p = plan(&open, &[], t(23, 0), QuietHours::default());
        assert_eq!(
            p.send.iter().map(|r| r.rule.code()).collect::<Vec<_>>(),
            ["bp_urgent"]
        );
        assert_eq!(p.held.len(), 2);
        let p = plan(&open, &[], t(9, 0), QuietHours::default());
        assert_eq!(
            p.send.iter().map(|r| r.rule.code()).collect::<Vec<_>>(),
            ["bp_urgent", "bp_high", "cbc_due"]
        );
    }
}
