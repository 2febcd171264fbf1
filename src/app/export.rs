//! Exports for the clinic: which period, which format, loaded from the store and written by
//! the pure writers in `export`.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Offset, Utc};

use crate::app::config::Settings;
use crate::app::facts;
use crate::domain::clock::Clock;
use crate::domain::entry::Entry;
use crate::export::{doc, fhir, flat, html, ics, md, pdf, report};
use crate::present::i18n::I18n;
use crate::store::{EntryFilter, Order, Store};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Html,
    Md,
    Csv,
    Json,
    Fhir,
    Ics,
}

impl Format {
    /// In the order the export dialog offers them: the clinic report first.
    pub const ALL: [Format; 7] = [
        Format::Pdf,
        Format::Html,
        Format::Md,
        Format::Csv,
        Format::Json,
        Format::Fhir,
        Format::Ics,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Md => "md",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Fhir => "fhir",
            Format::Ics => "ics",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Fhir => "fhir.json",
            other => other.code(),
        }
    }
}

/// Which part of the history.
#[derive(Clone, Debug, Default)]
pub struct Period {
    pub from: Option<NaiveDate>,
    /// Inclusive.
    pub to: Option<NaiveDate>,
    pub since_last_visit: bool,
    /// A full export: deleted entries too (CSV `deleted` = true, FHIR `entered-in-error`).
    pub include_deleted: bool,
    /// Reports: add the appendix tables.
    pub full: bool,
    /// The patient's name from `--patient` / the TUI's chosen diary: every export names it
    /// when the profile has no name of its own.
    pub patient: Option<String>,
}

impl Period {
    /// The name an export shows: the profile's own, else the diary's patient name.
    fn name_of(&self, profile: &crate::domain::regimen::Profile) -> Option<String> {
        profile.name.clone().or_else(|| self.patient.clone())
    }

    fn is_default(&self) -> bool {
        self.from.is_none() && self.to.is_none() && !self.since_last_visit
    }
}

/// The report's default period: since the last clinic visit before today, else the last
/// 3 months.
fn report_period(
    store: &Store,
    clock: &Clock,
) -> Result<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
    let now = clock.now();
    let visit = last_visit_before_today(store, clock)?;
    let from = visit.unwrap_or_else(|| {
        midnight(
            clock,
            clock
                .today()
                .checked_sub_months(chrono::Months::new(3))
                .unwrap_or(clock.today()),
        )
    });
    Ok((from.min(now), now + Duration::seconds(1)))
}

pub use super::{ExchangeError, Result};

fn midnight(clock: &Clock, d: NaiveDate) -> DateTime<FixedOffset> {
    clock
        .localize(d.and_time(NaiveTime::MIN))
        .or_else(|| {
            clock.localize(d.and_time(NaiveTime::from_hms_opt(1, 0, 0).unwrap_or(NaiveTime::MIN)))
        })
        .unwrap_or_else(|| clock.now())
}

/// Resolve a period to `[from, to)`.
pub fn resolve(
    store: &Store,
    p: &Period,
    clock: &Clock,
) -> Result<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
    let now = clock.now();
    let to = match p.to {
        Some(d) => midnight(clock, d + Duration::days(1)),
        None => now + Duration::seconds(1),
    };
    let from = if p.since_last_visit {
        last_visit_before_today(store, clock)?.ok_or_else(|| ExchangeError::Invalid("--since-last-visit: no clinic visit is logged (log one with: itp-diary log event clinic-visit)".into()))?
    } else {
        match p.from {
            Some(d) => midnight(clock, d),
            None => facts::first_entry_time(store)?
                .unwrap_or(now - Duration::days(1))
                .min(to - Duration::days(1)),
        }
    };
    if from >= to {
        return Err(ExchangeError::Invalid(format!(
            "--from {} is not before --to {}",
            from.format("%Y-%m-%d"),
            to.format("%Y-%m-%d")
        )));
    }
    Ok((from, to))
}

/// The last clinic visit before today: a visit logged today is the one the report is for.
fn last_visit_before_today(store: &Store, clock: &Clock) -> Result<Option<DateTime<FixedOffset>>> {
    let today = midnight(clock, clock.today());
    Ok(store
        .entries(&EntryFilter {
            kind: Some(crate::domain::entry::Kind::Event),
            subject: Some("clinic_visit".into()),
            to: Some(today.with_timezone(&Utc)),
            order: Order::NewestFirst,
            limit: Some(1),
            ..Default::default()
        })?
        .pop()
        .map(|e| e.at))
}

