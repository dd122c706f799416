//! Stage 4: what compiled code runs against — the JIT module with the runtime's symbols
//! (`jit.rs`), the `extern "C"` runtime it calls (`rt.rs`: panics, printing, Vec; the array,
//! mask, view and chunked shims into the accel crate; wide-vector math), the worker thread
//! a cell runs on, and the slots of live workspace variables. It reads compiled code's
//! layouts from `abi`; it never parses, checks or lowers (that is `driver`'s business).

// The `extern "C"` entry points take raw pointers from compiled code, their only caller,
// which cannot call an `unsafe fn` differently: the contract is `abi`'s, not the signature's.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

pub mod array_rt;
pub mod chunked_rt;
pub mod jit;
pub mod mask_rt;
pub mod rt;
pub mod view_rt;
pub mod vmath;
pub mod worker;
pub mod workspace;

/// Every runtime symbol compiled code may import, by name.
pub fn symbols() -> Vec<(&'static str, *const u8)> {
    rt::symbols()
}
