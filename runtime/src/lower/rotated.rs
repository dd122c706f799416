//! Counted loops with the test at the bottom (rotated), and where their interrupt poll goes.
//!
//! A rotated loop takes one taken branch per iteration (back to the body) instead of two
//! (latch → header → body). Its variable is a parameter of the body block, reached only
//! after `v < end` was tested — `place.rs` relies on that to move loads (`proven_fwd`).
//!
//! Interrupt polls: every loop polls the interrupt flag at its back-edge (two loads, a
//! branch). In a short leaf loop (no inner loops, calls or long runtime operations, see
//! `leaf_block`) that is a fifth of the work, and it keeps fewer iterations in flight. Such
//! a loop is strip-mined instead: the body runs up to `CHUNK` iterations against a chunk end
//! `min(end, v + CHUNK)` — the same one compare per iteration as the plain loop's `v < end` —
//! and the poll runs between chunks. A leaf body of at most `LEAF_MAX` expression nodes
//! (constant loops unrolled at most 16-fold) runs a chunk in well under a millisecond, so an
//! interrupt still lands within 100 ms.

use super::iters::{Frame, Item};
use super::loops::walk_block;
use super::{Lowerer, V};
use crate::diag::Result;
use crate::typeck::typed::{Block, ExprKind as K, Intr, IterSrc, NdOp};
use cranelift_codegen::ir::{condcodes::IntCC, types, Block as ClBlock, InstBuilder, Value};
use cranelift_frontend::Variable;

/// Iterations between two interrupt polls of a strip-mined leaf loop.
pub const CHUNK: i64 = 1024;
/// Largest leaf body (expression nodes, as `walk_block` counts them) that is strip-mined.
const LEAF_MAX: usize = 64;

/// Intrinsics that take bounded time whatever their arguments (scalar math, O(1) Vec ops).
fn bounded_intrinsic(i: &Intr) -> bool {
    use Intr::*;
    match i {
        FUnary(_) | FBinary(_) | MulAdd | Powi | IsNan | IsFinite | IsInfinite | IAbs | IPow
        | IMin | IMax | RemEuclid | DivEuclid | Wrapping(_) | Checked(_) | Saturating(_)
        | Signum | CountOnes | LeadingZeros | TrailingZeros => true,
        IsNormal | IsSignNegative | IsSignPositive | FClamp | IsPositive | IsNegative | AbsDiff
        | IClamp => true,
        VecPush | VecPop | Len | IsEmpty | Swap | Unwrap | Expect | UnwrapOr | IsSome | IsNone
        | CharToDigit | CharIsDigit | SubSlice | CmpMin | CmpMax => true,
        Nd(NdOp::Dim(_) | NdOp::Len | NdOp::Shape | NdOp::DimTuple) => true,
        _ => false,
    }
}

/// Is `body` a short leaf: no loops other than tiny constant ones (which are unrolled), no
/// calls, closures, iterator consumers, formatting or data-sized runtime operations?
pub fn leaf_block(body: &Block) -> bool {
    let mut ok = true;
    let mut size = 0usize;
    walk_block(body, &mut |e| {
        size += 1;
        match &e.kind {
            K::For { iter, .. } => {
                // Unrolled by `for_loop` when short and constant (`unrollable`); anything else is a loop.
                let small = matches!(&iter.src, IterSrc::Range { start, end, inclusive }
                    if iter.adapters.is_empty() && matches!((&start.kind, &end.kind), (K::Int(a), K::Int(b)) if (if *inclusive { *b + 1 } else { *b }) - *a <= 4));
                ok &= small;
                size += 16;
            }
            K::While { .. }
            | K::Loop { .. }
            | K::Call(..)
            | K::CallClosure(..)
            | K::Consume(..)
            | K::Format(..)
            | K::VecRepeat(..) => ok = false,
            K::Intrinsic(i, _) => ok &= bounded_intrinsic(i),
            _ => {}
        }
    });
    ok && size <= LEAF_MAX
}

