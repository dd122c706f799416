//! Elementwise operations on `Coo` that keep sparsity, the way pydata's `elemwise` does: the
//! function is applied to the stored values *and* to the fill values, the result's fill value is
//! `f(fill…)`, and results equal to that fill value are dropped again.
//!
//! Binary operations broadcast like numpy; two operands of equal shape are merged on their sorted
//! linear indices in one pass (no hashing, no dense temporary).

use super::coo::{lin_strides, Coo, SparseElem};
use crate::dense::broadcast::broadcast_shapes;
use crate::error::Result;
use std::ops::{Add, Div, Mul, Sub};

impl<T: SparseElem> Coo<T> {
    /// Apply `f` to every element (stored and fill).
    pub fn map(&self, f: impl Fn(T) -> T) -> Coo<T> {
        let fill = f(self.fill_value);
        let lin = self.linear_index();
        let mut l2 = Vec::with_capacity(lin.len());
        let mut d2 = Vec::with_capacity(lin.len());
        for (l, &v) in lin.into_iter().zip(&self.data) {
            let y = f(v);
            if !same(y, fill) {
                l2.push(l);
                d2.push(y);
            }
        }
        if l2.len() == self.nnz() {
            return Coo {
                shape: self.shape.clone(),
                coords: self.coords.clone(),
                data: d2,
                fill_value: fill,
            };
        }
        Coo::from_linear(self.shape.clone(), l2, d2, fill, false)
    }

    /// `f(self, other)` elementwise with numpy broadcasting; errors with numpy's message.
    pub fn zip_with(&self, other: &Coo<T>, f: impl Fn(T, T) -> T) -> Result<Coo<T>> {
        let shape = broadcast_shapes(&self.shape, &other.shape)?;
        let (a, b) = (stretch(self, &shape)?, stretch(other, &shape)?);
        let (la, lb) = (a.linear_index(), b.linear_index());
        let fill = f(a.fill_value, b.fill_value);
        let mut lin = Vec::with_capacity(la.len().max(lb.len()));
        let mut data = Vec::with_capacity(la.len().max(lb.len()));
        let (mut i, mut j) = (0, 0);
        let mut push = |l: u64, y: T| {
            if !same(y, fill) {
                lin.push(l);
                data.push(y);
            }
        };
        while i < la.len() && j < lb.len() {
            if la[i] == lb[j] {
                push(la[i], f(a.data[i], b.data[j]));
                i += 1;
                j += 1;
            } else if la[i] < lb[j] {
                push(la[i], f(a.data[i], b.fill_value));
                i += 1;
            } else {
                push(lb[j], f(a.fill_value, b.data[j]));
                j += 1;
            }
        }
        for (&l, &v) in la[i..].iter().zip(&a.data[i..]) {
            push(l, f(v, b.fill_value));
        }
        for (&l, &v) in lb[j..].iter().zip(&b.data[j..]) {
            push(l, f(a.fill_value, v));
        }
        Ok(Coo::from_linear(shape, lin, data, fill, false))
    }

    /// numpy's `broadcast_to` (stored entries are repeated along stretched axes).
    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Coo<T>> {
        if shape == self.shape.as_slice() {
            return Ok(self.clone());
        }
        let b = broadcast_shapes(&self.shape, shape)?;
        if b.as_slice() != shape {
            return Err(crate::ArrayError::Broadcast {
                lhs: self.shape.clone(),
                rhs: shape.to_vec(),
            });
        }
        let lead = shape.len() - self.ndim();
        let st = lin_strides(shape)?;
        let repeat: u128 = (0..shape.len())
            .filter(|&ax| ax < lead || self.shape[ax - lead] != shape[ax])
            .map(|ax| shape[ax] as u128)
            .product();
        let entries = repeat * self.nnz() as u128;
        let bytes = entries * (8 + std::mem::size_of::<T>() as u128) * 2;
        if bytes > 1 << 36 {
            return Err(crate::ArrayError::Alloc {
                bytes,
                what: format!("broadcasting {entries} sparse entries"),
            });
        }
        let mut lin: Vec<u64> = vec![0];
        // Build entry by entry: for each stored entry, the cartesian product over stretched axes.
        let mut out_lin = Vec::new();
        let mut out_data = Vec::new();
        for k in 0..self.nnz() {
            lin.clear();
            lin.push(0);
            for ax in 0..shape.len() {
                let (src_n, c) = if ax < lead {
                    (1, 0)
                } else {
                    (self.shape[ax - lead], self.coords[ax - lead][k])
                };
                if src_n == shape[ax] {
                    for l in lin.iter_mut() {
                        *l += c as u64 * st[ax];
                    }
                } else {
                    let prev = std::mem::take(&mut lin);
                    for l in prev {
                        for r in 0..shape[ax] {
                            lin.push(l + r as u64 * st[ax]);
                        }
                    }
                }
            }
            for &l in &lin {
                out_lin.push(l);
                out_data.push(self.data[k]);
            }
        }
        Ok(Coo::from_linear(
            shape.to_vec(),
            out_lin,
            out_data,
            self.fill_value,
            true,
        ))
    }

