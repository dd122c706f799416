//! Broadcasting arithmetic and comparisons that return `Result` with numpy's error text instead
//! of panicking. (ndarray's `&a + &b` also broadcasts, but panics on a mismatch; these are the
//! forms to use where a bad shape must become a message in the notebook.)
//!
//! The right operand is anything [`Operand`]: an array of any dimension, a view, or a scalar.
//! Results are dynamic-dimensional (`ArrayD`); `.into_dimensionality::<Ix2>()` gets a fixed one.

use super::element::Element;
use crate::error::{ArrayError, Result};
use ndarray::{ArrayBase, ArrayD, ArrayViewD, Data, Dimension, IxDyn, Zip};

/// numpy's broadcasting rule: align trailing axes; each pair must be equal or contain a 1.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i < n - a.len() {
            1
        } else {
            a[i - (n - a.len())]
        };
        let db = if i < n - b.len() {
            1
        } else {
            b[i - (n - b.len())]
        };
        out[i] = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            return Err(ArrayError::Broadcast {
                lhs: a.to_vec(),
                rhs: b.to_vec(),
            });
        };
    }
    Ok(out)
}

/// Something that can stand on the right of a broadcasting operation.
pub trait Operand<A> {
    fn operand_view(&self) -> ArrayViewD<'_, A>;
}
impl<A, S: Data<Elem = A>, D: Dimension> Operand<A> for ArrayBase<S, D> {
    fn operand_view(&self) -> ArrayViewD<'_, A> {
        self.view().into_dyn()
    }
}
macro_rules! scalar_operand {
    ($($t:ty),*) => {$(
        impl Operand<$t> for $t {
            fn operand_view(&self) -> ArrayViewD<'_, $t> {
                ArrayViewD::from_shape(IxDyn(&[]), std::slice::from_ref(self)).unwrap()
            }
        }
    )*};
}
scalar_operand!(f64, f32, i64, i32, i16, i8, u64, u32, u16, u8, usize, bool);

/// Apply `f` elementwise over the broadcast of `a` and `b`.
pub fn zip_with<A: Copy, B: Copy, C>(
    a: ArrayViewD<'_, A>,
    b: ArrayViewD<'_, B>,
    f: impl Fn(A, B) -> C,
) -> Result<ArrayD<C>> {
    let shape = broadcast_shapes(a.shape(), b.shape())?;
    crate::error::checked_size(&shape, std::mem::size_of::<C>(), "the broadcast result")?;
    let av = a.broadcast(IxDyn(&shape)).expect("shape checked");
    let bv = b.broadcast(IxDyn(&shape)).expect("shape checked");
    Ok(Zip::from(&av).and(&bv).map_collect(|&x, &y| f(x, y)))
}

/// Fallible broadcasting arithmetic and comparisons, by numpy's operator names.
pub trait BroadcastOps<A: Element> {
    fn try_add(&self, rhs: &impl Operand<A>) -> Result<ArrayD<A>>
    where
        A: std::ops::Add<Output = A>;
    fn try_sub(&self, rhs: &impl Operand<A>) -> Result<ArrayD<A>>
    where
        A: std::ops::Sub<Output = A>;
    fn try_mul(&self, rhs: &impl Operand<A>) -> Result<ArrayD<A>>
    where
        A: std::ops::Mul<Output = A>;
    fn try_div(&self, rhs: &impl Operand<A>) -> Result<ArrayD<A>>
    where
        A: std::ops::Div<Output = A>;
    /// numpy's `a > b` → bool mask.
    fn gt(&self, rhs: &impl Operand<A>) -> Result<ArrayD<bool>>;
    fn ge(&self, rhs: &impl Operand<A>) -> Result<ArrayD<bool>>;
    fn lt(&self, rhs: &impl Operand<A>) -> Result<ArrayD<bool>>;
    fn le(&self, rhs: &impl Operand<A>) -> Result<ArrayD<bool>>;
    /// numpy's `a == b` (named so it does not shadow `PartialEq::eq`).
    fn eq_elem(&self, rhs: &impl Operand<A>) -> Result<ArrayD<bool>>;
    fn ne_elem(&self, rhs: &impl Operand<A>) -> Result<ArrayD<bool>>;
    /// numpy's `np.where(mask, a, fill)` restricted to "keep where mask": `a[~mask] = fill`.
    fn where_mask(&self, mask: &impl Operand<bool>, fill: A) -> Result<ArrayD<A>>;
}

impl<A: Element, S: Data<Elem = A>, D: Dimension> BroadcastOps<A> for ArrayBase<S, D> {
    fn try_add(&self, rhs: &impl Operand<A>) -> Result<ArrayD<A>>
    where
        A: std::ops::Add<Output = A>,
    {
        zip_with(self.view().into_dyn(), rhs.operand_view(), |x, y| x + y)
    }
    fn try_sub(&self, rhs: &impl Operand<A>) -> Result<ArrayD<A>>
    where
        A: std::ops::Sub<Output = A>,
    {
        zip_with(self.view().into_dyn(), rhs.operand_view(), |x, y| x - y)
    }
    fn try_mul(&self, rhs: &impl Operand<A>) -> Result<ArrayD<A>>
    where
        A: std::ops::Mul<Output = A>,
    {
        zip_with(self.view().into_dyn(), rhs.operand_view(), |x, y| x * y)
    }
    fn try_div(&self, rhs: &impl Operand<A>) -> Result<ArrayD<A>>
    where
        A: std::ops::Div<Output = A>,
    {
        zip_with(self.view().into_dyn(), rhs.operand_view(), |x, y| x / y)
    }
    fn gt(&self, rhs: &impl Operand<A>) -> Result<ArrayD<bool>> {
        zip_with(self.view().into_dyn(), rhs.operand_view(), |x, y| x > y)
    }
    fn ge(&self, rhs: &impl Operand<A>) -> Result<ArrayD<bool>> {
        zip_with(self.view().into_dyn(), rhs.operand_view(), |x, y| x >= y)
    }
    fn lt(&self, rhs: &impl Operand<A>) -> Result<ArrayD<bool>> {
        zip_with(self.view().into_dyn(), rhs.operand_view(), |x, y| x < y)
    }
    fn le(&self, rhs: &impl Operand<A>) -> Result<ArrayD<bool>> {
        zip_with(self.view().into_dyn(), rhs.operand_view(), |x, y| x <= y)
    }
    fn eq_elem(&self, rhs: &impl Operand<A>) -> Result<ArrayD<bool>> {
        zip_with(self.view().into_dyn(), rhs.operand_view(), |x, y| x == y)
    }
    fn ne_elem(&self, rhs: &impl Operand<A>) -> Result<ArrayD<bool>> {
        zip_with(self.view().into_dyn(), rhs.operand_view(), |x, y| x != y)
    }
    fn where_mask(&self, mask: &impl Operand<bool>, fill: A) -> Result<ArrayD<A>> {
        zip_with(self.view().into_dyn(), mask.operand_view(), |x, m| {
            if m {
                x
            } else {
                fill
            }
        })
    }
}
