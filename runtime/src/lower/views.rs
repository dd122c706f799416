//! Array views in compiled code: a view is its header in a stack slot, filled by the accel
//! crate's ndarray code (`exec::view_rt`, the `nd_view_<elem>` shim); element access and
//! header reads then go through `lower/arrays.rs` like an owned array's, except that a
//! view's header is ordinary memory (a slot reused by the next `let r = a.row(i)` of a
//! loop), so its loads are not marked read-only.

use super::{Lowerer, V};
use crate::abi::ty::Ty;
use crate::diag::{Error, Result, Span};
use crate::typeck::typed::Expr;
use cranelift_codegen::ir::{types, InstBuilder};

impl Lowerer<'_, '_> {
    /// `nd_view_<elem>(ctx, &array, out, op, i, j, spec, n, line)` into a fresh slot.
    pub fn nd_view(&mut self, op: u8, args: &[Expr], t: &Ty, span: Span) -> Result<V> {
        let Ty::NdView(e, _, _) = t else {
            return Err(Error::new(span, "internal: view op without a view type"));
        };
        let sfx = crate::abi::symbols::elem_suffix(e).ok_or_else(|| {
            Error::unsupported(
                span,
                format!("arrays of `{e}` in the fast tier (f64, f32, i64, i32 are supported)"),
            )
        })?;
        let sym = self.imports.shim_name(&format!("nd_view_{sfx}")).unwrap();
        let a = self.expr(&args[0], false)?.s();
        let i = self.expr(&args[1], false)?.s();
        let j = self.expr(&args[2], false)?.s();
        let spec = self.expr(&args[3], false)?.s();
        let n = (match &args[3].ty {
            Ty::Array(_, k) => *k,
            _ => 4,
        } / 4) as i64;
        if !self.reachable() {
            return Ok(V::Unit);
        }
        let out = self.slot_for(t);
        let ctx = self.ctx();
        let opv = self.b.ins().iconst(types::I64, op as i64);
        let nv = self.b.ins().iconst(types::I64, n);
        let line = self.b.ins().iconst(types::I64, self.line as i64);
        self.count().calls += 1;
        self.call_rt(sym, &[ctx, a, out, opv, i, j, spec, nv, line], &[]);
        self.check_failure();
        Ok(V::A(out))
    }
}
