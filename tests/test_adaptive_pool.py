"""Adaptive pooling and its gradients against torch and torch.autograd.

* values, indices (torch's flat plane index) and gradients of
  ``adaptive_max_pool1d/2d/3d`` and ``adaptive_avg_pool1d/2d/3d`` over random
  input and output sizes (smaller, equal and larger than the input, ``None``
  entries), batched and unbatched, float32/float64 and integers, ties (values
  0..2) and NaN/-inf: max pooling must take torch's cell, not merely its value;
* the windows against a plain reading of torch's rule, cell by cell;
* the tie rule and the window rule each shown catching a deliberately wrong
  implementation (the column maximum taken before the row maximum; windows
  ending at ``floor`` instead of ``ceil``);
* memory: scratch within a few times the input; bad input.
"""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import record, require
from tolerance import tolerance

import convlab
from convlab.adaptive import adaptive_windows

torch = require("torch", "oracle for adaptive pooling")
F = torch.nn.functional

DTYPES = ["float64", "float32", "int64", "int32"]


@st.composite
def adaptive_cases(draw):
    nd = draw(st.integers(1, 3))
    hi = {1: 12, 2: 8, 3: 5}[nd]
    spatial = tuple(draw(st.integers(1, hi)) for _ in range(nd))
    out = tuple(draw(st.one_of(st.integers(1, hi + 2), st.none())) if nd > 1 else draw(st.integers(1, hi + 2))
                for _ in range(nd))
    output_size = out[0] if len(set(out)) == 1 and out[0] is not None and draw(st.booleans()) else out
    batch = draw(st.one_of(st.none(), st.integers(1, 2)))                  # None: unbatched
    chans = draw(st.integers(1, 3))
    shape = ((chans,) if batch is None else (batch, chans)) + spatial
    return dict(nd=nd, shape=shape, output_size=output_size, dtype=draw(st.sampled_from(DTYPES)),
                ties=draw(st.booleans()), seed=draw(st.integers(0, 2**32 - 1)))


def make_input(case, rng):
    dtype = np.dtype(case["dtype"])
    if case["ties"]:
        return rng.integers(0, 3, size=case["shape"]).astype(dtype)
    if dtype.kind in "iu":
        return rng.integers(-50, 51, size=case["shape"]).astype(dtype)
    return rng.standard_normal(case["shape"]).astype(dtype)


def float_dtype(dtype):
    dtype = np.dtype(dtype)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def largest_window(case) -> int:
    """The most cells one window holds: the largest count of cells any output reads, counted
    cell by cell from the rule's definition (the first cell >= i*n/m, the last < (i+1)*n/m)."""
    spatial = case["shape"][-case["nd"]:]
    out = case["output_size"]
    out = (out,) * case["nd"] if not isinstance(out, tuple) else out
    most = 1
    for n, m in zip(spatial, out):
        m = n if m is None else m
        most *= max(sum(1 for j in range(n) if i * n < (j + 1) * m and j * m < (i + 1) * n)
                    for i in range(m))
    return most


def check_close(got, want, name, dtype, which, bound, fan_in):
    assert got.shape == want.shape
    err = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)), initial=0.0))
    record(name, dtype, which, err, bound)
    assert err <= tolerance("im2col", float_dtype(dtype), bound, fan_in, 1), (err, bound)


def check_max_against_torch(pool, case, x=None):
    """``pool`` (adaptive_max_pool{nd}d's signature): values exactly, indices exactly."""
    x = make_input(case, np.random.default_rng(case["seed"])) if x is None else x
    y, index = pool(x, case["output_size"], return_indices=True)
    want, want_index = getattr(F, f"adaptive_max_pool{case['nd']}d")(
        torch.from_numpy(x.astype(float_dtype(x.dtype))), case["output_size"], return_indices=True)
    assert y.dtype == x.dtype and index.dtype == np.int64
    np.testing.assert_array_equal(y, want.numpy().astype(x.dtype))        # a selection: exact
    np.testing.assert_array_equal(index, want_index.numpy())              # and the same cell


