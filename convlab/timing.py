"""Fair timings of convolution methods: interleaved repeats, medians, ratios.

The book's timing plots and the ``benchmarks`` table are produced by this
module, so both measure the same way:

* every candidate is run once untimed (warm-up: page faults, caches, plans);
* then ``repeat`` rounds, each timing every candidate once, in turn
  (*interleaved*), so a burst of load on a shared machine hits all
  candidates alike instead of one; each timed call comes right after an
  untimed call of the same candidate, so that it does not pay for the
  caches and freed memory another candidate left behind (a large FFT, say,
  returning its memory to the system makes the next call fault in fresh
  pages);
* the summary is the **median** of the rounds; ratios are of medians taken
  in the same process.

The clock is, by default, the CPU time of the process
(:func:`time.process_time`): with the math libraries pinned to one thread
(:func:`limit_threads`) it equals the wall time on an idle machine, but it
does not count the time the process waited while *other* processes ran. Use
``clock="wall"`` for wall time (needed to time several threads fairly).

Nothing here asserts a speed: tests check the plumbing, not the machine.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


@dataclass(frozen=True)
class Timing:
    """The timings of one candidate, in seconds.

    ``times`` holds one entry per timed round; ``median`` is their median.
    ``truncated`` is True when the candidate exceeded the time ``budget`` of
    :func:`measure` on its warm-up run and was then timed only once.
    """

    times: tuple[float, ...]
    truncated: bool = False

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else math.nan

    def __str__(self) -> str:
        return f"{format_seconds(self.median)}{' (1 run)' if self.truncated else ''}"


def format_seconds(t: float) -> str:
    """A duration with a unit that keeps three significant digits.

    Examples
    --------
    >>> from convlab.timing import format_seconds
    >>> format_seconds(0.00123), format_seconds(2.5), format_seconds(4.2e-7)
    ('1.23 ms', '2.5 s', '420 ns')
    """
    if not math.isfinite(t):
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t * 1e9:.3g} ns"


def measure(candidates: Mapping[str, Callable[[], object]], *, repeat: int = 5,
            budget: float | None = None, clock: str = "cpu") -> dict[str, Timing]:
    """Time several zero-argument callables, interleaved; see the module docs.

    Parameters
    ----------
    candidates : mapping of name to callable
        Each is called with no argument; its result is discarded.
    repeat : int
        Timed rounds (after one warm-up round).
    budget : float, optional
        Seconds. A candidate whose warm-up took longer is not run again:
        its warm-up time is its only timing (``Timing.truncated``).
    clock : {"cpu", "wall"}
        Process CPU time or wall-clock time.

    Returns
    -------
    dict of name to :class:`Timing`

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.timing import measure
    >>> a = np.ones(1000)
    >>> result = measure({"sum": a.sum, "sort": lambda: np.sort(a)}, repeat=3)
    >>> sorted(result), len(result["sum"].times)
    (['sort', 'sum'], 3)
    """
    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise ValueError(f"repeat must be a positive int; got {repeat!r}")
    if clock not in CLOCKS:
        raise ValueError(f"clock must be one of {tuple(CLOCKS)}; got {clock!r}")
    now = CLOCKS[clock]
    times: dict[str, list[float]] = {name: [] for name in candidates}
    truncated = set()
    for name, fn in candidates.items():             # warm-up round
        t0 = now()
        fn()
        elapsed = now() - t0
        if budget is not None and elapsed > budget:
            truncated.add(name)
            times[name].append(elapsed)
    for _ in range(repeat):
        for name, fn in candidates.items():
            if name in truncated:
                continue
            if len(candidates) > 1:
                fn()          # untimed twin: the timed call inherits its own caches, not another's
            t0 = now()
            fn()
            times[name].append(now() - t0)
    return {name: Timing(tuple(ts), name in truncated) for name, ts in times.items()}


# --------------------------------------------------------------------------
# threads
# --------------------------------------------------------------------------

_BLAS_SETTERS = (
    ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
    ("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
    ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
    ("openblas_set_num_threads", "openblas_get_num_threads"),
    ("MKL_Set_Num_Threads", "MKL_Get_Max_Threads"),
)


def _blas_libraries() -> Iterator[tuple[Callable, Callable]]:
    """(set, get) thread functions of every BLAS library loaded in this process (Linux)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if ".so" in line and "/" in line}
    except OSError:          # not Linux: nothing found, nothing pinned
        return
    for path in sorted(paths):
        name = path.rsplit("/", 1)[-1].lower()
        if not any(tag in name for tag in ("openblas", "mkl_rt", "libmkl")):
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for setter, getter in _BLAS_SETTERS:
            if hasattr(lib, setter) and hasattr(lib, getter):
                yield getattr(lib, setter), getattr(lib, getter)
                break


