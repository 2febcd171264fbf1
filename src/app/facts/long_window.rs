//! The facts and reduced series of a long trend window (see [`super::trend_data`]).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Utc};

use crate::domain::clock::Clock;
use crate::domain::drugs::Drug;
use crate::domain::entry::{Analyte, DoseStatus, Entry, EntryData, Kind};
use crate::domain::facts::Facts;
use crate::domain::regimen::Regimen;
use crate::domain::settings::Thresholds;
use crate::domain::trend::Reduced;
use crate::store::{Dense, EntryFilter, Order, Result, Store};

fn q(
    kind: Kind,
    subject: Option<&str>,
    from: Option<DateTime<Utc>>,
    to: DateTime<Utc>,
) -> EntryFilter {
    EntryFilter {
        kind: Some(kind),
        subject: subject.map(str::to_string),
        from,
        to: Some(to),
        order: Order::OldestFirst,
        ..Default::default()
    }
}

/// What `trend::build_reduced` reads from the facts: every count (plain values) from the
/// course's baseline window or the window's start, whichever is first, and the one before;
/// in the window the events, bleeds and the doses of other drugs; the course's first dose,
/// its pre-treatment creatinine and earlier bleeds; the weights of the window and the last one
/// before it, as plain values.
pub fn facts(
    store: &Store,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    clock: &Clock,
    t: &Thresholds,
) -> Result<Facts> {
    let mut facts = Facts {
        profile: store.profile()?,
        regimens: store.regimens()?,
        ..Default::default()
    };
    let (f, e) = (from.with_timezone(&Utc), to.with_timezone(&Utc));
    let mut entries: Vec<Entry> = Vec::new();
    facts.plain_weights = store.weights(f, e)?;
    for kind in [Kind::Event, Kind::Bleeding] {
        entries.extend(store.entries(&q(kind, None, Some(f), e))?);
    }
    let primary = facts.primary(to.date_naive()).cloned();
    let course_drug = primary.as_ref().map(|r| r.drug);
    for drug in Drug::ALL.iter().filter(|d| Some(**d) != course_drug) {
        entries.extend(store.entries(&q(Kind::Dose, Some(drug.code()), Some(f), e))?);
    }
    let mut first = f;
    if let Some(r) = &primary {
        let early = r.start - Duration::days(t.baseline_days as i64);
        if let Some(s) = clock.localize(early.and_time(NaiveTime::MIN)) {
            let s = s.with_timezone(&Utc);
            if s < f {
                entries.extend(store.entries(&q(Kind::Bleeding, None, Some(s), f))?);
                entries.extend(super::course_rescues(store, s, f)?);
            }
            first = first.min(s);
            // Creatinine outside the value series serves only the pre-treatment baseline.
            let end = clock
                .localize((r.start + Duration::days(2)).and_time(NaiveTime::MIN))
                .map_or(e, |x| x.with_timezone(&Utc).min(e));
            let cr = Analyte::Creatinine.code();
            entries.extend(store.entries(&q(Kind::Lab, Some(cr), Some(s), end))?);
        }
        entries.extend(first_dose(store, r.drug, r.start, e, clock)?);
    }
    let mut before = q(Kind::Platelets, None, None, first);
    before.order = Order::NewestFirst;
    before.limit = Some(1);
    for b in store.entries(&before)? {
        if let EntryData::Platelets(p) = &b.data {
            facts.earlier_counts.push((b.at, p.count));
        }
    }
    facts
        .earlier_counts
        .extend(store.platelet_counts(Some(first), e)?);
    entries.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
    entries.dedup_by_key(|e| e.id);
    facts.entries = entries;
    Ok(facts)
}

/// The first taken dose of `drug` on `start` or later and before `to` (the response's
/// baseline reads it), with the doses logged before it from the day before the start.
pub(super) fn first_dose(
    store: &Store,
    drug: Drug,
    start: NaiveDate,
    to: DateTime<Utc>,
    clock: &Clock,
) -> Result<Vec<Entry>> {
    let Some(s) = clock.localize((start - Duration::days(1)).and_time(NaiveTime::MIN)) else {
        return Ok(Vec::new());
    };
    let mut f = q(
        Kind::Dose,
        Some(drug.code()),
        Some(s.with_timezone(&Utc)),
        to,
    );
    f.limit = Some(64);
    let mut out = Vec::new();
    loop {
        let page = store.entries(&f)?;
        let Some(last) = page.last() else {
            return Ok(out);
        };
        f.after = Some((last.at.with_timezone(&Utc), last.id));
        for e in page {
            let taken = matches!(&e.data, EntryData::Dose(d)
                if d.status == DoseStatus::Taken && e.at.date_naive() >= start);
            out.push(e);
            if taken {
                return Ok(out);
            }
        }
    }
}

/// The reduced series and drug levels of `[from, to)` for a chart `columns` wide; `r` is the
/// plan the doses are matched to.
pub fn reduced(
    store: &Store,
    r: Option<&Regimen>,
    (from, to): (DateTime<FixedOffset>, DateTime<FixedOffset>),
    columns: usize,
    clock: &Clock,
    t: &Thresholds,
) -> Result<Reduced> {
    let (f, e) = (from.with_timezone(&Utc), to.with_timezone(&Utc));
    let ext = |s: Dense| store.column_extremes(s, f, e, columns);
    Ok(Reduced {
        doses: super::dose_months::summary(store, r, (from, to), clock, t)?,
        creatinine: ext(Dense::Lab(Analyte::Creatinine))?,
        alt: ext(Dense::Lab(Analyte::Alt))?,
        ast: ext(Dense::Lab(Analyte::Ast))?,
        potassium: ext(Dense::Lab(Analyte::Potassium))?,
        magnesium: ext(Dense::Lab(Analyte::Magnesium))?,
        systolic: ext(Dense::Systolic)?,
        diastolic: ext(Dense::Diastolic)?,
        alt_high: store.first_upper_limit(Analyte::Alt, f, e)?,
        levels: store.levels(Analyte::CsaTrough, f, e)?,
    })
}
