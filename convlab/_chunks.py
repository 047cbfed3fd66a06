"""Chunks and taps: the index arithmetic every tap-by-tap method shares.

Neutral ground for the methods (:mod:`convlab.methods`), pooling, unfold,
the cost model and calibration; no method module is imported here.

* :func:`work_bytes`, :func:`chunk_plan` and :func:`chunk_slices`: how a
  column matrix (or any per-output scratch) is cut into chunks under the
  ``im2col_max_bytes`` cap;
* :func:`chunk_ranges`, :func:`inside_taps` and :func:`fill_outside`: for
  each kernel tap, which outputs of a chunk read the input rather than
  padding, without a loop over positions;
* :func:`patch_view`: the strided view ``(N, C, *kernel, *out)`` of a padded
  input, and :func:`gather_runs`, the runs a gather of it copies.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import config

# The chunk aimed at when the cap allows more, in elements: large enough for the GEMM
# to run at full speed, small enough for the columns just gathered to be still in the
# cache when the GEMM reads them. Measured against 16 MiB chunks (interleaved medians,
# one thread): 256x256 3->8 11x11 2.2-2.7x faster, 56x56 64->64 3x3 1.2-1.3x faster,
# the other deep 3x3 layers and 224x224 3->64 3x3 within noise. A matrix gathered
# taps last (:func:`gather_runs`: a weight gradient) keeps its larger chunks of
# WORK_BYTES_BY_TAPS: at 2**19 elements the weight gradient of 28x28 128->128 ran
# 1.1-1.3x slower.
WORK_ELEMENTS = 2**19
WORK_BYTES_BY_TAPS = 16 * 2**20


def work_bytes(itemsize: int, by_taps: bool = False, *, max_bytes: int | None = None) -> int:
    """Bytes of the chunk aimed at, within the cap ``max_bytes`` (default: the
    ``im2col_max_bytes`` setting): :data:`WORK_ELEMENTS` elements of
    ``itemsize`` bytes, or :data:`WORK_BYTES_BY_TAPS` for a matrix gathered
    taps last. The cost model passes ``max_bytes``, so that its estimates
    depend on their arguments alone.

    Examples
    --------
    >>> from convlab._chunks import work_bytes
    >>> work_bytes(4) // 2**20, work_bytes(8) // 2**20, work_bytes(8, by_taps=True) // 2**20   # MiB
    (2, 4, 16)
    """
    aim = WORK_BYTES_BY_TAPS if by_taps else WORK_ELEMENTS * itemsize
    return min(config.current("im2col_max_bytes") if max_bytes is None else max_bytes, aim)


def patch_view(xp, kernel, stride, dilation, out_spatial, *, writeable: bool = False):
    """View ``(N, C, *kernel, *out_spatial)`` of the padded input, read-only unless
    ``writeable`` (the methods only read it, and skip the cost of the flag).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._chunks import patch_view
    >>> xp = np.arange(5.0).reshape(1, 1, 5)
    >>> patch_view(xp, (3,), (1,), (1,), (3,))[0, 0]     # row j holds x[i + j]
    array([[0., 1., 2.],
           [1., 2., 3.],
           [2., 3., 4.]])
    """
    steps = xp.strides
    # an axis of length 1 never steps: its byte stride is 0, whatever the stride or dilation
    if len(steps) == 3:          # 1-D, the common small case: no loops
        k, o = kernel[0], out_spatial[0]
        n, c, _ = xp.shape
        shape = (n, c, k, o)
        strides = (steps[0], steps[1], steps[2] * dilation[0] if k > 1 else 0,
                   steps[2] * stride[0] if o > 1 else 0)
    else:
        shape = (*xp.shape[:2], *kernel, *out_spatial)
        strides = (*steps[:2], *[st * d if k > 1 else 0 for st, d, k in zip(steps[2:], dilation, kernel)],
                   *[st * s if o > 1 else 0 for st, s, o in zip(steps[2:], stride, out_spatial)])
    if xp.flags.c_contiguous and xp.size:
        # the same view as as_strided's, built directly on the array's memory (10x cheaper)
        view = np.ndarray(shape, xp.dtype, xp, 0, strides)
        if not writeable:
            view.flags.writeable = False
        return view
    return as_strided(xp, shape, strides, writeable=writeable)


def chunk_plan(n_batch: int, depth: int, out_spatial: tuple[int, ...], itemsize: int,
         max_bytes: int) -> tuple[int, int, int]:
    """How to cut the column matrix into chunks of at most ``max_bytes``.

    Returns ``(samples, axis, width)``: each chunk covers ``samples`` whole
    samples when ``axis == -1``; otherwise one sample, every index of the
    output axes before ``axis``, ``width`` indices of ``axis`` and all of the
    axes after it. Only a single column (``depth * itemsize`` bytes) can
    exceed the cap.

    Examples
    --------
    >>> from convlab._chunks import chunk_plan
    >>> chunk_plan(8, 576, (56, 56), 8, 256 * 2**20)        # all 8 samples at once
    (8, -1, 56)
    >>> chunk_plan(1, 961, (482, 482), 8, 256 * 2**20)      # 512x512 * 31x31: 7 chunks of 69 rows
    (1, 0, 69)
    """
    column = depth * itemsize
    per_sample = column * math.prod(out_spatial)
    if per_sample <= max_bytes or not out_spatial:
        return _even(n_batch, max_bytes // max(per_sample, 1)), -1, out_spatial[0] if out_spatial else 1
    for axis, size in enumerate(out_spatial):
        slab = column * math.prod(out_spatial[axis + 1:])     # one index of this axis
        if slab <= max_bytes or axis == len(out_spatial) - 1:
            return 1, axis, _even(size, max_bytes // slab)
    raise AssertionError("unreachable")  # pragma: no cover


def _even(total: int, most: int) -> int:
    """The chunk size, at most ``most``, that cuts ``total`` into equal-ish chunks."""
    most = max(1, min(total, most))
    return -(-total // -(-total // most)) if total else 1


def chunk_slices(n_batch, out_spatial, samples, axis, width):
    """Yield ``(sample slice, spatial index tuple)`` for every chunk of :func:`chunk_plan`.

    Examples
    --------
    >>> from convlab._chunks import chunk_slices
    >>> [where for _, where in chunk_slices(1, (2, 5), 1, 1, 3)]      # rows, 3 columns at the most
    [(0, slice(0, 3, None)), (0, slice(3, 5, None)), (1, slice(0, 3, None)), (1, slice(3, 5, None))]
    """
    if axis == -1:
        for n0 in range(0, n_batch, samples):
            yield slice(n0, min(n0 + samples, n_batch)), ()
        return
    for n in range(n_batch):
        for outer in np.ndindex(*out_spatial[:axis]):
            for a0 in range(0, out_spatial[axis], width):
                yield slice(n, n + 1), (*outer, slice(a0, min(a0 + width, out_spatial[axis])))


def chunk_ranges(where, out_spatial):
    """Per spatial axis ``(start, stop, kept)``: the output indices a chunk of
    :func:`chunk_slices` covers, and whether the axis survives in the chunk's
    arrays (an int index drops it).

    Examples
    --------
    >>> from convlab._chunks import chunk_ranges
    >>> chunk_ranges((1, slice(3, 5)), (2, 5, 4))
    [(1, 2, False), (3, 5, True), (0, 4, True)]
    """
    out = []
    for axis, size in enumerate(out_spatial):
        index = where[axis] if axis < len(where) else slice(0, size)
        if isinstance(index, slice):
            out.append((index.start, index.stop, True))
        else:
            out.append((index, index + 1, False))
    return out


def inside_taps(sizes, kernel, stride, dilation, padding, ranges):
    """For each kernel offset ``j`` in window order, what it reads inside the input.

    Yields ``(j, src, dst)``: of the chunk's outputs ``i`` (``ranges``, as
    :func:`chunk_ranges` gives them), those whose tap ``j`` reads a cell of
    the input (of spatial shape ``sizes``) rather than padding are
    ``dst``, one slice per axis the chunk keeps, and the cells they read are
    ``src``, one slice (an int on an axis the chunk drops) per spatial axis:
    ``x[..., *src]`` lines up with ``chunk[..., *dst]``. ``src`` and ``dst``
    are ``None`` when the tap reads padding only. The index arithmetic of
    every tap-by-tap gather, without a loop over output positions.

    Examples
    --------
    >>> from convlab._chunks import inside_taps
    >>> for j, src, dst in inside_taps((4,), (3,), (1,), (1,), ((1, 1),), [(0, 4, True)]):
    ...     print(j, src, dst)
    (0,) [slice(0, 3, 1)] [slice(1, 4, None)]
    (1,) [slice(0, 4, 1)] [slice(0, 4, None)]
    (2,) [slice(1, 4, 1)] [slice(0, 3, None)]
    """
    for j in np.ndindex(*kernel):
        src, dst = [], []
        for (start, stop, kept), n, s, d, (before, _), tap in zip(ranges, sizes, stride, dilation,
                                                                  padding, j):
            offset = tap * d - before                          # input index = i*s + offset
            first = max(start, -(offset // s))                 # first i with i*s + offset >= 0
            last = min(stop, (n - 1 - offset) // s + 1)        # one past the last inside x
            if first >= last:
                src = dst = None
                break
            if kept:
                src.append(slice(first * s + offset, (last - 1) * s + offset + 1, s))
                dst.append(slice(first - start, last - start))
            else:
                src.append(first * s + offset)
        yield j, src, dst


def fill_outside(block, dst, value) -> None:
    """Set ``block`` to ``value`` outside ``block[..., *dst]`` (``dst``: one slice per
    trailing axis, as :func:`inside_taps` gives them): at most two fills per axis.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._chunks import fill_outside
    >>> block = np.ones((1, 3, 4))
    >>> fill_outside(block, [slice(1, 3), slice(0, 3)], 0)
    >>> block[0]
    array([[0., 0., 0., 0.],
           [1., 1., 1., 0.],
           [0., 0., 0., 0.]])
    """
    lead = block.ndim - len(dst)
    for axis, part in enumerate(dst, lead):
        if part.start > 0:
            block[(slice(None),) * axis + (slice(0, part.start),)] = value
        if part.stop < block.shape[axis]:
            block[(slice(None),) * axis + (slice(part.stop, None),)] = value


def gather_runs(kernel, out_spatial) -> tuple[int, bool]:
    """The runs the gather copies, one numpy inner loop each: ``(length, along kernel taps)``.

    The column matrix is usually gathered with the output positions last,
    so each copied run is an output row (strided by the stride). For a large
    kernel over few outputs (the weight gradient of a layer, a correlation
    of two long signals) the kernel's rows are the longer runs: the matrix is
    then gathered transposed, taps last, and the GEMM reads it transposed.

    Examples
    --------
    >>> from convlab._chunks import gather_runs
    >>> gather_runs((3, 3), (56, 56)), gather_runs((56, 56), (3, 3))
    ((56, False), (56, True))
    """
    by_positions, by_taps = out_spatial[-1], kernel[-1]
    return (by_taps, True) if by_taps > by_positions else (by_positions, False)
