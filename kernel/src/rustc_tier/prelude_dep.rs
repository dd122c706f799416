//! The `accel` crate (runtime/prelude) in rustc-tier cells, added without a `:dep` line.
//!
//! The rule (README, "The accel crate in Rust cells"): before running a cell, the kernel runs
//! `:dep accel = { path = "<prelude dir>" }` once per session when the cell's code — outside
//! comments and string literals — names the crate: `use accel…`, `extern crate accel`, or a
//! path starting with `accel::` (or `::accel::`). Not when the session already has an `accel`
//! dependency (the user's own `:dep accel …`, in this cell or before) or defines an item named
//! `accel` (then `accel::` means that item). Prelude names alone (`Array2`, `Chunked`, `Coo`)
//! do not count: without a `use accel::prelude::*;` they would not resolve anyway, and the same
//! names are common in users' own code and in ndarray.
//!
//! The prelude directory is the one this kernel was built from (`CARGO_MANIFEST_DIR/../runtime/
//! prelude`), or `ACCEL_PRELUDE_DIR`.
//!
//! evcxr's build cache keys a compilation by rustc's arguments, which name the prelude's source
//! files but not their contents; so when the prelude's sources change, the cache entries built
//! from them are deleted first (`forget_stale_builds`).
//!
//! Preloading: adding the crate costs seconds even with evcxr's cache warm (cargo replays ~20
//! cached builds, rust-analyzer reloads the crate graph, the child loads the new libraries).
//! So once a session's rustc tier has been idle for 2 s — usually while the user types a cell
//! after the kernel started; never between the cells of a notebook run, which follow each other
//! within milliseconds — the kernel adds the crate in the background and warms
//! rust-analyzer and the child with a throwaway cell (`WARM_UP_CELL`, `WARM_UP_COMPLETION`),
//! in three stages (each after 2 s idle; a cell sent meanwhile waits at most for the stage under
//! way, then runs before the next), but only when the cache already holds the current prelude (`cached`): a cold build takes
//! minutes of both cores, which a session that never uses accel must not pay.
//! `ACCEL_PRELOAD_ACCEL=0` turns preloading off. Without it, the first cell that names the
//! crate adds it, and says so in the cell.

use accel_magics::lex::{lex, Kind};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// Environment variable naming the prelude crate's directory.
pub const PRELUDE_DIR_ENV: &str = "ACCEL_PRELUDE_DIR";

/// Environment variable: `0` turns off preloading the crate in the background.
pub const PRELOAD_ENV: &str = "ACCEL_PRELOAD_ACCEL";

/// Whether to add the crate in the background when the session is first idle.
pub fn preload_enabled() -> bool {
    std::env::var(PRELOAD_ENV).map_or(true, |v| v.trim() != "0")
}

/// Run (in the child, output dropped) after preloading: loads the crate's libraries into the
/// child. A block with fully qualified paths, so it leaves no variable, item or `use` behind.
pub const WARM_UP_CELL: &str =
    "{ let _ = ::accel::prelude::Array2::<f64>::eye(2).dot(&::accel::prelude::Array2::<f64>::eye(2)).sum(); }";

/// A completion request (never run) whose answer needs rust-analyzer to resolve and infer
/// through the crate and ndarray: their name resolution is then cached for the first real cell.
pub const WARM_UP_COMPLETION: &str = "let accel_warm_up = ::accel::prelude::Array2::<f64>::eye(2).dot(&::accel::prelude::Array2::<f64>::eye(2));\naccel_warm_up.";

/// Whether `code` refers to the crate `accel` (see the module doc for the rule).
pub fn uses_accel(code: &str) -> bool {
    let lexed = lex(code);
    let tokens = &lexed.tokens;
    let text = |i: usize| tokens.get(i).map(|t| t.text(code));
    for (i, token) in tokens.iter().enumerate() {
        if token.kind != Kind::Ident || token.text(code) != "accel" {
            continue;
        }
        let prev = i.checked_sub(1).and_then(text);
        let before_prev = i.checked_sub(2).and_then(text);
        let next = text(i + 1);
        match prev {
            Some("use") => return true,
            Some("crate") if before_prev == Some("extern") => return true,
            // `x::accel::…` is a module `accel` inside `x` (also `self::`, `super::`, `<T>::`);
            // a leading `::accel` is the crate.
            Some("::") => {
                let qualified = i
                    .checked_sub(2)
                    .and_then(|j| tokens.get(j))
                    .is_some_and(|t| t.kind == Kind::Ident || t.text(code) == ">");
                if !qualified && next == Some("::") {
                    return true;
                }
            }
            _ if next == Some("::") => return true,
            _ => {}
        }
    }
    false
}

/// Whether the cell adds an `accel` dependency itself (an evcxr `:dep accel …` line).
pub fn adds_own_dep(code: &str) -> bool {
    code.lines().any(|l| {
        let rest = l.trim_start().strip_prefix(":dep").unwrap_or("");
        rest.starts_with(char::is_whitespace) && {
            let name = rest.trim_start();
            name.strip_prefix("accel")
                .is_some_and(|after| after.is_empty() || after.starts_with([' ', '=']))
        }
    })
}

/// Whether evcxr's `:show_deps` output lists `accel`.
pub fn listed(show_deps: &str) -> bool {
    show_deps.lines().any(|l| l.starts_with("accel ="))
}

