"""Gradients of a convolution: ``torch.nn.grad``'s functions, built from convlab's own.

For a layer ``y = convnd(x, w, b, stride=s, padding=p, dilation=d, groups=g)``
and a loss ``L`` with gradient ``dy = dL/dy`` (``grad_output``), the chain
rule through ::

    y[n, o, i] = b[o] + sum_{c, j} xp[n, g(o)*C_in/groups + c, i*s + j*d] * w[o, c, j]

gives three gradients, each computed by a public convlab function, so that
every ``method=`` works and ``"loop"`` runs on SymPy symbols:

* the **input gradient** ``dL/dx`` is the adjoint of the convolution applied
  to ``dy``: a transposed convolution with the same weight and geometry,
  :func:`convlab.conv_transposend`, whose ``output_padding`` restores the
  cells of ``x`` past the last window (several input sizes give the same
  output size when ``s > 1``; ``input_size`` says which);
* the **weight gradient** ``dL/dw[o, c, j] = sum_{n, i} dy[n, o, i] *
  xp[n, c', i*s + j*d]`` is a correlation of the input with the output
  gradient in which **stride and dilation trade places** (the kernel tap
  ``j`` now steps by ``d``, the summed position ``i`` by ``s``) and the
  batch is summed like a channel: :func:`convlab.convnd` on ``x`` with its
  batch axis as the channels and its channels as one more spatial axis
  (walked by a kernel of size 1, so one GEMM covers every channel), with
  ``dy``, batch and channel axes swapped, as the kernel; ``groups`` kept,
  cropped to ``weight_size``;
* the **bias gradient** ``dL/db[o] = sum_{n, i} dy[n, o, i]``, a sum over
  the batch and every position (:func:`bias_grad`).

``padding`` may be anything :func:`convlab.convnd` takes, ``"same"`` and
``"valid"`` included. Dtype rules are convnd's: integers give exact
``int64``, floats ``numpy.result_type``, object arrays objects.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._validate import (
    as_array,
    check_integer_range,
    check_integer_sum,
    prepare_input_grad,
    prepare_weight_grad,
    result_dtype,
)
from .conv import convnd
from .transposed import conv_transposend

__all__ = ["bias_grad", "conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input",
           "conv3d_weight", "conv_input", "conv_weight"]

Padding = int | str | tuple
Shape = tuple | list


def conv_input(input_size: Shape, weight: ArrayLike, grad_output: ArrayLike, stride: int | tuple = 1,
               padding: Padding = 0, dilation: int | tuple = 1, groups: int = 1, *,
               method: str = "auto") -> np.ndarray:
    """The gradient of ``convnd`` with respect to its input, ``nd = weight.ndim - 2``.

    A transposed convolution of ``grad_output`` with ``weight``
    (:func:`convlab.conv_transposend`), same stride, padding, dilation and
    groups, with the ``output_padding`` that gives back ``input_size``.

    Parameters
    ----------
    input_size : tuple of ints
        The input's shape ``(N, C_in, *spatial)``, or its spatial shape.
    weight : array_like
        ``(C_out, C_in/groups, *k)``.
    grad_output : array_like
        ``dL/dy``, the shape of the convolution's output ``(N, C_out, *out)``.
    stride, padding, dilation, groups
        Those of the convolution (``padding`` as in :func:`convlab.convnd`).
    method : {"auto", "loop", "im2col", "fft"}
        How the transposed convolution is computed.

    Returns
    -------
    numpy.ndarray
        ``dL/dx``, of shape ``(N, C_in, *spatial)``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab import grad
    >>> w = np.array([[[1, 2, 3]]])                          # y[i] = x[2i] + 2 x[2i+1] + 3 x[2i+2]
    >>> grad.conv_input((1, 1, 6), w, np.array([[[1, 10]]]), stride=2)
    array([[[ 1,  2, 13, 20, 30,  0]]])
    """
    weight_arr = as_array("weight", weight)
    return _input(input_size, weight_arr, grad_output, max(weight_arr.ndim - 2, 1), stride, padding, dilation,
                  groups, method)


def _input(input_size, weight, grad_output, nd, stride, padding, dilation, groups, method) -> np.ndarray:
    dy, weight, kwargs = _input_operands(input_size, weight, grad_output, nd, stride, padding, dilation,
                                         groups, method)
    return conv_transposend(dy, weight, **kwargs)


def _input_operands(input_size, weight, grad_output, nd, stride, padding, dilation, groups, method):
    """The validated operands and keywords of the input gradient's :func:`convlab.conv_transposend`."""
    weight, grad_output, geom, extra, method = prepare_input_grad(
        input_size, weight, grad_output, nd, stride, padding, dilation, groups, method)
    if result_dtype(weight, grad_output).kind == "i":      # named as the caller named them
        fan = weight.shape[0] // geom.groups * math.prod(weight.shape[2:])
        check_integer_range(grad_output, weight, None, fan, names=("grad_output", "weight"),
                            fan_what="C_out/groups * kernel size")
    return grad_output, weight, dict(stride=geom.stride, padding=geom.padding, output_padding=extra,
                                     groups=geom.groups, dilation=geom.dilation, method=method)


