"""convlab.viz.learning: the figures of chapter 8 draw what convlab computes (backward maps against
convlab.grad, zero insertion against grad.conv1d_input, pooling gradients against
max_pool2d_backward, a network's history, kernels and maps as given), legibly, within the page."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import convlab  # noqa: E402
from convlab import grad  # noqa: E402
from convlab.indexing import index_map  # noqa: E402
from convlab.learn import History  # noqa: E402
from convlab.viz import FONT_SMALL, PAGE_WIDTH, PALETTE, figure  # noqa: E402
from convlab.viz import learning as L  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


# --------------------------------------------------------------------------
# the backward map
# --------------------------------------------------------------------------

@pytest.mark.parametrize("shape, k, options", [
    (7, 3, {}), (9, 3, dict(stride=2)), (8, 2, dict(stride=3, padding=1)), (9, 3, dict(dilation=2, padding=2)),
    ((5, 5), (3, 3), {}), ((7, 6), (3, 2), dict(stride=2, padding=1)), ((6, 6), (2, 2), dict(dilation=2)),
])
def test_backward_sources_sum_to_convlab_input_gradient(shape, k, options):
    imap = index_map(shape, k, **options)
    rng = np.random.default_rng(1)
    w = rng.standard_normal(imap.kernel_shape)
    delta = rng.standard_normal(imap.output_shape)
    layer = grad.conv1d_input if imap.ndim == 1 else grad.conv2d_input
    dx = layer((1, 1, *imap.input_shape), w[None, None], delta[None, None], **options)[0, 0]
    for m in np.ndindex(*imap.input_shape):
        total = sum(delta[o] * w[t] for o, t in L.backward_sources(imap, m))
        assert np.isclose(total, dx[m]), m


def _cells(ax, color, alpha):
    want = to_rgba(color, alpha)
    return [p for p in ax.patches if np.allclose(p.get_facecolor(), want)]


def test_backward_map_draws_the_sources_with_their_taps():
    imap = index_map((5, 5), (3, 3))
    ax = L.draw_backward_map(figure(4, 2).add_subplot(), imap, (2, 2))
    reaching = _cells(ax, PALETTE["kernel"], 0.85)
    assert len(reaching) == 9
    numbers = sorted(int(t.get_text()) for t in ax.texts if t.get_text().isdigit())
    assert numbers == sorted(list(range(9)) * 2)          # the kernel's taps, and the reaching cells'
    # the top-left output gradient arrives through the last tap: the flip
    first = min(reaching, key=lambda p: (p.get_y(), p.get_x()))
    label = next(t for t in ax.texts if t.get_position() == (first.get_x() + 0.5, first.get_y() + 0.5))
    assert label.get_text() == "8"
    assert len(_cells(ax, PALETTE["input"], 0.95)) == 1
    assert ax.get_title() == "9 output gradients reach x[2, 2]"


def test_backward_map_one_dimensional_and_default_cell():
    imap = index_map(7, 3, stride=2)
    ax = L.draw_backward_map(figure(4, 2).add_subplot(), imap)            # the middle cell, x[3]
    assert ax.get_title() == "1 output gradient reaches x[3]"
    ax = L.draw_backward_map(ax, imap, 2)                                # where two windows overlap
    assert ax.get_title() == "2 output gradients reach x[2]"
    assert len(_cells(ax, PALETTE["kernel"], 0.85)) == len(L.backward_sources(imap, 2)) == 2


def test_backward_map_figure_one_scale():
    fig = L.backward_map_figure([index_map((5, 5), (3, 3)), index_map((7, 7), (3, 3), stride=2)],
                                titles=["a", "b"])
    widths = {round(ax.get_xlim()[1] - ax.get_xlim()[0], 9) for ax in fig.axes}
    assert len(widths) == 1 and [ax.get_title() for ax in fig.axes] == ["a", "b"]


# --------------------------------------------------------------------------
# zero insertion, gradient checks, shifts, pooling
# --------------------------------------------------------------------------

@pytest.mark.parametrize("n, k, stride", [(7, 3, 2), (8, 3, 2), (10, 2, 3), (5, 5, 1)])
def test_stride_gradient_figure_writes_convlab_gradient(n, k, stride):
    rng = np.random.default_rng(2)
    w = rng.integers(-3, 4, k)
    n_out = (n - k) // stride + 1
    delta = rng.integers(-3, 4, n_out)
    fig = L.stride_gradient_figure(w, delta, n, stride=stride, steps=[0, n - 1])
    dx = grad.conv1d_input((1, 1, n), w[None, None], delta[None, None], stride=stride)[0, 0]
    for ax, m in zip(fig.axes, (0, n - 1)):
        assert ax.get_title(loc="left").endswith(f"= {convlab.viz.number(dx[m])}")
        # the stretched row holds n + k - 1 cells, the gradient row n
        assert sum(1 for p in ax.patches if np.allclose(p.get_facecolor(), to_rgba(PALETTE["padding"], 0.55))) \
            == n + k - 1 - n_out
    assert fig.get_size_inches()[0] <= PAGE_WIDTH


def test_stride_gradient_figure_refuses_a_wrong_delta():
    with pytest.raises(ValueError, match="delta must have the layer's output length 3"):
        L.stride_gradient_figure([1, 2, 3], [1, 2], 7, stride=2)
    with pytest.raises(ValueError, match="step must be an input index in 0..6"):
        L.stride_gradient_figure([1, 2, 3], [1, 2, 3], 7, stride=2, steps=[7])


def test_step_size_and_shift_figures_draw_the_numbers_given():
    h = np.logspace(-9, -1, 9)
    err = {"float64": h ** 2 + 1e-16 / h, "float32": np.r_[0.0, h[1:] ** 2 + 1e-7 / h[1:]]}
    fig = L.step_size_figure(h, err)
    lines = [ln for ln in fig.axes[0].get_lines() if not ln.get_label().startswith("_")]
    np.testing.assert_allclose(lines[0].get_ydata(), err["float64"])
    assert lines[1].get_ydata()[0] > 0                            # a zero error drawn at the bottom
    best = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "_best"]
    assert best[0].get_xdata()[0] == h[np.argmin(err["float64"])]
    fig = L.shift_figure([1, 2], {"a": [0.1, 0.2]})
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), [0.1, 0.2])
    with pytest.raises(ValueError, match=r"changes\['a'\] must have one value per point \(2\)"):
        L.shift_figure([1, 2], {"a": [0.1]})
    with pytest.raises(TypeError, match="errors must be a non-empty mapping"):
        L.step_size_figure(h, [])
    with pytest.raises(ValueError, match="steps must be positive"):
        L.step_size_figure([0.0, 1.0], {"a": [1, 2]})


def test_pool_gradient_figure_draws_convlab_backward():
    x = np.array([[1, 5, 2, 0, 3], [0, 3, 4, 1, 1], [2, 1, 0, 6, 2], [4, 2, 1, 3, 0], [1, 0, 2, 2, 5]])
    configs = [(2, 2), (3, 2), (3, 1)]
    fig = L.pool_gradient_figure(x, configs)
    assert [ax.get_title() for ax in fig.axes] == ["x", "k = 2, s = 2", "k = 3, s = 2", "k = 3, s = 1"]
    np.testing.assert_array_equal(fig.axes[0].get_images()[0].get_array(), x)
    for ax, (k, s) in zip(fig.axes[1:], configs):
        x4 = x[None, None].astype(float)
        dx = convlab.max_pool2d_backward(np.ones_like(convlab.max_pool2d(x4, k, s)), x4, k, s)[0, 0]
        shown = ax.get_images()[0].get_array()
        np.testing.assert_array_equal(np.ma.filled(shown, 0), dx)
    # overlapping windows add: the 6 is the maximum of every 3x3 window that holds it
    assert "6" in [t.get_text() for t in fig.axes[3].texts]
    with pytest.raises(TypeError, match="configs must be a non-empty sequence"):
        L.pool_gradient_figure(x, [])


# --------------------------------------------------------------------------
# a trained network
# --------------------------------------------------------------------------

def _history():
    return History([1.0, 0.5, 0.3], [0.6, 0.8, 0.9], [0.9, 0.6, 0.5], [0.55, 0.75, 0.85],
                   [1.2, 0.9, 0.8, 0.6, 0.4, 0.3])


def test_training_figure_draws_the_history():
    h = _history()
    fig = L.training_figure(h)
    loss, acc = fig.axes
    by_label = {ln.get_label(): ln for ln in loss.get_lines()}
    np.testing.assert_allclose(by_label["training (mean of the steps)"].get_ydata(), h.train_loss)
    np.testing.assert_allclose(by_label["test"].get_ydata(), h.test_loss)
    np.testing.assert_allclose(by_label["each step"].get_xdata(), np.arange(1, 7) / 2)
    np.testing.assert_allclose({ln.get_label(): ln for ln in acc.get_lines()}["test"].get_ydata(),
                               [55, 75, 85])
    with pytest.raises(ValueError, match="history must hold at least one epoch"):
        L.training_figure(History())


def test_filters_figure_one_scale_per_row():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((4, 1, 3, 3)), 5 * rng.standard_normal((3, 3, 3))
    fig = L.filters_figure({"initial": a, "trained": b})
    images = [ax.get_images()[0] for ax in fig.axes if ax.get_images()]
    assert len(images) == 7
    np.testing.assert_array_equal(images[0].get_array(), a[0, 0])
    np.testing.assert_array_equal(images[4].get_array(), b[0])
    assert images[0].get_clim() == (-np.abs(a).max(), np.abs(a).max())
    assert images[4].get_clim() == (-np.abs(b).max(), np.abs(b).max())
    with pytest.raises(ValueError, match="must have one input channel"):
        L.filters_figure({"x": np.ones((2, 3, 3, 3))})


def test_activation_figure_draws_each_map_on_its_own_scale():
    rng = np.random.default_rng(4)
    acts = {"relu1": np.abs(rng.standard_normal((1, 10, 8, 8))), "pool2": np.abs(rng.standard_normal((16, 2, 2)))}
    fig = L.activation_figure(np.eye(8), acts, max_maps=8)
    images = [ax.get_images()[0] for ax in fig.axes if ax.get_images()]
    assert len(images) == 1 + 8 + 8
    np.testing.assert_array_equal(images[1].get_array(), acts["relu1"][0, 0])
    assert images[1].get_clim() == (0.0, acts["relu1"][0, 0].max())
    with pytest.raises(ValueError, match="must hold one image"):
        L.activation_figure(np.eye(8), {"a": np.ones((2, 3, 4, 4))})


def test_confusion_figure_writes_every_count():
    m = np.array([[5, 1, 0], [0, 4, 2], [0, 0, 7]])
    fig = L.confusion_figure(m, labels=["a", "b", "c"])
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == sorted(str(v) for v in m.flat if v)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    right = to_rgba(PALETTE["output"], 0.95)
    assert any(np.allclose(p.get_facecolor(), right) for p in ax.patches)   # the largest correct count
    with pytest.raises(ValueError, match="matrix must be square"):
        L.confusion_figure(np.ones((2, 3)))


# --------------------------------------------------------------------------
# every figure within the page, no text under the smallest size
# --------------------------------------------------------------------------

def _figures():
    h = np.logspace(-8, -1, 8)
    yield "backward_map_figure", L.backward_map_figure([index_map((5, 5), (3, 3)),
                                                        index_map((7, 7), (3, 3), stride=2)])
    yield "stride_gradient_figure", L.stride_gradient_figure([1, 2, 3], [1, -1, 2], 7, stride=2, steps=[2, 3])
    yield "step_size_figure", L.step_size_figure(h, {"float64": h ** 2 + 1e-16 / h})
    yield "shift_figure", L.shift_figure([0, 1, 2], {"a": [0, 1, 2], "b": [0, 0.5, 1]})
    yield "pool_gradient_figure", L.pool_gradient_figure(np.arange(25).reshape(5, 5) % 7,
                                                         [(2, 2), (3, 2), (3, 1)])
    yield "training_figure", L.training_figure(_history())
    yield "filters_figure", L.filters_figure({"a": np.ones((16, 3, 3)), "b": np.ones((16, 3, 3))})
    yield "activation_figure", L.activation_figure(np.eye(8), {"a": np.ones((16, 8, 8))}, max_maps=16)
    yield "confusion_figure", L.confusion_figure(np.arange(100).reshape(10, 10) % 5)


def test_every_figure_fits_the_page_and_its_text_is_legible():
    for name, fig in _figures():
        width = fig.get_size_inches()[0]
        assert width <= PAGE_WIDTH + 1e-9, f"{name} is {width} inches wide"
        fig.canvas.draw()
        small = sorted({(t.get_fontsize(), t.get_text()) for t in fig.findobj(Text)
                        if t.get_text().strip() and t.get_visible() and t.get_fontsize() < FONT_SMALL})
        assert not small, f"{name}: text under {FONT_SMALL} pt: {small[:5]}"
        plt.close(fig)


def test_bad_maps_are_named():
    with pytest.raises(TypeError, match="imap must be a convlab.indexing.IndexMap"):
        L.backward_sources("map", 0)
    with pytest.raises(ValueError, match="only 1-D and 2-D index maps"):
        L.backward_sources(index_map((3, 3, 3), (2, 2, 2)), (0, 0, 0))
    with pytest.raises(ValueError, match="cell must name one input cell"):
        L.backward_sources(index_map((5, 5), (3, 3)), 2)
    with pytest.raises(ValueError, match="cell must be an input index in 0..4"):
        L.backward_sources(index_map(5, 3), 5)
    with pytest.raises(ValueError, match="maps must hold at least one IndexMap"):
        L.backward_map_figure([])
