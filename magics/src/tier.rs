//! The contract between the session (this crate), the kernel (wire + rustc tier)
//! and the runtime (fast tier).

use serde_json::{Map, Value};

/// mime type -> data, as in a Jupyter `display_data` / `execute_result`.
pub type MimeBundle = Map<String, Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamName {
    Stdout,
    Stderr,
}

impl StreamName {
    pub fn as_str(self) -> &'static str {
        match self {
            StreamName::Stdout => "stdout",
            StreamName::Stderr => "stderr",
        }
    }
}

/// Where a running cell's output goes, as it is produced (not at the end of the cell).
/// The kernel implements it with iopub messages; `accel run` with notebook outputs.
pub trait Sink: Send + Sync {
    fn stream(&self, name: StreamName, text: &str);
    /// `display_data` (or `update_display_data` when `update` is true).
    fn display(&self, data: MimeBundle, display_id: Option<&str>, update: bool);
    /// Ask the frontend for a line of input; `None` when the frontend cannot answer
    /// (allow_stdin false, or headless).
    fn input(&self, prompt: &str, password: bool) -> Option<String>;
}

/// A failed cell, shaped like Jupyter's `error` content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub ename: String,
    pub evalue: String,
    pub traceback: Vec<String>,
}

impl CellError {
    pub fn new(ename: impl Into<String>, evalue: impl Into<String>) -> Self {
        let ename = ename.into();
        let evalue = evalue.into();
        let traceback = vec![format!("{ename}: {evalue}")];
        CellError { ename, evalue, traceback }
    }

    pub fn with_traceback(mut self, traceback: Vec<String>) -> Self {
        self.traceback = traceback;
        self
    }
}

/// The rustc tier as the session sees it. Implemented by the kernel crate over evcxr.
pub trait RustcTier: Send {
    /// Evaluate Rust code (or an evcxr `:command`). Output streams through `sink`
    /// while it runs; the value of a trailing expression comes back as a bundle.
    fn eval(&mut self, code: &str, sink: &dyn Sink) -> Result<Option<MimeBundle>, CellError>;
    /// Names and types of the variables the rustc tier holds.
    fn variables(&self) -> Vec<(String, String)>;
    /// Completions for `code` at byte offset `pos`: (replace start, replace end, candidates).
    fn complete(&mut self, code: &str, pos: usize) -> Option<(usize, usize, Vec<String>)>;
    /// Ask a running `eval` to stop; it must return within 1 s.
    /// Called from another thread while `eval` runs.
    fn interrupter(&self) -> Box<dyn Fn() + Send + Sync>;
}
