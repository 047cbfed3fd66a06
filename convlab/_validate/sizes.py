"""The size rule: nothing sized by an argument is allocated before it is known to fit.

Every function that allocates an array whose size comes from its arguments
(a convolution's output and its method's largest scratch buffer, a
transposed convolution's, ``unfold``'s columns, ``fold``'s and the
pooling functions' results, an ``input_size`` or ``output_size``) asks
:func:`check_allocation` first, with the shape, the bytes per element, the
scratch bytes beside it and the argument that made it that large:

* a size no machine could hold -- more elements than ``numpy.intp`` can
  index, or ``2**63`` bytes and more -- is a ``ValueError`` naming that
  argument;
* a size larger than the memory available now (:func:`available_bytes`:
  ``MemAvailable`` of ``/proc/meminfo``, else ``os.sysconf``'s available
  pages; the setting ``memory_limit_bytes`` overrides both) is a
  ``MemoryError`` naming the argument, the shape and the bytes, raised
  before anything is allocated (numpy would try, and fail only when the
  memory runs out, or after seconds of work on another buffer);
* anything else is allowed.

Requests below :data:`SMALL_BYTES` are never compared with the memory
available (reading it costs more than a small convolution).
"""

from __future__ import annotations

import math
import os

import numpy as np

#: Requests smaller than this are allowed without reading the memory available.
SMALL_BYTES = 64 * 2**20

#: The most elements (and bytes) any array can have: numpy indexes with ``intp``.
MAX_ELEMENTS = int(np.iinfo(np.intp).max)
MAX_BYTES = 2**63


def available_bytes() -> int | None:
    """The memory a new allocation may take now, in bytes (None: unknown).

    The setting ``memory_limit_bytes`` if set (:mod:`convlab.config`); else
    ``MemAvailable`` of ``/proc/meminfo`` (Linux: free memory plus the page
    cache that can be dropped); else the available physical pages of
    ``os.sysconf``.

    Examples
    --------
    >>> import convlab
    >>> from convlab._validate.sizes import available_bytes
    >>> with convlab.options(memory_limit_bytes=2**30):
    ...     available_bytes()
    1073741824
    """
    from .. import config  # (config validates its settings with this package: read it late)

    limit = config.current("memory_limit_bytes")
    if limit is not None:
        return limit
    try:
        with open("/proc/meminfo", "rb") as f:
            for line in f:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):        # pragma: no cover - not on Linux or macOS
        return None


def format_bytes(n: int) -> str:
    """``n`` bytes for a reader: ``'745 GiB'``, ``'6.0 GiB'``, ``'512 KiB'``.

    Examples
    --------
    >>> from convlab._validate.sizes import format_bytes
    >>> format_bytes(800 * 10**9), format_bytes(3 * 2**29), format_bytes(100)
    ('745 GiB', '1.5 GiB', '100 bytes')
    """
    if n >= 2**1000:                        # past any float: the power of ten
        return f"about 10**{len(str(n)) - 1} bytes"
    for unit, scale in (("EiB", 2**60), ("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20),
                        ("KiB", 2**10)):
        if n >= scale:
            value = n / scale
            return f"{value:.3g} {unit}" if value < 100 or value >= 1000 else f"{value:.0f} {unit}"
    return f"{n} bytes"


def check_allocation(cause, shape: tuple[int, ...], itemsize: int, *, workspace: int = 0,
                     what: str = "the result", method: str | None = None) -> None:
    """Raise unless an array of ``shape`` and ``itemsize`` (and ``workspace`` bytes of
    scratch beside it) can be allocated (see the module docs for the rule).

    ``cause`` names the argument that made it this large, as the user wrote it
    (``"padding=1000000000000"``, ``"x of shape (8, 64, 224, 224) and w of
    shape (64, 64, 3, 3)"``), or is a function returning that (called only
    to raise); ``what`` what is allocated; ``method`` the method whose
    scratch ``workspace`` is.

    Examples
    --------
    >>> from convlab._validate.sizes import check_allocation
    >>> check_allocation("padding=3", (1, 1, 10), 8)               # fits
    >>> check_allocation("padding=10**12", (2 * 10**12, 2 * 10**12), 8)   # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: padding=10**12 gives the result a shape (2000000000000, 2000000000000) of ... elements ...
    """
    elements = math.prod(shape)
    result = elements * itemsize
    total = result + workspace
    if total < SMALL_BYTES:
        return
    if callable(cause):
        cause = cause()
    scratch = "" if not workspace else (f", and {format_bytes(workspace)} ({workspace} bytes) of scratch"
                                        + (f" for method={method!r}" if method else ""))
    if elements > MAX_ELEMENTS or total >= MAX_BYTES:
        raise ValueError(
            f"{cause} gives {what} a shape {tuple(shape)} of {elements} elements, {format_bytes(result)} "
            f"({result} bytes){scratch}: more than any machine can hold (numpy indexes at most 2**63 - 1 "
            f"elements or bytes)"
        )
    available = available_bytes()
    if available is not None and total > available:
        raise MemoryError(
            f"{what} of shape {tuple(shape)} would take {format_bytes(result)} ({result} bytes){scratch}, "
            f"more than the {format_bytes(available)} ({available} bytes) of memory available now, because "
            f"of {cause} (nothing was allocated; the limit is MemAvailable, or the setting "
            f"memory_limit_bytes)"
        )


def shown(value) -> str:
    """An argument's value as a message shows it: its repr, shortened past 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


__all__ = ["MAX_BYTES", "MAX_ELEMENTS", "SMALL_BYTES", "available_bytes", "check_allocation", "format_bytes",
           "shown"]
