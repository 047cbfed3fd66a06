"""Transposed convolution (convlab.conv_transpose1d/2d/3d/nd): against torch,
as the adjoint of convnd, method against method, exact on integers and
symbols, its shape arithmetic, its index maps and its bad input.

Tolerances are those of :mod:`tolerance` with the transposed problem's own
numbers: ``bound = max|x| * max_o sum_{c, j} |w[c, o, j]|`` (the largest
output magnitude possible: an output cell sums at most the ``C_in/groups *
K`` products of its fan-in), ``fan_in = C_in/groups * K`` for the direct
methods, and for ``fft`` the transform length of the correlation it runs,
``prod(out + dilation*(k - 1))``. Integers must match exactly.
"""

from __future__ import annotations

import itertools
import math
import tracemalloc
import warnings

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from support import error_bound, record, require, tolerating_refusal, unless_refused
from tolerance import tolerance

import convlab
from convlab._validate import prepare_transposed
from convlab.indexing import transposed_index_map
from convlab.resolve import resolve

METHODS = convlab.METHODS
FUNCS = {1: convlab.conv_transpose1d, 2: convlab.conv_transpose2d, 3: convlab.conv_transpose3d}


def random_array(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return rng.integers(-9, 10, size=shape).astype(dtype)
    if dtype.kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def forward_layout(w, groups):
    """(C_in, C_out_g, *k) -> (C_out, C_in_g, *k): each output channel's fan-in in one row."""
    c_in, c_out_g, *k = w.shape
    return w.reshape(groups, c_in // groups, c_out_g, *k).swapaxes(1, 2).reshape(groups * c_out_g, -1, *k)


def check(got, want, method, dtype, bound, fan_in, length, oracle="torch"):
    assert got.shape == want.shape, (got.shape, want.shape)
    if np.dtype(dtype).kind in "iu":
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, want)
        record(method, dtype, oracle, 0.0, bound)
        return
    assert got.dtype == np.dtype(dtype)
    err = float(np.max(np.abs(got - want), initial=0.0))
    record(method, dtype, oracle, err, bound)
    assert err <= tolerance(method, dtype, bound, fan_in, length), (err, bound)


# --------------------------------------------------------------------------
# torch
# --------------------------------------------------------------------------

@st.composite
def transposed_problems(draw, dtypes=("float64", "float32", "int64", "complex128")):
    nd = draw(st.integers(1, 3))
    groups = draw(st.integers(1, 3))
    c_in_g, c_out_g = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    n_batch = draw(st.integers(0, 2))
    kmax = {1: 5, 2: 3, 3: 2}[nd]
    k = tuple(draw(st.integers(1, kmax)) for _ in range(nd))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    as_int = draw(st.booleans())
    padding = draw(st.integers(0, 2)) if as_int else tuple(draw(st.integers(0, 2)) for _ in range(nd))
    pads = (padding,) * nd if as_int else padding
    size = []
    for kk, s, d, p, op in zip(k, stride, dilation, pads, output_padding):
        # out = (n-1)*s - 2p + d*(k-1) + op + 1 >= 1
        low = 1
        while (low - 1) * s - 2 * p + d * (kk - 1) + op + 1 < 1:
            low += 1
        size.append(draw(st.integers(low, low + {1: 6, 2: 3, 3: 2}[nd])))
    return dict(nd=nd, x_shape=(n_batch, groups * c_in_g, *size), w_shape=(groups * c_in_g, c_out_g, *k),
                stride=stride, padding=padding, output_padding=output_padding, dilation=dilation,
                groups=groups, dtype=draw(st.sampled_from(dtypes)), use_bias=draw(st.booleans()),
                unbatched=draw(st.booleans()) and n_batch == 1, seed=draw(st.integers(0, 2**32 - 1)))


def kwargs_of(p):
    return {key: p[key] for key in ("stride", "padding", "output_padding", "groups", "dilation")}


def torch_transposed(torch, x, w, b, p):
    wide = np.complex128 if np.iscomplexobj(x) else np.float64
    tb = None if b is None else torch.tensor(b.astype(wide))
    conv = getattr(torch.nn.functional, f"conv_transpose{p['nd']}d")
    return conv(torch.tensor(x.astype(wide)), torch.tensor(w.astype(wide)), tb, **kwargs_of(p)).numpy()


def fft_length(p, out_spatial):
    return math.prod(o + d * (k - 1) for o, d, k in zip(out_spatial, p["dilation"], p["w_shape"][2:]))


@pytest.mark.parametrize("method", [*METHODS, "auto"])
@given(p=transposed_problems())
def test_matches_torch(method, p):
    with tolerating_refusal(method):
        torch = require("torch", "torch is the oracle for conv_transpose1d/2d/3d")
        rng = np.random.default_rng(p["seed"])
        x = random_array(rng, p["x_shape"], p["dtype"])
        w = random_array(rng, p["w_shape"], p["dtype"])
        b = random_array(rng, (p["w_shape"][1] * p["groups"],), p["dtype"]) if p["use_bias"] else None
        want = torch_transposed(torch, x, w, b, p)
        if np.dtype(p["dtype"]).kind in "iu":
            want = np.rint(want).astype(np.int64)
        got = FUNCS[p["nd"]](x[0] if p["unbatched"] else x, w, b, method=method, **kwargs_of(p))
        if p["unbatched"]:
            assert got.ndim == x.ndim - 1
            got = got[np.newaxis]
        bound = error_bound(x, forward_layout(w, p["groups"])) + (0.0 if b is None else float(np.abs(b).max()))
        fan_in = p["x_shape"][1] // p["groups"] * math.prod(p["w_shape"][2:])
        check(got, want, method, p["dtype"], bound, fan_in, fft_length(p, want.shape[2:]))


@pytest.mark.parametrize("method", METHODS)
def test_decoder_shapes_match_torch(method):
    with unless_refused(method):
        torch = require("torch", "torch is the oracle for conv_transpose2d")
        rng = np.random.default_rng(3)
        cases = [((2, 8, 7, 7), (8, 4, 4, 4), dict(stride=2, padding=1)),
                 ((1, 6, 5, 5), (6, 3, 3, 3), dict(stride=2, padding=1, output_padding=1))]
        for x_shape, w_shape, kw in cases:
            for dtype in ("float32", "float64"):
                x, w = rng.standard_normal(x_shape).astype(dtype), rng.standard_normal(w_shape).astype(dtype)
                want = torch.nn.functional.conv_transpose2d(torch.tensor(x), torch.tensor(w), **kw).numpy()
                got = convlab.conv_transpose2d(x, w, method=method, **kw)
                p = dict(dilation=(1, 1), w_shape=w_shape)
                check(got, want.astype(dtype), method, dtype, error_bound(x, forward_layout(w, 1)),
                      w_shape[0] * 9, fft_length(p, got.shape[2:]))


# --------------------------------------------------------------------------
# the adjoint of convnd
# --------------------------------------------------------------------------

@st.composite
def adjoint_problems(draw):
    nd = draw(st.integers(1, 3))
    groups = draw(st.integers(1, 2))
    c_in_g, c_out_g = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    k = tuple(draw(st.integers(1, {1: 5, 2: 3, 3: 2}[nd])) for _ in range(nd))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(nd))
    size = []
    for kk, d, p in zip(k, dilation, padding):
        low = max(1, d * (kk - 1) + 1 - 2 * p)
        size.append(draw(st.integers(low, low + {1: 8, 2: 4, 3: 2}[nd])))
    return dict(nd=nd, x_shape=(draw(st.integers(1, 2)), groups * c_in_g, *size),
                w_shape=(groups * c_out_g, c_in_g, *k), stride=stride, padding=padding, dilation=dilation,
                groups=groups, seed=draw(st.integers(0, 2**32 - 1)))


