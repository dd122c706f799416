//! The checker's state, fn and cell entry points, statements, patterns and type syntax.

use super::infer::InferTable;
use super::resolve::zonk_fn;
use super::typed::{
    self, Block, Closure, Expr, ExprKind, Global, Local, LocalId, LoopId, Pat, Stmt,
};
use super::{Env, FnSig};
use crate::abi::ty::{FloatTy, IntTy, Ty, VarKind};
use crate::diag::{Error, Result, Span};

#[derive(Clone, Debug)]
pub(super) enum Binding {
    Local(LocalId),
    Global(usize),
}

pub(super) struct LoopCtx {
    pub label: Option<String>,
    pub id: LoopId,
    /// `Some` for `loop` (break may carry a value), `None` for while/for.
    pub break_ty: Option<Ty>,
    pub has_break: bool,
}

pub(super) struct Checker<'a, 'e> {
    pub env: &'a Env<'e>,
    pub infer: InferTable,
    pub locals: Vec<Local>,
    /// Locals declared without an initializer (one later assignment is allowed).
    pub deferred: Vec<bool>,
    /// What `let`-bound views borrow (`views.rs`).
    pub view_bases: Vec<(super::views::Root, Span)>,
    pub scopes: Vec<Vec<(String, Binding)>>,
    pub loops: Vec<LoopCtx>,
    pub next_loop: LoopId,
    pub ret: Ty,
    /// Stack of closure return types while checking closure bodies (`return` targets them).
    pub closure_ret: Vec<Ty>,
    pub closures: Vec<Closure>,
    pub globals: Vec<Global>,
    pub global_mut: Vec<bool>,
    /// Checking the top level of a cell: `let`s at depth 0 become workspace variables.
    pub cell: bool,
    pub depth: usize,
}

impl<'a, 'e> Checker<'a, 'e> {
    fn new(env: &'a Env<'e>, ret: Ty, cell: bool) -> Self {
        Checker {
            env,
            infer: InferTable::default(),
            locals: vec![],
            deferred: vec![],
            view_bases: vec![],
            scopes: vec![vec![]],
            loops: vec![],
            next_loop: 0,
            ret,
            closure_ret: vec![],
            closures: vec![],
            globals: vec![],
            global_mut: vec![],
            cell,
            depth: 0,
        }
    }

    pub fn new_local(&mut self, name: &str, ty: Ty, mutable: bool, span: Span) -> LocalId {
        self.locals.push(Local {
            name: name.to_string(),
            ty,
            mutable,
            span,
        });
        self.deferred.push(false);
        let id = self.locals.len() as LocalId - 1;
        self.scopes
            .last_mut()
            .unwrap()
            .push((name.to_string(), Binding::Local(id)));
        id
    }

    pub fn lookup(&mut self, name: &str) -> Option<Binding> {
        for s in self.scopes.iter().rev() {
            if let Some((_, b)) = s.iter().rev().find(|(n, _)| n == name) {
                return Some(b.clone());
            }
        }
        if let Some(v) = self.env.vars.get(name) {
            self.globals.push(Global {
                name: name.to_string(),
                ty: v.ty.clone(),
                addr: v.addr,
                mutable: v.mutable,
                new: false,
            });
            self.global_mut.push(v.mutable);
            let i = self.globals.len() - 1;
            self.scopes[0].push((name.to_string(), Binding::Global(i)));
            return Some(Binding::Global(i));
        }
        None
    }

    /// A type as rustc's "expected X, found Y" labels name it: `` `i32` ``, or `integer` /
    /// `floating-point number` for an unsuffixed literal's type.
    pub fn show_kind(&self, t: &Ty) -> String {
        match self.infer.shallow(t) {
            Ty::Infer(v) if self.infer.kind(v) == VarKind::Int => "integer".into(),
            Ty::Infer(v) if self.infer.kind(v) == VarKind::Float => "floating-point number".into(),
            _ => format!("`{}`", self.infer.show(t)),
        }
    }

