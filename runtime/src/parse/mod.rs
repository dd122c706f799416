//! Stage 1: cell text → syn items and statements, refusing item kinds outside the subset.
//! Expression-level refusals happen in `typeck`, which is the first stage that walks bodies.

pub mod macros;

use crate::diag::{Error, Result, Span};
use syn::parse::Parser;

/// A parsed `%%jit` cell: fns (visible everywhere in the cell), `use`s, the top-level
/// statements in order, and the trailing expression whose value is displayed.
pub struct Cell {
    pub fns: Vec<syn::ItemFn>,
    pub uses: Vec<syn::ItemUse>,
    /// `const` items (literal values), visible to the cell's fns and later cells.
    pub consts: Vec<syn::ItemConst>,
    pub stmts: Vec<syn::Stmt>,
    pub tail: Option<syn::Expr>,
}

pub fn parse_cell(src: &str) -> Result<Cell> {
    let stmts = syn::Block::parse_within.parse_str(src).map_err(syn_error)?;
    let mut cell = Cell {
        fns: vec![],
        uses: vec![],
        consts: vec![],
        stmts: vec![],
        tail: None,
    };
    let n = stmts.len();
    for (i, st) in stmts.into_iter().enumerate() {
        match st {
            syn::Stmt::Item(item) => match item {
                syn::Item::Fn(f) => {
                    check_fn_sig(&f)?;
                    cell.fns.push(f)
                }
                syn::Item::Use(u) => {
                    check_attrs(&u.attrs)?;
                    cell.uses.push(u)
                }
                syn::Item::Const(c) => cell.consts.push(c),
                other => return Err(Error::unsupported(Span::of_node(&other), item_kind(&other))),
            },
            syn::Stmt::Expr(e, None) if i + 1 == n => cell.tail = Some(e),
            other => cell.stmts.push(other),
        }
    }
    Ok(cell)
}

/// Parse a single expression (used by `%timeit`).
pub fn parse_expr(src: &str) -> Result<syn::Expr> {
    syn::parse_str::<syn::Expr>(src).map_err(syn_error)
}

pub fn syn_error(e: syn::Error) -> Error {
    Error::new(Span::of(e.span()), e.to_string())
}

fn item_kind(i: &syn::Item) -> &'static str {
    match i {
        syn::Item::Struct(_) => "struct definition",
        syn::Item::Enum(_) => "enum definition",
        syn::Item::Impl(_) => "impl block",
        syn::Item::Trait(_) => "trait definition",
        syn::Item::Const(_) => "const item",
        syn::Item::Static(_) => "static item",
        syn::Item::Mod(_) => "module",
        syn::Item::Macro(_) => "macro item",
        syn::Item::Type(_) => "type alias",
        syn::Item::Union(_) => "union",
        syn::Item::ExternCrate(_) => "extern crate",
        syn::Item::ForeignMod(_) => "extern block",
        _ => "item",
    }
}

fn check_attrs(attrs: &[syn::Attribute]) -> Result<()> {
    for a in attrs {
        let ok =
            a.path().is_ident("inline") || a.path().is_ident("allow") || a.path().is_ident("doc");
        if !ok {
            return Err(Error::unsupported(Span::of_node(a), "attribute"));
        }
    }
    Ok(())
}

fn check_fn_sig(f: &syn::ItemFn) -> Result<()> {
    check_attrs(&f.attrs)?;
    let s = &f.sig;
    if let Some(t) = &s.constness {
        return Err(Error::unsupported(Span::of_node(t), "`const fn`"));
    }
    if let Some(t) = &s.asyncness {
        return Err(Error::unsupported(Span::of_node(t), "`async fn`"));
    }
    if let Some(t) = &s.unsafety {
        return Err(Error::unsupported(Span::of_node(t), "`unsafe fn`"));
    }
    if let Some(t) = &s.abi {
        return Err(Error::unsupported(Span::of_node(t), "extern ABI"));
    }
    if !s.generics.params.is_empty() || s.generics.where_clause.is_some() {
        return Err(Error::unsupported(Span::of_node(&s.generics), "generic fn"));
    }
    if let Some(v) = &s.variadic {
        return Err(Error::unsupported(Span::of_node(v), "variadic fn"));
    }
    if !matches!(f.vis, syn::Visibility::Inherited) {
        // `pub fn` is harmless in a notebook: accept and ignore.
    }
    for p in &s.inputs {
        if let syn::FnArg::Receiver(r) = p {
            return Err(Error::unsupported(Span::of_node(r), "`self` parameter"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_items_statements_and_tail() {
        let c = parse_cell("fn f(x: i64) -> i64 { x }\nlet a = f(2);\na + 1").unwrap();
        assert_eq!(c.fns.len(), 1);
        assert_eq!(c.stmts.len(), 1);
        assert!(c.tail.is_some());
    }

    #[test]
    fn refuses_struct_with_span() {
        let e = parse_cell("let a = 1;\nstruct S { x: i32 }").err().unwrap();
        assert_eq!((e.span.line, e.span.col), (2, 0));
        let d = e.to_diagnostic("let a = 1;\nstruct S { x: i32 }");
        assert!(
            d.rendered
                .contains("unsupported struct definition in %%jit"),
            "{}",
            d.rendered
        );
        assert!(d.rendered.contains("--> cell:2:1"));
        assert!(d.rendered.contains("hint: use %%rust"));
    }

    #[test]
    fn syntax_error_is_a_diagnostic() {
        let e = parse_cell("let a = ;").err().unwrap();
        assert_eq!(e.span.line, 1);
    }
}
