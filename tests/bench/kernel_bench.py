"""accel against its peers, measured in the same run, interleaved (A B C A B C ...) so that the noise of
a shared machine hits every kernel alike. Medians and ratios, never absolute times alone.

    .venv/bin/python tests/bench/kernel_bench.py startup   [--runs 15]
    .venv/bin/python tests/bench/kernel_bench.py roundtrip [--cells 300]
    .venv/bin/python tests/bench/kernel_bench.py rustcell  [--cells 10]

startup:   process start -> kernel_info_reply received (the client is connected before the process starts)
roundtrip: execute_request sent -> execute_reply and idle status received, for an empty and a
           magic-only cell, after warm-up; p50 and p90
rustcell:  the same for a small Rust cell, accel's rustc tier vs evcxr_jupyter (same engine)
Peers: ipykernel (this venv) and evcxr_jupyter (if on PATH or in ~/.cargo/bin)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import kernel_util  # noqa: E402


# The client connects before the kernel binds; zmq's default 100 ms reconnect interval would then
# add up to 100 ms to every measurement. Retry every millisecond instead (set before sockets exist).
CONTEXT = zmq.Context()
CONTEXT.setsockopt(zmq.RECONNECT_IVL, 1)


def peers() -> dict[str, list[str]]:
    """name -> argv with {cf} for the connection file."""
    ks = {
        "accel": [str(kernel_util.accel_bin()), "kernel", "--connection-file", "{cf}"],
        "ipykernel": [sys.executable, "-m", "ipykernel_launcher", "-f", "{cf}"],
    }
    evcxr = shutil.which("evcxr_jupyter") or str(Path.home() / ".cargo/bin/evcxr_jupyter")
    if os.access(evcxr, os.X_OK):
        ks["evcxr_jupyter"] = [evcxr, "--control_file", "{cf}"]
    return ks


class Kernel:
    """A kernel process plus a connected client; the client connects before the process exists."""

    def __init__(self, argv: list[str]):
        self.dir = tempfile.mkdtemp(prefix="accel-bench-")
        self.cf, _ = write_connection_file(os.path.join(self.dir, "kernel.json"), ip="127.0.0.1")
        self.kc = BlockingKernelClient(connection_file=self.cf, context=CONTEXT)
        self.kc.load_connection_file()
        self.kc.start_channels()
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen([a.replace("{cf}", self.cf) for a in argv], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_kernel_info(self, timeout=120.0) -> float:
        msg_id = self.kc.kernel_info()
        while True:
            m = self.kc.get_shell_msg(timeout=timeout)
            if m["parent_header"].get("msg_id") == msg_id:
                return time.perf_counter() - self.t0

    def cell(self, code: str, timeout=300.0) -> float:
        """Seconds from execute_request to the later of execute_reply and idle."""
        t = time.perf_counter()
        msg_id = self.kc.execute(code)
        got_reply = got_idle = False
        while not got_reply:
            m = self.kc.get_shell_msg(timeout=timeout)
            got_reply = m["parent_header"].get("msg_id") == msg_id
        if m["content"]["status"] != "ok":
            raise RuntimeError(f"cell {code!r} failed: {m['content']}")
        while not got_idle:
            m = self.kc.get_iopub_msg(timeout=timeout)
            got_idle = (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                        and m["content"]["execution_state"] == "idle")
        return time.perf_counter() - t

    def close(self):
        try:
            self.kc.shutdown()
            self.proc.wait(timeout=5)
        except Exception:
            pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.kc.stop_channels()
        shutil.rmtree(self.dir, ignore_errors=True)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def fmt(s: float) -> str:
    return f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.2f} s"


def startup(args):
    ks = peers()
    times = {k: [] for k in ks}
    for _ in range(args.runs):
        for name, argv in ks.items():
            k = Kernel(argv)
            try:
                times[name].append(k.wait_kernel_info())
            finally:
                k.close()
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"## process start -> kernel_info_reply (median of {args.runs}, interleaved)\n")
    print("| kernel | median | min | max | ratio to accel |\n|---|---|---|---|---|")
    for k, v in times.items():
        print(f"| {k} | {fmt(med[k])} | {fmt(min(v))} | {fmt(max(v))} | {med[k] / med['accel']:.1f}x |")
    return {"startup": {k: v for k, v in times.items()}}


def roundtrip(args):
    ks = {k: v for k, v in peers().items() if k != "evcxr_jupyter"}  # its empty cells go through rustc
    cells = {"empty cell": "", "magic-only cell (%lsmagic)": "%lsmagic"}
    kernels = {name: Kernel(argv) for name, argv in ks.items()}
    out = {}
    try:
        for k in kernels.values():
            k.wait_kernel_info()
            for code in cells.values():
                for _ in range(20):
                    k.cell(code)
        for label, code in cells.items():
            times = {name: [] for name in kernels}
            for _ in range(args.cells):
                for name, k in kernels.items():
                    times[name].append(k.cell(code))
            out[label] = times
            p50 = {n: statistics.median(v) for n, v in times.items()}
            print(f"\n## {label}: execute_request -> reply + idle ({args.cells} cells each, interleaved)\n")
            print("| kernel | p50 | p90 | ratio to accel (p50) |\n|---|---|---|---|")
            for n, v in times.items():
                print(f"| {n} | {fmt(p50[n])} | {fmt(pct(v, 90))} | {p50[n] / p50['accel']:.1f}x |")
    finally:
        for k in kernels.values():
            k.close()
    return {"roundtrip": out}


def rustcell(args):
    ks = {k: v for k, v in peers().items() if k != "ipykernel"}
    kernels = {name: Kernel(argv) for name, argv in ks.items()}
    codes = ["let a = 40;", "a + 2", "fn sq(x: u64) -> u64 { x * x }\nsq(12)"]
    out = {}
    try:
        for k in kernels.values():
            k.wait_kernel_info()
            k.cell("let warm = 1;")
        times = {name: [] for name in kernels}
        for i in range(args.cells):
            for name, k in kernels.items():
                times[name].append(k.cell(codes[i % len(codes)]))
        out = times
        p50 = {n: statistics.median(v) for n, v in times.items()}
        print(f"\n## small Rust cells (rustc tier), {args.cells} cells each, interleaved\n")
        print("| kernel | p50 | p90 | ratio to accel (p50) |\n|---|---|---|---|")
        for n, v in times.items():
            print(f"| {n} | {fmt(p50[n])} | {fmt(pct(v, 90))} | {p50[n] / p50['accel']:.2f}x |")
    finally:
        for k in kernels.values():
            k.close()
    return {"rustcell": out}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["startup", "roundtrip", "rustcell"])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--cells", type=int, default=300)
    ap.add_argument("--json", help="also write raw timings here")
    args = ap.parse_args()
    if args.what == "rustcell" and args.cells == 300:
        args.cells = 12
    print(f"peers: {', '.join(peers())}; machine: {os.cpu_count()} cores\n")
    raw = {"startup": startup, "roundtrip": roundtrip, "rustcell": rustcell}[args.what](args)
    if args.json:
        Path(args.json).write_text(json.dumps(raw))


if __name__ == "__main__":
    main()
