//! Expressions: literals, names, operators, casts, control flow, indexing (`match` is in `matches.rs`).

use super::check::{Binding, Checker};
use super::typed::{BinOp, Expr, ExprKind as K};
use crate::abi::ty::{IntTy, Ty, VarKind};
use crate::diag::Result;
use crate::diag::{Error, Span};

impl<'a, 'e> Checker<'a, 'e> {
    pub fn expr(&mut self, e: &syn::Expr, expect: Option<&Ty>) -> Result<Expr> {
        let span = Span::of_node(e);
        match e {
            syn::Expr::Lit(l) => self.lit(&l.lit, span),
            syn::Expr::Paren(p) => self.expr(&p.expr, expect),
            syn::Expr::Group(g) => self.expr(&g.expr, expect),
            syn::Expr::Path(p) => self.path_expr(p, span),
            syn::Expr::Unary(u) => self.unary(u, span, expect),
            syn::Expr::Binary(b) => self.binary(b, span),
            syn::Expr::Assign(a) => {
                let l = self.expr(&a.left, None)?;
                self.check_mut(&l, "assign to")?;
                let r = self.expr(&a.right, Some(&l.ty.clone()))?;
                let r = self.coerce(r, &l.ty.clone())?;
                Ok(Expr::new(
                    K::Assign(Box::new(l), Box::new(r)),
                    Ty::Unit,
                    span,
                ))
            }
            syn::Expr::Cast(c) => self.cast(c, span),
            syn::Expr::If(i) => self.if_expr(i, span, expect),
            syn::Expr::Block(b) => {
                if let Some(l) = &b.label {
                    return Err(Error::unsupported(Span::of_node(l), "labeled block"));
                }
                let blk = self.block(&b.block, expect)?;
                let ty = self.block_ty(&blk);
                Ok(Expr::new(K::Block(blk), ty, span))
            }
            syn::Expr::While(w) => {
                if let syn::Expr::Let(l) = &*w.cond {
                    return self.while_let(w, l, span);
                }
                let cond = self.expr(&w.cond, Some(&Ty::Bool))?;
                let cond = self.coerce(cond, &Ty::Bool)?;
                let id = self.push_loop(w.label.as_ref(), None);
                let body = self.block(&w.body, None)?;
                self.loops.pop();
                self.unit_block(&body)?;
                Ok(Expr::new(
                    K::While {
                        id,
                        cond: Box::new(cond),
                        body,
                    },
                    Ty::Unit,
                    span,
                ))
            }
            syn::Expr::Loop(l) => {
                let bt = self.infer.fresh(VarKind::General);
                let id = self.push_loop(l.label.as_ref(), Some(bt.clone()));
                let body = self.block(&l.body, None)?;
                let ctx = self.loops.pop().unwrap();
                self.unit_block(&body)?;
                let ty = if ctx.has_break { bt } else { Ty::Never };
                Ok(Expr::new(K::Loop { id, body }, ty, span))
            }
            syn::Expr::ForLoop(f) => {
                let iter = self.iter_expr(&f.expr)?;
                self.scopes.push(vec![]);
                let item = iter.item.clone();
                let pat = self.bind_pat(&f.pat, &item, false)?;
                let id = self.push_loop(f.label.as_ref(), None);
                let body = self.block(&f.body, None);
                self.loops.pop();
                self.scopes.pop();
                let body = body?;
                self.unit_block(&body)?;
                Ok(Expr::new(
                    K::For {
                        id,
                        pat,
                        iter,
                        body,
                    },
                    Ty::Unit,
                    span,
                ))
            }
            syn::Expr::Break(b) => {
                let i = self.loop_lookup(b.label.as_ref(), span, "break")?;
                self.loops[i].has_break = true;
                let id = self.loops[i].id;
                let value = match &b.expr {
                    Some(v) => {
                        let Some(bt) = self.loops[i].break_ty.clone() else {
                            return Err(Error::new(
                                span,
                                "`break` with value from a `while`/`for` loop",
                            ));
                        };
                        let v = self.expr(v, Some(&bt))?;
                        Some(Box::new(self.coerce(v, &bt)?))
                    }
                    None => {
                        if let Some(bt) = self.loops[i].break_ty.clone() {
                            self.unify(&bt, &Ty::Unit, span)?;
                        }
                        None
                    }
                };
                Ok(Expr::new(K::Break { id, value }, Ty::Never, span))
            }
            syn::Expr::Continue(c) => {
                let i = self.loop_lookup(c.label.as_ref(), span, "continue")?;
                Ok(Expr::new(K::Continue(self.loops[i].id), Ty::Never, span))
            }
            syn::Expr::Return(r) => {
                let rt = self
                    .closure_ret
                    .last()
                    .cloned()
                    .unwrap_or_else(|| self.ret.clone());
                if self.cell && self.closure_ret.is_empty() {
                    return Err(Error::unsupported(
                        span,
                        "`return` at the top level of a cell",
                    ));
                }
                let v = match &r.expr {
                    Some(v) => {
                        let v = self.expr(v, Some(&rt))?;
                        Some(Box::new(self.coerce(v, &rt)?))
                    }
                    None => {
                        self.unify(&rt, &Ty::Unit, span)?;
                        None
                    }
                };
                Ok(Expr::new(K::Return(v), Ty::Never, span))
            }
            syn::Expr::Call(c) => self.call(c, span, expect),
            syn::Expr::MethodCall(m) => self.method_call(m, span, expect),
            syn::Expr::Index(ix) => self.index(&ix.expr, &ix.index, span),
            syn::Expr::Field(f) => {
                let b = self.expr(&f.base, None)?;
                let b = self.auto_deref(b);
                let syn::Member::Unnamed(idx) = &f.member else {
                    return Err(Error::unsupported(span, "named field access"));
                };
                let k = idx.index as usize;
                match self.infer.shallow(&b.ty) {
                    Ty::Tuple(ts) if k < ts.len() => Ok(Expr::new(
                        K::Field(Box::new(b), k as u32),
                        ts[k].clone(),
                        span,
                    )),
                    t => Err(Error::new(
                        span,
                        format!("no field `{k}` on type `{}`", self.infer.show(&t)),
                    )),
                }
            }
            syn::Expr::Tuple(t) => {
                if t.elems.is_empty() {
                    return Ok(Expr::new(K::Unit, Ty::Unit, span));
                }
                let want: Option<Vec<Ty>> = expect.and_then(|x| match self.infer.shallow(x) {
                    Ty::Tuple(ts) if ts.len() == t.elems.len() => Some(ts),
                    _ => None,
                });
                let mut es = vec![];
                for (i, x) in t.elems.iter().enumerate() {
                    es.push(self.expr(x, want.as_ref().map(|w| &w[i]))?);
                }
                for x in &es {
                    if !self.infer.resolve(&x.ty, false).is_copy() {
                        return Err(Error::unsupported(x.span, "tuple of non-Copy values"));
                    }
                }
                let ty = Ty::Tuple(es.iter().map(|x| x.ty.clone()).collect());
                Ok(Expr::new(K::Tuple(es), ty, span))
            }
            syn::Expr::Array(a) => {
                let el = self.infer.fresh(VarKind::General);
                let mut es = vec![];
                for x in &a.elems {
                    let v = self.expr(x, Some(&el))?;
                    es.push(self.coerce(v, &el)?);
                }
                let n = es.len() as u64;
                Ok(Expr::new(K::Array(es), Ty::Array(Box::new(el), n), span))
            }
            syn::Expr::Repeat(r) => {
                let n = self.const_usize(&r.len)?;
                let v = self.expr(&r.expr, None)?;
                let t = v.ty.clone();
                Ok(Expr::new(
                    K::ArrayRepeat(Box::new(v), n),
                    Ty::Array(Box::new(t), n),
                    span,
                ))
            }
            syn::Expr::Reference(r) => {
                if let syn::Expr::Index(ix) = &*r.expr {
                    if let syn::Expr::Range(rg) = &*ix.index {
                        return self.slice_range(&ix.expr, rg, r.mutability.is_some(), span);
                    }
                }
                let inner = self.expr(&r.expr, None)?;
                let m = r.mutability.is_some();
                if m {
                    self.check_mut(&inner, "borrow as mutable")?;
                }
                let ty = Ty::Ref(Box::new(inner.ty.clone()), m);
                Ok(Expr::new(K::Ref(Box::new(inner), m), ty, span))
            }
            syn::Expr::Match(m) => self.match_expr(m, span, expect),
            syn::Expr::Macro(m) => self.macro_expr(&m.mac, span, expect),
            syn::Expr::Closure(c) => self.closure(c, span),
            syn::Expr::Range(_) => Err(Error::unsupported(
                span,
                "range value outside `for`, an iterator chain or slicing",
            )),
            syn::Expr::Unsafe(_) => Err(Error::unsupported(span, "`unsafe` block")),
            syn::Expr::Async(_) | syn::Expr::Await(_) => Err(Error::unsupported(span, "async")),
            syn::Expr::Try(_) => Err(Error::unsupported(span, "`?` operator")),
            syn::Expr::Let(_) => Err(Error::unsupported(
                span,
                "`let` expression (if let / while let)",
            )),
            syn::Expr::Struct(_) => Err(Error::unsupported(span, "struct literal")),
            _ => Err(Error::unsupported(span, "expression")),
        }
    }

