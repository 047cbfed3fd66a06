"""Parity with SciPy and PyTorch where their users would look first.

* Empty signals: one rule for every mode, method and number of dimensions
  (an empty axis of ``x`` gives an empty axis of the result), beside what
  numpy and scipy do.
* ``axes=`` of ``correlate``/``convolve`` against ``scipy.signal.fftconvolve``
  and ``oaconvolve`` (hypothesis over shapes, axes, modes and dtypes), the
  broadcasting of the other axes, and how they become a convnd problem.
* Boundaries: ``padding_mode`` ``symmetric``, ``circular``, ``replicate``
  and ``reflect``, wider than the input where numpy allows it, against
  ``numpy.pad`` and a valid correlation written with numpy alone, against
  ``scipy.signal.convolve2d(boundary="symm"/"wrap")``, and against torch
  for the modes torch has.
* float32 FFT precision: on fixed shapes and seeds, convlab's ``fft`` errs
  at most twice as much as its float32 ``im2col``; an integer operand mixed
  with a float32 one is transformed in double precision.
"""

from __future__ import annotations

import math
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view
from support import error_bound, record, require, tolerating_refusal, unless_refused
from tolerance import tolerance

import convlab
from convlab import _engine
from convlab._validate import prepare_conv, prepare_correlate
from convlab.methods import fft as fft_method

scipy_signal = require("scipy.signal", "scipy is the oracle for correlate/convolve and boundaries")

METHODS = ("auto", *convlab.METHODS)
MODES = ("valid", "same", "full")


