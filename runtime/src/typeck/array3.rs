//! 3-d arrays (`Array3<T>`) in the fast tier: constructors take `(n, m, k)` shapes (the
//! shims' shape ABI is `(ndim, d0, d1, d2)`), `a[[i, j, k]]` is a strided load/store with
//! ndarray's bounds check (the header keeps axis 2 after the fields 1-d/2-d code shares, see
//! `exec::array_rt::off_dim`), and library methods run on the accel crate's `ArrayD` as for
//! 1-d and 2-d arrays. Views of 3-d arrays are not in the fast tier (a view header holds two
//! axes): refused with the `%%rust` hint, as are the 2-d-only methods rustc rejects. Also
//! `from_shape_fn` for 1 to 3 axes.

use super::check::Checker;
use crate::abi::ty::Ty;
use crate::diag::Result;
use crate::diag::{Error, Span};

/// View-making methods (`typeck/views.rs`), not available on 3-d arrays in the fast tier.
const VIEWS: &[&str] = &[
    "view",
    "view_mut",
    "t",
    "reversed_axes",
    "slice",
    "slice_mut",
    "index_axis",
    "index_axis_mut",
    "assign",
];
/// Methods ndarray defines only for 2-d arrays.
const TWO_D_ONLY: &[&str] = &[
    "nrows",
    "ncols",
    "row",
    "column",
    "row_mut",
    "column_mut",
    "diag",
    "dot",
];

impl<'a, 'e> Checker<'a, 'e> {
    /// Before dispatching a method of an `nd`-dimensional array.
    pub fn nd3_method_check(&mut self, nd: u8, name: &str, rt: &Ty, span: Span) -> Result<()> {
        if nd != 3 {
            return Ok(());
        }
        if VIEWS.contains(&name) {
            return Err(Error::unsupported(
                span,
                format!("`{name}` on a 3-d array (views of 3-d arrays)"),
            ));
        }
        if TWO_D_ONLY.contains(&name) {
            return Err(Error::new(
                span,
                format!(
                    "no method named `{name}` found for struct `{}` in the current scope",
                    self.infer.show(rt)
                ),
            )
            .code("E0599"));
        }
        Ok(())
    }
}

impl<'a, 'e> Checker<'a, 'e> {
    /// `Array::from_shape_fn(shape, |(i, j, k)| ..)` for 1 to 3 axes: the closure takes ndarray's
    /// index pattern (`usize` for one axis, a tuple of `usize` for more) and is inlined into
    /// loops in C order — the order ndarray calls it in, so side effects happen alike.
    pub fn nd_from_shape_fn(
        &mut self,
        nd: u8,
        ds: Vec<super::typed::Expr>,
        f: &syn::Expr,
        elem: &Ty,
        span: Span,
    ) -> Result<super::typed::Expr> {
        use super::typed::{Expr, ExprKind as K, Intr, NdOp};
        let syn::Expr::Closure(c) = f else {
            return Err(Error::unsupported(
                Span::of_node(f),
                "this argument to `from_shape_fn` (pass a closure)",
            ));
        };
        let pat = if nd == 1 {
            Ty::USIZE
        } else {
            Ty::Tuple(vec![Ty::USIZE; nd as usize])
        };
        let ci = self.closure_with(c, Some(vec![pat]), span)?;
        // the element type may still be fixed by the use (`let d: Array2<i64> = ..`): literals
        // default (i32/f64) only at the end, as in rustc
        let ret = self.closures[ci as usize].ret.clone();
        self.unify(elem, &ret, span)?;
        let mut a = vec![Expr::new(K::Int(nd as i128), Ty::I64, span)];
        a.extend(ds);
        a.push(Expr::new(K::Closure(ci), Ty::Closure(ci), span));
        Ok(Expr::new(
            K::Intrinsic(Intr::Nd(NdOp::FromShapeFn), a),
            Ty::Nd(Box::new(elem.clone()), nd),
            span,
        ))
    }
}
