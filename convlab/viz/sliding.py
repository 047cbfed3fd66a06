"""Pictures of the 1-D sliding window: where it reads, what it multiplies, what it writes.

Every picture is drawn from convlab's own results. The cells a window reads
come from :func:`convlab.indexing.index_map` (which runs convlab on labelled
inputs), the output values from :func:`convlab.correlate` or
:func:`convlab.conv1d`; before drawing, the products read off the index map
are summed and compared with convlab's output, so a picture that disagreed
with the package would raise instead of being drawn.

Two conventions are covered: ``mode="valid" | "same" | "full"`` gives
:func:`convlab.correlate` (NumPy/SciPy semantics), otherwise ``stride``,
``padding`` and ``dilation`` give :func:`convlab.conv1d` (PyTorch semantics).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator
from numpy.typing import ArrayLike

from .. import conv
from ..indexing import index_map
from .animation import HTMLAnimation, animate
from .style import PALETTE, figure

__all__ = ["draw_window", "filtered_figure", "matrix_figure", "sliding_window_animation",
           "sliding_window_figure"]

_CELL = 0.42  # inches per cell in the window pictures
_ROWS = {"x": 3.0, "w": 2.0, "xw": 1.0, "y": -0.35}
_LINE_COLORS = ("output", "kernel", "highlight", "muted")


@dataclass(frozen=True)
class _Windows:
    """One 1-D convolution, with where each output's window reads (padded coordinates)."""

    x: np.ndarray
    w: np.ndarray
    y: np.ndarray
    reads: np.ndarray          # (n_out, k) padded positions
    before: int                # padding before the signal
    padded: int                # length of the padded signal

    @property
    def centres(self) -> np.ndarray:
        """Centre of each window, in signal coordinates (sample 0 is at 0)."""
        return self.reads.mean(axis=1) - self.before

    def uses_padding(self) -> np.ndarray:
        real = (self.reads >= self.before) & (self.reads < self.before + len(self.x))
        return ~real.all(axis=1)

    def products(self, i: int) -> np.ndarray:
        return self.padded_x()[self.reads[i]] * self.w

    def padded_x(self) -> np.ndarray:
        xp = np.zeros(self.padded, dtype=np.result_type(self.x, self.w))
        xp[self.before:self.before + len(self.x)] = self.x
        return xp


def _as_signal(name: str, value) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real numeric array; got dtype {arr.dtype}")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array; got shape {arr.shape}")
    return arr


