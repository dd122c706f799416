//! `Option` patterns: `match o { Some(x) => .., None => .. }`, `if let P = e {..} else {..}` and
//! `while let P = e {..}`, all lowered as a typed `Match` (`while let` inside a `Loop` whose
//! fallback arm breaks). Bindings inside `Some(..)` of a `&Option<T>` scrutinee are `&T`
//! (rustc's default binding mode); `&T` of a scalar has the scalar's machine representation.

use super::check::Checker;
use super::matches::{collect_cover, covers};
use super::typed::{Arm, Block, Expr, ExprKind as K, MatchPat};
use crate::abi::ty::{Ty, VarKind};
use crate::diag::Result;
use crate::diag::{Error, Span};

impl<'a, 'e> Checker<'a, 'e> {
    /// The scrutinee of a `match`/`if let`/`while let`: auto-dereferenced, with whether its
    /// bindings are by reference.
    pub(super) fn scrutinee(&mut self, e: &syn::Expr) -> Result<(Expr, bool)> {
        let s = self.expr(e, None)?;
        let by_ref = match self.infer.shallow(&s.ty) {
            Ty::Ref(inner, true) if matches!(self.infer.shallow(&inner), Ty::Option(_)) => {
                return Err(Error::unsupported(s.span, "matching on `&mut Option<_>`"));
            }
            Ty::Ref(..) => true,
            _ => false,
        };
        Ok((self.auto_deref(s), by_ref))
    }

    pub(super) fn is_option(&self, t: &Ty) -> bool {
        matches!(self.infer.shallow(t), Ty::Option(_))
    }

    /// One arm's pattern against a scrutinee of type `st` (an `Option`, or what `match_pat`
    /// takes).
    pub(super) fn arm_pat(&mut self, p: &syn::Pat, st: &Ty, by_ref: bool) -> Result<MatchPat> {
        let span = Span::of_node(p);
        let path_last = |path: &syn::Path| {
            path.segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default()
        };
        let is_opt_path = |path: &syn::Path, name: &str| {
            let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            let segs = super::strip_std(&segs);
            let segs: Vec<&str> = segs.iter().map(|s| s.as_str()).collect();
            matches!(segs.as_slice(), [n] | ["Option", n] | ["option", "Option", n] if *n == name)
        };
        match p {
            syn::Pat::TupleStruct(ts) if is_opt_path(&ts.path, "Some") => {
                if ts.elems.len() != 1 {
                    return Err(Error::new(span, format!("this pattern has {} fields, but the corresponding tuple variant has 1 field", ts.elems.len())).code("E0023"));
                }
                let inner = self.infer.fresh(VarKind::General);
                self.unify(st, &Ty::Option(Box::new(inner.clone())), span)?;
                let inner = match self.infer.shallow(st) {
                    Ty::Option(t) => *t,
                    _ => inner,
                };
                Ok(MatchPat::Some(Box::new(self.arm_pat(
                    &ts.elems[0],
                    &inner,
                    by_ref,
                )?)))
            }
            syn::Pat::Ident(pi)
                if pi.subpat.is_none()
                    && pi.by_ref.is_none()
                    && pi.mutability.is_none()
                    && pi.ident == "None" =>
            {
                self.none_pat(st, span)
            }
            syn::Pat::Path(pp) if pp.qself.is_none() && is_opt_path(&pp.path, "None") => {
                self.none_pat(st, span)
            }
            syn::Pat::TupleStruct(ts) => Err(Error::unsupported(
                span,
                format!("pattern `{}(..)`", path_last(&ts.path)),
            )),
            syn::Pat::Ident(pi)
                if pi.subpat.is_none() && pi.by_ref.is_none() && (by_ref || self.is_option(st)) =>
            {
                // A binding: by reference under `&Option<T>` (default binding mode).
                let t = if by_ref {
                    Ty::Ref(Box::new(st.clone()), false)
                } else {
                    st.clone()
                };
                Ok(MatchPat::Bind(self.new_local(
                    &pi.ident.to_string(),
                    t,
                    pi.mutability.is_some(),
                    Span::of_node(&pi.ident),
                )))
            }
            syn::Pat::Or(o) => {
                let ps = o
                    .cases
                    .iter()
                    .map(|c| self.arm_pat(c, st, by_ref))
                    .collect::<Result<Vec<_>>>()?;
                if ps.iter().any(has_binding) {
                    return Err(Error::unsupported(span, "bindings inside an or-pattern"));
                }
                Ok(MatchPat::Or(ps))
            }
            syn::Pat::Paren(pp) => self.arm_pat(&pp.pat, st, by_ref),
            _ if self.is_option(st) && !matches!(p, syn::Pat::Wild(_)) => Err(Error::unsupported(
                span,
                "pattern on an `Option` (only `Some(p)`, `None`, `_` and bindings)",
            )),
            _ => {
                let mp = self.match_pat(p, st)?;
                if let MatchPat::Or(ps) = &mp {
                    if ps.iter().any(has_binding) {
                        return Err(Error::unsupported(span, "bindings inside an or-pattern"));
                    }
                }
                Ok(mp)
            }
        }
    }

    fn none_pat(&mut self, st: &Ty, span: Span) -> Result<MatchPat> {
        let inner = self.infer.fresh(VarKind::General);
        self.unify(st, &Ty::Option(Box::new(inner)), span)?;
        Ok(MatchPat::None)
    }

