//! Calls: user fns, std paths (`Vec::new`, `f64::max`, `std::cmp::min`), methods of the
//! std types in the subset, closures, and the std macros.

use super::check::Checker;
use super::float_fns::{fbin_of, fun_of};
use super::typed::{Closure, Expr, ExprKind as K, FmtKind, FmtPiece, Format, Intr, WrapOp};
use crate::abi::fmt_spec::Count;
use crate::abi::ty::{FloatTy, IntTy, Ty, VarKind};
use crate::diag::Result;
use crate::diag::{Error, Span};
use crate::parse::macros::{self, Piece};

impl<'a, 'e> Checker<'a, 'e> {
    pub fn call(&mut self, c: &syn::ExprCall, span: Span, expect: Option<&Ty>) -> Result<Expr> {
        let syn::Expr::Path(p) = &*c.func else {
            return Err(Error::unsupported(span, "call of a computed callee"));
        };
        let segs: Vec<String> = p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        if segs.len() == 1 {
            let name = &segs[0];
            if let Some(super::check::Binding::Local(id)) = self.lookup(name) {
                if let Ty::Closure(ci) = self.infer.shallow(&self.locals[id as usize].ty) {
                    return self.call_closure(ci, &c.args.iter().collect::<Vec<_>>(), span);
                }
                return Err(Error::new(
                    span,
                    format!("expected function, found local variable `{name}`"),
                ));
            }
            if name == "Some" {
                if c.args.len() != 1 {
                    return Err(Error::new(span, "this enum variant takes 1 argument"));
                }
                let inner_expect = expect.and_then(|t| match self.infer.shallow(t) {
                    Ty::Option(i) => Some(*i),
                    _ => None,
                });
                let v = self.expr(&c.args[0], inner_expect.as_ref())?;
                let t = v.ty.clone();
                return Ok(Expr::new(
                    K::Some(Box::new(v)),
                    Ty::Option(Box::new(t)),
                    span,
                ));
            }
            if let Some(sig) = self.env.fns.get(name) {
                let sig = sig.clone();
                if sig.params.len() != c.args.len() {
                    return Err(Error::new(
                        span,
                        format!(
                            "this function takes {} argument{} but {} {} supplied",
                            sig.params.len(),
                            if sig.params.len() == 1 { "" } else { "s" },
                            c.args.len(),
                            if c.args.len() == 1 {
                                "argument was"
                            } else {
                                "arguments were"
                            }
                        ),
                    )
                    .code("E0061"));
                }
                let mut args = vec![];
                for (a, t) in c.args.iter().zip(&sig.params) {
                    let v = self.expr(a, Some(t))?;
                    args.push(self.coerce(v, t)?);
                }
                return Ok(Expr::new(
                    K::Call(name.clone(), args),
                    sig.ret.clone(),
                    span,
                ));
            }
        }
        let canon = self.env.canonical(&segs);
        let cs: Vec<&str> = canon.iter().map(|s| s.as_str()).collect();
        let args: Vec<&syn::Expr> = c.args.iter().collect();
        if let Some(e) = self.ch_path_call(&canon, &args, span)? {
            return Ok(e);
        }
        if let Some(e) = self.nd_path_call(p, &canon, &args, span, false)? {
            return Ok(e);
        }
        let nargs = |n: usize| -> Result<()> {
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
        };
        match cs.as_slice() {
            ["Vec", "new"] | ["vec", "Vec", "new"] => {
                nargs(0)?;
                let t = self.infer.fresh(VarKind::General);
                Ok(Expr::new(
                    K::Intrinsic(Intr::VecNew, vec![]),
                    Ty::Vec(Box::new(t)),
                    span,
                ))
            }
            ["Vec", "with_capacity"] | ["vec", "Vec", "with_capacity"] => {
                nargs(1)?;
                let n = self.expr(args[0], Some(&Ty::USIZE))?;
                let n = self.coerce(n, &Ty::USIZE)?;
                let t = self.infer.fresh(VarKind::General);
                Ok(Expr::new(
                    K::Intrinsic(Intr::VecWithCapacity, vec![n]),
                    Ty::Vec(Box::new(t)),
                    span,
                ))
            }
            [t @ ("__accel_timer_start" | "__accel_timer_stop")] => {
                nargs(0)?;
                let i = if *t == "__accel_timer_start" {
                    Intr::TimerStart
                } else {
                    Intr::TimerStop
                };
                Ok(Expr::new(K::Intrinsic(i, vec![]), Ty::Unit, span))
            }
            ["String", "new"] | ["string", "String", "new"] => {
                nargs(0)?;
                Ok(Expr::new(
                    K::Intrinsic(Intr::StringNew, vec![]),
                    Ty::String,
                    span,
                ))
            }
            ["cmp", m @ ("min" | "max")] => {
                nargs(2)?;
                let a = self.expr(args[0], expect)?;
                let a = self.auto_deref(a);
                let b = self.expr(args[1], Some(&a.ty.clone()))?;
                let b = self.auto_deref(b);
                self.unify(&a.ty, &b.ty, b.span)?;
                let t = self.infer.shallow(&a.ty);
                if matches!(t, Ty::Float(_))
                    || matches!(t, Ty::Infer(v) if self.infer.kind(v) == VarKind::Float)
                {
                    return Err(Error::new(
                        span,
                        format!(
                            "the trait bound `{}: Ord` is not satisfied",
                            self.infer.show(&t)
                        ),
                    ));
                }
                let i = if *m == "min" {
                    Intr::CmpMin
                } else {
                    Intr::CmpMax
                };
                Ok(Expr::new(K::Intrinsic(i, vec![a, b]), t, span))
            }
            ["mem", "swap"] => {
                nargs(2)?;
                let a = self.expr(args[0], None)?;
                let b = self.expr(args[1], None)?;
                self.unify(&a.ty, &b.ty, b.span)?;
                match self.infer.shallow(&a.ty) {
                    Ty::Ref(t, true) if t.is_scalar() || matches!(*t, Ty::Infer(_)) => {}
                    t => {
                        return Err(Error::unsupported(
                            span,
                            format!("`std::mem::swap` on `{}`", self.infer.show(&t)),
                        ))
                    }
                }
                Ok(Expr::new(
                    K::Intrinsic(Intr::StdSwap, vec![a, b]),
                    Ty::Unit,
                    span,
                ))
            }
            [t, m] if IntTy::from_name(t).is_some() || *t == "f64" || *t == "f32" => {
                // `f64::sqrt(x)`, `i64::max(a, b)`: a method called through its type.
                let ty = if *t == "f64" {
                    Ty::F64
                } else if *t == "f32" {
                    Ty::Float(FloatTy::F32)
                } else {
                    Ty::Int(IntTy::from_name(t).unwrap())
                };
                if args.is_empty() {
                    return Err(Error::new(
                        span,
                        format!("function `{t}::{m}` takes arguments"),
                    ));
                }
                let recv = self.expr(args[0], Some(&ty))?;
                let recv = self.auto_deref(recv);
                self.unify(&ty, &recv.ty, recv.span)?;
                self.std_method(recv, m, &args[1..], None, span, expect)
            }
            _ => {
                let fspan = Span::of_node(&*c.func);
                let was_std = matches!(segs[0].as_str(), "std" | "core" | "alloc")
                    || self
                        .env
                        .uses
                        .get(&segs[0])
                        .is_some_and(|f| matches!(f[0].as_str(), "std" | "core" | "alloc"));
                match super::refuse::path_outside_subset(&canon, &segs, was_std) {
                    Some((what, hint)) => {
                        let e = Error::unsupported(fspan, what);
                        Err(match hint {
                            Some(h) => e.hint(h),
                            None => e,
                        })
                    }
                    None => Err(Error::new(
                        fspan,
                        format!("cannot find function `{}` in this scope", segs.join("::")),
                    )
                    .code("E0425")
                    .label("not found in this scope")),
                }
            }
        }
    }

