//! The part of rustc's borrow checking that `&mut` arguments need: the fast tier accepts
//! `bump(&mut a)`, `bump(&mut v[i])`, `push_all(&mut v, ..)` and `std::mem::swap(&mut a, &mut b)`,
//! and must refuse what rustc refuses there (E0499/E0502/E0503: an argument list that uses a
//! variable another argument borrows mutably), and what a held borrow of a Vec or array forbids
//! (a reference, a by-ref closure or a `for` loop over it; E0502/E0506/E0499). A `&mut` to a scalar exists only as a call
//! argument (or a parameter): a `let` of one, which would need lifetimes to check, is refused.

use super::closure_borrows::closure_scalar_borrows;
use super::moves::{visit_block, visit_expr};
use super::ty::Ty;
use super::typed::{Adapter, Block, Consumer, Expr, ExprKind as K, Fn, Intr, IterExpr, IterSrc, Pat, Stmt};
use crate::diag::{Error, Result};
use std::collections::HashSet;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Root {
    Local(u32),
    Global(usize),
}

pub(super) fn root(e: &Expr) -> Option<Root> {
    match &e.kind {
        K::Local(id) => Some(Root::Local(*id)),
        K::Global(i) => Some(Root::Global(*i)),
        K::Index(b, _) | K::Field(b, _) | K::Deref(b) | K::ToSlice(b) | K::Ref(b, _) => root(b),
        K::Intrinsic(Intr::SubSlice, a) => root(&a[0]),
        _ => None,
    }
}

fn root_expr(e: &Expr) -> Option<&Expr> {
    match &e.kind {
        K::Local(_) | K::Global(_) => Some(e),
        K::Index(b, _) | K::Field(b, _) | K::Deref(b) | K::ToSlice(b) | K::Ref(b, _) => root_expr(b),
        _ => None,
    }
}

/// The variable an argument borrows mutably: `&mut place`, `&mut v[a..b]`, or a `&mut`
/// variable passed on (an implicit reborrow).
fn mut_borrow(a: &Expr) -> Option<Root> {
    match (&a.kind, &a.ty) {
        (K::Ref(x, true), _) => root(x),
        (K::Intrinsic(Intr::SubSlice, args), Ty::Ref(_, true)) => root(&args[0]),
        (K::Local(_) | K::Global(_), Ty::Ref(_, true)) => root(a),
        // `&mut v` coerced to `&mut [T]`.
        (K::ToSlice(x), Ty::Ref(_, true)) => mut_borrow(x),
        _ => None,
    }
}

/// Where rustc points at a borrow argument: at the variable itself when the borrow goes
/// through indexing (`&mut v[0]`, `&v[1..]` are `Index::index(&v, ..)`), else at the argument.
fn borrow_span(a: &Expr) -> crate::diag::Span {
    match &a.kind {
        K::Ref(x, _) if matches!(x.kind, K::Index(..)) => root_expr(x).map(|e| e.span).unwrap_or(a.span),
        K::Intrinsic(Intr::SubSlice, args) => root_expr(&args[0]).map(|e| e.span).unwrap_or(a.span),
        K::ToSlice(x) => borrow_span(x),
        _ => a.span,
    }
}

/// Whether an argument is a shared borrow of a place (`&x`, `&v[..]`, `&v[a..b]`, coerced or not).
fn shared_borrow(a: &Expr) -> bool {
    match (&a.kind, &a.ty) {
        (K::Ref(_, false), _) => true,
        (K::Intrinsic(Intr::SubSlice, _), Ty::Ref(_, false)) => true,
        (K::ToSlice(x), Ty::Ref(_, false)) => shared_borrow(x),
        _ => false,
    }
}

fn mentions(f: &Fn, e: &Expr, r: Root) -> bool {
    let mut hit = false;
    visit_expr(e, &mut |x| match x.kind {
        K::Local(id) if r == Root::Local(id) => hit = true,
        K::Global(i) if r == Root::Global(i) => hit = true,
        _ => {}
    }, f);
    hit
}

/// Whether `e` uses the held value: names it, or — for a held closure `ci` — calls it
/// (`c()` is typed as a call of closure `ci` and does not name the local `c`).
/// The expressions of a block after its statement `i` (statements' initialisers and exprs, then the tail).
pub(super) fn rest_of(b: &Block, i: usize) -> Vec<&Expr> {
    b.stmts[i + 1..]
        .iter()
        .filter_map(|s| match s {
            Stmt::Let { init: Some(e), .. } | Stmt::Expr(e) => Some(e),
            _ => None,
        })
        .chain(b.tail.as_deref())
        .collect()
}

