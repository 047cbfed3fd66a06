"""The three methods against each other, and the properties every method owes:
exact integers, symbolic inputs, dtype rules, empty arrays, odd memory layouts,
inputs left untouched, NaN/Inf handling."""

from __future__ import annotations

import dataclasses
import sys
import warnings
from unittest import mock

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from support import refusal, unless_refused

import convlab
from convlab import registry
from convlab._validate import prepare_conv
from convlab.registry import REGISTRY
from convlab.symbolic import symbols_array

METHODS = convlab.METHODS


# ---- agreement ----------------------------------------------------------------

@given(nd=st.integers(1, 4), groups=st.integers(1, 2), seed=st.integers(0, 2**32 - 1),
       stride=st.integers(1, 2), dilation=st.integers(1, 2), padding=st.integers(0, 1))
def test_methods_agree_in_any_dimension(nd, groups, seed, stride, dilation, padding):
    """convnd works for any number of spatial dimensions, identically by all methods."""
    rng = np.random.default_rng(seed)
    k = tuple(int(v) for v in rng.integers(1, 3, size=nd))
    size = tuple(int(dilation * (kk - 1) + 1 + rng.integers(0, 3)) for kk in k)
    x = rng.integers(-5, 6, size=(2, 2 * groups, *size))
    w = rng.integers(-5, 6, size=(2 * groups, 2, *k))
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    able = [m for m in METHODS if not refusal(m, prepare_conv, x, w, None, nd=nd, padding_mode="zeros", **kw)]
    results = [convlab.convnd(x, w, **kw, method=m) for m in able]
    for r in results[1:]:
        assert r.dtype == np.int64
        np.testing.assert_array_equal(r, results[0])


def test_symbolic_loop_and_im2col_agree():
    x, w = symbols_array("x", (2, 4, 4)), symbols_array("w", (3, 2, 2, 2))
    a = convlab.conv2d(x, w, method="loop", padding=1, stride=2)
    b = convlab.conv2d(x, w, method="im2col", padding=1, stride=2)
    assert a.dtype == object and a.shape == (3, 3, 3)
    assert all(sympy.expand(p - q) == 0 for p, q in zip(a.flat, b.flat))


def test_symbolic_formula_is_the_books():
    """y_i = sum_j x_{i+j-1} w_j, exactly, from the package's own loop."""
    x, w = symbols_array("x", 6), symbols_array("w", 3)
    y = convlab.correlate(x, w, method="loop")
    for i in range(1, 5):
        expected = sum(x[i + j - 2] * w[j - 1] for j in range(1, 4))
        assert sympy.expand(y[i - 1] - expected) == 0


def test_symbolic_convolution_flips():
    x, w = symbols_array("x", 3), symbols_array("w", 2)
    y = convlab.convolve(x, w, method="loop")
    assert sympy.expand(y[1] - (x[1] * w[0] + x[0] * w[1])) == 0


def test_symbolic_output_matches_numeric():
    rng = np.random.default_rng(3)
    xv, wv = rng.integers(-4, 5, size=7), rng.integers(-4, 5, size=3)
    x, w = symbols_array("x", 7), symbols_array("w", 3)
    sym = convlab.correlate(x, w, "full")
    subs = {**dict(zip(x, map(int, xv))), **dict(zip(w, map(int, wv)))}
    got = np.array([int(e.subs(subs)) for e in sym])
    np.testing.assert_array_equal(got, convlab.correlate(xv, wv, "full"))


# ---- integers -----------------------------------------------------------------

def test_large_integers_are_exact_for_direct_methods():
    """Values whose products exceed 2**53 (float64 would round) stay exact."""
    rng = np.random.default_rng(0)
    x = rng.integers(-(2**29), 2**29, size=50)
    w = rng.integers(-(2**29), 2**29, size=7)
    exact = np.array([sum(int(a) * int(b) for a, b in zip(x[i:i + 7], w)) for i in range(44)], dtype=object)
    for method in [name for name, m in REGISTRY.items() if "i" in m.exact]:
        got = convlab.correlate(x, w, method=method)
        assert got.dtype == np.int64
        assert got.astype(object).tolist() == exact.tolist()


def test_fft_falls_back_rather_than_round_big_integers():
    rng = np.random.default_rng(1)
    x = rng.integers(-(2**29), 2**29, size=50)
    w = rng.integers(-(2**29), 2**29, size=7)
    np.testing.assert_array_equal(convlab.correlate(x, w, method="fft"), convlab.correlate(x, w, method="loop"))


