"""convlab.grad: the gradients of a convolution against torch.autograd, central
finite differences, each other, and SymPy's own derivative; and bad input.

Tolerances are those of :mod:`tolerance` with each gradient's own numbers.
The input gradient is a transposed convolution of ``dy``: ``bound = max|dy|
* max_c sum_{o, j} |w[o, c, j]|``, ``fan_in = C_out/groups * K``, and for
``fft`` the length ``prod(n + dilation*(k - 1))``. The weight gradient is a
correlation of ``x`` with ``dy``: ``bound = max|x| * max_o sum_{n, i}
|dy[n, o, i]|``, ``fan_in = N * prod(out)``, and for ``fft`` the padded
input's size. The bias gradient sums ``dy`` over ``N * prod(out)`` cells.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from support import record, require, tolerating_refusal
from tolerance import tolerance

import convlab
from convlab import grad
from convlab.registry import REGISTRY

METHODS = convlab.METHODS
INPUT = {1: grad.conv1d_input, 2: grad.conv2d_input, 3: grad.conv3d_input}
WEIGHT = {1: grad.conv1d_weight, 2: grad.conv2d_weight, 3: grad.conv3d_weight}
CONV = {1: convlab.conv1d, 2: convlab.conv2d, 3: convlab.conv3d}


@st.composite
def layers(draw, dtypes=("float64", "float32")):
    nd = draw(st.integers(1, 3))
    groups = draw(st.integers(1, 3))
    c_in_g, c_out_g = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    k = tuple(draw(st.integers(1, {1: 5, 2: 3, 3: 2}[nd])) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    kind = draw(st.sampled_from(["int", "tuple", "same", "valid"]))
    stride = (1,) * nd if kind == "same" else tuple(draw(st.integers(1, 3)) for _ in range(nd))
    span = tuple(d * (kk - 1) for d, kk in zip(dilation, k))
    if kind == "int":
        padding = draw(st.integers(0, 2))
        total = (2 * padding,) * nd
    elif kind == "tuple":
        padding = tuple(draw(st.integers(0, 2)) for _ in range(nd))
        total = tuple(2 * p for p in padding)
    else:
        padding = kind
        total = span if kind == "same" else (0,) * nd
    size = tuple(draw(st.integers(max(1, s + 1 - t), max(1, s + 1 - t) + {1: 8, 2: 4, 3: 2}[nd]))
                 for s, t in zip(span, total))
    return dict(nd=nd, x_shape=(draw(st.integers(1, 2)), groups * c_in_g, *size),
                w_shape=(groups * c_out_g, c_in_g, *k), stride=stride, padding=padding, dilation=dilation,
                groups=groups, dtype=draw(st.sampled_from(dtypes)), use_bias=draw(st.booleans()),
                seed=draw(st.integers(0, 2**32 - 1)))


def geometry_of(p):
    return dict(stride=p["stride"], padding=p["padding"], dilation=p["dilation"], groups=p["groups"])


def torch_grads(torch, x, w, b, dy, p):
    """torch.autograd's gradients of conv{nd}d in float64: (dx, dw, db)."""
    tx = torch.tensor(x.astype(np.float64), requires_grad=True)
    tw = torch.tensor(w.astype(np.float64), requires_grad=True)
    tb = None if b is None else torch.tensor(b.astype(np.float64), requires_grad=True)
    y = getattr(torch.nn.functional, f"conv{p['nd']}d")(tx, tw, tb, **geometry_of(p))
    y.backward(torch.tensor(dy.astype(np.float64)))
    return tx.grad.numpy(), tw.grad.numpy(), None if tb is None else tb.grad.numpy()


