//! A `let` binding a reference into a Vec, a fixed array or a slice (`let m = v.first();`,
//! `v.get(i)`, `v.iter().max()`, `&v[0]`, `&a`, `&mut a`, `&mut v[1..]`) or a closure capturing
//! one by reference holds a borrow of it until the reference's last use (rustc's non-lexical
//! lifetimes): a shared one forbids mutating it in between (E0502/E0506), a mutable one any
//! other use (`mut_borrows.rs`); the fast tier would have read a copied or freed value.
//! Reassigning the reference (`r = &v[0];`) ends the borrow its old value held there.

use super::borrows::{
    borrowable, has_ref, mutation_of, name, rest_of, root, uses_held, Mutation, Root,
};
use super::moves::visit_expr;
use super::mut_borrows::{mut_held_place, used_after, uses_under_mut};
use super::typed::{Block, Expr, ExprKind as K, Fn, Pat, Stmt};
use crate::abi::ty::Ty;
use crate::diag::{Error, Result, Span};

/// What is held: the variable, the closure it is (its calls are its uses), and the span of
/// its definition (a closure's own body is not a use of what it captures).
struct Held {
    var: Root,
    closure: Option<u32>,
    def: Option<Span>,
}

pub(super) fn held_borrows(f: &Fn, b: &Block) -> Result<()> {
    for (i, s) in b.stmts.iter().enumerate() {
        let Stmt::Let {
            pat,
            init: Some(init),
            ..
        } = s
        else {
            continue;
        };
        // A closure capturing by reference (`let c = || v.len();`) holds a borrow of what it
        // captures until its last call, like a reference does.
        let closure = match init.ty {
            Ty::Closure(ci) if !f.closures[ci as usize].is_move => Some(ci),
            _ => None,
        };
        if !has_ref(&init.ty) && closure.is_none() {
            continue;
        }
        let var = match pat {
            Pat::Bind(id) => Root::Local(*id),
            Pat::Global(g) => Root::Global(*g),
            _ => continue,
        };
        let h = Held {
            var,
            closure,
            def: closure.map(|_| init.span),
        };
        let rest = rest_of(b, i);
        // Each `r = ..` starts a new borrow, the old one ends before it.
        let mut from = 0;
        let mut src = init;
        loop {
            let kill = if closure.is_some() {
                None
            } else {
                rest[from..]
                    .iter()
                    .position(|e| kill_of(f, e, var).is_some())
                    .map(|p| p + from)
            };
            held_span(f, &h, src, &rest[from..kill.unwrap_or(rest.len())])?;
            let Some(k) = kill else { break };
            src = kill_of(f, rest[k], var).expect("a kill");
            from = k + 1;
        }
    }
    Ok(())
}

/// `r = <value not using r>`: the value `r` held is dead from here on.
fn kill_of<'a>(f: &Fn, e: &'a Expr, var: Root) -> Option<&'a Expr> {
    match &e.kind {
        K::Assign(l, v)
            if matches!(l.kind, K::Local(_) | K::Global(_))
                && root(l) == Some(var)
                && !uses_held(f, v, var, None) =>
        {
            Some(v)
        }
        _ => None,
    }
}

