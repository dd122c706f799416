//! A closure that captures a scalar by reference (not `move`) borrows it from its creation to
//! its last call, as rustc sees it: a closure that mutates `x` holds a unique borrow, so any
//! other use of `x` in between is refused (E0503 for a use or `x += ..`, E0506 for `x = ..`,
//! E0499/E0502 for `&mut x`/`&x`); a closure that only reads `x` holds a shared borrow, so
//! assigning `x` (E0506) or `&mut x` (E0502) is refused. The fast tier reads captures through
//! their address, so running such a program would compute something rustc never would.
//! Vecs and arrays captured by closures are checked in `held_borrows.rs`.
//! Also here: `move` closures, whose own copy of a `Copy` capture the fast tier does not make
//! (it reads the variable in place): a program where the copy would differ is refused.

use super::borrows::{calls_closure, name, rest_of, root, uses_held, within, Root};
use super::moves::{owned, visit_block, visit_expr};
use super::mut_borrows::mutating;
use super::typed::{Adapter, Block, Expr, ExprKind as K, Fn, Pat, Stmt};
use crate::abi::ty::Ty;
use crate::diag::{Error, Result, Span};

pub(super) fn closure_scalar_borrows(f: &Fn, b: &Block) -> Result<()> {
    for (i, s) in b.stmts.iter().enumerate() {
        let Stmt::Let {
            pat,
            init: Some(init),
            ..
        } = s
        else {
            continue;
        };
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
        let caps = captures(f, ci, |x, _| x.ty.is_scalar());
        if caps.is_empty() {
            continue;
        }
        let rest = rest_of(b, i);
        let Some(last) = rest.iter().rposition(|e| uses_held(f, e, held, Some(ci))) else {
            continue;
        };
        // In the statement of the last call, only what comes before that call conflicts.
        let last_call = {
            let mut at: Option<Span> = None;
            visit_expr(
                rest[last],
                &mut |x| {
                    if matches!(x.kind, K::CallClosure(k, _) if k == ci) {
                        at = Some(x.span);
                    }
                },
                f,
            );
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
    visit_expr(
        body,
        &mut |x| match &x.kind {
            K::Assign(l, _) | K::OpAssign(_, l, _) if root(l) == Some(r) => hit = true,
            K::Ref(p, true) if root(p) == Some(r) => hit = true,
            _ => {}
        },
        f,
    );
    hit
}

fn conflict(
    f: &Fn,
    e: &Expr,
    r: Root,
    mutated: bool,
    before: Option<Span>,
    closure: Span,
) -> Result<()> {
    let mut res = Ok(());
    let mut done = false;
    visit_expr(
        e,
        &mut |x| {
            // (a call of the closure walks into its body: those uses are the closure's own)
            if done
                || within(x.span, closure)
                || before.is_some_and(|b| (x.span.line, x.span.col) >= (b.line, b.col))
            {
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
                K::Assign(l, _) if root(l) == Some(r) => Some((
                    "E0506",
                    format!("cannot assign to `{n}` because it is borrowed"),
                    format!("`{n}` is assigned to here but it was already borrowed"),
                )),
                K::OpAssign(_, l, _) if root(l) == Some(r) => Some(if mutated {
                    (
                        "E0503",
                        format!("cannot use `{n}` because it was mutably borrowed"),
                        format!("use of borrowed `{n}`"),
                    )
                } else {
                    (
                        "E0506",
                        format!("cannot assign to `{n}` because it is borrowed"),
                        format!("`{n}` is assigned to here but it was already borrowed"),
                    )
                }),
                K::Ref(p, true) if root(p) == Some(r) => Some(if mutated {
                    (
                        "E0499",
                        format!("cannot borrow `{n}` as mutable more than once at a time"),
                        "second mutable borrow occurs here".to_owned(),
                    )
                } else {
                    ("E0502", format!("cannot borrow `{n}` as mutable because it is also borrowed as immutable"), "mutable borrow occurs here".to_owned())
                }),
                K::Ref(p, false) if mutated && root(p) == Some(r) => Some((
                    "E0502",
                    format!(
                        "cannot borrow `{n}` as immutable because it is also borrowed as mutable"
                    ),
                    "immutable borrow occurs here".to_owned(),
                )),
                K::Local(_) | K::Global(_) if mutated && root(x) == Some(r) => Some((
                    "E0503",
                    format!("cannot use `{n}` because it was mutably borrowed"),
                    format!("use of borrowed `{n}`"),
                )),
                _ => None,
            };
            if let Some((code, msg, label)) = err {
                done = true;
                res = Err(Error::new(x.span, msg)
                .code(code)
                .label(label)
                .hint(format!("a closure borrows `{n}` until its last call: call it before this use, make it `move`, or use `%%rust`")));
            }
        },
        f,
    );
    res
}

/// Where `e` changes the variable `r` (assigns into it, borrows it mutably, calls a mutating
/// method on it), outside `skip`.
fn change_of(f: &Fn, e: &Expr, r: Root, skip: Option<Span>) -> Option<Span> {
    let mut at = None;
    visit_expr(
        e,
        &mut |x| {
            if at.is_some() || skip.is_some_and(|s| within(x.span, s)) {
                return;
            }
            match &x.kind {
                K::Assign(l, _) | K::OpAssign(_, l, _) if root(l) == Some(r) => at = Some(x.span),
                K::Ref(p, true) if root(p) == Some(r) => at = Some(x.span),
                K::Intrinsic(i, a) if mutating(*i) && a.first().and_then(root) == Some(r) => {
                    at = Some(x.span)
                }
                K::Call(_, a) | K::CallClosure(_, a) => {
                    if let Some(a) = a
                        .iter()
                        .find(|a| matches!(a.ty, Ty::Ref(_, true)) && root(a) == Some(r))
                    {
                        at = Some(a.span)
                    }
                }
                _ => {}
            }
        },
        f,
    );
    at
}

/// The `Copy` variables (scalars, arrays of them) a `move` closure copies in.
fn copied_captures(f: &Fn, ci: u32) -> Vec<Root> {
    captures(f, ci, |_, r| {
        let t = match r {
            Root::Local(id) => &f.locals[id as usize].ty,
            Root::Global(g) => &f.globals[g].ty,
        };
        !owned(t) && !matches!(t, Ty::Ref(..) | Ty::Closure(_))
    })
}

/// The variables closure `ci` names in its body and declares outside it, that `keep`.
fn captures(f: &Fn, ci: u32, keep: impl std::ops::Fn(&Expr, Root) -> bool) -> Vec<Root> {
    let c = &f.closures[ci as usize];
    let mut caps: Vec<Root> = vec![];
    visit_expr(
        &c.body,
        &mut |x| {
            let r = match x.kind {
                K::Local(id) if !within(f.locals[id as usize].span, c.span) => Root::Local(id),
                K::Global(g) => Root::Global(g),
                _ => return,
            };
            if keep(x, r) && !caps.contains(&r) {
                caps.push(r);
            }
        },
        f,
    );
    caps
}

fn moved_copy_changed(f: &Fn, r: Root, at: Span) -> Error {
    let n = name(f, r);
    Error::unsupported(
        at,
        format!("changing `{n}` while a `move` closure holds its own copy of it"),
    )
    .label(format!(
        "a `move` closure copied `{n}`: the fast tier reads the variable itself"
    ))
}

/// A `move` closure has its own copy of each `Copy` variable it captures; the fast tier
/// inlines closures and reads captures in place, so it refuses (as outside the subset) a
/// closure changing its copy, and a change of the variable before the closure's last call.
pub(super) fn move_closure_bodies(f: &Fn) -> Result<()> {
    for (ci, c) in f.closures.iter().enumerate() {
        if c.is_move {
            for r in copied_captures(f, ci as u32) {
                if let Some(at) = change_of(f, &c.body, r, None) {
                    return Err(moved_copy_changed(f, r, at));
                }
            }
        }
    }
    // `for x in it.map(move |i| i + k) { k += 1; }`: the adapters' closures run between
    // iterations of the body.
    let mut err = None;
    visit_block(
        &f.body,
        &mut |e| {
            let K::For { iter, body, .. } = &e.kind else {
                return;
            };
            let mut srcs = vec![iter];
            while let Some(it) = srcs.pop() {
                for a in &it.adapters {
                    match a {
                        Adapter::Zip(o) | Adapter::Chain(o) => srcs.push(o),
                        Adapter::Map(ci) | Adapter::Filter(ci)
                            if f.closures[*ci as usize].is_move =>
                        {
                            for r in copied_captures(f, *ci) {
                                let body = Expr::new(K::Block(body.clone()), Ty::Unit, body.span);
                                if let Some(at) = change_of(f, &body, r, None) {
                                    err = err.take().or(Some(moved_copy_changed(f, r, at)));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        },
        f,
    );
    err.map_or(Ok(()), Err)
}

/// (the `let`-bound `move` closures of one block; see `move_closure_bodies`)
pub(super) fn move_copies(f: &Fn, b: &Block) -> Result<()> {
    for (i, s) in b.stmts.iter().enumerate() {
        let Stmt::Let {
            pat,
            init: Some(init),
            ..
        } = s
        else {
            continue;
        };
        let Ty::Closure(ci) = init.ty else { continue };
        if !f.closures[ci as usize].is_move {
            continue;
        }
        let held = match pat {
            Pat::Bind(id) => Root::Local(*id),
            Pat::Global(g) => Root::Global(*g),
            _ => continue,
        };
        let rest = rest_of(b, i);
        let Some(last) = rest.iter().rposition(|e| uses_held(f, e, held, Some(ci))) else {
            continue;
        };
        let mut last_call: Option<Span> = None;
        visit_expr(
            rest[last],
            &mut |x| {
                if matches!(x.kind, K::CallClosure(k, _) if k == ci) {
                    last_call = Some(x.span);
                }
            },
            f,
        );
        for r in copied_captures(f, ci) {
            for (k, e) in rest[..=last].iter().enumerate() {
                let Some(at) = change_of(f, e, r, Some(f.closures[ci as usize].span)) else {
                    continue;
                };
                let before = k < last
                    || matches!(e.kind, K::While { .. } | K::Loop { .. } | K::For { .. })
                    || last_call.is_some_and(|c| (at.line, at.col) < (c.line, c.col));
                if before {
                    return Err(moved_copy_changed(f, r, at));
                }
            }
        }
    }
    Ok(())
}
