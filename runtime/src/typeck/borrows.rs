//! The part of rustc's borrow checking that `&mut` arguments need: the fast tier accepts
//! `bump(&mut a)`, `bump(&mut v[i])`, `push_all(&mut v, ..)` and `std::mem::swap(&mut a, &mut b)`,
//! and must refuse what rustc refuses there (E0499/E0502/E0503: an argument list that uses a
//! variable another argument borrows mutably), and what a `for` loop's borrow of a Vec or array
//! forbids (E0502/E0506/E0499); `held_borrows.rs` does the same for references and closures held
//! in `let`s. A `&mut` to a scalar exists only as a call argument (or a parameter): a `let` of
//! one, which would need lifetimes to check, is refused. Here too: `check`, which runs them all.

use super::closure_borrows::{closure_scalar_borrows, move_closure_bodies, move_copies};
use super::held_borrows::held_borrows;
use super::moves::{visit_block, visit_expr};
use super::mut_borrows::{autoref_name, base_expr, place_name};
use super::typed::{
    Adapter, Block, Consumer, Expr, ExprKind as K, Fn, Intr, IterExpr, IterSrc, Pat, Stmt,
};
use crate::abi::ty::Ty;
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
        K::Index(b, _) | K::Field(b, _) | K::Deref(b) | K::ToSlice(b) | K::Ref(b, _) => {
            root_expr(b)
        }
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
        K::Ref(x, _) if matches!(x.kind, K::Index(..)) => {
            root_expr(x).map(|e| e.span).unwrap_or(a.span)
        }
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
    visit_expr(
        e,
        &mut |x| match x.kind {
            K::Local(id) if r == Root::Local(id) => hit = true,
            K::Global(i) if r == Root::Global(i) => hit = true,
            _ => {}
        },
        f,
    );
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
    visit_expr(
        e,
        &mut |x| {
            if matches!(x.kind, K::CallClosure(c, _) if c == ci) {
                hit = true
            }
        },
        f,
    );
    hit
}

pub(super) fn name(f: &Fn, r: Root) -> &str {
    match r {
        Root::Local(id) => &f.locals[id as usize].name,
        Root::Global(i) => &f.globals[i].name,
    }
}

