"""The im2col method: gather patches into a column matrix, then one GEMM.

Patches are a strided *view* of the padded input (no Python loop over
output positions)::

    patches[n, c, j, i] = xp[n, c, i*stride + j*dilation]

For each group the view is copied, in channel-major order, into a column
matrix of shape ``(C_g * K, L)`` per sample (``K`` kernel elements, ``L``
output positions), and ``w_g @ cols`` yields the outputs in their final
``(C_out_g, L)`` layout. The column buffer is allocated once and reused; its
size is capped by :func:`convlab.im2col_max_bytes` by working on chunks of
samples or, for big images, of output rows.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import config


def patch_view(xp, kernel, stride, dilation, out_spatial):
    """Read-only view ``(N, C, *kernel, *out_spatial)`` of the padded input."""
    s_n, s_c, *s_sp = xp.strides
    shape = xp.shape[:2] + tuple(kernel) + tuple(out_spatial)
    strides = ((s_n, s_c) + tuple(st * d for st, d in zip(s_sp, dilation))
               + tuple(st * s for st, s in zip(s_sp, stride)))
    return as_strided(xp, shape, strides, writeable=False)


def _plan(n_batch, rows, per_row_bytes, max_bytes):
    """(samples per chunk, output rows per chunk) within ``max_bytes``."""
    per_sample = per_row_bytes * rows
    if per_sample <= max_bytes:
        return max(1, min(n_batch, max_bytes // max(per_sample, 1))), rows
    return 1, max(1, min(rows, max_bytes // max(per_row_bytes, 1)))


def compute(xp, w, stride, dilation, groups, out_spatial):
    n_batch = xp.shape[0]
    c_out, c_in_g = w.shape[:2]
    kernel = w.shape[2:]
    c_out_g = c_out // groups
    depth = c_in_g * math.prod(kernel)          # rows of the column matrix
    rows, rest = out_spatial[0], math.prod(out_spatial[1:])
    dtype = np.result_type(xp, w)
    y = np.empty((n_batch, c_out, *out_spatial), dtype=dtype)
    patches = patch_view(xp, kernel, stride, dilation, out_spatial)
    w_mat = w.reshape(groups, c_out_g, depth)
    nb, nr = _plan(n_batch, rows, depth * rest * dtype.itemsize, config.im2col_max_bytes())
    buf = np.empty(nb * depth * nr * rest, dtype=dtype)
    for g in range(groups):
        chans = slice(g * c_in_g, (g + 1) * c_in_g)
        outs = slice(g * c_out_g, (g + 1) * c_out_g)
        for n0 in range(0, n_batch, nb):
            n1 = min(n0 + nb, n_batch)
            for r0 in range(0, rows, nr):
                r1 = min(r0 + nr, rows)
                src = patches[n0:n1, chans, ..., r0:r1, *([slice(None)] * (len(out_spatial) - 1))]
                cols = buf[: src.size].reshape(src.shape)
                np.copyto(cols, src)
                prod = np.matmul(w_mat[g], cols.reshape(n1 - n0, depth, -1))
                y[n0:n1, outs, r0:r1] = prod.reshape((n1 - n0, c_out_g, r1 - r0) + out_spatial[1:])
    return y
