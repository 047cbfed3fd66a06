"""Pictures of transposed convolution: where each input cell's copy of the kernel lands.

A transposed convolution reads an input and *scatters*: every input cell
adds a copy of the kernel, scaled by its value, into the output, ``stride``
cells further along for each input cell; ``padding`` then crops the border
of that scatter and ``output_padding`` adds cells at the end. The pictures
here show that in both directions, always with the input in the input's
colour on the left and the output in the output's colour on the right:

* :func:`draw_transposed_map` and :func:`transposed_map_figure` -- the copy of
  one input cell's kernel in the output ("scatter"), or the input cells
  that reach one output cell ("gather"), with the cropped border in grey;
* :func:`scatter_animation` -- the copies added one input cell at a time,
  with the running sums;
* :func:`scatter_figure` -- in 1-D, every copy on its own row above their sum;
* :func:`zero_insertion_figure` -- in 1-D, the same output as an ordinary
  convolution of the input stretched with zeros, with the flipped kernel;
* :func:`coverage_figure` -- how many kernel taps reach each output cell.

Cells come from :func:`convlab.indexing.transposed_index_map` (convlab run
on labelled inputs and one-hot kernels) and values from
:func:`convlab.conv_transpose1d`/``2d`` and :func:`convlab.conv1d`; where a
picture could disagree with the package it is checked first, and raises
instead of being drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from .. import conv, transposed
from .._validate import choice, positive_int, real_array
from ..indexing import TransposedIndexMap, transposed_index_map
from .animation import HTMLAnimation, animate
from .draw import (
    _index,
    _one_each,
    _real,
    _same_scale,
    _stretched_figure,
    bare,
    cell,
    heatmap,
    number,
    panel_grid,
)
from .style import FONT_NORMAL, FONT_SMALL, PAGE_WIDTH, PALETTE, figure

__all__ = ["coverage_figure", "draw_transposed_map", "scatter_animation", "scatter_figure",
           "transposed_map_figure", "zero_insertion_figure"]

_GAP = 1.5            # empty cells between the input grid and the output grid
_CELL = 0.42          # inches per cell in the 1-D row pictures
_BOX = (0.9, 0.8)     # one value's box in the 1-D row pictures, in cells
_READINGS = ("scatter", "gather")


# --------------------------------------------------------------------------
# the whole scatter behind a map: what is cropped, what output_padding adds
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Scatter:
    """A 2-D transposed index map and the whole scatter it is cropped from.

    Output cell ``o`` is cell ``o + offset`` of the whole scatter, which has
    ``whole_shape`` cells (before the crop by ``padding``); ``frame`` is the
    union of the two, the grid drawn on the right of a picture.
    """

    tmap: TransposedIndexMap
    whole: np.ndarray             # (*whole_shape, *kernel, 2): input cell per (whole cell, tap), -1 for none
    offset: tuple[int, int]
    frame: tuple[int, int]

    @property
    def whole_shape(self) -> tuple[int, int]:
        return tuple(self.whole.shape[:2])

    def in_output(self, r: int, c: int) -> bool:
        (orow, ocol), (oh, ow) = self.offset, self.tmap.output_shape
        return 0 <= r - orow < oh and 0 <= c - ocol < ow

    def in_whole(self, r: int, c: int) -> bool:
        return r < self.whole_shape[0] and c < self.whole_shape[1]

    def copy_of(self, m: tuple[int, int]) -> list[tuple[tuple[int, int], int]]:
        """Whole-scatter cells that input cell ``m``'s kernel copy covers, with the tap (row-major)."""
        taps = self.whole.reshape(*self.whole_shape, -1, 2)
        hits = np.nonzero((taps[..., 0] == m[0]) & (taps[..., 1] == m[1]))
        return [((int(r), int(c)), int(t)) for r, c, t in zip(*hits)]


