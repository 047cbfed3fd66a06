"""Pooling with ``torch.nn.functional`` semantics, and its gradients.

* :func:`max_pool1d`, :func:`max_pool2d`, :func:`max_pool3d`: the largest
  cell of each window, as torch's CPU kernel scans it: a running maximum
  over the kernel's taps, each tap one strided slice of the input compared
  with every output at once (padding reads as ``-inf``, or the integer
  minimum, and is never picked) -- a loop over taps, not over output
  positions. Ties go to the *first* maximal cell in window order and a NaN
  is the maximum (the last NaN of a window wins), exactly as torch on CPU;
  ``return_indices=True`` also gives torch's indices, flat into each input
  plane.
* :func:`avg_pool1d`, :func:`avg_pool2d`, :func:`avg_pool3d`: what average
  pooling is, a depthwise convolution (:func:`convlab.convnd` with
  ``groups=C``) of a box of ones, with a stride, divided by a divisor that
  is itself a convolution of a ones image: the number of cells of the
  padded input each window covers (``count_include_pad=True``; windows that
  ``ceil_mode`` lets run past the padded input are clipped to it, as in
  torch), or the number of real input cells (``count_include_pad=False``),
  unless ``divisor_override`` replaces it.
* ``*_backward``: the gradient with respect to the input, given the
  gradient of the output (what ``torch.autograd`` computes). Max pooling
  sends each output's gradient to the cell it picked, and where windows
  overlap (stride < kernel size) the gradients of every window that picked
  a cell add up. Average pooling's gradient is its adjoint: each output's
  gradient, divided by the same divisor, spread over its window -- a
  scatter over the kernel's taps, one strided slice each.

``kernel_size``, ``stride`` (default: ``kernel_size``), ``padding`` and
``dilation`` are ints or tuples of one int per spatial axis; ``padding`` is
at most ``kernel_size // 2`` and every output size follows torch's rule,
``ceil_mode`` included (see :func:`convlab._validate.pool_output_size`).

Memory: besides the result, max pooling and its gradient use scratch of
at most the setting ``im2col_max_bytes`` (:mod:`convlab.config`), and of
at most ``CHUNK_BYTES``, the size that runs fastest: a few arrays of the
output's shape, cut into chunks of whole samples or of rows of one sample
(:func:`convlab._chunks.chunk_plan`'s chunks); no array of every
window is built. Average pooling's sums are :func:`convlab.convnd` by
im2col, chunked under the same cap, and its gradient adds into the padded
input one kernel tap at a time.

Dtypes: max pooling returns the input's dtype (integers included). Average
pooling returns the input's floating dtype, and ``float64`` for integer
input (torch divides integers with truncation; convlab sums exactly and
divides once). Gradients have the floating dtype of ``grad_output`` and
``x`` together (``float64`` if both are integers).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import ArrayLike

from . import _pool, config, workspace
from ._chunks import chunk_plan, chunk_ranges, chunk_slices, fill_outside, inside_taps
from ._validate import PoolGeometry, check_integer_sum, flag, pool_geometry, pool_grad_output, pool_input
from ._validate.sizes import check_allocation
from .conv import convnd

__all__ = ["CHUNK_BYTES", "avg_pool1d", "avg_pool1d_backward", "avg_pool2d", "avg_pool2d_backward",
           "avg_pool3d", "avg_pool3d_backward", "max_pool1d", "max_pool1d_backward", "max_pool2d",
           "max_pool2d_backward", "max_pool3d", "max_pool3d_backward"]

Size = int | tuple[int, ...]


# --------------------------------------------------------------------------
# the running maximum, chunk by chunk
# --------------------------------------------------------------------------

# The scratch memory a chunk of max pooling aims at when the cap (im2col_max_bytes) allows
# more. Every kernel tap makes a few passes over the chunk, which run fastest while it
# stays in the cache; measured on 3x3 and 2x2 poolings of 4-64 MiB inputs, chunks of
# 2-8 MiB ran alike and up to 1.5x faster than 0.25 MiB or 16 MiB.
CHUNK_BYTES = 4 * 2**20


def _plan(x: np.ndarray, g: PoolGeometry, cell_bytes: int, position_bytes: int):
    """The chunks of the output ``(N, C, *out)``, as :func:`~convlab._chunks.chunk_slices`
    gives them: whole samples, or rows of one sample, each with at most
    ``min(im2col_max_bytes, CHUNK_BYTES)`` bytes of scratch, ``cell_bytes`` per
    output cell and ``position_bytes`` per output position (shared by the channels)."""
    n_batch, chans = x.shape[:2]
    cap = min(config.current("im2col_max_bytes"), CHUNK_BYTES)
    plan = chunk_plan(n_batch, chans * cell_bytes + position_bytes, g.out_spatial, 1, cap)
    return chunk_slices(n_batch, g.out_spatial, *plan)


def _has_nan(x: np.ndarray) -> bool:
    """Whether ``x`` holds a NaN (one reduction, no temporary: the maximum propagates NaN)."""
    return x.dtype.kind == "f" and x.size > 0 and bool(np.isnan(x.max()))


def _per_axis_sum(ranges, term) -> np.ndarray:
    """``sum_a term(a, i_a)`` for every output ``i`` of a chunk (``ranges`` as
    :func:`~convlab._chunks.chunk_ranges` gives them), int64 of the
    shape of the chunk's kept axes: an index table, one term per spatial axis."""
    nd = len(ranges)
    total = np.zeros((1,) * nd, dtype=np.int64)
    for axis, (start, stop, _) in enumerate(ranges):
        shape = [1] * nd
        shape[axis] = stop - start
        total = total + term(axis, np.arange(start, stop)).reshape(shape)
    return total.reshape([stop - start for start, stop, kept in ranges if kept])


