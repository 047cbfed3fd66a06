"""Figures for the algorithms chapter: the column matrix of im2col as a matrix
product, spectra and the convolution theorem, circular against linear
convolution, and measured times and errors of the methods."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from .._validate import positive_int, real_array
from ..conv import conv1d, convolve, unfold
from ..shapes import output_size
from ..sweeps import Sweep
from .draw import _index, _real, bare, cell, heatmap, legend, number, panel_grid, text_color, text_width
from .style import FONT_NORMAL, FONT_SMALL, PAGE_WIDTH, PALETTE, colors, figure

__all__ = ["accuracy_figure", "circular_figure", "column_matrix_figure", "spectra_figure", "sweep_figure"]

_PAD = 0.035   # inches of room beside a value written in a cell


def _fit(values: np.ndarray, fmt: str) -> float:
    """Width in inches of a cell that holds the widest of ``values`` written with ``fmt``."""
    return max(text_width(number(v, fmt)) for v in values.flat) + _PAD


def column_matrix_figure(x, kernel_size: int, *, kernel=None, patch: int = 0, stride: int = 1,
                         dilation: int = 1, annotate: bool | None = None, fmt: str = "{:.2g}",
                         width: float = PAGE_WIDTH) -> Figure:
    """im2col as a picture: an image, its column matrix, and one matrix product.

    The column matrix is :func:`convlab.unfold` of the image: one column per
    output position, holding the ``k*k`` pixels that position's kernel sees.
    Patch ``patch`` is framed in the image and its column framed in the
    matrix. With a ``kernel``, the figure is laid out as the matrix product
    ``kernel row (1, k*k) @ column matrix (k*k, L) = output row (1, L)``,
    with the kernel row below-left of the matrix (under the image) and the
    output below it, so that each output sits under the column it is
    computed from.

    Parameters
    ----------
    x : array_like
        A real 2-D image ``(H, W)`` (one channel).
    kernel_size : int
        ``k``, the side of the square kernel.
    kernel : array_like, optional
        A real ``(k, k)`` kernel; adds the kernel row and the output row.
    patch : int
        The output position (column of the matrix) to frame.
    stride, dilation : int
        As in :func:`convlab.unfold`.
    annotate : bool, optional
        Write the values in the cells; by default when they fit at the
        book's smallest text size (where the outputs do not, only the framed
        one is written).
    fmt : str
        Format of the values that are not integral.
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Axes in order: the image, the column matrix, then (with a kernel)
        the kernel row and the output row.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.algorithms import column_matrix_figure
    >>> fig = column_matrix_figure(np.arange(16.0).reshape(4, 4), 3, kernel=np.ones((3, 3)), patch=1)
    >>> len(fig.axes), fig.axes[1].get_images()[0].get_array().shape
    (4, (9, 4))
    """
    img = real_array("x", x, 2)
    k = positive_int("kernel_size", kernel_size)
    stride = positive_int("stride", stride)
    dilation = positive_int("dilation", dilation)
    width = _real("width", width, 0.0)
    cols = unfold(img[np.newaxis, np.newaxis], k, stride=stride, dilation=dilation)[0]   # (k*k, L)
    out_w = output_size(img.shape[1], k, stride=stride, dilation=dilation)
    kk, n_cols = cols.shape
    patch = _index("patch", patch, n_cols, "an output position")
    w_row = y_row = None
    if kernel is not None:
        w_arr = real_array("kernel", kernel, 2)
        if w_arr.shape != (k, k):
            raise ValueError(f"kernel must have shape ({k}, {k}); got {w_arr.shape}")
        w_row = w_arr.reshape(1, -1)
        y_row = w_row @ cols
    # cell widths: wide enough for the written values if they fit on the page, else all alike
    usable = width - 0.3
    need_k = _fit(w_row, "{:.2g}") if w_row is not None else _fit(cols[:, :1], fmt)
    need_c = _fit(cols, fmt)
    if annotate is None:
        annotate = kk * need_k + n_cols * need_c <= usable
    k_cell, c_cell = (need_k, need_c) if annotate else (1.0, 1.0)
    scale = usable / (kk * k_cell + n_cols * c_cell)
    k_cell, c_cell = k_cell * scale, c_cell * scale
    row_h = float(np.clip(0.7 * c_cell, 0.16, 0.3))        # rows need only the height of a line
    left = max(kk * k_cell, kk * row_h * img.shape[1] / img.shape[0])      # the image above the kernel row
    fig = figure(width, (kk + 1) * row_h + 0.9)
    grid = fig.add_gridspec(2, 2, width_ratios=[left, usable - left], height_ratios=[kk, 1])
    lo, hi = float(img.min()), float(img.max())
    shade = dict(signed=False, vmin=lo, vmax=hi if hi > lo else lo + 1, fmt=fmt)
    frame = dict(edge=PALETTE["highlight"], lw=2.0, z=3)

    ax_img = fig.add_subplot(grid[0, 0])
    heatmap(ax_img, img, **shade)
    oi, oj = divmod(patch, out_w)
    for a, b in np.ndindex(k, k):
        cell(ax_img, oj * stride + b * dilation, oi * stride + a * dilation, **{**frame, "lw": 1.2})
    ax_img.set_title(f"image {img.shape[0]}x{img.shape[1]}, patch {patch}", fontsize=FONT_NORMAL)

    ax_cols = fig.add_subplot(grid[0, 1])
    heatmap(ax_cols, cols, annotate=annotate, aspect="auto", **shade)
    cell(ax_cols, patch, (kk - 1) / 2, size=(1, kk), **frame)
    ax_cols.set_title(f"column matrix unfold(x, {k}): {kk} x {n_cols}", fontsize=FONT_NORMAL)
    axes = [ax_img, ax_cols]
    if w_row is not None:
        ax_w = fig.add_subplot(grid[1, 0])
        heatmap(ax_w, w_row, annotate=annotate, aspect="auto")
        ax_w.set_xlabel(f"kernel row (1, {kk})", fontsize=FONT_SMALL)
        ax_y = fig.add_subplot(grid[1, 1])
        every = annotate and _fit(y_row, fmt) <= c_cell
        image = heatmap(ax_y, y_row, annotate=every, fmt=fmt, aspect="auto")
        v = y_row[0, patch]
        cell(ax_y, patch, 0, text=number(v, fmt) if annotate and not every else "",
             color=text_color(image.cmap(image.norm(v))), **frame)
        ax_y.set_xlabel(f"output row (1, {n_cols}) = kernel row @ column matrix", fontsize=FONT_SMALL)
        axes += [ax_w, ax_y]
    for ax in axes:
        bare(ax)
    return fig


def _log_magnitude(spectrum: np.ndarray) -> np.ndarray:
    magnitude = np.abs(np.fft.fftshift(spectrum))
    return np.log10(magnitude + 1e-12 * max(float(magnitude.max()), 1e-300))


def spectra_figure(image, kernel, *, width: float = PAGE_WIDTH) -> Figure:
    """The convolution theorem on an image: spectra, their product, and its inverse.

    The image and the kernel are zero-padded to the full output size
    ``(H + kh - 1, W + kw - 1)``, so that the product of their discrete
    Fourier transforms is the transform of the *linear* (not circular)
    result. The kernel is flipped first, so the inverse transform is the
    book's convolution (cross-correlation),
    ``conv2d(image, kernel, padding=(kh - 1, kw - 1))``. Panels: log10 of
    the magnitudes of the three spectra (zero frequency in the centre), then
    the inverse of the product.

    Parameters
    ----------
    image, kernel : array_like
        Real 2-D arrays; the kernel no larger than the image.
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Four axes; the last one shows the filtered image.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.algorithms import spectra_figure
    >>> fig = spectra_figure(np.ones((8, 8)), np.ones((3, 3)))
    >>> [ax.get_images()[0].get_array().shape for ax in fig.axes]
    [(10, 10), (10, 10), (10, 10), (10, 10)]
    """
    img = real_array("image", image, 2).astype(float)
    ker = real_array("kernel", kernel, 2).astype(float)
    if ker.shape[0] > img.shape[0] or ker.shape[1] > img.shape[1]:
        raise ValueError(f"kernel {ker.shape} must not be larger than the image {img.shape}")
    full = (img.shape[0] + ker.shape[0] - 1, img.shape[1] + ker.shape[1] - 1)
    spec_x = np.fft.fft2(img, full)
    spec_w = np.fft.fft2(ker[::-1, ::-1], full)           # flipped: correlation, not convolution
    product = spec_x * spec_w
    filtered = np.real(np.fft.ifft2(product))
    panels = [(_log_magnitude(spec_x), "image $|\\hat x|$", "magma"),
              (_log_magnitude(spec_w), "kernel, zero-padded $|\\hat w|$", "magma"),
              (_log_magnitude(product), "product $|\\hat x\\,\\hat w|$", "magma"),
              (filtered, "inverse FFT of the product", "gray")]
    column = _real("width", width, 0.0) / 4
    fig, axes = panel_grid(4, 4, panel_size=(column, column * full[0] / full[1] + 0.3), extra_height=0.3)
    for ax, (data, title, cmap) in zip(axes, panels):
        top = float(data.max())
        decades = dict(vmin=top - 6, vmax=top) if cmap == "magma" else {}
        heatmap(ax, data, signed=False, cmap=cmap, **decades)
        bare(ax).set_title(title, fontsize=FONT_SMALL)
    fig.supxlabel("spectra: log10 of the magnitude, zero frequency in the centre, 6 decades shown",
                  fontsize=FONT_SMALL, color=PALETTE["muted"])
    return fig


def circular_figure(x, w, *, width: float = PAGE_WIDTH) -> Figure:
    """Circular against linear convolution: what wraps around without zero padding.

    Three stem plots: the signal-processing convolution ``x * w`` in full
    (``convlab.convolve(x, w, mode="full")``, length ``n + k - 1``); the
    circular convolution of length ``n`` (what multiplying length-``n``
    DFTs computes), obtained from :func:`convlab.conv1d` with circular
    padding; and the circular convolution of the signals zero-padded to
    ``n + k - 1``, which equals the full one. The ``k - 1`` tail samples of
    the full result, which the circular one adds onto its first samples, are
    drawn in the highlight colour.

    Parameters
    ----------
    x, w : array_like
        Real 1-D signal (length ``n``) and kernel (length ``k <= n``).
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes: full linear, circular of length ``n``, circular of
        length ``n + k - 1``.

    Examples
    --------
    >>> from convlab.viz.algorithms import circular_figure
    >>> fig = circular_figure([1.0, 2.0, 3.0, 4.0], [1.0, 1.0])
    >>> [len(ax.containers[0].markerline.get_ydata()) for ax in fig.axes]
    [5, 4, 5]
    """
    sig = real_array("x", x, 1).astype(float)
    ker = real_array("w", w, 1).astype(float)
    n, k = len(sig), len(ker)
    if k > n:
        raise ValueError(f"w (length {k}) must not be longer than x (length {n})")
    linear = convolve(sig, ker, mode="full")
    flipped = ker[::-1].copy()[np.newaxis, np.newaxis]

    def circular(signal):
        return conv1d(signal[np.newaxis, np.newaxis], flipped, padding=((k - 1, 0),),
                      padding_mode="circular")[0, 0]

    wrapped = circular(sig)
    padded = circular(np.concatenate([sig, np.zeros(k - 1)]))
    fig, axes = panel_grid(3, 1, panel_size=(_real("width", width, 0.0), 1.75), sharex=True)
    rows = [(linear, f"linear: convolve(x, w, 'full'), length n+k-1 = {n + k - 1}", n),
            (wrapped, f"circular, length n = {n}: the tail wraps onto the first {k - 1} samples", None),
            (padded, f"circular after zero padding to n+k-1 = {n + k - 1}: equals the linear one", n)]
    for ax, (values, title, tail) in zip(axes, rows):
        idx = np.arange(len(values))
        stem = ax.stem(idx, values, basefmt=" ")
        stem.markerline.set_color(PALETTE["output"])
        stem.stemlines.set_color(PALETTE["output"])
        if tail is not None:
            ax.scatter(idx[tail:], values[tail:], s=50, color=PALETTE["highlight"], zorder=3,
                       label="tail (last k-1 samples)")
        else:
            ax.scatter(idx[:k - 1], values[:k - 1], s=50, marker="s", facecolor="none",
                       edgecolor=PALETTE["highlight"], zorder=3, label="head + wrapped tail")
        ax.axhline(0, color=PALETTE["muted"], linewidth=0.6)
        ax.set_title(title, fontsize=FONT_NORMAL)
        if k > 1:
            ax.legend(fontsize=FONT_SMALL, loc="best")
    axes[-1].set_xlabel("sample index")
    return fig


def sweep_figure(sweep: Sweep | Mapping[str, Sweep], *, crossover: tuple[str, str] = ("im2col", "fft"),
                 width: float | None = None) -> Figure:
    """Measured time against kernel size, log-log, one line per method.

    The first size at which ``crossover[1]`` beats ``crossover[0]``
    (:meth:`convlab.sweeps.Sweep.crossover`) is marked with a dashed line;
    one legend above the panels names the methods.

    Parameters
    ----------
    sweep : Sweep or mapping of title to Sweep
        From :func:`convlab.sweeps.kernel_sweep`; a mapping gives one panel each.
    crossover : (str, str)
        The two methods whose crossover is marked (skipped if either is missing).
    width : float, optional
        Figure width in inches (default 4.2 per panel).

    Returns
    -------
    matplotlib.figure.Figure
        One log-log panel per sweep.

    Examples
    --------
    >>> from convlab.sweeps import Sweep
    >>> from convlab.viz.algorithms import sweep_figure
    >>> s = Sweep("kernel size k", (3, 9, 27), {"im2col": (1e-4, 3e-4, 9e-4), "fft": (5e-4, 5e-4, 5e-4)})
    >>> fig = sweep_figure(s)
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['im2col', 'fft', 'crossover k = 27']
    """
    sweeps = {"": sweep} if isinstance(sweep, Sweep) else sweep
    if not isinstance(sweeps, Mapping) or not all(isinstance(s, Sweep) for s in sweeps.values()):
        raise TypeError(f"sweep must be a convlab.sweeps.Sweep or a mapping of title -> Sweep; "
                        f"got {type(sweep).__name__}")
    if not sweeps:
        raise ValueError("sweep must hold at least one Sweep; got an empty mapping")
    method_colors = {"im2col": PALETTE["input"], "fft": PALETTE["kernel"], "loop": PALETTE["muted"],
                     "auto": PALETTE["output"]}
    width = min(PAGE_WIDTH, 4.2 * len(sweeps)) if width is None else _real("width", width, 0.0)
    fig, axes = panel_grid(len(sweeps), panel_size=(width / len(sweeps), 3.2))
    for ax, (title, s) in zip(axes, sweeps.items()):
        for method, times in s.times.items():
            ax.loglog(s.sizes, np.asarray(times, dtype=float) * 1e3, marker="o", markersize=4,
                      label=method, color=method_colors.get(method))
        a, b = crossover
        k = s.crossover(a, b) if a in s.times and b in s.times else None
        if k is not None:
            ax.axvline(k, color=PALETTE["highlight"], linestyle="--", linewidth=1.2,
                       label=f"crossover k = {k}")
            # at the foot of the line, where the curves of small kernels (left) and the flat FFT
            # (high) leave room; on a white ground, so that a curve never runs through the digits
            right = math.log(k / min(s.sizes)) > 0.6 * math.log(max(s.sizes) / min(s.sizes))
            ax.annotate(f"k = {k}", (k, 0), xycoords=("data", "axes fraction"), textcoords="offset points",
                        xytext=(-3 if right else 3, 3), ha="right" if right else "left", va="bottom",
                        fontsize=FONT_SMALL, color=PALETTE["highlight"], zorder=5,
                        bbox=dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none"))
        ax.margins(x=0.08)              # no crossover drawn on the frame
        ticks = _spaced(s.sizes, width / len(sweeps) - 0.8)
        ax.set_xticks(ticks, [str(t) for t in ticks])
        ax.xaxis.set_minor_formatter(NullFormatter())
        _label_times(ax.yaxis)
        ax.set_xlabel(s.label)
        if ax is axes[0]:
            ax.set_ylabel("median time (ms)")
        if title:
            ax.set_title(title, fontsize=FONT_NORMAL)
        ax.grid(True, which="both", alpha=0.3)
    legend(fig, rename=lambda label: "crossover" if label.startswith("crossover") else label,
                  loc="outside upper center")
    return fig


def _label_times(axis) -> None:
    """Plain numbers on a log axis; where it spans under 2 decades, also at 2 and 5 times a power of 10."""
    lo, hi = axis.get_view_interval()
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))

    def minor(v, _):
        return f"{v:g}" if round(v / 10 ** math.floor(math.log10(v))) in (2, 5) else ""

    axis.set_minor_formatter(FuncFormatter(minor) if math.log10(hi / lo) < 2 else NullFormatter())


def _spaced(sizes: Sequence[int], inches: float) -> list[int]:
    """The sizes to label on a log axis ``inches`` long, so that no two labels touch."""
    span = math.log10(max(sizes) / min(sizes)) or 1.0
    room = span * (max(text_width(str(k), FONT_NORMAL) for k in sizes) + 0.1) / max(inches, 0.5)
    kept = [sizes[0]]
    for k in sizes[1:]:
        if math.log10(k / kept[-1]) >= room:
            kept.append(k)
    return kept


def accuracy_figure(lengths: Sequence[int], errors: Mapping[str, Sequence[float]],
                    bounds: Mapping[str, Sequence[float]] | None = None, *,
                    width: float = 6.4) -> Figure:
    """Relative error against signal length, log-log: measured (solid) and yardsticks (dashed).

    Parameters
    ----------
    lengths : sequence of int
        The signal lengths ``n``.
    errors : mapping of label to sequence of float
        One measured error per length for each label (e.g. ``"float32"``).
    bounds : mapping of label to sequence of float, optional
        A reference curve per label, drawn dashed in the same colour and
        labelled ``"<label>: eps log2 n_fft"`` (the heuristic the book
        compares FFT errors with; not a proven bound on the largest error).
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure
        A single log-log axes.

    Examples
    --------
    >>> from convlab.viz.algorithms import accuracy_figure
    >>> fig = accuracy_figure([10, 100], {"float64": [1e-16, 2e-16]}, {"float64": [7e-16, 1.5e-15]})
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['float64', 'float64: ε log2 n_fft']
    """
    n = real_array("lengths", lengths, 1).astype(float)
    if not isinstance(errors, Mapping) or not isinstance(bounds or {}, Mapping):
        raise TypeError("errors and bounds must be mappings of label -> one value per length")
    bounds = dict(bounds or {})
    series = {name: real_array(f"errors[{name!r}]", v, 1) for name, v in errors.items()}
    series.update({f"{name} bound": real_array(f"bounds[{name!r}]", v, 1) for name, v in bounds.items()})
    for name, values in series.items():
        if len(values) != len(n):
            raise ValueError(f"{name!r} must have one value per length ({len(n)}); got {len(values)}")
    rows = -(-(len(errors) + len(bounds)) // 2)              # legend rows, two entries a row
    fig = figure(_real("width", width, 0.0), 3.2 + 0.22 * rows)
    ax = fig.add_subplot()
    for (name, values), color in zip(errors.items(), colors(len(errors))):
        ax.loglog(n, np.asarray(values, dtype=float), marker="o", markersize=4, color=color, label=name)
        if name in bounds:
            ax.loglog(n, np.asarray(bounds[name], dtype=float), linestyle="--", color=color,
                      label=f"{name}: ε log2 n_fft")
    ax.set_xlabel("signal length n")
    ax.set_ylabel("max error / (max|x| sum|w|)")
    ax.grid(True, which="both", alpha=0.3)
    fig.legend(fontsize=FONT_SMALL, loc="outside lower center", ncols=2)   # off the curves
    return fig


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