@pytest.mark.parametrize("method", METHODS)
@given(p=adjoint_problems())
def test_adjoint_identity(method, p):
    """<conv(u), v> == <u, conv_transpose(v)> with the same weight and geometry; output_padding
    picks the input size among those with the same output size."""
    with tolerating_refusal(method):
        rng = np.random.default_rng(p["seed"])
        u, w = rng.standard_normal(p["x_shape"]), rng.standard_normal(p["w_shape"])
        kw = dict(stride=p["stride"], padding=p["padding"], dilation=p["dilation"], groups=p["groups"])
        y = convlab.convnd(u, w, method=method, **kw)
        v = rng.standard_normal(y.shape)
        output_padding = tuple((n + 2 * pp - d * (k - 1) - 1) % s for n, pp, d, k, s in
                               zip(p["x_shape"][2:], p["padding"], p["dilation"], p["w_shape"][2:], p["stride"]))
        back = convlab.conv_transposend(v, w, output_padding=output_padding, method=method, **kw)
        assert back.shape == u.shape
        assert convlab.conv_output_shape(v.shape, w.shape, transposed=True, output_padding=output_padding,
                                         stride=p["stride"], padding=p["padding"],
                                         dilation=p["dilation"]) == u.shape[2:]
        lhs, rhs = float(np.vdot(y, v)), float(np.vdot(u, back))
        # every (input cell, weight) product meets each v at most once: |<conv(u), v>| <= scale
        scale = float(np.abs(u).sum() * np.abs(w).sum() * np.abs(v).max())
        err = abs(lhs - rhs)
        record(method, "float64", "adjoint", err, scale)
        assert err <= 64 * np.finfo(np.float64).eps * scale, (lhs, rhs)


