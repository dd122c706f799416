#![allow(dead_code)]
//! A generator of random, well-typed programs in the fast tier's v1 subset.
//!
//! Every program is valid Rust by construction: expressions are generated for a wanted type,
//! every operator/method is applied only to types that have it, literals fit their type,
//! loops have literal trip counts (so programs terminate), calls go only to earlier fns (no
//! recursion), and borrows are kept legal (a Vec iterated by a `for` is frozen in the body,
//! `&mut v` arguments hide `v` from the other arguments). Work and printed lines are budgeted
//! so a program runs in microseconds.
//!
//! Constructs are grouped into features (see `FEATURES`) so that a construct the fast tier
//! does not handle yet can be switched off while the rest keeps being tested.

mod affine;
mod expr;
mod grid;
mod invariant;
mod iters;
mod numeric;
mod options;
mod refs;
mod stmt;
pub mod ty;
mod vector;

use crate::common::rng::Rng;
use std::collections::BTreeSet;
use ty::Ty;

/// Every feature the generator knows, with what it turns on.
pub const FEATURES: &[(&str, &str)] = &[
    ("float", "f32/f64 values, literals and arithmetic, {} printing of floats"),
    ("divrem", "/ and % (ints and floats), division by zero and MIN/-1 panics"),
    ("bitwise", "& | ^ ! on ints and bools"),
    ("shifts", "<< >> with any integer right-hand side (release masking)"),
    ("casts", "`as` between integer types and bool→int"),
    ("float_casts", "`as` int→float, float→float, saturating float→int incl. NaN"),
    ("unsuffixed", "unsuffixed literals typed by inference from the other operand"),
    ("if_else", "bool values, comparisons, && ||, if/else statements and expressions"),
    ("for_range", "for over a..b and a..=b (incl. ranges ending at MAX)"),
    ("rev_step", ".rev() and .step_by(k) on ranges"),
    ("while", "while loops"),
    ("loop_break", "loop with break value"),
    ("break_continue", "break/continue (unlabeled) inside loops"),
    ("labels", "labeled loops with break/continue 'label"),
    ("match", "match on integers with literals, ranges, or-patterns and _"),
    ("vec", "vec![..], vec![x; n], indexing, index assignment, push, len, {:?} of Vec"),
    ("vec_oob", "out-of-bounds indexing (panics with rustc's message)"),
    ("for_iter", "for over v.iter(), &v, .iter().enumerate()"),
    ("slices", "fn params &[T] / &mut [T], passing &v / &mut v"),
    ("fns", "fn items with params/returns, calls between them"),
    ("early_return", "return inside fns"),
    ("compound_assign", "+= -= *= /= %= &= |= ^= <<= >>= on variables and Vec elements"),
    ("shadowing", "let re-binding an existing name (possibly with another type)"),
    ("fmt_spec", "{:?}, width, precision, alignment, sign, zero-pad; print! without newline"),
    ("fmt_inline", "inline format args {x} / {x:>5}"),
    ("int_methods", "wrapping_*, abs, pow, min, max, rem_euclid, div_euclid, checked_*().unwrap()"),
    ("float_methods", "sqrt, abs, floor, …, powi (exact exponents), powf, mul_add, consts::PI, is_nan"),
    ("iter_chains", "closures and iterator chains: map/filter/enumerate/zip/rev/take/skip/step_by/chain + sum/product/fold/count/min/max/any/all/collect"),
    ("vec_methods", "Vec::new, pop().unwrap(), is_empty, clear, extend_from_slice, resize"),
    ("asserts", "assert!(short condition), assert!(c, fmt..), assert_eq!, panic! with formatted messages"),
    ("assert_pretty", "assert!(long condition): the message is the condition as rustc's pretty-printer lays it out"),
    ("arrays", "fixed arrays [T; N] / [a, b, c]: indexing, len, iteration, &a as &[T], {:?}"),
    ("tuples", "tuple expressions with .0/.1 and `let (a, b) = (..)` destructuring"),
    ("recursion", "recursive fns with a decreasing depth parameter"),
    ("chars", "u8 as char printed with {} / {:?} (escapes), char comparisons, char as u32"),
    ("multi_cell", "the top-level statements split over two cells: workspace variables and fns carry over"),
    ("eprint", "eprintln!/eprint! (stderr compared too)"),
    ("trailing_expr", "the cell ends with an expression whose {:?} is the returned value"),
    ("panic_line", "the panic's cell line equals rustc's panic location line"),
    ("affine_loops", "loops indexing x[K + j] (versioned bounds checks) and i64 division edges, called with out-of-range and wrapping arguments"),
    ("vector_loops", "counted loops the vectoriser takes: mixed element widths, wrapping and floor division per lane, trip counts around the lane count, the last iteration out of bounds"),
    ("options", "Option values from checked_add/sub/mul/div/rem/neg/pow: unwrap() (None panics), unwrap_or, match Some/None, if let Some(x) (expressions and statements), is_some/is_none"),
    ("mut_refs", "fns taking &mut T (scalars) and &mut Vec<T>, mutating them through `*p` / `(*p).push(..)`; called with &mut x / &mut v"),
    ("nested_vecs", "Vec<Vec<T>>: vec![vec![..; m]; n] and literal rows, g[i][j] reads/stores (incl. out of bounds), push of rows and into rows, len, for over rows, {:?}"),
    ("iter_more", "more iterator chains: for_each with a mutating closure, collect::<Vec<T>>() in expressions, sum/product/min/max over v.iter() directly, copied(), position"),
    ("num_edges", "edge values (NaN, ±inf, -0.0, MIN/MAX, EPSILON) as constants, more int/float methods (signum, clamp, abs_diff, wrapping_neg/div/rem, rem_euclid/div_euclid on floats, powi), {:e}/{:E} printing"),
    ("invariant_loads", "nested loops reading shared-slice elements invariant in the inner loop (moved loads), invariant indexes out of bounds only sometimes, zero-trip inner loops, `for mut` variables, long leaf loops of every counter width"),
];

