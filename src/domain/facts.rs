//! What the rules read: the diary's relevant slice, loaded by the service layer. Rules never
//! query anything themselves, so every rule is a pure function of `Facts` and a clock.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};

use super::drugs::Drug;
use super::entry::*;
use super::regimen::{Profile, Regimen};
use super::response::Rescue;
use super::settings::Thresholds;

#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub profile: Profile,
    pub regimens: Vec<Regimen>,
    /// Live entries, oldest first. The loader decides how far back each kind goes.
    pub entries: Vec<Entry>,
    /// Platelet counts older than every count in `entries`, oldest first: on a long course the
    /// response history reads them as plain values (no entry decoded).
    pub earlier_counts: Vec<(DateTime<FixedOffset>, f64)>,
    /// Weights (kg) read as plain values, oldest first: a long trend window reads them so
    /// (no entry decoded) and `entries` then holds none.
    pub plain_weights: Vec<(DateTime<FixedOffset>, f64)>,
    /// Ciclosporin doses logged as taken, oldest first, read for the drug levels that name no
    /// previous dose (the last one at or before each): a window's facts may hold no dose
    /// before its first level, and a long report's none of the course's drug.
    pub logged_doses: Vec<DateTime<FixedOffset>>,
    /// When each monitored measurement was last taken before the entries' look-back (a lab
    /// analyte, or `None` for blood pressure): the schedule counts from it, while the alerts,
    /// which read only the entries, do not judge a value that old.
    pub done_before: Vec<(Option<Analyte>, DateTime<FixedOffset>)>,
}

impl Facts {
    /// The diary as it stood at `now`: no entry (count, weight, visit, interaction …) after
    /// it. Every rule and the overview read this, so assessing at `now` never depends on what
    /// was logged later (a property test checks it).
    pub fn as_of(&self, now: DateTime<FixedOffset>) -> Facts {
        Facts {
            profile: self.profile.clone(),
            regimens: self.regimens.clone(),
            entries: self
                .entries
                .iter()
                .filter(|e| e.at <= now)
                .cloned()
                .collect(),
            earlier_counts: self
                .earlier_counts
                .iter()
                .copied()
                .filter(|(at, _)| *at <= now)
                .collect(),
            plain_weights: self
                .plain_weights
                .iter()
                .copied()
                .filter(|(at, _)| *at <= now)
                .collect(),
            logged_doses: self
                .logged_doses
                .iter()
                .copied()
                .filter(|at| *at <= now)
                .collect(),
            done_before: self
                .done_before
                .iter()
                .copied()
                .filter(|(_, at)| *at <= now)
                .collect(),
        }
    }

    /// The last ciclosporin dose logged as taken at or before `at`: of the doses among the
    /// entries and those read for the levels ([`Facts::logged_doses`]), the later.
    pub fn last_taken_csa(&self, at: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
        let read = self.logged_doses.partition_point(|d| *d <= at);
        let read = read.checked_sub(1).map(|i| self.logged_doses[i]);
        let among = self
            .doses(Drug::Cyclosporine)
            .filter(|(d, x)| *d <= at && x.status == DoseStatus::Taken)
            .map(|(d, _)| d)
            .next_back();
        read.max(among)
    }

    /// Rescue treatments and their windows (clinical.md 4.2): IVIG (event or dose) and anti-D
    /// 28 days, a steroid pulse (event, or a dexamethasone / methylprednisolone dose) 14 days,
    /// a platelet transfusion 7 days — each a setting.
    pub fn rescues(&self, t: &Thresholds) -> Vec<Rescue> {
        let days = |d: f64| Duration::days(d as i64);
        let window = |k: EventKind| match k {
            // clinical.md 4.2: IVIG and anti-D share one window (28 days).
            EventKind::Ivig | EventKind::AntiD => Some(days(t.rescue_ivig_days)),
            EventKind::SteroidPulse => Some(days(t.rescue_steroid_days)),
            EventKind::Transfusion => Some(days(t.rescue_transfusion_days)),
            _ => None,
        };
        let mut v: Vec<Rescue> = self
            .entries
            .iter()
            .filter_map(|e| match &e.data {
                EntryData::Event(x) => Some((e.at, x.event)),
                EntryData::Dose(d) if d.status == DoseStatus::Taken => match d.drug {
                    Drug::Ivig => Some((e.at, EventKind::Ivig)),
                    Drug::Dexamethasone | Drug::Methylprednisolone => {
                        Some((e.at, EventKind::SteroidPulse))
                    }
                    _ => None,
                },
                _ => None,
            })
            .filter_map(|(at, k)| {
                window(k).map(|w| Rescue {
                    kind: k,
                    at,
                    until: at + w,
                })
            })
            .collect();
        v.sort_by_key(|r| r.at);
        v
    }

