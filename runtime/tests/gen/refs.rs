//! `&mut` parameters (feature `mut_refs`): `p: &mut T` (a scalar the body reads and assigns as
//! `(*p)`) and `p: &mut Vec<T>` (a Vec the body indexes, stores into, pushes to as `(*p)`).
//! Calls to fns with any `&mut` parameter are statements: each `&mut` argument is a distinct
//! variable, hidden from the other arguments, so the borrows are always legal.

use super::ty::Ty;
use super::{FnSig, Gen, Kind, Var, COST_MAX, PRINT_MAX};

/// A `&mut Vec<T>` param starts with this many elements at least / most (callers lend Vecs of
/// at least one element).
const PARAM_VEC_MAX: u64 = 16;

impl<'a> Gen<'a> {
    /// A `&mut` parameter `pname`: (its kind in the signature, its text, the body's variable).
    pub fn mut_param(&mut self, pname: &str, earlier: &[Kind]) -> (Kind, String, Var) {
        let inner = format!("(*{pname})");
        let has_vec = earlier.iter().any(|k| matches!(k, Kind::MutVec(_)));
        if self.f.on("vec") && !has_vec && self.rng.chance(45) {
            let t = self.numeric_ty();
            let var = Var {
                name: inner,
                kind: Kind::Vec(t),
                mutable: true,
                frozen: false,
                len_min: 1,
                len_max: PARAM_VEC_MAX,
            };
            return (
                Kind::MutVec(t),
                format!("{pname}: &mut Vec<{}>", t.name()),
                var,
            );
        }
        let t = self.scalar_ty();
        let var = Var {
            name: inner,
            kind: Kind::Scalar(t),
            mutable: true,
            frozen: false,
            len_min: 0,
            len_max: 0,
        };
        (
            Kind::MutScalar(t),
            format!("{pname}: &mut {}", t.name()),
            var,
        )
    }

    /// After the body: what the fn may do to the length of its `&mut Vec` param.
    pub fn vec_param_effect(&self, params: &[Kind]) -> (bool, u64) {
        let Some(k) = params.iter().position(|p| matches!(p, Kind::MutVec(_))) else {
            return (false, 0);
        };
        let name = format!("(*p{k})");
        match self
            .scopes
            .first()
            .and_then(|s| s.iter().find(|v| v.name == name))
        {
            Some(v) => (v.len_min < 1, v.len_max.saturating_sub(PARAM_VEC_MAX)),
            None => (true, 64),
        }
    }

    /// Variables that may be lent to a `&mut` parameter of kind `p`.
    pub fn lendable(&self, p: Kind) -> Vec<Var> {
        self.visible()
            .into_iter()
            .filter(|v| match p {
                Kind::Slice(t, true) => {
                    !v.frozen
                        && ((v.mutable && v.kind == Kind::Vec(t)) || v.kind == Kind::Slice(t, true))
                }
                Kind::MutScalar(t) => v.mutable && v.kind == Kind::Scalar(t),
                // Fixed arrays (named `a…`) are no Vecs.
                Kind::MutVec(t) => {
                    !v.frozen
                        && v.mutable
                        && v.kind == Kind::Vec(t)
                        && !v.name.starts_with('a')
                        && v.len_min >= 1
                }
                _ => false,
            })
            .collect()
    }

    /// Whether `p` is a parameter that takes a `&mut` argument.
    pub fn is_mut_param(p: &Kind) -> bool {
        matches!(
            p,
            Kind::Slice(_, true) | Kind::MutScalar(_) | Kind::MutVec(_)
        )
    }

    /// Distinct variables for the `&mut` params of `sig`, as (name, argument text), in order;
    /// None when some param has nothing to borrow.
    pub fn pick_mut_args(&mut self, sig: &FnSig) -> Option<Vec<(String, String)>> {
        let mut out: Vec<(String, String)> = Vec::new();
        for p in sig.params.iter().filter(|p| Self::is_mut_param(p)) {
            let cands: Vec<Var> = self
                .lendable(*p)
                .into_iter()
                .filter(|v| !out.iter().any(|(n, _)| *n == v.name))
                .collect();
            if cands.is_empty() {
                return None;
            }
            let v = self.rng.pick(&cands).clone();
            let text = if matches!(v.kind, Kind::Slice(..)) {
                v.name.clone()
            } else {
                format!("&mut {}", v.name)
            };
            out.push((v.name, text));
        }
        Some(out)
    }

    /// Fns with `&mut` params that are affordable here.
    pub fn mut_callable(&self) -> Vec<FnSig> {
        self.fns[..self.callable]
            .iter()
            .filter(|s| s.params.iter().any(Self::is_mut_param))
            .filter(|s| {
                self.cost + self.mult * s.cost <= COST_MAX
                    && self.prints + self.mult * s.prints <= PRINT_MAX
            })
            .filter(|s| {
                s.params
                    .iter()
                    .all(|p| !Self::is_mut_param(p) || !self.lendable(*p).is_empty())
            })
            .cloned()
            .collect()
    }

    /// After a call that lent `name` to a `&mut Vec` param: its length bounds change.
    pub fn apply_vec_effect(&mut self, sig: &FnSig, mut_args: &[(String, String)]) {
        let mut k = 0;
        for p in &sig.params {
            if !Self::is_mut_param(p) {
                continue;
            }
            if matches!(p, Kind::MutVec(_)) {
                let m = self.mult;
                let (may_empty, grow) = sig.vec_effect;
                if let Some(b) = self.binding_mut(&mut_args[k].0) {
                    if may_empty {
                        b.len_min = 0;
                    }
                    b.len_max += m.saturating_mul(grow);
                }
            }
            k += 1;
        }
    }
}

/// The element type of a sequence kind.
pub fn elem_ty(k: Kind) -> Ty {
    match k {
        Kind::Scalar(t)
        | Kind::Vec(t)
        | Kind::Slice(t, _)
        | Kind::Grid(t, _, _)
        | Kind::MutScalar(t)
        | Kind::MutVec(t) => t,
    }
}
