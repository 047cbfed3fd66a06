"""Figures of the algorithms chapter: they draw what convlab computes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import convlab  # noqa: E402
from convlab.sweeps import Sweep  # noqa: E402
from convlab.viz import PALETTE, algorithms  # noqa: E402


def _shown(ax) -> np.ndarray:
    return np.asarray(ax.get_images()[0].get_array())


def _frames(ax):
    red = matplotlib.colors.to_rgb(PALETTE["highlight"])
    return [p for p in ax.patches if np.allclose(p.get_edgecolor()[:3], red)]


@pytest.mark.parametrize("stride,dilation", [(1, 1), (2, 1), (1, 2)])
def test_column_matrix_is_unfold_and_output_is_conv2d(stride, dilation):
    x = np.random.default_rng(0).standard_normal((7, 8))
    w = np.random.default_rng(1).standard_normal((3, 3))
    fig = algorithms.column_matrix_figure(x, 3, kernel=w, patch=2, stride=stride, dilation=dilation)
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    img, cols, w_row, y_row = (_shown(ax) for ax in fig.axes)
    np.testing.assert_array_equal(img, x)
    np.testing.assert_array_equal(cols, convlab.unfold(x[None, None], 3, stride=stride, dilation=dilation)[0])
    np.testing.assert_array_equal(w_row, w.reshape(1, -1))
    y = convlab.conv2d(x[None, None], w[None, None], stride=stride, dilation=dilation)
    np.testing.assert_allclose(y_row.ravel(), y.ravel())
    # the framed column is patch 2, and the framed pixels are exactly the values in that column
    (frame,) = _frames(fig.axes[1])
    assert frame.get_x() == pytest.approx(2 - 0.5)
    pixels = _frames(fig.axes[0])
    assert len(pixels) == 9
    framed = sorted(x[int(p.get_y() + 0.5), int(p.get_x() + 0.5)] for p in pixels)
    assert framed == sorted(cols[:, 2])


def test_column_matrix_without_kernel_and_annotation():
    fig = algorithms.column_matrix_figure(np.arange(16.0).reshape(4, 4), 2, annotate=True)
    assert len(fig.axes) == 2
    assert len(fig.axes[1].texts) == 4 * 9
    fig = algorithms.column_matrix_figure(np.zeros((30, 30)), 3)
    assert not fig.axes[1].texts                                 # 9 x 784 cells: too many to write


def test_column_matrix_writes_what_fits_on_the_page():
    x = 0.5 + 0.4 * np.random.default_rng(3).random((6, 6))     # grey levels written as 0.xx
    w = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    fig = algorithms.column_matrix_figure(x, 3, kernel=w, patch=5)
    _, cols, w_row, y_row = fig.axes
    assert len(cols.texts) == 9 * 16 and len(w_row.texts) == 9
    # the outputs are too wide for their cells: only the framed one is written
    assert [t.get_text() for t in y_row.texts] == [convlab.viz.number(y_row.get_images()[0].get_array()[0, 5],
                                                                      "{:.2g}")]
    assert fig.get_size_inches()[0] == pytest.approx(convlab.viz.PAGE_WIDTH)
    narrow = algorithms.column_matrix_figure(x, 3, kernel=w, width=4.0)
    assert not narrow.axes[1].texts                              # 16 columns do not fit in 4 inches


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(x=np.zeros(5), kernel_size=3), ValueError, "x must be a non-empty 2-D array"),
    (dict(x=np.zeros((4, 4), dtype=complex), kernel_size=3), TypeError, "x must be a real numeric array"),
    (dict(x=np.zeros((4, 4)), kernel_size=0), ValueError, "kernel_size must be a positive int; got 0"),
    (dict(x=np.zeros((4, 4)), kernel_size=3.0), TypeError, "kernel_size must be a positive int; got 3.0"),
    (dict(x=np.zeros((4, 4)), kernel_size=3, stride=0), ValueError, "stride must be a positive int"),
    (dict(x=np.zeros((4, 4)), kernel_size=3, dilation="1"), TypeError, "dilation must be a positive int"),
    (dict(x=np.zeros((4, 4)), kernel_size=3, patch=4), ValueError, r"patch must be an output position in 0..3"),
    (dict(x=np.zeros((4, 4)), kernel_size=3, patch=None), TypeError, "patch must be a non-negative int"),
    (dict(x=np.zeros((4, 4)), kernel_size=3, width=0), ValueError, "width must be > 0"),
    (dict(x=np.zeros((4, 4)), kernel_size=3, kernel=np.ones((2, 2))), ValueError, r"kernel must have shape \(3, 3\)"),
])
def test_column_matrix_errors(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        algorithms.column_matrix_figure(**kwargs)


def test_spectra_product_inverts_to_conv2d_full():
    rng = np.random.default_rng(2)
    image, kernel = rng.standard_normal((12, 10)), rng.standard_normal((3, 4))
    fig = algorithms.spectra_figure(image, kernel)
    assert len(fig.axes) == 4
    spec_x, spec_w, spec_p, filtered = (_shown(ax) for ax in fig.axes)
    expected = convlab.conv2d(image[None, None], kernel[None, None], padding=(2, 3))[0, 0]
    assert filtered.shape == expected.shape == (14, 13)
    np.testing.assert_allclose(filtered, expected, atol=1e-10)
    # log|X W| = log|X| + log|W| wherever nothing is near zero
    big = (spec_x > spec_x.max() - 8) & (spec_w > spec_w.max() - 8)
    np.testing.assert_allclose(spec_p[big], (spec_x + spec_w)[big], atol=1e-8)
    # zero frequency in the centre: the DC term of the image is its sum
    assert spec_x[7, 6] == pytest.approx(np.log10(abs(image.sum())))


def test_spectra_errors():
    with pytest.raises(ValueError, match="must not be larger than the image"):
        algorithms.spectra_figure(np.zeros((4, 4)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="kernel must be a non-empty 2-D array"):
        algorithms.spectra_figure(np.zeros((4, 4)), np.zeros(3))
    with pytest.raises(TypeError, match="image must be a real numeric array"):
        algorithms.spectra_figure(np.zeros((4, 4), dtype=complex), np.zeros((3, 3)))


def test_circular_figure_shows_wraparound():
    x, w = np.array([3.0, 1, 4, 1, 5, 9, 2, 6]), np.array([1.0, 2, 3])
    fig = algorithms.circular_figure(x, w)
    linear, circular, padded = (ax.containers[0].markerline.get_ydata() for ax in fig.axes)
    full = np.convolve(x, w)
    np.testing.assert_allclose(linear, full)
    np.testing.assert_allclose(circular, np.real(np.fft.ifft(np.fft.fft(x) * np.fft.fft(w, 8))))
    np.testing.assert_allclose(padded, full)
    wrapped = full[:8].copy()
    wrapped[:2] += full[8:]
    np.testing.assert_allclose(circular, wrapped)
    with pytest.raises(ValueError, match="must not be longer than x"):
        algorithms.circular_figure([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="w must be a non-empty 1-D array"):
        algorithms.circular_figure([1.0, 2.0], [[1.0]])


def test_sweep_figure_marks_the_crossover():
    s = Sweep("kernel size k", (3, 9, 27, 81), {"im2col": (1e-4, 3e-4, 9e-4, 3e-3), "fft": (5e-4, 5e-4, 6e-4, 7e-4)})
    fig = algorithms.sweep_figure({"a": s, "b": s})
    assert len(fig.axes) == 2 and fig.axes[1].get_title() == "b"
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert set(lines) == {"im2col", "fft", "crossover k = 27"}
    np.testing.assert_allclose(lines["fft"].get_ydata(), np.array(s.times["fft"]) * 1e3)
    assert fig.axes[0].get_xscale() == fig.axes[0].get_yscale() == "log"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["im2col", "fft", "crossover"]
    assert [t.get_text() for t in fig.axes[0].texts] == ["k = 27"]
    wide = Sweep("kernel size k", (3, 5, 9, 17, 33, 65, 129, 257, 513), {"im2col": [1e-4] * 9})
    ticks = algorithms.sweep_figure({"a": wide, "b": wide, "c": wide}).axes[0].get_xticks()
    assert ticks[0] == 3 and 3 <= len(ticks) < 9                     # labels spaced so that they do not touch
    assert all(b / a > 2.5 for a, b in zip(ticks, ticks[1:]))
    never = Sweep("kernel size k", (3, 5), {"im2col": (1.0, 1.0), "fft": (2.0, 2.0)})
    assert [line.get_label() for line in algorithms.sweep_figure(never).axes[0].get_lines()] == ["im2col", "fft"]
    with pytest.raises(ValueError, match="sweep must hold at least one Sweep"):
        algorithms.sweep_figure({})
    with pytest.raises(TypeError, match="sweep must be a convlab.sweeps.Sweep or a mapping"):
        algorithms.sweep_figure({"a": s, "b": 1})
    with pytest.raises(TypeError, match="got list"):
        algorithms.sweep_figure([s])
    with pytest.raises(ValueError, match="width must be > 0"):
        algorithms.sweep_figure(s, width=-1.0)
    assert algorithms.sweep_figure({str(i): s for i in range(3)}).get_size_inches()[0] <= convlab.viz.PAGE_WIDTH


def test_accuracy_figure_plots_the_given_values():
    fig = algorithms.accuracy_figure([10, 100], {"float32": [1e-7, 2e-7], "float64": [1e-16, 3e-16]},
                                     {"float32": [3e-7, 6e-7]})
    lines = {line.get_label(): line.get_ydata() for line in fig.axes[0].get_lines()}
    assert set(lines) == {"float32", "float32: ε log2 n_fft", "float64"}
    np.testing.assert_allclose(lines["float64"], [1e-16, 3e-16])
    with pytest.raises(ValueError, match="one value per length"):
        algorithms.accuracy_figure([10, 100], {"float32": [1e-7]})
    with pytest.raises(ValueError, match=r"'float32 bound' must have one value per length \(2\)"):
        algorithms.accuracy_figure([10, 100], {"float32": [1e-7, 2e-7]}, {"float32": [1.0]})
    with pytest.raises(ValueError, match="lengths must be a non-empty 1-D array"):
        algorithms.accuracy_figure([], {})
    with pytest.raises(TypeError, match="errors and bounds must be mappings"):
        algorithms.accuracy_figure([10], [1e-7])
