"""``method="auto"``: a cost rule that picks one of the three methods."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .methods.fft import next_fast_len

# Relative cost of one FFT "flop" versus one GEMM multiply-add, measured on
# this kind of machine: BLAS runs near peak, pocketfft far below it.
FFT_PENALTY = 4.0


@dataclass(frozen=True)
class Choice:
    """The method ``auto`` picked, the estimates behind it and why."""

    method: str
    direct_cost: float
    fft_cost: float
    reason: str

    def __str__(self) -> str:
        return f"{self.method}: {self.reason}"


def costs(x_shape, w_shape, padding, stride, dilation, groups, out_spatial):
    """Estimated work of the direct (im2col) and FFT methods, in flop-like units."""
    n_batch, c_in = x_shape[:2]
    c_out, c_in_g = w_shape[:2]
    kernel = w_shape[2:]
    direct = 2.0 * n_batch * c_out * c_in_g * math.prod(kernel) * math.prod(out_spatial)
    padded = [n + lo + hi for n, (lo, hi) in zip(x_shape[2:], padding)]
    size = math.prod(next_fast_len(p) for p in padded)
    transforms = n_batch * c_in + c_out * c_in_g + n_batch * c_out
    fft = transforms * 2.5 * size * max(1.0, math.log2(size))      # real FFTs
    fft += 4.0 * n_batch * c_out * c_in_g * size / 2                # complex products
    return direct, FFT_PENALTY * fft


def choose(problem) -> Choice:
    """Pick a method for a validated problem (see :mod:`convlab._validate`)."""
    x, w = problem.x, problem.w
    if x.dtype == object or w.dtype == object:
        return Choice("im2col", math.nan, math.nan,
                      "object (symbolic) input: im2col is exact on objects and faster than loop")
    if problem.dtype == np.int64:
        return Choice("im2col", math.nan, math.nan,
                      "integer input: im2col is exact, fft would round")
    direct, fft = costs(x.shape, w.shape, problem.padding, problem.stride,
                        problem.dilation, problem.groups, problem.out_spatial)
    if fft < direct:
        return Choice("fft", direct, fft,
                      f"estimated FFT cost {fft:.3g} < direct cost {direct:.3g}")
    return Choice("im2col", direct, fft,
                  f"estimated direct cost {direct:.3g} <= FFT cost {fft:.3g}")
