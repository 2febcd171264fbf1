//! App services between the store and the faces: load the slice of the diary the rules need,
//! run them, and hand back plain domain results. No SQL here and no drawing.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveTime, Utc};

use crate::domain::clock::Clock;
use crate::domain::drugs::Drug;
use crate::domain::entry::{Analyte, Entry, EntryData, Kind};
use crate::domain::facts::Facts;
use crate::domain::overview::{Overview, overview};
use crate::domain::reminders::{Reminder, reminders_within};
use crate::domain::settings::Thresholds;
use crate::store::{EntryFilter, Order, Result, Store};

mod dose_months;
pub use dose_months::summary as dose_summary;
mod long_window;

/// How far back the everyday rules look (L5: a little more than a year).
pub const RECENT_DAYS: i64 = 400;

/// Load what the rules read. Everything recent (400 days); doses of the last month
/// (adherence); the latest weight whatever its age (mg/kg/day); and for a course that began
/// before the recent look-back, what its response history needs: its platelet counts as
/// plain values, its bleeds and rescue treatments, the last count before it (the baseline),
/// and the creatinine of its baseline window.
pub fn load_facts(store: &Store, clock: &Clock, t: &Thresholds) -> Result<Facts> {
    let now = clock.now();
    let regimens = store.regimens()?;
    let mut facts = Facts {
        profile: store.profile()?,
        regimens,
        ..Default::default()
    };
    let recent = (now - Duration::days(RECENT_DAYS)).with_timezone(&Utc);
    // Nothing after now is read (the rules cut at now as well).
    let until = Some((now + Duration::seconds(1)).with_timezone(&Utc));
    let mut by_id: BTreeMap<i64, Entry> = BTreeMap::new();
    let mut take = |v: Vec<Entry>| {
        for e in v {
            by_id.insert(e.id, e);
        }
    };
    let q = |kind: Option<Kind>, from, to, limit| EntryFilter {
        kind,
        from,
        to,
        limit,
        order: Order::OldestFirst,
        ..Default::default()
    };
    // Side effects feed no rule; doses are read for the last month only (below).
    for kind in Kind::ALL
        .iter()
        .copied()
        .filter(|k| !matches!(k, Kind::Dose | Kind::SideEffect))
    {
        take(store.entries(&q(Some(kind), Some(recent), until, None))?);
    }
    take(store.entries(&q(
        Some(Kind::Dose),
        Some((now - Duration::days(32)).with_timezone(&Utc)),
        until,
        None,
    ))?);
    let mut earlier = Vec::new();
    if let Some(r) = facts.primary(now.date_naive()) {
        // The weight when the dose in force was set (its change since), however old.
        let plan_day = now.date_naive().max(r.start);
        if let Some(s) = r.step_on(plan_day) {
            take(last_weight_on(store, s.effective_from, clock)?);
        }
        let early = r.start - Duration::days(t.baseline_days as i64);
        if let Some(from) = clock.localize(early.and_time(NaiveTime::MIN)) {
            let from = from.with_timezone(&Utc);
            // The last count before the window gives the response baseline.
            let mut before = q(Some(Kind::Platelets), None, Some(from.min(recent)), Some(1));
            before.order = Order::NewestFirst;
            earlier.extend(store.entries(&before)?.iter().filter_map(count_of));
            if from < recent {
                // The course before the recent look-back: its counts as plain values, its
                // bleeds and rescues (few) as entries — what the response history reads.
                earlier.extend(store.platelet_counts(Some(from), recent)?);
                take(store.entries(&q(Some(Kind::Bleeding), Some(from), Some(recent), None))?);
                take(course_rescues(store, from, recent)?);
                // Older creatinine serves only the pre-treatment baseline: read the baseline
                // window (to the day after the start, any offset), not the whole course.
                let end = clock
                    .localize((r.start + Duration::days(2)).and_time(NaiveTime::MIN))
                    .map_or(recent, |e| e.with_timezone(&Utc).min(recent));
                let mut f = q(Some(Kind::Lab), Some(from), Some(end), None);
                f.subject = Some("creatinine".into());
                take(store.entries(&f)?);
            }
        }
    }
    // When each lab test and blood pressure was last done before the look-back (the schedule
    // counts from it; the alerts do not judge values that old): re-test, session 6 — a trough
    // 14 months old read "overdue since the start".
    for a in Analyte::ALL {
        if let Some(at) = store.last_before(Kind::Lab, Some(a.code()), recent)? {
            facts.done_before.push((Some(*a), at));
        }
    }
    if let Some(at) = store.last_before(Kind::BloodPressure, None, recent)? {
        facts.done_before.push((None, at));
    }
    // The latest weight at now, whatever its age (mg/kg/day).
    let mut w = q(Some(Kind::Weight), None, until, Some(1));
    w.order = Order::NewestFirst;
    take(store.entries(&w)?);
    let mut entries: Vec<Entry> = by_id.into_values().collect();
    entries.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
    facts.entries = entries;
    facts.earlier_counts = earlier;
    read_logged_doses(store, &mut facts)?;
    Ok(facts.as_of(now))
}

