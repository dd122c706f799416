//! Array views in the fast tier: `view()`, `view_mut()`, `t()`, `row(i)`, `column(j)`,
//! `index_axis(Axis(k), i)`, `slice(s![..])`, `slice_mut(s![..])` and `assign`, typed as
//! `Ty::NdView` (ndarray's `ArrayView`/`ArrayViewMut`); the header is computed by the accel
//! crate's ndarray (`exec/view_rt.rs`), element access compiles like owned arrays'.
//!
//! Lifetimes without a borrow checker: a view points into another array's data, so what
//! could free that data while a view of it lives is refused (conservatively, per fn):
//! a view bound by `let` must borrow a variable (not a temporary) and is never reassigned
//! or persisted as a workspace variable; the variable it borrows is recorded in
//! `Fn::view_bases` and `moves.rs` refuses moving or reassigning it anywhere in the fn.
//! Views are never returned from fns (signatures refuse them) nor stored in aggregates.

use super::check::Checker;
use super::typed::{Expr, ExprKind as K, Intr, NdOp};
use crate::abi::ty::{IntTy, Ty, VarKind};
use crate::diag::Result;
use crate::diag::{Error, Span};

/// (element, axes, `Some(mutable)` for a view / `None` for an owned array), through refs.
pub fn arrayish(t: &Ty) -> Option<(Ty, u8, Option<bool>)> {
    match t.peel_refs() {
        Ty::Nd(e, n) => Some(((**e).clone(), *n, None)),
        Ty::NdView(e, n, m) => Some(((**e).clone(), *n, Some(*m))),
        _ => None,
    }
}

/// `ArrayView1<T>`, `ArrayViewMut2<'_, T>`, ... (lifetimes are dropped by the type parser).
pub fn parse_view_type(name: &str, args: &[Ty]) -> Option<Ty> {
    let (m, n) = match name {
        "ArrayView1" => (false, 1),
        "ArrayView2" => (false, 2),
        "ArrayViewMut1" => (true, 1),
        "ArrayViewMut2" => (true, 2),
        _ => return None,
    };
    match args {
        [t] => Some(Ty::NdView(Box::new(t.clone()), n, m)),
        _ => None,
    }
}

/// Where a view's data lives: a variable (local or workspace), or a temporary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    Local(u32),
    Global(usize),
    Temp,
}

pub fn view_root(e: &Expr) -> Root {
    match &e.kind {
        K::Local(id) => Root::Local(*id),
        K::Global(i) => Root::Global(*i),
        K::Ref(x, _) | K::Deref(x) => view_root(x),
        K::Intrinsic(Intr::Nd(NdOp::View(_)), args) => view_root(&args[0]),
        _ => Root::Temp,
    }
}

fn int(v: i64, span: Span) -> Expr {
    Expr::new(K::Int(v as i128), Ty::I64, span)
}

