//! Snapshot tests of the compiler's intermediate text, in the manner of Cranelift's filetests
//! and rust-analyzer's expect-test: each `tests/ir/*.jit` file holds a cell and the text that
//! one or more stages make of it; a change in that text fails here with a line diff.
//!
//! A file:
//! ```text
//! ; what the snapshot pins (any number of `;` lines)
//! ; options: --fastmath --wide-sqrt avx512
//! fn f(x: &[f64]) -> f64 { ... }        <- the cell, as a `%%jit` cell
//! === typeck                            <- a stage, then its expected text
//! ...
//! === clif
//! ...
//! === annotate
//! ...
//! ```
//! Stages: `typeck` (the typed IR of every fn, then the cell's top-level code if it has any),
//! `clif` (each fn's Cranelift IR as lowering leaves it: after versioning and vectorisation,
//! before Cranelift's mid-end), `annotate` (`%annotate`'s text for each fn). Options:
//! `--fastmath`, `--boundscheck off`, `--no-vectorize`, `--opt none`, and
//! `--wide-sqrt avx512|avx|none`: the wide square-root kernel `--fastmath` sums call is
//! chosen from the host CPU at compile time, so snapshots name it instead (default `avx`, which
//! AVX2 and AVX-512 hosts alike would pick or could run); the code is never run. Cranelift's
//! own output and machine code depend on the host CPU and are not snapshotted. Function ids
//! print as names and addresses as `0x<addr>` (`exec/dump.rs`).
//!
//! Re-bless after an intended change (new files: write the stage lines with nothing under
//! them), then read the diff in git:
//!     ACCEL_BLESS=1 cargo test --release -p accel-runtime --test ir_snapshots
//! `ACCEL_IR_FILTER=do_sum` runs the files whose name contains `do_sum`.

use accel_runtime::{FastTier, JitOptions, OptLevel, Stage, WideSqrt};
use std::path::{Path, PathBuf};

const SEP: &str = "=== ";

#[derive(Debug, PartialEq)]
struct Snapshot {
    header: Vec<String>,
    source: String,
    sections: Vec<(String, String)>,
}

fn parse(text: &str) -> Result<Snapshot, String> {
    let mut lines = text.split_inclusive('\n').peekable();
    let mut header = vec![];
    while let Some(l) = lines.peek() {
        if !l.starts_with(';') {
            break;
        }
        header.push(l.trim_end().to_string());
        lines.next();
    }
    let mut source = String::new();
    let mut sections: Vec<(String, String)> = vec![];
    for l in lines {
        if let Some(stage) = l.strip_prefix(SEP) {
            sections.push((stage.trim().to_string(), String::new()));
        } else if let Some((_, text)) = sections.last_mut() {
            text.push_str(l);
        } else {
            source.push_str(l);
        }
    }
    if sections.is_empty() {
        return Err(format!("no `{SEP}<stage>` line"));
    }
    Ok(Snapshot {
        header,
        source,
        sections,
    })
}

fn render(s: &Snapshot) -> String {
    let mut out = String::new();
    for h in &s.header {
        out.push_str(h);
        out.push('\n');
    }
    out.push_str(&s.source);
    for (stage, text) in &s.sections {
        out.push_str(SEP);
        out.push_str(stage);
        out.push('\n');
        out.push_str(text);
    }
    out
}

fn options(header: &[String]) -> Result<(JitOptions, WideSqrt), String> {
    let mut o = JitOptions::default();
    let mut wide = WideSqrt::Avx;
    for h in header {
        let Some(opts) = h.strip_prefix("; options:") else {
            continue;
        };
        let mut words = opts.split_whitespace();
        while let Some(w) = words.next() {
            match (w, words.clone().next()) {
                ("--fastmath", _) => o.fastmath = true,
                ("--no-vectorize", _) => o.vectorize = false,
                ("--boundscheck", Some("off")) => {
                    o.boundscheck = false;
                    words.next();
                }
                ("--opt", Some("none")) => {
                    o.opt = OptLevel::None;
                    words.next();
                }
                ("--wide-sqrt", Some(k)) => {
                    wide = match k {
                        "avx512" => WideSqrt::Avx512,
                        "avx" => WideSqrt::Avx,
                        "none" => WideSqrt::None,
                        _ => return Err(format!("--wide-sqrt {k}: avx512, avx or none")),
                    };
                    words.next();
                }
                _ => return Err(format!("unknown option `{w}`")),
            }
        }
    }
    Ok((o, wide))
}

