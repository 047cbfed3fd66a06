"""Package-wide tunables.

``IM2COL_MAX_BYTES`` caps the extra memory of the ``im2col`` method: the
column matrix is built and multiplied in chunks no larger than this.
Change it with :func:`set_im2col_memory` or temporarily with :func:`options`.
"""

from __future__ import annotations

import contextlib
import numbers

DEFAULT_IM2COL_MAX_BYTES = 256 * 2**20
_settings = {"im2col_max_bytes": DEFAULT_IM2COL_MAX_BYTES}


def im2col_max_bytes() -> int:
    """The current cap, in bytes, on the im2col column buffer."""
    return _settings["im2col_max_bytes"]


def set_im2col_memory(max_bytes: int) -> None:
    """Set the cap on the im2col column buffer.

    Examples
    --------
    >>> import convlab
    >>> convlab.set_im2col_memory(64 * 2**20)
    >>> convlab.im2col_max_bytes()
    67108864
    >>> convlab.set_im2col_memory(convlab.config.DEFAULT_IM2COL_MAX_BYTES)
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, numbers.Integral):
        raise TypeError(f"max_bytes must be a positive int; got {max_bytes!r}")
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be a positive int; got {max_bytes}")
    _settings["im2col_max_bytes"] = int(max_bytes)


@contextlib.contextmanager
def options(*, im2col_max_bytes: int | None = None):
    """Temporarily change settings.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> with convlab.options(im2col_max_bytes=1024):
    ...     convlab.conv1d(np.ones((1, 1, 100)), np.ones((1, 1, 3)), method="im2col").shape
    (1, 1, 98)
    """
    old = dict(_settings)
    try:
        if im2col_max_bytes is not None:
            set_im2col_memory(im2col_max_bytes)
        yield
    finally:
        _settings.update(old)
