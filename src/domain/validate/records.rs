//! Validation of the recorded episodes (bleeding, side effects, events) and of free text.

use super::{Checked, ValidationError, b, check};
use crate::domain::entry::*;

/// A bleeding episode.
pub fn bleeding(
    site: BleedingSite,
    count: Option<u32>,
    size_cm: Option<f64>,
    minutes: Option<u32>,
    care_needed: bool,
) -> Result<Checked<EntryData>, ValidationError> {
    let mut w = Vec::new();
    if let Some(c) = count {
        check(
            "count",
            f64::from(c),
            "",
            b(0.0, 10_000.0, None, None),
            &mut w,
        )?;
    }
    if let Some(s) = size_cm {
        check("size_cm", s, "cm", b(0.0, 100.0, None, None), &mut w)?;
    }
    if let Some(m) = minutes {
        // A week at most (L5).
        check(
            "minutes",
            f64::from(m),
            "min",
            b(0.0, 10_080.0, None, None),
            &mut w,
        )?;
    }
    Ok(Checked {
        value: EntryData::Bleeding(Bleeding {
            site,
            count,
            size_cm,
            minutes,
            care_needed,
        }),
        warnings: w,
    })
}

/// A side effect.
pub fn side_effect(
    effect: SideEffectKind,
    severity: Option<u8>,
) -> Result<Checked<EntryData>, ValidationError> {
    if let Some(s) = severity
        && !(1..=3).contains(&s)
    {
        return Err(ValidationError::OutOfRange {
            field: "severity",
            value: s.to_string(),
            unit: "",
            min: "1".into(),
            max: "3".into(),
        });
    }
    Ok(Checked {
        value: EntryData::SideEffect(SideEffect { effect, severity }),
        warnings: Vec::new(),
    })
}

/// An event. Medication start/stop needs the medication's name.
pub fn event(
    event: EventKind,
    medication: Option<String>,
) -> Result<Checked<EntryData>, ValidationError> {
    let medication = clean(medication);
    if matches!(
        event,
        EventKind::MedicationStart | EventKind::MedicationStop
    ) && medication.is_none()
    {
        return Err(ValidationError::Missing {
            field: "medication",
        });
    }
    Ok(Checked {
        value: EntryData::Event(Event { event, medication }),
        warnings: Vec::new(),
    })
}

/// Trim free text; empty is absent.
pub fn clean(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The longest note accepted (characters; L5).
pub const NOTE_MAX_CHARS: usize = 4000;

/// Notes are free text, but bounded (L5: 4000 characters) and without control or
/// text-direction characters (newlines and tabs are fine).
pub fn note(s: Option<String>) -> Result<Option<String>, ValidationError> {
    let s = clean(s);
    if let Some(problem) = s
        .as_deref()
        .and_then(|n| super::text_problem(n, NOTE_MAX_CHARS, true))
    {
        return Err(ValidationError::Text {
            field: "note",
            problem,
        });
    }
    Ok(s)
}