    pub fn unit_block(&mut self, b: &super::typed::Block) -> Result<()> {
        if let Some(t) = &b.tail {
            let ty = self.infer.shallow(&t.ty);
            if ty != Ty::Never {
                self.unify(&Ty::Unit, &t.ty, t.span)?;
            }
        }
        Ok(())
    }

    pub(super) fn lit(&mut self, l: &syn::Lit, span: Span) -> Result<Expr> {
        match l {
            syn::Lit::Int(i) => {
                let suf = i.suffix();
                let v: i128 = i
                    .base10_parse()
                    .map_err(|e| Error::new(span, e.to_string()))?;
                let ty = if suf.is_empty() {
                    self.infer.fresh(VarKind::Int)
                } else if let Some(t) = IntTy::from_name(suf) {
                    Ty::Int(t)
                } else if suf == "f64" || suf == "f32" {
                    let t = if suf == "f64" {
                        Ty::F64
                    } else {
                        Ty::Float(crate::abi::ty::FloatTy::F32)
                    };
                    return Ok(Expr::new(
                        K::FloatLit(i.base10_digits().to_string()),
                        t,
                        span,
                    ));
                } else {
                    return Err(Error::new(
                        span,
                        format!("invalid suffix `{suf}` for number literal"),
                    ));
                };
                Ok(Expr::new(K::Int(v), ty, span))
            }
            syn::Lit::Float(f) => {
                let ty = match f.suffix() {
                    "" => self.infer.fresh(VarKind::Float),
                    "f64" => Ty::F64,
                    "f32" => Ty::Float(crate::abi::ty::FloatTy::F32),
                    s => {
                        return Err(Error::new(
                            span,
                            format!("invalid suffix `{s}` for float literal"),
                        ))
                    }
                };
                Ok(Expr::new(
                    K::FloatLit(f.base10_digits().to_string()),
                    ty,
                    span,
                ))
            }
            syn::Lit::Bool(b) => Ok(Expr::new(K::Bool(b.value), Ty::Bool, span)),
            syn::Lit::Char(c) => Ok(Expr::new(K::Char(c.value()), Ty::Char, span)),
            syn::Lit::Str(s) => Ok(Expr::new(
                K::Str(s.value()),
                Ty::Ref(Box::new(Ty::Str), false),
                span,
            )),
            syn::Lit::Byte(b) => Ok(Expr::new(
                K::Int(b.value() as i128),
                Ty::Int(IntTy::U8),
                span,
            )),
            _ => Err(Error::unsupported(span, "literal")),
        }
    }

