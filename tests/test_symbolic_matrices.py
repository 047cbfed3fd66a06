"""convlab.symbolic.matrices: the matrix of a convolution equals the convolution, exactly."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy

import convlab
from convlab.symbolic import correlation_matrix, matrix_of, symbols_array

OPTIONS = [
    dict(stride=s, padding=p, dilation=d, padding_mode=m)
    for s, p, d, m in itertools.product((1, 2, 3), (0, 1, 2, "same", "full"), (1, 2),
                                        ("zeros", "reflect", "replicate", "circular"))
    if not (p == "same" and s != 1)
]


def layer(x, w, **options):
    return convlab.conv1d(np.asarray(x)[None], np.asarray(w)[None, None], **options)[0]


def defined(n, k, options):
    try:
        layer(np.zeros(n, dtype=int), np.ones(k, dtype=int), **options)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_integer_matrix_times_x_is_conv1d_exactly(options):
    rng = np.random.default_rng(7)
    n, k = 7, 3
    if not defined(n, k, options):
        pytest.skip("not a valid convolution for these options")
    w = rng.integers(-5, 6, size=k)
    x = rng.integers(-9, 10, size=n)
    m = correlation_matrix(w, n, **options)
    want = layer(x, w, **options)
    assert m.shape == (len(want), n)
    assert all(isinstance(v, sympy.Integer) for v in m)
    got = np.array(m.tolist(), dtype=np.int64) @ x
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("options", [o for o in OPTIONS if o["padding_mode"] in ("zeros", "circular")][::3],
                         ids=str)
def test_symbolic_matrix_times_x_is_conv1d(options):
    n, k = 5, 2
    if not defined(n, k, options):
        pytest.skip("not a valid convolution for these options")
    w, x = symbols_array("w", k), symbols_array("x", n)
    m = correlation_matrix(w, n, **options)
    want = layer(x, w, method="loop", **options)
    diff = (m * sympy.Matrix(x) - sympy.Matrix(want)).expand()
    assert diff == sympy.zeros(len(want), 1)


def test_float_kernel_gives_floats_and_matches():
    rng = np.random.default_rng(3)
    w, x = rng.standard_normal(4), rng.standard_normal(10)
    m = correlation_matrix(w, 10, padding="same")
    assert all(isinstance(v, (sympy.Float, sympy.Integer)) for v in m)
    np.testing.assert_allclose(np.array(m.tolist(), dtype=float) @ x, layer(x, w, padding="same"),
                               rtol=1e-12, atol=1e-12)
    # each entry is a kernel tap, not a rounded sum
    assert set(float(v) for v in m) <= set(w.tolist()) | {0.0}


def test_default_is_banded_toeplitz():
    w = symbols_array("w", 3)
    m = correlation_matrix(w, 6)
    assert m.shape == (4, 6)
    for i, j in itertools.product(range(4), range(6)):
        assert m[i, j] == (w[j - i] if 0 <= j - i < 3 else 0)


def test_stride_and_dilation_structure():
    w = symbols_array("w", 2)
    m = correlation_matrix(w, 7, stride=2, dilation=3)
    # row i reads x[2*i] and x[2*i + 3]
    assert m == sympy.Matrix([[w[0], 0, 0, w[1], 0, 0, 0],
                              [0, 0, w[0], 0, 0, w[1], 0]])


def test_matrix_of_correlate_and_convolve_modes():
    rng = np.random.default_rng(11)
    x = rng.integers(-9, 10, size=6)
    for w in ([1, 2, 3], [1, -1], [4]):
        for mode in ("valid", "same", "full"):
            for fn in (convlab.correlate, convlab.convolve):
                m = matrix_of(lambda v, fn=fn, w=w, mode=mode: fn(v, w, mode=mode), 6)
                np.testing.assert_array_equal(np.array(m.tolist(), dtype=np.int64) @ x, fn(x, w, mode=mode))


def test_matrix_of_keeps_symbols():
    a = sympy.Symbol("a")
    m = matrix_of(lambda v: np.array([a * v[0] + v[1]], dtype=object), 2)
    assert m == sympy.Matrix([[a, 1]])


def test_matrix_of_errors():
    with pytest.raises(TypeError, match="f must be callable"):
        matrix_of([1, 2], 3)
    with pytest.raises(TypeError, match="n must be a positive int"):
        matrix_of(lambda v: v, 2.0)
    with pytest.raises(TypeError, match="n must be a positive int"):
        matrix_of(lambda v: v, True)
    with pytest.raises(ValueError, match="n must be a positive int; got 0"):
        matrix_of(lambda v: v, 0)
    with pytest.raises(ValueError, match=r"f must return a 1-D array; got shape \(1, 3\)"):
        matrix_of(lambda v: v[None], 3)
    with pytest.raises(ValueError, match="f must return arrays of one length"):
        matrix_of(lambda v: v[: int(np.argmax(v)) + 1], 3)


def test_correlation_matrix_errors():
    with pytest.raises(ValueError, match=r"w must be a non-empty 1-D kernel; got shape \(2, 2\)"):
        correlation_matrix(np.ones((2, 2)), 4)
    with pytest.raises(ValueError, match=r"w must be a non-empty 1-D kernel; got shape \(0,\)"):
        correlation_matrix([], 4)
    with pytest.raises(ValueError, match="n must be a positive int; got -1"):
        correlation_matrix([1, 2], -1)
    with pytest.raises(ValueError, match="kernel too large"):
        correlation_matrix([1, 2, 3], 2)
    with pytest.raises(ValueError, match="stride must be a positive int"):
        correlation_matrix([1, 2], 4, stride=0)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        correlation_matrix([1, 2], 4, padding=1, padding_mode="mirror")
