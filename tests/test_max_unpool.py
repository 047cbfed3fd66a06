"""max_unpool1d/2d/3d against torch, against max pooling's gradient, and with bad input.

* the indices of ``convlab.max_pool{1,2,3}d(..., return_indices=True)`` over
  random kernels, strides (overlapping windows, ties: one cell named by
  several windows, with its own value), padding, batched and unbatched,
  with and without ``output_size`` (spatial or whole shape), exactly as
  ``torch.nn.functional.max_unpool{1,2,3}d``;
* arbitrary distinct indices, exactly as torch;
* where windows do not overlap, unpooling the output's gradient with the
  indices *is* max pooling's input gradient (``max_pool*d_backward``);
* an unpooling that puts each value at its window's first cell is caught.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from support import require

import convlab

torch = require("torch", "oracle for max unpooling")
F = torch.nn.functional


@st.composite
def unpool_cases(draw):
    nd = draw(st.integers(1, 3))
    kernel = tuple(draw(st.integers(1, {1: 4, 2: 3, 3: 2}[nd])) for _ in range(nd))
    stride = None if draw(st.booleans()) else tuple(draw(st.integers(1, k + 1)) for k in kernel)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    spatial = tuple(draw(st.integers(max(1, k - 2 * p), max(1, k - 2 * p) + {1: 8, 2: 5, 3: 3}[nd]))
                    for k, p in zip(kernel, padding))
    batch = draw(st.one_of(st.none(), st.integers(1, 2)))
    chans = draw(st.integers(1, 3))
    shape = ((chans,) if batch is None else (batch, chans)) + spatial
    return dict(nd=nd, kernel=kernel, stride=stride, padding=padding, shape=shape,
                sized=draw(st.sampled_from(["default", "spatial", "whole"])),
                dtype=draw(st.sampled_from(["float64", "float32"])), ties=draw(st.booleans()),
                seed=draw(st.integers(0, 2**32 - 1)))


def pooled(case):
    rng = np.random.default_rng(case["seed"])
    x = (rng.integers(0, 3, size=case["shape"]) if case["ties"] else rng.standard_normal(case["shape"]))
    x = x.astype(case["dtype"])
    nd = case["nd"]
    try:
        y, index = getattr(convlab, f"max_pool{nd}d")(x, case["kernel"], case["stride"], case["padding"],
                                                       return_indices=True)
    except ValueError:                      # a window of padding only: no pooling to undo
        assume(False)
    return x, y, index


def output_size_of(case, x, y):
    """None, or the pooled input's size (spatial, or the whole shape) where torch admits it."""
    nd = case["nd"]
    spatial = x.shape[-nd:]
    stride = case["stride"] or case["kernel"]
    default = tuple((m - 1) * s - 2 * p + k for m, k, s, p in zip(y.shape[-nd:], case["kernel"], stride,
                                                                  case["padding"]))
    if case["sized"] == "default" or not all(d - s < n < d + s for n, d, s in zip(spatial, default, stride)):
        return None
    if case["sized"] == "spatial":
        return spatial
    return (1, x.shape[-nd - 1], *spatial)


def check_against_torch(unpool, case):
    """``unpool`` (max_unpool{nd}d's signature) as torch, exactly; where torch refuses (an index
    past the default output size) or returns an empty output, it must raise ValueError."""
    x, y, index = pooled(case)
    nd = case["nd"]
    size = output_size_of(case, x, y)
    args = (case["kernel"], case["stride"], case["padding"])
    try:
        want = getattr(F, f"max_unpool{nd}d")(torch.from_numpy(y), torch.from_numpy(index), *args,
                                              output_size=size).numpy()
        # an empty output drops every value (torch does not check the indices then): refused
        refused = want.size == 0 and y.size > 0
    except (RuntimeError, ValueError):
        refused = True
    if refused:
        with pytest.raises(ValueError, match="indices must be flat indices|every axis needs at least one cell"):
            unpool(y, index, *args, output_size=size)
        return
    got = unpool(y, index, *args, output_size=size)
    assert got.dtype == y.dtype
    np.testing.assert_array_equal(got, want)                 # a placement: exact
    if size is not None:
        assert got.shape[-nd:] == x.shape[-nd:]


@given(case=unpool_cases())
def test_max_unpool_matches_torch(case):
    check_against_torch(getattr(convlab, f"max_unpool{case['nd']}d"), case)


def first_cell_unpool(y, index, kernel, stride=None, padding=0, output_size=None):
    """A wrong unpooling: each value at its window's first cell, whatever the index says."""
    stride = stride or kernel
    right = convlab.max_unpool1d(y, index, kernel, stride, padding, output_size)
    wrong = np.zeros_like(right)
    for i in range(y.shape[-1]):
        cell = i * stride[0] - padding[0]
        if 0 <= cell < wrong.shape[-1]:
            wrong[..., cell] = y[..., i]
    return wrong


