//! The loop vectoriser: the unchecked copy of a versioned counted loop (`versioning.rs`)
//! runs `vf` iterations at a time on 128-bit vectors, then a scalar epilogue.
//!
//! What it takes (anything else keeps the loop scalar, with the reason shown by
//! `%annotate`): a body of `let` bindings of scalar locals, assignments to them and to
//! `seq[K + j]`, and constant-trip `for` loops (unrolled here); loads and stores
//! `seq[K + j]` whose bounds were proven by versioning; loop-invariant scalar expressions
//! without panics; integer `+ - *`, bit ops, `as` between integers, wrapping_*, and
//! `/ % div_euclid rem_euclid` by a positive constant; float `+ - * /`, negation, sqrt,
//! `powi` by a constant; rows of fixed arrays `c[J][k]` (`c: &[[T; N]]`, k constant, lanes
//! gathered at the row stride); reductions `acc op= expr` into a variable declared outside
//! the loop (`vz_reduce`: lanes applied one at a time in iteration order, so strict float
//! sums stay exact). Loops whose indexes their own range proves (`for j in a..c.len()`)
//! have no versioned copy and are vectorised directly (`versioning::vector_only_for`).
//! No calls, branches, breaks or panics can occur in the vector body.
//!
//! Exactness. Rust's integer ops wrap at the type's width; a lane computing at that width
//! wraps identically. Narrower lanes are used only where an interval analysis proves no
//! value leaves the lane's signed range (then the lane holds the exact mathematical value,
//! sign-extended): `x as i32` of an i8 stays in i8 lanes, a sum of nine of them is computed
//! in i16 lanes. Division by a constant is `vec_div`'s multiply, checked exhaustively over
//! the proven range. Float lane ops are the same IEEE operations as the scalar ones.
//!
//! Memory. Lane k of iteration j touches `seq[K + j + k]`, in bounds by versioning (the
//! vector loop stops before `j + vf > end`). A loop storing to a sequence may load from it
//! only at the identical index, and store to it at one index only, so no lane reads what
//! another lane of the same block writes; distinct sequences are also tested for overlap at
//! run time (the fast tier does not run the borrow checker) and overlapping ones run scalar.

use super::place::seq_local;
use super::versioning::BodyFacts;
use super::{LoopInfo, Lowerer, V};
use crate::abi::ty::{FloatTy, IntTy, Ty};
use crate::diag::Result;
use crate::typeck::typed::{
    BinOp, Block, Expr, ExprKind as K, IterSrc, LocalId, LoopId, Pat, Stmt,
};
use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder, MemFlagsData, Type, Value};
use cranelift_frontend::Variable;
use std::collections::HashMap;

/// At most this many 128-bit vectors per value (i64 lanes of a 16-lane loop: 8).
pub(super) const MAX_PARTS: usize = 8;
/// At most this many expression nodes after unrolling.
pub(super) const MAX_OPS: usize = 600;

pub(super) type R<T> = std::result::Result<T, &'static str>;

/// A value of the vector body: one scalar for all lanes, or `vf` lanes in `parts`
/// (vectors of `w`-bit lanes). Integer ranges are of the mathematical value; a lane
/// narrower than its type holds that value sign-extended (see the module doc).
#[derive(Clone)]
pub(super) enum VV {
    Uni {
        v: Option<Value>,
        ty: Ty,
        lo: i128,
        hi: i128,
    },
    Lanes {
        parts: Vec<Value>,
        ty: Ty,
        w: u32,
        lo: i128,
        hi: i128,
    },
}

impl VV {
    pub(super) fn ty(&self) -> &Ty {
        match self {
            VV::Uni { ty, .. } | VV::Lanes { ty, .. } => ty,
        }
    }
    pub(super) fn range(&self) -> (i128, i128) {
        match self {
            VV::Uni { lo, hi, .. } | VV::Lanes { lo, hi, .. } => (*lo, *hi),
        }
    }
}