def conv_weight(input: ArrayLike, weight_size: Shape, grad_output: ArrayLike, stride: int | tuple = 1,
                padding: Padding = 0, dilation: int | tuple = 1, groups: int = 1, *,
                method: str = "auto") -> np.ndarray:
    """The gradient of ``convnd`` with respect to its weight, ``nd = len(weight_size) - 2``.

    ``dL/dw[o, c, j] = sum_{n, i} grad_output[n, o, i] * xp[n, c', i*stride + j*dilation]``:
    :func:`convlab.convnd` of the input (its batch as the channels, its
    channels as one more spatial axis) with ``grad_output`` (batch and
    channels swapped) as the kernel, the stride as its dilation and the
    dilation as its stride, then cropped to ``weight_size``.

    Parameters
    ----------
    input : array_like
        The convolution's input ``(N, C_in, *spatial)``.
    weight_size : tuple of ints
        The weight's shape ``(C_out, C_in/groups, *k)``.
    grad_output : array_like
        ``dL/dy``, the shape of the convolution's output ``(N, C_out, *out)``.
    stride, padding, dilation, groups
        Those of the convolution (``padding`` as in :func:`convlab.convnd`).
    method : {"auto", "loop", "im2col", "fft"}
        How the correlation is computed.

    Returns
    -------
    numpy.ndarray
        ``dL/dw``, of shape ``weight_size``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab import grad
    >>> x = np.array([[[1, 2, 3, 4, 5, 6]]])
    >>> grad.conv_weight(x, (1, 1, 3), np.array([[[1, 10]]]), stride=2)   # x[2i + j], i = 0, 1
    array([[[31, 42, 53]]])
    """
    nd = max(len(weight_size) - 2, 1) if isinstance(weight_size, (tuple, list)) else 1
    return _weight(input, weight_size, grad_output, nd, stride, padding, dilation, groups, method)


def _weight(input, weight_size, grad_output, nd, stride, padding, dilation, groups, method) -> np.ndarray:
    xs, ks, kwargs, crop = _weight_operands(input, weight_size, grad_output, nd, stride, padding, dilation,
                                            groups, method)
    y = convnd(xs, ks, **kwargs)                                  # (1, C_out, C_in/groups, *k'), k' >= k
    return np.ascontiguousarray(y[(0, Ellipsis, *crop)])


