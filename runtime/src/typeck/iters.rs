//! Iterator chains: a source (range, elements of a Vec/slice/array), adapters (map, filter,
//! enumerate, zip, rev, take, skip, step_by, chain, copied) and a consumer (sum, fold,
//! collect, ...). They are checked here as one `IterExpr` and lowered to a plain loop.

use super::array_iters::NdIterHow;
use super::check::{Binding, Checker};
use super::typed::{Adapter, Consumer, Expr, ExprKind as K, IterExpr, IterSrc};
use crate::abi::ty::{Ty, VarKind};
use crate::diag::Result;
use crate::diag::{Error, Span};

const ADAPTERS: &[&str] = &[
    "map",
    "filter",
    "enumerate",
    "zip",
    "rev",
    "take",
    "skip",
    "step_by",
    "chain",
    "copied",
    "cloned",
];
const CONSUMERS: &[&str] = &[
    "sum", "product", "count", "min", "max", "fold", "any", "all", "for_each", "collect", "last",
    "position",
];

pub fn is_iter_method(n: &str) -> bool {
    ADAPTERS.contains(&n) || CONSUMERS.contains(&n)
}

fn strip_parens(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Paren(p) => strip_parens(&p.expr),
        syn::Expr::Group(g) => strip_parens(&g.expr),
        e => e,
    }
}

impl<'a, 'e> Checker<'a, 'e> {
    /// Is `e` syntactically an iterator (so `.max()` etc. are iterator methods)?
    pub fn is_iterish(&self, e: &syn::Expr) -> bool {
        match strip_parens(e) {
            syn::Expr::Range(_) => true,
            syn::Expr::MethodCall(m) => {
                let n = m.method.to_string();
                matches!(n.as_str(), "iter" | "iter_mut" | "into_iter")
                    || (ADAPTERS.contains(&n.as_str()) && self.is_iterish(&m.receiver))
            }
            _ => false,
        }
    }

