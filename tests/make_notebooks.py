"""Writes the tutorial notebooks in notebooks/ from the cell lists below (source of truth).

    .venv/bin/python tests/make_notebooks.py          # rewrite notebooks/*.ipynb
    .venv/bin/python tests/make_notebooks.py --check  # fail if a committed notebook differs

Notebooks are committed without outputs; CI executes them (tests/test_notebooks.py). 00 and 01 are
written below; 02 and 03 (the array chapters) in nb_02_sparse.py and nb_03_chunked.py."""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_notebook

from nb_02_sparse import SPARSE
from nb_03_chunked import CHUNKED
from nbcells import code, code_raises, md

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


GET_PRIMES = """
fn get_primes(x: i64) -> Vec<i64> {
    let mut res = Vec::new();
    for v in 0..=x {
        if v < 2 { continue; }
        let mut flag = true;
        for i in 2..((v as f64).sqrt() as i64 + 1) {
            if v % i == 0 { flag = false; }
        }
        if flag { res.push(v); }
    }
    res
}
"""

TOUR = [
    md("""
# A tour of accel

**accel** is a Jupyter kernel for Rust, made for array computing and for learning how code gets fast —
what IPython, Numba and Cython are to Python, for Rust notebooks. It has two tiers:

* the **rustc tier** runs any Rust through [evcxr](https://github.com/evcxr/evcxr) (rustc + cargo):
  structs, traits, generics, crates from crates.io;
* the **fast tier** (`%%jit` cells, see `01-jit.ipynb`) compiles the numeric subset of Rust with
  Cranelift in milliseconds.

This tour stays on the rustc tier: cells, crates, rich output, and IPython's magics.
"""),
    md("""
## Rust cells

Every cell is Rust. Variables, functions and types defined in one cell live on in the next ones.
The value of a trailing expression is shown, the way `{:?}` prints it.
"""),
    code("""
let greeting = "hello from Rust";
let numbers: Vec<u64> = (1..=10).collect();
println!("{greeting}: {} numbers", numbers.len());
"""),
    code("""
fn mean(xs: &[u64]) -> f64 {
    xs.iter().sum::<u64>() as f64 / xs.len() as f64
}
mean(&numbers)
"""),
    md("""
## Crates with `:dep`

evcxr's commands pass straight through: `:dep` adds a crate from crates.io (built once, then cached),
`:vars` lists the variables, `:opt` sets the optimisation level (release `2` by default).
"""),
    code("""
:dep fastrand = "2"
"""),
    code("""
let mut rng = fastrand::Rng::with_seed(42);
let rolls: Vec<u8> = (0..600).map(|_| rng.u8(1..=6)).collect();
rolls[..12].to_vec()
"""),
    md("""
Types and traits persist too. (Define them after the `:dep` cells of a session: adding a crate
rebuilds the session, and evcxr cannot carry values of types defined before it across that.)
"""),
    code("""
#[derive(Debug, Clone, Copy)]
struct Point { x: f64, y: f64 }

trait Norm { fn norm(&self) -> f64; }
impl Norm for Point {
    fn norm(&self) -> f64 { self.x.hypot(self.y) }
}

let p = Point { x: 3.0, y: 4.0 };
(p, p.norm())
"""),
    md("""
## Rich output

A type shows itself as HTML (or SVG, PNG, …) by following evcxr's display protocol: a method
`evcxr_display` that prints its content between `EVCXR_BEGIN_CONTENT <mime type>` and
`EVCXR_END_CONTENT`. Notebooks then render it; `text/plain` viewers get the `{:?}` text.
"""),
    code("""
pub struct Histogram { counts: [usize; 6] }

impl Histogram {
    pub fn of(rolls: &[u8]) -> Self {
        let mut counts = [0; 6];
        for &r in rolls { counts[(r - 1) as usize] += 1; }
        Histogram { counts }
    }
    pub fn evcxr_display(&self) {
        let max = *self.counts.iter().max().unwrap_or(&1) as f64;
        let mut html = String::from("<table><tr><th>face</th><th>count</th><th></th></tr>");
        for (face, &n) in self.counts.iter().enumerate() {
            let width = (200.0 * n as f64 / max).round();
            html += &format!(
                "<tr><td>{}</td><td>{}</td><td><div style=\\"background:#d35400;height:1em;width:{}px\\"></div></td></tr>",
                face + 1, n, width);
        }
        html += "</table>";
        println!("EVCXR_BEGIN_CONTENT text/html\\n{html}\\nEVCXR_END_CONTENT");
    }
}

Histogram::of(&rolls)
"""),
    md("""
## `%timeit`: IPython's timer, compiled into the code it times

The seed notebook's `get_primes`, in Rust. `%timeit` picks the number of loops the way IPython does
(until one run takes at least 0.2 s), repeats 7 runs, and prints IPython's line. The timing loop is
compiled together with the code, so no message is sent per iteration.
"""),
    code(GET_PRIMES.strip("\n") + "\nget_primes(100_000).len()"),
    code("""
%timeit get_primes(100_000)
"""),
    md("""
## Every magic

`%lsmagic` lists them; each one takes `--help`. `01-jit.ipynb` continues with the fast tier
(`%%jit`, `%annotate`).
"""),
    code("""
%lsmagic
"""),
]