def input_bound(dy, w, groups):
    c_out, c_in_g, *k = w.shape
    per_c = np.abs(w.astype(np.float64)).reshape(groups, c_out // groups, c_in_g, -1).sum(axis=(1, 3))
    return float(np.abs(dy).max(initial=0)) * float(per_c.max(initial=0))


def weight_bound(x, dy):
    return float(np.abs(x).max(initial=0)) * float(np.abs(dy.astype(np.float64)).sum(
        axis=tuple(i for i in range(dy.ndim) if i != 1)).max(initial=0))


def check(got, want, method, dtype, oracle, bound, fan_in, length):
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == np.dtype(dtype)
    err = float(np.max(np.abs(got - want), initial=0.0))
    record(method, dtype, oracle, err, bound)
    assert err <= tolerance(method, dtype, bound, fan_in, length), (err, bound)


def lengths(p, out_spatial):
    """fft lengths of the input gradient's and the weight gradient's correlations."""
    k = p["w_shape"][2:]
    pads = convlab._validate.geometry(p["x_shape"][2:], k, p["stride"], p["padding"], p["dilation"]).padding
    inp = math.prod(n + d * (kk - 1) for n, d, kk in zip(p["x_shape"][2:], p["dilation"], k))
    wgt = math.prod(n + lo + hi for n, (lo, hi) in zip(p["x_shape"][2:], pads))
    return inp, wgt


@pytest.mark.parametrize("method", [*METHODS, "auto"])
@given(p=layers())
def test_matches_torch_autograd(method, p):
    with tolerating_refusal(method):
        torch = require("torch", "torch.autograd is the oracle for the gradients")
        rng = np.random.default_rng(p["seed"])
        x = rng.standard_normal(p["x_shape"]).astype(p["dtype"])
        w = rng.standard_normal(p["w_shape"]).astype(p["dtype"])
        b = rng.standard_normal(p["w_shape"][0]).astype(p["dtype"]) if p["use_bias"] else None
        y = CONV[p["nd"]](x, w, b, **geometry_of(p))
        dy = rng.standard_normal(y.shape).astype(p["dtype"])
        want_x, want_w, want_b = torch_grads(torch, x, w, b, dy, p)
        n_in, n_w = lengths(p, y.shape[2:])
        dx = INPUT[p["nd"]](x.shape, w, dy, method=method, **geometry_of(p))
        check(dx, want_x, method, p["dtype"], "autograd", input_bound(dy, w, p["groups"]),
              p["w_shape"][0] // p["groups"] * math.prod(p["w_shape"][2:]), n_in)
        dw = WEIGHT[p["nd"]](x, w.shape, dy, method=method, **geometry_of(p))
        check(dw, want_w, method, p["dtype"], "autograd", weight_bound(x, dy), x.shape[0] * math.prod(y.shape[2:]),
              n_w)
        if b is not None:
            db = grad.bias_grad(dy)
            assert db.dtype == np.dtype(p["dtype"])
            np.testing.assert_allclose(db, want_b, atol=tolerance("loop", p["dtype"], float(np.abs(dy).max()),
                                                                  dy[:, 0].size, 1))


def test_spatial_only_input_size_and_torch_size():
    torch = require("torch", "torch.nn.grad is the oracle")
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 4, 9, 8)), rng.standard_normal((6, 2, 3, 3))
    dy = rng.standard_normal(convlab.conv2d(x, w, stride=2, groups=2).shape)
    want = torch.nn.grad.conv2d_input(x.shape, torch.tensor(w), torch.tensor(dy), stride=2, groups=2).numpy()
    for size in [(9, 8), torch.Size(x.shape), list(x.shape), np.array(x.shape)]:
        np.testing.assert_allclose(grad.conv2d_input(size, w, dy, stride=2, groups=2), want, atol=1e-12)
    want_w = torch.nn.grad.conv2d_weight(torch.tensor(x), w.shape, torch.tensor(dy), stride=2, groups=2).numpy()
    np.testing.assert_allclose(grad.conv2d_weight(x, torch.Size(w.shape), dy, stride=2, groups=2), want_w,
                               atol=1e-12)


# --------------------------------------------------------------------------
# finite differences, methods, exactness, symbols
# --------------------------------------------------------------------------

