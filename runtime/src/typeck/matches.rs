//! `match` on integers, bools, chars and ranges (with `_`, bindings, `|` and guards): arms
//! typed against the scrutinee, literal and range patterns, and rustc's exhaustiveness rule
//! (E0004) over the covered intervals. `Option` patterns are in `patterns.rs`.

use super::check::Checker;
use super::exprs::tail_span;
use super::typed::{Arm, Expr, ExprKind as K, MatchPat};
use crate::abi::ty::{Ty, VarKind};
use crate::diag::Result;
use crate::diag::{Error, Span};

impl<'a, 'e> Checker<'a, 'e> {
    pub(super) fn match_expr(
        &mut self,
        m: &syn::ExprMatch,
        span: Span,
        expect: Option<&Ty>,
    ) -> Result<Expr> {
        let (s, by_ref) = self.scrutinee(&m.expr)?;
        let st = self.infer.shallow(&s.ty);
        let is_opt = self.is_option(&st);
        let ok = is_opt
            || matches!(st, Ty::Int(_) | Ty::Bool | Ty::Char)
            || matches!(st, Ty::Infer(v) if self.infer.kind(v) == VarKind::Int);
        if !ok {
            return Err(Error::unsupported(
                s.span,
                format!(
                    "`match` on `{}` (integers, bools, chars and `Option`s of them only)",
                    self.infer.show(&st)
                ),
            ));
        }
        let mut unguarded = vec![];
        let mut arms = vec![];
        let mut ty = Ty::Never;
        let mut covered: Vec<(i128, i128)> = vec![];
        let mut total = false;
        for a in &m.arms {
            self.scopes.push(vec![]);
            let pat = match self.arm_pat(&a.pat, &s.ty, by_ref && is_opt) {
                Ok(p) => p,
                Err(e) => {
                    self.scopes.pop();
                    return Err(e);
                }
            };
            let guard = match &a.guard {
                Some((_, g)) => {
                    let g = self.expr(g, Some(&Ty::Bool))?;
                    Some(self.coerce(g, &Ty::Bool)?)
                }
                None => None,
            };
            if guard.is_none() {
                collect_cover(&pat, &mut covered, &mut total);
                unguarded.push(pat.clone());
            }
            let body = self.expr(&a.body, expect);
            self.scopes.pop();
            let body = body?;
            ty = self
                .join(&ty, &body.ty, tail_span(&a.body))
                .map_err(|e| Error {
                    message: "`match` arms have incompatible types".into(),
                    ..e
                })?;
            arms.push(Arm { pat, guard, body });
        }
        if is_opt {
            if let Some(w) = self.uncovered(&unguarded, &s.ty) {
                return Err(Error::new(s.span, format!("non-exhaustive patterns: `{w}` not covered")).code("E0004").label(format!("pattern `{w}` not covered")).hint("ensure that all possible cases are being handled by adding a match arm with a wildcard pattern"));
            }
            return Ok(Expr::new(K::Match(Box::new(s), arms), ty, span));
        }
        let (lo, hi) = match self.infer.resolve(&s.ty, true) {
            Ty::Int(i) => (i.min(), i.max()),
            Ty::Bool => (0, 1),
            _ => (0, 0x10FFFF),
        };
        if !total && !covers(&mut covered, lo, hi) {
            return Err(Error::new(s.span, "non-exhaustive patterns").label("pattern `_` not covered").hint("ensure that all possible cases are being handled by adding a match arm with a wildcard pattern"));
        }
        Ok(Expr::new(K::Match(Box::new(s), arms), ty, span))
    }

    pub(super) fn match_pat(&mut self, p: &syn::Pat, st: &Ty) -> Result<MatchPat> {
        let span = Span::of_node(p);
        match p {
            syn::Pat::Wild(_) => Ok(MatchPat::Wild),
            syn::Pat::Lit(l) => Ok(MatchPat::Lit(self.pat_lit(&l.lit, st, span)?)),
            syn::Pat::Range(r) => {
                let lo = match &r.start {
                    Some(e) => self.pat_bound(e, st)?,
                    None => i128::MIN,
                };
                let hi = match &r.end {
                    Some(e) => {
                        let v = self.pat_bound(e, st)?;
                        if matches!(r.limits, syn::RangeLimits::HalfOpen(_)) {
                            v - 1
                        } else {
                            v
                        }
                    }
                    None => i128::MAX,
                };
                Ok(MatchPat::Range(lo, hi))
            }
            syn::Pat::Or(o) => Ok(MatchPat::Or(
                o.cases
                    .iter()
                    .map(|c| self.match_pat(c, st))
                    .collect::<Result<_>>()?,
            )),
            syn::Pat::Ident(pi) if pi.subpat.is_none() && pi.by_ref.is_none() => {
                Ok(MatchPat::Bind(self.new_local(
                    &pi.ident.to_string(),
                    st.clone(),
                    pi.mutability.is_some(),
                    span,
                )))
            }
            syn::Pat::Paren(pp) => self.match_pat(&pp.pat, st),
            syn::Pat::Path(pp) => {
                let segs: Vec<String> = pp
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let canon = self.env.canonical(&segs);
                match super::check::std_const(&canon) {
                    Some((K::Int(v), t)) => {
                        self.unify(st, &t, span)?;
                        Ok(MatchPat::Lit(v))
                    }
                    _ => Err(Error::unsupported(span, "pattern")),
                }
            }
            other => Err(Error::unsupported(
                Span::of_node(other),
                "pattern in `match`",
            )),
        }
    }

    fn pat_bound(&mut self, e: &syn::Expr, st: &Ty) -> Result<i128> {
        match e {
            syn::Expr::Lit(l) => self.pat_lit(&l.lit, st, Span::of_node(e)),
            syn::Expr::Path(p) => {
                let segs: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                match super::check::std_const(&self.env.canonical(&segs)) {
                    Some((K::Int(v), t)) => {
                        self.unify(st, &t, Span::of_node(e))?;
                        Ok(v)
                    }
                    _ => Err(Error::unsupported(Span::of_node(e), "range pattern bound")),
                }
            }
            other => Err(Error::unsupported(
                Span::of_node(other),
                "range pattern bound",
            )),
        }
    }

    fn pat_lit(&mut self, l: &syn::Lit, st: &Ty, span: Span) -> Result<i128> {
        let e = self.lit(l, span)?;
        self.unify(st, &e.ty, span)?;
        match e.kind {
            K::Int(v) => Ok(v),
            K::Bool(b) => Ok(b as i128),
            K::Char(c) => Ok(c as i128),
            _ => Err(Error::unsupported(span, "literal pattern")),
        }
    }
}

pub(super) fn collect_cover(p: &MatchPat, out: &mut Vec<(i128, i128)>, total: &mut bool) {
    match p {
        MatchPat::Wild | MatchPat::Bind(_) => *total = true,
        MatchPat::Lit(v) => out.push((*v, *v)),
        MatchPat::Range(a, b) => out.push((*a, *b)),
        MatchPat::Or(ps) => ps.iter().for_each(|p| collect_cover(p, out, total)),
        // Option patterns are checked by `uncovered`.
        MatchPat::Some(_) | MatchPat::None => {}
    }
}

pub(super) fn covers(iv: &mut [(i128, i128)], lo: i128, hi: i128) -> bool {
    iv.sort();
    let mut next = lo;
    for &(a, b) in iv.iter() {
        if a > next {
            return false;
        }
        if b >= next {
            if b >= hi {
                return true;
            }
            next = b + 1;
        }
    }
    next > hi
}
