//! Findings of the session-6 outside reviews (a clinician's scenarios and an attack on data
//! safety and export meaning), each with the test that failed before its fix.

mod common;

use common::{Diary, cmd_on};

fn at(d: &Diary, now: &str, args: &[&str]) -> String {
    let out = cmd_on(&d.db)
        .env("ITP_DIARY_NOW", now)
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The calendar lists every next monitoring date by widening the reminders' horizon; that
/// horizon also decided whether a level drawn just before a dose change satisfies the check
/// after it, so the calendar dropped the trough due 5 days after a taper step (2026-02-27)
/// and gave the routine date 14 days after the last level (2026-03-06).
#[test]
fn the_calendar_gives_the_trough_after_a_dose_change_that_remind_gives() {
    let d = Diary::new();
    let now = "2026-03-01T12:00:00+08:00";
    at(
        &d,
        now,
        &["log", "weight", "60", "--at", "2026-01-25 08:00"],
    );
    at(
        &d,
        now,
        &["log", "platelets", "40", "--at", "2026-01-30 08:00"],
    );
    d.start_plan("100,100", "2026-02-01");
    let change = [
        "regimen",
        "change",
        "--dose",
        "75,75",
        "--from",
        "2026-02-22",
        "--taper",
    ];
    at(&d, now, &change);
    let level = [
        "log",
        "lab",
        "csa-trough",
        "150",
        "--at",
        "2026-02-20 07:30",
        "--last-dose",
        "2026-02-19 20:00",
    ];
    at(&d, now, &level);
    let remind = at(&d, now, &["remind"]);
    assert!(
        remind.contains("trough level (C0) due 2026-02-27"),
        "{remind}"
    );
    let ics = at(&d, now, &["export", "--format", "ics"]);
    let trough: Vec<&str> = ics
        .lines()
        .filter(|l| l.starts_with("SUMMARY:") && l.contains("trough"))
        .collect();
    assert_eq!(trough.len(), 1, "{ics}");
    assert!(trough[0].contains("due 2026-02-27"), "{ics}");
}

fn refused(d: &Diary, args: &[&str]) -> String {
    let out = d.cmd().args(args).output().expect("run");
    assert_eq!(out.status.code(), Some(2), "{args:?} was not refused");
    String::from_utf8(out.stderr).expect("utf-8")
}

/// Typed free text of the profile and the plans is held to the rule an import holds it to:
/// a name or a formulation with an escape or a text-direction override was stored, and the
/// diary's own backup was then refused on import. The refusal names the character and what is
/// accepted, in both languages.
#[test]
fn plan_and_profile_text_is_held_to_the_import_rule() {
    let d = Diary::new();
    let rlo = "Anna\u{202E}";
    let e = refused(&d, &["profile", "--name", rlo]);
    assert!(e.contains("character 5 is U+202E"), "{e}");
    assert!(e.contains("only printable text is accepted"), "{e}");
    let start = |formulation: &str, note: &str| {
        vec![
            "regimen".to_string(),
            "start".into(),
            "cyclosporine".into(),
            "--dose".into(),
            "100,100".into(),
            "--formulation".into(),
            formulation.into(),
            "--note".into(),
            note.into(),
            "--start".into(),
            "2026-03-01".into(),
        ]
    };
    let args = start("N\u{1b}[2Jeoral", "ok");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let e = refused(&d, &args);
    assert!(e.contains("U+001B"), "{e}");
    let args = start("Neoral", "a\u{7}b");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(refused(&d, &args).contains("U+0007"));
    d.start_plan("100,100", "2026-03-01");
    let change = [
        "regimen",
        "change",
        "--dose",
        "75,75",
        "--from",
        "2026-03-05",
        "--taper",
        "--formulation",
        "Sand\u{2066}immun",
    ];
    assert!(refused(&d, &change).contains("U+2066"));
    let zh = d
        .cmd()
        .env("LANG", "zh_CN.UTF-8")
        .args(["log", "platelets", "40", "--note", "a\u{1b}b"])
        .output()
        .expect("run");
    let zh = String::from_utf8(zh.stderr).expect("utf-8");
    assert!(zh.contains("第 2 个字符是 U+001B"), "{zh}");
    // Nothing of it was written: the diary's backup imports into a new diary.
    let backup = d.dir.path().join("b.json");
    d.ok(&[
        "export",
        "--format",
        "json",
        "-o",
        backup.to_str().expect("path"),
    ]);
    let other = Diary::new();
    other.ok(&["import", backup.to_str().expect("path")]);
}

/// A name stored before such text was refused is shown, not passed on, in the calendar and
/// the reports (`cat` of the Markdown cleared the screen and set the terminal title).
#[test]
fn exports_show_control_characters_of_older_diaries() {
    let d = Diary::new();
    d.start_plan("100,100", "2026-03-01");
    d.ok(&["profile", "--name", "X"]);
    let conn = rusqlite::Connection::open(&d.db).expect("open");
    conn.execute(
        "UPDATE profile SET name = 'X' || char(27) || ']0;pwned' || char(7) || 'Y' || char(8238)",
        [],
    )
    .expect("update");
    drop(conn);
    for format in ["ics", "md", "html"] {
        let out = d
            .cmd()
            .args(["export", "--format", format])
            .output()
            .expect("run");
        assert!(out.status.success(), "{format}");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\u{202E}']),
            "{format}: {text}"
        );
        assert!(
            text.contains("X␛]0") && text.contains("pwned␇Y"),
            "{format}: {text}"
        );
    }
}

