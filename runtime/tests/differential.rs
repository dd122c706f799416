//! Differential testing of the fast tier against rustc.
//!
//! Random programs in the v1 subset (see `gen/`) are run twice: as a `%%jit` cell on
//! `FastTier::run_cell`, and compiled by rustc with release semantics (`-C opt-level=3
//! -C overflow-checks=off -C debug-assertions=off`, the cell's fns plus `fn main() { <top-level
//! statements> }`). Their stdout, panic message (and panic line), and trailing-expression value
//! (`{:?}`) must be equal byte for byte. A refusal (`Failure::Compile`) of a generated program is
//! a failure too: every generated construct is in the v1 subset. Constructs are grouped in
//! generator features (`gen::FEATURES`); `gen::DEFAULT_ON` lists those tested by default.
//!
//! CI (a few hundred programs, fixed seed, well under 2 minutes on 2 cores):
//!     CARGO_TARGET_DIR=/work/target-difftest cargo test --release -p accel-runtime --test differential
//! A longer run:
//!     ACCEL_DIFF_CASES=20000 ACCEL_DIFF_SEED=7 cargo test --release -p accel-runtime --test differential
//! Reproduce one case (printed with every mismatch):
//!     ACCEL_DIFF_SEED=7 ACCEL_DIFF_CASE=123 cargo test --release -p accel-runtime --test differential -- --nocapture
//! Choose features: ACCEL_DIFF_FEATURES=all | none | default | +name,-name | =name,name
//! Which features pass (40 programs each, smallest failing program shown):
//!     cargo test --release -p accel-runtime --test differential -- --ignored feature_matrix --nocapture
//! Cranelift without optimisation: ACCEL_DIFF_OPT=none.
//! Other knobs: ACCEL_DIFF_SHOW (full reports printed, default 3), ACCEL_DIFF_BATCH (programs per
//! rustc crate, default 60), ACCEL_DIFF_DUMP=DIR (write every program there), ACCEL_DIFF_PANICS=1
//! (how often each of rustc's panic messages ended a program: a generator tuning aid).

mod common;
mod gen;

use accel_runtime::{Failure, JitOptions};
use common::fast::{self, CellOutcome};
use common::rng::Rng;
use common::rustc_ref::{self, RefCase, RefRun};
use gen::{Features, Program};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Mismatch {
    case: u64,
    seed: u64,
    why: String,
    report: String,
}

fn features_from_env() -> Features {
    let spec = std::env::var("ACCEL_DIFF_FEATURES").unwrap_or_default();
    Features::parse(&spec).unwrap_or_else(|e| panic!("ACCEL_DIFF_FEATURES: {e}"))
}

/// Compares one program's two runs; `None` when they agree.
fn compare(p: &Program, f: &Features, r: &RefRun, o: &CellOutcome) -> Option<String> {
    if let Some(a) = &r.abnormal {
        return Some(format!("reference run abnormal (generator bug?): {a}"));
    }
    let (result, stdout, stderr) = match o {
        CellOutcome::CompilerPanic(m) => return Some(format!("fast tier panicked: {m}")),
        CellOutcome::Hung => return Some("fast tier hung (interrupt did not stop it)".into()),
        CellOutcome::Ran {
            result,
            stdout,
            stderr,
        } => (result, stdout, stderr),
    };
    if let Err(Failure::Compile(ds)) = result {
        let first = ds
            .first()
            .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
            .unwrap_or_else(|| "no diagnostic".into());
        return Some(format!("refused: {first}"));
    }
    if *stdout != r.stdout {
        return Some("stdout differs".into());
    }
    if f.on("eprint") && *stderr != r.stderr {
        return Some(format!(
            "stderr differs: fast {stderr:?}, rustc {:?}",
            r.stderr
        ));
    }
    match (&r.panic, result) {
        (None, Ok(v)) => {
            let got = v.as_ref().map(|v| v.text.clone());
            let want = if p.trailing_expr {
                r.value.clone()
            } else {
                None
            };
            if got != want {
                return Some(format!("value differs: fast {got:?}, rustc {want:?}"));
            }
        }
        (Some((line, msg)), Err(Failure::Panic { message, line: fl })) => {
            if message != msg {
                return Some(format!(
                    "panic message differs: fast {message:?}, rustc {msg:?}"
                ));
            }
            // In a later cell, a panic inside a fn defined in the first cell is reported at the
            // fn's line in that first cell (run_fast shifted it as if it were in the later cell).
            let in_first_cell_fn = p
                .split_line
                .map(|k| fl + 1 >= k && fl + 1 - k == *line && *line < p.main_line)
                .unwrap_or(false);
            if f.on("panic_line") && *line != 0 && fl != line && !in_first_cell_fn {
                return Some(format!("panic line differs: fast {fl}, rustc {line}"));
            }
        }
        (Some((_, msg)), other) => {
            return Some(format!(
                "rustc panicked ({msg:?}), fast tier gave {other:?}"
            ))
        }
        (None, Err(e)) => return Some(format!("fast tier failed ({e:?}), rustc ran to the end")),
    }
    None
}

