//! The vectoriser's expressions: each typed-IR operation on lane values, with the lane
//! width chosen by the interval analysis (see `vectorize.rs` for why that is exact).
//! Every function decides from types and ranges only, so the planning pass (no code
//! emitted) and the emitting pass take the same decisions.

use super::vec_div::q15_magic;
use super::vectorize::{fits, int_ty, sty, vty, Vz, R, VV};
use super::Lowerer;
use crate::abi::ty::{IntTy, Ty};
use crate::typeck::typed::{BinOp, Expr, ExprKind as K, FUn, Intr, WrapOp};
use cranelift_codegen::ir::{types, InstBuilder, Value};

const WIDTHS: [u32; 4] = [8, 16, 32, 64];

/// The narrowest lane width (≥ `wmin`, ≤ the type's) holding every range exactly.
fn need_w(ranges: &[(i128, i128)], bits: u32, wmin: u32) -> Option<u32> {
    WIDTHS.into_iter().find(|&w| {
        w >= wmin && w <= bits && (w == bits || ranges.iter().all(|&(l, h)| fits(l, h, w)))
    })
}

fn interval(op: BinOp, (al, ah): (i128, i128), (bl, bh): (i128, i128)) -> Option<(i128, i128)> {
    Some(match op {
        BinOp::Add => (al.checked_add(bl)?, ah.checked_add(bh)?),
        BinOp::Sub => (al.checked_sub(bh)?, ah.checked_sub(bl)?),
        BinOp::Mul => {
            let ps = [
                al.checked_mul(bl)?,
                al.checked_mul(bh)?,
                ah.checked_mul(bl)?,
                ah.checked_mul(bh)?,
            ];
            (*ps.iter().min().unwrap(), *ps.iter().max().unwrap())
        }
        _ => return None,
    })
}

impl Lowerer<'_, '_> {
    /// Loop-invariant and free of panics: lowered once per block as a scalar.
    fn vz_invariant(&self, z: &Vz, e: &Expr) -> bool {
        if !matches!(e.ty, Ty::Int(_) | Ty::Float(_)) {
            return false;
        }
        match &e.kind {
            K::Int(_) | K::Float(_) | K::FloatLit(_) => true,
            K::Local(id) => {
                *id != z.j && !z.env.contains_key(id) && self.f.locals[*id as usize].ty.is_scalar()
            }
            K::Binary(op, a, b) => {
                matches!(
                    op,
                    BinOp::Add
                        | BinOp::Sub
                        | BinOp::Mul
                        | BinOp::BitAnd
                        | BinOp::BitOr
                        | BinOp::BitXor
                ) && self.vz_invariant(z, a)
                    && self.vz_invariant(z, b)
            }
            K::Cast(x) | K::Neg(x) | K::Not(x) => self.vz_invariant(z, x),
            _ => false,
        }
    }

