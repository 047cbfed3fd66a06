"""convlab's benchmark: its three methods beside torch, scipy and numpy's GEMM.

Run from the repository root::

    python -m benchmarks            # the full table (a few minutes)
    python -m benchmarks --quick    # fewer repeats and cases skipped by estimate (< 2 minutes)
    make bench BENCH_ARGS=--quick

Everything runs in one process. Each case times every candidate in
interleaved rounds and reports medians (:func:`convlab.timing.measure`);
ratios are of medians from the same rounds. Math libraries are pinned to
one thread (``--threads``) with :func:`convlab.threads.limit_threads`, which
sets numpy's OpenBLAS and ``torch.set_num_threads`` alike, and convlab's own
pool with its ``workers`` setting (numpy's FFT is single-threaded; scipy's
too unless told). The clock is the process CPU time (``--clock wall`` for
wall time), so other processes on a shared machine cost us little. Then the
deep layers and the FFT rows run again on every core, on the wall clock:
convlab at ``workers=-1``, numpy's BLAS and torch at their default threads,
scipy's FFT convolutions under ``scipy.fft.set_workers(-1)``
(``--no-all-cores`` skips that pass). torch and scipy are optional: a missing one leaves its
columns empty, with a note.
"""

from .cases import CASES, Case
from .run import main

__all__ = ["CASES", "Case", "main"]
