"""Runs a validated :class:`~convlab._validate.Problem`: resolve, cast, compute, bias, dtype.

A transposed problem runs the same way, through each method's
``compute_transposed`` instead of its ``compute``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .methods import fft, im2col, loop
from .resolve import Plan, caller_stacklevel, resolve

COMPUTE = {"loop": loop.compute, "im2col": im2col.compute, "fft": fft.compute}
COMPUTE_TRANSPOSED = {"loop": loop.compute_transposed, "im2col": im2col.compute_transposed,
                      "fft": fft.compute_transposed}


#: The most FFT points (:func:`fft_points`) a single-precision ``fft`` transforms in
#: double precision. Measured one thread, each call alone
#: (``python -m benchmarks.float32_accuracy``): below it numpy's per-call costs
#: dominate and a whole transform in double costs 1.0-1.4x (overlap-add just under
#: it up to 3x, +0.3 ms, its larger buffers faulted in anew on every call); above it
#: the transforms dominate and double costs 1.5-3.5x, which would also give up
#: SciPy's float32 ``fftconvolve`` speed.
FFT_DOUBLE_POINTS = 2**16


def fft_points(problem) -> int:
    """The samples the ``fft`` method transforms: every row it transforms (input
    channels, kernels, output channels) times the padded spatial size."""
    x, w, geom = problem.x, problem.w, problem.geometry
    if problem.transposed:      # it correlates the upsampled input, padded to out + span - 1
        spatial = (o + d * (k - 1) for o, k, d in zip(geom.out_spatial, w.shape[2:], geom.dilation))
    else:
        spatial = (n + lo + hi for n, (lo, hi) in zip(x.shape[2:], geom.padding))
    rows = x.shape[0] * (x.shape[1] + problem.c_out) + w.shape[0] * w.shape[1]
    return rows * math.prod(spatial)


def compute_dtype(problem, method: str) -> np.dtype:
    """The dtype ``method`` computes ``problem`` in; the result is cast back to
    ``problem.dtype``. The one place that decides it:

    * integer results: ``fft`` in float64 (and rounded back); the direct
      methods in int64, exactly;
    * ``fft`` with a single-precision result (float32, complex64, or float16)
      computes in double precision (float64, complex128) when an operand is
      an integer (as SciPy's ``fftconvolve`` transforms integers, in double;
      the integers have no precision of their own to keep), or when the
      transforms are small, at most :data:`FFT_DOUBLE_POINTS` points
      (:func:`fft_points`), where double precision costs little. The error is
      then the rounding of the result to single precision alone, below the
      direct methods'; a float32 transform errs 0.5-3 times as much as
      ``im2col``'s float32 GEMM (measured relative to ``max|x| * sum|w|``,
      worst of three draws; up to 4 times on one draw), most for small
      kernels. Larger float32 transforms stay in float32, as SciPy's do:
      there double precision would cost 1.5-3.5x, and on the measured
      shapes those for which ``auto`` picks the fft err within 2 times
      ``im2col``'s;
    * float16 otherwise in float32 (numpy's FFT and BLAS have no float16);
    * everything else in the result dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._engine import compute_dtype
    >>> from convlab._validate import prepare_conv
    >>> def dtype_of(n, x_dtype, w_dtype, method="fft"):
    ...     problem, _ = prepare_conv(np.ones((1, 1, n), x_dtype), np.ones((1, 1, 9), w_dtype), None, 1,
    ...                               1, 0, 1, 1, "zeros", method)
    ...     return compute_dtype(problem, method)
    >>> dtype_of(1000, np.float32, np.float32), dtype_of(100_000, np.float32, np.float32)
    (dtype('float64'), dtype('float32'))
    >>> dtype_of(100_000, np.int16, np.float32), dtype_of(100_000, np.float32, np.float32, "im2col")
    (dtype('float64'), dtype('float32'))
    """
    dtype = problem.dtype
    kind = dtype.kind
    if method == "fft":
        if kind in "iu":
            return np.dtype(np.float64)
        if kind in "fc" and dtype.itemsize < (8 if kind == "f" else 16):
            mixed = problem.x.dtype.kind in "iu" or problem.w.dtype.kind in "iu"
            if mixed or fft_points(problem) <= FFT_DOUBLE_POINTS:
                return np.dtype(np.float64 if kind == "f" else np.complex128)
    if kind == "f" and dtype.itemsize == 2:
        return np.dtype(np.float32)
    return dtype


def run(problem, plan: Plan | None = None) -> np.ndarray:
    """Compute ``problem`` by ``plan`` (default: :func:`convlab.resolve.resolve`'s);
    returns ``(N, C_out, *out)`` in ``problem.dtype``."""
    x, w, geom, dtype = problem.x, problem.w, problem.geometry, problem.dtype
    if 0 in geom.out_spatial or 0 in x.shape[:1] or 0 in w.shape:
        y = np.zeros((x.shape[0], problem.c_out) + geom.out_spatial, dtype=dtype)
    else:
        plan = plan or resolve(problem)
        if plan.warning:
            warnings.warn(plan.warning, RuntimeWarning, stacklevel=caller_stacklevel())
        cdt = compute_dtype(problem, plan.method)
        kernels = COMPUTE_TRANSPOSED if problem.transposed else COMPUTE
        y = kernels[plan.method](x.astype(cdt, copy=False), w.astype(cdt, copy=False), geom, plan)
        if y.dtype.kind == "f" and dtype.kind in "iu":
            y = np.rint(y)
    if problem.bias is not None:
        y = y + problem.bias.reshape((-1,) + (1,) * len(geom.out_spatial))
    return y if y.dtype == dtype else y.astype(dtype)
