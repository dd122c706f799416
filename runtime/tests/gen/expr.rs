//! Typed expression generation: `expr(t, depth)` returns Rust text whose type is exactly `t`.
//! Every compound expression is parenthesised, so precedence (`as` vs `<`, unary minus vs
//! method calls) never changes the meaning, and each expression fits on one line (panic
//! locations then map to one cell line).

use super::ty::{Ty, INTS};
use super::{Gen, Kind, Var, COST_MAX, PRINT_MAX};

const F64_LITS: &[&str] = &[
    "0.0", "1.0", "0.5", "2.5", "3.75", "0.1", "0.3", "1e10", "1.5e-7", "123456.789", "1e-3", "7.0", "100.25", "1e300",
    "2.2250738585072014e-308", "4.9e-324", "9007199254740993.0", "1.7976931348623157e308", "0.000001", "65535.5",
];
const F32_LITS: &[&str] = &[
    "0.0", "1.0", "0.5", "2.5", "3.75", "0.1", "0.3", "1e10", "1.5e-7", "123456.79", "1e-3", "7.0", "100.25", "3.4e38",
    "1e-40", "16777217.0", "0.000001", "65535.5", "2147483648.0", "1e20",
];

impl<'a> Gen<'a> {
    pub fn expr(&mut self, t: Ty, d: u32) -> String {
        if d == 0 || self.rng.chance(22) {
            return self.leaf(t);
        }
        if self.f.on("iter_chains") && self.rng.chance(7) {
            return self.iter_expr(t, d);
        }
        match t {
            Ty::Bool => self.bool_expr(d),
            t if t.is_int() => self.int_expr(t, d),
            t => self.float_expr(t, d),
        }
    }

    pub fn int_value(&mut self, t: Ty) -> i128 {
        let (lo, hi) = (t.min(), t.max());
        let v = match self.rng.below(12) {
            0 => 0,
            1 => 1,
            2 => hi,
            3 => lo,
            4 => hi - self.rng.below(3) as i128,
            5 => lo + self.rng.below(3) as i128,
            6..=8 => self.rng.range(-20, 100) as i128,
            9 => self.rng.range(-1000, 70000) as i128,
            _ => {
                let span = (hi - lo) as u128 + 1;
                lo + ((self.rng.next_u64() as u128) % span) as i128
            }
        };
        v.clamp(lo, hi)
    }

    /// An integer literal of type `t`, suffixed unless `suffix` is false.
    pub fn int_lit_of(&self, t: Ty, v: i128, suffix: bool) -> String {
        let s = if suffix { t.name() } else { "" };
        if v < 0 {
            format!("(-{}{s})", v.unsigned_abs())
        } else {
            format!("{v}{s}")
        }
    }

    pub fn lit(&mut self, t: Ty, suffix: bool) -> String {
        match t {
            Ty::Bool => if self.rng.chance(50) { "true" } else { "false" }.to_string(),
            t if t.is_int() => {
                let v = self.int_value(t);
                self.int_lit_of(t, v, suffix)
            }
            t => {
                let base = if self.rng.chance(70) {
                    self.rng.pick(if t == Ty::F32 { F32_LITS } else { F64_LITS }).to_string()
                } else {
                    format!("{}.{}", self.rng.below(1000), self.rng.below(1000))
                };
                let s = if suffix { t.name() } else { "" };
                if self.rng.chance(30) {
                    format!("(-{base}{s})")
                } else {
                    format!("{base}{s}")
                }
            }
        }
    }

    fn vars_of(&self, k: Kind) -> Vec<Var> {
        self.visible().into_iter().filter(|v| v.kind == k).collect()
    }

    /// Vecs and slices holding `t`.
    pub fn seqs_of(&self, t: Ty) -> Vec<Var> {
        self.visible()
            .into_iter()
            .filter(|v| matches!(v.kind, Kind::Vec(e) | Kind::Slice(e, _) if e == t))
            .collect()
    }

    /// What may be passed for a `&[T]` param: callees assume non-empty slices unless `vec_oob`.
    pub fn slice_args(&self, t: Ty) -> Vec<Var> {
        let oob = self.f.on("vec_oob");
        self.seqs_of(t).into_iter().filter(|v| v.len_min > 0 || oob).collect()
    }

