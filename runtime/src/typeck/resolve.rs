//! After checking a body: substitute inferred types everywhere (defaulting `{integer}` to
//! i32 and `{float}` to f64), parse float literals for their final type, and check what
//! needs final types (literal ranges, `-` on unsigned).

use super::check::Checker;
use super::infer::contains_infer;
use super::typed::*;
use crate::abi::ty::{FloatTy, Ty};
use crate::diag::{Error, Result, Span};

struct Z<'c, 'a, 'e> {
    ck: &'c Checker<'a, 'e>,
}

impl Z<'_, '_, '_> {
    fn ty(&self, t: &Ty, span: Span) -> Result<Ty> {
        let r = self.ck.infer.resolve(t, true);
        if contains_infer(&r) {
            return Err(Error::new(span, "type annotations needed")
                .label(format!("cannot infer type `{r}`")));
        }
        Ok(r)
    }

    fn block(&self, b: &mut Block) -> Result<()> {
        for s in &mut b.stmts {
            match s {
                Stmt::Let { init, .. } => {
                    if let Some(e) = init {
                        self.expr(e, false)?;
                    }
                }
                Stmt::Expr(e) => self.expr(e, false)?,
            }
        }
        if let Some(t) = &mut b.tail {
            self.expr(t, false)?;
        }
        Ok(())
    }

    fn fmt(&self, f: &mut Format) -> Result<()> {
        for a in &mut f.args {
            self.expr(a, false)?;
        }
        Ok(())
    }

    fn iter(&self, it: &mut IterExpr) -> Result<()> {
        it.item = self.ty(&it.item, it.span)?;
        if let IterSrc::Elems { seq, by_ref } = &it.src {
            let st = self.ty(&seq.ty, it.span)?;
            if let Ty::Vec(el) | Ty::Slice(el) | Ty::Array(el, _) = st.peel_refs() {
                // Rows of a `Vec<Vec<T>>` are iterated by shared reference only.
                let mutable = matches!(st, Ty::Ref(_, true));
                if el.needs_drop()
                    && (!by_ref
                        || mutable
                        || it.adapters.iter().any(|a| matches!(a, Adapter::Copied)))
                {
                    let how = if !by_ref {
                        "by value"
                    } else if mutable {
                        "by `&mut`"
                    } else {
                        "with `copied`/`cloned`"
                    };
                    return Err(Error::unsupported(
                        it.span,
                        format!("iterating the `{el}` elements {how} (iterate `&v` / `v.iter()`)"),
                    ));
                }
            }
        }
        match &mut it.src {
            IterSrc::Range { start, end, .. } => {
                self.expr(start, false)?;
                self.expr(end, false)?;
            }
            IterSrc::Elems { seq, .. } => self.expr(seq, false)?,
        }
        for a in &mut it.adapters {
            match a {
                Adapter::Take(e) | Adapter::Skip(e) | Adapter::StepBy(e) => self.expr(e, false)?,
                Adapter::Zip(o) | Adapter::Chain(o) => self.iter(o)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn expr(&self, e: &mut Expr, negated: bool) -> Result<()> {
        e.ty = self.ty(&e.ty, e.span)?;
        let span = e.span;
        match &mut e.kind {
            ExprKind::Int(v) => {
                if let Ty::Int(it) = e.ty {
                    let max = it.max() + if negated && it.signed() { 1 } else { 0 };
                    if *v > max {
                        return Err(Error::new(span, format!("literal out of range for `{}`", it.name()))
                            .label(format!("the literal `{v}` does not fit into the type `{}` whose range is `{}..={}`", it.name(), it.min(), it.max())));
                    }
                }
            }
            ExprKind::FloatLit(s) => {
                let v = match e.ty {
                    Ty::Float(FloatTy::F32) => s.parse::<f32>().map(|x| x as f64).ok(),
                    _ => s.parse::<f64>().ok(),
                };
                let v = v.ok_or_else(|| Error::new(span, "invalid float literal"))?;
                e.kind = ExprKind::Float(v);
            }
            ExprKind::Neg(x) => {
                if let Ty::Int(it) = e.ty {
                    if !it.signed() {
                        return Err(Error::new(
                            span,
                            format!("cannot apply unary operator `-` to type `{}`", it.name()),
                        ));
                    }
                }
                self.expr(x, true)?;
            }
            ExprKind::Not(x)
            | ExprKind::Deref(x)
            | ExprKind::Ref(x, _)
            | ExprKind::ToSlice(x)
            | ExprKind::Cast(x)
            | ExprKind::Field(x, _)
            | ExprKind::Some(x) => self.expr(x, false)?,
            ExprKind::Binary(_, a, b)
            | ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Assign(a, b)
            | ExprKind::OpAssign(_, a, b)
            | ExprKind::Index(a, b)
            | ExprKind::VecRepeat(a, b) => {
                self.expr(a, false)?;
                self.expr(b, false)?;
            }
            ExprKind::If(c, t, f) => {
                self.expr(c, false)?;
                self.expr(t, false)?;
                if let Some(f) = f {
                    self.expr(f, false)?;
                }
            }
            ExprKind::Block(b) | ExprKind::Loop { body: b, .. } => self.block(b)?,
            ExprKind::While { cond, body, .. } => {
                self.expr(cond, false)?;
                self.block(body)?;
            }
            ExprKind::For { iter, body, .. } => {
                self.iter(iter)?;
                self.block(body)?;
            }
            ExprKind::Break { value: Some(v), .. } | ExprKind::Return(Some(v)) => {
                self.expr(v, false)?
            }
            ExprKind::Call(_, args)
            | ExprKind::CallClosure(_, args)
            | ExprKind::Intrinsic(_, args)
            | ExprKind::Tuple(args)
            | ExprKind::Array(args)
            | ExprKind::VecLit(args) => {
                for a in args {
                    self.expr(a, false)?;
                }
            }
            ExprKind::ArrayRepeat(x, _) => self.expr(x, false)?,
            ExprKind::Match(s, arms) => {
                self.expr(s, false)?;
                for a in arms {
                    if let Some(g) = &mut a.guard {
                        self.expr(g, false)?;
                    }
                    self.expr(&mut a.body, false)?;
                }
            }
            ExprKind::Format(_, f) => self.fmt(f)?,
            ExprKind::Assert { cond, msg, .. } => {
                self.expr(cond, false)?;
                if let Some(m) = msg {
                    self.fmt(m)?;
                }
            }
            ExprKind::AssertEq { l, r, msg, .. } => {
                self.expr(l, false)?;
                self.expr(r, false)?;
                if let Some(m) = msg {
                    self.fmt(m)?;
                }
            }
            ExprKind::Unreachable(Some(m)) => self.fmt(m)?,
            ExprKind::Consume(it, c) => {
                self.iter(it)?;
                if let Consumer::Fold(init, _) = c {
                    self.expr(init, false)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

pub(super) fn zonk_fn(
    ck: Checker,
    name: String,
    params: Vec<LocalId>,
    ret: Ty,
    mut body: Block,
    span: Span,
) -> Result<Fn> {
    let z = Z { ck: &ck };
    z.block(&mut body)?;
    let mut closures = ck.closures.clone();
    for c in &mut closures {
        z.expr(&mut c.body, false)?;
        c.ret = z.ty(&c.ret, c.span)?;
        for t in &mut c.param_tys {
            *t = z.ty(t, c.span)?;
        }
    }
    let mut locals = ck.locals.clone();
    for l in &mut locals {
        l.ty = z.ty(&l.ty, l.span)?;
        if let Ty::Vec(e) = &l.ty {
            if !e.is_copy() && !super::check::vec_nest(e) {
                return Err(Error::unsupported(
                    l.span,
                    format!("`Vec<{e}>` (only Copy elements)"),
                ));
            }
        }
        if let Ty::Option(e) = &l.ty {
            if !e.is_copy() {
                return Err(Error::unsupported(
                    l.span,
                    format!("`Option<{e}>` (only Copy payloads)"),
                ));
            }
        }
    }
    let mut globals = ck.globals.clone();
    for g in &mut globals {
        g.ty = z.ty(&g.ty, span)?;
        if let Ty::Option(e) = &g.ty {
            if !e.is_copy() {
                return Err(Error::unsupported(
                    span,
                    format!("`Option<{e}>` (only Copy payloads)"),
                ));
            }
        }
    }
    Ok(Fn {
        name,
        params,
        ret,
        body,
        locals,
        closures,
        globals,
        span,
        view_bases: ck.view_bases.clone(),
    })
}
