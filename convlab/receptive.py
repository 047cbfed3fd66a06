"""Receptive fields of a stack of convolution layers: the arithmetic, and a measurement.

A layer is described by its kernel size ``k``, stride ``s`` and dilation
``d`` (one spatial axis; the axes of a 2-D layer are independent). Counting
from the input, where a "unit" is one sample (size 1, jump 1), layer ``l``
sees

    size_l = size_{l-1} + (k_l - 1) * d_l * jump_{l-1},    jump_l = jump_{l-1} * s_l,

input samples, and neighbouring units of layer ``l`` are ``jump_l`` samples
apart. :func:`receptive_fields` evaluates this on ints or SymPy symbols;
:func:`measure` and :func:`cone` find the same numbers without the formula,
by pushing one-hot inputs through the stack with :func:`convlab.conv1d`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ._validate import positive_int, size_param
from .conv import conv1d
from .shapes import output_size


class Layer(NamedTuple):
    """One layer of a stack: kernel size, stride and dilation along one axis."""

    kernel: object
    stride: object = 1
    dilation: object = 1


class Field(NamedTuple):
    """A receptive field: its ``size`` in input samples, and the ``jump`` (in input
    samples) between the fields of neighbouring units."""

    size: object
    jump: object


def _value(name: str, v, *, numeric: bool):
    return positive_int(name, v) if numeric else size_param(name, v, 1)


def layers_of(layers, *, numeric: bool = False) -> list[Layer]:
    """Normalise a stack description to a list of :class:`Layer`.

    Each entry is a kernel size ``k`` or a tuple ``(k,)``, ``(k, s)`` or
    ``(k, s, d)``. With ``numeric`` the values must be ints, otherwise SymPy
    expressions are accepted too.

    Examples
    --------
    >>> from convlab.receptive import layers_of
    >>> layers_of([3, (3, 2), (3, 1, 2)])[1:]
    [Layer(kernel=3, stride=2, dilation=1), Layer(kernel=3, stride=1, dilation=2)]
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(f"layers must be a sequence of kernel sizes or (k, s, d) tuples; got {layers!r}")
    out = []
    for i, layer in enumerate(layers):
        spec = tuple(layer) if isinstance(layer, (tuple, list)) else (layer,)
        if not 1 <= len(spec) <= 3:
            raise ValueError(f"layer {i} must be k, (k,), (k, s) or (k, s, d); got {layer!r}")
        names = ("kernel", "stride", "dilation")
        out.append(Layer(*(_value(f"layer {i} {n}", v, numeric=numeric) for n, v in zip(names, spec))))
    return out


def receptive_fields(layers) -> list[Field]:
    """The receptive field after every layer of a stack, the input itself first.

    Parameters
    ----------
    layers : sequence
        Kernel sizes or ``(k, s, d)`` tuples, ints or SymPy expressions.

    Returns
    -------
    list of Field
        ``len(layers) + 1`` entries; entry 0 is ``Field(1, 1)``.

    Examples
    --------
    >>> from convlab.receptive import receptive_fields
    >>> [f.size for f in receptive_fields([3, 3, 3])]
    [1, 3, 5, 7]
    >>> receptive_fields([(7, 2), (3, 2), 3])[-1]
    Field(size=19, jump=4)
    """
    fields = [Field(1, 1)]
    for layer in layers_of(layers):
        size, jump = fields[-1]
        fields.append(Field(size + (layer.kernel - 1) * layer.dilation * jump, jump * layer.stride))
    return fields


def receptive_field(layers) -> Field:
    """The receptive field of one unit of the last layer of a stack.

    Examples
    --------
    >>> import sympy
    >>> from convlab.receptive import receptive_field
    >>> receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)])
    Field(size=15, jump=1)
    >>> k, s = sympy.symbols("k s", positive=True, integer=True)
    >>> receptive_field([(k, s), (k, s)])
    Field(size=k + s*(k - 1), jump=s**2)
    """
    return receptive_fields(layers)[-1]


