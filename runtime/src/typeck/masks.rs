//! Bool arrays (masks) in the fast tier: `a.mapv(|x| x > 0.5)` makes an `Array2<bool>`;
//! `!m`, `&m & &n`, `m | &n`, `m ^ true` and `&=`/`|=`/`^=` are ndarray's logical operators
//! (the accel crate's compiled code, `exec/mask_rt.rs`); `m[[i, j]]` is a 1-byte load.
//!
//! What Rust does not define for `bool` elements is refused as rustc refuses it: numeric
//! reductions and math (`sum`, `mean`, `sqrt`… need `Zero`/`Add`/`Float`: E0599),
//! `zeros`/`ones`/`eye` (E0599), arithmetic operators (E0369), `!` on float arrays (E0600).
//! accel's own reductions that accept any element (`max`, `argmax`, `median`…) and its
//! `Result`-returning comparison helpers (`gt`, `eq_elem`, `where_mask`) are not in the fast
//! tier: refused with the `%%rust` hint.

use super::arrays::nd_of;
use super::check::Checker;
use super::typed::{BinOp, Expr, ExprKind as K, Intr, NdOp};
use crate::abi::ty::Ty;
use crate::diag::Result;
use crate::diag::{Error, Span};

fn shim(name: &'static str, elem_arg: Option<u8>) -> Intr {
    Intr::Nd(NdOp::Shim { name, elem_arg })
}

/// Methods ndarray defines only for numeric elements (rustc: trait bounds not satisfied).
const NUMERIC_ONLY: &[&str] = &[
    "sum",
    "product",
    "mean",
    "std",
    "var",
    "sum_axis",
    "mean_axis",
    "dot",
    "powi",
    "powf",
];
/// Methods the fast tier runs on bool arrays.
const MASK_OK: &[&str] = &[
    "len",
    "ndim",
    "dim",
    "shape",
    "nrows",
    "ncols",
    "mapv",
    "mapv_inplace",
    "clone",
    "to_owned",
    "t",
    "reversed_axes",
    "fill",
    "view",
    "view_mut",
    "row",
    "column",
    "row_mut",
    "column_mut",
    "index_axis",
    "index_axis_mut",
    "slice",
    "slice_mut",
    "assign",
    "iter",
];
/// accel's `BroadcastOps`: comparisons and `where_mask` returning `Result<ArrayD<_>>`.
const BROADCAST_OPS: &[&str] = &[
    "gt",
    "ge",
    "lt",
    "le",
    "eq_elem",
    "ne_elem",
    "where_mask",
    "try_add",
    "try_sub",
    "try_mul",
    "try_div",
];

impl<'a, 'e> Checker<'a, 'e> {
    fn is_bool_elem(&mut self, t: &Ty) -> bool {
        matches!(nd_of(&self.infer.resolve(t, false)), Some((Ty::Bool, _)))
    }

    /// Before dispatching a method of an array with element `elem`.
    pub fn mask_method_check(&mut self, elem: &Ty, name: &str, rt: &Ty, span: Span) -> Result<()> {
        if BROADCAST_OPS.contains(&name) {
            return Err(Error::unsupported(span, format!("accel's `{name}` (a `Result<ArrayD<_>>`) in the fast tier")).hint(
                "compare elementwise with `a.mapv(|x| x > y)` (a mask of the same dimension), or use %%rust",
            ));
        }
        if self.infer.shallow(elem) != Ty::Bool || MASK_OK.contains(&name) {
            return Ok(());
        }
        let shown = self.infer.show(rt);
        // ndarray's sums and means are generic over `A: Zero` (`product` over `One`): rustc's E0277
        if matches!(name, "sum" | "sum_axis" | "mean" | "mean_axis" | "product") {
            let tr = if name == "product" { "One" } else { "Zero" };
            return Err(Error::new(
                span,
                format!("the trait bound `bool: {tr}` is not satisfied"),
            )
            .code("E0277")
            .hint("count or convert first: `m.mapv(|b| b as i32).sum()`"));
        }
        if NUMERIC_ONLY.contains(&name) || crate::abi::symbols::ARRAY_UNARY.contains(&name) {
            return Err(Error::new(span, format!("the method `{name}` exists for struct `{shown}`, but its trait bounds were not satisfied"))
                .code("E0599")
                .hint("count or convert first: `m.mapv(|b| b as i32).sum()`"));
        }
        Err(Error::unsupported(
            span,
            format!("method `{name}` of `{shown}` in the fast tier"),
        ))
    }

