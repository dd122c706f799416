//! Seed-kernel benchmarks of the fast tier: compile latency (parse → machine code) and
//! steady run time, timed like shared/bench/rustref (median of 7 runs of an auto-ranged
//! loop). Compare with `cd shared/bench/rustref && cargo run --release` in the same run.
//!
//!     cargo run --release -p accel-runtime --bin accel-bench [--fastmath] [--no-vectorize] [--peers] [--dump KERNEL] [--only NAME...]
//! `--peers` also runs rustref and the Numba script right after and prints one table;
//! ACCEL_BENCH_CPU=1 scales accel's figures by CPU/wall time (A/B runs on a busy machine).

use accel_runtime::{FastTier, JitOptions, Output};

struct Quiet;
impl Output for Quiet {
    fn stdout(&self, _: &str) {}
    fn stderr(&self, t: &str) {
        eprint!("{t}");
    }
}

// The seed kernels' sources, shared with the seed-kernel tests (one copy of each).
#[path = "../../tests/kernels/mod.rs"]
mod kernels;

const KERNELS: &[(&str, &str)] = &[
    ("get_primes", kernels::GET_PRIMES),
    ("do_sum", kernels::DO_SUM),
    ("smooth_i8", kernels::SMOOTH),
    ("lj", kernels::LJ),
    ("func_normal", kernels::FUNC_NORMAL),
];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// CPU seconds this process has run (user + system, all threads), from /proc/self/stat.
fn cpu_s() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = s.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = rest.split_whitespace().filter_map(|x| x.parse().ok()).collect();
    // After the comm field: state is not numeric, so utime/stime are fields 11 and 12 here.
    if f.len() > 12 { (f[10] + f[11]) / 100.0 } else { 0.0 }
}

/// Median per-call seconds; with ACCEL_BENCH_CPU=1 scaled by CPU time / wall time of the
/// timing (the fraction of the wall clock the kernel actually ran on a busy machine).
fn steady(ft: &mut FastTier, expr: &str) -> f64 {
    let (w0, c0) = (std::time::Instant::now(), cpu_s());
    let t = ft.timeit("", expr, None, 7, &Quiet).unwrap_or_else(|e| panic!("{expr}: {e:?}"));
    let share = ((cpu_s() - c0) / w0.elapsed().as_secs_f64()).min(1.0);
    let m = median(t.runs.iter().map(|r| r / t.number as f64).collect());
    if std::env::var("ACCEL_BENCH_CPU").is_ok_and(|v| v == "1") { m * share } else { m }
}

fn main() {
    let fastmath = std::env::args().any(|a| a == "--fastmath");
    let vectorize = !std::env::args().any(|a| a == "--no-vectorize");
    let opts = JitOptions { fastmath, vectorize, ..JitOptions::default() };
    let mut ft = FastTier::new();
    if let Some(k) = std::env::args().skip_while(|a| a != "--dump").nth(1) {
        struct Loud;
        impl Output for Loud {
            fn stdout(&self, t: &str) {
                print!("{t}");
            }
            fn stderr(&self, t: &str) {
                eprint!("{t}");
            }
        }
        let src = KERNELS.iter().find(|(n, _)| *n == k).expect("kernel name").1;
        let o = JitOptions { dump: Some(accel_runtime::Dump::Asm), ..opts.clone() };
        ft.run_cell(src, &o, &Loud).unwrap();
        let o = JitOptions { dump: Some(accel_runtime::Dump::Ir), ..opts.clone() };
        ft.run_cell(src, &o, &Loud).unwrap();
        return;
    }
    ft.run_cell("let __warm = 1;", &opts, &Quiet).unwrap();
    for (name, src) in KERNELS {
        let mut times = vec![];
        // With ACCEL_BENCH_CPU=1 also the mean CPU time per compile (over more runs: the
        // clock ticks every 10 ms), which a busy machine does not inflate.
        let cpu = std::env::var("ACCEL_BENCH_CPU").is_ok_and(|v| v == "1");
        let runs = if cpu { 101 } else { 21 };
        let c0 = cpu_s();
        for _ in 0..runs {
            ft.compile_only(src, &opts).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            times.push(ft.last_compile_time().as_secs_f64());
        }
        let cpu_ms = (cpu_s() - c0) / runs as f64 * 1e3;
        if cpu {
            println!("compile_{name}\tmedian_ms={:.3}\tcpu_ms={cpu_ms:.3}", median(times) * 1e3);
        } else {
            println!("compile_{name}\tmedian_ms={:.3}", median(times) * 1e3);
        }
        ft.run_cell(src, &opts, &Quiet).unwrap();
    }
    let only: Vec<String> = std::env::args().skip_while(|a| a != "--only").skip(1).collect();
    let want = |n: &str| only.is_empty() || only.iter().any(|o| o == n);
    let setup = "let a40k: Vec<f64> = (0..40000).map(|i| i as f64).collect();
let a10m: Vec<f64> = (0..10000000).map(|i| i as f64).collect();
let x8 = vec![1i8; 2000 * 2000];
let mut out8 = vec![0i8; 2000 * 2000];
let mut s: u64 = 1981;
let mut c: Vec<[f64; 3]> = Vec::new();
for _ in 0..2000 {
    let mut p = [0.0; 3];
    for k in 0..3 { s ^= s << 13; s ^= s >> 7; s ^= s << 17; p[k] = (s >> 11) as f64 / (1u64 << 53) as f64 * 1000.0 - 500.0; }
    c.push(p);
}
let a_fn = Array::from_shape_vec((10, 10), (0..100).collect::<Vec<i32>>()).unwrap();";
    ft.run_cell(setup, &opts, &Quiet).unwrap();
    let cases = [
        ("get_primes_100000", "get_primes(100000)"),
        ("do_sum_40000", "do_sum(&a40k)"),
        ("do_sum_10M", "do_sum(&a10m)"),
        ("smooth_2000x2000_i8", "smooth_i8(&x8, 2000, 2000, &mut out8)"),
        ("func_normal_10x10_i32", "func_normal(&a_fn)"),
        ("lj_potential_2000", "lj(&c)"),
    ];
    let mut mine = vec![];
    for (name, expr) in cases {
        if want(name) {
            let t = steady(&mut ft, expr);
            println!("{name}\tsteady_s={t:.9}");
            mine.push((name, t));
        }
    }
    if std::env::args().any(|a| a == "--peers") {
        peers::table(&mine, fastmath);
    }
}

