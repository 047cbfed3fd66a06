"""Pinning the math libraries to a number of threads, for fair timings.

Timings are only comparable when every library runs on the same number of
threads; :func:`limit_threads` pins numpy's (and scipy's) OpenBLAS or MKL and,
if it is imported, torch.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import sys
from collections.abc import Callable, Iterator

import numpy as np

from . import config
from ._validate import positive_int

__all__ = ["blas_kernels", "blas_setters", "limit_threads"]

_BLAS_SETTERS = (
    ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
    ("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
    ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
    ("openblas_set_num_threads", "openblas_get_num_threads"),
    ("MKL_Set_Num_Threads", "MKL_Get_Max_Threads"),
)


def _blas_libraries() -> Iterator[tuple[Callable, Callable]]:
    """(set, get) thread functions of every BLAS library loaded in this process (Linux)."""
    for lib in _blas_handles():
        for setter, getter in _BLAS_SETTERS:
            if hasattr(lib, setter) and hasattr(lib, getter):
                yield getattr(lib, setter), getattr(lib, getter)
                break


@functools.cache
def blas_setters() -> tuple[tuple[Callable, Callable], ...]:
    """The (set, get) thread functions of every BLAS library loaded, found once.

    numpy's BLAS is loaded with numpy, so the first answer stays right; found
    once, pinning costs a ctypes call (:mod:`convlab._pool` pins it per call).
    """
    np.dot(np.ones((2, 2)), np.ones((2, 2)))       # make sure numpy's BLAS is loaded
    return tuple(_blas_libraries())


def _blas_handles() -> Iterator[ctypes.CDLL]:
    """Every OpenBLAS or MKL library loaded in this process (Linux: from /proc/self/maps)."""
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
            yield ctypes.CDLL(path)
        except OSError:
            continue


def blas_kernels() -> str:
    """The kernels numpy's OpenBLAS runs (its core name, e.g. ``'SkylakeX'``), or ``''``
    when that cannot be told (another BLAS, or not Linux).

    Examples
    --------
    >>> from convlab.threads import blas_kernels
    >>> isinstance(blas_kernels(), str)
    True
    """
    np.dot(np.ones((2, 2)), np.ones((2, 2)))       # make sure numpy's BLAS is loaded
    for lib in _blas_handles():
        for name in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename",
                     "openblas_get_corename64_", "openblas_get_corename"):
            if hasattr(lib, name):
                getter = getattr(lib, name)
                getter.restype = ctypes.c_char_p
                return getter().decode()
    return ""


@contextlib.contextmanager
def limit_threads(n: int = 1):
    """Run the block with convlab, BLAS (and torch, if imported) limited to ``n`` threads.

    Sets convlab's own ``workers`` to ``n`` for the block (an
    :func:`convlab.options` block: this thread or task only), pins every
    OpenBLAS or MKL library that numpy (or scipy) loaded, and
    ``torch.set_num_threads`` when torch is already imported; restores the
    previous settings afterwards. numpy's FFT is single-threaded anyway.
    Yields the number of BLAS libraries that were pinned (0 if none could be
    found, e.g. off Linux, in which case nothing changes).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.threads import limit_threads
    >>> import convlab
    >>> with limit_threads(1) as pinned:
    ...     _ = np.ones((50, 50)) @ np.ones((50, 50))
    ...     convlab.get_options()["workers"]
    1
    >>> pinned >= 0
    True
    """
    n = positive_int("n", n)
    libs = blas_setters()
    before = [int(get()) for _, get in libs]
    torch = sys.modules.get("torch")
    torch_before = torch.get_num_threads() if torch is not None else None
    try:
        for set_, _ in libs:
            set_(n)
        if torch is not None:
            torch.set_num_threads(n)
        with config.options(workers=n):
            yield len(libs)
    finally:
        for (set_, _), old in zip(libs, before):
            set_(old)
        if torch is not None:
            torch.set_num_threads(torch_before)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
