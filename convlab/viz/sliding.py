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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from numpy.typing import ArrayLike

from .. import conv
from .._validate import choice, flag, positive_int, real_array
from ..indexing import index_map
from .animation import HTMLAnimation, animate
from .draw import _index, _real, bare, cell, heatmap, legend, number, panel_grid, text_width
from .style import FONT_NORMAL, FONT_SMALL, PALETTE, colors, figure

__all__ = ["draw_window", "filtered_figure", "frequency_response_figure", "matrix_figure",
           "sliding_window_animation", "sliding_window_figure"]

_CELL = 0.42  # inches per cell in the window pictures
_ROWS = {"x": 3.0, "w": 2.0, "xw": 1.0, "y": -0.35}
_CELL_SIZE = (0.9, 0.8)  # of one value's box, in cells
_MODES = ("valid", "same", "full")


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



def _windows(x, w, *, mode: str | None = None, stride=1, padding=0, dilation=1) -> _Windows:
    x, w = real_array("x", x, 1), real_array("w", w, 1)
    k = len(w)
    if mode is not None:
        if (stride, padding, dilation) != (1, 0, 1):
            raise ValueError("give either mode (for convlab.correlate) or stride/padding/dilation "
                             "(for convlab.conv1d), not both")
        mode = choice("mode", mode, _MODES)
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


