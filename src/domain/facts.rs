//! What the rules read: the diary's relevant slice, loaded by the service layer. Rules never
//! query anything themselves, so every rule is a pure function of `Facts` and a clock.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::drugs::Drug;
use super::entry::*;
use super::regimen::{Profile, Regimen};

#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub profile: Profile,
    pub regimens: Vec<Regimen>,
    /// Live entries, oldest first. The loader decides how far back each kind goes.
    pub entries: Vec<Entry>,
}

impl Facts {
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

    pub fn platelets(&self) -> impl DoubleEndedIterator<Item = (DateTime<FixedOffset>, f64)> + '_ {
        self.entries.iter().filter_map(|e| match &e.data {
            EntryData::Platelets(p) => Some((e.at, p.count)),
            _ => None,
        })
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

    pub fn weights(&self) -> impl DoubleEndedIterator<Item = (DateTime<FixedOffset>, f64)> + '_ {
        self.entries.iter().filter_map(|e| match &e.data {
            EntryData::Weight(w) => Some((e.at, w.kg)),
            _ => None,
        })
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
