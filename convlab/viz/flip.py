"""Figures for the flip: where convolution and cross-correlation differ.

* :func:`pairing_diagram` -- which sample meets which weight in one output,
  read off convlab's own symbolic results (parallel links for correlation,
  crossed links for convolution).
* :func:`flip_comparison` -- an asymmetric kernel applied to an image by
  correlation and by convolution, side by side, with the kernel drawn.
* :func:`compare_kernels` -- several 1-D kernels tap by tap (e.g. a true
  kernel, its flip, and a learned one).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.typing import ArrayLike

from .. import conv
from ..symbolic.arrays import symbols_array
from ..symbolic.identities import index_pairs
from .style import PALETTE, figure

_OPERATIONS = ("correlate", "convolve")


def _is_size(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _formula(operation: str, n: int, k: int, index: int, start: int):
    """Output ``index`` (valid mode) of ``operation`` run on symbols, with its x and w arrays."""
    x, w = symbols_array("x", n, start=start), symbols_array("w", k, start=start)
    op = conv.correlate if operation == "correlate" else conv.convolve
    return op(x, w, "valid", method="loop")[index], x, w


def _pairs(operation: str, n: int, k: int, index: int) -> list[tuple[int, int]]:
    """(x index, w index) of every product in output ``index`` (valid mode), 0-based."""
    return index_pairs(*_formula(operation, n, k, index, 1))


def _box(ax, cx: float, cy: float, text: str, color: str, alpha: float = 0.35) -> None:
    ax.add_patch(Rectangle((cx - 0.42, cy - 0.3), 0.84, 0.6, facecolor=color, alpha=alpha,
                           edgecolor=color, linewidth=1.2))
    ax.text(cx, cy, text, ha="center", va="center", fontsize=11)


def pairing_diagram(n: int = 6, k: int = 3, index: int | None = None, *, start: int = 1) -> Figure:
    """Which input sample each weight multiplies, for correlation and for convolution.

    For output ``index`` (0-based position in the ``valid`` result, the
    middle one by default) the formula is computed by ``convlab.correlate``
    and ``convlab.convolve`` on SymPy symbols; its products are drawn as
    links between the row of samples ``x`` and the kernel ``w``, written in
    its natural order beneath the window it covers. The links are parallel
    for correlation and cross for convolution, which pairs the window with
    the kernel reversed. Each panel's title is the formula itself.

    Parameters
    ----------
    n, k : int
        Signal and kernel lengths, ``1 <= k <= n <= 12``.
    index : int, optional
        The output position, ``0 <= index <= n - k``.
    start : {1, 0}
        The first subscript of the labels (the book's 1, or 0).

    Returns
    -------
    matplotlib.figure.Figure
        Two panels, correlation above convolution.

    Examples
    --------
    >>> from convlab.viz.flip import pairing_diagram
    >>> fig = pairing_diagram(5, 3, index=1)
    >>> [len(ax.lines) for ax in fig.axes]       # one link per product
    [3, 3]
    >>> fig.axes[1].get_title()
    'convolution: $y_{2} = w_{1} x_{4} + w_{2} x_{3} + w_{3} x_{2}$'
    """
    if not (_is_size(n) and _is_size(k)):
        raise TypeError(f"n and k must be ints; got n={n!r} and k={k!r}")
    if not 1 <= k <= n <= 12:
        raise ValueError(f"need 1 <= k <= n <= 12; got n={n} and k={k}")
    if index is None:
        index = (n - k) // 2
    if not _is_size(index) or not 0 <= index <= n - k:
        raise ValueError(f"index must be an int in 0..{n - k} (a valid-mode output); got {index!r}")
    if start not in (0, 1) or isinstance(start, bool):
        raise ValueError(f"start must be 0 or 1; got {start!r}")
    fig = figure(0.75 * n + 1.2, 4.2)
    axes = fig.subplots(2, 1)
    for ax, operation in zip(axes, _OPERATIONS):
        expr, x, w = _formula(operation, n, k, index, start)
        pairs = index_pairs(expr, x, w)
        window = [m for m, _ in pairs]
        left = min(window)
        for m in range(n):
            inside = m in window
            _box(ax, m, 1.0, f"$x_{{{m + start}}}$", PALETTE["input"] if inside else PALETTE["padding"])
        for j in range(k):
            _box(ax, left + j, -0.6, f"$w_{{{j + start}}}$", PALETTE["kernel"])
        for m, j in pairs:
            ax.plot([m, left + j], [0.7, -0.3], color=PALETTE["highlight"], linewidth=1.6)
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_ylim(-1.0, 1.4)
        ax.set_aspect("equal")
        ax.axis("off")
        name, out = ("cross-correlation", "z") if operation == "correlate" else ("convolution", "y")
        ax.set_title(f"{name}: ${out}_{{{index + start}}} = {sympy.latex(expr)}$", fontsize=11)
    return fig


def _as_image(name: str, value, ndim: int) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real numeric array; got dtype {arr.dtype}")
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty {ndim}-d array; got shape {arr.shape}")
    return arr.astype(np.float64)


def _draw_kernel(ax, kernel: np.ndarray, title: str) -> None:
    bound = float(np.max(np.abs(kernel))) or 1.0
    ax.imshow(kernel, cmap="RdBu_r", vmin=-bound, vmax=bound)
    for (r, c), v in np.ndenumerate(kernel):
        ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=10,
                color="white" if abs(v) > 0.6 * bound else "black")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)


def flip_comparison(image: ArrayLike, kernel: ArrayLike, *, method: str = "auto") -> Figure:
    """An image filtered by correlation and by convolution with the same kernel.

    Four panels: the kernel as written, the kernel flipped on both axes (what
    convolution effectively slides), ``convlab.correlate(image, kernel,
    "same")`` and ``convlab.convolve(image, kernel, "same")``. The two results
    share one grey scale (clipped to their central 99%) so that they can be
    compared directly.

    Parameters
    ----------
    image : array_like
        A 2-D real image, e.g. ``convlab.data.grace_hopper()`` or a crop of it.
    kernel : array_like
        A 2-D real kernel no larger than the image; an asymmetric one shows
        the difference.
    method : str
        Passed to convlab.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.flip import flip_comparison
    >>> fig = flip_comparison(np.eye(8), [[1, 0], [0, -1]])
    >>> [ax.get_title() for ax in fig.axes]
    ['kernel $w$', 'flipped $w$', 'correlate(image, $w$)', 'convolve(image, $w$)']
    """
    img = _as_image("image", image, 2)
    w = _as_image("kernel", kernel, 2)
    if any(k > n for k, n in zip(w.shape, img.shape)):
        raise ValueError(f"kernel of shape {w.shape} is larger than the image of shape {img.shape}")
    corr = conv.correlate(img, w, "same", method=method)
    convd = conv.convolve(img, w, "same", method=method)
    # one grey scale for both, clipped to the central 99% so edges do not wash it out
    low, high = (float(v) for v in np.percentile(np.concatenate([corr.ravel(), convd.ravel()]), [0.5, 99.5]))
    aspect = img.shape[0] / img.shape[1]
    fig = figure(8.8, 2.8 * aspect + 0.5)
    grid = fig.add_gridspec(2, 3, width_ratios=[0.55, 1, 1])
    _draw_kernel(fig.add_subplot(grid[0, 0]), w, "kernel $w$")
    _draw_kernel(fig.add_subplot(grid[1, 0]), np.flip(w), "flipped $w$")
    for col, (result, title) in enumerate(((corr, "correlate(image, $w$)"),
                                           (convd, "convolve(image, $w$)")), start=1):
        ax = fig.add_subplot(grid[:, col])
        ax.imshow(result, cmap="gray", vmin=low, vmax=high)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=11)
    return fig


def compare_kernels(kernels: Mapping[str, ArrayLike], *, title: str | None = None, start: int = 1) -> Figure:
    """Several 1-D kernels of one length, drawn tap by tap as grouped bars.

    Parameters
    ----------
    kernels : mapping of str to array_like
        Label -> 1-D real kernel; all the same length, at most 6 of them.
    title : str, optional
    start : {1, 0}
        The subscript of the first tap (the book's 1, or 0).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from convlab.viz.flip import compare_kernels
    >>> fig = compare_kernels({"w": [1, 2, 3], "flipped w": [3, 2, 1]})
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['w', 'flipped w']
    """
    if not isinstance(kernels, Mapping) or not kernels:
        raise TypeError("kernels must be a non-empty mapping of label -> 1-D kernel")
    if len(kernels) > 6:
        raise ValueError(f"at most 6 kernels can be compared; got {len(kernels)}")
    arrays = {str(label): _as_image(f"kernel {label!r}", w, 1) for label, w in kernels.items()}
    lengths = {a.size for a in arrays.values()}
    if len(lengths) != 1:
        raise ValueError(f"kernels must all have the same length; got lengths {sorted(lengths)}")
    (k,) = lengths
    if start not in (0, 1) or isinstance(start, bool):
        raise ValueError(f"start must be 0 or 1; got {start!r}")
    colors = [PALETTE["kernel"], PALETTE["input"], PALETTE["output"], PALETTE["highlight"],
              PALETTE["muted"], PALETTE["padding"]]
    fig = figure(max(4.0, 0.9 * k + 2.0), 2.8)
    ax = fig.add_subplot()
    width = 0.8 / len(arrays)
    taps = np.arange(k)
    for c, (label, w) in enumerate(arrays.items()):
        ax.bar(taps - 0.4 + width * (c + 0.5), w, width, label=label, color=colors[c])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(taps, [f"$j={j + start}$" for j in taps])
    ax.set_ylabel("weight")
    ax.legend(frameon=False, fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title, fontsize=11)
    return fig


__all__ = ["compare_kernels", "flip_comparison", "pairing_diagram"]
