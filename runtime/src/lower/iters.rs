//! Iterator pipelines lowered to plain loops: the source emits the loop, each adapter
//! transforms the item in place (map/filter inline their closures, enumerate/skip/take/
//! step_by keep counters, zip pulls from a second cursor, chain emits a second loop),
//! and the consumer (or the `for` body) receives items. No boxing, no indirect calls.

use super::array_iters::NdWalk;
use super::{cl_ty, flags, repr, Lowerer, Repr, V};
use crate::abi::ctx;
use crate::abi::ty::{option_payload_offset, tuple_offsets, Ty};
use crate::diag::{Error, Result};
use crate::typeck::array_iters::is_nd_source;
use crate::typeck::typed::{Adapter, Consumer, IterExpr, IterSrc, Pat};
use cranelift_codegen::ir::{condcodes::IntCC, types, Block, InstBuilder, Value};
use cranelift_frontend::Variable;

/// An item flowing through a pipeline: a value, or a tuple not (yet) in memory.
#[derive(Clone, Debug)]
pub enum Item {
    V(V),
    Tup(Vec<Item>),
}

#[derive(Clone, Copy)]
pub struct Frame {
    pub next: Block,
    pub exit: Block,
}

type Sink<'s, 'a, 'b> = dyn FnMut(&mut Lowerer<'a, 'b>, Item, Frame) -> Result<()> + 's;

enum St {
    None,
    Counter(Variable),
    Limit(Variable, Value),
    Step(Variable, Value),
    Zip(Box<ZipSt>),
}

struct ZipSt {
    cur: Variable,
    end: Value,
    /// Elements: (data pointer, element type, by_ref); ranges: None.
    elems: Option<(Value, Ty, bool)>,
    item_ty: Ty,
    maps: Vec<Adapter>,
    signed: bool,
    mutable: bool,
    /// An array or view partner: its header (elements addressed from the cursor).
    nd: Option<NdWalk>,
}

impl<'a, 'b> Lowerer<'a, 'b> {
    /// Run `it`, calling `sink` for each item; `sink` must end its block (usually by
    /// jumping to `frame.next`).
    pub fn run_iter(&mut self, it: &IterExpr, sink: &mut Sink<'_, 'a, 'b>) -> Result<()> {
        let (src_rev, adapters) = normalize(it)?;
        // Asked for by the loop being lowered, for its own source loop(s) only.
        let strip = std::mem::take(&mut self.strip_leaf);
        let exit = self.b.create_block();
        let chain_at = adapters.iter().position(|a| matches!(a, Adapter::Chain(_)));
        let (prefix, suffix): (Vec<Adapter>, Vec<Adapter>) = match chain_at {
            Some(c) => (adapters[..c].to_vec(), adapters[c + 1..].to_vec()),
            None => (adapters.clone(), vec![]),
        };
        let suffix_states = self.init_states(&suffix)?;
        let prefix_states = self.init_states(&prefix)?;
        let after1 = if chain_at.is_some() {
            self.b.create_block()
        } else {
            exit
        };
        {
            let mut all_states: Vec<&St> = prefix_states.iter().collect();
            all_states.extend(suffix_states.iter());
            let heads = take_heads(&prefix, &prefix_states)
                .into_iter()
                .chain(take_heads(&suffix, &suffix_states))
                .collect::<Vec<_>>();
            let chain_ads: Vec<Adapter> = prefix.iter().chain(suffix.iter()).cloned().collect();
            let states: Vec<St> = prefix_states
                .into_iter()
                .chain(suffix_states.iter().map(clone_st))
                .collect();
            self.source_loop(
                &it.src,
                src_rev,
                &it.item,
                &heads,
                strip,
                after1,
                exit,
                &mut |l: &mut Self, item, fr| l.apply(&chain_ads, &states, 0, item, fr, sink),
            )?;
        }
        if let Some(c) = chain_at {
            self.b.switch_to_block(after1);
            self.b.seal_block(after1);
            let Adapter::Chain(other) = &adapters[c] else {
                unreachable!()
            };
            let (orev, oads) = normalize(other)?;
            if oads.iter().any(|a| matches!(a, Adapter::Chain(_))) {
                return Err(Error::unsupported(other.span, "nested `chain`"));
            }
            let ostates = self.init_states(&oads)?;
            let heads = take_heads(&oads, &ostates)
                .into_iter()
                .chain(take_heads(&suffix, &suffix_states))
                .collect::<Vec<_>>();
            let all: Vec<Adapter> = oads.iter().chain(suffix.iter()).cloned().collect();
            let states: Vec<St> = ostates
                .into_iter()
                .chain(suffix_states.iter().map(clone_st))
                .collect();
            self.source_loop(
                &other.src,
                orev,
                &other.item,
                &heads,
                strip,
                exit,
                exit,
                &mut |l: &mut Self, item, fr| l.apply(&all, &states, 0, item, fr, sink),
            )?;
        }
        self.b.switch_to_block(exit);
        self.b.seal_block(exit);
        Ok(())
    }

