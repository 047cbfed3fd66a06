"""Tests for convlab.symbolic.identities (and the conventions chapter 3 states)."""

import numpy as np
import pytest
import sympy
from support import require

import convlab
from convlab.symbolic import (
    associator,
    commutator,
    convolution_by_definition,
    holds,
    index_pairs,
    residual,
    symbols_array,
)

# --------------------------------------------------------------------------
# residual / holds
# --------------------------------------------------------------------------


def test_residual_expands_each_entry():
    a, b = sympy.symbols("a b")
    out = residual(np.array([[(a + b) ** 2]]), np.array([[a**2 + 2 * a * b]]))
    assert out.shape == (1, 1) and out.dtype == object
    assert out[0, 0] == b**2


def test_residual_accepts_numbers_and_lists():
    out = residual([1, 2.5], np.array([1, 2]))
    assert list(out) == [0, sympy.Float(0.5)]


def test_residual_shape_mismatch():
    with pytest.raises(ValueError, match=r"same shape; got \(2,\) and \(3,\)"):
        residual(np.zeros(2), np.zeros(3))


@pytest.mark.parametrize("bad", ["abc", None, np.array([True])])
def test_residual_rejects_non_numeric(bad):
    with pytest.raises(TypeError, match="lhs must be an array of numbers or SymPy expressions"):
        residual(bad, np.zeros(1))


def test_holds_true_false_and_shape_mismatch():
    x, w = symbols_array("x", 5), symbols_array("w", 3)
    assert holds(convlab.convolve(x, w, "same"), convlab.correlate(x, w[::-1], "same"))
    assert not holds(convlab.convolve(x, w, "same"), convlab.correlate(x, w, "same"))
    assert not holds(np.zeros(2), np.zeros(3))


def test_holds_rejects_bad_rhs():
    with pytest.raises(TypeError, match="rhs must be an array"):
        holds(np.zeros(2), "ab")


# --------------------------------------------------------------------------
# commutator / associator
# --------------------------------------------------------------------------


def test_commutator_convolution_vanishes_in_2d():
    a, b = symbols_array("a", (2, 3)), symbols_array("b", (3, 2))
    out = commutator(convlab.convolve, a, b, mode="full")
    assert out.shape == (4, 4) and all(e == 0 for e in out.flat)


def test_commutator_correlation_is_the_reversal():
    a, b = symbols_array("a", 3), symbols_array("b", 2)
    out = commutator(convlab.correlate, a, b, mode="full")
    assert any(e != 0 for e in out)
    # correlate(b, a) is correlate(a, b) reversed for real operands
    assert holds(convlab.correlate(b, a, "full"), convlab.correlate(a, b, "full")[::-1])


def test_associator_convolution_and_correlation():
    a, b, c = symbols_array("a", 3), symbols_array("b", 2), symbols_array("c", 2)
    assert all(e == 0 for e in associator(convlab.convolve, a, b, c, mode="full"))
    assert any(e != 0 for e in associator(convlab.correlate, a, b, c, mode="full"))


def test_commutator_and_associator_reject_non_callables():
    with pytest.raises(TypeError, match="op must be a callable"):
        commutator("convolve", [1], [1])
    with pytest.raises(TypeError, match="op must be a callable"):
        associator(None, [1], [1], [1])


def test_commutator_shape_mismatch_is_reported():
    def first(a, b):
        return np.asarray(a)

    with pytest.raises(ValueError, match="same shape"):
        commutator(first, np.zeros(2), np.zeros(3))


def test_stacked_correlations_equal_one_with_the_convolved_kernel():
    x, a, b = symbols_array("x", 7), symbols_array("a", 3), symbols_array("b", 2)
    stacked = convlab.correlate(convlab.correlate(x, a), b)
    assert holds(stacked, convlab.correlate(x, convlab.convolve(a, b)))
    assert holds(stacked, convlab.correlate(x, convlab.correlate(a, b[::-1], "full")))
    assert not holds(stacked, convlab.correlate(x, convlab.correlate(a, b, "full")))


# --------------------------------------------------------------------------
# convolution_by_definition
# --------------------------------------------------------------------------


@pytest.mark.parametrize("n, k", [(1, 1), (4, 1), (4, 4), (5, 2), (2, 5)])
def test_definition_matches_numpy_convolve(n, k):
    rng = np.random.default_rng(n * 10 + k)
    x, w = rng.standard_normal(n), rng.standard_normal(k)
    np.testing.assert_allclose(convolution_by_definition(x, w), np.convolve(x, w))


def test_definition_is_correlation_with_flipped_kernel_symbolically():
    for n_shape, k_shape in [((3,), (2,)), ((3, 2), (2, 2)), ((2, 3), (1, 2))]:
        x, w = symbols_array("x", n_shape), symbols_array("w", k_shape)
        assert holds(convolution_by_definition(x, w), convlab.correlate(x, np.flip(w), "full"))
        assert holds(convolution_by_definition(x, w), convlab.convolve(x, w, "full"))


