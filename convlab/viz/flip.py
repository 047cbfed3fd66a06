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
from numpy.typing import ArrayLike

from .. import conv
from .._validate import non_negative_int, positive_int, real_array
from ..symbolic.arrays import symbols_array
from ..symbolic.identities import index_pairs
from .draw import _index, bare, cell, heatmap
from .grids import draw_kernel
from .style import FONT_LARGE, FONT_NORMAL, FONT_SMALL, PAGE_WIDTH, PALETTE, colors, figure

__all__ = ["compare_kernels", "flip_comparison", "pairing_diagram"]

_OPERATIONS = ("correlate", "convolve")


def _start(start) -> int:
    """The first subscript of labels: 0 or 1."""
    start = non_negative_int("start", start)
    if start > 1:
        raise ValueError(f"start must be 0 or 1; got {start}")
    return start


def _label(name: str, index: int, start: int) -> str:
    """A cell's label: the code index ``x[0]`` (start 0) or the subscript ``x_1`` (start 1)."""
    return f"${name}_{{{index + 1}}}$" if start else f"${name}[{index}]$"


def _formula(operation: str, n: int, k: int, index: int, start: int):
    """Output ``index`` (valid mode) of ``operation`` run on symbols, with its x and w arrays."""
    x, w = symbols_array("x", n, start=start), symbols_array("w", k, start=start)
    op = conv.correlate if operation == "correlate" else conv.convolve
    return op(x, w, "valid", method="loop")[index], x, w


def _pairs(operation: str, n: int, k: int, index: int) -> list[tuple[int, int]]:
    """(x index, w index) of every product in output ``index`` (valid mode), 0-based."""
    return index_pairs(*_formula(operation, n, k, index, 1))


