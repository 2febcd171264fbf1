//! The clinical engine through the real binary: `remind --json` carries typed ids, past dates
//! read the diary as it stood then, and no internal document name reaches a user.

mod common;

use common::Diary;
use serde_json::Value;

fn remind_at(d: &Diary, at: &str, lang: &str) -> Vec<Value> {
    let out = d
        .cmd()
        .args(["--lang", lang, "remind", "--json", "--at", at])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn diary() -> Diary {
    let d = Diary::new();
    d.ok(&["log", "weight", "60", "--at", "2026-02-20 09:00"]);
    d.ok(&[
        "regimen",
        "start",
        "csa",
        "--dose",
        "150,150",
        "--start",
        "2026-02-23",
        "--formulation",
        "Neoral",
    ]);
    d.ok(&["log", "platelets", "45", "--at", "2026-03-02 09:00"]);
    // Later entries: a very low count and a high BP on 03-09.
    d.ok(&["log", "platelets", "10", "--at", "2026-03-09 09:00"]);
    d.ok(&["log", "bp", "190/115", "--at", "2026-03-09 09:30"]);
    d
}

#[test]
fn remind_at_a_past_date_reads_the_diary_as_it_stood() {
    let d = diary();
    let then = remind_at(&d, "2026-03-03 12:00", "en");
    let rules: Vec<&str> = then.iter().map(|r| r["rule"].as_str().unwrap()).collect();
    assert!(!rules.contains(&"platelets_below_20"), "{rules:?}");
    assert!(!rules.contains(&"bp_urgent"), "{rules:?}");
    let now = remind_at(&d, "2026-03-10 12:00", "en");
    let rules: Vec<&str> = now.iter().map(|r| r["rule"].as_str().unwrap()).collect();
    assert!(
        rules.contains(&"platelets_below_20") && rules.contains(&"bp_urgent"),
        "{rules:?}"
    );
    // status at the past date: the latest count is the one before it, never "−N days ago".
    let s: Value = serde_json::from_str(&d.ok(&["status", "--json"])).unwrap();
    assert!(s["latest_platelets"]["days_ago"].as_i64().unwrap() >= 0);
}

#[test]
fn remind_json_items_carry_typed_ids_and_readable_sources() {
    let d = diary();
    for lang in ["en", "zh"] {
        let items = remind_at(&d, "2026-03-10 12:00", lang);
        assert!(!items.is_empty());
        for r in &items {
            for key in [
                "rule", "class", "severity", "due", "setting", "refs", "message",
            ] {
                assert!(r.get(key).is_some(), "{key} missing in {r}");
            }
            assert!(["due", "overdue", "alert", "info"].contains(&r["class"].as_str().unwrap()));
            assert!(r["refs"].as_array().is_some_and(|a| !a.is_empty()), "{r}");
            let text = r.to_string();
            assert!(
                !text.contains("clinical.md") && !text.contains("L5"),
                "{text}"
            );
            assert!(!r["message"].as_str().unwrap().contains('{'), "{r}");
        }
        let bp = items
            .iter()
            .find(|r| r["rule"] == "bp_urgent")
            .expect("bp_urgent");
        assert_eq!(bp["setting"], "alerts.bp_urgent_systolic");
        assert!(bp["message"].as_str().unwrap().contains("180/110"), "{bp}");
        // bp_urgent hides bp_high
        assert!(!items.iter().any(|r| r["rule"] == "bp_high"));
    }
    for lang in ["en", "zh"] {
        let show = String::from_utf8(
            d.cmd()
                .args(["--lang", lang, "config", "show"])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        assert!(
            !show.contains("clinical.md") && !show.contains("L5"),
            "{show}"
        );
    }
}

/// Defect 10: a second dose for an answered dose time is refused unless `--extra`.
#[test]
fn second_dose_for_one_slot_needs_extra() {
    let d = Diary::new();
    d.ok(&[
        "regimen",
        "start",
        "csa",
        "--dose",
        "150,150",
        "--start",
        "2026-03-01",
        "--formulation",
        "Neoral",
    ]);
    d.ok(&["log", "dose", "csa", "150", "--at", "2026-03-10 08:05"]);
    let out = d
        .cmd()
        .args(["log", "dose", "csa", "150", "--at", "2026-03-10 08:40"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--extra") && err.contains("08:00"), "{err}");
    // nothing saved
    let list: Value = serde_json::from_str(&d.ok(&["list", "--format", "json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    d.ok(&[
        "log",
        "dose",
        "csa",
        "150",
        "--at",
        "2026-03-10 08:40",
        "--extra",
    ]);
    // the evening dose time is free
    d.ok(&["log", "dose", "csa", "150", "--at", "2026-03-09 20:00"]);
}

/// A report ending in the past reads the diary as it stood at its end: a later low count or
/// cholesterol is not among its alerts.
#[test]
fn report_to_a_past_date_ignores_later_entries() {
    let d = Diary::new();
    d.ok(&[
        "log",
        "lab",
        "cholesterol",
        "7.5",
        "--unit",
        "mmol/L",
        "--ref",
        "3.1-5.2",
        "--at",
        "2026-03-01 09:00",
    ]);
    d.ok(&["log", "platelets", "50", "--at", "2025-01-10 09:00"]);
    d.ok(&["log", "platelets", "8", "--at", "2026-03-02 09:00"]);
    let md = d.ok(&[
        "export",
        "--format",
        "md",
        "--from",
        "2025-01-01",
        "--to",
        "2025-02-01",
    ]);
    assert!(!md.contains("7.5") && !md.contains("| 8 |"), "{md}");
    assert!(!md.to_lowercase().contains("below 20"), "{md}");
    let now = d.ok(&["export", "--format", "md"]);
    assert!(now.contains("below 20"), "{now}");
}
