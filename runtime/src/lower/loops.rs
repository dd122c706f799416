//! `while`, `loop`, `for`, break/continue, and the facts that elide bounds checks.

use super::{LoopInfo, Lowerer, V};
use crate::abi::ty::Ty;
use crate::diag::Result;
use crate::typeck::typed::{
    Adapter, Block, Consumer, Expr, ExprKind as K, Intr, IterExpr, IterSrc, LocalId, LoopId, Pat,
    Stmt,
};
use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder, Value};

/// Visit every expression of a block (pre-order), including nested blocks and closures' uses.
pub fn walk_block<'e>(b: &'e Block, f: &mut dyn FnMut(&'e Expr)) {
    for s in &b.stmts {
        match s {
            Stmt::Let { init: Some(e), .. } | Stmt::Expr(e) => walk(e, f),
            _ => {}
        }
    }
    if let Some(t) = &b.tail {
        walk(t, f);
    }
}

pub fn walk<'e>(e: &'e Expr, f: &mut dyn FnMut(&'e Expr)) {
    f(e);
    match &e.kind {
        K::Neg(x)
        | K::Not(x)
        | K::Deref(x)
        | K::Ref(x, _)
        | K::ToSlice(x)
        | K::Cast(x)
        | K::Field(x, _)
        | K::Some(x)
        | K::ArrayRepeat(x, _) => walk(x, f),
        K::Binary(_, a, b)
        | K::And(a, b)
        | K::Or(a, b)
        | K::Assign(a, b)
        | K::OpAssign(_, a, b)
        | K::Index(a, b)
        | K::VecRepeat(a, b) => {
            walk(a, f);
            walk(b, f);
        }
        K::If(c, a, b) => {
            walk(c, f);
            walk(a, f);
            if let Some(b) = b {
                walk(b, f);
            }
        }
        K::Block(b) | K::Loop { body: b, .. } => walk_block(b, f),
        K::While { cond, body, .. } => {
            walk(cond, f);
            walk_block(body, f);
        }
        K::For { iter, body, .. } => {
            walk_iter(iter, f);
            walk_block(body, f);
        }
        K::Break { value: Some(v), .. } | K::Return(Some(v)) => walk(v, f),
        K::Call(_, a)
        | K::CallClosure(_, a)
        | K::Intrinsic(_, a)
        | K::Tuple(a)
        | K::Array(a)
        | K::VecLit(a) => a.iter().for_each(|x| walk(x, f)),
        K::Match(s, arms) => {
            walk(s, f);
            for a in arms {
                if let Some(g) = &a.guard {
                    walk(g, f);
                }
                walk(&a.body, f);
            }
        }
        K::Format(_, fm) | K::Unreachable(Some(fm)) => fm.args.iter().for_each(|x| walk(x, f)),
        K::Assert { cond, msg, .. } => {
            walk(cond, f);
            msg.iter()
                .for_each(|fm| fm.args.iter().for_each(|x| walk(x, f)));
        }
        K::AssertEq { l, r, msg, .. } => {
            walk(l, f);
            walk(r, f);
            msg.iter()
                .for_each(|fm| fm.args.iter().for_each(|x| walk(x, f)));
        }
        K::Consume(it, c) => {
            walk_iter(it, f);
            if let Consumer::Fold(init, _) = c {
                walk(init, f);
            }
        }
        _ => {}
    }
}

fn walk_iter<'e>(it: &'e IterExpr, f: &mut dyn FnMut(&'e Expr)) {
    match &it.src {
        IterSrc::Range { start, end, .. } => {
            walk(start, f);
            walk(end, f);
        }
        IterSrc::Elems { seq, .. } => walk(seq, f),
    }
    // Adapter arguments are expressions too (`.take(f(n))`, `.zip(g(v).iter())`): every
    // walker (callee collection, mutation analysis) must see them.
    for a in &it.adapters {
        match a {
            Adapter::Take(x) | Adapter::Skip(x) | Adapter::StepBy(x) => walk(x, f),
            Adapter::Zip(o) | Adapter::Chain(o) => walk_iter(o, f),
            _ => {}
        }
    }
}

fn root_local(e: &Expr) -> Option<LocalId> {
    match &e.kind {
        K::Local(id) => Some(*id),
        K::Deref(x) | K::Ref(x, _) | K::ToSlice(x) | K::Index(x, _) | K::Field(x, _) => {
            root_local(x)
        }
        _ => None,
    }
}