/// The features on by default: those the fast tier is expected to pass today.
/// Switch one on here when the compiler gains it (the `feature_matrix` test tells which pass).
pub const DEFAULT_ON: &[&str] = &[
    "float",
    "divrem",
    "bitwise",
    "shifts",
    "casts",
    "float_casts",
    "unsuffixed",
    "if_else",
    "for_range",
    "rev_step",
    "while",
    "loop_break",
    "break_continue",
    "labels",
    "match",
    "vec",
    "vec_oob",
    "for_iter",
    "slices",
    "fns",
    "early_return",
    "compound_assign",
    "shadowing",
    "fmt_spec",
    "fmt_inline",
    "int_methods",
    "float_methods",
    "trailing_expr",
    "panic_line",
    "iter_chains",
    "vec_methods",
    "asserts",
    "arrays",
    "tuples",
    "recursion",
    "chars",
    "multi_cell",
    "eprint",
    "assert_pretty",
    "affine_loops",
    "vector_loops",
    "invariant_loads",
    "options",
    "mut_refs",
    "nested_vecs",
    "iter_more",
    "num_edges",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Features(pub BTreeSet<String>);

impl Features {
    pub fn none() -> Self {
        Features(BTreeSet::new())
    }
    pub fn all() -> Self {
        Features(FEATURES.iter().map(|(n, _)| n.to_string()).collect())
    }
    pub fn defaults() -> Self {
        Features(DEFAULT_ON.iter().map(|s| s.to_string()).collect())
    }
    /// `all`, `none`, `default`, or a comma list applied to the defaults: `+name` / `-name` /
    /// `name` (= +name); a list starting with `=` replaces the defaults: `=float,vec`.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let spec = spec.trim();
        match spec {
            "" | "default" => return Ok(Self::defaults()),
            "all" => return Ok(Self::all()),
            "none" => return Ok(Self::none()),
            _ => {}
        }
        let (mut f, rest) = match spec.strip_prefix('=') {
            Some(r) => (Self::none(), r),
            None => (Self::defaults(), spec),
        };
        for item in rest.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (on, name) = match item.as_bytes()[0] {
                b'-' => (false, &item[1..]),
                b'+' => (true, &item[1..]),
                _ => (true, item),
            };
            if !FEATURES.iter().any(|(n, _)| *n == name) {
                return Err(format!(
                    "unknown generator feature `{name}`; known: {}",
                    Self::all().list()
                ));
            }
            if on {
                f.0.insert(name.to_string());
            } else {
                f.0.remove(name);
            }
        }
        Ok(f)
    }
    pub fn on(&self, name: &str) -> bool {
        debug_assert!(
            FEATURES.iter().any(|(n, _)| *n == name),
            "unknown feature {name}"
        );
        self.0.contains(name)
    }
    pub fn list(&self) -> String {
        self.0.iter().cloned().collect::<Vec<_>>().join(",")
    }
    pub fn off(&self) -> Vec<&'static str> {
        FEATURES
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| !self.0.contains(*n))
            .collect()
    }
}

