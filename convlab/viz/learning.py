"""Figures for learning (chapter 8): the backward pass, gradient checks, pooling, and a trained CNN.

* :func:`backward_sources` and :func:`backward_map_figure` -- which output
  gradients reach one input cell, and through which kernel tap (the
  backward pass's index map, read off :func:`convlab.indexing.index_map`);
* :func:`stride_gradient_figure` -- a strided layer's input gradient as a
  full correlation of the output gradient, zeros inserted, with the
  flipped kernel;
* :func:`step_size_figure` -- the error of a finite-difference gradient
  against the step;
* :func:`shift_figure` -- how much a map changes when its input shifts;
* :func:`pool_gradient_figure` -- where max pooling sends its gradient;
* :func:`training_figure`, :func:`filters_figure`,
  :func:`activation_figure`, :func:`confusion_figure` -- a network's loss
  and accuracy curves, its kernels, its feature maps of one image, and its
  mistakes.

Every value drawn is computed by convlab (or passed in from its results);
the figures share the drawing layer of :mod:`convlab.viz.draw` and the look
of :mod:`convlab.viz.style`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import conv, grad, pooling
from .._validate import positive_int, real_array, shape_tuple
from ..indexing import IndexMap
from .draw import (
    _index,
    _one_each,
    _same_scale,
    _stretched_figure,
    bare,
    cell,
    heatmap,
    legend,
    number,
    panel_grid,
    symmetric_limit,
)
from .style import FONT_NORMAL, FONT_SMALL, PAGE_WIDTH, PALETTE, colors, figure

__all__ = ["activation_figure", "backward_map_figure", "backward_sources", "confusion_figure",
           "draw_backward_map", "filters_figure", "pool_gradient_figure", "shift_figure", "step_size_figure",
           "stride_gradient_figure", "training_figure"]

_GAP = 1.6   # empty cells between the grids of one backward map


# --------------------------------------------------------------------------
# the backward pass's index map
# --------------------------------------------------------------------------

def _require_map(imap) -> None:
    if not isinstance(imap, IndexMap):
        raise TypeError(f"imap must be a convlab.indexing.IndexMap; got {type(imap).__name__}")
    if imap.ndim > 2:
        raise ValueError(f"only 1-D and 2-D index maps can be drawn; got one with {imap.ndim} spatial axes")


def _input_cell(imap: IndexMap, value) -> tuple[int, ...]:
    items = (value,) if not isinstance(value, (tuple, list)) else tuple(value)
    if len(items) != imap.ndim:
        raise ValueError(f"cell must name one input cell of the {imap.ndim}-D input {imap.input_shape}; "
                         f"got {value!r}")
    return tuple(_index("cell", v, n, "an input index") for v, n in zip(items, imap.input_shape))


def backward_sources(imap: IndexMap, cell_index) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The ``(output cell, tap)`` pairs whose gradient reaches one input cell in the backward pass.

    Output ``o`` read input cell ``m`` through tap ``t`` in the forward pass
    exactly when ``m`` receives ``delta[o] * w[t]`` in the backward pass, so
    ``dL/dx[m] = sum over these pairs of delta[o] * w[t]``. Read off the
    forward :class:`convlab.indexing.IndexMap` (which convlab computed by
    running itself), in output order.

    Parameters
    ----------
    imap : convlab.indexing.IndexMap
        The forward layer's map.
    cell_index : int or tuple of int
        A cell of the (unpadded) input.

    Returns
    -------
    list of (tuple, tuple)

    Examples
    --------
    >>> from convlab.indexing import index_map
    >>> from convlab.viz.learning import backward_sources
    >>> backward_sources(index_map(5, 3), 2)             # three outputs, taps in reverse order
    [((0,), (2,)), ((1,), (1,)), ((2,), (0,))]
    >>> backward_sources(index_map(7, 3, stride=2), 3)   # stride 2: only one output reads x[3]
    [((1,), (1,))]
    """
    _require_map(imap)
    m = _input_cell(imap, cell_index)
    padded = np.array([v + lo for v, (lo, _) in zip(m, imap.padding)])
    hits = np.all(imap.indices == padded, axis=-1)                      # (*out, *kernel)
    nd = imap.ndim
    found = np.argwhere(hits)
    return [(tuple(int(v) for v in row[:nd]), tuple(int(v) for v in row[nd:])) for row in found]


