//! The accel prelude's dense arrays in the fast tier: types (`Array1<T>`, `Array2<T>`,
//! `Generator`), constructors, methods, operators, `array![]` and `a[[i, j]]`.
//!
//! Library operations become `Intr::Nd(NdOp::Shim { .. })` calls of the shims in
//! `exec::array_rt` (the accel crate's own compiled code); element access, `shape()`,
//! `len()` and `mapv`'s loop are compiled inline (`lower/arrays.rs`). Methods that return
//! `Result`/`Option` in the library are accepted only when `.unwrap()`ed at once (the
//! fast tier has no `Result` values); the unwrap's panic text is rustc's.

use super::check::Checker;
use super::typed::{BinOp, Expr, ExprKind as K, Intr, NdOp};
use crate::abi::ty::{Ty, VarKind};
use crate::diag::Result;
use crate::diag::{Error, Span};

/// Library methods returning `Result`/`Option`, accepted as `x.m(..).unwrap()`.
pub const FUSED: &[&str] = &[
    "max",
    "min",
    "argmax",
    "argmin",
    "median",
    "mean",
    "mean_axis",
];
/// Library functions returning `Result`, accepted as `f(..).unwrap()`.
pub const FUSED_FNS: &[&str] = &["from_shape_vec", "arange"];

fn shim(name: &'static str, elem_arg: Option<u8>) -> Intr {
    Intr::Nd(NdOp::Shim { name, elem_arg })
}

/// The element type of arrays of any reference depth (`None` if not an array).
pub fn nd_of(t: &Ty) -> Option<(Ty, u8)> {
    match t.peel_refs() {
        Ty::Nd(e, n) | Ty::NdView(e, n, _) => Some(((**e).clone(), *n)),
        _ => None,
    }
}

/// `Array1<T>`, `Array2<T>`, `Array<T, Ix2>`, `Generator`, under any `ndarray::`/`accel::` prefix.
pub fn parse_nd_type(segs: &[String], args: &[Ty]) -> Option<Result<Ty>> {
    let name = segs.last()?.as_str();
    let prefix_ok = segs[..segs.len() - 1]
        .iter()
        .all(|s| matches!(s.as_str(), "ndarray" | "accel" | "prelude" | "random"));
    if !prefix_ok {
        return None;
    }
    Some(match (name, args) {
        ("Array1", [t]) => Ok(Ty::Nd(Box::new(t.clone()), 1)),
        ("Array2", [t]) => Ok(Ty::Nd(Box::new(t.clone()), 2)),
        ("Array3", [t]) => Ok(Ty::Nd(Box::new(t.clone()), 3)),
        ("Generator", []) => Ok(Ty::Rng),
        (n, a) => return super::views::parse_view_type(n, a).map(Ok),
    })
}

fn int(v: i64, span: Span) -> Expr {
    Expr::new(K::Int(v as i128), Ty::I64, span)
}

impl<'a, 'e> Checker<'a, 'e> {
    fn usize_arg(&mut self, e: &syn::Expr) -> Result<Expr> {
        self.arg(e, &Ty::USIZE)
    }

    /// A shape argument: `n`, `(n,)`, `(n, m)`, `(n, m, k)` or `[n, m]` → (ndim, [d0, d1, d2]),
    /// the unused dims 0 (the shims' shape ABI).
    fn shape_arg(&mut self, e: &syn::Expr, span: Span) -> Result<(u8, Vec<Expr>)> {
        let elems: Vec<&syn::Expr> = match e {
            syn::Expr::Tuple(t) => t.elems.iter().collect(),
            syn::Expr::Array(a) => a.elems.iter().collect(),
            syn::Expr::Paren(p) => vec![&*p.expr],
            e => vec![e],
        };
        if elems.is_empty() || elems.len() > 3 {
            return Err(Error::unsupported(
                span,
                "arrays of other than 1, 2 or 3 dimensions",
            ));
        }
        let mut ds = vec![];
        for x in &elems {
            ds.push(self.usize_arg(x)?);
        }
        let nd = ds.len() as u8;
        while ds.len() < 3 {
            ds.push(int(0, span));
        }
        Ok((nd, ds))
    }