/// A generated `%%jit` cell.
#[derive(Clone, Debug)]
pub struct Program {
    pub seed: u64,
    pub cell: String,
    /// 1-based line where the top-level statements start (fns are above it).
    pub main_line: usize,
    pub trailing_expr: bool,
    /// With `multi_cell`: the 1-based line where a second cell starts.
    pub split_line: Option<usize>,
}

impl Program {
    /// The cells to run in order, each with the program line it starts at.
    pub fn cells(&self) -> Vec<(String, usize)> {
        let lines: Vec<&str> = self.cell.lines().collect();
        let join = |ls: &[&str]| ls.iter().map(|l| format!("{l}\n")).collect::<String>();
        match self.split_line {
            Some(k) => vec![(join(&lines[..k - 1]), 1), (join(&lines[k - 1..]), k)],
            None => vec![(self.cell.clone(), 1)],
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Scalar(Ty),
    Vec(Ty),
    /// A slice parameter; `true` for `&mut [T]`.
    Slice(Ty, bool),
    /// `Vec<Vec<T>>` with the (min, max) length of its rows; the row count is `len_min..=len_max`.
    Grid(Ty, u64, u64),
    /// Only in `FnSig::params`: a `&mut T` parameter (the body sees it as the scalar `(*p)`).
    MutScalar(Ty),
    /// Only in `FnSig::params`: a `&mut Vec<T>` parameter (the body sees the Vec `(*p)`).
    MutVec(Ty),
}

#[derive(Clone, Debug)]
pub struct Var {
    pub name: String,
    pub kind: Kind,
    pub mutable: bool,
    /// Borrowed by an enclosing `for` over it: no mutation, no `&mut`.
    pub frozen: bool,
    /// Minimum / maximum length (Vecs and slices); indexes below `len_min` are in bounds.
    pub len_min: u64,
    pub len_max: u64,
}

#[derive(Clone, Debug)]
pub struct FnSig {
    pub name: String,
    pub params: Vec<Kind>,
    pub ret: Option<Ty>,
    /// Upper bounds of statements executed and lines printed by one call.
    pub cost: u64,
    pub prints: u64,
    /// For a `&mut Vec<T>` param: whether its length may end below 1, and how much it may grow.
    pub vec_effect: (bool, u64),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LoopKind {
    For,
    While,
    /// `loop` with `break value`: an unlabeled `break;` is not allowed in it.
    Value,
}

#[derive(Clone, Debug)]
pub struct LoopCtx {
    pub kind: LoopKind,
    pub label: Option<String>,
}

pub const COST_MAX: u64 = 20_000;
pub const PRINT_MAX: u64 = 120;

pub struct Gen<'a> {
    pub rng: Rng,
    pub f: &'a Features,
    pub scopes: Vec<Vec<Var>>,
    pub hidden: Vec<String>,
    pub fns: Vec<FnSig>,
    /// Only `fns[..callable]` may be called (no recursion, so every call terminates).
    pub callable: usize,
    pub loops: Vec<LoopCtx>,
    /// `Some(ret)` inside a fn body.
    pub ret: Option<Option<Ty>>,
    pub mult: u64,
    pub cost: u64,
    pub prints: u64,
    pub counter: usize,
    pub lines: Vec<String>,
    pub indent: usize,
}

pub fn generate(seed: u64, f: &Features) -> Program {
    let mut g = Gen {
        rng: Rng::new(seed),
        f,
        scopes: vec![],
        hidden: vec![],
        fns: vec![],
        callable: 0,
        loops: vec![],
        ret: None,
        mult: 1,
        cost: 0,
        prints: 0,
        counter: 0,
        lines: vec![],
        indent: 0,
    };
    let n_fns = if f.on("fns") {
        g.rng.below(5) as usize
    } else {
        0
    };
    for k in 0..n_fns {
        g.callable = k;
        if f.on("recursion") && g.rng.chance(25) {
            g.gen_rec_fn(k);
        } else {
            g.gen_fn(k);
        }
    }
    g.callable = n_fns;
    let affine = (f.on("affine_loops") && g.rng.chance(35)).then(|| g.affine_fn());
    let vector = (f.on("vector_loops") && g.rng.chance(35)).then(|| g.vector_fn());
    // Its own random stream, so switching the feature on leaves every other program as it was.
    let mut inv_rng = Rng::new(seed ^ 0x5ca1_a4b5_1f1f_0001);
    let invariant = (f.on("invariant_loads") && inv_rng.chance(30)).then(|| {
        std::mem::swap(&mut g.rng, &mut inv_rng);
        let name = g.invariant_fn();
        std::mem::swap(&mut g.rng, &mut inv_rng);
        name
    });
    let main_line = g.lines.len() + 1;
    g.ret = None;
    g.scopes = vec![vec![]];
    g.loops.clear();
    g.mult = 1;
    g.cost = 0;
    g.prints = 0;
    if let Some(name) = affine {
        g.affine_calls(&name);
    }
    if let Some(tys) = vector {
        g.vector_calls(&tys);
    }
    if let Some(name) = invariant {
        std::mem::swap(&mut g.rng, &mut inv_rng);
        g.invariant_calls(&name);
        std::mem::swap(&mut g.rng, &mut inv_rng);
    }
    let n = 3 + g.rng.below(8) as usize;
    g.block_stmts(n, 0);
    let mut trailing_expr = false;
    if f.on("trailing_expr") && g.rng.chance(40) {
        let e = g.trailing();
        g.emit(e);
        trailing_expr = true;
    } else {
        g.final_print();
    }
    let mut split_line = None;
    if f.on("multi_cell") && g.rng.chance(50) {
        // Top-level statement starts after the first one: unindented lines not closing a block.
        let starts: Vec<usize> = (main_line..g.lines.len())
            .filter(|&i| !g.lines[i].starts_with(' ') && !g.lines[i].starts_with('}'))
            .map(|i| i + 1)
            .collect();
        if !starts.is_empty() {
            split_line = Some(*g.rng.pick(&starts));
        }
    }
    let mut cell = g.lines.join("\n");
    cell.push('\n');
    Program {
        seed,
        cell,
        main_line,
        trailing_expr,
        split_line,
    }
}

impl<'a> Gen<'a> {
    pub fn emit(&mut self, line: String) {
        self.lines
            .push(format!("{}{}", "    ".repeat(self.indent), line));
    }

    pub fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    /// Visible variables, innermost binding of each name only, minus hidden ones.
    pub fn visible(&self) -> Vec<Var> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for scope in self.scopes.iter().rev() {
            for v in scope.iter().rev() {
                if seen.insert(v.name.clone()) && !self.hidden.contains(&v.name) {
                    out.push(v.clone());
                }
            }
        }
        out
    }

    pub fn declare(&mut self, v: Var) {
        let scope = self.scopes.last_mut().expect("a scope");
        scope.retain(|o| o.name != v.name);
        scope.push(v);
    }

    /// The innermost binding of `name`, for updating flags.
    pub fn binding_mut(&mut self, name: &str) -> Option<&mut Var> {
        self.scopes
            .iter_mut()
            .rev()
            .flat_map(|s| s.iter_mut().rev())
            .find(|v| v.name == name)
    }

    /// A scalar type among those the enabled features allow.
    pub fn scalar_ty(&mut self) -> Ty {
        let w_float = if self.f.on("float") { 25 } else { 0 };
        let w_bool = if self.f.on("if_else") { 8 } else { 0 };
        match self.rng.weighted(&[60, w_float, w_bool]) {
            0 => *self.rng.pick(&ty::INTS),
            1 => *self.rng.pick(&ty::FLOATS),
            _ => Ty::Bool,
        }
    }

    pub fn numeric_ty(&mut self) -> Ty {
        if self.f.on("float") && self.rng.chance(30) {
            *self.rng.pick(&ty::FLOATS)
        } else {
            *self.rng.pick(&ty::INTS)
        }
    }

    fn gen_fn(&mut self, k: usize) {
        let name = format!("f{k}");
        let mut params = Vec::new();
        let mut vars = Vec::new();
        let mut texts = Vec::new();
        for i in 0..self.rng.below(4) {
            let pname = format!("p{i}");
            if self.f.on("mut_refs") && self.rng.chance(25) {
                let (kind, text, var) = self.mut_param(&pname, &params);
                params.push(kind);
                texts.push(text);
                vars.push(var);
                continue;
            }
            let (kind, text, mutable) = if self.f.on("slices") && self.rng.chance(25) {
                let t = self.numeric_ty();
                // At most one `&mut` param: a call passes it one Vec, hidden from the other args.
                let m = self.rng.chance(40)
                    && !params.iter().any(|p| matches!(p, Kind::Slice(_, true)));
                (
                    Kind::Slice(t, m),
                    format!("{pname}: &{}[{}]", if m { "mut " } else { "" }, t.name()),
                    false,
                )
            } else {
                let t = self.scalar_ty();
                let m = self.rng.chance(20);
                (
                    Kind::Scalar(t),
                    format!("{}{pname}: {}", if m { "mut " } else { "" }, t.name()),
                    m,
                )
            };
            params.push(kind);
            texts.push(text);
            // Callers pass whole Vecs (never empty) unless `vec_oob` lets them pass sub-slices.
            let len_min = if self.f.on("vec_oob") { 0 } else { 1 };
            vars.push(Var {
                name: pname,
                kind,
                mutable,
                frozen: false,
                len_min,
                len_max: 16,
            });
        }
        let ret = if self.rng.chance(80) {
            Some(self.scalar_ty())
        } else {
            None
        };
        let ret_text = ret.map(|t| format!(" -> {}", t.name())).unwrap_or_default();
        self.emit(format!("fn {name}({}){ret_text} {{", texts.join(", ")));
        self.indent = 1;
        self.scopes = vec![vars];
        self.loops.clear();
        self.ret = Some(ret);
        self.mult = 1;
        self.cost = 1;
        self.prints = 0;
        let n = 1 + self.rng.below(5) as usize;
        self.block_stmts(n, 0);
        if let Some(t) = ret {
            let e = self.expr(t, 3);
            self.emit(e);
        }
        self.indent = 0;
        self.emit("}".to_string());
        let vec_effect = self.vec_param_effect(&params);
        self.fns.push(FnSig {
            name,
            params,
            ret,
            cost: self.cost,
            prints: self.prints,
            vec_effect,
        });
    }

    /// `fn fK(n: u32, acc: T) -> T { if n == 0 { acc } else { fK(n - 1, e) } }`: called with
    /// small literal depths (its cost assumes n ≤ 40).
    fn gen_rec_fn(&mut self, k: usize) {
        let name = format!("f{k}");
        let t = self.numeric_ty();
        self.emit(format!(
            "fn {name}(n: u32, acc: {}) -> {} {{",
            t.name(),
            t.name()
        ));
        self.indent = 1;
        self.scopes = vec![vec![
            Var {
                name: "n".into(),
                kind: Kind::Scalar(ty::Ty::U32),
                mutable: false,
                frozen: false,
                len_min: 0,
                len_max: 0,
            },
            Var {
                name: "acc".into(),
                kind: Kind::Scalar(t),
                mutable: false,
                frozen: false,
                len_min: 0,
                len_max: 0,
            },
        ]];
        self.loops.clear();
        self.ret = Some(Some(t));
        self.mult = 40;
        self.cost = 1;
        self.prints = 0;
        self.emit("if n == 0 {".into());
        self.indent = 2;
        let base = self.expr(t, 2);
        self.emit(base);
        self.indent = 1;
        self.emit("} else {".into());
        self.indent = 2;
        let step = self.expr(t, 2);
        self.emit(format!("{name}(n - 1, {step})"));
        self.indent = 1;
        self.emit("}".into());
        self.indent = 0;
        self.emit("}".into());
        // Callers pass n as a literal ≤ 40 (see `call_with`).
        self.fns.push(FnSig {
            name,
            params: vec![Kind::Scalar(ty::Ty::U32), Kind::Scalar(t)],
            ret: Some(t),
            cost: self.cost,
            prints: self.prints,
            vec_effect: (false, 0),
        });
    }

    /// The cell's trailing expression: a scalar expression or a Vec.
    fn trailing(&mut self) -> String {
        let vecs: Vec<Var> = self
            .visible()
            .into_iter()
            .filter(|v| matches!(v.kind, Kind::Vec(_)))
            .collect();
        if !vecs.is_empty() && self.rng.chance(25) {
            return self.rng.pick(&vecs).name.clone();
        }
        let t = self.scalar_ty();
        self.expr(t, 2)
    }

    /// Prints some of the live variables at the end, so their final values are compared.
    fn final_print(&mut self) {
        let vars: Vec<Var> = self.visible();
        if vars.is_empty() {
            return;
        }
        let mut fmt = String::new();
        let mut args = Vec::new();
        for v in vars.iter().take(4) {
            let spec = match v.kind {
                Kind::Scalar(_) if !self.f.on("fmt_spec") => "{}",
                Kind::Scalar(_) => "{:?}",
                _ if self.f.on("vec") => "{:?}",
                _ => continue,
            };
            fmt.push_str(&format!("{}={spec} ", v.name));
            args.push(v.name.clone());
        }
        if !args.is_empty() {
            self.emit(format!(
                "println!(\"{}\", {});",
                fmt.trim_end(),
                args.join(", ")
            ));
        }
    }
}