impl<'a, 'e> Checker<'a, 'e> {
    /// View-making methods and `assign`; `None` for the other array methods.
    pub fn view_method(
        &mut self,
        recv: Expr,
        name: &str,
        args: &[&syn::Expr],
        span: Span,
    ) -> Result<std::result::Result<Expr, Expr>> {
        let rt = self.infer.resolve(recv.ty.peel_refs(), false);
        let Some((elem, nd, view)) = arrayish(&rt) else {
            return Ok(Err(recv));
        };
        let nargs = |n: usize| -> Result<()> {
            if args.len() != n {
                return Err(Error::new(
                    span,
                    format!(
                        "this method takes {n} argument{} but {} {} supplied",
                        if n == 1 { "" } else { "s" },
                        args.len(),
                        if args.len() == 1 {
                            "argument was"
                        } else {
                            "arguments were"
                        }
                    ),
                ));
            }
            Ok(())
        };
        let (op, mutable, out_nd, i, j, spec) = match name {
            "view" | "view_mut" => {
                nargs(0)?;
                (0, name == "view_mut", nd, None, None, None)
            }
            "t" => {
                nargs(0)?;
                (1, false, nd, None, None, None)
            }
            "reversed_axes" if view.is_some() => {
                nargs(0)?;
                (1, view == Some(true), nd, None, None, None)
            }
            "row" | "column" | "row_mut" | "column_mut" if nd == 2 => {
                nargs(1)?;
                let i = self.arg(args[0], &Ty::USIZE)?;
                (
                    if name.starts_with("row") { 2 } else { 3 },
                    name.ends_with("_mut"),
                    1,
                    Some(i),
                    None,
                    None,
                )
            }
            "index_axis" | "index_axis_mut" if nd == 2 => {
                nargs(2)?;
                let k = self.axis_arg(args[0])?;
                let i = self.arg(args[1], &Ty::USIZE)?;
                (5, name.ends_with("_mut"), 1, Some(k), Some(i), None)
            }
            "slice" | "slice_mut" => {
                nargs(1)?;
                let (spec, n, kept) = self.s_macro(args[0], nd)?;
                if kept == 0 {
                    return Err(Error::unsupported(
                        span,
                        "a 0-dimensional view (every axis indexed; index the array instead)",
                    ));
                }
                (4, name == "slice_mut", kept, Some(n), None, Some(spec))
            }
            "assign" => {
                nargs(1)?;
                let src = self.expr(args[0], None)?;
                let Some((e2, _, _)) = arrayish(&self.infer.resolve(&src.ty, false)) else {
                    return Err(Error::new(src.span, "mismatched types")
                        .label("expected a reference to an array"));
                };
                if !matches!(self.infer.shallow(&src.ty), Ty::Ref(..)) {
                    return Err(Error::new(src.span, "mismatched types")
                        .label(format!(
                            "expected `&ArrayBase<_, _>`, found `{}`",
                            self.infer.show(&src.ty)
                        ))
                        .hint("borrow it: `&b`"));
                }
                self.unify(&elem, &e2, src.span)?;
                let dst = self.recv_mut(recv)?;
                let sh = Intr::Nd(NdOp::Shim {
                    name: "assign",
                    elem_arg: Some(0),
                });
                return Ok(Ok(Expr::new(
                    K::Intrinsic(sh, vec![dst, src]),
                    Ty::Unit,
                    span,
                )));
            }
            "clone" if view == Some(false) => {
                nargs(0)?;
                return Ok(Ok(self.auto_deref_view(recv)));
            }
            _ => return Ok(Err(recv)),
        };
        let r = if mutable {
            self.recv_mut(recv)?
        } else {
            self.recv_ref(recv)
        };
        let span0 = span;
        let spec = spec.unwrap_or_else(|| {
            Expr::new(
                K::Array(vec![int(0, span0); 4]),
                Ty::Array(Box::new(Ty::I64), 4),
                span0,
            )
        });
        let a = vec![
            r,
            i.unwrap_or_else(|| int(0, span)),
            j.unwrap_or_else(|| int(0, span)),
            spec,
        ];
        Ok(Ok(Expr::new(
            K::Intrinsic(Intr::Nd(NdOp::View(op)), a),
            Ty::NdView(Box::new(elem), out_nd, mutable),
            span,
        )))
    }

    /// A copy of a view held by reference (`ArrayView` is Copy).
    fn auto_deref_view(&mut self, e: Expr) -> Expr {
        self.auto_deref(e)
    }

    fn recv_ref(&mut self, e: Expr) -> Expr {
        match self.infer.shallow(&e.ty) {
            Ty::Ref(..) => e,
            t => {
                let span = e.span;
                Expr::new(
                    K::Ref(Box::new(e), false),
                    Ty::Ref(Box::new(t), false),
                    span,
                )
            }
        }
    }

