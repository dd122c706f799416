//! Arrays in compiled code: calls of the `exec::array_rt` shims (the accel crate's own
//! functions), and what is compiled inline — element addresses with ndarray's bounds check,
//! header reads (`len`, `shape`, `dim`) and `mapv`'s loop with the closure inlined.
//!
//! Header loads are `readonly` + `can_move`: a box's header never changes while it lives
//! (see `array_rt`), so Cranelift may hoist them out of loops and merge repeated ones —
//! the data pointer and strides of `a[[i, j]]` in a loop are read once, not per access.

use super::{flags, Lowerer, V};
use crate::abi::ndbox::{off_dim, off_stride, OFF_DATA, OFF_DIM, OFF_LEN, OFF_SHAPE3};
use crate::abi::ty::Ty;
use crate::diag::{Error, Result, Span};
use crate::typeck::typed::{Expr, ExprKind as K, NdOp};
use cranelift_codegen::ir::{self, condcodes::IntCC, types, InstBuilder, MemFlagsData, Value};

fn hdr() -> MemFlagsData {
    flags().with_readonly().with_can_move()
}

/// ndarray's panic for an index out of bounds (`arraytraits.rs`).
pub const OOB: &str = "ndarray: index out of bounds";

fn elem_of(t: &Ty) -> Ty {
    match t.peel_refs() {
        Ty::Nd(e, _) | Ty::NdView(e, _, _) => (**e).clone(),
        t => t.clone(),
    }
}

impl Lowerer<'_, '_> {
    fn hdr_load(&mut self, a: Value, off: i32) -> Value {
        self.b.ins().load(types::I64, hdr(), a, off)
    }

    /// A header field of the array `e` evaluates to: read-only for boxes, plain for views
    /// (`lower/views.rs`).
    pub(super) fn hdr_load_of(&mut self, e: &Expr, a: Value, off: i32) -> Value {
        if matches!(e.ty.peel_refs(), Ty::NdView(..)) {
            self.b.ins().load(types::I64, flags(), a, off)
        } else {
            self.hdr_load(a, off)
        }
    }

