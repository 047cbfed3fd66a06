"""Object arrays of SymPy symbols, indexed as the book indexes them."""

from __future__ import annotations

import numpy as np
import sympy

from .._validate import nonempty_str, shape_tuple

__all__ = ["as_matrix", "symbols_array"]


def symbols_array(name: str, shape, *, start: int = 1, real: bool = True) -> np.ndarray:
    """An object array of SymPy symbols ``name_{i,j,...}``.

    Indices start at ``start`` (1, as in the book's formulas, by default).
    Symbols are real by default, so conjugation (``correlate`` conjugates its
    kernel) leaves them unchanged.

    Examples
    --------
    >>> from convlab.symbolic import symbols_array
    >>> symbols_array("x", 3)
    array([x_1, x_2, x_3], dtype=object)
    >>> symbols_array("w", (2, 2))
    array([[w_{1,1}, w_{1,2}],
           [w_{2,1}, w_{2,2}]], dtype=object)
    """
    nonempty_str("name", name)
    shape = shape_tuple("shape", shape, minimum=0)
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(*shape):
        label = ",".join(str(i + start) for i in index)
        sub = label if len(index) == 1 else "{" + label + "}"
        out[index] = sympy.Symbol(f"{name}_{sub}", real=real)
    return out


def as_matrix(a) -> sympy.Matrix:
    """A 1-D or 2-D array as a SymPy ``Matrix`` (1-D becomes a column), for display.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.symbolic import as_matrix
    >>> as_matrix(np.array([1, 2]))
    Matrix([
    [1],
    [2]])
    """
    arr = np.asarray(a, dtype=object)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"a must be 1-D or 2-D; got shape {arr.shape}")
    return sympy.Matrix(arr.tolist())


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
