//! Loop versioning: the bounds checks of affine indexes hoisted out of counted loops.
//!
//! For `for j in a..b` (usize, step 1, `j` immutable) every index `x[e]` in the body
//! whose `e` is `K + j` or just `K` is a candidate, where K is built with `+ - *` from
//! integer literals, immutable usize locals bound outside the loop (and never assigned in
//! it), and the variables of constant ranges `for d in c0..c1` nested in the body.
//! Before the loop, for every combination of those constant-range values, the first and
//! last index are computed; one branch then picks a copy of the loop without those checks,
//! or the original checked copy.
//!
//! Why that proves every index in range: overflow checks are off (release), so usize
//! arithmetic wraps and `e(j) = (K + j) mod 2^64` with K fixed while the loop runs (its
//! leaves cannot change). For consecutive j from a to b-1 the values are consecutive mod
//! 2^64; they wrap past 2^64 exactly when `e(b-1) < e(a)`. So `e(a) <= e(b-1) < len`
//! puts every `e(j)` in `[e(a), e(b-1)]`, inside the sequence, whose length the body
//! cannot change (`may_change_len`). Breaks, returns and panics only shorten the
//! iterations, and a candidate under an `if` that never runs is tested needlessly but
//! soundly. When any test fails the checked copy runs: the same panic at the same
//! iteration with the same message.

use super::loops::{may_change_len, walk_block};
use super::{LoopInfo, Lowerer, V};
use crate::abi::ty::Ty;
use crate::diag::Result;
use crate::typeck::typed::{
    Adapter, BinOp, Block, Expr, ExprKind as K, Intr, IterExpr, IterSrc, LocalId, LoopId, MatchPat,
    Pat, Stmt,
};
use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder, Value};
use std::collections::{HashMap, HashSet};

/// At most this many loops versioned inside each other (each level doubles the code).
const MAX_DEPTH: u32 = 2;
/// At most this many combinations of constant-range values per index.
const MAX_COMBOS: usize = 16;
/// Bodies larger than this (expression nodes) are not copied.
const MAX_BODY: usize = 3000;

/// A hoisted check: `seq[idx]`, the constant-range variables `idx` uses.
struct Cand<'e> {
    seq: LocalId,
    idx: &'e Expr,
    has_j: bool,
    vars: Vec<LocalId>,
}

fn pat_locals(p: &Pat, out: &mut HashSet<LocalId>) {
    match p {
        Pat::Bind(id) => {
            out.insert(*id);
        }
        Pat::Tuple(ps) => ps.iter().for_each(|q| pat_locals(q, out)),
        Pat::Deref(q) => pat_locals(q, out),
        Pat::Global(_) | Pat::Wild => {}
    }
}

fn match_pat_locals(p: &MatchPat, out: &mut HashSet<LocalId>) {
    match p {
        MatchPat::Bind(id) => {
            out.insert(*id);
        }
        MatchPat::Or(ps) => ps.iter().for_each(|q| match_pat_locals(q, out)),
        MatchPat::Some(q) => match_pat_locals(q, out),
        _ => {}
    }
}

fn block_lets(b: &Block, out: &mut HashSet<LocalId>) {
    for s in &b.stmts {
        if let Stmt::Let { pat, .. } = s {
            pat_locals(pat, out);
        }
    }
}

/// Facts about a loop body: locals bound in it, locals assigned in it, and the value
/// ranges of its constant-range loop variables.
pub(super) struct BodyFacts {
    bound: HashSet<LocalId>,
    assigned: HashSet<LocalId>,
    ranges: HashMap<LocalId, (i128, i128)>,
    size: usize,
}

