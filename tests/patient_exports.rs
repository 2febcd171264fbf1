//! Issue 16: every export names the patient when the diary was chosen with `--patient` (and the
//! profile has no name of its own), and the profile's own name wins when there is one. Each
//! format is read by an outside reader (serde_json, ical, roxmltree, lopdf).

mod common;

use std::path::Path;

/// The binary with its data and config folders inside `root` (no --db).
fn in_home(root: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("itp-diary").unwrap();
    c.env("XDG_DATA_HOME", root.join("data"))
        .env("XDG_CONFIG_HOME", root.join("config"))
        .env("HOME", root)
        .env("ITP_DIARY_NOW", common::NOW)
        .env("ITP_DIARY_BACKUP", "wait")
        .env("TZ", "Asia/Shanghai")
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("ITP_DIARY_DB")
        .env_remove("ITP_DIARY_CONFIG")
        .env_remove("ITP_DIARY_PATIENT");
    c
}

/// A patient's diary with a result and a regimen (so the calendar and report have content).
fn patient_home(name: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    for args in [
        vec!["log", "platelets", "40"],
        vec![
            "regimen",
            "start",
            "csa",
            "--dose",
            "150,150",
            "--formulation",
            "Neoral",
        ],
    ] {
        let mut full = vec!["--patient", name];
        full.extend(args);
        let out = in_home(home.path()).args(&full).output().unwrap();
        assert!(out.status.success(), "{full:?}: {out:?}");
    }
    home
}

fn export(home: &Path, name: &str, format: &str) -> Vec<u8> {
    let out = in_home(home)
        .args(["--patient", name, "export", "--format", format])
        .output()
        .unwrap();
    assert!(out.status.success(), "{format}: {out:?}");
    out.stdout
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

#[test]
fn json_backup_names_the_patient_chosen_with_patient() {
    let home = patient_home("小明");
    let v: serde_json::Value =
        serde_json::from_slice(&export(home.path(), "小明", "json")).unwrap();
    assert_eq!(v["patient_name"], "小明");
    // Informative only: the profile itself is not changed.
    assert!(v["profile"]["name"].is_null(), "{}", v["profile"]);
}

#[test]
fn fhir_patient_name_is_the_patient_s() {
    let home = patient_home("anna");
    let v: serde_json::Value =
        serde_json::from_slice(&export(home.path(), "anna", "fhir")).unwrap();
    let patient = v["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["resourceType"] == "Patient")
        .expect("a Patient");
    assert_eq!(patient["name"][0]["text"], "anna");
}

#[test]
fn calendar_name_carries_the_patient() {
    let home = patient_home("anna");
    let ics = text(export(home.path(), "anna", "ics"));
    let cal = ical::IcalParser::new(ics.as_bytes())
        .next()
        .expect("a calendar")
        .expect("parses");
    let name = cal
        .properties
        .iter()
        .find(|p| p.name == "X-WR-CALNAME")
        .and_then(|p| p.value.clone());
    assert_eq!(name.as_deref(), Some("ITP diary: anna"), "{ics}");
}

#[test]
fn markdown_html_and_pdf_reports_name_the_patient() {
    let home = patient_home("anna");
    let md = text(export(home.path(), "anna", "md"));
    assert!(md.contains("anna"), "{md}");
    let html = text(export(home.path(), "anna", "html"));
    let opt = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&html, opt).expect("well-formed");
    assert!(
        doc.descendants()
            .any(|n| n.is_text() && n.text().unwrap_or_default().contains("anna")),
        "{html}"
    );
    let pdf = lopdf::Document::load_mem(&export(home.path(), "anna", "pdf")).unwrap();
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    assert!(pdf.extract_text(&pages).unwrap().contains("anna"));
}

#[test]
fn the_profile_s_own_name_wins_over_the_file_name() {
    let home = patient_home("anna");
    in_home(home.path())
        .args(["--patient", "anna", "profile", "--name", "Anna Li"])
        .assert()
        .success();
    let v: serde_json::Value =
        serde_json::from_slice(&export(home.path(), "anna", "json")).unwrap();
    assert_eq!(v["patient_name"], "Anna Li");
    let ics = text(export(home.path(), "anna", "ics"));
    assert!(ics.contains("X-WR-CALNAME:ITP diary: Anna Li"), "{ics}");
}

#[test]
fn the_default_diary_without_a_name_exports_as_before() {
    let home = tempfile::tempdir().unwrap();
    in_home(home.path())
        .args(["log", "platelets", "40"])
        .assert()
        .success();
    let out = in_home(home.path())
        .args(["export", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("patient_name").is_none(), "{v}");
}

#[test]
fn csv_stays_a_plain_table_and_the_tui_default_file_name_carries_the_patient() {
    // CSV: RFC 4180 rows only (no metadata line that would break pandas or Excel); the
    // patient is named by the file: the TUI's default export path.
    let home = patient_home("anna");
    let csv = text(export(home.path(), "anna", "csv"));
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(rows.records().count(), 1, "{csv}");
    assert!(!csv.contains("anna"), "{csv}");
    let clock = itp_diary::domain::clock::Clock::Fixed(
        chrono::DateTime::parse_from_rfc3339(common::NOW).unwrap(),
    );
    let dir = Path::new("/exports");
    let f = itp_diary::tui::dialogs::export::ExportForm::new(
        dir,
        &clock,
        itp_diary::present::i18n::Lang::En,
    )
    .for_patient(Some("anna".into()), dir, &clock);
    assert!(f.path.contains("itp-diary-anna-"), "{}", f.path);
    assert_eq!(f.period(&clock).patient.as_deref(), Some("anna"));
}