pub(super) fn uses_held(f: &Fn, e: &Expr, r: Root, closure: Option<u32>) -> bool {
    mentions(f, e, r) || closure.is_some_and(|ci| calls_closure(f, e, ci))
}

pub(super) fn calls_closure(f: &Fn, e: &Expr, ci: u32) -> bool {
    let mut hit = false;
    visit_expr(e, &mut |x| if matches!(x.kind, K::CallClosure(c, _) if c == ci) { hit = true }, f);
    hit
}

pub(super) fn name(f: &Fn, r: Root) -> &str {
    match r {
        Root::Local(id) => &f.locals[id as usize].name,
        Root::Global(i) => &f.globals[i].name,
    }
}

fn has_ref(t: &Ty) -> bool {
    match t {
        Ty::Ref(..) => true,
        Ty::Tuple(ts) => ts.iter().any(has_ref),
        Ty::Array(t, _) | Ty::Option(t) => has_ref(t),
        _ => false,
    }
}

/// One argument list: an argument borrowing `x` mutably conflicts with any later argument
/// that uses `x`, and with an earlier one that still holds a borrow of it.
fn call_args(f: &Fn, args: &[Expr]) -> Result<()> {
    for (k, a) in args.iter().enumerate() {
        let Some(r) = mut_borrow(a) else { continue };
        for (j, b) in args.iter().enumerate() {
            if j == k || !mentions(f, b, r) {
                continue;
            }
            let n = name(f, r);
            if j > k {
                let span = borrow_span(b);
                let (msg, code, label) = if mut_borrow(b) == Some(r) {
                    (format!("cannot borrow `{n}` as mutable more than once at a time"), "E0499", "second mutable borrow occurs here".to_string())
                } else if shared_borrow(b) {
                    (format!("cannot borrow `{n}` as immutable because it is also borrowed as mutable"), "E0502", "immutable borrow occurs here".to_string())
                } else {
                    (format!("cannot use `{n}` because it was mutably borrowed"), "E0503", format!("use of borrowed `{n}`"))
                };
                return Err(Error::new(span, msg).code(code).label(label));
            }
            if has_ref(&b.ty) {
                return Err(Error::new(borrow_span(a), format!("cannot borrow `{n}` as mutable because it is also borrowed as immutable"))
                    .code("E0502")
                    .label("mutable borrow occurs here"));
            }
        }
    }
    Ok(())
}

pub(super) fn within(a: crate::diag::Span, s: crate::diag::Span) -> bool {
    (a.line, a.col) >= (s.line, s.col) && (a.end_line, a.end_col) <= (s.end_line, s.end_col)
}

/// How `e` mutates the place rooted at `r`: through a `&mut` borrow (a mutating Vec or
/// slice method, `v[i] = ..` through `IndexMut`, `&mut v` as an argument; rustc's E0502) or by
/// assigning the place itself (`a[i] = ..` on a fixed array, `v = ..`; rustc's E0506).
enum Mutation {
    Borrow(crate::diag::Span),
    Assign(crate::diag::Span, String),
}

/// The place rustc names in E0506: `a` for the variable, `a[_]` per level of array indexing.
fn assigned_place(f: &Fn, l: &Expr) -> Option<String> {
    match &l.kind {
        K::Local(_) | K::Global(_) => root(l).map(|r| name(f, r).to_string()),
        K::Index(b, _) if matches!(b.ty, Ty::Array(..)) => assigned_place(f, b).map(|p| format!("{p}[_]")),
        _ => None,
    }
}

