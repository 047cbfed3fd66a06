"""Receptive-field arithmetic vs measurement by convolving one-hot inputs with convlab."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import convlab
from convlab.receptive import Field, Layer, cone, layers_of, measure, receptive_field, receptive_fields

STACKS = [
    [3],
    [3, 3, 3],
    [(2, 2), (2, 2), (2, 2)],
    [(7, 2), (3, 2), 3, 3],
    [(3, 1, 1), (3, 1, 2), (3, 1, 4), (3, 1, 8)],
    [(5, 3, 2), (4, 2), (1, 1)],
    [(1, 2), 3],
]


@pytest.mark.parametrize("stack", STACKS)
def test_formula_matches_measurement(stack):
    assert measure(stack) == receptive_field(stack)


@pytest.mark.parametrize("stack", STACKS)
def test_measurement_does_not_depend_on_n(stack):
    f = receptive_field(stack)
    assert measure(stack, n=f.size + 5 * f.jump + 3) == f


def test_receptive_fields_per_layer():
    assert receptive_fields([]) == [Field(1, 1)]
    assert receptive_fields([3, (3, 2), 3]) == [Field(1, 1), Field(3, 1), Field(5, 2), Field(9, 2)]
    assert receptive_field([(3, 1, 2)] * 3) == Field(13, 1)


def test_symbolic_formula():
    ks = sympy.symbols("k1:4", positive=True, integer=True)
    ss = sympy.symbols("s1:4", positive=True, integer=True)
    ds = sympy.symbols("d1:4", positive=True, integer=True)
    f = receptive_field(list(zip(ks, ss, ds)))
    expected = 1 + (ks[0] - 1) * ds[0] + (ks[1] - 1) * ds[1] * ss[0] + (ks[2] - 1) * ds[2] * ss[0] * ss[1]
    assert sympy.expand(f.size - expected) == 0
    assert f.jump == ss[0] * ss[1] * ss[2]
    # substituting numbers gives the numeric answer
    values = dict(zip(ks + ss + ds, (7, 3, 3, 2, 2, 1, 1, 1, 2)))
    assert f.size.subs(values) == receptive_field([(7, 2, 1), (3, 2, 1), (3, 1, 2)]).size


def test_cone_levels_and_default_unit():
    masks = cone([3, 3], 9)                              # last layer has 5 units, middle is 2
    assert [len(m) for m in masks] == [9, 7, 5]
    assert masks[-1].tolist() == [False, False, True, False, False]
    assert np.flatnonzero(masks[0]).tolist() == [2, 3, 4, 5, 6]
    assert np.flatnonzero(masks[1]).tolist() == [2, 3, 4]


def test_cone_dilation_has_holes():
    masks = cone([(3, 1, 2)], 5, unit=0)
    assert masks[0].astype(int).tolist() == [1, 0, 1, 0, 1]


def test_cone_agrees_with_2d_impulse_response():
    """A 2-D stack's response to an impulse spreads over the 1-D field in each axis."""
    stack = [(3, 1), (3, 1, 2)]
    n = 15
    x = np.zeros((1, 1, n, n))
    x[0, 0, n // 2, n // 2] = 1.0
    for layer in layers_of(stack):
        x = convlab.conv2d(x, np.ones((1, 1, layer.kernel, layer.kernel)), stride=layer.stride,
                           padding=(layer.kernel - 1) * layer.dilation // 2, dilation=layer.dilation)
    rows = np.flatnonzero(x[0, 0].any(axis=1))
    assert rows[-1] - rows[0] + 1 == receptive_field(stack).size


def test_layers_of_forms():
    assert layers_of([3, (5,), [3, 2], (3, 1, 4)]) == [Layer(3), Layer(5), Layer(3, 2), Layer(3, 1, 4)]
    k = sympy.Symbol("k")
    assert layers_of([k])[0].kernel == k


@pytest.mark.parametrize("call,exc,match", [
    (lambda: receptive_field(3), TypeError, "layers must be a sequence"),
    (lambda: receptive_field("33"), TypeError, "layers must be a sequence"),
    (lambda: receptive_field([(3, 1, 1, 1)]), ValueError, r"layer 0 must be k, \(k,\), \(k, s\) or \(k, s, d\)"),
    (lambda: receptive_field([3, 0]), ValueError, "layer 1 kernel must be a positive int or a SymPy expression; got 0"),
    (lambda: receptive_field([(3, -2)]), ValueError, "layer 0 stride must be a positive int"),
    (lambda: receptive_field([(3, 1, 2.0)]), TypeError, "layer 0 dilation must be a positive int or a SymPy"),
    (lambda: measure([sympy.Symbol("k")]), TypeError, "layer 0 kernel must be a positive int; got k"),
    (lambda: measure([3, 3], n=5), ValueError, "n must be at least size \\+ jump"),
    (lambda: measure([3], n=0), ValueError, "n must be a positive int; got 0"),
    (lambda: measure([3], n=2), ValueError, "kernel too large"),
    (lambda: cone([3], 5, unit=3), ValueError, r"unit must be an int in 0..2"),
    (lambda: cone([3], 5.0), TypeError, "n must be a positive int"),
])
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
