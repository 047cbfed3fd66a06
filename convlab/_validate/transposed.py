"""The geometry of a transposed convolution, the adjoint of ``convnd``.

:func:`transposed_padding` and :func:`transposed_geometry` (a
:class:`TransposedGeometry`, cached like :func:`~convlab._validate.geometry`);
:func:`~convlab._validate.prepare_transposed` validates a whole call
(:mod:`convlab._validate.layers`).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from .._shape_core import check_output_padding, transposed_size
from .conv_geometry import _plain, int_pairs
from .scalars import _as_int, int_tuple


class TransposedGeometry(NamedTuple):
    """Everything about a transposed convolution that depends on shapes alone.

    ``stride``, ``padding`` (one ``(before, after)`` pair per axis),
    ``dilation`` and ``groups`` are those of the convolution it is the
    adjoint of; ``output_padding`` adds cells at the end of each axis, and
    ``out_spatial`` is the output's spatial shape, per axis
    ``(n - 1)*stride - before - after + dilation*(k - 1) + output_padding + 1``.
    """

    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    groups: int
    output_padding: tuple[int, ...]
    out_spatial: tuple[int, ...]


def transposed_padding(padding, nd: int) -> tuple[tuple[int, int], ...]:
    """A transposed convolution's ``padding``: one ``(before, after)`` pair per axis.

    An int, a tuple of ``nd`` ints, or of ``nd`` ``(before, after)`` pairs,
    all non-negative (torch takes the first two). Strings are refused: a
    transposed convolution has no ``"same"`` or ``"valid"`` (torch has none).

    Examples
    --------
    >>> from convlab._validate import transposed_padding
    >>> transposed_padding(1, 2), transposed_padding((0, (1, 2)), 2)
    (((1, 1), (1, 1)), ((0, 0), (1, 2)))
    >>> transposed_padding("same", 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: padding of a transposed convolution must be ...; got 'same'. There are no string paddings ...
    """
    what = (f"a non-negative int, a tuple of {nd} non-negative ints or of {nd} (before, after) pairs")
    if isinstance(padding, str):
        raise ValueError(
            f"padding of a transposed convolution must be {what}; got {padding!r}. There are no "
            "string paddings (torch's conv_transpose has none either): pass the ints the forward "
            "convolution used, e.g. convlab.same_padding(k)"
        )
    if type(padding) is int and padding >= 0:
        return ((padding, padding),) * nd
    return int_pairs(padding, nd, what, lambda v: _as_int("padding", v, what))


def transposed_geometry(spatial: tuple[int, ...], kernel: tuple[int, ...], stride, padding,
                        output_padding, dilation, groups: int = 1) -> TransposedGeometry:
    """Validate the geometry of a transposed convolution from shapes alone.

    ``spatial`` and ``kernel`` are the input's and the kernel's spatial
    shapes; ``groups`` is already validated. ``output_padding`` must be
    smaller than either the stride or the dilation on each axis (torch's
    rule: it only picks among the input sizes that a convolution maps to
    the same output size), and every output size must be positive. Repeated calls with the same plain
    arguments are answered from a cache.

    Examples
    --------
    >>> from convlab._validate import transposed_geometry
    >>> g = transposed_geometry((28, 28), (4, 4), 2, 1, 0, 1)
    >>> g.padding, g.out_spatial
    (((1, 1), (1, 1)), (56, 56))
    >>> transposed_geometry((16,), (3,), 2, 1, 1, 1).out_spatial
    (32,)
    """
    key = (spatial, kernel, stride, padding, output_padding, dilation, groups)
    if _plain(key):
        return _transposed_geometry_cached(*key)
    return _transposed_geometry(*key)


def _transposed_geometry(spatial, kernel, stride, padding, output_padding, dilation,
                         groups) -> TransposedGeometry:
    nd = len(spatial)
    stride = int_tuple("stride", stride, nd, minimum=1)
    dilation = int_tuple("dilation", dilation, nd, minimum=1)
    pads = transposed_padding(padding, nd)
    extra = int_tuple("output_padding", output_padding, nd, minimum=0)
    for axis, (op, s, d) in enumerate(zip(extra, stride, dilation)):
        check_output_padding(op, s, d, f" on spatial axis {axis}")
    out = []
    for axis, (n, kk, (lo, hi), s, d, op) in enumerate(zip(spatial, kernel, pads, stride, dilation,
                                                           extra)):
        if n < 1:
            raise ValueError(
                f"x must have at least one element on every spatial axis of a transposed "
                f"convolution; got size {n} on spatial axis {axis}"
            )
        out.append(transposed_size(n, kk, s, lo, hi, d, op, f" on spatial axis {axis}"))
    # a stride that can matter nowhere (one input cell) and a dilation that can matter nowhere
    # (a kernel of 1 tap) are kept small, above the output size and the output_padding, so that
    # the steps built from them fit an index
    stride = tuple(s if n > 1 else min(s, max(o, op) + 1) for s, n, o, op in zip(stride, spatial, out, extra))
    dilation = tuple(d if kk > 1 else min(d, max(o, op) + 1)
                     for d, kk, o, op in zip(dilation, kernel, out, extra))
    return TransposedGeometry(stride, pads, dilation, groups, extra, tuple(out))


_transposed_geometry_cached = functools.lru_cache(maxsize=4096)(_transposed_geometry)