fn report(case: u64, p: &Program, f: &Features, r: &RefRun, o: &CellOutcome, why: &str) -> String {
    let numbered: String = p
        .cell
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{:>3} | {l}\n", i + 1))
        .collect();
    format!(
        "==== MISMATCH case {case} (program seed {seed:#x}): {why}\n\
         reproduce: ACCEL_DIFF_SEED={run_seed} ACCEL_DIFF_CASE={case} ACCEL_DIFF_FEATURES='={feats}' \
         cargo test --release -p accel-runtime --test differential -- --nocapture\n\
         ---- %%jit cell (top-level statements from line {ml}; second cell from line {split:?}) ----\n{numbered}\
         ---- rustc: stdout ----\n{rout}---- rustc: panic {rp:?}, value {rv:?}\n\
         ---- fast tier ----\n{fo}\n",
        seed = p.seed,
        run_seed = run_seed(),
        feats = f.list(),
        ml = p.main_line,
        split = p.split_line,
        rout = r.stdout,
        rp = r.panic,
        rv = r.value,
        fo = o.describe(),
    )
}

fn run_seed() -> u64 {
    common::env_u64("ACCEL_DIFF_SEED", 20261122)
}

/// Runs the program's cells on one fresh tier and folds them into one outcome, as if one cell:
/// stdout concatenated, the first failure wins (later cells do not count), panic lines made
/// program-relative. A value from a cell other than the last is a mismatch of its own.
fn run_fast(p: &Program, opts: &JitOptions) -> CellOutcome {
    let cells = p.cells();
    let texts: Vec<String> = cells.iter().map(|c| c.0.clone()).collect();
    let outs = fast::run_cells(&texts, opts, Duration::from_secs(10));
    let mut stdout_all = String::new();
    let mut stderr_all = String::new();
    for (k, o) in outs.into_iter().enumerate() {
        let last = k + 1 == cells.len();
        match o {
            CellOutcome::Ran {
                result,
                stdout,
                stderr,
            } => {
                stdout_all.push_str(&stdout);
                stderr_all.push_str(&stderr);
                let result = match result {
                    Err(Failure::Panic { message, line }) => Err(Failure::Panic {
                        message,
                        line: line + cells[k].1 - 1,
                    }),
                    Err(Failure::Compile(mut ds)) => {
                        for d in &mut ds {
                            d.line += cells[k].1 - 1;
                        }
                        Err(Failure::Compile(ds))
                    }
                    Ok(Some(v)) if !last => {
                        return CellOutcome::CompilerPanic(format!(
                            "cell {} (not the last) returned a value {:?}",
                            k + 1,
                            v.text
                        ))
                    }
                    r => r,
                };
                if result.is_err() || last {
                    return CellOutcome::Ran {
                        result,
                        stdout: stdout_all,
                        stderr: stderr_all,
                    };
                }
            }
            other => return other,
        }
    }
    CellOutcome::Hung
}

/// `%%jit` options of the run: ACCEL_DIFF_OPT=none compiles with Cranelift's `--opt none`.
fn jit_options() -> JitOptions {
    let mut o = JitOptions::default();
    if std::env::var("ACCEL_DIFF_OPT")
        .map(|v| v == "none")
        .unwrap_or(false)
    {
        o.opt = accel_runtime::OptLevel::None;
    }
    o
}

static REF_PANICS: AtomicUsize = AtomicUsize::new(0);
/// rustc's panic messages (numbers masked) and how often, printed with ACCEL_DIFF_PANICS=1.
static PANIC_KINDS: Mutex<std::collections::BTreeMap<String, usize>> =
    Mutex::new(std::collections::BTreeMap::new());

