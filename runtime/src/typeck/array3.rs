//! 3-d arrays (`Array3<T>`) in the fast tier: constructors take `(n, m, k)` shapes (the
//! shims' shape ABI is `(ndim, d0, d1, d2)`), `a[[i, j, k]]` is a strided load/store with
//! ndarray's bounds check (the header keeps axis 2 after the fields 1-d/2-d code shares, see
//! `exec::array_rt::off_dim`), and library methods run on the accel crate's `ArrayD` as for
//! 1-d and 2-d arrays. Views of 3-d arrays are not in the fast tier (a view header holds two
//! axes): refused with the `%%rust` hint, as are the 2-d-only methods rustc rejects.

use super::check::{Ck, R};
use super::ty::Ty;
use crate::diag::{Error, Span};

/// View-making methods (`typeck/views.rs`), not available on 3-d arrays in the fast tier.
const VIEWS: &[&str] = &["view", "view_mut", "t", "reversed_axes", "slice", "slice_mut", "index_axis", "index_axis_mut", "assign"];
/// Methods ndarray defines only for 2-d arrays.
const TWO_D_ONLY: &[&str] = &["nrows", "ncols", "row", "column", "row_mut", "column_mut", "diag", "dot"];

impl<'a, 'e> Ck<'a, 'e> {
    /// Before dispatching a method of an `nd`-dimensional array.
    pub fn nd3_method_check(&mut self, nd: u8, name: &str, rt: &Ty, span: Span) -> R<()> {
        if nd != 3 {
            return Ok(());
        }
        if VIEWS.contains(&name) {
            return Err(Error::unsupported(span, format!("`{name}` on a 3-d array (views of 3-d arrays)")));
        }
        if TWO_D_ONLY.contains(&name) {
            return Err(Error::new(span, format!("no method named `{name}` found for struct `{}` in the current scope", self.infer.show(rt))).code("E0599"));
        }
        Ok(())
    }
}
