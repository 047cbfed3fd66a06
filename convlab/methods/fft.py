"""The FFT method: the convolution theorem.

Cross-correlating with ``w`` is convolving with the flipped kernel, and a
convolution is a product of spectra. With the kernel dilated (zeros inserted
between its taps) and flipped, the circular convolution of length
``L >= P`` (the padded input size) equals the linear one at every index the
output needs, ``S - 1 + i*stride`` (``S`` the dilated kernel's span), so no
further zero padding is required. ``L`` is rounded up to a fast FFT length
(a product of 2, 3, 5 and 7).

Real inputs use ``rfftn`` (float32 stays float32: numpy's FFT computes in
single precision; :func:`convlab._engine.compute_dtype` hands small
single-precision problems over in double precision); channels are summed
in the frequency domain with one batched matrix product over all
frequencies; stride subsamples the result.

Long 1-D signals use **overlap-add**: the signal is cut into blocks of
``B`` samples, each block is convolved with the kernel by an FFT of a
short length ``L = B + S - 1``, and the overlapping tails of consecutive
blocks are added. :func:`block_length` picks ``L`` by minimising an
estimated cost (:func:`convlab.cost.block_length`, chosen by the resolver
and handed over in the plan); a whole-signal FFT is used when it is
estimated cheaper.

The transposed convolution (:func:`compute_transposed`) is a correlation
too: zeros inserted between the input's cells (``stride - 1`` of them),
then the *full* correlation with the flipped kernel (input and output
channels swapped), cropped by ``padding`` and extended by
``output_padding``. Crop and extension are folded into the padding of that
correlation (:func:`transposed_as_correlation`), which then runs through
:func:`compute` like any other, overlap-add included.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .. import _pool
from .._padding import pad
from .._shape_core import span
from .._validate.conv_geometry import Geometry
from .._weights import dilate, transposed_weight
from ..workspace import give, take

__all__ = ["FFT_DOUBLE_POINTS", "compute", "compute_dtype", "compute_transposed", "distrusts",
           "fast_lengths", "fft_points", "forward", "integer_is_exact", "inverse", "lengths_for",
           "supports", "transposed_as_correlation"]


@functools.lru_cache(maxsize=4096)
def next_fast_len(n: int, real: bool = False) -> int:
    """Smallest ``2**a * 3**b * 5**c * 7**d >= n``; without the factor 7 when ``real``.

    numpy's FFT (pocketfft) has dedicated butterflies for the factors 2, 3, 4,
    5 and 7 of a complex transform, but a real transform (``rfft``) handles 7
    by its generic, slower pass: a real row of 560 samples (``2**4 * 5 * 7``)
    took twice as long as one of 576 (``2**6 * 3**2``) on the project's
    machine. So the real axis of a real transform uses 5-smooth lengths (as
    SciPy's ``next_fast_len(n, real=True)`` does).

    Examples
    --------
    >>> from convlab.methods.fft import next_fast_len
    >>> [next_fast_len(n) for n in (1, 11, 97, 1000, 542)]
    [1, 12, 98, 1000, 560]
    >>> next_fast_len(542, real=True)
    576
    """
    if n <= 1:
        return 1
    best = 1 << (n - 1).bit_length()
    p7 = 1
    while p7 < best:
        p5 = p7
        while p5 < best:
            p3 = p5
            while p3 < best:
                # smallest power of two lifting p3 to at least n
                p2 = p3 << max(0, (-(-n // p3) - 1).bit_length())
                best = min(best, p2)
                p3 *= 3
            p5 *= 5
        if real:
            break
        p7 *= 7
    return best


def fast_lengths(lo: int, hi: int) -> list[int]:
    """Fast lengths in ``[lo, hi]``: 1, 3, 5, 9 or 15 times a power of two, the
    candidate block lengths of overlap-add.

    Examples
    --------
    >>> from convlab.methods.fft import fast_lengths
    >>> fast_lengths(10, 40)
    [10, 12, 15, 16, 18, 20, 24, 30, 32, 36, 40]
    """
    out = set()
    for odd in (1, 3, 5, 9, 15):
        p = odd
        while p < lo:
            p *= 2
        while p <= hi:
            out.add(p)
            p *= 2
    return sorted(out)


def _channel_sum(sx, sw, groups):
    """``sy[n, o, f] = sum_c sx[n, g(o)*C_g + c, f] * sw[o, c, f]`` over flattened frequencies.

    ``sx`` is ``(N, C_in, F)``, ``sw`` is ``(C_out, C_g, F)``; one product
    for a single channel, else one batched matrix product whose batch is
    (frequency, group): ``(N, C_g) @ (C_g, C_out_g)`` at every frequency.
    Intermediates and the result are lent by :mod:`convlab.workspace`.
    """
    n_batch, c_in, n_freq = sx.shape
    c_out, c_in_g = sw.shape[:2]
    c_out_g = c_out // groups
    dtype = np.result_type(sx, sw)
    if c_in_g == 1 and c_out_g == 1:
        out = take((n_batch, c_out, n_freq), dtype)
        sw_b = sw[np.newaxis, :, 0, :]
        _pool.split(n_freq, lambda f: np.multiply(sx[..., f], sw_b[..., f], out=out[..., f]),
                    work=sx.size + out.size)
        return out
    if c_in_g == 1:                                   # depthwise-like: broadcast, no sum
        sxg = sx.reshape(n_batch, groups, 1, n_freq)
        prod = np.multiply(sxg, sw.reshape(1, groups, c_out_g, n_freq),
                           out=take((n_batch, groups, c_out_g, n_freq), dtype))
        return prod.reshape(n_batch, c_out, n_freq)
    a = take((n_freq, groups, n_batch, c_in_g), sx.dtype)
    b = take((n_freq, groups, c_in_g, c_out_g), sw.dtype)
    prod = take((n_freq, groups, n_batch, c_out_g), dtype)
    sx_t = sx.reshape(n_batch, groups, c_in_g, n_freq).transpose(3, 1, 0, 2)
    sw_t = sw.reshape(groups, c_out_g, c_in_g, n_freq).transpose(3, 0, 2, 1)

    def products(f):                  # the frequencies f: gathered frequency-major, multiplied
        a[f] = sx_t[f]
        b[f] = sw_t[f]
        np.matmul(a[f], b[f], out=prod[f])

    _pool.split(n_freq, products, work=a.size + b.size + prod.size)
    give(a, b)
    return prod.transpose(2, 1, 3, 0).reshape(n_batch, c_out, n_freq)


def _by_rows(body, src, out, lead, axis=None):
    """``body(src_part, out_part)`` over parts of ``src`` and ``out`` (equal but on ``axis``),
    one per thread of :mod:`convlab._pool`, whole when the work is small. They are cut along
    one of the first ``lead`` axes (samples, channels, overlap-add blocks) long enough for
    every thread, else along the longest axis but ``axis`` (a single image's rows or columns:
    measured 1.2-1.4x faster on two threads than whole on one)."""
    n = _pool.workers()
    leading = [a for a in range(lead) if src.shape[a] >= n]
    others = leading or [a for a in range(src.ndim) if a != axis and src.shape[a] > 1]
    if n <= 1 or not others:
        body(src, out)
        return
    along = max(others, key=lambda a: src.shape[a])
    head = (slice(None),) * along
    _pool.split(src.shape[along], lambda part: body(src[(*head, part)], out[(*head, part)]),
                work=src.size + out.size)


def _transform(fn, src, axis, out, lead, **kwargs):
    """``fn(src, axis=axis, out=out, **kwargs)`` (an FFT of every row along ``axis``), shared
    out among :mod:`convlab._pool`'s threads by :func:`_by_rows`: each row transformed whole
    by one thread, as it would be on one."""
    _by_rows(lambda a, b: fn(a, axis=axis, out=b, **kwargs), src, out, lead, axis)
    return out


def _pad_into(a, axis, out, lead):
    """``a`` copied into ``out`` (longer on ``axis``), the rest of ``axis`` zero; returns ``out``."""
    n = a.shape[axis]
    head = (slice(None),) * axis

    def rows(src, dst):
        dst[(*head, slice(0, n))] = src
        dst[(*head, slice(n, None))] = 0

    _by_rows(rows, a, out, lead, axis)
    return out


def _shape(a, axis, length):
    return a.shape[:axis] + (length,) + a.shape[axis + 1:]


def forward(a, lengths, real):
    """Spectrum of ``a`` over its last ``len(lengths)`` axes, zero-padded to ``lengths``.

    Axis by axis, last axis first (``rfft`` when ``real``), padding each axis
    just before its transform so that rows still all zero are never
    transformed (a small kernel in a big frame costs little). The scaling is
    ``norm="ortho"``: ``1/sqrt(L)`` per axis. Every intermediate and the
    spectrum returned are lent by :mod:`convlab.workspace` (the caller
    gives the spectrum back).

    numpy's FFT takes its vectorised multi-row path only when a row is not
    padded by the transform itself and the normalisation factor is a numpy
    scalar; with ``norm="backward"`` a float32 forward transform is passed
    the Python int 1 and runs 2-3 times slower. Hence explicit padding and
    ``"ortho"``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.methods.fft import forward
    >>> a = np.arange(6.0).reshape(2, 3)
    >>> np.allclose(forward(a, (4, 4), True), np.fft.rfft2(a, s=(4, 4), norm="ortho"))
    True
    """
    nd = len(lengths)
    first = a.ndim - nd
    last = a.ndim - 1
    rows = a
    if a.shape[last] != lengths[-1]:
        rows = _pad_into(a, last, take(_shape(a, last, lengths[-1]), a.dtype), first)
    cdtype = np.result_type(a.dtype, np.complex64)
    n_freq = lengths[-1] // 2 + 1 if real else lengths[-1]
    transform = np.fft.rfft if real else np.fft.fft
    spec = _transform(transform, rows, last, take(_shape(rows, last, n_freq), cdtype), first, norm="ortho")
    if rows is not a:
        give(rows)
    for axis in range(last - 1, first - 1, -1):
        shape = _shape(spec, axis, lengths[axis - first])
        source = spec
        if spec.shape[axis] != shape[axis]:
            source = _pad_into(spec, axis, take(shape, cdtype), first)
            give(spec)
        spec = _transform(np.fft.fft, source, axis, take(shape, cdtype), first, norm="ortho")
        give(source)
    return spec


def inverse(spec, lengths, keeps, real, lent=False):
    """Inverse of :func:`forward`, keeping only ``spec``'s indices ``keeps[i]`` on each axis.

    Each axis is transformed and immediately cut down to the slice ``keeps``
    asks for, so later axes transform fewer rows. ``spec`` is given back to
    :mod:`convlab.workspace` along with every intermediate, and the result
    is a fresh compact copy of the kept cells (unless ``lent``: then a view
    of a lent array, which the caller gives back).
    """
    nd = len(lengths)
    first = spec.ndim - nd
    last = spec.ndim - 1
    out = spec
    for axis in range(first, last):
        done = _transform(np.fft.ifft, out, axis, take(out.shape, out.dtype), first, norm="ortho")
        give(out)
        out = done[(slice(None),) * axis + (keeps[axis - first],)]
    if real:
        done = _transform(np.fft.irfft, out, last, take(_shape(out, last, lengths[-1]), out.real.dtype),
                          first, n=lengths[-1], norm="ortho")
    else:
        done = _transform(np.fft.ifft, out, last, take(out.shape, out.dtype), first, norm="ortho")
    give(out)
    result = done[(Ellipsis, keeps[-1])]
    if not lent:
        kept = np.empty(result.shape, result.dtype)
        _by_rows(np.copyto, kept, result, first)      # np.copyto(dst, src), by samples or channels
        result = kept
        give(done)
    return result


def lengths_for(spatial, padding, span, stride, out_spatial, zeros: bool = True, real: bool = True):
    """FFT lengths of a whole-signal correlation, and whether zero padding stays virtual.

    A circular correlation of length ``L`` of the *unpadded* input ``x``
    (``n`` cells) with the flipped kernel (span ``S``) holds output ``i`` at
    index ``S - 1 - before + i*stride`` without wrap-around when ``L >=
    n + before`` and ``L >= (out - 1)*stride - before + S``: zero padding
    then costs nothing, and the transform is shorter than one of the padded
    input (full mode: ``n + S - 1`` instead of ``n + 2(S - 1)``). That needs
    ``before <= S - 1`` on every axis (else the start would wrap) and zero
    padding; otherwise the padded input is transformed whole (``L >= P``).
    The last axis of a ``real`` transform gets a 5-smooth length
    (:func:`next_fast_len`).

    Examples
    --------
    >>> from convlab.methods.fft import lengths_for
    >>> lengths_for((512, 512), ((30, 30), (30, 30)), (31, 31), (1, 1), (542, 542))   # full mode
    ((560, 576), True)
    >>> lengths_for((512,), ((40, 40),), (31,), (1,), (552,))      # padding wider than the kernel
    ((600,), False)
    """
    virtual = zeros and all(lo <= s - 1 for (lo, _), s in zip(padding, span))
    if virtual:
        needed = [max(n + lo, (o - 1) * st - lo + s, s)
                  for n, (lo, _), s, st, o in zip(spatial, padding, span, stride, out_spatial)]
    else:
        needed = [n + lo + hi for n, (lo, hi) in zip(spatial, padding)]
    last = len(needed) - 1
    return tuple(next_fast_len(m, real=real and axis == last) for axis, m in enumerate(needed)), virtual


def compute(x, w, geometry, plan=None):
    """See :mod:`convlab.methods`; overlap-add when ``plan.block_length`` is set (1-D),
    else one transform per axis with zero padding kept virtual (:func:`lengths_for`)."""
    stride, groups, out_spatial = geometry.stride, geometry.groups, geometry.out_spatial
    nd = w.ndim - 2
    wd = np.flip(dilate(w, geometry.dilation), axis=tuple(range(2, 2 + nd)))
    real = not (np.iscomplexobj(x) or np.iscomplexobj(w))
    length = plan.block_length if plan is not None else None
    if nd == 1 and length is not None:
        xp = pad(x, geometry.padding, geometry.padding_mode)
        return _overlap_add(xp, wd, stride[0], groups, out_spatial[0], length, real)
    lengths, virtual = lengths_for(x.shape[2:], geometry.padding, wd.shape[2:], stride, out_spatial,
                                   geometry.padding_mode == "zeros", real)
    if virtual:
        starts = tuple(s - 1 - lo for s, (lo, _) in zip(wd.shape[2:], geometry.padding))
        return _whole(x, wd, stride, groups, out_spatial, real, lengths, starts)
    xp = pad(x, geometry.padding, geometry.padding_mode)
    return _whole(xp, wd, stride, groups, out_spatial, real, lengths, tuple(s - 1 for s in wd.shape[2:]))


def _scaled(wd, n):
    """The kernel times ``sqrt(n)``: with three ``"ortho"`` transforms the product
    then needs no further scaling (``x * w = IDFT(DFT(x) DFT(w)) / n``)."""
    return wd * np.asarray(math.sqrt(n), dtype=wd.real.dtype)


def _whole(xp, wd, stride, groups, out_spatial, real, lengths, starts):
    """One FFT of the given ``lengths`` per axis over the whole input; output ``i`` of each
    axis sits at ``starts + i*stride`` of the inverse (see :func:`lengths_for`)."""
    n_batch, c_out = xp.shape[0], wd.shape[0]
    spec_x = forward(xp, lengths, real)                                # (N, C_in, *F)
    spec_w = forward(_scaled(wd, math.prod(lengths)), lengths, real)   # (C_out, C_in_g, *F)
    freq = spec_x.shape[2:]
    spec_y = _channel_sum(spec_x.reshape(spec_x.shape[:2] + (-1,)),
                          spec_w.reshape(spec_w.shape[:2] + (-1,)), groups)
    give(spec_x, spec_w)
    keeps = tuple(slice(a, a + (o - 1) * s + 1, s) for a, o, s in zip(starts, out_spatial, stride))
    return inverse(spec_y.reshape((n_batch, c_out) + freq), lengths, keeps, real)


def _overlap_add(xp, wd, stride, groups, n_out, length, real):
    """1-D overlap-add with FFT length ``length``: see the module docs."""
    n_batch, c_in, size = xp.shape
    c_out, span = wd.shape[0], wd.shape[2]
    block = length - span + 1                       # new samples per block; block >= span
    last = span - 1 + (n_out - 1) * stride          # last index of the full convolution we need
    n_blocks = last // block + 1
    # each block zero-padded to the full FFT length up front (numpy's fast path)
    blocks = take((n_batch, n_blocks, c_in, length), xp.dtype)
    used = min(size, n_blocks * block)
    whole, rest = divmod(used, block)
    blocks[..., block:] = 0                                       # every block's zero tail
    blocks[:, :whole, :, :block] = xp[..., : whole * block].reshape(
        n_batch, c_in, whole, block).transpose(0, 2, 1, 3)
    if rest:
        blocks[:, whole, :, :rest] = xp[..., whole * block: used]
    blocks[:, whole:, :, rest:block] = 0                          # past the signal's end
    if whole + 1 < n_blocks:
        blocks[:, whole + 1:, :, :block] = 0
    spec_x = forward(blocks, (length,), real)                  # (N, B, C_in, F)
    give(blocks)
    spec_w = forward(_scaled(wd, length), (length,), real)     # (C_out, C_g, F)
    n_freq = spec_x.shape[-1]
    spec_y = _channel_sum(spec_x.reshape(n_batch * n_blocks, c_in, n_freq), spec_w, groups)
    give(spec_x, spec_w)
    pieces = inverse(spec_y, (length,), (slice(None),), real, lent=True).reshape(
        n_batch, n_blocks, c_out, length)
    out = np.empty((n_batch, c_out, n_blocks, block), dtype=pieces.dtype)
    heads = out.transpose(0, 2, 1, 3)                            # (N, B, C_out, block) view
    heads[...] = pieces[..., :block]                             # each block's own part
    heads[:, 1:, :, : span - 1] += pieces[:, :-1, :, block:]     # plus the previous block's tail
    give(pieces)
    out = out.reshape(n_batch, c_out, n_blocks * block)
    return out[..., span - 1: last + 1: stride]


def transposed_as_correlation(spatial, kernel, geometry):
    """The correlation (stride 1, no further padding) that computes a transposed convolution.

    With ``stride - 1`` zeros inserted between the input's cells, the
    transposed convolution is the correlation with the flipped kernel
    (:func:`transposed_weight`) of that upsampled input padded by
    ``span - 1 - before`` before and ``span - 1 - after + output_padding``
    after (``span = dilation*(k - 1) + 1``); a negative padding crops. So
    cell ``i`` of the input lands at ``i*stride + span - 1 - before`` in an
    array of ``padded = out + span - 1`` cells per axis. Returns ``(src,
    dst, padded, forward)``: per axis the ``slice`` of the input that lands
    inside and the ``slice`` it lands on, the padded shape, and the forward
    :class:`convlab._validate.Geometry` of the correlation; shapes alone.

    Examples
    --------
    >>> from convlab._validate import transposed_geometry
    >>> from convlab.methods.fft import transposed_as_correlation
    >>> g = transposed_geometry((4,), (3,), 2, 1, 1, 1)      # 4 cells, k=3, stride 2, padding 1
    >>> src, dst, padded, fwd = transposed_as_correlation((4,), (3,), g)
    >>> src, dst, padded, fwd.out_spatial                    # x lands at 1, 3, 5, 7 of 10 cells
    ((slice(0, 4, None),), (slice(1, 8, 2),), (10,), (8,))
    """
    src, dst, padded = [], [], []
    for n, kk, s, d, (lo, _), out in zip(spatial, kernel, geometry.stride, geometry.dilation,
                                         geometry.padding, geometry.out_spatial):
        width = span(kk, d)
        size, left = out + width - 1, width - 1 - lo
        first = min(n, max(0, -(left // s)))                 # first i with i*s + left >= 0
        last = max(first, min(n, (size - 1 - left) // s + 1))  # one past the last inside
        src.append(slice(first, last))
        dst.append(slice(first * s + left, (last - 1) * s + left + 1, s) if last > first else slice(0, 0))
        padded.append(size)
    forward = Geometry((1,) * len(spatial), ((0, 0),) * len(spatial), geometry.dilation, geometry.groups,
                       "zeros", geometry.out_spatial)
    return tuple(src), tuple(dst), tuple(padded), forward


def compute_transposed(x, w, geometry, plan=None):
    """The transposed convolution by the convolution theorem: the input's cells spread
    ``stride`` apart in a zero array (:func:`transposed_as_correlation`), then its
    correlation with the flipped kernel through :func:`compute`.

    ``x`` is ``(N, C_in, *n)``, ``w`` is ``(C_in, C_out_g, *k)`` and
    ``geometry`` a :class:`convlab._validate.TransposedGeometry`; ``plan``
    may carry the overlap-add block length of that correlation (1-D).
    """
    src, dst, padded, forward = transposed_as_correlation(x.shape[2:], w.shape[2:], geometry)
    xu = np.zeros(x.shape[:2] + padded, dtype=x.dtype)      # zero insertion and padding in one copy
    xu[(Ellipsis, *dst)] = x[(Ellipsis, *src)]
    return compute(xu, transposed_weight(w, geometry.groups), forward, plan)


# --------------------------------------------------------------------------
# the dtype it computes in, and the values it cannot be trusted on
# --------------------------------------------------------------------------

#: The most FFT points (:func:`fft_points`) a single-precision ``fft`` transforms in
#: double precision. Measured one thread, each call alone
#: (``python -m benchmarks.float32_accuracy``): below it numpy's per-call costs
#: dominate and a whole transform in double costs 1.0-1.4x (overlap-add just under
#: it up to 3x, +0.3 ms, its larger buffers faulted in anew on every call); above it
#: the transforms dominate and double costs 1.5-3.5x, which would also give up
#: SciPy's float32 ``fftconvolve`` speed.
FFT_DOUBLE_POINTS = 2**16


def _padded(problem) -> tuple[int, ...]:
    """The spatial shape the method transforms (before rounding up to fast lengths)."""
    x, w, geom = problem.x, problem.w, problem.geometry
    if problem.transposed:      # it correlates the upsampled input, padded to out + span - 1
        return transposed_as_correlation(x.shape[2:], w.shape[2:], geom)[2]
    return tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], geom.padding))


def fft_points(problem) -> int:
    """The samples the ``fft`` method transforms: every row it transforms (input
    channels, kernels, output channels) times the padded spatial size."""
    x, w = problem.x, problem.w
    rows = x.shape[0] * (x.shape[1] + problem.c_out) + w.shape[0] * w.shape[1]
    return rows * math.prod(_padded(problem))


def compute_dtype(problem) -> np.dtype:
    """The dtype the ``fft`` method computes ``problem`` in (see
    :func:`convlab._engine.compute_dtype`): integers in float64; a
    single-precision result in double precision when an operand is an integer
    or the transforms are small (at most :data:`FFT_DOUBLE_POINTS` points);
    float16 otherwise in float32."""
    dtype = problem.dtype
    kind = dtype.kind
    if kind in "iu":
        return np.dtype(np.float64)
    if kind in "fc" and dtype.itemsize < (8 if kind == "f" else 16):
        mixed = problem.x.dtype.kind in "iu" or problem.w.dtype.kind in "iu"
        if mixed or fft_points(problem) <= FFT_DOUBLE_POINTS:
            return np.dtype(np.float64 if kind == "f" else np.complex128)
    if kind == "f" and dtype.itemsize == 2:
        return np.dtype(np.float32)
    return dtype


def supports(problem) -> str | None:
    """Why the ``fft`` cannot run ``problem`` (None: it can): transforms need numbers."""
    if problem.dtype.kind == "O":
        return "needs numeric arrays; x, w or bias is an object array (SymPy expressions?)"
    return None


def integer_is_exact(problem) -> bool:
    """True when rounding a float64 FFT result recovers the exact integers.

    The FFT's absolute error is about eps * log2(size) * max|x| * sum|w|;
    we demand a generous margin below 0.5.
    """
    x, w, bias = problem.x, problem.w, problem.bias
    size = math.prod(_padded(problem))
    if problem.transposed:      # the correlation it runs: weight by output channel
        groups, (c_in, c_out_g) = problem.geometry.groups, w.shape[:2]
        fan_in_sums = np.abs(w.astype(np.float64)).reshape(groups, c_in // groups, c_out_g, -1).sum(
            axis=(1, 3)).ravel()
    else:
        fan_in_sums = np.abs(w.reshape(w.shape[0], -1).astype(np.float64)).sum(axis=1)
    bound = float(np.abs(x).max(initial=0)) * float(np.max(fan_in_sums, initial=0))
    if bias is not None:
        bound += float(np.abs(bias).max(initial=0))
    return bound * 2.0**-52 * 16 * max(1.0, math.log2(max(size, 2))) < 0.25


def distrusts(problem) -> tuple[str, str | None] | None:
    """Values the ``fft`` cannot be trusted on: ``(reason, warning)`` templates with
    ``{instead}`` for the method run in its place, or None.

    Integers too large for float64 to round back exactly; NaN or Inf, which a
    transform would spread over the whole output (a warning: the caller should know).
    """
    if problem.dtype.kind in "iu" and not integer_is_exact(problem):
        return ("integer input too large for a float64 FFT to round back exactly: {instead} is exact", None)
    if not (np.isfinite(problem.x).all() and np.isfinite(problem.w).all()):
        return ("x or w holds NaN or Inf, which an FFT would spread over the whole output: {instead} instead",
                "x or w holds NaN or Inf; an FFT would spread it over the whole output, so convlab computes "
                "this call with method='{instead}' instead")
    return None


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