    pub fn call_closure(&mut self, ci: u32, args: &[&syn::Expr], span: Span) -> Result<Expr> {
        let pts = self.closures[ci as usize].param_tys.clone();
        if pts.len() != args.len() {
            return Err(Error::new(
                span,
                format!(
                    "this closure takes {} arguments but {} were supplied",
                    pts.len(),
                    args.len()
                ),
            ));
        }
        let mut vs = vec![];
        for (a, t) in args.iter().zip(&pts) {
            let v = self.expr(a, Some(t))?;
            vs.push(self.coerce(v, t)?);
        }
        let ret = self.closures[ci as usize].ret.clone();
        Ok(Expr::new(K::CallClosure(ci, vs), ret, span))
    }

    /// Check a closure with parameter types `param_tys` (fresh variables when unknown).
    pub fn closure_with(
        &mut self,
        c: &syn::ExprClosure,
        param_tys: Option<Vec<Ty>>,
        span: Span,
    ) -> Result<u32> {
        if c.asyncness.is_some() || c.constness.is_some() || c.lifetimes.is_some() {
            return Err(Error::unsupported(span, "closure form"));
        }
        let n = c.inputs.len();
        let tys = param_tys
            .unwrap_or_else(|| (0..n).map(|_| self.infer.fresh(VarKind::General)).collect());
        if tys.len() != n {
            return Err(Error::new(
                span,
                format!("closure takes {n} arguments but {} are passed", tys.len()),
            ));
        }
        self.scopes.push(vec![]);
        let mut pats = vec![];
        let mut r = Ok(());
        for (p, t) in c.inputs.iter().zip(&tys) {
            match self.bind_pat(p, t, false) {
                Ok(x) => pats.push(x),
                Err(e) => {
                    r = Err(e);
                    break;
                }
            }
        }
        if let Err(e) = r {
            self.scopes.pop();
            return Err(e);
        }
        let ret = match &c.output {
            syn::ReturnType::Default => self.infer.fresh(VarKind::General),
            syn::ReturnType::Type(_, t) => super::check::parse_type(t, &mut self.infer)?,
        };
        self.closure_ret.push(ret.clone());
        let saved_loops = std::mem::take(&mut self.loops);
        let saved_depth = self.depth;
        self.depth += 1;
        let body = self.expr(&c.body, Some(&ret));
        self.depth = saved_depth;
        self.loops = saved_loops;
        self.closure_ret.pop();
        self.scopes.pop();
        let body = self.coerce(body?, &ret)?;
        self.closures.push(Closure {
            params: pats,
            param_tys: tys,
            ret,
            body,
            span,
            is_move: c.capture.is_some(),
        });
        Ok(self.closures.len() as u32 - 1)
    }

