//! The clinic summary as Markdown, for pasting into a message.

use std::io::{self, Write};

use super::html::{summary, tables};
use super::report::Report;
use crate::present::describe::reminder_message;
use crate::present::i18n::I18n;

/// Raw HTML in a note or a question (`<img onerror>`, `<script>`) must stay text: Markdown
/// renderers pass HTML through, so `&`, `<` and `>` become entities (shown as typed).
fn text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn cell(s: &str) -> String {
    text(s.trim_start_matches('!'))
        .replace('|', "\\|")
        .replace('\n', " ")
}

pub fn write(w: &mut impl Write, r: &Report, i: &I18n) -> io::Result<()> {
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
    writeln!(w, "\n_{}_", i.t("report.disclaimer"))
}