def _as_2d(tmap) -> TransposedIndexMap:
    """``tmap`` itself, or a 1-D map recomputed by convlab as one row of a 2-D map."""
    if not isinstance(tmap, TransposedIndexMap):
        raise TypeError(f"tmap must be a convlab.indexing.TransposedIndexMap; got {type(tmap).__name__}")
    if tmap.ndim == 2:
        return tmap
    if tmap.ndim != 1:
        raise ValueError(f"only 1-D and 2-D transposed index maps can be drawn; got one with {tmap.ndim} "
                         "spatial axes")
    return transposed_index_map((1, *tmap.input_shape), (1, *tmap.kernel_shape), stride=(1, *tmap.stride),
                                padding=((0, 0), *tmap.padding), output_padding=(0, *tmap.output_padding),
                                dilation=(1, *tmap.dilation))


def _scatter(tmap) -> _Scatter:
    tmap = _as_2d(tmap)
    whole = transposed_index_map(tmap.input_shape, tmap.kernel_shape, stride=tmap.stride,
                                 dilation=tmap.dilation).indices
    offset = tuple(lo for lo, _ in tmap.padding)
    frame = tuple(max(n, off + o) for n, off, o in zip(whole.shape[:2], offset, tmap.output_shape))
    # the map as asked must be the whole scatter cropped by padding, nothing past its end
    for o in np.ndindex(*tmap.output_shape):
        c = tuple(v + off for v, off in zip(o, offset))
        inside = all(v < n for v, n in zip(c, whole.shape[:2]))
        expected = whole[c] if inside else np.full_like(tmap.indices[o], -1)
        if not np.array_equal(tmap.indices[o], expected):
            raise RuntimeError("the transposed index map disagrees with its own uncropped scatter at output "
                               f"cell {o}: please report this as a bug")
    return _Scatter(tmap, whole, offset, frame)


def _cell_index(name: str, value, shape: tuple[int, ...], what: str) -> tuple[int, int]:
    """A cell of a 1-D (an int) or 2-D (a pair) grid, as a (row, column) pair of the 2-D picture."""
    if len(shape) == 1 and not isinstance(value, (tuple, list)):
        value = (value,)
    if not isinstance(value, (tuple, list)) or len(value) != len(shape):
        raise TypeError(f"{name} must be {what} of {len(shape)} int(s) for a grid of shape {shape}; "
                        f"got {value!r}")
    inside = f"{what} inside the grid of shape {shape}"
    index = tuple(_index(name, v, n, inside) for v, n in zip(value, shape))
    return (0, *index) if len(index) == 1 else index


# --------------------------------------------------------------------------
# the 2-D picture: input grid, arrow, the output inside its scatter frame
# --------------------------------------------------------------------------

def _layout(sc: _Scatter) -> tuple[float, float, float]:
    """x of the output frame's left edge, and the top of the input grid and of the frame."""
    ih, iw = sc.tmap.input_shape
    fh, _ = sc.frame
    return iw + _GAP, max(0.0, (fh - ih) / 2), max(0.0, (ih - fh) / 2)