    pub fn try_add(&self, o: &Coo<T>) -> Result<Coo<T>> {
        self.zip_with(o, |a, b| a + b)
    }
    pub fn try_sub(&self, o: &Coo<T>) -> Result<Coo<T>> {
        self.zip_with(o, |a, b| a - b)
    }
    pub fn try_mul(&self, o: &Coo<T>) -> Result<Coo<T>> {
        self.zip_with(o, |a, b| a * b)
    }
    pub fn try_div(&self, o: &Coo<T>) -> Result<Coo<T>> {
        self.zip_with(o, |a, b| a / b)
    }
}

/// The operand itself when it already has the result's shape (no copy), else its broadcast.
fn stretch<'a, T: SparseElem>(
    x: &'a Coo<T>,
    shape: &[usize],
) -> Result<std::borrow::Cow<'a, Coo<T>>> {
    Ok(if x.shape == shape {
        std::borrow::Cow::Borrowed(x)
    } else {
        std::borrow::Cow::Owned(x.broadcast_to(shape)?)
    })
}

/// Equality that treats NaN as equal to NaN (pydata's `equivalent`), so a NaN fill still prunes.
#[inline]
fn same<T: SparseElem>(a: T, b: T) -> bool {
    #[allow(clippy::eq_op)]
    let nan = a != a && b != b;
    a == b || nan
}

macro_rules! float_unary {
    ($t:ty: $($name:ident),*) => {
        impl Coo<$t> {
            $(
                #[doc = concat!("numpy's `np.", stringify!($name), "` elementwise, keeping sparsity.")]
                pub fn $name(&self) -> Coo<$t> { self.map(<$t>::$name) }
            )*
            pub fn powi(&self, n: i32) -> Coo<$t> { self.map(|x| x.powi(n)) }
            pub fn powf(&self, p: $t) -> Coo<$t> { self.map(|x| x.powf(p)) }
        }
    };
}
float_unary!(f64: sin, cos, tan, sinh, cosh, tanh, asin, acos, atan, exp, exp_m1, ln, ln_1p, log10, log2, sqrt, cbrt, abs, floor, ceil, round, signum);
float_unary!(f32: sin, cos, tan, sinh, cosh, tanh, asin, acos, atan, exp, exp_m1, ln, ln_1p, log10, log2, sqrt, cbrt, abs, floor, ceil, round, signum);

// Operators between sparse arrays: panic with numpy's broadcast message on a shape mismatch (like
// ndarray's operators); use `try_add` & co. for a Result.
macro_rules! binop {
    ($tr:ident, $m:ident, $op:tt) => {
        impl<T: SparseElem> $tr<&Coo<T>> for &Coo<T> {
            type Output = Coo<T>;
            fn $m(self, o: &Coo<T>) -> Coo<T> {
                self.zip_with(o, |a, b| a $op b).unwrap_or_else(|e| panic!("{e}"))
            }
        }
        impl<T: SparseElem> $tr<Coo<T>> for Coo<T> {
            type Output = Coo<T>;
            fn $m(self, o: Coo<T>) -> Coo<T> { (&self).$m(&o) }
        }
        impl<T: SparseElem> $tr<&Coo<T>> for Coo<T> {
            type Output = Coo<T>;
            fn $m(self, o: &Coo<T>) -> Coo<T> { (&self).$m(o) }
        }
        impl<T: SparseElem> $tr<Coo<T>> for &Coo<T> {
            type Output = Coo<T>;
            fn $m(self, o: Coo<T>) -> Coo<T> { self.$m(&o) }
        }
        // scalars of the element type
        impl<T: SparseElem> $tr<T> for &Coo<T> {
            type Output = Coo<T>;
            fn $m(self, s: T) -> Coo<T> { self.map(|a| a $op s) }
        }
        impl<T: SparseElem> $tr<T> for Coo<T> {
            type Output = Coo<T>;
            fn $m(self, s: T) -> Coo<T> { self.map(|a| a $op s) }
        }
        // an integer literal promotes to the float element type (numpy: float * int → float)
        impl $tr<i32> for Coo<f64> {
            type Output = Coo<f64>;
            fn $m(self, s: i32) -> Coo<f64> { self.map(|a| a $op s as f64) }
        }
        impl $tr<i32> for &Coo<f64> {
            type Output = Coo<f64>;
            fn $m(self, s: i32) -> Coo<f64> { self.map(|a| a $op s as f64) }
        }
    };
}
binop!(Add, add, +);
binop!(Sub, sub, -);
binop!(Mul, mul, *);
binop!(Div, div, /);

impl<T: SparseElem + std::ops::Neg<Output = T>> std::ops::Neg for &Coo<T> {
    type Output = Coo<T>;
    fn neg(self) -> Coo<T> {
        self.map(|a| -a)
    }
}
