//! `concatenate`, `stack`, `matmul` with numpy's error messages (ndarray's versions return a
//! bare `ShapeError`, which does not say which arrays disagree).

use crate::error::{fmt_shape, ArrayError, Result};
use ndarray::{
    linalg::Dot, Array, ArrayBase, ArrayD, ArrayView, Axis, Data, Dimension, Ix1, Ix2,
    LinalgScalar, RemoveAxis,
};

fn check_axis(axis: usize, ndim: usize) -> Result<()> {
    if axis >= ndim {
        return Err(ArrayError::Index(format!(
            "axis {axis} is out of bounds for array of dimension {ndim}"
        )));
    }
    Ok(())
}

/// numpy's `np.concatenate(arrays, axis)`.
pub fn concatenate<A: Clone, D: RemoveAxis>(
    axis: Axis,
    arrays: &[ArrayView<A, D>],
) -> Result<Array<A, D>> {
    let first = arrays
        .first()
        .ok_or_else(|| ArrayError::Value("need at least one array to concatenate".into()))?;
    check_axis(axis.index(), first.ndim())?;
    for (k, a) in arrays.iter().enumerate().skip(1) {
        for d in 0..first.ndim() {
            if d != axis.index() && a.shape()[d] != first.shape()[d] {
                return Err(ArrayError::Shape(format!(
                    "all the input array dimensions except for the concatenation axis must match exactly, \
                     but along dimension {d}, the array at index 0 has size {} and the array at index {k} has size {}",
                    first.shape()[d],
                    a.shape()[d]
                )));
            }
        }
    }
    ndarray::concatenate(axis, arrays).map_err(|e| ArrayError::Shape(e.to_string()))
}

/// numpy's `np.stack(arrays, axis)`: a new axis.
pub fn stack<A: Clone, D: Dimension>(
    axis: Axis,
    arrays: &[ArrayView<A, D>],
) -> Result<Array<A, D::Larger>>
where
    D::Larger: RemoveAxis,
{
    let first = arrays
        .first()
        .ok_or_else(|| ArrayError::Value("need at least one array to stack".into()))?;
    check_axis(axis.index(), first.ndim() + 1)?;
    if arrays.iter().any(|a| a.shape() != first.shape()) {
        return Err(ArrayError::Shape(
            "all input arrays must have the same shape".into(),
        ));
    }
    ndarray::stack(axis, arrays).map_err(|e| ArrayError::Shape(e.to_string()))
}

fn core_mismatch(a: &[usize], b: &[usize], ka: usize, kb: usize) -> ArrayError {
    ArrayError::Shape(format!(
        "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature \
         (n?,k),(k,m?)->(n?,m?) (size {kb} is different from {ka}) [shapes {} {}]",
        fmt_shape(a),
        fmt_shape(b)
    ))
}

/// numpy's `a @ b` for 1-d and 2-d operands (matrixmultiply underneath for 2-d).
pub fn matmul<A, S1, S2, D1, D2>(a: &ArrayBase<S1, D1>, b: &ArrayBase<S2, D2>) -> Result<ArrayD<A>>
where
    A: LinalgScalar,
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    D1: Dimension,
    D2: Dimension,
{
    let (sa, sb) = (a.shape(), b.shape());
    if a.ndim() == 0 || b.ndim() == 0 || a.ndim() > 2 || b.ndim() > 2 {
        return Err(ArrayError::Shape(format!(
            "matmul: operands must be 1-d or 2-d here, got shapes {} {}",
            fmt_shape(sa),
            fmt_shape(sb)
        )));
    }
    let ka = sa[sa.len() - 1];
    let kb = sb[0];
    if ka != kb {
        return Err(core_mismatch(sa, sb, ka, kb));
    }
    let a1 = a.view().into_dimensionality::<Ix1>();
    let a2 = a.view().into_dimensionality::<Ix2>();
    let b1 = b.view().into_dimensionality::<Ix1>();
    let b2 = b.view().into_dimensionality::<Ix2>();
    Ok(match (a1, a2, b1, b2) {
        (Ok(x), _, Ok(y), _) => ndarray::arr0(x.dot(&y)).into_dyn(),
        (Ok(x), _, _, Ok(y)) => x.dot(&y).into_dyn(),
        (_, Ok(x), Ok(y), _) => x.dot(&y).into_dyn(),
        (_, Ok(x), _, Ok(y)) => Dot::dot(&x, &y).into_dyn(),
        _ => unreachable!("ndim checked above"),
    })
}
