"""convlab: convolution and cross-correlation, three ways, for the convlab book.

Public API
----------
correlate, convolve
    Single-channel N-d signals, numpy/scipy semantics.
conv1d, conv2d, conv3d, convnd
    Deep-learning convolution layers, torch.nn.functional semantics.
unfold
    The column matrix of im2col (``torch.nn.functional.unfold``, N-d).
output_size, same_padding, conv_output_shape
    Shape arithmetic, numeric or symbolic.
METHODS, choose_method
    The three methods ("loop", "im2col", "fft") and the ``auto`` rule.
check
    Grades a reader's own implementation (used by the book's exercises).
data, symbolic, indexing, receptive, viz
    Real sample signals, SymPy helpers, index maps (which input cells each
    output reads), receptive-field arithmetic, figures and animations
    (``from convlab import viz``; it is imported on demand).
"""

from . import data, indexing, receptive, symbolic
from .check import check
from .config import im2col_max_bytes, options, set_im2col_memory
from .conv import choose_method, conv1d, conv2d, conv3d, convnd, convolve, correlate, unfold
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
    "indexing",
    "im2col_max_bytes",
    "options",
    "output_size",
    "receptive",
    "same_padding",
    "set_im2col_memory",
    "symbolic",
    "unfold",
]