    pub fn all_seqs(&self) -> Vec<Var> {
        self.visible().into_iter().filter(|v| !matches!(v.kind, Kind::Scalar(_))).collect()
    }

    fn leaf(&mut self, t: Ty) -> String {
        let vars = self.vars_of(Kind::Scalar(t));
        let oob = self.f.on("vec_oob");
        let seqs: Vec<Var> = if self.f.on("vec") || self.f.on("slices") { self.seqs_of(t) } else { vec![] };
        let seqs: Vec<Var> = seqs.into_iter().filter(|v| v.len_min > 0 || oob).collect();
        let all_seqs = if t == Ty::Usize { self.all_seqs() } else { vec![] };
        let w = [30, if vars.is_empty() { 0 } else { 45 }, if seqs.is_empty() { 0 } else { 15 }, if all_seqs.is_empty() { 0 } else { 8 }];
        match self.rng.weighted(&w) {
            1 => self.rng.pick(&vars).name.clone(),
            2 => {
                let v = self.rng.pick(&seqs).clone();
                let i = self.index(&v, 1);
                format!("{}[{i}]", v.name)
            }
            3 => format!("{}.len()", self.rng.pick(&all_seqs).name),
            _ => self.lit(t, true),
        }
    }

    /// An index for a store `v[i] = ..` / `v[i] op= ..`: it must not read `v` (the place borrows
    /// `v` mutably before the index is evaluated), so it is taken modulo the known minimum length.
    pub fn store_index(&mut self, v: &Var) -> String {
        self.hidden.push(v.name.clone());
        let oob = self.f.on("vec_oob");
        let i = match self.rng.below(if oob { 4 } else { 2 }) {
            0 => format!("{}", self.rng.below(v.len_min.max(1))),
            1 if self.f.on("divrem") && v.len_min > 0 => format!("({} % {})", self.expr(Ty::Usize, 1), v.len_min),
            2 => format!("{}", self.rng.below(v.len_max + 3)),
            3 => self.expr(Ty::Usize, 1),
            _ => format!("{}", self.rng.below(v.len_min.max(1))),
        };
        self.hidden.pop();
        i
    }

    /// An index expression for `v`: in bounds unless `vec_oob` allows otherwise.
    pub fn index(&mut self, v: &Var, d: u32) -> String {
        let oob = self.f.on("vec_oob");
        let w = [
            if v.len_min > 0 { 40 } else { 0 },
            if self.f.on("divrem") && (v.len_min > 0 || oob) { 40 } else { 0 },
            if oob { 12 } else { 0 },
            if oob { 6 } else { 0 },
        ];
        match self.rng.weighted(&w) {
            1 => {
                let e = self.expr(Ty::Usize, d);
                format!("({e} % {}.len())", v.name)
            }
            2 => format!("{}", self.rng.below(v.len_max + 3)),
            3 => self.expr(Ty::Usize, d),
            _ => format!("{}", self.rng.below(v.len_min.max(1))),
        }
    }

    /// Two operands of type `t`; with `unsuffixed`, one may be a bare literal typed by the other.
    fn operands(&mut self, t: Ty, d: u32) -> (String, String) {
        let a = self.expr(t, d - 1);
        let b = self.expr(t, d - 1);
        if self.f.on("unsuffixed") && t != Ty::Bool && self.rng.chance(25) {
            let l = self.lit(t, false);
            if self.rng.chance(50) {
                return (l, b);
            }
            return (a, l);
        }
        (a, b)
    }

    /// A divisor: mostly a non-zero literal (so programs get past divisions), sometimes anything.
    fn divisor(&mut self, t: Ty, d: u32) -> String {
        if t.is_int() && self.rng.chance(85) {
            let mut v = self.int_value(t);
            if v == 0 || (t.is_signed() && v == -1 && self.rng.chance(70)) {
                v = self.rng.range(2, 9) as i128;
            }
            self.int_lit_of(t, v, true)
        } else {
            self.expr(t, d - 1)
        }
    }

