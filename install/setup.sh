#!/usr/bin/env bash
# One command from a fresh clone: build accel (release), install the `accel` kernelspec into the
# project venv (.venv, --sys-prefix), and execute the tutorial notebooks (notebooks/NN-*.ipynb)
# headlessly — each once with `accel run` (no Python involved) and once through Jupyter (nbclient +
# the installed kernelspec).
# Idempotent; reads no standard input. ACCEL_JUPYTERLAB=1 also installs JupyterLab into .venv.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../tests/env.sh"
cd "$ACCEL_ROOT"

ensure_venv
if [ "${ACCEL_JUPYTERLAB:-0}" = 1 ]; then
    echo "==> installing JupyterLab into $ACCEL_VENV"
    "$ACCEL_VENV/bin/python" -m pip install --quiet --disable-pip-version-check jupyterlab </dev/null
fi
build_accel

echo "==> accel install --sys-prefix (kernelspec 'accel' into $ACCEL_VENV)"
VIRTUAL_ENV=$ACCEL_VENV PATH=$ACCEL_VENV/bin:$PATH "$ACCEL_BIN" install --sys-prefix </dev/null
VIRTUAL_ENV=$ACCEL_VENV PATH=$ACCEL_VENV/bin:$PATH "$ACCEL_VENV/bin/jupyter" kernelspec list

echo "==> warming evcxr's build cache with the accel crate (first Rust cell using accel; slow once)"
warm=$(mktemp -d)
trap 'rm -rf "$warm"' EXIT
cat > "$warm/warm.ipynb" <<'NB'
{"cells": [{"cell_type": "code", "execution_count": null, "id": "warm", "metadata": {}, "outputs": [],
  "source": ["use accel::prelude::*;\n", "let warm: Array2<f64> = eye(3);\n", "warm.sum()"]}],
 "metadata": {"kernelspec": {"display_name": "Rust (accel)", "language": "rust", "name": "accel"}},
 "nbformat": 4, "nbformat_minor": 5}
NB
"$ACCEL_BIN" run "$warm/warm.ipynb" -o "$warm/warm.out.ipynb" </dev/null

echo "==> executing the tutorial notebooks (notebooks/*.ipynb): with accel run, then through Jupyter (nbclient)"
for nb in notebooks/[0-9][0-9]-*.ipynb; do
    case "$nb" in *.out.ipynb) continue ;; esac
    out=${nb%.ipynb}.out.ipynb
    echo "==> accel run $nb -o $out"
    "$ACCEL_BIN" run "$nb" -o "$out" </dev/null
    echo "==> $nb through Jupyter (kernel 'accel') -> ${nb%.ipynb}.nbclient.out.ipynb"
    VIRTUAL_ENV=$ACCEL_VENV PATH=$ACCEL_VENV/bin:$PATH \
        "$ACCEL_VENV/bin/python" tests/nbrun.py "$nb" "${nb%.ipynb}.nbclient.out.ipynb" --summary </dev/null
done

cat <<MSG

accel is built ($ACCEL_BIN) and installed as the Jupyter kernel "Rust (accel)".
The executed tutorials are notebooks/*.out.ipynb (00-tour, 01-jit, 02-sparse, 03-chunked). To open them
in JupyterLab:

    ACCEL_JUPYTERLAB=1 ./install/setup.sh          # once: adds JupyterLab to .venv
    .venv/bin/jupyter lab notebooks/                # open 00-tour.ipynb; kernel "Rust (accel)"

(Any JupyterLab works once the kernelspec is visible to it: \`$ACCEL_BIN install --user\`.)
Run every test with: ./tests/run
MSG
