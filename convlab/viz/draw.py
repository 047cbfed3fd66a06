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

Two chapters draw one 1-D picture, a correlation of a sequence stretched
with zeros with the flipped kernel (the transposed convolution of chapter 7,
the strided layer's input gradient of chapter 8): it is drawn once, by
``_stretched_figure``.
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
from .style import FONT_NORMAL, FONT_SMALL, PAGE_WIDTH, PALETTE, SIGNED_CMAP, figure

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


def _factor(value, fmt: str) -> str:
    """A value as a factor of a written product: negative ones in parentheses."""
    text = number(value, fmt)
    return f"({text})" if value < 0 else text


def _stretched_figure(steps, top, positions, stretched, flipped, result, *, dilation: int = 1,
                      faces: tuple[str, str], labels: tuple[str, str, str, str], name: str, what: str,
                      fmt: str, box: tuple[float, float], left: float, margin: float,
                      label_size: float, bracket_first: bool) -> Figure:
    """A 1-D correlation of a stretched sequence with the flipped kernel, one panel per result cell.

    Four rows per panel: ``top`` (its cells at ``positions`` of the
    stretched row, an arrow down from each); ``stretched``, the added zeros
    grey and the window of the panel's cell outlined in the kernel's colour;
    ``flipped`` under that window; and ``result``, each cell under the centre
    of its window, the panel's cell highlighted. The title writes the
    panel's sum out (for kernels of up to 5 taps).

    ``steps`` are the result cells to show (the middle one by default),
    checked as ``what`` indices ("input", "output"); ``faces`` colours
    ``top`` and ``result``; ``labels`` name the four rows (in
    ``label_size`` points) and ``name`` the result in the title, whose
    stretched factors are parenthesized when negative if ``bracket_first``
    (kernel factors always are). ``box`` is a value's box in cells,
    ``left`` the axes' left end and ``margin`` the cells of width added for
    the labels.
    """
    n = len(result)
    if steps is None:
        steps = [(n - 1) // 2]
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Sequence) or not steps:
        raise TypeError(f"steps must be a non-empty sequence of {what} indices; got {steps!r}")
    steps = [_index("step", s, n, f"an {what} index") for s in steps]
    k, length = len(flipped), len(stretched)
    span = dilation * (k - 1)
    size = 0.42                                  # inches per cell
    y_top, y_stretched, y_kernel, y_result = 0.0, 1.6, 2.6, 3.8
    top_face, result_face = faces
    fig, axes = panel_grid(len(steps), 1, panel_size=(min(PAGE_WIDTH, size * (length + margin) + 0.3),
                                                      size * 5.6 + 0.35))
    note = dict(ha="center", fontsize=FONT_SMALL, color=PALETTE["muted"])
    real = set(np.asarray(positions).tolist())
    for ax, step in zip(axes, steps):
        window = step + dilation * np.arange(k)
        inside_window = set(window.tolist())
        for i, pos in enumerate(positions):
            cell(ax, pos, y_top, size=box, face=top_face, alpha=0.35, text=number(top[i], fmt), color="black")
            ax.text(pos, y_top - 0.5, str(i), va="bottom", **note)
            ax.annotate("", xy=(pos, y_stretched - 0.42), xytext=(pos, y_top + 0.42),
                        arrowprops=dict(arrowstyle="->", color=PALETTE["muted"], lw=0.8))
        for p in range(length):
            is_real, inside = p in real, p in inside_window
            face, alpha = (top_face, 0.35) if is_real else (PALETTE["padding"], 0.55)
            cell(ax, p, y_stretched, size=box, face=face, alpha=alpha, text=number(stretched[p], fmt),
                 color="black" if is_real else PALETTE["muted"],
                 edge=PALETTE["kernel"] if inside else "white", lw=2.2 if inside else 1.0)
        for a, p in enumerate(window):
            cell(ax, p, y_kernel, size=box, face=PALETTE["kernel"], alpha=0.4, text=number(flipped[a], fmt),
                 color="black")
        for i in range(n):
            centre, now = i + span / 2, i == step
            cell(ax, centre, y_result, size=box, face=result_face, alpha=0.75 if now else 0.3,
                 edge=PALETTE["highlight"] if now else "white", lw=2.0 if now else 1.0,
                 text=number(result[i], fmt), color="black", weight="bold" if now else "normal")
            ax.text(centre, y_result + 0.5, str(i), va="top", **note)
        for y, label in zip((y_top, y_stretched, y_kernel, y_result), labels):
            ax.text(-0.9, y, label, ha="right", va="center", fontsize=label_size)
        first = _factor if bracket_first else number
        terms = " + ".join(f"{first(stretched[p], fmt)}·{_factor(v, fmt)}" for p, v in zip(window, flipped))
        head = f"{name}[{step}] = " + (terms + " = " if k <= 5 else "")
        ax.set_title(head + number(result[step], fmt), fontsize=FONT_NORMAL, loc="left")
        ax.set_xlim(left, length)
        ax.set_ylim(y_result + 1.1, y_top - 0.9)
        ax.set_aspect("equal")
        bare(ax, frame=False)
    return fig


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


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
