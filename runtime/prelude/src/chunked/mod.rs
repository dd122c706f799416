//! Chunked arrays, after dask.array: a lazy task graph over blocks, computed in parallel with
//! bounded memory. Elements are f64 (sources of other numeric types are converted block by block
//! as they are read).
//!
//! Building never fails loudly: an invalid step (bad chunks, bad axis, shapes that do not
//! broadcast) yields a `Chunked` that carries the error, later steps pass it along, and
//! [`Chunked::try_compute`] returns it (`compute` panics with the same message, like dask raises
//! at `compute()` time for errors found late). This keeps the seed's chained style working:
//!
//! ```
//! use accel::prelude::*;
//! let x = Chunked::random_normal(10.0, 0.1, (2000, 2000), (500, 500), 42);
//! let y = x.mean_axis(Axis(0)).slice(s![..;100]).compute();
//! assert_eq!(y.len(), 20);
//! ```

pub mod chunks;
mod compute;
mod eval;
mod graph;
pub mod interrupt;
pub mod progress;
mod source;
pub mod visualize;

pub use chunks::{Chunks, IntoChunks};
pub use graph::{Boundary, ReduceKind};

use crate::dense::element::Element;
use crate::error::{shape_tuple, ArrayError, Result};
use graph::{AxisSel, BinOp, Dist, Node, NodeRef, Op};
use ndarray::{ArrayBase, ArrayD, ArrayViewD, Axis, Data, Dimension, IntoDimension, SliceInfoElem};
use std::sync::Arc;

#[derive(Clone)]
pub struct Chunked {
    inner: std::result::Result<NodeRef, ArrayError>,
}

fn shape_of<Sh: IntoDimension>(sh: Sh) -> Vec<usize> {
    sh.into_dimension().slice().to_vec()
}

impl Chunked {
    fn node_new(op: Op, shape: Vec<usize>, chunks: Vec<Vec<usize>>) -> Chunked {
        Chunked {
            inner: Ok(Node::new(op, shape, chunks)),
        }
    }
    fn fail(e: ArrayError) -> Chunked {
        Chunked { inner: Err(e) }
    }
    pub(crate) fn node(&self) -> Result<&NodeRef> {
        self.inner.as_ref().map_err(|e| e.clone())
    }
    fn source(op: Op, shape: Vec<usize>, chunks: impl IntoChunks) -> Chunked {
        match chunks.into_chunks().and_then(|c| c.resolve(&shape, 8)) {
            Ok(c) => Self::node_new(op, shape, c),
            Err(e) => Self::fail(e),
        }
    }