def _as_rows(shape: tuple[int, ...]) -> tuple[int, int]:
    return (1, shape[0]) if len(shape) == 1 else (shape[0], shape[1])


def _as_rc(index: tuple[int, ...]) -> tuple[int, int]:
    return (0, index[0]) if len(index) == 1 else (index[0], index[1])


def draw_backward_map(ax: Axes, imap: IndexMap, cell_index=None, *, title: str | None = None) -> Axes:
    """Draw the kernel's taps, the output gradient ``δ`` and the input gradient, for one input cell.

    Left: the kernel, its taps numbered in row-major order from 0 (code indices). Middle:
    ``δ = ∂L/∂y`` (green); the cells whose gradient reaches the chosen input
    cell are orange, numbered by the tap that carries it. Right:
    ``∂L/∂x`` (blue), the chosen cell dark. Around an interior cell the
    numbers run backwards, the kernel turned by 180°: the flip of the
    backward pass. A 1-D map is drawn as one row.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw (it is cleared first).
    imap : convlab.indexing.IndexMap
        The forward layer's 1-D or 2-D map.
    cell_index : int or tuple of int, optional
        The input cell; the middle one by default.
    title : str, optional
        By default how many output gradients reach the cell.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from convlab.indexing import index_map
    >>> from convlab.viz import figure
    >>> from convlab.viz.learning import draw_backward_map
    >>> ax = draw_backward_map(figure(4, 2).add_subplot(), index_map((5, 5), (3, 3)), (2, 2))
    >>> ax.get_title()
    '9 output gradients reach x[2, 2]'
    """
    _require_map(imap)
    if cell_index is None:
        cell_index = tuple(n // 2 for n in imap.input_shape)
    m = _input_cell(imap, cell_index)
    sources = backward_sources(imap, m)
    taps = {o: t for o, t in sources}
    kh, kw = _as_rows(imap.kernel_shape)
    oh, ow = _as_rows(imap.output_shape)
    ih, iw = _as_rows(imap.input_shape)
    ax.clear()
    height = max(kh, oh, ih)
    label = dict(ha="center", va="bottom", fontsize=FONT_NORMAL)
    # the kernel, taps numbered
    y0 = (height - kh) / 2
    for t, (r, c) in enumerate(np.ndindex(kh, kw)):
        cell(ax, c + 0.5, y0 + r + 0.5, face=PALETTE["kernel"], alpha=0.45, text=str(t), color="black")
    ax.text(kw / 2, y0 - 0.25, "w", **label)
    # delta, with the reaching cells numbered by tap
    x1, y1 = kw + _GAP, (height - oh) / 2
    for o in np.ndindex(*imap.output_shape):
        r, c = _as_rc(o)
        if o in taps:
            tap = int(np.ravel_multi_index(taps[o], imap.kernel_shape))
            cell(ax, x1 + c + 0.5, y1 + r + 0.5, face=PALETTE["kernel"], alpha=0.85, edge="black", lw=0.8,
                 z=2, text=str(tap))
        else:
            cell(ax, x1 + c + 0.5, y1 + r + 0.5, face=PALETTE["output"], alpha=0.3)
    ax.text(x1 + ow / 2, y1 - 0.25, "δ = ∂L/∂y", **label)
    # the input gradient, the chosen cell dark
    x2, y2 = x1 + ow + _GAP, (height - ih) / 2
    mr, mc = _as_rc(m)
    for r, c in np.ndindex(ih, iw):
        chosen = (r, c) == (mr, mc)
        cell(ax, x2 + c + 0.5, y2 + r + 0.5, face=PALETTE["input"], alpha=0.95 if chosen else 0.3,
             edge="black" if chosen else "white", lw=1.2 if chosen else 1.0, z=2 if chosen else 1)
    ax.text(x2 + iw / 2, y2 - 0.25, "∂L/∂x", **label)
    ax.annotate("", xy=(x2 - 0.2, height / 2), xytext=(x1 + ow + 0.2, height / 2),
                arrowprops=dict(arrowstyle="->", color=PALETTE["muted"], lw=1.2))
    ax.set_xlim(-0.2, x2 + iw + 0.2)
    ax.set_ylim(height + 0.2, -1.3)
    ax.set_aspect("equal")
    bare(ax, frame=False)
    if title is None:
        where = ", ".join(str(v) for v in m)
        many = len(sources) != 1
        title = f"{len(sources)} output gradient{'s reach' if many else ' reaches'} x[{where}]"
    ax.set_title(title, fontsize=FONT_NORMAL)
    return ax


def backward_map_figure(maps: Sequence[IndexMap], cells: Sequence | None = None,
                        titles: Sequence[str] | None = None, *, ncols: int = 2,
                        panel_size: tuple[float, float] = (3.7, 2.4)) -> Figure:
    """Several backward maps side by side at one scale (see :func:`draw_backward_map`).

    Parameters
    ----------
    maps : sequence of convlab.indexing.IndexMap
        Forward maps, 1-D or 2-D.
    cells : sequence, optional
        One input cell per map; the middle ones by default.
    titles : sequence of str, optional
        One per map.
    ncols : int
        Panels per row.
    panel_size : (float, float)
        Inches per panel.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from convlab.indexing import index_map
    >>> from convlab.viz.learning import backward_map_figure
    >>> fig = backward_map_figure([index_map((5, 5), (3, 3)), index_map((7, 7), (3, 3), stride=2)],
    ...                           [(2, 2), (3, 3)])
    >>> [ax.get_title() for ax in fig.axes]
    ['9 output gradients reach x[2, 2]', '1 output gradient reaches x[3, 3]']
    """
    maps = list(maps)
    if not maps:
        raise ValueError("maps must hold at least one IndexMap; got none")
    n = len(maps)
    cells = [None] * n if cells is None else _one_each("cells", cells, n, (), "map")
    titles = [None] * n if titles is None else _one_each("titles", titles, n, (), "map")
    fig, axes = panel_grid(n, ncols, panel_size=panel_size)
    for ax, m, c, t in zip(axes, maps, cells, titles):
        draw_backward_map(ax, m, c, title=t)
    _same_scale(axes)
    return fig


# --------------------------------------------------------------------------
# stride: zeros inserted into the output gradient
# --------------------------------------------------------------------------

def stride_gradient_figure(w, delta, n: int, *, stride: int = 2, steps: Sequence[int] | None = None,
                           fmt: str = "{:.3g}") -> Figure:
    """A strided 1-D layer's input gradient as a correlation of the stretched output gradient.

    Four rows per panel: the output gradient ``δ`` (green); ``δ`` with
    ``stride - 1`` zeros between its cells and ``k - 1`` zeros on each side
    (grey zeros; more zeros at the end for the input cells past the last
    window); the flipped kernel under the window of one input cell
    (orange); and ``∂L/∂x`` (blue), which is
    :func:`convlab.grad.conv1d_input`'s. The figure checks that
    :func:`convlab.conv1d` of the stretched gradient with the flipped kernel
    gives it (no padding, no dilation).

    Parameters
    ----------
    w, delta : array_like
        Real 1-D kernel and output gradient.
    n : int
        Length of the layer's input.
    stride : int
        Of the layer.
    steps : sequence of int, optional
        Input cells to show, one panel each; the middle one by default.
    fmt : str
        Format of values that are not integral.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from convlab.viz.learning import stride_gradient_figure
    >>> fig = stride_gradient_figure([1, 10, 100], [1, 2, 3], 7, stride=2, steps=[2])
    >>> fig.axes[0].get_title(loc="left")
    '∂L/∂x[2] = 1·100 + 0·10 + 2·1 = 102'
    """
    w = real_array("w", w, 1)
    delta = real_array("delta", delta, 1)
    n, stride = positive_int("n", n), positive_int("stride", stride)
    k, n_out = len(w), len(delta)
    expected = conv.conv1d(np.zeros((1, 1, n)), np.zeros((1, 1, k)), stride=stride).shape[-1]
    if n_out != expected:
        raise ValueError(f"delta must have the layer's output length {expected} (n={n}, k={k}, "
                         f"stride={stride}); got {n_out}")
    dx = grad.conv1d_input((1, 1, n), w[None, None], delta[None, None], stride=stride)[0, 0]
    stretched = np.zeros(n + k - 1, dtype=np.result_type(delta, w))
    real = k - 1 + stride * np.arange(n_out)
    stretched[real] = delta
    flipped = w[::-1]
    check = conv.conv1d(stretched[None, None], flipped[None, None])[0, 0]
    if not np.allclose(check, dx):
        raise RuntimeError("the stretched gradient and the flipped kernel disagree with convlab.grad: "
                           "please report this as a bug")
    return _stretched_figure(steps, delta, real, stretched, flipped, dx,
                             faces=(PALETTE["output"], PALETTE["input"]),
                             labels=("δ", "δ, zeros in", "flip(w)", "∂L/∂x"), name="∂L/∂x", what="input",
                             fmt=fmt, box=(0.9, 0.9), left=-4.2, margin=3.6, label_size=FONT_SMALL,
                             bracket_first=True)


# --------------------------------------------------------------------------
# gradient checks, shifts, pooling
# --------------------------------------------------------------------------

def _series(name: str, values: Mapping, n: int) -> dict[str, np.ndarray]:
    if not isinstance(values, Mapping) or not values:
        raise TypeError(f"{name} must be a non-empty mapping of label -> values; got {type(values).__name__}")
    out = {}
    for label, v in values.items():
        arr = real_array(f"{name}[{label!r}]", v, 1)
        if len(arr) != n:
            raise ValueError(f"{name}[{label!r}] must have one value per point ({n}); got {len(arr)}")
        out[str(label)] = arr.astype(np.float64)
    return out


def step_size_figure(steps, errors: Mapping[str, Sequence[float]], *, width: float = 5.6,
                     height: float = 3.0) -> Figure:
    """The error of a finite-difference derivative against its step ``h``, on log axes.

    Each curve falls with ``h`` while the Taylor error dominates and rises
    again once rounding does; its lowest point is marked.

    Parameters
    ----------
    steps : array_like
        The steps ``h`` (positive).
    errors : mapping of str to array_like
        One curve per label (e.g. per dtype), one error per step (zeros are
        drawn at the bottom of the axes).
    width, height : float
        Inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.learning import step_size_figure
    >>> h = np.logspace(-8, -1, 8)
    >>> fig = step_size_figure(h, {"float64": h**2 + 1e-16 / h})
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_xlabel()
    ('log', 'step h')
    """
    h = real_array("steps", steps, 1)
    if np.any(h <= 0):
        raise ValueError("steps must be positive")
    curves = _series("errors", errors, len(h))
    fig = figure(min(width, PAGE_WIDTH), height)
    ax = fig.add_subplot()
    floor = min((c[c > 0].min() for c in curves.values() if np.any(c > 0)), default=1e-16) / 3
    for color, (label, err) in zip(colors(len(curves)), curves.items()):
        shown = np.where(err > 0, err, floor)
        ax.loglog(h, shown, "o-", color=color, ms=3.5, lw=1.4, label=label)
        best = int(np.argmin(shown))
        ax.plot(h[best], shown[best], "o", ms=9, mfc="none", mec=color, mew=1.6, label="_best")
    ax.set_xlabel("step h", fontsize=FONT_NORMAL)
    ax.set_ylabel("relative error", fontsize=FONT_NORMAL)
    ax.tick_params(labelsize=FONT_SMALL)
    ax.grid(True, which="major", color=PALETTE["padding"], lw=0.5)
    ax.legend(fontsize=FONT_SMALL, frameon=False)
    return fig


def shift_figure(shifts, changes: Mapping[str, Sequence[float]], *, width: float = 6.4,
                 height: float = 3.0, ylabel: str = "relative change") -> Figure:
    """How much each map changes when its input is shifted by ``t`` pixels, one line per map.

    The legend stands to the right of the axes, clear of the lines.

    Parameters
    ----------
    shifts : array_like
        The shifts ``t``.
    changes : mapping of str to array_like
        One curve per map, one value per shift (e.g. ``|f(T_t x) - f(x)| / |f(x)|``).
    width, height : float
        Inches.
    ylabel : str
        Label of the vertical axis.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from convlab.viz.learning import shift_figure
    >>> fig = shift_figure([1, 2, 3], {"conv": [0.5, 0.8, 0.9], "pooled": [0.2, 0.4, 0.5]})
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['conv', 'pooled']
    """
    t = real_array("shifts", shifts, 1)
    curves = _series("changes", changes, len(t))
    fig = figure(min(width, PAGE_WIDTH), height)
    ax = fig.add_subplot()
    for color, (label, c) in zip(colors(len(curves)), curves.items()):
        ax.plot(t, c, "o-", color=color, ms=4, lw=1.5, label=label)
    ax.set_xticks(t)
    ax.set_xlabel("shift t (pixels)", fontsize=FONT_NORMAL)
    ax.set_ylabel(ylabel, fontsize=FONT_NORMAL)
    top = ax.get_ylim()[1]
    ax.set_ylim(-0.03 * top, top)               # a curve at zero stays visible above the axis
    ax.tick_params(labelsize=FONT_SMALL)
    ax.grid(True, color=PALETTE["padding"], lw=0.5)
    ax.legend(fontsize=FONT_SMALL, frameon=False, loc="center left", bbox_to_anchor=(1.02, 0.5))
    return fig


def pool_gradient_figure(x, configs: Sequence[tuple[int, int]], grad_output=None, *,
                         cell_size: float = 0.34) -> Figure:
    """Where max pooling sends its gradient: the input, then ``∂L/∂x`` for each (kernel, stride).

    The first panel is the 2-D input with its values; each further panel is
    :func:`convlab.max_pool2d_backward` for one ``(kernel_size, stride)``
    with ``δ = 1`` everywhere (or ``grad_output``, one array per
    configuration): every window adds its gradient to its maximum, so a cell
    shows how many windows picked it. Cells no window picked are left blank.

    Parameters
    ----------
    x : array_like
        A real 2-D input.
    configs : sequence of (int, int)
        ``(kernel_size, stride)`` pairs.
    grad_output : sequence of array_like, optional
        One output gradient per configuration; ones by default.
    cell_size : float
        Inches per cell.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.learning import pool_gradient_figure
    >>> x = np.array([[1, 5, 2], [0, 3, 4], [2, 1, 0]])
    >>> fig = pool_gradient_figure(x, [(2, 1)])
    >>> fig.axes[1].get_title(), sorted(t.get_text() for t in fig.axes[1].texts)
    ('k = 2, s = 1', ['1', '1', '2'])
    """
    x = real_array("x", x, 2)
    if isinstance(configs, (str, bytes)) or not isinstance(configs, Sequence) or not configs:
        raise TypeError(f"configs must be a non-empty sequence of (kernel_size, stride) pairs; "
                        f"got {configs!r}")
    pairs = [shape_tuple("configs", c, 2) for c in configs]
    grads = [None] * len(pairs) if grad_output is None else _one_each("grad_output", grad_output, len(pairs),
                                                                       (), "configuration")
    h, w_ = x.shape
    n = len(pairs) + 1
    cell_size = min(cell_size, PAGE_WIDTH / (n * (w_ + 1.0)))
    fig, axes = panel_grid(n, n, panel_size=(cell_size * (w_ + 1.0), cell_size * (h + 1.0)),
                           extra_height=0.35)
    x4 = x[None, None].astype(np.float64)
    results = []
    for (k, s), g in zip(pairs, grads):
        out = pooling.max_pool2d(x4, k, s)
        dy = np.ones_like(out) if g is None else real_array("grad_output", g, (2, 4)).reshape(out.shape)
        results.append(pooling.max_pool2d_backward(dy, x4, k, s)[0, 0])
    top = max(max(float(dx.max()) for dx in results), 1.0) * 1.25       # one scale for every panel
    heatmap(axes[0], x, signed=False, cmap="Blues", vmin=float(x.min()) - 0.5 * np.ptp(x),
            annotate=True, fmt="{:.2g}", grid=True)
    axes[0].set_title("x", fontsize=FONT_NORMAL)
    for ax, (k, s), dx in zip(axes[1:], pairs, results):
        heatmap(ax, dx, signed=False, cmap="Oranges", vmin=0.0, vmax=top, annotate=True, fmt="{:.2g}",
                blank_zeros=True, grid=True)
        ax.set_title(f"k = {k}, s = {s}", fontsize=FONT_NORMAL)
    for ax in axes:
        bare(ax)
    return fig


# --------------------------------------------------------------------------
# a trained network
# --------------------------------------------------------------------------

def training_figure(history, *, width: float = PAGE_WIDTH, height: float = 2.8) -> Figure:
    """Loss and accuracy of a training run, per epoch (and the loss of every step, faint).

    Parameters
    ----------
    history : convlab.learn.History
        What :func:`convlab.learn.train` returned.
    width, height : float
        Inches.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: loss, accuracy.

    Examples
    --------
    >>> from convlab.learn import History
    >>> from convlab.viz.learning import training_figure
    >>> h = History([1.0, 0.5], [0.6, 0.8], [0.9, 0.6], [0.55, 0.75], [1.2, 0.8, 0.6, 0.4])
    >>> fig = training_figure(h)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['loss', 'accuracy (%)']
    """
    epochs = len(getattr(history, "train_loss", []))
    if epochs == 0:
        raise ValueError("history must hold at least one epoch (a convlab.learn.History from train)")
    fig, (ax_loss, ax_acc) = panel_grid(2, 2, panel_size=(min(width, PAGE_WIDTH) / 2, height))
    e = np.arange(1, epochs + 1)
    train_c, test_c, step_c = colors(3)
    steps = np.asarray(history.step_loss, dtype=np.float64)
    if steps.size:
        per_epoch = steps.size / epochs
        ax_loss.plot(np.arange(1, steps.size + 1) / per_epoch, steps, color=step_c, lw=0.6, alpha=0.45,
                     label="each step")
    ax_loss.plot(e, history.train_loss, "o-", color=train_c, ms=3.5, label="training (mean of the steps)")
    if history.test_loss:
        ax_loss.plot(e, history.test_loss, "s-", color=test_c, ms=3.5, label="test")
    ax_loss.set_yscale("log")
    ax_acc.plot(e, 100 * np.asarray(history.train_accuracy), "o-", color=train_c, ms=3.5, label="training")
    if history.test_accuracy:
        ax_acc.plot(e, 100 * np.asarray(history.test_accuracy), "s-", color=test_c, ms=3.5, label="test")
    for ax, label in ((ax_loss, "loss"), (ax_acc, "accuracy (%)")):
        ax.set_xlabel("epoch", fontsize=FONT_NORMAL)
        ax.set_ylabel(label, fontsize=FONT_NORMAL)
        ax.tick_params(labelsize=FONT_SMALL)
        ax.grid(True, color=PALETTE["padding"], lw=0.5)
    legend(fig)
    return fig


def _labelled_stacks(name: str, stacks, what: str, axis: int, one: str,
                     max_maps: int | None = None) -> dict[str, np.ndarray]:
    """``stacks`` (row label -> ``(N, H, W)`` maps, or 4-D with a single ``axis``) as 3-D arrays.

    With ``max_maps``, each row keeps its first ``max_maps`` maps.
    """
    if not isinstance(stacks, Mapping) or not stacks:
        raise TypeError(f"{name} must be a non-empty mapping of {what}; got {type(stacks).__name__}")
    if max_maps is not None:
        max_maps = positive_int("max_maps", max_maps)
    rows = {}
    for label, a in stacks.items():
        arr = real_array(f"{name}[{label!r}]", a, (3, 4))
        if arr.ndim == 4:
            if arr.shape[axis] != 1:
                raise ValueError(f"{name}[{label!r}] must {one}; got shape {arr.shape}")
            arr = arr.take(0, axis=axis)
        rows[str(label)] = arr[:max_maps]
    return rows


def _rows_grid(n_rows: int, ncols: int, panel: float, label_width: float) -> tuple[Figure, np.ndarray]:
    """Square panels, ``ncols`` to a row, with room for the row labels; narrowed to fit the page."""
    if ncols * panel + label_width > PAGE_WIDTH:
        panel = (PAGE_WIDTH - label_width) / ncols
    return panel_grid(n_rows * ncols, ncols, panel_size=(panel, panel), extra_width=label_width)


def _map_row(axes, label: str, maps, draw) -> None:
    """One labelled row: ``draw(ax, map)`` in the first panels, the row's spare panels left empty."""
    for c, ax in enumerate(axes):
        if c < len(maps):
            draw(ax, maps[c])
        bare(ax, frame=c < len(maps))
        if c == 0:
            ax.set_ylabel(label, fontsize=FONT_NORMAL)


def filters_figure(kernels: Mapping[str, np.ndarray], *, panel: float = 0.78) -> Figure:
    """One row of kernels per entry (e.g. before and after training), on the signed colormap.

    Parameters
    ----------
    kernels : mapping of str to array_like
        A row label and the row's kernels, ``(C_out, kh, kw)`` or
        ``(C_out, 1, kh, kw)``; each row has one colour scale, symmetric
        about zero up to its largest absolute weight, keyed by a colour bar
        beside the row. Kernels are numbered from 0, as in code.
    panel : float
        Inches per kernel.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.learning import filters_figure
    >>> fig = filters_figure({"initial": np.ones((4, 1, 3, 3)), "trained": -np.ones((4, 3, 3))})
    >>> len(fig.axes), fig.axes[0].get_ylabel()
    (8, 'initial')
    """
    rows = _labelled_stacks("kernels", kernels, "row label -> kernels", 1, "have one input channel")
    ncols = max(len(a) for a in rows.values())
    fig, grid = _rows_grid(len(rows), ncols, panel, 1.2)
    for r, (label, arr) in enumerate(rows.items()):
        limit = symmetric_limit(arr)
        row = grid[r * ncols:(r + 1) * ncols]
        _map_row(row, label, arr, partial(heatmap, limit=limit))
        if r == 0:
            for c in range(len(arr)):
                row[c].set_title(str(c), fontsize=FONT_SMALL)        # code indices, from 0
        # the row's colour key: a bar from -limit to +limit beside its last panel
        key = row[-1].inset_axes([1.1, 0.0, 0.09, 1.0])
        bar = fig.colorbar(row[0].get_images()[0], cax=key)
        bar.set_ticks([-limit, 0.0, limit])
        bar.set_ticklabels([f"−{number(limit, '{:.2g}')}", "0", number(limit, "{:.2g}")])
        bar.ax.tick_params(labelsize=FONT_SMALL, length=2, pad=1)
    return fig


def activation_figure(image, activations: Mapping[str, np.ndarray], *, max_maps: int = 8,
                      panel: float = 0.74) -> Figure:
    """One image and the feature maps a network makes of it: one row per layer, one map per column.

    Parameters
    ----------
    image : array_like
        The 2-D input image, drawn alone in the first row.
    activations : mapping of str to array_like
        A row label and the layer's output for this image, ``(C, H, W)``
        (or ``(1, C, H, W)``); at most ``max_maps`` channels are drawn,
        each on its own grey scale (black 0, white its largest value).
    max_maps : int
        Columns.
    panel : float
        Inches per map.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.learning import activation_figure
    >>> fig = activation_figure(np.eye(8), {"relu1": np.ones((8, 8, 8)), "pool1": np.ones((1, 8, 4, 4))})
    >>> [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    ['input', 'relu1', 'pool1']
    """
    img = real_array("image", image, 2)
    rows = _labelled_stacks("activations", activations, "label -> maps", 0, "hold one image", max_maps)
    ncols = max(len(a) for a in rows.values())
    fig, grid = _rows_grid(len(rows) + 1, ncols, panel, 0.9)
    _map_row(grid[:ncols], "input", [img], partial(heatmap, signed=False, cmap="gray_r"))

    def grey(ax, m):            # each map on its own scale: black 0, white its largest value
        heatmap(ax, m, signed=False, cmap="gray", vmin=0.0, vmax=float(m.max()) or 1.0)

    for r, (label, arr) in enumerate(rows.items(), start=1):
        _map_row(grid[r * ncols:(r + 1) * ncols], label, arr, grey)
    return fig


def confusion_figure(matrix, *, labels: Sequence[str] | None = None, cell_size: float = 0.36) -> Figure:
    """A confusion matrix: rows the true class, columns the predicted one, counts written.

    Correct predictions (the diagonal) are green, mistakes red; a cell's
    shade grows with its count, relative to the largest count of its kind.
    Empty cells stay blank.

    Parameters
    ----------
    matrix : array_like
        Square integer counts (:func:`convlab.learn.confusion_matrix`).
    labels : sequence of str, optional
        Class names; ``0, 1, ...`` by default.
    cell_size : float
        Inches per cell.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from convlab.viz.learning import confusion_figure
    >>> fig = confusion_figure([[5, 1], [0, 4]])
    >>> sorted(t.get_text() for t in fig.axes[0].texts)
    ['1', '4', '5']
    """
    m = real_array("matrix", matrix, 2)
    if m.shape[0] != m.shape[1]:
        raise ValueError(f"matrix must be square; got shape {m.shape}")
    n = m.shape[0]
    labels = [str(i) for i in range(n)] if labels is None else [str(v) for v in
                                                                 _one_each("labels", labels, n, (), "class")]
    fig = figure(min(PAGE_WIDTH, cell_size * n + 1.2), cell_size * n + 1.0)
    ax = fig.add_subplot()
    diag = np.eye(n, dtype=bool)
    top_right = max(float(m[diag].max()), 1.0)
    top_wrong = max(float(m[~diag].max()) if n > 1 else 0.0, 1.0)
    for (i, j), v in np.ndenumerate(m):
        if v == 0:
            cell(ax, j, i, edge=PALETTE["padding"], lw=0.5)
            continue
        right = i == j
        share = v / (top_right if right else top_wrong)
        cell(ax, j, i, face=PALETTE["output"] if right else PALETTE["highlight"], alpha=0.25 + 0.7 * share,
             text=number(v))
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_xticks(range(n), labels, fontsize=FONT_SMALL)
    ax.set_yticks(range(n), labels, fontsize=FONT_SMALL)
    ax.tick_params(length=0)
    ax.set_xlabel("predicted", fontsize=FONT_NORMAL)
    ax.set_ylabel("true", fontsize=FONT_NORMAL)
    for side in ax.spines.values():
        side.set_visible(False)
    return fig


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