/// `skip`: a held closure's own definition, whose mutations happen only when it is called.
fn mutation_of(f: &Fn, e: &Expr, r: Root, skip: Option<crate::diag::Span>) -> Option<Mutation> {
    let mut at = None;
    visit_expr(e, &mut |x| {
        if at.is_some() || skip.is_some_and(|s| within(x.span, s)) {
            return;
        }
        match &x.kind {
            K::Intrinsic(
                Intr::VecPush | Intr::VecPop | Intr::VecClear | Intr::VecExtendFromSlice | Intr::VecResize | Intr::VecTruncate | Intr::VecInsert | Intr::VecRemove,
                args,
            ) if args.first().and_then(root) == Some(r) => at = Some(Mutation::Borrow(x.span)),
            // Slice methods reach the Vec or array through `DerefMut`/unsizing of the receiver:
            // rustc points at the receiver.
            K::Intrinsic(Intr::Swap | Intr::SliceFill, args) if args.first().and_then(root) == Some(r) => {
                at = root_expr(&args[0]).map(|b| Mutation::Borrow(b.span))
            }
            K::Assign(l, _) | K::OpAssign(_, l, _) if root(l) == Some(r) => {
                // rustc spans the whole assignment for an element, the variable for `v = ..`.
                if let Some(p) = assigned_place(f, l) {
                    at = Some(Mutation::Assign(if matches!(l.kind, K::Index(..)) { x.span } else { l.span }, p))
                } else if matches!(l.kind, K::Index(..)) {
                    at = root_expr(l).map(|b| Mutation::Borrow(b.span))
                }
            }
            K::Call(_, args) | K::CallClosure(_, args) | K::Intrinsic(Intr::StdSwap, args) => {
                if let Some(a) = args.iter().find(|a| mut_borrow(a) == Some(r)) {
                    at = Some(Mutation::Borrow(borrow_span(a)))
                }
            }
            _ => {}
        }
    }, f);
    at
}

/// A `for` loop over a Vec's or an array's elements (`v.iter()`, `&v`, `a.iter().copied()`)
/// borrows it for the whole loop: rustc refuses mutating it in the body (E0502/E0506), where
/// the fast tier would read a reallocated buffer. `for x in a` over an array by value iterates
/// over a copy and borrows nothing.
/// The Vecs/arrays an iterator borrows (its sources, through `zip`/`chain`), and the closures
/// its adapters call.
fn iter_bases(iter: &IterExpr) -> (Vec<Root>, Vec<u32>) {
    let mut srcs = vec![iter];
    let mut bases: Vec<Root> = Vec::new();
    let mut closures = Vec::new();
    while let Some(it) = srcs.pop() {
        for a in &it.adapters {
            match a {
                Adapter::Zip(o) | Adapter::Chain(o) => srcs.push(o),
                Adapter::Map(ci) | Adapter::Filter(ci) => closures.push(*ci),
                _ => {}
            }
        }
        let IterSrc::Elems { seq, by_ref } = &it.src else { continue };
        let by_value_array = !*by_ref && matches!(seq.ty, Ty::Array(..)) && seq.span == it.span;
        if let Some(r) = root(seq) {
            if !by_value_array && root_expr(seq).is_some_and(|b| borrowable(&b.ty)) && !bases.contains(&r) {
                bases.push(r);
            }
        }
    }
    (bases, closures)
}

/// A closure called while an iterator borrows a Vec/array may not mutate it (rustc: E0502 at
/// the closure, "second borrow occurs due to use of `v` in closure"): `v.iter().map(|x| {
/// v.push(1); *x })` would read freed memory after the push reallocates.
fn iter_closure_borrows(f: &Fn, e: &Expr) -> Result<()> {
    let (iter, consumer) = match &e.kind {
        K::For { iter, .. } => (iter, None),
        K::Consume(iter, c) => (iter, Some(c)),
        _ => return Ok(()),
    };
    let (bases, mut closures) = iter_bases(iter);
    if let Some(Consumer::Fold(_, ci) | Consumer::Any(ci) | Consumer::All(ci) | Consumer::ForEach(ci) | Consumer::Position(ci)) = consumer {
        closures.push(*ci);
    }
    for ci in closures {
        let c = &f.closures[ci as usize];
        for r in &bases {
            if mutation_of(f, &c.body, *r, None).is_some() {
                let n = name(f, *r);
                return Err(Error::new(c.span, format!("cannot borrow `{n}` as mutable because it is also borrowed as immutable"))
                    .code("E0502")
                    .label("mutable borrow occurs here"));
            }
        }
    }
    Ok(())
}

fn loop_borrows(f: &Fn, e: &Expr) -> Result<()> {
    let K::For { body, iter, .. } = &e.kind else { return Ok(()) };
    let (bases, _) = iter_bases(iter);
    for r in bases {
        let n = name(f, r);
        for x in body.stmts.iter().filter_map(|s| match s {
            Stmt::Let { init: Some(e), .. } | Stmt::Expr(e) => Some(e),
            _ => None,
        }).chain(body.tail.as_deref()) {
            match mutation_of(f, x, r, None) {
                Some(Mutation::Borrow(at)) => {
                    return Err(Error::new(at, format!("cannot borrow `{n}` as mutable because it is also borrowed as immutable"))
                        .code("E0502")
                        .label("mutable borrow occurs here"))
                }
                Some(Mutation::Assign(at, p)) => {
                    return Err(Error::new(at, format!("cannot assign to `{p}` because it is borrowed"))
                        .code("E0506")
                        .label(format!("`{p}` is assigned to here but it was already borrowed")))
                }
                None => {}
            }
        }
    }
    Ok(())
}