def _draw(ax: Axes, sc: _Scatter, reading: str, chosen: tuple[int, int], title: str,
          x_values: np.ndarray | None = None, z_values: np.ndarray | None = None,
          whole_values: np.ndarray | None = None, fmt: str = "{:.3g}") -> None:
    """One picture. With values (the animation), numbers replace the tap labels."""
    ax.clear()
    tmap = sc.tmap
    ih, iw = tmap.input_shape
    fh, fw = sc.frame
    x0, y_in, y_out = _layout(sc)
    valued = x_values is not None
    numbered = not valued and max(ih, iw, fh, fw) <= 9

    if reading == "scatter":
        copy = sc.copy_of(chosen)
        lit_inputs = {chosen: None}
        lit_outputs = {rc: t for rc, t in copy}
    else:
        sources = tmap.sources(chosen)
        lit_inputs = {m: t for m, t in sources}
        lit_outputs = {tuple(v + off for v, off in zip(chosen, sc.offset)): None}
    taps = {t: i for i, t in enumerate(np.ndindex(*tmap.kernel_shape))}

    # the input, on the left
    for r, c in np.ndindex(ih, iw):
        text = number(x_values[r, c], fmt) if valued else ""
        if (r, c) not in lit_inputs:
            cell(ax, c + 0.5, y_in + r + 0.5, face=PALETTE["input"], alpha=0.35, text=text, color="black")
        elif reading == "scatter":
            cell(ax, c + 0.5, y_in + r + 0.5, face=PALETTE["input"], alpha=0.95, edge="black", lw=1.2, z=2,
                 text=text)
        else:
            label = str(taps[lit_inputs[(r, c)]]) if numbered else text
            cell(ax, c + 0.5, y_in + r + 0.5, face=PALETTE["kernel"], alpha=0.85, edge="black", lw=0.8, z=2,
                 text=label)
    cell(ax, iw / 2, y_in + ih / 2, size=(iw, ih), edge=PALETTE["input"], lw=1.6, z=3)

    # the output inside the frame of the whole scatter, on the right
    for r, c in np.ndindex(fh, fw):
        x, y = x0 + c + 0.5, y_out + r + 0.5
        out, whole = sc.in_output(r, c), sc.in_whole(r, c)
        if not (out or whole):
            continue
        if valued:
            if out:
                v = z_values[r - sc.offset[0], c - sc.offset[1]]
            else:
                v = whole_values[r, c]
            text, color = number(v, fmt), ("black" if out else PALETTE["muted"])
        else:
            text, color = "", None
        lit = (r, c) in lit_outputs
        if lit and reading == "scatter":
            label = str(lit_outputs[(r, c)]) if numbered else text
            patch = cell(ax, x, y, face=PALETTE["kernel"], alpha=0.85 if out else 0.35, edge="black", lw=0.8,
                         z=2, text=label, color=None if out else "black")
            if not out:
                patch.set_linestyle("--")
        elif lit:
            cell(ax, x, y, face=PALETTE["output"], alpha=0.95, edge="black", lw=1.2, z=2, text=text)
        elif out and whole:
            cell(ax, x, y, face=PALETTE["output"], alpha=0.3, text=text, color=color)
        elif out:     # added by output_padding, beyond the scatter: never written
            patch = cell(ax, x, y, face=PALETTE["output"], alpha=0.12, edge=PALETTE["output"], lw=0.6,
                         text=text, color=color)
            patch.set_hatch("///")
        else:         # cropped by padding
            cell(ax, x, y, face=PALETTE["padding"], alpha=0.55, text=text, color=color)
    (orow, ocol), (oh, ow) = sc.offset, tmap.output_shape
    cell(ax, x0 + ocol + ow / 2, y_out + orow + oh / 2, size=(ow, oh), edge=PALETTE["output"], lw=1.6, z=3)

    bottom = max(y_in + ih, y_out + fh)
    ax.annotate("", xy=(x0 - 0.15, bottom / 2), xytext=(iw + 0.15, bottom / 2),
                arrowprops=dict(arrowstyle="->", color=PALETTE["muted"], lw=1.2))
    ax.text(iw / 2, y_in + ih + 0.25, "input", ha="center", va="top", fontsize=FONT_SMALL,
            color=PALETTE["input"])
    ax.text(x0 + ocol + ow / 2, bottom + 0.25, "output", ha="center", va="top", fontsize=FONT_SMALL,
            color=PALETTE["output"])
    ax.set_xlim(-0.2, x0 + fw + 0.2)
    ax.set_ylim(bottom + 1.1, -0.2)
    ax.set_aspect("equal")
    bare(ax, frame=False)
    ax.set_title(title, fontsize=FONT_NORMAL)


def _shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(str(v) for v in shape)


def _compact(values: tuple[int, ...]) -> str:
    """One number when every axis has it, else all of them: ``(3, 3)`` is ``"3"``, ``(3, 2)`` ``"3×2"``."""
    return str(values[0]) if len(set(values)) == 1 else _shape_text(values)


