"""Shape arithmetic: output sizes and paddings, numeric or symbolic.

Every function works on Python ints *and* on SymPy expressions, so the book
derives its formulas by calling the same code the package runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._shape_core import conv_size, transposed_size
from ._validate import (
    flag,
    geometry,
    int_tuple,
    is_symbolic,
    padding_pairs,
    sequence_items,
    size_param,
    transposed_geometry,
    transposed_padding,
)

__all__ = ["conv_output_shape", "output_size", "same_padding"]

#: An int, or a SymPy expression for symbolic shape arithmetic.
Size = Any
#: An int, a (before, after) pair, a tuple of them per axis, or "valid"/"same"/"full".
Padding = int | str | tuple


def output_size(n: Size, k: Size, *, stride: Size = 1, padding: Padding = 0, dilation: Size = 1,
                transposed: bool = False, output_padding: Size = 0) -> Size:
    """Length of a convolution's output along one axis.

    ``floor((n + p_total - dilation*(k-1) - 1) / stride) + 1``, where
    ``padding`` is an int (both sides), a ``(before, after)`` pair, or one of
    ``"valid"``, ``"same"``, ``"full"``. Arguments may be SymPy symbols.

    With ``transposed=True``, the length of a transposed convolution's
    output (:func:`convlab.conv_transposend`),
    ``(n - 1)*stride - p_total + dilation*(k - 1) + output_padding + 1``:
    the input size of a convolution whose output has size ``n``.
    ``padding`` is then an int or a pair (no strings) and
    ``output_padding`` must be smaller than either the stride or the
    dilation.

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
    >>> output_size(28, 4, stride=2, padding=1, transposed=True)
    56
    >>> output_size(16, 3, stride=2, padding=1, output_padding=1, transposed=True)
    32
    >>> output_size(n, k, stride=s, padding=p, transposed=True)
    k - 2*p + s*(n - 1)
    """
    transposed = flag("transposed", transposed)
    n = size_param("n", n, 1 if transposed else 0)
    k = size_param("k", k, 1)
    stride = size_param("stride", stride, 1)
    dilation = size_param("dilation", dilation, 1)
    output_padding = size_param("output_padding", output_padding, 0)
    if not transposed and (is_symbolic(output_padding) or output_padding != 0):
        raise ValueError(f"output_padding is only for transposed=True; got output_padding={output_padding!r}")
    if transposed and isinstance(padding, str):
        transposed_padding(padding, 1)          # raises: no string paddings
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise ValueError(f"padding must be an int, a (before, after) pair or one of ('valid', 'same', "
                             f"'full'); got {tuple(padding)!r}")
        padding = [tuple(padding)]
    (lo, hi), = padding_pairs(padding, 1, (k,), (dilation,), (stride,), symbolic=True)
    if transposed:
        return transposed_size(n, k, stride, lo, hi, dilation, output_padding)
    size = conv_size(n, k, stride, lo, hi, dilation)
    if not is_symbolic(size) and size < 1:
        raise ValueError(
            f"kernel too large: a kernel of size k={k} with dilation={dilation} does not fit an "
            f"input of size n={n} padded by {lo + hi} (padding={padding!r})"
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


def _shape_channels(c_in, w_shape, transposed: bool) -> None:
    """Check the channels of :func:`conv_output_shape`'s shapes (numbers only: symbols pass):
    some ``groups`` must split ``C_in`` into ``w_shape[1]`` per group and ``C_out`` evenly
    (no ``groups`` argument: any that fits), or, transposed, ``w_shape[0]`` must be ``C_in``."""
    c_in = size_param("x_shape", c_in, 1)
    w0 = size_param("w_shape", w_shape[0], 1)
    w1 = size_param("w_shape", w_shape[1], 1)
    if any(is_symbolic(v) for v in (c_in, w0, w1)):
        return
    if transposed:
        if w0 != c_in:
            raise ValueError(f"channel mismatch: x_shape has C_in={c_in} channels, so w_shape[0] must be "
                             f"C_in={c_in} (a transposed convolution's weight is (C_in, C_out/groups, *k)); "
                             f"got w_shape {tuple(w_shape)}")
        return
    groups = c_in // w1 if c_in % w1 == 0 else 0
    if not groups or w0 % groups:
        raise ValueError(f"channel mismatch: x_shape has C_in={c_in} channels, so w_shape[1] must be "
                         f"C_in/groups for a groups that divides both C_in and C_out={w0} (w_shape[0]); "
                         f"got w_shape {tuple(w_shape)}")


def conv_output_shape(x_shape: Sequence[Size], w_shape: Sequence[Size], *, stride: Size | tuple = 1,
                      padding: Padding = 0, dilation: Size | tuple = 1, transposed: bool = False,
                      output_padding: Size | tuple = 0) -> tuple[Size, ...]:
    """Spatial output shape of ``convnd`` for the given input and weight shapes.

    With ``transposed=True``, that of :func:`convlab.conv_transposend`
    (``w_shape`` is then ``(C_in, C_out/groups, *k)``; ``output_padding``
    as there). Shapes may hold SymPy expressions.

    Examples
    --------
    >>> from convlab import conv_output_shape
    >>> conv_output_shape((8, 3, 224, 224), (64, 3, 7, 7), stride=2, padding=3)
    (112, 112)
    >>> conv_output_shape((1, 256, 16, 16), (256, 128, 3, 3), stride=2, padding=1, output_padding=1,
    ...                   transposed=True)
    (32, 32)
    >>> import sympy
    >>> h, w = sympy.symbols("h w", positive=True, integer=True)
    >>> conv_output_shape((8, 64, h, w), (64, 32, 4, 4), stride=2, padding=1, transposed=True)
    (2*h, 2*w)
    """
    transposed = flag("transposed", transposed)
    x_shape = sequence_items("x_shape", x_shape, "a shape (N, C_in, *spatial) or (C_in, *spatial)")
    w_shape = sequence_items("w_shape", w_shape, "a weight's shape (C_out, C_in/groups, *k)")
    nd = len(w_shape) - 2
    if nd < 1 or len(x_shape) not in (nd + 1, nd + 2):
        raise ValueError(f"x_shape and w_shape must be (N, C_in, *spatial) or (C_in, *spatial) and "
                         f"(C_out, C_in/groups, *k); got {tuple(x_shape)} and {tuple(w_shape)}")
    _shape_channels(x_shape[-nd - 1], w_shape, transposed)
    spatial = tuple(x_shape[-nd:])
    kernel = tuple(w_shape[2:])
    if not transposed and not (type(output_padding) is int and output_padding == 0):
        extras = int_tuple("output_padding", output_padding, nd, minimum=0, symbolic=True)
        if any(is_symbolic(e) or e for e in extras):
            raise ValueError(f"output_padding is only for transposed=True; got "
                             f"output_padding={output_padding!r}")
    if all(type(v) is int for v in spatial + kernel):
        if transposed:
            return transposed_geometry(spatial, kernel, stride, padding, output_padding, dilation).out_spatial
        return geometry(spatial, kernel, stride, padding, dilation).out_spatial
    spatial = tuple(size_param("x_shape", v, 1 if transposed else 0) for v in spatial)
    kernel = tuple(size_param("w_shape", v, 1) for v in kernel)
    strides = int_tuple("stride", stride, nd, minimum=1, symbolic=True)
    dilations = int_tuple("dilation", dilation, nd, minimum=1, symbolic=True)
    extras = int_tuple("output_padding", output_padding, nd, minimum=0, symbolic=True)
    if transposed and isinstance(padding, str):
        transposed_padding(padding, nd)         # raises: no string paddings
    pads = padding_pairs(padding, nd, kernel, dilations, strides, symbolic=True)
    return tuple(output_size(n, k, stride=s, padding=p, dilation=d, transposed=transposed, output_padding=e)
                 for n, k, s, p, d, e in zip(spatial, kernel, strides, pads, dilations, extras))


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
