"""A convolution problem in normal form: what every ``prepare_*`` returns.

:class:`Problem` holds the arrays, the geometry, the method and the dtype of
the result; :func:`check_method` validates a method name and :func:`_finish`
applies the dtype rules and the checks that need values, the last step of
every ``prepare_*``.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from .arrays import _result_dtype, check_integer_range
from .conv_geometry import Geometry
from .scalars import choice
from .transposed import TransposedGeometry


class Problem(NamedTuple):
    """A convolution problem in normal form.

    ``x`` is ``(N, C_in, *spatial)`` before padding, ``w`` is
    ``(C_out, C_in // groups, *k)``; ``dtype`` is the dtype of the result.
    A transposed convolution has a :class:`TransposedGeometry` and ``w`` of
    shape ``(C_in, C_out // groups, *k)``, the weight of the convolution it
    is the adjoint of.
    """

    x: np.ndarray
    w: np.ndarray
    bias: np.ndarray | None
    geometry: Geometry
    method: str
    dtype: np.dtype

    @property
    def nd(self) -> int:
        return self.w.ndim - 2

    @property
    def transposed(self) -> bool:
        """True for a transposed convolution (the adjoint of ``convnd``)."""
        return type(self.geometry) is TransposedGeometry

    @property
    def c_out(self) -> int:
        """The output's channels."""
        return self.w.shape[1] * self.geometry.groups if self.transposed else self.w.shape[0]


@functools.cache
def _registry():
    """:mod:`convlab.registry`, imported on first use: the registry's methods import
    this package's geometry, so this package cannot import them at its own import."""
    from .. import registry
    return registry


_names: list = [None, ()]        # (the registry they were read from, the names)


def method_names() -> tuple[str, ...]:
    """``"auto"`` and every registered method's name (:data:`convlab.METHODS`)."""
    methods = _registry().REGISTRY
    if _names[0] is not methods:
        _names[:] = [methods, ("auto",) + tuple(methods)]
    return _names[1]


def check_method(method) -> str:
    """``method`` if it is ``"auto"`` or one of :data:`convlab.METHODS`."""
    names = method_names()
    if type(method) is str and method in names:
        return method
    return choice("method", method, names)


def _finish(x, w, bias, geom: Geometry, method: str, fan_in: int | None = None) -> Problem:
    """The dtype rules and the checks that need values; the :class:`Problem`
    (``fan_in``: the products summed into one output, default ``w[0].size``)."""
    dtype = _result_dtype(x.dtype, w.dtype, None if bias is None else bias.dtype)
    problem = Problem(x, w, bias, geom, method, dtype)
    if method != "auto":
        _registry().check_supported(problem)      # the method's own rules: e.g. the FFT needs numbers
    if dtype.kind == "i":
        check_integer_range(x, w, bias, (w[0].size if w.shape[0] else 0) if fan_in is None else fan_in)
    return problem
