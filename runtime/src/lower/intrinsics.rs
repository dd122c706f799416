//! std methods of the subset: float math (instructions where IEEE-exact, otherwise
//! Rust's own functions), integer helpers, Vec/slice/Option/String operations.

use super::place::Place;
use super::{cl_ty, flags, Lowerer, V};
use crate::abi::ctx;
use crate::abi::ty::{option_payload_offset, FloatTy, Ty};
use crate::diag::{Error, Result, Span};
use crate::typeck::typed::{Expr, ExprKind as K, FBin, FUn, Intr, WrapOp};
use cranelift_codegen::ir::{condcodes::FloatCC, condcodes::IntCC, types, InstBuilder, Value};

fn fun_name(op: FUn, f32: bool) -> &'static str {
    macro_rules! n {
        ($a:literal, $b:literal) => {
            if f32 {
                $b
            } else {
                $a
            }
        };
    }
    use FUn::*;
    match op {
        Cbrt => n!("rt_f64_cbrt", "rt_f32_cbrt"),
        Exp => n!("rt_f64_exp", "rt_f32_exp"),
        Exp2 => n!("rt_f64_exp2", "rt_f32_exp2"),
        ExpM1 => n!("rt_f64_exp_m1", "rt_f32_exp_m1"),
        Ln => n!("rt_f64_ln", "rt_f32_ln"),
        Ln1p => n!("rt_f64_ln_1p", "rt_f32_ln_1p"),
        Log10 => n!("rt_f64_log10", "rt_f32_log10"),
        Log2 => n!("rt_f64_log2", "rt_f32_log2"),
        Sin => n!("rt_f64_sin", "rt_f32_sin"),
        Cos => n!("rt_f64_cos", "rt_f32_cos"),
        Tan => n!("rt_f64_tan", "rt_f32_tan"),
        Sinh => n!("rt_f64_sinh", "rt_f32_sinh"),
        Cosh => n!("rt_f64_cosh", "rt_f32_cosh"),
        Tanh => n!("rt_f64_tanh", "rt_f32_tanh"),
        Asin => n!("rt_f64_asin", "rt_f32_asin"),
        Acos => n!("rt_f64_acos", "rt_f32_acos"),
        Atan => n!("rt_f64_atan", "rt_f32_atan"),
        Asinh => n!("rt_f64_asinh", "rt_f32_asinh"),
        Acosh => n!("rt_f64_acosh", "rt_f32_acosh"),
        Atanh => n!("rt_f64_atanh", "rt_f32_atanh"),
        Round => n!("rt_f64_round", "rt_f32_round"),
        Signum => n!("rt_f64_signum", "rt_f32_signum"),
        ToRadians => n!("rt_f64_to_radians", "rt_f32_to_radians"),
        ToDegrees => n!("rt_f64_to_degrees", "rt_f32_to_degrees"),
        Fract => n!("rt_f64_fract", "rt_f32_fract"),
        Recip => n!("rt_f64_recip", "rt_f32_recip"),
        Sqrt | Abs | Floor | Ceil | Trunc => unreachable!(),
    }
}

fn fbin_name(op: FBin, f32: bool) -> &'static str {
    use FBin::*;
    match (op, f32) {
        (Powf, false) => "rt_f64_powf",
        (Powf, true) => "rt_f32_powf",
        (Atan2, false) => "rt_f64_atan2",
        (Atan2, true) => "rt_f32_atan2",
        (Hypot, false) => "rt_f64_hypot",
        (Hypot, true) => "rt_f32_hypot",
        (Min, false) => "rt_f64_min",
        (Min, true) => "rt_f32_min",
        (Max, false) => "rt_f64_max",
        (Max, true) => "rt_f32_max",
        (Log, false) => "rt_f64_log",
        (Log, true) => "rt_f32_log",
        (RemEuclid, false) => "rt_f64_rem_euclid",
        (RemEuclid, true) => "rt_f32_rem_euclid",
        (DivEuclid, false) => "rt_f64_div_euclid",
        (DivEuclid, true) => "rt_f32_div_euclid",
        (Copysign, _) => unreachable!(),
    }
}

impl Lowerer<'_, '_> {
    fn vals(&mut self, i: Intr, args: &[Expr]) -> Result<Vec<V>> {
        let mut v = vec![];
        for (k, a) in args.iter().enumerate() {
            // An owned element pushed or inserted into a `Vec<Vec<T>>` moves into it.
            let owned = matches!(i, Intr::VecPush | Intr::VecInsert)
                && k + 1 == args.len()
                && a.ty.needs_drop();
            v.push(self.expr(a, owned)?);
        }
        Ok(v)
    }

