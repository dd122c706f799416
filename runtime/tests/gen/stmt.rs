//! Statement generation. Each statement header fits on one line; bodies are indented blocks.
//! Loops multiply `mult` (an upper bound on how often the current statement runs), which
//! keeps the total work (`cost`) and output (`prints`) of a program bounded.

use super::ty::{Ty, INTS};
use super::{Gen, Kind, LoopCtx, LoopKind, Var, COST_MAX, PRINT_MAX};

impl<'a> Gen<'a> {
    pub fn block_stmts(&mut self, n: usize, depth: u32) {
        for _ in 0..n {
            self.stmt(depth);
        }
    }

    fn body(&mut self, depth: u32) {
        self.indent += 1;
        self.scopes.push(vec![]);
        let n = 1 + self.rng.below(3) as usize;
        self.block_stmts(n, depth + 1);
        self.scopes.pop();
        self.indent -= 1;
    }

    pub fn room_for_loop(&self, iters: u64) -> bool {
        self.cost + self.mult * iters * 8 <= COST_MAX
    }

    pub fn stmt(&mut self, depth: u32) {
        self.cost += self.mult;
        let f = self.f;
        let on = |n: &str, w: u32| if f.on(n) { w } else { 0 };
        let vis = self.visible();
        let mut_scalars: Vec<Var> = vis
            .iter()
            .filter(|v| v.mutable && matches!(v.kind, Kind::Scalar(_)))
            .cloned()
            .collect();
        let mut_seqs: Vec<Var> = vis
            .iter()
            .filter(|v| {
                !v.frozen
                    && ((v.mutable && matches!(v.kind, Kind::Vec(_)))
                        || matches!(v.kind, Kind::Slice(_, true)))
            })
            .filter(|v| v.len_min > 0 || self.f.on("vec_oob") || matches!(v.kind, Kind::Vec(_)))
            .cloned()
            .collect();
        let mut_grids: Vec<Var> = if f.on("nested_vecs") {
            self.grids()
                .into_iter()
                .filter(|g| g.mutable && !g.frozen)
                .collect()
        } else {
            vec![]
        };
        let nested = depth < 3;
        let loop_ok = nested && self.room_for_loop(4);
        let in_loop = !self.loops.is_empty();
        let w = [
            22,                                          // 0 let scalar
            on("vec", 6),                                // 1 let vec
            if mut_scalars.is_empty() { 0 } else { 10 }, // 2 assign
            if mut_seqs.is_empty() { 0 } else { 8 },     // 3 vec/slice store
            if self.prints + self.mult <= PRINT_MAX {
                10
            } else {
                0
            }, // 4 print
            if nested { on("if_else", 8) } else { 0 },   // 5 if
            if loop_ok { on("for_range", 8) } else { 0 }, // 6 for range
            if loop_ok && !self.all_seqs().is_empty() {
                on("for_iter", 4)
            } else {
                0
            }, // 7 for iter
            if loop_ok { on("while", 4) } else { 0 },    // 8 while
            if loop_ok { on("loop_break", 4) } else { 0 }, // 9 loop value
            if self.fns[..self.callable].is_empty() {
                0
            } else {
                6
            }, // 10 call
            if in_loop && f.on("if_else") {
                on("break_continue", 4) + on("labels", 2)
            } else {
                0
            }, // 11
            if self.ret.is_some() && f.on("if_else") {
                on("early_return", 3)
            } else {
                0
            }, // 12
            if f.on("if_else") { on("asserts", 1) } else { 0 }, // 13
            on("nested_vecs", 3),                        // 14 let grid
            if mut_grids.is_empty() { 0 } else { 6 },    // 15 grid statement
            if nested { on("options", 3) } else { 0 },   // 16 if let Some
            on("iter_more", 3),                          // 17 for_each
        ];
        match self.rng.weighted(&w) {
            0 => self.let_scalar(),
            1 => self.let_vec(),
            2 => {
                let v = self.rng.pick(&mut_scalars).clone();
                self.assign(&v.name, v.kind, false);
            }
            3 => {
                let v = self.rng.pick(&mut_seqs).clone();
                self.seq_store(&v);
            }
            4 => self.print_stmt(),
            5 => self.if_stmt(depth),
            6 => self.for_range(depth),
            7 => self.for_iter(depth),
            8 => self.while_stmt(depth),
            9 => self.loop_value(depth),
            10 => self.call_stmt(),
            11 => self.break_continue(),
            12 => self.early_return(),
            13 => self.assert_stmt(),
            14 => self.let_grid(),
            15 => {
                let g = self.rng.pick(&mut_grids).clone();
                self.grid_stmt(&g, depth);
            }
            16 => self.if_let_stmt(depth),
            17 => self.for_each_stmt(),
            _ => self.let_scalar(),
        }
    }

