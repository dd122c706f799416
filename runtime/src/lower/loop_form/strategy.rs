//! The code for a `LoopForm`, chosen from what the loop means (its streams, its reduction,
//! the options), never from how it was spelled:
//!
//! | form | `--fastmath` | code |
//! |---|---|---|
//! | one stream, summand with one square root, wide-vector CPU | either | `vec_sum_blocks`: roots of a block by `exec::vmath`, then the sum (in source order when strict) |
//! | otherwise | on | `vec_sum`: 4 accumulators of 2 lanes, reassociated |
//! | otherwise | off | `sum_in_order`: the summand of 8 elements on lanes, added one at a time in source order |
//!
//! Strict sums add exactly rustc's sequence of IEEE additions from the spelling's own first
//! value (`Init`), so their bits are rustc's; only the summands, which do not depend on
//! each other, are computed ahead on lanes.

use super::{Acc, Init, LoopForm, Trip};
use crate::diag::Result;
use crate::lower::fastmath::{one_sqrt, vectorizable};
use crate::lower::place::seq_local;
use crate::lower::{Lowerer, V};
use crate::typeck::typed::{Expr, ExprKind as K, Intr, LocalId};
use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder, MemFlagsData, Value};

/// Summands per iteration of `sum_in_order` (4 vectors of 2 lanes, as `vec_sum`).
const GROUP: i64 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// `vec_sum_blocks` (strict or reassociated as the options say).
    SqrtBlocks(&'static str),
    /// `vec_sum`.
    Reassociated,
    /// `sum_in_order`.
    InOrder,
}

impl Strategy {
    /// How `%annotate` names it (one text per strategy: equal texts, equal code).
    fn describe(self, fastmath: bool) -> &'static str {
        match (self, fastmath) {
            (Strategy::SqrtBlocks(_), false) => {
                "loop form: sum, square roots by the wide kernel, added in source order"
            }
            (Strategy::SqrtBlocks(_), true) => {
                "loop form: sum, square roots by the wide kernel, reassociated (--fastmath)"
            }
            (Strategy::Reassociated, _) => "loop form: sum on 4×2 lanes, reassociated (--fastmath)",
            (Strategy::InOrder, _) => "loop form: sum in source order, summands on 2 lanes",
        }
    }
}

/// A value that may be evaluated twice (by the form and by its fallback) with no effect.
fn repeatable(e: &Expr) -> bool {
    match &e.kind {
        K::Int(_) | K::Float(_) | K::Local(_) => true,
        K::Binary(op, a, b) => {
            !matches!(
                op,
                crate::typeck::typed::BinOp::Div | crate::typeck::typed::BinOp::Rem
            ) && repeatable(a)
                && repeatable(b)
        }
        K::Deref(x) | K::Ref(x, _) | K::ToSlice(x) | K::Cast(x) => repeatable(x),
        K::Intrinsic(Intr::Len, a) => a.len() == 1 && repeatable(&a[0]),
        _ => false,
    }
}

impl Lowerer<'_, '_> {
    /// Which code the form gets, or `None` for the general lowering.
    fn strategy(&self, form: &LoopForm) -> Option<Strategy> {
        let r = &form.reduction;
        let xs: Vec<LocalId> = form.streams.iter().map(|s| s.elem).collect();
        let acc = match r.acc {
            Acc::Place(Expr {
                kind: K::Local(a), ..
            }) => Some(*a),
            _ => None,
        };
        if !vectorizable(&r.summand, &xs, acc) {
            return None;
        }
        let fast = self.opts.fastmath;
        // A strict sum must add in iteration order; reversed, only the reassociated one may run.
        if form.reversed && !fast {
            return None;
        }
        if let (Some(_), Some(k), 1) = (
            one_sqrt(&r.summand),
            crate::abi::symbols::sqrt_block_kernel(),
            form.streams.len(),
        ) {
            return Some(Strategy::SqrtBlocks(k));
        }
        if fast {
            return Some(Strategy::Reassociated);
        }
        self.opts.vectorize.then_some(Strategy::InOrder)
    }

