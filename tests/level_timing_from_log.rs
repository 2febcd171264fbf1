//! A CsA level that names no previous dose is timed from the last dose logged as taken before
//! the draw — in every view, as the README says and as Today and the rules always did. Before,
//! the trends, the clinic report's table and figures and History called such a level "timing
//! unknown" while Today and the alerts judged it from the dose log: one report, two timing
//! bases (outside review, session 4, F2). The lookup reaches before a window, a report period
//! and Today's month of doses.

mod common;

use common::Diary;

/// Two levels drawn 12 h after a logged dose, neither naming its previous dose.
fn diary() -> Diary {
    let d = Diary::new();
    d.start_plan("75,75", "2026-02-01");
    for (dose, value, at) in [
        ("2026-03-04 20:00", "150", "2026-03-05 08:00"),
        ("2026-03-05 20:00", "160", "2026-03-06 08:00"),
    ] {
        d.ok(&["log", "dose", "csa", "75", "--at", dose]);
        d.ok(&["log", "lab", "csa-trough", value, "--at", at]);
    }
    d
}

fn line(s: &str, what: &str) -> String {
    s.lines()
        .find(|l| l.contains(what))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn trends_count_a_level_timed_from_the_dose_log_as_a_trough() {
    let d = diary();
    let screen = d.ok(&[
        "snapshot", "--screen", "trends", "--window", "1m", "--size", "160x50",
    ]);
    assert!(
        screen.contains("trough in range: 100% (2 levels)"),
        "{screen}"
    );
    // A weight two years back makes "all" a long window, read from the store's light series.
    d.ok(&["log", "weight", "60", "--at", "2024-01-01 08:00"]);
    let all = d.ok(&[
        "snapshot", "--screen", "trends", "--window", "all", "--size", "160x50",
    ]);
    assert!(all.contains("trough in range: 100% (2 levels)"), "{all}");
}

#[test]
fn the_report_times_a_level_from_the_dose_log_even_before_its_period() {
    let d = diary();
    // The period starts after the first dose: its level is timed from a dose outside it.
    let md = d.ok(&["export", "--format", "md", "--from", "2026-03-05"]);
    assert!(
        line(&md, "trough in range").contains("100% (2 levels)"),
        "{md}"
    );
    let rows: Vec<&str> = md.lines().filter(|l| l.contains("(dose log)")).collect();
    assert_eq!(rows.len(), 2, "{md}");
    assert!(
        rows.iter().all(|r| r.contains("| 12 (dose log) | yes |")),
        "{md}"
    );
    assert!(!md.contains("timing unknown"), "{md}");
    let html = d.ok(&["export", "--format", "html", "--from", "2026-03-05"]);
    let latest = html
        .find("12 h after the dose logged")
        .expect("latest level");
    let value = html[..latest].rfind("160").expect("its value");
    assert!(latest - value < 400, "{html}");
}

#[test]
fn history_judges_a_level_from_the_dose_log_and_says_so() {
    let d = diary();
    let history = d.ok(&["snapshot", "--screen", "history", "--size", "160x40"]);
    let row = line(&history, "160 ng/mL");
    assert!(row.contains("trough 12 h (dose log)"), "{history}");
    assert!(!history.contains("timing unknown"), "{history}");
}

/// Today's facts hold a month of doses; an older level is timed from its own logged dose, not
/// left "timing unknown" once the dose falls out of that month.
#[test]
fn today_times_an_old_level_from_a_dose_older_than_a_month() {
    let d = Diary::new();
    d.start_plan("75,75", "2026-01-01");
    d.ok(&["log", "dose", "csa", "75", "--at", "2026-01-20 20:00"]);
    d.ok(&[
        "log",
        "lab",
        "csa-trough",
        "450",
        "--at",
        "2026-01-21 08:00",
    ]);
    let status = d.json(&["status", "--json"]);
    let trough = &status["last_trough"];
    assert_eq!(trough["timing_from_dose_log"], true, "{status}");
    assert_eq!(trough["band"], "contact_team", "{status}");
}

/// A level with no dose logged before it stays unknown, and a dose that was not taken does
/// not time it.
#[test]
fn a_missed_dose_does_not_time_a_level() {
    let d = Diary::new();
    d.start_plan("75,75", "2026-02-01");
    d.ok(&[
        "log",
        "dose",
        "csa",
        "75",
        "--at",
        "2026-03-04 20:00",
        "--missed",
    ]);
    d.ok(&[
        "log",
        "lab",
        "csa-trough",
        "150",
        "--at",
        "2026-03-05 08:00",
    ]);
    let history = d.ok(&["snapshot", "--screen", "history", "--size", "160x40"]);
    assert!(
        line(&history, "150 ng/mL").contains("timing unknown"),
        "{history}"
    );
    let html = d.ok(&["export", "--format", "html"]);
    assert!(!html.contains("dose log"), "{html}");
}

/// The FHIR bundle codes such a level as a trough (LOINC 53828-0, not the unspecified 3520-4)
/// and says where the dose time comes from (both outside reviews, session 6).
#[test]
fn fhir_codes_a_level_timed_from_the_dose_log_as_a_trough() {
    let d = diary();
    let bundle = d.json(&["export", "--format", "fhir"]);
    let levels: Vec<&serde_json::Value> = bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| {
            r["resourceType"] == "Observation"
                && r["category"][0]["coding"][0]["code"] == "laboratory"
        })
        .collect();
    assert_eq!(levels.len(), 2, "{bundle}");
    for level in levels {
        assert_eq!(level["code"]["coding"][0]["code"], "53828-0", "{level}");
        assert_eq!(
            level["component"][0]["valueQuantity"]["value"], 12.0,
            "{level}"
        );
        let note = level["note"][0]["text"].as_str().unwrap_or_default();
        assert!(note.contains("logged in the diary"), "{note}");
    }
}
