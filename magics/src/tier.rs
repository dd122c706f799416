//! The contract between the session (this crate), the kernel (wire + rustc tier)
//! and the runtime (fast tier).

use serde_json::{Map, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

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
    /// Progress of a long computation (the prelude's progress hook, in either tier), shown as
    /// ONE display that updates in place: the caller passes the same `display_id` (from
    /// [`new_display_id`]) for every report of one computation, `first` on the first one, and
    /// a last report with `finished` set. The default sends `display_data` then
    /// `update_display_data` with [`progress_bundle`]; `accel run` also draws the bar on stderr.
    fn progress(&self, display_id: &str, first: bool, progress: &Progress) {
        self.display(progress_bundle(progress), Some(display_id), !first);
    }
}

/// One progress report of a long computation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// 0.0 ..= 1.0
    pub fraction: f64,
    pub elapsed: Duration,
    /// The last report of the computation (fraction 1.0 unless it failed).
    pub finished: bool,
}

impl Progress {
    fn event(&self) -> accel::chunked::progress::ProgressEvent {
        accel::chunked::progress::ProgressEvent {
            fraction: self.fraction,
            elapsed: self.elapsed,
            finished: self.finished,
        }
    }

    /// The text bar (`[####    ] |  33% Completed | 1.4s`), as the prelude draws it on stderr.
    pub fn text(&self) -> String {
        accel::chunked::progress::bar_line(&self.event())
    }
}

/// The bar as a bundle: the prelude's HTML bar, and its text bar as `text/plain`.
pub fn progress_bundle(progress: &Progress) -> MimeBundle {
    let mut data = MimeBundle::new();
    data.insert("text/plain".into(), Value::String(progress.text()));
    data.insert(
        "text/html".into(),
        Value::String(accel::chunked::progress::html_bar(&progress.event())),
    );
    data
}

/// A display id no other display of this process (or of another kernel) uses.
pub fn new_display_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("accel-progress-{}-{n}-{nanos:08x}", std::process::id())
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
        CellError {
            ename,
            evalue,
            traceback,
        }
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
