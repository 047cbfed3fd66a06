"""Fair timings of convolution methods: interleaved repeats, medians, ratios.

The book's timing plots (:mod:`convlab.sweeps`) and the ``benchmarks``
table both time with :func:`measure`, so both measure the same way:

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
(:func:`convlab.threads.limit_threads`) it equals the wall time on an idle machine, but it
does not count the time the process waited while *other* processes ran. Use
``clock="wall"`` for wall time (needed to time several threads fairly).

Nothing here asserts a speed: tests check the plumbing, not the machine.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ._validate import choice, positive_int

__all__ = ["CLOCKS", "Timing", "format_seconds", "measure"]

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
    repeat = positive_int("repeat", repeat)
    now = CLOCKS[choice("clock", clock, tuple(CLOCKS))]
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


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
