//! Loops over the elements of an array or view in logical (row-major) order, as ndarray's
//! `Iter`/`IterMut` visit them, whatever the strides (`typeck/array_iters.rs`). The header is
//! read once before the loop. A 1-d array is a counted loop over `data + k·stride` (rotated, like
//! a slice's); 2-d and 3-d arrays keep a running address and the innermost index, and step to
//! the next row when it wraps (no division per element). As a `zip` partner the address of the
//! k-th element is computed from k (`nd_elem_addr`).

use super::iters::{Frame, Item};
use super::{Lowerer, V};
use crate::abi::ndbox::{off_dim, off_stride, OFF_DATA, OFF_LEN};
use crate::abi::ty::Ty;
use crate::diag::{Error, Result};
use crate::typeck::array_iters::nd_source_mutable;
use crate::typeck::typed::Expr;
use crate::typeck::views::arrayish;
use cranelift_codegen::ir::{condcodes::IntCC, types, Block, InstBuilder, Value};
use cranelift_frontend::Variable;

/// An array's header, read before a loop: data pointer, element count, dims, strides in bytes.
#[derive(Clone, Debug)]
pub struct NdWalk {
    pub data: Value,
    pub len: Value,
    pub dims: Vec<Value>,
    pub strides: Vec<Value>,
    pub et: Ty,
    pub mutable: bool,
}

impl<'a, 'b> Lowerer<'a, 'b> {
    pub fn nd_walk(&mut self, seq: &Expr) -> Result<NdWalk> {
        let (et, nd, _) = arrayish(&seq.ty).expect("an array source");
        let sz = et.layout().0 as i64;
        let a = self.expr(seq, false)?.s();
        let data = self.hdr_load_of(seq, a, OFF_DATA);
        let len = self.hdr_load_of(seq, a, OFF_LEN);
        let mut dims = vec![];
        let mut strides = vec![];
        for k in 0..nd as usize {
            dims.push(self.hdr_load_of(seq, a, off_dim(k)));
            let s = self.hdr_load_of(seq, a, off_stride(k));
            strides.push(self.b.ins().imul_imm_s(s, sz));
        }
        Ok(NdWalk {
            data,
            len,
            dims,
            strides,
            et,
            mutable: nd_source_mutable(seq),
        })
    }

    /// The address of the `k`-th element in logical order (`k < len`, so no dim is 0).
    pub fn nd_elem_addr(&mut self, w: &NdWalk, k: Value) -> Value {
        let mut rest = k;
        let mut off = None;
        for ax in (0..w.dims.len()).rev() {
            let (i, next) = if ax == 0 {
                (rest, None)
            } else {
                let q = self.b.ins().udiv(rest, w.dims[ax]);
                let qd = self.b.ins().imul(q, w.dims[ax]);
                (self.b.ins().isub(rest, qd), Some(q))
            };
            let p = self.b.ins().imul(i, w.strides[ax]);
            off = Some(match off {
                None => p,
                Some(o) => self.b.ins().iadd(o, p),
            });
            if let Some(q) = next {
                rest = q;
            }
        }
        let off = off.unwrap_or_else(|| self.b.ins().iconst(types::I64, 0));
        self.b.ins().iadd(w.data, off)
    }

    fn nd_item(&mut self, w: &NdWalk, addr: Value) -> Item {
        if w.mutable && w.et.is_scalar() {
            return Item::V(V::S(addr));
        }
        Item::V(self.load_mem(&w.et, addr, 0))
    }