fn body_facts(body: &Block) -> BodyFacts {
    let mut f = BodyFacts {
        bound: HashSet::new(),
        assigned: HashSet::new(),
        ranges: HashMap::new(),
        size: 0,
    };
    block_lets(body, &mut f.bound);
    walk_block(body, &mut |e| {
        f.size += 1;
        match &e.kind {
            K::Block(b) | K::Loop { body: b, .. } | K::While { body: b, .. } => {
                block_lets(b, &mut f.bound)
            }
            K::For {
                pat, iter, body: b, ..
            } => {
                block_lets(b, &mut f.bound);
                pat_locals(pat, &mut f.bound);
                if let (Pat::Bind(v), Some(r)) = (pat, const_range(iter)) {
                    f.ranges.insert(*v, r);
                }
            }
            K::Match(_, arms) => arms
                .iter()
                .for_each(|a| match_pat_locals(&a.pat, &mut f.bound)),
            K::Assign(l, _) | K::OpAssign(_, l, _) => {
                if let K::Local(id) = l.kind {
                    f.assigned.insert(id);
                }
            }
            // `bump(&mut k)`: the callee may assign k.
            K::Ref(x, true) => {
                if let K::Local(id) = x.kind {
                    f.assigned.insert(id);
                }
            }
            _ => {}
        }
    });
    f
}

/// `for d in c0..c1` / `c0..=c1` (optionally `.rev()`) over usize: the inclusive value range.
fn const_range(it: &IterExpr) -> Option<(i128, i128)> {
    let IterSrc::Range {
        start,
        end,
        inclusive,
    } = &it.src
    else {
        return None;
    };
    if it.item != Ty::USIZE || !it.adapters.iter().all(|a| matches!(a, Adapter::Rev)) {
        return None;
    }
    let (K::Int(a), K::Int(b)) = (&start.kind, &end.kind) else {
        return None;
    };
    let hi = if *inclusive { *b } else { *b - 1 };
    (*a <= hi).then_some((*a, hi))
}

/// Can `e` be evaluated a second time with no effect and the same value (range bounds)?
fn pure(e: &Expr) -> bool {
    match &e.kind {
        K::Int(_) | K::Local(_) => true,
        K::Binary(op, a, b) => !matches!(op, BinOp::Div | BinOp::Rem) && pure(a) && pure(b),
        K::Deref(x) | K::Ref(x, _) | K::ToSlice(x) | K::Cast(x) => pure(x),
        K::Intrinsic(Intr::Len, a) => a.len() == 1 && pure(&a[0]),
        _ => false,
    }
}

impl Lowerer<'_, '_> {
    /// Is `e` `K + j` / `K` (see the module doc)? `Some(true)` when it contains `j` once.
    pub(super) fn affine(
        &self,
        e: &Expr,
        j: LocalId,
        facts: &BodyFacts,
        vars: &mut Vec<LocalId>,
    ) -> Option<bool> {
        if e.ty != Ty::USIZE {
            return None;
        }
        match &e.kind {
            K::Int(_) => Some(false),
            K::Local(id) if *id == j => Some(true),
            K::Local(id) => {
                let l = &self.f.locals[*id as usize];
                if l.mutable || facts.assigned.contains(id) {
                    return None;
                }
                if facts.ranges.contains_key(id) {
                    if !vars.contains(id) {
                        vars.push(*id);
                    }
                    return Some(false);
                }
                (!facts.bound.contains(id)).then_some(false)
            }
            K::Binary(BinOp::Add, a, b) => {
                let (x, y) = (
                    self.affine(a, j, facts, vars)?,
                    self.affine(b, j, facts, vars)?,
                );
                (!(x && y)).then_some(x || y)
            }
            K::Binary(BinOp::Sub, a, b) => {
                let x = self.affine(a, j, facts, vars)?;
                (!self.affine(b, j, facts, vars)?).then_some(x)
            }
            K::Binary(BinOp::Mul, a, b) => {
                let (x, y) = (
                    self.affine(a, j, facts, vars)?,
                    self.affine(b, j, facts, vars)?,
                );
                (!x && !y).then_some(false)
            }
            _ => None,
        }
    }

    /// `e` with `env`'s values for locals, in wrapping usize arithmetic (as the loop computes it).
    fn eval_affine(&mut self, e: &Expr, env: &[(LocalId, Value)]) -> Value {
        match &e.kind {
            K::Int(c) => self.b.ins().iconst(types::I64, *c as i64),
            K::Local(id) => match env.iter().find(|(v, _)| v == id) {
                Some((_, x)) => *x,
                None => self.read_local(*id).s(),
            },
            K::Binary(op, a, b) => {
                let (x, y) = (self.eval_affine(a, env), self.eval_affine(b, env));
                match op {
                    BinOp::Add => self.b.ins().iadd(x, y),
                    BinOp::Sub => self.b.ins().isub(x, y),
                    _ => self.b.ins().imul(x, y),
                }
            }
            _ => unreachable!("checked by affine"),
        }
    }

