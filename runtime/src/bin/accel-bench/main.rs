//! Seed-kernel benchmarks of the fast tier: compile latency (parse → machine code) and
//! steady run time, timed like the peers (auto-ranged loop count, median of runs).
//!
//!     cargo run --release -p accel-runtime --bin accel-bench -- [--fastmath] [--no-vectorize]
//!         [--peers] [--rounds R] [--runs K] [--dump KERNEL] [--only NAME...]
//! `--peers` interleaves rustc -O3 and Numba (runtime/bench/: warm `--serve` processes) with accel
//! kernel by kernel, R rounds (default 5) of K timed runs each (default 5), and prints per-kernel
//! medians, the median of the per-round ratios and their spread, and the load average: a change of
//! host speed hits all three tools of one kernel in one round alike instead of skewing a ratio.
//! ACCEL_BENCH_CPU=1 scales accel's figures by CPU/wall time (A/B runs of accel alone on a busy machine).

use accel_runtime::{FastTier, JitOptions, Output};

mod peers;

struct Quiet;
impl Output for Quiet {
    fn stdout(&self, _: &str) {}
    fn stderr(&self, t: &str) {
        eprint!("{t}");
    }
}

// The seed kernels' sources, shared with the seed-kernel tests (one copy of each).
#[path = "../../../tests/kernels/mod.rs"]
mod kernels;

const KERNELS: &[(&str, &str)] = &[
    ("get_primes", kernels::GET_PRIMES),
    ("do_sum", kernels::DO_SUM),
    ("smooth_i8", kernels::SMOOTH),
    ("lj", kernels::LJ),
    ("func_normal", kernels::FUNC_NORMAL),
];

const SETUP: &str = "let a40k: Vec<f64> = (0..40000).map(|i| i as f64).collect();
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

const CASES: &[(&str, &str)] = &[
    ("get_primes_100000", "get_primes(100000)"),
    ("do_sum_40000", "do_sum(&a40k)"),
    ("do_sum_10M", "do_sum(&a10m)"),
    (
        "smooth_2000x2000_i8",
        "smooth_i8(&x8, 2000, 2000, &mut out8)",
    ),
    ("func_normal_10x10_i32", "func_normal(&a_fn)"),
    ("lj_potential_2000", "lj(&c)"),
];

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let h = v.len() / 2;
    if v.len().is_multiple_of(2) {
        (v[h - 1] + v[h]) / 2.0
    } else {
        v[h]
    }
}

/// CPU seconds this process has run (user + system, all threads), from /proc/self/stat.
fn cpu_s() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = s.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = rest
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    // After the comm field: state is not numeric, so utime/stime are fields 11 and 12 here.
    if f.len() > 12 {
        (f[10] + f[11]) / 100.0
    } else {
        0.0
    }
}

/// Median per-call seconds of `runs` runs of `number` calls (None: auto-ranged to ≥ 0.2 s),
/// and the number used; with ACCEL_BENCH_CPU=1 scaled by CPU time / wall time of the timing
/// (the fraction of the wall clock the kernel actually ran on a busy machine).
fn steady(ft: &mut FastTier, expr: &str, number: Option<u64>, runs: u32) -> (f64, u64) {
    let (w0, c0) = (std::time::Instant::now(), cpu_s());
    let t = ft
        .timeit("", expr, number, runs, &Quiet)
        .unwrap_or_else(|e| panic!("{expr}: {e:?}"));
    let share = ((cpu_s() - c0) / w0.elapsed().as_secs_f64()).min(1.0);
    let m = median(t.runs.iter().map(|r| r / t.number as f64).collect());
    (
        if std::env::var("ACCEL_BENCH_CPU").is_ok_and(|v| v == "1") {
            m * share
        } else {
            m
        },
        t.number,
    )
}

fn arg_after(flag: &str) -> Option<String> {
    std::env::args().skip_while(|a| a != flag).nth(1)
}

fn dump(ft: &mut FastTier, opts: &JitOptions, k: &str) {
    struct Loud;
    impl Output for Loud {
        fn stdout(&self, t: &str) {
            print!("{t}");
        }
        fn stderr(&self, t: &str) {
            eprint!("{t}");
        }
    }
    let src = KERNELS
        .iter()
        .find(|(n, _)| *n == k || k.starts_with(&format!("{n}_")))
        .expect("kernel name")
        .1;
    for d in [accel_runtime::Dump::Asm, accel_runtime::Dump::Ir] {
        let o = JitOptions {
            dump: Some(d),
            ..opts.clone()
        };
        ft.run_cell(src, &o, &Loud).unwrap();
    }
}

