"""Checks of chapters 4 and 5 (issue 21): each shown to catch a deliberately wrong version."""

import matplotlib
import numpy as np
import pytest

import convlab
from convlab.viz import channels, fields

matplotlib.use("Agg")


# chapter 4: the filter bank's colour scales ---------------------------------------------------------------

def test_filter_bank_scale_per_filter_or_shared():
    w = np.stack([np.full((2, 3, 3), 0.05), np.full((2, 3, 3), -2.0)])
    per_filter = channels.filter_bank(w, filter_names=["small", "large"], scale="filter")
    assert [per_filter.axes[i].get_images()[0].get_clim() for i in (0, 2)] == [(-0.05, 0.05), (-2.0, 2.0)]
    assert per_filter.axes[0].get_ylabel() == "small\nscale ±0.05"
    shared = channels.filter_bank(w, filter_names=["small", "large"])
    assert {ax.get_images()[0].get_clim() for ax in shared.axes} == {(-2.0, 2.0)}


@pytest.mark.parametrize("scale,exc", [("row", ValueError), (1, TypeError)])
def test_filter_bank_scale_errors(scale, exc):
    with pytest.raises(exc, match="scale must be"):
        channels.filter_bank(np.ones((1, 1, 3, 3)), scale=scale)


# chapter 4: the orientation filters are the flipped derivative --------------------------------------------

def _orientation(theta, sigma=1.5):
    xi, eta = np.meshgrid(np.arange(-3, 4), np.arange(-3, 4))
    gauss = np.exp(-(xi**2 + eta**2) / (2 * sigma**2))
    along = xi * np.cos(theta) - eta * np.sin(theta)
    return along * gauss, -along * gauss / sigma**2       # w_theta and D_theta g


def _differentiates(kernel, image):
    # correlating with a kernel that differentiates along theta = 0 gives a positive
    # response on a ramp brighter to the right
    return convlab.correlate(image, kernel)[0, 0] > 0


def test_orientation_filter_is_flipped_derivative_and_check_catches_unflipped():
    ramp = np.tile(np.arange(9.0), (9, 1))
    w, dg = _orientation(0.0)
    assert np.corrcoef(w.ravel(), dg[::-1, ::-1].ravel())[0, 1] > 0.999
    assert _differentiates(w, ramp)
    # the unflipped derivative, correlated, gives the opposite sign: the check fails it
    assert np.corrcoef(dg.ravel(), dg[::-1, ::-1].ravel())[0, 1] < -0.999
    assert not _differentiates(dg, ramp)


# chapter 4: ex-04-4's classification by channel counts ----------------------------------------------------

def _buggy(x, w):
    c_out, _, kh, kw = w.shape
    h_out, w_out = x.shape[2] - kh + 1, x.shape[3] - kw + 1
    y = np.zeros((x.shape[0], c_out, h_out, w_out))
    for a, b in np.ndindex(kh, kw):
        y += np.einsum("nchw,co->nohw", x[:, :, a:a + h_out, b:b + w_out], w[:, :, a, b])
    return y


@pytest.mark.parametrize("c_in,c_out,kind", [(1, 1, "right"), (1, 3, "wrong"), (2, 2, "wrong"),
                                             (3, 1, "crash"), (2, 3, "crash")])
def test_buggy_conv2d_kinds(c_in, c_out, kind):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, c_in, 5, 5)), rng.standard_normal((c_out, c_in, 2, 2))
    if kind == "crash":
        with pytest.raises(ValueError):
            _buggy(x, w)
        return
    agree = np.allclose(_buggy(x, w), convlab.conv2d(x, w))
    assert agree == (kind == "right")


# chapter 5: the path-count figure --------------------------------------------------------------------------

def test_path_counts_white_background_single_paths_coloured():
    fig = fields.path_counts([np.array([[0.0, 1.0], [3.0, 0.0]])], titles=["t"])
    image = fig.axes[0].get_images()[0]
    assert image.get_clim() == (0.5, 3.0)
    rgba = image.to_rgba(image.get_array())
    assert tuple(rgba[0, 0]) == (1.0, 1.0, 1.0, 1.0)      # no path: white
    assert rgba[0, 1, :3].sum() < 1.5                       # one path: dark, visible on white


def test_path_counts_refuses_negative():
    with pytest.raises(ValueError, match="path counts"):
        fields.path_counts([np.array([[-1.0]])])


# chapter 5: which pixels differ between shift-then-blur and blur-then-shift --------------------------------

def _shift(image, dy, dx):
    out = np.zeros_like(image)
    out[dy:, dx:] = image[: image.shape[0] - dy, : image.shape[1] - dx]
    return out


def _blur(image, k):
    return convlab.conv2d(image[None], np.full((1, 1, k, k), 1 / k**2), padding="same")[0]


def test_band_prediction_matches_and_the_straddle_rule_overclaims():
    rng = np.random.default_rng(1)
    image, dy, dx, k = rng.uniform(0.1, 1.0, (40, 36)), 6, 8, 5
    differs = ~np.isclose(_blur(_shift(image, dy, dx), k) - _shift(_blur(image, k), dy, dx), 0)
    ones = _shift(np.ones_like(image), dy, dx)
    leaks = (ones == 0) & (_blur(ones, k) > 1e-12)
    leaving = np.zeros_like(image)
    leaving[-dy:, :] = 1
    leaving[:, -dx:] = 1
    lost = _shift(_blur(leaving, k), dy, dx) > 1e-12
    assert np.array_equal(differs, leaks | lost)
    # the old claim: every pixel whose window straddles an edge differs (5 rows either side)
    coverage = _blur(ones, k)
    straddles = (coverage > 1e-9) & (coverage < 1 - 1e-9)
    assert (straddles & ~differs).any()                     # pixels just past the band agree
    rows = np.flatnonzero(differs[:, 20])
    assert rows.tolist() == [*range(dy - k // 2, dy), *range(40 - k // 2, 40)]


# chapter 5: ex-05-5, the hole-free optimum -----------------------------------------------------------------

def _paths(dilations):
    counts = np.ones(1)
    for d in dilations:
        tap = np.zeros(2 * d + 1)
        tap[::d] = 1
        counts = np.convolve(counts, tap)
    return counts


def test_powers_of_three_reach_every_input_once_doubling_does_not():
    once = _paths([1, 3, 9, 27, 81])
    assert len(once) == 243 and np.all(once == 1)
    assert convlab.receptive.receptive_field([(3, 1, 3**l) for l in range(5)]).size == 243
    doubling = _paths([1, 2, 4, 8, 16, 32])
    assert len(doubling) == 127 and doubling.min() == 1 and doubling.max() > 1
    # a schedule with a hole is caught by the same count
    assert (_paths([2, 2]) == 0).any()
