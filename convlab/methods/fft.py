"""The FFT method: the convolution theorem.

Cross-correlating with ``w`` is convolving with the flipped kernel, and a
convolution is a product of spectra. With the kernel dilated (zeros inserted
between its taps) and flipped, the circular convolution of length
``L >= P`` (the padded input size) equals the linear one at every index the
output needs, ``Kd - 1 + i*stride``, so no further zero padding is required.
``L`` is rounded up to a fast FFT length (a product of 2, 3, 5 and 7).

Real inputs use ``rfftn``; channels are summed in the frequency domain with
one batched matrix product per frequency; stride subsamples the result.
"""

from __future__ import annotations

import functools
import math

import numpy as np


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


def dilate(w, dilation):
    """Insert ``dilation - 1`` zeros between kernel taps on each spatial axis."""
    if all(d == 1 for d in dilation):
        return w
    k = w.shape[2:]
    out = np.zeros(w.shape[:2] + tuple(d * (kk - 1) + 1 for kk, d in zip(k, dilation)), dtype=w.dtype)
    out[(Ellipsis, *(slice(None, None, d) for d in dilation))] = w
    return out


def compute(xp, w, stride, dilation, groups, out_spatial):
    nd = w.ndim - 2
    axes = tuple(range(2, 2 + nd))
    n_batch, c_in = xp.shape[:2]
    c_out, c_in_g = w.shape[:2]
    c_out_g = c_out // groups
    padded = xp.shape[2:]
    wd = np.flip(dilate(w, dilation), axis=axes)
    span = wd.shape[2:]
    lengths = tuple(next_fast_len(p) for p in padded)
    real = not (np.iscomplexobj(xp) or np.iscomplexobj(w))
    forward, inverse = (np.fft.rfftn, np.fft.irfftn) if real else (np.fft.fftn, np.fft.ifftn)
    spec_x = forward(xp, s=lengths, axes=axes)          # (N, C_in, *F)
    spec_w = forward(wd, s=lengths, axes=axes)          # (C_out, C_in_g, *F)
    freq = spec_x.shape[2:]
    n_freq = math.prod(freq)
    sx = spec_x.reshape(n_batch, groups, c_in_g, n_freq)
    sw = spec_w.reshape(groups, c_out_g, c_in_g, n_freq)
    if c_in_g == 1 and c_out_g == 1:
        spec_y = sx[:, :, 0, :] * sw[np.newaxis, :, 0, 0, :]     # (N, G, F)
    else:
        # one batched product over (frequency, group): (N, C_g) @ (C_g, C_out_g)
        prod = np.matmul(sx.transpose(3, 1, 0, 2), sw.transpose(3, 0, 2, 1))  # (F, G, N, C_out_g)
        spec_y = prod.transpose(2, 1, 3, 0)                        # (N, G, C_out_g, F)
    spec_y = spec_y.reshape((n_batch, c_out) + freq)
    full = inverse(spec_y, s=lengths, axes=axes)
    keep = tuple(slice(k - 1, k - 1 + (o - 1) * s + 1, s) for k, o, s in zip(span, out_spatial, stride))
    return full[(slice(None), slice(None), *keep)]