    pub(super) fn vz_expr(&mut self, z: &mut Vz, e: &Expr) -> R<VV> {
        z.ops += 1;
        if z.ops > super::vectorize::MAX_OPS {
            return Err("loop body too large once unrolled");
        }
        if self.vz_invariant(z, e) {
            let (lo, hi) = match (&e.kind, int_ty(&e.ty)) {
                (K::Int(c), _) => (*c, *c),
                (K::Local(id), _) if z.consts.contains_key(id) => (z.consts[id], z.consts[id]),
                (_, Some(i)) => (i.min(), i.max()),
                _ => (0, 0),
            };
            let v = if z.emit {
                Some(self.expr(e, false).map_err(|_| "internal: invariant")?.s())
            } else {
                None
            };
            return Ok(VV::Uni {
                v,
                ty: e.ty.clone(),
                lo,
                hi,
            });
        }
        match &e.kind {
            K::Local(id) if *id == z.j => self.vz_index(z, &e.ty, 64, (0, u64::MAX as i128)),
            // `j as T` for a narrower integer T: lanes built at T's width directly (truncation
            // commutes with `+ l`), so no 64-bit lane needs narrowing.
            K::Cast(x) if matches!(x.kind, K::Local(id) if id == z.j) && int_ty(&e.ty).is_some_and(|t| t.bits() < 64 && t.bits() >= z.wmin) => {
                let t = int_ty(&e.ty).unwrap();
                self.vz_index(z, &e.ty, t.bits(), (t.min(), t.max()))
            }
            K::Local(id) => z.env.get(id).cloned().ok_or("reads a variable the vectoriser cannot see"),
            K::Index(base, idx) => self.vz_load(z, base, idx),
            K::Cast(x) => {
                let v = self.vz_expr(z, x)?;
                self.vz_cast(z, v, &e.ty)
            }
            K::Binary(op, a, b) => {
                let (a, b) = (self.vz_expr(z, a)?, self.vz_expr(z, b)?);
                self.vz_binop(z, *op, &e.ty, a, b)
            }
            K::Intrinsic(Intr::Wrapping(w @ (WrapOp::Add | WrapOp::Sub | WrapOp::Mul)), args) if args.len() == 2 => {
                let (a, b) = (self.vz_expr(z, &args[0])?, self.vz_expr(z, &args[1])?);
                let op = match w {
                    WrapOp::Add => BinOp::Add,
                    WrapOp::Sub => BinOp::Sub,
                    _ => BinOp::Mul,
                };
                self.vz_binop(z, op, &e.ty, a, b)
            }
            K::Intrinsic(i @ (Intr::DivEuclid | Intr::RemEuclid), args) if args.len() == 2 => {
                let a = self.vz_expr(z, &args[0])?;
                let c = self.vz_expr(z, &args[1])?;
                self.vz_divc(z, a, c, &e.ty, *i == Intr::RemEuclid, true)
            }
            K::Neg(x) if matches!(e.ty, Ty::Float(_)) => {
                let v = self.vz_expr(z, x)?;
                self.vz_funary(z, v, |l, p| l.b.ins().fneg(p))
            }
            K::Neg(x) => {
                let v = self.vz_expr(z, x)?;
                let zero = self.vz_const(z, &e.ty, 0);
                self.vz_binop(z, BinOp::Sub, &e.ty, zero, v)
            }
            K::Not(x) if matches!(e.ty, Ty::Int(_)) => {
                let v = self.vz_expr(z, x)?;
                let ones = self.vz_const(z, &e.ty, -1);
                self.vz_binop(z, BinOp::BitXor, &e.ty, v, ones)
            }
            K::Intrinsic(Intr::FUnary(FUn::Sqrt), args) if args.len() == 1 && matches!(e.ty, Ty::Float(_)) => {
                let v = self.vz_expr(z, &args[0])?;
                self.vz_funary(z, v, |l, p| l.b.ins().sqrt(p))
            }
            K::Intrinsic(Intr::Powi, args) if args.len() == 2 && matches!(e.ty, Ty::Float(_)) => {
                // A constant exponent: the scalar lowering's multiply sequence, lane-wise.
                let n = match &args[1].kind {
                    K::Int(n) => *n,
                    K::Local(v) => *z.consts.get(v).ok_or("`powi` with a non-constant exponent")?,
                    _ => return Err("`powi` with a non-constant exponent"),
                };
                if !(1..=32).contains(&n) {
                    return Err("`powi` with an exponent outside 1..=32");
                }
                let f32 = matches!(e.ty, Ty::Float(crate::abi::ty::FloatTy::F32));
                let v = self.vz_expr(z, &args[0])?;
                self.vz_funary(z, v, |l, p| l.powi_const(p, n as i32, f32))
            }
            _ => Err("an operation the vectoriser does not handle (calls, branches, comparisons, shifts, float casts, …)"),
        }
    }

