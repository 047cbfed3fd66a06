"""A convolution problem in normal form: what every ``prepare_*`` returns.

:class:`Problem` holds the arrays, the geometry, the method and the dtype of
the result; :func:`check_method` validates a method name and :func:`_finish`
applies the dtype rules and the checks that need values, the last step of
every ``prepare_*``.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np

from .arrays import _result_dtype, check_integer_range
from .conv_geometry import Geometry
from .scalars import choice
from .sizes import SMALL_BYTES, check_allocation, shown
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
    if not _below_size_rule(problem):
        # the size rule (:mod:`.sizes`)
        check_allocation(functools.partial(problem_cause, problem), (x.shape[0], problem.c_out,
                                                                     *geom.out_spatial), dtype.itemsize)
    if method != "auto":
        _registry().check_supported(problem)      # the method's own rules: e.g. the FFT needs numbers
    if dtype.kind == "i":
        check_integer_range(x, w, bias, (w[0].size if w.shape[0] else 0) if fan_in is None else fan_in)
    return problem


def _below_size_rule(problem: Problem) -> bool:
    """Whether ``problem``'s result is too small for the size rule to read the memory available
    (the bound covers C_out of both kinds of problem: a convolution's ``w.shape[0]``, a
    transposed one's ``w.shape[1] * groups <= w.shape[0] * w.shape[1]``)."""
    x, w = problem.x, problem.w
    return (x.shape[0] * w.shape[0] * w.shape[1] * math.prod(problem.geometry.out_spatial)
            * problem.dtype.itemsize < SMALL_BYTES)


def problem_cause(problem: Problem) -> str:
    """The arguments that make ``problem``'s result and buffers as large as they are, as
    :func:`~convlab._validate.sizes.check_allocation` names them: the padding of an axis
    padded by more than its size; a transposed convolution's stride, dilation or
    output_padding where they add more than the input's and kernel's sizes; else the shapes."""
    x, w, geom = problem.x, problem.w, problem.geometry
    spatial, kernel = x.shape[2:], w.shape[2:]
    named = []
    if problem.transposed:
        terms = {"stride": [(n - 1) * (s - 1) for n, s in zip(spatial, geom.stride)],
                 "dilation": [(d - 1) * (k - 1) for d, k in zip(geom.dilation, kernel)],
                 "output_padding": list(geom.output_padding)}
        values = {"stride": geom.stride, "dilation": geom.dilation, "output_padding": geom.output_padding}
        for name, added in terms.items():
            if any(a > max(n, k) for a, n, k in zip(added, spatial, kernel)):
                named.append(f"{name}={shown(values[name])}")
    else:
        if any(lo + hi > max(n, k) for (lo, hi), n, k in zip(geom.padding, spatial, kernel)):
            named.append(f"padding={shown(geom.padding)}")
        if any((d - 1) * (k - 1) > n for d, k, n in zip(geom.dilation, kernel, spatial)):
            named.append(f"dilation={shown(geom.dilation)}")
    shapes = f"x of shape {x.shape} and w of shape {w.shape}"
    return f"{' and '.join(named)} (with {shapes})" if named else shapes
