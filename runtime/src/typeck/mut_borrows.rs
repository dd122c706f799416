//! A `let` holding a `&mut` into a Vec or a fixed array (`let r = &mut a;`, `&mut v[1..]`,
//! `(&mut a, 1)`) borrows it uniquely until the reference's last use: rustc refuses any other
//! use of it in between, and the fast tier, which reads and writes through raw addresses,
//! would compute what rustc never runs. Which error rustc gives depends on the use:
//! a shared borrow (`&a`, `a.len()`, `v[i]` through `Index`, a format argument, an iterator,
//! a closure reading it) is E0502, a mutable one (`&mut a`, `v.push(..)`, `v[i] = ..` through
//! `IndexMut`, a closure writing it) E0499, assigning an array element or the variable E0506,
//! reading an array element or copying the array E0503. `borrows::held_borrows` finds the
//! statements the borrow spans; this module finds the first conflicting use in one of them.
//! Also here: rustc's names of places in these messages (`a`, `*a`, `a[_]`).

use super::borrows::{root, within, Root};
use super::moves::visit_expr;
use super::typed::{Consumer, Expr, ExprKind as K, Fn, Intr, IterExpr, IterSrc};
use crate::abi::ty::Ty;
use crate::diag::{Error, Span};

fn var_name(f: &Fn, r: Root) -> &str {
    match r {
        Root::Local(id) => &f.locals[id as usize].name,
        Root::Global(i) => &f.globals[i].name,
    }
}

/// The variable expression a place starts from.
pub(super) fn base_expr(e: &Expr) -> Option<&Expr> {
    match &e.kind {
        K::Local(_) | K::Global(_) => Some(e),
        K::Index(b, _) | K::Field(b, _) | K::Deref(b) | K::ToSlice(b) | K::Ref(b, _) => {
            base_expr(b)
        }
        K::Intrinsic(Intr::SubSlice, a) => base_expr(&a[0]),
        _ => None,
    }
}

/// Whether indexing a value of this type is the built-in indexing of arrays and slices (a
/// place of its own, `a[_]`), not `Index::index` of a Vec (a borrow of the whole Vec).
fn builtin_index(t: &Ty) -> bool {
    match t {
        Ty::Array(..) | Ty::Slice(_) => true,
        Ty::Ref(t, _) => builtin_index(t),
        _ => false,
    }
}

/// What an autoref (`a.len()`, `v.push(..)`, `&a[1..]`, `v[i]`) borrows, as rustc names it:
/// `a` for a variable, `*a` through a reference variable.
pub(super) fn autoref_name(f: &Fn, base: &Expr) -> String {
    let n = root(base)
        .map(|r| var_name(f, r).to_string())
        .unwrap_or_default();
    if matches!(base.ty, Ty::Ref(..)) {
        format!("*{n}")
    } else {
        n
    }
}

/// rustc's name of a place: `a`, `*a`, `a[_]` (a deref followed by indexing is not shown).
pub(super) fn place_name(f: &Fn, e: &Expr) -> String {
    fn inner(f: &Fn, e: &Expr) -> String {
        match &e.kind {
            K::Deref(b) => inner(f, b),
            _ => place_name(f, e),
        }
    }
    match &e.kind {
        K::Local(_) | K::Global(_) => root(e)
            .map(|r| var_name(f, r).to_string())
            .unwrap_or_default(),
        K::Deref(b) => format!("*{}", place_name(f, b)),
        K::Index(b, _) if builtin_index(&b.ty) => format!("{}[_]", inner(f, b)),
        K::Index(b, _) => autoref_name(f, b),
        K::Field(b, i) => format!("{}.{i}", inner(f, b)),
        _ => String::new(),
    }
}

/// The place a `let`'s initializer borrows mutably from `r` (for the label of E0503), if any.
pub(super) fn mut_held_place(f: &Fn, init: &Expr, r: Root) -> Option<String> {
    let mut at = None;
    visit_expr(
        init,
        &mut |x| {
            if at.is_some() || !matches!(x.ty, Ty::Ref(_, true)) {
                return;
            }
            match &x.kind {
                K::Ref(p, true) if root(p) == Some(r) => {
                    at = Some(match &p.kind {
                        K::Index(b, _) if !builtin_index(&b.ty) => autoref_name(f, b),
                        _ => place_name(f, p),
                    })
                }
                K::Intrinsic(Intr::SubSlice, a) if root(&a[0]) == Some(r) => {
                    at = Some(autoref_name(f, &a[0]))
                }
                _ => {}
            }
        },
        f,
    );
    at
}

