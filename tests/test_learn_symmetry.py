"""convlab.learn's chapter-9 layers (LocallyConnected2d, TiledConv2d, BlurPool2d, MaxBlurPool2d, P4Lift,
P4Conv, P4Pool): forward and backward against torch.autograd and central differences, a tiny network
of each kind whose loss falls on scikit-learn's digits in a few steps, and errors on construction."""

from __future__ import annotations

import numpy as np
import pytest
from support import require

from convlab import learn


def _rng(offset: int = 0) -> np.random.Generator:
    return np.random.default_rng(9000 + offset)


def _torch():
    return require("torch", "oracle for the chapter-9 layers")


def _torch_bank_lift(torch, w):
    return torch.stack([torch.rot90(w, r, dims=(2, 3)) for r in range(4)], dim=1).reshape(-1, *w.shape[1:])


def _torch_bank_conv(torch, w):
    c_out, c_in, _, k, _ = w.shape
    rows = [torch.stack([torch.rot90(w[:, :, (s - r) % 4], r, dims=(2, 3)) for s in range(4)], dim=2)
            for r in range(4)]
    return torch.stack(rows, dim=1).reshape(4 * c_out, 4 * c_in, k, k)


def _cases(torch):
    """(name, layer, torch function of (x, *params), input shape)."""
    F = torch.nn.functional
    rng = _rng(1)

    def local(x, w, b):
        cols = F.unfold(x, (3, 3), padding=1, stride=2)                       # (N, 2*9, 3*3)
        y = torch.einsum("nrl,lor->nol", cols, w.reshape(9, 3, -1)).reshape(x.shape[0], 3, 3, 3)
        return y + b

    def tiled(x, w, b):
        idx = torch.arange(5) % 2
        wide = w[idx[:, None], torch.arange(5)[None, :] % 3]                  # (5, 5, 3, 2, 3, 3)
        cols = F.unfold(x, (3, 3), padding=1)
        return torch.einsum("nrl,lor->nol", cols, wide.reshape(25, 3, -1)).reshape(x.shape[0], 3, 5, 5) \
            + b.reshape(-1, 1, 1)

    def blur(x):
        c = x.shape[1]
        row = torch.tensor([1.0, 3.0, 3.0, 1.0], dtype=torch.float64) / 8
        kernel = torch.outer(row, row).reshape(1, 1, 4, 4).repeat(c, 1, 1, 1)
        return F.conv2d(F.pad(x, [1, 2, 1, 2], mode="reflect"), kernel, stride=2, groups=c)

    def max_blur(x):
        c = x.shape[1]
        row = torch.tensor([1.0, 2.0, 1.0], dtype=torch.float64) / 4
        kernel = torch.outer(row, row).reshape(1, 1, 3, 3).repeat(c, 1, 1, 1)
        return F.conv2d(F.pad(F.max_pool2d(x, 2, 1), [1, 1, 1, 1], mode="reflect"), kernel, stride=2, groups=c)

    def lift(x, w, b):
        y = F.conv2d(x, _torch_bank_lift(torch, w), b.repeat_interleave(4), padding=1)
        return y.reshape(x.shape[0], -1, 4, *y.shape[2:])

    def gconv(x, w, b):
        y = F.conv2d(x.reshape(x.shape[0], -1, *x.shape[3:]), _torch_bank_conv(torch, w), b.repeat_interleave(4))
        return y.reshape(x.shape[0], -1, 4, *y.shape[2:])

    return [
        ("locally connected", learn.LocallyConnected2d(rng.standard_normal((3, 3, 3, 2, 3, 3)),
                                                        rng.standard_normal((3, 3, 3)), stride=2, padding=1),
         local, (2, 2, 5, 5)),
        ("tiled", learn.TiledConv2d(rng.standard_normal((2, 3, 3, 2, 3, 3)), rng.standard_normal(3), padding=1),
         tiled, (2, 2, 5, 5)),
        ("blur pool", learn.BlurPool2d(3), blur, (2, 3, 6, 7)),
        ("max blur pool", learn.MaxBlurPool2d(2, 2), max_blur, (2, 3, 7, 6)),
        ("p4 lift", learn.P4Lift(rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3), padding=1),
         lift, (2, 2, 5, 5)),
        ("p4 conv", learn.P4Conv(rng.standard_normal((3, 2, 4, 2, 2)), rng.standard_normal(3)), gconv,
         (2, 2, 4, 5, 5)),
        ("p4 pool", learn.P4Pool(), lambda x: x.max(dim=2).values, (2, 3, 4, 3, 3)),
    ]


