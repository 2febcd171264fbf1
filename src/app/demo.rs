//! A realistic, seeded demo diary: years of twice-daily cyclosporine with a taper, platelet
//! counts that respond, troughs, kidney and liver labs, blood pressure, weights, a few bleeds,
//! side effects and events. Deterministic for a given seed and clock (tests and benchmarks
//! rely on it). The numbers are invented; they follow the shape of clinical.md, not a patient.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime};

use crate::domain::clock::Clock;
use crate::domain::drugs::{Drug, Route};
use crate::domain::entry::*;

use crate::domain::regimen::{Profile, Slot, StepKind};
use crate::domain::validate::{self, DoseInput, LabExtras};
use crate::store::{NewRegimen, NewStep, Result, Store};

/// SplitMix64: small, fast, good enough for invented data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }
    /// Roughly normal (sum of uniforms).
    pub fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let s: f64 = (0..6).map(|_| self.f()).sum::<f64>() - 3.0;
        mean + sd * s * std::f64::consts::SQRT_2
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
}

/// What the demo holds, for the message after creating it.
#[derive(Debug, Clone, Copy)]
pub struct DemoSummary {
    pub entries: usize,
    pub start: NaiveDate,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

struct Gen<'a> {
    clock: &'a Clock,
    start: NaiveDate,
    now: DateTime<FixedOffset>,
    rng: Rng,
    out: Vec<NewEntry>,
}

impl Gen<'_> {
    fn at(&self, day: i64, h: u32, m: u32) -> Option<DateTime<FixedOffset>> {
        let t = NaiveTime::from_hms_opt(h.min(23), m.min(59), 0)?;
        let at = self
            .clock
            .localize((self.start + Duration::days(day)).and_time(t))?;
        (at <= self.now).then_some(at)
    }
    fn push(
        &mut self,
        at: Option<DateTime<FixedOffset>>,
        data: Option<EntryData>,
        note: Option<&str>,
    ) {
        if let (Some(at), Some(data)) = (at, data) {
            self.out.push(NewEntry {
                at,
                note: note.map(str::to_string),
                data,
            });
        }
    }
    fn lab(&mut self, day: i64, a: Analyte, v: f64, refr: Option<(f64, f64)>) {
        let at = self.at(day, 7, 30);
        let unit = a.quantity().canonical().display;
        let data = at.and_then(|at| {
            validate::lab(
                a,
                v,
                Some(unit),
                LabExtras {
                    lab: Some("Central Hospital".into()),
                    ref_low: refr.map(|r| r.0),
                    ref_high: refr.map(|r| r.1),
                    ..Default::default()
                },
                at,
            )
            .ok()
            .map(|c| c.value)
        });
        self.push(at, data, None);
    }
}

/// The daily dose per slot on a course day (mg).
fn plan(day: i64) -> f64 {
    match day {
        d if d < 182 => 150.0,
        d if d < 210 => 125.0,
        d if d < 238 => 100.0,
        _ => 75.0,
    }
}

/// Fill an empty diary with `years` of demo data ending at the clock's now.
pub fn generate(store: &mut Store, years: u32, seed: u64, clock: &Clock) -> Result<DemoSummary> {
    generate_days(store, i64::from(years.max(1)) * 365, seed, clock)
}

/// Fill an empty diary with `days` (at least 15) of demo data ending at the clock's now.
pub fn generate_days(
    store: &mut Store,
    days: i64,
    seed: u64,
    clock: &Clock,
) -> Result<DemoSummary> {
    let now = clock.now();
    let span = days.max(15);
    let start = now.date_naive() - Duration::days(span - 14);
    let mut g = Gen {
        clock,
        start,
        now,
        rng: Rng::new(seed),
        out: Vec::new(),
    };
    let last_day = (now.date_naive() - start).num_days();
    add_profile_and_plan(store, start, last_day, now)?;
    // The order of these calls is the order the random numbers are drawn in: keep it, or
    // every seeded diary (and the snapshots made from one) changes.
    g.baseline();
    g.doses(last_day);
    g.monitoring(last_day);
    g.lipids(last_day);
    g.home_blood_pressure(last_day);
    g.weights(last_day);
    g.bleeds();
    g.side_effects();
    g.events(last_day);
    let n = g.out.len();
    store.add_entries(&g.out, Source::Demo, now)?;
    Ok(DemoSummary { entries: n, start })
}

/// Twice-daily slots at 08:00 and 20:00 of `mg` each.
fn twice_daily(mg: f64) -> Vec<Slot> {
    [8, 20]
        .into_iter()
        .map(|h| Slot {
            time: NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN),
            amount: mg,
        })
        .collect()
}