def _weight_operands(input, weight_size, grad_output, nd, stride, padding, dilation, groups, method):
    """The operands and keywords of the weight gradient's :func:`convlab.convnd`, and the crop of its
    output (an array ``(1, C_out, C_in/groups, *k')``) to ``weight_size``."""
    x, dy, geom, size, method = prepare_weight_grad(input, weight_size, grad_output, nd, stride, padding,
                                                    dilation, groups, method)
    if result_dtype(x, dy).kind == "i":                    # named as the caller named them
        check_integer_range(x, dy, None, x.shape[0] * math.prod(geom.out_spatial),
                            names=("input", "grad_output"), fan_what="N * prod(out)")
    n_batch, c_in, *spatial = x.shape
    c_out, c_in_g, *kernel = size
    axes = tuple(range(2, 2 + nd))
    # The input as one sample of groups * N channels (group g's samples, in order) over the spatial
    # axes (C_in/groups, *spatial): its channels become a spatial axis that a kernel of size 1 walks,
    # so that one GEMM covers them all. grad_output as the kernel (C_out, N, 1, *out): the kernels
    # of group g read group g's samples, summing over the batch and every position.
    xs = x.reshape(n_batch, groups, c_in_g, *spatial).swapaxes(0, 1).reshape(
        1, groups * n_batch, c_in_g, *spatial)
    ks = dy.transpose(1, 0, *axes)[:, :, np.newaxis]
    kwargs = dict(stride=(1, *geom.dilation), padding=((0, 0), *geom.padding), dilation=(1, *geom.stride),
                  groups=groups, method=method)
    return xs, ks, kwargs, tuple(slice(0, k) for k in kernel)


def bias_grad(grad_output: ArrayLike) -> np.ndarray:
    """The gradient of a convolution with respect to its bias: ``sum_{n, i} grad_output[n, o, i]``.

    Every output cell of channel ``o`` adds ``b[o]`` once, so ``dL/db[o]`` sums
    ``grad_output`` over the batch and every position: all axes but axis 1
    of ``(N, C_out, *out)``. Integers give exact ``int64`` (float16 is summed
    in float32).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab import grad
    >>> grad.bias_grad(np.ones((2, 3, 4, 4)))
    array([32., 32., 32.])
    """
    dy = as_array("grad_output", grad_output)
    if dy.ndim < 2:
        raise ValueError(f"grad_output must have shape (N, C_out, *out) with at least 2 dimensions; "
                         f"got shape {dy.shape}")
    dtype = result_dtype(dy)
    check_integer_sum("grad_output", dy, dy.size // max(dy.shape[1], 1), "N * prod(out), the cells summed "
                      "into one channel")
    wide = np.dtype(np.float32) if dtype == np.float16 else dtype
    return dy.sum(axis=(0, *range(2, dy.ndim)), dtype=wide).astype(dtype, copy=False)


def conv1d_input(input_size: Shape, weight: ArrayLike, grad_output: ArrayLike, stride: int | tuple = 1,
                 padding: Padding = 0, dilation: int | tuple = 1, groups: int = 1, *,
                 method: str = "auto") -> np.ndarray:
    """``dL/dx`` of :func:`convlab.conv1d`, like ``torch.nn.grad.conv1d_input`` (see :func:`conv_input`).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab import grad
    >>> w, dy = np.ones((2, 1, 3)), np.ones((1, 2, 5))
    >>> grad.conv1d_input((1, 1, 5), w, dy, padding="same")[0, 0]   # taps that read each input cell, x2
    array([4., 6., 6., 6., 4.])
    """
    return _input(input_size, weight, grad_output, 1, stride, padding, dilation, groups, method)


def conv2d_input(input_size: Shape, weight: ArrayLike, grad_output: ArrayLike, stride: int | tuple = 1,
                 padding: Padding = 0, dilation: int | tuple = 1, groups: int = 1, *,
                 method: str = "auto") -> np.ndarray:
    """``dL/dx`` of :func:`convlab.conv2d`, like ``torch.nn.grad.conv2d_input`` (see :func:`conv_input`).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab import grad
    >>> dx = grad.conv2d_input((8, 8), np.ones((4, 3, 3, 3)), np.ones((1, 4, 4, 4)), stride=2, padding=1)
    >>> dx.shape, dx[0, 0, :3, :3].tolist()     # (8, 8) spatial only: N and C from the arrays
    ((1, 3, 8, 8), [[4.0, 8.0, 4.0], [8.0, 16.0, 8.0], [4.0, 8.0, 4.0]])
    """
    return _input(input_size, weight, grad_output, 2, stride, padding, dilation, groups, method)


