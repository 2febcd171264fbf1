//! `remind --notify`: announce new or escalated reminders as desktop notifications, once each.
//!
//! The sending is behind [`Notifier`] so that the logic (once per item, escalation, quiet
//! hours, no service) is tested with a fake; [`Desktop`] is the real one (notify-rust: D-Bus on
//! Linux and the BSDs, Notification Center on macOS, toasts on Windows).

use crate::domain::announce::{self, Announced, QuietHours};
use crate::domain::clock::Clock;
use crate::domain::reminders::{Reminder, Severity};
use crate::present::describe;
use crate::present::i18n::I18n;
use crate::store::{Store, StoreError};

/// One notification, already in the patient's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub summary: String,
    pub body: String,
    pub urgent: bool,
}

/// Why a notification could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// No notification service (no session bus, no notification daemon, no desktop).
    #[error("no notification service: {0}")]
    NoService(String),
}

/// Something that shows notifications.
pub trait Notifier {
    fn send(&mut self, n: &Notice) -> Result<(), NotifyError>;
}

/// The desktop's notification service.
pub struct Desktop;

impl Notifier for Desktop {
    fn send(&mut self, n: &Notice) -> Result<(), NotifyError> {
        let mut note = notify_rust::Notification::new();
        note.appname("itp-diary").summary(&n.summary).body(&n.body);
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            let urgency = if n.urgent {
                notify_rust::Urgency::Critical
            } else {
                notify_rust::Urgency::Normal
            };
            note.urgency(urgency);
        }
        note.show()
            .map(|_| ())
            .map_err(|e| NotifyError::NoService(e.to_string()))
    }
}

/// What one run did.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    /// Items sent now.
    pub sent: Vec<Reminder>,
    /// Items held by quiet hours (announced later if still open).
    pub held: Vec<Reminder>,
    /// Set when there was no notification service: nothing was remembered, so every item is
    /// announced once a service is there; the caller prints the open items instead.
    pub no_service: Option<String>,
}

/// The notification for a reminder.
pub fn notice(r: &Reminder, i18n: &I18n) -> Notice {
    Notice {
        summary: i18n
            .t(&format!("notify.summary.{}", r.severity.code()))
            .to_string(),
        body: describe::reminder_message(r, i18n),
        urgent: r.severity == Severity::Urgent,
    }
}

