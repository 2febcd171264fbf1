//! Short human descriptions of entries, shared by the command line and the terminal UI.

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
        let main = format!("{} {unit}", fmt_num(v, 2));
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
        EntryData::Event(e) => e.medication.clone().unwrap_or_default(),
    }
}

/// One line: "platelets 45 ×10⁹/L at 2026-03-10 14:30".
pub fn summary(e: &Entry, i: &I18n) -> String {
    let v = value(&e.data, i);
    let w = what(&e.data, i);
    let at = e.at.format("%Y-%m-%d %H:%M");
    if v.is_empty() {
        format!("{w} @ {at}")
    } else {
        format!("{w} {v} @ {at}")
    }
}

/// "Saved #12: platelets 45 ×10⁹/L @ …" (or "Updated …"), the line both faces show after a write.
pub fn saved(e: &Entry, updated: bool, i: &I18n) -> String {
    let key = if updated { "cli.updated" } else { "cli.saved" };
    i.tf(
        key,
        &[("id", &e.id.to_string()), ("summary", &summary(e, i))],
    )
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

use crate::domain::overview::Overview;
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
                "missing" => v
                    .split(',')
                    .map(|m| i.t(&format!("baseline_item.{m}")).to_string())
                    .collect::<Vec<_>>()
                    .join(i.t("text.list_sep")),
                _ => v.clone(),
            };
            (*k, v)
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    i.tf(&format!("rule.{}", r.rule), &borrowed)
}

/// `status` as lines of text.
pub fn status_lines(o: &Overview, i: &I18n) -> Vec<String> {
    let mut lines = Vec::new();
    let dash = "—";
    match (&o.regimen, &o.course) {
        (Some(r), Some(c)) => {
            let phase = i.t(&format!("phase.{}", c.phase.code()));
            lines.push(i.tf(
                "overview.phase",
                &[
                    ("phase", phase),
                    ("week", &c.week.to_string()),
                    ("day", &c.day.to_string()),
                    ("weeks", &c.induction_weeks.to_string()),
                ],
            ));
            if let Some(cp) = c.checkpoint {
                lines.push(i.tf(
                    "overview.checkpoint",
                    &[
                        ("week", &cp.week.to_string()),
                        ("date", &cp.date.to_string()),
                    ],
                ));
            }
            let step = r.step_on(o.now.date_naive()).or(r.steps.first());
            lines.push(i.tf(
                "overview.regimen",
                &[
                    ("drug", i.t(&r.drug.label_key())),
                    ("plan", &step.map(|s| s.describe()).unwrap_or_default()),
                    (
                        "formulation",
                        step.and_then(|s| s.formulation.as_deref()).unwrap_or(dash),
                    ),
                    ("start", &r.start.to_string()),
                ],
            ));
            if let Some(d) = &o.dosing {
                let opt = |x: Option<f64>, dec| {
                    x.map(|v| fmt_num(v, dec))
                        .unwrap_or_else(|| dash.to_string())
                };
                lines.push(
                    i.tf(
                        "overview.dose",
                        &[
                            ("planned", &opt(d.planned_daily, 1)),
                            ("planned_kg", &opt(d.planned_mg_per_kg, 2)),
                            ("taken", &opt(d.taken_daily, 1)),
                            ("taken_kg", &opt(d.taken_mg_per_kg, 2)),
                            ("weight", &opt(d.weight_kg, 1)),
                            (
                                "weight_at",
                                &d.weight_at
                                    .map(|t| t.format("%Y-%m-%d").to_string())
                                    .unwrap_or_else(|| dash.to_string()),
                            ),
                        ],
                    ),
                );
            }
            let pct = |x: Option<f64>| {
                x.map(|v| format!("{}%", fmt_num(v, 0)))
                    .unwrap_or_else(|| dash.to_string())
            };
            lines.push(i.tf(
                "overview.adherence",
                &[("d7", &pct(o.adherence_7d)), ("d30", &pct(o.adherence_30d))],
            ));
            if !o.slots.is_empty() {
                let today: Vec<String> = o
                    .slots
                    .iter()
                    .filter(|s| s.at.date_naive() == o.now.date_naive())
                    .map(|s| {
                        format!(
                            "{} {}",
                            s.at.format("%H:%M"),
                            i.t(&format!("status.{}", s.state.code()))
                        )
                    })
                    .collect();
                if !today.is_empty() {
                    lines.push(i.tf("overview.today", &[("slots", &today.join(", "))]));
                }
            }
        }
        _ => lines.push(i.t("overview.no_regimen").to_string()),
    }
    match o.latest_platelets {
        Some((at, v)) => {
            let band = o
                .platelet_band
                .map(|b| i.t(&format!("band.{b}")).to_string())
                .unwrap_or_default();
            lines.push(i.tf(
                "overview.platelets",
                &[
                    ("value", &fmt_num(v, 1)),
                    ("band", &band),
                    ("date", &at.format("%Y-%m-%d").to_string()),
                    (
                        "ago",
                        &super::ago::days_ago(at.date_naive(), o.now.date_naive(), i),
                    ),
                ],
            ));
        }
        None => lines.push(i.t("overview.no_platelets").to_string()),
    }
    if let Some(a) = &o.response {
        let ttr = a
            .time_to_response_days
            .map(|d| i.tf("overview.time_to_response", &[("days", &d.to_string())]))
            .unwrap_or_default();
        lines.push(
            i.tf(
                "overview.response",
                &[
                    ("response", i.t(&format!("response.{}", a.status.code()))),
                    (
                        "baseline",
                        &a.baseline
                            .map(|b| fmt_num(b, 1))
                            .unwrap_or_else(|| dash.to_string()),
                    ),
                    ("ttr", &ttr),
                ],
            ),
        );
    }
    if let Some(t) = &o.trough {
        let hours = t
            .hours_since_dose
            .map(|h| i.tf("overview.hours_after", &[("hours", &fmt_num(h, 1))]))
            .unwrap_or_else(|| i.t("overview.hours_unknown").to_string());
        let set_by = if t.target_from_regimen {
            i.t("settings.set_by_team")
        } else {
            i.t("settings.default_short")
        };
        lines.push(i.tf(
            "overview.trough",
            &[
                ("value", &fmt_num(t.value, 1)),
                ("band", &super::level::level_word(t.valid, t.band, i)),
                ("low", &fmt_num(t.target_low, 0)),
                ("high", &fmt_num(t.target_high, 0)),
                ("set_by", set_by),
                ("date", &t.at.format("%Y-%m-%d").to_string()),
                ("hours", &hours),
            ],
        ));
        if t.valid == Some(false) {
            lines.push(i.t("overview.not_a_trough").to_string());
        }
    }
    if let Some(p) = o.disease_phase {
        lines.push(i.tf(
            "overview.disease_phase",
            &[("phase", i.t(&format!("disease_phase.{p}")))],
        ));
    }
    lines
}
