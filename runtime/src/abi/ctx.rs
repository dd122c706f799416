//! The context every compiled fn receives as its first argument (`exec::rt::Ctx`): the offsets
//! compiled code reads, the failure codes it writes, and the table of panic messages that
//! compiled code names by index (rustc's own texts).

use crate::abi::ty::IntTy;

/// `Ctx::failure` after a call that failed: compiled code returns early on any of these.
pub const FAIL_PANIC: u32 = 1;
pub const FAIL_INTERRUPT: u32 = 2;
pub const FAIL_STACK: u32 = 3;

/// Field offsets in `Ctx` (checked against the struct where it is defined).
pub const CTX_FAILURE: i32 = 0;
pub const CTX_INTERRUPT: i32 = 8;
pub const CTX_STACK_LIMIT: i32 = 16;

/// Messages of panics that need no values, by `P_*` index (`rt_panic_static`).
pub const PANIC_MSGS: &[&str] = &[
    "attempt to divide by zero",
    "attempt to calculate the remainder with a divisor of zero",
    "attempt to divide with overflow",
    "attempt to calculate the remainder with overflow",
    "called `Option::unwrap()` on a `None` value",
    "internal error: entered unreachable code",
    "assertion failed: step != 0",
    "explicit panic",
];
pub const P_DIV_ZERO: i64 = 0;
pub const P_REM_ZERO: i64 = 1;
pub const P_DIV_OVF: i64 = 2;
pub const P_REM_OVF: i64 = 3;
pub const P_UNWRAP: i64 = 4;
pub const P_UNREACHABLE: i64 = 5;
pub const P_STEP_ZERO: i64 = 6;

/// The integer type codes passed to the runtime's formatters.
pub fn int_ty(code: i64) -> IntTy {
    use IntTy::*;
    [I8, I16, I32, I64, Isize, U8, U16, U32, U64, Usize][code as usize]
}

pub fn int_code(i: IntTy) -> i64 {
    use IntTy::*;
    [I8, I16, I32, I64, Isize, U8, U16, U32, U64, Usize]
        .iter()
        .position(|x| *x == i)
        .unwrap() as i64
}