/// What the analysis found: lanes per iteration and the sequences touched.
pub struct VecPlan {
    pub vf: u32,
    vaccs: Vec<(LocalId, Ty, BinOp)>,
    stored: Vec<LocalId>,
    loaded: Vec<LocalId>,
}

pub(super) struct Vz<'f> {
    pub(super) emit: bool,
    pub(super) vf: u32,
    /// Narrowest lane width: 128 / vf.
    pub(super) wmin: u32,
    pub(super) j: LocalId,
    pub(super) facts: &'f BodyFacts,
    pub(super) env: HashMap<LocalId, VV>,
    pub(super) consts: HashMap<LocalId, i128>,
    /// (sequence, index text, lane access)
    pub(super) loads: Vec<(LocalId, String, bool)>,
    pub(super) stores: Vec<(LocalId, String)>,
    pub(super) ops: usize,
    /// Variables declared outside the loop that the body only updates with `x op= expr`
    /// (one such statement each, see `vz_reduce`), in the order met.
    pub(super) reductions: Vec<LocalId>,
    /// Reductions kept in vector accumulators (`vec_reduce.rs`): (variable, type, combining op).
    pub(super) vaccs: Vec<(LocalId, Ty, BinOp)>,
    /// When emitting: their accumulators, one variable per part.
    pub(super) accs: HashMap<LocalId, Vec<Variable>>,
}

pub(super) fn int_ty(t: &Ty) -> Option<IntTy> {
    match t {
        Ty::Int(i) => Some(*i),
        _ => None,
    }
}

pub(super) fn fits(lo: i128, hi: i128, w: u32) -> bool {
    lo >= -(1i128 << (w - 1)) && hi < (1i128 << (w - 1))
}

pub(super) fn vty(w: u32, float: bool) -> Type {
    match (w, float) {
        (8, false) => types::I8X16,
        (16, false) => types::I16X8,
        (32, false) => types::I32X4,
        (64, false) => types::I64X2,
        (32, true) => types::F32X4,
        _ => types::F64X2,
    }
}

pub(super) fn sty(w: u32) -> Type {
    match w {
        8 => types::I8,
        16 => types::I16,
        32 => types::I32,
        _ => types::I64,
    }
}

fn elem_of(t: &Ty) -> Option<&Ty> {
    match t.peel_refs() {
        Ty::Vec(e) | Ty::Slice(e) | Ty::Array(e, _) => Some(e),
        _ => None,
    }
}

pub(super) fn bits_of(t: &Ty) -> Option<u32> {
    match t {
        Ty::Int(i) => Some(i.bits()),
        Ty::Float(FloatTy::F32) => Some(32),
        Ty::Float(FloatTy::F64) => Some(64),
        _ => None,
    }
}

/// Canonical text of an index with the unrolled loop variables' values substituted:
/// equal texts are equal indexes at every j.
fn key(e: &Expr, consts: &HashMap<LocalId, i128>) -> String {
    match &e.kind {
        K::Int(c) => c.to_string(),
        K::Local(id) => match consts.get(id) {
            Some(c) => c.to_string(),
            None => format!("v{id}"),
        },
        K::Binary(op, a, b) => format!("({} {op:?} {})", key(a, consts), key(b, consts)),
        _ => format!("?{:p}", e as *const Expr),
    }
}

pub(super) fn mentions(e: &Expr, id: LocalId) -> bool {
    let mut hit = false;
    super::loops::walk(e, &mut |x| {
        if matches!(x.kind, K::Local(v) if v == id) {
            hit = true;
        }
    });
    hit
}