    fn new_name(&mut self, prefix: &str) -> String {
        let vis = self.visible();
        if self.f.on("shadowing") && !vis.is_empty() && self.rng.chance(15) {
            // Never shadow a while/loop counter: the loop's own increment must keep seeing it.
            let cands: Vec<&Var> = vis
                .iter()
                .filter(|v| {
                    !v.name.starts_with('w') && !v.name.starts_with('c') && !v.name.starts_with('(')
                })
                .collect();
            if !cands.is_empty() {
                return self.rng.pick(&cands).name.clone();
            }
        }
        self.fresh(prefix)
    }

    pub fn let_scalar(&mut self) {
        if self.f.on("tuples") && self.rng.chance(10) {
            let (t, u) = (self.scalar_ty(), self.scalar_ty());
            let (a, b) = (self.expr(t, 2), self.expr(u, 2));
            let (x, y) = (self.fresh("x"), self.fresh("x"));
            self.emit(format!("let ({x}, mut {y}) = ({a}, {b});"));
            self.declare(Var {
                name: x,
                kind: Kind::Scalar(t),
                mutable: false,
                frozen: false,
                len_min: 0,
                len_max: 0,
            });
            self.declare(Var {
                name: y,
                kind: Kind::Scalar(u),
                mutable: true,
                frozen: false,
                len_min: 0,
                len_max: 0,
            });
            return;
        }
        let t = self.scalar_ty();
        let e = self.expr(t, 3);
        let name = self.new_name("x");
        let mutable = self.rng.chance(50);
        let ann = if self.rng.chance(50) {
            format!(": {}", t.name())
        } else {
            String::new()
        };
        self.emit(format!(
            "let {}{name}{ann} = {e};",
            if mutable { "mut " } else { "" }
        ));
        self.declare(Var {
            name,
            kind: Kind::Scalar(t),
            mutable,
            frozen: false,
            len_min: 0,
            len_max: 0,
        });
    }

    fn let_vec(&mut self) {
        let t = self.numeric_ty();
        let (text, n, lo) = if self.f.on("vec_methods") && self.rng.chance(15) {
            ("Vec::new()".to_string(), 0, 0)
        } else if self.f.on("iter_chains") && self.rng.chance(20) {
            let (it, n) = self.values(t, 2);
            (format!("{it}.collect::<Vec<{}>>()", t.name()), n, 0)
        } else if self.rng.chance(30) {
            let n = 1 + self.rng.below(8);
            (format!("vec![{}; {n}]", self.expr(t, 1)), n, n)
        } else {
            let n = 1 + self.rng.below(6);
            let items: Vec<String> = (0..n).map(|_| self.expr(t, 1)).collect();
            (format!("vec![{}]", items.join(", ")), n, n)
        };
        if self.f.on("arrays")
            && self.rng.chance(25)
            && !text.starts_with("Vec::new")
            && !text.contains(".collect")
        {
            // `[..]` instead of `vec![..]`: a fixed array (named `a…`: never pushed to).
            let name = self.fresh("a");
            let mutable = self.rng.chance(60);
            let arr = text.trim_start_matches("vec!").to_string();
            self.emit(format!(
                "let {}{name}: [{}; {n}] = {arr};",
                if mutable { "mut " } else { "" },
                t.name()
            ));
            self.declare(Var {
                name,
                kind: Kind::Vec(t),
                mutable,
                frozen: false,
                len_min: n,
                len_max: n,
            });
            return;
        }
        let name = self.new_name("v");
        let mutable = self.rng.chance(70);
        let mutable = mutable || n == 0;
        self.emit_let_vec(&name, mutable, t, &text);
        self.declare(Var {
            name,
            kind: Kind::Vec(t),
            mutable,
            frozen: false,
            len_min: lo,
            len_max: n,
        });
    }

