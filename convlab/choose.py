"""``method="auto"``: estimate each method's time, pick the fastest, say why.

The estimates are cost models of what each method actually does, fed with
the machine's speeds from :mod:`convlab.calibration` (see
:func:`convlab.methods.im2col.estimate_seconds` and
:func:`convlab.methods.fft.estimate_seconds`):

* ``im2col``: copying the column matrix (bytes, plus a cost per contiguous
  run of the patch view) and the GEMM (flops at a rate that drops for few
  output channels, and never faster than the matrix can be streamed), plus
  the fixed cost of a call;
* ``fft``: the transforms (``n log n`` per transform, slower once out of
  cache), the products of spectra (a batched matrix product for several
  channels) and, for long 1-D signals, overlap-add with the best block,
  plus the fixed cost of a call;
* ``loop``: ``LOOP_NS_PER_MAC`` per multiply-add -- never chosen, reported so
  that the explanation shows how far behind it is.

Rules that come before the estimates: symbolic (object) inputs use
``im2col`` (exact on objects, and faster than ``loop``); integer inputs use
``im2col`` (exact; ``fft`` would round). A choice is remembered per shape
and dtype, so ``auto`` costs a dictionary look-up after the first call.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .methods import fft, im2col
from .timing import format_seconds

# Measured for the literal method (about 1 us): one Python-level multiply-add and its indexing.
LOOP_NS_PER_MAC = 1000.0


@dataclass(frozen=True)
class Choice:
    """The method ``auto`` picked, the estimates behind it (seconds) and why.

    ``direct_cost`` is the im2col estimate and ``fft_cost`` the FFT estimate
    (NaN when a rule decided without estimating); ``loop_cost`` is the
    literal loop's.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> choice = convlab.choose_method(np.ones((1, 1, 512, 512)), np.ones((1, 1, 31, 31)), explain=True)
    >>> choice.method, choice.fft_cost < choice.direct_cost
    ('fft', True)
    """

    method: str
    direct_cost: float
    fft_cost: float
    reason: str
    loop_cost: float = math.nan

    def __str__(self) -> str:
        return f"{self.method}: {self.reason}"

    @property
    def estimates(self) -> dict[str, float]:
        """Estimated seconds per method."""
        return {"loop": self.loop_cost, "im2col": self.direct_cost, "fft": self.fft_cost}


def estimates(x_shape, w_shape, padding, stride, dilation, groups, out_spatial, dtype) -> dict[str, float]:
    """Estimated seconds of each method for a problem given by its shapes.

    ``x_shape`` is ``(N, C_in, *spatial)`` before padding, ``padding`` one
    ``(before, after)`` pair per axis and ``dtype`` the dtype computed in.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.choose import estimates
    >>> t = estimates((1, 1, 512, 512), (1, 1, 31, 31), ((0, 0), (0, 0)), (1, 1), (1, 1), 1,
    ...               (482, 482), np.float64)
    >>> t["fft"] < t["im2col"] < t["loop"]
    True
    """
    itemsize, real = _real_itemsize(dtype)
    n_batch = x_shape[0]
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(x_shape[2:], padding))
    macs = n_batch * w_shape[0] * math.prod(w_shape[1:]) * math.prod(out_spatial)
    return {
        "loop": LOOP_NS_PER_MAC * 1e-9 * macs,
        "im2col": im2col.estimate_seconds(n_batch, tuple(w_shape), groups, tuple(out_spatial),
                                          tuple(stride), itemsize, real),
        "fft": fft.estimate_seconds(padded, tuple(w_shape), n_batch, groups, tuple(dilation),
                                    itemsize, real),
    }


def choose(problem) -> Choice:
    """Pick a method for a validated problem (see :mod:`convlab._validate`)."""
    x, w = problem.x, problem.w
    if x.dtype == object or w.dtype == object:
        return Choice("im2col", math.nan, math.nan,
                      "object (symbolic) input: im2col is exact on objects and faster than loop")
    if problem.dtype == np.int64:
        return Choice("im2col", math.nan, math.nan,
                      "integer input: im2col is exact, fft would round")
    dtype = problem.dtype if problem.dtype != np.float16 else np.dtype(np.float32)
    return _choose_by_cost(x.shape, w.shape, problem.padding, problem.stride, problem.dilation,
                           problem.groups, problem.out_spatial, dtype)


@functools.lru_cache(maxsize=4096)
def _choose_by_cost(x_shape, w_shape, padding, stride, dilation, groups, out_spatial, dtype) -> Choice:
    """The cost comparison, remembered per shape (it costs more than a small convolution)."""
    t = estimates(x_shape, w_shape, padding, stride, dilation, groups, out_spatial, dtype)
    direct, spectral = t["im2col"], t["fft"]
    shown = f"estimated cost im2col {format_seconds(direct)}, fft {format_seconds(spectral)}"
    if spectral < direct:
        one_d = len(out_spatial) == 1
        overlap = one_d and _overlap_add(x_shape, w_shape, padding, dilation, groups, dtype)
        how = "overlap-add" if overlap else "one FFT"
        return Choice("fft", direct, spectral,
                      f"{shown} ({how}): fft is {direct / spectral:.2g}x faster", t["loop"])
    why = ("the GEMM is cheaper than the transforms" if direct > 0 else "nothing to compute")
    return Choice("im2col", direct, spectral,
                  f"{shown}: im2col is {spectral / max(direct, 1e-12):.2g}x faster ({why})", t["loop"])


def _real_itemsize(dtype) -> tuple[int, bool]:
    """(itemsize of the real dtype the cost models price, whether it is real)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return 8, True        # computed in float64 by fft; im2col's integer GEMM is not BLAS
    real = dtype.kind != "c"
    return dtype.itemsize // (1 if real else 2), real


def _overlap_add(x_shape, w_shape, padding, dilation, groups, dtype) -> bool:
    """Whether the fft method would use overlap-add for this 1-D problem."""
    (lo, hi), = padding
    return fft.overlap_add_length(x_shape[2] + lo + hi, w_shape, x_shape[0], groups, dilation[0],
                                  *_real_itemsize(dtype)) is not None
