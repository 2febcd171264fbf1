//! What a JSON backup must satisfy before anything of it is written: its plans and profile
//! as typing would take them, its free text, its patient (not another one's), and one plan per
//! drug at a time.

use super::{ExchangeError, JsonOptions, Result};
use crate::domain::clock::Clock;
use crate::export::json;
use crate::present::i18n::I18n;
use crate::store::Store;

/// Refuse a backup that would give a drug two plans at once: one of its plans (not already
/// here by uid) whose days meet those of a plan of the same drug here or earlier in the backup
/// (`regimen start` refuses the same). Which plan the doses answer would otherwise be a guess.
pub(super) fn no_second_plan(
    store: &Store,
    theirs: &[crate::domain::regimen::Regimen],
    i: &I18n,
) -> Result<()> {
    let here = store.regimens()?;
    let mut plans: Vec<&crate::domain::regimen::Regimen> = here.iter().collect();
    for r in theirs {
        if here.iter().any(|h| h.uid == r.uid) {
            continue;
        }
        if let Some(o) = plans.iter().find(|o| o.overlaps(r)) {
            // Two plans of the backup itself: no other diary would take it either.
            let own = !here.iter().any(|h| h.uid == o.uid);
            let key = if own {
                "exchange.plan_overlap_in_backup"
            } else {
                "exchange.plan_overlap"
            };
            return Err(ExchangeError::Invalid(i.tf(
                key,
                &[
                    ("drug", i.t(&r.drug.label_key())),
                    ("theirs", &r.start.to_string()),
                    ("ours", &o.start.to_string()),
                ],
            )));
        }
        plans.push(r);
    }
    Ok(())
}

/// Refuse a backup of another patient into a diary that has content, unless `merge_anyway`.
/// Returns the patient id this diary takes on (when it has none yet).
pub(super) fn same_patient(
    store: &mut Store,
    b: &json::Backup,
    opts: &JsonOptions,
    i: &I18n,
) -> Result<Option<String>> {
    let ours_uid = store.meta("patient_uid")?;
    let has_content = store.count_entries(true)? > 0 || !store.regimens()?.is_empty();
    let ours = store.profile()?;
    let norm = |s: &Option<String>| {
        s.as_deref()
            .map(|x| x.trim().to_lowercase())
            .filter(|x| !x.is_empty())
    };
    let other_uid = match (&ours_uid, &b.patient_uid) {
        (Some(a), Some(t)) => !a.eq_ignore_ascii_case(t),
        _ => false,
    };
    let other_name =
        matches!((norm(&ours.name), norm(&b.profile.name)), (Some(a), Some(t)) if a != t);
    // Where the ids cannot be compared (this diary never took one: no JSON or FHIR export
    // yet; or the backup carries none), a backup that shares no entry or plan with it is not
    // taken to be its own.
    // A backup without a patient id (hand-made, or an old version) is no proof either.
    let same_uid =
        matches!((&ours_uid, &b.patient_uid), (Some(a), Some(t)) if a.eq_ignore_ascii_case(t));
    let brings = !b.entries.is_empty() || !b.regimens.is_empty();
    let unmatched = !same_uid
        && !other_uid
        && brings
        && has_content
        && !other_name
        && !opts.merge_anyway
        && !store.holds_any_uid(
            b.entries
                .iter()
                .map(|e| e.uid.as_str())
                .chain(b.regimens.iter().map(|r| r.uid.as_str())),
        )?;
    if unmatched {
        let theirs = match (&b.profile.name, &b.patient_uid) {
            (Some(n), _) => n.clone(),
            (None, Some(u)) => i.tf("exchange.patient_id", &[("id", &u[..u.len().min(8)])]),
            (None, None) => i.t("exchange.patient_unnamed").to_string(),
        };
        return Err(ExchangeError::Invalid(
            i.tf("exchange.unmatched_patient", &[("theirs", &theirs)]),
        ));
    }
    if has_content && (other_uid || other_name) && !opts.merge_anyway {
        let who = |name: &Option<String>, uid: &Option<String>| match (name, uid) {
            (Some(n), Some(u)) => format!("{n} ({})", &u[..u.len().min(8)]),
            (Some(n), None) => n.clone(),
            (None, Some(u)) => i.tf("exchange.patient_id", &[("id", &u[..u.len().min(8)])]),
            (None, None) => i.t("exchange.patient_unnamed").to_string(),
        };
        return Err(ExchangeError::Invalid(i.tf(
            "exchange.other_patient",
            &[
                ("theirs", &who(&b.profile.name, &b.patient_uid)),
                ("ours", &who(&ours.name, &ours_uid)),
            ],
        )));
    }
    Ok(match (&ours_uid, &b.patient_uid) {
        (None, Some(t)) if !other_name => Some(t.clone()),
        (Some(_), Some(t)) if !has_content => Some(t.clone()),
        _ => None,
    })
}

