"""Gradients of a convolution (:mod:`convlab.grad`): the sizes and arrays they take.

:func:`prepare_input_grad` (``input_size``, ``weight``, ``grad_output``) and
:func:`prepare_weight_grad` (``input``, ``weight_size``, ``grad_output``),
checked with the ranks of a layer's arrays and the forward convolution's
:class:`~convlab._validate.Geometry`.
"""

from __future__ import annotations

import numpy as np

from .._shape_core import span as kernel_span
from .arrays import as_array
from .conv_geometry import Geometry, geometry
from .layers import _data_rank, _kernel_rank
from .problem import check_method
from .scalars import _as_int, positive_int, sequence_items


def _size_sequence(name: str, value, lengths: tuple[int, ...], what: str) -> tuple[int, ...]:
    """``value`` as a tuple of ints with one of the ``lengths`` (a shape: tuple, list, torch.Size)."""
    items = tuple(_as_int(name, v, what) for v in sequence_items(name, value, what))
    if len(items) not in lengths:
        raise ValueError(f"{name} must be {what}; got {items!r} of length {len(items)}")
    return items


def _grad_output(grad_output, n_batch: int, c_out: int, geom: Geometry, context: str) -> None:
    """Check that ``grad_output`` has the shape of the convolution's output."""
    want = (n_batch, c_out, *geom.out_spatial)
    if grad_output.shape != want:
        raise ValueError(
            f"grad_output must have the shape of the convolution's output (N, C_out, *out) = {want} "
            f"for {context}, stride={geom.stride}, padding={geom.padding} and dilation={geom.dilation}; "
            f"got shape {grad_output.shape}"
        )


def _grad_method(method, *arrays) -> str:
    """The method name (what the method supports is checked with the problem it runs)."""
    return check_method(method)


def _grad_shapes(nd: int, grad_output: np.ndarray, *, weight: np.ndarray | None = None,
                 input: np.ndarray | None = None) -> None:
    """Check the ranks of a gradient's arrays, the layer's checks (:func:`_layer_shapes`):
    ``weight`` (``(C_out, C_in/groups, *k)``) or ``input`` (``(N, C_in, *spatial)``,
    batched), then ``grad_output`` (``(N, C_out, *out)``)."""
    if weight is not None:
        _kernel_rank("weight", weight, nd, "C_out, C_in/groups")
    if input is not None:
        _data_rank("input", input, nd, "C_in", "spatial")
    _data_rank("grad_output", grad_output, nd, "C_out", "out")


def prepare_input_grad(input_size, weight, grad_output, nd: int, stride, padding, dilation, groups, method):
    """Validate a call of ``convlab.grad.conv{nd}d_input``.

    ``input_size`` is ``(N, C_in, *spatial)`` or the spatial shape alone,
    ``weight`` ``(C_out, C_in/groups, *k)`` and ``grad_output`` the shape of
    the convolution's output. Returns ``(weight, grad_output, geometry,
    output_padding, method)``: the arrays, the forward convolution's
    :class:`Geometry`, and the ``output_padding`` of the transposed
    convolution that gives back ``input_size`` (the cells of the input past
    the last window, per axis).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._validate import prepare_input_grad
    >>> _, _, g, extra, _ = prepare_input_grad((10,), np.ones((1, 1, 3)), np.ones((1, 1, 4)), 1, 2, 0, 1,
    ...                                        1, "auto")
    >>> g.out_spatial, extra            # windows at 0, 2, 4, 6 end at 8: input cell 9 is read by none
    ((4,), (1,))
    """
    weight = as_array("weight", weight)
    grad_output = as_array("grad_output", grad_output)
    method = _grad_method(method, weight, grad_output)
    _grad_shapes(nd, grad_output, weight=weight)
    what = f"a shape of {nd + 2} ints (N, C_in, *spatial) or of {nd} ints (the spatial shape)"
    size = _size_sequence("input_size", input_size, (nd, nd + 2), what)
    groups = positive_int("groups", groups)
    c_out, c_in = weight.shape[0], weight.shape[1] * groups
    n_batch = grad_output.shape[0]
    if len(size) == nd + 2:
        if size[0] != n_batch or size[1] != c_in:
            raise ValueError(
                f"input_size {size} must be (N, C_in, *spatial) with N={n_batch} (grad_output.shape[0]) "
                f"and C_in={c_in} (weight.shape[1] * groups)"
            )
        size = size[2:]
    if any(n < 1 for n in size):
        raise ValueError(f"input_size must have positive spatial sizes; got {tuple(size)}")
    if c_out % groups:
        raise ValueError(f"groups={groups} must divide the output channels C_out={c_out} (weight.shape[0])")
    if 0 in weight.shape[2:]:
        raise ValueError(f"weight must have a kernel of at least 1 element per spatial axis; got shape "
                         f"{weight.shape}")
    geom = geometry(size, weight.shape[2:], stride, padding, dilation, "zeros", groups,
                    ("input_size", "weight"))
    _grad_output(grad_output, n_batch, c_out, geom, f"input_size {tuple(size)} and weight of shape "
                                                    f"{weight.shape}")
    extra = tuple(n + lo + hi - kernel_span(k, d) - (o - 1) * s for n, k, (lo, hi), d, s, o in
                  zip(size, weight.shape[2:], geom.padding, geom.dilation, geom.stride, geom.out_spatial))
    return weight, grad_output, geom, extra, method


def prepare_weight_grad(input, weight_size, grad_output, nd: int, stride, padding, dilation, groups,
                        method):
    """Validate a call of ``convlab.grad.conv{nd}d_weight``.

    ``input`` is ``(N, C_in, *spatial)``, ``weight_size`` ``(C_out,
    C_in/groups, *k)`` and ``grad_output`` the shape of the convolution's
    output. Returns ``(input, grad_output, geometry, weight_size, method)``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._validate import prepare_weight_grad
    >>> _, _, g, size, _ = prepare_weight_grad(np.ones((2, 4, 8)), (6, 2, 3), np.ones((2, 6, 8)), 1, 1,
    ...                                        "same", 1, 2, "auto")
    >>> g.padding, size
    (((1, 1),), (6, 2, 3))
    """
    x = as_array("input", input)
    grad_output = as_array("grad_output", grad_output)
    method = _grad_method(method, x, grad_output)
    _grad_shapes(nd, grad_output, input=x)
    what = f"a shape of {nd + 2} positive ints (C_out, C_in/groups, {', '.join(['k'] * nd)})"
    size = _size_sequence("weight_size", weight_size, (nd + 2,), what)
    if any(v < 1 for v in size):
        raise ValueError(f"weight_size must be {what}; got {size}")
    groups = positive_int("groups", groups)
    c_out, c_in = size[0], x.shape[1]
    if c_out % groups:
        raise ValueError(f"groups={groups} must divide the output channels C_out={c_out} (weight_size[0])")
    if size[1] * groups != c_in:
        raise ValueError(f"weight_size {size} must have C_in/groups = {c_in}/{groups} in position 1 for an "
                         f"input with C_in={c_in} channels and groups={groups}")
    geom = geometry(x.shape[2:], size[2:], stride, padding, dilation, "zeros", groups,
                    ("input", "weight_size"))
    _grad_output(grad_output, x.shape[0], c_out, geom, f"input of shape {x.shape} and weight_size {size}")
    return x, grad_output, geom, size, method
