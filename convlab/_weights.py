"""Weight layouts the methods share: dilated kernels and the weight of a transposed
convolution's correlation. Neutral ground: no method module is imported here."""

from __future__ import annotations

import numpy as np

from ._shape_core import span


def dilate(w, dilation):
    """Insert ``dilation - 1`` zeros between kernel taps on each spatial axis.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._weights import dilate
    >>> dilate(np.array([[[1, 2, 3]]]), (2,))
    array([[[1, 0, 2, 0, 3]]])
    """
    if all(d == 1 for d in dilation):
        return w
    k = w.shape[2:]
    out = np.zeros(w.shape[:2] + tuple(span(kk, d) for kk, d in zip(k, dilation)), dtype=w.dtype)
    out[(Ellipsis, *(slice(None, None, d) for d in dilation))] = w
    return out


def transposed_weight(w, groups):
    """The weight of the correlation a transposed convolution is: ``(C_in, C_out_g, *k)``
    becomes ``(C_out, C_in_g, *k)``, channels swapped within each group, kernel flipped.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._weights import transposed_weight
    >>> transposed_weight(np.arange(6).reshape(1, 2, 3), 1)
    array([[[2, 1, 0]],
    <BLANKLINE>
           [[5, 4, 3]]])
    """
    c_in, c_out_g, *kernel = w.shape
    c_in_g = c_in // groups
    swapped = w.reshape(groups, c_in_g, c_out_g, *kernel).swapaxes(1, 2).reshape(
        groups * c_out_g, c_in_g, *kernel)
    return np.flip(swapped, axis=tuple(range(2, 2 + len(kernel))))
