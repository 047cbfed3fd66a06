"""Torch's positional order (issue 18): ``conv2d(x, w, None, 2)`` means stride 2.

After ``bias``, the layer functions take torch's positional arguments in
torch's order: ``stride, padding, dilation, groups`` for
``conv1d/2d/3d/convnd`` (``torch.nn.functional.conv2d``), and ``stride,
padding, output_padding, groups, dilation`` for
``conv_transpose1d/2d/3d/nd`` (``torch.nn.functional.conv_transpose2d``).
``padding_mode`` and ``method`` stay keyword-only. Each call is compared
with torch called positionally with the very same arguments, in float64 over
random configurations: direct sums of at most ``fan_in`` products agree to
``4 * fan_in * eps * bound`` (see :mod:`tolerance`; both sides round).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import error_bound, require

import convlab

torch = require("torch", "torch is the oracle for the positional order")
F = torch.nn.functional

EPS = float(np.finfo(np.float64).eps)


def _agree(got, want, x, w, fan_in):
    assert got.shape == want.shape, (got.shape, want.shape)
    err = float(np.max(np.abs(got - want), initial=0.0))
    assert err <= 4 * max(fan_in, 1) * EPS * error_bound(x, w) + 1e-300, err


@st.composite
def conv_calls(draw):
    nd = draw(st.integers(1, 3))
    size = {1: 12, 2: 7, 3: 5}[nd]
    n_args = draw(st.integers(0, 4))          # how many of stride, padding, dilation, groups to pass
    groups = draw(st.sampled_from([1, 2])) if n_args == 4 else 1
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    k = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilation = draw(st.integers(1, 2))
    padding = draw(st.integers(0, 2))
    dilation, padding = (dilation if n_args >= 3 else 1), (padding if n_args >= 2 else 0)
    spatial = tuple(draw(st.integers(max(1, dilation * (kk - 1) + 1 - 2 * padding), size)) for kk in k)
    stride = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    bias = draw(st.booleans())
    return nd, (2, c_in, *spatial), (c_out, c_in // groups, *k), bias, (stride, padding, dilation, groups)[:n_args], seed


@given(conv_calls(), st.booleans())
def test_conv_positional_matches_torch(call, through_nd):
    nd, x_shape, w_shape, has_bias, args, seed = call
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[0]) if has_bias else None
    ours = convlab.convnd if through_nd else getattr(convlab, f"conv{nd}d")
    got = ours(x, w, b, *args)
    want = getattr(F, f"conv{nd}d")(torch.tensor(x), torch.tensor(w), None if b is None else torch.tensor(b),
                                    *args).numpy()
    _agree(got, want, x, w, int(np.prod(w_shape[1:])))


@st.composite
def transposed_calls(draw):
    nd = draw(st.integers(1, 3))
    size = {1: 8, 2: 5, 3: 3}[nd]
    n_args = draw(st.integers(0, 5))          # of stride, padding, output_padding, groups, dilation
    stride, padding = draw(st.integers(1, 3)), draw(st.integers(0, 1))
    groups, dilation = draw(st.sampled_from([1, 2])), draw(st.integers(1, 2))
    output_padding = draw(st.integers(0, max(stride, dilation) - 1))
    # the arguments not passed take torch's defaults
    defaults = (1, 0, 0, 1, 1)
    stride, padding, output_padding, groups, dilation = (
        drawn if i < n_args else default
        for i, (drawn, default) in enumerate(zip((stride, padding, output_padding, groups, dilation), defaults)))
    if output_padding >= max(stride, dilation):
        output_padding = max(stride, dilation) - 1
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    k = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    spatial = tuple(draw(st.integers(1, size)) for _ in k)
    # torch needs a positive output size: (n-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1
    if any((n - 1) * stride - 2 * padding + dilation * (kk - 1) + output_padding + 1 < 1
           for n, kk in zip(spatial, k)):
        padding = 0
    args = (stride, padding, output_padding, groups, dilation)[:n_args]
    seed = draw(st.integers(0, 2**32 - 1))
    return nd, (2, c_in, *spatial), (c_in, c_out // groups, *k), draw(st.booleans()), args, seed


@given(transposed_calls(), st.booleans())
def test_transposed_positional_matches_torch(call, through_nd):
    nd, x_shape, w_shape, has_bias, args, seed = call
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    groups = args[3] if len(args) > 3 else 1
    b = rng.standard_normal(w_shape[1] * groups) if has_bias else None
    ours = convlab.conv_transposend if through_nd else getattr(convlab, f"conv_transpose{nd}d")
    got = ours(x, w, b, *args)
    want = getattr(F, f"conv_transpose{nd}d")(torch.tensor(x), torch.tensor(w),
                                              None if b is None else torch.tensor(b), *args).numpy()
    _agree(got, want, x, w, int(np.prod(w_shape[2:])) * w_shape[0] // groups)


def test_the_check_catches_a_wrong_order():
    """A conv2d that read its positional arguments in another order (dilation before
    padding, as an unwary port might) fails the comparison above."""
    def swapped(x, w, bias=None, stride=1, dilation=1, padding=0, groups=1):
        return convlab.conv2d(x, w, bias, stride=stride, padding=padding, dilation=dilation, groups=groups)

    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 2, 7, 7)), rng.standard_normal((3, 2, 3, 3))
    want = F.conv2d(torch.tensor(x), torch.tensor(w), None, 1, 2, 1).numpy()
    with pytest.raises(AssertionError):
        _agree(swapped(x, w, None, 1, 2, 1), want, x, w, 18)
    _agree(convlab.conv2d(x, w, None, 1, 2, 1), want, x, w, 18)


def test_conv2d_none_2_is_stride_2():
    x, w = np.ones((1, 1, 6, 6)), np.ones((1, 1, 2, 2))
    assert convlab.conv2d(x, w, None, 2).shape == (1, 1, 3, 3)
    assert convlab.conv_transpose2d(x, w, None, 2).shape == (1, 1, 12, 12)


@pytest.mark.parametrize("name, n_max", [
    ("conv1d", 7), ("conv2d", 7), ("conv3d", 7), ("convnd", 7),
    ("conv_transpose1d", 8), ("conv_transpose2d", 8), ("conv_transpose3d", 8), ("conv_transposend", 8),
])
def test_too_many_positional_arguments(name, n_max):
    """One positional argument more than torch's gives a TypeError naming the function,
    as torch's does: ``padding_mode`` and ``method`` are keyword-only."""
    x, w = np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2))
    args = (x, w, None, 1, 0, *([0] if "transpose" in name else []), 1, 1)
    assert len(args) == n_max
    fn = getattr(convlab, name)
    if name in ("conv2d", "convnd", "conv_transpose2d", "conv_transposend"):
        assert fn(*args).shape[:2] == (1, 1)         # torch's full positional call works
    with pytest.raises(TypeError, match=rf"^{name}\(\) takes from 2 to {n_max} positional arguments but "
                                        rf"{n_max + 1} were given$"):
        fn(*args, "zeros")


@pytest.mark.parametrize("name", ["conv2d", "conv_transpose2d"])
def test_padding_mode_and_method_stay_keyword_only(name):
    import inspect
    params = inspect.signature(getattr(convlab, name)).parameters
    assert params["padding_mode" if name == "conv2d" else "method"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["method"].kind is inspect.Parameter.KEYWORD_ONLY
