//! Short human descriptions of entries, shared by the command line and the terminal UI.

use crate::domain::clock::Clock;
use crate::domain::entry::{Entry, EntryData};
use crate::domain::units::fmt_num;
use crate::present::i18n::I18n;

/// What the entry is about: "platelets", "creatinine", "cyclosporine (CsA)", "nose" …
pub fn what(d: &EntryData, i: &I18n) -> String {
    match d {
        EntryData::Platelets(_) => i.field("platelets"),
        EntryData::Dose(x) => i.t(&x.drug.label_key()).to_string(),
        EntryData::Lab(x) => i.field(x.analyte.code()),
        EntryData::Weight(_) => i.field("weight"),
        EntryData::BloodPressure(_) => i.field("bp"),
        EntryData::Bleeding(x) => i.t(&x.site.label_key()).to_string(),
        EntryData::SideEffect(x) => i.t(&x.effect.label_key()).to_string(),
        EntryData::Event(x) => i.t(&x.event.label_key()).to_string(),
    }
}

/// The value in words: "45 ×10⁹/L (entered 4.5 万/µL)", "150 mg oral, taken", "128/82 mmHg".
pub fn value(d: &EntryData, i: &I18n) -> String {
    let with_entered = |v: f64, unit: &str, entered: &crate::domain::entry::Entered| {
        // Three decimals: a value typed beside a line (5.999, 200.001) is not shown on it.
        let main = format!("{} {unit}", fmt_num(v, 3));
        if entered.unit == unit {
            main
        } else {
            format!("{main} ({} {})", fmt_num(entered.value, 3), entered.unit)
        }
    };
    match d {
        EntryData::Platelets(p) => with_entered(p.count, "×10⁹/L", &p.entered),
        EntryData::Dose(x) => {
            let status = i.t(&x.status.label_key()).to_string();
            match &x.amount {
                Some(a) => format!(
                    "{} {}, {}",
                    with_entered(a.value, &a.unit, &a.entered),
                    i.t(&x.route.label_key()),
                    status
                ),
                None => status.to_string(),
            }
        }
        EntryData::Lab(l) => {
            let unit = l.analyte.quantity().canonical().display;
            let mut s = with_entered(l.value, unit, &l.entered);
            if let Some(h) = l.reference.high
                && l.value > h
            {
                s.push_str(" ↑");
            } else if let Some(lo) = l.reference.low
                && l.value < lo
            {
                s.push_str(" ↓");
            }
            s
        }
        EntryData::Weight(w) => with_entered(w.kg, "kg", &w.entered),
        EntryData::BloodPressure(b) => match b.pulse {
            Some(p) => format!(
                "{}/{} mmHg, {} {p}",
                b.systolic,
                b.diastolic,
                i.field("pulse")
            ),
            None => format!("{}/{} mmHg", b.systolic, b.diastolic),
        },
        EntryData::Bleeding(b) => {
            let mut parts = Vec::new();
            if let Some(c) = b.count {
                parts.push(format!("×{c}"));
            }
            if let Some(s) = b.size_cm {
                parts.push(format!("{} cm", fmt_num(s, 1)));
            }
            if let Some(m) = b.minutes {
                parts.push(format!("{m} min"));
            }
            if b.care_needed {
                parts.push(i.t("text.care_needed").to_string());
            }
            parts.join(", ")
        }
        EntryData::SideEffect(s) => s
            .severity
            .map(|v| format!("{} {v}/3", i.field("severity")))
            .unwrap_or_default(),
        // Free text from the diary: bidi controls and control characters shown, never obeyed.
        EntryData::Event(e) => {
            crate::present::sanitize::visible(e.medication.as_deref().unwrap_or("")).into_owned()
        }
    }
}

/// One line: "platelets 45 ×10⁹/L at 2026-03-10 14:30".
pub fn summary(e: &Entry, clock: &Clock, i: &I18n) -> String {
    let v = value(&e.data, i);
    let w = what(&e.data, i);
    let at = shown_time(clock, &e.at);
    if v.is_empty() {
        format!("{w} @ {at}")
    } else {
        format!("{w} {v} @ {at}")
    }
}

/// A dose refused for lying close to another taken dose (logged at `last`), in the words of
/// `key` (the command line's, naming `--late`, or the form's, "save again").
pub fn dose_soon_after(
    i: &I18n,
    at: chrono::DateTime<chrono::FixedOffset>,
    last: chrono::DateTime<chrono::FixedOffset>,
    key: &str,
) -> String {
    i.tf(
        key,
        &[
            // In the new dose's offset: the other dose may have been logged in another zone.
            (
                "last",
                &last
                    .with_timezone(at.offset())
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
            ),
            (
                "gap",
                &crate::present::ago::gap((at - last).num_minutes().abs(), i),
            ),
        ],
    )
}

