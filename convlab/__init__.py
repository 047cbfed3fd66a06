"""convlab: convolution and cross-correlation, four ways, for the convlab book.

Public API
----------
correlate, convolve
    Single-channel N-d signals, numpy/scipy semantics.
correlation_lags
    The lag each output of a 1-D correlation measures (scipy.signal's).
conv1d, conv2d, conv3d, convnd
    Deep-learning convolution layers, torch.nn.functional semantics.
conv_transpose1d, conv_transpose2d, conv_transpose3d, conv_transposend
    Transposed convolution, the adjoint of convnd (torch's conv_transpose).
unfold, fold
    The column matrix of im2col (``torch.nn.functional.unfold``, N-d), and
    its adjoint, which adds the columns back into place (``fold``).
max_pool1d/2d/3d, avg_pool1d/2d/3d, and their ``*_backward``
    Pooling, torch.nn.functional semantics, and its gradients.
adaptive_avg_pool1d/2d/3d, adaptive_max_pool1d/2d/3d, and their ``*_backward``
    Adaptive pooling (an output size instead of a kernel), and its gradients.
max_unpool1d/2d/3d
    Max pooling's maxima put back in place (torch.nn.functional semantics).
p4_lift, p4_conv, p4_rotate, p4_lift_bank, p4_conv_bank, and their gradients
    Group convolution over p4, rotations by 90 degrees (:mod:`convlab.groups`).
binomial_filter, blur_pool1d/2d, max_blur_pool1d/2d, and their ``*_backward``
    Anti-aliased downsampling (Zhang's BlurPool and MaxBlurPool, :mod:`convlab.antialias`).
locally_connected1d/2d, tiled_conv1d/2d, and their ``*_input``, ``*_weight``, ``*_bias``
    Layers that share fewer weights than a convolution: a kernel per output
    position, or ``t`` kernels in rotation (:mod:`convlab.local`), and their gradients.
output_size, same_padding, conv_output_shape
    Shape arithmetic, numeric or symbolic.
METHODS, choose_method, explain_method
    The four methods ("loop", "im2col", "fft", "winograd"), the one ``auto`` runs, and why.
get_options, set_options, options
    Settings (the im2col memory cap), numpy-style.
check
    Grades a reader's own implementation (used by the book's exercises).
data, symbolic, indexing, receptive, viz, grading, timing, sweeps, grad, learn
    Real sample signals, SymPy helpers, index maps, receptive-field
    arithmetic, figures and animations, the exercise grader, fair timings,
    the book's timing experiments, and the gradients of a convolution
    (``torch.nn.grad``'s functions). They load on first use
    (``convlab.viz.grids`` works without importing ``convlab.viz`` first),
    so ``import convlab`` loads only the numerical core.
"""

from __future__ import annotations

import importlib

