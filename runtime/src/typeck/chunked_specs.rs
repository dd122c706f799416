//! The accel prelude's chunk layout in the fast tier, both ways: chunk specs passed in
//! (`IntoChunks`: a shape, one length, a byte budget, a `Vec<usize>`/`&[usize]`, explicit
//! lengths `Vec<Vec<usize>>`), what an array tells of its chunks (`chunks()`, `chunksize()`,
//! `nbytes()`), its task graph drawn (`visualize()`), and arrays joined
//! (`Chunked::concatenate` / `Chunked::stack`). All of it calls the accel crate
//! (`exec::chunked_rt`), as the rustc tier does.

use super::check::Checker;
use super::chunked::{int, shim};
use super::typed::{ChOp, Expr, ExprKind as K, Intr};
use crate::abi::ty::{Ty, VarKind, ANY_NDIM};
use crate::diag::Result;
use crate::diag::{Error, Span};

impl<'a, 'e> Checker<'a, 'e> {
    /// A chunk spec (`IntoChunks`) → [mode, n, c0, c1, c2, &str]: mode 0 a shape tuple/array
    /// (n lengths), 1 one length for every axis, 2 a byte budget string, 3 a `Vec<usize>` and
    /// 4 a `Vec<Vec<usize>>` (c0 is the Vec), 5 a `&[usize]` (in the str slot).
    pub(super) fn ch_chunks(&mut self, e: &syn::Expr, span: Span) -> Result<Vec<Expr>> {
        let empty: syn::Expr = syn::parse_quote!("");
        // `vec![a, b]` is a `Vec<usize>`: one length per axis, like a tuple or an array
        let vec_elems: Option<Vec<syn::Expr>> = match e {
            syn::Expr::Macro(m) if m.mac.path.is_ident("vec") => vec_lengths(m),
            _ => None,
        };
        let (mode, dims, s): (i64, Vec<&syn::Expr>, &syn::Expr) = match e {
            syn::Expr::Macro(_) if vec_elems.is_some() => (0, vec_elems.as_ref().unwrap().iter().collect(), &empty),
            syn::Expr::Tuple(t) => (0, t.elems.iter().collect(), &empty),
            syn::Expr::Array(a) => (0, a.elems.iter().collect(), &empty),
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(_), .. }) => (2, vec![], e),
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(_), .. }) => (1, vec![e], &empty),
            syn::Expr::Macro(m) if !m.mac.path.is_ident("vec") => return Err(Error::unsupported(Span::of_node(e), "this macro as a chunk spec (write a tuple `(a, b)`, an array `[a, b]` or `vec![a, b]`)")),
            other => return self.ch_chunks_value(other, span),
        };
        if dims.len() > 3 {
            return Err(Error::unsupported(
                span,
                "chunked arrays of more than 3 dimensions",
            ));
        }
        let mut out = vec![int(mode, span), int(dims.len() as i64, span)];
        for d in &dims {
            out.push(self.arg(d, &Ty::USIZE)?);
        }
        while out.len() < 5 {
            out.push(int(0, span));
        }
        let sv = self.expr(s, None)?;
        if !matches!(self.infer.resolve(&sv.ty, false), Ty::Ref(ref t, _) if **t == Ty::Str) {
            return Err(Error::new(sv.span, "mismatched types").label(
                "expected a chunk spec: a tuple of lengths, one length or a `&str` byte budget",
            ));
        }
        out.push(sv);
        Ok(out)
    }

    /// A chunk spec that is a value: a `&str` budget, one length, a `Vec<usize>`, a
    /// `Vec<Vec<usize>>` (explicit lengths per axis) or a `&[usize]`.
    fn ch_chunks_value(&mut self, e: &syn::Expr, span: Span) -> Result<Vec<Expr>> {
        let empty: syn::Expr = syn::parse_quote!("");
        let v = self.expr(e, None)?;
        let t = self.infer.resolve(&v.ty, false);
        let zero = |n: usize| (0..n).map(|_| int(0, span)).collect::<Vec<_>>();
        let vec_of = |t: Ty| Ty::Vec(Box::new(t));
        match &t {
            Ty::Ref(s, _) if **s == Ty::Str => {
                let mut out = vec![int(2, span)];
                out.extend(zero(4));
                out.push(v);
                Ok(out)
            }
            Ty::Vec(inner) => {
                let rows = matches!(self.infer.resolve(inner, false), Ty::Vec(_));
                let want = if rows {
                    vec_of(vec_of(Ty::USIZE))
                } else {
                    vec_of(Ty::USIZE)
                };
                self.unify(&want, &v.ty, v.span)?;
                let es = self.expr(&empty, None)?;
                let mut out = vec![int(if rows { 4 } else { 3 }, span), int(0, span), v];
                out.extend(zero(2));
                out.push(es);
                Ok(out)
            }
            Ty::Ref(s, false) if matches!(&**s, Ty::Slice(_)) => {
                self.unify(
                    &Ty::Ref(Box::new(Ty::Slice(Box::new(Ty::USIZE))), false),
                    &v.ty,
                    v.span,
                )?;
                let mut out = vec![int(5, span)];
                out.extend(zero(4));
                out.push(v);
                Ok(out)
            }
            Ty::Ref(..) if !matches!(t.peel_refs(), Ty::Int(_) | Ty::Infer(_)) => Err(Error::new(
                v.span,
                format!(
                    "the trait bound `{}: IntoChunks` is not satisfied",
                    self.infer.show(&t)
                ),
            )
            .code("E0277")
            .label("the trait `IntoChunks` is not implemented for this type")),
            _ => {
                // one length for every axis
                let v = self.auto_deref(v);
                match self.infer.shallow(&v.ty) {
                    Ty::Int(_) => {}
                    Ty::Infer(i) if self.infer.kind(i) == VarKind::Int => {}
                    t => {
                        return Err(Error::new(v.span, format!("the trait bound `{}: IntoChunks` is not satisfied", self.infer.show(&t)))
                            .code("E0277")
                            .label("expected a chunk spec: a tuple of lengths, one length, a `&str` byte budget or a `Vec`"))
                    }
                }
                self.unify(&Ty::USIZE, &v.ty, v.span)?;
                let es = self.expr(&empty, None)?;
                Ok(vec![
                    int(1, span),
                    int(1, span),
                    v,
                    int(0, span),
                    int(0, span),
                    es,
                ])
            }
        }
    }

    /// `Chunked::concatenate(&[a, b, ..], Axis(k))` and `Chunked::stack(..)`: the arrays written
    /// out in the call (they move into it, as into rustc's temporary array), 1 to 6 of them.
    pub(super) fn ch_combine(&mut self, f: &str, args: &[&syn::Expr], span: Span) -> Result<Expr> {
        self.nargs(args, 2, span)?;
        let list = match args[0] {
            syn::Expr::Reference(r) if r.mutability.is_none() => match &*r.expr {
                syn::Expr::Array(a) => Some(a.elems.iter().collect::<Vec<_>>()),
                _ => None,
            },
            _ => None,
        };
        let Some(list) = list.filter(|l| (1..=6).contains(&l.len())) else {
            return Err(Error::unsupported(Span::of_node(args[0]), format!("this argument to `Chunked::{f}` in the fast tier (write 1 to 6 arrays out: `&[a, b]`)")));
        };
        let kind = if f == "stack" { 1 } else { 0 };
        let mut a = vec![int(kind, span), Expr::new(K::Int(0), Ty::I64, span)];
        let mut nd = None;
        for x in &list {
            let v = self.expr(x, None)?;
            let Ty::Chunked(n) = self.infer.resolve(&v.ty, false) else {
                return Err(Error::new(v.span, "mismatched types")
                    .code("E0308")
                    .label(format!(
                        "expected `Chunked`, found `{}`",
                        self.infer.show(&v.ty)
                    )));
            };
            nd = Some(match nd {
                None => n,
                Some(m) if m == n => m,
                Some(_) => ANY_NDIM,
            });
            a.push(v);
        }
        let ax = self.ch_axis(args[1])?;
        a[1] = Expr::new(K::Cast(Box::new(ax)), Ty::I64, span);
        let nd = match nd.unwrap() {
            ANY_NDIM => ANY_NDIM,
            n if kind == 1 => n + 1,
            n => n,
        };
        Ok(Expr::new(
            K::Intrinsic(shim(crate::abi::symbols::CHUNKED_CAT[list.len() - 1]), a),
            Ty::Chunked(nd),
            span,
        ))
    }

    /// `chunks()`, `chunksize()`, `nbytes()`, `visualize()` of a `Chunked` (`r` is `&Chunked`).
    pub(super) fn ch_info_method(
        &mut self,
        r: Expr,
        name: &str,
        args: &[&syn::Expr],
        span: Span,
    ) -> Result<Option<Expr>> {
        let call =
            |n: &'static str, a: Vec<Expr>, t: Ty| Expr::new(K::Intrinsic(shim(n), a), t, span);
        Ok(Some(match name {
            "chunks" => {
                self.nargs(args, 0, span)?;
                let rows = Ty::Ref(
                    Box::new(Ty::Slice(Box::new(Ty::Vec(Box::new(Ty::USIZE))))),
                    false,
                );
                Expr::new(K::Intrinsic(Intr::Ch(ChOp::Chunks), vec![r]), rows, span)
            }
            "chunksize" => {
                self.nargs(args, 0, span)?;
                call("ch_chunksize", vec![r], Ty::Vec(Box::new(Ty::USIZE)))
            }
            "nbytes" => {
                self.nargs(args, 0, span)?;
                call("ch_count", vec![r, int(5, span)], Ty::USIZE)
            }
            "visualize" => {
                self.nargs(args, 0, span)?;
                call("ch_visualize", vec![r], Ty::Svg)
            }
            _ => return Ok(None),
        }))
    }
}

/// The lengths of a `vec![a, b, ..]` chunk spec written out; `None` for `vec![n; k]` and
/// nested `vec![vec![..], ..]` (explicit lengths per axis), which are typed as values.
fn vec_lengths(m: &syn::ExprMacro) -> Option<Vec<syn::Expr>> {
    use syn::punctuated::Punctuated;
    let elems = m
        .mac
        .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .ok()?;
    if elems
        .iter()
        .any(|x| matches!(x, syn::Expr::Macro(_) | syn::Expr::Array(_)))
    {
        return None;
    }
    Some(elems.into_iter().collect())
}
