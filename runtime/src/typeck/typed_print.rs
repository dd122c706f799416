//! A text form of the typed IR for snapshot tests (`tests/ir/*.jit`, stage `typeck`): one node
//! per line, indented under its parent, each expression with its type (`local x#2 : f64`),
//! locals as `name#id`, loops as `loop#id`, closures as `closure#id`. Spans and workspace
//! addresses are left out so the text depends on nothing but the source: a change in it is a
//! change in what typeck decided.

use super::typed::*;
use crate::abi::fmt_spec::{Align, Count, Spec};
use crate::abi::ty::Ty;
use std::fmt::Write;

/// The text of `f`: its signature, its body, then the closures its body refers to.
pub fn print_fn(f: &Fn) -> String {
    let mut p = Printer {
        f,
        out: String::new(),
        depth: 0,
    };
    let params: Vec<String> = f.params.iter().map(|&id| p.binding(id)).collect();
    let _ = writeln!(p.out, "fn {}({}) -> {}", f.name, params.join(", "), f.ret);
    p.depth = 1;
    for g in &f.globals {
        let m = if g.mutable { "mut " } else { "" };
        let new = if g.new { " (defined here)" } else { "" };
        p.line(&format!("workspace {m}{}: {}{new}", g.name, g.ty));
    }
    for (root, _) in &f.view_bases {
        p.line(&format!("view base {}", p.root(root)));
    }
    p.block(&f.body, "body");
    for (i, c) in f.closures.iter().enumerate() {
        let params: Vec<String> = c
            .params
            .iter()
            .zip(&c.param_tys)
            .map(|(pat, t)| format!("{}: {t}", p.pat_names(pat)))
            .collect();
        let mv = if c.is_move { "move " } else { "" };
        p.line(&format!(
            "closure#{i} {mv}|{}| -> {}",
            params.join(", "),
            c.ret
        ));
        p.depth += 1;
        p.expr(&c.body, "");
        p.depth -= 1;
    }
    p.out
}

struct Printer<'a> {
    f: &'a Fn,
    out: String,
    depth: usize,
}

