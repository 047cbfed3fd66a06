"""convlab.local: locally connected and tiled layers against torch (F.unfold + einsum, F.pad for the
padding modes, autograd for the gradients) over random configurations, exact int64 on integers,
and one test per bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from support import require

import convlab

TORCH_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"}


def _torch():
    return require("torch", "oracle for the locally connected and tiled layers")


@st.composite
def configs(draw, nd=None):
    nd = draw(st.sampled_from([1, 2])) if nd is None else nd
    n, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    spatial = tuple(draw(st.integers(1, 7)) for _ in range(nd))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    mode = draw(st.sampled_from(list(TORCH_MODES)))
    padding = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(nd))
    if mode == "reflect":
        assume(all(max(p) <= s - 1 for p, s in zip(padding, spatial)))
    if mode == "circular":
        assume(all(max(p) <= s for p, s in zip(padding, spatial)))
    padded = [s + lo + hi for s, (lo, hi) in zip(spatial, padding)]
    assume(all(d * (k - 1) + 1 <= p for d, k, p in zip(dilation, kernel, padded)))
    out = tuple((p - d * (k - 1) - 1) // s + 1 for p, d, k, s in zip(padded, dilation, kernel, stride))
    return dict(nd=nd, n=n, c_in=c_in, c_out=c_out, spatial=spatial, kernel=kernel, stride=stride,
                dilation=dilation, padding=padding, mode=mode, out=out)


def _kwargs(cfg):
    return dict(stride=cfg["stride"], padding=cfg["padding"], dilation=cfg["dilation"], padding_mode=cfg["mode"])


def _torch_local(torch, x, w, b, cfg):
    """The oracle: torch's F.pad (the padding mode) and F.unfold (1-D as 2-D with one row), then one
    einsum with each position's kernel."""
    F = torch.nn.functional
    nd = cfg["nd"]
    pads = [v for lo_hi in reversed(cfg["padding"]) for v in lo_hi]          # F.pad: last axis first
    xp = F.pad(x, pads, mode=TORCH_MODES[cfg["mode"]]) if any(pads) else x
    k, s, d = cfg["kernel"], cfg["stride"], cfg["dilation"]
    if nd == 1:
        xp, k, s, d = xp[:, :, None], (1, *k), (1, *s), (1, *d)
    cols = F.unfold(xp, k, dilation=d, stride=s)                               # (N, C_in*K, L)
    n_pos = int(np.prod(cfg["out"]))
    wl = w.reshape(n_pos, cfg["c_out"], -1)
    y = torch.einsum("nrl,lor->nol", cols, wl).reshape(x.shape[0], cfg["c_out"], *cfg["out"])
    return y if b is None else y + b


def _shapes(cfg):
    x_shape = (cfg["n"], cfg["c_in"], *cfg["spatial"])
    w_shape = (*cfg["out"], cfg["c_out"], cfg["c_in"], *cfg["kernel"])
    return x_shape, w_shape, (cfg["c_out"], *cfg["out"])


def _local_fn(nd):
    return convlab.locally_connected1d if nd == 1 else convlab.locally_connected2d


# --------------------------------------------------------------------------
# locally connected: forward and gradients against torch
# --------------------------------------------------------------------------