    fn emit_let_vec(&mut self, name: &str, mutable: bool, t: Ty, text: &str) {
        self.emit(format!(
            "let {}{name}: Vec<{}> = {text};",
            if mutable { "mut " } else { "" },
            t.name()
        ));
    }

    /// `x = e;` or `x op= e;` (also used on `v[i]` places with `place`).
    pub fn assign(&mut self, place: &str, kind: Kind, _elem: bool) {
        let t = super::refs::elem_ty(kind);
        let mut ops: Vec<&str> = vec!["="];
        if self.f.on("compound_assign") {
            if t.is_numeric() {
                ops.extend(["+=", "-=", "*="]);
                if self.f.on("divrem") {
                    ops.extend(["/=", "%="]);
                }
            }
            if self.f.on("bitwise") && (t.is_int() || t == Ty::Bool) {
                ops.extend(["&=", "|=", "^="]);
            }
            if self.f.on("shifts") && t.is_int() {
                ops.extend(["<<=", ">>="]);
            }
        }
        let op = *self.rng.pick(&ops);
        let rhs = if op == "<<=" || op == ">>=" {
            let rt = *self.rng.pick(&INTS);
            let v = self.rng.range(0, t.bits() as i64 + 2) as i128;
            self.int_lit_of(rt, v.min(rt.max()), true)
        } else if (op == "/=" || op == "%=") && t.is_int() && self.rng.chance(70) {
            let v = (self.rng.range(1, 9) as i128).min(t.max());
            self.int_lit_of(t, v, true)
        } else {
            self.expr(t, 2)
        };
        self.emit(format!("{place} {op} {rhs};"));
    }

    fn seq_store(&mut self, v: &Var) {
        let t = match v.kind {
            Kind::Vec(t) | Kind::Slice(t, _) => t,
            _ => unreachable!(),
        };
        let array = v.name.starts_with('a');
        if !array
            && matches!(v.kind, Kind::Vec(_))
            && self.f.on("vec_methods")
            && self.rng.chance(25)
            && self.vec_method(v, t)
        {
            return;
        }
        let must_push = v.len_min == 0 && !self.f.on("vec_oob");
        if !array
            && matches!(v.kind, Kind::Vec(_))
            && self.mult <= 32
            && (must_push || self.rng.chance(30))
        {
            let e = self.expr(t, 2);
            self.emit(format!("{}.push({e});", v.name));
            let m = self.mult;
            if let Some(b) = self.binding_mut(&v.name) {
                b.len_max += m;
            }
            return;
        }
        let i = self.store_index(v);
        let place = format!("{}[{i}]", v.name);
        self.assign(&place, v.kind, true);
    }

