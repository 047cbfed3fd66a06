"""The one place that decides what runs: which method, and how.

:func:`resolve` turns a validated :class:`~convlab._validate.Problem` into a
:class:`Plan`. Both the computation (:mod:`convlab._engine`) and
:func:`convlab.explain_method` call it, so the explanation always names
the method that actually runs. In order:

1. ``method="auto"`` applies the rules that need no estimate: symbolic
   (object) inputs use ``im2col`` (exact on objects, faster than ``loop``);
   integer inputs use ``im2col`` (exact; ``fft`` would round). Otherwise it
   compares the cost model's estimates (:mod:`convlab.cost`, priced with
   :func:`convlab.calibration.rates`) and takes the cheaper of ``im2col``
   and ``fft``; the comparison is remembered per shape, dtype and speeds.
2. An ``fft`` on integers falls back to ``im2col`` when float64 could not
   hold the sums exactly enough to round them back.
3. An ``fft`` on an input holding NaN or Inf falls back to ``im2col`` (a
   transform would spread the NaN over the whole output), with a warning
   that points at the caller's line.
4. A 1-D ``fft`` gets its overlap-add block length from the cost model
   (``None``: one transform of the whole signal).

A transposed convolution (a problem with a
:class:`~convlab._validate.TransposedGeometry`) follows the same rules,
priced by :func:`convlab.cost.transposed_estimates`; its ``fft`` is the
correlation of :func:`convlab.methods.fft.transposed_as_correlation`, whose
shapes give the block length and the exactness bound.
"""

from __future__ import annotations

import functools
import math
import os
import sys
from typing import NamedTuple

import numpy as np

from . import cost
from ._validate import TransposedGeometry
from .calibration import Rates, rates
from .timing import format_seconds

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class Plan(NamedTuple):
    """What runs: the ``method``, why (``reason``), and what it needs.

    ``estimates`` holds the cost model's seconds per method (empty when a
    rule decided without estimating); ``block_length`` is the overlap-add
    FFT length of a 1-D ``fft`` (None: one transform); ``warning`` is the
    warning the computation emits (a fallback the caller should know of).

    Examples
    --------
    >>> import numpy as np, convlab
    >>> plan = convlab.explain_method(np.ones((1, 1, 512, 512)), np.ones((1, 1, 31, 31)))
    >>> plan.method, plan.estimates["fft"] < plan.estimates["im2col"]
    ('fft', True)
    """

    method: str
    reason: str
    estimates: dict = {}
    block_length: int | None = None
    warning: str | None = None

    def __str__(self) -> str:
        return f"{self.method}: {self.reason}"


def _real_itemsize(dtype: np.dtype) -> tuple[int, bool]:
    """(itemsize of the real dtype the cost model prices, whether it is real)."""
    if dtype.kind in "iu":
        return 8, True        # computed in float64 by fft; im2col's integer GEMM is not BLAS
    if dtype == np.float16:
        return 4, True        # computed in float32
    real = dtype.kind != "c"
    return dtype.itemsize // (1 if real else 2), real


@functools.lru_cache(maxsize=4096)
def _by_cost(x_shape, w_shape, geom, dtype, speeds: Rates) -> Plan:
    """The cost comparison, remembered per shape, dtype and speeds."""
    itemsize, real = _real_itemsize(dtype)
    estimates = cost.transposed_estimates if type(geom) is TransposedGeometry else cost.estimates
    t = estimates(x_shape, w_shape, geom.padding, geom.stride, geom.dilation, geom.groups,
                  geom.out_spatial, itemsize, real, speeds)
    direct, spectral = t["im2col"], t["fft"]
    shown = f"estimated cost im2col {format_seconds(direct)}, fft {format_seconds(spectral)}"
    if spectral < direct:
        block = _block(x_shape, w_shape, geom, itemsize, real, speeds)
        how = "one FFT" if block is None else "overlap-add"
        return Plan("fft", f"{shown} ({how}): fft is {direct / spectral:.2g}x faster", t, block)
    return Plan("im2col", f"{shown}: im2col is {spectral / max(direct, 1e-12):.2g}x faster "
                          "(the GEMM is cheaper than the transforms)", t)