def test_adjoint_of_asymmetric_padding_pairs():
    """(before, after) pairs, which torch lacks, are the adjoint of convnd's pairs too."""
    rng = np.random.default_rng(5)
    u, w = rng.standard_normal((2, 3, 9, 8)), rng.standard_normal((4, 3, 3, 2))
    kw = dict(stride=(2, 3), padding=((0, 2), (1, 0)), dilation=(1, 2))
    y = convlab.conv2d(u, w, **kw)
    v = rng.standard_normal(y.shape)
    for method in METHODS:
        with tolerating_refusal(method):
            back = convlab.conv_transpose2d(v, w, method=method, **kw)
            assert back.shape == u.shape
            assert np.isclose(np.vdot(y, v), np.vdot(u, back), rtol=1e-12)


# --------------------------------------------------------------------------
# methods against each other, chunks, exactness
# --------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["im2col", "fft"])
@given(p=transposed_problems(dtypes=("float64",)))
def test_methods_agree_with_the_loop(method, p):
    rng = np.random.default_rng(p["seed"])
    x, w = rng.standard_normal(p["x_shape"]), rng.standard_normal(p["w_shape"])
    want = convlab.conv_transposend(x, w, method="loop", **kwargs_of(p))
    got = convlab.conv_transposend(x, w, method=method, **kwargs_of(p))
    fan_in = p["x_shape"][1] // p["groups"] * math.prod(p["w_shape"][2:])
    check(got, want, method, "float64", error_bound(x, forward_layout(w, p["groups"])), fan_in,
          fft_length(p, got.shape[2:]), oracle="loop")


@pytest.mark.parametrize("cap", [64, 600, 5000, 10**9])
@pytest.mark.parametrize("x_shape, w_shape, kw", [
    ((3, 4, 9), (4, 2, 3), dict(stride=2, padding=1, output_padding=1)),
    ((2, 4, 5, 6), (4, 3, 3, 2), dict(stride=(2, 1), padding=(1, 0), groups=2, dilation=(1, 2))),
    ((2, 2, 3, 4, 3), (2, 2, 2, 3, 2), dict(stride=2, padding=(0, 1, 1), output_padding=1)),
])
def test_im2col_chunks_are_exact(cap, x_shape, w_shape, kw):
    """Any memory cap (whole samples, slabs of rows, single rows) gives the loop's integers."""
    rng = np.random.default_rng(11)
    x, w = rng.integers(-9, 10, x_shape), rng.integers(-9, 10, w_shape)
    want = convlab.conv_transposend(x, w, method="loop", **kw)
    with convlab.options(im2col_max_bytes=cap):
        got = convlab.conv_transposend(x, w, method="im2col", **kw)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want)


def test_im2col_memory_is_bounded():
    """The column matrix of the output is never built whole: beyond the output and the phase-major
    buffer col2im adds into (about the output's size), at most the cap."""
    x, w = np.ones((4, 16, 32, 32)), np.ones((16, 16, 5, 5))       # whole column matrix: 13 MB
    cap = 2**20
    with convlab.options(im2col_max_bytes=cap):
        convlab.conv_transpose2d(x, w, stride=2, method="im2col")
        tracemalloc.start()
        try:
            y = convlab.conv_transpose2d(x, w, stride=2, method="im2col")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak <= 2.1 * y.nbytes + cap + 2**18, (peak, y.nbytes)


def test_overlap_add_fft_on_a_long_signal():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((1, 1, 60_000)), rng.standard_normal((1, 1, 301))
    problem, _ = prepare_transposed(x, w, None, nd=1, stride=2, padding=7, output_padding=1, dilation=1,
                                    groups=1, method="fft")
    assert resolve(problem).block_length is not None              # cut into blocks, not one FFT
    got = convlab.conv_transpose1d(x, w, stride=2, padding=7, output_padding=1, method="fft")
    want = convlab.conv_transpose1d(x, w, stride=2, padding=7, output_padding=1, method="im2col")
    p = dict(dilation=(1,), w_shape=w.shape)
    check(got, want, "fft", "float64", error_bound(x, w), 301, fft_length(p, got.shape[2:]), oracle="im2col")