    fn init_states(&mut self, ads: &[Adapter]) -> Result<Vec<St>> {
        let mut out = vec![];
        for a in ads {
            out.push(match a {
                Adapter::Enumerate | Adapter::Skip(_) => {
                    let v = self.b.declare_var(types::I64);
                    let z = self.b.ins().iconst(types::I64, 0);
                    self.b.def_var(v, z);
                    match a {
                        Adapter::Skip(n) => {
                            let nv = self.expr(n, false)?.s();
                            St::Limit(v, nv)
                        }
                        _ => St::Counter(v),
                    }
                }
                Adapter::Take(n) => {
                    let nv = self.expr(n, false)?.s();
                    let v = self.b.declare_var(types::I64);
                    let z = self.b.ins().iconst(types::I64, 0);
                    self.b.def_var(v, z);
                    St::Limit(v, nv)
                }
                Adapter::StepBy(k) => {
                    let kv = self.expr(k, false)?.s();
                    let z = self.b.ins().icmp_imm_s(IntCC::Equal, kv, 0);
                    self.panic_if(z, ctx::P_STEP_ZERO);
                    let v = self.b.declare_var(types::I64);
                    let zz = self.b.ins().iconst(types::I64, 0);
                    self.b.def_var(v, zz);
                    St::Step(v, kv)
                }
                Adapter::Zip(o) => St::Zip(Box::new(self.zip_state(o)?)),
                _ => St::None,
            });
        }
        Ok(out)
    }

