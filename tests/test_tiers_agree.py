"""Both tiers give identical results on the same cells: each cell text runs as `%%rust` (rustc through
evcxr, release semantics) and as `%%jit` (the fast tier), and stdout, the cell's value and the error
(name and message) must be equal. Scalar cells first (the seed's get_primes, float formatting,
integer overflow wrapping, panics) and the seed's func_normal over the accel prelude's arrays."""
from __future__ import annotations

import pytest

import kernel_util

GET_PRIMES = """
fn get_primes_agree(x: i64) -> Vec<i64> {
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
let p = get_primes_agree(10_000);
println!("{} primes, first {} last {}", p.len(), p[0], p[p.len() - 1]);
p.len()
"""

FLOATS = """
let a = 0.1f64 + 0.2;
let b = 1.0f64 / 3.0;
let big = 1e21f64;
let tiny = 1.5e-7f64;
println!("{} {} {} {}", a, b, big, tiny);
println!("{:?} {:?} {:?} {:?}", a, 2.0f64, -0.0f64, f64::NAN);
println!("{:.3} {:.1} {:.2}", b, 2.25f64, -1.005f64);
println!("{} {}", (2.0f64).sqrt(), 1.0f32 / 3.0);
b * 3.0
"""

OVERFLOW = """
fn bump_agree(x: i32) -> i32 { x + 1 }
fn twice_agree(x: u8) -> u8 { x * 2 }
fn neg_agree(x: i64) -> i64 { -x }
fn shl_agree(x: u32, k: u32) -> u32 { x << k }
println!("{} {} {}", bump_agree(2147483647), twice_agree(200), neg_agree(-9223372036854775807 - 1));
println!("{} {}", shl_agree(3, 31), (300i64 as u8) as i32 + (-1i32) as u32 as i32);
bump_agree(-5) as i64 * 1_000_000_007
"""

INDEX_PANIC = """
let v: Vec<i64> = vec![1, 2, 3];
let i: usize = 7;
println!("before");
v[i]
"""

DIV_ZERO = """
fn div_agree(a: i64, b: i64) -> i64 { a / b }
println!("{}", div_agree(7, 2));
div_agree(1, 0)
"""

EXPLICIT_PANIC = """
fn check_agree(n: i64) -> i64 {
    if n > 3 { panic!("n too large: {} > {}", n, 3); }
    n
}
println!("{}", check_agree(2));
check_agree(10)
"""

# The seed's func_normal (medians, max, sqrt, tanh over the diagonal, `a + m`): library calls and the
# user's loop, and the array's repr.
FUNC_NORMAL = """
use accel::prelude::*;
fn func_normal_agree(a: &Array2<i32>) -> Array2<f64> {
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
let r = func_normal_agree(&ai);
println!("{:.6} {:.6} {}", r[[0, 0]], r[[9, 9]], r.len());
r
"""

# The seed's Dask example (smaller) and map_blocks with a fn item: on the fast tier the fn is compiled by
# the JIT and called by the library on its worker threads; on the rustc tier it is rustc's.
CHUNKED = """
use accel::prelude::*;
fn bump_corner_agree(b: ArrayViewD<'_, f64>) -> ArrayD<f64> {
    let b = b.into_dimensionality::<Ix2>().unwrap();
    let mut o = b.to_owned();
    o[[0, 0]] += 1.0;
    o.into_dyn()
}
let cx = Chunked::random_normal(10.0, 0.1, (2000, 2000), (500, 500), 42);
let cy = cx.mean_axis(Axis(0)).slice(s![..;100]).compute();
println!("{} {:.9} {:.9}", cy.len(), cy[[0]], cy[[19]]);
let bumped = cx.map_blocks(bump_corner_agree).sum().compute_scalar();
println!("{:.6}", bumped - cx.sum().compute_scalar());
let halo = cx.map_overlap(&[1, 2], Boundary::Constant(0.5), bump_corner_agree).compute();
println!("{:.9} {:.9}", halo[[499, 500]], halo.sum());
cy
"""

# Chunk specs as Vec values (explicit lengths per axis too), the chunk layout, concatenate/stack,
# arithmetic on computed ArrayD results, var over an empty axis (NaN) and visualize()'s SVG.
CHUNKED_LAYOUT = """
use accel::prelude::*;
let la = Chunked::random((300, 200), (128, 64), 3);
let lb = Chunked::ones((100, 200), vec![vec![50, 50], vec![100, 100]]);
let lcs = vec![64, 100];
let lc = Chunked::concatenate(&[la.rechunk(lcs), lb.clone()], Axis(0));
let ls = Chunked::stack(&[lb.clone(), lb * 2.0], Axis(0));
println!("{:?} {:?} {} {:?}", lc.chunks(), lc.chunksize(), lc.nbytes(), ls.shape());
let lr = ls.sum_axis(Axis(1)).compute();
let lq = &lr * 0.5 - 1.0;
println!("{} {:?} {}", lq.sum(), lq.shape(), (&lq + &lr)[[1, 7]]);
println!("{:?}", Chunked::zeros((0, 4), 2).var_axis(Axis(0), 0.0).compute());
lc.mean_axis(Axis(1)).visualize()
"""

