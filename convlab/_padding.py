"""Explicit padding of the spatial axes, for every ``padding_mode``."""

from __future__ import annotations

import numpy as np

_NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(x: np.ndarray, pairs, padding_mode: str) -> np.ndarray:
    """Pad the spatial axes of ``x`` (N, C, *spatial) by ``(before, after)`` pairs.

    Returns ``x`` itself when there is nothing to pad (it is never written to).
    """
    if not any(lo or hi for lo, hi in pairs):
        return x
    width = [(0, 0), (0, 0), *pairs]
    mode = _NUMPY_MODE[padding_mode]
    if mode == "constant":
        return np.pad(x, width, mode=mode, constant_values=0)
    return np.pad(x, width, mode=mode)
