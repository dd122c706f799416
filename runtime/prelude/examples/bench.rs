//! Timings for BENCHMARKS.md: the seed's Dask and Sparse examples, the way the peers in
//! shared/bench/ time them. Run: `cargo run --release -p accel --example bench [dask|sparse|dense]`
//! Prints one line per measurement: name, median of the runs, and the peak RSS of this process.

use accel::prelude::*;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut ts = vec![];
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        ts.push(t.elapsed().as_secs_f64());
        last = Some(r);
    }
    (median(ts), last.unwrap())
}

fn vm_hwm_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn dask(runs: usize) {
    let (t, r) = time(runs, || {
        let x = Chunked::random_normal(10.0, 0.1, (20000, 20000), (1000, 1000), 42);
        x.mean_axis(Axis(0)).slice(s![..;100]).compute()
    });
    println!(
        "accel_mean_axis0_20000sq\tmedian_s={t:.3}\tlen={}\tfirst={:.4}\tpeak_rss_mb={:.1}",
        r.len(),
        r[0],
        vm_hwm_mb()
    );
}

/// The same graph over a constant source: what the scheduling and reduction cost on their own.
fn dask_overhead(runs: usize) {
    let (t, r) = time(runs, || {
        let x = Chunked::full((20000, 20000), 10.0, (1000, 1000));
        x.mean_axis(Axis(0)).slice(s![..;100]).compute()
    });
    println!(
        "accel_mean_axis0_20000sq_constant_source\tmedian_s={t:.3}\tfirst={:.4}",
        r[0]
    );
}

fn sparse(runs: usize) {
    let mut rng = accel::random::default_rng(42);
    let mut a = rng.random((100, 100, 100));
    a.mapv_inplace(|x| if x < 0.9 { 0.0 } else { x });
    let (t, s) = time(runs, || Coo::from_dense(&a));
    println!(
        "accel_sparse_coo_from_dense_1e6\tmedian_s={t:.6}\tnnz={}\tnbytes={}",
        s.nnz(),
        s.nbytes()
    );
    if std::env::var("ACCEL_BENCH_DETAIL").is_ok() {
        let (t1, _) = time(runs, || s.sin());
        let (t2, st) = time(runs, || s.t());
        let (t3, st1) = time(runs, || &st * 1);
        let sn = s.sin();
        let (t4, _) = time(runs, || &sn + &st1);
        println!("detail sin={t1:.6} t={t2:.6} mul={t3:.6} add={t4:.6}");
    }
    let (t, y) = time(runs, || s.sin() + s.t() * 1);
    println!("accel_sparse_sin_plus_T\tmedian_s={t:.6}\tnnz={}", y.nnz());
    let (t, _) = time(runs, || s.sum_axis(Axis(0)).unwrap());
    println!("accel_sparse_sum_axis0\tmedian_s={t:.6}");
    let (t, _) = time(runs, || s.text_html());
    println!("accel_sparse_repr_html\tmedian_s={t:.6}");
}

fn dense(runs: usize) {
    let mut rng = accel::random::default_rng(1);
    let a = rng.random(10_000_000);
    let v = a.as_slice().unwrap();
    let (t_lib, s1) = time(runs, || a.sum());
    let (t_loop, s2) = time(runs, || {
        let mut s = 0.0;
        for &x in v {
            s += x;
        }
        s
    });
    println!(
        "dense_sum_1e7\tlib_s={t_lib:.6}\tloop_s={t_loop:.6}\tratio={:.2}\t({s1:.3} {s2:.3})",
        t_lib / t_loop
    );
    let (t_lib, m1) = time(runs, || Reductions::max(&a).unwrap());
    let (t_loop, m2) = time(runs, || {
        v.iter().fold(f64::MIN, |m, &x| if x > m { x } else { m })
    });
    println!(
        "dense_max_1e7\tlib_s={t_lib:.6}\tloop_s={t_loop:.6}\tratio={:.2}\t({m1} {m2})",
        t_lib / t_loop
    );
    let (t_lib, _) = time(runs, || a.mapv(|x| x.sqrt() * 2.0 + 1.0));
    let (t_loop, _) = time(runs, || {
        v.iter().map(|x| x.sqrt() * 2.0 + 1.0).collect::<Vec<f64>>()
    });
    println!(
        "dense_elementwise_1e7\tlib_s={t_lib:.6}\tloop_s={t_loop:.6}\tratio={:.2}",
        t_lib / t_loop
    );
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let runs: usize = std::env::args()
        .nth(2)
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    match which.as_str() {
        "dask" => dask(runs),
        "overhead" => dask_overhead(runs),
        "sparse" => sparse(runs),
        "dense" => dense(runs),
        _ => {
            sparse(runs);
            dense(runs);
            dask(runs);
        }
    }
}
