"""One look for every figure in the book."""

from __future__ import annotations

from matplotlib.figure import Figure

PALETTE = {
    "input": "#4C72B0",    # the signal or image being convolved
    "kernel": "#DD8452",   # the kernel / filter
    "output": "#55A868",   # the result
    "padding": "#C8C8C8",  # padded (virtual) positions
    "highlight": "#C44E52",
    "muted": "#8C8C8C",
}


def figure(width: float = 6.4, height: float = 3.2, **kwargs) -> Figure:
    """A new figure with the book's defaults (constrained layout, 100 dpi).

    Uses ``matplotlib.pyplot`` so that notebooks display it inline.

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
