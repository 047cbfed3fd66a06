"""convlab.antialias: the binomial filter (built independently by repeated [1, 1] convolutions), blur
pooling and max-blur pooling against torch (F.pad with the padding mode, F.conv2d with groups=C and the
same filter, F.max_pool2d), their gradients against torch.autograd, and one test per bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from support import require

import convlab

TORCH_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"}


def _torch():
    return require("torch", "oracle for blur pooling")


def test_binomial_filter_is_pascals_row_normalised():
    row = np.array([1.0])
    for order in range(9):
        assert np.array_equal(convlab.binomial_filter(order) * 2 ** order, row)
        assert convlab.binomial_filter(order).sum() == 1.0
        assert np.array_equal(convlab.binomial_filter(order, 2), np.outer(row, row) / 4 ** order)
        row = np.convolve(row, [1.0, 1.0])


def _torch_blur(torch, x, order, stride, mode, nd):
    """Zhang's Downsample, written out: F.pad (n//2 before, n - n//2 after), then a depthwise
    convolution with the outer product of Pascal's row over 2**n, with a stride."""
    F = torch.nn.functional
    row = torch.tensor([float(np.prod(range(order - k + 1, order + 1)) / np.prod(range(1, k + 1)))
                        for k in range(order + 1)], dtype=torch.float64) / 2 ** order
    c = x.shape[1]
    pad = [order // 2, order - order // 2] * nd
    xp = F.pad(x, pad, mode=TORCH_MODES[mode]) if order else x
    if nd == 1:
        return F.conv1d(xp, row.reshape(1, 1, -1).repeat(c, 1, 1), stride=stride, groups=c)
    return F.conv2d(xp, torch.outer(row, row).reshape(1, 1, order + 1, order + 1).repeat(c, 1, 1, 1),
                    stride=stride, groups=c)


@st.composite
def blur_configs(draw):
    nd = draw(st.sampled_from([1, 2]))
    order = draw(st.integers(0, 5))
    stride = draw(st.integers(1, 3))
    mode = draw(st.sampled_from(list(TORCH_MODES)))
    spatial = tuple(draw(st.integers(1, 9)) for _ in range(nd))
    if mode == "reflect":
        assume(min(spatial) - 1 >= order - order // 2)
    if mode == "circular":
        assume(min(spatial) >= order - order // 2)
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), *spatial)
    return nd, order, stride, mode, shape


@given(blur_configs(), st.integers(0, 2**31))
def test_blur_pool_and_its_gradient_match_torch(cfg, seed):
    torch = _torch()
    nd, order, stride, mode, shape = cfg
    x = np.random.default_rng(seed).standard_normal(shape)
    blur, backward = ((convlab.blur_pool1d, convlab.blur_pool1d_backward) if nd == 1
                      else (convlab.blur_pool2d, convlab.blur_pool2d_backward))
    y = blur(x, order, stride, padding_mode=mode)
    xt = torch.tensor(x, requires_grad=True)
    yt = _torch_blur(torch, xt, order, stride, mode, nd)
    assert y.shape == tuple(yt.shape) == (*shape[:2], *(-(-n // stride) for n in shape[2:]))
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    dy = np.random.default_rng(seed + 1).standard_normal(y.shape)
    yt.backward(torch.tensor(dy))
    np.testing.assert_allclose(backward(dy, shape, order, stride, padding_mode=mode), xt.grad.numpy(),
                               rtol=1e-12, atol=1e-12)


@given(blur_configs(), st.integers(1, 3), st.integers(0, 2**31))
def test_max_blur_pool_and_its_gradient_match_torch(cfg, kernel, seed):
    torch = _torch()
    F = torch.nn.functional
    nd, order, stride, mode, shape = cfg
    assume(min(shape[2:]) >= kernel)
    pooled = [n - kernel + 1 for n in shape[2:]]
    if mode == "reflect":
        assume(min(pooled) - 1 >= order - order // 2)
    if mode == "circular":
        assume(min(pooled) >= order - order // 2)
    x = np.random.default_rng(seed).standard_normal(shape)
    fn, backward = ((convlab.max_blur_pool1d, convlab.max_blur_pool1d_backward) if nd == 1
                    else (convlab.max_blur_pool2d, convlab.max_blur_pool2d_backward))
    y = fn(x, kernel, order, stride, padding_mode=mode)
    xt = torch.tensor(x, requires_grad=True)
    pool = F.max_pool1d if nd == 1 else F.max_pool2d
    yt = _torch_blur(torch, pool(xt, kernel, 1), order, stride, mode, nd)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    dy = np.random.default_rng(seed + 1).standard_normal(y.shape)
    yt.backward(torch.tensor(dy))
    np.testing.assert_allclose(backward(dy, x, kernel, order, stride, padding_mode=mode), xt.grad.numpy(),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.float64, np.int32])
def test_blur_keeps_a_floating_dtype_and_gives_float64_for_integers(dtype):
    x = np.arange(2 * 3 * 6 * 6).reshape(2, 3, 6, 6).astype(dtype)
    expected = np.dtype(np.float64) if np.dtype(dtype).kind == "i" else np.dtype(dtype)
    y = convlab.blur_pool2d(x, 3)
    dx = convlab.blur_pool2d_backward(y, x.shape, 3)
    assert (y.dtype, dx.dtype, convlab.max_blur_pool2d(x).dtype) == (expected, expected, expected)


def test_order_zero_is_plain_subsampling():
    x = np.random.default_rng(1).standard_normal((2, 3, 7, 6))
    assert np.array_equal(convlab.blur_pool2d(x, 0, 2), x[:, :, ::2, ::2])
    assert np.array_equal(convlab.blur_pool2d(x, 0, (3, 2)), x[:, :, ::3, ::2])


def test_blur_reduces_the_change_under_a_one_pixel_shift():
    """The point of it: on a random image, the output of a shifted input differs less with blur."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 1, 32, 33))
    change = [np.abs(convlab.blur_pool2d(x[..., 1:], n, padding_mode="circular")
                     - convlab.blur_pool2d(x[..., :-1], n, padding_mode="circular")).mean() for n in (0, 2, 4)]
    assert change[0] > change[1] > change[2]


def test_the_torch_oracle_catches_zhangs_padding_on_the_wrong_side():
    """Padding ceil(n/2) before and n//2 after (the sides swapped) moves the output: the oracle sees it."""
    torch = _torch()
    x = np.random.default_rng(3).standard_normal((1, 1, 8, 8))
    truth = _torch_blur(torch, torch.tensor(x), 3, 2, "zeros", 2).numpy()
    assert np.allclose(convlab.blur_pool2d(x, 3, padding_mode="zeros"), truth)
    wrong = convlab.conv2d(x, convlab.binomial_filter(3, 2)[None, None], stride=2, padding=((2, 1), (2, 1)))
    assert not np.allclose(wrong, truth)


X = np.ones((1, 2, 6, 6))

BAD = [
    ("order negative", lambda: convlab.blur_pool2d(X, -1), ValueError, r"order must be a non-negative int; got -1"),
    ("order float", lambda: convlab.blur_pool2d(X, 2.0), TypeError, r"order must be a non-negative int"),
    ("ndim zero", lambda: convlab.binomial_filter(2, 0), ValueError, r"ndim must be a positive int; got 0"),
    ("stride zero", lambda: convlab.blur_pool2d(X, 2, 0), ValueError, r"stride"),
    ("x wrong ndim", lambda: convlab.blur_pool2d(np.ones(6)), ValueError,
     r"x must have shape \(N, C, \*spatial\) or \(C, \*spatial\) with 4 or 3 dimensions"),
    ("x not numeric", lambda: convlab.blur_pool1d("signal"), TypeError, r"x must be a numeric array"),
    ("no channels", lambda: convlab.blur_pool2d(np.ones((1, 0, 4, 4))), ValueError,
     r"x must have at least one channel"),
    ("padding_mode unknown", lambda: convlab.blur_pool2d(X, padding_mode="mirror"), ValueError, r"padding_mode"),
    ("reflect too wide", lambda: convlab.blur_pool1d(np.ones((1, 1, 2)), 4), ValueError,
     r"padding_mode='reflect' needs padding at most 1"),
    ("grad_output wrong shape", lambda: convlab.blur_pool2d_backward(np.ones((1, 2, 2, 2)), X.shape), ValueError,
     r"grad_output must have the shape of the blur pool's output \(1, 2, 3, 3\); got \(1, 2, 2, 2\)"),
    ("input_size wrong length", lambda: convlab.blur_pool2d_backward(np.ones((1, 2, 3)), (6,)),
     ValueError, r"input_size must be \(N, C, \*spatial\) or \(C, \*spatial\) with 4 or 3 entries"),
    ("max kernel zero", lambda: convlab.max_blur_pool2d(X, 0), ValueError, r"kernel_size"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_input_is_refused_with_a_clear_message(case):
    _, call, exc, pattern = case
    with pytest.raises(exc, match=pattern):
        call()