    fn zip_state(&mut self, o: &IterExpr) -> Result<ZipSt> {
        if o.adapters
            .iter()
            .any(|a| !matches!(a, Adapter::Map(_) | Adapter::Copied))
        {
            return Err(Error::unsupported(
                o.span,
                "`zip` with an iterator other than a range or elements (optionally mapped)",
            ));
        }
        let cur = self.b.declare_var(types::I64);
        match &o.src {
            IterSrc::Range {
                start,
                end,
                inclusive,
            } => {
                let ty = start.ty.clone();
                let s = self.expr(start, false)?.s();
                let e = self.expr(end, false)?.s();
                let signed = matches!(ty, Ty::Int(i) if i.signed());
                let c = cl_ty(&ty);
                let s64 = if c == types::I64 {
                    s
                } else if signed {
                    self.b.ins().sextend(types::I64, s)
                } else {
                    self.b.ins().uextend(types::I64, s)
                };
                let mut e64 = if c == types::I64 {
                    e
                } else if signed {
                    self.b.ins().sextend(types::I64, e)
                } else {
                    self.b.ins().uextend(types::I64, e)
                };
                if *inclusive {
                    e64 = self.b.ins().iadd_imm_s(e64, 1);
                }
                self.b.def_var(cur, s64);
                Ok(ZipSt {
                    cur,
                    end: e64,
                    elems: None,
                    item_ty: ty,
                    maps: o.adapters.clone(),
                    signed,
                    mutable: false,
                    nd: None,
                })
            }
            IterSrc::Elems { seq, .. } if is_nd_source(seq) => {
                let w = self.nd_walk(seq)?;
                let z = self.b.ins().iconst(types::I64, 0);
                self.b.def_var(cur, z);
                let (end, et, mutable) = (w.len, w.et.clone(), w.mutable);
                Ok(ZipSt {
                    cur,
                    end,
                    elems: Some((w.data, et.clone(), true)),
                    item_ty: et,
                    maps: o.adapters.clone(),
                    signed: false,
                    mutable,
                    nd: Some(w),
                })
            }
            IterSrc::Elems { seq, by_ref } => {
                let (p, n) = self.seq_parts(seq)?;
                let z = self.b.ins().iconst(types::I64, 0);
                self.b.def_var(cur, z);
                let et = match seq.ty.peel_refs() {
                    Ty::Vec(e) | Ty::Slice(e) | Ty::Array(e, _) => (**e).clone(),
                    _ => unreachable!(),
                };
                let mutable = matches!(seq.ty, Ty::Ref(_, true));
                Ok(ZipSt {
                    cur,
                    end: n,
                    elems: Some((p, et.clone(), *by_ref)),
                    item_ty: et,
                    maps: o.adapters.clone(),
                    signed: false,
                    mutable,
                    nd: None,
                })
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn source_loop(
        &mut self,
        src: &IterSrc,
        rev: bool,
        _item_ty: &Ty,
        heads: &[(Variable, Value)],
        strip: bool,
        end_b: Block,
        exit: Block,
        f: &mut dyn FnMut(&mut Self, Item, Frame) -> Result<()>,
    ) -> Result<()> {
        if let IterSrc::Elems { seq, .. } = src {
            if is_nd_source(seq) {
                return self.nd_source_loop(seq, rev, heads, strip, end_b, exit, f);
            }
        }
        let header = self.b.create_block();
        let body = self.b.create_block();
        let latch = self.b.create_block();
        match src {
            IterSrc::Range {
                start,
                end,
                inclusive,
            } => {
                let ty = start.ty.clone();
                let signed = matches!(ty, Ty::Int(i) if i.signed());
                let c = cl_ty(&ty);
                let s = self.expr(start, false)?.s();
                let e = self.expr(end, false)?.s();
                let lt = if signed {
                    IntCC::SignedLessThan
                } else {
                    IntCC::UnsignedLessThan
                };
                let gt = if signed {
                    IntCC::SignedGreaterThan
                } else {
                    IntCC::UnsignedGreaterThan
                };
                let i = self.b.declare_var(c);
                match (rev, *inclusive) {
                    (false, false) if heads.is_empty() => {
                        self.b.seal_block(header);
                        return self.rotated_loop(
                            i,
                            (s, e, lt),
                            (body, latch),
                            strip,
                            (end_b, exit),
                            &mut super::rotated::scalar_item,
                            f,
                        );
                    }
                    (false, false) => {
                        self.b.def_var(i, s);
                        self.b.ins().jump(header, &[]);
                        self.b.switch_to_block(header);
                        self.head_checks(heads, exit);
                        let iv = self.b.use_var(i);
                        let more = self.b.ins().icmp(lt, iv, e);
                        self.b.ins().brif(more, body, &[], end_b, &[]);
                        self.b.switch_to_block(body);
                        self.b.seal_block(body);
                        self.range_body_step(i, latch, exit, &mut super::rotated::scalar_item, f)?;
                    }
                    (rev, true) => {
                        // An inclusive range: test for the last value before stepping, so
                        // `..=MAX` never steps past it. Forward from s to e, reversed from e to s.
                        let (first, last_v, delta) = if rev { (e, s, -1) } else { (s, e, 1) };
                        let empty = self.b.ins().icmp(gt, s, e);
                        let pre = self.b.create_block();
                        self.b.ins().brif(empty, end_b, &[], pre, &[]);
                        self.b.switch_to_block(pre);
                        self.b.seal_block(pre);
                        self.b.def_var(i, first);
                        self.b.ins().jump(header, &[]);
                        self.b.switch_to_block(header);
                        self.head_checks(heads, exit);
                        self.b.ins().jump(body, &[]);
                        self.b.switch_to_block(body);
                        self.b.seal_block(body);
                        let iv = self.b.use_var(i);
                        f(self, Item::V(V::S(iv)), Frame { next: latch, exit })?;
                        self.b.switch_to_block(latch);
                        self.b.seal_block(latch);
                        let iv = self.b.use_var(i);
                        let last = self.b.ins().icmp(IntCC::Equal, iv, last_v);
                        let step = self.b.create_block();
                        self.b.ins().brif(last, end_b, &[], step, &[]);
                        self.b.switch_to_block(step);
                        self.b.seal_block(step);
                        let i1 = self.b.ins().iadd_imm_s(iv, delta);
                        self.b.def_var(i, i1);
                    }
                    (true, false) => {
                        self.b.def_var(i, e);
                        self.b.ins().jump(header, &[]);
                        self.b.switch_to_block(header);
                        self.head_checks(heads, exit);
                        let iv = self.b.use_var(i);
                        let more = self.b.ins().icmp(lt, s, iv);
                        self.b.ins().brif(more, body, &[], end_b, &[]);
                        self.b.switch_to_block(body);
                        self.b.seal_block(body);
                        let iv = self.b.use_var(i);
                        let i1 = self.b.ins().iadd_imm_s(iv, -1);
                        self.b.def_var(i, i1);
                        f(self, Item::V(V::S(i1)), Frame { next: latch, exit })?;
                        self.b.switch_to_block(latch);
                        self.b.seal_block(latch);
                    }
                }
            }
            IterSrc::Elems { seq, by_ref } => {
                let (p, n) = self.seq_parts(seq)?;
                let et = match seq.ty.peel_refs() {
                    Ty::Vec(e) | Ty::Slice(e) | Ty::Array(e, _) => (**e).clone(),
                    _ => unreachable!(),
                };
                let sz = et.layout().0 as i64;
                let idx = self.b.declare_var(types::I64);
                if !rev && heads.is_empty() {
                    self.b.seal_block(header);
                    let mutable = matches!(seq.ty, Ty::Ref(_, true));
                    let by_ref = *by_ref;
                    let z = self.b.ins().iconst(types::I64, 0);
                    let mut item = |l: &mut Self, k: Value| {
                        let off = if sz == 1 {
                            k
                        } else {
                            l.b.ins().imul_imm_s(k, sz)
                        };
                        let addr = l.b.ins().iadd(p, off);
                        Item::V(l.elem_item(&et, addr, by_ref, mutable))
                    };
                    return self.rotated_loop(
                        idx,
                        (z, n, IntCC::UnsignedLessThan),
                        (body, latch),
                        strip,
                        (end_b, exit),
                        &mut item,
                        f,
                    );
                }
                if rev {
                    self.b.def_var(idx, n);
                } else {
                    let z = self.b.ins().iconst(types::I64, 0);
                    self.b.def_var(idx, z);
                }
                self.b.ins().jump(header, &[]);
                self.b.switch_to_block(header);
                self.head_checks(heads, exit);
                let iv = self.b.use_var(idx);
                let more = if rev {
                    self.b.ins().icmp_imm_s(IntCC::NotEqual, iv, 0)
                } else {
                    self.b.ins().icmp(IntCC::UnsignedLessThan, iv, n)
                };
                self.b.ins().brif(more, body, &[], end_b, &[]);
                self.b.switch_to_block(body);
                self.b.seal_block(body);
                let k = if rev {
                    let iv = self.b.use_var(idx);
                    let k = self.b.ins().iadd_imm_s(iv, -1);
                    self.b.def_var(idx, k);
                    k
                } else {
                    self.b.use_var(idx)
                };
                let off = if sz == 1 {
                    k
                } else {
                    self.b.ins().imul_imm_s(k, sz)
                };
                let addr = self.b.ins().iadd(p, off);
                let mutable = matches!(seq.ty, Ty::Ref(_, true));
                let item = self.elem_item(&et, addr, *by_ref, mutable);
                f(self, Item::V(item), Frame { next: latch, exit })?;
                self.b.switch_to_block(latch);
                self.b.seal_block(latch);
                if !rev {
                    let iv = self.b.use_var(idx);
                    let i1 = self.b.ins().iadd_imm_s(iv, 1);
                    self.b.def_var(idx, i1);
                }
            }
        }
        self.poll_interrupt(header);
        self.b.seal_block(header);
        Ok(())
    }

    /// The item for the element at `addr`: `&T` of a scalar is its value; `&mut T` its address.
    fn elem_item(&mut self, et: &Ty, addr: Value, by_ref: bool, mutable: bool) -> V {
        if by_ref && mutable && et.is_scalar() {
            return V::S(addr);
        }
        self.load_mem(et, addr, 0)
    }

    pub(super) fn head_checks(&mut self, heads: &[(Variable, Value)], exit: Block) {
        for (v, n) in heads {
            let c = self.b.use_var(*v);
            let done = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, c, *n);
            let go = self.b.create_block();
            self.b.ins().brif(done, exit, &[], go, &[]);
            self.b.switch_to_block(go);
            self.b.seal_block(go);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn apply(
        &mut self,
        ads: &[Adapter],
        states: &[St],
        k: usize,
        item: Item,
        fr: Frame,
        sink: &mut Sink<'_, 'a, 'b>,
    ) -> Result<()> {
        if k == ads.len() {
            return sink(self, item, fr);
        }
        let item = match (&ads[k], &states[k]) {
            (Adapter::Map(c), _) => {
                let v = self.call_closure_items(*c, vec![item])?;
                Item::V(v)
            }
            (Adapter::Filter(c), _) => {
                let keep = self.call_closure_items(*c, vec![item.clone()])?.s();
                let go = self.b.create_block();
                self.b.ins().brif(keep, go, &[], fr.next, &[]);
                self.b.switch_to_block(go);
                self.b.seal_block(go);
                item
            }
            (Adapter::Copied, _) | (Adapter::Rev, _) | (Adapter::Chain(_), _) => item,
            (Adapter::Enumerate, St::Counter(v)) => {
                let c = self.b.use_var(*v);
                let c1 = self.b.ins().iadd_imm_s(c, 1);
                self.b.def_var(*v, c1);
                Item::Tup(vec![Item::V(V::S(c)), item])
            }
            (Adapter::Take(_), St::Limit(v, _)) => {
                let c = self.b.use_var(*v);
                let c1 = self.b.ins().iadd_imm_s(c, 1);
                self.b.def_var(*v, c1);
                item
            }
            (Adapter::Skip(_), St::Limit(v, n)) => {
                let c = self.b.use_var(*v);
                let skipping = self.b.ins().icmp(IntCC::UnsignedLessThan, c, *n);
                let sk = self.b.create_block();
                let go = self.b.create_block();
                self.b.ins().brif(skipping, sk, &[], go, &[]);
                self.b.switch_to_block(sk);
                self.b.seal_block(sk);
                let c1 = self.b.ins().iadd_imm_s(c, 1);
                self.b.def_var(*v, c1);
                self.b.ins().jump(fr.next, &[]);
                self.b.switch_to_block(go);
                self.b.seal_block(go);
                item
            }
            (Adapter::StepBy(_), St::Step(v, kv)) => {
                // phase 0 yields; then k-1 items are skipped.
                let ph = self.b.use_var(*v);
                let skip = self.b.ins().icmp_imm_s(IntCC::NotEqual, ph, 0);
                let sk = self.b.create_block();
                let go = self.b.create_block();
                self.b.ins().brif(skip, sk, &[], go, &[]);
                self.b.switch_to_block(sk);
                self.b.seal_block(sk);
                let p1 = self.b.ins().iadd_imm_s(ph, -1);
                self.b.def_var(*v, p1);
                self.b.ins().jump(fr.next, &[]);
                self.b.switch_to_block(go);
                self.b.seal_block(go);
                let km1 = self.b.ins().iadd_imm_s(*kv, -1);
                self.b.def_var(*v, km1);
                item
            }
            (Adapter::Zip(_), St::Zip(z)) => {
                let c = self.b.use_var(z.cur);
                let lt = if z.signed {
                    IntCC::SignedLessThan
                } else {
                    IntCC::UnsignedLessThan
                };
                let more = self.b.ins().icmp(lt, c, z.end);
                let go = self.b.create_block();
                self.b.ins().brif(more, go, &[], fr.exit, &[]);
                self.b.switch_to_block(go);
                self.b.seal_block(go);
                let c1 = self.b.ins().iadd_imm_s(c, 1);
                self.b.def_var(z.cur, c1);
                let mut other = match &z.elems {
                    None => {
                        let ct = cl_ty(&z.item_ty);
                        let v = self.resize_int(c, types::I64, ct, z.signed);
                        Item::V(V::S(v))
                    }
                    Some((_, et, by_ref)) if z.nd.is_some() => {
                        let w = z.nd.as_ref().expect("checked");
                        let a = self.nd_elem_addr(w, c);
                        Item::V(self.elem_item(et, a, *by_ref, z.mutable))
                    }
                    Some((p, et, by_ref)) => {
                        let off = self.b.ins().imul_imm_s(c, et.layout().0 as i64);
                        let a = self.b.ins().iadd(*p, off);
                        Item::V(self.elem_item(et, a, *by_ref, z.mutable))
                    }
                };
                for m in z.maps.clone() {
                    if let Adapter::Map(ci) = m {
                        other = Item::V(self.call_closure_items(ci, vec![other])?);
                    }
                }
                Item::Tup(vec![item, other])
            }
            _ => item,
        };
        self.apply(ads, states, k + 1, item, fr, sink)
    }

    /// Inline closure `ci` with pipeline items as arguments (tuples bound without memory).
    pub fn call_closure_items(&mut self, ci: u32, args: Vec<Item>) -> Result<V> {
        let c = &self.f.closures[ci as usize];
        let (params, ptys) = (c.params.clone(), c.param_tys.clone());
        let direct = params.iter().zip(&args).all(|(p, a)| {
            !matches!(a, Item::Tup(_)) || matches!(p, Pat::Tuple(_) | Pat::Deref(_) | Pat::Wild)
        });
        if direct {
            // Bind here, then inline the body with no arguments left to bind.
            let depth = self.scope_depth();
            self.push_scope();
            for ((p, t), a) in params.iter().zip(&ptys).zip(args) {
                self.bind_item(p, t, a)?;
            }
            let r = self.inline_closure_body(ci, depth);
            self.scopes.pop();
            return r;
        }
        let mut vals = vec![];
        for (a, t) in args.into_iter().zip(&ptys) {
            vals.push(self.materialize(a, t)?);
        }
        self.inline_closure(ci, vals)
    }

    /// Bind a pattern to a pipeline item.
    pub fn bind_item(&mut self, p: &Pat, t: &Ty, item: Item) -> Result<()> {
        match (p, item) {
            (Pat::Tuple(ps), Item::Tup(items)) => {
                let Ty::Tuple(ts) = t else { unreachable!() };
                for ((p, t), it) in ps.iter().zip(ts).zip(items) {
                    self.bind_item(p, t, it)?;
                }
                Ok(())
            }
            (Pat::Deref(inner), Item::Tup(items)) => {
                let Ty::Ref(it, _) = t else { unreachable!() };
                self.bind_item(inner, it, Item::Tup(items))
            }
            (Pat::Wild, _) => Ok(()),
            (p, Item::Tup(items)) => {
                let v = self.materialize(Item::Tup(items), t)?;
                self.bind(p, t, v)
            }
            (p, Item::V(v)) => self.bind(p, t, v),
        }
    }

    /// Put a virtual tuple into memory (as its tuple type, or behind a reference).
    pub fn materialize(&mut self, item: Item, t: &Ty) -> Result<V> {
        match item {
            Item::V(v) => Ok(v),
            Item::Tup(items) => {
                let tt = t.peel_refs().clone();
                let Ty::Tuple(ts) = &tt else { unreachable!() };
                let a = self.slot_for(&tt);
                for ((it, ft), off) in items.into_iter().zip(ts).zip(tuple_offsets(ts)) {
                    let v = self.materialize(it, ft)?;
                    self.store_mem(ft, a, off as i32, v)?;
                }
                Ok(V::A(a))
            }
        }
    }

    /// Value of an item with references to scalars read through (`sum`, `max`, ...).
    fn item_scalar(&mut self, item: Item) -> Value {
        match item {
            Item::V(v) => v.s(),
            Item::Tup(_) => unreachable!(),
        }
    }

    pub fn consume(&mut self, it: &IterExpr, c: &Consumer, t: &Ty) -> Result<V> {
        if let Some(form) = super::loop_form::of_consume(self.f, it, c, t) {
            let mut general = |l: &mut Self| l.general_consume(it, c, t);
            if let Some(v) = self.lower_form(&form, &mut general)? {
                return Ok(v);
            }
        }
        self.general_consume(it, c, t)
    }

    /// A consumer as written (no loop form applies, or its checked fallback).
    fn general_consume(&mut self, it: &IterExpr, c: &Consumer, t: &Ty) -> Result<V> {
        let item_ty = it.item.clone();
        match c {
            Consumer::Sum | Consumer::Product => self.consume_sum(it, c, t),
            _ => self.consume_rest(it, c, t, item_ty),
        }
    }

    fn consume_sum(&mut self, it: &IterExpr, c: &Consumer, t: &Ty) -> Result<V> {
        match c {
            Consumer::Sum | Consumer::Product => {
                let ct = cl_ty(t);
                let is_f = t.is_float();
                let acc = self.b.declare_var(ct);
                let init = match (is_f, matches!(c, Consumer::Sum)) {
                    // Rust's float Sum starts from -0.0 (so an empty sum is -0.0? no: 0.0 is
                    // returned for empty f64 sums by std; std uses -0.0 since 1.81).
                    (true, true) => {
                        if ct == types::F32 {
                            self.b.ins().f32const(-0.0)
                        } else {
                            self.b.ins().f64const(-0.0)
                        }
                    }
                    (true, false) => {
                        if ct == types::F32 {
                            self.b.ins().f32const(1.0)
                        } else {
                            self.b.ins().f64const(1.0)
                        }
                    }
                    (false, true) => self.b.ins().iconst(ct, 0),
                    (false, false) => self.b.ins().iconst(ct, 1),
                };
                self.b.def_var(acc, init);
                let sum = matches!(c, Consumer::Sum);
                self.run_iter(it, &mut |l: &mut Self, item, fr| {
                    let x = l.item_scalar(item);
                    let a = l.b.use_var(acc);
                    let r = match (is_f, sum) {
                        (true, true) => l.b.ins().fadd(a, x),
                        (true, false) => l.b.ins().fmul(a, x),
                        (false, true) => l.b.ins().iadd(a, x),
                        (false, false) => l.b.ins().imul(a, x),
                    };
                    l.b.def_var(acc, r);
                    l.b.ins().jump(fr.next, &[]);
                    Ok(())
                })?;
                Ok(V::S(self.b.use_var(acc)))
            }
            _ => unreachable!(),
        }
    }

    fn consume_rest(&mut self, it: &IterExpr, c: &Consumer, t: &Ty, item_ty: Ty) -> Result<V> {
        match c {
            Consumer::Count => {
                let n = self.b.declare_var(types::I64);
                let z = self.b.ins().iconst(types::I64, 0);
                self.b.def_var(n, z);
                self.run_iter(it, &mut |l: &mut Self, _item, fr| {
                    let c = l.b.use_var(n);
                    let c1 = l.b.ins().iadd_imm_s(c, 1);
                    l.b.def_var(n, c1);
                    l.b.ins().jump(fr.next, &[]);
                    Ok(())
                })?;
                Ok(V::S(self.b.use_var(n)))
            }
            Consumer::Min | Consumer::Max | Consumer::Last => {
                let Ty::Option(inner) = t else { unreachable!() };
                let base = inner.peel_refs().clone();
                let ct = cl_ty(&base);
                let found = self.b.declare_var(types::I8);
                let best = self.b.declare_var(ct);
                let z = self.b.ins().iconst(types::I8, 0);
                self.b.def_var(found, z);
                let signed = matches!(base, Ty::Int(i) if i.signed());
                let kind = match c {
                    Consumer::Min => 0,
                    Consumer::Max => 1,
                    _ => 2,
                };
                if !base.is_scalar() {
                    return Err(Error::unsupported(
                        it.span,
                        format!("this consumer over `{inner}`"),
                    ));
                }
                self.run_iter(it, &mut |l: &mut Self, item, fr| {
                    let x = l.item_scalar(item);
                    let f = l.b.use_var(found);
                    let take = if kind == 2 {
                        l.b.ins().iconst(types::I8, 1)
                    } else {
                        let bv = l.b.use_var(best);
                        let cc = match (kind, signed) {
                            (0, true) => IntCC::SignedLessThan,
                            (0, false) => IntCC::UnsignedLessThan,
                            (_, true) => IntCC::SignedGreaterThanOrEqual,
                            (_, false) => IntCC::UnsignedGreaterThanOrEqual,
                        };
                        let better = l.b.ins().icmp(cc, x, bv);
                        let nf = l.b.ins().icmp_imm_s(IntCC::Equal, f, 0);
                        l.b.ins().bor(nf, better)
                    };
                    let bv = l.b.use_var(best);
                    let nb = l.b.ins().select(take, x, bv);
                    l.b.def_var(best, nb);
                    let one = l.b.ins().iconst(types::I8, 1);
                    l.b.def_var(found, one);
                    l.b.ins().jump(fr.next, &[]);
                    Ok(())
                })?;
                let slot = self.slot_for(t);
                let f = self.b.use_var(found);
                let bv = self.b.use_var(best);
                self.b.ins().store(flags(), f, slot, 0);
                self.b
                    .ins()
                    .store(flags(), bv, slot, option_payload_offset(inner) as i32);
                Ok(V::A(slot))
            }
            Consumer::Fold(init, ci) => {
                let iv = self.expr(init, true)?;
                let at = init.ty.clone();
                let vars = self.result_vars(&at);
                self.assign_vars(&vars, iv);
                let ci = *ci;
                self.run_iter(it, &mut |l: &mut Self, item, fr| {
                    let a = l.read_vars(&vars, &at);
                    let a = l.copy_to_slot(&at, a);
                    let r = l.call_closure_items(ci, vec![Item::V(a), item])?;
                    if l.reachable() {
                        l.assign_vars(&vars, r);
                        l.b.ins().jump(fr.next, &[]);
                    }
                    Ok(())
                })?;
                Ok(self.read_vars(&vars, &at))
            }
            Consumer::Any(ci) | Consumer::All(ci) => {
                let any = matches!(c, Consumer::Any(_));
                let res = self.b.declare_var(types::I8);
                let init = self.b.ins().iconst(types::I8, if any { 0 } else { 1 });
                self.b.def_var(res, init);
                let ci = *ci;
                self.run_iter(it, &mut |l: &mut Self, item, fr| {
                    let r = l.call_closure_items(ci, vec![item])?.s();
                    let hit = if any { r } else { l.b.ins().bxor_imm_s(r, 1) };
                    let stop = l.b.create_block();
                    l.b.ins().brif(hit, stop, &[], fr.next, &[]);
                    l.b.switch_to_block(stop);
                    l.b.seal_block(stop);
                    let v = l.b.ins().iconst(types::I8, if any { 1 } else { 0 });
                    l.b.def_var(res, v);
                    l.b.ins().jump(fr.exit, &[]);
                    Ok(())
                })?;
                Ok(V::S(self.b.use_var(res)))
            }
            Consumer::Position(ci) => {
                // Index counted per item that reaches the predicate; the first hit stops.
                let idx = self.b.declare_var(types::I64);
                let found = self.b.declare_var(types::I8);
                let z = self.b.ins().iconst(types::I64, 0);
                let z8 = self.b.ins().iconst(types::I8, 0);
                self.b.def_var(idx, z);
                self.b.def_var(found, z8);
                let ci = *ci;
                self.run_iter(it, &mut |l: &mut Self, item, fr| {
                    let r = l.call_closure_items(ci, vec![item])?.s();
                    let stop = l.b.create_block();
                    let go = l.b.create_block();
                    l.b.ins().brif(r, stop, &[], go, &[]);
                    l.b.switch_to_block(go);
                    l.b.seal_block(go);
                    let k = l.b.use_var(idx);
                    let k1 = l.b.ins().iadd_imm_s(k, 1);
                    l.b.def_var(idx, k1);
                    l.b.ins().jump(fr.next, &[]);
                    l.b.switch_to_block(stop);
                    l.b.seal_block(stop);
                    let one = l.b.ins().iconst(types::I8, 1);
                    l.b.def_var(found, one);
                    l.b.ins().jump(fr.exit, &[]);
                    Ok(())
                })?;
                let slot = self.slot_for(t);
                let f = self.b.use_var(found);
                let k = self.b.use_var(idx);
                self.b.ins().store(flags(), f, slot, 0);
                self.b
                    .ins()
                    .store(flags(), k, slot, option_payload_offset(&Ty::USIZE) as i32);
                Ok(V::A(slot))
            }
            Consumer::ForEach(ci) => {
                let ci = *ci;
                self.run_iter(it, &mut |l: &mut Self, item, fr| {
                    l.call_closure_items(ci, vec![item])?;
                    if l.reachable() {
                        l.b.ins().jump(fr.next, &[]);
                    }
                    Ok(())
                })?;
                Ok(V::Unit)
            }
            Consumer::Collect => {
                let _ = &item_ty;
                let esz = self.b.ins().iconst(types::I64, item_ty.layout().0 as i64);
                let z = self.b.ins().iconst(types::I64, 0);
                self.count().allocs += 1;
                let h = self.call_rt("rt_vec_new", &[esz, z], &[types::I64])[0];
                self.mark_owning(h, t);
                let et = item_ty.clone();
                self.run_iter(it, &mut |l: &mut Self, item, fr| {
                    let v = l.materialize(item, &et)?;
                    l.push_value(h, &et, v)?;
                    l.b.ins().jump(fr.next, &[]);
                    Ok(())
                })?;
                Ok(V::S(h))
            }
            _ => unreachable!(),
        }
    }

    fn push_value(&mut self, h: Value, et: &Ty, v: V) -> Result<()> {
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
        self.call_rt("rt_vec_reserve", &[h, one], &[]);
        self.b.ins().jump(go, &[]);
        self.b.switch_to_block(go);
        self.b.seal_block(go);
        let p = self.b.ins().load(types::I64, flags(), h, 0);
        let off = self.b.ins().imul_imm_s(len, et.layout().0 as i64);
        let a = self.b.ins().iadd(p, off);
        self.store_mem(et, a, 0, v)?;
        let n1 = self.b.ins().iadd_imm_s(len, 1);
        self.b.ins().store(flags(), n1, h, 8);
        let _ = repr(et) == Repr::Unit;
        Ok(())
    }
}

fn clone_st(s: &St) -> St {
    match s {
        St::None => St::None,
        St::Counter(v) => St::Counter(*v),
        St::Limit(v, n) => St::Limit(*v, *n),
        St::Step(v, k) => St::Step(*v, *k),
        St::Zip(z) => St::Zip(Box::new(ZipSt {
            cur: z.cur,
            end: z.end,
            elems: z.elems.clone(),
            item_ty: z.item_ty.clone(),
            maps: z.maps.clone(),
            signed: z.signed,
            mutable: z.mutable,
            nd: z.nd.clone(),
        })),
    }
}

fn take_heads(ads: &[Adapter], states: &[St]) -> Vec<(Variable, Value)> {
    ads.iter()
        .zip(states)
        .filter_map(|(a, s)| match (a, s) {
            (Adapter::Take(_), St::Limit(v, n)) => Some((*v, *n)),
            _ => None,
        })
        .collect()
}

/// Push `rev` into the source when everything before it commutes with reversal.
fn normalize(it: &IterExpr) -> Result<(bool, Vec<Adapter>)> {
    let mut rev = false;
    let mut out: Vec<Adapter> = vec![];
    for a in &it.adapters {
        if let Adapter::Rev = a {
            if out
                .iter()
                .any(|x| !matches!(x, Adapter::Map(_) | Adapter::Filter(_) | Adapter::Copied))
            {
                return Err(Error::unsupported(
                    it.span,
                    "`rev()` after enumerate/zip/take/skip/step_by/chain",
                ));
            }
            rev = !rev;
        } else {
            out.push(a.clone());
        }
    }
    Ok((rev, out))
}