    fn path_expr(&mut self, p: &syn::ExprPath, span: Span) -> Result<Expr> {
        if p.qself.is_some() {
            return Err(Error::unsupported(span, "qualified path"));
        }
        let segs: Vec<String> = p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        if segs.len() == 1 {
            if let Some(b) = self.lookup(&segs[0]) {
                return Ok(match b {
                    Binding::Local(id) => {
                        Expr::new(K::Local(id), self.locals[id as usize].ty.clone(), span)
                    }
                    Binding::Global(i) => Expr::new(K::Global(i), self.globals[i].ty.clone(), span),
                });
            }
            if let Some((k, t)) = self.env.consts.get(&segs[0]) {
                return Ok(Expr::new(k.clone(), t.clone(), span));
            }
            if segs[0] == "None" {
                let t = self.infer.fresh(VarKind::General);
                return Ok(Expr::new(K::None, Ty::Option(Box::new(t)), span));
            }
        }
        let canon = self.env.canonical(&segs);
        if let Some((k, t)) = super::check::std_const(&canon) {
            return Ok(Expr::new(k, t, span));
        }
        if segs.len() == 1 && self.env.fns.contains_key(&segs[0]) {
            return Err(Error::unsupported(span, "fn item used as a value"));
        }
        Err(Error::new(
            span,
            format!("cannot find value `{}` in this scope", segs.join("::")),
        )
        .code("E0425")
        .label("not found in this scope"))
    }

    /// `&T` operands of arithmetic are dereferenced (std implements `&f64 + f64` etc.).
    pub fn auto_deref(&mut self, e: Expr) -> Expr {
        match self.infer.shallow(&e.ty) {
            Ty::Ref(inner, _) => {
                let span = e.span;
                let d = Expr::new(K::Deref(Box::new(e)), (*inner).clone(), span);
                self.auto_deref(d)
            }
            _ => e,
        }
    }

