#!/bin/sh
# The seed Dask example (20000x20000 normal(10, 0.1), 1000x1000 chunks, mean_axis(Axis(0)) then
# [..;100]) in a %%jit cell run by `accel run`, against the dask peer, interleaved in one run.
# Whole-process wall time and peak RSS (/usr/bin/time %M); the "empty" notebook builds the same
# lazy array but computes nothing: the kernel's own start-up and footprint.
# usage: ACCEL=target/release/accel PY=/tmp/peers/bin/python R=3 runtime/bench/seed_dask_jit.sh
ACCEL=${ACCEL:-target/release/accel}; PY=${PY:-/tmp/peers/bin/python}; R=${R:-3}
DIR=$(mktemp -d); HERE=$(cd "$(dirname "$0")" && pwd)
nb() { # $1 file, $2 cell source (JSON string)
  printf '{"nbformat":4,"nbformat_minor":5,"metadata":{"kernelspec":{"name":"accel","display_name":"Rust (accel)","language":"rust"}},"cells":[{"cell_type":"code","id":"c0","metadata":{},"execution_count":null,"outputs":[],"source":%s}]}' "$2" > "$1"
}
X='let x = Chunked::random_normal(10.0, 0.1, (20000, 20000), (1000, 1000), 42);\n'
nb "$DIR/seed.ipynb" "\"%%jit\\n${X}let y = x.mean_axis(Axis(0)).slice(s![..;100]).compute();\\ny.len()\""
nb "$DIR/empty.ipynb" "\"%%jit\\n${X}1 + 1\""
for i in $(seq "$R"); do
  /usr/bin/time -f "accel_jit_cell wall_s=%e peak_rss_kb=%M" "$ACCEL" run -o "$DIR/out.ipynb" "$DIR/seed.ipynb" 2>&1 >/dev/null | grep -a wall_s
  grep -q '"200"' "$DIR/out.ipynb" || { echo "seed cell did not give y.len() == 200"; exit 1; }
  /usr/bin/time -f "accel_jit_empty wall_s=%e peak_rss_kb=%M" "$ACCEL" run -o "$DIR/out.ipynb" "$DIR/empty.ipynb" 2>&1 >/dev/null | grep -a wall_s
  /usr/bin/time -f "dask wall_s=%e peak_rss_kb=%M" "$PY" "$HERE/../../../shared/bench/dask_seed.py" 2>&1 | grep -a wall_s
done
uptime