@pytest.mark.parametrize("method", ["loop", "im2col", "fft", "auto"])
def test_integers_are_exact(method):
    rng = np.random.default_rng(4)
    x = rng.integers(-1000, 1000, (2, 4, 6, 5), dtype=np.int32)
    w = rng.integers(-1000, 1000, (4, 3, 3, 3), dtype=np.int16)
    b = np.arange(6, dtype=np.int8)
    kw = dict(stride=2, padding=1, output_padding=(1, 0), groups=2)
    got = convlab.conv_transpose2d(x, w, b, method=method, **kw)
    want = convlab.conv_transpose2d(x.astype(object), w.astype(object), b.astype(object), method="loop", **kw)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want.astype(np.int64))


def test_large_integers_stay_exact_or_are_refused():
    big = 2**40
    x, w = np.full((1, 2, 3), big), np.full((2, 1, 3), 3)
    want = convlab.conv_transpose1d(x.astype(object), w.astype(object), stride=1, method="loop")
    for method in ("loop", "im2col", "fft", "auto"):             # fft: float64 cannot round back, im2col
        np.testing.assert_array_equal(convlab.conv_transpose1d(x, w, method=method), want.astype(np.int64))
    with pytest.raises(ValueError, match="could overflow the int64 result"):
        convlab.conv_transpose1d(np.full((1, 2, 3), 2**31), np.full((2, 1, 3), 2**31))


@pytest.mark.parametrize("xd, wd, expected", [
    ("float32", "float32", "float32"), ("float16", "float16", "float16"), ("float32", "int64", "float64"),
    ("int32", "int8", "int64"), ("uint8", "uint8", "int64"), ("complex64", "float32", "complex64"),
])
@pytest.mark.parametrize("method", METHODS)
def test_dtype_rules(method, xd, wd, expected):
    with unless_refused(method):
        x, w = np.ones((1, 2, 4), dtype=xd), np.ones((2, 3, 2), dtype=wd)
        got = convlab.conv_transpose1d(x, w, stride=2, method=method)
        assert got.dtype == np.dtype(expected)
        np.testing.assert_allclose(got.real, np.full((1, 3, 8), 2.0), rtol=1e-3)


def test_empty_batch_and_channels():
    for method in METHODS:
        with tolerating_refusal(method):
            assert convlab.conv_transpose2d(np.ones((0, 2, 3, 3)), np.ones((2, 5, 2, 2)), stride=2,
                                            method=method).shape == (0, 5, 6, 6)
        with tolerating_refusal(method):
            z = convlab.conv_transpose1d(np.ones((2, 0, 3)), np.ones((0, 4, 2)), bias=np.arange(4.0),
                                         method=method)
            np.testing.assert_array_equal(z, np.broadcast_to(np.arange(4.0)[:, None], (2, 4, 4)))


def test_auto_rules():
    def plan(x, w, method="auto", **kw):
        kw = {"stride": 1, "padding": 0, "output_padding": 0, "dilation": 1, "groups": 1} | kw
        problem, _ = prepare_transposed(x, w, None, nd=w.ndim - 2, method=method, **kw)
        return resolve(problem)

    assert plan(np.ones((1, 2, 8), dtype=int), np.ones((2, 2, 3), dtype=int)).method == "im2col"
    assert plan(np.ones((1, 1, 8), dtype=object), np.ones((1, 1, 3))).method == "im2col"
    decoder = plan(np.ones((8, 64, 28, 28)), np.ones((64, 32, 4, 4)), stride=2, padding=1)
    assert decoder.method == "im2col" and set(decoder.estimates) == {"loop", "im2col", "fft"}
    big = plan(np.ones((1, 1, 256, 256)), np.ones((1, 1, 31, 31)))
    assert big.method == "fft"
    nan = np.ones((1, 1, 256, 256))
    nan[0, 0, 3, 3] = np.nan
    assert plan(nan, np.ones((1, 1, 31, 31))).method == "im2col"
    assert plan(nan, np.ones((1, 1, 31, 31)), method="fft").warning


