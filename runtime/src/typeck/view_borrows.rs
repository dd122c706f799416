//! Aliasing of `let`-bound views with the variable they borrow (rustc's E0502/E0499),
//! checked conservatively over the typed IR of one fn or cell.
//!
//! A view is a raw header into the data of another variable. A view bound by
//! `let v = <view of a>` is alive until its last use (rustc's non-lexical lifetimes), or, when
//! a later `let` makes something from it that may carry the borrow (a view of the view, a
//! closure, a reference), to the end of the block that binds it (a program relying on NLL
//! there is refused, never run wrongly):
//! - an immutable view: `a` may not be written there (element/compound assignment, `&mut a`,
//!   mutating methods, passing a `&mut` variable `a` on);
//! - a mutable view: `a` may not be used at all there.
//!
//! Moves and reassignments of `a` are refused for the whole fn by `moves.rs`.

use super::array_iters::{is_nd_source, nd_source_mutable};
use super::borrows::{rest_of, uses_held, Root as BRoot};
use super::moves::visit_expr;
use super::mut_borrows::used_after;
use super::typed::Pat;
use super::typed::{Adapter, Block, Expr, ExprKind as K, Fn, Intr, IterExpr, IterSrc, NdOp, Stmt};
use super::views::{view_root, Root};
use crate::abi::ty::Ty;
use crate::diag::{Error, Result, Span};

pub fn check(f: &Fn) -> Result<()> {
    block(f, &f.body)
}

/// Every block of the fn: each `let` of a view constrains the rest of its block.
fn block(f: &Fn, b: &Block) -> Result<()> {
    for (k, s) in b.stmts.iter().enumerate() {
        let e = match s {
            Stmt::Let { init: Some(e), .. } | Stmt::Expr(e) => e,
            Stmt::Let { init: None, .. } => continue,
        };
        nested(f, e)?;
        if let Stmt::Let {
            init: Some(init),
            pat,
            ..
        } = s
        {
            if let Ty::NdView(_, _, m) = &init.ty {
                let r = view_root(init);
                if r != Root::Temp {
                    let rest = rest_of(b, k);
                    // NLL: the view's borrow ends at its last use, unless something made from it
                    // (a view of the view, a closure, a reference) may carry it further: then to
                    // the end of the block.
                    let last = match pat {
                        Pat::Bind(id) if !derived(f, b, k, BRoot::Local(*id)) => rest
                            .iter()
                            .rposition(|e| uses_held(f, e, BRoot::Local(*id), None))
                            .map(|l| (l, BRoot::Local(*id))),
                        Pat::Global(g) if !derived(f, b, k, BRoot::Global(*g)) => rest
                            .iter()
                            .rposition(|e| uses_held(f, e, BRoot::Global(*g), None))
                            .map(|l| (l, BRoot::Global(*g))),
                        _ => Some((rest.len().saturating_sub(1), BRoot::Local(u32::MAX))),
                    };
                    let Some((last, held)) = last else { continue };
                    for (j, e) in rest.iter().enumerate().take(last + 1) {
                        if let Err(x) = conflicts(f, e, r, *m, init.span) {
                            let lexical = held == BRoot::Local(u32::MAX);
                            if lexical
                                || j < last
                                || matches!(
                                    e.kind,
                                    K::While { .. } | K::Loop { .. } | K::For { .. }
                                )
                                || used_after(f, e, held, None, x.span)
                            {
                                return Err(x);
                            }
                        }
                    }
                }
            }
        }
    }
    if let Some(t) = &b.tail {
        nested(f, t)?;
    }
    Ok(())
}