/// Each import that restores settings keeps the file it replaces under a name no other copy
/// has: the second one overwrote the copy of the first.
#[test]
fn a_second_settings_restore_keeps_both_earlier_files() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "40"]);
    let config = d.db.with_file_name("config.toml");
    let set = |v: &str| {
        std::fs::write(&config, format!("[alerts]\nplatelets_below = {v}\n")).expect("write")
    };
    set("25");
    let backup = d.dir.path().join("s.json");
    let backup = backup.to_str().expect("path");
    d.ok(&["export", "--format", "json", "-o", backup]);
    set("35");
    d.ok(&["import", backup]);
    set("45");
    d.ok(&["import", backup]);
    let read = |ext: &str| std::fs::read_to_string(config.with_extension(ext)).unwrap_or_default();
    assert!(read("toml").contains("25"));
    assert!(read("toml.before-import").contains("35"));
    assert!(read("toml.before-import-2").contains("45"));
}

/// A backup merged into a diary that holds the same entries, plans or questions with other
/// content (edited, deleted, a plan tapered, a question answered on one copy) is refused
/// whole, naming them, and nothing is written; `--keep-mine` keeps this diary's versions and
/// adds the rest. Before, the import said "1 already present" and dropped the other copy's
/// changes without a word.
#[test]
fn a_merge_never_drops_the_other_copys_changes_silently() {
    let a = Diary::new();
    a.start_plan("100,100", "2026-03-01");
    a.ok(&["log", "platelets", "40", "--at", "2026-03-01 08:00"]);
    a.ok(&["log", "platelets", "45", "--at", "2026-03-02 08:00"]);
    let dir = a.dir.path();
    let path = |n: &str| dir.join(n).to_str().expect("path").to_string();
    a.ok(&["export", "--format", "json", "-o", &path("a.json")]);
    let b = Diary::new();
    b.ok(&["import", &path("a.json")]);
    // Same backup twice: nothing differs, nothing changes.
    b.ok(&["import", &path("a.json")]);
    let cases: [&[&str]; 3] = [
        &["edit", "1", "--value", "14"],
        &["delete", "2"],
        &[
            "regimen",
            "change",
            "--dose",
            "75,75",
            "--from",
            "2026-03-05",
            "--taper",
        ],
    ];
    for (n, change) in cases.iter().enumerate() {
        b.ok(change);
        let name = format!("b{n}.json");
        b.ok(&["export", "--format", "json", "-o", &path(&name)]);
        let before = a.content();
        let out = a
            .cmd()
            .args(["import", &path(&name)])
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(2), "{change:?}: {err}");
        assert!(err.contains("with other content"), "{err}");
        assert!(err.contains("--keep-mine"), "{err}");
        assert_eq!(a.content(), before, "{change:?}: something was written");
    }
    let err = String::from_utf8_lossy(
        &a.cmd()
            .args(["import", &path("b2.json")])
            .output()
            .expect("run")
            .stderr,
    )
    .to_string();
    assert!(err.contains("3 items"), "{err}");
    assert!(
        err.contains("entry #1 (Platelets, 2026-03-01 08:00)"),
        "{err}"
    );
    assert!(
        err.contains("the cyclosporine (CsA) plan from 2026-03-01"),
        "{err}"
    );
    // --keep-mine keeps A's versions and adds what is new.
    b.ok(&["log", "platelets", "60", "--at", "2026-03-06 08:00"]);
    b.ok(&["export", "--format", "json", "-o", &path("b3.json")]);
    let out = a.ok(&["import", &path("b3.json"), "--keep-mine"]);
    assert!(out.contains("3 items of the backup differ"), "{out}");
    let list = a.ok(&["list"]);
    assert!(
        list.contains("40") && list.contains("45") && list.contains("60"),
        "{list}"
    );
}

