"""The discrete Fourier transform and circular convolution on SymPy symbols.

Small exact versions of what ``numpy.fft`` computes in floating point, so
that the convolution theorem can be checked as an identity between
formulas rather than between rounded numbers.
"""

from __future__ import annotations

import numpy as np
import sympy

from .._validate import positive_int


def _size(n) -> int:
    return positive_int("n", n)


def _vector(name: str, v) -> list:
    if isinstance(v, sympy.MatrixBase):
        v = list(v)
    arr = np.asarray(v, dtype=object)
    if arr.ndim != 1 or len(arr) == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence; got shape {arr.shape}")
    return [sympy.sympify(e) for e in arr]


def dft_matrix(n: int) -> sympy.Matrix:
    """The ``n x n`` DFT matrix ``F[j, m] = exp(-2 pi i j m / n)``, exact.

    Same sign and scaling as ``numpy.fft.fft`` (no normalisation):
    ``F @ x`` is the DFT of ``x``.

    Examples
    --------
    >>> from convlab.symbolic.fourier import dft_matrix
    >>> dft_matrix(4)
    Matrix([
    [1,  1,  1,  1],
    [1, -I, -1,  I],
    [1, -1,  1, -1],
    [1,  I, -1, -I]])
    """
    n = _size(n)
    return sympy.Matrix(n, n, lambda j, m: sympy.exp(-2 * sympy.pi * sympy.I * ((j * m) % n) / n))


def dft(x) -> sympy.Matrix:
    """The DFT of a sequence (numbers or SymPy expressions), as a column ``Matrix``.

    Examples
    --------
    >>> import sympy
    >>> from convlab.symbolic import symbols_array
    >>> from convlab.symbolic.fourier import dft
    >>> dft(symbols_array("x", 2)).T
    Matrix([[x_1 + x_2, x_1 - x_2]])
    >>> [complex(v) for v in dft([1, 2, 3, 4])] == list(__import__("numpy").fft.fft([1, 2, 3, 4]))
    True
    """
    values = _vector("x", x)
    return (dft_matrix(len(values)) * sympy.Matrix(values)).applyfunc(sympy.expand)


def idft(spectrum) -> sympy.Matrix:
    """The inverse DFT (``numpy.fft.ifft``'s scaling: ``1/n``), as a column ``Matrix``.

    Examples
    --------
    >>> from convlab.symbolic import symbols_array
    >>> from convlab.symbolic.fourier import dft, idft
    >>> x = symbols_array("x", 3)
    >>> list(idft(dft(x))) == list(x)
    True
    """
    values = _vector("spectrum", spectrum)
    n = len(values)
    inverse = dft_matrix(n).conjugate() / n
    return (inverse * sympy.Matrix(values)).applyfunc(lambda e: sympy.expand(sympy.expand_complex(e)))


def circular_convolution(x, w) -> np.ndarray:
    """``y_i = sum_j x_{(i - j) mod n} w_j`` for ``x`` of length ``n`` and ``w`` of length ``k <= n``.

    The signal-processing (flipping) convolution with wrap-around indices:
    what the product of two length-``n`` DFTs corresponds to. Shorter
    kernels are zero-padded to ``n``.

    Returns
    -------
    numpy.ndarray
        An object array of length ``n``.

    Examples
    --------
    >>> from convlab.symbolic import symbols_array
    >>> from convlab.symbolic.fourier import circular_convolution
    >>> circular_convolution(symbols_array("x", 3), symbols_array("w", 2))
    array([w_1*x_1 + w_2*x_3, w_1*x_2 + w_2*x_1, w_1*x_3 + w_2*x_2], dtype=object)
    >>> circular_convolution([1, 2, 3, 4], [1, 1])
    array([5, 3, 5, 7], dtype=object)
    """
    xs, ws = _vector("x", x), _vector("w", w)
    n, k = len(xs), len(ws)
    if k > n:
        raise ValueError(f"w (length {k}) must not be longer than x (length {n})")
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = sympy.expand(sum(xs[(i - j) % n] * ws[j] for j in range(k)))
    return out


__all__ = ["circular_convolution", "dft", "dft_matrix", "idft"]


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