def _sizes(layers: list[Layer], n: int) -> list[int]:
    sizes = [n]
    for layer in layers:
        sizes.append(output_size(sizes[-1], layer.kernel, stride=layer.stride, dilation=layer.dilation))
    return sizes


def _influence(layers: list[Layer], n: int) -> np.ndarray:
    """Boolean ``(n, m)``: input sample ``p`` reaches unit ``i`` of the last layer.

    Row ``p`` is the stack's response to the one-hot input ``e_p``: all
    ``n`` one-hots go through the layers as one batch, with all-ones kernels
    (positive weights, so nothing cancels).
    """
    x = np.eye(n, dtype=np.int64)[:, np.newaxis, :]
    for layer in layers:
        w = np.ones((1, 1, layer.kernel), dtype=np.int64)
        x = conv1d(x, w, stride=layer.stride, dilation=layer.dilation)
    return x[:, 0, :] != 0


def _check_n(n) -> int:
    return positive_int("n", n)


def cone(layers, n: int, unit: int | None = None) -> list[np.ndarray]:
    """Which units of every level feed one unit of the last layer.

    Measured, not computed from the formula: for each level, a batch of
    one-hot inputs is pushed through the remaining layers with
    :func:`convlab.conv1d` (no padding) and the units whose one-hot reaches
    ``unit`` are marked.

    Parameters
    ----------
    layers : sequence
        Kernel sizes or ``(k, s, d)`` tuples of ints.
    n : int
        Length of the input.
    unit : int, optional
        Index of the unit in the last layer; the middle one by default.

    Returns
    -------
    list of numpy.ndarray
        One boolean mask per level, input first (length ``len(layers) + 1``).

    Examples
    --------
    >>> from convlab.receptive import cone
    >>> [m.astype(int).tolist() for m in cone([3, (2, 2)], 6, unit=0)]
    [[1, 1, 1, 1, 0, 0], [1, 1, 0, 0], [1, 0]]
    """
    stack = layers_of(layers, numeric=True)
    sizes = _sizes(stack, _check_n(n))
    if unit is None:
        unit = sizes[-1] // 2
    what = f"an int in 0..{sizes[-1] - 1} (the last layer has {sizes[-1]} units)"
    if isinstance(unit, (bool, np.bool_)) or not isinstance(unit, numbers.Integral):
        raise TypeError(f"unit must be {what}; got {unit!r} of type {type(unit).__name__}")
    if not 0 <= unit < sizes[-1]:
        raise ValueError(f"unit must be {what}; got {unit!r}")
    return [_influence(stack[level:], sizes[level])[:, unit] for level in range(len(stack) + 1)]


def measure(layers, n: int | None = None) -> Field:
    """Measure the receptive field of a stack by convolving one-hot inputs through it.

    The size is the span of the inputs that reach the first unit of the last
    layer; the jump is how far the span of the second unit starts after it.
    Dilated stacks can have holes inside the span; they are counted in the
    size, as in the formula.

    Parameters
    ----------
    layers : sequence
        Kernel sizes or ``(k, s, d)`` tuples of ints.
    n : int, optional
        Input length; it must give the last layer at least two units. By
        default the smallest such length, ``size + jump`` of the formula.

    Returns
    -------
    Field

    Examples
    --------
    >>> from convlab.receptive import measure, receptive_field
    >>> stack = [(7, 2), (3, 2), (3, 1, 2)]
    >>> measure(stack), receptive_field(stack)
    (Field(size=27, jump=4), Field(size=27, jump=4))
    """
    stack = layers_of(layers, numeric=True)
    if n is None:
        predicted = receptive_field(stack)
        n = predicted.size + predicted.jump
    hits = _influence(stack, _check_n(n))
    if hits.shape[1] < 2:
        raise ValueError(f"n={n} leaves {hits.shape[1]} unit in the last layer; measuring the jump "
                         "needs two, so n must be at least size + jump")
    first, second = (np.flatnonzero(hits[:, i]) for i in (0, 1))
    return Field(int(first[-1] - first[0] + 1), int(second[0] - first[0]))


__all__ = ["Field", "Layer", "cone", "layers_of", "measure", "receptive_field", "receptive_fields"]


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
