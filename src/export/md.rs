//! The clinic summary as Markdown, for pasting into a message.

use std::io::{self, Write};

use super::html::{summary, tables};
use super::report::Report;
use crate::domain::entry::{Entry, EntryData};
use crate::domain::units::fmt_num;
use crate::present::describe::reminder_message;
use crate::present::i18n::I18n;

/// Raw HTML in a note or a question (`<img onerror>`, `<script>`) must stay text: Markdown
/// renderers pass HTML through, so `&`, `<` and `>` become entities (shown as typed).
/// Control and text-direction characters are shown, not passed to a terminal that `cat`s the
/// file.
fn text(s: &str) -> String {
    crate::present::sanitize::visible(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A table cell: pipes escaped, one line, no HTML or Markdown a reader would act on.
fn cell(s: &str) -> String {
    text(s.trim_start_matches('!'))
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .chars()
        .flat_map(|c| {
            let escape = matches!(c, '*' | '_' | '`' | '[' | ']');
            escape.then_some('\\').into_iter().chain(std::iter::once(c))
        })
        .collect()
}

/// Every platelet count and lab result of the period (uric acid, lipids, glucose,
/// haemoglobin, WBC, CsA C2 … whatever was logged), with the lab, the reference range and the
/// note; a time logged at another UTC offset than the report's shows its offset. Written a
/// row at a time as the entries are read ([`Results::row`]), then [`Results::finish`].
pub struct Results {
    rows: usize,
}

impl Results {
    /// The section's heading.
    pub fn start(w: &mut impl Write, i: &I18n) -> io::Result<Results> {
        writeln!(w, "\n## {}\n", i.t("exchange.md_results"))?;
        Ok(Results { rows: 0 })
    }

    /// One result (other entries are passed over); the table's head before the first.
    pub fn row(&mut self, w: &mut impl Write, r: &Report, i: &I18n, e: &Entry) -> io::Result<()> {
        let Some((test, value, reference, lab)) = result_cells(e, i) else {
            return Ok(());
        };
        if self.rows == 0 {
            let head = [
                i.t("exchange.md_time"),
                i.t("exchange.md_test"),
                i.t("exchange.md_value"),
                i.t("exchange.md_reference"),
                i.t("exchange.md_lab"),
                i.t("exchange.md_note"),
            ];
            writeln!(w, "| {} |", head.join(" | "))?;
            writeln!(w, "|{}", "---|".repeat(head.len()))?;
        }
        self.rows += 1;
        let home = r.generated.offset().local_minus_utc();
        let time = if e.at.offset().local_minus_utc() == home {
            e.at.format("%Y-%m-%d %H:%M").to_string()
        } else {
            e.at.format("%Y-%m-%d %H:%M (UTC%:z)").to_string()
        };
        let cells = [
            time,
            test,
            value,
            reference,
            lab.unwrap_or_default(),
            e.note.clone().unwrap_or_default(),
        ];
        let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        writeln!(w, "| {} |", cells.join(" | "))
    }

    /// "None" when no result was written; then the disclaimer that ends the report.
    pub fn finish(self, w: &mut impl Write, i: &I18n) -> io::Result<()> {
        if self.rows == 0 {
            writeln!(w, "{}", i.t("report.none"))?;
        }
        writeln!(w, "\n_{}_", i.t("report.disclaimer"))
    }
}

/// Test, value, reference range and lab of a result; `None` for other entries.
fn result_cells(e: &Entry, i: &I18n) -> Option<(String, String, String, Option<String>)> {
    Some(match &e.data {
        EntryData::Platelets(p) => (
            i.field("platelets"),
            format!("{} {}", fmt_num(p.entered.value, 3), p.entered.unit),
            String::new(),
            p.lab.clone(),
        ),
        EntryData::Lab(l) => {
            let unit = l.analyte.quantity().canonical().display;
            let side = |v: Option<f64>| v.map(|x| fmt_num(x, 3)).unwrap_or_default();
            let reference = if l.reference.low.is_some() || l.reference.high.is_some() {
                format!(
                    "{}–{} {unit}",
                    side(l.reference.low),
                    side(l.reference.high)
                )
            } else {
                String::new()
            };
            let mut value = format!("{} {unit}", fmt_num(l.value, 3));
            if l.entered.unit != unit {
                value.push_str(&format!(
                    " ({} {})",
                    fmt_num(l.entered.value, 3),
                    l.entered.unit
                ));
            }
            (i.field(l.analyte.code()), value, reference, l.lab.clone())
        }
        _ => return None,
    })
}

/// The report up to its results table (see [`Results`], which follows and ends it).
pub fn write_head(w: &mut impl Write, r: &Report, i: &I18n) -> io::Result<()> {
    writeln!(w, "# {}", i.t("report.title"))?;
    writeln!(
        w,
        "\n{}: {} — {} · {}: {}\n",
        i.t("report.period"),
        r.from.format("%Y-%m-%d"),
        r.last().format("%Y-%m-%d"),
        i.t("report.generated"),
        r.generated.format("%Y-%m-%d %H:%M")
    )?;
    writeln!(w, "## {}\n", i.t("report.summary"))?;
    for (k, v) in summary(r, i) {
        writeln!(w, "- **{}**: {}", text(&k), text(&v))?;
    }
    writeln!(w, "\n## {}\n", i.t("report.alerts"))?;
    if r.alerts.is_empty() {
        writeln!(w, "{}", i.t("today.nothing_due"))?;
    }
    for a in &r.alerts {
        writeln!(
            w,
            "- [{}] {}",
            i.t(&format!("severity_word.{}", a.severity.code())),
            text(&reminder_message(a, i))
        )?;
    }
    writeln!(w, "\n## {}\n", i.t("report.questions"))?;
    if r.questions.is_empty() {
        writeln!(w, "—")?;
    }
    for (n, q) in r.questions.iter().enumerate() {
        writeln!(w, "{}. {}", n + 1, text(&q.replace('\n', " ")))?;
    }
    for (title, head, rows) in tables(r, i) {
        writeln!(w, "\n## {title}\n")?;
        if rows.is_empty() {
            writeln!(w, "{}", i.t("report.none"))?;
            continue;
        }
        writeln!(
            w,
            "| {} |",
            head.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | ")
        )?;
        writeln!(w, "|{}", "---|".repeat(head.len()))?;
        for row in rows {
            let cells: Vec<String> = row
                .iter()
                .map(|c| {
                    if c.starts_with('!') {
                        format!("**{}**", cell(c))
                    } else {
                        cell(c)
                    }
                })
                .collect();
            writeln!(w, "| {} |", cells.join(" | "))?;
        }
    }
    Ok(())
}
