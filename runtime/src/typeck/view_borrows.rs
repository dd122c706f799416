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
use super::typed::{Block, Expr, ExprKind as K, Fn, Intr, NdOp, Stmt};
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
