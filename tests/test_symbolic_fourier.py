"""The exact DFT helpers: they agree with numpy.fft and satisfy the convolution theorem."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import convlab
from convlab.symbolic import circular_convolution, dft, dft_matrix, idft, symbols_array


def _is_zero(expr, variables) -> bool:
    expr = sympy.expand(expr)
    if expr == 0:
        return True
    return all(sympy.simplify(c) == 0 for c in sympy.Poly(expr, *variables).coeffs())


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8])
def test_dft_matrix_matches_numpy(n):
    exact = np.array(dft_matrix(n).evalf(), dtype=complex)
    np.testing.assert_allclose(exact, np.fft.fft(np.eye(n), axis=0), atol=1e-12)


def test_dft_and_idft_of_numbers_match_numpy():
    x = [3, -1, 4, 1, -5, 9]
    np.testing.assert_allclose(np.array(dft(x).evalf(), dtype=complex).ravel(), np.fft.fft(x), atol=1e-12)
    spectrum = np.fft.fft(x)
    back = idft(dft(x))
    assert [sympy.nsimplify(v) for v in back] == x
    np.testing.assert_allclose(np.array(idft(list(spectrum)).evalf(), dtype=complex).ravel(), x, atol=1e-12)


@pytest.mark.parametrize("n", [3, 4])
def test_convolution_theorem_on_symbols(n):
    x, w = symbols_array("x", n), symbols_array("w", n)
    lhs = dft(circular_convolution(x, w))
    rhs = dft(x).multiply_elementwise(dft(w))
    assert all(_is_zero(e, [*x, *w]) for e in lhs - rhs)


def test_theorem_fails_for_linear_convolution():
    # without zero padding the product of DFTs is the circular, not the linear, convolution
    x, w = symbols_array("x", 4), symbols_array("w", 4)
    linear = convlab.convolve(x, w, mode="full")[:4]
    rhs = dft(x).multiply_elementwise(dft(w))
    assert not all(_is_zero(e, [*x, *w]) for e in dft(linear) - rhs)


@pytest.mark.parametrize("n,k", [(5, 1), (5, 3), (6, 6)])
def test_circular_convolution_matches_convlab_with_circular_padding(n, k):
    x, w = symbols_array("x", n), symbols_array("w", k)
    ours = circular_convolution(x, w)
    theirs = convlab.conv1d(x[None, None], w[::-1].copy()[None, None], padding=((k - 1, 0),),
                            padding_mode="circular", method="loop")[0, 0]
    assert all(sympy.expand(a - b) == 0 for a, b in zip(ours, theirs))


def test_circular_convolution_of_numbers_is_the_fft_product():
    rng = np.random.default_rng(0)
    x, w = rng.integers(-5, 6, 7), rng.integers(-5, 6, 3)
    expected = np.real(np.fft.ifft(np.fft.fft(x) * np.fft.fft(w, 7)))
    np.testing.assert_allclose(circular_convolution(x, w).astype(float), expected, atol=1e-9)


@pytest.mark.parametrize("call,error,match", [
    (lambda: dft_matrix(0), ValueError, "n must be a positive int; got 0"),
    (lambda: dft_matrix(True), TypeError, "n must be a positive int; got True of type bool"),
    (lambda: dft_matrix(2.0), TypeError, "n must be a positive int; got 2.0 of type float"),
    (lambda: dft([]), ValueError, "x must be a non-empty 1-D sequence"),
    (lambda: dft(np.zeros((2, 2))), ValueError, "x must be a non-empty 1-D sequence"),
    (lambda: circular_convolution([1, 2], [1, 2, 3]), ValueError, r"w \(length 3\) must not be longer than x"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
