"""Signal calls, ``correlate`` and ``convolve``: a whole call in normal form.

:func:`prepare_correlate`, which every such entry point calls *before* any
shortcut or dispatch, turns the call into a single-channel
:class:`~convlab._validate.Problem`: ``axes`` (:func:`correlate_axes`) and
the batch axes they leave become the batch, groups and channels of that
problem (:func:`_broadcast_batch`), and :class:`SignalLayout` maps the
result back.
"""

from __future__ import annotations

import math
import operator
from typing import NamedTuple

import numpy as np

from .arrays import as_array
from .conv_geometry import Geometry, geometry
from .problem import Problem, _finish, check_method
from .scalars import _is_int, choice

MODES = ("valid", "same", "full")


class SignalLayout(NamedTuple):
    """How a ``correlate``/``convolve`` result sits in its problem's ``(N, C_out, *out)``.

    The problem holds the caller's axes in the order ``x``'s batch axes
    (``w`` has size 1 there: the batch ``N``), the batch axes both share
    (one group each, ``C_in = groups``), ``w``'s batch axes (``x`` has size
    1 there: the output channels of a group), then the convolved axes.
    ``shape`` is the result with those axes apart, ``order`` the
    permutation back to the caller's order (``None``: already in order).
    """

    shape: tuple[int, ...]
    order: tuple[int, ...] | None

    def restore(self, y: np.ndarray) -> np.ndarray:
        """The caller's array from the problem's result ``y``."""
        y = y.reshape(self.shape)
        return y if self.order is None else np.ascontiguousarray(y.transpose(self.order))


def correlate_axes(value, ndim: int) -> tuple[int, ...]:
    """``axes`` of ``correlate``/``convolve``: the axes to convolve over, sorted.

    ``None`` means every axis; otherwise an int or a non-empty tuple or list
    of distinct ints in ``-ndim..ndim-1`` (negative ones count from the end,
    as in numpy and ``scipy.signal.fftconvolve``). ``TypeError`` for a value
    that is not an int, ``ValueError`` for an empty, out-of-range or
    repeated one.

    Examples
    --------
    >>> from convlab._validate import correlate_axes
    >>> correlate_axes(None, 3), correlate_axes(-1, 3), correlate_axes([2, 0], 3)
    ((0, 1, 2), (2,), (0, 2))
    >>> correlate_axes((0, -2), 2)
    Traceback (most recent call last):
    ...
    ValueError: axes must name distinct axes; got (0, -2), which names axis 0 twice for arrays of 2 dimensions
    """
    if value is None:
        return tuple(range(ndim))
    what = "None, an int or a non-empty tuple of distinct ints"
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    shown = tuple(value) if isinstance(value, list) else value
    for v in items:
        if not _is_int(v):
            raise TypeError(f"axes must be {what}; got {shown!r}, which holds {v!r} of type "
                            f"{type(v).__name__}")
    if not items:
        raise ValueError(f"axes must be {what}: at least one axis to convolve over; got {shown!r}")
    normal = []
    for v in map(operator.index, items):
        if not -ndim <= v < ndim:
            raise ValueError(f"axes must be ints in {-ndim}..{ndim - 1} for arrays of {ndim} "
                             f"dimensions; got {shown!r}, which holds {v} (x and w have {ndim} dimensions)")
        v %= ndim
        if v in normal:
            raise ValueError(f"axes must name distinct axes; got {shown!r}, which names axis {v} "
                             f"twice for arrays of {ndim} dimensions")
        normal.append(v)
    return tuple(sorted(normal))


#: The calls :func:`convlab.explain_method` describes, and the default mode of each signal call.
EXPLAINED_OPS = ("conv", "correlate", "convolve")
SIGNAL_DEFAULT_MODES = {"correlate": "valid", "convolve": "full"}
#: The layer call's own arguments, at their defaults: a signal call takes none of them.
LAYER_DEFAULTS = {"bias": None, "stride": 1, "padding": 0, "dilation": 1, "groups": 1,
                  "padding_mode": "zeros"}


def explained_call(op, mode, axes, layer_arguments: dict) -> tuple[str, str | None]:
    """Which call ``explain_method``/``choose_method`` describe: ``(op, mode)``.

    ``op`` is ``"conv"`` (the layer, ``convnd``), ``"correlate"`` or
    ``"convolve"``; ``None`` means ``"correlate"`` when ``mode`` or ``axes``
    is given (a signal call, as ``scipy.signal.choose_conv_method`` takes)
    and ``"conv"`` otherwise. A signal call's ``mode`` defaults to its
    function's (``valid`` for correlate, ``full`` for convolve). A layer call
    takes no ``mode`` or ``axes``, a signal call none of the layer's
    arguments (``layer_arguments``, by name, left at their defaults):
    ``ValueError`` naming the first one given.

    Examples
    --------
    >>> from convlab._validate import explained_call
    >>> explained_call(None, "same", None, {}), explained_call("convolve", None, None, {})
    (('correlate', 'same'), ('convolve', 'full'))
    >>> explained_call(None, None, None, {"stride": 2})
    ('conv', None)
    >>> explained_call(None, "same", None, {"stride": 2})      # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: stride belongs to a layer call (convnd); a correlate call ... takes none; got stride=2
    """
    if op is not None:
        op = choice("op", op, EXPLAINED_OPS)
    elif mode is not None or axes is not None:
        op = "correlate"
    else:
        op = "conv"
    if op == "conv":
        for name, value in (("mode", mode), ("axes", axes)):
            if value is not None:
                raise ValueError(f"{name} belongs to a correlate/convolve call (op='correlate' or "
                                 f"op='convolve'); a layer call (op='conv') takes none; got {name}={value!r}")
        return op, None
    for name, value in layer_arguments.items():
        default = LAYER_DEFAULTS[name]
        if not (value is default or (type(value) is type(default) and value == default)):
            raise ValueError(f"{name} belongs to a layer call (convnd); a {op} call (op={op!r}, or mode= or "
                             f"axes= given) takes none; got {name}={value!r}")
    return op, SIGNAL_DEFAULT_MODES[op] if mode is None else mode