    /// The loop index's lanes j, j+1, … as `w`-bit integers of type `t` (wrapping at `w`
    /// bits): `splat(j) + [0, 1, …]`, `+ [per, per + 1, …]`, … one vector per part.
    fn vz_index(&mut self, z: &Vz, t: &Ty, w: u32, (lo, hi): (i128, i128)) -> R<VV> {
        let n = (z.vf * w / 128) as usize;
        if n > super::vectorize::MAX_PARTS {
            return Err("too many vectors per value (mixed element widths)");
        }
        let mut parts = vec![];
        if z.emit {
            let mut jv = self.read_local(z.j).s();
            if w < 64 {
                jv = self.b.ins().ireduce(sty(w), jv);
            }
            let sj = self.b.ins().splat(vty(w, false), jv);
            let per = (128 / w) as u64;
            for p in 0..n as u64 {
                let bytes: Vec<u8> = (0..per)
                    .flat_map(|l| (p * per + l).to_le_bytes()[..(w / 8) as usize].to_vec())
                    .collect();
                let c = self.b.func.dfg.constants.insert(bytes.into());
                let k = self.b.ins().vconst(vty(w, false), c);
                parts.push(self.b.ins().iadd(sj, k));
            }
        }
        Ok(VV::Lanes {
            parts,
            ty: t.clone(),
            w,
            lo,
            hi,
        })
    }

    /// A constant of integer type `t` (all-ones for -1 in unsigned types).
    fn vz_const(&mut self, z: &Vz, t: &Ty, c: i128) -> VV {
        let i = int_ty(t).expect("integer constant");
        let c = if c < 0 && !i.signed() { i.max() } else { c };
        let v = z
            .emit
            .then(|| self.b.ins().iconst(super::cl_ty(t), c as i64));
        VV::Uni {
            v,
            ty: t.clone(),
            lo: c,
            hi: c,
        }
    }

    fn vz_funary(&mut self, z: &Vz, v: VV, f: impl Fn(&mut Self, Value) -> Value) -> R<VV> {
        let w = super::vectorize::bits_of(v.ty()).unwrap();
        let parts = self.vz_at(z, &v, w)?;
        let parts = parts.into_iter().map(|p| f(self, p)).collect();
        Ok(VV::Lanes {
            parts,
            ty: v.ty().clone(),
            w,
            lo: 0,
            hi: 0,
        })
    }

    /// The value's lanes at width `w`: for integers the type's bits when `w` is the
    /// type's width, else the exact value (the caller checked it fits).
    pub(super) fn vz_at(&mut self, z: &Vz, v: &VV, w: u32) -> R<Vec<Value>> {
        let n = (z.vf * w / 128) as usize;
        let float = matches!(v.ty(), Ty::Float(_));
        match v {
            VV::Uni { v: sv, ty, .. } => {
                if !z.emit {
                    return Ok(vec![]);
                }
                let mut s = sv.expect("emitted");
                if let Some(i) = int_ty(ty) {
                    if w < i.bits() {
                        s = self.b.ins().ireduce(sty(w), s);
                    } else if w > i.bits() {
                        s = if i.signed() {
                            self.b.ins().sextend(sty(w), s)
                        } else {
                            self.b.ins().uextend(sty(w), s)
                        };
                    }
                }
                let p = self.b.ins().splat(vty(w, float), s);
                Ok(vec![p; n])
            }
            VV::Lanes {
                parts,
                ty,
                w: cur,
                lo,
                hi,
            } => {
                let (cur, mut parts) = (*cur, parts.clone());
                if float || cur == w {
                    return Ok(parts);
                }
                let i = int_ty(ty).unwrap();
                let mut c = cur;
                if c < w {
                    // Narrow lanes hold the exact value; full-width ones the type's bits.
                    let signed = c < i.bits() || i.signed();
                    while c < w {
                        if z.emit {
                            let t = vty(c * 2, false);
                            parts = parts
                                .into_iter()
                                .flat_map(|p| {
                                    if signed {
                                        [self.b.ins().swiden_low(p), self.b.ins().swiden_high(p)]
                                    } else {
                                        [self.b.ins().uwiden_low(p), self.b.ins().uwiden_high(p)]
                                    }
                                })
                                .collect();
                            let _ = t;
                        }
                        c *= 2;
                    }
                    return Ok(parts);
                }
                let exact = c < i.bits() || fits(*lo, *hi, c);
                if !exact || !fits(*lo, *hi, w) || c == 64 {
                    return Err("a narrowing the lanes cannot do exactly");
                }
                while c > w {
                    if c == 64 {
                        return Err("narrowing 64-bit lanes");
                    }
                    if z.emit {
                        let t = vty(c / 2, false);
                        parts = parts
                            .chunks(2)
                            .map(|q| self.b.ins().snarrow(q[0], q[1]))
                            .collect();
                        let _ = t;
                    }
                    c /= 2;
                }
                Ok(parts)
            }
        }
    }