def random_array(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return rng.integers(-9, 10, size=shape).astype(dtype)
    if dtype.kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def mode_size(n: int, k: int, mode: str) -> int:
    """The empty-signal rule: no cell from an empty axis, else the mode's formula."""
    if n == 0:
        return 0
    return {"valid": n - k + 1, "same": n, "full": n + k - 1}[mode]


# --------------------------------------------------------------------------
# empty signals
# --------------------------------------------------------------------------

EMPTY_CASES = [
    ((0,), (1,)), ((0,), (2,)), ((0,), (5,)),
    ((0, 4), (2, 2)), ((3, 0), (2, 2)), ((0, 0), (1, 3)),
    ((2, 0, 3), (1, 2, 2)), ((0, 5, 4), (3, 1, 2)),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("op", ["correlate", "convolve"])
@pytest.mark.parametrize("x_shape,w_shape", EMPTY_CASES)
def test_an_empty_signal_gives_an_empty_result_in_every_mode(op, mode, method, x_shape, w_shape):
    with unless_refused(method):
        expected = tuple(mode_size(n, k, mode) for n, k in zip(x_shape, w_shape))
        for dtype, result in [(np.float64, np.float64), (np.float32, np.float32), (np.int32, np.int64),
                              (np.complex128, np.complex128)]:
            y = getattr(convlab, op)(np.zeros(x_shape, dtype), np.ones(w_shape, dtype), mode, method=method)
            assert y.shape == expected and y.dtype == result and y.size == 0


@pytest.mark.parametrize("method", METHODS)
def test_the_issues_examples_agree(method):
    """convolve([], [7]) raised in 'full', convolve([], [7, 8]) gave [0.], correlate 'same' gave []."""
    with unless_refused(method):
        for mode in MODES:
            assert convlab.convolve([], [7], mode, method=method).shape == (0,)
            assert convlab.convolve([], [7, 8], mode, method=method).shape == (0,)
            assert convlab.correlate([], [7], mode, method=method).shape == (0,)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
@pytest.mark.parametrize("x_shape,w_shape", EMPTY_CASES)
def test_empty_signals_beside_scipy(x_shape, w_shape):
    """scipy.signal.convolve returns the same empty shape in 'same' (it raises in
    'full'); fftconvolve returns an empty array in every mode (of shape (0,))."""
    x, w = np.zeros(x_shape), np.ones(w_shape)
    np.testing.assert_array_equal(convlab.convolve(x, w, "same"), scipy_signal.convolve(x, w, "same"))
    for mode in MODES:
        assert scipy_signal.fftconvolve(x, w, mode).size == convlab.convolve(x, w, mode).size == 0


def test_an_empty_signal_still_checks_its_other_axes():
    """Emptiness is no excuse for a kernel that does not fit a non-empty axis in 'valid'."""
    with pytest.raises(ValueError, match=r"kernel too large: mode='valid' .* on axis 1 w has size 5 but x has size 4"):
        convlab.correlate(np.zeros((0, 4)), np.ones((2, 5)))
    assert convlab.correlate(np.zeros((0, 4)), np.ones((2, 5)), "full").shape == (0, 8)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("x", [np.zeros(0), np.ones(3)])
def test_an_empty_kernel_is_an_error_in_every_mode(mode, x):
    with pytest.raises(ValueError, match=r"w must not be empty; got shape \(0,\)"):
        convlab.convolve(x, np.ones(0), mode)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("mode", MODES)
def test_empty_signals_with_axes(method, mode):
    with unless_refused(method):
        w_row = np.ones((1, 3))
        assert convlab.convolve(np.zeros((0, 5)), w_row, mode, axes=1, method=method).shape == (0, mode_size(5, 3, mode))
        assert convlab.convolve(np.zeros((4, 0)), w_row, mode, axes=1, method=method).shape == (4, 0)
        assert convlab.convolve(np.zeros((4, 0)), np.ones((4, 3)), mode, axes=-1, method=method).shape == (4, 0)
        assert convlab.convolve(np.zeros((1, 0)), np.ones((4, 3)), mode, axes=1, method=method).shape == (4, 0)


# --------------------------------------------------------------------------
# axes=
# --------------------------------------------------------------------------

@st.composite
def axes_problems(draw):
    ndim = draw(st.integers(1, 3))
    mode = draw(st.sampled_from(MODES))
    conv = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    x_shape, w_shape = [], []
    for a in range(ndim):
        if a in conv:
            n = draw(st.integers(1, 9))
            k = draw(st.integers(1, n)) if mode == "valid" else draw(st.integers(1, 9))
        else:
            kind = draw(st.sampled_from(["equal", "x alone", "w alone"]))
            size = draw(st.integers(0 if kind == "x alone" else 1, 3))
            n, k = {"equal": (size, size), "x alone": (size, 1), "w alone": (1, size)}[kind]
        x_shape.append(n)
        w_shape.append(k)
    negative = draw(st.booleans())
    axes = tuple(a - ndim if negative else a for a in conv)
    if len(axes) == 1 and draw(st.booleans()):
        axes = axes[0]
    dtype = draw(st.sampled_from(["float64", "float32", "int64", "complex128"]))
    return tuple(x_shape), tuple(w_shape), sorted(conv), axes, mode, dtype, draw(st.integers(0, 2**32 - 1))


def signal_bound(x, w, conv_axes) -> float:
    """max|x| * the largest sum|w| over the convolved axes at one batch index."""
    if x.size == 0:
        return 0.0
    fan = np.abs(w).astype(np.float64).sum(axis=tuple(conv_axes)).max()
    return float(np.abs(x).max()) * float(fan)


def assert_close_to_oracle(got, want, method, dtype, oracle, bound, fan_in, length):
    assert got.shape == want.shape
    if np.dtype(dtype).kind in "iu":
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, np.rint(want.real).astype(np.int64))
        return
    err = float(np.max(np.abs(got - want), initial=0.0))
    record(method, dtype, oracle, err, bound)
    # the oracle is itself an FFT, in double precision: its own error is allowed for too;
    # auto may run either method
    ours = max(tolerance(m, dtype, bound, fan_in, length) for m in ({"auto": ("fft", "im2col")}.get(method) or (method,)))
    tol = ours + tolerance("fft", np.float64, bound, fan_in, length)
    assert err <= tol, (err, tol, bound)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("oracle", ["fftconvolve", "oaconvolve"])
@given(problem=axes_problems())
def test_axes_match_scipy(oracle, method, problem):
    with tolerating_refusal(method):
        x_shape, w_shape, conv, axes, mode, dtype, seed = problem
        rng = np.random.default_rng(seed)
        x, w = random_array(rng, x_shape, dtype), random_array(rng, w_shape, dtype)
        wide = np.complex128 if np.dtype(dtype).kind == "c" else np.float64
        reference = getattr(scipy_signal, oracle)
        conv_got = convlab.convolve(x, w, mode, axes=axes, method=method)
        corr_got = convlab.correlate(x, w, mode, axes=axes, method=method)
        expected = tuple(mode_size(n, k, mode) if a in conv else max(n, k) * (n != 0 and k != 0)
                         for a, (n, k) in enumerate(zip(x_shape, w_shape)))
        for got in (conv_got, corr_got):
            assert got.shape == expected
            assert got.dtype == (np.int64 if np.dtype(dtype).kind in "iu" else np.dtype(dtype))
        if x.size == 0:                      # scipy returns shape (0,) for an empty operand
            return
        # scipy's 'same' crops every axis to x's size, the broadcast ones too (keeping w's middle
        # batch row); convlab broadcasts them, so x is broadcast first for the oracle
        xb = np.broadcast_to(x, tuple(n if a in conv else max(n, k) for a, (n, k) in enumerate(zip(x_shape, w_shape))))
        conv_want = reference(xb.astype(wide), w.astype(wide), mode, axes=axes)
        # correlation is convolution with the kernel flipped on the convolved axes and conjugated
        corr_want = reference(xb.astype(wide), np.conj(np.flip(w, axis=tuple(conv))).astype(wide), mode, axes=axes)
        bound = signal_bound(x, w, conv)
        fan_in = math.prod(w_shape[a] for a in conv)
        length = math.prod(x_shape[a] + w_shape[a] - 1 for a in conv)
        assert_close_to_oracle(conv_got, conv_want, method, dtype, oracle, bound, fan_in, length)
        assert_close_to_oracle(corr_got, corr_want, method, dtype, oracle, bound, fan_in, length)


def test_same_broadcasts_the_other_axes_where_scipy_crops_them():
    """A documented difference: with w's batch axis larger than x's, scipy's 'same'
    keeps x's size there (w's middle row only); convlab keeps every row."""
    x, w = np.arange(5.0).reshape(1, 5), np.array([[1.0, 1.0], [1.0, -1.0], [0.0, 2.0]])
    got = convlab.convolve(x, w, "same", axes=1)
    assert got.shape == (3, 5)
    np.testing.assert_allclose(scipy_signal.fftconvolve(x, w, "same", axes=1), got[1:2], atol=1e-12)
    for row, k in zip(got, w):
        np.testing.assert_array_equal(row, convlab.convolve(x[0], k, "same"))


def test_axes_none_is_every_axis_and_order_does_not_matter():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((4, 5, 6)), rng.standard_normal((2, 3, 2))
    every = convlab.convolve(x, w)
    for axes in [(0, 1, 2), (2, 0, 1), (-1, -3, 1)]:
        np.testing.assert_array_equal(convlab.convolve(x, w, axes=axes), every)


def test_filtering_every_row_of_a_batch():
    """The common case: one kernel for every row, or a kernel per row."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((6, 50))
    w = rng.standard_normal((1, 7))
    for mode in MODES:
        rows = np.stack([convlab.convolve(row, w[0], mode) for row in x])
        np.testing.assert_allclose(convlab.convolve(x, w, mode, axes=1), rows, atol=1e-12)
        own = rng.standard_normal((6, 7))
        rows = np.stack([convlab.correlate(row, k, mode) for row, k in zip(x, own)])
        np.testing.assert_allclose(convlab.correlate(x, own, mode, axes=-1), rows, atol=1e-12)


@pytest.mark.parametrize("x_shape,w_shape,axes,x_problem,w_problem,groups", [
    ((8, 50), (1, 5), 1, (8, 1, 50), (1, 1, 5), 1),               # x's rows: the batch
    ((8, 50), (8, 5), 1, (1, 8, 50), (8, 1, 5), 8),               # a kernel per row: groups
    ((1, 50), (8, 5), 1, (1, 1, 50), (8, 1, 5), 1),               # w's rows: output channels
    ((50, 8), (5, 1), 0, (8, 1, 50), (1, 1, 5), 1),               # the batch last
    ((3, 4, 20, 1), (1, 4, 6, 2), (2,), (3, 4, 20), (8, 1, 6), 4),  # all three at once
])
def test_batch_axes_become_the_batch_groups_and_channels(x_shape, w_shape, axes, x_problem, w_problem, groups):
    """axes= runs as one convnd problem (no Python loop over rows): x's batch axes are
    its batch N, the axes both share its groups, w's its output channels."""
    problem, layout = prepare_correlate(np.ones(x_shape), np.ones(w_shape), "full", "im2col", axes)
    assert problem.x.shape == x_problem and problem.w.shape == w_problem
    assert problem.geometry.groups == groups
    assert np.prod(layout.shape) == math.prod(problem.geometry.out_spatial) * x_problem[0] * w_problem[0]


# ---- bad axes: one test per bad input -------------------------------------------------

def test_axes_out_of_range():
    with pytest.raises(ValueError, match=r"axes must be ints in -2\.\.1 for arrays of 2 dimensions; got \(0, 2\), which holds 2"):
        convlab.convolve(np.ones((2, 3)), np.ones((1, 2)), axes=(0, 2))


def test_axes_repeated():
    with pytest.raises(ValueError, match=r"axes must name distinct axes; got \(1, -1\), which names axis 1 twice"):
        convlab.correlate(np.ones((2, 3)), np.ones((1, 2)), axes=(1, -1))


def test_axes_not_ints():
    with pytest.raises(TypeError, match=r"axes must be None, an int or a non-empty tuple of distinct ints; got 1\.0, which holds 1\.0 of type float"):
        convlab.convolve(np.ones((2, 3)), np.ones((1, 2)), axes=1.0)
    with pytest.raises(TypeError, match=r"got \(0, True\), which holds True of type bool"):
        convlab.convolve(np.ones((2, 3)), np.ones((1, 2)), axes=(0, True))


def test_axes_empty():
    with pytest.raises(ValueError, match=r"axes must be None, an int or a non-empty tuple of distinct ints: at least one axis to convolve over; got \(\)"):
        convlab.convolve(np.ones((2, 3)), np.ones((1, 2)), axes=())


def test_axes_other_axes_not_broadcastable():
    with pytest.raises(ValueError, match=r"x and w must have equal sizes, or size 1 in one of them, on every axis not in "
                                         r"axes=\(1,\) .* got x of shape \(3, 5\) and w of shape \(2, 2\), sizes 3 and 2 on axis 0"):
        convlab.convolve(np.ones((3, 5)), np.ones((2, 2)), axes=1)


def test_axes_need_the_same_number_of_dimensions():
    """As in scipy.signal.fftconvolve: no broadcasting of missing axes."""
    with pytest.raises(ValueError, match=r"x and w must have the same number of dimensions"):
        convlab.convolve(np.ones((3, 5)), np.ones(2), axes=1)


def test_axes_valid_kernel_too_large_names_the_callers_axis():
    with pytest.raises(ValueError, match=r"kernel too large: mode='valid' .* on axis 2 w has size 4 but x has size 3"):
        convlab.correlate(np.ones((2, 5, 3)), np.ones((2, 1, 4)), axes=2)


# --------------------------------------------------------------------------
# boundaries: padding_mode
# --------------------------------------------------------------------------

NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap",
              "symmetric": "symmetric"}