@pytest.mark.parametrize("nd, x_shape, w_shape, kw", [
    (1, (2, 2, 9), (4, 1, 3), dict(stride=2, padding=1, dilation=2, groups=2)),
    (2, (1, 3, 6, 5), (2, 3, 2, 3), dict(stride=(2, 1), padding="valid", dilation=(1, 2))),
    (2, (2, 2, 5, 5), (2, 2, 3, 2), dict(padding="same", dilation=(2, 1))),
    (3, (1, 2, 4, 3, 4), (2, 1, 2, 2, 2), dict(stride=2, padding=(1, 0, 1), groups=2)),
])
def test_central_finite_differences(nd, x_shape, w_shape, kw):
    """L = <dy, conv(x, w) + b> is linear in each argument: central differences are exact up to rounding."""
    rng = np.random.default_rng(7)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    dy = rng.standard_normal(CONV[nd](x, w, b, **kw).shape)

    def loss(x_, w_, b_):
        return float(np.sum(dy * CONV[nd](x_, w_, b_, method="im2col", **kw)))

    h = 1e-3
    for name, arr, got in [("x", x, INPUT[nd](x.shape, w, dy, **kw)), ("w", w, WEIGHT[nd](x, w.shape, dy, **kw)),
                           ("b", b, grad.bias_grad(dy))]:
        numeric = np.zeros_like(arr)
        for idx in np.ndindex(*arr.shape):
            step = np.zeros_like(arr)
            step[idx] = h
            args = {"x": x, "w": w, "b": b}
            plus, minus = dict(args), dict(args)
            plus[name], minus[name] = arr + step, arr - step
            numeric[idx] = (loss(plus["x"], plus["w"], plus["b"]) - loss(minus["x"], minus["w"], minus["b"])) / (2 * h)
        err = float(np.abs(got - numeric).max())
        record("auto", "float64", "finite-diff", err, float(np.abs(numeric).max()))
        np.testing.assert_allclose(got, numeric, rtol=1e-8, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("method", ["im2col", "fft"])
@given(p=layers(dtypes=("float64",)))
def test_methods_agree_with_the_loop(method, p):
    rng = np.random.default_rng(p["seed"])
    x, w = rng.standard_normal(p["x_shape"]), rng.standard_normal(p["w_shape"])
    dy = rng.standard_normal(CONV[p["nd"]](x, w, **geometry_of(p)).shape)
    n_in, n_w = lengths(p, dy.shape[2:])
    want = INPUT[p["nd"]](x.shape, w, dy, method="loop", **geometry_of(p))
    check(INPUT[p["nd"]](x.shape, w, dy, method=method, **geometry_of(p)), want, method, "float64", "loop",
          input_bound(dy, w, p["groups"]), p["w_shape"][0] // p["groups"] * math.prod(p["w_shape"][2:]), n_in)
    want = WEIGHT[p["nd"]](x, w.shape, dy, method="loop", **geometry_of(p))
    check(WEIGHT[p["nd"]](x, w.shape, dy, method=method, **geometry_of(p)), want, method, "float64", "loop",
          weight_bound(x, dy), x.shape[0] * math.prod(dy.shape[2:]), n_w)


@pytest.mark.parametrize("cap", [256, 4096, 10**9])
@pytest.mark.parametrize("method", ["im2col", "fft", "auto"])
def test_integers_are_exact(method, cap):
    """Integers: exact int64 by every method and memory cap (the weight gradient's GEMM reads its
    column matrix gathered along the kernel's rows)."""
    rng = np.random.default_rng(3)
    x = rng.integers(-50, 50, (3, 4, 7, 9), dtype=np.int32)
    w = rng.integers(-50, 50, (6, 2, 3, 2), dtype=np.int16)
    kw = dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)
    dy = rng.integers(-50, 50, convlab.conv2d(x, w, **kw).shape)
    with convlab.options(im2col_max_bytes=cap):
        dx = grad.conv2d_input(x.shape, w, dy, method=method, **kw)
        dw = grad.conv2d_weight(x, w.shape, dy, method=method, **kw)
    want_x = grad.conv2d_input(x.shape, w.astype(object), dy.astype(object), method="loop", **kw)
    want_w = grad.conv2d_weight(x.astype(object), w.shape, dy.astype(object), method="loop", **kw)
    assert dx.dtype == dw.dtype == grad.bias_grad(dy).dtype == np.int64
    np.testing.assert_array_equal(dx, want_x.astype(np.int64))
    np.testing.assert_array_equal(dw, want_w.astype(np.int64))


def test_empty_batch():
    x, w = np.ones((0, 2, 5)), np.ones((3, 2, 2))
    dy = np.ones((0, 3, 4))
    for method in METHODS:
        with tolerating_refusal(method):
            assert grad.conv1d_input(x.shape, w, dy, method=method).shape == (0, 2, 5)
            np.testing.assert_array_equal(grad.conv1d_weight(x, w.shape, dy, method=method), np.zeros((3, 2, 2)))
    np.testing.assert_array_equal(grad.bias_grad(dy), np.zeros(3))


def test_sympy_diff_of_the_loop_is_the_gradient():
    """Differentiating the loop's output on symbols gives the gradient functions' expressions on symbols
    (1-D, stride 2, dilation 2, padding 1, two groups)."""
    n_x, k, kw = 8, 2, dict(stride=2, dilation=2, padding=1, groups=2)
    x = np.array(sympy.symbols(f"x0:{2 * n_x}"), dtype=object).reshape(1, 2, n_x)
    w = np.array(sympy.symbols(f"w0:{4 * k}"), dtype=object).reshape(4, 1, k)
    b = np.array(sympy.symbols("b0:4"), dtype=object)
    y = convlab.conv1d(x, w, b, method="loop", **kw)
    g = np.array(sympy.symbols(f"g0:{y.size}"), dtype=object).reshape(y.shape)
    loss = sympy.expand(sum(gi * yi for gi, yi in zip(g.ravel(), y.ravel())))
    for method in [name for name, m in REGISTRY.items() if "O" in m.exact]:
        dx = grad.conv1d_input(x.shape, w, g, method=method, **kw)
        dw = grad.conv1d_weight(x, w.shape, g, method=method, **kw)
        for arr, got in [(x, dx), (w, dw)]:
            for sym, expr in zip(arr.ravel(), got.ravel()):
                assert sympy.expand(sympy.diff(loss, sym) - expr) == 0, (sym, expr)
    for sym, expr in zip(b, grad.bias_grad(g)):
        assert sympy.expand(sympy.diff(loss, sym) - expr) == 0
    # an input cell past the last window gets no gradient (the transposed convolution's output_padding)
    assert grad.conv1d_input((1, 1, 6), np.ones((1, 1, 2)), np.ones((1, 1, 2)), stride=2, dilation=2)[0, 0, 5] == 0
    with pytest.raises(TypeError, match="method='fft' needs numeric arrays"):
        grad.conv1d_weight(x, w.shape, g, method="fft", **kw)


def test_generic_nd_functions():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 2, 2))
    dy = rng.standard_normal(convlab.conv2d(x, w, stride=2).shape)
    np.testing.assert_allclose(grad.conv_input(x.shape, w, dy, stride=2), grad.conv2d_input(x.shape, w, dy, stride=2))
    np.testing.assert_allclose(grad.conv_weight(x, w.shape, dy, stride=2),
                               grad.conv2d_weight(x, w.shape, dy, stride=2))