def test_fft_on_nan_warns_and_stays_local():
    x = np.ones((1, 1, 20))
    x[0, 0, 5] = np.nan
    with pytest.warns(RuntimeWarning, match="NaN or Inf"):
        z = convlab.conv_transpose1d(x, np.ones((1, 1, 3)), stride=2, method="fft")
    assert np.isnan(z).sum() == 3 and np.isnan(z[0, 0, 10:13]).all()


# --------------------------------------------------------------------------
# symbols
# --------------------------------------------------------------------------

def test_symbols_through_loop_and_im2col():
    xs = np.array(sympy.symbols("a0:6"), dtype=object).reshape(1, 2, 3)
    ws = np.array(sympy.symbols("w0:12"), dtype=object).reshape(2, 2, 3)
    kw = dict(stride=2, padding=1, output_padding=1, groups=2)
    loop = convlab.conv_transpose1d(xs, ws, method="loop", **kw)
    im2col = convlab.conv_transpose1d(xs, ws, method="im2col", **kw)
    auto = convlab.conv_transpose1d(xs, ws, **kw)
    assert loop.dtype == object and loop.shape == (1, 4, 6)
    for a, b, c in zip(loop.ravel(), im2col.ravel(), auto.ravel()):
        assert sympy.expand(a - b) == 0 and sympy.expand(a - c) == 0
    a0, a1, w0, w2 = sympy.symbols("a0 a1 w0 w2")
    # output 1 is cell 2 of the scatter: cell 0's last tap and cell 1's first
    assert sympy.expand(loop[0, 0, 1] - (a0 * w2 + a1 * w0)) == 0
    with pytest.raises(TypeError, match="method='fft' needs numeric arrays"):
        convlab.conv_transpose1d(xs, ws, method="fft", **kw)


def test_symbols_in_2d_match_numbers():
    xs = np.array(sympy.symbols("x0:4"), dtype=object).reshape(1, 1, 2, 2)
    ws = np.array(sympy.symbols("k0:4"), dtype=object).reshape(1, 1, 2, 2)
    z = convlab.conv_transpose2d(xs, ws, stride=(1, 2), method="im2col")
    rng = np.random.default_rng(0)
    xv, wv = rng.standard_normal(4), rng.standard_normal(4)
    subs = dict(zip(xs.ravel(), xv)) | dict(zip(ws.ravel(), wv))
    numeric = convlab.conv_transpose2d(xv.reshape(1, 1, 2, 2), wv.reshape(1, 1, 2, 2), stride=(1, 2))
    values = np.array([float(sympy.sympify(e).subs(subs)) for e in z.ravel()]).reshape(z.shape)
    np.testing.assert_allclose(values, numeric, atol=1e-12)


# --------------------------------------------------------------------------
# shape arithmetic
# --------------------------------------------------------------------------

@given(n=st.integers(1, 30), k=st.integers(1, 6), s=st.integers(1, 4), p=st.integers(0, 4),
       d=st.integers(1, 3), op=st.integers(0, 3))
def test_output_size_is_the_shape_conv_transpose_returns(n, k, s, p, d, op):
    kw = dict(stride=s, padding=p, dilation=d, output_padding=op)
    expected = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
    if op >= max(s, d) or expected < 1:
        with pytest.raises(ValueError):
            convlab.output_size(n, k, transposed=True, **kw)
        with pytest.raises(ValueError):
            convlab.conv_transpose1d(np.ones((1, 1, n)), np.ones((1, 1, k)), **kw)
        return
    z = convlab.conv_transpose1d(np.ones((1, 1, n)), np.ones((1, 1, k)), method="im2col", **kw)
    assert convlab.output_size(n, k, transposed=True, **kw) == z.shape[-1] == expected
    assert convlab.conv_output_shape((1, 1, n), (1, 1, k), transposed=True, **kw) == z.shape[2:]


def test_conv_output_shape_transposed_matches_3d():
    x, w = np.ones((2, 4, 3, 5, 4)), np.ones((4, 2, 3, 2, 1))
    kw = dict(stride=(2, 1, 3), padding=(1, 0, (0, 2)), dilation=(1, 2, 1), output_padding=(1, 1, 2))
    assert convlab.conv_output_shape(x.shape, w.shape, transposed=True, **kw) == \
        convlab.conv_transpose3d(x, w, groups=2, **kw).shape[2:]


