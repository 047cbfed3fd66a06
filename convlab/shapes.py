"""Shape arithmetic: output sizes and paddings, numeric or symbolic.

Every function works on Python ints *and* on SymPy expressions, so the book
derives its formulas by calling the same code the package runs.
"""

from __future__ import annotations

import numbers

from ._validate import int_tuple, padding_pairs


def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _check(name, v, minimum):
    if _is_int(v):
        if v < minimum:
            kind = "positive" if minimum == 1 else "non-negative"
            raise ValueError(f"{name} must be a {kind} int; got {v}")
        return int(v)
    try:
        import sympy
    except ImportError:  # pragma: no cover
        sympy = None
    if sympy is not None and isinstance(v, sympy.Basic):
        return v
    raise TypeError(f"{name} must be an int or a SymPy expression; got {v!r} of type {type(v).__name__}")


def output_size(n, k, *, stride=1, padding=0, dilation=1):
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
    n = _check("n", n, 0)
    k = _check("k", k, 1)
    stride = _check("stride", stride, 1)
    dilation = _check("dilation", dilation, 1)
    if isinstance(padding, str):
        if not (_is_int(k) and _is_int(dilation)):
            span = dilation * (k - 1)
            total = {"valid": 0, "full": 2 * span, "same": span}.get(padding)
            if total is None:
                raise ValueError(f"padding must be one of ('valid', 'same', 'full'); got {padding!r}")
        else:
            (lo, hi), = padding_pairs(padding, 1, (k,), (dilation,),
                                      (stride,) if _is_int(stride) else (2,))
            total = lo + hi
    elif isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise ValueError(f"padding must be an int, a (before, after) pair or a string; got {padding!r}")
        total = _check("padding", padding[0], 0) + _check("padding", padding[1], 0)
    else:
        total = 2 * _check("padding", padding, 0)
    size = (n + total - dilation * (k - 1) - 1) // stride + 1
    if _is_int(size) and size < 1:
        raise ValueError(
            f"kernel too large: a kernel of size {k} with dilation {dilation} does not fit an "
            f"input of size {n} padded by {total}"
        )
    return size


def same_padding(k, dilation=1):
    """``(before, after)`` padding that keeps the size at stride 1, torch's split.

    The total is ``dilation*(k-1)``; an odd total puts the extra element after.

    Examples
    --------
    >>> from convlab import same_padding
    >>> same_padding(3), same_padding(4), same_padding(3, dilation=2)
    ((1, 1), (1, 2), (2, 2))
    """
    (pair,) = padding_pairs("same", 1, (_check("k", k, 1),), (_check("dilation", dilation, 1),), (1,))
    return pair


def conv_output_shape(x_shape, w_shape, *, stride=1, padding=0, dilation=1):
    """Spatial output shape of ``convnd`` for the given input and weight shapes.

    Examples
    --------
    >>> from convlab import conv_output_shape
    >>> conv_output_shape((8, 3, 224, 224), (64, 3, 7, 7), stride=2, padding=3)
    (112, 112)
    """
    nd = len(w_shape) - 2
    spatial = tuple(x_shape[-nd:])
    kernel = tuple(w_shape[2:])
    strides = int_tuple("stride", stride, nd, minimum=1)
    dilations = int_tuple("dilation", dilation, nd, minimum=1)
    pads = padding_pairs(padding, nd, kernel, dilations, strides)
    return tuple(output_size(n, k, stride=s, padding=p, dilation=d)
                 for n, k, s, p, d in zip(spatial, kernel, strides, pads, dilations))
