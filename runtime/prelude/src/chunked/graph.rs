//! The lazy task graph. A `Node` is one layer of dask's high-level graph: an operation, the
//! shape of its result and how that result is cut into chunks. Nodes are immutable and shared
//! (`Arc`), so building `x + x.t()` reuses `x`'s node instead of copying a graph.

use super::source::NpySource;
use ndarray::{ArrayD, ArrayViewD};
use std::sync::Arc;

pub(crate) type NodeRef = Arc<Node>;
pub(crate) type MapFn = Arc<dyn Fn(f64) -> f64 + Send + Sync>;
pub(crate) type BlockFn = Arc<dyn Fn(ArrayViewD<'_, f64>) -> ArrayD<f64> + Send + Sync>;

pub(crate) struct Node {
    pub op: Op,
    pub shape: Vec<usize>,
    pub chunks: Vec<Vec<usize>>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Dist {
    Normal { loc: f64, scale: f64 },
    Uniform { low: f64, high: f64 },
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Max,
    Min,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ReduceKind {
    Sum,
    Mean,
    Min,
    Max,
    /// Variance with `ddof` (numpy's `var(ddof=…)`).
    Var(f64),
    Std(f64),
}

/// How a slice reads one input axis: `len` output positions at `start + k·step`; `drop` when
/// the axis was indexed by a single integer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct AxisSel {
    pub start: usize,
    pub step: isize,
    pub len: usize,
    pub drop: bool,
}

/// What happens at the array's edges for `map_overlap`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Boundary {
    /// No padding: edge blocks simply get less overlap (dask's `boundary="none"`).
    None,
    /// Pad with a constant (dask's `boundary=0` etc.).
    Constant(f64),
}

pub(crate) enum Op {
    Array(Arc<ArrayD<f64>>),
    Npy(Arc<NpySource>),
    Full(f64),
    Random {
        dist: Dist,
        seed: u64,
    },
    Map {
        name: String,
        f: MapFn,
        input: NodeRef,
    },
    Binary {
        op: BinOp,
        lhs: NodeRef,
        rhs: NodeRef,
    },
    Reduce {
        kind: ReduceKind,
        axes: Vec<usize>,
        input: NodeRef,
    },
    /// `new_axes`: output positions of `NewAxis` entries (length-1 axes inserted after slicing).
    Slice {
        sel: Vec<AxisSel>,
        new_axes: Vec<usize>,
        input: NodeRef,
    },
    /// Output axis i is input axis `perm[i]`.
    Transpose {
        perm: Vec<usize>,
        input: NodeRef,
    },
    Concat {
        axis: usize,
        inputs: Vec<NodeRef>,
    },
    /// Same values, new chunk grid (dask's `rechunk`): a region is assembled from the pieces it
    /// covers of the input's chunks.
    Rechunk {
        input: NodeRef,
    },
    MapBlocks {
        name: String,
        f: BlockFn,
        depth: Vec<usize>,
        boundary: Boundary,
        input: NodeRef,
    },
}

impl Node {
    pub fn new(op: Op, shape: Vec<usize>, chunks: Vec<Vec<usize>>) -> NodeRef {
        Arc::new(Node { op, shape, chunks })
    }

    /// Identity of a node within a graph: its address, stable while the graph is alive. (Not a
    /// counter in a `static`: in evcxr every cell is its own shared library with its own copy of
    /// this crate's statics, so counters restart per cell and nodes built in different cells
    /// would collide.)
    pub fn id(&self) -> u64 {
        self as *const Node as usize as u64
    }

    pub fn inputs(&self) -> Vec<&NodeRef> {
        match &self.op {
            Op::Array(_) | Op::Npy(_) | Op::Full(_) | Op::Random { .. } => vec![],
            Op::Map { input, .. }
            | Op::Reduce { input, .. }
            | Op::Slice { input, .. }
            | Op::MapBlocks { input, .. } => {
                vec![input]
            }
            Op::Transpose { input, .. } | Op::Rechunk { input } => vec![input],
            Op::Binary { lhs, rhs, .. } => vec![lhs, rhs],
            Op::Concat { inputs, .. } => inputs.iter().collect(),
        }
    }

    /// dask-style layer name for the repr and `visualize()`.
    pub fn name(&self) -> String {
        match &self.op {
            Op::Array(_) => "array".into(),
            Op::Npy(s) => format!("from-npy {} ({})", s.path.display(), s.dtype.name()),
            Op::Full(v) => format!("full {v}"),
            Op::Random {
                dist: Dist::Normal { .. },
                ..
            } => "random_normal".into(),
            Op::Random {
                dist: Dist::Uniform { .. },
                ..
            } => "random_uniform".into(),
            Op::Map { name, .. } => name.clone(),
            Op::Binary { op, .. } => format!("{op:?}").to_lowercase(),
            Op::Reduce { kind, axes, .. } => format!(
                "{}-aggregate axis={axes:?}",
                format!("{kind:?}").to_lowercase()
            ),
            Op::Slice { .. } => "getitem".into(),
            Op::MapBlocks { name, .. } => name.clone(),
            Op::Transpose { perm, .. } => format!("transpose {perm:?}"),
            Op::Concat { axis, .. } => format!("concatenate axis={axis}"),
            Op::Rechunk { .. } => "rechunk".into(),
        }
    }

    pub fn n_chunks(&self) -> usize {
        self.chunks.iter().map(|c| c.len()).product()
    }

    /// Can any sub-rectangle be produced at cost proportional to its size? (`map_blocks` needs
    /// whole blocks, so the reduction scheduler must not cut below them.)
    pub fn fine_grained(&self) -> bool {
        match &self.op {
            Op::MapBlocks { .. } => false,
            // a transpose that moves the last axis would make row-wise sources replay rows for
            // every narrow slab; keep whole chunks there
            Op::Transpose { perm, input } => {
                perm.last() == Some(&(perm.len() - 1)) && input.fine_grained()
            }
            _ => self.inputs().iter().all(|i| i.fine_grained()),
        }
    }

    /// All nodes reachable from here, each once, inputs before users.
    pub fn topo(self: &NodeRef) -> Vec<NodeRef> {
        fn go(n: &NodeRef, seen: &mut std::collections::HashSet<u64>, out: &mut Vec<NodeRef>) {
            if !seen.insert(n.id()) {
                return;
            }
            for i in n.inputs() {
                go(i, seen, out);
            }
            out.push(n.clone());
        }
        let mut out = vec![];
        go(self, &mut Default::default(), &mut out);
        out
    }

    /// dask's task count: one task per chunk per layer, plus one partial per input chunk for
    /// reductions (the tree's leaves).
    pub fn task_count(self: &NodeRef) -> usize {
        self.topo()
            .iter()
            .map(|n| match &n.op {
                Op::Reduce { input, .. } => n.n_chunks() + input.n_chunks(),
                _ => n.n_chunks(),
            })
            .sum()
    }
}