    /// pop/clear/extend_from_slice/resize on a mutable Vec; false when none fits here.
    fn vec_method(&mut self, v: &Var, t: Ty) -> bool {
        let m = self.mult;
        let oob = self.f.on("vec_oob");
        match self.rng.below(4) {
            0 if v.len_min >= m || oob => {
                let x = self.fresh("x");
                self.emit(format!("let {x} = {}.pop().unwrap();", v.name));
                if let Some(b) = self.binding_mut(&v.name) {
                    b.len_min = b.len_min.saturating_sub(m);
                }
                self.declare(Var {
                    name: x,
                    kind: Kind::Scalar(t),
                    mutable: false,
                    frozen: false,
                    len_min: 0,
                    len_max: 0,
                });
            }
            1 if oob => {
                self.emit(format!("{}.clear();", v.name));
                if let Some(b) = self.binding_mut(&v.name) {
                    b.len_min = 0;
                }
            }
            2 if m <= 8 => {
                let others: Vec<Var> = self
                    .seqs_of(t)
                    .into_iter()
                    .filter(|w| w.name != v.name)
                    .collect();
                if others.is_empty() {
                    return false;
                }
                let w = self.rng.pick(&others).clone();
                let src = if matches!(w.kind, Kind::Vec(_)) {
                    format!("&{}", w.name)
                } else {
                    w.name.clone()
                };
                self.emit(format!("{}.extend_from_slice({src});", v.name));
                if let Some(b) = self.binding_mut(&v.name) {
                    b.len_max += m * w.len_max;
                }
            }
            3 => {
                let n = self.rng.below(10);
                let x = self.expr(t, 1);
                self.emit(format!("{}.resize({n}, {x});", v.name));
                if let Some(b) = self.binding_mut(&v.name) {
                    b.len_min = b.len_min.min(n);
                    b.len_max = b.len_max.max(n);
                }
            }
            _ => return false,
        }
        true
    }

    fn assert_stmt(&mut self) {
        match self.rng.below(3) {
            0 => {
                // `assert!(c)` panics with `c` as rustc's pretty-printer writes it (it wraps long
                // lines and adds trailing commas in matches): short conditions unless `assert_pretty`.
                let c = if self.f.on("assert_pretty") {
                    self.expr(Ty::Bool, 3)
                } else {
                    let t = self.numeric_ty();
                    let (a, b) = (self.expr(t, 0), self.expr(t, 0));
                    format!(
                        "{a} {} {b}",
                        self.rng.pick(&["<", "<=", ">", ">=", "==", "!="])
                    )
                };
                self.emit(format!("assert!({c});"));
            }
            1 => {
                let t = self.scalar_ty();
                let (a, b) = (self.expr(t, 1), self.expr(t, 1));
                if self.rng.chance(50) {
                    self.emit(format!("assert_eq!({a}, {b});"));
                } else {
                    let c = self.expr(Ty::Bool, 1);
                    self.emit(format!("assert!({c}, \"{{}} vs {{:?}}\", {a}, {b});"));
                }
            }
            _ => {
                let c = self.expr(Ty::Bool, 2);
                let t = self.scalar_ty();
                let e = self.expr(t, 1);
                self.emit(format!("if {c} {{ panic!(\"boom {{}}\", {e}); }}"));
            }
        }
    }

    fn print_stmt(&mut self) {
        self.prints += self.mult;
        let spec_on = self.f.on("fmt_spec");
        let n = self.rng.below(4);
        let mut fmt = String::new();
        let mut args = Vec::new();
        let seps = ["", " ", ", ", "x=", " | ", ": ", "{{", "}}", "é"];
        for _ in 0..n {
            fmt.push_str(*self.rng.pick(&seps[..]));
            let seqs = self.all_seqs();
            if self.f.on("vec") && !seqs.is_empty() && self.rng.chance(15) {
                let s = self.rng.pick(&seqs).name.clone();
                if self.f.on("fmt_inline") && !s.starts_with('(') && self.rng.chance(30) {
                    fmt.push_str(&format!("{{{s}:?}}"));
                } else {
                    fmt.push_str("{:?}");
                    args.push(s);
                }
                continue;
            }
            if self.f.on("chars") && self.rng.chance(10) {
                fmt.push_str(*self.rng.pick(&["{}", "{:?}", "{:>3}"][..]));
                args.push(self.char_expr(2));
                continue;
            }
            let t = self.scalar_ty();
            let spec = if spec_on { self.spec(t) } else { String::new() };
            let vars: Vec<Var> = self
                .visible()
                .into_iter()
                .filter(|v| v.kind == Kind::Scalar(t) && !v.name.starts_with('('))
                .collect();
            if self.f.on("fmt_inline") && !vars.is_empty() && self.rng.chance(25) {
                fmt.push_str(&format!("{{{}{spec}}}", self.rng.pick(&vars).name));
            } else {
                fmt.push_str(&format!("{{{spec}}}"));
                args.push(self.expr(t, 2));
            }
        }
        let mut mac = if spec_on && self.rng.chance(15) {
            "print"
        } else {
            "println"
        };
        if self.f.on("eprint") && self.rng.chance(15) {
            mac = if mac == "print" { "eprint" } else { "eprintln" };
        }
        let args = args.iter().map(|a| format!(", {a}")).collect::<String>();
        self.emit(format!("{mac}!(\"{fmt}\"{args});"));
    }