    fn suffix(&self, t: &Ty, span: Span) -> Result<&'static str> {
        crate::abi::symbols::elem_suffix(t).ok_or_else(|| {
            Error::unsupported(
                span,
                format!("arrays of `{t}` in the fast tier (f64, f32, i64, i32 are supported)"),
            )
        })
    }

    pub fn nd_intrinsic(&mut self, op: NdOp, args: &[Expr], t: &Ty, span: Span) -> Result<V> {
        match op {
            NdOp::Shim { name, elem_arg } => self.nd_shim(name, elem_arg, args, t, span),
            NdOp::Len | NdOp::Dim(_) | NdOp::Shape | NdOp::DimTuple => {
                let a = self.expr(&args[0], false)?.s();
                let nd = match args[0].ty.peel_refs() {
                    Ty::Nd(_, n) | Ty::NdView(_, n, _) => *n,
                    _ => 1,
                };
                Ok(match op {
                    NdOp::Len => V::S(self.hdr_load_of(&args[0], a, OFF_LEN)),
                    NdOp::Dim(k) => V::S(self.hdr_load_of(&args[0], a, off_dim(k as usize))),
                    NdOp::Shape if nd == 3 => {
                        // a box (3-d arrays have no views) keeps its three dims in a row there
                        let p = self.b.ins().iadd_imm_s(a, OFF_SHAPE3 as i64);
                        let n = self.b.ins().iconst(types::I64, 3);
                        V::F(p, n)
                    }
                    NdOp::Shape => {
                        let p = self.b.ins().iadd_imm_s(a, OFF_DIM as i64);
                        let n = self.b.ins().iconst(types::I64, nd as i64);
                        V::F(p, n)
                    }
                    _ if nd == 1 => V::S(self.hdr_load_of(&args[0], a, OFF_DIM)),
                    _ => {
                        let s = self.slot_for(t);
                        for k in 0..nd as usize {
                            let d = self.hdr_load_of(&args[0], a, off_dim(k));
                            self.b.ins().store(flags(), d, s, 8 * k as i32);
                        }
                        V::A(s)
                    }
                })
            }
            NdOp::Mapv => self.nd_mapv(args, t, span),
            NdOp::FromShapeFn => self.nd_from_shape_fn(args, t, span),
            NdOp::View(k) => self.nd_view(k, args, t, span),
        }
    }

    /// `nd_<name>[_<elem>](ctx, args.., line)`; array arguments by value are freed after.
    fn nd_shim(
        &mut self,
        name: &'static str,
        elem_arg: Option<u8>,
        args: &[Expr],
        t: &Ty,
        span: Span,
    ) -> Result<V> {
        let sym = match elem_arg {
            None => format!("nd_{name}"),
            Some(k) => {
                let et = if k == 255 {
                    elem_of(t)
                } else {
                    elem_of(&args[k as usize].ty)
                };
                format!("nd_{name}_{}", self.suffix(&et, span)?)
            }
        };
        let sym = self
            .imports
            .shim_name(&sym)
            .ok_or_else(|| Error::unsupported(span, format!("`{name}` on these element types")))?;
        let mut vals = vec![self.ctx()];
        let mut owned = vec![];
        for a in args {
            let by_value = matches!(a.ty, Ty::Nd(..) | Ty::Chunked(_) | Ty::Svg | Ty::NdD(..));
            let v = self.expr(a, by_value)?;
            match v {
                V::Unit => {}
                V::S(x) | V::A(x) => vals.push(x),
                V::F(p, n) => {
                    vals.push(p);
                    vals.push(n);
                }
            }
            if by_value {
                owned.push(v.s());
            }
        }
        if !self.reachable() {
            return Ok(V::Unit);
        }
        let line = self.b.ins().iconst(types::I64, self.line as i64);
        vals.push(line);
        let rets: Vec<ir::Type> = match t {
            Ty::Unit => vec![],
            t => vec![super::cl_ty(t)],
        };
        if matches!(t, Ty::Nd(..) | Ty::Rng) {
            self.count().allocs += 1;
        }
        let res = self.call_rt(sym, &vals, &rets);
        for h in owned {
            self.free(h);
        }
        self.check_failure();
        Ok(match res.first() {
            Some(v) => V::S(*v),
            None => V::Unit,
        })
    }

    /// `a.mapv(f)` into a new standard-layout array, or `a.mapv_inplace(f)`: nested loops over
    /// the axes by the source's strides (rows, columns, and depth for 3-d), the closure inlined.
    fn nd_mapv(&mut self, args: &[Expr], t: &Ty, span: Span) -> Result<V> {
        let K::Closure(ci) = args[1].kind else {
            return Err(Error::new(span, "internal: mapv without a closure"));
        };
        let et = elem_of(&args[0].ty);
        let es = et.layout().0 as i64;
        let src = self.expr(&args[0], false)?.s();
        let nd = match args[0].ty.peel_refs() {
            Ty::Nd(_, n) | Ty::NdView(_, n, _) => *n,
            _ => 1,
        };
        let data = self.hdr_load_of(&args[0], src, OFF_DATA);
        // a 1-d header has dim 1 / stride 0 on axis 1: two loops cover 1-d and 2-d
        let axes = (nd as usize).max(2);
        let mut dims = vec![];
        let mut strides = vec![];
        for k in 0..axes {
            dims.push(self.hdr_load_of(&args[0], src, off_dim(k)));
            strides.push(self.hdr_load_of(&args[0], src, off_stride(k)));
        }
        let inplace = *t == Ty::Unit;
        let (out, odata, ut) = if inplace {
            (None, data, et.clone())
        } else {
            let ut = elem_of(t);
            let d2 = if nd == 3 {
                dims[2]
            } else {
                self.b.ins().iconst(types::I64, 0)
            };
            let o = self.nd_alloc(&ut, nd, [dims[0], dims[1], d2], span)?;
            let od = self.hdr_load(o, OFF_DATA);
            (Some(o), od, ut)
        };
        let us = ut.layout().0 as i64;
        let k = self.b.declare_var(types::I64);
        let z = self.b.ins().iconst(types::I64, 0);
        self.b.def_var(k, z);
        // the element at offset `off` (in elements): load, closure, store
        let body = |l: &mut Self, off: Value| -> Result<()> {
            let off = l.b.ins().imul_imm_s(off, es);
            let addr = l.b.ins().iadd(data, off);
            let x = l.load_mem(&et, addr, 0);
            let y = l.inline_closure(ci, vec![x])?;
            if !l.reachable() {
                return Ok(());
            }
            let dst = if inplace {
                addr
            } else {
                let kv = l.b.use_var(k);
                let o = l.b.ins().imul_imm_s(kv, us);
                let k1 = l.b.ins().iadd_imm_s(kv, 1);
                l.b.def_var(k, k1);
                l.b.ins().iadd(odata, o)
            };
            l.store_mem(&ut, dst, 0, y)
        };
        self.count_loop(dims[0], &mut |l, i| {
            let row = l.b.ins().imul(i, strides[0]);
            l.count_loop(dims[1], &mut |l, j| {
                let col = l.b.ins().imul(j, strides[1]);
                let off = l.b.ins().iadd(row, col);
                if axes == 3 {
                    l.count_loop(dims[2], &mut |l, m| {
                        let dep = l.b.ins().imul(m, strides[2]);
                        let off = l.b.ins().iadd(off, dep);
                        body(l, off)
                    })
                } else {
                    body(l, off)
                }
            })
        })?;
        Ok(match out {
            Some(o) => V::S(o),
            None => V::Unit,
        })
    }

    /// A new standard-layout array of element `ut` and shape `(nd, dims)` (the library's
    /// allocation, fallible with its panic text), every element zero/false until written.
    fn nd_alloc(&mut self, ut: &Ty, nd: u8, dims: [Value; 3], span: Span) -> Result<Value> {
        let ctx = self.ctx();
        let ndv = self.b.ins().iconst(types::I64, nd as i64);
        let line = self.b.ins().iconst(types::I64, self.line as i64);
        self.count().allocs += 1;
        let o = if *ut == Ty::Bool {
            // bool has no `zeros` (not a number): the library's `from_elem(shape, false)`
            let f = self.b.ins().iconst(types::I8, 0);
            let sym = self.imports.shim_name("nd_full_bool").unwrap();
            self.call_rt(
                sym,
                &[ctx, ndv, dims[0], dims[1], dims[2], f, line],
                &[types::I64],
            )[0]
        } else {
            let sym = format!("nd_zeros_{}", self.suffix(ut, span)?);
            let sym = self.imports.shim_name(&sym).unwrap();
            self.call_rt(
                sym,
                &[ctx, ndv, dims[0], dims[1], dims[2], line],
                &[types::I64],
            )[0]
        };
        self.check_failure();
        Ok(o)
    }

    /// `Array::from_shape_fn(shape, f)`: loops over the axes in C order, the closure inlined
    /// with the index pattern (a `usize`, or a tuple in a stack slot), results stored in order.
    fn nd_from_shape_fn(&mut self, args: &[Expr], t: &Ty, span: Span) -> Result<V> {
        let K::Closure(ci) = args[4].kind else {
            return Err(Error::new(
                span,
                "internal: from_shape_fn without a closure",
            ));
        };
        let nd = match t {
            Ty::Nd(_, n) => *n,
            _ => 1,
        };
        let mut dims = vec![];
        for a in &args[1..4] {
            dims.push(self.expr(a, false)?.s());
        }
        if !self.reachable() {
            return Ok(V::Unit);
        }
        let ut = elem_of(t);
        let us = ut.layout().0 as i64;
        let o = self.nd_alloc(&ut, nd, [dims[0], dims[1], dims[2]], span)?;
        let odata = self.hdr_load(o, OFF_DATA);
        let pat = if nd == 1 {
            None
        } else {
            Some(self.slot_for(&Ty::Tuple(vec![Ty::USIZE; nd as usize])))
        };
        let k = self.b.declare_var(types::I64);
        let z = self.b.ins().iconst(types::I64, 0);
        self.b.def_var(k, z);
        let body = |l: &mut Self, ix: &[Value]| -> Result<()> {
            let arg = match pat {
                None => V::S(ix[0]),
                Some(s) => {
                    for (q, v) in ix.iter().enumerate() {
                        l.b.ins().store(flags(), *v, s, 8 * q as i32);
                    }
                    V::A(s)
                }
            };
            let y = l.inline_closure(ci, vec![arg])?;
            if !l.reachable() {
                return Ok(());
            }
            let kv = l.b.use_var(k);
            let off = l.b.ins().imul_imm_s(kv, us);
            let k1 = l.b.ins().iadd_imm_s(kv, 1);
            l.b.def_var(k, k1);
            let dst = l.b.ins().iadd(odata, off);
            l.store_mem(&ut, dst, 0, y)
        };
        self.count_loop(dims[0], &mut |l, i| match nd {
            1 => body(l, &[i]),
            2 => l.count_loop(dims[1], &mut |l, j| body(l, &[i, j])),
            _ => l.count_loop(dims[1], &mut |l, j| {
                l.count_loop(dims[2], &mut |l, m| body(l, &[i, j, m]))
            }),
        })?;
        Ok(V::S(o))
    }

    /// `a[[i, j]]` / `a[i]`: data + Σ index·stride, with ndarray's bounds check.
    pub fn nd_index_addr(&mut self, base: &Expr, idx: &Expr) -> Result<Value> {
        let et = elem_of(&base.ty);
        let a = self.expr(base, false)?.s();
        let ixs: Vec<Value> = match &idx.kind {
            K::Array(es) | K::Tuple(es) => {
                let mut v = vec![];
                for e in es {
                    v.push(self.expr(e, false)?.s());
                }
                v
            }
            _ => vec![self.expr(idx, false)?.s()],
        };
        let data = self.hdr_load_of(base, a, OFF_DATA);
        if self.opts.boundscheck {
            self.count().bounds_checks += 1;
            let mut bad = None;
            for (k, i) in ixs.iter().enumerate() {
                let d = self.hdr_load_of(base, a, off_dim(k));
                let c = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, *i, d);
                bad = Some(match bad {
                    None => c,
                    Some(b) => self.b.ins().bor(b, c),
                });
            }
            if let Some(bad) = bad {
                let cold = self.b.create_block();
                let ok = self.b.create_block();
                self.b.set_cold_block(cold);
                self.b.ins().brif(bad, cold, &[], ok, &[]);
                self.b.switch_to_block(cold);
                self.b.seal_block(cold);
                let (p, n) = self.str_const(OOB);
                let ctx = self.ctx();
                let l = self.b.ins().iconst(types::I64, self.line as i64);
                self.call_rt("rt_panic_str", &[ctx, p, n, l], &[]);
                self.count().panics += 1;
                let fb = self.fail_block();
                self.b.ins().jump(fb, &[]);
                self.b.switch_to_block(ok);
                self.b.seal_block(ok);
            }
        }
        let mut off = None;
        for (k, i) in ixs.iter().enumerate() {
            let s = self.hdr_load_of(base, a, off_stride(k));
            let p = self.b.ins().imul(*i, s);
            off = Some(match off {
                None => p,
                Some(o) => self.b.ins().iadd(o, p),
            });
        }
        let off = off.unwrap_or_else(|| self.b.ins().iconst(types::I64, 0));
        let off = self.b.ins().imul_imm_s(off, et.layout().0 as i64);
        Ok(self.b.ins().iadd(data, off))
    }
}
