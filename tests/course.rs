//! A scripted 16-week cyclosporine course through the real binary, checked against
//! `status --json` and `remind --json` at several dates. Every command runs with its own
//! fixed "now", so the test does not depend on today's date.

mod common;

use chrono::{DateTime, Duration, FixedOffset};
use common::{Diary, cmd_on};
use serde_json::Value;

/// Day 0 is Monday 2026-01-05, 00:00 in UTC+8.
fn at(day: i64, hh: u32, mm: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-01-05T00:00:00+08:00").unwrap()
        + Duration::days(day)
        + Duration::hours(i64::from(hh))
        + Duration::minutes(i64::from(mm))
}

fn stamp(t: DateTime<FixedOffset>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

struct Course(Diary);

impl Course {
    /// Run at time `now`; the entry's time is `now` unless `args` says otherwise.
    fn run(&self, now: DateTime<FixedOffset>, args: &[&str]) -> String {
        let out = cmd_on(&self.0.db)
            .env("ITP_DIARY_NOW", now.to_rfc3339())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
    /// Log at a time (the command runs one minute later).
    fn log(&self, t: DateTime<FixedOffset>, args: &[&str]) {
        let when = stamp(t);
        let mut a: Vec<&str> = vec!["log"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--at", &when]);
        self.run(t + Duration::minutes(1), &a);
    }
    fn status(&self, now: DateTime<FixedOffset>) -> Value {
        serde_json::from_str(&self.run(now, &["status", "--json"])).unwrap()
    }
    fn remind(&self, now: DateTime<FixedOffset>) -> Vec<Value> {
        let v: Value = serde_json::from_str(&self.run(now, &["remind", "--json"])).unwrap();
        v.as_array().unwrap().clone()
    }
}

fn rules(v: &[Value]) -> Vec<String> {
    v.iter()
        .map(|r| r["rule"].as_str().unwrap().to_string())
        .collect()
}

fn doses(c: &Course, from: i64, to: i64, mg: &str) {
    for d in from..to {
        c.log(at(d, 8, 0), &["dose", "csa", mg]);
        c.log(at(d, 20, 0), &["dose", "csa", mg]);
    }
}

#[test]
fn sixteen_week_course() {
    let c = Course(Diary::new());
    // Baseline, the week before the start.
    c.run(at(-7, 9, 0), &["profile", "--diagnosed", "2025-03-01"]);
    c.log(at(-7, 9, 0), &["weight", "60"]);
    c.log(
        at(-7, 9, 0),
        &["lab", "creatinine", "80", "--unit", "umol/L"],
    );
    c.log(
        at(-3, 9, 0),
        &["lab", "creatinine", "82", "--unit", "umol/L"],
    );
    c.log(at(-7, 9, 0), &["bp", "120/80"]);
    c.log(at(-3, 9, 0), &["bp", "118/76"]);
    c.log(at(-3, 9, 0), &["lab", "bun", "5", "--unit", "mmol/L"]);
    c.log(at(-3, 9, 0), &["lab", "potassium", "4.2"]);
    c.log(
        at(-3, 9, 0),
        &["lab", "magnesium", "0.8", "--unit", "mmol/L"],
    );
    c.log(
        at(-3, 9, 0),
        &["lab", "uric-acid", "300", "--unit", "umol/L"],
    );
    c.log(at(-3, 9, 0), &["lab", "alt", "20"]);
    c.log(at(-3, 9, 0), &["platelets", "12"]);
    c.run(
        at(-4, 10, 0),
        &[
            "regimen",
            "start",
            "cyclosporine",
            "--dose",
            "150,150",
            "--times",
            "08:00,20:00",
            "--start",
            "2026-01-05",
            "--formulation",
            "Neoral",
        ],
    );

    // Before the start: baseline phase, and lipids are still missing from the checklist.
    let s = c.status(at(-2, 12, 0));
    assert_eq!(s["phase"], "baseline");
    assert_eq!(s["day"], -2);
    assert_eq!(s["disease_phase"], "persistent");
    let r = c.remind(at(-2, 12, 0));
    let checklist = r
        .iter()
        .find(|x| x["rule"] == "baseline_checklist")
        .expect("checklist");
    assert!(
        checklist["message"].as_str().unwrap().contains("lipids"),
        "{checklist}"
    );
    c.log(
        at(-2, 12, 0),
        &["lab", "cholesterol", "4.5", "--unit", "mmol/L"],
    );
    assert!(!rules(&c.remind(at(-2, 13, 0))).contains(&"baseline_checklist".to_string()));

    // Weeks 1–12 at 150 mg twice daily.
    doses(&c, 0, 84, "150");
    c.log(at(7, 9, 0), &["platelets", "25"]);
    c.log(
        at(6, 8, 0),
        &[
            "lab",
            "csa-trough",
            "180",
            "--last-dose",
            &stamp(at(5, 20, 0)),
        ],
    );

    // Day 6, noon: induction week 1, 300 mg/day for 60 kg = 5 mg/kg/day (above the label's 4).
    let s = c.status(at(6, 12, 0));
    assert_eq!(s["phase"], "induction");
    assert_eq!(s["week"], 1);
    assert_eq!(s["mg_per_kg_day"], 5.0);
    assert_eq!(s["mg_per_kg_day_planned"], 5.0);
    assert_eq!(s["adherence_7d"], 100.0);
    assert_eq!(s["baseline_platelets"], 12.0);
    assert_eq!(s["response"], "not_assessable");
    assert_eq!(s["last_trough"]["value"], 180.0);
    assert_eq!(s["last_trough"]["hours_since_dose"], 12.0);
    assert_eq!(s["last_trough"]["band"], "in_target");
    let r = c.remind(at(6, 12, 0));
    assert!(
        rules(&r).contains(&"dose_above_label".to_string()),
        "{:?}",
        rules(&r)
    );
    assert!(!rules(&r).contains(&"trough_due".to_string()));

    c.log(at(14, 9, 0), &["platelets", "45"]);
    c.log(
        at(14, 9, 0),
        &["lab", "creatinine", "90", "--unit", "umol/L"],
    );
    c.log(
        at(20, 7, 30),
        &[
            "lab",
            "csa-trough",
            "250",
            "--last-dose",
            &stamp(at(19, 20, 0)),
        ],
    );
    c.log(at(21, 9, 0), &["platelets", "60"]);

    // Day 21: two counts ≥ 30 and ≥ 2× baseline 7 days apart → response, reached on day 14.
    let s = c.status(at(21, 12, 0));
    assert_eq!(s["response"], "response");
    assert_eq!(s["time_to_response_days"], 14);
    assert_eq!(s["last_trough"]["band"], "above_target");
    let r = c.remind(at(21, 12, 0));
    assert!(rules(&r).contains(&"trough_above_target".to_string()));

    // Day 28: creatinine exactly 25% above the baseline mean (81) → 101.25; week-4 checkpoint.
    c.log(
        at(28, 9, 0),
        &["lab", "creatinine", "101.25", "--unit", "umol/L"],
    );
    c.log(at(30, 9, 0), &["weight", "61"]);
    let r = c.remind(at(28, 12, 0));
    let names = rules(&r);
    assert!(names.contains(&"creatinine_rise".to_string()), "{names:?}");
    assert!(names.contains(&"checkpoint".to_string()), "{names:?}");
    let cr = r.iter().find(|x| x["rule"] == "creatinine_rise").unwrap();
    assert_eq!(cr["severity"], "warning");
    assert!(cr["message"].as_str().unwrap().contains("25%"));

    c.log(at(35, 9, 0), &["platelets", "110"]);
    c.log(at(42, 9, 0), &["platelets", "120"]);
    c.log(
        at(42, 9, 0),
        &["lab", "creatinine", "95", "--unit", "umol/L"],
    );
    let s = c.status(at(42, 12, 0));
    assert_eq!(s["response"], "complete_response");
    assert_eq!(s["time_to_response_days"], 14);
    assert!(!rules(&c.remind(at(42, 12, 0))).contains(&"creatinine_rise".to_string()));

    for d in [34, 48, 62, 76] {
        c.log(
            at(d, 7, 45),
            &[
                "lab",
                "csa-trough",
                "170",
                "--last-dose",
                &stamp(at(d - 1, 20, 0)),
            ],
        );
    }

    // Week 13: a taper step to 125 mg twice daily; a level is due 5 days later.
    c.log(at(84, 9, 0), &["platelets", "140"]);
    c.run(
        at(84, 10, 0),
        &[
            "regimen",
            "change",
            "--dose",
            "125,125",
            "--from",
            "2026-03-30",
        ],
    );
    doses(&c, 84, 112, "125");
    let s = c.status(at(85, 12, 0));
    assert_eq!(s["phase"], "taper");
    assert_eq!(s["week"], 13);
    let r = c.remind(at(87, 12, 0));
    let due = r
        .iter()
        .find(|x| x["rule"] == "trough_due")
        .expect("trough due after the taper");
    assert!(
        due["due"].as_str().unwrap().starts_with("2026-04-04T08:00"),
        "{due}"
    );
    assert!(
        due["message"]
            .as_str()
            .unwrap()
            .contains("before your morning dose")
    );

    // Day 90: drawn 9 h after the evening dose → not a trough.
    c.log(
        at(90, 5, 0),
        &[
            "lab",
            "csa-trough",
            "190",
            "--last-dose",
            &stamp(at(89, 20, 0)),
        ],
    );
    let r = c.remind(at(90, 12, 0));
    assert!(
        rules(&r).contains(&"not_a_trough".to_string()),
        "{:?}",
        rules(&r)
    );
    assert_eq!(
        c.status(at(90, 12, 0))["last_trough"]["valid_trough"],
        false
    );

    // Week 17 (16 weeks done): still taper, 250 mg/day for 61 kg.
    c.log(at(98, 9, 0), &["platelets", "125"]);
    c.log(at(112, 9, 0), &["platelets", "118"]);
    let s = c.status(at(112, 12, 0));
    assert_eq!(s["phase"], "taper");
    assert_eq!(s["week"], 17);
    assert_eq!(s["daily_mg_planned"], 250.0);
    assert_eq!(s["mg_per_kg_day_planned"], 4.1);
    assert_eq!(s["response"], "complete_response");
    // The morning dose of day 112 was not logged: 59 of 60 slots.
    assert_eq!(s["adherence_30d"], 98.3);
    assert!(rules(&c.remind(at(112, 12, 0))).contains(&"dose_not_logged".to_string()));
    // 6 weeks after the last taper step without a new one: maintenance.
    assert_eq!(c.status(at(126, 12, 0))["phase"], "maintenance");
}

#[test]
fn remind_is_quiet_when_nothing_is_due() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "150"]);
    d.cmd().arg("remind").assert().success().stdout("");
    d.cmd()
        .args(["remind", "--json"])
        .assert()
        .success()
        .stdout("[]\n");
}

