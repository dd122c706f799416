//! Spellings → `LoopForm`. Each iterator item is followed symbolically (`Sym`) through the
//! adapters and into the pattern or closure parameter that binds it, so that the summand
//! can be rewritten over the streams' elements whatever named them.

use super::{stream_local, Acc, Init, LoopForm, RedOp, Reduction, Stream, Trip};
use crate::abi::ty::{FloatTy, Ty};
use crate::lower::place::seq_local;
use crate::typeck::typed::{
    Adapter, BinOp, Block, Consumer, Expr, ExprKind as K, Fn, IterExpr, IterSrc, LocalId, Pat, Stmt,
};
use std::collections::HashMap;

/// What an item (or a local bound to one) is.
#[derive(Clone, Debug)]
enum Sym {
    /// The counter of a `Trip::Range`: usable only as the index of `seq[i]`.
    Iv,
    /// A stream's element (through `&` or not: the same f64).
    Elem(LocalId),
    Tup(Vec<Sym>),
    /// A value computed from the elements (a `map` closure's result).
    Val(Expr),
    /// Anything the form does not follow (`enumerate`'s index, a whole tuple).
    Opaque,
}

struct Builder<'e> {
    f: &'e Fn,
    trip: Trip<'e>,
    streams: Vec<Stream<'e>>,
    reversed: bool,
    env: HashMap<LocalId, Sym>,
}

fn is_f64_seq(t: &Ty) -> bool {
    matches!(t.peel_refs(), Ty::Vec(e) | Ty::Slice(e) | Ty::Array(e, _) if **e == Ty::Float(FloatTy::F64))
}

/// `{ e }` and `{ e; }` are `e` (a closure body or a loop body of one statement).
fn peel(e: &Expr) -> &Expr {
    match &e.kind {
        K::Block(b) => match block_expr(b) {
            Some(x) => peel(x),
            None => e,
        },
        _ => e,
    }
}

fn block_expr(b: &Block) -> Option<&Expr> {
    match (b.stmts.as_slice(), &b.tail) {
        ([], Some(t)) => Some(t),
        ([Stmt::Expr(e)], None) => Some(e),
        _ => None,
    }
}

impl<'e> Builder<'e> {
    /// The source and adapters of a pipeline; returns its item.
    fn pipeline(f: &'e Fn, it: &'e IterExpr) -> Option<(Builder<'e>, Sym)> {
        let (trip, item, streams) = match &it.src {
            IterSrc::Elems { seq, .. } if is_f64_seq(&seq.ty) => (
                Trip::Shortest,
                Sym::Elem(stream_local(0)),
                vec![Stream {
                    seq,
                    elem: stream_local(0),
                    local: None,
                }],
            ),
            IterSrc::Range {
                start,
                end,
                inclusive: false,
            } if start.ty == Ty::USIZE => (Trip::Range { start, end }, Sym::Iv, vec![]),
            _ => return None,
        };
        let mut b = Builder {
            f,
            trip,
            streams,
            reversed: false,
            env: HashMap::new(),
        };
        let mut item = item;
        let mut paired = false;
        for a in &it.adapters {
            item = match a {
                Adapter::Copied => item,
                Adapter::Map(ci) => {
                    let c = &f.closures[*ci as usize];
                    let [p] = c.params.as_slice() else {
                        return None;
                    };
                    b.bind(p, item)?;
                    Sym::Val(b.subst(peel(&c.body))?)
                }
                // `rev` commutes with what came before it only while items are the elements.
                Adapter::Rev if !paired => {
                    b.reversed = !b.reversed;
                    item
                }
                Adapter::Zip(o) if matches!(b.trip, Trip::Shortest) => {
                    let IterSrc::Elems { seq, .. } = &o.src else {
                        return None;
                    };
                    if !is_f64_seq(&seq.ty)
                        || o.adapters.iter().any(|a| !matches!(a, Adapter::Copied))
                    {
                        return None;
                    }
                    let elem = stream_local(b.streams.len());
                    b.streams.push(Stream {
                        seq,
                        elem,
                        local: None,
                    });
                    paired = true;
                    Sym::Tup(vec![item, Sym::Elem(elem)])
                }
                Adapter::Enumerate if matches!(b.trip, Trip::Shortest) => {
                    paired = true;
                    Sym::Tup(vec![Sym::Opaque, item])
                }
                _ => return None,
            };
        }
        Some((b, item))
    }

