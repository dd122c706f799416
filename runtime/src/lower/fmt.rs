//! `print!`-family, `format!`, `panic!` and the assertions: arguments are evaluated
//! first, then each piece is appended to the runtime's buffer by Rust's formatter.

use super::{repr, Lowerer, Repr, V};
use crate::abi::ctx;
use crate::abi::fmt_spec::Count;
use crate::abi::ty::{FloatTy, Ty};
use crate::diag::{Error, Result, Span};
use crate::typeck::typed::{BinOp, Expr, FmtKind, FmtPiece, Format};
use cranelift_codegen::ir::{types, InstBuilder, Value};

impl Lowerer<'_, '_> {
    fn lit_piece(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        let (p, n) = self.str_const(s);
        let ctx = self.ctx();
        self.call_rt("rt_fmt_lit", &[ctx, p, n], &[]);
    }

    /// Append the pieces of `f` to the buffer (the buffer must have been started).
    fn fmt_pieces(&mut self, f: &Format) -> Result<()> {
        let mut vals = vec![];
        for a in &f.args {
            vals.push(self.expr(a, false)?);
        }
        if !self.reachable() {
            return Ok(());
        }
        self.fmt_pieces_with(f, &vals)
    }

    fn fmt_pieces_with(&mut self, f: &Format, vals: &[V]) -> Result<()> {
        for p in &f.pieces {
            match p {
                FmtPiece::Lit(s) => self.lit_piece(s),
                FmtPiece::Arg { arg, spec } => {
                    let count = |l: &mut Self, c: &Count| -> Value {
                        match c {
                            Count::None => l.b.ins().iconst(types::I64, -1),
                            Count::Lit(n) => l.b.ins().iconst(types::I64, *n as i64),
                            Count::Arg(k) => {
                                let t = f.args[*k].ty.clone();
                                l.deref_scalar(&t, vals[*k])
                            }
                        }
                    };
                    let w = count(self, &spec.width);
                    let pr = count(self, &spec.precision);
                    let sid = self.tables.intern_spec(spec) as i64;
                    let t = f.args[*arg].ty.clone();
                    self.fmt_value(&t, vals[*arg], sid, w, pr, f.args[*arg].span)?;
                }
            }
        }
        Ok(())
    }

    /// Read a scalar through any `&`/`&mut` layers.
    fn deref_scalar(&mut self, t: &Ty, v: V) -> Value {
        match t {
            Ty::Ref(inner, true) if inner.is_scalar() => {
                let c = super::cl_ty(inner);
                self.b.ins().load(c, super::flags(), v.s(), 0)
            }
            _ => v.s(),
        }
    }

    pub fn fmt_value(
        &mut self,
        t: &Ty,
        v: V,
        sid: i64,
        w: Value,
        p: Value,
        span: Span,
    ) -> Result<()> {
        let base = t.peel_refs().clone();
        let ctx = self.ctx();
        let spec = self.b.ins().iconst(types::I64, sid);
        match &base {
            Ty::Int(it) => {
                let x = self.deref_scalar(t, v);
                let x64 = if it.bits() == 64 {
                    x
                } else if it.signed() {
                    self.b.ins().sextend(types::I64, x)
                } else {
                    self.b.ins().uextend(types::I64, x)
                };
                let code = self.b.ins().iconst(types::I64, ctx::int_code(*it));
                self.call_rt("rt_fmt_int", &[ctx, x64, code, spec, w, p], &[]);
            }
            Ty::Float(ft) => {
                let x = self.deref_scalar(t, v);
                let x64 = if *ft == FloatTy::F32 {
                    self.b.ins().fpromote(types::F64, x)
                } else {
                    x
                };
                let is32 = self
                    .b
                    .ins()
                    .iconst(types::I64, (*ft == FloatTy::F32) as i64);
                self.call_rt("rt_fmt_float", &[ctx, x64, is32, spec, w, p], &[]);
            }
            _ => {
                let ft = match &base {
                    Ty::Slice(_) | Ty::Str => Ty::Ref(Box::new(base.clone()), false),
                    _ => base.clone(),
                };
                let v = if base.is_scalar() {
                    V::S(self.deref_scalar(t, v))
                } else {
                    v
                };
                let addr = match repr(&ft) {
                    Repr::A { inline: true } => v.s(),
                    Repr::Unit => self.slot_for(&Ty::Unit),
                    _ => {
                        let s = self.slot_for(&ft);
                        self.store_mem(&ft, s, 0, v)?;
                        s
                    }
                };
                if matches!(ft, Ty::Closure(_) | Ty::Iter(_)) {
                    return Err(Error::unsupported(span, "formatting this value"));
                }
                let tid = self.tables.intern_type(&ft) as i64;
                let tv = self.b.ins().iconst(types::I64, tid);
                self.call_rt("rt_fmt_mem", &[ctx, addr, tv, spec, w, p], &[]);
            }
        }
        Ok(())
    }