def test_symbolic_transposed_sizes_agree_with_numbers():
    n, k, s, p, d, op = sympy.symbols("n k s p d o", positive=True, integer=True)
    expr = convlab.output_size(n, k, stride=s, padding=p, dilation=d, output_padding=op, transposed=True)
    assert sympy.expand(expr - ((n - 1) * s - 2 * p + d * (k - 1) + op + 1)) == 0
    for values in [(28, 4, 2, 1, 1, 0), (16, 3, 2, 1, 1, 1), (5, 3, 3, 0, 2, 1)]:
        subs = dict(zip((n, k, s, p, d, op), values))
        assert expr.subs(subs) == convlab.output_size(values[0], values[1], stride=values[2],
                                                      padding=values[3], dilation=values[4],
                                                      output_padding=values[5], transposed=True)
    h = sympy.Symbol("h", positive=True, integer=True)
    assert convlab.conv_output_shape((1, 8, h), (8, 4, 3), stride=2, padding=1, output_padding=1,
                                     transposed=True) == (2 * h,)
    # the transposed size inverts the forward one: a conv of the transposed output gives back n
    forward = convlab.output_size(expr, k, stride=s, padding=p, dilation=d)
    for values in [(28, 4, 2, 1, 1, 0), (16, 3, 2, 1, 1, 1), (7, 5, 3, 2, 1, 2)]:
        assert forward.subs(dict(zip((n, k, s, p, d, op), values))) == values[0]


def test_shape_arithmetic_refuses_what_conv_transpose_refuses():
    with pytest.raises(ValueError, match="no string paddings"):
        convlab.output_size(5, 3, padding="same", transposed=True)
    with pytest.raises(ValueError, match="no string paddings"):
        convlab.conv_output_shape((1, 1, sympy.Symbol("n")), (1, 1, 3), padding="valid", transposed=True)
    with pytest.raises(ValueError, match="output_padding is only for transposed=True"):
        convlab.output_size(5, 3, output_padding=1)
    with pytest.raises(ValueError, match="output_padding is only for transposed=True"):
        convlab.conv_output_shape((1, 1, 5), (1, 1, 3), output_padding=(1,))
    with pytest.raises(ValueError, match="smaller than either stride or dilation"):
        convlab.output_size(5, 3, stride=2, output_padding=2, transposed=True)
    with pytest.raises(ValueError, match="not positive"):
        convlab.output_size(1, 1, padding=1, transposed=True)
    with pytest.raises(TypeError, match="transposed must be True or False"):
        convlab.output_size(5, 3, transposed=1)


# --------------------------------------------------------------------------
# index maps
# --------------------------------------------------------------------------

def brute_force_sources(input_shape, kernel_shape, stride, pads, output_padding, dilation):
    out = tuple((n - 1) * s - lo - hi + d * (k - 1) + op + 1 for n, k, s, (lo, hi), op, d in
                zip(input_shape, kernel_shape, stride, pads, output_padding, dilation))
    sources = {o: [] for o in itertools.product(*map(range, out))}
    for t in itertools.product(*map(range, kernel_shape)):
        for i in itertools.product(*map(range, input_shape)):
            o = tuple(i_ * s + t_ * d - lo for i_, t_, s, d, (lo, _) in zip(i, t, stride, dilation, pads))
            if o in sources:
                sources[o].append((i, t))
    return out, {o: sorted(v, key=lambda pair: pair[1]) for o, v in sources.items()}


@pytest.mark.parametrize("method", ["im2col", "loop"])
@pytest.mark.parametrize("shape, kernel, stride, padding, output_padding, dilation", [
    (3, 3, 2, 0, 0, 1), (4, 4, 2, 1, 0, 1), (3, 3, 2, 1, 1, 1), (5, 2, 3, 0, 2, 1), (4, 3, 1, 2, 1, 2),
    ((3, 2), (3, 3), (2, 1), (1, 0), (1, 0), (1, 2)), ((2, 3), (2, 2), 2, ((0, 1), (1, 0)), 0, 1),
    ((2, 2, 2), (2, 1, 3), (1, 2, 2), 0, (0, 1, 1), 1),
])
def test_transposed_index_map_matches_brute_force(shape, kernel, stride, padding, output_padding, dilation,
                                                  method):
    m = transposed_index_map(shape, kernel, stride=stride, padding=padding, output_padding=output_padding,
                             dilation=dilation, method=method)
    out, sources = brute_force_sources(m.input_shape, m.kernel_shape, m.stride, m.padding, m.output_padding,
                                       m.dilation)
    assert m.output_shape == out
    assert m.pairs == sources
    assert all(m.sources(o) == sources[o] for o in sources)
    np.testing.assert_array_equal(m.coverage(), np.array([len(sources[o]) for o in sources]).reshape(out))
    x = np.ones((1, 1, *m.input_shape), dtype=int)
    z = convlab.conv_transposend(x, np.ones((1, 1, *m.kernel_shape), dtype=int), stride=stride,
                                 padding=padding, output_padding=output_padding, dilation=dilation)
    np.testing.assert_array_equal(m.coverage(), z[0, 0])          # coverage: the transposed conv of ones


