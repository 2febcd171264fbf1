//! CSV, calendar and Markdown that say what the diary holds: CRLF and a byte-order mark for
//! Excel, deleted rows in a full export, monitoring events with alarms and stable UIDs, times
//! in the patient's zone, every result in the Markdown report, standard output and pipes.

mod common;

use common::Diary;

fn demo() -> Diary {
    let d = Diary::new();
    d.ok(&["demo", "--years", "1"]);
    d
}

fn raw(d: &Diary, args: &[&str]) -> Vec<u8> {
    let out = d.cmd().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn csv_is_rfc4180_with_a_bom_for_chinese_excel_and_deleted_rows() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "45", "--at", "2026-03-01 08:00"]);
    d.ok(&["log", "platelets", "50", "--at", "2026-03-02 08:00"]);
    d.ok(&["delete", "2"]);
    let plain = raw(&d, &["export", "--format", "csv", "-o", "-"]);
    assert!(!plain.starts_with(b"\xef\xbb\xbf"));
    let text = String::from_utf8(plain).unwrap();
    assert_eq!(text.matches("\r\n").count(), text.matches('\n').count());
    assert_eq!(
        text.lines().count(),
        2,
        "deleted rows only in a full export"
    );
    let zh = raw(&d, &["--lang", "zh", "export", "--format", "csv"]);
    assert!(
        zh.starts_with(b"\xef\xbb\xbf"),
        "BOM by default with --lang zh"
    );
    let no = raw(
        &d,
        &["--lang", "zh", "export", "--format", "csv", "--no-bom"],
    );
    assert!(!no.starts_with(b"\xef\xbb\xbf"));
    let bom = raw(&d, &["export", "--format", "csv", "--bom"]);
    assert!(bom.starts_with(b"\xef\xbb\xbf"));
    let full = String::from_utf8(raw(&d, &["export", "--format", "csv", "--deleted"])).unwrap();
    let mut rdr = csv::Reader::from_reader(full.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let k = h.iter().position(|c| c == "deleted").unwrap();
    let flags: Vec<String> = rdr.records().map(|r| r.unwrap()[k].to_string()).collect();
    assert_eq!(flags, ["false", "true"]);
    let fhir: serde_json::Value =
        serde_json::from_slice(&raw(&d, &["export", "--format", "fhir", "--deleted"])).unwrap();
    let statuses: Vec<&str> = fhir["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "Observation")
        .map(|e| e["resource"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["final", "entered-in-error"]);
}

fn events(ics: &str) -> Vec<String> {
    let unfolded = ics.replace("\r\n ", "");
    unfolded
        .split("BEGIN:VEVENT")
        .skip(1)
        .map(|e| e.split("END:VEVENT").next().unwrap().to_string())
        .collect()
}

#[test]
fn calendar_has_every_monitoring_item_with_an_alarm_and_stable_uids() {
    let d = demo();
    let ics = d.ok(&["export", "--format", "ics"]);
    assert!(
        ics.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\n"),
        "{ics}"
    );
    let mon: Vec<String> = events(&ics)
        .into_iter()
        .filter(|e| e.contains("CATEGORIES:MONITORING"))
        .collect();
    let uids: Vec<&str> = mon
        .iter()
        .map(|e| e.lines().find(|l| l.starts_with("UID:")).unwrap())
        .collect();
    // Each UID names the patient too (outside review, session 6: two patients' calendars in
    // one family calendar replaced each other's reminders).
    for item in ["cbc", "trough", "kidney", "liver", "bp"] {
        let uid = format!("UID:monitoring-{item}-");
        assert!(
            uids.iter()
                .any(|u| u.starts_with(&uid) && u.ends_with("@itp-diary")),
            "{item}: {uids:?}"
        );
    }
    let other = Diary::new();
    other.start_plan("100,100", "2026-01-05");
    let theirs = other.ok(&["export", "--format", "ics"]);
    for u in &uids {
        assert!(
            !theirs.contains(u),
            "{u} is in another patient's calendar too"
        );
    }

    for e in &mon {
        assert!(
            e.contains("DTSTART;VALUE=DATE:") && e.contains("BEGIN:VALARM"),
            "{e}"
        );
    }
    // A week later: the same UIDs (the calendar updates its events, never doubles them).
    let later = d
        .cmd()
        .env("ITP_DIARY_NOW", "2026-03-17T09:00:00+08:00")
        .args(["export", "--format", "ics"])
        .output()
        .unwrap();
    let later = String::from_utf8(later.stdout).unwrap();
    let all_uids = |t: &str| {
        let mut u: Vec<String> = events(t)
            .iter()
            .map(|e| {
                e.lines()
                    .find(|l| l.starts_with("UID:"))
                    .unwrap()
                    .to_string()
            })
            .collect();
        u.sort();
        u
    };
    assert_eq!(all_uids(&ics), all_uids(&later));
}

#[test]
fn markdown_lists_every_result_with_lab_note_and_offset() {
    let d = Diary::new();
    let lab = |args: &[&str]| {
        let mut a = vec!["log", "lab"];
        a.extend_from_slice(args);
        d.ok(&a);
    };
    lab(&[
        "uric-acid",
        "420",
        "--unit",
        "umol/L",
        "--lab",
        "协和",
        "--at",
        "2026-03-02 08:00",
    ]);
    lab(&["hb", "118", "--unit", "g/L", "--at", "2026-03-02 08:00"]);
    lab(&["wbc", "6.1", "--unit", "10^9/L", "--at", "2026-03-02 08:00"]);
    lab(&[
        "glucose",
        "6.4",
        "--unit",
        "mmol/L",
        "--at",
        "2026-03-02 08:00",
    ]);
    lab(&[
        "cholesterol",
        "5.9",
        "--unit",
        "mmol/L",
        "--at",
        "2026-03-02 08:00",
    ]);
    lab(&[
        "csa-c2",
        "900",
        "--unit",
        "ng/mL",
        "--at",
        "2026-03-02 10:00",
    ]);
    d.ok(&[
        "log",
        "platelets",
        "61",
        "--lab",
        "Tokyo clinic",
        "--note",
        "on holiday",
        "--at",
        "2026-03-04T08:00:00+09:00",
    ]);
    let md = d.ok(&[
        "export",
        "--format",
        "md",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-10",
    ]);
    let table = md.split("## All results in the period").nth(1).expect(&md);
    for word in [
        "uric acid",
        "420",
        "协和",
        "118",
        "6.1",
        "6.4",
        "5.9",
        "900",
    ] {
        assert!(table.contains(word), "{word} missing:\n{table}");
    }
    assert!(table.contains("2026-03-04 08:00 (UTC+09:00)"), "{table}");
    assert!(
        table.contains("Tokyo clinic") && table.contains("on holiday"),
        "{table}"
    );
}

#[test]
fn periods_by_local_date_and_since_the_visit_before_today() {
    let d = Diary::new();
    // 00:30 in Tokyo on the 5th is still the 4th in Shanghai: the row shows the 5th.
    d.ok(&[
        "log",
        "platelets",
        "70",
        "--at",
        "2026-03-05T00:30:00+09:00",
    ]);
    d.ok(&["log", "platelets", "71", "--at", "2026-03-04 12:00"]);
    let csv = d.ok(&[
        "export",
        "--format",
        "csv",
        "--from",
        "2026-03-05",
        "--to",
        "2026-03-05",
    ]);
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("2026-03-05T00:30:00+09:00"));
    d.ok(&["log", "event", "clinic-visit", "--at", "2026-03-03 09:00"]);
    d.ok(&["log", "event", "clinic-visit", "--at", "2026-03-10 09:00"]);
    let since = d.ok(&["export", "--format", "csv", "--since-last-visit"]);
    assert!(since.contains("2026-03-04T12:00:00+08:00"), "{since}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let d = demo();
    for format in ["csv", "fhir", "json", "md", "ics"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("itp-diary"))
            .args(["--db", d.db.to_str().unwrap(), "export", "--format", format])
            .env("ITP_DIARY_NOW", common::NOW)
            .env("ITP_DIARY_BACKUP", "wait")
            .env("ITP_DIARY_CONFIG", d.db.with_file_name("config.toml"))
            .env("TZ", "Asia/Shanghai")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert!(
            out.stderr.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// An outside reader in Rust (the `ical` crate) parses the calendar: one VTIMEZONE, every dose
/// series in that zone, every monitoring date with an alarm.
#[test]
fn ical_crate_reads_the_calendar() {
    let d = demo();
    let ics = d.ok(&["export", "--format", "ics"]);
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
    let cal = parser.next().expect("a calendar").expect("parses");
    assert!(parser.next().is_none());
    let prop = |props: &[ical::property::Property], name: &str| {
        props.iter().find(|p| p.name == name).cloned()
    };
    assert_eq!(cal.timezones.len(), 1);
    let tzid = prop(&cal.timezones[0].properties, "TZID")
        .unwrap()
        .value
        .unwrap();
    assert_eq!(tzid, "Asia/Shanghai");
    let mut doses = 0;
    let mut monitoring = 0;
    for e in &cal.events {
        let start = prop(&e.properties, "DTSTART").expect("DTSTART");
        let category = prop(&e.properties, "CATEGORIES").unwrap().value.unwrap();
        let params = start.params.unwrap_or_default();
        if category == "MEDICATION" {
            doses += 1;
            assert!(
                params.contains(&("TZID".into(), vec![tzid.clone()])),
                "{params:?}"
            );
        } else {
            monitoring += 1;
            assert!(
                params.contains(&("VALUE".into(), vec!["DATE".into()])),
                "{params:?}"
            );
            assert_eq!(e.alarms.len(), 1);
        }
    }
    assert!(doses > 0 && monitoring >= 5, "{doses} {monitoring}");
}