#[test]
fn settings_file_is_validated() {
    let d = Diary::new();
    let cfg = d.db.with_file_name("config.toml");
    std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
    std::fs::write(&cfg, "[trough]\ntarget_lo = 150\n").unwrap();
    let out = d.cmd().arg("status").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config.toml")
            && err.contains("trough.target_lo")
            && err.contains("target_low"),
        "{err}"
    );
    // `config init --force` repairs it; `config show` marks what the care team set.
    d.ok(&["config", "init", "--force"]);
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("# target_high = 200", "target_high = 250");
    std::fs::write(&cfg, text).unwrap();
    let show = d.ok(&["config", "show"]);
    assert!(
        show.contains("trough.target_high = 250 ng/mL  (set by your care team)"),
        "{show}"
    );
    assert!(
        show.contains("trough.target_low = 100 ng/mL  (app default: published ITP case series")
            && !show.contains("clinical.md"),
        "{show}"
    );
    // No dose time is known for this level: it is not judged (issue 11, defect 16).
    d.ok(&["log", "lab", "csa-trough", "220"]);
    let s: Value = serde_json::from_str(&d.ok(&["status", "--json"])).unwrap();
    assert_eq!(s["last_trough"]["band"], "timing_unknown");
}

#[test]
fn regimen_history_is_kept() {
    let d = Diary::new();
    d.cmd()
        .args(["regimen", "start", "csa", "--dose", "150,150"])
        .assert()
        .code(2); // no formulation
    d.ok(&[
        "regimen",
        "start",
        "csa",
        "--dose",
        "150,100",
        "--times",
        "08:00,20:00",
        "--formulation",
        "Neoral",
        "--start",
        "2026-03-01",
        "--trough-target",
        "150-250",
    ]);
    d.cmd()
        .args([
            "regimen",
            "start",
            "csa",
            "--dose",
            "150,150",
            "--formulation",
            "Neoral",
        ])
        .assert()
        .code(2);
    d.ok(&[
        "regimen",
        "change",
        "--dose",
        "100,100",
        "--from",
        "2026-03-05",
    ]);
    d.ok(&[
        "regimen",
        "change",
        "--formulation",
        "Sandimmun",
        "--from",
        "2026-03-08",
    ]);
    d.cmd()
        .args(["regimen", "change", "--from", "2026-03-09"])
        .assert()
        .code(2);
    d.cmd()
        .args([
            "regimen",
            "change",
            "--dose",
            "90,90",
            "--from",
            "2026-02-01",
        ])
        .assert()
        .code(2);
    let v: Value = serde_json::from_str(&d.ok(&["regimen", "show", "--json"])).unwrap();
    let steps = v[0]["steps"].as_array().unwrap();
    let kinds: Vec<&str> = steps.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["start", "taper", "formulation"]);
    assert_eq!(steps[0]["slots"][1]["amount"], 100.0);
    assert_eq!(v[0]["target_low"], 150.0);
    d.ok(&["regimen", "stop", "--on", "2026-03-10"]);
    let s: Value = serde_json::from_str(&d.ok(&["status", "--json"])).unwrap();
    assert_eq!(s["phase"], "stopped");
}
