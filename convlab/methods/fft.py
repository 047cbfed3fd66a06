"""The FFT method: the convolution theorem.

Cross-correlating with ``w`` is convolving with the flipped kernel, and a
convolution is a product of spectra. With the kernel dilated (zeros inserted
between its taps) and flipped, the circular convolution of length
``L >= P`` (the padded input size) equals the linear one at every index the
output needs, ``S - 1 + i*stride`` (``S`` the dilated kernel's span), so no
further zero padding is required. ``L`` is rounded up to a fast FFT length
(a product of 2, 3, 5 and 7).

Real inputs use ``rfftn`` (float32 stays float32: numpy's FFT computes in
single precision); channels are summed in the frequency domain with one
batched matrix product over all frequencies; stride subsamples the result.

Long 1-D signals use **overlap-add**: the signal is cut into blocks of
``B`` samples, each block is convolved with the kernel by an FFT of a
short length ``L = B + S - 1``, and the overlapping tails of consecutive
blocks are added. :func:`block_length` picks ``L`` by minimising an
estimated cost (:func:`estimate_1d`); a whole-signal FFT is used when it is
estimated cheaper.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .. import calibration

# Cost model of numpy's pocketfft, with this machine's speeds from
# :mod:`convlab.calibration` (``fft_ns`` per point per log2(size) when many rows
# are transformed at once; a lone 1-D row is ``fft_lone`` times slower). Large
# transforms slow down once their data spills out of the L2 cache.
FFT_CACHE_BYTES = 512 * 2**10
FFT_ROW_SECONDS = 150e-9          # fixed cost of each row transformed
MOVE_COPIES = 2.0                 # moving spectra (transposes, padding) costs this many streaming copies
PRODUCT_NS = 1.0                  # one complex product of two spectra, elementwise
CHANNEL_GEMM_SHARE = 0.25         # the small complex matrix products of the channel sum, share of GEMM peak


@functools.lru_cache(maxsize=4096)
def next_fast_len(n: int) -> int:
    """Smallest ``2**a * 3**b * 5**c * 7**d >= n``.

    Examples
    --------
    >>> from convlab.methods.fft import next_fast_len
    >>> [next_fast_len(n) for n in (1, 11, 97, 1000)]
    [1, 12, 98, 1000]
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
        p7 *= 7
    return best


def transform_seconds(lengths: tuple[int, ...], rows: float, itemsize: int = 8,
                      real: bool = True) -> float:
    """Estimated seconds for ``rows`` FFTs of an array of shape ``lengths``.

    ``itemsize`` is that of the real dtype (8 for float64/complex128, 4 for
    float32/complex64); a complex transform costs twice a real one.

    Examples
    --------
    >>> from convlab.methods.fft import transform_seconds
    >>> t = transform_seconds((4096,), 100)
    >>> t < transform_seconds((8192,), 100) < 2.5 * t
    True
    """
    rates = calibration.rates()
    n = math.prod(lengths)
    if n <= 1:
        return 0.0
    per = rates.fft_ns.get(itemsize, rates.fft_ns[8]) * n * math.log2(n) * (1 if real else 2)
    spill = max(0.0, math.log2(n * itemsize / FFT_CACHE_BYTES)) / len(lengths)
    lone = rates.fft_lone if len(lengths) == 1 and rows < 4 else 1.0
    return rows * (per * (1.0 + 0.75 * spill) * lone * 1e-9 + FFT_ROW_SECONDS)


def _fast_lengths(lo: int, hi: int) -> list[int]:
    """Fast lengths (2, 3, 5 times a power of two) in ``[lo, hi]``."""
    out = set()
    for odd in (1, 3, 5, 9, 15):
        p = odd
        while p < lo:
            p *= 2
        while p <= hi:
            out.add(p)
            p *= 2
    return sorted(out)