    /// Do the unguarded patterns `ps` cover every value of `t`? `None` when they do, else a
    /// pattern they miss (rustc's witness, as far as this subset goes).
    pub(super) fn uncovered(&self, ps: &[MatchPat], t: &Ty) -> Option<String> {
        let mut flat: Vec<&MatchPat> = vec![];
        fn flatten<'p>(p: &'p MatchPat, out: &mut Vec<&'p MatchPat>) {
            match p {
                MatchPat::Or(qs) => qs.iter().for_each(|q| flatten(q, out)),
                p => out.push(p),
            }
        }
        ps.iter().for_each(|p| flatten(p, &mut flat));
        if flat
            .iter()
            .any(|p| matches!(p, MatchPat::Wild | MatchPat::Bind(_)))
        {
            return None;
        }
        match self.infer.resolve(t, true) {
            Ty::Option(inner) => {
                if !flat.iter().any(|p| matches!(p, MatchPat::None)) {
                    return Some("None".into());
                }
                let somes: Vec<MatchPat> = flat
                    .iter()
                    .filter_map(|p| {
                        if let MatchPat::Some(q) = p {
                            Some((**q).clone())
                        } else {
                            None
                        }
                    })
                    .collect();
                self.uncovered(&somes, &inner).map(|w| format!("Some({w})"))
            }
            rt => {
                let mut iv = vec![];
                let mut total = false;
                for p in flat {
                    collect_cover(p, &mut iv, &mut total);
                }
                let (lo, hi) = match rt {
                    Ty::Int(i) => (i.min(), i.max()),
                    Ty::Bool => (0, 1),
                    Ty::Char => (0, 0x10FFFF),
                    _ => return Some("_".into()),
                };
                if total || covers(&mut iv, lo, hi) {
                    None
                } else {
                    Some("_".into())
                }
            }
        }
    }

    /// `if let P = e { A } else { B }` → `match e { P => A, _ => B }`.
    pub(super) fn if_let(
        &mut self,
        i: &syn::ExprIf,
        l: &syn::ExprLet,
        span: Span,
        expect: Option<&Ty>,
    ) -> Result<Expr> {
        let (s, by_ref) = self.scrutinee(&l.expr)?;
        self.scopes.push(vec![]);
        let then = self
            .arm_pat(&l.pat, &s.ty, by_ref)
            .and_then(|pat| Ok((pat, self.block(&i.then_branch, expect)?)));
        self.scopes.pop();
        let (pat, then) = then?;
        let tt = self.block_ty(&then);
        let then_e = Expr::new(K::Block(then), tt.clone(), Span::of_node(&i.then_branch));
        let (els, ty) = match &i.else_branch {
            None => {
                if self.infer.shallow(&tt) != Ty::Never {
                    self.unify(&Ty::Unit, &tt, then_e.span)
                        .map_err(|e| e.label("`if` without `else` must have type `()`"))?;
                }
                (Expr::new(K::Unit, Ty::Unit, span), Ty::Unit)
            }
            Some((_, els)) => {
                let ee = self.expr(els, expect.or(Some(&tt)))?;
                let ty = self.join(&tt, &ee.ty, super::exprs::tail_span(els))?;
                (ee, ty)
            }
        };
        let arms = vec![
            Arm {
                pat,
                guard: None,
                body: then_e,
            },
            Arm {
                pat: MatchPat::Wild,
                guard: None,
                body: els,
            },
        ];
        Ok(Expr::new(K::Match(Box::new(s), arms), ty, span))
    }

    /// `while let P = e { body }` → `loop { match e { P => body, _ => break } }`.
    pub(super) fn while_let(
        &mut self,
        w: &syn::ExprWhile,
        l: &syn::ExprLet,
        span: Span,
    ) -> Result<Expr> {
        let id = self.push_loop(w.label.as_ref(), None);
        self.scopes.push(vec![]);
        let r = (|| -> Result<_> {
            let (s, by_ref) = self.scrutinee(&l.expr)?;
            let pat = self.arm_pat(&l.pat, &s.ty, by_ref)?;
            let body = self.block(&w.body, None)?;
            self.unit_block(&body)?;
            Ok((s, pat, body))
        })();
        self.scopes.pop();
        self.loops.pop();
        let (s, pat, body) = r?;
        let body_e = Expr::new(K::Block(body), Ty::Unit, Span::of_node(&w.body));
        let brk = Expr::new(K::Break { id, value: None }, Ty::Never, span);
        let arms = vec![
            Arm {
                pat,
                guard: None,
                body: body_e,
            },
            Arm {
                pat: MatchPat::Wild,
                guard: None,
                body: brk,
            },
        ];
        let m = Expr::new(K::Match(Box::new(s), arms), Ty::Unit, span);
        let blk = Block {
            stmts: vec![],
            tail: Some(Box::new(m)),
            span,
        };
        Ok(Expr::new(K::Loop { id, body: blk }, Ty::Unit, span))
    }
}

fn has_binding(p: &MatchPat) -> bool {
    match p {
        MatchPat::Bind(_) => true,
        MatchPat::Some(q) => has_binding(q),
        MatchPat::Or(qs) => qs.iter().any(has_binding),
        _ => false,
    }
}