    pub fn closure(&mut self, c: &syn::ExprClosure, span: Span) -> Result<Expr> {
        let ci = self.closure_with(c, None, span)?;
        Ok(Expr::new(K::Closure(ci), Ty::Closure(ci), span))
    }

    pub fn method_call(
        &mut self,
        m: &syn::ExprMethodCall,
        span: Span,
        expect: Option<&Ty>,
    ) -> Result<Expr> {
        let name = m.method.to_string();
        if super::iters::is_iter_method(&name) && self.is_iterish(&m.receiver) {
            return self.iter_consume(m, span, expect);
        }
        if name == "unwrap" && m.args.is_empty() {
            if let Some(e) = self.ch_unwrapped(&m.receiver, span)? {
                return Ok(e);
            }
            if let Some(e) = self.nd_unwrapped(&m.receiver, span, expect)? {
                return Ok(e);
            }
        }
        let recv = self.expr(&m.receiver, None)?;
        if matches!(
            self.infer.resolve(recv.ty.peel_refs(), false),
            Ty::Chunked(_) | Ty::NdD(..)
        ) || (name == "into_dyn"
            && matches!(self.infer.resolve(recv.ty.peel_refs(), false), Ty::Nd(..)))
        {
            let args: Vec<&syn::Expr> = m.args.iter().collect();
            return self.ch_method(recv, &name, &args, m.turbofish.as_ref(), span, false);
        }
        if matches!(
            self.infer.resolve(recv.ty.peel_refs(), false),
            Ty::Nd(..) | Ty::NdView(..) | Ty::Rng
        ) {
            let args: Vec<&syn::Expr> = m.args.iter().collect();
            self.nd_method_precheck(&recv, &m.method)?;
            return self.nd_method(recv, &name, &args, span, false);
        }
        let turbofish = m.turbofish.as_ref();
        let args: Vec<&syn::Expr> = m.args.iter().collect();
        let rt = self.infer.resolve(recv.ty.peel_refs(), false);
        let name_span = Span::of_node(&m.method);
        self.std_method(recv, &name, &args, turbofish, span, expect)
            .map_err(|e| {
                if !e.message.starts_with("no method named") {
                    return e;
                }
                // A real std method the subset lacks is refused as such; a method that does not
                // exist is rustc's E0599. Either way the caret is on the method name, as rustc's.
                match super::refuse::std_method_outside_subset(&rt, &name) {
                    Some(what) => Error::unsupported(name_span, what),
                    None => {
                        let shown = match rt.peel_refs() {
                            Ty::Infer(_) => String::new(),
                            t => format!("`{t}`"),
                        };
                        let e = e.at(name_span).code("E0599");
                        if shown.is_empty() {
                            e
                        } else {
                            e.label(format!("method not found in {shown}"))
                        }
                    }
                }
            })
    }

