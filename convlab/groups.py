"""Group convolution for p4, the translations and rotations by multiples of 90 degrees (Cohen and
Welling, "Group equivariant convolutional networks", ICML 2016).

A convolution shares one kernel over every translation; a p4 layer shares it
over the four rotations as well, so that rotating the input by 90 degrees
rotates the output and cycles its orientation axis, exactly. Both layers are
plain :func:`convlab.conv2d` calls with an *expanded* weight bank:

* the **lifting** layer :func:`p4_lift` takes an image ``(N, C_in, H, W)`` to
  ``(N, C_out, 4, H_out, W_out)``: output orientation ``r`` is the image
  correlated with the kernel rotated ``r`` times, ``rot90(w[o], r)``
  (:func:`p4_lift_bank`);
* the **group convolution** :func:`p4_conv` takes ``(N, C_in, 4, H, W)`` to
  ``(N, C_out, 4, H_out, W_out)``: output orientation ``r`` uses the weight
  ``w[o]`` ``(C_in, 4, k, k)`` rotated ``r`` times spatially *and* rolled by
  ``r`` along its orientation axis, ``rot90(roll(w[o], r, axis=1), r)``
  (:func:`p4_conv_bank`): ``bank[o, r, c, s] = rot90(w[o, c, (s - r) mod 4], r)``.

Rotations are ``numpy.rot90(a, k, axes=(-2, -1))``: as an image is drawn
(row 0 at the top), ``k = 1`` turns it a quarter turn counter-clockwise.
**The equivariance**, for a kernel of odd or even size, stride 1 and the
same padding on all four sides of a square input, is exact (on integers,
bit for bit)::

    p4_lift(rot90(x))  == p4_rotate(p4_lift(x))
    p4_conv(p4_rotate(y)) == p4_rotate(p4_conv(y))

where :func:`p4_rotate` rotates every map spatially and rolls the
orientation axis *forward* by one: ``p4_rotate(y)[:, :, r] =
rot90(y[:, :, r - 1])``. Why forward: rotating the image and the kernel
together rotates their correlation, ``rot90(x) * rot90^r(w) =
rot90(x * rot90^(r-1)(w))``, so orientation ``r`` of the rotated input's
output is orientation ``r - 1`` of the original's, rotated. (A stride
``s`` keeps it exact when ``s`` divides ``H + 2p - dilation*(k - 1) - 1``,
so the sampled grid is itself symmetric.)

The gradients are those of the convolution with the expanded bank
(:mod:`convlab.grad`), the weight's chained back through the expansion: each
copy's gradient rotated back by ``-r`` (and rolled back by ``-r``), summed
over the four copies. Geometry (``stride``, ``padding``, ``dilation``) is
:func:`convlab.conv2d`'s, zero padding; inputs are batched. The weight's
layout is torch's with an orientation axis: ``(C_out, C_in, k, k)`` for the
lifting layer, ``(C_out, C_in, 4, k, k)`` for the group convolution; the
bias is ``(C_out,)``, shared by the four orientations.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_array, int_in_range, shape_tuple
from .conv import conv2d
from .grad import bias_grad, conv2d_input, conv2d_weight

__all__ = ["p4_bias", "p4_conv", "p4_conv_bank", "p4_conv_input", "p4_conv_weight", "p4_lift", "p4_lift_bank",
           "p4_lift_input", "p4_lift_weight", "p4_rotate"]

Padding = int | str | tuple
Shape = tuple | list
_AXES = (-2, -1)


def _weight(name: str, w, ndim: int) -> np.ndarray:
    arr = as_array(name, w)
    layout = "(C_out, C_in, k, k)" if ndim == 4 else "(C_out, C_in, 4, k, k)"
    if arr.ndim != ndim:
        raise ValueError(f"{name} must have shape {layout} with {ndim} dimensions; got shape {arr.shape}")
    if arr.shape[-1] != arr.shape[-2]:
        raise ValueError(f"{name} must have a square kernel (k x k, so that its rotations have its shape); "
                         f"got shape {arr.shape}")
    if ndim == 5 and arr.shape[2] != 4:
        raise ValueError(f"{name} must have 4 orientations on axis 2, shape {layout}; got shape {arr.shape}")
    return arr


def p4_lift_bank(w: ArrayLike) -> np.ndarray:
    """The lifting layer's expanded weight: each kernel in its four rotations, a ``conv2d`` weight.

    Parameters
    ----------
    w : array_like
        ``(C_out, C_in, k, k)``.

    Returns
    -------
    numpy.ndarray
        ``(4 * C_out, C_in, k, k)``; row ``4*o + r`` is ``rot90(w[o], r)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> w = np.array([[[[1, 2], [3, 4]]]])
    >>> convlab.p4_lift_bank(w)[:, 0]
    array([[[1, 2],
            [3, 4]],
    <BLANKLINE>
           [[2, 4],
            [1, 3]],
    <BLANKLINE>
           [[4, 3],
            [2, 1]],
    <BLANKLINE>
           [[3, 1],
            [4, 2]]])
    """
    w = _weight("w", w, 4)
    bank = np.stack([np.rot90(w, r, axes=_AXES) for r in range(4)], axis=1)     # (C_out, 4, C_in, k, k)
    return bank.reshape(4 * w.shape[0], *w.shape[1:])


def p4_conv_bank(w: ArrayLike) -> np.ndarray:
    """The group convolution's expanded weight: ``bank[o, r, c, s] = rot90(w[o, c, (s - r) mod 4], r)``.

    Parameters
    ----------
    w : array_like
        ``(C_out, C_in, 4, k, k)``.

    Returns
    -------
    numpy.ndarray
        ``(4 * C_out, 4 * C_in, k, k)``, a ``conv2d`` weight for the input
        ``(N, C_in, 4, H, W)`` read as ``(N, 4 * C_in, H, W)``: row
        ``4*o + r``, column ``4*c + s``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> w = np.arange(4).reshape(1, 1, 4, 1, 1)          # 1x1 kernels: only the roll shows
    >>> convlab.p4_conv_bank(w)[:, :, 0, 0]               # row r: w rolled forward by r
    array([[0, 1, 2, 3],
           [3, 0, 1, 2],
           [2, 3, 0, 1],
           [1, 2, 3, 0]])
    """
    w = _weight("w", w, 5)
    bank = np.stack([np.rot90(np.roll(w, r, axis=2), r, axes=_AXES) for r in range(4)], axis=1)
    c_out, c_in, _, k, _ = w.shape
    return bank.reshape(4 * c_out, 4 * c_in, k, k)


def p4_rotate(y: ArrayLike, k: int = 1) -> np.ndarray:
    """The action of a rotation on a p4 feature map: rotate every map, roll the orientations forward.

    ``p4_rotate(y, k)[..., r, :, :] = rot90(y[..., r - k, :, :], k)``: what
    a rotation of the input by ``k`` quarter turns does to the output of
    :func:`p4_lift` and :func:`p4_conv` (see :mod:`convlab.groups`).

    Parameters
    ----------
    y : array_like
        ``(..., 4, H, W)``: orientations on axis -3.
    k : int
        Quarter turns, ``0..3`` (counter-clockwise as drawn, ``numpy.rot90``'s).

    Returns
    -------
    numpy.ndarray
        ``(..., 4, W, H)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> y = np.arange(4).reshape(4, 1, 1)                 # one cell per orientation
    >>> convlab.p4_rotate(y).ravel()
    array([3, 0, 1, 2])
    >>> np.array_equal(convlab.p4_rotate(convlab.p4_rotate(y, 3)), y)
    True
    """
    arr = as_array("y", y)
    k = int_in_range("k", k, 0, 4)
    if arr.ndim < 3 or arr.shape[-3] != 4:
        raise ValueError(f"y must have shape (..., 4, H, W), 4 orientations on axis -3; "
                         f"got shape {arr.shape}")
    return np.rot90(np.roll(arr, k, axis=-3), k, axes=_AXES)


def _x(name: str, x, ndim: int) -> np.ndarray:
    arr = as_array(name, x)
    layout = "(N, C_in, H, W)" if ndim == 4 else "(N, C_in, 4, H, W)"
    if arr.ndim != ndim or (ndim == 5 and arr.shape[2] != 4):
        raise ValueError(f"{name} must have shape {layout}; got shape {arr.shape}")
    return arr


def _bias(bias, c_out: int) -> np.ndarray | None:
    if bias is None:
        return None
    b = as_array("bias", bias)
    if b.shape != (c_out,):
        raise ValueError(f"bias must have shape (C_out,) = {(c_out,)}; got {b.shape}")
    return np.repeat(b, 4)


def _split(y: np.ndarray) -> np.ndarray:
    return y.reshape(y.shape[0], y.shape[1] // 4, 4, *y.shape[2:])


def p4_lift(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None, *, stride: int | tuple = 1,
            padding: Padding = 0, dilation: int | tuple = 1) -> np.ndarray:
    """The p4 lifting layer: an image correlated with each kernel in its four rotations.

    ``y[n, o, r] = conv2d(x, rot90(w[o], r))[n] + bias[o]``; see :mod:`convlab.groups`.

    Parameters
    ----------
    x : array_like
        ``(N, C_in, H, W)``.
    w : array_like
        ``(C_out, C_in, k, k)``, square kernels.
    bias : array_like, optional
        ``(C_out,)``.
    stride, padding, dilation
        As in :func:`convlab.conv2d`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, 4, H_out, W_out)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(16).reshape(1, 1, 4, 4)
    >>> w = np.array([[[[0, 1, 0], [0, 0, 0], [0, 0, 0]]]])        # "the cell above"
    >>> y = convlab.p4_lift(x, w, padding=1)
    >>> y.shape, y[0, 0, :, 1, 1]                  # at (1, 1): above, left, below, right of x[1, 1] = 5
    ((1, 1, 4, 4, 4), array([1, 4, 9, 6]))
    >>> np.array_equal(convlab.p4_lift(np.rot90(x, axes=(-2, -1)), w, padding=1), convlab.p4_rotate(y))
    True
    """
    x = _x("x", x, 4)
    w = _weight("w", w, 4)
    y = conv2d(x, p4_lift_bank(w), _bias(bias, w.shape[0]), stride=stride, padding=padding, dilation=dilation)
    return _split(y)


def p4_conv(x: ArrayLike, w: ArrayLike, bias: ArrayLike | None = None, *, stride: int | tuple = 1,
            padding: Padding = 0, dilation: int | tuple = 1) -> np.ndarray:
    """The p4 group convolution: orientation ``r`` uses the weight rotated ``r`` times and rolled by ``r``.

    ``y[n, o, r] = sum_{c, s} conv2d(x[n, c, s], rot90(w[o, c, (s - r) mod 4], r)) + bias[o]``;
    see :mod:`convlab.groups`.

    Parameters
    ----------
    x : array_like
        ``(N, C_in, 4, H, W)``, a p4 feature map.
    w : array_like
        ``(C_out, C_in, 4, k, k)``, square kernels.
    bias : array_like, optional
        ``(C_out,)``.
    stride, padding, dilation
        As in :func:`convlab.conv2d`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, 4, H_out, W_out)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(-5, 5, (1, 2, 4, 6, 6))
    >>> w = rng.integers(-5, 5, (3, 2, 4, 3, 3))
    >>> z = convlab.p4_conv(y, w, padding=1)
    >>> z.shape, np.array_equal(convlab.p4_conv(convlab.p4_rotate(y), w, padding=1), convlab.p4_rotate(z))
    ((1, 3, 4, 6, 6), True)
    """
    x = _x("x", x, 5)
    w = _weight("w", w, 5)
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"w must have C_in = {x.shape[1]} on axis 1 (the input's channels); "
                         f"got shape {w.shape}")
    flat = x.reshape(x.shape[0], 4 * x.shape[1], *x.shape[3:])
    y = conv2d(flat, p4_conv_bank(w), _bias(bias, w.shape[0]), stride=stride, padding=padding,
               dilation=dilation)
    return _split(y)


def _grad_output(dy, c_out: int) -> np.ndarray:
    arr = as_array("grad_output", dy)
    if arr.ndim != 5 or arr.shape[1:3] != (c_out, 4):
        raise ValueError(f"grad_output must have shape (N, C_out, 4, H_out, W_out) with C_out = {c_out}; "
                         f"got shape {arr.shape}")
    return arr.reshape(arr.shape[0], 4 * c_out, *arr.shape[3:])


def p4_lift_input(input_size: Shape, weight: ArrayLike, grad_output: ArrayLike, stride: int | tuple = 1,
                  padding: Padding = 0, dilation: int | tuple = 1) -> np.ndarray:
    """The gradient of :func:`p4_lift` with respect to its input: :func:`convlab.grad.conv2d_input`
    with the expanded bank.

    Parameters
    ----------
    input_size : tuple of ints
        ``(N, C_in, H, W)``.
    weight : array_like
        ``(C_out, C_in, k, k)``.
    grad_output : array_like
        ``(N, C_out, 4, H_out, W_out)``.
    stride, padding, dilation
        Those of the layer.

    Returns
    -------
    numpy.ndarray
        ``dL/dx``, of shape ``input_size``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> w = np.array([[[[0, 1, 0], [0, 0, 0], [0, 0, 0]]]])
    >>> dy = np.zeros((1, 1, 4, 3, 3), dtype=int); dy[0, 0, :, 1, 1] = 1   # the centre, all orientations
    >>> convlab.p4_lift_input((1, 1, 3, 3), w, dy, padding=1)[0, 0]        # its four neighbours
    array([[0, 1, 0],
           [1, 0, 1],
           [0, 1, 0]])
    """
    w = _weight("weight", weight, 4)
    size = shape_tuple("input_size", input_size, 4)
    dy = _grad_output(grad_output, w.shape[0])
    return conv2d_input(size, p4_lift_bank(w), dy, stride, padding, dilation)


def p4_lift_weight(input: ArrayLike, weight_size: Shape, grad_output: ArrayLike, stride: int | tuple = 1,
                   padding: Padding = 0, dilation: int | tuple = 1) -> np.ndarray:
    """The gradient of :func:`p4_lift` with respect to its weight ``(C_out, C_in, k, k)``.

    :func:`convlab.grad.conv2d_weight` gives the gradient of every rotated
    copy in the bank; copy ``r`` is ``rot90(w, r)``, so its gradient reaches
    ``w`` rotated back, ``rot90(d_copy, -r)``, and the four add up.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, H, W)``.
    weight_size : tuple of ints
        ``(C_out, C_in, k, k)``.
    grad_output : array_like
        ``(N, C_out, 4, H_out, W_out)``.
    stride, padding, dilation
        Those of the layer.

    Returns
    -------
    numpy.ndarray
        ``dL/dw``, of shape ``weight_size``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(9).reshape(1, 1, 3, 3)
    >>> dy = np.zeros((1, 1, 4, 1, 1), dtype=int); dy[0, 0, 0] = 1         # orientation 0 only
    >>> convlab.p4_lift_weight(x, (1, 1, 3, 3), dy)[0, 0]                 # the patch itself
    array([[0, 1, 2],
           [3, 4, 5],
           [6, 7, 8]])
    """
    x = _x("input", input, 4)
    size = shape_tuple("weight_size", weight_size, 4)
    if size[-1] != size[-2]:
        raise ValueError(f"weight_size must have a square kernel (k x k); got {size!r}")
    c_out = size[0]
    d_bank = conv2d_weight(x, (4 * c_out, *size[1:]), _grad_output(grad_output, c_out), stride, padding,
                           dilation).reshape(c_out, 4, *size[1:])
    return sum(np.rot90(d_bank[:, r], -r, axes=_AXES) for r in range(4))


def p4_conv_input(input_size: Shape, weight: ArrayLike, grad_output: ArrayLike, stride: int | tuple = 1,
                  padding: Padding = 0, dilation: int | tuple = 1) -> np.ndarray:
    """The gradient of :func:`p4_conv` with respect to its input: :func:`convlab.grad.conv2d_input`
    with the expanded bank.

    Parameters
    ----------
    input_size : tuple of ints
        ``(N, C_in, 4, H, W)``.
    weight : array_like
        ``(C_out, C_in, 4, k, k)``.
    grad_output : array_like
        ``(N, C_out, 4, H_out, W_out)``.
    stride, padding, dilation
        Those of the layer.

    Returns
    -------
    numpy.ndarray
        ``dL/dx``, of shape ``input_size``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> w = np.arange(4).reshape(1, 1, 4, 1, 1)
    >>> dy = np.zeros((1, 1, 4, 1, 1), dtype=int); dy[0, 0, 1] = 1         # orientation 1
    >>> convlab.p4_conv_input((1, 1, 4, 1, 1), w, dy).ravel()            # row 1 of the bank
    array([3, 0, 1, 2])
    """
    w = _weight("weight", weight, 5)
    size = shape_tuple("input_size", input_size, 5)
    if size[2] != 4 or size[1] != w.shape[1]:
        raise ValueError(f"input_size must be (N, C_in, 4, H, W) with C_in = {w.shape[1]} (the weight's); "
                         f"got {size!r}")
    flat = (size[0], 4 * size[1], *size[3:])
    dx = conv2d_input(flat, p4_conv_bank(w), _grad_output(grad_output, w.shape[0]), stride, padding, dilation)
    return dx.reshape(size)


def p4_conv_weight(input: ArrayLike, weight_size: Shape, grad_output: ArrayLike, stride: int | tuple = 1,
                   padding: Padding = 0, dilation: int | tuple = 1) -> np.ndarray:
    """The gradient of :func:`p4_conv` with respect to its weight ``(C_out, C_in, 4, k, k)``.

    Copy ``r`` of the bank is ``rot90(roll(w, r, axis=orientation), r)``; its
    gradient (:func:`convlab.grad.conv2d_weight`) goes back by the inverse
    steps, ``roll(rot90(d_copy, -r), -r)``, and the four add up.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, 4, H, W)``.
    weight_size : tuple of ints
        ``(C_out, C_in, 4, k, k)``.
    grad_output : array_like
        ``(N, C_out, 4, H_out, W_out)``.
    stride, padding, dilation
        Those of the layer.

    Returns
    -------
    numpy.ndarray
        ``dL/dw``, of shape ``weight_size``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(4).reshape(1, 1, 4, 1, 1)                          # one cell per orientation
    >>> dy = np.zeros((1, 1, 4, 1, 1), dtype=int); dy[0, 0, 1] = 1         # orientation 1
    >>> convlab.p4_conv_weight(x, (1, 1, 4, 1, 1), dy).ravel()            # x rolled back by one
    array([1, 2, 3, 0])
    """
    x = _x("input", input, 5)
    size = shape_tuple("weight_size", weight_size, 5)
    if size[2] != 4 or size[-1] != size[-2] or size[1] != x.shape[1]:
        raise ValueError(f"weight_size must be (C_out, C_in, 4, k, k) with C_in = {x.shape[1]} (the input's) "
                         f"and a square kernel; got {size!r}")
    c_out, c_in, _, k, _ = size
    flat = x.reshape(x.shape[0], 4 * c_in, *x.shape[3:])
    d_bank = conv2d_weight(flat, (4 * c_out, 4 * c_in, k, k), _grad_output(grad_output, c_out), stride,
                           padding, dilation).reshape(c_out, 4, c_in, 4, k, k)
    return sum(np.roll(np.rot90(d_bank[:, r], -r, axes=_AXES), -r, axis=2) for r in range(4))


def p4_bias(grad_output: ArrayLike) -> np.ndarray:
    """The gradient of :func:`p4_lift` or :func:`p4_conv` with respect to its bias ``(C_out,)``.

    Each bias is added at every orientation and position, so its gradient
    sums ``grad_output`` over the batch, the orientations and the positions.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> convlab.p4_bias(np.ones((2, 3, 4, 5, 5), dtype=int))
    array([200, 200, 200])
    """
    dy = as_array("grad_output", grad_output)
    if dy.ndim != 5 or dy.shape[2] != 4:
        raise ValueError(f"grad_output must have shape (N, C_out, 4, H_out, W_out); got shape {dy.shape}")
    return bias_grad(dy.swapaxes(1, 2).reshape(dy.shape[0] * 4, dy.shape[1], *dy.shape[3:]))


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
