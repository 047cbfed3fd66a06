"""convlab.viz.grids: the pictures show exactly the cells the index map names."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba

from convlab.indexing import index_map
from convlab.viz import PALETTE, figure
from convlab.viz.grids import (
    Panel,
    animate_index_map,
    draw_index_map,
    draw_kernel,
    feature_maps_figure,
    index_map_figure,
    signed_cmap,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _cells(ax, color, alpha):
    """Top-left corners of the unit squares drawn in ``color`` with ``alpha``."""
    want = to_rgba(color, alpha)
    return sorted((p.get_y(), p.get_x()) for p in ax.patches
                  if p.get_width() == 1 and np.allclose(p.get_facecolor(), want))


@pytest.mark.parametrize("kwargs, out_index", [
    (dict(input_shape=(4, 4), kernel_shape=(3, 3)), (1, 1)),
    (dict(input_shape=(5, 5), kernel_shape=(3, 3), padding=1), (0, 0)),
    (dict(input_shape=(5, 5), kernel_shape=(4, 4), padding="same"), (4, 4)),
    (dict(input_shape=(5, 5), kernel_shape=(3, 3), stride=2, padding=1), (2, 1)),
    (dict(input_shape=(7, 7), kernel_shape=(3, 3), dilation=2), (0, 2)),
    (dict(input_shape=(6, 5), kernel_shape=(2, 3), stride=(2, 1), padding=((0, 1), 2)), (2, 6)),
])
def test_draw_index_map_draws_the_map(kwargs, out_index):
    m = index_map(**kwargs)
    ax = draw_index_map(figure(3, 2).add_subplot(), m, out_index)
    ph, pw = m.padded_shape
    oh, ow = m.output_shape
    # footprint cells are exactly the map's footprint
    expected = sorted((float(r), float(c)) for r, c in m.footprint(out_index))
    assert _cells(ax, PALETTE["kernel"], 0.85) == expected
    # padding cells: every padding cell of the grid is grey
    mask = m.padding_mask()
    grey = _cells(ax, PALETTE["padding"], 0.55)
    assert grey == sorted((float(r), float(c)) for r, c in zip(*np.nonzero(mask)))
    assert len(_cells(ax, PALETTE["input"], 0.35)) == ph * pw - mask.sum()
    # output grid, with one highlighted cell at the right place
    chosen = _cells(ax, PALETTE["output"], 0.95)
    assert len(chosen) == 1
    y, x = chosen[0]
    assert x - (pw + 1.5) == out_index[1] and y - (ph - oh) / 2 == out_index[0]
    assert len(_cells(ax, PALETTE["output"], 0.3)) == oh * ow - 1
    assert ax.get_title() == f"{m.input_shape[0]}×{m.input_shape[1]} → {oh}×{ow}"
    # kernel taps are numbered 1..K (small grids)
    assert [t.get_text() for t in ax.texts if t.get_text()] == [str(i + 1) for i in range(m.footprint(
        out_index).shape[0])]


def test_draw_index_map_redraws_on_the_same_axes_and_takes_a_title():
    m = index_map((4, 4), (2, 2))
    ax = figure(3, 2).add_subplot()
    draw_index_map(ax, m, (0, 0))
    n = len(ax.patches)
    draw_index_map(ax, m, (2, 2), title="valid")
    assert len(ax.patches) == n and ax.get_title() == "valid"


def test_draw_index_map_large_grid_has_no_numbers():
    ax = draw_index_map(figure(3, 2).add_subplot(), index_map((10, 10), (3, 3)), (0, 0))
    assert not [t for t in ax.texts if t.get_text()]


def test_draw_index_map_bad_arguments():
    ax = figure(3, 2).add_subplot()
    with pytest.raises(TypeError, match="imap must be a convlab.indexing.IndexMap"):
        draw_index_map(ax, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="only 2-D index maps can be drawn; got one with 1"):
        draw_index_map(ax, index_map(5, 3))
    with pytest.raises(IndexError, match="outside the output"):
        draw_index_map(ax, index_map((4, 4), (3, 3)), (2, 0))


def test_index_map_figure_panels():
    maps = [index_map((4, 4), (3, 3)), index_map((5, 5), (3, 3), padding=1),
            index_map((5, 5), (3, 3), stride=2, padding=1), index_map((7, 7), (3, 3), dilation=2)]
    fig = index_map_figure(maps, ["a", "b", "c", "d"], [(0, 0), (1, 1), (2, 2), (0, 1)], ncols=3)
    assert len(fig.axes) == 6
    assert [ax.get_title() for ax in fig.axes[:4]] == ["a", "b", "c", "d"]
    assert not fig.axes[4].axison and not fig.axes[5].patches
    assert tuple(fig.get_size_inches()) == pytest.approx((3 * 2.6, 2 * 1.9))
    one = index_map_figure(maps[:1])
    assert len(one.axes) == 1 and one.axes[0].get_title() == "4×4 → 2×2"


@pytest.mark.parametrize("args, kwargs, error, match", [
    ([[]], {}, ValueError, "at least one IndexMap"),
    ([[index_map((4, 4), (3, 3))], ["a", "b"]], {}, ValueError, "one entry per map"),
    ([[index_map((4, 4), (3, 3))], None, [(0, 0)] * 2], {}, ValueError, "one entry per map"),
    ([[index_map((4, 4), (3, 3))]], dict(ncols=0), ValueError, "ncols must be a positive int"),
    ([[index_map(4, 3)]], {}, ValueError, "only 2-D index maps"),
])
def test_index_map_figure_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        index_map_figure(*args, **kwargs)


def test_animate_index_map_visits_every_output_cell():
    anim = animate_index_map(index_map((5, 5), (3, 3), stride=2, padding=1), title="stride 2")
    assert anim.n_frames == 9
    html = anim._repr_html_()
    assert html.count("data:image/png;base64") == 9
    again = animate_index_map(index_map((5, 5), (3, 3), stride=2, padding=1), title="stride 2")
    assert again._repr_html_() == html      # deterministic


def test_animate_index_map_too_many_frames():
    with pytest.raises(ValueError, match="more than max_frames=30"):
        animate_index_map(index_map((8, 8), (2, 2)))


def test_signed_cmap_ends_are_the_palette():
    cmap = signed_cmap()
    assert np.allclose(cmap(0.0), to_rgba(PALETTE["input"]))
    assert np.allclose(cmap(1.0), to_rgba(PALETTE["kernel"]))


def test_draw_kernel():
    k = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    ax = draw_kernel(figure(2, 2).add_subplot(), k)
    assert [t.get_text() for t in ax.texts] == ["1", "0", "-1", "2", "0", "-2", "1", "0", "-1"]
    image = ax.images[0]
    assert image.get_clim() == (-2.0, 2.0)
    np.testing.assert_array_equal(image.get_array(), k)
    big = draw_kernel(figure(2, 2).add_subplot(), np.ones((5, 5)) / 25)
    assert not big.texts
    forced = draw_kernel(figure(2, 2).add_subplot(), np.ones((7, 7)) / 49, annotate=True, fmt="{:.2f}")
    assert forced.texts[0].get_text() == "0.02"
    zero = draw_kernel(figure(2, 2).add_subplot(), np.zeros((2, 2)))
    assert zero.images[0].get_clim() == (-1.0, 1.0)


@pytest.mark.parametrize("kernel", [np.ones(3), np.ones((0, 2)), np.ones((2, 2, 2))])
def test_draw_kernel_bad_shape(kernel):
    with pytest.raises(ValueError, match="kernel must be a non-empty 2-D array"):
        draw_kernel(figure(2, 2).add_subplot(), kernel)


def test_feature_maps_figure():
    img = np.linspace(-0.5, 1.5, 100).reshape(10, 10)
    panels = [Panel("input", np.ones((1, 1)), img), ("edges", None, img - 0.5, True, "|g|")]
    fig = feature_maps_figure(panels, crop=(slice(2, 8), slice(0, 5)))
    assert len(fig.axes) == 4
    top0, top1, bottom0, bottom1 = fig.axes[0], fig.axes[1], fig.axes[2], fig.axes[3]
    assert top0.get_title() == "input" and top1.get_title() == "edges"
    assert top1.texts[0].get_text() == "|g|"
    grey = bottom0.images[0]
    assert grey.get_array().shape == (6, 5)
    assert grey.get_array().min() >= 0 and grey.get_array().max() <= 1      # clipped
    lo, hi = bottom1.images[0].get_clim()
    assert lo == -hi and hi == pytest.approx(np.quantile(np.abs(img[2:8, :5] - 0.5), 0.995))
    assert hi < np.abs(img[2:8, :5] - 0.5).max()


def test_feature_maps_figure_bad_arguments():
    with pytest.raises(ValueError, match="at least one Panel"):
        feature_maps_figure([])
    with pytest.raises(ValueError, match="panel 'bad': image must be 2-D"):
        feature_maps_figure([Panel("bad", None, np.ones(4))])


def test_index_map_figure_uses_one_scale():
    fig = index_map_figure([index_map((3, 3), (2, 2)), index_map((5, 5), (3, 3), padding="full")])
    small, large = fig.axes
    assert np.diff(small.get_xlim()) == pytest.approx(np.diff(large.get_xlim()))
    assert np.diff(small.get_ylim()) == pytest.approx(np.diff(large.get_ylim()))


def test_feature_maps_figure_wraps_into_rows():
    img = np.linspace(0, 1, 36).reshape(6, 6)
    panels = [Panel(f"p{i}", np.ones((1, 1)), img) for i in range(5)]
    fig = feature_maps_figure(panels, ncols=3, width=1.0)
    assert len(fig.axes) == 4 * 3
    assert tuple(fig.get_size_inches()) == pytest.approx((3.0, 2 * 2.05))
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == ["p0", "p1", "p2", "p3", "p4"]
    unused = [ax for ax in fig.axes if not ax.get_title() and not ax.images]
    assert len(unused) == 2 and not any(ax.axison for ax in unused)
    with pytest.raises(ValueError, match="ncols must be a positive int"):
        feature_maps_figure(panels, ncols=0)