    /// A method of a std type, with the receiver already checked.
    pub fn std_method(
        &mut self,
        recv: Expr,
        name: &str,
        args: &[&syn::Expr],
        _tf: Option<&syn::AngleBracketedGenericArguments>,
        span: Span,
        expect: Option<&Ty>,
    ) -> Result<Expr> {
        let _ = expect;
        let rt = self.infer.resolve(recv.ty.peel_refs(), false);
        let rt = self.infer.shallow(&rt);
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
        let no_method = |ck: &Self| {
            Err(Error::new(
                span,
                format!(
                    "no method named `{name}` found for type `{}` in the current scope",
                    ck.infer.show(&rt)
                ),
            ))
        };
        match &rt {
            Ty::Infer(v) if self.infer.kind(*v) != VarKind::General => {
                return Err(Error::new(
                    span,
                    format!(
                        "can't call method `{name}` on ambiguous numeric type `{}`",
                        self.infer.show(&rt)
                    ),
                ));
            }
            Ty::Infer(_) => return Err(Error::new(recv.span, "type annotations needed")),
            _ => {}
        }
        let recv_v = |ck: &mut Self, r: Expr| ck.auto_deref(r);
        match &rt {
            Ty::Float(_) => {
                let r = recv_v(self, recv);
                let t = rt.clone();
                if let Some(op) = fun_of(name) {
                    nargs(0)?;
                    return Ok(Expr::new(K::Intrinsic(Intr::FUnary(op), vec![r]), t, span));
                }
                if let Some(op) = fbin_of(name) {
                    nargs(1)?;
                    let a = self.arg(args[0], &t)?;
                    return Ok(Expr::new(
                        K::Intrinsic(Intr::FBinary(op), vec![r, a]),
                        t,
                        span,
                    ));
                }
                match name {
                    "powi" => {
                        nargs(1)?;
                        let a = self.arg(args[0], &Ty::I32)?;
                        Ok(Expr::new(K::Intrinsic(Intr::Powi, vec![r, a]), t, span))
                    }
                    "clamp" => {
                        nargs(2)?;
                        let a = self.arg(args[0], &t)?;
                        let b = self.arg(args[1], &t)?;
                        Ok(Expr::new(
                            K::Intrinsic(Intr::FClamp, vec![r, a, b]),
                            t,
                            span,
                        ))
                    }
                    "mul_add" => {
                        nargs(2)?;
                        let a = self.arg(args[0], &t)?;
                        let b = self.arg(args[1], &t)?;
                        Ok(Expr::new(
                            K::Intrinsic(Intr::MulAdd, vec![r, a, b]),
                            t,
                            span,
                        ))
                    }
                    "is_nan" | "is_finite" | "is_infinite" | "is_normal" | "is_sign_negative"
                    | "is_sign_positive" => {
                        nargs(0)?;
                        let i = match name {
                            "is_nan" => Intr::IsNan,
                            "is_finite" => Intr::IsFinite,
                            "is_normal" => Intr::IsNormal,
                            "is_sign_negative" => Intr::IsSignNegative,
                            "is_sign_positive" => Intr::IsSignPositive,
                            _ => Intr::IsInfinite,
                        };
                        Ok(Expr::new(K::Intrinsic(i, vec![r]), Ty::Bool, span))
                    }
                    "clone" => {
                        nargs(0)?;
                        Ok(r)
                    }
                    _ => no_method(self),
                }
            }
            Ty::Int(it) => {
                let it = *it;
                let r = recv_v(self, recv);
                let t = rt.clone();
                let int1 = |ck: &mut Self, i: Intr, at: &Ty, ret: Ty| -> Result<Expr> {
                    nargs(1)?;
                    let a = ck.arg(args[0], at)?;
                    Ok(Expr::new(K::Intrinsic(i, vec![r.clone(), a]), ret, span))
                };
                match name {
                    "abs" | "signum" | "wrapping_abs" | "is_positive" | "is_negative"
                        if !it.signed() =>
                    {
                        no_method(self)
                    }
                    // Release `abs` wraps at MIN: the same operation.
                    "wrapping_abs" => {
                        nargs(0)?;
                        Ok(Expr::new(K::Intrinsic(Intr::IAbs, vec![r]), t, span))
                    }
                    "is_positive" | "is_negative" => {
                        nargs(0)?;
                        let i = if name == "is_positive" {
                            Intr::IsPositive
                        } else {
                            Intr::IsNegative
                        };
                        Ok(Expr::new(K::Intrinsic(i, vec![r]), Ty::Bool, span))
                    }
                    "abs_diff" => {
                        let u = match it {
                            IntTy::I8 => IntTy::U8,
                            IntTy::I16 => IntTy::U16,
                            IntTy::I32 => IntTy::U32,
                            IntTy::I64 => IntTy::U64,
                            IntTy::Isize => IntTy::Usize,
                            u => u,
                        };
                        int1(self, Intr::AbsDiff, &t.clone(), Ty::Int(u))
                    }
                    "clamp" => {
                        nargs(2)?;
                        let a = self.arg(args[0], &t)?;
                        let b = self.arg(args[1], &t)?;
                        Ok(Expr::new(
                            K::Intrinsic(Intr::IClamp, vec![r, a, b]),
                            t,
                            span,
                        ))
                    }
                    "abs" => {
                        nargs(0)?;
                        Ok(Expr::new(K::Intrinsic(Intr::IAbs, vec![r]), t, span))
                    }
                    "signum" => {
                        nargs(0)?;
                        Ok(Expr::new(K::Intrinsic(Intr::Signum, vec![r]), t, span))
                    }
                    "count_ones" | "leading_zeros" | "trailing_zeros" => {
                        nargs(0)?;
                        let i = match name {
                            "count_ones" => Intr::CountOnes,
                            "leading_zeros" => Intr::LeadingZeros,
                            _ => Intr::TrailingZeros,
                        };
                        Ok(Expr::new(
                            K::Intrinsic(i, vec![r]),
                            Ty::Int(IntTy::U32),
                            span,
                        ))
                    }
                    "pow" => int1(self, Intr::IPow, &Ty::Int(IntTy::U32), t.clone()),
                    "min" => int1(self, Intr::IMin, &t.clone(), t.clone()),
                    "max" => int1(self, Intr::IMax, &t.clone(), t.clone()),
                    "rem_euclid" => int1(self, Intr::RemEuclid, &t.clone(), t.clone()),
                    "div_euclid" => int1(self, Intr::DivEuclid, &t.clone(), t.clone()),
                    "clone" => {
                        nargs(0)?;
                        Ok(r)
                    }
                    _ => {
                        // 0 wrapping_, 1 checked_, 2 saturating_ (add/sub/mul/pow only, like std's stable set)
                        let (kind, op) = match name.split_once('_') {
                            Some(("wrapping", o)) => (0, o),
                            Some(("checked", o)) => (1, o),
                            Some(("saturating", o @ ("add" | "sub" | "mul" | "pow"))) => (2, o),
                            _ => return no_method(self),
                        };
                        let checked = kind == 1;
                        let w = match op {
                            "add" => WrapOp::Add,
                            "sub" => WrapOp::Sub,
                            "mul" => WrapOp::Mul,
                            "div" => WrapOp::Div,
                            "rem" => WrapOp::Rem,
                            "neg" => WrapOp::Neg,
                            "pow" => WrapOp::Pow,
                            "shl" => WrapOp::Shl,
                            "shr" => WrapOp::Shr,
                            _ => return no_method(self),
                        };
                        let ret = if checked {
                            Ty::Option(Box::new(t.clone()))
                        } else {
                            t.clone()
                        };
                        let intr = [Intr::Wrapping(w), Intr::Checked(w), Intr::Saturating(w)][kind];
                        if w == WrapOp::Neg {
                            nargs(0)?;
                            return Ok(Expr::new(K::Intrinsic(intr, vec![r]), ret, span));
                        }
                        let at = if matches!(w, WrapOp::Pow | WrapOp::Shl | WrapOp::Shr) {
                            Ty::Int(IntTy::U32)
                        } else {
                            t.clone()
                        };
                        int1(self, intr, &at, ret)
                    }
                }
            }
            Ty::Vec(el) | Ty::Slice(el) | Ty::Array(el, _) => {
                let el = (**el).clone();
                let is_vec = matches!(rt, Ty::Vec(_));
                let mutating = matches!(
                    name,
                    "push"
                        | "pop"
                        | "clear"
                        | "extend_from_slice"
                        | "resize"
                        | "truncate"
                        | "insert"
                        | "remove"
                        | "swap"
                        | "fill"
                        | "reverse"
                );
                if mutating {
                    if !is_vec && !matches!(name, "swap" | "fill" | "reverse") {
                        return no_method(self);
                    }
                    self.check_recv_mut(&recv)?;
                }
                let r = recv;
                let owning = matches!(self.infer.resolve(&el, false), Ty::Vec(_) | Ty::String);
                if owning
                    && matches!(
                        name,
                        "pop"
                            | "resize"
                            | "fill"
                            | "extend_from_slice"
                            | "contains"
                            | "to_vec"
                            | "first"
                            | "last"
                            | "get"
                    )
                {
                    return Err(Error::unsupported(
                        span,
                        format!("`{name}` on a Vec of `{}`", self.infer.show(&el)),
                    ));
                }
                let (i, a, ret): (Intr, Vec<Expr>, Ty) = match name {
                    "len" => (Intr::Len, vec![], Ty::USIZE),
                    "is_empty" => (Intr::IsEmpty, vec![], Ty::Bool),
                    "push" => {
                        nargs(1)?;
                        (Intr::VecPush, vec![self.arg(args[0], &el)?], Ty::Unit)
                    }
                    "pop" => (Intr::VecPop, vec![], Ty::Option(Box::new(el.clone()))),
                    "clear" => (Intr::VecClear, vec![], Ty::Unit),
                    "extend_from_slice" => {
                        nargs(1)?;
                        let st = Ty::Ref(Box::new(Ty::Slice(Box::new(el.clone()))), false);
                        (
                            Intr::VecExtendFromSlice,
                            vec![self.arg(args[0], &st)?],
                            Ty::Unit,
                        )
                    }
                    "resize" => {
                        nargs(2)?;
                        (
                            Intr::VecResize,
                            vec![self.arg(args[0], &Ty::USIZE)?, self.arg(args[1], &el)?],
                            Ty::Unit,
                        )
                    }
                    "truncate" => {
                        nargs(1)?;
                        (
                            Intr::VecTruncate,
                            vec![self.arg(args[0], &Ty::USIZE)?],
                            Ty::Unit,
                        )
                    }
                    "insert" => {
                        nargs(2)?;
                        (
                            Intr::VecInsert,
                            vec![self.arg(args[0], &Ty::USIZE)?, self.arg(args[1], &el)?],
                            Ty::Unit,
                        )
                    }
                    "remove" => {
                        nargs(1)?;
                        (
                            Intr::VecRemove,
                            vec![self.arg(args[0], &Ty::USIZE)?],
                            el.clone(),
                        )
                    }
                    "swap" => {
                        nargs(2)?;
                        (
                            Intr::Swap,
                            vec![
                                self.arg(args[0], &Ty::USIZE)?,
                                self.arg(args[1], &Ty::USIZE)?,
                            ],
                            Ty::Unit,
                        )
                    }
                    "fill" => {
                        nargs(1)?;
                        (Intr::SliceFill, vec![self.arg(args[0], &el)?], Ty::Unit)
                    }
                    "contains" => {
                        nargs(1)?;
                        let rt = Ty::Ref(Box::new(el.clone()), false);
                        let a = self.arg(args[0], &rt)?;
                        (Intr::Contains, vec![self.auto_deref(a)], Ty::Bool)
                    }
                    "clone" if is_vec => (Intr::Clone, vec![], rt.clone()),
                    "clone" if matches!(rt, Ty::Array(..)) => {
                        let r = self.auto_deref(r);
                        return Ok(r);
                    }
                    "to_vec" => (Intr::ToVec, vec![], Ty::Vec(Box::new(el.clone()))),
                    "first" | "last" => (
                        if name == "first" {
                            Intr::First
                        } else {
                            Intr::Last
                        },
                        vec![],
                        Ty::Option(Box::new(Ty::Ref(Box::new(el.clone()), false))),
                    ),
                    "get" => {
                        nargs(1)?;
                        (
                            Intr::Get,
                            vec![self.arg(args[0], &Ty::USIZE)?],
                            Ty::Option(Box::new(Ty::Ref(Box::new(el.clone()), false))),
                        )
                    }
                    _ => return no_method(self),
                };
                if !matches!(
                    name,
                    "push"
                        | "extend_from_slice"
                        | "resize"
                        | "insert"
                        | "swap"
                        | "fill"
                        | "contains"
                        | "truncate"
                        | "remove"
                        | "get"
                ) {
                    nargs(0)?;
                }
                let mut v = vec![r];
                v.extend(a);
                Ok(Expr::new(K::Intrinsic(i, v), ret, span))
            }
            Ty::Option(inner) => {
                let inner = (**inner).clone();
                let r = self.auto_deref(recv);
                match name {
                    "unwrap" => {
                        nargs(0)?;
                        Ok(Expr::new(K::Intrinsic(Intr::Unwrap, vec![r]), inner, span))
                    }
                    "expect" => {
                        nargs(1)?;
                        let m = self.arg(args[0], &Ty::Ref(Box::new(Ty::Str), false))?;
                        Ok(Expr::new(
                            K::Intrinsic(Intr::Expect, vec![r, m]),
                            inner,
                            span,
                        ))
                    }
                    "unwrap_or" => {
                        nargs(1)?;
                        let d = self.arg(args[0], &inner)?;
                        Ok(Expr::new(
                            K::Intrinsic(Intr::UnwrapOr, vec![r, d]),
                            inner,
                            span,
                        ))
                    }
                    "is_some" | "is_none" => {
                        nargs(0)?;
                        Ok(Expr::new(
                            K::Intrinsic(
                                if name == "is_some" {
                                    Intr::IsSome
                                } else {
                                    Intr::IsNone
                                },
                                vec![r],
                            ),
                            Ty::Bool,
                            span,
                        ))
                    }
                    "unwrap_or_else" | "map" => {
                        nargs(1)?;
                        let syn::Expr::Closure(c) = args[0] else {
                            return Err(Error::unsupported(
                                Span::of_node(args[0]),
                                format!("`{name}` with an argument that is not a closure literal"),
                            ));
                        };
                        let params = if name == "map" {
                            vec![inner.clone()]
                        } else {
                            vec![]
                        };
                        let ci = self.closure_with(c, Some(params), Span::of_node(args[0]))?;
                        let cr = self.closures[ci as usize].ret.clone();
                        let ce = Expr::new(K::Closure(ci), Ty::Closure(ci), Span::of_node(args[0]));
                        if name == "map" {
                            return Ok(Expr::new(
                                K::Intrinsic(Intr::OptMap, vec![r, ce]),
                                Ty::Option(Box::new(cr)),
                                span,
                            ));
                        }
                        self.unify(&inner, &cr, Span::of_node(args[0]))?;
                        Ok(Expr::new(
                            K::Intrinsic(Intr::UnwrapOrElse, vec![r, ce]),
                            inner,
                            span,
                        ))
                    }
                    "copied" | "cloned" => {
                        nargs(0)?;
                        match self.infer.shallow(&inner) {
                            Ty::Ref(t, false) if self.infer.resolve(&t, false).is_scalar() => {
                                Ok(Expr::new(
                                    K::Intrinsic(Intr::OptCopied, vec![r]),
                                    Ty::Option(t),
                                    span,
                                ))
                            }
                            Ty::Ref(t, _) => Err(Error::unsupported(
                                span,
                                format!(
                                    "`{name}` of `Option<&{}>` (scalars only)",
                                    self.infer.show(&t)
                                ),
                            )),
                            _ => no_method(self),
                        }
                    }
                    _ => no_method(self),
                }
            }
            Ty::String | Ty::Str => match name {
                "len" => {
                    nargs(0)?;
                    Ok(Expr::new(
                        K::Intrinsic(Intr::Len, vec![recv]),
                        Ty::USIZE,
                        span,
                    ))
                }
                "is_empty" => {
                    nargs(0)?;
                    Ok(Expr::new(
                        K::Intrinsic(Intr::IsEmpty, vec![recv]),
                        Ty::Bool,
                        span,
                    ))
                }
                "push_str" if rt == Ty::String => {
                    nargs(1)?;
                    self.check_recv_mut(&recv)?;
                    let a = self.arg(args[0], &Ty::Ref(Box::new(Ty::Str), false))?;
                    Ok(Expr::new(
                        K::Intrinsic(Intr::PushStr, vec![recv, a]),
                        Ty::Unit,
                        span,
                    ))
                }
                "push" if rt == Ty::String => {
                    nargs(1)?;
                    self.check_recv_mut(&recv)?;
                    let a = self.arg(args[0], &Ty::Char)?;
                    Ok(Expr::new(
                        K::Intrinsic(Intr::StringPush, vec![recv, a]),
                        Ty::Unit,
                        span,
                    ))
                }
                "clone" | "to_string" => {
                    nargs(0)?;
                    Ok(Expr::new(
                        K::Intrinsic(Intr::Clone, vec![recv]),
                        Ty::String,
                        span,
                    ))
                }
                _ => no_method(self),
            },
            Ty::Bool | Ty::Char if name == "clone" => {
                nargs(0)?;
                Ok(self.auto_deref(recv))
            }
            Ty::Tuple(_) if name == "clone" => {
                nargs(0)?;
                Ok(self.auto_deref(recv))
            }
            _ => no_method(self),
        }
    }

