"""convlab.unfold: the column matrix of im2col, against torch's unfold, against
convlab's own convolution, on symbols, and with bad input."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from support import require

import convlab
from convlab.symbolic import symbols_array


@st.composite
def unfold_problems(draw):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), 12))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), 12))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), h, w)
    return shape, (kh, kw), dict(dilation=(dh, dw), padding=(ph, pw), stride=(sh, sw)), draw(st.integers(0, 2**31))


@given(problem=unfold_problems())
def test_unfold_matches_torch(problem):
    torch = require("torch", "torch.nn.functional.unfold is the oracle")
    shape, k, options, seed = problem
    x = np.random.default_rng(seed).standard_normal(shape)
    want = torch.nn.functional.unfold(torch.from_numpy(x), k, **options).numpy()
    got = convlab.unfold(x, k, **options)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)        # a copy of the values: exact


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_weight_times_columns_is_the_convolution(nd):
    rng = np.random.default_rng(nd)
    size, k = {1: ((17,), (4,)), 2: ((9, 8), (3, 2)), 3: ((6, 5, 7), (2, 3, 2))}[nd]
    x = rng.integers(-9, 10, size=(2, 3, *size))
    w = rng.integers(-9, 10, size=(5, 3, *k))
    options = dict(stride=2, padding=1, dilation=1)
    y = convlab.convnd(x, w, **options, method="loop")
    cols = convlab.unfold(x, k, **options)
    assert cols.dtype == x.dtype and cols.shape == (2, 3 * int(np.prod(k)), int(np.prod(y.shape[2:])))
    np.testing.assert_array_equal((w.reshape(5, -1) @ cols).reshape(y.shape), y)


def test_unbatched_padding_modes_and_symbols():
    x = np.arange(12.0).reshape(1, 3, 4)
    cols = convlab.unfold(x, 3, padding=1, padding_mode="circular")
    assert cols.shape == (9, 12)
    np.testing.assert_array_equal(cols[4], x.ravel())                       # the centre tap: the input
    np.testing.assert_array_equal(cols[0].reshape(3, 4), np.roll(x[0], (1, 1), axis=(0, 1)))
    s = symbols_array("x", (1, 3, 3))
    sym = convlab.unfold(s, (2, 2))
    assert sym.dtype == object and sym.shape == (4, 4)
    assert list(sym[:, 0]) == [s[0, 0, 0], s[0, 0, 1], s[0, 1, 0], s[0, 1, 1]]     # the first 2x2 patch
    assert sympy.expand(sum(sym[:, 3]) - (s[0, 1, 1] + s[0, 1, 2] + s[0, 2, 1] + s[0, 2, 2])) == 0


def test_unfold_returns_a_fresh_array():
    x = np.arange(10.0).reshape(1, 10)
    x.setflags(write=False)
    cols = convlab.unfold(x, (3,))
    cols[...] = 0                                        # writable, and not a view of x
    assert x.sum() == 45


@pytest.mark.parametrize("x, kernel_size, options, error, match", [
    (np.ones((1, 5)), (), {}, ValueError, r"kernel_size must be .*got \(\)"),
    (np.ones((1, 5)), (0,), {}, ValueError, r"kernel_size must be a positive int or a non-empty tuple of positive ints; got \(0,\)"),
    (np.ones((1, 5, 5)), 2.0, {}, TypeError, r"kernel_size must be .*got 2\.0 of type float"),
    (np.ones((1, 5, 5)), True, {}, TypeError, r"kernel_size must be .*got True"),
    (np.ones(5), (2,), {}, ValueError, r"x must have shape \(N, C, \*spatial\) or \(C, \*spatial\) .*got shape \(5,\)"),
    (np.ones((1, 1, 5, 5)), (2,), {}, ValueError, r"for a kernel_size with 1 axes; got shape \(1, 1, 5, 5\)"),
    (np.ones((1, 4, 4)), 5, {}, ValueError, r"kernel too large"),
    (np.ones((1, 4, 4)), 2, {"stride": 0}, ValueError, r"stride must be a positive int"),
    (np.ones((1, 4, 4)), 2, {"padding": -1}, ValueError, r"padding must be"),
    (np.ones((1, 4, 4)), 2, {"padding_mode": "mirror"}, ValueError, r"padding_mode must be one of"),
    ("abc", 2, {}, TypeError, r"x must be a numeric array; got a str"),
])
def test_unfold_bad_input(x, kernel_size, options, error, match):
    with pytest.raises(error, match=match):
        convlab.unfold(x, kernel_size, **options)
