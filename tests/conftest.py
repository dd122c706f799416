"""Session set-up: the accel kernelspec is installed into a private prefix (never the user's
Jupyter), and every test talks to the release binary that tests/run just built."""
from __future__ import annotations

import shutil

import pytest

import kernel_util

_prefix = None
_install_error = None


def pytest_configure(config):
    global _prefix, _install_error
    _prefix = kernel_util.fresh_prefix()
    try:
        kernel_util.install_kernelspec(_prefix)
    except Exception as e:  # reported by the fixture below, on every test that needs the kernel
        _install_error = e


def pytest_unconfigure(config):
    if _prefix is not None:
        shutil.rmtree(_prefix, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def accel_kernelspec():
    if not kernel_util.accel_bin().exists():
        pytest.fail(f"accel binary missing: {kernel_util.accel_bin()} (run ./tests/run, which builds it)")
    if _install_error is not None:
        pytest.fail(f"`accel install --prefix {_prefix}` failed: {_install_error}")
    return _prefix / "share" / "jupyter" / "kernels" / "accel"


@pytest.fixture(scope="module")
def kernel():
    """One accel kernel per test module, with the rustc tier warmed up by a first cell."""
    km, kc = kernel_util.start_kernel()
    reply, outs = kernel_util.run_cell(kc, "let warmed_up = 1;")
    assert reply["status"] == "ok", kernel_util.error_text(reply, outs)
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)