/// `--from/--to` select by the local date a row shows (its own UTC offset): the store is read
/// a day wider on each side and each row is kept by its date.
fn keeps(p: &Period, e: &Entry) -> bool {
    let d = e.at.date_naive();
    p.from.is_none_or(|f| p.since_last_visit || d >= f) && p.to.is_none_or(|t| d <= t)
}

/// The store window for a period: a day wider where a local date bounds it.
fn widened(
    p: &Period,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let wide = |on: bool, t: DateTime<FixedOffset>, d: i64| {
        if on { t + Duration::days(d) } else { t }
    };
    (
        wide(p.from.is_some() && !p.since_last_visit, from, -1).with_timezone(&Utc),
        wide(p.to.is_some(), to, 1).with_timezone(&Utc),
    )
}

/// The local UTC offset at an instant: the system zone, or the fixed clock's offset.
fn zone_offset(clock: &Clock, u: DateTime<Utc>) -> FixedOffset {
    match clock {
        Clock::System => u.with_timezone(&chrono::Local).fixed_offset().timezone(),
        Clock::Fixed(t) => t.timezone(),
    }
}

/// The IANA name of the local zone (`TZ`, else /etc/localtime's target) when it agrees with
/// the clock; else `UTC+08:00`.
fn zone_name(clock: &Clock) -> String {
    let now = clock.now();
    let from_env = std::env::var("TZ")
        .ok()
        .map(|t| t.trim_start_matches(':').to_string());
    let from_link = || {
        std::fs::read_link("/etc/localtime").ok().and_then(|p| {
            let s = p.to_string_lossy().into_owned();
            s.split_once("zoneinfo/").map(|(_, n)| n.to_string())
        })
    };
    let name = from_env.filter(|n| n.contains('/')).or_else(from_link);
    let local = now
        .with_timezone(&chrono::Local)
        .offset()
        .fix()
        .local_minus_utc();
    match name {
        Some(n) if local == now.offset().local_minus_utc() => n,
        _ => {
            let s = now.offset().local_minus_utc();
            let sign = if s < 0 { '-' } else { '+' };
            format!(
                "UTC{sign}{:02}:{:02}",
                s.abs() / 3600,
                (s.abs() % 3600) / 60
            )
        }
    }
}

