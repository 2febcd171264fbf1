//! Overlays drawn over a screen: the help (generated from the keymap), a log form, a
//! confirmation.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::present::describe::pad;
use crate::present::sanitize::visible;
use crate::tui::app::{App, Confirm};
use crate::tui::dialogs::form::Form;
use crate::tui::keymap::{Context, help_rows};

pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    r
}

pub fn help(f: &mut Frame, area: Rect, app: &App) {
    let i = &app.ctx.i18n;
    let r = area;
    f.render_widget(Clear, r);
    // Two columns when there is room.
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(i.t("help.title"), app.ctx.theme.title()));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let cols = if inner.width >= 100 { 2 } else { 1 };
    let areas = Layout::horizontal(vec![Constraint::Ratio(1, cols as u32); cols])
        .spacing(3)
        .split(inner);
    let col_w = areas.iter().map(|a| a.width as usize).min().unwrap_or(40);
    let columns = split_columns(help_blocks(app, col_w), cols);
    for (chunk, a) in columns.into_iter().zip(areas.iter()) {
        // Scrolled with ↑/↓ when it does not fit.
        let max = (chunk.len() as u16).saturating_sub(a.height);
        f.render_widget(
            Paragraph::new(chunk).scroll((app.help_scroll.min(max), 0)),
            *a,
        );
    }
}

/// Whole blocks per column (a description never breaks across columns), in order, with the
/// tallest column as short as it can be.
fn split_columns(blocks: Vec<Vec<Line<'static>>>, cols: usize) -> Vec<Vec<Line<'static>>> {
    let heights: Vec<usize> = blocks.iter().map(Vec::len).collect();
    let total: usize = heights.iter().sum();
    // The smallest column height at which the blocks fit in `cols` columns (greedy fill).
    let fits = |h: usize| {
        let (mut used, mut n) = (0, 1);
        for &b in &heights {
            if used + b > h && used > 0 {
                n += 1;
                used = 0;
            }
            used += b;
        }
        n <= cols
    };
    let tallest = heights.iter().copied().max().unwrap_or(0);
    let h = (total.div_ceil(cols).max(tallest)..=total)
        .find(|h| fits(*h))
        .unwrap_or(total);
    let mut columns: Vec<Vec<Line>> = vec![Vec::new(); cols];
    let mut c = 0;
    for bl in blocks {
        if c + 1 < cols && !columns[c].is_empty() && columns[c].len() + bl.len() > h {
            c += 1;
        }
        columns[c].extend(bl);
    }
    columns
}

/// The help as blocks of lines (a context heading; one key with its whole description,
/// wrapped under itself), `width` columns wide.
fn help_blocks(app: &App, width: usize) -> Vec<Vec<Line<'static>>> {
    let i = &app.ctx.i18n;
    // Everywhere first, then each screen, then forms: the keys a patient needs most on top.
    let order = [
        Context::Global,
        Context::Today,
        Context::History,
        Context::Reminders,
        Context::Trends,
        Context::Form,
        Context::Confirm,
    ];
    let mut rows = help_rows();
    rows.sort_by_key(|r| order.iter().position(|c| *c == r.0).unwrap_or(order.len()));
    let key_w = rows
        .iter()
        .map(|r| unicode_width::UnicodeWidthStr::width(r.1.as_str()))
        .max()
        .unwrap_or(10)
        .min(width / 3)
        + 2;
    let mut blocks = Vec::new();
    let mut ctx = None;
    for (c, keys, help) in rows {
        let mut block = Vec::new();
        // A context's heading goes with its first key, never alone at a column's foot.
        if ctx != Some(c) {
            block.push(Line::from(Span::styled(
                i.t(c.label_key()).to_string(),
                app.ctx.theme.title(),
            )));
            ctx = Some(c);
        }
        // Keys too long for their column get a line of their own.
        let keys_w = unicode_width::UnicodeWidthStr::width(keys.as_str());
        if keys_w + 2 > key_w {
            block.push(Line::from(Span::styled(
                keys.clone(),
                app.ctx.theme.focus(),
            )));
        }
        let desc_w = width.saturating_sub(key_w).max(8);
        for (n, part) in crate::tui::widgets::wrap::wrap(i.t(help), desc_w)
            .into_iter()
            .enumerate()
        {
            let lead = if n == 0 && keys_w + 2 <= key_w {
                pad(&keys, key_w)
            } else {
                " ".repeat(key_w)
            };
            block.push(Line::from(vec![
                Span::styled(lead, app.ctx.theme.focus()),
                Span::raw(part),
            ]));
        }
        blocks.push(block);
    }
    blocks
}

