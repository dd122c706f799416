//! Turns a cell's text into requests to a tier, and results into MIME bundles.
//!
//! The kernel crate owns the wire protocol and the rustc tier (evcxr); the runtime
//! crate owns the fast tier (Cranelift). This crate sits between them: it parses
//! IPython-style magics, routes code to a tier, and formats what comes back.
//! It knows nothing of ZeroMQ or Jupyter messages, and nothing of Cranelift.

pub mod tier;

pub use tier::{CellError, MimeBundle, RustcTier, Sink, StreamName};
pub mod session;

pub use session::{Completeness, Completions, Session};
