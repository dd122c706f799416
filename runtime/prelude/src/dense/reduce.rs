//! Reductions ndarray lacks, with numpy's names: `min`, `max`, `argmin`, `argmax`, `median`,
//! `mean_f64`/`var_f64`/`std_f64` for integer arrays, each with an `_axis` form. ndarray's own
//! `sum`, `sum_axis`, `mean`, `mean_axis`, `var`, `std`, `product`, `product_axis` stay available
//! unchanged (they are inherent methods and win over any trait method).
//!
//! Empty reductions are errors with numpy's text instead of panics. NaN follows numpy: `min`/`max`
//! propagate NaN, `median` of data containing NaN is NaN.

use super::element::Element;
use crate::error::{ArrayError, Result};
use ndarray::{Array, ArrayBase, ArrayView1, Axis, Data, Dimension, RemoveAxis, Zip};

fn empty(op: &str) -> ArrayError {
    ArrayError::Value(format!(
        "zero-size array to reduction operation {op} which has no identity"
    ))
}
fn check_axis(axis: Axis, ndim: usize) -> Result<()> {
    if axis.index() >= ndim {
        return Err(ArrayError::Index(format!(
            "axis {} is out of bounds for array of dimension {}",
            axis.index(),
            ndim
        )));
    }
    Ok(())
}

#[inline]
fn lt_nan<A: Element>(a: A, b: A) -> bool {
    // "a is a better minimum than b": NaN beats everything so that it propagates like numpy
    #[allow(clippy::eq_op)]
    let a_nan = a != a;
    a_nan || a < b
}
#[inline]
fn gt_nan<A: Element>(a: A, b: A) -> bool {
    #[allow(clippy::eq_op)]
    let a_nan = a != a;
    a_nan || a > b
}

/// Contiguous min/max: 8 independent accumulators with a branch-free select, and a separate
/// "saw NaN" flag, so the loop vectorises (a NaN-aware compare in the select would not).
fn fold_extreme<A: Element>(s: &[A], better: fn(A, A) -> bool) -> A {
    #[allow(clippy::eq_op)]
    let is_nan = |x: A| x != x;
    let mut acc = [s[0]; 8];
    let mut nan = [false; 8];
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        for k in 0..8 {
            nan[k] |= is_nan(c[k]);
            acc[k] = if better(c[k], acc[k]) { c[k] } else { acc[k] };
        }
    }
    if nan.iter().any(|&b| b) {
        return *s.iter().find(|&&x| is_nan(x)).unwrap();
    }
    let mut best = acc[0];
    for &x in acc[1..].iter().chain(chunks.remainder()) {
        if is_nan(x) {
            return x;
        }
        if better(x, best) {
            best = x;
        }
    }
    best
}

#[inline(always)]
fn lt_plain<A: Element>(a: A, b: A) -> bool {
    a < b
}
#[inline(always)]
fn gt_plain<A: Element>(a: A, b: A) -> bool {
    a > b
}

fn median_of(v: &mut [f64]) -> f64 {
    if v.iter().any(|x| x.is_nan()) {
        return f64::NAN;
    }
    let n = v.len();
    let mid = n / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, |a, b| a.partial_cmp(b).unwrap());
    let hi = *m;
    if n % 2 == 1 {
        hi
    } else {
        let lo = v[..mid].iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        lo + (hi - lo) / 2.0 // numpy's mean of the two middle values
    }
}

fn lane_arg<A: Element>(l: ArrayView1<A>, better: fn(A, A) -> bool) -> usize {
    let mut bi = 0;
    let mut bv = l[0];
    for (i, &x) in l.iter().enumerate().skip(1) {
        #[allow(clippy::eq_op)]
        if bv != bv {
            break; // first NaN wins, like numpy
        }
        if better(x, bv) {
            bi = i;
            bv = x;
        }
    }
    bi
}

pub trait Reductions<A: Element, D: Dimension> {
    fn min(&self) -> Result<A>;
    fn max(&self) -> Result<A>;
    fn min_axis(&self, axis: Axis) -> Result<Array<A, D::Smaller>>;
    fn max_axis(&self, axis: Axis) -> Result<Array<A, D::Smaller>>;
    /// Index into the flattened (C-order) array, like numpy's `argmin()` without axis.
    fn argmin(&self) -> Result<usize>;
    fn argmax(&self) -> Result<usize>;
    fn argmin_axis(&self, axis: Axis) -> Result<Array<usize, D::Smaller>>;
    fn argmax_axis(&self, axis: Axis) -> Result<Array<usize, D::Smaller>>;
    /// numpy's `np.median(a)` (computed in f64).
    fn median(&self) -> Result<f64>;
    fn median_axis(&self, axis: Axis) -> Result<Array<f64, D::Smaller>>;
    /// numpy's `a.mean()` for any element type (f64 result).
    fn mean_f64(&self) -> Result<f64>;
    /// numpy's `a.var(ddof=ddof)` in f64 (two-pass, like numpy).
    fn var_f64(&self, ddof: f64) -> Result<f64>;
    fn std_f64(&self, ddof: f64) -> Result<f64>;
}

