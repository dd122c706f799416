"""Every notebook in notebooks/ runs clean twice — headless with `accel run` (no Python, no Jupyter)
and through Jupyter with nbclient — and both runs produce the same outputs (timings masked)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import kernel_util
from nbrun import execute as nbclient_execute

# The tutorials only: install/setup.sh leaves executed copies (*.out.ipynb, git-ignored) beside them.
NOTEBOOKS = sorted(p for p in (kernel_util.ROOT / "notebooks").glob("*.ipynb") if not p.name.endswith(".out.ipynb"))
NB_TIMEOUT = 900
# The array notebooks compile the accel crate in their first cell (minutes on a cold, loaded
# machine): pytest.ini's 300 s per test is too short for a test that runs a notebook, twice at most.
pytestmark = pytest.mark.timeout(2 * NB_TIMEOUT + 60)
_runs: dict[tuple[str, str], nbformat.NotebookNode] = {}


def accel_run(src: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(kernel_util.accel_bin()), "run", str(src), "-o", str(out), *extra],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=NB_TIMEOUT)


def executed(nb_path: Path, how: str, tmp_dir: Path) -> nbformat.NotebookNode:
    """Each notebook runs once per runner per session; later tests reuse the result."""
    key = (nb_path.name, how)
    if key not in _runs:
        if how == "accel-run":
            out = tmp_dir / f"{nb_path.stem}.accel.ipynb"
            p = accel_run(nb_path, out)
            assert p.returncode == 0, f"accel run failed ({p.returncode}):\n{p.stdout}\n{p.stderr}"
            _runs[key] = nbformat.read(out, as_version=4)
        else:
            _runs[key] = nbclient_execute(str(nb_path), timeout=NB_TIMEOUT)
    return _runs[key]


_TIME = re.compile(r"\d+(?:\.\d+)?(?:e[+-]?\d+)? ?(?:ns|[µμu]s|ms|s|min|h|d)\b")
_LOOPS = re.compile(r"[\d,]+ loops? each")
# Lines IPython prints only when a threshold is crossed (compile > 0.1 s, slowest run > 4x fastest):
# whether they appear depends on the machine's load, not on the kernel.
_CONDITIONAL = re.compile(r"^(?:Compiler time: .*|The slowest run took .*)\n?", re.M)


# A chunked compute shows a progress bar (one display, updated) only once it has run for 1 s:
# whether a cell has one depends on the machine's load too.
_PROGRESS = re.compile(r"^\[[# ]+\] \| +\d+% Completed \| ")


def is_progress(output) -> bool:
    return output.output_type == "display_data" and bool(_PROGRESS.match(output.get("data", {}).get("text/plain", "")))


# Addresses the fast tier bakes into its code (`iconst.i64 0x7f72_2401_7370` in the IR,
# `movabsq $0x7f7224017370` in the machine code, both shown by %annotate) differ per process (ASLR).
_ADDRESS = re.compile(r"\b0x(?:[0-9a-f]{1,4}_[0-9a-f]{4}_[0-9a-f]{4}|[0-9a-f]{9,16})\b")


def mask(text: str) -> str:
    text = _ADDRESS.sub("<address>", text)
    return _LOOPS.sub("N loops each", _TIME.sub("<time>", _CONDITIONAL.sub("", text)))


def normalised(nb) -> list:
    """What a reader sees per code cell: count, streams merged per name, data, errors; times masked,
    progress bars left out."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for o in cell.outputs:
            if is_progress(o):
                continue
            if o.output_type == "stream":
                if outs and outs[-1][:2] == ("stream", o.name):
                    outs[-1] = ("stream", o.name, outs[-1][2] + mask(o.text))
                else:
                    outs.append(("stream", o.name, mask(o.text)))
            elif o.output_type in ("execute_result", "display_data"):
                data = {k: mask(v if isinstance(v, str) else str(v)) for k, v in o.data.items()}
                outs.append((o.output_type, data))
            elif o.output_type == "error":
                outs.append(("error", o.ename, mask(o.evalue)))
        cells.append((cell.execution_count, outs))
    return cells


def test_there_are_notebooks():
    assert any(p.name == "00-tour.ipynb" for p in NOTEBOOKS)


