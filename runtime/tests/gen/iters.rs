//! Closures and iterator chains (feature `iter_chains`): `values(S)` builds an iterator that
//! yields values of type S, a terminal (`sum`, `product`, `fold`, `count`, `min`/`max` +
//! `unwrap`, `any`, `all`, `collect`) turns it into an expression. Closure parameters get fresh
//! names; closure bodies capture outer variables by reference (expressions never mutate).

use super::ty::{Ty, INTS};
use super::{Gen, Kind, Var};

impl<'a> Gen<'a> {
    fn scalar_var(name: &str, t: Ty) -> Var {
        Var {
            name: name.to_string(),
            kind: Kind::Scalar(t),
            mutable: false,
            frozen: false,
            len_min: 0,
            len_max: 0,
        }
    }

    /// Generates `e` of type `t` with `vars` in scope, as if run `iters` times.
    fn closure_body(&mut self, t: Ty, d: u32, vars: Vec<Var>, iters: u64) -> String {
        let saved = self.mult;
        self.mult = self.mult.saturating_mul(iters.max(1));
        self.scopes.push(vars);
        let e = self.expr(t, d);
        self.scopes.pop();
        self.mult = saved;
        e
    }

    /// A literal range of int type `r` with at most 12 elements: (text, length bound).
    fn small_range(&mut self, r: Ty) -> (String, u64) {
        let n = self.rng.below(10) as i128;
        let lo = (self.rng.range(-5, 10) as i128).clamp(r.min(), r.max() - n);
        let (a, b) = (
            self.int_lit_of(r, lo, true),
            self.int_lit_of(r, lo + n, true),
        );
        if self.rng.chance(30) {
            (format!("({a}..={b})"), n as u64 + 1)
        } else {
            (format!("({a}..{b})"), n as u64)
        }
    }

    fn adapters(&mut self, mut it: String, len: u64, r: Option<Ty>) -> (String, u64) {
        if !self.rng.chance(40) {
            return (it, len);
        }
        match self.rng.below(5) {
            0 => it.push_str(".rev()"),
            1 => it.push_str(&format!(".step_by({})", 1 + self.rng.below(3))),
            2 => it.push_str(&format!(".skip({})", self.rng.below(4))),
            3 => it.push_str(&format!(".take({})", self.rng.below(6))),
            _ => match r {
                Some(r) => {
                    let (b, n) = self.small_range(r);
                    return (format!("{it}.chain{b}"), len + n);
                }
                None => it.push_str(".rev()"),
            },
        }
        (it, len)
    }

    /// An iterator yielding values of type `s`, and a bound on its length.
    pub fn values(&mut self, s: Ty, d: u32) -> (String, u64) {
        let seqs: Vec<Var> = self.all_seqs();
        let choice = self.rng.below(if seqs.is_empty() { 2 } else { 5 });
        let (it, len) = match choice {
            0 if s.is_int() => {
                let (r, n) = self.small_range(s);
                self.adapters(r, n, Some(s))
            }
            0 | 1 => {
                let rt = *self.rng.pick(&INTS);
                let (r, n) = self.small_range(rt);
                let (r, n) = self.adapters(r, n, Some(rt));
                let q = self.fresh("q");
                let e = self.closure_body(s, d - 1, vec![Self::scalar_var(&q, rt)], n);
                (format!("{r}.map(|{q}| {e})"), n)
            }
            2 => {
                let v = self.rng.pick(&seqs).clone();
                let et = elem(&v);
                let q = self.fresh("q");
                let (src, n) = self.adapters(format!("{}.iter()", v.name), v.len_max, None);
                let e = self.closure_body(s, d - 1, vec![Self::scalar_var(&q, et)], n);
                (format!("{src}.map(|&{q}| {e})"), n)
            }
            3 => {
                let v = self.rng.pick(&seqs).clone();
                let (k, q) = (self.fresh("q"), self.fresh("q"));
                let vars = vec![
                    Self::scalar_var(&k, Ty::Usize),
                    Self::scalar_var(&q, elem(&v)),
                ];
                let e = self.closure_body(s, d - 1, vars, v.len_max);
                (
                    format!("{}.iter().enumerate().map(|({k}, &{q})| {e})", v.name),
                    v.len_max,
                )
            }
            _ => {
                let v = self.rng.pick(&seqs).clone();
                let w = self.rng.pick(&seqs).clone();
                let (a, b) = (self.fresh("q"), self.fresh("q"));
                let vars = vec![
                    Self::scalar_var(&a, elem(&v)),
                    Self::scalar_var(&b, elem(&w)),
                ];
                let n = v.len_max.min(w.len_max);
                let e = self.closure_body(s, d - 1, vars, n);
                (
                    format!(
                        "{}.iter().zip({}.iter()).map(|(&{a}, &{b})| {e})",
                        v.name, w.name
                    ),
                    n,
                )
            }
        };
        if self.f.on("if_else") && self.rng.chance(25) {
            let y = self.fresh("q");
            let c = self.closure_body(
                Ty::Bool,
                d.saturating_sub(1).max(1),
                vec![Self::scalar_var(&y, s)],
                len,
            );
            return (format!("{it}.filter(|&{y}| {c})"), len);
        }
        (it, len)
    }

