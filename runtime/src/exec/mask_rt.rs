//! Shims for bool arrays (masks): what ndarray and the accel crate define for `Array<bool, D>`
//! — creation from an element or a Vec, clone/transpose, `==`, `fill`, and the logical
//! operators `!`, `&`, `|`, `^` (ndarray's `Not`/`BitAnd`/`BitOr`/`BitXor` impls, with their
//! broadcasting and panic text). Numeric reductions do not exist for bool in Rust and are
//! refused by the type checker (`typeck/masks.rs`), so there are no shims for them.
//! Same ABI as `array_rt`'s numeric shims: context first, cell line last, a bool as one byte.

use super::array_rt::{guard_pub as guard, new_box, shape};
use super::rt::Ctx;
use crate::abi::ndbox::arr_mut;
use crate::abi::vec::VecHdr;
use ndarray::{ArrayD, ArrayViewD, Dimension};

type T = bool;

fn arr<'a>(p: *const u8) -> ArrayViewD<'a, T> {
    unsafe { crate::abi::ndbox::arr::<T>(p) }
}

fn boxed(ctx: *mut Ctx, line: i64, f: impl FnOnce() -> Result<ArrayD<T>, String>) -> *mut u8 {
    guard(ctx, line, f)
        .map(new_box)
        .unwrap_or(std::ptr::null_mut())
}

pub extern "C" fn full(
    ctx: *mut Ctx,
    nd: i64,
    d0: i64,
    d1: i64,
    d2: i64,
    v: T,
    line: i64,
) -> *mut u8 {
    boxed(ctx, line, || {
        accel::prelude::try_full::<T>(shape(nd, d0, d1, d2).slice(), v).map_err(|e| e.to_string())
    })
}
pub extern "C" fn from_vec(
    ctx: *mut Ctx,
    nd: i64,
    d0: i64,
    d1: i64,
    d2: i64,
    v: *const VecHdr,
    line: i64,
) -> *mut u8 {
    boxed(ctx, line, || unsafe {
        super::array_rt::array_from_vec::<T>(nd, d0, d1, d2, v)
    })
}
pub extern "C" fn clone(ctx: *mut Ctx, a: *const u8, line: i64) -> *mut u8 {
    boxed(ctx, line, || Ok(arr(a).to_owned()))
}
pub extern "C" fn t(ctx: *mut Ctx, a: *const u8, line: i64) -> *mut u8 {
    boxed(ctx, line, || Ok(arr(a).t().to_owned()))
}
pub extern "C" fn eq(_ctx: *mut Ctx, a: *const u8, b: *const u8, _line: i64) -> bool {
    arr(a) == arr(b)
}
pub extern "C" fn fill(_ctx: *mut Ctx, a: *mut u8, s: T, _line: i64) {
    unsafe { arr_mut::<T>(a) }.fill(s);
}
/// `!&m` (and `!m`, the same values).
pub extern "C" fn not(ctx: *mut Ctx, a: *const u8, line: i64) -> *mut u8 {
    boxed(ctx, line, || Ok(!&arr(a)))
}
/// `&a OP &b`, op 0 `&`, 1 `|`, 2 `^`, with ndarray's co-broadcasting.
pub extern "C" fn logic_aa(
    ctx: *mut Ctx,
    a: *const u8,
    b: *const u8,
    op: i64,
    line: i64,
) -> *mut u8 {
    boxed(ctx, line, || {
        let (x, y) = (arr(a), arr(b));
        Ok(match op {
            0 => &x & &y,
            1 => &x | &y,
            _ => &x ^ &y,
        })
    })
}
pub extern "C" fn logic_as(ctx: *mut Ctx, a: *const u8, s: T, op: i64, line: i64) -> *mut u8 {
    boxed(ctx, line, || {
        let x = arr(a);
        Ok(match op {
            0 => &x & s,
            1 => &x | s,
            _ => &x ^ s,
        })
    })
}
pub extern "C" fn logic_sa(ctx: *mut Ctx, s: T, a: *const u8, op: i64, line: i64) -> *mut u8 {
    boxed(ctx, line, || {
        let x = arr(a);
        Ok(match op {
            0 => s & &x,
            1 => s | &x,
            _ => s ^ &x,
        })
    })
}
pub extern "C" fn assign_logic_aa(ctx: *mut Ctx, a: *mut u8, b: *const u8, op: i64, line: i64) {
    guard(ctx, line, || {
        let (mut x, y) = (unsafe { arr_mut::<T>(a) }, arr(b));
        match op {
            0 => x &= &y,
            1 => x |= &y,
            _ => x ^= &y,
        }
        Ok(())
    });
}
pub extern "C" fn assign_logic_as(ctx: *mut Ctx, a: *mut u8, s: T, op: i64, line: i64) {
    guard(ctx, line, || {
        let mut x = unsafe { arr_mut::<T>(a) };
        match op {
            0 => x &= s,
            1 => x |= s,
            _ => x ^= s,
        }
        Ok(())
    });
}

