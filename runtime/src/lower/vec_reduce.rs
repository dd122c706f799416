//! Reductions in vectorised loops: `acc op= expr` with `acc` declared outside the loop.
//!
//! Kept in vector accumulators (one per 128-bit part of `expr`, combined into `acc` once
//! the vector loop ends, before the scalar epilogue) where that computes what rustc does:
//! integer `+ - & | ^` (wrapping `+` is associative and commutative, so any grouping gives
//! the same bits; `-` accumulates the sum of what is subtracted), and float `+ -` under
//! `--fastmath` (reassociation allowed; the accumulators start at -0.0, the identity of
//! `+`). Everything else — float sums without `--fastmath`, `*` — applies the lanes to
//! `acc` one at a time in iteration order: the scalar loop's own sequence of operations,
//! so strict float sums stay bit-identical.

use super::vectorize::{bits_of, mentions, vty, Vz, R};
use super::Lowerer;
use crate::abi::ty::Ty;
use crate::typeck::typed::{BinOp, Expr, ExprKind as K, LocalId};
use cranelift_codegen::ir::{InstBuilder, Value};
use cranelift_frontend::Variable;

/// Parts (128-bit vectors) a float `--fastmath` sum should have to hide the add latency.
pub(super) const FAST_PARTS: u32 = 4;

impl Lowerer<'_, '_> {
    /// The op combining a reduction's lanes in a vector accumulator, if it may have one.
    fn vector_acc_op(&self, op: BinOp, t: &Ty) -> Option<BinOp> {
        match (op, t) {
            (BinOp::Add | BinOp::Sub, Ty::Float(_)) if self.opts.fastmath => Some(BinOp::Add),
            (BinOp::Add | BinOp::Sub, Ty::Int(i)) if i.bits() <= 64 => Some(BinOp::Add),
            (BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor, Ty::Int(i)) if i.bits() <= 64 => {
                Some(op)
            }
            _ => None,
        }
    }

    /// `acc op= expr` (see the module doc). `+ - *` and bit ops only (none can panic;
    /// integer ones wrap as in release).
    pub(super) fn vz_reduce(
        &mut self,
        z: &mut Vz,
        id: LocalId,
        t: &Ty,
        op: Option<BinOp>,
        r: &Expr,
    ) -> R<()> {
        let ok_op = match (op, t) {
            (Some(BinOp::Add | BinOp::Sub | BinOp::Mul), Ty::Int(_) | Ty::Float(_)) => true,
            (Some(BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor), Ty::Int(_)) => true,
            _ => false,
        };
        if !ok_op || self.f.locals[id as usize].ty != *t || mentions(r, id) {
            return Err(
                "assigns a variable declared outside the loop (a value carried between iterations)",
            );
        }
        z.reductions.push(id);
        let v = self.vz_expr(z, r)?;
        let w = bits_of(t).ok_or("a non-scalar reduction")?;
        let parts = self.vz_at(z, &v, w)?;
        let op = op.unwrap();
        let combine = self.vector_acc_op(op, t);
        if !z.emit {
            if combine.is_some() {
                z.vaccs.push((id, t.clone(), op));
            }
            return Ok(());
        }
        if let (Some(c), Some(vars)) = (combine, z.accs.get(&id).cloned()) {
            for (p, var) in parts.into_iter().zip(vars) {
                let cur = self.b.use_var(var);
                let nv = self.lane_op(c, t, cur, p);
                self.b.def_var(var, nv);
            }
            return Ok(());
        }
        let lanes = 128 / w;
        let xe = Expr::new(K::Local(id), t.clone(), self.f.span);
        let place = self.place(&xe).map_err(|_| "internal: reduction place")?;
        for p in parts {
            for l in 0..lanes {
                let x = self.b.ins().extractlane(p, l as u8);
                let cur = self.read_place(&place, t).s();
                let nv = self
                    .arith(op, t, cur, x)
                    .map_err(|_| "internal: reduction op")?;
                self.write_place(&place, t, super::V::S(nv))
                    .map_err(|_| "internal: reduction store")?;
            }
        }
        Ok(())
    }

    fn lane_op(&mut self, c: BinOp, t: &Ty, a: Value, b: Value) -> Value {
        match (c, t) {
            (BinOp::Add, Ty::Float(_)) => self.b.ins().fadd(a, b),
            (BinOp::Add, _) => self.b.ins().iadd(a, b),
            (BinOp::BitAnd, _) => self.b.ins().band(a, b),
            (BinOp::BitOr, _) => self.b.ins().bor(a, b),
            _ => self.b.ins().bxor(a, b),
        }
    }

    /// Before the vector loop: each accumulator part holds the identity of its op.
    pub(super) fn vector_accs_init(
        &mut self,
        vaccs: &[(LocalId, Ty, BinOp)],
        vf: u32,
    ) -> std::collections::HashMap<LocalId, Vec<Variable>> {
        let mut m = std::collections::HashMap::new();
        for (id, t, op) in vaccs {
            let c = if matches!(op, BinOp::Sub) {
                &BinOp::Add
            } else {
                op
            };
            let w = bits_of(t).expect("scalar reduction");
            let float = matches!(t, Ty::Float(_));
            let vt = vty(w, float);
            let lane = vt.lane_type();
            let s = match (float, c) {
                (true, _) if w == 32 => self.b.ins().f32const(-0.0f32),
                (true, _) => self.b.ins().f64const(-0.0),
                (false, BinOp::BitAnd) => self.b.ins().iconst(lane, -1),
                (false, _) => self.b.ins().iconst(lane, 0),
            };
            let init = self.b.ins().splat(vt, s);
            let vars: Vec<Variable> = (0..(vf * w / 128).max(1))
                .map(|_| {
                    let v = self.b.declare_var(vt);
                    self.b.def_var(v, init);
                    v
                })
                .collect();
            m.insert(*id, vars);
        }
        m
    }

    /// After the vector loop: fold each accumulator's parts and lanes, then `acc op= that`
    /// (`-=` subtracts the accumulated sum).
    pub(super) fn vector_accs_finish(
        &mut self,
        vaccs: &[(LocalId, Ty, BinOp)],
        accs: &std::collections::HashMap<LocalId, Vec<Variable>>,
    ) -> R<()> {
        for (id, t, op) in vaccs {
            let c = if matches!(op, BinOp::Sub) {
                &BinOp::Add
            } else {
                op
            };
            let vars = &accs[id];
            let vals: Vec<Value> = vars.iter().map(|v| self.b.use_var(*v)).collect();
            let mut v = vals[0];
            for &p in &vals[1..] {
                v = self.lane_op(*c, t, v, p);
            }
            let vt = self.b.func.dfg.value_type(v);
            let mut h = self.b.ins().extractlane(v, 0);
            for l in 1..vt.lane_count() {
                let x = self.b.ins().extractlane(v, l as u8);
                h = self.lane_op(*c, t, h, x);
            }
            let xe = Expr::new(K::Local(*id), t.clone(), self.f.span);
            let place = self.place(&xe).map_err(|_| "internal: reduction place")?;
            let cur = self.read_place(&place, t).s();
            let nv = self
                .arith(*op, t, cur, h)
                .map_err(|_| "internal: reduction op")?;
            self.write_place(&place, t, super::V::S(nv))
                .map_err(|_| "internal: reduction store")?;
        }
        Ok(())
    }
}
