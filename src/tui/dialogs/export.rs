//! The Export dialog: the same choices as `itp-diary export`, run in a background thread
//! (its own connection to the diary) with a progress display.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

use chrono::Duration;

use crate::app::config::Settings;
use crate::app::export::{Format, Period};
use crate::domain::clock::Clock;
use crate::present::i18n::{I18n, Lang};
use crate::store::Store;

use crate::tui::app::{App, Modal};

pub const PERIODS: [&str; 4] = ["all", "since_visit", "3_months", "12_months"];

#[derive(Clone, Debug, PartialEq)]
pub struct ExportForm {
    pub format: usize,
    pub period: usize,
    pub lang: usize,
    pub path: String,
    pub focus: usize,
    pub error: Option<String>,
    /// The named patient whose diary is open: in the default file name and in the export.
    pub patient: Option<String>,
}

impl ExportForm {
    pub fn new(dir: &std::path::Path, clock: &Clock, lang: Lang) -> ExportForm {
        let mut f = ExportForm {
            format: 0,
            period: 0,
            lang: if lang == Lang::Zh { 1 } else { 0 },
            path: String::new(),
            focus: 0,
            error: None,
            patient: None,
        };
        f.path = f.default_path(dir, clock);
        f
    }

    /// The form for a named patient's diary: the default file name carries the name.
    pub fn for_patient(
        mut self,
        patient: Option<String>,
        dir: &std::path::Path,
        clock: &Clock,
    ) -> ExportForm {
        let was = self.default_path(dir, clock);
        self.patient = patient;
        if self.path == was {
            self.path = self.default_path(dir, clock);
        }
        self
    }

    pub fn format(&self) -> Format {
        Format::ALL[self.format % Format::ALL.len()]
    }

    fn default_path(&self, dir: &std::path::Path, clock: &Clock) -> String {
        let who = self
            .patient
            .as_deref()
            .map(|p| format!("{p}-"))
            .unwrap_or_default();
        dir.join(format!(
            "itp-diary-{who}{}.{}",
            clock.today().format("%Y-%m-%d"),
            self.format().extension()
        ))
        .display()
        .to_string()
    }

    pub fn cycle(&mut self, forward: bool, dir: &std::path::Path, clock: &Clock) {
        let step = |v: &mut usize, n: usize| {
            *v = if forward {
                (*v + 1) % n
            } else {
                (*v + n - 1) % n
            }
        };
        match self.focus {
            0 => {
                let was = self.default_path(dir, clock);
                step(&mut self.format, Format::ALL.len());
                if self.path == was {
                    self.path = self.default_path(dir, clock);
                }
            }
            1 => step(&mut self.period, PERIODS.len()),
            2 => step(&mut self.lang, 2),
            _ => {}
        }
    }

    pub fn period(&self, clock: &Clock) -> Period {
        Period {
            patient: self.patient.clone(),
            ..self.span(clock)
        }
    }

    fn span(&self, clock: &Clock) -> Period {
        let today = clock.today();
        match PERIODS[self.period] {
            "since_visit" => Period {
                since_last_visit: true,
                ..Default::default()
            },
            "3_months" => Period {
                from: Some(today - Duration::days(91)),
                ..Default::default()
            },
            "12_months" => Period {
                from: Some(today - Duration::days(365)),
                ..Default::default()
            },
            _ => Period::default(),
        }
    }
}

pub enum Msg {
    Progress(usize, usize),
    Done(Result<(usize, PathBuf), String>),
}

pub struct Job {
    pub rx: Receiver<Msg>,
    pub progress: (usize, usize),
}

/// Start the export in a thread with its own connection to the diary.
pub fn start(
    db: PathBuf,
    form: &ExportForm,
    clock: Clock,
    settings: Settings,
    config: PathBuf,
) -> Job {
    let (tx, rx) = channel();
    let format = form.format();
    let period = form.period(&clock);
    let lang = if form.lang == 1 { Lang::Zh } else { Lang::En };
    let path = PathBuf::from(form.path.trim());
    std::thread::spawn(move || {
        let result = (|| -> Result<(usize, PathBuf), String> {
            let mut store = Store::open(&db).map_err(|e| e.to_string())?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                crate::app::backup::create_private_dir(dir)
                    .map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            let i = I18n::new(lang);
            // Never over an existing file, the diary, a backup, a device or a pipe.
            if let Err(r) = crate::store::atomic::check_target(&path, &db, false) {
                use crate::store::atomic::Refusal;
                let key = match r {
                    Refusal::Exists => "safety.export_exists_tui",
                    Refusal::Diary => "safety.export_diary",
                    Refusal::Database => "safety.export_database",
                    Refusal::NotRegular => "safety.export_not_regular",
                };
                return Err(i.tf(key, &[("path", &path.display().to_string())]));
            }
            let progress_tx = tx.clone();
            let n = crate::store::atomic::write_with(&path, |w| {
                crate::app::export::export(
                    &mut store,
                    format,
                    &period,
                    &clock,
                    &settings,
                    &i,
                    &config,
                    w,
                    &mut |a, b| {
                        let _ = progress_tx.send(Msg::Progress(a, b));
                    },
                )
            })
            .map_err(|e| e.to_string())?;
            Ok((n, path))
        })();
        let _ = tx.send(Msg::Done(result));
    });
    Job {
        rx,
        progress: (0, 1),
    }
}

impl App {
    pub(crate) fn start_export(&mut self) {
        let Some(Modal::Export(f)) = &self.modal else {
            return;
        };
        if self.job.is_some() {
            return;
        }
        if f.path.trim().is_empty() {
            if let Some(Modal::Export(f)) = &mut self.modal {
                f.error = Some(self.ctx.i18n.tf("error.missing", &[("field", "path")]));
            }
            return;
        }
        let Some(db) = self.ctx.store.path().map(std::path::Path::to_path_buf) else {
            self.error(self.ctx.i18n.t("tui.export_memory").to_string());
            return;
        };
        self.job = Some(start(
            db,
            f,
            self.ctx.clock.clone(),
            self.ctx.settings.clone(),
            self.ctx.paths.config.clone(),
        ));
        self.modal = None;
        self.info(
            self.ctx
                .i18n
                .tf("tui.exporting", &[("done", "0"), ("total", "3")]),
        );
    }

    /// Pick up the progress of a running export.
    pub fn poll_job(&mut self) {
        let Some(job) = &mut self.job else { return };
        let mut finished = None;
        while let Ok(m) = job.rx.try_recv() {
            match m {
                Msg::Progress(a, b) => job.progress = (a, b),
                Msg::Done(r) => finished = Some(r),
            }
        }
        let (a, b) = job.progress;
        match finished {
            Some(Ok((n, path))) => {
                self.job = None;
                self.info(
                    self.ctx.i18n.tf(
                        "export.written",
                        &[
                            (
                                "path",
                                &std::path::absolute(&path)
                                    .unwrap_or(path)
                                    .display()
                                    .to_string(),
                            ),
                            ("n", &n.to_string()),
                            ("format", ""),
                        ],
                    ),
                );
            }
            Some(Err(e)) => {
                self.job = None;
                self.error(self.ctx.i18n.tf("tui.export_failed", &[("reason", &e)]));
            }
            None => self.info(self.ctx.i18n.tf(
                "tui.exporting",
                &[("done", &a.to_string()), ("total", &b.to_string())],
            )),
        }
    }
}