    pub fn unify(&mut self, a: &Ty, b: &Ty, span: Span) -> Result<()> {
        self.infer.unify(a, b).map_err(|_| {
            Error::new(span, "mismatched types")
                .code("E0308")
                .label(format!(
                    "expected {}, found {}",
                    self.show_kind(a),
                    self.show_kind(b)
                ))
        })
    }

    /// Check `e` against `want`, applying Rust's coercions (deref/unsize of references,
    /// `&mut T` → `&T`, `!` → anything).
    pub fn coerce(&mut self, e: Expr, want: &Ty) -> Result<Expr> {
        let have = self.infer.shallow(&e.ty);
        let w = self.infer.shallow(want);
        if let (Ty::Ref(h, hm), Ty::Ref(wt, wm)) = (&have, &w) {
            let h = self.infer.shallow(h);
            let wt = self.infer.shallow(wt);
            if let Ty::Slice(we) = &wt {
                if let Ty::Vec(he) | Ty::Array(he, _) = &h {
                    if *hm || !wm {
                        self.unify(we, he, e.span)?;
                        let span = e.span;
                        return Ok(Expr::new(ExprKind::ToSlice(Box::new(e)), w.clone(), span));
                    }
                }
            }
            if *hm && !wm {
                self.unify(&h, &wt, e.span)?;
                let mut e = e;
                e.ty = w.clone();
                return Ok(e);
            }
        }
        if have == Ty::Never {
            return Ok(e);
        }
        self.unify(want, &e.ty, e.span)?;
        Ok(e)
    }

    pub fn loop_lookup(
        &mut self,
        label: Option<&syn::Lifetime>,
        span: Span,
        what: &str,
    ) -> Result<usize> {
        match label {
            None => {
                if self.loops.is_empty() {
                    return Err(Error::new(span, format!("`{what}` outside of a loop")));
                }
                Ok(self.loops.len() - 1)
            }
            Some(l) => {
                let name = l.ident.to_string();
                self.loops
                    .iter()
                    .rposition(|c| c.label.as_deref() == Some(&name))
                    .ok_or_else(|| {
                        Error::new(
                            Span::of_node(l),
                            format!("use of undeclared label `'{name}`"),
                        )
                    })
            }
        }
    }

    pub fn push_loop(&mut self, label: Option<&syn::Label>, break_ty: Option<Ty>) -> LoopId {
        let id = self.next_loop;
        self.next_loop += 1;
        self.loops.push(LoopCtx {
            label: label.map(|l| l.name.ident.to_string()),
            id,
            break_ty,
            has_break: false,
        });
        id
    }

    pub fn block(&mut self, b: &syn::Block, expect: Option<&Ty>) -> Result<Block> {
        self.scopes.push(vec![]);
        self.depth += 1;
        let r = self.stmts(&b.stmts, None, Span::of_node(b), expect);
        self.depth -= 1;
        self.scopes.pop();
        r
    }

    /// Statements with an optional separate tail (cells), or the last expression-without-semicolon.
    pub fn stmts(
        &mut self,
        stmts: &[syn::Stmt],
        tail: Option<&syn::Expr>,
        span: Span,
        expect: Option<&Ty>,
    ) -> Result<Block> {
        let mut out = vec![];
        let mut tail_e = None;
        for (i, st) in stmts.iter().enumerate() {
            match st {
                syn::Stmt::Local(l) => out.push(self.let_stmt(l)?),
                syn::Stmt::Expr(e, semi) => {
                    if semi.is_none() && i + 1 == stmts.len() && tail.is_none() {
                        tail_e = Some(Box::new(self.expr(e, expect)?));
                    } else {
                        let x = self.expr(e, None)?;
                        if semi.is_none() && !is_block_like(e) {
                            return Err(Error::new(x.span, "expected `;`"));
                        }
                        if semi.is_none() {
                            let t = self.infer.shallow(&x.ty);
                            if t != Ty::Unit && t != Ty::Never {
                                self.unify(&Ty::Unit, &x.ty, x.span)?;
                            }
                        }
                        out.push(Stmt::Expr(x));
                    }
                }
                syn::Stmt::Item(syn::Item::Use(_) | syn::Item::Const(_))
                    if self.depth == 1 && !self.cell => {}
                syn::Stmt::Item(it) => {
                    return Err(Error::unsupported(Span::of_node(it), "nested item"))
                }
                syn::Stmt::Macro(m) => {
                    let e = syn::Expr::Macro(syn::ExprMacro {
                        attrs: m.attrs.clone(),
                        mac: m.mac.clone(),
                    });
                    let x = self.expr(&e, None)?;
                    if m.semi_token.is_none() && i + 1 == stmts.len() && tail.is_none() {
                        tail_e = Some(Box::new(x));
                    } else {
                        out.push(Stmt::Expr(x));
                    }
                }
            }
        }
        if let Some(t) = tail {
            tail_e = Some(Box::new(self.expr(t, expect)?));
        }
        Ok(Block {
            stmts: out,
            tail: tail_e,
            span,
        })
    }