/// The prelude crate's directory, checked to hold a package named `accel`.
pub fn prelude_dir() -> Result<PathBuf, String> {
    let (dir, source) = match std::env::var_os(PRELUDE_DIR_ENV) {
        Some(dir) => (PathBuf::from(dir), PRELUDE_DIR_ENV),
        None => (
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("runtime")
                .join("prelude"),
            "the build",
        ),
    };
    let missing = |why: String| {
        format!(
            "the accel crate (runtime/prelude) is not at {} (from {source}): {why}; \
             set {PRELUDE_DIR_ENV} to the directory of its Cargo.toml",
            dir.display()
        )
    };
    let dir = dir.canonicalize().map_err(|e| missing(e.to_string()))?;
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))
        .map_err(|e| missing(format!("Cargo.toml: {e}")))?;
    if !manifest
        .lines()
        .any(|l| l.replace(' ', "") == "name=\"accel\"")
    {
        return Err(missing(
            "its Cargo.toml is not the package `accel`".to_owned(),
        ));
    }
    Ok(dir)
}

/// The evcxr command that adds the prelude.
pub fn dep_command(dir: &Path) -> String {
    let path = dir
        .display()
        .to_string()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    format!(":dep accel = {{ path = \"{path}\" }}")
}

/// Deletes evcxr cache entries compiled from an older version of the prelude's sources, and
/// records the current version (a hash of its sources and manifests) in `~/.cache/accel/`.
pub fn forget_stale_builds(dir: &Path) {
    let (Some(root), Some(evcxr_cache)) = (
        super::workdir::cache_root(),
        dirs::cache_dir().map(|d| d.join("evcxr")),
    ) else {
        return;
    };
    let stamp = root.join(format!(
        "prelude-{:016x}.stamp",
        hash_of(&dir.display().to_string())
    ));
    let version = format!("{:016x}", sources_hash(dir));
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(version.as_str()) {
        return;
    }
    let source_arg = dir.join("src").join("lib.rs").display().to_string();
    if let Ok(entries) = std::fs::read_dir(&evcxr_cache) {
        for entry in entries.flatten() {
            // `meta` holds rustc's arguments, one a line.
            let Ok(meta) = std::fs::read_to_string(entry.path().join("meta")) else {
                continue;
            };
            if meta.contains("--crate-name\naccel\n") && meta.lines().any(|l| l == source_arg) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let _ = std::fs::create_dir_all(&root);
    let _ = std::fs::write(&stamp, version);
}

/// Whether evcxr's build cache holds a build of the prelude's current sources (call after
/// `forget_stale_builds`, which removes builds of older sources).
pub fn cached(dir: &Path) -> bool {
    let Some(evcxr_cache) = dirs::cache_dir().map(|d| d.join("evcxr")) else {
        return false;
    };
    let source_arg = dir.join("src").join("lib.rs").display().to_string();
    let Ok(entries) = std::fs::read_dir(&evcxr_cache) else {
        return false;
    };
    entries.flatten().any(|entry| {
        std::fs::read_to_string(entry.path().join("meta")).is_ok_and(|meta| {
            meta.contains("--crate-name\naccel\n") && meta.lines().any(|l| l == source_arg)
        })
    })
}

/// The `Cargo.lock` of the workspace the prelude belongs to (`<workspace>/runtime/prelude`), if
/// it is there and pins the prelude.
pub fn workspace_lock(dir: &Path) -> Option<PathBuf> {
    let lock = dir.parent()?.parent()?.join("Cargo.lock");
    let text = std::fs::read_to_string(&lock).ok()?;
    text.contains("\nname = \"accel\"\n").then_some(lock)
}

fn hash_of(text: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// Hash of every file under `src/`, the crate's manifest and the workspace manifest above it
/// (inherited version and edition), in a stable order.
fn sources_hash(dir: &Path) -> u64 {
    let mut files = vec![dir.join("Cargo.toml"), dir.join("../../Cargo.toml")];
    let mut stack = vec![dir.join("src")];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in files {
        f.hash(&mut h);
        std::fs::read(&f).unwrap_or_default().hash(&mut h);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_counts_as_using_accel() {
        for yes in [
            "use accel::prelude::*;",
            "use accel;",
            "use accel as a;",
            "use {accel::prelude::Coo, std::fmt};",
            "extern crate accel;",
            "let a = accel::random::default_rng(42);",
            "let a = ::accel::prelude::eye(3);",
            "fn f() -> accel::ArrayError { todo!() }",
        ] {
            assert!(uses_accel(yes), "{yes}");
        }
        for no in [
            "let x = 1; // use accel::prelude::*;",
            "/* accel::x */ 1",
            "println!(\"use accel::prelude::*;\");",
            "let accel = 3; accel + 1",
            "self::accel::f()",
            "crate::accel::f()",
            "my::accel::f()",
            "let a = Array2::<f64>::zeros((2, 2));",
            "let c = Coo::from_dense(&a);",
            "x.accel.y",
        ] {
            assert!(!uses_accel(no), "{no}");
        }
    }

    #[test]
    fn own_dep_lines() {
        assert!(adds_own_dep(
            ":dep accel = { path = \"/x\" }\nuse accel::prelude::*;"
        ));
        assert!(adds_own_dep(" :dep accel"));
        assert!(!adds_own_dep(":dep accelerate = \"1\""));
        assert!(!adds_own_dep(":dep ndarray = \"0.17\""));
        assert!(listed("accel = { path = \"/a\" }\nndarray = \"0.17\""));
        assert!(!listed("accelerate = \"1\""));
    }

    #[test]
    fn finds_the_prelude_and_quotes_its_path() {
        let dir = prelude_dir().expect("the prelude next to the kernel crate");
        assert!(dir.join("src/lib.rs").exists());
        assert!(workspace_lock(&dir).is_some_and(|l| l.ends_with("Cargo.lock")));
        assert_eq!(
            dep_command(Path::new("/a \"b\"")),
            ":dep accel = { path = \"/a \\\"b\\\"\" }"
        );
    }
}