@given(case=adaptive_cases())
def test_adaptive_max_pool_matches_torch(case):
    nd = case["nd"]
    check_max_against_torch(getattr(convlab, f"adaptive_max_pool{nd}d"), case)
    x = make_input(case, np.random.default_rng(case["seed"]))
    y = getattr(convlab, f"adaptive_max_pool{nd}d")(x, case["output_size"])
    np.testing.assert_array_equal(y, getattr(convlab, f"adaptive_max_pool{nd}d")(
        x, case["output_size"], return_indices=True)[0])
    record(f"amax{nd}d", x.dtype, "ties" if case["ties"] else "torch", 0.0, 1.0)


@given(case=adaptive_cases())
def test_adaptive_max_pool_gradient_matches_torch_autograd(case):
    rng = np.random.default_rng(case["seed"])
    x = make_input(case, rng)
    nd = case["nd"]
    dtype = float_dtype(x.dtype)
    t = torch.tensor(x.astype(dtype), requires_grad=True)                # torch has no integer gradients
    y = getattr(F, f"adaptive_max_pool{nd}d")(t, case["output_size"])
    g = rng.standard_normal(tuple(y.shape)).astype(dtype)
    y.backward(torch.from_numpy(g))
    got = getattr(convlab, f"adaptive_max_pool{nd}d_backward")(g, x, case["output_size"])
    assert got.shape == x.shape and got.dtype == dtype
    fan_in = math.prod(y.shape[-nd:])               # the outputs that can take one cell, at the most
    check_close(got, t.grad.numpy(), f"amax{nd}d_b", x.dtype, "torch", fan_in * np.abs(g).max(), fan_in)


@given(case=adaptive_cases(), holes=st.integers(1, 4))
def test_adaptive_max_pool_nan_and_infinities_as_torch(case, holes):
    """A NaN is the maximum, the last NaN of a window takes the index and the gradient; a window
    of -inf takes its first cell."""
    case["dtype"] = "float64" if case["dtype"] in ("int64", "float64") else "float32"
    rng = np.random.default_rng(case["seed"])
    x = make_input(case, rng)
    flat = x.reshape(-1)
    for value in (np.nan, -np.inf, np.inf):
        flat[rng.integers(0, flat.size, size=holes)] = value
    nd = case["nd"]
    check_max_against_torch(getattr(convlab, f"adaptive_max_pool{nd}d"), case, x)
    t = torch.tensor(x, requires_grad=True)
    y = getattr(F, f"adaptive_max_pool{nd}d")(t, case["output_size"])
    g = rng.standard_normal(tuple(y.shape)).astype(x.dtype)
    y.backward(torch.from_numpy(g))
    got = getattr(convlab, f"adaptive_max_pool{nd}d_backward")(g, x, case["output_size"])
    fan_in = g.size
    check_close(got, t.grad.numpy(), f"amax{nd}d_b", x.dtype, "nan", fan_in * np.abs(g).max(), fan_in)


@given(case=adaptive_cases())
def test_adaptive_avg_pool_matches_torch(case):
    rng = np.random.default_rng(case["seed"])
    x = make_input(case, rng)
    nd = case["nd"]
    y = getattr(convlab, f"adaptive_avg_pool{nd}d")(x, case["output_size"])
    dtype = float_dtype(x.dtype)
    assert y.dtype == dtype
    want = getattr(F, f"adaptive_avg_pool{nd}d")(torch.from_numpy(x.astype(dtype)), case["output_size"])
    k = largest_window(case)
    check_close(y, want.numpy(), f"aavg{nd}d", x.dtype, "torch", float(np.abs(x).max()), k)


