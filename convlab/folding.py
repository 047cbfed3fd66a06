"""``fold``: the column matrix of :func:`convlab.unfold` added back into place (col2im).

:func:`convlab.unfold` copies every patch a kernel sees into a column;
:func:`fold` is its adjoint (transpose): every column entry is *added* to
the cell it was copied from, so a cell that several patches share (stride
smaller than the kernel) receives the sum of their entries, and an entry
copied from padding is dropped. For every ``x`` and ``c`` of the right
shapes, with the same geometry::

    <unfold(x, ...), c> == <x, fold(c, x.shape[2:], ...)>

It is the inverse of ``unfold`` only where patches do not overlap and cover
the input (stride equal to the kernel size, no padding); in general
``fold(unfold(x))`` is ``x`` times the number of patches holding each cell.
Semantics are those of ``torch.nn.functional.fold`` (for any number of
spatial axes), whose transposed convolution it is the second half of: the
scatter-add is :mod:`convlab.methods.im2col`'s col2im, one strided add per
kernel tap (:func:`~convlab.methods.im2col.scatter_add_taps`), not a loop
over positions.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._padding import pad
from ._validate import as_array, geometry, max_abs, result_dtype, shape_tuple
from ._validate.sizes import check_allocation
from .methods.im2col import interleave, phase_shape, scatter_add_taps

__all__ = ["fold"]

Size = int | tuple[int, ...]


def _sizes(output_size, kernel_size) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``output_size`` and ``kernel_size`` as tuples of one int per spatial axis: a tuple's
    length sets the number of axes, two ints mean 2-D (as in torch)."""
    out_seq, k_seq = isinstance(output_size, (tuple, list)), isinstance(kernel_size, (tuple, list))
    nd = len(output_size) if out_seq else len(kernel_size) if k_seq else 2
    spatial = shape_tuple("output_size", output_size if out_seq else (output_size,) * nd)
    kernel = shape_tuple("kernel_size", kernel_size if k_seq else (kernel_size,) * len(spatial),
                         len(spatial))
    return spatial, kernel


def _unpad(zp: np.ndarray, pairs, spatial, padding_mode: str) -> np.ndarray:
    """The adjoint of padding ``(N, C, *spatial)`` by ``pairs`` in ``padding_mode``: every
    padded cell's value added to the cell it was copied from (dropped for zeros).

    Each mode copies along one axis at a time (``numpy.pad``'s order), so its adjoint
    is one scatter-add per axis; where a padded cell comes from is read off by padding
    the cell numbers ``0..n-1`` themselves.
    """
    inner = tuple(slice(lo, lo + n) for n, (lo, _) in zip(spatial, pairs))
    if padding_mode == "zeros":
        return np.ascontiguousarray(zp[(slice(None), slice(None), *inner)])
    out = zp
    for axis, (n, (lo, hi)) in enumerate(zip(spatial, pairs)):
        a = 2 + axis
        source = pad(np.arange(n).reshape(1, 1, n), ((lo, hi),), padding_mode)[0, 0]
        body = np.moveaxis(out, a, 0)[lo:lo + n].copy()
        moved = np.moveaxis(out, a, 0)
        for part in (slice(0, lo), slice(lo + n, lo + n + hi)):
            np.add.at(body, source[part], moved[part])
        out = np.moveaxis(body, 0, a)
    return np.ascontiguousarray(out)


def _copies_per_cell(spatial, pairs, padding_mode: str) -> int:
    """At most how many cells of the padded input are copies of one input cell."""
    if padding_mode == "zeros":
        return 1
    most = 1
    for n, (lo, hi) in zip(spatial, pairs):
        source = pad(np.arange(n).reshape(1, 1, n), ((lo, hi),), padding_mode)[0, 0]
        most *= int(np.bincount(source, minlength=n).max())
    return most