/// Generates, compiles and compares the cases `indices`; returns (cases run, mismatches).
fn run_cases(indices: &[u64], f: &Features, tag: &str) -> (usize, Vec<Mismatch>) {
    let seed = run_seed();
    let batch_size = common::env_u64("ACCEL_DIFF_BATCH", 60).max(1) as usize;
    let dump = std::env::var("ACCEL_DIFF_DUMP").ok();
    let batches: Vec<Vec<u64>> = indices.chunks(batch_size).map(|c| c.to_vec()).collect();
    let next = AtomicUsize::new(0);
    let mismatches = Mutex::new(Vec::new());
    let ran = AtomicUsize::new(0);
    let dir = common::scratch_dir(&format!("differential-{tag}"));
    let opts = jit_options();
    std::thread::scope(|s| {
        for worker in 0..2 {
            let (next, mismatches, ran, dir, opts, batches, dump) =
                (&next, &mismatches, &ran, &dir, &opts, &batches, &dump);
            s.spawn(move || loop {
                let b = next.fetch_add(1, Ordering::SeqCst);
                let Some(batch) = batches.get(b) else { return };
                let progs: Vec<(u64, Program)> = batch
                    .iter()
                    .map(|&i| (i, gen::generate(Rng::case_seed(seed, i), f)))
                    .collect();
                if let Some(d) = dump {
                    std::fs::create_dir_all(d).ok();
                    for (i, p) in &progs {
                        std::fs::write(format!("{d}/case{i}.rs"), &p.cell).ok();
                    }
                }
                let cases: Vec<RefCase> = progs
                    .iter()
                    .map(|(_, p)| RefCase {
                        cell: p.cell.clone(),
                        main_line: p.main_line,
                        trailing_expr: p.trailing_expr,
                    })
                    .collect();
                let refs = match rustc_ref::run_batch(
                    &dir.join(format!("b{b}")),
                    &format!("batch{b}"),
                    &cases,
                    Duration::from_secs(10),
                ) {
                    Ok(r) => r,
                    Err(e) => {
                        let first = progs.first().map(|p| p.0).unwrap_or(0);
                        mismatches.lock().unwrap().push(Mismatch {
                            case: first,
                            seed: 0,
                            why: "rustc rejected a generated batch (generator bug)".into(),
                            report: format!(
                                "rustc error for batch {b} (cases {batch:?}):\n{}",
                                &e[..e.len().min(6000)]
                            ),
                        });
                        continue;
                    }
                };
                for ((i, p), r) in progs.iter().zip(&refs) {
                    // Left behind if the fast tier takes the process down.
                    std::fs::write(
                        dir.join(format!("current-{worker}.rs")),
                        format!("// case {i}\n{}", p.cell),
                    )
                    .ok();
                    let o = run_fast(p, opts);
                    ran.fetch_add(1, Ordering::SeqCst);
                    if let Some((_, msg)) = &r.panic {
                        REF_PANICS.fetch_add(1, Ordering::SeqCst);
                        let kind: String = msg
                            .chars()
                            .map(|c| if c.is_ascii_digit() { '#' } else { c })
                            .take(60)
                            .collect();
                        *PANIC_KINDS.lock().unwrap().entry(kind).or_default() += 1;
                    }
                    if let Some(why) = compare(p, f, r, &o) {
                        let report = report(*i, p, f, r, &o, &why);
                        mismatches.lock().unwrap().push(Mismatch {
                            case: *i,
                            seed: p.seed,
                            why,
                            report,
                        });
                    }
                }
            });
        }
    });
    let mut m = mismatches.into_inner().unwrap();
    m.sort_by_key(|m| m.case);
    (ran.load(Ordering::SeqCst), m)
}

#[test]
fn differential_against_rustc() {
    let f = features_from_env();
    let indices: Vec<u64> = match std::env::var("ACCEL_DIFF_CASE") {
        Ok(c) => vec![c.trim().parse().expect("ACCEL_DIFF_CASE")],
        Err(_) => (0..common::env_u64("ACCEL_DIFF_CASES", 300)).collect(),
    };
    let start = Instant::now();
    let (ran, mismatches) = run_cases(&indices, &f, "main");
    let show = common::env_u64("ACCEL_DIFF_SHOW", 3) as usize;
    for m in mismatches.iter().take(show) {
        eprintln!("{}", m.report);
    }
    let mut kinds: std::collections::BTreeMap<String, Vec<u64>> = Default::default();
    for m in &mismatches {
        let key: String = m.why.chars().take(70).collect();
        kinds.entry(key).or_default().push(m.case);
    }
    eprintln!(
        "differential: seed {} | {} programs generated, {} run on both ({} panic under rustc), {} mismatches | {:.1?}\n  features on: {}\n  features off: {}",
        run_seed(),
        indices.len(),
        ran,
        REF_PANICS.load(Ordering::SeqCst),
        mismatches.len(),
        start.elapsed(),
        f.list(),
        f.off().join(",")
    );
    if std::env::var("ACCEL_DIFF_PANICS").is_ok() {
        let mut ks: Vec<(String, usize)> =
            PANIC_KINDS.lock().unwrap().clone().into_iter().collect();
        ks.sort_by_key(|k| std::cmp::Reverse(k.1));
        for (k, n) in ks.iter().take(25) {
            eprintln!("  rustc panics {n:>5} × {k}");
        }
    }
    for (k, cases) in &kinds {
        eprintln!(
            "  {:>4} × {k}   (cases {:?}{})",
            cases.len(),
            &cases[..cases.len().min(8)],
            if cases.len() > 8 { " …" } else { "" }
        );
    }
    let _ = mismatches.iter().map(|m| m.seed).count();
    assert!(
        mismatches.is_empty(),
        "{} of {} programs differ between the fast tier and rustc (see above)",
        mismatches.len(),
        indices.len()
    );
}

