"""Figures for the algorithms chapter: the column matrix of im2col as a matrix
product, spectra and the convolution theorem, circular against linear
convolution, and measured times and errors of the methods."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import NullFormatter

from ..conv import conv1d, convolve, unfold
from ..shapes import output_size
from ..timing import Sweep
from .style import PALETTE, figure


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive int; got {value!r}")
    return int(value)


def _real_array(name: str, value, ndim: int) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != ndim or 0 in arr.shape:
        raise ValueError(f"{name} must be a non-empty {ndim}-D array; got shape {arr.shape}")
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
    return arr


def _frame(ax, x0: float, y0: float, width: float, height: float, **kwargs) -> None:
    """A rectangle outline in the highlight colour around the cells ``[x0, x0 + width)`` etc."""
    kwargs.setdefault("linewidth", 2.0)
    ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), width, height, fill=False,
                           edgecolor=PALETTE["highlight"], zorder=3, **kwargs))


def _write_values(ax, values: np.ndarray, dark) -> None:
    """Each value in its cell, in white where ``dark(value)`` (a dark cell), else black."""
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, f"{v + 0.0:.2g}", ha="center", va="center", fontsize=6,
                color="white" if dark(v) else "black")


def column_matrix_figure(x, kernel_size: int, *, kernel=None, patch: int = 0, stride: int = 1,
                         dilation: int = 1, annotate: bool | None = None,
                         width: float = 8.0) -> Figure:
    """im2col as a picture: an image, its column matrix, and one matrix product.

    The column matrix is :func:`convlab.unfold` of the image: one column per
    output position, holding the ``k*k`` pixels that position's kernel sees.
    Patch ``patch`` is framed in the image and its column framed in the
    matrix. With a ``kernel``, the figure is laid out as the matrix product
    ``kernel row (1, k*k) @ column matrix (k*k, L) = output row (1, L)``,
    with the kernel row below-left of the matrix and the output below it, so
    that each output sits under the column it is computed from.

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
        Write the values in the cells; by default when the matrix has at
        most 400 cells.
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
    img = _real_array("x", x, 2)
    k = _positive_int("kernel_size", kernel_size)
    stride = _positive_int("stride", stride)
    dilation = _positive_int("dilation", dilation)
    cols = unfold(img[np.newaxis, np.newaxis], k, stride=stride, dilation=dilation)[0]   # (k*k, L)
    out_w = output_size(img.shape[1], k, stride=stride, dilation=dilation)
    n_cols = cols.shape[1]
    if isinstance(patch, bool) or not isinstance(patch, numbers.Integral) or not 0 <= patch < n_cols:
        raise ValueError(f"patch must be an output position in 0..{n_cols - 1}; got {patch!r}")
    w_row = None
    if kernel is not None:
        w_arr = _real_array("kernel", kernel, 2)
        if w_arr.shape != (k, k):
            raise ValueError(f"kernel must have shape ({k}, {k}); got {w_arr.shape}")
        w_row = w_arr.reshape(1, -1)
    if annotate is None:
        annotate = cols.size <= 400
    kk = k * k
    img_w = img.shape[1] * (kk + 1) / img.shape[0]          # the image as tall as the matrix and a row
    height = width * (kk + 1.6) / (img_w + kk + n_cols + 2)
    fig = figure(width, max(height, 2.0))
    grid = fig.add_gridspec(2, 3, width_ratios=[img_w, kk, n_cols], height_ratios=[kk, 1])
    lo, hi = float(img.min()), float(img.max())
    shade = dict(cmap="gray", vmin=lo, vmax=hi if hi > lo else lo + 1, interpolation="nearest")

    ax_img = fig.add_subplot(grid[:, 0])
    ax_img.imshow(img, **shade)
    oi, oj = divmod(int(patch), out_w)
    for a in range(k):
        for b in range(k):
            _frame(ax_img, oj * stride + b * dilation, oi * stride + a * dilation, 1, 1, linewidth=1.2)
    ax_img.set_title(f"image {img.shape[0]}x{img.shape[1]}, patch {patch}", fontsize=9)

    ax_cols = fig.add_subplot(grid[0, 2])
    ax_cols.imshow(cols, aspect="auto", **shade)
    _frame(ax_cols, patch, 0, 1, kk)
    ax_cols.set_title(f"column matrix unfold(x, {k}): {kk} x {n_cols}", fontsize=9)
    if annotate:
        _write_values(ax_cols, cols, lambda v: v < (lo + hi) / 2)
    axes = [ax_img, ax_cols]
    if w_row is not None:
        ax_w = fig.add_subplot(grid[1, 1])
        limit = float(np.max(np.abs(w_row))) or 1.0
        ax_w.imshow(w_row, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto", interpolation="nearest")
        ax_w.set_xlabel(f"kernel row (1, {kk})", fontsize=8)
        ax_y = fig.add_subplot(grid[1, 2])
        y_row = w_row @ cols
        ax_y.imshow(y_row, cmap="viridis", aspect="auto", interpolation="nearest")
        _frame(ax_y, patch, 0, 1, 1)
        ax_y.set_xlabel(f"output row (1, {n_cols}) = kernel row @ column matrix", fontsize=8)
        if annotate:
            _write_values(ax_w, w_row, lambda v: abs(v) > 0.6 * limit)
            for j, v in enumerate(y_row[0]):
                ax_y.text(j, 0, f"{v + 0.0:.2g}", ha="center", va="center", fontsize=6, color="white")
        axes += [ax_w, ax_y]
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def _log_magnitude(spectrum: np.ndarray) -> np.ndarray:
    magnitude = np.abs(np.fft.fftshift(spectrum))
    return np.log10(magnitude + 1e-12 * max(float(magnitude.max()), 1e-300))


def spectra_figure(image, kernel, *, width: float = 9.0) -> Figure:
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
    img = _real_array("image", image, 2).astype(float)
    ker = _real_array("kernel", kernel, 2).astype(float)
    if ker.shape[0] > img.shape[0] or ker.shape[1] > img.shape[1]:
        raise ValueError(f"kernel {ker.shape} must not be larger than the image {img.shape}")
    full = (img.shape[0] + ker.shape[0] - 1, img.shape[1] + ker.shape[1] - 1)
    spec_x = np.fft.fft2(img, full)
    spec_w = np.fft.fft2(ker[::-1, ::-1], full)           # flipped: correlation, not convolution
    product = spec_x * spec_w
    filtered = np.real(np.fft.ifft2(product))
    panels = [(_log_magnitude(spec_x), "image $|X|$", "magma"),
              (_log_magnitude(spec_w), "kernel, zero-padded $|W|$", "magma"),
              (_log_magnitude(product), "product $|X \\cdot W|$", "magma"),
              (filtered, "inverse FFT of the product", "gray")]
    aspect = full[0] / full[1]
    fig = figure(width, width / 4 * aspect + 0.5)
    axes = fig.subplots(1, 4)
    for ax, (data, title, cmap) in zip(axes, panels):
        if cmap == "magma":
            top = float(data.max())
            ax.imshow(data, cmap=cmap, vmin=top - 6, vmax=top, interpolation="nearest")
        else:
            ax.imshow(data, cmap=cmap, interpolation="nearest")
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.text(0.5, 0.01, "spectra: log10 of the magnitude, zero frequency in the centre, 6 decades shown",
             ha="center", fontsize=8, color=PALETTE["muted"])
    return fig


def circular_figure(x, w, *, width: float = 8.0) -> Figure:
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
    sig = _real_array("x", x, 1).astype(float)
    ker = _real_array("w", w, 1).astype(float)
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
    fig = figure(width, 5.2)
    axes = fig.subplots(3, 1, sharex=True)
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
        ax.set_title(title, fontsize=9)
        if k > 1:
            ax.legend(fontsize=7, loc="upper right")
    axes[-1].set_xlabel("sample index")
    return fig


def sweep_figure(sweep: Sweep | Mapping[str, Sweep], *, crossover: tuple[str, str] = ("im2col", "fft"),
                 width: float | None = None) -> Figure:
    """Measured time against kernel size, log-log, one line per method.

    The first size at which ``crossover[1]`` beats ``crossover[0]``
    (:meth:`convlab.timing.Sweep.crossover`) is marked with a dashed line.

    Parameters
    ----------
    sweep : Sweep or mapping of title to Sweep
        From :func:`convlab.timing.kernel_sweep`; a mapping gives one panel each.
    crossover : (str, str)
        The two methods whose crossover is marked (skipped if either is missing).
    width : float, optional
        Figure width in inches (default 4.2 per panel).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from convlab.timing import Sweep
    >>> from convlab.viz.algorithms import sweep_figure
    >>> s = Sweep("kernel size k", (3, 9, 27), {"im2col": (1e-4, 3e-4, 9e-4), "fft": (5e-4, 5e-4, 5e-4)})
    >>> fig = sweep_figure(s)
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['im2col', 'fft', 'crossover k = 27']
    """
    sweeps = {"": sweep} if isinstance(sweep, Sweep) else dict(sweep)
    if not sweeps or not all(isinstance(s, Sweep) for s in sweeps.values()):
        raise TypeError("sweep must be a convlab.timing.Sweep or a non-empty mapping of them")
    colors = {"im2col": PALETTE["input"], "fft": PALETTE["kernel"], "loop": PALETTE["muted"],
              "auto": PALETTE["output"]}
    fig = figure(width or 4.2 * len(sweeps), 3.2)
    axes = np.atleast_1d(fig.subplots(1, len(sweeps)))
    for ax, (title, s) in zip(axes, sweeps.items()):
        for method, times in s.times.items():
            ax.loglog(s.sizes, np.asarray(times, dtype=float) * 1e3, marker="o", markersize=4,
                      label=method, color=colors.get(method))
        a, b = crossover
        if a in s.times and b in s.times:
            k = s.crossover(a, b)
            if k is not None:
                ax.axvline(k, color=PALETTE["highlight"], linestyle="--", linewidth=1.2,
                           label=f"crossover k = {k}")
        ax.set_xticks(s.sizes, [str(k) for k in s.sizes])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(s.label)
        ax.set_ylabel("median time (ms)")
        if title:
            ax.set_title(title, fontsize=9)
        ax.legend(fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
    return fig


def accuracy_figure(lengths: Sequence[int], errors: Mapping[str, Sequence[float]],
                    bounds: Mapping[str, Sequence[float]] | None = None, *,
                    width: float = 6.4) -> Figure:
    """Relative error against signal length, log-log: measured (solid) and bounds (dashed).

    Parameters
    ----------
    lengths : sequence of int
        The signal lengths ``n``.
    errors : mapping of label to sequence of float
        One measured error per length for each label (e.g. ``"float32"``).
    bounds : mapping of label to sequence of float, optional
        A reference curve per label, drawn dashed in the same colour.
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from convlab.viz.algorithms import accuracy_figure
    >>> fig = accuracy_figure([10, 100], {"float64": [1e-16, 2e-16]}, {"float64": [7e-16, 1.5e-15]})
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['float64', 'float64 bound']
    """
    n = np.asarray(lengths, dtype=float)
    if n.ndim != 1 or len(n) == 0:
        raise ValueError("lengths must be a non-empty sequence")
    bounds = dict(bounds or {})
    for name, series in list(errors.items()) + list(bounds.items()):
        if len(series) != len(n):
            raise ValueError(f"{name!r} must have one value per length ({len(n)}); got {len(series)}")
    cycle = [PALETTE["kernel"], PALETTE["input"], PALETTE["output"], PALETTE["highlight"]]
    fig = figure(width, 3.4)
    ax = fig.add_subplot()
    for i, (name, series) in enumerate(errors.items()):
        color = cycle[i % len(cycle)]
        ax.loglog(n, np.asarray(series, dtype=float), marker="o", markersize=4, color=color, label=name)
        if name in bounds:
            ax.loglog(n, np.asarray(bounds[name], dtype=float), linestyle="--", color=color,
                      label=f"{name} bound")
    ax.set_xlabel("signal length n")
    ax.set_ylabel("max error / (max|x| sum|w|)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return fig


__all__ = ["accuracy_figure", "circular_figure", "column_matrix_figure", "spectra_figure", "sweep_figure"]