/// Whether a value of this type can hold a reference the borrow must track: a Vec's or a
/// fixed array's elements (directly or behind a reference).
fn borrowable(t: &Ty) -> bool {
    match t {
        Ty::Vec(_) | Ty::Array(..) => true,
        Ty::Ref(t, _) => matches!(**t, Ty::Vec(_) | Ty::Array(..)),
        _ => false,
    }
}

/// A `let` binding a reference into a Vec or a fixed array (`let m = v.first();`, `v.get(i)`, `v.iter().max()`,
/// `&v[0]`) holds a shared borrow of `v` until its last use in the block: rustc refuses
/// mutating `v` in between (E0502), where the fast tier would have copied the old value.
fn held_borrows(f: &Fn, b: &Block) -> Result<()> {
    for (i, s) in b.stmts.iter().enumerate() {
        let Stmt::Let { pat, init: Some(init), .. } = s else { continue };
        // A closure capturing by reference (`let c = || v.len();`) holds a borrow of what it
        // captures until its last call, like a reference does.
        let closure = matches!(init.ty, Ty::Closure(ci) if !f.closures[ci as usize].is_move);
        let held_closure = match init.ty {
            Ty::Closure(ci) if closure => Some(ci),
            _ => None,
        };
        let skip = closure.then_some(init.span);
        if !has_ref(&init.ty) && !closure {
            continue;
        }
        let held = match pat {
            Pat::Bind(id) => Root::Local(*id),
            Pat::Global(g) => Root::Global(*g),
            _ => continue,
        };
        // The Vecs the reference can point into.
        let mut bases: Vec<Root> = Vec::new();
        visit_expr(init, &mut |x| {
            if let Some(r) = root(x) {
                if matches!(x.kind, K::Local(_) | K::Global(_)) && borrowable(&x.ty) && !bases.contains(&r) {
                    bases.push(r);
                }
            }
        }, f);
        if bases.is_empty() {
            continue;
        }
        let rest = rest_of(b, i);
        let Some(last) = rest.iter().rposition(|e| uses_held(f, e, held, held_closure)) else { continue };
        for (k, e) in rest[..=last].iter().enumerate() {
            for r in &bases {
                // A closure that mutates what it captures borrows it mutably: rustc refuses
                // any other use of it before the closure's last call.
                if closure && mutation_of(f, init, *r, None).is_some() && k < last {
                    let n = name(f, *r);
                    if let Some(m) = mutation_of(f, e, *r, skip) {
                        let (Mutation::Borrow(at) | Mutation::Assign(at, _)) = m;
                        return Err(Error::new(at, format!("cannot borrow `{n}` as mutable more than once at a time"))
                            .code("E0499")
                            .label("second mutable borrow occurs here"));
                    }
                    let mut at = None;
                    visit_expr(e, &mut |x| {
                        if at.is_none() && matches!(x.kind, K::Local(_) | K::Global(_)) && root(x) == Some(*r) && !within(x.span, init.span) {
                            at = Some(x.span)
                        }
                    }, f);
                    if let Some(at) = at {
                        return Err(Error::new(at, format!("cannot borrow `{n}` as immutable because it is also borrowed as mutable"))
                            .code("E0502")
                            .label("immutable borrow occurs here"));
                    }
                }
                let Some(m) = mutation_of(f, e, *r, skip) else { continue };
                let at = match &m {
                    Mutation::Borrow(s) | Mutation::Assign(s, _) => *s,
                };
                // In the statement of the last use, only a mutation before that use (or in a
                // loop around both) conflicts: `v.push(*m.unwrap())` reads `m` first.
                if k == last && !matches!(e.kind, K::While { .. } | K::Loop { .. } | K::For { .. }) {
                    let mut later_use = false;
                    visit_expr(e, &mut |x| {
                        let is_use = (matches!(x.kind, K::Local(_) | K::Global(_)) && root(x) == Some(held))
                            || matches!((&x.kind, held_closure), (K::CallClosure(c, _), Some(h)) if *c == h);
                        if is_use && (x.span.line, x.span.col) > (at.end_line, at.end_col) {
                            later_use = true
                        }
                    }, f);
                    if !later_use {
                        continue;
                    }
                }
                let n = name(f, *r);
                return Err(match m {
                    Mutation::Borrow(_) => Error::new(at, format!("cannot borrow `{n}` as mutable because it is also borrowed as immutable"))
                        .code("E0502")
                        .label("mutable borrow occurs here"),
                    Mutation::Assign(_, p) => Error::new(at, format!("cannot assign to `{p}` because it is borrowed"))
                        .code("E0506")
                        .label(format!("`{p}` is assigned to here but it was already borrowed")),
                });
            }
        }
    }
    Ok(())
}

