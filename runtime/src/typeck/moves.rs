//! Use-after-move checking (rustc's E0382/E0505/E0507) over the typed IR of one fn.
//!
//! Why a separate pass: the fast tier must refuse every program rustc refuses, and moves
//! of owned values (`Vec`, `String`, tuples/arrays/Options holding them) are invisible to
//! type checking. The pass is a forward dataflow over "possibly moved" variables: a move
//! inserts, a reassignment or a fresh `let` removes, control-flow joins take the union (so
//! a conditional move makes the value maybe-moved, which rustc also refuses), and loop
//! bodies are re-walked until the state at the loop head stops growing (a move in the
//! body is then seen by the next iteration). When unsure it refuses: moves out of
//! workspace variables, out of fields/indexes/derefs and of captured variables inside
//! closure bodies are reported instead of accepted.

use super::typed::{
    Adapter, Block, Consumer, Expr, ExprKind as K, Fn, Format, Intr, IterExpr, IterSrc, LocalId,
    LoopId, MatchPat, Pat, Stmt,
};
use crate::abi::ty::Ty;
use crate::diag::{Error, Result, Span};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Variables that may have been moved, with the span of (one) move; `None` = unreachable.
type State = Option<BTreeMap<LocalId, Span>>;

fn join(a: State, b: State) -> State {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(mut a), Some(b)) => {
            for (k, v) in b {
                a.entry(k).or_insert(v);
            }
            Some(a)
        }
    }
}

/// Types whose values are moved (not copied) and are tracked: owned heap values and
/// aggregates holding them. References (`&mut` is reborrowed by rustc) are not tracked.
pub fn owned(t: &Ty) -> bool {
    match t {
        Ty::Vec(_)
        | Ty::String
        | Ty::Nd(..)
        | Ty::Rng
        | Ty::Chunked(_)
        | Ty::Svg
        | Ty::NdD(..)
        | Ty::NdView(_, _, true) => true,
        Ty::Tuple(v) => v.iter().any(owned),
        Ty::Array(t, _) | Ty::Option(t) => owned(t),
        _ => false,
    }
}

struct LoopState {
    id: LoopId,
    breaks: State,
    continues: State,
}

struct Mv<'a> {
    f: &'a Fn,
    st: State,
    loops: Vec<LoopState>,
    /// Locals declared inside each closure body being walked (innermost last).
    closure_inner: Vec<HashSet<LocalId>>,
    /// Closures that exist as values (`let f = |..| ..`): analysed where they are created.
    named_closures: HashSet<u32>,
}

pub fn check(f: &Fn) -> Result<()> {
    let mut named = HashSet::new();
    visit_block(
        &f.body,
        &mut |e| {
            if let K::Closure(ci) = e.kind {
                named.insert(ci);
            }
        },
        f,
    );
    let mut m = Mv {
        f,
        st: Some(BTreeMap::new()),
        loops: vec![],
        closure_inner: vec![],
        named_closures: named,
    };
    // A fn's tail is returned (moved); a cell's tail is displayed by reference.
    let tail_moves = f.name != "<cell>";
    m.block(&f.body, tail_moves)
}

/// Workspace variables share the key space of locals, above this offset.
const GLOBAL: LocalId = 1 << 30;

fn name_err(f: &Fn, id: LocalId) -> String {
    if id >= GLOBAL {
        f.globals[(id - GLOBAL) as usize].name.clone()
    } else {
        f.locals[id as usize].name.clone()
    }
}

fn var_ty(f: &Fn, id: LocalId) -> &Ty {
    if id >= GLOBAL {
        &f.globals[(id - GLOBAL) as usize].ty
    } else {
        &f.locals[id as usize].ty
    }
}

impl<'a> Mv<'a> {
    fn use_var(&self, id: LocalId, span: Span) -> Result<()> {
        if let Some(st) = &self.st {
            if let Some(at) = st.get(&id) {
                let n = name_err(self.f, id);
                return Err(Error::new(span, format!("use of moved value: `{n}`"))
                    .label("value used here after move")
                    .hint(format!(
                        "`{n}` was moved at cell:{}:{} (rustc error E0382)",
                        at.line,
                        at.col + 1
                    )));
            }
        }
        Ok(())
    }

