//! The emitters of float sums (`loop_form::strategy` picks one per loop form).
//!
//! `vec_sum` (`--fastmath`: reassociation allowed) runs on 2-lane vectors with four
//! independent accumulators (8 partial sums), then a scalar loop for the remainder. rustc
//! may not do this (it must keep the strict left-to-right order).
//!
//! When the summand takes one square root and the CPU has vectors wider than Cranelift's
//! 128 bits, `vec_sum_blocks` goes block by block instead: the square roots of a block are
//! taken by a wide-vector kernel of the runtime (`exec::vmath`, bit-identical to
//! `f64::sqrt`) into a stack buffer, and the JIT'd loop sums the rest of the summand over
//! it. Without `--fastmath` it adds one element at a time in source order: rustc's
//! additions, bit for bit, with the roots no longer on the chain.

use super::{flags, Lowerer};
use crate::abi::ty::Ty;
use crate::typeck::typed::{BinOp, Expr, ExprKind as K, FUn, Intr, LocalId};
use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder, MemFlagsData, Value};
use cranelift_frontend::Variable;

const LANES: i64 = 2;
const ACCS: usize = 4;

/// Can `e` be evaluated lane-wise, given the element local `x`?
pub(super) fn vectorizable(e: &Expr, xs: &[LocalId], acc: Option<LocalId>) -> bool {
    match &e.kind {
        K::Local(id) => {
            Some(*id) != acc
                && (e.ty == Ty::F64
                    || (xs.contains(id) && e.ty == Ty::Ref(Box::new(Ty::F64), false)))
        }
        K::Deref(inner) => matches!(inner.kind, K::Local(id) if xs.contains(&id)),
        K::Float(_) => e.ty == Ty::F64,
        K::Binary(op, a, b) => {
            matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div)
                && e.ty == Ty::F64
                && vectorizable(a, xs, acc)
                && vectorizable(b, xs, acc)
        }
        K::Neg(a) => vectorizable(a, xs, acc),
        K::Intrinsic(Intr::FUnary(FUn::Sqrt | FUn::Abs), args) => {
            e.ty == Ty::F64 && vectorizable(&args[0], xs, acc)
        }
        _ => false,
    }
}

/// The argument of `e`'s square root when it takes exactly one (and not of a square root).
pub(super) fn one_sqrt(e: &Expr) -> Option<&Expr> {
    fn walk<'e>(e: &'e Expr, found: &mut Vec<&'e Expr>) {
        match &e.kind {
            K::Binary(_, a, b) => {
                walk(a, found);
                walk(b, found);
            }
            K::Neg(a) => walk(a, found),
            K::Intrinsic(Intr::FUnary(op), args) => {
                if *op == FUn::Sqrt {
                    found.push(&args[0]);
                }
                walk(&args[0], found);
            }
            _ => {}
        }
    }
    let mut found = vec![];
    walk(e, &mut found);
    match found.as_slice() {
        [g] => Some(g),
        _ => None,
    }
}

/// Does `e` read the element `x` outside its square root?
fn reads_x_outside_sqrt(e: &Expr, x: LocalId) -> bool {
    match &e.kind {
        K::Local(id) => *id == x,
        K::Deref(_) => true,
        K::Binary(_, a, b) => reads_x_outside_sqrt(a, x) || reads_x_outside_sqrt(b, x),
        K::Neg(a) => reads_x_outside_sqrt(a, x),
        K::Intrinsic(Intr::FUnary(FUn::Sqrt), _) => false,
        K::Intrinsic(_, args) => reads_x_outside_sqrt(&args[0], x),
        _ => false,
    }
}

/// Is `g` the element itself?
fn is_elem(g: &Expr, x: LocalId) -> bool {
    matches!(g.kind, K::Local(id) if id == x) || matches!(g.kind, K::Deref(_))
}

impl Lowerer<'_, '_> {
    /// `ACCS` 2-lane accumulators holding -0.0, the identity of `+` (0.0 is not:
    /// -0.0 + 0.0 = 0.0), as in std's `Sum`.
    fn zero_accs(&mut self) -> Vec<Variable> {
        let zero = self.b.ins().f64const(-0.0);
        let vz = self.b.ins().splat(types::F64X2, zero);
        let accs: Vec<Variable> = (0..ACCS)
            .map(|_| self.b.declare_var(types::F64X2))
            .collect();
        for a in &accs {
            self.b.def_var(*a, vz);
        }
        accs
    }

    /// The sum of the accumulators' lanes.
    fn fold_accs(&mut self, accs: &[Variable]) -> Value {
        let vs: Vec<Value> = accs.iter().map(|a| self.b.use_var(*a)).collect();
        let s01 = self.b.ins().fadd(vs[0], vs[1]);
        let s23 = self.b.ins().fadd(vs[2], vs[3]);
        let v = self.b.ins().fadd(s01, s23);
        let l0 = self.b.ins().extractlane(v, 0);
        let l1 = self.b.ins().extractlane(v, 1);
        self.b.ins().fadd(l0, l1)
    }

