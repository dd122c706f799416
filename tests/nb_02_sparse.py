"""02-sparse.ipynb: the seed's Sparse section (pydata/sparse), in Rust with the accel crate."""
from __future__ import annotations

from nbcells import code, md

SPARSE = [
    md("""
# Sparse arrays: pydata/sparse's chapter, in Rust

The `accel` crate brings [pydata/sparse](https://sparse.pydata.org)'s formats to Rust cells: `Coo`
(n-dimensional coordinates), `Csr`/`Csc` (2-d compressed), and `Dok` (a mutable dictionary of keys),
with elementwise operations that keep sparsity, reductions, conversions and pydata's HTML summary.

A cell that mentions `accel` gets the crate automatically (the kernel adds
`:dep accel = { path = … }` pointing at the crate it was built with). The first such cell in a session
compiles it — about a minute the very first time on a machine, seconds once evcxr's build cache is
warm. Everything after that is an ordinary Rust cell.
"""),
    md("""
## A COO array from a dense one

The seed's example: a 100×100×100 array of uniform random numbers with everything below 0.9 set to
zero, so about 10 % of the entries are stored. As in pydata, the HTML view is a table of the array's
properties. (The generator is seeded; its stream is accel's own, not numpy's PCG64.)
"""),
    code("""
use accel::prelude::*;

let mut rng: accel::random::Generator = accel::random::default_rng(42);
let mut x: Array3<f64> = rng.random((100, 100, 100));
x.mapv_inplace(|v| if v < 0.9 { 0.0 } else { v });
let s: Coo<f64> = Coo::from_dense(&x);
s
"""),
    md("""
`nnz`, `density` and `nbytes` count what pydata counts: the stored values plus one int64 coordinate
per axis per value, against 8 bytes per element for the dense array.
"""),
    code("""
(s.nnz(), s.density(), s.nbytes(), x.len() * 8)
"""),
    md("""
## Elementwise operations keep sparsity

`sin(s) + s.T * 1` from the seed. `sin(0) = 0` and `0 + 0 = 0`, so the result stays sparse: the
function is applied to the stored values and to the fill value, and entries that come out equal to
the new fill value are dropped. `* 1` multiplies by an integer literal, which promotes to `f64`
as it does in numpy.
"""),
    code("""
let y: Coo<f64> = s.sin() + s.t() * 1;
y
"""),
    md("The same computation on the dense array gives exactly the same numbers:"),
    code("""
y.to_dense()? == (x.mapv(f64::sin) + &x.t()).into_dyn()
"""),
    md("""
## Reductions

Unstored positions count as the fill value, so reductions agree with the dense array. A reduction
along an axis returns another sparse array.
"""),
    code("""
let total: f64 = s.sum();
(total, x.sum(), s.max()?, s.min()?)
"""),
    code("""
let col: Coo<f64> = s.sum_axis(Axis(0))?;
col
"""),
    md("""
## `maybe_densify`

Converting to dense is explicit (`to_dense()`), and `maybe_densify(max_size, min_density)` follows
pydata's rule: densify only if the array is small (`size <= max_size`) or dense enough
(`density >= min_density`). Otherwise it is an error — here, a million elements at 10 % density.
`?` in a cell prints the error's message and stops the cell, the way an exception would:
"""),
    code("""
s.maybe_densify(1000, 0.25)?;
"""),
    code("""
let small: Coo<f64> = Coo::from_dense(&x.slice(s![..2, ..3, ..4]).to_owned());
small.maybe_densify(1000, 0.25)?
"""),
    md("""
## Building sparse arrays

From coordinates and values — a list of `(index, value)` pairs where repeated indices are summed, as
in the seed — or from a map:
"""),
    code("""
let e: Coo<f64> = Coo::from_entries(&[3, 3], [([0usize, 1], 1.0), ([2, 2], 4.0), ([0, 1], 2.5), ([1, 0], -1.0)])?;
e.to_dense()?
"""),
    code("""
use std::collections::HashMap;
let mut m: HashMap<Vec<usize>, f64> = HashMap::new();
m.insert(vec![0, 2], 1.0);
m.insert(vec![1, 1], 7.0);
Coo::from_map(&[2, 3], &m)?.to_dense()?
"""),
    md("""
`accel::sparse::random(shape, density, seed)` is pydata's `sparse.random`: `density · size` distinct
positions, values uniform in [0, 1).
"""),
    code("""
let r: Coo<f64> = accel::sparse::random(&[1000, 1000], 0.01, 42)?;
r
"""),
    md("""
## DOK: a mutable sparse array with slice assignment

`Dok` is pydata's `DOK`: a dictionary of keys that accepts numpy-style slice assignment, written with
ndarray's `s![]` macro. Writing the fill value (0) removes the key.
"""),
    code("""
let mut d: Dok<f64> = Dok::new(&[5, 5]);
d.set(s![1..3, 1..3], &array![[1.0, 2.0], [3.0, 4.0]])?;
d.set(s![4, ..;2], &array![9.0, 8.0, 7.0])?;
d.insert(&[1, 1], 0.0)?;
d
"""),
    code("""
d.to_dense()?
"""),
    md("""
## Conversions and sparse × dense products

`asformat("coo" | "csr" | "csc" | "dok")` converts between formats, as in pydata; `to_csr()`,
`to_csc()`, `to_dok()`, `to_dense()` name the target directly. Compressed formats are 2-d.
"""),
    code("""
let s2: Coo<f64> = s.reshape(&[1000, 1000])?;
let csr: Csr<f64> = s2.to_csr()?;
csr
"""),
    code("""
(d.asformat("coo")?.format(), csr.asformat("csc")?.format(), csr.to_coo() == s2)
"""),
    md("""
A sparse matrix times a dense one runs row by row over the CSR layout (in parallel for large
operands) and equals the dense product:
"""),
    code("""
let b: Array2<f64> = rng.normal(0.0, 1.0, (1000, 8));
let p: Array2<f64> = csr.dot_dense(&b)?;
let dense_p: Array2<f64> = s2.to_dense()?.into_dimensionality::<Ix2>()?.dot(&b);
(p.shape().to_vec(), p.iter().zip(dense_p.iter()).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max) < 1e-12)
"""),
    md("""
## How fast?

`%timeit` compiles its timing loop together with the statement. On this project's 2-core test
machine pydata/sparse takes about 60 ms to build `COO(a)` and 125 ms for `sin(s) + s.T * 1` on this
array; accel takes about 10 ms and 20 ms (`runtime/prelude/BENCHMARKS.md` has the same-run figures
and the commands).
"""),
    code("""
%timeit -r 3 Coo::from_dense(&x)
"""),
    code("""
%timeit -r 3 s.sin() + s.t() * 1
"""),
]