    /// A variable some `let`-bound view borrows may not be moved or reassigned in this fn
    /// (a conservative stand-in for the borrow checker: its data must outlive the view).
    fn check_view_base(&self, id: LocalId, span: Span, what: &str) -> Result<()> {
        for (r, vspan) in &self.f.view_bases {
            let hit = match r {
                super::views::Root::Local(l) => *l == id,
                super::views::Root::Global(g) => GLOBAL + *g as LocalId == id,
                super::views::Root::Temp => false,
            };
            if hit {
                return Err(Error::new(span, format!("cannot {what} `{}` because it is borrowed", name_err(self.f, id)))
                    .code(if what == "move out of" { "E0505" } else { "E0506" })
                    .label(format!("a view of it is bound at line {}", vspan.line))
                    .hint("the fast tier keeps arrays that views borrow alive for the whole fn: move or reassign a clone, or use `%%rust`"));
            }
        }
        Ok(())
    }

    fn move_var(&mut self, id: LocalId, span: Span) -> Result<()> {
        self.check_view_base(id, span, "move out of")?;
        self.use_var(id, span)?;
        if let Some(inner) = self.closure_inner.last() {
            if !inner.contains(&id) {
                return Err(Error::unsupported(
                    span,
                    format!(
                        "moving captured variable `{}` out of a closure body",
                        name_err(self.f, id)
                    ),
                ));
            }
        }
        if let Some(st) = &mut self.st {
            st.insert(id, span);
        }
        Ok(())
    }

    fn reinit(&mut self, id: LocalId) {
        if let Some(st) = &mut self.st {
            st.remove(&id);
        }
    }

    fn bind_pat(&mut self, p: &Pat) {
        match p {
            Pat::Bind(id) => self.reinit(*id),
            Pat::Tuple(ps) => ps.iter().for_each(|p| self.bind_pat(p)),
            Pat::Deref(p) => self.bind_pat(p),
            Pat::Global(i) => self.reinit(GLOBAL + *i as LocalId),
            Pat::Wild => {}
        }
    }

    fn block(&mut self, b: &Block, mv: bool) -> Result<()> {
        for s in &b.stmts {
            match s {
                Stmt::Let { pat, init, .. } => {
                    if let Some(e) = init {
                        // `let _ = place;` does not move.
                        self.expr(e, !matches!(pat, Pat::Wild))?;
                    }
                    self.bind_pat(pat);
                }
                // `v;` is a value expression: it moves `v`.
                Stmt::Expr(e) => self.expr(e, true)?,
            }
        }
        if let Some(t) = &b.tail {
            self.expr(t, mv)?;
        }
        Ok(())
    }

    fn exprs(&mut self, es: &[Expr], mv: bool) -> Result<()> {
        for e in es {
            self.expr(e, mv)?;
        }
        Ok(())
    }

    fn format(&mut self, f: &Format) -> Result<()> {
        self.exprs(&f.args, false)
    }