impl Lowerer<'_, '_> {
    /// Can the unchecked copy of `for j in ..` with this body be vectorised? (No code emitted.)
    pub(super) fn vector_plan(
        &mut self,
        j: LocalId,
        body: &Block,
        facts: &BodyFacts,
    ) -> R<VecPlan> {
        let mut min_bits = 0u32;
        let mut bad = None;
        super::loops::walk_block(body, &mut |e| {
            if let K::Index(b, _) = &e.kind {
                match elem_of(&b.ty) {
                    Some(t) => match bits_of(t) {
                        Some(w) if min_bits == 0 || w < min_bits => min_bits = w,
                        Some(_) => {}
                        // `c[j][k]` over `[[f64; 3]]`: the outer index's element is an array of
                        // scalars, which only the inner (constant) index may read (`vz_load`).
                        None if matches!(t, Ty::Array(inner, _) if bits_of(inner).is_some()) => {}
                        None => bad = Some("indexes a sequence of non-scalar elements"),
                    },
                    None => bad = Some("indexes a sequence of non-scalar elements"),
                }
            }
        });
        if let Some(b) = bad {
            return Err(b);
        }
        if min_bits == 0 {
            return Err("no slice or Vec access in the loop");
        }
        let plan = self.vector_plan_at(j, body, facts, 128 / min_bits)?;
        // A float `--fastmath` sum on one or two vectors waits on the add latency each
        // iteration: take more lanes per iteration, so each part has its own accumulator.
        let float_parts = plan
            .vaccs
            .iter()
            .filter(|(_, t, _)| matches!(t, Ty::Float(_)))
            .map(|(_, t, _)| plan.vf * bits_of(t).unwrap_or(64) / 128)
            .min();
        if let Some(p) = float_parts.filter(|&p| p < super::vec_reduce::FAST_PARTS) {
            let vf = plan.vf * super::vec_reduce::FAST_PARTS / p;
            if vf <= 16 {
                if let Ok(wide) = self.vector_plan_at(j, body, facts, vf) {
                    return Ok(wide);
                }
            }
        }
        Ok(plan)
    }

    fn vector_plan_at(
        &mut self,
        j: LocalId,
        body: &Block,
        facts: &BodyFacts,
        vf: u32,
    ) -> R<VecPlan> {
        let mut z = Vz {
            emit: false,
            vf,
            wmin: 128 / vf,
            j,
            facts,
            env: HashMap::new(),
            consts: HashMap::new(),
            loads: vec![],
            stores: vec![],
            ops: 0,
            reductions: vec![],
            vaccs: vec![],
            accs: HashMap::new(),
        };
        self.vz_block(&mut z, body)?;
        for &r in &z.reductions {
            // The update must be the variable's only mention in the body (no lane may read
            // a partial value) and met once (two updates would interleave differently).
            let mut uses = 0;
            super::loops::walk_block(body, &mut |x| {
                if matches!(x.kind, K::Local(v) if v == r) {
                    uses += 1;
                }
            });
            if uses != 1 || z.reductions.iter().filter(|&&x| x == r).count() != 1 {
                return Err("reads or updates a variable declared outside the loop more than once");
            }
        }
        if !z.loads.iter().any(|l| l.2) && z.stores.is_empty() {
            return Err("no access indexed by the loop variable");
        }
        for (sb, sk) in &z.stores {
            if z.stores.iter().any(|(b, k)| b == sb && k != sk) {
                return Err("stores to one sequence at two different indexes");
            }
            if z.loads.iter().any(|(b, k, _)| b == sb && k != sk) {
                return Err("loads from a sequence it stores to, at another index");
            }
        }
        let mut stored: Vec<LocalId> = z.stores.iter().map(|s| s.0).collect();
        stored.dedup();
        let mut loaded: Vec<LocalId> = z
            .loads
            .iter()
            .map(|l| l.0)
            .filter(|b| !stored.contains(b))
            .collect();
        loaded.sort();
        loaded.dedup();
        stored.sort();
        stored.dedup();
        Ok(VecPlan {
            vf,
            stored,
            loaded,
            vaccs: z.vaccs,
        })
    }