/// The profile, the cyclosporine plan and its taper steps (those already begun).
fn add_profile_and_plan(
    store: &mut Store,
    start: NaiveDate,
    last_day: i64,
    now: DateTime<FixedOffset>,
) -> Result<()> {
    store.set_profile(
        &Profile {
            name: None,
            diagnosed_on: Some(start - Duration::days(400)),
            birth_year: Some(1986),
            sex: Some("female".into()),
            height_cm: Some(163.0),
        },
        now,
    )?;
    let step = |day: i64, kind: StepKind, mg: f64| NewStep {
        effective_from: start + Duration::days(day),
        kind,
        slots: twice_daily(mg),
        unit: "mg".into(),
        every_days: 1,
        formulation: Some("Neoral".into()),
        note: None,
    };
    let id = store.add_regimen(
        &NewRegimen {
            drug: Drug::Cyclosporine,
            route: Route::Oral,
            start,
            target_low: Some(100.0),
            target_high: Some(200.0),
            induction_weeks: None,
            note: Some("demo".into()),
            first: step(0, StepKind::Start, 150.0),
        },
        now,
    )?;
    for (day, kind, mg) in [
        (182, StepKind::Taper, 125.0),
        (210, StepKind::Taper, 100.0),
        (238, StepKind::Taper, 75.0),
        (266, StepKind::Maintenance, 75.0),
    ] {
        if day <= last_day {
            store.add_step(id, &step(day, kind, mg), now)?;
        }
    }
    Ok(())
}

/// A bleeding episode of the demo script.
struct Bleed {
    day: i64,
    site: BleedingSite,
    count: Option<u32>,
    size_cm: Option<f64>,
    minutes: Option<u32>,
    care: bool,
    note: &'static str,
}

const BLEEDS: [Bleed; 5] = [
    Bleed {
        day: -6,
        site: BleedingSite::Petechiae,
        count: Some(40),
        size_cm: None,
        minutes: None,
        care: false,
        note: "legs",
    },
    Bleed {
        day: 3,
        site: BleedingSite::Gums,
        count: None,
        size_cm: None,
        minutes: Some(10),
        care: false,
        note: "after brushing",
    },
    Bleed {
        day: 10,
        site: BleedingSite::Nose,
        count: None,
        size_cm: None,
        minutes: Some(40),
        care: true,
        note: "ER: packing",
    },
    Bleed {
        day: 45,
        site: BleedingSite::Bruises,
        count: Some(2),
        size_cm: Some(3.0),
        minutes: None,
        care: false,
        note: "",
    },
    Bleed {
        day: 960,
        site: BleedingSite::Petechiae,
        count: Some(25),
        size_cm: None,
        minutes: None,
        care: false,
        note: "relapse",
    },
];

/// Monitoring days: weekly to week 8, every 2 weeks to week 26, then monthly.
fn monitoring_days(last_day: i64) -> Vec<i64> {
    let mut days: Vec<i64> = (1..=8).map(|w| w * 7).collect();
    days.extend((5..=13).map(|k| k * 14));
    days.extend((210..=last_day).step_by(30));
    days.retain(|d| *d <= last_day);
    days
}

