"""Parameter and multiply-add counts of convolution and dense layers, as SymPy expressions.

Every function accepts Python ints or SymPy symbols and returns a SymPy
expression (a ``sympy.Integer`` when every argument is a number), so the book
can show a formula and evaluate it with the same call. :func:`count_products`
counts the multiplications in a symbolic result computed by convlab itself,
the brute-force check of :func:`conv_macs`.
"""

from __future__ import annotations

import numbers

import numpy as np
import sympy

from .._validate import flag, size_param


def _size(name: str, value, *, minimum: int = 1):
    """``value`` as a SymPy expression, rejecting non-positive or non-integer numbers."""
    return sympy.sympify(size_param(name, value, minimum))


def _product(name: str, value):
    """The product of an int/symbol or of a tuple of them (a kernel or output shape)."""
    if isinstance(value, (tuple, list)):
        if not value:
            raise ValueError(f"{name} must be an int, a SymPy expression or a non-empty tuple of them")
        return sympy.Mul(*(_size(name, v) for v in value))
    return _size(name, value)


def _groups(groups, c_in, c_out):
    g = _size("groups", groups)
    for channel_name, c in (("c_in", c_in), ("c_out", c_out)):
        if g.is_Integer and c.is_Integer and c % g:
            raise ValueError(f"groups={g} must divide {channel_name}={c}")
    return g


def _check_bias(bias) -> None:
    flag("bias", bias)


def conv_params(c_in, c_out, k, *, groups=1, bias: bool = True) -> sympy.Expr:
    """Number of learnable parameters of a convolution layer.

    ``c_out * (c_in / groups) * prod(k)`` weights, plus ``c_out`` biases when
    ``bias``: the size of a weight of shape ``(C_out, C_in/groups, *k)``.

    Parameters
    ----------
    c_in, c_out : int or sympy.Expr
        Input and output channels.
    k : int, sympy.Expr or tuple of them
        Kernel size; a tuple gives one size per spatial axis (``(3, 3)``),
        a single value is one axis only (use ``(k, k)`` for a square 2-D kernel).
    groups : int or sympy.Expr
        Must divide ``c_in`` and ``c_out`` when all three are numbers.
    bias : bool

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> from convlab.symbolic import conv_params
    >>> conv_params(3, 64, (3, 3))
    1792
    >>> C_in, C_out, k, g = sympy.symbols("C_in C_out k g", positive=True, integer=True)
    >>> conv_params(C_in, C_out, (k, k), groups=g)
    C_in*C_out*k**2/g + C_out
    """
    _check_bias(bias)
    c_in, c_out = _size("c_in", c_in), _size("c_out", c_out)
    g = _groups(groups, c_in, c_out)
    weights = c_out * (c_in / g) * _product("k", k)
    return weights + c_out if bias else weights


def conv_macs(c_in, c_out, k, out, *, groups=1, batch=1) -> sympy.Expr:
    """Multiply-adds of a convolution layer: one per weight per output position.

    ``batch * c_out * prod(out) * (c_in / groups) * prod(k)``; a FLOP count
    is about twice this (a multiply and an add). The bias adds are not counted.

    Parameters
    ----------
    c_in, c_out, k, groups
        As in :func:`conv_params`.
    out : int, sympy.Expr or tuple of them
        The output's spatial shape, e.g. ``(H_out, W_out)``
        (:func:`convlab.conv_output_shape` computes it).
    batch : int or sympy.Expr
        Number of samples.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy
    >>> from convlab.symbolic import conv_macs
    >>> conv_macs(3, 64, (3, 3), (224, 224))
    86704128
    >>> C, H, W, k = sympy.symbols("C H W k", positive=True, integer=True)
    >>> conv_macs(C, C, (k, k), (H, W), groups=C)      # depthwise
    C*H*W*k**2
    """
    c_in, c_out = _size("c_in", c_in), _size("c_out", c_out)
    g = _groups(groups, c_in, c_out)
    return _size("batch", batch) * c_out * _product("out", out) * (c_in / g) * _product("k", k)


def dense_params(n_in, n_out, *, bias: bool = True) -> sympy.Expr:
    """Parameters of a dense (fully connected) layer: ``n_in * n_out`` (+ ``n_out``).

    Examples
    --------
    >>> from convlab.symbolic import dense_params
    >>> dense_params(4, 3), dense_params(4, 3, bias=False)
    (15, 12)
    """
    _check_bias(bias)
    n_in, n_out = _size("n_in", n_in), _size("n_out", n_out)
    return n_in * n_out + n_out if bias else n_in * n_out


def dense_macs(n_in, n_out, *, batch=1) -> sympy.Expr:
    """Multiply-adds of a dense layer: ``batch * n_in * n_out``.

    Examples
    --------
    >>> from convlab.symbolic import dense_macs
    >>> dense_macs(4, 3, batch=2)
    24
    """
    return _size("batch", batch) * _size("n_in", n_in) * _size("n_out", n_out)


def count_products(y) -> int:
    """Number of products of symbols in an array of (expanded) SymPy sums.

    Run a convolution on :func:`~convlab.symbolic.symbols_array` inputs and
    this counts the multiply-adds that produced it: every term of every
    output that is a product. Terms that are a lone symbol (a bias) or a
    number are not counted; products with a padded zero vanish from the
    expression and are not counted either.

    Parameters
    ----------
    y : array_like of SymPy expressions

    Returns
    -------
    int

    Examples
    --------
    >>> import convlab
    >>> from convlab.symbolic import count_products, symbols_array
    >>> y = convlab.conv1d(symbols_array("x", (1, 5)), symbols_array("w", (1, 1, 3)),
    ...                    symbols_array("b", 1), method="loop")
    >>> y[0, 0]
    b_1 + w_{1,1,1}*x_{1,1} + w_{1,1,2}*x_{1,2} + w_{1,1,3}*x_{1,3}
    >>> count_products(y)
    9
    """
    arr = np.asarray(y, dtype=object)
    total = 0
    for value in arr.flat:
        if not isinstance(value, (sympy.Basic, numbers.Number)) or isinstance(value, bool):
            raise TypeError(
                f"y must hold SymPy expressions or numbers; found an element of type {type(value).__name__}"
            )
        expr = sympy.expand(value)
        total += sum(1 for term in sympy.Add.make_args(expr) if isinstance(term, sympy.Mul)
                     and sum(1 for f in term.args if not f.is_number) >= 2)
    return total


__all__ = ["conv_macs", "conv_params", "count_products", "dense_macs", "dense_params"]


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
