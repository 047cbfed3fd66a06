"""Grid pictures of 2-D convolution: index maps, kernels and feature maps.

The padding/stride/dilation pictures are in the spirit of Dumoulin & Visin's
*conv_arithmetic* figures, but they are drawn from a
:class:`convlab.indexing.IndexMap`, i.e. from what convlab actually reads, not
from hand-placed squares. :func:`feature_maps` is the one grid of 2-D maps
(images, channels, filters, feature maps), optionally each under its kernel.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Colormap
from matplotlib.figure import Figure

from .. import conv
from .._validate import flag, positive_int, real_array
from ..indexing import IndexMap
from .animation import HTMLAnimation, animate
from .draw import _one_each, _real, _same_scale, bare, cell, heatmap, number, panel_grid, symmetric_limit
from .style import FONT_NORMAL, PAGE_WIDTH, PALETTE, colors, figure

__all__ = ["animate_index_map", "draw_index_map", "draw_kernel", "feature_maps", "index_map_figure",
           "stride_phases"]

_GAP = 1.5   # empty cells between the input grid and the output grid


def _require_2d(imap) -> None:
    if not isinstance(imap, IndexMap):
        raise TypeError(f"imap must be a convlab.indexing.IndexMap; got {type(imap).__name__}")
    if imap.ndim != 2:
        raise ValueError(f"only 2-D index maps can be drawn; got one with {imap.ndim} spatial axes")


def draw_index_map(ax: Axes, imap: IndexMap, out_index=(0, 0), *, title: str | None = None) -> Axes:
    """Draw the padded input, the footprint of one output cell, and the output grid.

    Left: the padded input (padding cells grey, real cells blue); the cells
    that output ``out_index`` reads are orange, numbered in kernel order from 0 (code indices).
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
        ``ax``, drawn on.

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
    for (r, c), padded in np.ndenumerate(mask):
        face, alpha = (PALETTE["padding"], 0.55) if padded else (PALETTE["input"], 0.35)
        cell(ax, c + 0.5, r + 0.5, face=face, alpha=alpha)
    (top, _), (left, _) = imap.padding
    ih, iw = imap.input_shape
    cell(ax, left + iw / 2, top + ih / 2, size=(iw, ih), edge=PALETTE["input"], lw=1.6, z=3)
    numbered = max(ph, pw) <= 9
    for t, (r, c) in enumerate(footprint):
        cell(ax, c + 0.5, r + 0.5, face=PALETTE["kernel"], alpha=0.85, edge="black", lw=0.8, z=2,
             text=str(t) if numbered else "")  # code order, from 0
    oh, ow = imap.output_shape
    x0, y0 = pw + _GAP, (ph - oh) / 2
    for r, c in np.ndindex(oh, ow):
        chosen = (r, c) == out_index
        cell(ax, x0 + c + 0.5, y0 + r + 0.5, face=PALETTE["output"], alpha=0.95 if chosen else 0.3,
             edge="black" if chosen else "white", lw=1.2 if chosen else 1.0, z=2 if chosen else 1)
    ax.annotate("", xy=(x0 - 0.15, ph / 2), xytext=(pw + 0.15, ph / 2),
                arrowprops=dict(arrowstyle="->", color=PALETTE["muted"], lw=1.2))
    ax.set_xlim(-0.2, x0 + ow + 0.2)
    ax.set_ylim(max(ph, y0 + oh) + 0.2, -0.2)
    ax.set_aspect("equal")
    bare(ax, frame=False)
    if title is None:
        title = f"{ih}×{iw} → {oh}×{ow}"
    ax.set_title(title, fontsize=FONT_NORMAL)
    return ax