def test_committed_notebooks_match_generator():
    p = subprocess.run([sys.executable, str(kernel_util.ROOT / "tests" / "make_notebooks.py"), "--check"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "accel"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{nb_path.name}: commit without outputs"


@pytest.mark.parametrize("how", ["accel-run", "nbclient"])
@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_clean(nb_path, how, tmp_path_factory):
    nb = executed(nb_path, how, tmp_path_factory.mktemp("nb"))
    nbformat.validate(nb)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code_cells] == list(range(1, len(code_cells) + 1))
    for c in code_cells:
        errors = [o for o in c.outputs if o.output_type == "error"]
        if "raises-exception" in c.metadata.get("tags", []):  # the error is what the cell shows
            assert errors, f"cell {c.execution_count} is tagged raises-exception but did not fail"
        else:
            assert not errors, f"cell {c.execution_count}: {errors[0].ename}: {errors[0].evalue}"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_accel_run_matches_nbclient(nb_path, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nb")
    a = normalised(executed(nb_path, "accel-run", tmp))
    b = normalised(executed(nb_path, "nbclient", tmp))
    for i, (x, y) in enumerate(zip(a, b)):
        assert x == y, f"code cell {i + 1} differs:\naccel run: {x}\nnbclient:  {y}"
    assert len(a) == len(b)


def test_tour_shows_what_it_promises(tmp_path_factory):
    nb = executed(kernel_util.ROOT / "notebooks" / "00-tour.ipynb", "accel-run", tmp_path_factory.mktemp("nb"))
    text = nbformat.writes(nb)
    assert "hello from Rust: 10 numbers" in text
    assert "Point { x: 3.0, y: 4.0 }, 5.0" in text
    assert "9592" in text  # get_primes(100_000).len()
    assert "text/html" in text and "<table>" in text
    assert re.search(r"per loop \(mean ± std\. dev\. of 7 runs, [\d,]+ loops? each\)", text)
    assert "%timeit" in text and "%lsmagic" in text
    assert "was lost" not in text, "a tour cell lost a variable (evcxr rebuilt the session)"


def _cell_text(nb, marker: str) -> str:
    """Everything the first code cell containing `marker` showed (streams, data, errors)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and marker in cell.source:
            parts = []
            for o in cell.outputs:
                parts.append(o.get("text", ""))
                parts.extend(v for v in o.get("data", {}).values() if isinstance(v, str))
                parts.append(o.get("evalue", ""))
            return "\n".join(parts)
    raise AssertionError(f"no code cell contains {marker!r}")


def test_sparse_notebook_shows_what_it_promises(tmp_path_factory):
    nb = executed(kernel_util.ROOT / "notebooks" / "02-sparse.ipynb", "accel-run", tmp_path_factory.mktemp("nb"))
    first = _cell_text(nb, "let s: Coo<f64> = Coo::from_dense(&x);")
    assert "<COO: shape=(100, 100, 100), dtype=float64, nnz=" in first
    for row in ["Format", "Data Type", "Shape", "nnz", "Density", "Read-only", "Size", "Storage ratio"]:
        assert f">{row}</th>" in first, row
    assert _cell_text(nb, "y.to_dense()? ==").strip() == "true"
    assert "Operation would require converting large sparse array to dense" in _cell_text(nb, "maybe_densify(1000")
    assert "[-1. ,  0. ,  0. ]" in _cell_text(nb, "Coo::from_entries")  # duplicates summed: 1.0 + 2.5
    assert "<DOK: shape=(5, 5), dtype=float64, nnz=6" in _cell_text(nb, "let mut d: Dok<f64>")
    assert _cell_text(nb, 'd.asformat("coo")').strip() == '("coo", "csc", true)'
    assert _cell_text(nb, "csr.dot_dense(&b)").strip() == "([1000, 8], true)"
    assert re.search(r"per loop \(mean ± std\. dev\. of 3 runs", _cell_text(nb, "%timeit -r 3 s.sin()"))


def test_chunked_notebook_shows_what_it_promises(tmp_path_factory):
    nb = executed(kernel_util.ROOT / "notebooks" / "03-chunked.ipynb", "accel-run", tmp_path_factory.mktemp("nb"))
    x = _cell_text(nb, "let x: Chunked = Chunked::random_normal(10.0, 0.1, (20000, 20000)")
    assert "Chunked<shape=(20000, 20000), dtype=float64, chunksize=(1000, 1000)" in x and "tasks=400" in x
    assert "<svg" in x and "2.98 GiB" in x
    assert "tasks=840" in _cell_text(nb, "let y: Chunked = x.mean_axis")  # 400 + (20 + 400) + 20
    assert _cell_text(nb, "y.visualize()").count('class="accel-layer"') == 3
    assert "200 means" in _cell_text(nb, "let means")
    assert _cell_text(nb, "let max_diff").strip() == "true"
    errors = _cell_text(nb, '"64 parsecs"')
    assert "could not parse chunk size" in errors and "do not add up to shape 10" in errors and "out of range" in errors
    assert _cell_text(nb, "fn smooth").strip() == "(true, false)"  # map_overlap right, map_blocks wrong at edges
    total, mean = (float(v) for v in _cell_text(nb, "data.sum().compute_scalar()").strip("()\n ").split(","))
    assert abs(mean - 0.5) < 0.001 and abs(total / mean - 8_000_000) < 1
    assert _cell_text(nb, "corner.npy").strip() == "([2000, 2000], true)"
    assert _cell_text(nb, "let mut direct").strip().endswith("true)")
    assert _cell_text(nb, "remove_dir_all").strip() == "false"


# --- accel run on a failing notebook: exit code, the failing cell named, --allow-errors ---

def _failing_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in
                                         ["let a = 1;", 'panic!("boom in cell two");', "a + 1"]])
    nb.metadata["kernelspec"] = {"name": "accel", "display_name": "Rust (accel)", "language": "rust"}
    nbformat.write(nb, path)
    return path


def test_accel_run_stops_at_first_error(tmp_path):
    src = _failing_notebook(tmp_path / "fails.ipynb")
    p = accel_run(src, tmp_path / "out.ipynb")
    assert p.returncode != 0
    said = p.stdout + p.stderr
    assert "boom in cell two" in said and "2" in said, said


def test_accel_run_allow_errors_matches_nbclient(tmp_path):
    src = _failing_notebook(tmp_path / "fails.ipynb")
    p = accel_run(src, tmp_path / "out.ipynb", "--allow-errors")
    assert p.returncode == 0, p.stderr
    ours = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    nbformat.validate(ours)
    theirs = nbclient_execute(str(src), timeout=NB_TIMEOUT, allow_errors=True)
    assert normalised(ours) == normalised(theirs)
    assert normalised(ours)[2][1] == [("execute_result", {"text/plain": "2"})]
