"""The checks chapter 3 makes, shown to catch what they claim to catch.

* Two stacked layers merge into one only under conditions: the chapter's
  comparisons must reject the naive merge after a stride (the second kernel
  must be dilated), any merge across a ReLU, and a `same` pair at its borders.
* The conventions table's rows 11-12 (kernel longer than the signal) against
  NumPy and SciPy themselves, and PyTorch's refusal where it is installed.
* The scattered impulse responses add up to the convolution, not the
  correlation.
"""

import numpy as np
import pytest
import scipy.signal

import convlab
from convlab.symbolic import holds, symbols_array

RNG = np.random.default_rng(21)
X = RNG.standard_normal(120)
U = np.array([1.0, 2.0, 0.0, -1.0])
V = np.array([0.5, -1.0, 0.25])


def layer(x, kern, **options):
    return convlab.conv1d(x[None], kern[None, None], **options)[0]


def dilate(kern, s):
    out = np.zeros(s * (len(kern) - 1) + 1)
    out[::s] = kern
    return out


def merge_right(u, v, s1):
    return convlab.convolve(u, dilate(v, s1))


def merge_naive(u, v, s1):  # the deliberately wrong merge: forgets the stride
    return convlab.convolve(u, v)


def merge_holds(merge, s1, s2=1):
    two = layer(layer(X, U, stride=s1), V, stride=s2)
    one = layer(X, merge(U, V, s1), stride=s1 * s2)
    return one.shape == two.shape and np.allclose(one, two)


@pytest.mark.parametrize("s1, s2", [(1, 1), (2, 1), (2, 3), (3, 2)])
def test_dilated_merge_holds_at_every_stride(s1, s2):
    assert merge_holds(merge_right, s1, s2)


@pytest.mark.parametrize("s1, s2", [(2, 1), (2, 3), (3, 2)])
def test_check_rejects_the_merge_that_forgets_the_stride(s1, s2):
    assert not merge_holds(merge_naive, s1, s2)


def test_no_kernel_merges_across_a_relu():
    def pair(x):
        return layer(np.maximum(layer(x, U), 0.0), V)

    # every single layer is odd, f(-x) = -f(x); the pair is not
    assert np.allclose(layer(-X, merge_right(U, V, 1)), -layer(X, merge_right(U, V, 1)))
    assert not np.allclose(pair(-X), -pair(X))
    assert not np.allclose(pair(X), layer(X, merge_right(U, V, 1)))


def test_same_pair_differs_only_at_the_borders_by_the_replaced_values():
    two = layer(layer(X, U, padding="same"), V, padding="same")
    one = layer(X, convlab.convolve(U, V), padding="same")
    (pb_u, pa_u), (pb_v, pa_v) = convlab.same_padding(len(U)), convlab.same_padding(len(V))
    wider = layer(X, U, padding=((pb_u + pb_v, pa_u + pa_v),))
    replaced = wider.copy()
    replaced[pb_v:pb_v + len(X)] = 0
    gap = one - two
    np.testing.assert_allclose(gap, layer(replaced, V), atol=1e-12)
    assert np.flatnonzero(np.abs(gap) > 1e-12).tolist() == [0, len(X) - 1]
    # full padding in both layers does merge
    two_full = layer(layer(X, U, padding=len(U) - 1), V, padding=len(V) - 1)
    np.testing.assert_allclose(two_full, layer(X, convlab.convolve(U, V), padding=len(U) + len(V) - 2))


# kernel longer than the signal (rows 11 and 12)
SHORT, LONG = np.array([1.0, 2.0, 3.0]), 10.0 ** np.arange(5)


@pytest.mark.parametrize("lib", [np, scipy.signal])
@pytest.mark.parametrize("op", ["convolve", "correlate"])
def test_valid_with_a_longer_kernel_swaps_the_inputs(lib, op):
    out = getattr(lib, op)(SHORT, LONG, "valid")
    full = getattr(convlab, op)(SHORT, LONG, "full")
    n, k = len(SHORT), len(LONG)
    np.testing.assert_allclose(out, full[n - 1:k])


@pytest.mark.parametrize("op", ["convolve", "correlate"])
def test_same_with_a_longer_kernel_numpy_max_scipy_n_convlab_n(op):
    assert len(getattr(np, op)(SHORT, LONG, "same")) == len(LONG)
    assert len(getattr(scipy.signal, op)(SHORT, LONG, "same")) == len(SHORT)
    np.testing.assert_allclose(getattr(convlab, op)(SHORT, LONG, "same"),
                               getattr(scipy.signal, op)(SHORT, LONG, "same"))


@pytest.mark.parametrize("op", [convlab.convolve, convlab.correlate])
def test_convlab_refuses_valid_with_a_longer_kernel(op):
    with pytest.raises(ValueError, match="kernel too large.*w has size 5 but x has size 3"):
        op(SHORT, LONG, "valid")


def test_pytorch_refuses_a_kernel_longer_than_the_padded_input():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match="Kernel size can't be greater"):
        torch.nn.functional.conv1d(torch.ones(1, 1, 3), torch.ones(1, 1, 5))


def test_scattered_copies_add_up_to_the_convolution_not_the_correlation():
    x, w = symbols_array("x", 4), symbols_array("w", 3)
    scattered = np.zeros(6, dtype=object)
    for m in range(4):
        scattered[m:m + 3] += x[m] * w
    assert holds(scattered, convlab.convolve(x, w, "full"))
    assert not holds(scattered, convlab.correlate(x, w, "full"))