    pub fn block_ty(&self, b: &Block) -> Ty {
        match &b.tail {
            Some(t) => t.ty.clone(),
            None => {
                let diverges = b
                    .stmts
                    .iter()
                    .any(|s| matches!(s, Stmt::Expr(e) if self.infer.shallow(&e.ty) == Ty::Never));
                if diverges {
                    Ty::Never
                } else {
                    Ty::Unit
                }
            }
        }
    }

    fn let_stmt(&mut self, l: &syn::Local) -> Result<Stmt> {
        let span = Span::of_node(l);
        let (pat, annot) = match &l.pat {
            syn::Pat::Type(pt) => (&*pt.pat, Some(parse_type(&pt.ty, &mut self.infer)?)),
            p => (p, None),
        };
        if let Some(init) = &l.init {
            if let Some((_, d)) = &init.diverge {
                return Err(Error::unsupported(Span::of_node(d), "`let ... else`"));
            }
        }
        let init = match &l.init {
            Some(init) => {
                let e = self.expr(&init.expr, annot.as_ref())?;
                Some(match &annot {
                    Some(t) => self.coerce(e, t)?,
                    None => e,
                })
            }
            None => None,
        };
        let ty = match (&annot, &init) {
            // `let x: Chunked = …` keeps the number of axes typeck knows.
            (Some(t), Some(e)) if super::chunked::keeps_ndim(&self.infer, t, &e.ty) => e.ty.clone(),
            (Some(t), _) => t.clone(),
            (None, Some(e)) => e.ty.clone(),
            (None, None) => self.infer.fresh(VarKind::General),
        };
        let top = self.cell && self.depth == 0;
        let name = match pat {
            syn::Pat::Ident(pi) => pi.ident.to_string(),
            _ => "_".to_string(),
        };
        self.check_view_let(init.as_ref(), &ty, top, Span::of_node(pat), &name)?;
        let p = self.bind_pat(pat, &ty, top)?;
        if init.is_none() {
            if let Pat::Bind(id) = p {
                self.deferred[id as usize] = true;
            }
        }
        Ok(Stmt::Let { pat: p, init, span })
    }

