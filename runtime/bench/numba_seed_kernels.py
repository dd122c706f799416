"""Peer baseline: the seed notebooks' Numba kernels, timed on this machine.
Prints one line per kernel: name, first-call seconds (compile+run), steady per-call seconds (median of 7).
accel's copy of shared/bench/numba_seed_kernels.py (same kernels and timing) with a `--serve` mode:
read `NAME RUNS` lines on stdin, answer `NAME\tsteady_s=...\tnumber=...` (median of RUNS runs; the loop
count is auto-ranged on a kernel's first request and kept), so accel-bench --peers interleaves Numba
with accel and rustc kernel by kernel in one warm process."""
import time, statistics, sys
import numpy as np
from numba import njit, prange, stencil

def auto_range(f, *a, target=0.2):
    f(*a)
    n = 1
    while True:
        t = time.perf_counter(); [f(*a) for _ in range(n)]; dt = time.perf_counter() - t
        if dt >= target: return n
        n *= 2

def timed(f, a, n, runs):
    out = []
    for _ in range(runs):
        t = time.perf_counter(); [f(*a) for _ in range(n)]; out.append((time.perf_counter() - t) / n)
    return statistics.median(out)

def steady(f, *a, target=0.2):
    return timed(f, a, auto_range(f, *a, target=target), 7)

def first(f, *a):
    t = time.perf_counter(); f(*a); return time.perf_counter() - t

@njit
def func_numba(a):
    x = np.median(a); y = np.max(a); t = x / y
    z = x * np.sqrt(1 + t * t); m = 0.0
    for i in range(a.shape[0]):
        m += np.tanh(a[i, i]); m /= z
    return a + m

@njit
def get_primes(x):
    res = []
    for v in range(x + 1):
        if v < 2: continue
        flag = True
        for i in range(2, int(np.sqrt(v)) + 1):
            if v % i == 0: flag = False
        if flag: res.append(v)
    return res

@njit(fastmath=False)
def do_sum(A):
    acc = 0.
    for x in A: acc += np.sqrt(x)
    return acc

@njit(fastmath=True)
def do_sum_fast(A):
    acc = 0.
    for x in A: acc += np.sqrt(x)
    return acc

@njit(parallel=True, fastmath=True)
def do_sum_parallel_fast(A):
    acc = 0.
    for i in prange(len(A)): acc += np.sqrt(A[i])
    return acc

@stencil
def _smooth(x):
    return (x[-1, -1] + x[-1, 0] + x[-1, 1] + x[0, -1] + x[0, 0] + x[0, 1] + x[1, -1] + x[1, 0] + x[1, 1]) // 9

@njit
def smooth(x):
    return _smooth(x)

@njit
def lj_potential(c):
    n = c.shape[0]; e = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            d2 = 0.0
            for k in range(3):
                d = c[i, k] - c[j, k]; d2 += d * d
            sr6 = (1.0 / d2) ** 3
            e += 4.0 * (sr6 * sr6 - sr6)
    return e

cases = [
    ("func_normal_10x10_i32", func_numba, (np.arange(100, dtype=np.int32).reshape(10, 10),)),
    ("get_primes_100000", get_primes, (100000,)),
    ("do_sum_40000", do_sum, (np.arange(40000).astype(np.float64),)),
    ("do_sum_fastmath_40000", do_sum_fast, (np.arange(40000).astype(np.float64),)),
    ("do_sum_parallel_fastmath_40000", do_sum_parallel_fast, (np.arange(40000).astype(np.float64),)),
    ("do_sum_fastmath_10M", do_sum_fast, (np.arange(10_000_000).astype(np.float64),)),
    ("smooth_100x100_f64", smooth, (np.ones((100, 100)),)),
    ("smooth_2000x2000_i8", smooth, (np.ones((2000, 2000), dtype=np.int8),)),
    ("lj_potential_2000", lj_potential, (np.random.default_rng(1981).normal(0, 500, (2000, 3)),)),
]
def serve():
    table = {name: (f, args) for name, f, args in cases}
    counts = {}
    for line in sys.stdin:
        parts = line.split()
        if not parts: continue
        name = parts[0]; runs = int(parts[1]) if len(parts) > 1 else 7
        if name not in table:
            print(f"{name}\tunknown", flush=True); continue
        f, args = table[name]
        if name not in counts: counts[name] = auto_range(f, *args)
        n = counts[name]
        print(f"{name}\tsteady_s={timed(f, args, n, runs):.9f}\tnumber={n}", flush=True)

if "--serve" in sys.argv:
    serve(); sys.exit(0)
only = sys.argv[1:]
for name, f, args in cases:
    if only and name not in only: continue
    c = first(f, *args)
    s = steady(f, *args)
    print(f"{name}\tfirst_call_s={c:.6f}\tsteady_s={s:.9f}", flush=True)
