"""Layers that share fewer weights than a convolution: locally connected and tiled.

A convolution uses one kernel at every output position. Two relatives relax
that sharing (Goodfellow, Bengio and Courville, *Deep Learning*, 9.5):

* a **locally connected** layer (unshared convolution) has its own kernel at
  every output position::

      y[n, o, i] = bias[o, i] + sum_{c, j} xp[n, c, i*stride + j*dilation] * w[i, o, c, j]

  with ``i`` the output position (``(i_h, i_w)`` in 2-D) and ``xp`` the
  padded input. The weight's layout is position first, then a torch
  convolution weight: ``(L_out, C_out, C_in, k)`` in 1-D and
  ``(H_out, W_out, C_out, C_in, kh, kw)`` in 2-D, so ``w[i_h, i_w]`` is the
  ``conv2d`` weight used at output ``(i_h, i_w)``; the bias is
  ``(C_out, *out)``, one number per output cell of a sample. It is computed
  as im2col: :func:`convlab.unfold` gives every patch as a column, and one
  ``einsum`` multiplies each column by its own position's kernel (in chunks
  of the batch under ``im2col_max_bytes``);
* a **tiled** convolution has ``t`` kernels per axis used in rotation: the
  output at ``i`` uses kernel ``i mod t`` (``(i_h mod t_h, i_w mod t_w)``
  in 2-D). Its weight is ``(t, C_out, C_in, k)`` in 1-D and
  ``(t_h, t_w, C_out, C_in, kh, kw)`` in 2-D, so ``t = 1`` is a
  convolution and ``t = L_out`` a locally connected layer; the bias is
  ``(C_out,)``, shared as a convolution's. It is computed by one
  :func:`convlab.convnd` with the ``t_h * t_w`` kernel sets stacked as
  output channels, each output cell keeping the map of its own kernel
  (``t_h * t_w`` times the work of one convolution, every position of the
  stack computed).

Geometry (``stride``, ``padding``, ``dilation``, ``padding_mode``) is that of
:func:`convlab.convnd` (``padding="same"`` included), validated by the same
code; there are no groups. The gradients (input, weight, bias) are the
``*_input``, ``*_weight`` and ``*_bias`` functions, in the argument order of
:mod:`convlab.grad`. Dtypes follow :func:`convlab.convnd`: integer inputs
give exact ``int64``, floating and complex ``numpy.result_type``.
"""

from __future__ import annotations

import math
import string

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_array, check_integer_range, check_integer_sum, geometry, result_dtype, shape_tuple
from ._validate.sizes import check_allocation
from .config import get_options
from .conv import convnd, unfold
from .folding import fold
from .grad import conv_input, conv_weight

__all__ = ["locally_connected1d", "locally_connected2d", "locally_connected_bias", "locally_connected_input",
           "locally_connected_weight", "tiled_conv1d", "tiled_conv2d", "tiled_conv_bias", "tiled_conv_input",
           "tiled_conv_weight"]

Padding = int | str | tuple
Shape = tuple | list


# --------------------------------------------------------------------------
# validation (local helpers: the geometry itself is convlab._validate's)
# --------------------------------------------------------------------------

def _nd_from_weight(name: str, w: np.ndarray, what: str) -> int:
    """The number of spatial axes of a weight ``(*positions, C_out, C_in, *k)``: ``(ndim - 2) / 2``."""
    if w.ndim < 4 or w.ndim % 2:
        raise ValueError(f"{name} must have shape {what} (an even number of dimensions, at least 4); "
                         f"got shape {w.shape}")
    return (w.ndim - 2) // 2


def _input(name: str, x, nd: int) -> tuple[np.ndarray, bool]:
    """``x`` batched ``(N, C_in, *spatial)``, and whether it came unbatched ``(C_in, *spatial)``."""
    arr = as_array(name, x)
    if arr.ndim not in (nd + 1, nd + 2):
        raise ValueError(f"{name} must have shape (N, C_in, *spatial) or (C_in, *spatial) with {nd + 2} or "
                         f"{nd + 1} dimensions for a {nd}-D layer; got shape {arr.shape}")
    unbatched = arr.ndim == nd + 1
    return (arr[np.newaxis] if unbatched else arr), unbatched