def test_the_torch_check_catches_values_put_at_the_windows_first_cell():
    case = dict(nd=1, kernel=(2,), stride=None, padding=(0,), shape=(1, 2, 8), sized="default",
                dtype="float64", ties=False, seed=3)
    check_against_torch(convlab.max_unpool1d, case)
    with pytest.raises(AssertionError):
        check_against_torch(first_cell_unpool, case)


@given(nd=st.integers(1, 3), seed=st.integers(0, 2**32 - 1), data=st.data())
def test_arbitrary_distinct_indices_as_torch(nd, seed, data):
    rng = np.random.default_rng(seed)
    spatial = tuple(data.draw(st.integers(1, 4)) for _ in range(nd))
    kernel = tuple(data.draw(st.integers(1, 3)) for _ in range(nd))
    x = rng.standard_normal((2, 3, *spatial))
    out = tuple((n - 1) * k + k for n, k in zip(spatial, kernel))
    plane = int(np.prod(out))
    index = np.stack([rng.permutation(plane)[:x[0, 0].size] for _ in range(6)]).reshape(x.shape)
    got = getattr(convlab, f"max_unpool{nd}d")(x, index, kernel)
    want = getattr(F, f"max_unpool{nd}d")(torch.from_numpy(x), torch.from_numpy(index), kernel).numpy()
    np.testing.assert_array_equal(got, want)
    assert np.count_nonzero(got) == x.size


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_unpooling_the_gradient_is_max_pooling_backward_without_overlap(nd):
    """Stride = kernel: each cell is in one window at most, so max pooling's gradient puts each
    output's gradient at its index, which is what unpooling does (to the pooled input's size)."""
    rng = np.random.default_rng(nd)
    x = rng.standard_normal((2, 3, *(7, 6, 5)[:nd]))
    kernel, padding = (3, 2, 2)[:nd], (1, 0, 1)[:nd]
    y, index = getattr(convlab, f"max_pool{nd}d")(x, kernel, None, padding, return_indices=True)
    g = rng.standard_normal(y.shape)
    want = getattr(convlab, f"max_pool{nd}d_backward")(g, x, kernel, None, padding)
    got = getattr(convlab, f"max_unpool{nd}d")(g, index, kernel, None, padding, output_size=x.shape)
    np.testing.assert_array_equal(got, want)


def test_integer_values_and_indices_of_any_integer_dtype():
    y = np.array([[[5, 7]]], dtype=np.int16)
    got = convlab.max_unpool1d(y, np.array([[[1, 2]]], dtype=np.int32), 2)
    assert got.dtype == np.int16
    np.testing.assert_array_equal(got, [[[0, 5, 7, 0]]])
    assert convlab.max_unpool2d(np.ones((0, 2, 2, 2)), np.zeros((0, 2, 2, 2), int), 2).shape == (0, 2, 4, 4)


GOOD = (np.ones((1, 1, 4)), np.array([[[0, 3, 4, 7]]]))


@pytest.mark.parametrize("x, indices, kwargs, error, match", [
    (*GOOD, {"output_size": (6,)}, ValueError,
     r"output_size must be within stride - 1 of the default size on every axis, 7\.\.9 on spatial axis 0 \(default 8, stride 2\); got 6"),
    (*GOOD, {"output_size": (10,)}, ValueError, r"7\.\.9 on spatial axis 0 \(default 8, stride 2\); got 10"),
    (*GOOD, {"output_size": (1, 8)}, ValueError, r"output_size must be None or a tuple of 1 ints .*got \(1, 8\) of length 2"),
    (*GOOD, {"output_size": 8}, TypeError, r"output_size must be None or a tuple .*got 8 of type int"),
    (GOOD[0], np.array([[[0, 3, 4, 8]]]), {}, ValueError,
     r"indices must be flat indices into an output plane of shape \(8,\) \(8 cells\), 0\.\.7; got 8"),
    (GOOD[0], np.array([[[0, -1, 4, 7]]]), {}, ValueError, r"0\.\.7; got -1"),
    (GOOD[0], np.array([[[0.0, 3, 4, 7]]]), {}, TypeError, r"indices must be an integer array \(as max_pool1d"),
    (GOOD[0], np.array([[0, 3, 4, 7]]), {}, ValueError, r"indices must have the shape of x, \(1, 1, 4\); got shape \(1, 4\)"),
    (*GOOD, {"padding": 5}, ValueError, r"every axis needs at least one cell"),
    (*GOOD, {"stride": 0}, ValueError, r"stride must be a positive int"),
    (np.ones((1, 1, 4), complex), GOOD[1], {}, TypeError, r"x must be a real numeric array"),
    (np.ones(4), GOOD[1][0, 0], {}, ValueError, r"x must have shape \(N, C, \*spatial\) or \(C, \*spatial\)"),
])
def test_max_unpool_bad_input(x, indices, kwargs, error, match):
    kwargs = {"stride": 2, **kwargs}
    with pytest.raises(error, match=match):
        convlab.max_unpool1d(x, indices, 2, **kwargs)