/// A diary that never took a patient id (no JSON or FHIR export yet) and holds entries is not
/// merged with a backup that shares nothing with it: another child's counts went in with
/// "Imported 1 entry". A backup of the diary itself (it shares entries) still merges.
#[test]
fn a_backup_sharing_nothing_with_an_unnamed_diary_is_not_merged_silently() {
    let kid1 = Diary::new();
    kid1.ok(&["log", "platelets", "40"]);
    let path = kid1.dir.path().join("kid1.json");
    let path = path.to_str().expect("path");
    kid1.ok(&["export", "--format", "json", "-o", path]);
    let kid2 = Diary::new();
    kid2.ok(&["log", "platelets", "22"]);
    let before = kid2.content();
    let e = refused(&kid2, &["import", path]);
    assert!(e.contains("may be another patient's"), "{e}");
    assert!(
        e.contains("--as-new-patient") && e.contains("--merge-anyway"),
        "{e}"
    );
    assert_eq!(kid2.content(), before);
    // The same diary's copy shares its entries: merged.
    let copy = Diary::new();
    std::fs::create_dir_all(copy.db.parent().expect("dir")).expect("dir");
    std::fs::copy(&kid2.db, &copy.db).expect("copy");
    copy.ok(&["log", "platelets", "30"]);
    let own = copy.dir.path().join("own.json");
    let own = own.to_str().expect("path");
    copy.ok(&["export", "--format", "json", "-o", own]);
    let out = kid2.ok(&["import", own]);
    assert!(
        out.contains("Imported 1 entry (1 already present)"),
        "{out}"
    );
}

/// A hand-edited backup's plans and profile are held to what typing them accepts, with the
/// JSON path, exit 2 and nothing written (a raw "CHECK constraint failed" for `every_days: 0`;
/// an inverted target taken in and printed "500–100"; a birth year 3000 blamed on an entry).
#[test]
fn a_backups_plans_and_profile_are_checked_like_typed_ones() {
    let src = Diary::new();
    src.start_plan("100,100", "2026-02-01");
    src.ok(&["log", "platelets", "40"]);
    let v: serde_json::Value =
        serde_json::from_str(&src.ok(&["export", "--format", "json"])).expect("json");
    let cases: [(&str, serde_json::Value, &str); 4] = [
        (
            "/regimens/0/steps/0/every_days",
            0.into(),
            "regimens[0].steps[0].every_days: 0 is not accepted (1–28 days)",
        ),
        (
            "/regimens/0/target_low",
            500.0.into(),
            "regimens[0].target_low/target_high: 500–none is not accepted",
        ),
        (
            "/profile/birth_year",
            3000.into(),
            "profile.birth_year: 3000 is not accepted (1900–2026)",
        ),
        (
            "/regimens/0/induction_weeks",
            0.into(),
            "regimens[0].induction_weeks: 0 is not accepted",
        ),
    ];
    for (pointer, value, want) in cases {
        let mut b = v.clone();
        *b.pointer_mut(pointer).expect(pointer) = value;
        let path = src.dir.path().join("edited.json");
        std::fs::write(&path, b.to_string()).expect("write");
        let dst = Diary::new();
        dst.ok(&["log", "weight", "60"]);
        let before = dst.content();
        let e = refused(&dst, &["import", path.to_str().expect("path")]);
        assert!(e.contains(want), "{pointer}: {e}");
        assert_eq!(dst.content(), before);
    }
}

/// With a baseline count below 30 the blood count is asked weekly in the first 4 weeks, and
/// the reminder says so (it said "every 14 days" beside a date 7 days on).
#[test]
fn a_weekly_blood_count_says_every_7_days() {
    let d = Diary::new();
    d.ok(&["log", "weight", "60", "--at", "2026-02-20 08:00"]);
    d.ok(&["log", "platelets", "25", "--at", "2026-02-27 08:00"]);
    d.start_plan("100,100", "2026-03-01");
    let remind = d.ok(&["remind"]);
    let line = remind
        .lines()
        .find(|l| l.contains("Blood count"))
        .unwrap_or_default();
    assert!(line.contains("due 2026-03-08 (every 7 days)"), "{remind}");
}