/// A workspace variable holding a reference (`let m = v.first();` at top level) is fine within
/// its own cell, where `held_borrows` checks it like rustc; a later cell could have changed or
/// freed what it points into (`v.push(..)` reallocates), and no borrow of it outlives the cell
/// in Rust either (evcxr refuses to persist such a variable), so a later cell may not use it.
fn earlier_cell_refs(f: &Fn) -> Result<()> {
    let mut err = None;
    visit_block(&f.body, &mut |e| {
        if let K::Global(i) = e.kind {
            let g = &f.globals[i];
            if err.is_none() && !g.new && has_ref(&g.ty) {
                err = Some(
                    Error::unsupported(e.span, format!("use of `{}` (of type `{}`, a borrow) in a later cell than the one that made it", g.name, g.ty))
                        .label("a borrow does not outlive its cell: recompute it here"),
                );
            }
        }
    }, f);
    err.map_or(Ok(()), Err)
}

pub fn check(f: &Fn) -> Result<()> {
    // The item of `for x in v.iter_mut()` / `&mut a` (also `(i, x)` of `enumerate`) is a `&mut`
    // to one element for one iteration; the loop's borrow of `v` is checked with the loop.
    let mut loop_items: HashSet<u32> = HashSet::new();
    visit_block(&f.body, &mut |e| {
        if let K::For { pat, .. } = &e.kind {
            let mut stack = vec![pat];
            while let Some(p) = stack.pop() {
                match p {
                    Pat::Bind(id) => {
                        loop_items.insert(*id);
                    }
                    Pat::Tuple(ps) => stack.extend(ps),
                    _ => {}
                }
            }
        }
    }, f);
    for (i, l) in f.locals.iter().enumerate() {
        if let Ty::Ref(t, true) = &l.ty {
            if t.is_scalar() && !f.params.contains(&(i as u32)) && !(loop_items.contains(&(i as u32)) && !l.mutable) {
                return Err(Error::unsupported(l.span, format!("a variable of type `&mut {t}` (a `&mut` to a scalar only as a fn argument)")));
            }
        }
    }
    let mut allowed: HashSet<*const Expr> = HashSet::new();
    let mut err = None;
    visit_block(&f.body, &mut |e| {
        if err.is_some() {
            return;
        }
        match &e.kind {
            K::Call(_, args) | K::CallClosure(_, args) | K::Intrinsic(Intr::StdSwap, args) => {
                for a in args {
                    if let K::Ref(_, true) = a.kind {
                        allowed.insert(a as *const Expr);
                    }
                }
                if let Err(x) = call_args(f, args) {
                    err = Some(x);
                }
            }
            K::Ref(x, true) if x.ty.is_scalar() && !allowed.contains(&(e as *const Expr)) => {
                err = Some(Error::unsupported(e.span, "`&mut` to a scalar outside a call argument"));
            }
            _ => {}
        }
    }, f);
    if let Some(e) = err {
        return Err(e);
    }
    earlier_cell_refs(f)?;
    held_borrows(f, &f.body)?;
    closure_scalar_borrows(f, &f.body)?;
    let mut err = None;
    visit_block(&f.body, &mut |e| {
        if err.is_some() {
            return;
        }
        let r = match &e.kind {
            K::For { body: b, .. } => loop_borrows(f, e).and_then(|_| iter_closure_borrows(f, e)).and_then(|_| held_borrows(f, b)).and_then(|_| closure_scalar_borrows(f, b)),
            K::Consume(..) => iter_closure_borrows(f, e),
            K::Block(b) | K::While { body: b, .. } | K::Loop { body: b, .. } => held_borrows(f, b).and_then(|_| closure_scalar_borrows(f, b)),
            _ => Ok(()),
        };
        if let Err(x) = r {
            err = Some(x);
        }
    }, f);
    match err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
