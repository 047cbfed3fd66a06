"""Scalar parameters: ints, flags, strings, shapes and choices.

:func:`positive_int`, :func:`non_negative_int`, :func:`int_in_range`,
:func:`flag`, :func:`int_tuple`, :func:`shape_tuple`, :func:`choice`,
:func:`function`, :func:`nonempty_str`, :func:`real_number` (any real
number: Python's, numpy's, not a bool), and :func:`size_param` (an int or a
SymPy expression, :func:`is_symbolic`), each raising ``TypeError`` for a value
of the wrong type and ``ValueError`` for one of the right type that is not
allowed, the message naming the argument, what it got and what is allowed.
"""

from __future__ import annotations

import math
import numbers
import operator
import sys

import numpy as np


def is_symbolic(value) -> bool:
    """True for a SymPy object (without importing SymPy: one made it, so it is loaded)."""
    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(value, sympy.Basic)


def _is_int(value) -> bool:
    return isinstance(value, (numbers.Integral,)) and not isinstance(value, (bool, np.bool_))


def _as_int(name: str, value, what: str) -> int:
    if not _is_int(value):
        raise TypeError(f"{name} must be {what}; got {value!r} of type {type(value).__name__}")
    return operator.index(value)


def positive_int(name: str, value) -> int:
    """``value`` as an int ``>= 1``: ``TypeError`` if it is not an int, ``ValueError`` if it is smaller.

    Examples
    --------
    >>> from convlab._validate import positive_int
    >>> positive_int("n", 3)
    3
    >>> positive_int("n", 0)
    Traceback (most recent call last):
    ...
    ValueError: n must be a positive int; got 0
    """
    v = _as_int(name, value, "a positive int")
    if v < 1:
        raise ValueError(f"{name} must be a positive int; got {v}")
    return v


def non_negative_int(name: str, value) -> int:
    """``value`` as an int ``>= 0`` (errors as :func:`positive_int`)."""
    v = _as_int(name, value, "a non-negative int")
    if v < 0:
        raise ValueError(f"{name} must be a non-negative int; got {v}")
    return v


def int_in_range(name: str, value, low: int, high: int) -> int:
    """``value`` as an int with ``low <= value < high`` (errors as :func:`positive_int`).

    Examples
    --------
    >>> from convlab._validate import int_in_range
    >>> int_in_range("channel", 3, 0, 4)
    3
    """
    what = f"an int in {low}..{high - 1}"
    v = _as_int(name, value, what)
    if not low <= v < high:
        raise ValueError(f"{name} must be {what}; got {v}")
    return v


def function(name: str, value):
    """``value`` if it is callable, else ``TypeError``."""
    if not callable(value):
        raise TypeError(f"{name} must be callable; got {value!r} of type {type(value).__name__}")
    return value


def nonempty_str(name: str, value) -> str:
    """``value`` if it is a non-empty str: ``TypeError`` for anything but a str,
    ``ValueError`` for the empty str."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a non-empty str; got {value!r} of type {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must be a non-empty str; got {value!r}")
    return value


def real_number(name: str, value, what: str, *, low: float = -math.inf, high: float = math.inf,
                closed: str = "") -> float:
    """``value`` as a float: any real number (``numbers.Real``: Python's and numpy's
    ints and floats, not a bool), finite, between ``low`` and ``high``, each end
    excluded unless named in ``closed`` (``"low"``, ``"high"``). ``TypeError``
    naming ``what`` for another type, ``ValueError`` for a value outside.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._validate import real_number
    >>> real_number("lr", np.float32(0.5), "a positive finite number", low=0)
    0.5
    >>> real_number("momentum", 1, "a number in [0, 1)", low=0, high=1, closed="low")
    Traceback (most recent call last):
    ...
    ValueError: momentum must be a number in [0, 1); got 1
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {what}; got {value!r} of type {type(value).__name__}")
    v = float(value)
    inside = (low < v or ("low" in closed and v == low)) and (v < high or ("high" in closed and v == high))
    if not (math.isfinite(v) and inside):
        raise ValueError(f"{name} must be {what}; got {value!r}")
    return v


