//! The appendix (`--full`): labs as one row per date and one column per test, dose changes,
//! events and the trough table with the hours after the dose.

use super::*;
use crate::domain::overview::fmt_hours;

pub(super) fn appendix(r: &Report, i: &I18n) -> Vec<Block> {
    let mut b = vec![Block::Heading(i.t("clinic.appendix_labs").into())];
    let mut cols: Vec<Analyte> = r.all_labs.iter().map(|l| l.1).collect();
    cols.sort_by_key(|a| Analyte::ALL.iter().position(|x| x == a));
    cols.dedup();
    let mut by_day: BTreeMap<String, BTreeMap<Analyte, Cell>> = BTreeMap::new();
    for (at, a, v, f) in &r.all_labs {
        by_day.entry(day(at)).or_default().insert(
            *a,
            toned(fmt_num(*v, 3), matches!(f, Flag::High | Flag::Low)),
        );
    }
    for (at, v) in &r.platelets {
        by_day.entry(day(at)).or_default();
        let _ = v;
    }
    let plt: BTreeMap<String, f64> = r.platelets.iter().map(|(at, v)| (day(at), *v)).collect();
    let mut head = vec![i.t("clinic.col_date").to_string(), "PLT".into()];
    head.extend(cols.iter().map(|a| short(*a)));
    let rows = by_day
        .iter()
        .map(|(d, m)| {
            let mut row = vec![
                plain(d.clone()),
                plt.get(d)
                    .map(|v| toned(fmt_num(*v, 2), *v < r.limits.platelets_low.0))
                    .unwrap_or_else(|| plain("")),
            ];
            row.extend(
                cols.iter()
                    .map(|a| m.get(a).cloned().unwrap_or_else(|| plain(""))),
            );
            row
        })
        .collect();
    b.push(Block::Table { head, rows });
    b.push(Block::Heading(i.t("clinic.appendix_doses").into()));
    b.push(table_or_none(
        Block::Table {
            head: vec![
                i.t("clinic.col_date").into(),
                i.t("field.drug").into(),
                i.t("field.dose").into(),
                i.t("field.formulation").into(),
            ],
            rows: r
                .dose_changes
                .iter()
                .map(|(d, drug, s)| {
                    vec![
                        plain(d.to_string()),
                        plain(i.t(&drug.label_key())),
                        plain(s.describe()),
                        plain(s.formulation.clone().unwrap_or_default()),
                    ]
                })
                .collect(),
        },
        i,
    ));
    b.push(Block::Heading(i.t("report.events").into()));
    let mut ev: Vec<Cell> = bleeds_and_effects(r, i);
    ev.extend(r.events.iter().map(|(at, e, n)| {
        let d = EntryData::Event(e.clone());
        plain(format!(
            "{} {} {}{}",
            day(at),
            what(&d, i),
            value(&d, i),
            n.as_ref().map(|n| format!(" — {n}")).unwrap_or_default()
        ))
    }));
    ev.sort_by(|a, b| a.text.cmp(&b.text));
    b.push(Block::List(if ev.is_empty() {
        vec![Cell {
            text: i.t("report.none").into(),
            tone: Tone::Muted,
        }]
    } else {
        ev
    }));
    b.push(Block::Heading(i.t("field.csa_trough").into()));
    b.push(table_or_none(
        Block::Table {
            head: vec![
                i.t("cli.col_time").into(),
                "ng/mL".into(),
                i.t("report.hours").into(),
                i.t("report.trough_ok").into(),
            ],
            rows: r
                .troughs
                .iter()
                .map(|t| {
                    vec![
                        plain(t.at.format("%Y-%m-%d %H:%M").to_string()),
                        toned(
                            format!(
                                "{} ({})",
                                crate::domain::units::fmt_beside(t.value, &r.trough_lines, 0),
                                i.t(&t.band.label_key())
                            ),
                            t.band.is_judged()
                                && t.band != crate::domain::overview::TroughBand::InTarget,
                        ),
                        plain(
                            t.hours
                                .map(|h| fmt_hours(h, r.trough_window))
                                .unwrap_or_else(dash),
                        ),
                        match t.valid {
                            Some(true) => plain(i.t("form.yes")),
                            Some(false) => toned(
                                crate::present::status::with_window(
                                    i,
                                    "report.not_trough",
                                    r.trough_window,
                                ),
                                true,
                            ),
                            None => plain(i.t("clinic.no_timing")),
                        },
                    ]
                })
                .collect(),
        },
        i,
    ));
    b
}

/// The abbreviation lab sheets print (same in both languages).
fn short(a: Analyte) -> String {
    match a {
        Analyte::CsaTrough => "CsA C0",
        Analyte::CsaC2 => "CsA C2",
        Analyte::Creatinine => "Cr",
        Analyte::Egfr => "eGFR",
        Analyte::Bun => "BUN",
        Analyte::Urea => "Urea",
        Analyte::Alt => "ALT",
        Analyte::Ast => "AST",
        Analyte::Bilirubin => "TBIL",
        Analyte::Potassium => "K",
        Analyte::Magnesium => "Mg",
        Analyte::UricAcid => "UA",
        Analyte::Cholesterol => "TC",
        Analyte::Triglycerides => "TG",
        Analyte::Haemoglobin => "HGB",
        Analyte::Wbc => "WBC",
        Analyte::Glucose => "GLU",
    }
    .into()
}
