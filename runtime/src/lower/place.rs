//! Places (what can be read, assigned, indexed) and memory: loads, stores, copies,
//! element addresses with bounds checks (elided where a loop range proves them).
//!
//! Movable loads. Cranelift does not hoist ordinary loads out of loops; a load flagged
//! readonly + can_move is treated as pure (merged, hoisted to a loop's preheader, sunk to its
//! use). That is sound only for an address that (1) points to memory nothing writes while the
//! fn runs and that outlives the call, and (2) is valid wherever its value is available, since
//! the load may run where the original code would not (before a zero-trip loop, say). The
//! values in `Lowerer::movable` have both properties:
//! - the data pointer / header of a shared-reference parameter (`&[T]`, `&Vec<T>`, `&[T; N]`,
//!   never reassigned): borrowed for the whole call, so immutable and alive;
//! - `p + i*size` for such a `p` when `i` is a constant below a constant length, or the
//!   variable of a forward `for i in a..len(p)` (`proven_fwd`): that loop is rotated, its
//!   variable is a parameter of the body block, reached only after `i < len` was tested, so
//!   every point where the value exists has `i < len`;
//! - a field of such an element, and a Vec header loaded from one (shared all the way down).
//! Indexes proven only by a versioned loop's test (`proven_idx`) or checked in the body are
//! not movable: their validity depends on a branch, not on the value.

use super::{flags, movable_flags, repr, Lowerer, Repr, V};
use crate::abi::ctx;
use crate::abi::ty::{tuple_offsets, Ty};
use crate::diag::Result;
use crate::typeck::typed::{Expr, ExprKind as K, LocalId};
use cranelift_codegen::ir::{
    condcodes::IntCC, types, InstBuilder, InstructionData, Opcode, Value, ValueDef,
};

pub enum Place {
    Local(LocalId),
    Mem(Value),
    /// Not addressable (e.g. `*r` for a shared reference to a scalar): read-only.
    Val(V),
}

pub fn is_place(e: &Expr) -> bool {
    matches!(
        e.kind,
        K::Local(_) | K::Global(_) | K::Index(..) | K::Field(..) | K::Deref(_)
    )
}

/// The local a sequence expression names, through `&`, `*` and deref coercions.
pub fn seq_local(e: &Expr) -> Option<LocalId> {
    match &e.kind {
        K::Local(id) => Some(*id),
        K::Deref(x) | K::Ref(x, _) | K::ToSlice(x) => seq_local(x),
        _ => None,
    }
}

impl Lowerer<'_, '_> {
    pub fn load_mem(&mut self, t: &Ty, addr: Value, off: i32) -> V {
        let mv = self.movable.contains(&addr);
        let fl = if mv { movable_flags() } else { flags() };
        let v = match repr(t) {
            Repr::Unit => V::Unit,
            Repr::S(c) => V::S(self.b.ins().load(c, fl, addr, off)),
            Repr::F => {
                let a = self.b.ins().load(types::I64, fl, addr, off);
                let b = self.b.ins().load(types::I64, fl, addr, off + 8);
                V::F(a, b)
            }
            Repr::A { inline: true } => V::A(if off == 0 {
                addr
            } else {
                self.b.ins().iadd_imm_s(addr, off as i64)
            }),
            Repr::A { inline: false } => V::A(self.b.ins().load(types::I64, fl, addr, off)),
        };
        if mv {
            // What a shared sequence holds is shared too: a Vec header or slice pointer read
            // from it points to memory that is immutable and alive for the call.
            match (t, v) {
                (Ty::Vec(_) | Ty::String, V::S(h)) => {
                    self.movable.insert(h);
                }
                (Ty::Ref(inner, false), V::F(p, _))
                    if matches!(**inner, Ty::Slice(_) | Ty::Str) =>
                {
                    self.movable.insert(p);
                }
                (Ty::Array(..) | Ty::Tuple(_), V::A(a)) => {
                    self.movable.insert(a);
                }
                _ => {}
            }
        }
        v
    }

