"""Identities between convolution-like operations, checked entry by entry with SymPy.

An identity between two array-valued expressions holds when their difference
expands to zero in every entry. :func:`residual` computes that difference,
:func:`holds` says whether it vanishes, and :func:`commutator` /
:func:`associator` measure how far a binary operation is from being
commutative or associative, and :func:`index_pairs` reads off which input
entry meets which kernel entry in one output. :func:`convolution_by_definition` evaluates the
textbook sum ``y[i] = sum_j x[i - j] w[j]`` directly, independently of
convlab's engine, so the book can check convlab against the definition.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy
from numpy.typing import ArrayLike

BinaryOp = Callable[..., np.ndarray]


def _as_operand(name: str, value) -> np.ndarray:
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers or SymPy expressions; got {value!r}")
    arr = np.asarray(value)
    if arr.dtype.kind not in "iufcO":
        raise TypeError(
            f"{name} must be an array of numbers or SymPy expressions; got dtype {arr.dtype}"
        )
    return arr


def residual(lhs: ArrayLike, rhs: ArrayLike) -> np.ndarray:
    """The entrywise difference ``lhs - rhs``, each entry expanded by SymPy.

    An identity ``lhs == rhs`` holds exactly when every entry of the result is
    ``0``; a non-zero entry is the part that does not cancel.

    Parameters
    ----------
    lhs, rhs : array_like
        Arrays of the same shape holding numbers or SymPy expressions.

    Returns
    -------
    numpy.ndarray
        An object array of expanded SymPy expressions, shaped like ``lhs``.

    Raises
    ------
    ValueError
        If the shapes differ.

    Examples
    --------
    >>> import numpy as np, sympy
    >>> a, b = sympy.symbols("a b")
    >>> residual(np.array([a * (a + b), a]), np.array([a**2 + a * b, b]))
    array([0, a - b], dtype=object)
    """
    left, right = _as_operand("lhs", lhs), _as_operand("rhs", rhs)
    if left.shape != right.shape:
        raise ValueError(
            f"lhs and rhs must have the same shape; got {left.shape} and {right.shape}"
        )
    out = np.empty(left.shape, dtype=object)
    for index in np.ndindex(*left.shape):
        out[index] = sympy.expand(sympy.sympify(left[index]) - sympy.sympify(right[index]))
    return out


def holds(lhs: ArrayLike, rhs: ArrayLike) -> bool:
    """Whether ``lhs == rhs`` entry by entry, as an exact symbolic identity.

    Arrays of different shapes are never equal (``False``, not an error).

    Examples
    --------
    >>> import numpy as np
    >>> import convlab
    >>> from convlab.symbolic import symbols_array
    >>> x, w = symbols_array("x", 4), symbols_array("w", 2)
    >>> holds(convlab.convolve(x, w, "valid"), convlab.correlate(x, w[::-1], "valid"))
    True
    >>> holds(convlab.convolve(x, w, "valid"), convlab.correlate(x, w, "valid"))
    False
    """
    left, right = _as_operand("lhs", lhs), _as_operand("rhs", rhs)
    if left.shape != right.shape:
        return False
    return all(entry == 0 for entry in residual(left, right).flat)


def _check_op(op) -> None:
    if not callable(op):
        raise TypeError(f"op must be a callable such as convlab.convolve; got {op!r}")


def commutator(op: BinaryOp, a: ArrayLike, b: ArrayLike, **options) -> np.ndarray:
    """``op(a, b) - op(b, a)``, expanded entry by entry (all zero iff ``op`` commutes on them).

    Parameters
    ----------
    op : callable
        A binary operation such as ``convlab.convolve``.
    a, b : array_like
        Its operands (typically ``symbols_array`` arrays).
    **options
        Passed to every call of ``op`` (e.g. ``mode="full"``).

    Raises
    ------
    ValueError
        If ``op(a, b)`` and ``op(b, a)`` have different shapes.

    Examples
    --------
    >>> import convlab
    >>> from convlab.symbolic import symbols_array
    >>> a, b = symbols_array("a", 2), symbols_array("b", 2)
    >>> commutator(convlab.convolve, a, b, mode="full")
    array([0, 0, 0], dtype=object)
    >>> commutator(convlab.correlate, a, b, mode="full")
    array([a_1*b_2 - a_2*b_1, 0, -a_1*b_2 + a_2*b_1], dtype=object)
    """
    _check_op(op)
    return residual(op(a, b, **options), op(b, a, **options))


def associator(op: BinaryOp, a: ArrayLike, b: ArrayLike, c: ArrayLike, **options) -> np.ndarray:
    """``op(op(a, b), c) - op(a, op(b, c))``, expanded entry by entry.

    All entries are zero exactly when ``op`` is associative on these operands.
    ``options`` are passed to every call of ``op``.

    Raises
    ------
    ValueError
        If the two groupings give arrays of different shapes.

    Examples
    --------
    >>> import convlab
    >>> from convlab.symbolic import symbols_array
    >>> a, b, c = (symbols_array(s, 2) for s in "abc")
    >>> associator(convlab.convolve, a, b, c, mode="full")
    array([0, 0, 0, 0], dtype=object)
    >>> any(associator(convlab.correlate, a, b, c, mode="full"))
    True
    """
    _check_op(op)
    return residual(op(op(a, b, **options), c, **options), op(a, op(b, c, **options), **options))


def index_pairs(expr, x: ArrayLike, w: ArrayLike) -> list[tuple]:
    """Which entry of ``x`` meets which entry of ``w`` in one output, read off its formula.

    ``expr`` must be a sum of products ``x[m] * w[j]`` of symbols from the
    arrays ``x`` and ``w`` (typically one entry of a convlab result computed
    on :func:`~convlab.symbolic.symbols_array` arrays). Returns the sorted
    array indices ``(m, j)`` of every term: ints for 1-D arrays, tuples
    otherwise.

    Raises
    ------
    ValueError
        If a term is not the product of exactly one symbol of ``x`` and one
        of ``w`` (up to a numeric factor).

    Examples
    --------
    >>> import convlab
    >>> from convlab.symbolic import symbols_array
    >>> x, w = symbols_array("x", 5, start=0), symbols_array("w", 3, start=0)
    >>> y = convlab.convolve(x, w, "valid")
    >>> y[0]
    w_0*x_2 + w_1*x_1 + w_2*x_0
    >>> index_pairs(y[0], x, w)
    [(0, 2), (1, 1), (2, 0)]
    """
    x_arr, w_arr = _as_operand("x", x), _as_operand("w", w)
    x_at = {s: (i[0] if x_arr.ndim == 1 else i) for i, s in np.ndenumerate(x_arr)}
    w_at = {s: (j[0] if w_arr.ndim == 1 else j) for j, s in np.ndenumerate(w_arr)}
    pairs = []
    for term in sympy.Add.make_args(sympy.expand(sympy.sympify(expr))):
        if term == 0:
            continue
        factors = sympy.Mul.make_args(term)
        xs = [f for f in factors if f in x_at]
        ws = [f for f in factors if f in w_at]
        rest = [f for f in factors if f not in x_at and f not in w_at]
        if len(xs) != 1 or len(ws) != 1 or not all(f.is_number for f in rest):
            raise ValueError(
                f"every term must be a number times one entry of x and one entry of w; got the term {term}"
            )
        pairs.append((x_at[xs[0]], w_at[ws[0]]))
    return sorted(pairs)


def convolution_by_definition(x: ArrayLike, w: ArrayLike) -> np.ndarray:
    """Full N-d convolution straight from its defining sum, without convlab's engine.

    ``y[i] = sum_j x[i - j] * w[j]``, summed over every kernel index ``j``
    for which ``i - j`` is a valid index of ``x``; the output has shape
    ``n + k - 1`` along each axis. It loops over output and kernel indices, so
    it is meant for small (often symbolic) arrays.

    Parameters
    ----------
    x, w : array_like
        Non-empty arrays with the same number of dimensions (at least 1),
        holding numbers or SymPy expressions.

    Returns
    -------
    numpy.ndarray
        Object array for symbolic inputs, else the numpy result type.

    Examples
    --------
    >>> from convlab.symbolic import symbols_array
    >>> convolution_by_definition(symbols_array("x", 3), symbols_array("w", 2))
    array([w_1*x_1, w_1*x_2 + w_2*x_1, w_1*x_3 + w_2*x_2, w_2*x_3], dtype=object)
    >>> convolution_by_definition([1, 2, 3], [1, 1])
    array([1, 3, 5, 3])
    """
    x_arr, w_arr = _as_operand("x", x), _as_operand("w", w)
    if x_arr.ndim == 0 or x_arr.ndim != w_arr.ndim:
        raise ValueError(
            "x and w must have the same number of dimensions (at least 1); "
            f"got x of shape {x_arr.shape} and w of shape {w_arr.shape}"
        )
    if x_arr.size == 0 or w_arr.size == 0:
        raise ValueError(
            f"x and w must not be empty; got x of shape {x_arr.shape} and w of shape {w_arr.shape}"
        )
    shape = tuple(n + k - 1 for n, k in zip(x_arr.shape, w_arr.shape))
    out = np.empty(shape, dtype=np.result_type(x_arr, w_arr))
    for i in np.ndindex(*shape):
        total = 0
        for j in np.ndindex(*w_arr.shape):
            m = tuple(ii - jj for ii, jj in zip(i, j))
            if all(0 <= mm < n for mm, n in zip(m, x_arr.shape)):
                total += x_arr[m] * w_arr[j]
        out[i] = total
    return out


__all__ = ["associator", "commutator", "convolution_by_definition", "holds", "index_pairs", "residual"]


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
