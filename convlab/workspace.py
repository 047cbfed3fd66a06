"""Scratch arrays reused from one call to the next.

A method's large intermediates (an FFT's padded rows and spectra, their
product) live only during one call. Allocated afresh each time, they cost
more than their arithmetic on some machines: glibc hands a freed block of a
few MiB back to the kernel, and the next call's first writes fault every
page in again. On the project's machine a 512 x 576 spectrum took 1.6 ms
from reused buffers and 5.7 ms from fresh ones. So each thread keeps its
intermediates between calls, one buffer per *role* (a name the method picks;
buffers alive at the same time have different roles), up to the setting
``workspace_bytes`` in all (:mod:`convlab.config`; 0 turns reuse off).
Arrays returned to the caller never come from here.

Examples
--------
>>> import numpy as np
>>> from convlab import workspace
>>> a = workspace.scratch("demo", (2, 3), np.float64)
>>> b = workspace.scratch("demo", (3, 2), np.float64)      # the same memory, reshaped
>>> np.shares_memory(a, b), a.shape, b.shape
(True, (2, 3), (3, 2))
>>> workspace.scratch("demo", (2, 2), np.float64, zero=True)
array([[0., 0.],
       [0., 0.]])
"""

from __future__ import annotations

import math
import threading

import numpy as np

from . import config

_local = threading.local()
_ALIGN = 64                                  # bytes: a cache line, and AVX-512's alignment


def _buffers() -> dict[str, np.ndarray]:
    buffers = getattr(_local, "buffers", None)
    if buffers is None:
        buffers = _local.buffers = {}
    return buffers


def cached_bytes() -> int:
    """Bytes this thread keeps for reuse now.

    Examples
    --------
    >>> import convlab
    >>> from convlab import workspace
    >>> with convlab.options(workspace_bytes=0):
    ...     workspace.cached_bytes()
    0
    """
    limit = config.current("workspace_bytes")
    buffers = _buffers()
    if sum(b.nbytes for b in buffers.values()) > limit:
        buffers.clear()
    return sum(b.nbytes for b in buffers.values())


def scratch(role: str, shape: tuple[int, ...], dtype, *, zero: bool = False) -> np.ndarray:
    """An array of ``shape`` and ``dtype`` for the intermediate ``role`` (uninitialised
    unless ``zero``): a view of this thread's buffer for that role, grown when too
    small, or a fresh array when keeping it would pass ``workspace_bytes``.

    The previous array of the same role is overwritten: a caller holds one
    per role at a time and never returns it.
    """
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    buffers = _buffers()
    held = buffers.get(role)
    if held is None or held.nbytes - _ALIGN < nbytes:
        others = cached_bytes() - (held.nbytes if held is not None and role in buffers else 0)
        if others + nbytes + _ALIGN > config.current("workspace_bytes"):
            buffers.pop(role, None)
            return np.zeros(shape, dtype) if zero else np.empty(shape, dtype)
        held = buffers[role] = np.empty(nbytes + _ALIGN, np.uint8)
    start = -held.ctypes.data % _ALIGN
    out = held[start: start + nbytes].view(dtype).reshape(shape)
    if zero:
        out.fill(0)
    return out