/// The borrow `init` makes, held by `h` through the statements `rest` (up to a reassignment).
fn held_span(f: &Fn, h: &Held, init: &Expr, rest: &[&Expr]) -> Result<()> {
    // The Vecs/arrays the reference can point into.
    let mut bases: Vec<Root> = Vec::new();
    visit_expr(
        init,
        &mut |x| {
            if let Some(r) = root(x) {
                if matches!(x.kind, K::Local(_) | K::Global(_))
                    && borrowable(&x.ty)
                    && !bases.contains(&r)
                {
                    bases.push(r);
                }
            }
        },
        f,
    );
    let Some(last) = rest.iter().rposition(|e| uses_held(f, e, h.var, h.closure)) else {
        return Ok(());
    };
    for (k, e) in rest[..=last].iter().enumerate() {
        for r in &bases {
            let errs = conflicts(f, h, init, *r, e);
            if k < last {
                // (a loop reassigning the reference: see `loop_body`)
                if let K::While { body, cond, .. } = &e.kind {
                    if reassigns(f, body, h.var) {
                        loop_body(f, h, init, *r, body, Some(cond), true)?;
                        continue;
                    }
                }
                if let K::Loop { body, .. } | K::For { body, .. } = &e.kind {
                    if reassigns(f, body, h.var) {
                        loop_body(f, h, init, *r, body, None, true)?;
                        continue;
                    }
                }
                if let Some(x) = errs.into_iter().next() {
                    return Err(x);
                }
                continue;
            }
            // In the statement of the last use, only a use before that one (or in a loop
            // around both) conflicts: `v.push(*m.unwrap())` reads `m` first.
            let body = match &e.kind {
                K::While { body, .. } | K::Loop { body, .. } | K::For { body, .. } => Some(body),
                _ => None,
            };
            match body {
                Some(body) if reassigns(f, body, h.var) => {
                    let cond = match &e.kind {
                        K::While { cond, .. } => Some(&**cond),
                        _ => None,
                    };
                    loop_body(f, h, init, *r, body, cond, false)?
                }
                Some(_) => {
                    if let Some(x) = errs.into_iter().next() {
                        return Err(x);
                    }
                }
                None => {
                    if let Some(x) = errs
                        .into_iter()
                        .find(|x| used_after(f, e, h.var, h.closure, x.span))
                    {
                        return Err(x);
                    }
                }
            }
        }
    }
    Ok(())
}

fn reassigns(f: &Fn, body: &Block, var: Root) -> bool {
    body.stmts
        .iter()
        .any(|s| matches!(s, Stmt::Expr(x) if kill_of(f, x, var).is_some()))
}

/// A loop that reassigns the reference: a conflict in its body counts only if a use of the
/// reference follows it (around the loop) before a reassignment, or, when the reference is
/// used after the loop (`live_after`), if it can leave the loop not reassigned.
fn loop_body(
    f: &Fn,
    h: &Held,
    init: &Expr,
    r: Root,
    body: &Block,
    cond: Option<&Expr>,
    live_after: bool,
) -> Result<()> {
    let stmts: Vec<&Expr> = body
        .stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::Let { init: Some(e), .. } | Stmt::Expr(e) => Some(e),
            _ => None,
        })
        .chain(body.tail.as_deref())
        .collect();
    for (j, e) in stmts.iter().enumerate() {
        for x in conflicts(f, h, init, r, e) {
            let mut reached = used_after(f, e, h.var, h.closure, x.span);
            // (a reassignment's own value is computed before the old reference dies)
            let mut killed = kill_of(f, e, h.var).is_some();
            let walk = |ss: &[&Expr], reached: &mut bool, killed: &mut bool| {
                for s in ss {
                    if *reached || *killed {
                        return;
                    }
                    *killed = kill_of(f, s, h.var).is_some();
                    *reached = !*killed && uses_held(f, s, h.var, h.closure);
                }
            };
            walk(&stmts[j + 1..], &mut reached, &mut killed);
            walk(
                &cond.into_iter().collect::<Vec<_>>(),
                &mut reached,
                &mut killed,
            );
            reached |= live_after && !killed;
            walk(&stmts[..j], &mut reached, &mut killed);
            if reached {
                return Err(x);
            }
        }
    }
    Ok(())
}

/// What in `e` conflicts with the borrow of `r` that `init` made, in evaluation order.
fn conflicts(f: &Fn, h: &Held, init: &Expr, r: Root, e: &Expr) -> Vec<Error> {
    // A `&mut` held, or a closure that mutates what it captures (a unique borrow of it):
    // any other use of the Vec/array conflicts.
    let place = match h.closure {
        Some(_) => mutation_of(f, init, r, None).map(|_| name(f, r).to_string()),
        None => mut_held_place(f, init, r),
    };
    if let Some(place) = place {
        let mut uses = Vec::new();
        uses_under_mut(f, e, r, &place, &mut uses);
        return uses;
    }
    let Some(m) = mutation_of(f, e, r, h.def) else {
        return vec![];
    };
    vec![match m {
        Mutation::Borrow(at, n) => Error::new(
            at,
            format!("cannot borrow `{n}` as mutable because it is also borrowed as immutable"),
        )
        .code("E0502")
        .label("mutable borrow occurs here"),
        Mutation::Assign(at, p) => {
            Error::new(at, format!("cannot assign to `{p}` because it is borrowed"))
                .code("E0506")
                .label(format!(
                    "`{p}` is assigned to here but it was already borrowed"
                ))
        }
    }]
}
