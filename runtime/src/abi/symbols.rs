//! The runtime's entry points as compiled code names them: the element-type suffixes of
//! array shims, the lists of elementwise fns the array shims take by index, the chunked
//! concatenation shims by arity, and which wide square-root kernel this CPU runs. The
//! symbols themselves are `exec`'s (`exec::symbols`), registered with the JIT module.

use crate::abi::ty::{FloatTy, IntTy, Ty};

/// Elementwise float fns of dense arrays (`a.sqrt()`, `mapv` of them), by code.
pub const ARRAY_UNARY: &[&str] = &[
    "sqrt", "exp", "ln", "log2", "log10", "sin", "cos", "tan", "sinh", "cosh", "tanh", "abs",
    "floor", "ceil", "round", "signum", "recip", "exp2", "cbrt", "asin", "acos", "atan", "trunc",
    "fract",
];

/// Elementwise float fns of `Chunked` arrays, by code; `powi` and `powf` follow as
/// `len()` and `len() + 1`.
pub const CHUNKED_UNARY: &[&str] = &[
    "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan", "exp", "exp_m1", "ln",
    "ln_1p", "log10", "log2", "sqrt", "cbrt", "abs", "floor", "ceil", "round", "signum", "recip",
];

/// `Chunked::concatenate`/`stack` of 1..=6 arrays.
pub const CHUNKED_CAT: [&str; 6] = [
    "ch_cat1", "ch_cat2", "ch_cat3", "ch_cat4", "ch_cat5", "ch_cat6",
];

/// The element types arrays may have in the fast tier, and their shim suffix.
pub fn elem_suffix(t: &Ty) -> Option<&'static str> {
    Some(match t {
        Ty::Float(FloatTy::F64) => "f64",
        Ty::Float(FloatTy::F32) => "f32",
        Ty::Int(IntTy::I64) => "i64",
        Ty::Int(IntTy::I32) => "i32",
        Ty::Bool => "bool",
        _ => return None,
    })
}

thread_local! {
    /// A choice made for this thread instead of the CPU's: snapshot dumps (`driver/dump.rs`)
    /// compile for a named kernel so their text does not depend on the host. Such code is
    /// never run.
    static PINNED: std::cell::Cell<Option<Option<&'static str>>> = const { std::cell::Cell::new(None) };
}

/// Compile with `kernel` (a runtime symbol, or `None` for the JIT's own loop) on this thread
/// until unpinned with `None`.
pub(crate) fn pin_sqrt_block_kernel(kernel: Option<Option<&'static str>>) {
    PINNED.with(|p| p.set(kernel));
}

/// The block kernel for this CPU, or `None` when its vectors are no wider than 128 bits
/// (the JIT's own `sqrtpd` loop is then as fast).
pub fn sqrt_block_kernel() -> Option<&'static str> {
    if let Some(k) = PINNED.with(|p| p.get()) {
        return k;
    }
    #[cfg(target_arch = "x86_64")]
    {
        if std::env::var_os("ACCEL_NO_WIDE_SQRT").is_some() {
            return None;
        }
        if std::is_x86_feature_detected!("avx512f") {
            return Some("rt_f64_sqrt_block_avx512");
        }
        if std::is_x86_feature_detected!("avx") {
            return Some("rt_f64_sqrt_block_avx");
        }
    }
    None
}