# --------------------------------------------------------------------------
# bad input: each a ValueError/TypeError naming the argument
# --------------------------------------------------------------------------

X = np.ones((2, 4, 8))
W = np.ones((6, 2, 3))
DY = np.ones((2, 6, 6))


def dx(**kw):
    args = dict(input_size=X.shape, weight=W, grad_output=DY, groups=2) | kw
    return grad.conv1d_input(args.pop("input_size"), args.pop("weight"), args.pop("grad_output"), **args)


def dw(**kw):
    args = dict(input=X, weight_size=W.shape, grad_output=DY, groups=2) | kw
    return grad.conv1d_weight(args.pop("input"), args.pop("weight_size"), args.pop("grad_output"), **args)


def test_good_calls():
    assert dx().shape == X.shape and dw().shape == W.shape


@pytest.mark.parametrize("size, error, message", [
    ((2, 4, 8, 1), ValueError, r"input_size must be a shape of 3 ints .* or of 1 ints .*got \(2, 4, 8, 1\) of length 4"),
    ((4, 8), ValueError, r"input_size must be .*of length 2"),
    ((3, 4, 8), ValueError, r"input_size \(3, 4, 8\) must be \(N, C_in, \*spatial\) with N=2 .*and C_in=4"),
    ((2, 5, 8), ValueError, r"input_size \(2, 5, 8\) must be .*C_in=4 \(weight.shape\[1\] \* groups\)"),
    ((0,), ValueError, r"input_size must have positive spatial sizes; got \(0,\)"),
    ((2, 4, 8.0), TypeError, r"input_size must be a shape .*got 8.0 of type float"),
    (8, TypeError, r"input_size must be a shape .*got 8 of type int"),
    ("248", TypeError, r"input_size must be a shape"),
    ((2, 4, 9), ValueError, r"grad_output must have the shape of the convolution's output \(N, C_out, \*out\) = "
                            r"\(2, 6, 7\) for input_size \(9,\)"),
])
def test_bad_input_size(size, error, message):
    with pytest.raises(error, match=message):
        dx(input_size=size)


@pytest.mark.parametrize("size, error, message", [
    ((6, 2), ValueError, r"weight_size must be a shape of 3 positive ints \(C_out, C_in/groups, k\); got \(6, 2\) of length 2"),
    ((6, 2, 0), ValueError, r"weight_size must be .*got \(6, 2, 0\)"),
    ((6, 4, 3), ValueError, r"weight_size \(6, 4, 3\) must have C_in/groups = 4/2 in position 1"),
    ((5, 2, 3), ValueError, r"groups=2 must divide the output channels C_out=5 \(weight_size\[0\]\)"),
    ((4, 2, 3), ValueError, r"grad_output must have the shape .* = \(2, 4, 6\)"),
    ((6, 2, 3.0), TypeError, r"weight_size must be a shape .*got 3.0 of type float"),
    (None, TypeError, r"weight_size must be a shape .*got None"),
])
def test_bad_weight_size(size, error, message):
    with pytest.raises(error, match=message):
        dw(weight_size=size)