def test_fft_integers_exact_when_representable():
    rng = np.random.default_rng(2)
    x = rng.integers(-1000, 1000, size=(2, 3, 40, 40))
    w = rng.integers(-1000, 1000, size=(4, 3, 5, 5))
    got = convlab.conv2d(x, w, method="fft")
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, convlab.conv2d(x, w, method="im2col"))


@pytest.mark.parametrize("method", METHODS)
def test_unsigned_and_small_ints_do_not_overflow(method):
    with unless_refused(method):
        x = np.full(10, 255, dtype=np.uint8)
        w = np.full(3, 255, dtype=np.uint8)
        got = convlab.correlate(x, w, method=method)
        assert got.dtype == np.int64 and (got == 3 * 255 * 255).all()


# ---- dtype rules ----------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("xd,wd,expected", [
    ("float32", "float32", "float32"), ("float64", "float32", "float64"),
    ("float16", "float16", "float16"), ("int32", "int16", "int64"),
    ("int64", "float32", "float64"), ("complex64", "float32", "complex64"),
    ("complex128", "float64", "complex128"), ("uint16", "int8", "int64"),
])
def test_dtype_rules(method, xd, wd, expected):
    with unless_refused(method):
        x = np.arange(1, 9).astype(xd)
        w = np.array([1, 2, 1]).astype(wd)
        assert convlab.correlate(x, w, method=method).dtype == np.dtype(expected)
        assert convlab.conv1d(x[None, None], w[None, None], method=method).dtype == np.dtype(expected)


def test_bias_takes_part_in_dtype():
    y = convlab.conv1d(np.ones((1, 1, 4), np.float32), np.ones((1, 1, 2), np.float32), np.ones(1))
    assert y.dtype == np.float64


@pytest.mark.parametrize("method", METHODS)
def test_complex_conjugation_conventions(method):
    with unless_refused(method):
        x = np.array([1 + 2j, 3 - 1j, 0.5j, 2.0])
        w = np.array([1 - 1j, 2 + 0.5j])
        corr = convlab.correlate(x, w, method=method)
        np.testing.assert_allclose(corr, np.correlate(x, w, "valid"), atol=1e-12)   # conj(w)
        layer = convlab.conv1d(x[None, None], w[None, None], method=method)[0, 0]
        np.testing.assert_allclose(layer, [x[i] * w[0] + x[i + 1] * w[1] for i in range(3)], atol=1e-12)


# ---- empty arrays ---------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("x_shape,w_shape,expected", [
    ((0, 2, 8), (4, 2, 3), (0, 4, 6)),      # empty batch
    ((1, 2, 8), (0, 2, 3), (1, 0, 6)),      # no output channels
    ((1, 0, 8), (4, 0, 3), (1, 4, 6)),      # no input channels: zeros (+ bias)
])
def test_empty_arrays_have_defined_shapes(method, x_shape, w_shape, expected):
    with unless_refused(method):
        bias = np.arange(w_shape[0], dtype=float)
        y = convlab.conv1d(np.ones(x_shape), np.ones(w_shape), bias, method=method)
        assert y.shape == expected
        if y.size:
            np.testing.assert_array_equal(y, np.broadcast_to(bias[:, None], expected))


@pytest.mark.parametrize("method", METHODS)
def test_empty_spatial_input_with_padding(method):
    with unless_refused(method):
        y = convlab.conv1d(np.ones((1, 1, 0)), np.ones((1, 1, 3)), padding=2, method=method)
        np.testing.assert_array_equal(y, np.zeros((1, 1, 2)))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("mode", ["valid", "same", "full"])
def test_correlate_empty_signal(method, mode):
    """An empty signal gives an empty result in every mode (test_parity covers N-d and axes=)."""
    with unless_refused(method):
        y = convlab.correlate(np.zeros(0), np.ones(3), mode, method=method)
        np.testing.assert_array_equal(y, np.zeros(0))


# ---- layouts, immutability ------------------------------------------------------

def layouts(a):
    yield "contiguous", a
    yield "fortran", np.asfortranarray(a)
    flipped = np.flip(np.flip(a, axis=-1).copy(), axis=-1)        # negative strides
    assert flipped.strides[-1] < 0
    yield "negative-stride", flipped
    big = np.zeros(tuple(2 * s for s in a.shape), a.dtype)
    view = big[tuple(slice(None, None, 2) for _ in a.shape)]
    view[...] = a
    yield "strided view", view
    ro = a.copy()
    ro.setflags(write=False)
    yield "read-only", ro


