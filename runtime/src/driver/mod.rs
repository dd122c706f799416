//! The driver: runs the stages for a cell — parse → typeck → lower → exec — and keeps what
//! lives across cells (fn definitions, the JIT modules, workspace variables). `FastTier` is
//! the crate's entry point; `engine.rs` does the work, `timeit.rs` compiles `%timeit`'s
//! loop into a cell, `annotate.rs` renders `%annotate`.

mod annotate;
mod dump;
mod engine;
mod timeit;

use crate::api::{Annotation, Failure, JitOptions, Output, Stage, Timings, Value, WideSqrt};
use engine::Engine;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The fast tier's state: compiled fns and workspace variables, across cells.
pub struct FastTier {
    interrupt: Arc<AtomicBool>,
    engine: Engine,
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
            engine: Engine::new(),
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
        timeit::accepts(&self.engine, setup, expr)
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
        timeit::timeit(
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
        dump::dump(stage, src, opts, wide_sqrt)
    }

    pub fn annotate(&self, name: &str) -> Result<Annotation, String> {
        annotate::annotate(&self.engine, name)
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