def conv3d_input(input_size: Shape, weight: ArrayLike, grad_output: ArrayLike, stride: int | tuple = 1,
                 padding: Padding = 0, dilation: int | tuple = 1, groups: int = 1, *,
                 method: str = "auto") -> np.ndarray:
    """``dL/dx`` of :func:`convlab.conv3d`, like ``torch.nn.grad.conv3d_input`` (see :func:`conv_input`).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab import grad
    >>> grad.conv3d_input((2, 4, 5, 5, 5), np.ones((6, 2, 3, 3, 3)), np.ones((2, 6, 3, 3, 3)),
    ...                   groups=2).shape
    (2, 4, 5, 5, 5)
    """
    return _input(input_size, weight, grad_output, 3, stride, padding, dilation, groups, method)


def conv1d_weight(input: ArrayLike, weight_size: Shape, grad_output: ArrayLike, stride: int | tuple = 1,
                  padding: Padding = 0, dilation: int | tuple = 1, groups: int = 1, *,
                  method: str = "auto") -> np.ndarray:
    """``dL/dw`` of :func:`convlab.conv1d`, like ``torch.nn.grad.conv1d_weight`` (see :func:`conv_weight`).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab import grad
    >>> x = np.arange(1, 8).reshape(1, 1, 7)                     # 1..7
    >>> grad.conv1d_weight(x, (1, 1, 2), np.ones((1, 1, 3), int), dilation=2, stride=2)  # x[2i + 2j]
    array([[[ 9, 15]]])
    """
    return _weight(input, weight_size, grad_output, 1, stride, padding, dilation, groups, method)


def conv2d_weight(input: ArrayLike, weight_size: Shape, grad_output: ArrayLike, stride: int | tuple = 1,
                  padding: Padding = 0, dilation: int | tuple = 1, groups: int = 1, *,
                  method: str = "auto") -> np.ndarray:
    """``dL/dw`` of :func:`convlab.conv2d`, like ``torch.nn.grad.conv2d_weight`` (see :func:`conv_weight`).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab import grad
    >>> x = np.ones((8, 3, 6, 6))
    >>> dw = grad.conv2d_weight(x, (4, 3, 3, 3), np.ones((8, 4, 6, 6)), padding=1)
    >>> dw.shape, dw[0, 0].tolist()          # how many (sample, position) pairs each tap reads a 1 at
    ((4, 3, 3, 3), [[200.0, 240.0, 200.0], [240.0, 288.0, 240.0], [200.0, 240.0, 200.0]])
    """
    return _weight(input, weight_size, grad_output, 2, stride, padding, dilation, groups, method)


def conv3d_weight(input: ArrayLike, weight_size: Shape, grad_output: ArrayLike, stride: int | tuple = 1,
                  padding: Padding = 0, dilation: int | tuple = 1, groups: int = 1, *,
                  method: str = "auto") -> np.ndarray:
    """``dL/dw`` of :func:`convlab.conv3d`, like ``torch.nn.grad.conv3d_weight`` (see :func:`conv_weight`).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab import grad
    >>> grad.conv3d_weight(np.ones((1, 2, 4, 4, 4)), (2, 2, 2, 2, 2), np.ones((1, 2, 2, 2, 2)),
    ...                    stride=2).shape
    (2, 2, 2, 2, 2)
    """
    return _weight(input, weight_size, grad_output, 3, stride, padding, dilation, groups, method)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
