"""A chunked compute's progress, seen by real clients: through jupyter_client it is ONE display that
updates (display_data with a transient display_id, then update_display_data with that id, ending at
100%); `accel run` draws the bar on stderr and keeps the final state in the saved notebook.
ACCEL_PROGRESS_DELAY_MS=0 makes the prelude show the bar at the start of every compute instead of after 1 s."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

import kernel_util

CELL = """use accel::prelude::*;
let x = Chunked::random_normal(0.0, 1.0, (6000, 6000), (500, 500), 11);
let m: f64 = x.mean().compute_scalar();
println!("small mean: {}", m.abs() < 0.01);"""

ENV = {"ACCEL_PROGRESS_DELAY_MS": "0"}


@pytest.fixture(scope="module")
def progress_kernel():
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="accel", startup_timeout=60, env={**os.environ, **ENV})
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def test_one_display_that_updates(progress_kernel):
    reply, outs = kernel_util.run_cell(progress_kernel, CELL, timeout=900)
    assert reply["status"] == "ok", kernel_util.error_text(reply, outs)
    assert kernel_util.stdout_of(outs) == "small mean: true\n"
    shown = [m for m in outs if m["msg_type"] == "display_data"]
    updates = [m for m in outs if m["msg_type"] == "update_display_data"]
    assert len(shown) == 1, [m["msg_type"] for m in outs]
    display_id = shown[0]["content"]["transient"]["display_id"]
    assert display_id
    assert "<progress" in shown[0]["content"]["data"]["text/html"]
    assert updates, [m["msg_type"] for m in outs]
    assert all(u["content"]["transient"]["display_id"] == display_id for u in updates)
    assert "100% Completed" in updates[-1]["content"]["data"]["text/plain"]
    # Later states never go backwards.
    pcts = [float(u["content"]["data"]["text/plain"].split("|")[1].split("%")[0]) for u in updates]
    assert pcts == sorted(pcts), pcts


def test_accel_run_bar_on_stderr_final_display_in_notebook(tmp_path):
    nb = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [],
                   "source": CELL}],
        "metadata": {"kernelspec": {"display_name": "Rust (accel)", "language": "rust", "name": "accel"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    src, out = tmp_path / "p.ipynb", tmp_path / "p.out.ipynb"
    src.write_text(json.dumps(nb))
    run = subprocess.run([str(kernel_util.accel_bin()), "run", str(src), "-o", str(out)], env={**os.environ, **ENV},
                         stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
    stderr = run.stderr.decode(errors="replace")  # bytes: text mode would turn the bar's \r into \n
    assert run.returncode == 0, stderr
    assert "\r[" in stderr and "100% Completed" in stderr, stderr[-2000:]
    outputs = json.loads(out.read_text())["cells"][0]["outputs"]
    displays = [o for o in outputs if o["output_type"] == "display_data"]
    assert len(displays) == 1, outputs
    assert "100% Completed" in "".join(displays[0]["data"]["text/plain"])
    # stdout is the cell's own output; stderr may also hold the kernel's one-time note about adding the accel
    # crate ("accel: adding the accel crate …" / "… is ready"), which depends on the session, not on the bar.
    assert [o["text"] for o in outputs if o["output_type"] == "stream" and o["name"] == "stdout"] in (
        ["small mean: true\n"], [["small mean: true\n"]])
    for o in outputs:
        if o["output_type"] == "stream" and o["name"] == "stderr":
            text = "".join(o["text"]) if isinstance(o["text"], list) else o["text"]
            assert all(line.startswith("accel: ") for line in text.splitlines()), o