/// A value next to the line it is judged against is shown with enough decimals to stay on
/// its side of the line: "Potassium 6 mmol/L is above 5" was a warning for 5.99 while 6.0 is
/// urgent; "0.7 is below 0.7"; "120 µmol/L is 50% above" for a warning; "drawn 10 h after the
/// dose, outside 10–14 h"; "14 h" beside "not 10–14 h" (F6).
#[test]
fn values_beside_their_lines_keep_their_side() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["lab", "potassium", "5.99"],
            "Potassium 5.99 mmol/L is above 5",
        ),
        (
            &["lab", "magnesium", "1.7", "--unit", "mg/dL"],
            "Magnesium 0.699 mmol/L is below 0.7",
        ),
        (
            &["lab", "creatinine", "119.99", "--unit", "umol/L"],
            "Creatinine 119.99 µmol/L is 49.99% above your baseline 80",
        ),
        (
            &["lab", "csa-trough", "150", "--at", "2026-03-09 05:59"],
            "drawn 9.98 h after the previous dose, outside 10–14 h",
        ),
        (
            &["lab", "csa-trough", "150", "--at", "2026-03-09 10:01"],
            "drawn 14.02 h after the previous dose, outside 10–14 h",
        ),
    ];
    for (log, want) in cases {
        let d = Diary::new();
        d.ok(&["log", "weight", "60", "--at", "2026-02-20 08:00"]);
        for day in ["2026-02-20 08:00", "2026-02-27 08:00"] {
            d.ok(&[
                "log",
                "lab",
                "creatinine",
                "80",
                "--unit",
                "umol/L",
                "--at",
                day,
            ]);
        }
        d.start_plan("100,100", "2026-03-01");
        d.ok(&["log", "dose", "csa", "100", "--at", "2026-03-08 20:00"]);
        let mut args = vec!["log"];
        args.extend_from_slice(log);
        d.ok(&args);
        let remind = d.ok(&["remind"]);
        assert!(remind.contains(want), "{want}\n{remind}");
        if log[1] == "csa-trough" {
            let history = d.ok(&["snapshot", "--screen", "history", "--size", "160x40"]);
            let hours = want.split(' ').nth(1).unwrap_or_default();
            assert!(
                history.contains(&format!("not a trough {hours} h")),
                "{history}"
            );
        }
    }
}