# Bool masks (a comparison in `mapv`, `!`/`&`/`|`, `==` of whole arrays), a 3-d array with strided
# loops and library reductions, and `assert_eq!` on arrays failing with the arrays' Debug text.
MASKS = """
use accel::prelude::*;
fn count_agree(m: &Array2<bool>) -> i32 { m.mapv(|b| b as i32).sum() }
let ta = Array::from_shape_vec((3, 4), (0..12).map(|x| (x as f64 * 0.37).sin()).collect::<Vec<f64>>()).unwrap();
let hot = ta.mapv(|t| t > 0.5);
let cold = ta.mapv(|t| t < -0.5);
let mild = !(&hot | &cold);
println!("{} {} {}", count_agree(&hot), count_agree(&cold), count_agree(&mild));
println!("{:?} {} {}", hot, mild == (!&hot & !&cold), hot[[1, 2]]);
mild
"""

ARRAY3 = """
use accel::prelude::*;
fn fill3_agree(a: &mut Array3<f64>) {
    let (n, m, p) = a.dim();
    for i in 0..n { for j in 0..m { for k in 0..p { a[[i, j, k]] = (i * 100 + j * 10 + k) as f64 * 0.5; } } }
}
let mut vol = Array3::<f64>::zeros((2, 3, 4));
fill3_agree(&mut vol);
println!("{:?} {:?} {} {}", vol.shape(), vol.dim(), vol.sum(), vol.mean().unwrap());
let vs = &vol * 2.0 - 1.0;
println!("{:?}", vs.sum_axis(Axis(0)));
vs
"""

ARRAY_EQ_PANIC = """
use accel::prelude::*;
let ea = array![[1, 2], [3, 4]];
let eb = ea.clone();
println!("{} {}", ea == eb, ea != &eb + 1);
assert_eq!(ea, &eb + 1);
"""

CASES = {
    "get_primes": GET_PRIMES,
    "floats": FLOATS,
    "overflow_wraps": OVERFLOW,
    "index_panic": INDEX_PANIC,
    "div_zero_panic": DIV_ZERO,
    "explicit_panic": EXPLICIT_PANIC,
    "func_normal": FUNC_NORMAL,
    "chunked": CHUNKED,
    "chunked_layout": CHUNKED_LAYOUT,
    "masks": MASKS,
    "array3": ARRAY3,
    "array_eq_panic": ARRAY_EQ_PANIC,
}


def outcome(kc, magic: str, code: str):
    reply, outs = kernel_util.run_cell(kc, f"{magic}\n{code.strip()}")
    error = None
    if reply["status"] == "error":
        error = (reply["ename"], reply["evalue"])
    return {
        "stdout": kernel_util.stdout_of(outs),
        "value": kernel_util.result_of(outs),
        "html": kernel_util.result_of(outs, "text/html"),
        "error": error,
    }


USE_PRELUDE = "use accel::prelude::*;\n"


@pytest.mark.parametrize("name", list(CASES))
def test_same_cell_same_result(kernel, name):
    _, kc = kernel
    code = CASES[name]
    fast = outcome(kc, "%%jit", code)
    slow = outcome(kc, "%%rust", code)
    # The fast tier must accept these cells (a refusal is a compile error, not agreement).
    assert fast["error"] is None or fast["error"][0] == "Panic", fast
    assert fast == slow


def test_the_cases_are_not_vacuous(kernel):
    _, kc = kernel
    got = outcome(kc, "%%rust", OVERFLOW)
    assert got["stdout"].startswith("-2147483648 144 -9223372036854775808\n"), got
    got = outcome(kc, "%%rust", INDEX_PANIC)
    assert got["error"] == ("Panic", "index out of bounds: the len is 3 but the index is 7"), got
    assert got["stdout"] == "before\n"
    got = outcome(kc, "%%rust", GET_PRIMES)
    assert got["value"] == "1229", got
    got = outcome(kc, "%%rust", FUNC_NORMAL)
    assert got["error"] is None and got["value"].startswith("array([[1.84017416e-02,"), got
    assert got["stdout"] == "0.018402 99.018402 100\n", got


def test_jit_accepts_use_accel_prelude(kernel):
    _, kc = kernel
    got = outcome(kc, "%%jit", USE_PRELUDE + "let e = eye(2);\ne.sum()")
    assert got["error"] is None and got["value"] == "2.0", got
