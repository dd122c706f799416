//! A closure that captures a scalar by reference (not `move`) borrows it from its creation to
//! its last call, as rustc sees it: a closure that mutates `x` holds a unique borrow, so any
//! other use of `x` in between is refused (E0503 for a use or `x += ..`, E0506 for `x = ..`,
//! E0499/E0502 for `&mut x`/`&x`); a closure that only reads `x` holds a shared borrow, so
//! assigning `x` (E0506) or `&mut x` (E0502) is refused. The fast tier reads captures through
//! their address, so running such a program would compute something rustc never would.
//! Vecs and arrays captured by closures are checked in `borrows.rs` (`held_borrows`).

use super::borrows::{calls_closure, name, rest_of, root, uses_held, within, Root};
use super::moves::visit_expr;
use super::ty::Ty;
use super::typed::{Block, Expr, ExprKind as K, Fn, Pat, Stmt};
use crate::diag::{Error, Result, Span};

pub(super) fn closure_scalar_borrows(f: &Fn, b: &Block) -> Result<()> {
    for (i, s) in b.stmts.iter().enumerate() {
        let Stmt::Let { pat, init: Some(init), .. } = s else { continue };
        let Ty::Closure(ci) = init.ty else { continue };
        let c = &f.closures[ci as usize];
        if c.is_move {
            continue;
        }
        let held = match pat {
            Pat::Bind(id) => Root::Local(*id),
            Pat::Global(g) => Root::Global(*g),
            _ => continue,
        };
        // The scalars it captures: named in its body, declared outside it.
        let mut caps: Vec<Root> = vec![];
        visit_expr(&c.body, &mut |x| {
            let r = match x.kind {
                K::Local(id) if !within(f.locals[id as usize].span, c.span) => Root::Local(id),
                K::Global(g) => Root::Global(g),
                _ => return,
            };
            if x.ty.is_scalar() && !caps.contains(&r) {
                caps.push(r);
            }
        }, f);
        if caps.is_empty() {
            continue;
        }
        let rest = rest_of(b, i);
        let Some(last) = rest.iter().rposition(|e| uses_held(f, e, held, Some(ci))) else { continue };
        // In the statement of the last call, only what comes before that call conflicts.
        let last_call = {
            let mut at: Option<Span> = None;
            visit_expr(rest[last], &mut |x| {
                if matches!(x.kind, K::CallClosure(k, _) if k == ci) {
                    at = Some(x.span);
                }
            }, f);
            at
        };
        for r in caps {
            let mutated = mutates(f, &c.body, r);
            for (k, e) in rest[..=last].iter().enumerate() {
                let bound = if k == last { last_call } else { None };
                if k == last && bound.is_none() && !calls_closure(f, e, ci) {
                    continue; // the last use names the closure without calling it
                }
                conflict(f, e, r, mutated, bound, c.span)?;
            }
        }
    }
    Ok(())
}

fn mutates(f: &Fn, body: &Expr, r: Root) -> bool {
    let mut hit = false;
    visit_expr(body, &mut |x| match &x.kind {
        K::Assign(l, _) | K::OpAssign(_, l, _) if root(l) == Some(r) => hit = true,
        K::Ref(p, true) if root(p) == Some(r) => hit = true,
        _ => {}
    }, f);
    hit
}

fn conflict(f: &Fn, e: &Expr, r: Root, mutated: bool, before: Option<Span>, closure: Span) -> Result<()> {
    let mut res = Ok(());
    let mut done = false;
    visit_expr(e, &mut |x| {
        // (a call of the closure walks into its body: those uses are the closure's own)
        if done || within(x.span, closure) || before.is_some_and(|b| (x.span.line, x.span.col) >= (b.line, b.col)) {
            return;
        }
        let n = name(f, r).to_owned();
        // format macros take their arguments by reference
        if let K::Format(_, fmt) = &x.kind {
            if mutated && fmt.args.iter().any(|a| root(a) == Some(r)) {
                let a = fmt.args.iter().find(|a| root(a) == Some(r)).expect("found");
                done = true;
                res = Err(Error::new(a.span, format!("cannot borrow `{n}` as immutable because it is also borrowed as mutable"))
                    .code("E0502")
                    .label("immutable borrow occurs here")
                    .hint(format!("a closure borrows `{n}` until its last call: call it before this use, make it `move`, or use `%%rust`")));
                return;
            }
        }
        let err = match &x.kind {
            K::Assign(l, _) if root(l) == Some(r) => Some(("E0506", format!("cannot assign to `{n}` because it is borrowed"), format!("`{n}` is assigned to here but it was already borrowed"))),
            K::OpAssign(_, l, _) if root(l) == Some(r) => Some(if mutated {
                ("E0503", format!("cannot use `{n}` because it was mutably borrowed"), format!("use of borrowed `{n}`"))
            } else {
                ("E0506", format!("cannot assign to `{n}` because it is borrowed"), format!("`{n}` is assigned to here but it was already borrowed"))
            }),
            K::Ref(p, true) if root(p) == Some(r) => Some(if mutated {
                ("E0499", format!("cannot borrow `{n}` as mutable more than once at a time"), "second mutable borrow occurs here".to_owned())
            } else {
                ("E0502", format!("cannot borrow `{n}` as mutable because it is also borrowed as immutable"), "mutable borrow occurs here".to_owned())
            }),
            K::Ref(p, false) if mutated && root(p) == Some(r) => {
                Some(("E0502", format!("cannot borrow `{n}` as immutable because it is also borrowed as mutable"), "immutable borrow occurs here".to_owned()))
            }
            K::Local(_) | K::Global(_) if mutated && root(x) == Some(r) => Some(("E0503", format!("cannot use `{n}` because it was mutably borrowed"), format!("use of borrowed `{n}`"))),
            _ => None,
        };
        if let Some((code, msg, label)) = err {
            done = true;
            res = Err(Error::new(x.span, msg)
                .code(code)
                .label(label)
                .hint(format!("a closure borrows `{n}` until its last call: call it before this use, make it `move`, or use `%%rust`")));
        }
    }, f);
    res
}