    /// Bind an irrefutable pattern of type `ty` (let, fn params, closure params, for).
    pub fn bind_pat(&mut self, p: &syn::Pat, ty: &Ty, top: bool) -> Result<Pat> {
        match p {
            syn::Pat::Ident(pi) => {
                if pi.by_ref.is_some() || pi.subpat.is_some() {
                    return Err(Error::unsupported(Span::of_node(p), "binding mode"));
                }
                let name = pi.ident.to_string();
                let span = Span::of_node(&pi.ident);
                // Closures live only inside the cell that defines them (they are inlined).
                if top && !matches!(self.infer.shallow(ty), Ty::Closure(_)) {
                    self.globals.push(Global {
                        name: name.clone(),
                        ty: ty.clone(),
                        addr: 0,
                        mutable: pi.mutability.is_some(),
                        new: true,
                    });
                    self.global_mut.push(pi.mutability.is_some());
                    let i = self.globals.len() - 1;
                    self.scopes[0].push((name, Binding::Global(i)));
                    Ok(Pat::Global(i))
                } else {
                    Ok(Pat::Bind(self.new_local(
                        &name,
                        ty.clone(),
                        pi.mutability.is_some(),
                        span,
                    )))
                }
            }
            syn::Pat::Wild(_) => Ok(Pat::Wild),
            syn::Pat::Tuple(t) => {
                let n = t.elems.len();
                let elems: Vec<Ty> = match self.infer.shallow(ty) {
                    Ty::Tuple(ts) if ts.len() == n => ts,
                    Ty::Infer(_) => {
                        let ts: Vec<Ty> =
                            (0..n).map(|_| self.infer.fresh(VarKind::General)).collect();
                        self.unify(ty, &Ty::Tuple(ts.clone()), Span::of_node(p))?;
                        ts
                    }
                    other => {
                        return Err(Error::new(Span::of_node(p), "mismatched types").label(
                            format!(
                                "expected `{}`, found a tuple with {n} elements",
                                self.infer.show(&other)
                            ),
                        ))
                    }
                };
                let mut ps = vec![];
                for (sp, st) in t.elems.iter().zip(elems) {
                    ps.push(self.bind_pat(sp, &st, top)?);
                }
                Ok(Pat::Tuple(ps))
            }
            syn::Pat::Reference(r) => {
                if r.mutability.is_some() {
                    return Err(Error::unsupported(Span::of_node(p), "`&mut` pattern"));
                }
                match self.infer.shallow(ty) {
                    Ty::Ref(inner, _) => {
                        Ok(Pat::Deref(Box::new(self.bind_pat(&r.pat, &inner, top)?)))
                    }
                    other => Err(
                        Error::new(Span::of_node(p), "mismatched types").label(format!(
                            "expected `{}`, found `&_`",
                            self.infer.show(&other)
                        )),
                    ),
                }
            }
            syn::Pat::Type(pt) => {
                let t = parse_type(&pt.ty, &mut self.infer)?;
                self.unify(&t, ty, Span::of_node(p))?;
                self.bind_pat(&pt.pat, ty, top)
            }
            syn::Pat::Paren(pp) => self.bind_pat(&pp.pat, ty, top),
            other => Err(Error::unsupported(Span::of_node(other), "pattern")),
        }
    }
}

pub fn is_block_like(e: &syn::Expr) -> bool {
    matches!(
        e,
        syn::Expr::If(_)
            | syn::Expr::While(_)
            | syn::Expr::Loop(_)
            | syn::Expr::ForLoop(_)
            | syn::Expr::Block(_)
            | syn::Expr::Match(_)
            | syn::Expr::Unsafe(_)
    )
}

