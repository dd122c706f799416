//! Stage 2: names and Rust's typing rules over syn's AST → the typed IR (`typed`).
//! Anything outside the subset, and any type error, is an `Error` with the span of the
//! construct — never a panic of the compiler.

mod array3;
pub mod array_iters;
mod arrays;
mod borrows;
mod check;
mod chunked;
mod chunked_specs;
mod closure_borrows;
mod exprs;
mod float_fns;
mod held_borrows;
mod infer;
mod iters;
mod masks;
mod matches;
mod methods;
mod moves;
mod mut_borrows;
mod nd_eq;
mod patterns;
mod pretty;
mod refuse;
mod resolve;
pub mod typed;
pub mod typed_print;
mod view_borrows;
pub mod views;

#[cfg(test)]
mod tests;

use crate::abi::ty::{self, Ty};
use crate::diag::{Error, Result, Span};
use std::collections::HashMap;

/// A fn's signature as callers see it.
#[derive(Debug, Clone, PartialEq)]
pub struct FnSig {
    pub params: Vec<Ty>,
    pub ret: Ty,
}

/// A workspace variable visible to the cell being checked.
#[derive(Debug, Clone)]
pub struct WsVar {
    pub ty: Ty,
    pub addr: usize,
    pub mutable: bool,
}

/// What a body may refer to besides its own locals.
pub struct Env<'a> {
    pub fns: &'a HashMap<String, FnSig>,
    pub vars: &'a HashMap<String, WsVar>,
    /// `use` declarations of the cell: last path segment (or alias) → full path.
    pub uses: HashMap<String, Vec<String>>,
    pub glob_uses: Vec<Vec<String>>,
    /// `const NAME: T = literal;` items: name → (value, type).
    pub consts: HashMap<String, (typed::ExprKind, Ty)>,
}

pub use check::{check_cell, check_fn, parse_type, sig_of};

