//! A notebook session: routes each cell to a magic, the fast tier or the rustc tier.
//! PROVISIONAL signatures: the kernel and `accel run` call exactly these.

use crate::tier::{CellError, MimeBundle, RustcTier, Sink};

/// Answer to `is_complete_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completeness {
    Complete,
    /// With the indent the next line should get.
    Incomplete(String),
    Invalid,
}

/// Answer to `complete_request`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completions {
    pub cursor_start: usize,
    pub cursor_end: usize,
    pub matches: Vec<String>,
}

pub struct Session {
    rustc: Box<dyn RustcTier>,
}

impl Session {
    pub fn new(rustc: Box<dyn RustcTier>) -> Self {
        Session { rustc }
    }

    /// Run one cell. Output streams through `sink`; the returned bundle is the
    /// `execute_result` (None when the cell has no value or `silent`).
    pub fn execute(&mut self, code: &str, sink: &dyn Sink) -> Result<Option<MimeBundle>, CellError> {
        self.rustc.eval(code, sink)
    }

    pub fn is_complete(&self, _code: &str) -> Completeness {
        Completeness::Complete
    }

    /// `cursor_pos` is in Unicode code points, as Jupyter sends it; so are the returned positions.
    pub fn complete(&mut self, _code: &str, cursor_pos: usize) -> Completions {
        Completions { cursor_start: cursor_pos, cursor_end: cursor_pos, matches: vec![] }
    }

    /// `inspect_request`: type and value of the name under the cursor, as a bundle.
    pub fn inspect(&mut self, _code: &str, _cursor_pos: usize) -> Option<MimeBundle> {
        None
    }

    /// Stops whatever cell is running (fast tier flag and rustc tier); callable from
    /// any thread while `execute` runs.
    pub fn interrupter(&self) -> Box<dyn Fn() + Send + Sync> {
        self.rustc.interrupter()
    }
}
