//! Imports a patient can trust: another patient's backup refused (naming both), settings
//! restored, strict JSON with JSON paths in errors, lab sheets as Chinese labs write them,
//! standard input, and FHIR ids that survive backup → import.

mod common;

use common::Diary;
use serde_json::Value;

fn run(d: &Diary, args: &[&str]) -> (i32, String, String) {
    let out = d.cmd().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn backup_of(name: &str) -> (Diary, String) {
    let d = Diary::new();
    d.ok(&["profile", "--name", name]);
    d.ok(&["log", "platelets", "45", "--at", "2026-03-01 08:00"]);
    let text = d.ok(&["export", "--format", "json"]);
    (d, text)
}

fn write(d: &Diary, name: &str, bytes: &[u8]) -> String {
    let p = d.dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn another_patients_backup_is_refused_naming_both() {
    let (_, theirs) = backup_of("Li Na");
    let ours = Diary::new();
    ours.ok(&["profile", "--name", "Wang Fang"]);
    ours.ok(&["log", "platelets", "80", "--at", "2026-03-02 08:00"]);
    let before = ours.content();
    let f = write(&ours, "li.json", theirs.as_bytes());
    let (code, _, err) = run(&ours, &["import", &f]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Li Na") && err.contains("Wang Fang"), "{err}");
    assert!(
        err.contains("--as-new-patient") && err.contains("--merge-anyway"),
        "{err}"
    );
    assert_eq!(ours.content(), before);
    // A new diary beside this one, nothing mixed.
    let out = ours.ok(&["import", &f, "--as-new-patient"]);
    let new_db = ours.db.with_file_name("Li-Na.sqlite");
    assert!(out.contains("Li-Na.sqlite"), "{out}");
    assert!(new_db.exists());
    assert_eq!(ours.content(), before);
    // Or merged, when they are the same person.
    ours.ok(&["import", &f, "--merge-anyway"]);
    assert_ne!(ours.content(), before);
}

#[test]
fn settings_come_back_unless_kept() {
    let src = Diary::new();
    let cfg = src.db.with_file_name("config.toml");
    std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
    std::fs::write(&cfg, "[trough]\ntarget_low = 150\nurgent_above = 600\n").unwrap();
    src.ok(&["log", "platelets", "45", "--at", "2026-03-01 08:00"]);
    let backup = src.ok(&["export", "--format", "json"]);
    let dst = Diary::new();
    let f = write(&dst, "b.json", backup.as_bytes());
    let kept = dst.ok(&["import", &f, "--keep-settings"]);
    assert!(kept.contains("kept this computer's"), "{kept}");
    assert!(!dst.db.with_file_name("config.toml").exists());
    let out = dst.ok(&["import", &f]);
    assert!(out.contains("Settings restored"), "{out}");
    let show = dst.ok(&["config", "show"]);
    let line = |key: &str| {
        show.lines()
            .find(|l| l.contains(key))
            .unwrap_or("")
            .to_string()
    };
    assert!(line("urgent_above").contains("600"), "{show}");
}

#[test]
fn strict_json_names_the_path_of_the_problem() {
    let (_, text) = backup_of("A");
    let v: Value = serde_json::from_str(&text).unwrap();
    let dst = Diary::new();
    let mut cases: Vec<(Vec<u8>, &str)> = Vec::new();
    let mut extra = v.clone();
    extra["entries"][0]["data"]["colour"] = "red".into();
    cases.push((
        extra.to_string().into_bytes(),
        "entries[0].data.colour: unknown field",
    ));
    let mut wrong = v.clone();
    wrong["entries"][0]["data"]["count"] = 30.into();
    cases.push((
        wrong.to_string().into_bytes(),
        "entries[0].data.count: 30 does not match",
    ));
    let mut typ = v.clone();
    typ["entries"][0]["data"]["count"] = "many".into();
    cases.push((typ.to_string().into_bytes(), "entries[0].data.count"));
    let mut dup = v.clone();
    let first = dup["entries"][0].clone();
    dup["entries"].as_array_mut().unwrap().push(first);
    cases.push((dup.to_string().into_bytes(), "entries[1].uid"));
    let mut long = v.clone();
    long["entries"][0]["note"] = "x".repeat(4001).into();
    cases.push((
        long.to_string().into_bytes(),
        "entries[0].note: longer than 4000",
    ));
    let chinese = text.replace("\"A\"", "\"李娜\"");
    let (gbk, _, _) = encoding_rs::GBK.encode(&chinese);
    cases.push((gbk.into_owned(), "save it as UTF-8"));
    for (k, (bytes, want)) in cases.iter().enumerate() {
        let f = write(&dst, &format!("c{k}.json"), bytes);
        let (code, _, err) = run(&dst, &["import", &f]);
        assert_eq!(code, 2, "case {k}: {err}");
        assert!(err.contains(want), "case {k}: want {want:?} in {err}");
    }
    assert_eq!(dst.ok(&["list", "--format", "json"]).trim(), "[]");
    // A byte-order mark is accepted.
    let f = write(&dst, "bom.json", format!("\u{feff}{text}").as_bytes());
    dst.ok(&["import", &f]);
}

#[test]
fn chinese_lab_sheets_are_read() {
    let d = Diary::new();
    let sheet = "检验日期;项目;结果;单位;参考范围\n\
                 2026/03/01;肌酐;106↑;μmol/L;41~111\n\
                 2026/03/01;血小板;45 L;10^9/L;125-350\n\
                 2026/03/02;尿酸;380;umol/L;208-428\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(sheet);
    let f = write(&d, "sheet.csv", &gbk);
    let out = d.ok(&["import", &f]);
    assert!(out.contains("Imported 3"), "{out}");
    let list = d.json(&["list", "--format", "json"]);
    let rows = list.as_array().unwrap();
    let cr = rows.iter().find(|e| e["subject"] == "creatinine").unwrap();
    assert_eq!(cr["value"], 106.0);
    assert!(cr["note"].as_str().unwrap().contains("high"), "{cr}");
    let plt = rows.iter().find(|e| e["kind"] == "platelets").unwrap();
    assert!(plt["note"].as_str().unwrap().contains("125-350"), "{plt}");
    // A limit is refused clearly; a missing unit says where to give it.
    let bad = "检验日期,项目,结果,单位\n2026/03/01,CsA,<25,ng/mL\n2026/03/01,肌酐,90,\n";
    let f = write(&d, "bad.csv", bad.as_bytes());
    let (code, _, err) = run(&d, &["import", &f]);
    assert_eq!(code, 2);
    assert!(err.contains("'<25' is only a limit"), "{err}");
    assert!(err.contains("'unit' (单位) column"), "{err}");
    assert!(!err.contains("--unit"), "{err}");
}

#[test]
fn import_reads_standard_input() {
    let (_, text) = backup_of("A");
    let d = Diary::new();
    let out = d
        .cmd()
        .args(["import", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        d.json(&["list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn patient_and_condition_ids_survive_backup_and_import() {
    let (src, text) = backup_of("A");
    let ids = |d: &Diary| {
        let b: Value = serde_json::from_str(&d.ok(&["export", "--format", "fhir"])).unwrap();
        b["entry"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                matches!(
                    e["resource"]["resourceType"].as_str(),
                    Some("Patient" | "Condition")
                )
            })
            .map(|e| e["fullUrl"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let before = ids(&src);
    let dst = Diary::new();
    let f = write(&dst, "b.json", text.as_bytes());
    dst.ok(&["import", &f]);
    assert_eq!(ids(&dst), before);
    assert_eq!(before.len(), 2);
}

/// A backup whose plan for a drug meets the days of this diary's plan for it is refused whole:
/// the diary keeps one plan per drug at a time, and which plan the doses answer would otherwise
/// be a guess (outside review, session 5: the import gave two active ciclosporin plans).
#[test]
fn a_backup_that_would_give_a_drug_two_plans_at_once_is_refused() {
    let old = Diary::new();
    old.start_plan("75,75", "2026-01-01");
    old.ok(&["log", "platelets", "45", "--at", "2026-01-05 08:00"]);
    let backup = old.ok(&["export", "--format", "json"]);
    let ours = Diary::new();
    ours.start_plan("75,75", "2026-03-01");
    let before = ours.content();
    let f = write(&ours, "old.json", backup.as_bytes());
    let (code, _, err) = run(&ours, &["import", &f, "--merge-anyway"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("2026-01-01")
            && err.contains("2026-03-01")
            && err.contains("--as-new-patient"),
        "{err}"
    );
    assert_eq!(ours.content(), before, "nothing imported");
    let plans = ours.ok(&["regimen", "show"]);
    assert!(!plans.contains("2026-01-01"), "{plans}");
    // Its own backup (the same plan, by uid) is merged as before.
    let own = write(&old, "own.json", backup.as_bytes());
    old.ok(&["import", &own]);
    // A plan that ended before this diary's began is history, not a second plan.
    old.ok(&["regimen", "stop", "--on", "2026-02-01"]);
    let ended = old.ok(&["export", "--format", "json"]);
    let f = write(&ours, "ended.json", ended.as_bytes());
    ours.ok(&["import", &f, "--merge-anyway"]);
    assert_ne!(ours.content(), before);
}