def _local_geometry(x_shape, w_shape, nd, stride, padding, dilation, padding_mode, kind: str,
                    name: str = "weight"):
    """The :class:`~convlab._validate.Geometry` of a locally connected (``kind="local"``) or tiled
    layer, after checking that the weight fits the input."""
    c_in, spatial = x_shape[1], tuple(x_shape[2:])
    kernel = tuple(w_shape[nd + 2:])
    if any(k == 0 for k in kernel) or any(s == 0 for s in w_shape[:nd + 2]):
        raise ValueError(f"{name} must not have an empty axis; got shape {tuple(w_shape)}")
    if w_shape[nd + 1] != c_in:
        raise ValueError(f"{name} must have C_in = {c_in} on axis {nd + 1} (the input's channels); "
                         f"got shape {tuple(w_shape)}")
    geom = geometry(spatial, kernel, stride, padding, dilation, padding_mode)
    if kind == "local" and tuple(w_shape[:nd]) != geom.out_spatial:
        raise ValueError(f"{name} must have one kernel per output position, shape {geom.out_spatial} on its "
                         f"first {nd} axes (the output of a {kernel} kernel on {spatial} with this stride, "
                         f"padding and dilation); got shape {tuple(w_shape)}")
    return geom


def _bias(bias, shape: tuple[int, ...], what: str) -> np.ndarray | None:
    if bias is None:
        return None
    b = as_array("bias", bias)
    if b.shape != shape:
        raise ValueError(f"bias must have shape {what} = {shape}; got {b.shape}")
    return b


def _grad_output(dy, shape: tuple[int, ...], geom=None) -> np.ndarray:
    arr = as_array("grad_output", dy)
    if arr.shape != shape:
        given = "" if geom is None else (f" (with stride={geom.stride}, padding={geom.padding} and "
                                         f"dilation={geom.dilation})")
        raise ValueError(f"grad_output must have the shape of the layer's output {shape}; got {arr.shape}"
                         f"{given}")
    return arr