NAMES = ["locally connected", "tiled", "blur pool", "max blur pool", "p4 lift", "p4 conv", "p4 pool"]


@pytest.mark.parametrize("which", range(len(NAMES)), ids=NAMES)
def test_layer_forward_and_backward_match_torch_autograd(which):
    torch = _torch()
    name, layer, fn, shape = _cases(torch)[which]
    rng = _rng(10 + which)
    x = rng.standard_normal(shape)
    y = layer.forward(x)
    dy = rng.standard_normal(y.shape)
    dx = layer.backward(dy)
    xt = torch.tensor(x, requires_grad=True)
    pt = {k: torch.tensor(v, requires_grad=True) for k, v in layer.params.items()}
    yt = fn(xt, *pt.values())
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-11, atol=1e-11, err_msg=name)
    yt.backward(torch.tensor(dy))
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-11, atol=1e-11, err_msg=name)
    assert set(layer.grads) == set(layer.params)
    for k, t in pt.items():
        np.testing.assert_allclose(layer.grads[k], t.grad.numpy(), rtol=1e-11, atol=1e-11, err_msg=f"{name} {k}")


@pytest.mark.parametrize("which", range(len(NAMES)), ids=NAMES)
def test_layer_backward_matches_central_differences(which):
    """Without torch: L = sum(y * r) for a fixed r, its gradient by central differences."""
    rng = _rng(30 + which)
    layers = {"locally connected": learn.LocallyConnected2d(rng.standard_normal((2, 2, 2, 1, 2, 2)), stride=2),
              "tiled": learn.TiledConv2d(rng.standard_normal((2, 2, 2, 1, 2, 2)), padding=1),
              "blur pool": learn.BlurPool2d(2),
              "max blur pool": learn.MaxBlurPool2d(2, 1),
              "p4 lift": learn.P4Lift(rng.standard_normal((2, 1, 2, 2))),
              "p4 conv": learn.P4Conv(rng.standard_normal((2, 1, 4, 2, 2)), padding=1),
              "p4 pool": learn.P4Pool()}
    layer = layers[NAMES[which]]
    shape = (1, 1, 4, 3, 3) if NAMES[which] in ("p4 conv", "p4 pool") else (1, 1, 4, 4)
    x = rng.standard_normal(shape)
    r = rng.standard_normal(layer.forward(x).shape)

    def loss() -> float:
        return float((layer.forward(x) * r).sum())

    layer.forward(x)
    dx = layer.backward(r)
    np.testing.assert_allclose(dx, learn.numerical_gradient(loss, x), rtol=1e-6, atol=1e-7)
    grads = dict(layer.grads)
    for name, p in layer.params.items():
        np.testing.assert_allclose(grads[name], learn.numerical_gradient(loss, p), rtol=1e-6, atol=1e-7)


def _he(rng, shape, fan_in):
    return rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)


def _tiny(kind: str, seed: int = 0) -> learn.Sequential:
    """A tiny classifier for 8x8 digits around one layer of each kind."""
    rng = np.random.default_rng(seed)
    fc = learn.Linear(_he(rng, (10, 128), 128) / np.sqrt(2))
    if kind == "locally connected":
        first = learn.LocallyConnected2d(_he(rng, (8, 8, 2, 1, 3, 3), 9), padding=1)
        return learn.Sequential([("lc", first), ("relu", learn.ReLU()), ("flat", learn.Flatten()), ("fc", fc)])
    if kind == "tiled":
        first = learn.TiledConv2d(_he(rng, (2, 2, 2, 1, 3, 3), 9), padding=1)
        return learn.Sequential([("tiled", first), ("relu", learn.ReLU()), ("flat", learn.Flatten()), ("fc", fc)])
    if kind == "blur":
        conv = learn.Conv2d(_he(rng, (8, 1, 3, 3), 9), padding=1)
        return learn.Sequential([("conv", conv), ("relu", learn.ReLU()), ("pool", learn.MaxBlurPool2d(2, 2)),
                                 ("flat", learn.Flatten()), ("fc", fc)])        # 8 x 4 x 4 = 128
    lift = learn.P4Lift(_he(rng, (2, 1, 3, 3), 9), padding=1)
    gconv = learn.P4Conv(_he(rng, (2, 2, 4, 3, 3), 72), padding=1)
    return learn.Sequential([("lift", lift), ("relu1", learn.ReLU()), ("gconv", gconv), ("relu2", learn.ReLU()),
                             ("pool", learn.P4Pool()), ("flat", learn.Flatten()), ("fc", fc)])   # 2 x 8 x 8


