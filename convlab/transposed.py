"""Transposed convolution: the adjoint of :func:`convlab.convnd`.

A convolution ``y = conv(x)`` with a fixed weight is a linear map; its
transposed convolution is the transpose (adjoint) of that map, the unique
linear map with ::

    <conv(x), y> = <x, conv_transpose(y)>        for every x and y,

given the same ``stride``, ``padding``, ``dilation``, ``groups`` and the
same weight ``w``, of shape ``(C_in, C_out/groups, *k)`` from the transposed
convolution's side (``C_in`` is the channels it reads, the forward
convolution's output channels). Written out, each input cell adds a copy of
the kernel, scaled by the cell's value, into the output (the "scatter"
reading; ``g`` is the cell's group)::

    z[n, g*C_out/groups + o, i*stride + j*dilation - padding] += x[n, c, i] * w[c, o, j]

Cells that land in the padding are cropped, and ``output_padding`` extends
the end of each axis, so that the output has per axis ::

    (n - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1

cells: the input size of a convolution whose output is ``n`` (several input
sizes give the same output size when ``stride > 1``; ``output_padding``
picks one). Semantics are those of ``torch.nn.functional.conv_transpose1d``,
``2d`` and ``3d``; validation, dtype rules (exact ``int64`` for integers,
``numpy.result_type`` for floats, float16 computed in float32, object arrays
of SymPy expressions for ``loop`` and ``im2col``) and method names are those
of :func:`convlab.convnd`. ``padding`` may also be ``(before, after)`` pairs,
as for :func:`convlab.convnd`, but no string: torch has no ``"same"`` for a
transposed convolution.

Each method computes it its own way: ``loop`` scatters literally,
``im2col`` is one GEMM ``w^T @ x`` and a col2im scatter-add (one strided add
per kernel tap, in chunks under the memory cap), ``fft`` inserts zeros
between the input's cells and correlates with the flipped kernel.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._engine import run
from ._validate import as_array, prepare_transposed

__all__ = ["conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "conv_transposend"]

Padding = int | tuple


def _transposed(x, w, bias, **geometry) -> np.ndarray:
    """Validate and run; ``geometry``: ``nd``, ``stride``, ``padding``, ``output_padding``,
    ``dilation``, ``groups`` and ``method``, by name (never in an order to get wrong)."""
    problem, unbatched = prepare_transposed(x, w, bias, **geometry)
    z = run(problem)
    return z[0] if unbatched else z


def conv_transposend(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None,
                     stride: int | tuple = 1, padding: Padding = 0, output_padding: int | tuple = 0,
                     groups: int = 1, dilation: int | tuple = 1, *, method: str = "auto") -> np.ndarray:
    """N-d transposed convolution, ``nd = w.ndim - 2``: the adjoint of :func:`convlab.convnd`.

    Semantics are those of ``torch.nn.functional.conv_transpose1d/2d/3d``::

        z[n, g*C_out/groups + o, i*stride + j*dilation - padding] += x[n, c, i] * w[c, o, j]

    summed over every input cell ``(n, c, i)`` (``g`` its group), output
    channel ``o`` of the group and tap ``j``, plus ``bias[o]``; see
    :mod:`convlab.transposed`.

    Parameters
    ----------
    x : array_like
        ``(N, C_in, *spatial)``, or ``(C_in, *spatial)`` for one unbatched
        sample (the result is then unbatched too).
    w : array_like
        ``(C_in, C_out/groups, *k)``: the weight of the convolution from
        ``C_out`` to ``C_in`` channels that this is the adjoint of.
    bias : array_like, optional
        ``(C_out,)``, ``C_out = w.shape[1] * groups``.
    stride, dilation : int or tuple of nd ints
        Positive; those of the forward convolution.
    padding : int, tuple of nd ints, or of nd ``(before, after)`` pairs
        Non-negative: the forward convolution's padding, cropped from the
        output. No strings (``"same"``, ``"valid"``): torch has none here.
    output_padding : int or tuple of nd ints
        Cells added at the end of each axis; smaller than either the
        stride or the dilation on that axis (torch's rule).
    groups : int
        Divides ``C_in``; ``groups`` independent transposed convolutions.
    method : {"auto", "loop", "im2col", "fft"}
        How to compute it; all give the same result up to rounding.
        Keyword-only; the arguments before it may be given by position, in
        the order of ``torch.nn.functional.conv_transpose2d``: ``bias,
        stride, padding, output_padding, groups, dilation``.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, *out)`` with
        ``out = (n - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[1, 2, 3]])                     # one channel, three cells, unbatched
    >>> w = np.array([[[1, 10, 100]]])                # (C_in, C_out, k)
    >>> convlab.conv_transposend(x, w, stride=2)      # each cell adds a scaled kernel, 2 apart
    array([[  1,  10, 102,  20, 203,  30, 300]])
    >>> convlab.conv_transposend(x, w, stride=2, padding=1, output_padding=1)
    array([[ 10, 102,  20, 203,  30, 300]])
    >>> convlab.conv_transposend(x, w, None, 2, 1, 1)   # the same, in torch's positional order
    array([[ 10, 102,  20, 203,  30, 300]])
    """
    w_arr = as_array("w", w)
    if w_arr.ndim < 3:
        raise ValueError(
            f"w must have shape (C_in, C_out/groups, *k) with at least 3 dimensions; got shape {w_arr.shape}"
        )
    return _transposed(x, w_arr, bias, nd=w_arr.ndim - 2, stride=stride, padding=padding,
                       output_padding=output_padding, groups=groups, dilation=dilation, method=method)


def conv_transpose1d(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None,
                     stride: int | tuple = 1, padding: Padding = 0, output_padding: int | tuple = 0,
                     groups: int = 1, dilation: int | tuple = 1, *, method: str = "auto") -> np.ndarray:
    """1-D transposed convolution, like ``torch.nn.functional.conv_transpose1d``.

    See :func:`conv_transposend` for the parameters; ``x`` is ``(N, C_in, L)``
    or ``(C_in, L)`` and ``w`` is ``(C_in, C_out/groups, k)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x, w = np.arange(1.0, 6.0).reshape(1, 1, 5), np.ones((1, 1, 3))
    >>> y = convlab.conv1d(x, w, stride=2)                  # 5 cells -> 2
    >>> convlab.conv_transpose1d(y, w, stride=2).shape      # 2 cells -> 5, the adjoint's shape
    (1, 1, 5)
    >>> g = np.array([[[1.0, -1.0]]])                       # <conv(x), g> == <x, conv_transpose(g)>
    >>> bool(np.isclose((y * g).sum(), (x * convlab.conv_transpose1d(g, w, stride=2)).sum()))
    True
    """
    return _transposed(x, w, bias, nd=1, stride=stride, padding=padding, output_padding=output_padding,
                       groups=groups, dilation=dilation, method=method)


def conv_transpose2d(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None,
                     stride: int | tuple = 1, padding: Padding = 0, output_padding: int | tuple = 0,
                     groups: int = 1, dilation: int | tuple = 1, *, method: str = "auto") -> np.ndarray:
    """2-D transposed convolution, like ``torch.nn.functional.conv_transpose2d``.

    See :func:`conv_transposend` for the parameters; ``x`` is
    ``(N, C_in, H, W)`` or ``(C_in, H, W)`` and ``w`` is
    ``(C_in, C_out/groups, kh, kw)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.ones((1, 1, 2, 2), dtype=int)
    >>> convlab.conv_transpose2d(x, np.ones((1, 1, 3, 3), dtype=int), stride=2)[0, 0]  # overlaps add
    array([[1, 1, 2, 1, 1],
           [1, 1, 2, 1, 1],
           [2, 2, 4, 2, 2],
           [1, 1, 2, 1, 1],
           [1, 1, 2, 1, 1]])
    >>> x = np.zeros((8, 64, 28, 28), dtype=np.float32)      # a decoder's upsampling layer
    >>> convlab.conv_transpose2d(x, np.zeros((64, 32, 4, 4), np.float32), stride=2, padding=1).shape
    (8, 32, 56, 56)
    """
    return _transposed(x, w, bias, nd=2, stride=stride, padding=padding, output_padding=output_padding,
                       groups=groups, dilation=dilation, method=method)


def conv_transpose3d(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None,
                     stride: int | tuple = 1, padding: Padding = 0, output_padding: int | tuple = 0,
                     groups: int = 1, dilation: int | tuple = 1, *, method: str = "auto") -> np.ndarray:
    """3-D transposed convolution, like ``torch.nn.functional.conv_transpose3d``.

    See :func:`conv_transposend` for the parameters; ``x`` is
    ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)`` and ``w`` is
    ``(C_in, C_out/groups, kd, kh, kw)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.ones((2, 4, 3, 3, 3))
    >>> w = np.ones((4, 1, 2, 2, 2))                        # groups=2: C_out = 1 * 2
    >>> z = convlab.conv_transpose3d(x, w, bias=np.array([0.0, 0.5]), stride=2, groups=2)
    >>> z.shape, z[0, :, 0, 0, 0]                           # each output cell: 2 input channels
    ((2, 2, 6, 6, 6), array([2. , 2.5]))
    """
    return _transposed(x, w, bias, nd=3, stride=stride, padding=padding, output_padding=output_padding,
                       groups=groups, dilation=dilation, method=method)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
