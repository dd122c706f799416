//! The fast tier: parse (syn) → typeck → lower (Cranelift) → exec, driven cell by cell by
//! `driver`; `abi` is the contract between compiled code and the runtime, `display` prints
//! values. Stages import in one direction (ARCHITECTURE.md; `tests/layering.rs` checks it).
//!
//! This crate knows nothing of Jupyter, ZeroMQ or magics: it takes source text and
//! options, and gives back values, diagnostics and panics.

pub mod abi;
pub mod api;
pub mod diag;
pub mod display;
pub mod driver;
pub mod exec;
pub mod lower;
pub mod parse;
pub mod typeck;

pub use api::*;
pub use driver::FastTier;

#[cfg(test)]
mod e2e_arrays_tests;
#[cfg(test)]
mod e2e_chunked_tests;
#[cfg(test)]
mod e2e_differential_tests;
#[cfg(test)]
mod e2e_lang_tests;
#[cfg(test)]
mod e2e_support;
#[cfg(test)]
mod e2e_tests;