    /// Emit the vector loop and its scalar epilogue over `s..e` (the unchecked copy).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn vector_loop(
        &mut self,
        id: LoopId,
        pat: &Pat,
        j: LocalId,
        facts: &BodyFacts,
        s: Value,
        e: Value,
        body: &Block,
        plan: &VecPlan,
    ) -> Result<()> {
        let vf = plan.vf;
        self.count().vectorised = vf;
        let nonempty = self.b.ins().icmp(IntCC::UnsignedLessThan, s, e);
        let n = self.b.ins().isub(e, s);
        let nv = self.b.ins().ushr_imm_u(n, vf.trailing_zeros() as i64);
        let zero = self.b.ins().iconst(types::I64, 0);
        let mut nv = self.b.ins().select(nonempty, nv, zero);
        // Overlapping sequences (only possible through aliasing the borrow checker forbids; one
        // stored, the other loaded or stored): all iterations scalar.
        let mut pairs: Vec<(LocalId, LocalId)> = vec![];
        for (k, &st) in plan.stored.iter().enumerate() {
            pairs.extend(
                plan.loaded
                    .iter()
                    .chain(&plan.stored[k + 1..])
                    .map(|&o| (st, o)),
            );
        }
        for (st, ld) in pairs {
            {
                let (ps, ns) = self.seq_bytes(st)?;
                let (pl, nl) = self.seq_bytes(ld)?;
                let end_s = self.b.ins().iadd(ps, ns);
                let end_l = self.b.ins().iadd(pl, nl);
                let a = self.b.ins().icmp(IntCC::UnsignedLessThan, ps, end_l);
                let c = self.b.ins().icmp(IntCC::UnsignedLessThan, pl, end_s);
                let both = self.b.ins().band(a, c);
                nv = self.b.ins().select(both, zero, nv);
            }
        }
        let span = self.b.ins().ishl_imm_u(nv, vf.trailing_zeros() as i64);
        let jend = self.b.ins().iadd(s, span);
        let jvar = self.b.declare_var(types::I64);
        self.b.def_var(jvar, s);
        let head = self.b.create_block();
        let vbody = self.b.create_block();
        let ehead = self.b.create_block();
        let ebody = self.b.create_block();
        let elatch = self.b.create_block();
        let exit = self.b.create_block();
        let accs = self.vector_accs_init(&plan.vaccs, vf);
        let vdone = self.b.create_block();
        self.b.ins().jump(head, &[]);
        self.b.switch_to_block(head);
        let jc = self.b.use_var(jvar);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, jc, jend);
        self.b.ins().brif(more, vbody, &[], vdone, &[]);
        self.b.switch_to_block(vbody);
        self.b.seal_block(vbody);
        self.push_scope();
        self.bind(pat, &Ty::USIZE, V::S(jc))?;
        let mut z = Vz {
            emit: true,
            vf,
            wmin: 128 / vf,
            j,
            facts,
            env: HashMap::new(),
            consts: HashMap::new(),
            loads: vec![],
            stores: vec![],
            ops: 0,
            reductions: vec![],
            vaccs: vec![],
            accs: accs.clone(),
        };
        let line = self.line;
        if let Err(why) = self.vz_block(&mut z, body) {
            // The plan accepted this body: emission takes the same decisions.
            unreachable!("vectoriser: plan and emission disagree: {why}");
        }
        self.set_line(line);
        self.pop_scope();
        let jn = self.b.ins().iadd_imm_s(jc, vf as i64);
        self.b.def_var(jvar, jn);
        self.poll_interrupt(head);
        self.b.seal_block(head);
        // The vector accumulators into their variables, then the scalar epilogue.
        self.b.switch_to_block(vdone);
        self.b.seal_block(vdone);
        if let Err(why) = self.vector_accs_finish(&plan.vaccs, &accs) {
            unreachable!("vectoriser: reduction accumulators: {why}");
        }
        self.b.ins().jump(ehead, &[]);
        // Scalar epilogue: the remaining `< vf` iterations (all of them when overlapping).
        self.b.switch_to_block(ehead);
        let jc = self.b.use_var(jvar);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, jc, e);
        self.b.ins().brif(more, ebody, &[], exit, &[]);
        self.b.switch_to_block(ebody);
        self.b.seal_block(ebody);
        let depth = self.scope_depth();
        self.loops.insert(
            id,
            LoopInfo {
                next: elatch,
                exit,
                depth,
                result: vec![],
                result_ty: Ty::Unit,
                temps: self.temps.len(),
            },
        );
        self.push_scope();
        self.bind(pat, &Ty::USIZE, V::S(jc))?;
        self.block(body, false)?;
        self.pop_scope();
        if self.reachable() {
            self.b.ins().jump(elatch, &[]);
        }
        self.b.switch_to_block(elatch);
        self.b.seal_block(elatch);
        let jn = self.b.ins().iadd_imm_s(jc, 1);
        self.b.def_var(jvar, jn);
        self.poll_interrupt(ehead);
        self.b.seal_block(ehead);
        self.b.switch_to_block(exit);
        self.b.seal_block(exit);
        Ok(())
    }

    /// (first byte, byte length) of a sequence local.
    fn seq_bytes(&mut self, seq: LocalId) -> Result<(Value, Value)> {
        let t = self.f.locals[seq as usize].ty.clone();
        let size = elem_of(&t).map(|e| e.layout().0).unwrap_or(1) as i64;
        let xe = Expr::new(K::Local(seq), t, self.f.span);
        let (p, n) = self.seq_parts(&xe)?;
        Ok((p, self.b.ins().imul_imm_s(n, size)))
    }

    // ---- statements ------------------------------------------------------------------

    fn vz_block(&mut self, z: &mut Vz, b: &Block) -> R<()> {
        for st in &b.stmts {
            match st {
                Stmt::Let {
                    pat: Pat::Bind(id),
                    init: Some(e),
                    ..
                } => {
                    let v = self.vz_expr(z, e)?;
                    z.env.insert(*id, v);
                }
                Stmt::Let { .. } => return Err("a `let` without a plain name and initialiser"),
                Stmt::Expr(e) => self.vz_stmt(z, e)?,
            }
        }
        match &b.tail {
            Some(t) => self.vz_stmt(z, t),
            None => Ok(()),
        }
    }

    fn vz_stmt(&mut self, z: &mut Vz, e: &Expr) -> R<()> {
        match &e.kind {
            K::Assign(l, r) => self.vz_assign(z, l, None, r),
            K::OpAssign(op, l, r) => self.vz_assign(z, l, Some(*op), r),
            K::Block(b) => self.vz_block(z, b),
            K::Unit => Ok(()),
            K::For {
                pat, iter, body, ..
            } => {
                let IterSrc::Range {
                    start,
                    end,
                    inclusive,
                } = &iter.src
                else {
                    return Err("a `for` over elements");
                };
                let (K::Int(a), K::Int(b)) = (&start.kind, &end.kind) else {
                    return Err("an inner loop without constant bounds");
                };
                if !iter.adapters.is_empty() {
                    return Err("an inner loop with adapters");
                }
                let b = if *inclusive { *b + 1 } else { *b };
                if b - a > 16 {
                    return Err("an inner loop of more than 16 iterations");
                }
                let c = super::cl_ty(&iter.item);
                for k in *a..b {
                    if let Pat::Bind(v) = pat {
                        z.consts.insert(*v, k);
                    }
                    if z.emit {
                        self.push_scope();
                        let kv = self.b.ins().iconst(c, k as i64);
                        self.bind(pat, &iter.item, V::S(kv))
                            .map_err(|_| "internal: binding an unrolled loop variable")?;
                    }
                    let r = self.vz_block(z, body);
                    if z.emit {
                        self.scopes.pop();
                    }
                    r?;
                }
                if let Pat::Bind(v) = pat {
                    z.consts.remove(v);
                }
                Ok(())
            }
            _ => Err("a statement other than `let`, an assignment or a constant-trip `for`"),
        }
    }

    fn vz_assign(&mut self, z: &mut Vz, l: &Expr, op: Option<BinOp>, r: &Expr) -> R<()> {
        match &l.kind {
            K::Local(id) if !z.env.contains_key(id) => self.vz_reduce(z, *id, &l.ty, op, r),
            K::Local(id) => {
                let Some(cur) = z.env.get(id).cloned() else {
                    return Err("assigns a variable declared outside the loop (a value carried between iterations)");
                };
                let rv = self.vz_expr(z, r)?;
                let v = match op {
                    None => rv,
                    Some(op) => self.vz_binop(z, op, &l.ty, cur, rv)?,
                };
                z.env.insert(*id, v);
                Ok(())
            }
            K::Index(base, idx) => {
                let rv = self.vz_expr(z, r)?;
                let v = match op {
                    None => rv,
                    Some(op) => {
                        let cur = self.vz_load(z, base, idx)?;
                        self.vz_binop(z, op, &l.ty, cur, rv)?
                    }
                };
                self.vz_store(z, base, idx, v)
            }
            _ => Err("assigns through something other than a local or `seq[index]`"),
        }
    }

    // ---- memory --------------------------------------------------------------------

    /// Checks shared by loads and stores: (sequence, element type, lane access?).
    fn vz_access(&mut self, z: &mut Vz, base: &Expr, idx: &Expr) -> R<(LocalId, Ty, bool)> {
        let seq = seq_local(base).ok_or("indexes something other than a local slice or Vec")?;
        let by_range = matches!(&idx.kind, K::Local(iv) if self.proven.contains(&(*iv, seq)));
        if !by_range && !self.proven_idx.contains(&(idx as *const Expr)) {
            return Err("an index whose bounds check was not hoisted out of the loop");
        }
        let elem = elem_of(&base.ty).ok_or("indexes a non-sequence")?.clone();
        let has_j = mentions(idx, z.j);
        if has_j {
            let mut vars = vec![];
            if self.affine(idx, z.j, z.facts, &mut vars) != Some(true) {
                return Err("an index not of the form `K + j`");
            }
        }
        Ok((seq, elem, has_j))
    }

    fn vz_addr(&mut self, base: &Expr, idx: &Expr, elem: &Ty) -> R<Value> {
        let (p, _) = self
            .seq_parts(base)
            .map_err(|_| "internal: sequence parts")?;
        let i = self.expr(idx, false).map_err(|_| "internal: index")?.s();
        let size = elem.layout().0 as i64;
        let off = if size == 1 {
            i
        } else {
            self.b.ins().imul_imm_s(i, size)
        };
        Ok(self.b.ins().iadd(p, off))
    }

    /// `c[J][k]`: `c` a sequence of `[T; N]`, `J` uniform or `K + j`, `k` a constant
    /// (an unrolled loop's variable) below N. Lane l loads `c[J + l][k]` (a stride of
    /// `N * size(T)`) and the lanes are put together in a vector.
    fn vz_load_nested(&mut self, z: &mut Vz, c: &Expr, jidx: &Expr, kidx: &Expr) -> R<VV> {
        let k = match &kidx.kind {
            K::Int(k) => *k,
            K::Local(v) => *z
                .consts
                .get(v)
                .ok_or("an inner index that is not a constant")?,
            _ => return Err("an inner index that is not a constant"),
        };
        let (seq, row, has_j) = self.vz_access(z, c, jidx)?;
        let Ty::Array(elem, n) = &row else {
            return Err("indexes a non-array element");
        };
        let elem = (**elem).clone();
        if k < 0 || k as u128 >= *n as u128 {
            return Err("an inner index out of the array's bounds");
        }
        z.loads
            .push((seq, format!("{}[{k}]", key(jidx, &z.consts)), has_j));
        let w = bits_of(&elem).ok_or("a non-scalar element")?;
        let (lo, hi) = int_ty(&elem).map(|i| (i.min(), i.max())).unwrap_or((0, 0));
        let (esize, rsize) = (elem.layout().0 as i32, row.layout().0 as i32);
        let st = super::cl_ty(&elem);
        // A shared-reference parameter cannot change while the fn runs: its loads may move.
        // Lane loads depend on j, so they stay in the vector body (whose entry test proves
        // them) and only become foldable into `movsd`/`movhpd`-style loads; a uniform
        // `c[i][k]` with `i` proven by its own loop's range may leave the loop.
        let ro = self.readonly_param(c);
        let fixed = MemFlagsData::new().with_notrap();
        let moving = super::movable_flags();
        let by_range = matches!(&jidx.kind, K::Local(iv) if self.proven_fwd.contains(&(*iv, seq)));
        if !has_j {
            let v = if z.emit {
                let a = self.vz_addr(c, jidx, &row)?;
                Some(self.b.ins().load(
                    st,
                    if ro && by_range { moving } else { fixed },
                    a,
                    k as i32 * esize,
                ))
            } else {
                None
            };
            return Ok(VV::Uni {
                v,
                ty: elem,
                lo,
                hi,
            });
        }
        let n = (z.vf * w / 128) as usize;
        if n > MAX_PARTS {
            return Err("too many vectors per value (mixed element widths)");
        }
        let mut parts = vec![];
        if z.emit {
            let a = self.vz_addr(c, jidx, &row)?;
            let t = vty(w, matches!(elem, Ty::Float(_)));
            let per = (128 / w) as usize;
            for p in 0..n {
                let mut v = None;
                for l in 0..per {
                    let off = (p * per + l) as i32 * rsize + k as i32 * esize;
                    let x = self
                        .b
                        .ins()
                        .load(st, if ro { moving } else { fixed }, a, off);
                    v = Some(match v {
                        None => self.b.ins().scalar_to_vector(t, x),
                        Some(v) => self.b.ins().insertlane(v, x, l as u8),
                    });
                }
                parts.push(v.unwrap());
            }
        }
        Ok(VV::Lanes {
            parts,
            ty: elem,
            w,
            lo,
            hi,
        })
    }

    pub(super) fn vz_load(&mut self, z: &mut Vz, base: &Expr, idx: &Expr) -> R<VV> {
        if let K::Index(c, jidx) = &base.kind {
            return self.vz_load_nested(z, c, jidx, idx);
        }
        let (seq, elem, has_j) = self.vz_access(z, base, idx)?;
        z.loads.push((seq, key(idx, &z.consts), has_j));
        let (lo, hi) = int_ty(&elem).map(|i| (i.min(), i.max())).unwrap_or((0, 0));
        let w = bits_of(&elem).ok_or("a non-scalar element")?;
        if !has_j {
            let v = if z.emit {
                let a = self.vz_addr(base, idx, &elem)?;
                Some(self.b.ins().load(super::cl_ty(&elem), super::flags(), a, 0))
            } else {
                None
            };
            return Ok(VV::Uni {
                v,
                ty: elem,
                lo,
                hi,
            });
        }
        let n = (z.vf * w / 128) as usize;
        if n > MAX_PARTS {
            return Err("too many vectors per value (mixed element widths)");
        }
        let mut parts = vec![];
        if z.emit {
            let a = self.vz_addr(base, idx, &elem)?;
            let t = vty(w, matches!(elem, Ty::Float(_)));
            for k in 0..n {
                parts.push(self.b.ins().load(
                    t,
                    MemFlagsData::new().with_notrap(),
                    a,
                    (k * 16) as i32,
                ));
            }
        }
        Ok(VV::Lanes {
            parts,
            ty: elem,
            w,
            lo,
            hi,
        })
    }

    fn vz_store(&mut self, z: &mut Vz, base: &Expr, idx: &Expr, v: VV) -> R<()> {
        let (seq, elem, has_j) = self.vz_access(z, base, idx)?;
        if !has_j {
            return Err("stores at an index that does not depend on the loop variable");
        }
        z.stores.push((seq, key(idx, &z.consts)));
        let w = bits_of(&elem).ok_or("a non-scalar element")?;
        let parts = self.vz_at(z, &v, w)?;
        if z.emit {
            let a = self.vz_addr(base, idx, &elem)?;
            for (k, p) in parts.iter().enumerate() {
                self.b
                    .ins()
                    .store(MemFlagsData::new().with_notrap(), *p, a, (k * 16) as i32);
            }
        }
        Ok(())
    }
}