    /// Truncate lanes to their low `w` bits (Rust's narrowing `as`).
    fn vz_trunc(&mut self, z: &Vz, v: &VV, w: u32) -> R<Vec<Value>> {
        let VV::Lanes { w: cur, .. } = v else {
            return Err("internal: truncating a uniform");
        };
        let mut c = *cur;
        // First the exact lanes at the widest needed (the type's bits or wider).
        let mut parts = match v {
            VV::Lanes { parts, .. } => parts.clone(),
            _ => unreachable!(),
        };
        while c > w {
            if c == 64 {
                return Err("narrowing 64-bit lanes");
            }
            if z.emit {
                let mask = self.b.ins().iconst(sty(c), ((1i128 << (c / 2)) - 1) as i64);
                let m = self.b.ins().splat(vty(c, false), mask);
                parts = parts
                    .chunks(2)
                    .map(|q| {
                        let a = self.b.ins().band(q[0], m);
                        let b = self.b.ins().band(q[1], m);
                        self.b.ins().unarrow(a, b)
                    })
                    .collect();
            }
            c /= 2;
        }
        Ok(parts)
    }

    pub(super) fn vz_cast(&mut self, z: &mut Vz, v: VV, to: &Ty) -> R<VV> {
        let from = v.ty().clone();
        if from == *to {
            return Ok(v);
        }
        let (Some(fi), Some(ti)) = (int_ty(&from), int_ty(to)) else {
            return Err("a cast to or from a float");
        };
        let (lo, hi) = v.range();
        let tb = ti.bits();
        if let VV::Uni { v: sv, .. } = v {
            // A uniform cast is a scalar cast.
            let nv = sv.map(|s| self.cast(s, &from, to));
            let (l, h) = if lo >= ti.min() && hi <= ti.max() {
                (lo, hi)
            } else {
                (ti.min(), ti.max())
            };
            return Ok(VV::Uni {
                v: nv,
                ty: to.clone(),
                lo: l,
                hi: h,
            });
        }
        let VV::Lanes { w, .. } = &v else {
            unreachable!()
        };
        let w = *w;
        if lo >= ti.min() && hi <= ti.max() {
            // Value preserved: keep the lanes where they are valid for the new type.
            let exact_now = w < fi.bits() || fits(lo, hi, w);
            if w >= z.wmin && w <= tb && (w == tb || exact_now) {
                let parts = self.vz_lanes(&v);
                return Ok(VV::Lanes {
                    parts,
                    ty: to.clone(),
                    w,
                    lo,
                    hi,
                });
            }
            let target =
                need_w(&[(lo, hi)], tb, z.wmin).ok_or("a value narrower than the loop's lanes")?;
            let parts = if (fits(lo, hi, target) && exact_now) || w < target {
                self.vz_at(z, &v, target)?
            } else {
                self.vz_trunc(z, &v, target)?
            };
            return Ok(VV::Lanes {
                parts,
                ty: to.clone(),
                w: target,
                lo,
                hi,
            });
        }
        // The value changes (wraps or changes sign): the new type's bits.
        if tb < z.wmin {
            return Err("a value narrower than the loop's lanes");
        }
        let parts = if w <= tb {
            self.vz_at(z, &v, tb)?
        } else {
            self.vz_trunc(z, &v, tb)?
        };
        Ok(VV::Lanes {
            parts,
            ty: to.clone(),
            w: tb,
            lo: ti.min(),
            hi: ti.max(),
        })
    }

    fn vz_lanes(&self, v: &VV) -> Vec<Value> {
        match v {
            VV::Lanes { parts, .. } => parts.clone(),
            VV::Uni { .. } => vec![],
        }
    }