impl<A, S, D> Reductions<A, D> for ArrayBase<S, D>
where
    A: Element,
    S: Data<Elem = A>,
    D: Dimension + RemoveAxis,
{
    fn min(&self) -> Result<A> {
        extreme(self, lt_nan, "minimum")
    }
    fn max(&self) -> Result<A> {
        extreme(self, gt_nan, "maximum")
    }
    fn min_axis(&self, axis: Axis) -> Result<Array<A, D::Smaller>> {
        extreme_axis(self, axis, lt_nan, "minimum")
    }
    fn max_axis(&self, axis: Axis) -> Result<Array<A, D::Smaller>> {
        extreme_axis(self, axis, gt_nan, "maximum")
    }
    fn argmin(&self) -> Result<usize> {
        arg(self, lt_nan, "argmin")
    }
    fn argmax(&self) -> Result<usize> {
        arg(self, gt_nan, "argmax")
    }
    fn argmin_axis(&self, axis: Axis) -> Result<Array<usize, D::Smaller>> {
        arg_axis(self, axis, lt_nan, "argmin")
    }
    fn argmax_axis(&self, axis: Axis) -> Result<Array<usize, D::Smaller>> {
        arg_axis(self, axis, gt_nan, "argmax")
    }
    fn median(&self) -> Result<f64> {
        if self.is_empty() {
            return Err(empty("median"));
        }
        let mut v: Vec<f64> = self.iter().map(|x| x.to_f64()).collect();
        Ok(median_of(&mut v))
    }
    fn median_axis(&self, axis: Axis) -> Result<Array<f64, D::Smaller>> {
        check_axis(axis, self.ndim())?;
        if self.len_of(axis) == 0 {
            return Err(empty("median"));
        }
        let mut buf = Vec::with_capacity(self.len_of(axis));
        Ok(self.map_axis(axis, |lane| {
            buf.clear();
            buf.extend(lane.iter().map(|x| x.to_f64()));
            median_of(&mut buf)
        }))
    }
    fn mean_f64(&self) -> Result<f64> {
        if self.is_empty() {
            return Err(ArrayError::Value("Mean of empty array".into()));
        }
        Ok(sum_f64(self) / self.len() as f64)
    }
    fn var_f64(&self, ddof: f64) -> Result<f64> {
        let m = self.mean_f64()?;
        let ss: f64 = self
            .iter()
            .map(|&x| (x.to_f64() - m) * (x.to_f64() - m))
            .sum();
        Ok(ss / (self.len() as f64 - ddof).max(0.0))
    }
    fn std_f64(&self, ddof: f64) -> Result<f64> {
        Ok(self.var_f64(ddof)?.sqrt())
    }
}

fn sum_f64<A: Element, S: Data<Elem = A>, D: Dimension>(a: &ArrayBase<S, D>) -> f64 {
    match a.as_slice_memory_order() {
        Some(s) => {
            // 8 lanes of partial sums: vectorises and is more accurate than one running sum
            let mut acc = [0.0f64; 8];
            let mut ch = s.chunks_exact(8);
            for c in &mut ch {
                for k in 0..8 {
                    acc[k] += c[k].to_f64();
                }
            }
            acc.iter().sum::<f64>() + ch.remainder().iter().map(|x| x.to_f64()).sum::<f64>()
        }
        None => a.iter().map(|x| x.to_f64()).sum(),
    }
}

fn extreme<A: Element, S: Data<Elem = A>, D: Dimension>(
    a: &ArrayBase<S, D>,
    better: fn(A, A) -> bool,
    op: &str,
) -> Result<A> {
    if a.is_empty() {
        return Err(empty(op));
    }
    Ok(match a.as_slice_memory_order() {
        // the contiguous path tracks NaN itself and compares plainly
        Some(s) => fold_extreme(
            s,
            if better(A::from_f64(1.0), A::from_f64(0.0)) {
                gt_plain
            } else {
                lt_plain
            },
        ),
        None => a.iter().fold(
            *a.first().unwrap(),
            |b, &x| if better(x, b) { x } else { b },
        ),
    })
}

fn extreme_axis<A: Element, S: Data<Elem = A>, D: Dimension + RemoveAxis>(
    a: &ArrayBase<S, D>,
    axis: Axis,
    better: fn(A, A) -> bool,
    op: &str,
) -> Result<Array<A, D::Smaller>> {
    check_axis(axis, a.ndim())?;
    if a.len_of(axis) == 0 {
        return Err(empty(op));
    }
    // Fold whole sub-arrays so the inner loop runs along the contiguous axis.
    let mut acc = a.index_axis(axis, 0).to_owned();
    for sub in a.axis_iter(axis).skip(1) {
        Zip::from(&mut acc).and(&sub).for_each(|b, &x| {
            if better(x, *b) {
                *b = x
            }
        });
    }
    Ok(acc)
}

fn arg<A: Element, S: Data<Elem = A>, D: Dimension>(
    a: &ArrayBase<S, D>,
    better: fn(A, A) -> bool,
    op: &str,
) -> Result<usize> {
    if a.is_empty() {
        return Err(ArrayError::Value(format!(
            "attempt to get {op} of an empty sequence"
        )));
    }
    let mut bi = 0;
    let mut bv = *a.first().unwrap();
    for (i, &x) in a.iter().enumerate().skip(1) {
        #[allow(clippy::eq_op)]
        if bv != bv {
            break;
        }
        if better(x, bv) {
            bi = i;
            bv = x;
        }
    }
    Ok(bi)
}

fn arg_axis<A: Element, S: Data<Elem = A>, D: Dimension + RemoveAxis>(
    a: &ArrayBase<S, D>,
    axis: Axis,
    better: fn(A, A) -> bool,
    op: &str,
) -> Result<Array<usize, D::Smaller>> {
    check_axis(axis, a.ndim())?;
    if a.len_of(axis) == 0 {
        return Err(ArrayError::Value(format!(
            "attempt to get {op} of an empty sequence"
        )));
    }
    Ok(a.map_axis(axis, |lane| lane_arg(lane, better)))
}
