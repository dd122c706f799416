"""Execute a notebook through Jupyter (nbclient + an installed kernelspec) and write the result.

    python tests/nbrun.py IN.ipynb OUT.ipynb [--kernel NAME] [--timeout S] [--summary]

Used by install/setup.sh and tests/test_notebooks.py; the kernel comes from the notebook's
metadata (kernelspec "accel") unless --kernel says otherwise."""
from __future__ import annotations

import argparse
import sys

import nbformat
from nbclient import NotebookClient


def execute(path: str, kernel: str | None = None, timeout: int = 600, allow_errors: bool = False):
    nb = nbformat.read(path, as_version=4)
    kw = {"kernel_name": kernel} if kernel else {}
    client = NotebookClient(nb, timeout=timeout, allow_errors=allow_errors, **kw)
    client.execute()
    return nb


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("output")
    ap.add_argument("--kernel")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--summary", action="store_true", help="print each cell's first output line")
    a = ap.parse_args()
    nb = execute(a.notebook, a.kernel, a.timeout)
    nbformat.validate(nb)
    nbformat.write(nb, a.output)
    if a.summary:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            first = next((o for o in cell.outputs), None)
            text = ""
            if first is not None:
                text = first.get("text") or first.get("data", {}).get("text/plain", "") or first.get("evalue", "")
            line = (text.splitlines() or [""])[0][:90]
            print(f"  [{cell.execution_count}] {line}")
    print(f"wrote {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
