//! `a == b` / `a != b` on arrays: ndarray's `PartialEq` (same shape and equal elements),
//! for owned arrays and views, by value or by reference, through the accel crate's own
//! comparison (`nd_eq_<elem>` in `exec::array_rt`). `assert_eq!` on arrays goes through
//! the same comparison (`display::eq_mem`).

use super::arrays::nd_of;
use super::check::Checker;
use super::typed::{BinOp, Expr, ExprKind as K, Intr, NdOp};
use crate::diag::Result;
use crate::diag::{Error, Span};

fn depth(t: &crate::abi::ty::Ty) -> usize {
    match t {
        crate::abi::ty::Ty::Ref(t, _) => 1 + depth(t),
        _ => 0,
    }
}

impl<'a, 'e> Checker<'a, 'e> {
    /// `l == r` / `l != r` with an array on one side (`span`: the operator, where rustc points).
    pub fn nd_eq(&mut self, op: BinOp, l: Expr, r: Expr, span: Span) -> Result<Expr> {
        let lt = self.infer.resolve(&l.ty, false);
        let rt = self.infer.resolve(&r.ty, false);
        let (Some((le, ln)), Some((re, rn))) = (nd_of(&lt), nd_of(&rt)) else {
            // ndarray compares arrays with arrays only (no `PartialEq<f64>`): rustc's E0277
            return Err(Error::new(
                span,
                format!(
                    "can't compare `{}` with `{}`",
                    self.infer.show(&lt),
                    self.infer.show(&rt)
                ),
            )
            .code("E0277")
            .hint("compare elementwise with `a.mapv(|x| x == y)`"));
        };
        // `a == b`, `&a == &b`, `a == &b` and `&a == b` are ndarray's impls; deeper mixes are not
        if depth(&lt).abs_diff(depth(&rt)) > 1 {
            return Err(Error::new(
                span,
                format!(
                    "can't compare `{}` with `{}`",
                    self.infer.show(&lt),
                    self.infer.show(&rt)
                ),
            )
            .code("E0277"));
        }
        // different dimensions or element types: no `PartialEq` impl (rustc's E0277 at the operator)
        if ln != rn || self.infer.unify(&le, &re).is_err() {
            return Err(Error::new(
                span,
                format!(
                    "can't compare `{}` with `{}`",
                    self.infer.show(lt.peel_refs()),
                    self.infer.show(rt.peel_refs())
                ),
            )
            .code("E0277")
            .label(format!(
                "no implementation for `{} == {}`",
                self.infer.show(lt.peel_refs()),
                self.infer.show(rt.peel_refs())
            )));
        }
        // PartialEq takes both sides by reference: neither array is moved
        let l = self.by_ref(l, false)?;
        let r = self.by_ref(r, false)?;
        let eq = Expr::new(
            K::Intrinsic(
                Intr::Nd(NdOp::Shim {
                    name: "eq",
                    elem_arg: Some(0),
                }),
                vec![l, r],
            ),
            crate::abi::ty::Ty::Bool,
            span,
        );
        Ok(if op == BinOp::Ne {
            Expr::new(K::Not(Box::new(eq)), crate::abi::ty::Ty::Bool, span)
        } else {
            eq
        })
    }
}