/// The blocks inside an expression (visited once each: `visit_expr` walks into blocks'
/// statements but not block by block, so only the outermost blocks are taken here).
fn nested(f: &Fn, e: &Expr) -> Result<()> {
    let mut res = Ok(());
    let mut seen: Vec<*const Block> = vec![];
    visit_expr(
        e,
        &mut |x| {
            if let K::For { iter, body, .. } = &x.kind {
                if res.is_ok() {
                    res = loop_over_array(f, iter, body);
                }
            }
            let b = match &x.kind {
                K::Block(b)
                | K::Loop { body: b, .. }
                | K::While { body: b, .. }
                | K::For { body: b, .. } => b,
                _ => return,
            };
            if res.is_ok() && !seen.contains(&(b as *const Block)) {
                seen.push(b as *const Block);
                res = block(f, b);
            }
        },
        f,
    );
    res
}

/// Whether a `let` after statement `k` of `b` (at any depth) makes something from `v` that may
/// hold its borrow (anything but a number or an owned array/Vec).
fn derived(f: &Fn, b: &Block, k: usize, v: BRoot) -> bool {
    let carries = |s: &Stmt| match s {
        Stmt::Let { init: Some(i), .. } => {
            !(i.ty.is_scalar() || matches!(i.ty, Ty::Unit | Ty::Nd(..) | Ty::Vec(_)))
                && uses_held(f, i, v, None)
        }
        _ => false,
    };
    let mut hit = b.stmts[k + 1..].iter().any(carries);
    for e in rest_of(b, k) {
        visit_expr(
            e,
            &mut |x| {
                if let K::Block(b)
                | K::Loop { body: b, .. }
                | K::While { body: b, .. }
                | K::For { body: b, .. } = &x.kind
                {
                    hit |= b.stmts.iter().any(carries);
                }
            },
            f,
        );
    }
    hit
}

fn is_root(e: &Expr, r: Root) -> bool {
    match (&e.kind, r) {
        (K::Local(id), Root::Local(x)) => *id == x,
        (K::Global(i), Root::Global(x)) => *i == x,
        _ => false,
    }
}

/// The variable a place expression writes to.
fn place_root(e: &Expr) -> Root {
    match &e.kind {
        K::Index(b, _) | K::Field(b, _) | K::Deref(b) | K::ToSlice(b) | K::Ref(b, _) => {
            place_root(b)
        }
        K::Intrinsic(Intr::Nd(NdOp::View(_)), a) => place_root(&a[0]),
        _ => view_root(e),
    }
}

fn conflicts(f: &Fn, e: &Expr, r: Root, view_mut: bool, vspan: Span) -> Result<()> {
    let mut res = Ok(());
    visit_expr(
        e,
        &mut |x| {
            if res.is_err() {
                return;
            }
            let write = match &x.kind {
                K::Ref(p, true) => place_root(p) == r,
                K::Assign(p, _) | K::OpAssign(_, p, _) => place_root(p) == r,
                K::Intrinsic(_, args) | K::Call(_, args) => args
                    .iter()
                    .any(|a| is_root(a, r) && matches!(a.ty, Ty::Ref(_, true))),
                _ => false,
            };
            let read = view_mut && !write && is_root(x, r);
            if write || read {
                let n = name(f, r);
                let (code, msg, label) = match (view_mut, write) {
                // ndarray writes go through `IndexMut`/`&mut self` methods: a mutable borrow
                (false, _) => ("E0502", format!("cannot borrow `{n}` as mutable because it is also borrowed as immutable"), "mutable borrow occurs here"),
                (true, true) => ("E0499", format!("cannot borrow `{n}` as mutable more than once at a time"), "second mutable borrow occurs here"),
                (true, false) => ("E0502", format!("cannot borrow `{n}` as immutable because it is also borrowed as mutable"), "immutable borrow occurs here"),
            };
                res = Err(Error::new(x.span, msg).code(code).label(label).hint(format!(
                "a {}view of `{n}` made at line {} is used later (the fast tier keeps it alive to the end of its block if another view, a closure or a reference is made from it)",
                if view_mut { "mutable " } else { "" },
                vspan.line
            )));
            }
        },
        f,
    );
    res
}

fn name(f: &Fn, r: Root) -> String {
    match r {
        Root::Local(id) => f.locals[id as usize].name.clone(),
        Root::Global(i) => f.globals[i].name.clone(),
        Root::Temp => String::new(),
    }
}