    fn bind(&mut self, p: &Pat, s: Sym) -> Option<()> {
        match (p, s) {
            (Pat::Wild, _) => Some(()),
            (Pat::Bind(x), Sym::Tup(_)) => {
                self.env.insert(*x, Sym::Opaque);
                Some(())
            }
            (Pat::Bind(x), s) => {
                // A `mut` binding may be reassigned in the body: not the element any more.
                if self.f.locals[*x as usize].mutable {
                    return None;
                }
                self.env.insert(*x, s);
                Some(())
            }
            (Pat::Deref(q), s @ Sym::Elem(_)) => self.bind(q, s),
            (Pat::Tuple(ps), Sym::Tup(ss)) if ps.len() == ss.len() => {
                for (p, s) in ps.iter().zip(ss) {
                    self.bind(p, s)?;
                }
                Some(())
            }
            _ => None,
        }
    }

    /// The stream of `base[i]` in a `Trip::Range` loop (one per sequence local).
    fn index_stream(&mut self, base: &'e Expr) -> Option<LocalId> {
        let seq = seq_local(base)?;
        if !is_f64_seq(&base.ty) || !matches!(self.trip, Trip::Range { .. }) {
            return None;
        }
        if let Some(s) = self.streams.iter().find(|s| s.local == Some(seq)) {
            return Some(s.elem);
        }
        let elem = stream_local(self.streams.len());
        self.streams.push(Stream {
            seq: base,
            elem,
            local: Some(seq),
        });
        Some(elem)
    }

    fn elem(e: &Expr, id: LocalId) -> Expr {
        Expr::new(K::Local(id), Ty::F64, e.span)
    }

    /// `e` with the locals bound to items replaced by what they are; `None` when an item
    /// the form does not follow is used, or a construct the emitters have no lanes for
    /// mentions one (the emitters' own check, `vectorizable`, decides the rest).
    fn subst(&mut self, e: &'e Expr) -> Option<Expr> {
        let map = |b: &mut Self, x: &'e Expr| b.subst(x).map(Box::new);
        let kind = match &e.kind {
            K::Local(id) => match self.env.get(id) {
                None => return Some(e.clone()),
                Some(Sym::Elem(s)) => return Some(Self::elem(e, *s)),
                Some(Sym::Val(v)) => return Some(v.clone()),
                Some(_) => return None,
            },
            K::Deref(x) => {
                if let K::Local(id) = x.kind {
                    if let Some(Sym::Elem(s)) = self.env.get(&id) {
                        return Some(Self::elem(e, *s));
                    }
                }
                K::Deref(map(self, x)?)
            }
            K::Index(base, i) => match &i.kind {
                K::Local(id) if matches!(self.env.get(id), Some(Sym::Iv)) => {
                    let s = self.index_stream(base)?;
                    return Some(Self::elem(e, s));
                }
                _ => return self.untouched(e),
            },
            K::Binary(op, a, b) => K::Binary(*op, map(self, a)?, map(self, b)?),
            K::Neg(a) => K::Neg(map(self, a)?),
            K::Cast(a) => K::Cast(map(self, a)?),
            K::Intrinsic(i, args) => {
                let mut out = vec![];
                for a in args {
                    out.push(self.subst(a)?);
                }
                K::Intrinsic(*i, out)
            }
            _ => return self.untouched(e),
        };
        Some(Expr::new(kind, e.ty.clone(), e.span))
    }

    /// `e` as it is, when it mentions no local bound to an item.
    fn untouched(&self, e: &Expr) -> Option<Expr> {
        let mut hit = false;
        crate::lower::loops::walk(e, &mut |x| {
            if matches!(x.kind, K::Local(id) if self.env.contains_key(&id)) {
                hit = true;
            }
        });
        (!hit).then(|| e.clone())
    }

    fn item_expr(&self, s: Sym, span: crate::diag::Span) -> Option<Expr> {
        match s {
            Sym::Elem(id) => Some(Expr::new(K::Local(id), Ty::F64, span)),
            Sym::Val(v) => Some(v),
            _ => None,
        }
    }