    pub fn store_mem(&mut self, t: &Ty, addr: Value, off: i32, v: V) -> Result<()> {
        match (repr(t), v) {
            (Repr::S(_), V::S(x)) | (Repr::A { inline: false }, V::A(x)) => {
                self.b.ins().store(flags(), x, addr, off);
            }
            (Repr::F, V::F(a, b)) => {
                self.b.ins().store(flags(), a, addr, off);
                self.b.ins().store(flags(), b, addr, off + 8);
            }
            (Repr::A { inline: true }, V::A(src)) => {
                let dst = if off == 0 {
                    addr
                } else {
                    self.b.ins().iadd_imm_s(addr, off as i64)
                };
                self.copy_mem(dst, src, t.layout().0);
            }
            _ => {}
        }
        Ok(())
    }

    pub fn copy_mem(&mut self, dst: Value, src: Value, size: u32) {
        if size == 0 {
            return;
        }
        let cfg = cranelift_module::Module::target_config(self.module);
        self.b
            .emit_small_memory_copy(cfg, dst, src, size as u64, 1, 1, true, flags());
    }

    /// Copy an aggregate into a fresh stack slot (by-value semantics of Copy aggregates).
    pub fn copy_to_slot(&mut self, t: &Ty, v: V) -> V {
        match (repr(t), v) {
            (Repr::A { inline: true }, V::A(src)) => {
                let dst = self.slot_for(t);
                self.copy_mem(dst, src, t.layout().0);
                V::A(dst)
            }
            _ => v,
        }
    }

    pub fn place(&mut self, e: &Expr) -> Result<Place> {
        self.set_line(e.span.line);
        Ok(match &e.kind {
            K::Local(id) => Place::Local(*id),
            K::Global(i) => Place::Mem(
                self.b
                    .ins()
                    .iconst(types::I64, self.f.globals[*i].addr as i64),
            ),
            K::Index(b, i) => Place::Mem(self.index_addr(b, i)?),
            K::Field(b, k) => {
                let base = self.aggregate_addr(b)?;
                let Ty::Tuple(ts) = b.ty.peel_refs() else {
                    unreachable!()
                };
                let off = tuple_offsets(ts)[*k as usize];
                let a = self.b.ins().iadd_imm_s(base, off as i64);
                if self.movable.contains(&base) {
                    self.movable.insert(a);
                }
                Place::Mem(a)
            }
            K::Deref(x) => match &x.ty {
                Ty::Ref(inner, m) => {
                    let v = self.expr(x, false)?;
                    match repr(inner) {
                        Repr::S(_) if *m && inner.is_scalar() => Place::Mem(v.s()),
                        Repr::A { inline: true } => Place::Mem(v.s()),
                        _ => Place::Val(v),
                    }
                }
                _ => Place::Val(self.expr(x, false)?),
            },
            _ => Place::Val(self.expr(e, false)?),
        })
    }

    /// The address of an aggregate value (a place's storage, or a temporary).
    pub fn aggregate_addr(&mut self, e: &Expr) -> Result<Value> {
        let v = self.expr(e, false)?;
        Ok(v.s())
    }

    pub fn read_place(&mut self, p: &Place, t: &Ty) -> V {
        match p {
            Place::Local(id) => self.read_local(*id),
            Place::Mem(a) => self.load_mem(t, *a, 0),
            Place::Val(v) => *v,
        }
    }

    pub fn write_place(&mut self, p: &Place, t: &Ty, v: V) -> Result<()> {
        match p {
            Place::Local(id) => self.write_local(*id, v),
            Place::Mem(a) => self.store_mem(t, *a, 0, v),
            Place::Val(_) => Ok(()),
        }
    }

    /// (data pointer, length) of a Vec / slice / array expression, any reference depth.
    pub fn seq_parts(&mut self, e: &Expr) -> Result<(Value, Value)> {
        let v = self.expr(e, false)?;
        Ok(self.seq_parts_of(e.ty.peel_refs(), v))
    }

