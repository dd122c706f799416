//! Sparse formats: constructors, conversions, elementwise ops, reductions, products — checked
//! against hand-computed values and against the same computation on the dense array.

use accel::prelude::*;
use accel::sparse::{random, Sparse};
use std::collections::HashMap;

fn seed_array() -> ArrayD<f64> {
    let mut rng = accel::random::default_rng(42);
    let mut a = rng.random((20, 30, 40)).into_dyn();
    a.mapv_inplace(|x| if x < 0.9 { 0.0 } else { x });
    a
}

#[test]
fn from_dense_round_trips_and_counts() {
    let a = array![[0.0, 1.5, 0.0], [2.0, 0.0, -3.0]];
    let s = Coo::from_dense(&a);
    assert_eq!(s.nnz(), 3);
    assert_eq!(s.coords(), &[vec![0, 1, 1], vec![1, 0, 2]]);
    assert_eq!(s.data(), &[1.5, 2.0, -3.0]);
    assert_eq!(s.density(), 0.5);
    assert_eq!(s.nbytes(), 3 * (8 + 16));
    assert_eq!(s.to_dense().unwrap(), a.clone().into_dyn());
    assert_eq!(s.get(&[1, 2]).unwrap(), -3.0);
    assert_eq!(s.get(&[0, 0]).unwrap(), 0.0);
    assert!(s.get(&[2, 0]).is_err());
    let big = seed_array();
    assert_eq!(Coo::from_dense(&big).to_dense().unwrap(), big);
}

#[test]
fn constructors_sum_duplicates() {
    // the seed's list of (index, value) with a repeated index
    let s = Coo::from_entries(
        &[3, 3],
        [
            ([0usize, 1], 1.0),
            ([2, 2], 4.0),
            ([0, 1], 2.5),
            ([1, 0], -1.0),
        ],
    )
    .unwrap();
    assert_eq!(s.nnz(), 3);
    assert_eq!(s.get(&[0, 1]).unwrap(), 3.5);
    let c = Coo::new(
        vec![vec![0, 2, 0], vec![1, 2, 1]],
        vec![1.0, 4.0, 2.5],
        &[3, 3],
    )
    .unwrap();
    assert_eq!(
        c.to_dense().unwrap(),
        array![[0.0, 3.5, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 4.0]].into_dyn()
    );
    let mut m = HashMap::new();
    m.insert(vec![1usize, 1], 7.0);
    m.insert(vec![0usize, 2], 1.0);
    let d = Coo::from_map(&[2, 3], &m).unwrap();
    assert_eq!(
        d.to_dense().unwrap(),
        array![[0.0, 0.0, 1.0], [0.0, 7.0, 0.0]].into_dyn()
    );
    let e = Coo::new(vec![vec![5], vec![0]], vec![1.0], &[3, 3])
        .unwrap_err()
        .to_string();
    assert_eq!(e, "index 5 is out of bounds for axis 0 with size 3");
}

#[test]
fn elementwise_ops_keep_sparsity_and_match_dense() {
    let a = seed_array();
    let s = Coo::from_dense(&a);
    let st = s.t();
    assert_eq!(st.shape(), &[40, 30, 20]);
    let cube = Coo::from_dense(&seed_array().slice(s![..20, ..20, ..20]).to_owned());
    // the seed's expression on a cube (so that s.T has the same shape)
    let y = cube.sin() + cube.t() * 1;
    let d = cube.to_dense().unwrap();
    let want = d.mapv(f64::sin) + d.t();
    assert_eq!(y.to_dense().unwrap(), want);
    assert_eq!(y.fill_value(), 0.0);
    assert!(y.nnz() <= 2 * cube.nnz());
    // fill value follows the op: s + 1 is dense-valued with fill 1
    let p = &cube + 1.0;
    assert_eq!(p.fill_value(), 1.0);
    assert_eq!(p.nnz(), cube.nnz());
    // broadcasting sparse with sparse
    let row = Coo::from_dense(&array![[1.0, 0.0, 2.0]]);
    let m = Coo::from_dense(&array![[0.0, 1.0, 0.0], [3.0, 0.0, 0.0]]);
    assert_eq!(
        (&m + &row).to_dense().unwrap(),
        array![[1.0, 1.0, 2.0], [4.0, 0.0, 2.0]].into_dyn()
    );
    let e = m
        .try_add(&Coo::from_dense(&array![1.0, 2.0]))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "operands could not be broadcast together with shapes (2,3) (2,)"
    );
}