/// The response line says what qualifies it, as clinical.md 4.2 asks: the rescue treatment
/// that makes it "not assessable", the corticosteroids taken around it (a course reported as
/// "medication started" was not counted at all), the bleed that lost it (the alert said the
/// counts showed the loss while the latest count was in the response range).
#[test]
fn the_response_line_names_rescue_steroids_and_bleeding() {
    // Rescue: IVIG 25 days before the count.
    let d = Diary::new();
    d.ok(&["log", "platelets", "12", "--at", "2025-09-15 08:00"]);
    d.ok(&["log", "event", "ivig", "--at", "2025-09-20 10:00"]);
    d.start_plan("100,100", "2025-10-01");
    d.ok(&["log", "dose", "csa", "100", "--at", "2025-10-01 08:00"]);
    d.ok(&["log", "platelets", "100", "--at", "2025-10-15 08:00"]);
    let status = at(&d, "2025-10-15T12:00:00+08:00", &["status"]);
    assert!(
        status
            .contains("not assessable: IVIG on 2025-09-20 (counts until 2025-10-18 do not count)"),
        "{status}"
    );
    // Steroids reported started during the response.
    let d = Diary::new();
    d.ok(&["log", "platelets", "20", "--at", "2025-12-30 08:00"]);
    d.start_plan("100,100", "2026-01-01");
    d.ok(&["log", "dose", "csa", "100", "--at", "2026-01-01 08:00"]);
    let start = [
        "log",
        "event",
        "medication-start",
        "--medication",
        "prednisone",
        "--at",
        "2026-01-15 08:00",
    ];
    d.ok(&start);
    d.ok(&["log", "platelets", "40", "--at", "2026-01-20 08:00"]);
    d.ok(&["log", "platelets", "45", "--at", "2026-01-27 08:00"]);
    let now = "2026-01-27T12:00:00+08:00";
    let status = at(&d, now, &["status"]);
    assert!(
        status.contains("response (R), with prednisone at the same time"),
        "{status}"
    );
    let md = at(&d, now, &["export", "--format", "md"]);
    assert!(md.contains("with prednisone at the same time"), "{md}");
    // A bleed during a response; then a new confirmed response clears it.
    let d = Diary::new();
    d.ok(&["log", "platelets", "10", "--at", "2025-09-28 08:00"]);
    d.start_plan("100,100", "2025-10-01");
    d.ok(&["log", "dose", "csa", "100", "--at", "2025-10-01 08:00"]);
    d.ok(&["log", "platelets", "60", "--at", "2025-11-07 08:00"]);
    d.ok(&["log", "platelets", "65", "--at", "2025-11-14 08:00"]);
    let bleed = [
        "log",
        "bleeding",
        "--site",
        "gums",
        "--minutes",
        "10",
        "--at",
        "2025-12-01 09:00",
    ];
    d.ok(&bleed);
    let now = "2025-12-01T12:00:00+08:00";
    let remind = at(&d, now, &["remind"]);
    assert!(
        remind.contains("Bleeding logged on 2025-12-01 during a response"),
        "{remind}"
    );
    assert!(!remind.contains("Platelet counts show"), "{remind}");
    let status = at(&d, now, &["status"]);
    assert!(
        status.contains("loss of response: bleeding logged on 2025-12-01"),
        "{status}"
    );
    d.ok(&["log", "platelets", "70", "--at", "2025-12-08 08:00"]);
    d.ok(&["log", "platelets", "75", "--at", "2025-12-15 08:00"]);
    let json = at(&d, "2025-12-15T12:00:00+08:00", &["status", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(json["response"], "response", "{json}");
    assert_eq!(json["response_downgraded_by_bleeding"], false, "{json}");
}

/// A new patient's diary is made under a temporary name and moved into place only when the
/// import succeeded: a refused import left an empty diary that blocked every retry ("…sqlite
/// already exists"), and so did a killed one, whose files the next start now sweeps.
#[test]
fn a_new_patients_diary_appears_only_when_its_import_succeeded() {
    let src = Diary::new();
    src.ok(&["profile", "--name", "Li Na"]);
    src.ok(&["log", "platelets", "45", "--at", "2026-03-01 08:00"]);
    let good = src.ok(&["export", "--format", "json"]);
    let mut bad: serde_json::Value = serde_json::from_str(&good).expect("json");
    bad["entries"][0]["data"]["count"] = 30.into();
    let ours = Diary::new();
    ours.ok(&["profile", "--name", "Wang Fang"]);
    ours.ok(&["log", "platelets", "80"]);
    let dir = ours.db.parent().expect("dir").to_path_buf();
    let file = |name: &str, text: &str| {
        let p = ours.dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p.to_str().expect("path").to_string()
    };
    let names = || -> Vec<String> {
        std::fs::read_dir(&dir)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
            .collect()
    };
    let e = refused(
        &ours,
        &[
            "import",
            &file("bad.json", &bad.to_string()),
            "--as-new-patient",
        ],
    );
    assert!(e.contains("does not match the entered value"), "{e}");
    assert!(
        names().iter().all(|n| !n.starts_with("Li-Na")),
        "{:?}",
        names()
    );
    let out = ours.ok(&["import", &file("good.json", &good), "--as-new-patient"]);
    assert!(out.contains("Li-Na.sqlite"), "{out}");
    assert!(
        names().iter().all(|n| !n.contains("partial")),
        "{:?}",
        names()
    );
    let li = common::cmd_on(&dir.join("Li-Na.sqlite"))
        .args(["list"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&li.stdout).contains("45"));
    // What a killed import leaves (a process that is gone) is swept by the next start.
    for suffix in ["", "-wal", "-shm", "-seal"] {
        let leftover = dir.join(format!("Zhao.sqlite.partial-4194300{suffix}"));
        std::fs::write(leftover, "x").expect("write");
    }
    ours.ok(&["list"]);
    assert!(
        names().iter().all(|n| !n.contains("partial")),
        "{:?}",
        names()
    );
}

/// `list --from/--to` chooses entries by the local date they show, as the exports do: a
/// count logged 00:30 at UTC+9 on 03-05 was listed for 03-04 (in UTC+8) and not for 03-05;
/// its time now carries its offset.
#[test]
fn list_chooses_by_the_date_an_entry_shows() {
    let d = Diary::new();
    d.ok(&[
        "log",
        "platelets",
        "11",
        "--at",
        "2026-03-05T00:30:00+09:00",
    ]);
    d.ok(&["log", "platelets", "12", "--at", "2026-03-04 23:50"]);
    let on = |day: &str| d.ok(&["list", "--from", day, "--to", day]);
    let fifth = on("2026-03-05");
    assert!(fifth.contains("2026-03-05 00:30 (UTC+09:00)"), "{fifth}");
    assert!(!fifth.contains("23:50"), "{fifth}");
    let fourth = on("2026-03-04");
    assert!(fourth.contains("2026-03-04 23:50"), "{fourth}");
    assert!(!fourth.contains("00:30"), "{fourth}");
    let csv = d.ok(&[
        "export",
        "--format",
        "csv",
        "--from",
        "2026-03-05",
        "--to",
        "2026-03-05",
    ]);
    assert!(csv.contains("2026-03-05T00:30:00+09:00"), "{csv}");
}

/// Anti-D can be logged (it was refused) and opens the same rescue window as IVIG
/// (clinical.md 4.2); of several windows covering a count, the one that ends last is named
/// (a four-day pulse read "until" 14 days after its first dose).
#[test]
fn anti_d_opens_a_rescue_window_and_the_last_window_is_named() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "12", "--at", "2025-09-15 08:00"]);
    d.ok(&["log", "event", "anti-d", "--at", "2025-09-20 10:00"]);
    d.ok(&["log", "event", "抗D免疫球蛋白", "--at", "2025-09-21 10:00"]);
    d.start_plan("100,100", "2025-10-01");
    d.ok(&["log", "dose", "csa", "100", "--at", "2025-10-01 08:00"]);
    d.ok(&["log", "platelets", "100", "--at", "2025-10-15 08:00"]);
    let status = at(&d, "2025-10-15T12:00:00+08:00", &["status"]);
    assert!(
        status.contains(
            "not assessable: anti-D immunoglobulin on 2025-09-21 (counts until 2025-10-19"
        ),
        "{status}"
    );
}