    fn expr(&mut self, e: &Expr, mv: bool) -> Result<()> {
        let moving = mv && owned(&e.ty);
        match &e.kind {
            K::Local(id) => {
                if moving {
                    self.move_var(*id, e.span)?
                } else {
                    self.use_var(*id, e.span)?
                }
            }
            K::Global(i) => {
                let id = GLOBAL + *i as LocalId;
                if moving {
                    // The workspace drops a variable whose owner was nulled by a move; only
                    // plain Vec/String owners are nulled, so other owned aggregates are refused.
                    if !e.ty.needs_drop() {
                        return Err(Error::unsupported(
                            e.span,
                            format!(
                                "moving workspace variable `{}` of type `{}`",
                                self.f.globals[*i].name, e.ty
                            ),
                        ));
                    }
                    self.move_var(id, e.span)?
                } else {
                    self.use_var(id, e.span)?
                }
            }
            K::Index(b, i) => {
                if moving {
                    return Err(Error::new(e.span, format!("cannot move out of index of `{}`", b.ty.peel_refs()))
                        .label(format!("move occurs because value has type `{}`, which does not implement the `Copy` trait", e.ty))
                        .hint("borrow it with `&` or call `.clone()` (rustc error E0507)"));
                }
                self.expr(b, false)?;
                self.expr(i, false)?;
            }
            K::Field(b, _) => {
                if moving {
                    return Err(Error::unsupported(
                        e.span,
                        "partial move out of a tuple field",
                    ));
                }
                self.expr(b, false)?;
            }
            K::Deref(b) => {
                if moving {
                    return Err(Error::new(e.span, "cannot move out of a shared reference")
                        .label(format!("move occurs because value has type `{}`, which does not implement the `Copy` trait", e.ty))
                        .hint("call `.clone()` (rustc error E0507)"));
                }
                self.expr(b, false)?;
            }
            K::Int(_)
            | K::Float(_)
            | K::FloatLit(_)
            | K::Bool(_)
            | K::Char(_)
            | K::Str(_)
            | K::Unit
            | K::None => {}
            K::Neg(x) | K::Not(x) | K::Ref(x, _) | K::ToSlice(x) | K::Cast(x) => {
                self.expr(x, false)?
            }
            K::Binary(op, l, r) => {
                // `String + &str` consumes the left operand; comparisons borrow both.
                self.expr(l, *op == super::typed::BinOp::Add)?;
                self.expr(r, false)?;
            }
            K::And(l, r) | K::Or(l, r) => {
                self.expr(l, false)?;
                let before = self.st.clone();
                self.expr(r, false)?;
                self.st = join(before, self.st.take());
            }
            K::Assign(l, r) => {
                self.expr(r, true)?;
                if super::views::contains_view(&l.ty) {
                    return Err(Error::unsupported(
                        e.span,
                        "assigning to a view variable (bind a new one with `let`)",
                    ));
                }
                match &l.kind {
                    K::Local(id) => {
                        self.check_view_base(*id, e.span, "assign to")?;
                        self.reinit(*id)
                    }
                    K::Global(i) => {
                        self.check_view_base(GLOBAL + *i as LocalId, e.span, "assign to")?;
                        self.reinit(GLOBAL + *i as LocalId)
                    }
                    _ => self.expr(l, false)?,
                }
            }
            K::OpAssign(_, l, r) => {
                self.expr(r, true)?;
                self.expr(l, false)?;
            }
            K::If(c, a, b) => {
                self.expr(c, false)?;
                let before = self.st.clone();
                self.expr(a, true)?;
                let after_a = std::mem::replace(&mut self.st, before);
                if let Some(b) = b {
                    self.expr(b, true)?;
                }
                self.st = join(after_a, self.st.take());
            }
            K::Block(b) => self.block(b, true)?,
            K::While { id, cond, body } => self.looped(*id, Some(cond), None, body)?,
            K::Loop { id, body } => self.looped(*id, None, None, body)?,
            K::For {
                id,
                pat,
                iter,
                body,
            } => {
                self.iter(iter)?;
                self.looped(*id, None, Some(pat), body)?;
            }
            K::Break { id, value } => {
                if let Some(v) = value {
                    self.expr(v, true)?;
                }
                let st = self.st.take();
                if let Some(l) = self.loops.iter_mut().rev().find(|l| l.id == *id) {
                    l.breaks = join(l.breaks.take(), st);
                }
            }
            K::Continue(id) => {
                let st = self.st.take();
                if let Some(l) = self.loops.iter_mut().rev().find(|l| l.id == *id) {
                    l.continues = join(l.continues.take(), st);
                }
            }
            K::Return(v) => {
                if let Some(v) = v {
                    self.expr(v, true)?;
                }
                self.st = None;
            }
            K::Call(_, args) => self.exprs(args, true)?,
            K::CallClosure(ci, args) => {
                self.exprs(args, true)?;
                self.closure_use(*ci, e.span)?;
            }
            K::Intrinsic(i, args) => {
                for (k, a) in args.iter().enumerate() {
                    let by_value = match i {
                        Intr::VecPush => k == 1,
                        Intr::VecInsert | Intr::VecResize => k == 2,
                        Intr::Unwrap
                        | Intr::Expect
                        | Intr::UnwrapOr
                        | Intr::CmpMin
                        | Intr::CmpMax => true,
                        // array operands by value are moved (`a + 1.0`); receivers are `&a`
                        Intr::Nd(_) => true,
                        Intr::Ch(op) => !matches!(op, super::typed::ChOp::FnAddr),
                        _ => false,
                    };
                    self.expr(a, by_value)?;
                }
            }
            K::Tuple(es) | K::Array(es) | K::VecLit(es) => self.exprs(es, true)?,
            K::ArrayRepeat(x, _) | K::Some(x) => self.expr(x, true)?,
            K::VecRepeat(x, n) => {
                self.expr(x, true)?;
                self.expr(n, false)?;
            }
            K::Match(s, arms) => {
                self.expr(s, false)?;
                let before = self.st.clone();
                let mut out: State = None;
                for arm in arms {
                    self.st = before.clone();
                    if let Some(g) = &arm.guard {
                        self.expr(g, false)?;
                    }
                    self.expr(&arm.body, true)?;
                    out = join(out, self.st.take());
                }
                self.st = out;
            }
            K::Format(kind, f) => {
                self.format(f)?;
                if *kind == super::typed::FmtKind::Panic {
                    self.st = None;
                }
            }
            K::Assert { cond, msg, .. } => {
                self.expr(cond, false)?;
                if let Some(m) = msg {
                    self.format(m)?;
                }
            }
            K::AssertEq { l, r, msg, .. } => {
                self.expr(l, false)?;
                self.expr(r, false)?;
                if let Some(m) = msg {
                    self.format(m)?;
                }
            }
            K::Unreachable(msg) => {
                if let Some(m) = msg {
                    self.format(m)?;
                }
                self.st = None;
            }
            K::Consume(it, c) => {
                self.iter(it)?;
                match c {
                    Consumer::Fold(init, ci) => {
                        self.expr(init, true)?;
                        self.adapter_closure(*ci, e.span)?;
                    }
                    Consumer::Any(ci)
                    | Consumer::All(ci)
                    | Consumer::ForEach(ci)
                    | Consumer::Position(ci) => self.adapter_closure(*ci, e.span)?,
                    _ => {}
                }
            }
            K::Closure(ci) => self.closure_create(*ci)?,
        }
        Ok(())
    }

