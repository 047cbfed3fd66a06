"""Tests for convlab.viz.flip."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

import convlab  # noqa: E402
from convlab.viz import colors, compare_kernels, flip_comparison, pairing_diagram  # noqa: E402
from convlab.viz.flip import _pairs  # noqa: E402

# --------------------------------------------------------------------------
# pairing_diagram
# --------------------------------------------------------------------------


def test_pairs_are_parallel_for_correlation_and_crossed_for_convolution():
    assert _pairs("correlate", 6, 3, 1) == [(1, 0), (2, 1), (3, 2)]
    assert _pairs("convolve", 6, 3, 1) == [(1, 2), (2, 1), (3, 0)]


def test_pairing_diagram_draws_one_link_per_product():
    fig = pairing_diagram(6, 4, index=2)
    assert len(fig.axes) == 2
    assert [len(ax.lines) for ax in fig.axes] == [4, 4]
    corr, convo = fig.axes
    # correlation links are vertical; with an even k no convolution link is
    assert all(line.get_xdata()[0] == line.get_xdata()[1] for line in corr.lines)
    assert sum(line.get_xdata()[0] == line.get_xdata()[1] for line in convo.lines) == 0
    assert corr.get_title().startswith("cross-correlation") and convo.get_title().startswith("convolution")


def test_pairing_diagram_titles_are_convlab_formulas():
    import sympy

    from convlab.symbolic import symbols_array

    # start=1: the formula's subscripts, as SymPy writes convlab's result
    fig = pairing_diagram(7, 3, index=2, start=1)
    x, w = symbols_array("x", 7), symbols_array("w", 3)
    corr, convo = fig.axes
    assert corr.get_title() == f"cross-correlation: $y_{{3}} = {sympy.latex(convlab.correlate(x, w)[2])}$"
    assert convo.get_title() == f"convolution: $z_{{3}} = {sympy.latex(convlab.convolve(x, w, 'valid')[2])}$"
    labels = [t.get_text() for t in corr.texts]
    assert labels[0] == "$x_{1}$" and labels[7] == "$w_{1}$"


def test_pairing_diagram_labels_code_indices_by_default():
    fig = pairing_diagram(7, 3, index=2)
    corr, convo = fig.axes
    # output 2 (from 0) of the valid results: x[2..4] under w[0..2], parallel or crossed
    assert corr.get_title() == r"cross-correlation: $y[2] = w[0]\,x[2] + w[1]\,x[3] + w[2]\,x[4]$"
    assert convo.get_title() == r"convolution: $z[2] = w[0]\,x[4] + w[1]\,x[3] + w[2]\,x[2]$"
    labels = [t.get_text() for t in corr.texts]
    assert labels[:7] == [f"$x[{m}]$" for m in range(7)] and labels[7:] == ["$w[0]$", "$w[1]$", "$w[2]$"]


def test_pairing_diagram_default_index_and_k_equal_n():
    assert [len(ax.lines) for ax in pairing_diagram(3, 3).axes] == [3, 3]
    assert [len(ax.lines) for ax in pairing_diagram(1, 1).axes] == [1, 1]


@pytest.mark.parametrize(
    "args, kwargs, exc, match",
    [
        ((5, 6), {}, ValueError, r"need 1 <= k <= n <= 12; got n=5 and k=6"),
        ((13, 3), {}, ValueError, "need 1 <= k <= n <= 12"),
        ((5, 0), {}, ValueError, "k must be a positive int; got 0"),
        ((5.0, 3), {}, TypeError, "n must be a positive int; got 5.0 of type float"),
        ((5, True), {}, TypeError, "k must be a positive int; got True of type bool"),
        ((5, 3), {"index": 3}, ValueError, r"index must be a valid-mode output in 0\.\.2; got 3"),
        ((5, 3), {"index": -1}, ValueError, "index must be a non-negative int; got -1"),
        ((5, 3), {"index": 1.0}, TypeError, "index must be a non-negative int"),
        ((5, 3), {"start": 2}, ValueError, "start must be 0 or 1; got 2"),
        ((5, 3), {"start": True}, TypeError, "start must be a non-negative int; got True"),
    ],
)
def test_pairing_diagram_errors(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        pairing_diagram(*args, **kwargs)


# --------------------------------------------------------------------------
# flip_comparison
# --------------------------------------------------------------------------


def test_flip_comparison_panels_show_convlab_results():
    image = np.arange(30.0).reshape(5, 6) % 7
    kernel = np.array([[1.0, 0.0], [2.0, -1.0]])
    fig = flip_comparison(image, kernel)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["kernel $w$", "flipped $w$", "correlate(image, $w$)", "convolve(image, $w$)"]
    shown = [ax.get_images()[0].get_array() for ax in fig.axes]
    np.testing.assert_array_equal(shown[0], kernel)
    np.testing.assert_array_equal(shown[1], kernel[::-1, ::-1])
    np.testing.assert_allclose(shown[2], convlab.correlate(image, kernel, "same"))
    np.testing.assert_allclose(shown[3], convlab.convolve(image, kernel, "same"))
    # both results on one grey scale
    assert shown and fig.axes[2].get_images()[0].get_clim() == fig.axes[3].get_images()[0].get_clim()
    # the kernel's values are written on it
    assert sorted(t.get_text() for t in fig.axes[0].texts) == sorted(["1", "0", "2", "−1"])
    # both kernels on the one signed scale of the larger |weight|
    assert fig.axes[0].get_images()[0].get_clim() == fig.axes[1].get_images()[0].get_clim() == (-2.0, 2.0)


def test_flip_comparison_on_grace_hopper_differs():
    image = convlab.data.grace_hopper()[100:160, 200:260]
    kernel = np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
    fig = flip_comparison(image, kernel)
    a, b = (ax.get_images()[0].get_array() for ax in fig.axes[2:])
    assert not np.allclose(a, b)


@pytest.mark.parametrize(
    "image, kernel, exc, match",
    [
        (np.zeros(5), np.ones((2, 2)), ValueError, r"image must be a non-empty 2-D array; got shape \(5,\)"),
        (np.zeros((4, 4)), np.ones(2), ValueError, "kernel must be a non-empty 2-D array"),
        (np.zeros((4, 4)), np.ones((0, 2)), ValueError, "kernel must be a non-empty 2-D array"),
        (np.zeros((4, 4)), np.ones((5, 1)), ValueError, r"kernel of shape \(5, 1\) is larger than the image"),
        (np.zeros((4, 4), complex), np.ones((2, 2)), TypeError, "image must be a real numeric array"),
        ([["a"]], np.ones((1, 1)), TypeError, "image must be a real numeric array"),
    ],
)
def test_flip_comparison_errors(image, kernel, exc, match):
    with pytest.raises(exc, match=match):
        flip_comparison(image, kernel)


def test_flip_comparison_passes_method():
    with pytest.raises(ValueError, match="method must be one of"):
        flip_comparison(np.zeros((4, 4)), np.ones((2, 2)), method="magic")


# --------------------------------------------------------------------------
# compare_kernels
# --------------------------------------------------------------------------


def test_compare_kernels_draws_every_tap():
    fig = compare_kernels({"w": [1, -2, 3], "flipped": np.array([3.0, -2.0, 1.0])}, title="taps")
    ax = fig.axes[0]
    assert ax.get_title() == "taps"
    heights = [p.get_height() for p in ax.patches]
    assert heights == [1, -2, 3, 3, -2, 1]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2"]
    assert ax.get_xlabel() == "tap (code index, from 0)"
    assert [to_hex(p.get_facecolor()) for p in ax.patches] == [colors(2)[0]] * 3 + [colors(2)[1]] * 3


@pytest.mark.parametrize(
    "kernels, exc, match",
    [
        ({}, ValueError, "kernels must hold 1 to 6 kernels to compare; got 0"),
        ([[1, 2]], TypeError, "kernels must be a mapping of label -> 1-D kernel; got list"),
        ({"a": [1, 2], "b": [1, 2, 3]}, ValueError, r"same length; got lengths \[2, 3\]"),
        ({str(i): [1] for i in range(7)}, ValueError, "kernels must hold 1 to 6 kernels to compare; got 7"),
        ({"a": [[1, 2]]}, ValueError, "kernel 'a' must be a non-empty 1-D array"),
        ({"a": [1j]}, TypeError, "kernel 'a' must be a real numeric array"),
    ],
)
def test_compare_kernels_errors(kernels, exc, match):
    with pytest.raises(exc, match=match):
        compare_kernels(kernels)


def test_compare_kernels_start():
    ax = compare_kernels({"w": [1, 2]}, start=1).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2"]
    assert ax.get_xlabel() == "tap $a$"
    with pytest.raises(ValueError, match="start must be 0 or 1; got 2"):
        compare_kernels({"w": [1, 2]}, start=2)
