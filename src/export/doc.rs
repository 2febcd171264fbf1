//! The clinic report as translated blocks on pages: page 1 the summary, page 2 the charts,
//! then (with `full`) the appendix tables. `html` and `pdf` lay out the same blocks.

use crate::domain::overview::fmt_hours;
use crate::domain::units::fmt_beside;
use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use super::chart::{self, Scene};
use super::report::{Flag, Item, Latest, Report};
use crate::domain::entry::{Analyte, EntryData};
use crate::domain::units::fmt_num;
use crate::present::describe::{reminder_message, value, what};
use crate::present::i18n::I18n;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Flag,
    Muted,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
}

/// "100–200 ng/mL (set by the care team)": the trough target and who set it, as every report
/// (Markdown, HTML, PDF) says it.
pub(super) fn target_text(r: &Report, i: &I18n) -> String {
    let (lo, hi, team) = r.limits.target;
    let by = i.t(if team {
        "clinic.set_by_team"
    } else {
        "clinic.default"
    });
    format!("{}–{} ng/mL ({by})", fmt_num(lo, 0), fmt_num(hi, 0))
}

fn plain(s: impl Into<String>) -> Cell {
    Cell {
        text: s.into(),
        tone: Tone::Plain,
    }
}

fn toned(s: impl Into<String>, flagged: bool) -> Cell {
    Cell {
        text: s.into(),
        tone: if flagged { Tone::Flag } else { Tone::Plain },
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Title(String),
    Line(Cell),
    Heading(String),
    /// Label and value rows.
    Pairs(Vec<(String, Cell)>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<Cell>>,
    },
    List(Vec<Cell>),
    Chart(Scene),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    pub lang: &'static str,
    pub title: String,
    pub pages: Vec<Page>,
    /// Printed at the foot of every page.
    pub footer: String,
}

const MAX_ITEMS: usize = 6;

fn day(t: &DateTime<FixedOffset>) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn dash() -> String {
    "—".into()
}

/// The whole report; `full` adds the appendix.
pub fn compose(r: &Report, i: &I18n, full: bool) -> Doc {
    let mut pages = vec![Page {
        blocks: page_one(r, i),
    }];
    pages.push(Page {
        blocks: vec![
            Block::Heading(i.t("clinic.charts").into()),
            Block::Chart(chart::build(r, i)),
            Block::Line(Cell {
                text: i.t("report.disclaimer").into(),
                tone: Tone::Muted,
            }),
        ],
    });
    if full {
        pages.push(Page {
            blocks: appendix(r, i),
        });
    }
    let footer = i.tf(
        "clinic.footer",
        &[
            ("from", &day(&r.from)),
            ("to", &day(&r.last())),
            (
                "generated",
                &r.generated.format("%Y-%m-%d %H:%M").to_string(),
            ),
            ("n", &r.entries.to_string()),
            ("version", env!("CARGO_PKG_VERSION")),
        ],
    );
    Doc {
        lang: if i.lang == crate::present::i18n::Lang::Zh {
            "zh-CN"
        } else {
            "en"
        },
        title: i.t("report.title").into(),
        pages,
        footer,
    }
}

fn patient_line(r: &Report, i: &I18n) -> String {
    let p = &r.profile;
    let mut parts = Vec::new();
    if let Some(n) = &p.name {
        parts.push(n.clone());
    }
    if let Some(y) = p.birth_year {
        parts.push(i.tf(
            "clinic.age",
            &[("n", &(r.to.date_naive().year_ce().1 as i32 - y).to_string())],
        ));
    }
    if let Some(s) = &p.sex {
        parts.push(sex_word(s, i));
    }
    if let Some(d) = p.diagnosed_on {
        let phase = r
            .overview
            .disease_phase
            .map(|ph| i.t(&format!("disease_phase.{ph}")).to_string())
            .unwrap_or_default();
        parts.push(format!("{} {d} · {phase}", i.t("profile.diagnosed")));
    }
    parts.join(" · ")
}

use chrono::Datelike;

mod appendix;
use appendix::appendix;

fn treatment(r: &Report, i: &I18n) -> Vec<(String, Cell)> {
    let o = &r.overview;
    let mut v = Vec::new();
    if let Some(reg) = &o.regimen {
        let step = reg.step_on(r.last().date_naive()).or(reg.steps.last());
        let phase = o.course.as_ref().map(|c| {
            i.tf(
                "today.phase_value",
                &[
                    ("phase", i.t(&format!("phase.{}", c.phase.code()))),
                    ("week", &c.week.to_string()),
                    ("day", &c.day.to_string()),
                ],
            )
        });
        v.push((
            i.t("report.regimen").to_string(),
            plain(format!(
                "{} {} · {}: {} · {} {}{}",
                i.t(&reg.drug.label_key()),
                step.map(|s| s.describe()).unwrap_or_default(),
                i.t("field.formulation"),
                step.and_then(|s| s.formulation.clone())
                    .unwrap_or_else(dash),
                i.t("report.since"),
                reg.start,
                phase.map(|p| format!(" · {p}")).unwrap_or_default()
            )),
        ));
    } else {
        v.push((
            i.t("report.regimen").to_string(),
            plain(i.t("phase.no_regimen")),
        ));
    }
    if let Some(dd) = &o.dosing {
        let n = |x: Option<f64>, d| x.map(|x| fmt_num(x, d)).unwrap_or_else(dash);
        v.push((
            i.t("clinic.dose").to_string(),
            plain(i.tf(
                "clinic.dose_value",
                &[
                    ("planned", &n(dd.planned_daily, 0)),
                    ("planned_kg", &n(dd.planned_mg_per_kg, 2)),
                    ("taken", &n(dd.taken_daily, 0)),
                    ("taken_kg", &n(dd.taken_mg_per_kg, 2)),
                    ("kg", &n(dd.weight_kg, 1)),
                    ("date", &dd.weight_at.map(|t| day(&t)).unwrap_or_else(dash)),
                ],
            )),
        ));
    }
    v.push((i.t("report.target").to_string(), plain(target_text(r, i))));
    v.push((i.t("clinic.iwg").to_string(), response(r, i)));
    let sm = &r.trend.summary;
    let n = |x: Option<f64>| x.map(|x| fmt_num(x, 0)).unwrap_or_else(dash);
    v.push((
        i.t("report.platelet_summary").to_string(),
        plain(format!(
            "{}; {}; {}",
            i.tf(
                "trends.median_low",
                &[
                    ("median", &n(sm.median_platelets)),
                    ("low", &n(sm.lowest_platelets))
                ]
            ),
            crate::present::status::days_at_least(sm, 0, i),
            crate::present::status::days_at_least(sm, 1, i),
        )),
    ));
    let dc = &r.doses;
    v.push((
        i.t("today.adherence").to_string(),
        toned(
            i.tf(
                "clinic.adherence_value",
                &[
                    ("taken", &dc.taken.to_string()),
                    ("late", &dc.late.to_string()),
                    ("missed", &dc.missed.to_string()),
                    ("pct", &dc.pct.map(|p| fmt_num(p, 0)).unwrap_or_else(dash)),
                ],
            ),
            dc.pct.is_some_and(|p| p < 90.0),
        ),
    ));
    v
}

fn response(r: &Report, i: &I18n) -> Cell {
    let o = &r.overview;
    let Some(a) = &o.response else {
        return plain(format!(
            "{} — {}",
            i.t("response.not_assessable"),
            i.t("clinic.why_no_regimen")
        ));
    };
    let mut s = crate::present::status::response_label(a, i);
    // No baseline is said among the reasons below.
    if let Some(b) = a.baseline {
        s.push_str(&format!(
            " · {} {} ×10⁹/L{}",
            i.t("report.baseline"),
            fmt_num(b, 0),
            a.baseline_at
                .map(|t| format!(" ({})", day(&t)))
                .unwrap_or_default()
        ));
    }
    if let Some(dd) = a.time_to_response_days {
        s.push_str(&format!(
            " · {}",
            i.tf("clinic.time_to_response", &[("days", &dd.to_string())])
        ));
    }
    if a.status == crate::domain::response::Response::NotAssessable {
        let mut why = Vec::new();
        if a.baseline.is_none() {
            why.push(i.t("clinic.why_no_baseline"));
        }
        let since = o.regimen.as_ref().map(|g| g.start);
        let counts = r
            .platelets
            .iter()
            .filter(|(t, _)| since.is_some_and(|s| t.date_naive() >= s))
            .count();
        if counts < 2 {
            why.push(i.t("clinic.why_few_counts"));
        }
        if why.is_empty() {
            why.push(i.t("clinic.why_unconfirmed"));
        }
        s.push_str(&format!(" — {}", why.join("; ")));
    }
    // A loss by bleeding is in the label itself ("loss of response: bleeding logged on …"),
    // which does not say the bleed needed care when it did not.
    s.push_str(&format!(" · {}", i.t("clinic.iwg_source")));
    toned(s, !a.status.is_response())
}

/// The stored sex code in the report's language (a code the catalogue lacks as written).
pub fn sex_word(s: &str, i: &I18n) -> String {
    let key = format!("clinic.sex_{}", s.trim().to_lowercase());
    if i.has(&key) {
        i.t(&key).to_string()
    } else {
        s.to_string()
    }
}

fn latest_row(l: &Latest, r: &Report, i: &I18n) -> Vec<Cell> {
    let window = r.trough_window;
    let (name, unit, dec) = match l.item {
        Item::Platelets => (i.t("field.platelets").to_string(), "×10⁹/L", 1),
        Item::Bp => (i.t("field.bp").to_string(), "mmHg", 0),
        Item::Lab(a) => (
            i.field(a.code()),
            a.quantity().canonical().display,
            if matches!(a, Analyte::Potassium | Analyte::Magnesium) {
                2
            } else {
                1
            },
        ),
    };
    let value = match l.value2 {
        Some(d) => format!("{}/{} {unit}", fmt_num(l.value, 0), fmt_num(d, 0)),
        None => format!("{} {unit}", fmt_beside(l.value, &l.lines, dec)),
    };
    let change = match (l.item, l.change) {
        (Item::Lab(Analyte::Creatinine), Some(c)) => i.tf(
            "clinic.pct_from_baseline",
            &[("pct", &{
                // Beside the rise lines it is flagged against (+49.99, not +50).
                let (rise, urgent, _) = r.limits.creatinine;
                let shown = fmt_beside(c, &[rise, urgent], 0);
                if c >= 0.0 { format!("+{shown}") } else { shown }
            })],
        ),
        (_, Some(c)) => format!("{}{}", if c >= 0.0 { "+" } else { "" }, fmt_num(c, dec)),
        (_, None) => dash(),
    };
    let mut status = crate::present::status::with_window(
        i,
        match l.flag {
            Flag::Normal => "clinic.flag_ok",
            Flag::High => "clinic.flag_high",
            Flag::Low => "clinic.flag_low",
            Flag::Unknown => "clinic.flag_unknown",
        },
        window,
    );
    if let Item::Lab(Analyte::CsaTrough) = l.item {
        let h = l
            .hours
            .map(|h| match l.from_log {
                true => i.tf("clinic.hours_after_logged", &[("h", &fmt_hours(h, window))]),
                false => i.tf("clinic.hours_after", &[("h", &fmt_hours(h, window))]),
            })
            .unwrap_or_else(|| i.t("clinic.no_timing").into());
        status = format!("{status} · {h}");
    }
    let flagged = matches!(l.flag, Flag::High | Flag::Low);
    vec![
        plain(name),
        toned(value, flagged),
        plain(day(&l.at)),
        plain(change),
        toned(status, flagged),
    ]
}

fn page_one(r: &Report, i: &I18n) -> Vec<Block> {
    let mut b = vec![
        Block::Title(i.t("report.title").into()),
        Block::Line(plain(patient_line(r, i))),
    ];
    b.push(Block::Heading(i.t("clinic.treatment").into()));
    b.push(Block::Pairs(treatment(r, i)));
    b.push(Block::Heading(i.t("clinic.latest").into()));
    let head = [
        "clinic.col_test",
        "clinic.col_value",
        "clinic.col_date",
        "clinic.col_change",
        "clinic.col_status",
    ]
    .map(|k| i.t(k).to_string());
    b.push(Block::Table {
        head: head.to_vec(),
        rows: r.latest.iter().map(|l| latest_row(l, r, i)).collect(),
    });
    b.push(Block::Heading(i.t("clinic.alerts_now").into()));
    let alerts: Vec<Cell> = r
        .alerts
        .iter()
        .map(|a| {
            toned(
                format!(
                    "[{}] {}",
                    i.t(&format!("severity_word.{}", a.severity.code())),
                    reminder_message(a, i)
                ),
                a.severity == crate::domain::reminders::Severity::Urgent,
            )
        })
        .collect();
    b.push(Block::List(capped(alerts, i)));
    b.push(Block::Heading(i.t("clinic.since_visit").into()));
    b.push(Block::List(capped(bleeds_and_effects(r, i), i)));
    b.push(Block::Heading(i.t("report.questions").into()));
    b.push(Block::List(capped(
        r.questions.iter().map(plain).collect(),
        i,
    )));
    b
}

/// At most MAX_ITEMS lines and a count of the rest; "none" when empty.
fn capped(mut v: Vec<Cell>, i: &I18n) -> Vec<Cell> {
    if v.is_empty() {
        return vec![Cell {
            text: i.t("report.none").into(),
            tone: Tone::Muted,
        }];
    }
    if v.len() > MAX_ITEMS {
        let more = v.len() - MAX_ITEMS + 1;
        v.truncate(MAX_ITEMS - 1);
        v.push(Cell {
            text: i.tf("clinic.more", &[("n", &more.to_string())]),
            tone: Tone::Muted,
        });
    }
    v
}

fn bleeds_and_effects(r: &Report, i: &I18n) -> Vec<Cell> {
    let line = |at: &DateTime<FixedOffset>, d: EntryData, n: &Option<String>| {
        format!(
            "{} {} {}{}",
            day(at),
            what(&d, i),
            value(&d, i),
            n.as_ref().map(|n| format!(" — {n}")).unwrap_or_default()
        )
    };
    r.bleeding
        .iter()
        .map(|(at, b, n)| toned(line(at, EntryData::Bleeding(b.clone()), n), b.care_needed))
        .chain(r.side_effects.iter().map(|(at, s, n)| {
            toned(
                line(at, EntryData::SideEffect(s.clone()), n),
                s.severity.unwrap_or(0) >= 3,
            )
        }))
        .collect()
}

/// A table, or "none" when it has no rows.
fn table_or_none(t: Block, i: &I18n) -> Block {
    match t {
        Block::Table { rows, .. } if rows.is_empty() => Block::List(vec![Cell {
            text: i.t("report.none").into(),
            tone: Tone::Muted,
        }]),
        other => other,
    }
}
