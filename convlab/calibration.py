"""The machine's speeds that the cost models behind ``method="auto"`` need.

``auto`` estimates the seconds each method would take (see
:mod:`convlab.cost`), and seconds depend on the machine: its GEMM peak,
how fast it copies memory and transforms, how much a Python-level call
costs. :data:`DEFAULT` holds those numbers as measured on the project's
machines with one BLAS thread, so that ``auto`` decides the same way on
every run. On another machine, turn on the setting ``calibrate``
(``convlab.set_options(calibrate=True)``, or the environment variable
``CONVLAB_CALIBRATE=1`` before the import) and they are measured instead,
once per process, the first time ``auto`` estimates (about 20 ms, one BLAS
thread); :func:`measure` shows what this machine would use.

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
import time
from dataclasses import dataclass

import numpy as np

from . import config
from ._chunks import patch_view
from ._validate.conv_geometry import Geometry
from .threads import limit_threads

__all__ = ["DEFAULT", "Rates", "measure", "rates"]


@dataclass(frozen=True)
class Rates:
    """Speeds of this machine, keyed by the itemsize of the real dtype (4 or 8).

    Rates are values: equal rates hash equal, so ``auto``'s remembered
    choices are keyed by them and new speeds take effect at once.

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
    call : dict
        Seconds, by method name: each registered method's kernel
        (``compute``) on a tiny 1-D problem, the fixed cost of a call
        (every method ``auto`` may pick has one).
    """

    gemm_flops: dict[int, float]
    copy_bytes: float
    fft_ns: dict[int, float]
    fft_lone: float
    call: dict[str, float]

    @property
    def im2col_call(self) -> float:
        """``call["im2col"]``."""
        return self.call["im2col"]

    @property
    def fft_call(self) -> float:
        """``call["fft"]``."""
        return self.call["fft"]

    def __hash__(self) -> int:
        return self._hash

    @functools.cached_property
    def _hash(self) -> int:
        return hash((tuple(sorted(self.gemm_flops.items())), self.copy_bytes,
                     tuple(sorted(self.fft_ns.items())), self.fft_lone, tuple(sorted(self.call.items()))))


#: Measured on the project's machines (x86-64, one BLAS thread, numpy 2.4). A method
#: ``auto`` may pick (:mod:`convlab.registry`) has its fixed cost of a call in ``call``.
DEFAULT = Rates(gemm_flops={4: 128e9, 8: 55e9}, copy_bytes=55e9, fft_ns={4: 0.10, 8: 0.16},
                fft_lone=1.65, call={"im2col": 3e-6, "fft": 20e-6})


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

    Raw numpy operations (a GEMM, a strided gather, batched and lone FFTs)
    and each method's kernel on a tiny problem; never the public API, so
    nothing here depends on the cost model being measured.

    Examples
    --------
    >>> from convlab import calibration
    >>> measured = calibration.measure()
    >>> measured.copy_bytes > 1e8 and measured.gemm_flops[8] > 1e8 and 0 < measured.im2col_call < 0.01
    True
    """
    with limit_threads(1):
        return _measure()


def _measure() -> Rates:
    rng = np.random.default_rng(0)
    gemm, ffts = {}, {}
    for itemsize, dtype in ((4, np.float32), (8, np.float64)):
        a = rng.standard_normal((64, 576)).astype(dtype)
        b = rng.standard_normal((576, 512)).astype(dtype)
        # a 64-row product runs at about 64/(64 + GEMM_HALF_M) of the peak (see convlab.cost)
        gemm[itemsize] = 2 * 64 * 576 * 512 / _best_of(lambda a=a, b=b: a @ b) * (64 + 3) / 64
        rows = rng.standard_normal((16, 4096)).astype(dtype)
        seconds = _best_of(lambda r=rows: np.fft.rfft(r, axis=-1, norm="ortho"))
        ffts[itemsize] = seconds / (16 * 4096 * 12) * 1e9
    lone = rng.standard_normal(16 * 4096)
    fft_lone = _best_of(lambda: np.fft.rfft(lone, norm="ortho")) / (16 * 4096 * 16) * 1e9 / ffts[8]
    src = rng.standard_normal((1, 1, 100_000))
    view = patch_view(src, (3,), (1,), (1,), (99_998,))
    buf = np.empty(view.shape)
    copy_bytes = buf.nbytes / _best_of(lambda: np.copyto(buf, view))
    # the fixed costs: each method auto may pick, its kernel on a tiny problem
    from . import registry  # the registry prices with Rates: imported on use
    x, w = rng.standard_normal((1, 1, 16)), rng.standard_normal((1, 1, 3))
    geom = Geometry((1,), ((0, 0),), (1,), 1, "zeros", (14,))
    calls = {name: _best_of(lambda m=record: m.compute(x, w, geom, None), 20)
             for name, record in registry.REGISTRY.items() if record.auto}
    return Rates(gemm, copy_bytes, ffts, max(1.0, fft_lone), calls)


def rates() -> Rates:
    """The :class:`Rates` ``auto`` uses: :data:`DEFAULT`, or with the setting ``calibrate``
    this machine's, measured on first use and then remembered."""
    return _measured() if config.current("calibrate") else DEFAULT


@functools.lru_cache(maxsize=1)
def _measured() -> Rates:
    return measure()


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
