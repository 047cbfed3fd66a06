"""The geometry of a convolution, from shapes alone.

:func:`padding_pairs` and :func:`geometry` (input and kernel shape, stride,
padding, dilation -> padding pairs and output shape, a :class:`Geometry`),
remembered per call signature so that a repeated call costs a dictionary
look-up (:func:`_plain` tells which arguments are safe as a cache key).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from .._shape_core import conv_size
from .._shape_core import span as kernel_span
from .scalars import _as_int, choice, int_tuple, is_symbolic

PADDING_MODES = ("zeros", "reflect", "replicate", "circular", "symmetric")
PADDING_STRINGS = ("valid", "same", "full")


class Geometry(NamedTuple):
    """Everything about a convolution that depends on shapes alone.

    ``padding`` holds one ``(before, after)`` pair per spatial axis and
    ``out_spatial`` the output's spatial shape.
    """

    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    groups: int
    padding_mode: str
    out_spatial: tuple[int, ...]


def padding_pairs(padding, nd: int, k: tuple, dilation: tuple, stride: tuple, *,
                  symbolic: bool = False) -> tuple[tuple, ...]:
    """Normalise ``padding`` to one ``(before, after)`` pair per spatial axis.

    ``"same"`` follows torch: the total ``d*(k-1)`` is split with the extra
    element after (on the right), and needs stride 1; ``"full"`` pads
    ``d*(k-1)`` on both sides. With ``symbolic`` the sizes may be SymPy
    expressions (a symbolic stride is refused by ``"same"``: it is not known
    to be 1).

    Examples
    --------
    >>> from convlab._validate import padding_pairs
    >>> padding_pairs("same", 2, (3, 4), (1, 1), (1, 1))
    ((1, 1), (1, 2))
    >>> padding_pairs([1, (0, 2)], 2, (3, 3), (1, 1), (1, 1))
    ((1, 1), (0, 2))
    """
    span = tuple(kernel_span(kk, d) - 1 for d, kk in zip(dilation, k))
    if isinstance(padding, str):
        choice("padding", padding, PADDING_STRINGS)
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "full":
            return tuple((s, s) for s in span)
        if any(is_symbolic(s) or s != 1 for s in stride):
            raise ValueError(
                f"padding='same' needs stride 1 in every dimension; got stride {tuple(stride)}"
            )
        return tuple((s // 2, s - s // 2) for s in span)
    what = (f"a non-negative int, a tuple of {nd} non-negative ints or of {nd} (before, after) "
            f"pairs, or one of {PADDING_STRINGS}")

    def one(v):
        return v if symbolic and is_symbolic(v) else _as_int("padding", v, what)

    return int_pairs(padding, nd, what, one)


def int_pairs(padding, nd: int, what: str, one) -> tuple:
    """``(before, after)`` per axis from one value, ``nd`` values or ``nd`` pairs, each
    entry read by ``one``; ``ValueError`` naming ``what`` is allowed for a wrong length,
    a pair that is not a pair, or a negative (non-symbolic) entry. Shared by the padding
    of a convolution (:func:`padding_pairs`) and of a transposed one.

    Examples
    --------
    >>> from convlab._validate.conv_geometry import int_pairs
    >>> int_pairs((1, (0, 2)), 2, "ints", int), int_pairs(3, 1, "ints", int)
    (((1, 1), (0, 2)), ((3, 3),))
    """
    if isinstance(padding, (tuple, list)):
        if len(padding) != nd:
            raise ValueError(f"padding must be {what}; got {tuple(padding)!r} of length {len(padding)}")
        pairs = []
        for p in padding:
            if isinstance(p, (tuple, list)):
                if len(p) != 2:
                    raise ValueError(f"padding must be {what}; got the entry {tuple(p)!r}")
                pairs.append((one(p[0]), one(p[1])))
            else:
                v = one(p)
                pairs.append((v, v))
    else:
        v = one(padding)
        pairs = [(v, v)] * nd
    if any(not is_symbolic(v) and v < 0 for pair in pairs for v in pair):
        shown = padding if not isinstance(padding, list) else tuple(padding)
        raise ValueError(f"padding must be {what}; got {shown!r}")
    return tuple(pairs)


def _plain(value) -> bool:
    """True for a str, an exact int, or (nested) tuples of them: safe as a cache key
    (``lru_cache`` would confuse ``True`` with ``1`` and ``1.0`` with ``1``)."""
    kind = type(value)
    return kind is int or kind is str or (kind is tuple and all(_plain(v) for v in value))


def geometry(spatial: tuple[int, ...], kernel: tuple[int, ...], stride, padding, dilation,
             padding_mode: str = "zeros", groups: int = 1, names: tuple[str, str] = ("x", "w")) -> Geometry:
    """Validate the geometry of a convolution from shapes alone: a :class:`Geometry`.

    ``spatial`` and ``kernel`` are the input's and the kernel's spatial
    shapes (already known to be tuples of ints of the same length) and
    ``groups`` is already validated. Repeated calls with the same plain
    arguments are answered from a cache.

    Padding that is not zeros needs an input axis with at least one cell;
    ``"reflect"`` also needs padding at most ``n - 1`` on an axis of ``n``
    cells (torch's limit: the edge sample is not repeated, so there are
    ``n - 1`` cells to mirror). ``"circular"``, ``"symmetric"`` and
    ``"replicate"`` admit any width, wrapping, mirroring or repeating as
    often as needed, as ``numpy.pad`` does with ``"wrap"``, ``"symmetric"``
    and ``"edge"`` (torch's circular refuses to wrap more than once).

    Examples
    --------
    >>> from convlab._validate import geometry
    >>> g = geometry((32, 32), (3, 3), 2, 1, 1)
    >>> g.padding, g.out_spatial
    (((1, 1), (1, 1)), (16, 16))
    >>> geometry((3,), (1,), 1, 7, 1, "circular").out_spatial      # wraps more than once
    (17,)
    >>> geometry((3,), (1,), 1, 3, 1, "reflect")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: padding_mode='reflect' needs padding at most 2 on spatial axis 0 of size 3; got (3, 3) ...
    """
    key = (spatial, kernel, stride, padding, dilation, padding_mode, groups, names)
    if (type(stride) is int and type(padding) is int and type(dilation) is int
            and type(padding_mode) is str and type(groups) is int) or _plain(key):
        return _geometry_cached(*key)
    return _geometry(*key)


def _geometry(spatial, kernel, stride, padding, dilation, padding_mode, groups, names=("x", "w")) -> Geometry:
    nd = len(spatial)
    stride = int_tuple("stride", stride, nd, minimum=1)
    dilation = int_tuple("dilation", dilation, nd, minimum=1)
    padding_mode = choice("padding_mode", padding_mode, PADDING_MODES)
    pads = padding_pairs(padding, nd, kernel, dilation, stride)
    if padding_mode != "zeros":
        for axis, (n, (lo, hi)) in enumerate(zip(spatial, pads)):
            if n == 0 and max(lo, hi) > 0:
                raise ValueError(
                    f"padding_mode={padding_mode!r} needs an input with at least one cell on "
                    f"spatial axis {axis} to pad it from; got size 0 with padding {(lo, hi)} "
                    f"(only padding_mode='zeros' pads an empty axis; {names[0]} is empty there)"
                )
            # reflect mirrors about the edge sample without repeating it: n - 1 cells to
            # mirror, torch's limit (the other modes repeat their pattern as numpy.pad does)
            if padding_mode == "reflect" and max(lo, hi) > n - 1:
                raise ValueError(
                    f"padding_mode={padding_mode!r} needs padding at most {n - 1} on spatial "
                    f"axis {axis} of size {n}; got {(lo, hi)} ('symmetric', 'circular' and "
                    f"'replicate' admit any width)"
                )
    out = []
    for axis, (n, kk, (lo, hi), s, d) in enumerate(zip(spatial, kernel, pads, stride, dilation)):
        padded, span = n + lo + hi, kernel_span(kk, d)
        if span > padded:
            raise ValueError(
                f"kernel too large: on spatial axis {axis} the dilated kernel spans "
                f"{span} (k={kk}, dilation={d}) but the padded input has size {padded} "
                f"(size {n}, padding {(lo, hi)}): {names[1]} does not fit {names[0]}"
            )
        out.append(conv_size(n, kk, s, lo, hi, d))
    # A stride or dilation larger than the padded input can matter nowhere (a stride that large
    # leaves one output, a dilation that large fits only a kernel of 1 tap): it is kept as the
    # padded size, so that byte strides and slice steps built from it fit an index (2**60 and
    # 10**400 give what 9 gives on 9 padded cells, as torch's shapes say).
    padded = [max(1, n + lo + hi) for n, (lo, hi) in zip(spatial, pads)]
    stride = tuple(min(s, m) for s, m in zip(stride, padded))
    dilation = tuple(min(d, m) for d, m in zip(dilation, padded))
    return Geometry(stride, pads, dilation, groups, padding_mode, tuple(out))


_geometry_cached = functools.lru_cache(maxsize=4096)(_geometry)
