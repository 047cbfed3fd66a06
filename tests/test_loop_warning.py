"""The warning for an explicit ``method="loop"`` the cost model prices above
``loop_warn_seconds`` (issue 18): a RuntimeWarning at the caller's line, with
the estimate and the advice, once per call site under Python's default filter.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import warnings
from unittest import mock

import numpy as np
import pytest

import convlab
from convlab import _engine

SMALL = (np.ones((1, 2, 12)), np.ones((3, 2, 5)))          # 3 * 2 * 5 * 8 = 240 multiply-adds
PATTERN = (r"^method='loop' is estimated to take [\d.]+ (s|ms|us|ns) on this call, more than the "
           r"loop_warn_seconds setting \(1e-09 s\): it runs the formula in Python, one multiply-add at a "
           r"time\. method='auto' computes the same \(im2col, about [\d.]+ (s|ms|us|ns)\); or raise the "
           r"setting with convlab\.options\(loop_warn_seconds=\.\.\.\)$")
UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


def _no_warning(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return call()


def test_the_default_is_ten_seconds():
    assert convlab.get_options()["loop_warn_seconds"] == convlab.config.DEFAULT_LOOP_WARN_SECONDS == 10.0


def test_a_small_threshold_warns_at_the_callers_line_with_the_estimate_and_the_advice():
    with convlab.options(loop_warn_seconds=1e-9), pytest.warns(RuntimeWarning, match=PATTERN) as caught:
        y = convlab.conv1d(*SMALL, method="loop")
    assert len(caught) == 1 and caught[0].filename == __file__
    np.testing.assert_array_equal(y, convlab.conv1d(*SMALL, method="im2col"))     # and computes it


def test_the_stacklevel_check_catches_a_warning_pointing_inside_convlab():
    """The filename check above can fail: a warning raised at stacklevel 1 names convlab's engine."""
    with convlab.options(loop_warn_seconds=1e-9), mock.patch.object(_engine, "caller_stacklevel", lambda: 1), \
            pytest.warns(RuntimeWarning) as caught:
        convlab.conv1d(*SMALL, method="loop")
    assert caught[0].filename != __file__ and caught[0].filename.endswith("_engine.py")


def test_it_warns_exactly_when_the_estimate_is_over_the_threshold():
    with convlab.options(loop_warn_seconds=1e-9), pytest.warns(RuntimeWarning) as caught:
        convlab.conv1d(*SMALL, method="loop")
    value, unit = re.search(r"take ([\d.]+) (\w+) on", str(caught[0].message)).groups()
    seconds = float(value) * UNITS[unit]
    with convlab.options(loop_warn_seconds=seconds * 1.01):
        _no_warning(lambda: convlab.conv1d(*SMALL, method="loop"))
    with convlab.options(loop_warn_seconds=seconds * 0.99), pytest.warns(RuntimeWarning, match="estimated"):
        convlab.conv1d(*SMALL, method="loop")


def test_the_default_threshold_is_quiet_on_small_calls_and_warns_on_large_ones():
    _no_warning(lambda: convlab.conv2d(np.ones((1, 2, 9, 9)), np.ones((2, 2, 3, 3)), method="loop"))
    big_x, big_w = np.ones((8, 16, 64, 64)), np.ones((32, 16, 3, 3))     # 8*32*144*62*62 MACs: over 10 s
    plan = convlab.explain_method(big_x, big_w, method="loop")              # explained, not run
    assert plan.method == "loop" and "more than the loop_warn_seconds setting (10 s)" in plan.warning
    assert convlab.explain_method(big_x, big_w).warning is None


def test_transposed_and_signal_calls_warn_too():
    with convlab.options(loop_warn_seconds=1e-9):
        with pytest.warns(RuntimeWarning, match="method='loop' is estimated") as caught:
            convlab.conv_transpose1d(np.ones((1, 3, 8)), np.ones((3, 2, 5)), method="loop")
        assert caught[0].filename == __file__
        with pytest.warns(RuntimeWarning, match="method='loop' is estimated"):
            convlab.correlate(np.ones(40), np.ones(5), method="loop")


def test_only_an_explicit_loop_warns():
    with convlab.options(loop_warn_seconds=1e-9):
        for method in ("auto", "im2col", "fft"):
            _no_warning(lambda m=method: convlab.conv1d(*SMALL, method=m))


def test_none_turns_it_off():
    with convlab.options(loop_warn_seconds=None):
        _no_warning(lambda: convlab.conv2d(np.ones((1, 2, 9, 9)), np.ones((2, 2, 3, 3)), method="loop"))
        assert convlab.explain_method(np.ones((8, 16, 64, 64)), np.ones((32, 16, 3, 3)),
                                      method="loop").warning is None


def test_once_per_call_site_under_the_default_filter(tmp_path):
    script = tmp_path / "caller.py"
    script.write_text(textwrap.dedent("""
        import numpy as np, convlab
        convlab.set_options(loop_warn_seconds=1e-9)
        x, w = np.ones((1, 2, 12)), np.ones((3, 2, 5))
        for _ in range(3):
            convlab.conv1d(x, w, method="loop")          # line 6: one warning for three calls
        convlab.conv1d(x, w, method="loop")              # line 7: another call site, another warning
    """))
    result = subprocess.run([sys.executable, "-W", "default", str(script)], capture_output=True, text=True,
                            check=True)
    sites = re.findall(r"caller\.py:(\d+): RuntimeWarning: method='loop'", result.stderr)
    assert sites == ["6", "7"], result.stderr


@pytest.mark.parametrize("value", ["10", True, [1]])
def test_a_threshold_of_the_wrong_type(value):
    with pytest.raises(TypeError, match=r"^loop_warn_seconds must be a positive number of seconds, or None "
                                        r"for no warning; got .* of type"):
        convlab.set_options(loop_warn_seconds=value)


@pytest.mark.parametrize("value", [0, -1.0, float("inf"), float("nan")])
def test_a_threshold_out_of_range(value):
    with pytest.raises(ValueError, match=r"^loop_warn_seconds must be a positive number of seconds, or None "
                                         r"for no warning; got "):
        convlab.set_options(loop_warn_seconds=value)
    assert convlab.get_options()["loop_warn_seconds"] == 10.0