def draw_transposed_map(ax: Axes, tmap: TransposedIndexMap, cell_index=None, *, reading: str = "scatter",
                        title: str | None = None) -> Axes:
    """Draw a transposed convolution's input, its output, and how one cell connects them.

    Left: the input (blue), right: the output (green, framed), inside the
    frame of the whole scatter before the crop: cells that ``padding`` crops
    are grey, cells that ``output_padding`` adds past the scatter are
    hatched (no tap reaches them). An arrow points from input to output.

    ``reading="scatter"``: ``cell_index`` is an input cell (dark blue); the
    orange cells are where its copy of the kernel lands, numbered by tap in
    row-major order from 0, as code counts (dashed where the crop discards them).
    ``reading="gather"``: ``cell_index`` is an output cell (dark green); the
    orange cells are the input cells that reach it, each numbered by the
    tap that carries it there.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw (it is cleared first).
    tmap : convlab.indexing.TransposedIndexMap
        A 1-D or 2-D map from :func:`convlab.indexing.transposed_index_map`
        (a 1-D map is drawn as one row).
    cell_index : int or tuple of int, optional
        The input cell (scatter) or output cell (gather); the first by default.
    reading : {"scatter", "gather"}
        Which way to read the map.
    title : str, optional
        By default the shapes, e.g. ``"3×3 → 7×7"``.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, drawn on.

    Examples
    --------
    >>> from convlab.indexing import transposed_index_map
    >>> from convlab.viz import figure
    >>> from convlab.viz.transposed import draw_transposed_map
    >>> tmap = transposed_index_map((2, 2), (3, 3), stride=2)
    >>> ax = draw_transposed_map(figure(3, 2).add_subplot(), tmap, (1, 1))
    >>> ax.get_title(), sorted(t.get_text() for t in ax.texts if t.get_text().isdigit())[:3]
    ('2×2 → 5×5', ['0', '1', '2'])
    """
    reading = choice("reading", reading, _READINGS)
    sc = _scatter(tmap)
    original = tmap.input_shape if reading == "scatter" else tmap.output_shape
    what = "an input cell" if reading == "scatter" else "an output cell"
    chosen = _cell_index("cell_index", (0,) * len(original) if cell_index is None else cell_index,
                         original, what)
    if title is None:
        title = f"{_shape_text(tmap.input_shape)} → {_shape_text(tmap.output_shape)}"
    _draw(ax, sc, reading, chosen, title)
    return ax


def transposed_map_figure(maps: Sequence[TransposedIndexMap], titles: Sequence[str] | None = None,
                          cells: Sequence | None = None, *, reading: str | Sequence[str] = "scatter",
                          ncols: int = 2, panel_size: tuple[float, float] = (3.7, 2.6)) -> Figure:
    """Several transposed index maps side by side at one scale (see :func:`draw_transposed_map`).

    Parameters
    ----------
    maps : sequence of convlab.indexing.TransposedIndexMap
        1-D or 2-D maps.
    titles : sequence of str, optional
        One per map; by default the shapes.
    cells : sequence, optional
        The input (scatter) or output (gather) cell of each panel; the first
        cell by default.
    reading : {"scatter", "gather"} or a sequence of them
        One for all panels or one per panel.
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
    >>> from convlab.indexing import transposed_index_map
    >>> from convlab.viz.transposed import transposed_map_figure
    >>> maps = [transposed_index_map((2, 2), (3, 3)), transposed_index_map((2, 2), (3, 3), stride=2)]
    >>> fig = transposed_map_figure(maps, ["stride 1", "stride 2"], [(0, 0), (1, 1)])
    >>> [ax.get_title() for ax in fig.axes]
    ['stride 1', 'stride 2']
    """
    maps = list(maps)
    if not maps:
        raise ValueError("maps must hold at least one TransposedIndexMap; got none")
    n = len(maps)
    titles = [None] * n if titles is None else _one_each("titles", titles, n, (), "map")
    cells = [None] * n if cells is None else _one_each("cells", cells, n, (), "map")
    readings = _one_each("reading", reading, n, str, "map")
    for m in maps:
        _as_2d(m)
    fig, axes = panel_grid(n, ncols, panel_size=panel_size)
    for ax, m, title, index, how in zip(axes, maps, titles, cells, readings):
        draw_transposed_map(ax, m, index, reading=how, title=title)
    _same_scale(axes)
    return fig


