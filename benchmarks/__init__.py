"""convlab's benchmark: its three methods beside torch, scipy and numpy's GEMM.

Run from the repository root::

    python -m benchmarks            # the full table (a few minutes)
    python -m benchmarks --quick    # fewer repeats and cases skipped by estimate (< 2 minutes)
    make bench BENCH_ARGS=--quick

Everything runs in one process. Each case times every candidate in
interleaved rounds and reports medians (:func:`convlab.timing.measure`);
ratios are of medians from the same rounds. Math libraries are pinned to
one thread (``--threads``) with :func:`convlab.threads.limit_threads`, which
sets numpy's OpenBLAS and ``torch.set_num_threads`` alike (numpy's and
scipy's FFTs are single-threaded anyway). The clock is the process CPU time
(``--clock wall`` for wall time), so other processes on a shared machine
cost us little. torch and scipy are optional: a missing one leaves its
columns empty, with a note.
"""

from .cases import CASES, Case
from .run import main

__all__ = ["CASES", "Case", "main"]
