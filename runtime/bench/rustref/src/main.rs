//! Reference: the seed kernels hand-written in Rust, built by rustc -O3 (no target-cpu flags),
//! timed the same way as the peers: median of 7 runs of an auto-ranged loop.
//! The kernels are byte-for-byte those of shared/bench/rustref; this copy adds `--serve`:
//! read `NAME RUNS` lines on stdin, answer `NAME\tsteady_s=…\tnumber=…` (median of RUNS runs,
//! the loop count auto-ranged on a kernel's first request and kept), so accel-bench can
//! interleave rustc with accel and Numba kernel by kernel in one warm process.
use std::collections::HashMap;
use std::hint::black_box;
use std::io::BufRead;
use std::time::Instant;

fn range<F: FnMut() -> R, R>(f: &mut F) -> usize {
    black_box(f());
    let mut n = 1usize;
    loop {
        let t = Instant::now();
        for _ in 0..n { black_box(f()); }
        if t.elapsed().as_secs_f64() >= 0.2 { return n; }
        n *= 2;
    }
}

fn timed<F: FnMut() -> R, R>(f: &mut F, n: usize, runs: usize) -> f64 {
    let mut runs: Vec<f64> = (0..runs).map(|_| {
        let t = Instant::now();
        for _ in 0..n { black_box(f()); }
        t.elapsed().as_secs_f64() / n as f64
    }).collect();
    runs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    runs[runs.len() / 2]
}

fn steady<F: FnMut() -> R, R>(mut f: F) -> f64 {
    let n = range(&mut f);
    timed(&mut f, n, 7)
}

fn get_primes(x: i64) -> Vec<i64> {
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
}

fn do_sum(a: &[f64]) -> f64 {
    let mut acc = 0.0;
    for &x in a { acc += x.sqrt(); }
    acc
}

fn smooth_i8(x: &[i8], n: usize, m: usize, out: &mut [i8]) {
    for i in 1..n - 1 {
        for j in 1..m - 1 {
            let mut s: i32 = 0;
            for di in 0..3 { for dj in 0..3 { s += x[(i + di - 1) * m + j + dj - 1] as i32; } }
            out[i * m + j] = s.div_euclid(9) as i8;
        }
    }
}

fn lj(c: &[[f64; 3]]) -> f64 {
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
}

struct Data { a: Vec<f64>, b: Vec<f64>, x: Vec<i8>, out: Vec<i8>, c: Vec<[f64; 3]> }

fn data() -> Data {
    let a: Vec<f64> = (0..40000).map(|i| i as f64).collect();
    let b: Vec<f64> = (0..10_000_000).map(|i| i as f64).collect();
    let x = vec![1i8; 2000 * 2000];
    let out = vec![0i8; 2000 * 2000];
    let mut s: u64 = 1981;
    let mut rnd = || { s ^= s << 13; s ^= s >> 7; s ^= s << 17; (s >> 11) as f64 / (1u64 << 53) as f64 * 1000.0 - 500.0 };
    let c: Vec<[f64; 3]> = (0..2000).map(|_| [rnd(), rnd(), rnd()]).collect();
    Data { a, b, x, out, c }
}

/// Runs kernel `name` with the loop count `n` (None: auto-range it) and `runs` runs; (median, n).
fn bench(d: &mut Data, name: &str, n: Option<usize>, runs: usize) -> Option<(f64, usize)> {
    fn go<F: FnMut() -> R, R>(mut f: F, n: Option<usize>, runs: usize) -> (f64, usize) {
        let n = n.unwrap_or_else(|| range(&mut f));
        (timed(&mut f, n, runs), n)
    }
    Some(match name {
        "get_primes_100000" => go(|| get_primes(black_box(100000)), n, runs),
        "do_sum_40000" => go(|| do_sum(black_box(&d.a)), n, runs),
        "do_sum_10M" => go(|| do_sum(black_box(&d.b)), n, runs),
        "smooth_2000x2000_i8" => go(|| { smooth_i8(black_box(&d.x), 2000, 2000, &mut d.out); d.out[1] }, n, runs),
        "lj_potential_2000" => go(|| lj(black_box(&d.c)), n, runs),
        _ => return None,
    })
}

fn serve() {
    let mut d = data();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let mut it = line.split_whitespace();
        let Some(name) = it.next() else { continue };
        let runs = it.next().and_then(|r| r.parse().ok()).unwrap_or(7);
        match bench(&mut d, name, counts.get(name).copied(), runs) {
            Some((t, n)) => {
                counts.insert(name.to_string(), n);
                println!("{name}\tsteady_s={t:.9}\tnumber={n}");
            }
            None => println!("{name}\tunknown"),
        }
    }
}

fn main() {
    if std::env::args().any(|a| a == "--serve") {
        return serve();
    }
    println!("get_primes_100000\tsteady_s={:.9}", steady(|| get_primes(black_box(100000))));
    let mut d = data();
    println!("do_sum_40000\tsteady_s={:.9}", steady(|| do_sum(black_box(&d.a))));
    println!("do_sum_10M\tsteady_s={:.9}", steady(|| do_sum(black_box(&d.b))));
    println!("smooth_2000x2000_i8\tsteady_s={:.9}", steady(|| { smooth_i8(black_box(&d.x), 2000, 2000, &mut d.out); d.out[1] }));
    println!("lj_potential_2000\tsteady_s={:.9}", steady(|| lj(black_box(&d.c))));
}
