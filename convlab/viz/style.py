"""One look for every figure in the book: colours, text sizes and the page width.

* :data:`PALETTE` names a colour for each role (input, kernel, output, ...);
  :data:`CYCLE` is the one sequence of colours for series without a role
  (lines, bars, groups), and :func:`colors` draws from it.
* :data:`SIGNED_CMAP` is the one diverging colormap: every signed quantity
  (kernels, signed feature maps, matrices) is drawn with it, white at zero.
* No text is smaller than :data:`FONT_SMALL` points and no default figure is
  wider than :data:`PAGE_WIDTH` inches, the width of the book's page, so
  that text keeps its size when the book shows the figure.
"""

from __future__ import annotations

from collections.abc import Iterable

from matplotlib import colormaps
from matplotlib.colors import Colormap, to_hex
from matplotlib.figure import Figure

from .._validate import non_negative_int

__all__ = ["CYCLE", "FONT_LARGE", "FONT_NORMAL", "FONT_SMALL", "PAGE_WIDTH", "PALETTE", "SIGNED_CMAP",
           "colors", "figure", "signed_cmap"]

PALETTE = {
    "input": "#4C72B0",    # the signal or image being convolved
    "kernel": "#DD8452",   # the kernel / filter
    "output": "#55A868",   # the result
    "padding": "#C8C8C8",  # padded (virtual) positions
    "highlight": "#C44E52",
    "muted": "#8C8C8C",
}

#: Colours for series that have no role of their own, in the order they are used.
CYCLE = (PALETTE["kernel"], PALETTE["input"], PALETTE["output"], PALETTE["highlight"],
         "#8172B3", "#937860", "#DA8BC3", "#CCB974")

#: The diverging colormap of every signed quantity: blue negative, white zero, red positive.
SIGNED_CMAP = "RdBu_r"

#: Width of the book's page in inches: a figure this wide is shown at its own size.
PAGE_WIDTH = 7.5

#: Text sizes in points: the smallest text anywhere (values in cells, indices,
#: ticks, legends), titles and labels, and symbols that carry a panel.
FONT_SMALL, FONT_NORMAL, FONT_LARGE = 9.0, 10.0, 11.0


def colors(n: int, *, skip: Iterable[str] = ()) -> list[str]:
    """``n`` colours from :data:`CYCLE`, leaving out those in ``skip``.

    ``skip`` names colours that already mean something in the figure (e.g.
    the input's, for the signal itself); the cycle repeats if ``n`` is larger
    than what is left.

    Parameters
    ----------
    n : int
        How many colours.
    skip : iterable of str
        Colours not to use (any matplotlib colour spec).

    Returns
    -------
    list of str
        Hex colours, e.g. ``"#dd8452"``.

    Examples
    --------
    >>> from convlab.viz.style import PALETTE, colors
    >>> colors(2) == [PALETTE["kernel"].lower(), PALETTE["input"].lower()]
    True
    >>> colors(1, skip=[PALETTE["kernel"]]) == [PALETTE["input"].lower()]
    True
    """
    n = non_negative_int("n", n)
    avoid = {to_hex(c) for c in skip}
    pool = [to_hex(c) for c in CYCLE if to_hex(c) not in avoid] or [to_hex(c) for c in CYCLE]
    return [pool[i % len(pool)] for i in range(n)]


def signed_cmap() -> Colormap:
    """The colormap :data:`SIGNED_CMAP` (white at its middle, for zero).

    Examples
    --------
    >>> from convlab.viz.style import signed_cmap
    >>> signed_cmap().name, all(v > 0.95 for v in signed_cmap()(0.5))
    ('RdBu_r', True)
    """
    return colormaps[SIGNED_CMAP]


def figure(width: float = 6.4, height: float = 3.2, **kwargs) -> Figure:
    """A new figure with the book's defaults (constrained layout, 100 dpi).

    Uses ``matplotlib.pyplot`` so that notebooks display it inline. Keep
    ``width`` at most :data:`PAGE_WIDTH`, or the book shrinks the figure
    and its text with it.

    Examples
    --------
    >>> from convlab.viz import figure
    >>> fig = figure(4, 2)
    >>> fig.get_size_inches().tolist()
    [4.0, 2.0]
    """
    import matplotlib.pyplot as plt

    kwargs.setdefault("layout", "constrained")
    kwargs.setdefault("dpi", 100)
    return plt.figure(figsize=(width, height), **kwargs)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
