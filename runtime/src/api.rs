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

/// A compiler stage whose text the snapshot tests pin (`tests/ir/*.jit`, [`FastTier::dump`]).
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

/// The fast tier's state: compiled fns and workspace variables, across cells.
pub struct FastTier {
    interrupt: Arc<AtomicBool>,
    engine: crate::exec::Engine,
}

// The engine's raw pointers (JIT code, workspace buffers, the output sink while a cell
// runs) are owned by it and only used while `&mut self` is held.
unsafe impl Send for FastTier {}

impl Default for FastTier {
    fn default() -> Self {
        Self::new()
    }
}

impl FastTier {
    pub fn new() -> Self {
        FastTier {
            interrupt: Arc::new(AtomicBool::new(false)),
            engine: crate::exec::Engine::new(),
        }
    }

    /// Compile and run a `%%jit` cell: items persist, `let`s become workspace variables,
    /// a trailing expression is returned for display.
    pub fn run_cell(
        &mut self,
        src: &str,
        opts: &JitOptions,
        out: &dyn Output,
    ) -> Result<Option<Value>, Failure> {
        let p = self.engine.prepare(src, opts, &Default::default())?;
        self.engine.run(p, &self.interrupt, out)
    }

    /// Parse, type-check and compile a cell without running it (its `let`s are not
    /// committed). Used by benchmarks of compile latency and by `accepts`.
    pub fn compile_only(&mut self, src: &str, opts: &JitOptions) -> Result<(), Failure> {
        self.engine
            .prepare(src, opts, &Default::default())
            .map(|_| ())
    }

    /// Wall time of the last successful compile (parse → machine code).
    pub fn last_compile_time(&self) -> std::time::Duration {
        self.engine.last_compile
    }

    /// Whether `expr` (with `setup`) is fast-tier code: it names fast-tier fns or
    /// variables and compiles. Used to route `%timeit`.
    pub fn accepts(&self, setup: &str, expr: &str) -> bool {
        crate::exec::timeit::accepts(&self.engine, setup, expr)
    }

    /// IPython's timing algorithm with a compiled loop: `number == None` auto-ranges.
    pub fn timeit(
        &mut self,
        setup: &str,
        expr: &str,
        number: Option<u64>,
        repeat: u32,
        out: &dyn Output,
    ) -> Result<Timings, Failure> {
        crate::exec::timeit::timeit(
            &mut self.engine,
            &self.interrupt,
            setup,
            expr,
            number,
            repeat,
            out,
        )
    }

    /// Vecs the last run allocated and did not free (those it stored in the workspace or
    /// returned for display count too). Leak tests of lowering compare it with that number.
    pub fn last_run_unfreed_vecs(&self) -> i64 {
        self.engine.last_unfreed_vecs
    }

    /// The text of `stage` for `src` compiled alone in a fresh fast tier (never run), with
    /// function ids and addresses replaced by names and `0x<addr>`: what the snapshot tests
    /// compare. Not a user-facing magic.
    pub fn dump(
        stage: Stage,
        src: &str,
        opts: &JitOptions,
        wide_sqrt: WideSqrt,
    ) -> Result<String, Failure> {
        crate::exec::dump::dump(stage, src, opts, wide_sqrt)
    }

    pub fn annotate(&self, name: &str) -> Result<Annotation, String> {
        crate::exec::annotate::annotate(&self.engine, name)
    }

    /// Setting this flag stops running fast-tier code at the next loop back-edge.
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.interrupt.clone()
    }

    /// (name, type) of the workspace variables, in definition order.
    pub fn variables(&self) -> Vec<(String, String)> {
        self.engine.variables()
    }

    /// `{:?}` text of a workspace variable.
    pub fn variable_text(&self, name: &str) -> Option<String> {
        self.engine.vars.get(name).map(|s| s.display().0)
    }

    pub fn functions(&self) -> Vec<String> {
        self.engine.functions()
    }
}