    pub fn intrinsic(&mut self, i: Intr, args: &[Expr], t: &Ty, span: Span) -> Result<V> {
        if i == Intr::StdSwap {
            return self.std_swap(args);
        }
        if let Intr::Ch(op) = i {
            return self.ch_intrinsic(op, args, t, span);
        }
        if let Intr::Nd(op) = i {
            return self.nd_intrinsic(op, args, t, span);
        }
        if let Intr::TimerStart | Intr::TimerStop = i {
            let ctx = self.ctx();
            self.call_rt(
                if i == Intr::TimerStart {
                    "rt_timer_start"
                } else {
                    "rt_timer_stop"
                },
                &[ctx],
                &[],
            );
            return Ok(V::Unit);
        }
        if let Intr::UnwrapOrElse
        | Intr::OptMap
        | Intr::First
        | Intr::Last
        | Intr::Get
        | Intr::OptCopied = i
        {
            return self.option_intrinsic(i, args, t);
        }
        let vs = self.vals(i, args)?;
        if !self.reachable() {
            return Ok(V::Unit);
        }
        let at = args
            .first()
            .map(|a| a.ty.peel_refs().clone())
            .unwrap_or(Ty::Unit);
        let f32 = matches!(at, Ty::Float(FloatTy::F32));
        let fc = if f32 { types::F32 } else { types::F64 };
        let s = |k: usize| vs[k].s();
        Ok(V::S(match i {
            Intr::FUnary(op) => match op {
                FUn::Sqrt => self.b.ins().sqrt(s(0)),
                FUn::Abs => self.b.ins().fabs(s(0)),
                FUn::Floor => self.b.ins().floor(s(0)),
                FUn::Ceil => self.b.ins().ceil(s(0)),
                FUn::Trunc => self.b.ins().trunc(s(0)),
                op => {
                    self.count().libm += 1;
                    self.call_rt(fun_name(op, f32), &[s(0)], &[fc])[0]
                }
            },
            Intr::FBinary(FBin::Copysign) => self.b.ins().fcopysign(s(0), s(1)),
            Intr::FBinary(op) => {
                self.count().libm += 1;
                self.call_rt(fbin_name(op, f32), &[s(0), s(1)], &[fc])[0]
            }
            Intr::MulAdd => {
                self.count().libm += 1;
                self.call_rt(
                    if f32 {
                        "rt_f32_mul_add"
                    } else {
                        "rt_f64_mul_add"
                    },
                    &[s(0), s(1), s(2)],
                    &[fc],
                )[0]
            }
            Intr::Powi if self.const_of(s(1)).is_some_and(|n| n.unsigned_abs() <= 32) => {
                // Constant exponent: the multiply sequence of compiler-rt's __powidf2 (and
                // of LLVM's constant expansion), so the result is bit-identical.
                let n = self.const_of(s(1)).unwrap() as i32;
                self.powi_const(s(0), n, f32)
            }
            Intr::Powi => {
                self.count().libm += 1;
                self.call_rt(
                    if f32 { "rt_f32_powi" } else { "rt_f64_powi" },
                    &[s(0), s(1)],
                    &[fc],
                )[0]
            }
            Intr::IsNan => self.b.ins().fcmp(FloatCC::Unordered, s(0), s(0)),
            Intr::IsFinite | Intr::IsInfinite => {
                let a = self.b.ins().fabs(s(0));
                let inf = if f32 {
                    self.b.ins().f32const(f32::INFINITY)
                } else {
                    self.b.ins().f64const(f64::INFINITY)
                };
                let cc = if i == Intr::IsFinite {
                    FloatCC::LessThan
                } else {
                    FloatCC::Equal
                };
                self.b.ins().fcmp(cc, a, inf)
            }
            Intr::IsNormal => {
                let a = self.b.ins().fabs(s(0));
                let (lo, inf) = if f32 {
                    (
                        self.b.ins().f32const(f32::MIN_POSITIVE),
                        self.b.ins().f32const(f32::INFINITY),
                    )
                } else {
                    (
                        self.b.ins().f64const(f64::MIN_POSITIVE),
                        self.b.ins().f64const(f64::INFINITY),
                    )
                };
                let ge = self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, a, lo);
                let lt = self.b.ins().fcmp(FloatCC::LessThan, a, inf);
                self.b.ins().band(ge, lt)
            }
            Intr::IsSignNegative | Intr::IsSignPositive => {
                let it = if f32 { types::I32 } else { types::I64 };
                let bits =
                    self.b
                        .ins()
                        .bitcast(it, cranelift_codegen::ir::MemFlagsData::new(), s(0));
                let cc = if i == Intr::IsSignNegative {
                    IntCC::SignedLessThan
                } else {
                    IntCC::SignedGreaterThanOrEqual
                };
                self.b.ins().icmp_imm_s(cc, bits, 0)
            }
            Intr::IsPositive | Intr::IsNegative => {
                let cc = if i == Intr::IsPositive {
                    IntCC::SignedGreaterThan
                } else {
                    IntCC::SignedLessThan
                };
                self.b.ins().icmp_imm_s(cc, s(0), 0)
            }
            Intr::AbsDiff => {
                let signed = matches!(at, Ty::Int(it) if it.signed());
                let (hi, lo) = if signed {
                    (self.b.ins().smax(s(0), s(1)), self.b.ins().smin(s(0), s(1)))
                } else {
                    (self.b.ins().umax(s(0), s(1)), self.b.ins().umin(s(0), s(1)))
                };
                self.b.ins().isub(hi, lo)
            }
            Intr::IClamp | Intr::FClamp => return self.clamp(i == Intr::FClamp, &vs, &at, f32),
            Intr::IAbs => self.b.ins().iabs(s(0)),
            Intr::Signum => {
                let gt = self.b.ins().icmp_imm_s(IntCC::SignedGreaterThan, s(0), 0);
                let lt = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, s(0), 0);
                let c = cl_ty(t);
                // icmp gives an i8: extended for wider types, as is for i8 (uextend.i8 is invalid).
                let (g, l) = if c == types::I8 {
                    (gt, lt)
                } else {
                    (self.b.ins().uextend(c, gt), self.b.ins().uextend(c, lt))
                };
                self.b.ins().isub(g, l)
            }
            Intr::CountOnes | Intr::LeadingZeros | Intr::TrailingZeros => {
                let r = match i {
                    Intr::CountOnes => self.b.ins().popcnt(s(0)),
                    Intr::LeadingZeros => self.b.ins().clz(s(0)),
                    _ => self.b.ins().ctz(s(0)),
                };
                let from = self.b.func.dfg.value_type(r);
                self.resize_int(r, from, types::I32, false)
            }
            Intr::IPow | Intr::Wrapping(WrapOp::Pow) => self.int_pow(s(0), s(1), &at),
            Intr::IMin | Intr::IMax | Intr::CmpMin | Intr::CmpMax => {
                let signed = matches!(at, Ty::Int(it) if it.signed());
                let min = matches!(i, Intr::IMin | Intr::CmpMin);
                match (min, signed) {
                    (true, true) => self.b.ins().smin(s(0), s(1)),
                    (true, false) => self.b.ins().umin(s(0), s(1)),
                    (false, true) => self.b.ins().smax(s(0), s(1)),
                    (false, false) => self.b.ins().umax(s(0), s(1)),
                }
            }
            Intr::RemEuclid | Intr::DivEuclid => self.euclid(i == Intr::RemEuclid, s(0), s(1), &at),
            Intr::Wrapping(op) => self.wrapping(op, &vs, &at),
            Intr::Checked(op) => return self.checked(op, &vs, &at, t),
            Intr::Saturating(op) => self.saturating(op, s(0), s(1), &at),
            Intr::VecNew | Intr::VecWithCapacity | Intr::StringNew => {
                let es = match t {
                    Ty::Vec(e) => e.layout().0 as i64,
                    _ => 1,
                };
                let esz = self.b.ins().iconst(types::I64, es);
                let cap = if i == Intr::VecWithCapacity {
                    s(0)
                } else {
                    self.b.ins().iconst(types::I64, 0)
                };
                self.count().allocs += 1;
                let h = self.call_rt("rt_vec_new", &[esz, cap], &[types::I64])[0];
                self.mark_owning(h, t);
                h
            }
            Intr::VecPush => return self.vec_push(s(0), &args[1].ty.clone(), vs[1]),
            Intr::VecPop => return self.vec_pop(s(0), t),
            Intr::Len | Intr::IsEmpty => {
                let (_, n) = self.seq_parts_of(&at, vs[0]);
                if i == Intr::Len {
                    n
                } else {
                    self.b.ins().icmp_imm_s(IntCC::Equal, n, 0)
                }
            }
            Intr::VecClear | Intr::VecTruncate if elem_of(&at).needs_drop() => {
                let n = if i == Intr::VecClear {
                    self.b.ins().iconst(types::I64, 0)
                } else {
                    s(1)
                };
                self.call_rt("rt_vec_truncate_owned", &[s(0), n], &[]);
                return Ok(V::Unit);
            }
            Intr::VecClear => {
                let z = self.b.ins().iconst(types::I64, 0);
                self.b.ins().store(flags(), z, s(0), 8);
                return Ok(V::Unit);
            }
            Intr::VecTruncate => {
                let n = self.b.ins().load(types::I64, flags(), s(0), 8);
                let m = self.b.ins().umin(n, s(1));
                self.b.ins().store(flags(), m, s(0), 8);
                return Ok(V::Unit);
            }
            Intr::VecExtendFromSlice | Intr::PushStr => {
                let (p, n) = self.seq_parts_of(args[1].ty.peel_refs(), vs[1]);
                self.count().allocs += 1;
                self.call_rt("rt_vec_extend", &[s(0), p, n], &[]);
                return Ok(V::Unit);
            }
            Intr::StringPush => {
                self.call_rt("rt_string_push", &[s(0), s(1)], &[]);
                return Ok(V::Unit);
            }
            Intr::VecResize => {
                let et = args[2].ty.clone();
                let tmp = self.slot_for(&et);
                self.store_mem(&et, tmp, 0, vs[2])?;
                self.count().allocs += 1;
                self.call_rt("rt_vec_resize", &[s(0), s(1), tmp], &[]);
                return Ok(V::Unit);
            }
            Intr::VecInsert => {
                let et = args[2].ty.clone();
                let tmp = self.slot_for(&et);
                self.store_mem(&et, tmp, 0, vs[2])?;
                let ctx = self.ctx();
                let l = self.b.ins().iconst(types::I64, self.line as i64);
                self.call_rt("rt_vec_insert", &[ctx, s(0), s(1), tmp, l], &[]);
                self.check_failure();
                return Ok(V::Unit);
            }
            Intr::VecRemove => {
                let tmp = self.slot_for(t);
                let ctx = self.ctx();
                let l = self.b.ins().iconst(types::I64, self.line as i64);
                self.call_rt("rt_vec_remove", &[ctx, s(0), s(1), tmp, l], &[]);
                self.check_failure();
                return Ok(self.load_mem(t, tmp, 0));
            }
            Intr::Swap => {
                let et = elem_of(&at);
                let (p, n) = self.seq_parts_of(&at, vs[0]);
                if self.opts.boundscheck {
                    self.bounds_check(s(1), n);
                    self.bounds_check(s(2), n);
                }
                let sz = et.layout().0 as i64;
                let oa = self.b.ins().imul_imm_s(s(1), sz);
                let ob = self.b.ins().imul_imm_s(s(2), sz);
                let a = self.b.ins().iadd(p, oa);
                let b = self.b.ins().iadd(p, ob);
                let tmp = self.slot_for(&et);
                let av = self.load_mem(&et, a, 0);
                self.store_mem(&et, tmp, 0, av)?;
                let bv = self.load_mem(&et, b, 0);
                self.store_mem(&et, a, 0, bv)?;
                let tv = self.load_mem(&et, tmp, 0);
                self.store_mem(&et, b, 0, tv)?;
                return Ok(V::Unit);
            }
            Intr::SliceFill => {
                let et = elem_of(&at);
                let (p, n) = self.seq_parts_of(&at, vs[0]);
                let x = vs[1];
                let sz = et.layout().0 as i64;
                self.count_loop(n, &mut |l: &mut Self, k: Value| {
                    let o = l.b.ins().imul_imm_s(k, sz);
                    let a = l.b.ins().iadd(p, o);
                    l.store_mem(&et, a, 0, x)
                })?;
                return Ok(V::Unit);
            }
            Intr::Contains => {
                let et = elem_of(&at);
                if !et.is_scalar() {
                    return Err(Error::unsupported(span, format!("`contains` on `[{et}]`")));
                }
                let (p, n) = self.seq_parts_of(&at, vs[0]);
                let x = s(1);
                let found = self.b.declare_var(types::I8);
                let z = self.b.ins().iconst(types::I8, 0);
                self.b.def_var(found, z);
                let sz = et.layout().0 as i64;
                self.count_loop(n, &mut |l: &mut Self, k: Value| {
                    let o = l.b.ins().imul_imm_s(k, sz);
                    let a = l.b.ins().iadd(p, o);
                    let e = l.load_mem(&et, a, 0).s();
                    let eq = l.compare(crate::typeck::typed::BinOp::Eq, &et, e, x);
                    let f = l.b.use_var(found);
                    let nf = l.b.ins().bor(f, eq);
                    l.b.def_var(found, nf);
                    Ok(())
                })?;
                self.b.use_var(found)
            }
            Intr::Clone => {
                self.count().allocs += 1;
                match vs[0] {
                    // `&str` → String (`"x".to_string()`): a (ptr, len) pair, copied bytewise.
                    V::F(p, n) => {
                        let one = self.b.ins().iconst(types::I64, 1);
                        self.call_rt("rt_vec_from", &[p, n, one], &[types::I64])[0]
                    }
                    _ => self.call_rt("rt_vec_clone", &[s(0)], &[types::I64])[0],
                }
            }
            Intr::ToVec => {
                let et = elem_of(&at);
                let (p, n) = self.seq_parts_of(&at, vs[0]);
                let esz = self.b.ins().iconst(types::I64, et.layout().0 as i64);
                self.count().allocs += 1;
                self.call_rt("rt_vec_from", &[p, n, esz], &[types::I64])[0]
            }
            Intr::Unwrap | Intr::Expect | Intr::UnwrapOr | Intr::IsSome | Intr::IsNone => {
                return self.option_op(i, &vs, &at, t)
            }
            Intr::SubSlice => {
                let et = elem_of(&at);
                let (p, n) = self.seq_parts_of(&at, vs[0]);
                // `lo..hi`, or `lo..=h` (4 args): then hi = h + 1, and h >= len is the end
                // check (h = usize::MAX included).
                let incl = args.len() == 4;
                let (lo, h) = (s(1), s(2));
                let hi = if incl {
                    self.b.ins().iadd_imm_s(h, 1)
                } else {
                    h
                };
                let bad1 = self.b.ins().icmp(IntCC::UnsignedGreaterThan, lo, hi);
                let bad2 = if incl {
                    self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, h, n)
                } else {
                    self.b.ins().icmp(IntCC::UnsignedGreaterThan, hi, n)
                };
                let bad = self.b.ins().bor(bad1, bad2);
                self.panic_call_if(bad, true, "rt_panic_slice", |l| {
                    vec![lo, h, n, l.b.ins().iconst(types::I64, incl as i64)]
                });
                let off = self.b.ins().imul_imm_s(lo, et.layout().0 as i64);
                let np = self.b.ins().iadd(p, off);
                let nn = self.b.ins().isub(hi, lo);
                return Ok(V::F(np, nn));
            }
            other => return Err(Error::unsupported(span, format!("{other:?}"))),
        }))
    }

    pub(super) fn powi_const(&mut self, x: Value, n: i32, f32: bool) -> Value {
        let mut b = n.unsigned_abs();
        let mut a = x;
        let mut r: Option<Value> = None;
        while b != 0 {
            if b & 1 == 1 {
                r = Some(match r {
                    None => a,
                    Some(r) => self.b.ins().fmul(r, a),
                });
            }
            b >>= 1;
            if b != 0 {
                a = self.b.ins().fmul(a, a);
            }
        }
        let one = if f32 {
            self.b.ins().f32const(1.0)
        } else {
            self.b.ins().f64const(1.0)
        };
        let r = r.unwrap_or(one);
        if n < 0 {
            self.b.ins().fdiv(one, r)
        } else {
            r
        }
    }

    fn std_swap(&mut self, args: &[Expr]) -> Result<V> {
        let inner = |e: &Expr| match &e.kind {
            K::Ref(x, true) => Some((**x).clone()),
            _ => None,
        };
        let (Some(a), Some(b)) = (inner(&args[0]), inner(&args[1])) else {
            return Err(Error::unsupported(
                args[0].span,
                "`std::mem::swap` of references held in variables",
            ));
        };
        let pa = self.place(&a)?;
        let pb = self.place(&b)?;
        let va = self.read_place(&pa, &a.ty);
        let vb = self.read_place(&pb, &b.ty);
        let (va, vb) = (self.copy_to_slot(&a.ty, va), self.copy_to_slot(&b.ty, vb));
        self.write_place(&pa, &a.ty, vb)?;
        self.write_place(&pb, &b.ty, va)?;
        let _ = Place::Val(V::Unit);
        Ok(V::Unit)
    }

    fn int_pow(&mut self, a: Value, e: Value, t: &Ty) -> Value {
        let Ty::Int(it) = t else { unreachable!() };
        let c = cl_ty(t);
        let a64 = if c == types::I64 {
            a
        } else if it.signed() {
            self.b.ins().sextend(types::I64, a)
        } else {
            self.b.ins().uextend(types::I64, a)
        };
        let e64 = self.b.ins().uextend(types::I64, e);
        let code = self.b.ins().iconst(types::I64, ctx::int_code(*it));
        let r = self.call_rt("rt_int_pow", &[a64, e64, code], &[types::I64])[0];
        self.resize_int(r, types::I64, c, false)
    }

    /// `saturating_*` through std's own functions (exactly rustc's results for every width).
    fn saturating(&mut self, op: WrapOp, a: Value, b: Value, t: &Ty) -> Value {
        let Ty::Int(it) = t else { unreachable!() };
        let c = cl_ty(t);
        let ext = |l: &mut Self, v: Value, signed: bool| {
            let from = l.b.func.dfg.value_type(v);
            if from == types::I64 {
                v
            } else if signed {
                l.b.ins().sextend(types::I64, v)
            } else {
                l.b.ins().uextend(types::I64, v)
            }
        };
        let a64 = ext(self, a, it.signed());
        // the exponent of saturating_pow is a u32
        let b64 = ext(self, b, it.signed() && op != WrapOp::Pow);
        let code_op = match op {
            WrapOp::Add => 0,
            WrapOp::Sub => 1,
            WrapOp::Mul => 2,
            _ => 3,
        };
        let opv = self.b.ins().iconst(types::I64, code_op);
        let code = self.b.ins().iconst(types::I64, ctx::int_code(*it));
        let r = self.call_rt("rt_int_saturating", &[opv, a64, b64, code], &[types::I64])[0];
        self.resize_int(r, types::I64, c, false)
    }

    fn euclid(&mut self, rem: bool, a: Value, b: Value, t: &Ty) -> Value {
        let signed = matches!(t, Ty::Int(i) if i.signed());
        self.div_checks(t, a, b, rem);
        if !signed {
            return if rem {
                self.b.ins().urem(a, b)
            } else {
                self.b.ins().udiv(a, b)
            };
        }
        let r = self.b.ins().srem(a, b);
        let q = self.b.ins().sdiv(a, b);
        let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, r, 0);
        let bpos = self.b.ins().icmp_imm_s(IntCC::SignedGreaterThan, b, 0);
        if rem {
            let rb = self.b.ins().isub(r, b);
            let ra = self.b.ins().iadd(r, b);
            let adj = self.b.ins().select(bpos, ra, rb);
            self.b.ins().select(neg, adj, r)
        } else {
            let qm = self.b.ins().iadd_imm_s(q, -1);
            let qp = self.b.ins().iadd_imm_s(q, 1);
            let adj = self.b.ins().select(bpos, qm, qp);
            self.b.ins().select(neg, adj, q)
        }
    }

    fn wrapping(&mut self, op: WrapOp, vs: &[V], t: &Ty) -> Value {
        let signed = matches!(t, Ty::Int(i) if i.signed());
        let a = vs[0].s();
        let b = vs.get(1).map(|v| v.s());
        match op {
            WrapOp::Add => self.b.ins().iadd(a, b.unwrap()),
            WrapOp::Sub => self.b.ins().isub(a, b.unwrap()),
            WrapOp::Mul => self.b.ins().imul(a, b.unwrap()),
            WrapOp::Neg => self.b.ins().ineg(a),
            WrapOp::Shl => self.b.ins().ishl(a, b.unwrap()),
            WrapOp::Shr => {
                if signed {
                    self.b.ins().sshr(a, b.unwrap())
                } else {
                    self.b.ins().ushr(a, b.unwrap())
                }
            }
            WrapOp::Pow => self.int_pow(a, b.unwrap(), t),
            WrapOp::Div | WrapOp::Rem => {
                let rem = op == WrapOp::Rem;
                let b = b.unwrap();
                let z = self.b.ins().icmp_imm_s(IntCC::Equal, b, 0);
                self.panic_if(
                    z,
                    if rem {
                        ctx::P_REM_ZERO
                    } else {
                        ctx::P_DIV_ZERO
                    },
                );
                if !signed {
                    return if rem {
                        self.b.ins().urem(a, b)
                    } else {
                        self.b.ins().udiv(a, b)
                    };
                }
                // MIN / -1 wraps to MIN (and MIN % -1 is 0): divide by 1 instead.
                let m1 = self.b.ins().icmp_imm_s(IntCC::Equal, b, -1);
                let one = self.b.ins().iconst(cl_ty(t), 1);
                let na = self.b.ins().ineg(a);
                let safe = self.b.ins().select(m1, one, b);
                let a2 = if rem {
                    a
                } else {
                    self.b.ins().select(m1, na, a)
                };
                if rem {
                    self.b.ins().srem(a2, safe)
                } else {
                    self.b.ins().sdiv(a2, safe)
                }
            }
        }
    }

    fn checked(&mut self, op: WrapOp, vs: &[V], at: &Ty, t: &Ty) -> Result<V> {
        let Ty::Int(it) = at else { unreachable!() };
        let code_op = match op {
            WrapOp::Add => 0,
            WrapOp::Sub => 1,
            WrapOp::Mul => 2,
            WrapOp::Div => 3,
            WrapOp::Rem => 4,
            WrapOp::Neg => 5,
            WrapOp::Pow => 6,
            WrapOp::Shl => 7,
            WrapOp::Shr => 8,
        };
        let c = cl_ty(at);
        let ext = |l: &mut Self, v: Value, signed: bool| {
            let from = l.b.func.dfg.value_type(v);
            if from == types::I64 {
                v
            } else if signed {
                l.b.ins().sextend(types::I64, v)
            } else {
                l.b.ins().uextend(types::I64, v)
            }
        };
        let a = ext(self, vs[0].s(), it.signed());
        let b = match vs.get(1) {
            Some(v) => {
                let bs = it.signed() && !matches!(op, WrapOp::Pow | WrapOp::Shl | WrapOp::Shr);
                ext(self, v.s(), bs)
            }
            None => self.b.ins().iconst(types::I64, 0),
        };
        let opv = self.b.ins().iconst(types::I64, code_op);
        let code = self.b.ins().iconst(types::I64, ctx::int_code(*it));
        let tmp = self.slot_for(&Ty::I64);
        let ok = self.call_rt("rt_int_checked", &[opv, a, b, code, tmp], &[types::I64])[0];
        let res = self.b.ins().load(types::I64, flags(), tmp, 0);
        let res = self.resize_int(res, types::I64, c, false);
        let slot = self.slot_for(t);
        let tag = self.b.ins().ireduce(types::I8, ok);
        self.b.ins().store(flags(), tag, slot, 0);
        self.b
            .ins()
            .store(flags(), res, slot, option_payload_offset(at) as i32);
        Ok(V::A(slot))
    }

    fn option_op(&mut self, i: Intr, vs: &[V], ot: &Ty, t: &Ty) -> Result<V> {
        let Ty::Option(inner) = ot else {
            unreachable!()
        };
        let a = vs[0].s();
        let tag = self.b.ins().load(types::I8, flags(), a, 0);
        match i {
            Intr::IsSome => return Ok(V::S(tag)),
            Intr::IsNone => return Ok(V::S(self.b.ins().bxor_imm_s(tag, 1))),
            _ => {}
        }
        let payload = self.load_mem(inner, a, option_payload_offset(inner) as i32);
        match i {
            Intr::Unwrap => {
                let none = self.b.ins().icmp_imm_s(IntCC::Equal, tag, 0);
                self.panic_if(none, ctx::P_UNWRAP);
                Ok(payload)
            }
            Intr::Expect => {
                let none = self.b.ins().icmp_imm_s(IntCC::Equal, tag, 0);
                let bad = self.b.create_block();
                let ok = self.b.create_block();
                self.b.set_cold_block(bad);
                self.b.ins().brif(none, bad, &[], ok, &[]);
                self.b.switch_to_block(bad);
                self.b.seal_block(bad);
                let V::F(p, n) = vs[1] else { unreachable!() };
                let ctx = self.ctx();
                let l = self.b.ins().iconst(types::I64, self.line as i64);
                self.call_rt("rt_panic_str", &[ctx, p, n, l], &[]);
                let fb = self.fail_block();
                self.b.ins().jump(fb, &[]);
                self.b.switch_to_block(ok);
                self.b.seal_block(ok);
                Ok(payload)
            }
            Intr::UnwrapOr => {
                let d = vs[1].s();
                let p = payload.s();
                let r = self.b.ins().select(tag, p, d);
                Ok(match payload {
                    V::A(_) => V::A(r),
                    _ => V::S(r),
                })
            }
            _ => {
                let _ = t;
                unreachable!()
            }
        }
    }

    /// Push with the common path inline: store and bump `len`; grow out of line.
    fn vec_push(&mut self, h: Value, et: &Ty, v: V) -> Result<V> {
        let len = self.b.ins().load(types::I64, flags(), h, 8);
        let cap = self.b.ins().load(types::I64, flags(), h, 16);
        let full = self.b.ins().icmp(IntCC::Equal, len, cap);
        let grow = self.b.create_block();
        let go = self.b.create_block();
        self.b.set_cold_block(grow);
        self.b.ins().brif(full, grow, &[], go, &[]);
        self.b.switch_to_block(grow);
        self.b.seal_block(grow);
        let one = self.b.ins().iconst(types::I64, 1);
        self.count().allocs += 1;
        self.call_rt("rt_vec_reserve", &[h, one], &[]);
        self.b.ins().jump(go, &[]);
        self.b.switch_to_block(go);
        self.b.seal_block(go);
        let p = self.b.ins().load(types::I64, flags(), h, 0);
        let sz = et.layout().0 as i64;
        let off = self.b.ins().imul_imm_s(len, sz);
        let a = self.b.ins().iadd(p, off);
        self.store_mem(et, a, 0, v)?;
        let n1 = self.b.ins().iadd_imm_s(len, 1);
        self.b.ins().store(flags(), n1, h, 8);
        Ok(V::Unit)
    }

    fn vec_pop(&mut self, h: Value, t: &Ty) -> Result<V> {
        let Ty::Option(et) = t else { unreachable!() };
        let slot = self.slot_for(t);
        let len = self.b.ins().load(types::I64, flags(), h, 8);
        let some = self.b.ins().icmp_imm_s(IntCC::NotEqual, len, 0);
        self.b.ins().store(flags(), some, slot, 0);
        let yes = self.b.create_block();
        let done = self.b.create_block();
        self.b.ins().brif(some, yes, &[], done, &[]);
        self.b.switch_to_block(yes);
        self.b.seal_block(yes);
        let n1 = self.b.ins().iadd_imm_s(len, -1);
        self.b.ins().store(flags(), n1, h, 8);
        let p = self.b.ins().load(types::I64, flags(), h, 0);
        let off = self.b.ins().imul_imm_s(n1, et.layout().0 as i64);
        let a = self.b.ins().iadd(p, off);
        let v = self.load_mem(et, a, 0);
        self.store_mem(et, slot, option_payload_offset(et) as i32, v)?;
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        Ok(V::A(slot))
    }
}

