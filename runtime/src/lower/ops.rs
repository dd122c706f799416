//! Operators and casts with rustc's release semantics: wrapping integer arithmetic,
//! division/remainder panics, masked shifts, saturating float→int casts, IEEE floats
//! evaluated in source order.

use super::{cl_ty, Lowerer, V};
use crate::abi::ctx;
use crate::abi::ty::{FloatTy, IntTy, Ty};
use crate::diag::{Error, Result};
use crate::typeck::typed::{BinOp, Expr};
use cranelift_codegen::ir::{condcodes::FloatCC, condcodes::IntCC, types, InstBuilder, Value};

impl Lowerer<'_, '_> {
    pub fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr) -> Result<V> {
        let av = self.expr(a, false)?;
        let bv = self.expr(b, false)?;
        let t = a.ty.peel_refs().clone();
        if matches!(op, BinOp::Div | BinOp::Rem)
            && matches!(b.kind, crate::typeck::typed::ExprKind::Local(id) if self.positive.contains(&id))
        {
            // The divisor is a range variable ≥ 1: no zero or MIN/-1 check can fire.
            return Ok(V::S(self.div_unchecked(
                op == BinOp::Rem,
                &t,
                av.s(),
                bv.s(),
            )));
        }
        if op.is_cmp() {
            if !t.is_scalar() {
                if !matches!(op, BinOp::Eq | BinOp::Ne) {
                    return Err(Error::unsupported(
                        a.span,
                        format!("ordering comparison of `{t}` values"),
                    ));
                }
                let eq = self.eq_values(&a.ty, av, &b.ty, bv);
                return Ok(V::S(if op == BinOp::Eq {
                    eq
                } else {
                    self.b.ins().bxor_imm_s(eq, 1)
                }));
            }
            return Ok(V::S(self.compare(op, &t, av.s(), bv.s())));
        }
        Ok(V::S(self.arith(op, &t, av.s(), bv.s())?))
    }

    /// `a == b` for non-scalar values, through the runtime's structural equality.
    pub fn eq_values(&mut self, at: &Ty, av: V, bt: &Ty, bv: V) -> Value {
        let pa = self.value_addr(at, av);
        let pb = self.value_addr(bt, bv);
        let base = at.peel_refs().clone();
        let ft = match &base {
            Ty::Slice(_) | Ty::Str => Ty::Ref(Box::new(base.clone()), false),
            _ => base,
        };
        let tid = self.tables.intern_type(&ft) as i64;
        let ctx = self.ctx();
        let tv = self.b.ins().iconst(types::I64, tid);
        self.call_rt("rt_eq_mem", &[ctx, pa, pb, tv], &[types::I8])[0]
    }

    /// The address of a value of type `t` (spilled to a slot unless already in memory),
    /// as the value of the referent type (references are looked through).
    pub fn value_addr(&mut self, t: &Ty, v: V) -> Value {
        let base = t.peel_refs().clone();
        let ft = match &base {
            Ty::Slice(_) | Ty::Str => Ty::Ref(Box::new(base.clone()), false),
            _ => base,
        };
        match super::repr(&ft) {
            super::Repr::A { inline: true } => v.s(),
            _ => {
                let s = self.slot_for(&ft);
                let _ = self.store_mem(&ft, s, 0, v);
                s
            }
        }
    }

    pub fn compare(&mut self, op: BinOp, t: &Ty, x: Value, y: Value) -> Value {
        if t.is_float() {
            let cc = match op {
                BinOp::Eq => FloatCC::Equal,
                BinOp::Ne => FloatCC::NotEqual,
                BinOp::Lt => FloatCC::LessThan,
                BinOp::Le => FloatCC::LessThanOrEqual,
                BinOp::Gt => FloatCC::GreaterThan,
                _ => FloatCC::GreaterThanOrEqual,
            };
            return self.b.ins().fcmp(cc, x, y);
        }
        let signed = matches!(t, Ty::Int(i) if i.signed());
        let cc = match (op, signed) {
            (BinOp::Eq, _) => IntCC::Equal,
            (BinOp::Ne, _) => IntCC::NotEqual,
            (BinOp::Lt, true) => IntCC::SignedLessThan,
            (BinOp::Le, true) => IntCC::SignedLessThanOrEqual,
            (BinOp::Gt, true) => IntCC::SignedGreaterThan,
            (_, true) => IntCC::SignedGreaterThanOrEqual,
            (BinOp::Lt, false) => IntCC::UnsignedLessThan,
            (BinOp::Le, false) => IntCC::UnsignedLessThanOrEqual,
            (BinOp::Gt, false) => IntCC::UnsignedGreaterThan,
            (_, false) => IntCC::UnsignedGreaterThanOrEqual,
        };
        self.b.ins().icmp(cc, x, y)
    }

    pub fn arith(&mut self, op: BinOp, t: &Ty, x: Value, y: Value) -> Result<Value> {
        if let Ty::Float(ft) = t {
            return Ok(match op {
                BinOp::Add => match self.zero_plus_square(x, y) {
                    Some(v) => v,
                    None => self.b.ins().fadd(x, y),
                },
                BinOp::Sub => self.b.ins().fsub(x, y),
                BinOp::Mul => self.b.ins().fmul(x, y),
                BinOp::Div => self.b.ins().fdiv(x, y),
                _ => {
                    let (name, c) = if *ft == FloatTy::F32 {
                        ("rt_f32_rem", types::F32)
                    } else {
                        ("rt_f64_rem", types::F64)
                    };
                    self.count().libm += 1;
                    self.call_rt(name, &[x, y], &[c])[0]
                }
            });
        }
        let signed = matches!(t, Ty::Int(i) if i.signed());
        Ok(match op {
            BinOp::Add => self.b.ins().iadd(x, y),
            BinOp::Sub => self.b.ins().isub(x, y),
            BinOp::Mul => self.b.ins().imul(x, y),
            BinOp::BitAnd => self.b.ins().band(x, y),
            BinOp::BitOr => self.b.ins().bor(x, y),
            BinOp::BitXor => self.b.ins().bxor(x, y),
            BinOp::Shl => self.b.ins().ishl(x, y),
            BinOp::Shr => {
                if signed {
                    self.b.ins().sshr(x, y)
                } else {
                    self.b.ins().ushr(x, y)
                }
            }
            BinOp::Div | BinOp::Rem => {
                let rem = op == BinOp::Rem;
                self.div_checks(t, x, y, rem);
                if self.b.func.dfg.value_type(x) == types::I64 && self.const_of(y).is_none() {
                    return Ok(self.div64_bypass(x, y, rem, signed));
                }
                match (rem, signed) {
                    (false, true) => self.b.ins().sdiv(x, y),
                    (false, false) => self.b.ins().udiv(x, y),
                    (true, true) => self.b.ins().srem(x, y),
                    (true, false) => self.b.ins().urem(x, y),
                }
            }
            _ => unreachable!("comparison in arith"),
        })
    }

    fn div_unchecked(&mut self, rem: bool, t: &Ty, x: Value, y: Value) -> Value {
        let signed = matches!(t, Ty::Int(i) if i.signed());
        if self.b.func.dfg.value_type(x) == types::I64 {
            return self.div64_bypass(x, y, rem, signed);
        }
        match (rem, signed) {
            (false, true) => self.b.ins().sdiv(x, y),
            (false, false) => self.b.ins().udiv(x, y),
            (true, true) => self.b.ins().srem(x, y),
            (true, false) => self.b.ins().urem(x, y),
        }
    }

    /// 64-bit division is slow on x86; when both operands fit in 32 bits (and are
    /// non-negative) a 32-bit unsigned division gives the same result (LLVM's
    /// "bypass slow division", which rustc -O3 gets on x86-64).
    fn div64_bypass(&mut self, x: Value, y: Value, rem: bool, signed: bool) -> Value {
        let or = self.b.ins().bor(x, y);
        let hi = self.b.ins().ushr_imm_s(or, 32);
        let small = self.b.ins().icmp_imm_s(IntCC::Equal, hi, 0);
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        let done = self.b.create_block();
        self.b.append_block_param(done, types::I64);
        self.b.set_cold_block(slow);
        self.b.ins().brif(small, fast, &[], slow, &[]);
        self.b.switch_to_block(fast);
        self.b.seal_block(fast);
        let x32 = self.b.ins().ireduce(types::I32, x);
        let y32 = self.b.ins().ireduce(types::I32, y);
        let r32 = if rem {
            self.b.ins().urem(x32, y32)
        } else {
            self.b.ins().udiv(x32, y32)
        };
        let r = self.b.ins().uextend(types::I64, r32);
        self.b
            .ins()
            .jump(done, &[cranelift_codegen::ir::BlockArg::Value(r)]);
        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        let r = match (rem, signed) {
            (false, true) => self.b.ins().sdiv(x, y),
            (false, false) => self.b.ins().udiv(x, y),
            (true, true) => self.b.ins().srem(x, y),
            (true, false) => self.b.ins().urem(x, y),
        };
        self.b
            .ins()
            .jump(done, &[cranelift_codegen::ir::BlockArg::Value(r)]);
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        self.b.block_params(done)[0]
    }

    /// Division by zero and `MIN / -1` panic (overflow checks are off, these are not).
    pub fn div_checks(&mut self, t: &Ty, x: Value, y: Value, rem: bool) {
        let signed = matches!(t, Ty::Int(i) if i.signed());
        let c = self.const_of(y);
        if c.is_none_or(|c| c == 0) {
            let z = self.b.ins().icmp_imm_s(IntCC::Equal, y, 0);
            self.panic_if(
                z,
                if rem {
                    ctx::P_REM_ZERO
                } else {
                    ctx::P_DIV_ZERO
                },
            );
        }
        if signed && c.is_none_or(|c| c == -1) {
            let Ty::Int(it) = t else { return };
            let m1 = self.b.ins().icmp_imm_s(IntCC::Equal, y, -1);
            let min = self.b.ins().icmp_imm_s(IntCC::Equal, x, it.min() as i64);
            let both = self.b.ins().band(m1, min);
            self.panic_if(both, if rem { ctx::P_REM_OVF } else { ctx::P_DIV_OVF });
        }
    }

    pub fn cast(&mut self, v: Value, from: &Ty, to: &Ty) -> Value {
        let from = from.peel_refs();
        let ft = cl_ty(from);
        let tt = cl_ty(to);
        match (from, to) {
            (Ty::Float(a), Ty::Float(b)) => match (a, b) {
                (FloatTy::F32, FloatTy::F64) => self.b.ins().fpromote(types::F64, v),
                (FloatTy::F64, FloatTy::F32) => self.b.ins().fdemote(types::F32, v),
                _ => v,
            },
            (Ty::Float(_), Ty::Int(it)) => self.float_to_int(v, *it),
            (src, Ty::Float(_)) => {
                let signed = matches!(src, Ty::Int(i) if i.signed());
                let w = self.widen(v, ft, types::I64, signed);
                if signed {
                    self.b.ins().fcvt_from_sint(tt, w)
                } else {
                    self.b.ins().fcvt_from_uint(tt, w)
                }
            }
            (src, _) => {
                // int/bool/char → int/char: truncate or extend by the source's signedness.
                let signed = matches!(src, Ty::Int(i) if i.signed());
                self.resize_int(v, ft, tt, signed)
            }
        }
    }

    fn widen(&mut self, v: Value, from: types::Type, to: types::Type, signed: bool) -> Value {
        if from.bits() >= to.bits() {
            return v;
        }
        if let Some(x) = self.fuse_extend_load(v, from, to, signed) {
            return x;
        }
        if signed {
            self.b.ins().sextend(to, v)
        } else {
            self.b.ins().uextend(to, v)
        }
    }

    pub fn resize_int(
        &mut self,
        v: Value,
        from: types::Type,
        to: types::Type,
        signed: bool,
    ) -> Value {
        if from.bits() == to.bits() {
            v
        } else if from.bits() > to.bits() {
            self.b.ins().ireduce(to, v)
        } else {
            self.widen(v, from, to, signed)
        }
    }

    /// `f as iN`: saturating, NaN → 0 (Rust ≥ 1.45).
    fn float_to_int(&mut self, v: Value, it: IntTy) -> Value {
        let tt = cl_ty(&Ty::Int(it));
        if it.bits() >= 32 {
            return if it.signed() {
                self.b.ins().fcvt_to_sint_sat(tt, v)
            } else {
                self.b.ins().fcvt_to_uint_sat(tt, v)
            };
        }
        let w = self.b.ins().fcvt_to_sint_sat(types::I32, v);
        let lo = self.b.ins().iconst(types::I32, it.min() as i64);
        let hi = self.b.ins().iconst(types::I32, it.max() as i64);
        let a = self.b.ins().smax(w, lo);
        let c = self.b.ins().smin(a, hi);
        self.b.ins().ireduce(tt, c)
    }
}