    /// `Array2::<bool>::zeros(..)`, `ones`, `eye`: bool is not a number.
    pub fn mask_ctor_check(&mut self, elem: &Ty, f: &str, nd: u8, span: Span) -> Result<()> {
        if self.infer.shallow(elem) == Ty::Bool {
            let tr = if f == "zeros" { "Zero" } else { "One" };
            return Err(Error::new(
                span,
                format!("the trait bound `bool: {tr}` is not satisfied"),
            )
            .code("E0277")
            .label(format!("`Array{nd}::<bool>::{f}` needs a number type"))
            .hint("use `Array::from_elem(shape, false)`"));
        }
        Ok(())
    }

    /// `+ - * / %` with a bool array on either side (`span`: the operator, where rustc points).
    pub fn mask_arith_check(&mut self, op: BinOp, l: &Expr, r: &Expr, span: Span) -> Result<()> {
        if !matches!(
            op,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem
        ) || !(self.is_bool_elem(&l.ty) || self.is_bool_elem(&r.ty))
        {
            return Ok(());
        }
        let verb = match op {
            BinOp::Add => "add",
            BinOp::Sub => "subtract",
            BinOp::Mul => "multiply",
            BinOp::Div => "divide",
            _ => "calculate the remainder of",
        };
        let (ls, rs) = (
            self.infer.resolve(&l.ty, false),
            self.infer.resolve(&r.ty, false),
        );
        let (ls, rs) = (self.infer.show(&ls), self.infer.show(&rs));
        let msg = match op {
            BinOp::Add | BinOp::Sub => format!(
                "cannot {verb} `{rs}` {} `{ls}`",
                if op == BinOp::Add { "to" } else { "from" }
            ),
            BinOp::Mul | BinOp::Div => format!("cannot {verb} `{ls}` by `{rs}`"),
            _ => format!("cannot {verb} `{ls}` divided by `{rs}`"),
        };
        Err(Error::new(span, msg).code("E0369").hint(
            "bool arrays combine with `&`, `|`, `^` and `!`; convert with `.mapv(|b| b as i32)`",
        ))
    }

    /// Method checks at the method name (where rustc points), before the call is typed.
    pub fn nd_method_precheck(&mut self, recv: &Expr, method: &syn::Ident) -> Result<()> {
        let rt = self.infer.resolve(recv.ty.peel_refs(), false);
        if let Ty::Nd(e, n) | Ty::NdView(e, n, _) = &rt {
            let (name, span) = (method.to_string(), Span::of_node(method));
            self.mask_method_check(e, &name, &rt, span)?;
            self.nd3_method_check(*n, &name, &rt, span)?;
        }
        Ok(())
    }

