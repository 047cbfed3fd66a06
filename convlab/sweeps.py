"""The book's timing experiments: GEMM peak, kernel-size sweeps, cost per multiply-add.

Chapter 6 plots these; they are built on :func:`convlab.timing.measure`,
and nothing in the package's core depends on them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .conv import convnd
from .shapes import conv_output_shape
from .timing import measure

__all__ = ["Sweep", "gemm_rate", "kernel_sweep", "ns_per_mac", "winograd_split"]


def gemm_rate(m: int, k: int, n: int, dtype=np.float64, *, repeat: int = 5, clock: str = "cpu") -> float:
    """Floating-point operations per second of numpy's ``(m, k) @ (k, n)``.

    ``2*m*k*n`` flops over the median time: the "GEMM peak" that im2col is
    measured against.

    Examples
    --------
    >>> from convlab.sweeps import gemm_rate
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
    >>> from convlab.sweeps import kernel_sweep
    >>> sweep = kernel_sweep((1, 1, 64), [3, 33], repeat=1)
    >>> sweep.sizes, sorted(sweep.times), len(sweep.fastest())
    ((3, 33), ['fft', 'im2col'], 2)
    """
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
    >>> from convlab.sweeps import ns_per_mac
    >>> ns_per_mac((1, 1, 20), (1, 1, 3), repeat=1) > 0
    True
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(tuple(x_shape))
    w = rng.standard_normal(tuple(w_shape))
    out = conv_output_shape(x_shape, w_shape)
    macs = x_shape[0] * math.prod(w_shape) * math.prod(out)
    t = measure({method: lambda: convnd(x, w, method=method)}, repeat=repeat, clock=clock)[method].median
    return t / macs * 1e9


def winograd_split(x_shape: Sequence[int], w_shape: Sequence[int], *, padding: int = 1, dtype=np.float32,
                   repeat: int = 5, clock: str = "cpu", seed: int = 0) -> dict[str, float]:
    """Median seconds of one ``method="winograd"`` 2-D layer and of its stages.

    A seeded input ``x_shape = (N, C_in, H, W)`` and weight ``w_shape =
    (C_out, C_in, 3, 3)`` of ``dtype``, stride 1 and zero ``padding``, timed
    as :func:`convlab.timing.measure` times (``repeat`` rounds after a
    warm-up). Returns the whole call (``"whole call"``) and, from the same
    calls, the process CPU seconds of its stages: the filter transform
    (``"filters"``), the input and output transforms with the gathers and the
    copy into place (``"transforms"``) and the ``alpha**2`` channel GEMMs
    (``"gemm"``; ``alpha = m + 2`` the input tile's side, as chapter 6 writes
    it), medians over the timed rounds. The stages are what the method's
    kernel does, run serially on the calling thread (process CPU time would
    otherwise sum the pool's threads); the whole call, measured by the
    ``clock``, adds nothing to it (no validation), so the stages sum to about
    it on one thread (``convlab.threads.limit_threads(1)``).

    Examples
    --------
    >>> from convlab.sweeps import winograd_split
    >>> split = winograd_split((1, 4, 12, 12), (4, 4, 3, 3), repeat=1)
    >>> sorted(split)
    ['filters', 'gemm', 'transforms', 'whole call']
    """
    from ._validate import prepare_conv
    from .methods import winograd

    rng = np.random.default_rng(seed)
    x = rng.standard_normal(tuple(x_shape)).astype(dtype)
    w = rng.standard_normal(tuple(w_shape)).astype(dtype)
    problem, _ = prepare_conv(x, w, None, nd=2, stride=1, padding=padding, dilation=1, groups=1,
                              padding_mode="zeros", method="winograd")
    runs: list[dict[str, float]] = []

    def call():
        split: dict[str, float] = {}
        winograd.compute(problem.x, problem.w, problem.geometry, split=split)
        runs.append(split)

    total = measure({"winograd": call}, repeat=repeat, clock=clock)["winograd"].median
    timed = runs[1:] or runs                               # the warm-up round is not timed
    return {"whole call": total, **{k: float(np.median([r[k] for r in timed])) for k in runs[-1]}}


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