    fn unary(&mut self, u: &syn::ExprUnary, span: Span, expect: Option<&Ty>) -> Result<Expr> {
        match u.op {
            syn::UnOp::Deref(_) => {
                let x = self.expr(&u.expr, None)?;
                match self.infer.shallow(&x.ty) {
                    Ty::Ref(inner, _) => Ok(Expr::new(K::Deref(Box::new(x)), *inner, span)),
                    t => Err(Error::new(
                        span,
                        format!("type `{}` cannot be dereferenced", self.infer.show(&t)),
                    )),
                }
            }
            syn::UnOp::Neg(_) => {
                let x = self.expr(&u.expr, expect)?;
                let x = self.auto_deref(x);
                let t = self.infer.shallow(&x.ty);
                let ok = match &t {
                    Ty::Int(i) => i.signed(),
                    Ty::Float(_) => true,
                    Ty::Infer(v) => self.infer.kind(*v) != VarKind::General,
                    _ => false,
                };
                if !ok {
                    return Err(Error::new(
                        span,
                        format!(
                            "cannot apply unary operator `-` to type `{}`",
                            self.infer.show(&t)
                        ),
                    ));
                }
                Ok(Expr::new(K::Neg(Box::new(x)), t, span))
            }
            syn::UnOp::Not(_) => {
                let x = self.expr(&u.expr, expect)?;
                if matches!(
                    self.infer.resolve(x.ty.peel_refs(), false),
                    Ty::Nd(..) | Ty::NdView(..)
                ) {
                    return self.nd_not(x, span);
                }
                let x = self.auto_deref(x);
                let t = self.infer.shallow(&x.ty);
                let ok = match &t {
                    Ty::Int(_) | Ty::Bool => true,
                    Ty::Infer(v) => self.infer.kind(*v) == VarKind::Int,
                    _ => false,
                };
                if !ok {
                    return Err(Error::new(
                        span,
                        format!(
                            "cannot apply unary operator `!` to type `{}`",
                            self.infer.show(&t)
                        ),
                    ));
                }
                Ok(Expr::new(K::Not(Box::new(x)), t, span))
            }
            _ => Err(Error::unsupported(span, "unary operator")),
        }
    }