@given(configs(), st.integers(0, 2**31))
def test_locally_connected_forward_and_gradients_match_torch(cfg, seed):
    torch = _torch()
    rng = np.random.default_rng(seed)
    x_shape, w_shape, b_shape = _shapes(cfg)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(b_shape)
    y = _local_fn(cfg["nd"])(x, w, b, **_kwargs(cfg))
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = _torch_local(torch, xt, wt, bt, cfg)
    assert y.shape == tuple(yt.shape)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-10, atol=1e-10)
    dy = rng.standard_normal(y.shape)
    yt.backward(torch.tensor(dy))
    kw = _kwargs(cfg)
    mode = kw.pop("padding_mode")
    dx = convlab.locally_connected_input(x_shape, w, dy, **kw, padding_mode=mode)
    dw = convlab.locally_connected_weight(x, w_shape, dy, **kw, padding_mode=mode)
    db = convlab.locally_connected_bias(dy)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(dw, wt.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(db, bt.grad.numpy(), rtol=1e-10, atol=1e-10)


@given(configs(), st.integers(0, 2**31))
def test_locally_connected_is_exact_int64_on_integers(cfg, seed):
    torch = _torch()
    rng = np.random.default_rng(seed)
    x_shape, w_shape, b_shape = _shapes(cfg)
    x = rng.integers(-50, 50, x_shape, dtype=np.int32)
    w = rng.integers(-50, 50, w_shape, dtype=np.int16)
    b = rng.integers(-50, 50, b_shape)
    y = _local_fn(cfg["nd"])(x, w, b, **_kwargs(cfg))
    assert y.dtype == np.int64
    # float64 holds these sums exactly, so torch's float result is the exact integer
    yt = _torch_local(torch, *(torch.tensor(a.astype(np.float64)) for a in (x, w, b)), cfg)
    assert np.array_equal(y, yt.numpy().astype(np.int64))
    dy = rng.integers(-50, 50, y.shape)
    kw = _kwargs(cfg)
    dx = convlab.locally_connected_input(x_shape, w, dy, **kw)
    dw = convlab.locally_connected_weight(x, w_shape, dy, **kw)
    assert dx.dtype == dw.dtype == np.int64
    # the adjoint identity, exactly: <y - b, dy> = <x, dx> = <w, dw>
    inner = int(((y - b) * dy).sum())
    assert inner == int((x.astype(np.int64) * dx).sum()) == int((w.astype(np.int64) * dw).sum())


def test_shared_weights_give_the_convolution():
    """A locally connected layer with the same kernel at every position is conv2d, exactly."""
    rng = np.random.default_rng(1)
    x = rng.integers(-9, 9, (2, 3, 7, 6))
    k = rng.integers(-9, 9, (4, 3, 3, 2))
    y_conv = convlab.conv2d(x, k, stride=(2, 1), padding=1, dilation=(1, 2))
    w = np.broadcast_to(k, (*y_conv.shape[2:], *k.shape))
    y = convlab.locally_connected2d(x, w, stride=(2, 1), padding=1, dilation=(1, 2))
    assert np.array_equal(y, y_conv)


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.complex128])
def test_every_function_keeps_the_inputs_dtype(dtype):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 2, 5, 5)).astype(dtype)
    w = rng.standard_normal((3, 3, 4, 2, 3, 3)).astype(dtype)
    t = w[:2, :2]
    y, z = convlab.locally_connected2d(x, w), convlab.tiled_conv2d(x, t)
    results = [y, convlab.locally_connected_input(x.shape, w, y), convlab.locally_connected_weight(x, w.shape, y),
               z, convlab.tiled_conv_input(x.shape, t, z), convlab.tiled_conv_weight(x, t.shape, z)]
    assert [r.dtype for r in results] == [np.dtype(dtype)] * 6


def test_unbatched_input_gives_an_unbatched_output():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 5, 5))
    w = rng.standard_normal((3, 3, 4, 2, 3, 3))
    assert np.array_equal(convlab.locally_connected2d(x, w), convlab.locally_connected2d(x[None], w)[0])


def test_batch_chunks_give_the_same_result():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 2, 6, 6))
    w = rng.standard_normal((4, 4, 3, 2, 3, 3))
    dy = rng.standard_normal((5, 3, 4, 4))

    def all_three():
        return (convlab.locally_connected2d(x, w), convlab.locally_connected_input(x.shape, w, dy),
                convlab.locally_connected_weight(x, w.shape, dy))

    whole = all_three()
    with convlab.options(im2col_max_bytes=64):          # one sample per chunk
        chunked = all_three()
    for a, b in zip(chunked, whole):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-13)


def test_the_torch_oracle_catches_a_wrong_weight_layout():
    """The oracle is not blind: reading the positions in the wrong order (W_out before H_out) is caught."""
    torch = _torch()
    cfg = dict(nd=2, n=1, c_in=1, c_out=1, spatial=(4, 5), kernel=(2, 2), stride=(1, 1), dilation=(1, 1),
               padding=((0, 0), (0, 0)), mode="zeros", out=(3, 4))
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((1, 1, 4, 5)), rng.standard_normal((3, 4, 1, 1, 2, 2))
    wrong = w.transpose(1, 0, 2, 3, 4, 5).reshape(w.shape)            # positions in column-major order
    truth = _torch_local(torch, torch.tensor(x), torch.tensor(w), None, cfg).numpy()
    assert np.allclose(convlab.locally_connected2d(x, w), truth)
    assert not np.allclose(convlab.locally_connected2d(x, wrong), truth)


# --------------------------------------------------------------------------
# tiled convolution: against the locally connected layer with the tiles expanded, and torch
# --------------------------------------------------------------------------

