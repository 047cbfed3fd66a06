"""Explicit padding of the spatial axes, for every ``padding_mode``.

Each mode is ``numpy.pad``'s, on a row ``a b c d`` padded by 2 on each side:

========== ============== ===================
mode        numpy.pad      padded row
========== ============== ===================
zeros       ``constant``   ``0 0 | a b c d | 0 0``
reflect     ``reflect``    ``c b | a b c d | c b``  (edge not repeated; at most n - 1)
symmetric   ``symmetric``  ``b a | a b c d | d c``  (edge repeated; any width)
replicate   ``edge``       ``a a | a b c d | d d``  (any width)
circular    ``wrap``       ``c d | a b c d | a b``  (any width, wrapping repeatedly)
========== ============== ===================

Wider than the row, ``symmetric`` and ``circular`` repeat their pattern, as
``numpy.pad`` does; the limits are checked by :func:`convlab._validate.geometry`.
"""

from __future__ import annotations

import numpy as np

_NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap",
               "symmetric": "symmetric"}


def pad(x: np.ndarray, pairs, padding_mode: str) -> np.ndarray:
    """Pad the spatial axes of ``x`` (N, C, *spatial) by ``(before, after)`` pairs.

    Returns ``x`` itself when there is nothing to pad (it is never written to).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._padding import pad
    >>> x = np.arange(1, 4).reshape(1, 1, 3)
    >>> pad(x, ((2, 2),), "symmetric")[0, 0], pad(x, ((4, 0),), "circular")[0, 0]
    (array([2, 1, 1, 2, 3, 3, 2]), array([3, 1, 2, 3, 1, 2, 3]))
    """
    if not any(lo or hi for lo, hi in pairs):
        return x
    width = [(0, 0), (0, 0), *pairs]
    mode = _NUMPY_MODE[padding_mode]
    if mode == "constant":           # zeros and one copy: numpy.pad's generic path costs ~0.1 ms more
        out = np.zeros(x.shape[:2] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], pairs)),
                       dtype=x.dtype)
        out[(Ellipsis, *(slice(lo, lo + n) for n, (lo, _) in zip(x.shape[2:], pairs)))] = x
        return out
    return np.pad(x, width, mode=mode)