def _draw(ax: Axes, win: _Windows, step: int, fmt: str, title: str | None) -> None:
    ax.clear()
    reads = win.reads[step]
    xp = win.padded_x()
    n = len(win.x)
    lo, hi = win.before, win.before + n
    box = dict(size=_CELL_SIZE, z=2)
    note = dict(ha="center", fontsize=FONT_SMALL, color=PALETTE["muted"])
    # the (padded) input: real cells blue, padding grey, the window's cells outlined in orange
    for p in range(win.padded):
        real = lo <= p < hi
        inside = p in reads
        face, alpha = (PALETTE["input"], 0.25) if real else (PALETTE["padding"], 0.6)
        cell(ax, p, _ROWS["x"], face=face, alpha=alpha, edge=PALETTE["kernel"] if inside else "white",
             lw=2.2 if inside else 1.0, text=number(xp[p], fmt), color="black" if real else PALETTE["muted"],
             **box)
        if real:
            ax.text(p, _ROWS["x"] + 0.5, str(p - lo), va="bottom", **note)
    # the kernel under the cells it reads, and the products
    for p, wj, pr in zip(reads, win.w, win.products(step)):
        cell(ax, p, _ROWS["w"], face=PALETTE["kernel"], alpha=0.4, text=number(wj, fmt), **box)
        cell(ax, p, _ROWS["xw"], face=PALETTE["kernel"], alpha=0.12, edge=to_rgba(PALETTE["kernel"], 0.6),
             text=number(pr, fmt), **box)
    # a bracket that sums the products into the output cell
    centres = win.centres + lo
    c, y_bracket = centres[step], _ROWS["xw"] - 0.55
    ax.plot([reads.min() - 0.4, reads.max() + 0.4], [y_bracket, y_bracket], color=PALETTE["muted"],
            lw=1.0, zorder=1)
    ax.annotate("", xy=(c, _ROWS["y"] + 0.42), xytext=(c, y_bracket), zorder=1,
                arrowprops=dict(arrowstyle="-|>", color=PALETTE["muted"], lw=1.0, shrinkA=0, shrinkB=0))
    ax.text(c + 0.12, (y_bracket + _ROWS["y"] + 0.42) / 2, "Σ", ha="left", va="center", fontsize=FONT_SMALL,
            color=PALETTE["muted"])
    # the output: written so far, being written now, still to come
    for i, (ci, yi) in enumerate(zip(centres, win.y)):
        if i < step:
            cell(ax, ci, _ROWS["y"], face=PALETTE["output"], alpha=0.3, text=number(yi, fmt), **box)
        elif i == step:
            cell(ax, ci, _ROWS["y"], face=PALETTE["output"], alpha=0.75, edge=PALETTE["highlight"], lw=2.0,
                 text=number(yi, fmt), weight="bold", **box)
        else:
            cell(ax, ci, _ROWS["y"], face="white", edge=PALETTE["padding"], **box)
        ax.text(ci, _ROWS["y"] - 0.5, str(i), va="top", **note)
    left = min(0, float(centres.min()) - 0.5) - 0.6
    for key, label in (("x", "$x$"), ("w", "$w$"), ("xw", r"$x\cdot w$"), ("y", "$y$")):
        ax.text(left, _ROWS[key], label, ha="right", va="center", fontsize=FONT_NORMAL)
    if title is None:
        terms = " + ".join(f"{number(xp[p], fmt)}·{number(wj, fmt)}" if wj >= 0 else
                           f"{number(xp[p], fmt)}·({number(wj, fmt)})" for p, wj in zip(reads, win.w))
        title = f"y[{step}] = " + (terms + " = " if len(reads) <= 5 else "") + number(win.y[step], fmt)
    ax.set_title(title, fontsize=FONT_NORMAL, loc="left")
    ax.set_xlim(left - 1.6, max(win.padded, float(centres.max()) + 1) - 0.4)
    ax.set_ylim(_ROWS["y"] - 1.0, _ROWS["x"] + 1.0)
    ax.set_aspect("equal")
    bare(ax, frame=False)


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
        ``ax``, with the window at ``step`` drawn on it.

    Examples
    --------
    >>> from convlab.viz import figure
    >>> from convlab.viz.sliding import draw_window
    >>> ax = draw_window(figure(4, 2).add_subplot(), [1, 3, 2], [2, 1], step=1)
    >>> ax.get_title(loc="left")
    'y[1] = 3·2 + 2·1 = 8'
    """
    win = _windows(x, w, mode=mode, stride=stride, padding=padding, dilation=dilation)
    _draw(ax, win, _index("step", step, len(win.y), "an output index"), fmt, title)
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
        One axes per step, top to bottom.

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
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Sequence):
        raise TypeError(f"steps must be a sequence of output indices; got {steps!r}")
    if not steps:
        raise ValueError("steps must hold at least one output index; got an empty sequence")
    steps = [_index("step", s, n_out, "an output index") for s in steps]
    fig, axes = panel_grid(len(steps), 1, panel_size=_panel_size(win))
    for ax, s in zip(axes, steps):
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
    max_frames = positive_int("max_frames", max_frames)
    if n_out > max_frames:
        raise ValueError(f"the output has {n_out} samples, more than max_frames={max_frames}; "
                         "use a shorter signal or raise max_frames")
    fig = figure(*_panel_size(win))
    ax = fig.add_subplot()

    def update(i: int) -> None:
        _draw(ax, win, i, fmt, None)

    update(0)
    return animate(fig, update, n_out, interval=positive_int("interval", interval))


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
        One axes per mode (and kernel), sharing the time axis.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz import filtered_figure
    >>> fig = filtered_figure(np.sin(np.arange(40) / 4), {"box 5": np.ones(5) / 5}, modes=("valid", "same"))
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['mode="valid": 36 samples from 40', 'mode="same": 40 samples from 40']
    """
    x = real_array("x", x, 1)
    if not isinstance(kernels, Mapping):
        raise TypeError(f"kernels must be a mapping of label -> kernel; got {type(kernels).__name__}")
    if not kernels:
        raise ValueError("kernels must hold at least one label -> kernel; got an empty mapping")
    if isinstance(modes, str) or not isinstance(modes, Sequence):
        raise TypeError(f"modes must be a sequence of modes, e.g. ('valid', 'same'); got {modes!r}")
    if not modes:
        raise ValueError("modes must hold at least one of ('valid', 'same', 'full'); got an empty sequence")
    rate = _real("rate", rate, 0.0)
    line_colors = dict(zip(kernels, colors(len(kernels), skip=[PALETTE["input"]])))
    groups = [[label] for label in kernels] if flag("separate", separate) else [list(kernels)]
    panels = [(mode, group) for mode in modes for group in groups]
    fig, axes = panel_grid(len(panels), 1, panel_size=(_real("width", width, 0.0),
                                                       _real("panel_height", panel_height, 0.0)),
                           extra_height=0.35, sharex=True)
    t = t0 + np.arange(len(x)) / rate
    for ax, (mode, group) in zip(axes, panels):
        ax.plot(t, x, color=PALETTE["input"], lw=0.8, alpha=0.55, label=signal_label)
        for label in group:
            win = _windows(x, kernels[label], mode=mode)
            tc = t0 + win.centres / rate
            ax.plot(tc, win.y, color=line_colors[label], lw=1.4, label=label)
            edge = win.uses_padding()
            half = np.arange(len(edge)) < len(edge) / 2
            for side in (edge & half, edge & ~half):
                if side.any():
                    ax.axvspan(tc[side].min(), tc[side].max(), color=line_colors[label], alpha=0.12, lw=0)
        title = f'mode="{mode}": {len(win.y)} samples from {len(x)}'
        ax.set_title(title + (f" ({group[0]})" if separate else ""), fontsize=FONT_NORMAL, loc="left")
        ax.axhline(0, color=PALETTE["muted"], lw=0.5, alpha=0.5)
        ax.tick_params(labelsize=FONT_SMALL)
        ax.margins(x=0.01)
    legend(fig, [signal_label, *kernels])
    axes[-1].set_xlabel(xlabel or ("time" if rate != 1 else "sample"), fontsize=FONT_NORMAL)
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
        The matrix and its colour bar.

    Examples
    --------
    >>> from convlab.symbolic import correlation_matrix
    >>> from convlab.viz import matrix_figure
    >>> fig = matrix_figure(correlation_matrix([1, 2, 1], 6), row=1)
    >>> fig.axes[0].get_title()
    '4×6 matrix, 12 non-zeros'
    """
    a = np.asarray(m.tolist() if hasattr(m, "tolist") and not isinstance(m, np.ndarray) else m)
    if a.dtype.kind == "O":          # a SymPy matrix: its entries must be numbers
        try:
            a = a.astype(float)
        except (TypeError, ValueError):
            raise TypeError("m must hold numbers only; substitute numbers for its symbols first "
                            "(e.g. m.subs({...}))") from None
    a = real_array("m", a, 2)
    if row is not None:
        row = _index("row", row, a.shape[0], "a row index")
    width = _real("width", width, 0.0)
    fig = figure(width, max(1.6, width * a.shape[0] / a.shape[1] * 0.95 + 0.6))
    ax = fig.add_subplot()
    if annotate is None:     # when the widest value fits its cell (the colour bar takes about 1.4 inches)
        annotate = max(a.shape) <= 16 and max(text_width(number(v, fmt)) for v in a.flat) < \
            0.9 * (width - 1.4) / a.shape[1]
    image = heatmap(ax, a, annotate=annotate, fmt=fmt, blank_zeros=True, grid=True)
    ax.tick_params(labelsize=FONT_SMALL)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if row is not None:
        cell(ax, (a.shape[1] - 1) / 2, row, size=(a.shape[1], 1), edge=PALETTE["highlight"], lw=1.8, z=3)
    ax.set_xlabel("input position j", fontsize=FONT_NORMAL)
    ax.set_ylabel("output position i", fontsize=FONT_NORMAL)
    ax.set_title(title or f"{a.shape[0]}×{a.shape[1]} matrix, {int(np.count_nonzero(a))} non-zeros",
                 fontsize=FONT_NORMAL)
    fig.colorbar(image, ax=ax, shrink=0.8).ax.tick_params(labelsize=FONT_SMALL)
    return fig


def frequency_response_figure(kernels: Mapping[str, ArrayLike], *, rate: float = 1.0, n_points: int = 1024,
                              xlabel: str | None = None, width: float = 6.8, height: float = 2.6) -> Figure:
    """How strongly each kernel passes a sinusoid of each frequency: ``|H(f)|`` against ``f``.

    Correlating with a kernel ``w`` turns the sinusoid of frequency ``f`` (in
    cycles per sample) into the same sinusoid scaled by ``|H(f)|``, where
    ``H(f) = sum_a w_a exp(+2 pi i f a)`` (``a`` from 0, as in chapter 1);
    the curve is that gain from 0 to half the sampling rate, evaluated on
    ``n_points`` frequencies as the modulus of the discrete Fourier
    transform of the zero-padded kernel (which uses ``exp(-2 pi i f a)``,
    the complex conjugate of ``H`` for a real kernel: same modulus). Colours follow
    :func:`filtered_figure`, so a kernel has the same colour in both.

    Parameters
    ----------
    kernels : mapping of str to array_like
        Legend label -> real 1-D kernel.
    rate : float
        Samples per unit of time: the axis runs from 0 to ``rate / 2``.
    n_points : int
        Frequencies evaluated (at least the longest kernel's length).
    xlabel : str, optional
        By default ``"frequency (cycles per sample)"``, or
        ``"frequency (cycles per unit of time)"`` if ``rate != 1``.
    width, height : float
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        One axes, a line per kernel.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.sliding import frequency_response_figure
    >>> fig = frequency_response_figure({"box 4": np.ones(4) / 4}, n_points=8)
    >>> line = fig.axes[0].get_lines()[0]
    >>> line.get_xdata().tolist(), np.round(line.get_ydata(), 3).tolist()
    ([0.0, 0.125, 0.25, 0.375, 0.5], [1.0, 0.653, 0.0, 0.271, 0.0])
    """
    if not isinstance(kernels, Mapping):
        raise TypeError(f"kernels must be a mapping of label -> kernel; got {type(kernels).__name__}")
    if not kernels:
        raise ValueError("kernels must hold at least one label -> kernel; got an empty mapping")
    arrays = {str(label): real_array(f"kernel {label!r}", w, 1) for label, w in kernels.items()}
    rate = _real("rate", rate, 0.0)
    n_points = positive_int("n_points", n_points)
    longest = max(a.size for a in arrays.values())
    if n_points < longest:
        raise ValueError(f"n_points must be at least the longest kernel's length ({longest}); got {n_points}")
    fig = figure(_real("width", width, 0.0), _real("height", height, 0.0))
    ax = fig.add_subplot()
    frequencies = np.fft.rfftfreq(n_points) * rate
    for (label, w), color in zip(arrays.items(), colors(len(arrays), skip=[PALETTE["input"]])):
        ax.plot(frequencies, np.abs(np.fft.rfft(w, n_points)), color=color, lw=1.4, label=label)
    ax.axhline(0, color=PALETTE["muted"], lw=0.5, alpha=0.5)
    ax.set_xlim(0, rate / 2)
    ax.set_ylim(bottom=0)
    ax.tick_params(labelsize=FONT_SMALL)
    ax.set_xlabel(xlabel or ("frequency (cycles per sample)" if rate == 1 else
                             "frequency (cycles per unit of time)"), fontsize=FONT_NORMAL)
    ax.set_ylabel("gain |H(f)|", fontsize=FONT_NORMAL)
    legend(fig)
    return fig


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