/// A `for` loop over an array's or view's elements borrows the array for the whole loop, as an
/// immutable (`iter`, `&a`) or mutable (`iter_mut`, `&mut a`) view would: rustc's E0502/E0499 at
/// the array in the body, E0506 for assigning a new array to it.
fn loop_over_array(f: &Fn, iter: &IterExpr, body: &Block) -> Result<()> {
    let mut srcs = vec![iter];
    while let Some(it) = srcs.pop() {
        for a in &it.adapters {
            if let Adapter::Zip(o) | Adapter::Chain(o) = a {
                srcs.push(o);
            }
        }
        let IterSrc::Elems { seq, .. } = &it.src else {
            continue;
        };
        if !is_nd_source(seq) {
            continue;
        }
        let r = view_root(seq);
        if r == Root::Temp {
            continue;
        }
        let mutable = nd_source_mutable(seq);
        let stmts = body.stmts.iter().filter_map(|s| match s {
            Stmt::Let { init: Some(e), .. } | Stmt::Expr(e) => Some(e),
            Stmt::Let { init: None, .. } => None,
        });
        for e in stmts.chain(body.tail.as_deref()) {
            loop_conflicts(f, e, r, mutable)?;
        }
    }
    Ok(())
}

/// The variable expression a written place starts from (`a` of `a[[i, j]]`, `a.row_mut(0)`).
fn root_expr(e: &Expr) -> &Expr {
    match &e.kind {
        K::Index(b, _) | K::Field(b, _) | K::Deref(b) | K::ToSlice(b) | K::Ref(b, _) => {
            root_expr(b)
        }
        K::Intrinsic(Intr::Nd(NdOp::View(_)), a) => root_expr(&a[0]),
        _ => e,
    }
}

fn loop_conflicts(f: &Fn, e: &Expr, r: Root, iter_mut: bool) -> Result<()> {
    let mut res = Ok(());
    visit_expr(
        e,
        &mut |x| {
            if res.is_err() {
                return;
            }
            let n = || name(f, r);
            let label = |n: &str| {
                format!("`{n}` is borrowed by the `for` loop's iterator until the loop ends")
            };
            // the written variable's own expression (rustc points there), or the assignment
            let write: Option<(&Expr, bool)> = match &x.kind {
                K::Assign(p, _) if is_root(p, r) => Some((x, true)),
                K::Assign(p, _) | K::OpAssign(_, p, _) if place_root(p) == r => {
                    Some((root_expr(p), false))
                }
                K::Ref(p, true) if place_root(p) == r => Some((root_expr(p), false)),
                K::Intrinsic(_, args) | K::Call(_, args) => args
                    .iter()
                    .find(|a| is_root(a, r) && matches!(a.ty, Ty::Ref(_, true)))
                    .map(|a| (a, false)),
                _ => None,
            };
            let err = match write {
                Some((at, true)) => Some((
                    at.span,
                    "E0506",
                    format!("cannot assign to `{}` because it is borrowed", n()),
                )),
                Some((at, false)) if iter_mut => Some((
                    at.span,
                    "E0499",
                    format!(
                        "cannot borrow `{}` as mutable more than once at a time",
                        n()
                    ),
                )),
                Some((at, false)) => Some((
                    at.span,
                    "E0502",
                    format!(
                        "cannot borrow `{}` as mutable because it is also borrowed as immutable",
                        n()
                    ),
                )),
                None if iter_mut && is_root(x, r) => Some((
                    x.span,
                    "E0502",
                    format!(
                        "cannot borrow `{}` as immutable because it is also borrowed as mutable",
                        n()
                    ),
                )),
                None => None,
            };
            if let Some((span, code, msg)) = err {
                res = Err(Error::new(span, msg)
                    .code(code)
                    .label(label(&n()))
                    .hint("index the array in a `for i in 0..n` loop instead, or use `%%rust`"));
            }
        },
        f,
    );
    res
}
