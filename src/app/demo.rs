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
    let slots = |mg: f64| {
        vec![
            Slot {
                time: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or(NaiveTime::MIN),
                amount: mg,
            },
            Slot {
                time: NaiveTime::from_hms_opt(20, 0, 0).unwrap_or(NaiveTime::MIN),
                amount: mg,
            },
        ]
    };
    let step = |day: i64, kind: StepKind, mg: f64| NewStep {
        effective_from: start + Duration::days(day),
        kind,
        slots: slots(mg),
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

    // Baseline.
    for (d, cr) in [(-10, 78.0), (-3, 82.0)] {
        g.lab(d, Analyte::Creatinine, cr, Some((45.0, 84.0)));
        let bp = validate::blood_pressure(if d == -10 { "118/76" } else { "122/78" }, Some("72"))
            .ok()
            .map(|c| c.value);
        let at = g.at(d, 9, 0);
        g.push(at, bp, None);
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
        g.lab(-3, a, v, Some(r));
    }
    for (d, v) in [(-10, 15.0), (-3, 12.0)] {
        let at = g.at(d, 7, 30);
        let data = validate::platelets(v, None, Some("Central Hospital".into()))
            .ok()
            .map(|c| c.value);
        g.push(at, data, None);
    }

    // Doses, twice daily: ~96 % taken (±40 min), ~3 % logged missed, ~1 % never logged.
    for day in 0..=last_day {
        let mg = plan(day);
        for hour in [8u32, 20] {
            let r = g.rng.f();
            let jitter = g.rng.range(-40.0, 40.0) as i64;
            let at = g.at(day, hour, 0).map(|t| t + Duration::minutes(jitter));
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
            g.push(at.filter(|t| *t <= now), data, None);
        }
    }

    // Monitoring days: weekly to week 8, every 2 weeks to week 26, then monthly.
    let mut days: Vec<i64> = (1..=8).map(|w| w * 7).collect();
    days.extend((5..=13).map(|k| k * 14));
    let mut d = 210;
    while d <= last_day {
        days.push(d);
        d += 30;
    }
    for &day in days.iter().filter(|d| **d <= last_day) {
        let t = day as f64;
        // Platelets rise over ~4 weeks to a plateau; a relapse-and-recovery in year 3.
        let mut plt = 12.0 + 118.0 * (1.0 - (-t / 25.0).exp());
        if (900.0..1000.0).contains(&t) {
            plt *= 0.35;
        }
        let plt = g.rng.normal(plt, plt * 0.08).max(3.0);
        let at = g.at(day, 7, 30);
        let data = validate::platelets(round1(plt), None, Some("Central Hospital".into()))
            .ok()
            .map(|c| c.value);
        g.push(at, data, None);
        // Kidney, liver, electrolytes.
        let cr =
            82.0 + if day < 182 {
                14.0 * (t / 84.0).min(1.0)
            } else {
                6.0
            } + g.rng.normal(0.0, 3.0);
        g.lab(day, Analyte::Creatinine, round1(cr), Some((45.0, 84.0)));
        let bun = round1(g.rng.normal(5.4, 0.5));
        g.lab(day, Analyte::Bun, bun, Some((2.8, 7.6)));
        let k = (g.rng.normal(4.4, 0.25) * 100.0).round() / 100.0;
        g.lab(day, Analyte::Potassium, k, Some((3.5, 5.3)));
        let mg = (g.rng.normal(0.78, 0.05) * 100.0).round() / 100.0;
        g.lab(day, Analyte::Magnesium, mg, Some((0.70, 1.10)));
        let ua = g.rng.normal(330.0, 25.0).round();
        g.lab(day, Analyte::UricAcid, ua, Some((155.0, 357.0)));
        let alt = g.rng.normal(24.0, 5.0).round();
        g.lab(day, Analyte::Alt, alt, Some((7.0, 40.0)));
        let ast = g.rng.normal(23.0, 4.0).round();
        g.lab(day, Analyte::Ast, ast, Some((13.0, 35.0)));
        let tbil = round1(g.rng.normal(11.0, 2.0));
        g.lab(day, Analyte::Bilirubin, tbil, Some((0.0, 21.0)));
        // The trough, drawn before the morning dose; now and then too early to be a trough.
        let hours = if g.rng.chance(0.1) {
            9.0
        } else {
            g.rng.range(11.0, 13.0)
        };
        let level = if day < 182 {
            g.rng.normal(175.0, 30.0)
        } else {
            g.rng.normal(125.0, 25.0)
        };
        let at = g.at(day, 7, 45);
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
        g.push(at, data, None);
    }
    // Lipids every 6 months.
    let mut d = 182;
    while d <= last_day {
        let tc = round1(g.rng.normal(5.0, 0.4));
        g.lab(d, Analyte::Cholesterol, tc, Some((0.0, 5.2)));
        let tg = round1(g.rng.normal(1.6, 0.3));
        g.lab(d, Analyte::Triglycerides, tg, Some((0.0, 1.7)));
        d += 182;
    }
    // Home blood pressure weekly; a little higher during induction.
    let mut d = 3;
    while d <= last_day {
        let rise = if d < 120 { 8.0 } else { 3.0 };
        let s = g.rng.normal(122.0 + rise, 6.0).round();
        let dia = g.rng.normal(78.0 + rise / 2.0, 4.0).round();
        let pulse = g.rng.normal(72.0, 5.0).round();
        let at = g.at(d, 21, 0);
        let data = validate::blood_pressure(&format!("{s}/{dia}"), Some(&pulse.to_string()))
            .ok()
            .map(|c| c.value);
        g.push(at, data, None);
        d += 7;
    }
    // Weight monthly.
    let mut d = -3;
    while d <= last_day {
        let kg = round1(g.rng.normal(60.0 + (d as f64 / 365.0).min(2.0), 0.4));
        let at = g.at(d, 7, 0);
        let data = validate::weight(kg, None, None).ok().map(|c| c.value);
        g.push(at, data, None);
        d += 30;
    }
    // Bleeding, side effects, events.
    #[allow(clippy::type_complexity)] // a data table: its row type is spelled out inline
    let bleeds: &[(
        i64,
        BleedingSite,
        Option<u32>,
        Option<f64>,
        Option<u32>,
        bool,
        &str,
    )] = &[
        (
            -6,
            BleedingSite::Petechiae,
            Some(40),
            None,
            None,
            false,
            "legs",
        ),
        (
            3,
            BleedingSite::Gums,
            None,
            None,
            Some(10),
            false,
            "after brushing",
        ),
        (
            10,
            BleedingSite::Nose,
            None,
            None,
            Some(40),
            true,
            "ER: packing",
        ),
        (
            45,
            BleedingSite::Bruises,
            Some(2),
            Some(3.0),
            None,
            false,
            "",
        ),
        (
            960,
            BleedingSite::Petechiae,
            Some(25),
            None,
            None,
            false,
            "relapse",
        ),
    ];
    for &(day, site, count, size, minutes, care, note) in bleeds {
        let at = g.at(day, 19, 0);
        let data = validate::bleeding(site, count, size, minutes, care)
            .ok()
            .map(|c| c.value);
        g.push(at, data, (!note.is_empty()).then_some(note));
    }
    for (day, effect, sev) in [
        (15, SideEffectKind::Tremor, 1),
        (60, SideEffectKind::HairGrowth, 1),
        (120, SideEffectKind::GumSwelling, 2),
    ] {
        let at = g.at(day, 12, 0);
        let data = validate::side_effect(effect, Some(sev))
            .ok()
            .map(|c| c.value);
        g.push(at, data, None);
    }
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
    let mut d = 356;
    while d <= last_day {
        events.push((d, EventKind::ClinicVisit, None, None));
        if d % 365 < 90 {
            events.push((d + 1, EventKind::Vaccination, Some("influenza"), None));
        }
        d += 90;
    }
    for (day, kind, med, note) in events {
        let at = g.at(day, 10, 0);
        let data = validate::event(kind, med.map(str::to_string))
            .ok()
            .map(|c| c.value);
        g.push(at, data, note);
    }
    let n = g.out.len();
    store.add_entries(&g.out, Source::Demo, now)?;
    Ok(DemoSummary { entries: n, start })
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