@contextlib.contextmanager
def limit_threads(n: int = 1):
    """Run the block with BLAS (and torch, if imported) limited to ``n`` threads.

    Pins every OpenBLAS or MKL library that numpy (or scipy) loaded, and
    ``torch.set_num_threads`` when torch is already imported; restores the
    previous settings afterwards. numpy's FFT is single-threaded anyway.
    Yields the number of BLAS libraries that were pinned (0 if none could be
    found, e.g. off Linux, in which case nothing changes).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.timing import limit_threads
    >>> with limit_threads(1) as pinned:
    ...     _ = np.ones((50, 50)) @ np.ones((50, 50))
    >>> pinned >= 0
    True
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int; got {n!r}")
    np.dot(np.ones((2, 2)), np.ones((2, 2)))       # make sure numpy's BLAS is loaded
    libs = list(_blas_libraries())
    before = [int(get()) for _, get in libs]
    torch = sys.modules.get("torch")
    torch_before = torch.get_num_threads() if torch is not None else None
    try:
        for set_, _ in libs:
            set_(n)
        if torch is not None:
            torch.set_num_threads(n)
        yield len(libs)
    finally:
        for (set_, _), old in zip(libs, before):
            set_(old)
        if torch is not None:
            torch.set_num_threads(torch_before)


# --------------------------------------------------------------------------
# what the book plots
# --------------------------------------------------------------------------

def gemm_rate(m: int, k: int, n: int, dtype=np.float64, *, repeat: int = 5, clock: str = "cpu") -> float:
    """Floating-point operations per second of numpy's ``(m, k) @ (k, n)``.

    ``2*m*k*n`` flops over the median time: the "GEMM peak" that im2col is
    measured against.

    Examples
    --------
    >>> from convlab.timing import gemm_rate
    >>> gemm_rate(64, 64, 64, repeat=2) > 0
    True
    """
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    t = measure({"gemm": lambda: a @ b}, repeat=repeat, clock=clock)["gemm"].median
    return 2.0 * m * k * n / t


@dataclass(frozen=True)
class Sweep:
    """Median times of several methods over one varying size.

    ``times[method][i]`` is the median time at ``sizes[i]`` (NaN where the
    method was skipped); ``label`` names the size (e.g. ``"kernel size k"``).
    """

    label: str
    sizes: tuple[int, ...]
    times: dict[str, tuple[float, ...]]
    shapes: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = field(default=())

    def fastest(self) -> tuple[str, ...]:
        """The fastest method at each size."""
        names = list(self.times)
        return tuple(min(names, key=lambda m: _nan_last(self.times[m][i])) for i in range(len(self.sizes)))

    def crossover(self, a: str, b: str) -> int | None:
        """The first size at which ``b`` is faster than ``a`` (None if never)."""
        for i, size in enumerate(self.sizes):
            if self.times[b][i] < self.times[a][i]:
                return size
        return None


def _nan_last(t: float) -> float:
    return math.inf if math.isnan(t) else t


def kernel_sweep(x_shape: Sequence[int], kernel_sizes: Sequence[int], *, c_out: int = 1,
                 methods: Sequence[str] = ("im2col", "fft"), dtype=np.float64, repeat: int = 3,
                 budget: float | None = None, clock: str = "cpu", seed: int = 0) -> Sweep:
    """Time ``convnd`` by each method for square kernels of growing size.

    The input is ``x_shape = (N, C, *spatial)``; the kernel is
    ``(c_out, C, k, ..., k)`` for each ``k`` in ``kernel_sizes``, valid
    padding. Kernels larger than the input are skipped.

    Examples
    --------
    >>> from convlab.timing import kernel_sweep
    >>> sweep = kernel_sweep((1, 1, 64), [3, 33], repeat=1)
    >>> sweep.sizes, sorted(sweep.times), len(sweep.fastest())
    ((3, 33), ['fft', 'im2col'], 2)
    """
    from .conv import convnd

    rng = np.random.default_rng(seed)
    x = rng.standard_normal(tuple(x_shape)).astype(dtype)
    nd = len(x_shape) - 2
    sizes = [int(k) for k in kernel_sizes if all(k <= n for n in x_shape[2:])]
    times: dict[str, list[float]] = {m: [] for m in methods}
    shapes = []
    for k in sizes:
        w = rng.standard_normal((c_out, x_shape[1]) + (k,) * nd).astype(dtype)
        shapes.append((tuple(x.shape), tuple(w.shape)))
        result = measure({m: (lambda m=m, w=w: convnd(x, w, method=m)) for m in methods},
                         repeat=repeat, budget=budget, clock=clock)
        for m in methods:
            times[m].append(result[m].median)
    return Sweep("kernel size k", tuple(sizes), {m: tuple(v) for m, v in times.items()}, tuple(shapes))


def ns_per_mac(x_shape: Sequence[int], w_shape: Sequence[int], method: str = "loop", *,
               repeat: int = 3, clock: str = "cpu", seed: int = 0) -> float:
    """Nanoseconds per multiply-add of ``convnd(x, w, method=method)``, valid padding.

    Examples
    --------
    >>> from convlab.timing import ns_per_mac
    >>> ns_per_mac((1, 1, 20), (1, 1, 3), repeat=1) > 0
    True
    """
    from .conv import convnd
    from .shapes import conv_output_shape

    rng = np.random.default_rng(seed)
    x = rng.standard_normal(tuple(x_shape))
    w = rng.standard_normal(tuple(w_shape))
    out = conv_output_shape(x_shape, w_shape)
    macs = x_shape[0] * math.prod(w_shape) * math.prod(out)
    t = measure({method: lambda: convnd(x, w, method=method)}, repeat=repeat, clock=clock)[method].median
    return t / macs * 1e9