/// Send what is new or escalated among `open` (the reminders now), remember it in the diary,
/// and forget items that are no longer open.
pub fn announce(
    store: &mut Store,
    open: &[Reminder],
    clock: &Clock,
    quiet: QuietHours,
    notifier: &mut dyn Notifier,
    i18n: &I18n,
) -> Result<Outcome, StoreError> {
    let now = clock.now();
    let before = store.announced()?;
    let plan = announce::plan(open, &before, now.time(), quiet);
    let mut out = Outcome {
        held: plan.held.iter().map(|r| (*r).clone()).collect(),
        ..Outcome::default()
    };
    let mut sent = Vec::new();
    for r in &plan.send {
        match notifier.send(&notice(r, i18n)) {
            Ok(()) => {
                sent.push(Announced {
                    key: announce::key(r),
                    severity: r.severity,
                });
                out.sent.push((*r).clone());
            }
            Err(NotifyError::NoService(why)) => {
                out.no_service = Some(why);
                break;
            }
        }
    }
    // Whatever was shown is remembered, even if the service went away half-way.
    store.record_announcements(&sent, &plan.open, now)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::present::i18n::Lang;
    use chrono::DateTime;

    #[derive(Default)]
    struct Fake {
        shown: Vec<Notice>,
        down: bool,
    }

    impl Notifier for Fake {
        fn send(&mut self, n: &Notice) -> Result<(), NotifyError> {
            if self.down {
                return Err(NotifyError::NoService("no bus".into()));
            }
            self.shown.push(n.clone());
            Ok(())
        }
    }

    fn at(s: &str) -> Clock {
        Clock::Fixed(DateTime::parse_from_rfc3339(s).unwrap())
    }

    fn item(rule: &'static str, severity: Severity) -> Reminder {
        Reminder {
            rule: crate::domain::rules::RuleId::from_code(rule).expect("a rule id"),
            severity,
            due: Some(DateTime::parse_from_rfc3339("2026-03-10T08:00:00+08:00").unwrap()),
            args: Vec::new(),
            setting: None,
        }
    }

    fn run(store: &mut Store, open: &[Reminder], when: &str, fake: &mut Fake) -> Outcome {
        let i18n = I18n::new(Lang::En);
        announce(store, open, &at(when), QuietHours::default(), fake, &i18n).unwrap()
    }

    #[test]
    fn each_item_is_announced_once() {
        let mut s = Store::open_in_memory().unwrap();
        let mut fake = Fake::default();
        let open = [item("bp_high", Severity::Warning)];
        assert_eq!(
            run(&mut s, &open, "2026-03-10T12:00:00+08:00", &mut fake)
                .sent
                .len(),
            1
        );
        assert!(
            run(&mut s, &open, "2026-03-10T12:15:00+08:00", &mut fake)
                .sent
                .is_empty()
        );
        assert_eq!(fake.shown.len(), 1);
        assert!(!fake.shown[0].urgent);
    }

    #[test]
    fn escalation_is_announced_again_as_urgent() {
        let mut s = Store::open_in_memory().unwrap();
        let mut fake = Fake::default();
        run(
            &mut s,
            &[item("trough_contact_team", Severity::Info)],
            "2026-03-10T12:00:00+08:00",
            &mut fake,
        );
        let out = run(
            &mut s,
            &[item("trough_contact_team", Severity::Urgent)],
            "2026-03-10T12:15:00+08:00",
            &mut fake,
        );
        assert_eq!(out.sent.len(), 1);
        assert_eq!(fake.shown.len(), 2);
        assert!(fake.shown[1].urgent);
        // Back down to a warning: not news.
        run(
            &mut s,
            &[item("trough_contact_team", Severity::Warning)],
            "2026-03-10T12:30:00+08:00",
            &mut fake,
        );
        assert_eq!(fake.shown.len(), 2);
    }

    #[test]
    fn closed_items_are_forgotten_and_come_back_as_news() {
        let mut s = Store::open_in_memory().unwrap();
        let mut fake = Fake::default();
        let open = [item("bp_high", Severity::Warning)];
        run(&mut s, &open, "2026-03-10T12:00:00+08:00", &mut fake);
        run(&mut s, &[], "2026-03-10T12:15:00+08:00", &mut fake);
        assert!(s.announced().unwrap().is_empty());
        run(&mut s, &open, "2026-03-10T12:30:00+08:00", &mut fake);
        assert_eq!(fake.shown.len(), 2);
    }

    #[test]
    fn quiet_hours_hold_until_morning_but_not_urgent() {
        let mut s = Store::open_in_memory().unwrap();
        let mut fake = Fake::default();
        let open = [
            item("cbc_due", Severity::Info),
            item("bp_urgent", Severity::Urgent),
        ];
        let night = run(&mut s, &open, "2026-03-10T23:00:00+08:00", &mut fake);
        assert_eq!(night.sent.len(), 1);
        assert_eq!(night.held.len(), 1);
        assert_eq!(fake.shown.len(), 1);
        let morning = run(&mut s, &open, "2026-03-11T07:05:00+08:00", &mut fake);
        assert_eq!(
            morning
                .sent
                .iter()
                .map(|r| r.rule.code())
                .collect::<Vec<_>>(),
            ["cbc_due"]
        );
        assert!(morning.held.is_empty());
    }

    #[test]
    fn no_service_remembers_nothing() {
        let mut s = Store::open_in_memory().unwrap();
        let mut fake = Fake {
            down: true,
            ..Fake::default()
        };
        let open = [item("bp_high", Severity::Warning)];
        let out = run(&mut s, &open, "2026-03-10T12:00:00+08:00", &mut fake);
        assert!(out.no_service.is_some() && out.sent.is_empty());
        assert!(s.announced().unwrap().is_empty());
        fake.down = false;
        assert_eq!(
            run(&mut s, &open, "2026-03-10T12:15:00+08:00", &mut fake)
                .sent
                .len(),
            1
        );
    }
}