    fn finish(
        self,
        op: RedOp,
        acc: Acc<'e>,
        init: Init<'e>,
        summand: Expr,
    ) -> Option<LoopForm<'e>> {
        if summand.ty != Ty::F64 || self.streams.is_empty() {
            return None;
        }
        if let Acc::Place(a) = acc {
            if mentions_place(&summand, a) {
                return None;
            }
        }
        Some(LoopForm {
            trip: self.trip,
            streams: self.streams,
            reversed: self.reversed,
            reduction: Reduction {
                op,
                acc,
                init,
                summand,
            },
        })
    }
}

/// `acc += summand` with `acc` an f64 local or workspace variable.
fn add_assign<'e>(e: &'e Expr, f: &Fn) -> Option<(&'e Expr, &'e Expr)> {
    let K::OpAssign(BinOp::Add, l, r) = &peel(e).kind else {
        return None;
    };
    let ok = match l.kind {
        K::Local(acc) => f.locals[acc as usize].ty == Ty::F64,
        K::Global(g) => f.globals[g].ty == Ty::F64,
        _ => false,
    };
    (ok && l.ty == Ty::F64).then_some((&**l, &**r))
}

/// Does `e` read the accumulator `acc` (a local or a workspace variable)?
fn mentions_place(e: &Expr, acc: &Expr) -> bool {
    let mut hit = false;
    crate::lower::loops::walk(e, &mut |x| match (&x.kind, &acc.kind) {
        (K::Local(a), K::Local(b)) if a == b => hit = true,
        (K::Global(a), K::Global(b)) if a == b => hit = true,
        _ => {}
    });
    hit
}

/// `for pat in iter { acc += f(..) }`.
pub fn of_for<'e>(
    f: &'e Fn,
    pat: &Pat,
    iter: &'e IterExpr,
    body: &'e Block,
) -> Option<LoopForm<'e>> {
    let (mut b, item) = Builder::pipeline(f, iter)?;
    let (acc, r) = add_assign(block_expr(body)?, f)?;
    b.bind(pat, item)?;
    let summand = b.subst(r)?;
    b.finish(RedOp::AddF64, Acc::Place(acc), Init::Acc, summand)
}

/// `iter.sum::<f64>()`, `iter.fold(init, |s, x| s + f(x))`, `iter.for_each(|x| acc += f(x))`.
pub fn of_consume<'e>(
    f: &'e Fn,
    it: &'e IterExpr,
    c: &'e Consumer,
    t: &Ty,
) -> Option<LoopForm<'e>> {
    if *t != Ty::F64 && !matches!(c, Consumer::ForEach(_)) {
        return None;
    }
    let (mut b, item) = Builder::pipeline(f, it)?;
    match c {
        Consumer::Sum => {
            let s = b.item_expr(item, it.span)?;
            b.finish(RedOp::AddF64, Acc::Value, Init::NegZero, s)
        }
        Consumer::Fold(init, ci) if init.ty == Ty::F64 => {
            let cl = &f.closures[*ci as usize];
            let [Pat::Bind(a), p] = cl.params.as_slice() else {
                return None;
            };
            let K::Binary(BinOp::Add, l, r) = &peel(&cl.body).kind else {
                return None;
            };
            if !matches!(l.kind, K::Local(x) if x == *a) || f.locals[*a as usize].ty != Ty::F64 {
                return None;
            }
            b.bind(p, item)?;
            let summand = b.subst(r)?;
            if crate::lower::vectorize::mentions(&summand, *a) {
                return None;
            }
            b.finish(RedOp::AddF64, Acc::Value, Init::Expr(init), summand)
        }
        Consumer::ForEach(ci) => {
            let cl = &f.closures[*ci as usize];
            let [p] = cl.params.as_slice() else {
                return None;
            };
            let (acc, r) = add_assign(&cl.body, f)?;
            b.bind(p, item)?;
            let summand = b.subst(r)?;
            b.finish(RedOp::AddF64, Acc::Place(acc), Init::Acc, summand)
        }
        _ => None,
    }
}