/// [`Facts::logged_doses`]: for each ciclosporin level among the entries that names no
/// previous dose, the last dose logged as taken at or before its draw, read from the store
/// (the facts may hold no dose that early), so that a level is timed the same in every view.
fn read_logged_doses(store: &Store, facts: &mut Facts) -> Result<()> {
    let mut out = Vec::new();
    for (at, l) in facts.labs(Analyte::CsaTrough) {
        if l.last_dose_at.is_none()
            && let Some(d) = store.last_taken_dose(Drug::Cyclosporine, at.with_timezone(&Utc))?
        {
            out.push(d);
        }
    }
    out.sort();
    out.dedup();
    facts.logged_doses = out;
    Ok(())
}

/// The last weight logged on `day` (its local date) or before, with the few logged after it
/// up to a day later in UTC.
fn last_weight_on(store: &Store, day: chrono::NaiveDate, clock: &Clock) -> Result<Vec<Entry>> {
    let Some(end) = clock.localize((day + Duration::days(2)).and_time(NaiveTime::MIN)) else {
        return Ok(Vec::new());
    };
    let mut f = EntryFilter {
        kind: Some(Kind::Weight),
        to: Some(end.with_timezone(&Utc)),
        limit: Some(16),
        order: Order::NewestFirst,
        ..Default::default()
    };
    let mut out = Vec::new();
    loop {
        let page = store.entries(&f)?;
        let Some(last) = page.last() else {
            return Ok(out);
        };
        f.after = Some((last.at.with_timezone(&Utc), last.id));
        for e in page {
            let found = e.at.date_naive() <= day;
            out.push(e);
            if found {
                return Ok(out);
            }
        }
    }
}

/// A platelet entry as a plain (time, count).
fn count_of(e: &Entry) -> Option<(chrono::DateTime<chrono::FixedOffset>, f64)> {
    match &e.data {
        crate::domain::entry::EntryData::Platelets(p) => Some((e.at, p.count)),
        _ => None,
    }
}

/// Rescue treatments in `[from, to)`: the events (IVIG, steroid pulse, transfusion) and the
/// doses of rescue drugs and corticosteroids (the response sets their windows aside and names
/// steroids taken around it). A handful of rows on any course.
pub(crate) fn course_rescues(
    store: &Store,
    from: chrono::DateTime<Utc>,
    to: chrono::DateTime<Utc>,
) -> Result<Vec<Entry>> {
    use crate::domain::drugs::Drug;
    use crate::domain::entry::EventKind;
    let events = [
        EventKind::Ivig,
        EventKind::AntiD,
        EventKind::SteroidPulse,
        EventKind::Transfusion,
    ];
    let drugs = [
        Drug::Ivig,
        Drug::Dexamethasone,
        Drug::Methylprednisolone,
        Drug::Prednisone,
        Drug::Prednisolone,
    ];
    let subjects = events
        .iter()
        .map(|e| (Kind::Event, e.code()))
        .chain(drugs.iter().map(|d| (Kind::Dose, d.code())));
    let mut out = Vec::new();
    for (kind, subject) in subjects {
        out.extend(store.entries(&EntryFilter {
            kind: Some(kind),
            subject: Some(subject.to_string()),
            from: Some(from),
            to: Some(to),
            order: Order::OldestFirst,
            ..Default::default()
        })?);
    }
    Ok(out)
}

/// Overview and reminders at the clock's now.
pub fn assess(
    store: &Store,
    clock: &Clock,
    t: &Thresholds,
) -> Result<(Facts, Overview, Vec<Reminder>)> {
    assess_within(store, clock, t, t.due_soon_days)
}

/// [`assess`] listing monitoring items due within `horizon` days (see
/// [`crate::domain::rules::reminders_within`]).
pub fn assess_within(
    store: &Store,
    clock: &Clock,
    t: &Thresholds,
    horizon: f64,
) -> Result<(Facts, Overview, Vec<Reminder>)> {
    let facts = load_facts(store, clock, t)?;
    let o = overview(&facts, clock, t);
    let r = reminders_within(&facts, &o, clock, t, horizon);
    Ok((facts, o, r))
}

