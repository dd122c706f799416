//! `--fastmath`: float sum reductions may be reassociated, so `acc += f(x)` over the
//! elements of an f64 slice (and `iter().map(f).sum()`) runs on 2-lane vectors with four
//! independent accumulators (8 partial sums), then a scalar loop for the remainder.
//! rustc may not do this (it must keep the strict left-to-right order).

use super::{flags, Lowerer, V};
use crate::diag::Result;
use crate::typeck::ty::{FloatTy, Ty};
use crate::typeck::typed::{BinOp, Block, Expr, ExprKind as K, FUn, Intr, IterExpr, IterSrc, LocalId, Pat, Stmt};
use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder, MemFlagsData, Value};

const LANES: i64 = 2;
const ACCS: usize = 4;

/// Can `e` be evaluated lane-wise, given the element local `x`?
fn vectorizable(e: &Expr, x: LocalId, acc: Option<LocalId>) -> bool {
    match &e.kind {
        K::Local(id) => Some(*id) != acc && (e.ty == Ty::F64 || (*id == x && e.ty == Ty::Ref(Box::new(Ty::F64), false))),
        K::Deref(inner) => matches!(inner.kind, K::Local(id) if id == x),
        K::Float(_) => e.ty == Ty::F64,
        K::Binary(op, a, b) => matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div) && e.ty == Ty::F64 && vectorizable(a, x, acc) && vectorizable(b, x, acc),
        K::Neg(a) => vectorizable(a, x, acc),
        K::Intrinsic(Intr::FUnary(FUn::Sqrt | FUn::Abs), args) => e.ty == Ty::F64 && vectorizable(&args[0], x, acc),
        _ => false,
    }
}

fn f64_elems(it: &IterExpr) -> Option<&Expr> {
    match &it.src {
        IterSrc::Elems { seq, .. } if matches!(seq.ty.peel_refs(), Ty::Vec(e) | Ty::Slice(e) | Ty::Array(e, _) if **e == Ty::Float(FloatTy::F64)) => Some(seq),
        _ => None,
    }
}

/// `for x in a { acc += f(x); }` (also `for &x in a`, `a.iter()`): (acc, x, f, seq).
pub fn match_for<'e>(pat: &Pat, iter: &'e IterExpr, body: &'e Block) -> Option<(LocalId, LocalId, &'e Expr, &'e Expr)> {
    if !iter.adapters.is_empty() || body.tail.is_some() || body.stmts.len() != 1 {
        return None;
    }
    let seq = f64_elems(iter)?;
    let x = match pat {
        Pat::Bind(x) => *x,
        Pat::Deref(p) => match &**p {
            Pat::Bind(x) => *x,
            _ => return None,
        },
        _ => return None,
    };
    let Stmt::Expr(e) = &body.stmts[0] else { return None };
    let K::OpAssign(BinOp::Add, l, r) = &e.kind else { return None };
    let K::Local(acc) = l.kind else { return None };
    if l.ty != Ty::F64 || !vectorizable(r, x, Some(acc)) {
        return None;
    }
    Some((acc, x, r, seq))
}

impl Lowerer<'_, '_> {
    fn vexpr(&mut self, e: &Expr, x: LocalId, xv: Value) -> Value {
        match &e.kind {
            K::Local(id) if *id == x => xv,
            K::Deref(_) => xv,
            K::Local(id) => {
                let s = self.read_local(*id).s();
                self.b.ins().splat(types::F64X2, s)
            }
            K::Float(c) => {
                let s = self.b.ins().f64const(*c);
                self.b.ins().splat(types::F64X2, s)
            }
            K::Binary(op, a, b) => {
                let (a, b) = (self.vexpr(a, x, xv), self.vexpr(b, x, xv));
                match op {
                    BinOp::Add => self.b.ins().fadd(a, b),
                    BinOp::Sub => self.b.ins().fsub(a, b),
                    BinOp::Mul => self.b.ins().fmul(a, b),
                    _ => self.b.ins().fdiv(a, b),
                }
            }
            K::Neg(a) => {
                let a = self.vexpr(a, x, xv);
                self.b.ins().fneg(a)
            }
            K::Intrinsic(Intr::FUnary(op), args) => {
                let a = self.vexpr(&args[0], x, xv);
                if *op == FUn::Sqrt { self.b.ins().sqrt(a) } else { self.b.ins().fabs(a) }
            }
            _ => unreachable!("checked by vectorizable"),
        }
    }

