"""The public convolution API.

Two families share one engine:

* :func:`correlate` / :func:`convolve` -- single-channel N-d signals with
  numpy/scipy semantics (modes ``valid``, ``same``, ``full``), over every
  axis or, with ``axes=``, over some axes and broadcast over the others, as
  ``scipy.signal.fftconvolve`` does.
* :func:`conv1d`, :func:`conv2d`, :func:`conv3d`, :func:`convnd` -- the
  deep-learning layer, with ``torch.nn.functional`` semantics: batches,
  channels, stride, padding, dilation, groups and bias.

Everything is computed as a cross-correlation. Convolution is *defined* as
cross-correlation with the flipped kernel, exactly as the book teaches it.

Dtype rules (identical for every method): integer inputs give exact
``int64`` results (``fft`` rounds, and falls back to ``im2col`` when float64
could not hold the sums); floating and complex inputs give
``np.result_type`` of the inputs (float16 is computed in float32); object
arrays (SymPy expressions) give object arrays (``loop`` and ``im2col`` only).

Empty signals, one rule for every mode and method: an axis of ``x`` with no
cell gives an axis of the result with no cell, in ``valid``, ``same`` and
``full`` alike (an empty signal has no sample for the kernel to overlap, so
there is no position to report; ``full``'s ``n + k - 1`` counts overlaps of
a signal that has at least one). The other axes keep their sizes. An empty
kernel is an error. NumPy refuses an empty signal in every mode, and
``scipy.signal.convolve`` in ``full`` and ``valid`` while it returns an
empty array in ``same``; ``scipy.signal.fftconvolve`` returns an empty
array of shape ``(0,)`` whatever the operands' shapes.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import ArrayLike

from ._chunks import patch_view
from ._engine import run
from ._padding import pad
from ._validate import (
    Problem,
    as_array,
    explained_call,
    geometry,
    prepare_conv,
    prepare_correlate,
    shape_tuple,
)
from ._validate.sizes import check_allocation, shown
from .resolve import Plan, resolve

__all__ = ["choose_method", "conv1d", "conv2d", "conv3d", "convnd", "convolve", "correlate",
           "explain_method", "unfold"]

Padding = int | str | tuple


def _spatial_axes(problem: Problem) -> tuple[int, ...]:
    return tuple(range(2, 2 + problem.nd))


def _cross_correlate(problem: Problem) -> np.ndarray:
    """The one definition everything else is built on (no conjugation)."""
    return run(problem)
def correlate(x: ArrayLike, w: ArrayLike, mode: str = "valid", *, method: str = "auto",
              axes: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Cross-correlate two N-d arrays, as ``scipy.signal.correlate`` does.

    ``z[i] = sum_j x[i + j] * conj(w[j])`` over the positions allowed by
    ``mode``; complex kernels are conjugated, as in numpy and scipy. The
    default mode is numpy's, ``"valid"`` (scipy's default is ``"full"``).

    Parameters
    ----------
    x, w : array_like
        Signal and kernel with the same number of dimensions (at least 1).
        ``w`` must not be empty; ``x`` may be (see Notes).
    mode : {"valid", "same", "full"}
        On each axis correlated over, with ``n`` cells in ``x`` and ``k`` in
        ``w``: ``valid``, only where ``w`` fits inside ``x`` (``n - k + 1``
        cells; it is an error if ``w`` is larger); ``full``, every overlap
        (``n + k - 1``); ``same``, ``n`` cells, centred on ``full`` exactly
        as scipy does (for an even kernel the extra zero goes *before* the
        signal).
    method : {"auto", "loop", "im2col", "fft"}
        How to compute it; all give the same result up to rounding.
    axes : int or tuple of ints, optional
        The axes to correlate over (default: all), as in
        ``scipy.signal.fftconvolve``. On every other axis ``x`` and ``w``
        must have equal sizes or size 1 in one of them, and broadcast: each
        row of a batch ``x`` of shape ``(B, n)`` is correlated with a kernel
        of shape ``(1, k)``, or with its own row of a ``(B, k)`` kernel. The
        broadcast axes keep their broadcast size in every mode (in
        ``same`` scipy crops them to ``x``'s size, keeping only the middle
        rows of a batch of kernels).

    Returns
    -------
    numpy.ndarray
        The broadcast shape on the other axes, ``mode``'s sizes on ``axes``.

    Notes
    -----
    An empty signal gives an empty result in every mode: an axis of ``x``
    with ``n = 0`` cells gives 0 cells in ``valid``, ``same`` and ``full``
    alike, whatever the kernel (there is no sample for the kernel to
    overlap), by every method; the other axes keep the sizes above. numpy
    refuses an empty signal, and scipy answers differently per mode and
    function; see :mod:`convlab.conv`.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> convlab.correlate([1, 2, 3, 4], [1, 0, -1])
    array([-2, -2])
    >>> convlab.correlate([1, 2, 3, 4], [1, 0, -1], mode="same")
    array([-2, -2, -2,  3])
    >>> convlab.correlate(np.arange(8).reshape(2, 4), [[1, -1]], axes=1)   # every row
    array([[-1, -1, -1],
           [-1, -1, -1]])
    >>> convlab.correlate([], [1, 2], "full")                       # an empty signal: empty in every mode
    array([], dtype=float64)
    >>> convlab.correlate(np.ones((0, 3)), np.ones((2, 2)), "full").shape
    (0, 4)
    """
    problem, layout = _signal_problem("correlate", x, w, mode, method, axes)
    return layout.restore(_cross_correlate(problem))


