//! `Chunked` / `ArrayD` operations that are more than a shim call (those go through
//! `lower/arrays.rs`'s `nd_shim`): retyping an array box, the run-time check of
//! `into_dimensionality`, `shape()`, `chunks()`, and the address of a user fn for `map_blocks`.

use super::{Lowerer, V};
use crate::abi::ty::Ty;
use crate::diag::{Error, Result, Span};
use crate::typeck::typed::{ChOp, Expr, ExprKind as K};
use cranelift_codegen::ir::{types, InstBuilder};

impl Lowerer<'_, '_> {
    pub fn ch_intrinsic(&mut self, op: ChOp, args: &[Expr], _t: &Ty, span: Span) -> Result<V> {
        match op {
            // The same box, seen through another type: `&ArrayD` as `&Array2`, or an owned
            // `Array2` as an owned `ArrayD` (the operand is consumed).
            ChOp::AsNd => self.expr(&args[0], false),
            ChOp::Retype => self.expr(&args[0], true),
            ChOp::IntoDim(k) => {
                let owned = !matches!(args[0].ty, Ty::Ref(..));
                let p = self.expr(&args[0], owned)?.s();
                if !self.reachable() {
                    return Ok(V::Unit);
                }
                let ctx = self.ctx();
                let kv = self.b.ins().iconst(types::I64, k as i64);
                let ov = self.b.ins().iconst(types::I64, owned as i64);
                let line = self.b.ins().iconst(types::I64, self.line as i64);
                let r = self.call_rt("nd_ch_into_dim", &[ctx, p, kv, ov, line], &[types::I64])[0];
                self.check_failure();
                Ok(V::S(r))
            }
            ChOp::Shape => {
                let kind = match args[0].ty.peel_refs() {
                    Ty::Chunked(_) => 0,
                    _ => 1,
                };
                let p = self.expr(&args[0], false)?.s();
                if !self.reachable() {
                    return Ok(V::Unit);
                }
                let kv = self.b.ins().iconst(types::I64, kind);
                let ptr = self.call_rt("nd_ch_shape_ptr", &[p, kv], &[types::I64])[0];
                let len = self.call_rt("nd_ch_shape_len", &[p, kv], &[types::I64])[0];
                Ok(V::F(ptr, len))
            }
            ChOp::Chunks => {
                let p = self.expr(&args[0], false)?.s();
                if !self.reachable() {
                    return Ok(V::Unit);
                }
                let ptr = self.call_rt("nd_ch_chunks_ptr", &[p], &[types::I64])[0];
                let len = self.call_rt("nd_ch_chunks_len", &[p], &[types::I64])[0];
                Ok(V::F(ptr, len))
            }
            ChOp::FnAddr => {
                let K::Call(name, _) = &args[0].kind else {
                    return Err(Error::new(span, "internal: FnAddr without a fn"));
                };
                let Some((fid, _)) = self.fns.get(name).cloned() else {
                    return Err(Error::new(
                        span,
                        format!("internal: fn `{name}` not declared"),
                    ));
                };
                let key = format!("fn:{name}");
                let fref = match self.func_refs.get(&key) {
                    Some(r) => *r,
                    None => {
                        let r = cranelift_module::Module::declare_func_in_func(
                            self.module,
                            fid,
                            self.b.func,
                        );
                        self.func_refs.insert(key, r);
                        r
                    }
                };
                Ok(V::S(self.b.ins().func_addr(types::I64, fref)))
            }
        }
    }
}
