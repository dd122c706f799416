"""`accel install`: the kernelspec a Jupyter front end needs, replaced cleanly, removed by --uninstall."""
from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import kernel_util


def accel(*args, env=None):
    return subprocess.run([str(kernel_util.accel_bin()), *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60, env=env)


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", head[16:24])


def check_spec(spec_dir: Path):
    spec = json.loads((spec_dir / "kernel.json").read_text())
    assert spec["display_name"] == "Rust (accel)"
    assert spec["language"] == "rust"
    assert spec["interrupt_mode"] in ("message", "signal")
    exe = Path(spec["argv"][0])
    assert exe.is_absolute() and exe.exists(), spec["argv"]
    assert exe.resolve() == kernel_util.accel_bin().resolve()
    assert spec["argv"][1:] == ["kernel", "--connection-file", "{connection_file}"]
    assert png_size(spec_dir / "logo-32x32.png") == (32, 32)
    assert png_size(spec_dir / "logo-64x64.png") == (64, 64)
    assert "<svg" in (spec_dir / "logo-svg.svg").read_text()


def test_install_prefix_reinstall_uninstall(tmp_path):
    spec_dir = tmp_path / "share" / "jupyter" / "kernels" / "accel"
    p = accel("install", "--prefix", str(tmp_path))
    assert p.returncode == 0, p.stderr
    check_spec(spec_dir)
    (spec_dir / "stale-file").write_text("left by an older install")
    p = accel("install", "--prefix", str(tmp_path))
    assert p.returncode == 0, p.stderr
    check_spec(spec_dir)
    assert not (spec_dir / "stale-file").exists(), "re-install must replace the kernelspec cleanly"
    p = accel("install", "--prefix", str(tmp_path), "--uninstall")
    assert p.returncode == 0, p.stderr
    assert not spec_dir.exists()


def test_install_sys_prefix_goes_into_the_active_venv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    env = dict(os.environ, VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}")
    env.pop("CONDA_PREFIX", None)
    p = accel("install", "--sys-prefix", env=env)
    assert p.returncode == 0, p.stderr
    check_spec(venv / "share" / "jupyter" / "kernels" / "accel")


def test_jupyter_sees_the_session_kernelspec(accel_kernelspec):
    from jupyter_client.kernelspec import KernelSpecManager
    spec = KernelSpecManager().get_kernel_spec("accel")
    assert Path(spec.resource_dir).resolve() == accel_kernelspec.resolve()
    assert spec.language == "rust"
