"""The cost model behind ``method="auto"``: estimated seconds of each method.

The estimates follow what each method does, priced with a machine's speeds
(a :class:`convlab.calibration.Rates`, passed in as a value):

* ``im2col``: copying the column matrix (bytes, plus a cost per contiguous
  run of the patch view) and the GEMM (flops at a rate that drops for few
  output channels, and never faster than the matrix can be streamed), plus
  the fixed cost of a call and of each chunk;
* ``fft``: the transforms (``n log n`` per transform, slower once out of
  cache), the products of spectra (a batched matrix product for several
  channels) and, for long 1-D signals, overlap-add with the best block
  (:func:`block_length`), plus the fixed cost of a call;
* ``loop``: :data:`LOOP_NS_PER_MAC` per multiply-add -- never chosen, reported
  so that the explanation shows how far behind it is.

A transposed convolution is priced by :func:`transposed_estimates`: its
``im2col`` is a GEMM and a scatter-add (:func:`im2col_transposed_seconds`),
its ``fft`` the correlation of the upsampled input it computes.

Each method's estimate takes a :class:`Shapes` (the problem's shapes and
geometry, the dtype priced and the memory cap, everything an estimate
reads) and the speeds: the method records of :mod:`convlab.registry` point
at :func:`loop_estimate`, :func:`im2col_estimate` and :func:`fft_estimate`,
and :func:`estimates` asks every registered method.

Nothing here runs a convolution; :mod:`convlab.resolve` compares the
estimates and decides.

Examples
--------
>>> from convlab import calibration, cost
>>> from convlab._validate import geometry
>>> shapes = cost.Shapes((1, 1, 512, 512), (1, 1, 31, 31), geometry((512, 512), (31, 31), 1, 0, 1),
...                      itemsize=8, real=True, max_bytes=256 * 2**20)
>>> t = cost.estimates(shapes, calibration.DEFAULT)
>>> t["fft"] < t["im2col"] < t["loop"]
True
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np

from ._chunks import chunk_plan, gather_runs, work_bytes
from ._shape_core import span as kernel_span
from .calibration import Rates
from .methods import winograd
from .methods.fft import fast_lengths, lengths_for, next_fast_len

__all__ = ["CHANNEL_GEMM_SHARE", "CHUNK_SECONDS", "COPY_NS_PER_RUN", "FFT_CACHE_BYTES", "FFT_ROW_SECONDS",
           "GEMM_HALF_M", "LOOP_NS_PER_MAC", "MOVE_COPIES", "PRODUCT_NS", "SCATTER_COPIES", "Shapes",
           "block_length", "estimates", "fft_1d_seconds", "fft_estimate", "fft_seconds", "im2col_estimate",
           "im2col_seconds", "im2col_transposed_seconds", "loop_estimate", "transform_seconds",
           "transposed_estimates", "transposed_shapes", "winograd_estimate", "winograd_seconds",
           "WINOGRAD_CHUNK_SECONDS", "WINOGRAD_FILTER_COPIES", "WINOGRAD_GEMM_SHARE", "WINOGRAD_HALF_TILES",
           "WINOGRAD_TRANSFORM_COPIES"]

#: The literal method, measured: one Python-level multiply-add and its indexing.
LOOP_NS_PER_MAC = 1000.0

# im2col: a GEMM with few rows (output channels) M runs below peak, roughly by
# M/(M + GEMM_HALF_M), and never faster than it can stream the column matrix;
# building the matrix costs a streaming copy plus a fixed cost per contiguous run.
GEMM_HALF_M = 3
COPY_NS_PER_RUN = 20.0            # one contiguous run of the patch view
CHUNK_SECONDS = 3e-6              # one chunk: copy and matmul calls

# fft: numpy's pocketfft (``fft_ns`` per point per log2(size) when many rows are
# transformed at once; a lone 1-D row is ``fft_lone`` times slower). Large
# transforms slow down once their data spills out of the L2 cache.
FFT_CACHE_BYTES = 512 * 2**10
FFT_ROW_SECONDS = 150e-9          # fixed cost of each 1-D row transformed (every axis of an N-d transform)
MOVE_COPIES = 2.0                 # moving spectra (transposes, padding) costs this many streaming copies
PRODUCT_NS = 1.0                  # one complex product of two spectra, elementwise
CHANNEL_GEMM_SHARE = 0.25         # the small complex matrix products of the channel sum, share of GEMM peak


class Shapes(NamedTuple):
    """What an estimate reads: a problem's shapes and geometry, how its dtype is priced, the cap.

    ``x_shape`` is ``(N, C_in, *spatial)`` before padding, ``w_shape`` the
    weight's shape, ``geometry`` a :class:`convlab._validate.Geometry` or
    :class:`convlab._validate.TransposedGeometry`; ``itemsize`` is that of
    the real dtype computed in (8 for float64 and complex128), ``real``
    whether it is real, and ``max_bytes`` the ``im2col_max_bytes`` setting
    the chunked methods keep their scratch under. A value: equal shapes hash
    equal, so ``auto``'s remembered choices are keyed by all of it.
    """

    x_shape: tuple[int, ...]
    w_shape: tuple[int, ...]
    geometry: tuple
    itemsize: int
    real: bool
    max_bytes: int

    @property
    def transposed(self) -> bool:
        return hasattr(self.geometry, "output_padding")


def estimates(shapes: Shapes, rates: Rates) -> dict[str, float]:
    """Estimated seconds of every registered method (:data:`convlab.registry.REGISTRY`)."""
    from . import registry  # the registry prices with this module: imported on use
    return {name: record.estimate(shapes, rates) for name, record in registry.REGISTRY.items()}


def loop_estimate(shapes: Shapes, rates: Rates) -> float:
    """:data:`LOOP_NS_PER_MAC` per multiply-add of the literal loops."""
    x_shape, w_shape = shapes.x_shape, shapes.w_shape
    if shapes.transposed:
        macs = x_shape[0] * x_shape[1] * math.prod(w_shape[1:]) * math.prod(x_shape[2:])
    else:
        macs = x_shape[0] * w_shape[0] * math.prod(w_shape[1:]) * math.prod(shapes.geometry.out_spatial)
    return LOOP_NS_PER_MAC * 1e-9 * macs


def im2col_estimate(shapes: Shapes, rates: Rates) -> float:
    """Estimated seconds of :mod:`convlab.methods.im2col`, forward or transposed."""
    if shapes.transposed:
        return _im2col_transposed(shapes, rates)
    geom = shapes.geometry
    return im2col_seconds(shapes.x_shape[0], shapes.w_shape, groups=geom.groups, out_spatial=geom.out_spatial,
                          stride=geom.stride, itemsize=shapes.itemsize, real=shapes.real, rates=rates,
                          max_bytes=shapes.max_bytes)


def fft_estimate(shapes: Shapes, rates: Rates) -> float:
    """Estimated seconds of :mod:`convlab.methods.fft`, forward or transposed."""
    if shapes.transposed:
        return _fft_transposed(shapes, rates)
    x_shape, w_shape, geom = shapes.x_shape, shapes.w_shape, shapes.geometry
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(x_shape[2:], geom.padding))
    lengths = lengths_for(x_shape[2:], geom.padding, _spans(w_shape, geom.dilation), geom.stride,
                          geom.out_spatial, real=shapes.real)[0]
    return fft_seconds(padded, w_shape, n_batch=x_shape[0], groups=geom.groups, dilation=geom.dilation,
                       itemsize=shapes.itemsize, real=shapes.real, rates=rates, lengths=lengths)


# --------------------------------------------------------------------------
# im2col
# --------------------------------------------------------------------------

def im2col_seconds(n_batch: int, w_shape: tuple[int, ...], *, groups: int, out_spatial: tuple[int, ...],
                   stride: tuple[int, ...], itemsize: int, real: bool, rates: Rates, max_bytes: int) -> float:
    """Estimated seconds of :func:`convlab.methods.im2col.compute`: copying the
    column matrix (in runs along output rows or, for a large kernel over few
    outputs, kernel rows: :func:`convlab._chunks.gather_runs`), then
    the GEMMs (complex products cost four real ones), chunked under ``max_bytes``.

    Examples
    --------
    >>> from convlab import calibration
    >>> from convlab.cost import im2col_seconds
    >>> t = im2col_seconds(8, (64, 64, 3, 3), groups=1, out_spatial=(56, 56), stride=(1, 1), itemsize=8,
    ...                    real=True, rates=calibration.DEFAULT, max_bytes=256 * 2**20)
    >>> 0.001 < t < 10.0
    True
    """
    c_out, c_in_g = w_shape[:2]
    kernel = w_shape[2:]
    m, depth = c_out // groups, c_in_g * math.prod(kernel)
    positions = math.prod(out_spatial)
    elements = n_batch * groups * depth * positions
    bytes_ = elements * itemsize * (1 if real else 2)
    copy = 0.0
    run, by_taps = gather_runs(kernel, out_spatial)   # numpy's inner loop: one row, any stride
    if not (all(k == 1 for k in kernel) and all(s == 1 for s in stride)):
        copy = bytes_ / rates.copy_bytes + elements / max(run, 1) * COPY_NS_PER_RUN * 1e-9
    flops = 2.0 * n_batch * c_out * depth * positions * (1 if real else 4)
    peak = rates.gemm_flops.get(itemsize, rates.gemm_flops[8])
    gemm = max(flops / (peak * m / (m + GEMM_HALF_M)), bytes_ / rates.copy_bytes)
    item = itemsize * (1 if real else 2)
    samples, axis, width = chunk_plan(n_batch, depth, out_spatial, item,
                                      work_bytes(item, by_taps, max_bytes=max_bytes))
    chunks = groups * (-(-n_batch // samples) if axis == -1 else
                       n_batch * math.prod(out_spatial[:axis]) * -(-out_spatial[axis] // width))
    return rates.call["im2col"] + copy + gemm + chunks * CHUNK_SECONDS


# --------------------------------------------------------------------------
# fft
# --------------------------------------------------------------------------

def transform_seconds(lengths: tuple[int, ...], rows: float, itemsize: int, real: bool,
                      rates: Rates) -> float:
    """Estimated seconds for ``rows`` FFTs of an array of shape ``lengths``
    (a complex transform costs twice a real one).

    Examples
    --------
    >>> from convlab import calibration
    >>> from convlab.cost import transform_seconds
    >>> t = transform_seconds((4096,), 100, 8, True, calibration.DEFAULT)
    >>> t < transform_seconds((8192,), 100, 8, True, calibration.DEFAULT) < 2.5 * t
    True
    """
    n = math.prod(lengths)
    if n <= 1:
        return 0.0
    per = rates.fft_ns.get(itemsize, rates.fft_ns[8]) * n * math.log2(n) * (1 if real else 2)
    spill = max(0.0, math.log2(n * itemsize / FFT_CACHE_BYTES)) / len(lengths)
    lone = rates.fft_lone if len(lengths) == 1 and rows < 4 else 1.0
    passes = sum(n // length for length in lengths)     # 1-D rows transformed, one pass per axis
    return rows * (per * (1.0 + 0.75 * spill) * lone * 1e-9 + passes * FFT_ROW_SECONDS)


def _product_seconds(signals, outputs, kernels, products, freq, itemsize, rates: Rates) -> float:
    """Seconds to multiply and sum spectra (see ``convlab.methods.fft._channel_sum``)."""
    if products <= max(signals, outputs):          # one channel in each group: elementwise
        return products * freq * PRODUCT_NS * 1e-9
    moved = (signals + kernels + outputs) * freq * 2 * itemsize       # the transposes
    flops = 8.0 * products * freq
    peak = rates.gemm_flops.get(itemsize, rates.gemm_flops[8])
    return _move_seconds(moved, rates) + flops / (CHANNEL_GEMM_SHARE * peak)


def _move_seconds(nbytes: float, rates: Rates) -> float:
    """Seconds to move ``nbytes`` of spectra around (padding, transposes)."""
    return MOVE_COPIES * nbytes / rates.copy_bytes


def fft_1d_seconds(length, *, n, span, signals, outputs, kernels, products, itemsize, real,
                   rates: Rates) -> float:
    """Estimated seconds of a 1-D FFT correlation: overlap-add with FFT ``length``,
    or one FFT of the whole signal when ``length`` is None.

    ``signals`` input rows are transformed, ``outputs`` output rows inverse
    transformed, ``kernels`` kernel rows transformed once and ``products``
    pairs of spectra multiplied (and summed) per frequency.
    """
    if length is None:
        length, blocks = next_fast_len(n, real), 1
    else:
        blocks = -(-n // (length - span + 1))
    freq = length // 2 + 1 if real else length
    t = transform_seconds((length,), blocks * signals, itemsize, real, rates)
    t += transform_seconds((length,), blocks * outputs, itemsize, real, rates)
    t += transform_seconds((length,), kernels, itemsize, real, rates)
    t += _product_seconds(blocks * signals, blocks * outputs, kernels, blocks * products, freq, itemsize,
                          rates)
    if blocks > 1:   # zero-padded blocks in, heads and tails out
        t += _move_seconds(itemsize * blocks * length * (signals + 2 * outputs), rates)
    return t + rates.call["fft"]


@functools.lru_cache(maxsize=1024)
def _best_block(*, n, span, signals, outputs, kernels, products, itemsize, real, rates: Rates) -> int | None:
    args = dict(n=n, span=span, signals=signals, outputs=outputs, kernels=kernels, products=products,
                itemsize=itemsize, real=real, rates=rates)
    best, best_cost = None, fft_1d_seconds(None, **args)
    for length in fast_lengths(2 * span - 1, next_fast_len(n) // 2):
        cost = fft_1d_seconds(length, **args)
        if cost < best_cost:
            best, best_cost = length, cost
    return best


def _counts_1d(w_shape, n_batch, groups) -> dict[str, int]:
    """Rows transformed and spectra multiplied by a 1-D problem: signals, outputs, kernels, products."""
    c_out, c_in_g = w_shape[:2]
    return dict(signals=n_batch * c_in_g * groups, outputs=n_batch * c_out, kernels=c_out * c_in_g,
                products=n_batch * c_out * c_in_g)


def block_length(n: int, w_shape: tuple[int, ...], *, n_batch: int, groups: int, dilation: int,
                 itemsize: int, real: bool, rates: Rates) -> int | None:
    """The FFT length for overlap-add of a padded length-``n`` 1-D problem
    (weights ``(C_out, C_in/groups, k)``, ``n_batch`` samples), or ``None``
    when one FFT over the whole signal is estimated to be cheaper.

    Tries every fast length from ``2*span - 1`` up and keeps the cheapest by
    :func:`fft_1d_seconds`.

    Examples
    --------
    >>> from convlab import calibration
    >>> from convlab.cost import block_length
    >>> one = dict(n_batch=1, groups=1, dilation=1, itemsize=8, real=True, rates=calibration.DEFAULT)
    >>> length = block_length(10**6, (1, 1, 1001), **one)
    >>> 8 * 1001 < length < 32 * 1001                      # a few kernel spans, not the whole signal
    True
    >>> block_length(3000, (1, 1, 1001), **one) is None
    True
    """
    return _best_block(n=n, span=kernel_span(w_shape[2], dilation), **_counts_1d(w_shape, n_batch, groups),
                       itemsize=itemsize, real=real, rates=rates)


def _spans(w_shape, dilation) -> tuple[int, ...]:
    return tuple(kernel_span(k, d) for k, d in zip(w_shape[2:], dilation))


def fft_seconds(padded: tuple[int, ...], w_shape: tuple[int, ...], *, n_batch: int, groups: int,
                dilation: tuple[int, ...], itemsize: int, real: bool, rates: Rates,
                lengths: tuple[int, ...] | None = None) -> float:
    """Estimated seconds of :func:`convlab.methods.fft.compute` for an input padded
    to ``padded`` (spatial); in 1-D with the best overlap-add block. ``lengths``
    are the transform lengths when they are not those of the padded input
    (zero padding kept virtual: :func:`convlab.methods.fft.lengths_for`).

    Examples
    --------
    >>> from convlab import calibration
    >>> from convlab.cost import fft_seconds
    >>> one = dict(n_batch=1, groups=1, dilation=(1, 1), itemsize=8, real=True, rates=calibration.DEFAULT)
    >>> fft_seconds((512, 512), (1, 1, 31, 31), **one) < fft_seconds((1024, 1024), (1, 1, 31, 31), **one)
    True
    """
    counts = _counts_1d(w_shape, n_batch, groups)
    signals, outputs, kernels, products = counts.values()
    span = _spans(w_shape, dilation)
    if len(padded) == 1:
        args = dict(n=padded[0], span=span[0], **counts, itemsize=itemsize, real=real, rates=rates)
        return fft_1d_seconds(_best_block(**args), **args)
    last = len(padded) - 1
    lengths = lengths or tuple(next_fast_len(p, real and axis == last) for axis, p in enumerate(padded))
    n = math.prod(lengths)
    freq = n // lengths[-1] * (lengths[-1] // 2 + 1) if real else n
    pruned = 0.5 * (1.0 + math.prod(s / ell for s, ell in zip(span[:-1], lengths[:-1])))
    t = transform_seconds(lengths, signals + outputs, itemsize, real, rates)
    t += pruned * transform_seconds(lengths, kernels, itemsize, real, rates)
    t += _product_seconds(signals, outputs, kernels, products, freq, itemsize, rates)
    return t + rates.call["fft"] * (2 * len(lengths) + 1) / 3


# --------------------------------------------------------------------------
# winograd
# --------------------------------------------------------------------------

# winograd's transforms are strided gathers and products with (t, t) matrices, which run at
# memory speed: about WINOGRAD_TRANSFORM_COPIES streaming copies of the bytes each stage reads
# and writes; the filter transform, writing t*t/9 times the weights, WINOGRAD_FILTER_COPIES
# copies of them. Its t*t channel GEMMs, (C_out_g, C_in_g) by (C_in_g, tiles of a chunk), run
# at WINOGRAD_GEMM_SHARE of the GEMM peak, less for few output channels (GEMM_HALF_M) or few
# tiles (WINOGRAD_HALF_TILES); a chunk costs the fixed cost of its 2t + m*m + 8 numpy calls.
# Fitted (least squares of relative errors) to 32 measured calls (CPU time, one thread,
# float32 and float64, 3x3 layers from 1x8x16x16 to 16x256x14x14 and 8x3x224x224): the
# estimates fall within 0.55-1.6x of the measured times, most within 0.75-1.2x; they order
# winograd and im2col as measured on 26 of 28 of those layers (the misses: 4x128x14x14 in
# float32, winograd measured 1.03x im2col; 4x16x32x32 in float64, estimated a tie, 0.75x).
WINOGRAD_TRANSFORM_COPIES = 5.5
WINOGRAD_FILTER_COPIES = 15.0
WINOGRAD_GEMM_SHARE = 0.9
WINOGRAD_HALF_TILES = 24
WINOGRAD_CHUNK_SECONDS = 50e-6


def winograd_estimate(shapes: Shapes, rates: Rates) -> float:
    """Estimated seconds of :mod:`convlab.methods.winograd`, forward or transposed (the
    correlation with the flipped kernel it runs); only called on problems it supports."""
    geom, w_shape = shapes.geometry, shapes.w_shape
    if shapes.transposed:
        w_shape = transposed_shapes(shapes)[1]
    return winograd_seconds(shapes.x_shape, w_shape, groups=geom.groups, out_spatial=geom.out_spatial,
                            itemsize=shapes.itemsize, real=shapes.real, rates=rates,
                            max_bytes=shapes.max_bytes)


def winograd_seconds(x_shape: tuple[int, ...], w_shape: tuple[int, ...], *, groups: int,
                     out_spatial: tuple[int, ...], itemsize: int, real: bool, rates: Rates,
                     max_bytes: int) -> float:
    """Estimated seconds of :func:`convlab.methods.winograd.compute`: the input transform
    (gathering tile rows and columns, two passes of ``B^T``), the ``t*t`` channel GEMMs,
    the output transform (two passes of ``A^T``, the copy into place) and the filter
    transform, with ``m`` the tile :func:`convlab.methods.winograd.tile_size` uses; in 1-D
    one pass of each.

    Examples
    --------
    >>> from convlab import calibration
    >>> from convlab.cost import im2col_seconds, winograd_seconds
    >>> rates, cap = calibration.DEFAULT, 256 * 2**20
    >>> deep = winograd_seconds((8, 128, 28, 28), (128, 128, 3, 3), groups=1, out_spatial=(28, 28),
    ...                         itemsize=8, real=True, rates=rates, max_bytes=cap)
    >>> deep < im2col_seconds(8, (128, 128, 3, 3), groups=1, out_spatial=(28, 28), stride=(1, 1),
    ...                       itemsize=8, real=True, rates=rates, max_bytes=cap)
    True
    """
    n_batch, c_in = x_shape[:2]
    c_out = w_shape[0]
    c_in_g, c_out_g = c_in // groups, c_out // groups
    m = winograd.tile_size(np.dtype(f"f{itemsize}"))
    t, nd = m + winograd.KERNEL - 1, len(out_spatial)
    grid = tuple(-(-o // m) for o in out_spatial)                 # tiles per sample, per axis
    tiles = n_batch * math.prod(grid)
    item = itemsize * (1 if real else 2)
    if nd == 2:    # rows gathered and transformed, then their columns; two passes of A^T, the copy
        rows = t * c_in * n_batch * grid[0] * (grid[1] * m + winograd.KERNEL - 1)
        taps, outs = t * t * c_in * tiles, (m * t + 2 * m * m) * c_out * tiles
    else:          # the taps gathered and transformed; one pass of A^T, the copy
        rows, taps, outs = 0, t * c_in * tiles, 2 * m * c_out * tiles
    transforms = WINOGRAD_TRANSFORM_COPIES * (2 * rows + 2 * taps + outs) * item / rates.copy_bytes
    flops = 2.0 * t ** nd * c_out * c_in_g * tiles * (1 if real else 4)
    peak = rates.gemm_flops.get(itemsize, rates.gemm_flops[8])
    depth = winograd.chunk_depth(c_in, c_out, groups, m, nd)
    samples, axis, width = chunk_plan(n_batch, depth, grid, item, winograd.chunk_aim(item, max_bytes, depth))
    per_chunk = samples * math.prod(grid) if axis == -1 else width * math.prod(grid[axis + 1:])
    chunks = groups * -(-tiles // per_chunk)
    gemm = flops / (peak * WINOGRAD_GEMM_SHARE * c_out_g / (c_out_g + GEMM_HALF_M)
                    * per_chunk / (per_chunk + WINOGRAD_HALF_TILES))
    filters = WINOGRAD_FILTER_COPIES * t ** nd * c_out * c_in_g * item / rates.copy_bytes
    return rates.call["winograd"] + transforms + gemm + filters + chunks * WINOGRAD_CHUNK_SECONDS


# --------------------------------------------------------------------------
# transposed convolution
# --------------------------------------------------------------------------

# col2im adds each tap's slice into the output: it reads the column matrix and the
# output and writes the output back, about this many streaming copies of the matrix.
SCATTER_COPIES = 3.0


def transposed_shapes(shapes: Shapes) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(padded spatial shape, weight shape) of the correlation a transposed ``fft`` runs:
    the upsampled input padded to ``out + span - 1`` cells per axis, and the swapped
    weight ``(C_out, C_in/groups, *k)``."""
    geom, w_shape = shapes.geometry, shapes.w_shape
    padded = tuple(o + s - 1 for o, s in zip(geom.out_spatial, _spans(w_shape, geom.dilation)))
    return padded, (w_shape[1] * geom.groups, w_shape[0] // max(geom.groups, 1), *w_shape[2:])


def _fft_transposed(shapes: Shapes, rates: Rates) -> float:
    """The ``fft`` of a transposed convolution, priced as the correlation it runs
    (:func:`transposed_shapes`), plus the copy that spreads the input out."""
    geom, itemsize, real = shapes.geometry, shapes.itemsize, shapes.real
    padded, forward_w = transposed_shapes(shapes)
    n_batch, c_in = shapes.x_shape[:2]
    spread = n_batch * c_in * math.prod(padded) * itemsize * (1 if real else 2) / rates.copy_bytes
    return spread + fft_seconds(padded, forward_w, n_batch=n_batch, groups=geom.groups,
                                dilation=geom.dilation, itemsize=itemsize, real=real, rates=rates)


def _im2col_transposed(shapes: Shapes, rates: Rates) -> float:
    """The ``im2col`` of a transposed convolution: at stride 1 without cropping the forward
    correlation with the flipped kernel, else a GEMM and col2im (:func:`im2col_transposed_seconds`)."""
    geom, w_shape = shapes.geometry, shapes.w_shape
    if all(s == 1 for s in geom.stride) and all(
            max(lo, hi) <= kernel_span(k, d) - 1 for (lo, hi), k, d in zip(geom.padding, w_shape[2:],
                                                                           geom.dilation)):
        return im2col_seconds(shapes.x_shape[0], transposed_shapes(shapes)[1], groups=geom.groups,
                              out_spatial=geom.out_spatial, stride=geom.stride, itemsize=shapes.itemsize,
                              real=shapes.real, rates=rates, max_bytes=shapes.max_bytes)
    return im2col_transposed_seconds(shapes.x_shape, w_shape, groups=geom.groups, itemsize=shapes.itemsize,
                                     real=shapes.real, rates=rates, max_bytes=shapes.max_bytes)


def transposed_estimates(shapes: Shapes, rates: Rates) -> dict[str, float]:
    """Estimated seconds of every method for a transposed convolution (the same as
    :func:`estimates`, which tells the two apart by the geometry).

    Examples
    --------
    >>> from convlab import calibration, cost
    >>> from convlab._validate import transposed_geometry
    >>> geom = transposed_geometry((28, 28), (4, 4), 2, 1, 0, 1)
    >>> t = cost.transposed_estimates(cost.Shapes((8, 64, 28, 28), (64, 32, 4, 4), geom, 8, True, 2**28),
    ...                               calibration.DEFAULT)
    >>> t["im2col"] < t["fft"] < t["loop"]
    True
    """
    return estimates(shapes, rates)


def im2col_transposed_seconds(x_shape, w_shape, *, groups: int, itemsize: int, real: bool,
                              rates: Rates, max_bytes: int) -> float:
    """Estimated seconds of :func:`convlab.methods.im2col.compute_transposed`: the GEMM
    ``w_g^T @ x`` (``C_out_g * K`` rows, ``C_in_g`` deep), then col2im's strided adds,
    one per tap and chunk.

    Examples
    --------
    >>> from convlab import calibration
    >>> from convlab.cost import im2col_transposed_seconds
    >>> t = im2col_transposed_seconds((8, 64, 28, 28), (64, 32, 4, 4), groups=1, itemsize=8, real=True,
    ...                               rates=calibration.DEFAULT, max_bytes=256 * 2**20)
    >>> 0.001 < t < 10.0
    True
    """
    n_batch, c_in, *spatial = x_shape
    c_out_g, kernel = w_shape[1], w_shape[2:]
    taps, positions = math.prod(kernel), math.prod(spatial)
    m, depth = c_out_g * taps, c_in // max(groups, 1)
    elements = n_batch * groups * m * positions                   # the output's column matrix
    bytes_ = elements * itemsize * (1 if real else 2)
    flops = 2.0 * elements * depth * (1 if real else 4)
    peak = rates.gemm_flops.get(itemsize, rates.gemm_flops[8])
    # a shallow product (few input channels) runs below peak as a short GEMM does
    gemm = max(flops / (peak * min(m, depth) / (min(m, depth) + GEMM_HALF_M)), bytes_ / rates.copy_bytes)
    run = spatial[-1] if spatial else 1
    item = itemsize * (1 if real else 2)
    samples, axis, width = chunk_plan(n_batch, m, tuple(spatial), item, work_bytes(item, max_bytes=max_bytes))
    chunks = groups * (-(-n_batch // samples) if axis == -1 else
                       n_batch * math.prod(spatial[:axis]) * -(-spatial[axis] // width))
    scatter = (SCATTER_COPIES * bytes_ / rates.copy_bytes + elements / max(run, 1) * COPY_NS_PER_RUN * 1e-9
               + chunks * taps * CHUNK_SECONDS)
    return rates.call["im2col"] + gemm + scatter + chunks * CHUNK_SECONDS


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
