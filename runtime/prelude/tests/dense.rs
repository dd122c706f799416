//! Dense operations against numpy-produced fixtures (tests/fixtures/make_fixtures.py).

use accel::prelude::*;
use std::path::PathBuf;

fn fx(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}
fn load(name: &str) -> ArrayD<f64> {
    read_npy::<f64>(fx(name)).unwrap()
}
fn close(a: &ArrayD<f64>, b: &ArrayD<f64>) {
    assert_eq!(a.shape(), b.shape(), "shapes differ");
    for (x, y) in a.iter().zip(b.iter()) {
        assert!((x - y).abs() <= 1e-12 * (1.0 + y.abs()), "{a} vs {b}");
    }
}

#[test]
fn reductions_with_axis_match_numpy() {
    let a = load("a.npy");
    for ax in 0..2 {
        let axis = Axis(ax);
        close(&a.sum_axis(axis), &load(&format!("sum_ax{ax}.npy")));
        close(
            &a.mean_axis(axis).unwrap(),
            &load(&format!("mean_ax{ax}.npy")),
        );
        close(&a.std_axis(axis, 0.0), &load(&format!("std_ax{ax}.npy")));
        close(&a.var_axis(axis, 1.0), &load(&format!("var1_ax{ax}.npy")));
        close(
            &a.median_axis(axis).unwrap(),
            &load(&format!("median_ax{ax}.npy")),
        );
        close(
            &a.min_axis(axis).unwrap(),
            &load(&format!("min_ax{ax}.npy")),
        );
        close(
            &a.max_axis(axis).unwrap(),
            &load(&format!("max_ax{ax}.npy")),
        );
        close(&a.product_axis(axis), &load(&format!("prod_ax{ax}.npy")));
        let am = read_npy::<i64>(fx(&format!("argmin_ax{ax}.npy"))).unwrap();
        assert_eq!(a.argmin_axis(axis).unwrap().mapv(|x| x as i64), am);
        let am = read_npy::<i64>(fx(&format!("argmax_ax{ax}.npy"))).unwrap();
        assert_eq!(a.argmax_axis(axis).unwrap().mapv(|x| x as i64), am);
    }
}

#[test]
fn reductions_without_axis_match_numpy() {
    let a = load("a.npy");
    let s = load("scalars.npy");
    let got = [
        a.sum(),
        a.mean().unwrap(),
        a.std(0.0),
        a.var(1.0),
        a.median().unwrap(),
        Reductions::min(&a).unwrap(),
        Reductions::max(&a).unwrap(),
        a.argmin().unwrap() as f64,
        a.argmax().unwrap() as f64,
        a.product(),
    ];
    for (g, e) in got.iter().zip(s.iter()) {
        assert!((g - e).abs() <= 1e-12 * (1.0 + e.abs()), "{got:?} vs {s}");
    }
}

#[test]
fn integer_arrays_promote_to_f64_for_means() {
    let ai = read_npy::<i64>(fx("ai.npy")).unwrap();
    let e = load("ai_mean_var.npy");
    assert_eq!(ai.mean_f64().unwrap(), e[0]);
    assert_eq!(ai.var_f64(0.0).unwrap(), e[1]);
    assert_eq!(ai.median().unwrap(), e[2]);
    assert_eq!(ai.to_f64().sum(), ai.sum() as f64);
}

#[test]
fn empty_reductions_are_errors_with_numpy_text() {
    let e = Array1::<f64>::zeros(0);
    assert_eq!(
        Reductions::max(&e).unwrap_err().to_string(),
        "zero-size array to reduction operation maximum which has no identity"
    );
    assert!(e.argmin().is_err());
    assert!(e.median().is_err());
    assert!(Array2::<f64>::zeros((2, 3)).min_axis(Axis(2)).is_err());
}

