"""Anti-aliased downsampling: blur, then subsample (Zhang, "Making convolutional networks
shift-invariant again", ICML 2019).

A stride keeps every ``s``-th sample and drops the rest: frequencies above the
new Nyquist limit fold onto lower ones (aliasing), and a one-pixel shift of
the input can change the output a lot. Low-pass filtering before the
subsampling removes most of what would fold. Zhang's ``BlurPool`` filters
each channel on its own (a depthwise convolution, ``groups = C``) with a
normalised binomial filter and keeps every ``stride``-th sample:

* :func:`binomial_filter` -- the filter of order ``n``: the binomial
  coefficients ``C(n, 0..n)`` (``[1, 1]``, ``[1, 2, 1]``, ``[1, 3, 3, 1]``, ...),
  ``n + 1`` taps, divided by ``2**n`` so that they sum to 1 (in 2-D the outer
  product of two, divided by ``4**n``); order 0 is ``[1]``, no blur at all,
  plain subsampling;
* :func:`blur_pool1d`, :func:`blur_pool2d` -- the depthwise filter with a
  stride. The padding is Zhang's (his ``Downsample`` layer): ``n // 2``
  cells before and ``n - n // 2`` after on each axis, ``"reflect"`` by
  default (his ``pad_type='reflect'``; ``"zeros"``, ``"replicate"``,
  ``"circular"`` and ``"symmetric"`` as :func:`convlab.convnd` has them), so
  the output has ``ceil(size / stride)`` cells per axis, the size of
  ``x[..., ::stride]``;
* :func:`max_blur_pool1d`, :func:`max_blur_pool2d` -- Zhang's ``MaxBlurPool``:
  max pooling with stride 1 (``kernel_size`` 2 by default: the max is kept,
  only its subsampling moves), then the blur with the stride.

Their gradients (``*_backward``) are built from convlab's own: the blur's is
its adjoint, a transposed depthwise convolution
(:func:`convlab.grad.conv_input`), followed, when the padding is not zeros,
by the padding's adjoint (:func:`convlab.fold` with 1-cell columns adds each
padded cell's gradient back onto the cell it copied); the max's is
:func:`convlab.max_pool2d_backward`.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_array, geometry, non_negative_int, positive_int, shape_tuple
from ._validate.sizes import check_allocation
from .conv import convnd
from .folding import fold
from .grad import conv_input
from .pooling import max_pool1d, max_pool1d_backward, max_pool2d, max_pool2d_backward

__all__ = ["binomial_filter", "blur_pool1d", "blur_pool1d_backward", "blur_pool2d", "blur_pool2d_backward",
           "max_blur_pool1d", "max_blur_pool1d_backward", "max_blur_pool2d", "max_blur_pool2d_backward"]

Size = int | tuple


def binomial_filter(order: int, ndim: int = 1) -> np.ndarray:
    """The normalised binomial filter of order ``n``: ``C(n, k) / 2**n``, ``k = 0..n``.

    Parameters
    ----------
    order : int
        ``n >= 0``; the filter has ``n + 1`` taps per axis (0 is ``[1.]``).
    ndim : int
        1 for the 1-D filter, 2 for the outer product of two (a separable
        ``(n+1) x (n+1)`` kernel), and so on.

    Returns
    -------
    numpy.ndarray
        float64, summing to 1.

    Examples
    --------
    >>> import convlab
    >>> convlab.binomial_filter(2) * 4
    array([1., 2., 1.])
    >>> convlab.binomial_filter(3) * 8
    array([1., 3., 3., 1.])
    >>> convlab.binomial_filter(2, ndim=2) * 16
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    n = _order(order)
    ndim = positive_int("ndim", ndim)
    if ndim > 64:
        raise ValueError(f"ndim must be a positive int at most 64 (numpy's most dimensions); got {ndim}")
    check_allocation(f"order={n} and ndim={ndim}", (n + 1,) * ndim, 8)
    taps = np.array([math.comb(n, k) for k in range(n + 1)], dtype=np.float64) / 2.0 ** n
    out = taps
    for _ in range(ndim - 1):
        out = np.multiply.outer(out, taps)
    return out


def _order(order) -> int:
    """``order`` as an int in ``0..1023``: ``2**order`` and every ``C(order, k)`` must be float64s."""
    n = non_negative_int("order", order)
    if n > 1023:
        raise ValueError(f"order must be a non-negative int at most 1023 (the filter divides by 2**order, "
                         f"a float64); got {n}")
    return n