    fn int_expr(&mut self, t: Ty, d: u32) -> String {
        let f = self.f;
        let on = |n: &str, w: u32| if f.on(n) { w } else { 0 };
        let callable = self.callable_fns(Some(t));
        let w = [
            30,
            on("divrem", 8),
            on("bitwise", 8),
            on("shifts", 6),
            if t.is_signed() { 4 } else { 0 },
            on("casts", 10),
            on("if_else", 6),
            on("match", 5),
            if callable.is_empty() { 0 } else { 10 },
            on("int_methods", 10),
        ];
        match self.rng.weighted(&w) {
            0 => {
                let (a, b) = self.operands(t, d);
                format!("({a} {} {b})", self.rng.pick(&["+", "-", "*"]))
            }
            1 => {
                let a = self.expr(t, d - 1);
                let b = self.divisor(t, d);
                format!("({a} {} {b})", self.rng.pick(&["/", "%"]))
            }
            2 => {
                if self.rng.chance(20) {
                    return format!("(!{})", self.expr(t, d - 1));
                }
                let (a, b) = self.operands(t, d);
                format!("({a} {} {b})", self.rng.pick(&["&", "|", "^"]))
            }
            3 => {
                let a = self.expr(t, d - 1);
                let rt = *self.rng.pick(&INTS);
                let b = if self.rng.chance(60) {
                    let v = self.rng.range(0, (t.bits() as i128 + 4).min(rt.max()) as i64);
                    self.int_lit_of(rt, v as i128, true)
                } else {
                    self.expr(rt, d - 1)
                };
                format!("({a} {} {b})", self.rng.pick(&["<<", ">>"]))
            }
            4 => self.neg(t, d),
            5 => self.cast_to(t, d),
            6 => self.if_expr(t, d),
            7 => self.match_expr(t, d),
            8 => {
                let sig = self.rng.pick(&callable).clone();
                self.call(sig, d)
            }
            _ => self.int_method(t, d),
        }
    }

    /// `(-e)`; never `-(-lit)`, which rustc's overflowing_literals lint rejects for MIN.
    fn neg(&mut self, t: Ty, d: u32) -> String {
        let mut e = self.expr(t, d - 1);
        if e.starts_with("(-") && !e.contains(' ') {
            e = e[2..e.len() - 1].to_string();
        }
        format!("(-{e})")
    }

    fn cast_to(&mut self, t: Ty, d: u32) -> String {
        let mut from = if self.f.on("float_casts") { self.numeric_ty() } else { *self.rng.pick(&INTS) };
        if t.is_int() && self.f.on("if_else") && self.rng.chance(8) {
            from = Ty::Bool;
        }
        if t.is_float() && !self.f.on("float_casts") {
            return self.expr(t, d - 1);
        }
        if from.is_float() && t.is_int() && self.rng.chance(20) {
            // NaN and infinities: saturating casts.
            let n = from.name();
            let special = self.rng.pick(&[
                format!("(0.0{n} / 0.0{n})"),
                format!("(1.0{n} / 0.0{n})"),
                format!("(-1.0{n} / 0.0{n})"),
                format!("(-1e30{n})"),
                format!("1e30{n}"),
            ]).clone();
            return format!("({special} as {})", t.name());
        }
        format!("({} as {})", self.expr(from, d - 1), t.name())
    }

    fn if_expr(&mut self, t: Ty, d: u32) -> String {
        let c = self.expr(Ty::Bool, d - 1);
        let a = self.expr(t, d - 1);
        let b = self.expr(t, d - 1);
        format!("(if {c} {{ {a} }} else {{ {b} }})")
    }

    /// A pattern value for scrutinee type `s`.
    fn pat_value(&mut self, s: Ty) -> i128 {
        if self.rng.chance(75) {
            (self.rng.range(-10, 20) as i128).clamp(s.min(), s.max())
        } else {
            self.int_value(s)
        }
    }

    pub fn pattern(&mut self, s: Ty) -> String {
        let lit = |v: i128| format!("{v}");
        match self.rng.below(4) {
            0 | 1 => lit(self.pat_value(s)),
            2 => {
                let (a, b) = (self.pat_value(s), self.pat_value(s));
                let (lo, hi) = (a.min(b), a.max(b));
                if lo < hi && self.rng.chance(30) {
                    format!("{}..{}", lit(lo), lit(hi))
                } else {
                    format!("{}..={}", lit(lo), lit(hi))
                }
            }
            _ => format!("{} | {}", lit(self.pat_value(s)), lit(self.pat_value(s))),
        }
    }