@pytest.mark.parametrize("method", METHODS)
def test_memory_layouts_and_inputs_untouched(method):
    with unless_refused(method):
        rng = np.random.default_rng(5)
        x = rng.standard_normal((2, 4, 9, 7))
        w = rng.standard_normal((6, 2, 3, 2))
        b = rng.standard_normal(6)
        kw = dict(stride=(2, 1), padding=1, dilation=(1, 2), groups=2, padding_mode="reflect", method=method)
        expected = convlab.conv2d(x, w, b, **kw)
        for (name_x, xl), (name_w, wl) in zip(layouts(x), layouts(w)):
            x_before, w_before = xl.copy(), wl.copy()
            got = convlab.conv2d(xl, wl, b, **kw)
            np.testing.assert_allclose(got, expected, atol=1e-12, err_msg=f"{name_x}/{name_w}")
            np.testing.assert_array_equal(xl, x_before)
            np.testing.assert_array_equal(wl, w_before)


def test_lists_are_accepted():
    assert convlab.correlate([1, 2, 3], [1, 1]).tolist() == [3, 5]


# ---- NaN and Inf ----------------------------------------------------------------

def test_fft_with_nan_warns_and_stays_local():
    x = np.arange(20.0)
    x[3] = np.nan
    w = np.ones(3)
    with pytest.warns(RuntimeWarning, match="NaN or Inf.*method='im2col' instead"):
        got = convlab.correlate(x, w, method="fft")
    expected = convlab.correlate(x, w, method="loop")
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    assert np.isnan(got).sum() == 3
    np.testing.assert_allclose(got[~np.isnan(got)], expected[~np.isnan(expected)])


def test_nan_warning_points_at_the_callers_line():
    x = np.full((1, 1, 20), np.nan)
    with pytest.warns(RuntimeWarning) as caught:
        convlab.conv1d(x, np.ones((1, 1, 3)), method="fft"); line = sys._getframe().f_lineno  # noqa: E702
    assert caught[0].filename == __file__ and caught[0].lineno == line


@pytest.mark.parametrize("asked", ["auto", "fft"])
def test_the_explanation_names_the_method_that_runs(asked):
    """With a NaN in the input, the FFT falls back to im2col: the explanation says so, for
    auto (which would have chosen fft on these shapes) and for an explicit fft alike."""
    x, w = np.ones((1, 1, 512, 512)), np.ones((1, 1, 31, 31))
    assert convlab.choose_method(x, w) == "fft"
    x[0, 0, 0, 0] = np.nan
    plan = convlab.explain_method(x, w, method=asked)
    assert plan.method == "im2col" and "NaN" in plan.reason
    assert convlab.choose_method(x, w) == "im2col"
    no_fft = dataclasses.replace(REGISTRY["fft"], compute=None)
    with mock.patch.object(registry, "REGISTRY", {**REGISTRY, "fft": no_fft}):      # it must not run the FFT
        with pytest.warns(RuntimeWarning, match="NaN or Inf"):
            convlab.conv2d(x, w, method=asked)


def test_direct_methods_propagate_inf_locally():
    x = np.zeros(10)
    x[5] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for method in [name for name, m in REGISTRY.items() if m.distrusts is None]:      # direct
            y = convlab.correlate(x, np.ones(2), method=method)
            assert np.isinf(y).sum() == 2


# ---- the auto rule ----------------------------------------------------------------

def test_auto_explains_itself():
    choice = convlab.explain_method(np.ones((1, 1, 512, 512)), np.ones((1, 1, 31, 31)))
    assert choice.method == "fft" and "cost" in choice.reason
    assert convlab.choose_method(np.ones((8, 64, 28, 28)), np.ones((64, 64, 5, 5))) == "im2col"
    assert convlab.choose_method(np.ones((1, 3, 224, 224)), np.ones((64, 3, 3, 3)), padding=1) == "im2col"


def test_auto_is_exact_for_integers():
    x = np.random.default_rng(0).integers(-(2**29), 2**29, size=(1, 1, 300, 300))
    w = np.random.default_rng(1).integers(-3, 4, size=(1, 1, 31, 31))
    assert convlab.choose_method(x, w) == "im2col"
    np.testing.assert_array_equal(convlab.conv2d(x, w), convlab.conv2d(x, w, method="im2col"))