from .adaptive import (
    adaptive_avg_pool1d,
    adaptive_avg_pool1d_backward,
    adaptive_avg_pool2d,
    adaptive_avg_pool2d_backward,
    adaptive_avg_pool3d,
    adaptive_avg_pool3d_backward,
    adaptive_max_pool1d,
    adaptive_max_pool1d_backward,
    adaptive_max_pool2d,
    adaptive_max_pool2d_backward,
    adaptive_max_pool3d,
    adaptive_max_pool3d_backward,
)
from .antialias import (
    binomial_filter,
    blur_pool1d,
    blur_pool1d_backward,
    blur_pool2d,
    blur_pool2d_backward,
    max_blur_pool1d,
    max_blur_pool1d_backward,
    max_blur_pool2d,
    max_blur_pool2d_backward,
)
from .config import get_options, options, set_options
from .conv import (
    choose_method,
    conv1d,
    conv2d,
    conv3d,
    convnd,
    convolve,
    correlate,
    explain_method,
    unfold,
)
from .folding import fold
from .groups import (
    p4_bias,
    p4_conv,
    p4_conv_bank,
    p4_conv_input,
    p4_conv_weight,
    p4_lift,
    p4_lift_bank,
    p4_lift_input,
    p4_lift_weight,
    p4_rotate,
)
from .lags import correlation_lags
from .local import (
    locally_connected1d,
    locally_connected2d,
    locally_connected_bias,
    locally_connected_input,
    locally_connected_weight,
    tiled_conv1d,
    tiled_conv2d,
    tiled_conv_bias,
    tiled_conv_input,
    tiled_conv_weight,
)
from .pooling import (
    avg_pool1d,
    avg_pool1d_backward,
    avg_pool2d,
    avg_pool2d_backward,
    avg_pool3d,
    avg_pool3d_backward,
    max_pool1d,
    max_pool1d_backward,
    max_pool2d,
    max_pool2d_backward,
    max_pool3d,
    max_pool3d_backward,
)
from .registry import METHODS
from .shapes import conv_output_shape, output_size, same_padding
from .transposed import conv_transpose1d, conv_transpose2d, conv_transpose3d, conv_transposend
from .unpool import max_unpool1d, max_unpool2d, max_unpool3d

#: Submodules loaded on first attribute access.
LAZY_MODULES = ("data", "grad", "grading", "indexing", "learn", "receptive", "symbolic", "sweeps", "timing",
                "viz")

__all__ = [
    "METHODS",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool1d_backward",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool2d_backward",
    "adaptive_avg_pool3d",
    "adaptive_avg_pool3d_backward",
    "adaptive_max_pool1d",
    "adaptive_max_pool1d_backward",
    "adaptive_max_pool2d",
    "adaptive_max_pool2d_backward",
    "adaptive_max_pool3d",
    "adaptive_max_pool3d_backward",
    "avg_pool1d",
    "avg_pool1d_backward",
    "avg_pool2d",
    "avg_pool2d_backward",
    "avg_pool3d",
    "avg_pool3d_backward",
    "binomial_filter",
    "blur_pool1d",
    "blur_pool1d_backward",
    "blur_pool2d",
    "blur_pool2d_backward",
    "check",
    "choose_method",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_output_shape",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "conv_transposend",
    "convnd",
    "convolve",
    "correlate",
    "correlation_lags",
    "explain_method",
    "fold",
    "get_options",
    "locally_connected1d",
    "locally_connected2d",
    "locally_connected_bias",
    "locally_connected_input",
    "locally_connected_weight",
    "max_blur_pool1d",
    "max_blur_pool1d_backward",
    "max_blur_pool2d",
    "max_blur_pool2d_backward",
    "max_pool1d",
    "max_pool1d_backward",
    "max_pool2d",
    "max_pool2d_backward",
    "max_pool3d",
    "max_pool3d_backward",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
    "options",
    "output_size",
    "p4_bias",
    "p4_conv",
    "p4_conv_bank",
    "p4_conv_input",
    "p4_conv_weight",
    "p4_lift",
    "p4_lift_bank",
    "p4_lift_input",
    "p4_lift_weight",
    "p4_rotate",
    "same_padding",
    "set_options",
    "tiled_conv1d",
    "tiled_conv2d",
    "tiled_conv_bias",
    "tiled_conv_input",
    "tiled_conv_weight",
    "unfold",
    *LAZY_MODULES,
]


def __getattr__(name: str):
    if name in LAZY_MODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name == "__version__":              # from the package metadata (importlib.metadata is slow to load)
        from importlib import metadata

        version = metadata.version("convlab")
        globals()["__version__"] = version
        return version
    if name == "check":
        check = importlib.import_module(".grading", __name__).check
        globals()["check"] = check
        return check
    raise AttributeError(f"module 'convlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names (``__all__``, the lazy modules included, loaded or not), as ``dir()``
    shows them: no submodule or helper that is not part of the API."""
    return list(__all__)
