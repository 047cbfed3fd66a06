"""``python -m benchmarks [--quick]``: see :mod:`benchmarks`.

Some machines set ``OPENBLAS_CORETYPE`` (and ``OPENBLAS_L2_SIZE``) to work
around bugs of older OpenBLAS builds; they pin numpy's current OpenBLAS to
older, slower kernels (on an AVX-512 machine, Haswell's: about two thirds of
the GEMM rate), which would compare convlab's GEMM-bound methods with torch
unfairly. The benchmark therefore runs itself again without them (tests and
CI keep them).
"""

import os
import sys

_PINNED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

if any(name in os.environ for name in _PINNED):
    env = {k: v for k, v in os.environ.items() if k not in _PINNED}
    env["CONVLAB_BENCH_UNPINNED"] = ",".join(f"{k}={os.environ[k]}" for k in _PINNED if k in os.environ)
    os.execve(sys.executable, [sys.executable, "-m", "benchmarks", *sys.argv[1:]], env)

from .run import main  # noqa: E402

sys.exit(main())
