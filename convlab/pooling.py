"""Pooling with ``torch.nn.functional`` semantics, and its gradients.

* :func:`max_pool1d`, :func:`max_pool2d`, :func:`max_pool3d`: the largest
  cell of each window. Windows are a strided *view* of the input padded
  with ``-inf`` (padding is never picked) and the maximum an ``argmax``
  over each window -- no Python loop over output positions. Ties go to the
  *first* maximal cell in window order and a NaN is the maximum (the last
  NaN of a window wins), exactly as torch on CPU; ``return_indices=True``
  also gives torch's indices, flat into each input plane.
* :func:`avg_pool1d`, :func:`avg_pool2d`, :func:`avg_pool3d`: what average
  pooling is, a depthwise convolution (:func:`convlab.convnd` with
  ``groups=C``) of a box of ones, with a stride, divided by a divisor that
  is itself a convolution of a ones image: the number of cells of the
  padded input each window covers (``count_include_pad=True``; windows that
  ``ceil_mode`` lets run past the padded input are clipped to it, as in
  torch), or the number of real input cells (``count_include_pad=False``),
  unless ``divisor_override`` replaces it.
* ``*_backward``: the gradient with respect to the input, given the
  gradient of the output (what ``torch.autograd`` computes). Max pooling
  sends each output's gradient to the cell it picked, and where windows
  overlap (stride < kernel size) the gradients of every window that picked
  a cell add up. Average pooling's gradient is its adjoint: each output's
  gradient, divided by the same divisor, spread over its window -- a
  scatter over the kernel's taps, one strided slice each.

``kernel_size``, ``stride`` (default: ``kernel_size``), ``padding`` and
``dilation`` are ints or tuples of one int per spatial axis; ``padding`` is
at most ``kernel_size // 2`` and every output size follows torch's rule,
``ceil_mode`` included (see :func:`convlab._validate.pool_output_size`).

Dtypes: max pooling returns the input's dtype (integers included). Average
pooling returns the input's floating dtype, and ``float64`` for integer
input (torch divides integers with truncation; convlab sums exactly and
divides once). Gradients have the floating dtype of ``grad_output`` and
``x`` together (``float64`` if both are integers).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._validate import PoolGeometry, flag, pool_geometry, pool_grad_output, pool_input
from .conv import convnd
from .methods.im2col import patch_view

Size = int | tuple[int, ...]


# --------------------------------------------------------------------------
# windows
# --------------------------------------------------------------------------

def _windows(x: np.ndarray, g: PoolGeometry, fill) -> np.ndarray:
    """Every window of ``x`` padded with ``fill``: ``(N, C, K, L)``, ``K`` taps in
    window order (row-major over the kernel), ``L`` output positions."""
    n_batch, chans = x.shape[:2]
    pairs = g.pairs
    xp = x
    if any(lo or hi for lo, hi in pairs):
        xp = np.pad(x, [(0, 0), (0, 0), *pairs], constant_values=fill)
    view = patch_view(xp, g.kernel, g.stride, g.dilation, g.out_spatial)     # (N, C, *k, *out)
    return view.reshape(n_batch, chans, math.prod(g.kernel), math.prod(g.out_spatial))


def _taps(g: PoolGeometry, spatial: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """For every tap and output position, ``(K, L)``: the flat index into the input
    plane that the tap reads, and whether that cell is inside the input."""
    nd = len(spatial)
    flat = np.zeros((1,) * 2 * nd, dtype=np.int64)
    inside = np.ones((1,) * 2 * nd, dtype=bool)
    for axis, (n, k, s, p, d, o) in enumerate(zip(spatial, g.kernel, g.stride, g.padding, g.dilation,
                                                  g.out_spatial)):
        shape = [1] * 2 * nd
        shape[axis], shape[nd + axis] = k, o
        coord = (np.arange(k)[:, None] * d + np.arange(o)[None, :] * s - p).reshape(shape)
        inside = inside & (coord >= 0) & (coord < n)
        flat = flat * n + coord
    full = (*g.kernel, *g.out_spatial)
    return (np.broadcast_to(flat, full).reshape(math.prod(g.kernel), -1),
            np.broadcast_to(inside, full).reshape(math.prod(g.kernel), -1))


def _argmax(x: np.ndarray, g: PoolGeometry) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling of ``(N, C, *spatial)``: values and flat plane indices, ``(N, C, L)``.

    torch's CPU rule: scanning a window in order, a cell replaces the
    current maximum if it is larger or NaN. So the first maximal cell wins a
    tie, the last NaN wins over everything, and padding is never picked.
    """
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    win = _windows(x, g, fill)
    flat, inside = _taps(g, x.shape[2:])
    peak = win.max(axis=2, keepdims=True)                        # NaN where a window holds one
    pick = np.argmax((win == peak) & inside, axis=2)             # the first maximal cell inside
    if x.dtype.kind == "f":
        nan = np.isnan(win)
        if nan.any():
            last = win.shape[2] - 1 - np.argmax(nan[:, :, ::-1], axis=2)
            pick = np.where(nan.any(axis=2), last, pick)
    values = np.take_along_axis(win, pick[:, :, np.newaxis], axis=2)[:, :, 0]
    return values, flat[pick, np.arange(flat.shape[1])]


