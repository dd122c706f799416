//! Chunked arrays: every lazy operation against the same computation done densely.

use accel::chunked::{Boundary, Chunks};
use accel::prelude::*;

fn close(a: &ArrayD<f64>, b: &ArrayD<f64>, tol: f64) {
    assert_eq!(a.shape(), b.shape());
    for (x, y) in a.iter().zip(b.iter()) {
        assert!(
            (x - y).abs() <= tol * (1.0 + y.abs()) || (x.is_nan() && y.is_nan()),
            "{x} vs {y}"
        );
    }
}

fn data() -> ArrayD<f64> {
    let mut rng = accel::random::default_rng(3);
    rng.normal(1.0, 2.0, (37, 23)).into_dyn()
}

#[test]
fn chunk_specs() {
    let a = data();
    let x = Chunked::from_array(&a, (10, 10));
    assert_eq!(x.chunks(), &[vec![10, 10, 10, 7], vec![10, 10, 3]]);
    let x = Chunked::from_array(&a, 16);
    assert_eq!(x.chunks(), &[vec![16, 16, 5], vec![16, 7]]);
    let x = Chunked::from_array(&a, vec![vec![30, 7], vec![23]]);
    assert_eq!(x.npartitions(), 2);
    let x = Chunked::zeros((20000, 20000), "64 MB");
    let cs = x.chunksize();
    assert!(
        cs.iter().product::<usize>() * 8 <= 64_000_000
            && cs.iter().product::<usize>() * 8 > 32_000_000,
        "{cs:?}"
    );
    assert_eq!(
        Chunked::zeros((10, 10), "auto").chunks(),
        &[vec![10], vec![10]]
    );
    assert_eq!(
        Chunked::zeros(1000, Chunks::Bytes(800)).chunks(),
        &[vec![100; 10]]
    );
    // bad specs are errors that say what is wrong
    let e = Chunked::from_array(&a, (10, 0))
        .try_compute()
        .unwrap_err()
        .to_string();
    assert!(e.contains("must be positive"), "{e}");
    let e = Chunked::from_array(&a, (10,)).error().unwrap().to_string();
    assert!(e.contains("same number of dimensions"), "{e}");
    let e = Chunked::from_array(&a, vec![vec![30, 8], vec![23]])
        .error()
        .unwrap()
        .to_string();
    assert_eq!(e, "chunks (30, 8) do not add up to shape 37 along axis 0");
    let e = Chunked::zeros((20000, 20000), 1)
        .sum()
        .try_compute()
        .unwrap_err()
        .to_string();
    assert!(e.contains("400000000 chunks"), "{e}");
    let e = Chunked::zeros(10, "64 parsecs")
        .error()
        .unwrap()
        .to_string();
    assert!(e.contains("could not parse chunk size"), "{e}");
}

#[test]
fn compute_round_trips_and_elementwise_matches_dense() {
    let a = data();
    let x = Chunked::from_array(&a, (10, 7));
    assert_eq!(x.compute(), a);
    let y = (&x * 2.0 + x.sin() - 1.0) / (x.abs() + 1.0);
    let want = (&a * 2.0 + a.mapv(f64::sin) - 1.0) / (a.mapv(f64::abs) + 1.0);
    close(&y.compute(), &want, 1e-15);
    close(
        &(2.0 - &x).powi(2).compute(),
        &a.mapv(|v| (2.0 - v).powi(2)),
        1e-15,
    );
    close(
        &x.mapv(|v| v.max(0.0)).compute(),
        &a.mapv(|v| v.max(0.0)),
        0.0,
    );
    close(&(-&x).exp().compute(), &a.mapv(|v| (-v).exp()), 1e-15);
}

