"""Runs a validated :class:`~convlab._validate.Problem`: resolve, cast, compute, bias, dtype.

A transposed problem runs the same way, through each method's
``compute_transposed`` instead of its ``compute``.
"""

from __future__ import annotations

import warnings

import numpy as np

from .methods import fft, im2col, loop
from .resolve import Plan, caller_stacklevel, resolve

COMPUTE = {"loop": loop.compute, "im2col": im2col.compute, "fft": fft.compute}
COMPUTE_TRANSPOSED = {"loop": loop.compute_transposed, "im2col": im2col.compute_transposed,
                      "fft": fft.compute_transposed}


def compute_dtype(dtype: np.dtype, method: str) -> np.dtype:
    """The dtype a method computes in for a given result dtype: float16 in float32,
    integers by ``fft`` in float64 (rounded back), everything else as it is."""
    kind = dtype.kind
    if kind == "f" and dtype.itemsize == 2:
        return np.dtype(np.float32)
    if kind in "iu" and method == "fft":
        return np.dtype(np.float64)
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
        cdt = compute_dtype(dtype, plan.method)
        kernels = COMPUTE_TRANSPOSED if problem.transposed else COMPUTE
        y = kernels[plan.method](x.astype(cdt, copy=False), w.astype(cdt, copy=False), geom, plan)
        if y.dtype.kind == "f" and dtype.kind in "iu":
            y = np.rint(y)
    if problem.bias is not None:
        y = y + problem.bias.reshape((-1,) + (1,) * len(geom.out_spatial))
    return y if y.dtype == dtype else y.astype(dtype)