    /// `&mut self` of an owned array or an `ArrayViewMut` (ndarray's `DataMut`).
    pub fn recv_mut(&mut self, e: Expr) -> Result<Expr> {
        if let Ty::NdView(t, _, false) = self.infer.resolve(e.ty.peel_refs(), false) {
            return Err(Error::new(e.span, format!("the trait bound `ViewRepr<&{t}>: DataMut` is not satisfied")).hint("an `ArrayView` is read-only: make the view with `view_mut()`/`slice_mut(..)`/`row_mut(..)`"));
        }
        let is_view = matches!(self.infer.shallow(e.ty.peel_refs()), Ty::NdView(..));
        match self.infer.shallow(&e.ty) {
            Ty::Ref(_, true) => Ok(e),
            Ty::Ref(_, false) => Err(Error::new(
                e.span,
                "cannot borrow data in a `&` reference as mutable",
            )),
            t => {
                // a temporary `ArrayViewMut` (`a.row_mut(0).fill(..)`) needs no `mut` binding
                if !(is_view && !matches!(e.kind, K::Local(_) | K::Global(_))) {
                    self.check_mut(&e, "borrow as mutable")?;
                }
                let span = e.span;
                Ok(Expr::new(
                    K::Ref(Box::new(e), true),
                    Ty::Ref(Box::new(t), true),
                    span,
                ))
            }
        }
    }