def _first_taps(g: PoolGeometry, ranges) -> np.ndarray:
    """For each output of a chunk, the number (in window order) of its first tap inside
    the input: torch's index where no cell rises above the fill."""
    weights = [math.prod(g.kernel[axis + 1:]) for axis in range(len(g.kernel))]
    return _per_axis_sum(ranges, lambda a, i: np.maximum(0, -((i * g.stride[a] - g.padding[a])
                                                              // g.dilation[a])) * weights[a])


def _flat_index(taps: np.ndarray, out: np.ndarray, g: PoolGeometry, spatial: tuple[int, ...],
                ranges) -> None:
    """A chunk's tap numbers as flat indices into the input plane, into ``out``
    (contiguous int64): the window's origin plus the tap's offset, each a sum over the axes."""
    plane = [math.prod(spatial[axis + 1:]) for axis in range(len(spatial))]
    offsets = _per_axis_sum([(0, k, True) for k in g.kernel],
                            lambda a, j: j * g.dilation[a] * plane[a]).reshape(-1)
    np.take(offsets, taps, out=out, mode="clip")          # "clip" (every tap is valid): no buffer
    out += _per_axis_sum(ranges, lambda a, i: (i * g.stride[a] - g.padding[a]) * plane[a])


class _MaxScan:
    """Max pooling of ``(N, C, *spatial)``, one chunk of the output at a time (see :func:`_plan`).

    torch's CPU rule, a kernel tap at a time: scanning a window in order, a
    cell replaces the current maximum if it is larger or NaN. So the first
    maximal cell wins a tie, the last NaN wins over everything, and a window
    whose cells are all the fill (``-inf``, or the integer minimum) takes its
    first cell inside the input. Each tap gathers one strided slice of ``x``
    (the fill where the tap would read padding, which is thus never picked)
    and compares it with the running maximum: a loop over the kernel's taps,
    not over output positions. With ``indices``, the flat plane indices of
    the cells taken too (int64). The scratch of a chunk stays under
    ``im2col_max_bytes``, ``extra_bytes`` per output cell of the caller's
    included.
    """

    def __init__(self, x: np.ndarray, g: PoolGeometry, indices: bool, extra_bytes: int = 0):
        self.x, self.g, self.indices = x, g, indices
        self.nan = _has_nan(x)
        self.fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        self.tap_dtype = np.min_scalar_type(math.prod(g.kernel) - 1)
        # per cell: the maxima, a tap's cells and two masks; with indices, the tap numbers, a
        # temporary of theirs, the flat index and np.take's intp copy of the tap numbers; per
        # position, the index tables
        cell = (2 * x.dtype.itemsize + 2 + (2 * self.tap_dtype.itemsize + 16 if indices else 0)
                + extra_bytes)
        self.chunks = list(_plan(x, g, cell, 16 if indices else 0))
        self.dtypes = [x.dtype, x.dtype, bool, bool] + ([self.tap_dtype, self.tap_dtype, np.int64]
                                                        if indices else [])

    def shape(self, where) -> tuple[int, ...]:
        """The shape of a chunk's arrays (its samples, every channel, the axes it keeps)."""
        batch, where = where
        ranges = chunk_ranges(where, self.g.out_spatial)
        return (batch.stop - batch.start, self.x.shape[1],
                *(stop - start for start, stop, kept in ranges if kept))

    def buffers(self, shape) -> list[np.ndarray]:
        """Scratch for a chunk of ``shape`` (or smaller), lent by :mod:`convlab.workspace`."""
        return [workspace.take((math.prod(shape),), dtype) for dtype in self.dtypes]

    def scan(self, batch, where, buffers) -> tuple[np.ndarray, np.ndarray | None]:
        """The maxima of one chunk and, with indices, their flat plane indices (else ``None``):
        views of ``buffers``, overwritten by the next chunk scanned into them."""
        x, g, indices, tap_dtype = self.x, self.g, self.indices, self.tap_dtype
        ranges = chunk_ranges(where, g.out_spatial)
        shape = self.shape((batch, where))
        size = math.prod(shape)
        best, cells, larger, is_nan, *more = (b[:size].reshape(shape) for b in buffers)
        taps, step, index = more or (None, None, None)
        if indices:
            taps[...] = _first_taps(g, ranges)
        target = best                                         # the first tap that reads x goes to best
        for number, (_, src, dst) in enumerate(inside_taps(x.shape[2:], g.kernel, g.stride, g.dilation,
                                                           g.pairs, ranges)):
            if src is None:                                   # padding only: never taken
                continue
            fill_outside(target, dst, self.fill)
            np.copyto(target[(slice(None), slice(None), *dst)], x[(batch, slice(None), *src)])
            if target is best:
                target = cells
                continue
            np.greater(cells, best, out=larger)
            if self.nan:
                np.isnan(cells, out=is_nan)
                larger |= is_nan
            np.putmask(best, larger, cells)
            if indices:
                # every tap number so far is below this one: the maximum with it sets it where taken
                np.multiply(larger, tap_dtype.type(number), out=step)
                np.maximum(taps, step, out=taps)
        if indices:
            _flat_index(taps, index, g, x.shape[2:], ranges)
        return best, index

    def __iter__(self):
        """``(batch, where, best, index)`` for every chunk in output order, one set of scratch."""
        buffers = self.buffers(self.shape(self.chunks[0])) if self.chunks else []
        try:
            for batch, where in self.chunks:
                yield (batch, where, *self.scan(batch, where, buffers))
        finally:
            workspace.give(*buffers)


def _argmax(x: np.ndarray, g: PoolGeometry, indices: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Max pooling of ``(N, C, *spatial)``: the values and, with ``indices``, the flat
    plane indices of the cells taken, ``(N, C, *out)`` each; the chunks on
    :mod:`convlab._pool`'s threads, as many at once as the memory cap holds."""
    values = np.empty((*x.shape[:2], *g.out_spatial), dtype=x.dtype)
    index = np.empty(values.shape, dtype=np.int64) if indices else None
    scan = _MaxScan(x, g, indices)
    if not scan.chunks:
        return values, index
    largest = scan.shape(scan.chunks[0])                      # the first chunk is the largest

    def part(batch, where):
        buffers = scan.buffers(largest)
        best, flat = scan.scan(batch, where, buffers)
        values[(batch, slice(None), *where)] = best
        if indices:
            index[(batch, slice(None), *where)] = flat
        workspace.give(*buffers)

    chunk_bytes = math.prod(largest) * sum(np.dtype(d).itemsize for d in scan.dtypes)
    _pool.run([functools.partial(part, batch, where) for batch, where in scan.chunks],
              most=config.current("im2col_max_bytes") // max(chunk_bytes, 1))
    return values, index


def _context(x: np.ndarray, g: PoolGeometry, unbatched: bool) -> str:
    """What a pooling's output shape follows from, for the message of a wrong ``grad_output``."""
    return (f" for x of shape {x.shape[unbatched:]}, kernel_size={g.kernel}, stride={g.stride}, "
            f"padding={g.padding}, dilation={g.dilation} and ceil_mode={g.ceil_mode}")


def _grad_dtype(grad_output: np.ndarray, x: np.ndarray) -> np.dtype:
    dtype = np.result_type(grad_output.dtype, x.dtype)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


# --------------------------------------------------------------------------
# max pooling
# --------------------------------------------------------------------------

def _max_pool(x, nd, op, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    arr, unbatched = pool_input("x", x, nd, op)
    g = pool_geometry(arr.shape[2:], kernel_size, stride, padding, dilation, ceil_mode)
    return_indices = flag("return_indices", return_indices)
    values, index = _argmax(arr, g, return_indices)
    if unbatched:
        values, index = values[0], None if index is None else index[0]
    return (values, index) if return_indices else values


def _max_pool_backward(grad_output, x, nd, op, kernel_size, stride, padding, dilation, ceil_mode):
    arr, unbatched = pool_input("x", x, nd, op)
    g = pool_geometry(arr.shape[2:], kernel_size, stride, padding, dilation, ceil_mode)
    out_shape = (*arr.shape[:2], *g.out_spatial)
    gy = pool_grad_output(grad_output, out_shape[unbatched:], op, _context(arr, g, unbatched))
    dtype = _grad_dtype(gy, arr)
    gy = gy.reshape(out_shape)
    chans, spatial = arr.shape[1], arr.shape[2:]
    plane = math.prod(spatial)
    gx = np.zeros(arr.shape, dtype=dtype)
    flat = gx.reshape(-1)
    for batch, where, _, index in _MaxScan(arr, g, True, extra_bytes=dtype.itemsize):
        nb = batch.stop - batch.start
        index += (np.arange(batch.start * chans, batch.stop * chans, dtype=np.int64)
                  * plane).reshape(nb, chans, *(1,) * (index.ndim - 2))
        # np.add.at, not assignment: where windows overlap, one cell is picked by several
        # (in output order, the order torch adds them in: the chunks go in that order too)
        share = np.ascontiguousarray(gy[(batch, slice(None), *where)], dtype=dtype)
        np.add.at(flat, index.reshape(-1), share.reshape(-1))
    return gx[0] if unbatched else gx


def max_pool1d(x: ArrayLike, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               dilation: Size = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """1-D max pooling, like ``torch.nn.functional.max_pool1d``.

    ``y[n, c, i] = max_j xp[n, c, i*stride + j*dilation]`` where ``xp`` is
    ``x`` padded with ``-inf``.

    Parameters
    ----------
    x : array_like
        ``(N, C, L)``, or ``(C, L)`` unbatched (the result is then unbatched
        too). Integer or floating.
    kernel_size : int or tuple of 1 int
        The window.
    stride : int or tuple of 1 int, optional
        Positive; ``None`` (the default) is ``kernel_size``.
    padding : int or tuple of 1 int
        Cells of ``-inf`` on both sides, at most ``kernel_size // 2``.
    dilation : int or tuple of 1 int
        Spacing of the window's taps.
    ceil_mode : bool
        Round the output size up, keeping a last partial window if it starts
        inside the input or its left padding.
    return_indices : bool
        Also return, for each output, the index into ``x``'s last axis of
        the cell it took (the first maximal one; NaN wins, the last NaN).

    Returns
    -------
    numpy.ndarray or (numpy.ndarray, numpy.ndarray)
        ``(N, C, L_out)`` with ``x``'s dtype, and the ``int64`` indices.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[1, 3, 2, 3, 0]])
    >>> convlab.max_pool1d(x, 2)
    array([[3, 3]])
    >>> convlab.max_pool1d(x, 3, stride=1, return_indices=True)
    (array([[3, 3, 3]]), array([[1, 1, 3]]))
    >>> convlab.max_pool1d(x, 2, ceil_mode=True)
    array([[3, 3, 0]])
    """
    return _max_pool(x, 1, "max_pool1d", kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool2d(x: ArrayLike, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               dilation: Size = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """2-D max pooling, like ``torch.nn.functional.max_pool2d``.

    See :func:`max_pool1d` for the parameters (ints or tuples of 2 ints);
    ``x`` is ``(N, C, H, W)`` or ``(C, H, W)``, and an index is
    ``h * W + w``, flat into the input's ``H x W`` plane.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(16.0).reshape(1, 4, 4)
    >>> convlab.max_pool2d(x, 2)
    array([[[ 5.,  7.],
            [13., 15.]]])
    >>> y, i = convlab.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
    >>> i
    array([[[ 5,  7],
            [13, 15]]])
    """
    return _max_pool(x, 2, "max_pool2d", kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool3d(x: ArrayLike, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               dilation: Size = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """3-D max pooling, like ``torch.nn.functional.max_pool3d``.

    See :func:`max_pool1d` for the parameters (ints or tuples of 3 ints);
    ``x`` is ``(N, C, D, H, W)`` or ``(C, D, H, W)``, and an index is
    ``(d * H + h) * W + w``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(27).reshape(1, 1, 3, 3, 3)
    >>> convlab.max_pool3d(x, 2, stride=1)[0, 0]
    array([[[13, 14],
            [16, 17]],
    <BLANKLINE>
           [[22, 23],
            [25, 26]]])
    """
    return _max_pool(x, 3, "max_pool3d", kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool1d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size,
                        stride: Size | None = None, padding: Size = 0, dilation: Size = 1,
                        ceil_mode: bool = False) -> np.ndarray:
    """The gradient of :func:`max_pool1d` with respect to ``x``.

    Each output's gradient goes to the cell that output took (the one
    ``return_indices`` names); where windows overlap, a cell taken by
    several outputs receives the sum of their gradients. What
    ``torch.autograd`` computes for ``max_pool1d``.

    Parameters
    ----------
    grad_output : array_like
        The gradient of the output, of the output's shape.
    x, kernel_size, stride, padding, dilation, ceil_mode
        As given to :func:`max_pool1d`.

    Returns
    -------
    numpy.ndarray
        Of ``x``'s shape, floating.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[0.0, 5.0, 1.0, 2.0, 0.0]])
    >>> convlab.max_pool1d(x, 3, stride=1)                  # every window takes the 5
    array([[5., 5., 2.]])
    >>> convlab.max_pool1d_backward(np.ones((1, 3)), x, 3, stride=1)
    array([[0., 2., 0., 1., 0.]])
    """
    return _max_pool_backward(grad_output, x, 1, "max_pool1d", kernel_size, stride, padding,
                              dilation, ceil_mode)


def max_pool2d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size,
                        stride: Size | None = None, padding: Size = 0, dilation: Size = 1,
                        ceil_mode: bool = False) -> np.ndarray:
    """The gradient of :func:`max_pool2d` with respect to ``x``.

    See :func:`max_pool1d_backward`.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.ones((1, 3, 3))                              # all tied: each window takes its first cell
    >>> convlab.max_pool2d_backward(np.ones((1, 2, 2)), x, 2, stride=1)
    array([[[1., 1., 0.],
            [1., 1., 0.],
            [0., 0., 0.]]])
    """
    return _max_pool_backward(grad_output, x, 2, "max_pool2d", kernel_size, stride, padding,
                              dilation, ceil_mode)


def max_pool3d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size,
                        stride: Size | None = None, padding: Size = 0, dilation: Size = 1,
                        ceil_mode: bool = False) -> np.ndarray:
    """The gradient of :func:`max_pool3d` with respect to ``x``.

    See :func:`max_pool1d_backward`.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(8.0).reshape(1, 2, 2, 2)
    >>> convlab.max_pool3d_backward(np.full((1, 1, 1, 1), 3.0), x, 2)[0, 1]
    array([[0., 0.],
           [0., 3.]])
    """
    return _max_pool_backward(grad_output, x, 3, "max_pool3d", kernel_size, stride, padding,
                              dilation, ceil_mode)


# --------------------------------------------------------------------------
# average pooling
# --------------------------------------------------------------------------

def _box_conv(x: np.ndarray, g: PoolGeometry, pairs) -> np.ndarray:
    """Window sums: the depthwise convolution of ``x`` with a box of ones."""
    check_allocation(f"kernel_size={g.kernel} (a box of ones per channel, {x.shape[1]} channels)",
                     (x.shape[1], 1, *g.kernel), x.dtype.itemsize, what="the box kernel")
    box = np.ones((x.shape[1], 1, *g.kernel), dtype=x.dtype)
    # im2col, not "auto": the sums are exact in window order, and for these depthwise
    # convolutions auto's cost model picks fft where im2col is ~20x faster
    return convnd(x, box, stride=g.stride, padding=pairs, groups=x.shape[1], method="im2col")


def _divisor(g: PoolGeometry, spatial: tuple[int, ...]) -> int | np.ndarray:
    """What each window's sum is divided by: an int, or ``(*out)`` int64 counts.

    A count is itself a convolution of a ones image: of the padded input's
    extent (``count_include_pad``; a ``ceil_mode`` window past it covers
    ``extra`` cells of zeros), or of the input alone (its padding zeros).
    """
    if g.divisor_override is not None:
        return g.divisor_override
    if g.count_include_pad:
        shape = tuple(n + 2 * p for n, p in zip(spatial, g.padding))
        pairs = tuple((0, e) for e in g.extra)
    else:
        shape, pairs = tuple(spatial), g.pairs
    if not any(lo or hi for lo, hi in pairs):
        return math.prod(g.kernel)
    ones = np.ones((1, 1, *shape), dtype=np.int64)
    return _box_conv(ones, g, pairs)[0, 0]


def _avg_dtypes(dtype: np.dtype) -> tuple[np.dtype, np.dtype]:
    """(the dtype window sums are taken in, the dtype the average is computed in)."""
    if dtype.kind in "iu":
        return np.dtype(np.int64), np.dtype(np.float64)        # exact sums, one rounding
    if dtype.itemsize < 4:
        return np.dtype(np.float32), np.dtype(np.float32)      # float16 in float32
    return dtype, dtype


def _avg_pool(x, nd, op, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    arr, unbatched = pool_input("x", x, nd, op)
    g = pool_geometry(arr.shape[2:], kernel_size, stride, padding, 1, ceil_mode,
                      count_include_pad=count_include_pad, divisor_override=divisor_override)
    sum_dtype, avg_dtype = _avg_dtypes(arr.dtype)
    check_integer_sum("x", arr, math.prod(g.kernel), f"prod(kernel_size) = {'*'.join(map(str, g.kernel))}, "
                      f"the cells summed per window")
    sums = _box_conv(arr.astype(sum_dtype, copy=False), g, g.pairs)
    y = sums.astype(avg_dtype, copy=False) / np.asarray(_divisor(g, arr.shape[2:]), dtype=avg_dtype)
    if arr.dtype.kind == "f":
        y = y.astype(arr.dtype, copy=False)
    return y[0] if unbatched else y


def _avg_pool_backward(grad_output, x, nd, op, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, divisor_override):
    arr, unbatched = pool_input("x", x, nd, op)
    g = pool_geometry(arr.shape[2:], kernel_size, stride, padding, 1, ceil_mode,
                      count_include_pad=count_include_pad, divisor_override=divisor_override)
    out_shape = (*arr.shape[:2], *g.out_spatial)
    gy = pool_grad_output(grad_output, out_shape[unbatched:], op, _context(arr, g, unbatched))
    dtype = _grad_dtype(gy, arr)
    gy = gy.reshape(out_shape).astype(dtype, copy=False)
    share = gy / np.asarray(_divisor(g, arr.shape[2:]), dtype=dtype)
    spatial = arr.shape[2:]
    gxp = np.zeros((*arr.shape[:2], *(n + lo + hi for n, (lo, hi) in zip(spatial, g.pairs))), dtype)
    # the adjoint of the box convolution: every tap adds the shares to the cells it read;
    # one strided slice per tap (no two outputs of one tap read the same cell)
    for tap in np.ndindex(*g.kernel):
        cells = tuple(slice(j, j + (o - 1) * s + 1, s) for j, o, s in zip(tap, g.out_spatial, g.stride))
        gxp[(slice(None), slice(None), *cells)] += share
    gx = gxp[(slice(None), slice(None), *(slice(p, p + n) for p, n in zip(g.padding, spatial)))]
    gx = np.ascontiguousarray(gx)
    return gx[0] if unbatched else gx


def avg_pool1d(x: ArrayLike, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> np.ndarray:
    """1-D average pooling, like ``torch.nn.functional.avg_pool1d``.

    Computed as what it is: the depthwise convolution
    ``convlab.conv1d(x, ones((C, 1, k)), stride=stride, padding=padding, groups=C)``
    divided by the number of cells each window covers.

    Parameters
    ----------
    x : array_like
        ``(N, C, L)``, or ``(C, L)`` unbatched (the result is then unbatched
        too). Integer or floating.
    kernel_size : int or tuple of 1 int
        The window.
    stride : int or tuple of 1 int, optional
        Positive; ``None`` (the default) is ``kernel_size``.
    padding : int or tuple of 1 int
        Cells of zeros on both sides, at most ``kernel_size // 2``.
    ceil_mode : bool
        Round the output size up, keeping a last partial window if it starts
        inside the input or its left padding; such a window's divisor counts
        only the cells of the padded input it covers.
    count_include_pad : bool
        Count the padding in the divisor (``True``, torch's default) or only
        the window's input cells.
    divisor_override : int, optional
        A positive divisor for every window instead (torch's ``avg_pool1d``
        lacks it; its ``avg_pool2d`` has it).

    Returns
    -------
    numpy.ndarray
        ``(N, C, L_out)``; ``x``'s floating dtype, ``float64`` for integers.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    >>> convlab.avg_pool1d(x, 2)
    array([[1.5, 3.5]])
    >>> convlab.avg_pool1d(x, 3, stride=2, padding=1)                          # pads count
    array([[1., 3., 3.]])
    >>> convlab.avg_pool1d(x, 3, stride=2, padding=1, count_include_pad=False)  # they do not
    array([[1.5, 3. , 4.5]])
    """
    return _avg_pool(x, 1, "avg_pool1d", kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool2d(x: ArrayLike, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> np.ndarray:
    """2-D average pooling, like ``torch.nn.functional.avg_pool2d``.

    See :func:`avg_pool1d` for the parameters (ints or tuples of 2 ints);
    ``x`` is ``(N, C, H, W)`` or ``(C, H, W)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(16).reshape(1, 4, 4)
    >>> convlab.avg_pool2d(x, 2)
    array([[[ 2.5,  4.5],
            [10.5, 12.5]]])
    >>> convlab.avg_pool2d(x, 2, divisor_override=1)                 # window sums
    array([[[10., 18.],
            [42., 50.]]])
    """
    return _avg_pool(x, 2, "avg_pool2d", kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool3d(x: ArrayLike, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> np.ndarray:
    """3-D average pooling, like ``torch.nn.functional.avg_pool3d``.

    See :func:`avg_pool1d` for the parameters (ints or tuples of 3 ints);
    ``x`` is ``(N, C, D, H, W)`` or ``(C, D, H, W)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(8.0).reshape(1, 1, 2, 2, 2)
    >>> convlab.avg_pool3d(x, 2)
    array([[[[[3.5]]]]])
    """
    return _avg_pool(x, 3, "avg_pool3d", kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool1d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size,
                        stride: Size | None = None, padding: Size = 0, ceil_mode: bool = False,
                        count_include_pad: bool = True,
                        divisor_override: int | None = None) -> np.ndarray:
    """The gradient of :func:`avg_pool1d` with respect to ``x``.

    The adjoint (transpose) of average pooling: each output's gradient,
    divided by that window's divisor, is spread over the window's cells, and
    where windows overlap the shares add up. What ``torch.autograd``
    computes for ``avg_pool1d``. Only ``x``'s shape matters (the operation
    is linear).

    Parameters
    ----------
    grad_output : array_like
        The gradient of the output, of the output's shape.
    x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
        As given to :func:`avg_pool1d`.

    Returns
    -------
    numpy.ndarray
        Of ``x``'s shape, floating.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.zeros((1, 5))
    >>> convlab.avg_pool1d_backward(np.array([[3.0, 6.0]]), x, 3, stride=2)
    array([[1., 1., 3., 2., 2.]])
    """
    return _avg_pool_backward(grad_output, x, 1, "avg_pool1d", kernel_size, stride, padding,
                              ceil_mode, count_include_pad, divisor_override)


def avg_pool2d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size,
                        stride: Size | None = None, padding: Size = 0, ceil_mode: bool = False,
                        count_include_pad: bool = True,
                        divisor_override: int | None = None) -> np.ndarray:
    """The gradient of :func:`avg_pool2d` with respect to ``x``.

    See :func:`avg_pool1d_backward`.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.zeros((1, 4, 4))
    >>> convlab.avg_pool2d_backward(np.ones((1, 2, 2)), x, 2)
    array([[[0.25, 0.25, 0.25, 0.25],
            [0.25, 0.25, 0.25, 0.25],
            [0.25, 0.25, 0.25, 0.25],
            [0.25, 0.25, 0.25, 0.25]]])
    """
    return _avg_pool_backward(grad_output, x, 2, "avg_pool2d", kernel_size, stride, padding,
                              ceil_mode, count_include_pad, divisor_override)


def avg_pool3d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size,
                        stride: Size | None = None, padding: Size = 0, ceil_mode: bool = False,
                        count_include_pad: bool = True,
                        divisor_override: int | None = None) -> np.ndarray:
    """The gradient of :func:`avg_pool3d` with respect to ``x``.

    See :func:`avg_pool1d_backward`.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.zeros((1, 1, 2, 2, 2))
    >>> convlab.avg_pool3d_backward(np.full((1, 1, 1, 1, 1), 8.0), x, 2)[0, 0, 0]
    array([[1., 1.],
           [1., 1.]])
    """
    return _avg_pool_backward(grad_output, x, 3, "avg_pool3d", kernel_size, stride, padding,
                              ceil_mode, count_include_pad, divisor_override)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