    fn check_recv_mut(&self, recv: &Expr) -> Result<()> {
        match self.infer.shallow(&recv.ty) {
            Ty::Ref(_, true) => Ok(()),
            Ty::Ref(_, false) => Err(Error::new(
                recv.span,
                "cannot borrow data in a `&` reference as mutable",
            )),
            _ => self.check_mut(recv, "borrow as mutable"),
        }
    }

    pub fn arg(&mut self, a: &syn::Expr, t: &Ty) -> Result<Expr> {
        let v = self.expr(a, Some(t))?;
        let v = if t.is_scalar() { self.auto_deref(v) } else { v };
        self.coerce(v, t)
    }

    pub fn macro_expr(&mut self, m: &syn::Macro, span: Span, expect: Option<&Ty>) -> Result<Expr> {
        let name = m
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let toks = m.tokens.clone();
        match name.as_str() {
            "println" | "print" | "eprintln" | "eprint" | "format" | "panic" => {
                let fa = macros::parse_format(toks, span)?;
                let kind = match name.as_str() {
                    "println" => FmtKind::Println,
                    "print" => FmtKind::Print,
                    "eprintln" => FmtKind::Eprintln,
                    "eprint" => FmtKind::Eprint,
                    "format" => FmtKind::Format,
                    _ => FmtKind::Panic,
                };
                if fa.pieces.is_empty()
                    && fa.args.is_empty()
                    && matches!(kind, FmtKind::Print | FmtKind::Eprint | FmtKind::Format)
                    && m.tokens.is_empty()
                {
                    return Err(Error::new(
                        span,
                        "requires at least a format string argument",
                    ));
                }
                let f = self.format(fa)?;
                let ty = match kind {
                    FmtKind::Format => Ty::String,
                    FmtKind::Panic => Ty::Never,
                    _ => Ty::Unit,
                };
                let f = if kind == FmtKind::Panic && m.tokens.is_empty() {
                    Format {
                        pieces: vec![FmtPiece::Lit("explicit panic".into())],
                        args: vec![],
                    }
                } else {
                    f
                };
                Ok(Expr::new(K::Format(kind, f), ty, span))
            }
            "todo" | "unimplemented" => {
                let text = if name == "todo" {
                    "not yet implemented"
                } else {
                    "not implemented"
                };
                let mut f = if m.tokens.is_empty() {
                    Format {
                        pieces: vec![],
                        args: vec![],
                    }
                } else {
                    self.format(macros::parse_format(toks, span)?)?
                };
                f.pieces.insert(
                    0,
                    FmtPiece::Lit(if f.pieces.is_empty() {
                        text.to_string()
                    } else {
                        format!("{text}: ")
                    }),
                );
                Ok(Expr::new(K::Format(FmtKind::Panic, f), Ty::Never, span))
            }
            "unreachable" => {
                let f = if m.tokens.is_empty() {
                    None
                } else {
                    Some(self.format(macros::parse_format(toks, span)?)?)
                };
                Ok(Expr::new(K::Unreachable(f), Ty::Never, span))
            }
            "assert" | "debug_assert" => {
                let (es, msg) = macros::parse_assert(toks, 1, span)?;
                let c = self.expr(&es[0], Some(&Ty::Bool))?;
                let c = self.coerce(c, &Ty::Bool)?;
                // rustc's message shows the condition through its pretty-printer.
                let text = super::pretty::expr_to_string(&es[0]);
                let msg = match msg {
                    Some(f) => Some(self.format(f)?),
                    None => None,
                };
                if name == "debug_assert" {
                    // Release profile: debug assertions are compiled out (but still type-checked).
                    return Ok(Expr::new(K::Unit, Ty::Unit, span));
                }
                Ok(Expr::new(
                    K::Assert {
                        cond: Box::new(c),
                        msg,
                        text,
                    },
                    Ty::Unit,
                    span,
                ))
            }
            "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => {
                let (es, msg) = macros::parse_assert(toks, 2, span)?;
                let l = self.expr(&es[0], None)?;
                let r = self.expr(&es[1], Some(&l.ty.clone()))?;
                let (lt, rt) = (
                    self.infer.resolve(l.ty.peel_refs(), false),
                    self.infer.resolve(r.ty.peel_refs(), false),
                );
                if matches!(
                    (&lt, &rt),
                    (Ty::Nd(..), Ty::NdView(..)) | (Ty::NdView(..), Ty::Nd(..))
                ) {
                    // valid Rust (ndarray compares any storage), but one side's Debug/eq here is typed by the other's
                    return Err(Error::unsupported(
                        r.span,
                        format!("`{name}!` between an array and a view"),
                    )
                    .hint("compare `a == v` (or `assert_eq!(a, v.to_owned())`), or use %%rust"));
                }
                self.unify(&l.ty, &r.ty, r.span)?;
                let msg = match msg {
                    Some(f) => Some(self.format(f)?),
                    None => None,
                };
                let lt = self.infer.resolve(&l.ty, false);
                if !debug_ok(lt.peel_refs()) {
                    return Err(Error::unsupported(l.span, format!("`{name}!` on `{lt}`")));
                }
                if name.starts_with("debug_") {
                    return Ok(Expr::new(K::Unit, Ty::Unit, span));
                }
                let (l, r) = (self.auto_deref(l), self.auto_deref(r));
                Ok(Expr::new(
                    K::AssertEq {
                        l: Box::new(l),
                        r: Box::new(r),
                        eq: name.ends_with("eq"),
                        msg,
                    },
                    Ty::Unit,
                    span,
                ))
            }
            "array" => self.nd_array_macro(toks, span, expect),
            "vec" => match macros::parse_vec(toks)? {
                macros::VecMacro::List(es) => {
                    let el = match expect.map(|t| self.infer.shallow(t)) {
                        Some(Ty::Vec(e)) => *e,
                        _ => self.infer.fresh(VarKind::General),
                    };
                    let mut out = vec![];
                    for e in &es {
                        let v = self.expr(e, Some(&el))?;
                        out.push(self.coerce(v, &el)?);
                    }
                    Ok(Expr::new(K::VecLit(out), Ty::Vec(Box::new(el)), span))
                }
                macros::VecMacro::Repeat(x, n) => {
                    let el_expect = match expect.map(|t| self.infer.shallow(t)) {
                        Some(Ty::Vec(e)) => Some(*e),
                        _ => None,
                    };
                    let v = self.expr(&x, el_expect.as_ref())?;
                    let vt = self.infer.resolve(&v.ty, false);
                    if !vt.is_copy() && !super::check::vec_nest(&vt) {
                        return Err(Error::unsupported(
                            v.span,
                            format!("`vec![x; n]` of `{vt}` (only Copy elements)"),
                        ));
                    }
                    let n = self.expr(&n, Some(&Ty::USIZE))?;
                    let n = self.coerce(n, &Ty::USIZE)?;
                    let t = v.ty.clone();
                    Ok(Expr::new(
                        K::VecRepeat(Box::new(v), Box::new(n)),
                        Ty::Vec(Box::new(t)),
                        span,
                    ))
                }
            },
            other => Err(Error::unsupported(span, format!("macro `{other}!`"))),
        }
    }

    /// Type-check format arguments against their specs (Display vs Debug, usize counts).
    pub fn format(&mut self, fa: macros::FormatArgs) -> Result<Format> {
        let mut args = vec![];
        for a in &fa.args {
            args.push(self.expr(a, None)?);
        }
        let mut pieces = vec![];
        for p in fa.pieces {
            match p {
                Piece::Lit(s) => pieces.push(FmtPiece::Lit(s)),
                Piece::Arg { arg, spec } => {
                    for c in [&spec.width, &spec.precision] {
                        if let Count::Arg(k) = c {
                            let e = &args[*k];
                            self.unify(&Ty::USIZE, e.ty.peel_refs(), e.span)?;
                        }
                    }
                    let t = self.infer.resolve(&args[arg].ty, true);
                    let base = t.peel_refs().clone();
                    let debug = spec.kind.contains('?');
                    let ok = if debug {
                        debug_ok(&base)
                    } else if spec.kind.is_empty() {
                        base.is_scalar()
                            || matches!(
                                base,
                                Ty::Str | Ty::String | Ty::Nd(..) | Ty::NdD(..) | Ty::NdView(..)
                            )
                            || matches!(base, Ty::Infer(_))
                    } else if spec.kind == "e" || spec.kind == "E" {
                        base.is_numeric() || matches!(base, Ty::Infer(_))
                    } else {
                        base.is_int() || matches!(base, Ty::Infer(_))
                    };
                    if !ok {
                        let tr = if debug {
                            "Debug"
                        } else if spec.kind.is_empty() {
                            "std::fmt::Display"
                        } else {
                            "this formatting trait"
                        };
                        return Err(Error::new(
                            args[arg].span,
                            format!("`{t}` doesn't implement `{tr}`"),
                        ));
                    }
                    pieces.push(FmtPiece::Arg { arg, spec });
                }
            }
        }
        Ok(Format { pieces, args })
    }
}

fn debug_ok(t: &Ty) -> bool {
    match t {
        Ty::Vec(e) | Ty::Slice(e) | Ty::Array(e, _) | Ty::Option(e) => debug_ok(e.peel_refs()),
        Ty::Tuple(ts) => ts.iter().all(|t| debug_ok(t.peel_refs())),
        Ty::Closure(_) | Ty::Iter(_) | Ty::Range(_) | Ty::Rng | Ty::Chunked(_) | Ty::Svg => false,
        _ => true,
    }
}
