"""Parameter and multiply-add counts: formulas vs weight sizes vs convlab's own loops."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy

import convlab
from convlab.symbolic import conv_macs, conv_params, count_products, dense_macs, dense_params, symbols_array


@pytest.mark.parametrize("c_in,c_out,k,groups,bias", [
    (3, 64, (3, 3), 1, True), (4, 6, (1, 1), 2, False), (6, 6, (5, 3), 6, True), (2, 4, (2,), 1, True),
    (8, 4, (3, 3, 3), 4, False),
])
def test_conv_params_equals_weight_size(c_in, c_out, k, groups, bias):
    w = np.zeros((c_out, c_in // groups, *k))
    expected = w.size + (c_out if bias else 0)
    got = conv_params(c_in, c_out, k, groups=groups, bias=bias)
    assert isinstance(got, sympy.Integer)
    assert got == expected


def test_conv_params_symbolic():
    c_in, c_out, k, g = sympy.symbols("C_in C_out k g", positive=True, integer=True)
    assert sympy.simplify(conv_params(c_in, c_out, (k, k), groups=g) - (c_out * c_in * k**2 / g + c_out)) == 0
    assert conv_params(c_in, c_out, k, bias=False) == c_in * c_out * k
    # depthwise + pointwise vs a full convolution
    sep = conv_params(c_in, c_in, (k, k), groups=c_in, bias=False) + conv_params(c_in, c_out, (1, 1), bias=False)
    assert sympy.expand(sep) == c_in * k**2 + c_in * c_out


def _brute_macs(c_in, c_out, k, out, groups, batch):
    """Count the innermost multiply-adds of the loop method by running its loops."""
    count = 0
    for _n, _o, _pos, _c, _j in itertools.product(range(batch), range(c_out),
                                                  itertools.product(*map(range, out)),
                                                  range(c_in // groups),
                                                  itertools.product(*map(range, k))):
        count += 1
    return count


@pytest.mark.parametrize("c_in,c_out,k,out,groups,batch", [
    (2, 3, (2, 2), (3, 4), 1, 1), (4, 2, (3,), (5,), 2, 2), (3, 3, (1, 2), (2, 2), 3, 1),
])
def test_conv_macs_brute_force(c_in, c_out, k, out, groups, batch):
    assert conv_macs(c_in, c_out, k, out, groups=groups, batch=batch) == \
        _brute_macs(c_in, c_out, k, out, groups, batch)


@pytest.mark.parametrize("c_in,c_out,k,groups,stride,dilation", [
    (2, 3, 2, 1, 1, 1), (4, 2, 3, 2, 1, 1), (2, 2, 2, 2, 2, 1), (1, 2, 2, 1, 1, 2), (3, 3, 1, 3, 1, 1),
])
def test_conv_macs_counts_the_products_convlab_makes(c_in, c_out, k, groups, stride, dilation):
    x = symbols_array("x", (1, c_in, 5, 5))
    w = symbols_array("w", (c_out, c_in // groups, k, k))
    b = symbols_array("b", c_out)
    y = convlab.conv2d(x, w, b, groups=groups, stride=stride, dilation=dilation, method="loop")
    out = y.shape[2:]
    assert count_products(y) == conv_macs(c_in, c_out, (k, k), out, groups=groups)
    assert out == convlab.conv_output_shape(x.shape, w.shape, stride=stride, dilation=dilation)


def test_count_products_im2col_agrees_with_loop():
    x = symbols_array("x", (2, 4, 4))
    w = symbols_array("w", (3, 2, 2, 2))
    assert count_products(convlab.conv2d(x, w, method="im2col")) == \
        count_products(convlab.conv2d(x, w, method="loop")) == 3 * 9 * 2 * 4


def test_count_products_ignores_padded_zeros_and_numbers():
    x = symbols_array("x", (1, 3))
    w = symbols_array("w", (1, 1, 3))
    y = convlab.conv1d(x, w, padding=1, method="loop")
    assert count_products(y) == 3 * 3 - 2            # two products hit the padding
    a, b = sympy.symbols("a b")
    assert count_products(np.array([2 * a + b, 3, a * b], dtype=object)) == 1
    assert count_products(a * (a + b)) == 1            # expanded: a**2 + a*b


def test_count_products_rejects_non_expressions():
    with pytest.raises(TypeError, match="SymPy expressions or numbers"):
        count_products(np.array(["x"], dtype=object))


def test_dense_counts():
    assert dense_params(150528, 10) == 1505290
    assert dense_params(4, 3, bias=False) == 12
    n, m = sympy.symbols("n m", positive=True, integer=True)
    assert dense_params(n, m) == n * m + m
    assert dense_macs(n, m, batch=3) == 3 * n * m
    assert dense_macs(7, 5) == math.prod((7, 5))


@pytest.mark.parametrize("call,exc,match", [
    (lambda: conv_params(0, 4, 3), ValueError, "c_in must be a positive int or a SymPy expression; got 0"),
    (lambda: conv_params(4, -1, 3), ValueError, "c_out must be a positive int"),
    (lambda: conv_params(4, 4, 3.0), TypeError, "k must be a positive int or a SymPy expression"),
    (lambda: conv_params(4, 4, ()), ValueError, "non-empty tuple"),
    (lambda: conv_params(4, 6, 3, groups=4), ValueError, "groups=4 must divide c_out=6"),
    (lambda: conv_params(6, 4, 3, groups=4), ValueError, "groups=4 must divide c_in=6"),
    (lambda: conv_params(4, 4, 3, bias=1), TypeError, "bias must be True or False"),
    (lambda: conv_params(True, 4, 3), TypeError, "c_in must be a positive int"),
    (lambda: conv_macs(4, 4, 3, (0, 3)), ValueError, "out must be a positive int"),
    (lambda: conv_macs(4, 4, 3, 3, batch="2"), TypeError, "batch must be"),
    (lambda: dense_params(3, 0), ValueError, "n_out must be a positive int"),
    (lambda: dense_params(3, 2, bias=None), TypeError, "bias must be True or False"),
    (lambda: dense_macs(1.5, 2), TypeError, "n_in must be"),
])
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