pub fn symbols() -> Vec<(&'static str, *const u8)> {
    vec![
        ("nd_full_bool", full as *const u8),
        ("nd_from_vec_bool", from_vec as *const u8),
        ("nd_clone_bool", clone as *const u8),
        ("nd_t_bool", t as *const u8),
        ("nd_eq_bool", eq as *const u8),
        ("nd_fill_bool", fill as *const u8),
        ("nd_not_bool", not as *const u8),
        ("nd_logic_aa_bool", logic_aa as *const u8),
        ("nd_logic_as_bool", logic_as as *const u8),
        ("nd_logic_sa_bool", logic_sa as *const u8),
        ("nd_assign_logic_aa_bool", assign_logic_aa as *const u8),
        ("nd_assign_logic_as_bool", assign_logic_as as *const u8),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::ndbox::{off_dim, off_stride, OFF_LEN, OFF_SHAPE3};
    use crate::exec::array_rt::obj_free;
    use ndarray::{array, Array3};

    fn read<T: Copy>(p: *const u8, off: i32) -> T {
        unsafe { *(p.add(off as usize) as *const T) }
    }

    /// Compiled code finds every axis of a 3-d box where `off_dim`/`off_stride` say, and the
    /// three dims in a row at `OFF_SHAPE3` (`shape()`); 1-d/2-d offsets are unchanged.
    #[test]
    fn header_of_a_3d_box() {
        let a = Array3::<f64>::zeros((2, 3, 4)).into_dyn();
        let p = new_box(a);
        for (k, (d, s)) in [(2usize, 12isize), (3, 4), (4, 1)].into_iter().enumerate() {
            assert_eq!(read::<usize>(p, off_dim(k)), d, "dim {k}");
            assert_eq!(read::<isize>(p, off_stride(k)), s, "stride {k}");
        }
        assert_eq!(
            [
                read::<usize>(p, OFF_SHAPE3),
                read(p, OFF_SHAPE3 + 8),
                read(p, OFF_SHAPE3 + 16)
            ],
            [2, 3, 4]
        );
        assert_eq!(read::<usize>(p, OFF_LEN), 24);
        let b = new_box(array![[1i64, 2, 3], [4, 5, 6]].into_dyn());
        assert_eq!(
            (
                read::<usize>(b, off_dim(0)),
                read::<usize>(b, off_dim(1)),
                read::<isize>(b, off_stride(0))
            ),
            (2, 3, 3)
        );
        unsafe { obj_free(p) };
        unsafe { obj_free(b) };
    }

    /// The logical shims give ndarray's own results (a null context: no panic is expected).
    #[test]
    fn logical_ops_are_ndarrays() {
        let x = array![[true, false], [false, true]].into_dyn();
        let y = array![[true, true], [false, false]].into_dyn();
        let (m, n) = (new_box(x.clone()), new_box(y.clone()));
        let ctx = std::ptr::null_mut();
        let cases = [
            (logic_aa(ctx, m, n, 0, 1), &x & &y),
            (logic_aa(ctx, m, n, 1, 1), &x | &y),
            (logic_aa(ctx, m, n, 2, 1), &x ^ &y),
        ];
        for (p, want) in cases {
            assert_eq!(arr(p), want);
            unsafe { obj_free(p) };
        }
        let r = not(ctx, m, 1);
        assert_eq!(arr(r), !&x);
        assert!(!eq(ctx, r, m, 1) && eq(ctx, m, m, 1));
        let s = logic_sa(ctx, true, n, 2, 1);
        assert_eq!(arr(s), true ^ &y);
        assign_logic_as(ctx, m, true, 1, 1);
        assert_eq!(arr(m), ndarray::ArrayD::from_elem(vec![2, 2], true));
        for p in [r, s, m, n] {
            unsafe { obj_free(p) };
        }
    }
}