pub fn form(f: &mut Frame, area: Rect, app: &App, form: &Form) {
    let i = &app.ctx.i18n;
    let th = &app.ctx.theme;
    let title = match form.editing {
        Some(id) => i.tf(
            "form.edit_title",
            &[
                ("kind", i.t(&form.kind.label_key())),
                ("id", &id.to_string()),
            ],
        ),
        None => i.tf("form.new_title", &[("kind", i.t(&form.kind.label_key()))]),
    };
    let label_w = form
        .fields
        .iter()
        .map(|fl| unicode_width::UnicodeWidthStr::width(i.field(fl.code).as_str()))
        .max()
        .unwrap_or(8)
        + 2;
    let mut lines: Vec<Line> = Vec::new();
    for (n, fl) in form.fields.iter().enumerate() {
        let focused = n == form.focus;
        let label = Span::styled(
            pad(&i.field(fl.code), label_w),
            if focused { th.focus() } else { th.label() },
        );
        if focused && !fl.is_choice() {
            // The line editor: the cursor is the reversed cell.
            let (before, under, after) = super::line_edit::split(&fl.value, fl.cursor);
            // The text underlined, the cursor cell reversed (visible in NO_COLOR too).
            let text =
                ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::UNDERLINED);
            lines.push(Line::from(vec![
                label,
                Span::styled(visible(&before).into_owned(), text),
                Span::styled(visible(&under).into_owned(), th.selected()),
                Span::styled(visible(&after).into_owned(), text),
            ]));
        } else {
            lines.push(field_line(fl, focused, label, app));
        }
        if fl.code == "last_dose" {
            for hint in super::prefill::last_dose_hint(form, &app.ctx.clock, i) {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(label_w)),
                    Span::styled(hint, th.dim()),
                ]));
            }
        }
    }
    lines.push(Line::from(""));
    if let Some(e) = form.error.as_ref().filter(|_| form.dirty || form.attempted) {
        lines.push(Line::from(Span::styled(e.clone(), th.error())));
    }
    for w in &form.warnings {
        lines.push(Line::from(Span::styled(w.clone(), th.warn())));
    }
    lines.push(Line::from(Span::styled(i.t("form.hint"), th.dim())));
    let h = (lines.len() as u16 + 4).min(area.height);
    let r = centered(area, 76, h);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(title, th.title())),
        ),
        r,
    );
}

/// A form field that is not being typed into.
fn field_line<'a>(
    fl: &crate::tui::dialogs::form::Field,
    focused: bool,
    label: Span<'a>,
    app: &App,
) -> Line<'a> {
    let i = &app.ctx.i18n;
    let th = &app.ctx.theme;
    let shown = if fl.is_choice() {
        format!("< {} >", fl.shown())
    } else if fl.value.is_empty() && fl.code == "at" {
        i.t("form.now").to_string()
    } else {
        visible(&fl.value).into_owned()
    };
    let style = if focused {
        th.selected()
    } else if fl.value.is_empty() && !fl.is_choice() {
        th.dim()
    } else {
        ratatui::style::Style::new()
    };
    Line::from(vec![label, Span::styled(shown, style)])
}

pub fn confirm(f: &mut Frame, area: Rect, app: &App, c: Confirm) {
    let i = &app.ctx.i18n;
    let text = match c {
        Confirm::Delete(id) => {
            // Name the entry (from the rows on screen: drawing runs no query).
            let what = app
                .history()
                .rows
                .iter()
                .find(|e| e.id == id)
                .map(|e| crate::present::describe::summary(e, &app.ctx.clock, i))
                .unwrap_or_default();
            i.tf(
                "confirm.delete",
                &[("id", &id.to_string()), ("what", &what)],
            )
        }
        Confirm::DiscardForm => i.t("confirm.discard").to_string(),
        Confirm::QuitWithForm => i.t("confirm.quit").to_string(),
    };
    let r = centered(area, 70, 6);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(vec![
            Line::from(text),
            Line::from(Span::styled(i.t("confirm.keys"), app.ctx.theme.dim())),
        ])
        .wrap(Wrap { trim: true })
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(i.t("confirm.title"), app.ctx.theme.warn())),
        ),
        r,
    );
}

pub fn export(
    f: &mut Frame,
    area: Rect,
    app: &App,
    form: &crate::tui::dialogs::export::ExportForm,
) {
    let i = &app.ctx.i18n;
    let th = &app.ctx.theme;
    let fields = [
        (
            i.t("exportui.format"),
            format!("< {} >", form.format().code()),
        ),
        (
            i.t("exportui.period"),
            format!(
                "< {} >",
                i.t(&format!(
                    "exportui.{}",
                    crate::tui::dialogs::export::PERIODS[form.period]
                ))
            ),
        ),
        (
            i.t("exportui.lang"),
            format!("< {} >", if form.lang == 1 { "中文" } else { "English" }),
        ),
        (i.t("exportui.path"), format!("{}_", form.path)),
    ];
    let w = fields
        .iter()
        .map(|(l, _)| unicode_width::UnicodeWidthStr::width(*l))
        .max()
        .unwrap_or(8)
        + 2;
    let mut lines: Vec<Line> = fields
        .iter()
        .enumerate()
        .map(|(n, (l, v))| {
            let focused = n == form.focus;
            Line::from(vec![
                Span::styled(pad(l, w), if focused { th.focus() } else { th.label() }),
                Span::styled(
                    v.clone(),
                    if focused {
                        th.selected()
                    } else {
                        ratatui::style::Style::new()
                    },
                ),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    if let Some(e) = &form.error {
        lines.push(Line::from(Span::styled(e.clone(), th.error())));
    }
    lines.push(Line::from(Span::styled(i.t("exportui.hint"), th.dim())));
    let r = centered(area, 76, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(i.t("exportui.title"), th.title())),
        ),
        r,
    );
}