fn e0502_shared(at: Span, n: &str) -> Error {
    Error::new(
        at,
        format!("cannot borrow `{n}` as immutable because it is also borrowed as mutable"),
    )
    .code("E0502")
    .label("immutable borrow occurs here")
}

fn e0499(at: Span, n: &str) -> Error {
    Error::new(
        at,
        format!("cannot borrow `{n}` as mutable more than once at a time"),
    )
    .code("E0499")
    .label("second mutable borrow occurs here")
}

fn e0503(at: Span, n: &str, held: &str) -> Error {
    Error::new(
        at,
        format!("cannot use `{n}` because it was mutably borrowed"),
    )
    .code("E0503")
    .label(format!("use of borrowed `{held}`"))
}

fn e0506(at: Span, n: &str) -> Error {
    Error::new(at, format!("cannot assign to `{n}` because it is borrowed"))
        .code("E0506")
        .label(format!(
            "`{n}` is assigned to here but it was already borrowed"
        ))
}

/// Whether a closure's body mutates what `r` names (so creating it borrows `r` mutably).
fn closure_mutates(f: &Fn, body: &Expr, r: Root) -> bool {
    let mut hit = false;
    visit_expr(
        body,
        &mut |x| match &x.kind {
            K::Assign(l, _) | K::OpAssign(_, l, _) if root(l) == Some(r) => hit = true,
            K::Ref(p, true) if root(p) == Some(r) => hit = true,
            K::Intrinsic(i, a) if mutating(*i) && a.first().and_then(root) == Some(r) => hit = true,
            K::Call(_, a) | K::CallClosure(_, a) => {
                if a.iter()
                    .any(|a| matches!(a.ty, Ty::Ref(_, true)) && root(a) == Some(r))
                {
                    hit = true
                }
            }
            _ => {}
        },
        f,
    );
    hit
}

pub(super) fn mutating(i: Intr) -> bool {
    matches!(
        i,
        Intr::VecPush
            | Intr::VecPop
            | Intr::VecClear
            | Intr::VecExtendFromSlice
            | Intr::VecResize
            | Intr::VecTruncate
            | Intr::VecInsert
            | Intr::VecRemove
            | Intr::Swap
            | Intr::SliceFill
    )
}

