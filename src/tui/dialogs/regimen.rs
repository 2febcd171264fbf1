//! `R` on Today: record a change of the treatment plan (a taper step, an increase, new times or
//! a new brand). The dialog is prefilled with the plan in force, shows the current daily dose in
//! mg and mg/(kg·d) and what the typed one would be, and saves through the same service as
//! `itp-diary regimen change` (`app::course::change_regimen`), so a refusal reads the same and
//! the earlier plan is kept. It never proposes a dose: the amounts are the care team's.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::app::course::{self, ChangeInput, CourseError};
use crate::app::plan_checks::PlanError;
use crate::domain::regimen::{Regimen, Step, StepKind};
use crate::domain::units::fmt_num;
use crate::present::describe::pad;
use crate::present::i18n::I18n;
use crate::present::sanitize::visible;
use crate::tui::action::Action;
use crate::tui::app::{App, Confirm, Modal};
use crate::tui::dialogs::form::{Defaults, Field, Form};
use crate::tui::dialogs::line_edit::{self, Edit};
use crate::tui::dialogs::setup::{edit_fields, form, text};
use crate::tui::dialogs::slots::Undo;

/// The kinds of step offered, in order; `auto` lets the amounts say (taper / increase).
const KINDS: [&str; 5] = ["auto", "taper", "increase", "maintenance", "change"];

/// The open dialog: the plan as read, its fields, and the new plan as typed so far.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanChange {
    pub form: Form,
    /// The regimen as read when the dialog opened.
    pub regimen: Regimen,
    /// The step shown as "now".
    pub current: Step,
    /// The newest step when the dialog opened: a plan changed elsewhere since is refused.
    pub read: Option<i64>,
    /// The latest weight, for mg/(kg·d).
    pub weight: Option<f64>,
    /// The new plan as typed (`None` while it does not read yet).
    pub preview: Option<Step>,
    /// The label maximum in mg/(kg·d) (the setting).
    pub label_max: Option<f64>,
    /// The second look was shown: Enter again saves as typed (any typing clears it).
    pub confirmed: bool,
}

fn join(step: &Step, f: impl Fn(&crate::domain::regimen::Slot) -> String) -> String {
    step.slots.iter().map(f).collect::<Vec<_>>().join(", ")
}

impl PlanChange {
    /// The dialog over `r`, prefilled with `current` and taking effect on `from`.
    pub fn new(i: &I18n, r: Regimen, current: Step, from: NaiveDate, weight: Option<f64>) -> Self {
        let kinds = KINDS
            .iter()
            .map(|c| {
                let label = match *c {
                    "auto" => i.t("plan_change.kind_auto").to_string(),
                    "change" => i.t("plan_change.kind_change").to_string(),
                    k => i.t(&format!("step.{k}")).to_string(),
                };
                (c.to_string(), label)
            })
            .collect();
        let fields = vec![
            text("dose", &join(&current, |s| fmt_num(s.amount, 3))),
            text(
                "times",
                &join(&current, |s| s.time.format("%H:%M").to_string()),
            ),
            text("formulation", current.formulation.as_deref().unwrap_or("")),
            Field {
                choices: kinds,
                ..text("step", "")
            },
            text("from", &from.to_string()),
            text("note", ""),
        ];
        let read = r.steps.iter().map(|s| s.id).max();
        PlanChange {
            form: form(fields),
            regimen: r,
            current,
            read,
            weight,
            preview: None,
            label_max: None,
            confirmed: false,
        }
    }

    /// The fields as the shared service reads them.
    pub fn input(&self) -> ChangeInput {
        let typed = |code: &str| Some(self.form.get(code).trim().to_string());
        ChangeInput {
            drug: Some(self.regimen.drug.code().to_string()),
            dose: typed("dose"),
            times: typed("times"),
            from: typed("from"),
            formulation: typed("formulation"),
            kind: StepKind::from_code(&self.form.get("step")),
            note: typed("note"),
            read: self.read,
            confirmed: self.confirmed,
            label_max: self.label_max,
        }
    }

    /// Recompute the new plan shown under the fields (pure: no store).
    fn update_preview(&mut self, clock: &crate::domain::clock::Clock) {
        let input = self.input();
        self.preview = course::change_day(clock, &input)
            .and_then(|d| course::change_step(&self.regimen, d, &input))
            .ok()
            .map(|(_, s)| Step {
                id: 0,
                effective_from: s.effective_from,
                kind: s.kind,
                slots: s.slots,
                unit: s.unit,
                every_days: s.every_days,
                formulation: s.formulation,
                note: s.note,
            });
    }
}

