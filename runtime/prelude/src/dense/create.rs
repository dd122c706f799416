//! Creation with numpy's names. ndarray's constructors (`Array::zeros`, `Array::from_elem`,
//! `Array2::eye`, `Array::linspace`, `Array::range`, `Array::from_shape_vec`,
//! `Array::from_shape_fn`) are re-exported through the prelude unchanged; these add numpy's free
//! functions and fallible forms that turn an impossible allocation into an error naming the bytes.

use super::element::Element;
use crate::error::{checked_size, ArrayError, Result};
use ndarray::{Array, Array1, Array2, ArrayD, IxDyn};

/// `np.zeros(shape)` that errors instead of aborting when the memory cannot be had.
pub fn try_zeros<A: Element>(shape: &[usize]) -> Result<ArrayD<A>> {
    try_full(shape, A::default())
}

/// `np.full(shape, v)`, fallible.
pub fn try_full<A: Element>(shape: &[usize], v: A) -> Result<ArrayD<A>> {
    let n = checked_size(shape, std::mem::size_of::<A>(), "an array")?;
    let what = format!(
        "an array with shape {} and data type {}",
        crate::error::shape_tuple(shape),
        A::DTYPE
    );
    let data = crate::error::try_alloc_vec(n, v, &what)?;
    Ok(ArrayD::from_shape_vec(IxDyn(shape), data).expect("size matches"))
}

/// `np.arange(start, stop, step)` for floats (ndarray's `Array::range`), erroring on step 0.
pub fn arange(start: f64, stop: f64, step: f64) -> Result<Array1<f64>> {
    if step == 0.0 || !step.is_finite() {
        return Err(ArrayError::Value("Maximum allowed size exceeded".into()));
    }
    Ok(Array::range(start, stop, step))
}

/// `np.linspace(start, stop, num)` (endpoint included).
pub fn linspace(start: f64, stop: f64, num: usize) -> Array1<f64> {
    Array::linspace(start, stop, num)
}

/// `np.eye(n)`.
pub fn eye(n: usize) -> Array2<f64> {
    Array2::eye(n)
}