impl<'a> Env<'a> {
    pub fn new(
        fns: &'a HashMap<String, FnSig>,
        vars: &'a HashMap<String, WsVar>,
        uses: &[syn::ItemUse],
    ) -> Result<Env<'a>> {
        let mut env = Env {
            fns,
            vars,
            uses: HashMap::new(),
            glob_uses: vec![],
            consts: HashMap::new(),
        };
        for u in uses {
            env.check_use_root(&u.tree)?;
            env.add_use(&u.tree, vec![])?;
        }
        Ok(env)
    }

    /// A `const` item whose value is a (possibly negated) literal.
    pub fn add_const(&mut self, c: &syn::ItemConst) -> Result<()> {
        let mut infer = infer::InferTable::default();
        let t = check::parse_type(&c.ty, &mut infer)?;
        let (neg, lit) = match &*c.expr {
            syn::Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Neg(_),
                expr,
                ..
            }) => (true, &**expr),
            e => (false, e),
        };
        let bad =
            || Error::unsupported(Span::of_node(&*c.expr), "const value that is not a literal");
        let syn::Expr::Lit(l) = lit else {
            return Err(bad());
        };
        let v = match (&l.lit, &t) {
            (syn::Lit::Int(i), ty::Ty::Int(it)) => {
                let v: i128 = i
                    .base10_parse()
                    .map_err(|e| Error::new(Span::of_node(i), e.to_string()))?;
                let v = if neg { -v } else { v };
                if v < it.min() || v > it.max() || (neg && !it.signed()) {
                    return Err(Error::new(
                        Span::of_node(i),
                        format!("literal out of range for `{}`", it.name()),
                    ));
                }
                typed::ExprKind::Int(v)
            }
            (syn::Lit::Float(f), ty::Ty::Float(ft)) => {
                let d = format!("{}{}", if neg { "-" } else { "" }, f.base10_digits());
                let v = if *ft == ty::FloatTy::F32 {
                    d.parse::<f32>().map(|x| x as f64).ok()
                } else {
                    d.parse::<f64>().ok()
                };
                typed::ExprKind::Float(v.ok_or_else(bad)?)
            }
            (syn::Lit::Int(i), ty::Ty::Float(ft)) if i.suffix().is_empty() => {
                // `const X: f64 = 1;` is a type error in Rust.
                let _ = ft;
                return Err(Error::new(Span::of_node(i), "mismatched types")
                    .label(format!("expected `{t}`, found integer")));
            }
            (syn::Lit::Bool(b), ty::Ty::Bool) if !neg => typed::ExprKind::Bool(b.value),
            (syn::Lit::Char(ch), ty::Ty::Char) if !neg => typed::ExprKind::Char(ch.value()),
            _ => return Err(bad()),
        };
        self.consts.insert(c.ident.to_string(), (v, t));
        Ok(())
    }

    pub fn add_use(&mut self, t: &syn::UseTree, prefix: Vec<String>) -> Result<()> {
        match t {
            syn::UseTree::Path(p) => {
                let mut pre = prefix;
                pre.push(p.ident.to_string());
                self.add_use(&p.tree, pre)
            }
            syn::UseTree::Name(n) => {
                let mut full = prefix;
                full.push(n.ident.to_string());
                self.check_use_path(&full, Span::of_node(n))?;
                self.uses.insert(n.ident.to_string(), full);
                Ok(())
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix;
                full.push(r.ident.to_string());
                self.check_use_path(&full, Span::of_node(r))?;
                self.uses.insert(r.rename.to_string(), full);
                Ok(())
            }
            syn::UseTree::Glob(g) => {
                self.check_use_path(&prefix, Span::of_node(g))?;
                self.glob_uses.push(prefix);
                Ok(())
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.add_use(t, prefix.clone())?;
                }
                Ok(())
            }
        }
    }

    fn check_use_path(&self, p: &[String], span: Span) -> Result<()> {
        let p: Vec<&str> = p.iter().map(|s| s.as_str()).collect();
        // `use accel::prelude::*;` / `use ndarray::...`: the prelude is always in scope.
        let known = matches!(
            p.first(),
            Some(&"std") | Some(&"core") | Some(&"accel") | Some(&"ndarray")
        );
        if !known {
            return Err(Error::unsupported(span, format!("`use {}`", p.join("::"))));
        }
        Ok(())
    }

    /// `use rand::Rng;`: the caret goes under the crate, with the `:dep` hint of the rustc tier.
    fn check_use_root(&self, t: &syn::UseTree) -> Result<()> {
        let id = match t {
            syn::UseTree::Path(p) => &p.ident,
            syn::UseTree::Name(n) => &n.ident,
            syn::UseTree::Rename(r) => &r.ident,
            _ => return Ok(()),
        };
        let name = id.to_string();
        // The accel prelude (and the ndarray it re-exports) is the fast tier's own library.
        if matches!(name.as_str(), "std" | "core" | "accel" | "ndarray") {
            return Ok(());
        }
        let what = if matches!(name.as_str(), "self" | "super" | "crate") {
            format!("`use {name}::…`")
        } else {
            format!("external crate `{name}`")
        };
        Err(Error::unsupported(Span::of_node(id), what).hint(format!(
            "use %%rust for the rustc tier, with `:dep {name}` to add the crate"
        )))
    }

    /// Expand a path through the cell's `use`s and strip the `std::`/`core::` prefix.
    pub fn canonical(&self, segs: &[String]) -> Vec<String> {
        let mut v: Vec<String> = match segs.first().and_then(|f| self.uses.get(f)) {
            Some(full) => full.iter().chain(segs[1..].iter()).cloned().collect(),
            None => segs.to_vec(),
        };
        if v.len() == 1 {
            for g in &self.glob_uses {
                let mut full = g.clone();
                full.push(v[0].clone());
                if check::std_const(&strip_std(&full)).is_some() {
                    v = full;
                    break;
                }
            }
        }
        strip_std(&v)
    }
}

pub fn strip_std(v: &[String]) -> Vec<String> {
    if matches!(v.first().map(|s| s.as_str()), Some("std") | Some("core")) {
        v[1..].to_vec()
    } else {
        v.to_vec()
    }
}