/// What each feature needs to be generated at all.
fn deps(name: &str) -> &'static [&'static str] {
    match name {
        "float_casts" | "float_methods" => &["float", "casts"],
        "vec_oob" | "for_iter" => &["vec"],
        "slices" => &["fns", "vec"],
        "early_return" => &["fns", "if_else"],
        "break_continue" | "labels" => &["for_range", "while", "if_else"],
        "rev_step" => &["for_range"],
        "panic_line" => &["divrem", "vec", "vec_oob"],
        "asserts" => &["if_else"],
        "assert_pretty" => &["asserts", "if_else"],
        "vec_methods" | "arrays" => &["vec"],
        "recursion" | "mut_refs" => &["fns"],
        "nested_vecs" => &["vec"],
        "iter_more" => &["iter_chains", "vec"],
        "num_edges" => &["float", "fmt_spec"],
        _ => &[],
    }
}

/// Not a gate: tells, feature by feature, whether the fast tier passes (run it with --ignored).
#[test]
#[ignore]
fn feature_matrix() {
    let n = common::env_u64("ACCEL_DIFF_MATRIX_CASES", 40);
    let mut rows = Vec::new();
    let mut names: Vec<&str> = vec!["(base)"];
    names.extend(gen::FEATURES.iter().map(|(n, _)| *n));
    for name in names {
        let mut f = Features::none();
        if name != "(base)" {
            f.0.insert(name.to_string());
            for d in deps(name) {
                f.0.insert(d.to_string());
            }
        }
        let indices: Vec<u64> = (0..n).collect();
        let (ran, m) = run_cases(
            &indices,
            &f,
            &format!("matrix-{}", name.trim_matches(|c| c == '(' || c == ')')),
        );
        let smallest = m.iter().min_by_key(|m| m.report.len());
        rows.push((
            name,
            f.list(),
            ran,
            m.len(),
            smallest.map(|s| s.why.clone()).unwrap_or_default(),
        ));
        if let Some(s) = smallest {
            eprintln!(
                "---- smallest failure with feature {name} ----\n{}",
                s.report
            );
        }
    }
    eprintln!("\nfeature            pass/run   first reason of the smallest failure");
    for (name, _, ran, bad, why) in &rows {
        eprintln!(
            "{name:<18} {:>4}/{:<4}  {}",
            ran - bad,
            ran,
            why.chars().take(90).collect::<String>()
        );
    }
}

/// Runs one hand-written cell (ACCEL_CELL_FILE, top-level statements after the fns, trailing
/// expression optional with ACCEL_CELL_VALUE=1) on both and prints both results: for minimizing.
///     ACCEL_CELL_FILE=/tmp/c.rs cargo test --release -p accel-runtime --test differential -- --ignored compare_file --nocapture
#[test]
#[ignore]
fn compare_file() {
    let Ok(path) = std::env::var("ACCEL_CELL_FILE") else {
        return;
    };
    let cell = std::fs::read_to_string(&path).expect("read ACCEL_CELL_FILE");
    let trailing_expr = std::env::var("ACCEL_CELL_VALUE").is_ok();
    let main_line = {
        let mut depth = 0i32;
        let mut ml = cell.lines().count() + 1;
        for (i, line) in cell.lines().enumerate() {
            if depth == 0 && !line.starts_with("fn ") && !line.trim().is_empty() {
                ml = i + 1;
                break;
            }
            depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
        }
        ml
    };
    let p = Program {
        seed: 0,
        cell: cell.clone(),
        main_line,
        trailing_expr,
        split_line: None,
    };
    let case = RefCase {
        cell,
        main_line,
        trailing_expr,
    };
    let r = rustc_ref::run_batch(
        &common::scratch_dir("compare-file"),
        "cell",
        &[case],
        Duration::from_secs(20),
    )
    .expect("rustc")
    .remove(0);
    let o = fast::run_one(&p.cell, &JitOptions::default(), Duration::from_secs(20));
    let f = Features::all();
    eprintln!(
        "rustc: stdout {:?} panic {:?} value {:?}\nfast: {}",
        r.stdout,
        r.panic,
        r.value,
        o.describe()
    );
    eprintln!(
        "verdict: {}",
        compare(&p, &f, &r, &o).unwrap_or_else(|| "same".into())
    );
}