fn elem_of(t: &Ty) -> Ty {
    match t {
        Ty::Vec(e) | Ty::Slice(e) | Ty::Array(e, _) => (**e).clone(),
        Ty::String | Ty::Str => Ty::Int(crate::abi::ty::IntTy::U8),
        _ => Ty::Unit,
    }
}

impl Lowerer<'_, '_> {
    /// `x.clamp(min, max)` as std: panics unless `min <= max` ("min > max. min = .., max = .."
    /// for ints, "min > max, or either was NaN. .." for floats), then `x` bounded (a float
    /// keeps NaN and its own -0.0/+0.0).
    fn clamp(&mut self, float: bool, vs: &[V], at: &Ty, f32: bool) -> Result<V> {
        let (x, lo, hi) = (vs[0].s(), vs[1].s(), vs[2].s());
        let signed = matches!(at, Ty::Int(it) if it.signed());
        let ok = if float {
            self.b.ins().fcmp(FloatCC::LessThanOrEqual, lo, hi)
        } else {
            self.b.ins().icmp(
                if signed {
                    IntCC::SignedLessThanOrEqual
                } else {
                    IntCC::UnsignedLessThanOrEqual
                },
                lo,
                hi,
            )
        };
        if float {
            self.panic_call_if(ok, false, "rt_panic_fclamp", |l| {
                let (a, b) = if f32 {
                    (
                        l.b.ins().fpromote(types::F64, lo),
                        l.b.ins().fpromote(types::F64, hi),
                    )
                } else {
                    (lo, hi)
                };
                vec![a, b, l.b.ins().iconst(types::I64, f32 as i64)]
            });
        } else {
            let (bits, from) = match at {
                Ty::Int(it) => (it.bits() as i64, cl_ty(at)),
                _ => (64, types::I64),
            };
            self.panic_call_if(ok, false, "rt_panic_iclamp", |l| {
                let a = l.resize_int(lo, from, types::I64, signed);
                let b = l.resize_int(hi, from, types::I64, signed);
                vec![
                    a,
                    b,
                    l.b.ins()
                        .iconst(types::I64, if signed { -bits } else { bits }),
                ]
            });
        }
        self.count().panics += 1;
        let r = if float {
            let below = self.b.ins().fcmp(FloatCC::LessThan, x, lo);
            let y = self.b.ins().select(below, lo, x);
            let above = self.b.ins().fcmp(FloatCC::GreaterThan, y, hi);
            self.b.ins().select(above, hi, y)
        } else if signed {
            let y = self.b.ins().smax(x, lo);
            self.b.ins().smin(y, hi)
        } else {
            let y = self.b.ins().umax(x, lo);
            self.b.ins().umin(y, hi)
        };
        Ok(V::S(r))
    }
}
