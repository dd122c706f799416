"""Helpers shared by the Python tests and benchmarks: where the accel binary is, a kernelspec in a
private prefix, starting kernels through jupyter_client, and running one cell to completion."""
from __future__ import annotations

import os
import queue
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Rust cells pay for rustc; the first one also waits for evcxr to start. Generous, never infinite.
RUST_TIMEOUT = float(os.environ.get("ACCEL_TEST_RUST_TIMEOUT", "180"))


def accel_bin() -> Path:
    env = os.environ.get("ACCEL_BIN")
    if env:
        return Path(env)
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    return (ROOT / target / "release" / "accel").resolve()


def install_kernelspec(prefix: Path) -> Path:
    """`accel install --prefix PREFIX`, and make Jupyter look there first. Returns the spec dir."""
    subprocess.run([str(accel_bin()), "install", "--prefix", str(prefix)], check=True,
                   stdin=subprocess.DEVNULL, timeout=60)
    data = prefix / "share" / "jupyter"
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(data)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p])
    return data / "kernels" / "accel"


def start_kernel(name: str = "accel", startup_timeout: float = 60):
    """Start a kernel by kernelspec name; returns (KernelManager, BlockingKernelClient)."""
    from jupyter_client.manager import start_new_kernel
    return start_new_kernel(kernel_name=name, startup_timeout=startup_timeout)


def collect(kc, msg_id: str, timeout: float) -> list[dict[str, Any]]:
    """iopub messages of one request, from its busy to its idle (both excluded)."""
    deadline = time.monotonic() + timeout
    out = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no idle status for {msg_id} within {timeout}s")
        try:
            msg = kc.get_iopub_msg(timeout=left)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                return out
            continue
        out.append(msg)


def shell_reply(kc, msg_id: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no shell reply to {msg_id} within {timeout}s")
        try:
            msg = kc.get_shell_msg(timeout=left)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def run_cell(kc, code: str, timeout: float = RUST_TIMEOUT, **kw):
    """Execute one cell; returns (execute_reply content, iopub messages without status/input)."""
    msg_id = kc.execute(code, **kw)
    reply = shell_reply(kc, msg_id, timeout)
    outputs = collect(kc, msg_id, timeout)
    return reply["content"], [m for m in outputs if m["msg_type"] != "execute_input"]


def stdout_of(outputs) -> str:
    return "".join(m["content"]["text"] for m in outputs
                   if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")


def result_of(outputs, mime: str = "text/plain"):
    for m in outputs:
        if m["msg_type"] == "execute_result":
            return m["content"]["data"].get(mime)
    return None


def error_text(reply, outputs) -> str:
    """Everything an error says: evalue and traceback of the reply and of the iopub error."""
    parts = [reply.get("ename", ""), reply.get("evalue", "")] + list(reply.get("traceback", []))
    for m in outputs:
        if m["msg_type"] == "error":
            c = m["content"]
            parts += [c.get("ename", ""), c.get("evalue", "")] + list(c.get("traceback", []))
    return "\n".join(parts)


def fresh_prefix() -> Path:
    return Path(tempfile.mkdtemp(prefix="accel-kernelspec-"))
