//! Seed-kernel benchmarks of the fast tier: compile latency (parse → machine code) and
//! steady run time, timed like shared/bench/rustref (median of 7 runs of an auto-ranged
//! loop). Compare with `cd shared/bench/rustref && cargo run --release` in the same run.
//!
//!     cargo run --release -p accel-runtime --bin accel-bench [--fastmath]

use accel_runtime::{FastTier, JitOptions, Output};

struct Quiet;
impl Output for Quiet {
    fn stdout(&self, _: &str) {}
    fn stderr(&self, t: &str) {
        eprint!("{t}");
    }
}

const KERNELS: &[(&str, &str)] = &[
    (
        "get_primes",
        "fn get_primes(x: i64) -> Vec<i64> {
    let mut res = Vec::new();
    for v in 0..=x {
        if v < 2 { continue; }
        let mut flag = true;
        for i in 2..((v as f64).sqrt() as i64 + 1) {
            if v % i == 0 { flag = false; }
        }
        if flag { res.push(v); }
    }
    res
}",
    ),
    ("do_sum", "fn do_sum(a: &[f64]) -> f64 { let mut acc = 0.0; for &x in a { acc += x.sqrt(); } acc }"),
    (
        "smooth_i8",
        "fn smooth_i8(x: &[i8], n: usize, m: usize, out: &mut [i8]) {
    for i in 1..n - 1 {
        for j in 1..m - 1 {
            let mut s: i32 = 0;
            for di in 0..3 { for dj in 0..3 { s += x[(i + di - 1) * m + j + dj - 1] as i32; } }
            out[i * m + j] = s.div_euclid(9) as i8;
        }
    }
}",
    ),
    (
        "lj",
        "fn lj(c: &[[f64; 3]]) -> f64 {
    let n = c.len();
    let mut e = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let mut d2 = 0.0;
            for k in 0..3 { let d = c[i][k] - c[j][k]; d2 += d * d; }
            let sr6 = (1.0 / d2).powi(3);
            e += 4.0 * (sr6 * sr6 - sr6);
        }
    }
    e
}",
    ),
    (
        "func_normal",
        "fn func_normal(a: &Array2<i32>) -> Array2<f64> {
    let x = a.median().unwrap();
    let y = a.max().unwrap() as f64;
    let t = x / y;
    let z = x * (1.0 + t * t).sqrt();
    let mut m = 0.0;
    for i in 0..a.nrows() {
        m += (a[[i, i]] as f64).tanh();
        m /= z;
    }
    a.mapv(|v| v as f64) + m
}",
    ),
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
    let opts = JitOptions { fastmath, ..JitOptions::default() };
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
        for _ in 0..21 {
            ft.compile_only(src, &opts).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            times.push(ft.last_compile_time().as_secs_f64());
        }
        println!("compile_{name}\tmedian_ms={:.3}", median(times) * 1e3);
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
    if want("get_primes_100000") {
        println!("get_primes_100000\tsteady_s={:.9}", steady(&mut ft, "get_primes(100000)"));
    }
    if want("do_sum_40000") {
        println!("do_sum_40000\tsteady_s={:.9}", steady(&mut ft, "do_sum(&a40k)"));
    }
    if want("do_sum_10M") {
        println!("do_sum_10M\tsteady_s={:.9}", steady(&mut ft, "do_sum(&a10m)"));
    }
    if want("smooth_2000x2000_i8") {
        println!("smooth_2000x2000_i8\tsteady_s={:.9}", steady(&mut ft, "smooth_i8(&x8, 2000, 2000, &mut out8)"));
    }
    if want("func_normal_10x10_i32") {
        println!("func_normal_10x10_i32\tsteady_s={:.9}", steady(&mut ft, "func_normal(&a_fn)"));
    }
    if want("lj_potential_2000") {
        println!("lj_potential_2000\tsteady_s={:.9}", steady(&mut ft, "lj(&c)"));
    }
}
