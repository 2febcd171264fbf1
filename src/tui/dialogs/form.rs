//! Log and edit forms: a list of fields (text or choice), filled into a [`RawEntry`] and
//! validated by the same `entry_input::build` as the command line.

use crate::app::entry_input::{InputError, RawEntry};
use crate::domain::drugs::Drug;
use crate::domain::entry::*;
use crate::domain::units::Quantity;
use crate::domain::validate::ValidationError;
use crate::present::i18n::I18n;

use super::line_edit::{self, Edit};

pub use super::prefill::{LastDose, stamp};

mod fields;
use fields::{fields_for, opts, units};

/// One field of a form.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Field code: the label is `field.<code>`; `build` reads fields by code.
    pub code: &'static str,
    pub value: String,
    /// For a choice: (code, label) options and the chosen index.
    pub choices: Vec<(String, String)>,
    pub choice: usize,
    /// A time shown as `YYYY-MM-DD HH:MM` and the exact instant it stands for (RFC 3339,
    /// with its UTC offset): while the text is unchanged, the exact instant is what is saved.
    pub exact: Option<(String, String)>,
    /// The line editor's cursor (a char index; `None` = after the last character).
    pub cursor: Option<usize>,
}

impl Field {
    fn text(code: &'static str, value: impl Into<String>) -> Field {
        Field {
            code,
            value: value.into(),
            choices: Vec::new(),
            choice: 0,
            exact: None,
            cursor: None,
        }
    }

    fn choice(code: &'static str, choices: Vec<(String, String)>, selected: &str) -> Field {
        let choice = choices.iter().position(|(c, _)| c == selected).unwrap_or(0);
        Field {
            code,
            value: String::new(),
            choices,
            choice,
            exact: None,
            cursor: None,
        }
    }

    pub fn is_choice(&self) -> bool {
        !self.choices.is_empty()
    }

    /// The value as `build` reads it: the choice's code, or the typed text.
    pub fn get(&self) -> String {
        if self.is_choice() {
            self.choices
                .get(self.choice)
                .map(|c| c.0.clone())
                .unwrap_or_default()
        } else {
            match &self.exact {
                Some((shown, exact)) if *shown == self.value => exact.clone(),
                _ => self.value.clone(),
            }
        }
    }

    /// What the form shows.
    pub fn shown(&self) -> &str {
        if self.is_choice() {
            self.choices
                .get(self.choice)
                .map(|c| c.1.as_str())
                .unwrap_or("")
        } else {
            &self.value
        }
    }
}

/// An open form.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub kind: Kind,
    /// The entry being edited, if any.
    pub editing: Option<i64>,
    /// The entry as it was read when the form opened: the save states this version, and is
    /// refused when the entry changed elsewhere since.
    pub read: Option<Entry>,
    /// A "new entry" form starts with a kind chooser.
    pub kind_chooser: bool,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// The current validation message (shown once something was typed or saving was tried).
    pub error: Option<String>,
    pub warnings: Vec<String>,
    /// Something was typed.
    pub dirty: bool,
    /// Saving was tried.
    pub attempted: bool,
    /// The last dose from the dose log, filled in while the test is a drug level.
    pub prefill: Option<LastDose>,
    /// The recent taken doses the prefill is chosen from (newest first).
    pub recent_doses: Vec<LastDose>,
    /// The edited entry as typed fields: what the form has no field for (a dose's route and
    /// slot, a lab's assay method) is kept from it, never dropped by an edit.
    pub original: Option<RawEntry>,
    /// The patient saved a dose for an answered slot, was told, and saving again unchanged
    /// records it as an extra dose (the screen's `--extra`); any typing clears it.
    pub extra_confirmed: bool,
    /// The patient saved a dose close to another taken one, was told, and saving again
    /// unchanged says both were taken (the screen's `log dose --late`); any typing clears it.
    pub soon_confirmed: bool,
}

/// Defaults a form starts with (from the regimen and the settings).
#[derive(Clone, Debug, Default)]
pub struct Defaults {
    pub drug: Option<Drug>,
    pub amount: Option<f64>,
    pub formulation: Option<String>,
    /// The last dose taken of the regimen's drug (for a drug level's "last dose").
    pub last_dose: Option<LastDose>,
    /// The recent taken doses, newest first: a level drawn earlier than the last one takes
    /// the one before its draw.
    pub recent_doses: Vec<LastDose>,
}

impl Form {
    /// A new, empty form for `kind`.
    pub fn new(kind: Kind, i: &I18n, d: &Defaults) -> Form {
        let mut f = Form {
            kind,
            editing: None,
            read: None,
            kind_chooser: false,
            fields: fields_for(kind, i, d),
            focus: 0,
            error: None,
            warnings: Vec::new(),
            dirty: false,
            attempted: false,
            prefill: d.last_dose.clone(),
            recent_doses: d.recent_doses.clone(),
            original: None,
            extra_confirmed: false,
            soon_confirmed: false,
        };
        f.focus = f.first_text();
        f.sync_last_dose();
        f
    }