    fn iter(&mut self, it: &IterExpr) -> Result<()> {
        match &it.src {
            IterSrc::Range { start, end, .. } => {
                self.expr(start, false)?;
                self.expr(end, false)?;
            }
            // `for x in v` / `v.into_iter()` on an owned Vec consumes it.
            IterSrc::Elems { seq, by_ref } => self.expr(seq, !by_ref)?,
        }
        for a in &it.adapters {
            match a {
                Adapter::Map(ci) | Adapter::Filter(ci) => self.adapter_closure(*ci, it.span)?,
                Adapter::Take(x) | Adapter::Skip(x) | Adapter::StepBy(x) => self.expr(x, false)?,
                Adapter::Zip(o) | Adapter::Chain(o) => self.iter(o)?,
                Adapter::Enumerate | Adapter::Rev | Adapter::Copied => {}
            }
        }
        Ok(())
    }

    /// A loop: walk the body until the moved-set at its head is stable.
    fn looped(
        &mut self,
        id: LoopId,
        cond: Option<&Expr>,
        pat: Option<&Pat>,
        body: &Block,
    ) -> Result<()> {
        let mut head = self.st.clone();
        loop {
            self.st = head.clone();
            let mut exit: State = None;
            if let Some(c) = cond {
                self.expr(c, false)?;
            }
            // while/for leave when the condition/iterator says so; `loop` only by break.
            if cond.is_some() || pat.is_some() {
                exit = self.st.clone();
            }
            if let Some(p) = pat {
                self.bind_pat(p);
            }
            self.loops.push(LoopState {
                id,
                breaks: None,
                continues: None,
            });
            self.block(body, false)?;
            let l = self.loops.pop().unwrap();
            let back = join(self.st.take(), l.continues);
            let next = join(head.clone(), back);
            if next == head {
                self.st = join(exit, l.breaks);
                return Ok(());
            }
            head = next;
        }
    }