@pytest.mark.parametrize("kind", ["locally connected", "tiled", "blur", "p4"])
def test_a_tiny_network_of_each_kind_learns_the_digits(kind):
    require("sklearn", "the digits")
    d = learn.digits(seed=0)
    x, y = d.x_train[:300], d.y_train[:300]
    history = learn.train(_tiny(kind), x, y, epochs=4, batch_size=20, lr=0.02, momentum=0.9, seed=0)
    first, last = np.mean(history.step_loss[:5]), np.mean(history.step_loss[-5:])
    assert last < 0.5 * first, (kind, first, last)


def test_the_loss_check_catches_a_layer_that_does_not_learn():
    """The check above can fail: with the learning rate at a tiny value the loss stays where it was."""
    require("sklearn", "the digits")
    d = learn.digits(seed=0)
    history = learn.train(_tiny("p4"), d.x_train[:300], d.y_train[:300], epochs=4, batch_size=20, lr=1e-6,
                          momentum=0.0, seed=0)
    assert not np.mean(history.step_loss[-5:]) < 0.5 * np.mean(history.step_loss[:5])


BAD = [
    ("lc weight wrong ndim", lambda: learn.LocallyConnected2d(np.ones((3, 3, 2, 3, 3))), ValueError,
     r"weight must be a non-empty 6-D array"),
    ("lc bias wrong shape", lambda: learn.LocallyConnected2d(np.ones((3, 3, 2, 1, 3, 3)), np.ones((2, 3, 4))), ValueError,
     r"bias must have shape \(C_out, H_out, W_out\) = \(2, 3, 3\)"),
    ("lc weight empty axis", lambda: learn.LocallyConnected2d(np.ones((3, 3, 0, 1, 3, 3))), ValueError,
     r"weight must .*6-D array|no empty axis"),
    ("lc stride zero", lambda: learn.LocallyConnected2d(np.ones((3, 3, 2, 1, 3, 3)), stride=0), ValueError,
     r"stride"),
    ("tiled padding negative", lambda: learn.TiledConv2d(np.ones((2, 2, 2, 1, 3, 3)), padding=-1), ValueError,
     r"padding"),
    ("tiled bias wrong shape", lambda: learn.TiledConv2d(np.ones((2, 2, 2, 1, 3, 3)), np.ones((2, 3))),
     ValueError, r"bias must be a non-empty 1-D array"),
    ("blur order negative", lambda: learn.BlurPool2d(-1), ValueError, r"order must be a non-negative int"),
    ("blur padding_mode unknown", lambda: learn.BlurPool2d(2, padding_mode="mirror"), ValueError,
     r"padding_mode"),
    ("max blur kernel zero", lambda: learn.MaxBlurPool2d(0), ValueError, r"kernel_size"),
    ("max blur stride float", lambda: learn.MaxBlurPool2d(2, 2, 1.5), TypeError, r"stride"),
    ("lift kernel not square", lambda: learn.P4Lift(np.ones((2, 1, 3, 2))), ValueError, r"square kernel"),
    ("p4 conv without 4 orientations", lambda: learn.P4Conv(np.ones((2, 1, 3, 3, 3))), ValueError,
     r"4 orientations on axis 2"),
    ("p4 pool wrong orientations", lambda: learn.P4Pool().forward(np.ones((1, 1, 3, 2, 2))), ValueError,
     r"x must have shape \(N, C, 4, H, W\)"),
    ("backward before forward", lambda: learn.P4Pool().backward(np.ones((1, 1, 2, 2))), RuntimeError,
     r"P4Pool.backward called before forward"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_construction_is_refused_with_a_clear_message(case):
    _, call, exc, pattern = case
    with pytest.raises(exc, match=pattern):
        call()