#[test]
fn nan_propagates_like_numpy() {
    let a = array![1.0, f64::NAN, 3.0];
    assert!(Reductions::max(&a).unwrap().is_nan());
    assert!(Reductions::min(&a).unwrap().is_nan());
    assert_eq!(a.argmax().unwrap(), 1);
    assert!(a.median().unwrap().is_nan());
}

#[test]
fn broadcasting_arithmetic_and_masks() {
    let a = load("a.npy");
    let b = load("b.npy");
    let c = load("c.npy");
    close(&a.try_add(&b).unwrap(), &load("a_plus_b.npy"));
    close(&a.try_mul(&c).unwrap(), &load("a_times_c.npy"));
    let mask = read_npy::<bool>(fx("a_gt_b.npy")).unwrap();
    assert_eq!(a.gt(&b).unwrap(), mask);
    assert_eq!(a.try_add(&1.0).unwrap(), a.mapv(|x| x + 1.0));
    assert_eq!(
        array![1, 5, 3].ge(&3).unwrap(),
        array![false, true, true].into_dyn()
    );
    assert_eq!(
        array![1.0, 2.0]
            .where_mask(&array![true, false], 0.0)
            .unwrap(),
        array![1.0, 0.0].into_dyn()
    );
}

#[test]
fn broadcast_error_names_both_shapes() {
    let a = Array2::<f64>::zeros((3, 4));
    let b = Array1::<f64>::zeros(5);
    let e = a.try_add(&b).unwrap_err();
    assert_eq!(
        e.to_string(),
        "operands could not be broadcast together with shapes (3,4) (5,)"
    );
    assert_eq!(broadcast_shapes(&[3, 1], &[1, 4]).unwrap(), vec![3, 4]);
    assert_eq!(
        broadcast_shapes(&[2, 1, 3], &[5, 1]).unwrap(),
        vec![2, 5, 3]
    );
}

#[test]
fn matmul_concat_stack_match_numpy() {
    let a = load("a.npy");
    let m = load("m.npy");
    close(&matmul(&a, &m).unwrap(), &load("a_matmul_m.npy"));
    let e = matmul(&m, &m).unwrap_err().to_string();
    assert!(
        e.contains("size 4 is different from 2") && e.contains("(4,2) (4,2)"),
        "{e}"
    );
    let a2 = a.view().into_dimensionality::<Ix2>().unwrap();
    let twice = a2.mapv(|x| x * 2.0);
    close(
        &concatenate(Axis(0), &[a2.view(), twice.view()])
            .unwrap()
            .into_dyn(),
        &load("concat_ax0.npy"),
    );
    let plus = a2.mapv(|x| x + 1.0);
    close(
        &stack(Axis(1), &[a2.view(), plus.view()])
            .unwrap()
            .into_dyn(),
        &load("stack_ax1.npy"),
    );
    let bad = Array2::<f64>::zeros((2, 5));
    let e = concatenate(Axis(0), &[a2.view(), bad.view()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("along dimension 1, the array at index 0 has size 4 and the array at index 1 has size 5"), "{e}");
}

#[test]
fn creation_functions() {
    assert_eq!(linspace(0.0, 1.0, 5), array![0.0, 0.25, 0.5, 0.75, 1.0]);
    assert_eq!(
        arange(0.0, 1.0, 0.25).unwrap(),
        array![0.0, 0.25, 0.5, 0.75]
    );
    assert!(arange(0.0, 1.0, 0.0).is_err());
    assert_eq!(eye(2), array![[1.0, 0.0], [0.0, 1.0]]);
    assert_eq!(try_zeros::<f64>(&[2, 3]).unwrap().shape(), &[2, 3]);
    let a = Array::from_shape_fn((2, 2), |(i, j)| (i * 2 + j) as f64);
    assert_eq!(a, array![[0.0, 1.0], [2.0, 3.0]]);
}

#[test]
fn huge_allocation_is_an_error_naming_the_bytes() {
    let e = try_zeros::<f64>(&[1 << 20, 1 << 20, 1 << 10]).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("9007199254740992 bytes requested"), "{msg}");
    assert!(msg.contains("(1048576, 1048576, 1024)"), "{msg}");
    // fits in the address space but not in this machine: the allocator says no, we say so
    let e = try_zeros::<f64>(&[1 << 45]).unwrap_err().to_string();
    assert!(e.contains("281474976710656 bytes requested"), "{e}");
    // the generator too: an error (try_) or a panic with the same text (catchable), never an abort
    let mut rng = accel::random::default_rng(0);
    let e = rng
        .try_normal(0.0, 1.0, (1 << 22, 1 << 23))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "Unable to allocate 256. TiB for an array with shape (4194304, 8388608) and data type float64 (281474976710656 bytes requested)");
    let e = rng
        .try_integers(0, 5, [1 << 62, 4])
        .unwrap_err()
        .to_string();
    assert!(e.contains("bytes requested") && e.contains("int64"), "{e}");
    for (n, want) in [
        (281474976710656u128, "256. TiB"),
        (3200000000, "2.98 GiB"),
        (9007199254740992, "8.00 PiB"),
        (1000, "1000 bytes"),
        (1048152, "1.00 MiB"),
        (5, "5 bytes"),
        (1 << 70, "1024. EiB"),
        (1536, "1.50 KiB"),
        (0, "0 bytes"),
        (10 * 1024 * 1024 - 3, "10.0 MiB"),
        (99 * 1024 + 1000, "100. KiB"),
        (9 * 1024 + 1020, "10.0 KiB"),
    ] {
        assert_eq!(accel::display::human::gib(n), want, "{n}"); // numpy's _size_to_string
    }
    let p = std::panic::catch_unwind(move || rng.random((1usize << 40, 1usize << 10))).unwrap_err();
    let msg = p.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("(9007199254740992 bytes requested)"), "{msg}");
}

