//! Integer promotion, written down.
//!
//! numpy promotes silently (`int_array / 2` is float64, `int32 + int64` is int64). Rust never
//! converts implicitly, so the library applies **one explicit rule**, spelled the same in both tiers:
//!
//! * Arithmetic between arrays of the same element type stays in that type (Rust semantics:
//!   integer `/` truncates, overflow wraps in release builds).
//! * Anything numpy would compute in floating point — `mean`, `var`, `std`, `median`, true
//!   division — is computed in `f64` whatever the input type: `Array<i64>::mean_f64()` is numpy's
//!   `a.mean()`, and [`Promote::to_f64`] is numpy's `a.astype(np.float64)`.
//! * Mixing types requires the cast numpy would do implicitly: `a.to_f64() + &b` for int with
//!   float (numpy: int64 + float64 → float64), `a.mapv(|x| x as i64)` for int32 + int64 → int64.
//! * Sparse `* 1` (an integer literal) multiplies a float array as numpy does: `Mul<i32>` is
//!   implemented for float sparse arrays and promotes the scalar, never the array.

use super::element::Element;
use ndarray::{Array, ArrayBase, Data, Dimension};

pub trait Promote<D: Dimension> {
    /// numpy's `astype(np.float64)`.
    fn to_f64(&self) -> Array<f64, D>;
}

impl<A: Element, S: Data<Elem = A>, D: Dimension> Promote<D> for ArrayBase<S, D> {
    fn to_f64(&self) -> Array<f64, D> {
        self.mapv(|x| x.to_f64())
    }
}