@st.composite
def tiled_configs(draw):
    cfg = draw(configs())
    cfg["tiles"] = tuple(draw(st.integers(1, 3)) for _ in range(cfg["nd"]))
    return cfg


def _expand(w, tiles, out):
    """The locally connected weight of a tiled one: position i gets kernel i mod t (per axis)."""
    idx = np.ix_(*[np.arange(n) % t for t, n in zip(tiles, out)])
    return w[idx]


def _tiled_fn(nd):
    return convlab.tiled_conv1d if nd == 1 else convlab.tiled_conv2d


@given(tiled_configs(), st.integers(0, 2**31))
def test_tiled_conv_is_the_locally_connected_layer_with_the_tiles_expanded(cfg, seed):
    torch = _torch()
    rng = np.random.default_rng(seed)
    x_shape = (cfg["n"], cfg["c_in"], *cfg["spatial"])
    w_shape = (*cfg["tiles"], cfg["c_out"], cfg["c_in"], *cfg["kernel"])
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(cfg["c_out"])
    kw = _kwargs(cfg)
    y = _tiled_fn(cfg["nd"])(x, w, b, **kw)
    wide = _expand(w, cfg["tiles"], cfg["out"])
    b_wide = np.broadcast_to(b.reshape(-1, *(1,) * cfg["nd"]), (cfg["c_out"], *cfg["out"]))
    np.testing.assert_allclose(y, _local_fn(cfg["nd"])(x, wide, b_wide, **kw), rtol=1e-10, atol=1e-10)
    # gradients: torch autograd through the same expansion (an index, whose adjoint sums the tiles)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    idx = [torch.tensor(np.arange(n) % t) for t, n in zip(cfg["tiles"], cfg["out"])]
    wt_wide = wt[idx[0]] if cfg["nd"] == 1 else wt[idx[0][:, None], idx[1][None, :]]
    yt = _torch_local(torch, xt, wt_wide, bt.reshape(-1, *(1,) * cfg["nd"]), cfg)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-10, atol=1e-10)
    dy = rng.standard_normal(y.shape)
    yt.backward(torch.tensor(dy))
    mode = kw.pop("padding_mode")
    np.testing.assert_allclose(convlab.tiled_conv_input(x_shape, w, dy, **kw, padding_mode=mode),
                               xt.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(convlab.tiled_conv_weight(x, w_shape, dy, **kw, padding_mode=mode),
                               wt.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(convlab.tiled_conv_bias(dy), bt.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_tiled_conv_is_exact_on_integers_and_one_tile_is_a_convolution():
    rng = np.random.default_rng(5)
    x = rng.integers(-20, 20, (2, 2, 7, 8))
    w = rng.integers(-20, 20, (2, 3, 3, 2, 3, 3))
    y = convlab.tiled_conv2d(x, w, padding=1)
    assert y.dtype == np.int64
    assert np.array_equal(y, convlab.locally_connected2d(x, _expand(w, (2, 3), y.shape[2:]), padding=1))
    one = w[:1, :1]
    assert np.array_equal(convlab.tiled_conv2d(x, one, padding=1), convlab.conv2d(x, one[0, 0], padding=1))


def test_the_expansion_check_catches_a_wrong_tiling():
    """Kernel (i + 1) mod t instead of i mod t at position i: the comparison above fails."""
    rng = np.random.default_rng(6)
    x, w = rng.standard_normal((1, 1, 9)), rng.standard_normal((3, 1, 1, 2))
    y = convlab.tiled_conv1d(x, w)
    wrong = w[(np.arange(8) + 1) % 3]
    assert np.allclose(y, convlab.locally_connected1d(x, _expand(w, (3,), (8,))))
    assert not np.allclose(y, convlab.locally_connected1d(x, wrong))


# --------------------------------------------------------------------------
# bad input: one test per case
# --------------------------------------------------------------------------

X2 = np.ones((1, 2, 5, 5))
W2 = np.ones((3, 3, 4, 2, 3, 3))
T2 = np.ones((2, 2, 4, 2, 3, 3))

BAD = [
    ("x not numeric", lambda: convlab.locally_connected2d("abc", W2), TypeError, r"x must be a numeric array"),
    ("x wrong ndim", lambda: convlab.locally_connected2d(np.ones(5), W2), ValueError,
     r"x must have shape \(N, C_in, \*spatial\) or \(C_in, \*spatial\) with 4 or 3 dimensions"),
    ("w odd ndim", lambda: convlab.locally_connected2d(X2, np.ones((3, 3, 4, 2, 3))), ValueError,
     r"w must have shape \(\*out, C_out, C_in, \*k\) \(an even number"),
    ("w 1-D layer given to 2-D", lambda: convlab.locally_connected2d(X2, np.ones((3, 4, 2, 3))), ValueError,
     r"w must have shape .* with 6 dimensions for a 2-D layer; got shape \(3, 4, 2, 3\)"),
    ("w wrong positions", lambda: convlab.locally_connected2d(X2, np.ones((2, 3, 4, 2, 3, 3))), ValueError,
     r"w must have one kernel per output position, shape \(3, 3\)"),
    ("w wrong channels", lambda: convlab.locally_connected2d(X2, np.ones((3, 3, 4, 1, 3, 3))), ValueError,
     r"w must have C_in = 2 on axis 3"),
    ("w empty kernel", lambda: convlab.locally_connected2d(X2, np.ones((3, 3, 4, 2, 0, 3))), ValueError,
     r"w must not have an empty axis"),
    ("bias wrong shape", lambda: convlab.locally_connected2d(X2, W2, np.ones(4)), ValueError,
     r"bias must have shape \(C_out, \*out\) = \(4, 3, 3\); got \(4,\)"),
    ("stride zero", lambda: convlab.locally_connected2d(X2, W2, stride=0), ValueError, r"stride"),
    ("stride float", lambda: convlab.locally_connected2d(X2, W2, stride=1.5), TypeError, r"stride"),
    ("padding negative", lambda: convlab.locally_connected2d(X2, W2, padding=-1), ValueError, r"padding"),
    ("padding_mode unknown", lambda: convlab.locally_connected2d(X2, W2, padding_mode="mirror"), ValueError,
     r"padding_mode"),
    ("kernel too large", lambda: convlab.locally_connected1d(np.ones((1, 1, 2)), np.ones((1, 1, 1, 3))),
     ValueError, r"kernel too large"),
    ("input_size wrong length", lambda: convlab.locally_connected_input((1, 2, 5), W2, np.ones((1, 4, 3, 3))),
     ValueError, r"input_size must be a tuple of 4 positive ints"),
    ("grad_output wrong shape", lambda: convlab.locally_connected_input((1, 2, 5, 5), W2, np.ones((1, 4, 3))),
     ValueError, r"grad_output must have the shape of the layer's output \(1, 4, 3, 3\); got \(1, 4, 3\)"),
    ("weight_size odd", lambda: convlab.locally_connected_weight(X2, (3, 3, 4, 2, 3), np.ones((1, 4, 3, 3))),
     ValueError, r"weight_size must be a tuple \(\*out, C_out, C_in, \*k\)"),
    ("weight_size for another nd", lambda: convlab.locally_connected_weight(X2, (3, 4, 2, 3), np.ones((1, 4, 3))),
     ValueError, r"input must have shape \(N, C_in, \*spatial\) with 3 dimensions"),
    ("bias grad too few axes", lambda: convlab.locally_connected_bias(np.ones((2, 3))), ValueError,
     r"grad_output must have shape \(N, C_out, \*out\) with at least 3 dimensions"),
    ("tiled w odd ndim", lambda: convlab.tiled_conv2d(X2, np.ones((2, 4, 2, 3, 3))), ValueError,
     r"w must have shape \(\*t, C_out, C_in, \*k\)"),
    ("tiled bias wrong shape", lambda: convlab.tiled_conv2d(X2, T2, np.ones((4, 3, 3))), ValueError,
     r"bias must have shape \(C_out,\) = \(4,\); got \(4, 3, 3\)"),
    ("tiled wrong channels", lambda: convlab.tiled_conv2d(X2, np.ones((2, 2, 4, 3, 3, 3))), ValueError,
     r"w must have C_in = 2"),
    ("tiled x bool", lambda: convlab.tiled_conv2d(X2 > 0, T2), TypeError, r"x must have a numeric dtype"),
    ("tiled grad_output wrong shape", lambda: convlab.tiled_conv_weight(X2, T2.shape, np.ones((1, 3, 3, 3))),
     ValueError, r"grad_output must have the shape of the layer's output \(1, 4, 3, 3\)"),
    ("tiled weight_size not ints", lambda: convlab.tiled_conv_weight(X2, (2, 2, 4, 2, 3, 3.0), np.ones(1)),
     TypeError, r"weight_size must be"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_input_is_refused_with_a_clear_message(case):
    _, call, exc, pattern = case
    with pytest.raises(exc, match=pattern):
        call()