def fold(x: ArrayLike, output_size: Size, kernel_size: Size, dilation: Size = 1,
         padding: int | tuple = 0, stride: Size = 1, *, padding_mode: str = "zeros") -> np.ndarray:
    """Add columns of patches back into place: the adjoint of :func:`convlab.unfold`.

    Like ``torch.nn.functional.fold`` (same positional order), for any
    number of spatial axes::

        y[n, c, i*stride + j*dilation - padding] += x[n, (c, j), i]

    summed over every output position ``i`` and kernel tap ``j``, where row
    ``(c, j)`` is channel-major as in :func:`convlab.unfold`; entries that
    land in the padding are dropped. See :mod:`convlab.folding`.

    Parameters
    ----------
    x : array_like
        ``(N, C * prod(kernel_size), L)``, or ``(C * prod(kernel_size), L)``
        unbatched (the result is then unbatched too), where ``L`` is the
        number of patches ``unfold`` takes from an input of ``output_size``
        with this geometry.
    output_size : int or tuple of ints
        The spatial shape of the result (the input ``unfold`` was given);
        positive. A tuple's length sets the number of spatial axes.
    kernel_size : int or tuple of ints
        The kernel's spatial shape; two ints mean 2-D, as in torch.
    dilation, stride : int or tuple of ints
        Positive, as in :func:`convlab.unfold`.
    padding : int, tuple of ints, or of ``(before, after)`` pairs
        As in :func:`convlab.unfold` (torch's ``fold`` takes ints only).
    padding_mode : {"zeros", "reflect", "replicate", "circular", "symmetric"}
        The padding ``unfold`` read (torch has only zeros): an entry read from
        a padded cell is added to the input cell that padding copied, so
        ``fold`` stays the adjoint of ``unfold`` with the same mode.

    Returns
    -------
    numpy.ndarray
        ``(N, C, *output_size)``: exact ``int64`` for integer ``x``,
        ``x``'s dtype otherwise (float16 is summed in float32; torch's
        ``fold`` refuses integers).

    Examples
    --------
    >>> import numpy as np, convlab
    >>> x = np.arange(1, 10).reshape(1, 3, 3)              # C=1, 3x3, unbatched
    >>> cols = convlab.unfold(x, 2)                        # four overlapping 2x2 patches
    >>> convlab.fold(cols, (3, 3), 2)                      # each cell times the patches holding it
    array([[[ 1,  4,  3],
            [ 8, 20, 12],
            [ 7, 16,  9]]])
    >>> convlab.fold(convlab.unfold(x, 3, padding=1), 3, 3, padding=1) // x   # 3x3 patches, 9 of them
    array([[[4, 6, 4],
            [6, 9, 6],
            [4, 6, 4]]])
    >>> convlab.fold(np.ones((1, 2, 4)), (6,), (2,), stride=2, padding=1)     # 1-D: the padding drops
    array([[[1., 1., 1., 1., 1., 1.]]])
    """
    x_arr = as_array("x", x)
    spatial, kernel = _sizes(output_size, kernel_size)
    nd, taps = len(spatial), math.prod(kernel)
    if x_arr.ndim not in (2, 3):
        raise ValueError(
            f"x must have shape (N, C * prod(kernel_size), L) or (C * prod(kernel_size), L); "
            f"got shape {x_arr.shape}"
        )
    unbatched = x_arr.ndim == 2
    xb = x_arr[np.newaxis] if unbatched else x_arr
    n_batch, depth, positions = xb.shape
    if depth == 0 or depth % taps:
        raise ValueError(
            f"x's axis {1 - unbatched} must have C * prod(kernel_size) entries, a positive multiple of "
            f"prod(kernel_size) = {taps} for kernel_size={kernel}; got {depth} (x of shape {x_arr.shape})"
        )
    geom = geometry(spatial, kernel, stride, padding, dilation, padding_mode, 1,
                    ("output_size", "kernel_size"))
    if positions != math.prod(geom.out_spatial):
        count = " * ".join(map(str, geom.out_spatial)) + f" = {math.prod(geom.out_spatial)}" if nd > 1 else \
            str(geom.out_spatial[0])
        raise ValueError(
            f"x's last axis must have one column per patch: output_size={spatial}, kernel_size={kernel}, "
            f"stride={geom.stride}, padding={geom.padding}, dilation={geom.dilation} give "
            f"{count} patches; "
            f"got {positions} (x of shape {x_arr.shape})"
        )
    dtype = result_dtype(x_arr)
    work = np.dtype(np.float32) if dtype == np.float16 else dtype
    if dtype == np.int64:
        bound = max_abs(xb) * taps * _copies_per_cell(spatial, geom.padding, geom.padding_mode)
        if bound >= 2**63:
            raise ValueError(
                f"integer x could overflow the int64 result: max|x| * (entries added into one cell) "
                f"= {bound} >= 2**63; cast x to float64, or to object dtype for exact Python integers"
            )
    chans = depth // taps
    # the size rule: the result, and the phases it is added up in (about its size; padded too)
    target_cells = math.prod(n + lo + hi for n, (lo, hi) in zip(spatial, geom.padding))
    check_allocation(f"output_size={spatial}", (n_batch, chans, *spatial), work.itemsize,
                     workspace=n_batch * chans * target_cells * work.itemsize)
    cols = xb.astype(work, copy=False).reshape(n_batch, chans, *kernel, *geom.out_spatial)
    ranges = [(0, o, True) for o in geom.out_spatial]
    if geom.padding_mode == "zeros":                      # crop while adding: no padded buffer
        target, pairs = spatial, geom.padding
    else:
        target = tuple(n + lo + hi for n, (lo, hi) in zip(spatial, geom.padding))
        pairs = ((0, 0),) * nd
    zp = np.zeros((n_batch, chans, *phase_shape(target, geom.stride)), dtype=work)
    scatter_add_taps(zp, cols, slice(None), slice(None), kernel, geom.stride, geom.dilation, pairs, ranges)
    y = interleave(zp, target)
    if geom.padding_mode != "zeros":
        y = _unpad(y, geom.padding, spatial, geom.padding_mode)
    y = np.ascontiguousarray(y).astype(dtype, copy=False)
    return y[0] if unbatched else y


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