    fn match_expr(&mut self, t: Ty, d: u32) -> String {
        let s = *self.rng.pick(&INTS);
        let scrut = self.expr(s, d - 1);
        let mut arms = Vec::new();
        for _ in 0..1 + self.rng.below(3) {
            let p = self.pattern(s);
            arms.push(format!("{p} => {}", self.expr(t, d - 1)));
        }
        arms.push(format!("_ => {}", self.expr(t, d - 1)));
        format!("(match {scrut} {{ {} }})", arms.join(", "))
    }

    fn int_method(&mut self, t: Ty, d: u32) -> String {
        let a = self.expr(t, d - 1);
        let k = self.rng.below(if t.is_signed() { 12 } else { 11 });
        match k {
            0 | 1 | 2 => {
                let m = ["wrapping_add", "wrapping_sub", "wrapping_mul"][k as usize];
                format!("({a}).{m}({})", self.expr(t, d - 1))
            }
            3 => format!("({a}).pow({})", self.rng.below(7)),
            4 => format!("({a}).{}({})", self.rng.pick(&["min", "max"]), self.expr(t, d - 1)),
            5 => format!("({a}).{}({})", self.rng.pick(&["rem_euclid", "div_euclid"]), self.divisor(t, d)),
            6 => format!("({a}).{}({}).unwrap()", self.rng.pick(&["checked_add", "checked_sub", "checked_mul"]), self.expr(t, d - 1)),
            7..=10 => format!("({a}).{}({})", self.rng.pick(&["wrapping_add", "min", "max", "wrapping_mul"]), self.expr(t, d - 1)),
            _ => format!("({a}).abs()"),
        }
    }

    fn float_expr(&mut self, t: Ty, d: u32) -> String {
        let f = self.f;
        let on = |n: &str, w: u32| if f.on(n) { w } else { 0 };
        let callable = self.callable_fns(Some(t));
        let w = [
            30,
            on("divrem", 10),
            5,
            on("float_casts", 10),
            on("if_else", 6),
            on("match", 4),
            if callable.is_empty() { 0 } else { 10 },
            on("float_methods", 15),
        ];
        match self.rng.weighted(&w) {
            0 => {
                let (a, b) = self.operands(t, d);
                format!("({a} {} {b})", self.rng.pick(&["+", "-", "*"]))
            }
            1 => {
                let (a, b) = self.operands(t, d);
                format!("({a} {} {b})", self.rng.pick(&["/", "%"]))
            }
            2 => self.neg(t, d),
            3 => self.cast_to(t, d),
            4 => self.if_expr(t, d),
            5 => self.match_expr(t, d),
            6 => {
                let sig = self.rng.pick(&callable).clone();
                self.call(sig, d)
            }
            _ => self.float_method(t, d),
        }
    }

    fn float_method(&mut self, t: Ty, d: u32) -> String {
        let a = self.expr(t, d - 1);
        // f32 transcendentals are left out: LLVM constant-folds `sinf(c)` as `(float)sin((double)c)`,
        // which can differ from the runtime's `sinf` in the last bit, so rustc -O3 has no single
        // answer. (f64 folding calls the same glibc the program would.) Exact ops are fine for both.
        let exact: &[&str] = &["sqrt", "abs", "floor", "ceil", "round", "trunc", "signum", "to_radians"];
        let libm: &[&str] = &["sin", "cos", "tan", "exp", "ln", "log10", "log2", "tanh", "atan"];
        match self.rng.below(7) {
            0 | 1 => {
                let m = if t == Ty::F64 && self.rng.chance(50) { self.rng.pick(libm) } else { self.rng.pick(exact) };
                format!("({a}).{m}()")
            }
            2 => {
                let bin: &[&str] = if t == Ty::F64 { &["min", "max", "powf", "hypot", "atan2"] } else { &["min", "max"] };
                format!("({a}).{}({})", self.rng.pick(bin), self.expr(t, d - 1))
            }
            // Exponents whose repeated-multiplication result is exact-rounded, so LLVM's
            // constant folding of powi (host pow) cannot differ from its runtime code.
            3 => format!("({a}).powi({})", self.rng.pick(&["0", "1", "2", "-1"])),
            4 => format!("({a}).mul_add({}, {})", self.expr(t, d - 1), self.expr(t, d - 1)),
            5 => format!("std::{}::consts::{}", t.name(), self.rng.pick(&["PI", "E", "SQRT_2", "LN_2", "FRAC_PI_2", "TAU"])),
            _ => format!("({a}).abs()"),
        }
    }

