"""Pooling (:mod:`convlab.pooling`): torch's rules and the arrays pooling accepts.

:func:`pool_geometry` validates ``kernel_size``, ``stride``, ``padding``,
``dilation``, ``ceil_mode`` and the divisor rules against the input's shape
(a :class:`PoolGeometry`, cached like :func:`~convlab._validate.geometry`;
output sizes by :func:`pool_output_size`); :func:`pool_input` and
:func:`pool_grad_output` the arrays.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np

from .._shape_core import span as kernel_span
from .arrays import as_array
from .conv_geometry import _plain
from .scalars import flag, int_tuple, positive_int

#: The most cells a pooling window may have: pooling scans a window one cell (kernel tap) at a time,
#: so a window of 2**40 cells (padding at most half of it, all but a few cells padding) would run for
#: days; torch's CPU kernels loop the same way.
MAX_WINDOW = 2**20


class PoolGeometry(NamedTuple):
    """Everything about a pooling that depends on shapes alone, by torch's rules.

    ``padding`` is the symmetric padding of each spatial axis and ``extra``
    the further cells after the padded input that ``ceil_mode``'s last
    windows reach into (they belong to no window's divisor: torch clips such
    a window to the padded input). ``out_spatial`` is the output's spatial
    shape. ``count_include_pad`` and ``divisor_override`` are average
    pooling's (``True`` and ``None`` for max pooling).
    """

    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    ceil_mode: bool
    count_include_pad: bool
    divisor_override: int | None
    out_spatial: tuple[int, ...]
    extra: tuple[int, ...]

    @property
    def pairs(self) -> tuple[tuple[int, int], ...]:
        """``(before, after)`` padding per axis, ``extra`` included: what ``convnd`` is given."""
        return tuple((p, p + e) for p, e in zip(self.padding, self.extra))


def pool_output_size(n: int, k: int, stride: int, padding: int, dilation: int, ceil_mode: bool) -> int:
    """torch's output length of a pooling along one axis (may be < 1: too small).

    ``floor`` (or with ``ceil_mode`` ``ceil``) of
    ``(n + 2*padding - dilation*(k - 1) - 1) / stride``, plus one; with
    ``ceil_mode`` the last window must start inside the input or its left
    padding, else it is dropped.

    Examples
    --------
    >>> from convlab._validate import pool_output_size
    >>> pool_output_size(5, 2, 2, 0, 1, False), pool_output_size(5, 2, 2, 0, 1, True)
    (2, 3)
    >>> pool_output_size(4, 2, 2, 1, 1, True)     # a 4th window would start in the right padding
    3
    """
    out = (n + 2 * padding - kernel_span(k, dilation) + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= n + padding:
        out -= 1
    return out


def _pool_plain(kernel_size, stride, padding, dilation, ceil_mode, count_include_pad,
                divisor_override) -> bool:
    """True when the arguments are safe as a cache key (exact ints, tuples, bools, None)."""
    return (_plain(kernel_size) and (stride is None or _plain(stride)) and _plain(padding)
            and _plain(dilation) and type(ceil_mode) is bool and type(count_include_pad) is bool
            and (divisor_override is None or type(divisor_override) is int))


def pool_geometry(spatial: tuple[int, ...], kernel_size, stride=None, padding=0, dilation=1,
                  ceil_mode=False, *, count_include_pad=True, divisor_override=None) -> PoolGeometry:
    """Validate a pooling's parameters against the input's spatial shape: a :class:`PoolGeometry`.

    torch's rules: ``kernel_size``, ``stride`` (``None``: the kernel size)
    and ``dilation`` are positive ints or tuples of one per axis, ``padding``
    non-negative and at most half the kernel size, ``kernel_size // 2``, on
    every axis (torch checks the undilated kernel), ``ceil_mode`` and
    ``count_include_pad`` bools, ``divisor_override`` ``None`` or a positive
    int. The output must have at least one element per axis, and every window
    must hold at least one input cell (with a large dilation one can hold
    padding only: torch then returns ``-inf`` and an index outside the
    input). Repeated calls with the same plain arguments are answered from a
    cache.

    Examples
    --------
    >>> from convlab._validate import pool_geometry
    >>> g = pool_geometry((5, 6), 2, ceil_mode=True)
    >>> g.stride, g.out_spatial, g.extra
    ((2, 2), (3, 3), (1, 0))
    >>> pool_geometry((5,), 3, padding=2)                  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: padding must be at most half the kernel size (kernel_size // 2 = (1,)) ...
    """
    key = (tuple(spatial), kernel_size, stride, padding, dilation, ceil_mode, count_include_pad,
           divisor_override)
    if _pool_plain(*key[1:]):
        return _pool_geometry_cached(*key)
    return _pool_geometry(*key)


def _pool_geometry(spatial, kernel_size, stride, padding, dilation, ceil_mode, count_include_pad,
                   divisor_override) -> PoolGeometry:
    nd = len(spatial)
    kernel = int_tuple("kernel_size", kernel_size, nd, minimum=1)
    if math.prod(kernel) > MAX_WINDOW:
        raise ValueError(
            f"kernel_size must give windows of at most {MAX_WINDOW} cells (2**20; pooling scans a window "
            f"a cell at a time; for a global pooling use adaptive pooling); got kernel_size={kernel}"
        )
    stride = kernel if stride is None else int_tuple("stride", stride, nd, minimum=1)
    pads = int_tuple("padding", padding, nd, minimum=0)
    dilation = int_tuple("dilation", dilation, nd, minimum=1)
    ceil_mode = flag("ceil_mode", ceil_mode)
    count_include_pad = flag("count_include_pad", count_include_pad)
    if divisor_override is not None:
        divisor_override = positive_int("divisor_override", divisor_override)
        if divisor_override >= 2**63:     # an int64, as torch's (a larger one does not convert to a float)
            raise ValueError(f"divisor_override must be a positive int below 2**63 (an int64, as in torch); "
                             f"got {divisor_override}")
    if any(p > k // 2 for p, k in zip(pads, kernel)):
        raise ValueError(
            f"padding must be at most half the kernel size (kernel_size // 2 = "
            f"{tuple(k // 2 for k in kernel)}) on every axis, as in torch; got padding={pads} "
            f"for kernel_size={kernel}"
        )
    # a stride or dilation larger than the padded input can matter nowhere (one window; a
    # kernel of 1 tap): kept as the padded size, so that the arithmetic below fits an index
    padded = [n + 2 * p for n, p in zip(spatial, pads)]
    stride = tuple(min(s, max(m, 1)) for s, m in zip(stride, padded))
    dilation = tuple(min(d, max(m, 1)) for d, m in zip(dilation, padded))
    out, extra = [], []
    for axis, (n, k, s, p, d) in enumerate(zip(spatial, kernel, stride, pads, dilation)):
        size = pool_output_size(n, k, s, p, d, ceil_mode)
        if size < 1:
            raise ValueError(
                f"output too small: on spatial axis {axis} the window spans {kernel_span(k, d)} "
                f"(kernel_size={k}, dilation={d}) but the padded input has size {n + 2 * p} "
                f"(size {n}, padding {p}), so there is no output position"
            )
        starts = np.arange(size) * s - p                    # each window's first tap, in input cells
        taps = starts[:, None] + np.arange(k) * d
        empty = ~((taps >= 0) & (taps < n)).any(axis=1)
        if empty.any():
            o = int(np.argmax(empty))
            raise ValueError(
                f"on spatial axis {axis} the window of output {o} holds padding only (input size {n}, "
                f"kernel_size={k}, dilation={d}, padding={p}, stride={s}); reduce the padding or "
                f"the dilation"
            )
        out.append(size)
        extra.append(max(0, (size - 1) * s + kernel_span(k, d) - (n + 2 * p)))
    return PoolGeometry(kernel, stride, pads, dilation, ceil_mode, count_include_pad,
                        divisor_override, tuple(out), tuple(extra))


_pool_geometry_cached = functools.lru_cache(maxsize=1024)(_pool_geometry)


def pool_input(name: str, value, nd: int, op: str) -> tuple[np.ndarray, bool]:
    """``value`` as a real ``(N, C, *spatial)`` array for an ``nd``-d pooling ``op``,
    and whether it was unbatched ``(C, *spatial)`` (then a batch axis is added).

    ``TypeError`` for a dtype that is not integer or floating (bool, complex,
    object), ``ValueError`` for the wrong number of axes or an empty channel
    or spatial axis (an empty batch is allowed).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._validate import pool_input
    >>> x, unbatched = pool_input("x", np.ones((3, 4, 4)), 2, "max_pool2d")
    >>> x.shape, unbatched
    ((1, 3, 4, 4), True)
    """
    arr = as_array(name, value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be a real numeric array (integer or floating) for {op}; got dtype {arr.dtype}"
        )
    if arr.ndim not in (nd + 1, nd + 2):
        raise ValueError(
            f"{name} must have shape (N, C, *spatial) or (C, *spatial) with {nd + 2} or {nd + 1} "
            f"dimensions for {op}; got shape {arr.shape}"
        )
    unbatched = arr.ndim == nd + 1
    if unbatched:
        arr = arr[np.newaxis]
    if 0 in arr.shape[1:]:
        raise ValueError(
            f"{name} must have at least one channel and one cell per spatial axis for {op}; "
            f"got shape {arr.shape[unbatched:]}"
        )
    return arr, unbatched


def pool_grad_output(value, shape: tuple[int, ...], op: str, context: str = "") -> np.ndarray:
    """``grad_output`` of a pooling ``op`` as a real array of exactly ``shape``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._validate import pool_grad_output
    >>> pool_grad_output(np.ones((1, 2, 3)), (1, 2, 3), "max_pool1d").shape
    (1, 2, 3)
    """
    arr = as_array("grad_output", value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"grad_output must be a real numeric array (integer or floating) for {op}; "
            f"got dtype {arr.dtype}"
        )
    if arr.shape != tuple(shape):
        raise ValueError(
            f"grad_output must have the shape of {op}'s output, {tuple(shape)}; got shape {arr.shape}"
            + (f" ({context.strip()})" if context else "")
        )
    return arr
