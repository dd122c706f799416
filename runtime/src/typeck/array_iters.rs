//! Iteration over dense arrays and views, in logical (row-major) order as ndarray's `Iter` /
//! `IterMut`: `a.iter()`, `&a`, `a.iter_mut()`, `&mut a`, and a view by value
//! (`for x in a.row(0)`). The source is an `IterSrc::Elems` whose sequence has an array or
//! view type; `lower/array_iters.rs` walks its header (data, dims, strides). What borrows the
//! loop holds is checked in `view_borrows.rs` (as for a view alive during the loop).

use super::check::Checker;
use super::typed::{Expr, ExprKind as K, IterExpr, IterSrc};
use super::views::arrayish;
use crate::abi::ty::Ty;
use crate::diag::Result;
use crate::diag::{Error, Span};

/// How the array is iterated.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NdIterHow {
    /// `a.iter()`, `&a`
    Shared,
    /// `a.iter_mut()`, `&mut a`
    Mut,
    /// `a.into_iter()`, `for x in a`
    Value,
}

impl Checker<'_, '_> {
    /// The source for iterating `seq` when it is an array or a view (None otherwise).
    pub fn nd_iter(
        &mut self,
        how: NdIterHow,
        seq: Expr,
        span: Span,
    ) -> Result<std::result::Result<IterExpr, Expr>> {
        let st = self.infer.resolve(&seq.ty, false);
        let Some((el, nd, view)) = arrayish(&st) else {
            return Ok(Err(seq));
        };
        if el.needs_drop() {
            return Err(Error::unsupported(
                span,
                format!("iterating an array of `{el}`"),
            ));
        }
        let mutable = match how {
            NdIterHow::Shared => false,
            NdIterHow::Mut => {
                match (&st, view) {
                    (Ty::Ref(_, false), _) => {
                        return Err(Error::new(
                            seq.span,
                            "cannot borrow data in a `&` reference as mutable",
                        )
                        .code("E0596"));
                    }
                    (_, Some(false)) => {
                        return Err(Error::new(seq.span, format!("cannot borrow data in dereference of `ArrayBase<ViewRepr<&{el}>, Dim<[usize; {nd}]>, {el}>` as mutable"))
                            .code("E0596")
                            .label("cannot borrow as mutable")
                            .hint("an `ArrayView` is read-only: make the view with `view_mut()`/`slice_mut(..)`/`row_mut(..)`"));
                    }
                    (Ty::Ref(_, true), _) => {}
                    _ => self.check_mut(&seq, "borrow as mutable")?,
                }
                true
            }
            NdIterHow::Value => match (view, &st) {
                (Some(m), _) => m,
                (None, Ty::Ref(_, m)) => *m,
                (None, _) => {
                    return Err(Error::unsupported(
                        span,
                        format!(
                            "iterating `Array{nd}<{el}>` by value (it would consume the array)"
                        ),
                    )
                    .hint("iterate `a.iter()` or `&a`, or use `%%rust`"));
                }
            },
        };
        // The source records its mutability in the type of `seq` (`&mut` for iter_mut), as for Vecs.
        let seq = if how == NdIterHow::Value {
            seq
        } else {
            let t = Ty::Ref(Box::new(seq.ty.clone()), mutable);
            let sp = seq.span;
            Expr::new(K::Ref(Box::new(seq), mutable), t, sp)
        };
        Ok(Ok(IterExpr {
            src: IterSrc::Elems {
                seq: Box::new(seq),
                by_ref: true,
            },
            adapters: vec![],
            item: Ty::Ref(Box::new(el), mutable),
            span,
        }))
    }
}

impl Checker<'_, '_> {
    /// ndarray's element iterators are double-ended only in 1-d (`rev()` of a 2-d `iter()` is E0277).
    pub fn nd_rev_check(&self, it: &IterExpr, at: Span) -> Result<()> {
        let IterSrc::Elems { seq, .. } = &it.src else {
            return Ok(());
        };
        let Some((el, nd, _)) = arrayish(&seq.ty) else {
            return Ok(());
        };
        if nd == 1 || !it.adapters.is_empty() {
            return Ok(());
        }
        let iter = if nd_source_mutable(seq) {
            "IterMut"
        } else {
            "Iter"
        };
        Err(Error::new(at, format!("the trait bound `{iter}<'_, {el}, Dim<[usize; {nd}]>>: DoubleEndedIterator` is not satisfied"))
            .code("E0277")
            .label(format!("ndarray's `{iter}` is double-ended only over 1-d arrays"))
            .hint("reverse a 1-d view (`a.row(i).iter().rev()`), or index in a reversed range"))
    }
}

/// Whether an iterator source walks an array or view (`lower/array_iters.rs`), not a Vec/slice.
pub fn is_nd_source(seq: &Expr) -> bool {
    arrayish(&seq.ty).is_some()
}

/// Whether the items of an array source are `&mut T`: `&mut a` / `iter_mut()` (the sequence is
/// typed `&mut _`), or a mutable view iterated by value.
pub fn nd_source_mutable(seq: &Expr) -> bool {
    match &seq.ty {
        Ty::Ref(_, m) => *m,
        Ty::NdView(_, _, m) => *m,
        _ => false,
    }
}
