//! The canonical loop form: what a loop means, whatever its spelling.
//!
//! `for x in a { acc += f(x) }`, `for &x in a`, `for x in a.iter()`, `for i in 0..a.len() {
//! acc += f(a[i]) }`, `a.iter().map(f).sum()`, `a.iter().fold(0.0, |s, x| s + f(x))`,
//! `a.iter().for_each(|x| acc += f(x))` and their `zip` forms are one loop: a counted walk
//! over the elements of one or more sequences in step, feeding one reduction. `recognize`
//! turns each spelling into a `LoopForm` before any optimisation looks at it, and
//! `strategy` picks the code for the form (never for the spelling): the `--fastmath`
//! reassociated vector sum, the strict in-order sum with its summand on lanes, or the
//! block-wise square roots of `exec::vmath`, strict or not. A loop the form cannot
//! express keeps the general lowering (`loops.rs`, `iters.rs`), which versioning and the
//! vectoriser then treat as before.
//!
//! The summand is rewritten in terms of the streams: each stream's element is a
//! synthetic local (`stream_local`), never a local of the fn, so the same form comes out of
//! a pattern `x`, `&x`, a closure parameter or an index `a[i]`.

mod recognize;
mod strategy;

pub use recognize::{of_consume, of_for};

use crate::typeck::typed::{Expr, LocalId};

/// How many iterations the loop runs.
#[derive(Debug)]
pub enum Trip<'e> {
    /// As many as the shortest stream has elements (`for x in a`, `zip`).
    Shortest,
    /// `start..end` over usize with every stream read as `seq[i]`: `end - start` iterations
    /// (none when `end <= start`) once `end <= len(seq)` holds for every stream; when it
    /// does not, the loop's general lowering runs and panics where rustc's would.
    Range { start: &'e Expr, end: &'e Expr },
}

/// A sequence of f64 walked one element per iteration, from its first (`Trip::Shortest`)
/// or from `start` (`Trip::Range`).
#[derive(Debug)]
pub struct Stream<'e> {
    /// The Vec / slice / array expression (a place, or a reference to one).
    pub seq: &'e Expr,
    /// The local the summand reads the element through (`stream_local(k)`).
    pub elem: LocalId,
    /// For `Trip::Range`: the sequence's local (an index `seq[i]` names it).
    pub local: Option<LocalId>,
}

/// Where the reduction's result goes.
#[derive(Debug, Clone, Copy)]
pub enum Acc<'e> {
    /// `acc += ..` in a `for` body or a `for_each` closure: an f64 local or workspace
    /// variable, read before the loop and written back after it.
    Place(&'e Expr),
    /// `sum()` / `fold(..)`: the value of the expression.
    Value,
}

/// The reduction's first value, exactly as the spelling has it: std's float `Sum` starts
/// at -0.0 (the identity of `+`), `fold(0.0, ..)` at +0.0, `acc += ..` at `acc`.
#[derive(Debug, Clone, Copy)]
pub enum Init<'e> {
    /// The accumulator's value before the loop.
    Acc,
    /// -0.0 (`Iterator::sum` of floats).
    NegZero,
    /// `fold`'s first argument (evaluated before the sequences, as the general lowering does).
    Expr(&'e Expr),
}

/// The operator combining summands. Only `+` of f64 so far; integer sums (exact, so any
/// order gives rustc's bits) and min/max/count would be rows here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedOp {
    AddF64,
}

/// `acc = acc op summand` once per iteration, in iteration order.
#[derive(Debug)]
pub struct Reduction<'e> {
    pub op: RedOp,
    pub acc: Acc<'e>,
    pub init: Init<'e>,
    /// In terms of the streams' element locals and loop-invariant locals only.
    pub summand: Expr,
}

/// A counted loop whose whole body is one reduction over its streams.
#[derive(Debug)]
pub struct LoopForm<'e> {
    pub trip: Trip<'e>,
    pub streams: Vec<Stream<'e>>,
    /// `.rev()`: iterations run from the last element down.
    pub reversed: bool,
    pub reduction: Reduction<'e>,
}

/// The synthetic local naming stream `k`'s element in a summand: above every local id a
/// fn can have, so it never collides with one (only the form's emitters read it).
pub fn stream_local(k: usize) -> LocalId {
    LocalId::MAX - 64 + k as LocalId
}
