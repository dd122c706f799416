//! Chunked reductions along an axis against the same reduction done densely, over ragged chunk
//! shapes, both axes, every reduction, after elementwise ops and strided slices.
//!
//! Reductions cut big tiles into row slabs; tiles with different kept rows cover different output
//! cells. A (1000, 700) array in (300, 300) chunks once panicked in `sum_axis(Axis(1))` ("could
//! not broadcast array from shape: [82] to: [109]"): each column chunk picked its own slab height.

use accel::prelude::*;
use ndarray::{Slice, SliceInfoElem};

/// Small integer values as f64 (sums of them are exact in any order), from a fixed LCG.
fn ints(shape: (usize, usize), seed: u64) -> Array2<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    Array2::from_shape_fn(shape, |_| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 33) % 21) as f64 - 10.0
    })
}

fn close(got: &ArrayD<f64>, want: &ArrayD<f64>, exact: bool, what: &str) {
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    for (i, (x, y)) in got.iter().zip(want.iter()).enumerate() {
        let ok = if exact {
            x == y
        } else {
            (x - y).abs() <= 1e-12 * y.abs().max(1.0)
        };
        assert!(ok, "{what}: element {i}: chunked {x} vs dense {y}");
    }
}

#[derive(Clone, Copy, Debug)]
enum Red {
    Sum,
    Mean,
    Min,
    Max,
    Var(f64),
    Std(f64),
}
const REDS: [Red; 8] = [
    Red::Sum,
    Red::Mean,
    Red::Min,
    Red::Max,
    Red::Var(0.0),
    Red::Var(1.0),
    Red::Std(0.0),
    Red::Std(1.0),
];

fn chunked_red(x: &Chunked, r: Red, ax: Axis) -> ArrayD<f64> {
    match r {
        Red::Sum => x.sum_axis(ax),
        Red::Mean => x.mean_axis(ax),
        Red::Min => x.min_axis(ax),
        Red::Max => x.max_axis(ax),
        Red::Var(d) => x.var_axis(ax, d),
        Red::Std(d) => x.std_axis(ax, d),
    }
    .compute()
}

fn dense_red(a: &ArrayD<f64>, r: Red, ax: Axis) -> ArrayD<f64> {
    match r {
        Red::Sum => a.sum_axis(ax),
        Red::Mean => a.mean_axis(ax).unwrap(),
        Red::Min => a.fold_axis(ax, f64::INFINITY, |&m, &x| m.min(x)),
        Red::Max => a.fold_axis(ax, f64::NEG_INFINITY, |&m, &x| m.max(x)),
        Red::Var(d) => a.var_axis(ax, d),
        Red::Std(d) => a.std_axis(ax, d),
    }
}

/// Every reduction along both axes of `x` against `a`.
fn check_all(x: &Chunked, a: &ArrayD<f64>, what: &str) {
    for ax in [Axis(0), Axis(1)] {
        for r in REDS {
            let exact = matches!(r, Red::Sum | Red::Min | Red::Max);
            close(
                &chunked_red(x, r, ax),
                &dense_red(a, r, ax),
                exact,
                &format!("{what} {r:?} {ax:?}"),
            );
        }
    }
}

#[test]
fn sum_axis_1_of_ragged_300_chunks_matches_dense() {
    // the reported case, from a dense array and from random values
    let a = ints((1000, 700), 1);
    let lib = Chunked::from_array(&a, (300, 300));
    let got = (&lib * 2.0 + 1.0).sum_axis(Axis(1)).compute();
    close(
        &got,
        &(&a * 2.0 + 1.0).sum_axis(Axis(1)).into_dyn(),
        true,
        "from_array",
    );
    let r = Chunked::random((1000, 700), (300, 300), 7);
    let dense = r.compute();
    let got = (&r * 2.0 + 1.0).sum_axis(Axis(1)).compute();
    let want = (&dense * 2.0 + 1.0).sum_axis(Axis(1));
    close(&got, &want, false, "random");
}

#[test]
fn reductions_over_ragged_chunks_axes_and_ops() {
    // shapes × chunk specs: even and ragged, chunks larger than the 32 Ki-element slab (so tiles
    // are cut into row slabs) and smaller ones, explicit uneven chunk lists
    let cases: Vec<((usize, usize), Vec<Vec<usize>>)> = vec![
        (
            (1000, 700),
            vec![vec![300, 300, 300, 100], vec![300, 300, 100]],
        ),
        ((450, 380), vec![vec![200, 200, 50], vec![190, 190]]),
        ((450, 380), vec![vec![450], vec![97, 250, 33]]),
        ((301, 257), vec![vec![1, 299, 1], vec![256, 1]]),
        ((37, 23), vec![vec![10, 10, 10, 7], vec![10, 10, 3]]),
        ((600, 90), vec![vec![600], vec![90]]),
        ((90, 600), vec![vec![45, 45], vec![599, 1]]),
    ];
    for (k, (shape, chunks)) in cases.into_iter().enumerate() {
        let a = ints(shape, k as u64 + 10);
        let b = ints(shape, k as u64 + 100);
        let x = Chunked::from_array(&a, chunks.clone());
        // a second operand chunked differently (unified chunks are ragged in new places)
        let y = Chunked::from_array(&b, (shape.0.div_ceil(3).max(1), shape.1.div_ceil(2).max(1)));
        let (ad, bd) = (a.clone().into_dyn(), b.clone().into_dyn());
        let what = format!("{shape:?} {chunks:?}");
        check_all(&x, &ad, &format!("{what} plain"));
        check_all(
            &(&x * 2.0 + 1.0),
            &(&ad * 2.0 + 1.0),
            &format!("{what} x*2+1"),
        );
        check_all(
            &(3.0 - &x / 2.0),
            &(3.0 - &ad / 2.0),
            &format!("{what} 3-x/2"),
        );
        check_all(
            &(&x * &y - &x),
            &(&ad * &bd - &ad),
            &format!("{what} x*y-x"),
        );
        // a broadcast row
        let row = ints((1, shape.1), 5).into_dyn();
        let xr = &x + &Chunked::from_array(&row, (1, 100));
        check_all(&xr, &(&ad + &row), &format!("{what} x+row"));
        // strided slices, forward and backward
        let slices: [[(isize, Option<isize>, isize); 2]; 4] = [
            [(0, None, 2), (1, None, 3)],
            [(3, Some(-2), 7), (0, None, 1)],
            [(0, None, -3), (2, Some(-1), 2)],
            [(1, None, 1), (0, None, -5)],
        ];
        for sl in slices {
            let info: Vec<SliceInfoElem> = sl
                .iter()
                .map(|&(start, end, step)| SliceInfoElem::Slice { start, end, step })
                .collect();
            let xs = (&x + &y).slice(&info);
            let sum = &ad + &bd;
            let ds = sum.slice_each_axis(|d| {
                let (s, e, st) = sl[d.axis.index()];
                Slice::new(s, e, st)
            });
            if ds.is_empty() {
                continue;
            }
            check_all(&xs, &ds.to_owned(), &format!("{what} (x+y)[{sl:?}]"));
        }
    }
}
