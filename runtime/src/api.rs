//! The fast tier's public vocabulary: options in (`JitOptions`), the `Output` sink, and what
//! comes back (`Value`, `Failure` with its `Diagnostic`s, `Timings`, `Annotation`). Plain
//! data, importing nothing of the crate, so every stage may use it; the entry point that
//! takes and returns these is `driver::FastTier`.

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

/// A compiler stage whose text the snapshot tests pin (`tests/ir/*.jit`, `FastTier::dump`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The typed IR (`typeck/typed_print.rs`).
    Typeck,
    /// Cranelift IR as lowering leaves it (versioned, vectorised), before Cranelift's mid-end.
    Clif,
    /// `%annotate`'s text: per-line costs and the vectoriser's notes.
    Annotate,
}

/// The wide square-root kernel `--fastmath` sums call (`exec/vmath.rs` picks one from the
/// host CPU when a cell compiles); a dump names one so its text is the same on every host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WideSqrt {
    Avx512,
    Avx,
    /// The JIT's own 128-bit loop.
    None,
}

/// `%%jit` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JitOptions {
    pub fastmath: bool,
    pub boundscheck: bool,
    pub opt: OptLevel,
    pub dump: Option<Dump>,
    /// The loop vectoriser (`lower/vectorize.rs`); off only for A/B measurements
    /// (`accel-bench --no-vectorize`).
    pub vectorize: bool,
}

impl Default for JitOptions {
    fn default() -> Self {
        JitOptions {
            fastmath: false,
            boundscheck: true,
            opt: OptLevel::Speed,
            dump: None,
            vectorize: true,
        }
    }
}

/// Where `print!`/`eprint!` of running code go, as they happen.
pub trait Output: Sync {
    fn stdout(&self, text: &str);
    fn stderr(&self, text: &str);
    /// Progress of a long library computation (a chunked `compute`), reported by the accel
    /// prelude's progress hook about every 100 ms once it has run ~1 s, then once `finished`.
    fn progress(&self, _fraction: f64, _elapsed: std::time::Duration, _finished: bool) {}
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
    Panic {
        message: String,
        line: usize,
    },
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