pub(super) fn has_ref(t: &Ty) -> bool {
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
                    (
                        format!("cannot borrow `{n}` as mutable more than once at a time"),
                        "E0499",
                        "second mutable borrow occurs here".to_string(),
                    )
                } else if shared_borrow(b) {
                    (format!("cannot borrow `{n}` as immutable because it is also borrowed as mutable"), "E0502", "immutable borrow occurs here".to_string())
                } else {
                    (
                        format!("cannot use `{n}` because it was mutably borrowed"),
                        "E0503",
                        format!("use of borrowed `{n}`"),
                    )
                };
                return Err(Error::new(span, msg).code(code).label(label));
            }
            if has_ref(&b.ty) {
                return Err(Error::new(
                    borrow_span(a),
                    format!(
                        "cannot borrow `{n}` as mutable because it is also borrowed as immutable"
                    ),
                )
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
/// (with the place borrowed mutably, as rustc names it: `v`, `*v` through a reference)
pub(super) enum Mutation {
    Borrow(crate::diag::Span, String),
    Assign(crate::diag::Span, String),
}

/// The place rustc names in E0506: `a` for the variable, `a[_]` per level of array or slice
/// indexing (also through a `&mut [T; N]`/`&mut [T]` variable); `None` for a Vec's `IndexMut`.
fn assigned_place(f: &Fn, l: &Expr) -> Option<String> {
    fn builtin(l: &Expr) -> bool {
        match &l.kind {
            K::Local(_) | K::Global(_) => true,
            K::Index(b, _) => {
                matches!(b.ty.peel_refs(), Ty::Array(..) | Ty::Slice(_)) && builtin(b)
            }
            K::Deref(b) => matches!(l.ty, Ty::Array(..) | Ty::Slice(_)) && builtin(b),
            _ => false,
        }
    }
    builtin(l).then(|| place_name(f, l))
}

/// A mutable borrow's span and the place rustc names for it.
fn borrow_of(f: &Fn, at: crate::diag::Span, of: &Expr) -> Mutation {
    Mutation::Borrow(
        at,
        base_expr(of)
            .map(|b| autoref_name(f, b))
            .unwrap_or_default(),
    )
}

/// `skip`: a held closure's own definition, whose mutations happen only when it is called.
pub(super) fn mutation_of(
    f: &Fn,
    e: &Expr,
    r: Root,
    skip: Option<crate::diag::Span>,
) -> Option<Mutation> {
    let mut at = None;
    // `move` closures: an array is copied into them, a Vec moved (`moves.rs`)
    let mut moved: Vec<crate::diag::Span> = vec![];
    visit_expr(
        e,
        &mut |x| {
            if at.is_some()
                || skip.is_some_and(|s| within(x.span, s))
                || moved.iter().any(|s| within(x.span, *s))
            {
                return;
            }
            match &x.kind {
                K::Closure(ci) | K::CallClosure(ci, _) if f.closures[*ci as usize].is_move => {
                    moved.push(f.closures[*ci as usize].span)
                }
                K::Intrinsic(
                    Intr::VecPush
                    | Intr::VecPop
                    | Intr::VecClear
                    | Intr::VecExtendFromSlice
                    | Intr::VecResize
                    | Intr::VecTruncate
                    | Intr::VecInsert
                    | Intr::VecRemove,
                    args,
                ) if args.first().and_then(root) == Some(r) => {
                    at = Some(borrow_of(f, x.span, &args[0]))
                }
                // Slice methods reach the Vec or array through `DerefMut`/unsizing of the receiver:
                // rustc points at the receiver.
                K::Intrinsic(Intr::Swap | Intr::SliceFill, args)
                    if args.first().and_then(root) == Some(r) =>
                {
                    at = root_expr(&args[0]).map(|b| borrow_of(f, b.span, b))
                }
                K::Assign(l, _) | K::OpAssign(_, l, _) if root(l) == Some(r) => {
                    // rustc spans the whole assignment for an element, the variable for `v = ..`.
                    if let Some(p) = assigned_place(f, l) {
                        at = Some(Mutation::Assign(
                            if matches!(l.kind, K::Index(..)) {
                                x.span
                            } else {
                                l.span
                            },
                            p,
                        ))
                    } else if matches!(l.kind, K::Index(..)) {
                        at = root_expr(l).map(|b| borrow_of(f, b.span, b))
                    }
                }
                K::Call(_, args) | K::CallClosure(_, args) | K::Intrinsic(Intr::StdSwap, args) => {
                    if let Some(a) = args.iter().find(|a| mut_borrow(a) == Some(r)) {
                        at = Some(borrow_of(f, borrow_span(a), a))
                    }
                }
                // a closure mutating it is a mutable borrow where it is made (rustc points at it)
                K::Closure(ci) => {
                    let c = &f.closures[*ci as usize];
                    if mutation_of(f, &c.body, r, None).is_some() {
                        at = Some(Mutation::Borrow(c.span, name(f, r).to_string()))
                    }
                }
                // `let r = &mut v;`, `&mut v[1..]`
                K::Ref(p, true) if root(p) == Some(r) => at = Some(borrow_of(f, borrow_span(x), p)),
                K::Intrinsic(Intr::SubSlice, args)
                    if matches!(x.ty, Ty::Ref(_, true)) && root(&args[0]) == Some(r) =>
                {
                    at = Some(borrow_of(f, borrow_span(x), &args[0]))
                }
                _ => {}
            }
        },
        f,
    );
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
        let IterSrc::Elems { seq, by_ref } = &it.src else {
            continue;
        };
        let by_value_array = !*by_ref && matches!(seq.ty, Ty::Array(..)) && seq.span == it.span;
        if let Some(r) = root(seq) {
            if !by_value_array
                && root_expr(seq).is_some_and(|b| borrowable(&b.ty))
                && !bases.contains(&r)
            {
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
    if let Some(
        Consumer::Fold(_, ci)
        | Consumer::Any(ci)
        | Consumer::All(ci)
        | Consumer::ForEach(ci)
        | Consumer::Position(ci),
    ) = consumer
    {
        closures.push(*ci);
    }
    for ci in closures {
        let c = &f.closures[ci as usize];
        for r in &bases {
            if mutation_of(f, &c.body, *r, None).is_some() {
                let n = name(f, *r);
                return Err(Error::new(
                    c.span,
                    format!(
                        "cannot borrow `{n}` as mutable because it is also borrowed as immutable"
                    ),
                )
                .code("E0502")
                .label("mutable borrow occurs here"));
            }
        }
    }
    Ok(())
}

fn loop_borrows(f: &Fn, e: &Expr) -> Result<()> {
    let K::For { body, iter, .. } = &e.kind else {
        return Ok(());
    };
    let (bases, _) = iter_bases(iter);
    for r in bases {
        for x in body
            .stmts
            .iter()
            .filter_map(|s| match s {
                Stmt::Let { init: Some(e), .. } | Stmt::Expr(e) => Some(e),
                _ => None,
            })
            .chain(body.tail.as_deref())
        {
            match mutation_of(f, x, r, None) {
                Some(Mutation::Borrow(at, n)) => {
                    return Err(Error::new(
                        at,
                        format!(
                        "cannot borrow `{n}` as mutable because it is also borrowed as immutable"
                    ),
                    )
                    .code("E0502")
                    .label("mutable borrow occurs here"))
                }
                Some(Mutation::Assign(at, p)) => {
                    return Err(Error::new(
                        at,
                        format!("cannot assign to `{p}` because it is borrowed"),
                    )
                    .code("E0506")
                    .label(format!(
                        "`{p}` is assigned to here but it was already borrowed"
                    )))
                }
                None => {}
            }
        }
    }
    Ok(())
}

/// Whether a value of this type can hold a reference the borrow must track: a Vec's or a
/// fixed array's elements (directly or behind a reference).
pub(super) fn borrowable(t: &Ty) -> bool {
    match t {
        Ty::Vec(_) | Ty::Array(..) => true,
        Ty::Ref(t, _) => matches!(**t, Ty::Vec(_) | Ty::Array(..) | Ty::Slice(_)),
        _ => false,
    }
}

/// A workspace variable holding a reference (`let m = v.first();` at top level) is fine within
/// its own cell, where `held_borrows` checks it like rustc; a later cell could have changed or
/// freed what it points into (`v.push(..)` reallocates), and no borrow of it outlives the cell
/// in Rust either (evcxr refuses to persist such a variable), so a later cell may not use it.
fn earlier_cell_refs(f: &Fn) -> Result<()> {
    let mut err = None;
    visit_block(
        &f.body,
        &mut |e| {
            if let K::Global(i) = e.kind {
                let g = &f.globals[i];
                if err.is_none() && !g.new && has_ref(&g.ty) {
                    err = Some(
                    Error::unsupported(e.span, format!("use of `{}` (of type `{}`, a borrow) in a later cell than the one that made it", g.name, g.ty))
                        .label("a borrow does not outlive its cell: recompute it here"),
                );
                }
            }
        },
        f,
    );
    err.map_or(Ok(()), Err)
}

/// What the `let`s of one block hold until their last use.
fn block_borrows(f: &Fn, b: &Block) -> Result<()> {
    held_borrows(f, b)?;
    closure_scalar_borrows(f, b)?;
    move_copies(f, b)
}

pub fn check(f: &Fn) -> Result<()> {
    // The item of `for x in v.iter_mut()` / `&mut a` (also `(i, x)` of `enumerate`) is a `&mut`
    // to one element for one iteration; the loop's borrow of `v` is checked with the loop.
    let mut loop_items: HashSet<u32> = HashSet::new();
    visit_block(
        &f.body,
        &mut |e| {
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
        },
        f,
    );
    for (i, l) in f.locals.iter().enumerate() {
        if let Ty::Ref(t, true) = &l.ty {
            if t.is_scalar()
                && !f.params.contains(&(i as u32))
                && !(loop_items.contains(&(i as u32)) && !l.mutable)
            {
                return Err(Error::unsupported(l.span, format!("a variable of type `&mut {t}` (a `&mut` to a scalar only as a fn argument)")));
            }
        }
    }
    let mut allowed: HashSet<*const Expr> = HashSet::new();
    let mut err = None;
    visit_block(
        &f.body,
        &mut |e| {
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
                    err = Some(Error::unsupported(
                        e.span,
                        "`&mut` to a scalar outside a call argument",
                    ));
                }
                _ => {}
            }
        },
        f,
    );
    if let Some(e) = err {
        return Err(e);
    }
    earlier_cell_refs(f)?;
    move_closure_bodies(f)?;
    block_borrows(f, &f.body)?;
    let mut err = None;
    visit_block(
        &f.body,
        &mut |e| {
            if err.is_some() {
                return;
            }
            let r = match &e.kind {
                K::For { body: b, .. } => loop_borrows(f, e)
                    .and_then(|_| iter_closure_borrows(f, e))
                    .and_then(|_| block_borrows(f, b)),
                K::Consume(..) => iter_closure_borrows(f, e),
                K::Block(b) | K::While { body: b, .. } | K::Loop { body: b, .. } => {
                    block_borrows(f, b)
                }
                _ => Ok(()),
            };
            if let Err(x) = r {
                err = Some(x);
            }
        },
        f,
    );
    match err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
