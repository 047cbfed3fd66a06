"""Grid pictures of 2-D convolution: index maps, kernels and feature maps.

The padding/stride/dilation pictures are in the spirit of Dumoulin & Visin's
*conv_arithmetic* figures, but they are drawn from a
:class:`convlab.indexing.IndexMap`, i.e. from what convlab actually reads, not
from hand-placed squares.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..indexing import IndexMap
from .animation import HTMLAnimation, animate
from .style import PALETTE, figure

__all__ = ["Panel", "animate_index_map", "draw_index_map", "draw_kernel", "feature_maps_figure",
           "index_map_figure", "signed_cmap"]

_GAP = 1.5   # empty cells between the input grid and the output grid


def _require_2d(imap) -> None:
    if not isinstance(imap, IndexMap):
        raise TypeError(f"imap must be a convlab.indexing.IndexMap; got {type(imap).__name__}")
    if imap.ndim != 2:
        raise ValueError(f"only 2-D index maps can be drawn; got one with {imap.ndim} spatial axes")


def _cell(ax, row, col, x0, y0, face, *, edge="white", lw=1.0, z=1, alpha=1.0):
    ax.add_patch(Rectangle((x0 + col, y0 + row), 1, 1, facecolor=to_rgba(face, alpha),
                           edgecolor=edge, linewidth=lw, zorder=z))


def draw_index_map(ax: Axes, imap: IndexMap, out_index=(0, 0), *, title: str | None = None) -> Axes:
    """Draw the padded input, the footprint of one output cell, and the output grid.

    Left: the padded input (padding cells grey, real cells blue); the cells
    that output ``out_index`` reads are orange, numbered in kernel order.
    Right: the output grid with ``out_index`` in green.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw (it is cleared first).
    imap : convlab.indexing.IndexMap
        A 2-D index map from :func:`convlab.indexing.index_map`.
    out_index : tuple of 2 ints
        The output cell whose footprint is shown.
    title : str, optional
        Axes title; by default the shapes, e.g. ``"5×5 → 3×3"``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from convlab.indexing import index_map
    >>> from convlab.viz import figure
    >>> from convlab.viz.grids import draw_index_map
    >>> fig = figure(3, 2)
    >>> ax = draw_index_map(fig.add_subplot(), index_map((4, 4), (3, 3), padding=1), (0, 1))
    >>> ax.get_title()
    '4×4 → 4×4'
    """
    _require_2d(imap)
    footprint = imap.footprint(out_index)
    out_index = tuple(int(v) for v in out_index)
    ax.clear()
    mask = imap.padding_mask()
    ph, pw = imap.padded_shape
    for r in range(ph):
        for c in range(pw):
            if mask[r, c]:
                _cell(ax, r, c, 0, 0, PALETTE["padding"], alpha=0.55)
            else:
                _cell(ax, r, c, 0, 0, PALETTE["input"], alpha=0.35)
    (top, _), (left, _) = imap.padding
    ax.add_patch(Rectangle((left, top), imap.input_shape[1], imap.input_shape[0], fill=False,
                           edgecolor=PALETTE["input"], linewidth=1.6, zorder=3))
    small = max(ph, pw) > 9
    for t, (r, c) in enumerate(footprint):
        _cell(ax, r, c, 0, 0, PALETTE["kernel"], edge="black", lw=0.8, z=2, alpha=0.85)
        if not small:
            ax.text(c + 0.5, r + 0.5, str(t + 1), ha="center", va="center", fontsize=7, zorder=4)
    oh, ow = imap.output_shape
    x0 = pw + _GAP
    y0 = (ph - oh) / 2
    for r in range(oh):
        for c in range(ow):
            chosen = (r, c) == out_index
            _cell(ax, r, c, x0, y0, PALETTE["output"], edge="black" if chosen else "white",
                  lw=1.2 if chosen else 1.0, z=2 if chosen else 1, alpha=0.95 if chosen else 0.3)
    ax.annotate("", xy=(x0 - 0.15, ph / 2), xytext=(pw + 0.15, ph / 2),
                arrowprops=dict(arrowstyle="->", color=PALETTE["muted"], lw=1.2))
    ax.set_xlim(-0.2, x0 + ow + 0.2)
    ax.set_ylim(max(ph, y0 + oh) + 0.2, -0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is None:
        (ih, iw), (h, w) = imap.input_shape, imap.output_shape
        title = f"{ih}×{iw} → {h}×{w}"
    ax.set_title(title, fontsize=9)
    return ax


def index_map_figure(maps, titles=None, out_indices=None, *, ncols: int = 3,
                     panel_size: tuple[float, float] = (2.6, 1.9)) -> Figure:
    """Several index maps side by side, one panel each (see :func:`draw_index_map`).

    Every panel is drawn at the same scale, so a cell has the same size in all.

    Parameters
    ----------
    maps : sequence of convlab.indexing.IndexMap
        2-D index maps.
    titles : sequence of str, optional
        One per map.
    out_indices : sequence of tuple, optional
        The output cell to show for each map; ``(0, 0)`` by default.
    ncols : int
        Panels per row.
    panel_size : (float, float)
        Width and height of one panel in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from convlab.indexing import index_map
    >>> from convlab.viz.grids import index_map_figure
    >>> fig = index_map_figure([index_map((4, 4), (3, 3)), index_map((5, 5), (3, 3), stride=2)],
    ...                        ["valid", "stride 2"], ncols=2)
    >>> [ax.get_title() for ax in fig.axes]
    ['valid', 'stride 2']
    """
    maps = list(maps)
    if not maps:
        raise ValueError("maps must hold at least one IndexMap")
    for m in maps:
        _require_2d(m)
    titles = [None] * len(maps) if titles is None else list(titles)
    out_indices = [(0, 0)] * len(maps) if out_indices is None else list(out_indices)
    if len(titles) != len(maps) or len(out_indices) != len(maps):
        raise ValueError(f"titles and out_indices must have one entry per map ({len(maps)}); "
                         f"got {len(titles)} and {len(out_indices)}")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive int; got {ncols!r}")
    ncols = min(ncols, len(maps))
    nrows = math.ceil(len(maps) / ncols)
    fig = figure(panel_size[0] * ncols, panel_size[1] * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, m, title, idx in zip(axes, maps, titles, out_indices):
        draw_index_map(ax, m, idx, title=title)
    # one cell size for every panel: give all axes the extent of the largest drawing
    width = max(ax.get_xlim()[1] - ax.get_xlim()[0] for ax in axes[:len(maps)])
    height = max(ax.get_ylim()[0] - ax.get_ylim()[1] for ax in axes[:len(maps)])
    for ax in axes[:len(maps)]:
        cx, cy = sum(ax.get_xlim()) / 2, sum(ax.get_ylim()) / 2
        ax.set_xlim(cx - width / 2, cx + width / 2)
        ax.set_ylim(cy + height / 2, cy - height / 2)
    for ax in axes[len(maps):]:
        ax.axis("off")
    return fig


def animate_index_map(imap: IndexMap, *, title: str | None = None, size: tuple[float, float] = (3.6, 2.4),
                      interval: int = 700, max_frames: int = 30) -> HTMLAnimation:
    """An animation that visits every output cell in row-major order.

    Examples
    --------
    >>> from convlab.indexing import index_map
    >>> from convlab.viz.grids import animate_index_map
    >>> animate_index_map(index_map((3, 3), (2, 2)))
    <HTMLAnimation: 4 frames>
    """
    _require_2d(imap)
    positions = list(np.ndindex(*imap.output_shape))
    if len(positions) > max_frames:
        raise ValueError(f"the output has {len(positions)} cells, more than max_frames={max_frames}; "
                         "use a smaller input or raise max_frames")
    fig = figure(*size)
    ax = fig.add_subplot()

    def update(i):
        draw_index_map(ax, imap, positions[i], title=title)

    update(0)
    return animate(fig, update, len(positions), interval=interval)


def signed_cmap() -> LinearSegmentedColormap:
    """Blue (negative) - white (zero) - orange (positive), from the book's palette.

    Examples
    --------
    >>> from convlab.viz.grids import signed_cmap
    >>> cmap = signed_cmap()
    >>> [round(float(v), 2) for v in cmap(0.5)[:3]]
    [1.0, 1.0, 1.0]
    """
    return LinearSegmentedColormap.from_list("convlab_signed", [PALETTE["input"], "#FFFFFF",
                                                                PALETTE["kernel"]])


def draw_kernel(ax: Axes, kernel, *, annotate: bool | None = None, fmt: str = "{:.3g}") -> Axes:
    """A 2-D kernel as a heat map (white at zero), with its values written in.

    ``annotate`` defaults to True for kernels of at most 3x3 (larger ones
    have no room for the numbers at the sizes the book uses).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz import figure
    >>> from convlab.viz.grids import draw_kernel
    >>> ax = draw_kernel(figure(2, 2).add_subplot(), np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]))
    >>> [t.get_text() for t in ax.texts][:5]
    ['0', '-1', '0', '-1', '5']
    """
    k = np.asarray(kernel, dtype=float)
    if k.ndim != 2 or k.size == 0:
        raise ValueError(f"kernel must be a non-empty 2-D array; got shape {k.shape}")
    if annotate is None:
        annotate = max(k.shape) <= 3
    limit = float(np.max(np.abs(k))) or 1.0
    ax.imshow(k, cmap=signed_cmap(), vmin=-limit, vmax=limit)
    if annotate:
        for (r, c), v in np.ndenumerate(k):
            ax.text(c, r, fmt.format(v + 0.0), ha="center", va="center", fontsize=7)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


class Panel(NamedTuple):
    """One column of :func:`feature_maps_figure`.

    ``kernel`` may be None (then ``note`` is written in its place);
    ``signed`` draws the map with :func:`signed_cmap`, symmetric about 0 and
    saturating at the 99.5th percentile of its absolute values (so a few
    extreme pixels do not wash out the rest); otherwise the map is drawn in
    grey levels clipped to [0, 1].
    """

    title: str
    kernel: np.ndarray | None
    image: np.ndarray
    signed: bool = False
    note: str = ""


def feature_maps_figure(panels, *, crop=None, width: float = 1.75, ncols: int | None = None) -> Figure:
    """Kernels above the feature maps they produce, one column per panel.

    Parameters
    ----------
    panels : sequence of Panel
    crop : tuple of two slices, optional
        The part of every image to show (computed on the whole image first).
    width : float
        Inches per column.
    ncols : int, optional
        Columns per row of panels (all panels in one row by default); the
        panels wrap onto further (kernel, map) row pairs.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.grids import Panel, feature_maps_figure
    >>> img = np.linspace(0, 1, 64).reshape(8, 8)
    >>> fig = feature_maps_figure([Panel("input", np.eye(1), img),
    ...                            Panel("negated", None, -img, signed=True, note="-x")])
    >>> len(fig.axes)
    4
    """
    panels = [p if isinstance(p, Panel) else Panel(*p) for p in panels]
    if not panels:
        raise ValueError("panels must hold at least one Panel")
    n = len(panels)
    if ncols is None:
        ncols = n
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive int; got {ncols!r}")
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig = figure(width * ncols, width * 2.05 * nrows)
    axes = fig.subplots(2 * nrows, ncols, squeeze=False, height_ratios=[0.8, 1.25] * nrows)
    for slot in range(n, nrows * ncols):     # empty slots of the last row
        axes[2 * (nrows - 1), slot % ncols].axis("off")
        axes[2 * (nrows - 1) + 1, slot % ncols].axis("off")
    for index, p in enumerate(panels):
        img = np.asarray(p.image, dtype=float)
        if img.ndim != 2:
            raise ValueError(f"panel {p.title!r}: image must be 2-D; got shape {img.shape}")
        row, col = divmod(index, ncols)
        top, bottom = axes[2 * row, col], axes[2 * row + 1, col]
        if p.kernel is not None:
            draw_kernel(top, p.kernel)
        else:
            top.text(0.5, 0.5, p.note, ha="center", va="center", fontsize=9, transform=top.transAxes)
            top.axis("off")
        top.set_title(p.title, fontsize=9)
        shown = img if crop is None else img[crop]
        if p.signed:
            limit = float(np.quantile(np.abs(shown), 0.995)) or 1.0
            bottom.imshow(shown, cmap=signed_cmap(), vmin=-limit, vmax=limit)
        else:
            bottom.imshow(np.clip(shown, 0, 1), cmap="gray", vmin=0, vmax=1)
        bottom.set_xticks([])
        bottom.set_yticks([])
    return fig
