//! The accel prelude's `Chunked` (dask-style lazy blocked f64 arrays) and the `ArrayD<T>` its
//! `compute()` returns, in the fast tier: constructors, lazy methods, operators, `s![]`
//! slicing, `compute`, and `map_blocks`/`mapv` with a user fn.
//!
//! Like dense arrays (`arrays.rs`), every library operation is a call of a shim
//! (`exec::chunked_rt`, the accel crate's own code), so both tiers build the same task graph.
//! Typeck tracks the number of axes of a `Chunked`/`ArrayD` where it can (`ANY_NDIM` where it
//! cannot: an annotation `Chunked`, a `.npy` source) so that a computed result can be indexed
//! and used with the dense arrays' methods: an `ArrayD` of 1 or 2 axes is the same `NdBox` as
//! an `Array1`/`Array2`, seen through `ChOp::AsNd` (borrowed) or `ChOp::Retype` (owned).
//!
//! `map_blocks(f)` / `mapv(f)` take a `fn` item of the cell or an earlier one (its address is
//! passed to the library, which calls it on its worker threads); closures are refused since
//! the fast tier inlines closures rather than compiling them as functions.

use super::check::Checker;
use super::infer::InferTable;
use super::typed::{BinOp, ChOp, Expr, ExprKind as K, Intr, NdOp};
use crate::abi::ty::{FloatTy, IntTy, Ty, VarKind, ANY_NDIM};
use crate::diag::Result;
use crate::diag::{Error, Span};

pub(super) fn shim(name: &'static str) -> Intr {
    Intr::Nd(NdOp::Shim {
        name,
        elem_arg: None,
    })
}

pub(super) fn int(v: i64, span: Span) -> Expr {
    Expr::new(K::Int(v as i128), Ty::I64, span)
}

/// `Chunked`, `ArrayD<T>`, `ArrayViewD<'_, T>` (a view is a shared reference to an array box
/// in the fast tier), under any `ndarray::`/`accel::` prefix.
pub fn parse_chunked_type(segs: &[String], args: &[Ty]) -> Option<Result<Ty>> {
    let name = segs.last()?.as_str();
    if !segs[..segs.len() - 1]
        .iter()
        .all(|s| matches!(s.as_str(), "ndarray" | "accel" | "prelude" | "chunked"))
    {
        return None;
    }
    if matches!(name, "ArrayD" | "ArrayViewD") && matches!(args, [t] if *t != Ty::F64) {
        return Some(Err(Error::unsupported(
            Span::default(),
            format!(
                "`{name}<{}>` in the fast tier (`{name}<f64>` is supported)",
                args[0]
            ),
        )));
    }
    Some(Ok(match (name, args) {
        ("Chunked", []) => Ty::Chunked(ANY_NDIM),
        ("ArrayD", [t]) => Ty::NdD(Box::new(t.clone()), ANY_NDIM),
        ("ArrayViewD", [t]) => Ty::Ref(Box::new(Ty::NdD(Box::new(t.clone()), ANY_NDIM)), false),
        _ => return None,
    }))
}

/// `let x: Chunked = e` keeps the number of axes typeck knows for `e`.
pub fn keeps_ndim(infer: &InferTable, annot: &Ty, init: &Ty) -> bool {
    match (infer.shallow(annot), infer.shallow(init)) {
        (Ty::Chunked(ANY_NDIM), Ty::Chunked(_)) => true,
        (Ty::NdD(_, ANY_NDIM), Ty::NdD(..)) => true,
        _ => false,
    }
}

/// The element types `Chunked::from_array` accepts, and their shim suffix.
fn elem_sfx(t: &Ty) -> Option<&'static str> {
    crate::abi::symbols::elem_suffix(t)
}

const UNARY: &[&str] = crate::abi::symbols::CHUNKED_UNARY;

fn reduce_code(name: &str) -> Option<i64> {
    Some(match name.trim_end_matches("_axis") {
        "sum" => 0,
        "mean" => 1,
        "min" => 2,
        "max" => 3,
        "var" => 4,
        "std" => 5,
        _ => return None,
    })
}