    /// `&`, `|`, `^` (and `&=`, `|=`, `^=`) with an array on either side: bool arrays only.
    pub fn mask_binary(
        &mut self,
        op: BinOp,
        assign: bool,
        l: Expr,
        r: Expr,
        span: Span,
    ) -> Result<Expr> {
        let lt = self.infer.resolve(&l.ty, false);
        let rt = self.infer.resolve(&r.ty, false);
        let (la, ra) = (nd_of(&lt), nd_of(&rt));
        let elem = la.as_ref().or(ra.as_ref()).map(|x| x.0.clone()).unwrap();
        if self.infer.shallow(&elem) != Ty::Bool {
            return Err(Error::unsupported(
                span,
                format!(
                    "operator `{}` on arrays of `{}`",
                    super::exprs::op_str(op),
                    self.infer.show(&elem)
                ),
            ));
        }
        for (x, xt) in [(&la, &lt), (&ra, &rt)] {
            let ok = match x {
                Some((e, _)) => self.infer.unify(e, &Ty::Bool).is_ok(),
                None => self.infer.unify(xt.peel_refs(), &Ty::Bool).is_ok(),
            };
            if !ok {
                return Err(Error::new(
                    span,
                    format!(
                        "no implementation for `{} {} {}`",
                        self.infer.show(&lt),
                        super::exprs::op_str(op),
                        self.infer.show(&rt)
                    ),
                )
                .code("E0369"));
            }
        }
        let code = Expr::new(
            K::Int(match op {
                BinOp::BitAnd => 0,
                BinOp::BitOr => 1,
                _ => 2,
            }),
            Ty::I64,
            span,
        );
        if assign {
            if la.is_none() {
                return Err(Error::new(
                    span,
                    format!(
                        "no implementation for `{} {}= {}`",
                        self.infer.show(&lt),
                        super::exprs::op_str(op),
                        self.infer.show(&rt)
                    ),
                )
                .code("E0368"));
            }
            let l = self.by_ref(l, true)?;
            return Ok(match ra {
                Some(_) => {
                    let r = self.by_ref(r, false)?;
                    Expr::new(
                        K::Intrinsic(shim("assign_logic_aa", Some(0)), vec![l, r, code]),
                        Ty::Unit,
                        span,
                    )
                }
                None => {
                    let r = self.auto_deref(r);
                    Expr::new(
                        K::Intrinsic(shim("assign_logic_as", Some(0)), vec![l, r, code]),
                        Ty::Unit,
                        span,
                    )
                }
            });
        }
        let nd = la
            .as_ref()
            .map(|x| x.1)
            .unwrap_or(0)
            .max(ra.as_ref().map(|x| x.1).unwrap_or(0));
        let out = Ty::Nd(Box::new(Ty::Bool), nd);
        Ok(match (la.is_some(), ra.is_some()) {
            (true, true) => Expr::new(
                K::Intrinsic(shim("logic_aa", Some(0)), vec![l, r, code]),
                out,
                span,
            ),
            (true, false) => {
                let r = self.auto_deref(r);
                Expr::new(
                    K::Intrinsic(shim("logic_as", Some(0)), vec![l, r, code]),
                    out,
                    span,
                )
            }
            _ => {
                let l = self.auto_deref(l);
                Expr::new(
                    K::Intrinsic(shim("logic_sa", Some(1)), vec![l, r, code]),
                    out,
                    span,
                )
            }
        })
    }

    /// `!m` / `!&m` on a bool array (ndarray's `Not`): a new array.
    pub fn nd_not(&mut self, x: Expr, span: Span) -> Result<Expr> {
        let t = self.infer.resolve(&x.ty, false);
        let (elem, nd) = nd_of(&t).unwrap();
        match self.infer.shallow(&elem) {
            Ty::Bool => {}
            Ty::Int(_) => return Err(Error::unsupported(span, "`!` on integer arrays")),
            _ => {
                return Err(Error::new(
                    span,
                    format!(
                        "cannot apply unary operator `!` to type `{}`",
                        self.infer.show(&t)
                    ),
                )
                .code("E0600"))
            }
        }
        if let Ty::NdView(..) = t {
            return Err(Error::new(
                span,
                format!(
                    "cannot apply unary operator `!` to type `{}`",
                    self.infer.show(&t)
                ),
            )
            .code("E0600")
            .hint("borrow the view: `!&v`"));
        }
        // `!m` consumes `m` (the shim call frees it, the move checker sees the move); `!&m` reads
        Ok(Expr::new(
            K::Intrinsic(shim("not", Some(0)), vec![x]),
            Ty::Nd(Box::new(Ty::Bool), nd),
            span,
        ))
    }
}