/// `--peers`: rustc -O3 (`shared/bench/rustref`) and Numba (`shared/bench/numba_seed_kernels.py`)
/// run right after accel in the same command, and one table of medians and ratios.
mod peers {
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::process::Command;

    fn bench_dir() -> PathBuf {
        match std::env::var("ACCEL_BENCH_SHARED") {
            Ok(d) => PathBuf::from(d),
            Err(_) => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench"),
        }
    }

    fn parse(out: &[u8]) -> HashMap<String, f64> {
        let mut m = HashMap::new();
        for l in String::from_utf8_lossy(out).lines() {
            let mut it = l.split('\t');
            let Some(name) = it.next() else { continue };
            for f in it {
                if let Some(v) = f.strip_prefix("steady_s=").and_then(|v| v.parse().ok()) {
                    m.insert(name.to_string(), v);
                }
            }
        }
        m
    }

    /// rustref, built outside shared/ (ACCEL_BENCH_RUSTREF_TARGET, default $TMPDIR/accel-rustref-target).
    fn rustc() -> Result<HashMap<String, f64>, String> {
        let target = std::env::var("ACCEL_BENCH_RUSTREF_TARGET").map(PathBuf::from).unwrap_or_else(|_| std::env::temp_dir().join("accel-rustref-target"));
        let o = Command::new("cargo")
            .args(["run", "--release", "--quiet"])
            .env("CARGO_TARGET_DIR", target)
            .current_dir(bench_dir().join("rustref"))
            .output()
            .map_err(|e| e.to_string())?;
        if !o.status.success() {
            return Err(String::from_utf8_lossy(&o.stderr).into_owned());
        }
        Ok(parse(&o.stdout))
    }

    /// Numba with the Python of ACCEL_BENCH_PYTHON (default /tmp/peers/bin/python, else python3).
    fn numba(names: &[&str]) -> Result<HashMap<String, f64>, String> {
        let py = std::env::var("ACCEL_BENCH_PYTHON").unwrap_or_else(|_| if std::path::Path::new("/tmp/peers/bin/python").exists() { "/tmp/peers/bin/python".into() } else { "python3".into() });
        let o = Command::new(py).arg(bench_dir().join("numba_seed_kernels.py")).args(names).output().map_err(|e| e.to_string())?;
        if !o.status.success() {
            return Err(String::from_utf8_lossy(&o.stderr).lines().last().unwrap_or("failed").to_string());
        }
        Ok(parse(&o.stdout))
    }

    fn ms(t: Option<f64>) -> String {
        t.map(|t| format!("{:.3} ms", t * 1e3)).unwrap_or_else(|| "—".into())
    }

    fn ratio(a: f64, b: Option<f64>) -> String {
        b.map(|b| format!("{:.2}×", a / b)).unwrap_or_else(|| "—".into())
    }

    pub fn table(mine: &[(&str, f64)], fastmath: bool) {
        let r = rustc().unwrap_or_else(|e| {
            eprintln!("rustref: {e}");
            HashMap::new()
        });
        // Numba's counterpart of each accel figure (with --fastmath: do_sum under fastmath=True).
        let twin = |n: &str| -> Option<&'static str> {
            match (n, fastmath) {
                ("do_sum_10M", true) => Some("do_sum_fastmath_10M"),
                ("do_sum_40000", true) => Some("do_sum_fastmath_40000"),
                ("do_sum_10M", false) => None,
                ("get_primes_100000", _) => Some("get_primes_100000"),
                ("do_sum_40000", _) => Some("do_sum_40000"),
                ("smooth_2000x2000_i8", _) => Some("smooth_2000x2000_i8"),
                ("lj_potential_2000", _) => Some("lj_potential_2000"),
                ("func_normal_10x10_i32", _) => Some("func_normal_10x10_i32"),
                _ => None,
            }
        };
        let names: Vec<&str> = mine.iter().filter_map(|(n, _)| twin(n)).collect();
        let nb = numba(&names).unwrap_or_else(|e| {
            eprintln!("numba: {e}");
            HashMap::new()
        });
        println!("\n| kernel{} | accel | rustc -O3 | numba | accel ÷ rustc | accel ÷ numba |", if fastmath { " (--fastmath)" } else { "" });
        println!("|---|---|---|---|---|---|");
        for (n, t) in mine {
            let rt = r.get(*n).copied();
            let nt = twin(n).and_then(|k| nb.get(k).copied());
            println!("| {n} | {} | {} | {} | {} | {} |", ms(Some(*t)), ms(rt), ms(nt), ratio(*t, rt), ratio(*t, nt));
        }
    }
}
