//! Speed of the fast tier on the seed kernels, side by side with rustc -O3 in the same run
//! (for BENCHMARKS.md). Not a gate: an ignored test that prints a table.
//!     CARGO_TARGET_DIR=/work/target-difftest cargo test --release -p accel-runtime --test bench_seed_kernels -- --ignored --nocapture
//! Columns: compile = parse → machine code of the kernel's fn (`compile_only`, median of 21,
//! fresh tier each time); cell = round trip of `run_cell` defining the fn (median of 21);
//! accel = per-call time from `FastTier::timeit` (auto-ranged, median of 7 runs); rustc = the
//! steady time printed by ../shared/bench/rustref (`cargo run --release`, built in
//! $CARGO_TARGET_DIR/rustref) right after; ratio = accel / rustc (≤ 1.3 is the target).
//! ACCEL_BENCH_RUSTREF=DIR overrides where rustref is.

mod common;
mod kernels;

use accel_runtime::{FastTier, JitOptions, Output};
use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

struct Quiet;
impl Output for Quiet {
    fn stdout(&self, _: &str) {}
    fn stderr(&self, t: &str) {
        eprint!("{t}");
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// The fn items of a kernel cell (everything before the top-level statements).
fn items(cell: &str) -> String {
    let ml = kernels::main_line(cell);
    cell.lines()
        .take(ml - 1)
        .map(|l| format!("{l}\n"))
        .collect()
}

fn compile_latency(fns: &str, opts: &JitOptions) -> (f64, f64, f64) {
    let mut compile = Vec::new();
    let mut reported = Vec::new();
    let mut cell = Vec::new();
    for _ in 0..21 {
        let mut t = FastTier::new();
        let s = Instant::now();
        t.compile_only(fns, opts)
            .unwrap_or_else(|e| panic!("compile_only failed: {e:?}"));
        compile.push(s.elapsed().as_secs_f64());
        reported.push(t.last_compile_time().as_secs_f64());
        let mut t = FastTier::new();
        let s = Instant::now();
        t.run_cell(fns, opts, &Quiet)
            .unwrap_or_else(|e| panic!("run_cell failed: {e:?}"));
        cell.push(s.elapsed().as_secs_f64());
    }
    (median(compile), median(reported), median(cell))
}

fn accel_steady(cell: &str, expr: &str, opts: &JitOptions) -> Result<f64, String> {
    let mut t = FastTier::new();
    t.run_cell(cell, opts, &Quiet)
        .map_err(|e| format!("cell: {e:?}"))?;
    let tm = t
        .timeit("", expr, None, 7, &Quiet)
        .map_err(|e| format!("timeit: {e:?}"))?;
    Ok(median(tm.runs.clone()) / tm.number as f64)
}

fn rustref_times() -> Result<BTreeMap<String, f64>, String> {
    let dir = std::env::var("ACCEL_BENCH_RUSTREF").unwrap_or_else(|_| {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        here.join("../../shared/bench/rustref")
            .to_string_lossy()
            .into_owned()
    });
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("rustref-target"); // kept across runs: a cargo build dir
    let o = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--release", "--quiet"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&dir)
        .output()
        .map_err(|e| format!("cargo run in {dir}: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "rustref failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    let mut m = BTreeMap::new();
    for l in String::from_utf8_lossy(&o.stdout).lines() {
        if let Some((name, rest)) = l.split_once('\t') {
            if let Some(v) = rest.strip_prefix("steady_s=") {
                m.insert(
                    name.to_string(),
                    v.trim().parse().map_err(|e| format!("{l}: {e}"))?,
                );
            }
        }
    }
    Ok(m)
}

#[test]
#[ignore]
fn bench_table() {
    let strict = JitOptions::default();
    let fast = JitOptions {
        fastmath: true,
        ..JitOptions::default()
    };
    // (row name, kernel, options, rustref row)
    let rows: &[(&str, &str, &JitOptions, &str)] = &[
        (
            "get_primes(100000)",
            "get_primes_100000",
            &strict,
            "get_primes_100000",
        ),
        ("do_sum 40 000", "do_sum_40000", &strict, "do_sum_40000"),
        ("do_sum 10M", "do_sum_10M_collect", &strict, "do_sum_10M"),
        (
            "do_sum 10M --fastmath",
            "do_sum_10M_collect",
            &fast,
            "do_sum_10M",
        ),
        (
            "smooth 2000x2000 i8",
            "smooth_2000x2000_i8",
            &strict,
            "smooth_2000x2000_i8",
        ),
        (
            "lennard-jones 2000",
            "lj_potential_2000",
            &strict,
            "lj_potential_2000",
        ),
    ];
    let ks = kernels::kernels();
    let mut lines = Vec::new();
    for (row, kname, opts, _) in rows {
        let k = ks.iter().find(|k| k.name == *kname).unwrap();
        let (c, rep, cell) = compile_latency(&items(&k.cell), opts);
        let steady = accel_steady(&k.cell, k.timeit_expr, opts);
        lines.push((row.to_string(), c, rep, cell, steady));
    }
    // rustref right after, in the same run (the machine is shared and noisy: compare ratios).
    let rr = rustref_times();
    eprintln!("\n| kernel | compile (ms, median) | compile reported | %%jit cell round trip (ms) | accel steady | rustc -O3 steady | accel/rustc |");
    eprintln!("|---|---|---|---|---|---|---|");
    for ((row, c, rep, cell, steady), (_, _, _, rref)) in lines.iter().zip(rows) {
        let r = rr.as_ref().ok().and_then(|m| m.get(*rref).copied());
        let s = match steady {
            Ok(s) => fmt_t(*s).to_string(),
            Err(e) => format!("failed: {}", e.chars().take(60).collect::<String>()),
        };
        let ratio = match (steady, r) {
            (Ok(s), Some(r)) => format!("{:.2}", s / r),
            _ => "-".into(),
        };
        eprintln!(
            "| {row} | {:.2} | {:.2} | {:.2} | {s} | {} | {ratio} |",
            c * 1e3,
            rep * 1e3,
            cell * 1e3,
            r.map(fmt_t).unwrap_or_else(|| "-".into())
        );
    }
    if let Err(e) = rr {
        eprintln!("rustref: {e}");
    }
    let _ = Duration::ZERO;
}

fn fmt_t(s: f64) -> String {
    if s < 1e-6 {
        format!("{:.1} ns", s * 1e9)
    } else if s < 1e-3 {
        format!("{:.2} µs", s * 1e6)
    } else {
        format!("{:.3} ms", s * 1e3)
    }
}
