//! `Option` operations that branch on the tag: `unwrap_or_else`/`map` (the closure runs only
//! for `None`/`Some`), slice `first`/`last`/`get` (the element is read only when it exists),
//! and `copied`. An `Option<T>` is a tag byte and the payload at `option_payload_offset(T)`;
//! `Option<&T>` of a scalar `T` holds the value itself (a `&scalar` has the scalar's
//! representation), of an aggregate the element's address.

use super::{flags, Lowerer, V};
use crate::abi::ty::{option_payload_offset, Ty};
use crate::diag::Result;
use crate::typeck::typed::{Expr, ExprKind as K, Intr};
use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder};

impl Lowerer<'_, '_> {
    /// A new `Vec<Vec<T>>` header owns its rows (`VecHdr::owns`): the runtime frees and clones
    /// them with it.
    pub fn mark_owning(&mut self, h: cranelift_codegen::ir::Value, vec_ty: &Ty) {
        if let Ty::Vec(e) = vec_ty {
            if e.needs_drop() {
                let one = self.b.ins().iconst(types::I64, 1);
                self.b.ins().store(flags(), one, h, 32);
            }
        }
    }

    pub fn option_intrinsic(&mut self, i: Intr, args: &[Expr], t: &Ty) -> Result<V> {
        match i {
            Intr::OptCopied => self.expr(&args[0], false),
            Intr::UnwrapOrElse | Intr::OptMap => {
                let K::Closure(ci) = args[1].kind else {
                    unreachable!("typeck: closure literal")
                };
                let ot = args[0].ty.peel_refs().clone();
                let Ty::Option(inner) = &ot else {
                    unreachable!()
                };
                let o = self.expr(&args[0], false)?;
                if !self.reachable() {
                    return Ok(V::Unit);
                }
                let a = o.s();
                let tag = self.b.ins().load(types::I8, flags(), a, 0);
                let some_b = self.b.create_block();
                let none_b = self.b.create_block();
                let done = self.b.create_block();
                let vars = self.result_vars(t);
                let slot = if i == Intr::OptMap {
                    Some(self.slot_for(t))
                } else {
                    None
                };
                self.b.ins().brif(tag, some_b, &[], none_b, &[]);
                self.b.switch_to_block(some_b);
                self.b.seal_block(some_b);
                let payload = self.load_mem(inner, a, option_payload_offset(inner) as i32);
                if i == Intr::UnwrapOrElse {
                    // The result is a copy: the Option's slot may be reused by a later statement.
                    let v = self.copy_to_slot(t, payload);
                    self.assign_vars(&vars, v);
                    self.b.ins().jump(done, &[]);
                    self.b.switch_to_block(none_b);
                    self.b.seal_block(none_b);
                    let v = self.inline_closure(ci, vec![])?;
                    if self.reachable() {
                        self.assign_vars(&vars, v);
                        self.b.ins().jump(done, &[]);
                    }
                } else {
                    let Ty::Option(rt) = t else { unreachable!() };
                    let slot = slot.unwrap();
                    let v = self.inline_closure(ci, vec![payload])?;
                    if self.reachable() {
                        let one = self.b.ins().iconst(types::I8, 1);
                        self.b.ins().store(flags(), one, slot, 0);
                        self.store_mem(rt, slot, option_payload_offset(rt) as i32, v)?;
                        self.assign_vars(&vars, V::A(slot));
                        self.b.ins().jump(done, &[]);
                    }
                    self.b.switch_to_block(none_b);
                    self.b.seal_block(none_b);
                    let z = self.b.ins().iconst(types::I8, 0);
                    self.b.ins().store(flags(), z, slot, 0);
                    self.assign_vars(&vars, V::A(slot));
                    self.b.ins().jump(done, &[]);
                }
                self.b.switch_to_block(done);
                self.b.seal_block(done);
                Ok(self.read_vars(&vars, t))
            }
            Intr::First | Intr::Last | Intr::Get => {
                let Ty::Option(rt) = t else { unreachable!() };
                let Ty::Ref(el, _) = &**rt else {
                    unreachable!()
                };
                let (p, n) = self.seq_parts(&args[0])?;
                let idx = match i {
                    Intr::First => self.b.ins().iconst(types::I64, 0),
                    Intr::Last => self.b.ins().iadd_imm_s(n, -1),
                    _ => self.expr(&args[1], false)?.s(),
                };
                let ok = match i {
                    Intr::Get => self.b.ins().icmp(IntCC::UnsignedLessThan, idx, n),
                    _ => self.b.ins().icmp_imm_s(IntCC::NotEqual, n, 0),
                };
                let slot = self.slot_for(t);
                self.b.ins().store(flags(), ok, slot, 0);
                let yes = self.b.create_block();
                let done = self.b.create_block();
                self.b.ins().brif(ok, yes, &[], done, &[]);
                self.b.switch_to_block(yes);
                self.b.seal_block(yes);
                let off = self.b.ins().imul_imm_s(idx, el.layout().0 as i64);
                let addr = self.b.ins().iadd(p, off);
                let v = if el.is_scalar() {
                    self.load_mem(el, addr, 0)
                } else {
                    V::A(addr)
                };
                self.store_mem(rt, slot, option_payload_offset(rt) as i32, v)?;
                self.b.ins().jump(done, &[]);
                self.b.switch_to_block(done);
                self.b.seal_block(done);
                Ok(V::A(slot))
            }
            _ => unreachable!(),
        }
    }
}
