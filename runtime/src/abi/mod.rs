//! The contract between compiled code and the runtime, shared by every stage: the subset's
//! types and their layout (`ty`), the Vec and array headers (`vec`, `ndbox`), the context
//! compiled code receives and its panic table (`ctx`), the tables it refers to by index
//! (`tables`), format specs (`fmt_spec`) and the runtime's symbol names (`symbols`).
//! A leaf: it imports nothing else of the crate.

pub mod ctx;
pub mod fmt_spec;
pub mod ndbox;
pub mod symbols;
pub mod tables;
pub mod ty;
pub mod vec;
