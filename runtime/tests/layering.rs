//! The fast tier's stages import in one direction (ARCHITECTURE.md, "Layers"): this test reads
//! every source file of `runtime/src` and fails on a path into a module its layer may not use.
//!
//! A reference is any `crate::m` path outside comments (in `use` lines and inline paths, grouped
//! `use crate::{a, b}` included) and any `super::` chain that climbs out of the file's top-level
//! module. The crate root (`lib.rs`) and the crate-level test modules (`e2e_*`) may use anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the modules it may import. Later stages import earlier ones,
/// never the reverse; `abi` and `api` are leaves every stage shares; `display` reads values
/// through `abi` alone; `driver` runs the stages and is imported by nobody but the root.
const RULES: &[(&str, &[&str])] = &[
    ("abi", &[]),
    ("api", &[]),
    ("diag", &["api"]),
    ("parse", &["abi", "api", "diag"]),
    ("typeck", &["abi", "api", "diag", "parse"]),
    ("lower", &["abi", "api", "diag", "parse", "typeck"]),
    ("display", &["abi"]),
    ("exec", &["abi", "api", "display"]),
    (
        "driver",
        &[
            "abi", "api", "diag", "parse", "typeck", "lower", "exec", "display",
        ],
    ),
];

/// Modules of the crate root that are exempt (the root itself, tests, the bench binary).
fn exempt(top: &str) -> bool {
    top == "lib" || top.starts_with("e2e_") || top == "bin"
}

fn strip_comments(src: &str) -> String {
    src.lines()
        .map(|l| match l.find("//") {
            // Keep `//` inside a string literal that starts before it (URLs in messages).
            Some(i) if l[..i].matches('"').count() % 2 == 0 => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The top-level modules `src` refers to, given the file's module path inside the crate.
fn references(src: &str, module_path: &[String]) -> BTreeSet<String> {
    let code = strip_comments(src);
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        if i > 0 {
            let prev = code[..i].chars().next_back().unwrap();
            if prev.is_ascii_alphanumeric() || prev == '_' || prev == ':' || prev == '$' {
                continue; // part of a longer path, or a macro's `$crate::`
            }
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a::b, c}`: the first identifier of every top-level item.
            let mut depth = 0;
            let mut item_start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_ascii_alphabetic() || c == '_') => {
                        out.insert(ident_at(&group[k..]).to_string());
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let id = ident_at(rest);
            if !id.is_empty() {
                out.insert(id.to_string());
            }
        }
    }
    for (i, _) in code.match_indices("super::") {
        if i >= 2 && &code[i - 2..i] == "::" {
            continue; // the inner links of a chain are counted from its first `super`
        }
        let mut rest = &code[i..];
        let mut ups = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            ups += 1;
            rest = r;
        }
        if ups >= module_path.len() {
            let id = ident_at(rest);
            if !id.is_empty() && id != "*" {
                out.insert(id.to_string());
            }
        }
    }
    out
}

fn module_path(src_dir: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src_dir).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().map(|s| s == "mod").unwrap_or(false) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().map(|x| x == "rs").unwrap_or(false) {
            out.push(p);
        }
    }
}

/// Every violation as "file: module `a` imports `b`".
fn violations(src_dir: &Path) -> Vec<String> {
    let rules: BTreeMap<&str, &[&str]> = RULES.iter().copied().collect();
    let mut files = vec![];
    rust_files(src_dir, &mut files);
    files.sort();
    let mut bad = vec![];
    for f in files {
        let path = module_path(src_dir, &f);
        let top = path[0].as_str();
        if exempt(top) {
            continue;
        }
        let Some(allowed) = rules.get(top) else {
            bad.push(format!(
                "{}: top-level module `{top}` has no layering rule (add it to RULES and ARCHITECTURE.md)",
                f.display()
            ));
            continue;
        };
        let src = std::fs::read_to_string(&f).unwrap();
        for r in references(&src, &path) {
            if r != top && rules.contains_key(r.as_str()) && !allowed.contains(&r.as_str()) {
                bad.push(format!("{}: `{top}` imports `{r}`", f.display()));
            }
        }
    }
    bad
}

#[test]
fn stages_import_in_one_direction() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(bad.is_empty(), "layering violations:\n{}", bad.join("\n"));
}

#[test]
fn every_rule_names_known_modules_and_no_cycle() {
    let names: BTreeSet<&str> = RULES.iter().map(|(m, _)| *m).collect();
    for (m, deps) in RULES {
        for d in *deps {
            assert!(names.contains(d), "rule for `{m}` names unknown `{d}`");
        }
    }
    // The rules themselves form an order: repeatedly remove modules whose deps are removed.
    let mut left: BTreeMap<&str, BTreeSet<&str>> = RULES
        .iter()
        .map(|(m, d)| (*m, d.iter().copied().collect()))
        .collect();
    while !left.is_empty() {
        let ready: Vec<&str> = left
            .iter()
            .filter(|(_, d)| d.iter().all(|x| !left.contains_key(x)))
            .map(|(m, _)| *m)
            .collect();
        assert!(
            !ready.is_empty(),
            "the rules have a cycle among {:?}",
            left.keys()
        );
        for m in ready {
            left.remove(m);
        }
    }
}

#[test]
fn the_reader_finds_every_spelling() {
    let p = |s: &str| s.split('/').map(String::from).collect::<Vec<_>>();
    let src =
        "use crate::exec::rt;\nuse crate::{abi::ty::Ty, display};\n// crate::driver in a comment\n\
               let x = crate::lower::walk(e);\nuse super::super::typeck::X;\nuse super::sibling;\n\
               m!($crate::api);";
    let r = references(src, &p("lower/iters"));
    let got: Vec<&str> = r.iter().map(String::as_str).collect();
    assert_eq!(got, ["abi", "display", "exec", "lower", "typeck"]);
    // From a top-level module's mod.rs, one `super` already leaves the module.
    let r = references("use super::exec::rt;", &p("lower"));
    assert!(r.contains("exec"));
    assert!(references("use super::x;", &p("lower/iters")).is_empty());
}

#[test]
fn runtime_never_depends_on_jupyter_zeromq_or_evcxr() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    for dep in ["jupyter", "zeromq", "zmq", "evcxr"] {
        assert!(
            !manifest.lines().any(|l| !l.trim_start().starts_with('#')
                && l.split('=').next().unwrap_or("").contains(dep)),
            "runtime/Cargo.toml depends on {dep}"
        );
    }
}