/// Parse a type written in the source.
pub fn parse_type(t: &syn::Type, infer: &mut InferTable) -> Result<Ty> {
    let span = Span::of_node(t);
    match t {
        syn::Type::Path(p) if p.qself.is_none() => {
            let segs: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let segs = super::strip_std(&segs);
            let last = p.path.segments.last().unwrap();
            let args: Vec<&syn::Type> = match &last.arguments {
                syn::PathArguments::None => vec![],
                syn::PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter(|g| !matches!(g, syn::GenericArgument::Lifetime(_)))
                    .map(|g| match g {
                        syn::GenericArgument::Type(t) => Ok(Some(t)),
                        // `ArrayViewD<'_, f64>`: lifetimes do not change the fast tier's types
                        syn::GenericArgument::Lifetime(_) => Ok(None),
                        other => Err(Error::unsupported(Span::of_node(other), "generic argument")),
                    })
                    .filter_map(|r| r.transpose())
                    .collect::<Result<_>>()?,
                other => return Err(Error::unsupported(Span::of_node(other), "type arguments")),
            };
            let name = segs.last().map(|s| s.as_str()).unwrap_or("");
            let one = |infer: &mut InferTable| -> Result<Ty> {
                if args.len() != 1 {
                    return Err(Error::new(
                        span,
                        format!("`{name}` takes 1 generic argument"),
                    ));
                }
                parse_type(args[0], infer)
            };
            if let Some(t) = {
                let targs: Vec<Ty> = args
                    .iter()
                    .map(|a| parse_type(a, infer))
                    .collect::<Result<_>>()?;
                super::chunked::parse_chunked_type(&segs, &targs)
                    .or_else(|| super::arrays::parse_nd_type(&segs, &targs))
            } {
                return t;
            }
            let known_path =
                segs.len() == 1 || matches!(segs[0].as_str(), "vec" | "string" | "option");
            if !known_path {
                return Err(Error::unsupported(
                    span,
                    format!("type `{}`", segs.join("::")),
                ));
            }
            if let Some(i) = IntTy::from_name(name) {
                return Ok(Ty::Int(i));
            }
            Ok(match name {
                "f64" => Ty::Float(FloatTy::F64),
                "f32" => Ty::Float(FloatTy::F32),
                "bool" => Ty::Bool,
                "char" => Ty::Char,
                "String" => Ty::String,
                "str" => Ty::Str,
                "Vec" => Ty::Vec(Box::new(one(infer)?)),
                "Option" => Ty::Option(Box::new(one(infer)?)),
                _ => return Err(Error::unsupported(span, format!("type `{name}`"))),
            })
        }
        syn::Type::Reference(r) => {
            if r.lifetime.is_some() {
                return Err(Error::unsupported(span, "lifetime"));
            }
            Ok(Ty::Ref(
                Box::new(parse_type(&r.elem, infer)?),
                r.mutability.is_some(),
            ))
        }
        syn::Type::Slice(s) => Ok(Ty::Slice(Box::new(parse_type(&s.elem, infer)?))),
        syn::Type::Array(a) => {
            let n = match &a.len {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(i),
                    ..
                }) => i
                    .base10_parse::<u64>()
                    .map_err(|e| Error::new(span, e.to_string()))?,
                other => {
                    return Err(Error::unsupported(
                        Span::of_node(other),
                        "array length that is not a literal",
                    ))
                }
            };
            Ok(Ty::Array(Box::new(parse_type(&a.elem, infer)?), n))
        }
        syn::Type::Tuple(t) => Ok(if t.elems.is_empty() {
            Ty::Unit
        } else {
            Ty::Tuple(
                t.elems
                    .iter()
                    .map(|t| parse_type(t, infer))
                    .collect::<Result<_>>()?,
            )
        }),
        syn::Type::Infer(_) => Ok(infer.fresh(VarKind::General)),
        syn::Type::Paren(p) => parse_type(&p.elem, infer),
        syn::Type::Never(_) => Ok(Ty::Never),
        other => {
            let what = match other {
                syn::Type::Ptr(_) => "raw pointer type",
                syn::Type::BareFn(_) => "fn pointer type",
                syn::Type::TraitObject(_) => "trait object type",
                syn::Type::ImplTrait(_) => "`impl Trait` type",
                syn::Type::Macro(_) => "type macro",
                _ => "type",
            };
            Err(Error::unsupported(Span::of_node(other), what))
        }
    }
}

/// Types allowed in fn signatures and as Vec elements: no unresolved parts, Vec elements Copy.
fn check_sig_ty(t: &Ty, span: Span) -> Result<()> {
    match t {
        Ty::Infer(_) => Err(Error::new(
            span,
            "the placeholder `_` is not allowed within types on item signatures",
        )),
        Ty::Vec(e) | Ty::Slice(e) => {
            if !e.is_copy() && !vec_nest(e) {
                return Err(Error::unsupported(
                    span,
                    format!("element type `{e}` (only Copy elements)"),
                ));
            }
            check_sig_ty(e, span)
        }
        Ty::Tuple(ts) => {
            for t in ts {
                if !t.is_copy() {
                    return Err(Error::unsupported(
                        span,
                        format!("tuple field of type `{t}` (only Copy fields)"),
                    ));
                }
                check_sig_ty(t, span)?;
            }
            Ok(())
        }
        Ty::Array(e, _) | Ty::Option(e) => {
            if !e.is_copy() {
                return Err(Error::unsupported(
                    span,
                    format!("element type `{e}` (only Copy elements)"),
                ));
            }
            check_sig_ty(e, span)
        }
        Ty::Ref(inner, _) => match &**inner {
            Ty::Ref(..) => Err(Error::unsupported(span, "reference to a reference")),
            t => check_sig_ty(t, span),
        },
        _ => Ok(()),
    }
}

