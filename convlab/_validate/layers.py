"""Deep-learning layer calls: the convolution and the transposed convolution.

:func:`prepare_conv` and :func:`prepare_transposed` validate a whole call,
every public entry point *before* any shortcut or dispatch, so all methods
see the same normalised :class:`~convlab._validate.Problem` and raise the
same errors. The ranks of a layer's arrays (:func:`_layer_shapes`, built on
:func:`_kernel_rank` and :func:`_data_rank`, which the gradients share) and
its channels and groups (:func:`_channels`) are checked here.
"""

from __future__ import annotations

import math

import numpy as np

from .arrays import as_array, check_integer_range
from .conv_geometry import _plain, geometry
from .problem import Problem, _below_size_rule, _finish, _registry, check_method
from .scalars import positive_int
from .transposed import transposed_geometry


def _kernel_rank(name: str, w: np.ndarray, nd: int, axes: str) -> None:
    """Check that the kernel ``w`` has ``nd + 2`` axes, ``(*axes, *k)``."""
    if w.ndim != nd + 2:
        raise ValueError(
            f"{name} must have shape ({axes}, {', '.join(['k'] * nd)}) with {nd + 2} "
            f"dimensions; got shape {w.shape}"
        )


def _data_rank(name: str, a: np.ndarray, nd: int, channels: str, spatial: str, *,
               unbatched: bool = False) -> bool:
    """Check that ``a`` is ``(N, channels, *spatial)`` (``unbatched``: or
    ``(channels, *spatial)``) for an ``nd``-d convolution; True when it is unbatched."""
    shape = f"(N, {channels}, *{spatial})"
    ranks = (nd + 1, nd + 2) if unbatched else (nd + 2,)
    if a.ndim not in ranks:
        shown = f"{shape} or ({channels}, *{spatial})" if unbatched else shape
        dims = f"{nd + 2} or {nd + 1}" if unbatched else f"{nd + 2}"
        raise ValueError(
            f"{name} must have shape {shown} with {dims} dimensions for a {nd}-d convolution; "
            f"got shape {a.shape}"
        )
    return a.ndim == nd + 1


def _layer_shapes(x: np.ndarray, w: np.ndarray, nd: int, w_axes: str = "C_out, C_in/groups") -> bool:
    """Check the ranks of ``x`` and ``w`` for an ``nd``-d layer; True when ``x`` is unbatched."""
    _kernel_rank("w", w, nd, w_axes)
    return _data_rank("x", x, nd, "C_in", "spatial", unbatched=True)


def _channels(c_in: int, c_out: int, w_shape: tuple[int, ...], groups) -> int:
    """Validate ``groups`` against the channel counts; returns it as an int."""
    groups = groups if type(groups) is int and groups >= 1 else positive_int("groups", groups)
    if c_in % groups:
        raise ValueError(f"groups={groups} must divide the input channels C_in={c_in}")
    if c_out % groups:
        raise ValueError(f"groups={groups} must divide the output channels C_out={c_out} (w.shape[0])")
    if w_shape[1] * groups != c_in:
        raise ValueError(
            f"channel mismatch: x has C_in={c_in} channels, so w.shape[1] must be "
            f"C_in/groups={c_in // groups}; got w of shape {w_shape}"
        )
    if 0 in w_shape[2:]:
        raise ValueError(f"w must have a kernel of at least 1 element per spatial axis; got shape {w_shape}")
    return groups


#: What :func:`prepare_conv` found for a call signature (the arrays' shapes and dtypes and the
#: other arguments, all plain): (the registry it was checked against, the geometry, the result
#: dtype, whether ``x`` is unbatched). Only calls whose checks read shapes, dtypes and plain
#: arguments alone are remembered: numeric ndarrays (an object array's elements are checked),
#: plain ints, strs and tuples of them (a bool or a float is refused, and would equal an int as
#: a key; a list is no key) and a
#: result below the size rule's threshold (the memory available is read afresh each time).
_prepared: dict[tuple, tuple] = {}
_new_problem = tuple.__new__         # Problem(...) without NamedTuple's Python-level __new__


