"""Chapter 3's conventions and merge checks, shown to catch what the expert read found.

* Row 7: at a padding of one sample, ``symmetric`` and ``replicate`` pad alike, so a check of
  ``scipy.ndimage``'s names with three taps cannot tell ``reflect`` from ``nearest``; with five taps
  (padding 2) it can.
* Row 5: SciPy's ``correlate2d`` puts an even kernel's extra zero after (as PyTorch), its
  ``correlate`` and ``convolve2d`` before (as NumPy).
* Row 4: running the layer against ``numpy.pad`` catches a padding that has the right total but the
  wrong sides, which the symbolic output size cannot.
* Merging: two even kernels with ``same`` padding differ everywhere, not only at the borders; with
  ``full`` padding, biases do not merge.
"""

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal

import convlab

RNG = np.random.default_rng(321)
SIG = RNG.standard_normal(40)
NAMES = {"reflect": "symmetric", "mirror": "reflect", "nearest": "replicate", "wrap": "circular"}


def layer(x, kern, bias=None, **options):
    beta = None if bias is None else np.array([bias])
    return convlab.conv1d(x[None], kern[None, None], beta, **options)[0]


def ndimage_modes_matching(name, taps):
    p = len(taps) // 2
    theirs = scipy.ndimage.correlate1d(SIG, taps, mode=name)
    return [m for m in NAMES.values() if np.allclose(layer(SIG, taps, padding=p, padding_mode=m), theirs)]


@pytest.mark.parametrize("name", ["reflect", "nearest"])
def test_three_taps_cannot_tell_reflect_from_nearest(name):
    assert ndimage_modes_matching(name, np.array([3.0, -1.0, 0.5])) == ["symmetric", "replicate"]


@pytest.mark.parametrize("name, mode", list(NAMES.items()))
def test_five_taps_name_one_fill_each(name, mode):
    assert ndimage_modes_matching(name, np.array([3.0, -1.0, 0.5, 2.0, 1.0])) == [mode]


def split_of(reference, kern):
    return [
        (lo, len(kern) - 1 - lo)
        for lo in range(len(kern))
        if np.allclose(layer(SIG, kern, padding=((lo, len(kern) - 1 - lo),)), reference)
    ]


@pytest.mark.parametrize("k", [2, 4, 6])
def test_scipy_correlate2d_puts_the_extra_zero_after(k):
    kern = np.arange(1.0, k + 1)
    before = [(k // 2, k // 2 - 1)]
    after = [(k // 2 - 1, k // 2)]
    assert split_of(scipy.signal.correlate(SIG, kern, "same"), kern) == before
    assert split_of(scipy.signal.correlate2d(SIG[None], kern[None], "same")[0], kern) == after
    assert split_of(scipy.signal.convolve2d(SIG[None], kern[None], "same")[0], kern[::-1]) == before
    assert split_of(layer(SIG, kern, padding="same"), kern) == after


def test_running_the_layer_catches_padding_on_the_wrong_side():
    ker, p = np.array([3.0, -1.0, 0.5, 2.0]), 2
    right = np.correlate(np.pad(SIG, (p, p)), ker)
    one_sided = np.correlate(np.pad(SIG, (2 * p, 0)), ker)  # same total, same length
    assert len(one_sided) == len(right) == convlab.output_size(len(SIG), len(ker), padding=p)
    assert np.allclose(layer(SIG, ker, padding=p), right)
    assert not np.allclose(one_sided, right)


def same_pair_gap(u, v):
    two = layer(layer(SIG, u, padding="same"), v, padding="same")
    one = layer(SIG, convlab.convolve(u, v), padding="same")
    return np.flatnonzero(np.abs(one - two) > 1e-9)


def test_same_pair_with_an_odd_kernel_differs_only_at_the_borders():
    gap = same_pair_gap(np.array([1.0, 2.0, 0.0, -1.0]), np.array([0.5, -1.0, 0.25]))
    assert gap.tolist() == [0, len(SIG) - 1]


@pytest.mark.parametrize("ku, kv", [(2, 2), (2, 4), (4, 4)])
def test_same_pair_of_even_kernels_differs_beyond_the_borders(ku, kv):
    u, v = RNG.standard_normal(ku), RNG.standard_normal(kv)
    assert len(same_pair_gap(u, v)) > len(SIG) - kv


def test_biases_merge_in_valid_layers_but_not_with_full_padding():
    u, v, bu, bv = np.array([1.0, 2.0, 0.0, -1.0]), np.array([0.5, -1.0, 0.25]), 0.3, -0.7
    merged, bias = convlab.convolve(u, v), bu * v.sum() + bv
    assert np.allclose(layer(layer(SIG, u, bu), v, bv), layer(SIG, merged, bias))
    two_full = layer(layer(SIG, u, bu, padding=3), v, bv, padding=2)
    assert not np.allclose(two_full, layer(SIG, merged, bias, padding=5))
    assert np.allclose(two_full[2:-2], layer(SIG, merged, bias, padding=5)[2:-2])
