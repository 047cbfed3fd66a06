"""The drawing layer under every figure: cells, heat maps, bare axes and panel grids.

The chapter modules (:mod:`~convlab.viz.algorithms`, :mod:`~convlab.viz.channels`,
:mod:`~convlab.viz.fields`, :mod:`~convlab.viz.flip`, :mod:`~convlab.viz.grids`,
:mod:`~convlab.viz.sliding`) draw through these functions and the look in
:mod:`convlab.viz.style`, so that one rule decides everywhere how a value is
written, in which colour, and on which colormap:

* :func:`number` writes a value (integers in full, a real minus sign);
* :func:`text_color` picks white or black text for a cell of a given colour;
* :func:`cell` draws one square or rectangle, optionally with text in it;
* :func:`heatmap` draws a 2-D array, signed arrays on the one diverging
  colormap with symmetric limits (:func:`symmetric_limit`);
* :func:`bare` strips an axes of its ticks (and its frame);
* :func:`panel_grid` makes a figure of equal panels and returns its axes,
  and :func:`legend` gives them one legend.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.image import AxesImage
from matplotlib.legend import Legend
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextToPath

from .._validate import flag, non_negative_int, positive_int, real_array
from .style import FONT_SMALL, PALETTE, SIGNED_CMAP, figure

__all__ = ["bare", "cell", "heatmap", "number", "panel_grid", "legend", "symmetric_limit",
           "text_color", "text_width"]

_TEXT_PATHS = TextToPath()


def number(value, fmt: str = "{:.3g}") -> str:
    """``value`` as a figure writes it: an integral value in full, others with ``fmt``.

    Negative values get a real minus sign (U+2212), as on matplotlib's axes.

    Parameters
    ----------
    value : int or float
        A real number (a NumPy scalar is fine).
    fmt : str
        Format for values that are not integral.

    Returns
    -------
    str
        Ready for ``Axes.text``.

    Examples
    --------
    >>> from convlab.viz.draw import number
    >>> number(3.0), number(-2), number(0.1234, "{:.2f}"), number(-0.0)
    ('3', '−2', '0.12', '0')
    """
    v = value.item() if isinstance(value, np.generic) else value
    if isinstance(v, numbers.Integral) or float(v).is_integer():
        text = str(int(v))
    else:
        text = fmt.format(v)
    return text.replace("-", "\N{MINUS SIGN}")


def text_color(face) -> str:
    """``"white"`` or ``"black"``: the text colour that contrasts more with ``face``.

    The one rule for text on a coloured cell: ``face`` is laid over the white
    page (its alpha counts), and the colour with the higher WCAG contrast
    ratio against its relative luminance wins, so dark cells get white text
    and light cells black text.

    Parameters
    ----------
    face : matplotlib colour
        The cell's fill, e.g. ``"#4C72B0"``, ``(0.1, 0.2, 0.3, 0.5)`` or
        ``cmap(norm(value))``.

    Returns
    -------
    str
        The colour name to pass as the text's ``color``.

    Examples
    --------
    >>> from convlab.viz.draw import text_color
    >>> text_color("navy"), text_color("#f0f0f0"), text_color(("navy", 0.2))
    ('white', 'black', 'black')
    """
    r, g, b, a = to_rgba(face)
    rgb = a * np.array([r, g, b]) + (1.0 - a)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    luminance = float(linear @ np.array([0.2126, 0.7152, 0.0722]))
    # contrast with white, 1.05 / (L + 0.05), beats contrast with black, (L + 0.05) / 0.05
    return "white" if (luminance + 0.05) ** 2 < 1.05 * 0.05 else "black"


def text_width(text: str, fontsize: float = FONT_SMALL) -> float:
    """The width in inches of ``text`` set in the figures' font at ``fontsize`` points.

    Used to size cells so that the values written in them fit.

    Examples
    --------
    >>> from convlab.viz.draw import text_width
    >>> 0.1 < text_width("−0.5") < text_width("−0.25") < 0.5
    True
    """
    ismath = text.count("$") >= 2
    width, _, _ = _TEXT_PATHS.get_text_width_height_descent(text, FontProperties(size=fontsize), ismath)
    return width / 72.0


def bare(ax: Axes, *, frame: bool = True) -> Axes:
    """Remove the ticks of ``ax``, and with ``frame=False`` its spines and background too.

    Images and heat maps keep their frame; diagrams drawn from patches
    (cells, blocks, links) go without.

    Examples
    --------
    >>> from convlab.viz import figure
    >>> from convlab.viz.draw import bare
    >>> ax = bare(figure(2, 2).add_subplot())
    >>> len(ax.get_xticks()), ax.axison, bare(ax, frame=False).axison
    (0, True, False)
    """
    ax.set_xticks([])
    ax.set_yticks([])
    if not flag("frame", frame):
        ax.set_axis_off()
    return ax


def cell(ax: Axes, x: float, y: float, *, size: tuple[float, float] = (1.0, 1.0), face=None,
         alpha: float = 1.0, edge="white", lw: float = 1.0, z: float = 1.0, text: str = "",
         color=None, fontsize: float = FONT_SMALL, weight: str = "normal") -> Rectangle:
    """One cell: a rectangle centred on ``(x, y)``, filled or outlined, with optional text.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x, y : float
        The centre, in data coordinates (on an image, pixel ``[i, j]`` is
        centred on ``x=j, y=i``).
    size : (float, float)
        Width and height in data units.
    face : matplotlib colour, optional
        The fill; without one the cell is only an outline (a frame).
    alpha : float
        Opacity of the fill (the edge stays opaque).
    edge, lw : matplotlib colour, float
        Colour and width of the outline.
    z : float
        Drawing order; the text lies just above the cell.
    text : str
        Written in the middle of the cell.
    color : matplotlib colour, optional
        Text colour; by default :func:`text_color` of the fill.
    fontsize : float
        In points.
    weight : str
        Font weight of the text.

    Returns
    -------
    matplotlib.patches.Rectangle
        The patch, already added to ``ax``.

    Examples
    --------
    >>> from convlab.viz import figure
    >>> from convlab.viz.draw import cell
    >>> ax = figure(2, 2).add_subplot()
    >>> box = cell(ax, 2, 3, face="navy", text="7")
    >>> box.get_xy(), ax.texts[0].get_text(), ax.texts[0].get_color()
    ((1.5, 2.5), '7', 'white')
    """
    width, height = size
    fill = None if face is None else to_rgba(face, alpha)
    patch = Rectangle((x - width / 2, y - height / 2), width, height, fill=fill is not None,
                      facecolor=fill if fill is not None else "none", edgecolor=edge, linewidth=lw, zorder=z)
    ax.add_patch(patch)
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, weight=weight, zorder=z + 1,
                color=color if color is not None else text_color(fill if fill is not None else "white"))
    return patch


def symmetric_limit(values, percentile: float = 100.0) -> float:
    """The colour limit of a signed array: this percentile of ``|values|`` (1 if that is 0).

    Drawn from ``-limit`` to ``limit``, zero sits in the middle of the
    colormap; a percentile below 100 keeps a few extreme values from
    washing out the rest.

    Examples
    --------
    >>> from convlab.viz.draw import symmetric_limit
    >>> symmetric_limit([[-3, 1], [2, 0]]), symmetric_limit([[0, 0]])
    (3.0, 1.0)
    """
    a = real_array("values", values)
    return float(np.percentile(np.abs(a), percentile)) or 1.0


def heatmap(ax: Axes, values, *, signed: bool = True, limit: float | None = None,
            cmap: str | Colormap = "gray", vmin: float | None = None, vmax: float | None = None,
            annotate: bool = False, fmt: str = "{:.2g}", blank_zeros: bool = False, grid: bool = False,
            aspect: str | float = "equal", fontsize: float = FONT_SMALL) -> AxesImage:
    """A 2-D array drawn cell by cell; signed arrays on the one diverging colormap.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    values : array_like
        A real 2-D array.
    signed : bool
        Draw on :data:`~convlab.viz.style.SIGNED_CMAP` from ``-limit`` to
        ``limit``, white at zero. Otherwise on ``cmap`` from ``vmin`` to ``vmax``.
    limit : float, optional
        For signed arrays; :func:`symmetric_limit` of the values by default.
    cmap : str or Colormap
        For unsigned arrays.
    vmin, vmax : float, optional
        For unsigned arrays; the range of the values by default.
    annotate : bool
        Write each value (:func:`number` with ``fmt``) in its cell, in the
        :func:`text_color` of the cell.
    fmt : str
        Format of the written values that are not integral.
    blank_zeros : bool
        Leave zero cells blank (for sparse matrices) and write nothing in them.
    grid : bool
        Thin lines between the cells.
    aspect : "equal", "auto" or float
        As in ``matplotlib.axes.Axes.imshow``.
    fontsize : float
        Of the written values, in points.

    Returns
    -------
    matplotlib.image.AxesImage
        Its ``cmap`` and ``norm`` give each cell's colour.

    Examples
    --------
    >>> from convlab.viz import figure
    >>> from convlab.viz.draw import heatmap
    >>> image = heatmap(figure(2, 2).add_subplot(), [[-1, 0], [2, 4]], annotate=True)
    >>> image.get_clim(), [t.get_text() for t in image.axes.texts]
    ((-4.0, 4.0), ['−1', '0', '2', '4'])
    """
    a = real_array("values", values, 2)
    if flag("signed", signed):
        limit = symmetric_limit(a) if limit is None else float(limit)
        cmap, vmin, vmax = SIGNED_CMAP, -limit, limit
    shown = np.ma.masked_equal(a, 0) if flag("blank_zeros", blank_zeros) else a
    image = ax.imshow(shown, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest", aspect=aspect)
    if flag("grid", grid):
        ax.set_xticks(np.arange(a.shape[1] + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(a.shape[0] + 1) - 0.5, minor=True)
        ax.grid(which="minor", color=PALETTE["padding"], linewidth=0.5)
        ax.tick_params(which="minor", length=0)
    if flag("annotate", annotate):
        for (i, j), v in np.ndenumerate(a):
            if not (blank_zeros and v == 0):
                ax.text(j, i, number(v, fmt), ha="center", va="center", fontsize=fontsize,
                        color=text_color(image.cmap(image.norm(v))))
    return image


def panel_grid(n: int, ncols: int | None = None, *, panel_size: tuple[float, float] = (2.0, 2.0),
               stack: Sequence[float] | None = None, extra_width: float = 0.0,
               extra_height: float = 0.0, **subplots) -> tuple[Figure, np.ndarray]:
    """A figure of ``n`` equal panels, ``ncols`` to a row, and their axes.

    Parameters
    ----------
    n : int
        Number of panels.
    ncols : int, optional
        Panels per row (all in one row by default; at most ``n`` are used).
    panel_size : (float, float)
        Width and height of one panel in inches.
    stack : sequence of float, optional
        Split every panel into axes stacked top to bottom with these
        relative heights (e.g. a kernel above its feature map).
    extra_width, extra_height : float
        Inches added to the figure's width and height (for labels beside
        the panels or a title over them).
    **subplots
        Passed to ``Figure.subplots`` (e.g. ``sharex=True``).

    Returns
    -------
    fig : matplotlib.figure.Figure
        Holding only the panels' axes (the unused slots of the last row are removed).
    axes : numpy.ndarray of Axes
        Shape ``(n,)``, or ``(n, len(stack))`` with ``stack``; panels in row-major order.

    Examples
    --------
    >>> from convlab.viz.draw import panel_grid
    >>> fig, axes = panel_grid(5, 3, panel_size=(1.5, 1.0))
    >>> axes.shape, len(fig.axes), fig.get_size_inches().tolist()
    ((5,), 5, [4.5, 2.0])
    >>> panel_grid(2, 0)
    Traceback (most recent call last):
    ...
    ValueError: ncols must be a positive int; got 0
    """
    n = positive_int("n", n)
    ncols = n if ncols is None else min(positive_int("ncols", ncols), n)
    size = real_array("panel_size", panel_size, 1)
    if size.shape != (2,) or not np.all(np.isfinite(size) & (size > 0)):
        raise ValueError(f"panel_size must be a (width, height) pair of positive inches; got {panel_size!r}")
    ratios = [1.0] if stack is None else [float(r) for r in real_array("stack", stack, 1)]
    if min(ratios) <= 0:
        raise ValueError(f"stack must hold positive relative heights; got {stack!r}")
    nrows = math.ceil(n / ncols)
    fig = figure(float(size[0]) * ncols + float(extra_width), float(size[1]) * nrows + float(extra_height))
    grid = fig.subplots(nrows * len(ratios), ncols, squeeze=False, height_ratios=ratios * nrows, **subplots)
    axes = np.empty((n, len(ratios)), dtype=object)
    for slot, s in np.ndindex(nrows * ncols, len(ratios)):
        row, col = divmod(slot, ncols)
        ax = grid[row * len(ratios) + s, col]
        if slot < n:
            axes[slot, s] = ax
        else:
            fig.delaxes(ax)
    return fig, (axes[:, 0] if stack is None else axes)


def _same_scale(axes: Sequence[Axes]) -> None:
    """Give every axes the extent of the largest drawing among them, each kept centred.

    For panels drawn in data units with an equal aspect (cells, grids): once
    every panel spans as many units, a cell has the same size in all of them.
    Each axis keeps its direction (an image's y axis stays pointing down).

    Examples
    --------
    >>> from convlab.viz.draw import _same_scale, panel_grid
    >>> fig, axes = panel_grid(2)
    >>> _ = axes[0].set_xlim(0, 4), axes[0].set_ylim(2, 0), axes[1].set_xlim(0, 2), axes[1].set_ylim(6, 0)
    >>> _same_scale(axes)
    >>> [[float(v) for v in (*ax.get_xlim(), *ax.get_ylim())] for ax in axes]
    [[0.0, 4.0, 4.0, -2.0], [-1.0, 3.0, 6.0, 0.0]]
    """
    axes = list(axes)
    width = max(abs(ax.get_xlim()[1] - ax.get_xlim()[0]) for ax in axes)
    height = max(abs(ax.get_ylim()[0] - ax.get_ylim()[1]) for ax in axes)
    for ax in axes:
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        sx, sy = (1.0 if x1 >= x0 else -1.0), (1.0 if y0 >= y1 else -1.0)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        ax.set_xlim(cx - sx * width / 2, cx + sx * width / 2)
        ax.set_ylim(cy + sy * height / 2, cy - sy * height / 2)


def legend(fig: Figure, labels: Sequence[str] | None = None, *, rename=None,
                  loc: str = "outside upper right") -> Legend | None:
    """One legend for all panels of ``fig``: the first line of each label, over the panels.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure with constrained layout (as :func:`~convlab.viz.style.figure` makes).
    labels : sequence of str, optional
        The labels to show, in this order; by default every label of a line
        (matplotlib's ``_`` labels excepted), in the order they were drawn.
    rename : callable, optional
        Maps a line's label to the legend's (lines mapped to one label share
        an entry), e.g. ``"crossover k = 7"`` to ``"crossover"``.
    loc : str
        Where, as in ``Figure.legend`` (an ``"outside ..."`` place keeps it
        off the panels).

    Returns
    -------
    matplotlib.legend.Legend or None
        None when there is nothing to show.

    Examples
    --------
    >>> from convlab.viz.draw import panel_grid, legend
    >>> fig, axes = panel_grid(2)
    >>> for ax in axes:
    ...     _ = ax.plot([0, 1], label="a"), ax.plot([1, 0], label="b")
    >>> [t.get_text() for t in legend(fig).get_texts()]
    ['a', 'b']
    """
    lines: dict[str, object] = {}
    for line in (line for ax in fig.axes for line in ax.get_lines()):
        label = line.get_label() if rename is None else rename(line.get_label())
        if not label.startswith("_") and (labels is None or label in labels):
            lines.setdefault(label, line)
    order = list(lines) if labels is None else [label for label in labels if label in lines]
    if not order:
        return None
    return fig.legend([lines[label] for label in order], order, loc=loc, ncol=len(order),
                      fontsize=FONT_SMALL, frameon=False)


def _index(name: str, value, size: int, what: str = "an index") -> int:
    """``value`` as an int in ``0..size-1`` (``TypeError`` if not an int, ``ValueError`` if outside)."""
    v = non_negative_int(name, value)
    if v >= size:
        raise ValueError(f"{name} must be {what} in 0..{size - 1}; got {v}")
    return v


def _real(name: str, value, low: float, high: float = math.inf) -> float:
    """``value`` as a float in ``(low, high]`` (``TypeError`` if it is not a real number)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} of type {type(value).__name__}")
    if not low < value <= high:
        allowed = f"> {low:g}" if high == math.inf else f"in ({low:g}, {high:g}]"
        raise ValueError(f"{name} must be {allowed}; got {value!r}")
    return float(value)


def _one_each(name: str, values, n: int, single: type | tuple[type, ...], per: str = "panel") -> list:
    """``values`` as a list of ``n`` entries: one value of type ``single``, repeated, or ``n`` values."""
    if isinstance(values, single):
        return [values] * n
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be one value or a sequence of one per {per} ({n}); "
                        f"got {type(values).__name__}")
    if len(values) != n:
        raise ValueError(f"{name} must have one entry per {per} ({n}); got {len(values)}")
    return list(values)
