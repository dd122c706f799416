//! Aliasing of `let`-bound views with the variable they borrow (rustc's E0502/E0499),
//! checked conservatively over the typed IR of one fn or cell.
//!
//! Why lexical: the fast tier has no borrow checker, and a view is a raw header into the
//! data of another variable. A view bound by `let v = <view of a>` is treated as alive until
//! the end of the block that binds it (rustc's non-lexical lifetimes may end it earlier; a
//! program that relies on that is refused, never run wrongly):
//! - an immutable view: `a` may not be written there (element/compound assignment, `&mut a`,
//!   mutating methods, passing a `&mut` variable `a` on);
//! - a mutable view: `a` may not be used at all there.
//!
//! Moves and reassignments of `a` are refused for the whole fn by `moves.rs`.

use super::moves::visit_expr;
use super::ty::Ty;
use super::array_iters::{is_nd_source, nd_source_mutable};
use super::typed::{Adapter, Block, Expr, ExprKind as K, Fn, Intr, IterExpr, IterSrc, NdOp, Stmt};
use super::views::{view_root, Root};
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
        if let Stmt::Let { init: Some(init), .. } = s {
            if let Ty::NdView(_, _, m) = &init.ty {
                let r = view_root(init);
                if r != Root::Temp {
                    let rest = b.stmts[k + 1..].iter().filter_map(|s| match s {
                        Stmt::Let { init: Some(e), .. } | Stmt::Expr(e) => Some(e),
                        Stmt::Let { init: None, .. } => None,
                    });
                    for e in rest.chain(b.tail.as_deref()) {
                        conflicts(f, e, r, *m, init.span)?;
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
    visit_expr(e, &mut |x| {
        if let K::For { iter, body, .. } = &x.kind {
            if res.is_ok() {
                res = loop_over_array(f, iter, body);
            }
        }
        let b = match &x.kind {
            K::Block(b) | K::Loop { body: b, .. } | K::While { body: b, .. } | K::For { body: b, .. } => b,
            _ => return,
        };
        if res.is_ok() && !seen.contains(&(b as *const Block)) {
            seen.push(b as *const Block);
            res = block(f, b);
        }
    }, f);
    res
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
        K::Index(b, _) | K::Field(b, _) | K::Deref(b) | K::ToSlice(b) | K::Ref(b, _) => place_root(b),
        K::Intrinsic(Intr::Nd(NdOp::View(_)), a) => place_root(&a[0]),
        _ => view_root(e),
    }
}

fn conflicts(f: &Fn, e: &Expr, r: Root, view_mut: bool, vspan: Span) -> Result<()> {
    let mut res = Ok(());
    visit_expr(e, &mut |x| {
        if res.is_err() {
            return;
        }
        let write = match &x.kind {
            K::Ref(p, true) => place_root(p) == r,
            K::Assign(p, _) | K::OpAssign(_, p, _) => place_root(p) == r,
            K::Intrinsic(_, args) | K::Call(_, args) => args.iter().any(|a| is_root(a, r) && matches!(a.ty, Ty::Ref(_, true))),
            _ => false,
        };
        let read = view_mut && !write && is_root(x, r);
        if write || read {
            let n = name(f, r);
            let (code, msg) = match (view_mut, write) {
                // ndarray writes go through `IndexMut`/`&mut self` methods: a mutable borrow
                (false, _) => ("E0502", format!("cannot borrow `{n}` as mutable because it is also borrowed as immutable")),
                (true, true) => ("E0499", format!("cannot borrow `{n}` as mutable more than once at a time")),
                (true, false) => ("E0502", format!("cannot borrow `{n}` as immutable because it is also borrowed as mutable")),
            };
            res = Err(Error::new(x.span, msg)
                .code(code)
                .label(format!("a {}view of `{n}` is bound at line {} and alive until the end of its block", if view_mut { "mutable " } else { "" }, vspan.line))
                .hint("end the view's block first (`{ let v = ...; ... }`), or use `%%rust` (the fast tier keeps a view alive to the end of its block)"));
        }
    }, f);
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
        let IterSrc::Elems { seq, .. } = &it.src else { continue };
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
        K::Index(b, _) | K::Field(b, _) | K::Deref(b) | K::ToSlice(b) | K::Ref(b, _) => root_expr(b),
        K::Intrinsic(Intr::Nd(NdOp::View(_)), a) => root_expr(&a[0]),
        _ => e,
    }
}

fn loop_conflicts(f: &Fn, e: &Expr, r: Root, iter_mut: bool) -> Result<()> {
    let mut res = Ok(());
    visit_expr(e, &mut |x| {
        if res.is_err() {
            return;
        }
        let n = || name(f, r);
        let label = |n: &str| format!("`{n}` is borrowed by the `for` loop's iterator until the loop ends");
        // the written variable's own expression (rustc points there), or the assignment
        let write: Option<(&Expr, bool)> = match &x.kind {
            K::Assign(p, _) if is_root(p, r) => Some((x, true)),
            K::Assign(p, _) | K::OpAssign(_, p, _) if place_root(p) == r => Some((root_expr(p), false)),
            K::Ref(p, true) if place_root(p) == r => Some((root_expr(p), false)),
            K::Intrinsic(_, args) | K::Call(_, args) => {
                args.iter().find(|a| is_root(a, r) && matches!(a.ty, Ty::Ref(_, true))).map(|a| (a, false))
            }
            _ => None,
        };
        let err = match write {
            Some((at, true)) => Some((at.span, "E0506", format!("cannot assign to `{}` because it is borrowed", n()))),
            Some((at, false)) if iter_mut => Some((at.span, "E0499", format!("cannot borrow `{}` as mutable more than once at a time", n()))),
            Some((at, false)) => Some((at.span, "E0502", format!("cannot borrow `{}` as mutable because it is also borrowed as immutable", n()))),
            None if iter_mut && is_root(x, r) => Some((x.span, "E0502", format!("cannot borrow `{}` as immutable because it is also borrowed as mutable", n()))),
            None => None,
        };
        if let Some((span, code, msg)) = err {
            res = Err(Error::new(span, msg).code(code).label(label(&n())).hint("index the array in a `for i in 0..n` loop instead, or use `%%rust`"));
        }
    }, f);
    res
}