impl Gen<'_> {
    /// Baseline kidney, liver and electrolyte labs, blood pressure and counts before the start.
    fn baseline(&mut self) {
        for (d, cr) in [(-10, 78.0), (-3, 82.0)] {
            self.lab(d, Analyte::Creatinine, cr, Some((45.0, 84.0)));
            let bp =
                validate::blood_pressure(if d == -10 { "118/76" } else { "122/78" }, Some("72"))
                    .ok()
                    .map(|c| c.value);
            let at = self.at(d, 9, 0);
            self.push(at, bp, None);
        }
        for (a, v, r) in [
            (Analyte::Bun, 4.8, (2.8, 7.6)),
            (Analyte::Potassium, 4.1, (3.5, 5.3)),
            (Analyte::Magnesium, 0.86, (0.70, 1.10)),
            (Analyte::UricAcid, 280.0, (155.0, 357.0)),
            (Analyte::Cholesterol, 4.4, (0.0, 5.2)),
            (Analyte::Triglycerides, 1.1, (0.0, 1.7)),
            (Analyte::Alt, 18.0, (7.0, 40.0)),
            (Analyte::Ast, 20.0, (13.0, 35.0)),
            (Analyte::Bilirubin, 9.0, (0.0, 21.0)),
        ] {
            self.lab(-3, a, v, Some(r));
        }
        for (d, v) in [(-10, 15.0), (-3, 12.0)] {
            self.platelets(d, v);
        }
    }

    fn platelets(&mut self, day: i64, v: f64) {
        let at = self.at(day, 7, 30);
        let data = validate::platelets(v, None, Some("Central Hospital".into()))
            .ok()
            .map(|c| c.value);
        self.push(at, data, None);
    }

    /// Doses, twice daily: ~96 % taken (±40 min), ~3 % logged missed, ~1 % never logged.
    fn doses(&mut self, last_day: i64) {
        for day in 0..=last_day {
            let mg = plan(day);
            for hour in [8u32, 20] {
                let r = self.rng.f();
                let jitter = self.rng.range(-40.0, 40.0) as i64;
                let at = self.at(day, hour, 0).map(|t| t + Duration::minutes(jitter));
                let status = if r < 0.96 {
                    DoseStatus::Taken
                } else if r < 0.99 {
                    DoseStatus::Missed
                } else {
                    continue;
                };
                let data = validate::dose(DoseInput {
                    drug: Drug::Cyclosporine,
                    amount: Some(mg),
                    unit: None,
                    mg_per_ml: None,
                    route: None,
                    formulation: Some("Neoral".into()),
                    status,
                    scheduled_for: None,
                })
                .ok()
                .map(|c| c.value);
                let now = self.now;
                self.push(at.filter(|t| *t <= now), data, None);
            }
        }
    }

    /// Counts, kidney, liver and electrolyte labs and a trough on each monitoring day.
    fn monitoring(&mut self, last_day: i64) {
        for day in monitoring_days(last_day) {
            let t = day as f64;
            // Platelets rise over ~4 weeks to a plateau; a relapse-and-recovery in year 3.
            let mut plt = 12.0 + 118.0 * (1.0 - (-t / 25.0).exp());
            if (900.0..1000.0).contains(&t) {
                plt *= 0.35;
            }
            let plt = self.rng.normal(plt, plt * 0.08).max(3.0);
            self.platelets(day, round1(plt));
            self.chemistry(day);
            self.trough(day);
        }
    }

    fn chemistry(&mut self, day: i64) {
        let t = day as f64;
        let rise = if day < 182 {
            14.0 * (t / 84.0).min(1.0)
        } else {
            6.0
        };
        let cr = 82.0 + rise + self.rng.normal(0.0, 3.0);
        self.lab(day, Analyte::Creatinine, round1(cr), Some((45.0, 84.0)));
        let bun = round1(self.rng.normal(5.4, 0.5));
        self.lab(day, Analyte::Bun, bun, Some((2.8, 7.6)));
        let k = (self.rng.normal(4.4, 0.25) * 100.0).round() / 100.0;
        self.lab(day, Analyte::Potassium, k, Some((3.5, 5.3)));
        let mg = (self.rng.normal(0.78, 0.05) * 100.0).round() / 100.0;
        self.lab(day, Analyte::Magnesium, mg, Some((0.70, 1.10)));
        let ua = self.rng.normal(330.0, 25.0).round();
        self.lab(day, Analyte::UricAcid, ua, Some((155.0, 357.0)));
        let alt = self.rng.normal(24.0, 5.0).round();
        self.lab(day, Analyte::Alt, alt, Some((7.0, 40.0)));
        let ast = self.rng.normal(23.0, 4.0).round();
        self.lab(day, Analyte::Ast, ast, Some((13.0, 35.0)));
        let tbil = round1(self.rng.normal(11.0, 2.0));
        self.lab(day, Analyte::Bilirubin, tbil, Some((0.0, 21.0)));
    }

    /// The trough, drawn before the morning dose; now and then too early to be a trough.
    fn trough(&mut self, day: i64) {
        let hours = if self.rng.chance(0.1) {
            9.0
        } else {
            self.rng.range(11.0, 13.0)
        };
        let level = if day < 182 {
            self.rng.normal(175.0, 30.0)
        } else {
            self.rng.normal(125.0, 25.0)
        };
        let at = self.at(day, 7, 45);
        let data = at.and_then(|at| {
            let last = at - Duration::minutes((hours * 60.0) as i64);
            validate::lab(
                Analyte::CsaTrough,
                level.round().max(20.0),
                None,
                LabExtras {
                    lab: Some("Central Hospital".into()),
                    method: Some("immunoassay".into()),
                    last_dose_at: Some(last),
                    ..Default::default()
                },
                at,
            )
            .ok()
            .map(|c| c.value)
        });
        self.push(at, data, None);
    }

    /// Lipids every 6 months.
    fn lipids(&mut self, last_day: i64) {
        for d in (182..=last_day).step_by(182) {
            let tc = round1(self.rng.normal(5.0, 0.4));
            self.lab(d, Analyte::Cholesterol, tc, Some((0.0, 5.2)));
            let tg = round1(self.rng.normal(1.6, 0.3));
            self.lab(d, Analyte::Triglycerides, tg, Some((0.0, 1.7)));
        }
    }

    /// Home blood pressure weekly; a little higher during induction.
    fn home_blood_pressure(&mut self, last_day: i64) {
        for d in (3..=last_day).step_by(7) {
            let rise = if d < 120 { 8.0 } else { 3.0 };
            let s = self.rng.normal(122.0 + rise, 6.0).round();
            let dia = self.rng.normal(78.0 + rise / 2.0, 4.0).round();
            let pulse = self.rng.normal(72.0, 5.0).round();
            let at = self.at(d, 21, 0);
            let data = validate::blood_pressure(&format!("{s}/{dia}"), Some(&pulse.to_string()))
                .ok()
                .map(|c| c.value);
            self.push(at, data, None);
        }
    }

    /// Weight monthly.
    fn weights(&mut self, last_day: i64) {
        for d in (-3..=last_day).step_by(30) {
            let kg = round1(self.rng.normal(60.0 + (d as f64 / 365.0).min(2.0), 0.4));
            let at = self.at(d, 7, 0);
            let data = validate::weight(kg, None, None).ok().map(|c| c.value);
            self.push(at, data, None);
        }
    }

    fn bleeds(&mut self) {
        for b in &BLEEDS {
            let at = self.at(b.day, 19, 0);
            let data = validate::bleeding(b.site, b.count, b.size_cm, b.minutes, b.care)
                .ok()
                .map(|c| c.value);
            self.push(at, data, (!b.note.is_empty()).then_some(b.note));
        }
    }

    fn side_effects(&mut self) {
        for (day, effect, sev) in [
            (15, SideEffectKind::Tremor, 1),
            (60, SideEffectKind::HairGrowth, 1),
            (120, SideEffectKind::GumSwelling, 2),
        ] {
            let at = self.at(day, 12, 0);
            let data = validate::side_effect(effect, Some(sev))
                .ok()
                .map(|c| c.value);
            self.push(at, data, None);
        }
    }

    /// Clinic visits, a rescue, an infection, an interacting drug, yearly flu vaccines.
    fn events(&mut self, last_day: i64) {
        let mut events: Vec<(i64, EventKind, Option<&str>, Option<&str>)> = vec![
            (-20, EventKind::Ivig, None, Some("1 g/kg, rescue")),
            (-14, EventKind::ClinicVisit, None, Some("plan cyclosporine")),
            (28, EventKind::ClinicVisit, None, Some("week 4")),
            (
                84,
                EventKind::ClinicVisit,
                None,
                Some("week 12: responding"),
            ),
            (100, EventKind::Grapefruit, None, Some("juice at breakfast")),
            (150, EventKind::Infection, None, Some("fever, cold")),
            (182, EventKind::ClinicVisit, None, Some("start taper")),
            (266, EventKind::ClinicVisit, None, Some("maintenance")),
            (
                300,
                EventKind::MedicationStart,
                Some("ibuprofen"),
                Some("toothache"),
            ),
            (302, EventKind::MedicationStop, Some("ibuprofen"), None),
        ];
        for d in (356..=last_day).step_by(90) {
            events.push((d, EventKind::ClinicVisit, None, None));
            if d % 365 < 90 {
                events.push((d + 1, EventKind::Vaccination, Some("influenza"), None));
            }
        }
        for (day, kind, med, note) in events {
            let at = self.at(day, 10, 0);
            let data = validate::event(kind, med.map(str::to_string))
                .ok()
                .map(|c| c.value);
            self.push(at, data, note);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_diary() {
        let clock =
            Clock::Fixed(DateTime::parse_from_rfc3339("2026-03-10T14:30:00+08:00").unwrap());
        let mut a = Store::open_in_memory().unwrap();
        let mut b = Store::open_in_memory().unwrap();
        let sa = generate(&mut a, 2, 7, &clock).unwrap();
        let sb = generate(&mut b, 2, 7, &clock).unwrap();
        assert_eq!(sa.entries, sb.entries);
        let ea = a.entries(&Default::default()).unwrap();
        let eb = b.entries(&Default::default()).unwrap();
        assert_eq!(
            ea.iter().map(|e| (&e.at, &e.data)).collect::<Vec<_>>(),
            eb.iter().map(|e| (&e.at, &e.data)).collect::<Vec<_>>()
        );
        assert!(sa.entries > 1500, "{}", sa.entries);
        assert!(ea.iter().all(|e| e.at <= clock.now()));
    }
}