#[test]
fn reductions_match_dense() {
    let a = seed_array();
    let s = Coo::from_dense(&a);
    assert!((s.sum() - a.sum()).abs() < 1e-9);
    assert!((s.mean() - a.mean().unwrap()).abs() < 1e-12);
    for ax in 0..3 {
        let got = s.sum_axis(Axis(ax)).unwrap().to_dense().unwrap();
        let want = a.sum_axis(Axis(ax));
        assert!(got
            .iter()
            .zip(want.iter())
            .all(|(x, y)| (x - y).abs() < 1e-12));
        assert_eq!(
            s.max_axis(Axis(ax)).unwrap().to_dense().unwrap(),
            a.max_axis(Axis(ax)).unwrap()
        );
    }
    // all-negative data: the implicit zeros win the max, lose the min
    let n = Coo::from_dense(&array![[-1.0, 0.0], [-2.0, -3.0]]);
    assert_eq!(n.max().unwrap(), 0.0);
    assert_eq!(n.min().unwrap(), -3.0);
    assert_eq!(
        n.max_axis(Axis(1)).unwrap().to_dense().unwrap(),
        array![0.0, -2.0].into_dyn()
    );
    assert_eq!(
        n.mean_axis(Axis(0)).unwrap().to_dense().unwrap(),
        array![-1.5, -1.5].into_dyn()
    );
    assert!(n.sum_axis(Axis(2)).is_err());
}

#[test]
fn formats_convert_both_ways() {
    let a = array![
        [0.0, 1.0, 0.0, 2.0],
        [0.0, 0.0, 0.0, 0.0],
        [3.0, 0.0, 4.0, 0.0]
    ];
    let s = Coo::from_dense(&a);
    let csr = s.to_csr().unwrap();
    assert_eq!(csr.indptr(), &[0, 2, 2, 4]);
    assert_eq!(csr.indices(), &[1, 3, 0, 2]);
    assert_eq!(csr.data(), &[1.0, 2.0, 3.0, 4.0]);
    let csc = s.to_csc().unwrap();
    assert_eq!(csc.indptr(), &[0, 1, 2, 3, 4]);
    assert_eq!(csc.indices(), &[2, 0, 2, 0]);
    assert_eq!(csc.data(), &[3.0, 1.0, 4.0, 2.0]);
    for f in ["coo", "csr", "csc", "dok"] {
        let x = s.asformat(f).unwrap();
        assert_eq!(x.format(), f);
        assert_eq!(x.to_dense().unwrap(), a.clone().into_dyn(), "{f}");
        for g in ["coo", "csr", "csc", "dok"] {
            assert_eq!(
                x.asformat(g).unwrap().to_dense().unwrap(),
                a.clone().into_dyn(),
                "{f}->{g}"
            );
        }
    }
    assert!(s.asformat("bsr").is_err());
    let three_d = Coo::from_dense(&seed_array());
    assert!(three_d
        .to_csr()
        .unwrap_err()
        .to_string()
        .contains("needs a 2-d array"));
    assert!(matches!(three_d.asformat("dok").unwrap(), Sparse::Dok(_)));
    assert_eq!(csr.t().to_dense().unwrap(), a.t().to_owned().into_dyn());
}

#[test]
fn dok_slice_assignment() {
    let mut d = Dok::<f64>::new(&[4, 4]);
    d.set(s![1..3, 1..3], &array![[1.0, 2.0], [3.0, 0.0]])
        .unwrap();
    assert_eq!(d.nnz(), 3);
    assert_eq!(d.get(&[2, 1]).unwrap(), 3.0);
    d.set(s![0, ..;2], &array![9.0, 8.0]).unwrap();
    assert_eq!(
        d.to_dense().unwrap(),
        array![
            [9.0, 0.0, 8.0, 0.0],
            [0.0, 1.0, 2.0, 0.0],
            [0.0, 3.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0]
        ]
        .into_dyn()
    );
    // writing the fill value removes the key; a scalar broadcasts
    d.set(s![1..3, 1..3], &ndarray::arr0(0.0)).unwrap();
    assert_eq!(d.nnz(), 2);
    d.insert(&[3, 3], 5.0).unwrap();
    assert_eq!(d.to_coo().get(&[3, 3]).unwrap(), 5.0);
    let e = d
        .set(s![0..2, 0..2], &array![1.0, 2.0, 3.0])
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "could not broadcast input array from shape (3,) into shape (2, 2)"
    );
    assert!(d.insert(&[4, 0], 1.0).is_err());
    assert!(d.set(s![5, ..], &array![1.0]).is_err());
    // n-d DOK
    let mut d3 = Dok::<f64>::new(&[2, 3, 4]);
    d3.set(s![1, .., 3], &array![1.0, 2.0, 3.0]).unwrap();
    assert_eq!(d3.get(&[1, 2, 3]).unwrap(), 3.0);
}

