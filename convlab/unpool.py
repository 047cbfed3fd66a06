"""Max unpooling with ``torch.nn.functional`` semantics: a partial inverse of max pooling.

:func:`convlab.max_pool2d` with ``return_indices=True`` keeps each window's
largest value and where it was; :func:`max_unpool2d` puts every value back
at that place in an array of zeros of the pooled input's size::

    y[n, c].flat[indices[n, c, i]] = x[n, c, i]

so the maxima return to their cells and every other cell is 0. The output
has, per spatial axis, ``(n - 1) * stride - 2 * padding + kernel_size``
cells unless ``output_size`` picks another of the input sizes the pooling
maps to the same output size (torch's rule: within ``stride - 1`` of that
default; with ``ceil_mode`` or an odd remainder several sizes pool alike).
A default with an empty axis (padding as large as the kernel allows, on an
input of one window) is refused: torch returns an empty array there,
dropping every value without checking the indices.
One scatter of all values at once (``numpy.put_along_axis``), no loop.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_array, int_tuple, pool_input
from ._validate.sizes import check_allocation, shown

__all__ = ["max_unpool1d", "max_unpool2d", "max_unpool3d"]

Size = int | tuple[int, ...]


def _unpool_size(spatial, kernel, stride, padding, output_size, nd: int, op: str) -> tuple[int, ...]:
    """The output's spatial shape: the default, or ``output_size`` checked against torch's range.

    Written here, not in :mod:`convlab._validate`: no helper there reads a size given with or
    without its batch and channel axes and checks it against a range per axis.
    """
    default = tuple((n - 1) * s - 2 * p + k for n, k, s, p in zip(spatial, kernel, stride, padding))
    if output_size is None and any(d < 1 for d in default):
        raise ValueError(
            f"{op} with kernel_size={kernel}, stride={stride}, padding={padding} gives an output of "
            f"spatial shape {default} for an input of spatial shape {tuple(spatial)}: every axis needs "
            f"at least one cell (reduce the padding, or give output_size)"
        )
    if output_size is None:
        return default
    what = (f"None or a tuple of {nd} ints (or of {nd + 2}, the whole shape (N, C, *spatial), of which "
            f"the last {nd} are read)")
    if not isinstance(output_size, (tuple, list)):
        raise TypeError(f"output_size must be {what}; got {output_size!r} of type "
                        f"{type(output_size).__name__}")
    sizes = tuple(output_size)
    if len(sizes) not in (nd, nd + 2):
        raise ValueError(f"output_size must be {what}; got {sizes!r} of length {len(sizes)}")
    sizes = int_tuple("output_size", sizes[-nd:], nd, minimum=1)
    for axis, (size, d, s) in enumerate(zip(sizes, default, stride)):
        if not d - s < size < d + s:
            raise ValueError(
                f"output_size must be within stride - 1 of the default size on every axis, "
                f"{d - s + 1}..{d + s - 1} on spatial axis {axis} (default {d}, stride {s}); got {size} "
                f"(output_size={tuple(output_size)}; the default is (n - 1)*stride - 2*padding + "
                f"kernel_size, padding {padding[axis]})"
            )
    return sizes


def _max_unpool(x, indices, nd, op, kernel_size, stride, padding, output_size) -> np.ndarray:
    arr, unbatched = pool_input("x", x, nd, op)
    index = as_array("indices", indices)
    if index.dtype.kind not in "iu":
        raise TypeError(
            f"indices must be an integer array (as {op.replace('unpool', 'pool')}(..., return_indices=True) "
            f"returns); got dtype {index.dtype}"
        )
    if index.shape != arr.shape[unbatched:]:
        raise ValueError(f"indices must have the shape of x, {arr.shape[unbatched:]}; "
                         f"got shape {index.shape}")
    kernel = int_tuple("kernel_size", kernel_size, nd, minimum=1)
    stride = kernel if stride is None else int_tuple("stride", stride, nd, minimum=1)
    padding = int_tuple("padding", padding, nd, minimum=0)
    out = _unpool_size(arr.shape[2:], kernel, stride, padding, output_size, nd, op)
    n_batch, chans = arr.shape[:2]
    cause = f"output_size={shown(output_size)}" if output_size is not None else \
        f"stride={stride} and padding={padding} (with x of shape {arr.shape[unbatched:]})"
    check_allocation(cause, (n_batch, chans, *out), arr.dtype.itemsize)
    plane = math.prod(out)
    flat = index.reshape(n_batch, chans, math.prod(arr.shape[2:]))
    if flat.size:
        low, high = int(flat.min()), int(flat.max())
        if low < 0 or high >= plane:
            bad = low if low < 0 else high
            raise ValueError(
                f"indices must be flat indices into an output plane of shape {out} ({plane} cells), "
                f"0..{plane - 1}; got {bad}"
            )
    y = np.zeros((n_batch, chans, plane), dtype=arr.dtype)
    np.put_along_axis(y, flat.astype(np.intp, copy=False), arr.reshape(flat.shape), axis=2)
    y = y.reshape(n_batch, chans, *out)
    return y[0] if unbatched else y


def max_unpool1d(x: ArrayLike, indices: ArrayLike, kernel_size: Size, stride: Size | None = None,
                 padding: Size = 0, output_size: tuple[int, ...] | None = None) -> np.ndarray:
    """1-D max unpooling, like ``torch.nn.functional.max_unpool1d``.

    Puts each value of ``x`` at the cell ``indices`` names in a row of
    zeros: the inverse of :func:`convlab.max_pool1d` on the maxima, zero
    elsewhere. See :mod:`convlab.unpool`.

    Parameters
    ----------
    x : array_like
        ``(N, C, L)``, or ``(C, L)`` unbatched (the result is then unbatched
        too). Integer or floating; the result has its dtype.
    indices : array_like of int
        ``x``'s shape: where each value goes, an index into the output's
        last axis (what ``max_pool1d(..., return_indices=True)`` returns).
        If two name the same cell, one of their values is kept (which one
        is unspecified, as in torch; max pooling names a cell twice only
        with that cell's own value).
    kernel_size, stride, padding : int or tuple of 1 int
        Those of the max pooling; ``stride`` defaults to ``kernel_size``.
    output_size : tuple of ints, optional
        ``(L_out,)`` or ``(N, C, L_out)``; by default
        ``(L - 1) * stride - 2 * padding + kernel_size``, and within
        ``stride - 1`` of it (torch's rule).

    Returns
    -------
    numpy.ndarray
        ``(N, C, L_out)``, ``x``'s dtype.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[1, 5, 2, 0, 7]])
    >>> y, i = convlab.max_pool1d(x, 2, return_indices=True)
    >>> y, i
    (array([[5, 2]]), array([[1, 2]]))
    >>> convlab.max_unpool1d(y, i, 2)                       # the maxima back, zeros elsewhere
    array([[0, 5, 2, 0]])
    >>> convlab.max_unpool1d(y, i, 2, output_size=(5,))     # the pooled input's own length
    array([[0, 5, 2, 0, 0]])
    """
    return _max_unpool(x, indices, 1, "max_unpool1d", kernel_size, stride, padding, output_size)


def max_unpool2d(x: ArrayLike, indices: ArrayLike, kernel_size: Size, stride: Size | None = None,
                 padding: Size = 0, output_size: tuple[int, ...] | None = None) -> np.ndarray:
    """2-D max unpooling, like ``torch.nn.functional.max_unpool2d``.

    See :func:`max_unpool1d`; ``x`` is ``(N, C, H, W)`` or ``(C, H, W)``,
    an index is ``h * W_out + w`` and ``output_size`` is ``(H_out, W_out)``
    or ``(N, C, H_out, W_out)``.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.array([[[1.0, 2.0, 0.0, 3.0],
    ...                [4.0, 0.0, 5.0, 1.0]]])
    >>> y, i = convlab.max_pool2d(x, 2, return_indices=True)
    >>> convlab.max_unpool2d(y, i, 2)
    array([[[0., 0., 0., 0.],
            [4., 0., 5., 0.]]])
    """
    return _max_unpool(x, indices, 2, "max_unpool2d", kernel_size, stride, padding, output_size)


def max_unpool3d(x: ArrayLike, indices: ArrayLike, kernel_size: Size, stride: Size | None = None,
                 padding: Size = 0, output_size: tuple[int, ...] | None = None) -> np.ndarray:
    """3-D max unpooling, like ``torch.nn.functional.max_unpool3d``.

    See :func:`max_unpool1d`; ``x`` is ``(N, C, D, H, W)`` or
    ``(C, D, H, W)``, an index is ``(d * H_out + h) * W_out + w`` and
    ``output_size`` is ``(D_out, H_out, W_out)`` or the whole shape.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(8.0).reshape(1, 2, 2, 2)
    >>> y, i = convlab.max_pool3d(x, 2, return_indices=True)
    >>> y.ravel(), i.ravel()
    (array([7.]), array([7]))
    >>> convlab.max_unpool3d(y, i, 2)[0, 1]
    array([[0., 0.],
           [0., 7.]])
    """
    return _max_unpool(x, indices, 3, "max_unpool3d", kernel_size, stride, padding, output_size)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