    /// Locals a closure body (and closures nested in it) refers to, and those it declares.
    fn closure_vars(&self, ci: u32) -> (BTreeMap<LocalId, Span>, HashSet<LocalId>) {
        let c = &self.f.closures[ci as usize];
        let mut declared = HashSet::new();
        for p in &c.params {
            pat_locals(p, &mut declared);
        }
        let mut refs = BTreeMap::new();
        visit_expr(
            &c.body,
            &mut |e| match &e.kind {
                K::Local(id) => {
                    refs.entry(*id).or_insert(e.span);
                }
                K::Global(i) => {
                    refs.entry(GLOBAL + *i as LocalId).or_insert(e.span);
                }
                K::Block(b) => {
                    for s in &b.stmts {
                        if let Stmt::Let { pat, .. } = s {
                            pat_locals(pat, &mut declared);
                        }
                    }
                }
                K::For { pat, .. } => pat_locals(pat, &mut declared),
                K::Match(_, arms) => {
                    for a in arms {
                        match_locals(&a.pat, &mut declared);
                    }
                }
                _ => {}
            },
            self.f,
        );
        refs.retain(|id, _| !declared.contains(id));
        (refs, declared)
    }

    fn closure_create(&mut self, ci: u32) -> Result<()> {
        let c = &self.f.closures[ci as usize];
        let (outer, declared) = self.closure_vars(ci);
        // The body runs later (possibly many times): moves of captured variables are refused,
        // moves of its own locals are checked within the body.
        let saved = self.st.clone();
        let saved_loops = std::mem::take(&mut self.loops);
        self.closure_inner.push(declared);
        let r = self.expr(&c.body, true);
        self.closure_inner.pop();
        self.loops = saved_loops;
        self.st = saved;
        r?;
        for (id, sp) in outer {
            if c.is_move && owned(var_ty(self.f, id)) {
                self.move_var(id, sp)?;
            } else {
                self.use_var(id, sp)?;
            }
        }
        Ok(())
    }

    /// A closure used by an iterator adapter: created there, unless it is a named one.
    fn adapter_closure(&mut self, ci: u32, span: Span) -> Result<()> {
        if self.named_closures.contains(&ci) {
            self.closure_use(ci, span)
        } else {
            self.closure_create(ci)
        }
    }

    /// Calling a closure that borrows its captures: none of them may have moved since.
    fn closure_use(&mut self, ci: u32, _span: Span) -> Result<()> {
        if self.f.closures[ci as usize].is_move {
            return Ok(());
        }
        let (outer, _) = self.closure_vars(ci);
        if let Some(st) = &self.st {
            for id in outer.keys() {
                if let Some(at) = st.get(id) {
                    let n = name_err(self.f, *id);
                    return Err(Error::new(
                        *at,
                        format!("cannot move out of `{n}` because it is borrowed"),
                    )
                    .label(format!("move out of `{n}` occurs here"))
                    .hint("a closure that borrows it is called later (rustc error E0505)"));
                }
            }
        }
        Ok(())
    }
}

fn pat_locals(p: &Pat, out: &mut HashSet<LocalId>) {
    match p {
        Pat::Bind(id) => {
            out.insert(*id);
        }
        Pat::Tuple(ps) => ps.iter().for_each(|p| pat_locals(p, out)),
        Pat::Deref(p) => pat_locals(p, out),
        Pat::Global(_) | Pat::Wild => {}
    }
}

fn match_locals(p: &MatchPat, out: &mut HashSet<LocalId>) {
    match p {
        MatchPat::Bind(id) => {
            out.insert(*id);
        }
        MatchPat::Or(ps) => ps.iter().for_each(|p| match_locals(p, out)),
        MatchPat::Some(q) => match_locals(q, out),
        _ => {}
    }
}

// ---- a pre-order visitor over every expression (closure bodies included) ----------------

pub(super) fn visit_block(b: &Block, f: &mut dyn FnMut(&Expr), func: &Fn) {
    for s in &b.stmts {
        match s {
            Stmt::Let { init: Some(e), .. } | Stmt::Expr(e) => visit_expr(e, f, func),
            Stmt::Let { init: None, .. } => {}
        }
    }
    if let Some(t) = &b.tail {
        visit_expr(t, f, func);
    }
}

fn visit_fmt(fm: &Format, f: &mut dyn FnMut(&Expr), func: &Fn) {
    fm.args.iter().for_each(|a| visit_expr(a, f, func));
}

