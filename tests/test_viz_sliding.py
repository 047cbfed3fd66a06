"""convlab.viz.sliding: window pictures drawn from, and checked against, convlab's results."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import convlab  # noqa: E402
from convlab.symbolic import correlation_matrix, symbols_array  # noqa: E402
from convlab.viz import (  # noqa: E402
    PALETTE,
    HTMLAnimation,
    colors,
    draw_window,
    filtered_figure,
    matrix_figure,
    sliding_window_animation,
    sliding_window_figure,
)
from convlab.viz.style import figure  # noqa: E402

X = np.array([2, 0, 1, 3, 1, 0, 2, 4])
W = np.array([1, 2, -1])

LAYER_OPTIONS = [dict(stride=s, padding=p, dilation=d)
                 for s, p, d in itertools.product((1, 2, 3), (0, 1, "same", "full"), (1, 2))
                 if not (p == "same" and s != 1)]


def minus(v) -> str:
    return str(v).replace("-", "\N{MINUS SIGN}")


def rectangles(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


@pytest.mark.parametrize("mode", ["valid", "same", "full"])
@pytest.mark.parametrize("w", [W, np.array([1, -1]), np.array([3])], ids=["k3", "k2", "k1"])
def test_titles_hold_convlab_correlate_values(mode, w):
    y = convlab.correlate(X, w, mode)
    ax = figure().add_subplot()
    for step, value in enumerate(y):
        draw_window(ax, X, w, step, mode=mode)
        assert ax.get_title(loc="left").endswith(f"= {minus(value)}")


@pytest.mark.parametrize("options", LAYER_OPTIONS, ids=str)
def test_titles_hold_convlab_conv1d_values(options):
    y = convlab.conv1d(X[None], W[None, None], **options)[0]
    ax = figure().add_subplot()
    for step, value in enumerate(y):
        draw_window(ax, X, W, step, **options)
        assert ax.get_title(loc="left").endswith(f"= {minus(value)}")


@pytest.mark.parametrize("options", [dict(padding=0), dict(padding=2), dict(padding="full", dilation=2),
                                     dict(padding=(1, 0), stride=2)], ids=str)
def test_cells_drawn_match_padding_kernel_and_output(options):
    padding = options.get("padding")
    options = {**options, "padding": ((1, 0),)} if padding == (1, 0) else options
    y = convlab.conv1d(X[None], W[None, None], **options)[0]
    total = {0: 0, 2: 4, "full": 8, (1, 0): 1}[padding]
    ax = draw_window(figure(6, 3).add_subplot(), X, W, step=len(y) - 1, **options)
    # padded input, kernel, products, output
    assert len(rectangles(ax)) == (len(X) + total) + 2 * len(W) + len(y)


def test_float_values_and_long_kernels():
    w = np.ones(7) / 7
    ax = draw_window(figure(6, 3).add_subplot(), np.arange(9.0), w, step=1, mode="valid")
    assert ax.get_title(loc="left") == "y[1] = 4"      # the sum is not written out for k > 5
    ax = draw_window(figure(6, 3).add_subplot(), [0.5, 1.25], [2.0], step=1, fmt="{:.2f}")
    assert ax.get_title(loc="left") == "y[1] = 1.25·2 = 2.50"


def test_default_steps_are_first_middle_last():
    fig = sliding_window_figure(X, W)
    assert [ax.get_title(loc="left").split(" ")[0] for ax in fig.axes] == ["y[0]", "y[2]", "y[5]"]
    fig = sliding_window_figure([1, 2], [1, 1])
    assert len(fig.axes) == 1


def test_animation_has_one_frame_per_output_and_is_deterministic():
    a = sliding_window_animation(X, W, stride=2, padding=1)
    assert isinstance(a, HTMLAnimation)
    assert a.n_frames == len(convlab.conv1d(X[None], W[None, None], stride=2, padding=1)[0])
    assert a._repr_html_() == sliding_window_animation(X, W, stride=2, padding=1)._repr_html_()
    assert len(a.html) < 1_500_000


def test_filtered_figure_aligns_outputs_at_window_centres():
    x = np.sin(np.arange(50) / 5)
    k = 7
    fig = filtered_figure(x, {"box": np.ones(k) / k, "diff": [1.0, -1.0]}, modes=("valid", "same", "full"),
                          rate=10.0, t0=2.0)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ['mode="valid": 49 samples from 50', 'mode="same": 50 samples from 50',
                      'mode="full": 51 samples from 50']
    valid, same, full = fig.axes
    box_valid = valid.get_lines()[1]
    np.testing.assert_allclose(box_valid.get_ydata(), convlab.correlate(x, np.ones(k) / k))
    np.testing.assert_allclose(box_valid.get_xdata()[0], 2.0 + (k - 1) / 2 / 10)
    box_same = same.get_lines()[1]
    np.testing.assert_allclose(box_same.get_xdata(), 2.0 + np.arange(50) / 10)
    box_full = full.get_lines()[1]
    np.testing.assert_allclose(box_full.get_xdata()[0], 2.0 - (k - 1) / 2 / 10)
    # edge shading only where windows read padding
    assert not valid.patches
    assert len(same.patches) == 2 + 1     # box: both ends; diff (k=2, scipy centring): the start only
    assert fig.axes[-1].get_xlabel() == "time"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["signal", "box", "diff"]
    # the outputs take the colour cycle, leaving the input's colour to the signal
    assert [to_hex(line.get_color()) for line in valid.get_lines()[:3]] == [
        to_hex(PALETTE["input"]), *colors(2, skip=[PALETTE["input"]])]


def test_filtered_figure_separate_panels():
    x = np.cos(np.arange(30) / 3)
    fig = filtered_figure(x, {"a": [1.0, 1.0], "b": [1.0, -1.0]}, modes=("valid", "same"), separate=True,
                          xlabel="time (s)", xlim=(3, 20))
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        'mode="valid": 29 samples from 30 (a)', 'mode="valid": 29 samples from 30 (b)',
        'mode="same": 30 samples from 30 (a)', 'mode="same": 30 samples from 30 (b)']
    assert [len(ax.get_lines()) for ax in fig.axes] == [3, 3, 3, 3]     # signal, output, zero line
    assert fig.axes[-1].get_xlabel() == "time (s)"
    assert fig.axes[0].get_xlim() == (3.0, 20.0)


def test_matrix_figure():
    m = correlation_matrix([1, 2, 1], 6)
    fig = matrix_figure(m, row=1)
    ax = fig.axes[0]
    assert ax.get_title() == "4×6 matrix, 12 non-zeros"
    assert sorted(t.get_text() for t in ax.texts) == sorted(["1", "2", "1"] * 4)
    (outline,) = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert (outline.get_y(), outline.get_width(), outline.get_height()) == (0.5, 6, 1)    # row 1, every column
    assert ax.get_images()[0].get_clim() == (-2.0, 2.0)
    big = matrix_figure(np.eye(20))
    assert not big.axes[0].texts
    crowded = matrix_figure(np.full((12, 12), 0.123456), fmt="{:.4f}")      # values too wide for their cells
    assert not crowded.axes[0].texts


def test_argument_errors():
    with pytest.raises(ValueError, match=r"x must be a non-empty 1-D array; got shape \(2, 2\)"):
        sliding_window_figure(np.ones((2, 2)), W)
    with pytest.raises(TypeError, match=r"w must be a real numeric array \(integer or floating\); got dtype complex128"):
        sliding_window_figure(X, np.array([1j, 1]))
    with pytest.raises(TypeError, match="x must be a real numeric array .*; got dtype object"):
        sliding_window_figure(symbols_array("x", 4), W)
    with pytest.raises(ValueError, match="either mode .* or stride/padding/dilation"):
        sliding_window_figure(X, W, mode="same", stride=2)
    with pytest.raises(ValueError, match=r"mode must be one of \('valid', 'same', 'full'\); got 'circular'"):
        sliding_window_figure(X, W, mode="circular")
    with pytest.raises(TypeError, match="mode must be one of"):
        sliding_window_figure(X, W, mode=1)
    with pytest.raises(ValueError, match="kernel too large"):
        sliding_window_figure([1, 2], W)
    with pytest.raises(ValueError, match=r"step must be an output index in 0..5; got 6"):
        sliding_window_figure(X, W, steps=[6])
    with pytest.raises(TypeError, match="step must be a non-negative int; got True of type bool"):
        draw_window(figure().add_subplot(), X, W, step=True)
    with pytest.raises(ValueError, match="step must be a non-negative int; got -1"):
        draw_window(figure().add_subplot(), X, W, step=-1)
    with pytest.raises(ValueError, match="steps must hold at least one output index"):
        sliding_window_figure(X, W, steps=[])
    with pytest.raises(TypeError, match="steps must be a sequence of output indices"):
        sliding_window_figure(X, W, steps=3)
    with pytest.raises(ValueError, match="more than max_frames=30"):
        sliding_window_animation(np.arange(40), W)
    with pytest.raises(ValueError, match="max_frames must be a positive int; got 0"):
        sliding_window_animation(X, W, max_frames=0)
    with pytest.raises(TypeError, match="kernels must be a mapping of label -> kernel; got list"):
        filtered_figure(X, [W])
    with pytest.raises(ValueError, match="kernels must hold at least one"):
        filtered_figure(X, {})
    with pytest.raises(TypeError, match="modes must be a sequence of modes"):
        filtered_figure(X, {"w": W}, modes="same")
    with pytest.raises(ValueError, match="modes must hold at least one"):
        filtered_figure(X, {"w": W}, modes=())
    with pytest.raises(ValueError, match="rate must be > 0; got 0"):
        filtered_figure(X, {"w": W}, rate=0)
    with pytest.raises(TypeError, match="rate must be a real number; got True"):
        filtered_figure(X, {"w": W}, rate=True)
    with pytest.raises(TypeError, match="separate must be True or False; got 1"):
        filtered_figure(X, {"w": W}, separate=1)
    with pytest.raises(TypeError, match="substitute numbers"):
        matrix_figure(correlation_matrix(symbols_array("w", 2), 3))
    with pytest.raises(ValueError, match=r"m must be a non-empty 2-D array; got shape \(3,\)"):
        matrix_figure([1, 2, 3])
    with pytest.raises(ValueError, match=r"row must be a row index in 0..2; got 3"):
        matrix_figure(sympy.eye(3), row=3)
    with pytest.raises(TypeError, match="m must be a real numeric array"):
        matrix_figure(np.eye(2) * 1j)


def test_frequency_response_is_the_gain_convlab_applies_to_a_sinusoid():
    from matplotlib.text import Text

    from convlab.viz import FONT_SMALL, PAGE_WIDTH
    from convlab.viz.sliding import frequency_response_figure

    kernels = {"box 9": np.ones(9) / 9, "difference": np.array([-1.0, 1.0])}
    fig = frequency_response_figure(kernels, rate=80.0, n_points=640)
    lines = fig.axes[0].get_lines()[:2]
    assert [line.get_label() for line in lines] == list(kernels)
    assert [to_hex(line.get_color()) for line in lines] == colors(2, skip=[PALETTE["input"]])
    f, gains = lines[0].get_xdata(), [line.get_ydata() for line in lines]
    assert f[0] == 0 and f[-1] == 40.0
    t = np.arange(4000)
    for index in (0, 37, 100, 250):                           # 0 Hz, a side lobe, 12.5 Hz, 31.25 Hz
        sine = np.cos(2 * np.pi * f[index] / 80.0 * t)
        for w, gain in zip(kernels.values(), gains):
            out = convlab.correlate(sine, w)
            amplitude = np.abs(out).max() if index == 0 else np.sqrt(2) * out.std()
            assert amplitude == pytest.approx(gain[index], abs=2e-3)
    assert fig.get_size_inches()[0] <= PAGE_WIDTH
    fig.canvas.draw()
    assert all(t.get_fontsize() >= FONT_SMALL for t in fig.findobj(Text) if t.get_text().strip())


def test_frequency_response_argument_errors():
    from convlab.viz.sliding import frequency_response_figure

    with pytest.raises(TypeError, match="kernels must be a mapping"):
        frequency_response_figure([W])
    with pytest.raises(ValueError, match="kernels must hold at least one"):
        frequency_response_figure({})
    with pytest.raises(ValueError, match=r"n_points must be at least the longest kernel's length \(3\); got 2"):
        frequency_response_figure({"w": W}, n_points=2)
    with pytest.raises(ValueError, match="rate must be > 0"):
        frequency_response_figure({"w": W}, rate=0)