    fn bool_expr(&mut self, d: u32) -> String {
        let w = [30, 10, 5, if self.f.on("bitwise") { 5 } else { 0 }, if self.f.on("float_methods") && self.f.on("float") { 4 } else { 0 }];
        match self.rng.weighted(&w) {
            0 => {
                let t = self.numeric_ty();
                let (a, b) = self.operands(t, d);
                format!("({a} {} {b})", self.rng.pick(&["<", "<=", ">", ">=", "==", "!="]))
            }
            1 => {
                let a = self.expr(Ty::Bool, d - 1);
                let b = self.expr(Ty::Bool, d - 1);
                format!("({a} {} {b})", self.rng.pick(&["&&", "||", "==", "!="]))
            }
            2 if self.f.on("vec_methods") && !self.all_seqs().is_empty() && self.rng.chance(30) => {
                format!("{}.is_empty()", self.rng.pick(&self.all_seqs()).name)
            }
            2 => format!("(!{})", self.expr(Ty::Bool, d - 1)),
            3 => {
                let a = self.expr(Ty::Bool, d - 1);
                let b = self.expr(Ty::Bool, d - 1);
                format!("({a} {} {b})", self.rng.pick(&["&", "|", "^"]))
            }
            _ => {
                let t = *self.rng.pick(&super::ty::FLOATS);
                format!("({}).{}()", self.expr(t, d - 1), self.rng.pick(&["is_nan", "is_finite"]))
            }
        }
    }

    /// Fns returning `ret` that may be called here: affordable, and without `&mut` params
    /// (those are called only as statements, where borrows are easy to keep legal).
    pub fn callable_fns(&self, ret: Option<Ty>) -> Vec<super::FnSig> {
        self.fns[..self.callable]
            .iter()
            .filter(|s| s.ret == ret || (ret.is_none() && s.ret.is_some()))
            .filter(|s| self.cost + self.mult * s.cost <= COST_MAX && self.prints + self.mult * s.prints <= PRINT_MAX)
            .filter(|s| s.params.iter().all(|p| !matches!(p, Kind::Slice(_, true))))
            .filter(|s| s.params.iter().all(|p| self.arg_possible(*p)))
            .cloned()
            .collect()
    }

    fn arg_possible(&self, p: Kind) -> bool {
        match p {
            Kind::Scalar(_) => true,
            Kind::Slice(t, false) => !self.slice_args(t).is_empty(),
            Kind::Slice(t, true) => self.visible().iter().any(|v| v.mutable && !v.frozen && v.kind == Kind::Vec(t))
                || self.visible().iter().any(|v| !v.frozen && v.kind == Kind::Slice(t, true)),
            Kind::Vec(_) => false,
        }
    }

    pub fn call(&mut self, sig: super::FnSig, d: u32) -> String {
        self.call_with(sig, d, None)
    }

    /// A call of `sig`; its `&mut` argument, if any, is `mut_arg` = (variable, argument text),
    /// and that variable is hidden from the other arguments (no aliasing borrows).
    pub fn call_with(&mut self, sig: super::FnSig, d: u32, mut_arg: Option<(String, String)>) -> String {
        self.cost += self.mult * sig.cost;
        self.prints += self.mult * sig.prints;
        if let Some((name, _)) = &mut_arg {
            self.hidden.push(name.clone());
        }
        let mut args = Vec::new();
        for p in &sig.params {
            args.push(match *p {
                Kind::Scalar(t) => self.expr(t, d.saturating_sub(1)),
                Kind::Slice(t, false) => {
                    let s = self.rng.pick(&self.slice_args(t)).clone();
                    match s.kind {
                        Kind::Vec(_) if self.f.on("vec_oob") && self.rng.chance(15) => {
                            let a = self.rng.below(s.len_min + 2);
                            let b = a + self.rng.below(3);
                            format!("&{}[{a}..{b}]", s.name)
                        }
                        Kind::Vec(_) => format!("&{}", s.name),
                        _ => s.name,
                    }
                }
                Kind::Slice(_, true) => mut_arg.clone().expect("&mut argument arranged by the caller").1,
                Kind::Vec(_) => unreachable!(),
            });
        }
        if mut_arg.is_some() {
            self.hidden.pop();
        }
        format!("{}({})", sig.name, args.join(", "))
    }
}