def test_checkerboard():
    """k=3, s=2 overlaps unevenly (the checkerboard); k=4, s=2 evenly away from the border."""
    uneven = transposed_index_map((4, 4), (3, 3), stride=2, padding=1, output_padding=1).coverage()
    even = transposed_index_map((4, 4), (4, 4), stride=2, padding=1).coverage()
    assert set(np.unique(uneven)) == {1, 2, 4}
    assert np.all(even[1:-1, 1:-1] == 4)


def test_transposed_index_map_bad_input():
    with pytest.raises(ValueError, match="same number of axes"):
        transposed_index_map((3, 3), 3)
    with pytest.raises(ValueError, match="smaller than either stride or dilation"):
        transposed_index_map(3, 3, stride=2, output_padding=2)
    with pytest.raises(ValueError, match="no string paddings"):
        transposed_index_map(3, 3, padding="same")
    with pytest.raises(ValueError, match="method must be one of"):
        transposed_index_map(3, 3, method="fft")
    with pytest.raises(IndexError, match="outside the output"):
        transposed_index_map(3, 3).sources(5)


# --------------------------------------------------------------------------
# bad input: each a ValueError/TypeError naming the argument
# --------------------------------------------------------------------------

X = np.ones((1, 4, 5))
W = np.ones((4, 3, 3))


def tconv(method="auto", **kw):
    args = dict(x=X, w=W) | kw
    return convlab.conv_transpose1d(args.pop("x"), args.pop("w"), method=method, **args)


@pytest.fixture(params=[*METHODS, "auto"])
def method(request):
    return request.param


def test_output_padding_not_smaller_than_stride_or_dilation(method):
    with pytest.raises(ValueError, match=r"output_padding must be smaller than either stride or dilation .*"
                                         r"got output_padding 2 with stride 2 and dilation 1"):
        tconv(method, stride=2, output_padding=2)
    with tolerating_refusal(method):
        tconv(method, stride=1, dilation=2, output_padding=1)      # smaller than the dilation: allowed


def test_weight_channels_must_match_c_in(method):
    with pytest.raises(ValueError, match=r"w.shape\[0\] must be C_in=4 .*got w of shape \(3, 3, 3\)"):
        tconv(method, w=np.ones((3, 3, 3)))


def test_groups_must_divide_c_in(method):
    with pytest.raises(ValueError, match=r"groups=3 must divide the input channels C_in=4"):
        tconv(method, groups=3)


@pytest.mark.parametrize("groups", [0, -1])
def test_groups_must_be_positive(groups):
    with pytest.raises(ValueError, match=r"groups must be a positive int; got"):
        tconv(groups=groups)


def test_groups_must_be_an_int():
    with pytest.raises(TypeError, match=r"groups must be a positive int; got 2.0 of type float"):
        tconv(groups=2.0)


@pytest.mark.parametrize("x, w, padding", [(np.ones((1, 4, 1)), np.ones((4, 3, 1)), 1),
                                           (np.ones((1, 4, 2)), np.ones((4, 3, 2)), 2)])
def test_output_size_not_positive(method, x, w, padding):
    with pytest.raises(ValueError, match=r"output size -?\d+ on spatial axis 0 is not positive"):
        tconv(method, x=x, w=w, padding=padding)


@pytest.mark.parametrize("padding", ["same", "valid", "full"])
def test_string_paddings_are_refused(method, padding):
    with pytest.raises(ValueError, match=rf"padding of a transposed convolution .*got '{padding}'.*no string"):
        tconv(method, padding=padding)