/// For a new taken dose: the slot it would answer when that slot already has a logged dose
/// (defect 10). `None` when the dose is not for the planned drug, or the slot is free.
pub fn second_dose_for_slot(
    store: &Store,
    clock: &Clock,
    t: &Thresholds,
    at: chrono::DateTime<chrono::FixedOffset>,
    dose: &crate::domain::entry::Dose,
) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>> {
    use crate::domain::entry::DoseStatus;
    if dose.status != DoseStatus::Taken {
        return Ok(None);
    }
    let f = load_facts(store, &Clock::Fixed(at.max(clock.now())), t)?;
    let Some(r) = f.primary(at.date_naive()).filter(|r| r.drug == dose.drug) else {
        return Ok(None);
    };
    let doses: Vec<_> = f.doses(r.drug).collect();
    let slots =
        crate::domain::dosing::SlotClock::new(clock, doses.iter().map(|(d, _)| *d).chain([at]));
    let planned = r.planned_between(at - Duration::days(1), at + Duration::days(1), &slots);
    Ok(crate::domain::dosing::slot_already_answered(
        &planned,
        &doses,
        at,
        dose.scheduled_for,
        t,
    ))
}

/// The taken dose of `dose`'s drug nearest to `at`, when it lies less than half a dosing
/// interval of the drug's plan before or after it (see `domain::take::dose_close_to`): reads
/// the plans and only the doses of the drug within the widest such gap around `at`;
/// `except` is the entry being edited (not compared with itself).
pub fn dose_close_to(
    store: &Store,
    clock: &Clock,
    at: chrono::DateTime<chrono::FixedOffset>,
    dose: &crate::domain::entry::Dose,
    except: Option<i64>,
) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>> {
    use crate::domain::entry::DoseStatus;
    use crate::domain::take;
    if dose.status != DoseStatus::Taken {
        return Ok(None);
    }
    let mut f = Facts {
        regimens: store.regimens()?,
        ..Default::default()
    };
    let Some(gap) = take::widest_dose_gap(&f, dose.drug) else {
        return Ok(None);
    };
    let utc = |t: chrono::DateTime<chrono::FixedOffset>| t.with_timezone(&chrono::Utc);
    f.entries = store.entries(&EntryFilter {
        kind: Some(Kind::Dose),
        subject: Some(dose.drug.code().to_string()),
        from: Some(utc(at - gap)),
        to: Some(utc(at + gap) + Duration::seconds(1)),
        order: Order::OldestFirst,
        ..Default::default()
    })?;
    f.entries.retain(|e| Some(e.id) != except);
    Ok(take::dose_close_to(&f, dose.drug, at, clock))
}

/// The facts a trend window needs: every entry in `[from, to)`; the course's platelet counts
/// before the window as plain values, its bleeds and rescues (the response history); pre-treatment
/// creatinine (the baseline); the last weight before the window (mg/kg/day).
pub fn load_window(
    store: &Store,
    from: chrono::DateTime<chrono::FixedOffset>,
    to: chrono::DateTime<chrono::FixedOffset>,
    clock: &Clock,
    t: &Thresholds,
) -> Result<Facts> {
    load_window_but(store, (from, to), clock, t, false)
}

/// The facts of a clinic report of a long period: [`load_window`] without the doses of the
/// course's drug (but its first dose, the response's baseline reads it), which come added up
/// by [`dose_summary`] instead: a century of doses is 72,000 entries.
pub fn load_report_window(
    store: &Store,
    from: chrono::DateTime<chrono::FixedOffset>,
    to: chrono::DateTime<chrono::FixedOffset>,
    clock: &Clock,
    t: &Thresholds,
) -> Result<Facts> {
    load_window_but(store, (from, to), clock, t, true)
}

