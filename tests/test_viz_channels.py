"""Figures of multi-channel convolution: they draw what convlab computes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from convlab.viz import PALETTE, channels, colors  # noqa: E402


def test_conv_shapes_labels_and_output_shape():
    fig = channels.conv_shapes((3, 8, 8), (4, 3, 3, 3), stride=2, padding=1, highlight=2)
    assert isinstance(fig, Figure)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("(3, 8, 8)" in t for t in texts)
    assert any("(4, 3, 3, 3)" in t for t in texts)
    assert any("(4, 4, 4)" in t for t in texts)          # (8 + 2 - 3)//2 + 1 = 4
    faces = [p.get_facecolor()[:3] for p in fig.axes[0].patches]
    red = matplotlib.colors.to_rgb(PALETTE["highlight"])
    assert sum(np.allclose(f, red) for f in faces) == 2   # one filter, one output channel


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(x_shape=(3, 8), w_shape=(4, 3, 3, 3)), ValueError, "x_shape must be a tuple of 3 positive ints"),
    (dict(x_shape=(3, 8, 8), w_shape=(4, 2, 3, 3)), ValueError, r"w_shape\[1\] must equal the input channels C_in=3"),
    (dict(x_shape=(3, 8, 8), w_shape=(4, 3, 3, 0)), ValueError, "w_shape must be a tuple of 4 positive ints"),
    (dict(x_shape=(3, 8.0, 8), w_shape=(4, 3, 3, 3)), TypeError, "x_shape must be a tuple of 3 positive ints; got 8.0"),
    (dict(x_shape=(3, 8, 8), w_shape=(4, 3, 3, 3), highlight=4), ValueError, r"highlight must be a filter index in 0..3"),
    (dict(x_shape=(3, 8, 8), w_shape=(4, 3, 3, 3), highlight="1"), TypeError, "highlight must be a non-negative int"),
    (dict(x_shape=(3, 2, 2), w_shape=(4, 3, 3, 3)), ValueError, "kernel too large"),
])
def test_conv_shapes_errors(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        channels.conv_shapes(**kwargs)


def test_rgb_channels_shows_each_channel():
    img = np.random.default_rng(0).random((3, 5, 6))
    fig = channels.rgb_channels(img)
    shown = [ax.get_images()[0].get_array() for ax in fig.axes]
    np.testing.assert_allclose(shown[0], img.transpose(1, 2, 0))
    for c in range(3):
        np.testing.assert_allclose(shown[c + 1], img[c])
    with pytest.raises(ValueError, match=r"image must have shape \(3, H, W\)"):
        channels.rgb_channels(np.zeros((4, 5, 6)))
    with pytest.raises(ValueError, match="image must be a non-empty 3-D array"):
        channels.rgb_channels(np.zeros((5, 6)))
    with pytest.raises(TypeError, match="width must be a real number"):
        channels.rgb_channels(img, width="8")


def test_channel_cmap_ends():
    cm = channels.channel_cmap("#00ff00")
    assert cm(0.0)[:3] == (0.0, 0.0, 0.0) and cm(1.0)[:3] == (0.0, 1.0, 0.0)


@pytest.mark.parametrize("c_in,c_out,groups", [(4, 4, 1), (4, 6, 2), (6, 3, 3), (5, 5, 5)])
def test_connectivity_is_block_diagonal(c_in, c_out, groups):
    mat = channels.connectivity(c_in, c_out, groups)
    expected = np.kron(np.eye(groups, dtype=bool), np.ones((c_out // groups, c_in // groups), dtype=bool))
    np.testing.assert_array_equal(mat, expected)


def test_connectivity_errors():
    with pytest.raises(ValueError, match="groups must be a positive int; got 0"):
        channels.connectivity(4, 4, 0)
    with pytest.raises(TypeError, match="c_in must be a positive int; got 4.0 of type float"):
        channels.connectivity(4.0, 4)
    with pytest.raises(ValueError, match="groups=3 must divide the input channels C_in=4"):
        channels.connectivity(4, 6, 3)


def test_group_connectivity_draws_one_line_per_connection():
    fig = channels.group_connectivity(4, 6, groups=[1, 2])
    assert [len(ax.get_lines()) for ax in fig.axes] == [24, 12]
    assert fig.axes[1].get_title() == "groups = 2\nweight (6, 2, k, k)"
    assert len(channels.group_connectivity(3, 3, groups=3).axes) == 1
    with pytest.raises(ValueError, match="non-empty sequence"):
        channels.group_connectivity(4, 4, groups=[])
    with pytest.raises(TypeError, match="groups must be a positive int or a sequence of them; got float"):
        channels.group_connectivity(4, 4, groups=2.0)
    with pytest.raises(TypeError, match="groups must be a positive int; got 2.0"):
        channels.group_connectivity(4, 4, groups=[1, 2.0])
    # lines are coloured by group, from the one colour cycle
    groups = {line.get_color() for line in fig.axes[1].get_lines()}
    assert groups == set(colors(2))


def test_filter_bank_grid_labels_and_shared_scale():
    w = np.arange(2 * 3 * 2 * 2, dtype=float).reshape(2, 3, 2, 2) - 5
    fig = channels.filter_bank(w, filter_names=["f1", "f2"], channel_names=["R", "G", "B"])
    assert len(fig.axes) == 6
    assert [ax.get_title() for ax in fig.axes[:3]] == ["R", "G", "B"]
    assert [fig.axes[i].get_ylabel() for i in (0, 3)] == ["f1", "f2"]
    assert {ax.get_images()[0].get_clim() for ax in fig.axes} == {(-18.0, 18.0)}
    np.testing.assert_array_equal(fig.axes[5].get_images()[0].get_array(), w[1, 2])
    assert [t.get_text() for t in fig.axes[0].texts] == ["−5", "−4", "−3", "−2"]
    assert fig.axes[0].texts[0].get_color() == "black" and fig.axes[5].texts[-1].get_color() == "white"
    assert not channels.filter_bank(np.ones((1, 1, 5, 5))).axes[0].texts
    # panels are sized so that the written weights fit their cells
    wide = channels.filter_bank(np.full((1, 1, 3, 3), -0.123))
    assert wide.get_size_inches()[0] > channels.filter_bank(np.ones((1, 1, 3, 3))).get_size_inches()[0]


@pytest.mark.parametrize("w,kwargs,exc,match", [
    (np.ones((2, 3, 3)), {}, ValueError, r"w must be a non-empty 4-D array; got shape \(2, 3, 3\)"),
    (np.ones((2, 0, 3, 3)), {}, ValueError, "w must be a non-empty 4-D array"),
    (np.ones((2, 3, 3, 3), dtype=complex), {}, TypeError, "w must be a real numeric array"),
    (np.ones((2, 3, 3, 3)), dict(cell=-1), ValueError, "cell must be > 0"),
    (np.ones((2, 3, 3, 3)), dict(filter_names=["a"]), ValueError, r"filter_names must have one entry per filter \(2\)"),
    (np.ones((2, 3, 3, 3)), dict(channel_names=["a"]), ValueError, r"channel_names must have one entry per channel \(3\)"),
])
def test_filter_bank_errors(w, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        channels.filter_bank(w, **kwargs)


def test_channel_sum_draws_the_maps_convlab_adds():
    import convlab

    x = np.arange(18.0).reshape(2, 3, 3) - 6
    w = np.array([[[1.0, 0.0], [0.0, -1.0]], [[0.0, 2.0], [-1.0, 0.0]]])
    fig = channels.channel_sum(x, w, bias=0.5)
    images = [ax.get_images()[0].get_array() for ax in fig.axes if ax.get_images()]
    assert len(images) == 7                                  # per channel: input, slice, map; the output
    for c in range(2):
        np.testing.assert_array_equal(images[3 * c], x[c])
        np.testing.assert_array_equal(images[3 * c + 1], w[c])
        np.testing.assert_allclose(images[3 * c + 2], convlab.correlate(x[c], w[c]))
    np.testing.assert_allclose(images[-1], convlab.conv2d(x[None], w[None], np.array([0.5]))[0, 0])
    np.testing.assert_allclose(images[-1], images[2] + images[5] + 0.5)
    assert any("bias 0.5" in t.get_text() for ax in fig.axes for t in ax.texts)
    assert fig.get_size_inches()[0] <= 6.7


@pytest.mark.parametrize("args,kwargs,exc,match", [
    ((np.zeros((2, 3, 3)), np.zeros((3, 2, 2))), {}, ValueError, r"one slice per input channel, w.shape\[0\] = C_in = 2"),
    ((np.zeros((3, 3)), np.zeros((1, 2, 2))), {}, ValueError, r"x must be a non-empty 3-D array"),
    ((np.zeros((1, 3, 3)), np.zeros((1, 4, 2))), {}, ValueError, r"the slices \(4, 2\) must fit"),
    ((np.zeros((1, 3, 3)), np.zeros((1, 2, 2))), dict(bias="1"), TypeError, r"bias must be a real number"),
    ((np.zeros((1, 3, 3)), np.zeros((1, 2, 2))), dict(cell=0), ValueError, r"cell must be > 0"),
])
def test_channel_sum_errors(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        channels.channel_sum(*args, **kwargs)
