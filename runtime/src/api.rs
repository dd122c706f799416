//! The public face of the fast tier (the only types the magics crate sees).
//! PROVISIONAL: the fast-tier work fills these in; signatures may grow.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OptLevel {
    None,
    #[default]
    Speed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dump {
    Ir,
    Asm,
}

/// `%%jit` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JitOptions {
    pub fastmath: bool,
    pub boundscheck: bool,
    pub opt: OptLevel,
    pub dump: Option<Dump>,
}

impl Default for JitOptions {
    fn default() -> Self {
        JitOptions { fastmath: false, boundscheck: true, opt: OptLevel::Speed, dump: None }
    }
}

/// Where `print!`/`eprint!` of running code go, as they happen.
pub trait Output: Sync {
    fn stdout(&self, text: &str);
    fn stderr(&self, text: &str);
}

/// A refusal or type error, with a cell-relative span (1-based line, 1-based column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    pub line: usize,
    pub col: usize,
    pub end_line: usize,
    pub end_col: usize,
    /// rustc-style text: `error: ...`, ` --> cell:L:C`, the source line, a caret, a hint.
    pub rendered: String,
}

/// Why a cell did not produce a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Refused before anything ran.
    Compile(Vec<Diagnostic>),
    /// A Rust panic, with rustc's message and the cell line it came from.
    Panic { message: String, line: usize },
    Interrupted,
    StackOverflow,
}

/// A displayed value: `{:?}` text plus optional HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub text: String,
    pub html: Option<String>,
}

/// Raw timings of a compiled timing loop: `runs[i]` is the total seconds of run i,
/// each run doing `number` loops.
#[derive(Debug, Clone, PartialEq)]
pub struct Timings {
    pub number: u64,
    pub runs: Vec<f64>,
}

/// `%annotate NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub html: String,
    pub text: String,
}

/// The fast tier's state: compiled fns and workspace variables, across cells.
pub struct FastTier {
    interrupt: Arc<AtomicBool>,
}

impl Default for FastTier {
    fn default() -> Self {
        Self::new()
    }
}

impl FastTier {
    pub fn new() -> Self {
        FastTier { interrupt: Arc::new(AtomicBool::new(false)) }
    }

    /// Compile and run a `%%jit` cell: items persist, `let`s become workspace variables,
    /// a trailing expression is returned for display.
    pub fn run_cell(&mut self, _src: &str, _opts: &JitOptions, _out: &dyn Output) -> Result<Option<Value>, Failure> {
        Err(Failure::Compile(vec![]))
    }

    /// Whether `expr` (with `setup`) is fast-tier code: it names fast-tier fns or
    /// variables and compiles. Used to route `%timeit`.
    pub fn accepts(&self, _setup: &str, _expr: &str) -> bool {
        false
    }

    /// IPython's timing algorithm with a compiled loop: `number == None` auto-ranges.
    pub fn timeit(&mut self, _setup: &str, _expr: &str, _number: Option<u64>, _repeat: u32, _out: &dyn Output) -> Result<Timings, Failure> {
        Err(Failure::Compile(vec![]))
    }

    pub fn annotate(&self, name: &str) -> Result<Annotation, String> {
        Err(format!("no fast-tier fn named `{name}`"))
    }

    /// Setting this flag stops running fast-tier code at the next loop back-edge.
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.interrupt.clone()
    }

    pub fn variables(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    pub fn functions(&self) -> Vec<String> {
        Vec::new()
    }
}