impl Lowerer<'_, '_> {
    /// `for v in s..e` (step 1, `lt` the type's `<`), rotated. `item` turns the loop variable
    /// into the sink's item; `strip` asks for a per-chunk interrupt poll (module doc; only
    /// for 32/64-bit counters, where `CHUNK` fits).
    #[allow(clippy::too_many_arguments)]
    pub fn rotated_loop(
        &mut self,
        var: Variable,
        (s, e, lt): (Value, Value, IntCC),
        (body, latch): (ClBlock, ClBlock),
        strip: bool,
        (end_b, exit): (ClBlock, ClBlock),
        item: &mut dyn FnMut(&mut Self, Value) -> Item,
        f: &mut dyn FnMut(&mut Self, Item, Frame) -> Result<()>,
    ) -> Result<()> {
        let ty = self.b.func.dfg.value_type(s);
        let strip = strip && (ty == types::I64 || ty == types::I32);
        self.b.def_var(var, s);
        let more = self.b.ins().icmp(lt, s, e);
        if !strip {
            self.b.ins().brif(more, body, &[], end_b, &[]);
            self.b.switch_to_block(body);
            let i1 = self.range_body_step(var, latch, exit, item, f)?;
            let test = self.b.create_block();
            self.poll_interrupt(test);
            self.b.switch_to_block(test);
            self.b.seal_block(test);
            let more = self.b.ins().icmp(lt, i1, e);
            self.b.ins().brif(more, body, &[], end_b, &[]);
            self.b.seal_block(body);
            return Ok(());
        }
        let chunk = self.b.create_block();
        self.b.ins().brif(more, chunk, &[], end_b, &[]);
        self.b.switch_to_block(chunk);
        // v < e here, so e - v is the count left, as an unsigned number of the counter's width.
        let v = self.b.use_var(var);
        let left = self.b.ins().isub(e, v);
        let big = self
            .b
            .ins()
            .icmp_imm_s(IntCC::UnsignedGreaterThan, left, CHUNK);
        let vk = self.b.ins().iadd_imm_s(v, CHUNK);
        let ce = self.b.ins().select(big, vk, e);
        self.b.ins().jump(body, &[]);
        self.b.switch_to_block(body);
        let i1 = self.range_body_step(var, latch, exit, item, f)?;
        let more = self.b.ins().icmp(lt, i1, ce);
        let polled = self.b.create_block();
        self.b.ins().brif(more, body, &[], polled, &[]);
        self.b.seal_block(body);
        self.b.switch_to_block(polled);
        self.b.seal_block(polled);
        let test = self.b.create_block();
        self.poll_interrupt(test);
        self.b.switch_to_block(test);
        self.b.seal_block(test);
        let more = self.b.ins().icmp(lt, i1, e);
        self.b.ins().brif(more, chunk, &[], end_b, &[]);
        self.b.seal_block(chunk);
        Ok(())
    }

    /// The body of a forward counted loop and its step: the sink gets the item of `var`,
    /// then the latch (where `continue` lands) adds 1. Returns the stepped value.
    pub fn range_body_step(
        &mut self,
        var: Variable,
        latch: ClBlock,
        exit: ClBlock,
        item: &mut dyn FnMut(&mut Self, Value) -> Item,
        f: &mut dyn FnMut(&mut Self, Item, Frame) -> Result<()>,
    ) -> Result<Value> {
        let iv = self.b.use_var(var);
        let it = item(self, iv);
        f(self, it, Frame { next: latch, exit })?;
        self.b.switch_to_block(latch);
        self.b.seal_block(latch);
        let iv = self.b.use_var(var);
        let i1 = self.b.ins().iadd_imm_s(iv, 1);
        self.b.def_var(var, i1);
        Ok(i1)
    }
}

pub fn scalar_item(_: &mut Lowerer<'_, '_>, v: Value) -> Item {
    Item::V(V::S(v))
}
