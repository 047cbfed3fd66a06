"""convlab: convolution and cross-correlation, three ways, for the convlab book.

Public API
----------
correlate, convolve
    Single-channel N-d signals, numpy/scipy semantics.
conv1d, conv2d, conv3d, convnd
    Deep-learning convolution layers, torch.nn.functional semantics.
output_size, same_padding, conv_output_shape
    Shape arithmetic, numeric or symbolic.
METHODS, choose_method
    The three methods ("loop", "im2col", "fft") and the ``auto`` rule.
check
    Grades a reader's own implementation (used by the book's exercises).
data, symbolic, viz
    Real sample signals, SymPy helpers, figures and animations
    (``convlab.viz`` is imported on demand: it needs matplotlib).
"""

from . import data, symbolic
from .check import check
from .config import im2col_max_bytes, options, set_im2col_memory
from .conv import choose_method, conv1d, conv2d, conv3d, convnd, convolve, correlate
from .methods import METHODS
from .shapes import conv_output_shape, output_size, same_padding

__version__ = "0.1.0"

__all__ = [
    "METHODS",
    "check",
    "choose_method",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_output_shape",
    "convnd",
    "convolve",
    "correlate",
    "data",
    "im2col_max_bytes",
    "options",
    "output_size",
    "same_padding",
    "set_im2col_memory",
    "symbolic",
]
