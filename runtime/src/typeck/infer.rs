//! Type inference for literals and `_`: a substitution table over the subset's types.

use crate::abi::ty::*;

/// Union-find-free substitution table: each variable is unbound or bound to a type.
#[derive(Default)]
pub struct InferTable {
    vars: Vec<(VarKind, Option<Ty>)>,
}

impl InferTable {
    pub fn fresh(&mut self, k: VarKind) -> Ty {
        self.vars.push((k, None));
        Ty::Infer(self.vars.len() as u32 - 1)
    }
    pub fn kind(&self, v: u32) -> VarKind {
        self.vars[v as usize].0
    }
    /// Follow bindings at the top level.
    pub fn shallow(&self, t: &Ty) -> Ty {
        let mut t = t.clone();
        while let Ty::Infer(v) = t {
            match &self.vars[v as usize].1 {
                Some(b) => t = b.clone(),
                None => return t,
            }
        }
        t
    }
    /// Fully substitute; unbound numeric variables stay as `Infer` unless `default` is set.
    pub fn resolve(&self, t: &Ty, default: bool) -> Ty {
        match self.shallow(t) {
            Ty::Infer(v) if default => match self.kind(v) {
                VarKind::Int => Ty::I32,
                VarKind::Float => Ty::F64,
                VarKind::General => Ty::Infer(v),
            },
            Ty::Tuple(ts) => Ty::Tuple(ts.iter().map(|t| self.resolve(t, default)).collect()),
            Ty::Array(t, n) => Ty::Array(Box::new(self.resolve(&t, default)), n),
            Ty::Vec(t) => Ty::Vec(Box::new(self.resolve(&t, default))),
            Ty::Slice(t) => Ty::Slice(Box::new(self.resolve(&t, default))),
            Ty::Option(t) => Ty::Option(Box::new(self.resolve(&t, default))),
            Ty::Ref(t, m) => Ty::Ref(Box::new(self.resolve(&t, default)), m),
            Ty::Range(t) => Ty::Range(Box::new(self.resolve(&t, default))),
            Ty::Iter(t) => Ty::Iter(Box::new(self.resolve(&t, default))),
            Ty::Nd(t, n) => Ty::Nd(Box::new(self.resolve(&t, default)), n),
            Ty::NdD(t, n) => Ty::NdD(Box::new(self.resolve(&t, default)), n),
            Ty::NdView(t, n, m) => Ty::NdView(Box::new(self.resolve(&t, default)), n, m),
            t => t,
        }
    }
    /// rustc's names for unresolved numeric types in messages.
    pub fn show(&self, t: &Ty) -> String {
        fn go(tb: &InferTable, t: &Ty) -> String {
            match tb.shallow(t) {
                Ty::Infer(v) => match tb.kind(v) {
                    VarKind::Int => "{integer}".into(),
                    VarKind::Float => "{float}".into(),
                    VarKind::General => "_".into(),
                },
                t => {
                    let r = tb.resolve(&t, false);
                    if contains_infer(&r) {
                        // Nested unresolved parts print as `_`.
                        format!("{r}")
                    } else {
                        format!("{r}")
                    }
                }
            }
        }
        go(self, t)
    }
    fn occurs(&self, v: u32, t: &Ty) -> bool {
        match self.shallow(t) {
            Ty::Infer(w) => w == v,
            Ty::Tuple(ts) => ts.iter().any(|t| self.occurs(v, t)),
            Ty::Array(t, _)
            | Ty::Vec(t)
            | Ty::Slice(t)
            | Ty::Option(t)
            | Ty::Ref(t, _)
            | Ty::Range(t)
            | Ty::Iter(t)
            | Ty::Nd(t, _)
            | Ty::NdD(t, _)
            | Ty::NdView(t, _, _) => self.occurs(v, &t),
            _ => false,
        }
    }
    /// Make `a` and `b` equal; Err(()) when they cannot be.
    pub fn unify(&mut self, a: &Ty, b: &Ty) -> Result<(), ()> {
        let a = self.shallow(a);
        let b = self.shallow(b);
        match (&a, &b) {
            (Ty::Infer(x), Ty::Infer(y)) if x == y => Ok(()),
            (Ty::Infer(x), Ty::Infer(y)) => {
                let (kx, ky) = (self.kind(*x), self.kind(*y));
                let k = match (kx, ky) {
                    (VarKind::General, k) | (k, VarKind::General) => k,
                    (k1, k2) if k1 == k2 => k1,
                    _ => return Err(()),
                };
                self.vars[*y as usize].0 = k;
                self.vars[*x as usize].1 = Some(b.clone());
                Ok(())
            }
            (Ty::Infer(x), t) | (t, Ty::Infer(x)) => {
                let ok = match self.kind(*x) {
                    VarKind::General => !self.occurs(*x, t),
                    VarKind::Int => t.is_int(),
                    VarKind::Float => t.is_float(),
                };
                if !ok {
                    return Err(());
                }
                self.vars[*x as usize].1 = Some(t.clone());
                Ok(())
            }
            (Ty::Never, _) | (_, Ty::Never) => Ok(()),
            (Ty::Tuple(x), Ty::Tuple(y)) if x.len() == y.len() => {
                for (p, q) in x.iter().zip(y) {
                    self.unify(p, q)?;
                }
                Ok(())
            }
            (Ty::Array(x, n), Ty::Array(y, m)) if n == m => self.unify(x, y),
            (Ty::Vec(x), Ty::Vec(y))
            | (Ty::Slice(x), Ty::Slice(y))
            | (Ty::Option(x), Ty::Option(y))
            | (Ty::Range(x), Ty::Range(y))
            | (Ty::Iter(x), Ty::Iter(y)) => self.unify(x, y),
            (Ty::Ref(x, m1), Ty::Ref(y, m2)) if m1 == m2 => self.unify(x, y),
            (Ty::Nd(x, n), Ty::Nd(y, m)) if n == m => self.unify(x, y),
            (Ty::NdD(x, n), Ty::NdD(y, m)) if n == m || *n == ANY_NDIM || *m == ANY_NDIM => {
                self.unify(x, y)
            }
            (Ty::Chunked(n), Ty::Chunked(m)) if n == m || *n == ANY_NDIM || *m == ANY_NDIM => {
                Ok(())
            }
            (Ty::NdView(x, n, p), Ty::NdView(y, m, q)) if n == m && p == q => self.unify(x, y),
            _ if a == b => Ok(()),
            _ => Err(()),
        }
    }
}

pub fn contains_infer(t: &Ty) -> bool {
    match t {
        Ty::Infer(_) => true,
        Ty::Tuple(ts) => ts.iter().any(contains_infer),
        Ty::Array(t, _)
        | Ty::Vec(t)
        | Ty::Slice(t)
        | Ty::Option(t)
        | Ty::Ref(t, _)
        | Ty::Range(t)
        | Ty::Iter(t)
        | Ty::Nd(t, _)
        | Ty::NdD(t, _)
        | Ty::NdView(t, _, _) => contains_infer(t),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_vars_unify_and_default() {
        let mut t = InferTable::default();
        let a = t.fresh(VarKind::Int);
        let b = t.fresh(VarKind::Int);
        t.unify(&a, &b).unwrap();
        assert_eq!(t.resolve(&a, true), Ty::I32);
        t.unify(&b, &Ty::I64).unwrap();
        assert_eq!(t.resolve(&a, true), Ty::I64);
        let f = t.fresh(VarKind::Float);
        assert!(t.unify(&f, &Ty::I64).is_err());
        assert_eq!(t.show(&f), "{float}");
    }
}