@pytest.mark.parametrize("which", ["input", "weight"])
@pytest.mark.parametrize("grad_output, message", [
    (np.ones((2, 6, 5)), r"grad_output must have the shape of the convolution's output .* = \(2, 6, 6\).*got shape \(2, 6, 5\)"),
    (np.ones((2, 5, 6)), r"= \(2, 6, 6\).*got shape \(2, 5, 6\)"),
    (np.ones((1, 6, 6)), r"got shape \(1, 6, 6\)|input_size \(2, 4, 8\) must be .*N=1 \(grad_output.shape\[0\]\)"),
    (np.ones((6, 6)), r"grad_output must have shape \(N, C_out, \*out\) with 3 dimensions .*got shape \(6, 6\)"),
])
def test_bad_grad_output(which, grad_output, message):
    with pytest.raises(ValueError, match=message):
        (dx if which == "input" else dw)(grad_output=grad_output)


def test_bad_weight_and_input_arrays():
    with pytest.raises(ValueError, match=r"weight must have shape \(C_out, C_in/groups, k\) with 3 dimensions"):
        dx(weight=np.ones((6, 2)))
    with pytest.raises(ValueError, match=r"groups=4 must divide the output channels C_out=6 \(weight.shape\[0\]\)"):
        dx(groups=4, input_size=(8,))
    with pytest.raises(ValueError, match=r"input must have shape \(N, C_in, \*spatial\) with 3 dimensions"):
        dw(input=np.ones((4, 8)))
    with pytest.raises(TypeError, match=r"grad_output must have a numeric dtype .*got bool"):
        dw(grad_output=np.ones((2, 6, 6), dtype=bool))
    with pytest.raises(TypeError, match=r"weight must be a numeric array; got a str"):
        dx(weight="w")


@pytest.mark.parametrize("fn", [dx, dw])
@pytest.mark.parametrize("kw, error, message", [
    (dict(stride=0), ValueError, r"stride must be a positive int"),
    (dict(stride=1.0), TypeError, r"stride must be a positive int.*got 1.0 of type float"),
    (dict(dilation=(1, 2)), ValueError, r"dilation must be .*of length 2"),
    (dict(padding=-1), ValueError, r"padding must be a non-negative int"),
    (dict(padding="same", stride=2), ValueError, r"padding='same' needs stride 1"),
    (dict(padding="half"), ValueError, r"padding must be one of \('valid', 'same', 'full'\)"),
    (dict(groups=0), ValueError, r"groups must be a positive int"),
    (dict(method="gemm"), ValueError, r"method must be one of"),
    (dict(padding=0, dilation=5), ValueError, r"kernel too large"),
])
def test_bad_geometry(fn, kw, error, message):
    with pytest.raises(error, match=message):
        fn(**kw)


def test_bad_bias_grad():
    with pytest.raises(ValueError, match=r"grad_output must have shape \(N, C_out, \*out\) with at least 2"):
        grad.bias_grad(np.ones(3))
    assert grad.bias_grad(np.ones((2, 3), dtype=np.float16)).dtype == np.float16


# --------------------------------------------------------------------------
# benchmark rows
# --------------------------------------------------------------------------

def test_benchmark_has_the_gradient_rows_and_their_targets():
    import benchmarks
    from benchmarks import run as bench

    deep = {(c.x_shape, c.w_shape) for c in benchmarks.CASES if c.group == "deep"}
    for kind in ("input grad", "weight grad"):
        assert {(c.x_shape, c.w_shape) for c in benchmarks.CASES if c.kind == kind} == deep
    rows = [bench.Row("56x56 3x3 64->64 weight grad", "float64", "grad", times={"auto": 1.0, "torch": 0.9}),
            bench.Row("56x56 3x3 64->64 input grad", "float32", "grad", times={"auto": 2.0, "torch": 1.0})]
    targets = {name: (shown, verdict) for name, shown, _, verdict in bench.target_rows(rows, None)}
    assert targets["auto / torch backward, 56x56 3x3 64->64 weight grad, float64"] == ("1.11", "MISSED")
    assert targets["auto / torch backward, 56x56 3x3 64->64 input grad, float32"] == ("2.00", "met")
