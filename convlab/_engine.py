"""Runs a validated :class:`~convlab._validate.Problem`: pad, dispatch, bias, dtype."""

from __future__ import annotations

import math
import warnings

import numpy as np

from ._padding import pad
from ._validate import max_abs
from .choose import choose
from .methods import COMPUTE


def compute_dtype(dtype: np.dtype, method: str) -> np.dtype:
    """The dtype a method computes in for a given result dtype."""
    if dtype == np.float16:
        return np.dtype(np.float32)
    if method == "fft" and dtype.kind in "iu":
        return np.dtype(np.float64)
    return dtype


def _fft_integer_is_exact(x: np.ndarray, w: np.ndarray, bias, size: int) -> bool:
    """True when rounding a float64 FFT result recovers the exact integers.

    The FFT's absolute error is about eps * log2(size) * max|x| * sum|w|; we
    demand a generous margin below 0.5.
    """
    fan_in_sums = np.abs(w.reshape(w.shape[0], -1).astype(np.float64)).sum(axis=1)
    bound = float(max_abs(x)) * float(np.max(fan_in_sums, initial=0))
    if bias is not None:
        bound += float(max_abs(bias))
    return bound * 2.0**-52 * 16 * max(1.0, math.log2(max(size, 2))) < 0.25


def run(problem) -> np.ndarray:
    """Compute ``problem`` and return ``(N, C_out, *out)`` in ``problem.dtype``."""
    x, w, dtype = problem.x, problem.w, problem.dtype
    shape = (x.shape[0], w.shape[0]) + problem.out_spatial
    method = problem.method
    if method == "auto":
        method = choose(problem).method
    if math.prod(shape) == 0 or w[0].size == 0:
        y = np.zeros(shape, dtype=dtype)
    else:
        if method == "fft" and dtype.kind in "iu":
            size = math.prod(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], problem.padding))
            if not _fft_integer_is_exact(x, w, problem.bias, size):
                method = "im2col"   # exact fallback: float64 cannot hold these sums
        if method == "fft" and not (np.all(np.isfinite(x)) and np.all(np.isfinite(w))):
            warnings.warn(
                "x or w holds NaN or Inf; an FFT would spread it over the whole output, "
                "so convlab computes this call with method='im2col' instead",
                RuntimeWarning, stacklevel=3)
            method = "im2col"
        cdt = compute_dtype(dtype, method)
        x, w = x.astype(cdt, copy=False), w.astype(cdt, copy=False)
        args = (problem.stride, problem.dilation, problem.groups, problem.out_spatial)
        if method == "im2col" and problem.padding_mode == "zeros":
            # im2col gathers its columns as if x were zero-padded: no padded copy of x
            y = COMPUTE[method](x, w, *args, padding=problem.padding)
        else:
            y = COMPUTE[method](pad(x, problem.padding, problem.padding_mode), w, *args)
        if dtype.kind in "iu" and y.dtype.kind == "f":
            y = np.rint(y)
    if problem.bias is not None:
        y = y + problem.bias.reshape((-1,) + (1,) * len(problem.out_spatial))
    return np.asarray(y).astype(dtype, copy=False)