/// A backup merge refused because items are here with other content: how many, the first
/// three named, and the way on (`--keep-mine`, or a fresh diary).
pub fn differing(d: &[crate::store::Differing], i: &I18n) -> String {
    use crate::store::Differing;
    let name = |x: &Differing| match x {
        Differing::Entry { id, kind, at } => i.tf(
            "exchange.differing_entry",
            &[
                ("id", &id.to_string()),
                ("kind", i.t(&format!("kind.{}", kind.code()))),
                ("at", &at.format("%Y-%m-%d %H:%M").to_string()),
            ],
        ),
        Differing::Regimen { drug, start } => i.tf(
            "exchange.differing_plan",
            &[
                ("drug", i.t(&format!("drug.{}", drug.code()))),
                ("start", &start.to_string()),
            ],
        ),
        Differing::Question { text } => i.tf(
            "exchange.differing_question",
            &[(
                "text",
                &truncate(&crate::present::sanitize::visible(text), 40),
            )],
        ),
    };
    let first: Vec<String> = d.iter().take(3).map(name).collect();
    i.tf(
        "exchange.differing",
        &[("n", &d.len().to_string()), ("first", &first.join("; "))],
    )
}

/// "Saved #12: platelets 45 ×10⁹/L @ …" (or "Updated …"), the line both faces show after a write.
pub fn saved(e: &Entry, updated: bool, clock: &Clock, i: &I18n) -> String {
    let key = if updated { "cli.updated" } else { "cli.saved" };
    i.tf(
        key,
        &[
            ("id", &e.id.to_string()),
            ("summary", &summary(e, clock, i)),
        ],
    )
}

/// An entry's time as it was logged; with its UTC offset when that is not this computer's
/// zone's at that time (logged while travelling, or pasted with an offset), as `list` and the
/// report show it.
pub fn shown_time(clock: &Clock, at: &chrono::DateTime<chrono::FixedOffset>) -> String {
    let home = clock
        .localize(at.naive_local())
        .is_some_and(|t| t.offset() == at.offset());
    match home {
        true => at.format("%Y-%m-%d %H:%M").to_string(),
        false => at.format("%Y-%m-%d %H:%M (UTC%:z)").to_string(),
    }
}

/// What and value, without the time: "platelets 45 ×10⁹/L".
pub fn summary_short(e: &Entry, i: &I18n) -> String {
    let v = value(&e.data, i);
    let w = what(&e.data, i);
    if v.is_empty() { w } else { format!("{w} {v}") }
}

/// Pad `s` with spaces to `width` terminal columns (Chinese characters are two columns wide).
pub fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    if w >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}

/// Cut `s` to at most `width` columns, ending with "…" when cut.
pub fn truncate(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if unicode_width::UnicodeWidthStr::width(s) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > width {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}

use crate::domain::reminders::{Reminder, Severity};

/// A marker that reads without colour: `[!!]` urgent, `[!]` warning, `[i]` info.
pub fn severity_mark(s: Severity, i: &I18n) -> String {
    format!("[{}]", i.t(&format!("severity.{}", s.code())))
}

/// The reminder's message in the chosen language, codes in its arguments translated.
pub fn reminder_message(r: &Reminder, i: &I18n) -> String {
    let args: Vec<(&str, String)> = r
        .args
        .iter()
        .map(|(k, v)| {
            let v = match *k {
                "drug" => crate::domain::drugs::Drug::parse(v)
                    .map(|d| i.t(&d.label_key()).to_string())
                    .unwrap_or_else(|| v.clone()),
                "analyte" => i.field(v),
                "effect" => i.t(&format!("effect_dir.{v}")).to_string(),
                "name" => i.t(&format!("ddi.{v}")).to_string(),
                "status" => i.t(&format!("response.{v}")).to_string(),
                "basis" => i.t(&format!("dose_basis.{v}")).to_string(),
                "event" => crate::domain::entry::EventKind::parse(v)
                    .map(|e| i.t(&e.label_key()).to_string())
                    .unwrap_or_else(|| v.clone()),
                "missing" => v
                    .split(',')
                    .map(|m| i.t(&format!("baseline_item.{m}")).to_string())
                    .collect::<Vec<_>>()
                    .join(i.t("text.list_sep")),
                // Free text (a medication's name as typed): made visible.
                _ => crate::present::sanitize::visible(v).into_owned(),
            };
            (*k, v)
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    i.tf(&r.rule.label_key(), &borrowed)
}

/// Today's dose in both bases, planned and taken each (defect 11): "plan 300 = 5.00/kg ·
/// taken 280 = 4.67/kg"; "—" where unknown (nothing logged is not zero).
pub fn dose_row(d: &crate::domain::dosing::Dosing, i: &I18n) -> String {
    let opt = |x: Option<f64>, dec| x.map_or_else(|| "—".to_string(), |v| fmt_num(v, dec));
    let key = match d.taken_daily {
        Some(_) => "dose_row.value",
        None => "dose_row.value_no_taken",
    };
    i.tf(
        key,
        &[
            ("planned", &opt(d.planned_daily, 0)),
            ("planned_kg", &opt(d.planned_mg_per_kg, 2)),
            ("taken", &opt(d.taken_daily, 0)),
            ("taken_kg", &opt(d.taken_mg_per_kg, 2)),
        ],
    )
}

/// The references a rule or setting rests on, translated: "US cyclosporine label; app default".
pub fn refs_text(refs: &[crate::domain::rules::Ref], i: &I18n) -> String {
    refs.iter()
        .map(|r| i.t(&format!("ref.{}", r.code())).to_string())
        .collect::<Vec<_>>()
        .join(i.t("text.list_sep"))
}