/// Every use of `r` in `e` while something else borrows it mutably, as rustc reports it
/// (`held`: the place the `&mut` borrows, for E0503's label), in evaluation order.
pub(super) fn uses_under_mut(f: &Fn, e: &Expr, r: Root, held: &str, out: &mut Vec<Error>) {
    let is_r = |x: &Expr| root(x) == Some(r);
    let go = |x: &Expr, out: &mut Vec<Error>| uses_under_mut(f, x, r, held, out);
    match &e.kind {
        // a `&mut` variable passed on is reborrowed (`&mut *a`)
        K::Local(_) | K::Global(_) if is_r(e) && matches!(e.ty, Ty::Ref(_, true)) => {
            out.push(e0499(e.span, &autoref_name(f, e)))
        }
        K::Local(_) | K::Global(_) if is_r(e) => out.push(e503_of(f, e, held)),
        K::Ref(p, m) if is_r(p) => {
            let (at, n) = match &p.kind {
                // `&v[i]` is `Index::index(&v, i)`: rustc points at `v`.
                K::Index(b, _) if !builtin_index(&b.ty) => {
                    (base_expr(b).map_or(e.span, |b| b.span), autoref_name(f, b))
                }
                _ => (e.span, place_name(f, p)),
            };
            out.push(if *m {
                e0499(at, &n)
            } else {
                e0502_shared(at, &n)
            });
            index_args(f, p, r, held, out);
        }
        K::Intrinsic(Intr::SubSlice, a) if is_r(&a[0]) => {
            let b = base_expr(&a[0]).unwrap_or(&a[0]);
            let n = autoref_name(f, &a[0]);
            out.push(if matches!(e.ty, Ty::Ref(_, true)) {
                e0499(b.span, &n)
            } else {
                e0502_shared(b.span, &n)
            });
            go(&a[1], out);
            go(&a[2], out);
        }
        K::Assign(l, x) | K::OpAssign(_, l, x) if is_r(l) => {
            go(x, out);
            index_args(f, l, r, held, out);
            let op = matches!(e.kind, K::OpAssign(..));
            out.push(match &l.kind {
                K::Local(_) | K::Global(_) => e0506(l.span, &place_name(f, l)),
                K::Index(b, _) if builtin_index(&b.ty) && op => {
                    e0503(l.span, &used_place(f, l), held)
                }
                K::Index(b, _) if builtin_index(&b.ty) => e0506(e.span, &place_name(f, l)),
                K::Index(b, _) => {
                    e0499(base_expr(b).map_or(l.span, |b| b.span), &autoref_name(f, b))
                }
                _ => e0506(e.span, &place_name(f, l)),
            });
        }
        K::Assign(l, x) | K::OpAssign(_, l, x) => {
            go(x, out);
            go(l, out);
        }
        K::Index(b, i) if is_r(b) => {
            go(i, out);
            out.push(if builtin_index(&b.ty) {
                e0503(e.span, &used_place(f, e), held)
            } else {
                e0502_shared(base_expr(b).map_or(e.span, |b| b.span), &autoref_name(f, b))
            });
        }
        // A method on it (the receiver, autoref'd); mutating ones borrow it mutably.
        K::Intrinsic(i, a)
            if a.first().is_some_and(|x| {
                is_r(x)
                    && matches!(
                        x.kind,
                        K::Local(_) | K::Global(_) | K::ToSlice(_) | K::Deref(_)
                    )
            }) =>
        {
            let b = base_expr(&a[0]).unwrap_or(&a[0]);
            let n = autoref_name(f, b);
            a[1..].iter().for_each(|x| go(x, out));
            out.push(if mutating(*i) {
                e0499(b.span, &n)
            } else {
                e0502_shared(b.span, &n)
            });
        }
        // `==` on arrays and Vecs is `PartialEq::eq(&a, &b)`
        K::Binary(op, x, y)
            if op.is_cmp() && [x, y].iter().any(|s| is_r(s) && !s.ty.is_scalar()) =>
        {
            for s in [x, y] {
                if is_r(s) && !s.ty.is_scalar() {
                    out.push(e0502_shared(s.span, &place_name(f, s)));
                    index_args(f, s, r, held, out);
                } else {
                    go(s, out);
                }
            }
        }
        // `assert_eq!` takes its operands by reference: rustc points at the macro
        K::AssertEq { l, r: rr, msg, .. } => {
            for x in [l, rr] {
                if is_r(x) {
                    out.push(e0502_shared(e.span, &place_name(f, x)));
                    index_args(f, x, r, held, out);
                } else {
                    go(x, out);
                }
            }
            if let Some(m) = msg {
                m.args.iter().for_each(|x| go(x, out));
            }
        }
        K::Format(_, fm) => {
            for a in &fm.args {
                if is_r(a) {
                    // format arguments are taken by reference: `&a`, `&a[1]`
                    out.push(e0502_shared(a.span, &place_name(f, a)));
                    index_args(f, a, r, held, out);
                } else {
                    go(a, out);
                }
            }
        }
        K::Closure(ci) => {
            let c = &f.closures[*ci as usize];
            let mut named = false;
            visit_expr(
                &c.body,
                &mut |x| named |= matches!(x.kind, K::Local(_) | K::Global(_)) && is_r(x),
                f,
            );
            if named {
                let n = var_name(f, r).to_string();
                out.push(if c.is_move {
                    e503_of(f, e, held)
                } else if closure_mutates(f, &c.body, r) {
                    e0499(c.span, &n)
                } else {
                    e0502_shared(c.span, &n)
                });
            }
        }
        // the body of a called closure was checked where it was made
        K::CallClosure(_, a) => a.iter().for_each(|x| go(x, out)),
        K::For { iter, body, .. } => {
            iter_uses(f, iter, r, held, out);
            for s in &body.stmts {
                if let super::typed::Stmt::Let { init: Some(x), .. } | super::typed::Stmt::Expr(x) =
                    s
                {
                    go(x, out);
                }
            }
            if let Some(t) = &body.tail {
                go(t, out);
            }
        }
        K::Consume(iter, c) => {
            iter_uses(f, iter, r, held, out);
            if let Consumer::Fold(init, _) = c {
                go(init, out);
            }
        }
        _ => children(e, &mut |x| go(x, out)),
    }
}