    /// The first dose of `r` taken on its start day or later.
    pub fn first_dose(&self, r: &Regimen) -> Option<DateTime<FixedOffset>> {
        self.doses(r.drug)
            .filter(|(at, d)| d.status == DoseStatus::Taken && at.date_naive() >= r.start)
            .map(|(at, _)| at)
            .next()
    }

    /// An active regimen of a thrombopoietin-receptor agonist on `today`, if any.
    pub fn tpo_ra(&self, today: NaiveDate) -> Option<&Regimen> {
        self.regimens
            .iter()
            .rev()
            .find(|r| r.drug.is_tpo_ra() && r.is_active_on(today))
    }

    /// The regimen the course is about: the active cyclosporine one, else the latest
    /// cyclosporine one, else the latest active regimen of any drug.
    pub fn primary(&self, today: NaiveDate) -> Option<&Regimen> {
        let csa = || {
            self.regimens
                .iter()
                .filter(|r| r.drug == Drug::Cyclosporine)
        };
        csa()
            .rev()
            .find(|r| r.is_active_on(today) || r.start > today)
            .or_else(|| csa().next_back())
            .or_else(|| self.regimens.iter().rev().find(|r| r.is_active_on(today)))
    }

    /// Every platelet count, oldest first (the earlier ones, then those among the entries).
    pub fn platelets(&self) -> impl DoubleEndedIterator<Item = (DateTime<FixedOffset>, f64)> + '_ {
        self.earlier_counts
            .iter()
            .copied()
            .chain(self.entries.iter().filter_map(|e| match &e.data {
                EntryData::Platelets(p) => Some((e.at, p.count)),
                _ => None,
            }))
    }

    pub fn labs(
        &self,
        a: Analyte,
    ) -> impl DoubleEndedIterator<Item = (DateTime<FixedOffset>, &LabResult)> + '_ {
        self.entries.iter().filter_map(move |e| match &e.data {
            EntryData::Lab(l) if l.analyte == a => Some((e.at, l)),
            _ => None,
        })
    }

    /// Every weight (kg), oldest first (the plain ones, then those among the entries).
    pub fn weights(&self) -> impl DoubleEndedIterator<Item = (DateTime<FixedOffset>, f64)> + '_ {
        self.plain_weights
            .iter()
            .copied()
            .chain(self.entries.iter().filter_map(|e| match &e.data {
                EntryData::Weight(w) => Some((e.at, w.kg)),
                _ => None,
            }))
    }

    pub fn bp(
        &self,
    ) -> impl DoubleEndedIterator<Item = (DateTime<FixedOffset>, &BloodPressure)> + '_ {
        self.entries.iter().filter_map(|e| match &e.data {
            EntryData::BloodPressure(b) => Some((e.at, b)),
            _ => None,
        })
    }

    pub fn doses(
        &self,
        drug: Drug,
    ) -> impl DoubleEndedIterator<Item = (DateTime<FixedOffset>, &Dose)> + '_ {
        self.entries.iter().filter_map(move |e| match &e.data {
            EntryData::Dose(d) if d.drug == drug => Some((e.at, d)),
            _ => None,
        })
    }

    pub fn events(&self) -> impl DoubleEndedIterator<Item = (DateTime<FixedOffset>, &Event)> + '_ {
        self.entries.iter().filter_map(|e| match &e.data {
            EntryData::Event(x) => Some((e.at, x)),
            _ => None,
        })
    }

    pub fn bleeding(
        &self,
    ) -> impl DoubleEndedIterator<Item = (DateTime<FixedOffset>, &Bleeding)> + '_ {
        self.entries.iter().filter_map(|e| match &e.data {
            EntryData::Bleeding(x) => Some((e.at, x)),
            _ => None,
        })
    }
}
