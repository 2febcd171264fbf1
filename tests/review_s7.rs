//! Findings of the session-7 reviews (the leftovers of session 6 and new outside runs), each
//! with the test that failed before its fix.

mod common;

use common::Diary;

/// A lab sheet whose note cell holds a line break: the refusal named the record's number
/// (line 3), not the line the user finds it on in an editor (line 4).
#[test]
fn a_refused_lab_row_is_named_by_its_physical_line() {
    let d = Diary::new();
    let sheet = d.dir.path().join("labs.csv");
    std::fs::write(
        &sheet,
        "date,analyte,value,unit,note\n\
         2026-03-01 08:00,creatinine,80,umol/L,\"fasting\nsecond line\"\n\
         2026-03-02 08:00,creatinine,abc,umol/L,\n",
    )
    .expect("write");
    let out = d
        .cmd()
        .args(["import", sheet.to_str().expect("utf-8")])
        .output()
        .expect("run");
    let err =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("line 4"), "{err}");
    assert!(!err.contains("line 3"), "{err}");
}