    /// dask's `da.from_array(a, chunks=…)` (the data is converted to f64 once).
    pub fn from_array<A: Element, S: Data<Elem = A>, D: Dimension>(
        a: &ArrayBase<S, D>,
        chunks: impl IntoChunks,
    ) -> Chunked {
        let data = Arc::new(a.mapv(|x| x.to_f64()).into_dyn());
        Self::source(Op::Array(data), a.shape().to_vec(), chunks)
    }
    /// A `.npy` file read block by block through a memory map (it may be larger than memory).
    pub fn from_npy(path: impl AsRef<std::path::Path>, chunks: impl IntoChunks) -> Chunked {
        match source::NpySource::open(path.as_ref()) {
            Ok(s) => {
                let shape = s.shape.clone();
                let itemsize = s.dtype.size();
                match chunks
                    .into_chunks()
                    .and_then(|c| c.resolve(&shape, itemsize))
                {
                    Ok(c) => Self::node_new(Op::Npy(Arc::new(s)), shape, c),
                    Err(e) => Self::fail(e),
                }
            }
            Err(e) => Self::fail(e),
        }
    }
    /// dask's `da.random.normal(loc, scale, size=shape, chunks=chunks)` with a seed.
    pub fn random_normal<Sh: IntoDimension>(
        loc: f64,
        scale: f64,
        shape: Sh,
        chunks: impl IntoChunks,
        seed: u64,
    ) -> Chunked {
        Self::source(
            Op::Random {
                dist: Dist::Normal { loc, scale },
                seed,
            },
            shape_of(shape),
            chunks,
        )
    }
    /// Uniform [low, high).
    pub fn random_uniform<Sh: IntoDimension>(
        low: f64,
        high: f64,
        shape: Sh,
        chunks: impl IntoChunks,
        seed: u64,
    ) -> Chunked {
        Self::source(
            Op::Random {
                dist: Dist::Uniform { low, high },
                seed,
            },
            shape_of(shape),
            chunks,
        )
    }
    /// dask's `da.random.random(shape, chunks)`: uniform [0, 1).
    pub fn random<Sh: IntoDimension>(shape: Sh, chunks: impl IntoChunks, seed: u64) -> Chunked {
        Self::random_uniform(0.0, 1.0, shape, chunks, seed)
    }
    pub fn full<Sh: IntoDimension>(shape: Sh, value: f64, chunks: impl IntoChunks) -> Chunked {
        Self::source(Op::Full(value), shape_of(shape), chunks)
    }
    pub fn zeros<Sh: IntoDimension>(shape: Sh, chunks: impl IntoChunks) -> Chunked {
        Self::full(shape, 0.0, chunks)
    }
    pub fn ones<Sh: IntoDimension>(shape: Sh, chunks: impl IntoChunks) -> Chunked {
        Self::full(shape, 1.0, chunks)
    }

    /// The error this array carries, if an earlier step failed.
    pub fn error(&self) -> Option<&ArrayError> {
        self.inner.as_ref().err()
    }
    pub fn shape(&self) -> &[usize] {
        self.inner
            .as_ref()
            .map(|n| n.shape.as_slice())
            .unwrap_or(&[])
    }
    /// Chunk lengths per axis (dask's `.chunks`).
    pub fn chunks(&self) -> &[Vec<usize>] {
        self.inner
            .as_ref()
            .map(|n| n.chunks.as_slice())
            .unwrap_or(&[])
    }
    /// The largest chunk's shape (dask's `chunksize`).
    pub fn chunksize(&self) -> Vec<usize> {
        self.chunks()
            .iter()
            .map(|c| c.iter().copied().max().unwrap_or(0))
            .collect()
    }
    pub fn ndim(&self) -> usize {
        self.shape().len()
    }
    pub fn size(&self) -> usize {
        self.shape().iter().product()
    }
    /// Bytes of the whole array as f64 (a `usize`, like the sparse arrays' `nbytes`).
    pub fn nbytes(&self) -> usize {
        self.size().saturating_mul(8)
    }
    pub fn npartitions(&self) -> usize {
        self.inner.as_ref().map(|n| n.n_chunks()).unwrap_or(0)
    }
    /// Number of tasks in dask's sense (one per chunk per layer, plus reduction partials).
    pub fn task_count(&self) -> usize {
        self.inner.as_ref().map(|n| n.task_count()).unwrap_or(0)
    }
    pub fn layer_count(&self) -> usize {
        self.inner.as_ref().map(|n| n.topo().len()).unwrap_or(0)
    }

    // ---- elementwise -------------------------------------------------------------------------

    /// Apply `f` to every element (lazily).
    pub fn mapv(&self, f: impl Fn(f64) -> f64 + Send + Sync + 'static) -> Chunked {
        self.map_named("mapv", f)
    }
    fn map_named(&self, name: &str, f: impl Fn(f64) -> f64 + Send + Sync + 'static) -> Chunked {
        match self.node() {
            Ok(n) => Self::node_new(
                Op::Map {
                    name: name.into(),
                    f: Arc::new(f),
                    input: n.clone(),
                },
                n.shape.clone(),
                n.chunks.clone(),
            ),
            Err(e) => Self::fail(e),
        }
    }
    pub fn powi(&self, k: i32) -> Chunked {
        self.map_named("powi", move |x| x.powi(k))
    }
    pub fn powf(&self, p: f64) -> Chunked {
        self.map_named("powf", move |x| x.powf(p))
    }