    /// The iterable of a `for` loop or the receiver of an adapter chain.
    pub fn iter_expr(&mut self, e: &syn::Expr) -> Result<IterExpr> {
        let span = Span::of_node(e);
        let e = strip_parens(e);
        match e {
            syn::Expr::Range(r) => {
                let (Some(a), Some(b)) = (&r.start, &r.end) else {
                    return Err(Error::unsupported(span, "unbounded range as an iterator"));
                };
                let a = self.expr(a, None)?;
                let a = self.auto_deref(a);
                let b = self.expr(b, Some(&a.ty.clone()))?;
                let b = self.auto_deref(b);
                self.unify(&a.ty, &b.ty, b.span)?;
                let t = self.infer.shallow(&a.ty);
                let ok = matches!(t, Ty::Int(_))
                    || matches!(t, Ty::Infer(v) if self.infer.kind(v) == VarKind::Int);
                if !ok {
                    return Err(Error::new(
                        span,
                        format!(
                            "the trait bound `{}: Step` is not satisfied",
                            self.infer.show(&t)
                        ),
                    )
                    .label("ranges iterate over integers"));
                }
                let inclusive = matches!(r.limits, syn::RangeLimits::Closed(_));
                Ok(IterExpr {
                    src: IterSrc::Range {
                        start: Box::new(a),
                        end: Box::new(b),
                        inclusive,
                    },
                    adapters: vec![],
                    item: t,
                    span,
                })
            }
            syn::Expr::MethodCall(m) => {
                let n = m.method.to_string();
                match n.as_str() {
                    "iter" | "iter_mut" | "into_iter" => {
                        if !m.args.is_empty() {
                            return Err(Error::new(span, format!("`{n}` takes no arguments")));
                        }
                        let seq = self.expr(&m.receiver, None)?;
                        let how = match n.as_str() {
                            "iter" => NdIterHow::Shared,
                            "iter_mut" => NdIterHow::Mut,
                            _ => NdIterHow::Value,
                        };
                        let seq = match self.nd_iter(how, seq, span)? {
                            Ok(it) => return Ok(it),
                            Err(seq) => seq,
                        };
                        let st = self.infer.resolve(&seq.ty, false);
                        let el = match st.peel_refs() {
                            Ty::Vec(t) | Ty::Slice(t) | Ty::Array(t, _) => (**t).clone(),
                            t => {
                                return Err(Error::new(
                                    span,
                                    format!("no method named `{n}` found for `{t}`"),
                                ))
                            }
                        };
                        let (by_ref, item) = match n.as_str() {
                            "iter" => (true, Ty::Ref(Box::new(el), false)),
                            "iter_mut" => {
                                if let Ty::Ref(_, false) = st {
                                    return Err(Error::new(
                                        seq.span,
                                        "cannot borrow data in a `&` reference as mutable",
                                    ));
                                }
                                if !matches!(st, Ty::Ref(_, true)) {
                                    self.check_mut(&seq, "borrow as mutable")?;
                                }
                                (true, Ty::Ref(Box::new(el), true))
                            }
                            _ => match &st {
                                Ty::Ref(_, m) => (true, Ty::Ref(Box::new(el), *m)),
                                _ => (false, el),
                            },
                        };
                        // The source records its mutability in the type of `seq` (`&mut` for iter_mut).
                        let seq = if by_ref && n != "into_iter" {
                            let m = n == "iter_mut";
                            let t = Ty::Ref(Box::new(seq.ty.clone()), m);
                            let sp = seq.span;
                            Expr::new(K::Ref(Box::new(seq), m), t, sp)
                        } else {
                            seq
                        };
                        Ok(IterExpr {
                            src: IterSrc::Elems {
                                seq: Box::new(seq),
                                by_ref,
                            },
                            adapters: vec![],
                            item,
                            span,
                        })
                    }
                    a if ADAPTERS.contains(&a)
                        && (self.is_iterish(&m.receiver) || a == "zip" || a == "chain") =>
                    {
                        let mut it = self.iter_expr(&m.receiver)?;
                        self.adapter(&mut it, a, m, span)?;
                        it.span = span;
                        Ok(it)
                    }
                    _ => self.iter_from_value(e, span),
                }
            }
            syn::Expr::Reference(r) => {
                let seq = self.expr(&r.expr, None)?;
                let how = if r.mutability.is_some() {
                    NdIterHow::Mut
                } else {
                    NdIterHow::Shared
                };
                let seq = match self.nd_iter(how, seq, span)? {
                    Ok(it) => return Ok(it),
                    Err(seq) => seq,
                };
                let el = match self.infer.resolve(&seq.ty, false).peel_refs() {
                    Ty::Vec(t) | Ty::Slice(t) | Ty::Array(t, _) => (**t).clone(),
                    t => return Err(Error::new(span, format!("`&{t}` is not an iterator"))),
                };
                let m = r.mutability.is_some();
                if m {
                    self.check_mut(&seq, "borrow as mutable")?;
                }
                let t = Ty::Ref(Box::new(seq.ty.clone()), m);
                let sp = seq.span;
                let seq = Expr::new(K::Ref(Box::new(seq), m), t, sp);
                Ok(IterExpr {
                    src: IterSrc::Elems {
                        seq: Box::new(seq),
                        by_ref: true,
                    },
                    adapters: vec![],
                    item: Ty::Ref(Box::new(el), m),
                    span,
                })
            }
            _ => self.iter_from_value(e, span),
        }
    }

    fn iter_from_value(&mut self, e: &syn::Expr, span: Span) -> Result<IterExpr> {
        let seq = self.expr(e, None)?;
        let seq = match self.nd_iter(NdIterHow::Value, seq, span)? {
            Ok(it) => return Ok(it),
            Err(seq) => seq,
        };
        let st = self.infer.resolve(&seq.ty, false);
        let (by_ref, item) = match &st {
            Ty::Vec(t) | Ty::Array(t, _) => (false, (**t).clone()),
            Ty::Ref(inner, m) => match &**inner {
                Ty::Vec(t) | Ty::Slice(t) | Ty::Array(t, _) => (true, Ty::Ref(t.clone(), *m)),
                t => return Err(Error::new(span, format!("`&{t}` is not an iterator"))),
            },
            t => {
                return Err(
                    Error::new(span, format!("`{t}` is not an iterator")).label("not an iterator")
                )
            }
        };
        Ok(IterExpr {
            src: IterSrc::Elems {
                seq: Box::new(seq),
                by_ref,
            },
            adapters: vec![],
            item,
            span,
        })
    }