JIT = [
    md("""
# The fast tier: Numba's chapter, in Rust

`%%jit` compiles a cell of numeric Rust with Cranelift, inside the kernel, in milliseconds — where
the rustc tier takes a second or more per cell. The contract: whatever `%%jit` accepts is valid Rust
and computes exactly what rustc computes (release semantics); whatever it cannot compile, it refuses
with a rustc-style diagnostic, like Numba's nopython mode.
"""),
    md("## get_primes, the seed's first example"),
    code("%%jit\n" + GET_PRIMES.strip("\n") + "\nlet p = get_primes(100_000);\np.len()"),
    code("%timeit -r 3 get_primes(100_000)"),
    md("""
The same function on the rustc tier (`%%rust` forces it; evcxr compiles at `-O2`). The timing loop
of `%timeit` is compiled into the code in both tiers.
"""),
    code("%%rust\n" + GET_PRIMES.strip("\n").replace("get_primes", "get_primes_rustc")),
    code("%timeit -r 3 get_primes_rustc(100_000)"),
    md("""
## Strict and fast-math sums

Without `--fastmath`, floating point is evaluated in source order, exactly as rustc does it, so a
reduction is one long chain of dependent additions. `--fastmath` allows reassociation: the sum is
spread over several accumulators and vectorised (the answer may differ in the last bits).
"""),
    code("""
%%jit
fn do_sum(a: &[f64]) -> f64 {
    let mut acc = 0.0;
    for x in a { acc += x.sqrt(); }
    acc
}
let a: Vec<f64> = (0..10_000_000).map(|i| i as f64).collect();
do_sum(&a)
"""),
    code("""
%%jit --fastmath
fn do_sum_fast(a: &[f64]) -> f64 {
    let mut acc = 0.0;
    for x in a { acc += x.sqrt(); }
    acc
}
(do_sum_fast(&a) - do_sum(&a)).abs() < 1e-6 * do_sum(&a)
"""),
    code("%timeit do_sum(&a)"),
    code("%timeit do_sum_fast(&a)"),
    md("""
What `--fastmath` did here: eight partial sums in 128-bit vectors (Cranelift's width on x86-64)
instead of one chain. This loop is then bound by the square roots, so where the CPU has wider
vectors (AVX, AVX-512) the roots of 256 elements at a time are taken by a runtime kernel compiled
for them — `%annotate` shows it as a runtime call. A square root is correctly rounded at any vector
width: only the order of the additions differs from the strict loop. The strict loop takes its square
roots ahead in the same way (they do not depend on each other), but still adds one element at a time
in source order: its answer is rustc's to the last bit, only sooner.

Loops over indexes get the same treatment. Below, `0..x.len()` proves `x[j]` in bounds and `y[j]` is
tested once before the loop, so both versions run on vectors; the strict one still adds the lanes in
source order (its answer is rustc's to the last bit), the `--fastmath` one keeps four vector
accumulators.
"""),
    code("""
%%jit
fn dot(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for j in 0..x.len() { s += x[j] * y[j]; }
    s
}
let x: Vec<f64> = (0..1_000_000).map(|i| (i as f64 * 0.001).sin()).collect();
let y: Vec<f64> = (0..1_000_000).map(|i| 1.0 / (1.0 + i as f64)).collect();
dot(&x, &y)
"""),
    code("""
%%jit --fastmath
fn dot_fast(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for j in 0..x.len() { s += x[j] * y[j]; }
    s
}
dot_fast(&x, &y)
"""),
    code("%timeit dot(&x, &y)"),
    code("%timeit dot_fast(&x, &y)"),
    code("%annotate dot_fast"),
    md("""
## Arrays: the seed's `func_normal`

The accel prelude's arrays (ndarray's `Array1`/`Array2`, numpy's missing words such as `median`) are
in scope in `%%jit` cells. Library calls (`median`, `max`, `mapv`'s allocation, `+ m`) run the same
compiled accel functions the rustc tier links; the loop over the diagonal compiles to direct strided
loads with ndarray's bounds check. The result shows numpy's repr, as in the rustc tier.
"""),
    code("""
%%jit
fn func_normal(a: &Array2<i32>) -> Array2<f64> {
    let x = a.median().unwrap();
    let y = a.max().unwrap() as f64;
    let t = x / y;
    let z = x * (1.0 + t * t).sqrt();
    let mut m = 0.0;
    for i in 0..a.nrows() {
        m += (a[[i, i]] as f64).tanh();
        m /= z;
    }
    a.mapv(|v| v as f64) + m
}
let ai = Array::from_shape_vec((10, 10), (0..100).collect::<Vec<i32>>()).unwrap();
func_normal(&ai)
"""),
    code("%timeit func_normal(&ai)"),
    md("""
## Views: numpy's slices, without copies

`a.slice(s![..])` (steps and negative steps included), `a.t()`, `row`, `column` and `index_axis`
are views into the array, as in ndarray: nothing is copied, and element access on a view compiles
to a strided load. `ArrayView`/`ArrayViewMut` can be function parameters; `slice_mut` writes through.
"""),
    code("""
%%jit
fn trace(m: &ArrayView2<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..m.nrows() { s += m[[i, i]]; }
    s
}
let g = Array::from_shape_vec((4, 5), (0..20).map(|x| x as f64).collect::<Vec<f64>>()).unwrap();
{
    let v = g.slice(s![1..3, ..;2]);
    println!("{:?} {} {}", v.shape(), v[[1, 2]], v.sum());
    println!("trace of the transpose: {}", trace(&g.t().slice(s![..4, ..])));
}
g.slice(s![1..;2, ..;-2])
"""),
    code("""
%%jit
fn zero_diag(mut m: ArrayViewMut2<f64>) {
    for i in 0..m.nrows().min(m.ncols()) { m[[i, i]] = 0.0; }
}
let mut h = Array2::<f64>::ones((3, 4));
h.slice_mut(s![.., 0]).fill(5.0);
h.slice_mut(s![..2, 2..]).mapv_inplace(|x| x * 10.0);
zero_diag(h.slice_mut(s![1.., 1..]));
h
"""),
    md("""
A view borrows its array, and the fast tier keeps rustc's borrow rules: writing to an array while
a view of it is alive is refused with rustc's error (E0502), before anything runs.
"""),
    code_raises("""
%%jit
let mut k = Array2::<f64>::zeros((2, 3));
{
    let r = k.row(0);
    k[[0, 1]] = 1.0;
    println!("{r}");
}
"""),
    md("""
## Iterating over arrays

`a.iter()`, `&a`, `a.iter_mut()` and `&mut a` visit the elements in logical (row-major) order, as
ndarray does, also through transposed or strided views; every iterator adapter of the language
(`map`, `zip`, `enumerate`, `filter`, `fold`, `sum`, `collect`…) works on them, compiled to a loop of
strided loads, no call per element. The loop borrows the array: writing to it inside is rustc's E0502.
"""),
    code("""
%%jit
let mut p = Array::from_shape_vec((3, 4), (1..=12).map(|x| x as f64).collect::<Vec<f64>>()).unwrap();
let total: f64 = p.iter().sum();
let col_major: Vec<f64> = p.t().iter().copied().collect();
let dot = p.row(0).iter().zip(p.column(3).iter()).map(|(x, y)| x * y).sum::<f64>();
for x in p.iter_mut() { *x = x.sqrt(); }
let over_two = p.iter().filter(|&&x| x > 2.0).count();
println!("{total} {col_major:?} {dot} {over_two}");
p
"""),
    code_raises("""
%%jit
let mut q = Array1::<f64>::zeros(3);
for x in q.iter() {
    q[1] = *x + 1.0;
}
"""),
    md("""
## Masks and 3-d arrays

A comparison inside `mapv` makes a bool array (numpy's mask): `!`, `&`, `|` and `^` combine masks
(ndarray's operators, run by the same compiled library code as in the rustc tier), `m[[i, j]]` reads
one byte, and `==` compares whole arrays (shape and elements). Rust has no `sum` of bools; count
with `m.mapv(|b| b as i32).sum()`.
"""),
    code("""
%%jit
let temps = Array::from_shape_vec((3, 4), vec![12.5, 18.0, 21.5, 9.0, 25.5, 30.0, 14.0, 19.5, 22.0, 8.5, 27.0, 16.0]).unwrap();
let hot = temps.mapv(|t| t > 20.0);
let cold = temps.mapv(|t| t < 10.0);
let mild = !(&hot | &cold);
println!("hot: {}, cold: {}, mild: {}", hot.mapv(|b| b as i32).sum(), cold.mapv(|b| b as i32).sum(), mild.mapv(|b| b as i32).sum());
println!("{}", mild == (!&hot & !&cold));
mild
"""),
    md("""
`Array3` works like `Array2` with one more index: `a[[i, j, k]]` compiles to a strided load with
ndarray's bounds check, and library calls (`sum_axis`, `mean`, arithmetic) return arrays of the
right dimension.
"""),
    code("""
%%jit
fn fill_volume(v: &mut Array3<f64>) {
    let (n, m, p) = v.dim();
    for i in 0..n {
        for j in 0..m {
            for k in 0..p { v[[i, j, k]] = (i * 100 + j * 10 + k) as f64; }
        }
    }
}
let mut vol = Array3::<f64>::zeros((2, 3, 4));
fill_volume(&mut vol);
println!("{:?} {} {}", vol.shape(), vol.sum(), vol.mean().unwrap());
vol.sum_axis(Axis(2))
"""),
    md("""
## What did each line become?

`%annotate` shades every line by the machine work it generated (bounds checks, calls, allocations);
click a line to see its Cranelift IR and machine code.
"""),
    code("%annotate get_primes"),
    code("%annotate func_normal"),
    md("""
## Outside the subset

The fast tier refuses what it does not compile — before running anything — and says where, the way
rustc would. Such code belongs in a plain (rustc-tier) cell.
"""),
    code_raises("""
%%jit
struct Particle { x: f64, v: f64 }
"""),
]

NOTEBOOK_CELLS = {"00-tour.ipynb": TOUR, "01-jit.ipynb": JIT, "02-sparse.ipynb": SPARSE, "03-chunked.ipynb": CHUNKED}


def build(cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"name": "accel", "display_name": "Rust (accel)", "language": "rust"},
        "language_info": {"name": "rust", "file_extension": ".rs", "mimetype": "text/rust",
                          "pygments_lexer": "rust", "codemirror_mode": "rust"},
    }
    for i, cell in enumerate(nb.cells):  # stable ids keep diffs small
        cell["id"] = f"cell-{i:02d}"
    nbformat.validate(nb)
    return nb


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = []
    for name, cells in NOTEBOOK_CELLS.items():
        path = NOTEBOOKS / name
        text = nbformat.writes(build(cells)) + "\n"
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
            print(f"wrote {path}")
    if stale:
        print("out of date (run tests/make_notebooks.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
