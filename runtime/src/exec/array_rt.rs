//! The array runtime: `extern "C"` shims through which fast-tier code calls the accel crate
//! (and ndarray under it), so both tiers run the same compiled library code.
//!
//! An array value is a pointer to an [`NdBox`]: a header compiled code reads directly (data
//! pointer, dims, strides in elements, length) followed by the owned `ArrayD<T>`. The header
//! never changes for the life of a box — an operation that changes shape makes a new box —
//! so compiled code may load it once and hoist the loads out of loops (`lower/arrays.rs`).
//! Boxes share Vec's owner machinery: `rt_vec_free` recognises [`OBJ_TAG`] where a Vec
//! header keeps its element size and calls the box's own drop.
//!
//! Every shim takes the context first and the cell line last; library panics (ndarray's
//! shape errors, numpy-style errors unwrapped) are caught and become fast-tier panics with
//! the library's own message, exactly what the same call prints in the rustc tier.

use super::rt::{set_panic, Ctx};
use crate::abi::ndbox::{arr, arr_mut, NdBox, OBJ_TAG};
use crate::abi::symbols::ARRAY_UNARY;
use crate::abi::vec::VecHdr;
use accel::prelude::*;
use accel::random::Generator;
use ndarray::IxDyn;
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

#[repr(C)]
struct RngBox {
    _pad: [usize; 3],
    tag: usize,
    drop: unsafe fn(*mut u8),
    g: Generator,
}

unsafe fn drop_box<B>(p: *mut u8) {
    drop(unsafe { Box::from_raw(p as *mut B) });
}

/// Free an object box (called by `rt_vec_free` when it sees [`OBJ_TAG`]).
///
/// # Safety
/// `p` must be a live box made here.
pub unsafe fn obj_free(p: *mut u8) {
    unsafe {
        let d = *(p.add(32) as *const unsafe fn(*mut u8));
        d(p)
    }
}

pub fn new_box<T>(mut a: ArrayD<T>) -> *mut u8 {
    let nd = a.ndim();
    let mut dim = [1usize; 3];
    let mut stride = [0isize; 3];
    for k in 0..nd.min(3) {
        dim[k] = a.shape()[k];
        stride[k] = a.strides()[k];
    }
    let data = a.as_mut_ptr();
    let len = a.len();
    let (shape3, stride2) = (dim, stride[2]);
    let (dim, stride) = ([dim[0], dim[1]], [stride[0], stride[1]]);
    Box::into_raw(Box::new(NdBox {
        data,
        dim,
        tag: OBJ_TAG,
        drop: drop_box::<NdBox<T>>,
        stride,
        len,
        stride2,
        shape3,
        a,
    })) as *mut u8
}

unsafe fn gen<'a>(p: *mut u8) -> &'a mut Generator {
    unsafe { &mut (*(p as *mut RngBox)).g }
}

// ---- panics ----------------------------------------------------------------------

thread_local!(pub(crate) static QUIET: Cell<bool> = const { Cell::new(false) });

/// Library panics inside a shim are caught and reported as the cell's panic; the default
/// hook must not also print them to the kernel's stderr.
pub(crate) fn quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                prev(info)
            }
        }));
    });
}

