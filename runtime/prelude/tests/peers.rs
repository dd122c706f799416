//! Sparse and chunked results against pydata/sparse and dask themselves: the expected values were
//! produced by `fixtures/make_peer_fixtures.py` and are read here with accel's `.npz` reader.

use accel::io::NpzReader;
use accel::prelude::*;
use accel::sparse::Sparse;
use std::path::PathBuf;

fn open(name: &str) -> NpzReader {
    NpzReader::open(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

fn close(got: &ArrayD<f64>, want: &ArrayD<f64>) {
    assert_eq!(got.shape(), want.shape());
    for (x, y) in got.iter().zip(want) {
        assert!((x - y).abs() <= 1e-12 * (1.0 + y.abs()), "{x} vs {y}");
    }
}

fn ints(r: &mut NpzReader, key: &str) -> Vec<usize> {
    r.read::<i64>(key)
        .unwrap()
        .iter()
        .map(|&v| v as usize)
        .collect()
}

#[test]
fn coo_matches_pydata() {
    let mut r = open("sparse_cases.npz");
    let x = r.read::<f64>("x").unwrap();
    let s = Coo::from_dense(&x);
    let coords = r.read::<i64>("coords").unwrap();
    for ax in 0..3 {
        let want: Vec<usize> = coords
            .index_axis(Axis(0), ax)
            .iter()
            .map(|&v| v as usize)
            .collect();
        assert_eq!(s.coords()[ax], want, "coords[{ax}]");
    }
    assert_eq!(s.data(), r.read::<f64>("data").unwrap().as_slice().unwrap());
    let meta = r.read::<f64>("meta").unwrap();
    assert_eq!(s.nnz() as f64, meta[0]);
    assert_eq!(s.nbytes() as f64, meta[1]);
    assert_eq!(s.density(), meta[2]);

    close(
        &(s.sin() + s.t() * 1).to_dense().unwrap(),
        &r.read("sin_plus_T").unwrap(),
    );
    close(
        &s.sum_axis(Axis(0)).unwrap().to_dense().unwrap(),
        &r.read("sum_ax0").unwrap(),
    );
    close(
        &s.sum_axis(Axis(2)).unwrap().to_dense().unwrap(),
        &r.read("sum_ax2").unwrap(),
    );
    close(
        &s.max_axis(Axis(1)).unwrap().to_dense().unwrap(),
        &r.read("max_ax1").unwrap(),
    );
    close(
        &s.min_axis(Axis(1)).unwrap().to_dense().unwrap(),
        &r.read("min_ax1").unwrap(),
    );
    close(
        &s.mean_axis(Axis(2)).unwrap().to_dense().unwrap(),
        &r.read("mean_ax2").unwrap(),
    );
    let sc = r.read::<f64>("scalars").unwrap();
    let got = [s.sum(), s.mean(), s.max().unwrap(), s.min().unwrap()];
    for (g, w) in got.iter().zip(sc.iter()) {
        assert!((g - w).abs() <= 1e-12 * w.abs().max(1.0), "{g} vs {w}");
    }
}

#[test]
fn duplicates_summed_like_pydata() {
    let mut r = open("sparse_cases.npz");
    let entries = [
        ([0usize, 1], 1.0),
        ([2, 2], 4.0),
        ([0, 1], 2.5),
        ([1, 0], -1.0),
    ];
    let s = Coo::from_entries(&[3, 3], entries).unwrap();
    assert_eq!(s.to_dense().unwrap(), r.read::<f64>("dup").unwrap());
}

#[test]
fn csr_csc_and_matmul_match_pydata() {
    let mut r = open("sparse_cases.npz");
    let m = r
        .read::<f64>("m")
        .unwrap()
        .into_dimensionality::<Ix2>()
        .unwrap();
    let s = Coo::from_dense(&m);
    let csr = s.to_csr().unwrap();
    assert_eq!(csr.indptr(), ints(&mut r, "csr_indptr").as_slice());
    assert_eq!(csr.indices(), ints(&mut r, "csr_indices").as_slice());
    let csc = s.to_csc().unwrap();
    assert_eq!(csc.indptr(), ints(&mut r, "csc_indptr").as_slice());
    assert_eq!(csc.indices(), ints(&mut r, "csc_indices").as_slice());
    let b = Array2::from_shape_fn((6, 4), |(i, j)| (i * 4 + j) as f64 - 5.0);
    let want = r.read::<f64>("m_at_b").unwrap();
    close(&s.dot_dense(&b).unwrap().into_dyn(), &want);
    close(&csc.dot_dense(&b).unwrap().into_dyn(), &want);
    // asformat("coo") from every format gives back the same COO
    for f in ["csr", "csc", "dok"] {
        match s.asformat(f).unwrap().asformat("coo").unwrap() {
            Sparse::Coo(c) => assert_eq!(c, s, "{f} -> coo"),
            other => panic!("{f} -> coo gave {}", other.format()),
        }
    }
}

#[test]
fn dok_slice_assignment_matches_pydata() {
    let mut r = open("sparse_cases.npz");
    let mut d = Dok::<f64>::new(&[5, 5]);
    d.set(s![1..3, 1..3], &array![[1.0, 2.0], [3.0, 0.0]])
        .unwrap();
    d.set(s![0, ..;2], &array![9.0, 8.0, 7.0]).unwrap();
    assert_eq!(d.to_dense().unwrap(), r.read::<f64>("dok").unwrap());
    assert_eq!(d.nnz() as i64, r.read::<i64>("dok_nnz").unwrap()[[]]);
}

#[test]
fn slice_and_rechunk_chunks_match_dask() {
    let mut r = open("dask_chunks.npz");
    let x = Chunked::zeros((37, 23), (10, 7));
    let cases = [
        ("step3", x.slice(s![..;3, 1..;2])),
        ("neg", x.slice(s![..;-4, 3..21;-3])),
        ("window", x.slice(s![5..33;5, 3..])),
        ("rechunk", x.rechunk((16, 5))),
    ];
    for (k, c) in cases {
        for ax in 0..2 {
            assert_eq!(
                c.chunks()[ax],
                ints(&mut r, &format!("{k}_{ax}")),
                "{k} axis {ax}"
            );
        }
    }
}