    /// `Axis(k)` → k.
    pub fn axis_arg(&mut self, e: &syn::Expr) -> Result<Expr> {
        if let syn::Expr::Call(c) = e {
            if matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.last().map(|s| s.ident == "Axis").unwrap_or(false))
                && c.args.len() == 1
            {
                return self.arg(&c.args[0], &Ty::USIZE);
            }
        }
        Err(Error::unsupported(
            Span::of_node(e),
            "axis argument other than `Axis(k)`",
        ))
    }

    /// `s![a..b;step, i, ..]` for an array of `nd` axes → (spec `[kind, a, b, step]` per
    /// axis as an i64 array, number of elements, axes kept).
    fn s_macro(&mut self, e: &syn::Expr, nd: u8) -> Result<(Expr, Expr, u8)> {
        let span = Span::of_node(e);
        let syn::Expr::Macro(m) = e else {
            return Err(Error::unsupported(
                span,
                "a slice argument other than `s![...]`",
            ));
        };
        if m.mac
            .path
            .segments
            .last()
            .map(|s| s.ident != "s")
            .unwrap_or(true)
        {
            return Err(Error::unsupported(
                span,
                "a slice argument other than `s![...]`",
            ));
        }
        // split the tokens at top-level commas, then each element at `;`
        let mut elems: Vec<Vec<proc_macro2::TokenTree>> = vec![vec![]];
        for t in m.mac.tokens.clone() {
            match &t {
                proc_macro2::TokenTree::Punct(p) if p.as_char() == ',' => elems.push(vec![]),
                _ => elems.last_mut().unwrap().push(t),
            }
        }
        if elems.last().map(|v| v.is_empty()).unwrap_or(false) {
            elems.pop();
        }
        if elems.len() != nd as usize {
            return Err(Error::new(span, format!("the trait bound `SliceInfo<[SliceInfoElem; {}], _, _>: SliceArg<Dim<[usize; {nd}]>>` is not satisfied", elems.len()))
                .label(format!("the array has {nd} axis{} and `s![]` gives {}", if nd == 1 { "" } else { "es" }, elems.len())));
        }
        let mut spec = vec![];
        let mut kept = 0u8;
        for toks in elems {
            let mut parts =
                toks.split(|t| matches!(t, proc_macro2::TokenTree::Punct(p) if p.as_char() == ';'));
            let r: proc_macro2::TokenStream = parts.next().unwrap().iter().cloned().collect();
            let step: Option<proc_macro2::TokenStream> =
                parts.next().map(|s| s.iter().cloned().collect());
            let parse = |ts: proc_macro2::TokenStream| {
                syn::parse2::<syn::Expr>(ts).map_err(|e| Error::new(span, format!("s![]: {e}")))
            };
            let rx = parse(r)?;
            let step = match step {
                Some(s) => {
                    let sx = parse(s)?;
                    let v = self.expr(&sx, None)?;
                    let v = self.auto_deref(v);
                    self.bound_ty(&v, true)?;
                    Expr::new(K::Cast(Box::new(v)), Ty::I64, span)
                }
                None => int(1, span),
            };
            match &rx {
                syn::Expr::Range(rg) => {
                    kept += 1;
                    let lo = match &rg.start {
                        Some(x) => Some(self.expr(x, None)?),
                        None => None,
                    };
                    let hi = match &rg.end {
                        Some(x) => Some(self.expr(x, None)?),
                        None => None,
                    };
                    if let (Some(a), Some(b)) = (&lo, &hi) {
                        self.unify(&a.ty, &b.ty, b.span)?;
                    }
                    let incl = matches!(rg.limits, syn::RangeLimits::Closed(_));
                    let kind = match (&hi, incl) {
                        (None, _) => 1,
                        (Some(_), false) => 0,
                        (Some(_), true) => 3,
                    };
                    let mut bound = |x: Option<Expr>| -> Result<Expr> {
                        Ok(match x {
                            Some(v) => {
                                let v = self.auto_deref(v);
                                self.bound_ty(&v, false)?;
                                Expr::new(K::Cast(Box::new(v)), Ty::I64, span)
                            }
                            None => int(0, span),
                        })
                    };
                    let a = bound(lo)?;
                    let b = bound(hi)?;
                    spec.extend([int(kind, span), a, b, step]);
                }
                x => {
                    if !matches!(step.kind, K::Int(1)) {
                        return Err(Error::unsupported(span, "a step on an index in `s![]`"));
                    }
                    let v = self.expr(x, None)?;
                    let v = self.auto_deref(v);
                    self.bound_ty(&v, false)?;
                    let v = Expr::new(K::Cast(Box::new(v)), Ty::I64, span);
                    spec.extend([int(2, span), v, int(0, span), int(1, span)]);
                }
            }
        }
        let n = spec.len() as u64 / 4;
        let t = Ty::Array(Box::new(Ty::I64), spec.len() as u64);
        Ok((
            Expr::new(K::Array(spec), t, span),
            int(n as i64, span),
            kept,
        ))
    }

    /// `s![]` bounds are `isize`, `usize` or `i32` (ndarray's `From` impls; literals → i32);
    /// steps any integer (`as isize`).
    fn bound_ty(&mut self, v: &Expr, any_int: bool) -> Result<()> {
        match self.infer.shallow(&v.ty) {
            Ty::Int(IntTy::Isize | IntTy::Usize | IntTy::I32) => Ok(()),
            Ty::Int(_) if any_int => Ok(()),
            Ty::Infer(x) if self.infer.kind(x) == VarKind::Int => Ok(()),
            t => Err(Error::new(
                v.span,
                format!(
                    "the trait bound `SliceInfoElem: From<{}>` is not satisfied",
                    self.infer.show(&t)
                ),
            )
            .hint("`s![]` takes isize, usize or i32 bounds")),
        }
    }

    /// A `let` of a view: it must borrow a variable, not a temporary, and must not be a
    /// workspace variable (what evcxr refuses: it cannot persist borrowed data).
    pub fn check_view_let(
        &mut self,
        init: Option<&Expr>,
        ty: &Ty,
        top: bool,
        span: Span,
        name: &str,
    ) -> Result<()> {
        let t = self.infer.resolve(ty, false);
        if !contains_view(&t) {
            return Ok(());
        }
        if !matches!(t, Ty::NdView(..)) {
            return Err(Error::unsupported(
                span,
                format!("a view inside `{}`", self.infer.show(&t)),
            ));
        }
        if top {
            return Err(Error::new(span, format!(
                "The variable `{name}` contains a reference with a non-static lifetime so\ncan't be persisted. You can prevent this error by making sure that the\nvariable goes out of scope - i.e. wrapping the code in {{}}."
            )));
        }
        let Some(init) = init else {
            return Err(Error::unsupported(span, "a view declared without a value"));
        };
        match view_root(init) {
            Root::Temp => Err(
                Error::new(init.span, "temporary value dropped while borrowed")
                    .code("E0716")
                    .label("creates a temporary value which is freed while still in use")
                    .hint("bind the array to a variable first: `let a = ...; let v = a.view();`"),
            ),
            r => {
                self.view_bases.push((r, init.span));
                Ok(())
            }
        }
    }
}

pub fn contains_view(t: &Ty) -> bool {
    match t {
        Ty::NdView(..) => true,
        Ty::Tuple(ts) => ts.iter().any(contains_view),
        Ty::Array(t, _) | Ty::Vec(t) | Ty::Option(t) | Ty::Ref(t, _) => contains_view(t),
        _ => false,
    }
}
