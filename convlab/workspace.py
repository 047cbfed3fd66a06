"""Scratch arrays lent out and given back, so that memory is reused from one call to the next.

A method's large intermediates (an FFT's padded rows and spectra, their
product) live only during one call. Allocated afresh each time, they can
cost more than their arithmetic: glibc hands a freed block of a few MiB
back to the kernel, and the next call's first writes fault every page in
again (on the project's machine a 512 x 576 spectrum took 1.6 ms from
reused memory and 5.7 ms from fresh). Each thread therefore keeps a small
pool: :func:`take` lends an array, :func:`give` takes it back once it is
dead, and the next :func:`take` hands out the buffer given back most
recently that is large enough, which is also the one most likely to be
in the cache, as a fresh allocation from a warm heap would be. Between
calls the pool keeps at most the setting ``workspace_bytes`` of given-back
buffers (:mod:`convlab.config`; 0 keeps none, and then :func:`take` is
``np.empty``). Arrays returned to a caller are never lent ones.

Examples
--------
>>> import numpy as np
>>> from convlab import workspace
>>> a = workspace.take((2, 3), np.float64)
>>> workspace.give(a)                                # a is dead from here on
>>> b = workspace.take((3, 2), np.float64)           # the same memory, reshaped
>>> np.shares_memory(a, b), b.shape
(True, (3, 2))
>>> workspace.give(b)
>>> c = workspace.take((2, 2), np.float64, zero=True)
>>> c
array([[0., 0.],
       [0., 0.]])
>>> workspace.give(c)
"""

from __future__ import annotations

import math
import threading
import weakref

import numpy as np

from . import config

__all__ = ["cached_bytes", "give", "take"]

_ALIGN = 64                      # bytes: a cache line, and AVX-512's alignment
_local = threading.local()


class _Pool:
    """One thread's buffers: ``free`` (given back, most recent last, with the offset of
    their aligned start) and ``lent`` (out now, held weakly: a buffer lost to an
    exception is simply collected)."""

    __slots__ = ("free", "free_bytes", "lent")

    def __init__(self) -> None:
        self.free: list[tuple[np.ndarray, int]] = []
        self.free_bytes = 0
        self.lent: weakref.WeakValueDictionary[int, np.ndarray] = weakref.WeakValueDictionary()

    def trim(self, limit: int) -> None:
        """Let the least recently given back buffers go until at most ``limit`` bytes stay free."""
        while self.free_bytes > limit:
            buf, _ = self.free.pop(0)
            self.free_bytes -= buf.nbytes


def _pool() -> _Pool:
    pool = getattr(_local, "pool", None)
    if pool is None:
        pool = _local.pool = _Pool()
    return pool


def cached_bytes() -> int:
    """Bytes this thread's pool holds now: kept free for the next call, or lent out.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab import workspace
    >>> a = workspace.take((1000,), np.float64)
    >>> workspace.cached_bytes() >= a.nbytes          # lent out now
    True
    >>> workspace.give(a)
    """
    pool = _pool()
    pool.trim(config.current("workspace_bytes"))
    return pool.free_bytes + sum(b.nbytes for b in pool.lent.values())


def take(shape: tuple[int, ...], dtype, *, zero: bool = False) -> np.ndarray:
    """An array of ``shape`` and ``dtype`` (uninitialised unless ``zero``), on the buffer
    given back most recently that is large enough, or on a new one."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    limit = config.current("workspace_bytes")
    if not limit or dtype.hasobject:           # objects (SymPy) are never laid over raw bytes
        return np.zeros(shape, dtype) if zero else np.empty(shape, dtype)
    pool = _pool()
    if pool.free_bytes > limit:                                   # the limit was lowered since
        pool.trim(limit)
    free = pool.free
    for i in range(len(free) - 1, -1, -1):                      # most recently given back first
        if free[i][0].nbytes - free[i][1] >= nbytes:
            buf, start = free.pop(i)
            pool.free_bytes -= buf.nbytes
            break
    else:
        buf = np.empty(nbytes + _ALIGN, np.uint8)
        start = -buf.ctypes.data % _ALIGN
    pool.lent[id(buf)] = buf
    out = buf[start: start + nbytes].view(dtype).reshape(shape)
    if zero:
        out.fill(0)
    return out


def give(*arrays: np.ndarray) -> None:
    """Give lent arrays back (others, and arrays given twice, are ignored); none of them,
    nor any view of them, may be used afterwards. The pool keeps at most
    ``workspace_bytes`` of them for the next :func:`take`."""
    pool = _pool()
    limit = config.current("workspace_bytes")
    for a in arrays:
        base = a.base if isinstance(a, np.ndarray) else None
        while base is not None and pool.lent.get(id(base)) is not base:
            base = base.base
        if base is None:
            continue
        del pool.lent[id(base)]
        if base.nbytes <= limit:
            pool.free.append((base, -base.ctypes.data % _ALIGN))
            pool.free_bytes += base.nbytes
            pool.trim(limit)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