#[test]
fn broadcasting_with_different_chunks() {
    let a = data();
    let row = Array1::from_shape_fn(23, |j| j as f64 * 0.5).into_dyn();
    let col = Array2::from_shape_fn((37, 1), |(i, _)| i as f64).into_dyn();
    let x = Chunked::from_array(&a, (10, 10));
    let r = Chunked::from_array(&row, 6);
    let c = Chunked::from_array(&col, (4, 1));
    let y = &(&x + &r) * &c;
    // boundaries of both operands: 0,10,20,30,37 and 0,4,8,…,36,37
    assert_eq!(y.chunks()[0], vec![4, 4, 2, 2, 4, 4, 4, 4, 2, 2, 4, 1]);
    close(&y.compute(), &((&a + &row) * &col), 1e-15);
    let bad = Chunked::from_array(&Array1::<f64>::zeros(5), 5);
    let e = (&x + &bad).try_compute().unwrap_err().to_string();
    assert_eq!(
        e,
        "operands could not be broadcast together with shapes (37,23) (5,)"
    );
    assert!(x.try_add(&bad).is_err());
    close(
        &x.maximum(&r).compute(),
        &ndarray::Zip::from(&a)
            .and_broadcast(&row)
            .map_collect(|&p, &q| p.max(q)),
        0.0,
    );
}

#[test]
fn reductions_match_dense() {
    let a = data();
    let x = Chunked::from_array(&a, (8, 5));
    close(&x.sum_axis(Axis(0)).compute(), &a.sum_axis(Axis(0)), 1e-13);
    close(
        &x.mean_axis(Axis(1)).compute(),
        &a.mean_axis(Axis(1)).unwrap(),
        1e-13,
    );
    close(
        &x.var_axis(Axis(0), 1.0).compute(),
        &a.var_axis(Axis(0), 1.0),
        1e-12,
    );
    close(
        &x.std_axis(Axis(1), 0.0).compute(),
        &a.std_axis(Axis(1), 0.0),
        1e-12,
    );
    close(
        &x.max_axis(Axis(0)).compute(),
        &a.max_axis(Axis(0)).unwrap(),
        0.0,
    );
    close(
        &x.min_axis(Axis(1)).compute(),
        &a.min_axis(Axis(1)).unwrap(),
        0.0,
    );
    assert!((x.sum().compute_scalar() - a.sum()).abs() < 1e-10);
    assert!((x.mean().compute_scalar() - a.mean().unwrap()).abs() < 1e-13);
    assert!((x.std(0.0).compute_scalar() - a.std(0.0)).abs() < 1e-12);
    assert_eq!(x.max().compute_scalar(), Reductions::max(&a).unwrap());
    // zero-length axes: sums are 0 like numpy, min/max have no identity
    let z = Chunked::zeros((0, 5), 5);
    assert_eq!(
        z.sum_axis(Axis(0)).compute(),
        ArrayD::<f64>::zeros(IxDyn(&[5]))
    );
    assert_eq!(z.sum().compute_scalar(), 0.0);
    assert!(z.max_axis(Axis(0)).try_compute().is_err());
    assert_eq!(z.max_axis(Axis(1)).compute().shape(), &[0]);
    // mean/var/std over nothing are NaN, as numpy's and dask's (`np.var(np.zeros((0, 5)), axis=0)`)
    for r in [
        z.mean_axis(Axis(0)),
        z.var_axis(Axis(0), 0.0),
        z.std_axis(Axis(0), 1.0),
    ] {
        let v = r.compute();
        assert_eq!(v.shape(), &[5]);
        assert!(v.iter().all(|x| x.is_nan()), "{v}");
    }
    assert!(z.var(0.0).compute_scalar().is_nan() && z.mean().compute_scalar().is_nan());
    assert!(z.min().try_compute().is_err());
    // a reduction over a non-empty axis of an array with another empty axis is empty, not NaN
    assert_eq!(z.var_axis(Axis(1), 0.0).compute().shape(), &[0]);
    let e = x.sum_axis(Axis(2)).try_compute().unwrap_err().to_string();
    assert_eq!(e, "axis 2 is out of bounds for array of dimension 2");
    // 3-d, reduce the middle axis
    let mut rng = accel::random::default_rng(9);
    let b = rng.random((6, 9, 5)).into_dyn();
    let y = Chunked::from_array(&b, (4, 2, 3)).mean_axis(Axis(1));
    close(&y.compute(), &b.mean_axis(Axis(1)).unwrap(), 1e-14);
}