    /// A format spec (the part after `{`, with its `:`), valid for `t`.
    fn spec(&mut self, t: Ty) -> String {
        let w = self.rng.below(12);
        let p = self.rng.below(7);
        let specs: Vec<String> = match t {
            Ty::Bool => vec![
                "".into(),
                ":?".into(),
                format!(":>{w}"),
                format!(":<{w}"),
                format!(":^{w}"),
            ],
            t if t.is_int() => vec![
                "".into(),
                ":?".into(),
                format!(":{w}"),
                format!(":<{w}"),
                format!(":>{w}"),
                format!(":^{w}"),
                format!(":0{w}"),
                ":+".into(),
                format!(":+0{w}"),
                format!(":*^{w}"),
            ],
            _ => vec![
                "".into(),
                ":?".into(),
                format!(":.{p}"),
                format!(":{w}.{p}"),
                format!(":<{w}.{p}"),
                format!(":>{w}"),
                format!(":+.{p}"),
                format!(":0{w}.{p}"),
                format!(":^{w}.{p}"),
                format!(":{w}"),
            ],
        };
        let specs = if self.f.on("num_edges") && t != Ty::Bool {
            let mut s = specs;
            s.extend([
                ":e".to_string(),
                ":E".into(),
                format!(":.{p}e"),
                format!(":>{w}.{p}e"),
                ":+e".into(),
            ]);
            if t.is_float() {
                s.push(":>8.3".into());
            }
            s
        } else {
            specs
        };
        self.rng.pick(&specs).clone()
    }

    fn loop_label(&mut self) -> Option<String> {
        if self.f.on("labels") && self.rng.chance(30) {
            Some(format!("'{}", self.fresh("l")))
        } else {
            None
        }
    }

    pub fn run_loop_body(
        &mut self,
        kind: LoopKind,
        label: Option<String>,
        iters: u64,
        depth: u32,
        vars: Vec<Var>,
        prologue: Option<String>,
    ) {
        let saved = self.mult;
        self.mult = self.mult.saturating_mul(iters.max(1));
        self.loops.push(LoopCtx { kind, label });
        self.indent += 1;
        self.scopes.push(vars);
        if let Some(p) = prologue {
            self.emit(p);
        }
        let n = 1 + self.rng.below(3) as usize;
        self.block_stmts(n, depth + 1);
        self.scopes.pop();
        self.indent -= 1;
        self.loops.pop();
        self.mult = saved;
    }

    fn label_prefix(label: &Option<String>) -> String {
        label.as_ref().map(|l| format!("{l}: ")).unwrap_or_default()
    }

