"""Figures and animations for the book, drawn from convlab's own results.

One module per subject, each importable as ``convlab.viz.<module>``:

* :mod:`~convlab.viz.sliding` -- the 1-D sliding window, filtered signals, frequency responses,
  convolution matrices;
* :mod:`~convlab.viz.grids` -- 2-D index maps, kernels, the grid of feature maps, stride phases;
* :mod:`~convlab.viz.flip` -- where convolution and cross-correlation differ;
* :mod:`~convlab.viz.channels` -- multi-channel shapes, the sum over channels, filter banks, groups;
* :mod:`~convlab.viz.fields` -- receptive fields and convolutions as dense matrices;
* :mod:`~convlab.viz.algorithms` -- im2col, spectra, measured times and errors;
* :mod:`~convlab.viz.learning` -- the backward pass, gradient checks, pooling, a trained CNN;
* :mod:`~convlab.viz.transposed` -- transposed convolution: kernel copies, zero insertion, coverage;
* :mod:`~convlab.viz.animation` -- animations as self-contained HTML;
* :mod:`~convlab.viz.explorer` -- an index-map explorer that runs in the page;
* :mod:`~convlab.viz.draw` and :mod:`~convlab.viz.style` -- the drawing layer and
  the look (palette, colour cycle, signed colormap, text sizes) they all share.

Every public name of every module is also available here, e.g.
``convlab.viz.feature_maps`` is ``convlab.viz.grids.feature_maps``. Figure
functions return a matplotlib ``Figure`` (or an
:class:`~convlab.viz.animation.HTMLAnimation`) and never call ``plt.show``.
"""

from . import (
    algorithms,
    animation,
    channels,
    draw,
    explorer,
    fields,
    flip,
    grids,
    learning,
    sliding,
    style,
    transposed,
)
from .algorithms import accuracy_figure, circular_figure, column_matrix_figure, spectra_figure, sweep_figure
from .animation import HTMLAnimation, animate, still_frames
from .channels import (
    channel_cmap,
    channel_sum,
    connectivity,
    conv_shapes,
    filter_bank,
    group_connectivity,
    rgb_channels,
)
from .draw import bare, cell, heatmap, legend, number, panel_grid, symmetric_limit, text_color, text_width
from .explorer import IndexExplorer, index_explorer
from .fields import dense_matrix, fields_on_image, path_counts, receptive_field_cone
from .flip import compare_kernels, flip_comparison, pairing_diagram
from .grids import (
    animate_index_map,
    draw_index_map,
    draw_kernel,
    feature_maps,
    index_map_figure,
    stride_phases,
)
from .learning import (
    activation_figure,
    backward_map_figure,
    backward_sources,
    confusion_figure,
    draw_backward_map,
    filters_figure,
    pool_gradient_figure,
    shift_figure,
    step_size_figure,
    stride_gradient_figure,
    training_figure,
)
from .sliding import (
    draw_window,
    filtered_figure,
    frequency_response_figure,
    matrix_figure,
    sliding_window_animation,
    sliding_window_figure,
)
from .style import (
    CYCLE,
    FONT_LARGE,
    FONT_NORMAL,
    FONT_SMALL,
    PAGE_WIDTH,
    PALETTE,
    SIGNED_CMAP,
    colors,
    figure,
    signed_cmap,
)
from .transposed import (
    coverage_figure,
    draw_transposed_map,
    scatter_animation,
    scatter_figure,
    transposed_map_figure,
    zero_insertion_figure,
)

__all__ = [
    # modules
    "algorithms", "animation", "channels", "draw", "explorer", "fields", "flip", "grids", "learning",
    "sliding", "style", "transposed",
    # algorithms
    "accuracy_figure", "circular_figure", "column_matrix_figure", "spectra_figure", "sweep_figure",
    # animation
    "HTMLAnimation", "animate", "still_frames",
    # channels
    "channel_cmap", "channel_sum", "connectivity", "conv_shapes", "filter_bank", "group_connectivity",
    "rgb_channels",
    # draw
    "bare", "cell", "heatmap", "number", "panel_grid", "legend", "symmetric_limit", "text_color",
    "text_width",
    # explorer
    "IndexExplorer", "index_explorer",
    # fields
    "dense_matrix", "fields_on_image", "path_counts", "receptive_field_cone",
    # flip
    "compare_kernels", "flip_comparison", "pairing_diagram",
    # grids
    "animate_index_map", "draw_index_map", "draw_kernel", "feature_maps", "index_map_figure", "stride_phases",
    # learning
    "activation_figure", "backward_map_figure", "backward_sources", "confusion_figure", "draw_backward_map",
    "filters_figure", "pool_gradient_figure", "shift_figure", "step_size_figure", "stride_gradient_figure",
    "training_figure",
    # sliding
    "draw_window", "filtered_figure", "frequency_response_figure", "matrix_figure",
    "sliding_window_animation", "sliding_window_figure",
    # style
    "CYCLE", "FONT_LARGE", "FONT_NORMAL", "FONT_SMALL", "PAGE_WIDTH", "PALETTE", "SIGNED_CMAP", "colors",
    "figure", "signed_cmap",
    # transposed
    "coverage_figure", "draw_transposed_map", "scatter_animation", "scatter_figure", "transposed_map_figure",
    "zero_insertion_figure",
]


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