    fn binary(&mut self, b: &syn::ExprBinary, span: Span) -> Result<Expr> {
        use syn::BinOp as S;
        let (op, assign) = match b.op {
            S::Add(_) => (BinOp::Add, false),
            S::Sub(_) => (BinOp::Sub, false),
            S::Mul(_) => (BinOp::Mul, false),
            S::Div(_) => (BinOp::Div, false),
            S::Rem(_) => (BinOp::Rem, false),
            S::BitAnd(_) => (BinOp::BitAnd, false),
            S::BitOr(_) => (BinOp::BitOr, false),
            S::BitXor(_) => (BinOp::BitXor, false),
            S::Shl(_) => (BinOp::Shl, false),
            S::Shr(_) => (BinOp::Shr, false),
            S::Eq(_) => (BinOp::Eq, false),
            S::Ne(_) => (BinOp::Ne, false),
            S::Lt(_) => (BinOp::Lt, false),
            S::Le(_) => (BinOp::Le, false),
            S::Gt(_) => (BinOp::Gt, false),
            S::Ge(_) => (BinOp::Ge, false),
            S::AddAssign(_) => (BinOp::Add, true),
            S::SubAssign(_) => (BinOp::Sub, true),
            S::MulAssign(_) => (BinOp::Mul, true),
            S::DivAssign(_) => (BinOp::Div, true),
            S::RemAssign(_) => (BinOp::Rem, true),
            S::BitAndAssign(_) => (BinOp::BitAnd, true),
            S::BitOrAssign(_) => (BinOp::BitOr, true),
            S::BitXorAssign(_) => (BinOp::BitXor, true),
            S::ShlAssign(_) => (BinOp::Shl, true),
            S::ShrAssign(_) => (BinOp::Shr, true),
            S::And(_) | S::Or(_) => {
                let l = self.expr(&b.left, Some(&Ty::Bool))?;
                let l = self.coerce(l, &Ty::Bool)?;
                let r = self.expr(&b.right, Some(&Ty::Bool))?;
                let r = self.coerce(r, &Ty::Bool)?;
                let k = if matches!(b.op, S::And(_)) {
                    K::And(Box::new(l), Box::new(r))
                } else {
                    K::Or(Box::new(l), Box::new(r))
                };
                return Ok(Expr::new(k, Ty::Bool, span));
            }
            _ => return Err(Error::unsupported(span, "operator")),
        };
        let l = self.expr(&b.left, None)?;
        if matches!(self.infer.resolve(l.ty.peel_refs(), false), Ty::Chunked(_)) {
            let r = self.expr(&b.right, None)?;
            return self.ch_binary(op, assign, l, r, span);
        }
        if matches!(self.infer.resolve(l.ty.peel_refs(), false), Ty::NdD(..)) && !op.is_cmp() {
            let r = self.expr(&b.right, None)?;
            return self.ndd_binary(op, assign, l, r, span);
        }
        if matches!(
            self.infer.resolve(l.ty.peel_refs(), false),
            Ty::Nd(..) | Ty::NdView(..)
        ) {
            let r = self.expr(&b.right, None)?;
            if matches!(op, BinOp::Eq | BinOp::Ne) {
                return self.nd_eq(op, l, r, Span::of_node(&b.op));
            }
            self.mask_arith_check(op, &l, &r, Span::of_node(&b.op))?;
            return self.nd_binary(op, assign, l, r, span);
        }
        if assign {
            self.check_mut(&l, "assign to")?;
        }
        let lt = l.ty.clone();
        let r = self.expr(
            &b.right,
            if op.is_cmp() || matches!(op, BinOp::Shl | BinOp::Shr) {
                None
            } else {
                Some(&lt)
            },
        )?;
        if matches!(self.infer.resolve(r.ty.peel_refs(), false), Ty::Chunked(_)) {
            return self.ch_binary(op, assign, l, r, span);
        }
        if matches!(self.infer.resolve(r.ty.peel_refs(), false), Ty::NdD(..)) && !op.is_cmp() {
            return self.ndd_binary(op, assign, l, r, span);
        }
        if matches!(
            self.infer.resolve(r.ty.peel_refs(), false),
            Ty::Nd(..) | Ty::NdView(..)
        ) {
            if matches!(op, BinOp::Eq | BinOp::Ne) {
                return self.nd_eq(op, l, r, Span::of_node(&b.op));
            }
            self.mask_arith_check(op, &l, &r, Span::of_node(&b.op))?;
            return self.nd_binary(op, assign, l, r, span);
        }
        let (l, r) = if op.is_cmp() {
            // Comparisons need equal types (`&f64 < f64` is an error), then compare values.
            self.unify(&l.ty, &r.ty, r.span)?;
            (self.auto_deref(l), self.auto_deref(r))
        } else {
            (
                if assign { l } else { self.auto_deref(l) },
                self.auto_deref(r),
            )
        };
        let t = self.infer.shallow(&l.ty);
        let shift = matches!(op, BinOp::Shl | BinOp::Shr);
        let kind_ok = |ck: &Self, t: &Ty| -> bool {
            let (is_int, is_float, is_bool) = match t {
                Ty::Int(_) => (true, false, false),
                Ty::Float(_) => (false, true, false),
                Ty::Bool => (false, false, true),
                Ty::Infer(v) => (
                    ck.infer.kind(*v) == VarKind::Int,
                    ck.infer.kind(*v) == VarKind::Float,
                    false,
                ),
                _ => (false, false, false),
            };
            match op {
                BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                    is_int || is_float
                }
                BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => is_int || is_bool,
                BinOp::Shl | BinOp::Shr => is_int,
                _ => {
                    is_int
                        || is_float
                        || is_bool
                        || matches!(
                            t,
                            Ty::Char
                                | Ty::Tuple(_)
                                | Ty::Unit
                                | Ty::Array(..)
                                | Ty::Vec(_)
                                | Ty::Slice(_)
                                | Ty::Option(_)
                        )
                }
            }
        };
        let op_span = Span::of_node(&b.op);
        if !op.is_cmp() {
            let rt = self.infer.shallow(&r.ty);
            // Shifts take any integer on the right; other operators want equal types.
            let clash = if shift {
                !kind_ok(self, &rt)
            } else {
                self.infer.unify(&l.ty, &r.ty).is_err()
            };
            if clash {
                let (ls, rs) = (self.infer.show(&t), self.infer.show(&rt));
                let msg = op_mismatch_message(op, assign, &ls, &rs);
                // rustc: E0277 when the left type has the operator for some right-hand type
                // (numbers), E0369 when it has none (`bool + 1`); both at the operator.
                let sym = format!("{}{}", op_str(op), if assign { "=" } else { "" });
                return Err(if kind_ok(self, &t) {
                    Error::new(op_span, msg)
                        .code("E0277")
                        .label(format!("no implementation for `{ls} {sym} {rs}`"))
                } else {
                    Error::new(op_span, msg).code("E0369")
                });
            }
        }
        let t = self.infer.shallow(&l.ty);
        if matches!(t, Ty::Infer(v) if self.infer.kind(v) == VarKind::General) {
            return Err(Error::new(l.span, "type annotations needed"));
        }
        if !kind_ok(self, &t) {
            let ts = self.infer.show(&t);
            let msg = if op.is_cmp() {
                format!(
                    "binary operation `{}` cannot be applied to type `{ts}`",
                    op_str(op)
                )
            } else {
                op_mismatch_message(
                    op,
                    assign,
                    &ts,
                    &self.infer.show(&self.infer.shallow(&r.ty)),
                )
            };
            return Err(Error::new(op_span, msg).code("E0369"));
        }
        if assign {
            return Ok(Expr::new(
                K::OpAssign(op, Box::new(l), Box::new(r)),
                Ty::Unit,
                span,
            ));
        }
        let ty = if op.is_cmp() { Ty::Bool } else { t };
        Ok(Expr::new(K::Binary(op, Box::new(l), Box::new(r)), ty, span))
    }

    /// The place must be mutable: a `mut` local, a deref of `&mut`, or an element of one.
    pub fn check_mut(&self, e: &Expr, what: &str) -> Result<()> {
        let bad = |name: &str| {
            Err(if what == "assign to" {
                // Assigning to an immutable binding directly: rustc's E0384.
                Error::new(
                    e.span,
                    format!("cannot assign twice to immutable variable `{name}`"),
                )
                .code("E0384")
                .label("cannot assign twice to immutable variable")
            } else {
                let msg = match what.strip_prefix("borrow ") {
                    // rustc: "cannot borrow `v` as mutable, as it is not declared as mutable"
                    Some(how) => {
                        format!("cannot borrow `{name}` {how}, as it is not declared as mutable")
                    }
                    None => format!("cannot {what} `{name}`, as it is not declared as mutable"),
                };
                Error::new(e.span, msg)
                    .code("E0596")
                    .label("cannot borrow as mutable")
            })
        };
        let bad_inner = |name: &str| {
            Err(Error::new(
                e.span,
                format!("cannot {what} `{name}`, as it is not declared as mutable"),
            ))
        };
        if let K::Index(b, _) = &e.kind {
            if let Ty::NdView(t, n, false) = self.infer.resolve(b.ty.peel_refs(), false) {
                return Err(Error::new(e.span, format!("cannot {what} data in an index of `ArrayView{n}<'_, {t}>`")).hint("an `ArrayView` is read-only: make the view with `view_mut()`/`slice_mut(..)`/`row_mut(..)`"));
            }
        }
        match &e.kind {
            K::Local(id) => {
                let l = &self.locals[*id as usize];
                if l.mutable || self.deferred[*id as usize] {
                    Ok(())
                } else {
                    bad(&l.name)
                }
            }
            K::Global(i) => {
                if self.global_mut[*i] {
                    Ok(())
                } else {
                    bad(&self.globals[*i].name)
                }
            }
            K::Index(b, _) | K::Field(b, _)
                if matches!(b.kind, K::Local(_) | K::Global(_))
                    && !matches!(self.infer.shallow(&b.ty), Ty::Ref(..)) =>
            {
                let (name, m) = match &b.kind {
                    K::Local(id) => (
                        &self.locals[*id as usize].name,
                        self.locals[*id as usize].mutable || self.deferred[*id as usize],
                    ),
                    K::Global(i) => (&self.globals[*i].name, self.global_mut[*i]),
                    _ => unreachable!(),
                };
                if m {
                    Ok(())
                } else {
                    bad_inner(name)
                }
            }
            K::Index(b, _) | K::Field(b, _) => match self.infer.shallow(&b.ty) {
                Ty::Ref(_, true) => Ok(()),
                Ty::Ref(_, false) => Err(Error::new(
                    e.span,
                    format!("cannot {what} data in a `&` reference"),
                )),
                _ => self.check_mut(b, what),
            },
            K::Deref(b) => match self.infer.shallow(&b.ty) {
                Ty::Ref(_, true) => Ok(()),
                _ => Err(Error::new(
                    e.span,
                    format!("cannot {what} data in a `&` reference"),
                )),
            },
            _ => Ok(()),
        }
    }

    fn cast(&mut self, c: &syn::ExprCast, span: Span) -> Result<Expr> {
        let to = super::check::parse_type(&c.ty, &mut self.infer)?;
        let x = self.expr(&c.expr, None)?;
        let x = self.auto_deref(x);
        let from = self.infer.shallow(&x.ty);
        let num = |t: &Ty, ck: &Self| match t {
            Ty::Int(_) | Ty::Float(_) => true,
            Ty::Infer(v) => ck.infer.kind(*v) != VarKind::General,
            _ => false,
        };
        let ok = match (&from, &to) {
            (f, t) if num(f, self) && num(t, self) => true,
            (Ty::Bool, Ty::Int(_)) | (Ty::Char, Ty::Int(_)) => true,
            (Ty::Int(IntTy::U8), Ty::Char) => true,
            (Ty::Infer(v), Ty::Char) if self.infer.kind(*v) == VarKind::Int => {
                self.infer.unify(&from, &Ty::Int(IntTy::U8)).ok();
                true
            }
            (a, b) if a == b => true,
            _ => false,
        };
        if !ok {
            return Err(Error::new(
                span,
                format!(
                    "non-primitive cast: `{}` as `{}`",
                    self.infer.show(&from),
                    to
                ),
            ));
        }
        Ok(Expr::new(K::Cast(Box::new(x)), to, span))
    }

    fn if_expr(&mut self, i: &syn::ExprIf, span: Span, expect: Option<&Ty>) -> Result<Expr> {
        if let syn::Expr::Let(l) = &*i.cond {
            return self.if_let(i, l, span, expect);
        }
        let cond = self.expr(&i.cond, Some(&Ty::Bool))?;
        let cond = self.coerce(cond, &Ty::Bool)?;
        let then = self.block(&i.then_branch, expect)?;
        let tt = self.block_ty(&then);
        let then_e = Expr::new(K::Block(then), tt.clone(), Span::of_node(&i.then_branch));
        match &i.else_branch {
            None => {
                if self.infer.shallow(&tt) != Ty::Never {
                    self.unify(&Ty::Unit, &tt, then_e.span)
                        .map_err(|e| e.label("`if` without `else` must have type `()`"))?;
                }
                Ok(Expr::new(
                    K::If(Box::new(cond), Box::new(then_e), None),
                    Ty::Unit,
                    span,
                ))
            }
            Some((_, els)) => {
                let ee = self.expr(els, expect.or(Some(&tt)))?;
                // rustc points at the value the else branch ends with.
                let ty = self.join(&tt, &ee.ty, tail_span(els))?;
                Ok(Expr::new(
                    K::If(Box::new(cond), Box::new(then_e), Some(Box::new(ee))),
                    ty,
                    span,
                ))
            }
        }
    }

    /// The type of two branches: `!` yields to the other.
    pub fn join(&mut self, a: &Ty, b: &Ty, span: Span) -> Result<Ty> {
        let (sa, sb) = (self.infer.shallow(a), self.infer.shallow(b));
        if sa == Ty::Never {
            return Ok(sb);
        }
        if sb == Ty::Never {
            return Ok(sa);
        }
        self.unify(a, b, span).map_err(|e| Error {
            message: "`if` and `else` have incompatible types".into(),
            ..e
        })?;
        Ok(sa)
    }

    pub fn const_usize(&mut self, e: &syn::Expr) -> Result<u64> {
        match e {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(i),
                ..
            }) => i
                .base10_parse::<u64>()
                .map_err(|x| Error::new(Span::of_node(e), x.to_string())),
            other => Err(Error::unsupported(
                Span::of_node(other),
                "array length that is not a literal",
            )),
        }
    }

    fn index(&mut self, base: &syn::Expr, idx: &syn::Expr, span: Span) -> Result<Expr> {
        if let syn::Expr::Range(_) = idx {
            return Err(Error::unsupported(
                span,
                "range index without `&` (write `&v[a..b]`)",
            ));
        }
        let b = self.expr(base, None)?;
        if let Ty::NdD(..) = self.infer.shallow(b.ty.peel_refs()) {
            let b = self.ch_as_nd(b, span)?;
            return self.nd_index(b, idx, span);
        }
        if let Ty::Nd(..) | Ty::NdView(..) = self.infer.shallow(b.ty.peel_refs()) {
            return self.nd_index(b, idx, span);
        }
        let elem = match self.infer.shallow(b.ty.peel_refs()) {
            Ty::Vec(t) | Ty::Slice(t) | Ty::Array(t, _) => *t,
            Ty::Infer(_) => return Err(Error::new(b.span, "type annotations needed")),
            t => {
                return Err(Error::new(
                    span,
                    format!(
                        "cannot index into a value of type `{}`",
                        self.infer.show(&t)
                    ),
                ))
            }
        };
        let i = self.expr(idx, Some(&Ty::USIZE))?;
        let i = self.auto_deref(i);
        if self.infer.unify(&Ty::USIZE, &i.ty).is_err() {
            let (es, is) = (self.infer.show(&elem), self.infer.show(&i.ty));
            return Err(Error::new(
                i.span,
                format!("the type `[{es}]` cannot be indexed by `{is}`"),
            )
            .code("E0277")
            .label("slice indices are of type `usize` or ranges of `usize`"));
        }
        Ok(Expr::new(K::Index(Box::new(b), Box::new(i)), elem, span))
    }

    fn slice_range(
        &mut self,
        base: &syn::Expr,
        rg: &syn::ExprRange,
        m: bool,
        span: Span,
    ) -> Result<Expr> {
        let b = self.expr(base, None)?;
        if m {
            match self.infer.shallow(&b.ty) {
                // `&mut a[..]` through a `&mut [T; N]`/`&mut [T]`/`&mut Vec<T>` reborrows `*a`
                Ty::Ref(_, true) => {}
                Ty::Ref(_, false) => {
                    let n = match &b.kind {
                        K::Local(id) => self.locals[*id as usize].name.clone(),
                        K::Global(i) => self.globals[*i].name.clone(),
                        _ => {
                            return Err(Error::new(
                                b.span,
                                "cannot borrow data in a `&` reference as mutable",
                            )
                            .code("E0596"))
                        }
                    };
                    return Err(Error::new(
                        b.span,
                        format!("cannot borrow `*{n}` as mutable, as it is behind a `&` reference"),
                    )
                    .code("E0596")
                    .label(format!(
                        "`{n}` is a `&` reference, so it cannot be borrowed as mutable"
                    )));
                }
                _ => self.check_mut(&b, "borrow as mutable")?,
            }
        }
        let elem = match self.infer.shallow(b.ty.peel_refs()) {
            Ty::Vec(t) | Ty::Slice(t) | Ty::Array(t, _) => *t,
            t => {
                return Err(Error::new(
                    span,
                    format!(
                        "cannot index into a value of type `{}`",
                        self.infer.show(&t)
                    ),
                ))
            }
        };
        let mut bound = |x: &Option<Box<syn::Expr>>| -> Result<Option<Expr>> {
            match x {
                None => Ok(None),
                Some(x) => {
                    let v = self.expr(x, Some(&Ty::USIZE))?;
                    let v = self.auto_deref(v);
                    self.unify(&Ty::USIZE, &v.ty, v.span)?;
                    Ok(Some(v))
                }
            }
        };
        let lo = bound(&rg.start)?;
        let hi = bound(&rg.end)?;
        let incl = matches!(rg.limits, syn::RangeLimits::Closed(_));
        let ty = Ty::Ref(Box::new(Ty::Slice(Box::new(elem))), m);
        let lo = lo.unwrap_or(Expr::new(K::Int(0), Ty::USIZE, span));
        // `a..=h` keeps its written end (a 4th argument says so): `h + 1` may overflow, and
        // rustc's messages show `h` itself.
        let (hi, incl) = match hi {
            Some(h) => (h, incl),
            None => (
                Expr::new(
                    K::Intrinsic(super::typed::Intr::Len, vec![b.clone()]),
                    Ty::USIZE,
                    span,
                ),
                false,
            ),
        };
        let mut args = vec![b, lo, hi];
        if incl {
            args.push(Expr::new(K::Int(1), Ty::USIZE, span));
        }
        Ok(Expr::new(
            K::Intrinsic(super::typed::Intr::SubSlice, args),
            ty,
            span,
        ))
    }
}