    /// `&e` for a `&self` receiver (arrays are never moved by reading methods).
    pub(super) fn by_ref(&mut self, e: Expr, m: bool) -> Result<Expr> {
        if m {
            return self.recv_mut(e);
        }
        Ok(match self.infer.shallow(&e.ty) {
            Ty::Ref(..) => e,
            t => {
                let span = e.span;
                Expr::new(K::Ref(Box::new(e), m), Ty::Ref(Box::new(t), m), span)
            }
        })
    }

    /// Calls through a path: constructors, `default_rng`, `linspace`, `arange`, `eye`.
    pub fn nd_path_call(
        &mut self,
        p: &syn::ExprPath,
        canon: &[String],
        args: &[&syn::Expr],
        span: Span,
        unwrapped: bool,
    ) -> Result<Option<Expr>> {
        let segs: Vec<&str> = canon
            .iter()
            .map(|s| s.as_str())
            .filter(|s| !matches!(*s, "ndarray" | "accel" | "prelude" | "random"))
            .collect();
        let nargs = |n: usize| -> Result<()> {
            if args.len() != n {
                return Err(Error::new(
                    span,
                    format!(
                        "this function takes {n} argument{} but {} were supplied",
                        if n == 1 { "" } else { "s" },
                        args.len()
                    ),
                ));
            }
            Ok(())
        };
        let (ty_nd, f): (Option<u8>, &str) = match segs.as_slice() {
            ["Array1", f] => (Some(1), f),
            ["Array2", f] => (Some(2), f),
            ["Array3", f] => (Some(3), f),
            ["Array", f] => (None, f),
            [f @ ("default_rng" | "linspace" | "arange" | "eye")] => {
                return Ok(Some(match *f {
                    "default_rng" => {
                        nargs(1)?;
                        let s = self.arg(args[0], &Ty::Int(crate::abi::ty::IntTy::U64))?;
                        Expr::new(
                            K::Intrinsic(shim("default_rng", None), vec![s]),
                            Ty::Rng,
                            span,
                        )
                    }
                    "linspace" => {
                        nargs(3)?;
                        let a = self.arg(args[0], &Ty::F64)?;
                        let b = self.arg(args[1], &Ty::F64)?;
                        let n = self.usize_arg(args[2])?;
                        Expr::new(
                            K::Intrinsic(shim("linspace_fn", None), vec![a, b, n]),
                            Ty::Nd(Box::new(Ty::F64), 1),
                            span,
                        )
                    }
                    "arange" => {
                        nargs(3)?;
                        if !unwrapped {
                            return Err(Error::unsupported(
                                span,
                                "a `Result` value (call `.unwrap()` on it at once)",
                            ));
                        }
                        let a = self.arg(args[0], &Ty::F64)?;
                        let b = self.arg(args[1], &Ty::F64)?;
                        let s = self.arg(args[2], &Ty::F64)?;
                        Expr::new(
                            K::Intrinsic(shim("arange_fn", None), vec![a, b, s]),
                            Ty::Nd(Box::new(Ty::F64), 1),
                            span,
                        )
                    }
                    _ => {
                        nargs(1)?;
                        let n = self.usize_arg(args[0])?;
                        Expr::new(
                            K::Intrinsic(shim("eye_fn", None), vec![n]),
                            Ty::Nd(Box::new(Ty::F64), 2),
                            span,
                        )
                    }
                }));
            }
            _ => return Ok(None),
        };
        // The element type: a turbofish (`Array2::<f64>::zeros`) or inferred from use.
        let mut elem = self.infer.fresh(VarKind::General);
        for seg in &p.path.segments {
            if let syn::PathArguments::AngleBracketed(a) = &seg.arguments {
                if let Some(syn::GenericArgument::Type(t)) = a.args.first() {
                    elem = super::check::parse_type(t, &mut self.infer)?;
                }
            }
        }
        let nd_check = |nd: u8| -> Result<()> {
            match ty_nd {
                Some(k) if k != nd => Err(Error::new(span, "mismatched types").label(format!(
                    "expected `Array{k}<_>`, found an array of {nd} dimension{}",
                    if nd == 1 { "" } else { "s" }
                ))),
                _ => Ok(()),
            }
        };
        let arr = |e: &Ty, nd: u8| Ty::Nd(Box::new(e.clone()), nd);
        let e = match f {
            "zeros" | "ones" => {
                nargs(1)?;
                let (nd, ds) = self.shape_arg(args[0], span)?;
                nd_check(nd)?;
                self.mask_ctor_check(&elem, f, nd, span)?;
                let name = if f == "zeros" { "zeros" } else { "ones" };
                let mut a = vec![int(nd as i64, span)];
                a.extend(ds);
                Expr::new(K::Intrinsic(shim(name, Some(255)), a), arr(&elem, nd), span)
            }
            "from_elem" => {
                nargs(2)?;
                let (nd, ds) = self.shape_arg(args[0], span)?;
                nd_check(nd)?;
                let v = self.expr(args[1], Some(&elem))?;
                let v = self.auto_deref(v);
                self.unify(&elem, &v.ty, v.span)?;
                let mut a = vec![int(nd as i64, span)];
                a.extend(ds);
                a.push(v);
                Expr::new(
                    K::Intrinsic(shim("full", Some(255)), a),
                    arr(&elem, nd),
                    span,
                )
            }
            "eye" => {
                nargs(1)?;
                nd_check(2)?;
                self.mask_ctor_check(&elem, f, 2, span)?;
                let n = self.usize_arg(args[0])?;
                Expr::new(
                    K::Intrinsic(shim("eye", Some(255)), vec![n]),
                    arr(&elem, 2),
                    span,
                )
            }
            "linspace" | "range" => {
                nargs(3)?;
                nd_check(1)?;
                let a = self.expr(args[0], Some(&elem))?;
                let a = self.auto_deref(a);
                self.unify(&elem, &a.ty, a.span)?;
                let b = self.arg(args[1], &elem)?;
                let c = if f == "linspace" {
                    self.usize_arg(args[2])?
                } else {
                    self.arg(args[2], &elem)?
                };
                if let Ty::Infer(v) = self.infer.shallow(&elem) {
                    if self.infer.kind(v) == VarKind::Float {
                        self.unify(&elem, &Ty::F64, span)?;
                    }
                }
                if !matches!(self.infer.shallow(&elem), Ty::Float(_)) {
                    return Err(Error::new(
                        span,
                        format!(
                            "the trait bound `{}: Float` is not satisfied",
                            self.infer.show(&elem)
                        ),
                    ));
                }
                Expr::new(
                    K::Intrinsic(
                        shim(
                            if f == "linspace" { "linspace" } else { "range" },
                            Some(255),
                        ),
                        vec![a, b, c],
                    ),
                    arr(&elem, 1),
                    span,
                )
            }
            "from_shape_fn" => {
                nargs(2)?;
                let (nd, ds) = self.shape_arg(args[0], span)?;
                nd_check(nd)?;
                self.nd_from_shape_fn(nd, ds, args[1], &elem, span)?
            }
            "from_vec" | "from" | "from_shape_vec" => {
                let (nd, mut a) = if f == "from_shape_vec" {
                    nargs(2)?;
                    if !unwrapped {
                        return Err(Error::unsupported(
                            span,
                            "a `Result` value (call `.unwrap()` on it at once)",
                        ));
                    }
                    let (nd, ds) = self.shape_arg(args[0], span)?;
                    nd_check(nd)?;
                    let mut a = vec![int(nd as i64, span)];
                    a.extend(ds);
                    (nd, a)
                } else {
                    nargs(1)?;
                    nd_check(1)?;
                    (
                        1,
                        vec![int(0, span), int(0, span), int(0, span), int(0, span)],
                    )
                };
                let vt = Ty::Vec(Box::new(elem.clone()));
                let v = self.expr(args[args.len() - 1], Some(&vt))?;
                self.unify(&vt, &v.ty, v.span)?;
                a.push(v);
                Expr::new(
                    K::Intrinsic(shim("from_vec", Some(255)), a),
                    arr(&elem, nd),
                    span,
                )
            }
            _ => {
                return Err(Error::unsupported(
                    span,
                    format!("`{}::{f}` in the fast tier", segs[0]),
                ))
            }
        };
        Ok(Some(e))
    }