impl<'a, 'e> Checker<'a, 'e> {
    /// `&e` for a `&self` receiver.
    pub(super) fn ch_ref(&mut self, e: Expr) -> Expr {
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

    pub(super) fn nargs(&self, args: &[&syn::Expr], n: usize, span: Span) -> Result<()> {
        if args.len() != n {
            return Err(Error::new(
                span,
                format!(
                    "this function takes {n} argument{} but {} {} supplied",
                    if n == 1 { "" } else { "s" },
                    args.len(),
                    if args.len() == 1 {
                        "argument was"
                    } else {
                        "arguments were"
                    }
                ),
            )
            .code("E0061"));
        }
        Ok(())
    }

    /// A shape: `n`, `(n,)`, `(n, m)`, `[n, m, k]` (at most 3 axes) → [ndim, d0, d1, d2].
    fn ch_shape(&mut self, e: &syn::Expr, span: Span) -> Result<(u8, Vec<Expr>)> {
        let elems: Vec<&syn::Expr> = match e {
            syn::Expr::Tuple(t) => t.elems.iter().collect(),
            syn::Expr::Array(a) => a.elems.iter().collect(),
            syn::Expr::Paren(p) => vec![&*p.expr],
            e => vec![e],
        };
        if elems.len() > 3 {
            return Err(Error::unsupported(
                span,
                "chunked arrays of more than 3 dimensions",
            ));
        }
        let mut v = vec![int(elems.len() as i64, span)];
        for x in &elems {
            v.push(self.arg(x, &Ty::USIZE)?);
        }
        while v.len() < 4 {
            v.push(int(0, span));
        }
        Ok((elems.len() as u8, v))
    }

    /// `Axis(k)`.
    pub(super) fn ch_axis(&mut self, e: &syn::Expr) -> Result<Expr> {
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

    fn ch_str(&mut self, e: &syn::Expr) -> Result<Expr> {
        let v = self.expr(e, None)?;
        match self.infer.resolve(&v.ty, false) {
            Ty::Ref(t, _) if *t == Ty::Str => Ok(v),
            t => Err(Error::unsupported(
                v.span,
                format!("a path of type `{}` (pass a `&str`)", self.infer.show(&t)),
            )),
        }
    }

    /// `Chunked::random_normal(..)` and the other constructors.
    pub fn ch_path_call(
        &mut self,
        canon: &[String],
        args: &[&syn::Expr],
        span: Span,
    ) -> Result<Option<Expr>> {
        let segs: Vec<&str> = canon
            .iter()
            .map(|s| s.as_str())
            .filter(|s| !matches!(*s, "accel" | "prelude" | "chunked"))
            .collect();
        let ["Chunked", f] = segs.as_slice() else {
            return Ok(None);
        };
        let ch = |nd: u8| Ty::Chunked(nd);
        let e = match *f {
            "random_normal" | "random_uniform" => {
                self.nargs(args, 5, span)?;
                let mut a = vec![
                    int(if *f == "random_normal" { 0 } else { 1 }, span),
                    self.arg(args[0], &Ty::F64)?,
                    self.arg(args[1], &Ty::F64)?,
                ];
                let (nd, sh) = self.ch_shape(args[2], span)?;
                a.extend(sh);
                a.extend(self.ch_chunks(args[3], span)?);
                a.push(self.arg(args[4], &Ty::Int(IntTy::U64))?);
                Expr::new(K::Intrinsic(shim("ch_random"), a), ch(nd), span)
            }
            "random" => {
                self.nargs(args, 3, span)?;
                let mut a = vec![
                    int(1, span),
                    Expr::new(K::Float(0.0), Ty::F64, span),
                    Expr::new(K::Float(1.0), Ty::F64, span),
                ];
                let (nd, sh) = self.ch_shape(args[0], span)?;
                a.extend(sh);
                a.extend(self.ch_chunks(args[1], span)?);
                a.push(self.arg(args[2], &Ty::Int(IntTy::U64))?);
                Expr::new(K::Intrinsic(shim("ch_random"), a), ch(nd), span)
            }
            "zeros" | "ones" | "full" => {
                let k = if *f == "full" { 3 } else { 2 };
                self.nargs(args, k, span)?;
                let (nd, sh) = self.ch_shape(args[0], span)?;
                let v = if *f == "full" {
                    self.arg(args[1], &Ty::F64)?
                } else {
                    Expr::new(
                        K::Float(if *f == "ones" { 1.0 } else { 0.0 }),
                        Ty::F64,
                        span,
                    )
                };
                let mut a = sh;
                a.push(v);
                a.extend(self.ch_chunks(args[k - 1], span)?);
                Expr::new(K::Intrinsic(shim("ch_full"), a), ch(nd), span)
            }
            "from_array" => {
                self.nargs(args, 2, span)?;
                let x = self.expr(args[0], None)?;
                let t = self.infer.resolve(&x.ty, true);
                let (e, nd) = match t.peel_refs() {
                    Ty::Nd(e, n) => ((**e).clone(), *n),
                    Ty::NdD(e, n) => ((**e).clone(), *n),
                    _ => {
                        return Err(Error::new(x.span, "mismatched types").label(format!(
                            "expected a reference to an array, found `{}`",
                            self.infer.show(&t)
                        )))
                    }
                };
                if !matches!(t, Ty::Ref(..)) {
                    return Err(Error::new(x.span, "mismatched types")
                        .code("E0308")
                        .label(format!("expected `&ArrayBase<_, _>`, found `{t}`"))
                        .hint("consider borrowing here: `&a`"));
                }
                // (bool arrays are fast-tier arrays too, but not chunked: no `ch_from_array_bool`)
                let Some(sfx) = elem_sfx(&e).filter(|s| *s != "bool") else {
                    return Err(Error::unsupported(
                        x.span,
                        format!("chunked arrays of `{e}` in the fast tier"),
                    ));
                };
                let name: &'static str = match sfx {
                    "f64" => "ch_from_array_f64",
                    "f32" => "ch_from_array_f32",
                    "i64" => "ch_from_array_i64",
                    _ => "ch_from_array_i32",
                };
                let mut a = vec![x];
                a.extend(self.ch_chunks(args[1], span)?);
                Expr::new(K::Intrinsic(shim(name), a), ch(nd), span)
            }
            "from_npy" => {
                self.nargs(args, 2, span)?;
                let mut a = vec![self.ch_str(args[0])?];
                a.extend(self.ch_chunks(args[1], span)?);
                Expr::new(K::Intrinsic(shim("ch_from_npy"), a), ch(ANY_NDIM), span)
            }
            "concatenate" | "stack" => self.ch_combine(f, args, span)?,
            f => {
                return Err(Error::unsupported(
                    span,
                    format!("`Chunked::{f}` in the fast tier"),
                ))
            }
        };
        Ok(Some(e))
    }

    /// `s![..]` → a `Vec<i64>` of 5 numbers per element: kind (0 range, 1 index, 2 NewAxis),
    /// start, end, has end, step; and the number of axes it leaves.
    fn ch_slice_info(&mut self, e: &syn::Expr, in_nd: u8) -> Result<(Expr, u8)> {
        let span = Span::of_node(e);
        let syn::Expr::Macro(m) = e else {
            return Err(Error::unsupported(
                span,
                "a slice argument other than `s![...]`",
            ));
        };
        if !m
            .mac
            .path
            .segments
            .last()
            .map(|s| s.ident == "s")
            .unwrap_or(false)
        {
            return Err(Error::unsupported(
                span,
                "a slice argument other than `s![...]`",
            ));
        }
        let mut parts: Vec<Vec<proc_macro2::TokenTree>> = vec![vec![]];
        for t in m.mac.tokens.clone() {
            match &t {
                proc_macro2::TokenTree::Punct(p) if p.as_char() == ',' => parts.push(vec![]),
                _ => parts.last_mut().unwrap().push(t),
            }
        }
        if parts.last().map(|p| p.is_empty()).unwrap_or(false) {
            parts.pop();
        }
        let mut vals = vec![];
        let mut out_nd = 0u8;
        let mut indexed = 0u8;
        let to_i64 = |ck: &mut Self, x: &syn::Expr| -> Result<Expr> {
            let v = ck.expr(x, None)?;
            let v = ck.auto_deref(v);
            let t = ck.infer.resolve(&v.ty, false);
            match t {
                Ty::Int(_) => {}
                Ty::Infer(i) if ck.infer.kind(i) == VarKind::Int => {
                    ck.unify(&Ty::I32, &v.ty, v.span)?
                }
                t => {
                    return Err(Error::new(v.span, "mismatched types").label(format!(
                        "expected an integer, found `{}`",
                        ck.infer.show(&t)
                    )))
                }
            }
            let sp = v.span;
            Ok(Expr::new(K::Cast(Box::new(v)), Ty::I64, sp))
        };
        for p in parts {
            let ts: proc_macro2::TokenStream = p.into_iter().collect();
            let mut halves = vec![vec![]];
            for t in ts.clone() {
                match &t {
                    proc_macro2::TokenTree::Punct(p) if p.as_char() == ';' => halves.push(vec![]),
                    _ => halves.last_mut().unwrap().push(t),
                }
            }
            let left: proc_macro2::TokenStream = halves[0].iter().cloned().collect();
            let le: syn::Expr =
                syn::parse2(left).map_err(|x| Error::new(span, format!("s![] element: {x}")))?;
            let step = match halves.get(1) {
                Some(h) => {
                    let se: syn::Expr = syn::parse2(h.iter().cloned().collect())
                        .map_err(|x| Error::new(span, format!("s![] step: {x}")))?;
                    to_i64(self, &se)?
                }
                None => int(1, span),
            };
            match &le {
                syn::Expr::Range(r) => {
                    let start = match &r.start {
                        Some(s) => to_i64(self, s)?,
                        None => int(0, span),
                    };
                    let (end, has) = match &r.end {
                        Some(x) => {
                            let e = to_i64(self, x)?;
                            let e = if matches!(r.limits, syn::RangeLimits::Closed(_)) {
                                let sp = e.span;
                                Expr::new(
                                    K::Binary(BinOp::Add, Box::new(e), Box::new(int(1, sp))),
                                    Ty::I64,
                                    sp,
                                )
                            } else {
                                e
                            };
                            (e, int(1, span))
                        }
                        None => (int(0, span), int(0, span)),
                    };
                    vals.extend([int(0, span), start, end, has, step]);
                    out_nd += 1;
                    indexed += 1;
                }
                syn::Expr::Path(p)
                    if p.path
                        .segments
                        .last()
                        .map(|s| s.ident == "NewAxis")
                        .unwrap_or(false) =>
                {
                    vals.extend([
                        int(2, span),
                        int(0, span),
                        int(0, span),
                        int(0, span),
                        int(1, span),
                    ]);
                    out_nd += 1;
                }
                x => {
                    let i = to_i64(self, x)?;
                    vals.extend([int(1, span), i, int(0, span), int(0, span), int(1, span)]);
                    indexed += 1;
                }
            }
        }
        let nd = if in_nd == ANY_NDIM {
            ANY_NDIM
        } else {
            out_nd + in_nd.saturating_sub(indexed)
        };
        Ok((
            Expr::new(K::VecLit(vals), Ty::Vec(Box::new(Ty::I64)), span),
            nd,
        ))
    }

    /// A `fn` item of signature `params -> ret` passed to the library (`map_blocks`, `mapv`).
    fn ch_fn_arg(&mut self, f: &syn::Expr, what: &str, params: &[Ty], ret: &Ty) -> Result<Expr> {
        let span = Span::of_node(f);
        let name = match f {
            syn::Expr::Path(p) if p.path.segments.len() == 1 => p.path.segments[0].ident.to_string(),
            syn::Expr::Closure(_) => {
                return Err(Error::unsupported(span, format!("a closure passed to `{what}` (the fast tier inlines closures; the library needs a function it can call from its worker threads)"))
                    .hint("define a `fn` in a `%%jit` cell and pass its name, or use `%%rust`"))
            }
            _ => return Err(Error::unsupported(span, format!("this argument to `{what}` (pass the name of a `fn`)"))),
        };
        let Some(sig) = self.env.fns.get(&name).cloned() else {
            return Err(Error::unsupported(span, format!("`{name}` as an argument to `{what}` (pass the name of a `fn` of a `%%jit` cell)")));
        };
        let ok = sig.params.len() == params.len()
            && sig
                .params
                .iter()
                .zip(params)
                .all(|(a, b)| sig_matches(a, b))
            && sig_matches(&sig.ret, ret);
        if !ok {
            let ps: Vec<String> = params.iter().map(|t| self.infer.show(t)).collect();
            return Err(Error::new(span, "mismatched types").label(format!(
                "`{what}` needs a `fn({}) -> {}`, `{name}` is `fn({}) -> {}`",
                ps.join(", "),
                self.infer.show(ret),
                sig.params
                    .iter()
                    .map(|t| self.infer.show(t))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.infer.show(&sig.ret)
            )));
        }
        let call = Expr::new(K::Call(name, vec![]), Ty::I64, span);
        Ok(Expr::new(
            K::Intrinsic(Intr::Ch(ChOp::FnAddr), vec![call]),
            Ty::I64,
            span,
        ))
    }

    /// `Boundary::None` → (0, 0.0); `Boundary::Constant(v)` → (1, v).
    fn ch_boundary(&mut self, e: &syn::Expr) -> Result<(i64, Expr)> {
        let span = Span::of_node(e);
        let last = |p: &syn::Path| {
            p.segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default()
        };
        match e {
            syn::Expr::Path(p) if last(&p.path) == "None" && p.path.segments.len() >= 2 => {
                Ok((0, Expr::new(K::Float(0.0), Ty::F64, span)))
            }
            syn::Expr::Call(c)
                if c.args.len() == 1
                    && matches!(&*c.func, syn::Expr::Path(p) if last(&p.path) == "Constant") =>
            {
                Ok((1, self.arg(&c.args[0], &Ty::F64)?))
            }
            _ => Err(Error::unsupported(
                span,
                "this boundary argument (write `Boundary::None` or `Boundary::Constant(v)`)",
            )),
        }
    }

    /// Methods of `Chunked` and `ArrayD` (and `into_dyn()` of a dense array).
    pub fn ch_method(
        &mut self,
        recv: Expr,
        name: &str,
        args: &[&syn::Expr],
        _turbofish: Option<&syn::AngleBracketedGenericArguments>,
        span: Span,
        unwrapped: bool,
    ) -> Result<Expr> {
        let rt = self.infer.resolve(recv.ty.peel_refs(), false);
        match rt {
            Ty::Chunked(nd) => self.chunked_method(recv, nd, name, args, span),
            Ty::NdD(e, nd) => self.ndd_method(recv, *e, nd, name, args, span, unwrapped),
            Ty::Nd(e, nd) if name == "into_dyn" => {
                self.nargs(args, 0, span)?;
                if *e != Ty::F64 {
                    return Err(Error::unsupported(
                        span,
                        format!(
                            "`into_dyn()` of an array of `{e}` in the fast tier (f64 is supported)"
                        ),
                    ));
                }
                if matches!(self.infer.shallow(&recv.ty), Ty::Ref(..)) {
                    return Err(Error::unsupported(
                        span,
                        "`into_dyn()` of a borrowed array (call it on an owned array)",
                    ));
                }
                Ok(Expr::new(
                    K::Intrinsic(Intr::Ch(ChOp::Retype), vec![recv]),
                    Ty::NdD(e, nd),
                    span,
                ))
            }
            _ => Err(Error::new(
                span,
                format!(
                    "no method named `{name}` found for `{}` in the current scope",
                    self.infer.show(&rt)
                ),
            )),
        }
    }

    fn chunked_method(
        &mut self,
        recv: Expr,
        nd: u8,
        name: &str,
        args: &[&syn::Expr],
        span: Span,
    ) -> Result<Expr> {
        let less = |nd: u8| {
            if nd == ANY_NDIM || nd == 0 {
                nd
            } else {
                nd - 1
            }
        };
        let r = self.ch_ref(recv);
        let call =
            |n: &'static str, a: Vec<Expr>, t: Ty| Expr::new(K::Intrinsic(shim(n), a), t, span);
        Ok(match name {
            "sum" | "mean" | "min" | "max" | "var" | "std" => {
                let k = if matches!(name, "var" | "std") { 1 } else { 0 };
                self.nargs(args, k, span)?;
                let ddof = if k == 1 {
                    self.arg(args[0], &Ty::F64)?
                } else {
                    Expr::new(K::Float(0.0), Ty::F64, span)
                };
                call(
                    "ch_reduce",
                    vec![
                        r,
                        int(reduce_code(name).unwrap(), span),
                        int(-1, span),
                        ddof,
                    ],
                    Ty::Chunked(0),
                )
            }
            "sum_axis" | "mean_axis" | "min_axis" | "max_axis" | "var_axis" | "std_axis" => {
                let k = if matches!(name, "var_axis" | "std_axis") {
                    2
                } else {
                    1
                };
                self.nargs(args, k, span)?;
                let ax = self.ch_axis(args[0])?;
                let ax = Expr::new(K::Cast(Box::new(ax)), Ty::I64, span);
                let ddof = if k == 2 {
                    self.arg(args[1], &Ty::F64)?
                } else {
                    Expr::new(K::Float(0.0), Ty::F64, span)
                };
                call(
                    "ch_reduce",
                    vec![r, int(reduce_code(name).unwrap(), span), ax, ddof],
                    Ty::Chunked(less(nd)),
                )
            }
            "slice" => {
                self.nargs(args, 1, span)?;
                let (info, out) = self.ch_slice_info(args[0], nd)?;
                call("ch_slice", vec![r, info], Ty::Chunked(out))
            }
            "rechunk" => {
                self.nargs(args, 1, span)?;
                let mut a = vec![r];
                a.extend(self.ch_chunks(args[0], span)?);
                call("ch_rechunk", a, Ty::Chunked(nd))
            }
            "compute" => {
                self.nargs(args, 0, span)?;
                call("ch_compute", vec![r], Ty::NdD(Box::new(Ty::F64), nd))
            }
            "compute_scalar" => {
                self.nargs(args, 0, span)?;
                call("ch_compute_scalar", vec![r], Ty::F64)
            }
            "shape" => {
                self.nargs(args, 0, span)?;
                Expr::new(
                    K::Intrinsic(Intr::Ch(ChOp::Shape), vec![r]),
                    Ty::Ref(Box::new(Ty::Slice(Box::new(Ty::USIZE))), false),
                    span,
                )
            }
            "ndim" | "size" | "npartitions" | "task_count" | "layer_count" => {
                self.nargs(args, 0, span)?;
                let code = ["ndim", "size", "npartitions", "task_count", "layer_count"]
                    .iter()
                    .position(|x| *x == name)
                    .unwrap();
                call("ch_count", vec![r, int(code as i64, span)], Ty::USIZE)
            }
            "clone" => {
                self.nargs(args, 0, span)?;
                call("ch_clone", vec![r], Ty::Chunked(nd))
            }
            "t" => {
                self.nargs(args, 0, span)?;
                call("ch_t", vec![r], Ty::Chunked(nd))
            }
            "powi" => {
                self.nargs(args, 1, span)?;
                let k = self.arg(args[0], &Ty::I32)?;
                let k = Expr::new(K::Cast(Box::new(k)), Ty::F64, span);
                call(
                    "ch_unary",
                    vec![r, int(UNARY.len() as i64, span), k],
                    Ty::Chunked(nd),
                )
            }
            "powf" => {
                self.nargs(args, 1, span)?;
                let p = self.arg(args[0], &Ty::F64)?;
                call(
                    "ch_unary",
                    vec![r, int(UNARY.len() as i64 + 1, span), p],
                    Ty::Chunked(nd),
                )
            }
            n if UNARY.contains(&n) => {
                self.nargs(args, 0, span)?;
                let code = UNARY.iter().position(|x| *x == n).unwrap();
                call(
                    "ch_unary",
                    vec![
                        r,
                        int(code as i64, span),
                        Expr::new(K::Float(0.0), Ty::F64, span),
                    ],
                    Ty::Chunked(nd),
                )
            }
            "maximum" | "minimum" | "pow" => {
                self.nargs(args, 1, span)?;
                let o = self.expr(args[0], None)?;
                let ot = self.infer.resolve(&o.ty, false);
                let Ty::Ref(inner, false) = &ot else {
                    return Err(Error::new(o.span, "mismatched types").code("E0308").label(
                        format!("expected `&Chunked`, found `{}`", self.infer.show(&ot)),
                    ));
                };
                let Ty::Chunked(n2) = **inner else {
                    return Err(Error::new(o.span, "mismatched types").code("E0308").label(
                        format!("expected `&Chunked`, found `{}`", self.infer.show(&ot)),
                    ));
                };
                let code = match name {
                    "maximum" => 4,
                    "minimum" => 5,
                    _ => 6,
                };
                call(
                    "ch_binary",
                    vec![r, o, int(code, span)],
                    Ty::Chunked(bcast_nd(nd, n2)),
                )
            }
            "map_blocks" => {
                self.nargs(args, 1, span)?;
                let view = Ty::Ref(Box::new(Ty::NdD(Box::new(Ty::F64), ANY_NDIM)), false);
                let f = self.ch_fn_arg(
                    args[0],
                    "map_blocks",
                    &[view],
                    &Ty::NdD(Box::new(Ty::F64), ANY_NDIM),
                )?;
                call("ch_map_blocks", vec![r, f], Ty::Chunked(nd))
            }
            "map_overlap" => {
                // `map_overlap(&[d0, d1], Boundary::None | Boundary::Constant(v), f)`
                self.nargs(args, 3, span)?;
                let depth = match args[0] {
                    syn::Expr::Reference(d)
                        if d.mutability.is_none() && matches!(&*d.expr, syn::Expr::Array(_)) =>
                    {
                        &*d.expr
                    }
                    d => return Err(Error::unsupported(
                        Span::of_node(d),
                        "this depth argument to `map_overlap` (write the depths out: `&[1, 1]`)",
                    )),
                };
                let (_, dv) = self.ch_shape(depth, span)?;
                let (bk, bv) = self.ch_boundary(args[1])?;
                let view = Ty::Ref(Box::new(Ty::NdD(Box::new(Ty::F64), ANY_NDIM)), false);
                let f = self.ch_fn_arg(
                    args[2],
                    "map_overlap",
                    &[view],
                    &Ty::NdD(Box::new(Ty::F64), ANY_NDIM),
                )?;
                let mut a = vec![r];
                a.extend(dv);
                a.extend([int(bk, span), bv, f]);
                call("ch_map_overlap", a, Ty::Chunked(nd))
            }
            "mapv" => {
                self.nargs(args, 1, span)?;
                let f = self.ch_fn_arg(args[0], "mapv", &[Ty::F64], &Ty::F64)?;
                call("ch_mapv", vec![r, f], Ty::Chunked(nd))
            }
            "chunks" | "chunksize" | "nbytes" | "visualize" => self
                .ch_info_method(r, name, args, span)?
                .expect("an info method"),
            _ => {
                return Err(Error::unsupported(
                    span,
                    format!("method `{name}` of `Chunked` in the fast tier"),
                ))
            }
        })
    }

    /// `ArrayD` methods: those of `Array1`/`Array2` where ndarray's signature is the same for
    /// `IxDyn` (results retyped to `ArrayD`), and `shape`, `ndim`, `into_dimensionality`.
    #[allow(clippy::too_many_arguments)]
    fn ndd_method(
        &mut self,
        recv: Expr,
        elem: Ty,
        nd: u8,
        name: &str,
        args: &[&syn::Expr],
        span: Span,
        unwrapped: bool,
    ) -> Result<Expr> {
        match name {
            "shape" => {
                self.nargs(args, 0, span)?;
                let r = self.ch_ref(recv);
                return Ok(Expr::new(
                    K::Intrinsic(Intr::Ch(ChOp::Shape), vec![r]),
                    Ty::Ref(Box::new(Ty::Slice(Box::new(Ty::USIZE))), false),
                    span,
                ));
            }
            "ndim" if nd == ANY_NDIM => {
                self.nargs(args, 0, span)?;
                let r = self.ch_ref(recv);
                return Ok(Expr::new(
                    K::Intrinsic(shim("ch_nd_ndim"), vec![r]),
                    Ty::USIZE,
                    span,
                ));
            }
            "ndim" => {
                self.nargs(args, 0, span)?;
                return Ok(Expr::new(K::Int(nd as i128), Ty::USIZE, span));
            }
            "dim"
            | "raw_dim"
            | "nrows"
            | "ncols"
            | "dot"
            | "argmax"
            | "argmin"
            | "diag"
            | "into_dimensionality"
            | "view" => {
                return Err(Error::unsupported(
                    span,
                    format!("method `{name}` of `ArrayD` in the fast tier"),
                )
                .hint("convert first: `a.into_dimensionality::<Ix2>().unwrap()`"));
            }
            _ => {}
        }
        let agnostic = matches!(
            name,
            "len"
                | "sum"
                | "product"
                | "mean"
                | "max"
                | "min"
                | "median"
                | "std"
                | "var"
                | "clone"
                | "to_owned"
                | "fill"
                | "powi"
                | "powf"
                | "sum_axis"
                | "mean_axis"
        ) || crate::abi::symbols::ARRAY_UNARY.contains(&name);
        let k = match nd {
            1 | 2 => nd,
            ANY_NDIM if agnostic => {
                if matches!(name, "sum_axis" | "mean_axis") {
                    2
                } else {
                    1
                }
            }
            _ => {
                return Err(Error::unsupported(span, format!("method `{name}` of an `ArrayD` whose number of axes the fast tier does not know")).hint("convert first: `a.into_dimensionality::<Ix2>().unwrap()`"));
            }
        };
        let owned = !matches!(self.infer.shallow(&recv.ty), Ty::Ref(..));
        let mutable = matches!(self.infer.shallow(&recv.ty), Ty::Ref(_, true));
        let fill = owned && name == "fill";
        if fill {
            self.check_mut(&recv, "borrow as mutable")?;
        }
        let as_nd = Ty::Ref(Box::new(Ty::Nd(Box::new(elem.clone()), k)), mutable || fill);
        let r = if owned {
            let (sp, t) = (recv.span, recv.ty.clone());
            Expr::new(K::Ref(Box::new(recv), fill), Ty::Ref(Box::new(t), fill), sp)
        } else {
            recv
        };
        let view = Expr::new(K::Intrinsic(Intr::Ch(ChOp::AsNd), vec![r]), as_nd, span);
        let out = if unwrapped {
            self.nd_method_unwrapped_pub(view, name, args, span)?
        } else {
            self.nd_method(view, name, args, span, false)?
        };
        Ok(match self.infer.resolve(&out.ty, false) {
            Ty::Nd(e2, j) => {
                if *e2 != Ty::F64 {
                    return Err(Error::unsupported(
                        span,
                        format!("an `ArrayD` of `{e2}` in the fast tier (f64 is supported)"),
                    ));
                }
                let j = if nd == ANY_NDIM { ANY_NDIM } else { j };
                Expr::new(
                    K::Intrinsic(Intr::Ch(ChOp::Retype), vec![out]),
                    Ty::NdD(e2, j),
                    span,
                )
            }
            _ => out,
        })
    }

    fn nd_method_unwrapped_pub(
        &mut self,
        view: Expr,
        name: &str,
        args: &[&syn::Expr],
        span: Span,
    ) -> Result<Expr> {
        self.nd_method(view, name, args, span, true)
    }

    /// `&ArrayD` of known 1 or 2 axes as `&Array1/2` (indexing).
    pub fn ch_as_nd(&mut self, b: Expr, span: Span) -> Result<Expr> {
        let Ty::NdD(e, nd) = self.infer.resolve(b.ty.peel_refs(), false) else {
            unreachable!()
        };
        if !matches!(nd, 1 | 2) {
            return Err(Error::unsupported(
                span,
                "indexing an `ArrayD` whose number of axes the fast tier does not know",
            )
            .hint("convert first: `a.into_dimensionality::<Ix2>().unwrap()`"));
        }
        let r = self.ch_ref(b);
        Ok(Expr::new(
            K::Intrinsic(Intr::Ch(ChOp::AsNd), vec![r]),
            Ty::Ref(Box::new(Ty::Nd(e, nd)), false),
            span,
        ))
    }

    /// `x.m(..).unwrap()` for `Chunked`/`ArrayD` methods returning `Result`:
    /// `into_dimensionality::<IxK>()`, `store(path)`.
    pub fn ch_unwrapped(&mut self, recv: &syn::Expr, span: Span) -> Result<Option<Expr>> {
        let syn::Expr::MethodCall(m) = recv else {
            return Ok(None);
        };
        let name = m.method.to_string();
        if !matches!(name.as_str(), "into_dimensionality" | "store") {
            return Ok(None);
        }
        let r = self.expr(&m.receiver, None)?;
        let rt = self.infer.resolve(&r.ty, false);
        let args: Vec<&syn::Expr> = m.args.iter().collect();
        if name == "store" {
            let Ty::Chunked(_) = rt.peel_refs() else {
                return Err(Error::new(
                    span,
                    format!(
                        "no method named `store` found for `{}` in the current scope",
                        self.infer.show(&rt)
                    ),
                ));
            };
            self.nargs(&args, 1, span)?;
            let p = self.ch_str(args[0])?;
            let r = self.ch_ref(r);
            return Ok(Some(Expr::new(
                K::Intrinsic(shim("ch_store"), vec![r, p]),
                Ty::Unit,
                span,
            )));
        }
        self.nargs(&args, 0, span)?;
        let k: u8 = match m.turbofish.as_ref().and_then(|t| t.args.first()) {
            Some(syn::GenericArgument::Type(syn::Type::Path(p))) => match p
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .as_deref()
            {
                Some("Ix1") => 1,
                Some("Ix2") => 2,
                _ => {
                    return Err(Error::unsupported(
                        span,
                        "`into_dimensionality` to other than `Ix1` or `Ix2`",
                    ))
                }
            },
            _ => {
                return Err(Error::unsupported(
                    span,
                    "`into_dimensionality` without a turbofish (write `::<Ix2>`)",
                ))
            }
        };
        let (e, by_ref) = match &rt {
            Ty::NdD(e, _) | Ty::Nd(e, _) => ((**e).clone(), false),
            Ty::Ref(t, false) => match &**t {
                Ty::NdD(e, _) | Ty::Nd(e, _) => ((**e).clone(), true),
                _ => {
                    return Err(Error::new(
                        span,
                        format!(
                        "no method named `into_dimensionality` found for `{}` in the current scope",
                        self.infer.show(&rt)
                    ),
                    ))
                }
            },
            _ => {
                return Err(Error::new(
                    span,
                    format!(
                        "no method named `into_dimensionality` found for `{}` in the current scope",
                        self.infer.show(&rt)
                    ),
                ))
            }
        };
        let nd = Ty::Nd(Box::new(e), k);
        let t = if by_ref {
            Ty::Ref(Box::new(nd), false)
        } else {
            nd
        };
        Ok(Some(Expr::new(
            K::Intrinsic(Intr::Ch(ChOp::IntoDim(k)), vec![r]),
            t,
            span,
        )))
    }

    /// Arithmetic with an `ArrayD` (a computed result) on either side: the operands seen as dense
    /// arrays (the same boxes: `&ArrayD` borrowed, an owned `ArrayD` consumed, as ndarray's
    /// operators do), the dense operator (scalars, broadcasting, ndarray's panics), the result
    /// an `ArrayD` again (ndarray: `IxDyn` with any dimension gives `IxDyn`).
    pub fn ndd_binary(
        &mut self,
        op: BinOp,
        assign: bool,
        l: Expr,
        r: Expr,
        span: Span,
    ) -> Result<Expr> {
        if assign {
            return Err(Error::unsupported(span, format!("`{}=` on an `ArrayD` in the fast tier", super::exprs::op_str(op)))
                .hint("write `a = &a + x;`, convert first (`a.into_dimensionality::<Ix2>().unwrap()`), or use %%rust"));
        }
        let mut nds = vec![];
        let mut dense = |ck: &mut Self, e: Expr| -> Expr {
            match ck.infer.resolve(e.ty.peel_refs(), false) {
                Ty::NdD(el, nd) => {
                    nds.push(nd);
                    // the dense operators are library calls on the box: any axis count works
                    let k = if matches!(nd, 1..=3) { nd } else { 1 };
                    let sp = e.span;
                    match ck.infer.shallow(&e.ty) {
                        Ty::Ref(_, m) => Expr::new(
                            K::Intrinsic(Intr::Ch(ChOp::AsNd), vec![e]),
                            Ty::Ref(Box::new(Ty::Nd(el, k)), m),
                            sp,
                        ),
                        _ => Expr::new(
                            K::Intrinsic(Intr::Ch(ChOp::Retype), vec![e]),
                            Ty::Nd(el, k),
                            sp,
                        ),
                    }
                }
                Ty::Nd(_, k) | Ty::NdView(_, k, _) => {
                    nds.push(k);
                    e
                }
                _ => e,
            }
        };
        let l = dense(self, l);
        let r = dense(self, r);
        let out = self.nd_binary(op, false, l, r, span)?;
        let nd = if nds.contains(&ANY_NDIM) {
            ANY_NDIM
        } else {
            nds.iter().copied().max().unwrap_or(ANY_NDIM)
        };
        Ok(match self.infer.resolve(&out.ty, false) {
            Ty::Nd(e, _) => Expr::new(
                K::Intrinsic(Intr::Ch(ChOp::Retype), vec![out]),
                Ty::NdD(e, nd),
                span,
            ),
            _ => out,
        })
    }

    /// `+ - * /` with a `Chunked` on either side (the prelude's operator impls: `Chunked`
    /// with `Chunked`, `f64` on either side, `i32` on the right).
    pub fn ch_binary(
        &mut self,
        op: BinOp,
        assign: bool,
        l: Expr,
        r: Expr,
        span: Span,
    ) -> Result<Expr> {
        let code = match op {
            BinOp::Add => 0,
            BinOp::Sub => 1,
            BinOp::Mul => 2,
            BinOp::Div => 3,
            _ => {
                return Err(Error::new(
                    span,
                    format!(
                        "no implementation for `{} {} {}`",
                        self.infer.show(&l.ty),
                        super::exprs::op_str(op),
                        self.infer.show(&r.ty)
                    ),
                )
                .code("E0369"))
            }
        };
        let lt = self.infer.resolve(&l.ty, false);
        let rt = self.infer.resolve(&r.ty, false);
        if assign {
            return Err(Error::new(
                span,
                format!(
                    "binary assignment operation `{}=` cannot be applied to type `{}`",
                    super::exprs::op_str(op),
                    self.infer.show(&lt)
                ),
            )
            .code("E0368"));
        }
        let nd_of = |t: &Ty| match t.peel_refs() {
            Ty::Chunked(n) => Some(*n),
            _ => None,
        };
        let opc = int(code, span);
        match (nd_of(&lt), nd_of(&rt)) {
            (Some(a), Some(b)) => Ok(Expr::new(
                K::Intrinsic(shim("ch_binary"), vec![l, r, opc]),
                Ty::Chunked(bcast_nd(a, b)),
                span,
            )),
            (Some(a), None) => {
                let s = self.auto_deref(r);
                let st = self.infer.shallow(&s.ty);
                let s = match st {
                    Ty::Float(FloatTy::F64) => s,
                    Ty::Int(IntTy::I32) => Expr::new(K::Cast(Box::new(s)), Ty::F64, span),
                    Ty::Infer(v) if self.infer.kind(v) == VarKind::Float => {
                        self.unify(&Ty::F64, &s.ty, s.span)?;
                        s
                    }
                    Ty::Infer(v) if self.infer.kind(v) == VarKind::Int => {
                        self.unify(&Ty::I32, &s.ty, s.span)?;
                        Expr::new(K::Cast(Box::new(s)), Ty::F64, span)
                    }
                    t => {
                        return Err(Error::new(
                            span,
                            format!("cannot {} `{}` to `Chunked`", verb(op), self.infer.show(&t)),
                        )
                        .code("E0277"))
                    }
                };
                Ok(Expr::new(
                    K::Intrinsic(shim("ch_binary_s"), vec![l, s, opc, int(0, span)]),
                    Ty::Chunked(a),
                    span,
                ))
            }
            (None, Some(b)) => {
                let s = self.auto_deref(l);
                match self.infer.shallow(&s.ty) {
                    Ty::Float(FloatTy::F64) => {}
                    Ty::Infer(v) if self.infer.kind(v) == VarKind::Float => {
                        self.unify(&Ty::F64, &s.ty, s.span)?
                    }
                    t => {
                        return Err(Error::new(
                            span,
                            format!("cannot {} `Chunked` to `{}`", verb(op), self.infer.show(&t)),
                        )
                        .code("E0277"))
                    }
                }
                Ok(Expr::new(
                    K::Intrinsic(shim("ch_binary_s"), vec![r, s, opc, int(1, span)]),
                    Ty::Chunked(b),
                    span,
                ))
            }
            _ => unreachable!(),
        }
    }
}

fn verb(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "add",
        BinOp::Sub => "subtract",
        BinOp::Mul => "multiply",
        _ => "divide",
    }
}

/// A user fn's (resolved) parameter or return type against what the library calls it with;
/// an `ArrayD` of any number of axes matches.
fn sig_matches(have: &Ty, want: &Ty) -> bool {
    match (have, want) {
        (Ty::NdD(a, _), Ty::NdD(b, _)) => a == b,
        (Ty::Ref(a, m), Ty::Ref(b, n)) => m == n && sig_matches(a, b),
        (a, b) => a == b,
    }
}

fn bcast_nd(a: u8, b: u8) -> u8 {
    if a == ANY_NDIM || b == ANY_NDIM {
        ANY_NDIM
    } else {
        a.max(b)
    }
}
