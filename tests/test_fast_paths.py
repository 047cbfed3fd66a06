"""The code paths that only large problems reach: im2col's chunks under the
memory cap, and the fft method's overlap-add for long 1-D signals.

The random problems of ``test_oracles`` are small, so neither path runs
there. Here the same oracles (torch, scipy, or exact integer results of
``loop``/``im2col``) meet problems large enough, or caps small enough, to
take them, and the tests assert that the path was really taken.
"""

from __future__ import annotations

import dataclasses
import math
import tracemalloc
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import error_bound, record, require
from tolerance import tolerance

import convlab
from convlab import calibration, cost
from convlab._validate import geometry, prepare_conv
from convlab.methods import fft as fft_method
from convlab.methods import im2col as im2col_method
from convlab.resolve import resolve

# --------------------------------------------------------------------------
# im2col: chunks
# --------------------------------------------------------------------------


@given(n_batch=st.integers(1, 3), depth=st.integers(1, 300),
       out_spatial=st.lists(st.integers(1, 40), min_size=1, max_size=3).map(tuple),
       itemsize=st.sampled_from([4, 8, 16]), max_bytes=st.integers(1, 2**20))
def test_plan_respects_the_cap_and_covers_every_output_once(n_batch, depth, out_spatial, itemsize, max_bytes):
    samples, axis, width = im2col_method.chunk_plan(n_batch, depth, out_spatial, itemsize, max_bytes)
    column = depth * itemsize
    covered = np.zeros((n_batch, *out_spatial), dtype=int)
    for batch, where in im2col_method.chunk_slices(n_batch, out_spatial, samples, axis, width):
        view = covered[(batch, *where)]
        view += 1
        # a chunk's column matrix stays under the cap unless a single column is already larger
        assert view.size * column <= max(max_bytes, column)
    assert (covered == 1).all()


@pytest.mark.parametrize("cap", [1, 200, 4096, 2**20])
@pytest.mark.parametrize("nd, groups, stride, dilation", [
    (1, 1, 1, 1), (1, 2, 2, 1), (2, 1, 1, 2), (2, 3, (2, 1), 1), (3, 1, 1, 1), (3, 2, 2, (1, 2, 1)),
])
def test_chunked_im2col_is_exact(cap, nd, groups, stride, dilation):
    """Any cap, however small, gives exactly the unchunked integers."""
    rng = np.random.default_rng(nd * 100 + groups)
    size = {1: (40,), 2: (13, 11), 3: (7, 6, 8)}[nd]
    k = {1: (5,), 2: (3, 4), 3: (2, 3, 2)}[nd]
    x = rng.integers(-9, 10, size=(3, 2 * groups, *size))
    w = rng.integers(-9, 10, size=(2 * groups, 2, *k))
    expected = convlab.convnd(x, w, stride=stride, dilation=dilation, groups=groups, padding=1, method="loop")
    with convlab.options(im2col_max_bytes=cap):
        got = convlab.convnd(x, w, stride=stride, dilation=dilation, groups=groups, padding=1, method="im2col")
    np.testing.assert_array_equal(got, expected)


@st.composite
def padded_problems(draw):
    nd = draw(st.integers(1, 3))
    k = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    padding = tuple((draw(st.integers(0, 4)), draw(st.integers(0, 4))) for _ in range(nd))
    # sizes from 1 up; the padded input must hold the dilated kernel
    size = tuple(max(draw(st.integers(1, 7)), d * (kk - 1) + 1 - lo - hi)
                 for kk, d, (lo, hi) in zip(k, dilation, padding))
    groups = draw(st.sampled_from([1, 2]))
    cap = draw(st.sampled_from([1, 100, 2**20]))
    return nd, k, dilation, stride, padding, size, groups, cap, draw(st.integers(0, 2**32 - 1))