/// The plans and the profile of a backup held to what typing them accepts (a hand-edited file
/// gave a raw database error for `every_days: 0`, and an inverted target was taken in).
pub(super) fn imported_plans(b: &json::Backup, clock: &Clock) -> Result<()> {
    use crate::domain::regimen::{EVERY_DAYS, INDUCTION_WEEKS, target_ok};
    let bad = |path: String, what: String| Err(ExchangeError::Invalid(format!("{path}: {what}")));
    for (n, r) in b.regimens.iter().enumerate() {
        match (r.target_low, r.target_high) {
            (None, None) => {}
            (Some(lo), Some(hi)) if target_ok(lo, hi) => {}
            (lo, hi) => {
                let show = |v: Option<f64>| v.map_or("none".into(), |v| v.to_string());
                return bad(
                    format!("regimens[{n}].target_low/target_high"),
                    format!(
                        "{}–{} is not accepted (both or neither, low below high, 0–3000 ng/mL)",
                        show(lo),
                        show(hi)
                    ),
                );
            }
        }
        if let Some(w) = r.induction_weeks.filter(|w| !INDUCTION_WEEKS.contains(w)) {
            return bad(
                format!("regimens[{n}].induction_weeks"),
                format!("{w} is not accepted (1–52 weeks)"),
            );
        }
        if let Some(stop) = r.stop.filter(|s| *s < r.start) {
            return bad(
                format!("regimens[{n}].stop"),
                format!("{stop} is before the start {}", r.start),
            );
        }
        for (k, s) in r.steps.iter().enumerate() {
            if !EVERY_DAYS.contains(&s.every_days) {
                return bad(
                    format!("regimens[{n}].steps[{k}].every_days"),
                    format!("{} is not accepted (1–28 days)", s.every_days),
                );
            }
        }
    }
    let this_year = chrono::Datelike::year(&clock.today());
    if let Some(y) = b
        .profile
        .birth_year
        .filter(|y| !(1900..=this_year).contains(y))
    {
        return bad(
            "profile.birth_year".into(),
            format!("{y} is not accepted (1900–{this_year})"),
        );
    }
    if let Some(h) = b.profile.height_cm.filter(|h| !(30.0..=250.0).contains(h)) {
        return bad(
            "profile.height_cm".into(),
            format!("{h} is not accepted (30–250 cm)"),
        );
    }
    Ok(())
}

/// The free text of a backup besides entries (questions, regimens, profile): bounded and text
/// only, like typed text — a crafted backup cannot smuggle in 10 MB names or escapes.
pub(super) fn imported_texts(b: &json::Backup) -> Result<()> {
    use crate::present::sanitize::MAX_TEXT;
    // (path, text, whether it may hold line breaks: notes only, as typed).
    let mut texts: Vec<(String, &str, bool)> = Vec::new();
    for (n, q) in b.visit_questions.iter().enumerate() {
        texts.push((format!("visit_questions[{n}].text"), &q.text, false));
    }
    for (n, r) in b.regimens.iter().enumerate() {
        if let Some(t) = &r.note {
            texts.push((format!("regimens[{n}].note"), t, true));
        }
        for (k, s) in r.steps.iter().enumerate() {
            for (name, v, multi) in [
                ("formulation", &s.formulation, false),
                ("note", &s.note, true),
            ] {
                if let Some(t) = v {
                    texts.push((format!("regimens[{n}].steps[{k}].{name}"), t, multi));
                }
            }
            texts.push((format!("regimens[{n}].steps[{k}].unit"), &s.unit, false));
        }
    }
    for (name, v) in [
        ("profile.name", &b.profile.name),
        ("profile.sex", &b.profile.sex),
    ] {
        if let Some(t) = v {
            texts.push((name.to_string(), t, false));
        }
    }
    for (field, t, multi) in texts {
        if let Some(p) = crate::domain::validate::text_problem(t, MAX_TEXT, multi) {
            let en = I18n::new(crate::present::i18n::Lang::En);
            return Err(ExchangeError::Invalid(en.text_problem(&field, &p)));
        }
    }
    Ok(())
}
