//! `Option` values (feature `options`): `checked_add/sub/mul/div/rem/neg/pow` consumed by
//! `unwrap()` (rustc's "called `Option::unwrap()` on a `None` value" panic), `unwrap_or`,
//! `match` with `Some(x)`/`None` arms and `if let Some(x) = .. else ..`, as expressions and as
//! an `if let` statement.

use super::ty::Ty;
use super::{Gen, Kind, Var};

impl<'a> Gen<'a> {
    /// An `Option<t>` expression (int `t`): a checked operation, sometimes one that is None.
    fn checked_op(&mut self, t: Ty, d: u32) -> String {
        let a = self.expr(t, d - 1);
        let m = *self.rng.pick(&[
            "checked_add",
            "checked_sub",
            "checked_mul",
            "checked_div",
            "checked_rem",
            "checked_neg",
            "checked_pow",
        ]);
        match m {
            "checked_neg" => format!("({a}).checked_neg()"),
            "checked_pow" => format!("({a}).checked_pow({})", self.rng.below(12)),
            "checked_div" | "checked_rem" => {
                // Zero (None), -1 (MIN / -1 is None) or anything.
                let b = match self.rng.below(4) {
                    0 => self.int_lit_of(t, 0, true),
                    1 if t.is_signed() => self.int_lit_of(t, -1, true),
                    _ => self.expr(t, d - 1),
                };
                format!("({a}).{m}({b})")
            }
            _ => format!("({a}).{m}({})", self.expr(t, d - 1)),
        }
    }

    /// An expression of int type `t` that goes through an `Option<t>`.
    pub fn option_expr(&mut self, t: Ty, d: u32) -> String {
        let opt = self.checked_op(t, d);
        // `unwrap()` rarely: random checked operations are often None, and a panic ends the program.
        match self.rng.below(10) {
            0 => format!("{opt}.unwrap()"),
            1..=4 => format!("{opt}.unwrap_or({})", self.expr(t, d - 1)),
            5..=7 => {
                let x = self.fresh("o");
                let some = self.with_scalar(&x, t, |g| g.expr(t, d - 1));
                let none = self.expr(t, d - 1);
                if self.rng.chance(50) {
                    format!("(match {opt} {{ Some({x}) => {some}, None => {none} }})")
                } else {
                    format!("(match {opt} {{ None => {none}, Some({x}) => {some} }})")
                }
            }
            _ => {
                let x = self.fresh("o");
                let some = self.with_scalar(&x, t, |g| g.expr(t, d - 1));
                let none = self.expr(t, d - 1);
                format!("(if let Some({x}) = {opt} {{ {some} }} else {{ {none} }})")
            }
        }
    }

    /// A bool from an Option: `is_some()` / `is_none()`.
    pub fn option_bool(&mut self, d: u32) -> String {
        let t = *self.rng.pick(&super::ty::INTS);
        let opt = self.checked_op(t, d);
        format!("{opt}.{}()", self.rng.pick(&["is_some", "is_none"]))
    }

    fn with_scalar<R>(&mut self, name: &str, t: Ty, f: impl FnOnce(&mut Self) -> R) -> R {
        self.scopes.push(vec![Var {
            name: name.to_string(),
            kind: Kind::Scalar(t),
            mutable: false,
            frozen: false,
            len_min: 0,
            len_max: 0,
        }]);
        let r = f(self);
        self.scopes.pop();
        r
    }

    /// `if let Some(x) = checked { stmts } [else { stmts }]` as a statement.
    pub fn if_let_stmt(&mut self, depth: u32) {
        let t = *self.rng.pick(&super::ty::INTS);
        let opt = self.checked_op(t, 2);
        let x = self.fresh("o");
        self.emit(format!("if let Some({x}) = {opt} {{"));
        self.indent += 1;
        self.scopes.push(vec![Var {
            name: x,
            kind: Kind::Scalar(t),
            mutable: false,
            frozen: false,
            len_min: 0,
            len_max: 0,
        }]);
        let n = 1 + self.rng.below(2) as usize;
        self.block_stmts(n, depth + 1);
        self.scopes.pop();
        self.indent -= 1;
        if self.rng.chance(50) {
            self.emit("} else {".into());
            self.indent += 1;
            self.scopes.push(vec![]);
            self.block_stmts(1, depth + 1);
            self.scopes.pop();
            self.indent -= 1;
        }
        self.emit("}".into());
    }
}
