"""The literal method: nested Python loops that read like the formula.

For one output element, the book's 1-D formula (1-based)

    y_i = sum_j x_{i+j-1} w_j

becomes, 0-based and with channels, groups, stride ``s`` and dilation ``d``,

    y[n, o, i] = sum_c sum_j x[n, g*C_g + c, i*s + j*d] * w[o, c, j].

Each term is one Python multiply-add, so this is slow by design (roughly a
microsecond per multiply-add); it exists to be read, and because it works on
anything that supports ``*`` and ``+``, including SymPy symbols.

Its transposed convolution (:func:`compute_transposed`) is the *scatter*
reading of the same sum: each input cell adds a copy of the kernel, scaled
by the cell's value, into the output, starting ``stride`` cells after the
previous cell's copy.
"""

from __future__ import annotations

import numpy as np

from .._padding import pad

__all__ = ["compute", "compute_transposed"]


def compute(x, w, geometry, plan=None):
    """See :mod:`convlab.methods`."""
    stride, dilation, groups, out_spatial = (geometry.stride, geometry.dilation, geometry.groups,
                                             geometry.out_spatial)
    xp = pad(x, geometry.padding, geometry.padding_mode)
    n_batch = xp.shape[0]
    c_out, c_in_g = w.shape[:2]
    kernel = w.shape[2:]
    c_out_g = c_out // groups
    y = np.empty((n_batch, c_out, *out_spatial), dtype=np.result_type(xp, w))
    for n in range(n_batch):
        for o in range(c_out):
            g = o // c_out_g  # the group this output channel belongs to
            for i in np.ndindex(*out_spatial):
                total = 0
                for c in range(c_in_g):
                    for j in np.ndindex(*kernel):
                        pos = tuple(i_ * s + j_ * d for i_, j_, s, d in zip(i, j, stride, dilation))
                        total += xp[(n, g * c_in_g + c, *pos)] * w[(o, c, *j)]
                y[(n, o, *i)] = total
    return y


def compute_transposed(x, w, geometry, plan=None):
    """The transposed convolution, literally: every input cell scatters a scaled kernel.

    ``x`` is ``(N, C_in, *n)``, ``w`` is ``(C_in, C_out_g, *k)`` and
    ``geometry`` a :class:`convlab._validate.TransposedGeometry`::

        z[n, g*C_out_g + o, i*s + j*d - before] += x[n, c, i] * w[c, o, j]      (g = c // C_in_g)

    for every input cell ``(n, c, i)``, output channel ``o`` of its group and
    tap ``j``; copies that land in the cropped ``padding`` (or past the
    output) are dropped, and ``output_padding`` cells nothing reaches stay 0.
    """
    stride, dilation, groups, out_spatial = (geometry.stride, geometry.dilation, geometry.groups,
                                             geometry.out_spatial)
    before = tuple(lo for lo, _ in geometry.padding)
    n_batch, c_in = x.shape[:2]
    c_in_g, c_out_g = c_in // groups, w.shape[1]
    kernel = w.shape[2:]
    z = np.zeros((n_batch, c_out_g * groups, *out_spatial), dtype=np.result_type(x, w))
    for n in range(n_batch):
        for c in range(c_in):
            g = c // c_in_g  # the group this input channel belongs to
            for i in np.ndindex(*x.shape[2:]):
                value = x[(n, c, *i)]
                for o in range(c_out_g):
                    for j in np.ndindex(*kernel):
                        pos = tuple(i_ * s + j_ * d - b
                                    for i_, j_, s, d, b in zip(i, j, stride, dilation, before))
                        if all(0 <= p < m for p, m in zip(pos, out_spatial)):
                            z[(n, g * c_out_g + o, *pos)] += value * w[(c, o, *j)]
    return z


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