impl Printer<'_> {
    fn line(&mut self, s: &str) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    /// `x#3` (a use of a local).
    fn local(&self, id: LocalId) -> String {
        match self.f.locals.get(id as usize) {
            Some(l) => format!("{}#{id}", l.name),
            None => format!("?#{id}"),
        }
    }

    /// `mut x#3: f64` (where a local is bound).
    fn binding(&self, id: LocalId) -> String {
        match self.f.locals.get(id as usize) {
            Some(l) => {
                let m = if l.mutable { "mut " } else { "" };
                format!("{m}{}#{id}: {}", l.name, l.ty)
            }
            None => format!("?#{id}"),
        }
    }

    fn global(&self, i: usize) -> String {
        match self.f.globals.get(i) {
            Some(g) => g.name.clone(),
            None => format!("?global{i}"),
        }
    }

    fn root(&self, r: &super::views::Root) -> String {
        match r {
            super::views::Root::Local(id) => self.local(*id),
            super::views::Root::Global(i) => self.global(*i),
            super::views::Root::Temp => "a temporary".into(),
        }
    }

    fn pat(&self, p: &Pat) -> String {
        match p {
            Pat::Bind(id) => self.binding(*id),
            Pat::Global(i) => format!("workspace {}", self.global(*i)),
            Pat::Wild => "_".into(),
            Pat::Tuple(ps) => {
                let v: Vec<String> = ps.iter().map(|p| self.pat(p)).collect();
                format!("({})", v.join(", "))
            }
            Pat::Deref(p) => format!("&{}", self.pat(p)),
        }
    }

    /// A pattern whose type is printed after it: names only (`mut x#3`).
    fn pat_names(&self, p: &Pat) -> String {
        match p {
            Pat::Bind(id) => {
                let m = match self.f.locals.get(*id as usize) {
                    Some(l) if l.mutable => "mut ",
                    _ => "",
                };
                format!("{m}{}", self.local(*id))
            }
            Pat::Tuple(ps) => {
                let v: Vec<String> = ps.iter().map(|p| self.pat_names(p)).collect();
                format!("({})", v.join(", "))
            }
            Pat::Deref(p) => format!("&{}", self.pat_names(p)),
            _ => self.pat(p),
        }
    }

    fn match_pat(&self, p: &MatchPat) -> String {
        match p {
            MatchPat::Wild => "_".into(),
            MatchPat::Bind(id) => self.binding(*id),
            MatchPat::Lit(v) => v.to_string(),
            MatchPat::Range(a, b) => format!("{a}..={b}"),
            MatchPat::Or(ps) => {
                let v: Vec<String> = ps.iter().map(|p| self.match_pat(p)).collect();
                v.join(" | ")
            }
            MatchPat::Some(p) => format!("Some({})", self.match_pat(p)),
            MatchPat::None => "None".into(),
        }
    }

    /// A block's statements and tail, one level below a `label` line.
    fn block(&mut self, b: &Block, label: &str) {
        let ty = b.tail.as_ref().map(|t| t.ty.clone()).unwrap_or(Ty::Unit);
        self.line(&format!("{label} : {ty}"));
        self.depth += 1;
        self.stmts(b);
        self.depth -= 1;
    }

    fn stmts(&mut self, b: &Block) {
        for s in &b.stmts {
            match s {
                Stmt::Let { pat, init, .. } => {
                    let head = format!("let {}", self.pat(pat));
                    match init {
                        Some(e) => {
                            self.line(&head);
                            self.depth += 1;
                            self.expr(e, "");
                            self.depth -= 1;
                        }
                        None => self.line(&format!("{head} (uninitialised)")),
                    }
                }
                Stmt::Expr(e) => self.expr(e, ""),
            }
        }
        if let Some(t) = &b.tail {
            self.expr(t, "tail ");
        }
    }

    fn children(&mut self, es: &[&Expr], labels: &[&str]) {
        self.depth += 1;
        for (i, e) in es.iter().enumerate() {
            self.expr(e, labels.get(i).copied().unwrap_or(""));
        }
        self.depth -= 1;
    }

    fn args(&mut self, es: &[Expr]) {
        let v: Vec<&Expr> = es.iter().collect();
        self.children(&v, &[]);
    }

    /// `label` prefixes the node's line: the role it has in its parent (`cond `, `tail `).
    fn expr(&mut self, e: &Expr, label: &str) {
        use ExprKind as K;
        let node = |s: &str| format!("{label}{s} : {}", e.ty);
        match &e.kind {
            K::Int(v) => self.line(&node(&format!("int {v}"))),
            K::Float(v) => self.line(&node(&format!("float {v:?}"))),
            K::FloatLit(s) => self.line(&node(&format!("float literal {s}"))),
            K::Bool(b) => self.line(&node(&format!("bool {b}"))),
            K::Char(c) => self.line(&node(&format!("char {c:?}"))),
            K::Str(s) => self.line(&node(&format!("str {s:?}"))),
            K::Unit => self.line(&node("unit")),
            K::Local(id) => self.line(&node(&format!("local {}", self.local(*id)))),
            K::Global(i) => self.line(&node(&format!("workspace {}", self.global(*i)))),
            K::Neg(a) => self.unary(&node("neg"), a),
            K::Not(a) => self.unary(&node("not"), a),
            K::Deref(a) => self.unary(&node("deref"), a),
            K::Ref(a, m) => self.unary(&node(if *m { "ref mut" } else { "ref" }), a),
            K::ToSlice(a) => self.unary(&node("to slice"), a),
            K::Cast(a) => self.unary(&node("cast"), a),
            K::Binary(op, a, b) => {
                self.line(&node(&format!("binary {}", op_str(*op))));
                self.children(&[&**a, &**b], &[]);
            }
            K::And(a, b) => {
                self.line(&node("&&"));
                self.children(&[&**a, &**b], &[]);
            }
            K::Or(a, b) => {
                self.line(&node("||"));
                self.children(&[&**a, &**b], &[]);
            }
            K::Assign(a, b) => {
                self.line(&node("assign ="));
                self.children(&[&**a, &**b], &[]);
            }
            K::OpAssign(op, a, b) => {
                self.line(&node(&format!("assign {}=", op_str(*op))));
                self.children(&[&**a, &**b], &[]);
            }
            K::If(c, t, f) => {
                self.line(&node("if"));
                match f {
                    Some(f) => self.children(&[&**c, &**t, &**f], &["cond ", "then ", "else "]),
                    None => self.children(&[&**c, &**t], &["cond ", "then "]),
                }
            }
            K::Block(b) => {
                self.line(&node("block"));
                self.depth += 1;
                self.stmts(b);
                self.depth -= 1;
            }
            K::While { id, cond, body } => {
                self.line(&node(&format!("while loop#{id}")));
                self.children(&[&**cond], &["cond "]);
                self.depth += 1;
                self.block(body, "body");
                self.depth -= 1;
            }
            K::Loop { id, body } => {
                self.line(&node(&format!("loop loop#{id}")));
                self.depth += 1;
                self.block(body, "body");
                self.depth -= 1;
            }
            K::For {
                id,
                pat,
                iter,
                body,
            } => {
                self.line(&node(&format!("for loop#{id} {}", self.pat(pat))));
                self.depth += 1;
                self.iter(iter);
                self.block(body, "body");
                self.depth -= 1;
            }
            K::Break { id, value } => {
                self.line(&node(&format!("break loop#{id}")));
                if let Some(v) = value {
                    self.children(&[&**v], &[]);
                }
            }
            K::Continue(id) => self.line(&node(&format!("continue loop#{id}"))),
            K::Return(v) => {
                self.line(&node("return"));
                if let Some(v) = v {
                    self.children(&[&**v], &[]);
                }
            }
            K::Call(name, args) => {
                self.line(&node(&format!("call {name}")));
                self.args(args);
            }
            K::CallClosure(i, args) => {
                self.line(&node(&format!("call closure#{i}")));
                self.args(args);
            }
            K::Intrinsic(intr, args) => {
                self.line(&node(&format!("intrinsic {intr:?}")));
                self.args(args);
            }
            K::Index(a, i) => {
                self.line(&node("index"));
                self.children(&[&**a, &**i], &[]);
            }
            K::Field(a, k) => self.unary(&node(&format!("field .{k}")), a),
            K::Tuple(es) => {
                self.line(&node("tuple"));
                self.args(es);
            }
            K::Array(es) => {
                self.line(&node("array"));
                self.args(es);
            }
            K::ArrayRepeat(a, n) => self.unary(&node(&format!("array repeat ×{n}")), a),
            K::VecLit(es) => {
                self.line(&node("vec"));
                self.args(es);
            }
            K::VecRepeat(a, n) => {
                self.line(&node("vec repeat"));
                self.children(&[&**a, &**n], &["elem ", "count "]);
            }
            K::Match(s, arms) => {
                self.line(&node("match"));
                self.children(&[&**s], &["scrutinee "]);
                self.depth += 1;
                for a in arms {
                    self.line(&format!("arm {}", self.match_pat(&a.pat)));
                    match &a.guard {
                        Some(g) => self.children(&[g, &a.body], &["guard ", "body "]),
                        None => self.children(&[&a.body], &["body "]),
                    }
                }
                self.depth -= 1;
            }
            K::Format(kind, f) => {
                let kind = format!("{kind:?}").to_lowercase();
                self.line(&node(&format!("{kind} {}", template(f))));
                self.args(&f.args);
            }
            K::Assert { cond, msg, text } => {
                self.line(&node(&format!("assert {text:?}")));
                self.children(&[&**cond], &["cond "]);
                self.message(msg);
            }
            K::AssertEq { l, r, eq, msg } => {
                self.line(&node(if *eq { "assert_eq" } else { "assert_ne" }));
                self.children(&[&**l, &**r], &[]);
                self.message(msg);
            }
            K::Unreachable(msg) => {
                self.line(&node("unreachable"));
                self.message(msg);
            }
            K::Some(a) => self.unary(&node("Some"), a),
            K::None => self.line(&node("None")),
            K::Consume(it, c) => {
                self.line(&node(&format!("consume {}", consumer(c))));
                self.depth += 1;
                if let Consumer::Fold(init, _) = c {
                    self.expr(init, "init ");
                }
                self.iter(it);
                self.depth -= 1;
            }
            K::Closure(i) => self.line(&node(&format!("closure#{i}"))),
        }
    }

    fn unary(&mut self, head: &str, a: &Expr) {
        self.line(head);
        self.children(&[a], &[]);
    }

    fn message(&mut self, msg: &Option<Format>) {
        if let Some(f) = msg {
            self.depth += 1;
            self.line(&format!("message {}", template(f)));
            self.args(&f.args);
            self.depth -= 1;
        }
    }

    fn iter(&mut self, it: &IterExpr) {
        self.line(&format!("iter : item {}", it.item));
        self.depth += 1;
        match &it.src {
            IterSrc::Range {
                start,
                end,
                inclusive,
            } => {
                self.line(if *inclusive { "range ..=" } else { "range .." });
                self.children(&[&**start, &**end], &["start ", "end "]);
            }
            IterSrc::Elems { seq, by_ref } => {
                self.line(if *by_ref {
                    "elems by ref"
                } else {
                    "elems by value"
                });
                self.children(&[&**seq], &[]);
            }
        }
        for a in &it.adapters {
            match a {
                Adapter::Map(c) => self.line(&format!("map closure#{c}")),
                Adapter::Filter(c) => self.line(&format!("filter closure#{c}")),
                Adapter::Enumerate => self.line("enumerate"),
                Adapter::Rev => self.line("rev"),
                Adapter::Copied => self.line("copied"),
                Adapter::Take(n) => self.unary("take", n),
                Adapter::Skip(n) => self.unary("skip", n),
                Adapter::StepBy(n) => self.unary("step_by", n),
                Adapter::Zip(o) | Adapter::Chain(o) => {
                    self.line(if matches!(a, Adapter::Zip(_)) {
                        "zip"
                    } else {
                        "chain"
                    });
                    self.depth += 1;
                    self.iter(o);
                    self.depth -= 1;
                }
            }
        }
        self.depth -= 1;
    }
}

