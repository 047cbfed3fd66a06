"""The transforms of Winograd's minimal filtering, as exact SymPy matrices.

:func:`winograd_transforms` hands out the matrices that ``method="winograd"``
generates by the Toom-Cook construction
(:func:`convlab.methods.winograd.transforms`), as SymPy matrices of
rationals, so that the book can set them beside its own derivation and
count their multiplications without typing them in.
"""

from __future__ import annotations

import numbers
from fractions import Fraction

import sympy

from .._validate import positive_int


def _point(value) -> Fraction:
    """One interpolation point as a Fraction: an int, a Fraction or a SymPy rational."""
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, numbers.Rational) and not isinstance(value, bool):
        return Fraction(value)
    raise TypeError(f"points must hold rational numbers (int, fractions.Fraction or sympy.Rational); "
                    f"got {value!r} of type {type(value).__name__}")


def winograd_transforms(m: int, r: int = 3, points=None) -> tuple[sympy.Matrix, sympy.Matrix, sympy.Matrix]:
    """``(A^T, G, B^T)`` of Winograd's F(m, r), exact, as ``method="winograd"`` generates them.

    ``m`` outputs of an ``r``-tap correlation from ``t = m + r - 1`` inputs
    ``d``: ``y = A^T [(G w) * (B^T d)]`` with ``t`` multiplications (``*``
    element-wise), and in 2-D ``Y = A^T [(G W G^T) * (B^T D B)] A``. The
    matrices come from the Toom-Cook construction at the ``t - 1`` finite
    interpolation ``points`` and infinity; each row of ``B^T`` is scaled to
    coprime integers, its inverse scale moved into ``G``'s row.

    Parameters
    ----------
    m, r : int
        Outputs per tile and kernel taps.
    points : sequence of rationals, optional
        The ``m + r - 2`` distinct finite points (ints, ``fractions.Fraction``
        or ``sympy.Rational``). By default the points the package computes
        with, which exist for ``r = 3`` and ``m = 2`` or ``4`` only.

    Returns
    -------
    tuple of sympy.Matrix
        ``A^T`` (``m x t``), ``G`` (``t x r``) and ``B^T`` (``t x t``).

    Examples
    --------
    >>> from convlab.symbolic import winograd_transforms
    >>> at, g, bt = winograd_transforms(2)
    >>> at
    Matrix([
    [1, 1,  1, 0],
    [0, 1, -1, 1]])
    >>> bt.shape, g.shape
    ((4, 4), (4, 3))
    >>> winograd_transforms(6)
    Traceback (most recent call last):
    ...
    ValueError: points must be given for F(6, 3): the package computes with F(2, 3) and F(4, 3) only
    """
    from ..methods import winograd

    m, r = positive_int("m", m), positive_int("r", r)
    if points is None:
        if r != winograd.KERNEL or m not in winograd.POINTS:
            known = " and ".join(f"F({k}, {winograd.KERNEL})" for k in sorted(winograd.POINTS))
            raise ValueError(f"points must be given for F({m}, {r}): the package computes with {known} only")
        points = winograd.POINTS[m]
    if isinstance(points, (str, bytes)) or not hasattr(points, "__iter__"):
        raise TypeError(f"points must be a sequence of rational numbers; got {points!r} "
                        f"of type {type(points).__name__}")
    exact = tuple(_point(p) for p in points)
    at, g, bt = winograd.transforms(m, r, exact)
    return tuple(sympy.Matrix([[sympy.Rational(v.numerator, v.denominator) for v in row] for row in a])
                 for a in (at, g, bt))


__all__ = ["winograd_transforms"]


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