#[test]
fn sparse_times_dense() {
    let a = array![
        [0.0, 1.0, 0.0, 2.0],
        [0.0, 0.0, 0.0, 0.0],
        [3.0, 0.0, 4.0, 0.0]
    ];
    let b = Array2::from_shape_fn((4, 3), |(i, j)| (i * 3 + j) as f64 - 2.0);
    let s = Coo::from_dense(&a);
    assert_eq!(s.dot_dense(&b).unwrap(), a.dot(&b));
    assert_eq!(s.to_csc().unwrap().dot_dense(&b).unwrap(), a.dot(&b));
    let x = array![1.0, -1.0, 2.0, 0.5];
    assert_eq!(s.to_csr().unwrap().dot_vec(&x).unwrap(), a.dot(&x));
    assert!(s.dot_dense(&Array2::<f64>::zeros((3, 3))).is_err());
    // big enough to take the parallel path
    let r = random(&[300, 200], 0.05, 3).unwrap();
    let bd = Array2::from_shape_fn((200, 50), |(i, j)| ((i + 2 * j) % 7) as f64);
    let want = r
        .to_dense()
        .unwrap()
        .into_dimensionality::<Ix2>()
        .unwrap()
        .dot(&bd);
    let got = r.dot_dense(&bd).unwrap();
    assert!(got
        .iter()
        .zip(want.iter())
        .all(|(x, y)| (x - y).abs() < 1e-9));
}

#[test]
fn random_and_maybe_densify() {
    let r = random(&[100, 100], 0.1, 7).unwrap();
    assert_eq!(r.nnz(), 1000);
    assert_eq!(r, random(&[100, 100], 0.1, 7).unwrap());
    assert!(r.data().iter().all(|&v| (0.0..1.0).contains(&v)));
    let dense_ok = random(&[10, 10], 0.5, 1).unwrap();
    assert_eq!(dense_ok.nnz(), 50);
    // pydata's rule: refuse when size > max_size AND density < min_density
    let e = r.maybe_densify(1000, 0.25).unwrap_err().to_string();
    assert_eq!(
        e,
        "Operation would require converting large sparse array to dense"
    );
    assert!(r.maybe_densify(10_000, 0.25).is_ok());
    assert!(r.maybe_densify(10, 0.05).is_ok());
    assert!(random(&[3], 1.5, 0).is_err());
    // a dense array larger than memory is an error, not an abort
    let huge = Coo::from_entries(&[1 << 30, 1 << 30], [([0usize, 0], 1.0)]).unwrap();
    let e = huge.to_dense().unwrap_err().to_string();
    assert!(e.contains("bytes requested"), "{e}");
    let row = Coo::from_dense(&Array2::from_elem((1, 1000), 1.0));
    let e = row.broadcast_to(&[1 << 30, 1000]).unwrap_err().to_string();
    assert!(e.contains("bytes requested"), "{e}");
}

#[test]
fn reshape_and_transpose_axes() {
    let a = seed_array();
    let s = Coo::from_dense(&a);
    let t = s.transpose(&[1, 0, 2]).unwrap();
    assert_eq!(
        t.to_dense().unwrap(),
        a.view().permuted_axes(vec![1, 0, 2]).to_owned()
    );
    assert!(s.transpose(&[0, 0, 1]).is_err());
    let r = s.reshape(&[600, 40]).unwrap();
    assert_eq!(
        r.to_dense().unwrap(),
        a.to_shape((600, 40)).unwrap().to_owned().into_dyn()
    );
    assert!(s.reshape(&[7, 7]).is_err());
}
