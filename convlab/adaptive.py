"""Adaptive pooling with ``torch.nn.functional`` semantics, and its gradients.

Adaptive pooling asks for an output size instead of a kernel: along an axis
of ``n`` cells pooled to ``m``, output ``i`` covers the cells ::

    floor(i * n / m) <= cell < ceil((i + 1) * n / m)

so the windows cover the axis, differ in length by at most one, and
overlap by one cell where ``n / m`` is not an integer (``m`` may exceed
``n``: windows then repeat cells). A window over several axes is the
product of one such interval per axis.

* :func:`adaptive_avg_pool1d`, ``2d``, ``3d``: each window's mean. A mean over
  a product of intervals is a sum along one axis after another, divided
  once by the product of the intervals' lengths.
* :func:`adaptive_max_pool1d`, ``2d``, ``3d``: each window's largest cell,
  with torch's CPU rule for ties and NaN (the window scanned in row-major
  order; a cell replaces the maximum if it is larger or NaN: the first of
  tied maxima, the last NaN), and with ``return_indices`` its index flat
  into the input plane, the convention of :func:`convlab.max_pool2d`. The
  rule splits along the axes too: the row-major winner of a window is the
  winner, along the first axis, of the winners of its rows, so the last
  axis is reduced first and each axis's winners carry their flat indices
  along.
* ``*_backward``: the gradient with respect to the input. Average pooling's
  is its adjoint: each output's gradient over its window's size, added to
  every cell of the window; along an axis, input cell ``j`` collects from
  the outputs whose windows hold it, a contiguous run of them, so the
  adjoint is the same windowed sum with the windows of the other side.
  Max pooling's sends each output's gradient to the cell it took; a cell
  taken by two overlapping windows receives both.

Every step is a gather along one axis and a reduction of it, vectorised
over all output positions: for an axis pooled from ``n`` to ``m`` cells,
the longest window has ``T <= ceil(n / m) + 1`` cells, and the gathered
block holds ``m * T <= n + 2 * m`` cells per line. No loop runs over output
positions; the loops are over the (at most three) spatial axes and over
chunks of whole planes (of the ``N * C``), each chunk's scratch estimated
to stay under ``min(im2col_max_bytes, CHUNK_BYTES)``
(:data:`convlab.pooling.CHUNK_BYTES`), or one plane when a plane alone
needs more.

Dtypes, as :mod:`convlab.pooling`: max pooling keeps ``x``'s dtype
(integers included; torch refuses integers here); average pooling returns
``x``'s floating dtype, ``float64`` for integers (exact sums, one
division); gradients the floating dtype of ``grad_output`` and ``x``
together (``float64`` for integers).

``output_size`` is an int (every axis) or a tuple of one entry per spatial
axis, each a positive int or ``None`` (keep that axis's size; torch allows
``None`` for 2-D and 3-D only). An output size of 0, which torch answers
with an empty array, is refused, as is an input with an empty channel or
spatial axis (torch refuses it too); an empty batch is allowed.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import ArrayLike

from . import config
from ._validate import check_integer_sum, flag, pool_grad_output, pool_input
from ._validate.sizes import check_allocation, shown
from .pooling import CHUNK_BYTES, _avg_dtypes, _grad_dtype, _has_nan

__all__ = [
    "adaptive_avg_pool1d", "adaptive_avg_pool1d_backward",
    "adaptive_avg_pool2d", "adaptive_avg_pool2d_backward",
    "adaptive_avg_pool3d", "adaptive_avg_pool3d_backward",
    "adaptive_max_pool1d", "adaptive_max_pool1d_backward",
    "adaptive_max_pool2d", "adaptive_max_pool2d_backward",
    "adaptive_max_pool3d", "adaptive_max_pool3d_backward",
    "adaptive_windows",
]

Size = int | None | tuple[int | None, ...]


# --------------------------------------------------------------------------
# sizes and windows
# --------------------------------------------------------------------------

def _output_size(output_size, spatial: tuple[int, ...], op: str) -> tuple[int, ...]:
    """``output_size`` as one positive int per spatial axis (``None`` keeps the axis's size).

    Written here, not in :mod:`convlab._validate`: no helper there admits ``None`` entries.
    """
    nd = len(spatial)
    what = f"a positive int or None, or a tuple of {nd} of them"
    items = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * nd
    if len(items) != nd:
        raise ValueError(f"output_size must be {what} for {op}; got {tuple(output_size)!r} "
                         f"of length {len(items)}")
    sizes = []
    for n, m in zip(spatial, items):
        if m is None:
            sizes.append(n)
            continue
        if not isinstance(m, numbers.Integral) or isinstance(m, (bool, np.bool_)):
            raise TypeError(f"output_size must be {what} for {op}; got {output_size!r} "
                            f"(an entry of type {type(m).__name__})")
        if m < 1:
            raise ValueError(f"output_size must be {what} for {op}; got {output_size!r} (torch returns "
                             f"an empty array for a size of 0; convlab refuses it)")
        sizes.append(int(m))
    return tuple(sizes)


def adaptive_windows(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """torch's windows along an axis of ``n`` cells pooled to ``m``: ``(start, stop)``,
    output ``i`` covering ``start[i] <= cell < stop[i]``.

    Examples
    --------
    >>> from convlab.adaptive import adaptive_windows
    >>> adaptive_windows(5, 3)                          # overlapping by one cell
    (array([0, 1, 3]), array([2, 4, 5]))
    >>> adaptive_windows(2, 4)                          # more outputs than cells: cells repeat
    (array([0, 0, 1, 1]), array([1, 1, 2, 2]))
    """
    i = np.arange(m, dtype=np.int64)
    return (i * n) // m, -((-(i + 1) * n) // m)


def _gather(a: np.ndarray, axis: int, start: np.ndarray, stop: np.ndarray):
    """Every window's cells along ``axis``: ``(block, inside)``.

    ``block`` has ``axis`` replaced by ``(len(start), T)`` (``T`` the longest
    window): ``block[..., i, t, ...] = a[..., min(start[i] + t, stop[i] - 1), ...]``;
    ``inside[i, t]`` tells whether ``start[i] + t`` is in the window (the
    rest repeat its last cell). Where the windows tile the axis (for pooling, ``n`` a
    multiple of ``m``, as in a global pooling or 56 -> 7), ``block`` is ``a`` reshaped,
    often a view: the caller only reads it there.
    """
    longest = int((stop - start).max())
    tiles = np.arange(0, a.shape[axis] + 1, longest)
    if len(tiles) == len(start) + 1 and tiles[-1] == a.shape[axis] and np.array_equal(start, tiles[:-1]) \
            and np.array_equal(stop, tiles[1:]):
        inside = np.ones((len(start), longest), dtype=bool)
        return a.reshape(a.shape[:axis] + inside.shape + a.shape[axis + 1:]), inside
    steps = start[:, None] + np.arange(longest)
    inside = steps < stop[:, None]
    taps = np.minimum(steps, stop[:, None] - 1)
    block = np.take(a, taps.reshape(-1), axis=axis)
    return block.reshape(a.shape[:axis] + taps.shape + a.shape[axis + 1:]), inside


def _window_sum(a: np.ndarray, axis: int, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """``out[..., i, ...] = sum of a[..., start[i]:stop[i], ...]``, for every ``i`` at once."""
    block, inside = _gather(a, axis, start, stop)
    if not inside.all():
        np.copyto(block, 0, where=~inside.reshape(inside.shape + (1,) * (block.ndim - axis - 2)))
    return block.sum(axis=axis + 1)


def _window_argmax(a: np.ndarray, index: np.ndarray | None, axis: int, start: np.ndarray,
                   stop: np.ndarray, step: int | None, nan: bool):
    """Along ``axis``, every window's winner by torch's rule (the first maximum, or the
    last NaN): ``(values, flat)``. With ``step`` (the axis's step in the flat index of
    the input plane), ``flat`` is the winner's flat index, ``index`` (``None`` at first)
    holding that of each cell of ``a`` over the axes already reduced; else ``None``."""
    block, _ = _gather(a, axis, start, stop)
    t = np.argmax(block, axis=axis + 1)                  # the first maximum (the first NaN, if any)
    if nan:
        isnan = np.isnan(block)
        last = block.shape[axis + 1] - 1 - np.argmax(np.flip(isnan, axis=axis + 1), axis=axis + 1)
        t = np.where(isnan.any(axis=axis + 1), last, t)
        del isnan, last
    del block
    shape = (1,) * axis + (len(start),) + (1,) * (a.ndim - axis - 1)
    cell = t                                             # the winner's cell along the axis
    cell += start.reshape(shape)
    np.minimum(cell, stop.reshape(shape) - 1, out=cell)  # a repeated last cell is that cell
    values = np.take_along_axis(a, cell, axis=axis)
    if step is None:
        return values, None
    carried = None if index is None else np.take_along_axis(index, cell, axis=axis)
    cell *= step
    if carried is not None:
        cell += carried
    return values, cell


# --------------------------------------------------------------------------
# chunks of planes, and the four computations
# --------------------------------------------------------------------------

def _chunks(planes: int, sizes: tuple[int, ...], windows, itemsize: int) -> list[slice]:
    """Slices of ``planes`` (the ``N * C`` planes of ``sizes`` cells) whose scratch stays under
    ``min(im2col_max_bytes, CHUNK_BYTES)`` (:mod:`convlab.pooling`'s chunk size), or one plane.

    The axes are reduced last first, by ``windows`` (one ``(start, stop)`` each); a plane's
    scratch at each step is its gathered block (``itemsize`` bytes and a NaN mask per cell)
    and the step's results (values, winners and indices: ``itemsize + 24`` bytes per cell).
    """
    dims, per_plane = list(sizes), 1
    for axis in reversed(range(len(sizes))):
        start, stop = windows[axis]
        longest = int((stop - start).max())
        block = math.prod(dims[:axis]) * len(start) * longest * math.prod(dims[axis + 1:])
        dims[axis] = len(start)
        per_plane = max(per_plane, block * (itemsize + 1) + math.prod(dims) * (itemsize + 24))
    cap = min(config.current("im2col_max_bytes"), CHUNK_BYTES)
    step = max(1, cap // per_plane)
    return [slice(p, min(p + step, planes)) for p in range(0, planes, step)]


def _counts(windows, dtype) -> np.ndarray:
    """Each window's number of cells, ``(*out)``: the product of its lengths along the axes."""
    nd = len(windows)
    count = np.ones((1,) * nd, dtype=np.int64)
    for axis, (start, stop) in enumerate(windows):
        count = count * (stop - start).reshape((1,) * axis + (-1,) + (1,) * (nd - axis - 1))
    return count.astype(dtype)


def _prepare(x, nd, op, output_size):
    arr, unbatched = pool_input("x", x, nd, op)
    spatial = arr.shape[2:]
    out = _output_size(output_size, spatial, op)
    # the size rule: the result (float64 at most, and max pooling's int64 indices beside it)
    shape = (*arr.shape[:2], *out)
    check_allocation(f"output_size={shown(output_size)}", shape, 8, workspace=8 * math.prod(shape))
    windows = [adaptive_windows(n, m) for n, m in zip(spatial, out)]
    return arr, unbatched, spatial, out, windows


def _avg(x, nd, op, output_size):
    arr, unbatched, spatial, out, windows = _prepare(x, nd, op, output_size)
    n_batch, chans = arr.shape[:2]
    sum_dtype, avg_dtype = _avg_dtypes(arr.dtype)
    longest = [int((stop - start).max()) for start, stop in windows]
    check_integer_sum("x", arr, math.prod(longest), f"the largest window's {'*'.join(map(str, longest))} "
                      f"cells, summed")
    planes = arr.reshape(n_batch * chans, *spatial)
    count = _counts(windows, avg_dtype)
    y = np.empty((n_batch * chans, *out), dtype=avg_dtype)
    for chunk in _chunks(len(planes), spatial, windows, sum_dtype.itemsize):
        sums = planes[chunk].astype(sum_dtype, copy=False)
        for axis in reversed(range(nd)):
            sums = _window_sum(sums, 1 + axis, *windows[axis])
        np.divide(sums, count, out=y[chunk], casting="unsafe")      # integer sums: one rounding
    y = y.reshape(n_batch, chans, *out)
    if arr.dtype.kind == "f":
        y = y.astype(arr.dtype, copy=False)
    return y[0] if unbatched else y


def _avg_backward(grad_output, x, nd, op, output_size):
    arr, unbatched, spatial, out, windows = _prepare(x, nd, op, output_size)
    n_batch, chans = arr.shape[:2]
    gy = pool_grad_output(grad_output, (n_batch, chans, *out)[unbatched:], op,
                          f" for x of shape {arr.shape[unbatched:]} and output_size={output_size!r}")
    dtype = _grad_dtype(gy, arr)
    planes = gy.reshape(n_batch * chans, *out)
    count = _counts(windows, dtype)
    # cell j is in the windows of outputs first[j] <= i < after[j] (both ends of the windows are
    # sorted): the adjoint is a windowed sum too, with these windows
    back = []
    for n, (start, stop) in zip(spatial, windows):
        cells = np.arange(n)
        back.append((np.searchsorted(stop, cells, side="right"), np.searchsorted(start, cells, side="right")))
    gx = np.empty((n_batch * chans, *spatial), dtype=dtype)
    for chunk in _chunks(len(planes), out, back, dtype.itemsize):
        share = planes[chunk].astype(dtype, copy=False) / count
        for axis in reversed(range(nd)):
            share = _window_sum(share, 1 + axis, *back[axis])
        gx[chunk] = share
    gx = gx.reshape(arr.shape)
    return gx[0] if unbatched else gx


def _argmax_chunks(arr, spatial, windows, indices: bool):
    """Adaptive max pooling of ``(N, C, *spatial)``, chunk by chunk of its planes: yields
    ``(chunk, values, index)``, the chunk's ``(planes, *out)`` maxima and (with ``indices``)
    their flat plane indices, ``int64``, else ``None``."""
    planes = arr.reshape(arr.shape[0] * arr.shape[1], *spatial)
    nan = _has_nan(arr)
    for chunk in _chunks(len(planes), spatial, windows, arr.dtype.itemsize):
        values, flat = planes[chunk], None
        for axis in reversed(range(len(spatial))):
            step = math.prod(spatial[axis + 1:]) if indices else None
            values, flat = _window_argmax(values, flat, 1 + axis, *windows[axis], step, nan)
        yield chunk, values, flat


def _max(x, nd, op, output_size, return_indices):
    arr, unbatched, spatial, out, windows = _prepare(x, nd, op, output_size)
    return_indices = flag("return_indices", return_indices)
    planes = arr.shape[0] * arr.shape[1]
    values = np.empty((planes, *out), dtype=arr.dtype)
    index = np.empty((planes, *out), dtype=np.int64) if return_indices else None
    for chunk, best, flat in _argmax_chunks(arr, spatial, windows, return_indices):
        values[chunk] = best
        if return_indices:
            index[chunk] = flat
    shape = (*arr.shape[:2], *out)
    values, index = values.reshape(shape), None if index is None else index.reshape(shape)
    if unbatched:
        values, index = values[0], None if index is None else index[0]
    return (values, index) if return_indices else values


def _max_backward(grad_output, x, nd, op, output_size):
    arr, unbatched, spatial, out, windows = _prepare(x, nd, op, output_size)
    n_batch, chans = arr.shape[:2]
    gy = pool_grad_output(grad_output, (n_batch, chans, *out)[unbatched:], op,
                          f" for x of shape {arr.shape[unbatched:]} and output_size={output_size!r}")
    dtype = _grad_dtype(gy, arr)
    planes = gy.reshape(n_batch * chans, math.prod(out)).astype(dtype, copy=False)
    plane = math.prod(spatial)
    gx = np.zeros(n_batch * chans * plane, dtype=dtype)
    for chunk, _, flat in _argmax_chunks(arr, spatial, windows, True):
        flat = flat.reshape(chunk.stop - chunk.start, math.prod(out))
        flat += np.arange(chunk.start, chunk.stop, dtype=np.int64)[:, None] * plane
        # np.add.at, not assignment: a cell taken by two overlapping windows receives both gradients
        np.add.at(gx, flat.reshape(-1), planes[chunk].reshape(-1))
    gx = gx.reshape(arr.shape)
    return gx[0] if unbatched else gx


# --------------------------------------------------------------------------
# the public functions
# --------------------------------------------------------------------------

def adaptive_avg_pool1d(x: ArrayLike, output_size: Size) -> np.ndarray:
    """1-D adaptive average pooling, like ``torch.nn.functional.adaptive_avg_pool1d``.

    ``y[n, c, i] = mean of x[n, c, floor(i*L/m) : ceil((i+1)*L/m)]`` for an
    input of ``L`` cells pooled to ``m``; see :mod:`convlab.adaptive`.

    Parameters
    ----------
    x : array_like
        ``(N, C, L)``, or ``(C, L)`` unbatched (the result is then unbatched
        too). Integer or floating; no empty channel or spatial axis.
    output_size : int, None or tuple of 1 of them
        ``m``, positive; ``None`` keeps ``L``.

    Returns
    -------
    numpy.ndarray
        ``(N, C, m)``; ``x``'s floating dtype, ``float64`` for integers.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[1, 2, 3, 4, 5]])
    >>> convlab.adaptive_avg_pool1d(x, 3)                  # windows [0, 2), [1, 4), [3, 5)
    array([[1.5, 3. , 4.5]])
    >>> convlab.adaptive_avg_pool1d(x, 1)                  # global average pooling
    array([[3.]])
    """
    return _avg(x, 1, "adaptive_avg_pool1d", output_size)


def adaptive_avg_pool2d(x: ArrayLike, output_size: Size) -> np.ndarray:
    """2-D adaptive average pooling, like ``torch.nn.functional.adaptive_avg_pool2d``.

    See :func:`adaptive_avg_pool1d`; ``x`` is ``(N, C, H, W)`` or
    ``(C, H, W)`` and ``output_size`` an int, ``None`` or a tuple of 2.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(16.0).reshape(1, 4, 4)
    >>> convlab.adaptive_avg_pool2d(x, 2)                  # 2x2 windows, as avg_pool2d(x, 2)
    array([[[ 2.5,  4.5],
            [10.5, 12.5]]])
    >>> convlab.adaptive_avg_pool2d(x, (None, 1))          # every row's mean
    array([[[ 1.5],
            [ 5.5],
            [ 9.5],
            [13.5]]])
    >>> convlab.adaptive_avg_pool2d(np.zeros((8, 512, 7, 7)), 1).shape   # a classifier's global pool
    (8, 512, 1, 1)
    """
    return _avg(x, 2, "adaptive_avg_pool2d", output_size)


def adaptive_avg_pool3d(x: ArrayLike, output_size: Size) -> np.ndarray:
    """3-D adaptive average pooling, like ``torch.nn.functional.adaptive_avg_pool3d``.

    See :func:`adaptive_avg_pool1d`; ``x`` is ``(N, C, D, H, W)`` or
    ``(C, D, H, W)`` and ``output_size`` an int, ``None`` or a tuple of 3.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(27).reshape(1, 3, 3, 3)
    >>> convlab.adaptive_avg_pool3d(x, (1, 1, 2))[0, 0, 0]     # windows [0, 2) and [1, 3) along W
    array([12.5, 13.5])
    """
    return _avg(x, 3, "adaptive_avg_pool3d", output_size)


def adaptive_max_pool1d(x: ArrayLike, output_size: Size,
                        return_indices: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """1-D adaptive max pooling, like ``torch.nn.functional.adaptive_max_pool1d``.

    ``y[n, c, i] = max of x[n, c, floor(i*L/m) : ceil((i+1)*L/m)]``; see
    :mod:`convlab.adaptive`.

    Parameters
    ----------
    x : array_like
        ``(N, C, L)``, or ``(C, L)`` unbatched (the result is then unbatched
        too). Integer or floating; no empty channel or spatial axis.
    output_size : int, None or tuple of 1 of them
        ``m``, positive; ``None`` keeps ``L``.
    return_indices : bool
        Also return the index of the cell each output took (the first of
        tied maxima; a NaN is the maximum, the last NaN of a window).

    Returns
    -------
    numpy.ndarray or (numpy.ndarray, numpy.ndarray)
        ``(N, C, m)`` with ``x``'s dtype, and the ``int64`` indices.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[4, 1, 4, 2, 7]])
    >>> convlab.adaptive_max_pool1d(x, 3, return_indices=True)     # windows [0, 2), [1, 4), [3, 5)
    (array([[4, 4, 7]]), array([[0, 2, 4]]))
    >>> convlab.adaptive_max_pool1d(np.array([[1.0, np.nan, 3.0]]), 1)
    array([[nan]])
    """
    return _max(x, 1, "adaptive_max_pool1d", output_size, return_indices)


def adaptive_max_pool2d(x: ArrayLike, output_size: Size,
                        return_indices: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """2-D adaptive max pooling, like ``torch.nn.functional.adaptive_max_pool2d``.

    See :func:`adaptive_max_pool1d`; ``x`` is ``(N, C, H, W)`` or
    ``(C, H, W)``, ``output_size`` an int, ``None`` or a tuple of 2, and an
    index is ``h * W + w``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[[1, 5, 2],
    ...                [7, 0, 7],
    ...                [3, 8, 1]]])
    >>> y, i = convlab.adaptive_max_pool2d(x, 2, return_indices=True)   # 2x2 windows, overlapping
    >>> y
    array([[[7, 7],
            [8, 8]]])
    >>> i                                                   # the first 7 of the top-right window
    array([[[3, 5],
            [7, 7]]])
    """
    return _max(x, 2, "adaptive_max_pool2d", output_size, return_indices)


def adaptive_max_pool3d(x: ArrayLike, output_size: Size,
                        return_indices: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """3-D adaptive max pooling, like ``torch.nn.functional.adaptive_max_pool3d``.

    See :func:`adaptive_max_pool1d`; ``x`` is ``(N, C, D, H, W)`` or
    ``(C, D, H, W)``, ``output_size`` an int, ``None`` or a tuple of 3, and
    an index is ``(d * H + h) * W + w``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(8).reshape(1, 2, 2, 2)
    >>> convlab.adaptive_max_pool3d(x, 1, return_indices=True)
    (array([[[[7]]]]), array([[[[7]]]]))
    """
    return _max(x, 3, "adaptive_max_pool3d", output_size, return_indices)


def adaptive_avg_pool1d_backward(grad_output: ArrayLike, x: ArrayLike, output_size: Size) -> np.ndarray:
    """The gradient of :func:`adaptive_avg_pool1d` with respect to ``x``.

    Each output's gradient, divided by its window's size, is added to every
    cell of its window (where windows overlap, a cell collects from both):
    the adjoint of the pooling, what ``torch.autograd`` computes. Only
    ``x``'s shape matters.

    Parameters
    ----------
    grad_output : array_like
        The gradient of the output, of the output's shape.
    x, output_size
        As given to :func:`adaptive_avg_pool1d`.

    Returns
    -------
    numpy.ndarray
        Of ``x``'s shape, floating.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.zeros((1, 5))
    >>> convlab.adaptive_avg_pool1d_backward(np.array([[2.0, 3.0, 4.0]]), x, 3)   # [0, 2), [1, 4), [3, 5)
    array([[1., 2., 1., 3., 2.]])
    """
    return _avg_backward(grad_output, x, 1, "adaptive_avg_pool1d", output_size)


def adaptive_avg_pool2d_backward(grad_output: ArrayLike, x: ArrayLike, output_size: Size) -> np.ndarray:
    """The gradient of :func:`adaptive_avg_pool2d` with respect to ``x``.

    See :func:`adaptive_avg_pool1d_backward`.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> convlab.adaptive_avg_pool2d_backward(np.full((1, 1, 1), 6.0), np.zeros((1, 2, 3)), 1)
    array([[[1., 1., 1.],
            [1., 1., 1.]]])
    """
    return _avg_backward(grad_output, x, 2, "adaptive_avg_pool2d", output_size)


def adaptive_avg_pool3d_backward(grad_output: ArrayLike, x: ArrayLike, output_size: Size) -> np.ndarray:
    """The gradient of :func:`adaptive_avg_pool3d` with respect to ``x``.

    See :func:`adaptive_avg_pool1d_backward`.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> g = convlab.adaptive_avg_pool3d_backward(np.ones((1, 1, 1, 1, 1)), np.zeros((1, 1, 2, 2, 2)), 1)
    >>> g.shape, float(g.sum())
    ((1, 1, 2, 2, 2), 1.0)
    """
    return _avg_backward(grad_output, x, 3, "adaptive_avg_pool3d", output_size)


def adaptive_max_pool1d_backward(grad_output: ArrayLike, x: ArrayLike, output_size: Size) -> np.ndarray:
    """The gradient of :func:`adaptive_max_pool1d` with respect to ``x``.

    Each output's gradient goes to the cell that output took (the one
    ``return_indices`` names); a cell taken by two overlapping windows
    receives the sum of their gradients. What ``torch.autograd`` computes.

    Parameters
    ----------
    grad_output : array_like
        The gradient of the output, of the output's shape.
    x, output_size
        As given to :func:`adaptive_max_pool1d`.

    Returns
    -------
    numpy.ndarray
        Of ``x``'s shape, floating.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[0.0, 1.0, 9.0, 1.0, 0.0]])            # windows [0, 2), [1, 4), [3, 5)
    >>> convlab.adaptive_max_pool1d_backward(np.array([[1.0, 10.0, 100.0]]), x, 3)
    array([[  0.,   1.,  10., 100.,   0.]])
    """
    return _max_backward(grad_output, x, 1, "adaptive_max_pool1d", output_size)


def adaptive_max_pool2d_backward(grad_output: ArrayLike, x: ArrayLike, output_size: Size) -> np.ndarray:
    """The gradient of :func:`adaptive_max_pool2d` with respect to ``x``.

    See :func:`adaptive_max_pool1d_backward`.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[[1.0, 5.0, 2.0],
    ...                [7.0, 0.0, 7.0],
    ...                [3.0, 8.0, 1.0]]])
    >>> convlab.adaptive_max_pool2d_backward(np.ones((1, 2, 2)), x, 2)   # the 8 is taken twice
    array([[[0., 0., 0.],
            [1., 0., 1.],
            [0., 2., 0.]]])
    """
    return _max_backward(grad_output, x, 2, "adaptive_max_pool2d", output_size)


def adaptive_max_pool3d_backward(grad_output: ArrayLike, x: ArrayLike, output_size: Size) -> np.ndarray:
    """The gradient of :func:`adaptive_max_pool3d` with respect to ``x``.

    See :func:`adaptive_max_pool1d_backward`.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(8.0).reshape(1, 2, 2, 2)
    >>> convlab.adaptive_max_pool3d_backward(np.full((1, 1, 1, 1), 3.0), x, 1)[0, 1]
    array([[0., 0.],
           [0., 3.]])
    """
    return _max_backward(grad_output, x, 3, "adaptive_max_pool3d", output_size)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