def index_map_figure(maps: Sequence[IndexMap], titles: Sequence[str] | None = None,
                     out_indices: Sequence[tuple[int, int]] | None = None, *, ncols: int = 3,
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
        One axes per map.

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
        raise ValueError("maps must hold at least one IndexMap; got none")
    for m in maps:
        _require_2d(m)
    n = len(maps)
    titles = [None] * n if titles is None else _one_each("titles", titles, n, (), "map")
    out_indices = [(0, 0)] * n if out_indices is None else _one_each("out_indices", out_indices, n, (), "map")
    fig, axes = panel_grid(n, ncols, panel_size=panel_size)
    for ax, m, title, idx in zip(axes, maps, titles, out_indices):
        draw_index_map(ax, m, idx, title=title)
    _same_scale(axes)  # one cell size for every panel
    return fig


def animate_index_map(imap: IndexMap, *, title: str | None = None, size: tuple[float, float] = (3.6, 2.4),
                      interval: int = 700, max_frames: int = 30) -> HTMLAnimation:
    """An animation that visits every output cell in row-major order.

    Parameters
    ----------
    imap : convlab.indexing.IndexMap
        A 2-D index map.
    title : str, optional
        The title of every frame (by default the shapes).
    size : (float, float)
        Width and height in inches.
    interval : int
        Milliseconds per frame.
    max_frames : int
        ``ValueError`` if the output has more cells than this.

    Returns
    -------
    HTMLAnimation
        One frame per output cell.

    Examples
    --------
    >>> from convlab.indexing import index_map
    >>> from convlab.viz.grids import animate_index_map
    >>> animate_index_map(index_map((3, 3), (2, 2)))
    <HTMLAnimation: 4 frames>
    """
    _require_2d(imap)
    max_frames = positive_int("max_frames", max_frames)
    positions = list(np.ndindex(*imap.output_shape))
    if len(positions) > max_frames:
        raise ValueError(f"the output has {len(positions)} cells, more than max_frames={max_frames}; "
                         "use a smaller input or raise max_frames")
    fig = figure(*size)
    ax = fig.add_subplot()

    def update(i):
        draw_index_map(ax, imap, positions[i], title=title)

    update(0)
    return animate(fig, update, len(positions), interval=positive_int("interval", interval))


def draw_kernel(ax: Axes, kernel, *, annotate: bool | None = None, fmt: str = "{:.2g}",
                limit: float | None = None) -> Axes:
    """A 2-D kernel as a signed heat map (white at zero), with its values written in.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    kernel : array_like
        A real, non-empty 2-D array.
    annotate : bool, optional
        Write the values; by default for kernels of at most 3x3 (larger
        ones have no room for the numbers at the sizes the book uses).
    fmt : str
        Format of values that are not integral.
    limit : float, optional
        The colour scale's ``±limit``; the largest ``|value|`` by default
        (pass one limit to compare several kernels).

    Returns
    -------
    matplotlib.axes.Axes
        The same ``ax``, its ticks removed and the kernel drawn on it.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz import figure
    >>> from convlab.viz.grids import draw_kernel
    >>> ax = draw_kernel(figure(2, 2).add_subplot(), np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]))
    >>> [t.get_text() for t in ax.texts][:5]
    ['0', '−1', '0', '−1', '5']
    """
    k = real_array("kernel", kernel, 2)
    if annotate is None:
        annotate = max(k.shape) <= 3
    heatmap(ax, k, limit=limit, annotate=annotate, fmt=fmt)
    return bare(ax)


def feature_maps(maps, *, titles: Sequence[str] | None = None, kernels: Sequence | None = None,
                 signed: bool | Sequence[bool] = False, cmap: str | Sequence[str] = "gray",
                 percentile: float = 100.0, limits: tuple[float, float] | None = None,
                 ncols: int | None = None, width: float | None = None, suptitle: str | None = None) -> Figure:
    """A grid of 2-D maps (images, channels, filters, feature maps), optionally under their kernels.

    Parameters
    ----------
    maps : array_like or sequence of array_like
        2-D real arrays, e.g. ``y[0]`` of shape ``(C_out, H, W)``; crop
        them to the part to show.
    titles : sequence of str, optional
        One title per map.
    kernels : sequence, optional
        One entry per map, drawn above it: a 2-D kernel (see
        :func:`draw_kernel`), a str written in its place (e.g. the formula
        that made the map), or None.
    signed : bool or sequence of bool
        Draw the map on the signed colormap, symmetric about zero; one value
        for all maps or one per map.
    cmap : str or sequence of str
        Colormap of the maps that are not signed; one or one per map.
    percentile : float
        The colour scale ends at this percentile of the values (of their
        magnitudes when signed), so that a few extreme values do not wash
        out the rest; 100 uses the full range.
    limits : (float, float), optional
        A fixed colour range for the maps that are not signed (values
        outside are clipped), e.g. ``(0, 1)`` for grey levels.
    ncols : int, optional
        Maps per row (default: all in one row, at most 4).
    width : float, optional
        Figure width in inches (default: up to the page width); the height
        follows the maps' aspect ratio.
    suptitle : str, optional
        A title over all maps.

    Returns
    -------
    matplotlib.figure.Figure
        With kernels, each row of kernel axes precedes the row of its maps.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.grids import feature_maps
    >>> fig = feature_maps(np.arange(24.0).reshape(6, 2, 2), ncols=3, titles=list("abcdef"))
    >>> len(fig.axes), fig.axes[4].get_title()
    (6, 'e')
    >>> img = np.linspace(0, 1, 64).reshape(8, 8)
    >>> fig = feature_maps([img, -img], kernels=[np.eye(1), "−x"], signed=[False, True])
    >>> len(fig.axes), fig.axes[1].texts[0].get_text()
    (4, '−x')
    """
    if isinstance(maps, np.ndarray) and maps.ndim == 3:
        maps = list(maps)
    if isinstance(maps, (str, bytes)) or not isinstance(maps, (Sequence, np.ndarray)):
        raise TypeError(f"maps must be a sequence of 2-D arrays or a 3-D array; got {type(maps).__name__}")
    if not len(maps):
        raise ValueError("maps must be a non-empty sequence of 2-D arrays; got an empty one")
    arrs = [real_array(f"maps[{i}]", m, 2) for i, m in enumerate(maps)]
    n = len(arrs)
    titles = _one_each("titles", titles, n, (), "map") if titles is not None else None
    tops = _one_each("kernels", kernels, n, (), "map") if kernels is not None else None
    signs = [flag("signed", v) for v in _one_each("signed", signed, n, (bool, np.bool_), "map")]
    cmaps = _one_each("cmap", cmap, n, (str, Colormap), "map")
    percentile = _real("percentile", percentile, 50.0, 100.0)
    if limits is not None:
        limits = tuple(float(v) for v in real_array("limits", limits, 1))
        if len(limits) != 2 or not limits[0] < limits[1]:
            raise ValueError(f"limits must be a (low, high) pair with low < high; got {limits!r}")
    ncols = min(n, 4) if ncols is None else positive_int("ncols", ncols)
    ncols = min(ncols, n)
    width = min(PAGE_WIDTH, 2.5 * ncols) if width is None else _real("width", width, 0.0)
    aspect = max(a.shape[0] / a.shape[1] for a in arrs)
    column = width / ncols
    title_room = 0.3 if titles is not None else 0.05
    if tops is None:
        fig, axes = panel_grid(n, ncols, panel_size=(column, column * aspect + title_room),
                               extra_height=0.3 if suptitle else 0.0)
        axes = axes[:, np.newaxis]
    else:
        kernel_h, map_h = 0.7 * column, column * aspect
        fig, axes = panel_grid(n, ncols, panel_size=(column, kernel_h + map_h + title_room),
                               stack=(kernel_h + title_room, map_h), extra_height=0.3 if suptitle else 0.0)
    for i, (a, sign, cm) in enumerate(zip(arrs, signs, cmaps)):
        shown = axes[i, -1]
        if sign:
            heatmap(shown, a, limit=symmetric_limit(a, percentile))
        elif limits is not None:
            heatmap(shown, a, signed=False, cmap=cm, vmin=limits[0], vmax=limits[1])
        else:
            lo, hi = np.percentile(a, [100 - percentile, percentile])
            heatmap(shown, a, signed=False, cmap=cm, vmin=float(lo), vmax=float(hi))
        bare(shown)
        top = axes[i, 0]
        if tops is not None and isinstance(tops[i], str):
            top.text(0.5, 0.5, tops[i], ha="center", va="center", fontsize=FONT_NORMAL,
                     transform=top.transAxes)
            bare(top, frame=False)
        elif tops is not None and tops[i] is not None:
            draw_kernel(top, tops[i])
        elif tops is not None:
            bare(top, frame=False)
        if titles is not None:
            top.set_title(titles[i], fontsize=FONT_NORMAL)
    if suptitle:
        fig.suptitle(suptitle, fontsize=FONT_NORMAL + 1)
    return fig


def stride_phases(x, w, stride: int = 2, *, fmt: str = "{:.3g}", width: float = 6.8) -> Figure:
    """What a strided layer keeps: one of the ``stride**2`` sampling phases of the stride-1 map.

    The first panel is ``conv2d(x, w)`` at stride 1, every output cell
    filled in the colour of its *phase* ``(row mod s, column mod s)``. The
    others are ``conv2d`` at stride ``s`` of the input shifted up and left
    by ``(r, c)`` pixels (``x[r:, c:]``, titled "shift (r, c)"), one per phase: the unshifted one,
    in the output's green, is what the layer returns; a shift of the input
    by one pixel makes the layer return another phase instead. Every map is
    computed by convlab, and the figure refuses to draw unless each strided
    map is exactly its phase of the stride-1 map.

    Parameters
    ----------
    x, w : array_like
        A real 2-D image and kernel (one channel), the kernel no larger than
        the image minus ``stride - 1`` pixels along each axis.
    stride : int
        The stride ``s`` along both axes (2 to 4).
    fmt : str
        Format of the values written in the cells that are not integral.
    width : float
        Figure width in inches; every cell has the same size in all panels.

    Returns
    -------
    matplotlib.figure.Figure
        ``1 + stride**2`` axes: the stride-1 map, then the phases in
        row-major order, ``(0, 0)`` first.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.grids import stride_phases
    >>> fig = stride_phases(np.arange(25.0).reshape(5, 5), np.ones((2, 2)))
    >>> [ax.get_title() for ax in fig.axes]
    ['stride 1', 'stride 2', 'shift (0, 1)', 'shift (1, 0)', 'shift (1, 1)']
    >>> [t.get_text() for t in fig.axes[1].texts]
    ['12', '20', '52', '60']
    """
    img, ker = real_array("x", x, 2), real_array("w", w, 2)
    s = positive_int("stride", stride)
    if not 2 <= s <= 4:
        raise ValueError(f"stride must be 2, 3 or 4; got {s}")
    if any(k > n - (s - 1) for k, n in zip(ker.shape, img.shape)):
        raise ValueError(f"w of shape {ker.shape} does not fit x of shape {img.shape} shifted by "
                         f"{s - 1} pixels; use a larger x or a smaller w")
    full = conv.conv2d(img[None, None], ker[None, None])[0, 0]
    phases = [(r, c) for r in range(s) for c in range(s)]
    maps = []
    for r, c in phases:
        strided = conv.conv2d(img[None, None, r:, c:], ker[None, None], stride=s)[0, 0]
        if strided.shape != full[r::s, c::s].shape or not np.allclose(strided, full[r::s, c::s]):
            raise RuntimeError("a strided output is not a phase of the stride-1 output: "
                               "please report this as a bug")
        maps.append(strided)
    palette = [PALETTE["output"], *colors(len(phases) - 1, skip=[PALETTE["output"]])]
    colour_of = dict(zip(phases, palette))
    panels = [("stride 1", full, None)] + [
        (f"stride {s}" if (r, c) == (0, 0) else f"shift ({r}, {c})", m, (r, c))
        for (r, c), m in zip(phases, maps)]
    h = full.shape[0]
    ratios = [max(values.shape[1], 3.6) + 0.6 for _, values, _ in panels]    # room for the titles
    fig = figure(_real("width", width, 0.0), 1.0)
    axes = fig.subplots(1, len(panels), width_ratios=ratios)
    cell_inches = 0.9 * fig.get_figwidth() / sum(ratios)
    fig.set_figheight(cell_inches * h + 0.55)
    for ax, ratio, (title, values, phase) in zip(axes, ratios, panels):
        for (i, j), v in np.ndenumerate(values):
            key = (i % s, j % s) if phase is None else phase
            cell(ax, j, i, face=colour_of[key], alpha=0.85 if key == (0, 0) else 0.45,
                 text=number(v, fmt), color="black")
        room = (ratio - values.shape[1]) / 2
        ax.set_xlim(-0.5 - room, values.shape[1] - 0.5 + room)
        ax.set_ylim(h - 0.4, -0.6)
        ax.set_aspect("equal")
        bare(ax, frame=False)
        muted = phase not in (None, (0, 0))
        ax.set_title(title, fontsize=FONT_NORMAL, color=PALETTE["muted"] if muted else "black")
    return fig


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
