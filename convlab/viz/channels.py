"""Figures for multi-channel convolution: tensor shapes as 3-D blocks, the sum
over channels inside one filter, a filter bank, the channels of a colour
image, and which channels ``groups`` connects.

(The grid of feature maps is :func:`convlab.viz.grids.feature_maps`.)
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from .._validate import positive_int, real_array, shape_tuple
from ..conv import conv2d, correlate
from ..shapes import conv_output_shape
from .draw import _index, _one_each, _real, bare, heatmap, number, panel_grid, text_width
from .grids import draw_kernel
from .style import FONT_LARGE, FONT_NORMAL, FONT_SMALL, PAGE_WIDTH, PALETTE, colors, figure

__all__ = ["channel_cmap", "channel_sum", "connectivity", "conv_shapes", "filter_bank", "group_connectivity",
           "rgb_channels"]

_DEPTH = (0.55, 0.35)  # screen offset of one channel along the depth axis


def _shade(color: str, factor: float) -> tuple:
    """``color`` made lighter (factor > 1, towards white) or darker (factor < 1)."""
    rgb = np.array(mcolors.to_rgb(color))
    return tuple(1 - (1 - rgb) / factor) if factor > 1 else tuple(rgb * factor)


def _block(ax, x0: float, y0: float, depth: int, height: int, width: int, color: str,
           *, grid: bool = True, z: float = 1.0) -> tuple[float, float]:
    """Draw a ``depth x height x width`` block with its front face at ``(x0, y0)``.

    Depth (channels) recedes up and to the right. Returns the top-right
    corner of the drawing, for placing labels. Blocks drawn later in front
    need a larger ``z`` (the z-order of the faces; the grid lies just above).
    """
    dx, dy = depth * _DEPTH[0], depth * _DEPTH[1]
    edge = dict(edgecolor="black", linewidth=0.8, zorder=z)
    top = [(x0, y0 + height), (x0 + width, y0 + height), (x0 + width + dx, y0 + height + dy),
           (x0 + dx, y0 + height + dy)]
    side = [(x0 + width, y0), (x0 + width + dx, y0 + dy), (x0 + width + dx, y0 + height + dy),
            (x0 + width, y0 + height)]
    front = [(x0, y0), (x0 + width, y0), (x0 + width, y0 + height), (x0, y0 + height)]
    ax.add_patch(Polygon(top, closed=True, facecolor=_shade(color, 1.6), **edge))
    ax.add_patch(Polygon(side, closed=True, facecolor=_shade(color, 0.75), **edge))
    ax.add_patch(Polygon(front, closed=True, facecolor=color, **edge))
    thin = dict(color="black", linewidth=0.3, alpha=0.6, zorder=z + 0.5)
    if grid and max(height, width) <= 32:
        for i in range(1, width):
            ax.plot([x0 + i, x0 + i], [y0, y0 + height], **thin)
            ax.plot([x0 + i, x0 + i + dx], [y0 + height, y0 + height + dy], **thin)
        for i in range(1, height):
            ax.plot([x0, x0 + width], [y0 + i, y0 + i], **thin)
            ax.plot([x0 + width, x0 + width + dx], [y0 + i, y0 + i + dy], **thin)
    if depth <= 64:
        for c in range(1, depth):
            ox, oy = c * _DEPTH[0], c * _DEPTH[1]
            ax.plot([x0 + ox, x0 + width + ox], [y0 + height + oy] * 2, **thin)
            ax.plot([x0 + width + ox] * 2, [y0 + oy, y0 + height + oy], **thin)
    return x0 + width + dx, y0 + height + dy



# the notation page's sizes, with upright subscripts
_C_IN, _C_OUT, _H_OUT, _W_OUT = (rf"{v}_{{\mathrm{{{s}}}}}" for v, s in (("C", "in"), ("C", "out"),
                                                                      ("H", "out"), ("W", "out")))


def conv_shapes(x_shape: Sequence[int], w_shape: Sequence[int], *, stride=1, padding=0,
                dilation=1, highlight: int = 0) -> Figure:
    """The three tensors of a 2-D convolution layer drawn as blocks.

    The input ``(C_in, H, W)``, the ``C_out`` filters of shape
    ``(C_in, k, k)`` that make up the weight ``(C_out, C_in, kh, kw)``, and
    the output ``(C_out, H_out, W_out)`` (computed with
    :func:`convlab.conv_output_shape`). Filter ``highlight`` and the output
    channel it produces are drawn in the highlight colour.

    Parameters
    ----------
    x_shape : tuple of 3 ints
        ``(C_in, H, W)``.
    w_shape : tuple of 4 ints
        ``(C_out, C_in, kh, kw)`` (``groups=1``).
    stride, padding, dilation
        As in :func:`convlab.conv2d`; they only change the output shape.
    highlight : int
        The filter to highlight.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with the three blocks and their shapes.

    Examples
    --------
    >>> from convlab.viz.channels import conv_shapes
    >>> fig = conv_shapes((3, 6, 6), (4, 3, 3, 3))
    >>> print(fig.axes[0].texts[2].get_text())
    output $y$
    $(C_{\\mathrm{out}}, H_{\\mathrm{out}}, W_{\\mathrm{out}})$ = (4, 4, 4)
    """
    c_in, h, w = shape_tuple("x_shape", x_shape, 3)
    c_out, c_in_w, kh, kw = shape_tuple("w_shape", w_shape, 4)
    if c_in_w != c_in:
        raise ValueError(f"w_shape[1] must equal the input channels C_in={c_in}; "
                         f"got w_shape={tuple(w_shape)}")
    highlight = _index("highlight", highlight, c_out, "a filter index")
    ho, wo = conv_output_shape((c_in, h, w), (c_out, c_in, kh, kw), stride=stride, padding=padding,
                               dilation=dilation)
    fig = figure(7.0, 3.4)
    ax = fig.add_subplot()
    label = dict(ha="center", va="top", fontsize=FONT_SMALL)
    right, _ = _block(ax, 0, 0, c_in, h, w, PALETTE["input"])
    ax.text(right / 2, -0.8, f"input $x$\n$({_C_IN}, H, W)$ = {(c_in, h, w)}", **label)
    # the filters, stacked top to bottom; filter 0 on top
    fx = right + 3
    gap = 1.0
    span = c_out * (kh + gap + c_in * _DEPTH[1]) - gap
    y_top = (h + c_in * _DEPTH[1]) / 2 + span / 2
    fright = fx
    for o in range(c_out):
        y0 = y_top - (o + 1) * (kh + c_in * _DEPTH[1]) - o * gap
        color = PALETTE["highlight"] if o == highlight else PALETTE["kernel"]
        fright, _ = _block(ax, fx, y0, c_in, kh, kw, color)
    ax.text((fx + fright) / 2, min(-0.8, y_top - span - 0.8),
            f"${_C_OUT}$ filters, weight $w$\n$({_C_OUT}, {_C_IN}, k_h, k_w)$ = {(c_out, c_in, kh, kw)}",
            **label)
    # the output, one slab per channel (channel 0 in front) so each feature map shows
    ox, oy = fright + 3, (h - ho) / 2
    step = 1.8
    for o in reversed(range(c_out)):
        color = PALETTE["highlight"] if o == highlight else PALETTE["output"]
        oright, otop = _block(ax, ox + o * step * _DEPTH[0], oy + o * step * _DEPTH[1], 1, ho, wo, color,
                                z=c_out - o)
        if o == c_out - 1:
            oright_max, otop_max = oright, otop
    oright, otop = oright_max, otop_max
    ax.text((ox + oright) / 2, -0.8,
            f"output $y$\n$({_C_OUT}, {_H_OUT}, {_W_OUT})$ = {(c_out, ho, wo)}", **label)
    arrow = dict(arrowstyle="->", color=PALETTE["muted"], linewidth=1.5)
    mid = h / 2
    ax.annotate("", xy=(fx - 0.6, mid), xytext=(right + 0.4, mid), arrowprops=arrow)
    ax.annotate("", xy=(ox - 0.6, mid), xytext=(fright + 0.4, mid), arrowprops=arrow)
    ax.set_xlim(-1, oright + 1)
    ax.set_ylim(min(-3.5, y_top - span - 3.5), max(otop, y_top, h + c_in * _DEPTH[1]) + 1)
    ax.set_aspect("equal")
    bare(ax, frame=False)
    return fig



def channel_sum(x, w, bias: float = 0.0, *, cell: float = 0.36) -> Figure:
    """One filter at work: every input channel correlated with its own slice, the maps added, plus the bias.

    Row ``c`` shows input channel ``c``, the filter's slice ``c`` and their
    single-channel correlation (:func:`convlab.correlate`, valid); the last
    column is the filter's output, :func:`convlab.conv2d` of the whole input
    with the whole filter and the bias, which is the sum of the rows' maps
    plus the bias. Every value is written in its cell.

    Parameters
    ----------
    x : array_like
        Real input, shape ``(C_in, H, W)``.
    w : array_like
        Real filter, shape ``(C_in, kh, kw)``: one slice per input channel.
    bias : float
        The filter's bias.
    cell : float
        Side of one cell in inches (the values are written at the book's
        smallest text size).

    Returns
    -------
    matplotlib.figure.Figure
        Row by row, the axes of channel ``c``'s input, ``⋆``, slice, ``=``
        and map, then those of the text that adds them and of the output;
        the output is ``fig.axes[-1]``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.channels import channel_sum
    >>> fig = channel_sum(np.arange(18.0).reshape(2, 3, 3), np.ones((2, 2, 2)), bias=1.0)
    >>> len(fig.axes), [t.get_text() for t in fig.axes[-1].texts][:2]
    (12, ['53', '61'])
    """
    xs = real_array("x", x, 3)
    ws = real_array("w", w, 3)
    if ws.shape[0] != xs.shape[0]:
        raise ValueError(f"w must have one slice per input channel, w.shape[0] = C_in = {xs.shape[0]}; "
                         f"got w of shape {ws.shape}")
    if isinstance(bias, (bool, np.bool_)) or not isinstance(bias, numbers.Real):
        raise TypeError(f"bias must be a real number; got {bias!r} of type {type(bias).__name__}")
    cell = _real("cell", cell, 0.0)
    c_in, h, wd = xs.shape
    _, kh, kw = ws.shape
    if kh > h or kw > wd:
        raise ValueError(f"the slices {(kh, kw)} must fit in the input channels {(h, wd)}")
    maps = np.stack([correlate(xs[c], ws[c]) for c in range(c_in)])
    y = conv2d(xs[np.newaxis], ws[np.newaxis], np.array([float(bias)]))[0, 0]
    ho, wo = y.shape
    op, total = 0.32, 1.25                              # inches of the operator columns
    title = 0.32
    row_h = max(h, kh, ho) * cell + title
    widths = [wd * cell, op, kw * cell, op, wo * cell, total, wo * cell]
    fig = figure(sum(widths) + 0.2, c_in * row_h + 0.15)
    grid = fig.add_gridspec(c_in, 7, width_ratios=widths)
    limit = float(np.max(np.abs(np.concatenate([maps.ravel(), y.ravel()])))) or 1.0
    w_limit = float(np.max(np.abs(ws))) or 1.0
    x_max = float(np.max(xs)) if np.max(xs) > 0 else 1.0
    x_min = min(0.0, float(np.min(xs)))
    axes = []

    def operator(ax, text, size=FONT_LARGE):
        ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=size, transform=ax.transAxes)
        bare(ax, frame=False)

    for c in range(c_in):
        ax_x = fig.add_subplot(grid[c, 0])
        heatmap(ax_x, xs[c], signed=False, cmap="Greys", vmin=x_min, vmax=x_max + (x_max - x_min),
                annotate=True)
        ax_x.set_title(f"channel {c}", fontsize=FONT_NORMAL)
        operator(fig.add_subplot(grid[c, 1]), "\N{STAR OPERATOR}", 2 * FONT_LARGE)
        ax_w = fig.add_subplot(grid[c, 2])
        heatmap(ax_w, ws[c], limit=w_limit, annotate=True)
        ax_w.set_title(f"slice {c}", fontsize=FONT_NORMAL)
        operator(fig.add_subplot(grid[c, 3]), "=")
        ax_m = fig.add_subplot(grid[c, 4])
        heatmap(ax_m, maps[c], limit=limit, annotate=True)
        ax_m.set_title(f"map {c}", fontsize=FONT_NORMAL)
        axes += [ax_x, ax_w, ax_m]
    operator(fig.add_subplot(grid[:, 5]), f"add the\n{c_in} maps\nand the\nbias {number(float(bias))}\n=")
    ax_y = fig.add_subplot(grid[:, 6])
    heatmap(ax_y, y, limit=limit, annotate=True)
    ax_y.set_title("output", fontsize=FONT_NORMAL)
    for ax in axes + [ax_y]:
        bare(ax)
    return fig


def filter_bank(w, *, filter_names: Sequence[str] | None = None,
                channel_names: Sequence[str] | None = None, annotate: bool | None = None,
                cell: float | None = None, scale: str = "shared", fmt: str = "{:.2g}") -> Figure:
    """A weight ``(C_out, C_in, kh, kw)`` as a grid: one row per filter, one column per input channel.

    Kernels are drawn on the signed colormap, white at zero. With
    ``scale="shared"`` all of them share one symmetric scale, so weights can
    be compared across filters; with ``scale="filter"`` each filter (row)
    gets its own symmetric scale ``±max|w[o]|``, written under its name, so
    that a filter of small weights is not washed out by a large one.

    Parameters
    ----------
    w : array_like
        Real weights of shape ``(C_out, C_in, kh, kw)``.
    filter_names, channel_names : sequence of str, optional
        Row and column labels.
    annotate : bool, optional
        Write each weight in its cell; by default only for kernels of at most 3x3.
    cell : float, optional
        Size of one kernel panel in inches; by default large enough for the
        written weights.
    scale : {"shared", "filter"}
        One colour scale for the whole bank, or one per filter.
    fmt : str
        Format of the written weights that are not integral.

    Returns
    -------
    matplotlib.figure.Figure
        ``C_out * C_in`` axes, filter by filter.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.channels import filter_bank
    >>> fig = filter_bank(np.ones((2, 3, 3, 3)), channel_names=["R", "G", "B"])
    >>> len(fig.axes), fig.axes[2].get_title()
    (6, 'B')
    """
    arr = real_array("w", w, 4)
    c_out, c_in, kh, kw = shape_tuple("w.shape", arr.shape, 4)
    if not isinstance(scale, str):
        raise TypeError(f"scale must be a str, 'shared' or 'filter'; got {type(scale).__name__}")
    if scale not in ("shared", "filter"):
        raise ValueError(f"scale must be 'shared' or 'filter'; got {scale!r}")
    rows = filter_names and _one_each("filter_names", filter_names, c_out, (), "filter")
    columns = channel_names and _one_each("channel_names", channel_names, c_in, (), "channel")
    if annotate is None:
        annotate = max(kh, kw) <= 3
    if cell is None:
        widest = max(text_width(number(v, fmt)) for v in arr.flat) if annotate else 0.0
        cell = max(0.9, (widest + 0.12) * kw)
    cell = _real("cell", cell, 0.0)
    if scale == "shared":
        limits = [float(np.max(np.abs(arr))) or 1.0] * c_out
    else:
        limits = [float(np.max(np.abs(arr[o]))) or 1.0 for o in range(c_out)]
    fig, axes = panel_grid(c_out * c_in, c_in, panel_size=(cell, cell), extra_height=0.4,
                           extra_width=1.6 if rows is not None or scale == "filter" else 0.2)
    for (o, c), ax in zip(np.ndindex(c_out, c_in), axes):
        draw_kernel(ax, arr[o, c], annotate=annotate, limit=limits[o], fmt=fmt)
        if o == 0 and columns is not None:
            ax.set_title(columns[c], fontsize=FONT_NORMAL)
        if c == 0 and (rows is not None or scale == "filter"):
            name = rows[o] if rows is not None else f"filter {o}"
            if scale == "filter":
                name += f"\nscale \N{PLUS-MINUS SIGN}{number(limits[o], '{:.2g}')}"
            ax.set_ylabel(name, fontsize=FONT_NORMAL, rotation=0, ha="right", va="center")
    return fig


def channel_cmap(color: str) -> mcolors.LinearSegmentedColormap:
    """A colormap from black to ``color``: how one channel of a colour image looks.

    Examples
    --------
    >>> from convlab.viz.channels import channel_cmap
    >>> [float(v) for v in channel_cmap("red")(1.0)]
    [1.0, 0.0, 0.0, 1.0]
    """
    return mcolors.LinearSegmentedColormap.from_list(f"black_{color}", ["black", color])


def rgb_channels(image, *, width: float = PAGE_WIDTH) -> Figure:
    """A colour image ``(3, H, W)`` in [0, 1] and its red, green and blue channels.

    Parameters
    ----------
    image : array_like
        Real, shape ``(3, H, W)``, channels first as in convlab.
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Four axes: the image, then its channels in order.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.channels import rgb_channels
    >>> fig = rgb_channels(np.zeros((3, 4, 5)))
    >>> [ax.get_title() for ax in fig.axes]
    ['RGB image $x$', 'channel 0: red', 'channel 1: green', 'channel 2: blue']
    """
    img = real_array("image", image, 3)
    if img.shape[0] != 3:
        raise ValueError(f"image must have shape (3, H, W); got {img.shape}")
    width = _real("width", width, 0.0)
    fig, axes = panel_grid(4, 4, panel_size=(width / 4, width / 4 * img.shape[1] / img.shape[2] + 0.4))
    axes[0].imshow(np.clip(img.transpose(1, 2, 0), 0, 1))
    axes[0].set_title("RGB image $x$", fontsize=FONT_NORMAL)
    for c, (ax, name) in enumerate(zip(axes[1:], ["red", "green", "blue"])):
        heatmap(ax, img[c], signed=False, cmap=channel_cmap(name), vmin=0, vmax=1)
        ax.set_title(f"channel {c}: {name}", fontsize=FONT_NORMAL)
    for ax in axes:
        bare(ax)
    return fig


def connectivity(c_in: int, c_out: int, groups: int = 1) -> np.ndarray:
    """Which input channels each output channel reads, measured with :func:`convlab.conv2d`.

    Each input channel in turn is set to one (a batch of ``c_in`` one-hot
    1x1 images) and convolved with all-ones 1x1 filters of shape
    ``(c_out, c_in/groups, 1, 1)``; entry ``[o, c]`` is True when output
    channel ``o`` responds to input channel ``c``.

    Returns
    -------
    numpy.ndarray
        Boolean, shape ``(c_out, c_in)``.

    Examples
    --------
    >>> from convlab.viz.channels import connectivity
    >>> connectivity(4, 2, groups=2).astype(int)
    array([[1, 1, 0, 0],
           [0, 0, 1, 1]])
    """
    c_in, c_out, groups = (positive_int(name, v) for name, v in (("c_in", c_in), ("c_out", c_out),
                                                                 ("groups", groups)))
    x = np.eye(c_in, dtype=np.int64)[:, :, np.newaxis, np.newaxis]     # (batch=c_in, C_in, 1, 1)
    w = np.ones((c_out, c_in // groups, 1, 1), dtype=np.int64)
    y = conv2d(x, w, groups=groups)                                     # (c_in, c_out, 1, 1)
    return y[:, :, 0, 0].T != 0


def group_connectivity(c_in: int, c_out: int, groups: int | Sequence[int] = (1, 2)) -> Figure:
    """Input channels (bottom) joined to the output channels (top) that read them.

    One panel per value of ``groups``; lines are coloured by group. The
    connections come from :func:`connectivity`, i.e. from convlab itself.

    Parameters
    ----------
    c_in, c_out : int
        Input and output channels.
    groups : int or sequence of int
        One panel per value; each must divide ``c_in`` and ``c_out``.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per value of ``groups``.

    Examples
    --------
    >>> from convlab.viz.channels import group_connectivity
    >>> fig = group_connectivity(4, 4, groups=[1, 4])
    >>> [ax.get_title().splitlines()[0] for ax in fig.axes]
    ['groups = 1', 'groups = 4']
    """
    if not isinstance(groups, (numbers.Integral, Sequence)):
        raise TypeError(f"groups must be a positive int or a sequence of them; got {type(groups).__name__}")
    values = [groups] if isinstance(groups, numbers.Integral) else list(groups)
    if not values:
        raise ValueError("groups must be a positive int or a non-empty sequence of them; got an empty one")
    mats = [connectivity(c_in, c_out, g) for g in values]
    fig, axes = panel_grid(len(values), panel_size=(min(3.2, PAGE_WIDTH / len(values)), 2.8))
    span = max(c_in, c_out) - 1 or 1
    xin = np.linspace(0, span, c_in) if c_in > 1 else np.array([span / 2])
    xout = np.linspace(0, span, c_out) if c_out > 1 else np.array([span / 2])
    for ax, g, mat in zip(axes, values, mats):
        per_group, group_colors = c_out // g, colors(g)
        for o, c in zip(*np.nonzero(mat)):
            ax.plot([xin[c], xout[o]], [0, 1], color=group_colors[o // per_group], linewidth=1.2, alpha=0.8,
                    zorder=1)
        ax.scatter(xin, np.zeros(c_in), s=90, color=PALETTE["input"], edgecolor="black", zorder=2)
        ax.scatter(xout, np.ones(c_out), s=90, color=PALETTE["output"], edgecolor="black", zorder=2)
        ax.set_title(f"groups = {g}\nweight {(c_out, c_in // g, 'k', 'k')}".replace("'", ""),
                     fontsize=FONT_NORMAL)
        ax.set_xlim(-0.6, span + 0.6)
        ax.set_ylim(-0.35, 1.35)
        ax.text(-0.5, 0, "in", ha="right", va="center", fontsize=FONT_SMALL)
        ax.text(-0.5, 1, "out", ha="right", va="center", fontsize=FONT_SMALL)
        bare(ax, frame=False)
    return fig


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