def _block(x_shape, w_shape, geom, itemsize, real, speeds) -> int | None:
    if len(geom.out_spatial) != 1:
        return None
    if type(geom) is TransposedGeometry:
        (padded,), w_shape = _correlation_shapes(w_shape, geom)
    else:
        (lo, hi), = geom.padding
        padded = x_shape[2] + lo + hi
    return cost.block_length(padded, w_shape, x_shape[0], geom.groups, geom.dilation[0],
                             itemsize, real, speeds)


def _correlation_shapes(w_shape, geom: TransposedGeometry):
    """(padded spatial shape, weight shape) of the correlation a transposed ``fft`` runs."""
    padded = tuple(o + d * (k - 1) for o, k, d in zip(geom.out_spatial, w_shape[2:], geom.dilation))
    return padded, (w_shape[1] * geom.groups, w_shape[0] // geom.groups, *w_shape[2:])


def _fft_integer_is_exact(problem) -> bool:
    """True when rounding a float64 FFT result recovers the exact integers.

    The FFT's absolute error is about eps * log2(size) * max|x| * sum|w|;
    we demand a generous margin below 0.5.
    """
    x, w, bias = problem.x, problem.w, problem.bias
    if problem.transposed:      # the correlation it runs: padded shape, and weight by output channel
        padded, _ = _correlation_shapes(w.shape, problem.geometry)
        size = math.prod(padded)
        groups, (c_in, c_out_g) = problem.geometry.groups, w.shape[:2]
        fan_in_sums = np.abs(w.astype(np.float64)).reshape(groups, c_in // groups, c_out_g, -1).sum(
            axis=(1, 3)).ravel()
    else:
        size = math.prod(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], problem.geometry.padding))
        fan_in_sums = np.abs(w.reshape(w.shape[0], -1).astype(np.float64)).sum(axis=1)
    bound = float(np.abs(x).max(initial=0)) * float(np.max(fan_in_sums, initial=0))
    if bias is not None:
        bound += float(np.abs(bias).max(initial=0))
    return bound * 2.0**-52 * 16 * max(1.0, math.log2(max(size, 2))) < 0.25


def resolve(problem, speeds: Rates | None = None) -> Plan:
    """The :class:`Plan` for a validated problem (see the module docs for the rules).

    ``speeds`` defaults to :func:`convlab.calibration.rates`.
    """
    method, dtype, geom = problem.method, problem.dtype, problem.geometry
    x, w = problem.x, problem.w
    if method == "auto":
        if dtype.kind == "O":
            return Plan("im2col", "object (symbolic) input: im2col is exact on objects and faster than loop")
        if dtype.kind in "iu":
            return Plan("im2col", "integer input: im2col is exact, fft would round")
        if 0 in x.shape or 0 in w.shape or 0 in geom.out_spatial:
            return Plan("im2col", "nothing to compute: the output or an operand is empty")
        return _checked(_by_cost(x.shape, w.shape, geom, dtype, speeds or rates()), problem)
    if method != "fft":
        return Plan(method, "asked for")
    plan = Plan("fft", "asked for")
    if dtype.kind != "O" and 0 not in x.shape and 0 not in w.shape and 0 not in geom.out_spatial:
        itemsize, real = _real_itemsize(dtype)
        plan = plan._replace(block_length=_block(x.shape, w.shape, geom, itemsize, real, speeds or rates()))
    return _checked(plan, problem)


def _checked(plan: Plan, problem) -> Plan:
    """Rules 2 and 3: the fallbacks of an ``fft`` that would not be exact or finite."""
    if plan.method != "fft":
        return plan
    if problem.dtype.kind in "iu" and not _fft_integer_is_exact(problem):
        return Plan("im2col", "integer input too large for a float64 FFT to round back exactly: "
                              "im2col is exact", plan.estimates)
    if not (np.isfinite(problem.x).all() and np.isfinite(problem.w).all()):
        return Plan("im2col", "x or w holds NaN or Inf, which an FFT would spread over the whole "
                              "output: im2col instead", plan.estimates,
                    warning="x or w holds NaN or Inf; an FFT would spread it over the whole output, "
                            "so convlab computes this call with method='im2col' instead")
    return plan


def caller_stacklevel() -> int:
    """The ``stacklevel`` of ``warnings.warn`` that names the first frame outside convlab
    (so that a warning points at the caller's line, however deep it was raised)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and _inside(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    return level


def _inside(filename: str) -> bool:
    folder = os.path.dirname(os.path.abspath(filename))
    return folder == _PACKAGE_DIR or folder.startswith(_PACKAGE_DIR + os.sep)
