//! Array views in the fast tier: `ArrayView`/`ArrayViewMut` values are 64-byte headers laid
//! out like an [`NdBox`](super::array_rt::NdBox)'s (data pointer of element `[0, 0]`, dims,
//! strides in elements, length), held inline in the frame of the code that made them —
//! nothing to free, and compiled code indexes a view exactly as it indexes an owned array.
//! Where a box keeps [`OBJ_TAG`] a view keeps its number of axes, which is how
//! `array_rt::arr` tells the two apart.
//!
//! Views are made by the accel crate's ndarray code on a view of the static dimension rustc
//! would use (`Ix1`/`Ix2`), so `s![]` slicing, `row`, `column` and `t()` compute the same
//! headers and panic with the same messages ("Slice end 5 is past end of axis of length 3",
//! "collapse_axis: Index 3 must be less than axis length 2 for array with shape [2, 3]").

use super::rt::Ctx;
use crate::abi::ndbox::{arr, ViewHdr};
use ndarray::{ArrayBase, Axis, Dimension, Ix1, Ix2, IxDyn, RawData, SliceInfo, SliceInfoElem};

/// Write the header of `v` (1 or 2 axes) to `out`.
fn put<S: RawData, D: Dimension>(out: *mut u8, v: &ArrayBase<S, D>) {
    let nd = v.ndim();
    let mut dim = [1usize; 2];
    let mut stride = [0isize; 2];
    for k in 0..nd.min(2) {
        dim[k] = v.shape()[k];
        stride[k] = v.strides()[k];
    }
    let h = ViewHdr {
        data: v.as_ptr() as *mut u8,
        dim,
        ndim: nd,
        _no_drop: 0,
        stride,
        len: v.len(),
    };
    unsafe { std::ptr::write(out as *mut ViewHdr, h) };
}

/// One `s![]` element as compiled code passes it: `[kind, a, b, step]`, kind 0 = `a..b;step`,
/// 1 = `a..;step`, 2 = the index `a`, 3 = `a..=b;step` (ndarray's `From<RangeInclusive>`:
/// an inclusive end of -1 means "to the end").
fn slice_elems(spec: *const i64, n: i64) -> Vec<SliceInfoElem> {
    let s = unsafe { crate::abi::vec::raw_slice(spec, 4 * n as usize) };
    s.chunks(4)
        .map(|c| match c[0] {
            0 => SliceInfoElem::Slice {
                start: c[1] as isize,
                end: Some(c[2] as isize),
                step: c[3] as isize,
            },
            1 => SliceInfoElem::Slice {
                start: c[1] as isize,
                end: None,
                step: c[3] as isize,
            },
            3 => SliceInfoElem::Slice {
                start: c[1] as isize,
                end: if c[2] == -1 {
                    None
                } else {
                    Some(c[2] as isize + 1)
                },
                step: c[3] as isize,
            },
            _ => SliceInfoElem::Index(c[1] as isize),
        })
        .collect()
}

/// The view operations, `op`: 0 `view`, 1 `t()`, 2 `row(i)`, 3 `column(i)`, 4 `slice(spec)`,
/// 5 `index_axis(Axis(i), j)`. Mutable views go through the same code: a header is a header.
macro_rules! view_shims {
    ($m:ident, $t:ty) => {
        pub mod $m {
            use super::*;
            type T = $t;

            pub extern "C" fn view(
                ctx: *mut Ctx,
                a: *const u8,
                out: *mut u8,
                op: i64,
                i: i64,
                j: i64,
                spec: *const i64,
                n: i64,
                line: i64,
            ) {
                super::super::array_rt::guard_pub(ctx, line, || {
                    let v = unsafe { arr::<T>(a) };
                    match v.ndim() {
                        1 => {
                            let v = v.into_dimensionality::<Ix1>().map_err(|e| e.to_string())?;
                            match op {
                                0 | 1 => put(out, &v),
                                4 => put(out, &v.slice_move(info::<Ix1>(spec, n)?)),
                                _ => put(out, &v.index_axis_move(Axis(i as usize), j as usize)),
                            }
                        }
                        _ => {
                            let v = v.into_dimensionality::<Ix2>().map_err(|e| e.to_string())?;
                            match op {
                                0 => put(out, &v),
                                1 => put(out, &v.reversed_axes()),
                                2 => put(out, &v.index_axis_move(Axis(0), i as usize)),
                                3 => put(out, &v.index_axis_move(Axis(1), i as usize)),
                                4 => put(out, &v.slice_move(info::<Ix2>(spec, n)?)),
                                _ => put(out, &v.index_axis_move(Axis(i as usize), j as usize)),
                            }
                        }
                    }
                    Ok(())
                });
            }

            /// `dst.assign(&src)` (ndarray's broadcasting and its panic text).
            pub extern "C" fn assign(ctx: *mut Ctx, dst: *mut u8, src: *const u8, line: i64) {
                super::super::array_rt::guard_pub(ctx, line, || {
                    let mut d = unsafe { crate::abi::ndbox::arr_mut::<T>(dst) };
                    let s = unsafe { arr::<T>(src) };
                    d.assign(&s);
                    Ok(())
                });
            }
        }
    };
}

fn info<D: Dimension>(
    spec: *const i64,
    n: i64,
) -> Result<SliceInfo<Vec<SliceInfoElem>, D, IxDyn>, String> {
    unsafe { SliceInfo::new(slice_elems(spec, n)) }.map_err(|e| e.to_string())
}

view_shims!(f64s, f64);
view_shims!(f32s, f32);
view_shims!(i64s, i64);
view_shims!(i32s, i32);
view_shims!(bools, bool);

pub fn symbols() -> Vec<(&'static str, *const u8)> {
    vec![
        ("nd_view_f64", f64s::view as *const u8),
        ("nd_view_f32", f32s::view as *const u8),
        ("nd_view_i64", i64s::view as *const u8),
        ("nd_view_i32", i32s::view as *const u8),
        ("nd_assign_f64", f64s::assign as *const u8),
        ("nd_assign_f32", f32s::assign as *const u8),
        ("nd_assign_i64", i64s::assign as *const u8),
        ("nd_assign_i32", i32s::assign as *const u8),
        ("nd_view_bool", bools::view as *const u8),
        ("nd_assign_bool", bools::assign as *const u8),
    ]
}
