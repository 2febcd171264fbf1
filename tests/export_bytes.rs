//! The exact bytes of every streamed export of a small diary with every kind of entry (a
//! deleted and an edited one, drug levels with and without dose timing, notes with markup):
//! the streaming rewrites of the FHIR bundle, the JSON backup and the Markdown/HTML reports
//! must not change a byte. The diary comes from a backup with fixed uids
//! (`tests/fixtures/exports_every_kind.backup.json`), so the output is stable.

mod common;

use common::Diary;

fn diary() -> Diary {
    let d = Diary::new();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/exports_every_kind.backup.json"
    );
    d.ok(&["import", fixture]);
    d
}

#[test]
fn every_export_keeps_its_bytes() {
    let d = diary();
    let cases: [(&str, &[&str]); 8] = [
        ("fhir", &["export", "--format", "fhir"]),
        ("fhir_deleted", &["export", "--format", "fhir", "--deleted"]),
        ("json_backup", &["export", "--format", "json"]),
        (
            "json_period",
            &[
                "export",
                "--format",
                "json",
                "--from",
                "2026-03-02",
                "--to",
                "2026-03-07",
            ],
        ),
        ("md", &["export", "--format", "md", "--from", "2026-01-01"]),
        (
            "html_full",
            &[
                "export",
                "--format",
                "html",
                "--full",
                "--from",
                "2026-01-01",
            ],
        ),
        ("md_default", &["export", "--format", "md"]),
        ("list_json", &["list", "--deleted", "--format", "json"]),
    ];
    for (name, args) in cases {
        insta::assert_snapshot!(format!("export_bytes_{name}"), d.ok(args));
    }
}
