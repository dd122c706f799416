//! Arrays as text and HTML: the accel crate's own reprs, so both tiers agree.

use crate::abi::ndbox::{arr, owned_arr};
use crate::abi::ty::{FloatTy, IntTy, Ty};
use accel::display::Repr;
use ndarray::{ArrayViewD, Ix1, Ix2, Ix3};

macro_rules! by_elem {
    ($t:expr, $p:expr, |$a:ident| $body:expr) => {
        match $t {
            Ty::Float(FloatTy::F64) => {
                let $a = unsafe { arr::<f64>($p) };
                $body
            }
            Ty::Float(FloatTy::F32) => {
                let $a = unsafe { arr::<f32>($p) };
                $body
            }
            Ty::Int(IntTy::I64) => {
                let $a = unsafe { arr::<i64>($p) };
                $body
            }
            Ty::Bool => {
                let $a = unsafe { arr::<bool>($p) };
                $body
            }
            _ => {
                let $a = unsafe { arr::<i32>($p) };
                $body
            }
        }
    };
}

/// ndarray's `==` of two arrays of element type `e` (boxes or view headers).
///
/// # Safety
/// The pointers must be live array boxes or view headers of the element type given.
pub unsafe fn eq_nd(e: &Ty, a: *const u8, b: *const u8) -> bool {
    by_elem!(e, a, |x| x == by_elem_same(&x, b))
}

/// The array at `b`, read with the element type of `x` (both sides of `==` agree).
fn by_elem_same<'a, T>(_x: &ArrayViewD<'_, T>, b: *const u8) -> ArrayViewD<'a, T> {
    unsafe { arr::<T>(b) }
}

/// text/plain and text/html of an array value (what evcxr shows for the same value in the
/// rustc tier through `accel::display::Repr`).
///
/// # Safety
/// The pointers must be live array boxes or view headers of the element type given.
pub unsafe fn repr(ty: &Ty, p: *const u8) -> (String, Option<String>) {
    let Ty::Nd(e, _) = ty else {
        return (String::new(), None);
    };
    by_elem!(&**e, p, |a| (a.text_plain(), a.text_html()))
}

/// `{:?}` / `{}` of an array as ndarray formats it (with its static dimension, like rustc's
/// `Array2<T>`), honouring a precision.
///
/// # Safety
/// The pointers must be live array boxes or view headers of the element type given.
pub unsafe fn fmt_nd(ty: &Ty, p: *const u8, debug: bool, prec: Option<usize>) -> String {
    let Ty::Nd(e, nd) = ty else {
        return String::new();
    };
    macro_rules! go {
        ($v:expr) => {
            match (debug, prec) {
                (true, Some(k)) => format!("{:.*?}", k, $v),
                (true, None) => format!("{:?}", $v),
                (false, Some(k)) => format!("{:.*}", k, $v),
                (false, None) => format!("{}", $v),
            }
        };
    }
    by_elem!(&**e, p, |a| match *nd {
        1 => go!(a.view().into_dimensionality::<Ix1>().unwrap()),
        2 => go!(a.view().into_dimensionality::<Ix2>().unwrap()),
        _ => go!(a.view().into_dimensionality::<Ix3>().unwrap()),
    })
}

/// `{:?}` / `{}` of an `ArrayD<f64>` as ndarray formats it (`dynamic ndim`).
///
/// # Safety
/// The pointers must be live array boxes or view headers of the element type given.
pub unsafe fn fmt_ndd(p: *const u8, debug: bool, prec: Option<usize>) -> String {
    let a = unsafe { owned_arr::<f64>(p) };
    match (debug, prec) {
        (true, Some(k)) => format!("{:.*?}", k, a),
        (true, None) => format!("{:?}", a),
        (false, Some(k)) => format!("{:.*}", k, a),
        (false, None) => format!("{}", a),
    }
}