    /// A closure argument: inline `|x| ...` or a closure bound to a local.
    fn closure_arg(&mut self, a: &syn::Expr, params: Vec<Ty>) -> Result<u32> {
        let span = Span::of_node(a);
        match strip_parens(a) {
            syn::Expr::Closure(c) => self.closure_with(c, Some(params), span),
            syn::Expr::Path(p) if p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                if let Some(Binding::Local(id)) = self.lookup(&name) {
                    if let Ty::Closure(ci) = self.infer.shallow(&self.locals[id as usize].ty) {
                        let pts = self.closures[ci as usize].param_tys.clone();
                        if pts.len() != params.len() {
                            return Err(Error::new(
                                span,
                                "closure takes the wrong number of arguments",
                            ));
                        }
                        for (x, y) in pts.iter().zip(&params) {
                            self.unify(x, y, span)?;
                        }
                        return Ok(ci);
                    }
                }
                Err(Error::unsupported(span, "callable other than a closure"))
            }
            _ => Err(Error::unsupported(span, "callable other than a closure")),
        }
    }

    fn adapter(
        &mut self,
        it: &mut IterExpr,
        name: &str,
        m: &syn::ExprMethodCall,
        span: Span,
    ) -> Result<()> {
        let nargs = |n: usize| -> Result<()> {
            if m.args.len() != n {
                return Err(Error::new(span, format!("`{name}` takes {n} argument(s)")));
            }
            Ok(())
        };
        let usize_arg = |ck: &mut Self| -> Result<Box<Expr>> {
            let v = ck.expr(&m.args[0], Some(&Ty::USIZE))?;
            let v = ck.auto_deref(v);
            ck.unify(&Ty::USIZE, &v.ty, v.span)?;
            Ok(Box::new(v))
        };
        match name {
            "map" => {
                nargs(1)?;
                let c = self.closure_arg(&m.args[0], vec![it.item.clone()])?;
                it.item = self.closures[c as usize].ret.clone();
                it.adapters.push(Adapter::Map(c));
            }
            "filter" => {
                nargs(1)?;
                let c =
                    self.closure_arg(&m.args[0], vec![Ty::Ref(Box::new(it.item.clone()), false)])?;
                let r = self.closures[c as usize].ret.clone();
                self.unify(&Ty::Bool, &r, span)?;
                it.adapters.push(Adapter::Filter(c));
            }
            "enumerate" => {
                nargs(0)?;
                it.item = Ty::Tuple(vec![Ty::USIZE, it.item.clone()]);
                it.adapters.push(Adapter::Enumerate);
            }
            "rev" => {
                self.nd_rev_check(it, Span::of_node(&m.method))?;
                nargs(0)?;
                it.adapters.push(Adapter::Rev);
            }
            "take" => {
                nargs(1)?;
                let n = usize_arg(self)?;
                it.adapters.push(Adapter::Take(n));
            }
            "skip" => {
                nargs(1)?;
                let n = usize_arg(self)?;
                it.adapters.push(Adapter::Skip(n));
            }
            "step_by" => {
                nargs(1)?;
                let n = usize_arg(self)?;
                it.adapters.push(Adapter::StepBy(n));
            }
            "copied" | "cloned" => {
                nargs(0)?;
                match self.infer.shallow(&it.item) {
                    Ty::Ref(t, _) => it.item = *t,
                    t => {
                        return Err(Error::new(
                            span,
                            format!(
                            "`{name}` needs an iterator over references, found items of type `{}`",
                            self.infer.show(&t)
                        ),
                        ))
                    }
                }
                it.adapters.push(Adapter::Copied);
            }
            "zip" | "chain" => {
                nargs(1)?;
                let other = self.iter_expr(&m.args[0])?;
                if name == "zip" {
                    it.item = Ty::Tuple(vec![it.item.clone(), other.item.clone()]);
                    it.adapters.push(Adapter::Zip(Box::new(other)));
                } else {
                    self.unify(&it.item, &other.item, other.span)?;
                    it.adapters.push(Adapter::Chain(Box::new(other)));
                }
            }
            _ => {
                return Err(Error::unsupported(
                    span,
                    format!("iterator adapter `{name}`"),
                ))
            }
        }
        Ok(())
    }

    /// `chain.consumer(args)`.
    pub fn iter_consume(
        &mut self,
        m: &syn::ExprMethodCall,
        span: Span,
        expect: Option<&Ty>,
    ) -> Result<Expr> {
        let name = m.method.to_string();
        if ADAPTERS.contains(&name.as_str()) {
            return Err(Error::unsupported(
                span,
                "an iterator kept as a value (consume it with `for`, `sum`, `collect`, ...)",
            ));
        }
        let it = self.iter_expr(&m.receiver)?;
        let item = it.item.clone();
        let base = match self.infer.shallow(&item) {
            Ty::Ref(t, _) => self.infer.shallow(&t),
            t => t,
        };
        let nargs = |n: usize| -> Result<()> {
            if m.args.len() != n {
                return Err(Error::new(span, format!("`{name}` takes {n} argument(s)")));
            }
            Ok(())
        };
        let turbofish = || -> Option<&syn::Type> {
            m.turbofish
                .as_ref()
                .and_then(|t| t.args.first())
                .and_then(|g| match g {
                    syn::GenericArgument::Type(t) => Some(t),
                    _ => None,
                })
        };
        let (consumer, ty) = match name.as_str() {
            "sum" | "product" => {
                nargs(0)?;
                let want = match turbofish() {
                    Some(t) => Some(super::check::parse_type(t, &mut self.infer)?),
                    None => expect.cloned(),
                };
                let Some(want) = want else {
                    return Err(Error::new(span, "type annotations needed").hint(format!(
                        "consider specifying the generic argument: `{name}::<T>()`"
                    )));
                };
                self.unify(&want, &base, span).map_err(|e| Error { message: format!("a value of type `{}` cannot be made by summing an iterator over elements of type `{}`", self.infer.show(&want), self.infer.show(&item)), ..e })?;
                let ok = matches!(
                    self.infer.shallow(&want),
                    Ty::Int(_) | Ty::Float(_) | Ty::Infer(_)
                );
                if !ok {
                    return Err(Error::new(
                        span,
                        format!("`{}` cannot be summed", self.infer.show(&want)),
                    ));
                }
                (
                    if name == "sum" {
                        Consumer::Sum
                    } else {
                        Consumer::Product
                    },
                    want,
                )
            }
            "count" => {
                nargs(0)?;
                (Consumer::Count, Ty::USIZE)
            }
            "min" | "max" => {
                nargs(0)?;
                if matches!(base, Ty::Float(_))
                    || matches!(base, Ty::Infer(v) if self.infer.kind(v) == VarKind::Float)
                {
                    return Err(Error::new(
                        span,
                        format!(
                            "the trait bound `{}: Ord` is not satisfied",
                            self.infer.show(&base)
                        ),
                    )
                    .hint(
                        "floats are not `Ord`; use `fold(f64::INFINITY, f64::min)` or `%%rust`",
                    ));
                }
                if !matches!(base, Ty::Int(_) | Ty::Bool | Ty::Char | Ty::Infer(_)) {
                    return Err(Error::unsupported(
                        span,
                        format!("`{name}` over `{}`", self.infer.show(&base)),
                    ));
                }
                (
                    if name == "min" {
                        Consumer::Min
                    } else {
                        Consumer::Max
                    },
                    Ty::Option(Box::new(item.clone())),
                )
            }
            "last" => {
                nargs(0)?;
                (Consumer::Last, Ty::Option(Box::new(item.clone())))
            }
            "fold" => {
                nargs(2)?;
                let init = self.expr(&m.args[0], expect)?;
                let at = init.ty.clone();
                let c = self.fold_closure(&m.args[1], at.clone(), item.clone())?;
                let r = self.closures[c as usize].ret.clone();
                self.unify(&at, &r, span)?;
                (Consumer::Fold(Box::new(init), c), at)
            }
            "any" | "all" => {
                nargs(1)?;
                let c = self.closure_arg(&m.args[0], vec![item.clone()])?;
                let r = self.closures[c as usize].ret.clone();
                self.unify(&Ty::Bool, &r, span)?;
                (
                    if name == "any" {
                        Consumer::Any(c)
                    } else {
                        Consumer::All(c)
                    },
                    Ty::Bool,
                )
            }
            "position" => {
                nargs(1)?;
                let c = self.closure_arg(&m.args[0], vec![item.clone()])?;
                let r = self.closures[c as usize].ret.clone();
                self.unify(&Ty::Bool, &r, span)?;
                (Consumer::Position(c), Ty::Option(Box::new(Ty::USIZE)))
            }
            "for_each" => {
                nargs(1)?;
                let c = self.closure_arg(&m.args[0], vec![item.clone()])?;
                let r = self.closures[c as usize].ret.clone();
                self.unify(&Ty::Unit, &r, span)?;
                (Consumer::ForEach(c), Ty::Unit)
            }
            "collect" => {
                nargs(0)?;
                let want = match turbofish() {
                    Some(t) => Some(super::check::parse_type(t, &mut self.infer)?),
                    None => expect.cloned(),
                };
                let vt = Ty::Vec(Box::new(item.clone()));
                match want {
                    Some(w) => self
                        .unify(&w, &vt, span)
                        .map_err(|e| e.hint("the fast tier collects into `Vec<_>` only"))?,
                    None => {
                        return Err(Error::new(span, "type annotations needed")
                            .hint("consider `collect::<Vec<_>>()`"))
                    }
                }
                let it_r = self.infer.resolve(&item, false);
                // Rows made by a `map` (`(0..n).map(|i| vec![0.0; i]).collect()`) move into the
                // new Vec; no adapter after the map may drop one on the way.
                let rows = super::check::vec_nest(&it_r)
                    && it.adapters.iter().all(|a| {
                        matches!(
                            a,
                            super::typed::Adapter::Map(_) | super::typed::Adapter::Rev
                        )
                    });
                if !rows && super::check::vec_nest(&it_r) {
                    return Err(Error::unsupported(
                        span,
                        format!("collecting `{it_r}` rows through adapters other than `map`"),
                    ));
                }
                if !rows && (matches!(it_r, Ty::Ref(..)) || !it_r.is_copy()) {
                    return Err(Error::unsupported(
                        span,
                        format!("collecting items of type `{it_r}` (use `.copied()`)"),
                    ));
                }
                (Consumer::Collect, vt)
            }
            _ => {
                return Err(Error::unsupported(
                    span,
                    format!("iterator method `{name}`"),
                ))
            }
        };
        Ok(Expr::new(K::Consume(it, consumer), ty, span))
    }

    fn fold_closure(&mut self, a: &syn::Expr, acc: Ty, item: Ty) -> Result<u32> {
        let span = Span::of_node(a);
        match strip_parens(a) {
            syn::Expr::Closure(_) => self.closure_arg(a, vec![acc, item]),
            syn::Expr::Path(p) => {
                // `fold(x, f64::max)` / `fold(0, i64::min)`: the std fn as a two-argument closure.
                let segs: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if segs.len() == 2 {
                    let src = format!("|a, b| {}::{}(a, b)", segs[0], segs[1]);
                    let c: syn::ExprClosure =
                        syn::parse_str(&src).map_err(|e| Error::new(span, e.to_string()))?;
                    return self
                        .closure_with(&c, Some(vec![acc, item]), span)
                        .map_err(|mut e| {
                            e.span = span;
                            e
                        });
                }
                self.closure_arg(a, vec![acc, item])
            }
            _ => Err(Error::unsupported(span, "callable other than a closure")),
        }
    }
}