    fn candidates<'e>(&self, j: LocalId, body: &'e Block, facts: &BodyFacts) -> Vec<Cand<'e>> {
        let mut out: Vec<Cand<'e>> = vec![];
        let mut seen: HashSet<*const Expr> = HashSet::new();
        let mut idxs: Vec<(&'e Expr, &'e Expr)> = vec![];
        fn collect<'e>(e: &'e Expr, idxs: &mut Vec<(&'e Expr, &'e Expr)>) {
            if let K::Index(b, i) = &e.kind {
                idxs.push((b, i));
            }
        }
        walk_block(body, &mut |e| collect(e, &mut idxs));
        for (b, i) in idxs {
            if !seen.insert(i as *const Expr) || self.proven_idx.contains(&(i as *const Expr)) {
                continue;
            }
            let Some(seq) = super::place::seq_local(b) else {
                continue;
            };
            if facts.bound.contains(&seq)
                || !matches!(
                    self.f.locals[seq as usize].ty.peel_refs(),
                    Ty::Vec(_) | Ty::Slice(_) | Ty::Array(..)
                )
            {
                continue;
            }
            if matches!(i.kind, K::Local(v) if self.proven.contains(&(v, seq)))
                || may_change_len(body, seq, false)
            {
                continue;
            }
            let mut vars = vec![];
            let Some(has_j) = self.affine(i, j, facts, &mut vars) else {
                continue;
            };
            let combos: usize = vars
                .iter()
                .map(|v| (facts.ranges[v].1 - facts.ranges[v].0 + 1) as usize)
                .product();
            if combos > MAX_COMBOS {
                continue;
            }
            out.push(Cand {
                seq,
                idx: i,
                has_j,
                vars,
            });
        }
        out
    }

    /// `for j in a..x.len()` whose indexes the range itself proves (`loops::proven_seq`):
    /// nothing to test, but the loop may run on vectors. A refusal is not reported (such loops
    /// never had an unchecked copy to vectorise); the caller then emits the scalar loop.
    pub fn vector_only_for(
        &mut self,
        id: LoopId,
        pat: &Pat,
        iter: &IterExpr,
        body: &Block,
    ) -> Result<Option<V>> {
        let IterSrc::Range {
            start,
            end,
            inclusive: false,
        } = &iter.src
        else {
            return Ok(None);
        };
        let Pat::Bind(j) = pat else { return Ok(None) };
        if !self.opts.vectorize
            || !iter.adapters.is_empty()
            || iter.item != Ty::USIZE
            || self.version_depth >= MAX_DEPTH
        {
            return Ok(None);
        }
        if self.f.locals[*j as usize].mutable || !pure(start) || !pure(end) {
            return Ok(None);
        }
        let facts = body_facts(body);
        if facts.size > MAX_BODY || facts.assigned.contains(j) {
            return Ok(None);
        }
        let Ok(plan) = self.vector_plan(*j, body, &facts) else {
            return Ok(None);
        };
        let s = self.expr(start, false)?.s();
        let e = self.expr(end, false)?.s();
        self.version_depth += 1;
        let r = self.vector_loop(id, pat, *j, &facts, s, e, body, &plan);
        self.version_depth -= 1;
        r?;
        Ok(Some(V::Unit))
    }

    /// `for j in a..b { ... x[K + j] ... }`: one test before the loop, then a copy of the
    /// loop without the proven checks, or the original (see the module doc).
    pub fn versioned_for(
        &mut self,
        id: LoopId,
        pat: &Pat,
        iter: &IterExpr,
        body: &Block,
    ) -> Result<Option<V>> {
        let IterSrc::Range {
            start,
            end,
            inclusive: false,
        } = &iter.src
        else {
            return Ok(None);
        };
        let Pat::Bind(j) = pat else { return Ok(None) };
        if !iter.adapters.is_empty()
            || iter.item != Ty::USIZE
            || !self.opts.boundscheck
            || self.version_depth >= MAX_DEPTH
        {
            return Ok(None);
        }
        if self.f.locals[*j as usize].mutable || !pure(start) || !pure(end) {
            return Ok(None);
        }
        let facts = body_facts(body);
        if facts.size > MAX_BODY || facts.assigned.contains(j) {
            return Ok(None);
        }
        let cands = self.candidates(*j, body, &facts);
        if cands.is_empty() {
            return Ok(None);
        }
        let s = self.expr(start, false)?.s();
        let e = self.expr(end, false)?.s();
        let nonempty = self.b.ins().icmp(IntCC::UnsignedLessThan, s, e);
        let last = self.b.ins().iadd_imm_s(e, -1);
        let mut ok = self.b.ins().iconst(types::I8, 1);
        let line = self.line;
        for c in &cands {
            self.set_line(c.idx.span.line);
            self.count().bounds_hoisted += 1;
            let xe = Expr::new(
                K::Local(c.seq),
                self.f.locals[c.seq as usize].ty.clone(),
                c.idx.span,
            );
            let (_, len) = self.seq_parts(&xe)?;
            let mut combo = vec![0usize; c.vars.len()];
            loop {
                let mut env: Vec<(LocalId, Value)> = vec![];
                for (k, v) in c.vars.iter().enumerate() {
                    let val = facts.ranges[v].0 + combo[k] as i128;
                    env.push((*v, self.b.ins().iconst(types::I64, val as i64)));
                }
                let test = if c.has_j {
                    env.push((*j, s));
                    let lo = self.eval_affine(c.idx, &env);
                    env.last_mut().unwrap().1 = last;
                    let hi = self.eval_affine(c.idx, &env);
                    let ordered = self.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, lo, hi);
                    let inside = self.b.ins().icmp(IntCC::UnsignedLessThan, hi, len);
                    self.b.ins().band(ordered, inside)
                } else {
                    let v = self.eval_affine(c.idx, &env);
                    self.b.ins().icmp(IntCC::UnsignedLessThan, v, len)
                };
                ok = self.b.ins().band(ok, test);
                // Next combination (odometer over the constant ranges).
                let mut k = 0;
                while k < combo.len() {
                    let (lo, hi) = facts.ranges[&c.vars[k]];
                    combo[k] += 1;
                    if lo + combo[k] as i128 <= hi {
                        break;
                    }
                    combo[k] = 0;
                    k += 1;
                }
                if k == combo.len() {
                    break;
                }
            }
        }
        self.set_line(line);
        // An empty loop runs no index: the fast copy is as good as the other.
        let empty = self.b.ins().bxor_imm_s(nonempty, 1);
        let go = self.b.ins().bor(ok, empty);
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        let join = self.b.create_block();
        self.b.set_cold_block(slow);
        self.b.ins().brif(go, fast, &[], slow, &[]);
        let item_ty = iter.item.clone();
        for (blk, proven) in [(fast, true), (slow, false)] {
            self.b.switch_to_block(blk);
            self.b.seal_block(blk);
            if proven {
                self.proven_idx
                    .extend(cands.iter().map(|c| c.idx as *const Expr));
            } else {
                self.in_fallback += 1;
            }
            self.version_depth += 1;
            // The unchecked copy runs on vectors when the body allows it (`vectorize`).
            let plan = if proven && self.opts.vectorize {
                Some(self.vector_plan(*j, body, &facts))
            } else {
                None
            };
            if let Some(Err(why)) = plan {
                self.set_line(line);
                self.count().vec_refused = Some(why);
            }
            if let Some(Ok(plan)) = plan {
                self.set_line(line);
                let r = self.vector_loop(id, pat, *j, &facts, s, e, body, &plan);
                self.version_depth -= 1;
                for c in &cands {
                    self.proven_idx.remove(&(c.idx as *const Expr));
                }
                r?;
                if self.reachable() {
                    self.b.ins().jump(join, &[]);
                }
                continue;
            }
            let depth = self.scope_depth();
            self.strip_leaf = super::rotated::leaf_block(body);
            let r = self.run_iter(iter, &mut |l: &mut Self, item, frame| {
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
            });
            self.version_depth -= 1;
            if proven {
                for c in &cands {
                    self.proven_idx.remove(&(c.idx as *const Expr));
                }
            } else {
                self.in_fallback -= 1;
            }
            r?;
            if self.reachable() {
                self.b.ins().jump(join, &[]);
            }
        }
        self.b.switch_to_block(join);
        self.b.seal_block(join);
        Ok(Some(V::Unit))
    }
}
