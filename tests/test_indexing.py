"""convlab.indexing: index maps agree with a brute-force reading of the formula."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import convlab
from convlab.indexing import IndexMap, index_map


def brute_force(input_shape, kernel_shape, stride, pads, dilation):
    """Padded coordinates ``o*s + t*d`` for every output o and tap t, by plain loops."""
    out = tuple((n + lo + hi - d * (k - 1) - 1) // s + 1
                for n, k, s, (lo, hi), d in zip(input_shape, kernel_shape, stride, pads, dilation))
    nd = len(input_shape)
    result = np.zeros((*out, *kernel_shape, nd), dtype=np.int64)
    for o in itertools.product(*map(range, out)):
        for t in itertools.product(*map(range, kernel_shape)):
            result[o + t] = [o[a] * stride[a] + t[a] * dilation[a] for a in range(nd)]
    return result


CASES_2D = [
    # input, kernel, stride, padding, dilation, expected (before, after) pairs
    ((4, 4), (3, 3), 1, 0, 1, ((0, 0), (0, 0))),
    ((5, 5), (3, 3), 1, 1, 1, ((1, 1), (1, 1))),
    ((5, 5), (4, 4), 1, "same", 1, ((1, 2), (1, 2))),
    ((5, 5), (3, 3), 1, "full", 1, ((2, 2), (2, 2))),
    ((5, 5), (3, 3), 2, 1, 1, ((1, 1), (1, 1))),
    ((7, 7), (3, 3), 1, 0, 2, ((0, 0), (0, 0))),
    ((6, 5), (2, 3), (2, 1), ((0, 1), 2), (1, 2), ((0, 1), (2, 2))),
    ((5, 6), (3, 2), 1, "same", (2, 3), ((2, 2), (1, 2))),
    ((3, 8), (1, 3), (1, 3), "valid", 1, ((0, 0), (0, 0))),
    ((4, 4), (4, 4), 1, "full", 1, ((3, 3), (3, 3))),
]


@pytest.mark.parametrize("method", ["im2col", "loop"])
@pytest.mark.parametrize("shape, kernel, stride, padding, dilation, pads", CASES_2D)
def test_matches_brute_force_2d(shape, kernel, stride, padding, dilation, pads, method):
    m = index_map(shape, kernel, stride=stride, padding=padding, dilation=dilation, method=method)
    st = stride if isinstance(stride, tuple) else (stride,) * 2
    di = dilation if isinstance(dilation, tuple) else (dilation,) * 2
    assert m.padding == pads
    assert m.stride == st and m.dilation == di
    assert m.padded_shape == tuple(n + lo + hi for n, (lo, hi) in zip(shape, pads))
    expected = brute_force(shape, kernel, st, pads, di)
    assert m.indices.dtype == np.int64
    np.testing.assert_array_equal(m.indices, expected)
    x = np.zeros((1, 1, *shape))
    w = np.zeros((1, 1, *kernel))
    y = convlab.conv2d(x, w, stride=stride, padding=padding, dilation=dilation)
    assert m.output_shape == y.shape[2:]


@pytest.mark.parametrize("n, k, s, p, d", [(1, 1, 1, 0, 1), (7, 3, 2, 2, 1), (9, 2, 3, 1, 3),
                                           (6, 4, 1, "same", 1), (5, 2, 1, "full", 2)])
def test_matches_brute_force_1d(n, k, s, p, d):
    m = index_map(n, k, stride=s, padding=p, dilation=d)
    np.testing.assert_array_equal(m.indices, brute_force((n,), (k,), (s,), m.padding, (d,)))
    assert m.ndim == 1


def test_matches_brute_force_3d():
    m = index_map((4, 5, 3), (2, 3, 1), stride=(1, 2, 1), padding=(1, 0, (0, 2)), dilation=(2, 1, 1))
    assert m.padding == ((1, 1), (0, 0), (0, 2))
    np.testing.assert_array_equal(
        m.indices, brute_force((4, 5, 3), (2, 3, 1), (1, 2, 1), m.padding, (2, 1, 1)))


def test_every_read_is_what_conv2d_computes():
    """Gathering the input at the map's positions and weighting reproduces conv2d."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 7))
    w = rng.standard_normal((3, 2))
    m = index_map(x.shape, w.shape, stride=2, padding=(2, 1), dilation=(1, 2))
    xp = np.zeros(m.padded_shape)
    xp[~m.padding_mask()] = x.ravel()
    gathered = xp[m.indices[..., 0], m.indices[..., 1]]          # (*out, *k)
    y = np.einsum("ijab,ab->ij", gathered, w)
    expected = convlab.conv2d(x[None, None], w[None, None], stride=2, padding=(2, 1), dilation=(1, 2))
    np.testing.assert_allclose(y, expected[0, 0])