/// A response is confirmed by counts a calendar week apart (clinical.md 4.2, "at least 7
/// days apart"): 120 at 09:00 and 130 at 08:59 seven days later read R instead of CR.
#[test]
fn counts_a_calendar_week_apart_confirm_a_response() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "20", "--at", "2026-01-30 08:00"]);
    d.start_plan("100,100", "2026-02-01");
    d.ok(&["log", "dose", "csa", "100", "--at", "2026-02-01 08:00"]);
    d.ok(&["log", "platelets", "110", "--at", "2026-02-09 09:00"]);
    d.ok(&["log", "platelets", "120", "--at", "2026-02-16 08:59"]);
    let json = at(&d, "2026-02-16T12:00:00+08:00", &["status", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(json["response"], "complete_response", "{json}");
}

/// ALT/AST above the upper limit the diary uses when the lab gives none is a notice, as
/// clinical.md D asks (nothing was said below 3× that limit without the lab's range).
#[test]
fn liver_tests_above_the_default_upper_limit_are_noticed() {
    let d = Diary::new();
    d.start_plan("100,100", "2026-02-01");
    d.ok(&["log", "lab", "alt", "100"]);
    let remind = d.ok(&["remind"]);
    assert!(remind.contains("ALT 100 U/L is above 40 U/L"), "{remind}");
    d.ok(&["log", "lab", "alt", "100", "--ref", "7-120"]);
    let remind = d.ok(&["remind"]);
    assert!(!remind.contains("ALT 100"), "{remind}");
}

/// Small findings of the data-safety review: `undelete` of a live entry said "Restored"; the
/// Chinese report kept the sex in English; the report printed "baseline — ×10⁹/L" without a
/// baseline.
#[test]
fn small_wording_findings() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "40"]);
    let out = d.ok(&["undelete", "1"]);
    assert!(out.contains("#1 is not deleted; nothing changed"), "{out}");
    d.ok(&["delete", "1"]);
    let out = d.ok(&["delete", "1"]);
    assert!(
        out.contains("#1 is already deleted; nothing changed"),
        "{out}"
    );
    d.ok(&["profile", "--sex", "female", "--birth-year", "1990"]);
    d.start_plan("100,100", "2026-02-01");
    let zh = d.ok(&["export", "--format", "md", "--lang", "zh"]);
    assert!(zh.contains("1990 / 女"), "{zh}");
    let md = d.ok(&["export", "--format", "md"]);
    assert!(
        md.contains("baseline none (no platelet count before the start)"),
        "{md}"
    );
    assert!(!md.contains("— ×10⁹/L"), "{md}");
}

/// Re-test of the line rule: the platelet count and the drug level on `status`/Today, the
/// clinic report's latest values, and the creatinine rise itself (49.995% was judged 50%:
/// a false urgent alert).
#[test]
fn values_beside_their_lines_everywhere_and_the_rise_is_judged_exactly() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "15", "--at", "2026-01-01 08:00"]);
    d.ok(&[
        "log",
        "lab",
        "creatinine",
        "80",
        "--unit",
        "umol/L",
        "--at",
        "2025-12-20",
    ]);
    d.ok(&[
        "log",
        "lab",
        "creatinine",
        "80",
        "--unit",
        "umol/L",
        "--at",
        "2025-12-28",
    ]);
    d.start_plan("150,150", "2026-01-02");
    d.ok(&["log", "dose", "csa", "150", "--at", "2026-03-09 21:00"]);
    d.ok(&["log", "platelets", "29.99", "--at", "2026-03-10 09:00"]);
    d.ok(&[
        "log",
        "lab",
        "csa-trough",
        "200.001",
        "--at",
        "2026-03-10 09:00",
    ]);
    d.ok(&[
        "log",
        "lab",
        "potassium",
        "5.001",
        "--at",
        "2026-03-10 09:00",
    ]);
    d.ok(&[
        "log",
        "lab",
        "creatinine",
        "119.996",
        "--unit",
        "umol/L",
        "--at",
        "2026-03-10 09:00",
    ]);
    let status = d.ok(&["status"]);
    assert!(status.contains("29.99 ×10⁹/L"), "{status}");
    assert!(status.contains("200.001 ng/mL (above target"), "{status}");
    let remind = d.ok(&["remind"]);
    let creat = remind
        .lines()
        .find(|l| l.contains("baseline 80"))
        .unwrap_or_default();
    assert!(
        creat.starts_with("[!]") && creat.contains("49.99"),
        "{remind}"
    );
    let today = d.ok(&["snapshot", "--screen", "today", "--size", "160x40"]);
    assert!(today.contains("● 29.99"), "{today}");
    let html = d.ok(&["export", "--format", "html"]);
    for shown in ["5.001 mmol/L", "29.99 ×10⁹/L", "+49.99%"] {
        assert!(html.contains(shown), "{shown}: {html}");
    }
}