    fn for_range(&mut self, depth: u32) {
        let t = *self.rng.pick(&INTS);
        let seqs = self.all_seqs();
        let (range, iters, t) = if !seqs.is_empty() && self.rng.chance(25) {
            let s = self.rng.pick(&seqs).clone();
            (format!("0..{}.len()", s.name), s.len_max.max(1), Ty::Usize)
        } else {
            let n = self.rng.below(12) as i128;
            let lo = if self.rng.chance(25) {
                t.max() - n // ranges that end at MAX: `..=` must not overflow
            } else {
                (self.rng.range(-5, 10) as i128).clamp(t.min(), t.max() - n)
            };
            let hi = lo + n;
            let incl = self.rng.chance(40);
            let ls = self.int_lit_of(t, lo, true);
            let suffix = self.rng.chance(50) || !self.f.on("unsuffixed");
            let hs = self.int_lit_of(t, hi, suffix);
            (
                format!("{ls}..{}{hs}", if incl { "=" } else { "" }),
                n as u64 + 1,
                t,
            )
        };
        let range = if self.f.on("rev_step") && self.rng.chance(40) {
            match self.rng.below(3) {
                0 => format!("({range}).rev()"),
                1 => format!("({range}).step_by({})", 1 + self.rng.below(4)),
                _ => format!("({range}).rev().step_by({})", 1 + self.rng.below(3)),
            }
        } else {
            range
        };
        let i = self.fresh("i");
        let label = self.loop_label();
        self.emit(format!(
            "{}for {i} in {range} {{",
            Self::label_prefix(&label)
        ));
        let var = Var {
            name: i,
            kind: Kind::Scalar(t),
            mutable: false,
            frozen: false,
            len_min: 0,
            len_max: 0,
        };
        self.run_loop_body(LoopKind::For, label, iters, depth, vec![var], None);
        self.emit("}".into());
    }

    fn for_iter(&mut self, depth: u32) {
        let s = self.rng.pick(&self.all_seqs()).clone();
        let t = match s.kind {
            Kind::Vec(t) | Kind::Slice(t, _) => t,
            _ => unreachable!(),
        };
        let x = self.fresh("e");
        let mut vars = vec![Var {
            name: x.clone(),
            kind: Kind::Scalar(t),
            mutable: false,
            frozen: false,
            len_min: 0,
            len_max: 0,
        }];
        let src = match (s.kind, self.rng.below(3)) {
            (Kind::Vec(_), 0) => format!("&{}", s.name),
            (Kind::Slice(_, false), 0) => s.name.clone(),
            _ => format!("{}.iter()", s.name),
        };
        let label = self.loop_label();
        let head = if self.rng.chance(30) {
            let i = self.fresh("k");
            vars.push(Var {
                name: i.clone(),
                kind: Kind::Scalar(Ty::Usize),
                mutable: false,
                frozen: false,
                len_min: 0,
                len_max: 0,
            });
            format!("for ({i}, &{x}) in {}.iter().enumerate() {{", s.name)
        } else {
            format!("for &{x} in {src} {{")
        };
        self.emit(format!("{}{head}", Self::label_prefix(&label)));
        let was = self
            .binding_mut(&s.name)
            .map(|b| std::mem::replace(&mut b.frozen, true));
        self.run_loop_body(LoopKind::For, label, s.len_max.max(1), depth, vars, None);
        if let (Some(w), Some(b)) = (was, self.binding_mut(&s.name)) {
            b.frozen = w;
        }
        self.emit("}".into());
    }

    fn while_stmt(&mut self, depth: u32) {
        let w = self.fresh("w");
        let k = 1 + self.rng.below(8);
        self.emit(format!("let mut {w} = 0u32;"));
        self.declare(Var {
            name: w.clone(),
            kind: Kind::Scalar(Ty::U32),
            mutable: false,
            frozen: false,
            len_min: 0,
            len_max: 0,
        });
        let label = self.loop_label();
        self.emit(format!(
            "{}while {w} < {k}u32 {{",
            Self::label_prefix(&label)
        ));
        // The counter moves first, so a `continue` in the body cannot loop forever.
        self.run_loop_body(
            LoopKind::While,
            label,
            k,
            depth,
            vec![],
            Some(format!("{w} += 1;")),
        );
        self.emit("}".into());
    }