@pytest.mark.parametrize("name, value, error, message", [
    ("stride", 0, ValueError, r"stride must be a positive int"),
    ("stride", 1.5, TypeError, r"stride must be a positive int.*got 1.5 of type float"),
    ("stride", (1, 2), ValueError, r"stride must be .*got \(1, 2\) of length 2"),
    ("dilation", -1, ValueError, r"dilation must be a positive int"),
    ("dilation", "2", TypeError, r"dilation must be a positive int"),
    ("padding", -1, ValueError, r"padding must be a non-negative int"),
    ("padding", 1.0, TypeError, r"padding must be a non-negative int.*got 1.0 of type float"),
    ("padding", (1, 1), ValueError, r"padding must be .*got \(1, 1\) of length 2"),
    ("padding", ((1, 2, 3),), ValueError, r"padding must be .*got the entry \(1, 2, 3\)"),
    ("output_padding", -1, ValueError, r"output_padding must be a non-negative int"),
    ("output_padding", True, TypeError, r"output_padding must be a non-negative int.*got True of type bool"),
    ("method", "direct", ValueError, r"method must be one of \('auto', 'loop', 'im2col', 'fft', 'winograd'\)"),
    ("method", None, TypeError, r"method must be one of"),
])
def test_bad_scalars(name, value, error, message):
    with pytest.raises(error, match=message):
        convlab.conv_transpose1d(X, W, **{name: value})


def test_wrong_ranks(method):
    with pytest.raises(ValueError, match=r"w must have shape \(C_in, C_out/groups, k, k\) .*got shape \(4, 3, 3\)"):
        convlab.conv_transpose2d(np.ones((1, 4, 5, 5)), W, method=method)
    with pytest.raises(ValueError, match=r"x must have shape \(N, C_in, \*spatial\) .*got shape \(5,\)"):
        tconv(method, x=np.ones(5))
    with pytest.raises(ValueError, match=r"w must have shape \(C_in, C_out/groups, \*k\) with at least 3"):
        convlab.conv_transposend(X, np.ones((4, 3)))


def test_bias_shape(method):
    with pytest.raises(ValueError, match=r"bias must have shape \(C_out,\) = \(6,\), C_out = w.shape\[1\] \* groups; "
                                         r"got shape \(3,\)"):
        tconv(method, w=np.ones((4, 3, 3)), groups=2, bias=np.ones(3))


def test_empty_spatial_input(method):
    with pytest.raises(ValueError, match=r"x must have at least one element on every spatial axis"):
        tconv(method, x=np.ones((1, 4, 0)))


def test_empty_kernel(method):
    with pytest.raises(ValueError, match=r"w must have a kernel of at least 1 element"):
        tconv(method, w=np.ones((4, 3, 0)))


def test_bad_arrays():
    with pytest.raises(TypeError, match=r"x must have a numeric dtype .*got bool"):
        tconv(x=np.ones((1, 4, 5), dtype=bool))
    with pytest.raises(TypeError, match=r"w must be a numeric array; got a str"):
        tconv(w="kernel")
    with pytest.raises(ValueError, match=r"x must be a rectangular"):
        tconv(x=[[1, 2], [3]])


def test_inputs_are_not_modified():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 4, 5)), rng.standard_normal((4, 3, 3))
    x0, w0 = x.copy(), w.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for method in METHODS:
            with tolerating_refusal(method):
                convlab.conv_transpose1d(x, w, stride=2, padding=1, method=method)
                convlab.conv_transpose1d(x[:, :, ::-1], w[::-1], stride=2, method=method)    # any layout
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)


# --------------------------------------------------------------------------
# benchmark rows
# --------------------------------------------------------------------------

def test_benchmark_has_the_decoder_rows_and_their_targets():
    import benchmarks
    from benchmarks import run as bench

    decoders = {(c.x_shape, c.w_shape, c.stride, c.padding, c.output_padding)
                for c in benchmarks.CASES if c.kind == "transposed"}
    assert decoders == {((8, 64, 28, 28), (64, 32, 4, 4), 2, 1, 0), ((1, 256, 16, 16), (256, 128, 3, 3), 2, 1, 1)}
    rows = [bench.Row("decoder 28x28 4x4 s2 64->32", "float64", "transposed", times={"im2col": 1.0, "torch": 1.1}),
            bench.Row("decoder 28x28 4x4 s2 64->32", "float32", "transposed", times={"im2col": 3.0, "torch": 1.0})]
    targets = {name: (shown, verdict) for name, shown, _, verdict in bench.target_rows(rows, None)}
    assert targets["im2col / torch conv_transpose, decoder 28x28 4x4 s2 64->32, float64"] == ("0.91", "met")
    assert targets["im2col / torch conv_transpose, decoder 28x28 4x4 s2 64->32, float32"] == ("3.00", "MISSED")
    case = next(c for c in benchmarks.CASES if c.kind == "transposed")
    assert bench.multiply_adds(case) == 8 * 64 * 32 * 16 * 28 * 28