@given(case=adaptive_cases())
def test_adaptive_avg_pool_gradient_matches_torch_autograd(case):
    rng = np.random.default_rng(case["seed"])
    x = make_input(case, rng)
    nd = case["nd"]
    dtype = float_dtype(x.dtype)
    t = torch.tensor(x.astype(dtype), requires_grad=True)
    y = getattr(F, f"adaptive_avg_pool{nd}d")(t, case["output_size"])
    g = rng.standard_normal(tuple(y.shape)).astype(dtype)
    y.backward(torch.from_numpy(g))
    got = getattr(convlab, f"adaptive_avg_pool{nd}d_backward")(g, x, case["output_size"])
    assert got.shape == x.shape and got.dtype == dtype
    fan_in = math.prod(y.shape[-nd:])
    check_close(got, t.grad.numpy(), f"aavg{nd}d_b", x.dtype, "torch", fan_in * np.abs(g).max(), fan_in)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_nan_propagates_through_average_pooling_as_in_torch(nd):
    x = np.random.default_rng(nd).standard_normal((1, 2, *(5,) * nd))
    x[(0, 0, *(1,) * nd)] = np.nan
    x[(0, 1, *(3,) * nd)] = np.inf
    y = getattr(convlab, f"adaptive_avg_pool{nd}d")(x, 3)
    want = getattr(F, f"adaptive_avg_pool{nd}d")(torch.from_numpy(x), 3).numpy()
    np.testing.assert_array_equal(np.isnan(y), np.isnan(want))
    np.testing.assert_array_equal(np.isinf(y), np.isinf(want))
    assert np.isnan(y).sum() == 2 ** nd            # the two windows along each axis holding cell 1


@pytest.mark.parametrize("n, m", [(n, m) for n in range(1, 12) for m in range(1, 14)])
def test_windows_follow_torchs_rule_cell_by_cell(n, m):
    """Output i holds cell j iff floor(i*n/m) <= j < ceil((i+1)*n/m), read as i*n <= j*m + m - 1 and
    j*m < (i+1)*n (integers only): the windows cover the axis and neighbours share at most one cell."""
    start, stop = adaptive_windows(n, m)
    for i in range(m):
        held = [j for j in range(n) if i * n < (j + 1) * m and j * m < (i + 1) * n]
        assert (start[i], stop[i]) == (held[0], held[-1] + 1)
    assert set(range(n)) == {j for a, b in zip(start, stop) for j in range(a, b)}