def convolve(x: ArrayLike, w: ArrayLike, mode: str = "full", *, method: str = "auto",
             axes: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Convolve two N-d arrays, as ``scipy.signal.convolve`` does.

    ``y[i] = sum_j x[i - j] * w[j]``, computed -- by definition -- as the
    cross-correlation of ``x`` with the kernel flipped on every axis in
    ``axes`` (no conjugation). Parameters, the broadcasting of the axes not
    in ``axes`` (``scipy.signal.fftconvolve``'s rule) and the empty-signal
    rule (an empty axis of ``x`` gives an empty axis of the result in every
    mode) are those of :func:`correlate`; the default mode is ``"full"``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> convlab.convolve([1, 2, 3], [1, 1])
    array([1, 3, 5, 3])
    >>> convlab.convolve([1, 2, 3], [0, 1, 0.5], mode="same")
    array([1. , 2.5, 4. ])
    >>> convlab.convolve(np.eye(2, dtype=int), [[1, 1], [1, -1]], axes=-1)  # row i with kernel row i
    array([[ 1,  1,  0],
           [ 0,  1, -1]])
    >>> convlab.convolve([], [7]).shape, convlab.convolve([], [7, 8], "valid").shape
    ((0,), (0,))
    """
    problem, layout = _signal_problem("convolve", x, w, mode, method, axes)
    return layout.restore(_cross_correlate(problem))


def _signal_problem(op: str, x, w, mode, method, axes):
    """The cross-correlation problem a ``correlate`` or ``convolve`` call runs (the kernel
    conjugated, or flipped), and its layout: what those calls and :func:`explain_method` resolve."""
    problem, layout = prepare_correlate(x, w, mode, method, axes)
    if op == "convolve":
        problem = problem._replace(w=np.flip(problem.w, axis=_spatial_axes(problem)))
    elif np.iscomplexobj(problem.w) or problem.w.dtype == object:
        problem = problem._replace(w=np.conj(problem.w))
    return problem, layout


def convnd(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None, stride: int | tuple = 1,
           padding: Padding = 0, dilation: int | tuple = 1, groups: int = 1, *,
           padding_mode: str = "zeros", method: str = "auto") -> np.ndarray:
    """N-d deep-learning convolution (cross-correlation), ``nd = w.ndim - 2``.

    Semantics are those of ``torch.nn.functional.conv1d/2d/3d`` with
    ``nn.ConvNd``'s ``padding_mode``::

        y[n, o, i] = bias[o] + sum_{c, j} xp[n, g*C_in/groups + c, i*stride + j*dilation] * w[o, c, j]

    where ``g = o // (C_out/groups)`` and ``xp`` is ``x`` padded.

    Parameters
    ----------
    x : array_like
        ``(N, C_in, *spatial)``, or ``(C_in, *spatial)`` for a single
        unbatched sample (the result is then unbatched too).
    w : array_like
        ``(C_out, C_in/groups, *k)``.
    bias : array_like, optional
        ``(C_out,)``.
    stride, dilation : int or tuple of nd ints
        Positive.
    padding : int, tuple or {"valid", "same", "full"}
        A non-negative int, a tuple of ``nd`` ints, or of ``nd``
        ``(before, after)`` pairs. ``"same"`` keeps the size (stride 1 only)
        and, like torch, puts the extra element of an odd total *after*;
        ``"full"`` pads ``dilation*(k-1)`` on both sides.
    groups : int
        Splits the channels into ``groups`` independent convolutions.
    padding_mode : {"zeros", "reflect", "replicate", "circular", "symmetric"}
        What the padding holds, as ``numpy.pad``'s modes ``constant``,
        ``reflect``, ``edge``, ``wrap`` and ``symmetric`` make it: on a row
        ``a b c d`` padded by 2, ``0 0|a b c d|0 0``, ``c b|a b c d|c b``,
        ``a a|a b c d|d d``, ``c d|a b c d|a b`` and ``b a|a b c d|d c``.
        ``reflect`` (torch's and ``numpy.pad``'s, ``scipy.ndimage``'s
        ``mirror``) does not repeat the edge sample and needs padding at
        most ``n - 1`` on an axis of ``n`` cells; ``symmetric`` repeats it
        (``scipy.signal.convolve2d``'s ``boundary="symm"``, and, beware,
        ``scipy.ndimage``'s ``reflect``; torch has no such mode).
        ``circular`` (``convolve2d``'s ``boundary="wrap"``) and ``symmetric``
        admit any width and repeat their pattern when the padding is wider
        than the input, as ``numpy.pad`` does; torch's ``circular`` refuses
        to wrap more than once. ``replicate`` admits any width, as in torch.
        Every mode but ``zeros`` needs at least one cell to pad from.
    method : {"auto", "loop", "im2col", "fft"}
        How to compute it. ``padding_mode`` and ``method`` are keyword-only;
        the arguments before them may be given by position, in the order of
        ``torch.nn.functional.conv2d``: ``bias, stride, padding, dilation,
        groups`` (``conv2d(x, w, None, 2)`` is a stride of 2).

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, *out)`` with ``out = (n + pad - dilation*(k-1) - 1)//stride + 1``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(2 * 5 * 5).reshape(2, 5, 5)          # C_in=2, 5x5, unbatched
    >>> w = np.ones((3, 2, 2, 2))                          # C_out=3, 2x2 kernels
    >>> convlab.convnd(x, w, stride=2, padding=1).shape
    (3, 3, 3)
    >>> convlab.convnd(x, w, None, 2, 1).shape             # the same, in torch's positional order
    (3, 3, 3)
    """
    w_arr = _nd_weight(w)
    return _conv(x, w_arr, bias, w_arr.ndim - 2, stride, padding, dilation, groups, padding_mode, method)


def _nd_weight(w) -> np.ndarray:
    """``w`` as an array of at least 3 dimensions, for the N-d entry points."""
    w_arr = as_array("w", w)
    if w_arr.ndim < 3:
        raise ValueError(
            f"w must have shape (C_out, C_in/groups, *k) with at least 3 dimensions; got shape {w_arr.shape}"
        )
    return w_arr


def _conv(x, w, bias, nd, stride, padding, dilation, groups, padding_mode, method):
    """Validate and run (the arguments by position: a ``**`` dict passed on costs a tenth of
    a small call)."""
    problem, unbatched = prepare_conv(x, w, bias, nd=nd, stride=stride, padding=padding, dilation=dilation,
                                      groups=groups, padding_mode=padding_mode, method=method)
    y = run(problem)
    return y[0] if unbatched else y


def conv1d(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None, stride: int | tuple = 1,
           padding: Padding = 0, dilation: int | tuple = 1, groups: int = 1, *,
           padding_mode: str = "zeros", method: str = "auto") -> np.ndarray:
    """1-D deep-learning convolution, like ``torch.nn.functional.conv1d``.

    See :func:`convnd` for the parameters; ``x`` is ``(N, C_in, L)`` or
    ``(C_in, L)`` and ``w`` is ``(C_out, C_in/groups, k)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[1, 2, 3, 4, 5]])           # one channel, unbatched
    >>> w = np.array([[[1, 0, -1]]])              # one 3-tap filter
    >>> convlab.conv1d(x, w)
    array([[-2, -2, -2]])
    >>> convlab.conv1d(x, w, padding=1, stride=2)
    array([[-2, -2,  4]])
    """
    return _conv(x, w, bias, 1, stride, padding, dilation, groups, padding_mode, method)


def conv2d(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None, stride: int | tuple = 1,
           padding: Padding = 0, dilation: int | tuple = 1, groups: int = 1, *,
           padding_mode: str = "zeros", method: str = "auto") -> np.ndarray:
    """2-D deep-learning convolution, like ``torch.nn.functional.conv2d``.

    See :func:`convnd` for the parameters; ``x`` is ``(N, C_in, H, W)`` or
    ``(C_in, H, W)`` and ``w`` is ``(C_out, C_in/groups, kh, kw)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> w = np.array([[[[0.0, 1.0], [1.0, 0.0]]]])
    >>> convlab.conv2d(x, w)[0, 0]
    array([[ 5.,  7.,  9.],
           [13., 15., 17.],
           [21., 23., 25.]])
    >>> convlab.conv2d(x, w, padding="same", method="fft").shape
    (1, 1, 4, 4)
    """
    return _conv(x, w, bias, 2, stride, padding, dilation, groups, padding_mode, method)


def conv3d(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None, stride: int | tuple = 1,
           padding: Padding = 0, dilation: int | tuple = 1, groups: int = 1, *,
           padding_mode: str = "zeros", method: str = "auto") -> np.ndarray:
    """3-D deep-learning convolution, like ``torch.nn.functional.conv3d``.

    See :func:`convnd` for the parameters; ``x`` is ``(N, C_in, D, H, W)`` or
    ``(C_in, D, H, W)`` and ``w`` is ``(C_out, C_in/groups, kd, kh, kw)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.ones((2, 1, 4, 4, 4))
    >>> w = np.ones((5, 1, 3, 3, 3))
    >>> y = convlab.conv3d(x, w, bias=np.arange(5.0))
    >>> y.shape, y[0, :, 0, 0, 0]
    ((2, 5, 2, 2, 2), array([27., 28., 29., 30., 31.]))
    """
    return _conv(x, w, bias, 3, stride, padding, dilation, groups, padding_mode, method)


def unfold(x: ArrayLike, kernel_size: int | tuple, *, stride: int | tuple = 1, padding: Padding = 0,
           dilation: int | tuple = 1, padding_mode: str = "zeros") -> np.ndarray:
    """The column matrix of im2col: every patch a kernel sees, one column each.

    Like ``torch.nn.functional.unfold``, for any number of spatial axes:
    ``x`` of shape ``(N, C, *spatial)`` gives ``(N, C * prod(k), L)`` where
    ``L`` is the number of output positions, rows ordered channel-major as
    in ``w.reshape(C_out, -1)``. So that, for ``groups=1``, ::

        convnd(x, w, ...) == (w.reshape(C_out, -1) @ unfold(x, k, ...)).reshape(N, C_out, *out)

    which is exactly what ``method="im2col"`` computes (in memory-bounded
    chunks, without ever returning the whole matrix).

    Parameters
    ----------
    x : array_like
        ``(N, C, *spatial)``, or ``(C, *spatial)`` unbatched (the result is
        then ``(C * prod(k), L)``).
    kernel_size : int or tuple of ints
        The kernel's spatial shape; a tuple's length sets the number of
        spatial axes, an int means a square 2-D kernel (as in torch).
    stride, padding, dilation, padding_mode
        As in :func:`convnd`.

    Returns
    -------
    numpy.ndarray
        A new array with the dtype of ``x``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(9).reshape(1, 3, 3)                  # C=1, 3x3, unbatched
    >>> convlab.unfold(x, 2)                               # 4 patches of 2x2, one per column
    array([[0, 1, 3, 4],
           [1, 2, 4, 5],
           [3, 4, 6, 7],
           [4, 5, 7, 8]])
    >>> w = np.array([[[[1, 0], [0, -1]]]])
    >>> w.reshape(1, -1) @ convlab.unfold(x, 2)          # the same numbers as conv2d(x, w)
    array([[-4, -4, -4, -4]])
    >>> convlab.conv2d(x, w).ravel()
    array([-4, -4, -4, -4])
    """
    x_arr = as_array("x", x)
    sequence = isinstance(kernel_size, (tuple, list))
    kernel = shape_tuple("kernel_size", kernel_size if sequence else (kernel_size,) * 2)
    nd = len(kernel)
    if x_arr.ndim not in (nd + 1, nd + 2):
        raise ValueError(
            f"x must have shape (N, C, *spatial) or (C, *spatial) with {nd + 2} or {nd + 1} "
            f"dimensions for a kernel_size with {nd} axes; got shape {x_arr.shape}"
        )
    unbatched = x_arr.ndim == nd + 1
    xb = x_arr[np.newaxis] if unbatched else x_arr
    geom = geometry(xb.shape[2:], kernel, stride, padding, dilation, padding_mode, 1, ("x", "kernel_size"))
    n_batch, chans = xb.shape[:2]
    shape = (n_batch, chans, *kernel, *geom.out_spatial)
    itemsize = 8 if x_arr.dtype.kind == "O" else x_arr.dtype.itemsize
    padded = n_batch * chans * math.prod(n + lo + hi for n, (lo, hi) in zip(xb.shape[2:], geom.padding))
    check_allocation(functools.partial(_unfold_cause, xb.shape, kernel, geom), shape, itemsize,
                     workspace=padded * itemsize if any(lo or hi for lo, hi in geom.padding) else 0)
    patches = patch_view(pad(xb, geom.padding, padding_mode), kernel, geom.stride, geom.dilation,
                         geom.out_spatial)
    cols = np.empty(shape, dtype=x_arr.dtype)          # the result, allocated once and filled once
    np.copyto(cols, patches)
    cols = cols.reshape(n_batch, chans * math.prod(kernel), math.prod(geom.out_spatial))   # a view
    return cols[0] if unbatched else cols


def _unfold_cause(x_shape, kernel, geom) -> str:
    """What makes :func:`unfold`'s columns as large as they are (the size rule's message)."""
    shapes = f"x of shape {x_shape} and kernel_size {kernel}"
    if any(lo + hi > max(n, k) for (lo, hi), n, k in zip(geom.padding, x_shape[2:], kernel)):
        return f"padding={shown(geom.padding)} (with {shapes})"
    return shapes


def _layer_problem(x, w, bias, stride, padding, dilation, groups, padding_mode, method) -> Problem:
    w_arr = as_array("w", w)
    if w_arr.ndim < 3:
        raise ValueError(
            f"w must have shape (C_out, C_in/groups, *k) with at least 3 dimensions for a layer call; "
            f"got shape {w_arr.shape} (for a correlate/convolve call pass mode=, axes= or op='correlate')"
        )
    problem, _ = prepare_conv(x, w_arr, bias, nd=w_arr.ndim - 2, stride=stride, padding=padding,
                              dilation=dilation, groups=groups, padding_mode=padding_mode, method=method)
    return problem


def choose_method(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None, *,
                  stride: int | tuple = 1, padding: Padding = 0, dilation: int | tuple = 1,
                  groups: int = 1, padding_mode: str = "zeros", mode: str | None = None,
                  axes: int | tuple[int, ...] | None = None, op: str | None = None) -> str:
    """The method ``method="auto"`` runs for ``convnd(x, w, ...)``, or for
    ``correlate(x, w, mode)`` / ``convolve(x, w, mode)`` (see :func:`explain_method`
    for which call is meant).

    :func:`explain_method` says why.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> convlab.choose_method(np.ones((1, 1, 512, 512)), np.ones((1, 1, 31, 31)))
    'fft'
    >>> convlab.choose_method(np.ones((1, 1, 8)), np.ones((1, 1, 3), dtype=int))
    'im2col'
    >>> convlab.choose_method(np.ones(100_000), np.ones(1000), mode="same")   # scipy's choose_conv_method
    'fft'
    """
    return explain_method(x, w, bias, stride=stride, padding=padding, dilation=dilation, groups=groups,
                          padding_mode=padding_mode, mode=mode, axes=axes, op=op).method


def explain_method(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None, *,
                   stride: int | tuple = 1, padding: Padding = 0, dilation: int | tuple = 1,
                   groups: int = 1, padding_mode: str = "zeros", mode: str | None = None,
                   axes: int | tuple[int, ...] | None = None, op: str | None = None,
                   method: str = "auto") -> Plan:
    """What a call runs with ``method=method``, and why: a :class:`~convlab.resolve.Plan`.

    Two kinds of call, told apart by ``op``:

    * ``op="conv"``: the layer, ``convnd(x, w, bias, stride=..., ...)`` (the
      default when neither ``mode`` nor ``axes`` is given);
    * ``op="correlate"`` or ``op="convolve"``: the signal call
      ``correlate(x, w, mode, axes=axes)`` or ``convolve(...)``, with that
      function's default ``mode`` (``valid``, ``full``). Giving ``mode`` or
      ``axes`` alone means ``op="correlate"``, as
      ``scipy.signal.choose_conv_method(x, w, mode=...)`` is asked; the
      plan of a convolution is that of the correlation with the flipped
      kernel, which is what ``convolve`` runs.

    A signal call takes none of the layer's arguments (``bias``, ``stride``,
    ``padding``, ``dilation``, ``groups``, ``padding_mode``) and a layer
    call no ``mode`` or ``axes``: ``ValueError``.

    It is the plan the call itself follows (the same validation and the same
    resolver decide both), fallbacks included: an ``fft`` on an input holding
    NaN names ``im2col``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> plan = convlab.explain_method(np.ones((1, 1, 8), dtype=int), np.ones((1, 1, 3), dtype=int))
    >>> print(plan)
    im2col: integer input: im2col is exact, fft would round
    >>> convlab.explain_method(np.full((1, 1, 8), np.nan), np.ones((1, 1, 3)), method="fft").method
    'im2col'
    >>> print(convlab.explain_method([1, 2, 3, 4], [1, 0, -1], mode="same"))   # correlate(x, w, "same")
    im2col: integer input: im2col is exact, fft would round
    >>> convlab.explain_method(np.ones(100_000), np.ones(1000), op="convolve").method
    'fft'
    """
    op, mode = explained_call(op, mode, axes, {"bias": bias, "stride": stride, "padding": padding,
                                               "dilation": dilation, "groups": groups,
                                               "padding_mode": padding_mode})
    if op == "conv":
        return resolve(_layer_problem(x, w, bias, stride, padding, dilation, groups, padding_mode, method))
    return resolve(_signal_problem(op, x, w, mode, method, axes)[0])


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