/// The clinic report holds a day's entries by the date each shows, in every part: the
/// Platelets table and the period's median said "none" for a day whose results table listed
/// two counts logged at other UTC offsets (re-test, session 6).
#[test]
fn the_report_holds_entries_by_the_date_they_show_in_every_part() {
    let d = Diary::new();
    d.ok(&[
        "log",
        "platelets",
        "11",
        "--at",
        "2026-03-05T00:30:00+09:00",
    ]);
    d.ok(&[
        "log",
        "platelets",
        "12",
        "--at",
        "2026-03-04T23:30:00+08:00",
    ]);
    d.ok(&[
        "log",
        "platelets",
        "13",
        "--at",
        "2026-03-05T23:30:00-05:00",
    ]);
    let md = d.ok(&[
        "export",
        "--format",
        "md",
        "--full",
        "--from",
        "2026-03-05",
        "--to",
        "2026-03-05",
    ]);
    assert!(md.contains("median 12, lowest 11"), "{md}");
    let table: Vec<&str> = md
        .lines()
        .skip_while(|l| *l != "## Platelets")
        .take_while(|l| !l.starts_with("## ") || *l == "## Platelets")
        .collect();
    let table = table.join("\n");
    assert!(
        table.contains("2026-03-05 00:30 (UTC+09:00) | **11**"),
        "{md}"
    );
    assert!(
        table.contains("2026-03-05 23:30 (UTC-05:00) | **13**"),
        "{md}"
    );
    assert!(!table.contains("| **12**"), "{md}");
}

/// Re-test findings on import and text: a backup without a patient id that shares nothing
/// with a diary holding entries was merged (the guard needed the backup's id); a new
/// patient's settings were dropped (with "kept this computer's (--keep-settings)"); the
/// direction marks LRM/RLM/ALM and the line separator got through the free-text check.
#[test]
fn retest_import_and_text_findings() {
    let src = Diary::new();
    src.ok(&["profile", "--name", "Bob"]);
    src.ok(&["log", "platelets", "99", "--at", "2026-02-01 08:00"]);
    std::fs::write(
        src.db.with_file_name("config.toml"),
        "[trough]\ntarget_low = 150\ntarget_high = 250\n",
    )
    .expect("config");
    let mut b: serde_json::Value =
        serde_json::from_str(&src.ok(&["export", "--format", "json"])).expect("json");
    let with_id = src.dir.path().join("b.json");
    std::fs::write(&with_id, b.to_string()).expect("write");
    b.as_object_mut().expect("object").remove("patient_uid");
    let no_id = src.dir.path().join("nouid.json");
    std::fs::write(&no_id, b.to_string()).expect("write");
    let ours = Diary::new();
    ours.ok(&["log", "platelets", "15", "--at", "2026-01-01 08:00"]);
    let before = ours.content();
    let e = refused(&ours, &["import", no_id.to_str().expect("path")]);
    assert!(e.contains("may be another patient's"), "{e}");
    assert_eq!(ours.content(), before);
    // As a new patient: the backup's settings go beside the new diary.
    let out = ours.ok(&[
        "import",
        with_id.to_str().expect("path"),
        "--as-new-patient",
    ]);
    assert!(!out.contains("--keep-settings"), "{out}");
    let bob = ours.db.with_file_name("Bob.toml");
    let text = std::fs::read_to_string(&bob).unwrap_or_default();
    assert!(text.contains("target_low = 150"), "{out}\n{text}");
    // Direction marks and the line separator.
    for (args, what) in [
        (vec!["profile", "--name", "Ann\u{200F}Bob"], "U+200F"),
        (
            vec!["log", "platelets", "40", "--note", "a\u{061C}b"],
            "U+061C",
        ),
        (
            vec!["log", "platelets", "40", "--lab", "x\u{2028}y"],
            "line break",
        ),
    ] {
        let e = refused(&ours, &args);
        assert!(e.contains(what), "{what}: {e}");
    }
}

/// The schedule counts from the last time a test was done however long ago: once every
/// trough was more than 400 days old (Today's look-back) it read "overdue since" the course's
/// start, as if none had been drawn. An old value still raises no alert.
#[test]
fn the_schedule_counts_from_tests_older_than_the_look_back() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "15", "--at", "2024-01-01 08:00"]);
    d.start_plan("150,150", "2024-01-02");
    let level = [
        "log",
        "lab",
        "csa-trough",
        "120",
        "--at",
        "2024-04-10 08:00",
        "--last-dose",
        "2024-04-09 20:00",
    ];
    d.ok(&level);
    d.ok(&["log", "lab", "potassium", "6.5", "--at", "2024-04-10 08:00"]);
    d.ok(&["log", "bp", "120/80", "--at", "2024-04-10 08:00"]);
    let remind = at(&d, "2025-05-20T14:30:00+08:00", &["remind"]);
    assert!(
        remind.contains("trough level (C0) overdue since 2024-05-10"),
        "{remind}"
    );
    assert!(
        remind.contains("Blood pressure check overdue since 2024-05-10"),
        "{remind}"
    );
    assert!(!remind.contains("Potassium 6.5"), "{remind}");
}

