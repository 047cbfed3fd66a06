"""The three interchangeable methods.

Each method module exposes one function with the same signature::

    compute(xp, w, stride, dilation, groups, out_spatial) -> y

where ``xp`` is the already padded input ``(N, C_in, *P)``, ``w`` the weight
``(C_out, C_in // groups, *k)`` (both already cast to the computation dtype)
and ``y`` is ``(N, C_out, *out_spatial)``: the cross-correlation
``y[n, o, i] = sum_{c, j} xp[n, g*C_in/groups + c, i*stride + j*dilation] * w[o, c, j]``.
Validation, padding, bias and dtype rules live outside the methods; the one
exception is that ``im2col.compute`` also takes ``padding=`` (zero padding
still to apply), because it can gather its columns as if the input were
padded without ever making the padded copy.
"""

from . import fft, im2col, loop

METHODS = ("loop", "im2col", "fft")

COMPUTE = {"loop": loop.compute, "im2col": im2col.compute, "fft": fft.compute}

__all__ = ["METHODS", "COMPUTE"]