def flag(name: str, value) -> bool:
    """``value`` as a bool: ``TypeError`` for anything but ``True``/``False``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r} of type {type(value).__name__}")
    return bool(value)


def sequence_items(name: str, value, what: str) -> tuple:
    """The items of a shape given as a sequence (tuple, list, ``torch.Size``, a 1-D array),
    unchecked; ``TypeError`` naming ``what`` for anything else (an int, a str, a 0-d array).

    Examples
    --------
    >>> from convlab._validate.scalars import sequence_items
    >>> sequence_items("x_shape", [1, 3, 8], "a shape")
    (1, 3, 8)
    >>> sequence_items("x_shape", 3, "a tuple of ints")
    Traceback (most recent call last):
    ...
    TypeError: x_shape must be a tuple of ints; got 3 of type int
    """
    if (isinstance(value, (str, bytes, dict, set, frozenset)) or not hasattr(value, "__len__")
            or not hasattr(value, "__iter__") or np.ndim(value) != 1 and isinstance(value, np.ndarray)):
        raise TypeError(f"{name} must be {what}; got {value!r} of type {type(value).__name__}")
    return tuple(value)


def shape_tuple(name: str, value, ndim: int | None = None, *, minimum: int = 1) -> tuple[int, ...]:
    """A shape: an int (one axis) or a non-empty tuple of ints, each ``>= minimum``.

    With ``ndim`` the tuple must have that many entries (``ValueError``).

    Examples
    --------
    >>> from convlab._validate import shape_tuple
    >>> shape_tuple("input_shape", 5), shape_tuple("input_shape", (4, 4), 2)
    ((5,), (4, 4))
    """
    adjective = "positive" if minimum == 1 else "non-negative"
    what = f"a {adjective} int or a non-empty tuple of {adjective} ints"
    if ndim is not None:
        what = f"a tuple of {ndim} {adjective} ints"
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    items = tuple(_as_int(name, v, what) for v in items)
    if not items or (ndim is not None and len(items) != ndim):
        raise ValueError(f"{name} must be {what}; got {tuple(items)!r}")
    if any(v < minimum for v in items):
        raise ValueError(f"{name} must be {what}; got {items!r}")
    return items


def size_param(name: str, value, minimum: int):
    """An int ``>= minimum``, or a SymPy expression (returned as it is), for shape arithmetic.

    Examples
    --------
    >>> import sympy
    >>> from convlab._validate import size_param
    >>> size_param("n", 5, 0), size_param("n", sympy.Symbol("n"), 0)
    (5, n)
    """
    if is_symbolic(value):
        return value
    adjective = "positive" if minimum == 1 else "non-negative"
    v = _as_int(name, value, f"a {adjective} int or a SymPy expression")
    if v < minimum:
        raise ValueError(f"{name} must be a {adjective} int or a SymPy expression; got {v}")
    return v


def int_tuple(name: str, value, nd: int, *, minimum: int, symbolic: bool = False) -> tuple:
    """Normalise an int or a tuple of ``nd`` ints, each ``>= minimum``.

    With ``symbolic``, SymPy expressions are accepted in place of ints.

    Examples
    --------
    >>> from convlab._validate import int_tuple
    >>> int_tuple("stride", 2, 3, minimum=1), int_tuple("stride", [1, 2], 2, minimum=1)
    ((2, 2, 2), (1, 2))
    """
    adjective = "positive" if minimum == 1 else "non-negative"
    what = f"a {adjective} int or a tuple of {nd} {adjective} ints"
    if symbolic:
        what += " (or SymPy expressions)"
    if isinstance(value, (tuple, list)):
        if len(value) != nd:
            raise ValueError(f"{name} must be {what}; got {tuple(value)!r} of length {len(value)}")
        items = tuple(value)
    else:
        items = (value,) * nd
    items = tuple(v if symbolic and is_symbolic(v) else _as_int(name, v, what) for v in items)
    if any(not is_symbolic(v) and v < minimum for v in items):
        shown = value if not isinstance(value, list) else tuple(value)
        raise ValueError(f"{name} must be {what}; got {shown!r}")
    return items


def choice(name: str, value, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of the strings ``allowed`` (``TypeError`` for a non-string).

    Examples
    --------
    >>> from convlab._validate import choice
    >>> choice("mode", "same", ("valid", "same", "full"))
    'same'
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {allowed}; got {value!r} of type {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return value
