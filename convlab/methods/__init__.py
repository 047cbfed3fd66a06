"""The interchangeable methods' kernels (loop, im2col, fft, winograd).

Each method module exposes one function with the same signature::

    compute(x, w, geometry, plan) -> y

where ``x`` is the input ``(N, C_in, *spatial)`` *before* padding, ``w`` the
weight ``(C_out, C_in // groups, *k)`` (both already cast to the dtype the
method computes in), ``geometry`` a :class:`convlab._validate.Geometry`
(stride, padding pairs, dilation, groups, padding mode, output shape) and
``plan`` the :class:`convlab.resolve.Plan` that chose the method (the FFT
reads its overlap-add block length from it). ``y`` is
``(N, C_out, *out_spatial)``, the cross-correlation

    y[n, o, i] = sum_{c, j} xp[n, g*C_in/groups + c, i*stride + j*dilation] * w[o, c, j]

of the padded input ``xp``. Validation, the choice of method, bias and dtype
rules live outside the methods. Each method pads as suits it: ``loop`` and
``fft`` pad a copy (:func:`convlab._padding.pad`); ``im2col`` gathers its
columns as if the input were zero-padded, without the copy.

The records that say what each method supports, costs and computes in
are in :mod:`convlab.registry` (:data:`convlab.METHODS` lists their
names); shared machinery lives in neutral private modules
(:mod:`convlab._chunks`, :mod:`convlab._weights`, :mod:`convlab._padding`),
and no method module imports another.
"""

__all__ = ["fft", "im2col", "loop", "winograd"]


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