/// The FHIR bundle, streamed: each resource goes out as its entry is read.
#[allow(clippy::too_many_arguments)]
fn fhir_bundle(
    store: &mut Store,
    period: &Period,
    wide: (DateTime<Utc>, DateTime<Utc>),
    clock: &Clock,
    t: &crate::domain::settings::Thresholds,
    labels: &dyn Fn(&str) -> String,
    mut w: &mut dyn Write,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<usize> {
    let patient = store.patient_uid()?;
    let edited = store.edited_entry_ids()?;
    let stops: Vec<(String, DateTime<FixedOffset>)> = store
        .entries(&EntryFilter {
            kind: Some(crate::domain::entry::Kind::Event),
            subject: Some("medication_stop".into()),
            ..Default::default()
        })?
        .into_iter()
        .filter_map(|e| match e.data {
            crate::domain::entry::EntryData::Event(ev) => ev.medication.map(|m| (m, e.at)),
            _ => None,
        })
        .collect();
    let (mut profile, regimens) = (store.profile()?, store.regimens()?);
    profile.name = period.name_of(&profile);
    let logged_doses = store.logged_level_doses()?;
    progress(1, 3);
    let ctx = fhir::Context {
        patient_uid: &patient,
        profile: &profile,
        regimens: &regimens,
        now: clock.now(),
        labels: &labels,
        trough_hours: (t.trough_min_hours, t.trough_max_hours),
        logged_doses: &logged_doses,
        stops: &stops,
    };
    // Streamed: each resource goes out as its entry is read, through a buffer of its own
    // (serde writes many small pieces; the caller's writer is behind a `dyn`).
    let mut w = std::io::BufWriter::with_capacity(1 << 16, &mut w);
    let mut b = fhir::Bundle::start(&mut w, &ctx)?;
    let mut failed = None;
    let n = store.each_entry(
        &EntryFilter {
            from: Some(wide.0),
            to: Some(wide.1),
            include_deleted: period.include_deleted,
            order: Order::OldestFirst,
            ..Default::default()
        },
        |e| {
            if failed.is_none()
                && keeps(period, &e)
                && let Err(err) = b.entry(&e, edited.contains(&e.id))
            {
                failed = Some(err);
            }
            Ok(())
        },
    )?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    b.finish()?;
    w.flush()?;
    Ok(n)
}

/// The calendar: dose series and the next date of every monitoring item.
#[allow(clippy::too_many_arguments)]
fn calendar(
    store: &mut Store,
    period: &Period,
    clock: &Clock,
    t: &crate::domain::settings::Thresholds,
    i: &I18n,
    labels: &dyn Fn(&str) -> String,
    mut w: &mut dyn Write,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<usize> {
    // The next due date of every monitoring item, however far ahead.
    let (_, _, rs) = facts::assess_within(store, clock, t, 3650.0)?;
    progress(1, 3);
    let due: Vec<_> = rs
        .into_iter()
        .filter(|r| {
            use crate::domain::rules::RuleId;
            // Tasks of the rule table; doses have their own recurring events.
            r.class().is_task()
                && !matches!(
                    r.rule,
                    RuleId::DoseDue | RuleId::DoseSoon | RuleId::DoseNotLogged
                )
        })
        .map(|r| {
            let m = crate::present::describe::reminder_message(&r, i);
            (r, m)
        })
        .collect();
    let offset_at = |u: DateTime<Utc>| zone_offset(clock, u);
    let zone = ics::Zone {
        tzid: zone_name(clock),
        offset_at: &offset_at,
    };
    let title = match period.name_of(&store.profile()?) {
        Some(p) => i.tf(
            "patients.calendar_title",
            &[("app", i.t("app.name")), ("patient", &p)],
        ),
        None => i.t("app.name").to_string(),
    };
    let patient = store.patient_uid()?;
    ics::write(
        &mut w,
        &store.regimens()?,
        &due,
        clock.now(),
        &zone,
        &labels,
        (&title, &patient),
    )?;
    Ok(due.len())
}

/// Export `format` for `period` to `w`. Returns the number of entries written.
#[allow(clippy::too_many_arguments)]
pub fn export(
    store: &mut Store,
    format: Format,
    period: &Period,
    clock: &Clock,
    settings: &Settings,
    i: &I18n,
    config_path: &Path,
    mut w: &mut dyn Write,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<usize> {
    let t = &settings.thresholds;
    let is_report = matches!(format, Format::Pdf | Format::Html | Format::Md);
    let (from, to) = if is_report && period.is_default() {
        report_period(store, clock)?
    } else {
        resolve(store, period, clock)?
    };
    let wide = widened(period, from, to);
    // Asked once per resource of a long export: each code's label is worked out once.
    let known = std::cell::RefCell::new(std::collections::HashMap::<String, String>::new());
    let labels = |code: &str| {
        if let Some(l) = known.borrow().get(code) {
            return l.clone();
        }
        let l = if let Some(d) = crate::domain::drugs::Drug::parse(code) {
            i.t(&d.label_key()).to_string()
        } else {
            i.field(code)
        };
        known.borrow_mut().insert(code.to_string(), l.clone());
        l
    };
    progress(0, 3);
    let n = match format {
        Format::Csv => {
            // Streamed: rows go out as they are read.
            let csv_err = |e: csv::Error| match e.into_kind() {
                csv::ErrorKind::Io(io) => ExchangeError::Io(io),
                other => ExchangeError::Io(std::io::Error::other(format!("{other:?}"))),
            };
            let mut out = flat::CsvOut::new(&mut w).map_err(csv_err)?;
            let mut failed = None;
            let n = store.each_entry(
                &EntryFilter {
                    from: Some(wide.0),
                    // Without --to, every entry: those timed ahead (up to a day) too.
                    to: period.to.map(|_| wide.1),
                    include_deleted: period.include_deleted,
                    order: Order::OldestFirst,
                    ..Default::default()
                },
                |e| {
                    if failed.is_none()
                        && keeps(period, &e)
                        && let Err(err) = out.write(&e)
                    {
                        failed = Some(err);
                    }
                    Ok(())
                },
            )?;
            if let Some(e) = failed {
                return Err(csv_err(e));
            }
            progress(1, 3);
            out.finish().map_err(csv_err)?;
            n
        }
        Format::Json => {
            // A full backup (no period given) holds every row: entries timed ahead too,
            // deleted ones with their delete time, and every kept version. Written as read.
            let full = period.from.is_none() && period.to.is_none() && !period.since_last_visit;
            let keep = |e: &Entry| keeps(period, e);
            let rows = if full {
                super::json_backup::Rows::All
            } else {
                super::json_backup::Rows::Window {
                    from: wide.0,
                    to: wide.1,
                    keep: &keep,
                }
            };
            progress(1, 3);
            let patient_name = period.name_of(&store.profile()?);
            super::json_backup::write(&mut w, store, clock, config_path, rows, patient_name)?
        }
        Format::Fhir => fhir_bundle(store, period, wide, clock, t, &labels, w, progress)?,
        Format::Ics => calendar(store, period, clock, t, i, &labels, w, progress)?,
        Format::Pdf | Format::Html | Format::Md => report_to(
            store,
            format,
            period,
            (from, to),
            wide,
            clock,
            settings,
            i,
            w,
            progress,
        )?,
    };
    progress(3, 3);
    Ok(n)
}

/// The clinic report (PDF, HTML or Markdown) of `period`: where the patient stands at its end,
/// its alerts and questions. Returns the number of entries it covers.
#[allow(clippy::too_many_arguments)]
fn report_to(
    store: &mut Store,
    format: Format,
    period: &Period,
    (from, to): (DateTime<FixedOffset>, DateTime<FixedOffset>),
    wide: (DateTime<Utc>, DateTime<Utc>),
    clock: &Clock,
    settings: &Settings,
    i: &I18n,
    mut w: &mut dyn Write,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<usize> {
    let t = &settings.thresholds;
    let long = to - from > chrono::Duration::days(facts::LONG_WINDOW_DAYS);
    // A day wider each side: the report holds entries by the date each shows, and one logged
    // at another UTC offset may lie outside the period's instants (outside review, session 6).
    let day = chrono::Duration::days(1);
    let facts = if long {
        facts::load_report_window(store, from - day, to + day, clock, t)?
    } else {
        facts::load_window(store, from - day, to + day, clock, t)?
    };
    progress(1, 3);
    // Where the patient stands at the end of the period, from the recent history
    // (not only the period's entries), and the alerts of that moment.
    let at_end = Clock::Fixed(to.min(clock.now()));
    let (_, o, rs) = facts::assess(store, &at_end, t)?;
    let mut alerts: Vec<_> = rs
        .into_iter()
        .filter(|r| r.severity != crate::domain::reminders::Severity::Info || !r.class().is_task())
        .collect();
    // Most severe first, and of one severity the alerts about values before the tasks (a test
    // overdue), else in the engine's order: the report shows a few and counts the rest, and a
    // "contact your care team" must not be among the rest.
    alerts.sort_by_key(|r| (std::cmp::Reverse(r.severity), r.class().is_task()));
    let questions = store
        .questions(false)?
        .into_iter()
        .map(|q| q.text)
        .collect();
    let course = facts.primary(to.date_naive());
    let trend_doses = match (long, course) {
        (true, Some(c)) => Some((
            c,
            facts::dose_summary(store, Some(c), (from, to), clock, t)?,
        )),
        _ => None,
    };
    let summed = match &trend_doses {
        Some((c, trend)) => Some(report::SummedDoses {
            drug: c.drug,
            trend,
            slots: match &o.regimen {
                Some(r) if r.id != c.id => {
                    facts::dose_summary(store, Some(r), (from, to), clock, t)?.slots
                }
                _ => trend.slots,
            },
            entries: store.dose_count(c.drug, from.to_utc(), to.to_utc())?,
        }),
        None => None,
    };
    let mut r = report::build(&facts, summed, o, alerts, questions, from, to, clock, t);
    // The report holds what it shows: the entries it was made from are let go before it is
    // written (a long period's facts are most of the peak memory).
    drop(trend_doses);
    drop(facts);
    r.profile.name = period.name_of(&r.profile);
    progress(2, 3);
    match format {
        Format::Md => {
            md::write_head(&mut w, &r, i)?;
            // Every result of the period, with its lab, note and own offset: written as read.
            let mut results = md::Results::start(&mut w, i)?;
            let mut failed = None;
            store.each_entry(
                &EntryFilter {
                    from: Some(wide.0),
                    to: Some(wide.1),
                    order: Order::OldestFirst,
                    ..Default::default()
                },
                |e| {
                    if failed.is_none()
                        && keeps(period, &e)
                        && let Err(err) = results.row(&mut w, &r, i, &e)
                    {
                        failed = Some(err);
                    }
                    Ok(())
                },
            )?;
            if let Some(e) = failed {
                return Err(e.into());
            }
            results.finish(&mut w, i)?
        }
        Format::Html => html::write(&mut w, &doc::compose(&r, i, period.full))?,
        _ => {
            let page = |n: usize, of: usize| {
                i.tf(
                    "clinic.page",
                    &[("n", &n.to_string()), ("of", &of.to_string())],
                )
            };
            pdf::write(&mut w, &doc::compose(&r, i, period.full), &page)?;
        }
    }
    Ok(r.entries)
}