/// Could `body` change the length of local `x` (or rebind it)? Conservative.
pub fn may_change_len(body: &Block, x: LocalId, closures_mutate: bool) -> bool {
    let mut hit = closures_mutate;
    walk_block(body, &mut |e| match &e.kind {
        K::Assign(l, _) | K::OpAssign(_, l, _) if matches!(l.kind, K::Local(id) if id == x) => {
            hit = true
        }
        K::Ref(inner, true) if root_local(inner) == Some(x) => hit = true,
        // A method of a scalar element (`x[j].wrapping_mul(k)`) reads the element only.
        K::Intrinsic(i, args)
            if !matches!(
                i,
                Intr::Len
                    | Intr::IsEmpty
                    | Intr::Contains
                    | Intr::Clone
                    | Intr::ToVec
                    | Intr::SubSlice
                    | Intr::Swap
                    | Intr::SliceFill
            ) && !args.first().is_some_and(|a| a.ty.is_scalar()) =>
        {
            if args.first().and_then(root_local) == Some(x) {
                hit = true;
            }
        }
        K::Call(_, args) => {
            if args
                .iter()
                .any(|a| root_local(a) == Some(x) && !matches!(a.ty, Ty::Ref(_, false)))
            {
                hit = true;
            }
        }
        _ => {}
    });
    hit
}

impl Lowerer<'_, '_> {
    pub fn break_to(&mut self, id: LoopId, v: Option<V>) {
        let (exit, depth, vars, temps) = {
            let l = &self.loops[&id];
            (l.exit, l.depth, l.result.clone(), l.temps)
        };
        if let Some(v) = v {
            self.assign_vars(&vars, v);
        }
        self.free_temps_on_exit(temps);
        self.drop_scopes(depth);
        self.b.ins().jump(exit, &[]);
    }

    pub fn while_loop(&mut self, id: LoopId, cond: &Expr, body: &Block) -> Result<V> {
        let header = self.b.create_block();
        let bodyb = self.b.create_block();
        let latch = self.b.create_block();
        let exit = self.b.create_block();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        // The condition's temporaries die before the body runs (once per test, not per loop).
        let mark = self.temps_len();
        let c = self.expr(cond, false)?;
        self.free_temps(mark);
        if self.reachable() {
            self.b.ins().brif(c.s(), bodyb, &[], exit, &[]);
        }
        self.b.switch_to_block(bodyb);
        self.b.seal_block(bodyb);
        self.loops.insert(
            id,
            LoopInfo {
                next: latch,
                exit,
                depth: self.scope_depth(),
                result: vec![],
                result_ty: Ty::Unit,
                temps: self.temps.len(),
            },
        );
        self.block(body, false)?;
        if self.reachable() {
            self.b.ins().jump(latch, &[]);
        }
        self.b.switch_to_block(latch);
        self.b.seal_block(latch);
        self.poll_interrupt(header);
        self.b.seal_block(header);
        self.b.switch_to_block(exit);
        self.b.seal_block(exit);
        Ok(V::Unit)
    }

    pub fn loop_loop(&mut self, id: LoopId, body: &Block, t: &Ty) -> Result<V> {
        let header = self.b.create_block();
        let latch = self.b.create_block();
        let exit = self.b.create_block();
        let vars = self.result_vars(t);
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        self.loops.insert(
            id,
            LoopInfo {
                next: latch,
                exit,
                depth: self.scope_depth(),
                result: vars.clone(),
                result_ty: t.clone(),
                temps: self.temps.len(),
            },
        );
        self.block(body, false)?;
        if self.reachable() {
            self.b.ins().jump(latch, &[]);
        }
        self.b.switch_to_block(latch);
        self.b.seal_block(latch);
        self.poll_interrupt(header);
        self.b.seal_block(header);
        self.b.switch_to_block(exit);
        self.b.seal_block(exit);
        if *t == Ty::Never {
            return Ok(V::Unit);
        }
        Ok(self.read_vars(&vars, t))
    }

    pub fn for_loop(&mut self, id: LoopId, pat: &Pat, iter: &IterExpr, body: &Block) -> Result<V> {
        // Short constant ranges are unrolled: the body is emitted once per value.
        if let Some(vals) = self.unrollable(id, pat, iter, body) {
            let ty = iter.item.clone();
            let c = super::cl_ty(&ty);
            for v in vals {
                if !self.reachable() {
                    break;
                }
                self.push_scope();
                let k = self.b.ins().iconst(c, v as i64);
                self.bind(pat, &ty, V::S(k))?;
                self.block(body, false)?;
                self.scopes.pop();
            }
            return Ok(V::Unit);
        }
        if let Some(form) = super::loop_form::of_for(self.f, pat, iter, body) {
            let mut general = |l: &mut Self| l.general_for(id, pat, iter, body);
            if let Some(v) = self.lower_form(&form, &mut general)? {
                return Ok(v);
            }
        }
        self.general_for(id, pat, iter, body)
    }