@functools.lru_cache(maxsize=1024)
def block_length(n: int, span: int, signals: int, outputs: int, kernels: int, products: int,
                 itemsize: int = 8, real: bool = True) -> int | None:
    """FFT length for overlap-add of a length-``n`` signal with a ``span``-tap kernel.

    ``signals`` input rows are transformed, ``outputs`` output rows are
    inverse transformed, ``kernels`` kernel rows are transformed once and
    ``products`` pairs of spectra are multiplied (and summed) per frequency.
    Tries every fast length from ``2*span - 1`` up and returns the cheapest
    by :func:`estimate_1d`, or ``None`` when one FFT over the whole signal
    is estimated to be cheaper.

    Examples
    --------
    >>> from convlab.methods.fft import block_length
    >>> length = block_length(10**6, 1001, 1, 1, 1, 1)   # blocks of length - 1000 new samples
    >>> 8 * 1001 < length < 32 * 1001                      # a few kernel spans, not the whole signal
    True
    >>> block_length(3000, 1001, 1, 1, 1, 1) is None   # kernel a third of the signal: one FFT
    True
    """
    whole = next_fast_len(n)
    best, best_cost = None, estimate_1d(None, n, span, signals, outputs, kernels, products, itemsize, real)
    for length in _fast_lengths(2 * span - 1, whole // 2):
        cost = estimate_1d(length, n, span, signals, outputs, kernels, products, itemsize, real)
        if cost < best_cost:
            best, best_cost = length, cost
    return best


def overlap_add_length(n: int, w_shape: tuple[int, ...], n_batch: int, groups: int, dilation: int,
                       itemsize: int = 8, real: bool = True) -> int | None:
    """:func:`block_length` for a 1-D problem given by its shapes: a padded
    length ``n``, weights ``(C_out, C_in/groups, k)``, ``n_batch`` samples.

    Examples
    --------
    >>> from convlab.methods.fft import overlap_add_length
    >>> overlap_add_length(10**6, (1, 1, 1001), 1, 1, 1) is not None
    True
    """
    c_out, c_in_g, k = w_shape
    return block_length(n, dilation * (k - 1) + 1, n_batch * c_in_g * groups, n_batch * c_out,
                        c_out * c_in_g, n_batch * c_out * c_in_g, itemsize, real)


def estimate_1d(length, n, span, signals, outputs, kernels, products, itemsize=8, real=True) -> float:
    """Estimated seconds of a 1-D FFT correlation: overlap-add with FFT ``length``,
    or one FFT of the whole signal when ``length`` is None (see :func:`block_length`)."""
    if length is None:
        length, blocks = next_fast_len(n), 1
    else:
        blocks = -(-n // (length - span + 1))
    freq = length // 2 + 1 if real else length
    t = transform_seconds((length,), blocks * signals, itemsize, real)
    t += transform_seconds((length,), blocks * outputs, itemsize, real)
    t += transform_seconds((length,), kernels, itemsize, real)
    t += _product_seconds(blocks * signals, blocks * outputs, kernels, blocks * products, freq, itemsize)
    if blocks > 1:   # zero-padded blocks in, heads and tails out
        t += _move_seconds(itemsize * blocks * length * (signals + 2 * outputs))
    return t + calibration.rates().fft_call


def _product_seconds(signals, outputs, kernels, products, freq, itemsize) -> float:
    """Seconds to multiply and sum spectra (see :func:`_channel_sum`)."""
    if products <= max(signals, outputs):          # one channel in each group: elementwise
        return products * freq * PRODUCT_NS * 1e-9
    moved = (signals + kernels + outputs) * freq * 2 * itemsize       # the transposes
    flops = 8.0 * products * freq
    peak = calibration.rates().gemm_flops
    return _move_seconds(moved) + flops / (CHANNEL_GEMM_SHARE * peak.get(itemsize, peak[8]))


def _move_seconds(nbytes: float) -> float:
    """Seconds to move ``nbytes`` of spectra around (padding, transposes)."""
    return MOVE_COPIES * nbytes / calibration.rates().copy_bytes


def estimate_seconds(padded: tuple[int, ...], w_shape: tuple[int, ...], n_batch: int, groups: int,
                     dilation: tuple[int, ...], itemsize: int = 8, real: bool = True) -> float:
    """Estimated seconds of :func:`compute` for an input padded to ``padded`` (spatial).

    Examples
    --------
    >>> from convlab.methods.fft import estimate_seconds
    >>> small = estimate_seconds((512, 512), (1, 1, 31, 31), 1, 1, (1, 1))
    >>> small < estimate_seconds((1024, 1024), (1, 1, 31, 31), 1, 1, (1, 1))
    True
    """
    c_out, c_in_g = w_shape[:2]
    c_in = c_in_g * groups
    span = tuple(d * (k - 1) + 1 for k, d in zip(w_shape[2:], dilation))
    signals, outputs = n_batch * c_in, n_batch * c_out
    kernels, products = c_out * c_in_g, n_batch * c_out * c_in_g
    if len(padded) == 1:
        length = block_length(padded[0], span[0], signals, outputs, kernels, products, itemsize, real)
        return estimate_1d(length, padded[0], span[0], signals, outputs, kernels, products, itemsize, real)
    lengths = tuple(next_fast_len(p) for p in padded)
    n = math.prod(lengths)
    freq = n // lengths[-1] * (lengths[-1] // 2 + 1) if real else n
    pruned = 0.5 * (1.0 + math.prod(s / ell for s, ell in zip(span[:-1], lengths[:-1])))
    t = transform_seconds(lengths, signals + outputs, itemsize, real)
    t += pruned * transform_seconds(lengths, kernels, itemsize, real)
    t += _product_seconds(signals, outputs, kernels, products, freq, itemsize)
    return t + calibration.rates().fft_call * (2 * len(lengths) + 1) / 3


def dilate(w, dilation):
    """Insert ``dilation - 1`` zeros between kernel taps on each spatial axis.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.methods.fft import dilate
    >>> dilate(np.array([[[1, 2, 3]]]), (2,))
    array([[[1, 0, 2, 0, 3]]])
    """
    if all(d == 1 for d in dilation):
        return w
    k = w.shape[2:]
    out = np.zeros(w.shape[:2] + tuple(d * (kk - 1) + 1 for kk, d in zip(k, dilation)), dtype=w.dtype)
    out[(Ellipsis, *(slice(None, None, d) for d in dilation))] = w
    return out


def _channel_sum(sx, sw, groups):
    """``sy[n, o, f] = sum_c sx[n, g(o)*C_g + c, f] * sw[o, c, f]`` over flattened frequencies.

    ``sx`` is ``(N, C_in, F)``, ``sw`` is ``(C_out, C_g, F)``; one product
    for a single channel, else one batched matrix product whose batch is
    (frequency, group): ``(N, C_g) @ (C_g, C_out_g)`` at every frequency.
    """
    n_batch, c_in, n_freq = sx.shape
    c_out, c_in_g = sw.shape[:2]
    c_out_g = c_out // groups
    if c_in_g == 1 and c_out_g == 1:
        return sx * sw[np.newaxis, :, 0, :]
    if c_in_g == 1:                                   # depthwise-like: broadcast, no sum
        sxg = sx.reshape(n_batch, groups, 1, n_freq)
        return (sxg * sw.reshape(1, groups, c_out_g, n_freq)).reshape(n_batch, c_out, n_freq)
    a = np.ascontiguousarray(sx.reshape(n_batch, groups, c_in_g, n_freq).transpose(3, 1, 0, 2))
    b = np.ascontiguousarray(sw.reshape(groups, c_out_g, c_in_g, n_freq).transpose(3, 0, 2, 1))
    prod = np.matmul(a, b)                                        # (F, G, N, C_out_g)
    return prod.transpose(2, 1, 3, 0).reshape(n_batch, c_out, n_freq)


def _pad_axis(a, axis, length):
    """``a`` zero-padded at the end of ``axis`` to ``length`` (itself if already that long)."""
    if a.shape[axis] == length:
        return a
    out = np.zeros(a.shape[:axis] + (length,) + a.shape[axis + 1:], dtype=a.dtype)
    out[(slice(None),) * axis + (slice(0, a.shape[axis]),)] = a
    return out


def forward(a, lengths, real):
    """Spectrum of ``a`` over its last ``len(lengths)`` axes, zero-padded to ``lengths``.

    Axis by axis, last axis first (``rfft`` when ``real``), padding each axis
    just before its transform so that rows still all zero are never
    transformed (a small kernel in a big frame costs little). The scaling is
    ``norm="ortho"``: ``1/sqrt(L)`` per axis.

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
    spec = _pad_axis(a, last, lengths[-1])
    spec = np.fft.rfft(spec, axis=last, norm="ortho") if real else np.fft.fft(spec, axis=last, norm="ortho")
    for axis in range(last - 1, first - 1, -1):
        spec = np.fft.fft(_pad_axis(spec, axis, lengths[axis - first]), axis=axis, norm="ortho")
    return spec


def inverse(spec, lengths, keeps, real):
    """Inverse of :func:`forward`, keeping only ``spec``'s indices ``keeps[i]`` on each axis.

    Each axis is transformed and immediately cut down to the slice ``keeps``
    asks for, so later axes transform fewer rows.
    """
    nd = len(lengths)
    first = spec.ndim - nd
    last = spec.ndim - 1
    out = spec
    for axis in range(first, last):
        out = np.fft.ifft(out, axis=axis, norm="ortho")
        out = out[(slice(None),) * axis + (keeps[axis - first],)]
    if real:
        out = np.fft.irfft(out, n=lengths[-1], axis=last, norm="ortho")
    else:
        out = np.fft.ifft(out, axis=last, norm="ortho")
    return out[(Ellipsis, keeps[-1])]


def compute(xp, w, stride, dilation, groups, out_spatial):
    nd = w.ndim - 2
    n_batch = xp.shape[0]
    wd = np.flip(dilate(w, dilation), axis=tuple(range(2, 2 + nd)))
    real = not (np.iscomplexobj(xp) or np.iscomplexobj(w))
    if nd == 1:
        length = overlap_add_length(xp.shape[2], w.shape, n_batch, groups, dilation[0],
                                    np.dtype(xp.dtype).itemsize // (1 if real else 2), real)
        if length is not None:
            return _overlap_add(xp, wd, stride[0], groups, out_spatial[0], length, real)
    return _whole(xp, wd, stride, groups, out_spatial, real)


def _scaled(wd, n):
    """The kernel times ``sqrt(n)``: with three ``"ortho"`` transforms the product
    then needs no further scaling (``x * w = IDFT(DFT(x) DFT(w)) / n``)."""
    return wd * np.asarray(math.sqrt(n), dtype=wd.real.dtype)


def _whole(xp, wd, stride, groups, out_spatial, real):
    """One FFT of fast length ``L >= P`` per axis over the whole (padded) input."""
    n_batch, c_out = xp.shape[0], wd.shape[0]
    span = wd.shape[2:]
    lengths = tuple(next_fast_len(p) for p in xp.shape[2:])
    spec_x = forward(xp, lengths, real)                                 # (N, C_in, *F)
    spec_w = forward(_scaled(wd, math.prod(lengths)), lengths, real)    # (C_out, C_in_g, *F)
    freq = spec_x.shape[2:]
    spec_y = _channel_sum(spec_x.reshape(spec_x.shape[:2] + (-1,)),
                          spec_w.reshape(spec_w.shape[:2] + (-1,)), groups)
    keeps = tuple(slice(k - 1, k - 1 + (o - 1) * s + 1, s) for k, o, s in zip(span, out_spatial, stride))
    return inverse(spec_y.reshape((n_batch, c_out) + freq), lengths, keeps, real)


def _overlap_add(xp, wd, stride, groups, n_out, length, real):
    """1-D overlap-add with FFT length ``length``: see the module docs."""
    n_batch, c_in, size = xp.shape
    c_out, span = wd.shape[0], wd.shape[2]
    block = length - span + 1                       # new samples per block; block >= span
    last = span - 1 + (n_out - 1) * stride          # last index of the full convolution we need
    n_blocks = last // block + 1
    # each block zero-padded to the full FFT length up front (numpy's fast path)
    blocks = np.zeros((n_batch, n_blocks, c_in, length), dtype=xp.dtype)
    used = min(size, n_blocks * block)
    whole, rest = divmod(used, block)
    blocks[:, :whole, :, :block] = xp[..., : whole * block].reshape(
        n_batch, c_in, whole, block).transpose(0, 2, 1, 3)
    if rest:
        blocks[:, whole, :, :rest] = xp[..., whole * block: used]
    spec_x = forward(blocks, (length,), real)                        # (N, B, C_in, F)
    spec_w = forward(_scaled(wd, length), (length,), real)           # (C_out, C_g, F)
    n_freq = spec_x.shape[-1]
    spec_y = _channel_sum(spec_x.reshape(n_batch * n_blocks, c_in, n_freq), spec_w, groups)
    pieces = inverse(spec_y, (length,), (slice(None),), real).reshape(n_batch, n_blocks, c_out, length)
    out = np.empty((n_batch, c_out, n_blocks, block), dtype=pieces.dtype)
    heads = out.transpose(0, 2, 1, 3)                            # (N, B, C_out, block) view
    heads[...] = pieces[..., :block]                             # each block's own part
    heads[:, 1:, :, : span - 1] += pieces[:, :-1, :, block:]     # plus the previous block's tail
    out = out.reshape(n_batch, c_out, n_blocks * block)
    return out[..., span - 1: last + 1: stride]
