"""Runs a validated :class:`~convlab._validate.Problem`: resolve, cast, compute, bias, dtype.

A transposed problem runs the same way, through each method's
``compute_transposed`` instead of its ``compute``; both, and the dtype a
method computes in, come from its record in :mod:`convlab.registry`.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from . import _pool, registry
from .resolve import Plan, caller_stacklevel, resolve


def compute_dtype(problem, method: str) -> np.dtype:
    """The dtype ``method`` computes ``problem`` in; the result is cast back to
    ``problem.dtype``. Each method's record decides (:mod:`convlab.registry`):

    * integer results: ``fft`` in float64 (and rounded back); the direct
      methods in int64, exactly;
    * ``fft`` with a single-precision result (float32, complex64, or float16)
      computes in double precision (float64, complex128) when an operand is
      an integer (as SciPy's ``fftconvolve`` transforms integers, in double;
      the integers have no precision of their own to keep), or when the
      transforms are small, at most :data:`convlab.methods.fft.FFT_DOUBLE_POINTS`
      points (:func:`convlab.methods.fft.fft_points`), where double precision
      costs little. The error is then the rounding of the result to single
      precision alone, below the direct methods'; a float32 transform errs
      0.5-3 times as much as ``im2col``'s float32 GEMM (measured relative to
      ``max|x| * sum|w|``, worst of three draws; up to 4 times on one draw),
      most for small kernels. Larger float32 transforms stay in float32, as
      SciPy's do: there double precision would cost 1.5-3.5x, and on the
      measured shapes those for which ``auto`` picks the fft err within 2
      times ``im2col``'s;
    * float16 otherwise in float32 (numpy's FFT and BLAS have no float16);
    * everything else in the result dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._engine import compute_dtype
    >>> from convlab._validate import prepare_conv
    >>> def dtype_of(n, x_dtype, w_dtype, method="fft"):
    ...     problem, _ = prepare_conv(np.ones((1, 1, n), x_dtype), np.ones((1, 1, 9), w_dtype), None, nd=1,
    ...                               stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros",
    ...                               method=method)
    ...     return compute_dtype(problem, method)
    >>> dtype_of(1000, np.float32, np.float32), dtype_of(100_000, np.float32, np.float32)
    (dtype('float64'), dtype('float32'))
    >>> dtype_of(100_000, np.int16, np.float32), dtype_of(100_000, np.float32, np.float32, "im2col")
    (dtype('float64'), dtype('float32'))
    """
    return registry.REGISTRY[method].compute_dtype(problem)


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
        record = registry.REGISTRY[plan.method]
        cdt = record.compute_dtype(problem)
        kernel = record.compute_transposed if problem.transposed else record.compute
        x, w = x.astype(cdt, copy=False), w.astype(cdt, copy=False)
        # multiply-adds of the direct sum: a call this large may run on the pool, and then
        # numpy's BLAS stays on one thread throughout (see convlab._pool)
        if _pool.parallel(x.shape[0] * w.size * math.prod(x.shape[2:] if problem.transposed
                                                          else geom.out_spatial)):
            with _pool.blas_single():
                y = kernel(x, w, geom, plan)
        else:
            y = kernel(x, w, geom, plan)
        if y.dtype.kind == "f" and dtype.kind in "iu":
            y = np.rint(y)
    if problem.bias is not None:
        y = y + problem.bias.reshape((-1,) + (1,) * len(geom.out_spatial))
    return y if y.dtype == dtype else y.astype(dtype)
