"""Figures of receptive fields: the cone of a layer stack, fields drawn on an image,
and a convolution written out as a (sparse, weight-shared) dense matrix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from .. import receptive
from .._validate import int_tuple, positive_int, real_array, shape_tuple
from .draw import _index, _one_each, _real, bare, cell, heatmap, panel_grid
from .style import FONT_NORMAL, FONT_SMALL, PAGE_WIDTH, PALETTE, figure

__all__ = ["dense_matrix", "fields_on_image", "path_counts", "receptive_field_cone"]


def receptive_field_cone(layers, n: int, unit: int | None = None) -> Figure:
    """A 1-D stack of layers as rows of units, with the cone that feeds one top unit.

    Every unit is placed at the centre of its receptive field on the input
    axis (from :func:`convlab.receptive.receptive_fields`); the filled units
    and the drawn connections are those that reach ``unit`` of the last
    layer, measured by :func:`convlab.receptive.cone`.

    Parameters
    ----------
    layers : sequence
        Kernel sizes or ``(k, s, d)`` tuples of ints.
    n : int
        Input length.
    unit : int, optional
        The unit of the last layer whose cone is drawn (default: the middle one).

    Returns
    -------
    matplotlib.figure.Figure
        One axes: the layers bottom (input) to top.

    Examples
    --------
    >>> from convlab.viz.fields import receptive_field_cone
    >>> fig = receptive_field_cone([3, 3, 3], 11)
    >>> fig.axes[0].get_title()
    'receptive field of the marked unit: 7 inputs'
    """
    stack = receptive.layers_of(layers, numeric=True)
    masks = receptive.cone(stack, n, unit)
    fields = receptive.receptive_fields(stack)
    fig = figure(max(4.0, min(PAGE_WIDTH, 0.28 * n + 2.5)), 0.75 * len(masks) + 0.8)
    ax = fig.add_subplot()
    positions = [np.arange(len(m)) * f.jump + (f.size - 1) / 2 for m, f in zip(masks, fields)]
    for level, layer in enumerate(stack, start=1):
        below, above = positions[level - 1], positions[level]
        for i in range(len(above)):
            for j in range(layer.kernel):
                src = i * layer.stride + j * layer.dilation
                lit = masks[level][i] and masks[level - 1][src]
                ax.plot([below[src], above[i]], [level - 1, level],
                        color=PALETTE["highlight"] if lit else PALETTE["padding"],
                        linewidth=1.4 if lit else 0.5, zorder=2 if lit else 1)
    for level, (mask, x) in enumerate(zip(masks, positions)):
        color = PALETTE["input"] if level == 0 else PALETTE["output"]
        ax.scatter(x[~mask], np.full((~mask).sum(), level), s=40, facecolor="white", edgecolor=color,
                   zorder=3)
        ax.scatter(x[mask], np.full(mask.sum(), level), s=40, facecolor=color, edgecolor="black", zorder=3)
        if level == 0:
            name = "input"
        else:
            lay = stack[level - 1]
            name = f"layer {level}: k={lay.kernel}, s={lay.stride}, d={lay.dilation}"
        ax.text(-1.0, level, f"{name}\nfield {fields[level].size}, jump {fields[level].jump}",
                ha="right", va="center", fontsize=FONT_SMALL)
    top = np.flatnonzero(masks[-1])[0]
    ax.scatter([positions[-1][top]], [len(stack)], s=140, facecolor="none",
               edgecolor=PALETTE["highlight"], linewidth=2, zorder=4)
    reached = np.flatnonzero(masks[0])
    ax.set_title(f"receptive field of the marked unit: {reached[-1] - reached[0] + 1} inputs",
                 fontsize=FONT_NORMAL)
    ax.set_xlim(-0.8, n - 0.2)
    ax.set_ylim(-0.5, len(stack) + 0.5)
    bare(ax, frame=False)
    return fig


def fields_on_image(image, layers, center: Sequence[int], *, levels: Sequence[int] | None = None,
                    labels: Sequence[str] | None = None, width: float = 4.5) -> Figure:
    """Squares on an image: the receptive field after each layer of a 2-D stack.

    The layers act identically on both axes; each square has the side
    :func:`convlab.receptive.receptive_fields` gives and is centred on
    ``center`` (row, column).

    Parameters
    ----------
    image : array_like
        A real 2-D image with grey levels in [0, 1].
    layers : sequence
        Kernel sizes or ``(k, s, d)`` tuples of ints, as in
        :func:`convlab.receptive.receptive_fields`.
    center : (int, int)
        Row and column of the unit whose fields are drawn.
    levels : sequence of int, optional
        The layers to draw (1 is the first layer; default: all).
    labels : sequence of str, optional
        One name per drawn level for the legend (e.g. ``"conv3_3"``);
        ``"layer 5"`` and so on by default.
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure
        One axes, a square per level in its legend.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.fields import fields_on_image
    >>> fig = fields_on_image(np.zeros((40, 40)), [3, 3, (3, 2)], (20, 20))
    >>> [p.get_width() for p in fig.axes[0].patches]
    [3, 5, 7]
    """
    img = real_array("image", image, 2)
    row, col = int_tuple("center", center, 2, minimum=0)
    fields = receptive.receptive_fields(receptive.layers_of(layers, numeric=True))
    levels = list(range(1, len(fields)) if levels is None else levels)
    if not levels:
        raise ValueError(f"levels must be layer numbers in 1..{len(fields) - 1}; got none")
    for i, level in enumerate(levels):
        if positive_int(f"levels[{i}]", level) >= len(fields):
            raise ValueError(f"levels must be layer numbers in 1..{len(fields) - 1}; got {levels!r}")
    names = [f"layer {level}" for level in levels] if labels is None else \
        [str(v) for v in _one_each("labels", labels, len(levels), (), "level")]
    width = _real("width", width, 0.0)
    fig = figure(width, width * img.shape[0] / img.shape[1] + 0.3)
    ax = fig.add_subplot()
    heatmap(ax, img, signed=False, vmin=0, vmax=1)
    cmap = colormaps["plasma"]
    for i, (level, name) in enumerate(zip(levels, names)):
        size = fields[level].size
        square = cell(ax, col, row, size=(size, size), edge=cmap(0.15 + 0.7 * i / max(1, len(levels) - 1)),
                      lw=1.6)
        square.set_label(f"{name}: {size}x{size}")
    ax.legend(loc="upper left", fontsize=FONT_SMALL, framealpha=0.85)
    bare(ax)
    return fig


def dense_matrix(matrix, in_shape: Sequence[int], out_shape: Sequence[int], *, row: int | None = None,
                 width: float = PAGE_WIDTH) -> Figure:
    """A convolution written as a dense matrix, and one of its rows on the input grid.

    Left: the ``(prod(out_shape), prod(in_shape))`` matrix, zeros blank and
    every other entry coloured by its value, so the shared weights show up
    as diagonals of one colour. Right: row ``row`` reshaped to ``in_shape``:
    the weights one output applies, i.e. the kernel placed over that output's
    receptive field.

    Parameters
    ----------
    matrix : array_like
        Real, shape ``(prod(out_shape), prod(in_shape))``, e.g. from
        :func:`convlab.symbolic.matrix_of`.
    in_shape, out_shape : tuple of int
        The shapes of the input and the output the matrix maps between.
    row : int, optional
        The output whose row is drawn on the input (default: the middle one).
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: the matrix, and the row on the input.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.fields import dense_matrix
    >>> m = np.kron(np.eye(3), [[1.0, 2.0]])            # 3 outputs reading 6 inputs
    >>> fig = dense_matrix(m, (2, 3), (3,), row=1)
    >>> fig.axes[1].get_title()
    'row 1 on the 2x3 input'
    """
    m = real_array("matrix", matrix, 2)
    in_shape, out_shape = shape_tuple("in_shape", in_shape), shape_tuple("out_shape", out_shape)
    expected = (int(np.prod(out_shape)), int(np.prod(in_shape)))
    if m.shape != expected:
        raise ValueError(f"matrix must have shape (prod(out_shape), prod(in_shape)) = {expected}; "
                         f"got {m.shape}")
    row = m.shape[0] // 2 if row is None else _index("row", row, m.shape[0], "an output (row) index")
    limit = float(np.max(np.abs(m))) or 1.0
    width = _real("width", width, 0.0)
    fig = figure(width, width * 0.45)
    grid = fig.add_gridspec(1, 2, width_ratios=[2.2, 1])
    ax = fig.add_subplot(grid[0])
    heatmap(ax, m, limit=limit, blank_zeros=True, aspect="auto")
    ax.axhline(row, color=PALETTE["highlight"], linewidth=0.8, alpha=0.7)
    ax.set_title(f"{m.shape[0]}x{m.shape[1]} matrix: {int(np.count_nonzero(m))} non-zeros "
                 f"({np.count_nonzero(m) / m.size:.1%})", fontsize=FONT_NORMAL)
    ax.set_xlabel("input pixel (flattened)", fontsize=FONT_NORMAL)
    ax.set_ylabel("output pixel (flattened)", fontsize=FONT_NORMAL)
    ax.tick_params(labelsize=FONT_SMALL)
    ax2 = fig.add_subplot(grid[1])
    pic = m[row].reshape(in_shape) if len(in_shape) == 2 else m[row].reshape(1, -1)
    heatmap(ax2, pic, limit=limit, blank_zeros=True, grid=True)
    ax2.tick_params(which="both", length=0, labelsize=FONT_SMALL)
    ax2.set_title(f"row {row} on the {'x'.join(map(str, in_shape))} input", fontsize=FONT_NORMAL)
    return fig



def path_counts(maps, *, titles: Sequence[str] | None = None, width: float = PAGE_WIDTH) -> Figure:
    """Maps of path counts (how many paths lead from one input pixel to each output), zeros white.

    Every cell that at least one path reaches is coloured, the fewest paths
    (one) in the darkest colour of the scale, so single-path cells stand out
    against the white of the cells no path reaches; one colour bar, shared
    by all panels, gives the counts. Ticks are code indices, from 0.

    Parameters
    ----------
    maps : sequence of array_like
        2-D arrays of non-negative counts, e.g. the response of a stack of
        all-ones kernels to a one-hot image after each layer.
    titles : sequence of str, optional
        One title per map.
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per map, then the colour bar's.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.fields import path_counts
    >>> fig = path_counts([np.eye(3), 2 * np.eye(3)], titles=["a", "b"])
    >>> [ax.get_title() for ax in fig.axes[:2]], fig.axes[0].get_images()[0].get_clim()
    (['a', 'b'], (0.5, 2.0))
    """
    if isinstance(maps, np.ndarray) and maps.ndim == 2:
        maps = [maps]
    arrays = [real_array(f"maps[{i}]", m, 2) for i, m in enumerate(maps)]
    if not arrays:
        raise ValueError("maps must hold at least one 2-D array; got none")
    if any(np.any(a < 0) for a in arrays):
        raise ValueError("maps must hold path counts, >= 0; got a negative value")
    names = titles and _one_each("titles", titles, len(arrays), (), "map")
    width = _real("width", width, 0.0)
    top = max(float(a.max()) for a in arrays) or 1.0
    cmap = colormaps["viridis"].with_extremes(under="white")
    side = (width - 0.9) / len(arrays)
    fig, axes = panel_grid(len(arrays), panel_size=(side, side + 0.35), extra_width=0.9)
    for i, (ax, a) in enumerate(zip(axes, arrays)):
        image = heatmap(ax, a, signed=False, cmap=cmap, vmin=0.5, vmax=max(top, 0.5 + 1e-9))
        ticks = [0, a.shape[0] // 2, a.shape[0] - 1]
        ax.set_xticks(ticks)
        ax.set_yticks(ticks)
        ax.tick_params(labelsize=FONT_SMALL, length=2)
        if names is not None:
            ax.set_title(names[i], fontsize=FONT_NORMAL)
    bar = fig.colorbar(image, ax=list(axes), fraction=0.04, pad=0.03)
    bar.set_label("paths (white: none)", fontsize=FONT_SMALL)
    bar.ax.tick_params(labelsize=FONT_SMALL)
    return fig


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