    fn binary(&self, other: &Chunked, op: BinOp) -> Chunked {
        let (a, b) = match (self.node(), other.node()) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => return Self::fail(e),
        };
        let shape = match crate::dense::broadcast_shapes(&a.shape, &b.shape) {
            Ok(s) => s,
            Err(e) => return Self::fail(e),
        };
        let nd = shape.len();
        let chunks = (0..nd)
            .map(|i| {
                let pick = |n: &Node| {
                    let lead = nd - n.shape.len();
                    (i >= lead && n.shape[i - lead] == shape[i]).then(|| n.chunks[i - lead].clone())
                };
                match (pick(a), pick(b)) {
                    (Some(x), Some(y)) => chunks::unify(&x, &y),
                    (Some(x), None) | (None, Some(x)) => x,
                    (None, None) => vec![shape[i]],
                }
            })
            .collect();
        Self::node_new(
            Op::Binary {
                op,
                lhs: a.clone(),
                rhs: b.clone(),
            },
            shape,
            chunks,
        )
    }
    /// Broadcasting `+` that reports a shape mismatch as a `Result` right away.
    pub fn try_add(&self, o: &Chunked) -> Result<Chunked> {
        self.binary(o, BinOp::Add).checked()
    }
    pub fn try_sub(&self, o: &Chunked) -> Result<Chunked> {
        self.binary(o, BinOp::Sub).checked()
    }
    pub fn try_mul(&self, o: &Chunked) -> Result<Chunked> {
        self.binary(o, BinOp::Mul).checked()
    }
    pub fn try_div(&self, o: &Chunked) -> Result<Chunked> {
        self.binary(o, BinOp::Div).checked()
    }
    /// numpy's `np.maximum(a, b)` (NaN propagates).
    pub fn maximum(&self, o: &Chunked) -> Chunked {
        self.binary(o, BinOp::Max)
    }
    pub fn minimum(&self, o: &Chunked) -> Chunked {
        self.binary(o, BinOp::Min)
    }
    /// numpy's `a ** b`.
    pub fn pow(&self, o: &Chunked) -> Chunked {
        self.binary(o, BinOp::Pow)
    }
    /// `Ok(self)` unless this array carries an error.
    pub fn checked(self) -> Result<Chunked> {
        match self.inner {
            Ok(_) => Ok(self),
            Err(e) => Err(e),
        }
    }

    // ---- reductions ---------------------------------------------------------------------------

    fn reduce(&self, kind: ReduceKind, axes: Option<usize>) -> Chunked {
        let n = match self.node() {
            Ok(n) => n,
            Err(e) => return Self::fail(e),
        };
        let axes: Vec<usize> = match axes {
            Some(a) if a >= n.shape.len() => {
                return Self::fail(ArrayError::Index(format!(
                    "axis {a} is out of bounds for array of dimension {}",
                    n.shape.len()
                )))
            }
            Some(a) => vec![a],
            None => (0..n.shape.len()).collect(),
        };
        let reduced_len: usize = axes.iter().map(|&a| n.shape[a]).product();
        // numpy and dask: a sum over nothing is 0, a mean/var/std NaN; min/max have no identity
        if reduced_len == 0 && matches!(kind, ReduceKind::Min | ReduceKind::Max) {
            return Self::fail(ArrayError::Value(format!(
                "zero-size array to reduction operation {kind:?} which has no identity"
            )));
        }
        if axes.is_empty() {
            return self.clone(); // reducing a 0-d array over no axes is the identity
        }
        let keep: Vec<usize> = (0..n.shape.len()).filter(|i| !axes.contains(i)).collect();
        Self::node_new(
            Op::Reduce {
                kind,
                axes,
                input: n.clone(),
            },
            keep.iter().map(|&i| n.shape[i]).collect(),
            keep.iter().map(|&i| n.chunks[i].clone()).collect(),
        )
    }
    pub fn sum(&self) -> Chunked {
        self.reduce(ReduceKind::Sum, None)
    }
    pub fn mean(&self) -> Chunked {
        self.reduce(ReduceKind::Mean, None)
    }
    pub fn min(&self) -> Chunked {
        self.reduce(ReduceKind::Min, None)
    }
    pub fn max(&self) -> Chunked {
        self.reduce(ReduceKind::Max, None)
    }
    pub fn var(&self, ddof: f64) -> Chunked {
        self.reduce(ReduceKind::Var(ddof), None)
    }
    pub fn std(&self, ddof: f64) -> Chunked {
        self.reduce(ReduceKind::Std(ddof), None)
    }
    pub fn sum_axis(&self, axis: Axis) -> Chunked {
        self.reduce(ReduceKind::Sum, Some(axis.index()))
    }
    pub fn mean_axis(&self, axis: Axis) -> Chunked {
        self.reduce(ReduceKind::Mean, Some(axis.index()))
    }
    pub fn min_axis(&self, axis: Axis) -> Chunked {
        self.reduce(ReduceKind::Min, Some(axis.index()))
    }
    pub fn max_axis(&self, axis: Axis) -> Chunked {
        self.reduce(ReduceKind::Max, Some(axis.index()))
    }
    pub fn var_axis(&self, axis: Axis, ddof: f64) -> Chunked {
        self.reduce(ReduceKind::Var(ddof), Some(axis.index()))
    }
    pub fn std_axis(&self, axis: Axis, ddof: f64) -> Chunked {
        self.reduce(ReduceKind::Std(ddof), Some(axis.index()))
    }

    // ---- slicing, blocks ----------------------------------------------------------------------

    /// ndarray's `s![]` slicing (steps, negative steps, integer indices). Out-of-range indices
    /// and slice bounds are errors, as in ndarray.
    pub fn slice(&self, info: impl AsRef<[SliceInfoElem]>) -> Chunked {
        match self.node().and_then(|n| slice_node(n, info.as_ref())) {
            Ok(c) => c,
            Err(e) => Self::fail(e),
        }
    }

    /// dask's `map_blocks`: `f` sees each block (as an f64 view) and must return an array of the
    /// same shape.
    pub fn map_blocks(
        &self,
        f: impl Fn(ArrayViewD<'_, f64>) -> ArrayD<f64> + Send + Sync + 'static,
    ) -> Chunked {
        let depth = vec![0; self.ndim()];
        self.map_overlap(&depth, Boundary::None, f)
    }

    /// dask's `map_overlap`: each block is extended by `depth[axis]` elements from its neighbours
    /// (or padded per `boundary` at the array's edge) before `f` sees it; the margin is trimmed
    /// from `f`'s result. Stencils over chunked arrays use this.
    pub fn map_overlap(
        &self,
        depth: &[usize],
        boundary: Boundary,
        f: impl Fn(ArrayViewD<'_, f64>) -> ArrayD<f64> + Send + Sync + 'static,
    ) -> Chunked {
        let n = match self.node() {
            Ok(n) => n,
            Err(e) => return Self::fail(e),
        };
        if depth.len() != n.shape.len() {
            return Self::fail(ArrayError::Value(format!(
                "depth has {} entries but the array has {} dimensions",
                depth.len(),
                n.shape.len()
            )));
        }
        let name = if depth.iter().all(|&d| d == 0) {
            "map_blocks"
        } else {
            "map_overlap"
        };
        Self::node_new(
            Op::MapBlocks {
                name: name.into(),
                f: Arc::new(f),
                depth: depth.to_vec(),
                boundary,
                input: n.clone(),
            },
            n.shape.clone(),
            n.chunks.clone(),
        )
    }

    /// Reorder axes: result axis i is axis `axes[i]` (numpy's `transpose(axes)`).
    pub fn permuted_axes(&self, axes: &[usize]) -> Chunked {
        let n = match self.node() {
            Ok(n) => n,
            Err(e) => return Self::fail(e),
        };
        let mut seen = vec![false; n.shape.len()];
        if axes.len() != n.shape.len()
            || axes
                .iter()
                .any(|&a| a >= seen.len() || std::mem::replace(&mut seen[a], true))
        {
            return Self::fail(ArrayError::Value(format!(
                "axes {axes:?} don't match array of dimension {}",
                n.shape.len()
            )));
        }
        Self::node_new(
            Op::Transpose {
                perm: axes.to_vec(),
                input: n.clone(),
            },
            axes.iter().map(|&a| n.shape[a]).collect(),
            axes.iter().map(|&a| n.chunks[a].clone()).collect(),
        )
    }
    /// Reverse the axes (numpy's `.T`).
    pub fn t(&self) -> Chunked {
        let axes: Vec<usize> = (0..self.ndim()).rev().collect();
        self.permuted_axes(&axes)
    }

    /// dask's `da.concatenate(arrays, axis)`: e.g. one array over many `.npy` files.
    pub fn concatenate(arrays: &[Chunked], axis: Axis) -> Chunked {
        let nodes: Vec<NodeRef> = match arrays
            .iter()
            .map(|a| a.node().cloned())
            .collect::<Result<_>>()
        {
            Ok(v) => v,
            Err(e) => return Self::fail(e),
        };
        let Some(first) = nodes.first() else {
            return Self::fail(ArrayError::Value(
                "need at least one array to concatenate".into(),
            ));
        };
        let ax = axis.index();
        let nd = first.shape.len();
        if ax >= nd {
            return Self::fail(ArrayError::Index(format!(
                "axis {ax} is out of bounds for array of dimension {nd}"
            )));
        }
        for (k, n) in nodes.iter().enumerate() {
            if n.shape.len() != nd || (0..nd).any(|d| d != ax && n.shape[d] != first.shape[d]) {
                return Self::fail(ArrayError::Shape(format!(
                    "all the input array dimensions except for the concatenation axis must match exactly, \
                     but the array at index 0 has shape {} and the array at index {k} has shape {}",
                    shape_tuple(&first.shape),
                    shape_tuple(&n.shape)
                )));
            }
        }
        let mut shape = first.shape.clone();
        shape[ax] = nodes.iter().map(|n| n.shape[ax]).sum();
        let chunks = (0..nd)
            .map(|d| {
                if d == ax {
                    nodes
                        .iter()
                        .flat_map(|n| n.chunks[d].iter().copied().filter(|&c| c > 0))
                        .collect::<Vec<_>>()
                } else {
                    nodes
                        .iter()
                        .skip(1)
                        .fold(first.chunks[d].clone(), |acc, n| {
                            chunks::unify(&acc, &n.chunks[d])
                        })
                }
            })
            .map(|c| if c.is_empty() { vec![0] } else { c })
            .collect();
        Self::node_new(
            Op::Concat {
                axis: ax,
                inputs: nodes,
            },
            shape,
            chunks,
        )
    }

    /// dask's `da.stack(arrays, axis)`: the arrays (all of one shape) along a new axis `axis`,
    /// one chunk of length 1 per array; the other axes' chunks unified as by `concatenate`.
    pub fn stack(arrays: &[Chunked], axis: Axis) -> Chunked {
        let nodes: Vec<NodeRef> = match arrays
            .iter()
            .map(|a| a.node().cloned())
            .collect::<Result<_>>()
        {
            Ok(v) => v,
            Err(e) => return Self::fail(e),
        };
        let Some(first) = nodes.first() else {
            return Self::fail(ArrayError::Value("need at least one array to stack".into()));
        };
        let (ax, nd) = (axis.index(), first.shape.len());
        if ax > nd {
            return Self::fail(ArrayError::Index(format!(
                "axis {ax} is out of bounds for array of dimension {}",
                nd + 1
            )));
        }
        if nodes.iter().any(|n| n.shape != first.shape) {
            return Self::fail(ArrayError::Shape(
                "all input arrays must have the same shape".into(),
            ));
        }
        let info: Vec<SliceInfoElem> = (0..=nd)
            .map(|i| {
                if i == ax {
                    SliceInfoElem::NewAxis
                } else {
                    SliceInfoElem::Slice {
                        start: 0,
                        end: None,
                        step: 1,
                    }
                }
            })
            .collect();
        let expanded: Vec<Chunked> = arrays.iter().map(|a| a.slice(&info)).collect();
        Self::concatenate(&expanded, axis)
    }

    /// dask's `rechunk`: the same array cut into new chunks (a shape, per-axis lengths, or a byte
    /// budget such as `"64 MB"`). Lazy; each new chunk is assembled from the old ones it overlaps.
    pub fn rechunk(&self, chunks: impl IntoChunks) -> Chunked {
        let n = match self.node() {
            Ok(n) => n,
            Err(e) => return Self::fail(e),
        };
        match chunks.into_chunks().and_then(|c| c.resolve(&n.shape, 8)) {
            Ok(c) if c == n.chunks => self.clone(),
            Ok(c) => Self::node_new(Op::Rechunk { input: n.clone() }, n.shape.clone(), c),
            Err(e) => Self::fail(e),
        }
    }

    // ---- execution ----------------------------------------------------------------------------

    /// Run the graph on all cores; the result as a dense array.
    pub fn try_compute(&self) -> Result<ArrayD<f64>> {
        compute::compute(self.node()?)
    }
    /// [`Self::try_compute`], panicking with the error's message on failure.
    pub fn compute(&self) -> ArrayD<f64> {
        self.try_compute().unwrap_or_else(|e| panic!("{e}"))
    }
    /// For 0-d results (`x.mean()`): the number.
    pub fn try_compute_scalar(&self) -> Result<f64> {
        let a = self.try_compute()?;
        if a.ndim() != 0 {
            return Err(ArrayError::Shape(format!(
                "compute_scalar needs a 0-d array, this one has shape {}",
                shape_tuple(a.shape())
            )));
        }
        Ok(*a.first().unwrap())
    }
    pub fn compute_scalar(&self) -> f64 {
        self.try_compute_scalar().unwrap_or_else(|e| panic!("{e}"))
    }
    /// dask's `da.to_npy_stack`/`store` for one file: stream every block into a `.npy` (f8).
    pub fn store(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        compute::store(self.node()?, path.as_ref())
    }
    /// The task graph as SVG (layers as boxes, dependencies as arrows); no Graphviz needed.
    pub fn visualize(&self) -> visualize::Svg {
        visualize::graph_svg(self)
    }
}

/// Output chunk lengths of a sliced axis: for each input chunk the slice passes through, how
/// many selected positions fall in it (dask's rule; empty pieces dropped).
fn slice_chunks(in_chunks: &[usize], s: &AxisSel) -> Vec<usize> {
    if s.len == 0 {
        return vec![0];
    }
    let offs = chunks::offsets(in_chunks);
    let st = s.start as i64;
    let step = s.step as i64;
    let len = s.len as i64;
    let count = |a: i64, b: i64| -> i64 {
        // k in [0, len) with a <= st + k*step < b
        let (lo, hi) = if step > 0 {
            (div_ceil(a - st, step), div_ceil(b - st, step))
        } else {
            let s = -step;
            (div_floor(st - b, s) + 1, div_floor(st - a, s) + 1)
        };
        (hi.min(len) - lo.max(0)).max(0)
    };
    let mut out: Vec<usize> = offs
        .windows(2)
        .map(|w| count(w[0] as i64, w[1] as i64) as usize)
        .collect();
    if step < 0 {
        out.reverse();
    }
    out.retain(|&c| c > 0);
    out
}
fn div_floor(a: i64, b: i64) -> i64 {
    a.div_euclid(b)
}
fn div_ceil(a: i64, b: i64) -> i64 {
    -((-a).div_euclid(b))
}

fn slice_node(n: &NodeRef, elems: &[SliceInfoElem]) -> Result<Chunked> {
    let nd = n.shape.len();
    let indexed = elems
        .iter()
        .filter(|e| !matches!(e, SliceInfoElem::NewAxis))
        .count();
    if indexed > nd {
        return Err(ArrayError::Index(format!(
            "too many indices for array: array is {nd}-dimensional, but {indexed} were indexed"
        )));
    }
    let full = SliceInfoElem::Slice {
        start: 0,
        end: None,
        step: 1,
    };
    let mut sel = Vec::with_capacity(nd);
    let mut new_axes = vec![];
    let mut out_len = 0; // output axes so far
    let mut ax = 0; // input axes so far
    for e in elems
        .iter()
        .copied()
        .chain(std::iter::repeat_n(full, nd - indexed))
    {
        let len = if ax < nd { n.shape[ax] } else { 0 };
        let fix = |i: isize| if i < 0 { i + len as isize } else { i };
        match e {
            SliceInfoElem::NewAxis => {
                new_axes.push(out_len);
                out_len += 1;
            }
            SliceInfoElem::Index(i) => {
                let j = fix(i);
                if j < 0 || j >= len as isize {
                    return Err(ArrayError::Index(format!(
                        "index {i} is out of bounds for axis {ax} with size {len}"
                    )));
                }
                sel.push(AxisSel {
                    start: j as usize,
                    step: 1,
                    len: 1,
                    drop: true,
                });
                ax += 1;
            }
            SliceInfoElem::Slice { start, end, step } => {
                if step == 0 {
                    return Err(ArrayError::Index("slice step cannot be zero".into()));
                }
                let (s, e) = (fix(start), end.map(fix).unwrap_or(len as isize));
                if s < 0 || s > len as isize || e < 0 || e > len as isize {
                    return Err(ArrayError::Index(format!(
                        "slice {start}..{} is out of range for axis {ax} with size {len}",
                        end.map(|e| e.to_string()).unwrap_or_default()
                    )));
                }
                let width = (e - s).max(0) as usize;
                let k = width.div_ceil(step.unsigned_abs());
                let first = if step > 0 {
                    s as usize
                } else {
                    (e - 1).max(0) as usize
                };
                sel.push(AxisSel {
                    start: first,
                    step,
                    len: k,
                    drop: false,
                });
                ax += 1;
                out_len += 1;
            }
        }
    }
    let mut shape = vec![];
    let mut chunks = vec![];
    for (i, s) in sel.iter().enumerate().filter(|(_, s)| !s.drop) {
        shape.push(s.len);
        chunks.push(slice_chunks(&n.chunks[i], s));
    }
    for &p in &new_axes {
        shape.insert(p, 1);
        chunks.insert(p, vec![1]);
    }
    Ok(Chunked::node_new(
        Op::Slice {
            sel,
            new_axes,
            input: n.clone(),
        },
        shape,
        chunks,
    ))
}

macro_rules! unary {
    ($($name:ident),*) => {
        impl Chunked {$(
            #[doc = concat!("numpy's `np.", stringify!($name), "`, elementwise and lazy.")]
            pub fn $name(&self) -> Chunked { self.map_named(stringify!($name), f64::$name) }
        )*}
    };
}
unary!(
    sin, cos, tan, sinh, cosh, tanh, asin, acos, atan, exp, exp_m1, ln, ln_1p, log10, log2, sqrt,
    cbrt, abs, floor, ceil, round, signum, recip
);

mod operators;
