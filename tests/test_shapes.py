"""Shape arithmetic: numeric results equal the shapes convlab returns, and the
symbolic forms equal the numeric ones."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import convlab


@given(n=st.integers(1, 40), k=st.integers(1, 7), s=st.integers(1, 4), p=st.integers(0, 3), d=st.integers(1, 3))
def test_output_size_is_the_shape_conv1d_returns(n, k, s, p, d):
    if d * (k - 1) + 1 > n + 2 * p:
        with pytest.raises(ValueError, match="kernel too large"):
            convlab.output_size(n, k, stride=s, padding=p, dilation=d)
        return
    y = convlab.conv1d(np.ones((1, 1, n)), np.ones((1, 1, k)), stride=s, padding=p, dilation=d, method="im2col")
    assert convlab.output_size(n, k, stride=s, padding=p, dilation=d) == y.shape[-1]


@pytest.mark.parametrize("padding", ["valid", "same", "full", (2, 0)])
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_output_size_with_named_padding(padding, k):
    y = convlab.conv1d(np.ones((1, 1, 9)), np.ones((1, 1, k)), padding=(padding,) if isinstance(padding, tuple)
                       else padding)
    assert convlab.output_size(9, k, padding=padding) == y.shape[-1]


def test_symbolic_output_size_agrees_with_numbers():
    n, k, s, p, d = sympy.symbols("n k s p d", positive=True, integer=True)
    expr = convlab.output_size(n, k, stride=s, padding=p, dilation=d)
    for values in [(32, 3, 1, 1, 1), (224, 7, 2, 3, 1), (10, 3, 3, 0, 2)]:
        subs = dict(zip((n, k, s, p, d), values))
        assert expr.subs(subs) == convlab.output_size(*values[:2], stride=values[2], padding=values[3],
                                                      dilation=values[4])


def test_symbolic_named_padding():
    n, k = sympy.symbols("n k", positive=True, integer=True)
    assert sympy.simplify(convlab.output_size(n, k, padding="same") - n) == 0
    assert sympy.simplify(convlab.output_size(n, k, padding="full") - (n + k - 1)) == 0


@pytest.mark.parametrize("k,d", [(1, 1), (2, 1), (3, 1), (4, 1), (3, 2), (4, 3)])
def test_same_padding_keeps_the_size(k, d):
    lo, hi = convlab.same_padding(k, d)
    assert lo + hi == d * (k - 1) and hi - lo in (0, 1)
    y = convlab.conv1d(np.ones((1, 1, 11)), np.ones((1, 1, k)), padding=((lo, hi),), dilation=d)
    assert y.shape[-1] == 11


def test_conv_output_shape_matches_conv2d():
    x, w = np.ones((2, 3, 17, 12)), np.ones((4, 3, 3, 5))
    kw = dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2))
    assert convlab.conv_output_shape(x.shape, w.shape, **kw) == convlab.conv2d(x, w, **kw).shape[2:]
