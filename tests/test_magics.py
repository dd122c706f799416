"""IPython's magics through the real kernel: %timeit's exact line, %lsmagic, --help, and the errors a
user gets for a mistyped magic or a bad argument."""
from __future__ import annotations

import re

import pytest
from IPython.core.magics.execution import _format_time  # the formatter %timeit output must equal

from kernel_util import error_text, run_cell, stdout_of

# IPython's TimeitResult line. The loop count is IPython ≥ 8's "{:,}" ("10,000") or the older plain
# form ("10000") that DESIGN.md quotes; µ may be the micro sign or the Greek mu (IPython ≥ 8).
TIME = r"(\d+(?:\.\d+)? (?:ns|[µμ]s|ms|s))"
TIMEIT_LINE = re.compile(
    TIME + r" ± " + TIME + r" per loop \(mean ± std\. dev\. of (\d+) runs?, ((?:\d{1,3}(?:,\d{3})+)|\d+) loops? each\)$")
UNIT = {"ns": 1e-9, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0}


def parse_timeit(text: str):
    lines = [l for l in text.splitlines() if "per loop" in l]
    assert len(lines) == 1, f"expected one %timeit line in {text!r}"
    m = TIMEIT_LINE.match(lines[0])
    assert m, f"not IPython's %timeit line: {lines[0]!r}"
    mean, std, runs, loops = m.group(1), m.group(2), int(m.group(3)), int(m.group(4).replace(",", ""))
    # Plural forms follow the counts, exactly like IPython.
    assert (" 1 run," in lines[0]) == (runs == 1) and (" 1 loop each" in lines[0]) == (loops == 1)
    for shown in (mean, std):  # 3 significant digits in the unit IPython would pick
        value, unit = shown.split(" ")
        seconds = float(value) * UNIT[unit]
        assert _format_time(seconds).replace("μ", "µ") == shown.replace("μ", "µ"), shown
    return float(mean.split(" ")[0]) * UNIT[mean.split(" ")[1]], runs, loops


def test_timeit_explicit_counts_singular(kernel):
    _, kc = kernel
    reply, outs = run_cell(kc, "%timeit -n 1 -r 1 (0..1000u64).sum::<u64>()")
    assert reply["status"] == "ok", error_text(reply, outs)
    _, runs, loops = parse_timeit(stdout_of(outs))
    assert (runs, loops) == (1, 1)


def test_timeit_autorange_like_ipython(kernel):
    _, kc = kernel
    run_cell(kc, "let data: Vec<u64> = (0..10_000).collect();")
    reply, outs = run_cell(kc, "%timeit data.iter().map(|x| x * x).sum::<u64>()")
    assert reply["status"] == "ok", error_text(reply, outs)
    mean, runs, loops = parse_timeit(stdout_of(outs))
    assert runs == 7
    assert re.fullmatch(r"10*", str(loops)), f"IPython grows loops by powers of 10, got {loops}"
    # IPython stops growing once a run of `loops` takes >= 0.2 s (the last step was below it).
    assert loops == 1 or mean * loops >= 0.05, (mean, loops)


def test_cell_timeit_with_setup_line(kernel):
    _, kc = kernel
    code = "%%timeit -n 10 -r 3 let v: Vec<u64> = (0..100).collect();\nv.iter().sum::<u64>()"
    reply, outs = run_cell(kc, code)
    assert reply["status"] == "ok", error_text(reply, outs)
    _, runs, loops = parse_timeit(stdout_of(outs))
    assert (runs, loops) == (3, 10)


def test_timeit_line_mixed_with_rust(kernel):
    _, kc = kernel
    reply, outs = run_cell(kc, '%timeit -n 2 -r 2 1 + 1\nprintln!("after the magic");')
    assert reply["status"] == "ok", error_text(reply, outs)
    out = stdout_of(outs)
    parse_timeit(out)
    assert "after the magic" in out


def test_lsmagic_lists_the_magics(kernel):
    _, kc = kernel
    reply, outs = run_cell(kc, "%lsmagic")
    assert reply["status"] == "ok"
    text = stdout_of(outs) + "".join(str(m["content"].get("data", {}).get("text/plain", "")) for m in outs)
    for name in ("%timeit", "%%timeit", "%time", "%lsmagic", "%%jit"):
        assert name in text, f"{name} missing from %lsmagic:\n{text}"


def test_magic_help_prints_usage(kernel):
    _, kc = kernel
    reply, outs = run_cell(kc, "%timeit --help")
    assert reply["status"] == "ok"
    assert "Usage" in stdout_of(outs) or "usage" in stdout_of(outs)


def test_bad_magic_argument_is_claps_error(kernel):
    _, kc = kernel
    reply, outs = run_cell(kc, "%timeit --no-such-flag 1 + 1")
    assert reply["status"] == "error"
    text = error_text(reply, outs)
    assert "--no-such-flag" in text and "Usage" in text, text


def test_unknown_magic_suggests_closest(kernel):
    _, kc = kernel
    reply, outs = run_cell(kc, "%timit 1 + 1")
    assert reply["status"] == "error"
    text = error_text(reply, outs)
    assert "timit" in text and "timeit" in text.replace("timit", ""), text


@pytest.mark.parametrize("code", ["", "   \n", "%lsmagic"])
def test_trivial_cells_are_ok(kernel, code):
    _, kc = kernel
    reply, _ = run_cell(kc, code)
    assert reply["status"] == "ok"