def prepare_correlate(x, w, mode, method, axes=None) -> tuple[Problem, SignalLayout]:
    """Validate a ``correlate``/``convolve`` call: the single-channel
    :class:`Problem` (batched over the axes not in ``axes``) and the
    :class:`SignalLayout` of its result.

    On each axis in ``axes`` (default: all), of sizes ``n`` in ``x`` and
    ``k`` in ``w``, the result has ``n - k + 1`` (``valid``, which needs
    ``k <= n``), ``n`` (``same``) or ``n + k - 1`` (``full``) cells when
    ``n >= 1``, and none in every mode when ``n == 0``: an empty signal
    has no sample to overlap the kernel with. The other axes broadcast as
    in ``scipy.signal.fftconvolve``: equal sizes, or size 1 in ``x`` or in
    ``w``. ``w`` must not be empty.
    """
    x = as_array("x", x)
    w = as_array("w", w)
    mode = choice("mode", mode, MODES)
    method = check_method(method)
    if x.ndim == 0 or w.ndim == 0:
        raise ValueError(
            f"x and w must be at least 1-D; got x of shape {x.shape} and w of shape {w.shape}"
        )
    if x.ndim != w.ndim:
        raise ValueError(
            f"x and w must have the same number of dimensions; got x of shape {x.shape} "
            f"and w of shape {w.shape}"
        )
    if w.size == 0:
        raise ValueError(f"w must not be empty; got shape {w.shape}")
    conv_axes = correlate_axes(axes, x.ndim)
    if len(conv_axes) == x.ndim:
        xs, ws, groups, batch, order = x[np.newaxis, np.newaxis], w[np.newaxis, np.newaxis], 1, (), None
    else:
        xs, ws, groups, batch, order = _broadcast_batch(x, w, conv_axes)
    n_shape, k_shape = xs.shape[2:], ws.shape[2:]
    if mode == "valid":
        for a, n, k in zip(conv_axes, n_shape, k_shape):
            if n and k > n:
                raise ValueError(
                    f"kernel too large: mode='valid' needs w no larger than x on every convolved "
                    f"axis; on axis {a} w has size {k} but x has size {n}"
                )
        pads = ((0, 0),) * len(k_shape)
    elif mode == "same":      # scipy's centring: 'same' is full[(k-1)//2 : (k-1)//2 + n]
        pads = tuple((k - 1 - (k - 1) // 2, (k - 1) // 2) for k in k_shape)
    else:
        pads = tuple((k - 1, k - 1) for k in k_shape)
    if 0 in n_shape:          # an empty signal: no cell on that axis, in every mode
        pads = tuple((0, 0) if n == 0 else p for n, p in zip(n_shape, pads))
        out = tuple(n + lo + hi - k + 1 if n else 0 for n, k, (lo, hi) in zip(n_shape, k_shape, pads))
        nd = len(n_shape)
        geom = Geometry((1,) * nd, pads, (1,) * nd, groups, "zeros", out)
    else:
        geom = geometry(n_shape, k_shape, 1, pads, 1, "zeros", groups)
    layout = SignalLayout(batch + geom.out_spatial, order)
    return _finish(xs, ws, None, geom, method), layout


def _broadcast_batch(x: np.ndarray, w: np.ndarray, conv_axes: tuple[int, ...]):
    """``x`` and ``w`` as ``(N, groups, *n)`` and ``(groups * C_out_g, 1, *k)``:
    the axes not convolved over become the batch (``x``'s alone), the groups
    (both operands') and each group's output channels (``w``'s alone)."""
    alone_x, shared, alone_w = [], [], []
    for a in range(x.ndim):
        if a in conv_axes:
            continue
        n, m = x.shape[a], w.shape[a]
        if m == 1:
            alone_x.append(a)
        elif n == 1:
            alone_w.append(a)
        elif n == m:
            shared.append(a)
        else:
            raise ValueError(
                f"x and w must have equal sizes, or size 1 in one of them, on every axis not "
                f"in axes={conv_axes} (they broadcast there, as in scipy.signal.fftconvolve); "
                f"got x of shape {x.shape} and w of shape {w.shape}, sizes {n} and {m} on axis {a}"
            )
    conv = list(conv_axes)
    n_shape, k_shape = tuple(x.shape[a] for a in conv), tuple(w.shape[a] for a in conv)
    groups = math.prod(x.shape[a] for a in shared)
    xs = x.transpose(alone_x + shared + alone_w + conv).reshape(
        (math.prod(x.shape[a] for a in alone_x), groups, *n_shape))
    ws = w.transpose(shared + alone_w + alone_x + conv).reshape(
        (groups * math.prod(w.shape[a] for a in alone_w), 1, *k_shape))
    held = alone_x + shared + alone_w + conv
    batch = tuple(x.shape[a] for a in alone_x + shared) + tuple(w.shape[a] for a in alone_w)
    order = tuple(int(i) for i in np.argsort(held))
    return xs, ws, groups, batch, None if held == sorted(held) else order