def _layer_options(stride, padding, output_padding, dilation) -> dict:
    return dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)


def scatter_animation(x: ArrayLike, w: ArrayLike, *, stride=1, padding=0, output_padding=0, dilation=1,
                      fmt: str = "{:.3g}", size: tuple[float, float] | None = None, interval: int = 900,
                      max_frames: int = 30) -> HTMLAnimation:
    """The scatter reading, animated: input cells add their kernel copies one at a time.

    Frame ``m`` (row-major over the input) shows input cell ``m`` and where
    its copy of the kernel lands (orange), every output cell holding the
    sum of the copies added so far: the transposed convolution of the input
    with its later cells set to zero, computed by
    :func:`convlab.conv_transpose2d`. The last frame holds its full result.
    Cells cropped by ``padding`` show their running sums in grey.

    Parameters
    ----------
    x, w : array_like
        Real 1-D or 2-D input and kernel (one channel).
    stride, padding, output_padding, dilation
        As for :func:`convlab.conv_transpose2d` (``conv_transpose1d`` for 1-D).
    fmt : str
        Format of values that are not integral.
    size : (float, float), optional
        Width and height in inches; by default from the number of cells.
    interval : int
        Milliseconds per frame.
    max_frames : int
        ``ValueError`` if the input has more cells than this.

    Returns
    -------
    HTMLAnimation
        One frame per input cell.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.transposed import scatter_animation
    >>> scatter_animation(np.array([[1, 2], [3, 4]]), np.ones((2, 2), dtype=int), stride=2)
    <HTMLAnimation: 4 frames>
    """
    x = real_array("x", x, (1, 2))
    w = real_array("w", w, (1, 2))
    if x.ndim != w.ndim:
        raise ValueError(f"x and w must have the same number of axes; got shapes {x.shape} and {w.shape}")
    layer = transposed.conv_transpose1d if x.ndim == 1 else transposed.conv_transpose2d
    options = _layer_options(stride, padding, output_padding, dilation)
    z = layer(x[None, None], w[None, None], **options)[0, 0]
    tmap = transposed_index_map(x.shape, w.shape, **options)
    sc = _scatter(tmap)
    max_frames = positive_int("max_frames", max_frames)
    if x.size > max_frames:
        raise ValueError(f"the input has {x.size} cells, more than max_frames={max_frames}; use a smaller "
                         "input or raise max_frames")
    whole_options = dict(stride=stride, dilation=dilation)
    x2 = x.reshape(sc.tmap.input_shape)
    partial, whole = [], []
    for m in range(x.size):
        upto = np.where(np.arange(x.size) <= m, x.ravel(), 0).reshape(x.shape)
        partial.append(layer(upto[None, None], w[None, None], **options)[0, 0].reshape(sc.tmap.output_shape))
        whole.append(layer(upto[None, None], w[None, None], **whole_options)[0, 0].reshape(sc.whole_shape))
    if not np.allclose(partial[-1], z.reshape(sc.tmap.output_shape)):
        raise RuntimeError("the running sums do not end at convlab's result: please report this as a bug")
    if size is None:
        _, fw = sc.frame
        columns = sc.tmap.input_shape[1] + _GAP + fw + 0.4
        rows = max(sc.frame[0], sc.tmap.input_shape[0]) + 1.3
        unit = min(0.45, PAGE_WIDTH / columns)
        size = (unit * columns, unit * rows + 0.35)
    fig = figure(_real("width", size[0], 0.0, PAGE_WIDTH), _real("height", size[1], 0.0))
    ax = fig.add_subplot()
    cells_in = list(np.ndindex(*sc.tmap.input_shape))

    def update(m: int) -> None:
        r, c = cells_in[m]
        label = f"input cell {(r, c) if x.ndim == 2 else c}: adds {number(x2[r, c], fmt)}·w"
        _draw(ax, sc, "scatter", cells_in[m], label, x2, partial[m], whole[m], fmt)

    update(0)
    return animate(fig, update, x.size, interval=positive_int("interval", interval))