    pub fn seq_parts_of(&mut self, t: &Ty, v: V) -> (Value, Value) {
        match (t, v) {
            (Ty::Vec(_) | Ty::String, V::S(h)) if self.movable.contains(&h) => {
                let p = self.b.ins().load(types::I64, movable_flags(), h, 0);
                let n = self.b.ins().load(types::I64, movable_flags(), h, 8);
                self.movable.insert(p);
                (p, n)
            }
            (Ty::Vec(_) | Ty::String, V::S(h)) => {
                let p = self.b.ins().load(types::I64, flags(), h, 0);
                let n = self.b.ins().load(types::I64, flags(), h, 8);
                (p, n)
            }
            (Ty::Slice(_) | Ty::Str, V::F(p, n)) => (p, n),
            (Ty::Array(_, n), V::A(a)) => {
                let n = self.b.ins().iconst(types::I64, *n as i64);
                (a, n)
            }
            (_, V::F(p, n)) => (p, n),
            _ => {
                let z = self.b.ins().iconst(types::I64, 0);
                (z, z)
            }
        }
    }

    pub fn const_of(&self, v: Value) -> Option<i64> {
        if let ValueDef::Result(inst, _) = self.b.func.dfg.value_def(v) {
            if let InstructionData::UnaryImm {
                opcode: Opcode::Iconst,
                imm,
            } = self.b.func.dfg.insts[inst]
            {
                return Some(imm.bits());
            }
        }
        None
    }

    /// `base[idx]`: element address, bounds-checked unless proven in range.
    pub fn index_addr(&mut self, base: &Expr, idx: &Expr) -> Result<Value> {
        if let Ty::Nd(..) | Ty::NdView(..) = base.ty.peel_refs() {
            return self.nd_index_addr(base, idx);
        }
        let elem = match base.ty.peel_refs() {
            Ty::Vec(t) | Ty::Slice(t) | Ty::Array(t, _) => (**t).clone(),
            _ => unreachable!("typeck checked the indexed type"),
        };
        let bv = self.expr(base, false)?;
        if self.readonly_param(base) {
            // The root of a movable chain (module doc): the parameter's pointer or header.
            match bv {
                V::S(x) | V::A(x) | V::F(x, _) => {
                    self.movable.insert(x);
                }
                V::Unit => {}
            }
        }
        let (p, n) = self.seq_parts_of(base.ty.peel_refs(), bv);
        let i = self.expr(idx, false)?.s();
        let (proven, fwd) = match (&idx.kind, seq_local(base)) {
            (K::Local(iv), Some(sv)) => (
                self.proven.contains(&(*iv, sv)),
                self.proven_fwd.contains(&(*iv, sv)),
            ),
            _ => (false, false),
        };
        let proven = proven || self.proven_idx.contains(&(idx as *const Expr));
        let static_ok = match (self.const_of(i), self.const_of(n)) {
            (Some(iv), Some(nv)) => (iv as u64) < nv as u64,
            _ => false,
        };
        let movable = self.movable.contains(&p) && (fwd || static_ok);
        if proven || static_ok {
            self.count().bounds_elided += 1;
        } else if self.opts.boundscheck {
            self.bounds_check(i, n);
        }
        let size = elem.layout().0 as i64;
        let off = if size == 1 {
            i
        } else {
            self.b.ins().imul_imm_s(i, size)
        };
        let a = self.b.ins().iadd(p, off);
        if movable {
            self.movable.insert(a);
        }
        Ok(a)
    }

    /// A shared-reference parameter holding a sequence, never reassigned: nothing can write
    /// what it points to while the fn runs, and it outlives the call.
    pub(super) fn readonly_param(&self, e: &Expr) -> bool {
        let Some(id) = seq_local(e) else { return false };
        let l = &self.f.locals[id as usize];
        !l.mutable
            && self.f.params.contains(&id)
            && matches!(&l.ty, Ty::Ref(inner, false) if matches!(**inner, Ty::Slice(_) | Ty::Vec(_) | Ty::Array(..)))
    }

    pub fn bounds_check(&mut self, i: Value, n: Value) {
        if self.in_fallback > 0 {
            self.count().bounds_fallback += 1;
        } else {
            self.count().bounds_checks += 1;
        }
        let bad = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, i, n);
        self.panic_call_if(bad, true, "rt_panic_bounds", |_| vec![i, n]);
        if self.in_fallback > 0 {
            // The fallback copy's panic calls are not what the line costs when the fast copy runs.
            self.count().calls -= 1;
        }
    }

    pub fn store_failure(&mut self, code: u32) {
        let c = self.b.ins().iconst(types::I32, code as i64);
        let ctx = self.ctx();
        self.b.ins().store(flags(), c, ctx, ctx::CTX_FAILURE);
    }
}