    pub(super) fn vz_binop(&mut self, z: &mut Vz, op: BinOp, t: &Ty, a: VV, b: VV) -> R<VV> {
        if let Ty::Float(_) = t {
            let w = super::vectorize::bits_of(t).unwrap();
            if !matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div) {
                return Err("a float operation other than + - * /");
            }
            let (pa, pb) = (self.vz_at(z, &a, w)?, self.vz_at(z, &b, w)?);
            let parts = pa
                .iter()
                .zip(&pb)
                .map(|(x, y)| match op {
                    BinOp::Add => self.b.ins().fadd(*x, *y),
                    BinOp::Sub => self.b.ins().fsub(*x, *y),
                    BinOp::Mul => self.b.ins().fmul(*x, *y),
                    _ => self.b.ins().fdiv(*x, *y),
                })
                .collect();
            return Ok(VV::Lanes {
                parts,
                ty: t.clone(),
                w,
                lo: 0,
                hi: 0,
            });
        }
        let i = int_ty(t).ok_or("an operation on a non-numeric type")?;
        if matches!(op, BinOp::Div | BinOp::Rem) {
            return self.vz_divc(z, a, b, t, op == BinOp::Rem, false);
        }
        let (ra, rb) = (a.range(), b.range());
        let bits = i.bits();
        if bits < z.wmin {
            return Err("a value narrower than the loop's lanes");
        }
        let r = match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul => interval(op, ra, rb),
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => {
                if ra.0 >= 0 && rb.0 >= 0 {
                    let top = ra.1.max(rb.1);
                    let m = if top == 0 {
                        0
                    } else {
                        (1i128 << (128 - top.leading_zeros())) - 1
                    };
                    Some(if op == BinOp::BitAnd {
                        (0, ra.1.min(rb.1))
                    } else {
                        (0, m)
                    })
                } else {
                    None
                }
            }
            _ => return Err("a shift or comparison"),
        };
        let exact = matches!(r, Some((l, h)) if l >= i.min() && h <= i.max());
        let mul = op == BinOp::Mul;
        let (w, lo, hi) = if exact {
            let (l, h) = r.unwrap();
            let wmin = if mul { z.wmin.max(16) } else { z.wmin };
            let w = need_w(&[ra, rb, (l, h)], bits, wmin).unwrap_or(bits);
            (w, l, h)
        } else {
            (bits, i.min(), i.max())
        };
        // 8-bit multiplication: no 8-bit lane multiply; compute on 16 bits, keep the low 8.
        let cw = if mul && w == 8 { 16 } else { w };
        let (pa, pb) = (self.vz_at(z, &a, w)?, self.vz_at(z, &b, w)?);
        if !z.emit {
            return Ok(VV::Lanes {
                parts: vec![],
                ty: t.clone(),
                w,
                lo,
                hi,
            });
        }
        let (pa, pb) = if cw != w {
            let wa = VV::Lanes {
                parts: pa,
                ty: Ty::Int(IntTy::U8),
                w,
                lo: 0,
                hi: 255,
            };
            let wb = VV::Lanes {
                parts: pb,
                ty: Ty::Int(IntTy::U8),
                w,
                lo: 0,
                hi: 255,
            };
            (self.vz_at(z, &wa, cw)?, self.vz_at(z, &wb, cw)?)
        } else {
            (pa, pb)
        };
        let parts: Vec<Value> = pa
            .iter()
            .zip(&pb)
            .map(|(x, y)| match op {
                BinOp::Add => self.b.ins().iadd(*x, *y),
                BinOp::Sub => self.b.ins().isub(*x, *y),
                BinOp::Mul => self.b.ins().imul(*x, *y),
                BinOp::BitAnd => self.b.ins().band(*x, *y),
                BinOp::BitOr => self.b.ins().bor(*x, *y),
                _ => self.b.ins().bxor(*x, *y),
            })
            .collect();
        let parts = if cw != w {
            let wide = VV::Lanes {
                parts,
                ty: t.clone(),
                w: cw,
                lo,
                hi,
            };
            self.vz_trunc(z, &wide, w)?
        } else {
            parts
        };
        Ok(VV::Lanes {
            parts,
            ty: t.clone(),
            w,
            lo,
            hi,
        })
    }

    /// `a / c`, `a % c` (`euclid`: div_euclid / rem_euclid) for a constant `c > 0`, on
    /// 16-bit lanes through `vec_div`, when the range of `a` is known to allow it.
    fn vz_divc(&mut self, z: &mut Vz, a: VV, c: VV, t: &Ty, rem: bool, euclid: bool) -> R<VV> {
        let i = int_ty(t).ok_or("a float division")?;
        let VV::Uni { lo: c, hi: c2, .. } = c else {
            return Err("a division by a value that is not a constant");
        };
        if c != c2 || c <= 0 {
            return Err("a division by a value that is not a positive constant");
        }
        let (lo, hi) = a.range();
        if !euclid && lo < 0 {
            return Err("`/` or `%` of a value that may be negative (truncating division)");
        }
        if z.wmin > 16 || i.bits() < z.wmin {
            return Err("a division on lanes wider than 16 bits");
        }
        let bias = if lo < 0 { (-lo + c - 1) / c * c } else { 0 };
        let umax = hi + bias;
        if !fits(lo, hi, 16) || umax > 32767 {
            return Err(
                "a division whose operand range is unknown or too large for exact 16-bit lanes",
            );
        }
        let (dlo, dhi) = (lo.div_euclid(c), hi.div_euclid(c));
        let (rlo, rhi) = if rem {
            if dlo == dhi {
                (lo - dlo * c, hi - dlo * c)
            } else {
                (0, c - 1)
            }
        } else {
            (dlo, dhi)
        };
        let magic = if c == 1 {
            None
        } else {
            Some(
                q15_magic(c as u32, umax as u32)
                    .ok_or("no exact multiplier for this divisor and range")?,
            )
        };
        let w_out = need_w(&[(rlo, rhi)], i.bits(), z.wmin)
            .ok_or("internal: division width")?
            .min(16);
        let x = self.vz_at(z, &a, 16)?;
        if !z.emit {
            return Ok(VV::Lanes {
                parts: vec![],
                ty: t.clone(),
                w: w_out,
                lo: rlo,
                hi: rhi,
            });
        }
        let splat = |l: &mut Self, k: i128| {
            let s = l.b.ins().iconst(types::I16, k as i64);
            l.b.ins().splat(types::I16X8, s)
        };
        let vb = splat(self, bias);
        let vq = splat(self, bias / c);
        let vc = splat(self, c);
        let vm = magic.map(|(m, _)| splat(self, m as i128));
        let mut out = vec![];
        for p in x {
            let u = self.b.ins().iadd(p, vb);
            let q = match (vm, magic) {
                (Some(vm), Some((_, s))) => {
                    let q1 = self.b.ins().sqmul_round_sat(u, vm);
                    if s > 0 {
                        let sh = self.b.ins().iconst(types::I32, s as i64);
                        self.b.ins().ushr(q1, sh)
                    } else {
                        q1
                    }
                }
                _ => u,
            };
            let d = self.b.ins().isub(q, vq);
            out.push(if rem {
                let dc = self.b.ins().imul(d, vc);
                self.b.ins().isub(p, dc)
            } else {
                d
            });
        }
        let v = VV::Lanes {
            parts: out,
            ty: Ty::Int(IntTy::I16),
            w: 16,
            lo: rlo,
            hi: rhi,
        };
        // Below 16 bits only for 8-bit types: exact lanes, or the type's bits (u8 above 127).
        let parts = if w_out == 16 {
            self.vz_lanes(&v)
        } else if fits(rlo, rhi, w_out) {
            self.vz_at(z, &v, w_out)?
        } else {
            self.vz_trunc(z, &v, w_out)?
        };
        Ok(VV::Lanes {
            parts,
            ty: t.clone(),
            w: w_out,
            lo: rlo,
            hi: rhi,
        })
    }
}