/// What reading an element uses first: the slice itself (`*a`: its length, for the bounds
/// check), else the element (`a[_]`).
fn used_place(f: &Fn, e: &Expr) -> String {
    match &e.kind {
        K::Index(b, _)
            if matches!(b.ty.peel_refs(), Ty::Slice(_))
                && matches!(b.kind, K::Local(_) | K::Global(_)) =>
        {
            autoref_name(f, b)
        }
        _ => place_name(f, e),
    }
}

/// The index expressions inside a place (`a[i][j]`: `i`, `j`), which are evaluated as uses.
fn index_args(f: &Fn, p: &Expr, r: Root, held: &str, out: &mut Vec<Error>) {
    match &p.kind {
        K::Index(b, i) => {
            index_args(f, b, r, held, out);
            uses_under_mut(f, i, r, held, out);
        }
        K::Field(b, _) | K::Deref(b) | K::ToSlice(b) => index_args(f, b, r, held, out),
        _ => {}
    }
}

/// Copying the variable (or moving it): rustc's E0503 "cannot use".
fn e503_of(f: &Fn, e: &Expr, held: &str) -> Error {
    e0503(e.span, &place_name(f, base_expr(e).unwrap_or(e)), held)
}

/// An iterator's sources: `a.iter()`/`&a` borrow `a` (E0502), `a.iter_mut()` mutably (E0499),
/// an array by value is copied (E0503).
fn iter_uses(f: &Fn, it: &IterExpr, r: Root, held: &str, out: &mut Vec<Error>) {
    match &it.src {
        IterSrc::Elems { seq, by_ref } if root(seq) == Some(r) => {
            let b = base_expr(seq).unwrap_or(seq);
            // (rustc points at `&a` of `for x in &a`, at `a` of `a.iter()`)
            let at = Span {
                end_line: b.span.end_line,
                end_col: b.span.end_col,
                ..it.span
            };
            let mutable = matches!(seq.ty, Ty::Ref(_, true));
            let copy = !*by_ref && matches!(seq.ty, Ty::Array(..)) && seq.span == it.span;
            out.push(if copy {
                e503_of(f, seq, held)
            } else if mutable {
                e0499(at, &autoref_name(f, b))
            } else {
                e0502_shared(at, &autoref_name(f, b))
            });
        }
        IterSrc::Elems { seq, .. } => uses_under_mut(f, seq, r, held, out),
        IterSrc::Range { start, end, .. } => {
            uses_under_mut(f, start, r, held, out);
            uses_under_mut(f, end, r, held, out);
        }
        #[allow(unreachable_patterns)]
        _ => {}
    }
    for a in &it.adapters {
        use super::typed::Adapter;
        match a {
            Adapter::Take(x) | Adapter::Skip(x) | Adapter::StepBy(x) => {
                uses_under_mut(f, x, r, held, out)
            }
            Adapter::Zip(o) | Adapter::Chain(o) => iter_uses(f, o, r, held, out),
            Adapter::Map(ci) | Adapter::Filter(ci) => {
                let c = Expr::new(
                    K::Closure(*ci),
                    Ty::Closure(*ci),
                    f.closures[*ci as usize].span,
                );
                uses_under_mut(f, &c, r, held, out)
            }
            _ => {}
        }
    }
}

