"""convlab.groups: exact p4 equivariance on integers (and its failure for a wrong roll direction),
the layers against torch F.conv2d with the bank built in torch from the definition
bank[o, r, c, s] = rot90(w[o, c, (s - r) mod 4], r), gradients against torch.autograd through that
expansion, and one test per bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import require

import convlab


def _torch():
    return require("torch", "oracle for the p4 layers")


def _rot(x, k=1):
    return np.rot90(x, k, axes=(-2, -1))


@st.composite
def geometries(draw):
    """Square input, square kernel, the same padding on all sides, stride 1 (exact equivariance)."""
    k = draw(st.integers(1, 4))
    dilation = draw(st.integers(1, 2))
    padding = draw(st.integers(0, 2))
    size = draw(st.integers(max(1, dilation * (k - 1) + 1 - 2 * padding), 7))
    return dict(k=k, size=size, padding=padding, dilation=dilation,
                n=draw(st.integers(1, 2)), c_in=draw(st.integers(1, 3)), c_out=draw(st.integers(1, 3)))


# --------------------------------------------------------------------------
# exact equivariance on integers
# --------------------------------------------------------------------------

@given(geometries(), st.integers(1, 3), st.integers(0, 2**31))
def test_lifting_is_exactly_equivariant_on_integers(g, turns, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(-9, 10, (g["n"], g["c_in"], g["size"], g["size"]))
    w = rng.integers(-9, 10, (g["c_out"], g["c_in"], g["k"], g["k"]))
    b = rng.integers(-9, 10, g["c_out"])
    kw = dict(padding=g["padding"], dilation=g["dilation"])
    y = convlab.p4_lift(x, w, b, **kw)
    assert y.dtype == np.int64
    assert np.array_equal(convlab.p4_lift(_rot(x, turns), w, b, **kw), convlab.p4_rotate(y, turns))


@given(geometries(), st.integers(1, 3), st.integers(0, 2**31))
def test_group_convolution_is_exactly_equivariant_on_integers(g, turns, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(-9, 10, (g["n"], g["c_in"], 4, g["size"], g["size"]))
    w = rng.integers(-9, 10, (g["c_out"], g["c_in"], 4, g["k"], g["k"]))
    kw = dict(padding=g["padding"], dilation=g["dilation"])
    y = convlab.p4_conv(x, w, **kw)
    assert y.dtype == np.int64
    assert np.array_equal(convlab.p4_conv(convlab.p4_rotate(x, turns), w, **kw), convlab.p4_rotate(y, turns))


def test_a_two_layer_p4_network_is_invariant_after_pooling_over_rotations_and_space():
    rng = np.random.default_rng(1)
    x = rng.integers(-9, 10, (2, 1, 9, 9))
    w1, w2 = rng.integers(-3, 4, (4, 1, 3, 3)), rng.integers(-3, 4, (5, 4, 4, 3, 3))

    def net(image):
        return convlab.p4_conv(np.maximum(convlab.p4_lift(image, w1, padding=1), 0), w2, padding=1).max(
            axis=(2, 3, 4))

    assert all(np.array_equal(net(_rot(x, t)), net(x)) for t in range(4))


def test_strided_layers_stay_equivariant_when_the_stride_divides_the_span():
    rng = np.random.default_rng(2)
    x = rng.integers(-9, 10, (1, 2, 9, 9))                   # (9 + 2 - 3) = 8, divisible by 2
    w = rng.integers(-9, 10, (3, 2, 3, 3))
    y = convlab.p4_lift(x, w, stride=2, padding=1)
    assert np.array_equal(convlab.p4_lift(_rot(x), w, stride=2, padding=1), convlab.p4_rotate(y))
    z = rng.integers(-9, 10, (1, 2, 4, 9, 9))
    v = rng.integers(-9, 10, (3, 2, 4, 3, 3))
    assert np.array_equal(convlab.p4_conv(convlab.p4_rotate(z), v, stride=2, padding=1),
                          convlab.p4_rotate(convlab.p4_conv(z, v, stride=2, padding=1)))


def test_the_equivariance_check_catches_the_wrong_roll_direction():
    """Rolling the orientations backward (a wrong R') fails the check, for both layers; so does a bank
    that rolls the weight the wrong way (the group convolution is then not equivariant at all)."""
    rng = np.random.default_rng(3)
    x = rng.integers(-9, 10, (1, 2, 7, 7))
    w = rng.integers(-9, 10, (3, 2, 3, 3))
    y = convlab.p4_lift(x, w, padding=1)

    def wrong_rotate(a):
        return _rot(np.roll(a, -1, axis=-3))

    assert not np.array_equal(convlab.p4_lift(_rot(x), w, padding=1), wrong_rotate(y))
    z = rng.integers(-9, 10, (1, 2, 4, 7, 7))
    v = rng.integers(-9, 10, (3, 2, 4, 3, 3))
    assert not np.array_equal(convlab.p4_conv(convlab.p4_rotate(z), v, padding=1),
                              wrong_rotate(convlab.p4_conv(z, v, padding=1)))
    wrong_bank = np.stack([_rot(np.roll(v, -r, axis=2), r) for r in range(4)], axis=1).reshape(12, 8, 3, 3)

    def wrong_conv(a):
        return convlab.conv2d(a.reshape(1, 8, 7, 7), wrong_bank, padding=1).reshape(1, 3, 4, 7, 7)

    assert not np.array_equal(wrong_conv(convlab.p4_rotate(z)), convlab.p4_rotate(wrong_conv(z)))


def test_p4_rotate_four_times_is_the_identity_and_k_turns_compose():
    y = np.random.default_rng(4).integers(0, 100, (2, 3, 4, 5, 5))
    assert np.array_equal(convlab.p4_rotate(convlab.p4_rotate(y, 2), 2), y)
    assert np.array_equal(convlab.p4_rotate(convlab.p4_rotate(y, 1), 2), convlab.p4_rotate(y, 3))


# --------------------------------------------------------------------------
# against torch: the bank from its definition, autograd through it
# --------------------------------------------------------------------------

def _torch_lift_bank(torch, w):
    return torch.stack([torch.rot90(w, r, dims=(2, 3)) for r in range(4)], dim=1).reshape(
        4 * w.shape[0], *w.shape[1:])


def _torch_conv_bank(torch, w):
    """bank[o, r, c, s] = rot90(w[o, c, (s - r) mod 4], r): indexed from the definition, not rolled."""
    rows = []
    for r in range(4):
        rows.append(torch.stack([torch.rot90(w[:, :, (s - r) % 4], r, dims=(2, 3)) for s in range(4)], dim=2))
    c_out, c_in, _, k, _ = w.shape
    return torch.stack(rows, dim=1).reshape(4 * c_out, 4 * c_in, k, k)


@st.composite
def torch_configs(draw):
    g = draw(geometries())
    g["stride"] = draw(st.integers(1, 2))
    return g


@given(torch_configs(), st.integers(0, 2**31))
def test_lifting_layer_and_gradients_match_torch(g, seed):
    torch = _torch()
    F = torch.nn.functional
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((g["n"], g["c_in"], g["size"], g["size"]))
    w = rng.standard_normal((g["c_out"], g["c_in"], g["k"], g["k"]))
    b = rng.standard_normal(g["c_out"])
    kw = dict(stride=g["stride"], padding=g["padding"], dilation=g["dilation"])
    y = convlab.p4_lift(x, w, b, **kw)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = F.conv2d(xt, _torch_lift_bank(torch, wt), bt.repeat_interleave(4), **kw)
    yt = yt.reshape(g["n"], g["c_out"], 4, *yt.shape[2:])
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-11, atol=1e-11)
    dy = rng.standard_normal(y.shape)
    yt.backward(torch.tensor(dy))
    np.testing.assert_allclose(convlab.p4_lift_input(x.shape, w, dy, **kw), xt.grad.numpy(), rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(convlab.p4_lift_weight(x, w.shape, dy, **kw), wt.grad.numpy(), rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(convlab.p4_bias(dy), bt.grad.numpy(), rtol=1e-11, atol=1e-11)


@given(torch_configs(), st.integers(0, 2**31))
def test_group_convolution_and_gradients_match_torch(g, seed):
    torch = _torch()
    F = torch.nn.functional
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((g["n"], g["c_in"], 4, g["size"], g["size"]))
    w = rng.standard_normal((g["c_out"], g["c_in"], 4, g["k"], g["k"]))
    b = rng.standard_normal(g["c_out"])
    kw = dict(stride=g["stride"], padding=g["padding"], dilation=g["dilation"])
    y = convlab.p4_conv(x, w, b, **kw)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = F.conv2d(xt.reshape(g["n"], 4 * g["c_in"], g["size"], g["size"]), _torch_conv_bank(torch, wt),
                  bt.repeat_interleave(4), **kw)
    yt = yt.reshape(g["n"], g["c_out"], 4, *yt.shape[2:])
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-11, atol=1e-11)
    dy = rng.standard_normal(y.shape)
    yt.backward(torch.tensor(dy))
    np.testing.assert_allclose(convlab.p4_conv_input(x.shape, w, dy, **kw), xt.grad.numpy(), rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(convlab.p4_conv_weight(x, w.shape, dy, **kw), wt.grad.numpy(), rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(convlab.p4_bias(dy), bt.grad.numpy(), rtol=1e-11, atol=1e-11)


def test_the_banks_agree_with_torchs_definition_exactly_on_integers():
    torch = _torch()
    w = np.random.default_rng(5).integers(-9, 10, (2, 3, 4, 3, 3))
    assert np.array_equal(convlab.p4_conv_bank(w), _torch_conv_bank(torch, torch.tensor(w)).numpy())
    assert np.array_equal(convlab.p4_lift_bank(w[:, :, 0]), _torch_lift_bank(torch, torch.tensor(w[:, :, 0])).numpy())


# --------------------------------------------------------------------------
# bad input: one test per case
# --------------------------------------------------------------------------

X4, X5 = np.ones((1, 2, 5, 5)), np.ones((1, 2, 4, 5, 5))
W4, W5 = np.ones((3, 2, 3, 3)), np.ones((3, 2, 4, 3, 3))

BAD = [
    ("lift w not 4-D", lambda: convlab.p4_lift(X4, W5), ValueError,
     r"w must have shape \(C_out, C_in, k, k\) with 4 dimensions; got shape \(3, 2, 4, 3, 3\)"),
    ("lift kernel not square", lambda: convlab.p4_lift(X4, np.ones((3, 2, 3, 2))), ValueError,
     r"w must have a square kernel"),
    ("lift x wrong ndim", lambda: convlab.p4_lift(X5, W4), ValueError, r"x must have shape \(N, C_in, H, W\)"),
    ("lift x strings", lambda: convlab.p4_lift("image", W4), TypeError, r"x must be a numeric array"),
    ("lift channels mismatch", lambda: convlab.p4_lift(X4, np.ones((3, 1, 3, 3))), ValueError, r"channels|C_in"),
    ("bias wrong shape", lambda: convlab.p4_lift(X4, W4, np.ones(12)), ValueError,
     r"bias must have shape \(C_out,\) = \(3,\); got \(12,\)"),
    ("conv w without 4 orientations", lambda: convlab.p4_conv(X5, np.ones((3, 2, 3, 3, 3))), ValueError,
     r"w must have 4 orientations on axis 2"),
    ("conv x without 4 orientations", lambda: convlab.p4_conv(np.ones((1, 2, 3, 5, 5)), W5), ValueError,
     r"x must have shape \(N, C_in, 4, H, W\)"),
    ("conv channels mismatch", lambda: convlab.p4_conv(X5, np.ones((3, 1, 4, 3, 3))), ValueError,
     r"w must have C_in = 2 on axis 1"),
    ("rotate k out of range", lambda: convlab.p4_rotate(np.ones((4, 2, 2)), 4), ValueError,
     r"k must be an int in 0..3; got 4"),
    ("rotate k float", lambda: convlab.p4_rotate(np.ones((4, 2, 2)), 1.0), TypeError, r"k must be an int"),
    ("rotate without orientations", lambda: convlab.p4_rotate(np.ones((3, 2, 2))), ValueError,
     r"y must have shape \(\.\.\., 4, H, W\)"),
    ("grad_output wrong shape", lambda: convlab.p4_lift_input(X4.shape, W4, np.ones((1, 3, 3, 3))), ValueError,
     r"grad_output must have shape \(N, C_out, 4, H_out, W_out\) with C_out = 3"),
    ("input_size wrong length", lambda: convlab.p4_conv_input((1, 2, 5, 5), W5, np.ones((1, 3, 4, 3, 3))),
     ValueError, r"input_size must be a tuple of 5 positive ints"),
    ("weight_size not square", lambda: convlab.p4_lift_weight(X4, (3, 2, 3, 2), np.ones((1, 3, 4, 3, 4))),
     ValueError, r"weight_size must have a square kernel"),
    ("conv weight_size wrong channels", lambda: convlab.p4_conv_weight(X5, (3, 1, 4, 3, 3), np.ones(1)),
     ValueError, r"weight_size must be \(C_out, C_in, 4, k, k\) with C_in = 2"),
    ("bias grad wrong shape", lambda: convlab.p4_bias(np.ones((1, 3, 5, 5))), ValueError,
     r"grad_output must have shape \(N, C_out, 4, H_out, W_out\); got shape \(1, 3, 5, 5\)"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_input_is_refused_with_a_clear_message(case):
    _, call, exc, pattern = case
    with pytest.raises(exc, match=pattern):
        call()