    /// Lower `form`; `general` lowers the loop as written, and runs instead when a
    /// `Trip::Range` index would be out of bounds (it then panics as rustc does). `None`:
    /// no strategy applies, nothing was emitted.
    pub fn lower_form(
        &mut self,
        form: &LoopForm,
        general: &mut dyn FnMut(&mut Self) -> Result<V>,
    ) -> Result<Option<V>> {
        let Some(strategy) = self.strategy(form) else {
            return Ok(None);
        };
        if let (Trip::Range { start, end }, init) = (&form.trip, &form.reduction.init) {
            let init_ok = !matches!(init, Init::Expr(e) if !repeatable(e));
            if !repeatable(start) || !repeatable(end) || !init_ok {
                return Ok(None);
            }
        }
        let fast = self.opts.fastmath;
        let c = self.count();
        c.loop_form = Some(strategy.describe(fast));
        c.vectorised = GROUP as u32;
        let r = &form.reduction;
        // `fold`'s first value is evaluated before the sequences, as the general lowering does.
        let init_expr = match r.init {
            Init::Expr(e) => Some(self.expr(e, false)?.s()),
            _ => None,
        };
        let mut ps = vec![];
        let mut lens = vec![];
        for s in &form.streams {
            let (p, len) = self.seq_parts(s.seq)?;
            ps.push((s.elem, p));
            lens.push((s.local, len));
        }
        let (n, test) = match &form.trip {
            Trip::Shortest => {
                let mut n = lens[0].1;
                for (_, l) in &lens[1..] {
                    n = self.b.ins().umin(n, *l);
                }
                (n, None)
            }
            Trip::Range { start, end } => {
                let s = self.expr(start, false)?.s();
                let e = self.expr(end, false)?.s();
                let nonempty = self.b.ins().icmp(IntCC::UnsignedLessThan, s, e);
                let d = self.b.ins().isub(e, s);
                let zero = self.b.ins().iconst(types::I64, 0);
                let n = self.b.ins().select(nonempty, d, zero);
                let off = self.b.ins().ishl_imm_s(s, 3);
                for (_, p) in ps.iter_mut() {
                    *p = self.b.ins().iadd(*p, off);
                }
                let mut ok = None;
                for (local, len) in &lens {
                    if self.range_proves(end, *local) {
                        self.count().bounds_elided += 1;
                        continue;
                    }
                    self.count().bounds_hoisted += 1;
                    let inside = self.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, e, *len);
                    ok = Some(match ok {
                        None => inside,
                        Some(o) => self.b.ins().band(o, inside),
                    });
                }
                let empty = self.b.ins().bxor_imm_s(nonempty, 1);
                (n, ok.map(|o| self.b.ins().bor(o, empty)))
            }
        };
        let result = self.b.declare_var(types::F64);
        let join = self.b.create_block();
        if let Some(go) = test {
            let fast_b = self.b.create_block();
            let slow = self.b.create_block();
            self.b.set_cold_block(slow);
            self.b.ins().brif(go, fast_b, &[], slow, &[]);
            self.b.switch_to_block(slow);
            self.b.seal_block(slow);
            let v = self.fallback(general)?;
            if self.reachable() {
                if let V::S(x) = v {
                    self.b.def_var(result, x);
                }
                self.b.ins().jump(join, &[]);
            }
            self.b.switch_to_block(fast_b);
            self.b.seal_block(fast_b);
        }
        let init = match (r.init, init_expr) {
            (Init::Acc, _) => {
                let Acc::Place(a) = r.acc else {
                    unreachable!("`acc +=` forms write a place")
                };
                let p = self.place(a)?;
                self.read_place(&p, &a.ty).s()
            }
            (Init::NegZero, _) => self.b.ins().f64const(-0.0),
            (Init::Expr(_), v) => v.expect("evaluated above"),
        };
        let f = &r.summand;
        let total = match strategy {
            Strategy::SqrtBlocks(kernel) => {
                let g = one_sqrt(f).expect("chosen for its square root");
                let (x, p) = ps[0];
                self.vec_sum_blocks(kernel, p, n, x, f, g, init)
            }
            Strategy::Reassociated => self.vec_sum(&ps, n, f, init),
            Strategy::InOrder => self.sum_in_order(&ps, n, f, init),
        };
        let out = match r.acc {
            Acc::Place(a) => {
                let p = self.place(a)?;
                self.write_place(&p, &a.ty, V::S(total))?;
                V::Unit
            }
            Acc::Value => {
                self.b.def_var(result, total);
                V::S(total)
            }
        };
        if test.is_none() {
            return Ok(Some(out));
        }
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(join);
        self.b.seal_block(join);
        Ok(Some(match r.acc {
            Acc::Place(_) => V::Unit,
            Acc::Value => V::S(self.b.use_var(result)),
        }))
    }

    /// The loop as written, for when a hoisted bounds test fails: it runs only to reach
    /// rustc's panic, so it is not versioned or vectorised, and `%annotate` reports it by
    /// its bounds checks only (the line's other costs are the form's).
    fn fallback(&mut self, general: &mut dyn FnMut(&mut Self) -> Result<V>) -> Result<V> {
        let (line, before) = (self.line, self.count().clone());
        let depth = std::mem::replace(&mut self.version_depth, u32::MAX);
        self.in_fallback += 1;
        let v = general(self);
        self.in_fallback -= 1;
        self.version_depth = depth;
        self.set_line(line);
        let c = self.count();
        *c = crate::lower::LineCounts {
            bounds_fallback: c.bounds_fallback,
            ..before
        };
        v
    }

    /// Is `end` the length of the stream's sequence (`seq.len()`, or `n` bound to it)?
    fn range_proves(&self, end: &Expr, seq: Option<LocalId>) -> bool {
        let Some(seq) = seq else { return false };
        match &end.kind {
            K::Intrinsic(Intr::Len, args) => seq_local(&args[0]) == Some(seq),
            K::Local(n) => self.len_of.get(n) == Some(&seq),
            _ => false,
        }
    }

    /// `init + f(x₀) + f(x₁) + …` added strictly left to right (rustc's additions), the
    /// summands of `GROUP` elements computed ahead on 2-lane vectors.
    fn sum_in_order(&mut self, ps: &[(LocalId, Value)], n: Value, f: &Expr, init: Value) -> Value {
        let total = self.b.declare_var(types::F64);
        self.b.def_var(total, init);
        let i = self.b.declare_var(types::I64);
        let z = self.b.ins().iconst(types::I64, 0);
        self.b.def_var(i, z);
        let (header, body, rh, rb, done) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        let iv = self.b.use_var(i);
        let end = self.b.ins().iadd_imm_s(iv, GROUP);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, end, n);
        self.b.ins().brif(more, body, &[], rh, &[]);
        self.b.switch_to_block(body);
        self.b.seal_block(body);
        let off = self.b.ins().ishl_imm_s(iv, 3);
        let bases: Vec<(LocalId, Value)> = ps
            .iter()
            .map(|(x, p)| (*x, self.b.ins().iadd(*p, off)))
            .collect();
        let mf = MemFlagsData::new().with_notrap();
        let mut t = self.b.use_var(total);
        for k in 0..GROUP / 2 {
            let xvs: Vec<(LocalId, Value)> = bases
                .iter()
                .map(|(x, base)| {
                    let v = self.b.ins().load(types::F64X2, mf, *base, (k * 16) as i32);
                    (*x, v)
                })
                .collect();
            let v = self.vexpr(f, &xvs, None);
            for lane in 0..2 {
                let s = self.b.ins().extractlane(v, lane);
                t = self.b.ins().fadd(t, s);
            }
        }
        self.b.def_var(total, t);
        self.b.def_var(i, end);
        self.poll_interrupt(header);
        self.b.seal_block(header);
        // The last `< GROUP` elements, one at a time.
        self.sum_rest_in_order([rh, rb, done], i, n, ps, f, total)
    }
}