/// The direct subexpressions of `e` (not closure bodies), in evaluation order.
fn children(e: &Expr, g: &mut dyn FnMut(&Expr)) {
    use super::typed::Stmt;
    let block = |b: &super::typed::Block, g: &mut dyn FnMut(&Expr)| {
        for s in &b.stmts {
            if let Stmt::Let { init: Some(x), .. } | Stmt::Expr(x) = s {
                g(x)
            }
        }
        if let Some(t) = &b.tail {
            g(t)
        }
    };
    match &e.kind {
        K::Neg(x)
        | K::Not(x)
        | K::Deref(x)
        | K::Ref(x, _)
        | K::ToSlice(x)
        | K::Cast(x)
        | K::Field(x, _)
        | K::ArrayRepeat(x, _)
        | K::Some(x) => g(x),
        K::Binary(_, a, b) | K::And(a, b) | K::Or(a, b) | K::Index(a, b) | K::VecRepeat(a, b) => {
            g(a);
            g(b)
        }
        K::Assign(a, b) | K::OpAssign(_, a, b) => {
            g(b);
            g(a)
        }
        K::If(c, a, b) => {
            g(c);
            g(a);
            if let Some(b) = b {
                g(b)
            }
        }
        K::Block(b) | K::Loop { body: b, .. } => block(b, g),
        K::While { cond, body, .. } => {
            g(cond);
            block(body, g)
        }
        K::Break { value: Some(x), .. } | K::Return(Some(x)) => g(x),
        K::Call(_, es)
        | K::Intrinsic(_, es)
        | K::Tuple(es)
        | K::Array(es)
        | K::VecLit(es)
        | K::CallClosure(_, es) => es.iter().for_each(|x| g(x)),
        K::Match(s, arms) => {
            g(s);
            for a in arms {
                if let Some(x) = &a.guard {
                    g(x)
                }
                g(&a.body)
            }
        }
        K::Format(_, fm) => fm.args.iter().for_each(|x| g(x)),
        K::Unreachable(Some(fm)) => fm.args.iter().for_each(|x| g(x)),
        K::Assert { cond, msg, .. } => {
            g(cond);
            if let Some(m) = msg {
                m.args.iter().for_each(|x| g(x))
            }
        }
        K::AssertEq { l, r, msg, .. } => {
            g(l);
            g(r);
            if let Some(m) = msg {
                m.args.iter().for_each(|x| g(x))
            }
        }
        _ => {}
    }
}

/// Whether the statement `e` uses `held` after the point `at` (textually later, or as the
/// place of an assignment whose value `at` is part of: the value is evaluated first).
pub(super) fn used_after(f: &Fn, e: &Expr, held: Root, closure: Option<u32>, at: Span) -> bool {
    let is_use = |x: &Expr| {
        (matches!(x.kind, K::Local(_) | K::Global(_)) && root(x) == Some(held))
            || matches!((&x.kind, closure), (K::CallClosure(c, _), Some(h)) if *c == h)
    };
    let uses = |y: &Expr| {
        let mut u = false;
        visit_expr(y, &mut |z| u |= is_use(z), f);
        u
    };
    // the branches of an `if`/`match` that only one of two spans can be in
    let mut branches: Vec<Vec<Span>> = vec![];
    visit_expr(
        e,
        &mut |x| match &x.kind {
            K::If(_, t, Some(el)) => branches.push(vec![t.span, el.span]),
            K::Match(_, arms) => branches.push(arms.iter().map(|a| a.body.span).collect()),
            _ => {}
        },
        f,
    );
    let exclusive = |a: Span, b: Span| {
        branches.iter().any(|bs| {
            let (i, j) = (
                bs.iter().position(|s| within(a, *s)),
                bs.iter().position(|s| within(b, *s)),
            );
            matches!((i, j), (Some(i), Some(j)) if i != j)
        })
    };
    let mut later = false;
    visit_expr(
        e,
        &mut |x| {
            if is_use(x)
                && (x.span.line, x.span.col) > (at.end_line, at.end_col)
                && !exclusive(at, x.span)
            {
                later = true;
            }
            // A reference argument (a method's receiver too) made from `held` lives until the
            // call, after the other arguments: `r.push(v[0])`, `f(r, &a)`; an index is computed
            // before the place it indexes is used: `r[v[0]] = ..`.
            match &x.kind {
                K::Call(_, a) | K::CallClosure(_, a) | K::Intrinsic(_, a)
                    if a.iter().any(|y| within(at, y.span)) =>
                {
                    later |= a
                        .iter()
                        .any(|y| !within(at, y.span) && super::borrows::has_ref(&y.ty) && uses(y));
                }
                K::Index(b, i) if within(at, i.span) => later |= uses(b),
                _ => {}
            }
            if let K::Assign(l, v) | K::OpAssign(_, l, v) = &x.kind {
                // (`r = ..` itself writes `r` without using its value)
                if within(at, v.span) && !matches!(l.kind, K::Local(_) | K::Global(_)) {
                    let mut u = false;
                    visit_expr(l, &mut |y| u |= is_use(y), f);
                    later |= u;
                }
            }
        },
        f,
    );
    later
}
