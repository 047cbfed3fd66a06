"""Package-wide settings, in numpy's pattern: a getter, a setter, a context manager.

* ``im2col_max_bytes`` caps the extra memory of the ``im2col`` method: the
  column matrix is built and multiplied in chunks no larger than this
  (default :data:`DEFAULT_IM2COL_MAX_BYTES`, 256 MiB). Max pooling and its
  gradient (:mod:`convlab.pooling`) keep their scratch under it too.
* ``workspace_bytes`` caps the scratch memory each thread keeps between
  calls, so that large intermediates are not allocated (and their pages
  faulted in) afresh every time (default :data:`DEFAULT_WORKSPACE_BYTES`,
  64 MiB; 0 turns the reuse off): see :mod:`convlab.workspace`.
* ``calibrate``: whether ``auto``'s cost model prices methods with this
  machine's speeds, measured once on first use (``True``), or with the
  speeds measured on the project's machines (``False``, the default, so
  that ``auto`` decides the same way everywhere); see
  :mod:`convlab.calibration`. Its starting value comes from the environment
  variable ``CONVLAB_CALIBRATE`` (``1``, ``true``, ``yes`` or ``on``).
* ``memory_limit_bytes``: the most memory one call may allocate for its
  result and its largest scratch buffer (``None``, the default: the memory
  available now, ``MemAvailable`` of ``/proc/meminfo``); a larger request is
  a ``MemoryError`` raised before anything is allocated. See
  :mod:`convlab._validate.sizes`.
* ``loop_warn_seconds``: an explicit ``method="loop"`` (the formula, one
  Python multiply-add at a time) warns, pointing at the caller's line, when
  the cost model estimates the call at more than this many seconds
  (default :data:`DEFAULT_LOOP_WARN_SECONDS`, 10 s; ``None``: never warn).
  The warning is a ``RuntimeWarning`` with the estimate and the advice
  (``method="auto"``); Python's default filter shows it once per call site.
* ``workers``: how many threads one call may run its independent parts on
  (chunks, groups, FFT rows, pooling chunks), in scipy.fft's convention: a
  positive int is that many, ``-1`` (the default) every core this process
  may use, ``-2`` all but one, and so on; ``1`` runs everything on the
  calling thread. numpy's BLAS is pinned to one thread while the parts run,
  so that the two never oversubscribe the cores; a result is the same for
  every value (see :mod:`convlab._pool`).

Examples
--------
>>> import numpy as np, convlab
>>> convlab.get_options()["im2col_max_bytes"] == convlab.config.DEFAULT_IM2COL_MAX_BYTES
True
>>> with convlab.options(im2col_max_bytes=1024):        # tiny chunks, the same result
...     convlab.conv1d(np.ones((1, 1, 100)), np.ones((1, 1, 3)), method="im2col").shape
(1, 1, 98)
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading
from collections.abc import Iterator

import numpy as np

from ._validate import flag, non_negative_int, positive_int, real_number

__all__ = ["DEFAULT_IM2COL_MAX_BYTES", "DEFAULT_LOOP_WARN_SECONDS", "DEFAULT_WORKSPACE_BYTES", "current",
           "get_options", "options", "set_options"]

DEFAULT_IM2COL_MAX_BYTES = 256 * 2**20
DEFAULT_WORKSPACE_BYTES = 64 * 2**20
DEFAULT_LOOP_WARN_SECONDS = 10.0


def _optional_bytes(name: str, value) -> int | None:
    return None if value is None else positive_int(name, value)


def _seconds_or_none(name: str, value) -> float | None:
    return None if value is None else real_number(name, value, "a positive number of seconds, or None "
                                                  "for no warning", low=0)


def _workers(name: str, value) -> int:
    from ._pool import MAX_THREADS, cores

    n = cores()
    allowed = (f"a positive int up to {MAX_THREADS} (that many threads) or an int from -1 to -{n} "
               f"(-1 every core, -2 all but one, ...; this process may use {n})")
    if not isinstance(value, int | np.integer) or isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be {allowed}; got {value!r} of type {type(value).__name__}")
    if value == 0 or value < -n or value > MAX_THREADS:
        raise ValueError(f"{name} must be {allowed}; got {value}")
    return int(value)


_CHECKS = {"im2col_max_bytes": positive_int, "workspace_bytes": non_negative_int, "calibrate": flag,
           "loop_warn_seconds": _seconds_or_none, "memory_limit_bytes": _optional_bytes, "workers": _workers}
#: The process-wide settings: what every thread and task sees outside an :func:`options` block.
_settings: dict[str, object] = {
    "im2col_max_bytes": DEFAULT_IM2COL_MAX_BYTES,
    "workspace_bytes": DEFAULT_WORKSPACE_BYTES,
    "calibrate": os.environ.get("CONVLAB_CALIBRATE", "0").strip().lower() in ("1", "true", "yes", "on"),
    "loop_warn_seconds": DEFAULT_LOOP_WARN_SECONDS,
    "memory_limit_bytes": None,
    "workers": -1,
}
_lock = threading.Lock()
#: Inside an :func:`options` block: every setting as that block (and the ``set_options``
#: calls inside it) left it, in this context only (a thread, an asyncio task); else None.
_scoped: contextvars.ContextVar[dict[str, object] | None] = contextvars.ContextVar(
    "convlab_options", default=None)


def get_options() -> dict[str, object]:
    """The current settings, as a new dict (changing it changes nothing).

    Examples
    --------
    >>> import convlab
    >>> sorted(convlab.get_options())
    ['calibrate', 'im2col_max_bytes', 'loop_warn_seconds', 'memory_limit_bytes', 'workers',
     'workspace_bytes']
    """
    return dict(_scoped.get() or _settings)


def current(name: str):
    """One setting's value, without copying them all (for the package's hot paths)."""
    return (_scoped.get() or _settings)[name]


def _checked(settings: dict) -> dict:
    unknown = sorted(set(settings) - set(_CHECKS))
    if unknown:
        raise TypeError(f"set_options got unknown setting {unknown[0]!r}; the settings are {tuple(_CHECKS)}")
    return {name: _CHECKS[name](name, value) for name, value in settings.items()}


def set_options(**settings) -> None:
    """Change settings by name (``TypeError`` for an unknown name, as for any keyword).

    Outside an :func:`options` block the change is process-wide (every
    thread sees it); inside one it lasts until the block ends, and only the
    thread or asyncio task running the block sees it.

    Examples
    --------
    >>> import convlab
    >>> convlab.set_options(im2col_max_bytes=64 * 2**20)
    >>> convlab.get_options()["im2col_max_bytes"]
    67108864
    >>> convlab.set_options(im2col_max_bytes=convlab.config.DEFAULT_IM2COL_MAX_BYTES)
    """
    checked = _checked(settings)
    scoped = _scoped.get()
    if scoped is not None:
        _scoped.set({**scoped, **checked})
        return
    with _lock:
        _settings.update(checked)


@contextlib.contextmanager
def options(**settings) -> Iterator[None]:
    """Change settings for the duration of a ``with`` block (see :func:`set_options`).

    The change is seen only by the code the block runs, in its own thread or
    asyncio task (a context variable, as numpy's ``errstate``): blocks in two
    threads never see each other's values, however they overlap.

    Examples
    --------
    >>> import convlab
    >>> with convlab.options(im2col_max_bytes=4096):
    ...     convlab.get_options()["im2col_max_bytes"]
    4096
    """
    token = _scoped.set({**(_scoped.get() or _settings), **_checked(settings)})
    try:
        yield
    finally:
        _scoped.reset(token)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
