//! The seeds' notebook cells, written as a user would type them in a rustc-tier cell
//! (`use accel::prelude::*;` and nothing else). Run: `cargo run -p accel --example seed_cells`.

use accel::prelude::*;

fn main() {
    // seed 000, NumPy section: func_normal
    let mut rng = accel::random::default_rng(0);
    let a = rng.normal(0.0, 1.0, (100, 100));
    let m = a.median().unwrap();
    let mx = a.max().unwrap();
    let trace: f64 = a.diag().mapv(f64::tanh).sum();
    let b = &a.mapv(f64::abs).mapv(f64::sqrt) + trace;
    println!(
        "median={m:.4} max={mx:.4} trace_tanh={trace:.4} b[0,0]={:.4}",
        b[[0, 0]]
    );
    println!("{}", a.slice(s![..3, ..3]).text_plain());

    // seed 000, Sparse section
    let mut x = rng.random((100, 100, 100));
    x.mapv_inplace(|v| if v < 0.9 { 0.0 } else { v });
    let s = Coo::from_dense(&x);
    let y = s.sin() + s.t() * 1;
    println!("{}", y.text_plain());
    println!(
        "{:?}",
        s.maybe_densify(1000, 0.25)
            .map(|_| ())
            .unwrap_err()
            .to_string()
    );
    let mut d = Dok::<f64>::new(&[5, 5]);
    d.set(s![1..3, 1..3], &array![[1.0, 2.0], [3.0, 4.0]])
        .unwrap();
    println!("{}", d.text_plain());

    // seed 000, Dask section
    let x = Chunked::random_normal(10.0, 0.1, (20000, 20000), (1000, 1000), 42);
    println!("{}", x.text_plain());
    let t = std::time::Instant::now();
    let y = x.mean_axis(Axis(0)).slice(s![..;100]).compute();
    println!("len={} y[0]={:.5} in {:?}", y.len(), y[0], t.elapsed());
}
