//! Turns a cell's text into requests to a tier, and results into MIME bundles.
//!
//! The kernel crate owns the wire protocol and the rustc tier (evcxr); the runtime
//! crate owns the fast tier (Cranelift). This crate sits between them: it parses
//! IPython-style magics, routes code to a tier, and formats what comes back.
//! It knows nothing of ZeroMQ or Jupyter messages, and nothing of Cranelift.
//!
//! Pipeline of a cell: `grammar` (cell → cell magic or Rust/line-magic segments, using `lex`)
//! → `registry` + `args` (which magic, clap-parsed options) → `run_magic` (the magic, routed to
//! a tier) → `format`/`timeit`/`time` (IPython's output text) → `output` (bundles and errors).
//! `complete` answers is_complete / complete / inspect from the text alone.

pub mod args;
pub mod capture;
pub mod complete;
pub mod format;
pub mod grammar;
pub mod lex;
pub mod output;
pub mod registry;
mod run_magic;
pub mod session;
pub mod tier;
pub mod time;
pub mod timeit;

pub use session::{Completeness, Completions, Session};
pub use tier::{
    new_display_id, progress_bundle, CellError, MimeBundle, Progress, RustcTier, Sink, StreamName,
};