#[test]
fn slicing_with_steps_matches_ndarray() {
    let a = data();
    let x = Chunked::from_array(&a, (10, 6));
    close(
        &x.slice(s![..;3, 1..;2]).compute(),
        &a.slice(s![..;3, 1..;2]).to_owned().into_dyn(),
        0.0,
    );
    close(
        &x.slice(s![5..30;-4, ..]).compute(),
        &a.slice(s![5..30;-4, ..]).to_owned().into_dyn(),
        0.0,
    );
    close(
        &x.slice(s![-1, 2..9]).compute(),
        &a.slice(s![-1, 2..9]).to_owned().into_dyn(),
        0.0,
    );
    close(
        &x.slice(s![3..3, ..]).compute(),
        &a.slice(s![3..3, ..]).to_owned().into_dyn(),
        0.0,
    );
    let y = x.slice(s![..;10, ..]);
    assert_eq!(y.chunks()[0], vec![1, 1, 1, 1]);
    let e = x.slice(s![40, ..]).try_compute().unwrap_err().to_string();
    assert_eq!(e, "index 40 is out of bounds for axis 0 with size 37");
    assert!(x.slice(s![..50, ..]).try_compute().is_err());
    // slice of a reduction (the seed's shape of computation)
    close(
        &x.mean_axis(Axis(0)).slice(s![..;5]).compute(),
        &a.mean_axis(Axis(0))
            .unwrap()
            .slice(s![..;5])
            .to_owned()
            .into_dyn(),
        1e-13,
    );
}

#[test]
fn map_blocks_and_overlap() {
    let a = data();
    let x = Chunked::from_array(&a, (10, 8));
    let y = x.map_blocks(|b| b.mapv(|v| v * v) + 1.0);
    close(&y.compute(), &a.mapv(|v| v * v + 1.0), 1e-15);
    // a 1-d three-point stencil with zero boundary, computed blockwise with overlap
    let v = Array1::from_shape_fn(50, |i| ((i * 7) % 11) as f64).into_dyn();
    let c = Chunked::from_array(&v, 12);
    let stencil = |b: ArrayViewD<f64>| {
        let n = b.len();
        ArrayD::from_shape_fn(b.raw_dim(), |i| {
            let k = i[0];
            if k == 0 || k + 1 == n {
                b[[k]]
            } else {
                b[[k - 1]] + b[[k]] + b[[k + 1]]
            }
        })
    };
    let got = c
        .map_overlap(&[1], Boundary::Constant(0.0), stencil)
        .compute();
    let want = Array1::from_shape_fn(50, |k| {
        let g = |j: isize| {
            if !(0..50).contains(&j) {
                0.0
            } else {
                v[[j as usize]]
            }
        };
        g(k as isize - 1) + g(k as isize) + g(k as isize + 1)
    });
    close(&got, &want.into_dyn(), 0.0);
    // a function that changes the block shape is reported
    let bad = x.map_blocks(|b| b.slice(s![..1, ..]).to_owned().into_dyn());
    assert!(bad
        .try_compute()
        .unwrap_err()
        .to_string()
        .contains("map_blocks function returned shape"));
    // reduction over map_blocks (blocks are never cut below their size)
    close(
        &y.sum_axis(Axis(0)).compute(),
        &a.mapv(|v| v * v + 1.0).sum_axis(Axis(0)),
        1e-12,
    );
}