def _windows(x, w, *, mode: str | None = None, stride=1, padding=0, dilation=1) -> _Windows:
    x, w = _as_signal("x", x), _as_signal("w", w)
    k = len(w)
    if mode is not None:
        if (stride, padding, dilation) != (1, 0, 1):
            raise ValueError("give either mode (for convlab.correlate) or stride/padding/dilation "
                             "(for convlab.conv1d), not both")
        if mode not in ("valid", "same", "full"):
            raise ValueError(f"mode must be one of ('valid', 'same', 'full'); got {mode!r}")
        y = conv.correlate(x, w, mode)
        # correlate's padding: nothing, k-1 on both sides, or "full" cropped to n centred as scipy does
        pads = {"valid": 0, "full": k - 1, "same": ((k - 1 - (k - 1) // 2, (k - 1) // 2),)}[mode]
        imap = index_map(len(x), k, padding=pads)
    else:
        y = conv.conv1d(x[None], w[None, None], stride=stride, padding=padding, dilation=dilation)[0]
        imap = index_map(len(x), k, stride=stride, padding=padding, dilation=dilation)
    (before, _), = imap.padding
    windows = _Windows(x, w, y, imap.indices[..., 0], before, imap.padded_shape[0])
    sums = (windows.padded_x()[windows.reads] * w).sum(axis=1)
    if sums.shape != y.shape or not np.allclose(sums, y, rtol=1e-9, atol=1e-12):
        raise RuntimeError("the windows read off convlab.indexing disagree with convlab's output: "
                           "please report this as a bug")
    return windows


def _fmt(v, fmt: str) -> str:
    v = v.item() if isinstance(v, np.generic) else v
    if isinstance(v, numbers.Integral) or float(v).is_integer():
        return str(int(v)).replace("-", "\N{MINUS SIGN}")
    return fmt.format(v).replace("-", "\N{MINUS SIGN}")


def _cell(ax: Axes, centre: float, row: float, text: str, face, *, edge="white", lw=1.0,
          weight="normal", color="black") -> None:
    ax.add_patch(Rectangle((centre - 0.45, row - 0.4), 0.9, 0.8, facecolor=face, edgecolor=edge,
                           linewidth=lw, zorder=2))
    if text:
        ax.text(centre, row, text, ha="center", va="center", fontsize=8.5, weight=weight, color=color,
                zorder=3)


def _draw(ax: Axes, win: _Windows, step: int, fmt: str, title: str | None) -> None:
    ax.clear()
    reads = win.reads[step]
    xp = win.padded_x()
    n = len(win.x)
    lo, hi = win.before, win.before + n
    # the (padded) input: real cells blue, padding grey, the window's cells outlined in orange
    for p in range(win.padded):
        real = lo <= p < hi
        face = to_rgba(PALETTE["input"], 0.25) if real else to_rgba(PALETTE["padding"], 0.6)
        inside = p in reads
        _cell(ax, p, _ROWS["x"], _fmt(xp[p], fmt), face, edge=PALETTE["kernel"] if inside else "white",
              lw=2.2 if inside else 1.0, color="black" if real else PALETTE["muted"])
        if real:
            ax.text(p, _ROWS["x"] + 0.55, str(p - lo), ha="center", va="bottom", fontsize=6.5,
                    color=PALETTE["muted"])
    # the kernel under the cells it reads, and the products
    prods = win.products(step)
    for p, wj, pr in zip(reads, win.w, prods):
        _cell(ax, p, _ROWS["w"], _fmt(wj, fmt), to_rgba(PALETTE["kernel"], 0.4))
        _cell(ax, p, _ROWS["xw"], _fmt(pr, fmt), to_rgba(PALETTE["kernel"], 0.12),
              edge=to_rgba(PALETTE["kernel"], 0.6))
    # a bracket that sums the products into the output cell
    centres = win.centres + lo
    c, y_bracket = centres[step], _ROWS["xw"] - 0.55
    ax.plot([reads.min() - 0.4, reads.max() + 0.4], [y_bracket, y_bracket], color=PALETTE["muted"],
            lw=1.0, zorder=1)
    ax.annotate("", xy=(c, _ROWS["y"] + 0.42), xytext=(c, y_bracket), zorder=1,
                arrowprops=dict(arrowstyle="-|>", color=PALETTE["muted"], lw=1.0, shrinkA=0, shrinkB=0))
    ax.text(c + 0.12, (y_bracket + _ROWS["y"] + 0.42) / 2, "Σ", ha="left", va="center", fontsize=8,
            color=PALETTE["muted"])
    # the output: written so far, being written now, still to come
    for i, (ci, yi) in enumerate(zip(centres, win.y)):
        if i < step:
            _cell(ax, ci, _ROWS["y"], _fmt(yi, fmt), to_rgba(PALETTE["output"], 0.3))
        elif i == step:
            _cell(ax, ci, _ROWS["y"], _fmt(yi, fmt), to_rgba(PALETTE["output"], 0.75),
                  edge=PALETTE["highlight"], lw=2.0, weight="bold")
        else:
            _cell(ax, ci, _ROWS["y"], "", "white", edge=PALETTE["padding"])
        ax.text(ci, _ROWS["y"] - 0.55, str(i), ha="center", va="top", fontsize=6.5, color=PALETTE["muted"])
    left = min(0, float(centres.min()) - 0.5) - 0.6
    for key, label in (("x", "$x$"), ("w", "$w$"), ("xw", r"$x\cdot w$"), ("y", "$y$")):
        ax.text(left, _ROWS[key], label, ha="right", va="center", fontsize=9)
    if title is None:
        terms = " + ".join(f"{_fmt(xp[p], fmt)}·{_fmt(wj, fmt)}" if wj >= 0 else
                           f"{_fmt(xp[p], fmt)}·({_fmt(wj, fmt)})" for p, wj in zip(reads, win.w))
        title = f"y[{step}] = " + (terms + " = " if len(reads) <= 5 else "") + _fmt(win.y[step], fmt)
    ax.set_title(title, fontsize=9, loc="left")
    ax.set_xlim(left - 1.6, max(win.padded, float(centres.max()) + 1) - 0.4)
    ax.set_ylim(_ROWS["y"] - 0.95, _ROWS["x"] + 0.95)
    ax.set_aspect("equal")
    ax.axis("off")


def _step(step, n_out: int) -> int:
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        raise TypeError(f"step must be an int; got {step!r} of type {type(step).__name__}")
    if not 0 <= step < n_out:
        raise ValueError(f"step must be an output index in 0..{n_out - 1}; got {step}")
    return int(step)


def _panel_size(win: _Windows) -> tuple[float, float]:
    columns = max(win.padded, float(win.centres.max() + win.before) + 1) + 2.2
    return _CELL * columns + 0.3, _CELL * 5.4 + 0.35


def draw_window(ax: Axes, x: ArrayLike, w: ArrayLike, step: int = 0, *, mode: str | None = None,
                stride: int = 1, padding=0, dilation: int = 1, fmt: str = "{:.3g}",
                title: str | None = None) -> Axes:
    """Draw one position of the sliding window on ``ax`` (which is cleared first).

    Four rows: the (padded) input ``x`` with the window's cells outlined and
    0-based indices above; the kernel ``w`` under the cells it reads; their
    products; and the output ``y``, whose cell ``step`` receives the sum.
    Output cells sit under the centre of their window; cells before ``step``
    are filled in, cells after it are still empty.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x, w : array_like
        Real 1-D signal and kernel.
    step : int
        The output index (0-based) whose window is drawn.
    mode : {"valid", "same", "full"}, optional
        Use :func:`convlab.correlate` with this mode ...
    stride, padding, dilation
        ... or else :func:`convlab.conv1d` with these options.
    fmt : str
        Format for non-integer values.
    title : str, optional
        By default the sum written out, e.g. ``"y[0] = 1·2 + 3·1 = 5"``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from convlab.viz import figure
    >>> from convlab.viz.sliding import draw_window
    >>> ax = draw_window(figure(4, 2).add_subplot(), [1, 3, 2], [2, 1], step=1)
    >>> ax.get_title(loc="left")
    'y[1] = 3·2 + 2·1 = 8'
    """
    win = _windows(x, w, mode=mode, stride=stride, padding=padding, dilation=dilation)
    _draw(ax, win, _step(step, len(win.y)), fmt, title)
    return ax


def sliding_window_figure(x: ArrayLike, w: ArrayLike, steps: Sequence[int] | None = None, *,
                          mode: str | None = None, stride: int = 1, padding=0, dilation: int = 1,
                          fmt: str = "{:.3g}") -> Figure:
    """Several positions of the sliding window, one panel each (see :func:`draw_window`).

    Parameters
    ----------
    x, w : array_like
        Real 1-D signal and kernel.
    steps : sequence of int, optional
        Output indices to draw; by default the first, the middle and the last.
    mode, stride, padding, dilation, fmt
        As in :func:`draw_window`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from convlab.viz import sliding_window_figure
    >>> fig = sliding_window_figure([2, 0, 1, 3, 1], [1, 0, -1])
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['y[0] = 2·1 + 0·0 + 1·(−1) = 1', 'y[1] = 0·1 + 1·0 + 3·(−1) = −3', 'y[2] = 1·1 + 3·0 + 1·(−1) = 0']
    """
    win = _windows(x, w, mode=mode, stride=stride, padding=padding, dilation=dilation)
    n_out = len(win.y)
    if steps is None:
        steps = sorted({0, (n_out - 1) // 2, n_out - 1})
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Sequence) or not steps:
        raise TypeError(f"steps must be a non-empty sequence of output indices; got {steps!r}")
    steps = [_step(s, n_out) for s in steps]
    width, height = _panel_size(win)
    fig = figure(width, height * len(steps))
    for ax, s in zip(fig.subplots(len(steps), 1, squeeze=False)[:, 0], steps):
        _draw(ax, win, s, fmt, None)
    return fig


def sliding_window_animation(x: ArrayLike, w: ArrayLike, *, mode: str | None = None, stride: int = 1,
                             padding=0, dilation: int = 1, fmt: str = "{:.3g}", interval: int = 900,
                             max_frames: int = 30) -> HTMLAnimation:
    """The window sliding over every output position, as an HTML/JS animation.

    One frame per output sample, drawn by :func:`draw_window`; parameters as
    there. Raises ``ValueError`` if there would be more than ``max_frames``
    frames (use a shorter signal).

    Examples
    --------
    >>> from convlab.viz import sliding_window_animation
    >>> sliding_window_animation([1, 2, 3, 4], [1, 1], mode="full")
    <HTMLAnimation: 5 frames>
    """
    win = _windows(x, w, mode=mode, stride=stride, padding=padding, dilation=dilation)
    n_out = len(win.y)
    if n_out > max_frames:
        raise ValueError(f"the output has {n_out} samples, more than max_frames={max_frames}; "
                         "use a shorter signal or raise max_frames")
    fig = figure(*_panel_size(win))
    ax = fig.add_subplot()

    def update(i: int) -> None:
        _draw(ax, win, i, fmt, None)

    update(0)
    return animate(fig, update, n_out, interval=interval)


def filtered_figure(x: ArrayLike, kernels: Mapping[str, ArrayLike], *, modes: Sequence[str] = ("same",),
                    separate: bool = False, rate: float = 1.0, t0: float = 0.0,
                    xlim: tuple[float, float] | None = None, xlabel: str | None = None,
                    signal_label: str = "signal", width: float = 7.0, panel_height: float = 2.0) -> Figure:
    """A signal and its correlations with one or more kernels, one panel per mode.

    Every output sample is plotted at the centre of the window that made it,
    so outputs of different lengths (``valid`` is shorter, ``full`` longer)
    line up with the signal. Where a window reaches into the zero padding the
    output is shaded in the kernel's colour: those samples are edge effects.

    Parameters
    ----------
    x : array_like
        Real 1-D signal.
    kernels : mapping of str to array_like
        Legend label -> real 1-D kernel; each output is
        ``convlab.correlate(x, kernel, mode)``.
    modes : sequence of {"valid", "same", "full"}
        One panel per mode.
    separate : bool
        One panel per mode *and* kernel (for outputs of different scales).
    rate, t0 : float
        Samples per unit of time and the time of sample 0.
    xlim : (float, float), optional
        Zoom into this time range.
    xlabel : str, optional
        By default ``"time"`` if ``rate != 1``, else ``"sample"``.
    signal_label : str
        Legend label of the signal.
    width, panel_height : float
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz import filtered_figure
    >>> fig = filtered_figure(np.sin(np.arange(40) / 4), {"box 5": np.ones(5) / 5}, modes=("valid", "same"))
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['mode="valid": 36 samples from 40', 'mode="same": 40 samples from 40']
    """
    x = _as_signal("x", x)
    if not isinstance(kernels, Mapping) or not kernels:
        raise TypeError(f"kernels must be a non-empty mapping of label -> kernel; got {kernels!r}")
    if isinstance(modes, str) or not isinstance(modes, Sequence) or not modes:
        raise TypeError(f"modes must be a non-empty sequence of modes, e.g. ('valid', 'same'); got {modes!r}")
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not rate > 0:
        raise ValueError(f"rate must be a positive number; got {rate!r}")
    colors = {label: PALETTE[_LINE_COLORS[i % len(_LINE_COLORS)]] for i, label in enumerate(kernels)}
    groups = [[label] for label in kernels] if separate else [list(kernels)]
    panels = [(mode, group) for mode in modes for group in groups]
    fig = figure(width, panel_height * len(panels) + 0.35)
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    t = t0 + np.arange(len(x)) / rate
    for ax, (mode, group) in zip(axes, panels):
        ax.plot(t, x, color=PALETTE["input"], lw=0.8, alpha=0.55, label=signal_label)
        for label in group:
            win = _windows(x, kernels[label], mode=mode)
            tc = t0 + win.centres / rate
            ax.plot(tc, win.y, color=colors[label], lw=1.4, label=label)
            edge = win.uses_padding()
            half = np.arange(len(edge)) < len(edge) / 2
            for side in (edge & half, edge & ~half):
                if side.any():
                    ax.axvspan(tc[side].min(), tc[side].max(), color=colors[label], alpha=0.12, lw=0)
        title = f'mode="{mode}": {len(win.y)} samples from {len(x)}'
        ax.set_title(title + (f" ({group[0]})" if separate else ""), fontsize=9, loc="left")
        ax.axhline(0, color=PALETTE["muted"], lw=0.5, alpha=0.5)
        ax.tick_params(labelsize=8)
        ax.margins(x=0.01)
    lines = {}
    for line in (line for ax in axes for line in ax.get_lines()):
        if line.get_label() in (signal_label, *kernels):
            lines.setdefault(line.get_label(), line)
    fig.legend(list(lines.values()), list(lines), loc="outside upper right", ncol=len(lines), fontsize=7.5,
               frameon=False)
    axes[-1].set_xlabel(xlabel or ("time" if rate != 1 else "sample"), fontsize=9)
    if xlim is not None:
        axes[-1].set_xlim(*xlim)
    return fig


def matrix_figure(m, *, row: int | None = None, annotate: bool | None = None, fmt: str = "{:.2g}",
                  title: str | None = None, width: float = 5.0) -> Figure:
    """A numeric matrix as a heat map: zeros blank, negative blue, positive red.

    Meant for the matrix of a convolution (see
    :func:`convlab.symbolic.correlation_matrix`): each row is one position
    of the sliding window, so the kernel appears as diagonal bands.

    Parameters
    ----------
    m : sympy.Matrix or array_like
        A 2-D matrix of numbers (substitute numbers for any symbols first).
    row : int, optional
        A row to outline (one output and the inputs it reads).
    annotate : bool, optional
        Write the values into the non-zero cells; by default when the matrix
        has at most 16 rows and columns.
    fmt : str
        Format of the written values.
    title : str, optional
        By default the shape and the number of non-zeros.
    width : float
        Figure width in inches (the height follows the matrix's shape).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from convlab.symbolic import correlation_matrix
    >>> from convlab.viz import matrix_figure
    >>> fig = matrix_figure(correlation_matrix([1, 2, 1], 6), row=1)
    >>> fig.axes[0].get_title()
    '4×6 matrix, 12 non-zeros'
    """
    try:
        a = np.array(m.tolist() if hasattr(m, "tolist") else m, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("m must hold numbers only; substitute numbers for its symbols first "
                        "(e.g. m.subs({...}))") from None
    if a.ndim != 2 or a.size == 0:
        raise ValueError(f"m must be a non-empty 2-D matrix; got shape {a.shape}")
    if row is not None:
        row = _step(row, a.shape[0])
    if annotate is None:
        annotate = max(a.shape) <= 16
    limit = float(np.abs(a).max()) or 1.0
    fig = figure(width, max(1.6, width * a.shape[0] / a.shape[1] * 0.95 + 0.6))
    ax = fig.add_subplot()
    image = ax.imshow(np.ma.masked_equal(a, 0), cmap="RdBu_r", vmin=-limit, vmax=limit,
                      interpolation="nearest")
    ax.set_xticks(np.arange(a.shape[1] + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(a.shape[0] + 1) - 0.5, minor=True)
    ax.grid(which="minor", color=PALETTE["padding"], lw=0.4)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(labelsize=7)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if annotate:
        for (i, j), v in np.ndenumerate(a):
            if v != 0:
                ax.text(j, i, _fmt(v, fmt), ha="center", va="center", fontsize=7,
                        color="white" if abs(v) > 0.6 * limit else "black")
    if row is not None:
        ax.add_patch(Rectangle((-0.5, row - 0.5), a.shape[1], 1, fill=False, edgecolor=PALETTE["highlight"],
                               lw=1.8))
    ax.set_xlabel("input position j", fontsize=8)
    ax.set_ylabel("output position i", fontsize=8)
    ax.set_title(title or f"{a.shape[0]}×{a.shape[1]} matrix, {int(np.count_nonzero(a))} non-zeros",
                 fontsize=9)
    fig.colorbar(image, ax=ax, shrink=0.8).ax.tick_params(labelsize=7)
    return fig
