"""Tolerances, and why.

Every output is a sum of ``fan_in`` products whose magnitudes add up to at
most ``bound = max|x| * sum|w|``. Direct summation (``loop``, ``im2col``, and
the oracles scipy/torch themselves) errs by at most about
``fan_in * eps * bound`` (the classic recursive-summation bound; BLAS blocking
only makes it smaller). An FFT of length ``L`` errs by about
``eps * log2(L) * bound`` in every output (the error of a transform is spread
evenly), so its tolerance grows with the log of the length, not with the
fan-in. Both are doubled for the oracle's own rounding. Integer inputs are
compared exactly for ``loop`` and ``im2col`` (and for ``fft``, which rounds).
"""

from __future__ import annotations

import math

import numpy as np


def eps_of(dtype) -> float:
    dtype = np.dtype(dtype)
    if dtype.kind in "iuO":
        return 0.0
    return float(np.finfo(dtype).eps)


def tolerance(method: str, dtype, bound: float, fan_in: int, length: int) -> float:
    eps = eps_of(dtype)
    if method == "fft":
        # FFTs in float32 for float32 input; 8 covers forward+inverse+product rounding
        scale = 8.0 * max(1.0, math.log2(max(length, 2)))
    else:
        scale = 2.0 * max(fan_in, 1)
    return 2.0 * scale * eps * bound + np.finfo(np.float64).tiny