def test_definition_dtypes():
    assert convolution_by_definition([1, 2], [3]).dtype == np.int64
    assert convolution_by_definition([1.0, 2.0], [1j]).dtype == np.complex128
    assert convolution_by_definition(symbols_array("x", 2), [1, 2]).dtype == object


def test_definition_errors():
    with pytest.raises(ValueError, match="same number of dimensions"):
        convolution_by_definition(np.zeros((2, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="at least 1"):
        convolution_by_definition(np.float64(1.0), np.float64(1.0))
    with pytest.raises(ValueError, match="must not be empty"):
        convolution_by_definition(np.zeros(3), np.zeros(0))
    with pytest.raises(TypeError, match="w must be an array of numbers"):
        convolution_by_definition(np.zeros(3), "w")


# --------------------------------------------------------------------------
# the conventions table of chapter 3, against the libraries it names
# --------------------------------------------------------------------------


def test_same_mode_sides_against_scipy_and_torch():
    scipy_signal = pytest.importorskip("scipy.signal")
    x, w = np.arange(8.0), np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(convlab.correlate(x, w, "same"), scipy_signal.correlate(x, w, "same"))
    np.testing.assert_allclose(convlab.convolve(x, w, "same"), scipy_signal.convolve(x, w, "same"))
    np.testing.assert_allclose(convlab.correlate(x, w, "same"), np.correlate(x, w, "same"))
    assert convlab.same_padding(4) == (1, 2)
    # row 3, default extents: SciPy's are "full" for both, NumPy's correlate (and convlab's) "valid"
    n_full, n_valid = len(x) + len(w) - 1, len(x) - len(w) + 1
    assert scipy_signal.correlate(x, w).shape == scipy_signal.convolve(x, w).shape == (n_full,)
    assert np.correlate(x, w).shape == convlab.correlate(x, w).shape == (n_valid,)
    assert np.convolve(x, w).shape == convlab.convolve(x, w).shape == (n_full,)
    torch = require("torch", "oracle for the padding='same' split of an even kernel")
    # (torch warns, once per process, that an even 'same' kernel needs a padded copy; pyproject ignores it)
    expected = torch.nn.functional.conv1d(torch.tensor(x)[None, None], torch.tensor(w)[None, None],
                                          padding="same")[0].numpy()
    np.testing.assert_allclose(convlab.conv1d(x[None], w[None, None], padding="same"), expected)
    np.testing.assert_allclose(convlab.conv1d(x[None], w[None, None], padding=((1, 2),)), expected)


def test_complex_conjugation_against_numpy_and_torch():
    x = np.array([1 + 1j, 2, -1j, 3])
    w = np.array([1 + 2j, 3 - 1j])
    np.testing.assert_allclose(convlab.correlate(x, w), np.correlate(x, w))
    np.testing.assert_allclose(convlab.convolve(x, w), np.convolve(x, w))
    torch = pytest.importorskip("torch")
    expected = torch.nn.functional.conv1d(torch.tensor(x)[None, None], torch.tensor(w)[None, None])[0]
    np.testing.assert_allclose(convlab.conv1d(x[None], w[None, None]), expected.numpy())


# --------------------------------------------------------------------------
# index_pairs
# --------------------------------------------------------------------------


def test_index_pairs_reads_the_rule_off_convlab():
    x, w = symbols_array("x", 6, start=0), symbols_array("w", 3, start=0)
    y = convlab.convolve(x, w, "full")
    z = convlab.correlate(x, w, "valid")
    assert {i - m - j for i, yi in enumerate(y) for m, j in index_pairs(yi, x, w)} == {0}
    assert {m - j - i for i, zi in enumerate(z) for m, j in index_pairs(zi, x, w)} == {0}


def test_index_pairs_2d_tuples_numeric_factors_and_zero():
    x, w = symbols_array("x", (2, 2)), symbols_array("w", (1, 2))
    assert index_pairs(3 * x[1, 0] * w[0, 1] - x[0, 0] * w[0, 0], x, w) == [((0, 0), (0, 0)),
                                                                          ((1, 0), (0, 1))]
    assert index_pairs(sympy.Integer(0), x, w) == []


@pytest.mark.parametrize("make", [lambda x, w, a: x[0] * x[1], lambda x, w, a: x[0] * w[0] * a,
                                  lambda x, w, a: sympy.Integer(5), lambda x, w, a: x[0] + w[0]])
def test_index_pairs_rejects_other_terms(make):
    x, w, a = symbols_array("x", 2), symbols_array("w", 2), sympy.Symbol("a")
    with pytest.raises(ValueError, match="every term must be a number times one entry of x and one entry of w"):
        index_pairs(make(x, w, a), x, w)


def test_index_pairs_bad_arrays():
    with pytest.raises(TypeError, match="x must be an array of numbers or SymPy expressions"):
        index_pairs(sympy.Integer(0), "x", np.zeros(1))
