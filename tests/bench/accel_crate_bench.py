"""Cost of the `accel` crate in rustc-tier cells (BENCHMARKS.md, "Kernel").

For each scenario, a fresh kernel runs a warm-up cell (evcxr start, excluded), then:
  first  — the first cell that uses `accel` (the kernel adds the dependency: cargo + rustc),
  later  — a second, different cell using `accel`.
Scenarios: `cold` (an empty evcxr build cache: the kernel runs with XDG_CACHE_HOME pointing at a new
temporary directory) and `warm` (the user's ~/.cache/evcxr, warmed by a first session if needed). `idle` (warm cache; the user pauses after the warm-up cell, as while typing, so the kernel
preloads the crate in the background; run once with ACCEL_PRELOAD_ACCEL=0 and once with it on,
back to back, plus a plain cell sent into the middle of the preload: what a session that never
uses accel may wait). Plus, for the optimisation-level choice, a
plain scalar cell and an array loop at `:opt 0` and `:opt 2` in one kernel (compile + run wall time).

Run: ACCEL_BIN=target/release/accel .venv/bin/python tests/bench/accel_crate_bench.py [--no-cold] [--no-opt]
     [--no-idle | --idle-only]
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import kernel_util  # noqa: E402

FIRST = "use accel::prelude::*;\nlet a = Array2::<f64>::eye(300);\nlet b: Array2<f64> = a.dot(&a);\nb.sum()"
LATER = "let c = accel::prelude::Chunked::from_array(&b, (100, 100));\nc.sum().compute_scalar()"
SCALAR = "let mut s = 0u64;\nfor i in 0..1000u64 { s = s.wrapping_add(i * i); }\ns"
LOOP = ("let n = 3_000_000usize;\nlet v: Vec<f64> = (0..n).map(|i| i as f64).collect();\n"
        "let mut acc = 0.0f64;\nfor _ in 0..20 { for x in &v { acc += x.sqrt() * 0.5; } }\nacc")


def timed(kc, code):
    t = time.perf_counter()
    reply, outs = kernel_util.run_cell(kc, code, timeout=900)
    took = time.perf_counter() - t
    assert reply["status"] == "ok", kernel_util.error_text(reply, outs)
    return took


def session(label):
    km, kc = kernel_util.start_kernel()
    try:
        timed(kc, "let warm = 1;")
        first = timed(kc, FIRST)
        later = timed(kc, LATER)
        print(f"{label:5}  first accel cell {first:7.2f} s   later accel cell {later:6.2f} s", flush=True)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def idle_session(label, preload, pause):
    os.environ["ACCEL_PRELOAD_ACCEL"] = "1" if preload else "0"
    try:
        km, kc = kernel_util.start_kernel()
        try:
            timed(kc, "let warm = 1;")
            time.sleep(pause)
            first = timed(kc, FIRST)
            later = timed(kc, LATER)
            print(f"{label:9}  first accel cell {first:7.2f} s   later accel cell {later:6.2f} s", flush=True)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        # A plain cell sent 3 s after the first one (the preload starts at 2 s idle).
        km, kc = kernel_util.start_kernel()
        try:
            timed(kc, "let warm = 1;")
            time.sleep(3)
            plain = timed(kc, "let q = 5u64;\nq * 2")
            print(f"{label:9}  plain cell sent 3 s after the first: {plain:6.2f} s", flush=True)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    finally:
        del os.environ["ACCEL_PRELOAD_ACCEL"]


def opt_levels():
    km, kc = kernel_util.start_kernel()
    try:
        timed(kc, "let warm = 1;")
        for level in ("0", "2"):
            timed(kc, f":opt {level}")
            s = min(timed(kc, SCALAR) for _ in range(3))
            lp = min(timed(kc, LOOP) for _ in range(3))
            print(f":opt {level}  scalar cell {s:6.2f} s   array loop cell {lp:6.2f} s (min of 3)", flush=True)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    prefix = kernel_util.fresh_prefix()
    kernel_util.install_kernelspec(prefix)
    if "--no-cold" not in sys.argv:
        empty = tempfile.mkdtemp(prefix="accel-bench-cache-")
        before = os.environ.get("XDG_CACHE_HOME")
        os.environ["XDG_CACHE_HOME"] = empty
        try:
            session("cold")
        finally:
            if before is None:
                del os.environ["XDG_CACHE_HOME"]
            else:
                os.environ["XDG_CACHE_HOME"] = before
            shutil.rmtree(empty, ignore_errors=True)
    if "--idle-only" not in sys.argv:
        session("warm")
        session("warm")
    if "--no-idle" not in sys.argv:
        for _ in range(int(os.environ.get("ACCEL_BENCH_ROUNDS", "2"))):
            idle_session("preload 0", False, 30)
            idle_session("preload 1", True, 30)
    if "--no-opt" not in sys.argv:
        opt_levels()
    shutil.rmtree(prefix, ignore_errors=True)


if __name__ == "__main__":
    main()