    /// `e` on lanes, the element locals `xs` = their lanes; with `sq`, the (one) square
    /// root's value is `sq`.
    pub(super) fn vexpr(&mut self, e: &Expr, xs: &[(LocalId, Value)], sq: Option<Value>) -> Value {
        let elem = |id: LocalId| xs.iter().find(|(x, _)| *x == id).map(|(_, v)| *v);
        match &e.kind {
            K::Local(id) if elem(*id).is_some() => elem(*id).unwrap(),
            K::Deref(inner) => match inner.kind {
                K::Local(id) => elem(id).expect("checked by vectorizable"),
                _ => unreachable!("checked by vectorizable"),
            },
            K::Local(id) => {
                let s = self.read_local(*id).s();
                self.b.ins().splat(types::F64X2, s)
            }
            K::Float(c) => {
                let s = self.b.ins().f64const(*c);
                self.b.ins().splat(types::F64X2, s)
            }
            K::Binary(op, a, b) => {
                let (a, b) = (self.vexpr(a, xs, sq), self.vexpr(b, xs, sq));
                match op {
                    BinOp::Add => self.b.ins().fadd(a, b),
                    BinOp::Sub => self.b.ins().fsub(a, b),
                    BinOp::Mul => self.b.ins().fmul(a, b),
                    _ => self.b.ins().fdiv(a, b),
                }
            }
            K::Neg(a) => {
                let a = self.vexpr(a, xs, sq);
                self.b.ins().fneg(a)
            }
            K::Intrinsic(Intr::FUnary(FUn::Sqrt), _) if sq.is_some() => sq.unwrap(),
            K::Intrinsic(Intr::FUnary(op), args) => {
                let a = self.vexpr(&args[0], xs, sq);
                if *op == FUn::Sqrt {
                    self.b.ins().sqrt(a)
                } else {
                    self.b.ins().fabs(a)
                }
            }
            _ => unreachable!("checked by vectorizable"),
        }
    }

    /// The reassociated reduction over `n` elements of one or more sequences in step, each
    /// from its first element at `p` and bound to its local: returns the final sum
    /// (including `init`).
    pub(super) fn vec_sum(
        &mut self,
        ps: &[(LocalId, Value)],
        n: Value,
        f: &Expr,
        init: Value,
    ) -> Value {
        let accs = self.zero_accs();
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
        let bases: Vec<(LocalId, Value)> = ps
            .iter()
            .map(|(x, p)| (*x, self.b.ins().iadd(*p, off)))
            .collect();
        let mf = MemFlagsData::new().with_notrap();
        for (k, a) in accs.iter().enumerate() {
            let xvs: Vec<(LocalId, Value)> = bases
                .iter()
                .map(|(x, base)| {
                    (
                        *x,
                        self.b
                            .ins()
                            .load(types::F64X2, mf, *base, (k as i64 * LANES * 8) as i32),
                    )
                })
                .collect();
            let v = self.vexpr(f, &xvs, None);
            let cur = self.b.use_var(*a);
            let s = self.b.ins().fadd(cur, v);
            self.b.def_var(*a, s);
        }
        self.b.def_var(i, end);
        self.poll_interrupt(header);
        self.b.seal_block(header);
        self.b.switch_to_block(tail);
        self.b.seal_block(tail);
        let h = self.fold_accs(&accs);
        let total = self.b.declare_var(types::F64);
        let t0 = self.b.ins().fadd(init, h);
        self.b.def_var(total, t0);
        // Remainder, one element at a time.
        let rh = self.b.create_block();
        let rb = self.b.create_block();
        let done = self.b.create_block();
        self.b.ins().jump(rh, &[]);
        self.sum_rest_in_order([rh, rb, done], i, n, ps, f, total)
    }