impl App {
    /// `R` on Today: open the change dialog on the plan in force today (or, for a plan that
    /// starts later, its first step).
    pub(crate) fn open_plan_change(&mut self) {
        let today = self.ctx.clock.today();
        let found = self
            .ctx
            .store
            .regimens()
            .map_err(CourseError::from)
            .and_then(|all| course::target(&all, None, today).cloned());
        let r = match found {
            Ok(r) => r,
            Err(CourseError::Store(e)) => return self.error(e.to_string()),
            Err(e) => return self.error(e.message(&self.ctx.i18n)),
        };
        let Some(current) = r.step_on(today).or(r.steps.first()).cloned() else {
            return self.error(CourseError::NoneActive.message(&self.ctx.i18n));
        };
        let weight = self
            .view
            .status
            .as_ref()
            .and_then(|s| s.dose.as_ref())
            .and_then(|d| d.weight_kg);
        let from = today.max(r.start);
        let mut p = PlanChange::new(&self.ctx.i18n, r, current, from, weight);
        p.label_max = Some(self.ctx.settings.thresholds.mg_per_kg_warn);
        p.update_preview(&self.ctx.clock);
        self.modal = Some(Modal::PlanChange(Box::new(p)));
    }

    /// The keys of the change dialog; `false` when it is not open.
    pub(crate) fn plan_change_key(&mut self, a: Action) -> bool {
        let Some(Modal::PlanChange(p)) = &mut self.modal else {
            return false;
        };
        match a {
            Action::FormSave => self.save_plan_change(),
            // Typed text is never thrown away without a question.
            Action::FormCancel if p.form.dirty => self.confirm = Some(Confirm::DiscardForm),
            Action::Quit if p.form.dirty => self.confirm = Some(Confirm::QuitWithForm),
            Action::FormCancel => self.modal = None,
            Action::Quit => self.running = false,
            // The note is bounded by its check (as every note), not cut by the line editor.
            Action::FormChar(c)
                if p.form
                    .fields
                    .get(p.form.focus)
                    .is_some_and(|f| f.code == "note") =>
            {
                let f = &mut p.form.fields[p.form.focus];
                if line_edit::apply_up_to(&mut f.value, &mut f.cursor, Edit::Insert(c), usize::MAX)
                {
                    p.form.dirty = true;
                    self.plan_change_edited();
                }
            }
            other => {
                let before = p.input();
                edit_fields(&mut p.form, other, &self.ctx.i18n, &Defaults::default());
                if !same_input(&before, &p.input()) {
                    self.plan_change_edited();
                }
                if let Some(Modal::PlanChange(p)) = &mut self.modal {
                    p.update_preview(&self.ctx.clock);
                }
            }
        }
        true
    }

    /// The fields changed: the second look no longer stands, and the message follows the new
    /// input — an error that still applies is said for it, anything else is cleared. A second
    /// look is never carried over (nor pre-announced): Enter shows the current one.
    fn plan_change_edited(&mut self) {
        let Some(Modal::PlanChange(p)) = &mut self.modal else {
            return;
        };
        p.confirmed = false;
        if p.form.error.is_none() {
            return;
        }
        p.form.error = match course::check_change(&self.ctx.store, &self.ctx.clock, &p.input()) {
            Ok(_) | Err(CourseError::Plan(PlanError::Confirm(_)) | CourseError::Store(_)) => None,
            Err(e) => Some(e.message(&self.ctx.i18n)),
        };
    }

