//! Exports for the clinic: which period, which format, loaded from the store and written by
//! the pure writers in `export`.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Utc};

use crate::app::config::Settings;
use crate::app::facts;
use crate::domain::clock::Clock;
use crate::domain::entry::Entry;
use crate::export::{doc, fhir, flat, html, ics, json, md, pdf, report};
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
    /// Reports: add the appendix tables.
    pub full: bool,
}

impl Period {
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
    let today = midnight(clock, clock.today());
    let visit = store
        .entries(&EntryFilter {
            kind: Some(crate::domain::entry::Kind::Event),
            subject: Some("clinic_visit".into()),
            to: Some(today.with_timezone(&Utc)),
            limit: Some(1),
            ..Default::default()
        })?
        .into_iter()
        .map(|e| e.at)
        .max();
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
        facts::last_visit(store)?.ok_or_else(|| ExchangeError::Invalid("--since-last-visit: no clinic visit is logged (log one with: itp-diary log event clinic-visit)".into()))?
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

fn entries_between(
    store: &Store,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    deleted: bool,
) -> Result<Vec<Entry>> {
    Ok(store.entries(&EntryFilter {
        from: Some(from.with_timezone(&Utc)),
        to: Some(to.with_timezone(&Utc)),
        include_deleted: deleted,
        order: Order::OldestFirst,
        ..Default::default()
    })?)
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
    let labels = |code: &str| {
        if let Some(d) = crate::domain::drugs::Drug::parse(code) {
            i.t(&d.label_key()).to_string()
        } else {
            i.field(code)
        }
    };
    progress(0, 3);
    let n = match format {
        Format::Csv => {
            // Streamed: rows go out as they are read.
            let csv_err = |e: csv::Error| ExchangeError::Io(std::io::Error::other(e));
            let mut out = flat::CsvOut::new(&mut w).map_err(csv_err)?;
            let mut failed = None;
            let n = store.each_entry(
                &EntryFilter {
                    from: Some(from.with_timezone(&Utc)),
                    to: Some(to.with_timezone(&Utc)),
                    order: Order::OldestFirst,
                    ..Default::default()
                },
                |e| {
                    if failed.is_none()
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
            let es = entries_between(store, from, to, true)?;
            progress(1, 3);
            let b = json::Backup {
                format: json::FORMAT.into(),
                version: json::VERSION,
                exported_at: clock.now(),
                profile: store.profile()?,
                settings: std::fs::read_to_string(config_path).ok(),
                regimens: store.regimens()?,
                entries: es.iter().map(json::EntryDoc::from_entry).collect(),
                visit_questions: store
                    .questions(true)?
                    .into_iter()
                    .map(|q| json::QuestionDoc {
                        uid: q.uid,
                        text: q.text,
                        created_at: q.created_at,
                        answered_at: q.answered_at,
                    })
                    .collect(),
            };
            json::write(&mut w, &b)?;
            es.len()
        }
        Format::Fhir => {
            let es = entries_between(store, from, to, false)?;
            let patient = store.patient_uid()?;
            progress(1, 3);
            fhir::write(
                &mut w,
                &patient,
                &store.profile()?,
                &store.regimens()?,
                &es,
                clock.now(),
                &labels,
            )?;
            es.len()
        }
        Format::Ics => {
            let (facts, o, rs) = facts::assess(store, clock, t)?;
            let _ = (facts, o);
            progress(1, 3);
            let due: Vec<_> = rs
                .into_iter()
                .filter(|r| {
                    r.rule.ends_with("_due")
                        || r.rule.ends_with("_overdue")
                        || r.rule == "checkpoint"
                })
                .map(|r| {
                    let m = crate::present::describe::reminder_message(&r, i);
                    (r, m)
                })
                .collect();
            ics::write(
                &mut w,
                &store.regimens()?,
                &due,
                clock.now(),
                &labels,
                i.t("app.name"),
            )?;
            due.len()
        }
        Format::Pdf | Format::Html | Format::Md => {
            let facts = facts::load_window(store, from, to, clock, t)?;
            progress(1, 3);
            // Where the patient stands at the end of the period, from the recent history
            // (not only the period's entries), and the alerts of that moment.
            let at_end = Clock::Fixed(to.min(clock.now()));
            let (_, o, rs) = facts::assess(store, &at_end, t)?;
            let alerts: Vec<_> = rs
                .into_iter()
                .filter(|r| {
                    r.severity != crate::domain::reminders::Severity::Info
                        || !r.rule.ends_with("_due")
                })
                .collect();
            let questions = store
                .questions(false)?
                .into_iter()
                .map(|q| q.text)
                .collect();
            let r = report::build(&facts, o, alerts, questions, from, to, clock, t);
            progress(2, 3);
            match format {
                Format::Md => md::write(&mut w, &r, i)?,
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
            r.entries
        }
    };
    progress(3, 3);
    Ok(n)
}