def test_the_torch_check_catches_the_columns_reduced_first():
    """Reducing the first axis before the last picks, among tied maxima, the first in
    column-major order: the values are right, the indices are not."""
    case = dict(nd=2, shape=(1, 1, 5, 5), output_size=(2, 2), dtype="float64", ties=True, seed=0)
    x = np.array([[[[0, 2, 0, 0, 0], [2, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]]], float)

    def columns_first(a, output_size, return_indices=False):
        transposed = convlab.adaptive_max_pool2d(a.swapaxes(-1, -2), output_size[::-1], return_indices=True)
        y, index = (v.swapaxes(-1, -2) for v in transposed)
        rows, cols = np.divmod(index, a.shape[-2])                         # flat in the transposed plane
        return y, cols * a.shape[-1] + rows

    check_max_against_torch(convlab.adaptive_max_pool2d, case, x)
    np.testing.assert_array_equal(columns_first(x, (2, 2))[0], convlab.adaptive_max_pool2d(x, (2, 2)))
    with pytest.raises(AssertionError):
        check_max_against_torch(columns_first, case, x)


def test_the_torch_check_catches_windows_ending_at_floor():
    """Windows [floor(i*n/m), floor((i+1)*n/m)) tile the axis without overlap: a classic mistake."""
    case = dict(nd=1, shape=(1, 1, 5), output_size=3, dtype="float64", ties=False, seed=0)
    x = np.array([[[0.0, 1.0, 9.0, 1.0, 0.0]]])

    def floor_windows(a, output_size, return_indices=False):
        n, m = a.shape[-1], output_size
        parts = [a[..., i * n // m:(i + 1) * n // m] for i in range(m)]
        y = np.stack([p.max(axis=-1) for p in parts], axis=-1)
        index = np.stack([p.argmax(axis=-1) + i * n // m for i, p in enumerate(parts)], axis=-1)
        return y, index

    check_max_against_torch(convlab.adaptive_max_pool1d, case, x)
    with pytest.raises(AssertionError):
        check_max_against_torch(floor_windows, case, x)


def test_empty_batch_and_integer_input():
    y, index = convlab.adaptive_max_pool2d(np.ones((0, 3, 5, 5)), (2, 3), return_indices=True)
    assert y.shape == index.shape == (0, 3, 2, 3)
    assert convlab.adaptive_avg_pool1d(np.ones((0, 2, 4)), 2).shape == (0, 2, 2)
    assert convlab.adaptive_max_pool1d_backward(np.ones((0, 2, 2)), np.ones((0, 2, 4)), 2).shape == (0, 2, 4)
    x = np.array([[2**62, 2**62 - 1, 3]], dtype=np.int64)           # exact beyond float64's 2**53
    assert convlab.adaptive_max_pool1d(x, 2)[0, 1] == 2**62 - 1
    assert convlab.adaptive_avg_pool1d(np.array([[1, 2]], dtype=np.int8), 1).dtype == np.float64


@pytest.mark.parametrize("spatial, output_size", [((64, 64), 63), ((8, 8), 64), ((56, 56), 7)])
def test_scratch_memory_stays_near_the_cap(spatial, output_size):
    """Chunks of planes under im2col_max_bytes: pooling 64 -> 63 (two-cell windows, overlapping),
    8 -> 64 (every cell repeated) and 56 -> 7 use scratch of about the cap whatever the input's size,
    and give the unchunked result."""
    x = np.random.default_rng(0).standard_normal((4, 32, *spatial))
    cap = 2**20
    for pool, kwargs in ((convlab.adaptive_avg_pool2d, {}), (convlab.adaptive_max_pool2d, {"return_indices": True})):
        want = pool(x, output_size, **kwargs)
        with convlab.options(im2col_max_bytes=cap):
            tracemalloc.start()
            got = pool(x, output_size, **kwargs)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        result = sum(a.nbytes for a in got) if isinstance(got, tuple) else got.nbytes
        assert peak - result <= 2 * cap, (pool.__name__, (peak - result) / cap)
        for a, b in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("call, error, match", [
    (lambda: convlab.adaptive_avg_pool2d(np.ones((1, 4, 4)), 0), ValueError,
     r"output_size must be a positive int or None, or a tuple of 2 of them for adaptive_avg_pool2d; got 0 \(torch returns an empty array"),
    (lambda: convlab.adaptive_max_pool2d(np.ones((1, 4, 4)), (2, -1)), ValueError, r"got \(2, -1\)"),
    (lambda: convlab.adaptive_max_pool3d(np.ones((1, 4, 4, 4)), (2, 2)), ValueError,
     r"a tuple of 3 of them for adaptive_max_pool3d; got \(2, 2\) of length 2"),
    (lambda: convlab.adaptive_avg_pool1d(np.ones((1, 4)), 2.0), TypeError, r"got 2\.0 \(an entry of type float\)"),
    (lambda: convlab.adaptive_avg_pool1d(np.ones((1, 4)), True), TypeError, r"an entry of type bool"),
    (lambda: convlab.adaptive_avg_pool2d(np.ones((1, 0, 4)), 2), ValueError,
     r"x must have at least one channel and one cell per spatial axis for adaptive_avg_pool2d; got shape \(1, 0, 4\)"),
    (lambda: convlab.adaptive_max_pool2d(np.ones((0, 4, 4)), 2), ValueError, r"at least one channel"),
    (lambda: convlab.adaptive_max_pool2d(np.ones(4), 2), ValueError, r"x must have shape \(N, C, \*spatial\) or \(C, \*spatial\)"),
    (lambda: convlab.adaptive_max_pool1d(np.ones((1, 4), complex), 2), TypeError, r"real numeric array"),
    (lambda: convlab.adaptive_max_pool1d(np.ones((1, 4)), 2, return_indices=1), TypeError, r"return_indices must be True or False"),
    (lambda: convlab.adaptive_avg_pool1d_backward(np.ones((1, 3)), np.ones((1, 4)), 2), ValueError,
     r"grad_output must have the shape of adaptive_avg_pool1d's output, \(1, 2\); got shape \(1, 3\)"),
    (lambda: convlab.adaptive_max_pool2d_backward(np.ones((1, 4, 2)), np.ones((1, 4, 4)), (None, 2)), None, None),
])
def test_adaptive_bad_input(call, error, match):
    if error is None:                                    # None keeps the axis: (4, 2) is the right shape
        assert call().shape == (1, 4, 4)
        return
    with pytest.raises(error, match=match):
        call()