    /// `u` after a change of plan: remove its step while it is still the plan's newest.
    pub(crate) fn undo_plan_step(&mut self, regimen: i64, step: i64, from: NaiveDate) {
        let date = from.to_string();
        match course::undo_change(&mut self.ctx.store, regimen, step) {
            Ok(true) => {
                self.refresh();
                self.info(self.ctx.i18n.tf("plan_change.undone", &[("date", &date)]));
            }
            Ok(false) => {
                self.refresh();
                self.error(
                    self.ctx
                        .i18n
                        .tf("plan_change.undo_refused", &[("date", &date)]),
                );
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Enter: record the change in one transaction, or show why not (nothing written).
    fn save_plan_change(&mut self) {
        let Some(Modal::PlanChange(mut p)) = self.modal.take() else {
            return;
        };
        p.form.attempted = true;
        match course::change_regimen(&mut self.ctx.store, &self.ctx.clock, &p.input()) {
            Ok(c) => {
                if let Some(step) = c.id {
                    self.undo.push(Undo::PlanStep {
                        regimen: c.regimen.id,
                        step,
                        from: c.step.effective_from,
                    });
                }
                let plan = p.preview.as_ref().map(Step::describe).unwrap_or_default();
                self.refresh();
                self.info(self.ctx.i18n.tf(
                    "plan_change.saved",
                    &[
                        ("date", &c.step.effective_from.to_string()),
                        ("plan", &plan),
                        ("kind", self.ctx.i18n.t(&c.step.kind.label_key())),
                    ],
                ));
            }
            Err(e) => {
                // Told once; Enter again unchanged saves it as typed.
                p.confirmed = matches!(e, CourseError::Plan(PlanError::Confirm(_)));
                p.form.error = Some(match e {
                    CourseError::Store(e) => self
                        .ctx
                        .i18n
                        .tf("tui.save_failed", &[("reason", &e.to_string())]),
                    e => e.message(&self.ctx.i18n),
                });
                self.modal = Some(Modal::PlanChange(p));
            }
        }
    }
}

/// Whether two readings of the fields are the same change (the second look stays confirmed).
fn same_input(a: &ChangeInput, b: &ChangeInput) -> bool {
    (&a.dose, &a.times, &a.from, &a.formulation, a.kind, &a.note)
        == (&b.dose, &b.times, &b.from, &b.formulation, b.kind, &b.note)
}

/// "300 mg/d · 4.88 mg/(kg·d)" for a step.
fn dose_text(i: &I18n, s: &Step, weight: Option<f64>) -> String {
    let daily = s.daily_amount();
    let mut out = i.tf(
        "plan_change.daily",
        &[("amount", &fmt_num(daily, 3)), ("unit", &s.unit)],
    );
    let per_kg = match weight.filter(|w| *w > 0.0) {
        Some(w) => i.tf(
            "plan_change.per_kg",
            &[("value", &fmt_num(daily / w, 2)), ("unit", &s.unit)],
        ),
        None => i.t("plan_change.per_kg_unknown").to_string(),
    };
    out.push_str(" · ");
    out.push_str(&per_kg);
    out
}

/// A plan in one line: amounts, times and the brand.
fn plan_text(s: &Step) -> String {
    match &s.formulation {
        Some(f) => format!("{}  [{}]", s.describe(), visible(f)),
        None => s.describe(),
    }
}

/// One field: its label, then the value (the focused text field with its cursor).
fn field_line<'a>(app: &App, fl: &'a Field, label: String, focused: bool) -> Line<'a> {
    let th = &app.ctx.theme;
    let label = Span::styled(label, if focused { th.focus() } else { th.label() });
    if fl.is_choice() {
        let style = if focused { th.selected() } else { Style::new() };
        return Line::from(vec![
            label,
            Span::styled(format!("< {} >", fl.shown()), style),
        ]);
    }
    if !focused {
        let mut spans = vec![label, Span::raw(visible(&fl.value).into_owned())];
        let hint = format!("plan_change.h_{}", fl.code);
        if fl.value.is_empty() && app.ctx.i18n.has(&hint) {
            spans.push(Span::styled(app.ctx.i18n.t(&hint).to_string(), th.dim()));
        }
        return Line::from(spans);
    }
    let (before, under, after) = super::line_edit::split(&fl.value, fl.cursor);
    let text = Style::new().add_modifier(Modifier::UNDERLINED);
    Line::from(vec![
        label,
        Span::styled(visible(&before).into_owned(), text),
        Span::styled(visible(&under).into_owned(), th.selected()),
        Span::styled(visible(&after).into_owned(), text),
    ])
}

/// The dialog over the screen's body.
pub fn render(f: &mut Frame, area: Rect, app: &App, p: &PlanChange) {
    let (i, th) = (&app.ctx.i18n, &app.ctx.theme);
    let labels: Vec<String> = p
        .form
        .fields
        .iter()
        .map(|fl| i.t(&format!("plan_change.f_{}", fl.code)).to_string())
        .collect();
    let heads = [i.t("plan_change.now"), i.t("plan_change.new")];
    let w = labels
        .iter()
        .map(String::as_str)
        .chain(heads)
        .map(UnicodeWidthStr::width)
        .max()
        .unwrap_or(8)
        + 2;
    let indent = " ".repeat(w);
    let mut lines = vec![
        Line::from(Span::styled(i.t("plan_change.intro"), th.dim())),
        Line::from(vec![
            Span::styled(pad(heads[0], w), th.label()),
            Span::raw(plan_text(&p.current)),
        ]),
        Line::from(format!("{indent}{}", dose_text(i, &p.current, p.weight))),
        Line::from(""),
    ];
    for (n, (fl, l)) in p.form.fields.iter().zip(&labels).enumerate() {
        lines.push(field_line(app, fl, pad(l, w), n == p.form.focus));
    }
    lines.push(Line::from(""));
    let (new_plan, new_dose) = match &p.preview {
        Some(s) => (
            plan_text(s),
            format!(
                "{} · {}",
                dose_text(i, s, p.weight),
                i.tf(
                    "plan_change.recorded_as",
                    &[("kind", i.t(&s.kind.label_key()))]
                )
            ),
        ),
        None => ("—".to_string(), String::new()),
    };
    lines.push(Line::from(vec![
        Span::styled(pad(heads[1], w), th.label()),
        Span::styled(new_plan, th.focus()),
    ]));
    if !new_dose.is_empty() {
        lines.push(Line::from(format!("{indent}{new_dose}")));
    }
    if let Some(e) = p.form.error.as_ref().filter(|_| p.form.attempted) {
        lines.push(Line::from(Span::styled(e.clone(), th.error())));
    }
    lines.push(Line::from(Span::styled(i.t("plan_change.keys"), th.dim())));
    let title = i.tf(
        "plan_change.title",
        &[("drug", i.t(&p.regimen.drug.label_key()))],
    );
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(title, th.title())),
        ),
        area,
    );
}
