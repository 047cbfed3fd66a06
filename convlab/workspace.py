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
in the cache, as a fresh allocation from a warm heap would be. The pool
holds at most the setting ``workspace_bytes`` (:mod:`convlab.config`; 0
turns it off, and then :func:`take` is ``np.empty``). Arrays returned to a
caller are never lent ones.

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

_ALIGN = 64                      # bytes: a cache line, and AVX-512's alignment
_local = threading.local()


class _Pool:
    """One thread's buffers: ``free`` (given back, most recent last) and ``lent``
    (out, held weakly: a buffer lost to an exception is simply collected)."""

    def __init__(self) -> None:
        self.free: list[np.ndarray] = []
        self.lent: weakref.WeakValueDictionary[int, np.ndarray] = weakref.WeakValueDictionary()

    def held(self) -> int:
        return sum(b.nbytes for b in self.free) + sum(b.nbytes for b in self.lent.values())


def _pool() -> _Pool:
    pool = getattr(_local, "pool", None)
    if pool is None:
        pool = _local.pool = _Pool()
    return pool


def cached_bytes() -> int:
    """Bytes this thread's pool holds now, lent or free.

    Examples
    --------
    >>> import convlab
    >>> from convlab import workspace
    >>> with convlab.options(workspace_bytes=0):
    ...     workspace.cached_bytes()
    0
    """
    pool = _pool()
    if pool.held() > config.current("workspace_bytes"):
        pool.free.clear()
    return pool.held()


def take(shape: tuple[int, ...], dtype, *, zero: bool = False) -> np.ndarray:
    """An array of ``shape`` and ``dtype`` (uninitialised unless ``zero``), lent from the
    pool, or a fresh one when lending it would pass ``workspace_bytes``."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    limit = config.current("workspace_bytes")
    pool = _pool()
    buf = None
    for i in range(len(pool.free) - 1, -1, -1):              # most recently given back first
        if pool.free[i].nbytes - _ALIGN >= nbytes:
            buf = pool.free.pop(i)
            break
    if buf is None:
        while pool.free and pool.held() + nbytes + _ALIGN > limit:
            pool.free.pop(0)                                  # the least recently used goes first
        if pool.held() + nbytes + _ALIGN > limit:
            return np.zeros(shape, dtype) if zero else np.empty(shape, dtype)
        buf = np.empty(nbytes + _ALIGN, np.uint8)
    elif pool.held() > limit:                                 # the limit was lowered since
        pool.free.clear()
        return np.zeros(shape, dtype) if zero else np.empty(shape, dtype)
    pool.lent[id(buf)] = buf
    start = -buf.ctypes.data % _ALIGN
    out = buf[start: start + nbytes].view(dtype).reshape(shape)
    if zero:
        out.fill(0)
    return out


def give(*arrays: np.ndarray) -> None:
    """Give lent arrays back (others, and arrays given twice, are ignored); none of them,
    nor any view of them, may be used afterwards."""
    pool = _pool()
    for a in arrays:
        base = a.base if isinstance(a, np.ndarray) else None
        while base is not None and pool.lent.get(id(base)) is not base:
            base = base.base
        if base is not None:
            del pool.lent[id(base)]
            pool.free.append(base)