/// `Vec<T>`, `Vec<Vec<T>>`, … with Copy `T`: the element types a Vec may own (rows are freed
/// and cloned with their Vec, see `lower::options::mark_owning`).
pub fn vec_nest(t: &Ty) -> bool {
    matches!(t, Ty::Vec(x) if x.is_copy() || vec_nest(x))
}

pub fn sig_of(f: &syn::ItemFn) -> Result<FnSig> {
    let mut infer = InferTable::default();
    let mut params = vec![];
    for a in &f.sig.inputs {
        if let syn::FnArg::Typed(pt) = a {
            let t = parse_type(&pt.ty, &mut infer)?;
            check_sig_ty(&t, Span::of_node(&pt.ty))?;
            params.push(t);
        }
    }
    let ret = match &f.sig.output {
        syn::ReturnType::Default => Ty::Unit,
        syn::ReturnType::Type(_, t) => {
            let r = parse_type(t, &mut infer)?;
            check_sig_ty(&r, Span::of_node(t))?;
            if matches!(r, Ty::Ref(..)) {
                return Err(Error::unsupported(
                    Span::of_node(t),
                    "returning a reference",
                ));
            }
            if super::views::contains_view(&r) {
                return Err(Error::unsupported(
                    Span::of_node(t),
                    "returning an array view (return an owned array: `.to_owned()`)",
                ));
            }
            if r == Ty::Never {
                return Err(Error::unsupported(Span::of_node(t), "`-> !`"));
            }
            r
        }
    };
    Ok(FnSig { params, ret })
}

pub fn check_fn(f: &syn::ItemFn, env: &Env) -> Result<typed::Fn> {
    let sig = sig_of(f)?;
    // `use` declarations at the top of the body apply to the whole body.
    let mut local_env = Env {
        fns: env.fns,
        vars: env.vars,
        uses: env.uses.clone(),
        glob_uses: env.glob_uses.clone(),
        consts: env.consts.clone(),
    };
    for st in &f.block.stmts {
        match st {
            syn::Stmt::Item(syn::Item::Use(u)) => local_env.add_use(&u.tree, vec![])?,
            syn::Stmt::Item(syn::Item::Const(c)) => local_env.add_const(c)?,
            _ => {}
        }
    }
    let env = &local_env;
    let mut ck = Checker::new(env, sig.ret.clone(), false);
    let mut params = vec![];
    for (a, t) in f.sig.inputs.iter().zip(&sig.params) {
        if let syn::FnArg::Typed(pt) = a {
            match &*pt.pat {
                syn::Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                    params.push(ck.new_local(
                        &pi.ident.to_string(),
                        t.clone(),
                        pi.mutability.is_some(),
                        Span::of_node(&pi.ident),
                    ));
                }
                other => {
                    return Err(Error::unsupported(
                        Span::of_node(other),
                        "parameter pattern",
                    ))
                }
            }
        }
    }
    let mut body = ck.block(&f.block, Some(&sig.ret))?;
    if let Some(t) = body.tail.take() {
        body.tail = Some(Box::new(ck.coerce(*t, &sig.ret)?));
    } else if ck.block_ty(&body) != Ty::Never {
        let sp = Span::of_node(&f.sig.output);
        ck.unify(&sig.ret, &Ty::Unit, sp).map_err(|_| {
            Error::new(Span::of_node(&f.block), "mismatched types")
                .label(format!("expected `{}`, found `()`", sig.ret))
        })?;
    }
    let name = f.sig.ident.to_string();
    let f = zonk_fn(ck, name, params, sig.ret, body, Span::of_node(&f.sig))?;
    super::moves::check(&f)?;
    super::borrows::check(&f)?;
    super::view_borrows::check(&f)?;
    Ok(f)
}

