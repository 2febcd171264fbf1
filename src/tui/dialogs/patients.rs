//! `P`: choose another patient's diary in the same folder (a carer with two children). The
//! chosen diary is opened with its own settings file, paths and backups, exactly as
//! `--patient NAME` would open it; the screens reload.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::config::{Paths, load_settings};
use crate::app::patients;
use crate::present::sanitize::visible;
use crate::store::Store;
use crate::tui::action::Action;
use crate::tui::app::{App, Modal};

/// The diaries to choose from (`None`: the default diary) and the selection.
#[derive(Clone, Debug, PartialEq)]
pub struct PatientChoice {
    pub names: Vec<Option<String>>,
    pub selected: usize,
}

/// The paths of diary `name` in `base`, as `--patient` resolves them. The default diary is
/// offered only when the command line's default resolution puts it in the same folder.
fn paths_in(base: &std::path::Path, name: &Option<String>) -> Option<Paths> {
    match name {
        Some(n) => Some(Paths {
            db: base.join(format!("{n}.sqlite")),
            config: base.join(format!("{n}.toml")),
            data_dir: base.join(n),
            patient: Some(n.clone()),
        }),
        None => Paths::resolve(None, None, None)
            .ok()
            .filter(|p| p.db.parent() == Some(base)),
    }
}

impl App {
    fn diary_folder(&self) -> std::path::PathBuf {
        self.ctx
            .paths
            .db
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default()
    }

    /// Open the chooser with every diary of this folder.
    pub(crate) fn open_patients(&mut self) {
        let base = self.diary_folder();
        let names: Vec<Option<String>> = match patients::list(&base) {
            Ok(list) => list
                .into_iter()
                .map(|d| d.name)
                .filter(|n| paths_in(&base, n).is_some())
                .collect(),
            Err(e) => {
                self.error(e.to_string());
                return;
            }
        };
        if names.len() < 2 {
            self.info(self.ctx.i18n.t("patients.only_one").to_string());
            return;
        }
        let selected = names
            .iter()
            .position(|n| *n == self.ctx.paths.patient)
            .unwrap_or(0);
        self.modal = Some(Modal::Patients(PatientChoice { names, selected }));
    }

    /// The chooser's keys; `false` when it is not open.
    pub(crate) fn patients_key(&mut self, a: Action) -> bool {
        let Some(Modal::Patients(c)) = &mut self.modal else {
            return false;
        };
        let n = c.names.len();
        match a {
            Action::Up | Action::FormPrev | Action::FormLeft => {
                c.selected = (c.selected + n - 1) % n
            }
            Action::Down | Action::FormNext | Action::FormRight => {
                c.selected = (c.selected + 1) % n
            }
            Action::FormSave => {
                let name = c.names[c.selected].clone();
                self.modal = None;
                self.switch_to(name);
            }
            Action::FormCancel | Action::Quit => self.modal = None,
            _ => {}
        }
        true
    }

    /// Open `name`'s diary with its own settings; on any problem the current diary stays.
    fn switch_to(&mut self, name: Option<String>) {
        if name == self.ctx.paths.patient {
            return;
        }
        let Some(paths) = paths_in(&self.diary_folder(), &name) else {
            return;
        };
        let settings = match load_settings(&paths.config) {
            Ok(s) => s,
            Err(e) => return self.error(e.to_string()),
        };
        let store = match Store::open(&paths.db) {
            Ok(s) => s,
            Err(e) => return self.error(e.to_string()),
        };
        self.ctx.store = store;
        self.ctx.settings = settings;
        self.ctx.paths = paths;
        *self.history_mut() = Default::default();
        *self.trends_mut() = Default::default();
        self.undo.clear();
        self.refresh();
        let who = name.unwrap_or_else(|| self.ctx.i18n.t("patients.default").to_string());
        self.info(
            self.ctx
                .i18n
                .tf("patients.switched", &[("name", &visible(&who))]),
        );
    }
}

pub fn render(f: &mut Frame, area: Rect, app: &App, c: &PatientChoice) {
    let i = &app.ctx.i18n;
    let mut lines = Vec::new();
    for (n, name) in c.names.iter().enumerate() {
        let label = match name {
            Some(s) => visible(s).into_owned(),
            None => i.t("patients.default").to_string(),
        };
        let current = if *name == app.ctx.paths.patient {
            " ●"
        } else {
            ""
        };
        let style = if n == c.selected {
            app.ctx.theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::from(Span::styled(format!("{label}{current}"), style)));
    }
    lines.push(Line::from(Span::styled(
        i.t("patients.keys").to_string(),
        app.ctx.theme.dim(),
    )));
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = crate::tui::dialogs::overlays::centered(area, 50, h);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(Span::styled(
            i.t("patients.title").to_string(),
            app.ctx.theme.title(),
        ))),
        r,
    );
}
