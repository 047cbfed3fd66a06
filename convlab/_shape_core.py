"""The shape arithmetic of a convolution, once: numeric or symbolic.

Every size the package computes comes from here: the span of a dilated
kernel, the output size of a convolution and of a transposed convolution,
and the two rules a transposed convolution's sizes obey, with their one
wording. The numeric validation (:mod:`convlab._validate`) and the public,
symbolic-capable functions (:mod:`convlab.shapes`) both call these; sizes
may be ints or SymPy expressions (a rule is checked only when its numbers
are known). Nothing here imports the rest of the package.

Examples
--------
>>> from convlab._shape_core import conv_size, span, transposed_size
>>> span(3, 2), conv_size(32, 3, 2, 1, 1, 1), transposed_size(16, 3, 2, 1, 1, 1, 1)
(5, 16, 32)
"""

from __future__ import annotations


def _known(*values) -> bool:
    """True when every value is a plain number (not a SymPy expression)."""
    return not any(hasattr(v, "free_symbols") for v in values)


def span(k, dilation):
    """Cells a kernel of ``k`` taps spans with ``dilation``: ``dilation*(k - 1) + 1``."""
    return dilation * (k - 1) + 1


def conv_size(n, k, stride, before, after, dilation):
    """Output size of a convolution along one axis: ``(n + before + after - span) // stride + 1``
    (possibly below 1: the callers word the error, with what they know)."""
    return (n + before + after - span(k, dilation)) // stride + 1


def transposed_full(n, k, stride, dilation, output_padding):
    """Cells of a transposed convolution before cropping: ``(n - 1)*stride + span + output_padding``."""
    return (n - 1) * stride + span(k, dilation) + output_padding


def check_output_padding(output_padding, stride, dilation, where: str = "") -> None:
    """torch's rule: ``output_padding`` smaller than either the stride or the dilation
    (it only picks among the input sizes a convolution maps to one output size).
    ``where`` (e.g. ``" on spatial axis 0"``) ends the message."""
    if _known(output_padding, stride, dilation) and output_padding >= stride and output_padding >= dilation:
        raise ValueError(f"output_padding must be smaller than either stride or dilation (as in torch); got "
                         f"output_padding {output_padding} with stride {stride} and dilation {dilation}"
                         f"{where}")


def transposed_size(n, k, stride, before, after, dilation, output_padding, where: str = ""):
    """Output size of a transposed convolution along one axis,
    ``(n - 1)*stride - before - after + span + output_padding``, after checking
    :func:`check_output_padding` and that the size is positive (``where``, e.g.
    ``" on spatial axis 0"``, says where in either message)."""
    check_output_padding(output_padding, stride, dilation, where)
    full = transposed_full(n, k, stride, dilation, output_padding)
    size = full - before - after
    if _known(size) and size < 1:
        raise ValueError(f"output size {size}{where} is not positive: padding {(before, after)} crops more "
                         f"than the {full} cells (n - 1)*stride + dilation*(k - 1) + output_padding + 1 of "
                         f"the transposed convolution (size {n}, k={k}, stride {stride}, "
                         f"dilation {dilation}, output_padding {output_padding})")
    return size