fn visit_iter(it: &IterExpr, f: &mut dyn FnMut(&Expr), func: &Fn, seen: &mut BTreeSet<u32>) {
    match &it.src {
        IterSrc::Range { start, end, .. } => {
            visit_expr(start, f, func);
            visit_expr(end, f, func);
        }
        IterSrc::Elems { seq, .. } => visit_expr(seq, f, func),
    }
    for a in &it.adapters {
        match a {
            Adapter::Map(ci) | Adapter::Filter(ci) => visit_closure(*ci, f, func, seen),
            Adapter::Take(x) | Adapter::Skip(x) | Adapter::StepBy(x) => visit_expr(x, f, func),
            Adapter::Zip(o) | Adapter::Chain(o) => visit_iter(o, f, func, seen),
            _ => {}
        }
    }
}

fn visit_closure(ci: u32, f: &mut dyn FnMut(&Expr), func: &Fn, seen: &mut BTreeSet<u32>) {
    if seen.insert(ci) {
        visit_expr(&func.closures[ci as usize].body, f, func);
    }
}

pub(super) fn visit_expr(e: &Expr, f: &mut dyn FnMut(&Expr), func: &Fn) {
    let mut seen = BTreeSet::new();
    visit_expr_in(e, f, func, &mut seen)
}

fn visit_expr_in(e: &Expr, f: &mut dyn FnMut(&Expr), func: &Fn, seen: &mut BTreeSet<u32>) {
    f(e);
    macro_rules! v {
        ($x:expr, $f:expr) => {
            visit_expr_in($x, $f, func, seen)
        };
    }
    match &e.kind {
        K::Neg(x)
        | K::Not(x)
        | K::Deref(x)
        | K::Ref(x, _)
        | K::ToSlice(x)
        | K::Cast(x)
        | K::Field(x, _)
        | K::ArrayRepeat(x, _)
        | K::Some(x) => v!(x, f),
        K::Binary(_, a, b)
        | K::And(a, b)
        | K::Or(a, b)
        | K::Assign(a, b)
        | K::OpAssign(_, a, b)
        | K::Index(a, b)
        | K::VecRepeat(a, b) => {
            v!(a, f);
            v!(b, f);
        }
        K::If(c, a, b) => {
            v!(c, f);
            v!(a, f);
            if let Some(b) = b {
                v!(b, f);
            }
        }
        K::Block(b) | K::Loop { body: b, .. } => visit_block(b, f, func),
        K::While { cond, body, .. } => {
            v!(cond, f);
            visit_block(body, f, func);
        }
        K::For { iter, body, .. } => {
            visit_iter(iter, f, func, seen);
            visit_block(body, f, func);
        }
        K::Break { value: Some(x), .. } | K::Return(Some(x)) => v!(x, f),
        K::Call(_, es) | K::Intrinsic(_, es) | K::Tuple(es) | K::Array(es) | K::VecLit(es) => {
            es.iter().for_each(|x| v!(x, f))
        }
        K::CallClosure(ci, es) => {
            es.iter().for_each(|x| v!(x, f));
            visit_closure(*ci, f, func, seen);
        }
        K::Match(s, arms) => {
            v!(s, f);
            for a in arms {
                if let Some(g) = &a.guard {
                    v!(g, f);
                }
                v!(&a.body, f);
            }
        }
        K::Format(_, fm) => visit_fmt(fm, f, func),
        K::Unreachable(Some(fm)) => visit_fmt(fm, f, func),
        K::Assert { cond, msg, .. } => {
            v!(cond, f);
            if let Some(m) = msg {
                visit_fmt(m, f, func);
            }
        }
        K::AssertEq { l, r, msg, .. } => {
            v!(l, f);
            v!(r, f);
            if let Some(m) = msg {
                visit_fmt(m, f, func);
            }
        }
        K::Consume(it, c) => {
            visit_iter(it, f, func, seen);
            match c {
                Consumer::Fold(init, ci) => {
                    v!(init, f);
                    visit_closure(*ci, f, func, seen);
                }
                Consumer::Any(ci)
                | Consumer::All(ci)
                | Consumer::ForEach(ci)
                | Consumer::Position(ci) => visit_closure(*ci, f, func, seen),
                _ => {}
            }
        }
        K::Closure(ci) => visit_closure(*ci, f, func, seen),
        _ => {}
    }
}