fn stage(name: &str) -> Result<Stage, String> {
    match name {
        "typeck" => Ok(Stage::Typeck),
        "clif" => Ok(Stage::Clif),
        "annotate" => Ok(Stage::Annotate),
        _ => Err(format!("unknown stage `{name}` (typeck, clif, annotate)")),
    }
}

/// Trailing spaces and blank lines at the end do not count: editors strip them.
fn normal(text: &str) -> String {
    let mut s: String = text
        .lines()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    while s.ends_with('\n') {
        s.pop();
    }
    s.push('\n');
    s
}

/// A line diff (longest common subsequence), unchanged lines within 3 of a change shown.
fn diff(want: &str, got: &str) -> String {
    let a: Vec<&str> = want.lines().collect();
    let b: Vec<&str> = got.lines().collect();
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, &str)> = vec![];
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    let near = |k: usize| {
        ops[k.saturating_sub(3)..(k + 4).min(ops.len())]
            .iter()
            .any(|(c, _)| *c != ' ')
    };
    let mut out = String::new();
    let mut skipped = false;
    for (k, (c, l)) in ops.iter().enumerate() {
        if near(k) {
            if skipped {
                out.push_str("   ...\n");
                skipped = false;
            }
            out.push_str(&format!("{c}  {l}\n"));
        } else {
            skipped = true;
        }
    }
    if skipped {
        out.push_str("   ...\n");
    }
    out
}

fn files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ir");
    let filter = std::env::var("ACCEL_IR_FILTER").unwrap_or_default();
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jit"))
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(&filter))
        .collect();
    v.sort();
    v
}

/// Checks (or with `bless`, rewrites) one file; returns what differs.
fn check_file(path: &Path, bless: bool) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut snap = parse(&text)?;
    let (opts, wide) = options(&snap.header)?;
    let mut report = String::new();
    for (name, want) in snap.sections.iter_mut() {
        let got = FastTier::dump(stage(name)?, &snap.source, &opts, wide)
            .map_err(|f| format!("stage {name}: the cell does not compile: {f:?}"))?;
        let got = normal(&got);
        if normal(want) != got {
            report.push_str(&format!(
                "stage {name} (- expected, + actual):\n{}",
                diff(&normal(want), &got)
            ));
            *want = got;
        }
    }
    if report.is_empty() {
        return Ok(());
    }
    if bless {
        std::fs::write(path, render(&snap)).map_err(|e| e.to_string())?;
        eprintln!("blessed {}:\n{report}", path.display());
        return Ok(());
    }
    Err(report)
}

#[test]
fn snapshots_match() {
    let bless = std::env::var_os("ACCEL_BLESS").is_some_and(|v| v != "0");
    let files = files();
    assert!(!files.is_empty(), "no tests/ir/*.jit files");
    let mut failures = vec![];
    for f in &files {
        if let Err(e) = check_file(f, bless) {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} snapshot files differ (ACCEL_BLESS=1 rewrites them; then review `git diff`):\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

/// Blessing rewrites only the expected parts: header and cell come back byte for byte.
#[test]
fn files_round_trip_through_the_parser() {
    for f in files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let snap = parse(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_eq!(render(&snap), text, "{}", f.display());
        options(&snap.header).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for (s, _) in &snap.sections {
            stage(s).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        }
    }
}

#[test]
fn the_diff_shows_changed_lines_with_context() {
    let want = "a\nb\nc\nd\ne\nf\ng\nh\ni\n";
    let got = "a\nb\nc\nd\nE\nf\ng\nh\ni\n";
    assert_eq!(
        diff(want, got),
        "   ...\n   b\n   c\n   d\n-  e\n+  E\n   f\n   g\n   h\n   ...\n"
    );
}