def _operands(x, nd: int, order, stride, padding_mode):
    """Validated ``(batched x, unbatched?, depthwise weight, geometry)`` of a blur pool."""
    arr = as_array("x", x)
    if arr.ndim not in (nd + 1, nd + 2):
        raise ValueError(f"x must have shape (N, C, *spatial) or (C, *spatial) with {nd + 2} or {nd + 1} "
                         f"dimensions for a {nd}-D blur pool; got shape {arr.shape}")
    unbatched = arr.ndim == nd + 1
    xb = arr[np.newaxis] if unbatched else arr
    return (xb, unbatched, *_weight_and_geometry(xb.shape, nd, order, stride, padding_mode, xb.dtype))


def _filter_dtype(dtype: np.dtype) -> np.dtype:
    """The filter's dtype for an input of ``dtype``: a floating or complex input's precision is kept
    (float32 stays float32, as in torch), integers give float64."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return dtype
    if dtype.kind == "c":
        return np.dtype(np.float32) if dtype == np.complex64 else np.dtype(np.float64)
    return np.dtype(np.float64)


def _weight_and_geometry(shape, nd, order, stride, padding_mode, dtype=np.float64):
    n = _order(order)
    channels = shape[1]
    if channels == 0:
        raise ValueError(f"x must have at least one channel; got shape {tuple(shape)}")
    taps = binomial_filter(n, nd).astype(_filter_dtype(dtype))
    w = np.broadcast_to(taps, (channels, 1, *taps.shape))
    pads = ((n // 2, n - n // 2),) * nd                     # Zhang's: (k-1)//2 before, ceil((k-1)/2) after
    geom = geometry(tuple(shape[2:]), taps.shape, stride, pads, 1, padding_mode, channels)
    return w, geom


def _blur(x, nd, order, stride, padding_mode) -> np.ndarray:
    xb, unbatched, w, geom = _operands(x, nd, order, stride, padding_mode)
    y = convnd(xb, w, stride=geom.stride, padding=geom.padding, groups=xb.shape[1], padding_mode=padding_mode)
    return y[0] if unbatched else y


def _blur_backward(grad_output, input_size, nd, order, stride, padding_mode) -> np.ndarray:
    size = shape_tuple("input_size", input_size)
    if len(size) not in (nd + 1, nd + 2):
        raise ValueError(f"input_size must be (N, C, *spatial) or (C, *spatial) with {nd + 2} or {nd + 1} "
                         f"entries for a {nd}-D blur pool; got {size!r}")
    unbatched = len(size) == nd + 1
    batched = (1, *size) if unbatched else size
    dy = as_array("grad_output", grad_output)
    w, geom = _weight_and_geometry(batched, nd, order, stride, padding_mode, dy.dtype)
    expected = (*batched[:2], *geom.out_spatial)
    if dy.shape != (expected[1:] if unbatched else expected):
        raise ValueError(f"grad_output must have the shape of the blur pool's output "
                         f"{expected[1:] if unbatched else expected}; got {dy.shape}")
    dy = dy[np.newaxis] if unbatched else dy
    channels = batched[1]
    if padding_mode == "zeros":
        dx = conv_input(batched, w, dy, geom.stride, geom.padding, 1, channels)
    else:
        # the adjoint of the convolution on the padded input, then the padding's adjoint: fold with
        # 1-cell columns adds each padded cell's gradient onto the cell it copies
        padded = (*batched[:2], *(s + lo + hi for s, (lo, hi) in zip(batched[2:], geom.padding)))
        dxp = conv_input(padded, w, dy, geom.stride, 0, 1, channels)
        dx = fold(dxp.reshape(batched[0], channels, -1), batched[2:], (1,) * nd, 1, geom.padding, 1,
                  padding_mode=padding_mode)
    return dx[0] if unbatched else dx


def blur_pool1d(x: ArrayLike, order: int = 2, stride: Size = 2, *,
                padding_mode: str = "reflect") -> np.ndarray:
    """Anti-aliased 1-D downsampling: each channel filtered by :func:`binomial_filter`, with a stride.

    Parameters
    ----------
    x : array_like
        ``(N, C, L)``, or ``(C, L)`` unbatched.
    order : int
        Of the binomial filter (``order + 1`` taps); 0 is plain subsampling ``x[..., ::stride]``.
    stride : int or tuple of one int
        Positive.
    padding_mode : {"reflect", "zeros", "replicate", "circular", "symmetric"}
        ``order // 2`` cells before, ``order - order // 2`` after (Zhang's).

    Returns
    -------
    numpy.ndarray
        ``(N, C, ceil(L / stride))``: float64 for integers, else the dtype of ``x``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[0.0, 0.0, 4.0, 0.0, 0.0, 0.0]])      # a spike, unbatched
    >>> convlab.blur_pool1d(x, order=0), convlab.blur_pool1d(x, order=2)
    (array([[0., 4., 0.]]), array([[0., 2., 0.]]))
    >>> convlab.blur_pool1d(np.roll(x, 1), order=0), convlab.blur_pool1d(np.roll(x, 1), order=2)
    (array([[0., 0., 0.]]), array([[0., 1., 1.]]))
    """
    return _blur(x, 1, order, stride, padding_mode)


def blur_pool2d(x: ArrayLike, order: int = 2, stride: Size = 2, *,
                padding_mode: str = "reflect") -> np.ndarray:
    """Anti-aliased 2-D downsampling (Zhang's ``BlurPool``): a depthwise binomial filter with a stride.

    Parameters
    ----------
    x : array_like
        ``(N, C, H, W)``, or ``(C, H, W)`` unbatched.
    order : int
        Of the binomial filter (``(order + 1) x (order + 1)`` taps); 0 is
        plain subsampling ``x[..., ::s_h, ::s_w]``. Zhang's ``filt_size`` is
        ``order + 1``.
    stride : int or tuple of two ints
        Positive.
    padding_mode : {"reflect", "zeros", "replicate", "circular", "symmetric"}
        ``order // 2`` cells before, ``order - order // 2`` after, on both
        axes (Zhang's); ``"reflect"`` is his default.

    Returns
    -------
    numpy.ndarray
        ``(N, C, ceil(H / s_h), ceil(W / s_w))``: float64 for integers, else the dtype of ``x``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.zeros((1, 1, 4, 4)); x[0, 0, 1, 1] = 16.0
    >>> convlab.blur_pool2d(x, order=2)[0, 0]
    array([[4., 2.],
           [2., 1.]])
    >>> convlab.blur_pool2d(x, order=0)[0, 0]                # no blur: x[::2, ::2] misses the spike
    array([[0., 0.],
           [0., 0.]])
    """
    return _blur(x, 2, order, stride, padding_mode)


def blur_pool1d_backward(grad_output: ArrayLike, input_size: tuple, order: int = 2, stride: Size = 2, *,
                         padding_mode: str = "reflect") -> np.ndarray:
    """The gradient of :func:`blur_pool1d` with respect to its input (a transposed depthwise convolution).

    Parameters
    ----------
    grad_output : array_like
        ``dL/dy``, the shape of the blur pool's output.
    input_size : tuple of ints
        The input's shape ``(N, C, L)`` (or ``(C, L)``).
    order, stride, padding_mode
        Those of the blur pool.

    Returns
    -------
    numpy.ndarray
        ``dL/dx``, of shape ``input_size``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> convlab.blur_pool1d_backward(np.array([[0.0, 4.0, 0.0]]), (1, 6), order=2, padding_mode="zeros")
    array([[0., 1., 2., 1., 0., 0.]])
    """
    return _blur_backward(grad_output, input_size, 1, order, stride, padding_mode)


def blur_pool2d_backward(grad_output: ArrayLike, input_size: tuple, order: int = 2, stride: Size = 2, *,
                         padding_mode: str = "reflect") -> np.ndarray:
    """The gradient of :func:`blur_pool2d` with respect to its input (a transposed depthwise convolution).

    Parameters
    ----------
    grad_output : array_like
        ``dL/dy``, the shape of the blur pool's output.
    input_size : tuple of ints
        The input's shape ``(N, C, H, W)`` (or ``(C, H, W)``).
    order, stride, padding_mode
        Those of the blur pool.

    Returns
    -------
    numpy.ndarray
        ``dL/dx``, of shape ``input_size``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> dy = np.zeros((1, 1, 2, 2)); dy[0, 0, 1, 1] = 16.0
    >>> convlab.blur_pool2d_backward(dy, (1, 1, 4, 4), order=2, padding_mode="zeros")[0, 0]
    array([[0., 0., 0., 0.],
           [0., 1., 2., 1.],
           [0., 2., 4., 2.],
           [0., 1., 2., 1.]])
    """
    return _blur_backward(grad_output, input_size, 2, order, stride, padding_mode)


def _max_blur(x, nd, kernel_size, order, stride, padding_mode) -> np.ndarray:
    pool = max_pool1d if nd == 1 else max_pool2d
    arr = as_array("x", x)
    return _blur(pool(arr, kernel_size, 1), nd, order, stride, padding_mode)


def _max_blur_backward(grad_output, x, nd, kernel_size, order, stride, padding_mode) -> np.ndarray:
    pool, backward = (max_pool1d, max_pool1d_backward) if nd == 1 else (max_pool2d, max_pool2d_backward)
    arr = as_array("x", x)
    pooled = pool(arr, kernel_size, 1)
    d_pooled = _blur_backward(grad_output, pooled.shape, nd, order, stride, padding_mode)
    return backward(d_pooled, arr, kernel_size, 1)


def max_blur_pool1d(x: ArrayLike, kernel_size: Size = 2, order: int = 2, stride: Size = 2, *,
                    padding_mode: str = "reflect") -> np.ndarray:
    """Zhang's ``MaxBlurPool`` in 1-D: :func:`convlab.max_pool1d` with stride 1, then :func:`blur_pool1d`.

    Parameters
    ----------
    x : array_like
        ``(N, C, L)``, or ``(C, L)`` unbatched.
    kernel_size : int
        Of the max pooling (stride 1, no padding: ``L - kernel_size + 1`` cells).
    order, stride, padding_mode
        Of the blur pool.

    Returns
    -------
    numpy.ndarray
        ``(N, C, ceil((L - kernel_size + 1) / stride))``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[0.0, 4.0, 0.0, 0.0, 0.0]])
    >>> convlab.max_blur_pool1d(x, 2, order=0), convlab.max_pool1d(x, 2)    # order 0: max pool, stride 2
    (array([[4., 0.]]), array([[4., 0.]]))
    >>> convlab.max_blur_pool1d(x, 2, order=2)
    array([[3., 1.]])
    """
    return _max_blur(x, 1, kernel_size, order, stride, padding_mode)


def max_blur_pool2d(x: ArrayLike, kernel_size: Size = 2, order: int = 2, stride: Size = 2, *,
                    padding_mode: str = "reflect") -> np.ndarray:
    """Zhang's ``MaxBlurPool``: :func:`convlab.max_pool2d` with stride 1, then :func:`blur_pool2d`.

    Parameters
    ----------
    x : array_like
        ``(N, C, H, W)``, or ``(C, H, W)`` unbatched.
    kernel_size : int or tuple of two ints
        Of the max pooling (stride 1, no padding).
    order, stride, padding_mode
        Of the blur pool.

    Returns
    -------
    numpy.ndarray
        ``(N, C, ceil((H - kh + 1) / s_h), ceil((W - kw + 1) / s_w))``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> convlab.max_blur_pool2d(x, 2, order=0)[0, 0]            # max over 2x2, every other window
    array([[ 5.,  7.],
           [13., 15.]])
    >>> convlab.max_blur_pool2d(x, 2, order=1).shape
    (1, 1, 2, 2)
    """
    return _max_blur(x, 2, kernel_size, order, stride, padding_mode)


def max_blur_pool1d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size = 2, order: int = 2,
                             stride: Size = 2, *, padding_mode: str = "reflect") -> np.ndarray:
    """The gradient of :func:`max_blur_pool1d`: the blur's adjoint, then the max pool's.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[0.0, 4.0, 0.0, 0.0, 0.0]])
    >>> convlab.max_blur_pool1d_backward(np.array([[1.0, 0.0]]), x, 2, order=0)
    array([[0., 1., 0., 0., 0.]])
    """
    return _max_blur_backward(grad_output, x, 1, kernel_size, order, stride, padding_mode)


def max_blur_pool2d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size = 2, order: int = 2,
                             stride: Size = 2, *, padding_mode: str = "reflect") -> np.ndarray:
    """The gradient of :func:`max_blur_pool2d`: the blur's adjoint, then the max pool's.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> convlab.max_blur_pool2d_backward(np.ones((1, 1, 2, 2)), x, 2, order=0)[0, 0]
    array([[0., 0., 0., 0.],
           [0., 1., 0., 1.],
           [0., 0., 0., 0.],
           [0., 1., 0., 1.]])
    """
    return _max_blur_backward(grad_output, x, 2, kernel_size, order, stride, padding_mode)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