    fn loop_value(&mut self, depth: u32) {
        let c = self.fresh("c");
        let k = self.rng.below(8);
        let t = self.scalar_ty();
        self.emit(format!("let mut {c} = 0u32;"));
        self.declare(Var {
            name: c.clone(),
            kind: Kind::Scalar(Ty::U32),
            mutable: false,
            frozen: false,
            len_min: 0,
            len_max: 0,
        });
        let r = self.fresh("r");
        self.emit(format!("let {r} = loop {{"));
        self.indent += 1;
        self.emit(format!("{c} += 1;"));
        let e = self.expr(t, 2);
        self.emit(format!("if {c} > {k}u32 {{ break {e}; }}"));
        self.indent -= 1;
        self.run_loop_body(LoopKind::Value, None, k + 1, depth, vec![], None);
        self.emit("};".into());
        self.declare(Var {
            name: r,
            kind: Kind::Scalar(t),
            mutable: false,
            frozen: false,
            len_min: 0,
            len_max: 0,
        });
    }

    fn if_stmt(&mut self, depth: u32) {
        let c = self.expr(Ty::Bool, 2);
        self.emit(format!("if {c} {{"));
        self.body(depth);
        if self.rng.chance(30) {
            let c2 = self.expr(Ty::Bool, 2);
            self.emit(format!("}} else if {c2} {{"));
            self.body(depth);
        }
        if self.rng.chance(50) {
            self.emit("} else {".into());
            self.body(depth);
        }
        self.emit("}".into());
    }

    fn call_stmt(&mut self) {
        let mut cands = self.callable_fns(None);
        // Fns with `&mut` params, when something can be lent to each of them.
        cands.extend(self.mut_callable());
        if cands.is_empty() {
            return self.let_scalar();
        }
        let sig = self.rng.pick(&cands).clone();
        let Some(mut_args) = self.pick_mut_args(&sig) else {
            return self.let_scalar();
        };
        // Other args must be checked for existence now (a Vec for a `&[T]` param).
        for (h, _) in &mut_args {
            self.hidden.push(h.clone());
        }
        let ok = sig.params.iter().all(|p| match p {
            Kind::Slice(t, false) => !self.slice_args(*t).is_empty(),
            _ => true,
        });
        for _ in &mut_args {
            self.hidden.pop();
        }
        if !ok {
            return self.let_scalar();
        }
        let call = self.call_with(sig.clone(), 3, mut_args.clone());
        match sig.ret {
            Some(t) if self.rng.chance(60) => {
                let name = self.fresh("x");
                self.emit(format!("let {name} = {call};"));
                self.declare(Var {
                    name,
                    kind: Kind::Scalar(t),
                    mutable: false,
                    frozen: false,
                    len_min: 0,
                    len_max: 0,
                });
            }
            _ => self.emit(format!("{call};")),
        }
        self.apply_vec_effect(&sig, &mut_args);
    }

    fn break_continue(&mut self) {
        let c = self.expr(Ty::Bool, 2);
        let inner = self.loops.last().expect("in a loop").kind;
        let labeled: Vec<String> = self
            .loops
            .iter()
            .filter(|l| l.kind != LoopKind::Value)
            .filter_map(|l| l.label.clone())
            .collect();
        let word = if self.rng.chance(50) {
            "break"
        } else {
            "continue"
        };
        let target = if !labeled.is_empty() && self.rng.chance(50) {
            format!(" {}", self.rng.pick(&labeled))
        } else if word == "break" && inner == LoopKind::Value {
            // An unlabeled `break;` inside `loop { .. break value }` would need a value.
            return self.emit(format!("if {c} {{ continue; }}"));
        } else {
            String::new()
        };
        if !self.f.on("break_continue") && target.is_empty() {
            return self.let_scalar();
        }
        self.emit(format!("if {c} {{ {word}{target}; }}"));
    }

    fn early_return(&mut self) {
        let c = self.expr(Ty::Bool, 2);
        match self.ret.expect("in a fn") {
            Some(t) => {
                let e = self.expr(t, 2);
                self.emit(format!("if {c} {{ return {e}; }}"));
            }
            None => self.emit(format!("if {c} {{ return; }}")),
        }
    }
}