# --------------------------------------------------------------------------
# 1-D rows: the copies and their sum; the stretched input and the flipped kernel
# --------------------------------------------------------------------------

def _row_label(ax: Axes, x: float, y: float, text: str) -> None:
    ax.text(x, y, text, ha="right", va="center", fontsize=FONT_NORMAL)


def scatter_figure(y: ArrayLike, w: ArrayLike, *, stride: int = 1, padding: int = 0, output_padding: int = 0,
                   dilation: int = 1, fmt: str = "{:.3g}") -> Figure:
    """A 1-D transposed convolution as a sum of kernel copies, one row per input cell.

    Top: the input ``y`` (blue, labelled x, the book's letter for a layer's
    input), each cell above the copy it makes. Then one row per input cell:
    ``x[m]·w``, the kernel scaled by the cell, placed ``stride`` cells
    further than the previous one (orange). Bottom: their column sums, the
    output (green, labelled y), as
    :func:`convlab.conv_transpose1d` computes it; columns cropped by
    ``padding`` are grey (their copies dashed), cells that
    ``output_padding`` adds past the copies are hatched. Every row comes
    from convlab (the transposed convolution of ``y`` with one cell kept),
    and the figure checks that the rows add up to the output.

    Parameters
    ----------
    y, w : array_like
        Real 1-D input and kernel.
    stride, padding, output_padding, dilation : int
        As for :func:`convlab.conv_transpose1d`.
    fmt : str
        Format of values that are not integral.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from convlab.viz.transposed import scatter_figure
    >>> fig = scatter_figure([1, 2, 3], [1, 10, 100], stride=2)
    >>> fig.axes[0].get_title(loc="left")
    'stride 2: 3 input cells → 7 output cells'
    """
    y = real_array("y", y, 1)
    w = real_array("w", w, 1)
    options = _layer_options(stride, padding, output_padding, dilation)
    z = transposed.conv_transpose1d(y[None, None], w[None, None], **options)[0, 0]
    sc = _scatter(transposed_index_map(len(y), len(w), **options))
    length = sc.whole_shape[1]
    copies = []
    for m in range(len(y)):
        one = np.where(np.arange(len(y)) == m, y, 0)
        copies.append(transposed.conv_transpose1d(one[None, None], w[None, None], stride=stride,
                                                  dilation=dilation)[0, 0])
    copies = np.array(copies)
    off, n_out = sc.offset[1], len(z)
    total = np.zeros(sc.frame[1], dtype=np.result_type(copies, float))
    total[:length] = copies.sum(axis=0)
    if not np.allclose(total[off:off + n_out], z):
        raise RuntimeError("the kernel copies do not add up to convlab's output: please report this as a bug")
    frame = sc.frame[1]
    n = len(y)
    row_y, row_z = 0.0, n + 1.9
    fig = figure(min(PAGE_WIDTH, _CELL * (frame + 2.2) + 0.3), _CELL * (n + 4.0) + 0.35)
    ax = fig.add_subplot()
    note = dict(ha="center", fontsize=FONT_SMALL, color=PALETTE["muted"])
    span = dilation * (len(w) - 1)
    for m, v in enumerate(y):
        centre = m * stride + span / 2
        cell(ax, centre, row_y, size=_BOX, face=PALETTE["input"], alpha=0.35, text=number(v, fmt),
             color="black")
        ax.text(centre, row_y - 0.5, str(m), va="bottom", **note)
        for (_, c), _tap in sc.copy_of((0, m)):
            out = sc.in_output(0, c)
            patch = cell(ax, c, 1.4 + m, size=_BOX, face=PALETTE["kernel"], alpha=0.4 if out else 0.15,
                         text=number(copies[m, c], fmt), color="black" if out else PALETTE["muted"])
            if not out:
                patch.set_linestyle("--")
                patch.set_edgecolor(PALETTE["muted"])
        _row_label(ax, -0.9, 1.4 + m, f"x[{m}]·w")
    _row_label(ax, -0.9, row_y, "x")
    ax.plot([-0.5, frame - 0.5], [row_z - 0.8, row_z - 0.8], color=PALETTE["muted"], lw=1.0)
    ax.text(frame - 0.35, row_z - 0.8, "Σ", ha="left", va="center", fontsize=FONT_NORMAL,
            color=PALETTE["muted"])
    for c in range(frame):
        out, whole = sc.in_output(0, c), c < length
        if out and whole:
            cell(ax, c, row_z, size=_BOX, face=PALETTE["output"], alpha=0.45, text=number(total[c], fmt),
                 color="black")
        elif out:
            patch = cell(ax, c, row_z, size=_BOX, face=PALETTE["output"], alpha=0.12, edge=PALETTE["output"],
                         lw=0.6, text="0", color="black")
            patch.set_hatch("///")
        else:
            cell(ax, c, row_z, size=_BOX, face=PALETTE["padding"], alpha=0.55, text=number(total[c], fmt),
                 color=PALETTE["muted"])
        if out:
            ax.text(c, row_z + 0.5, str(c - off), va="top", **note)
    _row_label(ax, -0.9, row_z, "y")
    ax.set_title(f"stride {stride}: {n} input cells → {n_out} output cells", fontsize=FONT_NORMAL, loc="left")
    ax.set_xlim(-2.7, frame)
    ax.set_ylim(row_z + 1.1, row_y - 0.9)
    ax.set_aspect("equal")
    bare(ax, frame=False)
    return fig