@given(problem=padded_problems())
def test_virtual_zero_padding_is_exact(problem):
    """im2col gathers zero-padded columns without padding the input: asymmetric pads,
    pads wider than the kernel (taps that read only zeros), strides, dilations and
    every way of chunking, exactly as the loop over the padded input."""
    nd, k, dilation, stride, padding, size, groups, cap, seed = problem
    rng = np.random.default_rng(seed)
    x = rng.integers(-9, 10, size=(2, 2 * groups, *size))
    w = rng.integers(-9, 10, size=(groups, 2, *k))
    options = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    expected = convlab.convnd(x, w, method="loop", **options)
    # never fall back to a padded copy, however many (tap, chunk) steps
    with (convlab.options(im2col_max_bytes=cap),
          mock.patch.object(im2col_method, "MAX_VIRTUAL_STEPS", 10**9),
          mock.patch.object(im2col_method, "MIN_VIRTUAL_ROW", 0)):
        got = convlab.convnd(x, w, method="im2col", **options)
    np.testing.assert_array_equal(got, expected)


def test_chunked_im2col_floats_match_torch():
    torch = require("torch", "oracle for the chunked im2col")
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 4, 40, 37)), rng.standard_normal((6, 4, 5, 5))
    want = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=2).numpy()
    with convlab.options(im2col_max_bytes=10_000):
        got = convlab.conv2d(x, w, padding=2, method="im2col")
    assert np.max(np.abs(got - want)) <= tolerance("im2col", "float64", error_bound(x, w), 100, 0)


def traced(fn):
    """``fn()`` and the peak memory traced while it ran (numpy reports its buffers)."""
    tracemalloc.start()
    try:
        return fn(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_im2col_memory_stays_under_the_cap():
    """The column matrix of 256x256 * 15x15 would take 105 MB; with a 4 MiB cap the
    peak traced allocation is the cap plus the output, not the matrix."""
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 1, 256, 256)), rng.standard_normal((1, 1, 15, 15))
    cap = 4 * 2**20
    out_bytes = 242 * 242 * 8
    with convlab.options(im2col_max_bytes=cap):
        y, peak = traced(lambda: convlab.conv2d(x, w, method="im2col"))
    assert 225 * 242 * 242 * 8 > 20 * cap             # the whole matrix would be far larger
    assert peak <= cap + out_bytes + 2**20, peak
    np.testing.assert_allclose(y, convlab.conv2d(x, w, method="fft"), atol=1e-9)


def test_1x1_stride_1_im2col_needs_no_column_matrix():
    """A 1x1 kernel's column matrix is the input itself: no buffer is allocated."""
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 64, 32, 32)), rng.standard_normal((16, 64, 1, 1))
    y, peak = traced(lambda: convlab.conv2d(x, w, method="im2col"))
    assert peak <= y.nbytes + 64 * 1024, peak
    np.testing.assert_allclose(y, np.einsum("nchw,oc->nohw", x, w[:, :, 0, 0]), atol=1e-12)


# --------------------------------------------------------------------------
# fft: overlap-add
# --------------------------------------------------------------------------


@pytest.mark.parametrize("n, span, stride", [(1000, 3, 1), (1000, 31, 2), (257, 17, 3), (64, 64, 1),
                                             (5000, 1001, 1), (130, 1, 1)])
def test_overlap_add_every_block_length_equals_one_fft(n, span, stride):
    """Whatever block length overlap-add uses, it equals a single whole-signal FFT."""
    rng = np.random.default_rng(n + span)
    xp = rng.standard_normal((2, 3, n))
    wd = rng.standard_normal((4, 3, span))
    n_out = (n - span) // stride + 1
    whole = fft_method._whole(xp, wd, (stride,), 1, (n_out,), True, (fft_method.next_fast_len(n),), (span - 1,))
    lengths = [length for length in fft_method.fast_lengths(2 * span - 1, 4 * n)] or [2 * span]
    bound = error_bound(xp, wd)
    for length in lengths:
        got = fft_method._overlap_add(xp, wd, stride, 1, n_out, length, True)
        assert got.shape == whole.shape
        assert np.max(np.abs(got - whole)) <= tolerance("fft", "float64", bound, 0, length), length


@st.composite
def long_signals(draw):
    n = draw(st.integers(300, 6000))
    k = draw(st.integers(1, 200))
    dilation = draw(st.integers(1, 3))
    stride = draw(st.integers(1, 3))
    groups = draw(st.sampled_from([1, 2]))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    n_batch = draw(st.integers(1, 2))
    padding = draw(st.integers(0, 5))
    dtype = draw(st.sampled_from(["float64", "float32", "complex128"]))
    if dilation * (k - 1) + 1 > n + 2 * padding:
        k = 1
    return n, k, dilation, stride, groups, c_in, c_out, n_batch, padding, dtype, draw(st.integers(0, 2**32 - 1))