fn op_str(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Rem => "%",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::Shl => "<<",
        BinOp::Shr => ">>",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
    }
}

fn consumer(c: &Consumer) -> String {
    match c {
        Consumer::Sum => "sum".into(),
        Consumer::Product => "product".into(),
        Consumer::Count => "count".into(),
        Consumer::Min => "min".into(),
        Consumer::Max => "max".into(),
        Consumer::Fold(_, k) => format!("fold closure#{k}"),
        Consumer::Any(k) => format!("any closure#{k}"),
        Consumer::All(k) => format!("all closure#{k}"),
        Consumer::ForEach(k) => format!("for_each closure#{k}"),
        Consumer::Collect => "collect".into(),
        Consumer::Last => "last".into(),
        Consumer::Position(k) => format!("position closure#{k}"),
    }
}

/// The format string as written, with every argument numbered: `"x = {0:>8.3}\n"`.
fn template(f: &Format) -> String {
    let mut s = String::new();
    for p in &f.pieces {
        match p {
            FmtPiece::Lit(t) => s.push_str(&t.replace('{', "{{").replace('}', "}}")),
            FmtPiece::Arg { arg, spec } => {
                let _ = write!(s, "{{{arg}{}}}", spec_str(spec));
            }
        }
    }
    format!("{s:?}")
}

fn spec_str(s: &Spec) -> String {
    let mut o = String::new();
    let align = match s.align {
        Align::Left => "<",
        Align::Right => ">",
        Align::Center => "^",
        Align::Unknown => "",
    };
    if !align.is_empty() {
        if s.fill != ' ' {
            o.push(s.fill);
        }
        o.push_str(align);
    }
    if s.plus {
        o.push('+');
    }
    if s.alternate {
        o.push('#');
    }
    if s.zero {
        o.push('0');
    }
    let count = |c: &Count| match c {
        Count::None => String::new(),
        Count::Lit(n) => n.to_string(),
        Count::Arg(i) => format!("{i}$"),
    };
    o.push_str(&count(&s.width));
    if s.precision != Count::None {
        o.push('.');
        o.push_str(&count(&s.precision));
    }
    o.push_str(&s.kind);
    if o.is_empty() {
        o
    } else {
        format!(":{o}")
    }
}