def pairing_diagram(n: int = 6, k: int = 3, index: int | None = None, *, start: int = 0) -> Figure:
    r"""Which input sample each weight multiplies, for correlation and for convolution.

    For output ``index`` (0-based position in the ``valid`` result, the
    middle one by default) the formula is computed by ``convlab.correlate``
    and ``convlab.convolve`` on SymPy symbols; its products are drawn as
    links between the row of samples ``x`` and the kernel ``w``, written in
    its natural order beneath the window it covers. The links are parallel
    for correlation and cross for convolution, which pairs the window with
    the kernel reversed. Each panel's title is the formula itself: the
    cross-correlation's output is called ``y`` and the convolution's ``z``,
    as in the book's chapter on the flip.

    With ``start=0`` (the default) every label is a code index, written as
    code writes it (``x[0]``, ``w[0]``, ``y[1]``), as the book's figures
    are; ``start=1`` writes the subscripts of the formulas instead
    (``x_1``, ``w_1``).

    Parameters
    ----------
    n, k : int
        Signal and kernel lengths, ``1 <= k <= n <= 12``.
    index : int, optional
        The output position, ``0 <= index <= n - k``.
    start : {0, 1}
        0: code indices, ``x[0]``; 1: formula subscripts, ``x_1``.

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
    >>> print(fig.axes[1].get_title())
    convolution: $z[1] = w[0]\,x[3] + w[1]\,x[2] + w[2]\,x[1]$
    >>> print(fig.axes[0].get_title())
    cross-correlation: $y[1] = w[0]\,x[1] + w[1]\,x[2] + w[2]\,x[3]$
    >>> pairing_diagram(5, 3, index=1, start=1).axes[1].get_title()
    'convolution: $z_{2} = w_{1} x_{4} + w_{2} x_{3} + w_{3} x_{2}$'
    """
    n, k = positive_int("n", n), positive_int("k", k)
    if not k <= n <= 12:
        raise ValueError(f"need 1 <= k <= n <= 12; got n={n} and k={k}")
    index = (n - k) // 2 if index is None else _index("index", index, n - k + 1, "a valid-mode output")
    start = _start(start)
    fig = figure(min(PAGE_WIDTH, 0.75 * n + 1.2), 4.2)
    axes = fig.subplots(2, 1)
    box = dict(size=(0.84, 0.6), alpha=0.35, lw=1.2, fontsize=FONT_LARGE)
    for ax, operation in zip(axes, _OPERATIONS):
        expr, x, w = _formula(operation, n, k, index, start)
        pairs = index_pairs(expr, x, w)
        window = [m for m, _ in pairs]
        left = min(window)
        for m in range(n):
            color = PALETTE["input"] if m in window else PALETTE["padding"]
            cell(ax, m, 1.0, face=color, edge=color, text=_label("x", m, start), **box)
        for j in range(k):
            color = PALETTE["kernel"]
            cell(ax, left + j, -0.6, face=color, edge=color, text=_label("w", j, start), **box)
        for m, j in pairs:
            ax.plot([m, left + j], [0.7, -0.3], color=PALETTE["highlight"], linewidth=1.6)
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_ylim(-1.0, 1.4)
        ax.set_aspect("equal")
        bare(ax, frame=False)
        name, out = ("cross-correlation", "y") if operation == "correlate" else ("convolution", "z")
        if start:
            formula = f"{out}_{{{index + 1}}} = {sympy.latex(expr)}"
        else:  # the same products, read off the formula, in code indices
            formula = f"{out}[{index}] = " + " + ".join(
                f"w[{a}]\\,x[{m}]" for m, a in sorted(pairs, key=lambda pair: pair[1]))
        ax.set_title(f"{name}: ${formula}$", fontsize=FONT_LARGE)
    return fig


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
        Four axes: both kernels, then both results.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.viz.flip import flip_comparison
    >>> fig = flip_comparison(np.eye(8), [[1, 0], [0, -1]])
    >>> [ax.get_title() for ax in fig.axes]
    ['kernel $w$', 'flipped $w$', 'correlate(image, $w$)', 'convolve(image, $w$)']
    """
    img = real_array("image", image, 2).astype(np.float64)
    w = real_array("kernel", kernel, 2).astype(np.float64)
    if any(k > n for k, n in zip(w.shape, img.shape)):
        raise ValueError(f"kernel of shape {w.shape} is larger than the image of shape {img.shape}")
    corr = conv.correlate(img, w, "same", method=method)
    convd = conv.convolve(img, w, "same", method=method)
    # one grey scale for both, clipped to the central 99% so edges do not wash it out
    low, high = (float(v) for v in np.percentile(np.concatenate([corr.ravel(), convd.ravel()]), [0.5, 99.5]))
    aspect = img.shape[0] / img.shape[1]
    fig = figure(PAGE_WIDTH, 2.4 * aspect + 0.5)
    grid = fig.add_gridspec(2, 3, width_ratios=[0.55, 1, 1])
    for row, (kern, title) in enumerate(((w, "kernel $w$"), (np.flip(w), "flipped $w$"))):
        ax = draw_kernel(fig.add_subplot(grid[row, 0]), kern, fmt="{:g}")
        ax.set_title(title, fontsize=FONT_NORMAL)
    for col, (result, title) in enumerate(((corr, "correlate(image, $w$)"),
                                           (convd, "convolve(image, $w$)")), start=1):
        ax = fig.add_subplot(grid[:, col])
        heatmap(ax, result, signed=False, vmin=low, vmax=high)
        bare(ax).set_title(title, fontsize=FONT_LARGE)
    return fig


def compare_kernels(kernels: Mapping[str, ArrayLike], *, title: str | None = None, start: int = 0) -> Figure:
    """Several 1-D kernels of one length, drawn tap by tap as grouped bars.

    Parameters
    ----------
    kernels : mapping of str to array_like
        Label -> 1-D real kernel; all the same length, at most 6 of them.
    title : str, optional
    start : {0, 1}
        The label of the first tap: 0, the code index the book's figures
        show, or 1, the formulas' subscript :math:`a`.

    Returns
    -------
    matplotlib.figure.Figure
        One axes of bars, a group per tap.

    Examples
    --------
    >>> from convlab.viz.flip import compare_kernels
    >>> fig = compare_kernels({"w": [1, 2, 3], "flipped w": [3, 2, 1]})
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['w', 'flipped w']
    """
    if not isinstance(kernels, Mapping):
        raise TypeError(f"kernels must be a mapping of label -> 1-D kernel; got {type(kernels).__name__}")
    if not 1 <= len(kernels) <= 6:
        raise ValueError(f"kernels must hold 1 to 6 kernels to compare; got {len(kernels)}")
    arrays = {str(label): real_array(f"kernel {label!r}", w, 1) for label, w in kernels.items()}
    lengths = {a.size for a in arrays.values()}
    if len(lengths) != 1:
        raise ValueError(f"kernels must all have the same length; got lengths {sorted(lengths)}")
    (k,) = lengths
    start = _start(start)
    fig = figure(min(PAGE_WIDTH, max(4.0, 0.9 * k + 2.0)), 2.8)
    ax = fig.add_subplot()
    width = 0.8 / len(arrays)
    taps = np.arange(k)
    for c, ((label, w), color) in enumerate(zip(arrays.items(), colors(len(arrays)))):
        ax.bar(taps - 0.4 + width * (c + 0.5), w, width, label=label, color=color)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(taps, [str(a + start) for a in taps])
    ax.set_xlabel("tap $a$" if start else "tap (code index, from 0)")
    ax.set_ylabel("weight")
    ax.legend(frameon=False, fontsize=FONT_SMALL, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title, fontsize=FONT_LARGE)
    return fig


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