def _wide(arr: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``arr`` in the dtype of the computation: int64 for integers, float32 for float16."""
    if dtype == np.float16:
        dtype = np.dtype(np.float32)
    return arr.astype(dtype, copy=False)


def _shaped(size: tuple[int, ...]) -> np.ndarray:
    """An array of shape ``size`` that takes no memory (only its shape is read)."""
    return np.broadcast_to(np.int8(0), size)


def _batch_chunks(n: int, per_sample_bytes: int):
    step = max(1, int(get_options()["im2col_max_bytes"]) // max(per_sample_bytes, 1))
    return [slice(i, i + step) for i in range(0, n, step)] or [slice(0, 0)]


# --------------------------------------------------------------------------
# locally connected
# --------------------------------------------------------------------------

_LOCAL_WEIGHT = "(*out, C_out, C_in, *k)"


def _local(x, w, bias, nd, stride, padding, dilation, padding_mode) -> np.ndarray:
    xb, unbatched = _input("x", x, nd)
    w = as_array("w", w)
    if _nd_from_weight("w", w, _LOCAL_WEIGHT) != nd:
        raise ValueError(f"w must have shape {_LOCAL_WEIGHT} with {2 * nd + 2} dimensions for a {nd}-D "
                         f"layer; got shape {w.shape}")
    geom = _local_geometry(xb.shape, w.shape, nd, stride, padding, dilation, padding_mode, "local", "w")
    c_out, kernel = w.shape[nd], tuple(w.shape[nd + 2:])
    b = _bias(bias, (c_out, *geom.out_spatial), "(C_out, *out)")
    dtype = result_dtype(xb, w, b)
    if dtype.kind == "i":
        check_integer_range(xb, w, b, xb.shape[1] * math.prod(kernel), fan_what="C_in * kernel size")
    n_pos = math.prod(geom.out_spatial)
    wl = _wide(w, dtype).reshape(n_pos, c_out, -1)                           # (L, C_out, C_in * K)
    y = np.empty((xb.shape[0], c_out, n_pos), dtype=wl.dtype)
    per_sample = wl.shape[2] * n_pos * max(xb.itemsize, wl.itemsize)
    for part in _batch_chunks(xb.shape[0], per_sample):
        cols = _wide(unfold(xb[part], kernel, stride=geom.stride, padding=geom.padding,
                            dilation=geom.dilation, padding_mode=padding_mode), dtype)  # (n, C_in * K, L)
        y[part] = np.einsum("nrl,lor->nol", cols, wl)
    y = y.reshape(xb.shape[0], c_out, *geom.out_spatial)
    if b is not None:
        y += _wide(b, dtype)
    y = y.astype(dtype, copy=False)
    return y[0] if unbatched else y


def locally_connected1d(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None, *, stride: int | tuple = 1,
                        padding: Padding = 0, dilation: int | tuple = 1,
                        padding_mode: str = "zeros") -> np.ndarray:
    """1-D locally connected layer (an unshared convolution): each output position its own kernel.

    ``y[n, o, i] = bias[o, i] + sum_{c, j} xp[n, c, i*stride + j*dilation] * w[i, o, c, j]``;
    see :mod:`convlab.local`.

    Parameters
    ----------
    x : array_like
        ``(N, C_in, L)``, or ``(C_in, L)`` unbatched (the result is then unbatched).
    w : array_like
        ``(L_out, C_out, C_in, k)``: ``w[i]`` is the ``conv1d`` weight used at output ``i``.
    bias : array_like, optional
        ``(C_out, L_out)``.
    stride, padding, dilation, padding_mode
        As in :func:`convlab.conv1d`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, L_out)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[1, 2, 3, 4]])                    # one channel, unbatched
    >>> w = np.array([[[[1, 1]]], [[[1, -1]]], [[[0, 2]]]])   # three positions, three kernels
    >>> convlab.locally_connected1d(x, w)             # 1+2, 2-3, 2*4
    array([[ 3, -1,  8]])
    >>> shared = np.broadcast_to(np.array([[[1, -1]]]), (3, 1, 1, 2))   # the same kernel everywhere
    >>> convlab.locally_connected1d(x, shared), convlab.conv1d(x, shared[0])
    (array([[-1, -1, -1]]), array([[-1, -1, -1]]))
    """
    return _local(x, w, bias, 1, stride, padding, dilation, padding_mode)


def locally_connected2d(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None, *, stride: int | tuple = 1,
                        padding: Padding = 0, dilation: int | tuple = 1,
                        padding_mode: str = "zeros") -> np.ndarray:
    """2-D locally connected layer (an unshared convolution): each output position its own kernel.

    ``y[n, o, i, j] = bias[o, i, j]
    + sum_{c, p, q} xp[n, c, i*s_h + p*d_h, j*s_w + q*d_w] * w[i, j, o, c, p, q]``; see :mod:`convlab.local`.

    Parameters
    ----------
    x : array_like
        ``(N, C_in, H, W)``, or ``(C_in, H, W)`` unbatched (the result is then unbatched).
    w : array_like
        ``(H_out, W_out, C_out, C_in, kh, kw)``: ``w[i, j]`` is the ``conv2d``
        weight used at output ``(i, j)``.
    bias : array_like, optional
        ``(C_out, H_out, W_out)``.
    stride, padding, dilation, padding_mode
        As in :func:`convlab.conv2d`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(16).reshape(1, 1, 4, 4)
    >>> w = np.zeros((2, 2, 1, 1, 2, 2), dtype=int)      # 2x2 outputs, each its own 2x2 kernel
    >>> w[0, 0, 0, 0, 0, 0] = w[0, 1, 0, 0, 0, 1] = w[1, 0, 0, 0, 1, 0] = w[1, 1, 0, 0, 1, 1] = 1
    >>> convlab.locally_connected2d(x, w, stride=2)[0, 0]   # each window's cell picked by its own kernel
    array([[ 0,  3],
           [12, 15]])
    >>> w.size, 2 * 2 * 1 * 1                              # parameters: unshared against a convolution
    (16, 4)
    """
    return _local(x, w, bias, 2, stride, padding, dilation, padding_mode)


def locally_connected_input(input_size: Shape, weight: ArrayLike, grad_output: ArrayLike,
                            stride: int | tuple = 1, padding: Padding = 0, dilation: int | tuple = 1, *,
                            padding_mode: str = "zeros") -> np.ndarray:
    """The gradient of a locally connected layer with respect to its input, ``nd = (weight.ndim - 2) / 2``.

    Each column of patches gets ``dcols[n, :, i] = sum_o weight[i, o] * grad_output[n, o, i]``
    (one ``einsum``); :func:`convlab.fold`, the adjoint of
    :func:`convlab.unfold`, adds the columns back into place.

    Parameters
    ----------
    input_size : tuple of ints
        The input's shape ``(N, C_in, *spatial)``.
    weight : array_like
        ``(*out, C_out, C_in, *k)``.
    grad_output : array_like
        ``dL/dy``, ``(N, C_out, *out)``.
    stride, padding, dilation, padding_mode
        Those of the layer.

    Returns
    -------
    numpy.ndarray
        ``dL/dx``, of shape ``input_size``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> w = np.array([[[[1, 1]]], [[[1, -1]]], [[[0, 2]]]])          # (L_out, C_out, C_in, k)
    >>> convlab.locally_connected_input((1, 1, 4), w, np.ones((1, 1, 3), int))   # 1, 1+1, -1+0, 2
    array([[[ 1,  2, -1,  2]]])
    """
    weight = as_array("weight", weight)
    nd = _nd_from_weight("weight", weight, _LOCAL_WEIGHT)
    size = shape_tuple("input_size", input_size, nd + 2)
    geom = _local_geometry(size, weight.shape, nd, stride, padding, dilation, padding_mode, "local")
    c_out, kernel = weight.shape[nd], tuple(weight.shape[nd + 2:])
    dy = _grad_output(grad_output, (size[0], c_out, *geom.out_spatial), geom)
    dtype = result_dtype(weight, dy)
    if dtype.kind == "i":       # each column entry sums C_out products; fold checks its own sums
        check_integer_range(dy, weight, None, c_out, names=("grad_output", "weight"), fan_what="C_out")
    n_pos = math.prod(geom.out_spatial)
    wl = _wide(weight, dtype).reshape(n_pos, c_out, -1)
    dy = _wide(dy, dtype).reshape(size[0], c_out, n_pos)
    check_allocation(f"input_size={size}", size, np.result_type(wl, dy).itemsize)
    dx = np.empty(size, dtype=np.result_type(wl, dy))
    for part in _batch_chunks(size[0], wl.shape[2] * n_pos * dx.itemsize):
        dcols = np.einsum("lor,nol->nrl", wl, dy[part])                       # (n, C_in * K, L)
        dx[part] = fold(dcols, size[2:], kernel, geom.dilation, geom.padding, geom.stride,
                        padding_mode=padding_mode)
    return dx.astype(dtype, copy=False)


def locally_connected_weight(input: ArrayLike, weight_size: Shape, grad_output: ArrayLike,
                             stride: int | tuple = 1, padding: Padding = 0, dilation: int | tuple = 1, *,
                             padding_mode: str = "zeros") -> np.ndarray:
    """The gradient of a locally connected layer with respect to its weight.

    ``dL/dw[i, o, c, j] = sum_n grad_output[n, o, i] * xp[n, c, i*stride + j*dilation]``:
    each position's kernel sees only its own patch, so its gradient is that
    patch weighted by the output gradient at that position, summed over the
    batch (one ``einsum`` with the columns of :func:`convlab.unfold`).

    Parameters
    ----------
    input : array_like
        The layer's input ``(N, C_in, *spatial)``.
    weight_size : tuple of ints
        ``(*out, C_out, C_in, *k)``.
    grad_output : array_like
        ``dL/dy``, ``(N, C_out, *out)``.
    stride, padding, dilation, padding_mode
        Those of the layer.

    Returns
    -------
    numpy.ndarray
        ``dL/dw``, of shape ``weight_size``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[[1, 2, 3, 4]]])
    >>> convlab.locally_connected_weight(x, (3, 1, 1, 2), np.array([[[1, 10, 100]]]))[:, 0, 0]
    array([[  1,   2],
           [ 20,  30],
           [300, 400]])
    """
    x = as_array("input", input)
    what = "a tuple (*out, C_out, C_in, *k) of positive ints with an even length of at least 4"
    size = shape_tuple("weight_size", weight_size)
    if len(size) < 4 or len(size) % 2:
        raise ValueError(f"weight_size must be {what}; got {size!r}")
    nd = (len(size) - 2) // 2
    if x.ndim != nd + 2:
        raise ValueError(f"input must have shape (N, C_in, *spatial) with {nd + 2} dimensions for a "
                         f"weight_size of length {len(size)}; got shape {x.shape}")
    geom = _local_geometry(x.shape, size, nd, stride, padding, dilation, padding_mode, "local",
                           "weight_size")
    c_out, kernel = size[nd], size[nd + 2:]
    dy = _grad_output(grad_output, (x.shape[0], c_out, *geom.out_spatial), geom)
    dtype = result_dtype(x, dy)
    if dtype.kind == "i":
        check_integer_range(x, dy, None, x.shape[0], names=("input", "grad_output"), fan_what="N")
    n_pos = math.prod(geom.out_spatial)
    dy = _wide(dy, dtype).reshape(x.shape[0], c_out, n_pos)
    dw = np.zeros((n_pos, c_out, math.prod(size[nd + 1:])), dtype=dy.dtype)
    for part in _batch_chunks(x.shape[0], dw.shape[2] * n_pos * max(x.itemsize, dy.itemsize)):
        cols = _wide(unfold(x[part], kernel, stride=geom.stride, padding=geom.padding, dilation=geom.dilation,
                            padding_mode=padding_mode), dtype)                 # (n, C_in * K, L)
        dw += np.einsum("nol,nrl->lor", dy[part], cols)
    return dw.reshape(size).astype(dtype, copy=False)


def locally_connected_bias(grad_output: ArrayLike) -> np.ndarray:
    """The gradient of a locally connected layer with respect to its bias ``(C_out, *out)``.

    Every output cell has its own bias, so its gradient is ``grad_output``
    summed over the batch only.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> convlab.locally_connected_bias(np.ones((5, 2, 3), dtype=int))
    array([[5, 5, 5],
           [5, 5, 5]])
    """
    dy = as_array("grad_output", grad_output)
    if dy.ndim < 3:
        raise ValueError(f"grad_output must have shape (N, C_out, *out) with at least 3 dimensions; "
                         f"got shape {dy.shape}")
    dtype = result_dtype(dy)
    check_integer_sum("grad_output", dy, dy.shape[0], "N, the samples summed")
    return dy.sum(axis=0, dtype=_wide(np.zeros(0, dtype), dtype).dtype).astype(dtype, copy=False)


# --------------------------------------------------------------------------
# tiled convolution
# --------------------------------------------------------------------------

_TILED_WEIGHT = "(*t, C_out, C_in, *k)"


def _tile_mask(tiles: tuple[int, ...], out: tuple[int, ...], dtype) -> np.ndarray:
    """``M[a..., i...] = 1`` where output position ``i`` uses kernel ``a`` (``a = i mod t`` per axis)."""
    mask = np.ones((), dtype=dtype)
    for t, n in zip(tiles, out):
        one = (np.arange(t)[:, None] == np.arange(n)[None, :] % t).astype(dtype)   # (t, n)
        mask = np.multiply.outer(mask, one)
    nd = len(tiles)
    # outer products interleave (t_0, n_0, t_1, n_1, ...): put the tiles first
    return mask.transpose(*range(0, 2 * nd, 2), *range(1, 2 * nd, 2))


def _tile_subscripts(nd: int) -> tuple[str, str, str]:
    letters = string.ascii_lowercase
    tiles, pos = letters[:nd], letters[nd:2 * nd]
    return f"N{tiles}O{pos}", f"{tiles}{pos}", f"NO{pos}"       # stack, mask, output


def _tiled_operands(x, w, nd, stride, padding, dilation, padding_mode, name="w"):
    w = as_array(name, w)
    if _nd_from_weight(name, w, _TILED_WEIGHT) != nd:
        raise ValueError(f"{name} must have shape {_TILED_WEIGHT} with {2 * nd + 2} dimensions for a {nd}-D "
                         f"layer; got shape {w.shape}")
    geom = _local_geometry(x.shape, w.shape, nd, stride, padding, dilation, padding_mode, "tiled", name)
    tiles, c_out = tuple(w.shape[:nd]), w.shape[nd]
    stacked = w.reshape(math.prod(tiles) * c_out, *w.shape[nd + 1:])          # (T * C_out, C_in, *k)
    return w, geom, tiles, c_out, stacked


def _tiled(x, w, bias, nd, stride, padding, dilation, padding_mode) -> np.ndarray:
    xb, unbatched = _input("x", x, nd)
    w, geom, tiles, c_out, stacked = _tiled_operands(xb, w, nd, stride, padding, dilation, padding_mode)
    b = _bias(bias, (c_out,), "(C_out,)")
    dtype = result_dtype(xb, w, b)
    if dtype.kind == "i":       # the bias too (convnd checks the sums without it)
        check_integer_range(xb, w, b, math.prod(stacked.shape[1:]), fan_what="C_in * kernel size")
    every = convnd(xb, stacked, stride=geom.stride, padding=geom.padding, dilation=geom.dilation,
                   padding_mode=padding_mode)                                  # (N, T * C_out, *out)
    every = _wide(every, dtype).reshape(xb.shape[0], *tiles, c_out, *geom.out_spatial)
    stack, mask, out = _tile_subscripts(nd)
    y = np.einsum(f"{stack},{mask}->{out}", every, _tile_mask(tiles, geom.out_spatial, every.dtype))
    if b is not None:
        y += _wide(b, dtype).reshape(c_out, *(1,) * nd)
    y = y.astype(dtype, copy=False)
    return y[0] if unbatched else y


def tiled_conv1d(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None, *, stride: int | tuple = 1,
                 padding: Padding = 0, dilation: int | tuple = 1, padding_mode: str = "zeros") -> np.ndarray:
    """1-D tiled convolution: ``t`` kernels used in rotation, output ``i`` by kernel ``i mod t``.

    ``y[n, o, i] = bias[o] + sum_{c, j} xp[n, c, i*stride + j*dilation] * w[i mod t, o, c, j]``;
    see :mod:`convlab.local`.

    Parameters
    ----------
    x : array_like
        ``(N, C_in, L)``, or ``(C_in, L)`` unbatched.
    w : array_like
        ``(t, C_out, C_in, k)``; ``t = 1`` is :func:`convlab.conv1d`.
    bias : array_like, optional
        ``(C_out,)``.
    stride, padding, dilation, padding_mode
        As in :func:`convlab.conv1d`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, L_out)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[1, 2, 3, 4, 5]])
    >>> w = np.array([[[[1, 0]]], [[[0, 1]]]])         # t = 2: "take the left", "take the right"
    >>> convlab.tiled_conv1d(x, w)                      # positions 0, 2 use kernel 0; 1, 3 kernel 1
    array([[1, 3, 3, 5]])
    """
    return _tiled(x, w, bias, 1, stride, padding, dilation, padding_mode)


def tiled_conv2d(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None, *, stride: int | tuple = 1,
                 padding: Padding = 0, dilation: int | tuple = 1, padding_mode: str = "zeros") -> np.ndarray:
    """2-D tiled convolution, kernels in rotation: output ``(i, j)`` by ``(i mod t_h, j mod t_w)``.

    See :mod:`convlab.local`.

    Parameters
    ----------
    x : array_like
        ``(N, C_in, H, W)``, or ``(C_in, H, W)`` unbatched.
    w : array_like
        ``(t_h, t_w, C_out, C_in, kh, kw)``; ``t_h = t_w = 1`` is :func:`convlab.conv2d`.
    bias : array_like, optional
        ``(C_out,)``.
    stride, padding, dilation, padding_mode
        As in :func:`convlab.conv2d`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(16).reshape(1, 1, 4, 4)
    >>> w = np.arange(1, 5).reshape(2, 2, 1, 1, 1, 1)   # four 1x1 kernels: 1, 2, 3, 4 in a 2x2 tiling
    >>> convlab.tiled_conv2d(x, w)[0, 0]                # each cell times the kernel of its tile
    array([[ 0,  2,  2,  6],
           [12, 20, 18, 28],
           [ 8, 18, 10, 22],
           [36, 52, 42, 60]])
    """
    return _tiled(x, w, bias, 2, stride, padding, dilation, padding_mode)


def tiled_conv_input(input_size: Shape, weight: ArrayLike, grad_output: ArrayLike, stride: int | tuple = 1,
                     padding: Padding = 0, dilation: int | tuple = 1, *,
                     padding_mode: str = "zeros") -> np.ndarray:
    """The gradient of a tiled convolution with respect to its input.

    ``grad_output`` is spread over the stacked kernels' maps (each cell to
    the map of its own kernel, zeros elsewhere), then
    :func:`convlab.grad.conv_input` (a transposed convolution) with the
    stacked kernels.

    Parameters
    ----------
    input_size : tuple of ints
        ``(N, C_in, *spatial)``.
    weight : array_like
        ``(*t, C_out, C_in, *k)``.
    grad_output : array_like
        ``(N, C_out, *out)``.
    stride, padding, dilation, padding_mode
        Those of the layer.

    Returns
    -------
    numpy.ndarray
        ``dL/dx``, of shape ``input_size``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> w = np.array([[[[1, 0]]], [[[0, 1]]]])
    >>> convlab.tiled_conv_input((1, 1, 5), w, np.array([[[1, 10, 100, 1000]]]))   # y = x0, x2, x2, x4
    array([[[   1,    0,  110,    0, 1000]]])
    """
    weight = as_array("weight", weight)
    nd = _nd_from_weight("weight", weight, _TILED_WEIGHT)
    size = shape_tuple("input_size", input_size, nd + 2)
    weight, geom, tiles, c_out, stacked = _tiled_operands(_shaped(size), weight, nd, stride,
                                                          padding, dilation, padding_mode, "weight")
    dy = as_array("grad_output", grad_output)
    d_every = _spread(dy, size[0], tiles, c_out, geom.out_spatial, geom)
    dtype = result_dtype(weight, dy)
    dx = _conv_grad_input(size, stacked, d_every, geom, padding_mode)
    return dx.astype(dtype, copy=False)


def _spread(grad_output, n, tiles, c_out, out, geom=None) -> np.ndarray:
    """``grad_output`` ``(N, C_out, *out)`` on the stacked maps ``(N, T * C_out, *out)``."""
    nd = len(tiles)
    dy = _grad_output(grad_output, (n, c_out, *out), geom)
    dtype = result_dtype(dy)
    stack, mask, outs = _tile_subscripts(nd)
    dy = _wide(dy, dtype)
    d_every = np.einsum(f"{outs},{mask}->{stack}", dy, _tile_mask(tiles, out, dy.dtype))
    return d_every.reshape(n, math.prod(tiles) * c_out, *out)


def _padded(geom, spatial) -> tuple[int, ...]:
    return tuple(n + lo + hi for n, (lo, hi) in zip(spatial, geom.padding))


def _conv_grad_input(size, stacked, d_every, geom, padding_mode) -> np.ndarray:
    if padding_mode == "zeros":
        return conv_input(size, stacked, d_every, geom.stride, geom.padding, geom.dilation)
    # another padding mode: the gradient on the padded input, then padding's adjoint (fold of one
    # 1-cell column per cell adds each padded cell back onto the cell it copies)
    padded = (*size[:2], *_padded(geom, size[2:]))
    dxp = conv_input(padded, stacked, d_every, geom.stride, 0, geom.dilation)
    nd = len(size) - 2
    cols = dxp.reshape(size[0], size[1], -1)
    return fold(cols, size[2:], (1,) * nd, 1, geom.padding, 1, padding_mode=padding_mode)


def tiled_conv_weight(input: ArrayLike, weight_size: Shape, grad_output: ArrayLike, stride: int | tuple = 1,
                      padding: Padding = 0, dilation: int | tuple = 1, *,
                      padding_mode: str = "zeros") -> np.ndarray:
    """The gradient of a tiled convolution with respect to its weight ``(*t, C_out, C_in, *k)``.

    :func:`convlab.grad.conv_weight` of the stacked kernels, with
    ``grad_output`` spread over their maps (each kernel's gradient sums the
    patches of the positions that use it), reshaped to ``weight_size``.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, *spatial)``.
    weight_size : tuple of ints
        ``(*t, C_out, C_in, *k)``.
    grad_output : array_like
        ``(N, C_out, *out)``.
    stride, padding, dilation, padding_mode
        Those of the layer.

    Returns
    -------
    numpy.ndarray
        ``dL/dw``, of shape ``weight_size``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[[1, 2, 3, 4, 5]]])
    >>> convlab.tiled_conv_weight(x, (2, 1, 1, 2), np.ones((1, 1, 4), int))[:, 0, 0]   # windows 0, 2 and 1, 3
    array([[4, 6],
           [6, 8]])
    """
    x = as_array("input", input)
    what = "a tuple (*t, C_out, C_in, *k) of positive ints with an even length of at least 4"
    size = shape_tuple("weight_size", weight_size)
    if len(size) < 4 or len(size) % 2:
        raise ValueError(f"weight_size must be {what}; got {size!r}")
    nd = (len(size) - 2) // 2
    if x.ndim != nd + 2:
        raise ValueError(f"input must have shape (N, C_in, *spatial) with {nd + 2} dimensions for a "
                         f"weight_size of length {len(size)}; got shape {x.shape}")
    _, geom, tiles, c_out, stacked = _tiled_operands(x, _shaped(size), nd, stride, padding,
                                                     dilation, padding_mode, "weight_size")
    dy = as_array("grad_output", grad_output)
    d_every = _spread(dy, x.shape[0], tiles, c_out, geom.out_spatial, geom)
    dtype = result_dtype(x, dy)
    if padding_mode == "zeros":
        xp, pads = x, geom.padding
    else:
        from ._padding import pad
        xp, pads = pad(x, geom.padding, padding_mode), 0
    dw = conv_weight(xp, stacked.shape, d_every, geom.stride, pads, geom.dilation)
    return dw.reshape(size).astype(dtype, copy=False)


def tiled_conv_bias(grad_output: ArrayLike) -> np.ndarray:
    """The gradient of a tiled convolution with respect to its bias ``(C_out,)``: a convolution's.

    ``grad_output`` summed over the batch and every position (the bias is
    shared by every tile, as a convolution's).

    Examples
    --------
    >>> import numpy as np, convlab
    >>> convlab.tiled_conv_bias(np.ones((2, 3, 4, 4), dtype=int))
    array([32, 32, 32])
    """
    from .grad import bias_grad

    return bias_grad(grad_output)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