pub fn op_str(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Rem => "%",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::Shl => "<<",
        BinOp::Shr => ">>",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
    }
}

/// rustc's wording for an operator that has no implementation for these operand types
/// (`l` and `r` are the types as rustc shows them, `{integer}` for unsuffixed literals).
fn op_mismatch_message(op: BinOp, assign: bool, l: &str, r: &str) -> String {
    let lit = |t: &str| match t {
        "{integer}" => Some("an integer"),
        "{float}" => Some("a float"),
        _ => None,
    };
    match (op, assign) {
        (BinOp::Add, false) => match (lit(l), lit(r)) {
            (Some(a), Some(b)) if a != b => format!("cannot add {b} to {a}"),
            _ => format!("cannot add `{r}` to `{l}`"),
        },
        (BinOp::Add, true) => format!("cannot add-assign `{r}` to `{l}`"),
        (BinOp::Sub, false) => format!("cannot subtract `{r}` from `{l}`"),
        (BinOp::Sub, true) => format!("cannot subtract-assign `{r}` from `{l}`"),
        (BinOp::Mul, false) => format!("cannot multiply `{l}` by `{r}`"),
        (BinOp::Mul, true) => format!("cannot multiply-assign `{l}` by `{r}`"),
        (BinOp::Div, false) => format!("cannot divide `{l}` by `{r}`"),
        (BinOp::Div, true) => format!("cannot divide-assign `{l}` by `{r}`"),
        (BinOp::Rem, false) => format!("cannot calculate the remainder of `{l}` divided by `{r}`"),
        (BinOp::Rem, true) => {
            format!("cannot calculate and assign the remainder of `{l}` divided by `{r}`")
        }
        (op, a) => format!(
            "no implementation for `{l} {}{} {r}`",
            op_str(op),
            if a { "=" } else { "" }
        ),
    }
}

/// The span of the value an expression ends with: a block's (or unsafe/labelled block's)
/// trailing expression, recursively; where rustc points when a branch has the wrong type.
pub fn tail_span(e: &syn::Expr) -> Span {
    if let syn::Expr::Block(b) = e {
        if let Some(syn::Stmt::Expr(t, None)) = b.block.stmts.last() {
            return tail_span(t);
        }
    }
    Span::of_node(e)
}
