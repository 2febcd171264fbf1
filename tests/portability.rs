//! It must build on Windows and macOS: no `std::os::unix` or `libc` use may stand outside an
//! item compiled only on unix. A grep over the whole tree (src, tests, examples, build.rs):
//! each such line must be inside an item (function, module, block, impl, statement) whose
//! attributes say `cfg(unix)` (or `cfg(any(unix, …))` / `cfg(all(unix, …))`, or
//! `cfg(target_os = "linux"|"macos")`), or in a file that starts with `#![cfg(unix)]`.
//! Enclosing items are found by indentation (the tree is rustfmt-formatted).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for e in read.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn unix_only(attr: &str) -> bool {
    let a = attr.replace(' ', "");
    a.starts_with("#[cfg(")
        && !a.contains("not(unix)")
        && (a.starts_with("#[cfg(unix)")
            || a.starts_with("#[cfg(all(unix")
            || a.starts_with("#[cfg(target_os=\"linux\")")
            || a.starts_with("#[cfg(target_os=\"macos\")")
            || (a.starts_with("#[cfg(all(") && a.contains("unix")))
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Whether the attributes right above line `i` (skipping doc comments) include a unix-only cfg.
fn has_unix_attr(lines: &[&str], i: usize) -> bool {
    let mut j = i;
    while j > 0 {
        j -= 1;
        let t = lines[j].trim();
        if t.starts_with("#[") {
            if unix_only(t) {
                return true;
            }
        } else if !(t.starts_with("///") || t.starts_with("//")) {
            return false;
        }
    }
    false
}

/// Whether line `i` sits in a unix-only item: itself or any enclosing header line.
fn guarded(lines: &[&str], i: usize) -> bool {
    if has_unix_attr(lines, i) {
        return true;
    }
    let mut level = indent(lines[i]);
    let mut j = i;
    while j > 0 && level > 0 {
        j -= 1;
        let l = lines[j];
        if l.trim().is_empty() || indent(l) >= level {
            continue;
        }
        level = indent(l);
        // A header of an enclosing item: its attributes are right above its first line.
        if has_unix_attr(lines, j) {
            return true;
        }
    }
    false
}

fn offenders(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for d in ["src", "tests", "examples", "benches"] {
        rust_files(&root.join(d), &mut files);
    }
    files.push(root.join("build.rs"));
    let this = Path::new(file!()).file_name().map(|n| n.to_owned());
    let mut bad = Vec::new();
    for f in files {
        if f.file_name().map(|n| n.to_owned()) == this {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        if text.lines().any(|l| l.replace(' ', "") == "#![cfg(unix)]") {
            continue;
        }
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let code = l.split("//").next().unwrap_or("");
            let hit = code.contains("std::os::unix") || code.contains("libc::");
            if hit && !guarded(&lines, i) {
                let rel = f.strip_prefix(root).unwrap_or(&f);
                bad.push(format!("{}:{}: {}", rel.display(), i + 1, l.trim()));
            }
        }
    }
    bad
}

#[test]
fn no_unix_only_api_outside_cfg_unix() {
    let bad = offenders(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(
        bad.is_empty(),
        "std::os::unix / libc used outside a cfg(unix) item (it would not build on Windows):\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_checker_tells_guarded_from_unguarded() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("ok.rs"),
        "#[cfg(unix)]\nuse std::os::unix::fs::PermissionsExt;\n\n\
         fn f() {\n    #[cfg(unix)]\n    {\n        use std::os::unix::fs::OpenOptionsExt;\n    }\n}\n\n\
         #[cfg(unix)]\n#[test]\nfn g() {\n    let x = 1;\n    use std::os::unix::fs::PermissionsExt;\n}\n\n\
         #[cfg(all(unix, not(target_os = \"macos\")))]\nmod m {\n    use std::os::unix::fs::DirBuilderExt;\n}\n",
    )
    .unwrap();
    assert!(
        offenders(dir.path()).is_empty(),
        "{:?}",
        offenders(dir.path())
    );
    std::fs::write(
        src.join("bad.rs"),
        "use std::os::unix::fs::PermissionsExt;\n\n#[test]\nfn h() {\n    use std::os::unix::fs::OpenOptionsExt;\n    let _ = libc::getuid();\n}\n\n\
         #[cfg(not(unix))]\nfn w() {\n    use std::os::unix::fs::OpenOptionsExt;\n}\n",
    )
    .unwrap();
    let bad = offenders(dir.path());
    assert_eq!(bad.len(), 4, "{bad:?}");
    assert!(bad.iter().all(|b| b.starts_with("src/bad.rs:")), "{bad:?}");
}
