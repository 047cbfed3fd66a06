"""Figures and animations for the book, drawn from convlab's own results.

One module per subject; each function returns a matplotlib ``Figure`` (or an
:class:`~convlab.viz.animation.HTMLAnimation` for animations) and never calls
``plt.show``. All drawing uses the palette in :mod:`convlab.viz.style`.
"""

from .animation import HTMLAnimation, animate
from .style import PALETTE, figure

__all__ = ["HTMLAnimation", "PALETTE", "animate", "figure"]
