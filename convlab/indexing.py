"""Index maps: which input cells each output cell of a convolution reads.

:func:`index_map` does not *compute* the positions from a formula: it asks
convlab. Every cell of the padded input is labelled with its own (1-based)
flat index, the kernel is replaced by one-hot kernels (one output channel
per kernel tap), and :func:`convlab.convnd` is run with the requested
``stride``, ``padding`` and ``dilation``. Output channel ``t`` at output
position ``o`` then holds exactly the label of the cell that tap ``t`` read
for output ``o``. Pictures drawn from an :class:`IndexMap` (see
:mod:`convlab.viz.grids`) therefore cannot disagree with the package.

The map is computed twice: once on the explicitly padded grid of labels with
``padding=0``, and once on the unpadded labels with the requested padding, so
that convlab inserts the zeros itself. The two runs must agree on every
non-padding read and the second must read 0 exactly where the first reads a
padding cell; :func:`index_map` raises if they do not.

:func:`transposed_index_map` does the same for a transposed convolution
(:func:`convlab.conv_transposend`), read the other way: each input cell
is labelled, the kernel replaced by one-hot kernels (one output channel per
tap), and output channel ``t`` at position ``o`` then holds the label of the
input cell whose scattered copy of the kernel puts tap ``t`` on ``o`` (0
where none does). Its :meth:`TransposedIndexMap.coverage` counts the taps
reaching each output cell: the checkerboard of a kernel size not divisible
by the stride.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from . import conv, transposed
from ._validate import choice, geometry, shape_tuple, transposed_geometry

__all__ = ["IndexMap", "TransposedIndexMap", "index_map", "transposed_index_map"]


@dataclass(frozen=True)
class IndexMap:
    """Where every output cell of one convolution reads its input.

    Coordinates are 0-based positions in the *padded* input, whose shape is
    ``padded_shape``; the real input occupies ``padding[a][0] <= i <
    padding[a][0] + input_shape[a]`` on each axis ``a``.

    Attributes
    ----------
    input_shape, kernel_shape, output_shape, padded_shape : tuple of int
        Spatial shapes.
    stride, dilation : tuple of int
        One per axis.
    padding : tuple of (int, int)
        ``(before, after)`` per axis, as convlab applied it.
    indices : numpy.ndarray
        Integer array ``(*output_shape, *kernel_shape, nd)``:
        ``indices[o + t]`` is the padded coordinate that kernel tap ``t``
        reads for output ``o``.
    """

    input_shape: tuple[int, ...]
    kernel_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    padded_shape: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    indices: np.ndarray

    @property
    def ndim(self) -> int:
        """Number of spatial dimensions."""
        return len(self.input_shape)

    def footprint(self, out_index) -> np.ndarray:
        """Padded coordinates read for one output cell, ``(kernel size, nd)``, in kernel order.

        Examples
        --------
        >>> from convlab.indexing import index_map
        >>> index_map(5, 3, stride=2).footprint(1).ravel().tolist()
        [2, 3, 4]
        """
        out_index = _as_index("out_index", out_index, self.output_shape)
        return self.indices[out_index].reshape(-1, self.ndim)

    def padding_mask(self) -> np.ndarray:
        """Boolean array of ``padded_shape``: True on padding cells.

        Examples
        --------
        >>> from convlab.indexing import index_map
        >>> index_map(3, 3, padding=1).padding_mask().astype(int).tolist()
        [1, 0, 0, 0, 1]
        """
        mask = np.ones(self.padded_shape, dtype=bool)
        inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(self.padding, self.input_shape))
        mask[inner] = False
        return mask

    def coverage(self) -> np.ndarray:
        """How many (output, tap) pairs read each padded cell, an int array of ``padded_shape``.

        Cells with coverage 0 never influence the output (a stride larger
        than the dilated kernel skips them).

        Examples
        --------
        >>> from convlab.indexing import index_map
        >>> index_map(7, 2, stride=3).coverage().tolist()
        [1, 1, 0, 1, 1, 0, 0]
        """
        counts = np.zeros(self.padded_shape, dtype=np.int64)
        flat = self.indices.reshape(-1, self.ndim)
        np.add.at(counts, tuple(flat.T), 1)
        return counts


def _as_index(name, value, shape):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, (tuple, list)) or len(value) != len(shape) or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
        raise TypeError(f"{name} must be a tuple of {len(shape)} ints; got {value!r}")
    value = tuple(int(v) for v in value)
    if not all(0 <= v < n for v, n in zip(value, shape)):
        raise IndexError(f"{name} {value} is outside the output of shape {shape}")
    return value


def index_map(input_shape, kernel_shape, *, stride=1, padding=0, dilation=1,
              method: str = "im2col") -> IndexMap:
    """Which padded input cell every kernel tap reads, for every output cell.

    Computed by running :func:`convlab.convnd` on labelled inputs and one-hot
    kernels (see the module docstring), so it is what convlab really does.

    Parameters
    ----------
    input_shape, kernel_shape : int or tuple of int
        Spatial shapes (1, 2 or 3 axes, the same number for both).
    stride, padding, dilation
        As for :func:`convlab.convnd` (``padding`` may be an int, a tuple of
        ints or of ``(before, after)`` pairs, or ``"valid"``, ``"same"``,
        ``"full"``).
    method : {"im2col", "loop"}
        The convlab method that is run (both are exact on integers).

    Returns
    -------
    IndexMap

    Examples
    --------
    >>> from convlab.indexing import index_map
    >>> m = index_map((4, 4), (3, 3))
    >>> m.output_shape, m.indices.shape
    ((2, 2), (2, 2, 3, 3, 2))
    >>> m.footprint((1, 0))[:3].tolist()      # output (1, 0) starts reading at row 1, column 0
    [[1, 0], [1, 1], [1, 2]]
    >>> s = index_map(5, 4, padding="same")   # even kernel: the extra zero goes after
    >>> s.padding, s.footprint(0).ravel().tolist()
    (((1, 2),), [0, 1, 2, 3])
    """
    input_shape = shape_tuple("input_shape", input_shape)
    kernel_shape = shape_tuple("kernel_shape", kernel_shape)
    nd = len(input_shape)
    if len(kernel_shape) != nd:
        raise ValueError(f"input_shape and kernel_shape must have the same number of axes; "
                         f"got {input_shape} and {kernel_shape}")
    if nd > 3:
        raise ValueError(f"index_map supports 1, 2 or 3 spatial axes; got {nd}")
    choice("method", method, ("im2col", "loop"))
    # convlab's own validation of stride, padding and dilation (and "kernel too large")
    geom = geometry(input_shape, kernel_shape, stride, padding, dilation)
    stride_t, pads, dilation_t = geom.stride, geom.padding, geom.dilation
    padded_shape = tuple(n + lo + hi for n, (lo, hi) in zip(input_shape, pads))

    n_taps = math.prod(kernel_shape)
    onehot = np.eye(n_taps, dtype=np.int64).reshape(n_taps, 1, *kernel_shape)
    labels = np.arange(1, math.prod(padded_shape) + 1, dtype=np.int64).reshape(padded_shape)
    inner = labels[tuple(slice(lo, lo + n) for (lo, _), n in zip(pads, input_shape))]

    # convlab pads the real input itself ...
    real = conv.convnd(inner[None], onehot, stride=stride, padding=padding,
                       dilation=dilation, method=method)
    # ... and reads the explicitly padded grid of labels with padding 0.
    full = conv.convnd(labels[None], onehot, stride=stride, padding=0,
                       dilation=dilation, method=method)
    if real.shape != full.shape or not np.array_equal(real[real != 0], full[real != 0]):
        raise RuntimeError("convlab's padding disagrees with its padding pairs "
                           f"{pads}: please report this as a bug")
    coords = np.stack(np.unravel_index(full - 1, padded_shape), axis=-1)   # (taps, *out, nd)
    mask = np.zeros(padded_shape, dtype=bool)
    mask.flat[full[real == 0] - 1] = True
    if mask[tuple(slice(lo, lo + n) for (lo, _), n in zip(pads, input_shape))].any():
        raise RuntimeError("convlab read a zero from a real input cell: please report this as a bug")
    output_shape = tuple(real.shape[1:])
    indices = np.moveaxis(coords.reshape(*kernel_shape, *output_shape, nd),
                          tuple(range(nd)), tuple(range(nd, 2 * nd)))
    return IndexMap(input_shape, kernel_shape, output_shape, padded_shape,
                    stride_t, pads, dilation_t, np.ascontiguousarray(indices))



@dataclass(frozen=True)
class TransposedIndexMap:
    """Which input cells reach every output cell of one transposed convolution, and by which tap.

    Input cells are 0-based positions in the input (of ``input_shape``),
    taps positions in the kernel, output cells positions in the output (of
    ``output_shape``, after the crop by ``padding``).

    Attributes
    ----------
    input_shape, kernel_shape, output_shape : tuple of int
        Spatial shapes.
    stride, dilation, output_padding : tuple of int
        One per axis.
    padding : tuple of (int, int)
        ``(before, after)`` per axis, as convlab applied it.
    indices : numpy.ndarray
        Integer array ``(*output_shape, *kernel_shape, nd)``: ``indices[o + t]``
        is the input cell whose scattered kernel puts tap ``t`` on output
        ``o``, or ``-1`` on every axis where no input cell does.
    pairs : dict
        For every output cell (a tuple), the list of ``(input cell, tap)``
        pairs that reach it, in kernel order.
    """

    input_shape: tuple[int, ...]
    kernel_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    output_padding: tuple[int, ...]
    dilation: tuple[int, ...]
    indices: np.ndarray
    pairs: dict

    @property
    def ndim(self) -> int:
        """Number of spatial dimensions."""
        return len(self.input_shape)

    def sources(self, out_index) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """The ``(input cell, tap)`` pairs that reach one output cell, in kernel order.

        Examples
        --------
        >>> from convlab.indexing import transposed_index_map
        >>> transposed_index_map(3, 3, stride=2).sources(2)     # cell 1's first tap, cell 0's last
        [((1,), (0,)), ((0,), (2,))]
        """
        return list(self.pairs[_as_index("out_index", out_index, self.output_shape)])

    def coverage(self) -> np.ndarray:
        """How many taps reach each output cell, an int array of ``output_shape``.

        Uneven coverage is the checkerboard of a transposed convolution
        whose kernel size is not a multiple of its stride; cells with
        coverage 0 (``output_padding``, or a stride larger than the dilated
        kernel) are never written.

        Examples
        --------
        >>> from convlab.indexing import transposed_index_map
        >>> transposed_index_map((3, 3), (3, 3), stride=2).coverage()
        array([[1, 1, 2, 1, 2, 1, 1],
               [1, 1, 2, 1, 2, 1, 1],
               [2, 2, 4, 2, 4, 2, 2],
               [1, 1, 2, 1, 2, 1, 1],
               [2, 2, 4, 2, 4, 2, 2],
               [1, 1, 2, 1, 2, 1, 1],
               [1, 1, 2, 1, 2, 1, 1]])
        >>> transposed_index_map(4, 4, stride=2, padding=1).coverage()   # k divisible by s: even inside
        array([1, 2, 2, 2, 2, 2, 2, 1])
        """
        reached = self.indices[..., 0] >= 0
        return reached.reshape(*self.output_shape, -1).sum(axis=-1).astype(np.int64)


def transposed_index_map(input_shape, kernel_shape, *, stride=1, padding=0, output_padding=0, dilation=1,
                         method: str = "im2col") -> TransposedIndexMap:
    """Which input cell, through which kernel tap, reaches every output cell of a transposed convolution.

    Computed by running :func:`convlab.conv_transposend` on labelled inputs
    and one-hot kernels (see the module docstring), so it is what convlab
    really does. The map is computed twice, once as asked and once without
    ``padding`` and ``output_padding`` (the whole scatter); the first must
    be the second cropped by ``padding`` and extended by zeros, else it
    raises.

    Parameters
    ----------
    input_shape, kernel_shape : int or tuple of int
        Spatial shapes (1, 2 or 3 axes, the same number for both).
    stride, padding, output_padding, dilation
        As for :func:`convlab.conv_transposend`.
    method : {"im2col", "loop"}
        The convlab method that is run (both are exact on integers).

    Returns
    -------
    TransposedIndexMap

    Examples
    --------
    >>> from convlab.indexing import transposed_index_map
    >>> m = transposed_index_map(3, 3, stride=2, padding=1, output_padding=1)
    >>> m.output_shape, m.sources(0), m.sources(5)    # the last cell: output_padding, reached by one tap
    ((6,), [((0,), (1,))], [((2,), (2,))])
    >>> m.coverage().tolist()
    [1, 2, 1, 2, 1, 1]
    """
    input_shape = shape_tuple("input_shape", input_shape)
    kernel_shape = shape_tuple("kernel_shape", kernel_shape)
    nd = len(input_shape)
    if len(kernel_shape) != nd:
        raise ValueError(f"input_shape and kernel_shape must have the same number of axes; "
                         f"got {input_shape} and {kernel_shape}")
    if nd > 3:
        raise ValueError(f"transposed_index_map supports 1, 2 or 3 spatial axes; got {nd}")
    choice("method", method, ("im2col", "loop"))
    # convlab's own validation of stride, padding, output_padding and dilation
    geom = transposed_geometry(input_shape, kernel_shape, stride, padding, output_padding, dilation)

    n_taps = math.prod(kernel_shape)
    onehot = np.eye(n_taps, dtype=np.int64).reshape(1, n_taps, *kernel_shape)
    labels = np.arange(1, math.prod(input_shape) + 1, dtype=np.int64).reshape(1, *input_shape)
    kwargs = dict(stride=geom.stride, dilation=geom.dilation, method=method)
    asked = transposed.conv_transposend(labels, onehot, padding=geom.padding,
                                        output_padding=geom.output_padding, **kwargs)
    whole = transposed.conv_transposend(labels, onehot, padding=0, **kwargs)
    # the asked map is the whole scatter cropped by padding, zeros past its end
    expected = np.zeros_like(asked)
    kept = tuple(slice(lo, min(lo + m, n)) for (lo, _), m, n in zip(geom.padding, asked.shape[1:],
                                                                    whole.shape[1:]))
    expected[(slice(None), *(slice(0, k.stop - k.start) for k in kept))] = whole[(slice(None), *kept)]
    if asked.shape[1:] != geom.out_spatial or not np.array_equal(asked, expected):
        raise RuntimeError("convlab's transposed convolution disagrees with its own crop by padding "
                           f"{geom.padding}: please report this as a bug")
    coords = np.stack(np.unravel_index(np.maximum(asked, 1) - 1, input_shape), axis=-1)
    coords[asked == 0] = -1                                              # (taps, *out, nd)
    output_shape = geom.out_spatial
    indices = np.ascontiguousarray(np.moveaxis(coords.reshape(*kernel_shape, *output_shape, nd),
                                               tuple(range(nd)), tuple(range(nd, 2 * nd))))
    taps = list(np.ndindex(*kernel_shape))
    pairs = {}
    for o in np.ndindex(*output_shape):
        cells = indices[o].reshape(n_taps, nd)
        pairs[o] = [(tuple(int(v) for v in cells[t]), taps[t]) for t in range(n_taps) if cells[t, 0] >= 0]
    return TransposedIndexMap(input_shape, kernel_shape, output_shape, geom.stride, geom.padding,
                              geom.output_padding, geom.dilation, indices, pairs)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
