//! The fast tier: parse (syn) → typeck → lower (Cranelift) → exec, plus the workspace
//! of live variables and the display of values.
//!
//! This crate knows nothing of Jupyter, ZeroMQ or magics: it takes source text and
//! options, and gives back values, diagnostics and panics.

pub mod api;
pub mod diag;
pub mod display;
pub mod exec;
pub mod lower;
pub mod parse;
pub mod typeck;

pub use api::*;

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