def zero_insertion_figure(y: ArrayLike, w: ArrayLike, *, stride: int = 1, padding: int = 0,
                          output_padding: int = 0, dilation: int = 1, steps: Sequence[int] | None = None,
                          fmt: str = "{:.3g}") -> Figure:
    """A 1-D transposed convolution as an ordinary convolution of a stretched input.

    Four rows per panel: the input ``y`` (blue, labelled x); the stretched input, with
    ``stride - 1`` zeros inserted between its cells and ``d(k-1) - p``
    zeros on each side (``output_padding`` more at the end), all grey; the
    flipped kernel under the window of one output cell (orange); and the
    output (green, labelled y), each cell under the centre of its window. The
    output is :func:`convlab.conv_transpose1d`'s, and the figure checks
    that :func:`convlab.conv1d` of the stretched input with the flipped
    kernel (stride 1) gives it.

    Parameters
    ----------
    y, w : array_like
        Real 1-D input and kernel.
    stride, padding, output_padding, dilation : int
        As for :func:`convlab.conv_transpose1d`; ``padding`` at most
        ``dilation*(k-1)`` (more would crop the stretched input, not pad it).
    steps : sequence of int, optional
        Output cells to show, one panel each; by default the middle one.
    fmt : str
        Format of values that are not integral.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per step, top to bottom.

    Examples
    --------
    >>> from convlab.viz.transposed import zero_insertion_figure
    >>> fig = zero_insertion_figure([1, 2, 3], [1, 10, 100], stride=2, steps=[2])
    >>> fig.axes[0].get_title(loc="left")
    'y[2] = 1·100 + 0·10 + 2·1 = 102'
    """
    y = real_array("y", y, 1)
    w = real_array("w", w, 1)
    stride, dilation = positive_int("stride", stride), positive_int("dilation", dilation)
    z = transposed.conv_transpose1d(y[None, None], w[None, None], stride=stride, padding=padding,
                                    output_padding=output_padding, dilation=dilation)[0, 0]
    k, n = len(w), len(y)
    border = dilation * (k - 1) - padding
    if border < 0:
        raise ValueError(f"padding must be at most dilation*(k-1) = {dilation * (k - 1)} to draw the "
                         f"stretched input (a larger padding crops it); got {padding}")
    stretched = np.zeros((n - 1) * stride + 1 + 2 * border + output_padding, dtype=np.result_type(y, w))
    real = border + stride * np.arange(n)
    stretched[real] = y
    flipped = w[::-1]
    check = conv.conv1d(stretched[None, None], flipped[None, None], dilation=dilation)[0, 0]
    if check.shape != z.shape or not np.allclose(check, z):
        raise RuntimeError("the stretched input and the flipped kernel disagree with convlab's transposed "
                           "convolution: please report this as a bug")
    return _stretched_figure(steps, y, real, stretched, flipped, z, dilation=dilation,
                             faces=(PALETTE["input"], PALETTE["output"]),
                             labels=("x", "stretched", "flip(w)", "y"), name="y", what="output", fmt=fmt,
                             box=_BOX, left=-3.3, margin=2.6, label_size=FONT_NORMAL, bracket_first=False)


