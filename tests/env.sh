# Sourced by install/setup.sh and tests/run: the project's Python venv and the accel binary.
# Idempotent and quiet when nothing changed; never reads standard input.

ACCEL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ACCEL_VENV=${ACCEL_VENV:-$ACCEL_ROOT/.venv}
# Honour a caller's CARGO_TARGET_DIR (absolute or relative to the root) like cargo does.
_target=${CARGO_TARGET_DIR:-target}
case "$_target" in /*) ;; *) _target=$ACCEL_ROOT/$_target ;; esac
ACCEL_BIN=$_target/release/accel
export ACCEL_ROOT ACCEL_VENV ACCEL_BIN

# Create the venv and install tests/requirements.txt into it, unless a stamp says it is current.
ensure_venv() {
    local req=$ACCEL_ROOT/tests/requirements.txt stamp=$ACCEL_VENV/.accel-requirements
    if [ ! -x "$ACCEL_VENV/bin/python" ]; then
        echo "==> creating Python venv $ACCEL_VENV"
        "${PYTHON:-python3}" -m venv "$ACCEL_VENV"
    fi
    if ! cmp -s "$req" "$stamp"; then
        echo "==> installing Python test dependencies (tests/requirements.txt)"
        "$ACCEL_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" </dev/null
        cp "$req" "$stamp"
    fi
}

# Release build of the kernel binary. tests/run passes `--workspace --all-targets` so that the
# features cargo unifies match `cargo test --release --workspace`, which then rebuilds nothing.
build_accel() {
    local what=("$@")
    [ ${#what[@]} -gt 0 ] || what=(-p accel-kernel)
    echo "==> cargo build --release --locked ${what[*]}"
    (cd "$ACCEL_ROOT" && cargo build --release --locked "${what[@]}" </dev/null)
}