@given(problem=long_signals())
def test_long_1d_fft_matches_torch(problem):
    torch = require("torch", "oracle for the fft method on long signals")
    n, k, dilation, stride, groups, c_in, c_out, n_batch, padding, dtype, seed = problem
    rng = np.random.default_rng(seed)
    shape_x, shape_w = (n_batch, c_in, n), (c_out, c_in // groups, k)
    if dtype == "complex128":
        x = rng.standard_normal(shape_x) + 1j * rng.standard_normal(shape_x)
        w = rng.standard_normal(shape_w) + 1j * rng.standard_normal(shape_w)
    else:
        x, w = rng.standard_normal(shape_x).astype(dtype), rng.standard_normal(shape_w).astype(dtype)
    options = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    got = convlab.conv1d(x, w, method="fft", **options)
    # the oracle in double precision (torch's complex conv1d is its own; it does not conjugate either)
    want = torch.nn.functional.conv1d(torch.from_numpy(x.astype(np.result_type(x, np.float64))),
                                      torch.from_numpy(w.astype(np.result_type(w, np.float64))),
                                      **options).numpy()
    assert got.dtype == np.dtype(dtype) and got.shape == want.shape
    bound = error_bound(x, w)
    length = fft_method.next_fast_len(n + 2 * padding)
    err = float(np.max(np.abs(got - want), initial=0.0))
    record("fft", dtype, "torch", err, bound)
    assert err <= tolerance("fft", dtype, bound, 0, length), (err, bound)


def test_the_benchmark_signal_takes_overlap_add():
    """1e6 samples * 1001 taps: overlap-add with blocks of a few kernel spans, and it
    agrees with scipy's oaconvolve."""
    signal = require("scipy.signal", "oracle for overlap-add")
    length = cost.block_length(10**6, (1, 1, 1001), n_batch=1, groups=1, dilation=1, itemsize=8, real=True,
                               rates=calibration.DEFAULT)
    assert length is not None and 2 * 1001 <= length < 10**5
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal(200_000), rng.standard_normal(1001)
    plan = convlab.explain_method(x[None, None], w[None, None], method="fft")
    assert plan.block_length is not None and 2 * 1001 <= plan.block_length < 10**5
    got = convlab.correlate(x, w, method="fft")
    want = signal.oaconvolve(x, w[::-1], mode="valid")
    assert np.max(np.abs(got - want)) <= tolerance("fft", "float64", error_bound(x, w), 0, length)


# --------------------------------------------------------------------------
# the cost models behind auto
# --------------------------------------------------------------------------


def test_estimates_grow_with_the_work():
    def est(n, k):
        shapes = cost.Shapes((1, 1, n, n), (1, 1, k, k), geometry((n, n), (k, k), 1, 0, 1), itemsize=8,
                             real=True, max_bytes=convlab.config.DEFAULT_IM2COL_MAX_BYTES)
        return cost.estimates(shapes, calibration.DEFAULT)

    small, large = est(128, 5), est(512, 5)
    for method in ("loop", "im2col", "fft"):
        assert 0 < small[method] < large[method]
    assert est(512, 31)["im2col"] > est(512, 5)["im2col"] * 20         # direct cost grows with k^2
    assert est(512, 31)["fft"] < est(512, 5)["fft"] * 2                # the FFT's barely does
    assert all(math.isfinite(v) for v in large.values())


def test_auto_never_picks_the_loop_and_says_why():
    for x_shape, w_shape in [((1, 1, 20), (1, 1, 3)), ((1, 1, 100_000), (1, 1, 1001)),
                             ((2, 3, 16, 16), (4, 3, 3, 3)), ((1, 1, 9, 9, 9), (1, 1, 3, 3, 3))]:
        choice = convlab.explain_method(np.ones(x_shape), np.ones(w_shape))
        assert choice.method in ("im2col", "fft") and choice.method == convlab.choose_method(
            np.ones(x_shape), np.ones(w_shape))
        assert choice.estimates["loop"] > choice.estimates[choice.method]
        assert choice.method in choice.reason and "estimated cost" in choice.reason
    assert convlab.choose_method(np.ones((1, 1, 100_000)), np.ones((1, 1, 1001))) == "fft"
    assert "overlap-add" in str(convlab.explain_method(np.ones((1, 1, 100_000)), np.ones((1, 1, 1001))))


def test_new_speeds_take_effect():
    """Choices are remembered per speeds: a machine whose GEMM and copies were a thousand
    times slower would take the FFT for a problem that im2col wins here."""
    problem, _ = prepare_conv(np.ones((1, 1, 1000)), np.ones((1, 1, 3)), None, nd=1, stride=1, padding=0,
                              dilation=1, groups=1, padding_mode="zeros", method="auto")
    assert resolve(problem).method == "im2col"
    slow = dataclasses.replace(calibration.DEFAULT, gemm_flops={4: 1e8, 8: 5e7}, copy_bytes=5e7)
    assert resolve(problem, slow).method == "fft"
    assert resolve(problem).method == "im2col"          # the remembered choice is keyed by the speeds


def test_cost_model_of_strided_and_depthwise_layers():
    """Two mispricings found by measurement: a strided im2col gather was charged per element
    (numpy's inner loop runs over a whole output row, whatever the stride), and an N-d FFT
    was charged one row overhead per transform instead of one per 1-D row of every axis.
    Measured here: depthwise 3x3 on (8, 64, 56, 56), im2col 2.8 ms (stride 2) and 6.4 ms
    (stride 1), fft 21 and 29 ms."""
    for stride, padding in ((2, 0), (1, 1)):
        plan = convlab.explain_method(np.ones((8, 64, 56, 56)), np.ones((64, 1, 3, 3)), stride=stride,
                                      padding=padding, groups=64)
        assert plan.method == "im2col", plan.reason
        assert plan.estimates["fft"] > 2 * plan.estimates["im2col"]
    one = cost.transform_seconds((64,), 60, 8, True, calibration.DEFAULT)
    two = cost.transform_seconds((60, 60), 1, 8, True, calibration.DEFAULT)
    assert two > 60 * cost.FFT_ROW_SECONDS * 2          # 60 rows on each of two axes
    assert one < two


@given(st.integers(1, 40), st.integers(1, 9), st.integers(1, 3), st.integers(1, 3), st.integers(0, 12),
       st.integers(0, 12), st.integers(0, 2**32 - 1))
def test_virtual_zero_padding_of_the_fft_equals_padding_a_copy(n, k, stride, dilation, lo, hi, seed):
    """The whole-signal FFT with zero padding kept virtual (shorter transforms) equals the loop,
    whether the padding is narrower than the kernel (virtual) or wider (a padded copy)."""
    rng = np.random.default_rng(seed)
    span = dilation * (k - 1) + 1
    if span > n + lo + hi:
        return
    x, w = rng.standard_normal((2, 3, n, 5)), rng.standard_normal((2, 3, k, 3))
    options = dict(stride=(stride, 1), padding=((lo, hi), (2, 0)), dilation=(dilation, 1))
    got = convlab.conv2d(x, w, method="fft", **options)
    want = convlab.conv2d(x, w, method="im2col", **options)
    assert np.max(np.abs(got - want)) <= 1e-12 * error_bound(x, w) * 10


def test_full_mode_transforms_are_shorter():
    lengths, virtual = fft_method.lengths_for((512, 512), ((30, 30),) * 2, (31, 31), (1, 1), (542, 542))
    assert virtual and lengths == (560, 576)           # not next_fast_len(572) = 576 on the first axis;
    # the last (real) axis is 5-smooth: numpy's rfft of 560 = 2**4 * 5 * 7 takes its slow generic pass


def test_fast_lengths_are_the_smallest_smooth_numbers():
    sfft = require("scipy.fft", "oracle for 5-smooth lengths")
    smooth7 = [m for m in range(1, 2100) if _largest_factor(m) <= 7]
    for n in range(1, 2000):
        assert fft_method.next_fast_len(n, real=True) == sfft.next_fast_len(n, real=True), n
        assert fft_method.next_fast_len(n) == min(m for m in smooth7 if m >= n), n


def _largest_factor(m: int) -> int:
    largest, p = 1, 2
    while m > 1:
        while m % p == 0:
            m, largest = m // p, p
        p += 1
    return largest
