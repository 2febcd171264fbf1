//! How a value stands, in words and a tone the faces colour: a drug level is judged against
//! its target only when it is a true trough (its dose timing known and 10–14 h); otherwise it
//! is "not a trough" or "timing unknown", never "in target". Platelets by band, other labs
//! by the lab's range.

use crate::domain::entry::{Analyte, Entry, EntryData};
use crate::domain::overview::fmt_hours;
use chrono::{DateTime, FixedOffset};

use crate::domain::overview::{LevelTiming, TroughBand, trough_band};
use crate::domain::response::{PlateletBand, platelet_band};
use crate::domain::settings::Thresholds;

use super::i18n::I18n;

/// The tone of a value (a face maps it to a colour; the words carry the same meaning).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Plain,
    /// Not judged (unknown timing, not a trough).
    Unjudged,
    /// A platelet band.
    Band(PlateletBand),
    /// A trough band (real troughs only).
    Trough(TroughBand),
    /// Outside the lab's range.
    Out,
}

/// The words after a value in a list, and its tone.
#[derive(Clone, Debug, PartialEq)]
pub struct Judged {
    pub mark: String,
    pub tone: Tone,
}

/// The word for a drug level's standing: the trough band when it is a true trough, else
/// "not a trough" or "timing unknown".
pub fn level_word(valid: Option<bool>, band: TroughBand, i: &I18n) -> String {
    match valid {
        Some(true) => i.t(&band.label_key()).to_string(),
        Some(false) => i.t("level.not_trough").to_string(),
        None => i.t("level.timing_unknown").to_string(),
    }
}

/// Judge an entry for a list (History): `target` is the trough target in force; `logged`, for
/// a drug level that names no previous dose, the last dose logged as taken before the draw.
pub fn judge(
    e: &Entry,
    target: (f64, f64),
    logged: Option<DateTime<FixedOffset>>,
    t: &Thresholds,
    i: &I18n,
) -> Judged {
    match &e.data {
        EntryData::Platelets(p) => {
            let band = platelet_band(p.count, t);
            Judged {
                mark: if p.count < t.platelets_low {
                    "↓".into()
                } else {
                    String::new()
                },
                tone: Tone::Band(band),
            }
        }
        EntryData::Lab(l) if l.analyte.is_drug_level() => {
            let timing = LevelTiming::of(e.at, l.last_dose_at, logged, t);
            let key = match timing.from_log {
                true => "level.hours_logged",
                false => "level.hours",
            };
            let h = timing
                .hours
                .map(|h| {
                    let window = (t.trough_min_hours, t.trough_max_hours);
                    i.tf(key, &[("hours", &fmt_hours(h, window))])
                })
                .unwrap_or_default();
            let valid = timing.valid;
            if l.analyte == Analyte::CsaC2 {
                return Judged {
                    mark: h,
                    tone: Tone::Plain,
                };
            }
            match valid {
                Some(true) => {
                    let band = trough_band(l.value, target.0, target.1, t);
                    let arrow = match band {
                        TroughBand::BelowTarget => "↓ ",
                        TroughBand::InTarget
                        | TroughBand::NotATrough
                        | TroughBand::TimingUnknown => "",
                        TroughBand::AboveTarget | TroughBand::ContactTeam | TroughBand::Toxic => {
                            "↑ "
                        }
                    };
                    Judged {
                        mark: format!("{arrow}{} {h}", i.t("level.trough")),
                        tone: Tone::Trough(band),
                    }
                }
                Some(false) => Judged {
                    mark: format!("{} {h}", i.t("level.not_trough")),
                    tone: Tone::Unjudged,
                },
                None => Judged {
                    mark: i.t("level.timing_unknown").to_string(),
                    tone: Tone::Unjudged,
                },
            }
        }
        EntryData::Lab(l) => {
            let out = l.reference.high.is_some_and(|h| l.value > h)
                || l.reference.low.is_some_and(|lo| l.value < lo);
            Judged {
                mark: String::new(),
                tone: if out { Tone::Out } else { Tone::Plain },
            }
        }
        _ => Judged {
            mark: String::new(),
            tone: Tone::Plain,
        },
    }
}