    /// An expression of type `t` ending an iterator chain.
    pub fn iter_expr(&mut self, t: Ty, d: u32) -> String {
        let d = d.max(1);
        match t {
            Ty::Bool => {
                let s = self.numeric_ty();
                let (it, n) = self.values(s, d);
                let y = self.fresh("q");
                let c = self.closure_body(Ty::Bool, d - 1, vec![Self::scalar_var(&y, s)], n);
                format!("{it}.{}(|{y}| {c})", self.rng.pick(&["any", "all"]))
            }
            Ty::Usize if self.rng.chance(30) => {
                let s = self.numeric_ty();
                format!("{}.count()", self.values(s, d).0)
            }
            t if t.is_int() && self.rng.chance(25) => {
                format!(
                    "{}.{}().unwrap()",
                    self.values(t, d).0,
                    self.rng.pick(&["min", "max"])
                )
            }
            t if self.rng.chance(25) => {
                let s = self.numeric_ty();
                let (it, n) = self.values(s, d);
                let init = self.expr(t, d - 1);
                let (acc, z) = (self.fresh("q"), self.fresh("q"));
                let body = self.closure_body(
                    t,
                    d - 1,
                    vec![Self::scalar_var(&acc, t), Self::scalar_var(&z, s)],
                    n,
                );
                format!("{it}.fold({init}, |{acc}, {z}| {body})")
            }
            t => {
                let m = if self.rng.chance(75) {
                    "sum"
                } else {
                    "product"
                };
                format!("{}.{m}::<{}>()", self.values(t, d).0, t.name())
            }
        }
    }
}

fn elem(v: &Var) -> Ty {
    super::refs::elem_ty(v.kind)
}

/// Feature `iter_more`: `for_each`, `collect` inside expressions, chains straight over `v.iter()`.
impl<'a> Gen<'a> {
    /// An expression of type `t` (int, float or bool) from one of the extra chain forms.
    pub fn iter_more_expr(&mut self, t: Ty, d: u32) -> String {
        let d = d.max(1);
        let seqs: Vec<Var> = self.seqs_of(t);
        let all = self.all_seqs();
        match self.rng.below(6) {
            0 if t == Ty::Usize => {
                let s = self.numeric_ty();
                let (it, _) = self.values(s, d);
                format!("{it}.collect::<Vec<{}>>().len()", s.name())
            }
            1 if t == Ty::Usize && !all.is_empty() => {
                let v = self.rng.pick(&all).clone();
                let q = self.fresh("q");
                let c = self.closure_body(
                    Ty::Bool,
                    d - 1,
                    vec![Self::scalar_var(&q, elem(&v))],
                    v.len_max,
                );
                format!(
                    "{}.iter().position(|&{q}| {c}).unwrap_or({})",
                    v.name,
                    self.rng.below(20)
                )
            }
            2 if t == Ty::Usize && !all.is_empty() => {
                let v = self.rng.pick(&all).clone();
                let q = self.fresh("q");
                let c = self.closure_body(
                    Ty::Bool,
                    d - 1,
                    vec![Self::scalar_var(&q, elem(&v))],
                    v.len_max,
                );
                format!("{}.iter().filter(|&&{q}| {c}).count()", v.name)
            }
            3 if t.is_numeric() && !seqs.is_empty() => {
                let v = self.rng.pick(&seqs).clone();
                format!(
                    "{}.iter().{}::<{}>()",
                    v.name,
                    self.rng.pick(&["sum", "product"]),
                    t.name()
                )
            }
            4 if t.is_int() && !seqs.is_empty() => {
                let v = self.rng.pick(&seqs).clone();
                let dflt = self.expr(t, d - 1);
                format!(
                    "{}.iter().copied().{}().unwrap_or({dflt})",
                    v.name,
                    self.rng.pick(&["min", "max"])
                )
            }
            5 if t == Ty::Bool && !all.is_empty() => {
                let v = self.rng.pick(&all).clone();
                let s = elem(&v);
                let x = self.expr(s, d - 1);
                format!("{}.contains(&{x})", v.name)
            }
            _ => self.iter_expr(t, d),
        }
    }

    /// `it.for_each(|q| acc op= e);` on a mutable scalar `acc` (not used by `it` itself).
    pub fn for_each_stmt(&mut self) {
        let accs: Vec<Var> = self
            .visible()
            .into_iter()
            .filter(|v| {
                v.mutable
                    && matches!(v.kind, Kind::Scalar(t) if t.is_numeric())
                    && !v.name.starts_with('(')
            })
            .collect();
        if accs.is_empty() {
            return self.let_scalar();
        }
        let acc = self.rng.pick(&accs).clone();
        let t = elem(&acc);
        let s = self.numeric_ty();
        self.hidden.push(acc.name.clone());
        let (it, n) = self.values(s, 2);
        self.hidden.pop();
        let q = self.fresh("q");
        let body = self.closure_body(t, 2, vec![Self::scalar_var(&q, s)], n);
        let op = *self.rng.pick(&["=", "+=", "-=", "*="]);
        self.cost += self.mult * n;
        self.emit(format!("{it}.for_each(|{q}| {} {op} {body});", acc.name));
    }
}
