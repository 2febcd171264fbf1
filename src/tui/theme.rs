//! Colours, and the same meaning without them: `NO_COLOR` turns colours off, and every
//! coloured state also has a word.

use crate::domain::overview::TroughBand;
use crate::domain::response::PlateletBand;
use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colours unless `NO_COLOR` is set to anything non-empty (https://no-color.org).
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn label(&self) -> Style {
        self.fg(Color::Gray)
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn urgent(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    /// Platelet bands (clinical.md E): red < 20, yellow < 50, green ≥ 50.
    pub fn band(&self, band: PlateletBand) -> Style {
        match band {
            PlateletBand::HighRisk => self.urgent(),
            PlateletBand::BelowTreatment => self.fg(Color::LightRed),
            PlateletBand::BelowTarget => self.warn(),
            PlateletBand::Target | PlateletBand::CompleteRange => self.ok(),
        }
    }
    pub fn trough(&self, band: TroughBand) -> Style {
        match band {
            TroughBand::Toxic => self.urgent(),
            TroughBand::ContactTeam | TroughBand::AboveTarget => self.warn(),
            TroughBand::BelowTarget => self.fg(Color::LightBlue),
            TroughBand::InTarget => self.ok(),
            // Not judged: never shown in the "in target" colour.
            TroughBand::NotATrough | TroughBand::TimingUnknown => self.dim(),
        }
    }
    pub fn severity(&self, s: crate::domain::reminders::Severity) -> Style {
        use crate::domain::reminders::Severity;
        match s {
            Severity::Urgent => self.urgent(),
            Severity::Warning => self.warn(),
            Severity::Info => self.fg(Color::LightBlue),
        }
    }
    pub fn focus(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
}