fn compile_latency(ft: &mut FastTier, opts: &JitOptions) {
    for (name, src) in KERNELS {
        let mut times = vec![];
        // With ACCEL_BENCH_CPU=1 also the mean CPU time per compile (over more runs: the
        // clock ticks every 10 ms), which a busy machine does not inflate.
        let cpu = std::env::var("ACCEL_BENCH_CPU").is_ok_and(|v| v == "1");
        let runs = if cpu { 101 } else { 21 };
        let c0 = cpu_s();
        for _ in 0..runs {
            ft.compile_only(src, opts)
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            times.push(ft.last_compile_time().as_secs_f64());
        }
        let cpu_ms = (cpu_s() - c0) / runs as f64 * 1e3;
        if cpu {
            println!(
                "compile_{name}\tmedian_ms={:.3}\tcpu_ms={cpu_ms:.3}",
                median(times) * 1e3
            );
        } else {
            println!("compile_{name}\tmedian_ms={:.3}", median(times) * 1e3);
        }
        ft.run_cell(src, opts, &Quiet).unwrap();
    }
}

fn main() {
    let fastmath = std::env::args().any(|a| a == "--fastmath");
    let vectorize = !std::env::args().any(|a| a == "--no-vectorize");
    let opts = JitOptions {
        fastmath,
        vectorize,
        ..JitOptions::default()
    };
    let mut ft = FastTier::new();
    if let Some(k) = arg_after("--dump") {
        return dump(&mut ft, &opts, &k);
    }
    let with_peers = std::env::args().any(|a| a == "--peers");
    let rounds: usize = arg_after("--rounds")
        .and_then(|r| r.parse().ok())
        .unwrap_or(if with_peers { 5 } else { 1 });
    let runs: u32 = arg_after("--runs")
        .and_then(|r| r.parse().ok())
        .unwrap_or(if with_peers { 5 } else { 7 });
    let load0 = peers::loadavg();
    ft.run_cell("let __warm = 1;", &opts, &Quiet).unwrap();
    compile_latency(&mut ft, &opts);
    let only: Vec<String> = std::env::args()
        .skip_while(|a| a != "--only")
        .skip(1)
        .collect();
    let cases: Vec<(&str, &str)> = CASES
        .iter()
        .copied()
        .filter(|(n, _)| only.is_empty() || only.iter().any(|o| o == n))
        .collect();
    ft.run_cell(SETUP, &opts, &Quiet).unwrap();
    let mut peer = if with_peers {
        Some(peers::Peers::start(fastmath))
    } else {
        None
    };
    let mut rows: Vec<peers::Row> = cases.iter().map(|(n, _)| peers::Row::new(n)).collect();
    let mut numbers: Vec<Option<u64>> = vec![None; cases.len()];
    for round in 0..rounds {
        for (i, (name, expr)) in cases.iter().enumerate() {
            // Rotate who goes first each round, so no tool always runs right after another.
            for who in 0..3 {
                match (who + round) % 3 {
                    0 => {
                        let (t, n) = steady(&mut ft, expr, numbers[i], runs);
                        numbers[i] = Some(n);
                        rows[i].accel.push(t);
                    }
                    1 => rows[i]
                        .rustc
                        .push(peer.as_mut().and_then(|p| p.rustc(name, runs))),
                    _ => rows[i]
                        .numba
                        .push(peer.as_mut().and_then(|p| p.numba(name, runs))),
                }
            }
            let r = &rows[i];
            eprintln!(
                "round {}/{rounds} {name}: accel {}, rustc {}, numba {}",
                round + 1,
                peers::ms(Some(r.accel[round])),
                peers::ms(r.rustc[round]),
                peers::ms(r.numba[round])
            );
        }
    }
    let load1 = peers::loadavg();
    for r in &rows {
        println!("{}\tsteady_s={:.9}", r.name, median(r.accel.clone()));
    }
    if with_peers {
        peers::table(&rows, fastmath, rounds, runs, &load0, &load1);
    }
}
