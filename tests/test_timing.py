"""convlab.timing and the benchmarks: the plumbing, never the machine's speed
(no assertion here depends on how fast anything runs)."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import pytest

import benchmarks
import convlab
from benchmarks import run as bench
from convlab import sweeps, threads, timing


def test_measure_interleaves_rounds_after_one_warm_up():
    calls = []
    result = timing.measure({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeat=3)
    assert calls == ["a", "b"] + ["a", "a", "b", "b"] * 3   # warm-up, then 3 rounds of (untimed, timed) pairs
    assert {name: len(t.times) for name, t in result.items()} == {"a": 3, "b": 3}
    assert all(t.median >= 0 and not t.truncated for t in result.values())


def test_measure_runs_a_slow_candidate_once_past_the_budget():
    calls = []

    def slow():
        calls.append("slow")
        time.sleep(0.03)

    result = timing.measure({"slow": slow, "fast": lambda: calls.append("fast")}, repeat=2,
                            budget=0.01, clock="wall")
    assert calls.count("slow") == 1 and calls.count("fast") == 1 + 2 * 2
    assert result["slow"].truncated and len(result["slow"].times) == 1
    assert result["slow"].median >= 0.03
    assert str(result["slow"]).endswith("(1 run)")


@pytest.mark.parametrize("kwargs, error, match", [
    ({"repeat": 0}, ValueError, r"repeat must be a positive int; got 0"),
    ({"repeat": True}, TypeError, r"repeat must be a positive int; got True of type bool"),
    ({"clock": "gpu"}, ValueError, r"clock must be one of \('cpu', 'wall'\); got 'gpu'"),
    ({"clock": 1}, TypeError, r"clock must be one of \('cpu', 'wall'\); got 1 of type int"),
])
def test_measure_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        timing.measure({"a": lambda: None}, **kwargs)


def test_format_seconds():
    assert [timing.format_seconds(t) for t in (12.3456, 0.5, 2e-5, 3e-9, math.nan)] == \
        ["12.3 s", "500 ms", "20 us", "3 ns", "-"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="BLAS libraries are found via /proc")
def test_limit_threads_pins_and_restores():
    np.dot(np.ones((2, 2)), np.ones((2, 2)))
    libs = list(threads._blas_libraries())
    assert libs, "numpy's BLAS (OpenBLAS from its wheel) was not found: nothing would be pinned"
    before = [get() for _, get in libs]
    with threads.limit_threads(1) as pinned:
        assert pinned == len(libs)
        assert all(get() == 1 for _, get in libs)
    assert [get() for _, get in libs] == before
    with pytest.raises(ValueError, match="n must be a positive int; got 0"):
        with threads.limit_threads(0):
            pass
    with pytest.raises(TypeError, match="n must be a positive int; got 1.5"):
        with threads.limit_threads(1.5):
            pass


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="BLAS libraries are found via /proc")
def test_blas_kernels_follow_openblas_coretype():
    """The benchmark reports which kernels OpenBLAS runs, and runs itself without the
    variable that pins older ones; a subprocess with it set must report that core."""
    code = "from convlab.threads import blas_kernels; print(blas_kernels())"
    env = {**os.environ, "OPENBLAS_CORETYPE": "Haswell"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().lower() == "haswell", done.stdout + done.stderr


def test_sweep_fastest_and_crossover():
    sweep = sweeps.Sweep("k", (3, 9, 27), {"im2col": (1.0, 3.0, 9.0), "fft": (2.0, 2.5, math.nan)})
    assert sweep.fastest() == ("im2col", "fft", "im2col")       # NaN (skipped) never wins
    assert sweep.crossover("im2col", "fft") == 9
    assert sweep.crossover("fft", "im2col") == 3


def test_kernel_sweep_skips_kernels_larger_than_the_input():
    sweep = sweeps.kernel_sweep((1, 2, 16, 16), [3, 15, 17], c_out=2, repeat=1)
    assert sweep.sizes == (3, 15)
    assert sweep.shapes == (((1, 2, 16, 16), (2, 2, 3, 3)), ((1, 2, 16, 16), (2, 2, 15, 15)))
    assert set(sweep.times) == {"im2col", "fft"} and all(len(v) == 2 for v in sweep.times.values())


def test_rates_are_positive():
    assert sweeps.gemm_rate(32, 32, 32, np.float32, repeat=1) > 0
    assert sweeps.ns_per_mac((1, 1, 10), (1, 1, 3), "im2col", repeat=1) > 0


# --------------------------------------------------------------------------
# benchmarks
# --------------------------------------------------------------------------

def test_cases_are_the_issues_shapes():
    shapes = {(c.x_shape, c.w_shape) for c in benchmarks.CASES}
    for x_shape, w_shape in [((8, 64, 56, 56), (64, 64, 3, 3)), ((8, 128, 28, 28), (128, 128, 3, 3)),
                             ((16, 256, 14, 14), (256, 256, 3, 3)), ((1, 3, 224, 224), (64, 3, 3, 3)),
                             ((1, 3, 256, 256), (8, 3, 11, 11)), ((1, 1, 512, 512), (1, 1, 31, 31)),
                             ((1, 1, 1024, 1024), (1, 1, 5, 5)), ((1, 1, 1_000_000), (1, 1, 1001))]:
        assert (x_shape, w_shape) in shapes


def test_target_verdicts():
    deep = bench.Row("56x56 3x3 64->64", "float64", "deep",
                     times={"im2col": 1.0, "torch": 2.0, "numpy GEMM": 0.8, "fft": 3.0, "auto": 1.1})
    image = bench.Row("512x512 31x31", "float64", "image",
                      times={"im2col": 5.0, "fft": 1.0, "scipy fftconvolve": 0.9, "auto": 1.5})
    targets = {name: (shown, verdict) for name, shown, _, verdict in bench.target_rows([deep, image], None)}
    assert targets["im2col / torch, 56x56 3x3 64->64, float64"] == ("0.50", "met")
    assert targets["im2col GEMM efficiency, 56x56 3x3 64->64, float64"] == ("80%", "met")
    assert targets["fft / scipy fftconvolve, 512x512 31x31, float64"] == ("1.11", "MISSED")
    assert targets["auto / fastest method, worst case (512x512 31x31, float64)"] == ("1.50", "MISSED")
    assert "| target | measured | limit | verdict |" in bench.targets_table(bench.target_rows([deep], None))


def test_all_core_target_verdicts():
    """Each deep layer's all-core ratio against torch within 1.1x of its one-thread ratio, fft at
    most scipy's faster FFT convolution (workers=-1), auto within 1.1x of the fastest: computed
    from the rows, met and missed told apart (numbers chosen so each verdict is known by hand)."""
    one = [bench.Row("56x56 3x3 64->64", "float32", "deep", times={"im2col": 2.0, "auto": 2.0, "torch": 2.0}),
           bench.Row("1-D 1e6 k=1001", "float64", "signal", times={"fft": 1.0, "auto": 1.0})]
    every = [bench.Row("56x56 3x3 64->64", "float32", "deep",
                       times={"im2col": 1.2, "winograd": 1.0, "auto": 1.2, "torch": 1.0}),
             bench.Row("1-D 1e6 k=1001", "float64", "signal",
                       times={"fft": 0.5, "auto": 0.5, "scipy fftconvolve": 0.6, "scipy oaconvolve": 0.4})]
    targets = {name: (shown, verdict) for name, shown, _, verdict in bench.all_core_targets(one, every)}
    assert targets["all cores: auto / torch, 56x56 3x3 64->64, float32 (one thread: 1.00)"] == ("1.20", "MISSED")
    assert targets["all cores: fft / scipy's faster (workers=-1), 1-D 1e6 k=1001, float64"] == ("1.25", "MISSED")
    assert targets["all cores: auto / fastest method on these rows, worst (56x56 3x3 64->64, float32)"] == (
        "1.20", "MISSED")
    assert targets["one thread: auto / fastest method on these rows, worst (56x56 3x3 64->64, float32)"] == (
        "1.00", "met")
    every[0].times.update(auto=1.05, torch=1.0, winograd=1.05)
    every[1].times.update(fft=0.4, auto=0.4)
    targets = {name: verdict for name, _, _, verdict in bench.all_core_targets(one, every)}
    assert set(targets.values()) == {"met"}
    assert bench.all_core_case(benchmarks.CASES[0]) and not bench.all_core_case(
        next(c for c in benchmarks.CASES if c.name == "1-D 1e3 k=31"))


def test_benchmark_runs_end_to_end(capsys, tmp_path):
    out = tmp_path / "bench.json"
    assert bench.main(["--quick", "-k", "1e3 k=31", "--dtype", "float64", "--repeat", "1",
                       "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "numpy GEMM peak" in printed and "| 1-D 1e3 k=31 | float64 |" in printed
    assert "| target | measured | limit | verdict |" in printed
    rows = json.loads(out.read_text())["rows"]
    assert len(rows) == 1 and {"im2col", "fft", "auto"} <= set(rows[0]["times"])


def test_benchmark_times_the_all_core_rows_again(capsys, tmp_path):
    out = tmp_path / "bench.json"
    assert bench.main(["--quick", "-k", "1e5 k=31 same", "--dtype", "float64", "--repeat", "1",
                       "--no-memory", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "all cores (" in printed and "all cores: fft / scipy's faster (workers=-1)" in printed
    data = json.loads(out.read_text())
    assert [r["case"] for r in data["all cores"]] == [r["case"] for r in data["rows"]] == ["1-D 1e5 k=31 same"]


# --------------------------------------------------------------------------
# calibration of the cost models
# --------------------------------------------------------------------------

def test_rates_are_the_defaults_unless_asked():
    from convlab import calibration

    with convlab.options(calibrate=False):
        assert calibration.rates() is calibration.DEFAULT
    calibration._measured.cache_clear()
    try:
        with convlab.options(calibrate=True):
            measured = calibration.rates()          # measures once, then remembers
            assert calibration.rates() is measured
        assert measured is not calibration.DEFAULT
        assert set(measured.gemm_flops) == set(measured.fft_ns) == {4, 8}
        assert all(v > 0 for v in (*measured.gemm_flops.values(), *measured.fft_ns.values(),
                                   measured.copy_bytes, measured.im2col_call, measured.fft_call))
        assert measured.fft_lone >= 1.0
        assert hash(measured) == hash(dataclasses.replace(measured))     # a value: usable as a cache key
    finally:
        calibration._measured.cache_clear()


def test_overhead_targets():
    from benchmarks import overhead

    result = {"import": {"numpy": 0.07, "convlab": 0.03},
              "small call": {"convlab auto": 6e-6, "torch": 2e-6, "scipy correlate": 12e-6}}
    rows = []
    overhead.targets(result, lambda name, value, limit, ok, fmt="{:.2f}": rows.append((name, value, ok)))
    assert [(round(v, 2), ok) for _, v, ok in rows] == [(30.0, True), (3.0, False), (0.5, True)]
    assert "torch 2.0 us" in overhead.report(result)


def test_import_seconds_are_measured_in_fresh_interpreters():
    from benchmarks import overhead

    seconds = overhead.import_seconds(runs=1)
    assert seconds["numpy"] > 0 and seconds["convlab"] > 0