    /// The elements `i..n` one at a time, added to `total` in order: the scalar tail every
    /// float-sum strategy ends with. Starts at `rh` (the tail's header, reached by the caller).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn sum_rest_in_order(
        &mut self,
        [rh, rb, done]: [cranelift_codegen::ir::Block; 3],
        i: Variable,
        n: Value,
        ps: &[(LocalId, Value)],
        f: &Expr,
        total: Variable,
    ) -> Value {
        self.b.switch_to_block(rh);
        let iv = self.b.use_var(i);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, iv, n);
        self.b.ins().brif(more, rb, &[], done, &[]);
        self.b.switch_to_block(rb);
        self.b.seal_block(rb);
        let off = self.b.ins().ishl_imm_s(iv, 3);
        let mut xvs = vec![];
        for (x, p) in ps {
            let a = self.b.ins().iadd(*p, off);
            let xs = self.b.ins().load(types::F64, flags(), a, 0);
            xvs.push((*x, self.b.ins().splat(types::F64X2, xs)));
        }
        let v = self.vexpr(f, &xvs, None);
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
        self.b.use_var(total)
    }

    /// `vec_sum` block by block: per block of `BLOCK` elements, `buf = g(x)` (skipped when
    /// `g` is the element), `buf = sqrt(buf)` by the runtime's wide kernel, then the
    /// summand with its square root read from `buf`, on four 2-lane accumulators.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn vec_sum_blocks(
        &mut self,
        kernel: &'static str,
        p: Value,
        n: Value,
        x: LocalId,
        f: &Expr,
        g: &Expr,
        init: Value,
    ) -> Value {
        const BLOCK: i64 = 256;
        let strict = !self.opts.fastmath;
        let slot = self.new_slot((BLOCK * 8) as u32, 16);
        let buf = self.b.ins().stack_addr(types::I64, slot, 0);
        let mf = MemFlagsData::new().with_notrap();
        let accs = self.zero_accs();
        let total = self.b.declare_var(types::F64);
        self.b.def_var(total, init);
        let start = self.b.declare_var(types::I64);
        let z = self.b.ins().iconst(types::I64, 0);
        self.b.def_var(start, z);
        let k = self.b.declare_var(types::I64);
        let needs_x = reads_x_outside_sqrt(f, x);
        let keep: Vec<Variable> = accs.iter().copied().chain([total]).collect();

        let header = self.b.create_block();
        let blk = self.b.create_block();
        let exit = self.b.create_block();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        let sv = self.b.use_var(start);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, sv, n);
        self.b.ins().brif(more, blk, &[], exit, &[]);
        self.b.switch_to_block(blk);
        self.b.seal_block(blk);
        let rem = self.b.ins().isub(n, sv);
        let bl = self.b.ins().iconst(types::I64, BLOCK);
        let len = self.b.ins().umin(rem, bl);
        let off = self.b.ins().ishl_imm_s(sv, 3);
        let src = self.b.ins().iadd(p, off);
        if is_elem(g, x) {
            self.call_keeping(kernel, &[src, buf, len], &keep);
        } else {
            // buf[k] = g(src[k]): pairs, then the odd last element.
            self.b.def_var(k, z);
            let (h1, b1, t1, d1) = (
                self.b.create_block(),
                self.b.create_block(),
                self.b.create_block(),
                self.b.create_block(),
            );
            self.b.ins().jump(h1, &[]);
            self.b.switch_to_block(h1);
            let kv = self.b.use_var(k);
            let k2 = self.b.ins().iadd_imm_s(kv, 2);
            let ok = self.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, k2, len);
            self.b.ins().brif(ok, b1, &[], t1, &[]);
            self.b.switch_to_block(b1);
            self.b.seal_block(b1);
            let o = self.b.ins().ishl_imm_s(kv, 3);
            let (sa, da) = (self.b.ins().iadd(src, o), self.b.ins().iadd(buf, o));
            let xv = self.b.ins().load(types::F64X2, mf, sa, 0);
            let gv = self.vexpr(g, &[(x, xv)], None);
            self.b.ins().store(mf, gv, da, 0);
            self.b.def_var(k, k2);
            self.b.ins().jump(h1, &[]);
            self.b.seal_block(h1);
            self.b.switch_to_block(t1);
            self.b.seal_block(t1);
            let kv = self.b.use_var(k);
            let odd = self.b.ins().icmp(IntCC::UnsignedLessThan, kv, len);
            let one = self.b.create_block();
            self.b.ins().brif(odd, one, &[], d1, &[]);
            self.b.switch_to_block(one);
            self.b.seal_block(one);
            let o = self.b.ins().ishl_imm_s(kv, 3);
            let (sa, da) = (self.b.ins().iadd(src, o), self.b.ins().iadd(buf, o));
            let xs = self.b.ins().load(types::F64, mf, sa, 0);
            let xv = self.b.ins().splat(types::F64X2, xs);
            let gv = self.vexpr(g, &[(x, xv)], None);
            let g0 = self.b.ins().extractlane(gv, 0);
            self.b.ins().store(mf, g0, da, 0);
            self.b.ins().jump(d1, &[]);
            self.b.switch_to_block(d1);
            self.b.seal_block(d1);
            self.call_keeping(kernel, &[buf, buf, len], &keep);
        }
        // The summand over the block: groups of 2 × ACCS, then one element at a time
        // (without `--fastmath`, every element in order: the additions are rustc's).
        self.b.def_var(k, z);
        let (r2, rb, next) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        if strict {
            self.b.ins().jump(r2, &[]);
        } else {
            self.sum_groups(f, x, &accs, src, buf, len, k, r2, needs_x);
        }
        self.b.switch_to_block(r2);
        let kv = self.b.use_var(k);
        let left = self.b.ins().icmp(IntCC::UnsignedLessThan, kv, len);
        self.b.ins().brif(left, rb, &[], next, &[]);
        self.b.switch_to_block(rb);
        self.b.seal_block(rb);
        let o = self.b.ins().ishl_imm_s(kv, 3);
        let (sa, ba) = (self.b.ins().iadd(src, o), self.b.ins().iadd(buf, o));
        let sqs = self.b.ins().load(types::F64, mf, ba, 0);
        let sq = self.b.ins().splat(types::F64X2, sqs);
        let xv = if needs_x {
            let xs = self.b.ins().load(types::F64, mf, sa, 0);
            self.b.ins().splat(types::F64X2, xs)
        } else {
            sq
        };
        let v = self.vexpr(f, &[(x, xv)], Some(sq));
        let v0 = self.b.ins().extractlane(v, 0);
        let t = self.b.use_var(total);
        let t1 = self.b.ins().fadd(t, v0);
        self.b.def_var(total, t1);
        let k1 = self.b.ins().iadd_imm_s(kv, 1);
        self.b.def_var(k, k1);
        self.b.ins().jump(r2, &[]);
        self.b.seal_block(r2);
        self.b.switch_to_block(next);
        self.b.seal_block(next);
        let s1 = self.b.ins().iadd(sv, len);
        self.b.def_var(start, s1);
        self.poll_interrupt(header);
        self.b.seal_block(header);
        self.b.switch_to_block(exit);
        self.b.seal_block(exit);
        let t = self.b.use_var(total);
        if strict {
            return t;
        }
        let h = self.fold_accs(&accs);
        self.b.ins().fadd(t, h)
    }

    /// Call the block kernel with the running sums passed around it through stack slots:
    /// a value live across a call sits in a spill slot for its whole live range (every
    /// register is caller-saved), which would put a store and a load on the chain of
    /// additions of every element; reloaded after the call, they stay in registers.
    fn call_keeping(&mut self, kernel: &'static str, args: &[Value], keep: &[Variable]) {
        let saved: Vec<(
            Variable,
            cranelift_codegen::ir::StackSlot,
            cranelift_codegen::ir::Type,
        )> = keep
            .iter()
            .map(|v| {
                let val = self.b.use_var(*v);
                let t = self.b.func.dfg.value_type(val);
                let ss = self.new_slot(t.bytes(), 16);
                self.b.ins().stack_store(types::I64, val, ss, 0);
                (*v, ss, t)
            })
            .collect();
        self.call_rt(kernel, args, &[]);
        for (v, ss, t) in saved {
            let val = self.b.ins().stack_load(types::I64, t, ss, 0);
            self.b.def_var(v, val);
        }
    }

    /// The groups of 2 × ACCS elements of a block into the accumulators; leaves to `rest`
    /// with `k` at the first element left.
    #[allow(clippy::too_many_arguments)]
    fn sum_groups(
        &mut self,
        f: &Expr,
        x: LocalId,
        accs: &[Variable],
        src: Value,
        buf: Value,
        len: Value,
        k: Variable,
        rest: cranelift_codegen::ir::Block,
        needs_x: bool,
    ) {
        let (h2, b2) = (self.b.create_block(), self.b.create_block());
        let mf = MemFlagsData::new().with_notrap();
        self.b.ins().jump(h2, &[]);
        self.b.switch_to_block(h2);
        let kv = self.b.use_var(k);
        let kn = self.b.ins().iadd_imm_s(kv, LANES * ACCS as i64);
        let ok = self.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, kn, len);
        self.b.ins().brif(ok, b2, &[], rest, &[]);
        self.b.switch_to_block(b2);
        self.b.seal_block(b2);
        let o = self.b.ins().ishl_imm_s(kv, 3);
        let (sa, ba) = (self.b.ins().iadd(src, o), self.b.ins().iadd(buf, o));
        for (j, a) in accs.iter().enumerate() {
            let at = (j as i64 * LANES * 8) as i32;
            let sq = self.b.ins().load(types::F64X2, mf, ba, at);
            let xv = if needs_x {
                self.b.ins().load(types::F64X2, mf, sa, at)
            } else {
                sq
            };
            let v = self.vexpr(f, &[(x, xv)], Some(sq));
            let cur = self.b.use_var(*a);
            let s = self.b.ins().fadd(cur, v);
            self.b.def_var(*a, s);
        }
        self.b.def_var(k, kn);
        self.b.ins().jump(h2, &[]);
        self.b.seal_block(h2);
    }
}