    /// The reassociated reduction: returns the final sum (including `init`).
    pub fn vec_sum(&mut self, seq: &Expr, x: LocalId, f: &Expr, init: Value) -> Result<Value> {
        let (p, n) = self.seq_parts(seq)?;
        let zero = self.b.ins().f64const(0.0);
        let vz = self.b.ins().splat(types::F64X2, zero);
        let accs: Vec<_> = (0..ACCS).map(|_| self.b.declare_var(types::F64X2)).collect();
        for a in &accs {
            self.b.def_var(*a, vz);
        }
        let i = self.b.declare_var(types::I64);
        let z = self.b.ins().iconst(types::I64, 0);
        self.b.def_var(i, z);
        let step = LANES * ACCS as i64;
        let header = self.b.create_block();
        let body = self.b.create_block();
        let tail = self.b.create_block();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        let iv = self.b.use_var(i);
        let end = self.b.ins().iadd_imm_s(iv, step);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, end, n);
        self.b.ins().brif(more, body, &[], tail, &[]);
        self.b.switch_to_block(body);
        self.b.seal_block(body);
        let off = self.b.ins().ishl_imm_s(iv, 3);
        let base = self.b.ins().iadd(p, off);
        let mf = MemFlagsData::new().with_notrap();
        for (k, a) in accs.iter().enumerate() {
            let xv = self.b.ins().load(types::F64X2, mf, base, (k as i64 * LANES * 8) as i32);
            let v = self.vexpr(f, x, xv);
            let cur = self.b.use_var(*a);
            let s = self.b.ins().fadd(cur, v);
            self.b.def_var(*a, s);
        }
        self.b.def_var(i, end);
        self.poll_interrupt(header);
        self.b.seal_block(header);
        self.b.switch_to_block(tail);
        self.b.seal_block(tail);
        let vs: Vec<Value> = accs.iter().map(|a| self.b.use_var(*a)).collect();
        let s01 = self.b.ins().fadd(vs[0], vs[1]);
        let s23 = self.b.ins().fadd(vs[2], vs[3]);
        let v = self.b.ins().fadd(s01, s23);
        let l0 = self.b.ins().extractlane(v, 0);
        let l1 = self.b.ins().extractlane(v, 1);
        let h = self.b.ins().fadd(l0, l1);
        let total = self.b.declare_var(types::F64);
        let t0 = self.b.ins().fadd(init, h);
        self.b.def_var(total, t0);
        // Remainder, one element at a time.
        let rh = self.b.create_block();
        let rb = self.b.create_block();
        let done = self.b.create_block();
        self.b.ins().jump(rh, &[]);
        self.b.switch_to_block(rh);
        let iv = self.b.use_var(i);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, iv, n);
        self.b.ins().brif(more, rb, &[], done, &[]);
        self.b.switch_to_block(rb);
        self.b.seal_block(rb);
        let off = self.b.ins().ishl_imm_s(iv, 3);
        let a = self.b.ins().iadd(p, off);
        let xs = self.b.ins().load(types::F64, flags(), a, 0);
        let xsv = self.b.ins().splat(types::F64X2, xs);
        let v = self.vexpr(f, x, xsv);
        let v0 = self.b.ins().extractlane(v, 0);
        let t = self.b.use_var(total);
        let t1 = self.b.ins().fadd(t, v0);
        self.b.def_var(total, t1);
        let i1 = self.b.ins().iadd_imm_s(iv, 1);
        self.b.def_var(i, i1);
        self.b.ins().jump(rh, &[]);
        self.b.seal_block(rh);
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        Ok(self.b.use_var(total))
    }

    /// `for` loops of the reduction shape, when `--fastmath` is on. Returns false to
    /// fall back to the ordinary loop.
    pub fn try_fast_for(&mut self, pat: &Pat, iter: &IterExpr, body: &Block) -> Result<bool> {
        if !self.opts.fastmath {
            return Ok(false);
        }
        let Some((acc, x, f, seq)) = match_for(pat, iter, body) else { return Ok(false) };
        let init = self.read_local(acc).s();
        let total = self.vec_sum(seq, x, f, init)?;
        self.write_local(acc, V::S(total))?;
        Ok(true)
    }

    /// `seq.iter().map(|x| f(x)).sum::<f64>()` under `--fastmath`.
    pub fn try_fast_sum(&mut self, it: &IterExpr) -> Result<Option<Value>> {
        if !self.opts.fastmath || it.adapters.len() != 1 {
            return Ok(None);
        }
        let Some(seq) = f64_elems(it) else { return Ok(None) };
        let crate::typeck::typed::Adapter::Map(ci) = it.adapters[0] else { return Ok(None) };
        let c = &self.f.closures[ci as usize];
        let x = match c.params.as_slice() {
            [Pat::Bind(x)] => *x,
            [Pat::Deref(p)] => match &**p {
                Pat::Bind(x) => *x,
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        if c.ret != Ty::F64 || !vectorizable(&c.body, x, None) {
            return Ok(None);
        }
        let body = c.body.clone();
        let init = self.b.ins().f64const(-0.0);
        Ok(Some(self.vec_sum(seq, x, &body, init)?))
    }
}
