"""03-chunked.ipynb: the seeds' Dask material (seed 000's Dask section, seed 001's map_blocks over a
stencil, seed 004's blocked algorithms), in Rust with the accel crate."""
from __future__ import annotations

from nbcells import code, md

# The blocked-mean exercise writes BLOCKS files of BLOCK float32 values; CI runs it at this size.
BLOCKS, BLOCK = 8, 1_000_000

CHUNKED = [
    md("""
# Chunked arrays: Dask's chapter, in Rust

`Chunked` is the `accel` crate's [dask.array](https://docs.dask.org/en/stable/array.html): an array cut
into blocks, described by a lazy task graph, and computed on all cores with bounded memory — blocks
are produced, reduced and dropped as the computation streams through them, so arrays larger than
memory (or than the disk, for generated data) are fine.

The first cell that uses `accel` compiles the crate (a minute the first time on a machine, seconds
once evcxr's cache is warm).
"""),
    md("""
## The seed's example

A 20000×20000 array of normal random numbers in 1000×1000 chunks: 3.2 GB if it were ever whole in
memory. Building it costs nothing — it is a description. Its HTML view is Dask's: a table of sizes and
task counts beside a drawing of the chunk grid.
"""),
    code("""
use accel::prelude::*;

let x: Chunked = Chunked::random_normal(10.0, 0.1, (20000, 20000), (1000, 1000), 42); // loc, scale, shape, chunks, seed
x
"""),
    md("""
Operations add layers to the graph: here the mean over axis 0, then every 100th element of it. Still
nothing is computed.
"""),
    code("""
let y: Chunked = x.mean_axis(Axis(0)).slice(s![..;100]);
y
"""),
    md("`visualize()` draws the task graph as SVG (no Graphviz needed):"),
    code("""
y.visualize()
"""),
    md("""
`compute()` runs it. Each worker generates a block, folds it into a partial mean and drops it, so the
whole computation holds a few blocks at a time (about 4 MB resident in total, against Dask's 150 MB).
"""),
    code("""
let means: ArrayD<f64> = y.compute();
println!("{} means; the first five:", means.len());
means.slice(s![..5]).to_owned()
"""),
    md("""
## How long does it take?

On this project's 2-core test machine, idle, the seed's computation takes 0.95 s with accel and
6.7–7.0 s with Dask (`runtime/prelude/BENCHMARKS.md`, same run, with the commands). `%timeit` measures
it here, on whatever machine runs this notebook:
"""),
    code("""
%timeit -r 3 -n 1 x.mean_axis(Axis(0)).slice(s![..;100]).compute()
"""),
    md("""
### The same in a `%%jit` cell

The fast tier knows the prelude too: the same lines compile in milliseconds and call the same library
functions, so the means are the same numbers (the fast tier has its own variables, hence new names).
"""),
    code("""
%%jit
let xj = Chunked::random_normal(10.0, 0.1, (20000, 20000), (1000, 1000), 42);
let yj = xj.mean_axis(Axis(0)).slice(s![..;100]).compute();
println!("{} means; the first: {}", yj.len(), yj[[0]]);
"""),
    code("""
println!("the rustc tier's first: {}", means[[0]]);
"""),
    md("""
In `%%jit` cells arrays also tell their chunks, join (`Chunked::concatenate`, `Chunked::stack`: a new
axis, one chunk per array) and take chunk specs held in variables; a computed result is an ordinary
array for arithmetic. Nothing below computes the stacked 640 MB array, it only describes it:
"""),
    code("""
%%jit
let rows = vec![vec![500, 1500], vec![20000]];
let top = xj.slice(s![..2000, ..]).rechunk(rows);
let both = Chunked::stack(&[top.clone(), top * 2.0], Axis(0));
println!("shape {:?}, chunks {:?}, {} MB", both.shape(), both.chunks(), both.nbytes() >> 20);
let dev = (&yj - 10.0) * 100.0;
println!("mean deviation of the means from 10: {:.5} %", dev.sum() / dev.len() as f64);
"""),
    md("""
For scale, a 4000×4000 corner that fits in memory (128 MB): its blockwise mean equals ndarray's mean
of the materialised corner to rounding, and the timings compare generating the 16 million numbers
and reducing them block by block against reducing numbers already in memory.
"""),
    code("""
let part: Chunked = x.slice(s![..4000, ..4000]);
let dense: ArrayD<f64> = part.compute();
let max_diff: f64 = (dense.mean_axis(Axis(0)).unwrap() - part.mean_axis(Axis(0)).compute()).iter().fold(0.0, |m, d| m.max(d.abs()));
max_diff < 1e-12
"""),
    code("""
%timeit -r 3 part.mean_axis(Axis(0)).compute()
"""),
    code("""
%timeit -r 3 dense.mean_axis(Axis(0))
"""),
    md("""
## Chunks

Chunks are given as a shape (the last chunk along an axis may be shorter — "ragged"), as explicit
lengths per axis, or as a byte budget like Dask's `"64 MB"` or `"auto"` (128 MiB). `rechunk` changes
them lazily; bad specifications are errors that say what is wrong.
"""),
    code("""
let a: Array2<f64> = Array2::from_shape_fn((10, 7), |(i, j)| (i * 7 + j) as f64);
let c: Chunked = Chunked::from_array(&a, (4, 4));
(c.chunks().to_vec(), c.rechunk((5, 7)).chunks().to_vec(), Chunked::zeros((20000, 20000), "64 MB").chunksize())
"""),
    code("""
c
"""),
    code("""
(Chunked::zeros((10, 10), "64 parsecs").error().map(|e| e.to_string()),
 c.rechunk(vec![vec![6, 3], vec![7]]).error().map(|e| e.to_string()),
 c.slice(s![..12, ..]).error().map(|e| e.to_string()))
"""),
    md("""
## `map_blocks` and `map_overlap`: a stencil over blocks

Seed 001 applies a stencil to every block with `map_blocks`. A stencil reads its neighbours, so at
block edges it needs data from the next block: `map_overlap` extends each block by `depth` elements
from its neighbours (padding with a constant at the array's edge), runs the function, and trims the
margin. The result equals the stencil applied to the whole array.
"""),
    code("""
/// 5-point smoothing of the interior; the one-element border is passed through.
fn smooth(b: ArrayViewD<'_, f64>) -> ArrayD<f64> {
    let b = b.into_dimensionality::<Ix2>().unwrap();
    let mut out = b.to_owned();
    let (n, m) = b.dim();
    for i in 1..n.saturating_sub(1) {
        for j in 1..m.saturating_sub(1) {
            out[[i, j]] = (b[[i, j]] + b[[i - 1, j]] + b[[i + 1, j]] + b[[i, j - 1]] + b[[i, j + 1]]) / 5.0;
        }
    }
    out.into_dyn()
}
let field: Chunked = Chunked::random((1000, 1000), (250, 250), 7);
let whole: ArrayD<f64> = smooth(field.compute().view());
let blocked: ArrayD<f64> = field.map_overlap(&[1, 1], Boundary::Constant(0.0), smooth).compute();
let naive: ArrayD<f64> = field.map_blocks(smooth).compute();
fn inner(a: &ArrayD<f64>) -> ArrayD<f64> {
    a.slice(s![1..999, 1..999]).to_owned().into_dyn()
}
(inner(&blocked) == inner(&whole), inner(&naive) == inner(&whole))
"""),
    md("""
In a `%%jit` cell the block function is compiled by the fast tier and the library calls the machine
code on its worker threads (a panic inside it becomes the cell's error, like any other):
"""),
    code("""
%%jit
fn smooth_jit(b: ArrayViewD<'_, f64>) -> ArrayD<f64> {
    let b = b.into_dimensionality::<Ix2>().unwrap();
    let mut out = b.to_owned();
    let n = b.nrows();
    let m = b.ncols();
    for i in 1..n - 1 {
        for j in 1..m - 1 {
            out[[i, j]] = (b[[i, j]] + b[[i - 1, j]] + b[[i + 1, j]] + b[[i, j - 1]] + b[[i, j + 1]]) / 5.0;
        }
    }
    out.into_dyn()
}
let fieldj = Chunked::random((1000, 1000), (250, 250), 7);
let naivej = fieldj.map_blocks(smooth_jit).compute();
println!("fast tier: {}", naivej.sum());
"""),
    code("""
println!("rustc tier: {}", naive.sum());
"""),
    md("""
`map_blocks` alone is wrong along the block edges (the second `false`): each block smooths its own
border as if it were the array's. `map_overlap` is right everywhere in the interior.

## Seed 004: a blocked mean of float32 data on disk

The exercise: the sum and mean of 10⁹ float32 numbers stored on disk in chunks, without ever holding
them in memory. The cell below writes BLOCKS files of BLOCK values each (sized so this notebook runs
in seconds); set `BLOCKS = 1000` for the full 10⁹ elements (4 GB of disk). Each file is opened as a
memory-mapped `.npy`, read block by block and converted to f64 on the way in; `concatenate` makes
one array of all of them.
""".replace("BLOCKS files of BLOCK", f"{BLOCKS} files of {BLOCK:_}")),
    code(f"""
const BLOCKS: usize = {BLOCKS};
const BLOCK: usize = {BLOCK:_};
let dir: std::path::PathBuf = std::env::temp_dir().join(format!("accel-blocked-mean-{{}}", std::process::id()));
std::fs::create_dir_all(&dir)?;
let mut rng: accel::random::Generator = accel::random::default_rng(2004);
let mut parts: Vec<Chunked> = Vec::new();
for k in 0..BLOCKS {{
    let path = dir.join(format!("block{{k:04}}.npy"));
    let block: Array1<f32> = rng.random(BLOCK).mapv(|v| v as f32);
    write_npy(&path, &block)?;
    parts.push(Chunked::from_npy(&path, "1 MB"));
}}
let data: Chunked = Chunked::concatenate(&parts, Axis(0));
data
"""),
    code("""
(data.sum().compute_scalar(), data.mean().compute_scalar())
"""),
    code("""
%timeit -r 3 data.mean().compute_scalar()
"""),
    md("""
`store` streams a chunked result into a `.npy` file block by block (any size), which numpy and
`Chunked::from_npy` read back:
"""),
    code("""
let out: std::path::PathBuf = dir.join("corner.npy");
x.slice(s![..2000, ..2000]).store(&out)?;
let back: Chunked = Chunked::from_npy(&out, (500, 500));
(back.shape().to_vec(), (back.mean().compute_scalar() - x.slice(s![..2000, ..2000]).mean().compute_scalar()).abs() < 1e-12)
"""),
    md("""
## Seed 004: the Lennard-Jones potential over a chunked array

The pairwise energy of 400 particles, `E = ½ Σ_{i≠j} 4 (r⁻¹² − r⁻⁶)`, written the way NumPy (or Dask)
writes it: broadcast the positions against themselves into a 400×400×3 array of differences, reduce
over the coordinates, map the potential, sum. Each step is a lazy layer; chunking the particle axes
keeps every intermediate at block size.
"""),
    code("""
let pos: Array2<f64> = rng.uniform(0.0, 20.0, (400, 3));
let p: Chunked = Chunked::from_array(&pos, (100, 3));
let diff: Chunked = p.slice(s![.., NewAxis, ..]) - p.slice(s![NewAxis, .., ..]);
let r2: Chunked = (&diff * &diff).sum_axis(Axis(2));
let lj: Chunked = r2.mapv(|r2| if r2 == 0.0 { 0.0 } else { 4.0 * ((1.0 / r2).powi(6) - (1.0 / r2).powi(3)) });
let energy: f64 = lj.sum().compute_scalar() / 2.0;
lj
"""),
    code("""
// the same sum with two plain loops
let mut direct: f64 = 0.0;
for i in 0..400 {
    for j in 0..i {
        let r2: f64 = (0..3).map(|k| (pos[[i, k]] - pos[[j, k]]).powi(2)).sum();
        direct += 4.0 * ((1.0 / r2).powi(6) - (1.0 / r2).powi(3));
    }
}
(energy, direct, ((energy - direct) / direct).abs() < 1e-9)
"""),
    md("The files were scratch data:"),
    code("""
std::fs::remove_dir_all(&dir)?;
dir.exists()
"""),
]
