//! If-conversion: `if c { x = y; }` on a scalar local becomes `x = select(c, y, x)`.
//!
//! A branch on data (`if v % i == 0 { flag = false; }` in get_primes) mispredicts whenever
//! the data changes its mind; a select never does, and both sides are a register. Only
//! when the then-branch is that one assignment of a literal or a scalar local (nothing
//! that can panic, call or have effects), so computing it unconditionally is unobservable.

use super::{Lowerer, V};
use crate::diag::Result;
use crate::typeck::typed::{Expr, ExprKind as K, Stmt};
use cranelift_codegen::ir::{InstBuilder, Value};

fn leaf(e: &Expr) -> bool {
    matches!(e.kind, K::Int(_) | K::Bool(_) | K::Float(_))
        || (matches!(e.kind, K::Local(_)) && e.ty.is_scalar())
}

impl Lowerer<'_, '_> {
    /// `if c { x = y; }` (no else) as a select; `None` when the pattern does not apply.
    pub fn try_select_assign(&mut self, cond: Value, then: &Expr) -> Result<Option<V>> {
        let K::Block(b) = &then.kind else {
            return Ok(None);
        };
        let assign = match (b.stmts.as_slice(), &b.tail) {
            ([Stmt::Expr(e)], None) => e,
            ([], Some(e)) => &**e,
            _ => return Ok(None),
        };
        let K::Assign(l, r) = &assign.kind else {
            return Ok(None);
        };
        let K::Local(x) = l.kind else { return Ok(None) };
        if !l.ty.is_scalar() || !leaf(r) || !matches!(super::repr(&l.ty), super::Repr::S(_)) {
            return Ok(None);
        }
        self.set_line(assign.span.line);
        let old = self.read_local(x).s();
        let new = self.expr(r, false)?.s();
        let v = self.b.ins().select(cond, new, old);
        self.write_local(x, V::S(v))?;
        Ok(Some(V::Unit))
    }
}
