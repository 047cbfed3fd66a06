"""``correlation_lags``: which displacement each output of a 1-D correlation measures.

``scipy.signal.correlation_lags`` for convlab: the cross-correlation
``z = correlate(x, y, mode)`` of ``x`` (``in1_len`` cells) with ``y``
(``in2_len`` cells) has, at index ``k``, the sum ::

    z[k] = sum_n x[n + lags[k]] * conj(y[n])

over the ``n`` where both exist, so ``lags[argmax(z)]`` is the shift that
best aligns ``y`` with ``x`` (a copy of ``y`` starting at cell ``d`` of
``x`` peaks at lag ``d``).
"""

from __future__ import annotations

import numpy as np

from ._validate import MODES, choice, positive_int
from ._validate.sizes import check_allocation

__all__ = ["correlation_lags"]


def correlation_lags(in1_len: int, in2_len: int, mode: str = "full") -> np.ndarray:
    """The lag of each output of a 1-D cross-correlation, as ``scipy.signal.correlation_lags``.

    Output ``k`` of ``correlate(x, y, mode)``, ``x`` of ``in1_len`` cells
    and ``y`` of ``in2_len``, is ``sum_n x[n + lags[k]] * conj(y[n])``: the
    correlation with ``y`` moved ``lags[k]`` cells along ``x``.

    Parameters
    ----------
    in1_len, in2_len : int
        The lengths of the two signals, positive (an empty signal has no
        lag: :func:`convlab.correlate` returns an empty array for it in
        every mode, which scipy's lags do not describe).
    mode : {"full", "same", "valid"}
        As given to the correlation (the default is scipy's ``"full"``;
        :func:`convlab.correlate`'s is ``"valid"``). ``"full"``:
        ``-(in2_len - 1)`` to ``in1_len - 1``; ``"valid"``: ``0`` to
        ``in1_len - in2_len``, or, when ``y`` is the longer, ``in1_len -
        in2_len`` to ``0`` (the lags of ``scipy.signal.correlate``, which
        then swaps its inputs; :func:`convlab.correlate` refuses a kernel
        longer than the signal in ``"valid"``); ``"same"``: ``in1_len`` lags
        from the middle of ``"full"``'s (see Notes).

    Returns
    -------
    numpy.ndarray
        ``int64``, one lag per output of the correlation.

    Notes
    -----
    The ``"same"`` lags are scipy's, exactly, and scipy's place their window
    in ``"full"``'s as ``scipy.signal.correlate`` (and
    :func:`convlab.correlate`) place the ``"same"`` output only when
    ``in1_len`` is even or ``in2_len`` odd. For an odd ``in1_len`` and an
    even ``in2_len`` each of scipy's ``"same"`` lags is one more than the
    lag of that output of either correlation: there, the lag of output ``k``
    is ``correlation_lags(in1_len, in2_len)[(in2_len - 1) // 2 + k]``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([0.0, 0.0, 1.0, 2.0, 1.0, 0.0])      # y below, starting at cell 2
    >>> y = np.array([1.0, 2.0, 1.0])
    >>> z = convlab.correlate(x, y, "full")
    >>> lags = convlab.correlation_lags(len(x), len(y))
    >>> lags
    array([-2, -1,  0,  1,  2,  3,  4,  5])
    >>> int(lags[np.argmax(z)])
    2
    >>> convlab.correlation_lags(6, 3, "valid"), convlab.correlation_lags(3, 6, "valid")
    (array([0, 1, 2, 3]), array([-3, -2, -1,  0]))
    >>> convlab.correlation_lags(6, 3, "same")
    array([-1,  0,  1,  2,  3,  4])
    """
    in1_len = positive_int("in1_len", in1_len)
    in2_len = positive_int("in2_len", in2_len)
    mode = choice("mode", mode, MODES)
    check_allocation(f"in1_len={in1_len} and in2_len={in2_len}", (in1_len + in2_len - 1,), 8)
    full = np.arange(1 - in2_len, in1_len, dtype=np.int64)
    if mode == "full":
        return full
    if mode == "valid":
        bound = in1_len - in2_len
        return np.arange(bound + 1, dtype=np.int64) if bound >= 0 else np.arange(bound, 1, dtype=np.int64)
    # "same": in1_len lags around the middle of full's, as scipy takes them
    first = full.size // 2 - in1_len // 2
    return full[first:first + in1_len].copy()


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
