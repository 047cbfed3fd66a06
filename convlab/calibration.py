"""The machine's speeds that the cost models behind ``method="auto"`` need.

``auto`` estimates the seconds each method would take (see
:mod:`convlab.choose`), and seconds depend on the machine: its GEMM peak,
how fast it copies memory and transforms, how much a Python-level call
costs. :data:`DEFAULT` holds those numbers as measured on the project's
machines with one BLAS thread, so that ``auto`` decides the same way on
every run. On another machine, set the environment variable
``CONVLAB_CALIBRATE=1`` and they are measured instead, once per process,
the first time ``auto`` estimates (about 20 ms, one BLAS thread);
:func:`measure` shows what this machine would use.

Examples
--------
>>> from convlab import calibration
>>> r = calibration.rates()
>>> r.gemm_flops[8] > 1e8 and r.fft_ns[4] > 0
True
"""

from __future__ import annotations

import functools
import math
import os
import time
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Rates:
    """Speeds of this machine, keyed by the itemsize of the real dtype (4 or 8).

    Attributes
    ----------
    gemm_flops : dict
        Flop/s of a large real matrix product (``2*m*k*n`` flops).
    copy_bytes : float
        Bytes/s of a gather through a strided view (building a column matrix).
    fft_ns : dict
        Nanoseconds per point per ``log2(n)`` of many real 1-D FFTs at once.
    fft_lone : float
        How much slower one lone 1-D transform is, per point, than a batch.
    im2col_call, fft_call : float
        Seconds: one whole ``conv1d`` call by each method on a tiny problem.
    """

    gemm_flops: dict[int, float]
    copy_bytes: float
    fft_ns: dict[int, float]
    fft_lone: float
    im2col_call: float
    fft_call: float


#: Measured on the project's machines (x86-64, one BLAS thread, numpy 2.4).
DEFAULT = Rates(gemm_flops={4: 128e9, 8: 55e9}, copy_bytes=55e9, fft_ns={4: 0.10, 8: 0.16},
                fft_lone=1.65, im2col_call=28e-6, fft_call=44e-6)


def _best_of(fn, repeat: int = 5) -> float:
    """The shortest of ``repeat`` timed calls, after one untimed call."""
    fn()
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return max(best, 1e-9)


def measure() -> Rates:
    """Measure :class:`Rates` now, with one BLAS thread (about 20 ms).

    Examples
    --------
    >>> from convlab import calibration
    >>> calibration.measure().copy_bytes > 1e8
    True
    """
    from .timing import limit_threads

    with limit_threads(1):
        return _measure()


_measuring = False


def _measure() -> Rates:
    from .conv import conv1d
    from .methods import im2col

    rng = np.random.default_rng(0)
    gemm, ffts = {}, {}
    for itemsize, dtype in ((4, np.float32), (8, np.float64)):
        a = rng.standard_normal((64, 576)).astype(dtype)
        b = rng.standard_normal((576, 512)).astype(dtype)
        # a 64-row product runs at about 64/(64 + 3) of the peak (see im2col.GEMM_HALF_M)
        gemm[itemsize] = 2 * 64 * 576 * 512 / _best_of(lambda a=a, b=b: a @ b) * (64 + 3) / 64
        rows = rng.standard_normal((16, 4096)).astype(dtype)
        seconds = _best_of(lambda r=rows: np.fft.rfft(r, axis=-1, norm="ortho"))
        ffts[itemsize] = seconds / (16 * 4096 * 12) * 1e9
    lone = rng.standard_normal(16 * 4096)
    fft_lone = _best_of(lambda: np.fft.rfft(lone, norm="ortho")) / (16 * 4096 * 16) * 1e9 / ffts[8]
    src = rng.standard_normal((1, 1, 100_000))
    view = im2col.patch_view(src, (3,), (1,), (1,), (99_998,))
    buf = np.empty(view.shape)
    copy_bytes = buf.nbytes / _best_of(lambda: np.copyto(buf, view))
    x, w = rng.standard_normal((1, 1, 16)), rng.standard_normal((1, 1, 3))
    # the fixed costs: whole calls on a tiny problem (validation, padding, checks, the method)
    global _measuring
    _measuring = True          # the fft method consults the cost model: give it the defaults meanwhile
    try:
        calls = {m: _best_of(lambda m=m: conv1d(x, w, method=m), 20) for m in ("im2col", "fft")}
    finally:
        _measuring = False
    return Rates(gemm, copy_bytes, ffts, max(1.0, fft_lone), calls["im2col"], calls["fft"])


def rates() -> Rates:
    """The :class:`Rates` ``auto`` uses: :data:`DEFAULT`, or with ``CONVLAB_CALIBRATE=1``
    this machine's, measured on first use and then remembered."""
    wanted = os.environ.get("CONVLAB_CALIBRATE", "0").strip().lower() in ("1", "true", "yes", "on")
    if _measuring or not wanted:
        return DEFAULT
    return _measured()


@functools.lru_cache(maxsize=1)
def _measured() -> Rates:
    return measure()