/// Final re-test: the trough window counts seconds; a creatinine above the default upper
/// limit is flagged in the report's latest values; ALT 119.99 beside 3× its limit of 40;
/// line breaks in one-line fields of a backup and in questions are refused; invisible
/// characters are refused; a new patient's diary says how to open it with its settings.
#[test]
fn final_retest_findings() {
    let d = Diary::new();
    d.start_plan("150,150", "2026-01-01");
    d.ok(&[
        "log",
        "lab",
        "creatinine",
        "115",
        "--unit",
        "umol/L",
        "--at",
        "2026-03-10 08:00",
    ]);
    d.ok(&[
        "log",
        "lab",
        "potassium",
        "5.999",
        "--at",
        "2026-03-10 08:00",
    ]);
    d.ok(&[
        "log",
        "lab",
        "alt",
        "119.99",
        "--ref",
        "0-40",
        "--at",
        "2026-03-10 08:00",
    ]);
    let level = [
        "log",
        "lab",
        "csa-trough",
        "150",
        "--at",
        "2026-03-10T08:00:59+08:00",
        "--last-dose",
        "2026-03-09T18:00:00+08:00",
    ];
    d.ok(&level);
    let status = d.ok(&["status"]);
    assert!(status.contains("not a trough"), "{status}");
    let remind = d.ok(&["remind"]);
    assert!(
        remind.contains("ALT 119.99 is above the lab's upper limit 40"),
        "{remind}"
    );
    let html = d.ok(&["export", "--format", "html"]);
    let creat = html.find("115 µmol/L").expect("creatinine row");
    let row = &html[creat..creat + 300];
    assert!(row.contains("high"), "{row}");
    assert!(html.contains("5.999 mmol/L"), "{html}");
    // A question is one line.
    let e = refused(&d, &["note", "--for-visit", "Q\n- [urgent] fake"]);
    assert!(e.contains("line break"), "{e}");
    let e = refused(&d, &["profile", "--name", "An\u{200B}na"]);
    assert!(e.contains("U+200B"), "{e}");
    // A backup whose one-line fields hold line breaks.
    d.ok(&["profile", "--name", "Anna"]);
    let mut b: serde_json::Value =
        serde_json::from_str(&d.ok(&["export", "--format", "json"])).expect("json");
    b["profile"]["name"] = "Anna\n# Patient: Someone Else".into();
    let path = d.dir.path().join("nl.json");
    std::fs::write(&path, b.to_string()).expect("write");
    let other = Diary::new();
    let e = refused(&other, &["import", path.to_str().expect("path")]);
    assert!(
        e.contains("profile.name") && e.contains("line break"),
        "{e}"
    );
    // --as-new-patient names a way to open the diary that reads its settings.
    let b = d.dir.path().join("anna.json");
    d.ok(&[
        "export",
        "--format",
        "json",
        "-o",
        b.to_str().expect("path"),
    ]);
    let ours = Diary::new();
    ours.ok(&["log", "platelets", "30"]);
    let out = ours.ok(&["import", b.to_str().expect("path"), "--as-new-patient"]);
    assert!(
        out.contains("--config") && out.contains("Anna.toml"),
        "{out}"
    );
}

/// Importing a diary file says to restore it (it was refused as "not UTF-8 … such as GBK").
#[test]
fn importing_a_database_points_to_restore() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "40"]);
    let other = Diary::new();
    other.ok(&["log", "platelets", "50"]);
    let e = refused(&other, &["import", d.db.to_str().expect("path")]);
    assert!(
        e.contains("is a database file") && e.contains("itp-diary restore"),
        "{e}"
    );
}

/// A share is never rounded onto 100 % (or 0 %) unless it is: "days ≥ 30: 100 %" was printed
/// beside a last count of 29.99.
#[test]
fn shares_are_not_rounded_onto_their_ends() {
    let d = Diary::new();
    d.ok(&["log", "platelets", "60", "--at", "2026-02-20 08:00"]);
    d.ok(&["log", "platelets", "29.99", "--at", "2026-03-10 08:00"]);
    let md = d.ok(&[
        "export",
        "--format",
        "md",
        "--from",
        "2026-02-01",
        "--to",
        "2026-03-10",
    ]);
    assert!(md.contains("days ≥ 30: 99.97%"), "{md}");
}