    pub fn format(&mut self, kind: FmtKind, f: &Format, _span: Span) -> Result<V> {
        let mut vals = vec![];
        for a in &f.args {
            vals.push(self.expr(a, false)?);
        }
        if !self.reachable() {
            return Ok(V::Unit);
        }
        let ctx = self.ctx();
        self.call_rt("rt_fmt_begin", &[ctx], &[]);
        self.fmt_pieces_with(f, &vals)?;
        match kind {
            FmtKind::Println | FmtKind::Eprintln => self.lit_piece("\n"),
            _ => {}
        }
        match kind {
            FmtKind::Print | FmtKind::Println | FmtKind::Eprint | FmtKind::Eprintln => {
                let s = self.b.ins().iconst(
                    types::I64,
                    matches!(kind, FmtKind::Eprint | FmtKind::Eprintln) as i64,
                );
                self.call_rt("rt_fmt_print", &[ctx, s], &[]);
                Ok(V::Unit)
            }
            FmtKind::Format => {
                self.count().allocs += 1;
                Ok(V::S(
                    self.call_rt("rt_fmt_string", &[ctx], &[types::I64])[0],
                ))
            }
            FmtKind::Panic => {
                self.panic_buf();
                Ok(V::Unit)
            }
        }
    }

    fn panic_buf(&mut self) {
        let ctx = self.ctx();
        let l = self.b.ins().iconst(types::I64, self.line as i64);
        self.call_rt("rt_panic_buf", &[ctx, l], &[]);
        self.count().panics += 1;
        let fb = self.fail_block();
        self.b.ins().jump(fb, &[]);
        self.dead_block();
    }

    fn cold_branch(&mut self, ok: Value) -> cranelift_codegen::ir::Block {
        let bad = self.b.create_block();
        let good = self.b.create_block();
        self.b.set_cold_block(bad);
        self.b.ins().brif(ok, good, &[], bad, &[]);
        self.b.switch_to_block(bad);
        self.b.seal_block(bad);
        good
    }

    pub fn assert(&mut self, cond: &Expr, msg: Option<&Format>, text: &str) -> Result<V> {
        let c = self.expr(cond, false)?;
        if !self.reachable() {
            return Ok(V::Unit);
        }
        let good = self.cold_branch(c.s());
        let ctx = self.ctx();
        self.call_rt("rt_fmt_begin", &[ctx], &[]);
        match msg {
            Some(f) => self.fmt_pieces(f)?,
            None => self.lit_piece(&format!("assertion failed: {text}")),
        }
        if self.reachable() {
            self.panic_buf();
        }
        self.b.switch_to_block(good);
        self.b.seal_block(good);
        Ok(V::Unit)
    }

    pub fn assert_eq(&mut self, l: &Expr, r: &Expr, eq: bool, msg: Option<&Format>) -> Result<V> {
        let lv = self.expr(l, false)?;
        let rv = self.expr(r, false)?;
        if !self.reachable() {
            return Ok(V::Unit);
        }
        let t = l.ty.peel_refs().clone();
        let (x, y, same) = if t.is_scalar() {
            let x = self.deref_scalar(&l.ty, lv);
            let y = self.deref_scalar(&r.ty, rv);
            let same = self.compare(if eq { BinOp::Eq } else { BinOp::Ne }, &t, x, y);
            (V::S(x), V::S(y), same)
        } else {
            let e = self.eq_values(&l.ty, lv, &r.ty, rv);
            let same = if eq { e } else { self.b.ins().bxor_imm_s(e, 1) };
            (lv, rv, same)
        };
        let (lt, rt_) = if t.is_scalar() {
            (t.clone(), t.clone())
        } else {
            (l.ty.clone(), r.ty.clone())
        };
        let good = self.cold_branch(same);
        let ctx = self.ctx();
        self.call_rt("rt_fmt_begin", &[ctx], &[]);
        self.lit_piece(if eq {
            "assertion `left == right` failed"
        } else {
            "assertion `left != right` failed"
        });
        if let Some(f) = msg {
            self.lit_piece(": ");
            self.fmt_pieces(f)?;
        }
        self.lit_piece("\n  left: ");
        let dbg = crate::abi::fmt_spec::default_spec(true);
        let sid = self.tables.intern_spec(&dbg) as i64;
        let none = self.b.ins().iconst(types::I64, -1);
        self.fmt_value(&lt, x, sid, none, none, l.span)?;
        self.lit_piece("\n right: ");
        self.fmt_value(&rt_, y, sid, none, none, r.span)?;
        self.panic_buf();
        self.b.switch_to_block(good);
        self.b.seal_block(good);
        Ok(V::Unit)
    }

    pub fn unreachable(&mut self, msg: Option<&Format>) -> Result<V> {
        match msg {
            None => {
                self.panic_static(ctx::P_UNREACHABLE);
                self.dead_block();
            }
            Some(f) => {
                let ctx = self.ctx();
                self.call_rt("rt_fmt_begin", &[ctx], &[]);
                self.lit_piece("internal error: entered unreachable code: ");
                self.fmt_pieces(f)?;
                if self.reachable() {
                    self.panic_buf();
                }
            }
        }
        Ok(V::Unit)
    }
}
