"""Shape arithmetic: output sizes and paddings, numeric or symbolic.

Every function works on Python ints *and* on SymPy expressions, so the book
derives its formulas by calling the same code the package runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._validate import geometry, int_tuple, is_symbolic, padding_pairs, size_param

#: An int, or a SymPy expression for symbolic shape arithmetic.
Size = Any
#: An int, a (before, after) pair, a tuple of them per axis, or "valid"/"same"/"full".
Padding = int | str | tuple


def output_size(n: Size, k: Size, *, stride: Size = 1, padding: Padding = 0, dilation: Size = 1) -> Size:
    """Length of a convolution's output along one axis.

    ``floor((n + p_total - dilation*(k-1) - 1) / stride) + 1``, where
    ``padding`` is an int (both sides), a ``(before, after)`` pair, or one of
    ``"valid"``, ``"same"``, ``"full"``. Arguments may be SymPy symbols.

    Examples
    --------
    >>> from convlab import output_size
    >>> output_size(32, 5), output_size(32, 5, padding=2), output_size(32, 3, stride=2, padding=1)
    (28, 32, 16)
    >>> output_size(10, 3, padding="full", dilation=2)
    14
    >>> import sympy
    >>> n, k, p, s = sympy.symbols("n k p s", positive=True, integer=True)
    >>> output_size(n, k, stride=s, padding=p)
    floor((-k + n + 2*p)/s) + 1
    """
    n = size_param("n", n, 0)
    k = size_param("k", k, 1)
    stride = size_param("stride", stride, 1)
    dilation = size_param("dilation", dilation, 1)
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise ValueError(f"padding must be an int, a (before, after) pair or one of ('valid', 'same', "
                             f"'full'); got {tuple(padding)!r}")
        padding = [tuple(padding)]
    (lo, hi), = padding_pairs(padding, 1, (k,), (dilation,), (stride,), symbolic=True)
    total = lo + hi
    size = (n + total - dilation * (k - 1) - 1) // stride + 1
    if not is_symbolic(size) and size < 1:
        raise ValueError(
            f"kernel too large: a kernel of size {k} with dilation {dilation} does not fit an "
            f"input of size {n} padded by {total}"
        )
    return size


def same_padding(k: Size, dilation: Size = 1) -> tuple[Size, Size]:
    """``(before, after)`` padding that keeps the size at stride 1, torch's split.

    The total is ``dilation*(k-1)``; an odd total puts the extra element after.

    Examples
    --------
    >>> from convlab import same_padding
    >>> same_padding(3), same_padding(4), same_padding(3, dilation=2)
    ((1, 1), (1, 2), (2, 2))
    """
    (pair,) = padding_pairs("same", 1, (size_param("k", k, 1),), (size_param("dilation", dilation, 1),),
                            (1,), symbolic=True)
    return pair


def conv_output_shape(x_shape: Sequence[Size], w_shape: Sequence[Size], *, stride: Size | tuple = 1,
                      padding: Padding = 0, dilation: Size | tuple = 1) -> tuple[Size, ...]:
    """Spatial output shape of ``convnd`` for the given input and weight shapes.

    Examples
    --------
    >>> from convlab import conv_output_shape
    >>> conv_output_shape((8, 3, 224, 224), (64, 3, 7, 7), stride=2, padding=3)
    (112, 112)
    """
    nd = len(w_shape) - 2
    if nd < 1 or len(x_shape) not in (nd + 1, nd + 2):
        raise ValueError(f"x_shape and w_shape must be (N, C_in, *spatial) or (C_in, *spatial) and "
                         f"(C_out, C_in/groups, *k); got {tuple(x_shape)} and {tuple(w_shape)}")
    spatial = tuple(x_shape[-nd:])
    kernel = tuple(w_shape[2:])
    if all(type(v) is int for v in spatial + kernel):
        return geometry(spatial, kernel, stride, padding, dilation).out_spatial
    spatial = tuple(size_param("x_shape", v, 0) for v in spatial)
    kernel = tuple(size_param("w_shape", v, 1) for v in kernel)
    strides = int_tuple("stride", stride, nd, minimum=1, symbolic=True)
    dilations = int_tuple("dilation", dilation, nd, minimum=1, symbolic=True)
    pads = padding_pairs(padding, nd, kernel, dilations, strides, symbolic=True)
    return tuple(output_size(n, k, stride=s, padding=p, dilation=d)
                 for n, k, s, p, d in zip(spatial, kernel, strides, pads, dilations))