/// The top-level statements of a cell become one fn; returns it with the workspace
/// variables it reads or defines (`Fn::globals`; new ones have `addr == 0`).
pub fn check_cell(
    stmts: &[syn::Stmt],
    tail: Option<&syn::Expr>,
    env: &Env,
    span: Span,
) -> Result<typed::Fn> {
    let mut ck = Checker::new(env, Ty::Unit, true);
    let mut body = ck.stmts(stmts, tail, span, None)?;
    // A view shown as the cell's value borrows data that may be a statement temporary:
    // show an owned copy (the accel crate's repr prints views and arrays alike).
    if let Some(t) = body.tail.take() {
        let t = *t;
        body.tail = Some(Box::new(match ck.infer.resolve(&t.ty, false) {
            Ty::NdView(e, n, _) => {
                let sp = t.span;
                let sh = typed::Intr::Nd(typed::NdOp::Shim {
                    name: "clone",
                    elem_arg: Some(0),
                });
                Expr::new(ExprKind::Intrinsic(sh, vec![t]), Ty::Nd(e, n), sp)
            }
            _ => t,
        }));
    }
    let f = zonk_fn(ck, "<cell>".into(), vec![], Ty::Unit, body, span)?;
    super::moves::check(&f)?;
    super::borrows::check(&f)?;
    super::view_borrows::check(&f)?;
    Ok(f)
}

/// std constants by canonical path (after `use` expansion and `std::` stripping).
pub fn std_const(p: &[String]) -> Option<(ExprKind, Ty)> {
    let p: Vec<&str> = p.iter().map(|s| s.as_str()).collect();
    let (fty, rest) = match p.as_slice() {
        ["f64", "consts", c] => (FloatTy::F64, *c),
        ["f32", "consts", c] => (FloatTy::F32, *c),
        ["f64", c] => (FloatTy::F64, *c),
        ["f32", c] => (FloatTy::F32, *c),
        [t, c] => {
            let i = IntTy::from_name(t)?;
            let v = match *c {
                "MAX" => i.max(),
                "MIN" => i.min(),
                "BITS" => return Some((ExprKind::Int(i.bits() as i128), Ty::Int(IntTy::U32))),
                _ => return None,
            };
            return Some((ExprKind::Int(v), Ty::Int(i)));
        }
        _ => return None,
    };
    use std::f64::consts as c;
    let v64 = match rest {
        "PI" => c::PI,
        "E" => c::E,
        "TAU" => c::TAU,
        "SQRT_2" => c::SQRT_2,
        "LN_2" => c::LN_2,
        "LN_10" => c::LN_10,
        "LOG2_E" => c::LOG2_E,
        "LOG10_E" => c::LOG10_E,
        "LOG2_10" => c::LOG2_10,
        "LOG10_2" => c::LOG10_2,
        "FRAC_PI_2" => c::FRAC_PI_2,
        "FRAC_PI_3" => c::FRAC_PI_3,
        "FRAC_PI_4" => c::FRAC_PI_4,
        "FRAC_PI_6" => c::FRAC_PI_6,
        "FRAC_PI_8" => c::FRAC_PI_8,
        "FRAC_1_PI" => c::FRAC_1_PI,
        "FRAC_2_PI" => c::FRAC_2_PI,
        "FRAC_2_SQRT_PI" => c::FRAC_2_SQRT_PI,
        "FRAC_1_SQRT_2" => c::FRAC_1_SQRT_2,
        "INFINITY" => f64::INFINITY,
        "NEG_INFINITY" => f64::NEG_INFINITY,
        "NAN" => f64::NAN,
        "MAX" if fty == FloatTy::F64 => f64::MAX,
        "MIN" if fty == FloatTy::F64 => f64::MIN,
        "MIN_POSITIVE" if fty == FloatTy::F64 => f64::MIN_POSITIVE,
        "EPSILON" if fty == FloatTy::F64 => f64::EPSILON,
        "MAX" => f32::MAX as f64,
        "MIN" => f32::MIN as f64,
        "MIN_POSITIVE" => f32::MIN_POSITIVE as f64,
        "EPSILON" => f32::EPSILON as f64,
        _ => return None,
    };
    // f32 constants are the f32 roundings of the f64 values (as std defines them).
    let v = if fty == FloatTy::F32 {
        v64 as f32 as f64
    } else {
        v64
    };
    Some((ExprKind::Float(v), Ty::Float(fty)))
}
