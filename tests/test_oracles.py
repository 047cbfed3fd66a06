"""Every method against independent oracles, over random shapes (hypothesis).

* ``correlate``/``convolve`` against ``scipy.signal.correlate/convolve``
  (method="direct"), all modes, 1-D to 3-D, float32/64, int32/64, complex.
* ``conv1d/2d/3d`` against ``torch.nn.functional.conv1d/2d/3d`` with stride,
  padding (ints, tuples, pairs, "valid"/"same"/"full"), dilation, groups,
  bias and every padding_mode (torch's ``F.pad`` then an unpadded conv).

Tolerances are explained in :mod:`tolerance`; integer inputs must match
exactly.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import error_bound, record, refusal, require, tolerating_refusal
from tolerance import tolerance

import convlab
from convlab._validate import prepare_conv, prepare_correlate

scipy_signal = require("scipy.signal", "scipy is the oracle for correlate/convolve")

DTYPES = ["float64", "float32", "int64", "int32", "complex128"]


def random_array(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return rng.integers(-9, 10, size=shape).astype(dtype)
    if dtype.kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def assert_matches(got, want, method, dtype, oracle, bound, fan_in, length):
    assert got.shape == want.shape
    if np.dtype(dtype).kind in "iu":
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, want)
        record(method, dtype, oracle, 0.0, bound)
        return
    err = float(np.max(np.abs(got - want), initial=0.0))
    record(method, dtype, oracle, err, bound)
    assert err <= tolerance(method, dtype, bound, fan_in, length), (err, bound)


@st.composite
def signal_problems(draw):
    ndim = draw(st.integers(1, 3))
    hi = {1: 12, 2: 7, 3: 4}[ndim]
    mode = draw(st.sampled_from(["valid", "same", "full"]))
    x_shape = tuple(draw(st.integers(1, hi)) for _ in range(ndim))
    if mode == "valid":
        w_shape = tuple(draw(st.integers(1, n)) for n in x_shape)
    else:
        w_shape = tuple(draw(st.integers(1, hi)) for _ in range(ndim))
    dtype = draw(st.sampled_from(DTYPES))
    seed = draw(st.integers(0, 2**32 - 1))
    return x_shape, w_shape, mode, dtype, seed


@pytest.mark.parametrize("method", convlab.METHODS)
@pytest.mark.parametrize("op", ["correlate", "convolve"])
@given(problem=signal_problems())
def test_signal_ops_match_scipy(op, method, problem):
    x_shape, w_shape, mode, dtype, seed = problem
    rng = np.random.default_rng(seed)
    x, w = random_array(rng, x_shape, dtype), random_array(rng, w_shape, dtype)
    reason = refusal(method, prepare_correlate, x, w, mode)
    if reason:                          # the registry says it cannot: then it must refuse, saying why
        with pytest.raises(ValueError, match=re.escape(f"method={method!r} {reason}")):
            getattr(convlab, op)(x, w, mode, method=method)
        return
    got = getattr(convlab, op)(x, w, mode, method=method)
    want = getattr(scipy_signal, op)(x, w, mode, method="direct")
    length = math.prod(n + k - 1 for n, k in zip(x_shape, w_shape))
    assert_matches(got, want, method, dtype, "scipy", error_bound(x, w), w.size, length)


# --------------------------------------------------------------------------
# torch
# --------------------------------------------------------------------------

@st.composite
def layer_problems(draw):
    nd = draw(st.integers(1, 3))
    groups = draw(st.integers(1, 3))
    c_in_g, c_out_g = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    n_batch = draw(st.integers(0, 2))
    kmax = {1: 5, 2: 3, 3: 2}[nd]
    k = tuple(draw(st.integers(1, kmax)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    padding_mode = draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
    kind = draw(st.sampled_from(["int", "tuple", "pairs", "valid", "same", "full"]))
    stride = (1,) * nd if kind == "same" else tuple(draw(st.integers(1, 3)) for _ in range(nd))
    span = tuple(d * (kk - 1) for d, kk in zip(dilation, k))
    if kind == "int":
        padding = draw(st.integers(0, 2))
        pairs = ((padding, padding),) * nd
    elif kind == "tuple":
        padding = tuple(draw(st.integers(0, 2)) for _ in range(nd))
        pairs = tuple((p, p) for p in padding)
    elif kind == "pairs":
        padding = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(nd))
        pairs = padding
    else:
        padding = kind
        pairs = {"valid": tuple((0, 0) for _ in span), "full": tuple((s, s) for s in span),
                 "same": tuple((s // 2, s - s // 2) for s in span)}[kind]
    size = []
    for (lo, hi), s in zip(pairs, span):
        low = max(1, s + 1 - lo - hi)
        if padding_mode != "zeros":  # torch needs padding < size (reflect) / <= size
            low = max(low, max(lo, hi) + 1)
        size.append(draw(st.integers(low, low + {1: 8, 2: 4, 3: 2}[nd])))
    dtype = draw(st.sampled_from(["float64", "float32", "int64", "complex128"]))
    use_bias = draw(st.booleans())
    unbatched = draw(st.booleans()) and n_batch == 1
    seed = draw(st.integers(0, 2**32 - 1))
    return dict(nd=nd, x_shape=(n_batch, groups * c_in_g, *size),
                w_shape=(groups * c_out_g, c_in_g, *k), stride=stride, padding=padding, pairs=pairs,
                dilation=dilation, groups=groups, padding_mode=padding_mode, dtype=dtype,
                use_bias=use_bias, unbatched=unbatched, seed=seed)


def torch_reference(torch, x, w, b, p):
    F = torch.nn.functional
    tdtype = torch.complex128 if np.iscomplexobj(x) else torch.float64
    tx = torch.tensor(x.astype(np.complex128 if np.iscomplexobj(x) else np.float64))
    tw = torch.tensor(w.astype(tx.numpy().dtype))
    tb = None if b is None else torch.tensor(b.astype(tx.numpy().dtype))
    conv = getattr(F, f"conv{p['nd']}d")
    kwargs = dict(stride=p["stride"], dilation=p["dilation"], groups=p["groups"])
    direct_ok = p["padding_mode"] == "zeros" and (
        isinstance(p["padding"], int) or p["padding"] in ("valid", "same")
        or (isinstance(p["padding"], tuple) and all(isinstance(v, int) for v in p["padding"])))
    if direct_ok:
        out = conv(tx, tw, tb, padding=p["padding"], **kwargs)
    else:
        flat = [v for lo_hi in reversed(p["pairs"]) for v in lo_hi]
        mode = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate",
                "circular": "circular"}[p["padding_mode"]]
        if mode != "constant" and tx.shape[0] == 0:
            tx = torch.zeros(tx.shape[:2] + tuple(n + lo + hi for n, (lo, hi) in
                                                   zip(tx.shape[2:], p["pairs"])), dtype=tdtype)
        else:
            tx = F.pad(tx, flat, mode=mode) if any(flat) else tx
        out = conv(tx, tw, tb, padding=0, **kwargs)
    return out.numpy()


@pytest.mark.parametrize("method", convlab.METHODS)
@given(p=layer_problems())
def test_conv_layers_match_torch(method, p):
    torch = require("torch", "torch is the oracle for conv1d/2d/3d")
    rng = np.random.default_rng(p["seed"])
    x = random_array(rng, p["x_shape"], p["dtype"])
    w = random_array(rng, p["w_shape"], p["dtype"])
    b = random_array(rng, (p["w_shape"][0],), p["dtype"]) if p["use_bias"] else None
    want = torch_reference(torch, x, w, b, p)
    conv = getattr(convlab, f"conv{p['nd']}d")
    xin = x[0] if p["unbatched"] else x
    kw = dict(stride=p["stride"], padding=p["padding"], dilation=p["dilation"], groups=p["groups"],
              padding_mode=p["padding_mode"])
    reason = refusal(method, prepare_conv, xin, w, b, nd=p["nd"], **kw)
    if reason:                          # the registry says it cannot: then it must refuse, saying why
        with pytest.raises(ValueError, match=re.escape(f"method={method!r} {reason}")):
            conv(xin, w, b, method=method, **kw)
        return
    got = conv(xin, w, b, method=method, **kw)
    if p["unbatched"]:
        assert got.ndim == x.ndim - 1
        got = got[np.newaxis]
    if np.dtype(p["dtype"]).kind in "iu":
        want = np.rint(want.real).astype(np.int64)
    bound = error_bound(x, w) + (0.0 if b is None else float(np.max(np.abs(b), initial=0)))
    length = math.prod(n + lo + hi for n, (lo, hi) in zip(p["x_shape"][2:], p["pairs"]))
    assert_matches(got, want, method, p["dtype"], "torch", bound, w[0].size, length)


@pytest.mark.parametrize("padding", ["same", "valid", 1, 2])
@pytest.mark.parametrize("k", [2, 3, 4])
def test_torch_same_and_even_kernels(k, padding):
    """Even kernels: torch puts the extra 'same' pad on the right; so do we."""
    torch = require("torch", "torch is the oracle for conv1d")
    x = np.arange(1.0, 9.0).reshape(1, 1, 8)
    w = np.arange(1.0, k + 1).reshape(1, 1, k)
    want = torch.nn.functional.conv1d(torch.tensor(x), torch.tensor(w), padding=padding).numpy()
    for method in convlab.METHODS:
        with tolerating_refusal(method):
            np.testing.assert_allclose(convlab.conv1d(x, w, padding=padding, method=method), want, atol=1e-12)


def test_float32_stays_float32_like_torch():
    torch = require("torch", "torch is the oracle for conv2d")
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 8, 20, 20)).astype(np.float32)
    w = rng.standard_normal((4, 8, 3, 3)).astype(np.float32)
    want = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w)).numpy()
    for method in convlab.METHODS:
        got = convlab.conv2d(x, w, method=method)
        assert got.dtype == np.float32
        bound = error_bound(x, w)
        assert np.max(np.abs(got - want)) <= tolerance(method, np.float32, bound, 72, 400)