# --------------------------------------------------------------------------
# coverage: how many taps reach each output cell
# --------------------------------------------------------------------------

def coverage_figure(maps: Sequence[TransposedIndexMap], titles: Sequence[str] | None = None, *,
                    ncols: int | None = None, width: float | None = None, cmap: str = "Greens") -> Figure:
    """How many kernel taps reach each output cell, one heat map per transposed index map.

    The counts are :meth:`convlab.indexing.TransposedIndexMap.coverage`,
    written in their cells, on one colour scale for all panels (0 to the
    largest count), so that uneven overlap -- the checkerboard -- shows as
    a pattern.

    Parameters
    ----------
    maps : sequence of convlab.indexing.TransposedIndexMap
        1-D (drawn as one row) or 2-D maps.
    titles : sequence of str, optional
        One per map; by default kernel size and stride.
    ncols : int, optional
        Panels per row (all in one row by default, at most 4).
    width : float, optional
        Figure width in inches (up to the page width by default).
    cmap : str
        A sequential colormap.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per map.

    Examples
    --------
    >>> from convlab.indexing import transposed_index_map
    >>> from convlab.viz.transposed import coverage_figure
    >>> fig = coverage_figure([transposed_index_map((3, 3), (3, 3), stride=2)])
    >>> fig.axes[0].get_title(), [t.get_text() for t in fig.axes[0].texts][:4]
    ('k=3, s=2', ['1', '1', '2', '1'])
    """
    maps = list(maps)
    if not maps:
        raise ValueError("maps must hold at least one TransposedIndexMap; got none")
    counts = [_as_2d(m).coverage() for m in maps]
    n = len(maps)
    if titles is None:
        titles = [f"k={_compact(m.kernel_shape)}, s={_compact(m.stride)}" for m in maps]
    titles = _one_each("titles", titles, n, (), "map")
    ncols = min(n, 4) if ncols is None else min(positive_int("ncols", ncols), n)
    width = min(PAGE_WIDTH, 2.5 * ncols) if width is None else _real("width", width, 0.0, PAGE_WIDTH)
    column = width / ncols
    aspect = max(c.shape[0] / c.shape[1] for c in counts)
    fig, axes = panel_grid(n, ncols, panel_size=(column, column * aspect + 0.35))
    top = max(int(c.max()) for c in counts) or 1
    for ax, c, title in zip(axes, counts, titles):
        heatmap(ax, c, signed=False, cmap=cmap, vmin=0, vmax=top, annotate=True, grid=True)
        bare(ax)
        ax.set_title(title, fontsize=FONT_NORMAL)
    return fig


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
