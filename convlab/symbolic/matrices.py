"""Convolution as a matrix: the exact matrix of a 1-D correlation.

A 1-D convolution layer is linear in its input, so it *is* a matrix: column
``j`` of that matrix is the layer applied to the ``j``-th basis vector
``e_j``. :func:`matrix_of` builds the matrix of any linear map that way, and
:func:`correlation_matrix` applies it to :func:`convlab.conv1d`, so the
matrix the book displays is computed by the package itself, never typed in.
Entries are SymPy objects: integers stay exact, symbols stay symbols.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy
from numpy.typing import ArrayLike

from .._validate import positive_int
from ..conv import conv1d


def _length(name: str, value) -> int:
    return positive_int(name, value)


def matrix_of(f: Callable[[np.ndarray], ArrayLike], n: int) -> sympy.Matrix:
    """The matrix of a linear map ``f`` on vectors of length ``n``.

    Column ``j`` is ``f(e_j)``, where ``e_j`` is the ``j``-th basis vector
    (an ``int64`` array with a single 1), so ``matrix_of(f, n) @ x`` equals
    ``f(x)`` for every ``x`` -- provided ``f`` is linear, which is not checked.

    Parameters
    ----------
    f : callable
        Takes a 1-D array of length ``n`` and returns a 1-D array (of numbers
        or SymPy expressions) whose length does not depend on the input.
    n : int
        Length of the input vectors (positive).

    Returns
    -------
    sympy.Matrix
        Shape ``(len(f(x)), n)``; entries are sympified (NumPy integers become
        SymPy Integers, floats become Floats, expressions are kept).

    Examples
    --------
    >>> import convlab
    >>> from convlab.symbolic import matrix_of
    >>> matrix_of(lambda v: convlab.correlate(v, [1, -1]), 3)
    Matrix([
    [1, -1,  0],
    [0,  1, -1]])
    >>> matrix_of(lambda v: convlab.convolve(v, [1, -1]), 3)
    Matrix([
    [ 1,  0,  0],
    [-1,  1,  0],
    [ 0, -1,  1],
    [ 0,  0, -1]])
    """
    if not callable(f):
        raise TypeError(f"f must be callable; got {f!r} of type {type(f).__name__}")
    n = _length("n", n)
    columns = []
    for j in range(n):
        basis = np.zeros(n, dtype=np.int64)
        basis[j] = 1
        column = np.asarray(f(basis))
        if column.ndim != 1:
            raise ValueError(f"f must return a 1-D array; got shape {column.shape} for basis vector e_{j}")
        if columns and len(column) != len(columns[0]):
            raise ValueError(
                f"f must return arrays of one length; got {len(columns[0])} for e_0 "
                f"but {len(column)} for e_{j}"
            )
        columns.append(column)
    return sympy.Matrix(len(columns[0]), n, lambda i, j: sympy.sympify(columns[j][i]))


def correlation_matrix(w: ArrayLike, n: int, *, stride: int = 1, padding=0, dilation: int = 1,
                       padding_mode: str = "zeros") -> sympy.Matrix:
    """The matrix ``M`` of a single-channel 1-D convolution layer on inputs of length ``n``.

    ``M @ x`` equals ``convlab.conv1d(x[None], w[None, None], stride=stride,
    padding=padding, dilation=dilation, padding_mode=padding_mode)[0]``
    (deep-learning convolution, i.e. cross-correlation). With the default
    options row ``i`` holds the kernel starting at column ``i``: a banded
    Toeplitz matrix. Every column is computed by running :func:`convlab.conv1d`
    on a basis vector (see :func:`matrix_of`), so the matrix is exact.

    Parameters
    ----------
    w : array_like
        A non-empty 1-D kernel of numbers or SymPy expressions.
    n : int
        Input length (positive).
    stride, padding, dilation, padding_mode
        As in :func:`convlab.conv1d`; invalid values raise its errors.

    Returns
    -------
    sympy.Matrix
        Shape ``(output length, n)``.

    Examples
    --------
    >>> from convlab.symbolic import correlation_matrix, symbols_array
    >>> correlation_matrix(symbols_array("w", 2), 3)
    Matrix([
    [w_1, w_2,   0],
    [  0, w_1, w_2]])
    >>> correlation_matrix([1, 2, 3], 4, padding=1, stride=2)
    Matrix([
    [2, 3, 0, 0],
    [0, 1, 2, 3]])
    >>> correlation_matrix([1, 2], 3, padding="same", padding_mode="circular")
    Matrix([
    [1, 2, 0],
    [0, 1, 2],
    [2, 0, 1]])
    """
    kernel = np.asarray(w)
    if kernel.ndim != 1 or kernel.size == 0:
        raise ValueError(f"w must be a non-empty 1-D kernel; got shape {kernel.shape}")
    n = _length("n", n)
    weights = kernel[np.newaxis, np.newaxis]
    method = "loop" if kernel.dtype == object else "im2col"  # both exact on a 0/1 basis vector

    def layer(v: np.ndarray) -> np.ndarray:
        return conv1d(v[np.newaxis], weights, stride=stride, padding=padding, dilation=dilation,
                      padding_mode=padding_mode, method=method)[0]

    return matrix_of(layer, n)


__all__ = ["correlation_matrix", "matrix_of"]


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