    /// A `for` loop as written (no loop form applies, or its checked fallback).
    fn general_for(&mut self, id: LoopId, pat: &Pat, iter: &IterExpr, body: &Block) -> Result<V> {
        let positive = match (&iter.src, pat) {
            // `for mut i in 1..n { i -= 1; x / i }`: a reassigned loop variable proves nothing.
            (IterSrc::Range { start, .. }, Pat::Bind(id))
                if iter
                    .adapters
                    .iter()
                    .all(|a| matches!(a, crate::typeck::typed::Adapter::StepBy(_)))
                    && !self.f.locals[*id as usize].mutable =>
            {
                matches!(start.kind, K::Int(v) if v >= 1).then_some(*id)
            }
            _ => None,
        };
        if let Some(id) = positive {
            self.positive.insert(id);
        }
        let proven = self.proven_seq(pat, iter, body);
        // A forward range is the rotated loop (`iters::source_loop`): the loop variable's
        // value is a parameter of the body block, so it is `< len` wherever it is available.
        let forward = iter.adapters.is_empty();
        if let Some(p) = proven {
            self.proven.insert(p);
            if forward {
                self.proven_fwd.insert(p);
            }
        }
        // `for j in 0..x.len() { .. y[j] .. }`: the range proves `x[j]`; the other indexes
        // may still be tested once before the loop (both copies keep `x[j]` unchecked).
        if let Some(r) = self.versioned_for(id, pat, iter, body)? {
            if let Some(p) = proven {
                self.proven.remove(&p);
                self.proven_fwd.remove(&p);
            }
            return Ok(r);
        }
        if let (Some(p), true) = (proven, forward) {
            if let Some(r) = self.vector_only_for(id, pat, iter, body)? {
                self.proven.remove(&p);
                self.proven_fwd.remove(&p);
                return Ok(r);
            }
        }
        let depth = self.scope_depth();
        let item_ty = iter.item.clone();
        self.strip_leaf = super::rotated::leaf_block(body);
        self.run_iter(iter, &mut |l: &mut Self, item, frame| {
            l.loops.insert(
                id,
                LoopInfo {
                    next: frame.next,
                    exit: frame.exit,
                    depth,
                    result: vec![],
                    result_ty: Ty::Unit,
                    temps: l.temps.len(),
                },
            );
            l.push_scope();
            l.bind_item(pat, &item_ty, item)?;
            l.block(body, false)?;
            l.pop_scope();
            if l.reachable() {
                l.b.ins().jump(frame.next, &[]);
            }
            Ok(())
        })?;
        if let Some(p) = proven {
            self.proven.remove(&p);
            self.proven_fwd.remove(&p);
        }
        Ok(V::Unit)
    }

    fn unrollable(
        &self,
        id: LoopId,
        pat: &Pat,
        iter: &IterExpr,
        body: &Block,
    ) -> Option<Vec<i128>> {
        let IterSrc::Range {
            start,
            end,
            inclusive,
        } = &iter.src
        else {
            return None;
        };
        if !iter.adapters.is_empty() || !matches!(pat, Pat::Bind(_) | Pat::Wild) {
            return None;
        }
        let (K::Int(a), K::Int(b)) = (&start.kind, &end.kind) else {
            return None;
        };
        let b = if *inclusive { *b + 1 } else { *b };
        if b - a > 4 || b <= *a {
            return None;
        }
        let mut ok = true;
        let mut size = 0;
        walk_block(body, &mut |e| {
            size += 1;
            match &e.kind {
                K::Break { id: i, .. } | K::Continue(i) if *i == id => ok = false,
                K::While { .. } | K::Loop { .. } => ok = false,
                _ => {}
            }
        });
        (ok && size < 200).then(|| (*a..b).collect())
    }

    /// `for i in a..X.len()` (or `..n` with `let n = X.len()`), X's length unchanged by the
    /// body: every `X[i]` in the body is in bounds.
    fn proven_seq(&self, pat: &Pat, iter: &IterExpr, body: &Block) -> Option<(LocalId, LocalId)> {
        let IterSrc::Range {
            end,
            inclusive: false,
            ..
        } = &iter.src
        else {
            return None;
        };
        if iter
            .adapters
            .iter()
            .any(|a| !matches!(a, crate::typeck::typed::Adapter::Rev))
        {
            return None;
        }
        let Pat::Bind(i) = pat else { return None };
        if iter.item != Ty::USIZE || self.f.locals[*i as usize].mutable {
            return None;
        }
        let seq = match &end.kind {
            K::Intrinsic(Intr::Len, args) => super::place::seq_local(&args[0])?,
            K::Local(n) => *self.len_of.get(n)?,
            _ => return None,
        };
        if may_change_len(body, seq, false) {
            return None;
        }
        Some((*i, seq))
    }

    /// A counted loop `for k in 0..n` emitted directly (fill, contains).
    pub fn count_loop(
        &mut self,
        n: Value,
        f: &mut dyn FnMut(&mut Self, Value) -> Result<()>,
    ) -> Result<()> {
        let k = self.b.declare_var(types::I64);
        let z = self.b.ins().iconst(types::I64, 0);
        self.b.def_var(k, z);
        let header = self.b.create_block();
        let body = self.b.create_block();
        let exit = self.b.create_block();
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        let kv = self.b.use_var(k);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, kv, n);
        self.b.ins().brif(more, body, &[], exit, &[]);
        self.b.switch_to_block(body);
        self.b.seal_block(body);
        f(self, kv)?;
        let k1 = self.b.ins().iadd_imm_s(kv, 1);
        self.b.def_var(k, k1);
        self.poll_interrupt(header);
        self.b.seal_block(header);
        self.b.switch_to_block(exit);
        self.b.seal_block(exit);
        Ok(())
    }
}