fn load_window_but(
    store: &Store,
    (from, to): (
        chrono::DateTime<chrono::FixedOffset>,
        chrono::DateTime<chrono::FixedOffset>,
    ),
    clock: &Clock,
    t: &Thresholds,
    summed_doses: bool,
) -> Result<Facts> {
    let mut facts = Facts {
        profile: store.profile()?,
        regimens: store.regimens()?,
        ..Default::default()
    };
    let (f, e) = (from.with_timezone(&Utc), to.with_timezone(&Utc));
    // One vector, sorted and rid of repeats at the end: a window of a century holds ~90k
    // entries, and a map beside the vector read into it held them twice (82 MiB).
    let mut all: Vec<Entry> = Vec::new();
    let q = |kind: Option<Kind>, from, to, limit, order| EntryFilter {
        kind,
        from,
        to,
        limit,
        order,
        ..Default::default()
    };
    let course = facts.primary(to.date_naive()).map(|r| (r.drug, r.start));
    let skip = course.filter(|_| summed_doses).map(|(drug, _)| drug);
    store.each_entry(&q(None, Some(f), Some(e), None, Order::OldestFirst), |x| {
        let summed = matches!(&x.data, EntryData::Dose(d) if Some(d.drug) == skip);
        if !summed {
            all.push(x);
        }
        Ok(())
    })?;
    if let (Some(drug), Some((_, start))) = (skip, course) {
        all.extend(long_window::first_dose(store, drug, start, e, clock)?);
    }
    let mut take = |v: Vec<Entry>| all.extend(v);
    let mut earlier = Vec::new();
    if let Some(r) = facts.primary(to.date_naive()) {
        let early = r.start - Duration::days(t.baseline_days as i64);
        if let Some(start) = clock.localize(early.and_time(NaiveTime::MIN)) {
            let s = start.with_timezone(&Utc);
            // The last count before the course (the response baseline), then the course's
            // counts before the window as plain values.
            let before = store.entries(&q(
                Some(Kind::Platelets),
                None,
                Some(s.min(f)),
                Some(1),
                Order::NewestFirst,
            ))?;
            earlier = before.iter().filter_map(count_of).collect();
            if s < f {
                earlier.extend(store.platelet_counts(Some(s), f)?);
                take(store.entries(&q(
                    Some(Kind::Bleeding),
                    Some(s),
                    Some(f),
                    None,
                    Order::OldestFirst,
                ))?);
                take(course_rescues(store, s, f)?);
                // Creatinine before the window serves only the pre-treatment baseline.
                let end = clock
                    .localize((r.start + Duration::days(2)).and_time(NaiveTime::MIN))
                    .map_or(f, |x| x.with_timezone(&Utc).min(f));
                let mut cr = q(
                    Some(Kind::Lab),
                    Some(s),
                    Some(end),
                    None,
                    Order::OldestFirst,
                );
                cr.subject = Some("creatinine".into());
                take(store.entries(&cr)?);
            }
        }
    }
    take(store.entries(&q(
        Some(Kind::Weight),
        None,
        Some(f),
        Some(1),
        Order::NewestFirst,
    ))?);
    // The same entry read twice has the same time and id, so repeats end up side by side.
    all.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
    all.dedup_by_key(|x| x.id);
    all.shrink_to_fit();
    facts.entries = all;
    facts.earlier_counts = earlier;
    read_logged_doses(store, &mut facts)?;
    Ok(facts)
}

/// The time of the first entry (for the "all" window).
pub fn first_entry_time(store: &Store) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>> {
    Ok(store
        .entries(&EntryFilter {
            limit: Some(1),
            order: Order::OldestFirst,
            ..Default::default()
        })?
        .pop()
        .map(|e| e.at))
}

/// The time of the last clinic visit at or before `now` (a visit logged for later does not
/// count).
pub fn last_visit(
    store: &Store,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>> {
    Ok(store
        .entries(&EntryFilter {
            kind: Some(Kind::Event),
            subject: Some("clinic_visit".into()),
            to: Some((now + Duration::seconds(1)).with_timezone(&Utc)),
            limit: Some(1),
            ..Default::default()
        })?
        .pop()
        .map(|e| e.at))
}

/// Windows longer than this many days are drawn from series the store reduces per chart
/// column (a long history costs the same to draw as a short one).
pub const LONG_WINDOW_DAYS: i64 = 400;

/// The trend data of `[from, to)` for a chart `columns` wide: from every entry of a short
/// window; on a long one from plain counts, the store's per-column extremes of the dense
/// series, taken mg per day and the doses as marks (no entry decoded for those).
pub fn trend_data(
    store: &Store,
    from: chrono::DateTime<chrono::FixedOffset>,
    to: chrono::DateTime<chrono::FixedOffset>,
    clock: &Clock,
    t: &Thresholds,
    columns: usize,
) -> Result<crate::domain::trend::TrendData> {
    use crate::domain::trend;
    if to - from <= Duration::days(LONG_WINDOW_DAYS) {
        let facts = load_window(store, from, to, clock, t)?;
        return Ok(trend::build(&facts, from, to, clock, t));
    }
    let facts = long_window::facts(store, from, to, clock, t)?;
    let r = facts.primary(to.date_naive());
    let rd = long_window::reduced(store, r, (from, to), columns, clock, t)?;
    Ok(trend::build_reduced(&facts, &rd, from, to, clock, t))
}