#[test]
fn random_is_deterministic_and_independent_of_scheduling() {
    let x = Chunked::random_normal(10.0, 0.1, (300, 200), (100, 50), 42);
    let a = x.compute();
    assert_eq!(a, x.compute());
    // a region computed through a slice equals the same region of the whole
    close(
        &x.slice(s![17..123, 33..190]).compute(),
        &a.slice(s![17..123, 33..190]).to_owned().into_dyn(),
        0.0,
    );
    let m = a.mean().unwrap();
    assert!((m - 10.0).abs() < 0.001, "{m}");
    assert!((a.std(0.0) - 0.1).abs() < 0.002);
    assert_ne!(
        a,
        Chunked::random_normal(10.0, 0.1, (300, 200), (100, 50), 43).compute()
    );
    let u = Chunked::random((1000,), 100, 1).compute();
    assert!(u.iter().all(|&v| (0.0..1.0).contains(&v)));
}

#[test]
fn npy_source_and_store() {
    let dir = std::env::temp_dir().join(format!("accel-chunked-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = data();
    let p = dir.join("a.npy");
    write_npy(&p, &a).unwrap();
    let x = Chunked::from_npy(&p, (9, 9));
    assert_eq!(x.compute(), a);
    close(
        &x.mean_axis(Axis(0)).compute(),
        &a.mean_axis(Axis(0)).unwrap(),
        1e-13,
    );
    // float32 file, converted on read
    let f = a.mapv(|v| v as f32);
    let pf = dir.join("f.npy");
    write_npy(&pf, &f).unwrap();
    assert_eq!(
        Chunked::from_npy(&pf, "1 kB").compute(),
        f.mapv(|v| v as f64)
    );
    // store streams blocks into a .npy that numpy (and read_npy) can read
    let out = dir.join("out.npy");
    (Chunked::from_npy(&p, (10, 4)) * 2.0).store(&out).unwrap();
    assert_eq!(read_npy::<f64>(&out).unwrap(), &a * 2.0);
    let e = Chunked::from_npy(dir.join("nope.npy"), 5)
        .try_compute()
        .unwrap_err()
        .to_string();
    assert!(e.contains("nope.npy"), "{e}");
}

#[test]
fn seed_example_small() {
    let x = Chunked::random_normal(10.0, 0.1, (2000, 2000), (500, 500), 42);
    let lazy = x.mean_axis(Axis(0)).slice(s![..;100]);
    // 16 source chunks + (4 + 16 partials) for the mean + 4 for the slice; built across statements
    // (and, in evcxr, across cells with their own copies of the crate's statics) nodes stay distinct
    assert_eq!(lazy.task_count(), 40);
    assert_eq!(lazy.layer_count(), 3);
    assert_eq!(
        lazy.visualize()
            .as_str()
            .matches("class=\"accel-layer\"")
            .count(),
        3
    );
    let y = lazy.compute();
    assert_eq!(y.shape(), &[20]);
    let full = x.compute().mean_axis(Axis(0)).unwrap();
    close(&y, &full.slice(s![..;100]).to_owned().into_dyn(), 1e-13);
}

#[test]
fn transpose_newaxis_and_lennard_jones() {
    let a = data();
    let x = Chunked::from_array(&a, (10, 7));
    assert_eq!(x.t().compute(), a.t().to_owned());
    close(
        &x.t().sum_axis(Axis(0)).compute(),
        &a.sum_axis(Axis(1)),
        1e-13,
    );
    assert!(x.permuted_axes(&[0, 0]).error().is_some());
    // seed 004: pairwise Lennard-Jones energy over a chunked array of positions
    let mut rng = accel::random::default_rng(5);
    let pos = rng.uniform(0.0, 5.0, (40, 3)).into_dyn();
    let p = Chunked::from_array(&pos, (10, 3));
    let diff = p.slice(s![.., NewAxis, ..]) - p.slice(s![NewAxis, .., ..]);
    assert_eq!(diff.shape(), &[40, 40, 3]);
    let r2 = (&diff * &diff).sum_axis(Axis(2));
    let lj = r2.mapv(|r2| {
        if r2 == 0.0 {
            0.0
        } else {
            4.0 * ((1.0 / r2).powi(6) - (1.0 / r2).powi(3))
        }
    });
    let got = lj.sum().compute_scalar() / 2.0;
    let mut want = 0.0;
    for i in 0..40 {
        for j in 0..40 {
            if i != j {
                let r2: f64 = (0..3).map(|k| (pos[[i, k]] - pos[[j, k]]).powi(2)).sum();
                want += 4.0 * ((1.0 / r2).powi(6) - (1.0 / r2).powi(3));
            }
        }
    }
    assert!(
        (got - want / 2.0).abs() <= 1e-9 * want.abs().max(1.0),
        "{got} vs {}",
        want / 2.0
    );
}

#[test]
fn concatenate_many_npy_files() {
    let dir = std::env::temp_dir().join(format!("accel-concat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = data();
    let mut parts = vec![];
    for (k, (lo, hi)) in [(0, 10), (10, 25), (25, 37)].into_iter().enumerate() {
        let p = dir.join(format!("part{k}.npy"));
        write_npy(&p, &a.slice(s![lo..hi, ..]).mapv(|v| v as f32)).unwrap();
        parts.push(Chunked::from_npy(&p, (8, 23)));
    }
    let x = Chunked::concatenate(&parts, Axis(0));
    assert_eq!(x.shape(), &[37, 23]);
    assert_eq!(x.chunks()[0], vec![8, 2, 8, 7, 8, 4]);
    let want = a.mapv(|v| v as f32 as f64);
    assert_eq!(x.compute(), want);
    close(
        &x.mean_axis(Axis(0)).compute(),
        &want.mean_axis(Axis(0)).unwrap(),
        1e-13,
    );
    let bad = Chunked::concatenate(&[x.clone(), Chunked::zeros((2, 5), 2)], Axis(0));
    assert!(bad
        .error()
        .unwrap()
        .to_string()
        .contains("must match exactly"));
}

#[test]
fn stack_adds_an_axis_like_numpy() {
    let a = data();
    let b = a.mapv(|v| v * 2.0 - 1.0);
    let (x, y) = (
        Chunked::from_array(&a, (10, 7)),
        Chunked::from_array(&b, (8, 5)),
    );
    for ax in 0..3 {
        let s = Chunked::stack(&[x.clone(), y.clone(), x.clone()], Axis(ax));
        let want = ndarray::stack(Axis(ax), &[a.view(), b.view(), a.view()]).unwrap();
        assert_eq!(s.shape(), want.shape());
        assert_eq!(s.chunks()[ax], vec![1, 1, 1]);
        assert_eq!(s.compute(), want, "axis {ax}");
    }
    // the other axes' chunks are unified, as concatenate does
    assert_eq!(
        Chunked::stack(&[x.clone(), y.clone()], Axis(0)).chunks()[1],
        vec![8, 2, 6, 4, 4, 6, 2, 5]
    );
    let e = |c: Chunked| c.error().unwrap().to_string();
    assert!(e(Chunked::stack(&[x.clone(), x.t()], Axis(0)))
        .contains("all input arrays must have the same shape"));
    assert!(e(Chunked::stack(&[x.clone()], Axis(3)))
        .contains("axis 3 is out of bounds for array of dimension 3"));
    assert!(e(Chunked::stack(&[], Axis(0))).contains("need at least one array"));
}

#[test]
fn rechunk_keeps_values_and_takes_every_spec() {
    let a = data();
    let x = Chunked::from_array(&a, (10, 7));
    let y = x.rechunk((16, 5));
    assert_eq!(y.chunks(), &[vec![16, 16, 5], vec![5, 5, 5, 5, 3]]);
    assert_eq!(y.compute(), a);
    close(&y.sum_axis(Axis(1)).compute(), &a.sum_axis(Axis(1)), 1e-13);
    assert_eq!(x.rechunk(vec![vec![37], vec![20, 3]]).compute(), a);
    let b = x.rechunk("1 kB"); // 125 f64 per chunk at most
    assert!(
        b.chunksize().iter().product::<usize>() <= 125,
        "{:?}",
        b.chunksize()
    );
    assert_eq!(b.compute(), a);
    // same chunks: no new layer
    assert_eq!(x.rechunk((10, 7)).layer_count(), x.layer_count());
    // across map_blocks blocks (which can only be computed whole): each new chunk is pasted
    // together from the pieces of the old blocks it covers
    let stencil = x.map_blocks(|b| b.mapv(|v| v * 2.0 + 1.0));
    assert_eq!(
        stencil.rechunk((15, 23)).compute(),
        a.mapv(|v| v * 2.0 + 1.0)
    );
    close(
        &stencil.rechunk((15, 23)).mean().compute(),
        &ndarray::arr0(a.mapv(|v| v * 2.0 + 1.0).mean().unwrap()).into_dyn(),
        1e-13,
    );
    // bad specs are errors
    let e = x.rechunk((0, 5)).try_compute().unwrap_err().to_string();
    assert!(e.contains("must be positive"), "{e}");
    let e = x
        .rechunk(vec![vec![30], vec![23]])
        .error()
        .unwrap()
        .to_string();
    assert_eq!(e, "chunks (30,) do not add up to shape 37 along axis 0");
    assert!(x
        .rechunk("lots")
        .error()
        .unwrap()
        .to_string()
        .contains("could not parse chunk size"));
}

#[test]
fn ragged_chunks_and_out_of_range_slices() {
    let a = data();
    let x = Chunked::from_array(&a, (8, 8)); // 37 = 8·4 + 5, 23 = 8·2 + 7
    assert_eq!(x.chunks(), &[vec![8, 8, 8, 8, 5], vec![8, 8, 7]]);
    close(
        &x.std_axis(Axis(0), 1.0).compute(),
        &a.std_axis(Axis(0), 1.0),
        1e-12,
    );
    assert_eq!(
        x.slice(s![-5.., ..;-7]).compute(),
        a.slice(s![-5.., ..;-7]).to_owned().into_dyn()
    );
    let e = x.slice(s![0..40, ..]).error().unwrap().to_string();
    assert_eq!(e, "slice 0..40 is out of range for axis 0 with size 37");
    let e = x.slice(s![.., 23]).error().unwrap().to_string();
    assert_eq!(e, "index 23 is out of bounds for axis 1 with size 23");
    assert!(x
        .slice(s![.., .., 0])
        .error()
        .unwrap()
        .to_string()
        .contains("too many indices"));
}

#[test]
fn blocked_mean_of_float32_chunks_on_disk() {
    // seed 004's exercise at test size: float32 data stored on disk as several .npy files, one
    // array over all of them, blocked sum and mean in f64
    let dir = std::env::temp_dir().join(format!("accel-blocked-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = accel::random::default_rng(11);
    let mut parts = vec![];
    let mut all = vec![];
    for k in 0..4 {
        let block = rng.random(25_000).mapv(|v| v as f32);
        let p = dir.join(format!("block{k}.npy"));
        write_npy(&p, &block).unwrap();
        all.extend(block.iter().map(|&v| v as f64));
        parts.push(Chunked::from_npy(&p, "20 kB"));
    }
    let x = Chunked::concatenate(&parts, Axis(0));
    assert_eq!(x.shape(), &[100_000]);
    assert_eq!(x.chunks()[0][0], 5000); // 20 kB of float32
    let want_sum: f64 = all.iter().sum();
    assert!((x.sum().compute_scalar() - want_sum).abs() < 1e-9 * want_sum);
    assert!((x.mean().compute_scalar() - want_sum / 1e5).abs() < 1e-12);
}