def valid_correlation(xp, w, stride, dilation, groups):
    """The unpadded convnd, with numpy alone: strided windows and one einsum."""
    nd = w.ndim - 2
    spatial = tuple(range(2, 2 + nd))
    span = tuple(d * (k - 1) + 1 for k, d in zip(w.shape[2:], dilation))
    win = sliding_window_view(xp, span, axis=spatial)                # (N, C, *positions, *span)
    win = win[(Ellipsis, *(slice(None, None, d) for d in dilation))]  # the taps
    win = win[(slice(None), slice(None), *(slice(None, None, s) for s in stride))]
    n_batch, c_in = xp.shape[:2]
    out = win.shape[2:2 + nd]
    c_out, c_g = w.shape[:2]
    cols = win.reshape(n_batch, groups, c_g, math.prod(out), -1)
    wg = w.reshape(groups, c_out // groups, c_g, -1)
    return np.einsum("ngcpk,gock->ngop", cols, wg).reshape(n_batch, c_out, *out)


@st.composite
def boundary_problems(draw):
    nd = draw(st.integers(1, 3))
    mode = draw(st.sampled_from(["reflect", "replicate", "circular", "symmetric"]))
    groups = draw(st.integers(1, 2))
    sizes = tuple(draw(st.integers(1, {1: 7, 2: 4, 3: 3}[nd])) for _ in range(nd))
    most = [n - 1 if mode == "reflect" else 3 * n for n in sizes]
    pads = tuple((draw(st.integers(0, m)), draw(st.integers(0, m))) for m in most)
    k = []
    for n, (lo, hi) in zip(sizes, pads):
        k.append(draw(st.integers(1, min(3, n + lo + hi))))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    dtype = draw(st.sampled_from(["float64", "int64", "complex128"]))
    return nd, mode, groups, sizes, pads, tuple(k), stride, dtype, draw(st.integers(0, 2**32 - 1))


@pytest.mark.parametrize("method", convlab.METHODS)
@given(p=boundary_problems())
def test_padding_modes_match_numpy_pad_then_a_valid_correlation(method, p):
    with tolerating_refusal(method):
        nd, mode, groups, sizes, pads, k, stride, dtype, seed = p
        rng = np.random.default_rng(seed)
        x = random_array(rng, (2, 2 * groups, *sizes), dtype)
        w = random_array(rng, (2 * groups, 2, *k), dtype)
        want = valid_correlation(np.pad(x, ((0, 0), (0, 0), *pads), mode=NUMPY_MODE[mode]), w, stride, (1,) * nd,
                                 groups)
        got = convlab.convnd(x, w, padding=pads, stride=stride, groups=groups, padding_mode=mode, method=method)
        assert got.shape == want.shape
        if np.dtype(dtype).kind in "iu":
            np.testing.assert_array_equal(got, want)
            return
        bound = error_bound(x, w)
        length = math.prod(n + lo + hi for n, (lo, hi) in zip(sizes, pads))
        err = float(np.max(np.abs(got - want), initial=0.0))
        record(method, dtype, "numpy.pad", err, bound)
        assert err <= tolerance(method, dtype, bound, w[0].size, length)


@pytest.mark.parametrize("method", convlab.METHODS)
@pytest.mark.parametrize("boundary,padding_mode", [("symm", "symmetric"), ("wrap", "circular")])
@pytest.mark.parametrize("mode", ["full", "same"])
@pytest.mark.parametrize("x_shape,k_shape", [((5, 6), (3, 3)), ((4, 5), (2, 4)), ((2, 3), (5, 6)), ((1, 1), (4, 3)),
                                             ((3, 2), (7, 8))])
def test_symmetric_and_circular_match_scipy_convolve2d(method, boundary, padding_mode, mode, x_shape, k_shape):
    """scipy.signal.convolve2d's boundary="symm"/"wrap", kernels wider than the image included."""
    with unless_refused(method):
        rng = np.random.default_rng(11)
        x, w = rng.standard_normal(x_shape), rng.standard_normal(k_shape)
        want = scipy_signal.convolve2d(x, w, mode=mode, boundary=boundary)
        if mode == "full":
            pads = tuple((k - 1, k - 1) for k in k_shape)
        else:                     # scipy's centring of 'same' (the extra cell of an even kernel before)
            pads = tuple((k - 1 - (k - 1) // 2, (k - 1) // 2) for k in k_shape)
        got = convlab.conv2d(x[None, None], np.flip(w)[None, None], padding=pads, padding_mode=padding_mode,
                             method=method)[0, 0]
        bound = error_bound(x, w)
        assert got.shape == want.shape
        assert np.max(np.abs(got - want)) <= tolerance(method, np.float64, bound, w.size, got.size) + 4e-16 * bound


@pytest.mark.parametrize("method", convlab.METHODS)
def test_modes_torch_has_match_torch(method):
    """replicate at any width, circular up to one wrap, reflect up to n - 1: torch's F.pad."""
    with unless_refused(method):
        torch = require("torch", "torch is the oracle for its padding modes")
        F = torch.nn.functional
        rng = np.random.default_rng(12)
        x = rng.standard_normal((2, 3, 4, 5))
        w = rng.standard_normal((2, 3, 2, 3))
        for mode, pads in [("replicate", ((7, 1), (2, 9))), ("circular", ((4, 4), (5, 3))), ("reflect", ((3, 0), (1, 4)))]:
            flat = [v for pair in reversed(pads) for v in pair]
            want = F.conv2d(F.pad(torch.tensor(x), flat, mode=mode), torch.tensor(w)).numpy()
            got = convlab.conv2d(x, w, padding=pads, padding_mode=mode, method=method)
            np.testing.assert_allclose(got, want, atol=1e-12 * error_bound(x, w))


def test_circular_wider_than_the_input_where_torch_refuses():
    """The documented difference: numpy's wrap (and convlab) wrap again, torch refuses."""
    torch = require("torch", "torch is the oracle for its padding modes")
    x = np.arange(3.0).reshape(1, 1, 3)
    with pytest.raises(RuntimeError, match="wrapping around more than once"):
        torch.nn.functional.pad(torch.tensor(x), (4, 4), mode="circular")
    got = convlab.conv1d(x, np.ones((1, 1, 1)), padding=4, padding_mode="circular")[0, 0]
    np.testing.assert_array_equal(got, np.pad(x[0, 0], 4, mode="wrap"))


@pytest.mark.parametrize("mode", ["symmetric", "circular"])
def test_unfold_takes_the_new_boundaries(mode):
    x = np.arange(1.0, 4.0).reshape(1, 1, 3)
    cols = convlab.unfold(x, (1,), padding=5, padding_mode=mode)
    np.testing.assert_array_equal(cols[0, 0], np.pad(x[0, 0], 5, mode=NUMPY_MODE[mode]))


# --------------------------------------------------------------------------
# float32 FFT precision
# --------------------------------------------------------------------------

# (x shape, w shape): 1-D and 2-D, small and large kernels, one and several channels;
# those of benchmarks/float32_accuracy.py where the fft is computed in double
# precision, or where `auto` picks the fft in float32.
FLOAT32_SHAPES = [
    ((1, 1, 1000), (1, 1, 3)),
    ((1, 1, 1000), (1, 1, 31)),
    ((1, 1, 1000), (1, 1, 301)),
    ((1, 1, 100_000), (1, 1, 31)),
    ((1, 1, 100_000), (1, 1, 513)),
    ((4, 8, 2048), (8, 8, 65)),
    ((1, 1, 64, 64), (1, 1, 3, 3)),
    ((1, 1, 64, 64), (1, 1, 15, 15)),
    ((1, 1, 128, 128), (1, 1, 9, 9)),
    ((1, 1, 256, 256), (1, 1, 15, 15)),
    ((1, 1, 256, 256), (1, 1, 31, 31)),
    ((2, 3, 32, 32), (4, 3, 3, 3)),
    ((1, 3, 128, 128), (8, 3, 11, 11)),
]


def relative_error(y, ref, x, w) -> float:
    return float(np.abs(y.astype(np.float64) - ref).max()) / error_bound(x, w)


def fft_and_im2col_errors(x_shape, w_shape, seeds=(0, 1, 2)):
    worst = {"fft": 0.0, "im2col": 0.0}
    for seed in seeds:
        rng = np.random.default_rng(seed)
        x = rng.standard_normal(x_shape).astype(np.float32)
        w = rng.standard_normal(w_shape).astype(np.float32)
        ref = convlab.convnd(x.astype(np.float64), w.astype(np.float64), method="im2col")
        for method in worst:
            y = convlab.convnd(x, w, method=method)
            assert y.dtype == np.float32
            worst[method] = max(worst[method], relative_error(y, ref, x, w))
    return worst


@pytest.mark.parametrize("x_shape,w_shape", FLOAT32_SHAPES)
def test_float32_fft_errs_at_most_twice_as_much_as_im2col(x_shape, w_shape):
    x, w = np.ones(x_shape, np.float32), np.ones(w_shape, np.float32)
    problem, _ = prepare_conv(x, w, None, nd=len(x_shape) - 2, stride=1, padding=0, dilation=1, groups=1,
                              padding_mode="zeros", method="fft")
    double = _engine.compute_dtype(problem, "fft") == np.float64
    assert double == (fft_method.fft_points(problem) <= fft_method.FFT_DOUBLE_POINTS)
    assert double or convlab.choose_method(x, w) == "fft"      # the shapes the docstring speaks of
    e = fft_and_im2col_errors(x_shape, w_shape)
    record("fft", np.float32, "float64", e["fft"], 1.0)
    assert e["fft"] <= 2 * e["im2col"], e
    if double:    # only the rounding of the result to float32 is left
        assert e["fft"] <= e["im2col"], e


@pytest.mark.parametrize("x_shape,w_shape", [s for s in FLOAT32_SHAPES if math.prod(s[0]) <= 4096])
def test_double_precision_transforms_are_more_accurate(x_shape, w_shape):
    """Why the rule: on the small shapes float32 transforms (forced) err more than the rule's."""
    rule = fft_and_im2col_errors(x_shape, w_shape)
    with mock.patch.object(fft_method, "FFT_DOUBLE_POINTS", -1):
        single = fft_and_im2col_errors(x_shape, w_shape)
    assert rule["fft"] < single["fft"], (rule, single)


def test_a_short_kernel_forced_through_a_large_float32_fft():
    """The documented limit of the rule: a 3-tap kernel on a long float32 signal, forced
    through the fft, is transformed in float32 (too large for double) and errs up to
    about 3x im2col's; auto runs im2col there."""
    x, w = np.ones((1, 1, 100_000), np.float32), np.ones((1, 1, 3), np.float32)
    problem, _ = prepare_conv(x, w, None, nd=1, stride=1, padding=0, dilation=1, groups=1,
                              padding_mode="zeros", method="fft")
    assert _engine.compute_dtype(problem, "fft") == np.float32
    assert convlab.choose_method(x, w) == "im2col"
    e = fft_and_im2col_errors(x.shape, w.shape)
    assert e["fft"] <= 4 * e["im2col"], e


@pytest.mark.parametrize("x_dtype", [np.int8, np.int16, np.uint8])
def test_an_integer_operand_with_a_float32_one_is_transformed_in_double(x_dtype):
    """numpy promotes (int8|int16|uint8, float32) to float32; SciPy's fftconvolve transforms
    the integers in double (the float32 kernel in float32), convlab both, whatever the
    size: the float32 result is the double-precision one rounded."""
    rng = np.random.default_rng(13)
    x = rng.integers(0, 100, size=(1, 1, 100_000)).astype(x_dtype)
    w = rng.standard_normal((1, 1, 31)).astype(np.float32)
    problem, _ = prepare_conv(x, w, None, nd=1, stride=1, padding=0, dilation=1, groups=1,
                              padding_mode="zeros", method="fft")
    assert fft_method.fft_points(problem) > fft_method.FFT_DOUBLE_POINTS
    assert _engine.compute_dtype(problem, "fft") == np.float64
    got = convlab.conv1d(x, w, method="fft")
    assert got.dtype == np.float32
    ref = convlab.conv1d(x.astype(np.float64), w.astype(np.float64), method="im2col")
    # only the rounding to float32 is left: within one float32 spacing of the exact value
    spacing = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    assert np.all(np.abs(got - ref) <= spacing + 1e-12 * error_bound(x, w))
    scipy_ref = scipy_signal.fftconvolve(x[0, 0], w[0, 0, ::-1], "valid")
    assert scipy_ref.dtype == np.float64
    bound = error_bound(x, w)
    assert np.abs(got[0, 0] - scipy_ref).max() <= tolerance("fft", np.float32, bound, 31, x.size)


@pytest.mark.parametrize("dtype,computed", [(np.float32, np.float64), (np.float16, np.float64),
                                            (np.complex64, np.complex128), (np.float64, np.float64)])
def test_small_single_precision_ffts_compute_in_double(dtype, computed):
    x, w = np.ones((1, 2, 64), dtype), np.ones((3, 2, 5), dtype)
    problem, _ = prepare_conv(x, w, None, nd=1, stride=1, padding=0, dilation=1, groups=1,
                              padding_mode="zeros", method="fft")
    assert _engine.compute_dtype(problem, "fft") == computed
    assert _engine.compute_dtype(problem, "im2col") == (np.float32 if dtype == np.float16 else dtype)
    assert convlab.conv1d(x, w, method="fft").dtype == dtype