    /// A form with a kind chooser first.
    pub fn any(i: &I18n, d: &Defaults) -> Form {
        let mut f = Form::new(Kind::Platelets, i, d);
        f.kind_chooser = true;
        f.fields.insert(
            0,
            Field::choice(
                "kind",
                opts(Kind::ALL, Kind::code, |k| i.t(&k.label_key()).to_string()),
                "platelets",
            ),
        );
        f.focus = 0;
        f
    }

    /// A form filled from a stored entry.
    pub fn edit(e: &Entry, i: &I18n) -> Form {
        let mut f = Form::new(e.data.kind(), i, &Defaults::default());
        f.editing = Some(e.id);
        f.read = Some(e.clone());
        let raw = crate::app::entry_input::raw_from_entry(e);
        f.fill(&raw);
        f.original = Some(raw);
        // Shown as YYYY-MM-DD HH:MM; saved unchanged, the full time with its UTC offset is
        // kept, so an entry made in another time zone keeps its instant.
        f.set_time("at", &e.at.to_rfc3339());
        f.set("note", e.note.as_deref().unwrap_or(""));
        f
    }

    fn first_text(&self) -> usize {
        self.fields.iter().position(|x| !x.is_choice()).unwrap_or(0)
    }

    fn field(&self, code: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.code == code)
    }

    /// The typed value of a field ("" when absent).
    pub fn get(&self, code: &str) -> String {
        self.field(code).map(Field::get).unwrap_or_default()
    }

    fn opt(&self, code: &str) -> Option<String> {
        Some(self.get(code)).filter(|s| !s.trim().is_empty())
    }

    /// Set a field by code (a choice by its code).
    pub fn set(&mut self, code: &str, value: &str) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.code == code) {
            if f.is_choice() {
                if let Some(p) = f.choices.iter().position(|c| c.0 == value) {
                    f.choice = p;
                }
            } else {
                f.value = value.to_string();
                f.cursor = None;
            }
        }
        if code == "analyte" {
            self.rebuild_units();
            self.sync_last_dose();
        }
    }

    /// Put the cursor on a field.
    pub fn focus_on(&mut self, code: &str) {
        if let Some(p) = self.fields.iter().position(|f| f.code == code) {
            self.focus = p;
        }
    }

    fn fill(&mut self, raw: &RawEntry) {
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        match raw {
            RawEntry::Platelets { value, unit, lab } => {
                self.set("value", value);
                self.set("unit", &s(unit));
                self.set("lab", &s(lab));
            }
            RawEntry::Dose {
                drug,
                amount,
                unit,
                formulation,
                status,
                ..
            } => {
                self.set("drug", drug);
                self.set("value", &s(amount));
                self.set("unit", &s(unit));
                self.set("formulation", &s(formulation));
                self.set("status", status.code());
            }
            RawEntry::Lab {
                analyte,
                value,
                unit,
                lab,
                reference,
                last_dose,
                ..
            } => {
                self.set("analyte", analyte);
                self.set("value", value);
                self.set("unit", &s(unit));
                self.set("lab", &s(lab));
                self.set("reference_range", &s(reference));
                self.set_time("last_dose", &s(last_dose));
            }
            RawEntry::Weight { value, unit } => {
                self.set("value", value);
                self.set("unit", &s(unit));
            }
            RawEntry::Bp { value, pulse } => {
                self.set("value", value);
                self.set("pulse", &s(pulse));
            }
            RawEntry::Bleeding {
                site,
                count,
                size_cm,
                minutes,
                care,
            } => {
                self.set("site", site);
                self.set("count", &s(count));
                self.set("size_cm", &s(size_cm));
                self.set("minutes", &s(minutes));
                self.set("care", if *care { "yes" } else { "no" });
            }
            RawEntry::SideEffect { effect, severity } => {
                self.set("effect", effect);
                self.set("severity", &s(severity));
            }
            RawEntry::Event { event, medication } => {
                self.set("event", event);
                self.set("medication", &s(medication));
            }
        }
    }

    /// Everything typed, as the one save path takes it.
    pub fn draft(&self) -> crate::app::entries::Draft {
        crate::app::entries::Draft {
            raw: self.raw(),
            at: Some(self.get("at")),
            note: Some(self.get("note")),
        }
    }

    /// The typed fields as a raw entry (with what an edit keeps from the original).
    pub fn raw(&self) -> RawEntry {
        super::prefill::keep_original(self.typed(), self.original.as_ref())
    }

    fn typed(&self) -> RawEntry {
        match self.kind {
            Kind::Platelets => RawEntry::Platelets {
                value: self.get("value"),
                unit: self.opt("unit"),
                lab: self.opt("lab"),
            },
            Kind::Dose => RawEntry::Dose {
                drug: self.get("drug"),
                amount: self.opt("value"),
                unit: self.opt("unit"),
                mg_per_ml: self.opt("mg_per_ml"),
                route: None,
                formulation: self.opt("formulation"),
                status: DoseStatus::parse(&self.get("status")).unwrap_or(DoseStatus::Taken),
                scheduled: None,
            },
            Kind::Lab => RawEntry::Lab {
                analyte: self.get("analyte"),
                value: self.get("value"),
                unit: self.opt("unit"),
                lab: self.opt("lab"),
                method: None,
                reference: self.opt("reference_range"),
                last_dose: self.opt("last_dose"),
            },
            Kind::Weight => RawEntry::Weight {
                value: self.get("value"),
                unit: self.opt("unit"),
            },
            Kind::BloodPressure => RawEntry::Bp {
                value: self.get("value"),
                pulse: self.opt("pulse"),
            },
            Kind::Bleeding => RawEntry::Bleeding {
                site: self.get("site"),
                count: self.opt("count"),
                size_cm: self.opt("size_cm"),
                minutes: self.opt("minutes"),
                care: self.get("care") == "yes",
            },
            Kind::SideEffect => RawEntry::SideEffect {
                effect: self.get("effect"),
                severity: self.opt("severity"),
            },
            Kind::Event => RawEntry::Event {
                event: self.get("event"),
                medication: self.opt("medication"),
            },
        }
    }

    /// Whether leaving would lose typed text.
    pub fn has_typed_text(&self) -> bool {
        self.dirty
    }

    pub fn next(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len().max(1);
    }

    pub fn prev(&mut self) {
        let n = self.fields.len().max(1);
        self.focus = (self.focus + n - 1) % n;
    }

    /// ← / → on a choice.
    pub fn cycle(&mut self, forward: bool, i: &I18n, d: &Defaults) {
        let Some(f) = self.fields.get_mut(self.focus) else {
            return;
        };
        if !f.is_choice() {
            // On a text field ←/→ move the cursor.
            let e = if forward { Edit::Right } else { Edit::Left };
            line_edit::apply(&mut f.value, &mut f.cursor, e);
            return;
        }
        let n = f.choices.len();
        f.choice = if forward {
            (f.choice + 1) % n
        } else {
            (f.choice + n - 1) % n
        };
        let code = f.code;
        self.dirty = true;
        if code == "kind" {
            // A new kind: its own fields, keeping the chooser.
            let chooser = self.fields[0].clone();
            self.kind = Kind::parse(&chooser.get()).unwrap_or(Kind::Platelets);
            self.fields = fields_for(self.kind, i, d);
            self.fields.insert(0, chooser);
        } else if code == "analyte" {
            self.rebuild_units();
            self.sync_last_dose();
        } else if code == "drug" {
            let unit = match Drug::parse(&self.get("drug")).map(Drug::dose_quantity) {
                Some(Quantity::DoseUnits) => "U",
                _ => "mg",
            };
            self.set("unit", unit);
        }
    }

    fn rebuild_units(&mut self) {
        let q = Analyte::parse(&self.get("analyte"))
            .map(Analyte::quantity)
            .unwrap_or(Quantity::CellCount);
        if let Some(f) = self.fields.iter_mut().find(|f| f.code == "unit") {
            f.choices = units(q);
            f.choice = 0;
        }
    }

    pub fn type_char(&mut self, c: char) {
        self.edit_line(Edit::Insert(c));
    }

    pub fn backspace(&mut self) {
        self.edit_line(Edit::Backspace);
    }

    /// An edit of the focused text field (nothing on a choice).
    pub fn edit_line(&mut self, e: Edit) {
        if let Some(f) = self.fields.get_mut(self.focus)
            && !f.is_choice()
            && line_edit::apply(&mut f.value, &mut f.cursor, e)
        {
            self.dirty = true;
        }
    }

    /// Record the result of validating the current fields.
    pub fn show_result(&mut self, r: Result<Vec<String>, &InputError>, i: &I18n) {
        match r {
            Ok(w) => {
                self.error = None;
                self.warnings = w;
            }
            // An empty required field is said on save, not while typing.
            Err(e) if !self.attempted && empty_input(e) => {
                self.error = None;
                self.warnings.clear();
            }
            Err(e) => {
                self.error = Some(i.input_error(e));
                self.warnings.clear();
            }
        }
    }
}

/// An error that only says a field is still empty: said on save, not while typing.
fn empty_input(e: &InputError) -> bool {
    match e {
        InputError::Invalid(ValidationError::Missing { .. }) => true,
        InputError::Invalid(
            ValidationError::NotANumber { input, .. } | ValidationError::NotAccepted { input, .. },
        )
        | InputError::Code { input, .. } => input.trim().is_empty(),
        _ => false,
    }
}