def _grad_dtype(grad_output: np.ndarray, x: np.ndarray) -> np.dtype:
    dtype = np.result_type(grad_output.dtype, x.dtype)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


# --------------------------------------------------------------------------
# max pooling
# --------------------------------------------------------------------------

def _max_pool(x, nd, op, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    arr, unbatched = pool_input("x", x, nd, op)
    g = pool_geometry(arr.shape[2:], kernel_size, stride, padding, dilation, ceil_mode)
    return_indices = flag("return_indices", return_indices)
    values, index = _argmax(arr, g)
    shape = (*arr.shape[:2], *g.out_spatial)
    values, index = values.reshape(shape), index.reshape(shape)
    if unbatched:
        values, index = values[0], index[0]
    return (values, index) if return_indices else values


def _max_pool_backward(grad_output, x, nd, op, kernel_size, stride, padding, dilation, ceil_mode):
    arr, unbatched = pool_input("x", x, nd, op)
    g = pool_geometry(arr.shape[2:], kernel_size, stride, padding, dilation, ceil_mode)
    out_shape = (*arr.shape[:2], *g.out_spatial)
    gy = pool_grad_output(grad_output, out_shape[unbatched:], op)
    dtype = _grad_dtype(gy, arr)
    _, index = _argmax(arr, g)                                       # (N, C, L)
    planes, plane = arr.shape[0] * arr.shape[1], math.prod(arr.shape[2:])
    index = index.reshape(planes, math.prod(g.out_spatial)) + \
        (np.arange(planes, dtype=np.int64) * plane)[:, None]
    gx = np.zeros(planes * plane, dtype=dtype)
    # np.add.at, not assignment: where windows overlap, one cell is picked by several
    # (in output order, the order torch adds them in)
    np.add.at(gx, index.ravel(), gy.reshape(-1).astype(dtype, copy=False))
    gx = gx.reshape(arr.shape)
    return gx[0] if unbatched else gx


def max_pool1d(x: ArrayLike, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               dilation: Size = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """1-D max pooling, like ``torch.nn.functional.max_pool1d``.

    ``y[n, c, i] = max_j xp[n, c, i*stride + j*dilation]`` where ``xp`` is
    ``x`` padded with ``-inf``.

    Parameters
    ----------
    x : array_like
        ``(N, C, L)``, or ``(C, L)`` unbatched (the result is then unbatched
        too). Integer or floating.
    kernel_size : int or tuple of 1 int
        The window.
    stride : int or tuple of 1 int, optional
        Positive; ``None`` (the default) is ``kernel_size``.
    padding : int or tuple of 1 int
        Cells of ``-inf`` on both sides, at most ``kernel_size // 2``.
    dilation : int or tuple of 1 int
        Spacing of the window's taps.
    ceil_mode : bool
        Round the output size up, keeping a last partial window if it starts
        inside the input or its left padding.
    return_indices : bool
        Also return, for each output, the index into ``x``'s last axis of
        the cell it took (the first maximal one; NaN wins, the last NaN).

    Returns
    -------
    numpy.ndarray or (numpy.ndarray, numpy.ndarray)
        ``(N, C, L_out)`` with ``x``'s dtype, and the ``int64`` indices.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[1, 3, 2, 3, 0]])
    >>> convlab.max_pool1d(x, 2)
    array([[3, 3]])
    >>> convlab.max_pool1d(x, 3, stride=1, return_indices=True)
    (array([[3, 3, 3]]), array([[1, 1, 3]]))
    >>> convlab.max_pool1d(x, 2, ceil_mode=True)
    array([[3, 3, 0]])
    """
    return _max_pool(x, 1, "max_pool1d", kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool2d(x: ArrayLike, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               dilation: Size = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """2-D max pooling, like ``torch.nn.functional.max_pool2d``.

    See :func:`max_pool1d` for the parameters (ints or tuples of 2 ints);
    ``x`` is ``(N, C, H, W)`` or ``(C, H, W)``, and an index is
    ``h * W + w``, flat into the input's ``H x W`` plane.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(16.0).reshape(1, 4, 4)
    >>> convlab.max_pool2d(x, 2)
    array([[[ 5.,  7.],
            [13., 15.]]])
    >>> y, i = convlab.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
    >>> i
    array([[[ 5,  7],
            [13, 15]]])
    """
    return _max_pool(x, 2, "max_pool2d", kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool3d(x: ArrayLike, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               dilation: Size = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """3-D max pooling, like ``torch.nn.functional.max_pool3d``.

    See :func:`max_pool1d` for the parameters (ints or tuples of 3 ints);
    ``x`` is ``(N, C, D, H, W)`` or ``(C, D, H, W)``, and an index is
    ``(d * H + h) * W + w``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(27).reshape(1, 1, 3, 3, 3)
    >>> convlab.max_pool3d(x, 2, stride=1)[0, 0]
    array([[[13, 14],
            [16, 17]],
    <BLANKLINE>
           [[22, 23],
            [25, 26]]])
    """
    return _max_pool(x, 3, "max_pool3d", kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool1d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size,
                        stride: Size | None = None, padding: Size = 0, dilation: Size = 1,
                        ceil_mode: bool = False) -> np.ndarray:
    """The gradient of :func:`max_pool1d` with respect to ``x``.

    Each output's gradient goes to the cell that output took (the one
    ``return_indices`` names); where windows overlap, a cell taken by
    several outputs receives the sum of their gradients. What
    ``torch.autograd`` computes for ``max_pool1d``.

    Parameters
    ----------
    grad_output : array_like
        The gradient of the output, of the output's shape.
    x, kernel_size, stride, padding, dilation, ceil_mode
        As given to :func:`max_pool1d`.

    Returns
    -------
    numpy.ndarray
        Of ``x``'s shape, floating.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[0.0, 5.0, 1.0, 2.0, 0.0]])
    >>> convlab.max_pool1d(x, 3, stride=1)                  # every window takes the 5
    array([[5., 5., 2.]])
    >>> convlab.max_pool1d_backward(np.ones((1, 3)), x, 3, stride=1)
    array([[0., 2., 0., 1., 0.]])
    """
    return _max_pool_backward(grad_output, x, 1, "max_pool1d", kernel_size, stride, padding,
                              dilation, ceil_mode)


def max_pool2d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size,
                        stride: Size | None = None, padding: Size = 0, dilation: Size = 1,
                        ceil_mode: bool = False) -> np.ndarray:
    """The gradient of :func:`max_pool2d` with respect to ``x``.

    See :func:`max_pool1d_backward`.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.ones((1, 3, 3))                              # all tied: each window takes its first cell
    >>> convlab.max_pool2d_backward(np.ones((1, 2, 2)), x, 2, stride=1)
    array([[[1., 1., 0.],
            [1., 1., 0.],
            [0., 0., 0.]]])
    """
    return _max_pool_backward(grad_output, x, 2, "max_pool2d", kernel_size, stride, padding,
                              dilation, ceil_mode)


def max_pool3d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size,
                        stride: Size | None = None, padding: Size = 0, dilation: Size = 1,
                        ceil_mode: bool = False) -> np.ndarray:
    """The gradient of :func:`max_pool3d` with respect to ``x``.

    See :func:`max_pool1d_backward`.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(8.0).reshape(1, 2, 2, 2)
    >>> convlab.max_pool3d_backward(np.full((1, 1, 1, 1), 3.0), x, 2)[0, 1]
    array([[0., 0.],
           [0., 3.]])
    """
    return _max_pool_backward(grad_output, x, 3, "max_pool3d", kernel_size, stride, padding,
                              dilation, ceil_mode)


# --------------------------------------------------------------------------
# average pooling
# --------------------------------------------------------------------------

def _box_conv(x: np.ndarray, g: PoolGeometry, pairs) -> np.ndarray:
    """Window sums: the depthwise convolution of ``x`` with a box of ones."""
    box = np.ones((x.shape[1], 1, *g.kernel), dtype=x.dtype)
    # im2col, not "auto": the sums are exact in window order, and for these depthwise
    # convolutions auto's cost model picks fft where im2col is ~20x faster
    return convnd(x, box, stride=g.stride, padding=pairs, groups=x.shape[1], method="im2col")


def _divisor(g: PoolGeometry, spatial: tuple[int, ...]) -> int | np.ndarray:
    """What each window's sum is divided by: an int, or ``(*out)`` int64 counts.

    A count is itself a convolution of a ones image: of the padded input's
    extent (``count_include_pad``; a ``ceil_mode`` window past it covers
    ``extra`` cells of zeros), or of the input alone (its padding zeros).
    """
    if g.divisor_override is not None:
        return g.divisor_override
    if g.count_include_pad:
        shape = tuple(n + 2 * p for n, p in zip(spatial, g.padding))
        pairs = tuple((0, e) for e in g.extra)
    else:
        shape, pairs = tuple(spatial), g.pairs
    if not any(lo or hi for lo, hi in pairs):
        return math.prod(g.kernel)
    ones = np.ones((1, 1, *shape), dtype=np.int64)
    return _box_conv(ones, g, pairs)[0, 0]


def _avg_dtypes(dtype: np.dtype) -> tuple[np.dtype, np.dtype]:
    """(the dtype window sums are taken in, the dtype the average is computed in)."""
    if dtype.kind in "iu":
        return np.dtype(np.int64), np.dtype(np.float64)        # exact sums, one rounding
    if dtype.itemsize < 4:
        return np.dtype(np.float32), np.dtype(np.float32)      # float16 in float32
    return dtype, dtype


def _avg_pool(x, nd, op, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    arr, unbatched = pool_input("x", x, nd, op)
    g = pool_geometry(arr.shape[2:], kernel_size, stride, padding, 1, ceil_mode,
                      count_include_pad=count_include_pad, divisor_override=divisor_override)
    sum_dtype, avg_dtype = _avg_dtypes(arr.dtype)
    sums = _box_conv(arr.astype(sum_dtype, copy=False), g, g.pairs)
    y = sums.astype(avg_dtype, copy=False) / np.asarray(_divisor(g, arr.shape[2:]), dtype=avg_dtype)
    if arr.dtype.kind == "f":
        y = y.astype(arr.dtype, copy=False)
    return y[0] if unbatched else y


def _avg_pool_backward(grad_output, x, nd, op, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, divisor_override):
    arr, unbatched = pool_input("x", x, nd, op)
    g = pool_geometry(arr.shape[2:], kernel_size, stride, padding, 1, ceil_mode,
                      count_include_pad=count_include_pad, divisor_override=divisor_override)
    out_shape = (*arr.shape[:2], *g.out_spatial)
    gy = pool_grad_output(grad_output, out_shape[unbatched:], op)
    dtype = _grad_dtype(gy, arr)
    gy = gy.reshape(out_shape).astype(dtype, copy=False)
    share = gy / np.asarray(_divisor(g, arr.shape[2:]), dtype=dtype)
    spatial = arr.shape[2:]
    gxp = np.zeros((*arr.shape[:2], *(n + lo + hi for n, (lo, hi) in zip(spatial, g.pairs))), dtype)
    # the adjoint of the box convolution: every tap adds the shares to the cells it read;
    # one strided slice per tap (no two outputs of one tap read the same cell)
    for tap in np.ndindex(*g.kernel):
        cells = tuple(slice(j, j + (o - 1) * s + 1, s) for j, o, s in zip(tap, g.out_spatial, g.stride))
        gxp[(slice(None), slice(None), *cells)] += share
    gx = gxp[(slice(None), slice(None), *(slice(p, p + n) for p, n in zip(g.padding, spatial)))]
    gx = np.ascontiguousarray(gx)
    return gx[0] if unbatched else gx


def avg_pool1d(x: ArrayLike, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> np.ndarray:
    """1-D average pooling, like ``torch.nn.functional.avg_pool1d``.

    Computed as what it is: the depthwise convolution
    ``convlab.conv1d(x, ones((C, 1, k)), stride=stride, padding=padding, groups=C)``
    divided by the number of cells each window covers.

    Parameters
    ----------
    x : array_like
        ``(N, C, L)``, or ``(C, L)`` unbatched (the result is then unbatched
        too). Integer or floating.
    kernel_size : int or tuple of 1 int
        The window.
    stride : int or tuple of 1 int, optional
        Positive; ``None`` (the default) is ``kernel_size``.
    padding : int or tuple of 1 int
        Cells of zeros on both sides, at most ``kernel_size // 2``.
    ceil_mode : bool
        Round the output size up, keeping a last partial window if it starts
        inside the input or its left padding; such a window's divisor counts
        only the cells of the padded input it covers.
    count_include_pad : bool
        Count the padding in the divisor (``True``, torch's default) or only
        the window's input cells.
    divisor_override : int, optional
        A positive divisor for every window instead (torch's ``avg_pool1d``
        lacks it; its ``avg_pool2d`` has it).

    Returns
    -------
    numpy.ndarray
        ``(N, C, L_out)``; ``x``'s floating dtype, ``float64`` for integers.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    >>> convlab.avg_pool1d(x, 2)
    array([[1.5, 3.5]])
    >>> convlab.avg_pool1d(x, 3, stride=2, padding=1)                          # pads count
    array([[1., 3., 3.]])
    >>> convlab.avg_pool1d(x, 3, stride=2, padding=1, count_include_pad=False)  # they do not
    array([[1.5, 3. , 4.5]])
    """
    return _avg_pool(x, 1, "avg_pool1d", kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool2d(x: ArrayLike, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> np.ndarray:
    """2-D average pooling, like ``torch.nn.functional.avg_pool2d``.

    See :func:`avg_pool1d` for the parameters (ints or tuples of 2 ints);
    ``x`` is ``(N, C, H, W)`` or ``(C, H, W)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(16).reshape(1, 4, 4)
    >>> convlab.avg_pool2d(x, 2)
    array([[[ 2.5,  4.5],
            [10.5, 12.5]]])
    >>> convlab.avg_pool2d(x, 2, divisor_override=1)                 # window sums
    array([[[10., 18.],
            [42., 50.]]])
    """
    return _avg_pool(x, 2, "avg_pool2d", kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool3d(x: ArrayLike, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> np.ndarray:
    """3-D average pooling, like ``torch.nn.functional.avg_pool3d``.

    See :func:`avg_pool1d` for the parameters (ints or tuples of 3 ints);
    ``x`` is ``(N, C, D, H, W)`` or ``(C, D, H, W)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(8.0).reshape(1, 1, 2, 2, 2)
    >>> convlab.avg_pool3d(x, 2)
    array([[[[[3.5]]]]])
    """
    return _avg_pool(x, 3, "avg_pool3d", kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool1d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size,
                        stride: Size | None = None, padding: Size = 0, ceil_mode: bool = False,
                        count_include_pad: bool = True,
                        divisor_override: int | None = None) -> np.ndarray:
    """The gradient of :func:`avg_pool1d` with respect to ``x``.

    The adjoint (transpose) of average pooling: each output's gradient,
    divided by that window's divisor, is spread over the window's cells, and
    where windows overlap the shares add up. What ``torch.autograd``
    computes for ``avg_pool1d``. Only ``x``'s shape matters (the operation
    is linear).

    Parameters
    ----------
    grad_output : array_like
        The gradient of the output, of the output's shape.
    x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
        As given to :func:`avg_pool1d`.

    Returns
    -------
    numpy.ndarray
        Of ``x``'s shape, floating.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.zeros((1, 5))
    >>> convlab.avg_pool1d_backward(np.array([[3.0, 6.0]]), x, 3, stride=2)
    array([[1., 1., 3., 2., 2.]])
    """
    return _avg_pool_backward(grad_output, x, 1, "avg_pool1d", kernel_size, stride, padding,
                              ceil_mode, count_include_pad, divisor_override)


def avg_pool2d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size,
                        stride: Size | None = None, padding: Size = 0, ceil_mode: bool = False,
                        count_include_pad: bool = True,
                        divisor_override: int | None = None) -> np.ndarray:
    """The gradient of :func:`avg_pool2d` with respect to ``x``.

    See :func:`avg_pool1d_backward`.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.zeros((1, 4, 4))
    >>> convlab.avg_pool2d_backward(np.ones((1, 2, 2)), x, 2)
    array([[[0.25, 0.25, 0.25, 0.25],
            [0.25, 0.25, 0.25, 0.25],
            [0.25, 0.25, 0.25, 0.25],
            [0.25, 0.25, 0.25, 0.25]]])
    """
    return _avg_pool_backward(grad_output, x, 2, "avg_pool2d", kernel_size, stride, padding,
                              ceil_mode, count_include_pad, divisor_override)


def avg_pool3d_backward(grad_output: ArrayLike, x: ArrayLike, kernel_size: Size,
                        stride: Size | None = None, padding: Size = 0, ceil_mode: bool = False,
                        count_include_pad: bool = True,
                        divisor_override: int | None = None) -> np.ndarray:
    """The gradient of :func:`avg_pool3d` with respect to ``x``.

    See :func:`avg_pool1d_backward`.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.zeros((1, 1, 2, 2, 2))
    >>> convlab.avg_pool3d_backward(np.full((1, 1, 1, 1, 1), 8.0), x, 2)[0, 0, 0]
    array([[1., 1.],
           [1., 1.]])
    """
    return _avg_pool_backward(grad_output, x, 3, "avg_pool3d", kernel_size, stride, padding,
                              ceil_mode, count_include_pad, divisor_override)