def prepare_conv(x, w, bias, *, nd: int, stride, padding, dilation, groups,
                 padding_mode, method) -> tuple[Problem, bool]:
    """Validate a deep-learning convolution call; returns the problem and
    whether the input was unbatched.

    A repeated call with the same shapes, dtypes and plain arguments is answered from
    :data:`_prepared`: everything it checks depends on those alone, but for the integer
    overflow rule, which reads the values and runs every time.
    """
    key = None
    if (type(x) is np.ndarray and type(w) is np.ndarray and (bias is None or type(bias) is np.ndarray)
            and (type(stride) is int and type(padding) is int and type(dilation) is int
                 or _plain((stride, padding, dilation)))
            and type(groups) is int and type(padding_mode) is str and type(method) is str):
        x_dtype, w_dtype = x.dtype, w.dtype
        if x_dtype.kind in "iufc" and w_dtype.kind in "iufc":
            if bias is None:
                key = (nd, x.shape, x_dtype, w.shape, w_dtype, None, stride, padding, dilation, groups,
                       padding_mode, method)
            elif bias.dtype.kind in "iufc":
                key = (nd, x.shape, x_dtype, w.shape, w_dtype, bias.shape, bias.dtype, stride, padding,
                       dilation, groups, padding_mode, method)
            if key is not None:
                hit = _prepared.get(key)
                if hit is not None and hit[0] is _registry().REGISTRY:
                    _, geom, dtype, unbatched = hit
                    if unbatched:
                        x = x[np.newaxis]
                    if dtype.kind == "i":
                        check_integer_range(x, w, bias, w[0].size if w.shape[0] else 0)
                    return _new_problem(Problem, (x, w, bias, geom, method, dtype)), unbatched
    problem, unbatched = _prepare_conv(x, w, bias, nd, stride, padding, dilation, groups, padding_mode,
                                       method)
    if key is not None and _below_size_rule(problem):
        if len(_prepared) >= 4096:
            _prepared.clear()
        _prepared[key] = (_registry().REGISTRY, problem.geometry, problem.dtype, unbatched)
    return problem, unbatched


def _prepare_conv(x, w, bias, nd, stride, padding, dilation, groups, padding_mode, method):
    x = as_array("x", x)
    w = as_array("w", w)
    bias = as_array("bias", bias, allow_none=True)
    unbatched = _layer_shapes(x, w, nd)
    if unbatched:
        x = x[np.newaxis]
    method = check_method(method)
    groups = _channels(x.shape[1], w.shape[0], w.shape, groups)
    if bias is not None and bias.shape != (w.shape[0],):
        raise ValueError(f"bias must have shape (C_out,) = ({w.shape[0]},); got shape {bias.shape}")
    geom = geometry(x.shape[2:], w.shape[2:], stride, padding, dilation, padding_mode, groups)
    return _finish(x, w, bias, geom, method), unbatched


def prepare_transposed(x, w, bias, *, nd: int, stride, padding, output_padding, dilation, groups,
                       method) -> tuple[Problem, bool]:
    """Validate a transposed convolution call; returns the problem and whether
    the input was unbatched.

    ``x`` is ``(N, C_in, *spatial)`` or ``(C_in, *spatial)``, ``w`` is
    ``(C_in, C_out/groups, *k)``: the weight of the convolution it is the
    adjoint of. The same dtype rules, method names and integer overflow check
    as :func:`prepare_conv`.
    """
    x = as_array("x", x)
    w = as_array("w", w)
    bias = as_array("bias", bias, allow_none=True)
    unbatched = _layer_shapes(x, w, nd, w_axes="C_in, C_out/groups")
    if unbatched:
        x = x[np.newaxis]
    method = check_method(method)
    c_in = x.shape[1]
    groups = groups if type(groups) is int and groups >= 1 else positive_int("groups", groups)
    if w.shape[0] != c_in:
        raise ValueError(
            f"channel mismatch: x has C_in={c_in} channels, so w.shape[0] must be C_in={c_in} "
            f"(a transposed convolution's weight is (C_in, C_out/groups, *k)); got w of shape {w.shape}"
        )
    if c_in % groups:
        raise ValueError(f"groups={groups} must divide the input channels C_in={c_in} (w.shape[0])")
    if 0 in w.shape[2:]:
        raise ValueError(f"w must have a kernel of at least 1 element per spatial axis; got shape {w.shape}")
    c_out = w.shape[1] * groups
    if bias is not None and bias.shape != (c_out,):
        raise ValueError(
            f"bias must have shape (C_out,) = ({c_out},), C_out = w.shape[1] * groups; got shape {bias.shape}"
        )
    geom = transposed_geometry(x.shape[2:], w.shape[2:], stride, padding, output_padding, dilation, groups)
    fan_in = c_in // groups * math.prod(w.shape[2:])
    return _finish(x, w, bias, geom, method, fan_in), unbatched