    /// The source loop of an array's elements (see the module doc); `f` gets each item.
    #[allow(clippy::too_many_arguments)]
    pub fn nd_source_loop(
        &mut self,
        seq: &Expr,
        rev: bool,
        heads: &[(Variable, Value)],
        strip: bool,
        end_b: Block,
        exit: Block,
        f: &mut dyn FnMut(&mut Self, Item, Frame) -> Result<()>,
    ) -> Result<()> {
        let w = self.nd_walk(seq)?;
        let header = self.b.create_block();
        let body = self.b.create_block();
        let latch = self.b.create_block();
        let k = self.b.declare_var(types::I64);
        if w.dims.len() == 1 && !rev && heads.is_empty() {
            self.b.seal_block(header);
            let z = self.b.ins().iconst(types::I64, 0);
            let (data, s0) = (w.data, w.strides[0]);
            let wc = w.clone();
            let mut item = move |l: &mut Self, k: Value| {
                let off = l.b.ins().imul(k, s0);
                let addr = l.b.ins().iadd(data, off);
                l.nd_item(&wc, addr)
            };
            return self.rotated_loop(
                k,
                (z, w.len, IntCC::UnsignedLessThan),
                (body, latch),
                strip,
                (end_b, exit),
                &mut item,
                f,
            );
        }
        if rev && w.dims.len() > 1 {
            return Err(Error::unsupported(
                seq.span,
                "`rev()` over a 2-d or 3-d array's elements (iterate a 1-d view, e.g. a row)",
            ));
        }
        if w.dims.len() == 1 {
            // reversed, or with take/zip heads: index k counts the elements
            let start = if rev {
                w.len
            } else {
                self.b.ins().iconst(types::I64, 0)
            };
            self.b.def_var(k, start);
            self.b.ins().jump(header, &[]);
            self.b.switch_to_block(header);
            self.head_checks(heads, exit);
            let kv = self.b.use_var(k);
            let more = if rev {
                self.b.ins().icmp_imm_s(IntCC::NotEqual, kv, 0)
            } else {
                self.b.ins().icmp(IntCC::UnsignedLessThan, kv, w.len)
            };
            self.b.ins().brif(more, body, &[], end_b, &[]);
            self.b.switch_to_block(body);
            self.b.seal_block(body);
            let kv = if rev {
                let kv = self.b.use_var(k);
                let k1 = self.b.ins().iadd_imm_s(kv, -1);
                self.b.def_var(k, k1);
                k1
            } else {
                self.b.use_var(k)
            };
            let off = self.b.ins().imul(kv, w.strides[0]);
            let addr = self.b.ins().iadd(w.data, off);
            let item = self.nd_item(&w, addr);
            f(self, item, Frame { next: latch, exit })?;
            self.b.switch_to_block(latch);
            self.b.seal_block(latch);
            if !rev {
                let kv = self.b.use_var(k);
                let k1 = self.b.ins().iadd_imm_s(kv, 1);
                self.b.def_var(k, k1);
            }
            self.poll_interrupt(header);
            self.b.seal_block(header);
            return Ok(());
        }
        // 2-d / 3-d: a running address; the inner indices wrap into the next row.
        let nd = w.dims.len();
        let addr = self.b.declare_var(types::I64);
        let idx: Vec<Variable> = (1..nd).map(|_| self.b.declare_var(types::I64)).collect();
        let z = self.b.ins().iconst(types::I64, 0);
        self.b.def_var(k, z);
        self.b.def_var(addr, w.data);
        for v in &idx {
            self.b.def_var(*v, z);
        }
        // What to add to the address when axis `ax` (≥ 1) wraps: back to its start, one step on the axis above.
        let mut back = vec![];
        for ax in 1..nd {
            let span = self.b.ins().imul(w.dims[ax], w.strides[ax]);
            back.push(self.b.ins().isub(w.strides[ax - 1], span));
        }
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        self.head_checks(heads, exit);
        let kv = self.b.use_var(k);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, kv, w.len);
        self.b.ins().brif(more, body, &[], end_b, &[]);
        self.b.switch_to_block(body);
        self.b.seal_block(body);
        let av = self.b.use_var(addr);
        let item = self.nd_item(&w, av);
        f(self, item, Frame { next: latch, exit })?;
        self.b.switch_to_block(latch);
        self.b.seal_block(latch);
        let kv = self.b.use_var(k);
        let k1 = self.b.ins().iadd_imm_s(kv, 1);
        self.b.def_var(k, k1);
        let av = self.b.use_var(addr);
        let a1 = self.b.ins().iadd(av, w.strides[nd - 1]);
        self.b.def_var(addr, a1);
        let cont = self.b.create_block();
        // innermost axis first; a wrap carries into the axis above (never past axis 1: k < len ends the loop)
        for ax in (1..nd).rev() {
            let v = idx[ax - 1];
            let jv = self.b.use_var(v);
            let j1 = self.b.ins().iadd_imm_s(jv, 1);
            self.b.def_var(v, j1);
            let wrap = self.b.ins().icmp(IntCC::Equal, j1, w.dims[ax]);
            let carry = self.b.create_block();
            self.b.ins().brif(wrap, carry, &[], cont, &[]);
            self.b.switch_to_block(carry);
            self.b.seal_block(carry);
            self.b.def_var(v, z);
            let av = self.b.use_var(addr);
            let a2 = self.b.ins().iadd(av, back[ax - 1]);
            self.b.def_var(addr, a2);
        }
        self.b.ins().jump(cont, &[]);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
        self.poll_interrupt(header);
        self.b.seal_block(header);
        Ok(())
    }
}
