//! Stage 4: JIT module management, the workspace of live variables, and running cells.
//!
//! Fns persist across cells as definitions (source + signature); they are compiled into
//! the JIT module on demand, and recompiled when they or anything they call was redefined
//! since their last compilation ("redefining a fn recompiles its callers").

pub mod annotate;
pub mod array_rt;
pub mod chunked_rt;
pub mod dump;
pub mod jit;
pub mod mask_rt;
pub mod rt;
pub mod timeit;
pub mod view_rt;
pub mod vmath;
pub mod worker;
pub mod workspace;

pub use jit::Engine;