def test_footprint_padding_mask_and_coverage():
    m = index_map((3, 3), (3, 3), padding=1)
    assert isinstance(m, IndexMap)
    fp = m.footprint((0, 0))
    assert fp.shape == (9, 2)
    assert fp.tolist()[:4] == [[0, 0], [0, 1], [0, 2], [1, 0]]
    assert m.footprint([2, 2]).tolist()[-1] == [4, 4]
    mask = m.padding_mask()
    assert mask.shape == (5, 5) and mask.sum() == 25 - 9 and not mask[1:4, 1:4].any()
    cov = m.coverage()
    brute = np.zeros((5, 5), dtype=int)
    for i, j in itertools.product(range(3), range(3)):
        for r, c in m.footprint((i, j)):
            brute[r, c] += 1
    np.testing.assert_array_equal(cov, brute)
    assert cov.sum() == 9 * 9 and cov[2, 2] == 9 and cov[0, 0] == 1


def test_coverage_zero_where_stride_skips():
    cov = index_map(10, 2, stride=4).coverage()
    assert cov.tolist() == [1, 1, 0, 0, 1, 1, 0, 0, 1, 1]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(input_shape=(4, "a"), kernel_shape=(2, 2)), TypeError, "input_shape must be a positive int"),
    (dict(input_shape=(), kernel_shape=(2, 2)), ValueError, r"input_shape must be a positive int or a non-empty tuple of positive ints; got \(\)"),
    (dict(input_shape=(4, 0), kernel_shape=(2, 2)), ValueError, "input_shape must be a positive"),
    (dict(input_shape=(4, 4), kernel_shape=True), TypeError, "kernel_shape must be a positive int"),
    (dict(input_shape=(4, 4), kernel_shape=3), ValueError, "same number of axes"),
    (dict(input_shape=(4,) * 4, kernel_shape=(1,) * 4), ValueError, "1, 2 or 3 spatial axes"),
    (dict(input_shape=(4, 4), kernel_shape=(2, 2), method="fft"), ValueError, "method must be"),
    (dict(input_shape=(4, 4), kernel_shape=(5, 2)), ValueError, "kernel too large"),
    (dict(input_shape=(4, 4), kernel_shape=(2, 2), stride=0), ValueError, "stride must be"),
    (dict(input_shape=(4, 4), kernel_shape=(2, 2), dilation=(1, 2, 3)), ValueError, "dilation must be"),
    (dict(input_shape=(4, 4), kernel_shape=(2, 2), padding=-1), ValueError, "padding must be"),
    (dict(input_shape=(4, 4), kernel_shape=(2, 2), padding="half"), ValueError, "padding must be one of"),
    (dict(input_shape=(4, 4), kernel_shape=(3, 3), padding="same", stride=2), ValueError,
     "needs stride 1"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        index_map(**kwargs)


def test_bad_footprint_index():
    m = index_map((4, 4), (3, 3))
    with pytest.raises(IndexError, match=r"outside the output of shape \(2, 2\)"):
        m.footprint((2, 0))
    with pytest.raises(TypeError, match="out_index must be a tuple of 2 ints"):
        m.footprint(1)
    with pytest.raises(TypeError, match="out_index must be a tuple of 2 ints"):
        m.footprint((0, 0.5))