/// Run library code; a panic or an `Err` becomes the fast tier's panic (and `None`).
pub(crate) fn guard<R>(
    ctx: *mut Ctx,
    line: i64,
    f: impl FnOnce() -> Result<R, String>,
) -> Option<R> {
    quiet_hook();
    QUIET.with(|q| q.set(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    let msg = match r {
        Ok(Ok(v)) => return Some(v),
        Ok(Err(m)) => m,
        Err(p) => p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "Box<dyn Any>".into()),
    };
    set_panic(ctx, msg, line);
    None
}

pub fn guard_pub<R>(ctx: *mut Ctx, line: i64, f: impl FnOnce() -> Result<R, String>) -> Option<R> {
    guard(ctx, line, f)
}

fn unwrap_res<R>(r: accel::Result<R>) -> Result<R, String> {
    r.map_err(|e| format!("called `Result::unwrap()` on an `Err` value: {e:?}"))
}

fn unwrap_opt<R>(r: Option<R>) -> Result<R, String> {
    r.ok_or_else(|| "called `Option::unwrap()` on a `None` value".to_string())
}

fn boxed<T>(ctx: *mut Ctx, line: i64, f: impl FnOnce() -> Result<ArrayD<T>, String>) -> *mut u8 {
    guard(ctx, line, f)
        .map(new_box)
        .unwrap_or(std::ptr::null_mut())
}

/// A shape passed as (ndim, d0, d1, d2); unused trailing dims are 0.
/// `from_shape_vec(shape, v).unwrap()` (nd 1 to 3) and `Array1::from(v)` (nd 0) over a copy of a
/// runtime Vec's elements, with rustc's unwrap message on a shape error.
///
/// # Safety
/// `v` must be a live Vec header of `T` elements.
pub(crate) unsafe fn array_from_vec<T: Clone>(
    nd: i64,
    d0: i64,
    d1: i64,
    d2: i64,
    v: *const VecHdr,
) -> Result<ArrayD<T>, String> {
    let data: Vec<T> =
        unsafe { crate::abi::vec::raw_slice((*v).ptr as *const T, (*v).len) }.to_vec();
    if nd == 0 {
        return Ok(ndarray::Array1::from(data).into_dyn());
    }
    ArrayD::from_shape_vec(shape(nd, d0, d1, d2), data)
        .map_err(|e| format!("called `Result::unwrap()` on an `Err` value: {e:?}"))
}

pub(crate) fn shape(nd: i64, d0: i64, d1: i64, d2: i64) -> IxDyn {
    IxDyn(&[d0 as usize, d1 as usize, d2 as usize][..nd as usize])
}

// ---- generator ---------------------------------------------------------------------

pub extern "C" fn nd_default_rng(_ctx: *mut Ctx, seed: i64, _line: i64) -> *mut u8 {
    let g = accel::random::default_rng(seed as u64);
    Box::into_raw(Box::new(RngBox {
        _pad: [0; 3],
        tag: OBJ_TAG,
        drop: drop_box::<RngBox>,
        g,
    })) as *mut u8
}

pub extern "C" fn nd_rng_normal(
    ctx: *mut Ctx,
    g: *mut u8,
    loc: f64,
    scale: f64,
    nd: i64,
    d0: i64,
    d1: i64,
    d2: i64,
    line: i64,
) -> *mut u8 {
    boxed(ctx, line, || {
        Ok(unsafe { gen(g) }.normal(loc, scale, shape(nd, d0, d1, d2)))
    })
}
pub extern "C" fn nd_rng_uniform(
    ctx: *mut Ctx,
    g: *mut u8,
    lo: f64,
    hi: f64,
    nd: i64,
    d0: i64,
    d1: i64,
    d2: i64,
    line: i64,
) -> *mut u8 {
    boxed(ctx, line, || {
        Ok(unsafe { gen(g) }.uniform(lo, hi, shape(nd, d0, d1, d2)))
    })
}
pub extern "C" fn nd_rng_random(
    ctx: *mut Ctx,
    g: *mut u8,
    nd: i64,
    d0: i64,
    d1: i64,
    d2: i64,
    line: i64,
) -> *mut u8 {
    boxed(ctx, line, || {
        Ok(unsafe { gen(g) }.random(shape(nd, d0, d1, d2)))
    })
}
pub extern "C" fn nd_rng_integers(
    ctx: *mut Ctx,
    g: *mut u8,
    lo: i64,
    hi: i64,
    nd: i64,
    d0: i64,
    d1: i64,
    d2: i64,
    line: i64,
) -> *mut u8 {
    boxed(ctx, line, || {
        Ok(unsafe { gen(g) }.integers(lo, hi, shape(nd, d0, d1, d2)))
    })
}

// accel's free functions (f64)
pub extern "C" fn nd_linspace_fn(ctx: *mut Ctx, a: f64, b: f64, n: i64, line: i64) -> *mut u8 {
    boxed(ctx, line, || {
        Ok(accel::prelude::linspace(a, b, n as usize).into_dyn())
    })
}
pub extern "C" fn nd_arange_fn(ctx: *mut Ctx, a: f64, b: f64, s: f64, line: i64) -> *mut u8 {
    boxed(ctx, line, || {
        unwrap_res(accel::prelude::arange(a, b, s)).map(|x| x.into_dyn())
    })
}
pub extern "C" fn nd_eye_fn(ctx: *mut Ctx, n: i64, line: i64) -> *mut u8 {
    boxed(ctx, line, || Ok(accel::prelude::eye(n as usize).into_dyn()))
}

/// The shims of one element type, in module `$m`, named `nd_<op>_<sfx>`.
macro_rules! elem_shims {
    ($m:ident, $t:ty, $sfx:literal, [$($extra:ident),*]) => {
        pub mod $m {
            use super::*;
            type T = $t;

            pub extern "C" fn zeros(ctx: *mut Ctx, nd: i64, d0: i64, d1: i64, d2: i64, line: i64) -> *mut u8 {
                boxed(ctx, line, || accel::prelude::try_zeros::<T>(shape(nd, d0, d1, d2).slice()).map_err(|e| e.to_string()))
            }
            pub extern "C" fn ones(ctx: *mut Ctx, nd: i64, d0: i64, d1: i64, d2: i64, line: i64) -> *mut u8 {
                // fallible allocation: a shape too large for memory is a panic naming the bytes
                // asked for (what the rustc tier's accel calls report), never an abort
                boxed(ctx, line, || accel::prelude::try_full::<T>(shape(nd, d0, d1, d2).slice(), 1 as T).map_err(|e| e.to_string()))
            }
            pub extern "C" fn full(ctx: *mut Ctx, nd: i64, d0: i64, d1: i64, d2: i64, v: T, line: i64) -> *mut u8 {
                boxed(ctx, line, || accel::prelude::try_full::<T>(shape(nd, d0, d1, d2).slice(), v).map_err(|e| e.to_string()))
            }
            pub extern "C" fn eye(ctx: *mut Ctx, n: i64, line: i64) -> *mut u8 {
                boxed(ctx, line, || {
                    let n = n as usize;
                    let mut a = accel::prelude::try_zeros::<T>(&[n, n]).map_err(|e| e.to_string())?;
                    for i in 0..n {
                        a[[i, i]] = 1 as T;
                    }
                    Ok(a)
                })
            }
            /// `from_shape_vec(shape, v).unwrap()` (nd 1 to 3) and `Array1::from(v)` (nd 0).
            pub extern "C" fn from_vec(ctx: *mut Ctx, nd: i64, d0: i64, d1: i64, d2: i64, v: *const VecHdr, line: i64) -> *mut u8 {
                boxed(ctx, line, || unsafe { array_from_vec::<T>(nd, d0, d1, d2, v) })
            }
            pub extern "C" fn clone(ctx: *mut Ctx, a: *const u8, line: i64) -> *mut u8 {
                boxed(ctx, line, || Ok(unsafe { arr::<T>(a) }.to_owned()))
            }
            pub extern "C" fn t(ctx: *mut Ctx, a: *const u8, line: i64) -> *mut u8 {
                // ndarray's `t()` is a view; an owned copy with the view's strides prints and
                // indexes the same (the fast tier has no borrowed array values).
                boxed(ctx, line, || Ok(unsafe { arr::<T>(a) }.t().to_owned()))
            }
            pub extern "C" fn diag(ctx: *mut Ctx, a: *const u8, line: i64) -> *mut u8 {
                boxed(ctx, line, || Ok(unsafe { arr::<T>(a) }.diag().to_owned().into_dyn()))
            }
            pub extern "C" fn sum(ctx: *mut Ctx, a: *const u8, line: i64) -> T {
                guard(ctx, line, || Ok(unsafe { arr::<T>(a) }.sum())).unwrap_or_default()
            }
            pub extern "C" fn product(ctx: *mut Ctx, a: *const u8, line: i64) -> T {
                guard(ctx, line, || Ok(unsafe { arr::<T>(a) }.product())).unwrap_or_default()
            }
            pub extern "C" fn mean(ctx: *mut Ctx, a: *const u8, line: i64) -> T {
                guard(ctx, line, || unwrap_opt(unsafe { arr::<T>(a) }.mean())).unwrap_or_default()
            }
            pub extern "C" fn max(ctx: *mut Ctx, a: *const u8, line: i64) -> T {
                guard(ctx, line, || unwrap_res(Reductions::max(&unsafe { arr::<T>(a) }))).unwrap_or_default()
            }
            pub extern "C" fn min(ctx: *mut Ctx, a: *const u8, line: i64) -> T {
                guard(ctx, line, || unwrap_res(Reductions::min(&unsafe { arr::<T>(a) }))).unwrap_or_default()
            }
            pub extern "C" fn argmax(ctx: *mut Ctx, a: *const u8, line: i64) -> usize {
                guard(ctx, line, || unwrap_res(Reductions::argmax(&unsafe { arr::<T>(a) }))).unwrap_or_default()
            }
            pub extern "C" fn argmin(ctx: *mut Ctx, a: *const u8, line: i64) -> usize {
                guard(ctx, line, || unwrap_res(Reductions::argmin(&unsafe { arr::<T>(a) }))).unwrap_or_default()
            }
            pub extern "C" fn median(ctx: *mut Ctx, a: *const u8, line: i64) -> f64 {
                guard(ctx, line, || unwrap_res(Reductions::median(&unsafe { arr::<T>(a) }))).unwrap_or_default()
            }
            pub extern "C" fn sum_axis(ctx: *mut Ctx, a: *const u8, ax: i64, line: i64) -> *mut u8 {
                boxed(ctx, line, || Ok(unsafe { arr::<T>(a) }.sum_axis(Axis(ax as usize))))
            }
            pub extern "C" fn mean_axis(ctx: *mut Ctx, a: *const u8, ax: i64, line: i64) -> *mut u8 {
                boxed(ctx, line, || unwrap_opt(unsafe { arr::<T>(a) }.mean_axis(Axis(ax as usize))))
            }
            pub extern "C" fn dot(ctx: *mut Ctx, a: *const u8, b: *const u8, line: i64) -> *mut u8 {
                boxed(ctx, line, || {
                    let (x, y) = unsafe { (arr::<T>(a), arr::<T>(b)) };
                    let x2 = x.view().into_dimensionality::<Ix2>().map_err(|e| e.to_string())?;
                    Ok(match y.ndim() {
                        1 => x2.dot(&y.view().into_dimensionality::<Ix1>().map_err(|e| e.to_string())?).into_dyn(),
                        _ => x2.dot(&y.view().into_dimensionality::<Ix2>().map_err(|e| e.to_string())?).into_dyn(),
                    })
                })
            }
            /// `a.dot(&b)` for two Array1: a scalar.
            pub extern "C" fn dot11(ctx: *mut Ctx, a: *const u8, b: *const u8, line: i64) -> T {
                guard(ctx, line, || {
                    let (x, y) = unsafe { (arr::<T>(a), arr::<T>(b)) };
                    let x1 = x.view().into_dimensionality::<Ix1>().map_err(|e| e.to_string())?;
                    let y1 = y.view().into_dimensionality::<Ix1>().map_err(|e| e.to_string())?;
                    Ok(x1.dot(&y1))
                })
                .unwrap_or_default()
            }
            /// `&a OP &b` with ndarray's co-broadcasting (and its panic text).
            pub extern "C" fn bin_aa(ctx: *mut Ctx, a: *const u8, b: *const u8, op: i64, line: i64) -> *mut u8 {
                boxed(ctx, line, || {
                    let (x, y) = unsafe { (arr::<T>(a), arr::<T>(b)) };
                    Ok(match op { 0 => &x + &y, 1 => &x - &y, 2 => &x * &y, 3 => &x / &y, _ => &x % &y })
                })
            }
            pub extern "C" fn bin_as(ctx: *mut Ctx, a: *const u8, s: T, op: i64, line: i64) -> *mut u8 {
                boxed(ctx, line, || {
                    let x = unsafe { arr::<T>(a) };
                    Ok(match op { 0 => &x + s, 1 => &x - s, 2 => &x * s, 3 => &x / s, _ => &x % s })
                })
            }
            pub extern "C" fn bin_sa(ctx: *mut Ctx, s: T, a: *const u8, op: i64, line: i64) -> *mut u8 {
                boxed(ctx, line, || {
                    let x = unsafe { arr::<T>(a) };
                    Ok(match op { 0 => s + &x, 1 => s - &x, 2 => s * &x, 3 => s / &x, _ => s % &x })
                })
            }
            pub extern "C" fn assign_aa(ctx: *mut Ctx, a: *mut u8, b: *const u8, op: i64, line: i64) {
                guard(ctx, line, || {
                    let (mut x, y) = unsafe { (arr_mut::<T>(a), arr::<T>(b)) };
                    match op { 0 => x += &y, 1 => x -= &y, 2 => x *= &y, 3 => x /= &y, _ => x %= &y }
                    Ok(())
                });
            }
            pub extern "C" fn assign_as(ctx: *mut Ctx, a: *mut u8, s: T, op: i64, line: i64) {
                guard(ctx, line, || {
                    let mut x = unsafe { arr_mut::<T>(a) };
                    match op { 0 => x += s, 1 => x -= s, 2 => x *= s, 3 => x /= s, _ => x %= s }
                    Ok(())
                });
            }
            pub extern "C" fn fill(_ctx: *mut Ctx, a: *mut u8, s: T, _line: i64) {
                unsafe { arr_mut::<T>(a) }.fill(s);
            }
            pub extern "C" fn eq(_ctx: *mut Ctx, a: *const u8, b: *const u8, _line: i64) -> bool {
                unsafe { arr::<T>(a) == arr::<T>(b) }
            }
            $(elem_shims!(@extra $extra);)*

            #[allow(unused_mut)]
            pub fn symbols() -> Vec<(&'static str, *const u8)> {
                let mut v: Vec<(&'static str, *const u8)> = vec![
                    (concat!("nd_zeros_", $sfx), zeros as *const u8),
                    (concat!("nd_ones_", $sfx), ones as *const u8),
                    (concat!("nd_full_", $sfx), full as *const u8),
                    (concat!("nd_eye_", $sfx), eye as *const u8),
                    (concat!("nd_from_vec_", $sfx), from_vec as *const u8),
                    (concat!("nd_clone_", $sfx), clone as *const u8),
                    (concat!("nd_t_", $sfx), t as *const u8),
                    (concat!("nd_diag_", $sfx), diag as *const u8),
                    (concat!("nd_sum_", $sfx), sum as *const u8),
                    (concat!("nd_product_", $sfx), product as *const u8),
                    (concat!("nd_mean_", $sfx), mean as *const u8),
                    (concat!("nd_max_", $sfx), max as *const u8),
                    (concat!("nd_min_", $sfx), min as *const u8),
                    (concat!("nd_argmax_", $sfx), argmax as *const u8),
                    (concat!("nd_argmin_", $sfx), argmin as *const u8),
                    (concat!("nd_median_", $sfx), median as *const u8),
                    (concat!("nd_sum_axis_", $sfx), sum_axis as *const u8),
                    (concat!("nd_mean_axis_", $sfx), mean_axis as *const u8),
                    (concat!("nd_dot_", $sfx), dot as *const u8),
                    (concat!("nd_dot11_", $sfx), dot11 as *const u8),
                    (concat!("nd_bin_aa_", $sfx), bin_aa as *const u8),
                    (concat!("nd_bin_as_", $sfx), bin_as as *const u8),
                    (concat!("nd_bin_sa_", $sfx), bin_sa as *const u8),
                    (concat!("nd_assign_aa_", $sfx), assign_aa as *const u8),
                    (concat!("nd_assign_as_", $sfx), assign_as as *const u8),
                    (concat!("nd_fill_", $sfx), fill as *const u8),
                    (concat!("nd_eq_", $sfx), eq as *const u8),
                ];
                $(v.extend(elem_shims!(@extra_syms $extra, $sfx));)*
                v
            }
        }
    };
    (@extra float) => {
        pub extern "C" fn std(ctx: *mut Ctx, a: *const u8, ddof: T, line: i64) -> T {
            guard(ctx, line, || Ok(unsafe { arr::<T>(a) }.std(ddof))).unwrap_or_default()
        }
        pub extern "C" fn var(ctx: *mut Ctx, a: *const u8, ddof: T, line: i64) -> T {
            guard(ctx, line, || Ok(unsafe { arr::<T>(a) }.var(ddof))).unwrap_or_default()
        }
        pub extern "C" fn linspace(ctx: *mut Ctx, a: T, b: T, n: i64, line: i64) -> *mut u8 {
            boxed(ctx, line, || Ok(Array1::<T>::linspace(a, b, n as usize).into_dyn()))
        }
        pub extern "C" fn range(ctx: *mut Ctx, a: T, b: T, s: T, line: i64) -> *mut u8 {
            boxed(ctx, line, || Ok(Array1::<T>::range(a, b, s).into_dyn()))
        }
        /// Elementwise math by name (ndarray's own methods), code = index in `UNARY`.
        pub extern "C" fn unary(ctx: *mut Ctx, a: *const u8, code: i64, line: i64) -> *mut u8 {
            boxed(ctx, line, || {
                let x = unsafe { arr::<T>(a) };
                Ok(match ARRAY_UNARY[code as usize] {
                    "sqrt" => x.sqrt(), "exp" => x.exp(), "ln" => x.ln(), "log2" => x.log2(), "log10" => x.log10(),
                    "sin" => x.sin(), "cos" => x.cos(), "tan" => x.tan(), "sinh" => x.sinh(), "cosh" => x.cosh(),
                    "tanh" => x.tanh(), "abs" => x.abs(), "floor" => x.floor(), "ceil" => x.ceil(), "round" => x.round(),
                    "signum" => x.signum(), "recip" => x.recip(), "exp2" => x.exp2(), "cbrt" => x.cbrt(),
                    "asin" => x.asin(), "acos" => x.acos(), "atan" => x.atan(), "trunc" => x.trunc(),
                    _ => x.fract(),
                })
            })
        }
        pub extern "C" fn powi(ctx: *mut Ctx, a: *const u8, n: i32, line: i64) -> *mut u8 {
            boxed(ctx, line, || Ok(unsafe { arr::<T>(a) }.powi(n)))
        }
        pub extern "C" fn powf(ctx: *mut Ctx, a: *const u8, n: T, line: i64) -> *mut u8 {
            boxed(ctx, line, || Ok(unsafe { arr::<T>(a) }.powf(n)))
        }
    };
    (@extra_syms float, $sfx:literal) => {
        vec![
            (concat!("nd_std_", $sfx), std as *const u8),
            (concat!("nd_var_", $sfx), var as *const u8),
            (concat!("nd_linspace_", $sfx), linspace as *const u8),
            (concat!("nd_range_", $sfx), range as *const u8),
            (concat!("nd_unary_", $sfx), unary as *const u8),
            (concat!("nd_powi_", $sfx), powi as *const u8),
            (concat!("nd_powf_", $sfx), powf as *const u8),
        ]
    };
}

// The elementwise shims of each element type.
elem_shims!(f64s, f64, "f64", [float]);
elem_shims!(f32s, f32, "f32", [float]);
elem_shims!(i64s, i64, "i64", []);
elem_shims!(i32s, i32, "i32", []);

pub fn symbols() -> Vec<(&'static str, *const u8)> {
    let mut v: Vec<(&'static str, *const u8)> = vec![
        ("nd_default_rng", nd_default_rng as *const u8),
        ("nd_rng_normal", nd_rng_normal as *const u8),
        ("nd_rng_uniform", nd_rng_uniform as *const u8),
        ("nd_rng_random", nd_rng_random as *const u8),
        ("nd_rng_integers", nd_rng_integers as *const u8),
        ("nd_linspace_fn", nd_linspace_fn as *const u8),
        ("nd_arange_fn", nd_arange_fn as *const u8),
        ("nd_eye_fn", nd_eye_fn as *const u8),
    ];
    v.extend(f64s::symbols());
    v.extend(f32s::symbols());
    v.extend(i64s::symbols());
    v.extend(i32s::symbols());
    v.extend(super::mask_rt::symbols());
    v.extend(super::chunked_rt::symbols());
    v.extend(super::view_rt::symbols());
    v
}