#[test]
fn random_generator_is_deterministic_and_has_the_right_moments() {
    let mut r1 = accel::random::default_rng(42);
    let mut r2 = accel::random::default_rng(42);
    assert_eq!(r1.random((3, 4)), r2.random((3, 4)));
    let mut r = accel::random::default_rng(7);
    let n = 400_000;
    let x = r.normal(10.0, 2.0, n);
    let m = x.mean().unwrap();
    let sd = x.std(0.0);
    assert!((m - 10.0).abs() < 0.02, "mean {m}");
    assert!((sd - 2.0).abs() < 0.02, "std {sd}");
    // tails: P(|z| > 3) = 0.0027 (exercises the ziggurat's tail and wedges)
    let tail = x.iter().filter(|v| ((*v - 10.0) / 2.0).abs() > 3.0).count() as f64 / n as f64;
    assert!((tail - 0.0027).abs() < 0.0006, "tail {tail}");
    // standard normal CDF at a few points
    let z = r.standard_normal(n);
    for (q, p) in [
        (-1.0, 0.158655),
        (0.0, 0.5),
        (0.5, 0.691462),
        (2.0, 0.977250),
    ] {
        let f = z.iter().filter(|&&v| v < q).count() as f64 / n as f64;
        assert!((f - p).abs() < 0.003, "P(z<{q}) = {f}, want {p}");
    }
    let u = r.uniform(-1.0, 1.0, 100_000);
    assert!(Reductions::min(&u).unwrap() >= -1.0 && Reductions::max(&u).unwrap() < 1.0);
    let i = r.integers(3, 6, 10_000);
    assert!(i.iter().all(|&v| (3..6).contains(&v)));
    for k in 3..6 {
        let c = i.iter().filter(|&&v| v == k).count();
        assert!((3000..3700).contains(&c), "{k}: {c}");
    }
    assert!(r.try_integers(5, 5, 3).is_err());
    let mut p = r.permutation(10).to_vec();
    p.sort();
    assert_eq!(p, (0..10).collect::<Vec<_>>());
}
