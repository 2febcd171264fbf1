//! The key line under Today. `t` names the slot it will answer before it is pressed ("t take
//! 20:00 dose (CsA 75 mg)"), or says that it will ask which (a missed slot and a due one), from
//! the same decision the key makes (`dialogs::slots::next_answer`). The line keeps the keys a
//! patient needs every day and drops the others when the terminal is narrow.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::domain::drugs::Drug;
use crate::domain::units::fmt_num;
use crate::present::i18n::I18n;
use crate::tui::app::App;
use crate::tui::dialogs::slots::Next;

/// Separator between two keys.
const GAP: &str = "  ";

/// The short name a key line uses for a drug (CsA), else its label.
fn short_drug(i: &I18n, d: Drug) -> String {
    let key = format!("drug_short.{}", d.code());
    if i.has(&key) {
        i.t(&key).to_string()
    } else {
        i.t(&d.label_key()).to_string()
    }
}

/// What `t` does now, in words.
pub fn take_text(i: &I18n, next: &Next) -> String {
    let hm = |at: chrono::DateTime<chrono::FixedOffset>| at.format("%H:%M").to_string();
    match next {
        Next::Answer(p) => {
            let key = if p.state == crate::domain::dosing::SlotState::Missed {
                "take_hint.take_late"
            } else {
                "take_hint.take"
            };
            i.tf(
                key,
                &[
                    ("time", &hm(p.at)),
                    ("drug", &short_drug(i, p.drug)),
                    ("amount", &fmt_num(p.amount, 3)),
                    ("unit", &p.unit),
                ],
            )
        }
        Next::Confirm { pick, .. } if pick.state == crate::domain::dosing::SlotState::Missed => i
            .tf(
                "take_guard.hint_take_late_confirm",
                &[("time", &hm(pick.at))],
            ),
        Next::Confirm { pick, .. } => i.tf(
            "take_guard.hint_take_soon_confirm",
            &[("time", &hm(pick.at))],
        ),
        Next::Ask(open) => match open.as_slice() {
            [(missed, a), (due, b)] if crate::tui::dialogs::slots::missed_then_due(&[*a, *b]) => i
                .tf(
                    "take_hint.ask",
                    &[("missed", &hm(*missed)), ("due", &hm(*due))],
                ),
            _ => {
                let times: Vec<String> = open.iter().map(|o| hm(o.0)).collect();
                i.tf("take_guard.hint_ask_many", &[("times", &times.join(", "))])
            }
        },
        Next::NotYet(next) => i.tf("take_guard.hint_not_due", &[("time", &hm(*next))]),
        Next::NothingDue | Next::Answered(_) => i.t("take_hint.none").to_string(),
        Next::NoRegimen => i.t("take_hint.no_plan").to_string(),
    }
}

/// Whether `s` answers a slot now: the one `t` names, a missed one it skips without the
/// question, or one of those it asks about. With nothing open (not yet, all answered, no
/// plan) it only says so, and is not offered.
fn skips_now(next: &Next) -> bool {
    matches!(next, Next::Answer(_) | Next::Confirm { .. } | Next::Ask(_))
}

/// The pieces of the line in order, each with whether it may be left out when narrow.
/// `s` is offered only when it has a slot to skip; without a plan `R` starts one.
fn pieces(i: &I18n, next: &Next) -> Vec<(String, bool)> {
    let t = |k: &str| i.t(k).to_string();
    let no_plan = matches!(next, Next::NoRegimen);
    let mut keep = vec![(take_text(i, next), false)];
    if skips_now(next) {
        keep.push((t("take_hint.skip"), false));
    }
    let plan = if no_plan {
        "take_hint.start_plan"
    } else {
        "take_hint.plan"
    };
    keep.extend([
        (t(plan), false),
        (t("take_hint.platelets"), true),
        (t("take_hint.new"), true),
        (t("take_hint.export"), true),
        (t("take_hint.help"), false),
        (t("take_hint.quit"), false),
    ]);
    keep
}

/// The pieces that fit in `width`: every required one, then the optional ones in order while
/// they fit (once one does not, none after it: `p` is never dropped for a shorter `E`).
fn fit(pieces: Vec<(String, bool)>, width: usize) -> Vec<String> {
    let w = |s: &str| s.width() + GAP.len();
    let mut used: usize = pieces.iter().filter(|p| !p.1).map(|p| w(&p.0)).sum();
    let mut full = false;
    let mut keep = Vec::new();
    for (text, optional) in pieces {
        if optional {
            full = full || used + w(&text) > width + GAP.len();
            if full {
                continue;
            }
            used += w(&text);
        }
        keep.push(text);
    }
    keep
}

/// Today's key line for a terminal `width` columns wide.
pub fn today(app: &App, width: u16) -> Line<'static> {
    let (i, th) = (&app.ctx.i18n, &app.ctx.theme);
    let Some(next) = &app.view.next_dose else {
        return Line::from(Span::styled(i.t("hint.today").to_string(), th.dim()));
    };
    let parts = fit(pieces(i, next), usize::from(width));
    let mut spans = Vec::new();
    for (n, text) in parts.into_iter().enumerate() {
        if n > 0 {
            spans.push(Span::styled(GAP, th.dim()));
        }
        // The slot `t` answers stands out; the other keys are dim.
        let style = if n == 0 { th.focus() } else { th.dim() };
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_lines_drop_optional_keys_and_keep_the_order() {
        let p = |s: &str, o| (s.to_string(), o);
        let all = vec![
            p("t take", false),
            p("p platelets", true),
            p("q quit", false),
        ];
        assert_eq!(fit(all.clone(), 80), ["t take", "p platelets", "q quit"]);
        // "t take  q quit" is 14 wide; the optional key needs 13 more.
        assert_eq!(fit(all.clone(), 26), ["t take", "q quit"]);
        assert_eq!(fit(all, 27), ["t take", "p platelets", "q quit"]);
    }

    #[test]
    fn a_later_shorter_key_never_takes_the_place_of_an_earlier_one() {
        let p = |s: &str, o| (s.to_string(), o);
        let all = vec![
            p("t take", false),
            p("p platelets", true),
            p("E export", true),
            p("q quit", false),
        ];
        // "E export" would fit where "p platelets" does not: neither is shown.
        assert_eq!(fit(all, 25), ["t take", "q quit"]);
    }
}
