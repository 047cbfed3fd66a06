"""Figures and animations for the book, drawn from convlab's own results.

One module per subject; each function returns a matplotlib ``Figure`` (or an
:class:`~convlab.viz.animation.HTMLAnimation` for animations) and never calls
``plt.show``. All drawing uses the palette in :mod:`convlab.viz.style`.
"""

from . import algorithms, channels, fields, grids
from .animation import HTMLAnimation, animate
from .flip import compare_kernels, flip_comparison, pairing_diagram
from .sliding import (
                      draw_window,
                      filtered_figure,
                      matrix_figure,
                      sliding_window_animation,
                      sliding_window_figure,
)
from .style import PALETTE, figure

__all__ = ["HTMLAnimation", "algorithms", "channels", "fields", "grids", "PALETTE", "animate",
           "compare_kernels", "figure",
           "flip_comparison", "pairing_diagram",
           "draw_window", "filtered_figure", "matrix_figure", "sliding_window_animation",
           "sliding_window_figure"]