    /// `array![...]`: nested bracketed lists of scalars (1 to 3 dimensions, rows of equal length).
    pub fn nd_array_macro(
        &mut self,
        toks: proc_macro2::TokenStream,
        span: Span,
        expect: Option<&Ty>,
    ) -> Result<Expr> {
        let list: syn::Expr = syn::Expr::Array(
            syn::parse2(quote::quote!([#toks])).map_err(|e| Error::new(span, e.to_string()))?,
        );
        let elem = match expect.map(|t| self.infer.shallow(t)) {
            Some(Ty::Nd(e, _)) => *e,
            _ => self.infer.fresh(VarKind::General),
        };
        // the shape from the first element at each depth; every list must match it
        let mut dims = vec![];
        let mut at = &list;
        while let syn::Expr::Array(a) = at {
            dims.push(a.elems.len());
            match a.elems.first() {
                Some(x) => at = x,
                None => break,
            }
        }
        if dims.len() > 3 {
            return Err(Error::unsupported(
                span,
                "array! with more than 3 dimensions",
            ));
        }
        let mut flat = vec![];
        fn walk<'s>(
            e: &'s syn::Expr,
            depth: usize,
            dims: &[usize],
            flat: &mut Vec<&'s syn::Expr>,
        ) -> Result<()> {
            match e {
                syn::Expr::Array(a) if depth < dims.len() => {
                    if a.elems.len() != dims[depth] {
                        return Err(Error::new(
                            Span::of_node(e),
                            "array! rows must all have the same length",
                        ));
                    }
                    for x in &a.elems {
                        walk(x, depth + 1, dims, flat)?;
                    }
                    Ok(())
                }
                syn::Expr::Array(_) => Err(Error::unsupported(
                    Span::of_node(e),
                    "array! with ragged rows",
                )),
                _ if depth < dims.len() => Err(Error::new(
                    Span::of_node(e),
                    "array! rows must all have the same length",
                )),
                _ => {
                    flat.push(e);
                    Ok(())
                }
            }
        }
        walk(&list, 0, &dims, &mut flat)?;
        let nd = dims.len();
        let mut es = vec![];
        for x in flat {
            let v = self.expr(x, Some(&elem))?;
            let v = self.auto_deref(v);
            self.unify(&elem, &v.ty, v.span)?;
            es.push(v);
        }
        let vt = Ty::Vec(Box::new(elem.clone()));
        let v = Expr::new(K::VecLit(es), vt, span);
        dims.resize(3, 0);
        let a = vec![
            int(nd as i64, span),
            int(dims[0] as i64, span),
            int(dims[1] as i64, span),
            int(dims[2] as i64, span),
            v,
        ];
        Ok(Expr::new(
            K::Intrinsic(shim("from_vec", Some(255)), a),
            Ty::Nd(Box::new(elem), nd as u8),
            span,
        ))
    }

    /// `a[[i, j]]`, `a[(i, j)]`, `a[i]`.
    pub fn nd_index(&mut self, b: Expr, idx: &syn::Expr, span: Span) -> Result<Expr> {
        let (elem, nd) = nd_of(&self.infer.shallow(&b.ty)).unwrap();
        let parts: Vec<&syn::Expr> = match idx {
            syn::Expr::Array(a) => a.elems.iter().collect(),
            syn::Expr::Tuple(t) => t.elems.iter().collect(),
            e => vec![e],
        };
        if parts.len() != nd as usize {
            return Err(Error::new(
                span,
                format!(
                    "the index has {} component{} but the array has {nd} dimension{}",
                    parts.len(),
                    if parts.len() == 1 { "" } else { "s" },
                    if nd == 1 { "" } else { "s" }
                ),
            ));
        }
        let mut ix = vec![];
        for p in parts {
            ix.push(self.usize_arg(p)?);
        }
        let it = Ty::Array(Box::new(Ty::USIZE), nd as u64);
        let i = Expr::new(K::Array(ix), it, Span::of_node(idx));
        Ok(Expr::new(K::Index(Box::new(b), Box::new(i)), elem, span))
    }

    /// Arithmetic with an array on either side (ndarray's operators, broadcasting).
    pub fn nd_binary(
        &mut self,
        op: BinOp,
        assign: bool,
        l: Expr,
        r: Expr,
        span: Span,
    ) -> Result<Expr> {
        // ndarray implements operators for owned arrays and for references, not for views
        // by value (`&v + 1.0`, not `v + 1.0`)
        for (x, is_l) in [(&l, true), (&r, false)] {
            if is_l && assign {
                continue;
            }
            if let Ty::NdView(t, n, _) = self.infer.resolve(&x.ty, false) {
                return Err(Error::new(
                    x.span,
                    format!(
                        "cannot apply operator `{}` to `ArrayView{n}<'_, {t}>` by value",
                        super::exprs::op_str(op)
                    ),
                )
                .hint("borrow the view: `&v`"));
            }
        }
        if matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor) {
            return self.mask_binary(op, assign, l, r, span);
        }
        let code = match op {
            BinOp::Add => 0,
            BinOp::Sub => 1,
            BinOp::Mul => 2,
            BinOp::Div => 3,
            BinOp::Rem => 4,
            // ndarray has no PartialOrd: rustc rejects `a > 0.5` (and `&a < &b`) as E0369 at the
            // operator; the elementwise comparison is `a.mapv(|x| x > 0.5)`.
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
                if nd_of(&self.infer.resolve(&l.ty, false)).is_some() =>
            {
                let ls = self.infer.show(&l.ty);
                return Err(Error::new(
                    span,
                    format!(
                        "binary operation `{}` cannot be applied to type `{ls}`",
                        super::exprs::op_str(op)
                    ),
                )
                .code("E0369")
                .hint("ndarray compares elementwise with `a.mapv(|x| x > y)` (or use %%rust)"));
            }
            _ => {
                return Err(Error::unsupported(
                    span,
                    format!("operator `{}` on arrays", super::exprs::op_str(op)),
                ))
            }
        };
        let lt = self.infer.resolve(&l.ty, false);
        let rt = self.infer.resolve(&r.ty, false);
        let (la, ra) = (nd_of(&lt), nd_of(&rt));
        let elem = la.as_ref().or(ra.as_ref()).map(|x| x.0.clone()).unwrap();
        let mismatch = |ck: &Self| {
            let name = match op {
                BinOp::Add => "add",
                BinOp::Sub => "subtract",
                BinOp::Mul => "multiply",
                BinOp::Div => "divide",
                _ => "calculate the remainder of",
            };
            Error::new(span, format!("cannot {name} `{}` to `{}`", ck.infer.show(&rt), ck.infer.show(&lt)))
                .hint("arrays combine with arrays and scalars of the same element type; convert with `.mapv(|v| v as f64)`")
        };
        let other = if la.is_some() { &ra } else { &la };
        match other {
            Some((e2, _)) => {
                if self.infer.unify(&elem, e2).is_err() {
                    return Err(mismatch(self));
                }
            }
            None => {
                let s = if la.is_some() { &r } else { &l };
                let st = self.infer.shallow(s.ty.peel_refs());
                if self.infer.unify(&elem, &st).is_err() {
                    return Err(mismatch(self));
                }
            }
        }
        let nd = la
            .as_ref()
            .map(|x| x.1)
            .unwrap_or(0)
            .max(ra.as_ref().map(|x| x.1).unwrap_or(0));
        let opc = int(code, span);
        if assign {
            if la.is_none() {
                return Err(mismatch(self));
            }
            let l = self.by_ref(l, true)?;
            return Ok(match ra {
                Some(_) => {
                    let r = self.by_ref(r, false)?;
                    Expr::new(
                        K::Intrinsic(shim("assign_aa", Some(0)), vec![l, r, opc]),
                        Ty::Unit,
                        span,
                    )
                }
                None => {
                    let r = self.auto_deref(r);
                    Expr::new(
                        K::Intrinsic(shim("assign_as", Some(0)), vec![l, r, opc]),
                        Ty::Unit,
                        span,
                    )
                }
            });
        }
        let out = Ty::Nd(Box::new(elem), nd);
        Ok(match (la.is_some(), ra.is_some()) {
            (true, true) => Expr::new(
                K::Intrinsic(shim("bin_aa", Some(0)), vec![l, r, opc]),
                out,
                span,
            ),
            (true, false) => {
                let r = self.auto_deref(r);
                Expr::new(
                    K::Intrinsic(shim("bin_as", Some(0)), vec![l, r, opc]),
                    out,
                    span,
                )
            }
            _ => {
                let l = self.auto_deref(l);
                Expr::new(
                    K::Intrinsic(shim("bin_sa", Some(1)), vec![l, r, opc]),
                    out,
                    span,
                )
            }
        })
    }

    /// `f` as a closure over one element: a closure literal, or a fn path (`f64::tanh`).
    fn elem_closure(&mut self, f: &syn::Expr, elem: &Ty, span: Span) -> Result<u32> {
        let c: syn::ExprClosure = match f {
            syn::Expr::Closure(c) => c.clone(),
            syn::Expr::Path(p) => syn::parse_quote!(|__accel_v| #p(__accel_v)),
            other => {
                return Err(Error::unsupported(
                    Span::of_node(other),
                    "this argument to `mapv` (pass a closure or a fn path)",
                ))
            }
        };
        self.closure_with(&c, Some(vec![elem.clone()]), span)
    }

    /// `x.m(..).unwrap()` / `f(..).unwrap()` where the library returns `Result`/`Option`.
    pub fn nd_unwrapped(
        &mut self,
        recv: &syn::Expr,
        span: Span,
        expect: Option<&Ty>,
    ) -> Result<Option<Expr>> {
        match recv {
            syn::Expr::MethodCall(m) => {
                let name = m.method.to_string();
                if !FUSED.contains(&name.as_str())
                    || (super::iters::is_iter_method(&name) && self.is_iterish(&m.receiver))
                {
                    return Ok(None);
                }
                let r = self.expr(&m.receiver, None)?;
                let args: Vec<&syn::Expr> = m.args.iter().collect();
                if matches!(self.infer.resolve(r.ty.peel_refs(), false), Ty::NdD(..)) {
                    return self.ch_method(r, &name, &args, None, span, true).map(Some);
                }
                if matches!(
                    self.infer.resolve(r.ty.peel_refs(), false),
                    Ty::Nd(..) | Ty::NdView(..)
                ) {
                    self.nd_method_precheck(&r, &m.method)?;
                    return self.nd_method(r, &name, &args, span, true).map(Some);
                }
                // Not an array: what `method_call` does for the two calls.
                let inner = self.std_method(
                    r,
                    &name,
                    &args,
                    m.turbofish.as_ref(),
                    Span::of_node(recv),
                    None,
                )?;
                self.std_method(inner, "unwrap", &[], None, span, expect)
                    .map(Some)
            }
            syn::Expr::Call(c) => {
                let syn::Expr::Path(p) = &*c.func else {
                    return Ok(None);
                };
                let last = p
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                if !FUSED_FNS.contains(&last.as_str()) {
                    return Ok(None);
                }
                let segs: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if segs.len() == 1 && self.env.fns.contains_key(&segs[0]) {
                    return Ok(None);
                }
                let canon = self.env.canonical(&segs);
                let args: Vec<&syn::Expr> = c.args.iter().collect();
                self.nd_path_call(p, &canon, &args, span, true)
            }
            _ => Ok(None),
        }
    }

    /// Methods of `Array1/2` and `Generator`.
    pub fn nd_method(
        &mut self,
        recv: Expr,
        name: &str,
        args: &[&syn::Expr],
        span: Span,
        unwrapped: bool,
    ) -> Result<Expr> {
        let rt = self.infer.resolve(recv.ty.peel_refs(), false);
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
        if rt == Ty::Rng {
            let g = self.by_ref(recv, true)?;
            let (n, lohi): (&'static str, Option<Ty>) = match name {
                "normal" => ("rng_normal", Some(Ty::F64)),
                "uniform" => ("rng_uniform", Some(Ty::F64)),
                "integers" => ("rng_integers", Some(Ty::I64)),
                "random" => ("rng_random", None),
                _ => return Err(Error::new(span, format!("no method named `{name}` found for struct `Generator` in the current scope"))),
            };
            let k = if lohi.is_some() { 3 } else { 1 };
            nargs(k)?;
            let mut a = vec![g];
            if let Some(t) = &lohi {
                a.push(self.arg(args[0], t)?);
                a.push(self.arg(args[1], t)?);
            }
            let (nd, ds) = self.shape_arg(args[k - 1], span)?;
            a.push(int(nd as i64, span));
            a.extend(ds);
            let et = if name == "integers" { Ty::I64 } else { Ty::F64 };
            return Ok(Expr::new(
                K::Intrinsic(shim(n, None), a),
                Ty::Nd(Box::new(et), nd),
                span,
            ));
        }
        if let Ty::Nd(e, n) | Ty::NdView(e, n, _) = &rt {
            // what bool arrays and 3-d arrays do not have (or the fast tier does not run)
            self.mask_method_check(e, name, &rt, span)?;
            self.nd3_method_check(*n, name, &rt, span)?;
        }
        let recv = match self.view_method(recv, name, args, span)? {
            Ok(e) => return Ok(e),
            Err(r) => r,
        };
        let (Ty::Nd(elem, nd) | Ty::NdView(elem, nd, _)) = rt.clone() else {
            unreachable!()
        };
        let elem = *elem;
        let is_float = matches!(self.infer.shallow(&elem), Ty::Float(_));
        let arr = |e: &Ty, nd: u8| Ty::Nd(Box::new(e.clone()), nd);
        if FUSED.contains(&name) && !unwrapped {
            return Err(Error::unsupported(span, format!("`{name}` returns a `Result`/`Option`: call `.unwrap()` on it at once in the fast tier")));
        }
        let simple = |ck: &mut Self,
                      sh: &'static str,
                      recv: Expr,
                      extra: Vec<Expr>,
                      t: Ty|
         -> Result<Expr> {
            let r = ck.by_ref(recv, false)?;
            let mut a = vec![r];
            a.extend(extra);
            Ok(Expr::new(K::Intrinsic(shim(sh, Some(0)), a), t, span))
        };
        let axis = |ck: &mut Self, e: &syn::Expr| -> Result<Expr> {
            // `Axis(k)`
            if let syn::Expr::Call(c) = e {
                if matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.last().map(|s| s.ident == "Axis").unwrap_or(false))
                    && c.args.len() == 1
                {
                    let k = ck.usize_arg(&c.args[0])?;
                    return Ok(k);
                }
            }
            Err(Error::unsupported(
                Span::of_node(e),
                "axis argument other than `Axis(k)`",
            ))
        };
        let inline = |ck: &mut Self, op: NdOp, recv: Expr, t: Ty| -> Result<Expr> {
            let r = ck.by_ref(recv, false)?;
            Ok(Expr::new(K::Intrinsic(Intr::Nd(op), vec![r]), t, span))
        };
        match name {
            "len" => {
                nargs(0)?;
                inline(self, NdOp::Len, recv, Ty::USIZE)
            }
            "nrows" | "ncols" if nd == 2 => {
                nargs(0)?;
                inline(
                    self,
                    NdOp::Dim(if name == "nrows" { 0 } else { 1 }),
                    recv,
                    Ty::USIZE,
                )
            }
            "ndim" => {
                nargs(0)?;
                Ok(Expr::new(K::Int(nd as i128), Ty::USIZE, span))
            }
            "dim" => {
                nargs(0)?;
                let t = if nd == 1 {
                    Ty::USIZE
                } else {
                    Ty::Tuple(vec![Ty::USIZE; nd as usize])
                };
                inline(self, NdOp::DimTuple, recv, t)
            }
            "shape" => {
                nargs(0)?;
                inline(
                    self,
                    NdOp::Shape,
                    recv,
                    Ty::Ref(Box::new(Ty::Slice(Box::new(Ty::USIZE))), false),
                )
            }
            "sum" | "product" => {
                nargs(0)?;
                simple(
                    self,
                    if name == "sum" { "sum" } else { "product" },
                    recv,
                    vec![],
                    elem,
                )
            }
            "mean" => {
                nargs(0)?;
                simple(self, "mean", recv, vec![], elem)
            }
            "max" | "min" => {
                nargs(0)?;
                simple(
                    self,
                    if name == "max" { "max" } else { "min" },
                    recv,
                    vec![],
                    elem,
                )
            }
            "argmax" | "argmin" => {
                nargs(0)?;
                simple(
                    self,
                    if name == "argmax" { "argmax" } else { "argmin" },
                    recv,
                    vec![],
                    Ty::USIZE,
                )
            }
            "median" => {
                nargs(0)?;
                simple(self, "median", recv, vec![], Ty::F64)
            }
            "std" | "var" if is_float => {
                nargs(1)?;
                let d = self.arg(args[0], &elem)?;
                simple(
                    self,
                    if name == "std" { "std" } else { "var" },
                    recv,
                    vec![d],
                    elem,
                )
            }
            "sum_axis" | "mean_axis" if nd >= 2 => {
                nargs(1)?;
                let k = axis(self, args[0])?;
                simple(
                    self,
                    if name == "sum_axis" {
                        "sum_axis"
                    } else {
                        "mean_axis"
                    },
                    recv,
                    vec![k],
                    arr(&elem, nd - 1),
                )
            }
            "dot" => {
                nargs(1)?;
                let o = self.expr(args[0], None)?;
                let Some((e2, n2)) = nd_of(&self.infer.resolve(&o.ty, false)) else {
                    return Err(Error::new(o.span, "mismatched types")
                        .label("expected a reference to an array"));
                };
                self.unify(&elem, &e2, o.span)?;
                let o = self.by_ref(o, false)?;
                match (nd, n2) {
                    (1, 1) => simple(self, "dot11", recv, vec![o], elem),
                    (2, n) => simple(self, "dot", recv, vec![o], arr(&elem, n)),
                    _ => Err(Error::unsupported(
                        span,
                        "`dot` of a 1-d array with a 2-d array",
                    )),
                }
            }
            "t" | "reversed_axes" => {
                nargs(0)?;
                simple(self, "t", recv, vec![], arr(&elem, nd))
            }
            "diag" if nd == 2 => {
                nargs(0)?;
                simple(self, "diag", recv, vec![], arr(&elem, 1))
            }
            "clone" | "to_owned" => {
                nargs(0)?;
                simple(self, "clone", recv, vec![], arr(&elem, nd))
            }
            "fill" => {
                nargs(1)?;
                let v = self.arg(args[0], &elem)?;
                let r = self.by_ref(recv, true)?;
                Ok(Expr::new(
                    K::Intrinsic(shim("fill", Some(0)), vec![r, v]),
                    Ty::Unit,
                    span,
                ))
            }
            "powi" if is_float => {
                nargs(1)?;
                let n = self.arg(args[0], &Ty::I32)?;
                simple(self, "powi", recv, vec![n], arr(&elem, nd))
            }
            "powf" if is_float => {
                nargs(1)?;
                let n = self.arg(args[0], &elem)?;
                simple(self, "powf", recv, vec![n], arr(&elem, nd))
            }
            n if is_float && crate::abi::symbols::ARRAY_UNARY.contains(&n) => {
                nargs(0)?;
                let code = crate::abi::symbols::ARRAY_UNARY
                    .iter()
                    .position(|x| *x == n)
                    .unwrap();
                simple(
                    self,
                    "unary",
                    recv,
                    vec![int(code as i64, span)],
                    arr(&elem, nd),
                )
            }
            "mapv" | "mapv_inplace" => {
                nargs(1)?;
                let ci = self.elem_closure(args[0], &elem, span)?;
                let ret = self.closures[ci as usize].ret.clone();
                let c = Expr::new(K::Closure(ci), Ty::Closure(ci), span);
                if name == "mapv_inplace" {
                    self.unify(&elem, &ret, span)?;
                    let r = self.by_ref(recv, true)?;
                    return Ok(Expr::new(
                        K::Intrinsic(Intr::Nd(NdOp::Mapv), vec![r, c]),
                        Ty::Unit,
                        span,
                    ));
                }
                if let Ty::Infer(v) = self.infer.shallow(&ret) {
                    match self.infer.kind(v) {
                        VarKind::Float => self.unify(&ret, &Ty::F64, span)?,
                        VarKind::Int => self.unify(&ret, &Ty::I32, span)?,
                        _ => {}
                    }
                }
                let r = self.by_ref(recv, false)?;
                Ok(Expr::new(
                    K::Intrinsic(Intr::Nd(NdOp::Mapv), vec![r, c]),
                    arr(&ret, nd),
                    span,
                ))
            }
            _ => Err(Error::unsupported(
                span,
                format!(
                    "method `{name}` of `{}` in the fast tier",
                    self.infer.show(&rt)
                ),
            )),
        }
    }
}
